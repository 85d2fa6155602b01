//! Moving prices, seeded: every tick one book changes — a best level's size on Kalshi, a best
//! ask's size or price (one tick of its market) on Polymarket — so quotes are never frozen.
//! Prices stay on the market's grid; a Polymarket price moving into the tails (under 0.04 or
//! over 0.96) switches its market to a 0.001 tick, and back, as the venue does.

use std::sync::Arc;
use std::time::Duration;

use crossbook_model::{Price, Qty};
use serde_json::Value;

use crate::SimState;
use crate::books::{apply, set_kalshi, set_poly};

fn scaled(size: Qty, factor: f64) -> Qty {
    let whole = ((size.micros() as f64 / 1e6) * factor).round().max(1.0) as i64;
    Qty::from_whole(whole).unwrap_or(size)
}

/// Moves one book.
async fn step(state: &SimState, rng: &mut fastrand::Rng) {
    let factor = 0.7 + rng.f64() * 0.6;
    if rng.bool() {
        let pick = {
            let k = state.kalshi.read().await;
            let n = k.books.len();
            if n == 0 {
                return;
            }
            let (ticker, book) =
                k.books.iter().nth(rng.usize(0..n)).map(|(t, b)| (t.clone(), b.clone())).unwrap_or_default();
            let yes = rng.bool();
            let side = if yes { "yes_dollars" } else { "no_dollars" };
            let best = book
                .pointer(&format!("/orderbook_fp/{side}"))
                .and_then(Value::as_array)
                .and_then(|a| a.last())
                .cloned();
            best.and_then(|l| {
                Some((
                    ticker,
                    yes,
                    l.get(0)?.as_str()?.parse::<Price>().ok()?,
                    l.get(1)?.as_str()?.parse::<Qty>().ok()?,
                ))
            })
        };
        if let Some((ticker, yes, price, size)) = pick {
            apply(state, set_kalshi(state, &ticker, yes, price, scaled(size, factor)).await).await;
        }
    } else {
        let pick = {
            let books = state.clob.read().await;
            let n = books.len();
            if n == 0 {
                return;
            }
            let (token, book) =
                books.iter().nth(rng.usize(0..n)).map(|(t, b)| (t.clone(), b.clone())).unwrap_or_default();
            let best = book["asks"].as_array().and_then(|a| a.last()).cloned();
            // Bids ascend: the best is last.
            let best_bid = book["bids"]
                .as_array()
                .and_then(|a| a.last())
                .and_then(|l| l["price"].as_str()?.parse::<Price>().ok())
                .map_or(0, |p| p.micros());
            let tick = crate::books::poly_tick(&book).micros();
            best.and_then(|l| {
                Some((
                    token,
                    l["price"].as_str()?.parse::<Price>().ok()?,
                    l["size"].as_str()?.parse::<Qty>().ok()?,
                    tick,
                    best_bid,
                ))
            })
        };
        let Some((token, price, size, tick, best_bid)) = pick else { return };
        if rng.f64() < 0.3 {
            let step = if rng.bool() { tick } else { -tick };
            // On the grid: from a grid price, one tick away — never down to the best bid (a
            // venue's book does not cross).
            let on_grid = (price.micros() + step) / tick * tick;
            if on_grid <= best_bid {
                return;
            }
            let Ok(moved) = Price::from_micros(on_grid.clamp(tick, 1_000_000 - tick)) else { return };
            apply(state, set_poly(state, &token, false, price, Qty::ZERO).await).await;
            apply(state, set_poly(state, &token, false, moved, size).await).await;
            let tails = moved.micros() < 40_000 || moved.micros() > 960_000;
            let wanted = Price::from_micros(if tails { 1_000 } else { 10_000 }).unwrap_or(moved);
            apply(state, crate::books::set_poly_tick(state, &token, wanted).await).await;
        } else {
            apply(state, set_poly(state, &token, false, price, scaled(size, factor)).await).await;
        }
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
