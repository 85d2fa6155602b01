//! The database behind the decisions: one task writes opportunity, book and alert records in
//! batches while detection runs in memory. Repeated updates of one opportunity coalesce, books
//! keep their newest snapshot; the queue is bounded and its depth measured. When the database
//! is down, writes wait and are retried (the queue goes on filling and coalescing), so nothing
//! is lost unless the queue overflows — then each dropped write is counted, logged and shown in
//! health. Decisions never wait for a write. With a [`Spool`], what the writer holds is also
//! in a local file before it is applied: a process killed while the database is away loses none
//! of it, and the next one writes it first.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use crossbook_model::{LinkId, Opportunity};
use crossbook_store::{AlertRecord, BookSnapshot, Store};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::gauge::Gauge;
use tokio::sync::{mpsc, oneshot};

use crate::spool::{Entry, Spool, SpoolStats};

/// Writes queued before the writer refuses more (each dropped one is counted).
pub const QUEUE: usize = 65_536;
/// Writes applied in one batch at most.
const BATCH: usize = 4_096;
/// How long a batch stays open for more writes after its first: repeated updates of an
/// opportunity merge, and the database work runs after the burst of decisions (and alert
/// deliveries) that caused it, not in the middle of it.
const LINGER: Duration = Duration::from_millis(20);

/// One record to write.
#[derive(Debug)]
pub enum Write {
    /// An opportunity is (still) open: opened at `first_seen`, seen at `last_seen`.
    Opportunity { o: Box<Opportunity>, direction: &'static str, first_seen: DateTime<Utc>, last_seen: DateTime<Utc> },
    /// An opportunity read back from the spool: it may be written already (and closed since).
    ReplayedOpportunity {
        o: Box<Opportunity>,
        direction: &'static str,
        first_seen: DateTime<Utc>,
        last_seen: DateTime<Utc>,
    },
    /// The open opportunities of a link (of one direction, or all) closed at `at`.
    CloseLink { link: LinkId, direction: Option<&'static str>, at: DateTime<Utc> },
    /// Open opportunities not seen since `seen_since` closed at `at`.
    CloseUnseen { seen_since: DateTime<Utc>, at: DateTime<Utc> },
    /// A market's tradability as a venue's socket announced it.
    MarketState { venue: crossbook_model::Venue, market: String, state: crossbook_model::MarketState },
    /// Books' newest snapshots.
    Books(Vec<BookSnapshot>),
    /// Points of the links' price and edge charts.
    Samples(Vec<crossbook_store::QuoteSample>),
    /// An alert raised (its delivery already under way); `about` names the opportunity's link
    /// and direction, whose row id the writer fills in. `uid` names it to later outcomes.
    Alert { uid: u64, record: Box<AlertRecord>, about: Option<(LinkId, &'static str)> },
    /// The delivery outcome of alert `uid`.
    AlertOutcome {
        uid: u64,
        status: &'static str,
        attempts: i64,
        error: Option<String>,
        sent_at: Option<DateTime<Utc>>,
    },
    /// A trade taken (paper or live) with its fills: written again as it progresses.
    Trade(Box<crossbook_model::Trade>),
    /// Answered once everything queued before it is written.
    Flush(oneshot::Sender<()>),
}

/// What the writer reports (health and metrics read it).
#[derive(Debug, Default)]
pub struct WriterStats {
    /// Writes queued and not yet applied.
    pub depth: Gauge,
    /// Writes refused because the queue was full.
    pub dropped: Counter,
    /// Records written.
    pub written: Counter,
    /// Batches the database refused (each is retried).
    pub failures: Counter,
    /// Whether the last attempt failed (writes are waiting).
    pub behind: AtomicBool,
    /// Since when writes have been failing, Unix milliseconds (0: not failing).
    pub failing_since: AtomicI64,
    /// The spool's figures, when the writer has one.
    pub spool: Option<Arc<SpoolStats>>,
}

/// A handle on the writer task; cheap to clone.
#[derive(Debug, Clone)]
pub struct Writer {
    tx: mpsc::Sender<Write>,
    pub stats: Arc<WriterStats>,
}

impl Writer {
    /// Starts the writer task over `store`.
    pub fn start(store: Arc<dyn Store>) -> Self {
        Self::with_capacity(store, QUEUE)
    }

    pub fn with_capacity(store: Arc<dyn Store>, capacity: usize) -> Self {
        Self::spawn(store, capacity, None, Vec::new())
    }

    /// Starts the writer task over `store` with its spool: the writes `replay` read back from
    /// it are written first.
    pub fn spooled(store: Arc<dyn Store>, spool: Spool, replay: Vec<Entry>) -> Self {
        Self::spawn(store, QUEUE, Some(spool), replay)
    }

    fn spawn(store: Arc<dyn Store>, capacity: usize, spool: Option<Spool>, replay: Vec<Entry>) -> Self {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        let stats = Arc::new(WriterStats { spool: spool.as_ref().map(|s| s.stats.clone()), ..Default::default() });
        let mut held = Held { spool, ..Default::default() };
        let unknown = undelivered(&replay, &mut held.next_replay_uid);
        for w in replay.into_iter().flat_map(|e| replayed(e, &mut held.next_replay_uid)).chain(unknown) {
            if let Write::Alert { uid, record, .. } = &w {
                held.alerts.insert(*uid, (**record).clone());
            }
            held.pending.push(w);
        }
        if held.pending.taken > 0 {
            tracing::info!(writes = held.pending.taken, "writes read back from the spool: written first");
        }
        stats.depth.inc_by(held.pending.taken);
        tokio::spawn(run(store, rx, stats.clone(), held));
        Self { tx, stats }
    }

    /// Queues a write without waiting; a full queue drops it, counted and logged (a trade
    /// waits for room instead).
    pub fn send(&self, w: Write) {
        match self.tx.try_send(w) {
            Ok(()) => {
                self.stats.depth.inc();
            }
            // A trade is money: never dropped; it waits for room instead.
            Err(mpsc::error::TrySendError::Full(w @ Write::Trade(_))) => {
                self.stats.depth.inc();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let _ = tx.send(w).await;
                });
            }
            Err(mpsc::error::TrySendError::Full(w)) => {
                let n = self.stats.dropped.inc() + 1;
                if n.is_power_of_two() {
                    tracing::warn!(dropped = n, write = kind(&w), "writer queue full: write dropped");
                }
            }
            Err(mpsc::error::TrySendError::Closed(_)) => {
                self.stats.dropped.inc();
            }
        }
    }

    /// Waits until everything queued so far is written (one-shot commands end with it).
    pub async fn flush(&self) {
        let (tx, rx) = oneshot::channel();
        if self.tx.send(Write::Flush(tx)).await.is_ok() {
            let _ = rx.await;
        }
    }
}

fn kind(w: &Write) -> &'static str {
    match w {
        Write::Opportunity { .. } | Write::ReplayedOpportunity { .. } => "opportunity",
        Write::CloseLink { .. } | Write::CloseUnseen { .. } => "close",
        Write::MarketState { .. } => "market_state",
        Write::Books(_) => "books",
        Write::Samples(_) => "samples",
        Write::Alert { .. } => "alert",
        Write::AlertOutcome { .. } => "alert_outcome",
        Write::Trade(_) => "trade",
        Write::Flush(_) => "flush",
    }
}

/// Chart points held while the database is away, at most.
const MAX_PENDING_SAMPLES: usize = 50_000;

/// Writes waiting to be applied, in order, repeated updates of one opportunity merged.
#[derive(Debug, Default)]
struct Pending {
    ops: Vec<Write>,
    /// Index in `ops` of the last write about each link (merging stops at a close).
    last_of_link: HashMap<(LinkId, &'static str), usize>,
    books: HashMap<(crossbook_model::Venue, String), BookSnapshot>,
    samples: Vec<crossbook_store::QuoteSample>,
    /// Writes taken off the queue (for the depth figure).
    taken: i64,
}

impl Pending {
    fn push(&mut self, w: Write) {
        self.taken += 1;
        match w {
            Write::Books(snaps) => {
                for s in snaps {
                    self.books.insert((s.venue, s.book_id.clone()), s);
                }
            }
            // Chart points are the first thing given up when the database is away for long.
            Write::Samples(samples) => {
                let room = MAX_PENDING_SAMPLES.saturating_sub(self.samples.len());
                self.samples.extend(samples.into_iter().take(room));
            }
            Write::Opportunity { o, direction, first_seen, last_seen } => {
                if let Some(&i) = self.last_of_link.get(&(o.link_id, direction))
                    && let Write::Opportunity { first_seen: f, .. } = &self.ops[i]
                {
                    let first = (*f).min(first_seen);
                    self.ops[i] = Write::Opportunity { o, direction, first_seen: first, last_seen };
                    return;
                }
                self.last_of_link.insert((o.link_id, direction), self.ops.len());
                self.ops.push(Write::Opportunity { o, direction, first_seen, last_seen });
            }
            Write::CloseLink { link, direction, at } => {
                // What comes after a close is a new opportunity: never merged into one before it.
                self.last_of_link.retain(|(l, d), _| !(*l == link && direction.is_none_or(|x| x == *d)));
                self.ops.push(Write::CloseLink { link, direction, at });
            }
            other => {
                if matches!(other, Write::CloseUnseen { .. }) {
                    self.last_of_link.clear();
                }
                self.ops.push(other);
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.ops.is_empty() && self.books.is_empty() && self.samples.is_empty()
    }

    /// Rebuilds the merge index after applied writes were taken off the front.
    fn reindex(&mut self) {
        self.last_of_link.clear();
        for (i, w) in self.ops.iter().enumerate() {
            match w {
                Write::Opportunity { o, direction, .. } => {
                    self.last_of_link.insert((o.link_id, direction), i);
                }
                Write::CloseLink { link, direction, .. } => {
                    self.last_of_link.retain(|(l, d), _| !(l == link && direction.is_none_or(|x| x == *d)));
                }
                Write::CloseUnseen { .. } => self.last_of_link.clear(),
                _ => {}
            }
        }
    }
}

/// What the writer holds: the pending writes, their spool, and the records of this run's
/// alerts (an outcome is spooled with its alert's record, which names it to a later process).
#[derive(Debug)]
struct Held {
    pending: Pending,
    spool: Option<Spool>,
    alerts: HashMap<u64, AlertRecord>,
    /// Alert numbers for the writes read back from the spool (counting down from the top, far
    /// from this run's own).
    next_replay_uid: u64,
    /// The last spool failure logged.
    spool_error: String,
}

impl Default for Held {
    fn default() -> Self {
        Self {
            pending: Pending::default(),
            spool: None,
            alerts: HashMap::new(),
            next_replay_uid: u64::MAX,
            spool_error: String::new(),
        }
    }
}

impl Held {
    /// Takes a write off the queue: spooled, then held.
    fn take(&mut self, w: Write) {
        if let Write::Alert { uid, record, .. } = &w {
            self.alerts.insert(*uid, (**record).clone());
        }
        if let (Some(spool), Some(e)) = (&mut self.spool, entry(&w, &self.alerts)) {
            spool.append(&e);
        }
        match &w {
            // An alert and its last word, and a trade, are in the file at once (a delivery or
            // an order is under way or done); after an alert's last word its record is let go.
            Write::Alert { .. } | Write::Trade(_) => self.sync(),
            Write::AlertOutcome { uid, status, .. } if *status != "pending" => {
                self.sync();
                self.alerts.remove(uid);
            }
            _ => {}
        }
        self.pending.push(w);
    }

    /// Hands the spooled writes to the file before they are applied.
    fn sync(&mut self) {
        let Some(spool) = &mut self.spool else { return };
        let result = spool.sync();
        self.note(result.err());
    }

    /// After a batch: everything written cuts the spool back; a spool past half its bound while
    /// writes wait is rewritten from what is held (merged).
    fn after_batch(&mut self, written: bool) {
        let Some(spool) = &mut self.spool else { return };
        let result = if written && self.pending.is_empty() {
            spool.settle()
        } else if !written && spool.wants_rewrite() {
            let held: Vec<Entry> = self.pending.ops.iter().filter_map(|w| entry(w, &self.alerts)).collect();
            spool.rewrite(&held)
        } else {
            Ok(())
        };
        self.note(result.err());
    }

    /// Logs each distinct spool failure once.
    fn note(&mut self, error: Option<std::io::Error>) {
        match error {
            None => self.spool_error.clear(),
            Some(e) => {
                let error = e.to_string();
                if error != self.spool_error {
                    let path = self.spool.as_ref().map(|s| s.path().display().to_string()).unwrap_or_default();
                    tracing::warn!(%path, %error, "write spool failing: writes held in memory only");
                    self.spool_error = error;
                }
            }
        }
    }
}

/// The spooled form of `w` (books, chart points and flushes are not spooled).
fn entry(w: &Write, alerts: &HashMap<u64, AlertRecord>) -> Option<Entry> {
    Some(match w {
        Write::Opportunity { o, direction, first_seen, last_seen }
        | Write::ReplayedOpportunity { o, direction, first_seen, last_seen } => Entry::Opportunity {
            o: o.clone(),
            direction: (*direction).to_string(),
            first_seen: *first_seen,
            last_seen: *last_seen,
        },
        Write::CloseLink { link, direction, at } => {
            Entry::CloseLink { link: *link, direction: direction.map(str::to_string), at: *at }
        }
        Write::CloseUnseen { seen_since, at } => Entry::CloseUnseen { seen_since: *seen_since, at: *at },
        Write::MarketState { venue, market, state } => {
            Entry::MarketState { venue: *venue, market: market.clone(), state: *state }
        }
        Write::Alert { record, about, .. } => {
            Entry::Alert { record: record.clone(), about: about.map(|(l, d)| (l, d.to_string())) }
        }
        Write::AlertOutcome { uid, status, attempts, error, sent_at } => Entry::AlertOutcome {
            record: Box::new(alerts.get(uid)?.clone()),
            status: (*status).to_string(),
            attempts: *attempts,
            error: error.clone(),
            sent_at: *sent_at,
        },
        Write::Trade(t) => Entry::Trade { trade: t.clone() },
        Write::Books(_) | Write::Samples(_) | Write::Flush(_) => return None,
    })
}

/// The alerts of a spool still pending with no word after them: the process delivering them
/// was killed, and whether they reached the sink is unknown. Each is closed as failed, saying
/// so (none pending forever; none sent again, which could send it twice).
fn undelivered(replay: &[Entry], next_uid: &mut u64) -> Vec<Write> {
    let mut open: Vec<&AlertRecord> = Vec::new();
    for e in replay {
        match e {
            // The latest word on each alert counts.
            Entry::Alert { record, .. } if record.key.is_some() => {
                open.retain(|r| r.key != record.key);
                if record.status == "pending" {
                    open.push(record);
                }
            }
            Entry::AlertOutcome { record, status, .. } if status != "pending" => open.retain(|r| r.key != record.key),
            _ => {}
        }
    }
    open.into_iter()
        .flat_map(|r| {
            *next_uid -= 1;
            let uid = *next_uid;
            [
                Write::Alert { uid, record: Box::new(r.clone()), about: None },
                Write::AlertOutcome {
                    uid,
                    status: "failed",
                    attempts: r.attempts,
                    error: Some("delivery unknown: the process sending it was stopped".into()),
                    sent_at: None,
                },
            ]
        })
        .collect()
}

/// The writes a spooled entry stands for; an outcome is its alert again (found by its key) and
/// then its update. An entry naming a direction or status this version does not know is skipped.
fn replayed(e: Entry, next_uid: &mut u64) -> Vec<Write> {
    let mut uid = || {
        *next_uid -= 1;
        *next_uid
    };
    let known_status = |s: &str| ["pending", "sent", "failed", "logged"].into_iter().find(|k| *k == s);
    match e {
        Entry::Opportunity { o, direction, first_seen, last_seen } => {
            let Some(direction) = crate::direction::direction_name(&direction) else { return Vec::new() };
            vec![Write::ReplayedOpportunity { o, direction, first_seen, last_seen }]
        }
        Entry::CloseLink { link, direction, at } => match direction {
            None => vec![Write::CloseLink { link, direction: None, at }],
            Some(d) => crate::direction::direction_name(&d)
                .map(|d| vec![Write::CloseLink { link, direction: Some(d), at }])
                .unwrap_or_default(),
        },
        Entry::CloseUnseen { seen_since, at } => vec![Write::CloseUnseen { seen_since, at }],
        Entry::Trade { trade } => vec![Write::Trade(trade)],
        Entry::MarketState { venue, market, state } => vec![Write::MarketState { venue, market, state }],
        Entry::Alert { record, about } => {
            let about = about.and_then(|(l, d)| Some((l, crate::direction::direction_name(&d)?)));
            vec![Write::Alert { uid: uid(), record, about }]
        }
        Entry::AlertOutcome { record, status, attempts, error, sent_at } => {
            let Some(status) = known_status(&status) else { return Vec::new() };
            if record.key.is_none() {
                return Vec::new();
            }
            let uid = uid();
            vec![
                Write::Alert { uid, record, about: None },
                Write::AlertOutcome { uid, status, attempts, error, sent_at },
            ]
        }
    }
}

/// The task: takes what is queued, applies it, retries while the database refuses.
async fn run(store: Arc<dyn Store>, mut rx: mpsc::Receiver<Write>, stats: Arc<WriterStats>, mut held: Held) {
    // Database ids of this run's opportunity rows and alerts.
    let mut opportunity_ids: HashMap<(LinkId, &'static str), i64> = HashMap::new();
    let mut alert_ids: HashMap<u64, i64> = HashMap::new();
    let mut retry = Duration::from_millis(100);
    // The last failure logged: each distinct one is logged once, not every retry.
    let mut last_error = String::new();
    loop {
        if held.pending.is_empty() {
            match rx.recv().await {
                Some(w) => held.take(w),
                None => return,
            }
            let linger = tokio::time::sleep(LINGER);
            tokio::pin!(linger);
            while held.pending.ops.len() < BATCH {
                tokio::select! {
                    _ = &mut linger => break,
                    w = rx.recv() => match w {
                        Some(w) => held.take(w),
                        None => break,
                    },
                }
            }
        }
        while held.pending.ops.len() < BATCH
            && let Ok(w) = rx.try_recv()
        {
            held.take(w);
        }
        held.sync();
        let result = apply(&*store, &mut held.pending, &mut opportunity_ids, &mut alert_ids, &stats).await;
        held.after_batch(result.is_ok());
        match result {
            Ok(()) => {
                stats.depth.dec_by(std::mem::take(&mut held.pending.taken));
                held.pending.last_of_link.clear();
                if stats.behind.swap(false, Ordering::Relaxed) {
                    tracing::info!("database writes caught up");
                }
                last_error.clear();
                stats.failing_since.store(0, Ordering::Relaxed);
                retry = Duration::from_millis(100);
            }
            Err(e) => {
                held.pending.reindex();
                stats.failures.inc();
                if !stats.behind.swap(true, Ordering::Relaxed) {
                    stats.failing_since.store(Utc::now().timestamp_millis(), Ordering::Relaxed);
                }
                let error = format!("{e:#}");
                if error != last_error {
                    tracing::warn!(%error, "database writes failing: detection and alerts go on, writes wait");
                    last_error = error;
                }
                // Keep taking (and merging) what arrives while waiting.
                let wait = tokio::time::sleep(retry);
                tokio::pin!(wait);
                loop {
                    tokio::select! {
                        _ = &mut wait => break,
                        w = rx.recv(), if held.pending.ops.len() < BATCH * 4 => match w {
                            // Spooled at once: the wait may be long and the process killed in it.
                            Some(w) => {
                                held.take(w);
                                held.sync();
                            }
                            None => break,
                        },
                    }
                }
                retry = (retry * 2).min(Duration::from_secs(2));
            }
        }
    }
}

/// Applies the pending writes in order; on an error, what was applied is removed and the rest
/// stays for the retry.
async fn apply(
    store: &dyn Store,
    p: &mut Pending,
    opportunity_ids: &mut HashMap<(LinkId, &'static str), i64>,
    alert_ids: &mut HashMap<u64, i64>,
    stats: &WriterStats,
) -> anyhow::Result<()> {
    if !p.books.is_empty() {
        let mut snaps: Vec<BookSnapshot> = p.books.values().cloned().collect();
        snaps.sort_by(|a, b| (a.venue, &a.book_id).cmp(&(b.venue, &b.book_id)));
        store.save_books(&snaps).await?;
        stats.written.inc_by(snaps.len() as u64);
        p.books.clear();
    }
    if !p.samples.is_empty() {
        store.save_quote_samples(&p.samples).await?;
        stats.written.inc_by(p.samples.len() as u64);
        p.samples.clear();
    }
    let mut done = 0;
    let result = async {
        for w in &p.ops {
            match w {
                Write::Opportunity { o, direction, first_seen, last_seen } => {
                    let id = store.upsert_opportunity(o, direction, *first_seen, *last_seen).await?;
                    opportunity_ids.insert((o.link_id, direction), id);
                }
                Write::ReplayedOpportunity { o, direction, first_seen, last_seen } => {
                    let id = store.replay_opportunity(o, direction, *first_seen, *last_seen).await?;
                    opportunity_ids.insert((o.link_id, direction), id);
                }
                Write::CloseLink { link, direction, at } => {
                    store.close_link_opportunities(*link, *direction, *at).await?;
                    opportunity_ids.retain(|(l, d), _| !(l == link && direction.is_none_or(|x| x == *d)));
                }
                Write::CloseUnseen { seen_since, at } => {
                    store.close_opportunities(*seen_since, *at).await?;
                    opportunity_ids.clear();
                }
                Write::MarketState { venue, market, state } => store.set_market_state(*venue, market, *state).await?,
                Write::Trade(t) => store.record_trade(t).await?,
                Write::Alert { uid, record, about } => {
                    let mut r = (**record).clone();
                    r.opportunity_id = about.and_then(|k| opportunity_ids.get(&k).copied()).or(r.opportunity_id);
                    let id = store.insert_alert(&r).await?;
                    alert_ids.insert(*uid, id);
                }
                Write::AlertOutcome { uid, status, attempts, error, sent_at } => {
                    if let Some(&id) = alert_ids.get(uid) {
                        store.update_alert(id, status, *attempts, error.as_deref(), *sent_at).await?;
                    }
                }
                // Books and samples never stay in `ops` (they are gathered apart), nor flushes' work.
                Write::Books(_) | Write::Samples(_) | Write::Flush(_) => {}
            }
            done += 1;
            stats.written.inc();
        }
        anyhow::Ok(())
    }
    .await;
    // The applied writes leave; flushes among them are answered (all before them is written).
    let rest = p.ops.split_off(done);
    for w in std::mem::replace(&mut p.ops, rest) {
        if let Write::Flush(tx) = w {
            let _ = tx.send(());
        }
    }
    result
}
