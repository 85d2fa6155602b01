//! Taking an opportunity: the orders sent for its legs, their fills, and what the trade made.
//!
//! A trade buys one set of legs (of which exactly one pays a dollar at settlement) leg after
//! leg; each later leg is sized to what the earlier ones filled, and a leg that fills short is
//! hedged or unwound (see `crossbook_exec`). Everything here is fixed-point.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::LinkId;
use crate::league::League;
use crate::market::MarketKind;
use crate::money::{Money, Price, Qty, Rounding};
use crate::opportunity::Side;
use crate::venue::Venue;

/// What crossbook does with an opportunity (setting `EXECUTION_MODE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ExecutionMode {
    /// Finds and reports only (the default).
    #[default]
    Off,
    /// Trades on paper against the live books: fills recorded as live ones would be.
    Paper,
    /// Sends orders to the venues.
    Live,
}

impl ExecutionMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ExecutionMode::Off => "off",
            ExecutionMode::Paper => "paper",
            ExecutionMode::Live => "live",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "off" | "" => Some(ExecutionMode::Off),
            "paper" => Some(ExecutionMode::Paper),
            "live" => Some(ExecutionMode::Live),
            _ => None,
        }
    }
}

/// Buying or selling an instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Buy,
    Sell,
}

/// What an order trades: a side of a binary market (Kalshi ticker, Polymarket US slug) or a
/// Polymarket outcome token.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Contract {
    pub venue: Venue,
    /// Kalshi ticker, Polymarket token id or Polymarket US slug: the book it trades on.
    pub market: String,
    /// The side of a binary market.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side: Option<Side>,
    /// The outcome of a Polymarket token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
}

/// Why an order filled as it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Filled in full.
    Filled,
    /// Filled in part; the rest cancelled (immediate-or-cancel).
    Partial,
    /// Nothing at or better than the limit when it arrived.
    Unfilled,
    /// Refused before matching (see `reject`).
    Rejected,
}

/// One order sent for a trade: immediate-or-cancel at a limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRecord {
    /// The client order id: unique, so the venue never takes it twice.
    pub order_id: String,
    /// The leg of the opportunity it trades (index into its legs).
    pub leg: usize,
    /// `leg`, `hedge` or `unwind`.
    pub purpose: String,
    pub contract: Contract,
    pub action: Action,
    pub limit_price: Price,
    pub size: Qty,
    pub sent_at: DateTime<Utc>,
    /// When it reached the venue's book (sent + latency + any in-play delay).
    pub arrives_at: DateTime<Utc>,
    pub status: OrderStatus,
    pub filled: Qty,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reject: Option<String>,
}

/// One fill, as a venue reports it: one level of the book taken by one order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fill {
    /// Unique: the order id and the fill's number.
    pub fill_id: String,
    pub order_id: String,
    pub trade_id: String,
    /// What was traded: `venue`, `market`, and its `side` or `outcome`, at the fill's top level.
    #[serde(flatten)]
    pub contract: Contract,
    pub action: Action,
    pub price: Price,
    pub size: Qty,
    /// The fee this fill adds to its order's, as the venue charges it.
    pub fee: Money,
    pub at: DateTime<Utc>,
    pub mode: ExecutionMode,
    /// The link whose opportunity was taken.
    pub opportunity: LinkId,
}

/// How a trade ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TradeStatus {
    /// Orders still to reach a venue.
    Working,
    /// Every leg holds the same size (a short leg bought up by a hedge): the sets pay a dollar
    /// each at settlement.
    Hedged,
    /// The first leg filled nothing: no position.
    Missed,
    /// A later leg filled short and the earlier legs' excess was sold back: what is left is
    /// hedged.
    Unwound,
    /// A leg is held beyond the others: exposed until settled or closed by hand.
    Unhedged,
}

impl TradeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TradeStatus::Working => "working",
            TradeStatus::Hedged => "hedged",
            TradeStatus::Missed => "missed",
            TradeStatus::Unwound => "unwound",
            TradeStatus::Unhedged => "unhedged",
        }
    }
}

/// A leg held beyond the hedged sets when the trade ended, valued at its best bid then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exposure {
    pub contract: Contract,
    pub size: Qty,
    /// What was paid for it (fees apart).
    pub cost: Money,
    /// What selling it to the book's bids would have brought (before fees); zero without bids.
    pub mark: Money,
}

/// One opportunity taken: its orders, fills and result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trade {
    pub trade_id: String,
    pub mode: ExecutionMode,
    pub link_id: LinkId,
    pub direction: String,
    pub kind: MarketKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub league: Option<League>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub game: Option<String>,
    pub decided_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<DateTime<Utc>>,
    /// The size the trade set out to buy (the opportunity's, within the caps), and what that
    /// size made on the books at the decision: the promise the trade is measured against.
    pub planned_size: Qty,
    pub planned_profit: Money,
    pub status: TradeStatus,
    pub orders: Vec<OrderRecord>,
    pub fills: Vec<Fill>,
    /// Sets held on every leg: each pays a dollar at settlement.
    pub sets: Qty,
    /// Paid for buys, received for sells, and fees (all orders).
    pub bought: Money,
    pub sold: Money,
    pub fees: Money,
    /// Legs held beyond the sets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exposure: Vec<Exposure>,
    /// sets × $1 + sold − bought − fees + the exposure's mark: what the trade made, counting
    /// the sets' settlement (certain under equivalent rules) and the exposure at its bid.
    pub pnl: Money,
}

impl Trade {
    /// Adds up the trade's fills: money in and out, and the P&L with `sets` and `exposure`.
    pub fn settle_books(&mut self) {
        let (mut bought, mut sold, mut fees) = (Money::ZERO, Money::ZERO, Money::ZERO);
        for f in &self.fills {
            match f.action {
                Action::Buy => bought += Money::of(f.price, f.size, Rounding::Up),
                Action::Sell => sold += Money::of(f.price, f.size, Rounding::Down),
            }
            fees += f.fee;
        }
        (self.bought, self.sold, self.fees) = (bought, sold, fees);
        let marks = self.exposure.iter().fold(Money::ZERO, |m, e| m + e.mark);
        self.pnl = Money::of(Price::ONE, self.sets, Rounding::Down) + sold - bought - fees + marks;
    }
}
