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
    // Chart points until the database refuses them.
    for _ in 0..400 {
        writer.send(Write::Samples((sent..sent + 200).map(sample).collect()));
        sent += 200;
        tokio::time::sleep(Duration::from_millis(25)).await;
        if writer.stats.failures.get() > 0 {
            break;
        }
    }
    assert!(writer.stats.failures.get() > 0, "the page limit was reached");
    // Room again: the points are pruned (their pages freed).
    let far = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
    unlimited.prune_quote_samples(far).await.unwrap();
    let after = sent;
    writer.send(Write::Samples((after..after + 50).map(sample).collect()));
    for _ in 0..100 {
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
