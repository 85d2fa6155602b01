//! Fills the derived fields of events and markets — topic, league, kind, line, sides, what YES
//! is about, the start of play — from what the venue payloads say. Used by ingestion and by
//! `taxonomy backfill` (which re-reads the stored raw payloads), so both always agree.

use crossbook_model::{Event, League, Line, Market, MarketKind, MarketRef, Subject, Topic, Venue};
use serde_json::Value;

use crate::kalshi_ticker::parse_event_ticker;
use crate::leagues::{kalshi_competition_league, kalshi_series_league, poly_slug_league};
use crate::mve::kalshi_mve_reason;
use crate::sides::{kalshi_sides, poly_sides, side_by_code, side_by_name, slug_tail};

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

/// The code a Kalshi market's ticker ends with, after its event ticker (`…VERACM-VER` → `VER`,
/// `…T1DRX-1-T1` → `T1`); a spread's strike digits dropped (`-HOU22` → `HOU`).
pub fn kalshi_market_code<'a>(ticker: &'a str, event_ticker: &str, spread: bool) -> Option<&'a str> {
    let code = ticker.strip_prefix(event_ticker)?.strip_prefix('-')?;
    let code = if spread { code.trim_end_matches(|c: char| c.is_ascii_digit()) } else { code };
    (!code.is_empty()).then_some(code)
}

/// Kalshi event: topic from its category, league from its series (or competition), its sides
/// from the ticker, subtitle, title and the codes of its markets (`market_tickers`), its start
/// from the time in its ticker (never from an expiration), MVE from its ticker.
pub fn classify_kalshi_event(e: &mut Event, market_tickers: &[&str]) {
    let series = e.series.clone().unwrap_or_default();
    let league = kalshi_series_league(&series).map(|(l, _)| l).or_else(|| {
        e.raw.get("product_metadata").and_then(|p| str_at(p, "competition")).and_then(kalshi_competition_league)
    });
    e.league = league;
    e.topic =
        if league.is_some() { Topic::Sports } else { kalshi_topic(str_at(&e.raw, "category")).unwrap_or(Topic::Other) };
    e.is_mve = kalshi_mve_reason(&e.id, &e.id, Some(&series), &e.raw).is_some();
    let game = parse_event_ticker(&e.id);
    let spread = kalshi_series_league(&series).is_some_and(|(l, rest)| kalshi_kind(l, rest, &e.id).is_spread());
    let codes: Vec<&str> = market_tickers.iter().filter_map(|t| kalshi_market_code(t, &e.id, spread)).collect();
    e.participants =
        kalshi_sides(game.as_ref().map(|g| g.sides), str_at(&e.raw, "sub_title").unwrap_or(""), &e.title, &codes);
    e.starts_at = game.and_then(|g| g.start());
}

/// Kalshi market kind from the part of the series after the league (`GAME`, `SPREAD`, …) and,
/// for soccer, the `-TIE` outcome. An esports match winner is the match's moneyline.
fn kalshi_kind(league: League, rest: &str, ticker: &str) -> MarketKind {
    // Kalshi lists a tour's Challenger matches as series of their own (`KXATPCHALLENGERMATCH`,
    // `KXWTACHALLENGERSETWINNER`); Polymarket lists them under the tour.
    let rest = match league.sport() {
        crossbook_model::Sport::Tennis => rest.strip_prefix("CHALLENGER").unwrap_or(rest),
        _ => rest,
    };
    match rest {
        "GAME" | "MATCH" | "FIGHT" | "BOUT" => {
            if league.sport().has_draws() && ticker.ends_with("-TIE") {
                MarketKind::Draw
            } else {
                MarketKind::Moneyline
            }
        }
        "SPREAD" => MarketKind::Spread,
        "TOTAL" => MarketKind::Total,
        "MAP" | "MAPWINNER" | "GAMEWINNER" => MarketKind::MapWinner,
        "TOTALMAPS" | "MAPS" => MarketKind::TotalMaps,
        "SERIES" => MarketKind::Series,
        // The tie at halftime is a market of its own, about neither side.
        "1HWINNER" if ticker.ends_with("-TIE") => MarketKind::Other,
        "1HWINNER" => MarketKind::FirstHalfMoneyline,
        // Soccer's halftime result, three ways (`KXEPL1H-26AUG22ARSCOV-ARS`, `…-TIE`).
        "1H" if league.sport().has_draws() && ticker.ends_with("-TIE") => MarketKind::FirstHalfDraw,
        "1H" if league.sport().has_draws() => MarketKind::FirstHalfMoneyline,
        "1HSPREAD" => MarketKind::FirstHalfSpread,
        "1HTOTAL" => MarketKind::FirstHalfTotal,
        "BTTS" if league.sport() == crossbook_model::Sport::Soccer => MarketKind::BothTeamsToScore,
        // `KXATPSETWINNER-26OCT10CARAUG-1-CAR`: one event per set, a market per player.
        "SETWINNER" if league.sport() == crossbook_model::Sport::Tennis => MarketKind::SetWinner,
        // `KXMLBRFI-26JUL302140BOSATH`: YES is a run in the first inning (its text is checked).
        "RFI" if league.sport() == crossbook_model::Sport::Baseball => MarketKind::FirstInningRun,
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
    // A first-inning market whose YES is not plainly "a run is scored" is not paired on a guess.
    if m.kind == MarketKind::FirstInningRun
        && !affirms_first_inning_run(&format!("{} {}", m.title, str_at(&m.raw, "rules_primary").unwrap_or("")))
    {
        m.kind = MarketKind::Other;
    }
    let game = parse_event_ticker(event_ticker.as_str());
    m.starts_at = game.as_ref().and_then(|g| g.start());
    m.line = match m.kind {
        // `floor_strike` is authoritative; a spread's YES side gives the points (−L).
        MarketKind::Spread | MarketKind::FirstHalfSpread => {
            m.raw.get("floor_strike").and_then(Line::from_json).map(Line::negate)
        }
        MarketKind::Total | MarketKind::TotalMaps | MarketKind::FirstHalfTotal => {
            m.raw.get("floor_strike").and_then(Line::from_json)
        }
        MarketKind::MapWinner => game
            .as_ref()
            .and_then(|g| g.map_number())
            .or_else(|| map_number(&m.title))
            .map(|n| Line::from_hundredths(n * 100)),
        // The event ticker's number, which the title says too ("win set 1 in the …").
        MarketKind::SetWinner => match (game.as_ref().and_then(|g| g.map_number()), set_number(&m.title)) {
            (Some(a), Some(b)) if a != b => None,
            (a, b) => a.or(b).map(|n| Line::from_hundredths(n * 100)),
        },
        _ => None,
    };
    let spread = m.kind.is_spread();
    let code = kalshi_market_code(ticker.as_str(), event_ticker.as_str(), spread);
    m.participants = match event {
        Some(e) if e.participants.len() == 2 => e.participants.clone(),
        _ => kalshi_sides(game.as_ref().map(|g| g.sides), "", "", code.as_slice()),
    };
    m.subject = match m.kind {
        MarketKind::Draw | MarketKind::FirstHalfDraw => Some(Subject::Draw),
        MarketKind::Moneyline
        | MarketKind::Spread
        | MarketKind::MapWinner
        | MarketKind::SetWinner
        | MarketKind::Series
        | MarketKind::FirstHalfMoneyline
        | MarketKind::FirstHalfSpread => code
            .and_then(|c| side_by_code(&m.participants, c))
            .or_else(|| {
                // Spreads' subtitles are sentences ("Houston wins by over 22.5 points").
                (!spread).then(|| m.subtitle.as_deref().and_then(|s| side_by_name(&m.participants, s))).flatten()
            })
            .map(Subject::Side),
        _ => None,
    };
    // The market's own subtitle is the fullest name Kalshi writes for its side ("Novak
    // Djokovic" beside the title's "Djokovic").
    if let (Some(Subject::Side(i)), Some(name), MarketKind::Moneyline | MarketKind::MapWinner | MarketKind::SetWinner) =
        (m.subject, m.subtitle.clone(), m.kind)
        && let Some(p) = m.participants.get_mut(usize::from(i))
    {
        p.names.insert(0, name);
        p.names.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    }
}

/// The map number of an esports map market's text (`Map 2`, `Game 1 Winner`).
fn map_number(text: &str) -> Option<i32> {
    let upper = text.to_ascii_uppercase();
    ["MAP", "GAME"].iter().find_map(|word| {
        upper.match_indices(word).find_map(|(i, _)| {
            let digits: String =
                upper[i + word.len()..].trim_start().chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok().filter(|n| (1..=9).contains(n))
        })
    })
}

/// Whether a first-inning market's text asks whether a run IS scored in the first inning (not
/// whether none is: "NRFI", "no run", "scoreless" turn YES around).
fn affirms_first_inning_run(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    let about = t.contains("run") && (t.contains("first inning") || t.contains("1st inning") || t.contains("1st?"));
    let negated =
        ["no run", "not be a run", "no runs", "without a run", "scoreless", "nrfi"].iter().any(|w| t.contains(w));
    about && !negated
}

/// The set number of a tennis set market's text (`set 1`, `Set 2 Winner`, `…-set-2-winner`,
/// `2nd set`, `first set`).
fn set_number(text: &str) -> Option<i32> {
    let lower = text.to_ascii_lowercase().replace('-', " ");
    let numbered = lower.match_indices("set ").find_map(|(i, _)| {
        let digits: String = lower[i + 4..].chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok().filter(|n| (1..=5).contains(n))
    });
    let ordinals = [
        ("1st", 1),
        ("first", 1),
        ("2nd", 2),
        ("second", 2),
        ("3rd", 3),
        ("third", 3),
        ("4th", 4),
        ("fourth", 4),
        ("5th", 5),
        ("fifth", 5),
    ];
    numbered.or_else(|| ordinals.iter().find(|(w, _)| lower.contains(&format!("{w} set"))).map(|(_, n)| *n))
}

/// Polymarket event: sports by its tags (Sports = tag 1) or slug, league by slug prefix or the
/// league tag it was fetched under, sides from its slug's codes and its title's names.
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
    e.participants = if e.topic == Topic::Sports { poly_sides(slug, &e.title) } else { Vec::new() };
}

/// Polymarket market kind from `sportsMarketType` and, for soccer's yes/no markets, the slug.
fn poly_kind(m: &Market, league: Option<League>) -> MarketKind {
    let raw = &m.raw;
    let slug = str_at(raw, "slug").unwrap_or("");
    let esports = league.is_some_and(League::is_esports);
    let text = format!("{} {} {}", slug, str_at(raw, "groupItemTitle").unwrap_or(""), m.title).to_ascii_lowercase();
    match str_at(raw, "sportsMarketType").unwrap_or("") {
        "moneyline" if slug.ends_with("-draw") => MarketKind::Draw,
        "moneyline" => MarketKind::Moneyline,
        "spreads" => MarketKind::Spread,
        // An esports total is about maps ("Games Total: O/U 2.5") only when it says so.
        "totals" if esports => {
            if ["total-games", "total-maps", "games total", "maps total", "total maps"].iter().any(|w| text.contains(w))
            {
                MarketKind::TotalMaps
            } else {
                MarketKind::Other
            }
        }
        "totals" => MarketKind::Total,
        "child_moneyline" | "map_winner" if esports && map_number(&text).is_some() => MarketKind::MapWinner,
        "total_maps" => MarketKind::TotalMaps,
        "first_half_moneyline" => MarketKind::FirstHalfMoneyline,
        // Soccer's halftime result as three yes/no markets ("Arsenal FC leading at halftime?",
        // "Arsenal FC vs. Chelsea FC: Draw at halftime?"), the first outcome the yes.
        "soccer_halftime_result" if m.outcomes.len() == 2 && m.outcomes[0].name.eq_ignore_ascii_case("yes") => {
            let q = m.title.to_ascii_lowercase().replace("half-time", "halftime").replace("half time", "halftime");
            if !q.contains("halftime") {
                MarketKind::Other
            } else if ["draw", "tied", "level"].iter().any(|w| q.contains(w)) {
                MarketKind::FirstHalfDraw
            } else if ["leading", "lead", "winning", "ahead"].iter().any(|w| q.contains(w)) {
                MarketKind::FirstHalfMoneyline
            } else {
                MarketKind::Other
            }
        }
        "first_half_spreads" => MarketKind::FirstHalfSpread,
        "first_half_totals" => MarketKind::FirstHalfTotal,
        "both_teams_to_score" if m.outcomes.len() == 2 && m.outcomes[0].name.eq_ignore_ascii_case("yes") => {
            MarketKind::BothTeamsToScore
        }
        // A set's winner between the two players (`tennis_set_winner` names its set: "Set 2
        // Winner", `…-set-2-winner-…`).
        "tennis_first_set_winner" | "tennis_set_winner" if poly_set_number(m).is_some() => MarketKind::SetWinner,
        // Gamma names the family `nrfi`, yet its question asks whether a run is scored ("Rays
        // vs. Yankees: run in the first inning?", Yes / No or Yes Run / No Run): paired only when
        // the question says so and its first outcome is the yes.
        "nrfi"
            if affirms_first_inning_run(&m.title)
                && m.outcomes.len() == 2
                && ["yes", "yes run"].iter().any(|y| m.outcomes[0].name.eq_ignore_ascii_case(y)) =>
        {
            MarketKind::FirstInningRun
        }
        _ => MarketKind::Other,
    }
}

/// Polymarket market, in the light of its event.
pub fn classify_poly_market(m: &mut Market, event: Option<&Event>) {
    m.league = event.and_then(|e| e.league);
    m.topic = event.map_or(Topic::Other, |e| e.topic);
    m.is_mve = false;
    m.kind = if m.topic == Topic::Sports { poly_kind(m, m.league) } else { MarketKind::Other };
    m.line = match m.kind {
        MarketKind::Spread | MarketKind::FirstHalfSpread => poly_spread_line(m),
        MarketKind::Total | MarketKind::TotalMaps | MarketKind::FirstHalfTotal => {
            m.raw.get("line").and_then(Line::from_json)
        }
        MarketKind::MapWinner => {
            let text = format!("{} {}", str_at(&m.raw, "groupItemTitle").unwrap_or(""), m.title);
            map_number(&text).map(|n| Line::from_hundredths(n * 100))
        }
        MarketKind::SetWinner => poly_set_number(m).map(|n| Line::from_hundredths(n * 100)),
        _ => None,
    };
    m.participants = event.map(|e| e.participants.clone()).unwrap_or_default();
    let yes_no = m.outcomes.len() == 2 && m.outcomes[0].name.eq_ignore_ascii_case("yes");
    for i in 0..m.outcomes.len() {
        let name = m.outcomes[i].name.to_ascii_lowercase();
        m.outcomes[i].side = match name.as_str() {
            "yes" | "no" | "over" | "under" => None,
            _ => side_by_name(&m.participants, &m.outcomes[i].name),
        };
    }
    m.subject = match m.kind {
        MarketKind::Draw | MarketKind::FirstHalfDraw => Some(Subject::Draw),
        MarketKind::Moneyline | MarketKind::MapWinner if yes_no => poly_yes_no_subject(m),
        MarketKind::FirstHalfMoneyline if yes_no => poly_halftime_subject(m),
        _ => None,
    };
}

/// The line of a Polymarket spread's first outcome. Gamma signs a full-game spread's `line`
/// (−3.5 for "Spread: Lakers (-3.5)") but writes a first half's as its size (2.5 for "1H Spread:
/// Lakers (-2.5)"), so the question decides the sign: the number in its parentheses is the line
/// of the team it names. A question whose number is not the `line`'s size, or that names neither
/// outcome, gives no line (the market is not linked on a guess).
fn poly_spread_line(m: &Market) -> Option<Line> {
    let line = m.raw.get("line").and_then(Line::from_json)?;
    let Some((head, rest)) = m.title.rsplit_once('(') else {
        // No number in the question: only a signed `line` can be read.
        return (m.kind == MarketKind::Spread).then_some(line);
    };
    let named = Line::parse(rest.split(')').next()?.trim().trim_start_matches('+'))?;
    if named.hundredths().abs() != line.hundredths().abs() {
        return None;
    }
    let team = head.rsplit_once(':').map_or(head, |(_, t)| t).trim();
    let is = |i: usize| m.outcomes.get(i).is_some_and(|o| o.name.eq_ignore_ascii_case(team));
    if is(0) {
        Some(named)
    } else if is(1) {
        Some(named.negate())
    } else {
        None
    }
}

/// The set a Polymarket set-winner market is about: the first for `tennis_first_set_winner`,
/// else the number its slug, `groupItemTitle` and question agree on.
fn poly_set_number(m: &Market) -> Option<i32> {
    if str_at(&m.raw, "sportsMarketType") == Some("tennis_first_set_winner") {
        return Some(1);
    }
    let said: Vec<i32> = [str_at(&m.raw, "slug"), str_at(&m.raw, "groupItemTitle"), Some(m.title.as_str())]
        .into_iter()
        .flatten()
        .filter_map(set_number)
        .collect();
    match said[..] {
        [first, ..] if said.iter().all(|n| *n == first) => Some(first),
        _ => None,
    }
}

/// The side a halftime yes/no market is about: the team its question names ("Arsenal FC
/// leading at halftime?") and its `groupItemTitle`, which must agree where both are given.
fn poly_halftime_subject(m: &Market) -> Option<Subject> {
    // "Arsenal FC leading at halftime?", "Will Arsenal FC be winning at half-time?"
    let lower = m.title.to_ascii_lowercase();
    let asked = [" leading", " lead ", " winning", " ahead"].iter().filter_map(|w| lower.find(w)).min().map(|i| {
        let name = m.title[..i].trim();
        let name = name.strip_prefix("Will ").unwrap_or(name);
        name.strip_suffix(" be").unwrap_or(name).trim().to_string()
    });
    let by_question = asked.and_then(|name| side_by_name(&m.participants, &name));
    let by_group = str_at(&m.raw, "groupItemTitle").and_then(|g| side_by_name(&m.participants, g));
    match (by_question, by_group) {
        (Some(a), Some(b)) if a != b => None,
        (a, b) => a.or(b).map(Subject::Side),
    }
}

/// The side a Polymarket yes/no market is about: the code its slug ends with
/// (`…-2026-01-10-lee`) and its `groupItemTitle` (`Leeds United FC`); none when they disagree.
fn poly_yes_no_subject(m: &Market) -> Option<Subject> {
    let slug = str_at(&m.raw, "slug").unwrap_or("");
    let by_code = slug_tail(slug).and_then(|code| side_by_code(&m.participants, &code));
    let by_name = str_at(&m.raw, "groupItemTitle").and_then(|g| side_by_name(&m.participants, g));
    match (by_code, by_name) {
        (Some(a), Some(b)) if a != b => None,
        (a, b) => a.or(b).map(Subject::Side),
    }
}

/// Dispatches on the venue. Polymarket US states topic, league, kind, line and sides in typed
/// fields: its adapter fills them when it parses, and nothing here re-reads them.
pub fn classify_market(m: &mut Market, event: Option<&Event>) {
    match m.venue() {
        Venue::Kalshi => classify_kalshi_market(m, event),
        Venue::Polymarket => classify_poly_market(m, event),
        Venue::PolymarketUs => {}
    }
}

#[cfg(test)]
mod tests {
    use crossbook_model::{
        FeeSchedule, KalshiEventTicker, KalshiMarketTicker, MarketStatus, Outcome, Participant, PolyEventId,
        PolyMarketId,
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

    fn market(key: MarketRef, title: &str, subtitle: Option<&str>, raw: Value) -> Market {
        Market {
            series: match &key {
                MarketRef::Kalshi { ticker, .. } => Some(ticker.series_prefix().into()),
                MarketRef::Polymarket { .. } | MarketRef::PolymarketUs { .. } => None,
            },
            key,
            title: title.into(),
            subtitle: subtitle.map(Into::into),
            topic: Topic::Other,
            league: None,
            participants: vec![],
            subject: None,
            kind: MarketKind::Other,
            line: None,
            outcomes: vec![],
            status: MarketStatus::Open,
            state: crossbook_model::MarketState::Open,
            open_time: None,
            close_time: None,
            starts_at: None,
            ends_at: None,
            is_mve: false,
            fees: FeeSchedule::Free,
            rules: None,
            raw,
        }
    }

    fn kalshi(ticker: &str, event_ticker: &str, subtitle: &str, raw: Value) -> Market {
        let key = MarketRef::Kalshi {
            ticker: KalshiMarketTicker::new(ticker).unwrap(),
            event_ticker: KalshiEventTicker::new(event_ticker).unwrap(),
        };
        market(key, "", Some(subtitle), raw)
    }

    fn poly(slug: &str, question: &str, outcomes: &[&str], raw: Value) -> Market {
        let key = MarketRef::Polymarket {
            market_id: PolyMarketId::new("1").unwrap(),
            event_id: PolyEventId::new("9").unwrap(),
            condition_id: None,
        };
        let mut raw = raw;
        raw["slug"] = json!(slug);
        let mut m = market(key, question, None, raw);
        m.outcomes =
            outcomes.iter().map(|n| Outcome { name: n.to_string(), token_id: None, price: None, side: None }).collect();
        m
    }

    /// The real Serie A event and markets of the development capture (KXSERIEAGAME-26APR19VERACM).
    #[test]
    fn kalshi_soccer_event_sides_subjects_and_clock() {
        let tickers =
            ["KXSERIEAGAME-26APR19VERACM-VER", "KXSERIEAGAME-26APR19VERACM-ACM", "KXSERIEAGAME-26APR19VERACM-TIE"];
        let mut e = event(
            Venue::Kalshi,
            "KXSERIEAGAME-26APR19VERACM",
            Some("KXSERIEAGAME"),
            "Verona vs Milan",
            json!({"category": "Sports", "sub_title": "VER vs ACM (Apr 19)"}),
        );
        classify_kalshi_event(&mut e, &tickers);
        assert_eq!((e.topic, e.league, e.is_mve), (Topic::Sports, Some(League::SerieA), false));
        assert_eq!(
            e.participants,
            vec![Participant::new(Some("VER"), &["Verona"]), Participant::new(Some("ACM"), &["Milan"])]
        );
        assert_eq!(e.starts_at, None, "no time in the ticker: the start is unknown, never the expiration");
        let mut acm = kalshi(tickers[1], "KXSERIEAGAME-26APR19VERACM", "Milan", json!({}));
        classify_kalshi_market(&mut acm, Some(&e));
        assert_eq!((acm.kind, acm.subject), (MarketKind::Moneyline, Some(Subject::Side(1))));
        let mut tie = kalshi(tickers[2], "KXSERIEAGAME-26APR19VERACM", "Tie", json!({}));
        classify_kalshi_market(&mut tie, Some(&e));
        assert_eq!((tie.kind, tie.subject), (MarketKind::Draw, Some(Subject::Draw)));
    }

    #[test]
    fn kalshi_start_from_the_ticker_and_spread_lines() {
        let mut m = kalshi("KXMLBGAME-26JUL081840NYYTB-NYY", "KXMLBGAME-26JUL081840NYYTB", "New York Y", json!({}));
        classify_kalshi_market(&mut m, None);
        assert_eq!(m.starts_at.unwrap().to_rfc3339(), "2026-07-08T22:40:00+00:00");
        assert_eq!(m.participants[0].code.as_deref(), Some("NYY"), "sides from the ticker alone");
        assert_eq!(m.subject, Some(Subject::Side(0)));
        let mut s = kalshi(
            "KXNCAAMBSPREAD-26MAR19IDHOHOU-HOU22",
            "KXNCAAMBSPREAD-26MAR19IDHOHOU",
            "Houston wins by over 22.5 points",
            json!({"floor_strike": 22.5}),
        );
        classify_kalshi_market(&mut s, None);
        assert_eq!((s.kind, s.line.map(|l| l.hundredths())), (MarketKind::Spread, Some(-2250)));
        assert_eq!((s.participants[0].code.as_deref(), s.subject), (Some("IDHO"), Some(Subject::Side(1))));
        let mut t = kalshi(
            "KXNBATOTAL-26JAN11HOUSAC-220",
            "KXNBATOTAL-26JAN11HOUSAC",
            "Over 220.5",
            json!({"floor_strike": 220.5}),
        );
        classify_kalshi_market(&mut t, None);
        assert_eq!((t.kind, t.line.map(|l| l.hundredths()), t.subject), (MarketKind::Total, Some(22050), None));
    }

    #[test]
    fn kalshi_esports_maps_tennis_and_mve() {
        let mut e = event(
            Venue::Kalshi,
            "KXLOLMAP-26APR190600T1DRX-2",
            Some("KXLOLMAP"),
            "T1 vs. DRX: Map 2",
            json!({"sub_title": "T1 vs DRX (Apr 19)"}),
        );
        classify_kalshi_event(&mut e, &["KXLOLMAP-26APR190600T1DRX-2-T1", "KXLOLMAP-26APR190600T1DRX-2-DRX"]);
        let mut map = kalshi("KXLOLMAP-26APR190600T1DRX-2-T1", "KXLOLMAP-26APR190600T1DRX-2", "T1", json!({}));
        classify_kalshi_market(&mut map, Some(&e));
        assert_eq!(
            (map.kind, map.line.map(|l| l.hundredths()), map.subject),
            (MarketKind::MapWinner, Some(200), Some(Subject::Side(0)))
        );
        let mut ml = kalshi("KXLOLGAME-26APR190600T1DRX-DRX", "KXLOLGAME-26APR190600T1DRX", "DRX", json!({}));
        classify_kalshi_market(&mut ml, None);
        assert_eq!(ml.kind, MarketKind::Moneyline, "an esports match winner is the match's moneyline");
        let mut t = event(
            Venue::Kalshi,
            "KXATPMATCH-26JUL09DJOMED",
            Some("KXATPMATCH"),
            "Djokovic vs Medvedev",
            json!({"sub_title": "Quarterfinal (Jul 09)"}),
        );
        classify_kalshi_event(&mut t, &["KXATPMATCH-26JUL09DJOMED-DJO", "KXATPMATCH-26JUL09DJOMED-MED"]);
        let mut djo = kalshi("KXATPMATCH-26JUL09DJOMED-DJO", "KXATPMATCH-26JUL09DJOMED", "Novak Djokovic", json!({}));
        classify_kalshi_market(&mut djo, Some(&t));
        assert_eq!(djo.participants[0], Participant::new(Some("DJO"), &["Novak Djokovic", "Djokovic"]));
        let mut mve = kalshi(
            "KXMVESPORTSMULTIGAMEEXTENDED-S2026C5F5F443089-BC7BAA9973E",
            "KXMVESPORTSMULTIGAMEEXTENDED-S2026C5F5F443089",
            "",
            json!({}),
        );
        classify_kalshi_market(&mut mve, None);
        assert!(mve.is_mve);
    }

    /// Tennis set winners as both venues write them: Kalshi's set number in the event ticker and
    /// the title, Gamma's in its market type or its slug and title (a disagreement reads none).
    #[test]
    fn set_winners_carry_their_set() {
        let mut k = kalshi(
            "KXATPSETWINNER-26OCT10CARAUG-2-CAR",
            "KXATPSETWINNER-26OCT10CARAUG-2",
            "Pablo Carreno Busta",
            json!({}),
        );
        k.title = "Will Pablo Carreno Busta win set 2 in the Pablo Carreno Busta vs Felix Auger-Aliassime match".into();
        classify_kalshi_market(&mut k, None);
        assert_eq!((k.kind, k.line.map(|l| l.hundredths())), (MarketKind::SetWinner, Some(200)));
        assert_eq!(k.subject, Some(Subject::Side(0)));
        k.title = k.title.replace("set 2", "set 1");
        classify_kalshi_market(&mut k, None);
        assert_eq!(k.line, None, "ticker and title disagree");
        assert_eq!(
            [set_number("Will X win the 2nd set?"), set_number("First Set Winner"), set_number("Set 3 Winner")],
            [Some(2), Some(1), Some(3)]
        );
        assert_eq!(set_number("Will X win the match?"), None);
        // A Challenger match and its sets: the tour's kinds.
        let mut c =
            kalshi("KXATPCHALLENGERMATCH-26OCT10ABCDEF-ABC", "KXATPCHALLENGERMATCH-26OCT10ABCDEF", "A Bc", json!({}));
        classify_kalshi_market(&mut c, None);
        assert_eq!((c.league, c.kind), (Some(League::Atp), MarketKind::Moneyline));
        let mut cs = kalshi(
            "KXWTACHALLENGERSETWINNER-26OCT10ABCDEF-1-ABC",
            "KXWTACHALLENGERSETWINNER-26OCT10ABCDEF-1",
            "A Bc",
            json!({}),
        );
        classify_kalshi_market(&mut cs, None);
        assert_eq!((cs.league, cs.kind), (Some(League::Wta), MarketKind::SetWinner));
        let raw = json!({"slug": "atp-sinner-alcaraz-2026-10-09", "tags": [{"id": "1", "label": "Sports"}]});
        let mut e = event(Venue::Polymarket, "9", None, "Shanghai Masters: Jannik Sinner vs Carlos Alcaraz", raw);
        classify_poly_event(&mut e, None);
        let set = |slug: &str, kind: &str, group: &str| {
            let mut m = poly(
                slug,
                &format!("{group}: Sinner vs Alcaraz"),
                &["Alcaraz", "Sinner"],
                json!({"sportsMarketType": kind, "groupItemTitle": group}),
            );
            classify_poly_market(&mut m, Some(&e));
            m
        };
        let first = set("atp-sinner-alcaraz-2026-10-09-first-set-winner", "tennis_first_set_winner", "Set 1 Winner");
        assert_eq!((first.kind, first.line.map(|l| l.hundredths())), (MarketKind::SetWinner, Some(100)));
        assert_eq!([first.outcomes[0].side, first.outcomes[1].side], [Some(1), Some(0)], "sides by surname");
        let second =
            set("atp-sinner-alcaraz-2026-10-09-set-2-winner-sinner-vs-alcaraz", "tennis_set_winner", "Set 2 Winner");
        assert_eq!((second.kind, second.line.map(|l| l.hundredths())), (MarketKind::SetWinner, Some(200)));
        let unclear =
            set("atp-sinner-alcaraz-2026-10-09-set-3-winner-sinner-vs-alcaraz", "tennis_set_winner", "Set 2 Winner");
        assert_eq!(unclear.kind, MarketKind::Other, "slug and title disagree on the set");
    }

    /// Soccer's halftime result, three ways on both venues: Kalshi's `KX<L>1H` team and `-TIE`
    /// markets, Gamma's "… leading at halftime?" and "…: Draw at halftime?" yes/no markets.
    #[test]
    fn soccer_halftime_results() {
        let mut ars = kalshi("KXEPL1H-26OCT03ARSCFC-ARS", "KXEPL1H-26OCT03ARSCFC", "Arsenal", json!({}));
        classify_kalshi_market(&mut ars, None);
        assert_eq!((ars.kind, ars.subject), (MarketKind::FirstHalfMoneyline, Some(Subject::Side(0))));
        let mut tie = kalshi("KXEPL1H-26OCT03ARSCFC-TIE", "KXEPL1H-26OCT03ARSCFC", "Tie", json!({}));
        classify_kalshi_market(&mut tie, None);
        assert_eq!((tie.kind, tie.subject), (MarketKind::FirstHalfDraw, Some(Subject::Draw)));
        let raw = json!({"slug": "epl-ars-che-2026-10-03", "tags": [{"id": "1", "label": "Sports"}]});
        let mut e = event(Venue::Polymarket, "9", None, "Arsenal FC vs. Chelsea FC", raw);
        classify_poly_event(&mut e, None);
        let half = |q: &str, group: &str| {
            let mut m = poly(
                "epl-ars-che-2026-10-03-halftime",
                q,
                &["Yes", "No"],
                json!({"sportsMarketType": "soccer_halftime_result", "groupItemTitle": group}),
            );
            classify_poly_market(&mut m, Some(&e));
            (m.kind, m.subject)
        };
        assert_eq!(
            half("Chelsea FC leading at halftime?", "Chelsea FC"),
            (MarketKind::FirstHalfMoneyline, Some(Subject::Side(1)))
        );
        assert_eq!(
            half("Chelsea FC leading at halftime?", "Arsenal FC"),
            (MarketKind::FirstHalfMoneyline, None),
            "names disagree"
        );
        assert_eq!(
            half("Arsenal FC vs. Chelsea FC: Draw at halftime?", "Draw"),
            (MarketKind::FirstHalfDraw, Some(Subject::Draw))
        );
        assert_eq!(
            half("Will Chelsea FC be winning at half-time?", ""),
            (MarketKind::FirstHalfMoneyline, Some(Subject::Side(1)))
        );
        assert_eq!(half("Arsenal FC vs. Chelsea FC: halftime corners?", "Corners"), (MarketKind::Other, None));
    }

    /// A first-inning run market is one only where its YES plainly is "a run is scored": Gamma
    /// calls the family `nrfi` whichever way its question asks.
    #[test]
    fn first_inning_runs_by_what_yes_means() {
        assert!(affirms_first_inning_run("Rays vs. Yankees: run in the first inning?"));
        assert!(affirms_first_inning_run("Run in 1st? If at least one run is scored in the 1st inning …"));
        for negated in [
            "Will the first inning be scoreless?",
            "NRFI: no run in the first inning?",
            "Will there not be a run in the 1st inning?",
        ] {
            assert!(!affirms_first_inning_run(negated), "{negated}");
        }
        let raw = json!({"slug": "mlb-tb-nyy-2026-09-12", "tags": [{"id": "1", "label": "Sports"}]});
        let mut e = event(Venue::Polymarket, "9", None, "Tampa Bay Rays vs. New York Yankees", raw);
        classify_poly_event(&mut e, Some(League::Mlb));
        let nrfi = |q: &str, outcomes: &[&str]| {
            let mut m = poly(
                "mlb-tb-nyy-2026-09-12-nrfi",
                q,
                outcomes,
                json!({"sportsMarketType": "nrfi", "groupItemTitle": "NRFI"}),
            );
            classify_poly_market(&mut m, Some(&e));
            m.kind
        };
        assert_eq!(nrfi("Will there be a run in the first inning?", &["Yes", "No"]), MarketKind::FirstInningRun);
        assert_eq!(
            nrfi("Rays vs. Yankees: run in the first inning?", &["Yes Run", "No Run"]),
            MarketKind::FirstInningRun
        );
        assert_eq!(nrfi("Will the first inning be scoreless?", &["Yes", "No"]), MarketKind::Other);
        assert_eq!(nrfi("Will there be a run in the first inning?", &["No", "Yes"]), MarketKind::Other);
        let mut k =
            kalshi("KXMLBRFI-26SEP121305NYYTB", "KXMLBRFI-26SEP121305NYYTB", "Run in the 1st inning", json!({}));
        k.title = "Run in 1st?".into();
        classify_kalshi_market(&mut k, None);
        assert_eq!((k.kind, k.league), (MarketKind::FirstInningRun, Some(League::Mlb)));
    }

    /// Gamma payload shapes of the development capture (`sea-ver-acm-2026-04-19`, `lol-t1-drx-…`).
    #[test]
    fn polymarket_sides_outcomes_and_kinds() {
        let raw = json!({"slug": "sea-ver-acm-2026-04-19", "tags": [{"id": "1", "label": "Sports"}]});
        let mut e = event(Venue::Polymarket, "363212", None, "Hellas Verona FC vs. AC Milan", raw);
        classify_poly_event(&mut e, None);
        assert_eq!((e.topic, e.league), (Topic::Sports, Some(League::SerieA)));
        assert_eq!(e.participants[1], Participant::new(Some("acm"), &["AC Milan"]));
        let mut acm = poly(
            "sea-ver-acm-2026-04-19-acm",
            "Will AC Milan win on 2026-04-19?",
            &["Yes", "No"],
            json!({"sportsMarketType": "moneyline", "groupItemTitle": "AC Milan"}),
        );
        classify_poly_market(&mut acm, Some(&e));
        assert_eq!((acm.kind, acm.subject), (MarketKind::Moneyline, Some(Subject::Side(1))));
        let mut draw = poly(
            "sea-ver-acm-2026-04-19-draw",
            "Will Hellas Verona FC vs. AC Milan end in a draw?",
            &["Yes", "No"],
            json!({"sportsMarketType": "moneyline"}),
        );
        classify_poly_market(&mut draw, Some(&e));
        assert_eq!((draw.kind, draw.subject), (MarketKind::Draw, Some(Subject::Draw)));

        let raw = json!({"slug": "lol-t1-drx-2026-04-19", "tags": [{"id": "1", "label": "Sports"}]});
        let mut lol = event(Venue::Polymarket, "365459", None, "LoL: T1 vs DRX (BO3) - LCK Regular Season", raw);
        classify_poly_event(&mut lol, None);
        let mut g2 = poly(
            "lol-t1-drx-2026-04-19-game2",
            "LoL: T1 vs DRX - Game 2 Winner",
            &["T1", "DRX"],
            json!({"sportsMarketType": "child_moneyline", "groupItemTitle": "Game 2 Winner"}),
        );
        classify_poly_market(&mut g2, Some(&lol));
        assert_eq!((g2.kind, g2.line.map(|l| l.hundredths())), (MarketKind::MapWinner, Some(200)));
        assert_eq!(g2.outcomes.iter().map(|o| o.side).collect::<Vec<_>>(), vec![Some(0), Some(1)]);
        let mut maps = poly(
            "lol-t1-drx-2026-04-19-total-games-2pt5",
            "Games Total: O/U 2.5",
            &["Over", "Under"],
            json!({"sportsMarketType": "totals", "line": 2.5}),
        );
        classify_poly_market(&mut maps, Some(&lol));
        assert_eq!((maps.kind, maps.line.map(|l| l.hundredths())), (MarketKind::TotalMaps, Some(250)));
        let mut spread = poly(
            "nba-mil-lal-2026-01-09-spread-home-3pt5",
            "Spread: Lakers (-3.5)",
            &["Lakers", "Bucks"],
            json!({"sportsMarketType": "spreads", "line": -3.5}),
        );
        let mut nba =
            event(Venue::Polymarket, "140938", None, "Bucks vs. Lakers", json!({"slug": "nba-mil-lal-2026-01-09"}));
        classify_poly_event(&mut nba, None);
        classify_poly_market(&mut spread, Some(&nba));
        assert_eq!((spread.kind, spread.line.map(|l| l.hundredths())), (MarketKind::Spread, Some(-350)));
        assert_eq!(spread.outcomes.iter().map(|o| o.side).collect::<Vec<_>>(), vec![Some(1), Some(0)]);
        let mut prop =
            poly("nba-mil-lal-2026-01-09-points", "Points", &["Over", "Under"], json!({"sportsMarketType": "points"}));
        classify_poly_market(&mut prop, Some(&nba));
        assert_eq!((prop.kind, prop.line), (MarketKind::Other, None));
        let mut politics =
            event(Venue::Polymarket, "9", None, "Election", json!({"tags": [{"id": "2", "label": "Politics"}]}));
        classify_poly_event(&mut politics, None);
        assert_eq!((politics.topic, politics.league, politics.participants.len()), (Topic::Politics, None, 0));
    }

    /// Real Gamma first-half markets (`nba-mem-lal-2026-01-04`, events_nba_2026-01-04_14.json)
    /// and Kalshi's first-half series as public recordings show them.
    #[test]
    fn first_halves_on_both_venues() {
        let mut nba =
            event(Venue::Polymarket, "131070", None, "Grizzlies vs. Lakers", json!({"slug": "nba-mem-lal-2026-01-04"}));
        classify_poly_event(&mut nba, None);
        let spread = |question: &str, outcomes: &[&str], line: f64| {
            let raw = json!({"sportsMarketType": "first_half_spreads", "line": line});
            let mut m = poly("nba-mem-lal-2026-01-04-1h-spread-home-2pt5", question, outcomes, raw);
            classify_poly_market(&mut m, Some(&nba));
            (m.kind, m.line.map(|l| l.hundredths()))
        };
        // Gamma writes the size; the question says who gives it.
        assert_eq!(
            spread("1H Spread: Lakers (-2.5)", &["Lakers", "Grizzlies"], 2.5),
            (MarketKind::FirstHalfSpread, Some(-250))
        );
        assert_eq!(spread("1H Spread: Lakers (-2.5)", &["Grizzlies", "Lakers"], 2.5).1, Some(250));
        assert_eq!(
            spread("1H Spread: Lakers (-3.5)", &["Lakers", "Grizzlies"], 2.5).1,
            None,
            "number and line disagree"
        );
        assert_eq!(spread("1H Spread -2.5", &["Lakers", "Grizzlies"], 2.5).1, None, "no sign, no line");
        let mut total = poly(
            "nba-mem-lal-2026-01-04-1h-total-123pt5",
            "Grizzlies vs. Lakers: 1H O/U 123.5",
            &["Over", "Under"],
            json!({"sportsMarketType": "first_half_totals", "line": 123.5}),
        );
        classify_poly_market(&mut total, Some(&nba));
        assert_eq!((total.kind, total.line.map(|l| l.hundredths())), (MarketKind::FirstHalfTotal, Some(12350)));
        let mut winner = poly(
            "nba-mem-lal-2026-01-04-1h-moneyline",
            "Grizzlies vs. Lakers: 1H Moneyline",
            &["Grizzlies", "Lakers"],
            json!({"sportsMarketType": "first_half_moneyline"}),
        );
        classify_poly_market(&mut winner, Some(&nba));
        assert_eq!(winner.kind, MarketKind::FirstHalfMoneyline);
        assert_eq!(winner.outcomes.iter().map(|o| o.side).collect::<Vec<_>>(), vec![Some(0), Some(1)]);

        let ev = "KXNBA1HSPREAD-26APR26BOSPHI";
        let mut s = kalshi(
            &format!("{ev}-PHI1"),
            ev,
            "Philadelphia wins the 1H by over 1.5 Points",
            json!({"floor_strike": 1.5}),
        );
        classify_kalshi_market(&mut s, None);
        assert_eq!(
            (s.kind, s.line.map(|l| l.hundredths()), s.subject),
            (MarketKind::FirstHalfSpread, Some(-150), Some(Subject::Side(1)))
        );
        let ev = "KXNBA1HWINNER-26MAY19CLENYK";
        let mut tie = kalshi(&format!("{ev}-TIE"), ev, "Tie", json!({}));
        classify_kalshi_market(&mut tie, None);
        assert_eq!(tie.kind, MarketKind::Other, "the tie at halftime is about neither side");
        let mut cle = kalshi(&format!("{ev}-CLE"), ev, "Cleveland", json!({}));
        classify_kalshi_market(&mut cle, None);
        assert_eq!((cle.kind, cle.subject), (MarketKind::FirstHalfMoneyline, Some(Subject::Side(0))));
        let ev = "KXNBA1HTOTAL-26APR26BOSPHI";
        let mut t = kalshi(&format!("{ev}-112"), ev, "Over 112.5 points scored", json!({"floor_strike": 112.5}));
        classify_kalshi_market(&mut t, None);
        assert_eq!((t.kind, t.line.map(|l| l.hundredths())), (MarketKind::FirstHalfTotal, Some(11250)));
    }
}
