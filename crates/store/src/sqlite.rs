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
        let opts = match path {
            Some(p) => SqliteConnectOptions::new().filename(p).create_if_missing(true),
            None => SqliteConnectOptions::from_str("sqlite::memory:")?,
        }
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
        // An in-memory database lives in one connection.
        let max = if path.is_some() { 4 } else { 1 };
        let pool = SqlitePoolOptions::new().max_connections(max).connect_with(opts).await?;
        Ok(Self { pool })
    }
}

crate::sql::impl_store!(SqliteStore, sqlx::Sqlite, crate::Backend::Sqlite, crate::migrate::SQLITE, None, None);
