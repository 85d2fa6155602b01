//! Games: the markets of one venue grouped by the game they are about. Kalshi spreads and totals
//! live in events of their own series (`KXNBASPREAD-26JAN09MILLAL`), so a Kalshi game is keyed by
//! league and the ticker's date-and-teams part; a Polymarket game is its event.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use crossbook_model::time::eastern_date;
use crossbook_model::{Event, League, Market, Venue};

/// One game on one venue.
#[derive(Debug)]
pub(crate) struct Game<'a> {
    pub(crate) league: League,
    /// Kalshi: the ticker's date-and-teams part; Polymarket: the event id.
    pub(crate) key: String,
    /// US Eastern date of the game.
    pub(crate) date: Option<NaiveDate>,
    /// Scheduled start, when a venue says it.
    pub(crate) start: Option<DateTime<Utc>>,
    /// The two sides (`NBA:MIL`, or `~name`).
    pub(crate) participants: Vec<String>,
    pub(crate) markets: Vec<&'a Market>,
}

impl Game<'_> {
    /// Whether both sides are dictionary teams.
    pub(crate) fn known(&self) -> bool {
        self.participants.len() == 2 && self.participants.iter().all(|p| !p.starts_with('~'))
    }
}

/// The game part of a Kalshi event ticker: `KXNBASPREAD-26JAN09MILLAL` → `26JAN09MILLAL`.
fn kalshi_game_key(event_ticker: &str) -> Option<&str> {
    event_ticker.split('-').nth(1).filter(|p| p.len() > 7)
}

/// `26JAN09…` → 2026-01-09 (the Eastern date Kalshi tickers carry).
pub(crate) fn kalshi_ticker_date(key: &str) -> Option<NaiveDate> {
    let head = key.get(..7)?;
    let mut s = String::with_capacity(7);
    s.push_str(&head[..2]);
    s.push_str(&head[2..3]);
    s.push_str(&head[3..5].to_ascii_lowercase());
    s.push_str(&head[5..7]);
    NaiveDate::parse_from_str(&s, "%y%b%d").ok()
}

/// Groups one venue's markets into games.
pub(crate) fn games<'a>(venue: Venue, events: &'a [Event], markets: &'a [Market]) -> Vec<Game<'a>> {
    let by_event: HashMap<&str, &Event> =
        events.iter().filter(|e| e.venue == venue).map(|e| (e.id.as_str(), e)).collect();
    let mut index: HashMap<(League, String), usize> = HashMap::new();
    let mut out: Vec<Game<'a>> = Vec::new();
    for m in markets.iter().filter(|m| m.venue() == venue) {
        let Some(league) = m.league else { continue };
        let key = match venue {
            Venue::Kalshi => match kalshi_game_key(m.event_id()) {
                Some(k) => k.to_string(),
                None => continue,
            },
            Venue::Polymarket => m.event_id().to_string(),
        };
        let i = *index.entry((league, key.clone())).or_insert_with(|| {
            out.push(Game { league, date: None, start: None, participants: Vec::new(), key, markets: Vec::new() });
            out.len() - 1
        });
        let g = &mut out[i];
        let event = by_event.get(m.event_id());
        if g.participants.len() != 2 || !g.known() {
            let from = event.map(|e| &e.participants).filter(|p| p.len() == 2).unwrap_or(&m.participants);
            if from.len() == 2 && (g.participants.len() != 2 || from.iter().all(|p| !p.starts_with('~'))) {
                g.participants = from.clone();
            }
        }
        let start = m.starts_at.or_else(|| event.and_then(|e| e.starts_at));
        if let Some(s) = start {
            g.start = Some(g.start.map_or(s, |x| x.min(s)));
        }
        g.markets.push(m);
    }
    for g in &mut out {
        g.date = match venue {
            Venue::Kalshi => kalshi_ticker_date(&g.key).or(g.start.map(eastern_date)),
            Venue::Polymarket => g.start.map(eastern_date),
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticker_dates_and_keys() {
        assert_eq!(kalshi_ticker_date("26JAN09MILLAL"), NaiveDate::from_ymd_opt(2026, 1, 9));
        assert_eq!(kalshi_ticker_date("26JUL081840NYYTB"), NaiveDate::from_ymd_opt(2026, 7, 8));
        assert_eq!(kalshi_ticker_date("XXJAN09"), None);
        assert_eq!(kalshi_game_key("KXNBASPREAD-26JAN09MILLAL"), Some("26JAN09MILLAL"));
        assert_eq!(kalshi_game_key("KXFED-26JAN"), None);
    }
}
