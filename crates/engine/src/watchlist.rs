//! The watchlist: which linked markets get live quotes. From confirmed links (suggested ones
//! only when WATCHLIST_INCLUDE_SUGGESTED asks), at most QUOTES_WATCHLIST_LIMIT, by priority
//! then liquidity: HIGH starts within WATCHLIST_PRIORITY_THRESHOLD, MEDIUM within 24 h, LOW later.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use crossbook_model::{LinkStatus, Venue};
use crossbook_store::{MarketFilter, Priority, Store, WatchEntry};

/// Watchlist knobs.
#[derive(Debug, Clone)]
pub struct WatchConfig {
    pub limit: usize,
    pub high_within: Duration,
    pub include_suggested: bool,
}

impl WatchConfig {
    pub fn from_settings(s: &crate::Settings) -> Self {
        Self {
            limit: s.quotes_watchlist_limit,
            high_within: s.watchlist_priority_threshold,
            include_suggested: s.watchlist_include_suggested,
        }
    }
}

/// How long after its start a game is still watched: past this it has ended (the longest
/// games crossbook lists — tennis five-setters, extra innings — run under six hours).
pub const WATCHED_AFTER_START: chrono::Duration = chrono::Duration::hours(6);

/// Whether a game starting at `starts_at` is still worth watching at `now`.
pub fn still_on(starts_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    starts_at.is_none_or(|s| now - s <= WATCHED_AFTER_START)
}

/// Priority of a game starting at `starts_at`.
pub fn priority(starts_at: Option<DateTime<Utc>>, now: DateTime<Utc>, high_within: Duration) -> Priority {
    let Some(s) = starts_at else { return Priority::Low };
    let until = (s - now).to_std().unwrap_or_default();
    if until <= high_within {
        Priority::High
    } else if until <= Duration::from_secs(24 * 3600) {
        Priority::Medium
    } else {
        Priority::Low
    }
}

/// Rebuilds the watchlist and returns it.
pub async fn sync_watchlist(
    store: &dyn Store,
    cfg: &WatchConfig,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<WatchEntry>> {
    let links = store.list_links(None).await?;
    let poly = store.list_markets(&MarketFilter { venue: Some(Venue::Polymarket), ..Default::default() }).await?;
    let liquidity: HashMap<&str, i64> = poly
        .iter()
        .map(|m| {
            let raw = &m.market.raw;
            let dollars =
                ["liquidityNum", "volumeNum"].iter().find_map(|k| raw.get(*k).and_then(|v| v.as_f64())).unwrap_or(0.0);
            (m.market.id(), dollars as i64)
        })
        .collect();
    let mut entries: Vec<WatchEntry> = links
        .iter()
        .filter(|l| l.status == LinkStatus::Confirmed || (cfg.include_suggested && l.status == LinkStatus::Suggested))
        .filter(|l| still_on(l.candidate.starts_at, now))
        .map(|l| WatchEntry {
            link_id: l.id,
            priority: priority(l.candidate.starts_at, now, cfg.high_within),
            starts_at: l.candidate.starts_at,
            liquidity: liquidity.get(l.candidate.poly_market_id.as_str()).copied().unwrap_or(0),
        })
        .collect();
    entries.sort_by(|a, b| {
        a.priority.cmp(&b.priority).then(b.liquidity.cmp(&a.liquidity)).then(a.link_id.cmp(&b.link_id))
    });
    entries.truncate(cfg.limit);
    store.replace_watchlist(&entries, now).await?;
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn priorities_by_time_to_start() {
        let now = Utc.with_ymd_and_hms(2026, 1, 9, 23, 50, 0).unwrap();
        let h = Duration::from_secs(7200);
        let at = |mins: i64| Some(now + chrono::Duration::minutes(mins));
        assert_eq!(priority(at(10), now, h), Priority::High);
        assert_eq!(priority(at(-30), now, h), Priority::High, "started: most urgent");
        assert_eq!(priority(at(120), now, h), Priority::High);
        assert_eq!(priority(at(121), now, h), Priority::Medium);
        assert_eq!(priority(at(24 * 60), now, h), Priority::Medium);
        assert_eq!(priority(at(24 * 60 + 1), now, h), Priority::Low);
        assert_eq!(priority(None, now, h), Priority::Low);
        // A game that started 23 hours ago is over: not watched at all.
        assert!(still_on(at(-30), now) && still_on(at(-6 * 60), now) && still_on(None, now));
        assert!(!still_on(at(-23 * 60), now));
    }
}
