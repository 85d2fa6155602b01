//! The state of this process's sockets (frames, resets, outages) and the latencies of the
//! decisions they feed: kept here, handed to the desk, health and metrics (not process-wide
//! statics).

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Utc};
use crossbook_model::{PerVenue, Venue};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};

/// The sockets' state in this process, and the latencies of the decisions they feed.
#[derive(Debug, Default)]
pub struct StreamStatus {
    /// The decision path's latency histograms.
    pub latencies: Latencies,
    /// Book frames received.
    pub quote_updates: Counter,
    /// Socket resets (drops, sequence gaps, silence).
    pub(crate) resets: PerVenue<Counter>,
    /// Since when each venue's socket has been down, Unix milliseconds (0: up, or not started).
    down_since: PerVenue<AtomicI64>,
    /// Why a venue's socket is not run at all (its books then come from REST polling).
    off: std::sync::Mutex<PerVenue<Option<&'static str>>>,
    /// What each venue's sockets read and did not turn into changes: message types skipped by
    /// name, frames that could not be read (Polymarket's count its live-scores socket too).
    pub frames: PerVenue<Arc<crossbook_net::ws::FrameCounts>>,
}

/// Why the Kalshi socket is not run without credentials.
pub const KALSHI_SOCKET_NEEDS_KEY: &str =
    "no Kalshi API key: its order-book socket needs one; Kalshi books come from REST polling";

impl StreamStatus {
    /// A book frame of `venue` arrived: its socket is up.
    pub fn frame(&self, venue: Venue) {
        self.quote_updates.inc();
        self.alive(venue);
    }

    /// `venue`'s socket delivered a frame (one that changes no watched book): it is up.
    pub fn alive(&self, venue: Venue) {
        self.down_since[venue].store(0, Ordering::Relaxed);
    }

    /// `venue`'s socket was reset at `now`: down until its next book frame.
    pub fn reset(&self, venue: Venue, now: DateTime<Utc>) {
        self.resets[venue].inc();
        let _ =
            self.down_since[venue].compare_exchange(0, now.timestamp_millis(), Ordering::Relaxed, Ordering::Relaxed);
    }

    /// `venue`'s socket is not run, for `reason`.
    pub fn set_off(&self, venue: Venue, reason: &'static str) {
        self.off.lock().unwrap_or_else(|p| p.into_inner())[venue] = Some(reason);
    }

    /// Why `venue`'s socket is not run, if it is not.
    pub fn off(&self, venue: Venue) -> Option<&'static str> {
        self.off.lock().unwrap_or_else(|p| p.into_inner())[venue]
    }

    pub fn resets(&self, venue: Venue) -> u64 {
        self.resets[venue].get()
    }

    /// The venues whose socket is down at `now`, with how long it has been down.
    pub fn outages(&self, now: DateTime<Utc>) -> Vec<(Venue, chrono::Duration)> {
        Venue::ALL
            .into_iter()
            .filter_map(|v| match self.down_since[v].load(Ordering::Relaxed) {
                0 => None,
                since => Some((v, chrono::Duration::milliseconds(now.timestamp_millis() - since))),
            })
            .collect()
    }
}

/// Latencies of the decision path, in seconds.
#[derive(Debug)]
pub struct Latencies {
    /// A socket frame taken off its queue to the desk's decision on it.
    pub frame_decision: Histogram,
    /// A decision to raise an alert to the sink's acceptance of it.
    pub decision_alert: Histogram,
    /// The age of each venue's quote an opportunity was decided on.
    pub quote_age: PerVenue<Histogram>,
    /// Frames waiting on the stream queue when one is taken (backlog).
    pub frame_backlog: Histogram,
}

impl Default for Latencies {
    fn default() -> Self {
        Self {
            frame_decision: Histogram::new(exponential_buckets(0.000_005, 2.0, 18)),
            decision_alert: Histogram::new(exponential_buckets(0.000_1, 2.0, 18)),
            quote_age: PerVenue::from_fn(|_| Histogram::new(exponential_buckets(0.01, 2.0, 14))),
            frame_backlog: Histogram::new(exponential_buckets(1.0, 2.0, 14)),
        }
    }
}
