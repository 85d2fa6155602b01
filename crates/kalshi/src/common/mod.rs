//! What REST and WebSocket share.

/// Request signing and verification.
pub mod signing;
