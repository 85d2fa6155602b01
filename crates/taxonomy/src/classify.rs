//! Fills the derived fields of events and markets — topic, league, kind, line, participants,
//! is_mve — from what the venue payloads say. Used by ingestion and by `taxonomy backfill`
//! (which re-reads the stored raw payloads), so both always agree.

use crossbook_model::{Event, League, Line, Market, MarketKind, MarketRef, Topic, Venue};
use serde_json::Value;

use crate::leagues::{kalshi_competition_league, kalshi_series_league, poly_slug_league};
use crate::mve::kalshi_mve_reason;
use crate::normalize::normalize;
use crate::teams;

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
    e.participants = kalshi_participants(league, &e.id, str_at(&e.raw, "sub_title").unwrap_or(""), &e.title);
}

/// The two sides of a Kalshi game, away first: from the subtitle's codes (`HOU at SAC`), the
/// title's names (`Houston at Sacramento`), or the ticker's code pair (`…-26JAN10LACAR`).
fn kalshi_participants(league: Option<League>, event_ticker: &str, sub_title: &str, title: &str) -> Vec<String> {
    let resolve_all =
        |names: Vec<String>| -> Vec<String> { names.iter().map(|n| teams::resolve(league, n, true)).collect() };
    let from_sub = resolve_all(split_matchup(sub_title));
    if from_sub.len() == 2 && from_sub.iter().all(|p| teams::is_known(p)) {
        return from_sub;
    }
    let from_title = resolve_all(split_matchup(title));
    if from_title.len() == 2 && from_title.iter().all(|p| teams::is_known(p)) {
        return from_title;
    }
    if let Some(l) = league
        && let Some((a, b)) = ticker_teams(event_ticker).and_then(|t| teams::split_kalshi_pair(l, t))
    {
        return vec![a, b];
    }
    if from_title.len() == 2 { from_title } else { from_sub }
}

/// The teams part of a game ticker: `KXNBAGAME-26JAN09MILLAL` → `MILLAL`,
/// `KXMLBGAME-26JUL081840NYYTB` → `NYYTB` (date, then an optional HHMM start).
pub fn ticker_teams(event_ticker: &str) -> Option<&str> {
    let part = event_ticker.split('-').nth(1)?;
    let rest = part.get(7..)?; // YYMONDD
    let rest = if rest.len() > 4 && rest.as_bytes()[..4].iter().all(u8::is_ascii_digit) { &rest[4..] } else { rest };
    (!rest.is_empty()).then_some(rest)
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
    m.subject = kalshi_subject(m, league);
    if m.kind == MarketKind::MapWinner {
        // The map number ends the ticker (`…-NAVI2`), else the title says it ("map 2").
        let last = ticker.as_str().rsplit('-').next().unwrap_or("");
        let digits = &last[last.trim_end_matches(|c: char| c.is_ascii_digit()).len()..];
        m.line = digits.parse().ok().or_else(|| map_number(&m.title)).map(|n: i32| Line::from_hundredths(n * 100));
    }
}

/// What a Kalshi market's YES is about, from the ticker's last part (`-MIL`, `-MIL5` for a
/// spread, `-TIE`), else its `yes_sub_title`.
fn kalshi_subject(m: &Market, league: Option<League>) -> Option<String> {
    match m.kind {
        MarketKind::Total | MarketKind::TotalMaps | MarketKind::Other => return None,
        MarketKind::Draw => return Some("draw".into()),
        _ => {}
    }
    let last = m.id().rsplit('-').next().unwrap_or("");
    let code = last.trim_end_matches(|c: char| c.is_ascii_digit());
    if let Some(l) = league
        && let Some(p) = teams::kalshi_code(l, code)
    {
        return Some(p);
    }
    m.subtitle.as_deref().filter(|s| !s.is_empty()).map(|s| teams::resolve(league, s, true))
}

/// The map number of an esports map market (`…-MAP2-…`, `…-2-NAVI`, "Map 2").
fn map_number(text: &str) -> Option<i32> {
    let upper = text.to_ascii_uppercase();
    if let Some(i) = upper.find("MAP") {
        let digits: String = upper[i + 3..].trim_start().chars().take_while(char::is_ascii_digit).collect();
        if let Ok(n) = digits.parse() {
            return Some(n);
        }
    }
    text.split('-').filter_map(|p| p.parse::<i32>().ok()).find(|n| (1..=7).contains(n))
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
    e.participants = poly_participants(e.league, &e.title, slug);
}

/// The two sides of a Polymarket game, as listed (away first in US leagues): names from the
/// title, else the slug's codes (`nba-mil-lal-2026-01-09`).
fn poly_participants(league: Option<League>, title: &str, slug: &str) -> Vec<String> {
    let from_title: Vec<String> = split_matchup(title).iter().map(|n| teams::resolve(league, n, false)).collect();
    if from_title.len() == 2 && from_title.iter().all(|p| teams::is_known(p)) {
        return from_title;
    }
    if let Some(l) = league {
        let codes: Vec<&str> = slug.split('-').skip(1).take(2).collect();
        if let [a, b] = codes[..]
            && let (Some(x), Some(y)) = (teams::poly_code(l, a), teams::poly_code(l, b))
        {
            return vec![x, y];
        }
    }
    from_title
}

/// Polymarket market kind from `sportsMarketType` and, for soccer's yes/no markets, the slug.
/// An esports match winner is listed as `moneyline`; it is the series winner.
fn poly_kind(raw: &Value, league: Option<League>) -> MarketKind {
    let slug = str_at(raw, "slug").unwrap_or("");
    match str_at(raw, "sportsMarketType").unwrap_or("") {
        "moneyline" if slug.ends_with("-draw") => MarketKind::Draw,
        "moneyline" if league.is_some_and(League::is_esports) => MarketKind::Series,
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
    m.kind = if m.topic == Topic::Sports { poly_kind(&m.raw, m.league) } else { MarketKind::Other };
    m.line = if m.kind.has_line() { m.raw.get("line").and_then(Line::from_json) } else { None };
    m.participants = event.map(|e| e.participants.clone()).unwrap_or_default();
    let league = m.league;
    let yes_no = m.outcomes.len() == 2 && m.outcomes[0].name.eq_ignore_ascii_case("yes");
    for o in &mut m.outcomes {
        o.participant = match o.name.to_ascii_lowercase().as_str() {
            "yes" | "no" | "over" | "under" => None,
            _ => Some(teams::resolve(league, &o.name, false)),
        };
    }
    if m.kind == MarketKind::MapWinner {
        let text = format!("{} {}", str_at(&m.raw, "groupItemTitle").unwrap_or(""), m.title);
        m.line = map_number(&text).map(|n| Line::from_hundredths(n * 100));
    }
    m.subject = match m.kind {
        MarketKind::Draw => Some("draw".into()),
        MarketKind::Moneyline | MarketKind::Series | MarketKind::MapWinner if yes_no => poly_yes_no_subject(m),
        _ => None,
    };
}

/// The team a Polymarket yes/no market is about: the slug's last code (`…-2026-01-10-lee`),
/// else a participant of the event named in the question.
fn poly_yes_no_subject(m: &Market) -> Option<String> {
    let slug = str_at(&m.raw, "slug").unwrap_or("");
    if let Some(l) = m.league
        && let Some(p) = slug.rsplit('-').next().and_then(|c| teams::poly_code(l, c))
    {
        return Some(p);
    }
    let text = normalize(&format!("{} {}", m.title, m.subtitle.as_deref().unwrap_or("")));
    let found: Vec<&String> = m
        .participants
        .iter()
        .filter(|p| {
            let plain = p.split_once(':').map_or(p.trim_start_matches('~'), |(_, c)| c);
            !plain.is_empty() && text.contains(&plain.to_ascii_lowercase())
        })
        .collect();
    match found[..] {
        [one] => Some(one.clone()),
        _ => None,
    }
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
        FeeSchedule, KalshiEventTicker, KalshiMarketTicker, MarketStatus, Outcome, PolyEventId, PolyMarketId,
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
            subject: None,
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
        assert_eq!(e.participants, vec!["NBA:HOU", "NBA:SAC"]);
        let mut m = kalshi("KXNBAGAME-26JAN11HOUSAC-HOU", json!({}));
        classify_kalshi_market(&mut m, Some(&e));
        assert_eq!((m.kind, m.league, m.is_mve), (MarketKind::Moneyline, Some(League::Nba), false));
        assert_eq!(m.subject.as_deref(), Some("NBA:HOU"));
        let mut s = kalshi("KXNBASPREAD-26JAN11HOUSAC-HOU5", json!({"floor_strike": 5.5}));
        classify_kalshi_market(&mut s, None);
        assert_eq!((s.kind, s.line.map(|l| l.hundredths())), (MarketKind::Spread, Some(-550)));
        assert_eq!(s.subject.as_deref(), Some("NBA:HOU"), "team code before the spread number");
        let mut t = kalshi("KXNBATOTAL-26JAN11HOUSAC-220", json!({"floor_strike": 220.5}));
        classify_kalshi_market(&mut t, None);
        assert_eq!((t.kind, t.line.map(|l| l.hundredths())), (MarketKind::Total, Some(22050)));
        assert_eq!(t.subject, None);
    }

    #[test]
    fn kalshi_participants_from_names_or_the_ticker_when_codes_differ() {
        // Subtitle codes Kalshi uses for the Rams (`LA`) resolve like Polymarket's `la`.
        let mut e =
            event(Venue::Kalshi, "KXNFLGAME-26JAN10LACAR", Some("KXNFLGAME"), "Los Angeles R at Carolina", json!({}));
        classify_kalshi_event(&mut e);
        assert_eq!(e.participants, vec!["NFL:LAR", "NFL:CAR"]);
        let mut e = event(Venue::Kalshi, "KXNFLGAME-26JAN11BUFJAC", Some("KXNFLGAME"), "", json!({}));
        classify_kalshi_event(&mut e);
        assert_eq!(e.participants, vec!["NFL:BUF", "NFL:JAX"], "from the ticker");
        assert_eq!(ticker_teams("KXMLBGAME-26JUL081840NYYTB"), Some("NYYTB"));
        // Unknown teams fall back to normalized names.
        let mut t = event(
            Venue::Kalshi,
            "KXATPMATCH-26AUG19SINALC",
            Some("KXATPMATCH"),
            "Jannik Sinner vs Carlos Alcaraz",
            json!({}),
        );
        classify_kalshi_event(&mut t);
        assert_eq!(t.participants, vec!["~jannik sinner", "~carlos alcaraz"]);
    }

    #[test]
    fn kalshi_soccer_tie_esports_and_mve() {
        let mut tie = kalshi("KXEPLGAME-26JAN10LEESUN-TIE", json!({}));
        classify_kalshi_market(&mut tie, None);
        assert_eq!((tie.kind, tie.league), (MarketKind::Draw, Some(League::Epl)));
        let mut cs = kalshi("KXCS2GAME-26JAN10NAVIFAZE-NAVI", json!({}));
        classify_kalshi_market(&mut cs, None);
        assert_eq!(cs.kind, MarketKind::Series);
        let mut map = kalshi("KXCS2MAP-26JAN10NAVIFAZE-NAVI2", json!({}));
        classify_kalshi_market(&mut map, None);
        assert_eq!((map.kind, map.line.map(|l| l.hundredths())), (MarketKind::MapWinner, Some(200)));
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
        assert_eq!(e.participants, vec!["NBA:MIL", "NBA:LAL"]);
        let mut m = kalshi("KXX-1-A", json!({}));
        m.key = MarketRef::Polymarket {
            market_id: PolyMarketId::new("1").unwrap(),
            event_id: PolyEventId::new("140938").unwrap(),
            condition_id: None,
        };
        m.raw = json!({"sportsMarketType": "spreads", "line": -3.5, "slug": "nba-mil-lal-2026-01-09-spread-home-3pt5"});
        m.outcomes = vec![
            Outcome { name: "Lakers".into(), token_id: None, price: None, participant: None },
            Outcome { name: "Bucks".into(), token_id: None, price: None, participant: None },
        ];
        classify_poly_market(&mut m, Some(&e));
        assert_eq!((m.kind, m.line.map(|l| l.hundredths())), (MarketKind::Spread, Some(-350)));
        let who: Vec<_> = m.outcomes.iter().map(|o| o.participant.as_deref()).collect();
        assert_eq!(who, vec![Some("NBA:LAL"), Some("NBA:MIL")]);
        m.raw = json!({"sportsMarketType": "points"});
        classify_poly_market(&mut m, Some(&e));
        assert_eq!((m.kind, m.line), (MarketKind::Other, None));
        m.raw = json!({"sportsMarketType": "moneyline", "slug": "epl-lee-sun-2026-01-10-draw"});
        classify_poly_market(&mut m, Some(&e));
        assert_eq!((m.kind, m.subject.as_deref()), (MarketKind::Draw, Some("draw")));
        // A soccer yes/no market is about the team its slug ends with.
        let mut epl = event(
            Venue::Polymarket,
            "7",
            None,
            "Leeds United FC vs. Sunderland AFC",
            json!({"slug": "epl-lee-sun-2026-01-10"}),
        );
        classify_poly_event(&mut epl, None);
        assert_eq!(epl.participants, vec!["EPL:LEE", "EPL:SUN"]);
        m.raw = json!({"sportsMarketType": "moneyline", "slug": "epl-lee-sun-2026-01-10-lee"});
        m.outcomes = vec![
            Outcome { name: "Yes".into(), token_id: None, price: None, participant: None },
            Outcome { name: "No".into(), token_id: None, price: None, participant: None },
        ];
        classify_poly_market(&mut m, Some(&epl));
        assert_eq!((m.kind, m.subject.as_deref()), (MarketKind::Moneyline, Some("EPL:LEE")));

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
