//! Ingestion over loopback against the simulator, into SQLite and PostgreSQL.

use std::collections::BTreeMap;
use std::sync::Arc;

use crossbook_engine::Clock;
use crossbook_engine::ingest::{IngestOptions, IngestReport, LogProgress, Mode, ingest_kalshi, ingest_polymarket};
use crossbook_kalshi::{KalshiClient, KalshiSigner, KalshiVerifier};
use crossbook_model::{MarketStatus, Topic, Venue};
use crossbook_polymarket::GammaClient;
use crossbook_sim::{Capture, SimConfig, SimHandle};
use crossbook_store::testing::TestDb;
use crossbook_store::{MarketFilter, RunStatus, Store};
use serde_json::Value;

async fn sim(capture: &Capture, config: SimConfig) -> SimHandle {
    crossbook_sim::start(capture, config, "127.0.0.1:0".parse().unwrap()).await.unwrap()
}

fn clients(sim: &SimHandle, signer: Option<Arc<KalshiSigner>>) -> (KalshiClient, GammaClient) {
    let env: BTreeMap<String, String> = sim.env_lines().into_iter().collect();
    (
        KalshiClient::new(&env["KALSHI_API_URL"], signer, None).unwrap(),
        GammaClient::new(&env["POLYMARKET_GAMMA_URL"], None).unwrap(),
    )
}

fn options(mode: Mode, topics: Vec<Topic>) -> IngestOptions {
    IngestOptions { mode, topics, exclude_mve: true, clock: Clock::System, concurrency: 8 }
}

async fn ingest_both(store: &Arc<dyn Store>, sim: &SimHandle, opts: &IngestOptions) -> (IngestReport, IngestReport) {
    let (k, g) = clients(sim, None);
    let kr = ingest_kalshi(store.clone(), &k, opts, Arc::new(LogProgress)).await.unwrap();
    let pr = ingest_polymarket(store.clone(), &g, opts, Arc::new(LogProgress)).await.unwrap();
    (kr, pr)
}

/// Sports markets per (venue, league) in a capture, counted from the capture itself: Kalshi
/// markets of sports series that are not combos, Polymarket markets of events carrying a league
/// tag of `/sports`.
fn expected_counts(c: &Capture) -> BTreeMap<(String, String), usize> {
    let mut out = BTreeMap::new();
    let sports_series: Vec<&str> =
        c.kalshi_series.iter().filter(|s| s["category"] == "Sports").filter_map(|s| s["ticker"].as_str()).collect();
    for e in &c.kalshi_events {
        let series = e["series_ticker"].as_str().unwrap_or("");
        if sports_series.contains(&series) && !series.starts_with("KXMVE") {
            let league = crossbook_taxonomy::kalshi_series_league(series).map(|(l, _)| l.code().to_string()).unwrap();
            *out.entry(("kalshi".into(), league)).or_default() += e["markets"].as_array().map_or(0, Vec::len);
        }
    }
    for e in &c.poly_events {
        let tags: Vec<&str> = e["tags"].as_array().into_iter().flatten().filter_map(|t| t["id"].as_str()).collect();
        // The slug's sport names the league (`cwbb-…`, the women's game, carries the men's
        // NCAAB tags); else the league tag it carries.
        let slug_league = e["slug"].as_str().and_then(crossbook_taxonomy::poly_slug_league);
        let league = slug_league.or_else(|| {
            c.poly_sports.iter().find_map(|s| {
                let league_tags = s["tags"].as_str()?;
                let specific =
                    league_tags.split(',').find(|t| !crossbook_taxonomy::leagues::POLY_GENERIC_TAGS.contains(t))?;
                tags.contains(&specific).then(|| crossbook_taxonomy::poly_sport_league(s["sport"].as_str()?)).flatten()
            })
        });
        if let Some(l) = league {
            *out.entry(("polymarket".into(), l.code().to_string())).or_default() +=
                e["markets"].as_array().map_or(0, Vec::len);
        }
    }
    out
}

async fn stored_counts(store: &dyn Store) -> BTreeMap<(String, String), usize> {
    let mut out = BTreeMap::new();
    for m in store.list_markets(&MarketFilter::default()).await.unwrap() {
        let league = m.market.league.map(|l| l.code().to_string()).unwrap_or_else(|| "-".into());
        *out.entry((m.market.venue().as_str().to_string(), league)).or_default() += 1;
    }
    out
}

/// Every stored market as comparable JSON, bookkeeping times left out.
async fn snapshot(store: &dyn Store) -> Vec<Value> {
    let mut v: Vec<Value> = store
        .list_markets(&MarketFilter::default())
        .await
        .unwrap()
        .into_iter()
        .map(|m| serde_json::to_value(&m.market).unwrap())
        .collect();
    v.sort_by_key(|x| x.to_string());
    v
}

async fn full_ingestion_of_the_bundled_capture(backend: &str) {
    let capture = Capture::bundled();
    let sim = sim(&capture, SimConfig::default()).await;
    let db = TestDb::of(backend).await;
    let opts = options(Mode::Split, vec![Topic::Sports]);
    let (k, p) = ingest_both(&db.store, &sim, &opts).await;
    assert_eq!((k.status, p.status), (RunStatus::Ok, RunStatus::Ok), "{k:?} {p:?}");
    let expected = expected_counts(&capture);
    assert_eq!(expected.get(&("kalshi".into(), "NBA".into())), Some(&161));
    assert_eq!(expected.len(), 17 + 17, "16 leagues on both venues, UFC on Kalshi only, NCAA women on Polymarket only");
    assert_eq!(stored_counts(&*db.store).await, expected);
    // Zero MVE markets stored, let alone eligible; nothing off-topic.
    let all = db.store.list_markets(&MarketFilter::default()).await.unwrap();
    assert!(all.iter().all(|m| !m.market.is_mve && !m.market.id().starts_with("KXMVE")));
    assert!(all.iter().all(|m| m.market.topic == Topic::Sports));
    // Health reads the run records.
    let runs = db.store.latest_ingestion_runs().await.unwrap();
    assert_eq!(
        runs.iter().map(|r| (r.venue, r.stored)).collect::<Vec<_>>(),
        vec![(Venue::Kalshi, 420), (Venue::Polymarket, 286)]
    );
    // A second pass changes nothing.
    let before = snapshot(&*db.store).await;
    ingest_both(&db.store, &sim, &opts).await;
    assert_eq!(snapshot(&*db.store).await, before);
    sim.stop().await;
}

#[tokio::test]
async fn sqlite_full_ingestion_of_the_bundled_capture() {
    full_ingestion_of_the_bundled_capture("sqlite").await;
}

#[tokio::test]
async fn postgres_full_ingestion_of_the_bundled_capture() {
    full_ingestion_of_the_bundled_capture("postgres").await;
}

#[tokio::test]
async fn full_mode_stores_the_same_markets() {
    let capture = Capture::bundled();
    let sim = sim(&capture, SimConfig::default()).await;
    let split = TestDb::sqlite().await;
    let full = TestDb::sqlite().await;
    ingest_both(&split.store, &sim, &options(Mode::Split, vec![Topic::Sports])).await;
    ingest_both(&full.store, &sim, &options(Mode::Full, vec![Topic::Sports])).await;
    // Full mode asks for open markets only; split mode also keeps the closed markets of open
    // events (with status closed). The open ones must agree.
    let open = MarketFilter { open_only: true, ..Default::default() };
    let ids = |v: Vec<crossbook_store::StoredMarket>| {
        v.into_iter()
            .map(|m| (m.market.venue(), m.market.id().to_string(), m.market.league.map(|l| l.to_string())))
            .collect::<std::collections::BTreeSet<_>>()
    };
    let (f, s) =
        (ids(full.store.list_markets(&open).await.unwrap()), ids(split.store.list_markets(&open).await.unwrap()));
    let diff: Vec<_> = f.symmetric_difference(&s).take(5).collect();
    assert!(diff.is_empty(), "{} full vs {} split open markets; first differences {diff:?}", f.len(), s.len());
    assert!(f.len() > 54 + 100, "{}", f.len());
    sim.stop().await;
}

#[tokio::test]
async fn a_run_under_429s_and_5xx_stores_exactly_what_a_clean_run_stores() {
    let capture = Capture::bundled();
    let clean_sim = sim(&capture, SimConfig::default()).await;
    let clean = TestDb::sqlite().await;
    ingest_both(&clean.store, &clean_sim, &options(Mode::Split, vec![Topic::Sports])).await;

    let faults = "429=0.3,5xx=0.1".parse().unwrap();
    let faulty_sim = sim(&capture, SimConfig { faults, seed: 42, ..Default::default() }).await;
    let faulty = TestDb::postgres().await;
    let (k, p) = ingest_both(&faulty.store, &faulty_sim, &options(Mode::Split, vec![Topic::Sports])).await;
    assert_eq!((k.status, p.status), (RunStatus::Ok, RunStatus::Ok));
    let stats = faulty_sim.state.stats.snapshot();
    assert!(
        stats["injected"]["429"].as_u64().unwrap() > 0 && stats["injected"]["5xx"].as_u64().unwrap() > 0,
        "{stats}"
    );
    assert_eq!(snapshot(&*faulty.store).await, snapshot(&*clean.store).await);
    clean_sim.stop().await;
    faulty_sim.stop().await;
}

#[tokio::test]
async fn malformed_bodies_and_items_are_skipped_and_counted() {
    let mut capture = Capture::bundled();
    // One bad Kalshi market (a price that is no number) and one bad Polymarket market
    // (outcomes that are not a JSON array), derived from the bundled capture.
    capture.kalshi_events[0]["markets"][0]["yes_bid_dollars"] = Value::from("4O cents");
    let bad_kalshi = capture.kalshi_events[0]["markets"][0]["ticker"].as_str().unwrap().to_string();
    let pm_event = capture.poly_events.iter().position(|e| e["slug"] == "nba-mil-lal-2026-01-09").unwrap();
    capture.poly_events[pm_event]["markets"][0]["outcomes"] = Value::from("[\"Bucks\",");
    let sim =
        sim(&capture, SimConfig { faults: "malformed=0.3".parse().unwrap(), seed: 7, ..Default::default() }).await;
    let db = TestDb::sqlite().await;
    let (k, g) = clients(&sim, None);
    let opts = options(Mode::Split, vec![Topic::Sports]);
    let kr = ingest_kalshi(db.store.clone(), &k, &opts, Arc::new(LogProgress)).await.unwrap();
    let pr = ingest_polymarket(db.store.clone(), &g, &opts, Arc::new(LogProgress)).await.unwrap();
    // Cut bodies were retried and counted; the two bad items skipped, everything else stored.
    let malformed_bodies = crossbook_net::NetStats::get(&k.rest().stats().malformed)
        + crossbook_net::NetStats::get(&g.rest().stats().malformed);
    assert!(malformed_bodies > 0);
    assert_eq!((kr.skipped.get("malformed"), pr.skipped.get("malformed")), (Some(&1), Some(&1)));
    assert_eq!((kr.status, pr.status), (RunStatus::Partial, RunStatus::Partial));
    assert_eq!((kr.stored, pr.stored), (419, 285));
    let stored = db.store.list_markets(&MarketFilter::default()).await.unwrap();
    assert!(stored.iter().all(|m| m.market.id() != bad_kalshi));
    sim.stop().await;
}

#[tokio::test]
async fn sports_only_mode_asks_for_sports_and_turning_it_off_loses_nothing() {
    let capture = Capture::bundled();
    let sim = sim(&capture, SimConfig::default()).await;
    let db = TestDb::sqlite().await;
    ingest_both(&db.store, &sim, &options(Mode::Split, vec![Topic::Sports])).await;
    let sports = snapshot(&*db.store).await;
    assert!(!sports.iter().any(|m| m.to_string().contains("KXFED") || m.to_string().contains("KXBTCD")));
    let topics = vec![Topic::Sports, Topic::Politics, Topic::Economics];
    ingest_both(&db.store, &sim, &options(Mode::Split, topics)).await;
    let all = db.store.list_markets(&MarketFilter::default()).await.unwrap();
    assert!(all.iter().any(|m| m.market.id() == "KXFEDDECISION-26MAR-H0" && m.market.topic == Topic::Economics));
    assert!(all.iter().any(|m| m.market.id() == "1502734"), "the politics event's market");
    let sports_now =
        db.store.list_markets(&MarketFilter { topic: Some(Topic::Sports), ..Default::default() }).await.unwrap();
    assert_eq!(sports_now.len(), sports.len(), "no sports market lost");
    assert!(sports_now.iter().all(|m| m.closed_at.is_none()));
    sim.stop().await;
}

#[tokio::test]
async fn markets_gone_from_the_venue_are_closed_not_deleted() {
    let capture = Capture::bundled();
    let first = sim(&capture, SimConfig::default()).await;
    let db = TestDb::sqlite().await;
    let opts = options(Mode::Split, vec![Topic::Sports]);
    ingest_both(&db.store, &first, &opts).await;
    first.stop().await;
    let mut shrunk = capture.clone();
    let gone = shrunk.kalshi_events.remove(0);
    let second = sim(&shrunk, SimConfig::default()).await;
    let (kr, _) = ingest_both(&db.store, &second, &opts).await;
    assert_eq!(kr.closed, 2);
    let all = db.store.list_markets(&MarketFilter { venue: Some(Venue::Kalshi), ..Default::default() }).await.unwrap();
    assert_eq!(all.len(), 420, "nothing deleted");
    for m in all.iter().filter(|m| m.market.event_id() == gone["event_ticker"].as_str().unwrap()) {
        assert_eq!(m.market.status, MarketStatus::Closed);
        assert!(m.closed_at.is_some());
    }
    second.stop().await;
}

#[tokio::test]
async fn signed_requests_pass_the_simulators_check_and_unsigned_ones_do_not() {
    let pem = include_str!("../../kalshi/test_data/test_key_pkcs8.pem");
    let signer = Arc::new(KalshiSigner::from_pem("test-key", pem).unwrap());
    let verifier = KalshiVerifier::for_signer(&signer);
    let sim = sim(&Capture::bundled(), SimConfig { kalshi_verifier: Some(verifier), ..Default::default() }).await;
    let db = TestDb::sqlite().await;
    let opts = options(Mode::Split, vec![Topic::Sports]);
    let (signed, _) = clients(&sim, Some(signer.clone()));
    let report = ingest_kalshi(db.store.clone(), &signed, &opts, Arc::new(LogProgress)).await.unwrap();
    assert_eq!(report.stored, 420);
    let (unsigned, _) = clients(&sim, None);
    let err = ingest_kalshi(db.store.clone(), &unsigned, &opts, Arc::new(LogProgress)).await.unwrap_err();
    assert!(format!("{err:#}").contains("401"), "{err:#}");
    // A signature over the path with its query string is refused: Kalshi signs the path only.
    let url = format!("http://{}/trade-api/v2/markets?limit=5", sim.addr);
    let ts = chrono::Utc::now().timestamp_millis();
    let bad = signer.sign(ts, "GET", "/trade-api/v2/markets?limit=5").unwrap();
    let good = signer.sign(ts, "GET", "/trade-api/v2/markets").unwrap();
    let http = reqwest::Client::new();
    for (sig, status) in [(bad, 401), (good, 200)] {
        let r = http
            .get(&url)
            .header("kalshi-access-key", "test-key")
            .header("kalshi-access-timestamp", ts.to_string())
            .header("kalshi-access-signature", sig)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), status);
    }
    sim.stop().await;
}

/// Items that should never be stored are skipped with their reason: a market listed twice in
/// one page (the first stays), a Kalshi scalar market.
#[tokio::test]
async fn duplicates_in_a_page_and_unsupported_markets_are_skipped_with_reasons() {
    let mut capture = Capture::bundled();
    let first = capture.kalshi_events[0]["markets"][0].clone();
    let title = first["title"].as_str().unwrap().to_string();
    let mut twice = first.clone();
    twice["title"] = Value::from("the same ticker again");
    capture.kalshi_events[0]["markets"].as_array_mut().unwrap().push(twice);
    capture.kalshi_events[1]["markets"][0]["market_type"] = Value::from("scalar");
    let scalar = capture.kalshi_events[1]["markets"][0]["ticker"].as_str().unwrap().to_string();
    let sim = sim(&capture, SimConfig::default()).await;
    let db = TestDb::sqlite().await;
    let (k, _) = clients(&sim, None);
    let kr = ingest_kalshi(db.store.clone(), &k, &options(Mode::Split, vec![Topic::Sports]), Arc::new(LogProgress))
        .await
        .unwrap();
    assert_eq!((kr.skipped.get("duplicate"), kr.skipped.get("unsupported")), (Some(&1), Some(&1)), "{:?}", kr.skipped);
    let stored = db.store.list_markets(&MarketFilter::default()).await.unwrap();
    let kept = stored.iter().find(|m| m.market.id() == first["ticker"].as_str().unwrap()).unwrap();
    assert_eq!(kept.market.title, title, "the first listing stays");
    assert!(stored.iter().all(|m| m.market.id() != scalar));
    sim.stop().await;
}

/// What the Polymarket side stored, as a trader's decisions read it: ids, tokens in outcome
/// order, state, fees.
async fn poly_view(store: &dyn Store) -> Vec<(String, Vec<String>, String, String)> {
    let f = MarketFilter { venue: Some(Venue::Polymarket), ..Default::default() };
    store
        .list_markets(&f)
        .await
        .unwrap()
        .into_iter()
        .map(|m| {
            let tokens = m.market.outcomes.iter().filter_map(|o| o.token_id.as_ref().map(|t| t.to_string())).collect();
            (m.market.id().to_string(), tokens, m.market.state.to_string(), format!("{:?}", m.market.fees))
        })
        .collect()
}

/// Gamma as it is today: V2 markets naming their tokens in `positionIds`, and a Gamma that
/// refuses keyset paging (then the scan pages by offset): the same markets, tokens, states and
/// fees as the keyset scan of V1 markets.
#[tokio::test]
async fn v2_markets_and_a_gamma_without_keyset_store_the_same_markets() {
    let capture = Capture::bundled();
    let opts = options(Mode::Split, vec![Topic::Sports]);
    let mut views = Vec::new();
    for config in [
        SimConfig::default(),
        SimConfig { polymarket_schema: crossbook_sim::PolySchema::V2, ..SimConfig::default() },
        SimConfig { drift: true, ..SimConfig::default() },
    ] {
        let sim = sim(&capture, config).await;
        let db = TestDb::sqlite().await;
        let (_, p) = ingest_both(&db.store, &sim, &opts).await;
        assert_eq!((p.status, p.stored), (RunStatus::Ok, 286), "{p:?}");
        views.push(poly_view(&*db.store).await);
        sim.stop().await;
    }
    assert!(views[0].iter().all(|(_, tokens, state, _)| tokens.len() == 2 && state == "open"));
    assert_eq!(views[1], views[0], "V2 markets");
    assert_eq!(views[2], views[0], "offset paging where keyset is refused");
}

/// More than 2,000 markets in one listing: offset paging is refused past 2,000 (the venue's
/// 422, which ends that scan with an error naming the path), keyset paging reads them all.
#[tokio::test]
async fn a_listing_past_two_thousand_needs_keyset_paging() {
    let now = chrono::DateTime::parse_from_rfc3339("2026-01-09T23:50:00Z").unwrap().with_timezone(&chrono::Utc);
    let capture = crossbook_sim::generate::generate(&crossbook_sim::generate::GenerateSpec::with_total(9_000, 7, now));
    let listed: usize = capture.poly_events.iter().map(|e| e["markets"].as_array().map_or(0, Vec::len)).sum();
    assert!(listed > 2_500, "{listed}");
    let opts = options(Mode::Full, vec![Topic::Sports]);
    let keyset = sim(&capture, SimConfig { unlimited: true, ..SimConfig::default() }).await;
    let db = TestDb::sqlite().await;
    let (_, g) = clients(&keyset, None);
    let r = ingest_polymarket(db.store.clone(), &g, &opts, Arc::new(LogProgress)).await.unwrap();
    assert_eq!((r.status, r.fetched, r.errors), (RunStatus::Ok, listed as u64, 0), "{r:?}");
    keyset.stop().await;
    let offset = sim(&capture, SimConfig { unlimited: true, drift: true, ..SimConfig::default() }).await;
    let db = TestDb::sqlite().await;
    let (_, g) = clients(&offset, None);
    let r = ingest_polymarket(db.store.clone(), &g, &opts, Arc::new(LogProgress)).await.unwrap();
    assert_eq!(r.errors, 1, "the offset scan stopped at the venue's refusal: {r:?}");
    assert!(r.fetched < listed as u64 && r.fetched >= 2_000, "{r:?}");
    offset.stop().await;
}
