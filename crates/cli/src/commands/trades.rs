//! `crossbook fills|positions|pnl [--json]`: what the trades taken (paper or live) did;
//! `crossbook execution stop|resume|status`: the kill switch.

use chrono::{DateTime, Utc};
use crossbook_engine::Settings;
use crossbook_engine::ledger::{self, Totals};
use crossbook_model::Fill;

/// `--from`, or the beginning of time.
fn since(from: Option<&str>) -> anyhow::Result<DateTime<Utc>> {
    match from {
        None => Ok(DateTime::<Utc>::MIN_UTC),
        Some(v) => DateTime::parse_from_rfc3339(v)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| anyhow::anyhow!("--from {v:?}: not an RFC 3339 time ({e})")),
    }
}

fn what(f: &Fill) -> String {
    match (&f.contract.side, &f.contract.outcome) {
        (Some(side), _) => format!("{side:?}").to_lowercase(),
        (None, Some(outcome)) => outcome.clone(),
        (None, None) => "-".into(),
    }
}

pub(crate) async fn fills(settings: &Settings, from: Option<&str>, json: bool) -> anyhow::Result<u8> {
    let from = since(from)?;
    let store = super::open_existing_store(settings).await?;
    let fills = store.list_fills(from).await?;
    if json {
        println!("{}", serde_json::to_string(&fills)?);
        return Ok(0);
    }
    if fills.is_empty() {
        println!("no fills (trades are taken with EXECUTION_MODE=paper)");
    }
    for f in &fills {
        println!(
            "{} {:<5} {:<13} {:<4} {:<8} {} @ {} fee {} | {} | link {} order {}",
            f.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            f.mode.as_str(),
            f.contract.venue.as_str(),
            format!("{:?}", f.action).to_lowercase(),
            what(f),
            f.size,
            f.price,
            f.fee,
            f.contract.market,
            f.opportunity.0,
            f.order_id
        );
    }
    Ok(0)
}

pub(crate) async fn positions(settings: &Settings, json: bool) -> anyhow::Result<u8> {
    let store = super::open_existing_store(settings).await?;
    let held = ledger::positions(&store.list_fills(DateTime::<Utc>::MIN_UTC).await?);
    if json {
        println!("{}", serde_json::to_string(&held)?);
        return Ok(0);
    }
    if held.is_empty() {
        println!("no positions");
    }
    for p in &held {
        let c = &p.contract;
        let what = c.side.map(|s| format!("{s:?}").to_lowercase()).or(c.outcome.clone()).unwrap_or_default();
        println!(
            "{:<5} {:<13} {:<8} {} held at {} (cost {}, fees {}) | {}",
            p.mode.as_str(),
            c.venue.as_str(),
            what,
            p.size,
            p.average_price,
            p.cost,
            p.fees,
            c.market
        );
    }
    Ok(0)
}

fn totals_line(name: &str, t: &Totals) -> String {
    format!(
        "{name:<12} {:>4} trades ({} unhedged, {} unwound, {} missed) | sets {} | bought {} sold {} fees {} | pnl {} (planned {})",
        t.trades, t.unhedged, t.unwound, t.missed, t.sets, t.bought, t.sold, t.fees, t.pnl, t.planned_profit
    )
}

pub(crate) async fn pnl(settings: &Settings, from: Option<&str>, json: bool) -> anyhow::Result<u8> {
    let from = since(from)?;
    let store = super::open_existing_store(settings).await?;
    let trades = store.list_trades(from).await?;
    let sums = ledger::pnl(&trades);
    if json {
        println!("{}", serde_json::to_string(&serde_json::json!({ "trades": trades, "pnl": sums }))?);
        return Ok(0);
    }
    for t in &trades {
        println!(
            "{} {} link {} {:<9} {} | {} | sets {} of {} | pnl {} (planned {})",
            t.decided_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            t.mode.as_str(),
            t.link_id.0,
            t.kind.as_str(),
            t.game.as_deref().unwrap_or("-"),
            t.status.as_str(),
            t.sets,
            t.planned_size,
            t.pnl,
            t.planned_profit
        );
    }
    println!("{}", totals_line("all", &sums.total));
    for (title, group) in [("league", &sums.by_league), ("kind", &sums.by_kind), ("day", &sums.by_day)] {
        for (name, t) in group {
            println!("{}", totals_line(&format!("{title} {name}"), t));
        }
    }
    Ok(0)
}

pub(crate) async fn execution(settings: &Settings, c: crate::args::ExecutionCommand) -> anyhow::Result<u8> {
    use crate::args::ExecutionCommand;
    use crossbook_engine::execution::{KILL_SWITCH_CONTROL, set_kill_switch};
    let store = super::open_store(settings).await?;
    let now = crossbook_engine::Clock::from_setting(settings.now).now();
    match c {
        ExecutionCommand::Stop => {
            set_kill_switch(&*store, true, "cli", now).await?;
            println!("kill switch on: no order is sent from now on (running processes follow within 2 s)");
        }
        ExecutionCommand::Resume => {
            set_kill_switch(&*store, false, "cli", now).await?;
            if settings.execution.kill_switch {
                println!(
                    "kill switch off in the database, but EXECUTION_KILL_SWITCH=true still holds this process's trading"
                );
            } else {
                println!("kill switch off: trading resumes");
            }
        }
        ExecutionCommand::Status => match store.control(KILL_SWITCH_CONTROL).await? {
            Some(c) => println!("kill switch {} (set by {} at {})", c.value, c.set_by, c.set_at.to_rfc3339()),
            None => println!("kill switch off (never set)"),
        },
    }
    Ok(0)
}
