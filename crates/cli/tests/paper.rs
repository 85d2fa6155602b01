//! Paper trading through the binary, as a user runs it: the simulator, `ingest`, `match`,
//! `watchlist sync`, then `quotes loop --once` with `EXECUTION_MODE=paper`; the fills,
//! positions and P&L read back with `fills|positions|pnl --json`, and the kill switch.

mod common;

use std::process::Output;

use common::{kalshi_key_env, run_ok as crossbook, sim};
use serde_json::Value;

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn money(v: &Value) -> i64 {
    crossbook_model::money::parse_micros(v.as_str().unwrap_or_else(|| panic!("{v}"))).unwrap()
}

/// The watched bundled capture ten minutes before NOP@WAS, whose books the simulator starts
/// with an edge, on SQLite in `dir`.
fn watched(dir: &std::path::Path) -> (Vec<(String, String)>, common::Kill) {
    let (sim, mut env) = sim();
    env.push(("DATABASE_URL".into(), format!("sqlite://{}", dir.join("paper.db").display())));
    env.extend(kalshi_key_env(dir));
    env.push(("CROSSBOOK_NOW".into(), "2026-01-09T23:50:00Z".into()));
    for args in [&["ingest", "-v", "all"][..], &["match"], &["watchlist", "sync"]] {
        crossbook(&env, args);
    }
    (env, sim)
}

#[test]
fn a_one_shot_pass_trades_on_paper_and_reports_fills_positions_and_pnl() {
    let dir = tempfile::tempdir().unwrap();
    let (mut env, _sim) = watched(dir.path());
    // Off (the default): nothing is traded.
    crossbook(&env, &["quotes", "loop", "--once"]);
    assert_eq!(json(&crossbook(&env, &["fills", "--json"])), serde_json::json!([]));
    env.push(("EXECUTION_MODE".into(), "paper".into()));
    crossbook(&env, &["quotes", "loop", "--once"]);
    let pnl = json(&crossbook(&env, &["pnl", "--json"]));
    let trades = pnl["trades"].as_array().unwrap();
    // The opportunities already open from the first pass are not new: nothing was taken from
    // them. A fresh database's first pass takes each it opens.
    assert!(trades.is_empty(), "{pnl}");

    let dir = tempfile::tempdir().unwrap();
    let (mut env, _sim2) = watched(dir.path());
    env.push(("EXECUTION_MODE".into(), "paper".into()));
    // No cap below the opportunities' sizes: each is taken whole.
    env.push(("EXECUTION_MAX_CONTRACTS".into(), "100000".into()));
    crossbook(&env, &["quotes", "loop", "--once"]);
    let pnl = json(&crossbook(&env, &["pnl", "--json"]));
    let trades = pnl["trades"].as_array().unwrap();
    assert!(!trades.is_empty(), "{pnl}");
    let open = json(&crossbook(&env, &["arbs", "list", "--json"]));
    for t in trades {
        // One pass, unchanged books: every trade is hedged and makes what its opportunity
        // promised, and that opportunity is one the pass reported.
        assert_eq!(t["mode"], "paper");
        assert_eq!(t["status"], "hedged", "{t}");
        assert_eq!(money(&t["pnl"]), money(&t["planned_profit"]), "{t}");
        assert_eq!(t["sets"], t["planned_size"], "{t}");
        assert!(open.as_array().unwrap().iter().any(|o| o["link_id"] == t["link_id"]), "{t}");
    }
    let sum: i64 = trades.iter().map(|t| money(&t["pnl"])).sum();
    assert_eq!(money(&pnl["pnl"]["total"]["pnl"]), sum);
    assert_eq!(pnl["pnl"]["total"]["trades"], trades.len());

    // Every fill in the contract's shape, each trade's legs filled to the same size.
    let fills = json(&crossbook(&env, &["fills", "--json"]));
    let fills = fills.as_array().unwrap();
    for f in fills {
        for field in ["venue", "market", "price", "size", "fee", "at", "mode", "opportunity", "order_id"] {
            assert!(!f[field].is_null(), "{field} missing: {f}");
        }
        assert_eq!((f["mode"].as_str(), f["action"].as_str()), (Some("paper"), Some("buy")));
    }
    let by_trade = |id: &Value| fills.iter().filter(|f| f["trade_id"] == *id).collect::<Vec<_>>();
    for t in trades {
        let legs = by_trade(&t["trade_id"]);
        assert!(legs.len() >= 2, "{t}");
        let venues: std::collections::BTreeSet<&str> = legs.iter().filter_map(|f| f["venue"].as_str()).collect();
        assert_eq!(venues.len(), 2, "both venues traded: {legs:?}");
    }
    // What is held: each position's size is a sum of its fills'.
    let held = json(&crossbook(&env, &["positions", "--json"]));
    let held = held.as_array().unwrap();
    assert!(!held.is_empty());
    let bought: i64 = fills.iter().map(|f| money(&f["size"])).sum();
    let holding: i64 = held.iter().map(|p| money(&p["size"])).sum();
    assert_eq!(holding, bought);

    // The report: what the strategy made per league and kind, in JSON and on the HTML page.
    let page = dir.path().join("report.html");
    // (Each process's pinned clock starts at CROSSBOOK_NOW: the window ends after the pass's.)
    let args = ["report", "opportunities", "--to", "2026-01-10T00:00:00Z", "--json", "--html", page.to_str().unwrap()];
    let report = json(&crossbook(&env, &args));
    assert_eq!(report["trades"]["total"]["trades"], trades.len());
    assert_eq!(money(&report["trades"]["total"]["pnl"]), sum);
    assert!(report["trades"]["by_league"]["NBA"]["trades"].as_u64().unwrap_or(0) >= 1, "{}", report["trades"]);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("<h2>Trades taken</h2>") && html.contains("league NBA"), "{html}");

    // The kill switch: set and read back for every process on this database.
    crossbook(&env, &["execution", "stop"]);
    let status = String::from_utf8_lossy(&crossbook(&env, &["execution", "status"]).stdout).to_string();
    assert!(status.starts_with("kill switch on (set by cli"), "{status}");
    crossbook(&env, &["execution", "resume"]);
    let status = String::from_utf8_lossy(&crossbook(&env, &["execution", "status"]).stdout).to_string();
    assert!(status.starts_with("kill switch off"), "{status}");
}
