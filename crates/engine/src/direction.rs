//! The directions an opportunity is recorded under: which side of the Kalshi market it buys,
//! the three outcomes of a soccer game, or — between Polymarket and Polymarket US, bridged by a
//! Kalshi market linked to both — which Polymarket outcome it buys.

/// The direction a three-way opportunity is recorded under.
pub const THREE_WAY: &str = "three_way";
/// Polymarket's outcome that pays with the Kalshi market's YES, with Polymarket US's side that
/// pays with its NO.
pub const BRIDGE_SAME: &str = "bridge_same";
/// Polymarket's other outcome, with Polymarket US's side that pays with the Kalshi YES.
pub const BRIDGE_OTHER: &str = "bridge_other";

/// A stored direction as the desk names it.
pub fn direction_name(stored: &str) -> Option<&'static str> {
    ["kalshi_yes", "kalshi_no", THREE_WAY, BRIDGE_SAME, BRIDGE_OTHER].into_iter().find(|d| *d == stored)
}

/// Which kind of set of legs an opportunity of `direction` is, and so which desk map it lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetKind {
    /// A link's two legs (Kalshi and its second venue).
    Link,
    /// A soccer game's three outcomes, filed under its draw link.
    ThreeWay,
    /// Polymarket against Polymarket US, filed under the Polymarket US link.
    Bridge,
}

impl SetKind {
    pub fn of(direction: &str) -> Self {
        match direction {
            THREE_WAY => SetKind::ThreeWay,
            BRIDGE_SAME | BRIDGE_OTHER => SetKind::Bridge,
            _ => SetKind::Link,
        }
    }
}
