//! Gamma: events, markets, sports, teams.

/// The client.
pub mod client;
/// Wire types.
pub mod models;
/// Wire → model.
pub mod parse;
