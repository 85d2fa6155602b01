//! `crossbook taxonomy backfill`: recomputes the derived fields of stored events and markets
//! from their stored raw payloads, with the same functions ingestion uses.

use std::collections::HashMap;

use crossbook_model::{Event, Venue};
use crossbook_store::{MarketFilter, Store};
use crossbook_taxonomy::{classify_kalshi_event, classify_market, classify_poly_event};

/// What a backfill changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BackfillReport {
    pub events: u64,
    pub markets: u64,
    /// Markets whose derived fields changed.
    pub changed: u64,
}

/// Recomputes topic, league, teams, kind, line and is_mve for one venue.
pub async fn backfill(store: &dyn Store, venue: Venue) -> anyhow::Result<BackfillReport> {
    let mut events = store.list_events(Some(venue)).await?;
    let stored = store.list_markets(&MarketFilter { venue: Some(venue), ..Default::default() }).await?;
    let mut tickers: HashMap<String, Vec<&str>> = HashMap::new();
    for s in &stored {
        tickers.entry(s.market.event_id().to_string()).or_default().push(s.market.id());
    }
    for e in &mut events {
        match venue {
            Venue::Kalshi => classify_kalshi_event(e, tickers.get(&e.id).map(Vec::as_slice).unwrap_or_default()),
            Venue::Polymarket => classify_poly_event(e, e.league),
            // Classified by its adapter from typed fields when it was parsed.
            Venue::PolymarketUs => {}
        }
    }
    let by_id: HashMap<&str, &Event> = events.iter().map(|e| (e.id.as_str(), e)).collect();
    let mut markets = Vec::with_capacity(stored.len());
    let mut changed = 0;
    for s in stored {
        let mut m = s.market.clone();
        let event = by_id.get(s.market.event_id()).copied();
        classify_market(&mut m, event);
        if m != s.market {
            changed += 1;
        }
        markets.push(m);
    }
    store.update_taxonomy(&events, &markets).await?;
    Ok(BackfillReport { events: events.len() as u64, markets: markets.len() as u64, changed })
}

#[cfg(test)]
mod tests {
    use crossbook_store::testing::TestDb;

    use super::*;

    #[tokio::test]
    async fn backfill_restores_derived_fields_and_keeps_bookkeeping() {
        let db = TestDb::sqlite().await;
        let raw = serde_json::json!({"ticker": "KXNBAGAME-26JAN09MILLAL-MIL", "event_ticker": "KXNBAGAME-26JAN09MILLAL", "status": "active"});
        let wire: crossbook_kalshi::http::models::KalshiMarket = serde_json::from_value(raw.clone()).unwrap();
        let m = crossbook_kalshi::http::parse::parse_market(&wire, raw, crossbook_model::FeeSchedule::Free).unwrap();
        // Stored before the taxonomy knew anything: no league, topic other.
        let t0 = chrono::Utc::now();
        db.store.upsert_markets(std::slice::from_ref(&m), t0).await.unwrap();
        let r = backfill(&*db.store, Venue::Kalshi).await.unwrap();
        assert_eq!((r.markets, r.changed), (1, 1));
        let after = &db.store.list_markets(&MarketFilter::default()).await.unwrap()[0];
        assert_eq!(after.market.league, Some(crossbook_model::League::Nba));
        assert_eq!(after.market.kind, crossbook_model::MarketKind::Moneyline);
        assert_eq!(after.market.topic, crossbook_model::Topic::Sports);
        assert_eq!(after.first_seen, after.last_seen, "bookkeeping untouched");
        // A second run changes nothing.
        assert_eq!(backfill(&*db.store, Venue::Kalshi).await.unwrap().changed, 0);
    }
}
