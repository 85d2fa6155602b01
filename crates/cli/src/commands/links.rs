//! `crossbook match`, `links list|confirm|reject|export`.

use crossbook_engine::review::{ReviewConfig, run_matching};
use crossbook_engine::{Clock, Settings};
use crossbook_model::{LinkId, LinkStatus};
use crossbook_store::{Decision, MarketFilter};

/// `crossbook match --topics SPORTS`.
pub(crate) async fn run_match(settings: &Settings, topics: &str) -> anyhow::Result<u8> {
    for t in topics.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        let topic: crossbook_model::Topic = t.parse().map_err(|e: String| anyhow::anyhow!("--topics: {e}"))?;
        anyhow::ensure!(topic == crossbook_model::Topic::Sports, "--topics: only SPORTS is matched");
    }
    let store = super::open_store(settings).await?;
    let now = Clock::from_setting(settings.now).now();
    let r = run_matching(&*store, &ReviewConfig::from_settings(settings), now).await?;
    println!(
        "eligible: {} Kalshi, {} Polymarket markets; {} candidates; links: {} confirmed, {} suggested, {} rejected ({} conflicts, {} human decisions kept); registry: {} names and codes learned",
        r.eligible_kalshi,
        r.eligible_polymarket,
        r.candidates,
        r.confirmed,
        r.suggested,
        r.rejected,
        r.conflicts,
        r.kept_human,
        r.learned
    );
    Ok(0)
}

/// The header of `links list`, one column per field of its rows.
fn links_header() -> String {
    format!(
        "{:>5} {:<10} {:>5} {:<10} {:<7} {:<12} {:<40} {:<12} {:<28} OUTCOME",
        "ID", "STATUS", "SCORE", "KIND", "LINE", "RULES", "KALSHI", "POLYMARKET", "TRADABLE"
    )
}

pub(crate) async fn list(settings: &Settings, json: bool) -> anyhow::Result<u8> {
    use crossbook_engine::reports::{link_row_with_state, market_states, tradable_reasons};
    let store = super::open_existing_store(settings).await?;
    let links = store.list_links(None).await?;
    let states = market_states(&*store, &links).await?;
    if json {
        let rows = links.iter().map(|l| link_row_with_state(l, &states)).collect();
        println!("{}", serde_json::Value::Array(rows));
        return Ok(0);
    }
    println!("{}", links_header());
    for l in &links {
        let c = &l.candidate;
        let tradable = tradable_reasons(l, &states);
        println!(
            "{:>5} {:<10} {:>5.2} {:<10} {:<7} {:<12} {:<40} {:<12} {:<28} {} \"{}\"",
            l.id.0,
            l.status.as_str(),
            c.score,
            c.kind.as_str(),
            c.line.map(|x| x.to_string()).unwrap_or_else(|| "-".into()),
            l.rule_risk.map(|r| r.as_str()).unwrap_or("-"),
            c.kalshi_ticker.as_str(),
            c.poly_market_id.as_str(),
            if tradable.is_empty() { "yes".to_string() } else { tradable.join("; ") },
            c.poly_outcome_index,
            c.poly_outcome
        );
    }
    eprintln!("{} link(s)", links.len());
    Ok(0)
}

pub(crate) async fn export(settings: &Settings) -> anyhow::Result<u8> {
    list(settings, true).await
}

/// `links confirm|reject ID [--force]`: a person's decision (never overwritten by automatic
/// passes). Exit 1 when refused (an incompatible link without `--force`).
pub(crate) async fn decide(settings: &Settings, id: i64, to: LinkStatus, force: bool) -> anyhow::Result<u8> {
    let store = super::open_store(settings).await?;
    let who = std::env::var("USER").unwrap_or_else(|_| "cli".into());
    let now = Clock::from_setting(settings.now).now();
    let reason = "decided on the command line";
    match crossbook_engine::review::decide_by_person(&*store, LinkId(id), to, &who, reason, force, now).await {
        Ok(Decision::Unchanged) => println!("link {id} was already {to}"),
        Ok(_) => println!("link {id} is now {to}"),
        Err(e @ crossbook_engine::review::DecideError::Incompatible { .. }) => {
            eprintln!("{}", e.to_string().replace("Confirm with force", "Use --force"));
            return Ok(1);
        }
        Err(e) => return Err(e.into()),
    }
    Ok(0)
}

/// `crossbook audit mve`: no multivariate market is eligible or linked.
pub(crate) async fn audit_mve(settings: &Settings) -> anyhow::Result<u8> {
    let store = super::open_existing_store(settings).await?;
    let all = store.list_markets(&MarketFilter::default()).await?;
    let is_mve = |m: &crossbook_model::Market| {
        m.is_mve
            || match &m.key {
                crossbook_model::MarketRef::Kalshi { ticker, event_ticker } => crossbook_taxonomy::kalshi_mve_reason(
                    ticker.as_str(),
                    event_ticker.as_str(),
                    m.series.as_deref(),
                    &m.raw,
                )
                .is_some(),
                crossbook_model::MarketRef::Polymarket { .. } | crossbook_model::MarketRef::PolymarketUs { .. } => {
                    false
                }
            }
    };
    let mve: Vec<&crossbook_model::Market> = all.iter().map(|m| &m.market).filter(|m| is_mve(m)).collect();
    let unflagged = mve.iter().filter(|m| !m.is_mve).count();
    let single_game = mve.iter().filter(|m| m.id().contains("SINGLEGAME")).count();
    let mve_ids: std::collections::HashSet<&str> = mve.iter().map(|m| m.id()).collect();
    let linked: Vec<_> = store
        .list_links(None)
        .await?
        .into_iter()
        .filter(|l| l.status != LinkStatus::Rejected && mve_ids.contains(l.candidate.kalshi_ticker.as_str()))
        .collect();
    let cfg = crossbook_engine::review::ReviewConfig::from_settings(settings);
    let now = Clock::from_setting(settings.now).now();
    let eligible = all
        .iter()
        .filter(|m| mve_ids.contains(m.market.id()) && crossbook_engine::review::eligible(m, now, &cfg))
        .count();
    println!(
        "MVE markets stored: {} ({} single-game); not flagged: {unflagged}; eligible: {eligible}; linked: {}",
        mve.len(),
        single_game,
        linked.len()
    );
    if unflagged == 0 && eligible == 0 && linked.is_empty() {
        println!("audit mve: pass");
        Ok(0)
    } else {
        for l in &linked {
            println!("linked MVE market: {} (link {})", l.candidate.kalshi_ticker, l.id);
        }
        println!("audit mve: FAIL");
        Ok(1)
    }
}
