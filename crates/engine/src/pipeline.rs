//! The whole pipeline as steps, for `demo` and `run`: ingest both venues, match, rebuild the
//! watchlist, quote, monitor. Each step reports what it did.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use crossbook_model::Venue;
use crossbook_store::{Priority, Store};

use crate::alerts::{AlertConfig, Alerter};
use crate::desk::{Desk, DeskConfig, SharedDesk};
use crate::ingest::{self, IngestOptions, IngestReport, Mode, Progress};
use crate::monitor::{MonitorReport, monitor_once};
use crate::quotes::{QuotesConfig, QuotesReport, poll};
use crate::review::{MatchReport, ReviewConfig, run_matching};
use crate::runtime::Streams;
use crate::stream_status::StreamStatus;
use crate::watchlist::{WatchConfig, sync_watchlist};
use crate::writer::Writer;
use crate::{Clock, Settings, Venues};

/// How long the links' chart points are kept.
pub const SAMPLE_RETENTION: chrono::Duration = chrono::Duration::hours(48);

/// Everything the steps need.
#[derive(Debug, Clone)]
pub struct Pipeline {
    pub store: Arc<dyn Store>,
    pub venues: Venues,
    pub clock: Clock,
    pub ingest: IngestOptions,
    pub review: ReviewConfig,
    pub watch: WatchConfig,
    pub quotes: QuotesConfig,
    pub live_threshold: Duration,
    pub alerter: Alerter,
    /// Where records go: the database, behind the decisions.
    pub writer: Writer,
    /// The process's one desk: streams, REST passes and the monitor all feed it.
    pub desk: SharedDesk,
    /// The sockets' state.
    pub streams: Arc<StreamStatus>,
    /// What the watchdog finds wrong with the process.
    pub conditions: crate::state::Conditions,
    /// Requests, 429s and book ages over the last day.
    pub ops: crate::ops_history::OpsHistory,
    /// Bumped by every watchlist rebuild: the quotes service restarts its sockets on it.
    pub watch_generation: tokio::sync::watch::Sender<u64>,
    /// Where the last watch snapshot is kept (`run`'s state folder).
    snapshot: Option<std::path::PathBuf>,
    /// The spool this process holds (no other live process holds it).
    spool: Option<std::path::PathBuf>,
    settings: Settings,
}

/// The writer's spool is bounded at this size (past it writes are held in memory only).
pub const SPOOL_MAX_BYTES: u64 = 512 << 20;
/// The watch snapshot's file name in the state folder.
const SNAPSHOT_FILE: &str = "watch.json";

/// Beyond QUOTE_STALE_SECONDS, how long an open opportunity may go unrecorded before any
/// process closes it: the desk that keeps it open records it on every evaluation, and closes it
/// itself when a book goes stale; past this margin its process is gone.
pub const ORPHAN_MARGIN: Duration = Duration::seconds(15);

/// How long the watchdog's reads and writes of the database may take.
const STORE_DEADLINE: std::time::Duration = std::time::Duration::from_secs(3);

impl Pipeline {
    /// The pipeline over `store`, its alerter taking back the cooldowns of the alerts the store
    /// remembers (a restart does not alert them again; without the database it starts all the
    /// same).
    pub async fn new(settings: &Settings, store: Arc<dyn Store>) -> anyhow::Result<Self> {
        let p = Self::build(settings, store.clone(), Writer::start(store), None)?;
        p.remember().await;
        Ok(p)
    }

    /// The pipeline of a long-running process named `name` (e.g. `run-quotes`), keeping its
    /// state in STATE_DIR: its writer spools what it holds (the writes a killed process left
    /// there are written first), its alerter also remembers the alerts the spool kept, and the
    /// watched links are snapshot there, to watch from when the database is away at start.
    pub async fn with_state(settings: &Settings, store: Arc<dyn Store>, name: &str) -> anyhow::Result<Self> {
        let Some(dir) = &settings.state_dir else { return Self::new(settings, store).await };
        let cooldown = AlertConfig::from_settings(settings).cooldown;
        let (spool, replay) = crate::spool::Spool::open(dir, name, SPOOL_MAX_BYTES, cooldown)?;
        tracing::info!(path = %spool.path().display(), replayed = replay.len(), "write spool");
        let raised = spool.recent_alerts();
        let path = std::fs::canonicalize(spool.path()).unwrap_or_else(|_| spool.path().to_path_buf());
        let writer = Writer::spooled(store.clone(), spool, replay);
        let mut p = Self::build(settings, store, writer, Some(dir.join(SNAPSHOT_FILE)))?;
        p.spool = Some(path);
        let n = p.alerter.remember_raised(raised, p.clock.now());
        if n > 0 {
            tracing::info!(alerts = n, "alerts the spool kept remembered: their cooldowns hold across the restart");
        }
        p.remember().await;
        Ok(p)
    }

    fn build(
        settings: &Settings,
        store: Arc<dyn Store>,
        writer: Writer,
        snapshot: Option<std::path::PathBuf>,
    ) -> anyhow::Result<Self> {
        let clock = Clock::from_setting(settings.now);
        let streams = Arc::new(StreamStatus::default());
        let interval = Duration::from_std(settings.quotes_interval).unwrap_or(Duration::seconds(15));
        let p = Self {
            venues: Venues::from_settings(settings)?,
            ingest: IngestOptions {
                mode: Mode::Split,
                topics: settings.ingest_topics(),
                exclude_mve: settings.exclude_mve_markets,
                clock,
                concurrency: 4,
            },
            review: ReviewConfig::from_settings(settings),
            watch: WatchConfig::from_settings(settings),
            quotes: QuotesConfig {
                stale_after: Duration::from_std(settings.quote_stale_after).unwrap_or(Duration::seconds(30)),
                cycle: interval * 4,
                allow_in_play: settings.allow_in_play,
            },
            live_threshold: Duration::from_std(settings.live_event_threshold).unwrap_or(Duration::minutes(15)),
            alerter: Alerter::start(
                writer.clone(),
                AlertConfig { claims: Some(store.clone()), ..AlertConfig::from_settings(settings) },
                streams.latencies.decision_alert.clone(),
            )?,
            desk: Arc::new(std::sync::Mutex::new({
                let mut desk = Desk::new(DeskConfig::from_settings(settings), writer.clone(), None, streams.clone());
                if let Some(what) = crate::execution::describe(&settings.execution) {
                    tracing::info!("{what}");
                }
                desk.set_trader(crate::execution::paper_trader(&settings.execution, settings.kalshi_balance_precision));
                desk
            })),
            writer,
            streams,
            watch_generation: tokio::sync::watch::channel(0).0,
            conditions: crate::state::Conditions::default(),
            ops: crate::ops_history::OpsHistory::default(),
            snapshot,
            spool: None,
            settings: settings.clone(),
            clock,
            store,
        }
        .with_alerts();
        Ok(p)
    }

    /// The alerter takes back the cooldowns of the alerts the store remembers (a database that
    /// does not answer within 5 s is not waited for).
    async fn remember(&self) {
        let asked = self.alerter.remember(&*self.store, self.clock.now());
        match tokio::time::timeout(std::time::Duration::from_secs(5), asked).await {
            Ok(Ok(n)) if n > 0 => {
                tracing::info!(alerts = n, "recent alerts remembered: their cooldowns hold across the restart")
            }
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!(error = %format!("{e:#}"), "recent alerts not read from the database"),
            Err(_) => tracing::warn!("recent alerts not read: the database did not answer"),
        }
    }

    /// The name this process takes its leases under: with a spool, the host and the spool it
    /// holds — unique among live processes, and the same for the process started in its place
    /// after a crash, which so takes over the dead one's leases at once instead of waiting for
    /// them to expire; else the process id and start time.
    pub fn lease_holder(&self) -> String {
        match &self.spool {
            Some(path) => {
                let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
                format!("{}:{}", host.trim(), path.display())
            }
            None => format!("{}-{}", std::process::id(), self.clock.now().timestamp_millis()),
        }
    }

    /// The desk raises this pipeline's alerts.
    fn with_alerts(self) -> Self {
        let mut desk = crate::desk::lock(&self.desk);
        desk.set_alerter(Some(self.alerter.clone()));
        drop(desk);
        self
    }

    /// The venues this deployment ingests (`VENUES`).
    pub fn enabled_venues(&self) -> &[Venue] {
        &self.settings.venues
    }

    pub async fn ingest(&self, venue: Venue, progress: Arc<dyn Progress>) -> anyhow::Result<IngestReport> {
        ingest::ingest_venue(self.store.clone(), &self.venues, venue, &self.ingest, progress).await
    }

    pub async fn match_pass(&self) -> anyhow::Result<MatchReport> {
        run_matching(&*self.store, &self.review, self.clock.now()).await
    }

    /// Rebuilds the watchlist (and drops chart points past [`SAMPLE_RETENTION`]).
    pub async fn watchlist(&self) -> anyhow::Result<usize> {
        let now = self.clock.now();
        let n = sync_watchlist(&*self.store, &self.watch, now).await?.len();
        self.store.prune_quote_samples(now - SAMPLE_RETENTION).await?;
        self.watch_generation.send_modify(|g| *g += 1);
        Ok(n)
    }

    /// The priorities due on tick `n` of the REST cadence: HIGH every QUOTES_INTERVAL_SECONDS,
    /// MEDIUM every second tick, LOW every fourth.
    pub fn due(n: u64) -> Vec<Priority> {
        let mut due = vec![Priority::High];
        if n.is_multiple_of(2) {
            due.push(Priority::Medium);
        }
        if n.is_multiple_of(4) {
            due.push(Priority::Low);
        }
        due
    }

    /// The state the HTTP server shows (sockets, writer).
    pub fn runtime(&self) -> crate::state::RuntimeState {
        crate::state::RuntimeState {
            streams: self.streams.clone(),
            writer: self.writer.clone(),
            desk: self.desk.clone(),
            conditions: self.conditions.clone(),
            ops: self.ops.clone(),
        }
    }

    /// One REST pass over the watched links of `priorities`, decided on the desk.
    pub async fn quotes(&self, priorities: &[Priority]) -> anyhow::Result<QuotesReport> {
        poll(&*self.store, &self.venues, &self.clock, &self.desk, self.quotes, &|w| priorities.contains(&w.priority))
            .await
    }

    /// Applies the kill switch (the setting, or the store's switch set by `crossbook execution
    /// stop` or the dashboard) to the desk's trader; a database that does not answer leaves it
    /// as it was. Run every few seconds while trading.
    pub async fn follow_kill_switch(&self) {
        if crate::desk::lock(&self.desk).trader().is_none() {
            return;
        }
        let Ok(Ok(stored)) = tokio::time::timeout(STORE_DEADLINE, crate::execution::kill_switch_on(&*self.store)).await
        else {
            return;
        };
        let on = stored || self.settings.execution.kill_switch;
        let mut desk = crate::desk::lock(&self.desk);
        let was = desk.trader().and_then(|t| t.stopped(self.clock.now())) == Some(crate::execution::KILL_SWITCH);
        if on != was {
            tracing::warn!(
                on,
                "execution kill switch {}",
                if on { "on: no order is sent" } else { "off: trading resumes" }
            );
        }
        desk.halt_trading(on.then_some(crate::execution::KILL_SWITCH));
    }

    /// The whole system's conditions (dead or stuck services of any process, from the
    /// heartbeats) that started or cleared since the conditions `known`, alerted once across the
    /// processes. A database that does not answer leaves them as they were.
    pub async fn system_conditions(&self, known: &mut BTreeMap<String, String>, now: DateTime<Utc>) {
        let Ok(Ok(beats)) = tokio::time::timeout(STORE_DEADLINE, self.store.list_heartbeats()).await else { return };
        // Heartbeats are the wall clock's.
        let (_, problems) = crate::health::services(&beats, Utc::now());
        let present: BTreeMap<String, String> = problems.into_iter().collect();
        for (key, what) in present.iter().filter(|(k, _)| !known.contains_key(*k)) {
            tracing::warn!("{what}");
            self.alerter.system(key, what, true, now);
        }
        for (key, what) in known.iter().filter(|(k, _)| !present.contains_key(*k)) {
            tracing::info!("recovered: {what}");
            self.alerter.system(key, what, false, now);
        }
        *known = present;
    }

    /// Closes the open opportunities no process recorded for QUOTE_STALE_SECONDS and
    /// [`ORPHAN_MARGIN`] (their process died), each with its closing alert where its opening
    /// alerted.
    pub async fn close_orphaned(&self, now: DateTime<Utc>) {
        let seen_since = now - self.quotes.stale_after - ORPHAN_MARGIN;
        let closed = match tokio::time::timeout(STORE_DEADLINE, self.store.close_opportunities(seen_since, now)).await {
            Ok(Ok(closed)) => closed,
            Ok(Err(e)) => return tracing::warn!(error = %e, "orphaned opportunities not closed"),
            Err(_) => return,
        };
        for c in closed {
            let o = &c.opportunity;
            let ticker = o.legs.iter().find_map(|l| l.ticker.as_deref()).unwrap_or("?");
            let silent = (now - c.last_seen).num_seconds();
            tracing::info!(link = o.link_id.0, direction = %c.direction, "closed: no process recorded it for {silent} s");
            self.alerter.closed(o.link_id, ticker, &c.direction, c.first_seen, c.best_edge, now);
        }
    }

    /// One pass of the live-events monitor on the desk.
    pub async fn monitor(&self) -> anyhow::Result<MonitorReport> {
        monitor_once(&*self.store, &self.venues, &self.clock, &self.desk, self.quotes, self.live_threshold).await
    }

    /// The sockets for the desk's watched books (loaded from the store first; with a state
    /// folder, kept there as the watch snapshot, and read back from it when the database cannot
    /// be read and the desk watches nothing yet): opened when `running` is none, else moved to
    /// the new books in place.
    pub async fn streams(&self, running: &mut Option<Streams>) -> anyhow::Result<()> {
        let now = self.clock.now();
        match (crate::desk::refresh(&self.desk, &*self.store, now).await, &self.snapshot) {
            (Ok(snapshot), Some(path)) => {
                if let Err(e) = snapshot.save(path) {
                    tracing::warn!(error = %format!("{e:#}"), "watch snapshot not kept");
                }
            }
            (Ok(_), None) => {}
            (Err(e), Some(path)) if crate::desk::lock(&self.desk).watches_nothing() && path.exists() => {
                let snapshot = crate::desk::WatchSnapshot::read(path)?;
                tracing::warn!(
                    error = %format!("{e:#}"),
                    links = snapshot.len(),
                    path = %path.display(),
                    "database unreadable: watching the links of the last watch snapshot"
                );
                crate::desk::lock(&self.desk).set_links(crate::desk::LinkSet::from_snapshot(&snapshot), now);
            }
            (Err(e), _) => return Err(e),
        }
        match running {
            Some(s) => s.follow(),
            None => *running = Some(Streams::start(&self.settings, &self.venues, self.desk.clone(), self.clock)),
        }
        Ok(())
    }
}
