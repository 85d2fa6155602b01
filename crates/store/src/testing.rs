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
