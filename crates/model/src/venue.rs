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
    pub const ALL: [Venue; 2] = [Venue::Kalshi, Venue::Polymarket];

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

impl fmt::Display for Venue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
