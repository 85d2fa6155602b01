//! What a venue accepts in an order on one market: the smallest size and notional, the price
//! grid, and the delay it puts on marketable orders while the game is live.

use serde::{Deserialize, Serialize};

use crate::money::{Money, Price, Qty, SCALE};

/// One range of a price grid: prices from `start` to `end` (millionths) in steps of `step`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridRange {
    pub start: i64,
    pub end: i64,
    pub step: i64,
}

/// The prices a market accepts (Kalshi `price_ranges`, Polymarket's tick size).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceGrid(pub Vec<GridRange>);

impl PriceGrid {
    /// One step over the whole price range.
    pub fn uniform(step: i64) -> Self {
        Self(vec![GridRange { start: 0, end: SCALE, step: step.max(1) }])
    }

    /// The step at `price` (the finer one where two ranges meet).
    pub fn step_at(&self, price: Price) -> i64 {
        let p = price.micros();
        self.0.iter().filter(|r| r.start <= p && p <= r.end).map(|r| r.step).min().unwrap_or(SCALE / 100)
    }

    /// Whether `price` is on the grid.
    pub fn contains(&self, price: Price) -> bool {
        let p = price.micros();
        self.0.iter().any(|r| r.start <= p && p <= r.end && (p - r.start) % r.step.max(1) == 0)
    }

    /// The least grid price at or above `price` (a buy's limit), if any.
    pub fn ceil(&self, price: Price) -> Option<Price> {
        let p = price.micros();
        self.0
            .iter()
            .filter(|r| p <= r.end)
            .map(|r| {
                let step = r.step.max(1);
                let from = p.max(r.start);
                r.start + (from - r.start + step - 1) / step * step
            })
            .filter(|&c| self.0.iter().any(|r| r.start <= c && c <= r.end))
            .min()
            .and_then(|c| Price::from_micros(c).ok())
    }

    /// The greatest grid price at or below `price` (a limit that must not be passed upwards).
    pub fn floor(&self, price: Price) -> Option<Price> {
        let p = price.micros();
        self.0
            .iter()
            .filter(|r| r.start <= p)
            .map(|r| r.start + (p.min(r.end) - r.start) / r.step.max(1) * r.step.max(1))
            .max()
            .and_then(|c| Price::from_micros(c).ok())
    }
}

impl Default for PriceGrid {
    fn default() -> Self {
        Self::uniform(SCALE / 100)
    }
}

/// A market's order rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRules {
    /// The smallest order size (contracts or shares).
    pub min_size: Qty,
    /// The smallest notional of a marketable buy.
    pub min_notional: Money,
    pub grid: PriceGrid,
    /// Seconds a marketable order is held while the game is live (Polymarket `secondsDelay`).
    pub in_play_delay_s: u32,
}

impl Default for OrderRules {
    /// One contract, no notional floor, a cent grid, no delay.
    fn default() -> Self {
        Self {
            min_size: Qty::from_micros(SCALE).unwrap_or(Qty::ZERO),
            min_notional: Money::ZERO,
            grid: PriceGrid::default(),
            in_play_delay_s: 0,
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
    fn grids_uniform_and_tapered() {
        let cent = PriceGrid::uniform(10_000);
        assert!(cent.contains(p("0.48")) && !cent.contains(p("0.485")));
        assert_eq!(cent.ceil(p("0.481")), Some(p("0.49")));
        assert_eq!(cent.ceil(p("0.48")), Some(p("0.48")));
        // Kalshi's tapered_deci_cent: 0.001 below 0.10 and above 0.90, 0.01 between.
        let tapered = PriceGrid(vec![
            GridRange { start: 0, end: 100_000, step: 1_000 },
            GridRange { start: 100_000, end: 900_000, step: 10_000 },
            GridRange { start: 900_000, end: 1_000_000, step: 1_000 },
        ]);
        assert!(tapered.contains(p("0.053")) && tapered.contains(p("0.95")) && tapered.contains(p("0.951")));
        assert!(!tapered.contains(p("0.515")));
        assert_eq!(tapered.step_at(p("0.5")), 10_000);
        assert_eq!(tapered.step_at(p("0.1")), 1_000);
        assert_eq!(tapered.ceil(p("0.515")), Some(p("0.52")));
        assert_eq!(tapered.ceil(p("0.0995")), Some(p("0.1")));
        assert_eq!(tapered.ceil(p("0.9001")), Some(p("0.901")));
        assert_eq!(cent.floor(p("0.489")), Some(p("0.48")));
        assert_eq!(tapered.floor(p("0.515")), Some(p("0.51")));
        assert_eq!(tapered.floor(p("0.0995")), Some(p("0.099")));
        assert_eq!(tapered.floor(p("0.9509")), Some(p("0.95")));
    }
}
