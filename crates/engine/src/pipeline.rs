//! The whole pipeline as steps, for `demo` and `run`: ingest both venues, match, rebuild the
//! watchlist, quote, monitor. Each step reports what it did.

use std::sync::Arc;

use chrono::Duration;
use crossbook_model::Venue;
use crossbook_store::{Priority, Store};

use crate::alerts::{AlertConfig, Alerter};
use crate::ingest::{self, IngestOptions, IngestReport, Mode, Progress};
use crate::monitor::{MonitorReport, monitor_once};
use crate::quotes::{QuotesConfig, QuotesReport, poll_once};
use crate::review::{MatchReport, ReviewConfig, run_matching};
use crate::watchlist::{WatchConfig, sync_watchlist};
use crate::{Clock, Settings, Venues};

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
}

impl Pipeline {
    pub fn new(settings: &Settings, store: Arc<dyn Store>) -> anyhow::Result<Self> {
        let clock = Clock::from_setting(settings.now);
        let interval = Duration::from_std(settings.quotes_interval).unwrap_or(Duration::seconds(15));
        Ok(Self {
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
            alerter: Alerter::start(store.clone(), AlertConfig::from_settings(settings))?,
            clock,
            store,
        })
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

    pub async fn watchlist(&self) -> anyhow::Result<usize> {
        Ok(sync_watchlist(&*self.store, &self.watch, self.clock.now()).await?.len())
    }

    pub async fn quotes(&self, priorities: &[Priority]) -> anyhow::Result<QuotesReport> {
        poll_once(&*self.store, &self.venues, &self.clock, self.quotes, priorities).await
    }

    pub async fn monitor(&self) -> anyhow::Result<MonitorReport> {
        monitor_once(&*self.store, &self.venues, &self.clock, &self.alerter, self.quotes, self.live_threshold).await
    }
}
