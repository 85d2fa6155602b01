//! Accepting connections with bounds a hostile client cannot stretch: a connection must send
//! its request headers within [`HEADER_READ_TIMEOUT`], a request must be answered within
//! [`REQUEST_TIMEOUT`] (else 503), and at most [`MAX_CONNECTIONS`] are served at once. Past
//! that, [`RESERVED_CONNECTIONS`] more are kept for `/health` alone, each given
//! [`RESERVED_HEADER_TIMEOUT`] to send its request (everything else there is answered 503): a
//! flood of connections that never finish their request cannot keep health from answering. The
//! rest wait in the listen queue. Stopping stops accepting, lets requests in flight finish for
//! [`STOP_GRACE`], and closes what is left.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

/// How long a client may take to send a request's headers (and, on a kept-alive connection,
/// to start the next request).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one request may take, body included, before it is answered 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Connections served at once.
pub const MAX_CONNECTIONS: usize = 512;
/// Connections kept, past [`MAX_CONNECTIONS`], for `/health`.
pub const RESERVED_CONNECTIONS: usize = 128;
/// How long a connection on a reserved slot may take to send its request.
pub const RESERVED_HEADER_TIMEOUT: Duration = Duration::from_secs(1);
/// How long a stop waits for requests in flight.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// Answers 503 to a request that takes longer than [`REQUEST_TIMEOUT`].
pub(crate) async fn bound_request_time(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, axum::Json(serde_json::json!({"error": "request took too long"})))
            .into_response(),
    }
}

/// How many connections are served at once, and how many more are kept for `/health`.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub connections: usize,
    pub reserved: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self { connections: MAX_CONNECTIONS, reserved: RESERVED_CONNECTIONS }
    }
}

/// What a reserved slot serves: `/health`, nothing else.
async fn health_only(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    if req.uri().path() == "/health" {
        next.run(req).await
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, axum::Json(serde_json::json!({"error": "busy: too many connections"})))
            .into_response()
    }
}

/// Serves `app` on `listener` until `stop` says so.
pub(crate) async fn serve_connections(
    listener: TcpListener,
    app: Router,
    mut stop: watch::Receiver<bool>,
    limits: Limits,
) {
    let slots = Arc::new(Semaphore::new(limits.connections));
    let reserved = Arc::new(Semaphore::new(limits.reserved));
    let health_app = app.clone().layer(axum::middleware::from_fn(health_only));
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of descriptors and the like: pause rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = stop.changed() => break,
        };
        // A full slot; else a reserved one (health only); else the first of either to free up.
        let full = |p| (p, HEADER_READ_TIMEOUT, app.clone());
        let health = |p| (p, RESERVED_HEADER_TIMEOUT, health_app.clone());
        let (permit, header_timeout, app) = match slots.clone().try_acquire_owned() {
            Ok(p) => full(p),
            Err(_) => match reserved.clone().try_acquire_owned() {
                Ok(p) => health(p),
                Err(_) => tokio::select! {
                    biased;
                    p = slots.clone().acquire_owned() => match p { Ok(p) => full(p), Err(_) => break },
                    p = reserved.clone().acquire_owned() => match p { Ok(p) => health(p), Err(_) => break },
                    _ = stop.changed() => break,
                },
            },
        };
        let service = TowerToHyperService::new(app);
        let mut stop = stop.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .serve_connection(TokioIo::new(stream), service)
                .with_upgrades();
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = stop.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(STOP_GRACE, conn).await;
                }
            }
        });
    }
    // Wait for the connections in flight (each ends within its grace).
    let all = u32::try_from(limits.connections).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(STOP_GRACE + Duration::from_secs(1), slots.acquire_many(all)).await;
}
