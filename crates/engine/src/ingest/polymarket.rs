//! Polymarket passes. Split: the league tags of `GET /sports`, then `GET /events/keyset?tag_id=…&closed=false`
//! (events with nested markets) per league. Full: `GET /markets/keyset?tag_id=1&closed=false`
//! (every sports market, flat). Non-sports topics, when asked for, come from an untagged event
//! scan. Keyset paging is Gamma's way since the offset listings stopped at about 2,000; where a
//! venue refuses keyset on the first page, the scan pages by offset instead (bounded as every
//! scan is: a cursor or offset asked twice, or too many pages, ends it with an error).

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};

use crossbook_model::{Event, League, Topic, Venue};
use crossbook_net::{NetError, decode};
use crossbook_polymarket::GammaClient;
use crossbook_polymarket::gamma::client::{Listing, MAX_PAGE};
use crossbook_polymarket::gamma::models::{GammaEvent, GammaMarket, GammaSport};
use crossbook_polymarket::gamma::parse::{parse_event, parse_market};
use crossbook_store::Store;
use crossbook_taxonomy::classify::classify_poly_market;
use crossbook_taxonomy::leagues::POLY_GENERIC_TAGS;
use crossbook_taxonomy::{classify_poly_event, poly_sport_league};
use tokio::sync::mpsc;

use super::{Batch, IngestOptions, IngestReport, Mode, Progress, SharedTally, decode_item, lock, run_pass};

/// Gamma's Sports tag.
const SPORTS_TAG: &str = "1";

/// What one fetcher scans: a league's tag, or everything (for non-sports topics).
#[derive(Debug, Clone)]
struct Scan {
    tag: Option<String>,
    league: Option<League>,
}

/// One pass over Polymarket.
pub async fn ingest_polymarket(
    store: Arc<dyn Store>,
    client: &GammaClient,
    opts: &IngestOptions,
    progress: Arc<dyn Progress>,
) -> anyhow::Result<IngestReport> {
    let client = client.clone();
    let o = opts.clone();
    run_pass(store, Venue::Polymarket, opts, progress, move |tx, tally| async move {
        let mut scans = Vec::new();
        if o.wants(Topic::Sports) {
            match o.mode {
                Mode::Split => scans.extend(league_scans(&client, &tally).await?),
                Mode::Full => scans.push(Scan { tag: Some(SPORTS_TAG.into()), league: None }),
            }
        }
        if o.topics.iter().any(|t| *t != Topic::Sports) {
            scans.push(Scan { tag: None, league: None });
        }
        let seen: Arc<Mutex<HashSet<String>>> = Arc::default();
        let queue = Arc::new(Mutex::new(scans.into_iter().collect::<VecDeque<_>>()));
        let mut workers = tokio::task::JoinSet::new();
        for _ in 0..o.concurrency.max(1) {
            let (client, o, tx, tally, queue, seen) =
                (client.clone(), o.clone(), tx.clone(), tally.clone(), queue.clone(), seen.clone());
            workers.spawn(async move {
                loop {
                    let Some(scan) = queue.lock().unwrap_or_else(|p| p.into_inner()).pop_front() else { break };
                    let result = match o.mode {
                        Mode::Split => scan_events(&client, &o, &scan, &tx, &tally, &seen).await,
                        Mode::Full => scan_markets(&client, &o, &scan, &tx, &tally, &seen).await,
                    };
                    if let Err(e) = result {
                        tracing::warn!(venue = "polymarket", tag = ?scan.tag, error = %e, "scan stopped");
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

/// One scan per sport of `GET /sports` with a tag of its own, whether or not the catalogue
/// knows the league (an unknown one is stored with its league unknown and shows in the report
/// of unmatched leagues); and, when some sport has no tag of its own, one scan of the Sports tag
/// for what those scans miss (events already seen are skipped).
async fn league_scans(client: &GammaClient, tally: &SharedTally) -> anyhow::Result<Vec<Scan>> {
    let mut scans: Vec<Scan> = Vec::new();
    let mut untagged = false;
    for (i, raw) in client.sports().await?.iter().enumerate() {
        let sport = match decode::<GammaSport>("polymarket", "/sports", raw.get().as_bytes()) {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(venue = "polymarket", path = %format!("[{i}]"), error = %e, "malformed sport skipped");
                lock(tally).skip("malformed_sport");
                continue;
            }
        };
        let league = poly_sport_league(&sport.sport);
        let Some(tag) = sport.tag_ids().into_iter().find(|t| !POLY_GENERIC_TAGS.contains(&t.as_str())) else {
            untagged = true;
            continue;
        };
        if scans.iter().all(|s| s.tag.as_deref() != Some(tag.as_str())) {
            scans.push(Scan { tag: Some(tag), league });
        }
    }
    if untagged {
        scans.push(Scan { tag: Some(SPORTS_TAG.into()), league: None });
    }
    Ok(scans)
}

/// Where a scan is in its listing.
#[derive(Debug)]
enum Position {
    /// Keyset paging: the cursor of the next page (none: the first).
    Keyset { cursor: Option<String>, first: bool },
    /// Offset paging, where the venue refused keyset.
    Offset(u32),
}

/// The pages of one listing (`GET /events` or `GET /markets`, one tag, open only), keyset
/// first.
struct Pager<'a> {
    client: &'a GammaClient,
    listing: Listing,
    tag: Option<&'a str>,
    position: Position,
    guard: super::PageGuard,
    done: bool,
}

impl<'a> Pager<'a> {
    fn new(client: &'a GammaClient, listing: Listing, tag: Option<&'a str>) -> Self {
        Self {
            client,
            listing,
            tag,
            position: Position::Keyset { cursor: None, first: true },
            guard: super::PageGuard::new(format!("polymarket {}/keyset?tag_id={}", listing.path(), tag.unwrap_or(""))),
            done: false,
        }
    }

    /// The next page, or `None` after the last.
    async fn next(&mut self) -> anyhow::Result<Option<Vec<Box<serde_json::value::RawValue>>>> {
        loop {
            if self.done {
                return Ok(None);
            }
            match &mut self.position {
                Position::Keyset { cursor, first } => {
                    self.guard.next(cursor.as_deref().unwrap_or(""))?;
                    match self.client.keyset_page(self.listing, self.tag, Some(false), cursor.as_deref()).await {
                        Ok(page) => {
                            *first = false;
                            match page.next_cursor.filter(|c| !c.is_empty()) {
                                Some(c) => *cursor = Some(c),
                                None => self.done = true,
                            }
                            return Ok(Some(page.events.unwrap_or_default()));
                        }
                        // A venue without the keyset listing: page by offset.
                        Err(NetError::Rejected { status: 400 | 404 | 405 | 410 | 422, body, .. }) if *first => {
                            tracing::warn!(venue = "polymarket", path = %format!("{}/keyset", self.listing.path()), %body, "keyset paging refused; paging by offset");
                            self.position = Position::Offset(0);
                            self.guard = super::PageGuard::new(format!(
                                "polymarket {}?tag_id={}",
                                self.listing.path(),
                                self.tag.unwrap_or("")
                            ));
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
                Position::Offset(offset) => {
                    self.guard.next(&offset.to_string())?;
                    let page = match self.listing {
                        Listing::Events => self.client.events_page(self.tag, Some(false), MAX_PAGE, *offset).await?,
                        Listing::Markets => self.client.markets_page(self.tag, Some(false), MAX_PAGE, *offset).await?,
                    };
                    let n = page.len() as u32;
                    if n < MAX_PAGE {
                        self.done = true;
                    }
                    *offset += n;
                    return Ok(Some(page));
                }
            }
        }
    }
}

/// Split mode: events with nested markets, page by page.
async fn scan_events(
    client: &GammaClient,
    o: &IngestOptions,
    scan: &Scan,
    tx: &mpsc::Sender<Batch>,
    tally: &SharedTally,
    seen: &Mutex<HashSet<String>>,
) -> anyhow::Result<()> {
    let mut pages = Pager::new(client, Listing::Events, scan.tag.as_deref());
    while let Some(page) = pages.next().await? {
        lock(tally).pages += 1;
        let mut batch = Batch::default();
        for (i, raw) in page.iter().enumerate() {
            let Some((wire, mut raw_event)) = decode_item::<GammaEvent>("polymarket", raw, &format!("[{i}]"), tally)
            else {
                continue;
            };
            if !seen.lock().unwrap_or_else(|p| p.into_inner()).insert(wire.id.clone()) {
                continue;
            }
            if let Some(obj) = raw_event.as_object_mut() {
                obj.remove("markets");
            }
            let mut event = match parse_event(&wire, raw_event) {
                Ok(e) => e,
                Err(e) => {
                    tracing::warn!(venue = "polymarket", id = %wire.id, path = %format!("[{i}].{}", e.field), error = %e, "malformed event skipped");
                    lock(tally).skip("malformed");
                    continue;
                }
            };
            classify_poly_event(&mut event, scan.league);
            for (j, m) in wire.markets.iter().flatten().enumerate() {
                lock(tally).fetched += 1;
                if let Some(market) = market(m, &format!("[{i}].markets[{j}]"), &event, o, tally) {
                    batch.markets.push(market);
                }
            }
            if o.wants(event.topic) {
                batch.events.push(event);
            }
        }
        if tx.send(batch).await.is_err() {
            anyhow::bail!("ingestion writer stopped");
        }
    }
    Ok(())
}

/// Full mode: markets, flat; each names its event.
async fn scan_markets(
    client: &GammaClient,
    o: &IngestOptions,
    scan: &Scan,
    tx: &mpsc::Sender<Batch>,
    tally: &SharedTally,
    seen: &Mutex<HashSet<String>>,
) -> anyhow::Result<()> {
    let mut pages = Pager::new(client, Listing::Markets, scan.tag.as_deref());
    while let Some(page) = pages.next().await? {
        lock(tally).pages += 1;
        let mut batch = Batch::default();
        for (j, raw) in page.iter().enumerate() {
            lock(tally).fetched += 1;
            // The market's own event reference stands in for the event.
            let value: serde_json::Value = serde_json::from_str(raw.get()).unwrap_or_default();
            let event_raw = value.get("events").and_then(|e| e.get(0)).cloned().unwrap_or_default();
            let Some(event_id) = event_raw.get("id").and_then(|v| v.as_str()).map(str::to_string) else {
                tracing::warn!(venue = "polymarket", path = %format!("[{j}].events"), "market without event skipped");
                lock(tally).skip("malformed");
                continue;
            };
            if !seen.lock().unwrap_or_else(|p| p.into_inner()).insert(format!("m{}", value["id"])) {
                continue;
            }
            let mut event = Event {
                venue: Venue::Polymarket,
                id: event_id,
                series: None,
                title: event_raw.get("title").and_then(|v| v.as_str()).unwrap_or_default().to_string(),
                topic: Topic::Other,
                league: None,
                participants: Vec::new(),
                starts_at: None,
                is_mve: false,
                status: crossbook_model::MarketStatus::Open,
                raw: event_raw,
            };
            classify_poly_event(&mut event, scan.league);
            if scan.tag.as_deref() == Some(SPORTS_TAG) {
                event.topic = Topic::Sports;
            }
            if let Some(market) = market(raw, &format!("[{j}]"), &event, o, tally) {
                batch.markets.push(market);
            }
        }
        if tx.send(batch).await.is_err() {
            anyhow::bail!("ingestion writer stopped");
        }
    }
    Ok(())
}

/// One market: decoded, parsed, classified, and kept when on-topic.
fn market(
    raw: &serde_json::value::RawValue,
    path: &str,
    event: &Event,
    o: &IngestOptions,
    tally: &SharedTally,
) -> Option<crossbook_model::Market> {
    let (wire, value) = decode_item::<GammaMarket>("polymarket", raw, path, tally)?;
    let mut m = match parse_market(&wire, Some(&event.id), value, o.clock.now()) {
        Ok(m) => m,
        Err(e) => {
            tracing::warn!(venue = "polymarket", id = %wire.id, path = %format!("{path}.{}", e.field), error = %e, "malformed market skipped");
            lock(tally).skip("malformed");
            return None;
        }
    };
    classify_poly_market(&mut m, Some(event));
    if !o.wants(m.topic) {
        lock(tally).skip("topic");
        return None;
    }
    Some(m)
}
