//! Real Polymarket payloads (`test_data/conformance/`, SOURCES.md there) read through the
//! production parsers: every socket event is read or skipped by name, never dropped; each field a
//! decision rests on keeps its venue meaning (prices, sizes, sides, ids, states, fees, ticks, the
//! live-scores game id).

use std::path::{Path, PathBuf};

use crossbook_model::{BookEvent, FeeSchedule, MarketState, MarketStatus, Price, PriceGrid, Qty, Venue};
use crossbook_polymarket::gamma::models::{GammaEvent, GammaMarket, GammaSport, GammaTeam, game_id_text};
use crossbook_polymarket::gamma::parse::{market_state, order_rules, parse_event, parse_market};
use crossbook_polymarket::websocket::{Notes, parse_frame, parse_sport};
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

/// The frames of a socket recording: one per line (`.jsonl`) or the whole file.
fn frames(rel: &str) -> Vec<String> {
    let t = text(rel);
    if rel.ends_with(".jsonl") {
        t.lines().filter(|l| !l.trim().is_empty()).map(str::to_string).collect()
    } else {
        vec![t]
    }
}

fn read(frame: &str) -> (Vec<BookEvent>, Notes) {
    let (mut out, mut notes) = (Vec::new(), Notes::default());
    parse_frame(frame, &mut out, &mut notes).unwrap_or_else(|e| panic!("{e}: {frame}"));
    assert!(notes.malformed.is_empty(), "{notes:?}: {frame}");
    (out, notes)
}

/// The clock the markets are read at (after the 0.05 sports rate took effect).
fn at() -> chrono::DateTime<chrono::Utc> {
    "2026-10-08T00:00:00Z".parse().unwrap()
}

/// Every event of every market-channel recording is read, or skipped by name.
#[test]
fn every_market_channel_event_is_read_or_skipped_by_name() {
    let mut skipped = std::collections::BTreeMap::<String, u64>::new();
    let mut read_events = 0;
    for entry in std::fs::read_dir(dir().join("ws-market")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        for f in frames(&format!("ws-market/{name}")) {
            let (events, notes) = read(&f);
            read_events += events.len();
            for k in notes.skipped {
                *skipped.entry(k.to_string()).or_default() += 1;
            }
        }
    }
    assert_eq!(
        skipped,
        [("best_bid_ask".to_string(), 1), ("last_trade_price".to_string(), 1), ("new_market".to_string(), 1)].into()
    );
    assert!(read_events >= 15, "{read_events}");
}

/// Captured `book` frames: levels sorted best first whatever the wire order, the tick the venue
/// states only there, and a book that can be true.
#[test]
fn books_keep_levels_and_their_tick() {
    let (events, _) = read(&text("ws-market/normalizer-0x3b6b68-20260816-book.json"));
    let [BookEvent::Snapshot { book: token, bids, asks, .. }, BookEvent::Tick { book: t2, tick, .. }] = &events[..]
    else {
        panic!("{events:?}")
    };
    assert!(token.starts_with("8788924027") && t2 == token);
    assert_eq!(*tick, p("0.01"));
    let book = crossbook_book::OrderBook::new(
        crossbook_book::BookSide::from_levels(bids.iter().map(|&(price, size)| crossbook_book::Level { price, size })),
        crossbook_book::BookSide::from_levels(asks.iter().map(|&(price, size)| crossbook_book::Level { price, size })),
        chrono::Utc::now(),
    );
    assert_eq!(book.bids.best().map(|l| (l.price, l.size)), Some((p("0.5"), q("100"))));
    assert_eq!(book.asks.best().map(|l| (l.price, l.size)), Some((p("0.51"), q("250"))));
    assert_eq!(book.unusable, None);

    let (events, _) = read(&text("ws-market/nautilus-ws_book_snapshot_captured.json"));
    let BookEvent::Snapshot { bids, asks, .. } = &events[0] else { panic!() };
    assert_eq!((bids.len(), asks.len()), (7, 57));
    assert!(matches!(&events[1], BookEvent::Tick { tick, .. } if *tick == p("0.01")));
    let best_bid = bids.iter().map(|l| l.0).max().unwrap();
    let best_ask = asks.iter().map(|l| l.0).min().unwrap();
    assert_eq!((best_bid, best_ask), (p("0.07"), p("0.08")));

    // The SDK's book written the docs' way (".48") and a tick change to 0.001.
    let f = frames("ws-market/rs-clob-client-docs-book+tick_size_change.jsonl");
    let (events, _) = read(&f[0]);
    assert!(matches!(&events[..], [BookEvent::Snapshot { bids, .. }] if bids[0] == (p("0.48"), q("30"))));
    let (events, _) = read(&f[1]);
    assert!(matches!(&events[..], [BookEvent::Tick { tick, .. }] if *tick == p("0.001")));
}

/// `price_change`: each entry its own token, `size` the level's new total (BUY = a bid), both
/// tokens of a market in one frame.
#[test]
fn price_changes_set_absolute_sizes_per_token() {
    let (events, _) = read(&text("ws-market/normalizer-0x101ed8-20260816-price_change.json"));
    assert_eq!(events.len(), 2);
    assert!(
        matches!(&events[0], BookEvent::Level { book: token, bid: true, price, size, .. } if token.starts_with("6563786712") && *price == p("0.2") && *size == q("60"))
    );
    assert!(
        matches!(&events[1], BookEvent::Level { book: token, bid: false, price, size, .. } if token.starts_with("1141950420") && *price == p("0.8") && *size == q("60"))
    );
    for f in frames("ws-market/rawlog-0x1fad72-20260527-price_change.jsonl") {
        let (events, _) = read(&f);
        assert!(matches!(&events[..], [BookEvent::Level { bid: true, .. }, BookEvent::Level { bid: false, .. }]));
    }
    let (events, _) = read(&text("ws-market/docs-migration-guide-20250915-price_change.json"));
    assert_eq!(events.len(), 2);
}

/// The initial dump is an array of books; the change 5 ms later sets one of its asks.
#[test]
fn an_array_dump_then_a_change_to_it() {
    let f = frames("ws-market/pybot-0x1587ee-20260508-book-array+price_change.jsonl");
    let (dump, _) = read(&f[0]);
    let BookEvent::Snapshot { book: token, asks, .. } = &dump[0] else { panic!("{dump:?}") };
    assert_eq!(asks.len(), 85);
    let (changes, _) = read(&f[1]);
    let change = changes
        .iter()
        .find_map(|e| match e {
            BookEvent::Level { book: t, bid: false, price, size, .. } if t == token => Some((*price, *size)),
            _ => None,
        })
        .expect("the change names the dumped book");
    assert_eq!(change, (p("0.15"), q("503.32")));
    assert!(asks.iter().any(|(price, _)| *price == p("0.15")), "it sets a level the dump has");
}

/// `market_resolved` ends both tokens of its market; the custom-feature events beside it are
/// counted by name.
#[test]
fn a_resolution_ends_the_market_on_both_tokens() {
    let (events, _) = read(&text("ws-market/nautilus-ws_market_resolved_msg.json"));
    assert_eq!(events.len(), 2);
    for e in &events {
        assert!(matches!(e, BookEvent::MarketState { venue: Venue::Polymarket, state: MarketState::Resolved, .. }));
    }
    for (file, kind) in [
        ("ws-market/nautilus-ws_market_best_bid_ask_msg.json", "best_bid_ask"),
        ("ws-market/nautilus-ws_market_new_market_msg.json", "new_market"),
        ("ws-market/normalizer-0x3b6b68-20260816-last_trade_price.json", "last_trade_price"),
    ] {
        let (events, notes) = read(&text(file));
        assert!(events.is_empty());
        assert_eq!(notes.skipped, [kind]);
    }
}

/// The live-scores socket: every real frame is keyed by `gameId` (cricket `metadataGameId`),
/// with no slug; the published example (keyed by slug) reads too.
#[test]
fn live_score_frames_are_read_by_game_id() {
    for (file, key, live, ended) in [
        ("sports-ws/polyoxide-soccer.json", "90106111", true, false),
        ("sports-ws/polyoxide-tennis_event_state.json", "5968822", true, false),
        ("sports-ws/polyoxide-esports.json", "1590176", true, false),
        ("sports-ws/polyoxide-cricket.json", "id2703680373085574", true, false),
        ("sports-ws/polyoxide-league_with_space.json", "6361496", true, false),
        ("sports-ws/polyoxide-finished_numeric.json", "6352662", false, true),
        ("sports-ws/docs-asyncapi-example-soccer-slug.json", "mci-liv-2025-02-03", true, false),
    ] {
        let r = parse_sport(&text(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(r.game_key().as_deref(), Some(key), "{file}");
        assert_eq!((r.live, r.ended), (Some(live), Some(ended)), "{file}");
        // Written back (a recording) as it came.
        let back = serde_json::to_value(&r).unwrap();
        assert_eq!(back, serde_json::from_str::<Value>(&text(file)).unwrap(), "{file}");
    }
    let soccer = parse_sport(&text("sports-ws/polyoxide-soccer.json")).unwrap();
    assert_eq!((soccer.score.as_deref(), soccer.period.as_deref()), (Some("2-1"), Some("2H")));
    assert_eq!(soccer.league_abbreviation.as_deref(), Some("kor"));
}

fn markets_of(event: &Value) -> Vec<(GammaMarket, Value)> {
    event["markets"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| (serde_json::from_value(m.clone()).unwrap(), m.clone()))
        .collect()
}

/// Gamma events with nested markets: fees from each market's schedule (0.05 sports rate,
/// 5 decimals), a result proposed while the market still accepts orders is resolving, the game's
/// id for the live-scores join.
#[test]
fn gamma_events_keep_fees_states_and_the_game_id() {
    let soccer: Value = serde_json::from_str(&text("gamma-events/discoveryjs-laliga-ala-val-20260915.json")).unwrap();
    let wire: GammaEvent = serde_json::from_value(soccer.clone()).unwrap();
    let e = parse_event(&wire, soccer.clone()).unwrap();
    for (w, raw) in markets_of(&soccer) {
        let m = parse_market(&w, Some(&e.id), raw.clone(), at()).unwrap();
        assert_eq!(m.fees, FeeSchedule::PolymarketCurve { rate: 50_000, exponent: 1 });
        assert_eq!(m.state, MarketState::Open);
        assert_eq!(m.outcomes.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(), ["Yes", "No"]);
        assert!(m.outcomes.iter().all(|o| o.token_id.is_some()));
        assert_eq!(m.starts_at.unwrap().to_rfc3339(), "2026-09-15T18:00:00+00:00");
    }
    let cs2: Value = serde_json::from_str(&text("gamma-events/discoveryjs-cs2-forzer-upgrad-20260915.json")).unwrap();
    for (w, raw) in markets_of(&cs2) {
        assert_eq!(w.accepting_orders, Some(true));
        let m = parse_market(&w, Some("1025935"), raw, at()).unwrap();
        assert_eq!(m.state, MarketState::Resolving, "umaResolutionStatus proposed: no trading on it");
    }
    let mlb: Value = serde_json::from_str(&text("gamma-events/polyoxide-event_game_full-mlb-20261008.json")).unwrap();
    let mlb = &mlb[0];
    let wire: GammaEvent = serde_json::from_value(mlb.clone()).unwrap();
    let e = parse_event(&wire, mlb.clone()).unwrap();
    assert_eq!(e.status, MarketStatus::Closed, "closed and ended");
    assert_eq!(wire.game_id.as_ref().and_then(game_id_text).as_deref(), Some("10079774"));
}

/// Full Gamma markets: a resolved, closed market with its schedule, tick, minimum and in-play
/// delay; a crypto market with fees enabled and no schedule is not priced.
#[test]
fn gamma_markets_keep_rules_state_and_unpriced_fees() {
    for file in [
        "gamma-markets/nautilus-gamma_market_sports_market_money_line-cs2-20260405.json",
        "gamma-markets/nautilus-gamma_market_sports_market_map_handicap-cs2-20260405.json",
    ] {
        let raw: Value = serde_json::from_str(&text(file)).unwrap();
        let w: GammaMarket = serde_json::from_value(raw.clone()).unwrap();
        let m = parse_market(&w, None, raw.clone(), at()).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(m.state, MarketState::Resolved, "{file}");
        assert_eq!(market_state(&w), MarketState::Resolved);
        assert_eq!(m.fees, FeeSchedule::PolymarketCurve { rate: 30_000, exponent: 1 }, "{file}");
        let rules = order_rules(&raw);
        assert_eq!((rules.grid.clone(), rules.min_size, rules.in_play_delay_s), (PriceGrid::uniform(1_000), q("5"), 3));
        assert!(m.event_id().chars().all(|c| c.is_ascii_digit()), "the event from the market's own `events`");
    }
    let raw: Value =
        serde_json::from_str(&text("gamma-markets/nautilus-gamma_market-btc-updown-5m-20260312.json")).unwrap();
    let w: GammaMarket = serde_json::from_value(raw.clone()).unwrap();
    let m = parse_market(&w, None, raw, at()).unwrap();
    assert_eq!((m.fees, m.state), (FeeSchedule::Unpriced, MarketState::Open));
}

/// A V2 market names its tokens in `positionIds` (encoded, or an array): the same outcomes.
#[test]
fn v2_markets_name_their_tokens_in_position_ids() {
    let soccer: Value = serde_json::from_str(&text("gamma-events/discoveryjs-laliga-ala-val-20260915.json")).unwrap();
    let mut raw = soccer["markets"][0].clone();
    let ids = raw.as_object_mut().unwrap().remove("clobTokenIds").unwrap();
    let as_array: Value = serde_json::from_str(ids.as_str().unwrap()).unwrap();
    for form in [ids.clone(), as_array] {
        let mut v2 = raw.clone();
        v2["positionIds"] = form;
        v2["version"] = "v2".into();
        let w: GammaMarket = serde_json::from_value(v2.clone()).unwrap();
        let m = parse_market(&w, Some("952074"), v2, at()).unwrap();
        let tokens: Vec<String> = m.outcomes.iter().map(|o| o.token_id.as_ref().unwrap().to_string()).collect();
        assert_eq!(tokens, serde_json::from_str::<Vec<String>>(ids.as_str().unwrap()).unwrap());
    }
}

/// `/sports`, `/teams` and a CLOB `/book` as recorded.
#[test]
fn sports_teams_and_rest_books() {
    let s: GammaSport = serde_json::from_str(&text("gamma-sports/polyoxide-sport_metadata-nba-20261008.json")).unwrap();
    assert_eq!((s.sport.as_str(), s.tag_ids()), ("nba", vec!["1".to_string(), "745".into(), "100639".into()]));
    for f in ["gamma-teams/polyoxide-team_full-20261008.json", "gamma-teams/polyoxide-team_sparse-20261008.json"] {
        let t: GammaTeam = serde_json::from_str(&text(f)).unwrap();
        assert!(t.abbreviation.is_some(), "{f}");
    }
    let b: crossbook_polymarket::clob::models::ClobBook =
        serde_json::from_str(&text("clob-book/wire-rest_test-0x7d0aaf-20260814.json")).unwrap();
    let (bids, asks) = crossbook_polymarket::clob::parse::book_levels(&b).unwrap();
    assert_eq!((bids[0], asks[0]), ((p("0.001"), q("28195.33")), (p("0.999"), q("231.08"))));
    assert_eq!(b.tick_size.as_deref(), Some("0.001"));
}

/// Gamma's answer to an offset past about 2,000: a refusal (the scan pages by keyset instead).
#[test]
fn the_offset_refusal_is_a_rejection_not_a_retry() {
    let body = text("rest-error/sapience-gamma-markets-offset-too-large-20260618-422.json");
    let e = crossbook_net::NetError::from_http_status("polymarket", "/markets", 422, &body);
    assert!(
        matches!(&e, crossbook_net::NetError::Rejected { status: 422, body, .. } if body.contains("keyset")),
        "{e}"
    );
    assert!(!e.is_retryable());
}
