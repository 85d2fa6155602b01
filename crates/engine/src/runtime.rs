//! The quote runtime: the venues' sockets for every watched book feeding the desk (their state
//! is kept in [`crate::stream_status`]).

use std::collections::BTreeMap;
use std::sync::Arc;

use crossbook_model::Venue;
use crossbook_net::session::{Pool, Subscriptions};

use crate::desk::{SharedDesk, lock};
use crate::stream_status::{KALSHI_SOCKET_NEEDS_KEY, StreamStatus};
use crate::{Clock, Settings, Venues};

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
    /// Each venue's book sockets.
    sockets: BTreeMap<Venue, Box<dyn Subscriptions>>,
    /// Why a venue's book sockets are not run (its books then come from REST polling).
    off: BTreeMap<Venue, &'static str>,
    _tasks: Vec<AbortOnDrop>,
}

impl Streams {
    /// Opens the sockets for the desk's watched books.
    pub fn start(settings: &Settings, venues: &Venues, desk: SharedDesk, clock: Clock) -> Self {
        let status = lock(&desk).status();
        let (game_tx, mut games) = tokio::sync::mpsc::channel(1024);
        let (tx, mut rx) = tokio::sync::mpsc::channel(8192);
        let cfg = crossbook_net::ws::StreamConfig::default();
        let mut sockets: BTreeMap<Venue, Box<dyn Subscriptions>> = BTreeMap::new();
        let mut off = BTreeMap::new();
        // Kalshi's order-book channel refuses unauthenticated connections.
        match venues.kalshi_signer.clone() {
            Some(signer) => {
                let pool = Pool::new(
                    settings.endpoints.kalshi_ws.clone(),
                    cfg,
                    status.frames[Venue::Kalshi].clone(),
                    tx.clone(),
                    usize::MAX,
                    move |tickers| crossbook_kalshi::websocket::BookStream::new(Some(signer.clone()), tickers),
                );
                sockets.insert(Venue::Kalshi, Box::new(pool));
            }
            None => {
                off.insert(Venue::Kalshi, KALSHI_SOCKET_NEEDS_KEY);
            }
        }
        let pool = Pool::new(
            settings.endpoints.polymarket_ws.clone(),
            cfg,
            status.frames[Venue::Polymarket].clone(),
            tx,
            crossbook_polymarket::websocket::MAX_ASSETS,
            crossbook_polymarket::websocket::MarketStream::new,
        );
        sockets.insert(Venue::Polymarket, Box::new(pool));
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
        let mut streams = Self { desk, status, sockets, off, _tasks: vec![sports, decide] };
        streams.follow();
        streams
    }

    /// Subscribes the sockets to the books the desk watches now, in place.
    pub fn follow(&mut self) {
        let all = lock(&self.desk).links().books_of(None);
        for (venue, books) in all.iter().map(|(v, b)| (v, b.clone())) {
            if let Some(sockets) = self.sockets.get_mut(&venue) {
                sockets.set(&books.into_iter().collect());
            } else if let Some(reason) = self.off.get(&venue).filter(|_| !books.is_empty()) {
                // Said once, and the books left to the REST passes rather than reconnecting
                // forever.
                if self.status.off(venue).is_none() {
                    tracing::warn!(venue = venue.as_str(), "{reason}");
                }
                self.status.set_off(venue, reason);
            }
        }
    }

    /// How many sockets are open for books, per venue.
    pub fn sessions(&self, venue: Venue) -> usize {
        self.sockets.get(&venue).map_or(0, |s| s.sessions())
    }
}
