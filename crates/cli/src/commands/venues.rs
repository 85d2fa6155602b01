//! `crossbook venues check`: each configured venue asked once, drift reported.

use crossbook_engine::venue_check::check_venues;
use crossbook_engine::{Settings, Venues};

pub(crate) async fn check(settings: &Settings, listen: &str, json: bool) -> anyhow::Result<u8> {
    let listen = super::demo::parse_duration(listen)?;
    let venues = Venues::from_settings(settings)?;
    let report = check_venues(settings, &venues, listen).await;
    if json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!("{:<11} {:<36} {:<8} {:>6}  DRIFT", "VENUE", "ENDPOINT", "STATUS", "ITEMS");
        for c in &report.checks {
            let mut drift = Vec::new();
            if let Some(d) = &c.detail {
                drift.push(d.clone());
            }
            if !c.missing.is_empty() {
                drift.push(format!("missing: {}", c.missing.join(", ")));
            }
            if !c.new.is_empty() {
                drift.push(format!("new: {}", c.new.join(", ")));
            }
            if !c.unknown_types.is_empty() {
                drift.push(format!("unknown message types: {}", c.unknown_types.join(", ")));
            }
            if c.malformed > 0 {
                drift.push(format!("{} unreadable", c.malformed));
            }
            let shown = if drift.is_empty() { "-".to_string() } else { drift.join("; ") };
            println!("{:<11} {:<36} {:<8} {:>6}  {shown}", c.venue, c.endpoint, c.status, c.items);
        }
        println!("{}", if report.drifted() { "drift found" } else { "no drift" });
    }
    Ok(u8::from(report.drifted()))
}
