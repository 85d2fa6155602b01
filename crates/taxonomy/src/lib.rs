//! Pure sports taxonomy: which topic, league and kind a venue's market is, the sides of each
//! game as each venue writes them, who is who (the participant registry), and whether a market
//! is a multivariate (MVE) combo. No I/O.
#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

/// Deriving the taxonomy fields of events and markets.
pub mod classify;
/// The grammar of Kalshi sports tickers.
pub mod kalshi_ticker;
/// Venue names of leagues.
pub mod leagues;
/// MVE detection.
pub mod mve;
/// Name normalization and relations.
pub mod names;
/// The participant registry.
pub mod registry;
/// The sides of a game on one venue.
pub mod sides;
/// String similarity.
pub mod similarity;

pub use classify::{classify_kalshi_event, classify_market, classify_poly_event};
pub use leagues::{kalshi_series_league, kalshi_series_prefix, poly_slug_league, poly_sport_code, poly_sport_league};
pub use mve::kalshi_mve_reason;
pub use registry::Registry;
pub use sides::split_matchup;
