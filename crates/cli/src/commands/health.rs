//! `crossbook health [--json]`: exit code 0 healthy, 1 degraded, 2 down.

use crossbook_engine::Settings;
use crossbook_engine::health::{self, HealthReport};

pub(crate) async fn run(settings: &Settings, json: bool) -> anyhow::Result<u8> {
    let opened = match super::missing_database(settings) {
        Some(why) => Err(anyhow::anyhow!(why)),
        None => super::open_store(settings).await,
    };
    let report = match opened {
        Ok(store) => {
            let now = crossbook_engine::Clock::from_setting(settings.now).now();
            let threshold =
                chrono::Duration::from_std(settings.live_event_threshold).unwrap_or(chrono::Duration::minutes(15));
            health::check(&*store, now, threshold, &settings.venues).await
        }
        Err(e) => HealthReport::database_down(&format!("{e:#}")),
    };
    if json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print_text(&report);
    }
    Ok(report.status.exit_code() as u8)
}

fn print_text(r: &HealthReport) {
    println!("status:   {:?}", r.status);
    println!("database: {:?}", r.database);
    for (venue, i) in &r.ingestion {
        let when = i.last_run.map(|t| t.to_rfc3339()).unwrap_or_else(|| "-".into());
        println!("ingestion {venue}: {} at {when}, fetched {}, stored {}", i.status, i.fetched, i.stored);
    }
    println!(
        "matching: last run {}, {} suggested, {} confirmed",
        r.matching.last_run.map(|t| t.to_rfc3339()).unwrap_or_else(|| "-".into()),
        r.matching.suggested_count,
        r.matching.confirmed_count
    );
    println!(
        "quotes:   {} books < 1 min, {} < 5 min, {} older ({}% stale)",
        r.quotes.freshness.lt1m, r.quotes.freshness.lt5m, r.quotes.freshness.older, r.quotes.stale_pct
    );
    println!("live:     {} urgent links, {} with arbitrage", r.live_events.urgent_count, r.live_events.arb_count);
    for p in &r.problems {
        println!("problem:  {p}");
    }
}
