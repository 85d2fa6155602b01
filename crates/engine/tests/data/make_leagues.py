#!/usr/bin/env python3
"""Writes the labelled multi-league capture in ./leagues (deterministic), built by hand to plant
the traps of cross-venue matching. Payload shapes follow the real recordings of ../shared/data
(Kalshi current schema, Gamma events with JSON-string fields); teams, lines and prices are made
up. What each game plants:

- NFL BUF@JAX: Kalshi `JAC` vs Polymarket `jax`; moneyline, a spread each way (only the side
  that gives the points matches), totals equal / within 0.5 / 2 apart; a same-game parlay
  (mve_collection_ticker set) inside the Kalshi event.
- NFL LA Rams @ CAR: Kalshi `LA` vs Polymarket `la`, Polymarket listing home team first.
- NHL NJ@SJ: two-letter codes on both venues.
- MLB NYY@TB doubleheader: same teams, same day, start times 5.5 h apart.
- EPL Leeds v Sunderland: three yes/no markets each side; the same fixture a week later on
  Polymarket only (a rematch, never a match).
- ATP Sinner v Alcaraz, UFC Pereira v Ankalaev: players no dictionary knows (suggest only).
- CS2 NaVi v FaZe: series winner, map 1 and map 2 winners, total maps; team names differ a little.
- A KXMVENFLSINGLEGAME series event (never requested while MVE markets are excluded).

Kalshi's `occurrence_datetime` and `expected_expiration_time` are the expected END of play, as on
the venue (a real MLB payload has both three hours after first pitch): start + the sport's usual
length below. Map, total-maps and Polymarket child-market shapes follow the real esports payloads
of ../shared/data/real/multi-league (`KXLOLMAP-…-1-T1`, `…-game1`, "Games Total: O/U 2.5").
"""
import json
import os
from datetime import datetime, timedelta

NOW = "2026-01-09T12:00:00Z"
OUT = "leagues"
series, k_events, p_events, labels = [], [], [], []
next_id = [7_000_000]


def nid():
    next_id[0] += 1
    return str(next_id[0])


def add_series(ticker, category="Sports"):
    series.append({"ticker": ticker, "title": ticker, "category": category, "fee_type": "quadratic_with_maker_fees",
                   "fee_multiplier": 1})


# Rule texts, planted to differ where noted (see the settlement tests).
NBA_STYLE = ("If the game is postponed or delayed, the market will remain open and close after the rescheduled "
             "game has finished (within two weeks). Overtime counts.")
POLY_STYLE = ("If the game is postponed, this market will remain open until the game has been completed. If the "
              "game is canceled entirely, with no make-up game, this market will resolve 50-50. The result will be "
              "determined based on the final score including any overtime periods.")
KALSHI_RULES = {}
POLY_RULES = {}


# Hours from the start to Kalshi's expected end of play, per series prefix (the real capture's).
PLAY_HOURS = {"KXNFL": 3.5, "KXNHL": 2.5, "KXMLB": 3, "KXEPL": 2, "KXATP": 3, "KXUFC": 1.5, "KXCS2": 3, "KXMVE": 3.5}


def expected_end(event, start):
    hours = next(h for p, h in PLAY_HOURS.items() if event.startswith(p))
    end = datetime.strptime(start, "%Y-%m-%dT%H:%M:%SZ") + timedelta(hours=hours)
    return end.strftime("%Y-%m-%dT%H:%M:%SZ")


def kmarket(ticker, event, title, yes_sub, start, strike=None, extra=None):
    end = expected_end(event, start)
    m = {"ticker": ticker, "event_ticker": event, "market_type": "binary", "title": title, "yes_sub_title": yes_sub,
         "no_sub_title": yes_sub, "status": "active", "open_time": "2026-01-02T15:00:00Z",
         "close_time": "2026-01-30T00:00:00Z", "occurrence_datetime": end, "expected_expiration_time": end,
         "yes_bid_dollars": "0.4500", "yes_ask_dollars": "0.4700", "last_price_dollars": "0.4600",
         "volume_fp": "1000.00", "rules_primary": f"If {yes_sub} ..., the market resolves to Yes.",
         "rules_secondary": KALSHI_RULES.get(event.split("-")[0], NBA_STYLE), "result": ""}
    if strike is not None:
        m["floor_strike"] = strike
        m["strike_type"] = "greater"
    m.update(extra or {})
    return m


def kevent(ticker, series_ticker, title, sub_title, markets):
    k_events.append({"event_ticker": ticker, "series_ticker": series_ticker, "title": title, "sub_title": sub_title,
                     "category": "Sports", "mutually_exclusive": series_ticker.endswith("GAME"), "markets": markets})


def pmarket(question, slug, start, outcomes, smt, line=None, group=None):
    mid = nid()
    toks = [f"{mid}{i:02d}" for i in range(len(outcomes))]
    return {"id": mid, "question": question, "conditionId": "0x" + mid.rjust(64, "0"), "slug": slug,
            "endDate": start, "gameStartTime": start.replace("T", " ").replace("Z", "+00"),
            "outcomes": json.dumps(outcomes), "outcomePrices": json.dumps(["0.5"] * len(outcomes)),
            "clobTokenIds": json.dumps(toks), "sportsMarketType": smt, "line": line, "groupItemTitle": group,
            "description": POLY_RULES.get(slug.split("-")[0], POLY_STYLE),
            "active": True, "closed": False, "feesEnabled": False}


def pevent(slug, title, start, tag, label, markets):
    p_events.append({"id": nid(), "slug": slug, "title": title, "startTime": start, "active": True, "closed": False,
                     "tags": [{"id": "1", "label": "Sports"}, {"id": tag, "label": label}], "markets": markets})


def label(k, p, outcome, kind, line, verdict):
    labels.append(f"{k['ticker']},{p['id']},{outcome},{kind},{'' if line is None else line},{verdict}")


# EPL: Kalshi settles on 90 minutes; this Polymarket market (planted) counts extra time.
KALSHI_RULES["KXEPLGAME"] = "The market settles on the result after 90 minutes plus stoppage time; extra time does not count. " + NBA_STYLE.replace(" Overtime counts.", "")
POLY_RULES["epl"] = "This market resolves on the final result including extra time and penalties. " + POLY_STYLE.replace(" including any overtime periods", "")
# Tennis: Kalshi pays the advancing player on a retirement; Polymarket (planted) resolves 50-50.
KALSHI_RULES["KXATPMATCH"] = "If a player retires, the player who advances to the next round is declared the winner."
POLY_RULES["atp"] = "If either player retires or is disqualified before the match is completed, this market will resolve 50-50."

for s in ["KXNFLGAME", "KXNFLSPREAD", "KXNFLTOTAL", "KXNHLGAME", "KXMLBGAME", "KXEPLGAME", "KXATPMATCH",
          "KXUFCFIGHT", "KXCS2GAME", "KXCS2MAP", "KXCS2TOTALMAPS", "KXMVENFLSINGLEGAME"]:
    add_series(s)

# NFL Buffalo at Jacksonville, Sunday Jan 11 (ET), 18:00Z.
st = "2026-01-11T18:00:00Z"
ml = [kmarket(f"KXNFLGAME-26JAN11BUFJAC-{c}", "KXNFLGAME-26JAN11BUFJAC", "Buffalo at Jacksonville Winner?", n, st)
      for c, n in [("BUF", "Buffalo"), ("JAC", "Jacksonville")]]
parlay = kmarket("KXNFLGAME-26JAN11BUFJAC-SGP1", "KXNFLGAME-26JAN11BUFJAC", "yes Buffalo,yes Over 47.5",
                 "yes Buffalo,yes Over 47.5", st,
                 extra={"mve_collection_ticker": "KXMVENFLSINGLEGAME-R", "mve_selected_legs": [
                     {"event_ticker": "KXNFLGAME-26JAN11BUFJAC", "market_ticker": "KXNFLGAME-26JAN11BUFJAC-BUF", "side": "yes"}]})
kevent("KXNFLGAME-26JAN11BUFJAC", "KXNFLGAME", "Buffalo at Jacksonville", "BUF at JAC (Jan 11)", ml + [parlay])
sp = [kmarket("KXNFLSPREAD-26JAN11BUFJAC-BUF3", "KXNFLSPREAD-26JAN11BUFJAC", "Buffalo wins by over 2.5 points?", "Buffalo", st, 2.5),
      kmarket("KXNFLSPREAD-26JAN11BUFJAC-JAC3", "KXNFLSPREAD-26JAN11BUFJAC", "Jacksonville wins by over 2.5 points?", "Jacksonville", st, 2.5)]
kevent("KXNFLSPREAD-26JAN11BUFJAC", "KXNFLSPREAD", "Buffalo at Jacksonville: Spread", "BUF at JAC (Jan 11)", sp)
to = [kmarket(f"KXNFLTOTAL-26JAN11BUFJAC-{n}", "KXNFLTOTAL-26JAN11BUFJAC", f"Over {v} points scored?", f"Over {v}", st, v)
      for n, v in [("47", 47.5), ("48", 48), ("49", 49.5)]]
kevent("KXNFLTOTAL-26JAN11BUFJAC", "KXNFLTOTAL", "Buffalo at Jacksonville: Total", "BUF at JAC (Jan 11)", to)
p_ml = pmarket("Bills vs. Jaguars", "nfl-buf-jax-2026-01-11", st, ["Bills", "Jaguars"], "moneyline")
p_sp = pmarket("Spread: Bills (-2.5)", "nfl-buf-jax-2026-01-11-spread-away-2pt5", st, ["Bills", "Jaguars"], "spreads", -2.5)
p_to = pmarket("Bills vs. Jaguars: O/U 47.5", "nfl-buf-jax-2026-01-11-total-47pt5", st, ["Over", "Under"], "totals", 47.5)
pevent("nfl-buf-jax-2026-01-11", "Bills vs. Jaguars", st, "450", "NFL", [p_ml, p_sp, p_to])
label(ml[0], p_ml, 0, "moneyline", None, "match")
label(ml[1], p_ml, 1, "moneyline", None, "match")
label(parlay, p_ml, 0, "moneyline", None, "nonmatch")
label(sp[0], p_sp, 0, "spread", -2.5, "match")
label(sp[1], p_sp, 1, "spread", -2.5, "nonmatch")
label(to[0], p_to, 0, "total", 47.5, "match")
label(to[1], p_to, 0, "total", 48, "match")
label(to[2], p_to, 0, "total", 49.5, "nonmatch")

# NFL Los Angeles R at Carolina, Jan 10, 21:30Z; Polymarket lists the home team first here.
st = "2026-01-10T21:30:00Z"
ml = [kmarket(f"KXNFLGAME-26JAN10LACAR-{c}", "KXNFLGAME-26JAN10LACAR", "Los Angeles R at Carolina Winner?", n, st)
      for c, n in [("LA", "Los Angeles R"), ("CAR", "Carolina")]]
kevent("KXNFLGAME-26JAN10LACAR", "KXNFLGAME", "Los Angeles R at Carolina", "LA at CAR (Jan 10)", ml)
p_ml = pmarket("Panthers vs. Rams", "nfl-la-car-2026-01-10", st, ["Panthers", "Rams"], "moneyline")
pevent("nfl-la-car-2026-01-10", "Panthers vs. Rams", st, "450", "NFL", [p_ml])
label(ml[0], p_ml, 1, "moneyline", None, "match")
label(ml[1], p_ml, 0, "moneyline", None, "match")

# NHL New Jersey at San Jose, Jan 10, 03:30Z (Jan 9 ET evening).
st = "2026-01-10T03:30:00Z"
ml = [kmarket(f"KXNHLGAME-26JAN09NJSJ-{c}", "KXNHLGAME-26JAN09NJSJ", "New Jersey at San Jose Winner?", n, st)
      for c, n in [("NJ", "New Jersey"), ("SJ", "San Jose")]]
kevent("KXNHLGAME-26JAN09NJSJ", "KXNHLGAME", "New Jersey at San Jose", "NJ at SJ (Jan 9)", ml)
p_ml = pmarket("Devils vs. Sharks", "nhl-nj-sj-2026-01-09", st, ["Devils", "Sharks"], "moneyline")
pevent("nhl-nj-sj-2026-01-09", "Devils vs. Sharks", st, "899", "NHL", [p_ml])
label(ml[0], p_ml, 0, "moneyline", None, "match")
label(ml[1], p_ml, 1, "moneyline", None, "match")

# MLB doubleheader, New York Y at Tampa Bay, Jul 8 (ET): 13:05 and 18:40 local.
games = []
for hhmm, st in [("1305", "2026-07-08T17:05:00Z"), ("1840", "2026-07-08T22:40:00Z")]:
    ev = f"KXMLBGAME-26JUL08{hhmm}NYYTB"
    ml = [kmarket(f"{ev}-{c}", ev, "New York Y vs Tampa Bay Winner?", n, st) for c, n in [("NYY", "New York Y"), ("TB", "Tampa Bay")]]
    kevent(ev, "KXMLBGAME", "New York Y vs Tampa Bay", "NYY at TB (Jul 8)", ml)
    slug = "mlb-nyy-tb-2026-07-08" + ("" if hhmm == "1305" else "-game-2")
    p_ml = pmarket("Yankees vs. Rays", slug, st, ["Yankees", "Rays"], "moneyline")
    pevent(slug, "Yankees vs. Rays", st, "100381", "MLB", [p_ml])
    games.append((ml, p_ml))
for i, (ml, p_ml) in enumerate(games):
    other = games[1 - i][1]
    label(ml[0], p_ml, 0, "moneyline", None, "match")
    label(ml[1], p_ml, 1, "moneyline", None, "match")
    label(ml[0], other, 0, "moneyline", None, "nonmatch")

# EPL Leeds v Sunderland, Jan 10 15:00Z: three yes/no markets; the same fixture on Jan 17.
def epl_event(date, st, with_kalshi):
    slug = f"epl-lee-sun-{date}"
    yes_no = ["Yes", "No"]
    p_lee = pmarket("Will Leeds United FC win?", f"{slug}-lee", st, yes_no, "moneyline", group="Leeds United FC")
    p_draw = pmarket("Will it be a draw?", f"{slug}-draw", st, yes_no, "moneyline", group="Draw (Leeds vs. Sunderland)")
    p_sun = pmarket("Will Sunderland AFC win?", f"{slug}-sun", st, yes_no, "moneyline", group="Sunderland AFC")
    pevent(slug, "Leeds United FC vs. Sunderland AFC", st, "82", "EPL", [p_lee, p_draw, p_sun])
    return p_lee, p_sun, p_draw  # in the order of the Kalshi markets: home, away, tie


st = "2026-01-10T15:00:00Z"
k = [kmarket(f"KXEPLGAME-26JAN10LEESUN-{c}", "KXEPLGAME-26JAN10LEESUN", "Leeds vs Sunderland Winner?", n, st)
     for c, n in [("LEE", "Leeds"), ("SUN", "Sunderland"), ("TIE", "Tie")]]
kevent("KXEPLGAME-26JAN10LEESUN", "KXEPLGAME", "Leeds vs Sunderland", "LEE vs SUN (Jan 10)", k)
now_game = epl_event("2026-01-10", st, True)
later = epl_event("2026-01-17", "2026-01-17T15:00:00Z", False)
for km, pm, lm in zip(k, now_game, later):
    kind = "draw" if km["ticker"].endswith("TIE") else "moneyline"
    label(km, pm, 0, kind, None, "match")
    label(km, lm, 0, kind, None, "nonmatch")

# Tennis and UFC: players no dictionary knows.
def h2h(series_t, ev, title, sub, codes, names, st, slug, p_title, p_names, tag, tag_label):
    ml = [kmarket(f"{ev}-{c}", ev, f"{title} Winner?", n, st) for c, n in zip(codes, names)]
    kevent(ev, series_t, title, sub, ml)
    p_ml = pmarket(p_title, slug, st, p_names, "moneyline")
    pevent(slug, p_title, st, tag, tag_label, [p_ml])
    label(ml[0], p_ml, 0, "moneyline", None, "match")
    label(ml[1], p_ml, 1, "moneyline", None, "match")


h2h("KXATPMATCH", "KXATPMATCH-26JAN10SINALC", "Jannik Sinner vs Carlos Alcaraz", "SIN vs ALC (Jan 10)", ["SIN", "ALC"],
    ["Jannik Sinner", "Carlos Alcaraz"], "2026-01-10T08:00:00Z", "atp-sinner-alcaraz-2026-01-10",
    "Jannik Sinner vs. Carlos Alcaraz", ["Jannik Sinner", "Carlos Alcaraz"], "101232", "ATP")
h2h("KXUFCFIGHT", "KXUFCFIGHT-26JAN17PERANK", "Alex Pereira vs Magomed Ankalaev", "PER vs ANK (Jan 17)", ["PER", "ANK"],
    ["Alex Pereira", "Magomed Ankalaev"], "2026-01-18T04:00:00Z", "ufc-pereira-ankalaev-2026-01-17",
    "Alex Pereira vs. Magomed Ankalaev", ["Alex Pereira", "Magomed Ankalaev"], "900100", "UFC")

# CS2 Natus Vincere v FaZe, Jan 10 17:00Z (12:00 ET, in the tickers): series, maps 1 and 2, total maps.
st = "2026-01-10T17:00:00Z"
ser = [kmarket(f"KXCS2GAME-26JAN101200NAVIFAZE-{c}", "KXCS2GAME-26JAN101200NAVIFAZE", "Natus Vincere vs. FaZe Clan Winner?",
               n, st) for c, n in [("NAVI", "Natus Vincere"), ("FAZE", "FaZe Clan")]]
kevent("KXCS2GAME-26JAN101200NAVIFAZE", "KXCS2GAME", "Natus Vincere vs. FaZe Clan", "NAVI vs FAZE (Jan 10)", ser)
maps = []
for n in (1, 2):
    ev = f"KXCS2MAP-26JAN101200NAVIFAZE-{n}"
    m = [kmarket(f"{ev}-{c}", ev, f"Will {name} win map {n} in the Natus Vincere vs. FaZe Clan match?", name, st)
         for c, name in [("NAVI", "Natus Vincere"), ("FAZE", "FaZe Clan")]]
    kevent(ev, "KXCS2MAP", f"Natus Vincere vs. FaZe Clan: Map {n}", "NAVI vs FAZE (Jan 10)", m)
    maps.append(m)
tm = [kmarket("KXCS2TOTALMAPS-26JAN101200NAVIFAZE-3", "KXCS2TOTALMAPS-26JAN101200NAVIFAZE", "Will over 2.5 maps be played?",
              "Over 2.5 maps", st, 2.5)]
kevent("KXCS2TOTALMAPS-26JAN101200NAVIFAZE", "KXCS2TOTALMAPS", "Natus Vincere vs. FaZe Clan: Total Maps", "NAVI vs FAZE (Jan 10)", tm)
names = ["FaZe", "Natus Vincere"]
p_ser = pmarket("Counter-Strike: FaZe vs Natus Vincere (BO3)", "cs2-faze-navi-2026-01-10", st, names, "moneyline",
                group="Match Winner")
p_m1 = pmarket("Counter-Strike: FaZe vs Natus Vincere - Game 1 Winner", "cs2-faze-navi-2026-01-10-game1", st, names,
               "child_moneyline", group="Game 1 Winner")
p_m2 = pmarket("Counter-Strike: FaZe vs Natus Vincere - Game 2 Winner", "cs2-faze-navi-2026-01-10-game2", st, names,
               "child_moneyline", group="Game 2 Winner")
p_tm = pmarket("Games Total: O/U 2.5", "cs2-faze-navi-2026-01-10-total-games-2pt5", st, ["Over", "Under"], "totals", 2.5,
               group="Games Total: O/U 2.5")
pevent("cs2-faze-navi-2026-01-10", "Counter-Strike: FaZe vs Natus Vincere (BO3) - BLAST Bounty", st, "100780", "CS2",
       [p_ser, p_m1, p_m2, p_tm])
label(ser[0], p_ser, 1, "moneyline", None, "match")
label(ser[1], p_ser, 0, "moneyline", None, "match")
for n, (navi, faze) in enumerate(maps, start=1):
    game = p_m1 if n == 1 else p_m2
    label(navi, game, 1, "map_winner", n, "match")
    label(faze, game, 0, "map_winner", n, "match")
label(maps[0][0], p_m2, 1, "map_winner", 1, "nonmatch")
label(tm[0], p_tm, 0, "total_maps", 2.5, "match")

# A single-game MVE series: GET /series lists it, ingestion never asks for its events.
k_events.append({"event_ticker": "KXMVENFLSINGLEGAME-S2026ABCDEF01234", "series_ticker": "KXMVENFLSINGLEGAME",
                 "title": "Buffalo at Jacksonville: same-game parlay", "category": "Sports", "markets": [
                     kmarket("KXMVENFLSINGLEGAME-S2026ABCDEF01234-AB12", "KXMVENFLSINGLEGAME-S2026ABCDEF01234",
                             "yes Buffalo,yes Over 47.5", "yes Buffalo,yes Over 47.5", "2026-01-11T18:00:00Z",
                             extra={"mve_collection_ticker": "KXMVENFLSINGLEGAME-R"})]})

sports = [{"id": i, "sport": s, "tags": t, "series": str(i), "ordering": o}
          for i, (s, t, o) in enumerate([("nfl", "1,450,100639", "away"), ("nhl", "1,899,100639", "away"),
                                         ("mlb", "1,100639,100381", "away"), ("epl", "1,82,306,100639,100350", "home"),
                                         ("atp", "1,864,100639,101232", "home"), ("ufc", "1,100639,900100", "home"),
                                         ("cs2", "1,64,100780,100639", "home")], start=1)]


def write(rel, obj):
    path = os.path.join(OUT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")


write("meta.json", {"now": NOW})
write("kalshi/series.json", {"series": series})
write("kalshi/events.json", {"events": k_events, "cursor": ""})
write("polymarket/sports.json", sports)
write("polymarket/events.json", p_events)
with open(os.path.join(OUT, "labels.csv"), "w") as f:
    f.write("kalshi_ticker,polymarket_market_id,polymarket_outcome_index,kind,line,label\n" + "\n".join(labels) + "\n")
print(len(labels), "labels,", sum(l.endswith(",match") for l in labels), "matches")
