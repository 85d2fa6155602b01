//! The socket session with a venue it has never heard of: a made-up protocol against a loopback
//! WebSocket server, to show the session owns the connection, the subscriptions in place and
//! the reconnection for any venue that implements [`Protocol`].

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use crossbook_net::Backoff;
use crossbook_net::session::{Change, Pool, Protocol, StreamError};
use crossbook_net::ws::{FrameCounts, Message, StreamConfig};
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// A fourth venue: `{"sub": [...]}` / `{"unsub": [...]}` commands, frames `book:price`.
#[derive(Debug, Default)]
struct Fourth {
    books: HashSet<String>,
}

impl Protocol for Fourth {
    type Item = String;

    fn venue(&self) -> &'static str {
        "fourth"
    }

    fn hello(&mut self) -> Vec<String> {
        let mut books: Vec<&String> = self.books.iter().collect();
        books.sort();
        vec![serde_json::json!({ "sub": books }).to_string()]
    }

    fn change(&mut self, c: Change) -> Vec<String> {
        c.remove.iter().for_each(|b| {
            self.books.remove(b);
        });
        self.books.extend(c.add.iter().cloned());
        let mut out = Vec::new();
        if !c.add.is_empty() {
            out.push(serde_json::json!({ "sub": c.add }).to_string());
        }
        if !c.remove.is_empty() {
            out.push(serde_json::json!({ "unsub": c.remove }).to_string());
        }
        out
    }

    fn read(
        &mut self,
        text: &str,
        out: &mut Vec<String>,
        _replies: &mut Vec<String>,
        counts: &FrameCounts,
    ) -> Result<bool, StreamError> {
        match text.split_once(':') {
            Some((book, _)) if self.books.contains(book) => out.push(text.to_string()),
            Some(_) => counts.skip("unwatched"),
            None => counts.malformed(),
        }
        Ok(true)
    }

    fn lost(&self, reason: &StreamError) -> Option<String> {
        Some(format!("lost: {reason}"))
    }
}

/// A loopback server: each connection's commands go to `commands` (with the connection's
/// number); `hang_up` closes the current connection; each command is answered with a frame for
/// every book it subscribes.
async fn server() -> (String, mpsc::UnboundedReceiver<(usize, serde_json::Value)>, mpsc::UnboundedSender<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::unbounded_channel();
    let (hang_tx, hang_rx) = mpsc::unbounded_channel::<()>();
    let hang = Arc::new(tokio::sync::Mutex::new(hang_rx));
    tokio::spawn(async move {
        for n in 1.. {
            let Ok((tcp, _)) = listener.accept().await else { return };
            let (tx, hang) = (tx.clone(), hang.clone());
            tokio::spawn(async move {
                let Ok(ws) = tokio_tungstenite::accept_async(tcp).await else { return };
                let (mut sink, mut stream) = ws.split();
                let mut hang = hang.lock().await;
                loop {
                    tokio::select! {
                        m = stream.next() => {
                            let Some(Ok(Message::Text(t))) = m else { return };
                            let v: serde_json::Value = serde_json::from_str(&t).unwrap();
                            for b in v["sub"].as_array().into_iter().flatten() {
                                let frame = format!("{}:0.5", b.as_str().unwrap());
                                if sink.send(Message::Text(frame.into())).await.is_err() { return; }
                            }
                            let _ = tx.send((n, v));
                        }
                        _ = hang.recv() => {
                            let _ = sink.send(Message::Close(None)).await;
                            return;
                        }
                    }
                }
            });
        }
    });
    (url, rx, hang_tx)
}

fn fast() -> StreamConfig {
    StreamConfig {
        silence: Duration::from_secs(5),
        ping_every: Duration::from_millis(200),
        backoff: Backoff::new(Duration::from_millis(20), Duration::from_millis(100), 2.0, 0.0).unwrap(),
    }
}

fn set(books: &[&str]) -> HashSet<String> {
    books.iter().map(|b| b.to_string()).collect()
}

async fn next<T>(rx: &mut mpsc::UnboundedReceiver<T>) -> T {
    tokio::time::timeout(Duration::from_secs(5), rx.recv()).await.expect("nothing came").expect("closed")
}

#[tokio::test]
async fn a_venue_the_session_never_heard_of_subscribes_in_place_and_reconnects_with_its_set() {
    let (url, mut commands, hang_up) = server().await;
    let (tx, mut items) = mpsc::channel(64);
    let counts = Arc::new(FrameCounts::default());
    let mut pool =
        Pool::new(url, fast(), counts.clone(), tx, 100, |books| Fourth { books: books.into_iter().collect() });
    pool.set(&set(&["a", "b"]));
    // The connection opens with the whole set.
    assert_eq!(next(&mut commands).await, (1, serde_json::json!({"sub": ["a", "b"]})));
    let mut got = vec![items.recv().await.unwrap(), items.recv().await.unwrap()];
    got.sort();
    assert_eq!(got, ["a:0.5", "b:0.5"]);
    // "c" joins, "a" leaves: two commands on the same connection (number 1), no new one.
    pool.set(&set(&["b", "c"]));
    let mut changes = vec![next(&mut commands).await, next(&mut commands).await];
    changes.sort_by_key(|(_, v)| v.to_string());
    assert_eq!(changes, [(1, serde_json::json!({"sub": ["c"]})), (1, serde_json::json!({"unsub": ["a"]}))]);
    assert_eq!(items.recv().await.unwrap(), "c:0.5");
    assert_eq!(pool.sessions(), 1);
    // The venue hangs up: the reader is told, and the next connection opens with the set as it
    // is now.
    hang_up.send(()).unwrap();
    assert_eq!(items.recv().await.unwrap(), "lost: closed by the venue");
    assert_eq!(next(&mut commands).await, (2, serde_json::json!({"sub": ["b", "c"]})));
    // Nothing watched: the session closes.
    pool.set(&HashSet::new());
    assert_eq!(pool.sessions(), 0);
    assert_eq!(counts.malformed_count(), 0);
}
