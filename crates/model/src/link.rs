//! Links between a Kalshi market and a Polymarket outcome, and their review.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{KalshiEventTicker, KalshiMarketTicker, LinkId, PolyConditionId, PolyMarketId, PolyTokenId};
use crate::league::League;
use crate::market::{Line, MarketKind};
use crate::venue::Venue;

/// Where a link stands in review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkStatus {
    Suggested,
    Confirmed,
    Rejected,
}

impl LinkStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkStatus::Suggested => "suggested",
            LinkStatus::Confirmed => "confirmed",
            LinkStatus::Rejected => "rejected",
        }
    }
}

impl FromStr for LinkStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "suggested" => Ok(LinkStatus::Suggested),
            "confirmed" => Ok(LinkStatus::Confirmed),
            "rejected" => Ok(LinkStatus::Rejected),
            _ => Err(format!("unknown link status {s:?}")),
        }
    }
}

impl fmt::Display for LinkStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who made a review decision. A person's decision is never overwritten by an automatic pass.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Decider {
    /// The matching pass (auto-confirm / auto-reject).
    Auto,
    /// A person, by name (CLI user or dashboard).
    Human(String),
}

impl Decider {
    pub fn is_human(&self) -> bool {
        matches!(self, Decider::Human(_))
    }
}

impl fmt::Display for Decider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Decider::Auto => f.write_str("auto"),
            Decider::Human(name) => write!(f, "human:{name}"),
        }
    }
}

impl FromStr for Decider {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(Decider::Auto),
            _ => s
                .strip_prefix("human:")
                .map(|n| Decider::Human(n.to_string()))
                .ok_or_else(|| format!("unknown decider {s:?}")),
        }
    }
}

impl Serialize for Decider {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Decider {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

/// How alike two markets' settlement rules are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleRisk {
    Equivalent,
    Minor,
    Incompatible,
}

impl RuleRisk {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleRisk::Equivalent => "equivalent",
            RuleRisk::Minor => "minor",
            RuleRisk::Incompatible => "incompatible",
        }
    }
}

impl FromStr for RuleRisk {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "equivalent" => Ok(RuleRisk::Equivalent),
            "minor" => Ok(RuleRisk::Minor),
            "incompatible" => Ok(RuleRisk::Incompatible),
            _ => Err(format!("unknown rule risk {s:?}")),
        }
    }
}

/// What the matcher proposes: a Kalshi market and the outcome, on a venue with named outcomes
/// (`poly_venue`), that pays exactly when the Kalshi market's YES pays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkCandidate {
    pub kalshi_ticker: KalshiMarketTicker,
    pub kalshi_event_ticker: KalshiEventTicker,
    /// The second leg's venue: Polymarket, or Polymarket US (whose market is then named by its
    /// slug in `poly_market_id`, has no condition or token, and whose outcome 0 is its long side).
    #[serde(default = "polymarket")]
    pub poly_venue: Venue,
    pub poly_market_id: PolyMarketId,
    pub poly_condition_id: Option<PolyConditionId>,
    pub poly_token_id: Option<PolyTokenId>,
    /// Index of the Polymarket outcome paying when Kalshi YES pays.
    pub poly_outcome_index: u8,
    pub poly_outcome: String,
    pub kind: MarketKind,
    /// Signed as on Kalshi's side.
    pub line: Option<Line>,
    pub league: Option<League>,
    pub starts_at: Option<DateTime<Utc>>,
    /// 0.0 ..= 1.0; not money.
    pub score: f64,
    pub reasons: Vec<String>,
}

fn polymarket() -> Venue {
    Venue::Polymarket
}

/// A stored link with its review state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    pub id: LinkId,
    #[serde(flatten)]
    pub candidate: LinkCandidate,
    pub status: LinkStatus,
    pub decided_by: Option<Decider>,
    pub decided_at: Option<DateTime<Utc>>,
    pub rule_risk: Option<RuleRisk>,
    pub rule_reasons: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One entry of a link's decision history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkDecision {
    pub link_id: LinkId,
    pub from: Option<LinkStatus>,
    pub to: LinkStatus,
    pub decided_by: Decider,
    pub reason: String,
    pub decided_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decider_round_trips() {
        for d in [Decider::Auto, Decider::Human("ana".into())] {
            assert_eq!(d.to_string().parse::<Decider>(), Ok(d));
        }
        assert!("robot".parse::<Decider>().is_err());
    }
}
