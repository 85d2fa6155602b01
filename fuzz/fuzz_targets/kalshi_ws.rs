//! Kalshi WebSocket frames (books, lifecycle, fee overrides, acks), applied to books the way the
//! live path applies them.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut books = crossbook_engine::books::LiveBooks::default();
    for line in text.lines() {
        if let Ok(crossbook_kalshi::websocket::Frame { body: crossbook_kalshi::websocket::Body::Event(event), .. }) =
            crossbook_kalshi::websocket::parse_frame(line)
        {
            let _ = books.apply(&event, chrono::DateTime::UNIX_EPOCH);
        }
    }
});
