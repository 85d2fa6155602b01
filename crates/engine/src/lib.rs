//! crossbook's services. The only library crate besides the CLI that sees every other crate.
#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

/// Alerts to webhooks.
pub mod alerts;
/// Recomputing the taxonomy of stored rows.
pub mod backfill;
/// Order books in memory.
pub mod books;
/// Where "now" comes from.
pub mod clock;
/// Every decision in memory.
pub mod desk;
/// The directions an opportunity is recorded under.
pub mod direction;
/// Scoring the matcher against labels.
pub mod eval;
/// Taking opportunities: the paper trader at the desk.
pub mod execution;
/// The game-status gate.
pub mod game;
/// The health report.
pub mod health;
/// Ingestion passes.
pub mod ingest;
/// The report of unmatched leagues.
pub mod leagues;
/// Positions and P&L from the trades.
pub mod ledger;
/// The process's metrics.
pub mod metrics;
/// The live-events monitor.
pub mod monitor;
/// The operations chart's recent points.
pub mod ops_history;
/// The pipeline as steps.
pub mod pipeline;
/// Quotes over REST and arbitrage on them.
pub mod quotes;
/// Contract JSON rows.
pub mod reports;
/// The matching pass and link review.
pub mod review;
/// The sockets feeding the desk.
pub mod runtime;
/// Typed settings.
pub mod settings;
/// Sharp-move detection.
pub mod sharp;
/// The writer's write-ahead spool (writes survive a kill while the database is away).
pub mod spool;
/// The shared state of a running process.
pub mod state;
/// The sockets' state and the decisions' latencies.
pub mod stream_status;
/// Supervision of `run`'s services.
pub mod supervisor;
/// Asking each venue once for drift.
pub mod venue_check;
/// Venue clients from settings.
pub mod venues;
/// Operational conditions of a running process, alerted and shown by health.
pub mod watchdog;
/// The watchlist.
pub mod watchlist;
/// What the arbitrage was worth: the opportunities report.
pub mod worth;
/// The database behind the decisions.
pub mod writer;

pub use clock::Clock;
pub use settings::{SettingError, Settings};
pub use venues::Venues;
