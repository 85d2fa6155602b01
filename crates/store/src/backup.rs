//! Consistent backups and restores. SQLite: `VACUUM INTO` (online: readers and writers carry
//! on) and a file copy back. PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean`.
//! The connection URL (with its password) is passed to the tools, never printed.

use std::path::Path;
use std::process::Stdio;

use crate::{DatabaseUrl, StoreError, StoreResult};

fn tool_error(tool: &str, out: &std::process::Output) -> StoreError {
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The tools may echo the URL; keep only the first line and redact.
    let first = stderr.lines().next().unwrap_or("").to_string();
    StoreError::Conflict(format!("{tool} failed: {}", crate::url::redact_password(&first)))
}

async fn run(tool: &str, args: &[&str]) -> StoreResult<()> {
    let out =
        tokio::process::Command::new(tool).args(args).stdin(Stdio::null()).output().await.map_err(|e| {
            StoreError::Conflict(format!("{tool} not runnable ({e}); install the PostgreSQL client tools"))
        })?;
    if out.status.success() { Ok(()) } else { Err(tool_error(tool, &out)) }
}

/// Writes a consistent backup of `url` to `to` (which must not exist). A backup that fails
/// leaves no file behind.
pub async fn backup(url: &DatabaseUrl, to: &Path) -> StoreResult<()> {
    if to.exists() {
        return Err(StoreError::Conflict(format!("{} exists; backups never overwrite", to.display())));
    }
    let result = write_backup(url, to).await;
    if result.is_err() {
        let _ = tokio::fs::remove_file(to).await;
    }
    result
}

async fn write_backup(url: &DatabaseUrl, to: &Path) -> StoreResult<()> {
    match url {
        DatabaseUrl::Sqlite { path: Some(_) } => {
            let store = crate::sqlite::SqliteStore::connect(match url {
                DatabaseUrl::Sqlite { path } => path.as_deref(),
                DatabaseUrl::Postgres { .. } => None,
            })
            .await?;
            sqlx::query("VACUUM INTO $1").bind(to.display().to_string()).execute(&store.pool).await?;
            Ok(())
        }
        DatabaseUrl::Sqlite { path: None } => {
            Err(StoreError::Conflict("an in-memory database has nothing to back up".into()))
        }
        DatabaseUrl::Postgres { url: raw } => {
            run("pg_dump", &["--format=custom", "--no-owner", "--file", &to.display().to_string(), "--dbname", raw])
                .await
        }
    }
}

/// The first bytes of every SQLite database file.
const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";

/// Restores the backup `from` into `url`. The target must be empty — no SQLite file, no table
/// in the PostgreSQL database — unless `force` (then it is replaced). A restore that fails
/// leaves no file behind.
pub async fn restore(url: &DatabaseUrl, from: &Path, force: bool) -> StoreResult<()> {
    if !from.exists() {
        return Err(StoreError::NotFound(from.display().to_string()));
    }
    match url {
        DatabaseUrl::Sqlite { path: Some(p) } => {
            if p.exists() && !force {
                return Err(StoreError::Conflict(format!(
                    "{} exists; restore into a new file, or pass --force to replace it",
                    p.display()
                )));
            }
            let mut head = [0u8; 16];
            let read = async {
                use tokio::io::AsyncReadExt;
                tokio::fs::File::open(from).await?.read_exact(&mut head).await
            };
            if read.await.is_err() || head != SQLITE_MAGIC {
                return Err(StoreError::Conflict(format!("{} is not an SQLite database", from.display())));
            }
            // Next to the target, then renamed over it: never a half-written database.
            let partial = p.with_extension("restoring");
            let moved = match tokio::fs::copy(from, &partial).await {
                Ok(_) => tokio::fs::rename(&partial, p).await,
                Err(e) => Err(e),
            };
            if let Err(e) = moved {
                let _ = tokio::fs::remove_file(&partial).await;
                return Err(StoreError::Conflict(format!("copying the backup: {e}")));
            }
            for suffix in ["-wal", "-shm"] {
                let _ = tokio::fs::remove_file(format!("{}{suffix}", p.display())).await;
            }
            Ok(())
        }
        DatabaseUrl::Sqlite { path: None } => {
            Err(StoreError::Conflict("cannot restore into an in-memory database".into()))
        }
        DatabaseUrl::Postgres { url: raw } => {
            if !force {
                let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(raw).await?;
                let (tables,): (i64,) =
                    sqlx::query_as("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
                        .fetch_one(&mut conn)
                        .await?;
                if tables > 0 {
                    return Err(StoreError::Conflict(format!(
                        "the database holds {tables} table(s) already; restore into an empty database, or pass --force to replace crossbook's objects"
                    )));
                }
            }
            run("pg_restore", &["--clean", "--if-exists", "--no-owner", "--dbname", raw, &from.display().to_string()])
                .await
        }
    }
}
