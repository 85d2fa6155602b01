//! Polymarket adapter: Gamma (events, markets, sports, teams) and CLOB (books, prices).
#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

/// The fields of the venue's payloads crossbook reads and knows.
pub mod fields;

/// CLOB market data.
pub mod clob;
/// Gamma.
pub mod gamma;

/// The market channel stream.
pub mod websocket;

pub use clob::client::ClobClient;
pub use gamma::client::GammaClient;
