//! Polymarket market-channel frames (objects or arrays; book and price_change).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut events = Vec::new();
    let mut books = crossbook_engine::books::LiveBooks::default();
    for line in text.lines() {
        events.clear();
        if crossbook_polymarket::websocket::parse_frame(line, &mut events).is_ok() {
            for e in &events {
                let _ = books.apply(e, chrono::DateTime::UNIX_EPOCH);
            }
        }
    }
});
