//! The game-status gate: no opportunity on a game that has started (unless in-play trading is
//! enabled) or that is over or postponed. Gamma keeps finished games `active` and accepting
//! orders, so the gate reads the start time, the event's own status fields (`ended`, `period`,
//! `live`) and the live state from Polymarket's sports socket — never `active` alone.

use chrono::{DateTime, Utc};
use serde_json::Value;

/// A game's live state, from the sports socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GameState {
    pub slug: String,
    pub live: bool,
    pub ended: bool,
    pub status: String,
    pub score: String,
    pub period: String,
    pub at: DateTime<Utc>,
}

/// Periods Gamma uses for a game that is over, and for one postponed.
const FINISHED: &[&str] = &["VFT", "FT", "FINAL", "F/OT", "F/SO", "ENDED"];
const POSTPONED: &[&str] = &["POST", "PPD", "POSTPONED", "CANCELLED", "CANCELED"];

/// Why no opportunity may be built on this game now, or `Ok` with whether it is in play.
pub fn gate(
    starts_at: Option<DateTime<Utc>>,
    event: Option<&Value>,
    live: Option<&GameState>,
    now: DateTime<Utc>,
    allow_in_play: bool,
) -> Result<bool, &'static str> {
    let period = |v: &Value| v.get("period").and_then(Value::as_str).unwrap_or("").to_ascii_uppercase();
    if live.is_some_and(|g| g.ended || FINISHED.contains(&g.status.to_ascii_uppercase().as_str()))
        || event.is_some_and(|e| {
            e.get("ended").and_then(Value::as_bool) == Some(true) || FINISHED.contains(&period(e).as_str())
        })
    {
        return Err("game finished");
    }
    if live.is_some_and(|g| POSTPONED.contains(&g.status.to_ascii_uppercase().as_str()))
        || event.is_some_and(|e| POSTPONED.contains(&period(e).as_str()))
    {
        return Err("game postponed");
    }
    let started = live.is_some_and(|g| g.live)
        || event.is_some_and(|e| e.get("live").and_then(Value::as_bool) == Some(true))
        || starts_at.is_some_and(|s| s <= now);
    if started && !allow_in_play {
        return Err("game started (in-play trading is off)");
    }
    Ok(started)
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};
    use serde_json::json;

    use super::*;

    #[test]
    fn gate_by_start_status_and_live_state() {
        let now = Utc.with_ymd_and_hms(2026, 1, 9, 23, 50, 0).unwrap();
        let later = Some(now + Duration::minutes(10));
        assert_eq!(gate(later, Some(&json!({"period": "NS", "active": true})), None, now, false), Ok(false));
        // Gamma still says active and accepting orders; the period says it is over.
        assert_eq!(
            gate(later, Some(&json!({"period": "VFT", "active": true, "ended": true})), None, now, false),
            Err("game finished")
        );
        assert_eq!(gate(later, Some(&json!({"period": "POST"})), None, now, false), Err("game postponed"));
        assert!(gate(Some(now - Duration::minutes(1)), None, None, now, false).is_err());
        assert_eq!(gate(Some(now - Duration::minutes(1)), None, None, now, true), Ok(true), "in-play on request");
        let live = GameState {
            slug: "x".into(),
            live: true,
            ended: false,
            status: "InProgress".into(),
            score: "3-16".into(),
            period: "Q4".into(),
            at: now,
        };
        assert!(gate(later, None, Some(&live), now, false).is_err(), "the socket says it is live");
        let over = GameState { ended: true, live: false, ..live };
        assert_eq!(gate(later, None, Some(&over), now, true), Err("game finished"), "never after the end");
    }
}
