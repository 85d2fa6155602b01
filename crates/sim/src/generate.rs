//! Synthetic captures of realistic sports markets, for benchmarks: games across the leagues
//! both venues list, each with Kalshi moneyline / spread / total markets (in the venue's ticker
//! grammar) and a Polymarket event with moneyline, spreads, totals and props. Seeded.

use chrono::{DateTime, Duration, Utc};
use crossbook_model::{League, Venue};
use crossbook_taxonomy::{kalshi_series_prefix, poly_sport_code};
use serde_json::{Value, json};

use crate::capture::Capture;

/// What to generate.
#[derive(Debug, Clone)]
pub struct GenerateSpec {
    /// Games.
    pub events: usize,
    /// Kalshi markets in all (spread over the games).
    pub kalshi_markets: usize,
    /// Polymarket markets in all.
    pub poly_markets: usize,
    pub seed: u64,
    pub now: DateTime<Utc>,
}

impl GenerateSpec {
    /// `total` markets split two Kalshi to one Polymarket, about 25 per game.
    pub fn with_total(total: usize, seed: u64, now: DateTime<Utc>) -> Self {
        let kalshi = total * 2 / 3;
        Self { events: (total / 25).max(1), kalshi_markets: kalshi, poly_markets: total - kalshi, seed, now }
    }
}

/// Leagues listed on both venues, in generation order.
fn leagues() -> Vec<League> {
    League::ALL
        .iter()
        .copied()
        .filter(|l| kalshi_series_prefix(*l).is_some() && poly_sport_code(*l).is_some())
        .collect()
}

/// A team code from a number: three letters.
fn code(n: usize) -> String {
    let a = b'A' + (n / 676 % 26) as u8;
    let b = b'A' + (n / 26 % 26) as u8;
    let c = b'A' + (n % 26) as u8;
    String::from_utf8(vec![a, b, c]).unwrap_or_default()
}

fn money(micros: u64) -> String {
    format!("{}.{:04}", micros / 1_000_000, micros % 1_000_000 / 100)
}

/// Builds the capture.
pub fn generate(spec: &GenerateSpec) -> Capture {
    let mut c = Capture { now: Some(spec.now), ..Default::default() };
    let (mut kalshi, mut poly, mut us) = (Vec::new(), Vec::new(), Vec::new());
    generate_each(spec, &mut c, &mut |venue, event| match venue {
        Venue::Kalshi => kalshi.push(event),
        Venue::Polymarket => poly.push(event),
        Venue::PolymarketUs => us.push(event),
    });
    c.kalshi_events = kalshi;
    c.poly_events = poly;
    c.us_events = us;
    c
}

/// Generates the capture's series and sports into `c`, and hands each event (with its markets)
/// to `sink` as it is made, so a caller can convert them without holding them all.
pub fn generate_each(spec: &GenerateSpec, c: &mut Capture, sink: &mut dyn FnMut(Venue, Value)) {
    let mut rng = fastrand::Rng::with_seed(spec.seed);
    let leagues = leagues();
    let events = spec.events.max(1);
    for (i, l) in leagues.iter().enumerate() {
        let prefix = kalshi_series_prefix(*l).unwrap_or("KXX");
        for kind in ["GAME", "SPREAD", "TOTAL"] {
            c.kalshi_series.push(json!({"ticker": format!("{prefix}{kind}"), "title": format!("{} {kind}", l.name()),
                "category": "Sports", "fee_type": "quadratic_with_maker_fees", "fee_multiplier": 1}));
        }
        c.poly_sports
            .push(json!({"id": i + 1, "sport": poly_sport_code(*l), "tags": format!("1,{},100639", 200_000 + i),
            "series": format!("{}", 300_000 + i), "ordering": "away"}));
    }
    let mut market_id = 5_000_000u64;
    for e in 0..events {
        let li = e % leagues.len();
        let league = leagues[li];
        let prefix = kalshi_series_prefix(league).unwrap_or("KXX");
        let sport = poly_sport_code(league).unwrap_or("x");
        let (away, home) = (code(e * 2 % 17_576), code((e * 2 + 1) % 17_576));
        let start = spec.now + Duration::hours(1 + (e % 240) as i64);
        // Kalshi tickers carry the US Eastern date; its expirations are the end of play.
        let date = crossbook_model::time::eastern_date(start).format("%y%b%d").to_string().to_uppercase();
        let expected_end = (start + Duration::hours(3)).to_rfc3339();
        let iso_date = start.format("%Y-%m-%d").to_string();
        let event_ticker = format!("{prefix}GAME-{date}{away}{home}");
        let title = format!("Club {away} at Club {home}");
        // Kalshi markets for this game: their share of the total, moneyline first.
        let k_count = spec.kalshi_markets / events + usize::from(e < spec.kalshi_markets % events);
        let soccer = league.sport().has_draws();
        let mut game_markets = Vec::new();
        let mut spread_markets = Vec::new();
        let mut total_markets = Vec::new();
        let p_away = 200_000 + rng.u64(0..600_000);
        for j in 0..k_count {
            let (ticker, series_kind, strike) = if j < if soccer { 3 } else { 2 } {
                let side = [away.as_str(), home.as_str(), "TIE"][j];
                (format!("{event_ticker}-{side}"), "GAME", None)
            } else if j % 2 == 0 {
                let line = 1 + j / 2;
                (format!("{prefix}SPREAD-{date}{away}{home}-{away}{line}"), "SPREAD", Some(line as f64 - 0.5))
            } else {
                let line = 200 + j;
                (format!("{prefix}TOTAL-{date}{away}{home}-{line}"), "TOTAL", Some(line as f64 + 0.5))
            };
            let p = if j == 0 {
                p_away
            } else if j == 1 {
                1_000_000 - p_away
            } else {
                100_000 + rng.u64(0..800_000)
            };
            let mut m = json!({
                "ticker": ticker, "event_ticker": ticker.rsplit_once('-').map(|(a, _)| a).unwrap_or(""),
                "market_type": "binary", "title": format!("{title} Winner?"),
                "yes_sub_title": format!("Club {away}"), "no_sub_title": format!("Club {away}"),
                "status": "active", "open_time": (spec.now - Duration::days(3)).to_rfc3339(),
                "close_time": (start + Duration::days(14)).to_rfc3339(), "occurrence_datetime": expected_end,
                "expected_expiration_time": expected_end,
                "yes_bid_dollars": money(p.saturating_sub(10_000)), "yes_ask_dollars": money(p + 10_000),
                "last_price_dollars": money(p), "volume_fp": format!("{}.00", rng.u64(0..100_000)),
                "rules_primary": format!("If the condition is met in {title}, the market resolves to Yes."),
                "price_level_structure": "linear_cent", "result": "",
            });
            if let Some(s) = strike {
                m["floor_strike"] = json!(s);
                m["strike_type"] = json!("greater");
            }
            match series_kind {
                "GAME" => game_markets.push(m),
                "SPREAD" => spread_markets.push(m),
                _ => total_markets.push(m),
            }
        }
        let sub_title = format!("{away} at {home} ({})", start.format("%b %-d"));
        for (kind, markets) in [("GAME", game_markets), ("SPREAD", spread_markets), ("TOTAL", total_markets)] {
            if markets.is_empty() {
                continue;
            }
            let ticker = markets[0]["event_ticker"].clone();
            sink(
                Venue::Kalshi,
                json!({"event_ticker": ticker, "series_ticker": format!("{prefix}{kind}"),
                "title": title, "sub_title": sub_title, "category": "Sports", "mutually_exclusive": kind == "GAME",
                "markets": markets}),
            );
        }
        // The Polymarket event.
        let p_count = spec.poly_markets / events + usize::from(e < spec.poly_markets % events);
        let slug = format!("{sport}-{}-{}-{iso_date}", away.to_lowercase(), home.to_lowercase());
        let mut pm = Vec::with_capacity(p_count);
        for j in 0..p_count {
            market_id += 1;
            let (smt, outcomes, line, suffix): (&str, Vec<String>, Value, String) = match j {
                0 => ("moneyline", vec![format!("Club {away}"), format!("Club {home}")], Value::Null, String::new()),
                1..=3 => (
                    "spreads",
                    vec![format!("Club {away}"), format!("Club {home}")],
                    json!(-(j as f64) - 0.5),
                    format!("-spread-{j}"),
                ),
                4..=6 => {
                    ("totals", vec!["Over".into(), "Under".into()], json!(200.5 + j as f64), format!("-total-{j}"))
                }
                _ => ("points", vec!["Yes".into(), "No".into()], json!(10.5 + j as f64), format!("-points-{j}")),
            };
            let p = if j == 0 { p_away } else { 100_000 + rng.u64(0..800_000) };
            let tokens = [format!("{}{:06}", market_id, 1), format!("{}{:06}", market_id, 2)];
            pm.push(json!({
                "id": market_id.to_string(), "question": format!("Club {away} vs. Club {home}"),
                "conditionId": format!("0x{market_id:064x}"), "slug": format!("{slug}{suffix}"),
                "endDate": start.to_rfc3339(), "gameStartTime": start.format("%Y-%m-%d %H:%M:%S+00").to_string(),
                "outcomes": serde_json::to_string(&outcomes).unwrap_or_default(),
                "outcomePrices": serde_json::to_string(&[money(p), money(1_000_000 - p)]).unwrap_or_default(),
                "clobTokenIds": serde_json::to_string(&tokens).unwrap_or_default(),
                "sportsMarketType": smt, "line": line, "active": true, "closed": false, "feesEnabled": false,
                "description": format!("Resolves per the official result of Club {away} vs. Club {home}."),
            }));
        }
        sink(
            Venue::Polymarket,
            json!({
                "id": (1_000_000 + e).to_string(), "slug": slug, "title": format!("Club {away} vs. Club {home}"),
                "startTime": start.to_rfc3339(), "active": true, "closed": false,
                "tags": [{"id": "1", "label": "Sports"}, {"id": (200_000 + li).to_string(), "label": league.code()}],
                "markets": pm,
            }),
        );
    }
}

/// Gives every generated market a book in the venues' shapes (three levels a side around an
/// even price, no edge between the venues): Kalshi's `orderbook_fp` per market ticker and a
/// CLOB book per Polymarket token.
pub fn with_books(c: &mut Capture) {
    let kalshi_book = json!({"orderbook_fp": {
        "yes_dollars": [["0.4700", "300.00"], ["0.4800", "200.00"], ["0.4900", "100.00"]],
        "no_dollars": [["0.4700", "300.00"], ["0.4800", "200.00"], ["0.4900", "100.00"]],
    }});
    for e in &c.kalshi_events {
        for m in e["markets"].as_array().into_iter().flatten() {
            if let Some(t) = m["ticker"].as_str() {
                c.kalshi_orderbooks.insert(t.to_string(), kalshi_book.clone());
            }
        }
    }
    for e in &c.poly_events {
        for m in e["markets"].as_array().into_iter().flatten() {
            let tokens: Vec<String> =
                serde_json::from_str(m["clobTokenIds"].as_str().unwrap_or("[]")).unwrap_or_default();
            for t in tokens {
                let book = json!({
                    "market": m["conditionId"], "asset_id": t, "timestamp": "0", "hash": "generated",
                    "bids": [{"price": "0.47", "size": "300"}, {"price": "0.48", "size": "200"}, {"price": "0.49", "size": "100"}],
                    "asks": [{"price": "0.53", "size": "300"}, {"price": "0.52", "size": "200"}, {"price": "0.51", "size": "100"}],
                    "min_order_size": "5", "tick_size": "0.01", "neg_risk": false,
                });
                c.poly_books.insert(t, book);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_the_requested_counts_across_many_leagues() {
        let now = DateTime::parse_from_rfc3339("2026-01-09T12:00:00Z").unwrap().with_timezone(&Utc);
        let c = generate(&GenerateSpec::with_total(5_000, 1, now));
        assert_eq!(c.market_counts(), (3_333, 1_667));
        assert!(leagues().len() >= 30, "{}", leagues().len());
        let again = generate(&GenerateSpec::with_total(5_000, 1, now));
        assert_eq!(c.kalshi_events, again.kalshi_events, "seeded");
    }

    #[test]
    fn with_books_gives_every_market_a_book() {
        let now = DateTime::parse_from_rfc3339("2026-01-09T12:00:00Z").unwrap().with_timezone(&Utc);
        let mut c = generate(&GenerateSpec::with_total(600, 2, now));
        with_books(&mut c);
        let (k, p) = c.market_counts();
        assert_eq!(c.kalshi_orderbooks.len(), k);
        // Two outcome tokens a market, each with a book that parses as the CLOB's.
        assert_eq!(c.poly_books.len(), 2 * p);
        let book = c.poly_books.values().next().unwrap();
        assert_eq!(book["asks"].as_array().unwrap().len(), 3);
    }
}
