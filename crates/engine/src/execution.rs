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
    let mut trader = PaperTrader::new(TraderConfig {
        mode: ExecutionMode::Paper,
        latency: s.latency_ms.iter().map(|(v, ms)| (*v, Duration::milliseconds(*ms as i64))).collect(),
        slippage: s.slippage,
        max_size: Qty::from_whole(s.max_contracts as i64).unwrap_or(Qty::ZERO),
        balances: s.paper_balances.iter().copied().collect::<HashMap<_, _>>(),
        precision,
        limits: s.limits,
    });
    if s.kill_switch {
        trader.halt(Some(KILL_SWITCH));
    }
    Some(trader)
}

/// Why nothing is traded while the kill switch is on.
pub const KILL_SWITCH: &str = "the kill switch is on";

/// The kill switch's name among the operators' switches in the store (value `on` or `off`).
pub const KILL_SWITCH_CONTROL: &str = "kill_switch";

/// Sets the kill switch in the store, for every process (`by`: `cli`, `dashboard`).
pub async fn set_kill_switch(
    store: &dyn crossbook_store::Store,
    on: bool,
    by: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> crossbook_store::StoreResult<()> {
    store
        .set_control(&crossbook_store::Control {
            name: KILL_SWITCH_CONTROL.into(),
            value: if on { "on" } else { "off" }.into(),
            set_by: by.into(),
            set_at: now,
        })
        .await
}

/// Whether the stored kill switch is on.
pub async fn kill_switch_on(store: &dyn crossbook_store::Store) -> crossbook_store::StoreResult<bool> {
    Ok(store.control(KILL_SWITCH_CONTROL).await?.is_some_and(|c| c.value == "on"))
}

/// What the execution settings will do, said at start (`None`: they trade nothing).
pub fn describe(s: &ExecutionSettings) -> Option<String> {
    if s.mode != ExecutionMode::Paper {
        return None;
    }
    let money = |v: Venue| s.paper_balances.iter().find(|(x, _)| *x == v).map_or("0".into(), |(_, m)| m.to_string());
    let latency = s.latency_ms.iter().map(|(v, ms)| format!("{v} {ms} ms")).collect::<Vec<_>>().join(", ");
    Some(format!(
        "paper trading: every opportunity opened is taken on paper against the live books (no order is sent); \
         balances Kalshi ${}, Polymarket ${}, Polymarket US ${}; at most {} contracts a leg; latency {latency}; \
         hedge/unwind slippage {}; stops at a day's loss of ${}, ${} held unhedged, ${} per game{}",
        money(Venue::Kalshi),
        money(Venue::Polymarket),
        money(Venue::PolymarketUs),
        s.max_contracts,
        s.slippage,
        s.limits.daily_loss,
        s.limits.unhedged,
        s.limits.per_game,
        if s.kill_switch {
            "; the kill switch is ON: nothing is traded until `crossbook execution resume`"
        } else {
            ""
        }
    ))
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
