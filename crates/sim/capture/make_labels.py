#!/usr/bin/env python3
"""Writes labels.csv for the bundled capture (run after derive.py; deterministic).

Matches: every Kalshi NBA moneyline market and the Polymarket moneyline of the same game. For
the games in ../shared/data/real/pairs/curated_pairs_2026-01-09.json, the outcome index comes from
the curated per-team token ids (a person's pairing); for the others, from the slug codes.
Nonmatches: each Kalshi market against the Polymarket moneyline of the same teams on another
date where the data has one (PHI-TOR on Jan 11 vs Jan 12), and the planted MVE combos.
"""
import json
import sys

SRC = sys.argv[1] if len(sys.argv) > 1 else "../../../../shared/data/real"
events = json.load(open("kalshi/events.json"))["events"]
poly = json.load(open("polymarket/events.json"))
curated = json.load(open(f"{SRC}/pairs/curated_pairs_2026-01-09.json"))["markets"]
token_of = {}
for c in curated:
    for code, tok in (c.get("poly_token_ids") or {}).items():
        token_of[(c["polymarket"]["markets"]["slug"], code)] = tok


def moneyline(slug):
    e = next((e for e in poly if e["slug"] == slug), None)
    if not e:
        return None
    return next(m for m in e["markets"] if m.get("sportsMarketType") == "moneyline")


rows = ["kalshi_ticker,polymarket_market_id,polymarket_outcome_index,kind,line,label"]
for ev in events:
    t = ev["event_ticker"]
    if not t.startswith("KXNBAGAME"):
        for m in ev["markets"]:
            if m["ticker"].startswith("KXMVE"):
                any_ml = moneyline("nba-mil-lal-2026-01-09")
                rows.append(f"{m['ticker']},{any_ml['id']},0,moneyline,,nonmatch")
        continue
    away, home = ev["sub_title"].split(" (")[0].split(" at ")
    from datetime import datetime
    date = datetime.strptime(t.split("-")[1][:7], "%y%b%d").strftime("%Y-%m-%d")
    slug = f"nba-{away.lower()}-{home.lower()}-{date}"
    ml = moneyline(slug)
    tokens = json.loads(ml["clobTokenIds"])
    for m in ev["markets"]:
        code = m["ticker"].rsplit("-", 1)[1]
        tok = token_of.get((slug, code))
        index = tokens.index(tok) if tok else [away, home].index(code)
        rows.append(f"{m['ticker']},{ml['id']},{index},moneyline,,match")
        # The same two teams on another date (a rematch) must not match.
        for other in poly:
            o_codes = other["slug"].split("-")[1:3]
            if sorted(o_codes) == sorted([away.lower(), home.lower()]) and other["slug"] != slug:
                oml = moneyline(other["slug"])
                if oml:
                    rows.append(f"{m['ticker']},{oml['id']},{index},moneyline,,nonmatch")
open("labels.csv", "w").write("\n".join(rows) + "\n")
print(len(rows) - 1, "labels")
