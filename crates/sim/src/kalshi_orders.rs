//! Kalshi's order side under `/trade-api/v2/portfolio`: `POST /portfolio/events/orders` (the V2
//! single-book order: `side` `bid` buys YES, `ask` sells YES — buys NO at `1 − price`),
//! immediate-or-cancel and fill-or-kill, matched against the simulator's own book (the liquidity
//! taken leaves the book and the sockets hear it), with the venue's refusals: a market not
//! trading, a count that is not whole, a price off the cent grid, a balance too small, a client
//! order id already used (409), `self_trade_prevention_type` missing. `GET /portfolio/orders`,
//! `/portfolio/fills`, `/portfolio/balance`, `/portfolio/positions` read the ledger; the legacy
//! `POST /portfolio/orders` answers 410. A drawn `order_timeout` fault takes the order and holds
//! its answer past the client's patience (the case where an order went through unseen).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use crossbook_model::money::{SCALE, parse_micros};
use crossbook_model::{Price, Qty};
use serde_json::{Value, json};

use crate::SimState;
use crate::kalshi_api::error;

/// The account: its cash, orders, fills and positions (signed: YES positive, NO negative), in
/// millionths.
#[derive(Debug)]
pub(crate) struct Ledger {
    cash: i64,
    orders: Vec<Value>,
    by_client: HashMap<String, usize>,
    fills: Vec<Value>,
    positions: HashMap<String, i64>,
}

impl Ledger {
    pub(crate) fn new(balance: i64) -> Self {
        Self {
            cash: balance,
            orders: Vec::new(),
            by_client: HashMap::new(),
            fills: Vec::new(),
            positions: HashMap::new(),
        }
    }
}

/// Money in Kalshi's `*_dollars` form (four decimals).
fn dollars(micros: i64) -> String {
    let sign = if micros < 0 { "-" } else { "" };
    let m = micros.abs();
    format!("{sign}{}.{:04}", m / SCALE, (m % SCALE) / 100)
}

/// A count in Kalshi's `*_fp` form (two decimals).
fn count_fp(micros: i64) -> String {
    format!("{}.{:02}", micros / SCALE, (micros % SCALE) / 10_000)
}

/// The taker fee of one fill: `0.07 × C × P × (1 − P)` rounded up to $0.0001, in millionths.
fn taker_fee(count: i64, price: i64) -> i64 {
    let exact = 70_000i128 * count as i128 * price as i128 * (SCALE - price) as i128; // 1e-24 dollars
    let step = 100i128 * 1_000_000_000_000_000_000; // $0.0001 in 1e-24
    (((exact + step - 1) / step) * 100) as i64
}

/// The book levels a side takes from: (YES price, size) best first, and whether they are the
/// NO bids (a bid buys from them at `1 − q`) or the YES bids (an ask sells to them).
fn levels(book: &Value, bid: bool) -> Vec<(i64, i64)> {
    let side = if bid { "no_dollars" } else { "yes_dollars" };
    let mut out: Vec<(i64, i64)> = book
        .pointer(&format!("/orderbook_fp/{side}"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|l| {
            let p = parse_micros(l.get(0)?.as_str()?).ok()?;
            let s = parse_micros(l.get(1)?.as_str()?).ok()?;
            Some((if bid { SCALE - p } else { p }, s))
        })
        .collect();
    // A bid takes the cheapest YES asks first; an ask the highest YES bids.
    if bid {
        out.sort_by_key(|l| l.0)
    } else {
        out.sort_by_key(|l| -l.0)
    }
    out
}

/// `POST /portfolio/events/orders`.
pub(crate) async fn create(State(s): State<Arc<SimState>>, Json(body): Json<Value>) -> Response {
    let str_of = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_string);
    let (Some(ticker), Some(side), Some(count), Some(price), Some(tif)) =
        (str_of("ticker"), str_of("side"), str_of("count"), str_of("price"), str_of("time_in_force"))
    else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_parameters",
            "ticker, side, count, price and time_in_force are required",
        );
    };
    if !matches!(str_of("self_trade_prevention_type").as_deref(), Some("taker_at_cross" | "maker")) {
        return error(StatusCode::BAD_REQUEST, "invalid_parameters", "self_trade_prevention_type is required");
    }
    let bid = match side.as_str() {
        "bid" => true,
        "ask" => false,
        _ => return error(StatusCode::BAD_REQUEST, "invalid_parameters", "side must be bid or ask"),
    };
    let fok = match tif.as_str() {
        "immediate_or_cancel" => false,
        "fill_or_kill" => true,
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "invalid_parameters",
                "the simulator takes immediate_or_cancel and fill_or_kill only",
            );
        }
    };
    let (Ok(count), Ok(price)) = (parse_micros(&count), parse_micros(&price)) else {
        return error(StatusCode::BAD_REQUEST, "invalid_parameters", "count and price are fixed-point strings");
    };
    if count <= 0 || count % SCALE != 0 {
        return error(StatusCode::BAD_REQUEST, "invalid_order", "count: whole contracts only");
    }
    if price <= 0 || price >= SCALE || price % 10_000 != 0 {
        return error(StatusCode::BAD_REQUEST, "invalid_price", "price: between 0.01 and 0.99 on the cent grid");
    }
    let client = str_of("client_order_id").unwrap_or_default();
    let mut ledger = s.kalshi_ledger.lock().await;
    if !client.is_empty() && ledger.by_client.contains_key(&client) {
        return error(StatusCode::CONFLICT, "order_already_exists", "an order with this client_order_id exists");
    }
    let (status, book) = {
        let k = s.kalshi.read().await;
        match k.market_status(&ticker) {
            None => return error(StatusCode::NOT_FOUND, "market_not_found", "market not found"),
            Some(st) => (st.to_string(), k.books.get(&ticker).cloned().unwrap_or(Value::Null)),
        }
    };
    if status != "active" {
        return error(StatusCode::BAD_REQUEST, "market_closed", &format!("the market is {status}: it takes no orders"));
    }
    // What the worst fill could cost: a bid pays its price, an ask the NO side's 1 − price.
    let per = if bid { price } else { SCALE - price };
    let worst = (per as i128 * count as i128 / SCALE as i128) as i64 + taker_fee(count, price);
    if worst > ledger.cash {
        return error(StatusCode::BAD_REQUEST, "insufficient_balance", "the balance does not cover the order");
    }
    // Match against the book at or better than the limit.
    let mut left = count;
    let mut taken: Vec<(i64, i64)> = Vec::new();
    for (p, size) in levels(&book, bid) {
        if left == 0 || (bid && p > price) || (!bid && p < price) {
            break;
        }
        let take = left.min(size);
        taken.push((p, take));
        left -= take;
    }
    if fok && left > 0 {
        taken.clear();
        left = count;
    }
    let filled = count - left;
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let order_id = format!("sim-{}", ledger.orders.len() + 1);
    let (mut cost, mut fees) = (0i64, 0i64);
    for (n, (p, c)) in taken.iter().enumerate() {
        let fee = taker_fee(*c, *p);
        let paid = if bid { *p } else { SCALE - *p };
        let value = (paid as i128 * *c as i128 / SCALE as i128) as i64;
        cost += value;
        fees += fee;
        ledger.cash -= value + fee;
        // A YES bought against NO held (or NO against YES) closes the pair: a dollar back each.
        let pos = ledger.positions.entry(ticker.clone()).or_insert(0);
        let signed = if bid { *c } else { -*c };
        let closing = if (*pos < 0) == bid && *pos != 0 { (*pos).abs().min(*c) } else { 0 };
        *pos += signed;
        ledger.cash += closing;
        let held = if bid { "yes" } else { "no" };
        ledger.fills.push(json!({
            "fill_id": format!("{order_id}-{}", n + 1), "trade_id": format!("{order_id}-{}", n + 1),
            "order_id": order_id, "ticker": ticker, "market_ticker": ticker, "action": "buy",
            "book_side": side, "outcome_side": held, "side": held, "count_fp": count_fp(*c),
            "yes_price_dollars": dollars(*p), "no_price_dollars": dollars(SCALE - *p),
            "fee_cost": format!("{}.{:06}", fee / SCALE, fee % SCALE), "is_taker": true,
            "subaccount_number": 0, "created_time": now, "ts": chrono::Utc::now().timestamp(),
        }));
    }
    let order = json!({
        "order_id": order_id, "client_order_id": client, "ticker": ticker, "book_side": side,
        "outcome_side": if bid { "yes" } else { "no" }, "type": "limit",
        "status": if left == 0 { "executed" } else { "canceled" },
        "yes_price_dollars": dollars(price), "no_price_dollars": dollars(SCALE - price),
        "initial_count_fp": count_fp(count), "fill_count_fp": count_fp(filled), "remaining_count_fp": "0.00",
        "taker_fees_dollars": dollars(fees), "maker_fees_dollars": "0.0000",
        "taker_fill_cost_dollars": dollars(cost), "maker_fill_cost_dollars": "0.0000",
        "self_trade_prevention_type": str_of("self_trade_prevention_type"),
        "created_time": now, "last_update_time": now, "exchange_index": 0,
    });
    if !client.is_empty() {
        let i = ledger.orders.len();
        ledger.by_client.insert(client, i);
    }
    ledger.orders.push(order.clone());
    drop(ledger);
    // The liquidity taken leaves the book (and the sockets hear it).
    for (p, c) in taken {
        let stored = if bid { SCALE - p } else { p };
        let remaining = levels(&book, bid).iter().find(|l| l.0 == p).map_or(0, |l| l.1) - c;
        let (Ok(at), Ok(size)) = (Price::from_micros(stored), Qty::from_micros(remaining.max(0))) else { continue };
        let event = crate::books::set_kalshi(&s, &ticker, !bid, at, size).await;
        crate::books::apply(&s, event).await;
    }
    s.stats.kalshi_orders.fetch_add(1, Ordering::Relaxed);
    if s.faults.order_timeout() {
        s.stats.injected_order_timeouts.fetch_add(1, Ordering::Relaxed);
        tokio::time::sleep(s.config.order_answer_delay.unwrap_or(std::time::Duration::from_secs(3))).await;
    }
    (StatusCode::CREATED, Json(json!({ "order": order }))).into_response()
}

/// `GET /portfolio/orders?ticker=…`: the ledger's orders, newest first.
pub(crate) async fn orders(State(s): State<Arc<SimState>>, Query(q): Query<HashMap<String, String>>) -> Response {
    let ledger = s.kalshi_ledger.lock().await;
    Json(json!({"orders": newest_of(&ledger.orders, &q), "cursor": ""})).into_response()
}

/// `GET /portfolio/fills?ticker=…`.
pub(crate) async fn fills(State(s): State<Arc<SimState>>, Query(q): Query<HashMap<String, String>>) -> Response {
    let ledger = s.kalshi_ledger.lock().await;
    Json(json!({"fills": newest_of(&ledger.fills, &q), "cursor": ""})).into_response()
}

/// The records of the market `?ticker=` names (all without it), newest first.
fn newest_of<'a>(records: &'a [Value], q: &HashMap<String, String>) -> Vec<&'a Value> {
    records.iter().rev().filter(|r| q.get("ticker").is_none_or(|t| r["ticker"].as_str() == Some(t.as_str()))).collect()
}

/// `GET /portfolio/balance`: in cents (rounded down) and exactly in dollars, per shard.
pub(crate) async fn balance(State(s): State<Arc<SimState>>) -> Response {
    let cash = s.kalshi_ledger.lock().await.cash;
    Json(json!({
        "balance": cash.div_euclid(10_000), "balance_dollars": dollars(cash),
        "balance_breakdown": [{"balance": dollars(cash), "exchange_index": 0}],
        "portfolio_value": 0, "updated_ts": chrono::Utc::now().timestamp(),
    }))
    .into_response()
}

/// `GET /portfolio/positions`.
pub(crate) async fn positions(State(s): State<Arc<SimState>>) -> Response {
    let ledger = s.kalshi_ledger.lock().await;
    let mut list: Vec<Value> = ledger
        .positions
        .iter()
        .filter(|(_, p)| **p != 0)
        .map(|(t, p)| {
            json!({"ticker": t, "position_fp": format!("{}{}", if *p < 0 { "-" } else { "" }, count_fp(p.abs())),
                   "resting_orders_count": 0})
        })
        .collect();
    list.sort_by(|a, b| a["ticker"].as_str().cmp(&b["ticker"].as_str()));
    Json(json!({"market_positions": list, "event_positions": [], "cursor": ""})).into_response()
}

/// The legacy order endpoint, gone since 2026-08.
pub(crate) async fn legacy() -> Response {
    error(StatusCode::GONE, "deprecated_v1_order_endpoint", "use POST /portfolio/events/orders")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kalshi_forms_and_fees() {
        assert_eq!(
            (dollars(420_000), dollars(-5_000), count_fp(50 * SCALE)),
            ("0.4200".into(), "-0.0050".into(), "50.00".into())
        );
        // 0.07 × 50 × 0.40 × 0.60 = 0.84; 0.07 × 1 × 0.33 × 0.67 = 0.015477 → 0.0155.
        assert_eq!((taker_fee(50 * SCALE, 400_000), taker_fee(SCALE, 330_000)), (840_000, 15_500));
    }
}
