//! Settlement equivalence and the game-status gate, end to end over loopback.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{ALL, config, planted, setup, watch};
use crossbook_engine::alerts::AlertConfig;
use crossbook_engine::desk::lock;
use crossbook_engine::monitor::monitor_once;
use crossbook_engine::quotes::poll_once;
use crossbook_engine::watchlist::sync_watchlist;
use crossbook_model::{Decider, LinkStatus, RuleRisk};
use crossbook_sim::Capture;
use serde_json::json;
use tokio::sync::mpsc;

const MIL: &str = "KXNBAGAME-26JAN09MILLAL-MIL";

fn set_kalshi_rules(c: &mut Capture, ticker: &str, secondary: &str) {
    for e in &mut c.kalshi_events {
        for m in e["markets"].as_array_mut().into_iter().flatten() {
            if m["ticker"] == ticker {
                m["rules_secondary"] = json!(secondary);
            }
        }
    }
}

fn mil_open(v: &[crossbook_store::StoredOpportunity]) -> bool {
    v.iter().any(|o| o.opportunity.legs[0].ticker.as_deref() == Some(MIL))
}

#[tokio::test]
async fn every_link_carries_its_class_and_reasons() {
    let s = setup(&Capture::bundled()).await;
    let links = s.db.store.list_links(None).await.unwrap();
    assert_eq!(links.len(), 285);
    for l in &links {
        // Kalshi's texts say nothing on cancellation (its policy: a fair price); Polymarket's
        // resolves 50-50; Kalshi waits two weeks for a postponed game, Polymarket until played.
        assert_eq!(l.rule_risk, Some(RuleRisk::Minor), "{}", l.candidate.kalshi_ticker);
        assert!(l.rule_reasons.iter().any(|r| r.starts_with("cancellation:")), "{:?}", l.rule_reasons);
        assert_eq!(l.status, LinkStatus::Confirmed, "minor does not block confirmation");
    }
    s.sim.stop().await;
}

#[tokio::test]
async fn an_incompatible_pair_is_never_confirmed_automatically_and_makes_no_opportunity() {
    let mut c = planted();
    set_kalshi_rules(
        &mut c,
        MIL,
        "Regulation time only; overtime will not count. If the game is postponed, the market will resolve void.",
    );
    let s = setup(&c).await;
    let link =
        s.db.store
            .list_links(None)
            .await
            .unwrap()
            .into_iter()
            .find(|l| l.candidate.kalshi_ticker.as_str() == MIL)
            .unwrap();
    assert_eq!((link.rule_risk, link.status), (Some(RuleRisk::Incompatible), LinkStatus::Suggested));
    assert!(link.rule_reasons.iter().any(|r| r.starts_with("play after regulation")), "{:?}", link.rule_reasons);
    assert!(link.rule_reasons.iter().any(|r| r.starts_with("postponement: Kalshi voids")), "{:?}", link.rule_reasons);
    // Even confirmed by a person, the planted cheap books make nothing on it.
    s.db.store
        .decide_link(link.id, LinkStatus::Confirmed, &Decider::Human("ana".into()), "looked fine", s.clock.now())
        .await
        .unwrap();
    sync_watchlist(&*s.db.store, &watch(false), s.clock.now()).await.unwrap();
    poll_once(&s.db.store, &s.venues, &s.clock, config(30), &ALL).await.unwrap();
    assert!(!mil_open(&s.db.store.list_open_opportunities().await.unwrap()));
    s.sim.stop().await;
}

#[tokio::test]
async fn no_opportunity_on_a_finished_game() {
    let mut c = planted();
    // Gamma keeps a finished game active and accepting orders; its period says it is over.
    let e = c.poly_events.iter_mut().find(|e| e["slug"] == "nba-mil-lal-2026-01-09").unwrap();
    e["ended"] = json!(true);
    e["period"] = json!("VFT");
    let s = setup(&c).await;
    sync_watchlist(&*s.db.store, &watch(false), s.clock.now()).await.unwrap();
    poll_once(&s.db.store, &s.venues, &s.clock, config(30), &ALL).await.unwrap();
    let open = s.db.store.list_open_opportunities().await.unwrap();
    assert!(!mil_open(&open));
    assert!(!open.is_empty(), "other games still show");
    s.sim.stop().await;
}

#[tokio::test]
async fn a_game_going_live_on_the_sports_socket_closes_its_opportunities() {
    let s = setup(&planted()).await;
    sync_watchlist(&*s.db.store, &watch(false), s.clock.now()).await.unwrap();
    let env: BTreeMap<String, String> = s.sim.env_lines().into_iter().collect();
    let d = common::desk(&s, None, 30);
    let links = crossbook_engine::desk::LinkSet::load(&*s.db.store).await.unwrap();
    let all = links.books_of(None);
    let (tickers, tokens) =
        (all[crossbook_model::Venue::Kalshi].clone(), all[crossbook_model::Venue::Polymarket].clone());
    lock(&d.desk).set_links(links, s.clock.now());
    let mil_link =
        s.db.store
            .list_links(None)
            .await
            .unwrap()
            .into_iter()
            .find(|l| l.candidate.kalshi_ticker.as_str() == MIL)
            .unwrap()
            .id;
    let cfg = crossbook_net::ws::StreamConfig::default();
    let (tx, mut rx) = mpsc::channel(4096);
    let (gtx, mut grx) = mpsc::channel(16);
    let k = tokio::spawn(crossbook_kalshi::websocket::run_orderbook_stream(
        env["KALSHI_WS_URL"].clone(),
        None,
        tickers,
        tx.clone(),
        cfg,
        Default::default(),
    ));
    let p = tokio::spawn(crossbook_polymarket::websocket::run_market_stream(
        env["POLYMARKET_WS_URL"].clone(),
        tokens,
        tx,
        cfg,
        Default::default(),
    ));
    let g = tokio::spawn(crossbook_polymarket::websocket::run_sports_stream(
        env["POLYMARKET_SPORTS_WS_URL"].clone(),
        gtx,
        cfg,
        Default::default(),
    ));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !lock(&d.desk).open().contains_key(&mil_link) {
        let e = tokio::time::timeout_at(deadline, rx.recv()).await.expect("no opportunity").unwrap();
        lock(&d.desk).on_event(&e, s.clock.now());
    }
    d.writer.flush().await;
    assert!(mil_open(&s.db.store.list_open_opportunities().await.unwrap()), "written behind the decision");
    // The live-scores socket reports tip-off, in the real frames' shape: keyed by `gameId`
    // (the Gamma event's), no slug.
    tokio::time::sleep(Duration::from_millis(100)).await;
    s.sim.state.send_score(json!({"gameId": 20023006, "leagueAbbreviation": "nba",
        "homeTeam": "Lakers", "awayTeam": "Bucks", "status": "InProgress", "score": "0-2", "period": "Q1", "elapsed": "11:40",
        "live": true, "ended": false}));
    let result = tokio::time::timeout_at(deadline, grx.recv()).await.expect("no game state").unwrap();
    assert_eq!(
        (result.game_key().as_deref(), result.live, result.score.as_deref()),
        (Some("20023006"), Some(true), Some("0-2"))
    );
    lock(&d.desk).on_game(crossbook_engine::game::GameState::of(result, s.clock.now()).unwrap());
    assert!(!lock(&d.desk).open().contains_key(&mil_link));
    d.writer.flush().await;
    assert!(!mil_open(&s.db.store.list_open_opportunities().await.unwrap()), "started: no opportunity");
    k.abort();
    p.abort();
    g.abort();
    s.sim.stop().await;
}

#[tokio::test]
async fn an_alert_shows_the_minor_class_with_its_reason() {
    let s = setup(&planted()).await;
    sync_watchlist(&*s.db.store, &watch(false), s.clock.now()).await.unwrap();
    let d = common::desk(
        &s,
        Some(AlertConfig {
            url: None,
            ..AlertConfig::from_settings(&crossbook_engine::Settings::from_lookup(&|_| None).unwrap())
        }),
        30,
    );
    let r = monitor_once(&*s.db.store, &s.venues, &s.clock, &d.desk, config(30), chrono::Duration::minutes(15))
        .await
        .unwrap();
    assert_eq!(r.alerts, 1);
    d.settle().await;
    let alert = &s.db.store.list_alerts(1).await.unwrap()[0];
    let text = alert.payload["text"].as_str().unwrap();
    assert!(text.contains("settlement rules: minor — ") && text.contains("cancellation:"), "{text}");
    let open = s.db.store.list_open_opportunities().await.unwrap();
    assert!(
        open.iter().all(|o| o.opportunity.rule_risk == Some(RuleRisk::Minor) && !o.opportunity.rule_reasons.is_empty())
    );
    s.sim.stop().await;
}

#[tokio::test]
async fn planted_rule_differences_on_the_multi_league_capture() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/leagues");
    let s = setup(&Capture::load(&dir).unwrap()).await;
    let links = s.db.store.list_links(None).await.unwrap();
    let class = |prefix: &str| -> Vec<(RuleRisk, LinkStatus, Vec<String>)> {
        links
            .iter()
            .filter(|l| l.candidate.kalshi_ticker.as_str().starts_with(prefix))
            .map(|l| (l.rule_risk.unwrap(), l.status, l.rule_reasons.clone()))
            .collect()
    };
    let epl = class("KXEPLGAME");
    assert_eq!(epl.len(), 3);
    for (risk, status, reasons) in &epl {
        assert_eq!((*risk, *status), (RuleRisk::Incompatible, LinkStatus::Suggested), "{reasons:?}");
        assert!(
            reasons.iter().any(|r| r
                == "play after regulation: Kalshi settles on regulation time, Polymarket counts overtime / extra time"),
            "{reasons:?}"
        );
    }
    let tennis = class("KXATPMATCH");
    assert_eq!(tennis.len(), 2);
    for (risk, _, reasons) in &tennis {
        assert_eq!(*risk, RuleRisk::Incompatible);
        assert!(
            reasons.iter().any(|r| r == "retirement: Kalshi pays the advancing player, Polymarket voids"),
            "{reasons:?}"
        );
    }
    for (risk, _, reasons) in class("KXNFLGAME") {
        assert_eq!(risk, RuleRisk::Minor, "{reasons:?}");
    }
    s.sim.stop().await;
}
