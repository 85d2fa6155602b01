//! One conformance suite for `Store`, run against SQLite and PostgreSQL: every test below exists
//! twice, as `sqlite::NAME` and `postgres::NAME`, on a fresh database each.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use crossbook_model::*;
use crossbook_store::testing::TestDb;
use crossbook_store::*;

fn t(h: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 9, 12, 0, 0).unwrap() + Duration::hours(h)
}

fn kalshi_market(ticker: &str, topic: Topic, mve: bool) -> Market {
    let event = ticker.rsplit_once('-').map(|(e, _)| e).unwrap_or(ticker);
    Market {
        key: MarketRef::Kalshi {
            ticker: KalshiMarketTicker::new(ticker).unwrap(),
            event_ticker: KalshiEventTicker::new(event).unwrap(),
        },
        series: Some("KXNBAGAME".into()),
        title: "Milwaukee at Los Angeles L Winner?".into(),
        subtitle: Some("Milwaukee".into()),
        topic,
        league: Some(League::Nba),
        participants: vec![
            Participant::new(Some("MIL"), &["Milwaukee"]),
            Participant::new(Some("LAL"), &["Los Angeles L"]),
        ],
        subject: Some(Subject::Side(0)),
        kind: MarketKind::Moneyline,
        line: None,
        outcomes: vec![
            Outcome { name: "Yes".into(), token_id: None, price: Some("0.42".parse().unwrap()), side: None },
            Outcome { name: "No".into(), token_id: None, price: None, side: None },
        ],
        status: MarketStatus::Open,
        state: MarketState::Open,
        open_time: Some(t(-48)),
        close_time: Some(t(24)),
        starts_at: Some(t(15)),
        ends_at: Some(t(18)),
        is_mve: mve,
        fees: FeeSchedule::KalshiQuadratic { taker_rate: 70_000, maker_rate: 17_500, multiplier: 1_000_000 },
        rules: Some("If Milwaukee wins, the market resolves to Yes.".into()),
        raw: serde_json::json!({"ticker": ticker, "yes_bid_dollars": "0.4100", "note": "naïve \u{0000} ok"}),
    }
}

fn poly_market(id: &str, line: Option<&str>) -> Market {
    Market {
        key: MarketRef::Polymarket {
            market_id: PolyMarketId::new(id).unwrap(),
            event_id: PolyEventId::new("140938").unwrap(),
            condition_id: Some(PolyConditionId::new("0xf05b").unwrap()),
        },
        series: Some("nba-2026".into()),
        title: "Bucks vs. Lakers".into(),
        subtitle: None,
        topic: Topic::Sports,
        league: Some(League::Nba),
        participants: vec![Participant::new(Some("mil"), &["Bucks"]), Participant::new(Some("lal"), &["Lakers"])],
        subject: None,
        kind: if line.is_some() { MarketKind::Spread } else { MarketKind::Moneyline },
        line: line.and_then(Line::parse),
        outcomes: vec![
            Outcome {
                name: "Bucks".into(),
                token_id: Some(PolyTokenId::new("111").unwrap()),
                price: None,
                side: Some(0),
            },
            Outcome {
                name: "Lakers".into(),
                token_id: Some(PolyTokenId::new("222").unwrap()),
                price: None,
                side: None,
            },
        ],
        status: MarketStatus::Open,
        state: MarketState::Open,
        open_time: None,
        close_time: Some(t(16)),
        starts_at: Some(t(15)),
        ends_at: None,
        is_mve: false,
        fees: FeeSchedule::Free,
        rules: None,
        raw: serde_json::json!({"id": id, "outcomes": "[\"Bucks\", \"Lakers\"]"}),
    }
}

fn candidate(ticker: &str, poly: &str, index: u8) -> LinkCandidate {
    LinkCandidate {
        kalshi_ticker: KalshiMarketTicker::new(ticker).unwrap(),
        kalshi_event_ticker: KalshiEventTicker::new("KXNBAGAME-26JAN09MILLAL").unwrap(),
        poly_venue: crossbook_model::Venue::Polymarket,
        poly_market_id: PolyMarketId::new(poly).unwrap(),
        poly_condition_id: Some(PolyConditionId::new("0xf05b").unwrap()),
        poly_token_id: Some(PolyTokenId::new("111").unwrap()),
        poly_outcome_index: index,
        poly_outcome: "Bucks".into(),
        kind: MarketKind::Moneyline,
        line: None,
        league: Some(League::Nba),
        starts_at: Some(t(15)),
        score: 0.97,
        reasons: vec!["league NBA".into(), "participants exact".into()],
    }
}

async fn migrate_twice_changes_nothing(s: &dyn Store) {
    let again = s.migrate().await.unwrap();
    assert!(again.applied.is_empty(), "second migrate applied {:?}", again.applied);
    assert_eq!(again.current, 12);
    s.ping().await.unwrap();
}

async fn upsert_markets_is_idempotent(s: &dyn Store) {
    let ms = vec![
        kalshi_market("KXNBAGAME-26JAN09MILLAL-MIL", Topic::Sports, false),
        kalshi_market("KXNBAGAME-26JAN09MILLAL-LAL", Topic::Sports, false),
        poly_market("1096983", None),
        poly_market("1096990", Some("-3.5")),
    ];
    assert_eq!(s.upsert_markets(&ms, t(0)).await.unwrap(), 4);
    let first = s.list_markets(&MarketFilter::default()).await.unwrap();
    s.upsert_markets(&ms, t(1)).await.unwrap();
    let second = s.list_markets(&MarketFilter::default()).await.unwrap();
    assert_eq!(first.len(), 4);
    assert_eq!(second.len(), 4);
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(a.market, b.market, "market changed on re-upsert");
        assert_eq!(a.first_seen, b.first_seen);
        assert_eq!(b.last_seen, t(1));
    }
    // Everything round-trips: ids, line, outcomes, fees, raw payload verbatim.
    let spread = second.iter().find(|m| m.market.id() == "1096990").unwrap();
    assert_eq!(spread.market, ms[3]);
    assert_eq!(spread.market.line.unwrap().hundredths(), -350);
    let k = second.iter().find(|m| m.market.id() == "KXNBAGAME-26JAN09MILLAL-MIL").unwrap();
    assert_eq!(k.market, ms[0]);
}

async fn duplicate_keys_in_one_batch_keep_the_last(s: &dyn Store) {
    let mut a = kalshi_market("KXNBAGAME-26JAN09MILLAL-MIL", Topic::Sports, false);
    let mut b = a.clone();
    a.title = "first".into();
    b.title = "second".into();
    s.upsert_markets(&[a, b], t(0)).await.unwrap();
    let all = s.list_markets(&MarketFilter::default()).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].market.title, "second");
}

async fn large_batches_are_chunked(s: &dyn Store) {
    let ms: Vec<Market> =
        (0..1_234).map(|i| kalshi_market(&format!("KXNBAGAME-26JAN09MILLAL-T{i}"), Topic::Sports, false)).collect();
    assert_eq!(s.upsert_markets(&ms, t(0)).await.unwrap(), 1_234);
    assert_eq!(s.list_markets(&MarketFilter::default()).await.unwrap().len(), 1_234);
}

async fn unseen_markets_are_closed_not_deleted(s: &dyn Store) {
    let a = kalshi_market("KXNBAGAME-26JAN09MILLAL-MIL", Topic::Sports, false);
    let b = kalshi_market("KXNBAGAME-26JAN09MILLAL-LAL", Topic::Sports, false);
    let other = kalshi_market("KXFED-26JAN-T4.00", Topic::Economics, false);
    s.upsert_markets(&[a.clone(), b.clone(), other.clone()], t(0)).await.unwrap();
    s.upsert_markets(std::slice::from_ref(&a), t(1)).await.unwrap();
    // Only sports are in scope: the economics market is not touched.
    let closed = s.close_unseen_markets(Venue::Kalshi, Some(Topic::Sports), t(1), t(2)).await.unwrap();
    assert_eq!(closed, 1);
    let all = s.list_markets(&MarketFilter::default()).await.unwrap();
    assert_eq!(all.len(), 3, "nothing deleted");
    let gone = all.iter().find(|m| m.market.id() == b.id()).unwrap();
    assert_eq!((gone.market.status, gone.market.state), (MarketStatus::Closed, MarketState::Closed));
    assert_eq!(gone.closed_at, Some(t(2)));
    let kept = all.iter().find(|m| m.market.id() == other.id()).unwrap();
    assert_eq!(kept.market.status, MarketStatus::Open);
    // Closing again closes nothing more; seeing it again reopens it.
    assert_eq!(s.close_unseen_markets(Venue::Kalshi, Some(Topic::Sports), t(1), t(3)).await.unwrap(), 0);
    s.upsert_markets(std::slice::from_ref(&b), t(4)).await.unwrap();
    let back = s.list_markets(&MarketFilter::default()).await.unwrap();
    let b2 = back.iter().find(|m| m.market.id() == b.id()).unwrap();
    assert_eq!((b2.market.status, b2.market.state, b2.closed_at), (MarketStatus::Open, MarketState::Open, None));
}

async fn market_states_round_trip_and_sockets_set_them(s: &dyn Store) {
    let mut paused = kalshi_market("KXNBAGAME-26JAN09MILLAL-MIL", Topic::Sports, false);
    paused.state = MarketState::Paused;
    let open = poly_market("1096983", None);
    s.upsert_markets(&[paused.clone(), open.clone()], t(0)).await.unwrap();
    let state_of = |all: &[StoredMarket], id: &str| all.iter().find(|m| m.market.id() == id).unwrap().market.state;
    let all = s.list_markets(&MarketFilter::default()).await.unwrap();
    assert_eq!((state_of(&all, paused.id()), state_of(&all, open.id())), (MarketState::Paused, MarketState::Open));
    // A socket resolves the Polymarket market between passes.
    s.set_market_state(Venue::Polymarket, open.id(), MarketState::Resolved).await.unwrap();
    s.set_market_state(Venue::Polymarket, "no-such-market", MarketState::Resolved).await.unwrap();
    let all = s.list_markets(&MarketFilter::default()).await.unwrap();
    assert_eq!(state_of(&all, open.id()), MarketState::Resolved);
    // Vanishing from the venue keeps a resolution, closes the rest.
    assert_eq!(s.close_unseen_markets(Venue::Kalshi, None, t(1), t(2)).await.unwrap(), 1);
    assert_eq!(s.close_unseen_markets(Venue::Polymarket, None, t(1), t(2)).await.unwrap(), 1);
    let all = s.list_markets(&MarketFilter::default()).await.unwrap();
    assert_eq!((state_of(&all, paused.id()), state_of(&all, open.id())), (MarketState::Closed, MarketState::Resolved));
}

async fn market_filters(s: &dyn Store) {
    let mut closed = kalshi_market("KXNBAGAME-26JAN08BOSNYK-BOS", Topic::Sports, false);
    closed.status = MarketStatus::Settled;
    s.upsert_markets(
        &[
            kalshi_market("KXNBAGAME-26JAN09MILLAL-MIL", Topic::Sports, false),
            kalshi_market("KXMVESPORTSMULTIGAMEEXTENDED-S2026C5F5F443089-BC7", Topic::Sports, true),
            kalshi_market("KXFED-26JAN-T4.00", Topic::Economics, false),
            closed,
            poly_market("1096983", None),
        ],
        t(0),
    )
    .await
    .unwrap();
    let count = |f: MarketFilter| async move { s.list_markets(&f).await.unwrap().len() };
    assert_eq!(count(MarketFilter::default()).await, 5);
    assert_eq!(count(MarketFilter { venue: Some(Venue::Polymarket), ..Default::default() }).await, 1);
    assert_eq!(count(MarketFilter { topic: Some(Topic::Sports), ..Default::default() }).await, 4);
    assert_eq!(
        count(MarketFilter { topic: Some(Topic::Sports), exclude_mve: true, open_only: true, ..Default::default() })
            .await,
        2
    );
    assert_eq!(count(MarketFilter { league: Some(League::Nba), ..Default::default() }).await, 5);
    let only =
        |ids: &[&str]| MarketFilter { ids: Some(ids.iter().map(|i| i.to_string()).collect()), ..Default::default() };
    assert_eq!(count(only(&["1096983", "KXNBAGAME-26JAN09MILLAL-MIL", "unknown"])).await, 2);
    assert_eq!(count(only(&[])).await, 0, "an empty list selects nothing");
    assert_eq!(
        s.market_counts().await.unwrap(),
        vec![
            (Venue::Kalshi, Topic::Economics, 1),
            (Venue::Kalshi, Topic::Sports, 3),
            (Venue::Polymarket, Topic::Sports, 1)
        ]
    );
}

async fn events_round_trip(s: &dyn Store) {
    let e = Event {
        venue: Venue::Kalshi,
        id: "KXNBAGAME-26JAN11HOUSAC".into(),
        series: Some("KXNBAGAME".into()),
        title: "Houston at Sacramento".into(),
        topic: Topic::Sports,
        league: Some(League::Nba),
        participants: vec![Participant::new(Some("HOU"), &["Houston"]), Participant::new(Some("SAC"), &["Sacramento"])],
        starts_at: Some(t(30)),
        is_mve: false,
        status: MarketStatus::Open,
        raw: serde_json::json!({"event_ticker": "KXNBAGAME-26JAN11HOUSAC", "mutually_exclusive": true}),
    };
    s.upsert_events(std::slice::from_ref(&e), t(0)).await.unwrap();
    s.upsert_events(std::slice::from_ref(&e), t(1)).await.unwrap();
    assert_eq!(s.list_events(None).await.unwrap(), vec![e.clone()]);
    assert!(s.list_events(Some(Venue::Polymarket)).await.unwrap().is_empty());
}

async fn link_review_keeps_history_and_human_decisions(s: &dyn Store) {
    let c = candidate("KXNBAGAME-26JAN09MILLAL-MIL", "1096983", 0);
    let id = match s.upsert_link_candidate(&c, t(0)).await.unwrap() {
        LinkUpsert::Inserted(id) => id,
        other => panic!("expected insert, got {other:?}"),
    };
    let link = s.get_link(id).await.unwrap().unwrap();
    assert_eq!(link.status, LinkStatus::Suggested);
    assert_eq!(link.candidate, c);

    // Same pair again: refreshed, status kept.
    let mut c2 = c.clone();
    c2.score = 0.99;
    assert_eq!(s.upsert_link_candidate(&c2, t(1)).await.unwrap(), LinkUpsert::Updated(id));
    assert_eq!(s.get_link(id).await.unwrap().unwrap().candidate.score, 0.99);

    // Another Polymarket market for the same Kalshi market conflicts.
    let other = candidate("KXNBAGAME-26JAN09MILLAL-MIL", "1096999", 1);
    assert_eq!(s.upsert_link_candidate(&other, t(1)).await.unwrap(), LinkUpsert::Conflict { existing: id });

    // Auto-confirm, then a person rejects, then auto may not confirm again.
    assert_eq!(
        s.decide_link(id, LinkStatus::Confirmed, &Decider::Auto, "exact", t(2)).await.unwrap(),
        Decision::Applied
    );
    assert_eq!(
        s.decide_link(id, LinkStatus::Confirmed, &Decider::Auto, "exact", t(2)).await.unwrap(),
        Decision::Unchanged
    );
    let ana = Decider::Human("ana".into());
    assert_eq!(s.decide_link(id, LinkStatus::Rejected, &ana, "wrong game", t(3)).await.unwrap(), Decision::Applied);
    assert_eq!(
        s.decide_link(id, LinkStatus::Confirmed, &Decider::Auto, "exact", t(4)).await.unwrap(),
        Decision::KeptHumanDecision
    );
    let link = s.get_link(id).await.unwrap().unwrap();
    assert_eq!((link.status, link.decided_by.clone(), link.decided_at), (LinkStatus::Rejected, Some(ana), Some(t(3))));

    let history = s.link_history(id).await.unwrap();
    let steps: Vec<_> = history.iter().map(|d| (d.from, d.to, d.decided_by.to_string())).collect();
    assert_eq!(
        steps,
        vec![
            (None, LinkStatus::Suggested, "auto".to_string()),
            (Some(LinkStatus::Suggested), LinkStatus::Confirmed, "auto".to_string()),
            (Some(LinkStatus::Confirmed), LinkStatus::Rejected, "human:ana".to_string()),
        ]
    );

    // Once rejected, the Kalshi market may get another live link.
    let new = s.upsert_link_candidate(&other, t(5)).await.unwrap();
    assert!(matches!(new, LinkUpsert::Inserted(n) if n != id));
    // ...and the rejected one cannot be revived while the new one is live.
    let err = s.decide_link(id, LinkStatus::Confirmed, &Decider::Human("bo".into()), "undo", t(6)).await;
    assert!(matches!(err, Err(StoreError::Conflict(_))), "{err:?}");
    assert!(matches!(
        s.decide_link(LinkId(9_999), LinkStatus::Confirmed, &Decider::Auto, "x", t(6)).await,
        Err(StoreError::NotFound(_))
    ));

    let counts = s.link_counts().await.unwrap();
    assert_eq!(counts, LinkCounts { suggested: 1, confirmed: 0, rejected: 1 });
    assert_eq!(s.list_links(Some(LinkStatus::Rejected)).await.unwrap().len(), 1);
    assert_eq!(s.list_links(None).await.unwrap().len(), 2);
}

/// A Kalshi market has one live link per venue of its second leg: a Polymarket link and a
/// Polymarket US link stand together; a second Polymarket US market conflicts with the first.
async fn a_kalshi_market_links_once_per_venue(s: &dyn Store) {
    let poly = candidate("KXNFLGAME-26OCT18KCBUF-KC", "1096983", 0);
    let us = |slug: &str| LinkCandidate {
        poly_venue: Venue::PolymarketUs,
        poly_market_id: PolyMarketId::new(slug).unwrap(),
        poly_condition_id: None,
        poly_token_id: None,
        ..poly.clone()
    };
    let LinkUpsert::Inserted(p) = s.upsert_link_candidate(&poly, t(0)).await.unwrap() else { panic!() };
    let LinkUpsert::Inserted(u) = s.upsert_link_candidate(&us("aec-nfl-kc-buf-2026-10-18"), t(0)).await.unwrap() else {
        panic!("a second venue's link is not a conflict")
    };
    assert_eq!(
        s.upsert_link_candidate(&us("aec-nfl-kc-buf-2026-10-19"), t(1)).await.unwrap(),
        LinkUpsert::Conflict { existing: u }
    );
    s.decide_link(p, LinkStatus::Confirmed, &Decider::Auto, "exact", t(2)).await.unwrap();
    s.decide_link(u, LinkStatus::Confirmed, &Decider::Auto, "exact", t(2)).await.unwrap();
    let back = s.get_link(u).await.unwrap().unwrap().candidate;
    assert_eq!((back.poly_venue, back.poly_market_id.as_str()), (Venue::PolymarketUs, "aec-nfl-kc-buf-2026-10-18"));
    assert_eq!(s.get_link(p).await.unwrap().unwrap().candidate.poly_venue, Venue::Polymarket);
}

/// A trade and its fills read back as written; writing it again (a retry, a spool replay)
/// updates the trade and adds no fill twice.
async fn trades_fills_and_controls_are_written_once(s: &dyn Store) {
    let fill = |n: usize, venue: Venue, market: &str, price: &str| Fill {
        fill_id: format!("paper-7-kalshi_yes-1-{n}-1"),
        order_id: format!("paper-7-kalshi_yes-1-{n}"),
        trade_id: "paper-7-kalshi_yes-1".into(),
        contract: Contract {
            venue,
            market: market.into(),
            side: (venue == Venue::Kalshi).then_some(Side::Yes),
            outcome: (venue == Venue::Polymarket).then(|| "Knicks".to_string()),
        },
        action: Action::Buy,
        price: price.parse().unwrap(),
        size: Qty::from_whole(50).unwrap(),
        fee: "0.84".parse().unwrap(),
        at: t(n as i64),
        mode: ExecutionMode::Paper,
        opportunity: LinkId(7),
    };
    let mut trade = Trade {
        trade_id: "paper-7-kalshi_yes-1".into(),
        mode: ExecutionMode::Paper,
        link_id: LinkId(7),
        direction: "kalshi_yes".into(),
        kind: MarketKind::Moneyline,
        league: Some(League::Nba),
        game: Some("Celtics at Knicks".into()),
        decided_at: t(0),
        finished_at: None,
        planned_size: Qty::from_whole(50).unwrap(),
        planned_profit: "1.28875".parse().unwrap(),
        status: TradeStatus::Working,
        orders: Vec::new(),
        fills: vec![fill(1, Venue::Kalshi, "KXNBAGAME-26NOV20BOSNYK-BOS", "0.40")],
        sets: Qty::ZERO,
        bought: Money::ZERO,
        sold: Money::ZERO,
        fees: Money::ZERO,
        exposure: Vec::new(),
        pnl: Money::ZERO,
    };
    s.record_trade(&trade).await.unwrap();
    trade.fills.push(fill(2, Venue::Polymarket, "nyk-token", "0.55"));
    trade.status = TradeStatus::Hedged;
    trade.settle_books();
    s.record_trade(&trade).await.unwrap();
    s.record_trade(&trade).await.unwrap();
    let trades = s.list_trades(t(-1)).await.unwrap();
    assert_eq!(trades, vec![trade.clone()]);
    let fills = s.list_fills(t(-1)).await.unwrap();
    assert_eq!(fills, trade.fills);
    assert_eq!(s.list_fills(t(2)).await.unwrap().len(), 1);
    assert!(s.list_trades(t(1)).await.unwrap().is_empty());
    // The kill switch, set and set again.
    assert_eq!(s.control("kill_switch").await.unwrap(), None);
    let on = Control { name: "kill_switch".into(), value: "on".into(), set_by: "cli".into(), set_at: t(3) };
    s.set_control(&on).await.unwrap();
    s.set_control(&Control { value: "off".into(), set_by: "dashboard".into(), set_at: t(4), ..on.clone() })
        .await
        .unwrap();
    let back = s.control("kill_switch").await.unwrap().unwrap();
    assert_eq!((back.value.as_str(), back.set_by.as_str(), back.set_at), ("off", "dashboard", t(4)));
}

async fn ingestion_and_matching_runs(s: &dyn Store) {
    let k1 = s.start_ingestion_run(Venue::Kalshi, "split", t(0)).await.unwrap();
    let k2 = s.start_ingestion_run(Venue::Kalshi, "full", t(1)).await.unwrap();
    let p = s.start_ingestion_run(Venue::Polymarket, "split", t(1)).await.unwrap();
    let skipped = BTreeMap::from([("mve".to_string(), 3), ("malformed".to_string(), 1)]);
    for (id, status) in [(k1, RunStatus::Ok), (k2, RunStatus::Partial)] {
        s.finish_ingestion_run(
            id,
            &RunSummary {
                finished_at: t(2),
                status,
                fetched: 812,
                stored: 808,
                skipped: skipped.clone(),
                errors: 1,
                message: None,
            },
        )
        .await
        .unwrap();
    }
    let latest = s.latest_ingestion_runs().await.unwrap();
    assert_eq!(latest.len(), 2);
    assert_eq!((latest[0].id, latest[0].status, latest[0].stored), (k2, RunStatus::Partial, 808));
    assert_eq!(latest[0].skipped, skipped);
    assert_eq!((latest[1].id, latest[1].status, latest[1].finished_at), (p, RunStatus::Running, None));

    assert_eq!(s.latest_matching_run().await.unwrap(), None);
    let run =
        MatchingRun { started_at: t(3), finished_at: t(4), candidates: 30, confirmed: 20, rejected: 2, suggested: 8 };
    s.record_matching_run(&run).await.unwrap();
    assert_eq!(s.latest_matching_run().await.unwrap(), Some(run));
}

async fn watchlist_books_opportunities_and_alerts(s: &dyn Store) {
    // Links to hang watch entries and opportunities on.
    let a = s.upsert_link_candidate(&candidate("KXNBAGAME-26JAN09MILLAL-MIL", "1096983", 0), t(0)).await.unwrap().id();
    let b = s.upsert_link_candidate(&candidate("KXNBAGAME-26JAN09MILLAL-LAL", "1096983", 1), t(0)).await.unwrap().id();
    let w = |id, priority, liquidity| WatchEntry { link_id: id, priority, starts_at: Some(t(1)), liquidity };
    s.replace_watchlist(&[w(a, Priority::Low, 5), w(b, Priority::High, 1)], t(0)).await.unwrap();
    s.replace_watchlist(&[w(a, Priority::Medium, 5), w(b, Priority::High, 1)], t(0)).await.unwrap();
    let list = s.list_watchlist().await.unwrap();
    assert_eq!(
        list.iter().map(|e| (e.link_id, e.priority)).collect::<Vec<_>>(),
        vec![(b, Priority::High), (a, Priority::Medium)]
    );

    let book = |id: &str, at| BookSnapshot {
        venue: Venue::Kalshi,
        book_id: id.into(),
        bids: vec![("0.41".into(), "100".into())],
        asks: vec![("0.43".into(), "5.5".into())],
        seq: Some(7),
        received_at: at,
    };
    s.save_books(&[book("A", t(0)), book("B", t(0))]).await.unwrap();
    s.save_books(&[book("A", t(2))]).await.unwrap();
    let books = s.load_books(Some(&["A".to_string()])).await.unwrap();
    assert_eq!(books, vec![book("A", t(2))]);
    let fresh = s.book_freshness(t(2) + Duration::seconds(30)).await.unwrap();
    assert_eq!(fresh, Freshness { lt1m: 1, lt5m: 0, older: 1 });

    let mut o: Opportunity = serde_json::from_value(serde_json::json!({
        "link_id": a.0, "kind": "moneyline", "league": "NBA", "starts_at": null, "detected_at": "2026-01-09T12:00:00Z",
        "legs": [{"venue": "kalshi", "ticker": "KXNBAGAME-26JAN09MILLAL-MIL", "side": "yes", "price": "0.42", "size": "100"},
                 {"venue": "polymarket", "token_id": "222", "outcome": "Lakers", "price": "0.54", "size": "100"}],
        "cost": "0.96", "fees": "0.0171", "edge": "0.0229", "max_size": "100", "profit": "2.29",
        "quote_age_ms": {"kalshi": 120, "polymarket": 80}
    }))
    .unwrap();
    let id = s.upsert_opportunity(&o, "kalshi_yes", t(0), t(0)).await.unwrap();
    o.edge = "0.01".parse().unwrap();
    assert_eq!(s.upsert_opportunity(&o, "kalshi_yes", t(0), t(1)).await.unwrap(), id, "same open opportunity");
    let open = s.list_open_opportunities().await.unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!((open[0].first_seen, open[0].last_seen), (t(0), t(1)));
    assert_eq!(open[0].best_edge.to_string(), "0.0229");
    assert_eq!(open[0].opportunity, o);
    assert_eq!(s.close_opportunities(t(2), t(2)).await.unwrap().len(), 1);
    assert!(s.list_open_opportunities().await.unwrap().is_empty());
    // Written again after its close (a replay of the writer's spool): the same row, still closed.
    assert_eq!(s.replay_opportunity(&o, "kalshi_yes", t(0), t(1)).await.unwrap(), id, "replayed after its close");
    assert!(s.list_open_opportunities().await.unwrap().is_empty(), "a replay reopens nothing");
    assert_eq!(s.opportunities_since(t(0)).await.unwrap().len(), 1, "and adds no row");
    assert_ne!(s.upsert_opportunity(&o, "kalshi_yes", t(3), t(3)).await.unwrap(), id, "a new one after closing");
    assert_eq!(s.close_link_opportunities(b, None, t(3)).await.unwrap(), 0, "another link's");
    // Two directions open on one link (a two-way and a three-way): one closes alone.
    s.upsert_opportunity(&o, "three_way", t(3), t(3)).await.unwrap();
    assert_eq!(s.close_link_opportunities(a, Some("three_way"), t(3)).await.unwrap(), 1);
    let left = s.list_open_opportunities().await.unwrap();
    assert_eq!(left.iter().map(|o| o.direction.as_str()).collect::<Vec<_>>(), vec!["kalshi_yes"]);
    assert_eq!(s.close_link_opportunities(a, None, t(3)).await.unwrap(), 1);
    // The day's timeline: the closed ones since the window's start, oldest first, with when
    // they closed.
    let day = s.opportunities_since(t(3)).await.unwrap();
    assert_eq!(day.len(), 2, "the first closed at t(2), before the window: {day:?}");
    assert!(day.iter().all(|o| o.closed_at == Some(t(3))), "{day:?}");
    assert!(day.windows(2).all(|w| w[0].first_seen <= w[1].first_seen));
    assert_eq!(s.opportunities_since(t(2)).await.unwrap().len(), 3);

    let alert = AlertRecord {
        id: 0,
        key: Some("00ff-1".into()),
        opportunity_id: Some(id),
        kind: "arbitrage".into(),
        sink: "webhook".into(),
        status: "pending".into(),
        attempts: 0,
        payload: serde_json::json!({"text": "edge 0.0229"}),
        error: None,
        created_at: t(0),
        sent_at: None,
    };
    let aid = s.insert_alert(&alert).await.unwrap();
    // The writer's retry after a connection dropped past the commit: the same row, not a second.
    assert_eq!(s.insert_alert(&alert).await.unwrap(), aid);
    s.update_alert(aid, "sent", 2, None, Some(t(1))).await.unwrap();
    let alerts = s.list_alerts(10).await.unwrap();
    assert_eq!(alerts.len(), 1);
    assert_eq!((alerts[0].status.as_str(), alerts[0].attempts, alerts[0].sent_at), ("sent", 2, Some(t(1))));
    assert_eq!((alerts[0].payload.clone(), alerts[0].key.clone()), (alert.payload.clone(), alert.key.clone()));
    // What an alerter starting again takes back: the link and direction of the alert, since.
    let all =
        s.opportunities_since(t(-100)).await.unwrap().into_iter().chain(s.list_open_opportunities().await.unwrap());
    let row = all.into_iter().find(|o| o.id == id).unwrap();
    let recent = s.recent_arbitrage_alerts(t(-1)).await.unwrap();
    assert_eq!(recent, vec![(row.opportunity.link_id, row.direction.clone(), t(0))]);
    assert!(s.recent_arbitrage_alerts(t(1)).await.unwrap().is_empty(), "none since after it");
}

async fn leases_keep_one_holder_at_a_time(s: &dyn Store) {
    assert!(s.try_lease("ops", "a", t(0), t(1)).await.unwrap());
    assert!(!s.try_lease("ops", "b", t(0), t(1)).await.unwrap(), "held by a");
    assert!(s.try_lease("ops", "a", t(0), t(2)).await.unwrap(), "a renews");
    assert!(s.try_lease("quotes", "b", t(0), t(1)).await.unwrap(), "another service");
    assert!(!s.try_lease("ops", "b", t(1), t(3)).await.unwrap(), "a's lease runs to t(2)");
    assert!(s.try_lease("ops", "b", t(3), t(4)).await.unwrap(), "expired: b takes over");
    assert!(!s.try_lease("ops", "a", t(3), t(5)).await.unwrap());
}

/// An alert subject is claimed by one process per event: the first open claim wins, a second
/// within the cooldown loses unless the profit moved by the share or the opportunity reopened;
/// a close goes to one claimant only and only after an open; a condition's transitions once each.
async fn alert_claims_deliver_each_event_once(s: &dyn Store) {
    let open = |profit: i64, since: i64, reopen: bool| AlertClaim::Open {
        subject: "arbitrage:7:kalshi_yes".into(),
        profit,
        since: t(since),
        profit_change_percent: 50,
        reopen,
    };
    assert!(s.claim_alert(&open(2_000_000, 0, false), t(1)).await.unwrap(), "the first claim");
    assert!(!s.claim_alert(&open(2_000_000, 0, false), t(1)).await.unwrap(), "the same event from another process");
    assert!(!s.claim_alert(&open(2_900_000, 0, false), t(2)).await.unwrap(), "profit moved 45 %: under the share");
    assert!(s.claim_alert(&open(3_000_000, 0, false), t(2)).await.unwrap(), "profit moved 50 %");
    let close = AlertClaim::Transition {
        subject: "arbitrage:7:kalshi_yes".into(),
        from: Some("open".into()),
        to: "closed".into(),
    };
    assert!(s.claim_alert(&close, t(3)).await.unwrap(), "the close, once");
    assert!(!s.claim_alert(&close, t(3)).await.unwrap(), "and not twice");
    assert!(!s.claim_alert(&open(3_000_000, 0, false), t(3)).await.unwrap(), "reopened inside the cooldown");
    assert!(s.claim_alert(&open(3_000_000, 0, true), t(3)).await.unwrap(), "reopened, where a reopening alerts");
    assert!(s.claim_alert(&open(3_000_000, 4, false), t(5)).await.unwrap(), "the cooldown ran out");
    let never = AlertClaim::Transition {
        subject: "arbitrage:8:kalshi_no".into(),
        from: Some("open".into()),
        to: "closed".into(),
    };
    assert!(!s.claim_alert(&never, t(5)).await.unwrap(), "no close for what never alerted");
    let condition =
        |to: &str| AlertClaim::Transition { subject: "system:dead quotes".into(), from: None, to: to.into() };
    assert!(s.claim_alert(&condition("started"), t(6)).await.unwrap());
    assert!(!s.claim_alert(&condition("started"), t(6)).await.unwrap(), "a second process sees it too");
    assert!(s.claim_alert(&condition("cleared"), t(7)).await.unwrap());
    assert!(!s.claim_alert(&condition("cleared"), t(7)).await.unwrap());
}

/// Heartbeats: one row per service and process, replaced by the next beat, newest first.
async fn heartbeats_keep_one_row_per_service_and_process(s: &dyn Store) {
    let beat = |service: &str, holder: &str, at: i64, status: &str| Heartbeat {
        service: service.into(),
        holder: holder.into(),
        status: status.into(),
        restarts: 1,
        last_error: Some("socket: 'quoted' text".into()),
        beat_at: t(at),
        progress_at: Some(t(at)),
        period_ms: 2_000,
    };
    s.beat(&[beat("quotes", "a", 0, "running"), beat("ops", "a", 0, "running")]).await.unwrap();
    s.beat(&[beat("quotes", "a", 2, "restarting"), beat("quotes", "b", 1, "running")]).await.unwrap();
    let rows = s.list_heartbeats().await.unwrap();
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(rows[0], beat("quotes", "a", 2, "restarting"));
    assert_eq!((rows[1].holder.as_str(), rows[2].service.as_str()), ("b", "ops"));
}

/// Text from the venues goes in as bound parameters, never into the SQL: quotes, comment marks
/// and statements in it are stored verbatim and do nothing.
async fn hostile_text_is_stored_verbatim(s: &dyn Store) {
    let hostile = "Bucks'); DROP TABLE markets; -- \" OR 1=1 /* $1 ?";
    let mut m = poly_market("1096983", None);
    m.title = hostile.into();
    m.outcomes[0].name = hostile.into();
    m.participants = vec![Participant::new(Some(hostile), &[hostile]), Participant::new(None, &["Lakers"])];
    s.upsert_markets(&[m.clone(), poly_market("1096990", Some("-3.5"))], t(0)).await.unwrap();
    let all = s.list_markets(&MarketFilter::default()).await.unwrap();
    assert_eq!(all.len(), 2, "the table is intact and nothing else matched");
    let back = all.iter().find(|x| x.market.id() == "1096983").unwrap();
    assert_eq!(back.market, m);
}

/// A NUL in a venue's text (PostgreSQL refuses it in text columns) is stored as U+FFFD on both
/// backends; the raw payload keeps it (escaped); the rest of the batch is stored.
async fn a_nul_in_venue_text_is_stored_on_both_backends(s: &dyn Store) {
    let mut m = poly_market("1096983", None);
    m.title = format!("Bucks vs. Lakers{}", '\0');
    m.outcomes[0].name = format!("Bu{}cks", '\0');
    m.raw = serde_json::json!({"question": format!("Bucks vs. Lakers{}", '\0')});
    let mut e = Event {
        venue: Venue::Polymarket,
        id: "140938".into(),
        series: None,
        title: format!("Bucks{} vs. Lakers", '\0'),
        topic: Topic::Sports,
        league: None,
        participants: vec![],
        starts_at: None,
        is_mve: false,
        status: MarketStatus::Open,
        raw: serde_json::json!({}),
    };
    s.upsert_events(std::slice::from_ref(&e), t(0)).await.unwrap();
    assert_eq!(s.upsert_markets(&[m.clone(), poly_market("1096990", Some("-3.5"))], t(0)).await.unwrap(), 2);
    let back = s.list_markets(&MarketFilter::default()).await.unwrap();
    let back = back.iter().find(|x| x.market.id() == "1096983").unwrap();
    assert_eq!(back.market.title, "Bucks vs. Lakers\u{FFFD}");
    assert_eq!(back.market.outcomes[0].name, "Bu\u{FFFD}cks");
    assert_eq!(back.market.raw, m.raw, "the payload as the venue sent it");
    e.title = "Bucks\u{FFFD} vs. Lakers".into();
    assert_eq!(s.list_events(None).await.unwrap(), vec![e]);
}

/// Writers racing on the same rows (the REST pass and the live streams do): every write
/// succeeds, one open opportunity per link and direction, no deadlock between book saves made in
/// opposite orders.
async fn concurrent_writers_neither_collide_nor_deadlock(s: &dyn Store) {
    let link =
        s.upsert_link_candidate(&candidate("KXNBAGAME-26JAN09MILLAL-MIL", "1096983", 0), t(0)).await.unwrap().id();
    let o: Opportunity = serde_json::from_value(serde_json::json!({
        "link_id": link.0, "kind": "moneyline", "league": "NBA", "starts_at": null, "detected_at": "2026-01-09T12:00:00Z",
        "legs": [], "cost": "0.96", "fees": "0.0171", "edge": "0.0229", "max_size": "100", "profit": "2.29",
        "quote_age_ms": {"kalshi": 1, "polymarket": 1}
    }))
    .unwrap();
    let ids = futures_util::future::join_all((0..16).map(|i| s.upsert_opportunity(&o, "kalshi_yes", t(i), t(i)))).await;
    let ids: Vec<i64> = ids.into_iter().map(|r| r.expect("a racing upsert failed")).collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    assert_eq!(s.list_open_opportunities().await.unwrap().len(), 1);

    let books: Vec<BookSnapshot> = (0..40)
        .map(|i| BookSnapshot {
            venue: Venue::Kalshi,
            book_id: format!("B{i:02}"),
            bids: vec![],
            asks: vec![],
            seq: None,
            received_at: t(0),
        })
        .collect();
    let reversed: Vec<BookSnapshot> = books.iter().rev().cloned().collect();
    for _ in 0..10 {
        let (a, b) = futures_util::future::join(s.save_books(&books), s.save_books(&reversed)).await;
        a.expect("forward save");
        b.expect("reverse save");
    }
    assert_eq!(s.load_books(None).await.unwrap().len(), 40);
}

/// The registry's database rows: listed back as written; a learned row never overwrites a
/// person's; a person's block stays a block; removal deletes only the named row.
async fn participant_aliases_keep_a_persons_word(s: &dyn Store) {
    let alias = |value: &str, source, blocked| TeamAlias {
        league: League::SerieA,
        team: "INT".into(),
        venue: None,
        kind: AliasKind::Name,
        value: value.into(),
        source,
        blocked,
    };
    let person = alias("FC Internazionale Milano", AliasSource::Person, true);
    let learned = alias("Inter", AliasSource::Learned, false);
    assert_eq!(s.put_aliases(&[person.clone(), learned.clone()], t(0)).await.unwrap(), 2);
    // The matcher later learns the blocked name: the person's row stands.
    s.put_aliases(&[alias("FC Internazionale Milano", AliasSource::Learned, false)], t(1)).await.unwrap();
    let mut code = learned.clone();
    code.kind = AliasKind::Code;
    code.venue = Some(Venue::Polymarket);
    code.value = "int".into();
    s.put_aliases(std::slice::from_ref(&code), t(1)).await.unwrap();
    let mut rows = s.list_aliases().await.unwrap();
    rows.sort_by(|a, b| a.value.cmp(&b.value));
    assert_eq!(rows, vec![person.clone(), learned.clone(), code.clone()]);
    assert!(s.remove_alias(&learned).await.unwrap());
    assert!(!s.remove_alias(&learned).await.unwrap(), "already gone");
    assert_eq!(s.list_aliases().await.unwrap().len(), 2);
}

/// Chart points: stored and read back per link in time order, the window and limit kept,
/// pruned by age.
async fn quote_samples_round_trip(s: &dyn Store) {
    let p = |v: &str| Some(v.parse::<Price>().unwrap());
    let point = |link: i64, h: i64, edge: Option<&str>| QuoteSample {
        link_id: LinkId(link),
        at: t(h),
        kalshi_yes: p("0.42"),
        kalshi_no: p("0.6"),
        poly_yes: p("0.6"),
        poly_no: None,
        edge: edge.map(|e| e.parse().unwrap()),
    };
    let points = [point(1, 0, None), point(1, 1, Some("0.0229")), point(2, 1, None), point(1, 2, None)];
    s.save_quote_samples(&points).await.unwrap();
    let one = s.quote_samples(LinkId(1), t(0), 10).await.unwrap();
    assert_eq!(one, vec![points[0].clone(), points[1].clone(), points[3].clone()]);
    assert_eq!(s.quote_samples(LinkId(1), t(1), 10).await.unwrap().len(), 2, "the window");
    assert_eq!(s.quote_samples(LinkId(1), t(0), 1).await.unwrap(), vec![points[3].clone()], "the newest");
    assert_eq!(s.prune_quote_samples(t(1)).await.unwrap(), 1);
    assert_eq!(s.quote_samples(LinkId(1), t(0), 10).await.unwrap().len(), 2);
}

macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $name() {
                let db = crossbook_store::testing::TestDb::sqlite().await;
                assert_eq!(db.store.backend(), crossbook_store::Backend::Sqlite);
                super::$name(&*db.store).await;
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $name() {
                let db = crossbook_store::testing::TestDb::postgres().await;
                assert_eq!(db.store.backend(), crossbook_store::Backend::Postgres);
                super::$name(&*db.store).await;
            })*
        }
    };
}

conformance!(
    migrate_twice_changes_nothing,
    upsert_markets_is_idempotent,
    duplicate_keys_in_one_batch_keep_the_last,
    large_batches_are_chunked,
    unseen_markets_are_closed_not_deleted,
    market_states_round_trip_and_sockets_set_them,
    market_filters,
    events_round_trip,
    link_review_keeps_history_and_human_decisions,
    a_kalshi_market_links_once_per_venue,
    trades_fills_and_controls_are_written_once,
    ingestion_and_matching_runs,
    watchlist_books_opportunities_and_alerts,
    leases_keep_one_holder_at_a_time,
    alert_claims_deliver_each_event_once,
    heartbeats_keep_one_row_per_service_and_process,
    hostile_text_is_stored_verbatim,
    a_nul_in_venue_text_is_stored_on_both_backends,
    concurrent_writers_neither_collide_nor_deadlock,
    participant_aliases_keep_a_persons_word,
    quote_samples_round_trip,
);

#[tokio::test]
async fn test_db_handle_is_usable() {
    let _ = TestDb::of("sqlite").await;
}

/// Backup and restore, both backends: the same rows after the round trip.
mod backup_round_trip {
    use super::*;

    async fn fill(s: &dyn Store) {
        s.upsert_markets(
            &[kalshi_market("KXNBAGAME-26JAN09MILLAL-MIL", Topic::Sports, false), poly_market("1096983", None)],
            t(0),
        )
        .await
        .unwrap();
        let id =
            s.upsert_link_candidate(&candidate("KXNBAGAME-26JAN09MILLAL-MIL", "1096983", 0), t(0)).await.unwrap().id();
        s.decide_link(id, LinkStatus::Confirmed, &Decider::Human("ana".into()), "checked", t(1)).await.unwrap();
    }

    async fn rows(s: &dyn Store) -> (Vec<StoredMarket>, Vec<Link>, Vec<LinkDecision>) {
        let links = s.list_links(None).await.unwrap();
        let history = s.link_history(links[0].id).await.unwrap();
        (s.list_markets(&MarketFilter::default()).await.unwrap(), links, history)
    }

    #[tokio::test]
    async fn sqlite() {
        let db = TestDb::sqlite().await;
        fill(&*db.store).await;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("backup.db");
        backup::backup(&db.url, &file).await.unwrap();
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600, "its owner's only");
        assert!(backup::backup(&db.url, &file).await.is_err(), "never overwrites");
        let restored: DatabaseUrl = format!("sqlite://{}", dir.path().join("restored.db").display()).parse().unwrap();
        // Junk is refused, and leaves nothing that would block the next try.
        let junk = dir.path().join("junk.db");
        std::fs::write(&junk, b"junkjunk").unwrap();
        assert!(backup::restore(&restored, &junk, false).await.unwrap_err().to_string().contains("not an SQLite"));
        assert!(!dir.path().join("restored.db").exists());
        // An SQLite database that is not crossbook's is not a backup.
        let other = dir.path().join("other.db");
        let mut conn =
            <sqlx::SqliteConnection as sqlx::Connection>::connect(&format!("sqlite://{}?mode=rwc", other.display()))
                .await
                .unwrap();
        sqlx::Executor::execute(&mut conn, "CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('x')")
            .await
            .unwrap();
        sqlx::Connection::close(conn).await.unwrap();
        let e = backup::restore(&restored, &other, false).await.unwrap_err().to_string();
        assert!(e.contains("not a crossbook backup"), "{e}");
        assert!(!dir.path().join("restored.db").exists());
        // A dangling symlink as the backup's target is not written through.
        let link = dir.path().join("link.db");
        std::os::unix::fs::symlink(dir.path().join("elsewhere.db"), &link).unwrap();
        assert!(backup::backup(&db.url, &link).await.unwrap_err().to_string().contains("exists"));
        assert!(!dir.path().join("elsewhere.db").exists());
        backup::restore(&restored, &file, false).await.unwrap();
        let store = open(&restored).await.unwrap();
        assert_eq!(rows(&*store).await, rows(&*db.store).await);
        drop(store);
        // A database that exists is replaced only when forced.
        assert!(backup::restore(&restored, &file, false).await.unwrap_err().to_string().contains("--force"));
        backup::restore(&restored, &file, true).await.unwrap();
        assert_eq!(rows(&*open(&restored).await.unwrap()).await, rows(&*db.store).await);
    }

    #[tokio::test]
    async fn postgres() {
        let db = TestDb::postgres().await;
        fill(&*db.store).await;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("backup.dump");
        backup::backup(&db.url, &file).await.unwrap();
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600, "its owner's only");
        // A failed backup (no such database) leaves no file.
        let missing: DatabaseUrl = format!("{}_missing", db.postgres_url().unwrap()).parse().unwrap();
        let failed = dir.path().join("failed.dump");
        assert!(backup::backup(&missing, &failed).await.is_err());
        assert!(!failed.exists(), "no file from a failed backup");
        // The target holds crossbook's tables (migrated): refused unless forced.
        let target = TestDb::postgres().await;
        let refused = backup::restore(&target.url, &file, false).await.unwrap_err().to_string();
        assert!(refused.contains("table(s) already"), "{refused}");
        backup::restore(&target.url, &file, true).await.unwrap();
        let store = open(&target.url).await.unwrap();
        assert_eq!(rows(&*store).await, rows(&*db.store).await);
        // A backup file named like an option is read as a file.
        let odd = dir.path().join("-l");
        std::fs::copy(&file, &odd).unwrap();
        let cwd = std::env::current_dir().unwrap();
        std::env::set_current_dir(dir.path()).unwrap();
        let result = backup::restore(&target.url, std::path::Path::new("-l"), true).await;
        std::env::set_current_dir(cwd).unwrap();
        result.unwrap();
        assert_eq!(rows(&*open(&target.url).await.unwrap()).await, rows(&*db.store).await);
    }
}
