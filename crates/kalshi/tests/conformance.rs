//! Real Kalshi payloads (`test_data/conformance/`, SOURCES.md there) read through the production
//! parsers: every frame is read or skipped by name, never dropped; each field a decision rests on
//! keeps its venue meaning (prices, sizes, sides, sequence, ids, states, fees, ticks).

use std::io::BufRead;
use std::path::{Path, PathBuf};

use crossbook_book::OrderBook;
use crossbook_kalshi::http::models::{
    KalshiEvent, KalshiMarket, KalshiMarketsPage, KalshiOrderbookResponse, KalshiSeries,
};
use crossbook_kalshi::http::parse::{
    fee_schedule, order_rules, orderbook_bids, orderbook_levels, parse_market, parse_state,
};
use crossbook_kalshi::websocket::{Body, Frame, parse_frame};
use crossbook_model::{BookEvent, FeeSchedule, MarketState, MarketStatus, Price, PriceGrid, Qty, Venue};
use serde_json::Value;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/conformance")
}

fn text(rel: &str) -> String {
    std::fs::read_to_string(dir().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn p(s: &str) -> Price {
    s.parse().unwrap()
}

fn q(s: &str) -> Qty {
    s.parse().unwrap()
}

/// The socket frames of a file: one per line (`.jsonl`), the whole file (`.json`), or the
/// `event` of each `{recv_ms, event}` line of a gzip tape.
fn frames(path: &Path) -> Vec<String> {
    let name = path.to_string_lossy();
    if name.ends_with(".gz") {
        let reader = std::io::BufReader::new(flate2::read::MultiGzDecoder::new(std::fs::File::open(path).unwrap()));
        return reader
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(&l.unwrap()).unwrap();
                v["event"].to_string()
            })
            .collect();
    }
    let t = std::fs::read_to_string(path).unwrap();
    if name.ends_with(".jsonl") {
        t.lines().filter(|l| !l.trim().is_empty()).map(str::to_string).collect()
    } else {
        vec![t]
    }
}

fn parse(frame: &str) -> Frame {
    parse_frame(frame).unwrap_or_else(|e| panic!("{e}: {frame}"))
}

fn event(frame: &str) -> BookEvent {
    match parse(frame).body {
        Body::Event(e) => e,
        other => panic!("{other:?}: {frame}"),
    }
}

/// Every socket frame of every file is read, or skipped by name: none fails, none is lost.
#[test]
fn every_socket_frame_is_read_or_skipped_by_name() {
    let mut kinds = std::collections::BTreeMap::<String, u64>::new();
    let mut total = 0u64;
    for folder in ["ws-orderbook", "ws-control", "ws-ticker", "ws-trade"] {
        for entry in std::fs::read_dir(dir().join(folder)).unwrap() {
            let path = entry.unwrap().path();
            for f in frames(&path) {
                total += 1;
                let kind = match parse(&f).body {
                    Body::Event(BookEvent::Snapshot { .. }) => "snapshot".to_string(),
                    Body::Event(BookEvent::Delta { .. }) => "delta".to_string(),
                    Body::Event(other) => format!("{other:?}"),
                    Body::Subscribed { .. } | Body::Control => "control".to_string(),
                    Body::Skipped(name) => format!("skipped {name}"),
                    Body::VenueError { code, .. } => format!("error {code:?}"),
                };
                *kinds.entry(kind).or_default() += 1;
            }
        }
    }
    // The tapes' snapshots, deltas and trades (2 + 3, 22,024 + 182,617, 977 + 2,241), beside the
    // smaller recordings; tickers and trades skipped by name; acks and errors read.
    assert_eq!(kinds.get("snapshot"), Some(&(5 + 5)), "{kinds:?}");
    assert_eq!(kinds.get("delta"), Some(&(22_024 + 182_617 + 5)), "{kinds:?}");
    assert_eq!(kinds.get("skipped trade"), Some(&(977 + 2_241 + 1)), "{kinds:?}");
    assert_eq!(kinds.get("skipped ticker"), Some(&2), "{kinds:?}");
    assert_eq!(kinds.get("control"), Some(&3), "{kinds:?}");
    assert_eq!((kinds.get("error Some(8)"), kinds.get("error Some(3)")), (Some(&1), Some(&1)), "{kinds:?}");
    assert_eq!(kinds.values().sum::<u64>(), total, "every frame has its kind");
}

/// Both recorded tapes, every frame in order through the production path: the book never goes
/// negative, never crosses, never prices at 0 or 1; each snapshot replaces it; the market's close
/// (its final, empty snapshots) empties it.
#[test]
fn the_two_production_tapes_build_books_that_always_add_up() {
    for (tape, snapshots, deltas) in [
        ("ws-orderbook/gold15m-KXGOLD15M-26AUG101900-00-20260810.ndjson.gz", 2, 22_024),
        ("ws-orderbook/gold15m-KXGOLD15M-26AUG102115-15-20260811.ndjson.gz", 3, 182_617),
    ] {
        let mut book: Option<OrderBook> = None;
        let (mut seen_snapshots, mut seen_deltas) = (0, 0);
        let now = chrono::Utc::now();
        for f in frames(&dir().join(tape)) {
            match parse(&f).body {
                Body::Event(BookEvent::Snapshot { bids, asks, .. }) => {
                    seen_snapshots += 1;
                    book = Some(OrderBook::from_levels(&bids, &asks, now));
                }
                Body::Event(BookEvent::Delta { bid, price, delta, .. }) => {
                    seen_deltas += 1;
                    let b = book.as_mut().expect("a delta before any snapshot");
                    b.apply_delta(bid, price, delta).unwrap_or_else(|e| panic!("{tape}: {e}"));
                    assert!(!b.recheck(), "{tape}: delta {seen_deltas} made an impossible book");
                }
                Body::Skipped(kind) => assert_eq!(kind, "trade"),
                other => panic!("{tape}: {other:?}"),
            }
            assert_eq!(book.as_ref().and_then(|b| b.unusable), None, "{tape}");
        }
        assert_eq!((seen_snapshots, seen_deltas), (snapshots, deltas), "{tape}");
        let last = book.unwrap();
        assert!(last.bids.is_empty() && last.asks.is_empty(), "{tape}: the closed market's last snapshot is empty");
    }
}

/// The first tape's first snapshot, level by level: YES bids as they are, NO bids as YES asks at
/// 1 − p (the best NO bid 0.46 is the best YES ask 0.54, which its first trades hit).
#[test]
fn a_production_snapshot_reads_as_the_venue_means_it() {
    let f = frames(&dir().join("ws-orderbook/gold15m-KXGOLD15M-26AUG101900-00-20260810.ndjson.gz"));
    let frame = parse(&f[0]);
    assert_eq!((frame.sid, frame.seq), (Some(1), Some(9_169_847)));
    let Body::Event(BookEvent::Snapshot { book: ticker, bids, asks, .. }) = frame.body else { panic!() };
    assert_eq!(ticker, "KXGOLD15M-26AUG101900-00");
    assert_eq!((bids.len(), asks.len()), (36, 34));
    let b = OrderBook::from_levels(&bids, &asks, chrono::Utc::now());
    assert_eq!(b.bids.best().map(|l| (l.price, l.size)), Some((p("0.52"), q("150"))));
    assert_eq!(b.asks.best().map(|l| (l.price, l.size)), Some((p("0.54"), q("173.12"))));
    // The trades that follow: a taker bought YES at 0.54 (the NO side's 0.46 bid), 9.12 then
    // 26.76, and the deltas before them take exactly those sizes off the NO bid at 0.46 (the
    // YES ask at 0.54).
    let trade: Value = serde_json::from_str(&f[3]).unwrap();
    assert_eq!(
        (trade["msg"]["yes_price_dollars"].as_str(), trade["msg"]["taker_side"].as_str()),
        (Some("0.5400"), Some("yes"))
    );
    assert_eq!(trade["msg"]["count_fp"].as_str(), Some("9.12"));
    assert_eq!(
        event(&f[1]),
        BookEvent::Delta {
            venue: Venue::Kalshi,
            book: ticker.clone(),
            bid: false,
            price: p("0.54"),
            delta: -9_120_000
        }
    );
    assert_eq!(
        event(&f[2]),
        BookEvent::Delta { venue: Venue::Kalshi, book: ticker, bid: false, price: p("0.54"), delta: -26_760_000 }
    );
}

/// A demo-exchange session: subscribed, snapshot, delta; and the ticker of the same market agrees
/// with the book read the venue's way (YES ask 0.98 = 1 − the best NO bid 0.02, size 2,500).
#[test]
fn a_demo_session_and_its_ticker_agree() {
    let f = frames(&dir().join("ws-orderbook/demo-KXGOLDH-20260827-session.jsonl"));
    assert_eq!(parse(&f[0]).body, Body::Subscribed { channel: "orderbook_delta".into(), sid: 1 });
    let Body::Event(BookEvent::Snapshot { bids, asks, .. }) = parse(&f[1]).body else { panic!() };
    let b = OrderBook::from_levels(&bids, &asks, chrono::Utc::now());
    let ticker: Value = serde_json::from_str(&text("ws-ticker/demo-KXGOLDH-20260827-ticker.json")).unwrap();
    let t = &ticker["msg"];
    let field = |k: &str| t[k].as_str().unwrap();
    assert_eq!(
        b.asks.best().map(|l| (l.price, l.size)),
        Some((p(field("yes_ask_dollars")), q(field("yes_ask_size_fp"))))
    );
    assert_eq!(
        b.bids.best().map(|l| (l.price, l.size)),
        Some((p(field("yes_bid_dollars")), q(field("yes_bid_size_fp"))))
    );
    let d = parse(&f[2]);
    assert_eq!((d.sid, d.seq), (Some(1), Some(2)));
    assert!(matches!(d.body, Body::Event(BookEvent::Delta { bid: true, delta: 10_000_000, .. })));
    assert_eq!(parse(&text("ws-ticker/demo-KXGOLDH-20260827-ticker.json")).body, Body::Skipped("ticker".into()));
}

/// An `ok` ack carries its subscription's sequence number: the stream must count it.
#[test]
fn acks_consume_sequence_numbers_and_errors_are_named() {
    let ack = parse(&text("ws-control/demo-20260827-ok-ack.json"));
    assert_eq!((ack.sid, ack.seq, ack.body), (Some(1), Some(108), Body::Control));
    assert_eq!(
        parse(&text("ws-control/demo-20260827-error-unknown-channel.json")).body,
        Body::VenueError { code: Some(8), message: "Unknown channel name".into() }
    );
    assert_eq!(
        parse(&text("ws-control/lip-20260728-error-channels-required.json")).body,
        Body::VenueError { code: Some(3), message: "Channels required".into() }
    );
}

/// The 2025 form (integer cents beside dollar strings with integer counts; a delta's `price`
/// and integer `delta`) reads to the same book as the current form, not to an empty one.
#[test]
fn the_2025_form_is_read_not_emptied() {
    let snap = event(&text("ws-orderbook/docs2025-FED-23DEC-T3.00-snapshot.json"));
    assert_eq!(
        snap,
        BookEvent::Snapshot {
            venue: Venue::Kalshi,
            book: "FED-23DEC-T3.00".into(),
            bids: vec![(p("0.08"), q("300"))],
            asks: vec![(p("0.46"), q("20"))],
        }
    );
    assert_eq!(
        event(&text("ws-orderbook/docs2025-FED-23DEC-T3.00-delta.json")),
        BookEvent::Delta {
            venue: Venue::Kalshi,
            book: "FED-23DEC-T3.00".into(),
            bid: true,
            price: p("0.96"),
            delta: -54_000_000
        }
    );
    // The integer cents alone read the same.
    let cents = r#"{"type":"orderbook_snapshot","sid":2,"seq":2,"msg":{"market_ticker":"FED-23DEC-T3.00","yes":[[8,300]],"no":[[54,20]]}}"#;
    assert_eq!(event(cents), snap);
    let empty = event(&text("ws-orderbook/demo-KXBTCD-empty-snapshot.json"));
    assert_eq!(
        empty,
        BookEvent::Snapshot {
            venue: Venue::Kalshi,
            book: "KXBTCD-25AUG2617-T112999.99".into(),
            bids: vec![],
            asks: vec![]
        }
    );
}

/// Current-form deltas of other recordings: ids, sides, signed fractional sizes.
#[test]
fn current_deltas_keep_sign_side_and_fraction() {
    assert_eq!(
        event(&text("ws-orderbook/kxhighny-20260624-delta.json")),
        BookEvent::Delta {
            venue: Venue::Kalshi,
            book: "KXHIGHNY-26JUN24-T82".into(),
            bid: true,
            price: p("0.10"),
            delta: 7_000_000
        }
    );
    assert_eq!(
        event(&text("ws-orderbook/lip-KXAAAGASD-20260728-delta.json")),
        BookEvent::Delta {
            venue: Venue::Kalshi,
            book: "KXAAAGASD-26JUL29-4.095".into(),
            bid: true,
            price: p("0.44"),
            delta: -5_000_000
        }
    );
    let f = frames(&dir().join("ws-orderbook/lip-KXAAAGASD-20260728-subscribed-snapshot.jsonl"));
    let Body::Event(BookEvent::Snapshot { bids, asks, .. }) = parse(&f[1]).body else { panic!() };
    // The NO bid at 0.01 is a YES ask at 0.99.
    assert_eq!((bids, asks), (vec![(p("0.01"), q("1003")), (p("0.02"), q("5"))], vec![(p("0.99"), q("1000"))]));
}

/// REST: finalized markets are resolved (no order can be placed), with their grid; a book of NO
/// bids only; a series' fee type; events with nested markets, and one wrapped by its recorder.
#[test]
fn rest_payloads_keep_state_grid_books_and_fees() {
    let page: KalshiMarketsPage =
        serde_json::from_str(&text("rest-markets/commodities-markets-KXNFLGAME-settled-20260920.json")).unwrap();
    let markets = page.markets.unwrap();
    assert_eq!(markets.len(), 2);
    for raw in &markets {
        let wire: KalshiMarket = serde_json::from_str(raw.get()).unwrap();
        let value: Value = serde_json::from_str(raw.get()).unwrap();
        let m = parse_market(&wire, value.clone(), fee_schedule(None, None)).unwrap();
        assert_eq!((m.status, m.state), (MarketStatus::Settled, MarketState::Resolved), "{}", m.id());
        assert_eq!(order_rules(&value).grid, PriceGrid::uniform(10_000));
        // The expected expiration is the end of play, never its start.
        assert_eq!(m.ends_at.unwrap().to_rfc3339(), "2026-09-18T03:15:00+00:00");
        assert_eq!(m.starts_at, None);
    }
    assert!(page.cursor.is_some_and(|c| !c.is_empty()), "more pages follow");

    let docs: KalshiMarketsPage =
        serde_json::from_str(&text("rest-markets/nautilus-http_markets-docs-20260301.json")).unwrap();
    let raw = &docs.markets.unwrap()[0];
    let wire: KalshiMarket = serde_json::from_str(raw.get()).unwrap();
    let m = parse_market(&wire, serde_json::from_str(raw.get()).unwrap(), FeeSchedule::Free).unwrap();
    assert_eq!(m.state, MarketState::Open);
    assert_eq!(m.outcomes[0].price, Some(p("0.435")), "the mid of the 0.42 / 0.45 quote");

    let book: KalshiOrderbookResponse = serde_json::from_str(&text(
        "rest-orderbook/commodities-orderbook-KXBTC-26SEP2017-T90749.99-depth40-20260920.json",
    ))
    .unwrap();
    let (yes, no) = orderbook_bids(&book).unwrap();
    assert!(yes.is_empty());
    assert_eq!((no.len(), no[0]), (15, (p("0.99"), q("5999"))), "best NO bid first");
    let (bids, asks) = orderbook_levels(&book).unwrap();
    let b = OrderBook::from_levels(&bids, &asks, chrono::Utc::now());
    assert_eq!(b.asks.best().map(|l| l.price), Some(p("0.01")), "YES ask = 1 − 0.99");
    assert_eq!(b.unusable, None);
    let docs_book: KalshiOrderbookResponse =
        serde_json::from_str(&text("rest-orderbook/nautilus-http_orderbook-docs-20260301.json")).unwrap();
    let (yes, no) = orderbook_bids(&docs_book).unwrap();
    assert_eq!((yes[0], no[0]), ((p("0.42"), q("13")), (p("0.56"), q("17"))));

    let series: Value = serde_json::from_str(&text("rest-series/commodities-series-KXFED-20260920.json")).unwrap();
    let series: KalshiSeries = serde_json::from_value(series["series"].clone()).unwrap();
    assert_eq!(
        fee_schedule(Some(&series), None),
        FeeSchedule::KalshiQuadratic { taker_rate: 70_000, maker_rate: 17_500, multiplier: 1_000_000 }
    );

    let event: Value =
        serde_json::from_str(&text("rest-events/discoveryjs-KXNFLRETIRE-MSTAFFORD9-20260915.json")).unwrap();
    let wire: KalshiEvent = serde_json::from_value(event.clone()).unwrap();
    for m in event["markets"].as_array().unwrap() {
        let w: KalshiMarket = serde_json::from_value(m.clone()).unwrap();
        let market = parse_market(&w, m.clone(), fee_schedule(None, Some(&wire))).unwrap();
        assert_eq!(market.event_id(), "KXNFLRETIRE-MSTAFFORD9");
        assert_eq!(market.state, parse_state(m["status"].as_str().unwrap()).unwrap());
    }
    for rel in [
        "rest-events/gold15m-metadata-KXGOLD15M-26AUG101900-20260821.json",
        "rest-events/gold15m-metadata-KXGOLD15M-26AUG102115-20260821.json",
    ] {
        let wrapped: Value = serde_json::from_str(&text(rel)).unwrap();
        let body = &wrapped["response"];
        let _: KalshiEvent = serde_json::from_value(body["event"].clone()).unwrap();
        for m in body["markets"].as_array().unwrap() {
            let w: KalshiMarket = serde_json::from_value(m.clone()).unwrap();
            let market = parse_market(&w, m.clone(), FeeSchedule::Free).unwrap();
            assert!(!market.state.is_tradable(), "{rel}: a past 15-minute market takes no order");
        }
    }
}

/// Every response status word reads to a state; the filter words some older payloads carry too.
#[test]
fn every_status_is_a_state() {
    for (status, state) in [
        ("initialized", MarketState::NotOpen),
        ("active", MarketState::Open),
        ("inactive", MarketState::Paused),
        ("closed", MarketState::Closed),
        ("determined", MarketState::Resolving),
        ("disputed", MarketState::Resolving),
        ("amended", MarketState::Resolving),
        ("finalized", MarketState::Resolved),
        ("unopened", MarketState::NotOpen),
        ("paused", MarketState::Paused),
    ] {
        assert_eq!(parse_state(status), Ok(state), "{status}");
    }
    assert_eq!(parse_state("exploded").unwrap_err().field, "status");
}

/// A 429 body carries no `Retry-After`: it is a rate limit all the same (the backoff decides).
#[test]
fn a_429_without_retry_after_is_a_rate_limit() {
    let body = text("rest-error/kalshi-research-notes-20260806-429.json");
    let e = crossbook_net::NetError::from_http_status("kalshi", "/trade-api/v2/markets", 429, &body);
    assert!(matches!(e, crossbook_net::NetError::RateLimited { retry_after: None, .. }), "{e}");
    assert!(e.is_retryable());
}

/// The real account of `test_data/portfolio_after_requester.json` took one NO contract at 0.52
/// (an ask: YES sold at 0.48): its fill, balance and position read as the venue meant them, and
/// the fee it was charged is the one crossbook computes for that fill.
#[test]
fn a_real_fill_balance_and_position_read_exactly() {
    use crossbook_kalshi::http::orders::{KalshiBalance, KalshiFill, KalshiPosition};
    let v: serde_json::Value = serde_json::from_str(&text("../portfolio_after_requester.json")).unwrap();
    let fill: KalshiFill = serde_json::from_value(v["fills"]["fills"][0].clone()).unwrap();
    assert_eq!((fill.book_side.as_str(), fill.outcome_side.as_deref()), ("ask", Some("no")));
    assert_eq!((fill.yes_price_dollars, fill.no_price_dollars, fill.count_fp), (p("0.48"), p("0.52"), q("1")));
    assert_eq!(fill.fee_cost.to_string(), "0.0175");
    // 0.07 × 1 × 0.52 × 0.48 = 0.017472, up to $0.0001; this account's balance is kept to
    // $0.0001 (999.4625), so no rounding fee: crossbook charges exactly what the venue did.
    let schedule =
        crossbook_model::FeeSchedule::KalshiQuadratic { taker_rate: 70_000, maker_rate: 0, multiplier: 1_000_000 };
    let mut fee = crossbook_arb::fees::OrderFee::new(schedule, crossbook_arb::BalancePrecision::Centicent);
    fee.fill(p("0.52"), q("1"));
    assert_eq!(fee.total(), fill.fee_cost);
    let balance: KalshiBalance = serde_json::from_value(v["balance"].clone()).unwrap();
    assert_eq!((balance.balance, balance.money().to_string()), (99_946, "999.4625".into()));
    let shards: Vec<(u32, String)> =
        balance.balance_breakdown.iter().map(|b| (b.exchange_index, b.balance.to_string())).collect();
    assert_eq!(shards, [(0, "999.4625".to_string())]);
    let position: KalshiPosition = serde_json::from_value(v["positions"]["market_positions"][0].clone()).unwrap();
    assert_eq!(
        (position.position_fp.as_str(), position.market_exposure_dollars.map(|m| m.to_string())),
        ("-1.00", Some("0.52".into()))
    );
}
