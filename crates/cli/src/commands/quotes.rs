//! `crossbook watchlist sync|list`, `quotes loop [--once]`, `arbs list [--json]`.

use chrono::Duration;
use crossbook_engine::quotes::{QuotesConfig, poll_once};
use crossbook_engine::watchlist::{WatchConfig, sync_watchlist};
use crossbook_engine::{Clock, Settings, Venues};
use crossbook_store::Priority;

pub(crate) fn quotes_config(s: &Settings) -> QuotesConfig {
    let interval = Duration::from_std(s.quotes_interval).unwrap_or(Duration::seconds(15));
    QuotesConfig {
        stale_after: Duration::from_std(s.quote_stale_after).unwrap_or(Duration::seconds(30)),
        cycle: interval * 4,
        allow_in_play: s.allow_in_play,
    }
}

pub(crate) async fn watchlist_sync(settings: &Settings) -> anyhow::Result<u8> {
    let store = super::open_store(settings).await?;
    let now = Clock::from_setting(settings.now).now();
    let entries = sync_watchlist(&*store, &WatchConfig::from_settings(settings), now).await?;
    let count = |p| entries.iter().filter(|e| e.priority == p).count();
    println!(
        "watchlist: {} links ({} HIGH, {} MEDIUM, {} LOW)",
        entries.len(),
        count(Priority::High),
        count(Priority::Medium),
        count(Priority::Low)
    );
    Ok(0)
}

pub(crate) async fn watchlist_list(settings: &Settings) -> anyhow::Result<u8> {
    let store = super::open_store(settings).await?;
    let links: std::collections::HashMap<_, _> = store.list_links(None).await?.into_iter().map(|l| (l.id, l)).collect();
    println!("{:<7} {:>5} {:<25} {:>12} {:<40} OUTCOME", "PRIORITY", "LINK", "STARTS", "LIQUIDITY", "KALSHI");
    for e in store.list_watchlist().await? {
        let Some(l) = links.get(&e.link_id) else { continue };
        println!(
            "{:<7} {:>5} {:<25} {:>12} {:<40} {}",
            e.priority.as_str(),
            e.link_id,
            e.starts_at.map(|t| t.to_rfc3339()).unwrap_or_else(|| "-".into()),
            e.liquidity,
            l.candidate.kalshi_ticker,
            l.candidate.poly_outcome
        );
    }
    Ok(0)
}

/// The REST loop: HIGH every QUOTES_INTERVAL_SECONDS, MEDIUM every second tick, LOW every
/// fourth. `--once`: one pass over the whole watchlist, then exit.
pub(crate) async fn quotes_loop(settings: &Settings, once: bool) -> anyhow::Result<u8> {
    let store = super::open_store(settings).await?;
    let venues = Venues::from_settings(settings)?;
    let clock = Clock::from_setting(settings.now);
    let cfg = quotes_config(settings);
    if once {
        let r = poll_once(&*store, &venues, &clock, cfg, &[Priority::High, Priority::Medium, Priority::Low]).await?;
        println!(
            "quotes: {} Kalshi and {} Polymarket books, {} failed; {} opportunities",
            r.kalshi_books, r.poly_books, r.failed, r.opportunities
        );
        return Ok(0);
    }
    let alerter = crossbook_engine::alerts::Alerter::start(
        store.clone(),
        crossbook_engine::alerts::AlertConfig::from_settings(settings),
    )?;
    let _streams = start_streams(settings, store.clone(), &venues, clock, alerter).await?;
    let mut tick = tokio::time::interval(settings.quotes_interval);
    for n in 0u64.. {
        tokio::select! {
            _ = tick.tick() => {}
            _ = super::shutdown_signal() => return Ok(0),
        }
        let mut due = vec![Priority::High];
        if n % 2 == 0 {
            due.push(Priority::Medium);
        }
        if n % 4 == 0 {
            due.push(Priority::Low);
        }
        match poll_once(&*store, &venues, &clock, cfg, &due).await {
            Ok(r) => tracing::info!(
                books = r.kalshi_books + r.poly_books,
                failed = r.failed,
                opportunities = r.opportunities,
                "quotes pass"
            ),
            Err(e) => tracing::warn!(error = %format!("{e:#}"), "quotes pass failed"),
        }
    }
    Ok(0)
}

/// Streams first: the venues' sockets for every watched book, feeding live evaluation (and
/// alerts on urgent links); live books are stored every few seconds for freshness. Dropping
/// the returned handles stops them.
pub(crate) async fn start_streams(
    settings: &Settings,
    store: std::sync::Arc<dyn crossbook_store::Store>,
    venues: &Venues,
    clock: Clock,
    alerter: crossbook_engine::alerts::Alerter,
) -> anyhow::Result<Vec<AbortOnDrop>> {
    use crossbook_engine::live::LiveEvaluator;
    let cfg = quotes_config(settings);
    let threshold = Duration::from_std(settings.live_event_threshold).unwrap_or(Duration::minutes(15));
    let (mut live, tickers, tokens) =
        LiveEvaluator::for_watchlist(store.clone(), cfg.stale_after, threshold, Some(alerter)).await?;
    live.allow_in_play = settings.allow_in_play;
    let (game_tx, mut games) = tokio::sync::mpsc::channel(1024);
    let (tx, mut rx) = tokio::sync::mpsc::channel(8192);
    let mut tasks = Vec::new();
    let stream_cfg = crossbook_net::ws::StreamConfig::default();
    if !tickers.is_empty() {
        let (url, signer) = (settings.endpoints.kalshi_ws.clone(), venues.kalshi_signer.clone());
        tasks.push(AbortOnDrop(tokio::spawn(crossbook_kalshi::websocket::run_orderbook_stream(
            url,
            signer,
            tickers,
            tx.clone(),
            stream_cfg,
        ))));
    }
    for chunk in tokens.chunks(crossbook_polymarket::websocket::MAX_ASSETS) {
        let url = settings.endpoints.polymarket_ws.clone();
        tasks.push(AbortOnDrop(tokio::spawn(crossbook_polymarket::websocket::run_market_stream(
            url,
            chunk.to_vec(),
            tx.clone(),
            stream_cfg,
        ))));
    }
    let url = settings.endpoints.polymarket_sports_ws.clone();
    tasks.push(AbortOnDrop(tokio::spawn(crossbook_polymarket::websocket::run_sports_stream(url, game_tx, stream_cfg))));
    drop(tx);
    tasks.push(AbortOnDrop(tokio::spawn(async move {
        let mut save = tokio::time::interval(std::time::Duration::from_secs(5));
        loop {
            tokio::select! {
                g = games.recv() => {
                    let Some(g) = g else { continue };
                    let state = crossbook_engine::game::GameState {
                        slug: g.slug, live: g.live, ended: g.ended, status: g.status, score: g.score, period: g.period, at: clock.now(),
                    };
                    if let Err(err) = live.on_game(state).await {
                        tracing::warn!(error = %format!("{err:#}"), "game state not applied");
                    }
                }
                e = rx.recv() => {
                    let Some(e) = e else { return };
                    if let Err(err) = live.on_event(&e, clock.now()).await {
                        tracing::warn!(error = %format!("{err:#}"), "live evaluation failed");
                    }
                }
                _ = save.tick() => {
                    let snaps: Vec<_> = live.books.iter().map(|((v, id), b)| crossbook_engine::quotes::snapshot(*v, id, b)).collect();
                    if let Err(err) = store.save_books(&snaps).await {
                        tracing::warn!(error = %err, "live books not stored");
                    }
                }
            }
        }
    })));
    Ok(tasks)
}

/// Aborts its task when dropped.
#[derive(Debug)]
pub(crate) struct AbortOnDrop(pub(crate) tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

pub(crate) async fn arbs_list(settings: &Settings, json: bool) -> anyhow::Result<u8> {
    let store = super::open_store(settings).await?;
    let open = store.list_open_opportunities().await?;
    if json {
        let rows: Vec<&crossbook_model::Opportunity> = open.iter().map(|o| &o.opportunity).collect();
        println!("{}", serde_json::to_string(&rows)?);
        return Ok(0);
    }
    for s in &open {
        let o = &s.opportunity;
        println!(
            "link {:>4} {:<9} {:<6} edge {:>7} size {:>6} profit {:>8} cost {} fees {} | {} | first seen {}",
            o.link_id,
            o.kind.as_str(),
            o.league.map(|l| l.code()).unwrap_or("-"),
            o.edge,
            o.max_size,
            o.profit,
            o.cost,
            o.fees,
            o.legs
                .iter()
                .map(|l| format!(
                    "{} {} @ {}",
                    l.venue,
                    l.ticker.clone().or_else(|| l.outcome.clone()).unwrap_or_default(),
                    l.price
                ))
                .collect::<Vec<_>>()
                .join(" + "),
            s.first_seen.to_rfc3339()
        );
    }
    eprintln!("{} open opportunit{}", open.len(), if open.len() == 1 { "y" } else { "ies" });
    Ok(0)
}

/// `crossbook monitor live-events [--once]`: quotes the urgent links every few seconds and
/// alerts on their arbitrage.
pub(crate) async fn monitor(settings: &Settings, once: bool) -> anyhow::Result<u8> {
    use crossbook_engine::alerts::{AlertConfig, Alerter};
    use crossbook_engine::monitor::monitor_once;
    if !settings.enable_live_events_monitor {
        println!("live-events monitor disabled (ENABLE_LIVE_EVENTS_MONITOR=false)");
        return Ok(0);
    }
    let store = super::open_store(settings).await?;
    let venues = Venues::from_settings(settings)?;
    let clock = Clock::from_setting(settings.now);
    let alerter = Alerter::start(store.clone(), AlertConfig::from_settings(settings))?;
    let threshold = Duration::from_std(settings.live_event_threshold).unwrap_or(Duration::minutes(15));
    let cfg = quotes_config(settings);
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(2));
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = tokio::signal::ctrl_c() => return Ok(0),
        }
        match monitor_once(&*store, &venues, &clock, &alerter, cfg, threshold).await {
            Ok(r) => {
                println!("urgent: {} links, {} opportunities, {} alerts raised", r.urgent, r.opportunities, r.alerts);
                if once {
                    // Let queued deliveries finish before exiting.
                    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                    return Ok(0);
                }
            }
            Err(e) if once => return Err(e),
            Err(e) => tracing::warn!(error = %format!("{e:#}"), "monitor pass failed"),
        }
    }
}
