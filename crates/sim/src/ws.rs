//! The venues' sockets: Polymarket's market channel (`/clob/ws/market`: initial dump as an
//! array of `book` events with their `tick_size`, then `price_change` with absolute sizes,
//! `tick_size_change`, `market_resolved`; text PING/PONG) and Kalshi's (`/trade-api/ws/v2`:
//! signed upgrade; `subscribe` to `orderbook_delta` — a snapshot per market then deltas, the NO
//! side in NO prices or, with `use_yes_price`, in YES prices — and to `market_lifecycle_v2`;
//! `seq` strictly +1 per subscription; `update_subscription` adds markets — with their
//! snapshots — to an open books subscription or deletes them). Faults: every socket dropped at once, or a skipped `seq`.

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
    s.stats.poly_sockets.fetch_add(1, Ordering::Relaxed);
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
                if s.config.drift {
                    let novel = json!({"event_type": "book_delta_v2", "asset_id": ids.first(), "changes": []});
                    if !send(&mut socket, &novel).await { return; }
                }
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
                Ok(SimEvent::PolyResolved { id, market, tokens, winner }) if tokens.iter().any(|t| assets.contains(t)) => {
                    let msg = json!({
                        "event_type": "market_resolved", "id": id, "market": market, "assets_ids": tokens,
                        "winning_asset_id": winner, "timestamp": chrono::Utc::now().timestamp_millis().to_string(),
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
    s.stats.kalshi_sockets.fetch_add(1, Ordering::Relaxed);
    ws.on_upgrade(move |socket| kalshi_session(socket, s))
}

/// What a subscription is to.
#[derive(Debug)]
enum Channel {
    /// `orderbook_delta` for these tickers; the NO side in YES prices when `yes_price`.
    Books { tickers: HashSet<String>, yes_price: bool },
    /// `market_lifecycle_v2`: every market.
    Lifecycle,
}

/// One subscription and its sequence.
#[derive(Debug)]
struct Sub {
    channel: Channel,
    seq: u64,
}

/// A NO-side level's price as a subscription wants it: as is, or on the YES scale (1 − p).
fn no_price(dollars: &str, yes_price: bool) -> String {
    if !yes_price {
        return dollars.to_string();
    }
    let p: crossbook_model::Price = dollars.parse().unwrap_or_default();
    format!("{:.4}", p.complement().micros() as f64 / 1e6)
}

fn snapshot_msg(book: Option<&Value>, ticker: &str, sid: u64, seq: u64, yes_price: bool) -> Value {
    let side =
        |name: &str| book.and_then(|b| b.pointer(&format!("/orderbook_fp/{name}"))).cloned().unwrap_or(json!([]));
    let mut msg = json!({"market_ticker": ticker, "market_id": ""});
    for (key, name) in [("yes_dollars_fp", "yes_dollars"), ("no_dollars_fp", "no_dollars")] {
        let mut levels = side(name);
        if name == "no_dollars"
            && let Some(a) = levels.as_array_mut()
        {
            for l in a.iter_mut() {
                if let Some(p) = l.get(0).and_then(Value::as_str).map(|p| no_price(p, yes_price)) {
                    l[0] = Value::from(p);
                }
            }
        }
        if levels.as_array().is_some_and(|a| !a.is_empty()) {
            msg[key] = levels;
        }
    }
    json!({"type": "orderbook_snapshot", "sid": sid, "seq": seq, "msg": msg})
}

/// The subscriptions a `subscribe` command asks for, or the venue's error.
fn subscribe(params: &Value, yes_price_default: bool) -> Result<Vec<Channel>, Value> {
    let channels: Vec<&str> = params["channels"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    if channels.is_empty() {
        return Err(json!({"code": 3, "msg": "Channels required"}));
    }
    let mut tickers: Vec<String> = params["market_tickers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t.as_str().map(String::from))
        .collect();
    if let Some(t) = params["market_ticker"].as_str() {
        tickers.push(t.to_string());
    }
    let yes_price = params["use_yes_price"].as_bool().unwrap_or(yes_price_default);
    channels
        .into_iter()
        .map(|c| match c {
            "orderbook_delta" => Ok(Channel::Books { tickers: tickers.iter().cloned().collect(), yes_price }),
            "market_lifecycle_v2" => Ok(Channel::Lifecycle),
            _ => Err(json!({"code": 8, "msg": "Unknown channel name"})),
        })
        .collect()
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
                        let channels = match subscribe(&v["params"], s.config.kalshi_yes_price_default) {
                            Ok(c) => c,
                            Err(e) => {
                                if !send(&mut socket, &json!({"id": id, "type": "error", "msg": e})).await { return; }
                                continue;
                            }
                        };
                        for channel in channels {
                            let sid = next_sid;
                            next_sid += 1;
                            let name = match channel { Channel::Books { .. } => "orderbook_delta", Channel::Lifecycle => "market_lifecycle_v2" };
                            if !send(&mut socket, &json!({"id": id, "type": "subscribed", "msg": {"channel": name, "sid": sid}})).await { return; }
                            let mut seq = 0;
                            if let Channel::Books { tickers, yes_price } = &channel {
                                let snapshots: Vec<Value> = {
                                    let k = s.kalshi.read().await;
                                    let mut sorted: Vec<&String> = tickers.iter().collect();
                                    sorted.sort();
                                    sorted.into_iter().map(|t| { seq += 1; snapshot_msg(k.books.get(t), t, sid, seq, *yes_price) }).collect()
                                };
                                for m in &snapshots {
                                    if !send(&mut socket, m).await { return; }
                                }
                            }
                            subs.insert(sid, Sub { channel, seq });
                        }
                        if s.config.drift && !send(&mut socket, &json!({"type": "market_positions_v3", "msg": {}})).await { return; }
                    }
                    Some("update_subscription") => {
                        let p = &v["params"];
                        let sids: Vec<u64> = match p["sids"].as_array() {
                            Some(a) => a.iter().filter_map(Value::as_u64).collect(),
                            None => p["sid"].as_u64().into_iter().collect(),
                        };
                        let tickers: Vec<String> = p["market_tickers"].as_array().into_iter().flatten().filter_map(|t| t.as_str().map(String::from)).collect();
                        let reply = match (sids.as_slice(), p["action"].as_str()) {
                            ([sid], Some(action @ ("add_markets" | "delete_markets"))) => match subs.get_mut(sid) {
                                Some(Sub { channel: Channel::Books { tickers: held, yes_price }, seq }) => {
                                    let added: Vec<String> = if action == "add_markets" {
                                        tickers.iter().filter(|t| held.insert((*t).clone())).cloned().collect()
                                    } else {
                                        tickers.iter().for_each(|t| { held.remove(t); });
                                        Vec::new()
                                    };
                                    *seq += 1;
                                    let mut all: Vec<&String> = held.iter().collect();
                                    all.sort();
                                    let mut out = vec![json!({"type": "ok", "id": id, "sid": sid, "seq": *seq, "msg": {"market_tickers": all}})];
                                    let k = s.kalshi.read().await;
                                    for t in &added {
                                        *seq += 1;
                                        out.push(snapshot_msg(k.books.get(t), t, *sid, *seq, *yes_price));
                                    }
                                    Ok(out)
                                }
                                _ => Err(json!({"code": 7, "msg": "Unknown subscription ID"})),
                            },
                            ([_], _) => Err(json!({"code": 13, "msg": "Unsupported action"})),
                            _ => Err(json!({"code": 12, "msg": "Exactly one subscription ID is required"})),
                        };
                        let out = reply.unwrap_or_else(|e| vec![json!({"id": id, "type": "error", "msg": e})]);
                        for m in &out {
                            if !send(&mut socket, m).await { return; }
                        }
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
                    for (sid, sub) in subs.iter_mut() {
                        let Channel::Books { tickers, yes_price } = &sub.channel else { continue };
                        if !tickers.contains(&ticker) { continue; }
                        sub.seq += if s.gap_next.swap(false, Ordering::Relaxed) { 2 } else { 1 };
                        let price = if yes { price_dollars.clone() } else { no_price(&price_dollars, *yes_price) };
                        let msg = json!({"type": "orderbook_delta", "sid": sid, "seq": sub.seq, "msg": {
                            "market_ticker": ticker, "market_id": "", "price_dollars": price, "delta_fp": delta_fp,
                            "side": if yes { "yes" } else { "no" }, "ts_ms": chrono::Utc::now().timestamp_millis()}});
                        if !send(&mut socket, &msg).await { return; }
                    }
                }
                Ok(SimEvent::KalshiLifecycle { ticker, event_type }) => {
                    for (sid, sub) in subs.iter_mut().filter(|(_, sub)| matches!(sub.channel, Channel::Lifecycle)) {
                        sub.seq += 1;
                        let mut msg = json!({"market_ticker": ticker, "event_type": event_type});
                        if matches!(event_type, "activated" | "deactivated") {
                            msg["is_deactivated"] = Value::from(event_type == "deactivated");
                        }
                        let frame = json!({"type": "market_lifecycle_v2", "sid": sid, "seq": sub.seq, "msg": msg});
                        if !send(&mut socket, &frame).await { return; }
                    }
                }
                Ok(SimEvent::KalshiFees { event_ticker, fee_type, multiplier }) => {
                    for (sid, sub) in subs.iter_mut().filter(|(_, sub)| matches!(sub.channel, Channel::Lifecycle)) {
                        sub.seq += 1;
                        let frame = json!({"type": "event_fee_update", "sid": sid, "seq": sub.seq, "msg": {
                            "event_ticker": event_ticker, "fee_type_override": fee_type, "fee_multiplier_override": multiplier}});
                        if !send(&mut socket, &frame).await { return; }
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
    if s.config.drift
        && !send(&mut socket, &json!({"gameId": 1, "leagueAbbreviation": "nba", "live": true, "possession": "home"}))
            .await
    {
        return;
    }
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
