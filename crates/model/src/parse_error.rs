//! Why a venue payload that parsed as JSON is not the object it should be — one error for every
//! adapter: the field, and why.

use chrono::{DateTime, Utc};

use crate::time::parse_venue_time;

/// A payload that parsed as JSON but not as the venue's object: which field, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct ParseError {
    pub field: &'static str,
    pub reason: String,
}

/// The error of `field`.
pub fn err(field: &'static str, reason: impl ToString) -> ParseError {
    ParseError { field, reason: reason.to_string() }
}

/// A timestamp field a venue may leave out or empty (none); anything else must be a time.
pub fn optional_time(field: &'static str, v: &Option<String>) -> Result<Option<DateTime<Utc>>, ParseError> {
    match v.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => parse_venue_time(s).map(Some).ok_or_else(|| err(field, format!("not a timestamp: {s:?}"))),
    }
}
