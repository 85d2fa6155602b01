//! Streams over loopback against the simulator's sockets.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::Utc;
use common::{fast, planted, setup, token, watch};
use crossbook_book::OrderBook;
use crossbook_engine::books::LiveBooks;
use crossbook_engine::desk::{LinkSet, lock};
use crossbook_engine::watchlist::sync_watchlist;
use crossbook_model::{BookEvent, Price, Qty, Venue};
use tokio::sync::mpsc;

fn p(s: &str) -> Price {
    s.parse().unwrap()
}
fn q(s: &str) -> Qty {
    s.parse().unwrap()
}

/// Levels of a book side as strings, best first.
fn side(levels: &[crossbook_book::Level]) -> Vec<(String, String)> {
    levels.iter().map(|l| (l.price.to_string(), l.size.to_string())).collect()
}

/// Feeds events into `books` until `done` holds (or fails after 5 s); returns the events seen.
async fn until(
    rx: &mut mpsc::Receiver<BookEvent>,
    books: &mut LiveBooks,
    mut done: impl FnMut(&LiveBooks) -> bool,
) -> Vec<BookEvent> {
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !done(books) {
        let e = tokio::time::timeout_at(deadline, rx.recv()).await.expect("stream went quiet").expect("stream ended");
        books.apply(&e, Utc::now()).unwrap();
        seen.push(e);
    }
    seen
}

#[tokio::test]
async fn a_dropped_polymarket_socket_ends_with_the_venues_book() {
    let capture = planted();
    let s = setup(&capture).await;
    let env: BTreeMap<String, String> = s.sim.env_lines().into_iter().collect();
    let lakers = token(&capture, "nba-mil-lal-2026-01-09", 1);
    let (tx, mut rx) = mpsc::channel(1024);
    let stream = tokio::spawn(crossbook_polymarket::websocket::run_market_stream(
        env["POLYMARKET_WS_URL"].clone(),
        vec![lakers.clone()],
        tx,
        fast(),
        Default::default(),
    ));
    let mut books = LiveBooks::default();
    until(&mut rx, &mut books, |b| b.get(Venue::Polymarket, &lakers).is_some()).await;
    // A change arrives as a price_change with the absolute size.
    s.sim.state.set_level(Venue::Polymarket, &lakers, "ask", p("0.53"), q("10")).await;
    until(&mut rx, &mut books, |b| {
        b.get(Venue::Polymarket, &lakers).and_then(|x| x.asks.best()).is_some_and(|l| l.size == q("10"))
    })
    .await;
    // The socket drops; a change happens while nobody listens.
    s.sim.state.drop_sockets();
    tokio::time::sleep(Duration::from_millis(50)).await;
    s.sim.state.set_level(Venue::Polymarket, &lakers, "ask", p("0.53"), Qty::ZERO).await;
    let seen = until(&mut rx, &mut books, |b| {
        b.get(Venue::Polymarket, &lakers).and_then(|x| x.asks.best()).is_some_and(|l| l.price == p("0.55"))
    })
    .await;
    assert!(
        seen.iter().any(|e| matches!(e, BookEvent::Invalidated { venue: Venue::Polymarket, .. })),
        "the drop was announced"
    );
    // The live book is the venue's book.
    let rest = s.venues.clob.book(&lakers).await.unwrap();
    let (bids, asks) = crossbook_polymarket::clob::parse::book_levels(&rest).unwrap();
    let venue = {
        use crossbook_book::{BookSide, Level};
        let lv = |v: &[(Price, Qty)]| v.iter().map(|&(price, size)| Level { price, size }).collect::<Vec<_>>();
        OrderBook::new(BookSide::from_levels(lv(&bids)), BookSide::from_levels(lv(&asks)), Utc::now())
    };
    let live = books.get(Venue::Polymarket, &lakers).unwrap();
    assert_eq!(
        (side(live.bids.levels()), side(live.asks.levels())),
        (side(venue.bids.levels()), side(venue.asks.levels()))
    );
    stream.abort();
    s.sim.stop().await;
}

#[tokio::test]
async fn a_kalshi_sequence_gap_brings_a_fresh_snapshot() {
    let capture = planted();
    let s = setup(&capture).await;
    let env: BTreeMap<String, String> = s.sim.env_lines().into_iter().collect();
    let ticker = "KXNBAGAME-26JAN09MILLAL-MIL".to_string();
    let (tx, mut rx) = mpsc::channel(1024);
    let stream = tokio::spawn(crossbook_kalshi::websocket::run_orderbook_stream(
        env["KALSHI_WS_URL"].clone(),
        None,
        vec![ticker.clone()],
        tx,
        fast(),
        Default::default(),
    ));
    let mut books = LiveBooks::default();
    until(&mut rx, &mut books, |b| b.get(Venue::Kalshi, &ticker).is_some()).await;
    // A delta: NO bid 0.58 from 100 to 80 (YES ask 0.42 for 80).
    s.sim.state.set_level(Venue::Kalshi, &ticker, "no", p("0.58"), q("80")).await;
    until(&mut rx, &mut books, |b| {
        b.get(Venue::Kalshi, &ticker).and_then(|x| x.asks.best()).is_some_and(|l| l.size == q("80"))
    })
    .await;
    // The next delta skips a sequence number: the client must not apply it, and must resync.
    s.sim.state.gap_next_delta();
    s.sim.state.set_level(Venue::Kalshi, &ticker, "no", p("0.58"), q("30")).await;
    let seen = until(&mut rx, &mut books, |b| {
        b.get(Venue::Kalshi, &ticker).and_then(|x| x.asks.best()).is_some_and(|l| l.size == q("30"))
    })
    .await;
    assert!(
        seen.iter().any(
            |e| matches!(e, BookEvent::Invalidated { venue: Venue::Kalshi, reason, .. } if reason.contains("sequence gap"))
        ),
        "{seen:?}"
    );
    assert!(
        matches!(seen.last(), Some(BookEvent::Snapshot { venue: Venue::Kalshi, .. })),
        "the book came back from a snapshot"
    );
    let rest = s.venues.kalshi.orderbook(&ticker).await.unwrap();
    let (bids, asks) = crossbook_kalshi::http::parse::orderbook_levels(&rest).unwrap();
    let venue = OrderBook::from_levels(&bids, &asks, Utc::now());
    let live = books.get(Venue::Kalshi, &ticker).unwrap();
    assert_eq!(
        (side(live.bids.levels()), side(live.asks.levels())),
        (side(venue.bids.levels()), side(venue.asks.levels()))
    );
    stream.abort();
    s.sim.stop().await;
}

#[tokio::test]
async fn live_quotes_open_and_close_the_opportunity() {
    let capture = planted();
    let s = setup(&capture).await;
    sync_watchlist(&*s.db.store, &watch(false), s.clock.now()).await.unwrap();
    let env: BTreeMap<String, String> = s.sim.env_lines().into_iter().collect();
    let d = common::desk(&s, None, 30);
    let links = LinkSet::load(&*s.db.store).await.unwrap();
    let all = links.books_of(None);
    let (tickers, tokens) =
        (all[crossbook_model::Venue::Kalshi].clone(), all[crossbook_model::Venue::Polymarket].clone());
    // The watch snapshot a start without the database watches from makes the same links.
    let snapshot = crossbook_engine::desk::WatchSnapshot::load(&*s.db.store).await.unwrap();
    let file = tempfile::tempdir().unwrap();
    snapshot.save(&file.path().join("watch.json")).unwrap();
    let read = crossbook_engine::desk::WatchSnapshot::read(&file.path().join("watch.json")).unwrap();
    assert_eq!(read, snapshot);
    let again = LinkSet::from_snapshot(&read);
    assert_eq!((again.len(), again.books_of(None)), (links.len(), all.clone()));
    lock(&d.desk).set_links(links, s.clock.now());
    // Every confirmed link's Kalshi market; both outcomes of every linked Polymarket market.
    assert_eq!((tickers.len(), tokens.len()), (285, 422));
    let (tx, mut rx) = mpsc::channel(4096);
    let k = tokio::spawn(crossbook_kalshi::websocket::run_orderbook_stream(
        env["KALSHI_WS_URL"].clone(),
        None,
        tickers,
        tx.clone(),
        fast(),
        Default::default(),
    ));
    let pm = tokio::spawn(crossbook_polymarket::websocket::run_market_stream(
        env["POLYMARKET_WS_URL"].clone(),
        tokens,
        tx,
        fast(),
        Default::default(),
    ));
    let mil = |v: &[crossbook_store::StoredOpportunity]| {
        v.iter().any(|o| o.opportunity.legs[0].ticker.as_deref() == Some("KXNBAGAME-26JAN09MILLAL-MIL"))
    };
    let mil_link =
        s.db.store
            .list_links(None)
            .await
            .unwrap()
            .into_iter()
            .find(|l| l.candidate.kalshi_ticker.as_str() == "KXNBAGAME-26JAN09MILLAL-MIL")
            .unwrap()
            .id;
    let open = |d: &common::Desked| lock(&d.desk).open().contains_key(&mil_link);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !open(&d) {
        let e = tokio::time::timeout_at(deadline, rx.recv()).await.expect("no opportunity").unwrap();
        lock(&d.desk).on_event(&e, s.clock.now());
    }
    // The record follows the decision.
    d.writer.flush().await;
    assert!(mil(&s.db.store.list_open_opportunities().await.unwrap()));
    // Lakers' cheap asks are taken: the edge is gone, the opportunity closes on the next change.
    let lakers = token(&capture, "nba-mil-lal-2026-01-09", 1);
    s.sim.state.set_level(Venue::Polymarket, &lakers, "ask", p("0.53"), Qty::ZERO).await;
    s.sim.state.set_level(Venue::Polymarket, &lakers, "ask", p("0.55"), Qty::ZERO).await;
    while open(&d) {
        let e = tokio::time::timeout_at(deadline, rx.recv()).await.expect("opportunity never closed").unwrap();
        lock(&d.desk).on_event(&e, s.clock.now());
    }
    d.writer.flush().await;
    assert!(!mil(&s.db.store.list_open_opportunities().await.unwrap()));
    // The sockets go down for a second (dropped, reconnections refused): each venue is down from
    // its reset until its next book frame, which only comes once the venue takes sockets again.
    assert!(d.streams.outages(s.clock.now()).is_empty());
    s.sim.state.sockets_down_for(Duration::from_secs(1));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let mut down_at = None;
    loop {
        let e = tokio::time::timeout_at(deadline, rx.recv()).await.expect("Kalshi never came back").unwrap();
        if matches!(e, BookEvent::Snapshot { venue: Venue::Kalshi, .. }) {
            let outages = d.streams.outages(s.clock.now());
            let down = outages.iter().find(|(v, _)| *v == Venue::Kalshi).expect("Kalshi was down").1;
            assert!(down >= chrono::Duration::milliseconds(900), "down only {down}");
            lock(&d.desk).on_event(&e, s.clock.now());
            break;
        }
        lock(&d.desk).on_event(&e, s.clock.now());
        if matches!(e, BookEvent::Invalidated { venue: Venue::Kalshi, .. }) {
            down_at.get_or_insert(s.clock.now());
        }
    }
    assert!(down_at.is_some(), "the reset was announced");
    assert!(d.streams.outages(s.clock.now()).iter().all(|(v, _)| *v != Venue::Kalshi));
    k.abort();
    pm.abort();
    s.sim.stop().await;
}

/// Without a Kalshi key the runtime does not dial Kalshi's order-book socket (the venue refuses
/// it): it says why, once, and Polymarket's socket still runs — a tick change on it reaches the
/// desk and moves the link onto the new grid.
#[tokio::test]
async fn without_a_kalshi_key_kalshi_books_come_from_rest_and_ticks_reach_the_desk() {
    let capture = planted();
    let s = setup(&capture).await;
    sync_watchlist(&*s.db.store, &watch(false), s.clock.now()).await.unwrap();
    let env: BTreeMap<String, String> = s.sim.env_lines().into_iter().collect();
    let settings = crossbook_engine::Settings::from_lookup(&|k| env.get(k).cloned()).unwrap();
    let d = common::desk(&s, None, 30);
    crossbook_engine::desk::refresh(&d.desk, &*s.db.store, s.clock.now()).await.unwrap();
    let _tasks = crossbook_engine::runtime::Streams::start(&settings, &s.venues, d.desk.clone(), s.clock);
    assert_eq!(d.streams.off(Venue::Kalshi), Some(crossbook_engine::stream_status::KALSHI_SOCKET_NEEDS_KEY));
    assert_eq!(d.streams.off(Venue::Polymarket), None);
    // Polymarket's socket delivers the dump, then the tick change.
    let lakers = token(&capture, "nba-mil-lal-2026-01-09", 1);
    let books = || lock(&d.desk).books.get(Venue::Polymarket, &lakers).is_some();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !books() {
        assert!(tokio::time::Instant::now() < deadline, "no Polymarket book over the socket");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(lock(&d.desk).poly_grid_of(&lakers), Some(crossbook_model::PriceGrid::uniform(10_000)));
    s.sim.state.set_tick(&lakers, p("0.001")).await;
    let fine = Some(crossbook_model::PriceGrid::uniform(1_000));
    while lock(&d.desk).poly_grid_of(&lakers) != fine {
        assert!(tokio::time::Instant::now() < deadline, "no tick_size_change over the socket");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    s.sim.stop().await;
}

/// Kalshi announced that order-book subscriptions would quote the NO side in YES prices by
/// default. crossbook states `use_yes_price: false`, so its books stay right whatever the
/// default; a client leaning on the default reads YES-scale levels as NO bids, and a book with
/// levels across the price range (as real ones have) then cannot be true — the check every
/// snapshot passes refuses it.
#[tokio::test]
async fn the_kalshi_price_convention_is_stated_not_assumed() {
    let ticker = "KXNBAGAME-26JAN09MILLAL-MIL";
    let mut capture = planted();
    capture.kalshi_orderbooks.insert(
        ticker.into(),
        serde_json::json!({"orderbook_fp": {
            "yes_dollars": [["0.0100", "500.00"], ["0.2000", "50.00"], ["0.4000", "10.00"]],
            "no_dollars": [["0.0500", "500.00"], ["0.3000", "50.00"], ["0.5800", "100.00"]]}}),
    );
    let config = crossbook_sim::SimConfig { kalshi_yes_price_default: true, ..Default::default() };
    let sim = crossbook_sim::start(&capture, config, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let env: BTreeMap<String, String> = sim.env_lines().into_iter().collect();
    let (tx, mut rx) = mpsc::channel(64);
    let stream = tokio::spawn(crossbook_kalshi::websocket::run_orderbook_stream(
        env["KALSHI_WS_URL"].clone(),
        None,
        vec![ticker.to_string()],
        tx,
        fast(),
        Default::default(),
    ));
    let mut books = LiveBooks::default();
    until(&mut rx, &mut books, |b| b.get(Venue::Kalshi, ticker).is_some()).await;
    let b = books.get(Venue::Kalshi, ticker).unwrap();
    assert_eq!(b.unusable, None);
    assert_eq!(b.asks.best().map(|l| (l.price.to_string(), l.size.to_string())), Some(("0.42".into(), "100".into())));
    stream.abort();

    // The same subscription without the convention stated.
    use futures_util::{SinkExt, StreamExt};
    let ws = crossbook_net::ws::connect("kalshi", &env["KALSHI_WS_URL"], &[]).await.unwrap();
    let (mut sink, mut frames) = ws.split();
    let sub = serde_json::json!({"id": 1, "cmd": "subscribe", "params": {"channels": ["orderbook_delta"], "market_tickers": [ticker]}});
    sink.send(crossbook_net::ws::Message::Text(sub.to_string().into())).await.unwrap();
    let snapshot = loop {
        let text = match tokio::time::timeout(Duration::from_secs(5), frames.next()).await.unwrap().unwrap().unwrap() {
            crossbook_net::ws::Message::Text(t) => t,
            _ => continue,
        };
        if let crossbook_kalshi::websocket::Body::Event(e @ BookEvent::Snapshot { .. }) =
            crossbook_kalshi::websocket::parse_frame(&text).unwrap().body
        {
            break e;
        }
    };
    let mut leaning = LiveBooks::default();
    leaning.apply(&snapshot, Utc::now()).unwrap();
    assert_eq!(leaning.get(Venue::Kalshi, ticker).unwrap().unusable, Some("crossed: best bid at or above best ask"));
    assert_eq!(leaning.impossible[Venue::Kalshi], 1);
    sim.stop().await;
}

/// A stream sending books nobody subscribed to (200,000 of them) grows neither the desk's
/// memory nor the database: only watched books are kept, the rest counted by name.
#[tokio::test]
async fn books_nobody_watches_are_not_kept() {
    let s = setup(&planted()).await;
    sync_watchlist(&*s.db.store, &watch(false), s.clock.now()).await.unwrap();
    let d = common::desk(&s, None, 30);
    let links = LinkSet::load(&*s.db.store).await.unwrap();
    lock(&d.desk).set_links(links, s.clock.now());
    let book = |token: String| BookEvent::Snapshot {
        venue: Venue::Polymarket,
        book: token,
        bids: vec![(p("0.40"), q("10"))],
        asks: vec![(p("0.45"), q("10"))],
    };
    for i in 0..200_000u64 {
        lock(&d.desk).on_event(&book(format!("9{i:076}")), s.clock.now());
    }
    let lakers = token(&planted(), "nba-mil-lal-2026-01-09", 1);
    lock(&d.desk).on_event(&book(lakers.clone()), s.clock.now());
    {
        let desk = lock(&d.desk);
        assert_eq!(desk.books.len(), 1, "the watched book alone");
        assert!(desk.books.get(Venue::Polymarket, &lakers).is_some());
        assert_eq!(d.streams.frames[Venue::Polymarket].skipped().get("unwatched book"), Some(&200_000));
    }
    d.writer.flush().await;
    lock(&d.desk).save_books();
    d.writer.flush().await;
    assert_eq!(s.db.store.load_books(None).await.unwrap().len(), 1);
    s.sim.stop().await;
}

/// A watchlist change moves the sockets in place: the books of a game that joins arrive on the
/// open sockets (Kalshi `update_subscription` `add_markets`, Polymarket `operation: subscribe`),
/// those of a game that leaves stop, and every other book keeps its socket — no new
/// connection, no reset, no book lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watchlist_change_moves_the_subscriptions_in_place() {
    const JOINS: &str = "KXNBAGAME-26JAN09MILLAL";
    const LEAVES: &str = "KXNBAGAME-26JAN09TORBOS";
    let capture = planted();
    let s = setup(&capture).await;
    sync_watchlist(&*s.db.store, &watch(false), s.clock.now()).await.unwrap();
    let links = s.db.store.list_links(None).await.unwrap();
    let game_of = |id: crossbook_model::LinkId| {
        links.iter().find(|l| l.id == id).map(|l| l.candidate.kalshi_event_ticker.to_string()).unwrap()
    };
    let all = s.db.store.list_watchlist().await.unwrap();
    let without = |game: &str| -> Vec<_> { all.iter().filter(|w| game_of(w.link_id) != game).cloned().collect() };
    assert!(without(JOINS).len() < all.len() && without(LEAVES).len() < all.len(), "both games are watched");
    s.db.store.replace_watchlist(&without(JOINS), s.clock.now()).await.unwrap();

    // The runtime as `run` builds it: Kalshi's socket signed with the test key.
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("kalshi.pem");
    std::fs::write(&key, include_str!("../../kalshi/test_data/test_key_pkcs8.pem")).unwrap();
    std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let mut env: BTreeMap<String, String> = s.sim.env_lines().into_iter().collect();
    env.insert("KALSHI_API_KEY_ID".into(), "subscriptions-test".into());
    env.insert("KALSHI_PRIVATE_KEY_PATH".into(), key.display().to_string());
    let settings = crossbook_engine::Settings::from_lookup(&|k| env.get(k).cloned()).unwrap();
    let venues = crossbook_engine::Venues::from_settings(&settings).unwrap();
    let d = common::desk(&s, None, 30);
    crossbook_engine::desk::refresh(&d.desk, &*s.db.store, s.clock.now()).await.unwrap();
    let mut streams = crossbook_engine::runtime::Streams::start(&settings, &venues, d.desk.clone(), s.clock);

    // Every watched book arrives over the sockets.
    let books = |d: &common::Desked| {
        let all = lock(&d.desk).links().books_of(None);
        let (tickers, tokens) =
            (all[crossbook_model::Venue::Kalshi].clone(), all[crossbook_model::Venue::Polymarket].clone());
        let desk = lock(&d.desk);
        let have = |v: Venue, b: &String| desk.books.get(v, b).is_some();
        let missing = tickers.iter().filter(|t| !have(Venue::Kalshi, t)).count()
            + tokens.iter().filter(|t| !have(Venue::Polymarket, t)).count();
        (tickers, tokens, missing)
    };
    let warm = |d: &common::Desked, what: &str| {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while books(d).2 > 0 {
            assert!(std::time::Instant::now() < deadline, "{what}: {} books never arrived", books(d).2);
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    warm(&d, "before the change");
    let (tickers_before, tokens_before, _) = books(&d);
    assert!(!tickers_before.iter().any(|t| t.starts_with(JOINS)));
    let sockets = || {
        let st = &s.sim.state.stats;
        (
            st.kalshi_sockets.load(std::sync::atomic::Ordering::Relaxed),
            st.poly_sockets.load(std::sync::atomic::Ordering::Relaxed),
        )
    };
    let opened = sockets();
    assert_eq!(opened, (1, 1), "one book socket per venue");
    let leaving: Vec<String> = tickers_before.iter().filter(|t| t.starts_with(LEAVES)).cloned().collect();
    assert!(!leaving.is_empty());

    // The watchlist changes: MIL@LAL joins, TOR@BOS leaves.
    s.db.store.replace_watchlist(&without(LEAVES), s.clock.now()).await.unwrap();
    crossbook_engine::desk::refresh(&d.desk, &*s.db.store, s.clock.now()).await.unwrap();
    streams.follow();
    warm(&d, "after the change");
    let (tickers_after, tokens_after, _) = books(&d);
    assert!(tickers_after.iter().any(|t| t.starts_with(JOINS)));
    assert!(!tickers_after.iter().any(|t| t.starts_with(LEAVES)));
    let kept = tokens_before.iter().filter(|t| tokens_after.contains(t)).count()
        + tickers_before.iter().filter(|t| tickers_after.contains(t)).count();
    assert!(kept > 10, "most books stay watched ({kept})");
    assert_eq!(sockets(), opened, "no socket opened for the change");
    assert_eq!((d.streams.resets(Venue::Kalshi), d.streams.resets(Venue::Polymarket)), (0, 0), "no reset");
    assert_eq!((streams.sessions(Venue::Kalshi), streams.sessions(Venue::Polymarket)), (1, 1));

    // The left game's book no longer streams: a change on it sends nothing, while a change on a
    // book that stayed comes through (the simulator sends changes in order).
    let unwatched = || d.streams.frames[Venue::Kalshi].skipped().get("unwatched book").copied();
    s.sim.state.set_level(Venue::Kalshi, &leaving[0], "yes", p("0.02"), q("7")).await;
    let stayed = tickers_after.iter().find(|t| tickers_before.contains(t)).unwrap().clone();
    s.sim.state.set_level(Venue::Kalshi, &stayed, "yes", p("0.03"), q("9")).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let level = lock(&d.desk)
            .books
            .get(Venue::Kalshi, &stayed)
            .and_then(|b| b.bids.levels().iter().find(|l| l.price == p("0.03")).map(|l| l.size));
        if level == Some(q("9")) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the kept book's change never came");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(unwatched(), None, "nothing of the unsubscribed book came");
    drop(streams);
    s.sim.stop().await;
}
