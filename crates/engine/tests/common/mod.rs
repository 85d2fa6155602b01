//! Shared set-up of the end-to-end tests: the bundled capture with books planted by hand,
//! served by the simulator, ingested, matched.
#![allow(dead_code, unreachable_pub)]

pub mod us;

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::Duration;
use crossbook_engine::ingest::{IngestOptions, LogProgress, Mode, ingest_kalshi, ingest_polymarket};
use crossbook_engine::quotes::QuotesConfig;
use crossbook_engine::review::{ReviewConfig, run_matching};
use crossbook_engine::watchlist::WatchConfig;
use crossbook_engine::{Clock, Venues};
use crossbook_model::Topic;
use crossbook_sim::{Capture, SimConfig};
use crossbook_store::Priority;
use crossbook_store::testing::TestDb;
use serde_json::{Value, json};

pub const ALL: [Priority; 3] = [Priority::High, Priority::Medium, Priority::Low];

pub fn token(capture: &Capture, slug: &str, outcome: usize) -> String {
    let e = capture.poly_events.iter().find(|e| e["slug"] == slug).unwrap();
    let ml = e["markets"].as_array().unwrap().iter().find(|m| m["sportsMarketType"] == "moneyline").unwrap();
    let ids: Vec<String> = serde_json::from_str(ml["clobTokenIds"].as_str().unwrap()).unwrap();
    ids[outcome].clone()
}

/// A CLOB book with these asks and one bid (0.05 × 10) below every ask planted here: a book
/// that can be true.
pub fn poly_book(token: &str, asks: Value) -> Value {
    json!({"market": "0x", "asset_id": token, "timestamp": "1768002600000", "bids": [{"price": "0.05", "size": "10"}], "asks": asks})
}

/// The bundled capture with MIL@LAL's books planted: Kalshi MIL YES asks 0.42 × 100 and 0.44 × 100
/// (NO bids 0.58 and 0.56, price-ascending as recorded); Polymarket Lakers asks 0.53 × 50 and
/// 0.55 × 200 (descending as recorded); Bucks asks 0.60 × 500. The PHI–TOR rematch of Jan 12
/// (which no Kalshi market matches) gets absurdly cheap books.
pub fn planted() -> Capture {
    let mut c = Capture::bundled();
    c.kalshi_orderbooks.insert(
        "KXNBAGAME-26JAN09MILLAL-MIL".into(),
        json!({"orderbook_fp": {"yes_dollars": [["0.4000", "10.00"]], "no_dollars": [["0.5600", "100.00"], ["0.5800", "100.00"]]}}),
    );
    let (bucks, lakers) = (token(&c, "nba-mil-lal-2026-01-09", 0), token(&c, "nba-mil-lal-2026-01-09", 1));
    c.poly_books.insert(
        lakers.clone(),
        poly_book(&lakers, json!([{"price": "0.55", "size": "200"}, {"price": "0.53", "size": "50"}])),
    );
    c.poly_books.insert(bucks.clone(), poly_book(&bucks, json!([{"price": "0.60", "size": "500"}])));
    for i in 0..2 {
        let t = token(&c, "nba-phi-tor-2026-01-12", i);
        c.poly_books.insert(t.clone(), poly_book(&t, json!([{"price": "0.10", "size": "1000"}])));
    }
    c
}

pub struct Setup {
    pub db: TestDb,
    pub venues: Venues,
    pub clock: Clock,
    pub sim: crossbook_sim::SimHandle,
}

pub async fn setup(capture: &Capture) -> Setup {
    let sim = crossbook_sim::start(capture, SimConfig::default(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let env: BTreeMap<String, String> = sim.env_lines().into_iter().collect();
    let settings = crossbook_engine::Settings::from_lookup(&|k| env.get(k).cloned()).unwrap();
    let venues = Venues::from_settings(&settings).unwrap();
    let db = TestDb::sqlite().await;
    let clock = Clock::from_setting(capture.now);
    let opts =
        IngestOptions { mode: Mode::Split, topics: vec![Topic::Sports], exclude_mve: true, clock, concurrency: 4 };
    ingest_kalshi(db.store.clone(), &venues.kalshi, &opts, Arc::new(LogProgress)).await.unwrap();
    ingest_polymarket(db.store.clone(), &venues.gamma, &opts, Arc::new(LogProgress)).await.unwrap();
    run_matching(&*db.store, &ReviewConfig::from_settings(&settings), clock.now()).await.unwrap();
    Setup { db, venues, clock, sim }
}

/// A desk over the setup's store, with its writer and (when configured) alerter.
pub struct Desked {
    pub writer: crossbook_engine::writer::Writer,
    pub desk: crossbook_engine::desk::SharedDesk,
    pub alerter: Option<crossbook_engine::alerts::Alerter>,
    pub streams: Arc<crossbook_engine::stream_status::StreamStatus>,
}

impl Desked {
    /// Waits for deliveries, then for the records.
    pub async fn settle(&self) {
        if let Some(a) = &self.alerter {
            a.settle(std::time::Duration::from_secs(10)).await;
        }
        self.writer.flush().await;
    }
}

pub fn desk(s: &Setup, alerts: Option<crossbook_engine::alerts::AlertConfig>, stale_s: i64) -> Desked {
    use crossbook_engine::desk::{Desk, DeskConfig};
    let writer = crossbook_engine::writer::Writer::start(s.db.store.clone());
    let streams = Arc::new(crossbook_engine::stream_status::StreamStatus::default());
    let alerter = alerts.map(|a| {
        crossbook_engine::alerts::Alerter::start(writer.clone(), a, streams.latencies.decision_alert.clone()).unwrap()
    });
    let cfg = DeskConfig {
        stale_after: Duration::seconds(stale_s),
        live_threshold: Duration::minutes(15),
        allow_in_play: false,
        precision: Default::default(),
        alerts: Default::default(),
    };
    let desk = Arc::new(std::sync::Mutex::new(Desk::new(cfg, writer.clone(), alerter.clone(), streams.clone())));
    Desked { writer, desk, alerter, streams }
}

/// Socket settings for tests: quick to notice silence, quick to reconnect.
pub fn fast() -> crossbook_net::ws::StreamConfig {
    crossbook_net::ws::StreamConfig {
        silence: std::time::Duration::from_secs(5),
        ping_every: std::time::Duration::from_millis(500),
        backoff: crossbook_net::Backoff::new(
            std::time::Duration::from_millis(20),
            std::time::Duration::from_millis(100),
            2.0,
            0.0,
        )
        .unwrap(),
    }
}

pub fn config(stale_s: i64) -> QuotesConfig {
    QuotesConfig { stale_after: Duration::seconds(stale_s), cycle: Duration::seconds(60), allow_in_play: false }
}

pub fn watch(include_suggested: bool) -> WatchConfig {
    WatchConfig { limit: 500, high_within: std::time::Duration::from_secs(7200), include_suggested }
}

pub type Received = Arc<std::sync::Mutex<Vec<(String, serde_json::Value)>>>;

/// A loopback receiver recording each POST's path and JSON body.
pub async fn receiver() -> (String, Received) {
    let got: Received = Arc::default();
    let g = got.clone();
    let app = axum::Router::new().route(
        "/{*path}",
        axum::routing::post(move |uri: axum::http::Uri, body: axum::Json<serde_json::Value>| {
            let g = g.clone();
            async move {
                g.lock().unwrap().push((uri.path().to_string(), body.0));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), got)
}

pub fn alert_config(url: String) -> crossbook_engine::alerts::AlertConfig {
    crossbook_engine::alerts::AlertConfig {
        url: Some(secrecy::SecretString::from(url)),
        cooldown: chrono::Duration::minutes(10),
        realert_profit_change_percent: 50,
        realert_on_reopen: false,
        retries: 2,
        backoff: crossbook_net::Backoff::new(
            std::time::Duration::from_millis(10),
            std::time::Duration::from_millis(50),
            2.0,
            0.0,
        )
        .unwrap(),
        timeout: std::time::Duration::from_secs(2),
        claims: None,
        time_zone: chrono_tz::Tz::UTC,
    }
}
