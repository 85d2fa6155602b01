//! Fixed-point money and sizes. Nothing here is `f64`.
//!
//! Every amount is an integer count of millionths (micro-units). That covers Kalshi's cent,
//! deci-cent and 4-decimal dollar strings, Kalshi's fractional `_fp` counts (2 dp), Polymarket's
//! 0.01 / 0.001 ticks and its 6-decimal sizes, exactly.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Millionths in one unit.
pub const SCALE: i64 = 1_000_000;

/// Why a decimal string could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    #[error("empty decimal")]
    Empty,
    #[error("not a decimal number: {0:?}")]
    Syntax(String),
    #[error("more than 6 decimal places: {0:?}")]
    TooPrecise(String),
    #[error("out of range: {0:?}")]
    OutOfRange(String),
    #[error("negative value not allowed: {0:?}")]
    Negative(String),
}

/// Parses a plain decimal (`"0.5600"`, `"12"`, `"-3.5"`, `"1e-3"` is refused) into millionths.
/// Trailing zeros beyond 6 places are accepted; other digits beyond 6 places are an error.
pub fn parse_micros(s: &str) -> Result<i64, DecimalError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(DecimalError::Empty);
    }
    let (neg, body) = match t.as_bytes()[0] {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    let (int_part, frac_part) = match body.split_once('.') {
        Some((i, f)) => (i, f),
        None => (body, ""),
    };
    // ".48" is how the venues' own docs write some prices; "5." and "." are not numbers.
    if int_part.is_empty() && frac_part.is_empty()
        || !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
        || body.ends_with('.')
    {
        return Err(DecimalError::Syntax(s.to_string()));
    }
    let (kept, rest) = frac_part.split_at(frac_part.len().min(6));
    if rest.bytes().any(|b| b != b'0') {
        return Err(DecimalError::TooPrecise(s.to_string()));
    }
    let int: i64 = if int_part.len() > 12 {
        return Err(DecimalError::OutOfRange(s.to_string()));
    } else if int_part.is_empty() {
        0
    } else {
        int_part.parse().map_err(|_| DecimalError::Syntax(s.to_string()))?
    };
    let mut frac: i64 = 0;
    for (i, b) in kept.bytes().enumerate() {
        frac += i64::from(b - b'0') * 10_i64.pow(5 - i as u32);
    }
    let v = int * SCALE + frac;
    Ok(if neg { -v } else { v })
}

/// Millionths of a decimal the venues send as a JSON string or number (`"0.01"`, `0.01`, `5`);
/// `None` for anything else or a value [`parse_micros`] refuses.
pub fn json_micros(v: &serde_json::Value) -> Option<i64> {
    match v {
        serde_json::Value::String(s) => parse_micros(s).ok(),
        serde_json::Value::Number(n) => parse_micros(&n.to_string()).ok(),
        _ => None,
    }
}

/// Formats millionths as the shortest exact decimal: `560000` → `"0.56"`, `120000000` → `"120"`.
pub fn format_micros(v: i64) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    let int = a / SCALE as u64;
    let frac = a % SCALE as u64;
    if frac == 0 {
        return format!("{sign}{int}");
    }
    let digits = format!("{frac:06}");
    format!("{sign}{int}.{}", digits.trim_end_matches('0'))
}

macro_rules! fixed_point {
    ($(#[$doc:meta])* $name:ident, signed = $signed:expr, max = $max:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(i64);

        impl $name {
            pub const ZERO: Self = Self(0);

            /// From millionths, checked against the type's range.
            pub fn from_micros(micros: i64) -> Result<Self, DecimalError> {
                if !$signed && micros < 0 {
                    return Err(DecimalError::Negative(format_micros(micros)));
                }
                if micros.abs() > $max {
                    return Err(DecimalError::OutOfRange(format_micros(micros)));
                }
                Ok(Self(micros))
            }

            /// The value in millionths.
            pub const fn micros(self) -> i64 {
                self.0
            }
        }

        impl FromStr for $name {
            type Err = DecimalError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let m = parse_micros(s)?;
                if !$signed && m < 0 {
                    return Err(DecimalError::Negative(s.to_string()));
                }
                if m.abs() > $max {
                    return Err(DecimalError::OutOfRange(s.to_string()));
                }
                Ok(Self(m))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&format_micros(self.0))
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), format_micros(self.0))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&format_micros(self.0))
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let v = serde_json::Value::deserialize(d)?;
                let s = match &v {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Number(n) => n.to_string(),
                    other => return Err(serde::de::Error::custom(format!("expected a decimal, got {other}"))),
                };
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

fixed_point!(
    /// A price per contract in dollars, 0 ≤ p ≤ 1 (a probability), in millionths.
    Price, signed = false, max = SCALE
);
fixed_point!(
    /// A contract count (fractional allowed), in millionths, never negative.
    Qty, signed = false, max = 1_000_000_000_000 * SCALE
);
fixed_point!(
    /// A signed dollar amount (costs, fees, edges, profits), in millionths.
    Money, signed = true, max = 1_000_000_000_000 * SCALE
);

impl Price {
    pub const ONE: Self = Self(SCALE);

    /// From integer cents (Kalshi's legacy schema), 0..=100.
    pub fn from_cents(cents: i64) -> Result<Self, DecimalError> {
        Self::from_micros(cents * 10_000)
    }

    /// `1 − p`: the complementary side's price (a Kalshi NO bid at p is a YES ask at 1 − p).
    pub fn complement(self) -> Self {
        Self(SCALE - self.0)
    }

    /// As a dollar amount.
    pub fn as_money(self) -> Money {
        Money(self.0)
    }
}

impl Qty {
    /// A whole number of contracts.
    pub fn from_whole(n: i64) -> Result<Self, DecimalError> {
        n.checked_mul(SCALE).ok_or_else(|| DecimalError::OutOfRange(n.to_string())).and_then(Self::from_micros)
    }

    pub fn min(self, other: Self) -> Self {
        if self.0 <= other.0 { self } else { other }
    }

    /// Saturating subtraction (never below zero).
    pub fn saturating_sub(self, other: Self) -> Self {
        Self((self.0 - other.0).max(0))
    }

    pub fn checked_add(self, other: Self) -> Option<Self> {
        self.0.checked_add(other.0).map(Self)
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }
}

/// Rounding direction for products that do not fit millionths exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// Towards +∞ (what you pay).
    Up,
    /// Towards −∞ (what you receive).
    Down,
}

impl Money {
    /// `price × qty`, rounded as asked to the millionth.
    pub fn of(price: Price, qty: Qty, rounding: Rounding) -> Self {
        Self(mul_div(price.0 as i128 * qty.0 as i128, SCALE as i128, rounding))
    }

    /// `self × qty` (a per-contract amount times a size), rounded as asked.
    pub fn times(self, qty: Qty, rounding: Rounding) -> Self {
        Self(mul_div(self.0 as i128 * qty.0 as i128, SCALE as i128, rounding))
    }

    /// `self ÷ qty` (a total over a size, per contract), rounded as asked; zero size gives zero.
    pub fn per(self, qty: Qty, rounding: Rounding) -> Self {
        if qty.0 == 0 {
            return Self(0);
        }
        Self(mul_div(self.0 as i128 * SCALE as i128, qty.0 as i128, rounding))
    }

    /// Rounds up to a whole number of `step` millionths (e.g. 10_000 = a cent).
    pub fn ceil_to(self, step: i64) -> Self {
        Self(mul_div(self.0 as i128, step as i128, Rounding::Up) * step)
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }
}

/// `n / d` rounded as asked (d > 0), clamped into `i64`. In `i64` when both fit (the common
/// case, and several times faster than `i128` division).
fn mul_div(n: i128, d: i128, rounding: Rounding) -> i64 {
    if let (Ok(n), Ok(d)) = (i64::try_from(n), i64::try_from(d)) {
        let (q, r) = (n.div_euclid(d), n.rem_euclid(d));
        return if r != 0 && rounding == Rounding::Up { q + 1 } else { q };
    }
    let q = n.div_euclid(d);
    let r = n.rem_euclid(d);
    let q = if r != 0 && rounding == Rounding::Up { q + 1 } else { q };
    q.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, o: Money) -> Money {
        Money(self.0.saturating_add(o.0))
    }
}

impl std::ops::Sub for Money {
    type Output = Money;
    fn sub(self, o: Money) -> Money {
        Money(self.0.saturating_sub(o.0))
    }
}

impl std::ops::AddAssign for Money {
    fn add_assign(&mut self, o: Money) {
        *self = *self + o;
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, |a, b| a + b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_venue_strings_exactly() {
        let cases = [
            ("0.5600", 560_000),
            ("0.56", 560_000),
            ("1", 1_000_000),
            ("1.0000", 1_000_000),
            ("0.001", 1_000),
            ("219.217767", 219_217_767),
            ("10.00", 10_000_000),
            ("0.1000000", 100_000),
            ("-3.5", -3_500_000),
            (".48", 480_000),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_micros(input), Ok(expected), "{input}");
        }
    }

    #[test]
    fn refuses_bad_decimals() {
        for bad in ["", "abc", "1.2.3", "0.1234567", "1e-3", ".", "5.", "-", "-.", "0x10", "NaN"] {
            assert!(parse_micros(bad).is_err(), "{bad:?} should fail");
        }
        assert!("1.01".parse::<Price>().is_err(), "price above 1");
        assert!("-0.1".parse::<Qty>().is_err(), "negative size");
    }

    #[test]
    fn formats_shortest_exact() {
        assert_eq!(format_micros(560_000), "0.56");
        assert_eq!(format_micros(120_000_000), "120");
        assert_eq!(format_micros(14_200), "0.0142");
        assert_eq!(format_micros(-1_500_000), "-1.5");
        assert_eq!(format_micros(0), "0");
    }

    #[test]
    fn money_products_round_as_asked() {
        let p: Price = "0.33".parse().unwrap();
        let q: Qty = "0.01".parse().unwrap();
        assert_eq!(Money::of(p, q, Rounding::Up).micros(), 3_300);
        let q3: Qty = "0.000001".parse().unwrap();
        assert_eq!(Money::of(p, q3, Rounding::Up).micros(), 1);
        assert_eq!(Money::of(p, q3, Rounding::Down).micros(), 0);
        assert_eq!(Money::from_micros(1_001).unwrap().ceil_to(10_000).micros(), 10_000);
        assert_eq!(Money::from_micros(20_000).unwrap().ceil_to(10_000).micros(), 20_000);
    }

    #[test]
    fn serde_round_trip_as_strings() {
        let p: Price = serde_json::from_str("\"0.4200\"").unwrap();
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"0.42\"");
        let n: Price = serde_json::from_str("0.01").unwrap();
        assert_eq!(n.micros(), 10_000);
        assert_eq!(Price::from_cents(47).unwrap().to_string(), "0.47");
        assert_eq!(Price::from_cents(47).unwrap().complement().to_string(), "0.53");
    }
}
