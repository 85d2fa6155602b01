//! The one reconnecting socket session every venue's stream runs on: connect (headers signed
//! afresh each time), subscribe, read frames through the venue's [`Protocol`], keep alive, watch
//! for silence, reconnect with backoff — and change subscriptions in place on the open socket.
//!
//! A [`Pool`] spreads a set of books over as many sessions as the venue's per-connection limit
//! needs; setting a new set subscribes and unsubscribes on the open sockets, so the books that
//! stay watched never see a reconnect.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc;

use crate::error::NetError;
use crate::ws::{FrameCounts, Message, Reconnects, StreamConfig, connect};

/// Why a session ended and reconnects.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StreamError {
    /// The upgrade failed or was refused.
    #[error("{0}")]
    Connect(Arc<NetError>),
    /// The upgrade's headers could not be signed.
    #[error("signing: {0}")]
    Signing(String),
    /// The venue closed the socket.
    #[error("closed by the venue")]
    Closed,
    /// Reading or writing the socket failed.
    #[error("{0}")]
    Transport(String),
    /// No data for the watchdog's limit (a frozen socket still answers pings).
    #[error("silent for {0:?}")]
    Silent(Duration),
    /// A subscription's sequence skipped: its books are no longer known.
    #[error("sequence gap on sid {sid}: expected {expected}, got {got}")]
    SequenceGap { sid: u64, expected: u64, got: u64 },
}

/// A change of a session's subscriptions: books to add and books to drop.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Change {
    pub add: Vec<String>,
    pub remove: Vec<String>,
}

/// A venue's socket protocol: what to send and how to read what comes. The session owns the
/// connection; the protocol owns the subscribed set and the per-connection state.
pub trait Protocol: Send + 'static {
    /// What it reads frames into.
    type Item: Send + 'static;

    /// The venue's name in logs and errors.
    fn venue(&self) -> &'static str;

    /// The upgrade's headers (signed afresh for every connection).
    fn headers(&self, _url: &str) -> Result<Vec<(&'static str, String)>, StreamError> {
        Ok(Vec::new())
    }

    /// The messages that open a new connection for the current set (per-connection state
    /// starts over here).
    fn hello(&mut self) -> Vec<String>;

    /// Applies a change to the set; returns the messages that make it on an open connection.
    fn change(&mut self, change: Change) -> Vec<String>;

    /// The keep-alive message sent every ping interval, if the venue wants one.
    fn ping(&self) -> Option<&'static str> {
        None
    }

    /// Reads one text frame: items into `out`, answers to send into `replies`; a frame that
    /// cannot be read is counted in `counts` and logged by the protocol. `Ok(true)` when the
    /// frame shows the data flowing (a keep-alive answer does not); `Err` ends the connection.
    fn read(
        &mut self,
        text: &str,
        out: &mut Vec<Self::Item>,
        replies: &mut Vec<String>,
        counts: &FrameCounts,
    ) -> Result<bool, StreamError>;

    /// What to tell the reader when a connection is lost (its books are unknown now).
    fn lost(&self, reason: &StreamError) -> Option<Self::Item>;
}

/// Streams through `protocol` into `tx` until `tx` closes, reconnecting as needed and applying
/// `changes` as they come (on the open socket, or at the next connection).
pub async fn run<P: Protocol>(
    url: String,
    mut protocol: P,
    tx: mpsc::Sender<P::Item>,
    cfg: StreamConfig,
    counts: Arc<FrameCounts>,
    mut changes: mpsc::UnboundedReceiver<Change>,
) {
    let mut reconnects = Reconnects::new(cfg.backoff);
    loop {
        let reason = match connection(&url, &mut protocol, &tx, cfg, &counts, &mut changes, &mut reconnects).await {
            Ok(()) => return, // the reader is gone
            Err(reason) => reason,
        };
        tracing::warn!(venue = protocol.venue(), %reason, "socket lost; reconnecting");
        if let Some(item) = protocol.lost(&reason)
            && tx.send(item).await.is_err()
        {
            return;
        }
        reconnects.wait().await;
    }
}

/// One connection; `Ok` only when the reader is gone.
async fn connection<P: Protocol>(
    url: &str,
    protocol: &mut P,
    tx: &mpsc::Sender<P::Item>,
    cfg: StreamConfig,
    counts: &FrameCounts,
    changes: &mut mpsc::UnboundedReceiver<Change>,
    reconnects: &mut Reconnects,
) -> Result<(), StreamError> {
    // Changes made while disconnected are part of the set the connection opens with.
    while let Ok(c) = changes.try_recv() {
        protocol.change(c);
    }
    let headers = protocol.headers(url)?;
    let ws = connect(protocol.venue(), url, &headers).await.map_err(|e| StreamError::Connect(Arc::new(e)))?;
    let (mut sink, mut stream) = ws.split();
    let transport = |e: tokio_tungstenite::tungstenite::Error| StreamError::Transport(e.to_string());
    for m in protocol.hello() {
        sink.send(Message::Text(m.into())).await.map_err(transport)?;
    }
    let mut watchdog = tokio::time::interval(cfg.ping_every);
    let mut last_data = tokio::time::Instant::now();
    let (mut out, mut replies) = (Vec::new(), Vec::new());
    let mut changes_open = true;
    loop {
        tokio::select! {
            frame = stream.next() => {
                let text = match frame {
                    Some(Ok(Message::Text(t))) => t,
                    Some(Ok(Message::Close(_))) | None => return Err(StreamError::Closed),
                    Some(Ok(_)) => continue, // pings are answered by the socket layer
                    Some(Err(e)) => return Err(transport(e)),
                };
                if protocol.read(&text, &mut out, &mut replies, counts)? {
                    last_data = tokio::time::Instant::now();
                }
                for m in replies.drain(..) {
                    sink.send(Message::Text(m.into())).await.map_err(transport)?;
                }
                if !out.is_empty() {
                    reconnects.established();
                }
                for item in out.drain(..) {
                    if tx.send(item).await.is_err() {
                        return Ok(());
                    }
                }
            }
            c = changes.recv(), if changes_open => match c {
                Some(c) => {
                    for m in protocol.change(c) {
                        sink.send(Message::Text(m.into())).await.map_err(transport)?;
                    }
                }
                None => changes_open = false,
            },
            _ = watchdog.tick() => {
                if last_data.elapsed() > cfg.silence {
                    return Err(StreamError::Silent(cfg.silence));
                }
                if let Some(ping) = protocol.ping() {
                    sink.send(Message::Text(ping.into())).await.map_err(transport)?;
                }
            }
        }
    }
}

/// Streams a fixed set through `protocol` (no changes ever come).
pub async fn run_fixed<P: Protocol>(
    url: String,
    protocol: P,
    tx: mpsc::Sender<P::Item>,
    cfg: StreamConfig,
    counts: Arc<FrameCounts>,
) {
    let (_keep, changes) = mpsc::unbounded_channel();
    run(url, protocol, tx, cfg, counts, changes).await;
}

/// A venue's book subscriptions over its sockets, whatever its protocol: moved to a new set of
/// books in place.
pub trait Subscriptions: Send + std::fmt::Debug {
    /// Subscribes to exactly `wanted`.
    fn set(&mut self, wanted: &HashSet<String>);
    /// How many sockets are open.
    fn sessions(&self) -> usize;
}

impl<P: Protocol> Subscriptions for Pool<P> {
    fn set(&mut self, wanted: &HashSet<String>) {
        Pool::set(self, wanted);
    }

    fn sessions(&self) -> usize {
        Pool::sessions(self)
    }
}

/// One session of a pool: its task, its change channel and the books it holds.
#[derive(Debug)]
struct Member {
    changes: mpsc::UnboundedSender<Change>,
    books: HashSet<String>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Member {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A venue's books spread over sessions of at most `capacity` books each. [`Pool::set`] moves
/// it to a new set in place: books that stay keep their session and subscription.
pub struct Pool<P: Protocol> {
    url: String,
    cfg: StreamConfig,
    counts: Arc<FrameCounts>,
    tx: mpsc::Sender<P::Item>,
    capacity: usize,
    /// A protocol for a new session subscribed to the given books.
    open: Box<dyn Fn(Vec<String>) -> P + Send + Sync>,
    members: Vec<Member>,
}

impl<P: Protocol> std::fmt::Debug for Pool<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool").field("url", &self.url).field("sessions", &self.members.len()).finish()
    }
}

impl<P: Protocol> Pool<P> {
    pub fn new(
        url: String,
        cfg: StreamConfig,
        counts: Arc<FrameCounts>,
        tx: mpsc::Sender<P::Item>,
        capacity: usize,
        open: impl Fn(Vec<String>) -> P + Send + Sync + 'static,
    ) -> Self {
        Self { url, cfg, counts, tx, capacity: capacity.max(1), open: Box::new(open), members: Vec::new() }
    }

    /// Subscribes the pool to exactly `wanted`: books no longer wanted are unsubscribed, new ones
    /// go to a session with room (a new session when none has), and a session left with no
    /// book is closed. Books in both sets are not touched.
    pub fn set(&mut self, wanted: &HashSet<String>) {
        let mut changes: Vec<Change> = self
            .members
            .iter_mut()
            .map(|m| {
                let remove: Vec<String> = m.books.iter().filter(|b| !wanted.contains(*b)).cloned().collect();
                remove.iter().for_each(|b| {
                    m.books.remove(b);
                });
                Change { add: Vec::new(), remove }
            })
            .collect();
        let held: HashSet<&String> = self.members.iter().flat_map(|m| m.books.iter()).collect();
        let mut new: Vec<String> = wanted.iter().filter(|b| !held.contains(b)).cloned().collect();
        new.sort();
        let mut new = new.into_iter();
        for (m, c) in self.members.iter_mut().zip(changes.iter_mut()) {
            while m.books.len() < self.capacity {
                let Some(b) = new.next() else { break };
                m.books.insert(b.clone());
                c.add.push(b);
            }
        }
        // Send what changed (a session ends only when the reader is gone: then nothing
        // listens anyway); close the sessions left empty.
        for (m, c) in self.members.iter().zip(changes) {
            if !c.add.is_empty() || !c.remove.is_empty() {
                let _ = m.changes.send(c);
            }
        }
        self.members.retain(|m| !m.books.is_empty());
        let rest: Vec<String> = new.collect();
        for chunk in rest.chunks(self.capacity) {
            let (changes, rx) = mpsc::unbounded_channel();
            let protocol = (self.open)(chunk.to_vec());
            let task =
                tokio::spawn(run(self.url.clone(), protocol, self.tx.clone(), self.cfg, self.counts.clone(), rx));
            self.members.push(Member { changes, books: chunk.iter().cloned().collect(), task });
        }
    }

    /// How many sessions are open.
    pub fn sessions(&self) -> usize {
        self.members.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A protocol that reads every frame as data, for the pool's bookkeeping.
    struct Echo(HashSet<String>);

    impl Protocol for Echo {
        type Item = String;
        fn venue(&self) -> &'static str {
            "test"
        }
        fn hello(&mut self) -> Vec<String> {
            Vec::new()
        }
        fn change(&mut self, c: Change) -> Vec<String> {
            c.remove.iter().for_each(|b| {
                self.0.remove(b);
            });
            self.0.extend(c.add);
            Vec::new()
        }
        fn read(
            &mut self,
            t: &str,
            out: &mut Vec<String>,
            _: &mut Vec<String>,
            _: &FrameCounts,
        ) -> Result<bool, StreamError> {
            out.push(t.to_string());
            Ok(true)
        }
        fn lost(&self, _: &StreamError) -> Option<String> {
            None
        }
    }

    fn set(books: &[&str]) -> HashSet<String> {
        books.iter().map(|b| b.to_string()).collect()
    }

    #[tokio::test]
    async fn a_new_set_fills_open_sessions_first_and_closes_empty_ones() {
        let (tx, _rx) = mpsc::channel(8);
        // Port 9 on loopback refuses: the sessions only retry, which the bookkeeping ignores.
        let mut pool = Pool::new("ws://127.0.0.1:9".into(), StreamConfig::default(), Arc::default(), tx, 2, |b| {
            Echo(b.into_iter().collect())
        });
        pool.set(&set(&["a", "b", "c"]));
        assert_eq!(pool.sessions(), 2);
        let books = |p: &Pool<Echo>| p.members.iter().map(|m| m.books.len()).collect::<Vec<_>>();
        assert_eq!(books(&pool), [2, 1]);
        // "a" leaves and "d", "e" come: the first session takes "d", the second "e"; no new one.
        pool.set(&set(&["b", "c", "d", "e"]));
        assert_eq!(books(&pool), [2, 2]);
        assert!(pool.members.iter().any(|m| m.books.contains("b") && m.books.contains("d")));
        // Everything of the second session leaves: it closes; the first is untouched.
        let first = pool.members[0].books.clone();
        pool.set(&first);
        assert_eq!(pool.sessions(), 1);
        assert_eq!(pool.members[0].books, first);
        pool.set(&HashSet::new());
        assert_eq!(pool.sessions(), 0);
    }
}
