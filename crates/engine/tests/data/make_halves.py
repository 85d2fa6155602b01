#!/usr/bin/env python3
"""Writes the labelled first-half capture in ./halves (deterministic) from two real recordings:

- Polymarket: the Gamma events of ../../../../../shared/data/real/polymarket/events_nba_2026-01-04_14.json
  for the 27 games that Kalshi's recording also lists, with their full-game moneyline, spreads and
  totals and their first-half markets as recorded (`first_half_moneyline`, `first_half_spreads`,
  `first_half_totals`; player props dropped). The games have been played since; the state fields
  (`closed`, `umaResolutionStatus`, scores) are reset to a game not yet started.
- Kalshi: the events of ../../../../../shared/data/real/kalshi/events_nba_2026-01-08_11.json
  (tickers, titles, sub-titles as recorded). Their markets, and the spread, total and first-half
  series (`KXNBASPREAD`, `KXNBATOTAL`, `KXNBA1HWINNER` with its `-TIE` market, `KXNBA1HSPREAD`,
  `KXNBA1HTOTAL`), are built from Kalshi's naming rules as public recordings show them
  (`KXNBA1HSPREAD-26APR26BOSPHI-PHI1`, floor_strike 1.5; `KXNBA1HWINNER-…-CLE/-DET/-TIE`); lines
  follow Polymarket's, one equal and one a point off.

What it plants:
- Polymarket writes a first-half spread's `line` as a positive number ("1H Spread: Lakers (-2.5)",
  line 2.5) where a full-game spread's is signed (line -3.5): only the question says who gives.
- A first-half market and a full-game market at the same number (never the same market).
- First-half winners settle differently: Kalshi lists the tie at halftime as its own market (a
  team's YES pays nothing on a tie), Polymarket resolves a tie 50-50. Labelled nonmatch: a
  Kalshi team's 1H winner must not be linked to Polymarket's 1H moneyline.
"""
import json
import os
import re
from datetime import datetime, timedelta

from capture_shapes import kalshi_market, label_line, write_capture

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.path.join(HERE, "../../../../../shared/data/real")
OUT = os.path.join(HERE, "halves")
NOW = "2026-01-08T12:00:00Z"
MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
KEEP = {"moneyline", "spreads", "totals", "first_half_moneyline", "first_half_spreads", "first_half_totals"}

poly = json.load(open(os.path.join(REAL, "polymarket/events_nba_2026-01-04_14.json")))
kalshi = json.load(open(os.path.join(REAL, "kalshi/events_nba_2026-01-08_11.json")))["events"]
k_events, p_events, labels = [], [], []


def kmarket(ticker, event, title, yes_sub, rules, end, strike=None):
    return kalshi_market(ticker, event, title, yes_sub, rules, end, "2026-01-05T15:00:00Z", "2026-01-25T04:15:00Z", strike)


def label(k, p, outcome, kind, line, verdict="match"):
    labels.append(label_line(k, p, outcome, kind, line, verdict))


def upcoming(m):
    """A recorded market as it was before the game: open, unresolved."""
    m = {k: v for k, v in m.items() if k not in ("umaResolutionStatus", "umaResolutionStatuses", "closedTime")}
    m.update({"active": True, "closed": False, "acceptingOrders": True})
    return m


def kalshi_event(ev, series, title, sub, markets, exclusive):
    k_events.append({"event_ticker": ev, "series_ticker": series, "title": title, "sub_title": sub,
                     "category": "Sports", "mutually_exclusive": exclusive,
                     "product_metadata": {"competition": "Pro Basketball (M)", "competition_scope": "Game"},
                     "markets": markets})


by_slug = {e["slug"]: e for e in poly}
for ke in kalshi:
    m = re.match(r"KXNBAGAME-(\d\d)([A-Z]{3})(\d\d)([A-Z]{3})([A-Z]{3})$", ke["event_ticker"])
    yy, mon, dd, ac, hc = m.groups()
    day = f"20{yy}-{MONTHS.index(mon) + 1:02d}-{dd}"
    pe = by_slug.get(f"nba-{ac.lower()}-{hc.lower()}-{day}")
    if pe is None:
        continue
    ka, kh = ke["title"].split(" at ")
    start = datetime.strptime(pe["startTime"], "%Y-%m-%dT%H:%M:%SZ")
    end = (start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    half = (start + timedelta(hours=1, minutes=20)).strftime("%Y-%m-%dT%H:%M:%SZ")
    when = f"{mon.title()} {int(dd)}, 20{yy}"
    sub = ke["sub_title"]
    date = f"{yy}{mon}{dd}"
    markets = [upcoming(x) for x in pe["markets"] if x.get("sportsMarketType") in KEEP]
    kinds = lambda t: [x for x in markets if x["sportsMarketType"] == t]
    names = lambda x: json.loads(x["outcomes"])
    city = {ac: ka, hc: kh}

    # Full game: the moneyline (as recorded), the first listed spread and total.
    ev = ke["event_ticker"]
    ml = kinds("moneyline")[0]
    pa, ph = names(ml)
    ml_k = [kmarket(f"{ev}-{c}", ev, f"{ka} at {kh} Winner?", city[c],
                    f"If {city[c]} wins the {ka} vs {kh} professional basketball game originally scheduled for {when}, then the market resolves to Yes.",
                    end) for c in (ac, hc)]
    kalshi_event(ev, "KXNBAGAME", ke["title"], sub, ml_k, True)
    label(ml_k[0], ml, 0, "moneyline", None)
    label(ml_k[1], ml, 1, "moneyline", None)
    team = {pa: ac, ph: hc}

    def spreads(series, kind, pm, period):
        """Kalshi spreads of the Polymarket favourite at its line and a point more."""
        fav = names(pm)[0]
        x = abs(pm["line"])
        code = team[fav]
        sev = f"{series}-{date}{ac}{hc}"
        ks = [kmarket(f"{sev}-{code}{int(v)}", sev, f"{city[code]} wins {period}by over {v} points?",
                      f"{city[code]} wins {period}by over {v} Points",
                      f"If {city[code]} wins {period}by more than {v} points in the {ka} vs {kh} professional basketball game originally scheduled for {when}, then the market resolves to Yes.",
                      end, v) for v in (x, x + 1)]
        kalshi_event(sev, series, f"{ka} at {kh}: {'First Half ' if period else ''}Spread", sub, ks, False)
        # Every Polymarket spread of the same favourite at the same size is that Kalshi market.
        for k, v in zip(ks, (x, x + 1)):
            for other in kinds(pm["sportsMarketType"]):
                if names(other)[0] == fav and abs(other["line"]) == v:
                    label(k, other, 0, kind, -v)

    def totals(series, kind, pm, period):
        tev = f"{series}-{date}{ac}{hc}"
        x = pm["line"]
        kt = [kmarket(f"{tev}-{int(v)}", tev, f"{ka} at {kh}: {period}Total Points", f"Over {v} points scored",
                      f"If the teams collectively score more than {v} points in the {period.lower()}of the {ka} vs {kh} professional basketball game originally scheduled for {when}, then the market resolves to Yes.",
                      end, v) for v in (x, x + 2)]
        kalshi_event(tev, series, f"{ka} at {kh}: {period}Total Points", sub, kt, False)
        for k, v in zip(kt, (x, x + 2)):
            for other in kinds(pm["sportsMarketType"]):
                if other["line"] == v:
                    label(k, other, 0, kind, v)

    if kinds("spreads"):
        spreads("KXNBASPREAD", "spread", kinds("spreads")[0], "")
    if kinds("totals"):
        totals("KXNBATOTAL", "total", kinds("totals")[0], "")
    if kinds("first_half_spreads"):
        spreads("KXNBA1HSPREAD", "first_half_spread", kinds("first_half_spreads")[0], "the 1H ")
    if kinds("first_half_totals"):
        totals("KXNBA1HTOTAL", "first_half_total", kinds("first_half_totals")[0], "First Half ")
    if kinds("first_half_moneyline"):
        pm = kinds("first_half_moneyline")[0]
        hev = f"KXNBA1HWINNER-{date}{ac}{hc}"
        kh1 = [kmarket(f"{hev}-{c}", hev, f"{ka} at {kh}: First Half Winner?", f"{city[c]} wins 1st half",
                       f"If {city[c]} is leading at the end of the first half of the {ka} vs {kh} professional basketball game originally scheduled for {when}, then the market resolves to Yes.",
                       half) for c in (ac, hc)]
        kh1.append(kmarket(f"{hev}-TIE", hev, f"{ka} at {kh}: First Half Winner?", "Tie",
                           f"If the score is tied at the end of the first half of the {ka} vs {kh} professional basketball game originally scheduled for {when}, then the market resolves to Yes.",
                           half))
        kalshi_event(hev, "KXNBA1HWINNER", f"{ka} at {kh}: First Half Winner?", sub, kh1, True)
        outcomes = names(pm)
        for km, c in zip(kh1, (ac, hc)):
            side = [team[o] for o in outcomes].index(c)
            label(km, pm, side, "first_half_moneyline", None, "nonmatch")

    pe = {k: v for k, v in pe.items() if k not in ("score", "period", "elapsed", "ended", "finishedTimestamp", "live")}
    pe.update({"active": True, "closed": False, "markets": markets})
    p_events.append(pe)


series = [{"ticker": s, "title": s, "category": "Sports", "tags": ["Basketball"],
           "fee_type": "quadratic_with_maker_fees", "fee_multiplier": 1}
          for s in ("KXNBAGAME", "KXNBASPREAD", "KXNBATOTAL", "KXNBA1HWINNER", "KXNBA1HSPREAD", "KXNBA1HTOTAL")]
write_capture(OUT, NOW, series, k_events, p_events,
              [{"id": 34, "sport": "nba", "ordering": "away", "tags": "1,745,100639", "series": "10345"}], labels)
print(f"{len(p_events)} games, {len(labels)} labels")
