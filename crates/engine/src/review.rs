//! The matching pass (`crossbook match`, every OPS_INTERVAL_MINUTES under `run`): eligible
//! markets → matcher → links, auto-confirming only exact evidence, auto-rejecting clear
//! conflicts, leaving the rest suggested. A person's decision is never overwritten.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use crossbook_matcher::{MatchConfig, Verdict, evaluate, match_all};
use crossbook_model::{Decider, LinkStatus, Market, MarketKind, MarketStatus, RuleRisk, Topic, Venue};
use crossbook_store::{Decision, LinkUpsert, MarketFilter, MatchingRun, Store, StoredMarket};
use crossbook_taxonomy::Registry;

/// What the pass may do by itself.
#[derive(Debug, Clone)]
pub struct ReviewConfig {
    pub auto_confirm: bool,
    pub auto_reject: bool,
    /// Markets closed within this (plus the grace) stay eligible.
    pub lookback: Duration,
    pub grace: Duration,
    pub matcher: MatchConfig,
}

impl ReviewConfig {
    pub fn from_settings(s: &crate::Settings) -> Self {
        Self {
            auto_confirm: s.ops_auto_confirm,
            auto_reject: s.ops_auto_reject,
            lookback: Duration::hours(s.eligibility_lookback_hours_sports as i64),
            grace: Duration::minutes(s.eligibility_grace_minutes as i64),
            matcher: MatchConfig::default(),
        }
    }
}

/// What a pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatchReport {
    pub eligible_kalshi: usize,
    pub eligible_polymarket: usize,
    pub candidates: u64,
    pub confirmed: u64,
    pub rejected: u64,
    pub suggested: u64,
    /// Candidates refused because the Kalshi market already has another live link.
    pub conflicts: u64,
    /// Decisions left alone because a person made them.
    pub kept_human: u64,
    /// Names and codes the registry learned from games whose codes agreed on both venues.
    pub learned: u64,
}

/// Eligible: sports, not MVE, a kind we link, and open — or closed within lookback + grace.
pub fn eligible(m: &StoredMarket, now: DateTime<Utc>, cfg: &ReviewConfig) -> bool {
    let market = &m.market;
    if market.topic != Topic::Sports || market.is_mve || market.kind == MarketKind::Other {
        return false;
    }
    match market.status {
        MarketStatus::Open => true,
        MarketStatus::Closed | MarketStatus::Settled => {
            let closed = m.closed_at.or(market.close_time);
            closed.is_some_and(|c| c >= now - cfg.lookback - cfg.grace)
        }
    }
}

/// One pass.
pub async fn run_matching(store: &dyn Store, cfg: &ReviewConfig, now: DateTime<Utc>) -> anyhow::Result<MatchReport> {
    let filter = MarketFilter { topic: Some(Topic::Sports), exclude_mve: true, ..Default::default() };
    let markets: Vec<Market> =
        store.list_markets(&filter).await?.into_iter().filter(|m| eligible(m, now, cfg)).map(|m| m.market).collect();
    let events = store.list_events(None).await?;
    let mut report = MatchReport {
        eligible_kalshi: markets.iter().filter(|m| m.venue() == Venue::Kalshi).count(),
        eligible_polymarket: markets.iter().filter(|m| m.venue() == Venue::Polymarket).count(),
        ..Default::default()
    };
    // The registry: its files, then what was learned and what people corrected.
    let registry = Registry::bundled().with(&store.list_aliases().await?);
    let output = match_all(&events, &markets, &registry, &cfg.matcher);
    report.learned = store.put_aliases(&output.learned, now).await?;
    let candidates = output.candidates;
    let by_id: HashMap<(Venue, &str), &Market> = markets.iter().map(|m| ((m.venue(), m.id()), m)).collect();
    let event_text: HashMap<&str, &str> = events
        .iter()
        .filter(|e| e.venue == Venue::Polymarket)
        .filter_map(|e| Some((e.id.as_str(), e.raw.get("description")?.as_str()?)))
        .collect();
    let mut proposed: HashSet<(String, String, u8)> = HashSet::new();
    for c in &candidates {
        report.candidates += 1;
        proposed.insert((
            c.link.kalshi_ticker.to_string(),
            c.link.poly_market_id.to_string(),
            c.link.poly_outcome_index,
        ));
        let id = match store.upsert_link_candidate(&c.link, now).await? {
            LinkUpsert::Conflict { .. } => {
                report.conflicts += 1;
                continue;
            }
            other => other.id(),
        };
        // Settlement rules: an incompatible pair is never confirmed automatically.
        let kalshi_text = by_id.get(&(Venue::Kalshi, c.link.kalshi_ticker.as_str())).and_then(|m| m.rules.as_deref());
        let poly_market = by_id.get(&(c.link.poly_venue, c.link.poly_market_id.as_str()));
        let poly_text = poly_market.and_then(|m| {
            m.rules.as_deref().filter(|t| !t.is_empty()).or_else(|| event_text.get(m.event_id()).copied())
        });
        let (risk, rule_reasons) =
            crossbook_rules::classify(c.link.league, c.link.kind, kalshi_text, c.link.poly_venue, poly_text);
        store.set_rule_risk(id, risk, &rule_reasons).await?;
        let verdict =
            if risk == RuleRisk::Incompatible && c.verdict == Verdict::Confirm { Verdict::Suggest } else { c.verdict };
        let reason = c.link.reasons.join("; ");
        let target = match verdict {
            Verdict::Confirm if cfg.auto_confirm => Some(LinkStatus::Confirmed),
            Verdict::Reject if cfg.auto_reject => Some(LinkStatus::Rejected),
            // Evidence that is no longer exact takes back an automatic confirmation.
            Verdict::Suggest => Some(LinkStatus::Suggested),
            _ => None,
        };
        if let Some(to) = target
            && store.decide_link(id, to, &Decider::Auto, &reason, now).await? == Decision::KeptHumanDecision
        {
            report.kept_human += 1;
        }
    }
    // Links this pass did not propose: re-check them against the current markets.
    for link in store.list_links(None).await? {
        let c = &link.candidate;
        let key = (c.kalshi_ticker.to_string(), c.poly_market_id.to_string(), c.poly_outcome_index);
        if link.status == LinkStatus::Rejected || proposed.contains(&key) {
            continue;
        }
        let (Some(k), Some(p)) = (
            by_id.get(&(Venue::Kalshi, c.kalshi_ticker.as_str())),
            by_id.get(&(c.poly_venue, c.poly_market_id.as_str())),
        ) else {
            continue; // no longer eligible: left as it is
        };
        let Some(now_says) = evaluate(&events, k, p, usize::from(c.poly_outcome_index), &registry, &cfg.matcher) else {
            continue;
        };
        let to = match now_says.verdict {
            Verdict::Reject if cfg.auto_reject => LinkStatus::Rejected,
            Verdict::Reject | Verdict::Suggest if link.status == LinkStatus::Confirmed => LinkStatus::Suggested,
            _ => continue,
        };
        let reason = now_says.link.reasons.join("; ");
        if store.decide_link(link.id, to, &Decider::Auto, &reason, now).await? == Decision::KeptHumanDecision {
            report.kept_human += 1;
        }
    }
    let counts = store.link_counts().await?;
    report.confirmed = counts.confirmed;
    report.rejected = counts.rejected;
    report.suggested = counts.suggested;
    store
        .record_matching_run(&MatchingRun {
            started_at: now,
            finished_at: now,
            candidates: report.candidates,
            confirmed: counts.confirmed,
            rejected: counts.rejected,
            suggested: counts.suggested,
        })
        .await?;
    Ok(report)
}

/// Why a person's decision was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    #[error("link {0} not found")]
    NotFound(i64),
    /// Confirming a link whose markets can settle differently needs an explicit force.
    #[error(
        "link {id}: the markets' settlement rules are incompatible ({reasons}); it would never make an opportunity. Confirm with force to record it anyway"
    )]
    Incompatible { id: i64, reasons: String },
    #[error(transparent)]
    Store(#[from] crossbook_store::StoreError),
}

/// A person's decision on a link. Confirming an `incompatible` link needs `force`; a link that
/// stops being confirmed has its open opportunities closed at once.
pub async fn decide_by_person(
    store: &dyn Store,
    id: crossbook_model::LinkId,
    to: LinkStatus,
    who: &str,
    reason: &str,
    force: bool,
    now: DateTime<Utc>,
) -> Result<Decision, DecideError> {
    let link = store.get_link(id).await?.ok_or(DecideError::NotFound(id.0))?;
    if to == LinkStatus::Confirmed && link.rule_risk == Some(RuleRisk::Incompatible) && !force {
        return Err(DecideError::Incompatible { id: id.0, reasons: link.rule_reasons.join("; ") });
    }
    let d = store.decide_link(id, to, &Decider::Human(who.to_string()), reason, now).await?;
    if to != LinkStatus::Confirmed {
        store.close_link_opportunities(id, None, now).await?;
    }
    Ok(d)
}
