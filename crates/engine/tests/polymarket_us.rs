//! Polymarket US ingestion over loopback against the simulator, into SQLite and PostgreSQL:
//! the real payload's event, paged by offset past one page, with a malformed event and a
//! malformed market counted, skipped and the rest stored.

use std::collections::BTreeMap;
use std::sync::Arc;

use crossbook_engine::Clock;
use crossbook_engine::ingest::{IngestOptions, LogProgress, Mode, ingest_polymarket_us};
use crossbook_model::{League, MarketKind, MarketState, Topic, Venue};
use crossbook_polymarket_us::UsClient;
use crossbook_sim::{Capture, SimConfig};
use crossbook_store::testing::TestDb;
use crossbook_store::{MarketFilter, RunStatus};
use serde_json::{Value, json};

/// The real event (SD at COL, 2026-09-16), and `copies` more of it on other dates.
fn capture(copies: usize) -> Capture {
    let page: Value = serde_json::from_str(include_str!("../../polymarket_us/tests/data/events.json")).unwrap();
    let real = page["events"][0].clone();
    let mut events = vec![real.clone()];
    for i in 0..copies {
        let text = serde_json::to_string(&real).unwrap().replace("2026-09-16", &format!("2027-01-{:02}", 1 + i % 28));
        let mut e: Value = serde_json::from_str(&text.replace("mlb-sd-col-", &format!("mlb-sd-col-g{i}-"))).unwrap();
        e["id"] = json!(format!("{}", 200_000 + i));
        events.push(e);
    }
    // One event that is not an event (no slug) and one market whose fee is not a number.
    events.push(json!({"title": "no slug", "markets": []}));
    events[1]["markets"][0]["feeCoefficient"] = json!("lots");
    Capture { us_events: events, ..Default::default() }
}

#[tokio::test]
async fn polymarket_us_is_ingested_page_by_page_with_bad_items_skipped() {
    for db in [TestDb::sqlite().await, TestDb::postgres().await] {
        let copies = 120;
        let sim =
            crossbook_sim::start(&capture(copies), SimConfig::default(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
        let env: BTreeMap<String, String> = sim.env_lines().into_iter().collect();
        let client = UsClient::new(&env["POLYMARKET_US_API_URL"], None).unwrap();
        let opts = IngestOptions {
            mode: Mode::Split,
            topics: vec![Topic::Sports],
            exclude_mve: true,
            clock: Clock::from_setting(Some("2026-09-14T17:13:39Z".parse().unwrap())),
            concurrency: 4,
        };
        let r = ingest_polymarket_us(db.store.clone(), &client, &opts, Arc::new(LogProgress)).await.unwrap();
        // 122 items over two pages of 100 and one short page (the third).
        assert_eq!(r.pages, 2, "{r:?}");
        assert_eq!(r.fetched, 3 * (copies as u64 + 1));
        assert_eq!(r.skipped.get("malformed"), Some(&2), "{r:?}");
        assert_eq!(r.stored, 3 * (copies as u64 + 1) - 1);
        assert_eq!(r.status, RunStatus::Partial);

        let filter = MarketFilter { venue: Some(Venue::PolymarketUs), ..Default::default() };
        let stored = db.store.list_markets(&filter).await.unwrap();
        let ml = stored.iter().map(|s| &s.market).find(|m| m.id() == "aec-mlb-sd-col-2026-09-16").unwrap();
        assert_eq!((ml.kind, ml.league, ml.state), (MarketKind::Moneyline, Some(League::Mlb), MarketState::Open));
        assert_eq!(ml.event_id(), "mlb-sd-col-2026-09-16");
        assert_eq!(ml.outcomes.iter().map(|o| o.side).collect::<Vec<_>>(), [Some(0), Some(1)]);
        let spread = stored.iter().map(|s| &s.market).find(|m| m.id() == "asc-mlb-sd-col-2026-09-16-neg-2pt5").unwrap();
        assert_eq!(spread.line.map(|l| l.hundredths()), Some(-250), "read back as stored");
        let events = db.store.list_events(Some(Venue::PolymarketUs)).await.unwrap();
        assert_eq!(events.len(), copies + 1);
        assert_eq!(events.iter().find(|e| e.id == "mlb-sd-col-2026-09-16").unwrap().participants.len(), 2);
        let served: Value = reqwest::get(format!("http://{}/sim/stats", sim.addr)).await.unwrap().json().await.unwrap();
        assert_eq!(served["requests"]["polymarket_us"], 2);
        sim.stop().await;
    }
}

/// `venues check` with Polymarket US enabled: the real payload as served reports no drift on
/// its endpoints; a field never seen, a field crossbook reads left out, and a book it cannot
/// read are each named.
#[tokio::test]
async fn the_venue_check_reads_polymarket_us_as_it_is_and_names_its_drift() {
    let check = |capture: Capture| async move {
        let sim = crossbook_sim::start(&capture, SimConfig::default(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
        let mut env: BTreeMap<String, String> = sim.env_lines().into_iter().collect();
        env.insert("VENUES".into(), "kalshi,polymarket,polymarket_us".into());
        let settings = crossbook_engine::Settings::from_lookup(&|k| env.get(k).cloned()).unwrap();
        let venues = crossbook_engine::Venues::from_settings(&settings).unwrap();
        let report =
            crossbook_engine::venue_check::check_venues(&settings, &venues, std::time::Duration::from_millis(200))
                .await;
        sim.stop().await;
        report.checks.into_iter().filter(|c| c.venue == "polymarket_us").collect::<Vec<_>>()
    };
    let page: Value = serde_json::from_str(include_str!("../../polymarket_us/tests/data/events.json")).unwrap();
    let as_is = Capture { us_events: page["events"].as_array().unwrap().clone(), ..Default::default() };
    let checks = check(as_is.clone()).await;
    let endpoints: Vec<&str> = checks.iter().map(|c| c.endpoint.as_str()).collect();
    assert_eq!(endpoints, ["GET /events?active=true&closed=false", "GET /events: markets", "GET /markets/{slug}/book"]);
    assert!(checks.iter().all(|c| !c.drifted()), "{checks:?}");
    assert_eq!(checks[1].items, 3);

    let mut drifted = as_is;
    let m = &mut drifted.us_events[0]["markets"][0];
    m["settlementWindow"] = json!("PT2H");
    m.as_object_mut().unwrap().remove("feeCoefficient");
    drifted.us_books.insert(
        "aec-mlb-sd-col-2026-09-16".into(),
        json!({"marketData": {"bids": [{"px": {"value": "1.5", "currency": "USD"}, "qty": "1"}], "offers": [], "state": "MARKET_STATE_OPEN"}}),
    );
    let checks = check(drifted).await;
    assert_eq!(
        (checks[1].new.clone(), checks[1].missing.clone()),
        (vec!["settlementWindow".to_string()], vec![]),
        "feeCoefficient is on the other markets"
    );
    assert_eq!(checks[2].malformed, 1, "{checks:?}");
}

/// The simulator holds Polymarket US to its 20 requests a second: a burst past it is refused
/// with 429 and `Retry-After`; the client, which paces itself to the limit (and retries a 429),
/// gets every answer.
#[tokio::test]
async fn the_simulator_keeps_polymarket_us_to_its_limit_and_the_client_keeps_under_it() {
    let page: Value = serde_json::from_str(include_str!("../../polymarket_us/tests/data/events.json")).unwrap();
    let c = Capture { us_events: page["events"].as_array().unwrap().clone(), ..Default::default() };
    let sim = crossbook_sim::start(&c, SimConfig::default(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let env: BTreeMap<String, String> = sim.env_lines().into_iter().collect();
    let url = format!("{}/markets/aec-mlb-sd-col-2026-09-16/book", env["POLYMARKET_US_API_URL"]);
    let http = reqwest::Client::new();
    let mut refused = 0;
    for _ in 0..30 {
        let r = http.get(&url).send().await.unwrap();
        if r.status() == 429 {
            assert!(r.headers().contains_key("retry-after"));
            refused += 1;
        }
    }
    assert!(refused >= 5, "{refused} of 30 refused");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let client = UsClient::new(&env["POLYMARKET_US_API_URL"], None).unwrap();
    for _ in 0..30 {
        let b = client.book::<Value>("aec-mlb-sd-col-2026-09-16").await.unwrap();
        assert_eq!(b["marketData"]["marketSlug"], "aec-mlb-sd-col-2026-09-16");
    }
    assert!(client.book::<Value>("../admin").await.is_err(), "a slug that is not a path segment is never sent");
    sim.stop().await;
}
