//! Ingestion: one pass over a venue, storing what it lists. Sports (and MVE exclusion) are
//! selected in the requests themselves; every item is still checked. A malformed item is logged
//! with the venue and its JSON path, counted, and skipped; the rest of the batch goes on. Items
//! flow from the fetchers to one writer task, so fetching and storing overlap.

/// Kalshi passes.
mod kalshi;
/// Polymarket passes.
mod polymarket;
/// Polymarket US passes.
mod polymarket_us;

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use crossbook_model::{Event, Market, Topic, Venue};
use crossbook_store::{RunStatus, RunSummary, Store};
use tokio::sync::mpsc;

use crate::Clock;

pub use kalshi::{ingest_kalshi, sync_kalshi_events};
pub use polymarket::ingest_polymarket;
pub use polymarket_us::ingest_polymarket_us;

/// One pass over `venue`, by its adapter's scan.
pub async fn ingest_venue(
    store: Arc<dyn Store>,
    venues: &crate::Venues,
    venue: Venue,
    opts: &IngestOptions,
    progress: Arc<dyn Progress>,
) -> anyhow::Result<IngestReport> {
    match venue {
        Venue::Kalshi => ingest_kalshi(store, &venues.kalshi, opts, progress).await,
        Venue::Polymarket => ingest_polymarket(store, &venues.gamma, opts, progress).await,
        Venue::PolymarketUs => ingest_polymarket_us(store, &venues.polymarket_us, opts, progress).await,
    }
}

/// Split: events first, then their markets. Full: a flat market scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Split,
    Full,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Split => "split",
            Mode::Full => "full",
        }
    }
}

/// What a pass asks for.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    pub mode: Mode,
    /// Topics to fetch (sports alone in sports-only mode).
    pub topics: Vec<Topic>,
    pub exclude_mve: bool,
    pub clock: Clock,
    /// Fetchers working at once per venue.
    pub concurrency: usize,
}

impl IngestOptions {
    fn wants(&self, topic: Topic) -> bool {
        self.topics.contains(&topic)
    }

    /// The scope in which unseen markets get closed: only what this pass could have seen.
    fn close_scope(&self) -> Option<Topic> {
        if self.topics == [Topic::Sports] { Some(Topic::Sports) } else { None }
    }
}

/// Where progress goes (a bar on a terminal, log lines otherwise).
pub trait Progress: Send + Sync {
    fn update(&self, venue: Venue, pages: u64, fetched: u64, stored: u64);
}

/// Progress as log lines.
#[derive(Debug, Default)]
pub struct LogProgress;

impl Progress for LogProgress {
    fn update(&self, venue: Venue, pages: u64, fetched: u64, stored: u64) {
        tracing::debug!(venue = venue.as_str(), pages, fetched, stored, "ingesting");
    }
}

/// The outcome of one pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestReport {
    pub venue: Venue,
    pub pages: u64,
    /// Markets received from the venue.
    pub fetched: u64,
    /// Markets written.
    pub stored: u64,
    /// Markets left out, by reason (`mve`, `malformed`, `topic`).
    pub skipped: BTreeMap<String, u64>,
    /// Pages or requests that failed after their retries.
    pub errors: u64,
    /// Stored markets marked closed because the venue no longer lists them.
    pub closed: u64,
    pub status: RunStatus,
}

/// A batch from a fetcher to the writer.
#[derive(Debug, Default)]
struct Batch {
    events: Vec<Event>,
    markets: Vec<Market>,
}

/// Counts shared by the fetchers of one pass.
#[derive(Debug, Default)]
struct Tally {
    pages: u64,
    fetched: u64,
    skipped: BTreeMap<String, u64>,
    errors: u64,
}

impl Tally {
    fn skip(&mut self, reason: &str) {
        *self.skipped.entry(reason.to_string()).or_default() += 1;
    }
}

type SharedTally = Arc<std::sync::Mutex<Tally>>;

fn lock(t: &SharedTally) -> std::sync::MutexGuard<'_, Tally> {
    t.lock().unwrap_or_else(|p| p.into_inner())
}

/// Decodes one raw item of a page (`path` says where it is), keeping its verbatim JSON; a
/// malformed one is logged with the venue and JSON path, counted, and skipped.
fn decode_item<T: serde::de::DeserializeOwned>(
    venue: &'static str,
    raw: &serde_json::value::RawValue,
    path: &str,
    tally: &SharedTally,
) -> Option<(T, serde_json::Value)> {
    match crossbook_net::decode::<T>(venue, path, raw.get().as_bytes()) {
        Ok(t) => Some((t, serde_json::from_str(raw.get()).unwrap_or(serde_json::Value::Null))),
        Err(e) => {
            tracing::warn!(venue, path, error = %e, "malformed item skipped");
            lock(tally).skip("malformed");
            None
        }
    }
}

/// Runs one pass: records the run, starts the writer, runs `fetch`, closes what vanished.
async fn run_pass<F, Fut>(
    store: Arc<dyn Store>,
    venue: Venue,
    opts: &IngestOptions,
    progress: Arc<dyn Progress>,
    fetch: F,
) -> anyhow::Result<IngestReport>
where
    F: FnOnce(mpsc::Sender<Batch>, SharedTally) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    // The run's instant: every row it stores gets it as `last_seen`.
    let now = opts.clock.now();
    let run_id = store.start_ingestion_run(venue, opts.mode.as_str(), now).await?;
    let tally: SharedTally = Arc::default();
    let (tx, mut rx) = mpsc::channel::<Batch>(16);
    let writer = {
        let (store, tally, progress) = (store.clone(), tally.clone(), progress.clone());
        tokio::spawn(async move {
            let mut stored = 0u64;
            while let Some(mut batch) = rx.recv().await {
                // One page naming a market twice is the venue's error: the first stays, the
                // repeat is a skipped item with its reason.
                let mut ids = HashSet::new();
                let before = batch.markets.len();
                batch.markets.retain(|m| {
                    let fresh = ids.insert(m.id().to_string());
                    if !fresh {
                        tracing::warn!(venue = %venue, market = m.id(), "a page lists this market twice; the repeat is skipped");
                    }
                    fresh
                });
                if batch.markets.len() < before {
                    *lock(&tally).skipped.entry("duplicate".into()).or_default() +=
                        (before - batch.markets.len()) as u64;
                }
                if !batch.events.is_empty() {
                    store.upsert_events(&batch.events, now).await?;
                }
                if !batch.markets.is_empty() {
                    stored += store.upsert_markets(&batch.markets, now).await?;
                }
                let t = lock(&tally);
                progress.update(venue, t.pages, t.fetched, stored);
            }
            Ok::<u64, crossbook_store::StoreError>(stored)
        })
    };
    let fetched = fetch(tx, tally.clone()).await;
    let stored = writer.await.map_err(|e| anyhow::anyhow!("ingestion writer: {e}"))?;
    let t = std::mem::take(&mut *lock(&tally));
    let (status, message, stored) = match (&fetched, stored) {
        (Err(e), s) => (RunStatus::Failed, Some(format!("{e:#}")), s.unwrap_or(0)),
        (Ok(()), Err(e)) => (RunStatus::Failed, Some(format!("storing: {e}")), 0),
        // Nothing came back but errors: the venue is failing, not partly read.
        (Ok(()), Ok(s)) if t.errors > 0 && t.fetched == 0 => {
            (RunStatus::Failed, Some(format!("every request failed ({} errors)", t.errors)), s)
        }
        (Ok(()), Ok(s)) if t.errors > 0 || t.skipped.contains_key("malformed") => (RunStatus::Partial, None, s),
        (Ok(()), Ok(s)) => (RunStatus::Ok, None, s),
    };
    // Only a complete pass may conclude that a market is gone.
    let closed = if status == RunStatus::Ok && t.errors == 0 {
        store.close_unseen_markets(venue, opts.close_scope(), now, now).await?
    } else {
        0
    };
    let summary = RunSummary {
        finished_at: opts.clock.now(),
        status,
        fetched: t.fetched,
        stored,
        skipped: t.skipped.clone(),
        errors: t.errors,
        message: message.clone(),
    };
    store.finish_ingestion_run(run_id, &summary).await?;
    fetched?;
    Ok(IngestReport {
        venue,
        pages: t.pages,
        fetched: t.fetched,
        stored,
        skipped: t.skipped,
        errors: t.errors,
        closed,
        status,
    })
}

/// Pages one scan may take: far above any real listing (the largest sports scan is a few
/// hundred pages), low enough that a venue paging forever is stopped.
pub const MAX_PAGES: usize = 5_000;

/// Bounds one pagination loop: a cursor (or offset) seen before, or more than [`MAX_PAGES`]
/// pages, ends the scan with an error naming the venue and the path instead of looping forever.
#[derive(Debug)]
pub struct PageGuard {
    what: String,
    seen: HashSet<String>,
}

impl PageGuard {
    pub fn new(what: impl Into<String>) -> Self {
        Self { what: what.into(), seen: HashSet::new() }
    }

    /// Before asking for the page at `position` (a cursor, or an offset).
    pub fn next(&mut self, position: &str) -> anyhow::Result<()> {
        if !self.seen.insert(position.to_string()) {
            anyhow::bail!("{}: the venue sent page {position:?} again; the scan stops", self.what);
        }
        if self.seen.len() > MAX_PAGES {
            anyhow::bail!("{}: more than {MAX_PAGES} pages; the scan stops", self.what);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_asked_twice_or_too_many_pages_end_the_scan() {
        let mut g = PageGuard::new("kalshi /markets?series_ticker=KXNBAGAME");
        g.next("").unwrap();
        g.next("abc").unwrap();
        let e = g.next("abc").unwrap_err().to_string();
        assert!(e.contains("kalshi /markets?series_ticker=KXNBAGAME") && e.contains("again"), "{e}");
        let mut g = PageGuard::new("polymarket /markets?tag_id=1");
        for offset in 0..MAX_PAGES {
            g.next(&(offset * 500).to_string()).unwrap();
        }
        assert!(g.next("x").unwrap_err().to_string().contains("more than"));
    }
}
