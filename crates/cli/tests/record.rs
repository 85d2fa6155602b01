//! Record and replay, round trip: `crossbook record` records the simulator for 60 s (REST state,
//! then both venues' book sockets and the sports socket) while its books move and its sockets
//! drop and skip a sequence number; a second simulator replays the recording as fast as it can; every recorded book
//! ends as the recorded simulator's did, and a run on the replay finds the open opportunities a
//! run on the recorded simulator had at the end.

mod common;

use std::collections::BTreeMap;
use std::io::BufRead;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::kalshi_key_env;
use crossbook_model::{Price, Qty, Venue};
use crossbook_sim::replay::Speed;
use crossbook_sim::{Capture, SimConfig};
use serde_json::{Value, json};

/// A book's levels as numbers, sorted: `[(side, price, size)]`.
fn levels(book: &Value, sides: &[(&str, &str)]) -> Vec<(String, Price, Qty)> {
    let mut out = Vec::new();
    for (name, pointer) in sides {
        for l in book.pointer(pointer).and_then(Value::as_array).into_iter().flatten() {
            let (p, q) = match l {
                Value::Array(a) => (a.first(), a.get(1)),
                _ => (l.get("price"), l.get("size")),
            };
            let (Some(p), Some(q)) = (p.and_then(Value::as_str), q.and_then(Value::as_str)) else { continue };
            let (p, q): (Price, Qty) = (p.parse().unwrap(), q.parse().unwrap());
            if !q.is_zero() {
                out.push((name.to_string(), p, q));
            }
        }
    }
    out.sort();
    out
}

/// `crossbook run` (ops and quotes) on `env` into the SQLite file `db`.
fn run(env: &[(String, String)], db: &std::path::Path) -> common::Kill {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_crossbook"));
    cmd.args(["run", "--bind", "127.0.0.1:0", "--services", "ops,quotes"])
        .env("LOG_LEVEL", "error")
        .env("DATABASE_URL", format!("sqlite://{}", db.display()))
        .env("CROSSBOOK_NOW", "2026-01-09T23:50:00Z")
        .stdout(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    common::Kill(cmd.spawn().unwrap())
}

/// The open opportunities a run recorded, by what they buy: (legs, direction, edge, size).
fn opportunities(db: &std::path::Path) -> Vec<(String, String, String, String)> {
    let out = Command::new(env!("CARGO_BIN_EXE_crossbook"))
        .args(["arbs", "list", "--json"])
        .env("LOG_LEVEL", "error")
        .env("DATABASE_URL", format!("sqlite://{}", db.display()))
        .output()
        .unwrap();
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let mut v: Vec<_> = rows
        .iter()
        .map(|o| {
            let legs: Vec<String> = o["legs"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|l| {
                    format!(
                        "{}{}{}",
                        l["ticker"].as_str().unwrap_or(""),
                        l["token_id"].as_str().unwrap_or(""),
                        l["side"].as_str().unwrap_or("")
                    )
                })
                .collect();
            (legs.join("+"), o["direction"].to_string(), o["edge"].to_string(), o["max_size"].to_string())
        })
        .collect();
    v.sort();
    v
}

async fn served(base: &str) -> (BTreeMap<String, Value>, BTreeMap<String, Value>) {
    let v: Value = reqwest::get(format!("{base}/sim/books")).await.unwrap().json().await.unwrap();
    let map = |v: &Value| v.as_object().unwrap().iter().map(|(k, b)| (k.clone(), b.clone())).collect();
    (map(&v["kalshi"]), map(&v["polymarket"]))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recording_replayed_at_max_speed_ends_with_the_same_books_and_opportunities() {
    let key = |name: &str| format!("{}/../kalshi/test_data/{name}", env!("CARGO_MANIFEST_DIR"));
    let verifier =
        crossbook_kalshi::KalshiVerifier::from_pem(&std::fs::read_to_string(key("test_key_pub.pem")).unwrap()).unwrap();
    let live = crossbook_sim::start(
        &Capture::bundled(),
        SimConfig { kalshi_verifier: Some(verifier), ..SimConfig::default() },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("recording");
    // The live run: the service watching the recorded simulator the whole time.
    let live_env: Vec<(String, String)> = live.env_lines().into_iter().chain(kalshi_key_env(dir.path())).collect();
    let live_db = dir.path().join("live.db");
    let live_run = run(&live_env, &live_db);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_crossbook"));
    cmd.args(["record", "--out", out.to_str().unwrap(), "--duration", "60s"])
        .env("LOG_LEVEL", "error")
        .env("CROSSBOOK_NOW", "2026-01-09T23:50:00Z")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in live.env_lines().into_iter().chain(kalshi_key_env(dir.path())) {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (streaming_tx, streaming) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.starts_with("recording: 0 s of") {
                let _ = streaming_tx.send(());
            }
        }
    });
    streaming.recv_timeout(Duration::from_secs(60)).expect("the recorder reaches its sockets");
    tokio::time::sleep(Duration::from_millis(500)).await;

    // The books move while the sockets are recorded: Kalshi YES and NO bids, Polymarket asks.
    let recorded = Capture::load(&out).unwrap();
    let tickers: Vec<&String> = recorded.kalshi_orderbooks.keys().take(40).collect();
    let tokens: Vec<&String> = recorded.poly_books.keys().take(40).collect();
    let http = reqwest::Client::new();
    let live_base = format!("http://{}", live.addr);
    // 2,500 changes over about 50 s of the 60 s recorded (never past 50 s, whatever the load).
    let moving = std::time::Instant::now();
    for i in 0..2500u32 {
        if moving.elapsed() > Duration::from_secs(50) {
            break;
        }
        // Socket faults on the way: every socket dropped once, and a skipped sequence number.
        if i == 800 {
            live.state.drop_sockets();
        }
        // A game state on the sports socket (a game no link watches: it changes no opportunity).
        if i == 1300 {
            live.state.send_score(json!({"gameId": 42, "slug": "nba-phi-tor-2026-01-12", "live": false,
                "ended": false, "status": "Scheduled", "score": "0-0", "period": "", "leagueAbbreviation": "nba"}));
        }
        if i == 1800 {
            assert!(http.post(format!("{live_base}/sim/ws-gap")).send().await.unwrap().status().is_success());
        }
        let size = Qty::from_whole(i64::from(i % 7)).unwrap();
        let price: Price = format!("0.{}", 30 + i % 20).parse().unwrap();
        if i % 2 == 0 {
            let side = if i % 4 == 0 { "yes" } else { "no" };
            live.state.set_level(Venue::Kalshi, tickers[(i as usize / 2) % tickers.len()], side, price, size).await;
        } else {
            live.state.set_level(Venue::Polymarket, tokens[(i as usize / 2) % tokens.len()], "ask", price, size).await;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let status = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap()).await.unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stdout));
    let said = String::from_utf8_lossy(&status.stdout);
    assert!(said.contains("recorded") && said.contains("changes"), "{said}");
    let (live_kalshi, live_poly) = served(&live_base).await;
    // The live run has caught up with the last change: its open opportunities.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let live_opportunities = opportunities(&live_db);
    drop(live_run);

    // The replay: the recorded REST state, then every recorded change, as fast as possible.
    let frames = crossbook_sim::replay::load(&out).unwrap();
    let game = frames.iter().find_map(|f| f.sport.as_ref()).expect("the game state was recorded");
    assert_eq!(
        (&game["slug"], &game["gameId"], &game["leagueAbbreviation"]),
        (&json!("nba-phi-tor-2026-01-12"), &json!(42), &json!("nba")),
        "kept whole"
    );
    assert!(frames.len() >= 1000, "the planted changes and the subscriptions' snapshots: {}", frames.len());
    let replay = crossbook_sim::start(
        &recorded,
        SimConfig { replay: Some((frames, Speed::Max)), ..SimConfig::default() },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let replay_base = format!("http://{}", replay.addr);
    for _ in 0..200 {
        let s: Value = reqwest::get(format!("{replay_base}/sim/stats")).await.unwrap().json().await.unwrap();
        if s["replay"]["done"] == s["replay"]["total"] {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (replay_kalshi, replay_poly) = served(&replay_base).await;
    // A run on the replayed simulator finds the same opportunities.
    let replay_env: Vec<(String, String)> = replay.env_lines().into_iter().chain(kalshi_key_env(dir.path())).collect();
    let replay_db = dir.path().join("replay.db");
    let replay_run = run(&replay_env, &replay_db);
    let mut replay_opportunities = Vec::new();
    for _ in 0..150 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        replay_opportunities = opportunities(&replay_db);
        if replay_opportunities == live_opportunities {
            break;
        }
    }
    drop(replay_run);
    assert!(!live_opportunities.is_empty(), "the live run found opportunities");
    assert_eq!(replay_opportunities, live_opportunities);
    let kalshi_sides = [("yes", "/orderbook_fp/yes_dollars"), ("no", "/orderbook_fp/no_dollars")];
    let poly_sides = [("bid", "/bids"), ("ask", "/asks")];
    for t in recorded.kalshi_orderbooks.keys() {
        assert_eq!(levels(&replay_kalshi[t], &kalshi_sides), levels(&live_kalshi[t], &kalshi_sides), "Kalshi {t}");
    }
    for t in recorded.poly_books.keys() {
        assert_eq!(levels(&replay_poly[t], &poly_sides), levels(&live_poly[t], &poly_sides), "Polymarket {t}");
    }
    // And the replay is not the recorded REST state alone: the planted changes are in it.
    let moved = tickers
        .iter()
        .filter(|t| {
            levels(&recorded.kalshi_orderbooks[**t], &kalshi_sides) != levels(&replay_kalshi[**t], &kalshi_sides)
        })
        .count();
    assert!(moved > 0, "no Kalshi book changed");
    replay.stop().await;
    live.stop().await;

    // The recording is a benchmark input too: its book changes on its own links, and its
    // opportunities end to end.
    let bench = Command::new(env!("CARGO_BIN_EXE_crossbook"))
        .args(["bench", "books", "--json", "--data", out.to_str().unwrap()])
        .env("LOG_LEVEL", "error")
        .output()
        .unwrap();
    assert!(bench.status.success(), "{}", String::from_utf8_lossy(&bench.stderr));
    let figures: Value =
        serde_json::from_str(String::from_utf8_lossy(&bench.stdout).lines().last().unwrap_or("{}")).unwrap();
    let book_changes = crossbook_sim::replay::load(&out).unwrap().iter().filter(|f| f.event.is_some()).count();
    assert_eq!(figures["changes"], json!(book_changes), "{figures}");
    assert!(figures["links"].as_u64() > Some(200) && figures["ratio_to_json_parse"].as_f64() > Some(0.0), "{figures}");
    // And the end-to-end bench measures its best opportunity.
    let bench = Command::new(env!("CARGO_BIN_EXE_crossbook"))
        .args(["bench", "e2e", "--json", "--data", out.to_str().unwrap()])
        .env("LOG_LEVEL", "error")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(bench.status.success(), "{}", String::from_utf8_lossy(&bench.stderr));
    let figures: Value =
        serde_json::from_str(String::from_utf8_lossy(&bench.stdout).lines().last().unwrap_or("{}")).unwrap();
    assert!(figures["samples"] == json!(200) && figures["p99_ms"].as_f64() > Some(0.0), "{figures}");
}
