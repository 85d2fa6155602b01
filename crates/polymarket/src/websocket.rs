//! The CLOB market channel: subscribe with `{"type":"market","assets_ids":[…]}` (with the
//! custom features, which bring `market_resolved`), read an initial dump (an array of `book`
//! events), then `book`, `price_change` (absolute sizes), `tick_size_change` and
//! `market_resolved` events; a frame may be one event or an array, and each event of an array
//! stands alone (a malformed one is counted and skipped, the others are read). A `book` states
//! its market's tick (`tick_size`, sent only there). Other event types (`last_trade_price`,
//! `best_bid_ask`, `new_market`, …) are counted by name. Text `PING` every few seconds; a
//! watchdog on data turns silence into a reconnect (the socket can freeze while still answering
//! PING). Every reconnect first announces that the books are unknown.
//!
//! References: <https://docs.polymarket.com/developers/CLOB/websocket/market-channel>

use std::borrow::Cow;
use std::sync::Arc;

use crossbook_model::{BookEvent, MarketState, Price, Qty, Venue};
use crossbook_net::session::{self, Protocol, StreamError};
use crossbook_net::text::Text;
use crossbook_net::ws::{FrameCounts, StreamConfig};
use serde::Deserialize;
use serde_json::value::RawValue;
use tokio::sync::mpsc;

/// Most assets on one connection.
pub const MAX_ASSETS: usize = 500;

/// One event of the market channel, with the fields of the types crossbook reads; the others
/// are ignored.
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
    /// A `book`'s tick.
    #[serde(default, borrow)]
    tick_size: Option<Text<'a>>,
    /// Current `price_change` shape; `changes` (with a top-level `asset_id`) is the legacy one.
    #[serde(default, borrow)]
    price_changes: Option<Vec<Change<'a>>>,
    #[serde(default, borrow)]
    changes: Option<Vec<Change<'a>>>,
    /// `tick_size_change`'s new tick.
    #[serde(default, borrow)]
    new_tick_size: Option<Text<'a>>,
    /// `market_resolved`: the market's tokens.
    #[serde(default, borrow)]
    assets_ids: Option<Vec<Text<'a>>>,
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

/// The event types crossbook reads.
const READ: [&str; 4] = ["book", "price_change", "tick_size_change", "market_resolved"];

/// What a frame held besides its book events: the types skipped by name and the events that
/// could not be read (each with its path). Reused from frame to frame.
#[derive(Debug, Default)]
pub struct Notes {
    pub skipped: Vec<Cow<'static, str>>,
    pub malformed: Vec<String>,
}

impl Notes {
    pub fn clear(&mut self) {
        self.skipped.clear();
        self.malformed.clear();
    }

    /// Adds them to a socket's counts (and logs each malformed event with its path).
    pub fn count(&self, counts: &FrameCounts) {
        for k in &self.skipped {
            counts.skip(k);
        }
        for path in &self.malformed {
            counts.malformed();
            tracing::warn!(venue = "polymarket", %path, "malformed event skipped");
        }
    }
}

/// The name a skipped type is counted under (the usual ones without allocating).
fn skipped_name(kind: Option<&str>) -> Cow<'static, str> {
    match kind {
        Some("last_trade_price") => Cow::Borrowed("last_trade_price"),
        Some("best_bid_ask") => Cow::Borrowed("best_bid_ask"),
        Some("new_market") => Cow::Borrowed("new_market"),
        Some(other) => Cow::Owned(other.to_string()),
        None => Cow::Borrowed("(no event_type)"),
    }
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

/// The book events of event `i` of a frame, appended to `out` only when the whole event reads.
fn events_of(i: usize, e: Item<'_>, out: &mut Vec<BookEvent>, notes: &mut Notes) -> Result<(), String> {
    match e.event_type.as_deref() {
        Some("book") => {
            let token = e.asset_id.ok_or_else(|| format!("[{i}].asset_id missing"))?.into_owned();
            let bids = levels(|| format!("[{i}].bids"), e.bids)?;
            let asks = levels(|| format!("[{i}].asks"), e.asks)?;
            let tick = match e.tick_size {
                Some(t) => Some(t.parse::<Price>().map_err(|_| format!("[{i}].tick_size: {t}"))?),
                None => None,
            };
            out.push(BookEvent::Snapshot { venue: Venue::Polymarket, book: token.clone(), bids, asks });
            if let Some(tick) = tick.filter(|t| t.micros() > 0) {
                out.push(BookEvent::Tick { venue: Venue::Polymarket, book: token, tick });
            }
        }
        Some("price_change") => {
            let (list, top) = match e.price_changes {
                Some(l) => (l, None),
                None => (e.changes.ok_or_else(|| format!("[{i}].price_changes missing"))?, e.asset_id),
            };
            let mark = out.len();
            for (j, c) in list.into_iter().enumerate() {
                let read = (|| {
                    let path = || format!("[{i}].price_changes[{j}]");
                    let token =
                        c.asset_id.or_else(|| top.clone()).ok_or_else(|| format!("{}.asset_id missing", path()))?;
                    let price = c.price.parse().map_err(|_| format!("{}.price: {}", path(), c.price))?;
                    let size = c.size.parse().map_err(|_| format!("{}.size: {}", path(), c.size))?;
                    let bid = match c.side.as_ref() {
                        "BUY" => true,
                        "SELL" => false,
                        other => return Err(format!("{}.side: {other}", path())),
                    };
                    Ok(BookEvent::Level { venue: Venue::Polymarket, book: token.into_owned(), bid, price, size })
                })();
                match read {
                    Ok(ev) => out.push(ev),
                    Err(path) => {
                        out.truncate(mark);
                        return Err(path);
                    }
                }
            }
        }
        Some("tick_size_change") => {
            let token = e.asset_id.ok_or_else(|| format!("[{i}].asset_id missing"))?.into_owned();
            let tick = e.new_tick_size.ok_or_else(|| format!("[{i}].new_tick_size missing"))?;
            let tick = tick.parse().map_err(|_| format!("[{i}].new_tick_size: {tick}"))?;
            out.push(BookEvent::Tick { venue: Venue::Polymarket, book: token, tick });
        }
        Some("market_resolved") => {
            let tokens: Vec<String> = match (e.assets_ids, e.asset_id) {
                (Some(ids), _) if !ids.is_empty() => ids.into_iter().map(Text::into_owned).collect(),
                (_, Some(id)) => vec![id.into_owned()],
                _ => return Err(format!("[{i}].assets_ids missing")),
            };
            for book in tokens {
                out.push(BookEvent::MarketState { venue: Venue::Polymarket, book, state: MarketState::Resolved });
            }
        }
        other => notes.skipped.push(skipped_name(other)),
    }
    Ok(())
}

/// Parses one frame (one event or an array of them) into book events, straight into typed
/// parts. Each event stands alone: one that cannot be read is noted with its path and the
/// others are read; types crossbook does not read are noted by name. `Err` only when the frame
/// is not JSON at all.
pub fn parse_frame(text: &str, out: &mut Vec<BookEvent>, notes: &mut Notes) -> Result<(), String> {
    let many = text.trim_start().starts_with('[');
    // The fast path: every event fits the read types' fields.
    let typed = if many {
        serde_json::from_str::<Vec<Item>>(text).map(|items| {
            for (i, e) in items.into_iter().enumerate() {
                if let Err(path) = events_of(i, e, out, notes) {
                    notes.malformed.push(path);
                }
            }
        })
    } else {
        serde_json::from_str::<Item>(text).map(|e| {
            if let Err(path) = events_of(0, e, out, notes) {
                notes.malformed.push(path);
            }
        })
    };
    if typed.is_ok() {
        return Ok(());
    }
    // Some event did not fit: read them one by one.
    let items: Vec<&RawValue> = if many {
        serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?
    } else {
        vec![serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?]
    };
    for (i, raw) in items.into_iter().enumerate() {
        let kind = serde_json::from_str::<Head>(raw.get()).ok().and_then(|h| h.event_type);
        match kind.as_deref() {
            Some(k) if READ.contains(&k) => match serde_json::from_str::<Item>(raw.get()) {
                Ok(e) => {
                    if let Err(path) = events_of(i, e, out, notes) {
                        notes.malformed.push(path);
                    }
                }
                Err(e) => notes.malformed.push(format!("[{i}]: {e}")),
            },
            other => notes.skipped.push(skipped_name(other)),
        }
    }
    Ok(())
}

/// Streams `tokens` (at most [`MAX_ASSETS`]) into `tx` until `tx` closes, reconnecting as needed.
pub async fn run_market_stream(
    url: String,
    tokens: Vec<String>,
    tx: mpsc::Sender<BookEvent>,
    cfg: StreamConfig,
    counts: Arc<FrameCounts>,
) {
    session::run_fixed(url, MarketStream::new(tokens), tx, cfg, counts).await;
}

/// The market channel's protocol for a set of tokens: subscribed on connecting, then tokens
/// added and dropped on the open socket (`operation` `subscribe` / `unsubscribe`); text `PING`
/// keeps it alive and its `PONG` is not data.
#[derive(Debug, Default)]
pub struct MarketStream {
    tokens: std::collections::HashSet<String>,
    notes: Notes,
}

impl MarketStream {
    pub fn new(tokens: Vec<String>) -> Self {
        Self { tokens: tokens.into_iter().collect(), notes: Notes::default() }
    }

    fn sorted(&self) -> Vec<String> {
        let mut v: Vec<String> = self.tokens.iter().cloned().collect();
        v.sort();
        v
    }
}

impl Protocol for MarketStream {
    type Item = BookEvent;

    fn venue(&self) -> &'static str {
        "polymarket"
    }

    fn hello(&mut self) -> Vec<String> {
        let hello = serde_json::json!({"type": "market", "assets_ids": self.sorted(), "custom_feature_enabled": true, "initial_dump": true});
        vec![hello.to_string()]
    }

    fn change(&mut self, c: session::Change) -> Vec<String> {
        for t in &c.remove {
            self.tokens.remove(t);
        }
        self.tokens.extend(c.add.iter().cloned());
        let mut out = Vec::new();
        if !c.add.is_empty() {
            out.push(
                serde_json::json!({"assets_ids": c.add, "operation": "subscribe", "custom_feature_enabled": true})
                    .to_string(),
            );
        }
        if !c.remove.is_empty() {
            out.push(serde_json::json!({"assets_ids": c.remove, "operation": "unsubscribe"}).to_string());
        }
        out
    }

    fn ping(&self) -> Option<&'static str> {
        Some("PING")
    }

    fn read(
        &mut self,
        text: &str,
        out: &mut Vec<BookEvent>,
        _replies: &mut Vec<String>,
        counts: &FrameCounts,
    ) -> Result<bool, StreamError> {
        if text.trim() == "PONG" {
            return Ok(false); // liveness of the socket, not of the data
        }
        self.notes.clear();
        if let Err(path) = parse_frame(text, out, &mut self.notes) {
            counts.malformed();
            tracing::warn!(venue = "polymarket", %path, "malformed frame skipped");
            return Ok(true);
        }
        self.notes.count(counts);
        Ok(true)
    }

    fn lost(&self, reason: &StreamError) -> Option<BookEvent> {
        Some(BookEvent::Invalidated { venue: Venue::Polymarket, books: self.sorted(), reason: reason.to_string() })
    }
}

/// A game's state from the live-scores socket. Real frames are keyed by `gameId` (a number;
/// cricket's `metadataGameId`, a string) with `leagueAbbreviation`, and carry no `slug` (the
/// published asyncapi's example does; it is read when present). The fields crossbook does not
/// read are kept as sent (a recording writes the message back whole).
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SportResult {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub game_id: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata_game_id: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub league_abbreviation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

impl SportResult {
    /// The game it is about: its `gameId` (else `metadataGameId`) as text, else its slug.
    pub fn game_key(&self) -> Option<String> {
        let id = self.game_id.as_ref().or(self.metadata_game_id.as_ref());
        id.and_then(crate::gamma::models::game_id_text)
            .or_else(|| self.slug.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string))
    }
}

/// Reads one text frame of the live-scores socket: a game's state, or why not.
pub fn parse_sport(text: &str) -> Result<SportResult, String> {
    let r: SportResult = serde_json::from_str(text).map_err(|e| format!("not a game state: {e}"))?;
    if r.game_key().is_none() {
        return Err("no gameId, metadataGameId or slug".into());
    }
    Ok(r)
}

/// Streams game states from the sports socket (`wss://sports-api.polymarket.com/ws`): no
/// subscription; every `ping` is answered with `pong`; reconnects with backoff.
pub async fn run_sports_stream(
    url: String,
    tx: mpsc::Sender<SportResult>,
    cfg: StreamConfig,
    counts: Arc<FrameCounts>,
) {
    session::run_fixed(url, SportsStream, tx, cfg, counts).await;
}

/// The live-scores socket's protocol: nothing to subscribe; the venue's `ping` is answered.
#[derive(Debug)]
pub struct SportsStream;

impl Protocol for SportsStream {
    type Item = SportResult;

    fn venue(&self) -> &'static str {
        "polymarket"
    }

    fn hello(&mut self) -> Vec<String> {
        Vec::new()
    }

    fn change(&mut self, _: session::Change) -> Vec<String> {
        Vec::new()
    }

    fn read(
        &mut self,
        text: &str,
        out: &mut Vec<SportResult>,
        replies: &mut Vec<String>,
        counts: &FrameCounts,
    ) -> Result<bool, StreamError> {
        if text.trim() == "ping" {
            replies.push("pong".into());
            return Ok(true);
        }
        match parse_sport(text) {
            Ok(r) => out.push(r),
            Err(e) => {
                counts.malformed();
                tracing::warn!(venue = "polymarket", error = %e, "malformed game state skipped");
            }
        }
        Ok(true)
    }

    fn lost(&self, _: &StreamError) -> Option<SportResult> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, out: &mut Vec<BookEvent>) -> Notes {
        let mut notes = Notes::default();
        parse_frame(text, out, &mut notes).unwrap();
        notes
    }

    #[test]
    fn parses_arrays_objects_and_both_price_change_shapes() {
        let mut out = Vec::new();
        let dump = r#"[{"event_type":"book","asset_id":"A","market":"0x","bids":[{"price":"0.48","size":"30"}],"asks":[{"price":"0.52","size":"25"}]}]"#;
        parse(dump, &mut out);
        let change = r#"{"event_type":"price_change","market":"0x","price_changes":[{"asset_id":"A","price":"0.5","size":"0","side":"SELL"}]}"#;
        parse(change, &mut out);
        let legacy =
            r#"{"event_type":"price_change","asset_id":"B","changes":[{"price":"0.4","size":"7","side":"BUY"}]}"#;
        parse(legacy, &mut out);
        let notes = parse(r#"{"event_type":"last_trade_price","asset_id":"A","price":"0.5"}"#, &mut out);
        assert_eq!(notes.skipped, ["last_trade_price"]);
        assert_eq!(out.len(), 3);
        assert!(
            matches!(&out[1], BookEvent::Level { book: token, bid: false, size, .. } if token == "A" && size.is_zero())
        );
        assert!(matches!(&out[2], BookEvent::Level { book: token, bid: true, .. } if token == "B"));
        let bad = parse(
            r#"{"event_type":"price_change","price_changes":[{"asset_id":"A","price":"x","size":"1","side":"BUY"}]}"#,
            &mut out,
        );
        assert_eq!(bad.malformed.len(), 1, "{bad:?}");
        assert_eq!(out.len(), 3, "nothing of the malformed event is applied");
        assert!(parse_frame("{", &mut out, &mut Notes::default()).is_err());
    }

    #[test]
    fn each_event_of_an_array_stands_alone() {
        // An event of another type whose fields do not fit the read types' is skipped; the
        // book event beside it is read.
        let mut out = Vec::new();
        let mixed = r#"[{"event_type":"new_market","bids":"n/a","asset_id":7},{"event_type":"book","asset_id":"C","bids":[],"asks":[{"price":"0.6","size":"5"}]}]"#;
        let notes = parse(mixed, &mut out);
        assert!(
            matches!(&out[..], [BookEvent::Snapshot { book: token, bids, asks, .. }] if token == "C" && bids.is_empty() && asks.len() == 1)
        );
        assert_eq!(notes.skipped, ["new_market"]);
        // A malformed book beside good ones: the good ones are read, the bad one named.
        out.clear();
        let bad = r#"[{"event_type":"book","asset_id":"A","bids":[],"asks":[]},{"event_type":"book","asset_id":"C","bids":[{"price":"0.6"}],"asks":[]},{"event_type":"book","asset_id":"D","bids":[],"asks":[]}]"#;
        let notes = parse(bad, &mut out);
        assert_eq!(out.len(), 2);
        assert!(notes.malformed[0].starts_with("[1]"), "{notes:?}");
        // A tick change, with a price written as the venue's docs write them.
        out.clear();
        let tick = r#"{"event_type":"tick_size_change","asset_id":"C","market":"0x","old_tick_size":"0.01","new_tick_size":".001"}"#;
        parse(tick, &mut out);
        assert!(
            matches!(&out[..], [BookEvent::Tick { book: token, tick, .. }] if token == "C" && tick.micros() == 1_000)
        );
    }

    #[test]
    fn a_book_states_its_tick_and_a_resolution_ends_both_tokens() {
        let mut out = Vec::new();
        parse(r#"{"event_type":"book","asset_id":"A","bids":[],"asks":[],"tick_size":"0.005"}"#, &mut out);
        assert!(matches!(&out[1], BookEvent::Tick { book: token, tick, .. } if token == "A" && tick.micros() == 5_000));
        out.clear();
        parse(
            r#"{"event_type":"market_resolved","market":"0x","assets_ids":["A","B"],"winning_asset_id":"A"}"#,
            &mut out,
        );
        assert_eq!(
            out,
            ["A", "B"].map(|t| BookEvent::MarketState {
                venue: Venue::Polymarket,
                book: t.into(),
                state: MarketState::Resolved
            })
        );
    }

    #[test]
    fn game_states_are_keyed_by_game_id() {
        let r = parse_sport(r#"{"gameId":1590176,"leagueAbbreviation":"lol","status":"running","score":"000-000|0-0|Bo1","period":"1/1","live":true,"ended":false}"#).unwrap();
        assert_eq!(r.game_key().as_deref(), Some("1590176"));
        assert_eq!(r.live, Some(true));
        let cricket =
            parse_sport(r#"{"metadataGameId":"id2703680373085574","leagueAbbreviation":"cricket","live":true}"#)
                .unwrap();
        assert_eq!(cricket.game_key().as_deref(), Some("id2703680373085574"));
        let docs = parse_sport(r#"{"slug":"mci-liv-2025-02-03","live":true,"ended":false}"#).unwrap();
        assert_eq!(docs.game_key().as_deref(), Some("mci-liv-2025-02-03"));
        assert!(parse_sport(r#"{"live":true}"#).is_err());
        // Written back whole: nothing added, nothing lost.
        let text = r#"{"gameId":6352662,"leagueAbbreviation":"wta","status":"finished","period":"FT","live":false,"ended":true,"finishedTimestamp":"2026-10-01T06:23:23.907040294Z"}"#;
        let back = serde_json::to_value(parse_sport(text).unwrap()).unwrap();
        assert_eq!(back, serde_json::from_str::<serde_json::Value>(text).unwrap());
    }
}
