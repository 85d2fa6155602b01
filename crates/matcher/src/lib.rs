//! The matcher, pure: events first (league, Eastern date and start time, participants), then the
//! markets inside each matched game (moneyline, draw, spread, total, map winner, total maps,
//! series), each with the Polymarket outcome that pays exactly when the Kalshi YES pays, a score,
//! its reasons, and a verdict: confirm only on exact evidence, reject on a clear conflict,
//! suggest the rest.
#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

/// Grouping markets into games.
mod games;
/// Market pairing and orientation.
mod pairing;
/// String similarity for unknown names.
pub mod similarity;

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use crossbook_model::{Event, League, LinkCandidate, Market, MarketRef, Venue};

use games::{Game, games};
use pairing::{Pairing, pair, plain};
use similarity::similarity;

/// Knobs of the matcher.
#[derive(Debug, Clone)]
pub struct MatchConfig {
    /// Starts this close count as the same scheduled start (confirm).
    pub confirm_window: Duration,
    /// Starts farther apart than this are different games.
    pub candidate_window: Duration,
    /// Least name similarity for an unknown participant to suggest a match.
    pub fuzzy_min: f64,
    /// Lines must agree within this many hundredths (±0.5 = 50).
    pub line_tolerance: i32,
}

impl Default for MatchConfig {
    fn default() -> Self {
        Self {
            confirm_window: Duration::minutes(15),
            candidate_window: Duration::hours(3),
            fuzzy_min: 0.88,
            line_tolerance: 50,
        }
    }
}

/// What review should do with a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Exact evidence on every count.
    Confirm,
    /// Plausible; a person decides.
    Suggest,
    /// A clear conflict.
    Reject,
}

/// A proposed link with its verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub link: LinkCandidate,
    pub verdict: Verdict,
}

/// How two games' participants compare.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Sides {
    /// The same dictionary teams.
    Exact,
    /// Names alike (not both from dictionaries), with this similarity.
    Fuzzy(f64),
}

fn compare_sides(k: &Game<'_>, p: &Game<'_>, fuzzy_min: f64) -> Option<Sides> {
    if k.participants.len() != 2 || p.participants.len() != 2 {
        return None;
    }
    if k.known() && p.known() {
        let same = (k.participants[0] == p.participants[0] && k.participants[1] == p.participants[1])
            || (k.participants[0] == p.participants[1] && k.participants[1] == p.participants[0]);
        return same.then_some(Sides::Exact);
    }
    let s = |a: &str, b: &str| similarity(&plain(a), &plain(b));
    let (ka, kb, pa, pb) = (&k.participants[0], &k.participants[1], &p.participants[0], &p.participants[1]);
    let straight = s(ka, pa).min(s(kb, pb));
    let crossed = s(ka, pb).min(s(kb, pa));
    let best = straight.max(crossed);
    (best >= fuzzy_min).then_some(Sides::Fuzzy(best))
}

/// How two games' times compare: minutes apart when both starts are known.
fn time_gap(k: &Game<'_>, p: &Game<'_>) -> Option<Duration> {
    Some((k.start? - p.start?).abs())
}

/// Whether two games can be the same game by time: starts within the window, else the same
/// Eastern date. Another date is never the same game (rematches, series).
fn same_time(k: &Game<'_>, p: &Game<'_>, cfg: &MatchConfig) -> bool {
    match time_gap(k, p) {
        Some(gap) => gap <= cfg.candidate_window && k.date == p.date,
        None => k.date.is_some() && k.date == p.date,
    }
}

/// Matches every eligible market of both venues. `markets` and `events` hold both venues;
/// the caller has filtered them to eligible sports markets (no MVE).
pub fn match_all(events: &[Event], markets: &[Market], cfg: &MatchConfig) -> Vec<Candidate> {
    let kalshi = games(Venue::Kalshi, events, markets);
    let poly = games(Venue::Polymarket, events, markets);
    let mut by_day: HashMap<(League, NaiveDate), Vec<usize>> = HashMap::new();
    for (i, g) in poly.iter().enumerate() {
        if let Some(d) = g.date {
            by_day.entry((g.league, d)).or_default().push(i);
        }
    }
    let mut out = Vec::new();
    for k in &kalshi {
        let Some(date) = k.date else { continue };
        // Each PM game of that league and day that can be this game, best first.
        let mut options: Vec<(Sides, Option<Duration>, &Game<'_>)> = by_day
            .get(&(k.league, date))
            .into_iter()
            .flatten()
            .map(|&i| &poly[i])
            .filter(|p| same_time(k, p, cfg))
            .filter_map(|p| compare_sides(k, p, cfg.fuzzy_min).map(|s| (s, time_gap(k, p), p)))
            .collect();
        options.sort_by(|a, b| {
            let rank = |s: &Sides| match s {
                Sides::Exact => 2.0,
                Sides::Fuzzy(x) => *x,
            };
            rank(&b.0).total_cmp(&rank(&a.0)).then(a.1.unwrap_or(Duration::MAX).cmp(&b.1.unwrap_or(Duration::MAX)))
        });
        let Some(&(sides, gap, p)) = options.first() else { continue };
        // Two equally good games (a duplicate listing, a doubleheader without times) is ambiguous.
        let ambiguous = options.get(1).is_some_and(|o| o.0 == sides && o.1 == gap);
        for km in &k.markets {
            if let Some((pm, pairing)) = best_pair(km, p, cfg) {
                out.extend(candidate(km, k, pm, p, pairing, sides, ambiguous, cfg));
            }
        }
    }
    out
}

/// The Polymarket market of game `p` that pairs best with `km`: closest line, certain first.
fn best_pair<'a>(km: &Market, p: &Game<'a>, cfg: &MatchConfig) -> Option<(&'a Market, Pairing)> {
    p.markets
        .iter()
        .filter_map(|pm| pair(km, pm, cfg.line_tolerance, cfg.fuzzy_min).map(|x| (*pm, x)))
        .min_by_key(|(pm, x)| (x.line_distance.unwrap_or(0), !x.certain, pm.id().len(), pm.id().to_string()))
}

/// Re-checks a stored link against the current markets and games: the verdict the matcher
/// would give it now (review uses this for links it no longer proposes). `None` when the
/// markets are not a Kalshi and a Polymarket market.
pub fn evaluate(
    events: &[Event],
    kalshi: &Market,
    poly: &Market,
    outcome: usize,
    cfg: &MatchConfig,
) -> Option<Candidate> {
    let both = [kalshi.clone(), poly.clone()];
    let kg = games(Venue::Kalshi, events, &both[..1]);
    let pg = games(Venue::Polymarket, events, &both[1..]);
    let conflict = |why: &str| -> Option<Candidate> {
        let mut link = base_link(kalshi, poly, outcome)?;
        link.reasons = vec![format!("conflict: {why}")];
        Some(Candidate { link, verdict: Verdict::Reject })
    };
    let (Some(k), Some(p)) = (kg.first(), pg.first()) else { return conflict("league unknown") };
    if k.league != p.league {
        return conflict(&format!("leagues differ ({} vs {})", k.league, p.league));
    }
    if !same_time(k, p, cfg) {
        return conflict("different date or start time");
    }
    let Some(sides) = compare_sides(k, p, cfg.fuzzy_min) else { return conflict("participants differ") };
    match pair(kalshi, poly, cfg.line_tolerance, cfg.fuzzy_min) {
        Some(x) if x.outcome == outcome => candidate(kalshi, k, poly, p, x, sides, false, cfg),
        Some(_) => conflict("the paired outcome is the other side"),
        None => conflict("kind, line or side no longer agree"),
    }
}

/// The link fields of a (Kalshi, Polymarket) pair; `None` when the venues are not those.
fn base_link(km: &Market, pm: &Market, outcome: usize) -> Option<LinkCandidate> {
    let MarketRef::Kalshi { ticker, event_ticker } = &km.key else { return None };
    let MarketRef::Polymarket { market_id, condition_id, .. } = &pm.key else { return None };
    let o = pm.outcomes.get(outcome);
    Some(LinkCandidate {
        kalshi_ticker: ticker.clone(),
        kalshi_event_ticker: event_ticker.clone(),
        poly_market_id: market_id.clone(),
        poly_condition_id: condition_id.clone(),
        poly_token_id: o.and_then(|o| o.token_id.clone()),
        poly_outcome_index: u8::try_from(outcome).unwrap_or(u8::MAX),
        poly_outcome: o.map(|o| o.name.clone()).unwrap_or_default(),
        kind: km.kind,
        line: km.line,
        league: km.league,
        starts_at: km.starts_at.or(pm.starts_at),
        score: 0.0,
        reasons: Vec::new(),
    })
}

/// Builds the candidate with its score, reasons and verdict.
#[allow(clippy::too_many_arguments)]
fn candidate(
    km: &Market,
    k: &Game<'_>,
    pm: &Market,
    p: &Game<'_>,
    x: Pairing,
    sides: Sides,
    ambiguous: bool,
    cfg: &MatchConfig,
) -> Option<Candidate> {
    let mut link = base_link(km, pm, x.outcome)?;
    let mut reasons = vec![format!("league {}", k.league)];
    let mut exact = true;
    let mut score = 1.0;
    match time_gap(k, p) {
        Some(gap) if gap <= cfg.confirm_window => reasons.push(format!("start Δ {} min", gap.num_minutes())),
        Some(gap) => {
            reasons.push(format!(
                "start Δ {} min (outside {} min)",
                gap.num_minutes(),
                cfg.confirm_window.num_minutes()
            ));
            exact = false;
            score *= 0.7;
        }
        None => {
            reasons.push(format!("same Eastern date {}", k.date.map(|d| d.to_string()).unwrap_or_default()));
            // Without a start time, a doubleheader could hide behind the date.
            if k.league == League::Mlb {
                exact = false;
            }
            score *= 0.9;
        }
    }
    match sides {
        Sides::Exact => reasons.push("participants exact (dictionary)".into()),
        Sides::Fuzzy(s) => {
            reasons.push(format!("participants fuzzy {s:.2}"));
            exact = false;
            score *= s;
        }
    }
    if ambiguous {
        reasons.push("another game matches equally well".into());
        exact = false;
        score *= 0.5;
    }
    reasons.push(format!("kind {}", km.kind));
    if let Some(d) = x.line_distance {
        let (kl, pl) =
            (km.line.map(|l| l.to_string()).unwrap_or_default(), pm.line.map(|l| l.to_string()).unwrap_or_default());
        if d == 0 {
            reasons.push(format!("line {kl} = {pl}"));
        } else {
            reasons.push(format!("line {kl} vs {pl} (within ±0.5)"));
            exact = false;
            score *= 0.85;
        }
    }
    reasons.push(format!(
        "orientation: Kalshi YES {} ↔ Polymarket outcome {} \"{}\"{}",
        km.subject.as_deref().unwrap_or(if km.kind.has_line() { "over" } else { "yes" }),
        x.outcome,
        link.poly_outcome,
        if x.certain { "" } else { " (by name similarity)" }
    ));
    if !x.certain {
        exact = false;
        score *= 0.8;
    }
    link.score = (score * 100.0).round() / 100.0;
    link.reasons = reasons;
    Some(Candidate { link, verdict: if exact { Verdict::Confirm } else { Verdict::Suggest } })
}
