#!/usr/bin/env python3
"""Writes the labelled soccer halftime capture in ./halftime (deterministic): EPL, La Liga and
Serie A games with their full-time result and their halftime result on both venues.

Shapes:
- Kalshi's game as the real recordings of ../shared/data/real/multi-league show it
  (`KXEPLGAME-26SEP12LFCFUL-LFC`, "Liverpool wins", yes_sub_title "Liverpool", sub-title
  "LFC vs FUL (Sep 12)", `-TIE`). Its halftime result as public recordings show it: series
  `KX<L>1H` (`KXEPL1H-26AUG22ARSCOV-ARS`), a market per team and `-TIE`; titles and rules written
  in the full-time markets' manner, about the 1st half.
- Polymarket's game as recorded (`epl-mun-mac-2026-09-13`, "Will Manchester United FC win on
  2026-09-13?", groupItemTitle the club, the draw's "Draw (A vs. B)"). Its halftime result as
  public recordings show it: `sportsMarketType` `soccer_halftime_result`, three yes/no markets,
  "Arsenal FC leading at halftime?" and "Arsenal FC vs. Chelsea FC: Draw at halftime?" (slugs
  and groupItemTitles written in the full-time markets' manner).
Games are dated October 2026; codes, ids and prices are made up.

Traps planted:
- A halftime market beside the full-time one of the same team (never linked to each other).
- A rematch of the same clubs a week later (another game, another half).
- A game only Kalshi lists halftime markets for.
"""
import json
import os
from datetime import datetime, timedelta

from capture_shapes import Ids, kalshi_market, label_line, poly_market, write_capture

NOW = "2026-10-01T12:00:00Z"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "halftime")
MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
k_events, p_events, labels, series = [], [], [], {}
nid = Ids(9_800_000)
P_RULES = ("This market refers to the result after 90 minutes of regulation play plus stoppage time. If the game is "
           "postponed, this market will remain open until the game has been completed. If the game is canceled "
           "entirely, with no make-up game, this market will resolve 50-50.")
K_HALF = "The market settles on the score at the end of the 1st half, stoppage time included."


def pmarket(question, slug, start, kind, group, description):
    return poly_market(nid(), question, slug, start, ["Yes", "No"], kind, group, description)


def label(k, p, kind, verdict="match"):
    labels.append(label_line(k, p, 0, kind, None, verdict))


def game(league, kprefix, pcode, tags, start, home, away, poly_half=True):
    """home/away = (Kalshi name, Kalshi code, Polymarket name, Polymarket code)."""
    d = datetime.strptime(start, "%Y-%m-%dT%H:%M:%SZ")
    code = f"{d.year % 100:02d}{MONTHS[d.month - 1]}{d.day:02d}{home[1]}{away[1]}"
    end = (d + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    opened, closes = "2026-09-20T15:00:00Z", "2026-11-30T00:00:00Z"
    sched = f"{MONTHS[d.month - 1].title()} {d.day}, {d.year}"
    sub = f"{home[1]} vs {away[1]} ({MONTHS[d.month - 1].title()} {d.day})"
    kh, ka = home[0], away[0]

    def kevent(series_t, what, rules):
        ev = f"{series_t}-{code}"
        series[series_t] = league
        ms = [kalshi_market(f"{ev}-{c}", ev, f"{n} {what}", n, rules(f"{n} wins"), end, opened, closes)
              for c, n in [(home[1], kh), (away[1], ka)]]
        ms.append(kalshi_market(f"{ev}-TIE", ev, f"Tie {what}", "Tie", rules("the game is tied"), end, opened, closes))
        k_events.append({"event_ticker": ev, "series_ticker": series_t, "title": f"{kh} vs {ka}", "sub_title": sub,
                         "category": "Sports", "mutually_exclusive": True, "markets": ms})
        return ms

    full = kevent(f"{kprefix}GAME", "wins", lambda c: f"If {c} the {kh} vs {ka} professional {league} soccer game "
                                                      f"originally scheduled for {sched}, then the market resolves to Yes.")
    half = kevent(f"{kprefix}1H", "at halftime", lambda c: f"If {c.replace('wins', 'leads')} at the end of the 1st half of "
                                                           f"the {kh} vs {ka} professional {league} soccer game originally "
                                                           f"scheduled for {sched}, then the market resolves to Yes. {K_HALF}")
    day = d.strftime("%Y-%m-%d")
    slug = f"{pcode}-{home[3]}-{away[3]}-{day}"
    ph, pa = home[2], away[2]
    fm = [pmarket(f"Will {ph} win on {day}?", f"{slug}-{home[3]}", start, "moneyline", ph, P_RULES),
          pmarket(f"Will {pa} win on {day}?", f"{slug}-{away[3]}", start, "moneyline", pa, P_RULES),
          pmarket(f"Will {ph} vs. {pa} end in a draw?", f"{slug}-draw", start, "moneyline", f"Draw ({ph} vs. {pa})", P_RULES)]
    half_rules = ("This market refers to the score at halftime (the end of the first half, stoppage time included). "
                  "If the game is postponed, this market will remain open until the game has been completed.")
    hm = [pmarket(f"{ph} leading at halftime?", f"{slug}-halftime-{home[3]}", start, "soccer_halftime_result", ph, half_rules),
          pmarket(f"{pa} leading at halftime?", f"{slug}-halftime-{away[3]}", start, "soccer_halftime_result", pa, half_rules),
          pmarket(f"{ph} vs. {pa}: Draw at halftime?", f"{slug}-halftime-draw", start, "soccer_halftime_result",
                  f"Draw ({ph} vs. {pa})", half_rules)]
    p_events.append({"id": nid(), "slug": slug, "ticker": slug, "title": f"{ph} vs. {pa}", "startTime": start,
                     "eventDate": day, "active": True, "closed": False,
                     "tags": [{"id": "1", "label": "Sports"}] + [{"id": t, "label": l} for t, l in tags],
                     "markets": fm + (hm if poly_half else [])})
    for k, p, kind in zip(full, fm, ["moneyline", "moneyline", "draw"]):
        label(k, p, kind)
    if poly_half:
        for k, p, pf, kind in zip(half, hm, fm, ["first_half_moneyline", "first_half_moneyline", "first_half_draw"]):
            label(k, p, kind)
            label(k, pf, kind, "nonmatch")


T = lambda kn, kc, pn, pc: (kn, kc, pn, pc)
EPL = ("EPL", "KXEPL", "epl", [("82", "EPL"), ("306", "Premier League"), ("100639", "Games"), ("100350", "Soccer")])
LAL = ("La Liga", "KXLALIGA", "lal", [("780", "La Liga"), ("100639", "Games"), ("100350", "Soccer")])
SEA = ("Serie A", "KXSERIEA", "sea", [("101962", "Serie A"), ("100639", "Games"), ("100350", "Soccer")])
ARS, CFC = T("Arsenal", "ARS", "Arsenal FC", "ars"), T("Chelsea", "CFC", "Chelsea FC", "che")
LFC, TOT = T("Liverpool", "LFC", "Liverpool FC", "liv"), T("Tottenham", "TOT", "Tottenham Hotspur FC", "tot")
MUN, NEW = T("Manchester United", "MUN", "Manchester United FC", "mun"), T("Newcastle", "NEW", "Newcastle United FC", "new")
RMA, BAR = T("Real Madrid", "RMA", "Real Madrid CF", "rma"), T("Barcelona", "BAR", "FC Barcelona", "bar")
ATM, SEV = T("Atletico Madrid", "ATM", "Club Atlético de Madrid", "atm"), T("Sevilla", "SEV", "Sevilla FC", "sev")
INT, JUV = T("Inter", "INT", "FC Internazionale Milano", "int"), T("Juventus", "JUV", "Juventus FC", "juv")
NAP, ROM = T("Napoli", "NAP", "SSC Napoli", "nap"), T("Roma", "ROM", "AS Roma", "rom")
for lg, start, h, a, half in [(EPL, "2026-10-03T14:00:00Z", ARS, CFC, True), (EPL, "2026-10-03T16:30:00Z", LFC, TOT, True),
                              (EPL, "2026-10-04T15:30:00Z", MUN, NEW, True), (EPL, "2026-10-10T14:00:00Z", CFC, ARS, True),
                              (LAL, "2026-10-03T19:00:00Z", RMA, BAR, True), (LAL, "2026-10-04T14:15:00Z", ATM, SEV, True),
                              (LAL, "2026-10-10T19:00:00Z", BAR, RMA, True),
                              (SEA, "2026-10-04T18:45:00Z", INT, JUV, True), (SEA, "2026-10-04T16:00:00Z", NAP, ROM, True),
                              (SEA, "2026-10-11T18:45:00Z", JUV, NAP, False)]:
    game(lg[0], lg[1], lg[2], lg[3], start, h, a, half)

write_capture(OUT, NOW, [{"ticker": t, "title": f"{l} {t}", "category": "Sports", "fee_type": "quadratic_with_maker_fees",
                          "fee_multiplier": 1} for t, l in series.items()], k_events, p_events,
              [s for s in json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                      "../../../../../shared/data/real/polymarket/sports.json")))
               if s["sport"] in ("epl", "lal", "sea")], labels)
print(len(labels), "labels,", sum(l.endswith(",match") for l in labels), "matches")
