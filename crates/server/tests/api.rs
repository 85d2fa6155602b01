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
