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
    /// Every process's services, as their newest heartbeats say (empty before any `run`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub services: BTreeMap<String, ServiceHealth>,
    /// Why the status is not healthy, one line each.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

/// How often a `run` process writes its services' heartbeats.
pub const HEARTBEAT_EVERY: std::time::Duration = std::time::Duration::from_secs(10);
/// A service whose newest heartbeat is older than this is dead (its process killed or hung).
pub const SILENT_AFTER: chrono::Duration = chrono::Duration::seconds(30);
/// A running service is stuck when no pass finished for three of its periods and this much.
pub const STUCK_GRACE: chrono::Duration = chrono::Duration::seconds(60);

/// One service across the processes, from its newest heartbeat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceHealth {
    /// `running`, `restarting` or `stopped` as its process said, or `dead` (no heartbeat for
    /// [`SILENT_AFTER`]) or `stuck` (beating, but no pass finished for long).
    pub status: String,
    /// The process that said it.
    pub holder: String,
    pub restarts: u64,
    pub last_error: Option<String>,
    pub last_beat: DateTime<Utc>,
    pub last_progress: Option<DateTime<Utc>>,
}

/// The services as their newest heartbeats (`beats`, newest first) say at `now` — a wall-clock
/// time, as the heartbeats' — and what is wrong with them: (a key naming the condition the same
/// in every process, what a person reads).
pub fn services(
    beats: &[crossbook_store::Heartbeat],
    now: DateTime<Utc>,
) -> (BTreeMap<String, ServiceHealth>, Vec<(String, String)>) {
    let mut out = BTreeMap::new();
    let mut problems = Vec::new();
    for b in beats {
        if out.contains_key(&b.service) {
            continue;
        }
        let silent = now - b.beat_at;
        let since_pass = b.progress_at.map(|p| now - p);
        let stuck_after = chrono::Duration::milliseconds(b.period_ms.saturating_mul(3)) + STUCK_GRACE;
        let status = if b.status == "stopped" {
            "stopped".to_string()
        } else if silent > SILENT_AFTER {
            problems.push((
                format!("dead {}", b.service),
                format!("service {} ({}): no heartbeat for {} s", b.service, b.holder, silent.num_seconds()),
            ));
            "dead".into()
        } else if b.status == "restarting" {
            problems.push((
                format!("restarting {}", b.service),
                format!("service {} ({}) restarting: {}", b.service, b.holder, b.last_error.as_deref().unwrap_or("")),
            ));
            b.status.clone()
        } else if let Some(idle) = since_pass.filter(|d| *d > stuck_after) {
            problems.push((
                format!("stuck {}", b.service),
                format!("service {} ({}): stuck, no pass finished for {} s", b.service, b.holder, idle.num_seconds()),
            ));
            "stuck".into()
        } else {
            b.status.clone()
        };
        out.insert(
            b.service.clone(),
            ServiceHealth {
                status,
                holder: b.holder.clone(),
                restarts: b.restarts,
                last_error: b.last_error.clone(),
                last_beat: b.beat_at,
                last_progress: b.progress_at,
            },
        );
    }
    (out, problems)
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
            services: BTreeMap::new(),
            problems: vec![reason.to_string()],
        }
    }
}

/// How long health waits for the database before it reports it down.
pub const DATABASE_DEADLINE: std::time::Duration = std::time::Duration::from_secs(3);

/// Reads the report from the store, at `now`, with urgency measured by `live_threshold`. A
/// database that does not answer within [`DATABASE_DEADLINE`] is reported down.
pub async fn check(
    store: &dyn Store,
    now: DateTime<Utc>,
    live_threshold: chrono::Duration,
    venues: &[Venue],
) -> HealthReport {
    match tokio::time::timeout(DATABASE_DEADLINE, read(store, now, live_threshold, venues)).await {
        Ok(report) => report,
        Err(_) => HealthReport::database_down(&format!("database: no answer within {DATABASE_DEADLINE:?}")),
    }
}

async fn read(
    store: &dyn Store,
    now: DateTime<Utc>,
    live_threshold: chrono::Duration,
    venues: &[Venue],
) -> HealthReport {
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
    for &venue in venues {
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
    // Heartbeats are the wall clock's (a replay's pinned clock says nothing of liveness).
    let services = match store.list_heartbeats().await {
        Ok(beats) => {
            let (services, wrong) = services(&beats, Utc::now());
            if !wrong.is_empty() {
                status = status.max(Level::Degraded);
                problems.extend(wrong.into_iter().map(|(_, what)| what));
            }
            services
        }
        Err(e) => {
            status = status.max(Level::Degraded);
            problems.push(format!("database: reading service heartbeats: {e}"));
            BTreeMap::new()
        }
    };
    HealthReport { status, database, ingestion, matching, quotes, live_events, services, problems }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use crossbook_store::RunSummary;
    use crossbook_store::testing::TestDb;

    use super::*;

    #[tokio::test]
    async fn fresh_database_is_degraded_until_every_enabled_venue_ingested() {
        let db = TestDb::sqlite().await;
        let enabled = [Venue::Kalshi, Venue::Polymarket];
        let report = check(&*db.store, Utc::now(), chrono::Duration::minutes(15), &enabled).await;
        assert_eq!((report.database, report.status), (Level::Healthy, Level::Degraded));
        assert_eq!(report.ingestion["kalshi"].status, "never");
        assert!(!report.ingestion.contains_key("polymarket_us"), "a venue not enabled is not reported");

        let now = Utc::now();
        for venue in enabled {
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
        let report = check(&*db.store, Utc::now(), chrono::Duration::minutes(15), &enabled).await;
        assert_eq!(report.status, Level::Healthy, "{:?}", report.problems);
        let with_us = check(&*db.store, Utc::now(), chrono::Duration::minutes(15), &Venue::ALL).await;
        assert_eq!((with_us.status, with_us.ingestion["polymarket_us"].status.as_str()), (Level::Degraded, "never"));
        assert_eq!(report.ingestion["polymarket"].stored, 10);
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["ingestion"]["kalshi"]["status"], "ok");
        assert!(json["ingestion"]["kalshi"]["lastRun"].is_string());
        assert_eq!(json["matching"]["confirmedCount"], 0);
        assert_eq!(json["quotes"]["freshness"]["lt1m"], 0);
        assert_eq!(json["liveEvents"]["urgentCount"], 0);
    }

    /// The newest heartbeat of each service decides: silent past the limit is dead, beating
    /// without a pass for three periods and a minute is stuck, a stop said is no problem.
    #[test]
    fn services_dead_stuck_or_well_by_their_newest_heartbeat() {
        let now = Utc::now();
        let beat =
            |service: &str, holder: &str, ago_s: i64, passed_ago_s: i64, status: &str| crossbook_store::Heartbeat {
                service: service.into(),
                holder: holder.into(),
                status: status.into(),
                restarts: 0,
                last_error: None,
                beat_at: now - chrono::Duration::seconds(ago_s),
                progress_at: Some(now - chrono::Duration::seconds(passed_ago_s)),
                period_ms: 2_000,
            };
        let beats = [
            beat("monitor", "b", 5, 1, "running"),
            beat("ops", "a", 5, 400, "running"),
            beat("web", "a", 5, 1, "running"),
            // An older process of the monitor, replaced: its silence is no problem.
            beat("monitor", "old", 500, 500, "running"),
            beat("quotes", "a", 31, 31, "running"),
            beat("ingest", "c", 900, 900, "stopped"),
        ];
        let (services, problems) = services(&beats, now);
        let status = |s: &str| services[s].status.as_str();
        assert_eq!(
            [status("monitor"), status("ops"), status("web"), status("quotes"), status("ingest")],
            ["running", "stuck", "running", "dead", "stopped"]
        );
        let keys: Vec<&str> = problems.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["stuck ops", "dead quotes"]);
        assert_eq!(problems[1].1, "service quotes (a): no heartbeat for 31 s");
    }

    #[test]
    fn exit_codes() {
        assert_eq!([Level::Healthy, Level::Degraded, Level::Down].map(Level::exit_code), [0, 1, 2]);
    }
}
