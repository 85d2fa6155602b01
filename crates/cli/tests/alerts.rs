//! Alerts from one-shot commands: the process waits for their delivery before it exits.

mod common;

use std::sync::atomic::Ordering;
use std::time::Duration;

use common::{kalshi_key_env, receiver, run_ok as crossbook, sim};

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

/// The ingested, matched, watched bundled capture ten minutes before NOP@WAS, on SQLite in
/// `dir`: the settings a one-shot monitor runs with (before its webhook).
fn watched(dir: &std::path::Path) -> (Vec<(String, String)>, String, common::Kill) {
    let (sim, mut env) = sim();
    let db = format!("sqlite://{}", dir.join("alerts.db").display());
    env.push(("DATABASE_URL".into(), db.clone()));
    env.extend(kalshi_key_env(dir));
    env.push(("CROSSBOOK_NOW".into(), "2026-01-09T23:50:00Z".into()));
    for args in [&["ingest", "-v", "all"][..], &["match"], &["watchlist", "sync"]] {
        crossbook(&env, args);
    }
    (env, db, sim)
}

/// Alerts raised, from a monitor pass's line.
fn raised(out: &std::process::Output) -> usize {
    let text = String::from_utf8_lossy(&out.stdout);
    text.split(", ")
        .find_map(|part| part.strip_suffix(" alerts raised\n").or(part.strip_suffix(" alerts raised")))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{text}"))
}

/// A restart inside the cooldown does not alert the same opportunity again: the cooldowns are
/// read back from the alerts the database holds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_inside_the_cooldown_sends_no_alert_again() {
    let (hook, delivered) = receiver(Duration::ZERO).await;
    let dir = tempfile::tempdir().unwrap();
    let (mut env, db, _sim) = watched(dir.path());
    env.push(("ALERT_WEBHOOK_URL".into(), hook));
    let first = raised(&crossbook(&env, &["monitor", "live-events", "--once"]));
    assert!(first >= 1);
    let after_first = delivered.load(Ordering::SeqCst);
    let second = raised(&crossbook(&env, &["monitor", "live-events", "--once"]));
    assert_eq!(second, 0, "the same opportunities, inside the cooldown: no alert again");
    assert_eq!(delivered.load(Ordering::SeqCst), after_first);
    let store = crossbook_store::open(&db.parse().unwrap()).await.unwrap();
    assert!(store.list_alerts(100).await.unwrap().iter().all(|a| a.status == "sent"));
}

/// A one-shot command whose webhook never answers in time ends without leaving its alerts
/// `pending` forever: they are recorded as not delivered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_webhook_leaves_no_alert_pending_at_exit() {
    let (hook, _delivered) = receiver(Duration::from_secs(60)).await;
    let dir = tempfile::tempdir().unwrap();
    let (mut env, db, _sim) = watched(dir.path());
    env.push(("ALERT_WEBHOOK_URL".into(), hook));
    assert!(raised(&crossbook(&env, &["monitor", "live-events", "--once"])) >= 1);
    let store = crossbook_store::open(&db.parse().unwrap()).await.unwrap();
    let recorded = store.list_alerts(100).await.unwrap();
    assert!(!recorded.is_empty());
    for r in &recorded {
        assert_eq!(r.status, "failed", "{r:?}");
        assert_eq!(r.error.as_deref(), Some("not delivered before the command ended"), "{r:?}");
    }
}
