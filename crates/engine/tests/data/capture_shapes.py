"""What the capture generators (make_college.py, make_halves.py, make_unregistered.py,
make_sets.py, make_innings.py, make_halftime.py) share: a Kalshi market in the current schema, a
Gamma market as recorded, ids, label lines, and the capture's files in the simulator's layout."""
import json
import os

POSTPONED = ("If this game is postponed or delayed, the market will remain open and close after the rescheduled game "
             "has finished (within two days). If the game is cancelled or rescheduled to over two days away, the "
             "market will resolve to a fair price in accordance with the rules.")


def kalshi_market(ticker, event, title, yes_sub, rules, end, opened, closes, strike=None, secondary=POSTPONED):
    """A Kalshi market; `end` is the expected end of play (`occurrence_datetime`, as on the venue)."""
    m = {"ticker": ticker, "event_ticker": event, "market_type": "binary", "title": title, "yes_sub_title": yes_sub,
         "no_sub_title": yes_sub, "status": "active", "open_time": opened, "close_time": closes,
         "occurrence_datetime": end, "expected_expiration_time": end,
         "yes_bid_dollars": "0.4500", "yes_ask_dollars": "0.4700", "last_price_dollars": "0.4600",
         "volume_fp": "1000.00", "rules_primary": rules, "rules_secondary": secondary, "result": ""}
    if strike is not None:
        m["floor_strike"] = strike
        m["strike_type"] = "greater"
    return m


class Ids:
    """Made-up Gamma ids, counting up from `start`."""

    def __init__(self, start):
        self.last = start

    def __call__(self):
        self.last += 1
        return str(self.last)


def poly_market(mid, question, slug, start, outcomes, kind, group, description, line=None):
    """A Gamma market open for orders (the fields as recorded), its tokens `<id>00`, `<id>01`, …"""
    return {"id": mid, "question": question, "conditionId": "0x" + mid.rjust(64, "0"), "slug": slug,
            "endDate": start, "gameStartTime": start.replace("T", " ").replace("Z", "+00"),
            "outcomes": json.dumps(outcomes), "outcomePrices": json.dumps(["0.5"] * len(outcomes)),
            "clobTokenIds": json.dumps([f"{mid}{i:02d}" for i in range(len(outcomes))]), "sportsMarketType": kind,
            "line": line, "groupItemTitle": group, "description": description, "active": True, "closed": False,
            "acceptingOrders": True, "enableOrderBook": True, "feesEnabled": False, "orderPriceMinTickSize": 0.01,
            "orderMinSize": 5}


def label_line(k, p, outcome, kind, line, verdict):
    """A labels.csv row: the Kalshi market, the Polymarket market and outcome, kind, line, verdict."""
    return f"{k['ticker']},{p['id']},{outcome},{kind},{'' if line is None else line},{verdict}"


def write_capture(out, now, series, k_events, p_events, sports, labels):
    """The capture's files: meta, Kalshi series and events, Gamma events and sports, labels."""
    def write(rel, obj):
        path = os.path.join(out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            json.dump(obj, f, indent=1)
            f.write("\n")

    write("meta.json", {"now": now})
    write("kalshi/series.json", {"series": series})
    write("kalshi/events.json", {"events": k_events, "cursor": ""})
    write("polymarket/events.json", p_events)
    write("polymarket/sports.json", sports)
    with open(os.path.join(out, "labels.csv"), "w") as f:
        f.write("kalshi_ticker,polymarket_market_id,polymarket_outcome_index,kind,line,label\n" + "\n".join(labels) + "\n")
