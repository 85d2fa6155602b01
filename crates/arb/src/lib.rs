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

/// Levels to buy from, best first, without copying them: Kalshi YES = its asks; Kalshi NO = its
/// bids at `1 − p`; Polymarket = its asks.
#[derive(Clone, Copy)]
struct Asks<'a> {
    levels: &'a [Level],
    complement: bool,
}

impl<'a> Asks<'a> {
    fn kalshi(book: &'a OrderBook, side: Side) -> Self {
        match side {
            Side::Yes => Self { levels: book.asks.levels(), complement: false },
            Side::No => Self { levels: book.bids.levels(), complement: true },
        }
    }

    fn of(book: &'a OrderBook) -> Self {
        Self { levels: book.asks.levels(), complement: false }
    }

    fn len(&self) -> usize {
        self.levels.len()
    }

    /// Level `i` as a price to pay and a size.
    fn get(&self, i: usize) -> Option<(Price, i64)> {
        let l = self.levels.get(i)?;
        Some((if self.complement { l.price.complement() } else { l.price }, l.size.micros()))
    }
}

/// Buys `size` along `levels`: (total cost, fee variance), or `None` if the depth runs out.
fn fill(levels: Asks<'_>, size: Qty) -> Option<(Money, Variance)> {
    let mut left = size.micros();
    let mut cost = Money::ZERO;
    let mut v = Variance::default();
    for i in 0..levels.len() {
        if left == 0 {
            break;
        }
        let (price, available) = levels.get(i)?;
        let take = Qty::from_micros(left.min(available)).ok()?;
        cost += Money::of(price, take, Rounding::Up);
        v.add(price, take);
        left -= take.micros();
    }
    (left == 0).then_some((cost, v))
}

/// How much can be bought on both sides while each further contract keeps a positive edge
/// (before rounding), in millionths.
fn walk(k: Asks<'_>, p: Asks<'_>, k_fees: &FeeSchedule, p_fees: &FeeSchedule) -> i64 {
    let (mut i, mut j) = (0, 0);
    let (Some(mut kl), Some(mut pl)) = (k.get(0), p.get(0)) else { return 0 };
    let mut total = 0i64;
    loop {
        let (kp, pp) = (kl.0, pl.0);
        let marginal =
            SCALE - kp.micros() - pp.micros() - marginal_fee_micros(k_fees, kp) - marginal_fee_micros(p_fees, pp);
        if marginal <= 0 {
            break;
        }
        let chunk = kl.1.min(pl.1);
        total += chunk;
        kl.1 -= chunk;
        pl.1 -= chunk;
        if kl.1 == 0 {
            i += 1;
            let Some(next) = k.get(i) else { break };
            kl = next;
        }
        if pl.1 == 0 {
            j += 1;
            let Some(next) = p.get(j) else { break };
            pl = next;
        }
    }
    total
}

/// One direction priced: the size and what it costs on each venue.
struct Priced<'a> {
    side: Side,
    poly_book: &'a OrderBook,
    size: Qty,
    k_cost: Money,
    p_cost: Money,
    k_fee: Money,
    p_fee: Money,
    profit: Money,
}

/// Prices one direction (no allocation).
fn price<'a>(q: &PairQuotes<'a>, d: Direction) -> Option<Priced<'a>> {
    let (side, poly_book) = match d {
        Direction::YesOther => (Side::Yes, q.poly_other?),
        Direction::NoSame => (Side::No, q.poly_same),
    };
    let (k_levels, p_levels) = (Asks::kalshi(q.kalshi, side), Asks::of(poly_book));
    // Whole contracts only.
    let size = walk(k_levels, p_levels, &q.kalshi_fees, &q.poly_fees) / SCALE * SCALE;
    let size = Qty::from_micros(size).ok().filter(|s| !s.is_zero())?;
    let (k_cost, k_var) = fill(k_levels, size)?;
    let (p_cost, p_var) = fill(p_levels, size)?;
    let (k_fee, p_fee) = (order_fee(&q.kalshi_fees, k_var), order_fee(&q.poly_fees, p_var));
    let payout = Money::from_micros(size.micros()).ok()?;
    let profit = payout - k_cost - p_cost - k_fee - p_fee;
    profit.is_positive().then_some(Priced { side, poly_book, size, k_cost, p_cost, k_fee, p_fee, profit })
}

/// The opportunity of a priced direction.
fn opportunity(
    link: &Link,
    q: &PairQuotes<'_>,
    d: Direction,
    p: &Priced<'_>,
    now: DateTime<Utc>,
) -> Option<Opportunity> {
    let (token, outcome) = match d {
        Direction::YesOther => (q.poly_other_token?.to_string(), q.poly_other_name?.to_string()),
        Direction::NoSame => (link.candidate.poly_token_id.as_ref()?.to_string(), link.candidate.poly_outcome.clone()),
    };
    let size = p.size;
    let per = |m: Money| m.per(size, Rounding::Up);
    let (k_price, p_price) = (per(p.k_cost), per(p.p_cost));
    let cost = k_price + p_price;
    let fees = per(p.k_fee + p.p_fee);
    let c = &link.candidate;
    let flagged = link.rule_risk.filter(|r| *r != crossbook_model::RuleRisk::Equivalent);
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
                side: Some(p.side),
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
        profit: p.profit,
        quote_age_ms: QuoteAges { kalshi: q.kalshi.age_ms(now), polymarket: p.poly_book.age_ms(now) },
        rule_risk: flagged,
        rule_reasons: if flagged.is_some() { link.rule_reasons.clone() } else { Vec::new() },
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
    let mut best: Option<(Direction, Priced)> = None;
    for d in [Direction::YesOther, Direction::NoSame] {
        let poly = match d {
            Direction::YesOther => q.poly_other,
            Direction::NoSame => Some(q.poly_same),
        };
        if !fresh(q.kalshi) || !poly.is_some_and(fresh) {
            continue;
        }
        if let Some(p) = price(q, d)
            && best.as_ref().is_none_or(|(_, b)| p.profit > b.profit)
        {
            best = Some((d, p));
        }
    }
    let (d, p) = best?;
    Some((d, opportunity(link, q, d, &p, now)?))
}
