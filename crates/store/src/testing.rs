//! Fresh, migrated databases for tests: a temporary SQLite file, or a new PostgreSQL database
//! created on the server named by `TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`) and dropped when the handle is dropped.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

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
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    Dir(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin: String, name: String },
}

impl TestDb {
    /// A new SQLite file in a temporary folder.
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url: DatabaseUrl =
            format!("sqlite://{}", dir.path().join("test.db").display()).parse().expect("sqlite url");
        let store = crate::open(&url).await.expect("open sqlite");
        Self { store, url, cleanup: Cleanup::Dir(dir) }
    }

    /// A new, empty PostgreSQL database.
    pub async fn postgres() -> Self {
        static N: AtomicU32 = AtomicU32::new(0);
        let admin = admin_url();
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
        let name = format!("crossbook_test_{}_{}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed), nanos);
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin).await.unwrap_or_else(|e| {
            panic!("PostgreSQL for tests at {} is not reachable: {e}", crate::redact_password(&admin))
        });
        sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("create test database");
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
        let url: DatabaseUrl = format!("{base}/{name}").parse().expect("postgres url");
        let store = crate::open(&url).await.expect("open postgres");
        Self { store, url, cleanup: Cleanup::Postgres { admin, name } }
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

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Cleanup::Postgres { admin, name } = &self.cleanup {
            let (admin, name) = (admin.clone(), name.clone());
            // Drop on a thread of its own: this may run inside an async runtime.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
                rt.block_on(async {
                    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin).await?;
                    sqlx::Executor::execute(&mut conn, format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                        .await?;
                    Ok::<_, sqlx::Error>(())
                })
                .map_err(std::io::Error::other)
            })
            .join();
        }
    }
}
