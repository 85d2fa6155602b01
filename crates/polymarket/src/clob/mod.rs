//! CLOB market data.

/// The client.
pub mod client;
/// Wire types.
pub mod models;
/// Books → price levels.
pub mod parse;
