#!/usr/bin/env python3
"""Derives crossbook's bundled capture from the real recordings in ../shared/data.

Run from this folder: python3 derive.py ../../../../shared/data/real
It rewrites every file of the capture (see README.md for what each one is). Deterministic.
"""
import json
import os
import sys
from datetime import datetime, timedelta, timezone

SRC = sys.argv[1] if len(sys.argv) > 1 else "../../../../shared/data/real"
NOW = "2026-01-09T23:50:00Z"
now = datetime.fromisoformat(NOW.replace("Z", "+00:00"))

# Kalshi market ticker → (YES ask on Kalshi, size) planted cheaper than Polymarket's opposite ask,
# so that the demo finds arbitrage after fees (see README.md).
PLANTED = {
    "KXNBAGAME-26JAN09NOPWAS-NOP": ("0.5200", "150.00"),
    "KXNBAGAME-26JAN09LACBKN-BKN": ("0.3200", "80.00"),
}


def write(path, obj):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=1, ensure_ascii=False)
        f.write("\n")


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def cents(x):
    return f"{x:.4f}"


kalshi_events = json.load(open(os.path.join(SRC, "kalshi/events_nba_2026-01-08_11.json")))["events"]
poly_events = json.load(open(os.path.join(SRC, "polymarket/events_nba_2026-01-04_14.json")))
poly_by_slug = {e["slug"]: e for e in poly_events}
sports = json.load(open(os.path.join(SRC, "polymarket/sports.json")))
mve_positions = json.load(open(os.path.join(SRC, "kalshi/new_schema_2026-07/mve_positions_2026-07-26.json")))

write("meta.json", {"now": NOW})

series = [
    {"ticker": "KXNBAGAME", "frequency": "custom", "title": "Professional Basketball Game", "category": "Sports",
     "tags": ["Basketball"], "settlement_sources": [{"name": "NBA", "url": "https://www.nba.com/"}],
     "fee_type": "quadratic_with_maker_fees", "fee_multiplier": 1},
    {"ticker": "KXFED", "frequency": "custom", "title": "Fed funds rate", "category": "Economics", "tags": ["Fed"],
     "settlement_sources": [], "fee_type": "quadratic", "fee_multiplier": 1},
]
write("kalshi/series.json", {"series": series})

events_out = []
books = {}
poly_books = {}
for ev in kalshi_events:
    ticker = ev["event_ticker"]
    codes = ev["sub_title"].split(" (")[0].split(" at ")
    cities = ev["title"].split(" at ")
    date = datetime.strptime(ticker.split("-")[1][:7], "%y%b%d").strftime("%Y-%m-%d")
    slug = f"nba-{codes[0].lower()}-{codes[1].lower()}-{date}"
    pe = poly_by_slug[slug]
    start = datetime.fromisoformat(pe["startTime"].replace("Z", "+00:00"))
    ml = [m for m in pe["markets"] if m.get("sportsMarketType") == "moneyline"][0]
    prices = [float(p) for p in json.loads(ml["outcomePrices"])]
    tokens = json.loads(ml["clobTokenIds"])
    finished = pe.get("ended") is True
    markets = []
    for side, (code, city) in enumerate(zip(codes, cities)):
        mt = f"{ticker}-{code}"
        p = prices[side]
        bid, ask = max(0.01, round(p - 0.01, 2)), min(0.99, round(p + 0.01, 2))
        status = "finalized" if finished else "active"
        m = {
            "ticker": mt, "event_ticker": ticker, "market_type": "binary",
            "title": f"{ev['title']} Winner?", "yes_sub_title": city, "no_sub_title": city,
            "created_time": "2026-01-03T15:00:00Z", "updated_time": "2026-01-09T20:00:00Z",
            "open_time": "2026-01-03T15:00:00Z", "close_time": iso(start + timedelta(days=14)),
            "expected_expiration_time": iso(start + timedelta(hours=3)), "occurrence_datetime": iso(start),
            "latest_expiration_time": iso(start + timedelta(days=14)), "settlement_timer_seconds": 300,
            "status": status, "notional_value_dollars": "1.0000",
            "yes_bid_dollars": cents(bid), "yes_ask_dollars": cents(ask),
            "no_bid_dollars": cents(1 - ask), "no_ask_dollars": cents(1 - bid),
            "yes_bid_size_fp": "100.00", "yes_ask_size_fp": "100.00", "last_price_dollars": cents(p),
            "previous_yes_bid_dollars": cents(bid), "previous_yes_ask_dollars": cents(ask),
            "previous_price_dollars": cents(p), "volume_fp": "25000.00", "volume_24h_fp": "4000.00",
            "open_interest_fp": "12000.00", "liquidity_dollars": "0.0000",
            "result": ("yes" if p >= 0.5 else "no") if finished else "", "can_close_early": True,
            "expiration_value": "",
            "rules_primary": f"If {city} wins the {ev['title']} professional basketball game originally scheduled "
                             f"for {ev['sub_title'].split('(')[1].rstrip(')')}, 2026, then the market resolves to Yes.",
            "rules_secondary": "If the game is postponed or delayed, the market will remain open and close after the "
                               "rescheduled game has finished (within two weeks). Overtime counts.",
            "price_level_structure": "linear_cent",
            "price_ranges": [{"start": "0.0000", "end": "1.0000", "step": "0.0100"}],
            "response_price_units": "usd_cent", "fractional_trading_enabled": False, "strike_type": "structured",
            "custom_strike": {"basketball_team": code},
        }
        markets.append(m)
        if not finished:
            # Kalshi books are bids only, price-ascending (best last) as recorded.
            yes_ask, size = PLANTED.get(mt, (cents(ask), "120.00"))
            best_no_bid = round(1 - float(yes_ask), 2)
            books[mt] = {"orderbook_fp": {
                "yes_dollars": [[cents(bid - 0.02), "300.00"], [cents(bid - 0.01), "200.00"], [cents(bid), "100.00"]],
                "no_dollars": [[cents(best_no_bid - 0.02), "300.00"], [cents(best_no_bid - 0.01), "200.00"],
                               [cents(best_no_bid), size]],
            }}
            m["yes_ask_dollars"] = yes_ask
            m["no_bid_dollars"] = cents(best_no_bid)
    if not pe.get("ended"):
        # Polymarket books: bids ascending, asks descending (best level last), strings.
        for tok, p, bb, ba in zip(tokens, prices, [ml.get("bestBid")] * 2, [ml.get("bestAsk")] * 2):
            b = round(p - 0.005, 3) if p >= 0.01 else 0.001
            a = round(p + 0.005, 3)
            poly_books[tok] = {
                "market": ml["conditionId"], "asset_id": tok, "timestamp": "1768002600000", "hash": "derived",
                "bids": [{"price": f"{b - 0.02:.3f}", "size": "900"}, {"price": f"{b - 0.01:.3f}", "size": "500"},
                         {"price": f"{b:.3f}", "size": "250"}],
                "asks": [{"price": f"{a + 0.02:.3f}", "size": "900"}, {"price": f"{a + 0.01:.3f}", "size": "500"},
                         {"price": f"{a:.3f}", "size": "250"}],
                "min_order_size": "5", "tick_size": "0.001", "neg_risk": False, "last_trade_price": f"{p:.3f}",
            }
    out = dict(ev)
    out["markets"] = markets
    events_out.append(out)

# Multivariate combos, planted with real recorded MVE tickers: hidden from GET /events like the
# real API, listed by GET /markets unless mve_filter=exclude.
for i, row in enumerate(mve_positions["market_positions"][:4]):
    t = row["ticker"]
    et = t.rsplit("-", 1)[0]
    legs = ["KXNBAGAME-26JAN09MILLAL-MIL", "KXNBAGAME-26JAN09TORBOS-BOS"]
    events_out.append({
        "event_ticker": et, "series_ticker": t.split("-")[0], "title": "Multi-game parlay", "sub_title": "",
        "category": "Sports", "mutually_exclusive": False, "collateral_return_type": "", "strike_period": "",
        "markets": [{
            "ticker": t, "event_ticker": et, "market_type": "binary", "title": "yes Milwaukee,yes Boston",
            "yes_sub_title": "yes Milwaukee,yes Boston", "no_sub_title": "yes Milwaukee,yes Boston",
            "status": "active", "open_time": "2026-01-09T12:00:00Z", "close_time": "2026-01-24T03:30:00Z",
            "yes_bid_dollars": "0.0000", "yes_ask_dollars": "1.0000", "last_price_dollars": "0.0000",
            "volume_fp": "0.00", "mve_collection_ticker": "KXMVESPORTSMULTIGAMEEXTENDED-R",
            "mve_selected_legs": [{"event_ticker": l.rsplit("-", 1)[0], "market_ticker": l, "side": "yes"} for l in legs],
            "price_level_structure": "deci_cent", "fractional_trading_enabled": True, "result": "",
            "rules_primary": "Resolves Yes if every selected leg resolves Yes.",
        }],
    })

# One non-sports event, to show that sports-only mode never asks for it.
events_out.append({
    "event_ticker": "KXFED-26JAN", "series_ticker": "KXFED", "title": "Fed decision in January 2026",
    "sub_title": "Jan 28, 2026", "category": "Economics", "mutually_exclusive": True,
    "markets": [{
        "ticker": "KXFED-26JAN-T3.75", "event_ticker": "KXFED-26JAN", "market_type": "binary",
        "title": "Fed funds upper bound above 3.75%?", "yes_sub_title": "Above 3.75%", "no_sub_title": "Above 3.75%",
        "status": "active", "open_time": "2025-12-10T19:00:00Z", "close_time": "2026-01-28T18:55:00Z",
        "yes_bid_dollars": "0.2200", "yes_ask_dollars": "0.2400", "last_price_dollars": "0.2300", "volume_fp": "9000.00",
        "floor_strike": 3.75, "strike_type": "greater", "result": "",
        "rules_primary": "Resolves Yes if the upper bound exceeds 3.75% after the January meeting.",
    }],
})
write("kalshi/events.json", {"events": events_out, "cursor": ""})
for t, b in books.items():
    write(f"kalshi/orderbooks/{t}.json", b)

poly_out = list(poly_events)
poly_out.append({
    "id": "900001", "ticker": "fed-decision-in-january", "slug": "fed-decision-in-january",
    "title": "Fed decision in January?", "startTime": "2026-01-28T19:00:00Z", "endDate": "2026-01-28T19:00:00Z",
    "active": True, "closed": False, "tags": [{"id": "2", "label": "Politics"}, {"id": "100328", "label": "Economy"}],
    "markets": [{
        "id": "990001", "question": "Fed cuts in January?", "conditionId": "0x" + "ab" * 32,
        "slug": "fed-cuts-in-january", "endDate": "2026-01-28T19:00:00Z", "outcomes": "[\"Yes\", \"No\"]",
        "outcomePrices": "[\"0.05\", \"0.95\"]", "clobTokenIds": "[\"900000000000000001\", \"900000000000000002\"]",
        "active": True, "closed": False, "feesEnabled": False,
    }],
})
write("polymarket/events.json", poly_out)
write("polymarket/sports.json", sports)
for tok, b in poly_books.items():
    write(f"polymarket/books/{tok}.json", b)

# Teams of the NBA, as Gamma's /teams returns them, from the moneyline outcomes and slug codes.
teams = {}
for e in poly_events:
    ml = [m for m in e["markets"] if m.get("sportsMarketType") == "moneyline"]
    if not ml:
        continue
    names = json.loads(ml[0]["outcomes"])
    codes = e["slug"].split("-")[1:3]
    for name, code in zip(names, codes):
        teams.setdefault(code, name)
write("polymarket/teams.json", [
    {"id": i + 1, "name": name, "league": "nba", "abbreviation": code, "alias": None, "record": None,
     "logo": None, "createdAt": "2025-10-01T00:00:00Z", "updatedAt": "2026-01-09T00:00:00Z"}
    for i, (code, name) in enumerate(sorted(teams.items()))
])
print(f"{len(events_out)} Kalshi events, {len(books)} Kalshi books, {len(poly_out)} Polymarket events, "
      f"{len(poly_books)} Polymarket books, {len(teams)} teams")
