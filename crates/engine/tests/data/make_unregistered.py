#!/usr/bin/env python3
"""Writes the labelled capture of leagues without a registry file in ./unregistered
(deterministic): Liga MX, K League, A-League, Argentina, the Champions and Europa League, Saudi
Pro League, KBO, KHL, IPL cricket, UFC and Dota 2, three or more games each (sport codes and tags
as Gamma's real `/sports` lists them; it lists neither NWSL nor boxing), in the
shapes of the real recordings of ../shared/data/real/multi-league (Kalshi `KX<L>GAME-…-HOME/-AWAY/
-TIE`, Polymarket's three yes/no soccer markets `…-<code>` / `…-draw` with `groupItemTitle`;
two-way markets elsewhere; `KXLIGAMX1HSPREAD-26SEP27CAZTOL`-style tickers). Each venue writes a
team its own way (Kalshi short, "Toluca"; Polymarket in full, "Deportivo Toluca FC"); names are
typed here as each venue writes them. Games are dated September to November 2026; codes, ids and
prices are made up.

Traps planted:
- Two clubs of one city in one league the same day (América and Pumas; Boca and River;
  Seoul and Suwon are not).
- A Champions League tie's two legs a week apart, home and away reversed.
- A fight on Kalshi whose opponent differs on Polymarket (a replaced fighter): never linked.
- A Polymarket game Kalshi does not list, between one Kalshi team and another opponent.
- Both teams to score in the Champions League games, the other leg's included.
"""
import json
import os
from datetime import datetime, timedelta

from capture_shapes import Ids, kalshi_market, label_line, poly_market, write_capture

NOW = "2026-09-20T12:00:00Z"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "unregistered")
MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
k_events, p_events, labels, series = [], [], [], {}
nid = Ids(9_300_000)


def kmarket(ticker, event, title, yes_sub, end, rules):
    return kalshi_market(ticker, event, title, yes_sub, rules, end, "2026-09-01T15:00:00Z", "2026-12-30T00:00:00Z",
                         secondary="If the event is postponed or delayed, the market will remain open and close "
                                   "after the rescheduled event has finished (within two weeks).")


def pmarket(question, slug, start, outcomes, group, description):
    return poly_market(nid(), question, slug, start, outcomes, "moneyline", group, description)


def label(k, p, outcome, kind, verdict="match"):
    labels.append(label_line(k, p, outcome, kind, None, verdict))


SOCCER_K = ("The market settles on the result after 90 minutes plus stoppage time; extra time and penalties do "
            "not count.")
SOCCER_P = ("This market refers to the result after 90 minutes of regulation play plus stoppage time. If the game "
            "is postponed, this market will remain open until the game has been completed. If the game is canceled "
            "entirely, with no make-up game, this market will resolve 50-50.")
TWO_WAY_P = ("If the event is postponed, this market will remain open until it has been completed. If it is "
             "canceled entirely, this market will resolve 50-50.")


def when(start):
    return datetime.strptime(start, "%Y-%m-%dT%H:%M:%SZ")


def date_code(d):
    return f"{d.year % 100:02d}{MONTHS[d.month - 1]}{d.day:02d}"


def soccer(league, kprefix, pcode, tag, start, home, away, kalshi=True, poly=True, btts=False):
    """home/away = (Kalshi name, Kalshi code, Polymarket name, Polymarket code); `btts`: both
    venues also list both teams to score (`KXEFLCHAMPIONSHIPBTTS-26SEP01WHUWOL-BTTS`, "Both Teams
    To Score"; Gamma `both_teams_to_score`, "Arsenal FC vs. AFC Bournemouth: Both Teams to Score")."""
    d = when(start)
    (kh, khc, ph, phc), (ka, kac, pa, pac) = home, away
    ev = f"{kprefix}GAME-{date_code(d)}{khc}{kac}"
    end = (d + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    series[f"{kprefix}GAME"] = league
    ks = [kmarket(f"{ev}-{c}", ev, f"{kh} vs {ka} Winner?", n, end, f"If {n} wins the {kh} vs {ka} match, then the market resolves to Yes. {SOCCER_K}")
          for c, n in [(khc, kh), (kac, ka)]]
    ks.append(kmarket(f"{ev}-TIE", ev, f"{kh} vs {ka} Winner?", "Tie", end, f"If the {kh} vs {ka} match ends in a tie, then the market resolves to Yes. {SOCCER_K}"))
    if kalshi:
        k_events.append({"event_ticker": ev, "series_ticker": f"{kprefix}GAME", "title": f"{kh} vs {ka}",
                         "sub_title": f"{khc} vs {kac} ({MONTHS[d.month - 1].title()} {d.day})", "category": "Sports",
                         "mutually_exclusive": True, "markets": ks})
    day = d.strftime("%Y-%m-%d")
    slug = f"{pcode}-{phc}-{pac}-{day}"
    yn = ["Yes", "No"]
    ps = [pmarket(f"Will {ph} win on {day}?", f"{slug}-{phc}", start, yn, ph, SOCCER_P),
          pmarket(f"Will {pa} win on {day}?", f"{slug}-{pac}", start, yn, pa, SOCCER_P),
          pmarket(f"Will {ph} vs. {pa} end in a draw?", f"{slug}-draw", start, yn, f"Draw ({ph} vs. {pa})", SOCCER_P)]
    if poly:
        p_events.append({"id": nid(), "slug": slug, "ticker": slug, "title": f"{ph} vs. {pa}", "startTime": start,
                         "eventDate": day, "active": True, "closed": False,
                         "tags": [{"id": "1", "label": "Sports"}, {"id": "100350", "label": "Soccer"}, {"id": tag, "label": league}],
                         "markets": ps})
    if kalshi and poly:
        for km, pm in zip(ks, ps):
            label(km, pm, 0, "draw" if km["ticker"].endswith("-TIE") else "moneyline")
    if btts:
        bev = f"{kprefix}BTTS-{date_code(d)}{khc}{kac}"
        series[f"{kprefix}BTTS"] = league
        kb = kmarket(f"{bev}-BTTS", bev, "Both Teams To Score", "Both teams score", end,
                     f"If {kh} and {ka} both score a goal in the match, then the market resolves to Yes. {SOCCER_K}")
        k_events.append({"event_ticker": bev, "series_ticker": f"{kprefix}BTTS", "title": f"{kh} vs {ka}: Both Teams To Score",
                         "sub_title": f"{khc} vs {kac} ({MONTHS[d.month - 1].title()} {d.day})", "category": "Sports",
                         "mutually_exclusive": False, "markets": [kb]})
        pb = pmarket(f"{ph} vs. {pa}: Both Teams to Score", f"{slug}-btts", start, yn, "Both Teams to Score", SOCCER_P)
        pb["sportsMarketType"] = "both_teams_to_score"
        p_events[-1]["markets"].append(pb)
        label(kb, pb, 0, "both_teams_to_score")
    return ks, ps


def two_way(league, kseries, pcode, tag, start, first, second, hours, word="vs", p_second=None, swap=False):
    """A two-way winner market: first/second = (Kalshi name, Kalshi code, Polymarket name, Polymarket
    code) in Kalshi's order; `swap`: Polymarket lists them the other way round (home first)."""
    d = when(start)
    (k1, k1c, _, _), (k2, k2c, _, _) = first, second
    (p1, p1c), (p2, p2c) = first[2:], second[2:]
    if p_second is not None:
        p2, p2c = p_second
    if swap:
        (p1, p1c), (p2, p2c) = (p2, p2c), (p1, p1c)
    ev = f"{kseries}-{date_code(d)}{k1c}{k2c}"
    end = (d + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")
    series[kseries] = league
    ks = [kmarket(f"{ev}-{c}", ev, f"{k1} {word} {k2} Winner?", n, end, f"If {n} wins the {k1} {word} {k2} event, then the market resolves to Yes.")
          for c, n in [(k1c, k1), (k2c, k2)]]
    if True:
        k_events.append({"event_ticker": ev, "series_ticker": kseries, "title": f"{k1} {word} {k2}",
                         "sub_title": f"{k1c} {word} {k2c} ({MONTHS[d.month - 1].title()} {d.day})", "category": "Sports",
                         "mutually_exclusive": True, "markets": ks})
    day = d.strftime("%Y-%m-%d")
    slug = f"{pcode}-{p1c}-{p2c}-{day}"
    pm = pmarket(f"{p1} vs. {p2}", slug, start, [p1, p2], None, TWO_WAY_P)
    if True:
        p_events.append({"id": nid(), "slug": slug, "ticker": slug, "title": f"{p1} vs. {p2}", "startTime": start,
                         "eventDate": day, "active": True, "closed": False,
                         "tags": [{"id": "1", "label": "Sports"}, {"id": tag, "label": league}], "markets": [pm]})
    if p_second is None:
        label(ks[0], pm, 1 if swap else 0, "moneyline")
        label(ks[1], pm, 0 if swap else 1, "moneyline")
    return ks, pm


T = lambda kn, kc, pn, pc: (kn, kc, pn, pc)
# Liga MX: América and Pumas (both Mexico City) the same day.
AME, PUM, TOL, CAZ, TIG, MTY, GDL, ATL = (T("America", "AME", "Club América", "ame"), T("Pumas", "PUM", "Pumas UNAM", "pum"),
                                          T("Toluca", "TOL", "Deportivo Toluca FC", "tol"), T("Cruz Azul", "CAZ", "Cruz Azul", "caz"),
                                          T("Tigres", "TIG", "Tigres UANL", "tig"), T("Monterrey", "MTY", "CF Monterrey", "mty"),
                                          T("Guadalajara", "GDL", "CD Guadalajara", "gdl"), T("Atlas", "ATL", "Atlas FC", "atl"))
for start, h, a in [("2026-09-26T01:00:00Z", AME, TIG), ("2026-09-26T03:00:00Z", PUM, MTY), ("2026-09-27T23:00:00Z", CAZ, TOL),
                    ("2026-09-28T01:00:00Z", GDL, ATL)]:
    soccer("Liga MX", "KXLIGAMX", "mex", "102448", start, h, a)
# K League 1.
ULS, JBK, SEO, POH, DAE, GAN = (T("Ulsan", "ULS", "Ulsan HD FC", "uls"), T("Jeonbuk", "JEO", "Jeonbuk Hyundai Motors", "jeo"),
                                T("Seoul", "SEO", "FC Seoul", "seo"), T("Pohang", "POH", "Pohang Steelers", "poh"),
                                T("Daejeon", "DAE", "Daejeon Hana Citizen", "dae"), T("Gangwon", "GAN", "Gangwon FC", "gan"))
for start, h, a in [("2026-09-26T10:00:00Z", ULS, JBK), ("2026-09-26T10:00:00Z", SEO, POH), ("2026-09-27T07:30:00Z", DAE, GAN)]:
    soccer("K League", "KXKLEAGUE", "kor", "102771", start, h, a)
# A-League.
MCY, MVI, SYD, WSW, ADL, PER = (T("Melbourne City", "MCY", "Melbourne City FC", "mcy"), T("Melbourne Victory", "MVI", "Melbourne Victory FC", "mvi"),
                                T("Sydney", "SYD", "Sydney FC", "syd"), T("Western Sydney", "WSW", "Western Sydney Wanderers FC", "wsw"),
                                T("Adelaide", "ADL", "Adelaide United FC", "adl"), T("Perth", "PER", "Perth Glory FC", "per"))
for start, h, a in [("2026-10-17T08:00:00Z", MCY, MVI), ("2026-10-17T09:00:00Z", SYD, WSW), ("2026-10-18T06:00:00Z", ADL, PER)]:
    soccer("A-League", "KXALEAGUE", "aus", "102765", start, h, a)
# Argentina: Boca and River (both Buenos Aires) the same day.
BOC, RIV, RAC, IND, SLO, VEL = (T("Boca Juniors", "BOC", "CA Boca Juniors", "boc"), T("River Plate", "RIV", "CA River Plate", "riv"),
                                T("Racing Club", "RAC", "Racing Club", "rac"), T("Independiente", "IND", "CA Independiente", "ind"),
                                T("San Lorenzo", "SLO", "CA San Lorenzo de Almagro", "slo"), T("Velez Sarsfield", "VEL", "Vélez Sarsfield", "vel"))
for start, h, a in [("2026-09-27T19:00:00Z", BOC, RAC), ("2026-09-27T21:30:00Z", RIV, IND), ("2026-09-28T00:00:00Z", SLO, VEL)]:
    soccer("Argentina", "KXLIGAPROFARG", "arg", "102561", start, h, a)
# Champions League: a tie's two legs a week apart, home and away reversed; two more games.
RMA, MCI, BAY, PSG, INT, ARS = (T("Real Madrid", "RMA", "Real Madrid CF", "rma"), T("Manchester City", "MCI", "Manchester City FC", "mci"),
                                T("Bayern Munich", "BMU", "FC Bayern München", "bay"), T("Paris Saint-Germain", "PSG", "Paris Saint-Germain FC", "psg"),
                                T("Inter Milan", "INT", "FC Internazionale Milano", "int"), T("Arsenal", "ARS", "Arsenal FC", "ars"))
leg1 = soccer("Champions League", "KXUCL", "ucl", "100977", "2026-11-04T20:00:00Z", RMA, MCI, btts=True)
leg2 = soccer("Champions League", "KXUCL", "ucl", "100977", "2026-11-11T20:00:00Z", MCI, RMA, btts=True)
for km, pm in zip(leg1[0][:2], leg2[1][1::-1]):
    label(km, pm, 0, "moneyline", "nonmatch")
soccer("Champions League", "KXUCL", "ucl", "100977", "2026-11-04T20:00:00Z", BAY, PSG, btts=True)
soccer("Champions League", "KXUCL", "ucl", "100977", "2026-11-05T20:00:00Z", INT, ARS, btts=True)
# Europa League.
ROM, TOT, AJA, POR2, LYO, BET = (T("Roma", "ROM", "AS Roma", "rom"), T("Tottenham", "TOT", "Tottenham Hotspur FC", "tot"),
                                 T("Ajax", "AJA", "AFC Ajax", "aja"), T("Porto", "POR", "FC Porto", "por"),
                                 T("Lyon", "LYO", "Olympique Lyonnais", "lyo"), T("Real Betis", "BET", "Real Betis Balompié", "bet"))
for start, h, a in [("2026-11-05T17:45:00Z", ROM, TOT), ("2026-11-05T20:00:00Z", AJA, POR2), ("2026-11-05T20:00:00Z", LYO, BET)]:
    soccer("Europa League", "KXUEL", "uel", "101787", start, h, a)
# Saudi Pro League.
HIL, NAS, ITT, AHL, QAD, SHA = (T("Al Hilal", "HIL", "Al Hilal SFC", "hil"), T("Al Nassr", "NAS", "Al Nassr FC", "nas"),
                                T("Al Ittihad", "ITT", "Al Ittihad Club", "itt"), T("Al Ahli", "AHL", "Al Ahli Saudi FC", "ahl"),
                                T("Al Qadsiah", "QAD", "Al Qadsiah FC", "qad"), T("Al Shabab", "SHA", "Al Shabab FC", "sha"))
for start, h, a in [("2026-09-25T18:00:00Z", HIL, NAS), ("2026-09-26T18:00:00Z", ITT, AHL), ("2026-09-26T15:00:00Z", QAD, SHA)]:
    soccer("Saudi Pro League", "KXSAUDIPL", "spl", "102650", start, h, a)
# A Polymarket game Kalshi does not list: Al Hilal against another opponent the same week.
soccer("Saudi Pro League", "KXSAUDIPL", "spl", "102650", "2026-09-29T18:00:00Z", HIL, SHA, kalshi=False)

# KBO (Kalshi lists the away team first, like MLB).
LG, DOO, KIA, SAM, SSG, LOT = (T("LG", "LG", "LG Twins", "lg"), T("Doosan", "DOO", "Doosan Bears", "doo"),
                               T("Kia", "KIA", "Kia Tigers", "kia"), T("Samsung", "SAM", "Samsung Lions", "sam"),
                               T("SSG", "SSG", "SSG Landers", "ssg"), T("Lotte", "LOT", "Lotte Giants", "lot"))
for start, a, h in [("2026-09-22T09:30:00Z", DOO, LG), ("2026-09-22T09:30:00Z", SAM, KIA), ("2026-09-23T09:30:00Z", LOT, SSG)]:
    two_way("KBO", "KXKBOGAME", "kbo", "102668", start, a, h, 3, word="at")
# KHL.
CSK, SKA, AKB, MET, DYN, LOK = (T("CSKA Moscow", "CSK", "HC CSKA Moscow", "csk"), T("SKA", "SKA", "SKA Saint Petersburg", "ska"),
                                T("Ak Bars", "AKB", "Ak Bars Kazan", "akb"), T("Metallurg", "MET", "Metallurg Magnitogorsk", "met"),
                                T("Dynamo Moscow", "DYN", "HC Dynamo Moscow", "dyn"), T("Lokomotiv", "LOK", "Lokomotiv Yaroslavl", "lok"))
for start, a, h in [("2026-10-01T16:30:00Z", SKA, CSK), ("2026-10-01T14:00:00Z", MET, AKB), ("2026-10-02T16:30:00Z", LOK, DYN)]:
    two_way("KHL", "KXKHLGAME", "khl", "102908", start, a, h, 3, word="at", swap=True)
# IPL cricket.
MI, CSK2, RCB, KKR, SRH, RR = (T("Mumbai", "MI", "Mumbai Indians", "mi"), T("Chennai", "CSK", "Chennai Super Kings", "csk"),
                               T("Bengaluru", "RCB", "Royal Challengers Bengaluru", "rcb"), T("Kolkata", "KKR", "Kolkata Knight Riders", "kkr"),
                               T("Hyderabad", "SRH", "Sunrisers Hyderabad", "srh"), T("Rajasthan", "RR", "Rajasthan Royals", "rr"))
for start, a, h in [("2026-10-10T14:00:00Z", MI, CSK2), ("2026-10-11T10:00:00Z", RCB, KKR), ("2026-10-11T14:00:00Z", SRH, RR)]:
    two_way("IPL", "KXIPLGAME", "ipl", "101977", start, a, h, 4, swap=True)
# UFC: fighters by full name on both venues; a replaced opponent on Polymarket.
F = lambda name, code: (name, code.upper(), name, name.split()[-1].lower())
for start, a, b in [("2026-10-25T03:00:00Z", F("Islam Makhachev", "MAK"), F("Arman Tsarukyan", "TSA")),
                    ("2026-10-25T02:30:00Z", F("Sean O'Malley", "OMA"), F("Merab Dvalishvili", "DVA")),
                    ("2026-10-25T02:00:00Z", F("Alexandre Pantoja", "PAN"), F("Brandon Royval", "ROY"))]:
    two_way("UFC", "KXUFCFIGHT", "ufc", "102457", start, a, b, 1.5)
ks, pm = two_way("UFC", "KXUFCFIGHT", "ufc", "102457", "2026-10-25T01:30:00Z", F("Belal Muhammad", "MUH"),
                 F("Shavkat Rakhmonov", "RAK"), 1.5, p_second=("Ian Machado Garry", "garry"))
label(ks[0], pm, 0, "moneyline", "nonmatch")
# Dota 2: series winners.
SPI, LIQ, FAL, GG, TUN, BB = (T("Team Spirit", "SPIRIT", "Team Spirit", "spirit"), T("Team Liquid", "LIQ", "Team Liquid", "liquid"),
                              T("Team Falcons", "FAL", "Team Falcons", "falcons"), T("Gaimin Gladiators", "GG", "Gaimin Gladiators", "gg"),
                              T("Tundra Esports", "TUN", "Tundra Esports", "tundra"), T("BetBoom Team", "BB", "BetBoom Team", "betboom"))
for start, a, b in [("2026-10-08T10:00:00Z", SPI, LIQ), ("2026-10-08T13:00:00Z", FAL, GG), ("2026-10-09T10:00:00Z", TUN, BB)]:
    two_way("Dota 2", "KXDOTA2GAME", "dota2", "102366", start, a, b, 3)


write_capture(OUT, NOW, [{"ticker": t, "title": f"{l} {t}", "category": "Sports", "fee_type": "quadratic_with_maker_fees",
                            "fee_multiplier": 1} for t, l in series.items()], k_events, p_events,
              [{"id": 200 + i, "sport": c, "ordering": "home", "tags": f"1,{t}", "series": str(300 + i)}
               for i, (c, t) in enumerate([("mex", "102448"), ("kor", "102771"), ("aus", "102765"), ("arg", "102561"),
                                           ("ucl", "100977"), ("uel", "101787"), ("spl", "102650"), ("kbo", "102668"),
                                           ("khl", "102908"), ("ipl", "101977"), ("ufc", "102457"),
                                           ("dota2", "102366")])], labels)
print(len(labels), "labels,", sum(l.endswith(",match") for l in labels), "matches")
