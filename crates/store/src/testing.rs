//! Fresh, migrated databases for tests: a temporary SQLite file, or a new PostgreSQL database
//! created on the server named by `TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`) and dropped when the handle is dropped.

use std::sync::Arc;

use crate::scratch::Scratch;
use crate::{DatabaseUrl, Store};

/// The server tests create their databases on.
pub fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A migrated database that lives as long as this handle.
#[derive(Debug)]
pub struct TestDb {
    pub store: Arc<dyn Store>,
    pub url: DatabaseUrl,
    _scratch: Scratch,
}

impl TestDb {
    fn of_scratch(s: Scratch) -> Self {
        Self { store: s.store.clone(), url: s.url.clone(), _scratch: s }
    }

    /// A new SQLite file in a temporary folder.
    pub async fn sqlite() -> Self {
        Self::of_scratch(Scratch::sqlite().await.expect("open a scratch SQLite file"))
    }

    /// A new SQLite file whose connections may hold at most `max_pages` pages: a disk that can
    /// fill up. The returned handle also gives [`TestDb::store`] a second store over the same
    /// file without the limit (`unlimited`), to make room again.
    pub async fn sqlite_with_page_limit(max_pages: u32) -> (Self, Arc<dyn Store>) {
        let db = Self::sqlite().await;
        let path = match &db.url {
            DatabaseUrl::Sqlite { path: Some(p) } => p.clone(),
            _ => unreachable!("a scratch SQLite database is a file"),
        };
        let limited: Arc<dyn Store> =
            Arc::new(crate::sqlite::SqliteStore::connect_with_page_limit(Some(&path), Some(max_pages)).await.unwrap());
        let unlimited = db.store.clone();
        (Self { store: limited, url: db.url.clone(), _scratch: db._scratch }, unlimited)
    }

    /// A new, empty PostgreSQL database.
    pub async fn postgres() -> Self {
        let admin = admin_url();
        let server: DatabaseUrl = admin.parse().expect("TEST_DATABASE_URL");
        Self::of_scratch(Scratch::postgres(&server).await.unwrap_or_else(|e| {
            panic!("PostgreSQL for tests at {} is not usable: {e}", crate::redact_password(&admin))
        }))
    }

    /// The PostgreSQL URL of this database, password included (tests only).
    pub fn postgres_url(&self) -> Option<&str> {
        self.url.postgres_url()
    }

    /// An SQLite or PostgreSQL test database, by name (`sqlite` or `postgres`).
    pub async fn of(backend: &str) -> Self {
        match backend {
            "postgres" => Self::postgres().await,
            _ => Self::sqlite().await,
        }
    }
}
