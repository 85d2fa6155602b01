//! Classified network errors.

use std::time::Duration;

/// A failed venue request.
#[derive(Debug, thiserror::Error)]
pub enum NetError {
    /// The venue said no (4xx other than 429): retrying will not help.
    #[error("{venue} {path}: HTTP {status}{}: {}", refusal(*status), said(body))]
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

/// What a refusal of the credentials means for the person who set them.
fn refusal(status: u16) -> &'static str {
    match status {
        401 => {
            " (the venue refused the credentials: check its API key id, and that the private key file is that key's)"
        }
        403 => " (the venue refused this key access: check the key's permissions)",
        _ => "",
    }
}

/// A venue's error body as a person reads it: the message inside its JSON
/// (`{"error":{"code":"…","message":"…"}}`, `{"error":"…"}`, `{"message":"…"}`), else the body.
fn said(body: &str) -> String {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(body) else { return body.to_string() };
    let text = |v: &serde_json::Value| v.as_str().map(str::to_string);
    let e = &v["error"];
    let message = text(&e["message"]).or_else(|| text(e)).or_else(|| text(&v["message"]));
    match (message, text(&e["code"])) {
        (Some(m), Some(c)) => format!("{m} ({c})"),
        (Some(m), None) => m,
        _ => body.to_string(),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_read_as_what_to_do() {
        let body = r#"{"error":{"code":"authentication_error","message":"invalid signature","service":"api"}}"#;
        let e = NetError::from_http_status("kalshi", "/portfolio/balance", 401, body).to_string();
        assert!(e.contains("refused the credentials") && e.contains("invalid signature (authentication_error)"), "{e}");
        assert!(!e.contains('{'), "no raw JSON: {e}");
        let e = NetError::from_http_status("polymarket", "/markets", 422, r#"{"error":"use keyset"}"#).to_string();
        assert_eq!(e, "polymarket /markets: HTTP 422: use keyset");
        let e = NetError::from_http_status("kalshi", "/x", 400, "not json").to_string();
        assert_eq!(e, "kalshi /x: HTTP 400: not json");
    }
}
