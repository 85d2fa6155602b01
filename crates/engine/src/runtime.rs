//! The quote runtime: the venues' sockets for every watched book feeding the desk, and the state
//! of those sockets (frames, resets, outages) that health and metrics read — handed to them, not
//! kept in process-wide statics.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Utc};
use crossbook_model::Venue;
use prometheus_client::metrics::counter::Counter;

use crate::books::venue_slot;
use crate::desk::{SharedDesk, lock};
use crate::{Clock, Settings, Venues};

/// The sockets' state in this process, and the latencies of the decisions they feed.
#[derive(Debug, Default)]
pub struct StreamStatus {
    /// The decision path's latency histograms.
    pub latencies: crate::metrics::Latencies,
    /// Book frames received.
    pub quote_updates: Counter,
    /// Socket resets (drops, sequence gaps, silence): Kalshi, Polymarket.
    pub(crate) resets: [Counter; 2],
    /// Since when each venue's socket has been down, Unix milliseconds (0: up, or not started).
    down_since: [AtomicI64; 2],
    /// Why a venue's socket is not run at all (its books then come from REST polling).
    off: std::sync::Mutex<[Option<&'static str>; 2]>,
    /// What each venue's sockets read and did not turn into changes: message types skipped by
    /// name, frames that could not be read (Polymarket's count its live-scores socket too).
    pub frames: [Arc<crossbook_net::ws::FrameCounts>; 2],
}

/// Why the Kalshi socket is not run without credentials.
pub const KALSHI_SOCKET_NEEDS_KEY: &str =
    "no Kalshi API key: its order-book socket needs one; Kalshi books come from REST polling";

impl StreamStatus {
    /// A book frame of `venue` arrived: its socket is up.
    pub fn frame(&self, venue: Venue) {
        self.quote_updates.inc();
        self.alive(venue);
    }

    /// `venue`'s socket delivered a frame (one that changes no watched book): it is up.
    pub fn alive(&self, venue: Venue) {
        self.down_since[venue_slot(venue)].store(0, Ordering::Relaxed);
    }

    /// `venue`'s socket was reset at `now`: down until its next book frame.
    pub fn reset(&self, venue: Venue, now: DateTime<Utc>) {
        self.resets[venue_slot(venue)].inc();
        let _ = self.down_since[venue_slot(venue)].compare_exchange(
            0,
            now.timestamp_millis(),
            Ordering::Relaxed,
            Ordering::Relaxed,
        );
    }

    /// `venue`'s socket is not run, for `reason`.
    pub fn set_off(&self, venue: Venue, reason: &'static str) {
        self.off.lock().unwrap_or_else(|p| p.into_inner())[venue_slot(venue)] = Some(reason);
    }

    /// Why `venue`'s socket is not run, if it is not.
    pub fn off(&self, venue: Venue) -> Option<&'static str> {
        self.off.lock().unwrap_or_else(|p| p.into_inner())[venue_slot(venue)]
    }

    pub fn resets(&self, venue: Venue) -> u64 {
        self.resets[venue_slot(venue)].get()
    }

    /// The venues whose socket is down at `now`, with how long it has been down.
    pub fn outages(&self, now: DateTime<Utc>) -> Vec<(Venue, chrono::Duration)> {
        Venue::ALL
            .into_iter()
            .filter_map(|v| match self.down_since[venue_slot(v)].load(Ordering::Relaxed) {
                0 => None,
                since => Some((v, chrono::Duration::milliseconds(now.timestamp_millis() - since))),
            })
            .collect()
    }
}

/// Aborts its task when dropped.
#[derive(Debug)]
pub struct AbortOnDrop(pub tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Streams first: the venues' sockets for every book the desk watches, each frame applied and
/// decided on at once; the live books go to the writer every few seconds for freshness.
/// Dropping the returned handles stops them.
pub fn start_streams(settings: &Settings, venues: &Venues, desk: SharedDesk, clock: Clock) -> Vec<AbortOnDrop> {
    let (tickers, tokens, status) = {
        let d = lock(&desk);
        let (tickers, tokens) = d.links().books_of(None);
        (tickers, tokens, d.status())
    };
    let (game_tx, mut games) = tokio::sync::mpsc::channel(1024);
    let (tx, mut rx) = tokio::sync::mpsc::channel(8192);
    let mut tasks = Vec::new();
    let stream_cfg = crossbook_net::ws::StreamConfig::default();
    if !tickers.is_empty() && venues.kalshi_signer.is_none() {
        // Kalshi's order-book channel refuses unauthenticated connections: say so once and
        // leave its books to the REST passes rather than reconnecting forever.
        if status.off(Venue::Kalshi).is_none() {
            tracing::warn!(venue = "kalshi", "{KALSHI_SOCKET_NEEDS_KEY}");
        }
        status.set_off(Venue::Kalshi, KALSHI_SOCKET_NEEDS_KEY);
    } else if !tickers.is_empty() {
        let (url, signer) = (settings.endpoints.kalshi_ws.clone(), venues.kalshi_signer.clone());
        tasks.push(AbortOnDrop(tokio::spawn(crossbook_kalshi::websocket::run_orderbook_stream(
            url,
            signer,
            tickers,
            tx.clone(),
            stream_cfg,
            status.frames[venue_slot(Venue::Kalshi)].clone(),
        ))));
    }
    for chunk in tokens.chunks(crossbook_polymarket::websocket::MAX_ASSETS) {
        let url = settings.endpoints.polymarket_ws.clone();
        tasks.push(AbortOnDrop(tokio::spawn(crossbook_polymarket::websocket::run_market_stream(
            url,
            chunk.to_vec(),
            tx.clone(),
            stream_cfg,
            status.frames[venue_slot(Venue::Polymarket)].clone(),
        ))));
    }
    let url = settings.endpoints.polymarket_sports_ws.clone();
    tasks.push(AbortOnDrop(tokio::spawn(crossbook_polymarket::websocket::run_sports_stream(
        url,
        game_tx,
        stream_cfg,
        status.frames[venue_slot(Venue::Polymarket)].clone(),
    ))));
    drop(tx);
    tasks.push(AbortOnDrop(tokio::spawn(async move {
        let mut save = tokio::time::interval(std::time::Duration::from_secs(5));
        let mut stale = tokio::time::interval(std::time::Duration::from_secs(1));
        loop {
            tokio::select! {
                g = games.recv() => {
                    let Some(state) = g.and_then(|g| crate::game::GameState::of(g, clock.now())) else { continue };
                    lock(&desk).on_game(state);
                }
                e = rx.recv() => {
                    let Some(e) = e else { return };
                    status.latencies.frame_backlog.observe(rx.len() as f64);
                    let taken = std::time::Instant::now();
                    lock(&desk).on_event(&e, clock.now());
                    status.latencies.frame_decision.observe(taken.elapsed().as_secs_f64());
                }
                _ = save.tick() => lock(&desk).save_books(),
                _ = stale.tick() => { lock(&desk).close_stale(clock.now()); }
            }
        }
    })));
    tasks
}

/// The shared state `run` hands to the HTTP server.
#[derive(Debug, Clone)]
pub struct RuntimeState {
    pub streams: Arc<StreamStatus>,
    pub writer: crate::writer::Writer,
    /// The process's desk (a person's decision reloads its links at once).
    pub desk: SharedDesk,
    /// What is wrong with the process now (the watchdog keeps it).
    pub conditions: crate::watchdog::Conditions,
    /// Requests, 429s and book ages over the last day (the watchdog records them).
    pub ops: crate::ops_history::OpsHistory,
}
