//! What the CLI's process tests share: the simulator as a child process, a webhook receiver.
#![allow(dead_code)]

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

pub(crate) struct Kill(pub(crate) Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A webhook receiver counting the alerts it gets; it answers each `delay` after reading it.
pub(crate) async fn receiver(delay: Duration) -> (String, Arc<AtomicUsize>) {
    let (url, got, _) = keeping_receiver(delay).await;
    (url, got)
}

/// [`receiver`], which also keeps each alert's body.
pub(crate) async fn keeping_receiver(
    delay: Duration,
) -> (String, Arc<AtomicUsize>, Arc<std::sync::Mutex<Vec<serde_json::Value>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let got = Arc::new(AtomicUsize::new(0));
    let bodies = Arc::new(std::sync::Mutex::new(Vec::new()));
    let (g, kept) = (got.clone(), bodies.clone());
    tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = listener.accept().await else { return };
            let (g, kept) = (g.clone(), kept.clone());
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                // Headers, then the body of the declared length.
                loop {
                    let Ok(n) = s.read(&mut chunk).await else { return };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len = text[..end]
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string())
                            })
                            .and_then(|v| v.parse::<usize>().ok())
                            .unwrap_or(0);
                        if buf.len() >= end + 4 + len {
                            let body = serde_json::from_slice(&buf[end + 4..]).unwrap_or_default();
                            kept.lock().unwrap().push(body);
                            break;
                        }
                    }
                }
                g.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(delay).await;
                let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok").await;
            });
        }
    });
    (url, got, bodies)
}

/// `crossbook ARGS…` with `env`, which must succeed (its stderr is shown when it does not).
pub(crate) fn run_ok(env: &[(String, String)], args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_crossbook"));
    cmd.args(args).env("LOG_LEVEL", "warn");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// The test key pair (Kalshi's order-book socket needs a signed connection).
pub(crate) fn test_key(name: &str) -> String {
    format!("{}/../kalshi/test_data/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The simulator with Kalshi's signed API (the test key): its process and endpoint settings.
pub(crate) fn sim() -> (Kill, Vec<(String, String)>) {
    sim_with(&["--kalshi-public-key", &test_key("test_key_pub.pem")])
}

/// `crossbook sim ARGS…`: its process and the seven endpoint settings it prints.
pub(crate) fn sim_with(args: &[&str]) -> (Kill, Vec<(String, String)>) {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_crossbook"))
        .arg("sim")
        .args(args)
        .env("LOG_LEVEL", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let env = (0..7)
        .filter_map(|_| lines.next()?.ok())
        .filter_map(|l| l.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())))
        .collect();
    (Kill(child), env)
}

/// The Kalshi key settings for the simulator's signed API, the key kept as a user keeps it
/// (readable by its owner alone) in `dir`.
pub(crate) fn kalshi_key_env(dir: &std::path::Path) -> Vec<(String, String)> {
    let key = dir.join("kalshi.pem");
    std::fs::copy(test_key("test_key_pkcs8.pem"), &key).unwrap();
    std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    vec![("KALSHI_API_KEY_ID".into(), "cli-test".into()), ("KALSHI_PRIVATE_KEY_PATH".into(), key.display().to_string())]
}
