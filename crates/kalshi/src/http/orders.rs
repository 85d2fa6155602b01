//! Kalshi's order side (V2, `POST /portfolio/events/orders`): one single book per market, `side`
//! `bid` buys YES at `price`, `ask` sells YES at `price` (buys NO at `1 − price`), counts and
//! prices as fixed-point strings, `self_trade_prevention_type` required, immediate-or-cancel or
//! fill-or-kill. The legacy `/portfolio/orders` writes answer 410.
//!
//! **An order is never sent twice.** Each carries its client order id; orders go through a client
//! that never retries by itself. When an answer does not come (a timeout, a broken connection, a
//! 5xx) the order may or may not have reached the book: [`KalshiClient::place_once`] looks for it
//! by its client order id before sending anything again, and a resend carries the same id, which
//! the venue refuses (409) if the first did arrive — then it is looked up again. A 429 means the
//! order was not taken: it waits and sends again. Any other refusal is final.

use std::time::Duration;

use crossbook_model::money::format_micros;
use crossbook_model::{Money, Price, Qty};
use crossbook_net::{Call, NetError, SignRequest};
use serde::Deserialize;

use super::client::KalshiClient;

/// How long to wait for an order's answer before looking for it.
pub const ORDER_TIMEOUT: Duration = Duration::from_secs(5);

/// How an order lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeInForce {
    /// What fills now fills; the rest is cancelled.
    ImmediateOrCancel,
    /// All now, or nothing.
    FillOrKill,
}

impl TimeInForce {
    fn as_str(self) -> &'static str {
        match self {
            TimeInForce::ImmediateOrCancel => "immediate_or_cancel",
            TimeInForce::FillOrKill => "fill_or_kill",
        }
    }
}

/// An order to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRequest {
    pub ticker: String,
    /// Unique per order (at most 64 characters of `A-Za-z0-9_-:+=/`).
    pub client_order_id: String,
    /// `true`: buy YES (`bid`); `false`: sell YES (`ask`), which buys NO at `1 − price`.
    pub bid: bool,
    /// Whole contracts.
    pub count: Qty,
    /// The YES price limit.
    pub price: Price,
    pub time_in_force: TimeInForce,
}

/// An order as the venue reports it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct KalshiOrder {
    pub order_id: String,
    #[serde(default)]
    pub client_order_id: String,
    pub ticker: String,
    /// `bid` or `ask`.
    pub book_side: String,
    /// `resting`, `canceled` or `executed`; the counts say what filled.
    pub status: String,
    pub yes_price_dollars: Price,
    pub fill_count_fp: Qty,
    #[serde(default)]
    pub remaining_count_fp: Option<Qty>,
    #[serde(default)]
    pub initial_count_fp: Option<Qty>,
    #[serde(default)]
    pub taker_fees_dollars: Option<Money>,
    #[serde(default)]
    pub taker_fill_cost_dollars: Option<Money>,
}

#[derive(Debug, Deserialize)]
struct OrderAnswer {
    order: KalshiOrder,
}

#[derive(Debug, Deserialize)]
struct OrdersPage {
    #[serde(default)]
    orders: Vec<KalshiOrder>,
}

/// The account's balance as `GET /portfolio/balance` answers it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct KalshiBalance {
    /// In cents (rounded down).
    pub balance: i64,
    /// Exact, in dollars (a direct member's balance is kept to $0.0001).
    #[serde(default)]
    pub balance_dollars: Option<Money>,
    /// Per exchange shard: each market trades on one, against that shard's balance.
    #[serde(default)]
    pub balance_breakdown: Vec<ShardBalance>,
}

/// One shard's balance.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ShardBalance {
    pub balance: Money,
    pub exchange_index: u32,
}

impl KalshiBalance {
    /// The balance, exactly where the venue says it.
    pub fn money(&self) -> Money {
        self.balance_dollars
            .unwrap_or_else(|| Money::from_micros(self.balance.saturating_mul(10_000)).unwrap_or(Money::ZERO))
    }
}

/// One fill as `GET /portfolio/fills` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct KalshiFill {
    pub fill_id: String,
    pub order_id: String,
    pub ticker: String,
    /// `bid` (bought YES) or `ask` (sold YES: bought NO).
    pub book_side: String,
    /// `yes` or `no`: the side the account holds from it.
    #[serde(default)]
    pub outcome_side: Option<String>,
    pub count_fp: Qty,
    pub yes_price_dollars: Price,
    pub no_price_dollars: Price,
    /// This fill's fee, exactly.
    pub fee_cost: Money,
    pub is_taker: bool,
    pub created_time: String,
}

#[derive(Debug, Deserialize)]
struct FillsPage {
    #[serde(default)]
    fills: Vec<KalshiFill>,
}

/// A market position (`position_fp` YES positive, NO negative).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct KalshiPosition {
    pub ticker: String,
    pub position_fp: String,
    #[serde(default)]
    pub market_exposure_dollars: Option<Money>,
    #[serde(default)]
    pub fees_paid_dollars: Option<Money>,
}

#[derive(Debug, Deserialize)]
struct PositionsPage {
    #[serde(default)]
    market_positions: Vec<KalshiPosition>,
}

/// Why an order did not give an answer to act on.
#[derive(Debug, thiserror::Error)]
pub enum OrderError {
    /// The venue refused it: it was not placed (`code` as the venue says it).
    #[error("kalshi refused the order (HTTP {status} {code}): {message}")]
    Refused { status: u16, code: String, message: String },
    /// Whether it was placed is not known, still after looking for it.
    #[error("kalshi order {client_order_id}: not known whether it was placed ({source})")]
    Unknown { client_order_id: String, source: NetError },
}

/// How many times [`KalshiClient::place_once`] sends one order, at most.
const MAX_SENDS: usize = 4;

impl KalshiClient {
    /// Sends `r` once, without retrying.
    pub async fn place_order(&self, r: &OrderRequest) -> Result<KalshiOrder, NetError> {
        let body = serde_json::json!({
            "ticker": r.ticker,
            "client_order_id": r.client_order_id,
            "side": if r.bid { "bid" } else { "ask" },
            "count": format_micros(r.count.micros()),
            "price": format_micros(r.price.micros()),
            "time_in_force": r.time_in_force.as_str(),
            "self_trade_prevention_type": "taker_at_cross",
        });
        let call = Call::post(format!("{}/portfolio/events/orders", self.base()), body)
            .signed(self.signer().map(|s| s as &dyn SignRequest));
        Ok(self.writes().json::<OrderAnswer>(&call).await?.order)
    }

    /// The order of `ticker` sent with `client_order_id`, if the venue has it.
    pub async fn find_order(&self, ticker: &str, client_order_id: &str) -> Result<Option<KalshiOrder>, NetError> {
        let call = self.read_call("/portfolio/orders").query("ticker", ticker);
        let page: OrdersPage = self.rest().json(&call).await?;
        Ok(page.orders.into_iter().find(|o| o.client_order_id == client_order_id))
    }

    /// The account's balance.
    pub async fn balance(&self) -> Result<KalshiBalance, NetError> {
        self.rest().json(&self.read_call("/portfolio/balance")).await
    }

    /// The account's fills in `ticker`, newest first.
    pub async fn fills(&self, ticker: &str) -> Result<Vec<KalshiFill>, NetError> {
        let page: FillsPage = self.rest().json(&self.read_call("/portfolio/fills").query("ticker", ticker)).await?;
        Ok(page.fills)
    }

    /// The account's market positions.
    pub async fn positions(&self) -> Result<Vec<KalshiPosition>, NetError> {
        let page: PositionsPage = self.rest().json(&self.read_call("/portfolio/positions")).await?;
        Ok(page.market_positions)
    }

    /// Places `r` exactly once: sends it, and whenever the answer is lost, looks for it by its
    /// client order id before sending it again (with the same id).
    pub async fn place_once(&self, r: &OrderRequest) -> Result<KalshiOrder, OrderError> {
        let mut last: Option<NetError> = None;
        for _ in 0..MAX_SENDS {
            match self.place_order(r).await {
                Ok(o) => return Ok(o),
                // Not taken: wait, send again.
                Err(NetError::RateLimited { retry_after, .. }) => {
                    tokio::time::sleep(retry_after.unwrap_or(Duration::from_millis(200))).await;
                }
                // The id is taken: an earlier send of this order arrived.
                Err(NetError::Rejected { status: 409, body, .. }) => {
                    return match self.find_order(&r.ticker, &r.client_order_id).await {
                        Ok(Some(o)) => Ok(o),
                        Ok(None) => Err(refused(409, &body)),
                        Err(e) => Err(OrderError::Unknown { client_order_id: r.client_order_id.clone(), source: e }),
                    };
                }
                Err(NetError::Rejected { status, body, .. }) => return Err(refused(status, &body)),
                // No answer: maybe placed. Look before sending again.
                Err(e) => {
                    tracing::warn!(ticker = %r.ticker, client_order_id = %r.client_order_id, error = %e, "order answer lost: looking for it");
                    match self.find_order(&r.ticker, &r.client_order_id).await {
                        Ok(Some(o)) => return Ok(o),
                        Ok(None) => last = Some(e),
                        Err(lookup) => {
                            return Err(OrderError::Unknown {
                                client_order_id: r.client_order_id.clone(),
                                source: lookup,
                            });
                        }
                    }
                }
            }
        }
        match last {
            Some(source) => Err(OrderError::Unknown { client_order_id: r.client_order_id.clone(), source }),
            // Every send refused with a 429: not placed.
            None => Err(OrderError::Refused {
                status: 429,
                code: "too_many_requests".into(),
                message: format!("rate limited on each of {MAX_SENDS} sends"),
            }),
        }
    }
}

/// The venue's refusal, its code and message read from its error body.
fn refused(status: u16, body: &str) -> OrderError {
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or_default().to_string();
    OrderError::Refused { status, code: s("code"), message: s("message") }
}
