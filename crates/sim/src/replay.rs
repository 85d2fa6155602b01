//! Recorded socket traffic: `crossbook record` writes every book change both venues' sockets
//! sent, with its receive time, under `frames/` of a capture directory (gzip JSON lines,
//! rotated by size); `crossbook sim --data DIR --replay` applies them to the served books at
//! their recorded offsets (scaled by a speed, or as fast as possible), so that REST answers as
//! the venues did at the replay clock and the sockets say what changed.
//!
//! A line: `{"t_ms": <ms since the recording started>, "event": <BookEvent>}`, or `"sport":
//! <sport_result>` for a game's state from Polymarket's sports socket (replayed on the
//! simulator's).

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use crossbook_model::book_event::asks_from_no_bids;
use crossbook_model::{BookEvent, FeeSchedule, MarketState, Price, Qty, Venue};
use serde_json::Value;

use crate::SimState;
use crate::books::{apply, set_kalshi, set_poly, set_poly_tick};
use crate::capture::CaptureError;

/// A file is closed and the next begun past this many bytes of JSON lines.
pub const ROTATE_BYTES: u64 = 16 * 1024 * 1024;

/// One recorded message: a book change, or a game's state from the sports socket.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Frame {
    pub t_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<BookEvent>,
    /// A `sport_result` as the sports socket sent it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sport: Option<Value>,
}

/// Writes frames into `DIR/frames/NNNNN.jsonl.gz`.
#[derive(Debug)]
pub struct FrameWriter {
    dir: PathBuf,
    next: u32,
    file: Option<flate2::write::GzEncoder<std::fs::File>>,
    in_file: u64,
    /// Lines and bytes (before compression) written in all.
    pub frames: u64,
    pub bytes: u64,
}

impl FrameWriter {
    pub fn new(capture_dir: &Path) -> std::io::Result<Self> {
        let dir = capture_dir.join("frames");
        std::fs::create_dir_all(&dir)?;
        Ok(Self { dir, next: 0, file: None, in_file: 0, frames: 0, bytes: 0 })
    }

    pub fn write(&mut self, frame: &Frame) -> std::io::Result<()> {
        if self.file.is_none() || self.in_file >= ROTATE_BYTES {
            self.close()?;
            let path = self.dir.join(format!("{:05}.jsonl.gz", self.next));
            self.next += 1;
            self.file =
                Some(flate2::write::GzEncoder::new(std::fs::File::create(path)?, flate2::Compression::default()));
            self.in_file = 0;
        }
        let mut line = serde_json::to_vec(frame)?;
        line.push(b'\n');
        if let Some(f) = self.file.as_mut() {
            f.write_all(&line)?;
        }
        self.in_file += line.len() as u64;
        self.bytes += line.len() as u64;
        self.frames += 1;
        Ok(())
    }

    /// Ends the current file (the next write begins another).
    pub fn close(&mut self) -> std::io::Result<()> {
        if let Some(f) = self.file.take() {
            f.finish()?.sync_all()?;
        }
        Ok(())
    }
}

/// The longest recorded line read (a frame is kilobytes; a snapshot of a deep book, a few
/// hundred).
pub const MAX_LINE_BYTES: u64 = 4 * 1024 * 1024;
/// The most a recording file may hold decompressed (they rotate at [`ROTATE_BYTES`]).
pub const MAX_FILE_BYTES: u64 = 16 * ROTATE_BYTES;
/// The latest a frame may come after the recording's start: a year.
pub const MAX_OFFSET_MS: u64 = 366 * 24 * 3600 * 1000;

/// The recorded frames of a capture directory, in order (none when it has no `frames/`). A file
/// past [`MAX_FILE_BYTES`] decompressed, a line past [`MAX_LINE_BYTES`] or a frame time past
/// [`MAX_OFFSET_MS`] is an error naming the file and line, read no further.
pub fn load(capture_dir: &Path) -> Result<Vec<Frame>, CaptureError> {
    let dir = capture_dir.join("frames");
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => {
            entries.flatten().map(|e| e.path()).filter(|p| p.to_string_lossy().ends_with(".jsonl.gz")).collect()
        }
        Err(_) => return Ok(Vec::new()),
    };
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let shown = path.display().to_string();
        let fail = |line: usize, message: String| CaptureError {
            file: shown.clone(),
            json_path: format!("line {line}"),
            message,
        };
        let file = std::fs::File::open(&path).map_err(|e| fail(0, e.to_string()))?;
        let decoded = std::io::Read::take(flate2::read::MultiGzDecoder::new(file), MAX_FILE_BYTES + 1);
        let mut reader = std::io::BufReader::new(decoded);
        let (mut line, mut read, mut number) = (Vec::new(), 0u64, 0usize);
        loop {
            line.clear();
            number += 1;
            let n = std::io::Read::take(&mut reader, MAX_LINE_BYTES + 1)
                .read_until(b'\n', &mut line)
                .map_err(|e| fail(number, e.to_string()))?;
            if n == 0 {
                break;
            }
            read += n as u64;
            if read > MAX_FILE_BYTES {
                return Err(fail(number, format!("more than {MAX_FILE_BYTES} bytes decompressed")));
            }
            if line.len() as u64 > MAX_LINE_BYTES {
                return Err(fail(number, format!("a line longer than {MAX_LINE_BYTES} bytes")));
            }
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let frame = serde_json::from_slice::<Frame>(&line).map_err(|e| fail(number, e.to_string()))?;
            if frame.t_ms > MAX_OFFSET_MS {
                return Err(fail(number, format!("t_ms {} is past a year after the start", frame.t_ms)));
            }
            out.push(frame);
        }
    }
    out.sort_by_key(|f| f.t_ms);
    Ok(out)
}

/// How fast a replay runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Speed {
    /// Recorded time divided by this factor (1.0: as recorded).
    Times(f64),
    /// No waiting at all.
    Max,
}

impl std::str::FromStr for Speed {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if s == "max" {
            return Ok(Speed::Max);
        }
        match s.parse::<f64>() {
            Ok(x) if x.is_finite() && (0.001..=1e6).contains(&x) => Ok(Speed::Times(x)),
            _ => Err(format!("{s:?}: a factor from 0.001 to 1000000 (e.g. 1, 10) or max")),
        }
    }
}

/// The levels of a Kalshi book side (`yes_dollars` / `no_dollars`) in the served state.
async fn kalshi_levels(state: &SimState, ticker: &str, side: &str) -> Vec<(Price, Qty)> {
    let k = state.kalshi.read().await;
    levels(k.books.get(ticker).and_then(|b| b.pointer(&format!("/orderbook_fp/{side}"))), |l| {
        Some((l.get(0)?.as_str()?.parse().ok()?, l.get(1)?.as_str()?.parse().ok()?))
    })
}

async fn poly_levels(state: &SimState, token: &str, side: &str) -> Vec<(Price, Qty)> {
    let books = state.clob.read().await;
    levels(books.get(token).map(|b| &b[side]), |l| {
        Some((l["price"].as_str()?.parse().ok()?, l["size"].as_str()?.parse().ok()?))
    })
}

fn levels(v: Option<&Value>, read: impl Fn(&Value) -> Option<(Price, Qty)>) -> Vec<(Price, Qty)> {
    v.and_then(Value::as_array).into_iter().flatten().filter_map(read).collect()
}

/// The level changes that turn `old` into `new`: sizes to set, zero for levels gone.
fn changes(old: &[(Price, Qty)], new: &[(Price, Qty)]) -> Vec<(Price, Qty)> {
    let mut out: Vec<(Price, Qty)> =
        old.iter().filter(|(p, _)| !new.iter().any(|(q, _)| q == p)).map(|(p, _)| (*p, Qty::ZERO)).collect();
    out.extend(new.iter().filter(|l| !old.contains(l)).copied());
    out
}

/// The response status a market in `state` is served with.
fn kalshi_status(state: MarketState) -> &'static str {
    match state {
        MarketState::Open => "active",
        MarketState::Paused => "inactive",
        MarketState::NotOpen => "initialized",
        MarketState::Closed => "closed",
        MarketState::Resolving => "determined",
        MarketState::Resolved => "finalized",
    }
}

/// Applies one recorded change to the served books (and tells the sockets).
async fn apply_event(state: &SimState, e: &BookEvent) {
    match e {
        // Kalshi serves bids only: a YES ask at p is a NO bid at 1 − p.
        BookEvent::Snapshot { venue: Venue::Kalshi, book: ticker, bids, asks } => {
            let no = asks_from_no_bids(asks);
            for (is_yes, side, new) in [(true, "yes_dollars", bids), (false, "no_dollars", &no)] {
                for (price, size) in changes(&kalshi_levels(state, ticker, side).await, new) {
                    apply(state, set_kalshi(state, ticker, is_yes, price, size).await).await;
                }
            }
        }
        BookEvent::Delta { venue: Venue::Kalshi, book: ticker, bid, price, delta } => {
            let (side, price) = if *bid { ("yes_dollars", *price) } else { ("no_dollars", price.complement()) };
            let old = kalshi_levels(state, ticker, side)
                .await
                .iter()
                .find(|(p, _)| *p == price)
                .map_or(0, |(_, q)| q.micros());
            let size = Qty::from_micros((old + delta).max(0)).unwrap_or(Qty::ZERO);
            apply(state, set_kalshi(state, ticker, *bid, price, size).await).await;
        }
        BookEvent::Snapshot { venue: Venue::Polymarket, book: token, bids, asks } => {
            for (bid, side, new) in [(true, "bids", bids), (false, "asks", asks)] {
                for (price, size) in changes(&poly_levels(state, token, side).await, new) {
                    apply(state, set_poly(state, token, bid, price, size).await).await;
                }
            }
        }
        BookEvent::Level { venue: Venue::Polymarket, book: token, bid, price, size } => {
            apply(state, set_poly(state, token, *bid, *price, *size).await).await;
        }
        BookEvent::Tick { venue: Venue::Polymarket, book: token, tick } => {
            apply(state, set_poly_tick(state, token, *tick).await).await
        }
        // What the venues' streams do not send (Kalshi sends no absolute levels or ticks, nor a
        // Polymarket delta): nothing a recording holds.
        BookEvent::Level { .. } | BookEvent::Delta { .. } | BookEvent::Tick { .. } => {}
        BookEvent::MarketState { venue: Venue::Kalshi, book, state: market_state } => {
            state.set_kalshi_status(book, kalshi_status(*market_state)).await;
        }
        BookEvent::MarketState { venue: Venue::Polymarket, book, state: market_state } => {
            let market = state.gamma.read().await.market_of_token(book);
            match (market, market_state) {
                (Some(id), MarketState::Resolved) => {
                    state.resolve_poly(&id, None).await;
                }
                (Some(id), other) => {
                    let mut fields = serde_json::Map::new();
                    fields.insert("acceptingOrders".into(), Value::from(other.is_tradable()));
                    state.set_poly_market(&id, &fields).await;
                }
                (None, _) => {}
            }
        }
        BookEvent::Fees { venue: Venue::Polymarket, .. } => {}
        BookEvent::Fees { venue: Venue::Kalshi, event: event_ticker, fees } => {
            let (fee_type, multiplier) = match fees {
                None => (None, None),
                Some(FeeSchedule::KalshiQuadratic { maker_rate, multiplier, .. }) => {
                    let t = if *maker_rate > 0 { "quadratic_with_maker_fees" } else { "quadratic" };
                    let text = crossbook_model::money::format_micros(*multiplier);
                    (Some(t), serde_json::from_str::<serde_json::Number>(&text).ok())
                }
                Some(_) => (Some("flat"), Some(serde_json::Number::from(1))),
            };
            state.set_kalshi_fee_override(event_ticker, fee_type, multiplier).await;
        }
        // A Polymarket US book as polled: its levels replace the served ones.
        BookEvent::Snapshot { venue: Venue::PolymarketUs, book: slug, bids, asks } => {
            let mut us = state.us.write().await;
            for (bid, levels) in [(true, bids), (false, asks)] {
                for (price, size) in levels {
                    us.set_level(slug, bid, *price, *size);
                }
            }
        }
        // Its state and fees come from its REST listing, which a recording does not change.
        BookEvent::MarketState { venue: Venue::PolymarketUs, .. }
        | BookEvent::Fees { venue: Venue::PolymarketUs, .. } => {}
        // The recorder's own connection broke: nothing the venue's books did.
        BookEvent::Invalidated { .. } => {}
    }
}

/// Replays `frames` from now, at `speed`; `/sim/stats` counts them.
pub(crate) fn spawn(state: Arc<SimState>, frames: Vec<Frame>, speed: Speed) {
    state.stats.replay_total.store(frames.len() as u64, Ordering::Relaxed);
    let weak = Arc::downgrade(&state);
    drop(state);
    tokio::spawn(async move {
        let began = tokio::time::Instant::now();
        for f in frames {
            if let Speed::Times(x) = speed {
                let after = std::time::Duration::try_from_secs_f64(f.t_ms as f64 / 1000.0 / x)
                    .unwrap_or(std::time::Duration::MAX);
                tokio::time::sleep_until(
                    began.checked_add(after).unwrap_or_else(|| began + std::time::Duration::from_secs(86_400 * 366)),
                )
                .await;
            }
            let Some(state) = weak.upgrade() else { return };
            if let Some(e) = &f.event {
                apply_event(&state, e).await;
            }
            if let Some(result) = f.sport {
                state.send_score(result);
            }
            state.stats.replayed.fetch_add(1, Ordering::Relaxed);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `text` as a recording file of a fresh capture directory.
    fn recording(text: &[u8]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("frames")).unwrap();
        let f = std::fs::File::create(dir.path().join("frames/00000.jsonl.gz")).unwrap();
        let mut gz = flate2::write::GzEncoder::new(f, flate2::Compression::fast());
        gz.write_all(text).unwrap();
        gz.finish().unwrap();
        dir
    }

    /// Hostile recordings are refused by file and line, in bounded memory: a frame time no
    /// duration holds (2^64 − 1 ms), a line of 8 MiB (a few kilobytes of gzip).
    #[test]
    fn hostile_recordings_are_refused_by_line() {
        let far = format!("{{\"t_ms\":{},\"sport\":{{\"gameId\":1}}}}\n", u64::MAX);
        let e = load(recording(far.as_bytes()).path()).unwrap_err();
        assert!(e.json_path == "line 1" && e.message.contains("past a year"), "{e}");
        let mut long = b"{\"t_ms\":1,\"sport\":{\"x\":\"".to_vec();
        long.extend(std::iter::repeat_n(b'a', 8 * 1024 * 1024));
        long.extend(b"\"}}\n");
        let e = load(recording(&long).path()).unwrap_err();
        assert!(e.message.contains("a line longer than"), "{e}");
        let fine = load(recording(b"{\"t_ms\":5,\"sport\":{\"gameId\":1}}\n\n").path()).unwrap();
        assert_eq!(fine.len(), 1);
    }

    #[test]
    fn frames_round_trip_through_rotated_files() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = FrameWriter::new(dir.path()).unwrap();
        let frames: Vec<Frame> = (0..3)
            .map(|i| Frame {
                t_ms: i * 10,
                event: Some(BookEvent::Delta {
                    venue: Venue::Kalshi,
                    book: "K".into(),
                    bid: i % 2 == 0,
                    price: "0.42".parse().unwrap(),
                    delta: -1_000_000,
                }),
                sport: (i == 2).then(|| serde_json::json!({"slug": "nba-a-b", "live": true, "gameId": 7})),
            })
            .collect();
        for f in &frames {
            w.write(f).unwrap();
            w.close().unwrap(); // one file each, as rotation does
        }
        assert_eq!(std::fs::read_dir(dir.path().join("frames")).unwrap().count(), 3);
        assert_eq!(load(dir.path()).unwrap(), frames);
        assert_eq!("max".parse::<Speed>(), Ok(Speed::Max));
        assert!("0".parse::<Speed>().is_err() && "fast".parse::<Speed>().is_err());
        let p = |v: &str| v.parse::<Price>().unwrap();
        let q = |v: &str| v.parse::<Qty>().unwrap();
        assert_eq!(
            changes(&[(p("0.4"), q("10")), (p("0.41"), q("5"))], &[(p("0.41"), q("7")), (p("0.43"), q("1"))]),
            vec![(p("0.4"), Qty::ZERO), (p("0.41"), q("7")), (p("0.43"), q("1"))]
        );
    }
}
