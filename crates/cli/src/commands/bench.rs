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

pub(crate) async fn run(_settings: &Settings, name: BenchName, json: bool) -> anyhow::Result<u8> {
    let figures = match name {
        BenchName::Ingest => ingest_bench(50_000).await?,
        BenchName::Matching => matching_bench(100_000, 50_000, 2_000)?,
        other => {
            eprintln!("crossbook bench {other:?}: not built yet");
            return Ok(2);
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
                crossbook_taxonomy::classify_kalshi_event(&mut ev);
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
                    let mut market = gp::parse_market(&w, Some(&ev.id), m.clone())?;
                    crossbook_taxonomy::classify_market(&mut market, Some(&ev));
                    market.raw = serde_json::Value::Null;
                    markets.push(market);
                }
                events.push(ev);
            }
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
    let candidates = crossbook_matcher::match_all(&evs, &markets, &cfg);
    let seconds = started.elapsed().as_secs_f64();
    let peak = peak_rss_mb();
    // Baseline: every pair of a slice compared by normalized title similarity.
    let titles = |v: &[&crossbook_model::Market], n: usize| -> Vec<String> {
        v.iter().take(n).map(|m| crossbook_taxonomy::normalize::normalize(&m.title)).collect()
    };
    let (bk, bp) = (titles(&k, 2_000), titles(&p, 1_000));
    let started = Instant::now();
    let mut best = 0usize;
    for a in &bk {
        for b in &bp {
            if crossbook_matcher::similarity::similarity(a, b) > 0.9 {
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
        "candidates": candidates.len(),
        "baseline_similar_pairs": best,
    }))
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
