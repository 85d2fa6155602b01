#!/usr/bin/env python3
"""Derives crossbook's bundled capture from the real recordings in ../shared/data.

Run from this folder: python3 derive.py ../../../../shared/data/real
It rewrites every file of the capture (see README.md for what each one is). Deterministic.
"""
import json
import os
import shutil
import sys

SRC = sys.argv[1] if len(sys.argv) > 1 else "../../../../shared/data/real"
ML = os.path.join(SRC, "multi-league")
# Ten minutes before the first games of 9 Jan 2026 (US Eastern) start: 00:00 UTC on the 10th.
NOW = "2026-01-09T23:50:00Z"

# Kalshi market ticker → (YES ask on Kalshi, size) planted cheaper than Polymarket's opposite ask,
# so that the demo finds arbitrage after fees (see README.md).
PLANTED = {
    "KXNBAGAME-26JAN09NOPWAS-NOP": ("0.5200", "150.00"),
    "KXNBAGAME-26JAN09LACBKN-BKN": ("0.3200", "80.00"),
}
# Polymarket market types crossbook links, whose books the demo quotes.
LINKED = {"moneyline", "spreads", "totals", "child_moneyline"}


def write(path, obj):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=1, ensure_ascii=False)
        f.write("\n")


def dollars(x):
    return f"{x:.4f}"


def clamp(x):
    return min(0.99, max(0.01, round(x, 2)))


# The real multi-league capture, verbatim.
for rel in ["kalshi/events.json", "kalshi/series.json", "polymarket/events.json", "polymarket/sports.json", "labels.csv"]:
    os.makedirs(os.path.dirname(rel) or ".", exist_ok=True)
    shutil.copyfile(os.path.join(ML, rel), rel)
write("meta.json", {"now": NOW})

# Kalshi books (bids only, price-ascending as recorded), around each market's own quote.
for e in json.load(open(os.path.join(ML, "kalshi/events.json")))["events"]:
    for m in e["markets"]:
        if m.get("mve_collection_ticker") or e.get("category") != "Sports":
            continue
        bid, ask = float(m["yes_bid_dollars"]), float(m["yes_ask_dollars"])
        if not 0 < bid < ask < 1:
            continue
        yes_ask, size = PLANTED.get(m["ticker"], (dollars(ask), "120.00"))
        # A planted ask below the market's bid would cross the book: the bids stay under it.
        bid = min(bid, round(float(yes_ask) - 0.01, 2))
        best_no_bid = round(1 - float(yes_ask), 2)
        write(f"kalshi/orderbooks/{m['ticker']}.json", {"orderbook_fp": {
            "yes_dollars": [[dollars(clamp(bid - 0.02)), "300.00"], [dollars(clamp(bid - 0.01)), "200.00"],
                            [dollars(bid), "100.00"]],
            "no_dollars": [[dollars(clamp(best_no_bid - 0.02)), "300.00"], [dollars(clamp(best_no_bid - 0.01)), "200.00"],
                           [dollars(best_no_bid), size]],
        }})

# Polymarket books (bids ascending, asks descending: best level last; strings), one cent either
# side of each linked market's indicative price, on its tick grid.
teams = {}
for e in json.load(open(os.path.join(ML, "polymarket/events.json"))):
    for m in e["markets"]:
        if m.get("sportsMarketType") not in LINKED or m.get("closed"):
            continue
        tick = float(m.get("orderPriceMinTickSize") or 0.01)
        for tok, p in zip(json.loads(m["clobTokenIds"]), json.loads(m["outcomePrices"])):
            p = float(p)
            b, a = clamp(p - tick), clamp(p + tick)
            write(f"polymarket/books/{tok}.json", {
                "market": m["conditionId"], "asset_id": tok, "timestamp": "1768002600000", "hash": "derived",
                "bids": [{"price": f"{clamp(b - 0.02):.2f}", "size": "900"}, {"price": f"{clamp(b - 0.01):.2f}", "size": "500"},
                         {"price": f"{b:.2f}", "size": "250"}],
                "asks": [{"price": f"{clamp(a + 0.02):.2f}", "size": "900"}, {"price": f"{clamp(a + 0.01):.2f}", "size": "500"},
                         {"price": f"{a:.2f}", "size": "250"}],
                "min_order_size": str(m.get("orderMinSize", 5)), "tick_size": f"{tick:.2f}", "neg_risk": bool(m.get("negRisk")),
                "last_trade_price": f"{p:.2f}",
            })
    # Gamma /teams: the two-outcome moneyline's names with the slug's codes.
    ml = [m for m in e["markets"] if m.get("sportsMarketType") == "moneyline" and "Yes" not in m["outcomes"]]
    words = e["slug"].split("-")
    if ml and len(words) == 5:
        for name, code in zip(json.loads(ml[0]["outcomes"]), words[1:3]):
            teams.setdefault((words[0], code), name)
write("polymarket/teams.json", [
    {"id": i + 1, "name": name, "league": league, "abbreviation": code, "alias": None, "record": None,
     "logo": None, "createdAt": "2025-10-01T00:00:00Z", "updatedAt": "2026-01-09T00:00:00Z"}
    for i, ((league, code), name) in enumerate(sorted(teams.items()))
])
