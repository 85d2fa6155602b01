//! Kalshi passes. Split: for each sports series, `GET /events?with_nested_markets=true&status=open`.
//! Full: for each sports series, `GET /markets?status=open&mve_filter=exclude`. Sports series come
//! from `GET /series?category=Sports`; MVE series are never asked for when excluded.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use crossbook_kalshi::KalshiClient;
use crossbook_kalshi::http::client::has_more;
use crossbook_kalshi::http::models::{KalshiEvent, KalshiMarket, KalshiSeries};
use crossbook_kalshi::http::parse::{fee_schedule, parse_event, parse_market};
use crossbook_model::{Event, Topic, Venue};
use crossbook_net::decode;
use crossbook_store::Store;
use crossbook_taxonomy::classify::classify_kalshi_market;
use crossbook_taxonomy::classify_kalshi_event;
use serde_json::value::RawValue;
use tokio::sync::mpsc;

use super::{Batch, IngestOptions, IngestReport, Mode, Progress, SharedTally, decode_item, lock, run_pass};

/// Kalshi categories of a topic.
fn categories(topic: Topic) -> &'static [&'static str] {
    match topic {
        Topic::Sports => &["Sports"],
        Topic::Politics => &["Politics", "Elections", "World"],
        Topic::Economics => &["Economics", "Financials", "Companies"],
        Topic::Crypto => &["Crypto"],
        Topic::Other => &[],
    }
}

/// One pass over Kalshi.
pub async fn ingest_kalshi(
    store: Arc<dyn Store>,
    client: &KalshiClient,
    opts: &IngestOptions,
    progress: Arc<dyn Progress>,
) -> anyhow::Result<IngestReport> {
    let client = client.clone();
    let o = opts.clone();
    run_pass(store, Venue::Kalshi, opts, progress, move |tx, tally| async move {
        let series = list_series(&client, &o, &tally).await?;
        let queue = Arc::new(Mutex::new(series.into_iter().collect::<VecDeque<_>>()));
        let mut workers = tokio::task::JoinSet::new();
        for _ in 0..o.concurrency.max(1) {
            let (client, o, tx, tally, queue) = (client.clone(), o.clone(), tx.clone(), tally.clone(), queue.clone());
            workers.spawn(async move {
                loop {
                    let Some(s) = queue.lock().unwrap_or_else(|p| p.into_inner()).pop_front() else { break };
                    let result = match o.mode {
                        Mode::Split => series_events(&client, &o, &s, &tx, &tally).await,
                        Mode::Full => series_markets(&client, &o, &s, &tx, &tally).await,
                    };
                    if let Err(e) = result {
                        tracing::warn!(venue = "kalshi", series = %s.ticker, error = %e, "series skipped");
                        lock(&tally).errors += 1;
                    }
                }
            });
        }
        drop(tx);
        while workers.join_next().await.is_some() {}
        Ok(())
    })
    .await
}

/// `crossbook events sync -v kalshi`: the events (without markets) of the wanted topics' series.
/// With `non_mve`, an event the taxonomy flags as multivariate is left out (GET /events already
/// hides them; this checks each one anyway).
pub async fn sync_kalshi_events(
    store: &dyn Store,
    client: &KalshiClient,
    opts: &IngestOptions,
    non_mve: bool,
) -> anyhow::Result<(u64, u64)> {
    let tally: SharedTally = Arc::default();
    let now = opts.clock.now();
    let (mut stored, mut skipped_mve) = (0, 0);
    for series in list_series(client, opts, &tally).await? {
        let q = crossbook_kalshi::EventsQuery {
            series_ticker: Some(series.ticker.clone()),
            status: Some("open"),
            with_nested_markets: false,
            limit: 200,
        };
        let mut cursor: Option<String> = None;
        let mut guard = super::PageGuard::new(format!("kalshi /events?series_ticker={}", series.ticker));
        loop {
            guard.next(cursor.as_deref().unwrap_or(""))?;
            let page = client.events_page(&q, cursor.as_deref()).await?;
            let mut events = Vec::new();
            for (i, raw) in page.events.iter().flatten().enumerate() {
                let Some((wire, value)) = decode_item::<KalshiEvent>("kalshi", raw, &format!("events[{i}]"), &tally)
                else {
                    continue;
                };
                let Ok(mut e) = parse_event(&wire, value) else { continue };
                classify_kalshi_event(&mut e, &[]);
                if (non_mve || opts.exclude_mve) && e.is_mve {
                    skipped_mve += 1;
                } else {
                    events.push(e);
                }
            }
            stored += store.upsert_events(&events, now).await?;
            if !has_more(&page.cursor) {
                break;
            }
            cursor = page.cursor;
        }
    }
    Ok((stored, skipped_mve))
}

/// The series of the wanted topics, MVE series left out when excluded.
async fn list_series(
    client: &KalshiClient,
    o: &IngestOptions,
    tally: &SharedTally,
) -> anyhow::Result<Vec<KalshiSeries>> {
    let mut out: Vec<KalshiSeries> = Vec::new();
    for topic in &o.topics {
        for category in categories(*topic) {
            let list = client.series(Some(category)).await?;
            for (i, raw) in list.series.unwrap_or_default().iter().enumerate() {
                match decode::<KalshiSeries>("kalshi", "/series", raw.get().as_bytes()) {
                    Ok(s) if o.exclude_mve && s.ticker.starts_with("KXMVE") => {}
                    Ok(s) if out.iter().all(|x| x.ticker != s.ticker) => out.push(s),
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(venue = "kalshi", path = %format!("series[{i}]"), error = %e, "malformed series skipped");
                        lock(tally).skip("malformed_series");
                    }
                }
            }
        }
    }
    Ok(out)
}

/// Split mode: events with nested markets, page by page.
async fn series_events(
    client: &KalshiClient,
    o: &IngestOptions,
    series: &KalshiSeries,
    tx: &mpsc::Sender<Batch>,
    tally: &SharedTally,
) -> anyhow::Result<()> {
    let q = crossbook_kalshi::EventsQuery {
        series_ticker: Some(series.ticker.clone()),
        status: Some("open"),
        with_nested_markets: true,
        limit: 200,
    };
    let mut cursor: Option<String> = None;
    let mut guard = super::PageGuard::new(format!("kalshi /events?series_ticker={}", series.ticker));
    loop {
        guard.next(cursor.as_deref().unwrap_or(""))?;
        let page = client.events_page(&q, cursor.as_deref()).await?;
        lock(tally).pages += 1;
        let mut batch = Batch::default();
        for (i, raw) in page.events.iter().flatten().enumerate() {
            let Some((wire, mut raw_event)) = decode_item::<KalshiEvent>("kalshi", raw, &format!("events[{i}]"), tally)
            else {
                continue;
            };
            if let Some(obj) = raw_event.as_object_mut() {
                obj.remove("markets");
            }
            let mut event = match parse_event(&wire, raw_event) {
                Ok(e) => e,
                Err(e) => {
                    tracing::warn!(venue = "kalshi", path = %format!("events[{i}].{}", e.field), error = %e, "malformed event skipped");
                    lock(tally).skip("malformed");
                    continue;
                }
            };
            let tickers = nested_tickers(wire.markets.iter().flatten());
            classify_kalshi_event(&mut event, &tickers.iter().map(String::as_str).collect::<Vec<_>>());
            let fees = fee_schedule(Some(series), Some(&wire));
            for (j, m) in wire.markets.iter().flatten().enumerate() {
                lock(tally).fetched += 1;
                let path = format!("events[{i}].markets[{j}]");
                if let Some(market) = market(m, &path, fees, Some(&event), o, tally) {
                    batch.markets.push(market);
                }
            }
            if !(o.exclude_mve && event.is_mve) && o.wants(event.topic) {
                batch.events.push(event);
            }
        }
        if tx.send(batch).await.is_err() {
            anyhow::bail!("ingestion writer stopped");
        }
        if !has_more(&page.cursor) {
            return Ok(());
        }
        cursor = page.cursor;
    }
}

/// Full mode: the series' markets, flat.
async fn series_markets(
    client: &KalshiClient,
    o: &IngestOptions,
    series: &KalshiSeries,
    tx: &mpsc::Sender<Batch>,
    tally: &SharedTally,
) -> anyhow::Result<()> {
    let q = crossbook_kalshi::MarketsQuery {
        series_ticker: Some(series.ticker.clone()),
        status: Some("open"),
        mve_filter: o.exclude_mve.then_some("exclude"),
        limit: 1000,
        ..Default::default()
    };
    let fees = fee_schedule(Some(series), None);
    let mut cursor: Option<String> = None;
    let mut guard = super::PageGuard::new(format!("kalshi /markets?series_ticker={}", series.ticker));
    loop {
        guard.next(cursor.as_deref().unwrap_or(""))?;
        let page = client.markets_page(&q, cursor.as_deref()).await?;
        lock(tally).pages += 1;
        let mut batch = Batch::default();
        for (j, m) in page.markets.iter().flatten().enumerate() {
            lock(tally).fetched += 1;
            if let Some(market) = market(m, &format!("markets[{j}]"), fees, None, o, tally) {
                batch.markets.push(market);
            }
        }
        if tx.send(batch).await.is_err() {
            anyhow::bail!("ingestion writer stopped");
        }
        if !has_more(&page.cursor) {
            return Ok(());
        }
        cursor = page.cursor;
    }
}

/// The tickers of an event's nested markets (its sides' codes end them); a market without one
/// is left to the market pass, which counts it.
fn nested_tickers<'a>(markets: impl Iterator<Item = &'a Box<RawValue>>) -> Vec<String> {
    #[derive(serde::Deserialize)]
    struct Ticker {
        ticker: String,
    }
    markets.filter_map(|m| serde_json::from_str::<Ticker>(m.get()).ok()).map(|t| t.ticker).collect()
}

/// One market: decoded, parsed, classified, and kept unless MVE or off-topic.
fn market(
    raw: &RawValue,
    path: &str,
    fees: crossbook_model::FeeSchedule,
    event: Option<&Event>,
    o: &IngestOptions,
    tally: &SharedTally,
) -> Option<crossbook_model::Market> {
    let (wire, value) = decode_item::<KalshiMarket>("kalshi", raw, path, tally)?;
    let mut m = match parse_market(&wire, value, fees) {
        Ok(m) => m,
        Err(e) => {
            // An unsupported type is the venue's other product, not a broken payload.
            let reason = if e.field == "market_type" { "unsupported" } else { "malformed" };
            tracing::warn!(venue = "kalshi", id = %wire.ticker, path = %format!("{path}.{}", e.field), error = %e, "{reason} market skipped");
            lock(tally).skip(reason);
            return None;
        }
    };
    classify_kalshi_market(&mut m, event);
    if o.exclude_mve && m.is_mve {
        lock(tally).skip("mve");
        return None;
    }
    if !o.wants(m.topic) {
        lock(tally).skip("topic");
        return None;
    }
    Some(m)
}
