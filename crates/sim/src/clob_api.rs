//! CLOB under `/clob`: book, books (batch), price.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crossbook_model::Price;

use crate::SimState;

/// Books by token id.
pub(crate) type ClobData = BTreeMap<String, Value>;

fn no_book() -> Response {
    (StatusCode::NOT_FOUND, Json(json!({"error": "No orderbook exists for the requested token id"}))).into_response()
}

pub(crate) async fn book(State(s): State<Arc<SimState>>, Query(q): Query<HashMap<String, String>>) -> Response {
    let Some(token) = q.get("token_id") else {
        return (StatusCode::BAD_REQUEST, Json(json!({"error": "token_id is required"}))).into_response();
    };
    match s.clob.read().await.get(token) {
        Some(b) => Json(b.clone()).into_response(),
        None => no_book(),
    }
}

pub(crate) async fn books(State(s): State<Arc<SimState>>, body: axum::body::Bytes) -> Response {
    let Ok(items) = serde_json::from_slice::<Vec<Value>>(&body) else {
        return (StatusCode::BAD_REQUEST, Json(json!({"error": "body must be [{\"token_id\": …}]"}))).into_response();
    };
    let books = s.clob.read().await;
    let out: Vec<Value> =
        items.iter().filter_map(|i| i["token_id"].as_str()).filter_map(|t| books.get(t).cloned()).collect();
    Json(Value::Array(out)).into_response()
}

/// Best price to trade on `side`: BUY takes the lowest ask, SELL the highest bid.
pub(crate) async fn price(State(s): State<Arc<SimState>>, Query(q): Query<HashMap<String, String>>) -> Response {
    let (Some(token), Some(side)) = (q.get("token_id"), q.get("side")) else {
        return (StatusCode::BAD_REQUEST, Json(json!({"error": "token_id and side are required"}))).into_response();
    };
    let books = s.clob.read().await;
    let Some(b) = books.get(token) else { return no_book() };
    let levels = match side.as_str() {
        "BUY" => &b["asks"],
        "SELL" => &b["bids"],
        _ => return (StatusCode::BAD_REQUEST, Json(json!({"error": "side must be BUY or SELL"}))).into_response(),
    };
    let prices = levels.as_array().into_iter().flatten().filter_map(|l| l["price"].as_str()?.parse::<Price>().ok());
    let best = if side == "BUY" { prices.min() } else { prices.max() };
    match best {
        Some(p) => Json(json!({"price": p.to_string()})).into_response(),
        None => no_book(),
    }
}
