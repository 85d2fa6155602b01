//! The normalized domain of crossbook. No I/O and no clock: callers pass `now`.
#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

/// Registry entries kept in the database.
pub mod alias;
/// Normalized book stream events.
pub mod book_event;
/// Orders, fills and trades.
pub mod execution;
/// Venue and internal identifiers as validated newtypes.
pub mod ids;
/// Topics, sports and the league catalogue.
pub mod league;
/// Links between a Kalshi market and a Polymarket outcome.
pub mod link;
/// Events and markets.
pub mod market;
/// Fixed-point prices, sizes and money.
pub mod money;
/// Arbitrage opportunities.
pub mod opportunity;
/// What a venue accepts in an order.
pub mod order_rules;
/// The adapters' parse error.
pub mod parse_error;
/// Eastern dates and venue timestamp formats.
pub mod time;
/// The venues.
pub mod venue;

pub use alias::{AliasKind, AliasSource, TeamAlias};
pub use book_event::BookEvent;
pub use execution::{Action, Contract, ExecutionMode, Exposure, Fill, OrderRecord, OrderStatus, Trade, TradeStatus};
pub use ids::*;
pub use league::{League, Sport, Topic};
pub use link::{Decider, Link, LinkCandidate, LinkDecision, LinkStatus, RuleRisk};
pub use market::{
    Event, FeeSchedule, Line, Market, MarketKind, MarketRef, MarketState, MarketStatus, Outcome, Participant, Subject,
};
pub use money::{DecimalError, Money, Price, Qty, Rounding};
pub use opportunity::{Capital, Leg, Opportunity, QuoteAges, Side, VenueUrls};
pub use order_rules::{GridRange, OrderRules, PriceGrid};
pub use venue::{PerVenue, Venue};
