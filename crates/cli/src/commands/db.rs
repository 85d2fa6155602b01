//! `crossbook db migrate`.

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
