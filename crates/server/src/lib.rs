//! The HTTP server: `/health`, `/metrics`, the JSON API and the dashboard, served by the binary
//! itself. Bound to loopback by default; bound elsewhere, every change needs the API token
//! (`Authorization: Bearer …`). Request bodies are small and bounded.
#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

/// The API's error type.
mod error;
/// Accepting connections under time and count bounds.
pub mod listen;
/// Prometheus exposition.
pub mod metrics;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use crossbook_engine::Clock;
use crossbook_model::{LinkId, LinkStatus, Venue};
use crossbook_store::{MarketFilter, Store};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

pub use error::ApiError;

/// What the handlers share.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub clock: Clock,
    /// Required for changes unless bound to loopback.
    pub token: Option<SecretString>,
    /// Set by [`serve`] from the bound address (false also when a caller says so).
    pub loopback: bool,
    pub live_threshold: chrono::Duration,
    /// The services of this process (under `run`), shown in health.
    pub services: Option<crossbook_engine::supervisor::Board>,
    /// This process's venue clients (under `run`), for request, 429 and retry counters.
    pub venues: Option<crossbook_engine::Venues>,
    /// This process's sockets and writer (under `run`), for health and metrics.
    pub runtime: Option<crossbook_engine::state::RuntimeState>,
    /// The trader's time zone (`TIME_ZONE`): the dashboard and the report show times in it.
    pub time_zone: chrono_tz::Tz,
    /// The venues this deployment ingests (`VENUES`): health reports each.
    pub venues_enabled: Vec<Venue>,
    /// What the deployment does with opportunities (`EXECUTION_MODE`).
    pub execution_mode: crossbook_model::ExecutionMode,
}

/// The dashboard, told the trader's time zone.
async fn dashboard(State(s): State<AppState>) -> Html<String> {
    Html(DASHBOARD.replace("__TIME_ZONE__", s.time_zone.name()))
}

/// A running server.
#[derive(Debug)]
pub struct ServerHandle {
    pub addr: SocketAddr,
    shutdown: Option<tokio::sync::watch::Sender<bool>>,
    task: tokio::task::JoinHandle<()>,
}

impl ServerHandle {
    /// Stops accepting, lets requests in flight finish.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(true);
        }
        let _ = (&mut self.task).await;
    }
}

const DASHBOARD: &str = include_str!("dashboard.html");

/// The routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(dashboard))
        .route("/health", get(health))
        .route("/metrics", get(metrics_text))
        .route("/api/health", get(health))
        .route("/api/markets", get(markets))
        .route("/api/events", get(events))
        .route("/api/links", get(links))
        .route("/api/links/{id}/confirm", post(confirm))
        .route("/api/links/{id}/reject", post(reject))
        .route("/api/watchlist", get(watchlist))
        .route("/api/opportunities", get(opportunities))
        .route("/api/opportunities/history", get(opportunity_history))
        .route("/api/links/{id}/history", get(link_history))
        .route("/api/ops/history", get(ops_history))
        .route("/report", get(report_page))
        .route("/api/alerts", get(alerts))
        .route("/api/trades", get(trades))
        .route("/api/positions", get(positions))
        .route("/api/execution", get(execution))
        .route("/api/execution/stop", post(execution_stop))
        .route("/api/execution/resume", post(execution_resume))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(refuse_large_bodies))
        .layer(axum::middleware::from_fn_with_state(state.clone(), refuse_cross_origin_changes))
        .layer(axum::middleware::from_fn(listen::bound_request_time))
        .layer(axum::Extension(HealthCache::default()))
        .with_state(state)
}

/// The routes of a process without the web service: its own `/metrics` (venue clients,
/// sockets, writer, latencies — the database's figures are the web process's) and `/health`,
/// for Prometheus to scrape each process.
pub fn process_router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/metrics", get(process_metrics_text))
        .layer(axum::middleware::from_fn(listen::bound_request_time))
        .layer(axum::Extension(HealthCache::default()))
        .with_state(state)
}

/// Largest request body accepted, on every route.
const BODY_LIMIT: usize = 16 * 1024;

/// Refuses a declared body over [`BODY_LIMIT`] before any handler runs (handlers that read
/// bodies are bounded by `DefaultBodyLimit` as well, for bodies sent without a length).
async fn refuse_large_bodies(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > BODY_LIMIT) {
        return (StatusCode::PAYLOAD_TOO_LARGE, Json(json!({"error": "request body too large"}))).into_response();
    }
    next.run(req).await
}

/// Whether `host` (a Host header: name and port) names this machine's loopback.
fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(n, _)| n),
    };
    name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Refuses a change (any method but GET and HEAD) sent by another site's page: its `Origin`
/// must name this server's host, and `Sec-Fetch-Site` (when the browser sends it) must not say
/// cross-site. On a loopback server the Host must be a loopback name too (a page on another
/// site cannot reach it by rebinding a name of its own to 127.0.0.1). Requests without an
/// origin (curl, scripts) go on to the token check.
async fn refuse_cross_origin_changes(
    State(s): State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    use axum::http::Method;
    if req.method() == Method::GET || req.method() == Method::HEAD {
        return next.run(req).await;
    }
    let h = req.headers();
    let host = h.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    if s.loopback && !is_loopback_host(host) {
        return (StatusCode::FORBIDDEN, Json(json!({"error": "changes on a loopback server need a loopback Host"})))
            .into_response();
    }
    let origin_host = h
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(|o| o.split_once("://").map_or(o, |(_, rest)| rest).trim_end_matches('/'));
    let cross_site = h.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site");
    if cross_site || origin_host.is_some_and(|o| o != host) {
        return (StatusCode::FORBIDDEN, Json(json!({"error": "changes from another site's page are refused"})))
            .into_response();
    }
    next.run(req).await
}

/// Binds and serves until stopped.
pub async fn serve(state: AppState, bind: SocketAddr) -> std::io::Result<ServerHandle> {
    serve_with(state, bind, listen::Limits::default()).await
}

/// Binds and serves until stopped, within `limits`.
pub async fn serve_with(state: AppState, bind: SocketAddr, limits: listen::Limits) -> std::io::Result<ServerHandle> {
    let listener = tokio::net::TcpListener::bind(bind).await?;
    let addr = listener.local_addr()?;
    let loopback = state.loopback && addr.ip().is_loopback();
    serve_router(listener, router(AppState { loopback, ..state }), limits)
}

/// Binds and serves [`process_router`] until stopped.
pub async fn serve_process(state: AppState, bind: SocketAddr) -> std::io::Result<ServerHandle> {
    let listener = tokio::net::TcpListener::bind(bind).await?;
    serve_router(listener, process_router(state), listen::Limits::default())
}

fn serve_router(
    listener: tokio::net::TcpListener,
    app: Router,
    limits: listen::Limits,
) -> std::io::Result<ServerHandle> {
    let addr = listener.local_addr()?;
    let (tx, rx) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(listen::serve_connections(listener, app, rx, limits));
    Ok(ServerHandle { addr, shutdown: Some(tx), task })
}

/// How long a venue socket may stay down before health says degraded.
const STREAM_OUTAGE_LIMIT: chrono::Duration = chrono::Duration::seconds(30);

/// The database's part of health is read at most this often, by one request at a time: many
/// clients asking at once, or a busy pool, never make many reads.
const HEALTH_TTL: std::time::Duration = std::time::Duration::from_secs(2);

/// The last database health read, and when it was made.
#[derive(Debug, Clone, Default)]
struct HealthCache(Arc<tokio::sync::Mutex<Option<(std::time::Instant, crossbook_engine::health::HealthReport)>>>);

impl HealthCache {
    /// The cached report while fresh, else a new read (the others wait for it and share it).
    async fn report(&self, s: &AppState) -> crossbook_engine::health::HealthReport {
        let mut cached = self.0.lock().await;
        if let Some((at, r)) = cached.as_ref()
            && at.elapsed() < HEALTH_TTL
        {
            return r.clone();
        }
        let fresh =
            crossbook_engine::health::check(&*s.store, s.clock.now(), s.live_threshold, &s.venues_enabled).await;
        // Under `run`, a read that found no free connection while the writer's writes succeed
        // means a busy pool, not a database down: the last good read stands.
        let writes_ok = s
            .runtime
            .as_ref()
            .is_some_and(|rt| rt.writer.stats.failing_since.load(std::sync::atomic::Ordering::Relaxed) == 0);
        let report = match cached.take() {
            Some((_, last)) if fresh.database == crossbook_engine::health::Level::Down && writes_ok => last,
            _ => fresh,
        };
        *cached = Some((std::time::Instant::now(), report.clone()));
        report
    }
}

async fn health(State(s): State<AppState>, axum::Extension(cache): axum::Extension<HealthCache>) -> Response {
    let mut report = cache.report(&s).await;
    let mut body = serde_json::to_value(&report).unwrap_or(Value::Null);
    if let Some(board) = &s.services {
        if board.degraded() && report.status == crossbook_engine::health::Level::Healthy {
            report.status = crossbook_engine::health::Level::Degraded;
            body["status"] = json!("degraded");
        }
        // Every process's services as their heartbeats say; this process's own until the first
        // heartbeat is in (or when the database cannot be read).
        if report.services.is_empty() {
            body["services"] = serde_json::to_value(board.snapshot()).unwrap_or(Value::Null);
        }
    }
    if let Some(rt) = &s.runtime {
        // Under `run`, a database that is down does not stop detection: the desk decides in
        // memory and alerts, its records wait in the writer. Degraded, not down.
        if report.database == crossbook_engine::health::Level::Down {
            report.status = crossbook_engine::health::Level::Degraded;
            body["status"] = json!("degraded");
        }
        // The database as the writer finds it: answering pings while refusing writes is not
        // healthy.
        let writes_failing = rt.writer.stats.failing_since.load(std::sync::atomic::Ordering::Relaxed) > 0;
        if writes_failing && report.database == crossbook_engine::health::Level::Healthy {
            body["database"] = json!("degraded");
        }
        let mut degrade = |problem: String| {
            match body["problems"].as_array_mut() {
                Some(problems) => problems.push(json!(problem)),
                None => body["problems"] = json!([problem]),
            }
            if report.status == crossbook_engine::health::Level::Healthy {
                report.status = crossbook_engine::health::Level::Degraded;
                body["status"] = json!("degraded");
            }
        };
        // A socket down past the limit leaves quotes to REST polling: degraded, said once per venue.
        let now = s.clock.now();
        let mut streams = serde_json::Map::new();
        for condition in rt.conditions.list() {
            degrade(condition);
        }
        for venue in Venue::ALL {
            if let Some(reason) = rt.streams.off(venue) {
                streams.insert(venue.as_str().into(), json!({"status": "rest", "reason": reason}));
            }
        }
        for (venue, down) in rt.streams.outages(now) {
            streams.insert(venue.as_str().into(), json!({"status": "down", "downSeconds": down.num_seconds()}));
            if down >= STREAM_OUTAGE_LIMIT {
                degrade(format!("{venue} socket down for {} s; REST polling covers", down.num_seconds()));
            }
        }
        // Writes waiting on the database, or dropped: detection goes on, the record does not.
        let w = &rt.writer.stats;
        let (depth, dropped) = (w.depth.get(), w.dropped.get());
        let since = w.failing_since.load(std::sync::atomic::Ordering::Relaxed);
        if since > 0 {
            // The writer's clock is the wall's (a replay's pinned clock would make no sense of it).
            let secs = (chrono::Utc::now().timestamp_millis() - since) / 1000;
            degrade(format!("database writes failing for {secs} s; {depth} waiting (detection and alerts go on)"));
        }
        if dropped > 0 {
            degrade(format!("{dropped} database writes dropped: the writer queue overflowed"));
        }
        // What a kill would lose: the writes the full spool could not hold.
        if let Some(lost) = w.spool.as_ref().map(|s| s.lost.get()).filter(|n| *n > 0) {
            degrade(format!("{lost} database writes not spooled (the spool is full): a kill would lose them"));
        }
        // Books that cannot be true (crossed, a price at 0 or 1) price nothing until a fresh
        // snapshot; watched links whose markets take no order now, and why; what the sockets
        // read and did not act on.
        let (impossible, untradable) = {
            let d = crossbook_engine::desk::lock(&rt.desk);
            let unusable: Vec<Value> = d
                .books
                .unusable()
                .map(|(venue, book, why)| json!({"venue": venue, "book": book, "reason": why}))
                .collect();
            let links: Vec<Value> =
                d.untradable_links().into_iter().map(|(id, why)| json!({"link_id": id.0, "reason": why})).collect();
            (unusable, links)
        };
        if !impossible.is_empty() {
            degrade(format!(
                "{} impossible book(s) (crossed, or a price at 0 or 1): unusable until fresh snapshots",
                impossible.len()
            ));
        }
        body["writer"] = json!({"queued": depth, "dropped": dropped, "behind": since > 0});
        if let Some(spool) = &w.spool {
            body["writer"]["spool"] =
                json!({"bytes": spool.bytes.get(), "not_spooled": spool.lost.get(), "replayed": spool.replayed.get()});
        }
        body["streams"] = Value::Object(streams);
        body["books"] = json!({"impossible": impossible});
        body["untradable"] = json!(untradable);
        let mut frames = serde_json::Map::new();
        for venue in Venue::ALL {
            let c = &rt.streams.frames[venue];
            frames.insert(venue.as_str().into(), json!({"skipped": c.skipped(), "malformed": c.malformed_count()}));
        }
        body["frames"] = Value::Object(frames);
    }
    let code = match report.status {
        crossbook_engine::health::Level::Down => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::OK,
    };
    (code, Json(body)).into_response()
}

async fn metrics_text(State(s): State<AppState>) -> Result<Response, ApiError> {
    let mut text = metrics::render(&*s.store, s.clock.now()).await?;
    metrics::render_process(&mut text, s.venues.as_ref(), s.runtime.as_ref());
    Ok(([(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], text).into_response())
}

async fn process_metrics_text(State(s): State<AppState>) -> Response {
    let mut text = String::new();
    metrics::render_process(&mut text, s.venues.as_ref(), s.runtime.as_ref());
    ([(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], text).into_response()
}

#[derive(Debug, serde::Deserialize)]
struct MarketQuery {
    venue: Option<String>,
}

async fn markets(State(s): State<AppState>, Query(q): Query<MarketQuery>) -> Result<Json<Value>, ApiError> {
    let venue = q.venue.as_deref().and_then(|v| v.parse::<Venue>().ok());
    let rows = s.store.list_markets(&MarketFilter { venue, ..Default::default() }).await?;
    Ok(Json(Value::Array(rows.iter().map(|m| crossbook_engine::reports::market_row(&m.market)).collect())))
}

async fn events(State(s): State<AppState>) -> Result<Json<Value>, ApiError> {
    let rows = s.store.list_events(None).await?;
    Ok(Json(Value::Array(
        rows.iter()
            .map(|e| json!({"venue": e.venue, "id": e.id, "title": e.title, "league": e.league, "participants": e.participants, "starts_at": e.starts_at}))
            .collect(),
    )))
}

/// Links, each with both markets' titles (what a reviewer reads).
async fn links(State(s): State<AppState>) -> Result<Json<Value>, ApiError> {
    let rows = s.store.list_links(None).await?;
    let ids = rows.iter().flat_map(|l| [l.candidate.kalshi_ticker.to_string(), l.candidate.poly_market_id.to_string()]);
    let filter = crossbook_store::MarketFilter { ids: Some(ids.collect()), ..Default::default() };
    let markets = s.store.list_markets(&filter).await?;
    let states: std::collections::HashMap<(Venue, String), crossbook_model::MarketState> =
        markets.iter().map(|m| ((m.market.venue(), m.market.id().to_string()), m.market.state)).collect();
    let titles: std::collections::HashMap<(Venue, String), String> =
        markets.into_iter().map(|m| ((m.market.venue(), m.market.id().to_string()), m.market.title)).collect();
    Ok(Json(Value::Array(
        rows.iter()
            .map(|l| {
                let mut v = crossbook_engine::reports::link_row_with_state(l, &states);
                let title = |venue, id: &str| titles.get(&(venue, id.to_string())).cloned();
                v["kalshi"]["title"] = json!(title(Venue::Kalshi, l.candidate.kalshi_ticker.as_str()));
                let second = l.candidate.poly_venue;
                v[second.as_str()]["title"] = json!(title(second, l.candidate.poly_market_id.as_str()));
                v
            })
            .collect(),
    )))
}

/// Changes need the token unless the server is bound to loopback.
fn authorize(s: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    if s.loopback && s.token.is_none() {
        return Ok(());
    }
    let given =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    match (&s.token, given) {
        (Some(t), Some(g)) if constant_time_eq(t.expose_secret().as_bytes(), g.as_bytes()) => Ok(()),
        _ => Err(ApiError::Unauthorized),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A person's decision from the dashboard; the process's desk (under `run`) takes the new link
/// set at once, so a rejected link's opportunity closes now.
async fn decide(
    s: AppState,
    headers: HeaderMap,
    id: i64,
    to: LinkStatus,
    force: bool,
) -> Result<Json<Value>, ApiError> {
    use crossbook_engine::review::{DecideError, decide_by_person};
    authorize(&s, &headers)?;
    let now = s.clock.now();
    match decide_by_person(&*s.store, LinkId(id), to, "dashboard", "decided on the dashboard", force, now).await {
        Ok(_) => {}
        Err(DecideError::NotFound(_)) => return Err(ApiError::NotFound),
        Err(e @ DecideError::Incompatible { .. }) => return Err(ApiError::Conflict(e.to_string())),
        Err(DecideError::Store(e)) => return Err(e.into()),
    }
    if let Some(rt) = &s.runtime {
        crossbook_engine::desk::refresh(&rt.desk, &*s.store, now).await?;
    }
    let link = s.store.get_link(LinkId(id)).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(crossbook_engine::reports::link_row(&link)))
}

#[derive(Debug, serde::Deserialize)]
struct ForceQuery {
    #[serde(default)]
    force: bool,
}

async fn confirm(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<ForceQuery>,
) -> Result<Json<Value>, ApiError> {
    decide(s, headers, id, LinkStatus::Confirmed, q.force).await
}

async fn reject(State(s): State<AppState>, headers: HeaderMap, Path(id): Path<i64>) -> Result<Json<Value>, ApiError> {
    decide(s, headers, id, LinkStatus::Rejected, false).await
}

/// The watched links, with their quotes' ages and why a link cannot be traded now (the desk's
/// word under `run`: it hears the sockets; the stored states otherwise).
async fn watchlist(State(s): State<AppState>) -> Result<Json<Value>, ApiError> {
    let entries = s.store.list_watchlist().await?;
    let all = s.store.list_links(None).await?;
    let states = crossbook_engine::reports::market_states(&*s.store, &all).await?;
    let live: Option<std::collections::HashMap<crossbook_model::LinkId, String>> =
        s.runtime.as_ref().map(|rt| crossbook_engine::desk::lock(&rt.desk).untradable_links().into_iter().collect());
    let links: std::collections::HashMap<_, _> = all.into_iter().map(|l| (l.id, l)).collect();
    let books: std::collections::HashMap<String, chrono::DateTime<chrono::Utc>> =
        s.store.load_books(None).await?.into_iter().map(|b| (b.book_id, b.received_at)).collect();
    let now = s.clock.now();
    let rows = entries
        .iter()
        .filter_map(|e| {
            let l = links.get(&e.link_id)?;
            let age = |id: &str| books.get(id).map(|t| (now - *t).num_seconds());
            let c = &l.candidate;
            // The second leg's book: a Polymarket token, or a Polymarket US market's slug.
            let second_book = match c.poly_venue {
                Venue::PolymarketUs => Some(c.poly_market_id.as_str()),
                _ => c.poly_token_id.as_ref().map(|t| t.as_str()),
            };
            let mut row = json!({
                "link_id": e.link_id.0, "priority": e.priority.as_str(), "starts_at": e.starts_at, "liquidity": e.liquidity,
                "kalshi": l.candidate.kalshi_ticker, "outcome": l.candidate.poly_outcome, "league": l.candidate.league,
                "kalshi_quote_age_s": age(l.candidate.kalshi_ticker.as_str()),
                "tradable_reasons": match &live {
                    Some(m) => m.get(&e.link_id).cloned().into_iter().collect::<Vec<_>>(),
                    None => crossbook_engine::reports::tradable_reasons(l, &states),
                },
            });
            row[format!("{}_quote_age_s", c.poly_venue)] = json!(second_book.and_then(age));
            Some(row)
        })
        .collect();
    Ok(Json(Value::Array(rows)))
}

async fn opportunities(State(s): State<AppState>) -> Result<Json<Value>, ApiError> {
    let open = s.store.list_open_opportunities().await?;
    Ok(Json(Value::Array(open.iter().map(crossbook_engine::reports::opportunity_row).collect())))
}

/// How far back a chart looks: `?hours=` (1 to 48, default 24).
#[derive(Debug, serde::Deserialize)]
struct Window {
    hours: Option<u32>,
}

impl Window {
    fn since(&self, now: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
        now - chrono::Duration::hours(i64::from(self.hours.unwrap_or(24).clamp(1, 48)))
    }
}

/// Every opportunity open at some time in the window, with when it opened and closed: the
/// day's timeline.
async fn opportunity_history(State(s): State<AppState>, Query(w): Query<Window>) -> Result<Json<Value>, ApiError> {
    let rows = s.store.opportunities_since(w.since(s.clock.now())).await?;
    Ok(Json(Value::Array(rows.iter().map(crossbook_engine::reports::opportunity_row).collect())))
}

/// A link's prices on both venues and its edge over the window.
async fn link_history(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    Query(w): Query<Window>,
) -> Result<Json<Value>, ApiError> {
    let samples = s.store.quote_samples(LinkId(id), w.since(s.clock.now()), 5000).await?;
    Ok(Json(json!({"link_id": id, "samples": samples})))
}

/// What the arbitrage was worth over the window, as the HTML page `report opportunities --html`
/// writes.
async fn report_page(State(s): State<AppState>, Query(w): Query<Window>) -> Result<Html<String>, ApiError> {
    let now = s.clock.now();
    let report = crossbook_engine::worth::build(&*s.store, w.since(now), now).await?;
    Ok(Html(crossbook_engine::worth::html(&report, s.time_zone)))
}

/// Venue requests, 429s and failures per interval and the books' ages (under `run` only: the
/// process keeps them).
async fn ops_history(State(s): State<AppState>, Query(w): Query<Window>) -> Json<Value> {
    match &s.runtime {
        Some(rt) => Json(json!({"available": true, "points": rt.ops.since(w.since(s.clock.now()))})),
        None => Json(json!({"available": false, "points": []})),
    }
}

async fn alerts(State(s): State<AppState>) -> Result<Json<Value>, ApiError> {
    let rows = s.store.list_alerts(100).await?;
    Ok(Json(Value::Array(
        rows.iter()
            .map(|a| json!({"id": a.id, "kind": a.kind, "sink": a.sink, "status": a.status, "attempts": a.attempts, "created_at": a.created_at, "text": a.payload.get("text").or(a.payload.get("content"))}))
            .collect(),
    )))
}

/// The trades of the window (paper or live), newest last, with their P&L per league, kind and
/// day: the dashboard's P&L panel and chart.
async fn trades(State(s): State<AppState>, Query(w): Query<Window>) -> Result<Json<Value>, ApiError> {
    let trades = s.store.list_trades(w.since(s.clock.now())).await?;
    let pnl = crossbook_engine::ledger::pnl(&trades);
    Ok(Json(json!({"trades": trades, "pnl": pnl})))
}

/// What every trade holds now.
async fn positions(State(s): State<AppState>) -> Result<Json<Value>, ApiError> {
    let fills = s.store.list_fills(chrono::DateTime::<chrono::Utc>::MIN_UTC).await?;
    Ok(Json(json!(crossbook_engine::ledger::positions(&fills))))
}

/// The execution mode and the kill switch.
async fn execution(State(s): State<AppState>) -> Result<Json<Value>, ApiError> {
    let switch = s.store.control(crossbook_engine::execution::KILL_SWITCH_CONTROL).await?;
    Ok(Json(json!({
        "mode": s.execution_mode.as_str(),
        "kill_switch": switch.as_ref().is_some_and(|c| c.value == "on"),
        "kill_switch_set_by": switch.as_ref().map(|c| c.set_by.clone()),
        "kill_switch_set_at": switch.as_ref().map(|c| c.set_at),
    })))
}

async fn execution_stop(State(s): State<AppState>, headers: HeaderMap) -> Result<Json<Value>, ApiError> {
    set_kill_switch(s, headers, true).await
}

async fn execution_resume(State(s): State<AppState>, headers: HeaderMap) -> Result<Json<Value>, ApiError> {
    set_kill_switch(s, headers, false).await
}

/// The kill switch from the dashboard (authorized as link decisions are): every trading
/// process follows it within 2 s; this one at once.
async fn set_kill_switch(s: AppState, headers: HeaderMap, on: bool) -> Result<Json<Value>, ApiError> {
    authorize(&s, &headers)?;
    crossbook_engine::execution::set_kill_switch(&*s.store, on, "dashboard", s.clock.now()).await?;
    if let Some(rt) = &s.runtime {
        crossbook_engine::desk::lock(&rt.desk).halt_trading(on.then_some(crossbook_engine::execution::KILL_SWITCH));
    }
    execution(State(s)).await
}
