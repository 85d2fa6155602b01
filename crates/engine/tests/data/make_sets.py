#!/usr/bin/env python3
"""Writes the labelled tennis set-winner capture in ./sets (deterministic): ATP and WTA matches,
each with its match winner and the winners of its first and second sets on both venues.

Shapes:
- Kalshi's match winner as the real recordings of ../shared/data/real/multi-league show it
  (`KXATPMATCH-26JUL09SINALC-SIN`, title "Will Jannik Sinner win the Sinner vs Alcaraz:
  Quarterfinal match?", yes_sub_title the player's full name, the rules' wording). Its set
  winners as public recordings show them: one event per set, `KXATPSETWINNER-26OCT10CARAUG-1`,
  a market per player, `KXATPSETWINNER-26OCT10CARAUG-1-CAR`, titled "Will Pablo Carreno Busta
  win set 1 in the Pablo Carreno Busta vs Felix Auger-Aliassime match". Event titles and rule
  texts are written in the match winner's manner.
- Polymarket's match event as recorded (`atp-sinner-alcaraz-2026-07-09`, "Wimbledon: Jannik
  Sinner vs Carlos Alcaraz", tags Sports/Tennis/Games/ATP, the moneyline's outcomes the players'
  full names). Its set markets inside the same event, as public recordings show them:
  `sportsMarketType` `tennis_first_set_winner` (slug `…-first-set-winner`, "Set 1 Winner") and
  `tennis_set_winner` (slug `…-set-2-winner-<a>-vs-<b>`, "Set 2 Winner"), the outcomes the two
  players — by surname on some matches, as recorded fixtures write them.
Neither venue's set text says how a set a player retires in settles: each such link is a minor
rule risk, said. Matches are dated October and November 2026; codes, ids and prices are made up.

Traps planted:
- A set-1 market and a set-2 market of one match (never linked to each other), and a set winner
  beside the match winner with the same two outcomes (never linked to it).
- Players listed in the other order on Polymarket (orientation by name, not position).
- A match where Polymarket lists the first set only: Kalshi's second set stays unlinked.
- Two matches of one player on consecutive days (a set of one is not the other's).
"""
import json
import os
from datetime import datetime, timedelta

from capture_shapes import Ids, kalshi_market, label_line, poly_market, write_capture

NOW = "2026-10-05T12:00:00Z"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sets")
MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
k_events, p_events, labels, series = [], [], [], {}
nid = Ids(9_600_000)
SECONDARY = ("If the relevant match is postponed and not started within 48 hours of its originally scheduled start "
             "time, the market will resolve to the fair market price. If the relevant match is cancelled before play "
             "begins or a team forfeits, the market will resolve in accordance with the rules.")


def kmarket(ticker, event, title, yes_sub, end, rules):
    return kalshi_market(ticker, event, title, yes_sub, rules, end, "2026-10-01T15:00:00Z", "2026-12-30T00:00:00Z",
                         secondary=SECONDARY)


def pmarket(question, slug, start, outcomes, kind, group, description):
    return poly_market(nid(), question, slug, start, outcomes, kind, group, description)


def label(k, p, outcome, kind, line, verdict="match"):
    labels.append(label_line(k, p, outcome, kind, line, verdict))


def match(tour, tag, tournament, stage, start, a, b, sets=(1, 2), poly_sets=(1, 2), swap=False, surnames=False):
    """a, b = (full name, Kalshi code, Polymarket slug part)."""
    d = datetime.strptime(start, "%Y-%m-%dT%H:%M:%SZ")
    day, code = d.strftime("%Y-%m-%d"), f"{d.year % 100:02d}{MONTHS[d.month - 1]}{d.day:02d}"
    sur = lambda p: p[0].split(" ", 1)[1] if p[0].count(" ") else p[0]
    pair = f"{sur(a)} vs {sur(b)}"
    game = f"{code}{a[1]}{b[1]}"
    # Kalshi's expected end of play, three hours after the start (as recorded: 15:30 → 18:30).
    end = (d + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    # Match winner.
    series[f"KX{tour}MATCH"] = tour
    ev = f"KX{tour}MATCH-{game}"
    ml = [kmarket(f"{ev}-{p[1]}", ev, f"Will {p[0]} win the {pair}: {stage} match?", p[0], end,
                  f"If {p[0]} wins the {pair} {stage} match at the {tournament} originally scheduled for "
                  f"{MONTHS[d.month - 1].title()} {d.day}, {d.year}, then the market resolves to Yes.") for p in (a, b)]
    k_events.append({"event_ticker": ev, "series_ticker": f"KX{tour}MATCH", "title": pair,
                     "sub_title": f"{stage} ({MONTHS[d.month - 1].title()} {d.day:02d})", "category": "Sports",
                     "mutually_exclusive": True, "markets": ml})
    # Its sets.
    ksets = {}
    for n in sets:
        series[f"KX{tour}SETWINNER"] = tour
        sev = f"KX{tour}SETWINNER-{game}-{n}"
        ksets[n] = [kmarket(f"{sev}-{p[1]}", sev, f"Will {p[0]} win set {n} in the {a[0]} vs {b[0]} match", p[0],
                            end, f"If {p[0]} wins set {n} in the {a[0]} vs {b[0]} match at the {tournament}, "
                                   "then the market resolves to Yes.") for p in (a, b)]
        k_events.append({"event_ticker": sev, "series_ticker": f"KX{tour}SETWINNER", "title": f"{pair}: Set {n} Winner",
                         "sub_title": f"{stage} ({MONTHS[d.month - 1].title()} {d.day:02d})", "category": "Sports",
                         "mutually_exclusive": True, "markets": ksets[n]})
    first, second = (b, a) if swap else (a, b)
    slug = f"{tour.lower()}-{first[2]}-{second[2]}-{day}"
    title = f"{tournament.split(' ', 1)[1] if tournament[:4].isdigit() else tournament}: {first[0]} vs {second[0]}"
    names = [first[0], second[0]]
    p_ml = pmarket(title, slug, start, names, "moneyline", None,
                   f"This market refers to the {first[0]} vs {second[0]} match scheduled for {d.strftime('%B')} {d.day}.\n\n"
                   f"If {first[0]} wins, the market will resolve to \"{first[0]}\". If {second[0]} wins, the market will "
                   f"resolve to \"{second[0]}\".\n\nIf a player withdraws or is disqualified before the match begins, this "
                   "market will resolve 50-50. If the match begins and a player retires, the advancing player will be "
                   "considered the winner.")
    markets = [p_ml]
    outcomes = [sur(first), sur(second)] if surnames else names
    psets = {}
    for n in poly_sets:
        if n == 1:
            pm = pmarket(f"Set 1 Winner: {sur(first)} vs {sur(second)}", f"{slug}-first-set-winner", start, outcomes,
                         "tennis_first_set_winner", "Set 1 Winner", "")
        else:
            pm = pmarket(f"Set {n} Winner: {sur(first)} vs {sur(second)}", f"{slug}-set-{n}-winner-{first[2]}-vs-{second[2]}",
                         start, outcomes, "tennis_set_winner", f"Set {n} Winner", "")
        pm["description"] = (f"This market refers to the winner of set {n} of the {first[0]} vs {second[0]} match "
                             f"scheduled for {d.strftime('%B')} {d.day}. If a player withdraws before the match begins, "
                             "this market will resolve 50-50.")
        psets[n] = pm
        markets.append(pm)
    p_events.append({"id": nid(), "slug": slug, "ticker": slug, "title": title, "startTime": start, "eventDate": day,
                     "active": True, "closed": False,
                     "tags": [{"id": "1", "label": "Sports"}, {"id": "864", "label": "Tennis"},
                              {"id": "100639", "label": "Games"}, {"id": tag, "label": tour}],
                     "markets": markets})
    # Labels: Kalshi side i is Polymarket outcome i, or the other one when the order is swapped.
    at = (lambda i: 1 - i) if swap else (lambda i: i)
    for i, k in enumerate(ml):
        label(k, p_ml, at(i), "moneyline", None)
    for n, ks in ksets.items():
        for i, k in enumerate(ks):
            if n in psets:
                label(k, psets[n], at(i), "set_winner", n)
            for other, pm in psets.items():
                if other != n:
                    label(k, pm, at(i), "set_winner", n, "nonmatch")
            label(k, p_ml, at(i), "moneyline", None, "nonmatch")


P = lambda name, code, slug: (name, code, slug)
SIN, ALC, ZVE, FRI, DRA, RUN = (P("Jannik Sinner", "SIN", "sinner"), P("Carlos Alcaraz", "ALC", "alcaraz"),
                                P("Alexander Zverev", "ZVE", "zverev"), P("Taylor Fritz", "FRI", "fritz"),
                                P("Jack Draper", "DRA", "draper"), P("Holger Rune", "RUN", "rune"))
CAR, AUG = P("Pablo Carreno Busta", "CAR", "carreno"), P("Felix Auger-Aliassime", "AUG", "auger")
SHA = "2026 Shanghai Masters"
match("ATP", "101232", SHA, "Quarterfinal", "2026-10-08T07:00:00Z", SIN, ZVE)
match("ATP", "101232", SHA, "Quarterfinal", "2026-10-08T11:30:00Z", ALC, FRI, swap=True)
match("ATP", "101232", SHA, "Semifinal", "2026-10-09T08:00:00Z", SIN, ALC, surnames=True)
match("ATP", "101232", SHA, "Round of 16", "2026-10-07T05:00:00Z", CAR, AUG, swap=True, surnames=True)
match("ATP", "101232", "2026 Paris Masters", "Round of 32", "2026-10-28T13:00:00Z", DRA, RUN, poly_sets=(1,))

SAB, GAU, SWI, RYB, PEG, AND = (P("Aryna Sabalenka", "SAB", "sabalenka"), P("Coco Gauff", "GAU", "gauff"),
                                P("Iga Swiatek", "SWI", "swiatek"), P("Elena Rybakina", "RYB", "rybakina"),
                                P("Jessica Pegula", "PEG", "pegula"), P("Mirra Andreeva", "AND", "andreeva"))
WUH = "2026 Wuhan Open"
match("WTA", "102123", WUH, "Quarterfinal", "2026-10-09T06:00:00Z", SAB, GAU)
match("WTA", "102123", WUH, "Quarterfinal", "2026-10-09T10:00:00Z", SWI, RYB, swap=True, surnames=True)
match("WTA", "102123", WUH, "Semifinal", "2026-10-10T08:00:00Z", SAB, SWI)
match("WTA", "102123", WUH, "Round of 16", "2026-10-07T06:00:00Z", PEG, AND, surnames=True)

sports = [s for s in json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                 "../../../../../shared/data/real/polymarket/sports.json")))
          if s["sport"] in ("atp", "wta")]
write_capture(OUT, NOW, [{"ticker": t, "title": f"{l} {t}", "category": "Sports", "fee_type": "quadratic_with_maker_fees",
                          "fee_multiplier": 1} for t, l in series.items()], k_events, p_events, sports, labels)
print(len(labels), "labels,", sum(l.endswith(",match") for l in labels), "matches")
