//! A loopback TCP proxy for outages and slowness that are real at the socket: it can be cut
//! (new connections refused, carried ones closed) and can hold every answer back by a fixed
//! delay. Tests and benchmarks put it between crossbook and its database.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A running proxy; cheap to clone.
#[derive(Debug, Clone)]
pub struct Proxy {
    /// The address it listens on.
    pub addr: std::net::SocketAddr,
    up: Arc<AtomicBool>,
    cut: tokio::sync::watch::Sender<u64>,
}

impl Proxy {
    /// Listens on a loopback port and forwards each connection to `upstream` (`host:port`),
    /// holding what the upstream sends back for `delay`.
    pub async fn start(upstream: String, delay: Duration) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let p = Self {
            addr: listener.local_addr()?,
            up: Arc::new(AtomicBool::new(true)),
            cut: tokio::sync::watch::channel(0).0,
        };
        let q = p.clone();
        tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else { return };
                if !q.up.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let upstream = upstream.clone();
                let mut cut = q.cut.subscribe();
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(&upstream).await else { return };
                    tokio::select! {
                        _ = carry(client, server, delay) => {}
                        _ = cut.changed() => {}
                    }
                });
            }
        });
        Ok(p)
    }

    /// Refuses new connections and closes the ones carried.
    pub fn down(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.cut.send_modify(|n| *n += 1);
    }

    /// Accepts connections again.
    pub fn up(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

/// Both directions until either side closes; the upstream's answers each wait `delay`.
async fn carry(client: TcpStream, server: TcpStream, delay: Duration) {
    let (mut client_rx, mut client_tx) = client.into_split();
    let (mut server_rx, mut server_tx) = server.into_split();
    let ask = async {
        let _ = tokio::io::copy(&mut client_rx, &mut server_tx).await;
    };
    let answer = async {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match server_rx.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            if client_tx.write_all(&buf[..n]).await.is_err() {
                return;
            }
        }
    };
    tokio::select! {
        _ = ask => {}
        _ = answer => {}
    }
}
