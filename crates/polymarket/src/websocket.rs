//! The CLOB market channel: subscribe with `{"type":"market","assets_ids":[…]}`, read an initial
//! dump (an array of `book` events), then `book` and `price_change` events (absolute sizes; a
//! frame may be one event or an array). Text `PING` every few seconds; a watchdog on data turns
//! silence into a reconnect (the socket can freeze while still answering PING). Every
//! reconnect first announces that the books are unknown.
//!
//! References: <https://docs.polymarket.com/developers/CLOB/websocket/market-channel>

use crossbook_model::{BookEvent, Price, Qty, Venue};
use crossbook_net::text::Text;
use crossbook_net::ws::{Message, Reconnects, StreamConfig, connect};
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::value::RawValue;
use tokio::sync::mpsc;

/// Most assets on one connection.
pub const MAX_ASSETS: usize = 500;

/// One event of the market channel, with the fields of the book types; the others are skipped.
#[derive(Deserialize)]
struct Item<'a> {
    #[serde(default, borrow)]
    event_type: Option<Text<'a>>,
    #[serde(default, borrow)]
    asset_id: Option<Text<'a>>,
    #[serde(default, borrow)]
    bids: Option<Vec<Level<'a>>>,
    #[serde(default, borrow)]
    asks: Option<Vec<Level<'a>>>,
    /// Current `price_change` shape; `changes` (with a top-level `asset_id`) is the legacy one.
    #[serde(default, borrow)]
    price_changes: Option<Vec<Change<'a>>>,
    #[serde(default, borrow)]
    changes: Option<Vec<Change<'a>>>,
    /// `tick_size_change`'s new tick.
    #[serde(default, borrow)]
    new_tick_size: Option<Text<'a>>,
}

/// The event type alone (to tell which event of a frame failed to read).
#[derive(Deserialize)]
struct Head<'a> {
    #[serde(default, borrow)]
    event_type: Option<Text<'a>>,
}

#[derive(Deserialize)]
struct Level<'a> {
    #[serde(borrow)]
    price: Text<'a>,
    #[serde(borrow)]
    size: Text<'a>,
}

#[derive(Deserialize)]
struct Change<'a> {
    #[serde(default, borrow)]
    asset_id: Option<Text<'a>>,
    #[serde(borrow)]
    price: Text<'a>,
    #[serde(borrow)]
    size: Text<'a>,
    #[serde(borrow)]
    side: Text<'a>,
}

fn levels(path: impl Fn() -> String, v: Option<Vec<Level<'_>>>) -> Result<Vec<(Price, Qty)>, String> {
    let v = v.ok_or_else(|| format!("{} missing", path()))?;
    v.iter()
        .map(|l| match (l.price.parse(), l.size.parse()) {
            (Ok(p), Ok(q)) => Ok((p, q)),
            _ => Err(format!("{}: level {} × {}", path(), l.price, l.size)),
        })
        .collect()
}

/// The book events of event `i` of a frame.
fn events_of(i: usize, e: Item<'_>, out: &mut Vec<BookEvent>) -> Result<(), String> {
    match e.event_type.as_deref() {
        Some("book") => {
            let token = e.asset_id.ok_or_else(|| format!("[{i}].asset_id missing"))?.into_owned();
            let bids = levels(|| format!("[{i}].bids"), e.bids)?;
            let asks = levels(|| format!("[{i}].asks"), e.asks)?;
            out.push(BookEvent::PolySnapshot { token, bids, asks });
        }
        Some("price_change") => {
            let (list, top) = match e.price_changes {
                Some(l) => (l, None),
                None => (e.changes.ok_or_else(|| format!("[{i}].price_changes missing"))?, e.asset_id),
            };
            for (j, c) in list.into_iter().enumerate() {
                let path = || format!("[{i}].price_changes[{j}]");
                let token = c.asset_id.or_else(|| top.clone()).ok_or_else(|| format!("{}.asset_id missing", path()))?;
                let price = c.price.parse().map_err(|_| format!("{}.price: {}", path(), c.price))?;
                let size = c.size.parse().map_err(|_| format!("{}.size: {}", path(), c.size))?;
                let bid = match c.side.as_ref() {
                    "BUY" => true,
                    "SELL" => false,
                    other => return Err(format!("{}.side: {other}", path())),
                };
                out.push(BookEvent::PolyLevel { token: token.into_owned(), bid, price, size });
            }
        }
        Some("tick_size_change") => {
            let token = e.asset_id.ok_or_else(|| format!("[{i}].asset_id missing"))?.into_owned();
            let tick = e.new_tick_size.ok_or_else(|| format!("[{i}].new_tick_size missing"))?;
            let tick = tick.parse().map_err(|_| format!("[{i}].new_tick_size: {tick}"))?;
            out.push(BookEvent::PolyTick { token, tick });
        }
        _ => {}
    }
    Ok(())
}

/// Parses one frame (one event or an array of them) into book events, straight into typed
/// parts; event types other than `book`, `price_change` and `tick_size_change` are skipped, a malformed book event
/// fails the frame with its path.
pub fn parse_frame(text: &str, out: &mut Vec<BookEvent>) -> Result<(), String> {
    let many = text.trim_start().starts_with('[');
    let typed = if many {
        serde_json::from_str::<Vec<Item>>(text)
            .map(|items| items.into_iter().enumerate().try_for_each(|(i, e)| events_of(i, e, out)))
    } else {
        serde_json::from_str::<Item>(text).map(|e| events_of(0, e, out))
    };
    match typed {
        Ok(result) => result,
        // Some event did not fit the book types' fields: read them one by one, skipping the
        // other types and naming the book event that failed.
        Err(_) => {
            let items: Vec<&RawValue> = if many {
                serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?
            } else {
                vec![serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?]
            };
            for (i, raw) in items.into_iter().enumerate() {
                let head: Head = serde_json::from_str(raw.get()).map_err(|e| format!("[{i}]: {e}"))?;
                if matches!(head.event_type.as_deref(), Some("book" | "price_change" | "tick_size_change")) {
                    let e: Item = serde_json::from_str(raw.get()).map_err(|e| format!("[{i}]: {e}"))?;
                    events_of(i, e, out)?;
                }
            }
            Ok(())
        }
    }
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

/// A game's state from the sports socket (`sport_result`); the fields crossbook does not read
/// are kept as sent (a recording writes the message back whole).
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
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
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
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
        // An event of another type whose fields do not fit the book types' is skipped; the
        // book event beside it is read.
        out.clear();
        let mixed = r#"[{"event_type":"new_market","bids":"n/a","asset_id":7},{"event_type":"book","asset_id":"C","bids":[],"asks":[{"price":"0.6","size":"5"}]}]"#;
        parse_frame(mixed, &mut out).unwrap();
        assert!(
            matches!(&out[..], [BookEvent::PolySnapshot { token, bids, asks }] if token == "C" && bids.is_empty() && asks.len() == 1)
        );
        // A tick change, with a price written as the venue's docs write them.
        out.clear();
        let tick = r#"{"event_type":"tick_size_change","asset_id":"C","market":"0x","old_tick_size":"0.01","new_tick_size":".001"}"#;
        parse_frame(tick, &mut out).unwrap();
        assert!(matches!(&out[..], [BookEvent::PolyTick { token, tick }] if token == "C" && tick.micros() == 1_000));
        let bad = r#"[{"event_type":"last_trade_price"},{"event_type":"book","asset_id":"C","bids":[{"price":"0.6"}],"asks":[]}]"#;
        assert!(parse_frame(bad, &mut out).unwrap_err().starts_with("[1]"));
    }
}
