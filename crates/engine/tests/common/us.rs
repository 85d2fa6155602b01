//! Kalshi's SD at COL game (2026-09-16, built in Kalshi's current schema) against the real
//! Polymarket US event of the same game (`crates/polymarket_us/tests/data`), with planted books:
//! Kalshi Colorado YES offered at 0.30 × 100, Polymarket US San Diego (its long side) at
//! 0.635 × 50 — an arbitrage of 50 sets worth 1.81 after both venues' fees.

use crossbook_sim::Capture;
use serde_json::{Value, json};

pub const GAME: &str = "KXMLBGAME-26SEP162040SDCOL";

pub fn capture() -> Capture {
    let end = "2026-09-17T03:40:00Z";
    let market = |code: &str, name: &str| {
        json!({"ticker": format!("{GAME}-{code}"), "event_ticker": GAME, "market_type": "binary",
               "title": "San Diego vs Colorado Winner?", "yes_sub_title": name, "no_sub_title": name,
               "status": "active", "close_time": "2026-10-01T03:40:00Z", "expected_expiration_time": end,
               "occurrence_datetime": end, "yes_bid_dollars": "0.0000", "yes_ask_dollars": "0.3000",
               "last_price_dollars": "0.3000", "volume_fp": "100.00", "price_level_structure": "linear_cent",
               "result": "",
               "rules_primary": "If Colorado wins the San Diego vs Colorado professional baseball game scheduled for Sep 16, 2026, then the market resolves to Yes."})
    };
    let page: Value = serde_json::from_str(include_str!("../../../polymarket_us/tests/data/events.json")).unwrap();
    let slug = "aec-mlb-sd-col-2026-09-16";
    let mut c = Capture {
        now: Some("2026-09-16T20:00:00Z".parse().unwrap()),
        kalshi_series: vec![json!({"ticker": "KXMLBGAME", "title": "MLB Game", "category": "Sports",
                                   "fee_type": "quadratic", "fee_multiplier": 1})],
        kalshi_events: vec![
            json!({"event_ticker": GAME, "series_ticker": "KXMLBGAME", "title": "San Diego vs Colorado",
                                   "sub_title": "SD at COL (Sep 16)", "category": "Sports",
                                   "markets": [market("SD", "San Diego"), market("COL", "Colorado")]}),
        ],
        us_events: page["events"].as_array().unwrap().clone(),
        ..Default::default()
    };
    // Kalshi: Colorado YES at 0.30 (a NO bid at 0.70), 100 deep.
    c.kalshi_orderbooks.insert(
        format!("{GAME}-COL"),
        json!({"orderbook_fp": {"yes_dollars": [], "no_dollars": [["0.7000", "100.00"]]}}),
    );
    // Polymarket US: San Diego (its long side) offered at 0.635, 50 deep; nobody bids.
    c.us_books.insert(
        slug.into(),
        json!({"marketData": {"marketSlug": slug, "state": "MARKET_STATE_OPEN", "bids": [],
                              "offers": [{"px": {"value": "0.635", "currency": "USD"}, "qty": "50"}]}}),
    );
    c
}
