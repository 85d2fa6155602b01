//! PostgreSQL, for production: several processes share one database.

use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};

use crate::StoreResult;

/// Held while migrating, so that two processes never migrate at once (key = "cb" + 0001).
const LOCK_SQL: &str = "SELECT pg_advisory_lock(6362001)";
const UNLOCK_SQL: &str = "SELECT pg_advisory_unlock(6362001)";

/// The PostgreSQL store.
#[derive(Debug, Clone)]
pub(crate) struct PgStore {
    pub(crate) pool: PgPool,
}

impl PgStore {
    pub(crate) async fn connect(url: &str) -> StoreResult<Self> {
        // One direct attempt first: a pool retries until its timeout and then reports only
        // "timed out", while this reports why (refused, unknown database, bad password).
        sqlx::Connection::close(<sqlx::PgConnection as sqlx::Connection>::connect(url).await?).await?;
        let pool = Self::options().connect(url).await?;
        Ok(Self { pool })
    }

    /// A store whose connections are made when first needed: it answers errors until the
    /// database can be reached (a URL that cannot be read is refused at once).
    pub(crate) fn connect_lazy(url: &str) -> StoreResult<Self> {
        // Asked while the database is away, a call answers within 3 s rather than 10.
        Ok(Self { pool: Self::options().acquire_timeout(Duration::from_secs(3)).connect_lazy(url)? })
    }

    fn options() -> PgPoolOptions {
        PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .after_release(|conn, _| Box::pin(async move { Ok(crate::reusable(conn)) }))
    }
}

crate::sql::impl_store!(
    PgStore,
    sqlx::Postgres,
    crate::Backend::Postgres,
    crate::migrate::POSTGRES,
    Some(LOCK_SQL),
    Some(UNLOCK_SQL)
);
