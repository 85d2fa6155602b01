//! The two venues.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A prediction-market venue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Venue {
    Kalshi,
    Polymarket,
}

impl Venue {
    /// How many venues there are.
    pub const COUNT: usize = 2;
    /// Every venue, each at its [`Venue::index`].
    pub const ALL: [Venue; Venue::COUNT] = [Venue::Kalshi, Venue::Polymarket];

    /// The venue's place in [`Venue::ALL`] and in a [`PerVenue`] (a new venue gets its own: the
    /// match is exhaustive, and the test below checks every place is its own).
    pub const fn index(self) -> usize {
        match self {
            Venue::Kalshi => 0,
            Venue::Polymarket => 1,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Venue::Kalshi => "kalshi",
            Venue::Polymarket => "polymarket",
        }
    }
}

impl FromStr for Venue {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "kalshi" => Ok(Venue::Kalshi),
            "polymarket" | "poly" => Ok(Venue::Polymarket),
            _ => Err(format!("unknown venue {s:?} (expected kalshi or polymarket)")),
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

    /// Every value, mutably.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.0.iter_mut()
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
        assert_eq!(per.iter().map(|(v, n)| (v, *n)).collect::<Vec<_>>(), [(Venue::Kalshi, 1), (Venue::Polymarket, 2)]);
    }
}
