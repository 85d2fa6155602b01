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

use crossbook_model::book_event::asks_from_no_bids;
use crossbook_model::{BookEvent, MarketState, Price, Qty, Venue};
use crossbook_net::session::{Change, Protocol, StreamError};
use crossbook_net::text::{Decimal, Text};
use crossbook_net::ws::{FrameCounts, StreamConfig};
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
    // subscribed.
    #[serde(default, borrow)]
    channel: Option<Text<'a>>,
    #[serde(default)]
    sid: Option<u64>,
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
    /// A subscription opened: its channel and `sid`.
    Subscribed { channel: String, sid: u64 },
    /// Another reply to a command (`ok`, `unsubscribed`, `list_subscriptions`).
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
            Body::Event(BookEvent::Snapshot {
                venue: Venue::Kalshi,
                book: ticker,
                bids: yes,
                asks: asks_from_no_bids(&no),
            })
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
            // A NO bid at p is a YES ask at 1 − p.
            let yes = match field(m.side, "side")?.as_ref() {
                "yes" => true,
                "no" => false,
                other => return Err(format!("msg.side: {other}")),
            };
            Body::Event(BookEvent::Delta {
                venue: Venue::Kalshi,
                book: field(m.market_ticker, "market_ticker")?.into_owned(),
                bid: yes,
                price: if yes { price } else { price.complement() },
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
            Body::Event(BookEvent::Fees { venue: Venue::Kalshi, event: event_ticker, fees })
        }
        ("orderbook_snapshot" | "orderbook_delta" | "market_lifecycle_v2" | "event_fee_update", None) => {
            return Err(format!("{}: msg missing", wire.kind));
        }
        ("error", m) => {
            let (code, message) = m.map(|m| (m.code, m.msg.map(Text::into_owned))).unwrap_or_default();
            Body::VenueError { code, message: message.unwrap_or_default() }
        }
        ("subscribed", Some(Msg { channel: Some(channel), sid: Some(sid), .. })) => {
            Body::Subscribed { channel: channel.into_owned(), sid }
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
        books_subscription(1, tickers),
        json!({"id": 2, "cmd": "subscribe", "params": {"channels": ["market_lifecycle_v2"]}}),
    ]
}

fn books_subscription(id: u64, tickers: &[String]) -> serde_json::Value {
    json!({"id": id, "cmd": "subscribe", "params": {
        "channels": ["orderbook_delta"], "market_tickers": tickers, "use_yes_price": false}})
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
    crossbook_net::session::run_fixed(url, BookStream::new(signer, tickers), tx, cfg, counts).await;
}

/// Where this connection's `orderbook_delta` subscription stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BooksSub {
    /// None (no book watched).
    None,
    /// Asked for; its `sid` not known yet (changes wait for it).
    Pending,
    /// Open under this `sid`: changes go to it with `update_subscription`.
    Open(u64),
}

/// Kalshi's socket protocol for a set of books: the books and lifecycle subscriptions, books
/// added and dropped on the open subscription (`update_subscription` `add_markets` /
/// `delete_markets`), every subscription's `seq` checked.
#[derive(Debug)]
pub struct BookStream {
    signer: Option<Arc<KalshiSigner>>,
    books: HashSet<String>,
    sub: BooksSub,
    /// Changes made while the subscription was pending.
    waiting: Vec<Change>,
    last_seq: HashMap<u64, u64>,
    next_id: u64,
}

impl BookStream {
    pub fn new(signer: Option<Arc<KalshiSigner>>, tickers: Vec<String>) -> Self {
        Self {
            signer,
            books: tickers.into_iter().collect(),
            sub: BooksSub::None,
            waiting: Vec::new(),
            last_seq: HashMap::new(),
            next_id: 1,
        }
    }

    fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    fn sorted(&self) -> Vec<String> {
        let mut v: Vec<String> = self.books.iter().cloned().collect();
        v.sort();
        v
    }

    /// The commands that make `c` on the open subscription `sid`.
    fn update(&mut self, sid: u64, c: Change) -> Vec<String> {
        let mut out = Vec::new();
        if !c.add.is_empty() {
            let id = self.id();
            out.push(json!({"id": id, "cmd": "update_subscription", "params": {
                "sids": [sid], "market_tickers": c.add, "action": "add_markets"}}));
        }
        if !c.remove.is_empty() {
            let id = self.id();
            if self.books.is_empty() {
                // A books subscription needs a ticker: with none left it is dropped whole.
                out.push(json!({"id": id, "cmd": "unsubscribe", "params": {"sids": [sid]}}));
                self.sub = BooksSub::None;
                self.last_seq.remove(&sid);
            } else {
                out.push(json!({"id": id, "cmd": "update_subscription", "params": {
                    "sids": [sid], "market_tickers": c.remove, "action": "delete_markets"}}));
            }
        }
        out.into_iter().map(|v| v.to_string()).collect()
    }
}

impl Protocol for BookStream {
    type Item = BookEvent;

    fn venue(&self) -> &'static str {
        "kalshi"
    }

    fn headers(&self, url: &str) -> Result<Vec<(&'static str, String)>, StreamError> {
        match &self.signer {
            Some(s) => s
                .headers_at(chrono::Utc::now().timestamp_millis(), "GET", &crossbook_net::url_path(url))
                .map_err(|e| StreamError::Signing(e.to_string())),
            None => Ok(Vec::new()),
        }
    }

    fn hello(&mut self) -> Vec<String> {
        self.last_seq.clear();
        self.waiting.clear();
        self.next_id = 2;
        let [books, lifecycle] = subscriptions(&self.sorted());
        if self.books.is_empty() {
            self.sub = BooksSub::None;
            vec![lifecycle.to_string()]
        } else {
            self.sub = BooksSub::Pending;
            vec![books.to_string(), lifecycle.to_string()]
        }
    }

    fn change(&mut self, c: Change) -> Vec<String> {
        for b in &c.remove {
            self.books.remove(b);
        }
        self.books.extend(c.add.iter().cloned());
        match self.sub {
            BooksSub::Open(sid) => self.update(sid, c),
            BooksSub::Pending => {
                self.waiting.push(c);
                Vec::new()
            }
            BooksSub::None if self.books.is_empty() => Vec::new(),
            BooksSub::None => {
                self.sub = BooksSub::Pending;
                let id = self.id();
                vec![books_subscription(id, &self.sorted()).to_string()]
            }
        }
    }

    fn read(
        &mut self,
        text: &str,
        out: &mut Vec<BookEvent>,
        replies: &mut Vec<String>,
        counts: &FrameCounts,
    ) -> Result<bool, StreamError> {
        let frame = match parse_frame(text) {
            Ok(f) => f,
            Err(path) => {
                counts.malformed();
                tracing::warn!(venue = "kalshi", %path, "malformed frame skipped");
                return Ok(true);
            }
        };
        if let (Some(sid), Some(seq)) = (frame.sid, frame.seq) {
            if let Some(last) = self.last_seq.get(&sid)
                && seq != last + 1
            {
                return Err(StreamError::SequenceGap { sid, expected: last + 1, got: seq });
            }
            self.last_seq.insert(sid, seq);
        }
        let event = match frame.body {
            Body::Event(e) => e,
            Body::Subscribed { channel, sid } => {
                if channel == "orderbook_delta" && self.sub == BooksSub::Pending {
                    self.sub = BooksSub::Open(sid);
                    for c in std::mem::take(&mut self.waiting) {
                        replies.extend(self.update(sid, c));
                    }
                }
                return Ok(true);
            }
            Body::Control => return Ok(true),
            Body::Skipped(kind) => {
                counts.skip(&kind);
                return Ok(true);
            }
            Body::VenueError { code, message } => {
                counts.skip("error");
                tracing::warn!(venue = "kalshi", ?code, %message, "the venue refused a command");
                return Ok(true);
            }
        };
        // The lifecycle channel tells of every market: only the watched ones matter.
        if let BookEvent::MarketState { book, .. } = &event
            && !self.books.contains(book)
        {
            return Ok(true);
        }
        out.push(event);
        Ok(true)
    }

    fn lost(&self, reason: &StreamError) -> Option<BookEvent> {
        Some(BookEvent::Invalidated { venue: Venue::Kalshi, books: self.sorted(), reason: reason.to_string() })
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
            matches!(f.body, Body::Event(BookEvent::Snapshot { venue: Venue::Kalshi, book, bids, asks }) if book == "T" && bids.len() == 1 && asks.is_empty())
        );
        let delta = r#"{"type":"orderbook_delta","sid":2,"seq":3,"msg":{"market_ticker":"T","price_dollars":"0.960","delta_fp":"-54.00","side":"yes","ts_ms":1}}"#;
        assert!(matches!(event(delta), BookEvent::Delta { bid: true, delta: -54_000_000, .. }));
        let no = r#"{"type":"orderbook_delta","sid":2,"seq":4,"msg":{"market_ticker":"T","price_dollars":"0.570","delta_fp":"3.00","side":"no"}}"#;
        assert!(
            matches!(event(no), BookEvent::Delta { bid: false, price, .. } if price.to_string() == "0.43"),
            "a NO bid at 0.57 is a YES ask at 0.43"
        );
        assert_eq!(
            parse_frame(r#"{"id":1,"type":"subscribed","msg":{"channel":"orderbook_delta","sid":2}}"#).unwrap().body,
            Body::Subscribed { channel: "orderbook_delta".into(), sid: 2 }
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
            BookEvent::Fees {
                venue: Venue::Kalshi,
                event: "E".into(),
                fees: Some(crossbook_model::FeeSchedule::KalshiQuadratic {
                    taker_rate: 70_000,
                    maker_rate: 0,
                    multiplier: 500_000
                })
            }
        );
        let cleared = r#"{"type":"event_fee_update","sid":3,"msg":{"event_ticker":"E","fee_type_override":null,"fee_multiplier_override":null}}"#;
        assert_eq!(event(cleared), BookEvent::Fees { venue: Venue::Kalshi, event: "E".into(), fees: None });
    }

    #[test]
    fn changes_wait_for_the_books_sid_then_go_to_it() {
        let mut k = BookStream::new(None, vec!["A".into()]);
        let hello = k.hello();
        assert_eq!(hello.len(), 2);
        let counts = FrameCounts::default();
        let (mut out, mut replies) = (Vec::new(), Vec::new());
        // Before the venue names the subscription, a change waits.
        assert!(k.change(Change { add: vec!["B".into()], remove: vec![] }).is_empty());
        let subscribed = r#"{"type":"subscribed","id":1,"msg":{"channel":"orderbook_delta","sid":7}}"#;
        k.read(subscribed, &mut out, &mut replies, &counts).unwrap();
        let sent: Vec<serde_json::Value> = replies.iter().map(|r| serde_json::from_str(r).unwrap()).collect();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0]["cmd"], "update_subscription");
        assert_eq!(sent[0]["params"], json!({"sids": [7], "market_tickers": ["B"], "action": "add_markets"}));
        // On the open subscription a change goes at once; the last book dropped ends it.
        let del = k.change(Change { add: vec![], remove: vec!["A".into()] });
        assert_eq!(serde_json::from_str::<serde_json::Value>(&del[0]).unwrap()["params"]["action"], "delete_markets");
        let end = k.change(Change { add: vec![], remove: vec!["B".into()] });
        assert_eq!(serde_json::from_str::<serde_json::Value>(&end[0]).unwrap()["cmd"], "unsubscribe");
        // A book watched again opens a new subscription.
        let again = k.change(Change { add: vec!["C".into()], remove: vec![] });
        let again: serde_json::Value = serde_json::from_str(&again[0]).unwrap();
        assert_eq!((again["cmd"].as_str(), &again["params"]["market_tickers"]), (Some("subscribe"), &json!(["C"])));
        // The update's `ok` consumes the sequence like any frame: a skip after it is a gap.
        let mut k = BookStream::new(None, vec!["A".into()]);
        k.hello();
        k.read(subscribed, &mut out, &mut replies, &counts).unwrap();
        let ok = r#"{"type":"ok","id":2,"sid":7,"seq":1,"msg":{"market_tickers":["A","B"]}}"#;
        k.read(ok, &mut out, &mut replies, &counts).unwrap();
        let skipped = r#"{"type":"orderbook_delta","sid":7,"seq":3,"msg":{"market_ticker":"A","price_dollars":"0.5","delta_fp":"1.00","side":"yes"}}"#;
        assert!(matches!(
            k.read(skipped, &mut out, &mut replies, &counts),
            Err(StreamError::SequenceGap { sid: 7, expected: 2, got: 3 })
        ));
    }

    #[test]
    fn the_subscription_states_its_price_convention() {
        let [books, lifecycle] = subscriptions(&["T".into()]);
        assert_eq!(books["params"]["use_yes_price"], false);
        assert_eq!(lifecycle["params"]["channels"][0], "market_lifecycle_v2");
    }
}
