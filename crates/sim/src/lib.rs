//! The venue simulator: serves a capture over loopback as Kalshi and Polymarket would — their
//! paths, shapes, pagination, Kalshi's request signing, their published rate limits (429 with
//! `Retry-After`) — and injects seeded faults on request. Tests, the demo and the benchmarks
//! talk to it; nothing reaches a real host.
#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

/// Changing books and telling the sockets.
pub mod books;
/// Capture directories.
pub mod capture;
/// CLOB routes.
mod clob_api;
/// Fault injection.
pub mod faults;
/// Gamma routes.
mod gamma_api;
/// Synthetic captures for benchmarks.
pub mod generate;
/// Kalshi REST routes.
mod kalshi_api;
/// Kalshi's order side.
mod kalshi_orders;
/// Moving prices.
mod mover;
/// A loopback TCP proxy that can be cut or slowed.
pub mod proxy;
/// Recorded socket frames: written by `record`, replayed by `sim --replay`.
pub mod replay;
/// Kalshi's two payload schemas.
pub mod schema;
/// Polymarket US.
mod us_api;
/// The venues' sockets.
mod ws;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use crossbook_kalshi::KalshiVerifier;
use crossbook_net::TokenBucket;
use tokio::sync::RwLock;

pub use capture::{Capture, CaptureError};
pub use faults::{Fault, FaultPlan, Faults};
pub use gamma_api::PolySchema;
pub use schema::KalshiSchema;

/// How the simulator behaves.
#[derive(Debug, Clone, Default)]
pub struct SimConfig {
    pub faults: Faults,
    pub seed: u64,
    pub kalshi_schema: KalshiSchema,
    /// How Gamma's markets name their tokens (`clobTokenIds`, or V2's `positionIds`).
    pub polymarket_schema: PolySchema,
    /// The NO side's price convention of a Kalshi book subscription that does not state
    /// `use_yes_price` (`true`: YES prices, the default Kalshi announced it would move to).
    pub kalshi_yes_price_default: bool,
    /// When set, every Kalshi request must be signed by this key (401 otherwise).
    pub kalshi_verifier: Option<KalshiVerifier>,
    /// Do not enforce the venues' published limits.
    pub unlimited: bool,
    /// Move one book this often (seeded by `seed`); `None` keeps prices still.
    pub move_every: Option<std::time::Duration>,
    /// Serve drifted payloads (for `venues check`): a field Kalshi markets never had and one they
    /// always have left out, Gamma's keyset listings refused (404), a new Gamma market field,
    /// socket message types crossbook does not know, a live-scores field never seen.
    pub drift: bool,
    /// Recorded socket frames to replay, and how fast.
    pub replay: Option<(Vec<replay::Frame>, replay::Speed)>,
    /// How long the answer of an order hit by the `order_timeout` fault is held (default 3 s).
    pub order_answer_delay: Option<Duration>,
    /// The Kalshi account's starting balance in millionths of a dollar (default $10,000).
    pub kalshi_balance: Option<i64>,
}

/// Counters, served at `/sim/stats`.
#[derive(Debug, Default)]
pub struct SimStats {
    pub kalshi_requests: AtomicU64,
    pub gamma_requests: AtomicU64,
    pub clob_requests: AtomicU64,
    pub us_requests: AtomicU64,
    /// 429s because a limit was exceeded.
    pub limited: AtomicU64,
    /// Faults injected, by kind.
    pub injected_429: AtomicU64,
    pub injected_5xx: AtomicU64,
    pub injected_slow: AtomicU64,
    pub injected_malformed: AtomicU64,
    pub unauthorized: AtomicU64,
    /// Book sockets opened (upgrades accepted): a subscription changed in place opens none.
    pub kalshi_sockets: AtomicU64,
    pub poly_sockets: AtomicU64,
    /// Kalshi orders taken, and those whose answer was held back (`order_timeout`).
    pub kalshi_orders: AtomicU64,
    pub injected_order_timeouts: AtomicU64,
    /// Recorded frames replayed so far, of how many.
    pub replayed: AtomicU64,
    pub replay_total: AtomicU64,
}

impl SimStats {
    pub fn snapshot(&self) -> serde_json::Value {
        let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
        serde_json::json!({
            "requests": {"kalshi": g(&self.kalshi_requests), "gamma": g(&self.gamma_requests), "clob": g(&self.clob_requests),
                         "polymarket_us": g(&self.us_requests)},
            "limited": g(&self.limited),
            "injected": {"429": g(&self.injected_429), "5xx": g(&self.injected_5xx), "slow": g(&self.injected_slow),
                         "malformed": g(&self.injected_malformed)},
            "unauthorized": g(&self.unauthorized),
            "sockets": {"kalshi": g(&self.kalshi_sockets), "polymarket": g(&self.poly_sockets)},
            "replay": {"done": g(&self.replayed), "total": g(&self.replay_total)},
            "orders": {"kalshi": g(&self.kalshi_orders), "answers_held": g(&self.injected_order_timeouts)},
        })
    }
}

/// Every book the simulator serves now: `{"kalshi": {ticker: book}, "polymarket": {token: book},
/// "polymarket_us": {slug: book}}`.
async fn served_books(State(s): State<Arc<SimState>>) -> axum::Json<serde_json::Value> {
    let kalshi = serde_json::to_value(&s.kalshi.read().await.books).unwrap_or_default();
    let poly = serde_json::to_value(&*s.clob.read().await).unwrap_or_default();
    let us = serde_json::to_value(&s.us.read().await.books).unwrap_or_default();
    axum::Json(serde_json::json!({"kalshi": kalshi, "polymarket": poly, "polymarket_us": us}))
}

/// The venues' limits, as token buckets checked without waiting.
#[derive(Debug)]
struct Limits {
    kalshi_read: TokenBucket,
    /// Kalshi's order writes (Basic tier: 10 a second).
    kalshi_write: TokenBucket,
    gamma: TokenBucket,
    gamma_events: TokenBucket,
    gamma_markets: TokenBucket,
    gamma_listing: TokenBucket,
    clob: TokenBucket,
    clob_book: TokenBucket,
    clob_books: TokenBucket,
    /// Polymarket US: 20 requests a second.
    us: TokenBucket,
}

impl Limits {
    fn published() -> Self {
        let ten = Duration::from_secs(10);
        Self {
            kalshi_read: TokenBucket::new(
                "kalshi-read",
                crossbook_kalshi::http::client::READ_BURST,
                crossbook_kalshi::http::client::READS_PER_SEC,
            ),
            kalshi_write: TokenBucket::new("kalshi-write", 10.0, 10.0),
            gamma: TokenBucket::per_window("gamma", 4000, ten, 4000),
            gamma_events: TokenBucket::per_window("gamma-events", 500, ten, 500),
            gamma_markets: TokenBucket::per_window("gamma-markets", 300, ten, 300),
            gamma_listing: TokenBucket::per_window("gamma-listing", 900, ten, 900),
            clob: TokenBucket::per_window("clob", 9000, ten, 9000),
            clob_book: TokenBucket::per_window("clob-book", 1500, ten, 1500),
            clob_books: TokenBucket::per_window("clob-books", 500, ten, 500),
            us: TokenBucket::per_window("polymarket_us", 20, Duration::from_secs(1), 20),
        }
    }

    /// The buckets a request path draws from.
    fn for_path(&self, path: &str) -> Vec<&TokenBucket> {
        if path.starts_with("/trade-api/v2/portfolio/events/orders") {
            vec![&self.kalshi_write]
        } else if path.starts_with("/trade-api/v2") {
            vec![&self.kalshi_read]
        } else if path.starts_with("/polymarket_us") {
            vec![&self.us]
        } else if path.starts_with("/gamma/events") {
            vec![&self.gamma, &self.gamma_events, &self.gamma_listing]
        } else if path.starts_with("/gamma/markets") {
            vec![&self.gamma, &self.gamma_markets, &self.gamma_listing]
        } else if path.starts_with("/gamma") {
            vec![&self.gamma]
        } else if path.starts_with("/clob/books") {
            vec![&self.clob, &self.clob_books]
        } else if path.starts_with("/clob/book") {
            vec![&self.clob, &self.clob_book]
        } else if path.starts_with("/clob") {
            vec![&self.clob]
        } else {
            Vec::new()
        }
    }
}

/// Shared state of a running simulator.
#[derive(Debug)]
pub struct SimState {
    config: SimConfig,
    kalshi: RwLock<kalshi_api::KalshiData>,
    /// The Kalshi account the order side trades.
    kalshi_ledger: tokio::sync::Mutex<kalshi_orders::Ledger>,
    gamma: RwLock<gamma_api::GammaData>,
    clob: RwLock<clob_api::ClobData>,
    us: RwLock<us_api::UsData>,
    limits: Limits,
    pub faults: FaultPlan,
    pub stats: SimStats,
    /// Book changes, for the sockets.
    events: tokio::sync::broadcast::Sender<books::SimEvent>,
    /// Drops every open socket.
    ws_drop: tokio::sync::broadcast::Sender<()>,
    /// Makes the next Kalshi delta skip a sequence number.
    gap_next: std::sync::atomic::AtomicBool,
    /// Until when socket upgrades are refused (an outage of the venue's socket service).
    ws_down_until: std::sync::Mutex<Option<std::time::Instant>>,
    /// Game results for the sports socket.
    scores: tokio::sync::broadcast::Sender<serde_json::Value>,
}

impl SimState {
    /// Drops every open socket (clients must reconnect and resubscribe).
    pub fn drop_sockets(&self) {
        let _ = self.ws_drop.send(());
    }

    /// Drops every open socket and refuses new ones (HTTP 503) for `d`.
    pub fn sockets_down_for(&self, d: Duration) {
        *self.ws_down_until.lock().unwrap_or_else(|p| p.into_inner()) = Some(std::time::Instant::now() + d);
        self.drop_sockets();
    }

    /// Whether socket upgrades are being refused now.
    pub(crate) fn sockets_down(&self) -> bool {
        self.ws_down_until.lock().unwrap_or_else(|p| p.into_inner()).is_some_and(|t| std::time::Instant::now() < t)
    }

    /// Makes the next Kalshi delta skip a sequence number.
    pub fn gap_next_delta(&self) {
        self.gap_next.store(true, Ordering::Relaxed);
    }

    /// Broadcasts a `sport_result` on the sports socket (as Polymarket's does).
    pub fn send_score(&self, result: serde_json::Value) {
        let _ = self.scores.send(result);
    }

    /// Sets one level of a book (as the venue's own matching would) and tells the sockets.
    pub async fn set_level(
        &self,
        venue: crossbook_model::Venue,
        book: &str,
        side: &str,
        price: crossbook_model::Price,
        size: crossbook_model::Qty,
    ) {
        let event = match venue {
            crossbook_model::Venue::Kalshi => books::set_kalshi(self, book, side == "yes", price, size).await,
            crossbook_model::Venue::Polymarket => books::set_poly(self, book, side == "bid", price, size).await,
            // Its books are served over REST only: nothing to announce.
            crossbook_model::Venue::PolymarketUs => {
                self.us.write().await.set_level(book, side == "bid", price, size);
                return;
            }
        };
        books::apply(self, event).await;
    }

    /// Sets a Kalshi market's response status (`inactive` pauses it, `active` reopens it,
    /// `determined`, `finalized`) and announces it on the lifecycle channel; false when the
    /// market is unknown.
    pub async fn set_kalshi_status(&self, ticker: &str, status: &str) -> bool {
        if !self.kalshi.write().await.set_status(ticker, status) {
            return false;
        }
        if let Some(event_type) = books::lifecycle_event(status) {
            let _ = self.events.send(books::SimEvent::KalshiLifecycle { ticker: ticker.to_string(), event_type });
        }
        true
    }

    /// Sets (both `None`: clears) a Kalshi event's fee override, in REST and on the lifecycle
    /// channel (`event_fee_update`); false when the event is unknown.
    pub async fn set_kalshi_fee_override(
        &self,
        event: &str,
        fee_type: Option<&str>,
        multiplier: Option<serde_json::Number>,
    ) -> bool {
        if !self.kalshi.write().await.set_fee_override(event, fee_type, multiplier.clone()) {
            return false;
        }
        let _ = self.events.send(books::SimEvent::KalshiFees {
            event_ticker: event.to_string(),
            fee_type: fee_type.map(str::to_string),
            multiplier,
        });
        true
    }

    /// Sets fields of a Gamma market (`acceptingOrders`, `closed`, `umaResolutionStatus`, …),
    /// which the venue announces on no socket; false when the market is unknown.
    pub async fn set_poly_market(&self, id: &str, fields: &serde_json::Map<String, serde_json::Value>) -> bool {
        self.gamma.write().await.set_market_fields(id, fields).is_some()
    }

    /// Resolves a Gamma market (outcome `winner` wins): resolved, closed, no longer accepting
    /// orders, and `market_resolved` on the market socket; false when the market is unknown.
    pub async fn resolve_poly(&self, id: &str, winner: Option<usize>) -> bool {
        let mut fields = serde_json::Map::new();
        fields.insert("umaResolutionStatus".into(), "resolved".into());
        fields.insert("closed".into(), true.into());
        fields.insert("acceptingOrders".into(), false.into());
        let Some((market, tokens)) = self.gamma.write().await.set_market_fields(id, &fields) else { return false };
        let winner = winner.and_then(|w| tokens.get(w).cloned());
        let _ = self.events.send(books::SimEvent::PolyResolved { id: id.to_string(), market, tokens, winner });
        true
    }

    /// Changes a Polymarket market's tick size (as the venue does near the price extremes);
    /// the market socket announces it with `tick_size_change`.
    pub async fn set_tick(&self, token: &str, tick: crossbook_model::Price) {
        let event = books::set_poly_tick(self, token, tick).await;
        books::apply(self, event).await;
    }
}

/// A running simulator.
#[derive(Debug)]
pub struct SimHandle {
    pub addr: SocketAddr,
    pub state: Arc<SimState>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl SimHandle {
    /// Replays recorded frames from now, at `speed` (as `--replay` does from the start).
    pub fn replay(&self, frames: Vec<replay::Frame>, speed: replay::Speed) {
        replay::spawn(self.state.clone(), frames, speed);
    }

    /// The endpoint settings pointing at this simulator, as `NAME=value` lines: the contract's
    /// five, then the sports socket and Polymarket US.
    pub fn env_lines(&self) -> Vec<(String, String)> {
        let a = self.addr;
        vec![
            ("KALSHI_API_URL".into(), format!("http://{a}/trade-api/v2")),
            ("KALSHI_WS_URL".into(), format!("ws://{a}/trade-api/ws/v2")),
            ("POLYMARKET_GAMMA_URL".into(), format!("http://{a}/gamma")),
            ("POLYMARKET_CLOB_URL".into(), format!("http://{a}/clob")),
            ("POLYMARKET_WS_URL".into(), format!("ws://{a}/clob/ws/market")),
            ("POLYMARKET_SPORTS_WS_URL".into(), format!("ws://{a}/sports/ws")),
            ("POLYMARKET_US_API_URL".into(), format!("http://{a}/polymarket_us/v1")),
        ]
    }

    /// Stops serving and waits for the server task.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }
}

/// Starts serving `capture` on `bind` (port 0 picks a free port).
pub async fn start(capture: &Capture, config: SimConfig, bind: SocketAddr) -> std::io::Result<SimHandle> {
    let state = Arc::new(SimState {
        kalshi: RwLock::new(kalshi_api::KalshiData::new(capture)),
        kalshi_ledger: tokio::sync::Mutex::new(kalshi_orders::Ledger::new(
            config.kalshi_balance.unwrap_or(10_000_000_000),
        )),
        gamma: RwLock::new(gamma_api::GammaData::new(capture)),
        clob: RwLock::new(capture.poly_books.clone()),
        us: RwLock::new(us_api::UsData::new(capture)),
        limits: Limits::published(),
        faults: FaultPlan::new(config.faults, config.seed),
        stats: SimStats::default(),
        events: tokio::sync::broadcast::channel(4096).0,
        ws_drop: tokio::sync::broadcast::channel(4).0,
        gap_next: std::sync::atomic::AtomicBool::new(false),
        ws_down_until: std::sync::Mutex::new(None),
        scores: tokio::sync::broadcast::channel(256).0,
        config,
    });
    let kalshi = Router::new()
        .route("/series", get(kalshi_api::series))
        .route("/events", get(kalshi_api::events))
        .route("/events/{ticker}", get(kalshi_api::event))
        .route("/markets", get(kalshi_api::markets))
        .route("/markets/orderbooks", get(kalshi_api::orderbooks))
        .route("/markets/{ticker}", get(kalshi_api::market))
        .route("/markets/{ticker}/orderbook", get(kalshi_api::orderbook))
        .route("/portfolio/events/orders", post(kalshi_orders::create))
        .route("/portfolio/orders", get(kalshi_orders::orders).post(kalshi_orders::legacy))
        .route("/portfolio/fills", get(kalshi_orders::fills))
        .route("/portfolio/balance", get(kalshi_orders::balance))
        .route("/portfolio/positions", get(kalshi_orders::positions))
        .layer(middleware::from_fn_with_state(state.clone(), kalshi_auth));
    let gamma = Router::new()
        .route("/events/keyset", get(gamma_api::events_keyset))
        .route("/markets/keyset", get(gamma_api::markets_keyset))
        .route("/events", get(gamma_api::events))
        .route("/events/{id}", get(gamma_api::event))
        .route("/markets", get(gamma_api::markets))
        .route("/sports", get(gamma_api::sports))
        .route("/teams", get(gamma_api::teams))
        .route("/tags", get(gamma_api::tags));
    let clob = Router::new()
        .route("/book", get(clob_api::book))
        .route("/books", post(clob_api::books))
        .route("/price", get(clob_api::price));
    let polymarket_us =
        Router::new().route("/v1/events", get(us_api::events)).route("/v1/markets/{slug}/book", get(us_api::book));
    let venues = Router::new()
        .nest("/trade-api/v2", kalshi)
        .nest("/gamma", gamma)
        .nest("/clob", clob)
        .nest("/polymarket_us", polymarket_us)
        .layer(middleware::from_fn_with_state(state.clone(), venue_gate));
    let app = venues
        .route("/sim/stats", get(|State(s): State<Arc<SimState>>| async move { axum::Json(s.stats.snapshot()) }))
        .route("/sim/books", get(served_books))
        .route("/sim/faults", post(set_faults))
        .route("/sim/move", post(move_level))
        .route("/sim/kalshi/status", post(kalshi_status))
        .route("/sim/kalshi/fee-override", post(kalshi_fee_override))
        .route("/sim/polymarket/market", post(poly_market))
        .route("/sim/polymarket/resolve", post(poly_resolve))
        .route(
            "/sim/ws-drop",
            post(|State(s): State<Arc<SimState>>| async move {
                s.drop_sockets();
                StatusCode::NO_CONTENT
            }),
        )
        .route("/sim/ws-down", post(sockets_down))
        .route(
            "/sim/ws-gap",
            post(|State(s): State<Arc<SimState>>| async move {
                s.gap_next_delta();
                StatusCode::NO_CONTENT
            }),
        )
        .route("/trade-api/ws/v2", get(ws::kalshi))
        .route("/clob/ws/market", get(ws::poly))
        .route("/sports/ws", get(ws::sports))
        .route(
            "/sim/score",
            post(|State(s): State<Arc<SimState>>, axum::Json(v): axum::Json<serde_json::Value>| async move {
                s.send_score(v);
                StatusCode::NO_CONTENT
            }),
        )
        .with_state(state.clone());
    if let Some(every) = state.config.move_every {
        mover::spawn(state.clone(), every, state.config.seed);
    }
    if let Some((frames, speed)) = state.config.replay.clone() {
        replay::spawn(state.clone(), frames, speed);
    }
    let listener = tokio::net::TcpListener::bind(bind).await?;
    let addr = listener.local_addr()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let serve = axum::serve(listener, app).with_graceful_shutdown(async {
            let _ = rx.await;
        });
        if let Err(e) = serve.await {
            tracing::error!(error = %e, "simulator stopped");
        }
    });
    Ok(SimHandle { addr, state, shutdown: Some(tx), task })
}

/// `POST /sim/move` with `{"venue", "book", "side": "yes|no|bid|ask", "price", "size"}`.
async fn move_level(State(s): State<Arc<SimState>>, axum::Json(v): axum::Json<serde_json::Value>) -> Response {
    let parsed = (|| {
        let venue: crossbook_model::Venue = v["venue"].as_str()?.parse().ok()?;
        Some((
            venue,
            v["book"].as_str()?.to_string(),
            v["side"].as_str()?.to_string(),
            v["price"].as_str()?.parse().ok()?,
            v["size"].as_str()?.parse().ok()?,
        ))
    })();
    match parsed {
        Some((venue, book, side, price, size)) => {
            s.set_level(venue, &book, &side, price, size).await;
            StatusCode::NO_CONTENT.into_response()
        }
        None => (StatusCode::BAD_REQUEST, "expected venue, book, side, price, size").into_response(),
    }
}

fn unknown(what: &str) -> Response {
    (StatusCode::NOT_FOUND, format!("unknown {what}")).into_response()
}

/// `POST /sim/kalshi/status` with `{"ticker", "status"}` (a response status such as `inactive`).
async fn kalshi_status(State(s): State<Arc<SimState>>, axum::Json(v): axum::Json<serde_json::Value>) -> Response {
    let (Some(ticker), Some(status)) = (v["ticker"].as_str(), v["status"].as_str()) else {
        return (StatusCode::BAD_REQUEST, "expected ticker, status").into_response();
    };
    if s.set_kalshi_status(ticker, status).await { StatusCode::NO_CONTENT.into_response() } else { unknown("ticker") }
}

/// `POST /sim/kalshi/fee-override` with `{"event_ticker", "fee_type_override",
/// "fee_multiplier_override"}` (both null: cleared).
async fn kalshi_fee_override(State(s): State<Arc<SimState>>, axum::Json(v): axum::Json<serde_json::Value>) -> Response {
    let Some(event) = v["event_ticker"].as_str() else {
        return (StatusCode::BAD_REQUEST, "expected event_ticker").into_response();
    };
    let multiplier = v["fee_multiplier_override"].as_number().cloned();
    if s.set_kalshi_fee_override(event, v["fee_type_override"].as_str(), multiplier).await {
        StatusCode::NO_CONTENT.into_response()
    } else {
        unknown("event")
    }
}

/// `POST /sim/polymarket/market` with `{"id", "fields": {…}}`.
async fn poly_market(State(s): State<Arc<SimState>>, axum::Json(v): axum::Json<serde_json::Value>) -> Response {
    let (Some(id), Some(fields)) = (v["id"].as_str(), v["fields"].as_object()) else {
        return (StatusCode::BAD_REQUEST, "expected id, fields").into_response();
    };
    if s.set_poly_market(id, fields).await { StatusCode::NO_CONTENT.into_response() } else { unknown("market") }
}

/// `POST /sim/polymarket/resolve` with `{"id", "winner": outcome index}`.
async fn poly_resolve(State(s): State<Arc<SimState>>, axum::Json(v): axum::Json<serde_json::Value>) -> Response {
    let Some(id) = v["id"].as_str() else {
        return (StatusCode::BAD_REQUEST, "expected id").into_response();
    };
    let winner = v["winner"].as_u64().map(|w| w as usize);
    if s.resolve_poly(id, winner).await { StatusCode::NO_CONTENT.into_response() } else { unknown("market") }
}

/// `POST /sim/ws-down` with a body of seconds: every socket drops and reconnections are refused
/// for that long.
async fn sockets_down(State(s): State<Arc<SimState>>, body: String) -> Response {
    match body.trim().parse::<u64>() {
        Ok(secs) if secs <= 3600 => {
            s.sockets_down_for(Duration::from_secs(secs));
            StatusCode::NO_CONTENT.into_response()
        }
        _ => (StatusCode::BAD_REQUEST, "expected a number of seconds, at most 3600").into_response(),
    }
}

/// `POST /sim/faults` with a body like `429=0.2,5xx=0.1`.
async fn set_faults(State(s): State<Arc<SimState>>, body: String) -> Response {
    match body.parse::<Faults>() {
        Ok(f) => {
            s.faults.set(f);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => (StatusCode::BAD_REQUEST, e).into_response(),
    }
}

fn too_many(wait: Duration) -> Response {
    let secs = wait.as_secs_f64().ceil().max(1.0) as u64;
    let mut r = kalshi_api::error(StatusCode::TOO_MANY_REQUESTS, "too_many_requests", "rate limit exceeded");
    r.headers_mut().insert("retry-after", HeaderValue::from(secs));
    r
}

/// Counts the request, enforces the venue's limits, then applies a drawn fault.
async fn venue_gate(State(s): State<Arc<SimState>>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let counter = if path.starts_with("/trade-api") {
        &s.stats.kalshi_requests
    } else if path.starts_with("/gamma") {
        &s.stats.gamma_requests
    } else if path.starts_with("/polymarket_us") {
        &s.stats.us_requests
    } else {
        &s.stats.clob_requests
    };
    counter.fetch_add(1, Ordering::Relaxed);
    if !s.config.unlimited {
        for bucket in s.limits.for_path(&path) {
            if let Err(wait) = bucket.try_acquire(1.0) {
                s.stats.limited.fetch_add(1, Ordering::Relaxed);
                return too_many(wait);
            }
        }
    }
    match s.faults.draw() {
        Fault::None => next.run(req).await,
        Fault::RateLimit => {
            s.stats.injected_429.fetch_add(1, Ordering::Relaxed);
            too_many(Duration::from_secs(1))
        }
        Fault::ServerError => {
            s.stats.injected_5xx.fetch_add(1, Ordering::Relaxed);
            (StatusCode::SERVICE_UNAVAILABLE, "upstream unavailable").into_response()
        }
        Fault::Slow(d) => {
            s.stats.injected_slow.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(d).await;
            next.run(req).await
        }
        Fault::Malformed => {
            s.stats.injected_malformed.fetch_add(1, Ordering::Relaxed);
            let resp = next.run(req).await;
            let (parts, body) = resp.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
            let cut = bytes.slice(0..bytes.len() / 2);
            let mut resp = Response::from_parts(parts, Body::from(cut));
            resp.headers_mut().remove(axum::http::header::CONTENT_LENGTH);
            resp
        }
    }
}

/// Whether the three Kalshi headers sign `timestamp + method + path` freshly.
pub(crate) fn signature_ok(
    verifier: &KalshiVerifier,
    headers: &axum::http::HeaderMap,
    method: &str,
    path: &str,
) -> bool {
    let h = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let (Some(_key), Some(ts), Some(sig)) =
        (h("kalshi-access-key"), h("kalshi-access-timestamp"), h("kalshi-access-signature"))
    else {
        return false;
    };
    let fresh = ts.parse::<i64>().is_ok_and(|t| (chrono::Utc::now().timestamp_millis() - t).abs() < 5 * 60 * 1000);
    fresh && verifier.verify(ts, method, path, sig)
}

/// Checks Kalshi's three headers when a key is configured: the signature over
/// `timestamp + METHOD + path` (path with `/trade-api/v2`, without the query).
async fn kalshi_auth(State(s): State<Arc<SimState>>, req: Request, next: Next) -> Response {
    let ok = match &s.config.kalshi_verifier {
        None => true,
        Some(verifier) => {
            // Nested routers see the path without the prefix; the original URI keeps it.
            let path = req.extensions().get::<axum::extract::OriginalUri>().map_or(req.uri().path(), |u| u.path());
            signature_ok(verifier, req.headers(), req.method().as_str(), path)
        }
    };
    if ok {
        next.run(req).await
    } else {
        s.stats.unauthorized.fetch_add(1, Ordering::Relaxed);
        kalshi_api::error(StatusCode::UNAUTHORIZED, "authentication_error", "invalid or missing signature")
    }
}
