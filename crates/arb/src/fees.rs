//! The venues' taker fees, exactly as they charge them, in millionths.
//!
//! Kalshi, per fill: the trade fee `rate × multiplier × C × P × (1 − P)` rounded up to $0.0001;
//! then the account's balance is floored to its precision (a cent for most accounts, $0.0001
//! for direct members) and the difference is charged as a rounding fee; rounding overpaid
//! across an order's fills comes back in whole cents once it passes $0.01 (the fee
//! accumulator). So an order's fee converges to that of one equivalent fill.
//!
//! Polymarket, takers only: `C × rate × (P × (1 − P))^exponent` per fill; the order's fee to
//! 5 decimal places (the venue rounds fees to 5 decimals; rounding up never understates it).
//!
//! Polymarket US, per trade: the taker pays `Θ × C × P × (1 − P)` (Θ the market's
//! `feeCoefficient`), each trade's fee rounded to the nearest cent, half to even
//! (docs.polymarket.us fees). How an order splits into trades is not known before it fills:
//! the order's exact fee is rounded up to the cent.

use crossbook_model::{FeeSchedule, Money, Price, Qty};

const M: i128 = 1_000_000;

/// How precisely the Kalshi account's balance is kept (setting `KALSHI_BALANCE_PRECISION`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BalancePrecision {
    /// $0.01: accounts that are not direct members of the exchange (the default).
    #[default]
    Cent,
    /// $0.0001: direct members.
    Centicent,
}

impl BalancePrecision {
    /// The step in millionths.
    pub fn step(self) -> i64 {
        match self {
            BalancePrecision::Cent => 10_000,
            BalancePrecision::Centicent => 100,
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "cent" | "0.01" => Some(BalancePrecision::Cent),
            "centicent" | "0.0001" => Some(BalancePrecision::Centicent),
            _ => None,
        }
    }
}

fn ceil_div(n: i128, d: i128) -> i128 {
    if n <= 0 { 0 } else { (n + d - 1) / d }
}

/// The fee of one order, fill by fill.
#[derive(Debug, Clone, Copy)]
pub struct OrderFee {
    schedule: FeeSchedule,
    /// Kalshi balance step, millionths.
    step: i64,
    /// Kalshi: rounding paid and not yet rebated, millionths.
    accumulated: i64,
    /// Kalshi: net fee so far, millionths.
    kalshi: i64,
    /// Polymarket and Polymarket US: Σ exact fees in 1e-24 dollars.
    poly: i128,
}

impl OrderFee {
    pub fn new(schedule: FeeSchedule, precision: BalancePrecision) -> Self {
        Self { schedule, step: precision.step(), accumulated: 0, kalshi: 0, poly: 0 }
    }

    /// One fill of `size` at `price` (its cost is `size × price`).
    pub fn fill(&mut self, price: Price, size: Qty) {
        let (p, c) = (price.micros() as i128, size.micros() as i128);
        match self.schedule {
            FeeSchedule::Free | FeeSchedule::Unpriced => {}
            FeeSchedule::KalshiQuadratic { taker_rate, multiplier, .. } => {
                // 1e-30 dollars → up to $0.0001 (1e26 of them) → millionths.
                let trade = ceil_div(taker_rate as i128 * multiplier as i128 * c * p * (M - p), 10_i128.pow(26)) * 100;
                let trade = i64::try_from(trade).unwrap_or(i64::MAX / 4);
                let cost = Money::of(price, size, crossbook_model::Rounding::Up).micros();
                let change = -cost - trade;
                let floored = change.div_euclid(self.step) * self.step;
                let rounding = change - floored;
                self.accumulated += rounding;
                let rebate = if self.accumulated > 10_000 {
                    self.accumulated -= 10_000;
                    10_000
                } else {
                    0
                };
                self.kalshi += trade + rounding - rebate;
            }
            FeeSchedule::PolymarketCurve { rate, exponent } => {
                // (P (1 − P))^exponent in 1e-12, rounded up at each power.
                let x = p * (M - p);
                let mut pow = M * M;
                for _ in 0..exponent {
                    pow = ceil_div(pow * x, M * M);
                }
                self.poly += c * rate as i128 * pow;
            }
            FeeSchedule::PolymarketUsCurve { taker_rate, .. } => {
                self.poly += c * taker_rate as i128 * p * (M - p);
            }
        }
    }

    /// The order's fee so far.
    pub fn total(&self) -> Money {
        let micros = match self.schedule {
            FeeSchedule::Free => 0,
            FeeSchedule::Unpriced => i64::MAX / 4,
            FeeSchedule::KalshiQuadratic { .. } => self.kalshi,
            // 1e-24 dollars → up to $0.00001 (1e19 of them) → millionths.
            FeeSchedule::PolymarketCurve { .. } => {
                i64::try_from(ceil_div(self.poly, 10_i128.pow(19)) * 10).unwrap_or(i64::MAX / 4)
            }
            // 1e-24 dollars → up to a cent (1e22 of them) → millionths.
            FeeSchedule::PolymarketUsCurve { .. } => {
                i64::try_from(ceil_div(self.poly, 10_i128.pow(22)) * 10_000).unwrap_or(i64::MAX / 4)
            }
        };
        Money::from_micros(micros).unwrap_or(Money::ZERO)
    }
}

/// The fee rate per contract at `price`, unrounded (for deciding whether one more contract
/// pays); a schedule that cannot be priced costs a whole dollar, so nothing pays.
pub fn marginal_fee_micros(schedule: &FeeSchedule, price: Price) -> i64 {
    // Kalshi's, the one on every step of a walk, in `i64` while it fits.
    if let FeeSchedule::KalshiQuadratic { taker_rate, multiplier, .. } = *schedule {
        let p = price.micros();
        let fast = p
            .checked_mul(1_000_000 - p)
            .and_then(|v| taker_rate.checked_mul(v / 1_000_000))
            .and_then(|v| (v / 1_000_000).checked_mul(multiplier));
        if let Some(v) = fast {
            return v / 1_000_000;
        }
    }
    let p = price.micros() as i128;
    let pq = p * (M - p) / M; // P (1 − P) in µ
    let v = match *schedule {
        FeeSchedule::Free => 0,
        FeeSchedule::Unpriced => M,
        FeeSchedule::KalshiQuadratic { taker_rate, multiplier, .. } => {
            taker_rate as i128 * pq / M * multiplier as i128 / M
        }
        FeeSchedule::PolymarketCurve { rate, exponent } => {
            let mut x = M;
            for _ in 0..exponent {
                x = x * pq / M;
            }
            rate as i128 * x / M
        }
        FeeSchedule::PolymarketUsCurve { taker_rate, .. } => taker_rate as i128 * pq / M,
    };
    i64::try_from(v).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kalshi(multiplier: i64) -> FeeSchedule {
        FeeSchedule::KalshiQuadratic { taker_rate: 70_000, maker_rate: 17_500, multiplier }
    }

    fn fee(s: &FeeSchedule, precision: BalancePrecision, fills: &[(&str, &str)]) -> String {
        let mut f = OrderFee::new(*s, precision);
        for (p, q) in fills {
            f.fill(p.parse().unwrap(), q.parse().unwrap());
        }
        f.total().to_string()
    }

    /// Kalshi's marginal fee in `i64` equals the exact `i128` formula across prices.
    #[test]
    fn kalshi_marginal_fee_fast_path_is_exact() {
        for multiplier in [1_000_000, 250_000, 2_000_000] {
            let s = kalshi(multiplier);
            for p in (0..=1_000_000).step_by(997) {
                let p128 = p as i128;
                let pq = p128 * (M - p128) / M;
                let exact = 70_000 * pq / M * multiplier as i128 / M;
                assert_eq!(marginal_fee_micros(&s, Price::from_micros(p).unwrap()) as i128, exact, "{p} {multiplier}");
            }
        }
    }

    #[test]
    fn kalshi_trade_fees_to_the_centicent_and_balances_to_the_account() {
        use BalancePrecision::{Cent, Centicent};
        // The real fill (demo exchange, Jul 2026): 1 NO at 0.52 → fee_cost "0.017500":
        // 0.07 × 0.52 × 0.48 = 0.017472 → 0.0175. A cent-precision balance pays the 0.0025
        // that brings −0.5375 to −0.54 on top.
        assert_eq!(fee(&kalshi(1_000_000), Centicent, &[("0.52", "1")]), "0.0175");
        assert_eq!(fee(&kalshi(1_000_000), Cent, &[("0.52", "1")]), "0.02");
        // Kalshi's documented example: 1 contract at $0.50 → $0.02 (0.0175 + 0.0025).
        assert_eq!(fee(&kalshi(1_000_000), Cent, &[("0.50", "1")]), "0.02");
        // 0.07 × 100 × 0.42 × 0.58 = 1.7052 (already a centicent): 1.7052, or 1.71 in cents.
        assert_eq!(fee(&kalshi(1_000_000), Centicent, &[("0.42", "100")]), "1.7052");
        assert_eq!(fee(&kalshi(1_000_000), Cent, &[("0.42", "100")]), "1.71");
        // The multiplier before rounding: 0.5 × 1.7052 = 0.8526 (after, it would be 0.855).
        assert_eq!(fee(&kalshi(500_000), Centicent, &[("0.42", "100")]), "0.8526");
        // Fee-rounding's subpenny case: 3 one-lot fills at 0.055, cent balance. Each: trade
        // 0.07 × 0.055 × 0.945 = 0.00363825 → 0.0037; −0.055 − 0.0037 = −0.0587 → −0.06, rounding
        // 0.0013; 3 × 0.0050 = 0.015, the same as one fill of 3 (0.0110 + 0.0040).
        assert_eq!(fee(&kalshi(1_000_000), Cent, &[("0.055", "1"), ("0.055", "1"), ("0.055", "1")]), "0.015");
        assert_eq!(fee(&kalshi(1_000_000), Cent, &[("0.055", "3")]), "0.015");
        // The accumulator: one order over two levels, 50 at 0.42 and 50 at 0.44. Fill 1: trade
        // 0.8526, −21 − 0.8526 → −21.86, rounding 0.0074. Fill 2: 0.07 × 50 × 0.44 × 0.56 = 0.8624,
        // −22.8624 → −22.87, rounding 0.0076; accumulated 0.0150 > 0.01 → 0.01 back. Net
        // 0.8526 + 0.0074 + 0.8624 + 0.0076 − 0.01 = 1.72.
        assert_eq!(fee(&kalshi(1_000_000), Cent, &[("0.42", "50"), ("0.44", "50")]), "1.72");
        assert_eq!(fee(&FeeSchedule::Free, Cent, &[("0.42", "100")]), "0");
    }

    #[test]
    fn polymarket_fees_at_their_rate_and_exponent() {
        // 0.03 × 100 × 0.5 × 0.5 = 0.75 (the 0.75 % peak).
        let s = FeeSchedule::PolymarketCurve { rate: 30_000, exponent: 1 };
        assert_eq!(fee(&s, BalancePrecision::Cent, &[("0.50", "100")]), "0.75");
        // 0.03 × 7 × 0.33 × 0.67 = 0.046431 → 0.04644 (5 places, up).
        assert_eq!(fee(&s, BalancePrecision::Cent, &[("0.33", "7")]), "0.04644");
        // The sports rate from 2026-07-10: 0.05 × 3 × 0.47 × 0.53 = 0.037365 → 0.03737, and
        // 0.05 × 3 × 0.471 × 0.529 = 0.03737385 → 0.03738.
        let sports = FeeSchedule::PolymarketCurve { rate: 50_000, exponent: 1 };
        assert_eq!(fee(&sports, BalancePrecision::Cent, &[("0.47", "3")]), "0.03737");
        assert_eq!(fee(&sports, BalancePrecision::Cent, &[("0.471", "3")]), "0.03738");
        // Exponent 2: 0.25 × 100 × (0.4 × 0.6)² = 1.44.
        let squared = FeeSchedule::PolymarketCurve { rate: 250_000, exponent: 2 };
        assert_eq!(fee(&squared, BalancePrecision::Cent, &[("0.40", "100")]), "1.44");
        // Two fills, one rounding: 0.03 × (10 × 0.2475 + 10 × 0.2496) = 0.14913 (exact).
        assert_eq!(fee(&s, BalancePrecision::Cent, &[("0.45", "10"), ("0.48", "10")]), "0.14913");
        assert_eq!(marginal_fee_micros(&s, "0.5".parse().unwrap()), 7_500);
        assert_eq!(marginal_fee_micros(&squared, "0.4".parse().unwrap()), 14_400);
        assert_eq!(marginal_fee_micros(&kalshi(1_000_000), "0.5".parse().unwrap()), 17_500);
        assert_eq!(marginal_fee_micros(&FeeSchedule::Unpriced, "0.5".parse().unwrap()), 1_000_000);
    }

    #[test]
    fn polymarket_us_fees_at_the_markets_coefficient_rounded_up_to_the_cent() {
        // Θ = 0.0695 (from 2026-09-25): 0.0695 × 100 × 0.5 × 0.5 = 1.7375 → 1.74.
        let s = FeeSchedule::PolymarketUsCurve { taker_rate: 69_500, maker_rebate: 12_500 };
        assert_eq!(fee(&s, BalancePrecision::Cent, &[("0.50", "100")]), "1.74");
        // Half-cent ticks: 0.0695 × 10 × 0.635 × 0.365 = 0.16108… → 0.17.
        assert_eq!(fee(&s, BalancePrecision::Cent, &[("0.635", "10")]), "0.17");
        // Θ = 0.06 (the September 2026 payloads): 0.06 × 50 × 0.4 × 0.6 = 0.72, exact.
        let sept = FeeSchedule::PolymarketUsCurve { taker_rate: 60_000, maker_rebate: 0 };
        assert_eq!(fee(&sept, BalancePrecision::Cent, &[("0.40", "50")]), "0.72");
        // Two fills, one rounding: 0.06 × (10 × 0.24 + 10 × 0.2475) = 0.2925 → 0.30.
        assert_eq!(fee(&sept, BalancePrecision::Cent, &[("0.40", "10"), ("0.45", "10")]), "0.3");
        assert_eq!(marginal_fee_micros(&s, "0.5".parse().unwrap()), 17_375);
    }
}
