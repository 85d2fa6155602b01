//! Changing the simulator's books: every change is applied to the served state (so REST sees
//! it) and broadcast to the sockets (so streams see it).

use crossbook_model::{Price, Qty};
use serde_json::{Value, json};

use crate::SimState;

/// A change the sockets hear about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimEvent {
    /// A Kalshi bids-only level changed by `delta_fp` (a signed count string).
    KalshiLevel { ticker: String, yes: bool, price_dollars: String, delta_fp: String },
    /// A Polymarket level's new absolute size.
    PolyLevel { token: String, market: String, bid: bool, price: String, size: String },
    /// A Polymarket market's tick size changed (`tick_size_change`).
    PolyTick { token: String, market: String, old: String, new: String },
    /// A Kalshi market's lifecycle changed (`market_lifecycle_v2`, `event_type` as the venue
    /// names it).
    KalshiLifecycle { ticker: String, event_type: &'static str },
    /// A Kalshi event's fee override was set or cleared (`event_fee_update`).
    KalshiFees { event_ticker: String, fee_type: Option<String>, multiplier: Option<serde_json::Number> },
    /// A Polymarket market resolved (`market_resolved`).
    PolyResolved { id: String, market: String, tokens: Vec<String>, winner: Option<String> },
}

/// The `market_lifecycle_v2` event type a change to response `status` is announced with.
pub fn lifecycle_event(status: &str) -> Option<&'static str> {
    Some(match status {
        "active" => "activated",
        "inactive" => "deactivated",
        "determined" => "determined",
        "finalized" | "settled" => "settled",
        "closed" => "close_date_updated",
        _ => return None,
    })
}

fn fmt_qty(micros: i64) -> String {
    format!("{}.{:02}", micros / 1_000_000, (micros.abs() % 1_000_000) / 10_000)
}

/// Sets a Kalshi level (`yes`: a YES bid, else a NO bid) to `size`; returns the event.
pub async fn set_kalshi(state: &SimState, ticker: &str, yes: bool, price: Price, size: Qty) -> Option<SimEvent> {
    let mut k = state.kalshi.write().await;
    let book = k
        .books
        .entry(ticker.to_string())
        .or_insert_with(|| json!({"orderbook_fp": {"yes_dollars": [], "no_dollars": []}}));
    let side = if yes { "yes_dollars" } else { "no_dollars" };
    let levels = book.pointer_mut(&format!("/orderbook_fp/{side}"))?.as_array_mut()?;
    let at = |l: &Value| l.get(0).and_then(Value::as_str).and_then(|p| p.parse::<Price>().ok());
    let old = levels
        .iter()
        .find(|l| at(l) == Some(price))
        .and_then(|l| l.get(1)?.as_str()?.parse::<Qty>().ok())
        .unwrap_or(Qty::ZERO);
    levels.retain(|l| at(l) != Some(price));
    if !size.is_zero() {
        levels.push(json!([format!("{:.4}", price.micros() as f64 / 1e6), fmt_qty(size.micros())]));
        // Recorded order: price-ascending, best bid last.
        levels.sort_by_key(|l| at(l).map(|p| p.micros()).unwrap_or(0));
    }
    let delta = size.micros() - old.micros();
    (delta != 0).then(|| SimEvent::KalshiLevel {
        ticker: ticker.to_string(),
        yes,
        price_dollars: format!("{:.4}", price.micros() as f64 / 1e6),
        delta_fp: fmt_qty(delta),
    })
}

/// Sets a Polymarket level (`bid` side or ask side) to `size`; returns the event.
pub async fn set_poly(state: &SimState, token: &str, bid: bool, price: Price, size: Qty) -> Option<SimEvent> {
    let mut books = state.clob.write().await;
    let book = books.get_mut(token)?;
    let market = book["market"].as_str().unwrap_or_default().to_string();
    let side = if bid { "bids" } else { "asks" };
    let levels = book.get_mut(side)?.as_array_mut()?;
    let at = |l: &Value| l["price"].as_str().and_then(|p| p.parse::<Price>().ok());
    levels.retain(|l| at(l) != Some(price));
    if !size.is_zero() {
        levels.push(json!({"price": price.to_string(), "size": size.to_string()}));
        // Recorded order: bids ascending, asks descending (best last either way).
        levels.sort_by_key(|l| {
            let p = at(l).map(|p| p.micros()).unwrap_or(0);
            if bid { p } else { -p }
        });
    }
    book["timestamp"] = Value::from(chrono::Utc::now().timestamp_millis().to_string());
    Some(SimEvent::PolyLevel {
        token: token.to_string(),
        market,
        bid,
        price: price.to_string(),
        size: size.to_string(),
    })
}

/// The tick size of a Polymarket book (its `tick_size`, a cent when absent).
pub fn poly_tick(book: &Value) -> Price {
    book["tick_size"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| Price::from_micros(10_000).unwrap_or_default())
}

/// Sets a Polymarket book's tick size; returns the event when it changed.
pub async fn set_poly_tick(state: &SimState, token: &str, tick: Price) -> Option<SimEvent> {
    let mut books = state.clob.write().await;
    let book = books.get_mut(token)?;
    let old = poly_tick(book);
    if old == tick {
        return None;
    }
    book["tick_size"] = Value::from(tick.to_string());
    Some(SimEvent::PolyTick {
        token: token.to_string(),
        market: book["market"].as_str().unwrap_or_default().to_string(),
        old: old.to_string(),
        new: tick.to_string(),
    })
}

/// Applies a change and tells the sockets.
pub async fn apply(state: &SimState, event: Option<SimEvent>) {
    if let Some(e) = event {
        let _ = state.events.send(e);
    }
}
