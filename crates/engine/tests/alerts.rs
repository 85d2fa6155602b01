//! Alerts over loopback: a webhook receiver gets exactly one alert per opportunity (its link and
//! direction) within the cooldown, in the sink's payload shape; a failing sink does not hold detection up.

mod common;

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::routing::post;
use chrono::Duration;
use common::{config, desk, planted, setup, watch};
use crossbook_engine::alerts::AlertConfig;
use crossbook_engine::monitor::monitor_once;
use crossbook_engine::watchlist::sync_watchlist;
use crossbook_net::Backoff;
use secrecy::SecretString;
use serde_json::Value;

type Received = Arc<Mutex<Vec<(String, Value)>>>;

/// A loopback receiver recording each POST's path and JSON body.
async fn receiver() -> (String, Received) {
    let got: Received = Arc::default();
    let g = got.clone();
    let app = Router::new().route(
        "/{*path}",
        post(move |uri: axum::http::Uri, body: axum::Json<Value>| {
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

fn alert_config(url: String) -> AlertConfig {
    AlertConfig {
        url: Some(SecretString::from(url)),
        cooldown: Duration::minutes(10),
        retries: 2,
        backoff: Backoff::new(std::time::Duration::from_millis(10), std::time::Duration::from_millis(50), 2.0, 0.0)
            .unwrap(),
        timeout: std::time::Duration::from_secs(2),
    }
}

async fn wait_for(mut done: impl FnMut() -> bool) {
    for _ in 0..200 {
        if done() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn one_alert_per_opportunity_within_the_cooldown_in_discord_shape() {
    let s = setup(&planted()).await;
    sync_watchlist(&*s.db.store, &watch(false), s.clock.now()).await.unwrap();
    let (base, got) = receiver().await;
    let d = desk(&s, Some(alert_config(format!("{base}/api/webhooks/1/secret-token"))), 30);
    // At 23:50 the 00:00 games (NOP@WAS, TOR@BOS, PHI@ORL: 22 links with their spreads and
    // totals) are urgent; NOP@WAS carries the planted edge.
    let first =
        monitor_once(&*s.db.store, &s.venues, &s.clock, &d.desk, config(30), Duration::minutes(15)).await.unwrap();
    assert_eq!((first.urgent, first.opportunities, first.alerts), (22, 1, 1));
    let second =
        monitor_once(&*s.db.store, &s.venues, &s.clock, &d.desk, config(30), Duration::minutes(15)).await.unwrap();
    assert_eq!((second.opportunities, second.alerts), (1, 0), "within the cooldown");
    // It closes (a socket reset, say) and reopens as a new row: the same link and direction,
    // still within the cooldown, so no new alert.
    d.writer.flush().await;
    let before = s.db.store.list_open_opportunities().await.unwrap()[0].id;
    let later = s.clock.now() + Duration::seconds(1);
    assert_eq!(s.db.store.close_opportunities(later, later).await.unwrap(), 1);
    let third =
        monitor_once(&*s.db.store, &s.venues, &s.clock, &d.desk, config(30), Duration::minutes(15)).await.unwrap();
    assert_eq!((third.opportunities, third.alerts), (1, 0), "reopened within the cooldown");
    d.settle().await;
    assert_ne!(s.db.store.list_open_opportunities().await.unwrap()[0].id, before, "a new row");
    wait_for(|| !got.lock().unwrap().is_empty()).await;
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), 1, "exactly one delivery");
    let (path, body) = &got[0];
    assert_eq!(path, "/api/webhooks/1/secret-token");
    let content = body["content"].as_str().unwrap();
    assert!(content.contains("KXNBAGAME-26JAN09NOPWAS-NOP") && content.contains("Wizards"), "{content}");
    let alerts = s.db.store.list_alerts(10).await.unwrap();
    assert_eq!(alerts.len(), 1);
    assert_eq!((alerts[0].sink.as_str(), alerts[0].status.as_str()), ("discord", "sent"));
    assert!(!format!("{alerts:?}").contains("secret-token"), "the URL is never stored");
    s.sim.stop().await;
}

#[tokio::test]
async fn a_failing_sink_does_not_hold_detection_up() {
    let s = setup(&planted()).await;
    sync_watchlist(&*s.db.store, &watch(false), s.clock.now()).await.unwrap();
    // Nothing listens on port 9 of loopback: every attempt is refused.
    let d = desk(&s, Some(alert_config("http://127.0.0.1:9/services/T/B/X".into())), 30);
    let r = monitor_once(&*s.db.store, &s.venues, &s.clock, &d.desk, config(30), Duration::minutes(15)).await.unwrap();
    assert_eq!(r.alerts, 1);
    // Detection returned first; delivery went on behind it and ended failed after its retries.
    d.settle().await;
    let last = s.db.store.list_alerts(10).await.unwrap();
    assert_eq!((last[0].sink.as_str(), last[0].status.as_str(), last[0].attempts), ("slack", "failed", 3));
    assert_eq!(last[0].payload["text"].as_str().map(|t| t.contains("NOPWAS")), Some(true), "Slack shape");
    s.sim.stop().await;
}
