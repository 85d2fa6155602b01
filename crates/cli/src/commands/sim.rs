//! `crossbook sim`: serves a capture, prints the five endpoint settings, runs until stopped.

use std::io::Write;

use anyhow::Context;
use crossbook_kalshi::KalshiVerifier;
use crossbook_sim::generate::{GenerateSpec, generate};
use crossbook_sim::{Capture, SimConfig};

use crate::args::SimArgs;

pub(crate) async fn run(a: SimArgs) -> anyhow::Result<u8> {
    let capture = match (&a.generate, &a.data) {
        (Some(n), _) => {
            let now = chrono::DateTime::parse_from_rfc3339("2026-01-09T23:50:00Z")?.with_timezone(&chrono::Utc);
            generate(&GenerateSpec::with_total(*n, a.seed, now))
        }
        (None, Some(dir)) => Capture::load(dir).with_context(|| format!("--data {}", dir.display()))?,
        (None, None) => Capture::bundled(),
    };
    if let Some(out) = &a.out {
        capture.write(out).with_context(|| format!("--out {}", out.display()))?;
        let (k, p) = capture.market_counts();
        println!("wrote {} ({k} Kalshi and {p} Polymarket markets)", out.display());
        return Ok(0);
    }
    let kalshi_verifier = match &a.kalshi_public_key {
        Some(path) => {
            let pem =
                std::fs::read_to_string(path).with_context(|| format!("--kalshi-public-key {}", path.display()))?;
            Some(KalshiVerifier::from_pem(&pem)?)
        }
        None => None,
    };
    let config = SimConfig {
        faults: a.fault.parse().map_err(|e| anyhow::anyhow!("--fault: {e}"))?,
        seed: a.seed,
        kalshi_schema: a.kalshi_schema.parse().map_err(|e| anyhow::anyhow!("--kalshi-schema: {e}"))?,
        polymarket_schema: a.polymarket_schema.parse().map_err(|e| anyhow::anyhow!("--polymarket-schema: {e}"))?,
        kalshi_yes_price_default: a.kalshi_yes_price_default,
        drift: a.drift,
        kalshi_verifier,
        unlimited: a.unlimited,
        move_every: (a.move_ms > 0).then(|| std::time::Duration::from_millis(a.move_ms)),
        replay: match (&a.data, a.replay) {
            (Some(dir), true) => {
                let speed = a.speed.parse().map_err(|e| anyhow::anyhow!("--speed {e}"))?;
                let frames =
                    crossbook_sim::replay::load(dir).with_context(|| format!("--data {}: frames", dir.display()))?;
                tracing::info!(frames = frames.len(), "replaying the recorded socket changes");
                Some((frames, speed))
            }
            _ => None,
        },
        order_answer_delay: None,
        kalshi_balance: None,
    };
    let bind = a.bind.parse().with_context(|| format!("--bind {}", a.bind))?;
    let handle = crossbook_sim::start(&capture, config, bind).await?;
    // One write: a reader that takes the lines it needs and closes the pipe leaves the
    // simulator serving (a broken pipe is said, not fatal).
    let lines: String = handle.env_lines().into_iter().map(|(k, v)| format!("{k}={v}\n")).collect();
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(lines.as_bytes()).and_then(|()| out.flush()) {
        tracing::warn!(error = %e, "could not print the endpoint settings; serving on");
    }
    drop(out);
    tracing::info!(addr = %handle.addr, "simulator serving; Ctrl-C stops it");
    tokio::signal::ctrl_c().await?;
    handle.stop().await;
    Ok(0)
}
