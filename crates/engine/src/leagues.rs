//! The report of unmatched leagues (`crossbook taxonomy leagues`): stored sports markets whose
//! league the catalogue does not know, by the venue's own name of it — the Kalshi series, the
//! Polymarket slug prefix — so that a new league is a line to add to `crates/model/leagues.txt`.

use std::collections::BTreeMap;

use crossbook_model::{Topic, Venue};
use crossbook_store::{MarketFilter, Store};
use serde::Serialize;

/// One league a venue lists that the catalogue does not know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnknownLeague {
    pub venue: Venue,
    /// Kalshi series ticker (`KXBRASILEIROBGAME`) or Polymarket slug prefix (`mar1`).
    pub key: String,
    pub events: usize,
    pub markets: usize,
    /// One event of it, to look at.
    pub example: String,
}

/// Stored sports markets with no league, grouped by the venue's name of their league.
pub async fn unknown_leagues(store: &dyn Store) -> anyhow::Result<Vec<UnknownLeague>> {
    let filter = MarketFilter { topic: Some(Topic::Sports), ..Default::default() };
    let mut groups: BTreeMap<(Venue, String), (std::collections::BTreeSet<String>, usize)> = BTreeMap::new();
    for s in store.list_markets(&filter).await? {
        let m = &s.market;
        if m.league.is_some() || m.is_mve {
            continue;
        }
        let key = match m.venue() {
            Venue::Kalshi => m.series.clone().unwrap_or_default(),
            Venue::Polymarket => {
                let slug = m.raw.get("slug").and_then(|v| v.as_str()).unwrap_or("");
                slug.split('-').next().unwrap_or("").to_string()
            }
            // Its event slug starts with the league (`mlb-sd-col-2026-09-16`).
            Venue::PolymarketUs => m.event_id().split('-').next().unwrap_or("").to_string(),
        };
        let g = groups.entry((m.venue(), key)).or_default();
        g.0.insert(m.event_id().to_string());
        g.1 += 1;
    }
    Ok(groups
        .into_iter()
        .map(|((venue, key), (events, markets))| UnknownLeague {
            venue,
            key,
            events: events.len(),
            markets,
            example: events.into_iter().next().unwrap_or_default(),
        })
        .collect())
}
