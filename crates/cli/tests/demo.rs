//! The README's first command: the demo finds links and arbitrage on the bundled capture, from
//! any folder, with no network beyond loopback.

use std::process::Command;

#[test]
fn demo_finds_links_and_opportunities_and_ends_with_the_summary_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_crossbook"))
        .current_dir(dir.path())
        .args(["demo", "--duration", "3s", "--json"])
        .env_remove("DATABASE_URL")
        .env_remove("CROSSBOOK_NOW")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 1, "--json prints JSON only: {stdout}");
    let v: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    // The real multi-league capture: 420 Kalshi sports markets (MVE combos and non-sports left
    // out), 286 Polymarket sports markets; its 285 true pairs all confirmed.
    assert_eq!(v["markets"]["kalshi"], 420);
    assert_eq!(v["markets"]["polymarket"], 286);
    assert_eq!(v["links"]["confirmed"], 285);
    assert!(v["opportunities"].as_u64().unwrap() >= 1, "{v}");
    assert!(v["alerts"].is_u64());
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none(), "nothing written to the working folder");
}
