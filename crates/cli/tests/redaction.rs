//! Secrets never leave: a database password, a webhook URL, the API token and the Kalshi private
//! key are planted; `run` goes through ingestion, matching, quotes, alerts and serving with every
//! log at debug level, and then every byte it printed or logged, everything it served (health,
//! metrics, API, dashboard), and the errors of a failing command are searched for them.

use std::io::Read;
use std::process::{Command, Stdio};

const DB_PASSWORD: &str = "pw-4f9c1e7d2b";
const WEBHOOK_SECRET: &str = "hook-9a8b7c6d5e";
const API_TOKEN: &str = "token-1a2b3c4d5e6f7a8b";

#[test]
fn planted_secrets_appear_in_no_output() {
    let key_pem = include_str!("../../kalshi/test_data/test_key_pkcs8.pem");
    let key_body: String = key_pem.lines().nth(2).unwrap().to_string(); // a line of key material
    let dir = tempfile::tempdir().unwrap();
    let key_path = dir.path().join("kalshi.pem");
    std::fs::write(&key_path, key_pem).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key_path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    // A PostgreSQL database to run on, reached with a password (trust auth ignores it).
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(crossbook_store::testing::TestDb::postgres());
    let url = db
        .url
        .to_string()
        .replace("postgres@", &format!("postgres:{DB_PASSWORD}@"))
        .replace(":***@", &format!(":{DB_PASSWORD}@"));
    assert!(url.contains(DB_PASSWORD));

    let mut sim = Command::new(env!("CARGO_BIN_EXE_crossbook"))
        .args(["sim", "--move-ms", "200"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut env_text = String::new();
    {
        use std::io::BufRead;
        let mut lines = std::io::BufReader::new(sim.stdout.take().unwrap()).lines();
        for _ in 0..7 {
            env_text.push_str(&lines.next().unwrap().unwrap());
            env_text.push('\n');
        }
    }
    let mut run = Command::new(env!("CARGO_BIN_EXE_crossbook"));
    run.current_dir(dir.path())
        .args(["run", "--bind", "127.0.0.1:0"])
        .env("DATABASE_URL", &url)
        .env("ALERT_WEBHOOK_URL", format!("http://127.0.0.1:9/api/webhooks/1/{WEBHOOK_SECRET}"))
        .env("API_TOKEN", API_TOKEN)
        .env("KALSHI_API_KEY_ID", "key-id")
        .env("KALSHI_PRIVATE_KEY_PATH", &key_path)
        .env("CROSSBOOK_NOW", "2026-01-09T23:50:00Z")
        .env("LOG_LEVEL", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for l in env_text.lines() {
        let (k, v) = l.split_once('=').unwrap();
        run.env(k, v);
    }
    let mut child = run.spawn().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 256];
    let n = stdout.read(&mut first).unwrap();
    let head = String::from_utf8_lossy(&first[..n]).to_string();
    let base = head.split_whitespace().find(|w| w.starts_with("http://")).unwrap().to_string();
    let http = reqwest::blocking::Client::new();
    let mut served = String::new();
    for _ in 0..100 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        let health =
            http.get(format!("{base}/health")).send().map(|r| r.text().unwrap_or_default()).unwrap_or_default();
        if health.contains("\"confirmedCount\":285") {
            served.push_str(&health);
            break;
        }
    }
    std::thread::sleep(std::time::Duration::from_secs(2)); // quotes, the monitor and an alert attempt
    for path in [
        "/health",
        "/metrics",
        "/",
        "/api/links",
        "/api/opportunities",
        "/api/alerts",
        "/api/watchlist",
        "/api/markets",
    ] {
        served.push_str(&http.get(format!("{base}{path}")).send().unwrap().text().unwrap());
    }
    // A change without the token off loopback is not the point here; a bad one must not echo it.
    served.push_str(
        &http.post(format!("{base}/api/links/999999/confirm")).bearer_auth("wrong").send().unwrap().text().unwrap(),
    );
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let mut out = head;
    stdout.read_to_string(&mut out).unwrap();
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert!(child.wait().unwrap().success(), "{err}");
    let _ = sim.kill();
    let _ = sim.wait();
    assert!(err.contains("DEBUG") || err.contains("debug"), "logs were captured at debug level");
    assert!(served.contains("\"confirmedCount\":285"), "the run did its work: {served:.300}");

    // A failing command's error path with the same secrets.
    let bad = Command::new(env!("CARGO_BIN_EXE_crossbook"))
        .args(["health", "--json"])
        .env("DATABASE_URL", format!("postgres://postgres:{DB_PASSWORD}@127.0.0.1:1/nope"))
        .env("ALERT_WEBHOOK_URL", format!("https://hooks.slack.com/services/T/B/{WEBHOOK_SECRET}"))
        .output()
        .unwrap();
    let everything = format!(
        "{out}\n{err}\n{served}\n{}\n{}",
        String::from_utf8_lossy(&bad.stdout),
        String::from_utf8_lossy(&bad.stderr)
    );
    for secret in [DB_PASSWORD, WEBHOOK_SECRET, API_TOKEN, key_body.as_str()] {
        assert!(!everything.contains(secret), "a secret leaked: {secret}");
    }
    drop(db);
}
