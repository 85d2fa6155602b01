//! The writer against a database that fails and comes back, on a real SQLite file.

use std::time::Duration;

use chrono::{TimeZone, Utc};
use crossbook_engine::writer::{Write, Writer};
use crossbook_model::LinkId;
use crossbook_store::QuoteSample;
use crossbook_store::testing::TestDb;

fn sample(i: i64) -> QuoteSample {
    QuoteSample {
        link_id: LinkId(1 + i % 7),
        at: Utc.with_ymd_and_hms(2026, 1, 9, 23, 0, 0).unwrap() + chrono::Duration::milliseconds(i),
        kalshi_yes: Some("0.42".parse().unwrap()),
        kalshi_no: Some("0.60".parse().unwrap()),
        poly_yes: Some("0.55".parse().unwrap()),
        poly_no: Some("0.47".parse().unwrap()),
        edge: None,
    }
}

/// A disk that fills up (SQLITE_FULL) and gets room again: the writer fails while it is full,
/// then writes again — what waited lands — instead of failing forever on connections the full
/// disk left inside a dead transaction.
#[tokio::test]
async fn the_writer_writes_again_once_a_full_disk_has_room() {
    let (db, unlimited) = TestDb::sqlite_with_page_limit(120).await;
    let writer = Writer::start(db.store.clone());
    let mut sent = 0i64;
    // Chart points until the database refuses them, a batch at a time (however slowly a loaded
    // machine writes, nothing piles up behind the refusal).
    let deadline = std::time::Instant::now() + Duration::from_secs(90);
    while writer.stats.failures.get() == 0 && std::time::Instant::now() < deadline {
        if writer.stats.depth.get() == 0 {
            writer.send(Write::Samples((sent..sent + 200).map(sample).collect()));
            sent += 200;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(writer.stats.failures.get() > 0, "the page limit was reached");
    // Room again: the points are pruned (their pages freed).
    let far = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
    unlimited.prune_quote_samples(far).await.unwrap();
    let after = sent;
    writer.send(Write::Samples((after..after + 50).map(sample).collect()));
    for _ in 0..600 {
        if writer.stats.failing_since.load(std::sync::atomic::Ordering::Relaxed) == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(writer.stats.failing_since.load(std::sync::atomic::Ordering::Relaxed), 0, "writes caught up");
    writer.flush().await;
    let since = sample(after).at;
    let mut landed = 0;
    for link in 1..=7 {
        landed += unlimited.quote_samples(LinkId(link), since, 10_000).await.unwrap().len();
    }
    assert_eq!(landed, 50, "what was sent once there was room is written");
}

fn at(s: i64) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 9, 23, 0, 0).unwrap() + chrono::Duration::seconds(s)
}

fn opportunity(link: LinkId) -> Box<crossbook_model::Opportunity> {
    serde_json::from_value(serde_json::json!({
        "link_id": link.0, "kind": "moneyline", "league": "NBA", "starts_at": null, "detected_at": "2026-01-09T23:00:00Z",
        "legs": [{"venue": "kalshi", "ticker": "KXNBAGAME-26JAN09MILLAL-MIL", "side": "yes", "price": "0.42", "size": "100"},
                 {"venue": "polymarket", "token_id": "222", "outcome": "Lakers", "price": "0.54", "size": "100"}],
        "cost": "0.96", "fees": "0.0171", "edge": "0.0229", "max_size": "100", "profit": "2.29",
        "quote_age_ms": {"kalshi": 120, "polymarket": 80}
    }))
    .unwrap()
}

fn alert(key: &str) -> Box<crossbook_store::AlertRecord> {
    Box::new(crossbook_store::AlertRecord {
        id: 0,
        key: Some(key.into()),
        opportunity_id: None,
        kind: "arbitrage".into(),
        sink: "webhook".into(),
        status: "pending".into(),
        attempts: 0,
        payload: serde_json::json!({"text": "edge"}),
        error: None,
        created_at: at(1),
        sent_at: None,
    })
}

/// The spool's lines, read as the next process reads them.
fn spooled(dir: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("w-1.spool")).unwrap_or_default();
    text.lines().map(str::to_string).collect()
}

/// A writer whose database is away holds an opportunity that opened and closed, an alert and
/// its delivery; its process dies (its runtime dropped, nothing flushed). The next writer on the
/// spool — a torn last line there — writes them all once the database answers: one
/// opportunity row, closed; one alert row, sent, with its opportunity. The spool is then cut
/// back to the alert, whose cooldown it keeps; replayed again, it adds no row.
#[test]
fn writes_held_while_the_database_is_away_survive_the_process() {
    let state = tempfile::tempdir().unwrap();
    let away: crossbook_store::DatabaseUrl = "postgres://nobody@127.0.0.1:1/none".parse().unwrap();
    let dies = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    dies.block_on(async {
        let store = crossbook_store::connect_lazy(&away).unwrap().unwrap();
        let (spool, replay) =
            crossbook_engine::spool::Spool::open(state.path(), "w", 1 << 20, chrono::Duration::minutes(10)).unwrap();
        assert!(replay.is_empty());
        let writer = Writer::spooled(store, spool, replay);
        let link = LinkId(1);
        let o = opportunity(link);
        writer.send(Write::Opportunity { o: o.clone(), direction: "kalshi_yes", first_seen: at(0), last_seen: at(0) });
        writer.send(Write::Alert { uid: 1, record: alert("cafe-1"), about: Some((link, "kalshi_yes")) });
        writer.send(Write::Opportunity { o, direction: "kalshi_yes", first_seen: at(0), last_seen: at(2) });
        writer.send(Write::AlertOutcome { uid: 1, status: "sent", attempts: 1, error: None, sent_at: Some(at(1)) });
        writer.send(Write::CloseLink { link, direction: None, at: at(3) });
        for _ in 0..100 {
            if spooled(state.path()).len() >= 5 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    dies.shutdown_background();
    assert_eq!(spooled(state.path()).len(), 5, "{:?}", spooled(state.path()));
    // A write cut short by the kill.
    let mut f = std::fs::OpenOptions::new().append(true).open(state.path().join("w-1.spool")).unwrap();
    std::io::Write::write_all(&mut f, br#"{"write":"close_unseen","seen_si"#).unwrap();

    let next = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    next.block_on(async {
        let db = TestDb::sqlite().await;
        let link = db.store.upsert_link_candidate(&candidate(), at(0)).await.unwrap().id();
        assert_eq!(link, LinkId(1));
        for round in 0..2 {
            let (spool, replay) =
                crossbook_engine::spool::Spool::open(state.path(), "w", 1 << 20, chrono::Duration::minutes(10))
                    .unwrap();
            let stats = spool.stats.clone();
            let remembered = spool.recent_alerts();
            assert_eq!(remembered, vec![(link, "kalshi_yes".to_string(), at(1))], "round {round}");
            let writer = Writer::spooled(db.store.clone(), spool, replay);
            writer.flush().await;
            assert_eq!(stats.unreadable.get(), if round == 0 { 1 } else { 0 }, "round {round}: the torn line");
            let rows = db.store.opportunities_since(at(0)).await.unwrap();
            assert_eq!(rows.len(), 1, "round {round}: {rows:?}");
            assert_eq!((rows[0].first_seen, rows[0].last_seen, rows[0].closed_at), (at(0), at(2), Some(at(3))));
            assert!(db.store.list_open_opportunities().await.unwrap().is_empty(), "round {round}");
            let alerts = db.store.list_alerts(10).await.unwrap();
            assert_eq!(alerts.len(), 1, "round {round}: {alerts:?}");
            assert_eq!((alerts[0].status.as_str(), alerts[0].opportunity_id), ("sent", Some(rows[0].id)));
            // Cut back to the alert alone (kept for its cooldown).
            let left = spooled(state.path());
            assert_eq!(left.len(), 1, "round {round}: {left:?}");
            assert!(left[0].contains("cafe-1") && left[0].contains("\"sent\""), "{left:?}");
            drop(writer);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
}

/// A second process takes the next slot of a spool held by another; a full spool counts what
/// it could not hold.
#[test]
fn spool_slots_are_locked_and_bounded() {
    use crossbook_engine::spool::{Entry, Spool};
    let state = tempfile::tempdir().unwrap();
    let keep = chrono::Duration::minutes(10);
    let (mut one, _) = Spool::open(state.path(), "w", 600, keep).unwrap();
    let (two, _) = Spool::open(state.path(), "w", 600, keep).unwrap();
    assert_ne!(one.path(), two.path());
    let close = Entry::CloseUnseen { seen_since: at(0), at: at(1) };
    for _ in 0..20 {
        one.append(&close);
    }
    one.sync().unwrap();
    let lines = std::fs::read_to_string(one.path()).unwrap().lines().count();
    assert!(lines > 0 && lines < 20, "{lines}");
    assert_eq!(one.stats.lost.get() as usize, 20 - lines);
    drop(one);
    // Released with its process: the next one takes the slot and reads it back.
    let (_again, replay) = Spool::open(state.path(), "w", 600, keep).unwrap();
    assert_eq!(replay, vec![close; lines]);
}

fn candidate() -> crossbook_model::LinkCandidate {
    use crossbook_model::*;
    LinkCandidate {
        kalshi_ticker: KalshiMarketTicker::new("KXNBAGAME-26JAN09MILLAL-MIL").unwrap(),
        kalshi_event_ticker: KalshiEventTicker::new("KXNBAGAME-26JAN09MILLAL").unwrap(),
        poly_venue: crossbook_model::Venue::Polymarket,
        poly_market_id: PolyMarketId::new("1096983").unwrap(),
        poly_condition_id: None,
        poly_token_id: Some(PolyTokenId::new("111").unwrap()),
        poly_outcome_index: 0,
        poly_outcome: "Bucks".into(),
        kind: MarketKind::Moneyline,
        line: None,
        league: Some(League::Nba),
        starts_at: Some(at(900)),
        score: 0.97,
        reasons: vec!["league NBA".into()],
    }
}

/// An alert whose process was killed before its delivery's outcome: the next writer closes its
/// row as failed, saying why — not pending forever, and not sent again (it may have arrived).
#[tokio::test]
async fn an_alert_the_killed_process_never_heard_back_on_is_closed_as_unknown() {
    use crossbook_engine::spool::{Entry, Spool};
    let state = tempfile::tempdir().unwrap();
    let keep = chrono::Duration::minutes(10);
    let (mut spool, _) = Spool::open(state.path(), "w", 1 << 20, keep).unwrap();
    spool.append(&Entry::Alert { record: alert("dead-1"), about: Some((LinkId(1), "kalshi_yes".into())) });
    spool.sync().unwrap();
    drop(spool);
    let db = TestDb::sqlite().await;
    db.store.upsert_link_candidate(&candidate(), at(0)).await.unwrap();
    let (spool, replay) = Spool::open(state.path(), "w", 1 << 20, keep).unwrap();
    let writer = Writer::spooled(db.store.clone(), spool, replay);
    writer.flush().await;
    let alerts = db.store.list_alerts(10).await.unwrap();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].status, "failed");
    assert!(alerts[0].error.as_deref().is_some_and(|e| e.contains("unknown")), "{alerts:?}");
}
