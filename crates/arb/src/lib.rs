//! Arbitrage, pure: for a confirmed link, buying both sides across the venues — Kalshi YES with
//! the opposite Polymarket outcome, or Kalshi NO with the same outcome — pays exactly one dollar
//! per pair. Both books are walked level by level while one more contract still earns more than
//! it costs after both venues' taker fees; the result is sized in whole contracts, with fees
//! rounded as the venues round them. No book older than the staleness limit is used.
#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

/// The venues' fees.
pub mod fees;

use chrono::{DateTime, Duration, Utc};
use crossbook_book::{Level, OrderBook};
use crossbook_model::money::SCALE;
use crossbook_model::{FeeSchedule, Leg, Link, Money, Opportunity, Price, Qty, QuoteAges, Rounding, Side, Venue};

use fees::{Variance, marginal_fee_micros, order_fee};

/// The books and fees of one linked pair.
#[derive(Debug, Clone, Copy)]
pub struct PairQuotes<'a> {
    /// The Kalshi market's YES book.
    pub kalshi: &'a OrderBook,
    pub kalshi_fees: FeeSchedule,
    /// The book of the Polymarket outcome that pays when Kalshi YES pays.
    pub poly_same: &'a OrderBook,
    /// The book of the other outcome (the `No` token of a yes/no market).
    pub poly_other: Option<&'a OrderBook>,
    pub poly_fees: FeeSchedule,
    /// Token and name of the other outcome.
    pub poly_other_token: Option<&'a str>,
    pub poly_other_name: Option<&'a str>,
}

/// Which way round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Kalshi YES + the opposite Polymarket outcome.
    YesOther,
    /// Kalshi NO + the same Polymarket outcome.
    NoSame,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::YesOther => "kalshi_yes",
            Direction::NoSame => "kalshi_no",
        }
    }
}

/// Levels to buy from: Kalshi YES = its asks; Kalshi NO = its bids at `1 − p`.
fn kalshi_asks(book: &OrderBook, side: Side) -> Vec<Level> {
    match side {
        Side::Yes => book.asks.levels().to_vec(),
        Side::No => book.bids.levels().iter().map(|l| Level { price: l.price.complement(), size: l.size }).collect(),
    }
}

/// Buys `size` along `levels`: (total cost, fee variance), or `None` if the depth runs out.
fn fill(levels: &[Level], size: Qty) -> Option<(Money, Variance)> {
    let mut left = size.micros();
    let mut cost = Money::ZERO;
    let mut v = Variance::default();
    for l in levels {
        if left == 0 {
            break;
        }
        let take = Qty::from_micros(left.min(l.size.micros())).ok()?;
        cost += Money::of(l.price, take, Rounding::Up);
        v.add(l.price, take);
        left -= take.micros();
    }
    (left == 0).then_some((cost, v))
}

/// How much can be bought on both sides while each further contract keeps a positive edge
/// (before rounding), in millionths.
fn walk(k: &[Level], p: &[Level], k_fees: &FeeSchedule, p_fees: &FeeSchedule) -> i64 {
    let (mut i, mut j) = (0, 0);
    let (mut k_left, mut p_left) = (k.first().map_or(0, |l| l.size.micros()), p.first().map_or(0, |l| l.size.micros()));
    let mut total = 0i64;
    while i < k.len() && j < p.len() {
        let (kp, pp) = (k[i].price, p[j].price);
        let marginal =
            SCALE - kp.micros() - pp.micros() - marginal_fee_micros(k_fees, kp) - marginal_fee_micros(p_fees, pp);
        if marginal <= 0 {
            break;
        }
        let chunk = k_left.min(p_left);
        total += chunk;
        k_left -= chunk;
        p_left -= chunk;
        if k_left == 0 {
            i += 1;
            k_left = k.get(i).map_or(0, |l| l.size.micros());
        }
        if p_left == 0 {
            j += 1;
            p_left = p.get(j).map_or(0, |l| l.size.micros());
        }
    }
    total
}

/// Evaluates one direction.
fn direction(link: &Link, q: &PairQuotes<'_>, d: Direction, now: DateTime<Utc>) -> Option<Opportunity> {
    let (side, poly_book, token, outcome) = match d {
        Direction::YesOther => {
            (Side::Yes, q.poly_other?, q.poly_other_token?.to_string(), q.poly_other_name?.to_string())
        }
        Direction::NoSame => (
            Side::No,
            q.poly_same,
            link.candidate.poly_token_id.as_ref()?.to_string(),
            link.candidate.poly_outcome.clone(),
        ),
    };
    let k_levels = kalshi_asks(q.kalshi, side);
    let p_levels = poly_book.asks.levels();
    // Whole contracts only.
    let size = walk(&k_levels, p_levels, &q.kalshi_fees, &q.poly_fees) / SCALE * SCALE;
    let size = Qty::from_micros(size).ok().filter(|s| !s.is_zero())?;
    let (k_cost, k_var) = fill(&k_levels, size)?;
    let (p_cost, p_var) = fill(p_levels, size)?;
    let (k_fee, p_fee) = (order_fee(&q.kalshi_fees, k_var), order_fee(&q.poly_fees, p_var));
    let payout = Money::from_micros(size.micros()).ok()?;
    let profit = payout - k_cost - p_cost - k_fee - p_fee;
    if !profit.is_positive() {
        return None;
    }
    let per = |m: Money| m.per(size, Rounding::Up);
    let (k_price, p_price) = (per(k_cost), per(p_cost));
    let cost = k_price + p_price;
    let fees = per(k_fee + p_fee);
    let c = &link.candidate;
    Some(Opportunity {
        link_id: link.id,
        kind: c.kind,
        league: c.league,
        starts_at: c.starts_at,
        detected_at: now,
        legs: vec![
            Leg {
                venue: Venue::Kalshi,
                ticker: Some(c.kalshi_ticker.to_string()),
                side: Some(side),
                token_id: None,
                outcome: None,
                price: Price::from_micros(k_price.micros()).ok()?,
                size,
            },
            Leg {
                venue: Venue::Polymarket,
                ticker: None,
                side: None,
                token_id: Some(token),
                outcome: Some(outcome),
                price: Price::from_micros(p_price.micros()).ok()?,
                size,
            },
        ],
        cost,
        fees,
        edge: Money::from_micros(SCALE).ok()? - cost - fees,
        max_size: size,
        profit,
        quote_age_ms: QuoteAges { kalshi: q.kalshi.age_ms(now), polymarket: poly_book.age_ms(now) },
        rule_risk: link.rule_risk.filter(|r| *r != crossbook_model::RuleRisk::Equivalent),
        rule_reasons: if link.rule_risk.is_some_and(|r| r != crossbook_model::RuleRisk::Equivalent) {
            link.rule_reasons.clone()
        } else {
            Vec::new()
        },
    })
}

/// The better of the two directions for a link, or `None`: no edge after fees, or a book older
/// than `stale_after` (never trade on a stale quote).
pub fn evaluate(
    link: &Link,
    q: &PairQuotes<'_>,
    now: DateTime<Utc>,
    stale_after: Duration,
) -> Option<(Direction, Opportunity)> {
    // Markets that can settle differently are no arbitrage at any price.
    if link.rule_risk == Some(crossbook_model::RuleRisk::Incompatible) {
        return None;
    }
    let fresh = |b: &OrderBook| now - b.received_at <= stale_after && b.received_at <= now + Duration::seconds(5);
    let mut best: Option<(Direction, Opportunity)> = None;
    for d in [Direction::YesOther, Direction::NoSame] {
        let poly = match d {
            Direction::YesOther => q.poly_other,
            Direction::NoSame => Some(q.poly_same),
        };
        if !fresh(q.kalshi) || !poly.is_some_and(fresh) {
            continue;
        }
        if let Some(o) = direction(link, q, d, now)
            && best.as_ref().is_none_or(|(_, b)| o.profit > b.profit)
        {
            best = Some((d, o));
        }
    }
    best
}
