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

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
