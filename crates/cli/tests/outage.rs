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
    // The 00:00 games and LAC@BKN at 00:30, all within the two-hour near-start window at 23:50.
    assert_eq!(arbitrage.len(), 4, "NOP@WAS, TOR@BOS, PHI@ORL, LAC@BKN");
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

/// `crossbook run` in `dir` over the database at `database_url`, alerting to `hook`: its
/// process and its web address.
async fn start_run(dir: &std::path::Path, database_url: &str, hook: &str, env: &[(String, String)]) -> (Kill, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_crossbook"));
    cmd.current_dir(dir)
        .args(["run", "--bind", "127.0.0.1:0"])
        .env("DATABASE_URL", database_url)
        .env("ALERT_WEBHOOK_URL", hook)
        .env("CROSSBOOK_NOW", "2026-01-09T23:50:00Z")
        .env("LOG_LEVEL", "warn")
        .stdout(Stdio::piped());
    for (k, v) in env.iter().chain(&kalshi_key_env(dir)) {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let run = Kill(child);
    let first = tokio::task::spawn_blocking(move || {
        use std::io::BufRead;
        std::io::BufReader::new(stdout).lines().next().and_then(Result::ok).unwrap_or_default()
    })
    .await
    .unwrap();
    let url = first.split_whitespace().find(|w| w.starts_with("http://")).unwrap_or_else(|| panic!("{first:?}"));
    (run, url.to_string())
}

/// The games of the arbitrage alerts a webhook received, in order.
fn arbitrage_games(bodies: &std::sync::Mutex<Vec<serde_json::Value>>) -> Vec<String> {
    bodies
        .lock()
        .unwrap()
        .iter()
        .filter(|b| b["type"] == "arbitrage")
        .filter_map(|b| b["data"]["legs"][0]["ticker"].as_str().map(str::to_string))
        .collect()
}

/// `kill -9` while PostgreSQL is away, then a start while it is still away: nothing the first
/// process decided is lost (its alert and opportunity of the outage are in the spool, written by
/// the second once the database is back), the second starts, watches from the last snapshot
/// and alerts a new edge without its database, and raises no alert again that the first raised
/// within the cooldown. Before the spool, the killed process's outage records were lost and the
/// second refused to start.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_during_an_outage_loses_no_write_and_a_start_without_the_database_detects() {
    let db = TestDb::postgres().await;
    let real = db.postgres_url().unwrap().to_string();
    let (host_start, rest) = real.split_once('@').unwrap();
    let (hostport, name) = rest.split_once('/').unwrap();
    let proxy = crossbook_sim::proxy::Proxy::start(hostport.to_string(), Duration::ZERO).await.unwrap();
    let via = format!("{host_start}@{}/{name}", proxy.addr);
    let (hook, _, bodies) = common::keeping_receiver(Duration::ZERO).await;
    let (_sim, env) = sim();
    let sim_api = env.iter().find(|(k, _)| k == "KALSHI_API_URL").unwrap().1.replace("/trade-api/v2", "");
    let dir = tempfile::tempdir().unwrap();
    let games = || arbitrage_games(&bodies);
    let wait_for = |what: String, secs: u64, done: &dyn Fn() -> bool| {
        let start = std::time::Instant::now();
        let ok = loop {
            if done() {
                break true;
            }
            if start.elapsed() > Duration::from_secs(secs) {
                break false;
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        assert!(ok, "{what} within {secs} s: {:?}", games());
    };

    let (first, _) = start_run(dir.path(), &via, &hook, &env).await;
    wait_for("NOP@WAS's alert".into(), 60, &|| games().iter().any(|g| g.contains("NOPWAS")));
    // The snapshot of the watched links is kept for a start without the database.
    assert!(dir.path().join("crossbook-state/watch.json").exists());

    // PostgreSQL goes away; TOR@BOS gets an edge and alerts; the process is killed.
    proxy.down();
    tokio::time::sleep(Duration::from_secs(2)).await;
    plant(&sim_api, "KXNBAGAME-26JAN09TORBOS-TOR", "0.9000").await;
    wait_for("TOR@BOS's alert in the outage".into(), 20, &|| games().iter().any(|g| g.contains("TORBOS")));
    tokio::time::sleep(Duration::from_secs(1)).await;
    drop(first); // SIGKILL
    let raised_by_first = games();

    // Started while PostgreSQL is still away: it runs, watches and alerts a new edge — and
    // not again the two the first raised (their cooldown holds).
    let (_second, url) = start_run(dir.path(), &via, &hook, &env).await;
    let h = health(&url).await;
    assert_eq!(h["database"], "down", "{h}");
    tokio::time::sleep(Duration::from_secs(8)).await;
    plant(&sim_api, "KXNBAGAME-26JAN09PHIORL-PHI", "0.7000").await;
    wait_for("PHI@ORL's alert without the database".into(), 30, &|| games().iter().any(|g| g.contains("PHIORL")));
    tokio::time::sleep(Duration::from_secs(3)).await;
    let all = games();
    assert_eq!(all.len(), raised_by_first.len() + 1, "nothing raised again within the cooldown: {all:?}");

    // Back: every arbitrage alert has one row, delivered, with its opportunity; the killed
    // process's outage opportunity is there.
    proxy.up();
    let store = crossbook_store::open(&db.url).await.unwrap();
    let mut arbitrage = Vec::new();
    for _ in 0..300 {
        arbitrage = store.list_alerts(100).await.unwrap().into_iter().filter(|a| a.kind == "arbitrage").collect();
        if arbitrage.len() >= 4 && arbitrage.iter().all(|a| a.status == "sent" && a.opportunity_id.is_some()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(arbitrage.len(), 4, "NOP@WAS, TOR@BOS, PHI@ORL, LAC@BKN, once each: {arbitrage:?}");
    assert!(arbitrage.iter().all(|a| a.status == "sent" && a.opportunity_id.is_some()), "{arbitrage:?}");
    let open = store.list_open_opportunities().await.unwrap();
    for game in ["NOPWAS", "TORBOS", "PHIORL"] {
        let rows =
            open.iter().filter(|o| o.opportunity.legs[0].ticker.as_deref().is_some_and(|t| t.contains(game))).count();
        assert_eq!(rows, 1, "{game}: one open row: {open:?}");
    }
    let h = health(&url).await;
    assert!(h["writer"]["behind"] == false && h["writer"]["dropped"] == 0, "{h}");
}
