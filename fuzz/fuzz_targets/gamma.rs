//! Gamma events with their nested markets (JSON-string fields, gameStartTime) and sports.
#![no_main]

use crossbook_polymarket::gamma::models::{GammaEvent, GammaMarket, GammaSport};
use crossbook_polymarket::gamma::parse::{parse_event, parse_market};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(e) = crossbook_net::decode::<GammaEvent>("polymarket", "fuzz", data) {
        let _ = parse_event(&e, serde_json::Value::Null);
        for raw in e.markets.iter().flatten() {
            if let Ok(m) = crossbook_net::decode::<GammaMarket>("polymarket", "fuzz", raw.get().as_bytes()) {
                let _ = parse_market(&m, Some(&e.id), serde_json::Value::Null, chrono::DateTime::UNIX_EPOCH);
            }
        }
    }
    if let Ok(m) = crossbook_net::decode::<GammaMarket>("polymarket", "fuzz", data) {
        let _ = parse_market(&m, None, serde_json::Value::Null, chrono::DateTime::UNIX_EPOCH);
    }
    if let Ok(s) = crossbook_net::decode::<GammaSport>("polymarket", "fuzz", data) {
        let _ = s.tag_ids();
    }
});
