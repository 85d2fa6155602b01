//! The directions an opportunity is recorded under: which side of the Kalshi market it buys,
//! or the three outcomes of a soccer game.

/// The direction a three-way opportunity is recorded under.
pub const THREE_WAY: &str = "three_way";

/// A stored direction as the desk names it (`kalshi_yes`, `kalshi_no`, `three_way`).
pub fn direction_name(stored: &str) -> Option<&'static str> {
    ["kalshi_yes", "kalshi_no", THREE_WAY].into_iter().find(|d| *d == stored)
}
