//! Polymarket US's public gateway under `/polymarket_us/v1`: events with their markets
//! (`limit` up to 100, `offset`, `active`, `closed`) and each market's book
//! (`/markets/{slug}/book`, the long side's bids and offers).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use crossbook_model::{Price, Qty};
use serde_json::{Value, json};

use crate::SimState;
use crate::capture::Capture;

/// The largest page served.
pub(crate) const MAX_PAGE: usize = 100;

/// Events and books as served.
#[derive(Debug, Default)]
pub(crate) struct UsData {
    events: Vec<Value>,
    /// Books by market slug (`{"marketData": {...}}`).
    pub(crate) books: BTreeMap<String, Value>,
}

impl UsData {
    pub(crate) fn new(c: &Capture) -> Self {
        Self { events: c.us_events.clone(), books: c.us_books.clone() }
    }

    fn market(&self, slug: &str) -> Option<&Value> {
        self.events.iter().flat_map(|e| e["markets"].as_array().into_iter().flatten()).find(|m| m["slug"] == slug)
    }

    /// Sets the level at `price` on one side of a market's book (size 0 removes it); false when
    /// the market is unknown.
    pub(crate) fn set_level(&mut self, slug: &str, bid: bool, price: Price, size: Qty) -> bool {
        if self.market(slug).is_none() {
            return false;
        }
        let book = self.books.entry(slug.to_string()).or_insert_with(|| empty_book(slug));
        let side = if bid { "bids" } else { "offers" };
        let levels = book["marketData"][side].as_array().cloned().unwrap_or_default();
        let mut levels: Vec<(Price, Value)> = levels
            .into_iter()
            .filter_map(|l| Some((l["px"]["value"].as_str()?.parse::<Price>().ok()?, l)))
            .filter(|(p, _)| *p != price)
            .collect();
        if !size.is_zero() {
            levels
                .push((price, json!({"px": {"value": price.to_string(), "currency": "USD"}, "qty": size.to_string()})));
        }
        levels.sort_by(|a, b| if bid { b.0.cmp(&a.0) } else { a.0.cmp(&b.0) });
        book["marketData"][side] = Value::Array(levels.into_iter().map(|(_, l)| l).collect());
        true
    }
}

fn empty_book(slug: &str) -> Value {
    json!({"marketData": {"marketSlug": slug, "bids": [], "offers": [], "state": "MARKET_STATE_OPEN"}})
}

fn not_found(what: &str) -> Response {
    (StatusCode::NOT_FOUND, Json(json!({"code": 5, "message": format!("{what} not found")}))).into_response()
}

pub(crate) async fn events(State(s): State<Arc<SimState>>, Query(q): Query<HashMap<String, String>>) -> Response {
    let number = |k: &str, default: usize| q.get(k).map_or(Ok(default), |v| v.parse::<usize>());
    let (Ok(limit), Ok(offset)) = (number("limit", 20), number("offset", 0)) else {
        return (StatusCode::BAD_REQUEST, Json(json!({"code": 3, "message": "limit and offset must be numbers"})))
            .into_response();
    };
    let flag = |k: &str| q.get(k).map(|v| v == "true");
    let (active, closed) = (flag("active"), flag("closed"));
    let data = s.us.read().await;
    let page: Vec<Value> = data
        .events
        .iter()
        .filter(|e| active.is_none_or(|a| e["active"].as_bool().unwrap_or(true) == a))
        .filter(|e| closed.is_none_or(|c| e["closed"].as_bool().unwrap_or(false) == c))
        .skip(offset)
        .take(limit.clamp(1, MAX_PAGE))
        .cloned()
        .collect();
    Json(json!({"events": page})).into_response()
}

pub(crate) async fn book(State(s): State<Arc<SimState>>, Path(slug): Path<String>) -> Response {
    let data = s.us.read().await;
    match (data.books.get(&slug), data.market(&slug)) {
        (Some(b), _) => Json(b.clone()).into_response(),
        (None, Some(_)) => Json(empty_book(&slug)).into_response(),
        (None, None) => not_found("market"),
    }
}
