//! `crossbook venues check` against the simulator as a process: the venues as crossbook reads
//! them report no drift; served drifted (a field never seen, one it reads left out, keyset paging
//! refused, socket message types it does not know, a live-scores field never seen), every drift
//! is named and the exit code says so.

mod common;

use std::process::Command;

use common::{kalshi_key_env, sim_with, test_key};
use serde_json::Value;

/// Runs the check against `env`; its exit code and JSON report.
fn check(env: &[(String, String)]) -> (i32, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_crossbook"))
        .args(["venues", "check", "--json", "--listen", "2s"])
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("LOG_LEVEL", "error")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let report: Value = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    (out.status.code().unwrap_or(-1), report)
}

fn find<'a>(report: &'a Value, venue: &str, endpoint: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["venue"] == venue && c["endpoint"] == endpoint)
        .unwrap_or_else(|| panic!("no check {venue} {endpoint}: {report}"))
}

#[test]
fn the_venues_as_read_report_no_drift_and_drifted_ones_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let key = test_key("test_key_pub.pem");
    let (_sim, mut env) = sim_with(&["--kalshi-public-key", &key]);
    env.extend(kalshi_key_env(dir.path()));
    let (code, report) = check(&env);
    assert_eq!(code, 0, "{report}");
    for c in report["checks"].as_array().unwrap() {
        assert_eq!(c["status"], "ok", "{c}");
        assert!(c["missing"].as_array().unwrap().is_empty() && c["new"].as_array().unwrap().is_empty(), "{c}");
    }
    assert!(find(&report, "kalshi", "socket")["types"]["orderbook_snapshot"].as_u64() >= Some(1), "{report}");
    assert!(find(&report, "polymarket", "market socket")["types"]["book"].as_u64() >= Some(1), "{report}");

    let (_drifted, mut env) = sim_with(&["--kalshi-public-key", &key, "--drift"]);
    env.extend(kalshi_key_env(dir.path()));
    let (code, report) = check(&env);
    assert_eq!(code, 1, "{report}");
    let markets = find(&report, "kalshi", "GET /markets?mve_filter=exclude");
    assert_eq!(
        (markets["missing"].clone(), markets["new"].clone()),
        (serde_json::json!(["yes_sub_title"]), serde_json::json!(["settlement_mode"]))
    );
    for endpoint in ["GET /events/keyset", "GET /markets/keyset"] {
        let c = find(&report, "polymarket", endpoint);
        assert_eq!(c["status"], "refused", "{c}");
        assert!(c["detail"].as_str().unwrap().contains("404"), "{c}");
    }
    assert_eq!(find(&report, "polymarket", "GET /events (offset): markets")["new"], serde_json::json!(["marketTier"]));
    assert_eq!(find(&report, "kalshi", "socket")["unknown_types"], serde_json::json!(["market_positions_v3"]));
    assert_eq!(find(&report, "polymarket", "market socket")["unknown_types"], serde_json::json!(["book_delta_v2"]));
    assert_eq!(find(&report, "polymarket", "live-scores socket")["new"], serde_json::json!(["possession"]));
}
