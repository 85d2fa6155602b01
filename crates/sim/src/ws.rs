//! The venues' sockets: Polymarket's market channel (`/clob/ws/market`: initial dump as an
//! array of `book` events, then `price_change` with absolute sizes, text PING/PONG) and Kalshi's
//! (`/trade-api/ws/v2`: signed upgrade, `subscribe` to `orderbook_delta`, a snapshot per market
//! then deltas, `seq` strictly +1 per subscription). Faults: every socket dropped at once, or a
//! skipped `seq`.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::SimState;
use crate::books::SimEvent;

async fn send(socket: &mut WebSocket, v: &Value) -> bool {
    socket.send(Message::Text(v.to_string().into())).await.is_ok()
}

/// The answer to an upgrade while the sockets are down.
fn refused() -> Response {
    (StatusCode::SERVICE_UNAVAILABLE, "socket service unavailable").into_response()
}

pub(crate) async fn poly(ws: WebSocketUpgrade, State(s): State<Arc<SimState>>) -> Response {
    if s.sockets_down() {
        return refused();
    }
    ws.on_upgrade(move |socket| poly_session(socket, s))
}

async fn poly_session(mut socket: WebSocket, s: Arc<SimState>) {
    let mut events = s.events.subscribe();
    let mut hangup = s.ws_drop.subscribe();
    let mut assets: HashSet<String> = HashSet::new();
    loop {
        tokio::select! {
            msg = socket.recv() => {
                let text = match msg {
                    Some(Ok(Message::Text(t))) => t.to_string(),
                    Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Binary(_))) => continue,
                    _ => return,
                };
                if text.trim() == "PING" {
                    if socket.send(Message::Text("PONG".into())).await.is_err() { return; }
                    continue;
                }
                let Ok(v) = serde_json::from_str::<Value>(&text) else { continue };
                let ids: Vec<String> = v["assets_ids"].as_array().into_iter().flatten().filter_map(|a| a.as_str().map(String::from)).collect();
                if v["operation"] == "unsubscribe" {
                    ids.iter().for_each(|i| { assets.remove(i); });
                    continue;
                }
                let books = s.clob.read().await;
                let dump: Vec<Value> = ids
                    .iter()
                    .filter(|i| assets.insert((*i).clone()))
                    .filter_map(|i| books.get(i))
                    .map(|b| {
                        let mut e = b.clone();
                        e["event_type"] = json!("book");
                        e
                    })
                    .collect();
                drop(books);
                if !dump.is_empty() && !send(&mut socket, &Value::Array(dump)).await { return; }
            }
            ev = events.recv() => match ev {
                Ok(SimEvent::PolyLevel { token, market, bid, price, size }) if assets.contains(&token) => {
                    let msg = json!({
                        "event_type": "price_change", "market": market,
                        "timestamp": chrono::Utc::now().timestamp_millis().to_string(),
                        "price_changes": [{"asset_id": token, "price": price, "size": size, "side": if bid { "BUY" } else { "SELL" }, "hash": ""}],
                    });
                    if !send(&mut socket, &msg).await { return; }
                }
                Ok(SimEvent::PolyTick { token, market, old, new }) if assets.contains(&token) => {
                    let msg = json!({
                        "event_type": "tick_size_change", "asset_id": token, "market": market,
                        "old_tick_size": old, "new_tick_size": new,
                        "timestamp": chrono::Utc::now().timestamp_millis().to_string(),
                    });
                    if !send(&mut socket, &msg).await { return; }
                }
                Ok(_) => {}
                // Missed changes: hang up, so the client resubscribes and gets fresh books.
                Err(_) => return,
            },
            _ = hangup.recv() => return,
        }
    }
}

pub(crate) async fn kalshi(ws: WebSocketUpgrade, headers: HeaderMap, State(s): State<Arc<SimState>>) -> Response {
    if s.sockets_down() {
        return refused();
    }
    if let Some(v) = &s.config.kalshi_verifier
        && !crate::signature_ok(v, &headers, "GET", "/trade-api/ws/v2")
    {
        s.stats.unauthorized.fetch_add(1, Ordering::Relaxed);
        return (StatusCode::UNAUTHORIZED, "invalid or missing signature").into_response();
    }
    ws.on_upgrade(move |socket| kalshi_session(socket, s))
}

/// One `orderbook_delta` subscription.
#[derive(Debug)]
struct Sub {
    tickers: HashSet<String>,
    seq: u64,
}

fn snapshot_msg(book: Option<&Value>, ticker: &str, sid: u64, seq: u64) -> Value {
    let side =
        |name: &str| book.and_then(|b| b.pointer(&format!("/orderbook_fp/{name}"))).cloned().unwrap_or(json!([]));
    let mut msg = json!({"market_ticker": ticker, "market_id": ""});
    for (key, name) in [("yes_dollars_fp", "yes_dollars"), ("no_dollars_fp", "no_dollars")] {
        let levels = side(name);
        if levels.as_array().is_some_and(|a| !a.is_empty()) {
            msg[key] = levels;
        }
    }
    json!({"type": "orderbook_snapshot", "sid": sid, "seq": seq, "msg": msg})
}

async fn kalshi_session(mut socket: WebSocket, s: Arc<SimState>) {
    let mut events = s.events.subscribe();
    let mut hangup = s.ws_drop.subscribe();
    let mut subs: HashMap<u64, Sub> = HashMap::new();
    let mut next_sid = 1u64;
    loop {
        tokio::select! {
            msg = socket.recv() => {
                let text = match msg {
                    Some(Ok(Message::Text(t))) => t.to_string(),
                    Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Binary(_))) => continue,
                    _ => return,
                };
                let Ok(v) = serde_json::from_str::<Value>(&text) else { continue };
                let id = v["id"].clone();
                match v["cmd"].as_str() {
                    Some("subscribe") => {
                        let p = &v["params"];
                        if !p["channels"].as_array().is_some_and(|c| c.iter().any(|x| x == "orderbook_delta")) {
                            if !send(&mut socket, &json!({"id": id, "type": "error", "msg": {"code": 8, "msg": "Unknown channel name"}})).await { return; }
                            continue;
                        }
                        let mut tickers: Vec<String> = p["market_tickers"].as_array().into_iter().flatten().filter_map(|t| t.as_str().map(String::from)).collect();
                        if let Some(t) = p["market_ticker"].as_str() { tickers.push(t.to_string()); }
                        let sid = next_sid;
                        next_sid += 1;
                        if !send(&mut socket, &json!({"id": id, "type": "subscribed", "msg": {"channel": "orderbook_delta", "sid": sid}})).await { return; }
                        let mut seq = 0;
                        let snapshots: Vec<Value> = {
                            let k = s.kalshi.read().await;
                            tickers.iter().map(|t| { seq += 1; snapshot_msg(k.books.get(t), t, sid, seq) }).collect()
                        };
                        for m in &snapshots {
                            if !send(&mut socket, m).await { return; }
                        }
                        subs.insert(sid, Sub { tickers: tickers.into_iter().collect(), seq });
                    }
                    Some("unsubscribe") => {
                        for sid in v["params"]["sids"].as_array().into_iter().flatten().filter_map(Value::as_u64) {
                            subs.remove(&sid);
                            if !send(&mut socket, &json!({"id": id, "type": "unsubscribed", "sid": sid})).await { return; }
                        }
                    }
                    _ => {
                        if !send(&mut socket, &json!({"id": id, "type": "error", "msg": {"code": 5, "msg": "Unknown command"}})).await { return; }
                    }
                }
            }
            ev = events.recv() => match ev {
                Ok(SimEvent::KalshiLevel { ticker, yes, price_dollars, delta_fp }) => {
                    for (sid, sub) in subs.iter_mut().filter(|(_, sub)| sub.tickers.contains(&ticker)) {
                        sub.seq += if s.gap_next.swap(false, Ordering::Relaxed) { 2 } else { 1 };
                        let msg = json!({"type": "orderbook_delta", "sid": sid, "seq": sub.seq, "msg": {
                            "market_ticker": ticker, "market_id": "", "price_dollars": price_dollars, "delta_fp": delta_fp,
                            "side": if yes { "yes" } else { "no" }, "ts_ms": chrono::Utc::now().timestamp_millis()}});
                        if !send(&mut socket, &msg).await { return; }
                    }
                }
                Ok(_) => {}
                Err(_) => return,
            },
            _ = hangup.recv() => return,
        }
    }
}

/// Polymarket's sports socket: no subscription; `ping` every 5 seconds; every game update as a
/// `sport_result` JSON object.
pub(crate) async fn sports(ws: WebSocketUpgrade, State(s): State<Arc<SimState>>) -> Response {
    if s.sockets_down() {
        return refused();
    }
    ws.on_upgrade(move |socket| sports_session(socket, s))
}

async fn sports_session(mut socket: WebSocket, s: Arc<SimState>) {
    let mut results = s.scores.subscribe();
    let mut hangup = s.ws_drop.subscribe();
    let mut ping = tokio::time::interval(std::time::Duration::from_secs(5));
    loop {
        tokio::select! {
            msg = socket.recv() => match msg {
                Some(Ok(Message::Text(_) | Message::Ping(_) | Message::Pong(_) | Message::Binary(_))) => {}
                _ => return,
            },
            r = results.recv() => match r {
                Ok(v) => if !send(&mut socket, &v).await { return },
                Err(_) => return,
            },
            _ = ping.tick() => if socket.send(Message::Text("ping".into())).await.is_err() { return },
            _ = hangup.recv() => return,
        }
    }
}
