//! Fills the derived fields of events and markets — topic, league, kind, line, participants,
//! is_mve — from what the venue payloads say. Used by ingestion and by `taxonomy backfill`
//! (which re-reads the stored raw payloads), so both always agree.

use crossbook_model::{Event, League, Line, Market, MarketKind, MarketRef, Topic, Venue};
use serde_json::Value;

use crate::leagues::{kalshi_competition_league, kalshi_series_league, poly_slug_league};
use crate::mve::kalshi_mve_reason;

fn str_at<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// Topic from a Kalshi category word.
fn kalshi_topic(category: Option<&str>) -> Option<Topic> {
    Some(match category?.to_ascii_lowercase().as_str() {
        "sports" | "esports" => Topic::Sports,
        "politics" | "elections" | "world" => Topic::Politics,
        "economics" | "financials" | "companies" => Topic::Economics,
        "crypto" => Topic::Crypto,
        _ => Topic::Other,
    })
}

/// `"HOU at SAC (Jan 11)"` / `"Houston at Sacramento"` / `"Bucks vs. Lakers"` → the two sides,
/// away (or first-named) first.
pub fn split_matchup(text: &str) -> Vec<String> {
    let t = text.split(" (").next().unwrap_or(text).trim();
    let t = t.trim_end_matches(" Winner?").trim_end_matches('?');
    for sep in [" at ", " vs. ", " vs ", " v ", " @ "] {
        if let Some((a, b)) = t.split_once(sep) {
            let (a, b) = (a.trim(), b.trim());
            if !a.is_empty() && !b.is_empty() {
                return vec![a.to_string(), b.to_string()];
            }
        }
    }
    Vec::new()
}

/// Kalshi event: topic from its category, league from its series (or competition), teams from
/// its subtitle (codes) or title (names), MVE from its ticker.
pub fn classify_kalshi_event(e: &mut Event) {
    let series = e.series.clone().unwrap_or_default();
    let league = kalshi_series_league(&series).map(|(l, _)| l).or_else(|| {
        e.raw.get("product_metadata").and_then(|p| str_at(p, "competition")).and_then(kalshi_competition_league)
    });
    e.league = league;
    e.topic =
        if league.is_some() { Topic::Sports } else { kalshi_topic(str_at(&e.raw, "category")).unwrap_or(Topic::Other) };
    e.is_mve = kalshi_mve_reason(&e.id, &e.id, Some(&series), &e.raw).is_some();
    let sub = split_matchup(str_at(&e.raw, "sub_title").unwrap_or(""));
    e.participants = if sub.is_empty() { split_matchup(&e.title) } else { sub };
}

/// Kalshi market kind from the part of the series after the league (`GAME`, `SPREAD`, …) and,
/// for soccer, the `-TIE` outcome.
fn kalshi_kind(league: League, rest: &str, ticker: &str) -> MarketKind {
    let esports = league.is_esports();
    match rest {
        "GAME" | "MATCH" | "FIGHT" | "BOUT" => {
            if league.sport().has_draws() && ticker.ends_with("-TIE") {
                MarketKind::Draw
            } else if esports {
                MarketKind::Series
            } else {
                MarketKind::Moneyline
            }
        }
        "SPREAD" => MarketKind::Spread,
        "TOTAL" => MarketKind::Total,
        "MAP" | "MAPWINNER" | "GAMEWINNER" => MarketKind::MapWinner,
        "TOTALMAPS" | "MAPS" => MarketKind::TotalMaps,
        _ => MarketKind::Other,
    }
}

/// Kalshi market, in the light of its event when known.
pub fn classify_kalshi_market(m: &mut Market, event: Option<&Event>) {
    let MarketRef::Kalshi { ticker, event_ticker } = &m.key else { return };
    let series = m.series.clone().unwrap_or_else(|| ticker.series_prefix().to_string());
    let (league, rest) = match kalshi_series_league(&series) {
        Some((l, rest)) => (Some(l), rest.to_string()),
        None => (event.and_then(|e| e.league), String::new()),
    };
    m.league = league;
    m.topic = match (league, event) {
        (Some(_), _) => Topic::Sports,
        (None, Some(e)) => e.topic,
        (None, None) => Topic::Other,
    };
    m.is_mve = kalshi_mve_reason(ticker.as_str(), event_ticker.as_str(), Some(&series), &m.raw).is_some()
        || event.is_some_and(|e| e.is_mve);
    m.kind = league.map_or(MarketKind::Other, |l| kalshi_kind(l, &rest, ticker.as_str()));
    m.line = if m.kind.has_line() {
        m.raw
            .get("floor_strike")
            .and_then(Line::from_json)
            .map(|l| if m.kind == MarketKind::Spread { l.negate() } else { l })
    } else {
        None
    };
    m.participants = event.map(|e| e.participants.clone()).unwrap_or_default();
}

/// Polymarket event: sports by its tags (Sports = tag 1) or slug, league by slug prefix or the
/// league tag it was fetched under, teams from its title.
pub fn classify_poly_event(e: &mut Event, fetched_for: Option<League>) {
    let slug = str_at(&e.raw, "slug").unwrap_or("");
    let tags: Vec<(&str, &str)> = e
        .raw
        .get("tags")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(|t| (str_at(t, "id").unwrap_or(""), str_at(t, "label").unwrap_or(""))).collect())
        .unwrap_or_default();
    let sports_tag = tags.iter().any(|(id, label)| *id == "1" || label.eq_ignore_ascii_case("sports"));
    e.league = poly_slug_league(slug).or(fetched_for);
    e.topic = if sports_tag || e.league.is_some() {
        Topic::Sports
    } else if tags.iter().any(|(_, l)| l.eq_ignore_ascii_case("politics") || l.eq_ignore_ascii_case("elections")) {
        Topic::Politics
    } else if tags.iter().any(|(_, l)| l.eq_ignore_ascii_case("crypto")) {
        Topic::Crypto
    } else if tags.iter().any(|(_, l)| l.eq_ignore_ascii_case("economy") || l.eq_ignore_ascii_case("finance")) {
        Topic::Economics
    } else {
        Topic::Other
    };
    e.participants = split_matchup(&e.title);
}

/// Polymarket market kind from `sportsMarketType` and, for soccer's yes/no markets, the slug.
fn poly_kind(raw: &Value) -> MarketKind {
    let slug = str_at(raw, "slug").unwrap_or("");
    match str_at(raw, "sportsMarketType").unwrap_or("") {
        "moneyline" if slug.ends_with("-draw") => MarketKind::Draw,
        "moneyline" => MarketKind::Moneyline,
        "spreads" => MarketKind::Spread,
        "totals" => MarketKind::Total,
        "child_moneyline" | "map_winner" => MarketKind::MapWinner,
        "total_maps" => MarketKind::TotalMaps,
        _ => MarketKind::Other,
    }
}

/// Polymarket market, in the light of its event.
pub fn classify_poly_market(m: &mut Market, event: Option<&Event>) {
    m.league = event.and_then(|e| e.league);
    m.topic = event.map_or(Topic::Other, |e| e.topic);
    m.is_mve = false;
    m.kind = if m.topic == Topic::Sports { poly_kind(&m.raw) } else { MarketKind::Other };
    m.line = if m.kind.has_line() { m.raw.get("line").and_then(Line::from_json) } else { None };
    m.participants = event.map(|e| e.participants.clone()).unwrap_or_default();
}

/// Dispatches on the venue.
pub fn classify_market(m: &mut Market, event: Option<&Event>) {
    match m.venue() {
        Venue::Kalshi => classify_kalshi_market(m, event),
        Venue::Polymarket => classify_poly_market(m, event),
    }
}

#[cfg(test)]
mod tests {
    use crossbook_model::{
        FeeSchedule, KalshiEventTicker, KalshiMarketTicker, MarketStatus, PolyEventId, PolyMarketId,
    };
    use serde_json::json;

    use super::*;

    fn event(venue: Venue, id: &str, series: Option<&str>, title: &str, raw: Value) -> Event {
        Event {
            venue,
            id: id.into(),
            series: series.map(Into::into),
            title: title.into(),
            topic: Topic::Other,
            league: None,
            participants: vec![],
            starts_at: None,
            is_mve: false,
            status: MarketStatus::Open,
            raw,
        }
    }

    fn kalshi(ticker: &str, raw: Value) -> Market {
        let t = KalshiMarketTicker::new(ticker).unwrap();
        let e = KalshiEventTicker::new(ticker.rsplit_once('-').unwrap().0).unwrap();
        Market {
            series: Some(t.series_prefix().into()),
            key: MarketRef::Kalshi { ticker: t, event_ticker: e },
            title: String::new(),
            subtitle: None,
            topic: Topic::Other,
            league: None,
            participants: vec![],
            kind: MarketKind::Other,
            line: None,
            outcomes: vec![],
            status: MarketStatus::Open,
            open_time: None,
            close_time: None,
            starts_at: None,
            is_mve: false,
            fees: FeeSchedule::Free,
            rules: None,
            raw,
        }
    }

    #[test]
    fn kalshi_nba_event_and_markets() {
        let mut e = event(
            Venue::Kalshi,
            "KXNBAGAME-26JAN11HOUSAC",
            Some("KXNBAGAME"),
            "Houston at Sacramento",
            json!({"category": "Sports", "sub_title": "HOU at SAC (Jan 11)"}),
        );
        classify_kalshi_event(&mut e);
        assert_eq!((e.topic, e.league, e.is_mve), (Topic::Sports, Some(League::Nba), false));
        assert_eq!(e.participants, vec!["HOU", "SAC"]);
        let mut m = kalshi("KXNBAGAME-26JAN11HOUSAC-HOU", json!({}));
        classify_kalshi_market(&mut m, Some(&e));
        assert_eq!((m.kind, m.league, m.is_mve), (MarketKind::Moneyline, Some(League::Nba), false));
        let mut s = kalshi("KXNBASPREAD-26JAN11HOUSAC-HOU5", json!({"floor_strike": 5.5}));
        classify_kalshi_market(&mut s, None);
        assert_eq!((s.kind, s.line.map(|l| l.hundredths())), (MarketKind::Spread, Some(-550)));
        let mut t = kalshi("KXNBATOTAL-26JAN11HOUSAC-220", json!({"floor_strike": 220.5}));
        classify_kalshi_market(&mut t, None);
        assert_eq!((t.kind, t.line.map(|l| l.hundredths())), (MarketKind::Total, Some(22050)));
    }

    #[test]
    fn kalshi_soccer_tie_esports_and_mve() {
        let mut tie = kalshi("KXEPLGAME-26JAN10LEESUN-TIE", json!({}));
        classify_kalshi_market(&mut tie, None);
        assert_eq!((tie.kind, tie.league), (MarketKind::Draw, Some(League::Epl)));
        let mut cs = kalshi("KXCS2GAME-26JAN10NAVIFAZE-NAVI", json!({}));
        classify_kalshi_market(&mut cs, None);
        assert_eq!(cs.kind, MarketKind::Series);
        let mut map = kalshi("KXCS2MAP-26JAN10NAVIFAZE-1-NAVI", json!({}));
        classify_kalshi_market(&mut map, None);
        assert_eq!(map.kind, MarketKind::MapWinner);
        let mut mve = kalshi("KXMVESPORTSMULTIGAMEEXTENDED-S2026C5F5F443089-BC7BAA9973E", json!({}));
        classify_kalshi_market(&mut mve, None);
        assert!(mve.is_mve);
    }

    #[test]
    fn polymarket_event_and_markets() {
        let raw = json!({"slug": "nba-mil-lal-2026-01-09", "tags": [{"id": "1", "label": "Sports"}, {"id": "745", "label": "NBA"}]});
        let mut e = event(Venue::Polymarket, "140938", None, "Bucks vs. Lakers", raw);
        classify_poly_event(&mut e, None);
        assert_eq!((e.topic, e.league), (Topic::Sports, Some(League::Nba)));
        assert_eq!(e.participants, vec!["Bucks", "Lakers"]);
        let mut m = kalshi("KXX-1-A", json!({}));
        m.key = MarketRef::Polymarket {
            market_id: PolyMarketId::new("1").unwrap(),
            event_id: PolyEventId::new("140938").unwrap(),
            condition_id: None,
        };
        m.raw = json!({"sportsMarketType": "spreads", "line": -3.5, "slug": "nba-mil-lal-2026-01-09-spread-home-3pt5"});
        classify_poly_market(&mut m, Some(&e));
        assert_eq!((m.kind, m.line.map(|l| l.hundredths())), (MarketKind::Spread, Some(-350)));
        m.raw = json!({"sportsMarketType": "points"});
        classify_poly_market(&mut m, Some(&e));
        assert_eq!((m.kind, m.line), (MarketKind::Other, None));
        m.raw = json!({"sportsMarketType": "moneyline", "slug": "epl-lee-sun-2026-01-10-draw"});
        classify_poly_market(&mut m, Some(&e));
        assert_eq!(m.kind, MarketKind::Draw);

        let mut politics =
            event(Venue::Polymarket, "9", None, "Election", json!({"tags": [{"id": "2", "label": "Politics"}]}));
        classify_poly_event(&mut politics, None);
        assert_eq!((politics.topic, politics.league), (Topic::Politics, None));
    }

    #[test]
    fn matchups() {
        assert_eq!(split_matchup("New York Y vs Tampa Bay Winner?"), vec!["New York Y", "Tampa Bay"]);
        assert_eq!(split_matchup("Fed decision"), Vec::<String>::new());
    }
}
