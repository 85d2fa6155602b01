//! The JSON rows of the contracts (markets list, links export), shared by the CLI and the API.

use std::collections::HashMap;

use crossbook_model::{Link, Market, MarketState, Venue};
use serde_json::{Value, json};

/// One market as `markets list --json` shows it.
pub fn market_row(m: &Market) -> Value {
    json!({
        "venue": m.venue(),
        "id": m.id(),
        "event_id": m.event_id(),
        "league": m.league.map(|l| l.code()),
        "kind": m.kind.as_str(),
        "line": m.line,
        "is_mve": m.is_mve,
        "status": m.status.as_str(),
        "state": m.state.as_str(),
        "close_time": m.close_time.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
    })
}

/// One link as `links export --json` shows it.
pub fn link_row(l: &Link) -> Value {
    let c = &l.candidate;
    let kalshi = json!({"ticker": c.kalshi_ticker, "event_ticker": c.kalshi_event_ticker});
    // The second leg in its venue's terms: a Polymarket market and token, or a Polymarket US
    // market slug and side (its book is the slug's; outcome 0 is the long side).
    let (second, second_ids, second_book) = match c.poly_venue {
        Venue::PolymarketUs => (
            "polymarket_us",
            json!({"slug": c.poly_market_id, "outcome_index": c.poly_outcome_index, "outcome": c.poly_outcome,
                   "side": if c.poly_outcome_index == 0 { "long" } else { "short" }}),
            json!(c.poly_market_id),
        ),
        _ => (
            "polymarket",
            json!({"market_id": c.poly_market_id, "condition_id": c.poly_condition_id,
                   "token_id": c.poly_token_id, "outcome_index": c.poly_outcome_index, "outcome": c.poly_outcome}),
            json!(c.poly_token_id),
        ),
    };
    let leg = |venue: &str, ids: &Value, book: Value, outcome: Value| {
        let mut leg = ids.clone();
        (leg["venue"], leg["book"], leg["outcome"]) = (json!(venue), book, outcome);
        leg
    };
    let mut v = json!({
        "id": l.id.0,
        "status": l.status.as_str(),
        "score": c.score,
        "kind": c.kind.as_str(),
        "line": c.line,
        "league": c.league.map(|x| x.code()),
        "starts_at": c.starts_at.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        "kalshi": kalshi,
        second: second_ids,
        // The same two legs, venue by venue: each names its venue, its ids, the book it
        // streams and the outcome that pays when the other leg's does.
        "legs": [
            leg("kalshi", &kalshi, json!(c.kalshi_ticker), json!("yes")),
            leg(second, &second_ids, second_book, json!(c.poly_outcome)),
        ],
        "reasons": c.reasons,
        "decided_by": l.decided_by.as_ref().map(ToString::to_string),
    });
    if let Some(risk) = l.rule_risk {
        v["rule_risk"] = json!(risk.as_str());
        v["rule_reasons"] = json!(l.rule_reasons);
    }
    v
}

/// The stored tradability of each market of `links`, by venue and id.
pub async fn market_states(
    store: &dyn crossbook_store::Store,
    links: &[Link],
) -> anyhow::Result<HashMap<(Venue, String), MarketState>> {
    let ids =
        links.iter().flat_map(|l| [l.candidate.kalshi_ticker.to_string(), l.candidate.poly_market_id.to_string()]);
    let filter = crossbook_store::MarketFilter { ids: Some(ids.collect()), ..Default::default() };
    Ok(store
        .list_markets(&filter)
        .await?
        .into_iter()
        .map(|m| ((m.market.venue(), m.market.id().to_string()), m.market.state))
        .collect())
}

/// Why a link's legs cannot be traded, from its markets' stored states (none: it can be).
pub fn tradable_reasons(l: &Link, states: &HashMap<(Venue, String), MarketState>) -> Vec<String> {
    let c = &l.candidate;
    [(Venue::Kalshi, c.kalshi_ticker.as_str()), (c.poly_venue, c.poly_market_id.as_str())]
        .into_iter()
        .filter_map(|(venue, id)| {
            let why = states.get(&(venue, id.to_string()))?.reason(venue)?;
            Some(format!("{venue} {id}: {why}"))
        })
        .collect()
}

/// A link row with whether its legs can be traded now (`tradable`, and `tradable_reasons`
/// when not).
pub fn link_row_with_state(l: &Link, states: &HashMap<(Venue, String), MarketState>) -> Value {
    let mut v = link_row(l);
    let reasons = tradable_reasons(l, states);
    v["tradable"] = json!(reasons.is_empty());
    v["tradable_reasons"] = json!(reasons);
    v
}

/// An open opportunity as `arbs list --json` and `/api/opportunities` show it: the
/// opportunities contract, with its direction and life (`first_seen`, `last_seen`,
/// `lifetime_s`, `peak_edge`).
pub fn opportunity_row(o: &crossbook_store::StoredOpportunity) -> Value {
    let mut v = serde_json::to_value(&o.opportunity).unwrap_or(Value::Null);
    v["direction"] = json!(o.direction);
    v["first_seen"] = json!(o.first_seen);
    v["last_seen"] = json!(o.last_seen);
    v["lifetime_s"] = json!((o.last_seen - o.first_seen).num_seconds().max(0));
    v["peak_edge"] = json!(o.best_edge);
    v["closed_at"] = json!(o.closed_at);
    v
}

/// `micros` rounded half away from zero to a multiple of `unit` micros, as a count of units.
fn rounded(micros: i64, unit: i64) -> i64 {
    let q = micros / unit;
    let r = micros % unit;
    if 2 * r.abs() >= unit { q + micros.signum() } else { q }
}

/// Hundredths as a decimal (`-5` → `-0.05`).
fn hundredths(n: i64) -> String {
    format!("{}{}.{:02}", if n < 0 { "-" } else { "" }, n.abs() / 100, n.abs() % 100)
}

/// Money in dollars to the cent (`2.126` → `$2.13`).
/// A time as a trader reads it: in their time zone (`TIME_ZONE`), to the second, with the
/// zone's abbreviation ("2026-01-09 19:00:00 EST").
pub fn local_time(t: chrono::DateTime<chrono::Utc>, tz: chrono_tz::Tz) -> String {
    t.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S %Z").to_string()
}

pub fn dollars(m: crossbook_model::Money) -> String {
    format!("${}", hundredths(rounded(m.micros(), 10_000)))
}

/// A price or edge per contract in cents (`0.00852` → `0.85¢`).
pub fn cents(m: crossbook_model::Money) -> String {
    format!("{}¢", hundredths(rounded(m.micros(), 100)))
}

/// A fraction in percent (`0.008593` → `0.86 %`).
pub fn percent(m: crossbook_model::Money) -> String {
    format!("{} %", hundredths(rounded(m.micros(), 100)))
}

/// One leg as a person reads it: what to buy, how many, the limit price to send and the
/// average it fills at, then the venue's title of the market and its line.
pub fn leg_text(l: &crossbook_model::Leg) -> String {
    let head = leg_order(l);
    match (&l.title, l.line) {
        (Some(t), Some(line)) if !t.contains(&line.to_string()) => format!("{head} — {t} (line {line})"),
        (Some(t), _) => format!("{head} — {t}"),
        (None, Some(line)) => format!("{head} (line {line})"),
        (None, None) => head,
    }
}

fn leg_order(l: &crossbook_model::Leg) -> String {
    let yes = l.side == Some(crossbook_model::Side::Yes);
    let what = match (l.venue, &l.ticker, &l.outcome) {
        (Venue::Kalshi, Some(t), _) => format!("Kalshi {} {t}", if yes { "YES" } else { "NO" }),
        (Venue::PolymarketUs, Some(slug), _) => format!("Polymarket US {} {slug}", if yes { "long" } else { "short" }),
        (_, _, Some(name)) => format!("Polymarket \"{name}\""),
        _ => l.venue.to_string(),
    };
    match l.limit_price {
        Some(limit) if limit != l.price => format!("{what} {} @ limit {limit} (avg {})", l.size, l.price),
        Some(limit) => format!("{what} {} @ limit {limit}", l.size),
        None => format!("{what} {} @ {}", l.size, l.price),
    }
}

/// An opportunity's money as a person reads it: edge, size, profit, capital, ROI, and the
/// in-play warning.
pub fn money_text(o: &crossbook_model::Opportunity) -> String {
    format!(
        "edge {} × {} = {} after fees | capital Kalshi {} + {}, ROI {}{}",
        cents(o.edge),
        o.max_size,
        dollars(o.profit),
        dollars(o.capital.kalshi),
        if o.capital.polymarket_us == crossbook_model::Money::ZERO {
            format!("Polymarket {}", dollars(o.capital.polymarket))
        } else {
            format!("Polymarket US {}", dollars(o.capital.polymarket_us))
        },
        percent(o.roi),
        if o.in_play { format!(" | IN PLAY: orders held {} s", o.order_delay_s.unwrap_or(0)) } else { String::new() }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_the_traders_zone_to_the_second() {
        let t = chrono::DateTime::parse_from_rfc3339("2026-01-10T00:00:07.123456789Z").unwrap().to_utc();
        assert_eq!(local_time(t, chrono_tz::Tz::UTC), "2026-01-10 00:00:07 UTC");
        assert_eq!(local_time(t, chrono_tz::America::New_York), "2026-01-09 19:00:07 EST");
        let summer = chrono::DateTime::parse_from_rfc3339("2026-07-01T00:00:00Z").unwrap().to_utc();
        assert_eq!(local_time(summer, chrono_tz::America::New_York), "2026-06-30 20:00:00 EDT");
    }

    #[test]
    fn money_as_a_person_reads_it() {
        let m = |s: &str| s.parse::<crossbook_model::Money>().unwrap();
        assert_eq!(dollars(m("2.125")), "$2.13");
        assert_eq!(dollars(m("135.37")), "$135.37");
        assert_eq!(dollars(m("-0.004")), "$0.00");
        assert_eq!(cents(m("0.00852")), "0.85¢");
        assert_eq!(cents(m("0.0158")), "1.58¢");
        assert_eq!(percent(m("0.008593")), "0.86 %");
        assert_eq!(percent(m("0.25")), "25.00 %");
    }

    /// A Polymarket US link exports its slug and side under `polymarket_us` and as its second
    /// leg; a Polymarket link keeps its `polymarket` object.
    #[test]
    fn a_link_exports_its_second_venue() {
        use crossbook_model::*;
        let candidate = LinkCandidate {
            kalshi_ticker: KalshiMarketTicker::new("KXMLBGAME-26SEP162040SDCOL-COL").unwrap(),
            kalshi_event_ticker: KalshiEventTicker::new("KXMLBGAME-26SEP162040SDCOL").unwrap(),
            poly_venue: Venue::PolymarketUs,
            poly_market_id: PolyMarketId::new("aec-mlb-sd-col-2026-09-16").unwrap(),
            poly_condition_id: None,
            poly_token_id: None,
            poly_outcome_index: 1,
            poly_outcome: "Colorado Rockies".into(),
            kind: MarketKind::Moneyline,
            line: None,
            league: Some(League::Mlb),
            starts_at: None,
            score: 1.0,
            reasons: vec![],
        };
        let now = chrono::Utc::now();
        let link = Link {
            id: LinkId(3),
            candidate,
            status: LinkStatus::Confirmed,
            decided_by: None,
            decided_at: None,
            rule_risk: None,
            rule_reasons: vec![],
            created_at: now,
            updated_at: now,
        };
        let row = link_row(&link);
        assert_eq!(row["polymarket_us"]["slug"], "aec-mlb-sd-col-2026-09-16");
        assert_eq!(row["polymarket_us"]["side"], "short");
        assert!(row.get("polymarket").is_none() && row.get("second").is_none(), "{row}");
        assert_eq!(row["legs"][1]["venue"], "polymarket_us");
        assert_eq!(row["legs"][1]["book"], "aec-mlb-sd-col-2026-09-16");
        let mut poly = link.clone();
        poly.candidate.poly_venue = Venue::Polymarket;
        poly.candidate.poly_token_id = Some(PolyTokenId::new("111").unwrap());
        let row = link_row(&poly);
        assert_eq!(
            (row["polymarket"]["token_id"].as_str(), row["legs"][1]["book"].as_str()),
            (Some("111"), Some("111"))
        );
    }
}
