//! Paper trading end to end over loopback (`EXECUTION_MODE=paper`): Kalshi and Polymarket US
//! ingested from the simulator, matched, watched, their books polled, and the planted
//! arbitrage (SD at COL, 2026-09-16: 50 sets worth 1.81) taken leg after leg against the books
//! as the desk knows them when each order arrives. Fills, trades and P&L worked by hand.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use common::us::{GAME, capture};
use common::{ALL, watch};
use crossbook_engine::desk::lock;
use crossbook_engine::ingest::LogProgress;
use crossbook_engine::pipeline::Pipeline;
use crossbook_engine::watchlist::sync_watchlist;
use crossbook_model::{Action, ExecutionMode, OrderStatus, Side, TradeStatus, Venue};
use crossbook_sim::{SimConfig, SimHandle};
use crossbook_store::testing::TestDb;

const SLUG: &str = "aec-mlb-sd-col-2026-09-16";

/// The simulator, a database, and a pipeline trading on paper with `extra` settings, its
/// links confirmed and watched: Kalshi and Polymarket US's SD at COL.
async fn trading(extra: &[(&str, &str)]) -> (SimHandle, TestDb, Pipeline) {
    let settings = [("VENUES", "kalshi,polymarket_us"), ("CROSSBOOK_NOW", "2026-09-16T20:00:00Z")];
    watched(&capture(), &settings.iter().chain(extra).copied().collect::<Vec<_>>()).await
}

/// `capture` served by the simulator, ingested, matched and watched by a pipeline trading on
/// paper with `settings`.
async fn watched(capture: &crossbook_sim::Capture, settings: &[(&str, &str)]) -> (SimHandle, TestDb, Pipeline) {
    let sim = crossbook_sim::start(capture, SimConfig::default(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let mut env: BTreeMap<String, String> = sim.env_lines().into_iter().collect();
    for (k, v) in [("EXECUTION_MODE", "paper")].iter().chain(settings) {
        env.insert(k.to_string(), v.to_string());
    }
    let settings = crossbook_engine::Settings::from_lookup(&|k| env.get(k).cloned()).unwrap();
    let db = TestDb::sqlite().await;
    let p = Pipeline::new(&settings, db.store.clone()).await.unwrap();
    for &v in p.enabled_venues() {
        p.ingest(v, Arc::new(LogProgress)).await.unwrap();
    }
    p.match_pass().await.unwrap();
    sync_watchlist(&*db.store, &watch(false), p.clock.now()).await.unwrap();
    (sim, db, p)
}

fn money(s: &str) -> crossbook_model::Money {
    s.parse().unwrap()
}

#[tokio::test]
async fn the_planted_arbitrage_is_taken_on_paper_and_makes_what_it_promised() {
    let (sim, db, p) = trading(&[]).await;
    let r = p.quotes(&ALL).await.unwrap();
    assert_eq!(r.opportunities, 1, "{r:?}");
    assert_eq!(lock(&p.desk).trader().map(|t| t.working()), Some(1));
    // The pass is over: the orders on their way meet its books.
    lock(&p.desk).run_orders(p.clock.now(), true);
    p.writer.flush().await;

    let trades = db.store.list_trades(DateTime::<Utc>::MIN_UTC).await.unwrap();
    assert_eq!(trades.len(), 1, "{trades:?}");
    let t = &trades[0];
    assert_eq!(
        (t.mode, t.status, t.planned_size.to_string()),
        (ExecutionMode::Paper, TradeStatus::Hedged, "50".into())
    );
    // The thinner leg first: the US offer is exactly 50 deep, Kalshi's 100. It reaches the
    // gateway 120 ms after the decision; the Kalshi order, sent then, 80 ms later.
    let o = &t.orders;
    assert_eq!(o.len(), 2);
    assert_eq!(
        (o[0].contract.venue, o[0].contract.market.as_str(), o[0].contract.side),
        (Venue::PolymarketUs, SLUG, Some(Side::Yes))
    );
    assert_eq!((o[1].contract.venue, o[1].contract.market.as_str()), (Venue::Kalshi, format!("{GAME}-COL").as_str()));
    assert_eq!((o[0].arrives_at - t.decided_at).num_milliseconds(), 120);
    assert_eq!((o[1].sent_at, (o[1].arrives_at - o[1].sent_at).num_milliseconds()), (o[0].arrives_at, 80));
    assert!(o.iter().all(|o| o.status == OrderStatus::Filled && o.action == Action::Buy));
    // By hand: US 50 × 0.635 = 31.75, fee 0.06 × 50 × 0.635 × 0.365 = 0.695325 → 0.70; Kalshi
    // 50 × 0.30 = 15.00, fee 0.735 → 0.74 with the cent balance. 50 − 46.75 − 1.44 = 1.81.
    let fills = db.store.list_fills(DateTime::<Utc>::MIN_UTC).await.unwrap();
    let seen: Vec<(Venue, String, String, String)> =
        fills.iter().map(|f| (f.contract.venue, f.price.to_string(), f.size.to_string(), f.fee.to_string())).collect();
    assert_eq!(
        seen,
        vec![
            (Venue::PolymarketUs, "0.635".into(), "50".into(), "0.7".into()),
            (Venue::Kalshi, "0.3".into(), "50".into(), "0.74".into()),
        ]
    );
    assert!(fills.iter().all(|f| f.mode == ExecutionMode::Paper && f.opportunity == t.link_id));
    assert_eq!((t.bought, t.fees, t.pnl), (money("46.75"), money("1.44"), money("1.81")));
    assert_eq!(t.pnl, t.planned_profit);
    // Held: 50 Colorado YES on Kalshi and 50 San Diego long on Polymarket US.
    let held = crossbook_engine::ledger::positions(&fills);
    assert_eq!(held.len(), 2);
    assert!(held.iter().all(|h| h.size.to_string() == "50"), "{held:?}");
    let sums = crossbook_engine::ledger::pnl(&trades);
    assert_eq!((sums.total.trades, sums.total.pnl), (1, money("1.81")));
    assert_eq!(sums.by_league.get("MLB").map(|t| t.pnl), Some(money("1.81")));
    assert_eq!(sums.by_kind.get("moneyline").map(|t| t.trades), Some(1));
    // Another pass sees the same opportunity still open: it is not taken twice.
    p.quotes(&ALL).await.unwrap();
    lock(&p.desk).run_orders(p.clock.now(), true);
    p.writer.flush().await;
    assert_eq!(db.store.list_trades(DateTime::<Utc>::MIN_UTC).await.unwrap().len(), 1);
    sim.stop().await;
}

#[tokio::test]
async fn the_size_is_capped_by_the_paper_balance_of_each_venue() {
    // One US contract at 0.635 costs 0.635 + 0.02 (its fee, 0.0139, to the cent): $20 pays 30.
    let (sim, db, p) = trading(&[("PAPER_BALANCES", "polymarket_us:20")]).await;
    p.quotes(&ALL).await.unwrap();
    lock(&p.desk).run_orders(p.clock.now(), true);
    p.writer.flush().await;
    let t = db.store.list_trades(DateTime::<Utc>::MIN_UTC).await.unwrap().remove(0);
    assert_eq!((t.status, t.sets.to_string()), (TradeStatus::Hedged, "30".into()));
    // US 30 × 0.635 = 19.05, fee 0.417195 → 0.42; Kalshi 9.00, fee 0.441 → 0.45 (cent balance).
    assert_eq!((t.bought, t.fees, t.pnl), (money("28.05"), money("0.87"), money("1.08")));
    // Measured against what 30 sets made on the books at the decision (the opportunity's 50 made 1.81).
    assert_eq!((t.planned_size.to_string(), t.planned_profit), ("30".into(), money("1.08")));
    let left = lock(&p.desk).trader().unwrap().balance(Venue::PolymarketUs);
    assert_eq!(left, money("0.53"));
    sim.stop().await;
}

#[tokio::test]
async fn a_second_leg_that_finds_its_book_gone_is_unwound_on_the_first() {
    // Kalshi's orders take 2 s to arrive: the next pass's books are there before them.
    let (sim, db, p) = trading(&[("EXECUTION_LATENCY_MS", "kalshi:2000")]).await;
    // Someone bids 0.62 for San Diego on the US book: where the unwind can sell.
    sim.state.set_level(Venue::PolymarketUs, SLUG, "bid", "0.62".parse().unwrap(), "100".parse().unwrap()).await;
    p.quotes(&ALL).await.unwrap();
    // The first leg (US) reaches its book 120 ms after the decision, on the books the desk had.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    lock(&p.desk).run_orders(p.clock.now(), false);
    // Then Colorado's offer is taken by someone else; the next pass brings that book.
    sim.state
        .set_level(Venue::Kalshi, &format!("{GAME}-COL"), "no", "0.70".parse().unwrap(), "0".parse().unwrap())
        .await;
    p.quotes(&ALL).await.unwrap();
    lock(&p.desk).run_orders(p.clock.now(), true);
    p.writer.flush().await;

    let t = db.store.list_trades(DateTime::<Utc>::MIN_UTC).await.unwrap().remove(0);
    let steps: Vec<(&str, Venue, Action, OrderStatus)> =
        t.orders.iter().map(|o| (o.purpose.as_str(), o.contract.venue, o.action, o.status)).collect();
    assert_eq!(
        steps,
        vec![
            ("leg", Venue::PolymarketUs, Action::Buy, OrderStatus::Filled),
            ("leg", Venue::Kalshi, Action::Buy, OrderStatus::Unfilled),
            ("hedge", Venue::Kalshi, Action::Buy, OrderStatus::Unfilled),
            ("unwind", Venue::PolymarketUs, Action::Sell, OrderStatus::Filled),
        ]
    );
    // The unwind sells the 50 long for no less than 0.635 − 0.02 = 0.615: at the 0.62 bid,
    // 31.00, fee 0.06 × 50 × 0.62 × 0.38 = 0.7068 → 0.71. 31.00 − 31.75 − 0.70 − 0.71 = −2.16.
    assert_eq!(t.orders[3].limit_price.to_string(), "0.615");
    assert_eq!(t.status, TradeStatus::Unwound);
    assert_eq!(
        (t.sets.to_string(), t.bought, t.sold, t.fees),
        ("0".into(), money("31.75"), money("31"), money("1.41"))
    );
    assert_eq!(t.pnl, money("-2.16"));
    assert!(crossbook_engine::ledger::positions(&t.fills).is_empty(), "nothing is held after the unwind");
    sim.stop().await;
}

#[tokio::test]
async fn with_the_kill_switch_on_nothing_is_taken_and_a_process_follows_it_from_the_store() {
    let (sim, db, p) = trading(&[]).await;
    crossbook_engine::execution::set_kill_switch(&*db.store, true, "cli", p.clock.now()).await.unwrap();
    p.follow_kill_switch().await;
    let stopped = lock(&p.desk).trader().and_then(|t| t.stopped(p.clock.now()));
    assert_eq!(stopped, Some(crossbook_engine::execution::KILL_SWITCH));
    // The opportunity is found and reported, and not traded.
    assert_eq!(p.quotes(&ALL).await.unwrap().opportunities, 1);
    assert_eq!(lock(&p.desk).trader().map(|t| t.working()), Some(0));
    lock(&p.desk).run_orders(p.clock.now(), true);
    p.writer.flush().await;
    assert!(db.store.list_trades(DateTime::<Utc>::MIN_UTC).await.unwrap().is_empty());
    crossbook_engine::execution::set_kill_switch(&*db.store, false, "dashboard", p.clock.now()).await.unwrap();
    p.follow_kill_switch().await;
    assert_eq!(lock(&p.desk).trader().and_then(|t| t.stopped(p.clock.now())), None);
    sim.stop().await;
}

/// The socket path: the desk decides on a frame of the simulator's sockets and the paper
/// trader takes it; with no frame after, the desk's timer matches the orders when they arrive.
#[tokio::test]
async fn an_opportunity_found_on_the_sockets_is_taken_and_matched_on_the_timer() {
    use crossbook_engine::desk::LinkSet;
    let capture = common::planted();
    let s = common::setup(&capture).await;
    sync_watchlist(&*s.db.store, &watch(false), s.clock.now()).await.unwrap();
    let env: BTreeMap<String, String> = s.sim.env_lines().into_iter().collect();
    let d = common::desk(&s, None, 30);
    let settings =
        crossbook_engine::Settings::from_lookup(&|k| (k == "EXECUTION_MODE").then(|| "paper".into())).unwrap();
    lock(&d.desk).set_trader(crossbook_engine::execution::paper_trader(&settings.execution, Default::default()));
    let links = LinkSet::load(&*s.db.store).await.unwrap();
    let all = links.books_of(None);
    lock(&d.desk).set_links(links, s.clock.now());
    let (tx, mut rx) = tokio::sync::mpsc::channel(4096);
    let k = tokio::spawn(crossbook_kalshi::websocket::run_orderbook_stream(
        env["KALSHI_WS_URL"].clone(),
        None,
        all[Venue::Kalshi].clone(),
        tx.clone(),
        common::fast(),
        Default::default(),
    ));
    let pm = tokio::spawn(crossbook_polymarket::websocket::run_market_stream(
        env["POLYMARKET_WS_URL"].clone(),
        all[Venue::Polymarket].clone(),
        tx,
        common::fast(),
        Default::default(),
    ));
    let t0 = s.clock.now();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while lock(&d.desk).trader().is_some_and(|t| t.working() == 0) {
        let e = tokio::time::timeout_at(deadline, rx.recv()).await.expect("no trade taken").unwrap();
        lock(&d.desk).on_event(&e, t0);
    }
    // No frame after: a second later the timer finds the orders arrived and matches them.
    lock(&d.desk).close_stale(t0 + chrono::Duration::seconds(1));
    d.writer.flush().await;
    let trades = s.db.store.list_trades(DateTime::<Utc>::MIN_UTC).await.unwrap();
    assert_eq!(trades.len(), 1, "{trades:?}");
    let t = &trades[0];
    assert_eq!((t.decided_at, t.status), (t0, TradeStatus::Hedged));
    // Polymarket (250 ms) and Kalshi (80 ms): one after the other, whichever went first.
    let arrivals: Vec<i64> = t.orders.iter().map(|o| (o.arrives_at - t0).num_milliseconds()).collect();
    assert_eq!(arrivals.last(), Some(&330), "{arrivals:?}");
    // The books did not move between the decision and the arrivals: the trade makes what was
    // promised, at the size capped by EXECUTION_MAX_CONTRACTS (100) where the opportunity is larger.
    let hundred = crossbook_model::Qty::from_whole(100).unwrap();
    assert_eq!(t.sets, t.planned_size.min(hundred), "{t:?}");
    assert!(t.pnl.is_positive(), "{t:?}");
    if t.sets == t.planned_size {
        assert_eq!(t.pnl, t.planned_profit);
    }
    k.abort();
    pm.abort();
    s.sim.stop().await;
}

/// A recording becomes a backtest: the bundled capture watched under the runtime (REST first,
/// then the Polymarket socket), and a recording — written and read in the recording format —
/// replayed by the simulator: the Lakers' offers on MIL at LAL withdrawn and restored three
/// times, one second apart. Each time the opportunity opens it is taken on paper, and with the
/// books still between the decision and the arrivals, each trade makes what it promised.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_recording_is_traded_on_paper_per_league_and_kind() {
    use crossbook_model::{BookEvent, Price, Qty};
    use crossbook_sim::replay::{Frame, FrameWriter, Speed, load};
    let capture = common::planted();
    let (sim, db, p) = watched(
        &capture,
        &[
            ("CROSSBOOK_NOW", "2026-01-09T23:50:00Z"),
            ("EXECUTION_MAX_PER_GAME", "100000"),
            ("EXECUTION_MAX_CONTRACTS", "100000"),
        ],
    )
    .await;
    let mut streams = None;
    p.streams(&mut streams).await.unwrap();
    // Every book once over REST (Kalshi's socket needs a key: its books stay the REST pass's);
    // the opportunities it opens are taken, and their orders matched.
    p.quotes(&ALL).await.unwrap();
    lock(&p.desk).run_orders(p.clock.now(), true);
    let lakers = common::token(&capture, "nba-mil-lal-2026-01-09", 1);
    // The Polymarket socket has the Lakers' book before the recording plays.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while lock(&p.desk).books.get(Venue::Polymarket, &lakers).is_none() {
        assert!(tokio::time::Instant::now() < deadline, "the socket never brought the Lakers' book");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let trades_before = settled_trades(&p, &db).await;
    // The recording: at 0.5 s the offers go, at 1.5 s they come back; three times.
    let dir = tempfile::tempdir().unwrap();
    let mut w = FrameWriter::new(dir.path()).unwrap();
    let level = |price: &str, size: i64| BookEvent::Level {
        venue: Venue::Polymarket,
        book: lakers.clone(),
        bid: false,
        price: price.parse::<Price>().unwrap(),
        size: Qty::from_whole(size).unwrap(),
    };
    for cycle in 0..3u64 {
        let t = 500 + cycle * 2_000;
        for (at, e) in [
            (t, level("0.53", 0)),
            (t, level("0.55", 0)),
            (t + 1_000, level("0.53", 50)),
            (t + 1_000, level("0.55", 200)),
        ] {
            w.write(&Frame { t_ms: at, event: Some(e), sport: None }).unwrap();
        }
    }
    w.close().unwrap();
    let frames = load(dir.path()).unwrap();
    assert_eq!(frames.len(), 12);
    sim.replay(frames, Speed::Times(1.0));
    // Played (6.5 s), and the last trade's orders arrived (330 ms later): the desk's timer matches them.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    let mut trades = Vec::new();
    while trades.len() < trades_before.len() + 3 {
        assert!(tokio::time::Instant::now() < deadline, "only {} trades: {trades:#?}", trades.len());
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        trades = settled_trades(&p, &db).await;
    }
    let before: std::collections::HashSet<&str> = trades_before.iter().map(|t| t.trade_id.as_str()).collect();
    let replayed: Vec<_> = trades.iter().filter(|t| !before.contains(t.trade_id.as_str())).collect();
    assert_eq!(replayed.len(), 3, "one trade per reopening: {replayed:#?}");
    for t in &replayed {
        assert_eq!((t.status, t.pnl), (TradeStatus::Hedged, t.planned_profit), "{t:#?}");
        assert!(t.pnl.is_positive());
    }
    let sums = crossbook_engine::ledger::pnl(&trades);
    let total = trades.iter().fold(crossbook_model::Money::ZERO, |m, t| m + t.pnl);
    assert_eq!(sums.by_league.get("NBA").map(|g| g.pnl), Some(total));
    assert_eq!(sums.by_kind.get("moneyline").map(|g| g.trades), Some(trades.len() as u64));
    drop(streams);
    sim.stop().await;
}

/// The trades written so far, once the writer has caught up.
async fn settled_trades(p: &Pipeline, db: &TestDb) -> Vec<crossbook_model::Trade> {
    p.writer.flush().await;
    db.store.list_trades(DateTime::<Utc>::MIN_UTC).await.unwrap()
}
