//! The binary's foundation contracts: migrations on both backends, settings errors, health exit
//! codes, read-only commands, and a failing venue.

mod common;

use std::os::unix::ffi::OsStrExt;
use std::process::{Command, Output};

use crossbook_store::testing::TestDb;

fn crossbook(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_crossbook"));
    cmd.current_dir(dir).args(args).env_remove("DATABASE_URL").env("LOG_LEVEL", "warn");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run crossbook")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn migrate_on_a_fresh_sqlite_file_then_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let first = crossbook(dir.path(), &["db", "migrate"], &[]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(
        text(&first.stdout).contains("applied migration(s) [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]"),
        "{}",
        text(&first.stdout)
    );
    assert!(dir.path().join("crossbook.db").exists(), "default DATABASE_URL is sqlite://crossbook.db");
    let second = crossbook(dir.path(), &["db", "migrate"], &[]);
    assert!(second.status.success());
    assert!(text(&second.stdout).contains("up to date (schema version 12)"), "{}", text(&second.stdout));
}

#[tokio::test]
async fn migrate_on_a_fresh_postgres_database_then_changes_nothing() {
    // TestDb::postgres migrates; make an empty database next to it instead.
    let db = TestDb::postgres().await;
    let url = db.url.to_string();
    let (base, _) = url.rsplit_once('/').unwrap();
    let empty = format!("{base}/{}_empty", url.rsplit('/').next().unwrap());
    let admin = crossbook_store::testing::admin_url();
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin).await.unwrap();
    let name = empty.rsplit('/').next().unwrap().to_string();
    sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str()).await.unwrap();

    let dir = tempfile::tempdir().unwrap();
    let first = crossbook(dir.path(), &["db", "migrate"], &[("DATABASE_URL", &empty)]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(
        text(&first.stdout).contains("applied migration(s) [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]"),
        "{}",
        text(&first.stdout)
    );
    let second = crossbook(dir.path(), &["db", "migrate"], &[("DATABASE_URL", &empty)]);
    assert!(text(&second.stdout).contains("up to date"), "{}", text(&second.stdout));

    sqlx::Executor::execute(&mut conn, format!("DROP DATABASE {name} WITH (FORCE)").as_str()).await.unwrap();
}

#[test]
fn a_bad_database_url_is_one_line_naming_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let out = crossbook(dir.path(), &["health"], &[("DATABASE_URL", "bogus://x")]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("DATABASE_URL"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn settings_layer_flags_over_env_over_dotenv() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), "QUOTES_MODE=bogus\n").unwrap();
    // .env alone: its bad value stops startup.
    let out = crossbook(dir.path(), &["health"], &[]);
    assert!(text(&out.stderr).contains("QUOTES_MODE"), "{}", text(&out.stderr));
    // The environment wins over .env...
    let out = crossbook(dir.path(), &["health", "--json"], &[("QUOTES_MODE", "watchlist")]);
    assert!(!text(&out.stderr).contains("QUOTES_MODE"), "{}", text(&out.stderr));
    assert!(serde_json::from_slice::<serde_json::Value>(&out.stdout).is_ok(), "the command ran");
    // ...and a flag wins over the environment.
    let out = crossbook(dir.path(), &["--set", "QUOTES_MODE=nope", "health"], &[("QUOTES_MODE", "watchlist")]);
    assert!(text(&out.stderr).contains("QUOTES_MODE: \"nope\""), "{}", text(&out.stderr));
    // An unknown name in .env is a typo, refused by name.
    std::fs::write(dir.path().join(".env"), "QUOTES_INTERVAL_SECOND=5\n").unwrap();
    let out = crossbook(dir.path(), &["health"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("QUOTES_INTERVAL_SECOND"), "{}", text(&out.stderr));
}

#[test]
fn health_is_degraded_before_ingestion_and_down_without_a_database() {
    let dir = tempfile::tempdir().unwrap();
    // No database file yet: down, saying why, and no file made by looking.
    let out = crossbook(dir.path(), &["health", "--json"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("nothing is stored yet"), "{}", text(&out.stdout));
    assert!(!dir.path().join("crossbook.db").exists(), "health creates no database");
    assert!(crossbook(dir.path(), &["db", "migrate"], &[]).status.success());
    let out = crossbook(dir.path(), &["health", "--json"], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((v["status"].as_str(), v["database"].as_str()), (Some("degraded"), Some("healthy")));
    assert_eq!(v["ingestion"]["kalshi"]["status"], "never");

    let out = crossbook(dir.path(), &["health", "--json"], &[("DATABASE_URL", "postgres://u:topsecret@127.0.0.1:1/x")]);
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((v["status"].as_str(), v["database"].as_str()), (Some("down"), Some("down")));
    assert!(!text(&out.stdout).contains("topsecret") && !text(&out.stderr).contains("topsecret"));
}

#[test]
fn markets_list_json_is_an_array() {
    let dir = tempfile::tempdir().unwrap();
    let out = crossbook(dir.path(), &["markets", "list", "--json"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v, serde_json::json!([]));
    assert!(!dir.path().join("crossbook.db").exists(), "a read-only command creates no database");
}

#[test]
fn help_lists_every_contract_command() {
    let out = crossbook(std::path::Path::new("."), &["--help"], &[]);
    let help = text(&out.stdout);
    for cmd in [
        "demo",
        "run",
        "ingest",
        "taxonomy",
        "events",
        "markets",
        "match",
        "links",
        "watchlist",
        "quotes",
        "monitor",
        "arbs",
        "health",
        "audit",
        "serve",
        "sim",
        "db",
        "eval",
        "bench",
        "execution",
        "fills",
        "positions",
        "pnl",
    ] {
        assert!(help.lines().any(|l| l.trim_start().starts_with(cmd)), "--help lacks {cmd}");
    }
}

#[tokio::test]
async fn links_list_lines_up_under_its_header() {
    use crossbook_model::*;
    let db = TestDb::sqlite().await;
    for (ticker, outcome) in [("KXNBAGAME-26JAN09MILLAL-MIL", "Bucks"), ("KXNBASPREAD-26JAN09MILLAL-LAL3", "Lakers")] {
        let c = LinkCandidate {
            kalshi_ticker: KalshiMarketTicker::new(ticker).unwrap(),
            kalshi_event_ticker: KalshiEventTicker::new("KXNBAGAME-26JAN09MILLAL").unwrap(),
            poly_venue: crossbook_model::Venue::Polymarket,
            poly_market_id: PolyMarketId::new("1096983").unwrap(),
            poly_condition_id: None,
            poly_token_id: Some(PolyTokenId::new("111").unwrap()),
            poly_outcome_index: 0,
            poly_outcome: outcome.into(),
            kind: MarketKind::Moneyline,
            line: None,
            league: Some(League::Nba),
            starts_at: None,
            score: 0.9,
            reasons: vec![],
        };
        let id = db.store.upsert_link_candidate(&c, chrono::Utc::now()).await.unwrap().id();
        db.store.set_rule_risk(id, RuleRisk::Minor, &[]).await.unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let out = crossbook(dir.path(), &["links", "list"], &[("DATABASE_URL", &db.url.redacted())]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    let mut lines = table.lines();
    let header = lines.next().unwrap();
    let starts = |line: &str| -> Vec<usize> {
        // Where each column starts: a non-space after a space.
        let b = line.as_bytes();
        (1..b.len()).filter(|&i| b[i] != b' ' && b[i - 1] == b' ').collect()
    };
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 2, "{table}");
    for name in ["RULES", "KALSHI", "POLYMARKET", "OUTCOME"] {
        let at = header.find(name).unwrap();
        for row in &rows {
            assert!(starts(row).contains(&at), "{name} at {at} does not start a column of:\n{header}\n{row}");
        }
    }
}

/// A venue answering 503 to everything: `ingest` exits non-zero and `health` is degraded,
/// naming the venue.
#[test]
fn a_venue_failing_every_request_fails_ingest_and_degrades_health() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, env) = common::sim_with(&["--fault", "5xx=1"]);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let out = crossbook(dir.path(), &["ingest", "-v", "kalshi"], &env);
    drop(sim);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let health = crossbook(dir.path(), &["health", "--json"], &[]);
    assert_eq!(health.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&health.stdout).unwrap();
    assert_eq!(v["status"], "degraded");
    let problems = v["problems"].to_string();
    assert!(problems.contains("ingestion kalshi: last run failed") && problems.contains("503"), "{problems}");
}

/// A log path in a folder that does not exist, or one that cannot be written, stops startup by
/// name (no folder is made up, no panic); a setting that is not UTF-8 is refused, not ignored.
#[test]
fn bad_log_files_and_non_utf8_settings_stop_startup_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no/such/dir/crossbook.log");
    let folder = dir.path().to_str().unwrap().to_string();
    for path in [missing.to_str().unwrap(), "/proc/version", "/dev/full", folder.as_str()] {
        let out = crossbook(dir.path(), &["health"], &[("LOG_FILE", path)]);
        assert_eq!(out.status.code(), Some(2), "{path}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains("LOG_FILE"), "{}", text(&out.stderr));
        assert!(!text(&out.stderr).contains("panicked"), "{}", text(&out.stderr));
    }
    assert!(!dir.path().join("no").exists(), "no folder made up");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_crossbook"));
    cmd.current_dir(dir.path()).args(["health"]).env("DATABASE_URL", std::ffi::OsStr::from_bytes(b"\xff"));
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("DATABASE_URL") && text(&out.stderr).contains("UTF-8"), "{}", text(&out.stderr));
}

/// `run` stops within its deadline after SIGTERM even while every venue request is failing and
/// being retried (the compose file's grace period is above it), and records the pass it cut short.
#[test]
fn run_stops_within_its_deadline_while_the_venues_fail() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let (sim, env) = common::sim_with(&["--fault", "5xx=1"]);
    let mut run = Command::new(env!("CARGO_BIN_EXE_crossbook"));
    run.current_dir(dir.path()).args(["run", "--bind", "127.0.0.1:0"]).env("LOG_LEVEL", "error");
    for (k, v) in &env {
        run.env(k, v);
    }
    let mut run = run.stdout(std::process::Stdio::piped()).spawn().unwrap();
    let mut out = std::io::BufReader::new(run.stdout.take().unwrap()).lines();
    assert!(out.next().unwrap().unwrap().contains("crossbook running"));
    // The first ops pass is now retrying 503s.
    std::thread::sleep(std::time::Duration::from_secs(2));
    let asked = std::time::Instant::now();
    Command::new("kill").args(["-TERM", &run.id().to_string()]).status().unwrap();
    let status = run.wait().unwrap();
    let took = asked.elapsed();
    drop(sim);
    assert!(took < std::time::Duration::from_secs(14), "stopped after {took:?}");
    assert!(status.success(), "{status:?}");
    // The ingest pass cut short is recorded as abandoned, not left running.
    let url = format!("sqlite://{}", dir.path().join("crossbook.db").display());
    let runs = tokio::runtime::Runtime::new().unwrap().block_on(async {
        crossbook_store::open(&url.parse().unwrap()).await.unwrap().latest_ingestion_runs().await.unwrap()
    });
    assert!(!runs.is_empty() && runs.iter().all(|r| r.status != crossbook_store::RunStatus::Running), "{runs:?}");
    assert!(runs.iter().any(|r| r.message.as_deref().is_some_and(|m| m.starts_with("abandoned"))), "{runs:?}");
}

/// Two `ingest` and then two `match` processes at once, on a fresh database of each backend:
/// all succeed (migrations included), and the rows are those of one run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_processes_cooperate_on_both_backends() {
    let (sim, mut env) = common::sim_with(&[]);
    env.push(("CROSSBOOK_NOW".into(), "2026-01-09T23:50:00Z".into()));
    let dir = tempfile::tempdir().unwrap();
    let pg = TestDb::postgres().await;
    let pg_url = pg.postgres_url().unwrap().to_string();
    let one = format!("sqlite://{}", dir.path().join("one.db").display());
    let counts = |url: &str| {
        let links = crossbook(dir.path(), &["links", "list", "--json"], &[("DATABASE_URL", url)]);
        let markets = crossbook(dir.path(), &["markets", "list", "--json"], &[("DATABASE_URL", url)]);
        let n = |o: &Output| serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap().as_array().unwrap().len();
        (n(&markets), n(&links))
    };
    let twice = |url: String, args: &'static [&'static str]| {
        let env = env.clone();
        let dir = dir.path().to_path_buf();
        let spawn = move || {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_crossbook"));
            cmd.current_dir(&dir).args(args).env("LOG_LEVEL", "error").env("DATABASE_URL", &url);
            for (k, v) in &env {
                cmd.env(k, v);
            }
            cmd.spawn().unwrap()
        };
        let (mut a, mut b) = (spawn(), spawn());
        (a.wait().unwrap(), b.wait().unwrap())
    };
    // One run, for reference.
    for args in [&["ingest", "-v", "all"][..], &["match"][..]] {
        let env: Vec<(&str, &str)> =
            env.iter().map(|(k, v)| (k.as_str(), v.as_str())).chain([("DATABASE_URL", one.as_str())]).collect();
        assert!(crossbook(dir.path(), args, &env).status.success());
    }
    let reference = counts(&one);
    assert!(reference.0 > 600 && reference.1 > 200, "{reference:?}");
    let fresh = format!("sqlite://{}", dir.path().join("two.db").display());
    for url in [fresh, pg_url] {
        let (a, b) = twice(url.clone(), &["ingest", "-v", "all"]);
        assert!(a.success() && b.success(), "two ingests at once on {}", &url[..8]);
        let (a, b) = twice(url.clone(), &["match"]);
        assert!(a.success() && b.success(), "two matches at once on {}", &url[..8]);
        assert_eq!(counts(&url), reference, "the rows of one run on {}", &url[..8]);
    }
    drop(sim);
}
