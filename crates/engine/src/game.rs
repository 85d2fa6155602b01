//! The game-status gate: no opportunity on a game that has started (unless in-play trading is
//! enabled) or that is over or postponed. Gamma keeps finished games `active` and accepting
//! orders, so the gate reads the start time, the event's own status fields (`ended`, `period`,
//! `live`) and the live state from Polymarket's live-scores socket — never `active` alone. The
//! socket's frames name their game by `gameId` (cricket: `metadataGameId`), which Gamma events
//! carry: that is the join (a slug only where a frame has no id).

use chrono::{DateTime, Utc};
use serde_json::Value;

/// A game's live state, from the sports socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GameState {
    /// The game: its `gameId` as text (a slug where the frame had no id).
    pub game: String,
    pub live: bool,
    pub ended: bool,
    pub status: String,
    pub score: String,
    pub period: String,
    pub at: DateTime<Utc>,
}

/// Periods and statuses Gamma and the live-scores socket use for a game that is over, and for
/// one postponed (compared case-insensitively).
const FINISHED: &[&str] = &["VFT", "FT", "FINAL", "F/OT", "F/SO", "ENDED", "FINISHED", "CLOSED"];
const POSTPONED: &[&str] = &["POST", "PPD", "POSTPONED", "CANCELLED", "CANCELED", "SUSPENDED", "ABANDONED"];

/// The live-scores game id of a Gamma event (its `gameId`, a number; cricket's
/// `metadataGameId`), else its slug.
pub fn game_key(event: &Value) -> Option<String> {
    ["gameId", "metadataGameId"]
        .iter()
        .find_map(|k| crossbook_polymarket::gamma::models::game_id_text(&event[*k]))
        .or_else(|| event.get("slug")?.as_str().map(str::to_string))
}

impl GameState {
    /// A frame of the live-scores socket, received at `at`.
    pub fn of(r: crossbook_polymarket::websocket::SportResult, at: DateTime<Utc>) -> Option<Self> {
        Some(GameState {
            game: r.game_key()?,
            live: r.live.unwrap_or(false),
            ended: r.ended.unwrap_or(false),
            status: r.status.unwrap_or_default(),
            score: r.score.unwrap_or_default(),
            period: r.period.unwrap_or_default(),
            at,
        })
    }
}

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
            game: "x".into(),
            live: true,
            ended: false,
            status: "InProgress".into(),
            score: "3-16".into(),
            period: "Q4".into(),
            at: now,
        };
        assert!(gate(later, None, Some(&live), now, false).is_err(), "the socket says it is live");
        let over = GameState { ended: true, live: false, ..live.clone() };
        assert_eq!(gate(later, None, Some(&over), now, true), Err("game finished"), "never after the end");
        // A real finished frame says so by its status and period too.
        let finished = GameState { ended: false, live: false, status: "finished".into(), period: "FT".into(), ..live };
        assert_eq!(gate(later, None, Some(&finished), now, true), Err("game finished"));
    }

    #[test]
    fn events_are_joined_to_the_socket_by_game_id() {
        assert_eq!(
            game_key(&json!({"gameId": 20023006, "slug": "nba-mil-lal-2026-01-09"})).as_deref(),
            Some("20023006")
        );
        assert_eq!(game_key(&json!({"gameId": "1427074"})).as_deref(), Some("1427074"));
        assert_eq!(game_key(&json!({"slug": "nba-mil-lal-2026-01-09"})).as_deref(), Some("nba-mil-lal-2026-01-09"));
        let frame = crossbook_polymarket::websocket::parse_sport(
            r#"{"gameId":20023006,"leagueAbbreviation":"nba","status":"InProgress","score":"3-16","period":"Q1","live":true,"ended":false}"#,
        )
        .unwrap();
        let g = GameState::of(frame, Utc::now()).unwrap();
        assert_eq!((g.game.as_str(), g.live, g.period.as_str()), ("20023006", true, "Q1"));
    }
}
