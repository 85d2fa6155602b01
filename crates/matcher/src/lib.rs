//! The matcher, pure: games first (league, the game clock, the two sides), then the markets
//! inside each matched game (moneyline, draw, spread, total, map winner, total maps, series),
//! each with the Polymarket outcome that pays exactly when the Kalshi YES pays, a score, its
//! reasons, and a verdict: confirm only on exact evidence, reject on a clear conflict, suggest
//! the rest.
#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

/// Grouping markets into games.
mod games;
/// Which side is which.
mod identity;
/// Market pairing and orientation.
mod pairing;
/// Whether two games are at the same time.
mod timing;

use std::collections::HashMap;

use chrono::Duration;
use crossbook_model::{
    AliasKind, AliasSource, Event, League, LinkCandidate, Market, MarketRef, Participant, PolyMarketId, TeamAlias,
    Venue,
};
use crossbook_taxonomy::Registry;

use games::{Game, games};
use identity::{Evidence, Identity, identify};
use pairing::{Pairing, pair};
use timing::{Timing, timing};

/// Knobs of the matcher.
#[derive(Debug, Clone)]
pub struct MatchConfig {
    /// Starts this close count as the same scheduled start (confirm).
    pub confirm_window: Duration,
    /// Starts farther apart than this are different games.
    pub candidate_window: Duration,
    /// Where Kalshi states no start: how long before its expected end of play a Polymarket
    /// start may fall when the dates differ by a day.
    pub play_window: Duration,
    /// Least name similarity for names alone to suggest a match.
    pub fuzzy_min: f64,
    /// Lines must agree within this many hundredths (±0.5 = 50).
    pub line_tolerance: i32,
}

impl Default for MatchConfig {
    fn default() -> Self {
        Self {
            confirm_window: Duration::minutes(15),
            candidate_window: Duration::hours(3),
            play_window: Duration::hours(6),
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

/// What a matching pass proposes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MatchOutput {
    pub candidates: Vec<Candidate>,
    /// Names learned from games whose codes agreed on both venues: each venue's name and code
    /// of the same participant, for the registry.
    pub learned: Vec<TeamAlias>,
}

/// One Polymarket game that may be a Kalshi game.
struct Option_<'p, 'a> {
    p: &'p Game<'a>,
    identity: Identity,
    timing: Timing,
}

impl Option_<'_, '_> {
    fn confirmable(&self) -> bool {
        self.identity.certain && self.timing.confirms()
    }

    fn rank(&self) -> (bool, (u8, i64), i64) {
        (self.confirmable(), self.timing.rank(), (self.identity.score * 100.0) as i64)
    }
}

/// The venues a Kalshi market is matched with: those whose markets name their outcomes.
pub const OUTCOME_VENUES: [Venue; 2] = [Venue::Polymarket, Venue::PolymarketUs];

/// Matches every eligible Kalshi market with each venue of [`OUTCOME_VENUES`] that `markets`
/// hold. `markets` and `events` hold every venue; the caller has filtered them to eligible
/// sports markets (no MVE).
pub fn match_all(events: &[Event], markets: &[Market], registry: &Registry, cfg: &MatchConfig) -> MatchOutput {
    let kalshi = games(Venue::Kalshi, events, markets);
    let mut out = MatchOutput::default();
    for venue in OUTCOME_VENUES {
        let other = games(venue, events, markets);
        if !other.is_empty() {
            let o = match_with(&kalshi, &other, registry, cfg);
            out.candidates.extend(o.candidates);
            out.learned.extend(o.learned);
        }
    }
    out
}

/// Matches Kalshi's games with one other venue's.
fn match_with(kalshi: &[Game<'_>], poly: &[Game<'_>], registry: &Registry, cfg: &MatchConfig) -> MatchOutput {
    let mut by_league: HashMap<League, Vec<usize>> = HashMap::new();
    for (i, g) in poly.iter().enumerate() {
        by_league.entry(g.league).or_default().push(i);
    }
    // Each Kalshi game's best Polymarket game, and whether another was as good.
    let mut chosen: Vec<(&Game<'_>, Option_<'_, '_>, bool)> = Vec::new();
    for k in kalshi {
        let mut options: Vec<Option_<'_, '_>> = by_league
            .get(&k.league)
            .into_iter()
            .flatten()
            .map(|&i| &poly[i])
            .filter_map(|p| {
                let t = timing(k, p, cfg);
                if matches!(t, Timing::Apart(_)) {
                    return None;
                }
                let identity = identify(
                    registry,
                    k.league,
                    &k.sides,
                    k.ticker_sides.as_deref(),
                    &p.sides,
                    p.venue,
                    cfg.fuzzy_min,
                )?;
                Some(Option_ { p, identity, timing: t })
            })
            .collect();
        options.sort_by_key(|o| std::cmp::Reverse(o.rank()));
        let mut options = options.into_iter();
        let Some(best) = options.next() else { continue };
        // Two equally good games (a duplicate listing, a doubleheader without times).
        let ambiguous = options.next().is_some_and(|o| o.rank().0 == best.rank().0 && o.rank().1 == best.rank().1);
        chosen.push((k, best, ambiguous));
    }
    // A Polymarket game two Kalshi games claim with certainty is ambiguous for both.
    let mut claims: HashMap<(League, &str), usize> = HashMap::new();
    for (_, o, _) in chosen.iter().filter(|(_, o, _)| o.confirmable()) {
        *claims.entry((o.p.league, o.p.key.as_str())).or_default() += 1;
    }
    let mut out = MatchOutput::default();
    for (k, o, ambiguous) in chosen {
        let contested = o.confirmable() && claims.get(&(o.p.league, o.p.key.as_str())).copied().unwrap_or(0) > 1;
        for km in &k.markets {
            if let Some((pm, pairing)) = best_pair(km, o.p, o.identity.map, cfg) {
                out.candidates.extend(candidate(km, k, pm, &o, pairing, ambiguous || contested));
            }
        }
        if o.confirmable() && !ambiguous && !contested {
            out.learned.extend(learn(registry, k, o.p, &o.identity).into_iter().filter(|a| !registry.has(a)));
        }
    }
    out
}

/// The Polymarket market of game `p` that pairs best with `km`: closest line first.
fn best_pair<'a>(km: &Market, p: &Game<'a>, map: [u8; 2], cfg: &MatchConfig) -> Option<(&'a Market, Pairing)> {
    p.markets
        .iter()
        .filter_map(|pm| pair(km, pm, map, cfg.line_tolerance).map(|x| (*pm, x)))
        .min_by_key(|(pm, x)| (x.line_distance.unwrap_or(0), pm.id().len(), pm.id().to_string()))
}

/// Re-checks a stored link against the current markets: the verdict the matcher would give it
/// now (review uses this for links it no longer proposes). `None` when the markets are not a
/// Kalshi and a Polymarket market.
pub fn evaluate(
    events: &[Event],
    kalshi: &Market,
    poly: &Market,
    outcome: usize,
    registry: &Registry,
    cfg: &MatchConfig,
) -> Option<Candidate> {
    let both = [kalshi.clone(), poly.clone()];
    let kg = games(Venue::Kalshi, events, &both[..1]);
    let pg = games(poly.venue(), events, &both[1..]);
    let conflict = |why: &str| -> Option<Candidate> {
        let mut link = base_link(kalshi, poly, outcome, None)?;
        link.reasons = vec![format!("conflict: {why}")];
        Some(Candidate { link, verdict: Verdict::Reject })
    };
    let (Some(k), Some(p)) = (kg.first(), pg.first()) else { return conflict("league unknown") };
    if k.league != p.league {
        return conflict(&format!("leagues differ ({} vs {})", k.league, p.league));
    }
    let t = timing(k, p, cfg);
    if let Timing::Apart(why) = &t {
        return conflict(why);
    }
    let Some(identity) =
        identify(registry, k.league, &k.sides, k.ticker_sides.as_deref(), &p.sides, p.venue, cfg.fuzzy_min)
    else {
        return conflict("participants differ");
    };
    let o = Option_ { p, identity, timing: t };
    match pair(kalshi, poly, o.identity.map, cfg.line_tolerance) {
        Some(x) if x.outcome == outcome => candidate(kalshi, k, poly, &o, x, false),
        Some(_) => conflict("the paired outcome is the other side"),
        None => conflict("kind, line or side no longer agree"),
    }
}

/// The link fields of a (Kalshi, outcome venue) pair; `None` when the venues are not those.
fn base_link(km: &Market, pm: &Market, outcome: usize, p: Option<&Game<'_>>) -> Option<LinkCandidate> {
    let MarketRef::Kalshi { ticker, event_ticker } = &km.key else { return None };
    let (market_id, condition_id) = match &pm.key {
        MarketRef::Polymarket { market_id, condition_id, .. } => (market_id.clone(), condition_id.clone()),
        // Named by its slug (it has no condition or tokens; its book is the slug's).
        MarketRef::PolymarketUs { slug, .. } => (PolyMarketId::new(slug.as_str()).ok()?, None),
        MarketRef::Kalshi { .. } => return None,
    };
    let o = pm.outcomes.get(outcome);
    Some(LinkCandidate {
        kalshi_ticker: ticker.clone(),
        kalshi_event_ticker: event_ticker.clone(),
        poly_venue: pm.venue(),
        poly_market_id: market_id,
        poly_condition_id: condition_id,
        poly_token_id: o.and_then(|o| o.token_id.clone()),
        poly_outcome_index: u8::try_from(outcome).unwrap_or(u8::MAX),
        poly_outcome: o.map(|o| o.name.clone()).unwrap_or_default(),
        kind: km.kind,
        line: km.line,
        league: km.league,
        // The start of play: Polymarket states it; a Kalshi ticker may carry it too.
        starts_at: pm.starts_at.or(p.and_then(|p| p.start)).or(km.starts_at),
        score: 0.0,
        reasons: Vec::new(),
    })
}

/// Builds the candidate with its score, reasons and verdict.
fn candidate(
    km: &Market,
    k: &Game<'_>,
    pm: &Market,
    o: &Option_<'_, '_>,
    x: Pairing,
    ambiguous: bool,
) -> Option<Candidate> {
    let mut link = base_link(km, pm, x.outcome, Some(o.p))?;
    let mut reasons = vec![format!("league {}", k.league)];
    let mut exact = true;
    let mut score = 1.0;
    reasons.push(o.timing.describe(k));
    match o.timing {
        Timing::Exact(_) | Timing::SameDate => {}
        Timing::BeforeEnd(_) | Timing::NextDay => score *= 0.95,
        Timing::Near(_) | Timing::Apart(_) => {
            exact = false;
            score *= 0.7;
        }
    }
    reasons.push(format!("sides: {}", o.identity.describe(&k.sides, &o.p.sides)));
    if !o.identity.certain {
        exact = false;
        score *= o.identity.score.max(0.3);
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
    let yes = match km.subject {
        Some(crossbook_model::Subject::Side(i)) => k.sides.get(usize::from(i)).map_or("?", Participant::label),
        Some(crossbook_model::Subject::Draw) => "draw",
        None if km.kind.has_line() => "over",
        None => "yes",
    };
    reasons.push(format!("orientation: Kalshi YES {yes} ↔ Polymarket outcome {} \"{}\"", x.outcome, link.poly_outcome));
    link.score = (score * 100.0).round() / 100.0;
    link.reasons = reasons;
    Some(Candidate { link, verdict: if exact { Verdict::Confirm } else { Verdict::Suggest } })
}

/// What a confirmed game whose codes agreed on both venues teaches the registry: each side's
/// names on both venues and its codes, under the registry's id (else the Kalshi code).
fn learn(registry: &Registry, k: &Game<'_>, p: &Game<'_>, identity: &Identity) -> Vec<TeamAlias> {
    use crossbook_model::Sport;
    let mut out = Vec::new();
    // Players' and fighters' codes are surname prefixes that two people can share.
    if matches!(k.league.sport(), Sport::Tennis | Sport::Combat | Sport::MotorRacing | Sport::Golf) {
        return out;
    }
    for i in 0..2 {
        if identity.evidence[i] != Evidence::Code {
            continue;
        }
        let (ks, ps) = (&k.sides[i], &p.sides[usize::from(identity.map[i])]);
        let Some(code) = ks.code.as_deref() else { continue };
        let team =
            registry.identify(k.league, Venue::Kalshi, ks).map_or_else(|| code.to_ascii_uppercase(), str::to_string);
        let alias = |venue, kind, value: &str| TeamAlias {
            league: k.league,
            team: team.clone(),
            venue,
            kind,
            value: value.to_string(),
            source: AliasSource::Learned,
            blocked: false,
        };
        out.push(alias(Some(Venue::Kalshi), AliasKind::Code, code));
        if let Some(c) = &ps.code {
            out.push(alias(Some(p.venue), AliasKind::Code, c));
        }
        for n in ks.names.iter().chain(&ps.names) {
            out.push(alias(None, AliasKind::Name, n));
        }
    }
    out
}
