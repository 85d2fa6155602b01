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
use crossbook_engine::ingest::LogProgress;
use crossbook_engine::pipeline::Pipeline;
use crossbook_engine::supervisor::{Board, pause, supervise};
use crossbook_model::Venue;
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

pub(crate) async fn run(settings: &Settings, bind: &str, services: &str) -> anyhow::Result<u8> {
    let wanted: Vec<&str> = services.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
    if let Some(bad) = wanted.iter().find(|s| !["ops", "quotes", "monitor", "web"].contains(s)) {
        anyhow::bail!("--services: unknown service {bad:?} (ops, quotes, monitor, web)");
    }
    let on = |s: &str| wanted.contains(&s);
    let addr: std::net::SocketAddr = bind.parse().with_context(|| format!("--bind {bind}"))?;
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
    let (pp, st, h, ing) = (p.clone(), store.clone(), holder.clone(), ingesting.clone());
    if on("ops") {
        tasks.spawn(supervise("ops", board.clone(), stop.clone(), backoff, move |mut stop| {
            let (p, store, holder, ingesting) = (pp.clone(), st.clone(), h.clone(), ing.clone());
            async move {
                loop {
                    let ttl = chrono::Duration::from_std(ops_every * 2).unwrap_or(chrono::Duration::minutes(20));
                    if lease(&*store, "ops", &holder, &p, ttl).await? {
                        for v in Venue::ALL {
                            ingesting.store(true, std::sync::atomic::Ordering::Relaxed);
                            let r = p.ingest(v, Arc::new(LogProgress)).await;
                            ingesting.store(false, std::sync::atomic::Ordering::Relaxed);
                            let r = r?;
                            tracing::info!(venue = %v, stored = r.stored, status = r.status.as_str(), "ingested");
                        }
                        let m = p.match_pass().await?;
                        tracing::info!(confirmed = m.confirmed, suggested = m.suggested, "matched");
                        p.watchlist().await?;
                    }
                    if pause(&mut stop, ops_every).await {
                        return Ok(());
                    }
                }
            }
        }));
    }

    // Quotes: sockets first (restarted with the watchlist), REST polling by priority under the
    // "quotes" lease. A database that fails does not stop the sockets: the desk decides in
    // memory and its records wait in the writer; only another process taking the lease does.
    let (pp, st, h, s2) = (p.clone(), store.clone(), holder.clone(), settings.clone());
    if on("quotes") {
        tasks.spawn(supervise("quotes", board.clone(), stop.clone(), backoff, move |mut stop| {
            let (p, store, holder, settings) = (pp.clone(), st.clone(), h.clone(), s2.clone());
            async move {
                let interval = settings.quotes_interval;
                let ttl = chrono::Duration::from_std(interval * 4).unwrap_or(chrono::Duration::minutes(1));
                let mut streams = None;
                // The watchlist generation the sockets were started for.
                let mut generation = p.watch_generation.subscribe();
                let mut started_for = None;
                for n in 0u64.. {
                    match lease(&*store, "quotes", &holder, &p, ttl).await {
                        Ok(true) => {
                            let now = *generation.borrow_and_update();
                            if streams.is_none() || started_for != Some(now) {
                                match p.streams().await {
                                    Ok(s) => {
                                        streams = Some(s);
                                        started_for = Some(now);
                                    }
                                    Err(e) => tracing::warn!(error = %format!("{e:#}"), "sockets not restarted; the old ones go on"),
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
                            match p.streams().await {
                                Ok(s) => streams = Some(s),
                                Err(e) => tracing::warn!(error = %format!("{e:#}"), "sockets not started"),
                            }
                        }
                        Err(e) => tracing::warn!(error = %format!("{e:#}"), "lease not renewed; the sockets go on"),
                    }
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
        let (pp, st, h) = (p.clone(), store.clone(), holder.clone());
        tasks.spawn(supervise("monitor", board.clone(), stop.clone(), backoff, move |mut stop| {
            let (p, store, holder) = (pp.clone(), st.clone(), h.clone());
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
                    if pause(&mut stop, Duration::from_secs(2)).await {
                        return Ok(());
                    }
                }
            }
        }));
    }

    // The watchdog: operational conditions alerted when they start and clear, and shown by health.
    {
        let (p, board, mut stop) = (p.clone(), board.clone(), stop.clone());
        tasks.spawn(async move {
            let mut dog = crossbook_engine::watchdog::Watchdog::new(p.conditions.clone());
            let rt = p.runtime();
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
                if pause(&mut stop, Duration::from_secs(15)).await {
                    return;
                }
            }
        });
    }

    let server = if on("web") {
        let mut state = super::serve::app_state(settings, store.clone());
        state.services = Some(board.clone());
        state.venues = Some(p.venues.clone());
        state.runtime = Some(p.runtime());
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
    if tokio::time::timeout(Duration::from_secs(3), p.writer.flush()).await.is_err() {
        tracing::warn!("stop deadline reached: {} database writes not made", p.writer.stats.depth.get());
    }
    if let Some(server) = server {
        server.stop().await;
    }
    println!("crossbook stopped");
    Ok(0)
}
