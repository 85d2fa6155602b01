//! The health report (ARCHITECTURE.md "Health", the seed plan's HealthStatus): what is stored
//! about the database, ingestion and matching, with an overall level and exit code.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use crossbook_model::Venue;
use crossbook_store::{Freshness, RunStatus, Store};
use serde::Serialize;

/// healthy / degraded / down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Healthy,
    Degraded,
    Down,
}

impl Level {
    /// The `crossbook health` exit code: 0, 1 or 2.
    pub fn exit_code(self) -> i32 {
        match self {
            Level::Healthy => 0,
            Level::Degraded => 1,
            Level::Down => 2,
        }
    }
}

/// One venue's latest ingestion run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IngestionHealth {
    pub last_run: Option<DateTime<Utc>>,
    /// `ok`, `partial`, `failed`, `running`, or `never`.
    pub status: String,
    pub fetched: u64,
    pub stored: u64,
}

/// The latest matching pass and the links' state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct MatchingHealth {
    pub last_run: Option<DateTime<Utc>>,
    pub suggested_count: u64,
    pub confirmed_count: u64,
}

/// Quote freshness: stored books by age, and the share older than five minutes.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct QuotesHealth {
    pub freshness: Freshness,
    pub stale_pct: f64,
}

/// Markets starting within LIVE_EVENT_THRESHOLD_MINUTES and the arbitrage on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct LiveEventsHealth {
    pub urgent_count: u64,
    pub arb_count: u64,
}

/// The report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HealthReport {
    pub status: Level,
    pub database: Level,
    pub ingestion: BTreeMap<String, IngestionHealth>,
    pub matching: MatchingHealth,
    pub quotes: QuotesHealth,
    pub live_events: LiveEventsHealth,
    /// Why the status is not healthy, one line each.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

impl HealthReport {
    /// The report when the database cannot even be opened.
    pub fn database_down(reason: &str) -> Self {
        HealthReport {
            status: Level::Down,
            database: Level::Down,
            ingestion: BTreeMap::new(),
            matching: MatchingHealth::default(),
            quotes: QuotesHealth::default(),
            live_events: LiveEventsHealth::default(),
            problems: vec![reason.to_string()],
        }
    }
}

/// How long health waits for the database before it reports it down.
pub const DATABASE_DEADLINE: std::time::Duration = std::time::Duration::from_secs(3);

/// Reads the report from the store, at `now`, with urgency measured by `live_threshold`. A
/// database that does not answer within [`DATABASE_DEADLINE`] is reported down.
pub async fn check(store: &dyn Store, now: DateTime<Utc>, live_threshold: chrono::Duration) -> HealthReport {
    match tokio::time::timeout(DATABASE_DEADLINE, read(store, now, live_threshold)).await {
        Ok(report) => report,
        Err(_) => HealthReport::database_down(&format!("database: no answer within {DATABASE_DEADLINE:?}")),
    }
}

async fn read(store: &dyn Store, now: DateTime<Utc>, live_threshold: chrono::Duration) -> HealthReport {
    if let Err(e) = store.ping().await {
        return HealthReport::database_down(&e.to_string());
    }
    let mut problems = Vec::new();
    let mut database = Level::Healthy;
    let runs = store.latest_ingestion_runs().await.unwrap_or_else(|e| {
        database = Level::Degraded;
        problems.push(format!("database: reading ingestion runs: {e}"));
        Vec::new()
    });
    let mut ingestion = BTreeMap::new();
    let mut status = database;
    for venue in Venue::ALL {
        let entry = match runs.iter().find(|r| r.venue == venue) {
            Some(r) => {
                if r.status == RunStatus::Failed {
                    status = status.max(Level::Degraded);
                    problems
                        .push(format!("ingestion {venue}: last run failed: {}", r.message.as_deref().unwrap_or("")));
                }
                // A run that never finished (its process died), or data older than a day.
                if r.status == RunStatus::Running && now - r.started_at > chrono::Duration::hours(1) {
                    status = status.max(Level::Degraded);
                    problems.push(format!(
                        "ingestion {venue}: a run started at {} never finished",
                        r.started_at.format("%Y-%m-%d %H:%M UTC")
                    ));
                } else if let Some(done) = r.finished_at
                    && now - done > chrono::Duration::hours(24)
                {
                    status = status.max(Level::Degraded);
                    problems.push(format!("ingestion {venue}: last run finished {} h ago", (now - done).num_hours()));
                }
                IngestionHealth {
                    last_run: Some(r.finished_at.unwrap_or(r.started_at)),
                    status: r.status.as_str().to_string(),
                    fetched: r.fetched,
                    stored: r.stored,
                }
            }
            None => {
                status = status.max(Level::Degraded);
                problems.push(format!("ingestion {venue}: never ran"));
                IngestionHealth { last_run: None, status: "never".into(), fetched: 0, stored: 0 }
            }
        };
        ingestion.insert(venue.as_str().to_string(), entry);
    }
    let mut matching = MatchingHealth::default();
    match (store.latest_matching_run().await, store.link_counts().await) {
        (Ok(run), Ok(counts)) => {
            matching.last_run = run.map(|r| r.finished_at);
            matching.suggested_count = counts.suggested;
            matching.confirmed_count = counts.confirmed;
        }
        (Err(e), _) | (_, Err(e)) => {
            status = status.max(Level::Degraded);
            problems.push(format!("database: reading matching state: {e}"));
        }
    }
    let mut quotes = QuotesHealth::default();
    let mut live_events = LiveEventsHealth::default();
    match (store.book_freshness(now).await, store.list_watchlist().await, store.list_open_opportunities().await) {
        (Ok(f), Ok(watch), Ok(open)) => {
            let total = f.lt1m + f.lt5m + f.older;
            quotes.stale_pct = if total == 0 { 0.0 } else { (f.older as f64 * 1000.0 / total as f64).round() / 10.0 };
            quotes.freshness = f;
            if total > 0 && quotes.stale_pct > 25.0 {
                status = status.max(Level::Degraded);
                problems.push(format!("quotes: {}% of books older than 5 minutes", quotes.stale_pct));
            }
            let urgent: std::collections::HashSet<_> = watch
                .iter()
                .filter(|w| w.starts_at.is_some_and(|s| s > now && s - now <= live_threshold))
                .map(|w| w.link_id)
                .collect();
            live_events.urgent_count = urgent.len() as u64;
            live_events.arb_count = open.iter().filter(|o| urgent.contains(&o.opportunity.link_id)).count() as u64;
        }
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
            status = status.max(Level::Degraded);
            problems.push(format!("database: reading quotes: {e}"));
        }
    }
    HealthReport { status, database, ingestion, matching, quotes, live_events, problems }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use crossbook_store::RunSummary;
    use crossbook_store::testing::TestDb;

    use super::*;

    #[tokio::test]
    async fn fresh_database_is_degraded_until_both_venues_ingested() {
        let db = TestDb::sqlite().await;
        let report = check(&*db.store, Utc::now(), chrono::Duration::minutes(15)).await;
        assert_eq!((report.database, report.status), (Level::Healthy, Level::Degraded));
        assert_eq!(report.ingestion["kalshi"].status, "never");

        let now = Utc::now();
        for venue in Venue::ALL {
            let id = db.store.start_ingestion_run(venue, "split", now).await.unwrap();
            let summary = RunSummary {
                finished_at: now,
                status: RunStatus::Ok,
                fetched: 10,
                stored: 10,
                skipped: BTreeMap::new(),
                errors: 0,
                message: None,
            };
            db.store.finish_ingestion_run(id, &summary).await.unwrap();
        }
        let report = check(&*db.store, Utc::now(), chrono::Duration::minutes(15)).await;
        assert_eq!(report.status, Level::Healthy, "{:?}", report.problems);
        assert_eq!(report.ingestion["polymarket"].stored, 10);
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["ingestion"]["kalshi"]["status"], "ok");
        assert!(json["ingestion"]["kalshi"]["lastRun"].is_string());
        assert_eq!(json["matching"]["confirmedCount"], 0);
        assert_eq!(json["quotes"]["freshness"]["lt1m"], 0);
        assert_eq!(json["liveEvents"]["urgentCount"], 0);
    }

    #[test]
    fn exit_codes() {
        assert_eq!([Level::Healthy, Level::Degraded, Level::Down].map(Level::exit_code), [0, 1, 2]);
    }
}
