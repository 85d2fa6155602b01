//! `crossbook markets list [-v VENUE] [--json]` (the markets-list contract).

use crossbook_engine::Settings;
use crossbook_model::Venue;
use crossbook_store::{MarketFilter, StoredMarket};

use crate::args::VenueArg;

pub(crate) async fn list(settings: &Settings, venue: Option<VenueArg>, json: bool) -> anyhow::Result<u8> {
    let store = super::open_existing_store(settings).await?;
    let venue = match venue {
        Some(VenueArg::Kalshi) => Some(Venue::Kalshi),
        Some(VenueArg::Polymarket) => Some(Venue::Polymarket),
        Some(VenueArg::PolymarketUs) => Some(Venue::PolymarketUs),
        Some(VenueArg::All) | None => None,
    };
    let markets: Vec<StoredMarket> = store.list_markets(&MarketFilter { venue, ..Default::default() }).await?;
    if json {
        let rows: Vec<serde_json::Value> =
            markets.iter().map(|m| crossbook_engine::reports::market_row(&m.market)).collect();
        println!("{}", serde_json::Value::Array(rows));
        return Ok(0);
    }
    println!("{:<11} {:<40} {:<8} {:<10} {:>7} {:<4} {:<8}", "VENUE", "ID", "LEAGUE", "KIND", "LINE", "MVE", "STATUS");
    for m in markets.iter().map(|m| &m.market) {
        println!(
            "{:<11} {:<40} {:<8} {:<10} {:>7} {:<4} {:<8}",
            m.venue().as_str(),
            m.id(),
            m.league.map(|l| l.code()).unwrap_or("-"),
            m.kind.as_str(),
            m.line.map(|l| l.to_string()).unwrap_or_else(|| "-".into()),
            if m.is_mve { "yes" } else { "no" },
            m.status.as_str()
        );
    }
    eprintln!("{} market(s)", markets.len());
    Ok(0)
}
