//! Small text parsers: decimals, lines, venue timestamps, rule texts.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = crossbook_model::money::parse_micros(text);
    let _ = text.parse::<crossbook_model::Price>();
    let _ = crossbook_model::Line::parse(text);
    let _ = crossbook_model::time::parse_venue_time(text);
    let _ = crossbook_rules::read(text);
});
