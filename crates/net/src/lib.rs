//! Venue-agnostic plumbing shared by the adapters: the REST client, token-bucket limiter,
//! backoff, classified errors, and the reconnecting socket session every venue's stream runs on.
#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

/// Exponential backoff with jitter and a cap.
pub mod backoff;
/// Classified network errors.
pub mod error;
/// Token buckets.
pub mod limiter;
/// The JSON REST client.
pub mod rest;
/// The reconnecting socket session and its pool.
pub mod session;
/// Borrowed JSON strings for frames.
pub mod text;
/// WebSocket connections.
pub mod ws;

pub use backoff::Backoff;
pub use error::NetError;
pub use limiter::TokenBucket;
pub use rest::{Call, NetStats, Recorder, RestClient, RestConfig, SignRequest, decode, url_path};
