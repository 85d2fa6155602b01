//! Kalshi's socket: a signed upgrade, then two subscriptions on one connection —
//! `orderbook_delta` for the watched tickers (a snapshot per market, then deltas) and
//! `market_lifecycle_v2` (every market's state changes, and events' fee overrides).
//!
//! The price convention is explicit: the subscription sets `use_yes_price: false`, so NO-side
//! levels are NO bids at NO prices (the venue announced YES prices as a future default; a
//! silent flip would invert books — the desk refuses a snapshot whose YES bid and NO bid add up
//! to a dollar or more, which a flipped book does). Both schemas are read: the current one
//! (`*_dollars_fp` levels, `delta_fp`) and the 2025 one (`yes`/`no` cents and integer counts,
//! `yes_dollars` with integer counts, `price`/`delta`).
//!
//! `seq` is strictly +1 per subscription and every message that carries one consumes it
//! (`ok` acks too): a gap is terminal — the books are announced unknown and the connection is
//! made anew, which brings fresh snapshots. Silence past the watchdog reconnects as well.
//! Message types crossbook does not act on are counted by name; a frame it cannot read is
//! counted, logged with its path and skipped.
//!
//! References: <https://docs.kalshi.com/websockets/orderbook-updates>,
//! <https://docs.kalshi.com/websockets/market-and-event-lifecycle>

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crossbook_model::{BookEvent, MarketState, Price, Qty, Venue};
use crossbook_net::text::{Decimal, Text};
use crossbook_net::ws::{FrameCounts, Message, Reconnects, StreamConfig, connect};
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::mpsc;

use crate::KalshiSigner;

/// A frame, in one pass: the envelope and the fields of the types' `msg` that crossbook reads.
#[derive(Deserialize)]
struct Wire<'a> {
    #[serde(rename = "type", borrow)]
    kind: Text<'a>,
    sid: Option<u64>,
    seq: Option<u64>,
    #[serde(default, borrow)]
    msg: Option<Msg<'a>>,
}

/// The type alone (to tell a malformed frame of a type crossbook reads from another type's).
#[derive(Deserialize)]
struct Head<'a> {
    #[serde(rename = "type", borrow)]
    kind: Text<'a>,
}

/// `msg` of the types crossbook reads. A side with no orders may be absent or null.
#[derive(Deserialize)]
struct Msg<'a> {
    #[serde(default, borrow)]
    market_ticker: Option<Text<'a>>,
    // Snapshot, current form: `[price_dollars, count_fp]` strings.
    #[serde(default, borrow)]
    yes_dollars_fp: Option<Vec<(Text<'a>, Text<'a>)>>,
    #[serde(default, borrow)]
    no_dollars_fp: Option<Vec<(Text<'a>, Text<'a>)>>,
    // Snapshot, 2025 form: dollar strings with integer counts, and integer cents.
    #[serde(default, borrow)]
    yes_dollars: Option<Vec<(Decimal<'a>, Decimal<'a>)>>,
    #[serde(default, borrow)]
    no_dollars: Option<Vec<(Decimal<'a>, Decimal<'a>)>>,
    #[serde(default)]
    yes: Option<Vec<(i64, i64)>>,
    #[serde(default)]
    no: Option<Vec<(i64, i64)>>,
    // Delta: `price_dollars` + `delta_fp` (current), `price` cents + integer `delta` (2025).
    #[serde(default, borrow)]
    price_dollars: Option<Text<'a>>,
    #[serde(default, borrow)]
    delta_fp: Option<Text<'a>>,
    #[serde(default)]
    price: Option<i64>,
    #[serde(default, borrow)]
    delta: Option<Decimal<'a>>,
    #[serde(default, borrow)]
    side: Option<Text<'a>>,
    // market_lifecycle_v2.
    #[serde(default, borrow)]
    event_type: Option<Text<'a>>,
    #[serde(default)]
    is_deactivated: Option<bool>,
    // event_fee_update.
    #[serde(default, borrow)]
    event_ticker: Option<Text<'a>>,
    #[serde(default, borrow)]
    fee_type_override: Option<Text<'a>>,
    #[serde(default, borrow)]
    fee_multiplier_override: Option<Decimal<'a>>,
    // error.
    #[serde(default)]
    code: Option<i64>,
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

/// A side of a 2025-form snapshot: dollar strings with counts, else integer cents.
fn levels_2025(
    side: &str,
    dollars: Option<Vec<(Decimal<'_>, Decimal<'_>)>>,
    cents: Option<Vec<(i64, i64)>>,
) -> Result<Vec<(Price, Qty)>, String> {
    if let Some(d) = dollars {
        return d
            .iter()
            .map(|(p, q)| {
                Ok((
                    p.parse().map_err(|_| format!("msg.{side}_dollars: price {p}"))?,
                    q.parse().map_err(|_| format!("msg.{side}_dollars: size {q}"))?,
                ))
            })
            .collect();
    }
    cents
        .unwrap_or_default()
        .iter()
        .map(|&(c, n)| {
            Ok((
                Price::from_cents(c).map_err(|e| format!("msg.{side}: price {c}: {e}"))?,
                Qty::from_whole(n).map_err(|e| format!("msg.{side}: size {n}: {e}"))?,
            ))
        })
        .collect()
}

/// The state a `market_lifecycle_v2` message puts its market in, if it changes tradability.
pub fn lifecycle_state(event_type: &str, is_deactivated: Option<bool>) -> Option<MarketState> {
    match (event_type, is_deactivated) {
        ("deactivated", _) | (_, Some(true)) => Some(MarketState::Paused),
        ("activated", _) => Some(MarketState::Open),
        ("determined", _) => Some(MarketState::Resolving),
        ("settled", _) => Some(MarketState::Resolved),
        _ => None,
    }
}

/// What one frame means.
#[derive(Debug, PartialEq, Eq)]
pub struct Frame {
    /// The subscription it belongs to, and its place in that subscription's sequence.
    pub sid: Option<u64>,
    pub seq: Option<u64>,
    pub body: Body,
}

/// A frame's content.
#[derive(Debug, PartialEq, Eq)]
pub enum Body {
    /// A change crossbook acts on: a book, a market's state, an event's fees.
    Event(BookEvent),
    /// A reply to a command (`subscribed`, `ok`, `unsubscribed`, `list_subscriptions`).
    Control,
    /// A message type (or lifecycle event type) crossbook reads and does not act on, by name.
    Skipped(String),
    /// The venue's `error` reply.
    VenueError { code: Option<i64>, message: String },
}

/// Parses one text frame straight into its typed parts.
pub fn parse_frame(text: &str) -> Result<Frame, String> {
    let wire: Wire = match serde_json::from_str(text) {
        Ok(w) => w,
        Err(e) => {
            let head: Head = serde_json::from_str(text).map_err(|_| format!("not a frame: {e}"))?;
            return match head.kind.as_ref() {
                "orderbook_snapshot" | "orderbook_delta" | "market_lifecycle_v2" | "event_fee_update" | "error" => {
                    Err(format!("{}: msg: {e}", head.kind))
                }
                // Another type whose fields do not fit the read types' is skipped by name.
                other => Ok(Frame { sid: None, seq: None, body: Body::Skipped(other.to_string()) }),
            };
        }
    };
    let (sid, seq) = (wire.sid, wire.seq);
    let body = match (wire.kind.as_ref(), wire.msg) {
        ("orderbook_snapshot", Some(m)) => {
            let ticker = field(m.market_ticker, "market_ticker")?.into_owned();
            let current = m.yes_dollars_fp.is_some() || m.no_dollars_fp.is_some();
            let (yes, no) = if current
                || (m.yes_dollars.is_none() && m.yes.is_none() && m.no_dollars.is_none() && m.no.is_none())
            {
                (levels("yes_dollars_fp", m.yes_dollars_fp)?, levels("no_dollars_fp", m.no_dollars_fp)?)
            } else {
                (levels_2025("yes", m.yes_dollars, m.yes)?, levels_2025("no", m.no_dollars, m.no)?)
            };
            Body::Event(BookEvent::KalshiSnapshot { ticker, yes, no })
        }
        ("orderbook_delta", Some(m)) => {
            let price = match (m.price_dollars, m.price) {
                (Some(p), _) => p.parse().map_err(|_| format!("msg.price_dollars: {p}"))?,
                (None, Some(c)) => Price::from_cents(c).map_err(|e| format!("msg.price: {c}: {e}"))?,
                (None, None) => return Err("msg.price_dollars missing".into()),
            };
            let delta = match (m.delta_fp, m.delta) {
                (Some(d), _) => crossbook_model::money::parse_micros(&d).map_err(|e| format!("msg.delta_fp: {e}"))?,
                (None, Some(d)) => crossbook_model::money::parse_micros(&d).map_err(|e| format!("msg.delta: {e}"))?,
                (None, None) => return Err("msg.delta_fp missing".into()),
            };
            Body::Event(BookEvent::KalshiDelta {
                ticker: field(m.market_ticker, "market_ticker")?.into_owned(),
                yes: match field(m.side, "side")?.as_ref() {
                    "yes" => true,
                    "no" => false,
                    other => return Err(format!("msg.side: {other}")),
                },
                price,
                delta,
            })
        }
        ("market_lifecycle_v2", Some(m)) => {
            let kind = field(m.event_type, "event_type")?;
            match lifecycle_state(&kind, m.is_deactivated) {
                Some(state) => Body::Event(BookEvent::MarketState {
                    venue: Venue::Kalshi,
                    book: field(m.market_ticker, "market_ticker")?.into_owned(),
                    state,
                }),
                None => Body::Skipped(format!("market_lifecycle_v2/{kind}")),
            }
        }
        ("event_fee_update", Some(m)) => {
            let event_ticker = field(m.event_ticker, "event_ticker")?.into_owned();
            let fees = match (m.fee_type_override, m.fee_multiplier_override) {
                (None, None) => None,
                (fee_type, multiplier) => {
                    Some(crate::http::parse::schedule_of(fee_type.as_deref(), multiplier.as_deref()))
                }
            };
            Body::Event(BookEvent::KalshiFees { event_ticker, fees })
        }
        ("orderbook_snapshot" | "orderbook_delta" | "market_lifecycle_v2" | "event_fee_update", None) => {
            return Err(format!("{}: msg missing", wire.kind));
        }
        ("error", m) => {
            let (code, message) = m.map(|m| (m.code, m.msg.map(Text::into_owned))).unwrap_or_default();
            Body::VenueError { code, message: message.unwrap_or_default() }
        }
        ("subscribed" | "ok" | "unsubscribed" | "list_subscriptions", _) => Body::Control,
        (other, _) => Body::Skipped(other.to_string()),
    };
    Ok(Frame { sid, seq, body })
}

/// The commands sent on connecting: the books of `tickers` (their NO side in NO prices,
/// stated), and the lifecycle channel.
pub fn subscriptions(tickers: &[String]) -> [serde_json::Value; 2] {
    [
        json!({"id": 1, "cmd": "subscribe", "params": {
            "channels": ["orderbook_delta"], "market_tickers": tickers, "use_yes_price": false}}),
        json!({"id": 2, "cmd": "subscribe", "params": {"channels": ["market_lifecycle_v2"]}}),
    ]
}

/// Streams `tickers` into `tx` until `tx` closes, reconnecting as needed.
pub async fn run_orderbook_stream(
    url: String,
    signer: Option<Arc<KalshiSigner>>,
    tickers: Vec<String>,
    tx: mpsc::Sender<BookEvent>,
    cfg: StreamConfig,
    counts: Arc<FrameCounts>,
) {
    let mut reconnects = Reconnects::new(cfg.backoff);
    let watched: HashSet<String> = tickers.iter().cloned().collect();
    loop {
        match session(&url, signer.as_deref(), &tickers, &watched, &tx, cfg, &counts, &mut reconnects).await {
            Ok(()) => return,
            Err(reason) => {
                tracing::warn!(venue = "kalshi", %reason, "socket lost; reconnecting");
                if tx.send(BookEvent::Invalidated { venue: Venue::Kalshi, reason }).await.is_err() {
                    return;
                }
            }
        }
        reconnects.wait().await;
    }
}

#[allow(clippy::too_many_arguments)]
async fn session(
    url: &str,
    signer: Option<&KalshiSigner>,
    tickers: &[String],
    watched: &HashSet<String>,
    tx: &mpsc::Sender<BookEvent>,
    cfg: StreamConfig,
    counts: &FrameCounts,
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
    for sub in subscriptions(tickers) {
        sink.send(Message::Text(sub.to_string().into())).await.map_err(|e| e.to_string())?;
    }
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
                let frame = match parse_frame(&text) {
                    Ok(f) => f,
                    Err(path) => {
                        counts.malformed();
                        tracing::warn!(venue = "kalshi", %path, "malformed frame skipped");
                        continue;
                    }
                };
                if let (Some(sid), Some(seq)) = (frame.sid, frame.seq) {
                    if let Some(last) = last_seq.get(&sid)
                        && seq != last + 1
                    {
                        return Err(format!("sequence gap on sid {sid}: expected {}, got {seq}", last + 1));
                    }
                    last_seq.insert(sid, seq);
                }
                let event = match frame.body {
                    Body::Event(e) => e,
                    Body::Control => continue,
                    Body::Skipped(kind) => {
                        counts.skip(&kind);
                        continue;
                    }
                    Body::VenueError { code, message } => {
                        counts.skip("error");
                        tracing::warn!(venue = "kalshi", ?code, %message, "the venue refused a command");
                        continue;
                    }
                };
                // The lifecycle channel tells of every market: only the watched ones matter.
                if let BookEvent::MarketState { book, .. } = &event
                    && !watched.contains(book)
                {
                    continue;
                }
                if matches!(event, BookEvent::KalshiSnapshot { .. } | BookEvent::KalshiDelta { .. }) {
                    reconnects.established();
                }
                if tx.send(event).await.is_err() {
                    return Ok(());
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

    fn event(text: &str) -> BookEvent {
        match parse_frame(text).unwrap().body {
            Body::Event(e) => e,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn parses_snapshots_and_deltas() {
        let snap = r#"{"type":"orderbook_snapshot","sid":2,"seq":1,"msg":{"market_ticker":"T","market_id":"x","yes_dollars_fp":[["0.0800","300.00"]]}}"#;
        let f = parse_frame(snap).unwrap();
        assert_eq!((f.sid, f.seq), (Some(2), Some(1)));
        assert!(
            matches!(f.body, Body::Event(BookEvent::KalshiSnapshot { ticker, yes, no }) if ticker == "T" && yes.len() == 1 && no.is_empty())
        );
        let delta = r#"{"type":"orderbook_delta","sid":2,"seq":3,"msg":{"market_ticker":"T","price_dollars":"0.960","delta_fp":"-54.00","side":"yes","ts_ms":1}}"#;
        assert!(matches!(event(delta), BookEvent::KalshiDelta { yes: true, delta: -54_000_000, .. }));
        assert_eq!(
            parse_frame(r#"{"id":1,"type":"subscribed","msg":{"channel":"orderbook_delta","sid":2}}"#).unwrap().body,
            Body::Control
        );
        assert!(parse_frame(r#"{"type":"orderbook_delta","sid":2,"seq":3,"msg":{"market_ticker":"T","price_dollars":"0.9","delta_fp":"x","side":"yes"}}"#).is_err());
    }

    #[test]
    fn lifecycle_and_fee_overrides() {
        let paused = r#"{"type":"market_lifecycle_v2","sid":3,"seq":7,"msg":{"market_ticker":"T","event_type":"deactivated","is_deactivated":true}}"#;
        assert_eq!(
            event(paused),
            BookEvent::MarketState { venue: Venue::Kalshi, book: "T".into(), state: MarketState::Paused }
        );
        let other = r#"{"type":"market_lifecycle_v2","sid":3,"seq":8,"msg":{"market_ticker":"T","event_type":"close_date_updated","close_ts":1}}"#;
        assert_eq!(parse_frame(other).unwrap().body, Body::Skipped("market_lifecycle_v2/close_date_updated".into()));
        let fee = r#"{"type":"event_fee_update","sid":3,"msg":{"event_ticker":"E","fee_type_override":"quadratic","fee_multiplier_override":0.5}}"#;
        assert_eq!(
            event(fee),
            BookEvent::KalshiFees {
                event_ticker: "E".into(),
                fees: Some(crossbook_model::FeeSchedule::KalshiQuadratic {
                    taker_rate: 70_000,
                    maker_rate: 0,
                    multiplier: 500_000
                })
            }
        );
        let cleared = r#"{"type":"event_fee_update","sid":3,"msg":{"event_ticker":"E","fee_type_override":null,"fee_multiplier_override":null}}"#;
        assert_eq!(event(cleared), BookEvent::KalshiFees { event_ticker: "E".into(), fees: None });
    }

    #[test]
    fn the_subscription_states_its_price_convention() {
        let [books, lifecycle] = subscriptions(&["T".into()]);
        assert_eq!(books["params"]["use_yes_price"], false);
        assert_eq!(lifecycle["params"]["channels"][0], "market_lifecycle_v2");
    }
}
