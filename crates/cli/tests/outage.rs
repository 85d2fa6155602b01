//! PostgreSQL goes away for 20 s while `crossbook run` watches the simulator's sockets: the
//! desk keeps deciding in memory, alerts keep arriving, health says degraded, and once the
//! database is back every opportunity and alert record is written. The outage is real: the run
//! reaches PostgreSQL through a loopback proxy that refuses and cuts its connections.

mod common;

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use common::{Kill, kalshi_key_env, receiver, sim};
use crossbook_store::testing::TestDb;

async fn health(url: &str) -> serde_json::Value {
    match reqwest::get(format!("{url}/health")).await {
        Ok(r) => r.json().await.unwrap_or_default(),
        Err(_) => serde_json::Value::Null,
    }
}

/// Plants a cheap Kalshi YES on `ticker` (a high NO bid) through the simulator's control.
/// Plants a cheap YES ask on a Kalshi market (a NO bid at `no_bid`), first withdrawing the YES
/// bids at or above that ask so that the book stays one that can be true.
async fn plant(sim_api: &str, ticker: &str, no_bid: &str) {
    let client = reqwest::Client::new();
    let books: serde_json::Value =
        client.get(format!("{sim_api}/sim/books")).send().await.unwrap().json().await.unwrap();
    let ask = crossbook_model::Price::complement(no_bid.parse().unwrap());
    let yes = books["kalshi"][ticker]["orderbook_fp"]["yes_dollars"].as_array().cloned().unwrap_or_default();
    let mut moves: Vec<serde_json::Value> = yes
        .iter()
        .filter_map(|l| l[0].as_str())
        .filter(|p| p.parse::<crossbook_model::Price>().is_ok_and(|p| p >= ask))
        .map(|p| serde_json::json!({"venue": "kalshi", "book": ticker, "side": "yes", "price": p, "size": "0"}))
        .collect();
    moves.push(serde_json::json!({"venue": "kalshi", "book": ticker, "side": "no", "price": no_bid, "size": "200"}));
    for body in moves {
        let r = client.post(format!("{sim_api}/sim/move")).json(&body).send().await.unwrap();
        assert!(r.status().is_success());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_go_on_through_a_postgres_outage_and_every_record_lands_after() {
    let db = TestDb::postgres().await;
    let real = db.postgres_url().unwrap().to_string();
    // postgres://user@127.0.0.1:5432/name → the same through the proxy.
    let (host_start, rest) = real.split_once('@').unwrap();
    let (hostport, name) = rest.split_once('/').unwrap();
    let proxy = crossbook_sim::proxy::Proxy::start(hostport.to_string(), Duration::ZERO).await.unwrap();
    let via = format!("{host_start}@{}/{name}", proxy.addr);
    let (hook, alerts) = receiver(Duration::ZERO).await;
    let (_sim, env) = sim();
    let sim_api = env.iter().find(|(k, _)| k == "KALSHI_API_URL").unwrap().1.replace("/trade-api/v2", "");
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_crossbook"));
    cmd.current_dir(dir.path())
        .args(["run", "--bind", "127.0.0.1:0"])
        .env("DATABASE_URL", &via)
        .env("ALERT_WEBHOOK_URL", &hook)
        .env("CROSSBOOK_NOW", "2026-01-09T23:50:00Z")
        .env("LOG_LEVEL", "warn")
        .stdout(Stdio::piped());
    for (k, v) in env.iter().chain(&kalshi_key_env(dir.path())) {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let _run = Kill(child);
    let first = tokio::task::spawn_blocking(move || {
        use std::io::BufRead;
        std::io::BufReader::new(stdout).lines().next().unwrap().unwrap()
    })
    .await
    .unwrap();
    let url = first.split_whitespace().find(|w| w.starts_with("http://")).unwrap().to_string();

    // The first ops pass stores, matches and watches; the sockets then bring NOP@WAS's planted
    // edge, 10 minutes before tip-off: the first alert.
    let wait = |what: &'static str, secs: u64, done: Arc<dyn Fn() -> bool + Send + Sync>| async move {
        for _ in 0..secs * 10 {
            if done() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{what} within {secs} s");
    };
    let a = alerts.clone();
    wait("the first alert", 60, Arc::new(move || a.load(Ordering::SeqCst) >= 1)).await;
    let before = alerts.load(Ordering::SeqCst);
    // The sockets are up on the watched books (decisions from here on need no database).
    for _ in 0..100 {
        let text = reqwest::get(format!("{url}/metrics")).await.unwrap().text().await.unwrap();
        let frames: f64 = text
            .lines()
            .find_map(|l| l.strip_prefix("crossbook_quote_updates_total "))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0);
        if frames >= 700.0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // PostgreSQL goes away for 20 s; meanwhile two more games get an edge.
    proxy.down();
    let outage = std::time::Instant::now();
    tokio::time::sleep(Duration::from_secs(4)).await;
    plant(&sim_api, "KXNBAGAME-26JAN09TORBOS-TOR", "0.9000").await;
    let a = alerts.clone();
    wait("an alert during the outage", 10, Arc::new(move || a.load(Ordering::SeqCst) > before)).await;
    let h = health(&url).await;
    assert_eq!(h["status"], "degraded", "{h}");
    assert_eq!(h["database"], "down", "{h}");
    plant(&sim_api, "KXNBAGAME-26JAN09PHIORL-PHI", "0.7000").await;
    let a = alerts.clone();
    wait("a second alert during the outage", 10, Arc::new(move || a.load(Ordering::SeqCst) > before + 1)).await;
    let during = alerts.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(20).saturating_sub(outage.elapsed())).await;
    proxy.up();

    // Back: the writer catches up; every alert delivered (arbitrage, and the planted books'
    // sharp moves) is recorded as sent, each arbitrage one with its opportunity.
    let store = crossbook_store::open(&db.url).await.unwrap();
    let mut recorded = Vec::new();
    for _ in 0..300 {
        recorded = store.list_alerts(100).await.unwrap();
        // Every alert delivered so far (some arrive after the outage), each recorded as sent.
        let delivered = alerts.load(Ordering::SeqCst);
        if recorded.len() >= during.max(delivered) && recorded.iter().all(|r| r.status == "sent") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(recorded.len(), alerts.load(Ordering::SeqCst), "every delivered alert is recorded: {recorded:?}");
    assert!(recorded.iter().all(|r| r.status == "sent"), "{recorded:?}");
    let arbitrage: Vec<_> = recorded.iter().filter(|r| r.kind == "arbitrage").collect();
    assert_eq!(arbitrage.len(), 3, "NOP@WAS, TOR@BOS, PHI@ORL");
    assert!(arbitrage.iter().all(|r| r.opportunity_id.is_some()), "each with its opportunity");
    let open = store.list_open_opportunities().await.unwrap();
    for game in ["NOPWAS", "TORBOS", "PHIORL"] {
        assert!(
            open.iter().any(|o| o.opportunity.legs[0].ticker.as_deref().is_some_and(|t| t.contains(game))),
            "{game}: {open:?}"
        );
    }
    let h = health(&url).await;
    assert!(h["writer"]["behind"] == false && h["writer"]["dropped"] == 0, "{h}");
}
