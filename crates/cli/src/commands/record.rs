//! `crossbook record --out DIR [--duration D] [--leagues L,…]`: what one run of the service
//! reads from the venues, as a capture the simulator serves. The ingestion, matching and
//! quote passes run as usual (into a scratch database) with every REST answer copied: they
//! become the capture's series, events with their markets, sports, teams and books, as the
//! venues sent them. Then both venues' book sockets (Kalshi's needs a key) are recorded for the
//! duration, each change with its receive time, with the game states of Polymarket's sports
//! socket, into `frames/` (gzip JSON lines, rotated by size). Only venue answers are written:
//! no setting, key or URL of ours.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use crossbook_engine::Settings;
use crossbook_engine::ingest::LogProgress;
use crossbook_engine::pipeline::Pipeline;
use crossbook_model::{LinkStatus, Venue};
use crossbook_sim::Capture;
use crossbook_sim::replay::{Frame, FrameWriter};
use crossbook_store::Priority;
use serde_json::Value;

/// REST answers copied while recording: (API, path with query, body).
type Answers = Arc<Mutex<Vec<(&'static str, String, Vec<u8>)>>>;

pub(crate) async fn record(
    settings: &Settings,
    out: &Path,
    duration: &str,
    leagues: Option<&str>,
) -> anyhow::Result<u8> {
    let duration = super::demo::parse_duration(duration)?;
    if out.exists() && std::fs::read_dir(out).map(|mut d| d.next().is_some()).unwrap_or(true) {
        anyhow::bail!("--out {}: not an empty folder (a recording never overwrites one)", out.display());
    }
    std::fs::create_dir_all(out).with_context(|| format!("--out {}", out.display()))?;
    let scratch = tempfile::tempdir().context("scratch folder")?;
    let url = format!("sqlite://{}", scratch.path().join("record.db").display());
    let store = crossbook_store::open(&url.parse()?).await?;
    let p = Pipeline::new(settings, store.clone()).await?;
    let answers: Answers = Arc::default();
    for (api, rest) in
        [("kalshi", p.venues.kalshi.rest()), ("gamma", p.venues.gamma.rest()), ("clob", p.venues.clob.rest())]
    {
        let a = answers.clone();
        rest.record_to(crossbook_net::Recorder(Arc::new(move |path: &str, body: &[u8]| {
            a.lock().unwrap_or_else(|e| e.into_inner()).push((api, path.to_string(), body.to_vec()));
        })));
    }
    let started = p.clock.now();
    eprintln!("recording: REST state (ingestion, matching, one quote pass)");
    for &v in p.enabled_venues() {
        p.ingest(v, Arc::new(LogProgress)).await?;
    }
    p.match_pass().await?;
    p.watchlist().await?;
    p.quotes(&[Priority::High, Priority::Medium, Priority::Low]).await?;
    let taken = std::mem::take(&mut *answers.lock().unwrap_or_else(|e| e.into_inner()));
    let capture = capture_of(&taken, started);
    capture.write(out).with_context(|| format!("--out {}", out.display()))?;
    let (k, pm) = capture.market_counts();
    eprintln!(
        "recording: {} REST answers → {k} Kalshi and {pm} Polymarket markets, {} + {} books",
        taken.len(),
        capture.kalshi_orderbooks.len(),
        capture.poly_books.len()
    );

    // The sockets of the watched links' books (of the leagues asked for).
    let wanted: Option<HashSet<String>> = leagues.map(|l| l.split(',').map(|s| s.trim().to_uppercase()).collect());
    crossbook_engine::desk::refresh(&p.desk, &*store, p.clock.now()).await?;
    let chosen: HashSet<crossbook_model::LinkId> = store
        .list_links(Some(LinkStatus::Confirmed))
        .await?
        .into_iter()
        .filter(|l| {
            wanted.as_ref().is_none_or(|w| l.candidate.league.is_some_and(|x| w.contains(&x.code().to_uppercase())))
        })
        .map(|l| l.id)
        .collect();
    let all = crossbook_engine::desk::lock(&p.desk).links().books_of(Some(&chosen));
    let (tickers, tokens) =
        (all[crossbook_model::Venue::Kalshi].clone(), all[crossbook_model::Venue::Polymarket].clone());
    let (tx, mut rx) = tokio::sync::mpsc::channel(8192);
    let cfg = crossbook_net::ws::StreamConfig::default();
    let mut tasks = tokio::task::JoinSet::new();
    match (&p.venues.kalshi_signer, tickers.is_empty()) {
        (Some(signer), false) => {
            tasks.spawn(crossbook_kalshi::websocket::run_orderbook_stream(
                settings.endpoints.kalshi_ws.clone(),
                Some(signer.clone()),
                tickers.clone(),
                tx.clone(),
                cfg,
                Default::default(),
            ));
        }
        (None, false) => eprintln!("recording: no Kalshi key: Kalshi's book socket is not recorded"),
        _ => {}
    }
    for chunk in tokens.chunks(crossbook_polymarket::websocket::MAX_ASSETS) {
        tasks.spawn(crossbook_polymarket::websocket::run_market_stream(
            settings.endpoints.polymarket_ws.clone(),
            chunk.to_vec(),
            tx.clone(),
            cfg,
            Default::default(),
        ));
    }
    // Game states: a replay goes live and ends as the games did.
    let (game_tx, mut games) = tokio::sync::mpsc::channel(1024);
    tasks.spawn(crossbook_polymarket::websocket::run_sports_stream(
        settings.endpoints.polymarket_sports_ws.clone(),
        game_tx,
        cfg,
        Default::default(),
    ));
    drop(tx);
    let mut writer = FrameWriter::new(out)?;
    let mut game_updates = 0u64;
    let began = std::time::Instant::now();
    let until = tokio::time::Instant::now() + duration;
    let mut progress = tokio::time::interval(std::time::Duration::from_secs(5));
    let mut by_venue: crossbook_model::PerVenue<u64> = Default::default();
    loop {
        tokio::select! {
            e = rx.recv() => {
                let Some(event) = e else { break };
                by_venue[event.venue()] += 1;
                writer.write(&Frame { t_ms: began.elapsed().as_millis() as u64, event: Some(event), sport: None })?;
            }
            Some(g) = games.recv() => {
                game_updates += 1;
                writer.write(&Frame { t_ms: began.elapsed().as_millis() as u64, event: None, sport: Some(serde_json::to_value(&g)?) })?;
            }
            _ = progress.tick() => eprintln!(
                "recording: {} s of {} s, {} changes (Kalshi {}, Polymarket {}, games {}), {:.1} MB",
                began.elapsed().as_secs(), duration.as_secs(), writer.frames, by_venue[Venue::Kalshi], by_venue[Venue::Polymarket], game_updates, writer.bytes as f64 / 1e6
            ),
            _ = tokio::time::sleep_until(until) => break,
            _ = super::shutdown_signal() => break,
        }
    }
    tasks.abort_all();
    writer.close()?;
    println!(
        "recorded {} in {} s: {} Kalshi and {} Polymarket books, {} changes",
        out.display(),
        began.elapsed().as_secs(),
        tickers.len(),
        tokens.len(),
        writer.frames
    );
    Ok(0)
}

/// The capture the recorded REST answers make (later answers about the same item win).
fn capture_of(answers: &[(&'static str, String, Vec<u8>)], now: chrono::DateTime<chrono::Utc>) -> Capture {
    let mut c = Capture { now: Some(now), ..Capture::default() };
    let mut kalshi_events: BTreeMap<String, Value> = BTreeMap::new();
    let mut kalshi_series: BTreeMap<String, Value> = BTreeMap::new();
    let mut poly_events: BTreeMap<String, Value> = BTreeMap::new();
    let mut teams: BTreeMap<String, Value> = BTreeMap::new();
    let array = |v: &Value, key: &str| v[key].as_array().cloned().unwrap_or_default();
    for (api, path_query, body) in answers {
        let Ok(v) = serde_json::from_slice::<Value>(body) else { continue };
        let path = path_query.split('?').next().unwrap_or_default();
        // `/events/keyset` and `/markets/keyset` hold their listing under a key.
        let (last, v) = match (path.strip_suffix("/keyset"), path.rsplit('/').next().unwrap_or_default()) {
            (Some(listing), _) => {
                let key = listing.rsplit('/').next().unwrap_or_default();
                (key, v.get(key).cloned().unwrap_or(Value::Array(Vec::new())))
            }
            (None, last) => (last, v),
        };
        match (*api, last) {
            ("kalshi", "series") => {
                for s in array(&v, "series") {
                    kalshi_series.insert(s["ticker"].as_str().unwrap_or_default().to_string(), s);
                }
            }
            ("kalshi", "events") => {
                for e in array(&v, "events") {
                    kalshi_events.insert(e["event_ticker"].as_str().unwrap_or_default().to_string(), e);
                }
            }
            ("kalshi", "markets") => {
                // Markets listed on their own join their event's list.
                for m in array(&v, "markets") {
                    if let Some(e) = m["event_ticker"].as_str().and_then(|t| kalshi_events.get_mut(t)) {
                        let list = e["markets"].as_array_mut();
                        match list {
                            Some(l) => {
                                l.retain(|x| x["ticker"] != m["ticker"]);
                                l.push(m);
                            }
                            None => e["markets"] = Value::Array(vec![m]),
                        }
                    }
                }
            }
            ("kalshi", "orderbooks") => {
                for mut b in array(&v, "orderbooks") {
                    let ticker = b["ticker"].as_str().unwrap_or_default().to_string();
                    if let Some(o) = b.as_object_mut() {
                        o.remove("ticker");
                    }
                    c.kalshi_orderbooks.insert(ticker, b);
                }
            }
            ("kalshi", "orderbook") => {
                let ticker = path.rsplit('/').nth(1).unwrap_or_default().to_string();
                c.kalshi_orderbooks.insert(ticker, v);
            }
            ("gamma", "sports") => c.poly_sports = v.as_array().cloned().unwrap_or_default(),
            ("gamma", "teams") => {
                for t in v.as_array().cloned().unwrap_or_default() {
                    teams.insert(t["id"].to_string(), t);
                }
            }
            ("gamma", "events") => {
                for e in v.as_array().cloned().unwrap_or_default() {
                    poly_events.insert(e["id"].as_str().unwrap_or_default().to_string(), e);
                }
            }
            ("gamma", "markets") => {
                // Markets listed on their own (each naming its event) replace theirs in it.
                for mut m in v.as_array().cloned().unwrap_or_default() {
                    let event = m["events"][0]["id"].as_str().unwrap_or_default().to_string();
                    if let Some(o) = m.as_object_mut() {
                        o.remove("events");
                    }
                    if let Some(list) = poly_events.get_mut(&event).and_then(|e| e["markets"].as_array_mut()) {
                        list.retain(|x| x["id"] != m["id"]);
                        list.push(m);
                    }
                }
            }
            ("clob", "books") => {
                for b in v.as_array().cloned().unwrap_or_default() {
                    c.poly_books.insert(b["asset_id"].as_str().unwrap_or_default().to_string(), b);
                }
            }
            ("clob", "book") => {
                c.poly_books.insert(v["asset_id"].as_str().unwrap_or_default().to_string(), v);
            }
            _ => {}
        }
    }
    c.kalshi_series = kalshi_series.into_values().collect();
    c.kalshi_events = kalshi_events.into_values().collect();
    c.poly_teams = teams.into_values().collect();
    c.poly_events = poly_events.into_values().collect();
    c
}
