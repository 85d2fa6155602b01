//! Kalshi REST under `/trade-api/v2`: series, events, markets (cursor pagination, filters,
//! `mve_filter`), one market, orderbook. Like the venue, `GET /events` hides multivariate events
//! while `GET /markets` lists MVE combos unless `mve_filter=exclude`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::schema::{self, KalshiSchema};
use crate::{SimState, capture::Capture};

/// A Kalshi event, indexed.
#[derive(Debug)]
struct KEvent {
    base: Value,
    series: String,
    mve: bool,
    markets: Vec<usize>,
}

/// A Kalshi market, indexed.
#[derive(Debug)]
struct KMarket {
    json: Value,
    ticker: String,
    event: usize,
    series: String,
    mve: bool,
    status: String,
}

/// The Kalshi side of a capture, indexed for serving.
#[derive(Debug, Default)]
pub(crate) struct KalshiData {
    series: Vec<Value>,
    events: Vec<KEvent>,
    markets: Vec<KMarket>,
    by_ticker: HashMap<String, usize>,
    by_event: HashMap<String, usize>,
    pub(crate) books: BTreeMap<String, Value>,
}

fn is_mve(ticker: &str, v: &Value) -> bool {
    ticker.starts_with("KXMVE")
        || v.get("mve_collection_ticker").and_then(Value::as_str).is_some_and(|s| !s.is_empty())
        || v.get("series_ticker").and_then(Value::as_str).is_some_and(|s| s.starts_with("KXMVE"))
}

impl KalshiData {
    pub(crate) fn new(c: &Capture) -> Self {
        let mut d =
            KalshiData { series: c.kalshi_series.clone(), books: c.kalshi_orderbooks.clone(), ..Default::default() };
        for e in &c.kalshi_events {
            let mut base = e.clone();
            let markets = base.as_object_mut().and_then(|o| o.remove("markets")).and_then(|m| m.as_array().cloned());
            let ticker = base["event_ticker"].as_str().unwrap_or_default().to_string();
            let series = base["series_ticker"].as_str().unwrap_or_default().to_string();
            let idx = d.events.len();
            d.by_event.insert(ticker.clone(), idx);
            let mut ev = KEvent { mve: is_mve(&ticker, &base), base, series: series.clone(), markets: Vec::new() };
            for m in markets.unwrap_or_default() {
                let t = m["ticker"].as_str().unwrap_or_default().to_string();
                let mi = d.markets.len();
                d.by_ticker.insert(t.clone(), mi);
                ev.markets.push(mi);
                d.markets.push(KMarket {
                    status: m["status"].as_str().unwrap_or("active").to_string(),
                    mve: ev.mve || is_mve(&t, &m),
                    json: m,
                    ticker: t,
                    event: idx,
                    series: series.clone(),
                });
            }
            d.events.push(ev);
        }
        d
    }
}

impl KalshiData {
    /// A market's status (`active`, `inactive`, …), if it exists.
    pub(crate) fn market_status(&self, ticker: &str) -> Option<&str> {
        self.by_ticker.get(ticker).map(|&i| self.markets[i].status.as_str())
    }

    /// Sets a market's response status (`active`, `inactive`, `determined`, `finalized`, …);
    /// returns whether the market exists.
    pub(crate) fn set_status(&mut self, ticker: &str, status: &str) -> bool {
        let Some(&i) = self.by_ticker.get(ticker) else { return false };
        let m = &mut self.markets[i];
        m.status = status.to_string();
        m.json["status"] = Value::from(status);
        true
    }

    /// Sets (or, with both `None`, clears) an event's fee override; returns whether it exists.
    pub(crate) fn set_fee_override(
        &mut self,
        event: &str,
        fee_type: Option<&str>,
        multiplier: Option<serde_json::Number>,
    ) -> bool {
        let Some(&i) = self.by_event.get(event) else { return false };
        let base = &mut self.events[i].base;
        base["fee_type_override"] = fee_type.map_or(Value::Null, Value::from);
        base["fee_multiplier_override"] = multiplier.map_or(Value::Null, Value::Number);
        // Nested markets are served with their event as stored here: nothing else to change.
        true
    }
}

/// Kalshi's error body.
pub(crate) fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({"code": code, "message": message, "details": ""}))).into_response()
}

/// Response statuses matching a filter value.
fn status_matches(filter: &str, status: &str) -> Option<bool> {
    Some(match filter {
        "open" => matches!(status, "active" | "open"),
        "unopened" => matches!(status, "initialized" | "unopened"),
        "paused" => matches!(status, "inactive" | "paused"),
        "closed" => status == "closed",
        "settled" => matches!(status, "determined" | "finalized" | "settled" | "amended" | "disputed"),
        _ => return None,
    })
}

/// (start, limit) from `cursor` and `limit`, or a 400.
fn page_bounds(q: &HashMap<String, String>, default: usize, max: usize) -> Result<(usize, usize), Box<Response>> {
    let limit = match q.get("limit") {
        None => default,
        Some(l) => match l.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => n,
            _ => {
                let msg = format!("limit must be 1..={max}");
                return Err(Box::new(error(StatusCode::BAD_REQUEST, "invalid_parameters", &msg)));
            }
        },
    };
    let start = match q.get("cursor").map(String::as_str).filter(|c| !c.is_empty()) {
        None => 0,
        Some(c) => c
            .strip_prefix('c')
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| Box::new(error(StatusCode::BAD_REQUEST, "invalid_cursor", "unknown cursor")))?,
    };
    Ok((start, limit))
}

fn next_cursor(start: usize, limit: usize, total: usize) -> String {
    if start + limit < total { format!("c{}", start + limit) } else { String::new() }
}

fn market_out(m: &KMarket, schema: KalshiSchema, drift: bool) -> Value {
    let mut v = m.json.clone();
    schema::market(&mut v, schema);
    if drift && let Some(o) = v.as_object_mut() {
        o.remove("yes_sub_title");
        o.insert("settlement_mode".into(), Value::from("auto"));
    }
    v
}

pub(crate) async fn series(State(s): State<Arc<SimState>>, Query(q): Query<HashMap<String, String>>) -> Response {
    let k = s.kalshi.read().await;
    let list: Vec<&Value> = k
        .series
        .iter()
        .filter(|v| q.get("category").is_none_or(|c| v.get("category").and_then(Value::as_str) == Some(c.as_str())))
        .collect();
    Json(json!({ "series": list })).into_response()
}

pub(crate) async fn events(State(s): State<Arc<SimState>>, Query(q): Query<HashMap<String, String>>) -> Response {
    let (start, limit) = match page_bounds(&q, 200, 200) {
        Ok(b) => b,
        Err(r) => return *r,
    };
    let k = s.kalshi.read().await;
    if let Some(f) = q.get("status")
        && status_matches(f, "active").is_none()
    {
        return error(StatusCode::BAD_REQUEST, "invalid_parameters", "unknown status filter");
    }
    let nested = q.get("with_nested_markets").is_some_and(|v| v == "true");
    let selected: Vec<&KEvent> = k
        .events
        .iter()
        .filter(|e| !e.mve)
        .filter(|e| q.get("series_ticker").is_none_or(|s| &e.series == s))
        .filter(|e| {
            q.get("status")
                .is_none_or(|f| e.markets.iter().any(|&m| status_matches(f, &k.markets[m].status) == Some(true)))
        })
        .collect();
    let page: Vec<Value> = selected
        .iter()
        .skip(start)
        .take(limit)
        .map(|e| {
            let mut v = e.base.clone();
            if nested && let Some(o) = v.as_object_mut() {
                let ms = e
                    .markets
                    .iter()
                    .map(|&m| market_out(&k.markets[m], s.config.kalshi_schema, s.config.drift))
                    .collect();
                o.insert("markets".into(), Value::Array(ms));
            }
            v
        })
        .collect();
    Json(json!({"events": page, "cursor": next_cursor(start, limit, selected.len())})).into_response()
}

pub(crate) async fn event(State(s): State<Arc<SimState>>, Path(ticker): Path<String>) -> Response {
    let k = s.kalshi.read().await;
    let Some(&i) = k.by_event.get(&ticker) else {
        return error(StatusCode::NOT_FOUND, "not_found", "event not found");
    };
    let e = &k.events[i];
    let ms: Vec<Value> =
        e.markets.iter().map(|&m| market_out(&k.markets[m], s.config.kalshi_schema, s.config.drift)).collect();
    Json(json!({"event": e.base, "markets": ms})).into_response()
}

pub(crate) async fn markets(State(s): State<Arc<SimState>>, Query(q): Query<HashMap<String, String>>) -> Response {
    let (start, limit) = match page_bounds(&q, 100, 1000) {
        Ok(b) => b,
        Err(r) => return *r,
    };
    let k = s.kalshi.read().await;
    let mve = q.get("mve_filter").map(String::as_str);
    if !matches!(mve, None | Some("only") | Some("exclude")) {
        return error(StatusCode::BAD_REQUEST, "invalid_parameters", "mve_filter must be only or exclude");
    }
    if let Some(f) = q.get("status")
        && status_matches(f, "active").is_none()
    {
        return error(StatusCode::BAD_REQUEST, "invalid_parameters", "unknown status filter");
    }
    let events: Option<Vec<&str>> = q.get("event_ticker").map(|s| s.split(',').collect());
    let tickers: Option<Vec<&str>> = q.get("tickers").map(|s| s.split(',').collect());
    let selected: Vec<&KMarket> = k
        .markets
        .iter()
        .filter(|m| match mve {
            Some("only") => m.mve,
            Some("exclude") => !m.mve,
            _ => true,
        })
        .filter(|m| q.get("series_ticker").is_none_or(|s| &m.series == s))
        .filter(|m| {
            events.as_ref().is_none_or(|es| es.contains(&k.events[m.event].base["event_ticker"].as_str().unwrap_or("")))
        })
        .filter(|m| tickers.as_ref().is_none_or(|ts| ts.contains(&m.ticker.as_str())))
        .filter(|m| q.get("status").is_none_or(|f| status_matches(f, &m.status) == Some(true)))
        .collect();
    let page: Vec<Value> = selected
        .iter()
        .skip(start)
        .take(limit)
        .map(|m| market_out(m, s.config.kalshi_schema, s.config.drift))
        .collect();
    Json(json!({"markets": page, "cursor": next_cursor(start, limit, selected.len())})).into_response()
}

pub(crate) async fn market(State(s): State<Arc<SimState>>, Path(ticker): Path<String>) -> Response {
    let k = s.kalshi.read().await;
    match k.by_ticker.get(&ticker) {
        Some(&i) => {
            Json(json!({"market": market_out(&k.markets[i], s.config.kalshi_schema, s.config.drift)})).into_response()
        }
        None => error(StatusCode::NOT_FOUND, "not_found", "market not found"),
    }
}

/// `GET /markets/orderbooks?tickers=A&tickers=B` (1 to 100 tickers, one read of the limit): the
/// books of known markets in request order, as the venue answers.
pub(crate) async fn orderbooks(State(s): State<Arc<SimState>>, Query(q): Query<Vec<(String, String)>>) -> Response {
    let tickers: Vec<&str> =
        q.iter().filter(|(k, _)| k == "tickers").flat_map(|(_, v)| v.split(',')).filter(|t| !t.is_empty()).collect();
    if tickers.is_empty() || tickers.len() > 100 {
        return error(StatusCode::BAD_REQUEST, "invalid_parameters", "tickers: 1 to 100 market tickers");
    }
    let k = s.kalshi.read().await;
    let empty = json!({"orderbook_fp": {"yes_dollars": [], "no_dollars": []}});
    let books: Vec<Value> = tickers
        .iter()
        .filter(|t| k.by_ticker.contains_key(**t))
        .map(|t| {
            let mut b = schema::orderbook(k.books.get(*t).unwrap_or(&empty), s.config.kalshi_schema);
            if let Some(o) = b.as_object_mut() {
                o.insert("ticker".into(), Value::from(*t));
            }
            b
        })
        .collect();
    Json(json!({"orderbooks": books})).into_response()
}

pub(crate) async fn orderbook(State(s): State<Arc<SimState>>, Path(ticker): Path<String>) -> Response {
    let k = s.kalshi.read().await;
    if !k.by_ticker.contains_key(&ticker) {
        return error(StatusCode::NOT_FOUND, "not_found", "market not found");
    }
    let empty = json!({"orderbook_fp": {"yes_dollars": [], "no_dollars": []}});
    let book = k.books.get(&ticker).unwrap_or(&empty);
    Json(schema::orderbook(book, s.config.kalshi_schema)).into_response()
}
