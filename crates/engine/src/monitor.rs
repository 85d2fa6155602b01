//! The live-events monitor: markets starting within LIVE_EVENT_THRESHOLD_MINUTES are quoted on
//! every pass; the desk alerts on their arbitrage (one per link and direction per cooldown).

use chrono::{DateTime, Duration, Utc};
use crossbook_store::{Store, WatchEntry};

use crate::desk::{SharedDesk, lock};
use crate::quotes::{QuotesConfig, poll};
use crate::{Clock, Venues};

/// What a monitor pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MonitorReport {
    /// Watched links starting within the threshold.
    pub urgent: usize,
    /// Open opportunities on them.
    pub opportunities: usize,
    /// Alerts raised (the rest were within their cooldown).
    pub alerts: usize,
}

/// Whether a watched link is urgent: its game starts within `threshold` and has not started.
pub fn is_urgent(w: &WatchEntry, now: DateTime<Utc>, threshold: Duration) -> bool {
    w.starts_at.is_some_and(|s| s > now && s - now <= threshold)
}

/// One pass: quote the urgent links on `desk` (whose alerter alerts on their opportunities).
pub async fn monitor_once(
    store: &dyn Store,
    venues: &Venues,
    clock: &Clock,
    desk: &SharedDesk,
    quotes: QuotesConfig,
    threshold: Duration,
) -> anyhow::Result<MonitorReport> {
    let now = clock.now();
    let urgent: std::collections::HashSet<_> =
        store.list_watchlist().await?.into_iter().filter(|w| is_urgent(w, now, threshold)).map(|w| w.link_id).collect();
    let mut report = MonitorReport { urgent: urgent.len(), ..Default::default() };
    if urgent.is_empty() {
        return Ok(report);
    }
    let r = poll(store, venues, clock, desk, quotes, &|w| urgent.contains(&w.link_id)).await?;
    report.alerts = r.alerts;
    report.opportunities = lock(desk).open().keys().filter(|id| urgent.contains(id)).count();
    Ok(report)
}
