//! The venues.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A prediction-market venue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Venue {
    Kalshi,
    Polymarket,
    /// Polymarket US, the CFTC-regulated exchange (sports only); its own books, fees and rules.
    PolymarketUs,
}

impl Venue {
    /// How many venues there are.
    pub const COUNT: usize = 3;
    /// Every venue, each at its [`Venue::index`].
    pub const ALL: [Venue; Venue::COUNT] = [Venue::Kalshi, Venue::Polymarket, Venue::PolymarketUs];

    /// The venue's place in [`Venue::ALL`] and in a [`PerVenue`] (a new venue gets its own: the
    /// match is exhaustive, and the test below checks every place is its own).
    pub const fn index(self) -> usize {
        match self {
            Venue::Kalshi => 0,
            Venue::Polymarket => 1,
            Venue::PolymarketUs => 2,
        }
    }

    /// The venue's name in a trader's words ("Polymarket US").
    pub fn name(self) -> &'static str {
        match self {
            Venue::Kalshi => "Kalshi",
            Venue::Polymarket => "Polymarket",
            Venue::PolymarketUs => "Polymarket US",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Venue::Kalshi => "kalshi",
            Venue::Polymarket => "polymarket",
            Venue::PolymarketUs => "polymarket_us",
        }
    }
}

impl FromStr for Venue {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "kalshi" => Ok(Venue::Kalshi),
            "polymarket" | "poly" => Ok(Venue::Polymarket),
            "polymarket_us" | "polymarket-us" => Ok(Venue::PolymarketUs),
            _ => Err(format!("unknown venue {s:?} (expected kalshi, polymarket or polymarket_us)")),
        }
    }
}

/// One value for each venue, found by the venue (never by a position a new venue could shift).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PerVenue<T>([T; Venue::COUNT]);

impl<T> PerVenue<T> {
    /// The value of each venue, made by `f`.
    pub fn from_fn(mut f: impl FnMut(Venue) -> T) -> Self {
        Self(std::array::from_fn(|i| f(Venue::ALL[i])))
    }

    /// Each venue with its value, in [`Venue::ALL`]'s order.
    pub fn iter(&self) -> impl Iterator<Item = (Venue, &T)> {
        Venue::ALL.into_iter().zip(self.0.iter())
    }

    /// Each venue with its value, mutably.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (Venue, &mut T)> {
        Venue::ALL.into_iter().zip(self.0.iter_mut())
    }
}

impl<T: Default> Default for PerVenue<T> {
    fn default() -> Self {
        Self::from_fn(|_| T::default())
    }
}

impl<T> std::ops::Index<Venue> for PerVenue<T> {
    type Output = T;
    fn index(&self, venue: Venue) -> &T {
        &self.0[venue.index()]
    }
}

impl<T> std::ops::IndexMut<Venue> for PerVenue<T> {
    fn index_mut(&mut self, venue: Venue) -> &mut T {
        &mut self.0[venue.index()]
    }
}

impl fmt::Display for Venue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_venue_has_its_own_place() {
        for (i, v) in Venue::ALL.into_iter().enumerate() {
            assert_eq!(v.index(), i, "{v}");
        }
        let mut per: PerVenue<u32> = PerVenue::default();
        per[Venue::Polymarket] += 2;
        per[Venue::Kalshi] += 1;
        assert_eq!(
            per.iter().map(|(v, n)| (v, *n)).collect::<Vec<_>>(),
            [(Venue::Kalshi, 1), (Venue::Polymarket, 2), (Venue::PolymarketUs, 0)]
        );
        for v in Venue::ALL {
            assert_eq!(v.as_str().parse::<Venue>(), Ok(v));
            assert_eq!(serde_json::to_value(v).unwrap(), v.as_str());
        }
    }
}
