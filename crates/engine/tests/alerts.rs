//! Alerts over loopback: a webhook receiver gets exactly one alert per opportunity (its link and
//! direction) within the cooldown, in the sink's payload shape; a failing sink does not hold detection up.

mod common;

use chrono::Duration;
use common::{alert_config, config, desk, planted, receiver, setup, watch};
use crossbook_engine::desk::lock;
use crossbook_engine::monitor::monitor_once;
use crossbook_engine::watchlist::sync_watchlist;

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
    assert_eq!(s.db.store.close_opportunities(later, later).await.unwrap().len(), 1);
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
    // A short first line: the game, the edge in cents, the size and the profit in dollars; each
    // leg after it with its market's title.
    let first = content.lines().next().unwrap();
    assert!(
        first.starts_with("crossbook: Pelicans vs. Wizards — ") && first.contains("¢ × ") && first.contains("$"),
        "{first}"
    );
    assert!(first.chars().count() < 90, "{first}");
    assert!(content.contains("New Orleans at Washington Winner?: New Orleans"), "{content}");
    let open = s.db.store.list_open_opportunities().await.unwrap();
    let o = &open[0].opportunity;
    assert_eq!(o.game.as_deref(), Some("Pelicans vs. Wizards"));
    assert!(o.legs.iter().all(|l| l.title.is_some()), "{:?}", o.legs);
    // Both games' pages, to act on it.
    assert!(
        content.contains("https://kalshi.com/markets/kxnbagame/kxnbagame-26jan09nopwas")
            && content.contains("https://polymarket.com/event/nba-nop-was-2026-01-09"),
        "{content}"
    );
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

/// When an opportunity that alerted closes, a closing message follows, with how long it lived.
#[tokio::test]
async fn a_closed_opportunity_sends_its_closing_alert() {
    use crossbook_model::{Price, Qty, Venue};
    let capture = planted();
    let s = setup(&capture).await;
    sync_watchlist(&*s.db.store, &watch(false), s.clock.now()).await.unwrap();
    let (base, got) = receiver().await;
    let d = desk(&s, Some(alert_config(format!("{base}/hook"))), 30);
    let first =
        monitor_once(&*s.db.store, &s.venues, &s.clock, &d.desk, config(30), Duration::minutes(15)).await.unwrap();
    assert_eq!(first.alerts, 1);
    // NOP@WAS's edge lives in the Wizards asks: take them away.
    let wizards = common::token(&capture, "nba-nop-was-2026-01-09", 1);
    for level in capture.poly_books[&wizards]["asks"].as_array().unwrap() {
        let price: Price = level["price"].as_str().unwrap().parse().unwrap();
        s.sim.state.set_level(Venue::Polymarket, &wizards, "ask", price, Qty::ZERO).await;
    }
    let second =
        monitor_once(&*s.db.store, &s.venues, &s.clock, &d.desk, config(30), Duration::minutes(15)).await.unwrap();
    assert_eq!(second.opportunities, 0);
    d.settle().await;
    wait_for(|| got.lock().unwrap().len() >= 2).await;
    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), 2, "the alert, then its close");
    assert_eq!((got[0].1["type"].as_str(), got[1].1["type"].as_str()), (Some("arbitrage"), Some("closed")));
    let text = got[1].1["text"].as_str().unwrap();
    assert!(text.contains("closed") && text.contains("KXNBAGAME-26JAN09NOPWAS-NOP"), "{text}");
    assert_eq!(got[1].1["data"]["direction"], "kalshi_yes");
    s.sim.stop().await;
}

/// A webhook answering with a redirect is not followed to another host: the alert fails there
/// (recorded as failed) and the other host hears nothing.
#[tokio::test]
async fn a_webhook_redirect_is_not_followed() {
    let (elsewhere, got_elsewhere) = receiver().await;
    let target = format!("{elsewhere}/stolen");
    let app = axum::Router::new().route(
        "/{*path}",
        axum::routing::post(move || {
            let target = target.clone();
            async move { (axum::http::StatusCode::TEMPORARY_REDIRECT, [(axum::http::header::LOCATION, target)]) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let s = setup(&planted()).await;
    sync_watchlist(&*s.db.store, &watch(false), s.clock.now()).await.unwrap();
    let d = desk(&s, Some(alert_config(format!("http://{addr}/hook"))), 30);
    let r = monitor_once(&*s.db.store, &s.venues, &s.clock, &d.desk, config(30), Duration::minutes(15)).await.unwrap();
    assert_eq!(r.alerts, 1);
    d.settle().await;
    assert!(got_elsewhere.lock().unwrap().is_empty(), "nothing re-posted to the redirect's host");
    let alert = &s.db.store.list_alerts(1).await.unwrap()[0];
    assert_eq!(alert.status, "failed");
    assert!(alert.error.as_deref().is_some_and(|e| e.contains("307")), "{alert:?}");
    s.sim.stop().await;
}

/// One Polymarket ask ("76ers" 200 @ 0.55) backs two Kalshi markets of PHI@ORL: YES Orlando and
/// NO Philadelphia each pay with it, and each alone would take all 200. One opportunity stands,
/// the other is `alternative_to` it: one alert, and the report and every reader of the open
/// opportunities count that liquidity once.
#[tokio::test]
async fn one_book_backing_two_kalshi_markets_is_claimed_once() {
    use common::{poly_book, token};
    use serde_json::json;
    let mut c = crossbook_sim::Capture::bundled();
    // Kalshi YES Orlando asks 0.40 (its NO bids 0.60), NO Philadelphia asks 0.42 (its YES bids
    // 0.58), 300 each; the opposite sides dear.
    c.kalshi_orderbooks.insert(
        "KXNBAGAME-26JAN09PHIORL-ORL".into(),
        json!({"orderbook_fp": {"yes_dollars": [["0.0500", "10.00"]], "no_dollars": [["0.6000", "300.00"]]}}),
    );
    c.kalshi_orderbooks.insert(
        "KXNBAGAME-26JAN09PHIORL-PHI".into(),
        json!({"orderbook_fp": {"yes_dollars": [["0.5800", "300.00"]], "no_dollars": [["0.0500", "10.00"]]}}),
    );
    let (sixers, magic) = (token(&c, "nba-phi-orl-2026-01-09", 0), token(&c, "nba-phi-orl-2026-01-09", 1));
    c.poly_books.insert(sixers.clone(), poly_book(&sixers, json!([{"price": "0.55", "size": "200"}])));
    c.poly_books.insert(magic.clone(), poly_book(&magic, json!([{"price": "0.60", "size": "500"}])));
    let s = setup(&c).await;
    sync_watchlist(&*s.db.store, &watch(false), s.clock.now()).await.unwrap();
    let (base, got) = receiver().await;
    let d = desk(&s, Some(alert_config(format!("{base}/api/webhooks/1/secret-token"))), 30);
    let r = monitor_once(&*s.db.store, &s.venues, &s.clock, &d.desk, config(30), Duration::minutes(15)).await.unwrap();
    d.settle().await;
    let open = s.db.store.list_open_opportunities().await.unwrap();
    let game: Vec<_> = open
        .iter()
        .filter(|o| o.opportunity.legs.iter().any(|l| l.token_id.as_deref() == Some(sixers.as_str())))
        .collect();
    assert_eq!(game.len(), 2, "both recorded: {open:#?}");
    let best = game.iter().max_by_key(|o| o.opportunity.profit).unwrap();
    let other = game.iter().min_by_key(|o| o.opportunity.profit).unwrap();
    assert!(best.opportunity.profit > other.opportunity.profit);
    assert!(best.opportunity.legs.iter().any(|l| l.ticker.as_deref() == Some("KXNBAGAME-26JAN09PHIORL-ORL")));
    assert_eq!(best.opportunity.alternative_to, None);
    assert_eq!(other.opportunity.alternative_to, Some(best.opportunity.link_id), "the same 200 @ 0.55");
    assert_eq!(r.alerts, open.iter().filter(|o| o.opportunity.alternative_to.is_none()).count());
    wait_for(|| !got.lock().unwrap().is_empty()).await;
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let sent: Vec<String> =
        got.lock().unwrap().iter().map(|(_, b)| b["content"].as_str().unwrap_or("").to_string()).collect();
    assert_eq!(sent.iter().filter(|t| t.contains("PHIORL")).count(), 1, "one alert for the game: {sent:?}");
    // The report adds the game's profit once.
    let report =
        crossbook_engine::worth::build(&*s.db.store, s.clock.now() - Duration::hours(1), s.clock.now()).await.unwrap();
    let total: i64 = report.groups.iter().map(|g| g.profit_total.micros()).sum();
    let counted: i64 =
        open.iter().filter(|o| o.opportunity.alternative_to.is_none()).map(|o| o.opportunity.profit.micros()).sum();
    assert_eq!(total, counted);
    assert!(total < open.iter().map(|o| o.opportunity.profit.micros()).sum::<i64>());
    s.sim.stop().await;
}

/// Quotes that stop arriving close the opportunity standing on them once they pass the stale
/// limit (no book event comes to do it), with its closing alert; before the limit it stands.
#[tokio::test]
async fn an_opportunity_whose_quotes_stop_closes_at_the_stale_limit() {
    let s = setup(&planted()).await;
    sync_watchlist(&*s.db.store, &watch(false), s.clock.now()).await.unwrap();
    let (base, got) = receiver().await;
    let d = desk(&s, Some(alert_config(format!("{base}/hook"))), 30);
    let first =
        monitor_once(&*s.db.store, &s.venues, &s.clock, &d.desk, config(30), Duration::minutes(15)).await.unwrap();
    assert_eq!((first.opportunities, first.alerts), (1, 1));
    let at = s.clock.now();
    lock(&d.desk).close_stale(at + Duration::seconds(29));
    assert_eq!(lock(&d.desk).open().len(), 1, "29 s without a quote: within the limit");
    lock(&d.desk).close_stale(at + Duration::seconds(31));
    assert!(lock(&d.desk).open().is_empty(), "31 s without a quote: closed");
    d.settle().await;
    assert!(s.db.store.list_open_opportunities().await.unwrap().is_empty());
    wait_for(|| got.lock().unwrap().len() >= 2).await;
    let kinds: Vec<_> = got.lock().unwrap().iter().map(|(_, b)| b["type"].as_str().unwrap_or("").to_string()).collect();
    assert_eq!(kinds, ["arbitrage", "closed"]);
    s.sim.stop().await;
}

/// The alert policy's settings: within the cooldown a link and direction alert again only when
/// the profit moved by the re-alert share (either way) or, when asked, on a reopening; after the
/// cooldown they alert again; the near-start window counts to the game's start.
#[tokio::test]
async fn re_alerts_follow_the_policy_settings() {
    use crossbook_engine::alerts::{AlertConfig, Alerter};
    let db = crossbook_store::testing::TestDb::sqlite().await;
    let writer = crossbook_engine::writer::Writer::start(db.store.clone());
    let streams = crossbook_engine::stream_status::StreamStatus::default();
    let defaults = crossbook_engine::Settings::from_lookup(&|_| None).unwrap();
    let start = |reopen: bool| {
        let cfg = AlertConfig { url: None, realert_on_reopen: reopen, ..AlertConfig::from_settings(&defaults) };
        Alerter::start(writer.clone(), cfg, streams.latencies.decision_alert.clone()).unwrap()
    };
    let at =
        |m: i64| chrono::DateTime::parse_from_rfc3339("2026-10-01T18:00:00Z").unwrap().to_utc() + Duration::minutes(m);
    let opportunity = |profit: &str, starts_in_min: i64| -> crossbook_model::Opportunity {
        serde_json::from_value(serde_json::json!({
            "link_id": 7, "kind": "moneyline", "league": "NBA", "starts_at": at(starts_in_min), "detected_at": at(0),
            "legs": [], "cost": "0.96", "fees": "0.01", "edge": "0.03", "max_size": "100", "profit": profit,
            "quote_age_ms": {"kalshi": 1, "polymarket": 1}
        }))
        .unwrap()
    };
    assert_eq!(defaults.alert_cooldown, std::time::Duration::from_secs(600));
    let a = start(false);
    assert!(a.arbitrage("kalshi_yes", &opportunity("2.00", 60), true, at(0)));
    assert!(!a.arbitrage("kalshi_yes", &opportunity("2.90", 60), false, at(1)), "+45 %: within the cooldown");
    assert!(a.arbitrage("kalshi_yes", &opportunity("0.37", 60), false, at(2)), "shrank from $2.00 to $0.37");
    assert!(!a.arbitrage("kalshi_yes", &opportunity("0.37", 60), true, at(3)), "reopened: not asked to re-alert");
    assert!(a.arbitrage("kalshi_no", &opportunity("0.37", 60), false, at(3)), "the other direction is its own");
    assert!(a.arbitrage("kalshi_yes", &opportunity("0.37", 60), false, at(13)), "after the cooldown");
    let reopening = start(true);
    assert!(reopening.arbitrage("kalshi_yes", &opportunity("2.00", 60), true, at(0)));
    assert!(!reopening.arbitrage("kalshi_yes", &opportunity("2.00", 60), false, at(1)));
    assert!(reopening.arbitrage("kalshi_yes", &opportunity("2.00", 60), true, at(1)), "closed and opened again");
    // The default near-start window is two hours: a game 40 minutes off alerts, one 3 hours off not.
    let policy = crossbook_engine::desk::DeskConfig::from_settings(&defaults).alerts;
    assert!(policy.wants(&opportunity("2.00", 40), at(0)));
    assert!(!policy.wants(&opportunity("2.00", 180), at(0)));
}

/// Two processes sharing PostgreSQL (two alerters, each with its own writer) see the same
/// opportunity open and close and the same dead service: the webhook gets each event once, and
/// the alerts table says which process delivered it and which stood down.
#[tokio::test]
async fn processes_sharing_the_database_deliver_each_event_once() {
    use crossbook_engine::alerts::{AlertConfig, Alerter};
    let db = crossbook_store::testing::TestDb::postgres().await;
    let (base, got) = receiver().await;
    let streams = crossbook_engine::stream_status::StreamStatus::default();
    let process = || {
        let writer = crossbook_engine::writer::Writer::start(db.store.clone());
        let cfg = AlertConfig {
            claims: Some(db.store.clone()),
            time_zone: chrono_tz::America::New_York,
            ..alert_config(format!("{base}/hook"))
        };
        (Alerter::start(writer.clone(), cfg, streams.latencies.decision_alert.clone()).unwrap(), writer)
    };
    let (quotes, monitor) = (process(), process());
    let at = chrono::DateTime::parse_from_rfc3339("2026-10-01T18:00:00Z").unwrap().to_utc();
    let o: crossbook_model::Opportunity = serde_json::from_value(serde_json::json!({
        "link_id": 7, "kind": "moneyline", "league": "NBA", "starts_at": at + Duration::minutes(30), "detected_at": at,
        "legs": [], "cost": "0.96", "fees": "0.01", "edge": "0.03", "max_size": "100", "profit": "3.00",
        "quote_age_ms": {"kalshi": 1, "polymarket": 1}
    }))
    .unwrap();
    let kinds = |got: &common::Received| -> Vec<String> {
        let mut k: Vec<String> =
            got.lock().unwrap().iter().map(|(_, b)| b["type"].as_str().unwrap_or("").to_string()).collect();
        k.sort();
        k
    };
    for (a, _) in [&quotes, &monitor] {
        assert!(a.arbitrage("kalshi_yes", &o, true, at), "each process decides to alert");
    }
    for (a, _) in [&quotes, &monitor] {
        assert!(a.settle(std::time::Duration::from_secs(5)).await);
    }
    assert_eq!(kinds(&got), ["arbitrage"]);
    let text = got.lock().unwrap()[0].1["text"].as_str().unwrap_or("").to_string();
    assert!(text.contains("\nstarts 2026-10-01 14:30:00 EDT"), "the start in the trader's zone: {text}");
    for (a, _) in [&quotes, &monitor] {
        a.closed(o.link_id, "KXNBAGAME-X", "kalshi_yes", at, o.edge, at + Duration::seconds(20));
        a.system("dead quotes", "service quotes: no heartbeat for 31 s", true, at + Duration::seconds(40));
    }
    for (a, w) in [&quotes, &monitor] {
        assert!(a.settle(std::time::Duration::from_secs(5)).await);
        w.flush().await;
    }
    assert_eq!(kinds(&got), ["arbitrage", "closed", "operational"]);
    let recorded = db.store.list_alerts(100).await.unwrap();
    let status = |s: &str| recorded.iter().filter(|r| r.status == s).count();
    assert_eq!((status("sent"), status("duplicate")), (3, 3), "{recorded:?}");
    assert!(
        recorded
            .iter()
            .filter(|r| r.status == "duplicate")
            .all(|r| r.error.as_deref() == Some("delivered by another process"))
    );
}
