//! `crossbook eval matching --data DIR --labels FILE`: serves the capture with the simulator,
//! ingests both venues into a temporary SQLite file at the capture's clock, runs one matching
//! pass, and scores the links against the labels. The last stdout line is the JSON report.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use crossbook_engine::eval::{EvalReport, parse_labels, score};
use crossbook_engine::ingest::{self, LogProgress, Mode};
use crossbook_engine::review::{ReviewConfig, run_matching};
use crossbook_engine::{Clock, Settings};
use crossbook_kalshi::KalshiClient;
use crossbook_model::{Topic, Venue};
use crossbook_polymarket::GammaClient;
use crossbook_sim::{Capture, SimConfig};
use crossbook_store::MarketFilter;

pub(crate) async fn matching(settings: &Settings, data: &Path, labels: &Path, json: bool) -> anyhow::Result<u8> {
    let capture = Capture::load(data).with_context(|| format!("--data {}", data.display()))?;
    let labels =
        parse_labels(&std::fs::read_to_string(labels).with_context(|| format!("--labels {}", labels.display()))?)?;
    let report = evaluate(settings, &capture, &labels).await?;
    if !json {
        print_table("kind", &report.by_kind);
        print_table("league", &report.by_league);
        for m in &report.misses {
            println!("miss: {m}");
        }
        println!("links on unlabelled Kalshi markets: {}", report.unlabelled_links);
        println!(
            "starts: {} of {} links whose Kalshi ticker states a start are within 15 minutes of it",
            report.starts_within_15m, report.starts_checked
        );
    }
    println!("{}", serde_json::to_string(&report)?);
    Ok(0)
}

/// Runs the pipeline on `capture` and scores it.
pub(crate) async fn evaluate(
    settings: &Settings,
    capture: &Capture,
    labels: &[crossbook_engine::eval::Label],
) -> anyhow::Result<EvalReport> {
    let sim = crossbook_sim::start(capture, SimConfig::default(), "127.0.0.1:0".parse()?).await?;
    let env: std::collections::BTreeMap<String, String> = sim.env_lines().into_iter().collect();
    let dir = tempfile::tempdir()?;
    let url: crossbook_store::DatabaseUrl = format!("sqlite://{}", dir.path().join("eval.db").display()).parse()?;
    let store = crossbook_store::open(&url).await?;
    let clock = Clock::from_setting(capture.now.or(settings.now));
    let mut opts = super::ingest::options(settings, Mode::Split);
    opts.topics = vec![Topic::Sports];
    opts.exclude_mve = true;
    opts.clock = clock;
    let kalshi = KalshiClient::new(&env["KALSHI_API_URL"], None, None)?;
    let gamma = GammaClient::new(&env["POLYMARKET_GAMMA_URL"], None)?;
    ingest::ingest_kalshi(store.clone(), &kalshi, &opts, Arc::new(LogProgress)).await?;
    ingest::ingest_polymarket(store.clone(), &gamma, &opts, Arc::new(LogProgress)).await?;
    sim.stop().await;
    run_matching(&*store, &ReviewConfig::from_settings(settings), clock.now()).await?;
    let links = store.list_links(None).await?;
    let kalshi_markets: Vec<_> = store
        .list_markets(&MarketFilter { venue: Some(Venue::Kalshi), ..Default::default() })
        .await?
        .into_iter()
        .map(|m| m.market)
        .collect();
    Ok(score(labels, &links, &kalshi_markets))
}

fn print_table(what: &str, rows: &std::collections::BTreeMap<String, crossbook_engine::eval::Stats>) {
    println!(
        "{what:<12} {:>7} {:>6} {:>9} {:>8} {:>6} {:>7} {:>9} {:>7} {:>11}",
        "matches", "found", "confirmed", "conf.rate", "wrong", "f.conf", "precision", "recall", "orientation"
    );
    for (k, s) in rows {
        println!(
            "{k:<12} {:>7} {:>6} {:>9} {:>8.3} {:>6} {:>7} {:>9.3} {:>7.3} {:>11.3}",
            s.matches,
            s.found,
            s.confirmed,
            s.confirm_rate,
            s.wrong,
            s.false_confirms,
            s.precision,
            s.recall,
            s.orientation_accuracy
        );
    }
}
