//! The HTTP API over loopback, on a real SQLite store.

use chrono::{TimeZone, Utc};
use crossbook_engine::Clock;
use crossbook_model::*;
use crossbook_server::{AppState, serve};
use crossbook_store::testing::TestDb;
use secrecy::SecretString;

fn candidate(ticker: &str) -> LinkCandidate {
    LinkCandidate {
        kalshi_ticker: KalshiMarketTicker::new(ticker).unwrap(),
        kalshi_event_ticker: KalshiEventTicker::new("KXNBAGAME-26JAN09MILLAL").unwrap(),
        poly_venue: crossbook_model::Venue::Polymarket,
        poly_market_id: PolyMarketId::new("1096983").unwrap(),
        poly_condition_id: None,
        poly_token_id: Some(PolyTokenId::new("111").unwrap()),
        poly_outcome_index: 0,
        poly_outcome: "Bucks".into(),
        kind: MarketKind::Moneyline,
        line: None,
        league: Some(League::Nba),
        starts_at: None,
        score: 0.9,
        reasons: vec!["league NBA".into()],
    }
}

async fn start(db: &TestDb, loopback: bool, token: Option<&str>) -> crossbook_server::ServerHandle {
    let state = AppState {
        store: db.store.clone(),
        clock: Clock::Frozen(Utc.with_ymd_and_hms(2026, 1, 9, 23, 50, 0).unwrap()),
        token: token.map(|t| SecretString::from(t.to_string())),
        loopback,
        live_threshold: chrono::Duration::minutes(15),
        services: None,
        venues: None,
        runtime: None,
        time_zone: chrono_tz::Tz::UTC,
        venues_enabled: crossbook_model::Venue::ALL[..2].to_vec(),
        execution_mode: crossbook_model::ExecutionMode::Off,
    };
    serve(state, "127.0.0.1:0".parse().unwrap()).await.unwrap()
}

#[tokio::test]
async fn health_metrics_and_review_on_loopback() {
    let db = TestDb::sqlite().await;
    let id = db.store.upsert_link_candidate(&candidate("KXNBAGAME-26JAN09MILLAL-MIL"), Utc::now()).await.unwrap().id();
    let server = start(&db, true, None).await;
    let base = format!("http://{}", server.addr);
    let http = reqwest::Client::new();
    let health: serde_json::Value = http.get(format!("{base}/health")).send().await.unwrap().json().await.unwrap();
    assert_eq!(health["database"], "healthy");
    assert!(health["quotes"]["freshness"].is_object() && health["liveEvents"]["urgentCount"].is_u64());
    let metrics = http.get(format!("{base}/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("crossbook_links{status=\"suggested\"} 1"), "{metrics}");
    let page = http.get(&base).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<title>crossbook</title>"));
    // A click on Confirm, as the dashboard sends it.
    let r = http.post(format!("{base}/api/links/{}/confirm", id.0)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let link = db.store.get_link(id).await.unwrap().unwrap();
    assert_eq!((link.status, link.decided_by), (LinkStatus::Confirmed, Some(Decider::Human("dashboard".into()))));
    assert_eq!(http.post(format!("{base}/api/links/999/reject")).send().await.unwrap().status(), 404);
    server.stop().await;
}

#[tokio::test]
async fn off_loopback_changes_need_the_token_and_bodies_are_bounded() {
    let db = TestDb::sqlite().await;
    let id = db.store.upsert_link_candidate(&candidate("KXNBAGAME-26JAN09MILLAL-MIL"), Utc::now()).await.unwrap().id();
    let server = start(&db, false, Some("a-long-enough-api-token")).await;
    let url = format!("http://{}/api/links/{}/reject", server.addr, id.0);
    let http = reqwest::Client::new();
    assert_eq!(http.post(&url).send().await.unwrap().status(), 401);
    assert_eq!(http.post(&url).bearer_auth("wrong-token-wrong-token").send().await.unwrap().status(), 401);
    assert_eq!(db.store.get_link(id).await.unwrap().unwrap().status, LinkStatus::Suggested, "nothing changed");
    let big = "x".repeat(64 * 1024);
    assert_eq!(http.post(&url).bearer_auth("a-long-enough-api-token").body(big).send().await.unwrap().status(), 413);
    assert_eq!(http.post(&url).bearer_auth("a-long-enough-api-token").send().await.unwrap().status(), 200);
    assert_eq!(db.store.get_link(id).await.unwrap().unwrap().status, LinkStatus::Rejected);
    server.stop().await;
}

/// A server as `run` starts it (with a services board and the process's runtime state), its
/// clock frozen at `at`.
async fn run_server(
    db: &TestDb,
    at: chrono::DateTime<Utc>,
    runtime: &crossbook_engine::state::RuntimeState,
) -> crossbook_server::ServerHandle {
    let state = AppState {
        store: db.store.clone(),
        clock: Clock::Frozen(at),
        token: None,
        loopback: true,
        live_threshold: chrono::Duration::minutes(15),
        services: Some(crossbook_engine::supervisor::Board::default()),
        venues: None,
        runtime: Some(runtime.clone()),
        time_zone: chrono_tz::Tz::UTC,
        venues_enabled: crossbook_model::Venue::ALL[..2].to_vec(),
        execution_mode: crossbook_model::ExecutionMode::Off,
    };
    serve(state, "127.0.0.1:0".parse().unwrap()).await.unwrap()
}

/// A desk with its runtime state, as `run` holds them.
fn desk(db: &TestDb) -> (crossbook_engine::desk::SharedDesk, crossbook_engine::state::RuntimeState) {
    use crossbook_engine::desk::{Desk, DeskConfig};
    let writer = crossbook_engine::writer::Writer::start(db.store.clone());
    let streams = std::sync::Arc::new(crossbook_engine::stream_status::StreamStatus::default());
    let cfg = DeskConfig {
        stale_after: chrono::Duration::seconds(30),
        live_threshold: chrono::Duration::minutes(15),
        allow_in_play: false,
        precision: Default::default(),
        alerts: Default::default(),
    };
    let desk = std::sync::Arc::new(std::sync::Mutex::new(Desk::new(cfg, writer.clone(), None, streams.clone())));
    (
        desk.clone(),
        crossbook_engine::state::RuntimeState {
            streams,
            writer,
            desk,
            conditions: Default::default(),
            ops: Default::default(),
        },
    )
}

async fn health_of(server: &crossbook_server::ServerHandle) -> serde_json::Value {
    reqwest::get(format!("http://{}/health", server.addr)).await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn a_socket_down_past_the_limit_makes_health_degraded_under_run() {
    let db = TestDb::sqlite().await;
    let now = Utc.with_ymd_and_hms(2026, 1, 9, 23, 50, 0).unwrap();
    let (desk, rt) = desk(&db);
    let (server, later) =
        (run_server(&db, now, &rt).await, run_server(&db, now + chrono::Duration::seconds(30), &rt).await);
    let live = || crossbook_engine::desk::lock(&desk);
    // Polymarket's socket went down 10 s ago: shown, not yet degraded.
    let lost = BookEvent::Invalidated { venue: Venue::Polymarket, books: vec![], reason: "closed by the venue".into() };
    live().on_event(&lost, now - chrono::Duration::seconds(10));
    let h = health_of(&server).await;
    assert_eq!(h["streams"]["polymarket"]["downSeconds"], 10);
    assert!(!h["problems"].to_string().contains("socket"), "{h}");
    // Another reset does not move the start of the outage; 30 s later it is 40 s: a problem
    // (which makes the status degraded).
    live().on_event(&lost, now);
    let h = health_of(&later).await;
    assert_eq!(h["streams"]["polymarket"]["downSeconds"], 40);
    assert!(h["problems"].to_string().contains("polymarket socket down for 40 s"), "{h}");
    assert!(h["streams"].get("kalshi").is_none());
    // The venue's next book frame ends the outage.
    let book = BookEvent::Snapshot { venue: Venue::Polymarket, book: "111".into(), bids: vec![], asks: vec![] };
    live().on_event(&book, now);
    assert_eq!(health_of(&later).await["streams"], serde_json::json!({}));
}

/// Every series the Grafana dashboard in `deploy/` queries is one `/metrics` serves under `run`,
/// as one well-formed OpenMetrics exposition.
#[tokio::test]
async fn the_dashboards_metrics_are_all_served() {
    let db = TestDb::sqlite().await;
    let (_desk, rt) = desk(&db);
    let settings = crossbook_engine::Settings::from_lookup(&|_| None).unwrap();
    let state = AppState {
        store: db.store.clone(),
        clock: Clock::Frozen(Utc::now()),
        token: None,
        loopback: true,
        live_threshold: chrono::Duration::minutes(15),
        services: Some(crossbook_engine::supervisor::Board::default()),
        venues: Some(crossbook_engine::Venues::from_settings(&settings).unwrap()),
        runtime: Some(rt.clone()),
        time_zone: chrono_tz::Tz::UTC,
        venues_enabled: crossbook_model::Venue::ALL[..2].to_vec(),
        execution_mode: crossbook_model::ExecutionMode::Off,
    };
    let server = serve(state, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let r = reqwest::get(format!("http://{}/metrics", server.addr)).await.unwrap();
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/openmetrics-text"));
    let text = r.text().await.unwrap();
    assert!(text.ends_with("# EOF\n") && text.matches("# EOF").count() == 1, "{text}");
    let mut families: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("# TYPE ")).collect();
    let n = families.len();
    families.sort();
    families.dedup();
    assert_eq!(families.len(), n, "a family described twice");
    let dashboard: serde_json::Value =
        serde_json::from_str(include_str!("../../../deploy/grafana-dashboard.json")).unwrap();
    let mut queried = 0;
    for target in dashboard["panels"].as_array().unwrap().iter().flat_map(|p| p["targets"].as_array().unwrap()) {
        let expr = target["expr"].as_str().unwrap();
        for name in
            expr.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).filter(|w| w.starts_with("crossbook_"))
        {
            queried += 1;
            let served = text.lines().any(|l| !l.starts_with('#') && l.starts_with(name));
            assert!(served, "the dashboard queries {name}, which /metrics does not serve:\n{text}");
        }
    }
    assert!(queried > 20, "{queried}");
    server.stop().await;
}

/// Confirming an incompatible link needs `force` and says why; rejecting a link under `run`
/// closes its open opportunity at once, in the database and on the desk.
#[tokio::test]
async fn incompatible_needs_force_and_a_rejection_closes_at_once() {
    let db = TestDb::sqlite().await;
    let now = Utc.with_ymd_and_hms(2026, 1, 9, 23, 50, 0).unwrap();
    let id = db.store.upsert_link_candidate(&candidate("KXNBAGAME-26JAN09MILLAL-MIL"), now).await.unwrap().id();
    let reasons = vec!["postponement: Kalshi waits 2 days, Polymarket resolves 50-50 at once".to_string()];
    db.store.set_rule_risk(id, RuleRisk::Incompatible, &reasons).await.unwrap();
    let (desk, rt) = desk(&db);
    let server = run_server(&db, now, &rt).await;
    let http = reqwest::Client::new();
    let url = |path: &str| format!("http://{}/api/links/{}/{path}", server.addr, id.0);
    let r = http.post(url("confirm")).send().await.unwrap();
    assert_eq!(r.status(), 409);
    let why = r.text().await.unwrap();
    assert!(why.contains("incompatible") && why.contains("postponement"), "{why}");
    assert_eq!(db.store.get_link(id).await.unwrap().unwrap().status, LinkStatus::Suggested, "nothing recorded");
    assert_eq!(http.post(url("confirm?force=true")).send().await.unwrap().status(), 200);
    assert_eq!(db.store.get_link(id).await.unwrap().unwrap().status, LinkStatus::Confirmed);
    // An open opportunity on it (as a desk would have recorded), then a rejection.
    let o = Opportunity {
        link_id: id,
        kind: MarketKind::Moneyline,
        league: Some(League::Nba),
        game: None,
        starts_at: None,
        detected_at: now,
        legs: vec![],
        cost: "0.95".parse().unwrap(),
        fees: "0.01".parse().unwrap(),
        edge: "0.04".parse().unwrap(),
        max_size: "10".parse().unwrap(),
        profit: "0.4".parse().unwrap(),
        quote_age_ms: QuoteAges::default(),
        rule_risk: None,
        rule_reasons: vec![],
        capital: Capital::default(),
        roi: Money::ZERO,
        in_play: false,
        order_delay_s: None,
        urls: None,
        alternative_to: None,
    };
    db.store.upsert_opportunity(&o, "kalshi_yes", now, now).await.unwrap();
    assert_eq!(db.store.list_open_opportunities().await.unwrap().len(), 1);
    assert_eq!(http.post(url("reject")).send().await.unwrap().status(), 200);
    assert!(db.store.list_open_opportunities().await.unwrap().is_empty(), "closed at once");
    assert!(crossbook_engine::desk::lock(&desk).open().is_empty());
    // The day's timeline keeps it, closed.
    let day: serde_json::Value = http
        .get(format!("http://{}/api/opportunities/history", server.addr))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(day.as_array().map(Vec::len), Some(1), "{day}");
    assert_eq!((day[0]["link_id"].as_i64(), day[0]["closed_at"].is_string()), (Some(id.0), true), "{day}");
    // The report page counts it.
    let page = http.get(format!("http://{}/report", server.addr)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("What the arbitrage was worth") && page.contains("<td>NBA</td><td>moneyline</td>"), "{page}");
    // The operations chart's points, which the watchdog records under `run`.
    let totals = [("kalshi", 120, 7, 1), ("gamma", 30, 0, 0), ("clob", 60, 0, 2)];
    rt.ops.record(now - chrono::Duration::seconds(15), &totals.map(|(a, r, l, f)| (a, r / 2, l / 2, f / 2)), vec![]);
    rt.ops.record(now, &totals, vec![]);
    let ops: serde_json::Value =
        http.get(format!("http://{}/api/ops/history?hours=1", server.addr)).send().await.unwrap().json().await.unwrap();
    assert_eq!(ops["available"], true);
    assert_eq!(
        ops["points"][1]["apis"][0],
        serde_json::json!({"api": "kalshi", "requests": 60, "rate_limited": 4, "failed": 1})
    );
    server.stop().await;
}

/// A change sent by another site's page is refused, even on loopback with no token needed.
#[tokio::test]
async fn a_cross_origin_change_is_refused() {
    let db = TestDb::sqlite().await;
    let id = db.store.upsert_link_candidate(&candidate("KXNBAGAME-26JAN09MILLAL-MIL"), Utc::now()).await.unwrap().id();
    let server = start(&db, true, None).await;
    let url = format!("http://{}/api/links/{}/reject", server.addr, id.0);
    let http = reqwest::Client::new();
    let ops: serde_json::Value =
        http.get(format!("http://{}/api/ops/history", server.addr)).send().await.unwrap().json().await.unwrap();
    assert_eq!(ops["available"], false, "kept by run only");
    let r = http.post(&url).header("Origin", "https://evil.example").send().await.unwrap();
    assert_eq!(r.status(), 403);
    let r = http.post(&url).header("Sec-Fetch-Site", "cross-site").send().await.unwrap();
    assert_eq!(r.status(), 403);
    // DNS rebinding: another site's name pointed at 127.0.0.1.
    let r = http.post(&url).header("Host", format!("evil.example:{}", server.addr.port())).send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(db.store.get_link(id).await.unwrap().unwrap().status, LinkStatus::Suggested, "nothing changed");
    // The dashboard's own page (same origin) goes through.
    let r = http.post(&url).header("Origin", format!("http://{}", server.addr)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(db.store.get_link(id).await.unwrap().unwrap().status, LinkStatus::Rejected);
    server.stop().await;
}

/// A storm of 429s from one venue is an operational condition: the watchdog says it started,
/// health turns degraded naming the venue, and it clears once the storm has passed.
#[tokio::test]
async fn a_429_storm_degrades_health_until_it_passes() {
    use crossbook_engine::watchdog::Watchdog;
    let db = TestDb::sqlite().await;
    let (_desk, rt) = desk(&db);
    let settings = crossbook_engine::Settings::from_lookup(&|_| None).unwrap();
    let venues = crossbook_engine::Venues::from_settings(&settings).unwrap();
    let mut dog = Watchdog::new(rt.conditions.clone());
    let t0 = Utc.with_ymd_and_hms(2026, 1, 9, 23, 50, 0).unwrap();
    assert_eq!(dog.check(&rt, Some(&venues), None, t0), (vec![], vec![]));
    // Kalshi's client counted 25 answers of 429 in the last half minute.
    venues.kalshi.rest().stats().rate_limited.inc_by(25);
    let (started, cleared) = dog.check(&rt, Some(&venues), None, t0 + chrono::Duration::seconds(30));
    assert_eq!(started, vec!["kalshi: 25 rate-limited (429) answers in 0 min".to_string()]);
    assert!(cleared.is_empty());
    let server = run_server(&db, t0 + chrono::Duration::seconds(30), &rt).await;
    let h = health_of(&server).await;
    assert_eq!(h["status"], "degraded", "{h}");
    assert!(h["problems"].to_string().contains("kalshi: 25 rate-limited"), "{h}");
    // Three minutes on, with no new 429s, it has passed.
    let (started, cleared) = dog.check(&rt, Some(&venues), None, t0 + chrono::Duration::minutes(3));
    assert!(started.is_empty());
    assert_eq!(cleared.len(), 1);
    assert!(rt.conditions.list().is_empty());
    server.stop().await;
}

/// Slowloris: clients that send half a request and stall are closed once the header time is
/// up, and while they hang on, other clients are served.
#[tokio::test]
async fn half_sent_requests_are_closed_and_do_not_block_others() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let db = TestDb::sqlite().await;
    let server = start(&db, true, None).await;
    let mut stalled = Vec::new();
    for _ in 0..200 {
        let mut s = tokio::net::TcpStream::connect(server.addr).await.unwrap();
        s.write_all(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ").await.unwrap();
        stalled.push(s);
    }
    let started = std::time::Instant::now();
    let r = reqwest::get(format!("http://{}/health", server.addr)).await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "served while 200 clients stall");
    let limit = crossbook_server::listen::HEADER_READ_TIMEOUT + std::time::Duration::from_secs(5);
    for mut s in stalled {
        let mut buf = [0u8; 1024];
        // The server closes (EOF or reset), or answers 408, before the limit.
        let read = tokio::time::timeout(limit, s.read(&mut buf)).await;
        assert!(read.is_ok(), "a stalled client still held its connection after {limit:?}");
    }
    server.stop().await;
}

/// More half-sent connections than the server serves at once: `/health` still answers (its
/// reserved slots give a stalled connection a second, not ten), and an API request arriving
/// then is told the server is busy rather than left waiting.
#[tokio::test]
async fn health_answers_past_the_connection_limit() {
    use tokio::io::AsyncWriteExt;
    let db = TestDb::sqlite().await;
    // The production numbers (512 and 128) scaled down to stay within a test's file descriptors.
    let limits = crossbook_server::listen::Limits { connections: 20, reserved: 8 };
    let state = AppState {
        store: db.store.clone(),
        clock: Clock::Frozen(Utc.with_ymd_and_hms(2026, 1, 9, 23, 50, 0).unwrap()),
        token: None,
        loopback: true,
        live_threshold: chrono::Duration::minutes(15),
        services: None,
        venues: None,
        runtime: None,
        time_zone: chrono_tz::Tz::UTC,
        venues_enabled: crossbook_model::Venue::ALL[..2].to_vec(),
        execution_mode: crossbook_model::ExecutionMode::Off,
    };
    let server = crossbook_server::serve_with(state, "127.0.0.1:0".parse().unwrap(), limits).await.unwrap();
    let mut stalled = Vec::new();
    for _ in 0..limits.connections + limits.reserved / 2 {
        let mut s = tokio::net::TcpStream::connect(server.addr).await.unwrap();
        s.write_all(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ").await.unwrap();
        stalled.push(s);
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let started = std::time::Instant::now();
    let r = reqwest::get(format!("http://{}/health", server.addr)).await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(started.elapsed() < std::time::Duration::from_secs(3), "{:?}", started.elapsed());
    let api = reqwest::get(format!("http://{}/api/links", server.addr)).await.unwrap();
    assert_eq!(api.status(), 503, "busy, said at once");
    drop(stalled);
    server.stop().await;
}

/// Health under read load: 200 clients asking for health while 200 others read the API all
/// hear the database is healthy (one database read serves them, not one each from a pool the
/// load has taken).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_under_read_load_tells_the_truth() {
    let db = TestDb::sqlite().await;
    let (_desk, rt) = desk(&db);
    let server = run_server(&db, Utc::now(), &rt).await;
    let http = reqwest::Client::new();
    let base = format!("http://{}", server.addr);
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..400 {
        let (http, base) = (http.clone(), base.clone());
        tasks.spawn(async move {
            if i % 2 == 0 {
                let _ = http.get(format!("{base}/api/links")).send().await;
                None
            } else {
                let h: serde_json::Value = http.get(format!("{base}/health")).send().await.ok()?.json().await.ok()?;
                Some(h["database"].clone())
            }
        });
    }
    let mut answers = Vec::new();
    while let Some(r) = tasks.join_next().await {
        answers.extend(r.unwrap());
    }
    assert_eq!(answers.len(), 200, "every health request answered");
    assert!(answers.iter().all(|d| d == "healthy"), "{answers:?}");
    server.stop().await;
}

/// The P&L panel's and the positions panel's data, and the kill switch behind the token.
#[tokio::test]
async fn trades_positions_and_the_kill_switch() {
    use crossbook_model::*;
    let db = TestDb::sqlite().await;
    let at = Utc.with_ymd_and_hms(2026, 1, 9, 23, 0, 0).unwrap();
    let fill = |n: usize, venue: Venue, market: &str, price: &str| Fill {
        fill_id: format!("paper-7-kalshi_yes-1-{n}-1"),
        order_id: format!("paper-7-kalshi_yes-1-{n}"),
        trade_id: "paper-7-kalshi_yes-1".into(),
        contract: Contract {
            venue,
            market: market.into(),
            side: (venue == Venue::Kalshi).then_some(Side::Yes),
            outcome: (venue == Venue::Polymarket).then(|| "Lakers".to_string()),
        },
        action: Action::Buy,
        price: price.parse().unwrap(),
        size: Qty::from_whole(50).unwrap(),
        fee: "0.84".parse().unwrap(),
        at,
        mode: ExecutionMode::Paper,
        opportunity: LinkId(7),
    };
    let mut trade = Trade {
        trade_id: "paper-7-kalshi_yes-1".into(),
        mode: ExecutionMode::Paper,
        link_id: LinkId(7),
        direction: "kalshi_yes".into(),
        kind: MarketKind::Moneyline,
        league: Some(League::Nba),
        game: Some("Bucks at Lakers".into()),
        decided_at: at,
        finished_at: Some(at),
        planned_size: Qty::from_whole(50).unwrap(),
        planned_profit: "1.82".parse().unwrap(),
        status: TradeStatus::Hedged,
        orders: Vec::new(),
        fills: vec![
            fill(1, Venue::Kalshi, "KXNBAGAME-26JAN09MILLAL-MIL", "0.40"),
            fill(2, Venue::Polymarket, "lakers", "0.55"),
        ],
        sets: Qty::from_whole(50).unwrap(),
        bought: Money::ZERO,
        sold: Money::ZERO,
        fees: Money::ZERO,
        exposure: Vec::new(),
        pnl: Money::ZERO,
    };
    // 50 − 20 − 27.50 − 1.68 = 0.82.
    trade.settle_books();
    db.store.record_trade(&trade).await.unwrap();
    let server = start(&db, false, Some("a-long-enough-api-token")).await;
    let base = format!("http://{}", server.addr);
    let http = reqwest::Client::new();
    let got: serde_json::Value = http.get(format!("{base}/api/trades")).send().await.unwrap().json().await.unwrap();
    assert_eq!(got["trades"][0]["pnl"], "0.82");
    assert_eq!(
        (got["pnl"]["by_league"]["NBA"]["pnl"].as_str(), got["pnl"]["total"]["trades"].as_u64()),
        (Some("0.82"), Some(1))
    );
    let held: serde_json::Value = http.get(format!("{base}/api/positions")).send().await.unwrap().json().await.unwrap();
    assert_eq!(held.as_array().map(Vec::len), Some(2));
    assert_eq!(held[0]["size"], "50");
    let metrics = http.get(format!("{base}/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("crossbook_trades_24h{mode=\"paper\",status=\"hedged\"} 1"), "{metrics}");
    assert!(metrics.contains("crossbook_trade_pnl_24h_dollars{mode=\"paper\"} 0.82"), "{metrics}");
    let url = format!("{base}/api/execution/stop");
    assert_eq!(http.post(&url).send().await.unwrap().status(), 401);
    let on: serde_json::Value =
        http.post(&url).bearer_auth("a-long-enough-api-token").send().await.unwrap().json().await.unwrap();
    assert_eq!((on["kill_switch"].as_bool(), on["kill_switch_set_by"].as_str()), (Some(true), Some("dashboard")));
    assert!(crossbook_engine::execution::kill_switch_on(&*db.store).await.unwrap());
    let off: serde_json::Value = http
        .post(format!("{base}/api/execution/resume"))
        .bearer_auth("a-long-enough-api-token")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(off["kill_switch"].as_bool(), Some(false));
    server.stop().await;
}
