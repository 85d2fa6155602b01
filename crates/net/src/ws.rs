//! WebSocket connections (TLS by rustls on ring), with extra upgrade headers (Kalshi signs its
//! upgrade).

use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::error::NetError;

pub use tokio_tungstenite::tungstenite::Message;

/// How a stream keeps itself alive.
#[derive(Debug, Clone, Copy)]
pub struct StreamConfig {
    /// No frame for this long means the socket is dead (frozen sockets still answer pings).
    pub silence: std::time::Duration,
    /// Keep-alive interval.
    pub ping_every: std::time::Duration,
    pub backoff: crate::Backoff,
}

impl Default for StreamConfig {
    fn default() -> Self {
        Self {
            silence: std::time::Duration::from_secs(30),
            ping_every: std::time::Duration::from_secs(10),
            backoff: crate::Backoff::default(),
        }
    }
}

/// What a socket read and did not turn into book changes: message types it skipped, by name,
/// and frames it could not read. Every message a venue sends is either read or counted here.
#[derive(Debug, Default)]
pub struct FrameCounts {
    skipped: std::sync::Mutex<std::collections::BTreeMap<String, u64>>,
    malformed: std::sync::atomic::AtomicU64,
}

impl FrameCounts {
    /// A message of type `kind` was read and deliberately not acted on.
    pub fn skip(&self, kind: &str) {
        let mut m = self.skipped.lock().unwrap_or_else(|p| p.into_inner());
        match m.get_mut(kind) {
            Some(n) => *n += 1,
            None => {
                m.insert(kind.to_string(), 1);
            }
        }
    }

    /// A frame (or an element of an array frame) could not be read.
    pub fn malformed(&self) {
        self.malformed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// Skipped message types and how many of each.
    pub fn skipped(&self) -> std::collections::BTreeMap<String, u64> {
        self.skipped.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn malformed_count(&self) -> u64 {
        self.malformed.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// An open socket.
pub type WsStream = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

/// Connects to `url`, sending `headers` with the upgrade request.
pub async fn connect(venue: &'static str, url: &str, headers: &[(&'static str, String)]) -> Result<WsStream, NetError> {
    // One process-wide TLS provider; installing twice is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let path = crate::rest::url_path(url);
    let mut req = url
        .into_client_request()
        .map_err(|e| NetError::Request { venue, detail: format!("bad WebSocket URL: {e}") })?;
    for (k, v) in headers {
        let value =
            HeaderValue::from_str(v).map_err(|_| NetError::Request { venue, detail: format!("bad header {k}") })?;
        req.headers_mut().insert(*k, value);
    }
    let (ws, _) = tokio::time::timeout(std::time::Duration::from_secs(10), tokio_tungstenite::connect_async(req))
        .await
        .map_err(|_| NetError::Transport { venue, path: path.clone(), detail: "WebSocket connect timed out".into() })?
        .map_err(|e| match e {
            tokio_tungstenite::tungstenite::Error::Http(r) => {
                NetError::from_http_status(venue, &path, r.status().as_u16(), "WebSocket upgrade refused")
            }
            other => NetError::Transport { venue, path: path.clone(), detail: format!("WebSocket: {other}") },
        })?;
    Ok(ws)
}

/// The backoff between a stream's reconnections: it grows while connections fail, and starts
/// over once a connection has delivered data (then the venue was healthy, and the drop that
/// followed deserves a quick reconnection, not the wait earned by earlier failures).
#[derive(Debug)]
pub struct Reconnects {
    backoff: crate::Backoff,
    attempt: u32,
}

impl Reconnects {
    pub fn new(backoff: crate::Backoff) -> Self {
        Self { backoff, attempt: 0 }
    }

    /// The connection delivered data: the next wait starts from the base delay.
    pub fn established(&mut self) {
        self.attempt = 0;
    }

    /// Waits before the next connection; returns the attempt number it waited for.
    pub async fn wait(&mut self) -> u32 {
        let attempt = self.attempt;
        tokio::time::sleep(self.backoff.delay(attempt.min(6))).await;
        self.attempt += 1;
        attempt
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn backoff_grows_while_connections_fail_and_starts_over_after_data() {
        let backoff =
            crate::Backoff::new(std::time::Duration::from_secs(1), std::time::Duration::from_secs(60), 2.0, 0.0)
                .unwrap();
        let mut r = Reconnects::new(backoff);
        let t0 = tokio::time::Instant::now();
        assert_eq!([r.wait().await, r.wait().await, r.wait().await], [0, 1, 2]);
        assert_eq!(t0.elapsed(), std::time::Duration::from_secs(1 + 2 + 4));
        r.established(); // the next connection delivered a snapshot
        assert_eq!(r.wait().await, 0);
        assert_eq!(r.wait().await, 1);
    }
}
