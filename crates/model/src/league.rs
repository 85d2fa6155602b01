//! Topics, sports and leagues: the catalogue every venue name is mapped onto.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The broad topic of a market, derived from the venue's category or tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Topic {
    /// Sports and esports.
    Sports,
    Politics,
    Economics,
    Crypto,
    Other,
}

impl Topic {
    pub const ALL: [Topic; 5] = [Topic::Sports, Topic::Politics, Topic::Economics, Topic::Crypto, Topic::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Sports => "sports",
            Topic::Politics => "politics",
            Topic::Economics => "economics",
            Topic::Crypto => "crypto",
            Topic::Other => "other",
        }
    }
}

impl FromStr for Topic {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let l = s.trim().to_ascii_lowercase();
        Topic::ALL
            .into_iter()
            .find(|t| t.as_str() == l)
            .ok_or_else(|| format!("unknown topic {s:?} (expected one of sports, politics, economics, crypto, other)"))
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A sport; esports titles are sports of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sport {
    Basketball,
    AmericanFootball,
    Baseball,
    IceHockey,
    Soccer,
    Combat,
    Tennis,
    MotorRacing,
    Golf,
    Cricket,
    Esports,
}

impl Sport {
    /// Whether a game can end in a draw in regulation (soccer's three-way markets).
    pub fn has_draws(self) -> bool {
        matches!(self, Sport::Soccer)
    }
}

macro_rules! leagues {
    ($($variant:ident => $code:literal, $sport:ident, $name:literal;)*) => {
        /// A league or competition.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum League {
            $($variant,)*
        }

        impl League {
            /// Every league in the catalogue.
            pub const ALL: &'static [League] = &[$(League::$variant,)*];

            /// The short code used in storage, exports and settings (`NBA`, `EPL`, `CS2`).
            pub fn code(self) -> &'static str {
                match self { $(League::$variant => $code,)* }
            }

            pub fn sport(self) -> Sport {
                match self { $(League::$variant => Sport::$sport,)* }
            }

            /// A human name.
            pub fn name(self) -> &'static str {
                match self { $(League::$variant => $name,)* }
            }
        }
    };
}

include!(concat!(env!("OUT_DIR"), "/leagues.rs"));

/// The catalogue as data: the venue columns (Kalshi series prefixes and competitions,
/// Polymarket sport codes) are the taxonomy's to read.
pub const LEAGUES_DATA: &str = include_str!("../leagues.txt");

impl League {
    /// Whether the league is an esports title.
    pub fn is_esports(self) -> bool {
        self.sport() == Sport::Esports
    }
}

impl FromStr for League {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let u = s.trim().to_ascii_uppercase();
        League::ALL.iter().copied().find(|l| l.code() == u).ok_or_else(|| format!("unknown league {s:?}"))
    }
}

impl fmt::Display for League {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for League {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for League {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_covers_thirty_plus_leagues_with_unique_codes() {
        assert!(League::ALL.len() >= 30);
        let mut codes: Vec<_> = League::ALL.iter().map(|l| l.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), League::ALL.len());
        for l in League::ALL {
            assert_eq!(l.code().parse::<League>(), Ok(*l));
        }
    }

    #[test]
    fn topics_parse_case_insensitively() {
        assert_eq!("SPORTS".parse::<Topic>(), Ok(Topic::Sports));
        assert!("weather?".parse::<Topic>().is_err());
    }
}
