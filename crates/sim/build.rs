//! Embeds the bundled capture's per-market book files: writes `bundled_books.rs` with one
//! `(file stem, include_str!(path))` pair per file, so the binary works from any folder.

use std::fmt::Write;
use std::path::Path;

fn list(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "json") {
                let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
                out.push((stem, p.display().to_string()));
            }
        }
    }
    out.sort();
    out
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("capture");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut code = String::new();
    for (name, sub) in [("KALSHI_BOOKS", "kalshi/orderbooks"), ("POLY_BOOKS", "polymarket/books")] {
        let dir = root.join(sub);
        println!("cargo:rerun-if-changed={}", dir.display());
        let _ = writeln!(code, "pub(crate) const {name}: &[(&str, &str)] = &[");
        for (stem, path) in list(&dir) {
            let _ = writeln!(code, "    ({stem:?}, include_str!({path:?})),");
        }
        let _ = writeln!(code, "];");
    }
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("bundled_books.rs");
    std::fs::write(out, code).expect("write bundled_books.rs");
}
