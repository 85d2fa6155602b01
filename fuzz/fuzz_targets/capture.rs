//! Capture directories: the input becomes the capture's event files.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = tempfile::tempdir() else { return };
    let half = data.len() / 2;
    for (rel, bytes) in [("kalshi/events.json", &data[..half]), ("polymarket/events.json", &data[half..])] {
        let path = dir.path().join(rel);
        let _ = std::fs::create_dir_all(path.parent().unwrap_or(dir.path()));
        let _ = std::fs::write(path, bytes);
    }
    let _ = crossbook_sim::Capture::load(dir.path());
});
