//! Markets that stop taking orders, mid-run, on the simulator's sockets and REST as the venues
//! announce it: a Kalshi market paused (its lifecycle channel), a Polymarket market no longer
//! accepting orders (Gamma alone says so), another resolved (`market_resolved` on the market
//! socket). Their open opportunities close at once with their closing alerts, nothing reopens
//! on them however their books move, the store and the desk say why; the fourth game trades on.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use common::{alert_config, planted, poly_book, receiver, setup, token, watch};
use crossbook_engine::desk::{AlertPolicy, Desk, DeskConfig, lock, refresh};
use crossbook_engine::quotes::{QuotesConfig, poll};
use crossbook_engine::watchlist::sync_watchlist;
use crossbook_model::{LinkId, MarketState, Money, Venue};
use crossbook_store::MarketFilter;
use serde_json::json;

const NOP: &str = "KXNBAGAME-26JAN09NOPWAS-NOP";
const LAC: &str = "KXNBAGAME-26JAN09LACBKN-BKN";
const MIL: &str = "KXNBAGAME-26JAN09MILLAL-MIL";
const TOR: &str = "KXNBAGAME-26JAN09TORBOS-TOR";
/// Gamma's LAC@BKN and MIL@LAL moneylines.
const LAC_MARKET: &str = "1096964";
const MIL_MARKET: &str = "1096983";

/// Waits up to 10 s for `done`, feeding nothing: the runtime's tasks do the work.
async fn until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..200 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} within 10 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markets_that_stop_taking_orders_close_their_opportunities_and_nothing_else() {
    // Four planted edges: NOP@WAS and LAC@BKN (the bundled capture), MIL@LAL (the common
    // planting), TOR@BOS (Kalshi TOR YES ask 0.42 × 100, Celtics ask 0.53 × 100).
    let mut capture = planted();
    capture.kalshi_orderbooks.insert(
        TOR.into(),
        json!({"orderbook_fp": {"yes_dollars": [["0.4000", "10.00"]], "no_dollars": [["0.5800", "100.00"]]}}),
    );
    let celtics = token(&capture, "nba-tor-bos-2026-01-09", 1);
    capture.poly_books.insert(celtics.clone(), poly_book(&celtics, json!([{"price": "0.53", "size": "100"}])));
    let s = setup(&capture).await;
    sync_watchlist(&*s.db.store, &watch(false), s.clock.now()).await.unwrap();

    // The runtime as `run` builds it: Kalshi's socket signed with the test key.
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("kalshi.pem");
    std::fs::write(&key, include_str!("../../kalshi/test_data/test_key_pkcs8.pem")).unwrap();
    std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let mut env: BTreeMap<String, String> = s.sim.env_lines().into_iter().collect();
    env.insert("KALSHI_API_KEY_ID".into(), "tradability-test".into());
    env.insert("KALSHI_PRIVATE_KEY_PATH".into(), key.display().to_string());
    let settings = crossbook_engine::Settings::from_lookup(&|k| env.get(k).cloned()).unwrap();
    let venues = crossbook_engine::Venues::from_settings(&settings).unwrap();
    assert!(venues.kalshi_signer.is_some());
    let (hook, got) = receiver().await;
    let writer = crossbook_engine::writer::Writer::start(s.db.store.clone());
    let streams = Arc::new(crossbook_engine::stream_status::StreamStatus::default());
    let alerter = crossbook_engine::alerts::Alerter::start(
        writer.clone(),
        alert_config(format!("{hook}/alerts")),
        streams.latencies.decision_alert.clone(),
    )
    .unwrap();
    let cfg = DeskConfig {
        stale_after: chrono::Duration::seconds(60),
        live_threshold: chrono::Duration::minutes(15),
        allow_in_play: false,
        precision: Default::default(),
        // Every opportunity alerts (not only the games starting within 15 minutes).
        alerts: AlertPolicy { near_start_only: false, ..AlertPolicy::default() },
    };
    let desk = Arc::new(std::sync::Mutex::new(Desk::new(cfg, writer.clone(), Some(alerter.clone()), streams.clone())));
    refresh(&desk, &*s.db.store, s.clock.now()).await.unwrap();
    let _streams = crossbook_engine::runtime::Streams::start(&settings, &venues, desk.clone(), s.clock);
    let quotes = QuotesConfig {
        stale_after: chrono::Duration::seconds(60),
        cycle: chrono::Duration::seconds(600),
        allow_in_play: false,
    };
    let all = |_: &crossbook_store::WatchEntry| true;

    let links = s.db.store.list_links(None).await.unwrap();
    let link_of = |ticker: &str| -> LinkId {
        links.iter().find(|l| l.candidate.kalshi_ticker.as_str() == ticker).map(|l| l.id).unwrap()
    };
    let (nop, lac, mil, tor) = (link_of(NOP), link_of(LAC), link_of(MIL), link_of(TOR));
    let open_links =
        |desk: &crossbook_engine::desk::SharedDesk| -> HashSet<LinkId> { lock(desk).open().keys().copied().collect() };
    poll(&*s.db.store, &venues, &s.clock, &desk, quotes, &all).await.unwrap();
    until("four opportunities", || [nop, lac, mil, tor].iter().all(|id| open_links(&desk).contains(id))).await;
    let alerts_of = |kind: &str, link: LinkId| {
        got.lock().unwrap().iter().filter(|(_, b)| b["type"] == kind && b["data"]["link_id"] == link.0).count()
    };
    let arbitrage_alerts = |link: LinkId| alerts_of("arbitrage", link);
    until("an alert each", || [nop, lac, mil, tor].iter().all(|id| arbitrage_alerts(*id) >= 1)).await;
    assert!(lock(&desk).untradable_links().is_empty());
    // The links the changes below touch: every link on the paused Kalshi market or on either
    // Polymarket market (each game's other Kalshi market prices against the same books).
    let touched: HashSet<LinkId> = links
        .iter()
        .filter(|l| {
            l.candidate.kalshi_ticker.as_str() == NOP
                || [LAC_MARKET, MIL_MARKET].contains(&l.candidate.poly_market_id.as_str())
        })
        .map(|l| l.id)
        .collect();
    let before = open_links(&desk);
    let others: HashSet<LinkId> = before.difference(&touched).copied().collect();
    assert!(others.contains(&tor), "{before:?}");
    let alerts_before: BTreeMap<LinkId, (usize, usize)> =
        before.iter().map(|id| (*id, (arbitrage_alerts(*id), alerts_of("closed", *id)))).collect();

    // Kalshi pauses NOP's market; Polymarket resolves MIL@LAL's; LAC@BKN's stops accepting
    // orders (no socket says so: the next REST pass finds it).
    assert!(s.sim.state.set_kalshi_status(NOP, "inactive").await);
    assert!(s.sim.state.resolve_poly(MIL_MARKET, Some(1)).await);
    let mut fields = serde_json::Map::new();
    fields.insert("acceptingOrders".into(), false.into());
    assert!(s.sim.state.set_poly_market(LAC_MARKET, &fields).await);
    until("the sockets' two closes", || !open_links(&desk).contains(&nop) && !open_links(&desk).contains(&mil)).await;
    poll(&*s.db.store, &venues, &s.clock, &desk, quotes, &all).await.unwrap();
    assert_eq!(open_links(&desk), others, "TOR@BOS trades on; the other three closed");

    // Their books move cheaper still: nothing reopens on a market that takes no order.
    let p = |v: &str| v.parse::<crossbook_model::Price>().unwrap();
    let q = |v: &str| v.parse::<crossbook_model::Qty>().unwrap();
    s.sim.state.set_level(Venue::Kalshi, NOP, "no", p("0.60"), q("500")).await;
    let lakers = token(&capture, "nba-mil-lal-2026-01-09", 1);
    s.sim.state.set_level(Venue::Polymarket, &lakers, "ask", p("0.30"), q("500")).await;
    let nets = token(&capture, "nba-lac-bkn-2026-01-09", 1);
    s.sim.state.set_level(Venue::Polymarket, &nets, "ask", p("0.30"), q("500")).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    poll(&*s.db.store, &venues, &s.clock, &desk, quotes, &all).await.unwrap();
    assert_eq!(open_links(&desk), others);

    // Why, in the desk's words and in the store.
    let why: BTreeMap<LinkId, String> = lock(&desk).untradable_links().into_iter().collect();
    assert!(why[&nop].starts_with("kalshi KXNBAGAME-26JAN09NOPWAS-NOP: trading paused"), "{why:?}");
    assert_eq!(why[&mil], format!("polymarket {MIL_MARKET}: resolved"));
    assert_eq!(why[&lac], format!("polymarket {LAC_MARKET}: not accepting orders"));
    assert!(others.iter().all(|id| !why.contains_key(id)), "{why:?}");
    writer.flush().await;
    let stored = s.db.store.list_markets(&MarketFilter::default()).await.unwrap();
    let state = |id: &str| stored.iter().find(|m| m.market.id() == id).unwrap().market.state;
    assert_eq!(
        (state(NOP), state(MIL_MARKET), state(LAC_MARKET)),
        (MarketState::Paused, MarketState::Resolved, MarketState::Paused)
    );
    // `links list` and the links export say it from the stored states.
    let states = crossbook_engine::reports::market_states(&*s.db.store, &links).await.unwrap();
    let row = |id: LinkId| {
        crossbook_engine::reports::link_row_with_state(links.iter().find(|l| l.id == id).unwrap(), &states)
    };
    assert_eq!(row(nop)["tradable_reasons"], json!([format!("kalshi {NOP}: trading paused")]));
    assert_eq!(row(lac)["tradable"], json!(false));
    assert_eq!((row(tor)["tradable"].clone(), row(tor)["tradable_reasons"].clone()), (json!(true), json!([])));
    let open = s.db.store.list_open_opportunities().await.unwrap();
    assert_eq!(open.iter().map(|o| o.opportunity.link_id).collect::<HashSet<_>>(), others);

    // Alerts: since the changes, one closing alert for each alerted opportunity they touched (an
    // alternative to a better one on the same book never alerted, so it closes silently), and
    // no other alert on any link.
    alerter.settle(Duration::from_secs(10)).await;
    for (id, (arbitrage, closed)) in &alerts_before {
        let closing = usize::from(touched.contains(id) && *arbitrage > 0);
        assert_eq!((arbitrage_alerts(*id), alerts_of("closed", *id)), (*arbitrage, closed + closing), "link {id}");
    }
    assert!(lock(&desk).open().get(&tor).is_some_and(|o| o.peak_edge > Money::ZERO));
    s.sim.stop().await;
}
