//! Gamma wire types → the model (topic, league and kind are the taxonomy's).

use chrono::{DateTime, NaiveDate, Utc};
use crossbook_model::{
    Event, FeeSchedule, Market, MarketKind, MarketRef, MarketState, MarketStatus, Outcome, PolyConditionId,
    PolyEventId, PolyMarketId, PolyTokenId, Price, Topic, Venue,
};

use super::models::{GammaEvent, GammaMarket};

/// Polymarket's sports taker rates for a market that enables fees without stating its
/// `feeSchedule`, from the date each took effect (docs.polymarket.com fees; VENUE_API.md):
/// 0.03 category-wide from 2026-03-30, 0.05 from 2026-07-10. Before 2026-03-30 no category-wide
/// rate was published: such a market is not priced.
pub const SPORTS_TAKER_RATES: [(&str, i64); 2] = [("2026-03-30", 30_000), ("2026-07-10", 50_000)];

/// The rate of a sports fee family, where its `feeType` names one (`sports_fees_v2` in April
/// 2026 markets at 0.03; `sports_fees_v3` in September 2026 markets at 0.05).
fn sports_fee_type_rate(fee_type: &str) -> Option<i64> {
    match fee_type {
        "sports_fees_v2" => Some(30_000),
        "sports_fees_v3" => Some(50_000),
        _ => None,
    }
}

/// The sports taker rate in force at `at`, if one was published by then.
pub fn sports_rate_at(at: DateTime<Utc>) -> Option<i64> {
    let day = at.date_naive();
    SPORTS_TAKER_RATES
        .iter()
        .rev()
        .find(|(from, _)| NaiveDate::parse_from_str(from, "%Y-%m-%d").is_ok_and(|d| d <= day))
        .map(|(_, r)| *r)
}

pub use crossbook_model::parse_error::ParseError;
use crossbook_model::parse_error::{err, optional_time as time};

/// Decodes one of Gamma's JSON-array-in-a-string fields.
fn string_array(field: &'static str, s: &Option<String>) -> Result<Vec<String>, ParseError> {
    match s.as_deref().map(str::trim) {
        None | Some("") => Ok(Vec::new()),
        Some(text) => serde_json::from_str::<Vec<String>>(text).map_err(|e| err(field, e)),
    }
}

/// Whether a market takes orders, from every Gamma field that says so: a closed or inactive
/// market is over; a result proposed (or disputed) means it is resolving even while it is still
/// listed and accepting orders; `acceptingOrders: false` pauses it; no order book, not open.
pub fn market_state(m: &GammaMarket) -> MarketState {
    let uma = m.uma_resolution_status.as_deref().map(|s| s.trim().to_ascii_lowercase());
    match (uma.as_deref(), m.closed, m.active) {
        (Some("resolved"), _, _) => MarketState::Resolved,
        (Some("proposed" | "disputed" | "challenged"), _, _) => MarketState::Resolving,
        (_, Some(true), _) | (_, _, Some(false)) => MarketState::Closed,
        _ if m.enable_order_book == Some(false) => MarketState::NotOpen,
        _ if m.accepting_orders == Some(false) => MarketState::Paused,
        _ => MarketState::Open,
    }
}

/// The token ids in outcome order: `clobTokenIds`, or a V2 market's `positionIds` (a
/// JSON-encoded array, or an array).
fn token_ids(m: &GammaMarket) -> Result<Vec<String>, ParseError> {
    if m.clob_token_ids.as_deref().is_some_and(|t| !t.trim().is_empty()) {
        return string_array("clobTokenIds", &m.clob_token_ids);
    }
    match &m.position_ids {
        None | Some(serde_json::Value::Null) => Ok(Vec::new()),
        Some(serde_json::Value::String(s)) => string_array("positionIds", &Some(s.clone())),
        Some(serde_json::Value::Array(a)) => a
            .iter()
            .map(|v| match v {
                serde_json::Value::String(s) => Ok(s.clone()),
                serde_json::Value::Number(n) => Ok(n.to_string()),
                other => Err(err("positionIds", format!("not an id: {other}"))),
            })
            .collect(),
        Some(other) => Err(err("positionIds", format!("not an array: {other}"))),
    }
}

/// The token ids of a market's payload, in outcome order (none when it does not read).
pub fn market_tokens(raw: &serde_json::Value) -> Vec<String> {
    serde_json::from_value::<GammaMarket>(raw.clone()).ok().and_then(|m| token_ids(&m).ok()).unwrap_or_default()
}

/// A market's fees: its `feeSchedule` (the truth); else, with fees enabled, the rate its sports
/// `feeType` names, or the sports rate in force at `at` when no type is given; anything else
/// (another category's type without a schedule) is not priced.
fn fees(m: &GammaMarket, at: DateTime<Utc>) -> Result<FeeSchedule, ParseError> {
    if let Some(s) = &m.fee_schedule {
        // A negative rate would make fees a rebate and every edge look larger than it is.
        let rate = crossbook_model::money::parse_micros(&s.rate.to_string())
            .map_err(|x| err("feeSchedule.rate", x))
            .and_then(|r| match r {
                0..=1_000_000 => Ok(r),
                _ => Err(err("feeSchedule.rate", format!("{} is out of range 0..1", s.rate))),
            })?;
        let exponent = s.exponent.unwrap_or(1);
        if exponent > 8 {
            return Err(err("feeSchedule.exponent", format!("{exponent} is out of range 0..8")));
        }
        return Ok(FeeSchedule::PolymarketCurve { rate, exponent });
    }
    if m.fees_enabled != Some(true) {
        return Ok(FeeSchedule::Free);
    }
    let rate = match m.fee_type.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => sports_fee_type_rate(t),
        None => sports_rate_at(at),
    };
    Ok(rate.map_or(FeeSchedule::Unpriced, |rate| FeeSchedule::PolymarketCurve { rate, exponent: 1 }))
}

fn status(active: Option<bool>, closed: Option<bool>) -> MarketStatus {
    match (active, closed) {
        (_, Some(true)) => MarketStatus::Closed,
        (Some(false), _) => MarketStatus::Closed,
        _ => MarketStatus::Open,
    }
}

/// The smallest notional of a marketable buy on the CLOB, in dollars.
pub const MIN_MARKETABLE_BUY_MICROS: i64 = 1_000_000;

/// A market's order rules from its Gamma payload: `orderMinSize` shares, the marketable-buy
/// floor of $1, the `orderPriceMinTickSize` grid and the `secondsDelay` in-play delay.
pub fn order_rules(raw: &serde_json::Value) -> crossbook_model::OrderRules {
    use crossbook_model::{Money, OrderRules, PriceGrid, Qty};
    let micros = crossbook_model::money::json_micros;
    let defaults = OrderRules::default();
    OrderRules {
        min_size: micros(&raw["orderMinSize"]).and_then(|m| Qty::from_micros(m).ok()).unwrap_or(defaults.min_size),
        min_notional: Money::from_micros(MIN_MARKETABLE_BUY_MICROS).unwrap_or(Money::ZERO),
        grid: micros(&raw["orderPriceMinTickSize"]).filter(|t| *t > 0).map_or(defaults.grid, PriceGrid::uniform),
        in_play_delay_s: raw["secondsDelay"].as_u64().and_then(|d| u32::try_from(d).ok()).unwrap_or(0),
    }
}

/// An event (its markets are parsed one by one with [`parse_market`]).
pub fn parse_event(e: &GammaEvent, raw: serde_json::Value) -> Result<Event, ParseError> {
    PolyEventId::new(&e.id).map_err(|x| err("id", x))?;
    let closed = e.closed == Some(true) || e.ended == Some(true);
    Ok(Event {
        venue: Venue::Polymarket,
        id: e.id.clone(),
        series: e.series_slug.clone(),
        title: e.title.clone().unwrap_or_default(),
        topic: Topic::Other,
        league: None,
        participants: Vec::new(),
        starts_at: time("startTime", &e.start_time)?,
        is_mve: false,
        status: if closed { MarketStatus::Closed } else { status(e.active, e.closed) },
        raw,
    })
}

/// The largest dollar or share amount believed (a trillion): more is a corrupt payload.
const MAX_AMOUNT: f64 = 1e12;

/// Refuses a market whose numbers cannot be true: an order rule out of its range (they decide
/// what is bought), a negative or absurd liquidity or volume. A field that is absent is fine.
fn check_ranges(raw: &serde_json::Value) -> Result<(), ParseError> {
    let number = |field: &'static str| -> Result<Option<f64>, ParseError> {
        match &raw[field] {
            serde_json::Value::Null => Ok(None),
            serde_json::Value::Number(n) => Ok(n.as_f64()),
            serde_json::Value::String(s) if s.trim().is_empty() => Ok(None),
            serde_json::Value::String(s) => {
                s.trim().parse::<f64>().map(Some).map_err(|_| err(field, format!("not a number: {s:?}")))
            }
            other => Err(err(field, format!("not a number: {other}"))),
        }
    };
    let within = |field: &'static str, low: f64, high: f64, open_low: bool| -> Result<(), ParseError> {
        match number(field)? {
            Some(v) if !v.is_finite() || v > high || v < low || (open_low && v == low) => {
                Err(err(field, format!("{v} is out of range")))
            }
            _ => Ok(()),
        }
    };
    within("orderMinSize", 0.0, 1e6, true)?;
    within("orderPriceMinTickSize", 0.0, 0.1, true)?;
    within("secondsDelay", 0.0, 3600.0, false)?;
    for field in ["liquidityNum", "volumeNum", "liquidity", "volume"] {
        within(field, 0.0, MAX_AMOUNT, false)?;
    }
    Ok(())
}

/// A market of event `event_id` (from the nesting, or the market's own `events`), read at `at`
/// (the fee default in force then applies where the market states none).
pub fn parse_market(
    m: &GammaMarket,
    event_id: Option<&str>,
    raw: serde_json::Value,
    at: DateTime<Utc>,
) -> Result<Market, ParseError> {
    check_ranges(&raw)?;
    let market_id = PolyMarketId::new(&m.id).map_err(|x| err("id", x))?;
    let event_id = event_id
        .map(str::to_string)
        .or_else(|| m.events.as_ref().and_then(|v| v.first()).map(|e| e.id.clone()))
        .ok_or_else(|| err("events", "market has no event"))?;
    let event_id = PolyEventId::new(event_id).map_err(|x| err("events", x))?;
    let condition_id = m
        .condition_id
        .as_deref()
        .filter(|c| !c.is_empty())
        .map(PolyConditionId::new)
        .transpose()
        .map_err(|x| err("conditionId", x))?;
    let names = string_array("outcomes", &m.outcomes)?;
    let tokens = token_ids(m)?;
    let prices = string_array("outcomePrices", &m.outcome_prices)?;
    if !tokens.is_empty() && tokens.len() != names.len() {
        return Err(err("clobTokenIds", format!("{} tokens for {} outcomes", tokens.len(), names.len())));
    }
    let mut outcomes = Vec::with_capacity(names.len());
    for (i, name) in names.into_iter().enumerate() {
        let token_id = tokens.get(i).map(PolyTokenId::new).transpose().map_err(|x| err("clobTokenIds", x))?;
        let price = prices.get(i).map(|p| p.parse::<Price>()).transpose().map_err(|x| err("outcomePrices", x))?;
        outcomes.push(Outcome { name, token_id, price, side: None });
    }
    let fees = fees(m, at)?;
    let starts_at = time("gameStartTime", &m.game_start_time)?;
    Ok(Market {
        key: MarketRef::Polymarket { market_id, event_id, condition_id },
        series: None,
        title: m.question.clone().unwrap_or_default(),
        subtitle: m.group_item_title.clone(),
        topic: Topic::Other,
        league: None,
        participants: Vec::new(),
        subject: None,
        kind: MarketKind::Other,
        line: None,
        outcomes,
        status: status(m.active, m.closed),
        state: market_state(m),
        open_time: None,
        close_time: time("endDate", &m.end_date)?,
        starts_at,
        ends_at: None,
        is_mve: false,
        fees,
        rules: m.description.clone(),
        raw,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENT: &str = include_str!("../../test_data/event_nba_mil_lal.json");

    /// The capture's clock (2026-01-09), before any category-wide sports fee.
    fn at() -> DateTime<Utc> {
        "2026-01-09T23:50:00Z".parse().unwrap()
    }

    fn event_and_markets() -> (Event, Vec<Result<Market, ParseError>>) {
        let wire: GammaEvent = serde_json::from_str(EVENT).unwrap();
        let mut raw: serde_json::Value = serde_json::from_str(EVENT).unwrap();
        raw.as_object_mut().unwrap().remove("markets");
        let e = parse_event(&wire, raw).unwrap();
        let markets = wire
            .markets
            .iter()
            .flatten()
            .map(|r| {
                let m: GammaMarket = serde_json::from_str(r.get()).unwrap();
                parse_market(&m, Some(&e.id), serde_json::from_str(r.get()).unwrap(), at())
            })
            .collect();
        (e, markets)
    }

    #[test]
    fn parses_the_real_mil_lal_event() {
        let (e, markets) = event_and_markets();
        assert_eq!((e.id.as_str(), e.title.as_str()), ("140938", "Bucks vs. Lakers"));
        assert_eq!(e.starts_at.unwrap().to_rfc3339(), "2026-01-10T03:30:00+00:00");
        let ml = markets[0].as_ref().unwrap();
        assert_eq!(ml.id(), "1096983");
        assert_eq!(ml.event_id(), "140938");
        assert_eq!(ml.outcomes.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(), vec!["Bucks", "Lakers"]);
        assert!(ml.outcomes.iter().all(|o| o.token_id.is_some()));
        assert_eq!(ml.starts_at, e.starts_at, "gameStartTime in its space-separated form");
        assert_eq!(ml.fees, FeeSchedule::Free);
        // Five shares at least, a $1 marketable buy, a cent grid, 3 s delay in play.
        let rules = order_rules(&ml.raw);
        assert_eq!((rules.min_size.to_string(), rules.min_notional.to_string()), ("5".into(), "1".into()));
        assert_eq!((rules.grid, rules.in_play_delay_s), (crossbook_model::PriceGrid::uniform(10_000), 3));
        let spread = markets[1].as_ref().unwrap();
        assert_eq!(spread.outcomes[0].name, "Lakers");
    }

    #[test]
    fn mismatched_tokens_and_bad_prices_are_named() {
        let bad: GammaMarket = serde_json::from_value(serde_json::json!({
            "id": "1", "outcomes": "[\"A\", \"B\"]", "clobTokenIds": "[\"1\"]"
        }))
        .unwrap();
        assert_eq!(parse_market(&bad, Some("9"), serde_json::json!({}), at()).unwrap_err().field, "clobTokenIds");
        let bad: GammaMarket = serde_json::from_value(serde_json::json!({
            "id": "1", "outcomes": "[\"A\", \"B\"]", "outcomePrices": "[\"0.4\", \"x\"]"
        }))
        .unwrap();
        assert_eq!(parse_market(&bad, Some("9"), serde_json::json!({}), at()).unwrap_err().field, "outcomePrices");
        let bad: GammaMarket = serde_json::from_value(serde_json::json!({"id": "1", "outcomes": "not json"})).unwrap();
        assert_eq!(parse_market(&bad, Some("9"), serde_json::json!({}), at()).unwrap_err().field, "outcomes");
    }

    #[test]
    fn fees_per_market() {
        let m: GammaMarket = serde_json::from_value(serde_json::json!({"id": "1", "feesEnabled": true})).unwrap();
        let fees_at =
            |day: &str| parse_market(&m, Some("9"), serde_json::json!({}), day.parse().unwrap()).unwrap().fees;
        // No schedule, no type: the sports rate in force that day, none before 2026-03-30.
        assert_eq!(fees_at("2026-01-09T23:50:00Z"), FeeSchedule::Unpriced);
        assert_eq!(fees_at("2026-04-05T12:00:00Z"), FeeSchedule::PolymarketCurve { rate: 30_000, exponent: 1 });
        assert_eq!(fees_at("2026-07-10T00:00:00Z"), FeeSchedule::PolymarketCurve { rate: 50_000, exponent: 1 });
        // A sports fee type names its rate; another category's type without a schedule is not priced.
        let typed = |t: &str| {
            let m: GammaMarket =
                serde_json::from_value(serde_json::json!({"id": "1", "feesEnabled": true, "feeType": t})).unwrap();
            parse_market(&m, Some("9"), serde_json::json!({}), at()).unwrap().fees
        };
        assert_eq!(typed("sports_fees_v3"), FeeSchedule::PolymarketCurve { rate: 50_000, exponent: 1 });
        assert_eq!(typed("sports_fees_v2"), FeeSchedule::PolymarketCurve { rate: 30_000, exponent: 1 });
        assert_eq!(typed("crypto_fees"), FeeSchedule::Unpriced);
        let m: GammaMarket = serde_json::from_value(
            serde_json::json!({"id": "1", "feesEnabled": true, "feeSchedule": {"rate": 0.0175, "exponent": 1}}),
        )
        .unwrap();
        assert_eq!(
            parse_market(&m, Some("9"), serde_json::json!({}), at()).unwrap().fees,
            FeeSchedule::PolymarketCurve { rate: 17_500, exponent: 1 }
        );
    }

    /// Numbers that cannot be true refuse the market, naming the field: a negative fee rate
    /// (a rebate that would inflate every edge), order rules out of range, absurd amounts.
    #[test]
    fn impossible_numbers_are_refused_by_field() {
        let refused = |raw: serde_json::Value| {
            let m: GammaMarket = serde_json::from_value(raw.clone()).unwrap();
            parse_market(&m, Some("9"), raw, at()).unwrap_err().field
        };
        let rate = serde_json::json!({"id": "1", "feeSchedule": {"rate": -0.03, "exponent": 1}});
        assert_eq!(refused(rate), "feeSchedule.rate");
        assert_eq!(refused(serde_json::json!({"id": "1", "orderMinSize": -5})), "orderMinSize");
        assert_eq!(refused(serde_json::json!({"id": "1", "orderMinSize": 0})), "orderMinSize");
        assert_eq!(refused(serde_json::json!({"id": "1", "orderPriceMinTickSize": 0.5})), "orderPriceMinTickSize");
        assert_eq!(refused(serde_json::json!({"id": "1", "secondsDelay": -3})), "secondsDelay");
        assert_eq!(refused(serde_json::json!({"id": "1", "liquidityNum": -100.5})), "liquidityNum");
        assert_eq!(refused(serde_json::json!({"id": "1", "volumeNum": 1e30})), "volumeNum");
        assert_eq!(refused(serde_json::json!({"id": "1", "volume": "-12"})), "volume");
        let fine = serde_json::json!({"id": "1", "orderMinSize": 5, "orderPriceMinTickSize": 0.01, "secondsDelay": 3,
            "liquidityNum": 1200.5, "volume": "34000.1", "feeSchedule": {"rate": 0.03, "exponent": 1}});
        let m: GammaMarket = serde_json::from_value(fine.clone()).unwrap();
        assert!(parse_market(&m, Some("9"), fine, at()).is_ok());
    }
}
