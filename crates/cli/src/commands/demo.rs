//! `crossbook demo [--duration 60s] [--json]`: the simulator on the bundled capture with moving
//! prices, the whole pipeline on a temporary SQLite file, the dashboard served meanwhile. It
//! prints the links by league and kind, the arbitrage it finds and what trading it on paper made
//! (`EXECUTION_MODE=paper` unless set otherwise); `--json` prints only the summary line on stdout.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbook_engine::Settings;
use crossbook_engine::ingest::LogProgress;
use crossbook_engine::pipeline::Pipeline;
use crossbook_model::{LinkStatus, Venue};
use crossbook_sim::{Capture, SimConfig};
use crossbook_store::{MarketFilter, Priority};
use serde_json::json;

/// `60s`, `5m`, `90` (seconds).
pub(crate) fn parse_duration(s: &str) -> anyhow::Result<Duration> {
    let s = s.trim();
    let (n, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = n.parse().map_err(|_| anyhow::anyhow!("--duration {s:?}: use a number with s, m or ms (60s, 5m)"))?;
    Ok(match unit {
        "" | "s" => Duration::from_secs(n),
        "m" => Duration::from_secs(n * 60),
        "ms" => Duration::from_millis(n),
        _ => anyhow::bail!("--duration {s:?}: use a number with s, m or ms"),
    })
}

pub(crate) async fn run(base: &Settings, duration: &str, json_out: bool) -> anyhow::Result<u8> {
    let duration = parse_duration(duration)?;
    let say = |line: String| {
        if json_out {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    };
    let capture = Capture::bundled();
    let sim_config = SimConfig { seed: 7, move_every: Some(Duration::from_millis(250)), ..Default::default() };
    let sim = crossbook_sim::start(&capture, sim_config, "127.0.0.1:0".parse()?).await?;
    let env: BTreeMap<String, String> = sim.env_lines().into_iter().collect();
    let dir = tempfile::tempdir()?;
    let db = format!("sqlite://{}", dir.path().join("demo.db").display());
    let now = base.now.or(capture.now).map(|t| t.to_rfc3339());
    // The demo's own settings: the simulator's endpoints, a temporary database, the capture's clock.
    let settings = Settings::from_lookup(&|k| match k {
        "DATABASE_URL" => Some(db.clone()),
        "CROSSBOOK_NOW" => now.clone(),
        "LOG_LEVEL" => Some(base.log_level.clone()),
        "ALERT_WEBHOOK_URL" => None,
        // The demo trades what it finds on paper (no money anywhere) unless told otherwise.
        "EXECUTION_MODE" => Some(std::env::var("EXECUTION_MODE").unwrap_or_else(|_| "paper".into())),
        other => env.get(other).cloned().or_else(|| std::env::var(other).ok()),
    })?;
    let store = crossbook_store::open(&settings.database_url).await?;
    let server =
        match crossbook_server::serve(super::serve::app_state(&settings, store.clone()), "127.0.0.1:8080".parse()?)
            .await
        {
            Ok(s) => s,
            Err(_) => {
                crossbook_server::serve(super::serve::app_state(&settings, store.clone()), "127.0.0.1:0".parse()?)
                    .await?
            }
        };
    say(format!(
        "crossbook demo: simulator at http://{}, dashboard at http://{}/ , for {:?}",
        sim.addr, server.addr, duration
    ));
    let p = Pipeline::new(&settings, store.clone()).await?;
    for &v in p.enabled_venues() {
        let r = p.ingest(v, Arc::new(LogProgress)).await?;
        say(format!("ingested {v}: {} markets stored ({} fetched, skipped {:?})", r.stored, r.fetched, r.skipped));
    }
    let m = p.match_pass().await?;
    say(format!("matched: {} confirmed, {} suggested, {} rejected", m.confirmed, m.suggested, m.rejected));
    let mut by: BTreeMap<(String, String, &str), usize> = BTreeMap::new();
    for l in store.list_links(None).await? {
        let league = l.candidate.league.map(|x| x.code().to_string()).unwrap_or_else(|| "-".into());
        *by.entry((league, l.candidate.kind.as_str().to_string(), l.status.as_str())).or_default() += 1;
    }
    for ((league, kind, status), n) in &by {
        say(format!("  links {league:<6} {kind:<10} {status:<9} {n}"));
    }
    let watched = p.watchlist().await?;
    say(format!("watchlist: {watched} links; their books from the venues' sockets and REST passes"));
    let mut streams = None;
    p.streams(&mut streams).await?;
    let started = Instant::now();
    let mut seen = std::collections::HashSet::new();
    loop {
        let q = p.quotes(&[Priority::High, Priority::Medium, Priority::Low]).await?;
        p.monitor().await?;
        for o in store.list_open_opportunities().await? {
            if seen.insert(o.id) {
                let x = &o.opportunity;
                let legs: Vec<String> = x.legs.iter().map(crossbook_engine::reports::leg_text).collect();
                say(format!(
                    "arbitrage: {} {} — buy {} | {}",
                    x.league.map(|l| l.code()).unwrap_or("-"),
                    x.kind,
                    legs.join(" + "),
                    crossbook_engine::reports::money_text(x),
                ));
            }
        }
        tracing::debug!(books = q.kalshi_books + q.poly_books, "demo quotes pass");
        if started.elapsed() >= duration {
            break;
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(2).min(duration.saturating_sub(started.elapsed()))) => {}
            _ = super::shutdown_signal() => break,
        }
    }
    // Paper orders still on their way meet the last books; then what the trades made.
    crossbook_engine::desk::lock(&p.desk).run_orders(p.clock.now(), true);
    p.writer.flush().await;
    let trades = store.list_trades(chrono::DateTime::<chrono::Utc>::MIN_UTC).await?;
    let made = crossbook_engine::ledger::pnl(&trades);
    if settings.execution.mode != crossbook_model::ExecutionMode::Off {
        say(format!(
            "paper trades: {} ({} hedged, {} unwound, {} unhedged, {} missed) made ${} against ${} promised at the decisions (crossbook fills|positions|pnl)",
            made.total.trades,
            made.total.trades - made.total.unwound - made.total.unhedged - made.total.missed,
            made.total.unwound,
            made.total.unhedged,
            made.total.missed,
            made.total.pnl,
            made.total.planned_profit
        ));
    }
    let all = store.list_markets(&MarketFilter::default()).await?;
    let count = |v| all.iter().filter(|m| m.market.venue() == v).count();
    let (k, pm) = (count(Venue::Kalshi), count(Venue::Polymarket));
    let links = store.list_links(None).await?;
    let n = |s: LinkStatus| links.iter().filter(|l| l.status == s).count();
    let open: Vec<serde_json::Value> =
        store.list_open_opportunities().await?.iter().map(crossbook_engine::reports::opportunity_row).collect();
    let summary = json!({
        "markets": {"kalshi": k, "polymarket": pm},
        "links": {"confirmed": n(LinkStatus::Confirmed), "suggested": n(LinkStatus::Suggested)},
        "opportunities": seen.len(),
        "alerts": store.list_alerts(i64::MAX).await?.len(),
        // Added to the contract's fields: the opportunities open at the end, as `arbs list --json`,
        // and what trading them on paper made.
        "open": open,
        "trades": {"count": made.total.trades, "pnl": made.total.pnl, "planned_profit": made.total.planned_profit},
    });
    server.stop().await;
    sim.stop().await;
    if json_out {
        println!("{summary}");
    } else {
        println!("summary: {summary}");
    }
    Ok(0)
}
