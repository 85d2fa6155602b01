//! Calendar helpers that need no clock: US Eastern dates (Kalshi tickers carry the Eastern game
//! date) and the venues' non-RFC-3339 timestamps.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// The US Eastern calendar date of an instant (EST = UTC−5, EDT = UTC−4 from the second Sunday
/// of March 02:00 local to the first Sunday of November 02:00 local).
pub fn eastern_date(t: DateTime<Utc>) -> NaiveDate {
    (t - Duration::hours(eastern_offset_hours(t))).date_naive()
}

/// Hours Eastern time is behind UTC at instant `t` (4 in summer, 5 in winter).
pub fn eastern_offset_hours(t: DateTime<Utc>) -> i64 {
    let year = t.year();
    // DST starts 02:00 EST (07:00 UTC) on the second Sunday of March and ends 02:00 EDT
    // (06:00 UTC) on the first Sunday of November.
    let start = nth_sunday(year, 3, 2).and_hms_opt(7, 0, 0).map(|d| Utc.from_utc_datetime(&d));
    let end = nth_sunday(year, 11, 1).and_hms_opt(6, 0, 0).map(|d| Utc.from_utc_datetime(&d));
    match (start, end) {
        (Some(s), Some(e)) if t >= s && t < e => 4,
        _ => 5,
    }
}

fn nth_sunday(year: i32, month: u32, n: u32) -> NaiveDate {
    let first = NaiveDate::from_ymd_opt(year, month, 1).unwrap_or_default();
    let offset = (7 - first.weekday().num_days_from_sunday()) % 7;
    first + Duration::days(i64::from(offset + 7 * (n - 1)))
}

/// Parses the timestamps the venues send: RFC 3339 (`2026-01-10T03:30:00Z`) and Gamma's
/// `gameStartTime` form (`2026-01-10 03:30:00+00`, also without seconds or offset = UTC).
pub fn parse_venue_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    // "+00" / "+0000" / "+00:00" short offsets after a space-separated date time.
    let norm = s.replacen(' ', "T", 1);
    for suffix in ["+00:00", "+0000", "+00", "Z"] {
        if let Some(base) = norm.strip_suffix(suffix) {
            for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
                if let Ok(n) = NaiveDateTime::parse_from_str(base, fmt) {
                    return Some(Utc.from_utc_datetime(&n));
                }
            }
        }
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(n) = NaiveDateTime::parse_from_str(&norm, fmt) {
            return Some(Utc.from_utc_datetime(&n));
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|n| Utc.from_utc_datetime(&n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn eastern_date_of_late_games() {
        // 03:30 UTC on Jan 10 is 22:30 EST on Jan 9.
        assert_eq!(eastern_date(utc("2026-01-10T03:30:00Z")), NaiveDate::from_ymd_opt(2026, 1, 9).unwrap());
        // July: EDT, 01:40 UTC Jul 9 is 21:40 Jul 8.
        assert_eq!(eastern_date(utc("2026-07-09T01:40:00Z")), NaiveDate::from_ymd_opt(2026, 7, 8).unwrap());
        // DST boundaries 2026: Mar 8 and Nov 1.
        assert_eq!(eastern_offset_hours(utc("2026-03-08T06:59:00Z")), 5);
        assert_eq!(eastern_offset_hours(utc("2026-03-08T07:00:00Z")), 4);
        assert_eq!(eastern_offset_hours(utc("2026-11-01T05:59:00Z")), 4);
        assert_eq!(eastern_offset_hours(utc("2026-11-01T06:00:00Z")), 5);
    }

    #[test]
    fn parses_gamma_game_start_time() {
        assert_eq!(parse_venue_time("2026-01-10 03:30:00+00"), Some(utc("2026-01-10T03:30:00Z")));
        assert_eq!(parse_venue_time("2026-01-10T03:30:00Z"), Some(utc("2026-01-10T03:30:00Z")));
        assert_eq!(parse_venue_time("2026-01-10T03:30:00.000Z"), Some(utc("2026-01-10T03:30:00Z")));
        assert_eq!(parse_venue_time("2026-01-09"), Some(utc("2026-01-09T00:00:00Z")));
        assert_eq!(parse_venue_time("tomorrow"), None);
    }
}
