//! CLOB wire types: every number is a string; bids come ascending and asks descending (the best
//! level LAST), so consumers sort.
//!
//! References: <https://docs.polymarket.com/developers/CLOB/prices-books/get-book>

use serde::{Deserialize, Serialize};

/// `GET /book` (and each item of `POST /books`).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ClobBook {
    #[serde(default)]
    pub market: Option<String>,
    pub asset_id: String,
    /// Milliseconds since the epoch, as a string.
    #[serde(default)]
    pub timestamp: Option<String>,
    #[serde(default)]
    pub hash: Option<String>,
    #[serde(default)]
    pub bids: Vec<ClobLevel>,
    #[serde(default)]
    pub asks: Vec<ClobLevel>,
    #[serde(default)]
    pub min_order_size: Option<String>,
    #[serde(default)]
    pub tick_size: Option<String>,
    #[serde(default)]
    pub neg_risk: Option<bool>,
    #[serde(default)]
    pub last_trade_price: Option<String>,
}

/// One price level.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ClobLevel {
    pub price: String,
    pub size: String,
}

/// `GET /price`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ClobPrice {
    pub price: serde_json::Value,
}
