//! Command dispatch. Each command returns its process exit code.

/// `crossbook bench …`.
mod bench;
/// `crossbook db …`.
mod db;
/// `crossbook demo`.
mod demo;
/// `crossbook eval matching`.
mod eval;
/// `crossbook health`.
mod health;
/// `crossbook ingest`, `events sync`, `taxonomy backfill`.
mod ingest;
/// `crossbook match`, `links …`, `audit mve`.
mod links;
/// `crossbook markets …`.
mod markets;
/// `crossbook watchlist …`, `quotes loop`, `arbs list`.
mod quotes;
/// `crossbook record`.
mod record;
/// `crossbook teams …`, `taxonomy leagues`.
mod registry;
/// `crossbook run`.
mod run;
/// `crossbook serve`.
mod serve;
/// `crossbook sim`.
mod sim;
/// `crossbook fills|positions|pnl`.
mod trades;
/// `crossbook venues check`.
mod venues;

use anyhow::Context;
use crossbook_engine::Settings;
use crossbook_store::Store;
use std::sync::Arc;

use crate::args::{
    ArbsCommand, AuditCommand, Command, DbCommand, EvalCommand, EventsCommand, LinksCommand, MarketsCommand,
    MonitorCommand, QuotesCommand, ReportCommand, TaxonomyCommand, TeamsCommand, VenuesCommand, WatchlistCommand,
};
use crossbook_model::LinkStatus;

pub(crate) async fn run(command: Command, settings: Settings) -> anyhow::Result<u8> {
    match command {
        Command::Db(DbCommand::Migrate) => db::migrate(&settings).await,
        Command::Db(DbCommand::Backup { out }) => db::backup(&settings, out.as_deref()).await,
        Command::Db(DbCommand::Restore { from, force }) => db::restore(&settings, &from, force).await,
        Command::Run { bind, services, metrics_bind } => {
            run::run(&settings, &bind, &services, metrics_bind.as_deref()).await
        }
        Command::Demo { duration, json } => demo::run(&settings, &duration, json).await,
        Command::Serve { bind } => serve::run(&settings, &bind).await,
        Command::Health { json } => health::run(&settings, json).await,
        Command::Markets(MarketsCommand::List { venue, json }) => markets::list(&settings, venue, json).await,
        Command::Ingest { venue, mode } => ingest::ingest(&settings, venue, mode).await,
        Command::Events(EventsCommand::Sync { venue, non_mve }) => ingest::events_sync(&settings, venue, non_mve).await,
        Command::Taxonomy(TaxonomyCommand::Backfill { venue }) => ingest::backfill(&settings, venue).await,
        Command::Taxonomy(TaxonomyCommand::Leagues { json }) => registry::leagues(&settings, json).await,
        Command::Teams(TeamsCommand::List { league, json }) => registry::list(&settings, league.as_deref(), json).await,
        Command::Teams(TeamsCommand::Add(a)) => registry::put(&settings, &a, false).await,
        Command::Teams(TeamsCommand::Block(a)) => registry::put(&settings, &a, true).await,
        Command::Teams(TeamsCommand::Remove(a)) => registry::remove(&settings, &a).await,
        Command::Sim(args) => sim::run(args).await,
        Command::Bench { name, json, slow_store, data, links } => {
            bench::run(&settings, name, json, slow_store, data.as_deref(), links).await
        }
        Command::Match { topics } => links::run_match(&settings, &topics).await,
        Command::Links(LinksCommand::List { json }) => links::list(&settings, json).await,
        Command::Links(LinksCommand::Export { .. }) => links::export(&settings).await,
        Command::Links(LinksCommand::Confirm { id, force }) => {
            links::decide(&settings, id, LinkStatus::Confirmed, force).await
        }
        Command::Links(LinksCommand::Reject { id }) => links::decide(&settings, id, LinkStatus::Rejected, false).await,
        Command::Audit(AuditCommand::Mve) => links::audit_mve(&settings).await,
        Command::Eval(EvalCommand::Matching { data, labels, json }) => {
            eval::matching(&settings, &data, &labels, json).await
        }
        Command::Watchlist(WatchlistCommand::Sync) => quotes::watchlist_sync(&settings).await,
        Command::Watchlist(WatchlistCommand::List) => quotes::watchlist_list(&settings).await,
        Command::Quotes(QuotesCommand::Loop { once }) => quotes::quotes_loop(&settings, once).await,
        Command::Arbs(ArbsCommand::List { json }) => quotes::arbs_list(&settings, json).await,
        Command::Venues(VenuesCommand::Check { listen, json }) => venues::check(&settings, &listen, json).await,
        Command::Execution(c) => trades::execution(&settings, c).await,
        Command::Fills { from, json } => trades::fills(&settings, from.as_deref(), json).await,
        Command::Positions { json } => trades::positions(&settings, json).await,
        Command::Pnl { from, json } => trades::pnl(&settings, from.as_deref(), json).await,
        Command::Record { out, duration, leagues } => {
            record::record(&settings, &out, &duration, leagues.as_deref()).await
        }
        Command::Report(ReportCommand::Opportunities { from, to, json, html }) => {
            quotes::report_opportunities(&settings, from.as_deref(), to.as_deref(), json, html.as_deref()).await
        }
        Command::Monitor(MonitorCommand::LiveEvents { once }) => quotes::monitor(&settings, once).await,
    }
}

/// Opens (and migrates) the configured database.
pub(crate) async fn open_store(settings: &Settings) -> anyhow::Result<Arc<dyn Store>> {
    crossbook_store::open(&settings.database_url).await.with_context(|| format!("opening {}", settings.database_url))
}

/// Why a read-only command finds nothing: the SQLite file it names does not exist.
pub(crate) fn missing_database(settings: &Settings) -> Option<String> {
    match &settings.database_url {
        crossbook_store::DatabaseUrl::Sqlite { path: Some(path) } if !path.exists() => Some(format!(
            "no database at {}: nothing is stored yet (run `crossbook demo`, or `crossbook ingest -v all` then `crossbook match`)",
            path.display()
        )),
        _ => None,
    }
}

/// The store for a command that only reads. An SQLite file that does not exist is not created:
/// the command reads an empty database in memory, and says so.
pub(crate) async fn open_existing_store(settings: &Settings) -> anyhow::Result<Arc<dyn Store>> {
    if let Some(why) = missing_database(settings) {
        eprintln!("note: {why}");
        return Ok(crossbook_store::open(&crossbook_store::DatabaseUrl::Sqlite { path: None }).await?);
    }
    open_store(settings).await
}

/// Resolves on Ctrl-C or SIGTERM.
pub(crate) async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}
