//! Arbitrage end to end over loopback: ingest → match → watchlist → REST quotes → opportunities,
//! on the bundled capture with books planted by hand in the test.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::Duration;
use crossbook_engine::ingest::{IngestOptions, LogProgress, Mode, ingest_kalshi, ingest_polymarket};
use crossbook_engine::quotes::{QuotesConfig, poll_once};
use crossbook_engine::review::{ReviewConfig, run_matching};
use crossbook_engine::watchlist::{WatchConfig, sync_watchlist};
use crossbook_engine::{Clock, Venues};
use crossbook_model::{Decider, LinkStatus, Side, Topic};
use crossbook_sim::{Capture, SimConfig};
use crossbook_store::testing::TestDb;
use crossbook_store::Priority;
use serde_json::{Value, json};

const ALL: [Priority; 3] = [Priority::High, Priority::Medium, Priority::Low];

fn token(capture: &Capture, slug: &str, outcome: usize) -> String {
    let e = capture.poly_events.iter().find(|e| e["slug"] == slug).unwrap();
    let ml = e["markets"].as_array().unwrap().iter().find(|m| m["sportsMarketType"] == "moneyline").unwrap();
    let ids: Vec<String> = serde_json::from_str(ml["clobTokenIds"].as_str().unwrap()).unwrap();
    ids[outcome].clone()
}

fn poly_book(token: &str, asks: Value) -> Value {
    json!({"market": "0x", "asset_id": token, "timestamp": "1768002600000", "bids": [{"price": "0.30", "size": "10"}], "asks": asks})
}

/// The bundled capture with MIL@LAL's books planted: Kalshi MIL YES asks 0.42 × 100 and 0.44 × 100
/// (NO bids 0.58 and 0.56, price-ascending as recorded); Polymarket Lakers asks 0.53 × 50 and
/// 0.55 × 200 (descending as recorded); Bucks asks 0.60 × 500. The PHI–TOR rematch of Jan 12
/// (which no Kalshi market matches) gets absurdly cheap books.
fn planted() -> Capture {
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

struct Setup {
    db: TestDb,
    venues: Venues,
    clock: Clock,
    sim: crossbook_sim::SimHandle,
}

async fn setup(capture: &Capture) -> Setup {
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

fn config(stale_s: i64) -> QuotesConfig {
    QuotesConfig { stale_after: Duration::seconds(stale_s), cycle: Duration::seconds(60) }
}

fn watch(include_suggested: bool) -> WatchConfig {
    WatchConfig { limit: 500, high_within: std::time::Duration::from_secs(7200), include_suggested }
}

#[tokio::test]
async fn planted_arbitrage_is_reported_with_hand_worked_figures() {
    let s = setup(&planted()).await;
    sync_watchlist(&*s.db.store, &watch(false), s.clock.now()).await.unwrap();
    let r = poll_once(&*s.db.store, &s.venues, &s.clock, config(30), &ALL).await.unwrap();
    assert_eq!((r.kalshi_books, r.failed), (54, 0));
    let open = s.db.store.list_open_opportunities().await.unwrap();
    let mil = open
        .iter()
        .map(|o| &o.opportunity)
        .find(|o| o.legs[0].ticker.as_deref() == Some("KXNBAGAME-26JAN09MILLAL-MIL"))
        .expect("the planted MIL@LAL opportunity");
    // By hand: 50 pairs at 0.42 + 0.53 and 50 at 0.42 + 0.55 each keep a positive edge after
    // the 0.07·0.42·0.58 = 0.017052 Kalshi fee; 0.44 + 0.55 = 0.99 + 0.017248 does not.
    // 100 pairs: Kalshi 42.00, Polymarket 26.50 + 27.50 = 54.00, Kalshi fee ceil(1.7052) = 1.71.
    assert_eq!(mil.legs[0].side, Some(Side::Yes));
    assert_eq!(mil.legs[1].outcome.as_deref(), Some("Lakers"));
    assert_eq!(mil.max_size.to_string(), "100");
    assert_eq!((mil.legs[0].price.to_string(), mil.legs[1].price.to_string()), ("0.42".into(), "0.54".into()));
    assert_eq!((mil.cost.to_string(), mil.fees.to_string()), ("0.96".into(), "0.0171".into()));
    assert_eq!((mil.edge.to_string(), mil.profit.to_string()), ("0.0229".into(), "2.29".into()));
    // The rematch's cheap books make nothing: no link pairs a Kalshi market with that game.
    let rematch: Vec<String> = (0..2).map(|i| token(&planted(), "nba-phi-tor-2026-01-12", i)).collect();
    assert!(
        open.iter().all(|o| o
            .opportunity
            .legs
            .iter()
            .all(|l| !rematch.contains(&l.token_id.clone().unwrap_or_default())))
    );
    // A second pass refreshes the same opportunities, it does not duplicate them.
    poll_once(&*s.db.store, &s.venues, &s.clock, config(30), &ALL).await.unwrap();
    let again = s.db.store.list_open_opportunities().await.unwrap();
    assert_eq!(again.iter().map(|o| o.id).collect::<Vec<_>>(), open.iter().map(|o| o.id).collect::<Vec<_>>());
    s.sim.stop().await;
}

#[tokio::test]
async fn no_opportunity_from_stale_books() {
    let s = setup(&planted()).await;
    sync_watchlist(&*s.db.store, &watch(false), s.clock.now()).await.unwrap();
    // Books count as stale at once: nothing may be built from them.
    let r = poll_once(&*s.db.store, &s.venues, &s.clock, config(0), &ALL).await.unwrap();
    assert_eq!(r.opportunities, 0);
    assert!(s.db.store.list_open_opportunities().await.unwrap().is_empty());
    s.sim.stop().await;
}

#[tokio::test]
async fn no_opportunity_from_a_suggested_link() {
    let s = setup(&planted()).await;
    let links = s.db.store.list_links(None).await.unwrap();
    let mil = links.iter().find(|l| l.candidate.kalshi_ticker.as_str() == "KXNBAGAME-26JAN09MILLAL-MIL").unwrap();
    s.db.store
        .decide_link(mil.id, LinkStatus::Suggested, &Decider::Human("ana".into()), "unsure", s.clock.now())
        .await
        .unwrap();
    // Even watched (suggested links watched on request), it yields no opportunity.
    let w = sync_watchlist(&*s.db.store, &watch(true), s.clock.now()).await.unwrap();
    assert!(w.iter().any(|e| e.link_id == mil.id));
    poll_once(&*s.db.store, &s.venues, &s.clock, config(30), &ALL).await.unwrap();
    let open = s.db.store.list_open_opportunities().await.unwrap();
    assert!(!open.is_empty(), "the other planted games still show");
    assert!(open.iter().all(|o| o.opportunity.link_id != mil.id));
    s.sim.stop().await;
}

#[tokio::test]
async fn an_opportunity_that_vanishes_is_closed() {
    let s = setup(&planted()).await;
    sync_watchlist(&*s.db.store, &watch(false), s.clock.now()).await.unwrap();
    poll_once(&*s.db.store, &s.venues, &s.clock, config(30), &ALL).await.unwrap();
    let on_mil_lal = |v: &[crossbook_store::StoredOpportunity]| {
        v.iter().filter(|o| o.opportunity.legs[0].ticker.as_deref().is_some_and(|t| t.contains("MILLAL"))).count()
    };
    let before = s.db.store.list_open_opportunities().await.unwrap();
    // Cheap Lakers show on both Kalshi markets: MIL YES + Lakers, and LAL NO + Lakers.
    assert_eq!(on_mil_lal(&before), 2);
    // The same links, now quoted from the unplanted capture: MIL@LAL's edge is gone.
    let plain = setup(&Capture::bundled()).await;
    poll_once(&*s.db.store, &plain.venues, &s.clock, config(30), &ALL).await.unwrap();
    let after = s.db.store.list_open_opportunities().await.unwrap();
    assert_eq!((on_mil_lal(&after), after.len()), (0, before.len() - 2));
    s.sim.stop().await;
    plain.sim.stop().await;
}
