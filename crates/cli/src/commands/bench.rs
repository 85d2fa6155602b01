//! `crossbook bench NAME [--json]`: performance figures measured in this run. The last line of
//! stdout is one JSON object (ARCHITECTURE.md "Benchmarks").

use std::sync::Arc;
use std::time::Instant;

use crossbook_engine::ingest::{self, IngestOptions, LogProgress, Mode};
use crossbook_engine::{Clock, Settings};
use crossbook_kalshi::KalshiClient;
use crossbook_kalshi::http::client::{READ_BURST, READS_PER_SEC};
use crossbook_model::Topic;
use crossbook_net::NetStats;
use crossbook_polymarket::GammaClient;
use crossbook_sim::SimConfig;
use crossbook_sim::generate::{GenerateSpec, generate};
use serde_json::json;

use crate::args::BenchName;

pub(crate) async fn run(
    settings: &Settings,
    name: BenchName,
    json: bool,
    slow_store: bool,
    data: Option<&std::path::Path>,
    links: Option<usize>,
) -> anyhow::Result<u8> {
    if links.is_some() && (name != BenchName::Books || data.is_some()) {
        anyhow::bail!("--links: only for bench books on generated frames");
    }
    if slow_store && name != BenchName::E2e {
        anyhow::bail!("--slow-store: only for bench e2e");
    }
    if data.is_some() && !matches!(name, BenchName::Books | BenchName::E2e) {
        anyhow::bail!("--data: only for bench books and bench e2e");
    }
    let figures = match name {
        BenchName::Ingest => ingest_bench(50_000).await?,
        BenchName::Matching => matching_bench(100_000, 50_000, 2_000)?,
        BenchName::Books => match data {
            Some(dir) => recorded_books_bench(dir).await?,
            None => books_bench(links.unwrap_or(500), 1_000_000).await?,
        },
        BenchName::E2e => e2e_bench(settings, 200, slow_store, data).await?,
        BenchName::Quotes => quotes_bench(500, 20).await?,
        BenchName::Replay => {
            let mut figures = replay_bench(3600, 50).await?;
            figures["books"] = replay_books_bench(5_000, 600, 200, 10.0).await?;
            figures
        }
    };
    if !json {
        for (k, v) in figures.as_object().into_iter().flatten() {
            println!("{k:>16}: {v}");
        }
    }
    println!("{figures}");
    Ok(0)
}

/// Least time `requests` requests take through a bucket of `capacity` refilled at `rate`/s,
/// starting full.
fn bucket_bound(requests: f64, capacity: f64, rate: f64) -> f64 {
    ((requests - capacity) / rate).max(0.0)
}

/// Ingests a generated capture of `total` markets from the simulator (limits enforced) into a
/// fresh SQLite file, both venues at once, and compares the time with what the limits allow.
async fn ingest_bench(total: usize) -> anyhow::Result<serde_json::Value> {
    let now = chrono::Utc::now();
    let capture = generate(&GenerateSpec::with_total(total, 7, now));
    let (km, pm) = capture.market_counts();
    let sim = crossbook_sim::start(&capture, SimConfig::default(), "127.0.0.1:0".parse()?).await?;
    let env: std::collections::BTreeMap<String, String> = sim.env_lines().into_iter().collect();
    let dir = tempfile::tempdir()?;
    let url: crossbook_store::DatabaseUrl = format!("sqlite://{}", dir.path().join("bench.db").display()).parse()?;
    let store = crossbook_store::open(&url).await?;
    let kalshi = KalshiClient::new(&env["KALSHI_API_URL"], None, None)?;
    let gamma = GammaClient::new(&env["POLYMARKET_GAMMA_URL"], None)?;
    let opts = IngestOptions {
        mode: Mode::Split,
        topics: vec![Topic::Sports],
        exclude_mve: true,
        clock: Clock::System,
        concurrency: 4,
    };
    let started = Instant::now();
    let (k, p) = tokio::join!(
        ingest::ingest_kalshi(store.clone(), &kalshi, &opts, Arc::new(LogProgress)),
        ingest::ingest_polymarket(store.clone(), &gamma, &opts, Arc::new(LogProgress)),
    );
    let seconds = started.elapsed().as_secs_f64();
    let (k, p) = (k?, p?);
    sim.stop().await;
    let stored = k.stored + p.stored;
    anyhow::ensure!(stored as usize == km + pm, "stored {stored} of {} markets", km + pm);
    // The bound: each venue's requests through its tightest bucket, venues in parallel.
    let k_req = NetStats::get(&kalshi.rest().stats().requests) as f64;
    let g_req = NetStats::get(&gamma.rest().stats().requests) as f64;
    let l = gamma.limits();
    let kalshi_bound = bucket_bound(k_req, READ_BURST, READS_PER_SEC);
    let gamma_bound = [&l.general, &l.events, &l.listing]
        .iter()
        .map(|b| bucket_bound(g_req, b.capacity(), b.rate()))
        .fold(0.0, f64::max);
    let bound = kalshi_bound.max(gamma_bound);
    Ok(json!({
        "markets": stored,
        "seconds": round3(seconds),
        "bound_seconds": round3(bound),
        "ratio_to_bound": if bound > 0.0 { json!(round3(seconds / bound)) } else { serde_json::Value::Null },
        "kalshi_requests": k_req, "polymarket_requests": g_req,
    }))
}

/// Ingests a generated capture from the simulator, matches it, confirms every suggested pair as
/// a reviewer would (the generated teams are in no registry, so the pass only suggests) and
/// builds the watchlist.
async fn watch_generated(
    p: &crossbook_engine::pipeline::Pipeline,
    store: &dyn crossbook_store::Store,
    now: chrono::DateTime<chrono::Utc>,
    why: &str,
) -> anyhow::Result<()> {
    for &v in p.enabled_venues() {
        p.ingest(v, Arc::new(LogProgress)).await?;
    }
    p.match_pass().await?;
    let reviewer = crossbook_model::Decider::Human("bench".into());
    for l in store.list_links(Some(crossbook_model::LinkStatus::Suggested)).await? {
        store.decide_link(l.id, crossbook_model::LinkStatus::Confirmed, &reviewer, why, now).await?;
    }
    p.watchlist().await?;
    Ok(())
}

/// REST quote passes over a watchlist of `links` links made from a generated capture (ingested
/// and matched through the simulator, limits enforced), back to back: the time of one pass in
/// the steady state against the least time the venues' published limits allow for its
/// requests (each venue's books through its tightest bucket, venues in parallel).
async fn quotes_bench(links: usize, passes: usize) -> anyhow::Result<serde_json::Value> {
    let now = chrono::Utc::now();
    let mut capture = generate(&GenerateSpec::with_total(links * 12, 11, now));
    crossbook_sim::generate::with_books(&mut capture);
    let sim = crossbook_sim::start(&capture, SimConfig::default(), "127.0.0.1:0".parse()?).await?;
    let env: std::collections::BTreeMap<String, String> = sim.env_lines().into_iter().collect();
    let db = crossbook_store::scratch::Scratch::sqlite().await?;
    let settings = Settings::from_lookup(&|k| match k {
        "LOG_LEVEL" => Some("warn".into()),
        other => env.get(other).cloned(),
    })?;
    let p = crossbook_engine::pipeline::Pipeline::new(&settings, db.store.clone()).await?;
    watch_generated(&p, &*db.store, now, "bench quotes").await?;
    let watched: std::collections::HashSet<crossbook_model::LinkId> =
        db.store.list_watchlist().await?.into_iter().take(links).map(|w| w.link_id).collect();
    anyhow::ensure!(watched.len() == links, "bench quotes: {} links watched of {links}", watched.len());
    // Ingestion drew on the same buckets: start the passes with them full again.
    tokio::time::sleep(std::time::Duration::from_secs_f64(READ_BURST / READS_PER_SEC)).await;
    let (mut k_req, mut p_req, mut k_books, mut p_books, mut failed) = (0usize, 0usize, 0usize, 0usize, 0usize);
    let started = Instant::now();
    for _ in 0..passes {
        let r = crossbook_engine::quotes::poll(&*db.store, &p.venues, &p.clock, &p.desk, p.quotes, &|w| {
            watched.contains(&w.link_id)
        })
        .await?;
        k_req += r.requests[crossbook_model::Venue::Kalshi];
        p_req += r.requests[crossbook_model::Venue::Polymarket];
        k_books += r.kalshi_books;
        p_books += r.poly_books;
        failed += r.failed;
    }
    let seconds = started.elapsed().as_secs_f64();
    sim.stop().await;
    anyhow::ensure!(failed == 0, "bench quotes: {failed} books not fetched");
    let l = p.venues.clob.limits();
    let kalshi_bound = bucket_bound(k_req as f64, READ_BURST, READS_PER_SEC);
    let poly_bound =
        [&l.general, &l.books].iter().map(|b| bucket_bound(p_req as f64, b.capacity(), b.rate())).fold(0.0, f64::max);
    let bound = kalshi_bound.max(poly_bound) / passes as f64;
    let per_pass = seconds / passes as f64;
    Ok(json!({
        "links": links,
        "passes": passes,
        "seconds": round3(per_pass),
        "books": {"kalshi": k_books / passes, "polymarket": p_books / passes},
        "requests": {"kalshi": k_req / passes, "polymarket": p_req / passes},
        "bound_seconds": round3(bound),
        "ratio_to_bound": if bound > 0.0 { json!(round3(per_pass / bound)) } else { serde_json::Value::Null },
    }))
}

/// Generates a universe straight into the model, parsed and classified as ingestion would (not
/// timed); each generated event is converted and dropped before the next is made.
fn universe(spec: &GenerateSpec) -> anyhow::Result<(Vec<crossbook_model::Event>, Vec<crossbook_model::Market>)> {
    use crossbook_kalshi::http::{models as km, parse as kp};
    use crossbook_model::Venue;
    use crossbook_polymarket::gamma::{models as gm, parse as gp};
    let (mut events, mut markets) = (Vec::new(), Vec::new());
    let mut failure: Option<anyhow::Error> = None;
    let mut convert = |venue: Venue, e: serde_json::Value| -> anyhow::Result<()> {
        match venue {
            Venue::Kalshi => {
                let wire: km::KalshiEvent = serde_json::from_value(e.clone())?;
                let mut ev = kp::parse_event(
                    &wire,
                    serde_json::json!({"sub_title": e["sub_title"], "category": e["category"]}),
                )?;
                let tickers: Vec<&str> =
                    e["markets"].as_array().into_iter().flatten().filter_map(|m| m["ticker"].as_str()).collect();
                crossbook_taxonomy::classify_kalshi_event(&mut ev, &tickers);
                for m in e["markets"].as_array().into_iter().flatten() {
                    let w: km::KalshiMarket = serde_json::from_value(m.clone())?;
                    let mut market = kp::parse_market(&w, m.clone(), kp::fee_schedule(None, Some(&wire)))?;
                    crossbook_taxonomy::classify_market(&mut market, Some(&ev));
                    market.raw = serde_json::Value::Null; // the matcher never reads it
                    markets.push(market);
                }
                events.push(ev);
            }
            Venue::Polymarket => {
                let wire: gm::GammaEvent = serde_json::from_value(e.clone())?;
                let mut ev = gp::parse_event(&wire, serde_json::json!({"slug": e["slug"], "tags": e["tags"]}))?;
                crossbook_taxonomy::classify_poly_event(&mut ev, None);
                for m in e["markets"].as_array().into_iter().flatten() {
                    let w: gm::GammaMarket = serde_json::from_value(m.clone())?;
                    let mut market = gp::parse_market(&w, Some(&ev.id), m.clone(), chrono::Utc::now())?;
                    crossbook_taxonomy::classify_market(&mut market, Some(&ev));
                    market.raw = serde_json::Value::Null;
                    markets.push(market);
                }
                events.push(ev);
            }
            Venue::PolymarketUs => anyhow::bail!("the generated universe has no Polymarket US events"),
        }
        Ok(())
    };
    let mut capture = crossbook_sim::Capture::default();
    crossbook_sim::generate::generate_each(spec, &mut capture, &mut |venue, e| {
        if failure.is_none()
            && let Err(err) = convert(venue, e)
        {
            failure = Some(err);
        }
    });
    match failure {
        Some(e) => Err(e),
        None => Ok((events, markets)),
    }
}

/// Starts a new peak-memory window (Linux: writing 5 to `clear_refs` resets `VmHWM`).
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Peak resident memory of this process so far (Linux `VmHWM`), in MB.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some((kb / 1024.0 * 10.0).round() / 10.0)
}

/// The matcher over a generated universe, on one thread, beside a naive all-pairs fuzzy-title
/// baseline on a 2,000 × 1,000 slice of the same markets.
fn matching_bench(kalshi: usize, poly: usize, events: usize) -> anyhow::Result<serde_json::Value> {
    let now = chrono::Utc::now();
    let spec = GenerateSpec { events, kalshi_markets: kalshi, poly_markets: poly, seed: 11, now };
    let (evs, markets) = universe(&spec)?;
    let (k, p): (Vec<_>, Vec<_>) = markets.iter().partition(|m| m.venue() == crossbook_model::Venue::Kalshi);
    let cfg = crossbook_matcher::MatchConfig::default();
    // Peak memory from here on: the universe in memory plus the matcher, not the generator.
    let window = reset_peak_rss();
    let started = Instant::now();
    let registry = crossbook_taxonomy::Registry::bundled();
    let output = crossbook_matcher::match_all(&evs, &markets, registry, &cfg);
    let seconds = started.elapsed().as_secs_f64();
    let peak = peak_rss_mb();
    // Baseline: every pair of a slice compared by normalized title similarity.
    let titles = |v: &[&crossbook_model::Market], n: usize| -> Vec<String> {
        v.iter().take(n).map(|m| crossbook_taxonomy::names::normalize(&m.title)).collect()
    };
    let (bk, bp) = (titles(&k, 2_000), titles(&p, 1_000));
    let started = Instant::now();
    let mut best = 0usize;
    for a in &bk {
        for b in &bp {
            if crossbook_taxonomy::similarity::similarity(a, b) > 0.9 {
                best += 1;
            }
        }
    }
    let baseline_seconds = started.elapsed().as_secs_f64();
    let baseline_pairs = (bk.len() * bp.len()) as f64;
    let pairs = k.len() as f64 * p.len() as f64;
    let pairs_per_sec = pairs / seconds;
    let baseline_pairs_per_sec = baseline_pairs / baseline_seconds;
    Ok(json!({
        "kalshi_markets": k.len(), "polymarket_markets": p.len(), "events": events,
        "seconds": round3(seconds),
        "markets_per_sec": (markets.len() as f64 / seconds).round(),
        "peak_rss_mb": peak,
        "peak_rss_window": if window { "matching" } else { "process" },
        "pairs_per_sec": pairs_per_sec.round(),
        "baseline_pairs_per_sec": baseline_pairs_per_sec.round(),
        "ratio_vs_baseline": round3(pairs_per_sec / baseline_pairs_per_sec),
        "candidates": output.candidates.len(),
        "baseline_similar_pairs": best,
    }))
}

/// Percentile of sorted nanosecond samples, in microseconds.
fn percentile_us(sorted_ns: &[u64], p: f64) -> f64 {
    if sorted_ns.is_empty() {
        return 0.0;
    }
    let i = ((sorted_ns.len() as f64 - 1.0) * p).round() as usize;
    round3(sorted_ns[i] as f64 / 1000.0)
}

/// Resident memory of this process now (Linux `VmRSS`), in bytes.
fn rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: u64 = status.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// The real desk watching `links` linked pairs of a generated universe (matched by the matcher),
/// fed real-shaped socket frames (Kalshi `orderbook_delta`, Polymarket `price_change`): each
/// frame parsed by its venue's adapter and handed to the desk, which applies it and re-evaluates
/// the links on that book, as the runtime does, on one thread.
async fn books_bench(links: usize, updates: usize) -> anyhow::Result<serde_json::Value> {
    use crossbook_engine::desk::{Desk, DeskConfig, LinkSet, WatchSnapshot};
    use crossbook_model::*;
    let now = chrono::Utc::now();
    let spec = GenerateSpec {
        events: (links / 4).max(50),
        kalshi_markets: links * 2,
        poly_markets: links * 2,
        seed: 5,
        now: now + chrono::Duration::hours(2),
    };
    let (events, markets) = universe(&spec)?;
    let output = crossbook_matcher::match_all(
        &events,
        &markets,
        crossbook_taxonomy::Registry::bundled(),
        &crossbook_matcher::MatchConfig::default(),
    );
    let mut seen = std::collections::HashSet::new();
    let chosen: Vec<LinkCandidate> = output
        .candidates
        .into_iter()
        .map(|c| c.link)
        .filter(|c| c.poly_token_id.is_some() && seen.insert(c.kalshi_ticker.to_string()))
        .take(links)
        .collect();
    anyhow::ensure!(chosen.len() == links, "the generated universe links {} pairs, not {links}", chosen.len());
    let wanted: std::collections::HashSet<(Venue, String)> = chosen
        .iter()
        .flat_map(|c| [(Venue::Kalshi, c.kalshi_ticker.to_string()), (Venue::Polymarket, c.poly_market_id.to_string())])
        .collect();
    let parts: Vec<Market> =
        markets.into_iter().filter(|m| wanted.contains(&(m.venue(), m.id().to_string()))).collect();
    drop(events);
    // The links and their markets are stored, as `run` has them (the desk's records refer to them).
    let scratch = crossbook_store::scratch::Scratch::sqlite().await?;
    let store = scratch.store.clone();
    store.upsert_markets(&parts, now).await?;
    let mut watched = Vec::with_capacity(links);
    for candidate in chosen {
        let id = match store.upsert_link_candidate(&candidate, now).await? {
            crossbook_store::LinkUpsert::Inserted(id) | crossbook_store::LinkUpsert::Updated(id) => id,
            crossbook_store::LinkUpsert::Conflict { .. } => anyhow::bail!("{} linked twice", candidate.kalshi_ticker),
        };
        watched.push(Link {
            id,
            candidate,
            status: LinkStatus::Confirmed,
            decided_by: None,
            decided_at: None,
            rule_risk: None,
            rule_reasons: vec![],
            created_at: now,
            updated_at: now,
        });
    }
    let snapshot = WatchSnapshot::of(watched, parts.into_iter().map(|m| (m, now)).collect(), Vec::new());
    let writer = crossbook_engine::writer::Writer::start(store);
    let cfg = DeskConfig {
        stale_after: chrono::Duration::seconds(30),
        live_threshold: chrono::Duration::minutes(15),
        allow_in_play: false,
        precision: Default::default(),
        alerts: Default::default(),
    };
    let mut desk = Desk::new(cfg, writer, None, Default::default());
    desk.set_links(LinkSet::from_snapshot(&snapshot), now);
    let all = desk.links().books_of(None);
    let (tickers, tokens) =
        (all[crossbook_model::Venue::Kalshi].clone(), all[crossbook_model::Venue::Polymarket].clone());
    // Every watched book from its venue's snapshot frame, through the adapters; the memory the
    // books take is what the process grows by meanwhile.
    let before = rss_bytes();
    for (i, ticker) in tickers.iter().enumerate() {
        let snap = format!(
            r#"{{"type":"orderbook_snapshot","sid":1,"seq":{},"msg":{{"market_ticker":"{ticker}","market_id":"","yes_dollars_fp":[["0.4000","100000.00"],["0.4100","150000.00"]],"no_dollars_fp":[["0.5500","120000.00"],["0.5600","90000.00"]]}}}}"#,
            i + 1
        );
        if let crossbook_kalshi::websocket::Body::Event(e) =
            crossbook_kalshi::websocket::parse_frame(&snap).map_err(anyhow::Error::msg)?.body
        {
            desk.on_event(&e, now);
        }
    }
    let mut events = Vec::new();
    for t in &tokens {
        let dump = format!(
            r#"[{{"event_type":"book","asset_id":"{t}","market":"0x1","bids":[{{"price":"0.43","size":"200"}},{{"price":"0.44","size":"300"}}],"asks":[{{"price":"0.47","size":"300"}},{{"price":"0.46","size":"200"}}],"tick_size":"0.01"}}]"#
        );
        events.clear();
        crossbook_polymarket::websocket::parse_frame(&dump, &mut events, &mut Default::default())
            .map_err(anyhow::Error::msg)?;
        for e in &events {
            desk.on_event(e, now);
        }
    }
    let books = desk.books.len();
    let book_bytes = match (before, rss_bytes()) {
        (Some(a), Some(b)) if books > 0 => Some(b.saturating_sub(a) / books as u64),
        _ => None,
    };
    anyhow::ensure!(books == tickers.len() + tokens.len(), "{books} of {} books built", tickers.len() + tokens.len());
    // The frames, made before timing: sizes move on both venues' watched books.
    let mut rng = fastrand::Rng::with_seed(3);
    let frames: Vec<(bool, String)> = (0..updates)
        .map(|n| {
            if rng.bool() {
                let ticker = &tickers[rng.usize(0..tickers.len())];
                let (side, price) = if rng.bool() { ("yes", "0.4100") } else { ("no", "0.5600") };
                let delta = if rng.bool() { "5.00" } else { "-5.00" };
                (true, format!(
                    r#"{{"type":"orderbook_delta","sid":1,"seq":{},"msg":{{"market_ticker":"{ticker}","market_id":"","price_dollars":"{price}","delta_fp":"{delta}","side":"{side}","ts_ms":1768002600000}}}}"#,
                    n + tickers.len() + 1
                ))
            } else {
                let token = &tokens[rng.usize(0..tokens.len())];
                let size = 100 + rng.u32(0..400);
                (false, format!(
                    r#"{{"event_type":"price_change","market":"0x1","timestamp":"1768002600000","price_changes":[{{"asset_id":"{token}","price":"0.46","size":"{size}","side":"SELL","hash":"h","best_bid":"0.44","best_ask":"0.46"}}]}}"#
                ))
            }
        })
        .collect();
    let mut samples = Vec::with_capacity(updates / 4 + 1);
    let mut evaluated = 0usize;
    let mut notes = crossbook_polymarket::websocket::Notes::default();
    let started = Instant::now();
    for (n, (kalshi, text)) in frames.iter().enumerate() {
        // Every 4th frame is timed on its own (the clock costs about as much as a frame).
        let t0 = n.is_multiple_of(4).then(Instant::now);
        events.clear();
        if *kalshi {
            if let Ok(crossbook_kalshi::websocket::Frame {
                body: crossbook_kalshi::websocket::Body::Event(event),
                ..
            }) = crossbook_kalshi::websocket::parse_frame(text)
            {
                events.push(event);
            }
        } else {
            notes.clear();
            let _ = crossbook_polymarket::websocket::parse_frame(text, &mut events, &mut notes);
        }
        for e in &events {
            evaluated += desk.on_event(e, now).evaluated;
        }
        if let Some(t0) = t0 {
            samples.push(t0.elapsed().as_nanos() as u64);
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    samples.sort_unstable();
    // The baseline, in the same run: only reading the same frames into `serde_json::Value`.
    let started = Instant::now();
    let mut keys = 0usize;
    for (_, text) in &frames {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
            keys += v.as_object().map_or(1, |o| o.len());
        }
    }
    let parse_ns = started.elapsed().as_nanos() as f64 / updates as f64;
    std::hint::black_box(keys);
    let pipeline_ns = seconds * 1e9 / updates as f64;
    Ok(json!({
        "updates": updates,
        "updates_per_sec": (updates as f64 / seconds).round(),
        "p50_us": percentile_us(&samples, 0.50),
        "p99_us": percentile_us(&samples, 0.99),
        "ns_per_update": pipeline_ns.round(),
        "json_parse_ns_per_frame": parse_ns.round(),
        "ratio_to_json_parse": round3(pipeline_ns / parse_ns),
        "links": links,
        "books": books,
        "bytes_per_book": book_bytes,
        "links_evaluated": evaluated,
        "opportunities_open": desk.open().len(),
        "path": "desk",
    }))
}

/// Where `bench e2e` keeps its records: a scratch database on the server of a PostgreSQL
/// `--database-url` (behind a proxy holding each answer 50 ms with `--slow-store`), else a
/// scratch SQLite file.
struct BenchStore {
    store: Arc<dyn crossbook_store::Store>,
    label: &'static str,
    _scratch: crossbook_store::scratch::Scratch,
    _proxy: Option<crossbook_sim::proxy::Proxy>,
}

async fn bench_store(settings: &Settings, slow: bool) -> anyhow::Result<BenchStore> {
    use crossbook_store::scratch::Scratch;
    let url = &settings.database_url;
    if !url.is_postgres() {
        anyhow::ensure!(!slow, "--slow-store: needs a PostgreSQL --database-url");
        let s = Scratch::sqlite().await?;
        return Ok(BenchStore { store: s.store.clone(), label: "sqlite", _scratch: s, _proxy: None });
    }
    let s = Scratch::postgres(url).await?;
    if !slow {
        return Ok(BenchStore { store: s.store.clone(), label: "postgres", _scratch: s, _proxy: None });
    }
    let upstream = s.url.host_port().ok_or_else(|| anyhow::anyhow!("database host"))?.to_string();
    let proxy = crossbook_sim::proxy::Proxy::start(upstream, std::time::Duration::from_millis(50)).await?;
    let via = s.url.with_host_port(&proxy.addr.to_string()).ok_or_else(|| anyhow::anyhow!("database url"))?;
    let store = crossbook_store::open(&via).await?;
    Ok(BenchStore { store, label: "slow", _scratch: s, _proxy: Some(proxy) })
}

/// A loopback webhook receiver: when each post arrived.
async fn webhook_receiver() -> anyhow::Result<(String, Arc<std::sync::Mutex<Vec<Instant>>>)> {
    use axum::routing::post;
    let received: Arc<std::sync::Mutex<Vec<Instant>>> = Arc::default();
    let r = received.clone();
    let app = axum::Router::new().route(
        "/hook",
        post(move || {
            let r = r.clone();
            async move {
                r.lock().unwrap_or_else(|p| p.into_inner()).push(Instant::now());
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let hook = format!("http://{}/hook", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((hook, received))
}

/// From a price change on the simulator's socket to the alert at a loopback webhook. Each
/// sample takes the planted edge away (the opportunity closes), then puts it back at t0; the
/// new opportunity's alert reaching the receiver is t1. The floor: the same frames, socket and
/// webhook, read by a client that only posts a fixed body on each.
async fn e2e_bench(
    settings: &Settings,
    samples: usize,
    slow_store: bool,
    data: Option<&std::path::Path>,
) -> anyhow::Result<serde_json::Value> {
    use crossbook_model::{Price, Qty, Venue};
    let (hook, received) = webhook_receiver().await?;
    let count = || received.lock().unwrap_or_else(|p| p.into_inner()).len();
    let arrival = |i: usize| received.lock().unwrap_or_else(|p| p.into_inner()).get(i).copied();
    let capture = match data {
        Some(dir) => crossbook_sim::Capture::load(dir).map_err(|e| anyhow::anyhow!("--data {}: {e}", dir.display()))?,
        None => crossbook_sim::Capture::bundled(),
    };
    let sim = crossbook_sim::start(&capture, SimConfig::default(), "127.0.0.1:0".parse()?).await?;
    let env: std::collections::BTreeMap<String, String> = sim.env_lines().into_iter().collect();
    let db = bench_store(settings, slow_store).await?;
    let now = capture.now.map(|t| t.to_rfc3339());
    let settings = Settings::from_lookup(&|k| match k {
        "CROSSBOOK_NOW" => now.clone(),
        "ALERT_WEBHOOK_URL" => Some(hook.clone()),
        "LOG_LEVEL" => Some("warn".into()),
        other => env.get(other).cloned(),
    })?;
    let store = db.store.clone();
    let p = crossbook_engine::pipeline::Pipeline::new(&settings, store.clone()).await?;
    for &v in p.enabled_venues() {
        p.ingest(v, Arc::new(LogProgress)).await?;
    }
    p.match_pass().await?;
    p.watchlist().await?;
    // Every sample reopens the same opportunity: no cooldown, so each one alerts.
    let alerts = crossbook_engine::alerts::AlertConfig {
        cooldown: chrono::Duration::zero(),
        ..crossbook_engine::alerts::AlertConfig::from_settings(&settings)
    };
    let alerter =
        crossbook_engine::alerts::Alerter::start(p.writer.clone(), alerts, p.streams.latencies.decision_alert.clone())?;
    crossbook_engine::desk::lock(&p.desk).set_alerter(Some(alerter));
    let mut streams = None;
    p.streams(&mut streams).await?;
    // Without a Kalshi key its socket stays off (as in production): one REST pass brings the
    // Kalshi books; the measured path is the Polymarket socket's.
    p.quotes(&[crossbook_store::Priority::High, crossbook_store::Priority::Medium, crossbook_store::Priority::Low])
        .await?;
    // The capture's best opportunity at its clock (NOP@WAS on the bundled capture, 10 minutes
    // to tip-off): withdrawing its Polymarket leg's asks closes it, restoring them reopens it.
    p.writer.flush().await;
    let best = store
        .list_open_opportunities()
        .await?
        .into_iter()
        .find_map(|o| {
            let token = o.opportunity.legs.iter().find_map(|l| l.token_id.clone())?;
            Some((o.opportunity.link_id, token))
        })
        .ok_or_else(|| anyhow::anyhow!("bench e2e: the capture has no opportunity at its clock to measure"))?;
    let (target, token) = best;
    let mut asks: Vec<(Price, Qty)> = capture
        .poly_books
        .get(&token)
        .and_then(|b| b["asks"].as_array())
        .into_iter()
        .flatten()
        .filter_map(|l| Some((l["price"].as_str()?.parse().ok()?, l["size"].as_str()?.parse().ok()?)))
        .collect();
    // Best first: the first frame back brings the edge, for the pipeline and the floor alike.
    asks.sort();
    let set_asks = |on: bool| {
        let (sim, token, asks) = (&sim, &token, &asks);
        async move {
            for (price, size) in asks {
                sim.state.set_level(Venue::Polymarket, token, "ask", *price, if on { *size } else { Qty::ZERO }).await;
            }
        }
    };
    let first_after = |before: usize| async move {
        loop {
            if let Some(t) = arrival(before) {
                return t;
            }
            tokio::time::sleep(std::time::Duration::from_micros(200)).await;
        }
    };
    // The desk's own view of the opportunity (the database follows behind it).
    let open_on_target = || crossbook_engine::desk::lock(&p.desk).open().contains_key(&target);
    until("the opportunity", &open_on_target).await?;
    let mut latencies = Vec::with_capacity(samples);
    for _ in 0..samples {
        set_asks(false).await;
        until("the opportunity closing", &|| !open_on_target()).await?;
        let before = count();
        let t0 = Instant::now();
        set_asks(true).await;
        latencies.push(first_after(before).await.duration_since(t0).as_nanos() as u64);
    }
    // The floor: the pipeline's sockets closed, a bare client on the same socket and webhook.
    drop(streams);
    crossbook_engine::desk::lock(&p.desk).set_alerter(None);
    let floor_client = floor_client(&env["POLYMARKET_WS_URL"], &token, &hook).await?;
    let mut floor = Vec::with_capacity(samples);
    for _ in 0..samples {
        let n = count();
        set_asks(false).await;
        until("the floor client's posts", &|| count() >= n + asks.len()).await?;
        let before = count();
        let t0 = Instant::now();
        set_asks(true).await;
        floor.push(first_after(before).await.duration_since(t0).as_nanos() as u64);
        until("the floor client's posts", &|| count() >= before + asks.len()).await?;
    }
    floor_client.abort();
    sim.stop().await;
    latencies.sort_unstable();
    floor.sort_unstable();
    let ms = |v: &[u64], p: f64| round3(percentile_us(v, p) / 1000.0);
    Ok(json!({
        "samples": samples,
        "p50_ms": ms(&latencies, 0.5),
        "p99_ms": ms(&latencies, 0.99),
        "floor_p50_ms": ms(&floor, 0.5),
        "floor_p99_ms": ms(&floor, 0.99),
        "ratio_p99_to_floor": round3(ms(&latencies, 0.99) / ms(&floor, 0.99).max(0.001)),
        "store": db.label,
    }))
}

/// Waits (up to 10 s) until `done`.
async fn until(what: &str, done: &dyn Fn() -> bool) -> anyhow::Result<()> {
    for _ in 0..10_000 {
        if done() {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
    anyhow::bail!("bench e2e: {what} never happened")
}

/// A client of the Polymarket socket that only reads frames and, on each book change of
/// `token`, posts a fixed body to `hook`.
async fn floor_client(url: &str, token: &str, hook: &str) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    use futures_util::{SinkExt, StreamExt};
    let ws = crossbook_net::ws::connect("polymarket", url, &[]).await?;
    let (mut tx, mut rx) = ws.split();
    let hello = json!({"type": "market", "assets_ids": [token]}).to_string();
    tx.send(crossbook_net::ws::Message::Text(hello.into())).await?;
    // Subscribed once the book's initial dump is in.
    loop {
        match rx.next().await {
            Some(Ok(crossbook_net::ws::Message::Text(t))) if t.contains("\"book\"") => break,
            Some(Ok(_)) => {}
            _ => anyhow::bail!("bench e2e: the floor client's socket closed"),
        }
    }
    let http = reqwest::Client::builder().no_proxy().build()?;
    let (hook, body) = (hook.to_string(), r#"{"content":"floor"}"#);
    Ok(tokio::spawn(async move {
        let _tx = tx;
        while let Some(Ok(frame)) = rx.next().await {
            if let crossbook_net::ws::Message::Text(t) = frame
                && t.contains("price_change")
            {
                let _ = http.post(&hook).header("content-type", "application/json").body(body).send().await;
            }
        }
    }))
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// A one-hour recording (`seconds` long, `per_sec` book changes a second on the bundled
/// capture's books, written and read back through the recording files) replayed at `--speed
/// max` while a Polymarket market-socket client listens to every book: the recorded time over
/// the wall time the replay takes (`ratio_to_real_time`).
async fn replay_bench(seconds: u64, per_sec: u64) -> anyhow::Result<serde_json::Value> {
    use crossbook_model::{BookEvent, Price, Venue};
    use crossbook_sim::replay::{Frame, FrameWriter, Speed, load};
    let capture = crossbook_sim::Capture::bundled();
    let best_no = |b: &serde_json::Value| -> Option<Price> {
        b.pointer("/orderbook_fp/no_dollars")?.as_array()?.last()?.get(0)?.as_str()?.parse().ok()
    };
    let kalshi: Vec<(String, Price)> =
        capture.kalshi_orderbooks.iter().filter_map(|(t, b)| Some((t.clone(), best_no(b)?))).collect();
    let best_ask =
        |b: &serde_json::Value| -> Option<Price> { b["asks"].as_array()?.last()?["price"].as_str()?.parse().ok() };
    let poly: Vec<(String, Price)> =
        capture.poly_books.iter().filter_map(|(t, b)| Some((t.clone(), best_ask(b)?))).collect();
    anyhow::ensure!(!kalshi.is_empty() && !poly.is_empty(), "the bundled capture has books");
    let dir = tempfile::tempdir()?;
    let mut w = FrameWriter::new(dir.path())?;
    let mut rng = fastrand::Rng::with_seed(17);
    let total = seconds * per_sec;
    for i in 0..total {
        let t_ms = i * 1000 / per_sec;
        let event = if rng.bool() {
            let (ticker, price) = &kalshi[rng.usize(0..kalshi.len())];
            let delta = if rng.bool() { 1_000_000 } else { -1_000_000 };
            // The NO bid at `price` is the YES ask at 1 − price.
            BookEvent::Delta {
                venue: Venue::Kalshi,
                book: ticker.clone(),
                bid: false,
                price: price.complement(),
                delta,
            }
        } else {
            let (token, price) = &poly[rng.usize(0..poly.len())];
            let size = crossbook_model::Qty::from_whole(rng.i64(1..500))?;
            BookEvent::Level { venue: Venue::Polymarket, book: token.clone(), bid: false, price: *price, size }
        };
        w.write(&Frame { t_ms, event: Some(event), sport: None })?;
    }
    w.close()?;
    let frames = load(dir.path())?;
    let config = SimConfig { replay: Some((frames, Speed::Max)), unlimited: true, ..SimConfig::default() };
    let started = Instant::now();
    let sim = crossbook_sim::start(&capture, config, "127.0.0.1:0".parse()?).await?;
    let env: std::collections::BTreeMap<String, String> = sim.env_lines().into_iter().collect();
    let (tx, mut rx) = tokio::sync::mpsc::channel(65_536);
    let tokens: Vec<String> = poly.iter().map(|(t, _)| t.clone()).collect();
    let listener = tokio::spawn(crossbook_polymarket::websocket::run_market_stream(
        env["POLYMARKET_WS_URL"].clone(),
        tokens,
        tx,
        crossbook_net::ws::StreamConfig::default(),
        Default::default(),
    ));
    let heard = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let h = heard.clone();
    tokio::spawn(async move {
        while rx.recv().await.is_some() {
            h.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    });
    let base = format!("http://{}", sim.addr);
    let wall = loop {
        let s: serde_json::Value = reqwest::get(format!("{base}/sim/stats")).await?.json().await?;
        if s["replay"]["done"] == s["replay"]["total"] {
            break started.elapsed().as_secs_f64();
        }
        anyhow::ensure!(started.elapsed().as_secs() < 600, "bench replay: not done after 600 s");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    listener.abort();
    sim.stop().await;
    Ok(json!({
        "recorded_s": seconds,
        "changes": total,
        "replay_wall_s": (wall * 1000.0).round() / 1000.0,
        "ratio_to_real_time": (seconds as f64 / wall).round(),
        "socket_events_heard": heard.load(std::sync::atomic::Ordering::Relaxed),
    }))
}

/// A histogram's bucket counts as the exposition writes them: `(upper bound, count)`, cumulative.
fn buckets(h: &prometheus_client::metrics::histogram::Histogram) -> anyhow::Result<Vec<(f64, u64)>> {
    let mut registry = prometheus_client::registry::Registry::default();
    registry.register("h", "h", h.clone());
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &registry)?;
    Ok(text
        .lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("h_bucket{le=\"")?;
            let (le, n) = rest.split_once("\"} ")?;
            Some((if le == "+Inf" { f64::INFINITY } else { le.parse().ok()? }, n.trim().parse().ok()?))
        })
        .collect())
}

/// The least bucket bound at or under which a share `q` of the observations fall.
fn bucket_quantile(buckets: &[(f64, u64)], q: f64) -> Option<f64> {
    let total = buckets.last()?.1;
    let need = (total as f64 * q).ceil() as u64;
    buckets.iter().find(|(_, n)| *n >= need.max(1)).map(|(le, _)| *le)
}

/// The runtime as `run` builds it (ingest, match, watchlist, the sockets and the desk) over a
/// generated capture of about `books` Polymarket books, while a recording of `seconds` (`per_sec`
/// level changes a second across the watched books, written and read back through the recording
/// files) is played into the simulator `speed` times its pace: the frame backlog and the time
/// from a frame off the queue to the desk's decision, from the runtime's own histograms.
async fn replay_books_bench(books: usize, seconds: u64, per_sec: u64, speed: f64) -> anyhow::Result<serde_json::Value> {
    use crossbook_model::{BookEvent, Price, Qty, Venue};
    use crossbook_sim::replay::{Frame, FrameWriter, load};
    let now = chrono::Utc::now();
    let spec = GenerateSpec {
        events: (books / 8).max(10),
        kalshi_markets: books + books / 4,
        poly_markets: books + books / 4,
        seed: 23,
        now: now + chrono::Duration::hours(3),
    };
    let mut capture = crossbook_sim::generate::generate(&spec);
    crossbook_sim::generate::with_books(&mut capture);
    let sim =
        crossbook_sim::start(&capture, SimConfig { unlimited: true, ..SimConfig::default() }, "127.0.0.1:0".parse()?)
            .await?;
    let env: std::collections::BTreeMap<String, String> = sim.env_lines().into_iter().collect();
    let settings = Settings::from_lookup(&|k| match k {
        "QUOTES_WATCHLIST_LIMIT" => Some(books.to_string()),
        "LOG_LEVEL" => Some("warn".into()),
        other => env.get(other).cloned(),
    })?;
    let db = crossbook_store::scratch::Scratch::sqlite().await?;
    let p = crossbook_engine::pipeline::Pipeline::new(&settings, db.store.clone()).await?;
    watch_generated(&p, &*db.store, now, "bench replay").await?;
    let mut streams = None;
    p.streams(&mut streams).await?;
    let all = crossbook_engine::desk::lock(&p.desk).links().books_of(None);
    let (_, tokens) = (all[crossbook_model::Venue::Kalshi].clone(), all[crossbook_model::Venue::Polymarket].clone());
    anyhow::ensure!(tokens.len() >= books, "bench replay: {} books watched, not {books}", tokens.len());
    // Every watched book's dump arrives before the recording plays.
    let started = Instant::now();
    loop {
        let have = {
            let d = crossbook_engine::desk::lock(&p.desk);
            tokens.iter().filter(|t| d.books.get(Venue::Polymarket, t).is_some()).count()
        };
        if have == tokens.len() {
            break;
        }
        anyhow::ensure!(
            started.elapsed().as_secs() < 120,
            "bench replay: {have} of {} books after 120 s",
            tokens.len()
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // The recording: level changes on the watched books' best asks.
    let dir = tempfile::tempdir()?;
    let mut w = FrameWriter::new(dir.path())?;
    let mut rng = fastrand::Rng::with_seed(29);
    let total = seconds * per_sec;
    for i in 0..total {
        let token = &tokens[rng.usize(0..tokens.len())];
        // Above every generated bid (0.49 at best): the books stay possible.
        let price = Price::from_cents(rng.i64(50..60))?;
        let event = BookEvent::Level {
            venue: Venue::Polymarket,
            book: token.clone(),
            bid: false,
            price,
            size: Qty::from_whole(rng.i64(1..500))?,
        };
        w.write(&Frame { t_ms: i * 1000 / per_sec, event: Some(event), sport: None })?;
    }
    w.close()?;
    let frames = load(dir.path())?;
    let status = p.streams.clone();
    // The replay's own observations: the histograms' counts now are taken off at the end.
    let (decision_before, backlog_before) =
        (buckets(&status.latencies.frame_decision)?, buckets(&status.latencies.frame_backlog)?);
    let heard_before = status.quote_updates.get();
    let started = tokio::time::Instant::now();
    for f in &frames {
        let at = std::time::Duration::from_secs_f64(f.t_ms as f64 / 1000.0 / speed);
        tokio::time::sleep_until(started + at).await;
        if let Some(BookEvent::Level { book, price, size, .. }) = &f.event {
            sim.state.set_level(Venue::Polymarket, book, "ask", *price, *size).await;
        }
    }
    let played = started.elapsed().as_secs_f64();
    // The last changes still on their way.
    let deadline = Instant::now() + std::time::Duration::from_secs(10);
    while status.quote_updates.get() - heard_before < total && Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let heard = status.quote_updates.get() - heard_before;
    let since = |now: Vec<(f64, u64)>, before: &[(f64, u64)]| -> Vec<(f64, u64)> {
        now.into_iter().zip(before).map(|((le, n), (_, b))| (le, n - b)).collect()
    };
    let decision = since(buckets(&status.latencies.frame_decision)?, &decision_before);
    let backlog = since(buckets(&status.latencies.frame_backlog)?, &backlog_before);
    let decided = decision.last().map_or(0, |l| l.1);
    drop(streams);
    sim.stop().await;
    Ok(json!({
        "books": tokens.len(),
        "speed": speed,
        "recorded_s": seconds,
        "changes": total,
        "played_s": round3(played),
        "frames_heard": heard,
        "decisions": decided,
        "frame_decision_p99_ms_at_most": bucket_quantile(&decision, 0.99).map(|s| round3(s * 1000.0)),
        "frame_backlog_p99_at_most": bucket_quantile(&backlog, 0.99),
        "frame_backlog_max_at_most": bucket_quantile(&backlog, 1.0),
    }))
}

/// The book changes of a recording applied on the desk, over the recording's own links (its
/// REST state served by the simulator, ingested, matched and quoted first), beside reading each
/// recorded line into `serde_json::Value` (`ratio_to_json_parse`).
async fn recorded_books_bench(dir: &std::path::Path) -> anyhow::Result<serde_json::Value> {
    let capture = crossbook_sim::Capture::load(dir).map_err(|e| anyhow::anyhow!("--data {}: {e}", dir.display()))?;
    let frames = crossbook_sim::replay::load(dir).map_err(|e| anyhow::anyhow!("--data {}: {e}", dir.display()))?;
    let events: Vec<crossbook_model::BookEvent> = frames.iter().filter_map(|f| f.event.clone()).collect();
    anyhow::ensure!(!events.is_empty(), "--data {}: no recorded book changes under frames/", dir.display());
    let sim =
        crossbook_sim::start(&capture, SimConfig { unlimited: true, ..SimConfig::default() }, "127.0.0.1:0".parse()?)
            .await?;
    let env: std::collections::BTreeMap<String, String> = sim.env_lines().into_iter().collect();
    let now = capture.now.map(|t| t.to_rfc3339());
    let settings = Settings::from_lookup(&|k| match k {
        "CROSSBOOK_NOW" => now.clone(),
        "LOG_LEVEL" => Some("warn".into()),
        other => env.get(other).cloned(),
    })?;
    let scratch = tempfile::tempdir()?;
    let url: crossbook_store::DatabaseUrl =
        format!("sqlite://{}", scratch.path().join("bench.db").display()).parse()?;
    let store = crossbook_store::open(&url).await?;
    let p = crossbook_engine::pipeline::Pipeline::new(&settings, store).await?;
    for &v in p.enabled_venues() {
        p.ingest(v, Arc::new(LogProgress)).await?;
    }
    p.match_pass().await?;
    p.watchlist().await?;
    p.quotes(&[crossbook_store::Priority::High, crossbook_store::Priority::Medium, crossbook_store::Priority::Low])
        .await?;
    let lines: Vec<String> =
        frames.iter().filter(|f| f.event.is_some()).map(serde_json::to_string).collect::<Result<_, _>>()?;
    let parse_started = Instant::now();
    for l in &lines {
        std::hint::black_box(serde_json::from_str::<serde_json::Value>(l)?);
    }
    let json_ns = parse_started.elapsed().as_nanos() as f64 / lines.len() as f64;
    let clock = p.clock;
    let (links, decided, ns) = {
        let mut desk = crossbook_engine::desk::lock(&p.desk);
        let mut decided = 0usize;
        let started = Instant::now();
        for e in &events {
            decided += desk.on_event(e, clock.now()).evaluated;
        }
        (desk.links().len(), decided, started.elapsed().as_nanos() as f64 / events.len() as f64)
    };
    sim.stop().await;
    Ok(json!({
        "changes": events.len(),
        "links": links,
        "links_evaluated": decided,
        "ns_per_change": ns.round(),
        "json_parse_ns_per_line": json_ns.round(),
        "ratio_to_json_parse": (ns / json_ns * 1000.0).round() / 1000.0,
    }))
}
