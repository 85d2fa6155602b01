//! Generates the `League` enum from `leagues.txt` (the catalogue is data: adding a league is
//! adding a line there).

use std::fmt::Write as _;

fn main() {
    println!("cargo::rerun-if-changed=leagues.txt");
    let text = std::fs::read_to_string("leagues.txt").expect("read leagues.txt");
    let mut out = String::from("leagues! {\n");
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('|').map(str::trim).collect();
        assert!(cols.len() == 7, "leagues.txt line {}: expected 7 columns, found {}", n + 1, cols.len());
        let (variant, code, sport, name) = (cols[0], cols[1], cols[2], cols[3]);
        assert!(
            !variant.is_empty() && variant.chars().all(|c| c.is_ascii_alphanumeric()),
            "leagues.txt line {}: bad variant {variant:?}",
            n + 1
        );
        writeln!(out, "    {variant} => {code:?}, {sport}, {name:?};").expect("write");
    }
    out.push_str("}\n");
    let dir = std::env::var("OUT_DIR").expect("OUT_DIR");
    std::fs::write(format!("{dir}/leagues.rs"), out).expect("write leagues.rs");
}
