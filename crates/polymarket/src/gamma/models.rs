//! Gamma wire types. `outcomes`, `outcomePrices` and `clobTokenIds` are JSON arrays encoded as
//! strings; market `volume`/`liquidity` are strings while the event's are numbers;
//! `gameStartTime` is `"YYYY-MM-DD HH:MM:SS+00"`.
//!
//! References: <https://docs.polymarket.com/developers/gamma-markets-api/get-events>

use serde::Deserialize;
use serde_json::value::RawValue;

/// `GET /events` item. Markets stay raw so one bad market does not spoil the event.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GammaEvent {
    pub id: String,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub start_time: Option<String>,
    #[serde(default)]
    pub end_date: Option<String>,
    #[serde(default)]
    pub series_slug: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default)]
    pub closed: Option<bool>,
    #[serde(default)]
    pub ended: Option<bool>,
    /// The game's id on the live-scores socket (a number; some payloads write it as a string).
    #[serde(default)]
    pub game_id: Option<serde_json::Value>,
    #[serde(default)]
    pub markets: Option<Vec<Box<RawValue>>>,
}

/// A live-scores game id as text: Gamma writes `gameId` as a number on events and as a string
/// on markets; the socket sends a number (`gameId`) or a string (cricket's `metadataGameId`).
pub fn game_id_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    }
}

/// `GET /events/keyset` and `GET /markets/keyset`: a page and the cursor of the next one
/// (absent on the last page).
#[derive(Debug, Deserialize)]
pub struct GammaKeysetPage {
    #[serde(default, alias = "markets")]
    pub events: Option<Vec<Box<RawValue>>>,
    #[serde(default)]
    pub next_cursor: Option<String>,
}

/// A tag on an event (`id` is a string here).
#[derive(Debug, Deserialize)]
pub struct GammaTag {
    pub id: String,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub slug: Option<String>,
}

/// A market.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GammaMarket {
    pub id: String,
    #[serde(default)]
    pub question: Option<String>,
    #[serde(default)]
    pub condition_id: Option<String>,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub end_date: Option<String>,
    #[serde(default)]
    pub game_start_time: Option<String>,
    /// JSON-encoded array of outcome names.
    #[serde(default)]
    pub outcomes: Option<String>,
    /// JSON-encoded array of decimal strings.
    #[serde(default)]
    pub outcome_prices: Option<String>,
    /// JSON-encoded array of token ids, in outcome order.
    #[serde(default)]
    pub clob_token_ids: Option<String>,
    /// Protocol V2 markets (`version: "v2"`, CLOB V2 live 2026-04-28) name their tokens here
    /// instead: a JSON-encoded array, or an array.
    #[serde(default)]
    pub position_ids: Option<serde_json::Value>,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub sports_market_type: Option<String>,
    #[serde(default)]
    pub group_item_title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default)]
    pub closed: Option<bool>,
    /// `false` while the market takes no orders (paused, or past its game).
    #[serde(default)]
    pub accepting_orders: Option<bool>,
    /// `false`: no order book on the CLOB (nothing to trade).
    #[serde(default)]
    pub enable_order_book: Option<bool>,
    /// The resolution's progress: `proposed`, `disputed`, `resolved` (the market can still be
    /// listed and accepting orders while a result is proposed).
    #[serde(default)]
    pub uma_resolution_status: Option<String>,
    #[serde(default)]
    pub fees_enabled: Option<bool>,
    /// The fee family (`sports_fees_v2`, `sports_fees_v3`, `crypto_fees`, …).
    #[serde(default)]
    pub fee_type: Option<String>,
    /// `{rate, exponent, takerOnly, rebateRate}`: the truth about the market's fees.
    #[serde(default, alias = "fee_schedule")]
    pub fee_schedule: Option<GammaFeeSchedule>,
    /// `GET /markets` nests the market's event(s) here.
    #[serde(default)]
    pub events: Option<Vec<GammaEventRef>>,
}

/// A market's fee schedule.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GammaFeeSchedule {
    pub rate: serde_json::Number,
    #[serde(default)]
    pub exponent: Option<u32>,
    /// Makers pay nothing (they get `rebateRate` of the takers' fees back).
    #[serde(default, alias = "taker_only")]
    pub taker_only: Option<bool>,
    #[serde(default, alias = "rebate_rate")]
    pub rebate_rate: Option<serde_json::Number>,
}

/// The event a `GET /markets` item belongs to.
#[derive(Debug, Deserialize)]
pub struct GammaEventRef {
    pub id: String,
}

/// `GET /sports` item (`tags` and `series` are comma strings).
#[derive(Debug, Deserialize)]
pub struct GammaSport {
    pub sport: String,
    #[serde(default)]
    pub tags: Option<String>,
    #[serde(default)]
    pub series: Option<String>,
    #[serde(default)]
    pub ordering: Option<String>,
}

impl GammaSport {
    /// The tag ids, parsed from the comma string.
    pub fn tag_ids(&self) -> Vec<String> {
        self.tags
            .as_deref()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(String::from)
            .collect()
    }
}

/// `GET /teams` item.
#[derive(Debug, Deserialize)]
pub struct GammaTeam {
    pub id: i64,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub league: Option<String>,
    #[serde(default)]
    pub abbreviation: Option<String>,
    #[serde(default)]
    pub alias: Option<String>,
}
