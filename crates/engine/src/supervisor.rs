//! Supervision for `run`: each service is a task that restarts with backoff when it fails, shows
//! its state on a board (health reads it, and its heartbeats carry it to the database for every
//! other process), and stops when shutdown is signalled. A service's pass runs under a lease, so
//! two processes never do the same work twice.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use crossbook_net::Backoff;
use serde::Serialize;
use tokio::sync::watch;

/// One service's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceState {
    /// `running`, `restarting`, or `stopped`.
    pub status: String,
    pub restarts: u64,
    pub last_error: Option<String>,
    pub last_error_at: Option<DateTime<Utc>>,
    /// When it last finished a pass (its loop came round).
    pub last_progress: Option<DateTime<Utc>>,
    /// How often it means to: a service silent for much longer is stuck.
    #[serde(skip)]
    pub period: std::time::Duration,
}

/// The services of this process.
#[derive(Debug, Clone, Default)]
pub struct Board(Arc<Mutex<BTreeMap<String, ServiceState>>>);

impl Board {
    pub fn snapshot(&self) -> BTreeMap<String, ServiceState> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn set(&self, name: &str, f: impl FnOnce(&mut ServiceState)) {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let entry = map.entry(name.to_string()).or_insert_with(|| ServiceState {
            status: "running".into(),
            restarts: 0,
            last_error: None,
            last_error_at: None,
            last_progress: Some(Utc::now()),
            period: std::time::Duration::from_secs(60),
        });
        f(entry);
    }

    /// Service `name` passes about every `period`.
    pub fn expect(&self, name: &str, period: std::time::Duration) {
        self.set(name, |s| s.period = period);
    }

    /// Service `name` finished a pass now (the wall clock: liveness is the wall's).
    pub fn progress(&self, name: &str) {
        self.set(name, |s| s.last_progress = Some(Utc::now()));
    }

    /// This process's services as heartbeats of `holder` at `now` (all `stopped` when `stopped`).
    pub fn beats(&self, holder: &str, now: DateTime<Utc>, stopped: bool) -> Vec<crossbook_store::Heartbeat> {
        self.snapshot()
            .into_iter()
            .map(|(service, s)| crossbook_store::Heartbeat {
                service,
                holder: holder.to_string(),
                status: if stopped { "stopped".into() } else { s.status },
                restarts: s.restarts,
                last_error: s.last_error,
                beat_at: now,
                progress_at: s.last_progress,
                period_ms: i64::try_from(s.period.as_millis()).unwrap_or(i64::MAX),
            })
            .collect()
    }

    /// Whether any service is not running.
    pub fn degraded(&self) -> bool {
        self.snapshot().values().any(|s| s.status != "running")
    }
}

/// Runs `service` until `stop` turns true: a failure is recorded and the service restarted
/// after a backoff; a normal return (it saw `stop`) ends supervision.
pub async fn supervise<F, Fut>(
    name: &'static str,
    board: Board,
    mut stop: watch::Receiver<bool>,
    backoff: Backoff,
    mut service: F,
) where
    F: FnMut(watch::Receiver<bool>) -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    let mut attempt = 0u32;
    loop {
        board.set(name, |s| s.status = "running".into());
        match service(stop.clone()).await {
            Ok(()) => break,
            Err(e) => {
                let msg = format!("{e:#}");
                tracing::error!(service = name, error = %msg, attempt, "service failed; restarting");
                board.set(name, |s| {
                    s.status = "restarting".into();
                    s.restarts += 1;
                    s.last_error = Some(msg);
                    s.last_error_at = Some(Utc::now());
                });
                tokio::select! {
                    _ = tokio::time::sleep(backoff.delay(attempt.min(8))) => {}
                    _ = stop.changed() => break,
                }
                attempt += 1;
            }
        }
        if *stop.borrow() {
            break;
        }
    }
    board.set(name, |s| s.status = "stopped".into());
}

/// Sleeps `d`, or returns early (true) when `stop` turns true.
pub async fn pause(stop: &mut watch::Receiver<bool>, d: std::time::Duration) -> bool {
    if *stop.borrow() {
        return true;
    }
    tokio::select! {
        _ = tokio::time::sleep(d) => *stop.borrow(),
        _ = stop.changed() => true,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    #[tokio::test]
    async fn a_crashing_service_restarts_and_shows_on_the_board() {
        let board = Board::default();
        let (tx, rx) = watch::channel(false);
        let calls = Arc::new(AtomicU32::new(0));
        let c = calls.clone();
        let backoff =
            Backoff::new(std::time::Duration::from_millis(1), std::time::Duration::from_millis(5), 2.0, 0.0).unwrap();
        let b = board.clone();
        let task = tokio::spawn(supervise("flaky", b, rx, backoff, move |mut stop| {
            let c = c.clone();
            async move {
                if c.fetch_add(1, Ordering::SeqCst) < 2 {
                    anyhow::bail!("boom");
                }
                pause(&mut stop, std::time::Duration::from_secs(60)).await;
                Ok(())
            }
        }));
        while calls.load(Ordering::SeqCst) < 3 {
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
        let s = board.snapshot()["flaky"].clone();
        assert_eq!((s.status.as_str(), s.restarts, s.last_error.as_deref()), ("running", 2, Some("boom")));
        tx.send(true).unwrap();
        task.await.unwrap();
        assert_eq!(board.snapshot()["flaky"].status, "stopped");
    }
}
