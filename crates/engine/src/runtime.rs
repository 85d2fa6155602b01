//! The quote runtime: the venues' sockets for every watched book feeding the desk (their state
//! is kept in [`crate::stream_status`]).

use std::sync::Arc;

use crossbook_model::Venue;
use crossbook_net::session::Pool;

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
