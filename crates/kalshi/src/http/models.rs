//! Kalshi REST wire types, as the venue sends them. Both schemas are accepted: the current one
//! (`*_dollars` strings, `*_fp` count strings) and the legacy one (integer cents, integer counts).
//! Unused fields are left in the raw payload, which is stored verbatim.
//!
//! References: <https://docs.kalshi.com/api-reference/market/get-markets>,
//! <https://docs.kalshi.com/api-reference/events/get-events>

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// `GET /series` page. Elements stay raw so that one bad series does not spoil the list.
#[derive(Debug, Deserialize)]
pub struct KalshiSeriesList {
    #[serde(default)]
    pub series: Option<Vec<Box<RawValue>>>,
}

/// A series.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct KalshiSeries {
    pub ticker: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    /// `quadratic`, `quadratic_with_maker_fees` or `flat`.
    #[serde(default)]
    pub fee_type: Option<String>,
    #[serde(default)]
    pub fee_multiplier: Option<serde_json::Number>,
}

/// `GET /events` page.
#[derive(Debug, Deserialize)]
pub struct KalshiEventsPage {
    #[serde(default)]
    pub events: Option<Vec<Box<RawValue>>>,
    /// Empty string (or absent / null in old responses) at the end.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// An event; `markets` only with `with_nested_markets=true`.
#[derive(Debug, Deserialize)]
pub struct KalshiEvent {
    pub event_ticker: String,
    pub series_ticker: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub sub_title: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub mutually_exclusive: Option<bool>,
    #[serde(default)]
    pub strike_date: Option<String>,
    #[serde(default)]
    pub fee_type_override: Option<String>,
    #[serde(default)]
    pub fee_multiplier_override: Option<serde_json::Number>,
    #[serde(default)]
    pub markets: Option<Vec<Box<RawValue>>>,
}

/// `GET /markets` page.
#[derive(Debug, Deserialize)]
pub struct KalshiMarketsPage {
    #[serde(default)]
    pub markets: Option<Vec<Box<RawValue>>>,
    #[serde(default)]
    pub cursor: Option<String>,
}

/// A market (either schema).
#[derive(Debug, Deserialize)]
pub struct KalshiMarket {
    pub ticker: String,
    pub event_ticker: String,
    #[serde(default)]
    pub market_type: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub subtitle: Option<String>,
    #[serde(default)]
    pub yes_sub_title: Option<String>,
    #[serde(default)]
    pub no_sub_title: Option<String>,
    pub status: String,
    #[serde(default)]
    pub open_time: Option<String>,
    #[serde(default)]
    pub close_time: Option<String>,
    #[serde(default)]
    pub expected_expiration_time: Option<String>,
    #[serde(default)]
    pub occurrence_datetime: Option<String>,
    // Current schema.
    #[serde(default)]
    pub yes_bid_dollars: Option<String>,
    #[serde(default)]
    pub yes_ask_dollars: Option<String>,
    #[serde(default)]
    pub last_price_dollars: Option<String>,
    #[serde(default)]
    pub volume_fp: Option<String>,
    // Legacy schema (integer cents / counts).
    #[serde(default)]
    pub yes_bid: Option<i64>,
    #[serde(default)]
    pub yes_ask: Option<i64>,
    #[serde(default)]
    pub last_price: Option<i64>,
    #[serde(default)]
    pub volume: Option<i64>,
    #[serde(default)]
    pub rules_primary: Option<String>,
    #[serde(default)]
    pub rules_secondary: Option<String>,
    #[serde(default)]
    pub floor_strike: Option<serde_json::Number>,
    #[serde(default)]
    pub strike_type: Option<String>,
    #[serde(default)]
    pub mve_collection_ticker: Option<String>,
    #[serde(default)]
    pub mve_selected_legs: Option<Vec<serde_json::Value>>,
    #[serde(default)]
    pub custom_strike: Option<serde_json::Value>,
}

/// `GET /markets/{ticker}/orderbook`: `orderbook_fp` (current) or `orderbook` (legacy).
#[derive(Debug, Deserialize, Serialize)]
pub struct KalshiOrderbookResponse {
    #[serde(default)]
    pub orderbook_fp: Option<KalshiOrderbookFp>,
    #[serde(default)]
    pub orderbook: Option<KalshiOrderbookLegacy>,
}

/// `GET /markets/orderbooks?tickers=…` (up to 100): one book per requested ticker.
#[derive(Debug, Deserialize, Serialize)]
pub struct KalshiOrderbooksResponse {
    #[serde(default)]
    pub orderbooks: Option<Vec<KalshiTickerOrderbook>>,
}

/// One book of a batch response.
#[derive(Debug, Deserialize, Serialize)]
pub struct KalshiTickerOrderbook {
    pub ticker: String,
    #[serde(flatten)]
    pub book: KalshiOrderbookResponse,
}

/// Current orderbook: bids only, `[price_dollars, count_fp]` strings.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct KalshiOrderbookFp {
    #[serde(default)]
    pub yes_dollars: Option<Vec<(String, String)>>,
    #[serde(default)]
    pub no_dollars: Option<Vec<(String, String)>>,
}

/// Legacy orderbook: `[cents, count]` integers (and `yes_dollars` with integer counts).
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct KalshiOrderbookLegacy {
    #[serde(default)]
    pub yes: Option<Vec<(i64, i64)>>,
    #[serde(default)]
    pub no: Option<Vec<(i64, i64)>>,
}
