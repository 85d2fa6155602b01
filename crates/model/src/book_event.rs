//! What the venues' book streams say, in one venue-neutral form: each adapter turns its
//! venue's frames into these, so the books, the desk and the recordings read every venue alike.

use crate::market::{FeeSchedule, MarketState};
use crate::money::{Price, Qty};
use crate::venue::Venue;

/// One change to a book, as a stream delivers it (serialized in recordings). A book is one
/// outcome's YES book (a Kalshi market, a Polymarket token): bids to buy it, asks to sell it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", from = "Recorded")]
pub enum BookEvent {
    /// A whole book.
    Snapshot { venue: Venue, book: String, bids: Vec<(Price, Qty)>, asks: Vec<(Price, Qty)> },
    /// One level's new absolute size (zero removes it).
    Level { venue: Venue, book: String, bid: bool, price: Price, size: Qty },
    /// One level's change, in millionths of a contract (the stream has checked its sequence).
    Delta { venue: Venue, book: String, bid: bool, price: Price, delta: i64 },
    /// A book's new tick size: prices off the new grid can no longer be traded.
    Tick { venue: Venue, book: String, tick: Price },
    /// A market's tradability changed (Kalshi's lifecycle channel; Polymarket's
    /// `market_resolved`, one per token).
    MarketState { venue: Venue, book: String, state: MarketState },
    /// An event's fee override: the schedule its markets are charged from now on, or `None`
    /// when the override was cleared (the series' schedule applies again).
    Fees { venue: Venue, event: String, fees: Option<FeeSchedule> },
    /// A stream was lost or broke (drop, sequence gap, silence): the books it held are unknown
    /// until fresh snapshots arrive. `books` empty (as in recordings made before streams named
    /// their books): every book of the venue.
    Invalidated {
        venue: Venue,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        books: Vec<String>,
        reason: String,
    },
}

impl BookEvent {
    /// The venue whose stream sent it.
    pub fn venue(&self) -> Venue {
        match self {
            BookEvent::Snapshot { venue, .. }
            | BookEvent::Level { venue, .. }
            | BookEvent::Delta { venue, .. }
            | BookEvent::Tick { venue, .. }
            | BookEvent::MarketState { venue, .. }
            | BookEvent::Fees { venue, .. }
            | BookEvent::Invalidated { venue, .. } => *venue,
        }
    }

    /// The book it concerns (none for [`BookEvent::Invalidated`] and [`BookEvent::Fees`]).
    pub fn book_id(&self) -> Option<&str> {
        match self {
            BookEvent::Snapshot { book, .. }
            | BookEvent::Level { book, .. }
            | BookEvent::Delta { book, .. }
            | BookEvent::Tick { book, .. }
            | BookEvent::MarketState { book, .. } => Some(book),
            BookEvent::Invalidated { .. } | BookEvent::Fees { .. } => None,
        }
    }
}

/// A recorded event: the current form, or the per-venue form recordings were written in before
/// (read on, so that no recording is lost).
#[derive(serde::Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Recorded {
    Snapshot {
        venue: Venue,
        book: String,
        bids: Vec<(Price, Qty)>,
        asks: Vec<(Price, Qty)>,
    },
    Level {
        venue: Venue,
        book: String,
        bid: bool,
        price: Price,
        size: Qty,
    },
    Delta {
        venue: Venue,
        book: String,
        bid: bool,
        price: Price,
        delta: i64,
    },
    Tick {
        venue: Venue,
        book: String,
        tick: Price,
    },
    MarketState {
        venue: Venue,
        book: String,
        state: MarketState,
    },
    Fees {
        venue: Venue,
        event: String,
        fees: Option<FeeSchedule>,
    },
    Invalidated {
        venue: Venue,
        #[serde(default)]
        books: Vec<String>,
        reason: String,
    },
    PolySnapshot {
        token: String,
        bids: Vec<(Price, Qty)>,
        asks: Vec<(Price, Qty)>,
    },
    PolyLevel {
        token: String,
        bid: bool,
        price: Price,
        size: Qty,
    },
    PolyTick {
        token: String,
        tick: Price,
    },
    /// YES bids and NO bids.
    KalshiSnapshot {
        ticker: String,
        yes: Vec<(Price, Qty)>,
        no: Vec<(Price, Qty)>,
    },
    KalshiDelta {
        ticker: String,
        yes: bool,
        price: Price,
        delta: i64,
    },
    KalshiFees {
        event_ticker: String,
        fees: Option<FeeSchedule>,
    },
}

/// Each NO bid at `p` as a YES ask at `1 − p` (buying YES is selling NO).
pub fn asks_from_no_bids(no_bids: &[(Price, Qty)]) -> Vec<(Price, Qty)> {
    no_bids.iter().map(|&(p, q)| (p.complement(), q)).collect()
}

impl From<Recorded> for BookEvent {
    fn from(r: Recorded) -> Self {
        match r {
            Recorded::Snapshot { venue, book, bids, asks } => BookEvent::Snapshot { venue, book, bids, asks },
            Recorded::Level { venue, book, bid, price, size } => BookEvent::Level { venue, book, bid, price, size },
            Recorded::Delta { venue, book, bid, price, delta } => BookEvent::Delta { venue, book, bid, price, delta },
            Recorded::Tick { venue, book, tick } => BookEvent::Tick { venue, book, tick },
            Recorded::MarketState { venue, book, state } => BookEvent::MarketState { venue, book, state },
            Recorded::Fees { venue, event, fees } => BookEvent::Fees { venue, event, fees },
            Recorded::Invalidated { venue, books, reason } => BookEvent::Invalidated { venue, books, reason },
            Recorded::PolySnapshot { token, bids, asks } => {
                BookEvent::Snapshot { venue: Venue::Polymarket, book: token, bids, asks }
            }
            Recorded::PolyLevel { token, bid, price, size } => {
                BookEvent::Level { venue: Venue::Polymarket, book: token, bid, price, size }
            }
            Recorded::PolyTick { token, tick } => BookEvent::Tick { venue: Venue::Polymarket, book: token, tick },
            Recorded::KalshiSnapshot { ticker, yes, no } => {
                BookEvent::Snapshot { venue: Venue::Kalshi, book: ticker, bids: yes, asks: asks_from_no_bids(&no) }
            }
            Recorded::KalshiDelta { ticker, yes, price, delta } => BookEvent::Delta {
                venue: Venue::Kalshi,
                book: ticker,
                bid: yes,
                price: if yes { price } else { price.complement() },
                delta,
            },
            Recorded::KalshiFees { event_ticker, fees } => {
                BookEvent::Fees { venue: Venue::Kalshi, event: event_ticker, fees }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Price {
        s.parse().unwrap()
    }

    #[test]
    fn recordings_of_the_per_venue_form_read_as_the_neutral_one() {
        let old = r#"{"type":"kalshi_snapshot","ticker":"T","yes":[["0.40","10"]],"no":[["0.55","20"]]}"#;
        let e: BookEvent = serde_json::from_str(old).unwrap();
        let ask = match &e {
            BookEvent::Snapshot { venue: Venue::Kalshi, book, bids, asks } if book == "T" && bids.len() == 1 => asks[0],
            other => panic!("{other:?}"),
        };
        assert_eq!(ask.0, p("0.45"), "a NO bid at 0.55 is a YES ask at 0.45");
        let old = r#"{"type":"kalshi_delta","ticker":"T","yes":false,"price":"0.57","delta":3000000}"#;
        assert_eq!(
            serde_json::from_str::<BookEvent>(old).unwrap(),
            BookEvent::Delta { venue: Venue::Kalshi, book: "T".into(), bid: false, price: p("0.43"), delta: 3_000_000 }
        );
        let old = r#"{"type":"poly_level","token":"A","bid":true,"price":"0.5","size":"3"}"#;
        assert!(matches!(serde_json::from_str(old).unwrap(), BookEvent::Level { venue: Venue::Polymarket, .. }));
        // The neutral form is written and read back as it is.
        let e = BookEvent::Tick { venue: Venue::Polymarket, book: "A".into(), tick: p("0.001") };
        let text = serde_json::to_string(&e).unwrap();
        assert_eq!(text, r#"{"type":"tick","venue":"polymarket","book":"A","tick":"0.001"}"#);
        assert_eq!(serde_json::from_str::<BookEvent>(&text).unwrap(), e);
    }
}
