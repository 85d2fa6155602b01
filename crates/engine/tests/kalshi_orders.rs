//! Kalshi's order side over loopback against the simulator: V2 orders matched against its book,
//! every refusal, and an order never placed twice — not when its answer is lost, not on a 429,
//! not when it is sent again with its id.
//!
//! The book (the bundled capture's MIL at LAL, planted): YES offered at 0.42 × 100 and 0.44 × 100
//! (NO bids 0.58 and 0.56), a YES bid at 0.40 × 10.

mod common;

use std::time::Duration;

use crossbook_kalshi::http::client::KalshiClient;
use crossbook_kalshi::http::orders::{OrderError, OrderRequest, TimeInForce};
use crossbook_sim::{SimConfig, SimHandle};
use serde_json::Value;

const MIL: &str = "KXNBAGAME-26JAN09MILLAL-MIL";

async fn sim(config: SimConfig) -> (SimHandle, KalshiClient) {
    let sim = crossbook_sim::start(&common::planted(), config, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let base = sim.env_lines().into_iter().find(|(k, _)| k == "KALSHI_API_URL").unwrap().1;
    (sim, KalshiClient::new(&base, None, None).unwrap())
}

fn order(id: &str, bid: bool, count: i64, price: &str, tif: TimeInForce) -> OrderRequest {
    OrderRequest {
        ticker: MIL.into(),
        client_order_id: id.into(),
        bid,
        count: crossbook_model::Qty::from_whole(count).unwrap(),
        price: price.parse().unwrap(),
        time_in_force: tif,
    }
}

async fn stats(sim: &SimHandle) -> Value {
    reqwest::get(format!("http://{}/sim/stats", sim.addr)).await.unwrap().json().await.unwrap()
}

async fn book(sim: &SimHandle) -> Value {
    let all: Value = reqwest::get(format!("http://{}/sim/books", sim.addr)).await.unwrap().json().await.unwrap();
    all["kalshi"][MIL]["orderbook_fp"].clone()
}

#[tokio::test]
async fn an_ioc_buy_walks_the_book_and_takes_its_liquidity() {
    let (sim, k) = sim(SimConfig::default()).await;
    let o = k.place_once(&order("t-1", true, 150, "0.44", TimeInForce::ImmediateOrCancel)).await.unwrap();
    // 100 at 0.42 and 50 at 0.44: 64.00; fees 0.07 × 100 × 0.42 × 0.58 = 1.7052 and
    // 0.07 × 50 × 0.44 × 0.56 = 0.8624.
    assert_eq!((o.status.as_str(), o.fill_count_fp.to_string()), ("executed", "150".into()));
    assert_eq!(o.taker_fill_cost_dollars.map(|m| m.to_string()), Some("64".into()));
    assert_eq!(o.taker_fees_dollars.map(|m| m.to_string()), Some("2.5676".into()));
    // The liquidity is gone from the book: 50 of the NO bid at 0.56 are left.
    let b = book(&sim).await;
    assert_eq!(b["no_dollars"], serde_json::json!([["0.5600", "50.00"]]), "{b}");
    // $10,000 − 64 − 2.5676 = 9,933.4324: 993,343 cents.
    let balance = k.balance().await.unwrap();
    assert_eq!((balance.balance, balance.money().to_string()), (993_343, "9933.4324".into()));
    let fills = k.fills(MIL).await.unwrap();
    let fees: Vec<String> = fills.iter().rev().map(|f| f.fee_cost.to_string()).collect();
    assert_eq!(fees, ["1.7052", "0.8624"]);
    assert_eq!(k.positions().await.unwrap()[0].position_fp, "150.00");
    // Selling 5 YES to the 0.40 bid closes 5 of the 150: fee 0.07 × 5 × 0.4 × 0.6 = 0.084.
    let sold = k.place_once(&order("t-2", false, 5, "0.40", TimeInForce::ImmediateOrCancel)).await.unwrap();
    assert_eq!((sold.fill_count_fp.to_string(), sold.book_side.as_str()), ("5".into(), "ask"));
    sim.stop().await;
}

#[tokio::test]
async fn fill_or_kill_fills_all_or_nothing() {
    let (sim, k) = sim(SimConfig::default()).await;
    let o = k.place_once(&order("fok-1", true, 250, "0.44", TimeInForce::FillOrKill)).await.unwrap();
    assert_eq!((o.status.as_str(), o.fill_count_fp.to_string()), ("canceled", "0".into()));
    assert_eq!(book(&sim).await["no_dollars"].as_array().map(Vec::len), Some(2), "nothing was taken");
    let o = k.place_once(&order("fok-2", true, 200, "0.44", TimeInForce::FillOrKill)).await.unwrap();
    assert_eq!(o.fill_count_fp.to_string(), "200");
    sim.stop().await;
}

#[tokio::test]
async fn the_venues_refusals_are_final_and_named() {
    let (sim, k) = sim(SimConfig { kalshi_balance: Some(20_000_000), ..Default::default() }).await;
    let refusal = |e: OrderError| match e {
        OrderError::Refused { status, code, .. } => (status, code),
        other => panic!("not a refusal: {other}"),
    };
    // Off the cent grid.
    let e = k.place_once(&order("r-1", true, 10, "0.425", TimeInForce::ImmediateOrCancel)).await.unwrap_err();
    assert_eq!(refusal(e), (400, "invalid_price".into()));
    // $20 does not cover 100 at 0.44.
    let e = k.place_once(&order("r-2", true, 100, "0.44", TimeInForce::ImmediateOrCancel)).await.unwrap_err();
    assert_eq!(refusal(e), (400, "insufficient_balance".into()));
    // A paused market takes no order.
    assert!(sim.state.set_kalshi_status(MIL, "inactive").await);
    let e = k.place_once(&order("r-3", true, 10, "0.44", TimeInForce::ImmediateOrCancel)).await.unwrap_err();
    assert_eq!(refusal(e), (400, "market_closed".into()));
    assert_eq!(stats(&sim).await["orders"]["kalshi"], 0);
    // The legacy endpoint is gone.
    let url = format!("http://{}/trade-api/v2/portfolio/orders", sim.addr);
    let r = reqwest::Client::new().post(url).json(&serde_json::json!({})).send().await.unwrap();
    assert_eq!(r.status(), 410);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "deprecated_v1_order_endpoint");
    sim.stop().await;
}

#[tokio::test]
async fn an_order_whose_answer_is_lost_is_found_not_sent_again() {
    let config = SimConfig {
        faults: "order_timeout=1".parse().unwrap(),
        order_answer_delay: Some(Duration::from_millis(1500)),
        ..Default::default()
    };
    let (sim, k) = sim(config).await;
    let k = k.with_order_timeout(Duration::from_millis(300)).unwrap();
    // The venue takes the order and its answer never comes in time: it is looked up by its id.
    let o = k.place_once(&order("lost-1", true, 10, "0.42", TimeInForce::ImmediateOrCancel)).await.unwrap();
    assert_eq!((o.client_order_id.as_str(), o.fill_count_fp.to_string()), ("lost-1", "10".into()));
    let s = stats(&sim).await;
    assert_eq!((s["orders"]["kalshi"].as_u64(), s["orders"]["answers_held"].as_u64()), (Some(1), Some(1)), "{s}");
    // Sent again with its id (a process that restarted mid-order): refused, then found.
    let again = k.place_once(&order("lost-1", true, 10, "0.42", TimeInForce::ImmediateOrCancel)).await.unwrap();
    assert_eq!(again.order_id, o.order_id);
    assert_eq!(stats(&sim).await["orders"]["kalshi"], 1, "never placed twice");
    sim.stop().await;
}

#[tokio::test]
async fn rate_limited_orders_are_sent_again_and_placed_once() {
    let (sim, k) = sim(SimConfig { faults: "429=0.5".parse().unwrap(), seed: 11, ..Default::default() }).await;
    let mut placed = 0;
    for n in 0..6 {
        match k.place_once(&order(&format!("rl-{n}"), true, 1, "0.44", TimeInForce::ImmediateOrCancel)).await {
            Ok(o) => {
                assert_eq!(o.fill_count_fp.to_string(), "1");
                placed += 1;
            }
            // A 429 on each send: not placed, and said so.
            Err(OrderError::Refused { status: 429, .. }) => {}
            Err(e) => panic!("{e}"),
        }
    }
    let s = stats(&sim).await;
    assert!(s["injected"]["429"].as_u64().unwrap_or(0) > 0, "{s}");
    assert_eq!(s["orders"]["kalshi"].as_u64(), Some(placed), "each order placed at most once: {s}");
    assert!(placed >= 4, "{placed} of 6 placed");
    sim.stop().await;
}
