//! Sharp moves: a short history of mid prices per book; a mid that moved more than the
//! threshold (10 % by default) within the window (one minute) is a sharp move — an event, an
//! alert, and a count in the metrics. One per book per window.

use std::collections::VecDeque;

use chrono::{DateTime, Duration, Utc};
use crossbook_model::{Price, Venue};

use crate::books::ByVenue;

/// A detected move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharpMove {
    pub venue: Venue,
    pub book: String,
    pub from: Price,
    pub to: Price,
    /// Signed change in basis points of `from`.
    pub change_bps: i64,
    pub over: Duration,
    /// The game's score changed just before (set by whoever knows the game's state).
    pub score_driven: bool,
}

/// Recent mids of one book, oldest first.
type MidHistory = VecDeque<(DateTime<Utc>, Price)>;

/// Mid-price history per book.
#[derive(Debug)]
pub struct SharpMoves {
    window: Duration,
    threshold_bps: i64,
    history: ByVenue<MidHistory>,
    last_flagged: ByVenue<DateTime<Utc>>,
}

impl SharpMoves {
    pub fn new(window: Duration, threshold_bps: i64) -> Self {
        Self { window, threshold_bps, history: ByVenue::default(), last_flagged: ByVenue::default() }
    }

    /// Records a mid; returns the move when it is sharp.
    pub fn observe(&mut self, venue: Venue, book: &str, mid: Price, now: DateTime<Utc>) -> Option<SharpMove> {
        let h = self.history.entry(venue, book);
        while h.front().is_some_and(|(t, _)| now - *t > self.window) {
            h.pop_front();
        }
        h.push_back((now, mid));
        let &(t0, from) = h.front()?;
        if from.micros() == 0 || from == mid {
            return None;
        }
        let change_bps = (mid.micros() - from.micros()) * 10_000 / from.micros();
        if change_bps.abs() <= self.threshold_bps {
            return None;
        }
        if self.last_flagged.get(venue, book).is_some_and(|t| now - *t <= self.window) {
            return None;
        }
        self.last_flagged.insert(venue, book, now);
        Some(SharpMove {
            venue,
            book: book.to_string(),
            from,
            to: mid,
            change_bps,
            over: now - t0,
            score_driven: false,
        })
    }
}

impl Default for SharpMoves {
    fn default() -> Self {
        Self::new(Duration::minutes(1), 1_000)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn flags_moves_over_ten_percent_within_a_minute_once() {
        let mut s = SharpMoves::default();
        let t = |sec: i64| Utc.with_ymd_and_hms(2026, 1, 9, 23, 50, 0).unwrap() + Duration::seconds(sec);
        let p = |x: &str| x.parse::<Price>().unwrap();
        assert_eq!(s.observe(Venue::Polymarket, "A", p("0.40"), t(0)), None);
        assert_eq!(s.observe(Venue::Polymarket, "A", p("0.43"), t(20)), None, "+7.5 %");
        let m = s.observe(Venue::Polymarket, "A", p("0.45"), t(40)).unwrap();
        assert_eq!((m.change_bps, m.over), (1_250, Duration::seconds(40)));
        assert_eq!(s.observe(Venue::Polymarket, "A", p("0.50"), t(50)), None, "one per window");
        // The same rise spread over more than a minute is not sharp.
        let mut slow = SharpMoves::default();
        slow.observe(Venue::Kalshi, "K", p("0.40"), t(0));
        slow.observe(Venue::Kalshi, "K", p("0.42"), t(45));
        assert_eq!(slow.observe(Venue::Kalshi, "K", p("0.45"), t(90)), None);
        // Falls count too.
        assert!(slow.observe(Venue::Kalshi, "K", p("0.30"), t(100)).is_some_and(|m| m.change_bps < -1_000));
    }
}
