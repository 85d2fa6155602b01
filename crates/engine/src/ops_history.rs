//! The process's recent operation, one point per watchdog check (every 15 s), the last 24 h
//! kept in memory: each venue API's requests, 429s and failures in the interval, and how old
//! the desk's books are. The dashboard's operations chart reads it.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use crossbook_model::Venue;
use serde::Serialize;

use crate::books::LiveBooks;

/// Points kept: 24 h at one every 15 s.
pub const KEPT: usize = 24 * 60 * 4;

/// One venue API's requests in an interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ApiPoint {
    pub api: &'static str,
    pub requests: u64,
    pub rate_limited: u64,
    pub failed: u64,
}

/// The age of one venue's books on the desk at a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FreshnessPoint {
    pub venue: &'static str,
    pub books: usize,
    pub median_age_ms: i64,
    pub max_age_ms: i64,
}

/// One point of the operations chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpsPoint {
    pub at: DateTime<Utc>,
    pub apis: Vec<ApiPoint>,
    pub freshness: Vec<FreshnessPoint>,
}

/// A venue API's counters since the process started: (api, requests, 429s, failures).
pub type ApiTotals = (&'static str, u64, u64, u64);

#[derive(Debug, Default)]
struct History {
    points: VecDeque<OpsPoint>,
    last: BTreeMap<&'static str, ApiTotals>,
}

/// The shared history (cheap to clone).
#[derive(Debug, Clone, Default)]
pub struct OpsHistory(Arc<Mutex<History>>);

impl OpsHistory {
    /// Adds the point at `at` from the APIs' running totals (stored as differences from the
    /// previous point) and the books' freshness.
    pub fn record(&self, at: DateTime<Utc>, totals: &[ApiTotals], freshness: Vec<FreshnessPoint>) {
        let mut h = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let apis = totals
            .iter()
            .map(|&(api, requests, rate_limited, failed)| {
                let (_, r0, l0, f0) =
                    h.last.insert(api, (api, requests, rate_limited, failed)).unwrap_or((api, 0, 0, 0));
                ApiPoint {
                    api,
                    requests: requests.saturating_sub(r0),
                    rate_limited: rate_limited.saturating_sub(l0),
                    failed: failed.saturating_sub(f0),
                }
            })
            .collect();
        h.points.push_back(OpsPoint { at, apis, freshness });
        while h.points.len() > KEPT {
            h.points.pop_front();
        }
    }

    /// The points since `since`, oldest first.
    pub fn since(&self, since: DateTime<Utc>) -> Vec<OpsPoint> {
        let h = self.0.lock().unwrap_or_else(|p| p.into_inner());
        h.points.iter().filter(|p| p.at >= since).cloned().collect()
    }
}

/// How old each venue's books are at `now`.
pub fn freshness(books: &LiveBooks, now: DateTime<Utc>) -> Vec<FreshnessPoint> {
    Venue::ALL
        .into_iter()
        .map(|venue| {
            let mut ages: Vec<i64> = books
                .iter()
                .filter(|(v, _, _)| *v == venue)
                .map(|(_, _, b)| (now - b.received_at).num_milliseconds().max(0))
                .collect();
            ages.sort_unstable();
            FreshnessPoint {
                venue: venue.as_str(),
                books: ages.len(),
                median_age_ms: ages.get(ages.len() / 2).copied().unwrap_or(0),
                max_age_ms: ages.last().copied().unwrap_or(0),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_hold_the_differences_and_the_last_day() {
        let h = OpsHistory::default();
        let t0 = DateTime::parse_from_rfc3339("2026-02-01T12:00:00Z").unwrap().with_timezone(&Utc);
        h.record(t0, &[("kalshi", 10, 0, 1)], Vec::new());
        h.record(t0 + chrono::Duration::seconds(15), &[("kalshi", 25, 4, 1)], Vec::new());
        let points = h.since(t0);
        assert_eq!(points[1].apis[0], ApiPoint { api: "kalshi", requests: 15, rate_limited: 4, failed: 0 });
        for i in 0..KEPT as i64 {
            h.record(t0 + chrono::Duration::seconds(30 + 15 * i), &[("kalshi", 25, 4, 1)], Vec::new());
        }
        assert_eq!(h.since(t0).len(), KEPT, "a day of points at most");
        assert_eq!(h.since(t0 + chrono::Duration::seconds(15 * KEPT as i64)).len(), 2);
    }
}
