//! Arbitrage, pure. A set of legs of which exactly one pays a dollar — a binary market's YES
//! with the opposite outcome on another venue, its NO with the same outcome, or the three
//! outcomes of a soccer game bought wherever each is cheapest — is bought together. A leg is a
//! side of a binary market (Kalshi, Polymarket US) or an outcome token (Polymarket), whichever
//! venue lists it ([`evaluate_legs`] prices any two). All books are walked
//! level by level while one more set still earns more than it costs after every venue's taker
//! fee; the result is sized in whole contracts, raised to what every venue accepts (its
//! minimum size and notional), priced on each market's grid, with fees charged as the venues
//! charge them. No book older than the staleness limit is used.
#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

/// The venues' fees.
pub mod fees;

use chrono::{DateTime, Duration, Utc};
use crossbook_book::{Level, OrderBook};
use crossbook_model::money::SCALE;
use crossbook_model::{
    Capital, FeeSchedule, Leg, Link, Money, Opportunity, OrderRules, Price, Qty, QuoteAges, Rounding, Side, Venue,
};

pub use fees::BalancePrecision;
use fees::{OrderFee, marginal_fee_micros};

/// What one leg buys, where: the two shapes of market the venues list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Instrument<'a> {
    /// A side of a binary market with one book (a Kalshi market, a Polymarket US market): YES
    /// (long) is bought from the asks, NO (short) from the bids, at `1 − bid`.
    Binary { venue: Venue, market: &'a str, side: Side },
    /// An outcome token with a book of its own (Polymarket).
    Token { venue: Venue, token: &'a str, outcome: &'a str },
}

impl Instrument<'_> {
    fn venue(&self) -> Venue {
        match self {
            Instrument::Binary { venue, .. } | Instrument::Token { venue, .. } => *venue,
        }
    }
}

/// One leg's market: its book, fees and order rules.
#[derive(Debug, Clone, Copy)]
pub struct LegQuote<'a> {
    pub instrument: Instrument<'a>,
    /// The binary market's YES (long) book, or the token's book.
    pub book: &'a OrderBook,
    pub fees: FeeSchedule,
    pub rules: &'a OrderRules,
}

impl<'a> LegQuote<'a> {
    /// The levels to buy from, best first, without copying them.
    fn asks(&self) -> Asks<'a> {
        match self.instrument {
            Instrument::Binary { side: Side::No, .. } => {
                Asks { levels: self.book.bids.levels(), complement: true, rules: self.rules }
            }
            _ => Asks { levels: self.book.asks.levels(), complement: false, rules: self.rules },
        }
    }
}

/// The books, fees and rules of one linked pair.
#[derive(Debug, Clone, Copy)]
pub struct PairQuotes<'a> {
    /// The Kalshi market's YES book.
    pub kalshi: &'a OrderBook,
    pub kalshi_fees: FeeSchedule,
    pub kalshi_rules: &'a OrderRules,
    /// The book of the Polymarket outcome that pays when Kalshi YES pays.
    pub poly_same: &'a OrderBook,
    /// The book of the other outcome (the `No` token of a yes/no market).
    pub poly_other: Option<&'a OrderBook>,
    pub poly_fees: FeeSchedule,
    pub poly_rules: &'a OrderRules,
    /// Token and name of the other outcome.
    pub poly_other_token: Option<&'a str>,
    pub poly_other_name: Option<&'a str>,
    /// How the Kalshi account's balance is rounded.
    pub precision: BalancePrecision,
    /// The game has started (opportunities are marked and carry the venues' order delay).
    pub in_play: bool,
}

/// Which way round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Kalshi YES + the opposite Polymarket outcome.
    YesOther,
    /// Kalshi NO + the same Polymarket outcome.
    NoSame,
    /// The three outcomes of a soccer game, each where it is cheapest.
    ThreeWay,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::YesOther => "kalshi_yes",
            Direction::NoSame => "kalshi_no",
            Direction::ThreeWay => "three_way",
        }
    }
}

/// Levels to buy from, best first: prices off the market's grid are skipped (no order can be
/// sent there).
#[derive(Clone, Copy)]
struct Asks<'a> {
    levels: &'a [Level],
    complement: bool,
    rules: &'a OrderRules,
}

impl Asks<'_> {
    /// The first level at or after `i` on the grid: (its index, price to pay, size).
    fn from(&self, mut i: usize) -> Option<(usize, Price, i64)> {
        while let Some(l) = self.levels.get(i) {
            let price = if self.complement { l.price.complement() } else { l.price };
            if self.rules.grid.contains(price) && l.size.micros() > 0 {
                return Some((i, price, l.size.micros()));
            }
            i += 1;
        }
        None
    }
}

/// The most legs a set has.
const MAX_LEGS: usize = 3;

/// How many sets can be bought while each further set keeps a positive edge (before rounding),
/// in millionths of a contract.
fn walk(legs: &[LegQuote<'_>]) -> i64 {
    let mut at: [Option<(usize, Price, i64)>; MAX_LEGS] = [None; MAX_LEGS];
    for (k, leg) in legs.iter().enumerate() {
        at[k] = leg.asks().from(0);
        if at[k].is_none() {
            return 0;
        }
    }
    let mut total = 0i64;
    loop {
        let mut marginal = SCALE;
        let mut chunk = i64::MAX;
        for (k, leg) in legs.iter().enumerate() {
            let Some((_, price, left)) = at[k] else { return total };
            marginal -= price.micros() + marginal_fee_micros(&leg.fees, price);
            chunk = chunk.min(left);
        }
        if marginal <= 0 {
            return total;
        }
        total += chunk;
        for (k, leg) in legs.iter().enumerate() {
            if let Some((i, price, left)) = at[k] {
                at[k] = if left == chunk { leg.asks().from(i + 1) } else { Some((i, price, left - chunk)) };
            }
        }
    }
}

/// One leg filled at a size.
#[derive(Debug, Clone, Copy, Default)]
struct Fill {
    cost: Money,
    fee: Money,
    /// The worst price reached: the limit price to send.
    worst: Option<Price>,
}

/// Buys `size` along a leg's levels, fill by fill as the venue charges them; `None` if the depth
/// runs out.
fn fill(leg: &LegQuote<'_>, size: Qty, precision: BalancePrecision) -> Option<Fill> {
    let asks = leg.asks();
    let mut left = size.micros();
    let mut out = Fill::default();
    let mut fee = OrderFee::new(leg.fees, precision);
    let mut i = 0;
    while left > 0 {
        let (at, price, available) = asks.from(i)?;
        let take = Qty::from_micros(left.min(available)).ok()?;
        out.cost += Money::of(price, take, Rounding::Up);
        fee.fill(price, take);
        out.worst = Some(price);
        left -= take.micros();
        i = at + 1;
    }
    out.fee = fee.total();
    Some(out)
}

/// A set of legs priced at one size.
#[derive(Debug, Clone, Copy)]
struct Priced {
    size: Qty,
    fills: [Fill; MAX_LEGS],
    profit: Money,
}

fn whole(micros: i64) -> i64 {
    (micros + SCALE - 1) / SCALE * SCALE
}

/// Prices a set of legs: the walked size, raised to every venue's minimum size and notional;
/// `None` when that leaves no profit or the books are too thin.
fn price(legs: &[LegQuote<'_>], precision: BalancePrecision) -> Option<Priced> {
    if legs.is_empty() || legs.len() > MAX_LEGS || legs.iter().any(|l| l.fees == FeeSchedule::Unpriced) {
        return None;
    }
    // Whole contracts only, and nothing a venue would refuse.
    let walked = walk(legs) / SCALE * SCALE;
    if walked == 0 {
        return None;
    }
    let mut size = legs.iter().map(|l| whole(l.rules.min_size.micros())).fold(walked, i64::max);
    for _ in 0..8 {
        let q = Qty::from_micros(size).ok()?;
        let mut fills = [Fill::default(); MAX_LEGS];
        let mut short = 0i64;
        for (k, leg) in legs.iter().enumerate() {
            let f = fill(leg, q, precision)?;
            let floor = leg.rules.min_notional.micros();
            if f.cost.micros() < floor {
                // Enough more contracts at the worst price reached to clear the floor.
                let worst = f.worst.map_or(SCALE, |p| p.micros().max(1));
                short = short.max(whole((floor - f.cost.micros()) * SCALE / worst + 1));
            }
            fills[k] = f;
        }
        if short > 0 {
            size += short;
            continue;
        }
        let spent = fills.iter().fold(Money::ZERO, |m, f| m + f.cost + f.fee);
        let profit = Money::from_micros(size).ok()? - spent;
        return profit.is_positive().then_some(Priced { size: q, fills, profit });
    }
    None
}

/// Whether a book may be priced now: recent, and one that can be true (never an impossible
/// book: crossed, or a price at 0 or 1).
fn fresh(book: &OrderBook, now: DateTime<Utc>, stale_after: Duration) -> bool {
    book.unusable.is_none() && now - book.received_at <= stale_after && book.received_at <= now + Duration::seconds(5)
}

/// The opportunity of a priced set of legs.
fn opportunity(
    link: &Link,
    legs: &[LegQuote<'_>],
    p: &Priced,
    in_play: bool,
    now: DateTime<Utc>,
) -> Option<Opportunity> {
    let size = p.size;
    let per = |m: Money| m.per(size, Rounding::Up);
    let mut out_legs = Vec::with_capacity(legs.len());
    let (mut capital, mut ages) = (Capital::default(), QuoteAges::default());
    let (mut cost, mut fees) = (Money::ZERO, Money::ZERO);
    for (leg, f) in legs.iter().zip(&p.fills) {
        let price = Price::from_micros(per(f.cost).micros()).ok()?;
        cost += per(f.cost);
        fees += per(f.fee);
        let age = leg.book.age_ms(now);
        capital.add(leg.instrument.venue(), f.cost + f.fee);
        ages.note(leg.instrument.venue(), age);
        let (ticker, side, token_id, outcome) = match leg.instrument {
            Instrument::Binary { market, side, .. } => (Some(market.to_string()), Some(side), None, None),
            Instrument::Token { token, outcome, .. } => {
                (None, None, Some(token.to_string()), Some(outcome.to_string()))
            }
        };
        out_legs.push(Leg {
            venue: leg.instrument.venue(),
            ticker,
            side,
            token_id,
            outcome,
            price,
            size,
            limit_price: f.worst,
            fee: Some(f.fee),
            title: None,
            line: None,
        });
    }
    let c = &link.candidate;
    let flagged = link.rule_risk.filter(|r| *r != crossbook_model::RuleRisk::Equivalent);
    let spent = capital.total();
    let roi = if spent.is_positive() {
        Money::from_micros(
            i64::try_from(p.profit.micros() as i128 * SCALE as i128 / spent.micros() as i128).unwrap_or(0),
        )
        .ok()?
    } else {
        Money::ZERO
    };
    Some(Opportunity {
        link_id: link.id,
        kind: c.kind,
        league: c.league,
        game: None,
        starts_at: c.starts_at,
        detected_at: now,
        legs: out_legs,
        cost,
        fees,
        edge: Money::from_micros(SCALE).ok()? - cost - fees,
        max_size: size,
        profit: p.profit,
        quote_age_ms: ages,
        rule_risk: flagged,
        rule_reasons: if flagged.is_some() { link.rule_reasons.clone() } else { Vec::new() },
        capital,
        roi,
        in_play,
        order_delay_s: in_play.then(|| legs.iter().map(|l| l.rules.in_play_delay_s).max().unwrap_or(0)),
        urls: None,
        alternative_to: None,
    })
}

/// The better of the two directions for a link, or `None`: no edge after fees at a size both
/// venues accept, or a book older than `stale_after` (never trade on a stale quote).
pub fn evaluate(
    link: &Link,
    q: &PairQuotes<'_>,
    now: DateTime<Utc>,
    stale_after: Duration,
) -> Option<(Direction, Opportunity)> {
    // Markets that can settle differently are no arbitrage at any price.
    if link.rule_risk == Some(crossbook_model::RuleRisk::Incompatible) || !fresh(q.kalshi, now, stale_after) {
        return None;
    }
    let c = &link.candidate;
    let kalshi = |side| LegQuote {
        instrument: Instrument::Binary { venue: Venue::Kalshi, market: c.kalshi_ticker.as_str(), side },
        book: q.kalshi,
        fees: q.kalshi_fees,
        rules: q.kalshi_rules,
    };
    let poly = |book, token, outcome| LegQuote {
        instrument: Instrument::Token { venue: Venue::Polymarket, token, outcome },
        book,
        fees: q.poly_fees,
        rules: q.poly_rules,
    };
    let same_token = c.poly_token_id.as_ref().map(|t| t.as_str());
    let candidates = [
        (Direction::YesOther, q.poly_other.zip(q.poly_other_token).zip(q.poly_other_name), Side::Yes),
        (Direction::NoSame, same_token.map(|t| ((q.poly_same, t), c.poly_outcome.as_str())), Side::No),
    ];
    // No allocation: this runs on every book change.
    let pairs = candidates.map(|(d, poly_leg, side)| {
        let ((book, token), outcome) = poly_leg?;
        Some((d, [kalshi(side), poly(book, token, outcome)]))
    });
    let (i, p) = best_pair(pairs.iter().flatten().map(|(_, legs)| legs), q.precision, now, stale_after)?;
    let (d, legs) = pairs.iter().flatten().nth(i)?;
    Some((*d, opportunity(link, legs, &p, q.in_play, now)?))
}

/// Which of `directions` earns the most (its place and pricing), of those whose books are
/// fresh.
fn best_pair<'b, 'a: 'b>(
    directions: impl Iterator<Item = &'b [LegQuote<'a>; 2]>,
    precision: BalancePrecision,
    now: DateTime<Utc>,
    stale_after: Duration,
) -> Option<(usize, Priced)> {
    let mut best: Option<(usize, Priced)> = None;
    for (i, legs) in directions.enumerate() {
        if legs.iter().any(|l| !fresh(l.book, now, stale_after)) {
            continue;
        }
        if let Some(p) = price(legs, precision)
            && best.as_ref().is_none_or(|(_, b)| p.profit > b.profit)
        {
            best = Some((i, p));
        }
    }
    best
}

/// The more profitable of `directions` (each a pair of legs of which exactly one pays, on two
/// venues) with its place in them, or `None`: no edge after fees at a size both venues accept, a book that is stale or
/// impossible, or markets whose rules can settle them differently. The pricing of any two
/// legs, whichever venues they are on.
pub fn evaluate_legs<'a>(
    link: &Link,
    directions: &[[LegQuote<'a>; 2]],
    precision: BalancePrecision,
    in_play: bool,
    now: DateTime<Utc>,
    stale_after: Duration,
) -> Option<(usize, Opportunity)> {
    if link.rule_risk == Some(crossbook_model::RuleRisk::Incompatible) {
        return None;
    }
    let (i, p) = best_pair(directions.iter(), precision, now, stale_after)?;
    Some((i, opportunity(link, &directions[i], &p, in_play, now)?))
}

/// A soccer game's three outcomes (home, draw, away), each quotable on either venue: buys each
/// where it is cheapest so that exactly one pays. `outcomes` holds, per outcome, the legs that
/// pay exactly when it happens (a Kalshi YES, a Polymarket YES token); `link` is the link the
/// opportunity is filed under.
pub fn evaluate_three_way<'a>(
    link: &Link,
    outcomes: &[Vec<LegQuote<'a>>; 3],
    precision: BalancePrecision,
    in_play: bool,
    now: DateTime<Utc>,
    stale_after: Duration,
) -> Option<Opportunity> {
    if link.rule_risk == Some(crossbook_model::RuleRisk::Incompatible) {
        return None;
    }
    let mut best: Option<([LegQuote<'a>; 3], Priced)> = None;
    let usable = |v: &Vec<LegQuote<'a>>| -> Vec<LegQuote<'a>> {
        v.iter().filter(|l| fresh(l.book, now, stale_after)).copied().collect()
    };
    let (a, b, c) = (usable(&outcomes[0]), usable(&outcomes[1]), usable(&outcomes[2]));
    for x in &a {
        for y in &b {
            for z in &c {
                // A set on one venue alone is that venue's own book, not a cross-venue trade.
                let venues = [x, y, z].map(|l| l.instrument.venue());
                if venues.iter().all(|v| *v == venues[0]) {
                    continue;
                }
                let legs = [*x, *y, *z];
                if let Some(p) = price(&legs, precision)
                    && best.as_ref().is_none_or(|(_, b)| p.profit > b.profit)
                {
                    best = Some((legs, p));
                }
            }
        }
    }
    let (legs, p) = best?;
    opportunity(link, &legs, &p, in_play, now)
}
