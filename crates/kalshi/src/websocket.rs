//! Kalshi's `orderbook_delta` channel: a signed upgrade, `subscribe` with the market tickers, a
//! snapshot per market, then deltas. `seq` is strictly +1 per subscription: a gap is terminal —
//! the books are announced unknown and the connection is made anew, which brings fresh
//! snapshots. Silence past the watchdog reconnects as well.
//!
//! References: <https://docs.kalshi.com/websockets/orderbook-updates>

use std::collections::HashMap;
use std::sync::Arc;

use crossbook_model::{BookEvent, Price, Qty, Venue};
use crossbook_net::text::Text;
use crossbook_net::ws::{Message, Reconnects, StreamConfig, connect};
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::mpsc;

use crate::KalshiSigner;

/// A frame, in one pass: the envelope and the fields of the book types' `msg`.
#[derive(Deserialize)]
struct Wire<'a> {
    #[serde(rename = "type", borrow)]
    kind: Text<'a>,
    sid: Option<u64>,
    seq: Option<u64>,
    #[serde(default, borrow)]
    msg: Option<Msg<'a>>,
}

/// The type alone (to tell a malformed book frame from another type's frame).
#[derive(Deserialize)]
struct Head<'a> {
    #[serde(rename = "type", borrow)]
    kind: Text<'a>,
}

/// `msg` of `orderbook_snapshot` (each side's levels as `[price, size]` decimal strings; a side
/// with no orders may be absent or null), of `orderbook_delta`, and of `error`.
#[derive(Deserialize)]
struct Msg<'a> {
    #[serde(default, borrow)]
    market_ticker: Option<Text<'a>>,
    #[serde(default, borrow)]
    yes_dollars_fp: Option<Vec<(Text<'a>, Text<'a>)>>,
    #[serde(default, borrow)]
    no_dollars_fp: Option<Vec<(Text<'a>, Text<'a>)>>,
    #[serde(default, borrow)]
    price_dollars: Option<Text<'a>>,
    #[serde(default, borrow)]
    delta_fp: Option<Text<'a>>,
    #[serde(default, borrow)]
    side: Option<Text<'a>>,
    /// An error's text.
    #[serde(default, borrow)]
    msg: Option<Text<'a>>,
}

fn field<'a>(v: Option<Text<'a>>, name: &str) -> Result<Text<'a>, String> {
    v.ok_or_else(|| format!("msg.{name} missing"))
}

fn levels(side: &str, v: Option<Vec<(Text<'_>, Text<'_>)>>) -> Result<Vec<(Price, Qty)>, String> {
    v.unwrap_or_default()
        .iter()
        .map(|(p, q)| {
            Ok((
                p.parse().map_err(|_| format!("msg.{side}: price {p}"))?,
                q.parse().map_err(|_| format!("msg.{side}: size {q}"))?,
            ))
        })
        .collect()
}

/// What one frame means.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    /// A book event with its subscription and sequence.
    Book { sid: u64, seq: u64, event: BookEvent },
    /// Subscription acknowledged, or anything else to skip.
    Other,
}

/// Parses one text frame (current `_fp`/`_dollars` shape) straight into its typed parts.
pub fn parse_frame(text: &str) -> Result<Frame, String> {
    let wire: Wire = match serde_json::from_str(text) {
        Ok(w) => w,
        Err(e) => {
            // Another type's frame whose fields do not fit the book types' is skipped.
            let head: Head = serde_json::from_str(text).map_err(|_| format!("not a frame: {e}"))?;
            return match head.kind.as_ref() {
                "orderbook_snapshot" | "orderbook_delta" | "error" => Err(format!("msg: {e}")),
                _ => Ok(Frame::Other),
            };
        }
    };
    let event = match (wire.kind.as_ref(), wire.msg) {
        ("orderbook_snapshot", Some(m)) => BookEvent::KalshiSnapshot {
            ticker: field(m.market_ticker, "market_ticker")?.into_owned(),
            yes: levels("yes_dollars_fp", m.yes_dollars_fp)?,
            no: levels("no_dollars_fp", m.no_dollars_fp)?,
        },
        ("orderbook_delta", Some(m)) => {
            let price = field(m.price_dollars, "price_dollars")?;
            BookEvent::KalshiDelta {
                ticker: field(m.market_ticker, "market_ticker")?.into_owned(),
                yes: match field(m.side, "side")?.as_ref() {
                    "yes" => true,
                    "no" => false,
                    other => return Err(format!("msg.side: {other}")),
                },
                price: price.parse().map_err(|_| format!("msg.price_dollars: {price}"))?,
                delta: crossbook_model::money::parse_micros(&field(m.delta_fp, "delta_fp")?)
                    .map_err(|e| format!("msg.delta_fp: {e}"))?,
            }
        }
        ("orderbook_snapshot" | "orderbook_delta", None) => return Err("msg missing".into()),
        ("error", m) => {
            return Err(format!("venue error: {}", m.and_then(|m| m.msg).map(Text::into_owned).unwrap_or_default()));
        }
        _ => return Ok(Frame::Other),
    };
    Ok(Frame::Book { sid: wire.sid.ok_or("sid missing")?, seq: wire.seq.ok_or("seq missing")?, event })
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
