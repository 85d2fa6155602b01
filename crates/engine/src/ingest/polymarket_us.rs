//! Polymarket US passes: `GET /events?active=true&closed=false`, paged by `limit` and `offset`
//! (events with their markets; the venue lists sports only). Its adapter reads topic, league,
//! kind, line and sides from the typed fields, so nothing is classified here. Split and full
//! mode are the same scan: the venue has no flat market listing worth more.

use std::sync::Arc;

use crossbook_polymarket_us::UsClient;
use crossbook_polymarket_us::client::PAGE;
use crossbook_polymarket_us::models::{UsEvent, UsMarket};
use crossbook_polymarket_us::parse::{parse_event, parse_market};
use crossbook_store::Store;

use super::{Batch, IngestOptions, IngestReport, Progress, decode_item, lock, run_pass};
use crossbook_model::Venue;

/// One pass over Polymarket US.
pub async fn ingest_polymarket_us(
    store: Arc<dyn Store>,
    client: &UsClient,
    opts: &IngestOptions,
    progress: Arc<dyn Progress>,
) -> anyhow::Result<IngestReport> {
    let client = client.clone();
    let o = opts.clone();
    run_pass(store, Venue::PolymarketUs, opts, progress, move |tx, tally| async move {
        let mut guard = super::PageGuard::new("polymarket_us /events?active=true&closed=false");
        let mut offset = 0u32;
        loop {
            guard.next(&offset.to_string())?;
            let page = client.events_page(offset).await?;
            lock(&tally).pages += 1;
            let n = page.events.len() as u32;
            let mut batch = Batch::default();
            for (i, raw) in page.events.iter().enumerate() {
                let path = format!("[{}]", offset + i as u32);
                let Some((wire, mut raw_event)) = decode_item::<UsEvent>("polymarket_us", raw, &path, &tally) else {
                    continue;
                };
                if let Some(obj) = raw_event.as_object_mut() {
                    obj.remove("markets");
                }
                let mut markets: Vec<(UsMarket, serde_json::Value, String)> = Vec::new();
                for (j, m) in wire.markets.iter().enumerate() {
                    lock(&tally).fetched += 1;
                    let at = format!("{path}.markets[{j}]");
                    if let Some((m, v)) = decode_item::<UsMarket>("polymarket_us", m, &at, &tally) {
                        markets.push((m, v, at));
                    }
                }
                let typed: Vec<&UsMarket> = markets.iter().map(|(m, _, _)| m).collect();
                let event = match parse_event(&wire, &typed, raw_event) {
                    Ok(e) => e,
                    Err(e) => {
                        tracing::warn!(venue = "polymarket_us", slug = %wire.slug, path = %format!("{path}.{}", e.field), error = %e, "malformed event skipped");
                        lock(&tally).skip("malformed");
                        continue;
                    }
                };
                for (m, value, at) in markets {
                    match parse_market(&m, &event, value, o.clock.now()) {
                        Ok(m) if o.wants(m.topic) => batch.markets.push(m),
                        Ok(_) => lock(&tally).skip("topic"),
                        Err(e) => {
                            tracing::warn!(venue = "polymarket_us", slug = %m.slug, path = %format!("{at}.{}", e.field), error = %e, "malformed market skipped");
                            lock(&tally).skip("malformed");
                        }
                    }
                }
                if o.wants(event.topic) {
                    batch.events.push(event);
                }
            }
            if tx.send(batch).await.is_err() {
                anyhow::bail!("ingestion writer stopped");
            }
            if n < PAGE {
                return Ok(());
            }
            offset += n;
        }
    })
    .await
}
