//! Polymarket US adapter: the public gateway's events (with their markets) and books, parsed
//! into the model from the venue's typed sports fields (`sportsMarketType`, `line`, each
//! side's `team`, `gameStartTime`) rather than from slugs.
//!
//! What the venue is and how it differs from Polymarket: VENUE_API.md, "Polymarket US". Its
//! markets are binary: one book per market, of its long side; the short side buys at one minus
//! the long side's bids.
#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

/// The REST client (public gateway).
pub mod client;
/// The fields of the venue's payloads crossbook reads and knows.
pub mod fields;
/// Wire types.
pub mod models;
/// Wire types → the model.
pub mod parse;
/// Signing the authenticated API's requests (Ed25519).
pub mod signing;

pub use client::UsClient;
