//! Kalshi REST payloads: a market (either schema), an event, an orderbook.
#![no_main]

use crossbook_kalshi::http::models::{KalshiEvent, KalshiMarket, KalshiOrderbookResponse};
use crossbook_kalshi::http::parse::{fee_schedule, orderbook_bids, parse_event, parse_market};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = crossbook_net::decode::<KalshiMarket>("kalshi", "fuzz", data) {
        let _ = parse_market(&m, serde_json::Value::Null, fee_schedule(None, None));
    }
    if let Ok(e) = crossbook_net::decode::<KalshiEvent>("kalshi", "fuzz", data) {
        let _ = parse_event(&e, serde_json::Value::Null);
        let _ = fee_schedule(None, Some(&e));
    }
    if let Ok(b) = crossbook_net::decode::<KalshiOrderbookResponse>("kalshi", "fuzz", data)
        && let Ok((yes, no)) = orderbook_bids(&b)
    {
        let _ = crossbook_book::OrderBook::from_kalshi(&yes, &no, chrono::DateTime::UNIX_EPOCH);
    }
});
