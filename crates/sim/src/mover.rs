//! Moving prices, seeded: every tick one book changes — a best level's size on Kalshi, a best
//! ask's size or price (one 0.001 tick) on Polymarket — so quotes are never frozen.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::SimState;

fn scale_size(s: &str, factor: f64) -> String {
    let v: f64 = s.parse().unwrap_or(0.0);
    format!("{:.2}", (v * factor).round().max(1.0))
}

/// Moves one book.
async fn step(state: &SimState, rng: &mut fastrand::Rng) {
    if rng.bool() {
        let mut k = state.kalshi.write().await;
        let n = k.books.len();
        if n == 0 {
            return;
        }
        let Some(book) = k.books.values_mut().nth(rng.usize(0..n)) else { return };
        let side = if rng.bool() { "yes_dollars" } else { "no_dollars" };
        // Recorded Kalshi levels are price-ascending: the best bid is last.
        if let Some(best) =
            book.pointer_mut(&format!("/orderbook_fp/{side}")).and_then(Value::as_array_mut).and_then(|a| a.last_mut())
            && let Some(size) = best.get(1).and_then(Value::as_str).map(str::to_string)
        {
            best[1] = Value::from(scale_size(&size, 0.7 + rng.f64() * 0.6));
        }
    } else {
        let mut books = state.clob.write().await;
        let n = books.len();
        if n == 0 {
            return;
        }
        let Some(book) = books.values_mut().nth(rng.usize(0..n)) else { return };
        // Recorded CLOB asks are descending: the best ask is last.
        if let Some(best) = book.get_mut("asks").and_then(Value::as_array_mut).and_then(|a| a.last_mut()) {
            if rng.f64() < 0.3 {
                if let Some(p) = best["price"].as_str().and_then(|p| p.parse::<f64>().ok()) {
                    let moved = (p + if rng.bool() { 0.001 } else { -0.001 }).clamp(0.001, 0.999);
                    best["price"] = Value::from(format!("{moved:.3}"));
                }
            } else if let Some(size) = best["size"].as_str().map(str::to_string) {
                best["size"] =
                    Value::from(scale_size(&size, 0.7 + rng.f64() * 0.6).trim_end_matches(".00").to_string());
            }
        }
        book["timestamp"] = Value::from(chrono::Utc::now().timestamp_millis().to_string());
    }
}

/// Runs until the state is dropped by everyone else.
pub(crate) fn spawn(state: Arc<SimState>, every: Duration, seed: u64) {
    let weak = Arc::downgrade(&state);
    drop(state);
    tokio::spawn(async move {
        let mut rng = fastrand::Rng::with_seed(seed ^ 0x5eed);
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            let Some(state) = weak.upgrade() else { return };
            step(&state, &mut rng).await;
        }
    });
}
