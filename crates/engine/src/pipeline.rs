//! The whole pipeline as steps, for `demo` and `run`: ingest both venues, match, rebuild the
//! watchlist, quote, monitor. Each step reports what it did.

use std::sync::Arc;

use chrono::Duration;
use crossbook_model::Venue;
use crossbook_store::{Priority, Store};

use crate::alerts::{AlertConfig, Alerter};
use crate::desk::{Desk, DeskConfig, SharedDesk};
use crate::ingest::{self, IngestOptions, IngestReport, Mode, Progress};
use crate::monitor::{MonitorReport, monitor_once};
use crate::quotes::{QuotesConfig, QuotesReport, poll};
use crate::review::{MatchReport, ReviewConfig, run_matching};
use crate::runtime::{AbortOnDrop, StreamStatus, start_streams};
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
    pub conditions: crate::watchdog::Conditions,
    /// Requests, 429s and book ages over the last day.
    pub ops: crate::ops_history::OpsHistory,
    /// Bumped by every watchlist rebuild: the quotes service restarts its sockets on it.
    pub watch_generation: tokio::sync::watch::Sender<u64>,
    settings: Settings,
}

impl Pipeline {
    /// The pipeline over `store`, its alerter taking back the cooldowns of the alerts the store
    /// remembers (a restart does not alert them again; without the database it starts all the
    /// same).
    pub async fn new(settings: &Settings, store: Arc<dyn Store>) -> anyhow::Result<Self> {
        let clock = Clock::from_setting(settings.now);
        let writer = Writer::start(store.clone());
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
                AlertConfig::from_settings(settings),
                streams.latencies.decision_alert.clone(),
            )?,
            desk: Arc::new(std::sync::Mutex::new(Desk::new(
                DeskConfig::from_settings(settings),
                writer.clone(),
                None,
                streams.clone(),
            ))),
            writer,
            streams,
            watch_generation: tokio::sync::watch::channel(0).0,
            conditions: crate::watchdog::Conditions::default(),
            ops: crate::ops_history::OpsHistory::default(),
            settings: settings.clone(),
            clock,
            store,
        }
        .with_alerts();
        match p.alerter.remember(&*p.store, clock.now()).await {
            Ok(n) if n > 0 => {
                tracing::info!(alerts = n, "recent alerts remembered: their cooldowns hold across the restart")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %format!("{e:#}"), "recent alerts not read: cooldowns start afresh"),
        }
        Ok(p)
    }

    /// The desk raises this pipeline's alerts.
    fn with_alerts(self) -> Self {
        let mut desk = crate::desk::lock(&self.desk);
        desk.set_alerter(Some(self.alerter.clone()));
        drop(desk);
        self
    }

    pub async fn ingest(&self, venue: Venue, progress: Arc<dyn Progress>) -> anyhow::Result<IngestReport> {
        match venue {
            Venue::Kalshi => {
                ingest::ingest_kalshi(self.store.clone(), &self.venues.kalshi, &self.ingest, progress).await
            }
            Venue::Polymarket => {
                ingest::ingest_polymarket(self.store.clone(), &self.venues.gamma, &self.ingest, progress).await
            }
        }
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
    pub fn runtime(&self) -> crate::runtime::RuntimeState {
        crate::runtime::RuntimeState {
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

    /// One pass of the live-events monitor on the desk.
    pub async fn monitor(&self) -> anyhow::Result<MonitorReport> {
        monitor_once(&*self.store, &self.venues, &self.clock, &self.desk, self.quotes, self.live_threshold).await
    }

    /// The sockets for the desk's watched books (loaded from the store first).
    pub async fn streams(&self) -> anyhow::Result<Vec<AbortOnDrop>> {
        crate::desk::refresh(&self.desk, &*self.store, self.clock.now()).await?;
        Ok(start_streams(&self.settings, &self.venues, self.desk.clone(), self.clock))
    }
}
