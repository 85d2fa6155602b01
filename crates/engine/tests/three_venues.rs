//! Kalshi against Polymarket US end to end over loopback: both ingested from the simulator,
//! matched, watched, their books polled over REST, and the planted arbitrage reported with its
//! figures worked by hand. The Polymarket US event is the real payload
//! (`crates/polymarket_us/tests/data`); the Kalshi game is built in Kalshi's current schema.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;

use common::{ALL, config, watch};
use crossbook_engine::ingest::LogProgress;
use crossbook_engine::quotes::poll_once;
use crossbook_engine::watchlist::sync_watchlist;
use crossbook_model::{LinkStatus, Side, Venue};
use crossbook_sim::{Capture, SimConfig};
use crossbook_store::testing::TestDb;
use serde_json::{Value, json};

const GAME: &str = "KXMLBGAME-26SEP162040SDCOL";

fn capture() -> Capture {
    let end = "2026-09-17T03:40:00Z";
    let market = |code: &str, name: &str| {
        json!({"ticker": format!("{GAME}-{code}"), "event_ticker": GAME, "market_type": "binary",
               "title": "San Diego vs Colorado Winner?", "yes_sub_title": name, "no_sub_title": name,
               "status": "active", "close_time": "2026-10-01T03:40:00Z", "expected_expiration_time": end,
               "occurrence_datetime": end, "yes_bid_dollars": "0.0000", "yes_ask_dollars": "0.3000",
               "last_price_dollars": "0.3000", "volume_fp": "100.00", "price_level_structure": "linear_cent",
               "result": "",
               "rules_primary": "If Colorado wins the San Diego vs Colorado professional baseball game scheduled for Sep 16, 2026, then the market resolves to Yes."})
    };
    let page: Value = serde_json::from_str(include_str!("../../polymarket_us/tests/data/events.json")).unwrap();
    let slug = "aec-mlb-sd-col-2026-09-16";
    let mut c = Capture {
        now: Some("2026-09-16T20:00:00Z".parse().unwrap()),
        kalshi_series: vec![json!({"ticker": "KXMLBGAME", "title": "MLB Game", "category": "Sports",
                                   "fee_type": "quadratic", "fee_multiplier": 1})],
        kalshi_events: vec![
            json!({"event_ticker": GAME, "series_ticker": "KXMLBGAME", "title": "San Diego vs Colorado",
                                   "sub_title": "SD at COL (Sep 16)", "category": "Sports",
                                   "markets": [market("SD", "San Diego"), market("COL", "Colorado")]}),
        ],
        us_events: page["events"].as_array().unwrap().clone(),
        ..Default::default()
    };
    // Kalshi: Colorado YES at 0.30 (a NO bid at 0.70), 100 deep.
    c.kalshi_orderbooks.insert(
        format!("{GAME}-COL"),
        json!({"orderbook_fp": {"yes_dollars": [], "no_dollars": [["0.7000", "100.00"]]}}),
    );
    // Polymarket US: San Diego (its long side) offered at 0.635, 50 deep; nobody bids.
    c.us_books.insert(
        slug.into(),
        json!({"marketData": {"marketSlug": slug, "state": "MARKET_STATE_OPEN", "bids": [],
                              "offers": [{"px": {"value": "0.635", "currency": "USD"}, "qty": "50"}]}}),
    );
    c
}

#[tokio::test]
async fn kalshi_and_polymarket_us_make_the_planted_arbitrage() {
    let capture = capture();
    let sim = crossbook_sim::start(&capture, SimConfig::default(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let mut env: BTreeMap<String, String> = sim.env_lines().into_iter().collect();
    env.insert("VENUES".into(), "kalshi,polymarket_us".into());
    env.insert("CROSSBOOK_NOW".into(), "2026-09-16T20:00:00Z".into());
    let settings = crossbook_engine::Settings::from_lookup(&|k| env.get(k).cloned()).unwrap();
    let db = TestDb::sqlite().await;
    let p = crossbook_engine::pipeline::Pipeline::new(&settings, db.store.clone()).await.unwrap();
    for &v in p.enabled_venues() {
        let r = p.ingest(v, Arc::new(LogProgress)).await.unwrap();
        assert!(r.stored > 0, "{v}: {r:?}");
    }
    p.match_pass().await.unwrap();
    let links = db.store.list_links(Some(LinkStatus::Confirmed)).await.unwrap();
    let col = links.iter().find(|l| l.candidate.kalshi_ticker.as_str() == format!("{GAME}-COL")).expect("COL linked");
    assert_eq!(col.candidate.poly_venue, Venue::PolymarketUs);
    assert_eq!(
        (col.candidate.poly_market_id.as_str(), col.candidate.poly_outcome_index),
        ("aec-mlb-sd-col-2026-09-16", 1)
    );

    sync_watchlist(&*db.store, &watch(false), p.clock.now()).await.unwrap();
    let r = poll_once(&db.store, &p.venues, &p.clock, config(30), &ALL).await.unwrap();
    assert_eq!((r.us_books, r.failed), (1, 0), "{r:?}");
    let open = db.store.list_open_opportunities().await.unwrap();
    assert_eq!(open.len(), 1, "{open:?}");
    let o = &open[0].opportunity;
    // By hand, 50 sets (the US offer's depth): Kalshi Colorado YES 50 × 0.30 = 15.00, its fee
    // 0.07 × 50 × 0.30 × 0.70 = 0.735, and the cent balance rounds −15.735 to −15.74: 0.74.
    // Polymarket US San Diego (long) 50 × 0.635 = 31.75, its fee at the market's coefficient
    // 0.06 × 50 × 0.635 × 0.365 = 0.695325 → 0.70. Profit 50 − 15 − 31.75 − 0.74 − 0.70 = 1.81.
    assert_eq!(o.legs.len(), 2);
    assert_eq!((o.legs[0].venue, o.legs[0].side), (Venue::Kalshi, Some(Side::Yes)));
    assert_eq!(
        (o.legs[1].venue, o.legs[1].ticker.as_deref(), o.legs[1].side),
        (Venue::PolymarketUs, Some("aec-mlb-sd-col-2026-09-16"), Some(Side::Yes))
    );
    assert_eq!((o.max_size.to_string(), o.profit.to_string()), ("50".into(), "1.81".into()));
    assert_eq!((o.legs[0].fee.unwrap().to_string(), o.legs[1].fee.unwrap().to_string()), ("0.74".into(), "0.7".into()));
    assert_eq!((o.capital.kalshi.to_string(), o.capital.polymarket_us.to_string()), ("15.74".into(), "32.45".into()));
    // What a trader reads in the alert and the report names the venue and the side to buy.
    let leg = crossbook_engine::reports::leg_text(&o.legs[1]);
    assert!(leg.starts_with("Polymarket US long aec-mlb-sd-col-2026-09-16 50 @ limit 0.635"), "{leg}");
    let money = crossbook_engine::reports::money_text(o);
    assert!(money.contains("capital Kalshi $15.74 + Polymarket US $32.45"), "{money}");
    sim.stop().await;
}
