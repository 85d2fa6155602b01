//! Scratch databases for benchmarks and tests: a temporary SQLite file, or a new PostgreSQL
//! database created on a server and dropped with the handle.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::{DatabaseUrl, Store, StoreError, StoreResult};

/// A migrated database that lives as long as this handle.
#[derive(Debug)]
pub struct Scratch {
    pub store: Arc<dyn Store>,
    pub url: DatabaseUrl,
    _cleanup: Cleanup,
}

/// Removed with the handle: the folder, or the database.
#[derive(Debug)]
#[allow(dead_code)]
enum Cleanup {
    Dir(tempfile::TempDir),
    Postgres(DropDatabase),
}

/// Drops a PostgreSQL database when dropped.
#[derive(Debug)]
struct DropDatabase {
    admin: String,
    name: String,
}

impl Scratch {
    /// A new SQLite file in a temporary folder.
    pub async fn sqlite() -> StoreResult<Self> {
        let dir = tempfile::tempdir().map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
        let url: DatabaseUrl = format!("sqlite://{}", dir.path().join("scratch.db").display())
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("scratch url: {e}")))?;
        let store = crate::open(&url).await?;
        Ok(Self { store, url, _cleanup: Cleanup::Dir(dir) })
    }

    /// A new, empty PostgreSQL database on the server of `server` (whose user may create
    /// databases).
    pub async fn postgres(server: &DatabaseUrl) -> StoreResult<Self> {
        let admin = server.postgres_url().ok_or_else(|| StoreError::Corrupt("not a PostgreSQL URL".into()))?;
        static N: AtomicU32 = AtomicU32::new(0);
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
        let name = format!("crossbook_scratch_{}_{}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed), nanos);
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(admin).await?;
        sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str()).await?;
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin);
        let url: DatabaseUrl =
            format!("{base}/{name}").parse().map_err(|e| StoreError::Corrupt(format!("scratch url: {e}")))?;
        // Dropped again if opening fails.
        let guard = DropDatabase { admin: admin.to_string(), name };
        let store = crate::open(&url).await?;
        Ok(Self { store, url, _cleanup: Cleanup::Postgres(guard) })
    }
}

impl Drop for DropDatabase {
    fn drop(&mut self) {
        {
            let (admin, name) = (self.admin.clone(), self.name.clone());
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
