//! Kalshi adapter: wire types in both schemas, parsing into the model, the REST client and
//! request signing.
#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

/// The fields of the venue's payloads crossbook reads and knows.
pub mod fields;

/// Signing.
pub mod common;
/// REST.
pub mod http;

/// The socket: order books and market lifecycle.
pub mod websocket;

pub use common::signing::{KalshiSigner, KalshiVerifier, KeyError};
pub use http::client::{EventsQuery, KalshiClient, KalshiTier, MarketsQuery};
