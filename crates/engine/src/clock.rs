//! The one place time is read. Pure crates take `now` as an argument; services ask a `Clock`.

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};

/// Where "now" comes from.
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    /// The system clock.
    System,
    /// Starts at a pinned instant (`CROSSBOOK_NOW`) and advances with real time, so replays of
    /// a capture see the capture's clock and still see time pass.
    Pinned { at: DateTime<Utc>, since: Instant },
    /// Never moves (tests).
    Frozen(DateTime<Utc>),
}

impl Clock {
    /// The system clock, or one pinned at `at` when given.
    pub fn from_setting(at: Option<DateTime<Utc>>) -> Self {
        match at {
            Some(at) => Clock::Pinned { at, since: Instant::now() },
            None => Clock::System,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match *self {
            Clock::System => Utc::now(),
            Clock::Pinned { at, since } => at + Duration::from_std(since.elapsed()).unwrap_or_default(),
            Clock::Frozen(at) => at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinned_clock_starts_at_the_pin() {
        let at = DateTime::parse_from_rfc3339("2026-01-09T18:00:00Z").unwrap().with_timezone(&Utc);
        let c = Clock::from_setting(Some(at));
        let now = c.now();
        assert!(now >= at && now < at + Duration::seconds(5));
        assert_eq!(Clock::Frozen(at).now(), at);
    }
}
