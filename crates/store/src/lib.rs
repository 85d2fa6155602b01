//! Storage for crossbook: the [`Store`] trait and its two implementations, SQLite (the embedded
//! default) and PostgreSQL (production). Both run the same SQL (see `sql.rs`); only connection
//! set-up and migrations differ per backend. Nothing is ever hard-deleted: markets that vanish
//! from a venue are marked closed.
#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

/// Backups and restores.
pub mod backup;
/// Schema migrations per backend.
mod migrate;
/// PostgreSQL connection set-up.
mod postgres;
/// Scratch databases for benchmarks and tests.
pub mod scratch;
/// The SQL shared by both backends.
mod sql;
/// SQLite connection set-up.
mod sqlite;
/// Fresh databases for tests (feature `test-support`).
#[cfg(feature = "test-support")]
pub mod testing;
/// Row types returned by the store.
mod types;
/// `DATABASE_URL` parsing and redaction.
mod url;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use crossbook_model::{Decider, Event, Link, LinkCandidate, LinkDecision, LinkId, LinkStatus, Market, Topic, Venue};

pub use migrate::MigrationReport;
pub use types::*;
pub use url::{DatabaseUrl, UrlError, redact_password};

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration {version} ({name}) failed: {source}")]
    Migration { version: i64, name: &'static str, source: sqlx::Error },
    #[error("stored row is corrupt: {0}")]
    Corrupt(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("conflict: {0}")]
    Conflict(String),
}

impl StoreError {
    /// SQLite's "database is locked": another process holds the write lock.
    pub fn is_busy(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::Database(e)) | StoreError::Migration { source: sqlx::Error::Database(e), .. }
            if e.code().as_deref() == Some("5") || e.code().as_deref() == Some("517"))
    }

    /// Whether retrying later may succeed (connection trouble rather than bad data).
    pub fn is_transient(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed))
    }

    /// Whether the database could not be reached (refused, unreachable, timed out, or a
    /// server starting or shutting down), rather than refusing what was asked of it.
    pub fn is_unreachable(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::Tls(_)) => true,
            // cannot_connect_now, admin_shutdown, crash_shutdown
            StoreError::Database(sqlx::Error::Database(e)) => {
                matches!(e.code().as_deref(), Some("57P03" | "57P01" | "57P02"))
            }
            _ => false,
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Which backend a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Everything crossbook keeps. Implemented for SQLite and PostgreSQL with the same semantics,
/// checked by one conformance suite (`tests/conformance.rs`).
#[async_trait]
pub trait Store: Send + Sync + std::fmt::Debug {
    fn backend(&self) -> Backend;

    /// Applies the migrations not yet applied; a second run changes nothing.
    async fn migrate(&self) -> StoreResult<MigrationReport>;

    /// A cheap round trip to the database.
    async fn ping(&self) -> StoreResult<()>;

    /// Inserts or updates markets by (venue, id); `last_seen` becomes `now` and a market that
    /// had been closed for vanishing is reopened if the venue says it is open. Idempotent.
    async fn upsert_markets(&self, markets: &[Market], now: DateTime<Utc>) -> StoreResult<u64>;

    /// Marks closed every still-open market of `venue` (within `topic`, if given) not seen since
    /// `seen_since`: the venue no longer lists it. Returns how many were closed.
    async fn close_unseen_markets(
        &self,
        venue: Venue,
        topic: Option<Topic>,
        seen_since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<u64>;

    /// Records a market's tradability as a venue's socket announced it (a lifecycle change, a
    /// resolution) between ingestion passes; the next pass writes what the venue lists.
    async fn set_market_state(&self, venue: Venue, id: &str, state: crossbook_model::MarketState) -> StoreResult<()>;

    /// Stored markets, closed ones included, in (venue, id) order.
    async fn list_markets(&self, filter: &MarketFilter) -> StoreResult<Vec<StoredMarket>>;

    /// Rewrites only the derived fields (topic, league, participants, kind, line, is_mve) of
    /// stored markets and events, leaving bookkeeping alone (`taxonomy backfill`).
    async fn update_taxonomy(&self, events: &[Event], markets: &[Market]) -> StoreResult<u64>;

    /// Inserts or updates events by (venue, id). Idempotent.
    async fn upsert_events(&self, events: &[Event], now: DateTime<Utc>) -> StoreResult<u64>;

    /// Stored events, in (venue, id) order.
    async fn list_events(&self, venue: Option<Venue>) -> StoreResult<Vec<Event>>;

    /// Records what the matcher proposes. An existing link for the same pair keeps its status
    /// and gets the new score and reasons; a candidate for a Kalshi market that already has
    /// another live link is refused as a conflict.
    async fn upsert_link_candidate(&self, candidate: &LinkCandidate, now: DateTime<Utc>) -> StoreResult<LinkUpsert>;

    /// Moves a link to `to`, recording who decided and why. An automatic decision never
    /// overrides a person's.
    async fn decide_link(
        &self,
        id: LinkId,
        to: LinkStatus,
        by: &Decider,
        reason: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Decision>;

    async fn get_link(&self, id: LinkId) -> StoreResult<Option<Link>>;

    /// Records a link's settlement-rule class and its reasons.
    async fn set_rule_risk(&self, id: LinkId, risk: crossbook_model::RuleRisk, reasons: &[String]) -> StoreResult<()>;

    /// Links, optionally of one status, by id.
    async fn list_links(&self, status: Option<LinkStatus>) -> StoreResult<Vec<Link>>;

    /// A link's decisions, oldest first.
    async fn link_history(&self, id: LinkId) -> StoreResult<Vec<LinkDecision>>;

    /// Opens an ingestion-run record and returns its id.
    async fn start_ingestion_run(&self, venue: Venue, mode: &str, now: DateTime<Utc>) -> StoreResult<i64>;

    /// Closes an ingestion-run record with its figures.
    async fn finish_ingestion_run(&self, id: i64, summary: &RunSummary) -> StoreResult<()>;

    /// Marks the ingestion runs still running that started at or after `since` as failed with
    /// `message`, finished at `now` (a process stopping abandons them). Returns how many.
    async fn abandon_ingestion_runs(&self, since: DateTime<Utc>, now: DateTime<Utc>, message: &str)
    -> StoreResult<u64>;

    /// The latest ingestion run of each venue.
    async fn latest_ingestion_runs(&self) -> StoreResult<Vec<IngestionRun>>;

    async fn record_matching_run(&self, run: &MatchingRun) -> StoreResult<()>;

    async fn latest_matching_run(&self) -> StoreResult<Option<MatchingRun>>;

    /// How many markets each venue has stored, per topic.
    async fn market_counts(&self) -> StoreResult<Vec<(Venue, Topic, u64)>>;

    /// How many links are in each status.
    async fn link_counts(&self) -> StoreResult<LinkCounts>;

    /// Replaces the watchlist (derived state, rebuilt from links).
    async fn replace_watchlist(&self, entries: &[WatchEntry], now: DateTime<Utc>) -> StoreResult<()>;

    /// The watchlist, by priority then liquidity.
    async fn list_watchlist(&self) -> StoreResult<Vec<WatchEntry>>;

    /// Stores the latest book of each (venue, book id).
    async fn save_books(&self, books: &[BookSnapshot]) -> StoreResult<()>;

    /// The latest stored books, all or of the given ids.
    async fn load_books(&self, ids: Option<&[String]>) -> StoreResult<Vec<BookSnapshot>>;

    /// Stored books by age at `now`.
    async fn book_freshness(&self, now: DateTime<Utc>) -> StoreResult<Freshness>;

    /// Records an opportunity: refreshes the open one of the same (link, direction) — last
    /// seen, figures, best edge — or opens a new one first seen at `first_seen`. Returns its id.
    async fn upsert_opportunity(
        &self,
        o: &crossbook_model::Opportunity,
        direction: &str,
        first_seen: DateTime<Utc>,
        last_seen: DateTime<Utc>,
    ) -> StoreResult<i64>;

    /// [`Store::upsert_opportunity`] for a write that may have been made already (read back
    /// from the writer's spool after a crash): an opportunity of the same link, direction and
    /// first sighting that has closed since is its row — answered, neither reopened nor doubled.
    async fn replay_opportunity(
        &self,
        o: &crossbook_model::Opportunity,
        direction: &str,
        first_seen: DateTime<Utc>,
        last_seen: DateTime<Utc>,
    ) -> StoreResult<i64>;

    /// Closes open opportunities not seen since `seen_since`; returns them, closed.
    async fn close_opportunities(
        &self,
        seen_since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<StoredOpportunity>>;

    /// Closes the open opportunities of one link, of one direction or all.
    async fn close_link_opportunities(
        &self,
        link: LinkId,
        direction: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<u64>;

    /// Open opportunities, best edge first, each marked `alternative_to` the better one where two
    /// buy from one book ([`crossbook_model::opportunity::claim_once`]).
    async fn list_open_opportunities(&self) -> StoreResult<Vec<StoredOpportunity>>;

    /// Opportunities open at any time since `since` (open now, or closed after it), oldest
    /// first.
    async fn opportunities_since(&self, since: DateTime<Utc>) -> StoreResult<Vec<StoredOpportunity>>;

    /// Appends quote samples.
    async fn save_quote_samples(&self, samples: &[QuoteSample]) -> StoreResult<()>;

    /// A link's quote samples since `since`, oldest first (the newest `limit`).
    async fn quote_samples(&self, link: LinkId, since: DateTime<Utc>, limit: i64) -> StoreResult<Vec<QuoteSample>>;

    /// Deletes quote samples older than `before`; returns how many.
    async fn prune_quote_samples(&self, before: DateTime<Utc>) -> StoreResult<u64>;

    /// Records an alert and returns its id.
    async fn insert_alert(&self, a: &AlertRecord) -> StoreResult<i64>;

    /// The links and directions whose arbitrage alerts were raised since `since` (delivered,
    /// under way or logged), with when: an alerter starting again keeps their cooldowns.
    async fn recent_arbitrage_alerts(&self, since: DateTime<Utc>) -> StoreResult<Vec<(LinkId, String, DateTime<Utc>)>>;

    /// Updates an alert's delivery state.
    async fn update_alert(
        &self,
        id: i64,
        status: &str,
        attempts: i64,
        error: Option<&str>,
        sent_at: Option<DateTime<Utc>>,
    ) -> StoreResult<()>;

    /// Takes or renews the lease `name` for `holder` until `until`; false while another holder's
    /// lease runs (two processes never do one service's work at once).
    async fn try_lease(&self, name: &str, holder: &str, now: DateTime<Utc>, until: DateTime<Utc>) -> StoreResult<bool>;

    /// Claims an alert subject at `now` ([`AlertClaim`]); true when this claim changed its row
    /// (this process delivers the alert), false when another's already did.
    async fn claim_alert(&self, claim: &AlertClaim, now: DateTime<Utc>) -> StoreResult<bool>;

    /// Records services' heartbeats (one row per service and process, replaced).
    async fn beat(&self, beats: &[Heartbeat]) -> StoreResult<()>;

    /// Every service's heartbeats, newest first.
    async fn list_heartbeats(&self) -> StoreResult<Vec<Heartbeat>>;

    /// Alerts, newest first.
    async fn list_alerts(&self, limit: i64) -> StoreResult<Vec<AlertRecord>>;

    /// Writes a trade and its fills (again: the same trade id replaces its row, a fill already
    /// written is kept as it is).
    async fn record_trade(&self, trade: &crossbook_model::Trade) -> StoreResult<()>;

    /// Trades decided since `since`, oldest first.
    async fn list_trades(&self, since: DateTime<Utc>) -> StoreResult<Vec<crossbook_model::Trade>>;

    /// Fills since `since`, oldest first.
    async fn list_fills(&self, since: DateTime<Utc>) -> StoreResult<Vec<crossbook_model::Fill>>;

    /// Sets an operator's switch.
    async fn set_control(&self, control: &Control) -> StoreResult<()>;

    /// An operator's switch, if ever set.
    async fn control(&self, name: &str) -> StoreResult<Option<Control>>;

    /// The participant registry's rows: learned names and codes and a person's corrections.
    async fn list_aliases(&self) -> StoreResult<Vec<crossbook_model::TeamAlias>>;

    /// Inserts or updates aliases by (league, venue, kind, value); a person's row is never
    /// overwritten by a learned one. Returns how many rows changed.
    async fn put_aliases(&self, aliases: &[crossbook_model::TeamAlias], now: DateTime<Utc>) -> StoreResult<u64>;

    /// Deletes the row of (league, venue, kind, value); false when there was none.
    async fn remove_alias(&self, alias: &crossbook_model::TeamAlias) -> StoreResult<bool>;
}

/// Opens the database at `url` (creating an SQLite file if missing) and applies migrations.
/// Another process opening a fresh SQLite file at the same moment holds it briefly (WAL set-up,
/// its migrations): the opening is tried again for up to ten seconds.
pub async fn open(url: &DatabaseUrl) -> StoreResult<Arc<dyn Store>> {
    let mut waited = std::time::Duration::ZERO;
    loop {
        let attempt = async {
            let store = connect(url).await?;
            store.migrate().await?;
            Ok::<_, StoreError>(store)
        };
        match attempt.await {
            Err(e) if e.is_busy() && waited < std::time::Duration::from_secs(10) => {
                let pause = std::time::Duration::from_millis(100 + jitter_ms(waited));
                tokio::time::sleep(pause).await;
                waited += pause;
            }
            other => return other,
        }
    }
}

/// A pause that differs between processes retrying together (from the clock's nanoseconds).
fn jitter_ms(seed: std::time::Duration) -> u64 {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    (u64::from(nanos) ^ seed.as_nanos() as u64) % 150
}

/// Whether a connection handed back to its pool may serve again. One still inside a
/// transaction is closed instead: a write that failed mid-transaction (SQLite's "database or
/// disk is full", an I/O error, a dropped connection) can leave the database's transaction
/// rolled back while the driver still counts it open, and every later `BEGIN` on that
/// connection would fail ("non-zero transaction depth") long after the cause is gone.
pub(crate) fn reusable(conn: &impl sqlx::Connection) -> bool {
    let clean = !conn.is_in_transaction();
    if !clean {
        tracing::warn!("a database connection left inside a failed transaction is closed, not reused");
    }
    clean
}

/// A PostgreSQL store that connects when first used and is migrated by the caller once the
/// database answers (`run` starting while its database is away); `None` for SQLite, which is
/// a file this process opens or cannot.
pub fn connect_lazy(url: &DatabaseUrl) -> StoreResult<Option<Arc<dyn Store>>> {
    Ok(match url {
        DatabaseUrl::Sqlite { .. } => None,
        DatabaseUrl::Postgres { .. } => {
            let raw = url.postgres_url().unwrap_or_default();
            Some(Arc::new(postgres::PgStore::connect_lazy(raw)?))
        }
    })
}

/// Opens the database at `url` without migrating.
pub async fn connect(url: &DatabaseUrl) -> StoreResult<Arc<dyn Store>> {
    Ok(match url {
        DatabaseUrl::Sqlite { path } => Arc::new(sqlite::SqliteStore::connect(path.as_deref()).await?),
        DatabaseUrl::Postgres { .. } => {
            let raw = url.postgres_url().unwrap_or_default();
            Arc::new(postgres::PgStore::connect(raw).await?)
        }
    })
}
