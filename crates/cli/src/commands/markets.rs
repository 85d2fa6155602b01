//! `crossbook markets list [-v VENUE] [--json]` (the markets-list contract).

use crossbook_engine::Settings;
use crossbook_model::{Market, Venue};
use crossbook_store::{MarketFilter, StoredMarket};
use serde::Serialize;

use crate::args::VenueArg;

/// One row of the contract's JSON array.
#[derive(Debug, Serialize)]
struct MarketRow<'a> {
    venue: Venue,
    id: &'a str,
    event_id: &'a str,
    league: Option<&'static str>,
    kind: &'static str,
    line: Option<crossbook_model::Line>,
    is_mve: bool,
    status: &'static str,
    close_time: Option<String>,
}

impl<'a> From<&'a Market> for MarketRow<'a> {
    fn from(m: &'a Market) -> Self {
        MarketRow {
            venue: m.venue(),
            id: m.id(),
            event_id: m.event_id(),
            league: m.league.map(|l| l.code()),
            kind: m.kind.as_str(),
            line: m.line,
            is_mve: m.is_mve,
            status: m.status.as_str(),
            close_time: m.close_time.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        }
    }
}

pub(crate) async fn list(settings: &Settings, venue: Option<VenueArg>, json: bool) -> anyhow::Result<u8> {
    let store = super::open_store(settings).await?;
    let venue = match venue {
        Some(VenueArg::Kalshi) => Some(Venue::Kalshi),
        Some(VenueArg::Polymarket) => Some(Venue::Polymarket),
        Some(VenueArg::All) | None => None,
    };
    let markets: Vec<StoredMarket> = store.list_markets(&MarketFilter { venue, ..Default::default() }).await?;
    let rows: Vec<MarketRow<'_>> = markets.iter().map(|m| MarketRow::from(&m.market)).collect();
    if json {
        println!("{}", serde_json::to_string(&rows)?);
        return Ok(0);
    }
    println!("{:<11} {:<40} {:<8} {:<10} {:>7} {:<4} {:<8}", "VENUE", "ID", "LEAGUE", "KIND", "LINE", "MVE", "STATUS");
    for r in &rows {
        println!(
            "{:<11} {:<40} {:<8} {:<10} {:>7} {:<4} {:<8}",
            r.venue.as_str(),
            r.id,
            r.league.unwrap_or("-"),
            r.kind,
            r.line.map(|l| l.to_string()).unwrap_or_else(|| "-".into()),
            if r.is_mve { "yes" } else { "no" },
            r.status
        );
    }
    eprintln!("{} market(s)", rows.len());
    Ok(0)
}
