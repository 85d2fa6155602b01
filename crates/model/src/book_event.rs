//! What the venues' book streams say, normalized.

use crate::market::{FeeSchedule, MarketState};
use crate::money::{Price, Qty};
use crate::venue::Venue;

/// One change to a book, as a stream delivers it (serialized in recordings).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BookEvent {
    /// A whole Polymarket book (the initial dump, or a `book` event).
    PolySnapshot { token: String, bids: Vec<(Price, Qty)>, asks: Vec<(Price, Qty)> },
    /// One Polymarket level's new absolute size (`price_change`; zero removes it).
    PolyLevel { token: String, bid: bool, price: Price, size: Qty },
    /// A whole Kalshi book: YES bids and NO bids.
    KalshiSnapshot { ticker: String, yes: Vec<(Price, Qty)>, no: Vec<(Price, Qty)> },
    /// A Polymarket market's new tick size (`tick_size_change`): prices off the new grid can no
    /// longer be traded.
    PolyTick { token: String, tick: Price },
    /// A Kalshi delta, in millionths of a contract, already checked for sequence gaps.
    KalshiDelta { ticker: String, yes: bool, price: Price, delta: i64 },
    /// A market's tradability changed (Kalshi's lifecycle channel; Polymarket's
    /// `market_resolved`, one per token): `book` is the Kalshi ticker or the Polymarket token.
    MarketState { venue: Venue, book: String, state: MarketState },
    /// A Kalshi event's fee override (`event_fee_update`): the schedule its markets are charged
    /// from now on, or `None` when the override was cleared (the series' schedule applies again).
    KalshiFees { event_ticker: String, fees: Option<FeeSchedule> },
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
            BookEvent::PolySnapshot { .. } | BookEvent::PolyLevel { .. } | BookEvent::PolyTick { .. } => {
                Venue::Polymarket
            }
            BookEvent::KalshiSnapshot { .. } | BookEvent::KalshiDelta { .. } | BookEvent::KalshiFees { .. } => {
                Venue::Kalshi
            }
            BookEvent::Invalidated { venue, .. } | BookEvent::MarketState { venue, .. } => *venue,
        }
    }

    /// The book it concerns (none for [`BookEvent::Invalidated`] and [`BookEvent::KalshiFees`]).
    pub fn book_id(&self) -> Option<&str> {
        match self {
            BookEvent::PolySnapshot { token, .. }
            | BookEvent::PolyLevel { token, .. }
            | BookEvent::PolyTick { token, .. } => Some(token),
            BookEvent::KalshiSnapshot { ticker, .. } | BookEvent::KalshiDelta { ticker, .. } => Some(ticker),
            BookEvent::MarketState { book, .. } => Some(book),
            BookEvent::Invalidated { .. } | BookEvent::KalshiFees { .. } => None,
        }
    }
}
