//! Row types the store returns and takes, beyond the domain model.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use crossbook_model::{League, LinkId, Market, Topic, Venue};
use serde::{Deserialize, Serialize};

/// Which markets to list.
#[derive(Debug, Clone, Default)]
pub struct MarketFilter {
    pub venue: Option<Venue>,
    pub topic: Option<Topic>,
    pub league: Option<League>,
    /// Only markets not flagged MVE.
    pub exclude_mve: bool,
    /// Only markets whose status is open.
    pub open_only: bool,
}

/// A stored market with its bookkeeping.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredMarket {
    pub market: Market,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    /// When the venue stopped listing it.
    pub closed_at: Option<DateTime<Utc>>,
}

/// What happened to a link candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkUpsert {
    Inserted(LinkId),
    /// Same pair existed; score and reasons refreshed, status kept.
    Updated(LinkId),
    /// The Kalshi market already has another live (non-rejected) link.
    Conflict {
        existing: LinkId,
    },
}

impl LinkUpsert {
    pub fn id(self) -> LinkId {
        match self {
            LinkUpsert::Inserted(id) | LinkUpsert::Updated(id) => id,
            LinkUpsert::Conflict { existing } => existing,
        }
    }
}

/// What a review decision did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Applied,
    /// The link already had that status.
    Unchanged,
    /// An automatic decision met a person's and left it alone.
    KeptHumanDecision,
}

/// How an ingestion run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    Running,
    /// Everything fetched and stored.
    Ok,
    /// Finished, with some pages or markets skipped.
    Partial,
    Failed,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Ok => "ok",
            RunStatus::Partial => "partial",
            RunStatus::Failed => "failed",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "running" => RunStatus::Running,
            "ok" => RunStatus::Ok,
            "partial" => RunStatus::Partial,
            "failed" => RunStatus::Failed,
            _ => return None,
        })
    }
}

/// The figures of a finished ingestion run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunSummary {
    pub finished_at: DateTime<Utc>,
    pub status: RunStatus,
    pub fetched: u64,
    pub stored: u64,
    /// Skipped items by reason (`mve`, `malformed`, `not_sports`, …).
    pub skipped: BTreeMap<String, u64>,
    pub errors: u64,
    pub message: Option<String>,
}

/// A stored ingestion run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestionRun {
    pub id: i64,
    pub venue: Venue,
    pub mode: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub status: RunStatus,
    pub fetched: u64,
    pub stored: u64,
    pub skipped: BTreeMap<String, u64>,
    pub errors: u64,
    pub message: Option<String>,
}

/// A finished matching pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchingRun {
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub candidates: u64,
    pub confirmed: u64,
    pub rejected: u64,
    pub suggested: u64,
}

/// Links per status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct LinkCounts {
    pub suggested: u64,
    pub confirmed: u64,
    pub rejected: u64,
}
