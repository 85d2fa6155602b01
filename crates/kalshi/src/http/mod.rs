//! Kalshi REST.

/// The client.
pub mod client;
/// Wire types.
pub mod models;
/// Orders, their lookup, the balance.
pub mod orders;
/// Wire → model.
pub mod parse;
