//! Pure sports taxonomy: which topic, league and kind a venue's market is, who plays, and
//! whether it is a multivariate (MVE) combo. No I/O.
#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

/// Deriving the taxonomy fields of events and markets.
pub mod classify;
/// Venue names of leagues.
pub mod leagues;
/// MVE detection.
pub mod mve;
/// Name normalization.
pub mod normalize;
/// Team dictionaries per league.
pub mod teams;

pub use classify::{classify_kalshi_event, classify_market, classify_poly_event, split_matchup};
pub use leagues::{kalshi_series_league, kalshi_series_prefix, poly_slug_league, poly_sport_code, poly_sport_league};
pub use mve::kalshi_mve_reason;
