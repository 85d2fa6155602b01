//! The live-events monitor: markets starting within LIVE_EVENT_THRESHOLD_MINUTES are quoted on
//! every pass and an arbitrage on them raises an alert (one per opportunity per cooldown).

use chrono::{DateTime, Duration, Utc};
use crossbook_store::{Store, WatchEntry};

use crate::alerts::Alerter;
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

/// One pass: quote the urgent links, alert on their opportunities.
pub async fn monitor_once(
    store: &dyn Store,
    venues: &Venues,
    clock: &Clock,
    alerter: &Alerter,
    quotes: QuotesConfig,
    threshold: Duration,
) -> anyhow::Result<MonitorReport> {
    let now = clock.now();
    let urgent: Vec<WatchEntry> =
        store.list_watchlist().await?.into_iter().filter(|w| is_urgent(w, now, threshold)).collect();
    let ids: std::collections::HashSet<_> = urgent.iter().map(|w| w.link_id).collect();
    let mut report = MonitorReport { urgent: urgent.len(), ..Default::default() };
    if urgent.is_empty() {
        return Ok(report);
    }
    poll(store, venues, clock, quotes, &|w| ids.contains(&w.link_id)).await?;
    let now = clock.now();
    for o in store.list_open_opportunities().await? {
        if ids.contains(&o.opportunity.link_id) {
            report.opportunities += 1;
            if alerter.arbitrage(o.id, &o.direction, &o.opportunity, now).await? {
                report.alerts += 1;
            }
        }
    }
    Ok(report)
}
