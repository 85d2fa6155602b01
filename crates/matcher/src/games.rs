//! Games: the markets of one venue grouped by the game they are about, with the game's clock
//! and its two sides. Kalshi lists a game's spreads and totals in events of their own series
//! (`KXNBASPREAD-26JAN09MILLAL`), so a Kalshi game is keyed by league and the ticker's
//! date-and-sides part; a Polymarket game by league, its event slug up to the date and its
//! start (the `…-more-markets` event of a game is the same game; a second game of the same
//! teams that day is not).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use crossbook_model::time::eastern_date;
use crossbook_model::{Event, League, Market, Participant, Venue};
use crossbook_taxonomy::kalshi_ticker::parse_event_ticker;

/// One game on one venue.
#[derive(Debug)]
pub(crate) struct Game<'a> {
    pub(crate) venue: Venue,
    pub(crate) league: League,
    pub(crate) key: String,
    /// Kalshi: the date its ticker carries (US Eastern). Polymarket: the US Eastern date of its
    /// start.
    pub(crate) date: Option<NaiveDate>,
    /// The start of play where the venue states it (Polymarket's `gameStartTime`, the time in a
    /// Kalshi ticker).
    pub(crate) start: Option<DateTime<Utc>>,
    /// Kalshi's expected end of play (`expected_expiration_time`), the earliest of the game's
    /// markets.
    pub(crate) end: Option<DateTime<Utc>>,
    /// Kalshi: the sides' codes run together as the ticker writes them (`VERACM`).
    pub(crate) ticker_sides: Option<String>,
    /// The two sides, in the venue's order, names merged over the game's events and markets.
    pub(crate) sides: Vec<Participant>,
    pub(crate) markets: Vec<&'a Market>,
}

/// The key of a Polymarket game: the event slug up to its date and the event's start, else the
/// event id.
fn poly_key(slug: Option<&str>, start: Option<DateTime<Utc>>, event_id: &str) -> String {
    let Some(slug) = slug else { return event_id.to_string() };
    let start = start.map(|s| s.to_rfc3339()).unwrap_or_default();
    let words: Vec<&str> = slug.split('-').collect();
    let date = (1..words.len().saturating_sub(2)).find(|&i| {
        let digits = |w: &str, n: usize| w.len() == n && w.bytes().all(|b| b.is_ascii_digit());
        digits(words[i], 4) && digits(words[i + 1], 2) && digits(words[i + 2], 2)
    });
    match date {
        Some(i) => format!("{}@{start}", words[..i + 3].join("-")),
        None => event_id.to_string(),
    }
}

/// Merges `from` into `into` side by side: names added where the codes do not disagree.
fn merge_sides(into: &mut Vec<Participant>, from: &[Participant]) {
    if from.len() != 2 {
        return;
    }
    if into.len() != 2 {
        *into = from.to_vec();
        return;
    }
    for (a, b) in into.iter_mut().zip(from) {
        match (&a.code, &b.code) {
            (Some(x), Some(y)) if !x.eq_ignore_ascii_case(y) => return,
            (None, Some(y)) => a.code = Some(y.clone()),
            _ => {}
        }
        for n in &b.names {
            a.add_name(n);
        }
    }
}

/// Groups one venue's markets into games.
pub(crate) fn games<'a>(venue: Venue, events: &'a [Event], markets: &'a [Market]) -> Vec<Game<'a>> {
    let by_event: HashMap<&str, &Event> =
        events.iter().filter(|e| e.venue == venue).map(|e| (e.id.as_str(), e)).collect();
    let mut index: HashMap<(League, String), usize> = HashMap::new();
    let mut out: Vec<Game<'a>> = Vec::new();
    for m in markets.iter().filter(|m| m.venue() == venue) {
        let Some(league) = m.league else { continue };
        let event = by_event.get(m.event_id()).copied();
        let (key, ticker) = match venue {
            Venue::Kalshi => match parse_event_ticker(m.event_id()) {
                Some(t) => (t.game.to_string(), Some(t)),
                None => continue,
            },
            // Both write the game in the event's slug (`mlb-sd-col-2026-09-16`).
            Venue::Polymarket | Venue::PolymarketUs => {
                let slug = event.and_then(|e| e.raw.get("slug")).and_then(|s| s.as_str());
                (poly_key(slug, event.and_then(|e| e.starts_at), m.event_id()), None)
            }
        };
        let i = *index.entry((league, key.clone())).or_insert_with(|| {
            out.push(Game {
                venue,
                league,
                key,
                date: ticker.as_ref().map(|t| t.date),
                start: None,
                end: None,
                ticker_sides: ticker.as_ref().map(|t| t.sides.to_string()),
                sides: Vec::new(),
                markets: Vec::new(),
            });
            out.len() - 1
        });
        let g = &mut out[i];
        if let Some(e) = event {
            merge_sides(&mut g.sides, &e.participants);
        }
        merge_sides(&mut g.sides, &m.participants);
        // Polymarket states the start on each market and on the event; Kalshi only in tickers
        // that carry a time (the same on every market of the game).
        if let Some(s) = m.starts_at.or_else(|| event.and_then(|e| e.starts_at)) {
            g.start = Some(g.start.map_or(s, |x| x.min(s)));
        }
        if let Some(e) = m.ends_at {
            g.end = Some(g.end.map_or(e, |x| x.min(e)));
        }
        g.markets.push(m);
    }
    if venue != Venue::Kalshi {
        for g in &mut out {
            g.date = g.start.map(eastern_date);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polymarket_keys_join_a_game_and_its_more_markets_event() {
        let s = "2026-07-18T21:00:00Z".parse::<DateTime<Utc>>().ok();
        let key = poly_key(Some("fif-fra-eng-2026-07-18-more-markets"), s, "1");
        assert_eq!(key, poly_key(Some("fif-fra-eng-2026-07-18"), s, "2"));
        let later = "2026-07-18T23:30:00Z".parse::<DateTime<Utc>>().ok();
        assert_ne!(key, poly_key(Some("fif-fra-eng-2026-07-18-game-2"), later, "3"), "another start is another game");
        assert_eq!(poly_key(Some("fed-decision-in-march"), None, "3"), "3");
        assert_eq!(poly_key(None, None, "4"), "4");
    }

    #[test]
    fn sides_merge_names_unless_codes_disagree() {
        let mut s = vec![Participant::new(Some("DJO"), &["Djokovic"]), Participant::new(Some("MED"), &["Medvedev"])];
        merge_sides(&mut s, &[Participant::new(Some("DJO"), &["Novak Djokovic"]), Participant::new(Some("MED"), &[])]);
        assert_eq!(s[0].names, vec!["Djokovic", "Novak Djokovic"]);
        merge_sides(&mut s, &[Participant::new(Some("XXX"), &["Other"]), Participant::new(Some("MED"), &[])]);
        assert_eq!(s[0].names.len(), 2);
    }
}
