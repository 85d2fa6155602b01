//! SQLite, the embedded default: one file, WAL journal, foreign keys on.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

use crate::StoreResult;

/// The SQLite store.
#[derive(Debug, Clone)]
pub(crate) struct SqliteStore {
    pub(crate) pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) the file at `path`, or a private in-memory database.
    pub(crate) async fn connect(path: Option<&Path>) -> StoreResult<Self> {
        Self::connect_with_page_limit(path, None).await
    }

    /// As [`SqliteStore::connect`], each connection limited to `max_pages` pages when given (a
    /// full disk, for tests: writes past it fail with SQLITE_FULL).
    pub(crate) async fn connect_with_page_limit(path: Option<&Path>, max_pages: Option<u32>) -> StoreResult<Self> {
        let opts = match path {
            Some(p) => SqliteConnectOptions::new().filename(p).create_if_missing(true),
            None => SqliteConnectOptions::from_str("sqlite::memory:")?,
        }
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
        let opts = match max_pages {
            Some(n) => opts.pragma("max_page_count", n.to_string()),
            None => opts,
        };
        // An in-memory database lives in one connection.
        let max = if path.is_some() { 4 } else { 1 };
        let pool = SqlitePoolOptions::new()
            .max_connections(max)
            .after_release(|conn, _| Box::pin(async move { Ok(crate::reusable(conn)) }))
            .connect_with(opts)
            .await?;
        Ok(Self { pool })
    }
}

crate::sql::impl_store!(SqliteStore, sqlx::Sqlite, crate::Backend::Sqlite, crate::migrate::SQLITE, None, None);
