//! `crossbook teams list|add|block|remove` (the participant registry) and `crossbook taxonomy
//! leagues` (the report of unmatched leagues).

use crossbook_engine::{Clock, Settings};
use crossbook_model::{AliasKind, AliasSource, League, TeamAlias, Venue};
use crossbook_taxonomy::Registry;

use crate::args::AliasArgs;

/// `teams list [--league L] [--json]`.
pub(crate) async fn list(settings: &Settings, league: Option<&str>, json: bool) -> anyhow::Result<u8> {
    let league: Option<League> =
        league.map(str::parse).transpose().map_err(|e: String| anyhow::anyhow!("--league: {e}"))?;
    let store = super::open_existing_store(settings).await?;
    let entries: Vec<TeamAlias> = Registry::bundled()
        .with(&store.list_aliases().await?)
        .entries()
        .into_iter()
        .filter(|e| league.is_none_or(|l| e.league == l))
        .collect();
    if json {
        println!("{}", serde_json::to_string(&entries)?);
        return Ok(0);
    }
    println!("{:<12} {:<14} {:<10} {:<5} {:<8} VALUE", "LEAGUE", "ID", "VENUE", "KIND", "SOURCE");
    for e in &entries {
        println!(
            "{:<12} {:<14} {:<10} {:<5} {:<8} {}{}",
            e.league.code(),
            e.team,
            e.venue.map_or("any", Venue::as_str),
            e.kind.as_str(),
            e.source.as_str(),
            e.value,
            if e.blocked { "  (blocked)" } else { "" }
        );
    }
    eprintln!("{} entr{}", entries.len(), if entries.len() == 1 { "y" } else { "ies" });
    Ok(0)
}

/// The row `a` names, as a person's.
fn alias(a: &AliasArgs, blocked: bool) -> anyhow::Result<TeamAlias> {
    let league: League = a.league.parse().map_err(|e: String| anyhow::anyhow!("--league: {e}"))?;
    let (venue, kind, value) = match (&a.name, &a.kalshi_code, &a.poly_code) {
        (Some(n), None, None) => (None, AliasKind::Name, n.trim().to_string()),
        (None, Some(c), None) => (Some(Venue::Kalshi), AliasKind::Code, c.trim().to_ascii_uppercase()),
        (None, None, Some(c)) => (Some(Venue::Polymarket), AliasKind::Code, c.trim().to_ascii_lowercase()),
        _ => anyhow::bail!("name one of --name, --kalshi-code or --poly-code"),
    };
    anyhow::ensure!(!value.is_empty(), "the name or code is empty");
    anyhow::ensure!(!a.team.trim().is_empty(), "--team is empty");
    Ok(TeamAlias { league, team: a.team.trim().to_string(), venue, kind, value, source: AliasSource::Person, blocked })
}

/// `teams add …` / `teams block …`.
pub(crate) async fn put(settings: &Settings, a: &AliasArgs, blocked: bool) -> anyhow::Result<u8> {
    let row = alias(a, blocked)?;
    let store = super::open_store(settings).await?;
    store.put_aliases(std::slice::from_ref(&row), Clock::from_setting(settings.now).now()).await?;
    println!("{} {row}; the next matching pass uses it", if blocked { "blocked" } else { "added" });
    Ok(0)
}

/// `teams remove …`.
pub(crate) async fn remove(settings: &Settings, a: &AliasArgs) -> anyhow::Result<u8> {
    let row = alias(a, false)?;
    let store = super::open_store(settings).await?;
    if store.remove_alias(&row).await? {
        println!("removed {row}");
        Ok(0)
    } else {
        eprintln!("no stored row for {row} (entries from the registry files can only be blocked)");
        Ok(1)
    }
}

/// `taxonomy leagues [--json]`.
pub(crate) async fn leagues(settings: &Settings, json: bool) -> anyhow::Result<u8> {
    let store = super::open_existing_store(settings).await?;
    let rows = crossbook_engine::leagues::unknown_leagues(&*store).await?;
    if json {
        println!("{}", serde_json::to_string(&rows)?);
        return Ok(0);
    }
    println!("{:<11} {:<28} {:>6} {:>7}  EXAMPLE", "VENUE", "VENUE'S LEAGUE", "EVENTS", "MARKETS");
    for r in &rows {
        println!("{:<11} {:<28} {:>6} {:>7}  {}", r.venue.as_str(), r.key, r.events, r.markets, r.example);
    }
    eprintln!(
        "{} league(s) the catalogue does not know; add them to crates/model/leagues.txt to match them",
        rows.len()
    );
    Ok(0)
}
