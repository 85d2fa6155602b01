//! Classified network errors.

use std::time::Duration;

/// A failed venue request.
#[derive(Debug, thiserror::Error)]
pub enum NetError {
    /// The venue said no (4xx other than 429): retrying will not help.
    #[error("{venue} {path}: HTTP {status}: {body}")]
    Rejected { venue: &'static str, path: String, status: u16, body: String },
    /// Too many requests, still after the retries.
    #[error("{venue} {path}: rate limited (HTTP 429), retry after {retry_after:?}")]
    RateLimited { venue: &'static str, path: String, retry_after: Option<Duration> },
    /// The venue failed (5xx), still after the retries.
    #[error("{venue} {path}: server error HTTP {status}")]
    Server { venue: &'static str, path: String, status: u16 },
    /// No answer in time, or the connection broke.
    #[error("{venue} {path}: {detail}")]
    Transport { venue: &'static str, path: String, detail: String },
    /// The body is not the JSON we expect; `json_path` says where.
    #[error("{venue} {path}: malformed body at {json_path}: {detail}")]
    Malformed { venue: &'static str, path: String, json_path: String, detail: String },
    /// A request could not be built (bad URL, signing failure).
    #[error("{venue}: {detail}")]
    Request { venue: &'static str, detail: String },
}

impl NetError {
    /// Classifies an HTTP status that is not success.
    pub fn from_http_status(venue: &'static str, path: &str, status: u16, body: &str) -> Self {
        match status {
            429 => NetError::RateLimited { venue, path: path.into(), retry_after: None },
            500..=599 => NetError::Server { venue, path: path.into(), status },
            _ => NetError::Rejected { venue, path: path.into(), status, body: body.chars().take(300).collect() },
        }
    }

    /// Whether another attempt can succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            NetError::RateLimited { .. }
                | NetError::Server { .. }
                | NetError::Transport { .. }
                | NetError::Malformed { .. }
        )
    }

    /// Whether the failure says nothing will work until a person acts (auth, bad request).
    pub fn is_terminal(&self) -> bool {
        matches!(self, NetError::Rejected { status: 401 | 403, .. } | NetError::Request { .. })
    }
}
