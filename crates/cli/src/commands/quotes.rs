//! `crossbook watchlist sync|list`, `quotes loop [--once]`, `arbs list [--json]`.

use crossbook_engine::pipeline::Pipeline;
use crossbook_engine::watchlist::{WatchConfig, sync_watchlist};
use crossbook_engine::{Clock, Settings};
use crossbook_store::Priority;

pub(crate) async fn watchlist_sync(settings: &Settings) -> anyhow::Result<u8> {
    let store = super::open_store(settings).await?;
    let now = Clock::from_setting(settings.now).now();
    let entries = sync_watchlist(&*store, &WatchConfig::from_settings(settings), now).await?;
    let count = |p| entries.iter().filter(|e| e.priority == p).count();
    println!(
        "watchlist: {} links ({} HIGH, {} MEDIUM, {} LOW)",
        entries.len(),
        count(Priority::High),
        count(Priority::Medium),
        count(Priority::Low)
    );
    Ok(0)
}

pub(crate) async fn watchlist_list(settings: &Settings) -> anyhow::Result<u8> {
    let store = super::open_existing_store(settings).await?;
    let links: std::collections::HashMap<_, _> = store.list_links(None).await?.into_iter().map(|l| (l.id, l)).collect();
    println!("{:<7} {:>5} {:<25} {:>12} {:<40} OUTCOME", "PRIORITY", "LINK", "STARTS", "LIQUIDITY", "KALSHI");
    for e in store.list_watchlist().await? {
        let Some(l) = links.get(&e.link_id) else { continue };
        println!(
            "{:<7} {:>5} {:<25} {:>12} {:<40} {}",
            e.priority.as_str(),
            e.link_id,
            e.starts_at.map(|t| t.to_rfc3339()).unwrap_or_else(|| "-".into()),
            e.liquidity,
            l.candidate.kalshi_ticker,
            l.candidate.poly_outcome
        );
    }
    Ok(0)
}

/// The REST loop by priority (the cadence is the engine's), the sockets first. `--once`: one
/// pass over the whole watchlist, written, then exit.
pub(crate) async fn quotes_loop(settings: &Settings, once: bool) -> anyhow::Result<u8> {
    let store = super::open_store(settings).await?;
    let p = Pipeline::new(settings, store).await?;
    p.follow_kill_switch().await;
    if once {
        let r = p.quotes(&[Priority::High, Priority::Medium, Priority::Low]).await?;
        // No later book will come: paper orders on their way match the pass's books.
        crossbook_engine::desk::lock(&p.desk).run_orders(p.clock.now(), true);
        p.writer.flush().await;
        println!(
            "quotes: {} Kalshi and {} Polymarket books, {} failed; {} opportunities",
            r.kalshi_books, r.poly_books, r.failed, r.opportunities
        );
        return Ok(0);
    }
    let mut streams = None;
    p.streams(&mut streams).await?;
    let mut tick = tokio::time::interval(settings.quotes_interval);
    for n in 0u64.. {
        tokio::select! {
            _ = tick.tick() => {}
            _ = super::shutdown_signal() => break,
        }
        match p.quotes(&Pipeline::due(n)).await {
            Ok(r) => tracing::info!(
                books = r.kalshi_books + r.poly_books,
                failed = r.failed,
                opportunities = r.opportunities,
                "quotes pass"
            ),
            Err(e) => tracing::warn!(error = %format!("{e:#}"), "quotes pass failed"),
        }
    }
    p.writer.flush().await;
    Ok(0)
}

pub(crate) async fn arbs_list(settings: &Settings, json: bool) -> anyhow::Result<u8> {
    use crossbook_engine::reports;
    let store = super::open_existing_store(settings).await?;
    let open = store.list_open_opportunities().await?;
    if json {
        let rows: Vec<serde_json::Value> = open.iter().map(crossbook_engine::reports::opportunity_row).collect();
        println!("{}", serde_json::to_string(&rows)?);
        return Ok(0);
    }
    for s in &open {
        let o = &s.opportunity;
        let legs = o.legs.iter().map(reports::leg_text).collect::<Vec<_>>().join(" + ");
        println!(
            "link {:>4} {:<9} {:<6} {} | edge {:>7} size {:>6} profit {:>8} roi {} | {} | capital kalshi {} {}{}{} | first seen {}, {} s open, peak edge {}",
            o.link_id,
            o.kind.as_str(),
            o.league.map(|l| l.code()).unwrap_or("-"),
            o.game.as_deref().unwrap_or("-"),
            reports::cents(o.edge),
            o.max_size,
            reports::dollars(o.profit),
            reports::percent(o.roi),
            legs,
            reports::dollars(o.capital.kalshi),
            if o.capital.polymarket_us == crossbook_model::Money::ZERO {
                format!("polymarket {}", reports::dollars(o.capital.polymarket))
            } else {
                format!("polymarket_us {}", reports::dollars(o.capital.polymarket_us))
            },
            if o.in_play {
                format!(" | IN PLAY, orders held {} s", o.order_delay_s.unwrap_or(0))
            } else {
                String::new()
            },
            o.alternative_to
                .map(|l| format!(" | ALTERNATIVE to link {l}: the same book, not counted"))
                .unwrap_or_default(),
            reports::local_time(s.first_seen, settings.time_zone),
            (s.last_seen - s.first_seen).num_seconds(),
            reports::cents(s.best_edge),
        );
    }
    let counted: Vec<_> = open.iter().filter(|s| s.opportunity.alternative_to.is_none()).collect();
    let profit = counted.iter().map(|s| s.opportunity.profit.micros()).sum::<i64>();
    eprintln!(
        "{} open opportunit{} ({} alternative to a better one), profit counted once {}",
        open.len(),
        if open.len() == 1 { "y" } else { "ies" },
        open.len() - counted.len(),
        reports::dollars(crossbook_model::Money::from_micros(profit).unwrap_or(crossbook_model::Money::ZERO)),
    );
    Ok(0)
}

/// `crossbook report opportunities`: the window's report as text or JSON, and as an HTML page.
pub(crate) async fn report_opportunities(
    settings: &Settings,
    from: Option<&str>,
    to: Option<&str>,
    json: bool,
    html: Option<&std::path::Path>,
) -> anyhow::Result<u8> {
    let at = |flag: &str, v: &str| {
        chrono::DateTime::parse_from_rfc3339(v)
            .map(|t| t.with_timezone(&chrono::Utc))
            .map_err(|e| anyhow::anyhow!("{flag} {v:?}: not an RFC 3339 time ({e})"))
    };
    let to = match to {
        Some(v) => at("--to", v)?,
        None => Clock::from_setting(settings.now).now(),
    };
    let from = match from {
        Some(v) => at("--from", v)?,
        None => to - chrono::Duration::hours(24),
    };
    anyhow::ensure!(from < to, "--from must be before --to");
    let store = super::open_existing_store(settings).await?;
    let report = crossbook_engine::worth::build(&*store, from, to).await?;
    if let Some(path) = html {
        std::fs::write(path, crossbook_engine::worth::html(&report, settings.time_zone))
            .map_err(|e| anyhow::anyhow!("--html {}: {e}", path.display()))?;
    }
    if json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print!("{}", crossbook_engine::worth::text(&report, settings.time_zone));
    }
    Ok(0)
}

/// `crossbook monitor live-events [--once]`: quotes the urgent links every few seconds; the desk
/// alerts on their arbitrage. `--once` waits for its alerts' delivery (10 s at most).
pub(crate) async fn monitor(settings: &Settings, once: bool) -> anyhow::Result<u8> {
    if !settings.enable_live_events_monitor {
        println!("live-events monitor disabled (ENABLE_LIVE_EVENTS_MONITOR=false)");
        return Ok(0);
    }
    let store = super::open_store(settings).await?;
    let p = Pipeline::new(settings, store).await?;
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(2));
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = super::shutdown_signal() => break,
        }
        match p.monitor().await {
            Ok(r) => {
                println!("urgent: {} links, {} opportunities, {} alerts raised", r.urgent, r.opportunities, r.alerts);
                if once {
                    break;
                }
            }
            Err(e) if once => return Err(e),
            Err(e) => tracing::warn!(error = %format!("{e:#}"), "monitor pass failed"),
        }
    }
    if !p.alerter.settle(std::time::Duration::from_secs(10)).await {
        eprintln!("some alerts were still being delivered after 10 s: recorded as not delivered");
        p.alerter.abandon();
    }
    p.writer.flush().await;
    Ok(0)
}
