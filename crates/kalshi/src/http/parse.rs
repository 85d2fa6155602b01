//! Kalshi wire types → the model. Topic, league, kind and teams are left to the taxonomy crate;
//! here only what the payload states is converted, with errors that say which field.

use crossbook_model::{
    Event, FeeSchedule, KalshiEventTicker, KalshiMarketTicker, Market, MarketKind, MarketRef, MarketState,
    MarketStatus, Outcome, Price, Qty, Topic, Venue,
};

use super::models::{KalshiEvent, KalshiMarket, KalshiOrderbookResponse, KalshiSeries};

pub use crossbook_model::parse_error::ParseError;
use crossbook_model::parse_error::{err, optional_time as time};

/// Whether a market in this status takes orders (response words, and the filter words some
/// older payloads carry).
pub fn parse_state(s: &str) -> Result<MarketState, ParseError> {
    Ok(match s {
        "active" | "open" => MarketState::Open,
        "inactive" | "paused" => MarketState::Paused,
        "initialized" | "unopened" => MarketState::NotOpen,
        "closed" => MarketState::Closed,
        "determined" | "disputed" | "amended" => MarketState::Resolving,
        "finalized" | "settled" => MarketState::Resolved,
        other => return Err(err("status", format!("unknown status {other:?}"))),
    })
}

/// Maps Kalshi's response status words onto ours.
pub fn parse_status(s: &str) -> Result<MarketStatus, ParseError> {
    match s {
        "initialized" | "inactive" | "active" | "open" | "unopened" | "paused" => Ok(MarketStatus::Open),
        "closed" => Ok(MarketStatus::Closed),
        "determined" | "disputed" | "amended" | "finalized" | "settled" => Ok(MarketStatus::Settled),
        other => Err(err("status", format!("unknown status {other:?}"))),
    }
}

/// A price from the current dollar string, else the legacy cents; "no quote" encodings → None.
fn price(field: &'static str, dollars: &Option<String>, cents: Option<i64>) -> Result<Option<Price>, ParseError> {
    let p = match (dollars.as_deref(), cents) {
        (Some(d), _) => d.parse::<Price>().map_err(|e| err(field, e))?,
        (None, Some(c)) => Price::from_cents(c).map_err(|e| err(field, e))?,
        (None, None) => return Ok(None),
    };
    Ok(Some(p))
}

/// Fee schedule of a series, with the event's overrides.
pub fn fee_schedule(series: Option<&KalshiSeries>, event: Option<&KalshiEvent>) -> FeeSchedule {
    let fee_type = event.and_then(|e| e.fee_type_override.clone()).or_else(|| series.and_then(|s| s.fee_type.clone()));
    let multiplier = event
        .and_then(|e| e.fee_multiplier_override.clone())
        .or_else(|| series.and_then(|s| s.fee_multiplier.clone()))
        .map(|n| n.to_string())
        .unwrap_or_else(|| "1".into());
    schedule_of(fee_type.as_deref(), Some(&multiplier))
}

/// The schedule of a fee type and multiplier as Kalshi names them (`fee_type` absent:
/// `quadratic`). The taker rate is 0.07 for every quadratic type; makers pay only where the type
/// says so (the schedule effective 2026-07-07: maker fees 0 unless a series says otherwise, and
/// `quadratic_with_combo_maker_fees` charges makers on combos only). A multiplier that is
/// missing, unreadable, negative (a rebate) or absurd prices nothing, as does `flat` (no
/// published formula) or a type crossbook does not know.
pub fn schedule_of(fee_type: Option<&str>, multiplier: Option<&str>) -> FeeSchedule {
    let multiplier = multiplier
        .and_then(|m| crossbook_model::money::parse_micros(m.trim()).ok())
        .filter(|m| (0..=10_000_000).contains(m));
    let Some(multiplier) = multiplier else { return FeeSchedule::Unpriced };
    match fee_type.unwrap_or("quadratic") {
        "quadratic" | "quadratic_with_combo_maker_fees" => {
            FeeSchedule::KalshiQuadratic { taker_rate: 70_000, maker_rate: 0, multiplier }
        }
        "quadratic_with_maker_fees" => {
            FeeSchedule::KalshiQuadratic { taker_rate: 70_000, maker_rate: 17_500, multiplier }
        }
        _ => FeeSchedule::Unpriced,
    }
}

/// A market's order rules from its payload: the grid from `price_ranges` (else from
/// `price_level_structure`, else cents), one contract at least, no notional floor, no delay.
pub fn order_rules(raw: &serde_json::Value) -> crossbook_model::OrderRules {
    use crossbook_model::{GridRange, PriceGrid};
    let micros = crossbook_model::money::json_micros;
    let ranges: Vec<GridRange> = raw["price_ranges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| {
            Some(GridRange { start: micros(&r["start"])?, end: micros(&r["end"])?, step: micros(&r["step"])? })
        })
        .filter(|r| r.step > 0 && 0 <= r.start && r.start < r.end && r.end <= 1_000_000)
        .collect();
    let grid = if !ranges.is_empty() {
        PriceGrid(ranges)
    } else {
        match raw["price_level_structure"].as_str() {
            Some("deci_cent") => PriceGrid::uniform(1_000),
            Some("tapered_deci_cent") => PriceGrid(vec![
                GridRange { start: 0, end: 100_000, step: 1_000 },
                GridRange { start: 100_000, end: 900_000, step: 10_000 },
                GridRange { start: 900_000, end: 1_000_000, step: 1_000 },
            ]),
            _ => PriceGrid::default(),
        }
    };
    crossbook_model::OrderRules { grid, ..Default::default() }
}

/// Converts an event (without its nested markets).
pub fn parse_event(e: &KalshiEvent, raw: serde_json::Value) -> Result<Event, ParseError> {
    KalshiEventTicker::new(&e.event_ticker).map_err(|x| err("event_ticker", x))?;
    Ok(Event {
        venue: Venue::Kalshi,
        id: e.event_ticker.clone(),
        series: Some(e.series_ticker.clone()),
        title: e.title.clone().unwrap_or_default(),
        topic: Topic::Other,
        league: None,
        participants: Vec::new(),
        // The start of play is the time in the ticker, where there is one (the taxonomy's).
        starts_at: None,
        is_mve: false,
        status: MarketStatus::Open,
        raw,
    })
}

/// Converts a market. `fees` comes from its series and event.
pub fn parse_market(m: &KalshiMarket, raw: serde_json::Value, fees: FeeSchedule) -> Result<Market, ParseError> {
    // Only binary markets pay $1 on one side; a scalar market is no arbitrage leg.
    if let Some(t) = m.market_type.as_deref().filter(|t| *t != "binary") {
        return Err(err("market_type", format!("{t:?} is not supported (binary only)")));
    }
    let ticker = KalshiMarketTicker::new(&m.ticker).map_err(|x| err("ticker", x))?;
    let event_ticker = KalshiEventTicker::new(&m.event_ticker).map_err(|x| err("event_ticker", x))?;
    let status = parse_status(&m.status)?;
    let state = parse_state(&m.status)?;
    let yes_bid = price("yes_bid_dollars", &m.yes_bid_dollars, m.yes_bid)?;
    let yes_ask = price("yes_ask_dollars", &m.yes_ask_dollars, m.yes_ask)?;
    let last = price("last_price_dollars", &m.last_price_dollars, m.last_price)?;
    if let Some(v) = &m.volume_fp {
        v.parse::<Qty>().map_err(|e| err("volume_fp", e))?;
    }
    if let Some(v) = m.volume.filter(|v| *v < 0) {
        return Err(err("volume", format!("{v} is negative")));
    }
    // Indicative YES price: the mid of a real two-sided quote, else the last trade.
    let indicative = match (yes_bid, yes_ask) {
        (Some(b), Some(a)) if b.micros() > 0 && a.micros() > b.micros() && a.micros() < 1_000_000 => {
            Price::from_micros((b.micros() + a.micros()) / 2).ok()
        }
        _ => last.filter(|p| p.micros() > 0),
    };
    let occurrence = time("occurrence_datetime", &m.occurrence_datetime)?;
    let expected = time("expected_expiration_time", &m.expected_expiration_time)?;
    let rules = match (&m.rules_primary, &m.rules_secondary) {
        (Some(a), Some(b)) if !b.is_empty() => Some(format!("{a}\n\n{b}")),
        (Some(a), _) => Some(a.clone()),
        (None, Some(b)) => Some(b.clone()),
        (None, None) => None,
    };
    Ok(Market {
        series: Some(ticker.series_prefix().to_string()),
        key: MarketRef::Kalshi { ticker, event_ticker },
        title: m.title.clone().unwrap_or_default(),
        subtitle: m.yes_sub_title.clone().or_else(|| m.subtitle.clone()),
        topic: Topic::Other,
        league: None,
        participants: Vec::new(),
        subject: None,
        kind: MarketKind::Other,
        line: None,
        outcomes: vec![
            Outcome { name: "Yes".into(), token_id: None, price: indicative, side: None },
            Outcome { name: "No".into(), token_id: None, price: indicative.map(Price::complement), side: None },
        ],
        status,
        state,
        open_time: time("open_time", &m.open_time)?,
        close_time: time("close_time", &m.close_time)?,
        // No Kalshi market field gives the start of play: both of these are about its end
        // (first pitch 22:40 UTC, both 01:40 in a real payload). The start comes from the time
        // in the ticker, where a series writes one (the taxonomy's).
        starts_at: None,
        ends_at: expected.or(occurrence),
        is_mve: false,
        fees,
        rules,
        raw,
    })
}

/// Price levels of one book side, as (price, size).
pub type Levels = Vec<(Price, Qty)>;

/// The market's YES book from its bids-only book: YES bids as they are, each NO bid at `p` as a
/// YES ask at `1 − p` (buying YES is selling NO).
pub fn orderbook_levels(r: &KalshiOrderbookResponse) -> Result<(Levels, Levels), ParseError> {
    let (yes, no) = orderbook_bids(r)?;
    Ok((yes, crossbook_model::book_event::asks_from_no_bids(&no)))
}

/// YES bids and NO bids, in either schema, best first (highest price).
pub fn orderbook_bids(r: &KalshiOrderbookResponse) -> Result<(Levels, Levels), ParseError> {
    fn fp(levels: &Option<Vec<(String, String)>>, field: &'static str) -> Result<Levels, ParseError> {
        levels
            .iter()
            .flatten()
            .map(|(p, q)| Ok((p.parse().map_err(|e| err(field, e))?, q.parse().map_err(|e| err(field, e))?)))
            .collect()
    }
    fn legacy(levels: &Option<Vec<(i64, i64)>>, field: &'static str) -> Result<Levels, ParseError> {
        levels
            .iter()
            .flatten()
            .map(|(c, n)| {
                Ok((Price::from_cents(*c).map_err(|e| err(field, e))?, Qty::from_whole(*n).map_err(|e| err(field, e))?))
            })
            .collect()
    }
    let (mut yes, mut no) = match (&r.orderbook_fp, &r.orderbook) {
        (Some(b), _) => {
            (fp(&b.yes_dollars, "orderbook_fp.yes_dollars")?, fp(&b.no_dollars, "orderbook_fp.no_dollars")?)
        }
        (None, Some(b)) => (legacy(&b.yes, "orderbook.yes")?, legacy(&b.no, "orderbook.no")?),
        (None, None) => (Vec::new(), Vec::new()),
    };
    // Real arrays come price-ascending; sort defensively, best bid first.
    yes.sort_by_key(|l| std::cmp::Reverse(l.0));
    no.sort_by_key(|l| std::cmp::Reverse(l.0));
    Ok((yes, no))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEW_MARKET: &str = include_str!("../../test_data/market_new_schema.json");
    const LEGACY_EVENT: &str = include_str!("../../test_data/event_legacy.json");

    #[test]
    fn a_scalar_market_is_refused_with_its_field() {
        let mut raw: serde_json::Value = serde_json::from_str(NEW_MARKET).unwrap();
        raw["market_type"] = serde_json::json!("scalar");
        let wire: KalshiMarket = serde_json::from_value(raw.clone()).unwrap();
        let e = parse_market(&wire, raw, fee_schedule(None, None)).unwrap_err();
        assert_eq!(e.field, "market_type");
    }

    #[test]
    fn parses_a_current_schema_market() {
        let wire: KalshiMarket = serde_json::from_str(NEW_MARKET).unwrap();
        let raw: serde_json::Value = serde_json::from_str(NEW_MARKET).unwrap();
        let m = parse_market(&wire, raw.clone(), fee_schedule(None, None)).unwrap();
        assert_eq!(m.id(), "KXMLBGAME-26JUL081840NYYTB-NYY");
        assert_eq!(m.event_id(), "KXMLBGAME-26JUL081840NYYTB");
        assert_eq!(m.series.as_deref(), Some("KXMLBGAME"));
        assert_eq!(m.status, MarketStatus::Open);
        assert_eq!(m.subtitle.as_deref(), Some("New York Y"));
        // Both expiration fields say 01:40 UTC, three hours after first pitch (22:40 UTC): the
        // expected end of play, never the start.
        assert_eq!(m.ends_at.unwrap().to_rfc3339(), "2026-07-09T01:40:00+00:00");
        assert_eq!(m.starts_at, None);
        // bid 0 / ask 0 is "no quote": no indicative price.
        assert_eq!(m.outcomes[0].price, None);
        assert!(m.rules.unwrap().contains("postponed"));
        assert_eq!(m.raw, raw);
        // A cent grid (`linear_cent`), one contract at least.
        let rules = order_rules(&raw);
        assert_eq!(rules.grid, crossbook_model::PriceGrid::uniform(10_000));
        assert_eq!(rules.min_size.to_string(), "1");
        let ranged = serde_json::json!({"price_ranges": [{"start": "0.0000", "end": "0.1000", "step": "0.0010"}, {"start": "0.1000", "end": "1.0000", "step": "0.0100"}]});
        let g = order_rules(&ranged).grid;
        assert!(g.contains("0.053".parse().unwrap()) && !g.contains("0.515".parse().unwrap()));
    }

    #[test]
    fn parses_legacy_cents() {
        let legacy = serde_json::json!({
            "ticker": "KXNBAGAME-26JAN09MILLAL-MIL", "event_ticker": "KXNBAGAME-26JAN09MILLAL",
            "status": "active", "yes_bid": 41, "yes_ask": 43, "last_price": 42, "volume": 1200,
            "close_time": "2026-01-24T03:30:00Z", "response_price_units": "usd_cent"
        });
        let wire: KalshiMarket = serde_json::from_value(legacy.clone()).unwrap();
        let m = parse_market(&wire, legacy, fee_schedule(None, None)).unwrap();
        assert_eq!(m.outcomes[0].price.unwrap().to_string(), "0.42");
        assert_eq!(m.outcomes[1].price.unwrap().to_string(), "0.58");
    }

    #[test]
    fn bad_fields_are_named() {
        let bad = serde_json::json!({
            "ticker": "KXNBAGAME-26JAN09MILLAL-MIL", "event_ticker": "KXNBAGAME-26JAN09MILLAL",
            "status": "active", "yes_bid_dollars": "0.4x"
        });
        let wire: KalshiMarket = serde_json::from_value(bad.clone()).unwrap();
        assert_eq!(parse_market(&wire, bad, FeeSchedule::Free).unwrap_err().field, "yes_bid_dollars");
        assert_eq!(parse_status("exploded").unwrap_err().field, "status");
    }

    #[test]
    fn event_and_fees() {
        let wire: KalshiEvent = serde_json::from_str(LEGACY_EVENT).unwrap();
        let e = parse_event(&wire, serde_json::from_str(LEGACY_EVENT).unwrap()).unwrap();
        assert_eq!((e.id.as_str(), e.series.as_deref()), ("KXNBAGAME-26JAN11HOUSAC", Some("KXNBAGAME")));
        let series: KalshiSeries = serde_json::from_value(
            serde_json::json!({"ticker": "KXNBAGAME", "fee_type": "quadratic_with_maker_fees", "fee_multiplier": 1}),
        )
        .unwrap();
        assert_eq!(
            fee_schedule(Some(&series), None),
            FeeSchedule::KalshiQuadratic { taker_rate: 70_000, maker_rate: 17_500, multiplier: 1_000_000 }
        );
        let half: KalshiSeries = serde_json::from_value(
            serde_json::json!({"ticker": "KXINX", "fee_type": "quadratic", "fee_multiplier": 0.5}),
        )
        .unwrap();
        assert_eq!(
            fee_schedule(Some(&half), None),
            FeeSchedule::KalshiQuadratic { taker_rate: 70_000, maker_rate: 0, multiplier: 500_000 }
        );
        // A rebate or an unreadable multiplier prices nothing rather than guessing 1.
        for bad in ["-1", "1e30"] {
            let series: KalshiSeries = serde_json::from_str(&format!(
                r#"{{"ticker": "KXNBAGAME", "fee_type": "quadratic", "fee_multiplier": {bad}}}"#
            ))
            .unwrap();
            assert_eq!(fee_schedule(Some(&series), None), FeeSchedule::Unpriced, "{bad}");
        }
    }

    #[test]
    fn orderbooks_in_both_schemas_sorted_best_first() {
        let new: KalshiOrderbookResponse = serde_json::from_value(serde_json::json!(
            {"orderbook_fp": {"yes_dollars": [["0.1500", "100.00"], ["0.4000", "5.50"]], "no_dollars": null}}
        ))
        .unwrap();
        let (yes, no) = orderbook_bids(&new).unwrap();
        assert_eq!(yes[0].0.to_string(), "0.4");
        assert_eq!(yes[0].1.to_string(), "5.5");
        assert!(no.is_empty());
        let legacy: KalshiOrderbookResponse =
            serde_json::from_value(serde_json::json!({"orderbook": {"yes": [[15, 100], [47, 300]], "no": [[50, 20]]}}))
                .unwrap();
        let (yes, no) = orderbook_bids(&legacy).unwrap();
        assert_eq!((yes[0].0.to_string(), yes[0].1.to_string()), ("0.47".into(), "300".into()));
        assert_eq!(no.len(), 1);
    }
}
