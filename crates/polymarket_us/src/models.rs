//! The gateway's payloads, as sent (fields crossbook reads; the rest stays in `raw`).

use serde::Deserialize;

/// `GET /v1/events` → `{"events": [...]}`.
#[derive(Debug, Clone, Deserialize)]
pub struct EventsPage {
    #[serde(default)]
    pub events: Vec<Box<serde_json::value::RawValue>>,
}

/// An event with its markets.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsEvent {
    pub slug: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub start_time: Option<String>,
    #[serde(default)]
    pub series_slug: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default)]
    pub closed: Option<bool>,
    #[serde(default)]
    pub ended: Option<bool>,
    /// The two teams, where the event lists them.
    #[serde(default)]
    pub teams: Vec<UsTeam>,
    #[serde(default)]
    pub markets: Vec<Box<serde_json::value::RawValue>>,
}

/// A price as the gateway writes one: `{"value": "0.6350", "currency": "USD"}`.
#[derive(Debug, Clone, Deserialize)]
pub struct Quote {
    pub value: String,
    #[serde(default)]
    pub currency: Option<String>,
}

/// A market's team, on each of its sides.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsTeam {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub abbreviation: Option<String>,
    #[serde(default)]
    pub alias: Option<String>,
    #[serde(default)]
    pub safe_name: Option<String>,
    #[serde(default)]
    pub league: Option<String>,
    /// `away` or `home`.
    #[serde(default)]
    pub ordering: Option<String>,
}

/// One side of a market: the long side is what the market's book trades.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsSide {
    #[serde(default)]
    pub long: Option<bool>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub team: Option<UsTeam>,
    #[serde(default)]
    pub tradable: Option<bool>,
}

/// A market.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsMarket {
    pub slug: String,
    #[serde(default)]
    pub question: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default)]
    pub closed: Option<bool>,
    /// `MARKET_STATUS_OPEN`, …
    #[serde(default)]
    pub status: Option<String>,
    /// `OPEN`, `EXPIRED`, `SETTLED`, …
    #[serde(default)]
    pub ep3_status: Option<String>,
    #[serde(default)]
    pub sports_market_type: Option<String>,
    #[serde(default, rename = "sportsMarketTypeV2")]
    pub sports_market_type_v2: Option<String>,
    #[serde(default)]
    pub line: Option<serde_json::Value>,
    #[serde(default)]
    pub game_start_time: Option<String>,
    #[serde(default)]
    pub start_date: Option<String>,
    #[serde(default)]
    pub end_date: Option<String>,
    #[serde(default)]
    pub market_sides: Vec<UsSide>,
    #[serde(default)]
    pub fee_coefficient: Option<serde_json::Value>,
    #[serde(default)]
    pub order_price_min_tick_size: Option<serde_json::Value>,
    #[serde(default)]
    pub minimum_trade_qty: Option<serde_json::Value>,
}

/// `GET /v1/markets/{slug}/book` → `{"marketData": {...}}`: the long side's book.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BookResponse {
    pub market_data: MarketData,
}

/// One price level.
#[derive(Debug, Clone, Deserialize)]
pub struct BookLevel {
    pub px: Quote,
    pub qty: String,
}

/// A market's book and trading state.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarketData {
    #[serde(default)]
    pub market_slug: Option<String>,
    #[serde(default)]
    pub bids: Vec<BookLevel>,
    #[serde(default)]
    pub offers: Vec<BookLevel>,
    /// `MARKET_STATE_OPEN`, `MARKET_STATE_PREOPEN`, `MARKET_STATE_SUSPENDED`, …
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub transact_time: Option<String>,
}
