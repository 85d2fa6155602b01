//! Operational conditions of a running process — a venue rate-limiting or failing requests for
//! minutes, a socket down, database writes failing, a service restarting — checked every few
//! seconds from the state the process keeps (no database round trip). Each condition alerts
//! when it starts and when it clears, and `/health` lists the ones present.

use std::collections::{BTreeMap, VecDeque};

use chrono::{DateTime, Duration, Utc};

use crate::state::{Conditions, RuntimeState};
use crate::supervisor::Board;

/// Rate-limited (429) answers from one venue API within [`WINDOW`] that make a storm.
pub const STORM_429: u64 = 20;
/// Failed requests (server errors, timeouts, malformed bodies) within [`WINDOW`] that make a
/// failing venue.
pub const FAILING: u64 = 20;
/// How far back the counts look.
pub const WINDOW: Duration = Duration::minutes(2);
/// How long a socket may be down or writes fail before it is a condition.
pub const GRACE: Duration = Duration::seconds(60);

/// Counters of one venue API at one time.
#[derive(Debug, Clone, Copy)]
struct Sample {
    at: DateTime<Utc>,
    rate_limited: u64,
    failed: u64,
}

/// Watches the process; keeps the recent counter samples.
#[derive(Debug)]
pub struct Watchdog {
    conditions: Conditions,
    history: BTreeMap<&'static str, VecDeque<Sample>>,
    restarts: BTreeMap<String, u64>,
}

impl Watchdog {
    pub fn new(conditions: Conditions) -> Self {
        Self { conditions, history: BTreeMap::new(), restarts: BTreeMap::new() }
    }

    /// Checks everything at `now`; returns the conditions that started and those that cleared
    /// (their texts), and records the current set.
    pub fn check(
        &mut self,
        rt: &RuntimeState,
        venues: Option<&crate::Venues>,
        board: Option<&Board>,
        now: DateTime<Utc>,
    ) -> (Vec<String>, Vec<String>) {
        let mut present: BTreeMap<String, String> = BTreeMap::new();
        if let Some(v) = venues {
            let totals = [
                ("kalshi", v.kalshi.rest().stats()),
                ("gamma", v.gamma.rest().stats()),
                ("clob", v.clob.rest().stats()),
            ]
            .map(|(api, s)| (api, s.requests.get(), s.rate_limited.get(), s.server_errors.get() + s.malformed.get()));
            let freshness = crate::ops_history::freshness(&crate::desk::lock(&rt.desk).books, now);
            rt.ops.record(now, &totals, freshness);
        }
        if let Some(v) = venues {
            for (api, stats) in [
                ("kalshi", v.kalshi.rest().stats()),
                ("gamma", v.gamma.rest().stats()),
                ("clob", v.clob.rest().stats()),
            ] {
                let h = self.history.entry(api).or_default();
                h.push_back(Sample {
                    at: now,
                    rate_limited: stats.rate_limited.get(),
                    failed: stats.server_errors.get() + stats.malformed.get(),
                });
                while h.front().is_some_and(|s| now - s.at > WINDOW) && h.len() > 1 {
                    h.pop_front();
                }
                let (first, last) = (h.front().copied(), h.back().copied());
                if let (Some(a), Some(b)) = (first, last) {
                    let minutes = (b.at - a.at).num_seconds() / 60;
                    if b.rate_limited - a.rate_limited >= STORM_429 {
                        present.insert(
                            format!("429 {api}"),
                            format!(
                                "{api}: {} rate-limited (429) answers in {minutes} min",
                                b.rate_limited - a.rate_limited
                            ),
                        );
                    }
                    if b.failed - a.failed >= FAILING {
                        present.insert(
                            format!("failing {api}"),
                            format!("{api}: {} failed requests in {minutes} min", b.failed - a.failed),
                        );
                    }
                }
            }
        }
        for (venue, down) in rt.streams.outages(now) {
            if down >= GRACE {
                present.insert(format!("socket {venue}"), format!("{venue} socket down for {} s", down.num_seconds()));
            }
        }
        // The writer keeps the wall clock's time (a replay's pinned clock would make no sense of it).
        let since = rt.writer.stats.failing_since.load(std::sync::atomic::Ordering::Relaxed);
        let failing_ms = Utc::now().timestamp_millis() - since;
        if since > 0 && failing_ms >= GRACE.num_milliseconds() {
            present.insert("database".into(), format!("database writes failing for {} s", failing_ms / 1000));
        }
        if let Some(b) = board {
            for (name, s) in b.snapshot() {
                let before = self.restarts.insert(name.clone(), s.restarts).unwrap_or(s.restarts);
                if s.restarts > before {
                    present.insert(
                        format!("restart {name}"),
                        format!("service {name} restarted: {}", s.last_error.as_deref().unwrap_or("")),
                    );
                }
            }
        }
        let mut current = self.conditions.0.lock().unwrap_or_else(|p| p.into_inner());
        let started = present.iter().filter(|(k, _)| !current.contains_key(*k)).map(|(_, v)| v.clone()).collect();
        // A restart is an event, not a state: it is said once and never "cleared".
        let cleared = current
            .iter()
            .filter(|(k, _)| !present.contains_key(*k) && !k.starts_with("restart "))
            .map(|(_, v)| v.clone())
            .collect();
        *current = present;
        (started, cleared)
    }
}
