//! The CLOB market channel: subscribe with `{"type":"market","assets_ids":[…]}`, read an initial
//! dump (an array of `book` events), then `book` and `price_change` events (absolute sizes; a
//! frame may be one event or an array). Text `PING` every few seconds; a watchdog on data turns
//! silence into a reconnect (the socket can freeze while still answering PING). Every
//! reconnect first announces that the books are unknown.
//!
//! References: <https://docs.polymarket.com/developers/CLOB/websocket/market-channel>

use crossbook_model::{BookEvent, Price, Qty, Venue};
use crossbook_net::ws::{Message, Reconnects, StreamConfig, connect};
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::sync::mpsc;

/// Most assets on one connection.
pub const MAX_ASSETS: usize = 500;

fn levels(v: &Value) -> Option<Vec<(Price, Qty)>> {
    v.as_array()?
        .iter()
        .map(|l| Some((l["price"].as_str()?.parse().ok()?, l["size"].as_str()?.parse().ok()?)))
        .collect()
}

/// Parses one frame into book events; unknown event types are ignored, malformed ones counted.
pub fn parse_frame(text: &str, out: &mut Vec<BookEvent>) -> Result<(), String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let items = match v {
        Value::Array(a) => a,
        other => vec![other],
    };
    for (i, e) in items.iter().enumerate() {
        match e["event_type"].as_str() {
            Some("book") => {
                let token = e["asset_id"].as_str().ok_or(format!("[{i}].asset_id missing"))?.to_string();
                let bids = levels(&e["bids"]).ok_or(format!("[{i}].bids malformed"))?;
                let asks = levels(&e["asks"]).ok_or(format!("[{i}].asks malformed"))?;
                out.push(BookEvent::PolySnapshot { token, bids, asks });
            }
            Some("price_change") => {
                // Current shape: `price_changes`; legacy: top-level asset_id with `changes`.
                let (list, top) = match e.get("price_changes") {
                    Some(l) => (l, None),
                    None => (&e["changes"], e["asset_id"].as_str()),
                };
                for (j, c) in list.as_array().ok_or(format!("[{i}].price_changes missing"))?.iter().enumerate() {
                    let token =
                        c["asset_id"].as_str().or(top).ok_or(format!("[{i}].price_changes[{j}].asset_id missing"))?;
                    let price = c["price"]
                        .as_str()
                        .and_then(|p| p.parse().ok())
                        .ok_or(format!("[{i}].price_changes[{j}].price"))?;
                    let size = c["size"]
                        .as_str()
                        .and_then(|p| p.parse().ok())
                        .ok_or(format!("[{i}].price_changes[{j}].size"))?;
                    let bid = match c["side"].as_str() {
                        Some("BUY") => true,
                        Some("SELL") => false,
                        _ => return Err(format!("[{i}].price_changes[{j}].side")),
                    };
                    out.push(BookEvent::PolyLevel { token: token.to_string(), bid, price, size });
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Streams `tokens` (at most [`MAX_ASSETS`]) into `tx` until `tx` closes, reconnecting as needed.
pub async fn run_market_stream(url: String, tokens: Vec<String>, tx: mpsc::Sender<BookEvent>, cfg: StreamConfig) {
    let mut reconnects = Reconnects::new(cfg.backoff);
    loop {
        match session(&url, &tokens, &tx, cfg, &mut reconnects).await {
            Ok(()) => return, // receiver gone
            Err(reason) => {
                tracing::warn!(venue = "polymarket", %reason, "market socket lost; reconnecting");
                if tx.send(BookEvent::Invalidated { venue: Venue::Polymarket, reason }).await.is_err() {
                    return;
                }
            }
        }
        reconnects.wait().await;
    }
}

/// One connection; `Ok` only when the receiver is gone.
async fn session(
    url: &str,
    tokens: &[String],
    tx: &mpsc::Sender<BookEvent>,
    cfg: StreamConfig,
    reconnects: &mut Reconnects,
) -> Result<(), String> {
    let ws = connect("polymarket", url, &[]).await.map_err(|e| e.to_string())?;
    let (mut sink, mut stream) = ws.split();
    let hello = serde_json::json!({"type": "market", "assets_ids": tokens, "custom_feature_enabled": true, "initial_dump": true});
    sink.send(Message::Text(hello.to_string().into())).await.map_err(|e| e.to_string())?;
    let mut ping = tokio::time::interval(cfg.ping_every);
    let mut last_data = tokio::time::Instant::now();
    let mut events = Vec::new();
    loop {
        tokio::select! {
            frame = stream.next() => {
                let text = match frame {
                    Some(Ok(Message::Text(t))) => t,
                    Some(Ok(Message::Close(_))) | None => return Err("closed by the venue".into()),
                    Some(Ok(_)) => continue,
                    Some(Err(e)) => return Err(e.to_string()),
                };
                if text.trim() == "PONG" {
                    continue; // liveness of the socket, not of the data
                }
                last_data = tokio::time::Instant::now();
                events.clear();
                if let Err(path) = parse_frame(&text, &mut events) {
                    tracing::warn!(venue = "polymarket", %path, "malformed frame skipped");
                    continue;
                }
                if !events.is_empty() {
                    reconnects.established();
                }
                for e in events.drain(..) {
                    if tx.send(e).await.is_err() {
                        return Ok(());
                    }
                }
            }
            _ = ping.tick() => {
                if last_data.elapsed() > cfg.silence {
                    return Err(format!("no book data for {:?}", cfg.silence));
                }
                sink.send(Message::Text("PING".into())).await.map_err(|e| e.to_string())?;
            }
        }
    }
}

/// A game's state from the sports socket (`sport_result`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct SportResult {
    pub slug: String,
    #[serde(default)]
    pub live: bool,
    #[serde(default)]
    pub ended: bool,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub score: String,
    #[serde(default)]
    pub period: String,
}

/// Streams game states from the sports socket (`wss://sports-api.polymarket.com/ws`): no
/// subscription; every `ping` is answered with `pong`; reconnects with backoff.
pub async fn run_sports_stream(url: String, tx: mpsc::Sender<SportResult>, cfg: StreamConfig) {
    let mut reconnects = Reconnects::new(cfg.backoff);
    loop {
        let reason = match connect("polymarket", &url, &[]).await {
            Err(e) => e.to_string(),
            Ok(ws) => {
                let (mut sink, mut stream) = ws.split();
                let mut watchdog = tokio::time::interval(cfg.ping_every);
                let mut last = tokio::time::Instant::now();
                loop {
                    tokio::select! {
                        frame = stream.next() => {
                            last = tokio::time::Instant::now();
                            if matches!(frame, Some(Ok(Message::Text(_)))) {
                                reconnects.established();
                            }
                            match frame {
                                Some(Ok(Message::Text(t))) if t.trim() == "ping" => {
                                    if let Err(e) = sink.send(Message::Text("pong".into())).await { break e.to_string(); }
                                }
                                Some(Ok(Message::Text(t))) => match serde_json::from_str::<SportResult>(&t) {
                                    Ok(r) => if tx.send(r).await.is_err() { return },
                                    Err(e) => tracing::warn!(venue = "polymarket", error = %e, "malformed sport_result skipped"),
                                },
                                Some(Ok(Message::Close(_))) | None => break "closed by the venue".to_string(),
                                Some(Ok(_)) => {}
                                Some(Err(e)) => break e.to_string(),
                            }
                        }
                        _ = watchdog.tick() => if last.elapsed() > cfg.silence { break format!("silent for {:?}", cfg.silence) },
                    }
                }
            }
        };
        tracing::warn!(venue = "polymarket", %reason, "sports socket lost; reconnecting");
        reconnects.wait().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_arrays_objects_and_both_price_change_shapes() {
        let mut out = Vec::new();
        let dump = r#"[{"event_type":"book","asset_id":"A","market":"0x","bids":[{"price":"0.48","size":"30"}],"asks":[{"price":"0.52","size":"25"}]}]"#;
        parse_frame(dump, &mut out).unwrap();
        let change = r#"{"event_type":"price_change","market":"0x","price_changes":[{"asset_id":"A","price":"0.5","size":"0","side":"SELL"}]}"#;
        parse_frame(change, &mut out).unwrap();
        let legacy =
            r#"{"event_type":"price_change","asset_id":"B","changes":[{"price":"0.4","size":"7","side":"BUY"}]}"#;
        parse_frame(legacy, &mut out).unwrap();
        parse_frame(r#"{"event_type":"last_trade_price","asset_id":"A","price":"0.5"}"#, &mut out).unwrap();
        assert_eq!(out.len(), 3);
        assert!(
            matches!(&out[1], BookEvent::PolyLevel { token, bid: false, size, .. } if token == "A" && size.is_zero())
        );
        assert!(matches!(&out[2], BookEvent::PolyLevel { token, bid: true, .. } if token == "B"));
        assert!(parse_frame(r#"{"event_type":"price_change","price_changes":[{"asset_id":"A","price":"x","size":"1","side":"BUY"}]}"#, &mut out).is_err());
        assert!(parse_frame("{", &mut out).is_err());
    }
}
