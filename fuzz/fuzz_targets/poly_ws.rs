//! Polymarket market-channel frames (objects or arrays; each event on its own) and live-scores
//! frames.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut events = Vec::new();
    let mut notes = crossbook_polymarket::websocket::Notes::default();
    let mut books = crossbook_engine::books::LiveBooks::default();
    for line in text.lines() {
        events.clear();
        notes.clear();
        let _ = crossbook_polymarket::websocket::parse_sport(line);
        if crossbook_polymarket::websocket::parse_frame(line, &mut events, &mut notes).is_ok() {
            for e in &events {
                let _ = books.apply(e, chrono::DateTime::UNIX_EPOCH);
            }
        }
    }
});
