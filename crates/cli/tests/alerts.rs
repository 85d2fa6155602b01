//! Alerts from one-shot commands: the process waits for their delivery before it exits.

mod common;

use std::process::{Command, Output};
use std::sync::atomic::Ordering;
use std::time::Duration;

use common::{kalshi_key_env, receiver, sim};

fn crossbook(env: &[(String, String)], args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_crossbook"));
    cmd.args(args).env("LOG_LEVEL", "warn");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// The webhook takes 1.5 s to answer each alert: `monitor live-events --once` still ends with
/// every alert it raised delivered and recorded as sent, none left pending.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_shot_monitor_waits_for_its_alerts_delivery() {
    let (hook, delivered) = receiver(Duration::from_millis(1500)).await;
    let (_sim, mut env) = sim();
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("alerts.db").display());
    env.push(("DATABASE_URL".into(), db.clone()));
    env.extend(kalshi_key_env(dir.path()));
    // Ten minutes before NOP@WAS, whose books the simulator starts with an edge.
    env.push(("CROSSBOOK_NOW".into(), "2026-01-09T23:50:00Z".into()));
    for args in [&["ingest", "-v", "all"][..], &["match"], &["watchlist", "sync"]] {
        crossbook(&env, args);
    }
    env.push(("ALERT_WEBHOOK_URL".into(), hook));
    let out = crossbook(&env, &["monitor", "live-events", "--once"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let raised: usize = text
        .split(", ")
        .find_map(|part| part.strip_suffix(" alerts raised\n").or(part.strip_suffix(" alerts raised")))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{text}"));
    assert!(raised >= 1, "{text}");
    let store = crossbook_store::open(&db.parse().unwrap()).await.unwrap();
    let recorded = store.list_alerts(100).await.unwrap();
    assert_eq!(recorded.len(), delivered.load(Ordering::SeqCst), "{recorded:?}");
    assert!(recorded.len() >= raised, "{recorded:?}");
    assert!(recorded.iter().all(|r| r.status == "sent" && r.attempts == 1), "{recorded:?}");
}
