//! Whether a Kalshi game and a Polymarket game are at the same time. Polymarket states the
//! start (`gameStartTime`); Kalshi only in tickers that carry a time (`26JUL081840`), else only
//! the date, and its expected expiration is the END of play, never the start. So: two starts
//! are compared where both exist; otherwise the Kalshi date must be the US Eastern date of the
//! Polymarket start, or — where a series dates its tickers otherwise (some evening kickoffs
//! carry the next day) — the Polymarket start must fall in the hours before the Kalshi game's
//! expected end. A Polymarket game that starts after the Kalshi game's expected end is another
//! game.

use chrono::Duration;
use crossbook_model::Sport;
use crossbook_model::time::eastern_date;

use crate::MatchConfig;
use crate::games::Game;

/// How two games' times compare.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Timing {
    /// Both starts known, within the confirm window.
    Exact(Duration),
    /// Both starts known, within the candidate window only.
    Near(Duration),
    /// The Kalshi date is the Eastern date of the Polymarket start.
    SameDate,
    /// The Polymarket start falls in the hours before the Kalshi game's expected end (the
    /// dates a day apart).
    BeforeEnd(Duration),
    /// A tennis match or a fight a day apart: venues date them by local or UTC days, and two
    /// players or fighters never meet on consecutive days.
    NextDay,
    /// Not the same game.
    Apart(String),
}

impl Timing {
    /// Whether the time is exact enough to confirm.
    pub(crate) fn confirms(&self) -> bool {
        matches!(self, Timing::Exact(_) | Timing::SameDate | Timing::BeforeEnd(_) | Timing::NextDay)
    }

    /// Rank for choosing between candidate games (higher is better).
    pub(crate) fn rank(&self) -> (u8, i64) {
        match self {
            Timing::Exact(gap) => (3, -gap.num_minutes()),
            Timing::SameDate => (2, 0),
            Timing::BeforeEnd(_) | Timing::NextDay => (1, 0),
            Timing::Near(gap) => (0, -gap.num_minutes()),
            Timing::Apart(_) => (0, i64::MIN),
        }
    }

    pub(crate) fn describe(&self, k: &Game<'_>) -> String {
        let date = k.date.map(|d| d.to_string()).unwrap_or_default();
        match self {
            Timing::Exact(gap) => format!("start Δ {} min", gap.num_minutes()),
            Timing::Near(gap) => format!("start Δ {} min (outside the confirm window)", gap.num_minutes()),
            Timing::SameDate => format!("same Eastern date {date} (Kalshi states no start time)"),
            Timing::BeforeEnd(before) => {
                format!("starts {} min before Kalshi's expected end (ticker date {date})", before.num_minutes())
            }
            Timing::NextDay => format!("a day from the Kalshi date {date} (a match or fight is never played twice)"),
            Timing::Apart(why) => why.clone(),
        }
    }
}

/// How Kalshi game `k` and Polymarket game `p` compare in time.
pub(crate) fn timing(k: &Game<'_>, p: &Game<'_>, cfg: &MatchConfig) -> Timing {
    if let (Some(ks), Some(ps)) = (k.start, p.start) {
        let gap = (ks - ps).abs();
        return if gap <= cfg.confirm_window {
            Timing::Exact(gap)
        } else if gap <= cfg.candidate_window {
            Timing::Near(gap)
        } else {
            Timing::Apart(format!("starts {} min apart", gap.num_minutes()))
        };
    }
    let Some(kd) = k.date else { return Timing::Apart("no Kalshi date".into()) };
    let Some(ps) = p.start else {
        // Neither start: the dates must agree.
        return match p.date {
            Some(pd) if pd == kd => Timing::SameDate,
            _ => Timing::Apart("no Polymarket start".into()),
        };
    };
    if let Some(end) = k.end
        && ps >= end
    {
        return Timing::Apart("Polymarket's game starts after Kalshi's expected end".into());
    }
    let pd = eastern_date(ps);
    if pd == kd {
        return Timing::SameDate;
    }
    let day_apart = (pd - kd).num_days().abs() <= 1;
    match k.end {
        Some(end) if end - ps <= cfg.play_window && day_apart => Timing::BeforeEnd(end - ps),
        _ if day_apart && matches!(k.league.sport(), Sport::Tennis | Sport::Combat) => Timing::NextDay,
        _ => Timing::Apart(format!("Eastern dates differ ({kd} vs {pd})")),
    }
}
