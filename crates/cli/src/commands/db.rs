//! `crossbook db migrate|backup|restore`.

use std::path::Path;

use crossbook_engine::Settings;

pub(crate) async fn migrate(settings: &Settings) -> anyhow::Result<u8> {
    let store = crossbook_store::connect(&settings.database_url).await?;
    let report = store.migrate().await?;
    if report.applied.is_empty() {
        println!("{}: up to date (schema version {})", settings.database_url, report.current);
    } else {
        println!(
            "{}: applied migration(s) {:?}, schema version {}",
            settings.database_url, report.applied, report.current
        );
    }
    Ok(0)
}

/// A consistent backup while crossbook runs (SQLite: VACUUM INTO; PostgreSQL: pg_dump).
pub(crate) async fn backup(settings: &Settings, out: Option<&Path>) -> anyhow::Result<u8> {
    let default = format!(
        "crossbook-backup-{}.{}",
        chrono::Utc::now().format("%Y%m%dT%H%M%SZ"),
        if settings.database_url.is_postgres() { "dump" } else { "db" }
    );
    let to = out.map(Path::to_path_buf).unwrap_or_else(|| default.into());
    crossbook_store::backup::backup(&settings.database_url, &to).await?;
    println!("backed up {} to {}", settings.database_url, to.display());
    Ok(0)
}

/// Restores a backup into DATABASE_URL (a new SQLite file, or a PostgreSQL database).
pub(crate) async fn restore(settings: &Settings, from: &Path, force: bool) -> anyhow::Result<u8> {
    crossbook_store::backup::restore(&settings.database_url, from, force).await?;
    let store = crossbook_store::open(&settings.database_url).await?;
    let report = store.migrate().await?;
    println!("restored {} into {} (schema version {})", from.display(), settings.database_url, report.current);
    Ok(0)
}
