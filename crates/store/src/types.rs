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
    /// Only these market ids (Kalshi tickers, Polymarket market ids); none listed, none returned.
    pub ids: Option<Vec<String>>,
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

/// Watchlist priority by time to start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Priority {
    /// Starts within WATCHLIST_PRIORITY_THRESHOLD.
    High,
    /// Starts within 24 h.
    Medium,
    /// Later (or unknown).
    Low,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::High => "HIGH",
            Priority::Medium => "MEDIUM",
            Priority::Low => "LOW",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "HIGH" => Priority::High,
            "MEDIUM" => Priority::Medium,
            "LOW" => Priority::Low,
            _ => return None,
        })
    }
}

/// A watched link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchEntry {
    pub link_id: LinkId,
    pub priority: Priority,
    pub starts_at: Option<DateTime<Utc>>,
    /// Volume or liquidity used to rank within a priority (whole dollars).
    pub liquidity: i64,
}

/// A stored order book: price and size strings, best first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookSnapshot {
    pub venue: Venue,
    /// Kalshi market ticker or Polymarket token id.
    pub book_id: String,
    pub bids: Vec<(String, String)>,
    pub asks: Vec<(String, String)>,
    pub seq: Option<i64>,
    pub received_at: DateTime<Utc>,
}

/// Books by age.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Freshness {
    pub lt1m: u64,
    pub lt5m: u64,
    pub older: u64,
}

/// A stored opportunity with its lifetime.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredOpportunity {
    pub id: i64,
    pub direction: String,
    pub opportunity: crossbook_model::Opportunity,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub best_edge: crossbook_model::Money,
    /// When it closed; `None` while open.
    pub closed_at: Option<DateTime<Utc>>,
}

/// A watched link's top of book at one moment (best asks) and its open opportunity's edge
/// per contract after fees: one point of the link's price and edge chart.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct QuoteSample {
    pub link_id: LinkId,
    pub at: DateTime<Utc>,
    /// Kalshi's best YES and NO asks.
    pub kalshi_yes: Option<crossbook_model::Price>,
    pub kalshi_no: Option<crossbook_model::Price>,
    /// Polymarket's best ask of the outcome that pays with Kalshi's YES, and of the other one.
    pub poly_yes: Option<crossbook_model::Price>,
    pub poly_no: Option<crossbook_model::Price>,
    pub edge: Option<crossbook_model::Money>,
}

impl QuoteSample {
    /// Whether the prices and edge are those of `other` (times aside).
    pub fn same_values(&self, other: &QuoteSample) -> bool {
        (self.kalshi_yes, self.kalshi_no, self.poly_yes, self.poly_no, self.edge)
            == (other.kalshi_yes, other.kalshi_no, other.poly_yes, other.poly_no, other.edge)
    }
}

/// A recorded alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertRecord {
    pub id: i64,
    /// The alert's own name, unique: writing it again finds its row (none on rows from before).
    pub key: Option<String>,
    pub opportunity_id: Option<i64>,
    /// `arbitrage`, `sharp_move`, …
    pub kind: String,
    /// `discord`, `slack`, `telegram`, `webhook` (never the URL).
    pub sink: String,
    /// `pending`, `sent`, `failed`.
    pub status: String,
    pub attempts: i64,
    pub payload: serde_json::Value,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// A process's claim on an alert subject (its row in `alert_claims`): the alert is delivered by
/// the one process whose claim changes the row, whatever number of processes saw the event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertClaim {
    /// An opportunity's alert on `subject` (its link and direction), at `profit` (micros):
    /// claimed when the subject's last alert was before `since` (the cooldown), or the profit
    /// moved by at least `profit_change_percent` of the last alerted one (0: never), or the last
    /// alerted opportunity closed and `reopen` says a reopening alerts again.
    Open { subject: String, profit: i64, since: DateTime<Utc>, profit_change_percent: u64, reopen: bool },
    /// A change of the subject's state to `to`: from `from` only (the row must exist and be in
    /// that state), or from any other state (`from: None`, the row made when missing).
    Transition { subject: String, from: Option<String>, to: String },
}

/// A switch an operator set (`crossbook execution stop|resume`, the dashboard).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Control {
    pub name: String,
    pub value: String,
    /// Who set it: `cli`, `dashboard`.
    pub set_by: String,
    pub set_at: DateTime<Utc>,
}

/// One service of one process, as its last heartbeat said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heartbeat {
    pub service: String,
    /// The process (its lease holder name).
    pub holder: String,
    /// `running`, `restarting` or `stopped`.
    pub status: String,
    pub restarts: u64,
    pub last_error: Option<String>,
    pub beat_at: DateTime<Utc>,
    /// When the service last finished a pass.
    pub progress_at: Option<DateTime<Utc>>,
    /// How often it means to make one, in milliseconds.
    pub period_ms: i64,
}
