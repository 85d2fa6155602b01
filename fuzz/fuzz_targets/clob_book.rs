//! CLOB books (strings everywhere, any level order).
#![no_main]

use crossbook_polymarket::clob::models::ClobBook;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(b) = crossbook_net::decode::<ClobBook>("polymarket", "fuzz", data)
        && let Ok((bids, asks)) = crossbook_polymarket::clob::parse::book_levels(&b)
    {
        let mut books = crossbook_engine::books::LiveBooks::default();
        let e = crossbook_model::BookEvent::PolySnapshot { token: b.asset_id.clone(), bids, asks };
        let _ = books.apply(&e, chrono::DateTime::UNIX_EPOCH);
    }
});
