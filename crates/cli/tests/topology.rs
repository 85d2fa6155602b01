//! The production topology of `deploy/docker-compose.production.yml` without Docker: four
//! `crossbook run` processes (ops, quotes, monitor, web) on one PostgreSQL database and the
//! simulator, acting as one system — one webhook per opportunity event whichever process saw
//! it, the quotes process's counters on its own /metrics, and a killed quotes process said by
//! health within a minute, its opportunities closed.

mod common;

use std::io::BufRead;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// `crossbook run --services SERVICE ARGS…` in a folder of its own (a container's state
/// volume): its process and the URL it serves at.
fn start(service: &str, args: &[&str], env: &[(String, String)], dir: &std::path::Path) -> (common::Kill, String) {
    let home = dir.join(service);
    std::fs::create_dir_all(&home).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_crossbook"));
    cmd.current_dir(home).args(["run", "--services", service]).args(args).stdout(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first.split_whitespace().find(|w| w.starts_with("http://")).unwrap_or_else(|| panic!("{first}"));
    let url = url.trim_end_matches(':').trim_end_matches("/metrics").to_string();
    // The rest of its output is read away, so the process never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines.map_while(Result::ok) {});
    (common::Kill(child), url)
}

async fn get(url: &str) -> Value {
    match reqwest::get(url).await {
        Ok(r) => r.json().await.unwrap_or_default(),
        Err(_) => Value::Null,
    }
}

/// Waits up to `limit` for `done` on what `url` answers; returns the last answer.
async fn until(url: &str, limit: Duration, done: impl Fn(&Value) -> bool) -> Value {
    let start = Instant::now();
    loop {
        let v = get(url).await;
        if done(&v) || start.elapsed() > limit {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// The alerts the webhook got, by their `type`.
fn of_type(bodies: &std::sync::Mutex<Vec<Value>>, kind: &str) -> Vec<Value> {
    bodies.lock().unwrap().iter().filter(|b| b["type"] == kind).cloned().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_split_topology_acts_as_one_system() {
    let db = crossbook_store::testing::TestDb::postgres().await;
    let (_sim, mut env) = common::sim();
    let (hook, _, bodies) = common::keeping_receiver(Duration::ZERO).await;
    let dir = tempfile::tempdir().unwrap();
    env.extend(common::kalshi_key_env(dir.path()));
    env.extend(
        [
            ("DATABASE_URL", db.postgres_url().unwrap()),
            ("LOG_LEVEL", "warn"),
            ("ALERT_WEBHOOK_URL", &hook),
            // Ten minutes before NOP@WAS (the monitor's, urgent) and forty before LAC@BKN (the
            // quotes worker's alone); both carry an edge in the simulator's books.
            ("CROSSBOOK_NOW", "2026-01-09T23:50:00Z"),
            ("QUOTE_STALE_SECONDS", "10"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string())),
    );
    let (_ops, _) = start("ops", &["--metrics-bind", "127.0.0.1:0"], &env, dir.path());
    let (quotes, quotes_url) = start("quotes", &["--metrics-bind", "127.0.0.1:0"], &env, dir.path());
    let (_monitor, _) = start("monitor", &["--metrics-bind", "127.0.0.1:0"], &env, dir.path());
    let (_web, web) = start("web", &["--bind", "127.0.0.1:0"], &env, dir.path());

    // Every service's heartbeat reaches the web process's health.
    let health = until(&format!("{web}/health"), Duration::from_secs(60), |h| {
        ["ops", "quotes", "monitor", "web"].iter().all(|s| h["services"][s]["status"] == "running")
            && h["matching"]["confirmedCount"] == 285
    })
    .await;
    for s in ["ops", "quotes", "monitor", "web"] {
        assert_eq!(health["services"][s]["status"], "running", "{health}");
    }
    assert_ne!(health["services"]["quotes"]["holder"], health["services"]["web"]["holder"], "{health}");

    // Both opportunities open, each alerted once: the monitor and the quotes worker both price
    // NOP@WAS, one of them delivers.
    let opportunities = format!("{web}/api/opportunities");
    let open = until(&opportunities, Duration::from_secs(60), |o| o.as_array().is_some_and(|a| a.len() >= 2)).await;
    let games: Vec<String> =
        open.as_array().unwrap().iter().map(|o| o["game"].as_str().unwrap_or("").to_string()).collect();
    assert!(games.len() == 2 && games[0] != games[1] && games.iter().all(|g| !g.is_empty()), "{open}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while of_type(&bodies, "arbitrage").len() < 2 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Time for a second delivery of either, were there one.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let arbitrage = of_type(&bodies, "arbitrage");
    let mut alerted: Vec<i64> = arbitrage.iter().map(|b| b["data"]["link_id"].as_i64().unwrap()).collect();
    alerted.sort_unstable();
    alerted.dedup();
    assert_eq!((arbitrage.len(), alerted.len()), (2, 2), "one webhook per opportunity: {arbitrage:?}");
    let recorded = db.store.list_alerts(100).await.unwrap();
    assert!(
        recorded.iter().any(|a| a.kind == "arbitrage" && a.status == "duplicate"),
        "the second process to see NOP@WAS stood down: {recorded:?}"
    );

    // The quotes worker's own counters, for Prometheus to scrape.
    let metrics = reqwest::get(format!("{quotes_url}/metrics")).await.unwrap().text().await.unwrap();
    let updates: f64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("crossbook_quote_updates_total "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no quote updates counter: {metrics}"));
    assert!(updates > 0.0, "{metrics}");

    // The quotes worker is killed: health says so within a minute, LAC@BKN (its alone) closes
    // with one closing alert, NOP@WAS stays open on the monitor's quotes, one problem alert.
    let lac = open.as_array().unwrap().iter().find(|o| o["game"].as_str().unwrap_or("").contains("Clippers")).cloned();
    let lac = lac.unwrap_or_else(|| panic!("LAC@BKN open: {open}"));
    drop(quotes);
    let killed = Instant::now();
    let health = until(&format!("{web}/health"), Duration::from_secs(60), |h| {
        h["services"]["quotes"]["status"] == "dead" && h["status"] == "degraded"
    })
    .await;
    assert_eq!(health["services"]["quotes"]["status"], "dead", "{health}");
    let said_after = killed.elapsed();
    assert!(said_after < Duration::from_secs(60));
    let said = health["problems"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p.as_str().is_some_and(|p| p.starts_with("service quotes (") && p.contains("no heartbeat for")));
    assert!(said, "{health}");
    let after = until(&opportunities, Duration::from_secs(60), |o| {
        o.as_array().is_some_and(|a| a.iter().all(|o| o["link_id"] != lac["link_id"]))
    })
    .await;
    let still: Vec<&Value> = after.as_array().unwrap().iter().collect();
    assert!(still.iter().all(|o| o["link_id"] != lac["link_id"]), "LAC@BKN closed: {after}");
    let closed_after = killed.elapsed();
    assert!(closed_after < Duration::from_secs(60), "closed within a minute");
    eprintln!("after the kill: health said dead in {said_after:?}, LAC@BKN closed in {closed_after:?}");
    assert!(still.iter().any(|o| o["game"].as_str().unwrap_or("").contains("Pelicans")), "NOP@WAS open: {after}");
    // Every live process's watchdog has looked by now; each event was said once.
    tokio::time::sleep(Duration::from_secs(12)).await;
    let closed = of_type(&bodies, "closed");
    assert_eq!(closed.len(), 1, "{closed:?}");
    assert_eq!(closed[0]["data"]["link_id"], lac["link_id"]);
    let problems: Vec<Value> = of_type(&bodies, "operational")
        .into_iter()
        .filter(|b| b["text"].as_str().unwrap_or("").contains("service quotes"))
        .collect();
    assert_eq!(problems.len(), 1, "one problem alert from three watchdogs: {problems:?}");
    assert_eq!(of_type(&bodies, "arbitrage").len(), 2, "nothing alerted again");
}
