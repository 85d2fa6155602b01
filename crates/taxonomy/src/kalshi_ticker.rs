//! The grammar of Kalshi sports tickers, read from real ones:
//! `KXNBAGAME-26JAN09MILLAL-MIL` (series, US Eastern date, the two sides' codes, the market's
//! side), `KXMLBGAME-26JUL081840NYYTB` (a start time, 18:40 US Eastern, after the date),
//! `KXMLBGAME-26JUL171335TBBOSG1` (game 1 of a doubleheader), `KXLOLMAP-26APR190600T1DRX-1-T1`
//! (map 1), `KXNBASPREAD-26JAN09MILLAL-LAL3` (a spread's side and strike).

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use crossbook_model::time::eastern_offset_hours;

/// The game part of a Kalshi event ticker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GameTicker<'a> {
    /// `KXNBAGAME`.
    pub series: &'a str,
    /// `26JAN09MILLAL`: the date-and-sides part, the same in every series of one game.
    pub game: &'a str,
    /// The US Eastern date the ticker carries.
    pub date: NaiveDate,
    /// The US Eastern start time, where the series writes one.
    pub time: Option<NaiveTime>,
    /// The sides' codes run together (`MILLAL`), a doubleheader marker included (`TBBOSG1`).
    pub sides: &'a str,
    /// What follows the game part in the event ticker (`1` for map 1), if anything.
    pub tail: Option<&'a str>,
}

impl GameTicker<'_> {
    /// The start as an instant, when the ticker has a time.
    pub fn start(&self) -> Option<DateTime<Utc>> {
        eastern_to_utc(self.date, self.time?)
    }

    /// The map number of an esports map event (`…T1DRX-2` → 2).
    pub fn map_number(&self) -> Option<i32> {
        self.tail.and_then(|t| t.parse().ok()).filter(|n| (1..=9).contains(n))
    }
}

/// Reads an event ticker (`KXNBAGAME-26JAN09MILLAL`); `None` when it does not follow the grammar.
pub fn parse_event_ticker(event_ticker: &str) -> Option<GameTicker<'_>> {
    let mut parts = event_ticker.splitn(3, '-');
    let series = parts.next()?;
    let game = parts.next()?;
    let tail = parts.next();
    let date = ticker_date(game.get(..7)?)?;
    let rest = &game[7..];
    let (time, sides) = match rest.get(..4).and_then(hhmm) {
        Some(t) if rest.len() > 4 => (Some(t), &rest[4..]),
        _ => (None, rest),
    };
    if sides.is_empty() || !sides.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    Some(GameTicker { series, game, date, time, sides, tail })
}

/// `26JAN09` → 2026-01-09.
fn ticker_date(s: &str) -> Option<NaiveDate> {
    let (yy, mon, dd) = (s.get(..2)?, s.get(2..5)?, s.get(5..7)?);
    let month = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
        .iter()
        .position(|m| *m == mon)?;
    NaiveDate::from_ymd_opt(2000 + yy.parse::<i32>().ok()?, month as u32 + 1, dd.parse().ok()?)
}

fn hhmm(s: &str) -> Option<NaiveTime> {
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveTime::from_hms_opt(s[..2].parse().ok()?, s[2..].parse().ok()?, 0)
}

/// A US Eastern wall-clock time on `date` as an instant.
pub fn eastern_to_utc(date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    let as_if_utc = Utc.from_utc_datetime(&date.and_time(time));
    // The offset in force a few hours later is the offset at that local time (no game starts
    // in the hour a clock change skips).
    let offset = eastern_offset_hours(as_if_utc + Duration::hours(5));
    Some(as_if_utc + Duration::hours(offset))
}

/// The two sides' codes of `sides` (`MILLAL`, `TBBOSG1`), given codes seen elsewhere (the
/// event's subtitle `MIL at LAL`, the markets' suffixes `-MIL`, `-LAL`): the split where the
/// known codes make up the whole string, a doubleheader marker (`G1`) allowed at the end.
/// With one known code at either end, the other is the rest.
pub fn split_sides(sides: &str, known: &[&str]) -> Option<(String, String)> {
    let bare = strip_game_number(sides, known);
    for a in known {
        for b in known {
            if a != b && format!("{a}{b}") == bare {
                return Some((a.to_string(), b.to_string()));
            }
        }
    }
    for k in known.iter().filter(|k| !k.is_empty() && k.len() < bare.len()) {
        if let Some(rest) = bare.strip_prefix(k) {
            return Some((k.to_string(), rest.to_string()));
        }
        if let Some(rest) = bare.strip_suffix(k) {
            return Some((rest.to_string(), k.to_string()));
        }
    }
    None
}

/// `TBBOSG1` → `TBBOS` when the known codes make up `TBBOS`; else unchanged.
fn strip_game_number<'a>(sides: &'a str, known: &[&str]) -> &'a str {
    let b = sides.as_bytes();
    if b.len() > 3 && b[b.len() - 2] == b'G' && b[b.len() - 1].is_ascii_digit() {
        let bare = &sides[..sides.len() - 2];
        if known.iter().any(|k| bare.starts_with(k) || bare.ends_with(k)) {
            return bare;
        }
    }
    sides
}

/// The doubleheader game number (`TBBOSG1` → 1) when the known codes make up the rest.
pub fn game_number(sides: &str, known: &[&str]) -> Option<u8> {
    let bare = strip_game_number(sides, known);
    (bare.len() < sides.len()).then(|| sides.as_bytes()[sides.len() - 1] - b'0')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn real_tickers() {
        let t = parse_event_ticker("KXMLBGAME-26JUL081840NYYTB").unwrap();
        assert_eq!((t.series, t.sides, t.date.to_string()), ("KXMLBGAME", "NYYTB", "2026-07-08".into()));
        // First pitch 18:40 US Eastern (EDT) is 22:40 UTC; the payload's expiration says 01:40.
        assert_eq!(t.start(), Some(utc("2026-07-08T22:40:00Z")));
        let t = parse_event_ticker("KXNBAGAME-26JAN09MILLAL").unwrap();
        assert_eq!((t.time, t.sides, t.start()), (None, "MILLAL", None));
        let t = parse_event_ticker("KXLOLMAP-26APR190600T1DRX-1").unwrap();
        assert_eq!((t.sides, t.map_number()), ("T1DRX", Some(1)));
        assert_eq!(t.start(), Some(utc("2026-04-19T10:00:00Z")));
        // Winter: 20:05 EST is 01:05 UTC the next day.
        let t = parse_event_ticker("KXNHLGAME-26JAN202005BOSNYR").unwrap();
        assert_eq!(t.start(), Some(utc("2026-01-21T01:05:00Z")));
        assert_eq!(parse_event_ticker("KXFED-26JAN"), None);
        assert_eq!(parse_event_ticker("KXMVESPORTSMULTIGAMEEXTENDED-S2026C5F5F443089"), None);
    }

    #[test]
    fn splits_sides_with_the_codes_seen_elsewhere() {
        assert_eq!(split_sides("VERACM", &["VER", "ACM"]), Some(("VER".into(), "ACM".into())));
        assert_eq!(split_sides("FURIAFAL", &["FAL", "FURIA"]), Some(("FURIA".into(), "FAL".into())));
        assert_eq!(split_sides("IDHOHOU", &["HOU"]), Some(("IDHO".into(), "HOU".into())));
        assert_eq!(split_sides("TBBOSG1", &["TB", "BOS"]), Some(("TB".into(), "BOS".into())));
        assert_eq!(game_number("TBBOSG2", &["TB", "BOS"]), Some(2));
        assert_eq!(game_number("TBBOS", &["TB", "BOS"]), None);
        assert_eq!(split_sides("MILLAL", &[]), None);
    }
}
