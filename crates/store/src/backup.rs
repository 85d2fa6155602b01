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

/// Writes a consistent backup of `url` to `to` (which must not exist).
pub async fn backup(url: &DatabaseUrl, to: &Path) -> StoreResult<()> {
    if to.exists() {
        return Err(StoreError::Conflict(format!("{} exists; backups never overwrite", to.display())));
    }
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

/// Restores the backup `from` into `url` (SQLite: the file must not exist yet; PostgreSQL: the
/// database's crossbook objects are replaced).
pub async fn restore(url: &DatabaseUrl, from: &Path) -> StoreResult<()> {
    if !from.exists() {
        return Err(StoreError::NotFound(from.display().to_string()));
    }
    match url {
        DatabaseUrl::Sqlite { path: Some(p) } => {
            if p.exists() {
                return Err(StoreError::Conflict(format!("{} exists; restore into a new file", p.display())));
            }
            tokio::fs::copy(from, p).await.map_err(|e| StoreError::Conflict(format!("copying the backup: {e}")))?;
            Ok(())
        }
        DatabaseUrl::Sqlite { path: None } => {
            Err(StoreError::Conflict("cannot restore into an in-memory database".into()))
        }
        DatabaseUrl::Postgres { url: raw } => {
            run("pg_restore", &["--clean", "--if-exists", "--no-owner", "--dbname", raw, &from.display().to_string()])
                .await
        }
    }
}
