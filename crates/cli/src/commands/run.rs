//! `crossbook run [--bind 127.0.0.1:8080]`: every service in one process — ingestion and
//! matching every OPS_INTERVAL_MINUTES, the watchlist after each, live quotes (sockets first,
//! REST polling by priority), the live-events monitor, and the HTTP server. Each service is
//! supervised (a crash restarts it with backoff and shows in /health) and takes its work under a
//! lease, so processes sharing PostgreSQL never do it twice. SIGINT/SIGTERM stop it gracefully:
//! every pass writes in transactions, and running passes are let finish.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use crossbook_engine::Settings;
use crossbook_engine::health::HEARTBEAT_EVERY;
use crossbook_engine::ingest::LogProgress;
use crossbook_engine::pipeline::Pipeline;
use crossbook_engine::supervisor::{Board, pause, supervise};
use crossbook_net::Backoff;
use crossbook_store::Store;
use tokio::sync::watch;

/// Takes (or renews) a lease for one pass of `service`; `false` while another process holds it.
async fn lease(
    store: &dyn Store,
    service: &str,
    holder: &str,
    p: &Pipeline,
    ttl: chrono::Duration,
) -> anyhow::Result<bool> {
    let now = p.clock.now();
    Ok(store.try_lease(service, holder, now, now + ttl).await?)
}

/// The store, or — when PostgreSQL cannot be reached at start — one that connects when it can:
/// detection and alerts start without it (on the last watch snapshot), writes wait in the spool,
/// and the schema is migrated as soon as the database answers.
async fn open_or_wait(settings: &Settings) -> anyhow::Result<Arc<dyn crossbook_store::Store>> {
    let url = &settings.database_url;
    let e = match crossbook_store::open(url).await {
        Ok(store) => return Ok(store),
        Err(e) => e,
    };
    let lazy = if e.is_unreachable() { crossbook_store::connect_lazy(url)? } else { None };
    let Some(store) = lazy else {
        return Err(anyhow::Error::new(e).context(format!("opening {url}")));
    };
    tracing::warn!(error = %e, "database unreachable at start: detection and alerts start without it, writes wait");
    let st = store.clone();
    tokio::spawn(async move {
        let mut wait = Duration::from_secs(1);
        loop {
            match st.migrate().await {
                Ok(_) => {
                    tracing::info!("database reached: schema up to date, waiting writes go in");
                    return;
                }
                Err(e) if e.is_unreachable() => {}
                Err(e) => tracing::warn!(error = %e, "database reached but not migrated; retrying"),
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(Duration::from_secs(30));
        }
    });
    Ok(store)
}

/// How long a stop waits for running passes (the compose file gives the container more).
const STOP_DEADLINE: Duration = Duration::from_secs(8);
/// How often the live-events monitor passes.
const MONITOR_EVERY: Duration = Duration::from_secs(2);
/// How often the watchdog checks: a dead service is said within its silence limit and this.
const WATCHDOG_EVERY: Duration = Duration::from_secs(10);
/// The watched links as the database has them now (none when it cannot be read).
async fn watched_links(store: &dyn crossbook_store::Store) -> Option<Vec<crossbook_model::LinkId>> {
    let mut ids: Vec<_> = store.list_watchlist().await.ok()?.into_iter().map(|w| w.link_id).collect();
    ids.sort_unstable();
    Some(ids)
}

pub(crate) async fn run(
    settings: &Settings,
    bind: &str,
    services: &str,
    metrics_bind: Option<&str>,
) -> anyhow::Result<u8> {
    let wanted: Vec<&str> = services.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
    if let Some(bad) = wanted.iter().find(|s| !["ops", "quotes", "monitor", "web"].contains(s)) {
        anyhow::bail!("--services: unknown service {bad:?} (ops, quotes, monitor, web)");
    }
    let on = |s: &str| wanted.contains(&s);
    let addr: std::net::SocketAddr = bind.parse().with_context(|| format!("--bind {bind}"))?;
    let metrics_addr: Option<std::net::SocketAddr> =
        metrics_bind.map(|m| m.parse().with_context(|| format!("--metrics-bind {m}"))).transpose()?;
    if !addr.ip().is_loopback() && settings.api_token.is_none() {
        anyhow::bail!("API_TOKEN: required when --bind is not a loopback address (changes need it)");
    }
    let store = open_or_wait(settings).await?;
    let p = Arc::new(Pipeline::with_state(settings, store.clone(), &format!("run-{}", wanted.join("-"))).await?);
    let holder = p.lease_holder();
    let board = Board::default();
    let (stop_tx, stop) = watch::channel(false);
    let backoff =
        Backoff::new(Duration::from_secs(1), Duration::from_secs(60), 2.0, 0.2).map_err(anyhow::Error::msg)?;
    let ops_every = settings.ops_interval;
    let mut tasks = tokio::task::JoinSet::new();
    // While an ingest pass of this process runs (a stop past the deadline abandons it).
    let started = p.clock.now();
    let ingesting = Arc::new(std::sync::atomic::AtomicBool::new(false));

    // Ingestion, matching, watchlist: one pass per interval, under the "ops" lease.
    let (pp, st, h, ing, b) = (p.clone(), store.clone(), holder.clone(), ingesting.clone(), board.clone());
    if on("ops") {
        board.expect("ops", ops_every);
        tasks.spawn(supervise("ops", board.clone(), stop.clone(), backoff, move |mut stop| {
            let (p, store, holder, ingesting, board) = (pp.clone(), st.clone(), h.clone(), ing.clone(), b.clone());
            async move {
                loop {
                    let ttl = chrono::Duration::from_std(ops_every * 2).unwrap_or(chrono::Duration::minutes(20));
                    if lease(&*store, "ops", &holder, &p, ttl).await? {
                        for &v in p.enabled_venues() {
                            ingesting.store(true, std::sync::atomic::Ordering::Relaxed);
                            let r = p.ingest(v, Arc::new(LogProgress)).await;
                            ingesting.store(false, std::sync::atomic::Ordering::Relaxed);
                            match r {
                                Ok(r) => {
                                    tracing::info!(venue = %v, stored = r.stored, status = r.status.as_str(), "ingested")
                                }
                                // One venue failing (a refused key, an outage) holds the other
                                // up in nothing: its run is recorded failed (health says why) and
                                // the pass goes on.
                                Err(e) => tracing::error!(venue = %v, error = %format!("{e:#}"), "ingestion failed; the pass goes on"),
                            }
                        }
                        let m = p.match_pass().await?;
                        tracing::info!(confirmed = m.confirmed, suggested = m.suggested, "matched");
                        p.watchlist().await?;
                    }
                    board.progress("ops");
                    if pause(&mut stop, ops_every).await {
                        return Ok(());
                    }
                }
            }
        }));
    }

    // Quotes: sockets first (subscriptions follow the watchlist in place), REST polling by priority under the
    // "quotes" lease. A database that fails does not stop the sockets: the desk decides in
    // memory and its records wait in the writer; only another process taking the lease does.
    let (pp, st, h, s2, b) = (p.clone(), store.clone(), holder.clone(), settings.clone(), board.clone());
    if on("quotes") {
        board.expect("quotes", settings.quotes_interval);
        tasks.spawn(supervise("quotes", board.clone(), stop.clone(), backoff, move |mut stop| {
            let (p, store, holder, settings, board) = (pp.clone(), st.clone(), h.clone(), s2.clone(), b.clone());
            async move {
                let interval = settings.quotes_interval;
                let ttl = chrono::Duration::from_std(interval * 4).unwrap_or(chrono::Duration::minutes(1));
                let mut streams = None;
                // Wakes the loop when this process rebuilds the watchlist.
                let mut generation = p.watch_generation.subscribe();
                // The watched links the sockets were started for: another process (the ops
                // service) rebuilds the watchlist in the database, so every pass compares.
                let mut started_for = None;
                for n in 0u64.. {
                    match lease(&*store, "quotes", &holder, &p, ttl).await {
                        Ok(true) => {
                            generation.borrow_and_update();
                            let watched = watched_links(&*store).await;
                            if streams.is_none() || watched.is_some() && started_for != watched {
                                match p.streams(&mut streams).await {
                                    Ok(()) => started_for = watched,
                                    Err(e) => tracing::warn!(error = %format!("{e:#}"), "sockets not moved to the new watchlist; they go on"),
                                }
                            }
                            if let Err(e) = p.quotes(&Pipeline::due(n)).await {
                                tracing::warn!(error = %format!("{e:#}"), "quotes pass failed; the sockets go on");
                            }
                        }
                        Ok(false) => streams = None,
                        // A database that cannot be reached holds no lease anyone could take:
                        // the sockets start (on the last watch snapshot) or go on.
                        Err(e) if streams.is_none() => {
                            tracing::warn!(error = %format!("{e:#}"), "lease not read; the sockets start without it");
                            if let Err(e) = p.streams(&mut streams).await {
                                tracing::warn!(error = %format!("{e:#}"), "sockets not started");
                            }
                        }
                        Err(e) => tracing::warn!(error = %format!("{e:#}"), "lease not renewed; the sockets go on"),
                    }
                    board.progress("quotes");
                    // The next pass, or at once when the watchlist is rebuilt.
                    tokio::select! {
                        stopped = pause(&mut stop, interval) => if stopped { return Ok(()) },
                        _ = generation.changed() => {}
                    }
                }
                Ok(())
            }
        }));
    }

    // The live-events monitor, under the "monitor" lease.
    if on("monitor") && settings.enable_live_events_monitor {
        let (pp, st, h, b) = (p.clone(), store.clone(), holder.clone(), board.clone());
        board.expect("monitor", MONITOR_EVERY);
        tasks.spawn(supervise("monitor", board.clone(), stop.clone(), backoff, move |mut stop| {
            let (p, store, holder, board) = (pp.clone(), st.clone(), h.clone(), b.clone());
            async move {
                loop {
                    match lease(&*store, "monitor", &holder, &p, chrono::Duration::seconds(10)).await {
                        Ok(true) => {
                            if let Err(e) = p.monitor().await {
                                tracing::warn!(error = %format!("{e:#}"), "monitor pass failed");
                            }
                        }
                        Ok(false) => {}
                        Err(e) => tracing::warn!(error = %format!("{e:#}"), "monitor lease not renewed"),
                    }
                    board.progress("monitor");
                    if pause(&mut stop, MONITOR_EVERY).await {
                        return Ok(());
                    }
                }
            }
        }));
    }

    // The execution kill switch, as stored: followed every 2 s while trading.
    if settings.execution.mode != crossbook_model::ExecutionMode::Off {
        p.follow_kill_switch().await;
        let (p, mut stop) = (p.clone(), stop.clone());
        tasks.spawn(async move {
            while !pause(&mut stop, Duration::from_secs(2)).await {
                p.follow_kill_switch().await;
            }
        });
    }

    // Heartbeats: this process's services in the database, so that every process's health and
    // watchdog can tell a dead or stuck one; a stop says so (a stopped service is not dead). The
    // web service has no passes: it is as alive as the process serving it.
    if on("web") {
        board.expect("web", HEARTBEAT_EVERY);
    }
    {
        let (store, board, holder, mut stop) = (store.clone(), board.clone(), holder.clone(), stop.clone());
        let web = on("web");
        tasks.spawn(async move {
            loop {
                if web {
                    board.progress("web");
                }
                let beats = board.beats(&holder, chrono::Utc::now(), false);
                match tokio::time::timeout(HEARTBEAT_EVERY, store.beat(&beats)).await {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => tracing::warn!(error = %e, "heartbeat not written"),
                    Err(_) => tracing::warn!("heartbeat not written: the database did not answer"),
                }
                if pause(&mut stop, HEARTBEAT_EVERY).await {
                    break;
                }
            }
            let beats = board.beats(&holder, chrono::Utc::now(), true);
            let _ = tokio::time::timeout(Duration::from_secs(2), store.beat(&beats)).await;
        });
    }

    // The watchdog: operational conditions alerted when they start and clear, and shown by
    // health — this process's own, and the whole system's (a dead or stuck service of any
    // process, said once whichever process sees it first). Opportunities whose quotes stopped
    // reaching the database (their process died) are closed here.
    {
        let (p, board, mut stop) = (p.clone(), board.clone(), stop.clone());
        tasks.spawn(async move {
            let mut dog = crossbook_engine::watchdog::Watchdog::new(p.conditions.clone());
            let rt = p.runtime();
            let mut system = std::collections::BTreeMap::<String, String>::new();
            // The first check waits for this process's own first heartbeat.
            let mut first = true;
            loop {
                let now = p.clock.now();
                let (started, cleared) = dog.check(&rt, Some(&p.venues), Some(&board), now);
                for what in started {
                    tracing::warn!("{what}");
                    p.alerter.operational(&what, true, now);
                }
                for what in cleared {
                    tracing::info!("recovered: {what}");
                    p.alerter.operational(&what, false, now);
                }
                if !first {
                    p.system_conditions(&mut system, now).await;
                    p.close_orphaned(now).await;
                }
                first = false;
                if pause(&mut stop, WATCHDOG_EVERY).await {
                    return;
                }
            }
        });
    }

    let mut state = super::serve::app_state(settings, store.clone());
    state.services = Some(board.clone());
    state.venues = Some(p.venues.clone());
    state.runtime = Some(p.runtime());
    let process_server = match metrics_addr {
        Some(a) => {
            let s = crossbook_server::serve_process(state.clone(), a)
                .await
                .with_context(|| format!("--metrics-bind {a}"))?;
            println!("crossbook metrics of this process: http://{}/metrics", s.addr);
            Some(s)
        }
        None => None,
    };
    let server = if on("web") {
        let server = crossbook_server::serve(state, addr).await?;
        println!(
            "crossbook running {services}: http://{} (dashboard, /health, /metrics); Ctrl-C or SIGTERM stops",
            server.addr
        );
        Some(server)
    } else {
        println!("crossbook running {services}; Ctrl-C or SIGTERM stops");
        None
    };
    if let Some(what) = crossbook_engine::execution::describe(&settings.execution) {
        println!("{what}");
    }
    super::shutdown_signal().await;
    tracing::info!("stopping: letting running passes finish ({} s at most)", STOP_DEADLINE.as_secs());
    let _ = stop_tx.send(true);
    let finished = tokio::time::timeout(STOP_DEADLINE, async { while tasks.join_next().await.is_some() {} }).await;
    if finished.is_err() {
        tasks.abort_all();
        // An ingest pass cut short is recorded as such (this process held the ops lease, so
        // the running runs since it started are its own).
        let abandoned = if ingesting.load(std::sync::atomic::Ordering::Relaxed) {
            let why = "abandoned: the process stopped before the run finished";
            tokio::time::timeout(Duration::from_secs(2), store.abandon_ingestion_runs(started, p.clock.now(), why))
                .await
                .ok()
                .and_then(Result::ok)
                .unwrap_or(0)
        } else {
            0
        };
        tracing::warn!(abandoned_runs = abandoned, "stop deadline reached: the passes still running were abandoned");
    }
    // Paper orders still on their way match the last books (no later book will come).
    crossbook_engine::desk::lock(&p.desk).run_orders(p.clock.now(), true);
    if tokio::time::timeout(Duration::from_secs(3), p.writer.flush()).await.is_err() {
        tracing::warn!("stop deadline reached: {} database writes not made", p.writer.stats.depth.get());
    }
    for server in [server, process_server].into_iter().flatten() {
        server.stop().await;
    }
    println!("crossbook stopped");
    Ok(0)
}
