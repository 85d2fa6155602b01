//! The shared state of a running process that `run` hands to the HTTP server, the watchdog and
//! the metrics.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use crate::desk::SharedDesk;
use crate::stream_status::StreamStatus;

/// The shared state `run` hands to the HTTP server.
#[derive(Debug, Clone)]
pub struct RuntimeState {
    pub streams: Arc<StreamStatus>,
    pub writer: crate::writer::Writer,
    /// The process's desk (a person's decision reloads its links at once).
    pub desk: SharedDesk,
    /// What is wrong with the process now (the watchdog keeps it).
    pub conditions: Conditions,
    /// Requests, 429s and book ages over the last day (the watchdog records them).
    pub ops: crate::ops_history::OpsHistory,
}

/// The process's operational conditions now: condition key → what a person reads.
#[derive(Debug, Clone, Default)]
pub struct Conditions(pub(crate) Arc<Mutex<BTreeMap<String, String>>>);

impl Conditions {
    /// What is wrong now, in key order.
    pub fn list(&self) -> Vec<String> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).values().cloned().collect()
    }
}
