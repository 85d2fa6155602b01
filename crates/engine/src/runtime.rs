//! The quote runtime: the venues' sockets for every watched book feeding the desk, and the state
//! of those sockets (frames, resets, outages) that health and metrics read — handed to them, not
//! kept in process-wide statics.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Utc};
use crossbook_model::{PerVenue, Venue};
use prometheus_client::metrics::counter::Counter;

use crossbook_net::session::Pool;

use crate::desk::{SharedDesk, lock};
use crate::{Clock, Settings, Venues};

/// The sockets' state in this process, and the latencies of the decisions they feed.
#[derive(Debug, Default)]
pub struct StreamStatus {
    /// The decision path's latency histograms.
    pub latencies: crate::metrics::Latencies,
    /// Book frames received.
    pub quote_updates: Counter,
    /// Socket resets (drops, sequence gaps, silence).
    pub(crate) resets: PerVenue<Counter>,
    /// Since when each venue's socket has been down, Unix milliseconds (0: up, or not started).
    down_since: PerVenue<AtomicI64>,
    /// Why a venue's socket is not run at all (its books then come from REST polling).
    off: std::sync::Mutex<PerVenue<Option<&'static str>>>,
    /// What each venue's sockets read and did not turn into changes: message types skipped by
    /// name, frames that could not be read (Polymarket's count its live-scores socket too).
    pub frames: PerVenue<Arc<crossbook_net::ws::FrameCounts>>,
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
        self.down_since[venue].store(0, Ordering::Relaxed);
    }

    /// `venue`'s socket was reset at `now`: down until its next book frame.
    pub fn reset(&self, venue: Venue, now: DateTime<Utc>) {
        self.resets[venue].inc();
        let _ =
            self.down_since[venue].compare_exchange(0, now.timestamp_millis(), Ordering::Relaxed, Ordering::Relaxed);
    }

    /// `venue`'s socket is not run, for `reason`.
    pub fn set_off(&self, venue: Venue, reason: &'static str) {
        self.off.lock().unwrap_or_else(|p| p.into_inner())[venue] = Some(reason);
    }

    /// Why `venue`'s socket is not run, if it is not.
    pub fn off(&self, venue: Venue) -> Option<&'static str> {
        self.off.lock().unwrap_or_else(|p| p.into_inner())[venue]
    }

    pub fn resets(&self, venue: Venue) -> u64 {
        self.resets[venue].get()
    }

    /// The venues whose socket is down at `now`, with how long it has been down.
    pub fn outages(&self, now: DateTime<Utc>) -> Vec<(Venue, chrono::Duration)> {
        Venue::ALL
            .into_iter()
            .filter_map(|v| match self.down_since[v].load(Ordering::Relaxed) {
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

/// The venues' sockets for every book the desk watches, each frame applied and decided on at
/// once; the live books go to the writer every few seconds for freshness. [`Streams::follow`]
/// moves the sockets to the desk's watched books in place: books still watched keep their
/// socket and subscription. Dropping it stops them.
#[derive(Debug)]
pub struct Streams {
    desk: SharedDesk,
    status: Arc<StreamStatus>,
    /// Kalshi's sockets, when they can run (its order-book channel needs a key).
    kalshi: Option<Pool<crossbook_kalshi::websocket::BookStream>>,
    polymarket: Pool<crossbook_polymarket::websocket::MarketStream>,
    _tasks: Vec<AbortOnDrop>,
}

impl Streams {
    /// Opens the sockets for the desk's watched books.
    pub fn start(settings: &Settings, venues: &Venues, desk: SharedDesk, clock: Clock) -> Self {
        let status = lock(&desk).status();
        let (game_tx, mut games) = tokio::sync::mpsc::channel(1024);
        let (tx, mut rx) = tokio::sync::mpsc::channel(8192);
        let cfg = crossbook_net::ws::StreamConfig::default();
        let kalshi = venues.kalshi_signer.clone().map(|signer| {
            Pool::new(
                settings.endpoints.kalshi_ws.clone(),
                cfg,
                status.frames[Venue::Kalshi].clone(),
                tx.clone(),
                usize::MAX,
                move |tickers| crossbook_kalshi::websocket::BookStream::new(Some(signer.clone()), tickers),
            )
        });
        let polymarket = Pool::new(
            settings.endpoints.polymarket_ws.clone(),
            cfg,
            status.frames[Venue::Polymarket].clone(),
            tx,
            crossbook_polymarket::websocket::MAX_ASSETS,
            crossbook_polymarket::websocket::MarketStream::new,
        );
        let sports = AbortOnDrop(tokio::spawn(crossbook_polymarket::websocket::run_sports_stream(
            settings.endpoints.polymarket_sports_ws.clone(),
            game_tx,
            cfg,
            status.frames[Venue::Polymarket].clone(),
        )));
        let (d, st) = (desk.clone(), status.clone());
        let decide = AbortOnDrop(tokio::spawn(async move {
            let mut save = tokio::time::interval(std::time::Duration::from_secs(5));
            let mut stale = tokio::time::interval(std::time::Duration::from_secs(1));
            loop {
                tokio::select! {
                    g = games.recv() => {
                        let Some(state) = g.and_then(|g| crate::game::GameState::of(g, clock.now())) else { continue };
                        lock(&d).on_game(state);
                    }
                    e = rx.recv() => {
                        let Some(e) = e else { return };
                        st.latencies.frame_backlog.observe(rx.len() as f64);
                        let taken = std::time::Instant::now();
                        lock(&d).on_event(&e, clock.now());
                        st.latencies.frame_decision.observe(taken.elapsed().as_secs_f64());
                    }
                    _ = save.tick() => lock(&d).save_books(),
                    _ = stale.tick() => { lock(&d).close_stale(clock.now()); }
                }
            }
        }));
        let mut streams = Self { desk, status, kalshi, polymarket, _tasks: vec![sports, decide] };
        streams.follow();
        streams
    }

    /// Subscribes the sockets to the books the desk watches now, in place.
    pub fn follow(&mut self) {
        let (tickers, tokens) = lock(&self.desk).links().books_of(None);
        match &mut self.kalshi {
            Some(pool) => pool.set(&tickers.into_iter().collect()),
            // Kalshi's order-book channel refuses unauthenticated connections: say so once and
            // leave its books to the REST passes rather than reconnecting forever.
            None if !tickers.is_empty() => {
                if self.status.off(Venue::Kalshi).is_none() {
                    tracing::warn!(venue = "kalshi", "{KALSHI_SOCKET_NEEDS_KEY}");
                }
                self.status.set_off(Venue::Kalshi, KALSHI_SOCKET_NEEDS_KEY);
            }
            None => {}
        }
        self.polymarket.set(&tokens.into_iter().collect());
    }

    /// How many sockets are open for books, per venue.
    pub fn sessions(&self, venue: Venue) -> usize {
        match venue {
            Venue::Kalshi => self.kalshi.as_ref().map_or(0, Pool::sessions),
            Venue::Polymarket => self.polymarket.sessions(),
        }
    }
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
