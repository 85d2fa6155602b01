//! Arbitrage end to end over loopback: ingest → match → watchlist → REST quotes → opportunities,
//! on the bundled capture with books planted by hand in the test.

mod common;

use common::{ALL, config, planted, setup, token, watch};
use crossbook_engine::quotes::poll_once;
use crossbook_engine::watchlist::sync_watchlist;
use crossbook_model::{Decider, LinkStatus, Side};
use crossbook_sim::Capture;

#[tokio::test]
async fn planted_arbitrage_is_reported_with_hand_worked_figures() {
    let s = setup(&planted()).await;
    sync_watchlist(&*s.db.store, &watch(false), s.clock.now()).await.unwrap();
    let r = poll_once(&s.db.store, &s.venues, &s.clock, config(30), &ALL).await.unwrap();
    assert_eq!((r.kalshi_books, r.failed), (285, 0));
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
    // The link's chart point: both venues' best asks and the edge.
    let since = s.clock.now() - chrono::Duration::minutes(1);
    let points = s.db.store.quote_samples(mil.link_id, since, 10).await.unwrap();
    let p = points.last().expect("a chart point for MIL@LAL");
    let price = |v: Option<crossbook_model::Price>| v.map(|p| p.to_string());
    assert_eq!(
        (price(p.kalshi_yes), price(p.kalshi_no), price(p.poly_yes), price(p.poly_no)),
        (Some("0.42".into()), Some("0.6".into()), Some("0.6".into()), Some("0.53".into())),
        "Kalshi YES ask, NO ask (1 − best YES bid 0.40), Bucks and Lakers asks"
    );
    assert_eq!(p.edge, Some(mil.edge));
    // A second pass refreshes the same opportunities, it does not duplicate them.
    poll_once(&s.db.store, &s.venues, &s.clock, config(30), &ALL).await.unwrap();
    let again = s.db.store.list_open_opportunities().await.unwrap();
    assert_eq!(again.iter().map(|o| o.id).collect::<Vec<_>>(), open.iter().map(|o| o.id).collect::<Vec<_>>());
    s.sim.stop().await;
}

#[tokio::test]
async fn no_opportunity_from_stale_books() {
    let s = setup(&planted()).await;
    sync_watchlist(&*s.db.store, &watch(false), s.clock.now()).await.unwrap();
    // Books count as stale at once: nothing may be built from them.
    let r = poll_once(&s.db.store, &s.venues, &s.clock, config(0), &ALL).await.unwrap();
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
    poll_once(&s.db.store, &s.venues, &s.clock, config(30), &ALL).await.unwrap();
    let open = s.db.store.list_open_opportunities().await.unwrap();
    assert!(!open.is_empty(), "the other planted games still show");
    assert!(open.iter().all(|o| o.opportunity.link_id != mil.id));
    s.sim.stop().await;
}

#[tokio::test]
async fn an_opportunity_that_vanishes_is_closed() {
    let s = setup(&planted()).await;
    sync_watchlist(&*s.db.store, &watch(false), s.clock.now()).await.unwrap();
    poll_once(&s.db.store, &s.venues, &s.clock, config(30), &ALL).await.unwrap();
    let on_mil_lal = |v: &[crossbook_store::StoredOpportunity]| {
        v.iter().filter(|o| o.opportunity.legs[0].ticker.as_deref().is_some_and(|t| t.contains("MILLAL"))).count()
    };
    let before = s.db.store.list_open_opportunities().await.unwrap();
    // Cheap Lakers show on both Kalshi markets: MIL YES + Lakers, and LAL NO + Lakers.
    assert_eq!(on_mil_lal(&before), 2);
    // The same links, now quoted from the unplanted capture: MIL@LAL's edge is gone.
    let plain = setup(&Capture::bundled()).await;
    poll_once(&s.db.store, &plain.venues, &s.clock, config(30), &ALL).await.unwrap();
    let after = s.db.store.list_open_opportunities().await.unwrap();
    assert_eq!((on_mil_lal(&after), after.len()), (0, before.len() - 2));
    s.sim.stop().await;
    plain.sim.stop().await;
}
