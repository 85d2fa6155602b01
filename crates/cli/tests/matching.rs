//! The matcher's must-shows, through the binary: on every labelled capture no false confirm,
//! every side right, every kind found and auto-confirmed where the evidence is exact, no MVE
//! market linked; and review keeps a person's decision.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn crossbook(dir: &Path, args: &[&str], env: &[(String, String)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_crossbook"));
    cmd.current_dir(dir).args(args).env_remove("DATABASE_URL").env("LOG_LEVEL", "warn");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run crossbook")
}

fn eval(capture: &str) -> serde_json::Value {
    let data = root().join(capture);
    let labels = data.join("labels.csv");
    let out = crossbook(
        &root(),
        &["eval", "matching", "--data", data.to_str().unwrap(), "--labels", labels.to_str().unwrap(), "--json"],
        &[],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(text.lines().last().unwrap()).unwrap()
}

fn check(report: &serde_json::Value, expect_kinds: &[&str]) {
    let overall = &report["overall"];
    assert_eq!(overall["false_confirms"], 0, "{:?}", report["misses"]);
    assert_eq!(overall["orientation_accuracy"], 1.0, "{:?}", report["misses"]);
    for kind in expect_kinds {
        let k = &report["by_kind"][kind];
        assert!(k["matches"].as_u64().unwrap() > 0, "no {kind} labels");
        assert!(k["recall"].as_f64().unwrap() >= 0.97, "{kind} recall {}: {:?}", k["recall"], report["misses"]);
    }
}

/// The real multi-league capture (the bundled one): 16 leagues, every kind both venues list,
/// 285 true pairs with real tickers, slugs and ids, Kalshi's expirations at the end of play.
#[test]
fn real_multi_league_capture_is_auto_confirmed_in_every_league_and_kind() {
    let r = eval("crates/sim/capture");
    check(&r, &["moneyline", "spread", "total", "draw", "map_winner", "total_maps"]);
    assert_eq!(r["overall"]["matches"], 285);
    let leagues = r["by_league"].as_object().unwrap();
    assert!(leagues.len() >= 15, "{leagues:?}");
    for (league, s) in leagues {
        // The bar: ≥ 90 % of moneylines and draws, ≥ 80 % of other kinds; every pair of
        // this capture has exact evidence, so all of them.
        assert_eq!(s["confirmed"], s["matches"], "{league}: {:?}", r["misses"]);
    }
    assert_eq!(r["unlabelled_links"], 0, "no link on a market without a counterpart: {:?}", r["misses"]);
}

#[test]
fn multi_league_capture_with_planted_traps() {
    let r = eval("crates/engine/tests/data/leagues");
    check(&r, &["moneyline", "spread", "total", "draw", "map_winner", "total_maps"]);
    // The same names on both venues are exact evidence: tennis players, fighters, teams.
    for league in ["UFC", "CS2", "MLB", "NHL"] {
        let l = &r["by_league"][league];
        assert_eq!(l["confirmed"], l["matches"], "{league}: {:?}", r["misses"]);
    }
    // ATP and EPL markets carry planted settlement differences: found, never auto-confirmed.
    for league in ["ATP", "EPL"] {
        let l = &r["by_league"][league];
        assert_eq!((l["found"].clone(), l["confirmed"].clone()), (l["matches"].clone(), 0.into()), "{league}");
    }
    // Polymarket's slug lists the Rams first and its title the Panthers: nothing flips.
    assert_eq!(r["by_league"]["NFL"]["wrong"], 0, "{:?}", r["misses"]);
    assert_eq!(r["by_league"]["MLB"]["confirmed"], 4, "each doubleheader game confirmed to its own market");
}

/// College basketball as each venue names schools (`make_college.py`): men's and women's, 62
/// games with namesakes on the same day, the same schools' men's and women's games, a school's
/// namesake against the same opponent on the other venue only. Every moneyline, spread and
/// total auto-confirmed (the bar: ≥ 95 % of moneylines, ≥ 90 % of other kinds), none
/// linked across namesakes or between men and women. Before the registry of Division I schools
/// 167 of 179 were confirmed and two markets without a counterpart were linked.
#[test]
fn college_schools_are_confirmed_and_namesakes_told_apart() {
    let r = eval("crates/engine/tests/data/college");
    check(&r, &["moneyline", "spread", "total"]);
    assert_eq!(r["unlabelled_links"], 0, "a namesake or the other league linked: {:?}", r["misses"]);
    for league in ["NCAAMB", "NCAAWB"] {
        let l = &r["by_league"][league];
        assert!(l["matches"].as_u64().unwrap() >= 25, "{league}: {l}");
        assert_eq!(l["confirmed"], l["matches"], "{league}: {:?}", r["misses"]);
    }
    assert!(r["overall"]["recall"].as_f64().unwrap() >= 0.99, "{}", r["overall"]);
}

/// First halves in the real shapes (`make_halves.py`: the 27 NBA games both real recordings list,
/// Polymarket's markets as recorded): first-half spreads and totals auto-confirmed with every side
/// right although Gamma writes a first-half spread's line unsigned; first-half winners, settled
/// differently on a tie at halftime, never linked; no first-half market linked to a full game's.
#[test]
fn first_halves_are_linked_by_their_own_settlement() {
    let r = eval("crates/engine/tests/data/halves");
    check(&r, &["moneyline", "spread", "total", "first_half_spread", "first_half_total"]);
    for kind in ["first_half_spread", "first_half_total", "spread", "total"] {
        let k = &r["by_kind"][kind];
        assert!(k["matches"].as_u64().unwrap() >= 10, "{kind}: {k}");
        assert_eq!(k["confirmed"], k["matches"], "{kind}: {:?}", r["misses"]);
    }
    assert_eq!(r["overall"]["wrong"], 0, "a first-half winner linked: {:?}", r["misses"]);
    assert_eq!(r["unlabelled_links"], 0, "{:?}", r["misses"]);
}

/// Tennis set winners (`make_sets.py`: ATP and WTA matches with their first and second sets on
/// both venues, Kalshi's `KXATPSETWINNER-…-1-CAR` beside Gamma's `tennis_first_set_winner` and
/// `tennis_set_winner`): every set paired with the same set, by the players' names whichever
/// order or form each venue writes them; never a set with another set or with the match; a set
/// one venue lists alone stays unlinked.
#[test]
fn tennis_set_winners_are_paired_set_by_set() {
    let r = eval("crates/engine/tests/data/sets");
    check(&r, &["moneyline", "set_winner"]);
    let sets = &r["by_kind"]["set_winner"];
    assert!(sets["matches"].as_u64().unwrap() >= 30, "{sets}");
    assert_eq!(sets["confirmed"], sets["matches"], "{:?}", r["misses"]);
    for league in ["ATP", "WTA"] {
        let l = &r["by_league"][league];
        assert_eq!(l["confirmed"], l["matches"], "{league}: {:?}", r["misses"]);
    }
    assert_eq!(r["overall"]["wrong"], 0, "a set linked to another set or the match: {:?}", r["misses"]);
    assert_eq!(r["unlabelled_links"], 0, "a set one venue lists alone linked: {:?}", r["misses"]);
}

/// First-inning runs (`make_innings.py`: MLB games with Kalshi's `KXMLBRFI` and Gamma's `nrfi`
/// markets, a doubleheader among them): each paired with its own game's, YES with the "a run is
/// scored" outcome; a market asking the other way round ("scoreless?") never linked.
#[test]
fn first_inning_runs_are_paired_by_what_yes_means() {
    let r = eval("crates/engine/tests/data/innings");
    check(&r, &["moneyline", "first_inning_run"]);
    let rfi = &r["by_kind"]["first_inning_run"];
    assert!(rfi["matches"].as_u64().unwrap() >= 6, "{rfi}");
    assert_eq!(rfi["confirmed"], rfi["matches"], "{:?}", r["misses"]);
    assert_eq!(r["overall"]["wrong"], 0, "the scoreless market or another game's linked: {:?}", r["misses"]);
    assert_eq!(r["unlabelled_links"], 0, "{:?}", r["misses"]);
}

/// Soccer's halftime result (`make_halftime.py`: EPL, La Liga and Serie A games with Kalshi's
/// `KX<L>1H` beside Gamma's `soccer_halftime_result`): each team's lead at halftime and the tie
/// paired three ways, none with the full-time market of the same team, a rematch's half its own.
#[test]
fn soccer_halftime_results_are_paired_three_ways() {
    let r = eval("crates/engine/tests/data/halftime");
    check(&r, &["moneyline", "draw", "first_half_moneyline", "first_half_draw"]);
    for kind in ["first_half_moneyline", "first_half_draw"] {
        let k = &r["by_kind"][kind];
        assert!(k["matches"].as_u64().unwrap() >= 9, "{kind}: {k}");
        assert_eq!(k["confirmed"], k["matches"], "{kind}: {:?}", r["misses"]);
    }
    assert_eq!(r["overall"]["wrong"], 0, "a half linked to the full game: {:?}", r["misses"]);
    assert_eq!(r["unlabelled_links"], 0, "{:?}", r["misses"]);
}

/// Leagues without a registry file (`make_unregistered.py`: Liga MX, K League, A-League,
/// Argentina, Champions and Europa League, Saudi Pro League, KBO, KHL, IPL, UFC, Dota 2), each
/// venue naming teams its own way: auto-confirmed on codes and names under the registered
/// leagues' rules, both teams to score with them; a Champions League tie's other leg, a fight
/// with a replaced opponent and a game one venue lists alone never linked.
#[test]
fn leagues_without_a_registry_file_are_confirmed_on_codes_and_names() {
    let r = eval("crates/engine/tests/data/unregistered");
    check(&r, &["moneyline", "draw", "both_teams_to_score"]);
    let btts = &r["by_kind"]["both_teams_to_score"];
    assert_eq!(btts["confirmed"], btts["matches"], "{:?}", r["misses"]);
    let leagues = r["by_league"].as_object().unwrap();
    assert!(leagues.len() >= 12, "{leagues:?}");
    for (league, l) in leagues {
        assert!(l["matches"].as_u64().unwrap() >= 6, "{league}: three games or more");
        assert_eq!(l["confirmed"], l["matches"], "{league}: {:?}", r["misses"]);
    }
    assert_eq!(r["overall"]["wrong"], 0, "{:?}", r["misses"]);
    assert_eq!(r["unlabelled_links"], 0, "{:?}", r["misses"]);
}

#[test]
fn review_keeps_a_persons_decision_and_audit_passes() {
    let (_sim, sim_env) = common::sim_with(&[]);
    let dir = tempfile::tempdir().unwrap();
    let mut env = sim_env.clone();
    env.push(("CROSSBOOK_NOW".into(), "2026-01-09T23:50:00Z".into()));
    assert!(crossbook(dir.path(), &["ingest", "-v", "all"], &env).status.success());
    assert!(crossbook(dir.path(), &["match"], &env).status.success());
    let export = |dir: &Path| -> Vec<serde_json::Value> {
        let out = crossbook(dir, &["links", "export", "--json"], &env);
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap().as_array().unwrap().clone()
    };
    let links = export(dir.path());
    assert_eq!(links.len(), 285);
    let first = &links[0];
    for key in ["id", "status", "score", "kind", "line", "league", "starts_at", "kalshi", "polymarket"] {
        assert!(first.get(key).is_some(), "export lacks {key}");
    }
    assert!(first["polymarket"]["token_id"].is_string() && first["polymarket"]["outcome_index"].is_u64());
    // The same link as two legs of any two venues, each with its venue's ids and the outcome
    // that pays when the other leg's does.
    for l in &links {
        let legs = l["legs"].as_array().unwrap();
        assert_eq!(legs.len(), 2, "{l}");
        assert_eq!((&legs[0]["venue"], &legs[1]["venue"]), (&"kalshi".into(), &"polymarket".into()));
        assert_eq!(
            (&legs[0]["ticker"], &legs[0]["book"], &legs[0]["outcome"]),
            (&l["kalshi"]["ticker"], &l["kalshi"]["ticker"], &"yes".into())
        );
        assert_eq!(legs[1]["book"], l["polymarket"]["token_id"]);
        assert_eq!(legs[1]["outcome"], l["polymarket"]["outcome"]);
        assert_eq!(legs[1]["outcome_index"], l["polymarket"]["outcome_index"]);
        assert_eq!(legs[1]["market_id"], l["polymarket"]["market_id"]);
    }
    // A person rejects an auto-confirmed link; the next pass leaves it rejected.
    let id = first["id"].as_i64().unwrap().to_string();
    assert!(crossbook(dir.path(), &["links", "reject", &id], &env).status.success());
    assert!(crossbook(dir.path(), &["match"], &env).status.success());
    let again = export(dir.path());
    let same = again.iter().find(|l| l["id"] == first["id"]).unwrap();
    assert_eq!(same["status"], "rejected");
    assert!(same["decided_by"].as_str().unwrap().starts_with("human:"));
    let audit = crossbook(dir.path(), &["audit", "mve"], &env);
    assert!(audit.status.success(), "{}", String::from_utf8_lossy(&audit.stdout));
    assert!(String::from_utf8_lossy(&audit.stdout).contains("audit mve: pass"));
}

#[test]
fn run_supervises_every_service_and_stops_on_sigterm() {
    use std::io::BufRead;
    let (_sim, sim_env) = common::sim_with(&[]);
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_crossbook"));
    cmd.current_dir(dir.path())
        .args(["run", "--bind", "127.0.0.1:0"])
        .env_remove("DATABASE_URL")
        .env("LOG_LEVEL", "warn")
        .env("CROSSBOOK_NOW", "2026-01-09T23:50:00Z")
        .stdout(Stdio::piped());
    for (k, v) in &sim_env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = out.next().unwrap().unwrap();
    let url = first.split_whitespace().find(|w| w.starts_with("http://")).unwrap().to_string();
    // The first ops pass ingests, matches and builds the watchlist; health then shows it all.
    let mut health = serde_json::Value::Null;
    for _ in 0..100 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        let Ok(r) = reqwest::blocking::get(format!("{url}/health")) else { continue };
        health = r.json().unwrap_or_default();
        if health["matching"]["confirmedCount"] == 285 {
            break;
        }
    }
    assert_eq!(health["matching"]["confirmedCount"], 285, "{health}");
    assert_eq!(health["ingestion"]["kalshi"]["stored"], 420);
    for service in ["ops", "quotes", "monitor"] {
        assert_eq!(health["services"][service]["status"], "running", "{health}");
    }
    // SIGTERM: passes finish, the process says so and exits 0.
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let rest: Vec<String> = out.map_while(Result::ok).collect();
    assert!(child.wait().unwrap().success());
    assert_eq!(rest.last().map(String::as_str), Some("crossbook stopped"));
}

/// A Kalshi key the venue refuses stops nothing else: under `run` Polymarket is ingested and
/// matched all the same, the Kalshi run is recorded failed with the refusal explained, and the
/// ops service is not restarted over it.
#[test]
fn a_refused_kalshi_key_blocks_no_polymarket_service() {
    use std::io::BufRead;
    // The simulator expects the Ed25519 key; crossbook signs with the RSA one.
    let (_sim, sim_env) = common::sim_with(&["--kalshi-public-key", &common::test_key("test_key_ed25519_pub.pem")]);
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_crossbook"));
    cmd.current_dir(dir.path())
        .args(["run", "--bind", "127.0.0.1:0", "--services", "ops,web"])
        .env_remove("DATABASE_URL")
        .env("LOG_LEVEL", "off")
        .env("CROSSBOOK_NOW", "2026-01-09T23:50:00Z")
        .stdout(Stdio::piped());
    for (k, v) in sim_env.iter().chain(&common::kalshi_key_env(dir.path())) {
        cmd.env(k, v);
    }
    let child = common::Kill(cmd.spawn().unwrap());
    let mut child = child;
    let mut out = std::io::BufReader::new(child.0.stdout.take().unwrap()).lines();
    let first = out.next().unwrap().unwrap();
    let url = first.split_whitespace().find(|w| w.starts_with("http://")).unwrap().trim_end_matches(':').to_string();
    let mut health = serde_json::Value::Null;
    for _ in 0..200 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        let Ok(r) = reqwest::blocking::get(format!("{url}/health")) else { continue };
        health = r.json().unwrap_or_default();
        if health["ingestion"]["polymarket"]["status"] == "ok" && health["matching"]["lastRun"].is_string() {
            break;
        }
    }
    assert_eq!(health["ingestion"]["polymarket"]["stored"], 286, "{health}");
    assert!(health["matching"]["lastRun"].is_string(), "matching ran: {health}");
    assert_eq!(health["ingestion"]["kalshi"]["status"], "failed", "{health}");
    let problems = health["problems"].to_string();
    assert!(problems.contains("ingestion kalshi: last run failed") && problems.contains("refused"), "{problems}");
    assert_eq!(health["services"]["ops"]["restarts"], 0, "{health}");
}
