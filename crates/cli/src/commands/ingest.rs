//! `crossbook ingest`, `events sync`, `taxonomy backfill`.

use std::io::IsTerminal;
use std::sync::Arc;

use crossbook_engine::ingest::{self, IngestOptions, IngestReport, LogProgress, Mode, Progress};
use crossbook_engine::{Clock, Settings, Venues};
use crossbook_model::Venue;
use crossbook_store::RunStatus;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

use crate::args::{IngestMode, VenueArg};

/// The venues a command names; `all` is the enabled ones (`VENUES`).
pub(crate) fn venues_of(v: VenueArg, settings: &Settings) -> Vec<Venue> {
    match v {
        VenueArg::Kalshi => vec![Venue::Kalshi],
        VenueArg::Polymarket => vec![Venue::Polymarket],
        VenueArg::PolymarketUs => vec![Venue::PolymarketUs],
        VenueArg::All => settings.venues.clone(),
    }
}

pub(crate) fn options(settings: &Settings, mode: Mode) -> IngestOptions {
    IngestOptions {
        mode,
        topics: settings.ingest_topics(),
        exclude_mve: settings.exclude_mve_markets,
        clock: Clock::from_setting(settings.now),
        concurrency: 4,
    }
}

/// A spinner per venue on a terminal.
struct BarProgress {
    bars: crossbook_model::PerVenue<ProgressBar>,
}

impl BarProgress {
    fn new() -> Self {
        let multi = MultiProgress::new();
        let style = ProgressStyle::with_template("{spinner} {prefix:>10} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        let bar = |name: &'static str| {
            let b = multi.add(ProgressBar::new_spinner());
            b.set_style(style.clone());
            b.set_prefix(name);
            b
        };
        Self { bars: crossbook_model::PerVenue::from_fn(|v| bar(v.as_str())) }
    }
}

impl Progress for BarProgress {
    fn update(&self, venue: Venue, pages: u64, fetched: u64, stored: u64) {
        let bar = &self.bars[venue];
        bar.set_message(format!("{pages} pages, {fetched} markets fetched, {stored} stored"));
        bar.tick();
    }
}

fn progress() -> Arc<dyn Progress> {
    if std::io::stderr().is_terminal() { Arc::new(BarProgress::new()) } else { Arc::new(LogProgress) }
}

fn print_report(r: &IngestReport) {
    let skipped: Vec<String> = r.skipped.iter().map(|(k, v)| format!("{k} {v}")).collect();
    println!(
        "{}: {} — {} pages, {} fetched, {} stored, {} closed, skipped [{}], {} errors",
        r.venue,
        r.status.as_str(),
        r.pages,
        r.fetched,
        r.stored,
        r.closed,
        skipped.join(", "),
        r.errors
    );
}

pub(crate) async fn ingest(settings: &Settings, venue: VenueArg, mode: IngestMode) -> anyhow::Result<u8> {
    let store = super::open_store(settings).await?;
    let venues = Venues::from_settings(settings)?;
    let mode = match mode {
        IngestMode::Split => Mode::Split,
        IngestMode::Full => Mode::Full,
    };
    let opts = options(settings, mode);
    let progress = progress();
    let mut code = 0;
    for v in venues_of(venue, settings) {
        let result = ingest::ingest_venue(store.clone(), &venues, v, &opts, progress.clone()).await;
        match result {
            Ok(r) => {
                print_report(&r);
                if r.status == RunStatus::Failed {
                    code = 1;
                }
            }
            Err(e) => {
                eprintln!("{v}: failed: {e:#}");
                code = 1;
            }
        }
    }
    Ok(code)
}

pub(crate) async fn events_sync(settings: &Settings, venue: VenueArg, non_mve: bool) -> anyhow::Result<u8> {
    if venue != VenueArg::Kalshi {
        anyhow::bail!("events sync: only -v kalshi is supported (Polymarket events come with `ingest`)");
    }
    let store = super::open_store(settings).await?;
    let venues = Venues::from_settings(settings)?;
    let opts = options(settings, Mode::Split);
    let (stored, mve) = ingest::sync_kalshi_events(&*store, &venues.kalshi, &opts, non_mve).await?;
    println!("kalshi: {stored} events stored, {mve} multivariate events left out");
    Ok(0)
}

pub(crate) async fn backfill(settings: &Settings, venue: VenueArg) -> anyhow::Result<u8> {
    let store = super::open_store(settings).await?;
    for v in venues_of(venue, settings) {
        let r = crossbook_engine::backfill::backfill(&*store, v).await?;
        println!("{v}: {} events and {} markets reclassified, {} markets changed", r.events, r.markets, r.changed);
    }
    Ok(0)
}
