//! Kalshi's `orderbook_delta` channel: a signed upgrade, `subscribe` with the market tickers, a
//! snapshot per market, then deltas. `seq` is strictly +1 per subscription: a gap is terminal —
//! the books are announced unknown and the connection is made anew, which brings fresh
//! snapshots. Silence past the watchdog reconnects as well.
//!
//! References: <https://docs.kalshi.com/websockets/orderbook-updates>

use std::collections::HashMap;
use std::sync::Arc;

use crossbook_model::{BookEvent, Price, Qty, Venue};
use crossbook_net::ws::{Message, Reconnects, StreamConfig, connect};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::KalshiSigner;

fn levels(v: &Value) -> Option<Vec<(Price, Qty)>> {
    match v {
        Value::Null => Some(Vec::new()),
        Value::Array(a) => {
            a.iter().map(|l| Some((l.get(0)?.as_str()?.parse().ok()?, l.get(1)?.as_str()?.parse().ok()?))).collect()
        }
        _ => None,
    }
}

/// What one frame means.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    /// A book event with its subscription and sequence.
    Book { sid: u64, seq: u64, event: BookEvent },
    /// Subscription acknowledged, or anything else to skip.
    Other,
}

/// Parses one text frame (current `_fp`/`_dollars` shape).
pub fn parse_frame(text: &str) -> Result<Frame, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let (sid, seq) = (v["sid"].as_u64(), v["seq"].as_u64());
    let m = &v["msg"];
    let event = match v["type"].as_str() {
        Some("orderbook_snapshot") => BookEvent::KalshiSnapshot {
            ticker: m["market_ticker"].as_str().ok_or("msg.market_ticker missing")?.to_string(),
            yes: levels(&m["yes_dollars_fp"]).ok_or("msg.yes_dollars_fp malformed")?,
            no: levels(&m["no_dollars_fp"]).ok_or("msg.no_dollars_fp malformed")?,
        },
        Some("orderbook_delta") => {
            let delta = crossbook_model::money::parse_micros(m["delta_fp"].as_str().ok_or("msg.delta_fp missing")?)
                .map_err(|e| format!("msg.delta_fp: {e}"))?;
            BookEvent::KalshiDelta {
                ticker: m["market_ticker"].as_str().ok_or("msg.market_ticker missing")?.to_string(),
                yes: match m["side"].as_str() {
                    Some("yes") => true,
                    Some("no") => false,
                    _ => return Err("msg.side".into()),
                },
                price: m["price_dollars"].as_str().and_then(|p| p.parse().ok()).ok_or("msg.price_dollars")?,
                delta,
            }
        }
        Some("error") => return Err(format!("venue error: {}", m["msg"].as_str().unwrap_or(""))),
        _ => return Ok(Frame::Other),
    };
    Ok(Frame::Book { sid: sid.ok_or("sid missing")?, seq: seq.ok_or("seq missing")?, event })
}

/// Streams `tickers` into `tx` until `tx` closes, reconnecting as needed.
pub async fn run_orderbook_stream(
    url: String,
    signer: Option<Arc<KalshiSigner>>,
    tickers: Vec<String>,
    tx: mpsc::Sender<BookEvent>,
    cfg: StreamConfig,
) {
    let mut reconnects = Reconnects::new(cfg.backoff);
    loop {
        match session(&url, signer.as_deref(), &tickers, &tx, cfg, &mut reconnects).await {
            Ok(()) => return,
            Err(reason) => {
                tracing::warn!(venue = "kalshi", %reason, "orderbook socket lost; reconnecting");
                if tx.send(BookEvent::Invalidated { venue: Venue::Kalshi, reason }).await.is_err() {
                    return;
                }
            }
        }
        reconnects.wait().await;
    }
}

async fn session(
    url: &str,
    signer: Option<&KalshiSigner>,
    tickers: &[String],
    tx: &mpsc::Sender<BookEvent>,
    cfg: StreamConfig,
    reconnects: &mut Reconnects,
) -> Result<(), String> {
    let headers = match signer {
        Some(s) => s
            .headers_at(chrono::Utc::now().timestamp_millis(), "GET", &crossbook_net::url_path(url))
            .map_err(|e| format!("signing: {e}"))?,
        None => Vec::new(),
    };
    let ws = connect("kalshi", url, &headers).await.map_err(|e| e.to_string())?;
    let (mut sink, mut stream) = ws.split();
    let sub =
        json!({"id": 1, "cmd": "subscribe", "params": {"channels": ["orderbook_delta"], "market_tickers": tickers}});
    sink.send(Message::Text(sub.to_string().into())).await.map_err(|e| e.to_string())?;
    let mut last_seq: HashMap<u64, u64> = HashMap::new();
    let mut watchdog = tokio::time::interval(cfg.ping_every);
    let mut last_frame = tokio::time::Instant::now();
    loop {
        tokio::select! {
            frame = stream.next() => {
                last_frame = tokio::time::Instant::now();
                let text = match frame {
                    Some(Ok(Message::Text(t))) => t,
                    Some(Ok(Message::Close(_))) | None => return Err("closed by the venue".into()),
                    Some(Ok(_)) => continue, // pings are answered by the socket layer
                    Some(Err(e)) => return Err(e.to_string()),
                };
                match parse_frame(&text) {
                    Ok(Frame::Book { sid, seq, event }) => {
                        reconnects.established();
                        if let Some(last) = last_seq.get(&sid)
                            && seq != last + 1
                        {
                            return Err(format!("sequence gap on sid {sid}: expected {}, got {seq}", last + 1));
                        }
                        last_seq.insert(sid, seq);
                        if tx.send(event).await.is_err() {
                            return Ok(());
                        }
                    }
                    Ok(Frame::Other) => {}
                    Err(path) => tracing::warn!(venue = "kalshi", %path, "malformed frame skipped"),
                }
            }
            _ = watchdog.tick() => {
                if last_frame.elapsed() > cfg.silence {
                    return Err(format!("silent for {:?}", cfg.silence));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_snapshots_and_deltas() {
        let snap = r#"{"type":"orderbook_snapshot","sid":2,"seq":1,"msg":{"market_ticker":"T","market_id":"x","yes_dollars_fp":[["0.0800","300.00"]]}}"#;
        match parse_frame(snap).unwrap() {
            Frame::Book { sid: 2, seq: 1, event: BookEvent::KalshiSnapshot { ticker, yes, no } } => {
                assert_eq!((ticker.as_str(), yes.len(), no.len()), ("T", 1, 0));
            }
            other => panic!("{other:?}"),
        }
        let delta = r#"{"type":"orderbook_delta","sid":2,"seq":3,"msg":{"market_ticker":"T","price_dollars":"0.960","delta_fp":"-54.00","side":"yes","ts_ms":1}}"#;
        assert!(matches!(
            parse_frame(delta).unwrap(),
            Frame::Book { seq: 3, event: BookEvent::KalshiDelta { yes: true, delta: -54_000_000, .. }, .. }
        ));
        assert_eq!(
            parse_frame(r#"{"id":1,"type":"subscribed","msg":{"channel":"orderbook_delta","sid":2}}"#).unwrap(),
            Frame::Other
        );
        assert!(parse_frame(r#"{"type":"orderbook_delta","sid":2,"seq":3,"msg":{"market_ticker":"T","price_dollars":"0.9","delta_fp":"x","side":"yes"}}"#).is_err());
    }
}
