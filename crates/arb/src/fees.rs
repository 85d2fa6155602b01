//! The venues' taker fees, exactly, in millionths.
//!
//! Kalshi: `ceil_to_cent(rate × C × P × (1 − P)) × multiplier`, per order.
//! Polymarket: `C × rate × (P × (1 − P))^exponent`, rounded up to 0.0001, takers only.

use crossbook_model::{FeeSchedule, Money, Price, Qty};

const M: i128 = 1_000_000;

/// Σ C × P × (1 − P) over fills, in 1e-18 units (size micros × price micros × price micros).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Variance(i128);

impl Variance {
    pub fn add(&mut self, price: Price, size: Qty) {
        let p = price.micros() as i128;
        self.0 += size.micros() as i128 * p * (M - p);
    }
}

fn ceil_div(n: i128, d: i128) -> i128 {
    if n <= 0 { 0 } else { (n + d - 1) / d }
}

/// The fee of one order whose fills add up to `v` (with `exponent` 1; Polymarket's other
/// exponents apply per fill through [`fee_of_fill`]).
pub fn order_fee(schedule: &FeeSchedule, v: Variance) -> Money {
    let micros = match *schedule {
        FeeSchedule::Free => 0,
        FeeSchedule::KalshiQuadratic { taker_rate, multiplier, .. } => {
            // rate (1e-6) × Σ C P (1−P) (1e-18) is dollars in 1e-24, cents in 1e-22; up to the cent.
            let cents = ceil_div(taker_rate as i128 * v.0, 10_i128.pow(22));
            ceil_div(cents * 10_000 * multiplier as i128, M)
        }
        FeeSchedule::PolymarketCurve { rate, .. } => {
            // Dollars in 1e-24, ten-thousandths in 1e-20; up to 0.0001 (100 µ).
            let units = ceil_div(rate as i128 * v.0, 10_i128.pow(20));
            units * 100
        }
    };
    Money::from_micros(i64::try_from(micros).unwrap_or(i64::MAX)).unwrap_or(Money::ZERO)
}

/// The fee rate per contract at `price`, unrounded (for deciding whether one more contract pays).
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
        FeeSchedule::KalshiQuadratic { taker_rate, multiplier, .. } => {
            taker_rate as i128 * pq / M * multiplier as i128 / M
        }
        FeeSchedule::PolymarketCurve { rate, exponent } => {
            let mut x = M;
            for _ in 0..exponent.max(1) {
                x = x * pq / M;
            }
            rate as i128 * x / M
        }
    };
    i64::try_from(v).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kalshi(multiplier: i64) -> FeeSchedule {
        FeeSchedule::KalshiQuadratic { taker_rate: 70_000, maker_rate: 17_500, multiplier }
    }

    fn fee(s: &FeeSchedule, fills: &[(&str, &str)]) -> String {
        let mut v = Variance::default();
        for (p, q) in fills {
            v.add(p.parse().unwrap(), q.parse().unwrap());
        }
        order_fee(s, v).to_string()
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
    fn kalshi_fees_round_up_to_the_cent() {
        // Kalshi's documented example: 1 contract at $0.50 → $0.02.
        assert_eq!(fee(&kalshi(1_000_000), &[("0.50", "1")]), "0.02");
        // 0.07 × 100 × 0.42 × 0.58 = 1.7052 → 1.71.
        assert_eq!(fee(&kalshi(1_000_000), &[("0.42", "100")]), "1.71");
        // One order over two levels: 0.07 × (50·0.42·0.58 + 50·0.44·0.56) = 1.7150 → 1.72.
        assert_eq!(fee(&kalshi(1_000_000), &[("0.42", "50"), ("0.44", "50")]), "1.72");
        // A ×0.5 multiplier halves the rounded fee.
        assert_eq!(fee(&kalshi(500_000), &[("0.42", "100")]), "0.855");
        assert_eq!(fee(&FeeSchedule::Free, &[("0.42", "100")]), "0");
    }

    #[test]
    fn polymarket_fees_at_their_rate() {
        // 0.03 × 100 × 0.5 × 0.5 = 0.75 (the 0.75 % peak).
        let s = FeeSchedule::PolymarketCurve { rate: 30_000, exponent: 1 };
        assert_eq!(fee(&s, &[("0.50", "100")]), "0.75");
        // 0.03 × 7 × 0.33 × 0.67 = 0.046431 → 0.0465.
        assert_eq!(fee(&s, &[("0.33", "7")]), "0.0465");
        assert_eq!(marginal_fee_micros(&s, "0.5".parse().unwrap()), 7_500);
        assert_eq!(marginal_fee_micros(&kalshi(1_000_000), "0.5".parse().unwrap()), 17_500);
    }
}
