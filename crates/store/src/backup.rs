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

/// Splits the password out of a PostgreSQL URL: (the URL without it, the password).
fn without_password(url: &str) -> (String, Option<String>) {
    let Some((scheme, rest)) = url.split_once("://") else { return (url.to_string(), None) };
    let (authority, tail) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
    let Some((userinfo, host)) = authority.rsplit_once('@') else { return (url.to_string(), None) };
    match userinfo.split_once(':') {
        Some((user, password)) => (format!("{scheme}://{user}@{host}{tail}"), Some(password.to_string())),
        None => (url.to_string(), None),
    }
}

/// Runs a PostgreSQL client tool against `url`: the password goes through the environment
/// (`PGPASSWORD`), never the command line every user of the machine can read.
async fn run(tool: &str, url: &str, args: &[&str]) -> StoreResult<()> {
    let (url, password) = without_password(url);
    let mut cmd = tokio::process::Command::new(tool);
    cmd.args(args).arg("--dbname").arg(&url).stdin(Stdio::null());
    if let Some(p) = password {
        let decoded = percent_decode(&p);
        cmd.env("PGPASSWORD", decoded);
    }
    let out = cmd
        .output()
        .await
        .map_err(|e| StoreError::Conflict(format!("{tool} not runnable ({e}); install the PostgreSQL client tools")))?;
    if out.status.success() { Ok(()) } else { Err(tool_error(tool, &out)) }
}

/// `%XX` escapes of a URL's userinfo, decoded.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Writes a consistent backup of `url` to `to` (which must not exist). A backup that fails
/// leaves no file behind.
pub async fn backup(url: &DatabaseUrl, to: &Path) -> StoreResult<()> {
    // `exists` follows links: a dangling symlink would be written through to where it points.
    if to.symlink_metadata().is_ok() {
        return Err(StoreError::Conflict(format!("{} exists; backups never overwrite", to.display())));
    }
    // Created readable by its owner only before anything is written into it: a backup holds
    // everything the database does.
    let mut file = std::fs::OpenOptions::new();
    file.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut file, 0o600);
    file.open(to).map_err(|e| StoreError::Conflict(format!("{}: {e}", to.display())))?;
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
            run("pg_dump", raw, &["--format=custom", "--no-owner", &format!("--file={}", to.display())]).await
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
            // An SQLite file is not a backup of crossbook's unless it holds crossbook's schema:
            // any other database would be migrated into a mess of both.
            if !is_crossbook_database(from).await {
                return Err(StoreError::Conflict(format!(
                    "{} is an SQLite database but not a crossbook backup (no crossbook schema in it)",
                    from.display()
                )));
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
            // An absolute path: a file named like an option (`-l`) is read as a file.
            let from =
                std::path::absolute(from).map_err(|e| StoreError::Conflict(format!("{}: {e}", from.display())))?;
            run("pg_restore", raw, &["--clean", "--if-exists", "--no-owner", &from.display().to_string()]).await
        }
    }
}

/// Whether an SQLite file holds crossbook's schema (its migrations table with the first
/// migration, and the markets table), read without writing to it.
async fn is_crossbook_database(path: &Path) -> bool {
    use std::str::FromStr;
    let Ok(opts) = sqlx::sqlite::SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display())) else {
        return false;
    };
    let Ok(mut conn) = sqlx::ConnectOptions::connect(&opts.read_only(true)).await else { return false };
    let found: Result<(i64,), _> = sqlx::query_as(
        "SELECT (SELECT count(*) FROM schema_migrations WHERE version = 1) * \
         (SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'markets')",
    )
    .fetch_one(&mut conn)
    .await;
    let _ = sqlx::Connection::close(conn).await;
    matches!(found, Ok((1,)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url() {
        let (url, pw) = without_password("postgres://app:s%40cret@db:5432/crossbook?sslmode=disable");
        assert_eq!(url, "postgres://app@db:5432/crossbook?sslmode=disable");
        assert_eq!(percent_decode(&pw.unwrap()), "s@cret");
        assert_eq!(without_password("postgres://app@db/x"), ("postgres://app@db/x".into(), None));
    }
}
