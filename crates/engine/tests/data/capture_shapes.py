"""What the capture generators (make_college.py, make_halves.py, make_unregistered.py) share: a
Kalshi market in the current schema, and the capture's files in the simulator's layout."""
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
