//! Identifiers as newtypes. A venue's names (Kalshi tickers, Polymarket ids) are never mixed
//! with each other or with our own keys; each constructor validates.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// Why an identifier was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind}: {reason} ({value:?})")]
pub struct IdError {
    pub kind: &'static str,
    pub reason: &'static str,
    pub value: String,
}

/// Longest identifier accepted from a venue.
const MAX_ID_LEN: usize = 256;

fn validate(kind: &'static str, value: &str) -> Result<(), IdError> {
    let err = |reason| IdError { kind, reason, value: value.chars().take(80).collect() };
    if value.is_empty() {
        return Err(err("empty"));
    }
    if value.len() > MAX_ID_LEN {
        return Err(err("too long"));
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(err("contains whitespace or control characters"));
    }
    Ok(())
}

macro_rules! venue_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Validates and wraps a venue identifier.
            pub fn new(value: impl Into<String>) -> Result<Self, IdError> {
                let value = value.into();
                validate($kind, &value)?;
                Ok(Self(value))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::new(s).map_err(serde::de::Error::custom)
            }
        }
    };
}

venue_id!(
    /// Kalshi series ticker, e.g. `KXNBAGAME`.
    KalshiSeriesTicker, "Kalshi series ticker"
);
venue_id!(
    /// Kalshi event ticker, e.g. `KXNBAGAME-26JAN09MILLAL`.
    KalshiEventTicker, "Kalshi event ticker"
);
venue_id!(
    /// Kalshi market ticker, e.g. `KXNBAGAME-26JAN09MILLAL-MIL`.
    KalshiMarketTicker, "Kalshi market ticker"
);
venue_id!(
    /// Polymarket (Gamma) event id, e.g. `140938`.
    PolyEventId, "Polymarket event id"
);
venue_id!(
    /// Polymarket (Gamma) market id, e.g. `1096983`.
    PolyMarketId, "Polymarket market id"
);
venue_id!(
    /// Polymarket condition id (`0x…`), shared by a market's outcome tokens.
    PolyConditionId, "Polymarket condition id"
);
venue_id!(
    /// Polymarket CLOB token id (one per outcome).
    PolyTokenId, "Polymarket token id"
);
venue_id!(
    /// Polymarket US market slug, e.g. `aec-mlb-sd-col-2026-09-16`: its books, orders and page
    /// are addressed by it.
    UsMarketSlug, "Polymarket US market slug"
);
venue_id!(
    /// Polymarket US event slug, e.g. `mlb-sd-col-2026-09-16`.
    UsEventSlug, "Polymarket US event slug"
);

impl KalshiMarketTicker {
    /// The series prefix of the ticker (`KXNBAGAME-…` → `KXNBAGAME`). Kalshi's Market object
    /// carries no series ticker, so it is derived from here or from the event.
    pub fn series_prefix(&self) -> &str {
        self.0.split('-').next().unwrap_or(&self.0)
    }
}

/// Our own key of a stored link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LinkId(pub i64);

impl fmt::Display for LinkId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_ids() {
        assert!(KalshiMarketTicker::new("KXNBAGAME-26JAN09MILLAL-MIL").is_ok());
        assert!(KalshiMarketTicker::new("").is_err());
        assert!(PolyTokenId::new("12 34").is_err());
        assert!(PolyMarketId::new("x".repeat(300)).is_err());
        let e = PolyEventId::new("a\nb").unwrap_err();
        assert!(e.to_string().contains("Polymarket event id"));
    }

    #[test]
    fn series_prefix_from_ticker() {
        let t = KalshiMarketTicker::new("KXNBAGAME-26JAN09MILLAL-MIL").unwrap();
        assert_eq!(t.series_prefix(), "KXNBAGAME");
    }

    #[test]
    fn ids_deserialize_with_validation() {
        assert!(serde_json::from_str::<PolyMarketId>("\"1096983\"").is_ok());
        assert!(serde_json::from_str::<PolyMarketId>("\"\"").is_err());
    }
}
