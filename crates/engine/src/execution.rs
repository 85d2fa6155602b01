//! Taking opportunities at the desk (`EXECUTION_MODE=paper`): the desk hands each opportunity
//! it opens to the paper trader ([`crossbook_exec::PaperTrader`]) and, on every input after it
//! (a socket frame, a REST pass, the timer), lets the orders that have reached their venues by
//! then match against the books as they are at that moment. Ended trades go to the writer.
//!
//! An opportunity is taken once when it opens (not again on each refresh of the same
//! opportunity: the venue's book would not show that the first trade took its liquidity), and
//! never when it is the alternative of a better one.

use std::collections::HashMap;

use chrono::Duration;
use crossbook_book::OrderBook;
use crossbook_exec::{Books, PaperTrader, TraderConfig};
use crossbook_model::{ExecutionMode, MarketState, Qty, Venue};

use crate::books::LiveBooks;
use crate::settings::ExecutionSettings;

/// The paper trader the settings ask for (`None` unless `EXECUTION_MODE=paper`).
pub fn paper_trader(s: &ExecutionSettings, precision: crossbook_arb::BalancePrecision) -> Option<PaperTrader> {
    if s.mode != ExecutionMode::Paper {
        return None;
    }
    Some(PaperTrader::new(TraderConfig {
        mode: ExecutionMode::Paper,
        latency: s.latency_ms.iter().map(|(v, ms)| (*v, Duration::milliseconds(*ms as i64))).collect(),
        slippage: s.slippage,
        max_size: Qty::from_whole(s.max_contracts as i64).unwrap_or(Qty::ZERO),
        balances: s.paper_balances.iter().copied().collect::<HashMap<_, _>>(),
        precision,
    }))
}

/// The desk's books as an arriving order sees them: none where the market takes no orders.
pub(crate) struct DeskBooks<'a> {
    pub books: &'a LiveBooks,
    /// The market's state now (as its venue last said), where known.
    pub state: &'a dyn Fn(Venue, &str) -> Option<MarketState>,
}

impl Books for DeskBooks<'_> {
    fn book(&self, venue: Venue, market: &str) -> Result<&OrderBook, &'static str> {
        if let Some(state) = (self.state)(venue, market).filter(|s| !s.is_tradable()) {
            return Err(match state {
                MarketState::Paused => "market paused",
                MarketState::NotOpen => "market not open",
                MarketState::Closed => "market closed",
                MarketState::Resolving | MarketState::Resolved => "market resolving",
                MarketState::Open => "market open",
            });
        }
        self.books.get(venue, market).ok_or("no book")
    }
}
