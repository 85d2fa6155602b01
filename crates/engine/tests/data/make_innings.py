#!/usr/bin/env python3
"""Writes the labelled first-inning-run capture in ./innings (deterministic): MLB games with their
moneyline and their first-inning run market on both venues.

Shapes:
- Kalshi's game as the real recordings of ../shared/data/real/multi-league show it
  (`KXMLBGAME-26JUL071840NYYTB-NYY`, "New York Y vs Tampa Bay Winner?", sub-title "NYY at TB
  (Jul 07)", the expected expiration three hours after first pitch). Its first-inning run as
  public recordings show it: series `KXMLBRFI`, one market per game (`KXMLBRFI-26JUL302140BOSATH`,
  "Run in 1st?"), YES a run scored in the first inning; the market ticker is the event ticker
  on some games and carries `-RFI` on others, since recordings show the event's form only.
- Polymarket's game as recorded (`mlb-lad-nyy-2026-07-17`, "Los Angeles Dodgers vs. New York
  Yankees", the moneyline's outcomes the teams' full names) and, as public recordings show it,
  its first-inning market in the same event: `sportsMarketType` `nrfi`, slug `…-nrfi`,
  groupItemTitle "NRFI", the question asking whether a run is scored ("Rays vs. Yankees: run in
  the first inning?", "Will there be a run in the first inning?"), outcomes Yes / No — or
  Yes Run / No Run.
Games are dated September 2026; codes, ids and prices are made up.

Traps planted:
- A doubleheader: the same teams twice the same day, each game's first inning its own.
- A Polymarket first-inning market phrased the other way round ("Will the first inning be
  scoreless?", Yes = no run): never linked, its Yes being Kalshi's NO.
- A game only Kalshi lists a first-inning market for.
"""
import json
import os
from datetime import datetime, timedelta

from capture_shapes import Ids, kalshi_market, label_line, poly_market, write_capture

NOW = "2026-09-10T12:00:00Z"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "innings")
MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
k_events, p_events, labels, series = [], [], [], {"KXMLBGAME": "MLB", "KXMLBRFI": "MLB"}
nid = Ids(9_700_000)
P_RULES = ("If the game is postponed, this market will remain open until the game has been completed. If the game is "
           "canceled entirely, with no make-up game, this market will resolve 50-50.")


def pmarket(question, slug, start, outcomes, kind, group, description):
    return poly_market(nid(), question, slug, start, outcomes, kind, group, description)


def label(k, p, outcome, kind, verdict="match"):
    labels.append(label_line(k, p, outcome, kind, None, verdict))


def game(start, away, home, rfi="plain", kalshi_rfi=True, suffix=False):
    """away/home = (Kalshi name, Kalshi code, Polymarket full name, Polymarket nickname, slug code).
    rfi: the Polymarket first-inning market's form — plain, named, yes-run, scoreless or none."""
    d = datetime.strptime(start, "%Y-%m-%dT%H:%M:%SZ")
    et = d - timedelta(hours=4)
    code = f"{d.year % 100:02d}{MONTHS[et.month - 1]}{et.day:02d}{et.strftime('%H%M')}{away[1]}{home[1]}"
    end = (d + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    opened, closes = "2026-09-01T15:00:00Z", "2026-09-30T04:00:00Z"
    sched = f"{MONTHS[et.month - 1].title()} {et.day}, {et.year} at {et.strftime('%-I:%M %p')} EDT"
    ev = f"KXMLBGAME-{code}"
    ml = [kalshi_market(f"{ev}-{t[1]}", ev, f"{away[0]} vs {home[0]} Winner?", t[0],
                        f"If {t[0]} wins the {away[0]} vs {home[0]} professional baseball game originally scheduled for "
                        f"{sched}, then the market resolves to Yes.", end, opened, closes) for t in (away, home)]
    k_events.append({"event_ticker": ev, "series_ticker": "KXMLBGAME", "title": f"{away[0]} vs {home[0]}",
                     "sub_title": f"{away[1]} at {home[1]} ({MONTHS[et.month - 1].title()} {et.day:02d})",
                     "category": "Sports", "mutually_exclusive": True, "markets": ml})
    k_rfi = None
    if kalshi_rfi:
        rev = f"KXMLBRFI-{code}"
        k_rfi = kalshi_market(f"{rev}-RFI" if suffix else rev, rev, "Run in 1st?", "Run in the 1st inning",
                              f"If at least one run is scored in the 1st inning of the {away[0]} vs {home[0]} professional "
                              f"baseball game originally scheduled for {sched}, then the market resolves to Yes.",
                              end, opened, closes)
        k_events.append({"event_ticker": rev, "series_ticker": "KXMLBRFI", "title": f"{away[0]} vs {home[0]}: Run in 1st?",
                         "sub_title": f"{away[1]} at {home[1]} ({MONTHS[et.month - 1].title()} {et.day:02d})",
                         "category": "Sports", "mutually_exclusive": False, "markets": [k_rfi]})
    day = et.strftime("%Y-%m-%d")
    slug = f"mlb-{away[4]}-{home[4]}-{day}"
    title = f"{away[2]} vs. {home[2]}"
    p_ml = pmarket(title, slug, start, [away[2], home[2]], "moneyline", None,
                   f"In the upcoming MLB game, scheduled for {et.strftime('%B')} {et.day} at {et.strftime('%-I:%M%p')} ET:\n"
                   f"If the {away[2]} win, the market will resolve to \"{away[2]}\".\nIf the {home[2]} win, the market "
                   f"will resolve to \"{home[2]}\".\n{P_RULES}")
    markets = [p_ml]
    forms = {"plain": ("Will there be a run in the first inning?", ["Yes", "No"]),
             "named": (f"{away[3]} vs. {home[3]}: run in the first inning?", ["Yes", "No"]),
             "yes-run": (f"{away[3]} vs. {home[3]}: run in the first inning?", ["Yes Run", "No Run"]),
             "scoreless": ("Will the first inning be scoreless?", ["Yes", "No"])}
    p_rfi = None
    if rfi in forms:
        q, outs = forms[rfi]
        p_rfi = pmarket(q, f"{slug}-nrfi", start, outs, "nrfi", "NRFI",
                        f"This market refers to the first inning of the {away[2]} vs. {home[2]} game. {P_RULES}")
        markets.append(p_rfi)
    p_events.append({"id": nid(), "slug": slug, "ticker": slug, "title": title, "startTime": start, "eventDate": day,
                     "active": True, "closed": False,
                     "tags": [{"id": "1", "label": "Sports"}, {"id": "100639", "label": "Games"}, {"id": "100381", "label": "MLB"}],
                     "markets": markets})
    for i, k in enumerate(ml):
        label(k, p_ml, i, "moneyline")
    if k_rfi and p_rfi:
        label(k_rfi, p_rfi, 0, "first_inning_run", "nonmatch" if rfi == "scoreless" else "match")
        label(k_rfi, p_ml, 0, "moneyline", "nonmatch")


T = lambda k, c, full, nick, s: (k, c, full, nick, s)
NYY, TB = T("New York Y", "NYY", "New York Yankees", "Yankees", "nyy"), T("Tampa Bay", "TB", "Tampa Bay Rays", "Rays", "tb")
BOS, ATH = T("Boston", "BOS", "Boston Red Sox", "Red Sox", "bos"), T("A's", "ATH", "Athletics", "Athletics", "ath")
LAD, SF = T("Los Angeles D", "LAD", "Los Angeles Dodgers", "Dodgers", "lad"), T("San Francisco", "SF", "San Francisco Giants", "Giants", "sf")
CHC, STL = T("Chicago C", "CHC", "Chicago Cubs", "Cubs", "chc"), T("St. Louis", "STL", "St. Louis Cardinals", "Cardinals", "stl")
HOU, SEA = T("Houston", "HOU", "Houston Astros", "Astros", "hou"), T("Seattle", "SEA", "Seattle Mariners", "Mariners", "sea")
PHI, ATL = T("Philadelphia", "PHI", "Philadelphia Phillies", "Phillies", "phi"), T("Atlanta", "ATL", "Atlanta Braves", "Braves", "atl")
# The doubleheader, New York Y at Tampa Bay: 13:05 and 18:40 ET.
game("2026-09-12T17:05:00Z", NYY, TB, "named")
game("2026-09-12T22:40:00Z", NYY, TB, "plain", suffix=True)
game("2026-09-12T23:10:00Z", BOS, ATH, "yes-run")
game("2026-09-13T02:10:00Z", LAD, SF, "plain")
game("2026-09-13T00:15:00Z", CHC, STL, "named", suffix=True)
game("2026-09-13T20:10:00Z", HOU, SEA, "plain")
game("2026-09-13T23:20:00Z", PHI, ATL, "scoreless")
game("2026-09-14T23:05:00Z", BOS, NYY, "named")
game("2026-09-14T23:40:00Z", ATL, PHI, "none")

sports = [s for s in json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                 "../../../../../shared/data/real/polymarket/sports.json")))
          if s["sport"] == "mlb"]
write_capture(OUT, NOW, [{"ticker": t, "title": f"{l} {t}", "category": "Sports", "fee_type": "quadratic_with_maker_fees",
                          "fee_multiplier": 1} for t, l in series.items()], k_events, p_events, sports, labels)
print(len(labels), "labels,", sum(l.endswith(",match") for l in labels), "matches")
