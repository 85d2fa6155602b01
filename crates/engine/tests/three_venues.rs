//! Kalshi against Polymarket US end to end over loopback: both ingested from the simulator,
//! matched, watched, their books polled over REST, and the planted arbitrage reported with its
//! figures worked by hand. The Polymarket US event is the real payload
//! (`crates/polymarket_us/tests/data`); the Kalshi game is built in Kalshi's current schema.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;

use common::us::{GAME, capture};
use common::{ALL, config, watch};
use crossbook_engine::ingest::LogProgress;
use crossbook_engine::quotes::poll_once;
use crossbook_engine::watchlist::sync_watchlist;
use crossbook_model::{LinkStatus, Side, Venue};
use crossbook_sim::{Capture, SimConfig};
use crossbook_store::testing::TestDb;
use serde_json::{Value, json};

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

    // A Polymarket US book that cannot be true (a bid of 0.70 over the 0.635 offer) prices
    // nothing: the next pass closes the opportunity.
    sim.state
        .set_level(
            Venue::PolymarketUs,
            "aec-mlb-sd-col-2026-09-16",
            "bid",
            "0.70".parse().unwrap(),
            "10".parse().unwrap(),
        )
        .await;
    poll_once(&db.store, &p.venues, &p.clock, config(30), &ALL).await.unwrap();
    assert!(db.store.list_open_opportunities().await.unwrap().is_empty(), "a crossed book made an opportunity");
    sim.stop().await;
}

/// Polymarket US's three yes/no markets of Liverpool–Fulham (12 Sep 2026), in the shape of the
/// venue's soccer markets (`atc-`, one team on both sides, regulation time).
fn us_soccer_event() -> Value {
    let team = |name: &str, abbr: &str, ordering: &str| json!({"name": name, "abbreviation": abbr, "league": "epl", "alias": name, "safeName": name, "ordering": ordering});
    let market = |suffix: &str, t: Option<Value>, what: &str| {
        let slug = format!("atc-epl-liv-ful-2026-09-12-{suffix}");
        json!({"id": format!("9{}", suffix.len()), "slug": slug, "question": format!("Will {what}?"),
               "description": format!("This market will settle to Yes if {what} in the Liverpool FC vs Fulham FC match scheduled for 2026-09-12, in regulation time (90 minutes plus stoppage time). If the match is postponed and not played within two weeks, the market will settle to the last fair market price."),
               "active": true, "closed": false, "status": "MARKET_STATUS_OPEN", "ep3Status": "OPEN",
               "sportsMarketType": "soccer_team_full_time_winner", "sportsMarketTypeV2": "SPORTS_MARKET_TYPE_DRAWABLE_OUTCOME",
               "orderPriceMinTickSize": 0.01, "minimumTradeQty": 0.01, "feeCoefficient": 0.0695,
               "gameStartTime": "2026-09-12T14:00:00Z", "endDate": "2026-09-26T14:00:00Z",
               "marketSides": [{"long": true, "description": "Yes", "team": t, "tradable": true},
                               {"long": false, "description": "No", "team": t, "tradable": true}]})
    };
    json!({"id": "301", "slug": "epl-liv-ful-2026-09-12", "title": "Liverpool FC vs. Fulham FC",
           "startTime": "2026-09-12T14:00:00Z", "active": true, "closed": false, "category": "sports",
           "markets": [market("liv", Some(team("Liverpool FC", "liv", "home")), "Liverpool FC wins"),
                       market("draw", None, "the match ends in a draw"),
                       market("ful", Some(team("Fulham FC", "ful", "away")), "Fulham FC wins")]})
}

/// Liverpool–Fulham on all three venues with books planted: Kalshi asks (1 − the NO bid)
/// Liverpool 0.40, draw 0.30, Fulham 0.38; Polymarket's Yes and No asks per market as given;
/// Polymarket US Fulham's long side offered at `us_fulham`, nothing bid. Ingested, matched,
/// watched and polled once, trading on paper: the opportunities open then, and the trades.
async fn soccer_priced(
    poly: [(&str, &str, &str); 3],
    us_fulham: &str,
) -> (Vec<crossbook_store::StoredOpportunity>, Vec<crossbook_model::Trade>) {
    let mut c = Capture::bundled();
    c.us_events = vec![us_soccer_event()];
    let kalshi = |yes: &str, no: &str| json!({"orderbook_fp": {"yes_dollars": [[yes, "100.00"]], "no_dollars": [[no, "100.00"]]}});
    c.kalshi_orderbooks.insert("KXEPLGAME-26SEP12LFCFUL-LFC".into(), kalshi("0.3800", "0.6000"));
    c.kalshi_orderbooks.insert("KXEPLGAME-26SEP12LFCFUL-TIE".into(), kalshi("0.2200", "0.7000"));
    c.kalshi_orderbooks.insert("KXEPLGAME-26SEP12LFCFUL-FUL".into(), kalshi("0.2800", "0.6200"));
    for (market, yes, no) in poly {
        let m = c
            .poly_events
            .iter()
            .flat_map(|e| e["markets"].as_array().unwrap().iter())
            .find(|m| m["id"] == market)
            .unwrap();
        let ids: Vec<String> = serde_json::from_str(m["clobTokenIds"].as_str().unwrap()).unwrap();
        for (id, ask) in [(&ids[0], yes), (&ids[1], no)] {
            let mut b = common::poly_book(id, json!([{"price": ask, "size": "100"}]));
            b["tick_size"] = json!("0.01");
            c.poly_books.insert(id.clone(), b);
        }
    }
    let slug = "atc-epl-liv-ful-2026-09-12-ful";
    c.us_books.insert(
        slug.into(),
        json!({"marketData": {"marketSlug": slug, "state": "MARKET_STATE_OPEN", "bids": [],
                              "offers": [{"px": {"value": us_fulham, "currency": "USD"}, "qty": "100"}]}}),
    );
    let sim = crossbook_sim::start(&c, SimConfig::default(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let mut env: BTreeMap<String, String> = sim.env_lines().into_iter().collect();
    env.insert("VENUES".into(), "kalshi,polymarket,polymarket_us".into());
    env.insert("CROSSBOOK_NOW".into(), "2026-09-12T12:00:00Z".into());
    env.insert("EXECUTION_MODE".into(), "paper".into());
    let settings = crossbook_engine::Settings::from_lookup(&|k| env.get(k).cloned()).unwrap();
    let db = TestDb::sqlite().await;
    let p = crossbook_engine::pipeline::Pipeline::new(&settings, db.store.clone()).await.unwrap();
    for &v in p.enabled_venues() {
        p.ingest(v, Arc::new(LogProgress)).await.unwrap();
    }
    p.match_pass().await.unwrap();
    let links = db.store.list_links(Some(LinkStatus::Confirmed)).await.unwrap();
    let game: Vec<_> =
        links.iter().filter(|l| l.candidate.kalshi_event_ticker.as_str() == "KXEPLGAME-26SEP12LFCFUL").collect();
    let venues: Vec<(String, Venue)> =
        game.iter().map(|l| (l.candidate.kalshi_ticker.to_string(), l.candidate.poly_venue)).collect();
    assert_eq!(game.len(), 6, "each Kalshi outcome linked on both other venues: {venues:?}");
    sync_watchlist(&*db.store, &watch(false), p.clock.now()).await.unwrap();
    p.quotes(&ALL).await.unwrap();
    crossbook_engine::desk::lock(&p.desk).run_orders(p.clock.now(), true);
    p.writer.flush().await;
    let open = db.store.list_open_opportunities().await.unwrap();
    let trades = db.store.list_trades(chrono::DateTime::<chrono::Utc>::MIN_UTC).await.unwrap();
    sim.stop().await;
    (open, trades)
}

/// Polymarket's Yes and No asks: Liverpool, draw, Fulham (market ids of the bundled capture).
const POLY_SOCCER: [(&str, &str, &str); 3] =
    [("4048851", "0.45", "0.60"), ("4035513", "0.25", "0.78"), ("4026334", "0.30", "0.72")];

/// One soccer game's three outcomes bought across all three venues: Liverpool on Kalshi, the draw
/// on Polymarket, Fulham on Polymarket US, each where it is cheapest.
#[tokio::test]
async fn a_three_way_soccer_set_spans_three_venues() {
    let slug = "atc-epl-liv-ful-2026-09-12-ful";
    let (open, _) = soccer_priced(POLY_SOCCER, "0.28").await;
    let three: Vec<_> = open.iter().filter(|o| o.direction == "three_way").collect();
    assert_eq!(three.len(), 1, "{:?}", open.iter().map(|o| &o.direction).collect::<Vec<_>>());
    let o = &three[0].opportunity;
    // By hand, 100 sets: Kalshi Liverpool 0.40 (fee 0.07 × 100 × 0.40 × 0.60 = 1.68), Polymarket
    // draw 0.25 (no fee on this market), Polymarket US Fulham 0.28 (0.0695 × 100 × 0.28 × 0.72 =
    // 1.40112 → 1.41): 100 − 40 − 25 − 28 − 1.68 − 1.41 = 3.91 (the best on two venues, Polymarket
    // Fulham at 0.30, makes 3.32).
    let mut legs: Vec<(Venue, String)> =
        o.legs.iter().map(|l| (l.venue, l.ticker.clone().or(l.outcome.clone()).unwrap_or_default())).collect();
    legs.sort();
    assert_eq!(
        legs,
        [
            (Venue::Kalshi, "KXEPLGAME-26SEP12LFCFUL-LFC".to_string()),
            (Venue::Polymarket, "Yes".to_string()),
            (Venue::PolymarketUs, slug.to_string()),
        ]
    );
    assert_eq!((o.max_size.to_string(), o.profit.to_string()), ("100".into(), "3.91".into()));
    assert_eq!(
        (o.capital.kalshi.to_string(), o.capital.polymarket.to_string(), o.capital.polymarket_us.to_string()),
        ("41.68".into(), "25".into(), "29.41".into())
    );
    // No Polymarket ↔ Polymarket US pair pays here: Fulham's No at 0.72 with its long side at
    // 0.28 costs a dollar before fees.
    assert!(open.iter().all(|o| !o.direction.starts_with("bridge")), "{open:?}");
}

/// The third venue pair: Polymarket against Polymarket US, through the Kalshi market linked to
/// both (Fulham to win: Polymarket's Yes and Polymarket US's long side pay exactly when Kalshi's
/// YES does). Polymarket's Fulham No at 0.62 with Polymarket US's Fulham long at 0.30.
#[tokio::test]
async fn polymarket_and_polymarket_us_are_priced_against_each_other() {
    let slug = "atc-epl-liv-ful-2026-09-12-ful";
    let poly = [POLY_SOCCER[0], POLY_SOCCER[1], ("4026334", "0.30", "0.62")];
    let (open, trades) = soccer_priced(poly, "0.30").await;
    let bridge: Vec<_> = open.iter().filter(|o| o.direction.starts_with("bridge")).collect();
    assert_eq!(bridge.len(), 1, "{:?}", open.iter().map(|o| &o.direction).collect::<Vec<_>>());
    assert_eq!(bridge[0].direction, "bridge_other");
    let o = &bridge[0].opportunity;
    // By hand, 100 sets: Polymarket Fulham No 0.62 (no fee on this market), Polymarket US
    // Fulham long 0.30 (0.0695 × 100 × 0.30 × 0.70 = 1.4595 → 1.46): 100 − 62 − 30 − 1.46 = 6.54.
    let legs: Vec<(Venue, Option<&str>, Option<&str>)> =
        o.legs.iter().map(|l| (l.venue, l.outcome.as_deref(), l.ticker.as_deref())).collect();
    assert_eq!(legs, [(Venue::Polymarket, Some("No"), None), (Venue::PolymarketUs, None, Some(slug))]);
    assert_eq!(o.legs[1].side, Some(crossbook_model::Side::Yes));
    assert_eq!((o.max_size.to_string(), o.profit.to_string()), ("100".into(), "6.54".into()));
    assert_eq!((o.capital.polymarket.to_string(), o.capital.polymarket_us.to_string()), ("62".into(), "31.46".into()));
    assert_eq!(o.capital.kalshi.to_string(), "0");
    // The three-way set buys Fulham on Polymarket (its Yes at 0.30, no fee, beats Polymarket US's
    // 0.30 with its fee): 100 − 40 − 25 − 30 − 1.68 = 3.32. It buys from no book the bridge buys
    // from, so both stand.
    let three = &open.iter().find(|o| o.direction == "three_way").expect("the three-way set").opportunity;
    assert_eq!((three.profit.to_string(), three.alternative_to), ("3.32".into(), None));
    assert!(three.legs.iter().all(|l| l.venue != Venue::PolymarketUs && l.outcome.as_deref() != Some("No")));
    // On paper the bridge is taken with each leg's own terms (Polymarket US's fee, half-cent
    // grid): the books unchanged, it makes what it promised at the 100 contracts the cap allows.
    let t = trades.iter().find(|t| t.direction == "bridge_other").expect("the bridge traded on paper");
    assert_eq!((t.status, t.sets.to_string(), t.pnl), (crossbook_model::TradeStatus::Hedged, "100".into(), o.profit));
    let venues: Vec<Venue> = t.fills.iter().map(|f| f.contract.venue).collect();
    assert!(venues.contains(&Venue::Polymarket) && venues.contains(&Venue::PolymarketUs), "{venues:?}");
}
