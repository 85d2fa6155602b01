//! The paper trader: takes an opportunity leg after leg against the books as they are when each
//! order reaches its venue, and controls the leg risk.
//!
//! The plan, for every trade:
//! 1. **Riskier leg first**: the leg likelier to fail goes first — one held by an in-play delay,
//!    then the one with the least depth beyond the size at its limit, then the slower venue — so
//!    that a miss there costs nothing.
//! 2. **Each later leg sized to what is held**: the second leg buys what the first filled, and
//!    so on; nothing is bought that the legs before it cannot cover.
//! 3. **A short leg is hedged, then unwound**: if a later leg fills short, the rest is bought
//!    again at up to `slippage` worse; what still is not covered is sold back on the earlier
//!    legs at no less than their price less `slippage`; what is left after that is held and
//!    reported as exposure (the trade is `unhedged`), valued at its bid.
//!
//! Every order is immediate-or-cancel with a unique client id, sent once. Sizes are whole
//! contracts, capped by `max_size` and by each venue's balance.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use crossbook_arb::BalancePrecision;
use crossbook_book::OrderBook;
use crossbook_model::money::SCALE;
use crossbook_model::{
    Action, Contract, ExecutionMode, Exposure, FeeSchedule, Fill, Money, Opportunity, OrderRecord, OrderRules,
    OrderStatus, Price, Qty, Rounding, Trade, TradeStatus, Venue,
};

use crate::matching::{Taken, Ticket, mark, match_ticket};

/// Where the trader reads a venue's book when an order arrives.
pub trait Books {
    /// The book of `market` on `venue` now, or why no order can trade there (no book, the
    /// market paused or closed).
    fn book(&self, venue: Venue, market: &str) -> Result<&OrderBook, &'static str>;
}

/// A leg's market terms: its fees and order rules.
#[derive(Debug, Clone)]
pub struct LegTerms {
    pub fees: FeeSchedule,
    pub rules: OrderRules,
}

/// How the trader trades.
#[derive(Debug, Clone)]
pub struct TraderConfig {
    pub mode: ExecutionMode,
    /// Time from sending an order to its reaching the venue's book, per venue.
    pub latency: HashMap<Venue, Duration>,
    /// How much worse than planned a hedge may buy, or an unwind sell, per contract.
    pub slippage: Price,
    /// The most contracts one trade buys per leg.
    pub max_size: Qty,
    /// Money available on each venue at the start; a venue not named has none.
    pub balances: HashMap<Venue, Money>,
    pub precision: BalancePrecision,
    pub limits: RiskLimits,
}

/// Where the trader stops taking trades.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RiskLimits {
    /// No new trade once the day's (UTC) P&L is this far below zero.
    pub daily_loss: Money,
    /// No new trade while legs held unhedged cost this much or more.
    pub unhedged: Money,
    /// The most one game's trades spend (all legs, fees included).
    pub per_game: Money,
}

/// One leg of a working trade.
#[derive(Debug, Clone)]
struct LegState {
    /// Index of the leg in the opportunity.
    index: usize,
    contract: Contract,
    limit: Price,
    terms: LegTerms,
    /// Held now (bought less sold), and paid for it.
    held: Qty,
    paid: Money,
    /// Depth at or better than the limit at the decision beyond the planned size.
    slack: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Buy,
    Hedge,
    Unwind,
}

/// A trade with an order on its way.
#[derive(Debug)]
struct Working {
    trade: Trade,
    legs: Vec<LegState>,
    in_play: bool,
    /// The leg being bought (position in `legs`), the size every leg is to hold, and the
    /// earlier legs still to sell back.
    pos: usize,
    target: Qty,
    phase: Phase,
    unwinds: Vec<usize>,
    /// The leg an unwind sells (the last order's leg, when not `pos`).
    pos_override: Option<usize>,
    /// The last order is on its way (not matched yet).
    pending: bool,
}

/// The paper trader: working trades and each venue's balance.
#[derive(Debug)]
pub struct PaperTrader {
    account: Account,
    working: Vec<Working>,
    /// The UTC day of `day_pnl`, and the P&L of its ended trades.
    day: Option<chrono::NaiveDate>,
    day_pnl: Money,
    /// What the legs held unhedged cost, over every ended trade.
    unhedged: Money,
    /// What each game's trades spent.
    per_game: HashMap<String, Money>,
}

/// The trader's settings and each venue's money.
#[derive(Debug)]
struct Account {
    cfg: TraderConfig,
    /// Why no order is sent any more (the kill switch), when stopped.
    halted: Option<&'static str>,
    balances: HashMap<Venue, Money>,
    /// What working trades took from each book (venue, market): gone for the next order.
    taken: HashMap<(Venue, String), Taken>,
}

fn whole_floor(q: i64) -> i64 {
    q / SCALE * SCALE
}

impl PaperTrader {
    pub fn new(cfg: TraderConfig) -> Self {
        let balances = cfg.balances.clone();
        Self {
            account: Account { cfg, halted: None, balances, taken: HashMap::new() },
            working: Vec::new(),
            day: None,
            day_pnl: Money::ZERO,
            unhedged: Money::ZERO,
            per_game: HashMap::new(),
        }
    }

    /// The kill switch: no order is sent from now on — no new trade, and no further leg,
    /// hedge or unwind of a working one (an order already on the wire cannot be recalled: it
    /// meets its book, and what it leaves held is reported as exposure). `None` resumes.
    pub fn halt(&mut self, why: Option<&'static str>) {
        self.account.halted = why;
    }

    /// Why the trader takes no trade now, if it does not.
    pub fn stopped(&self, now: DateTime<Utc>) -> Option<&'static str> {
        let limits = self.account.cfg.limits;
        if let Some(why) = self.account.halted {
            return Some(why);
        }
        if self.day == Some(now.date_naive()) && self.day_pnl <= Money::ZERO - limits.daily_loss {
            return Some("the daily loss limit is reached");
        }
        if self.unhedged >= limits.unhedged {
            return Some("legs held unhedged are at their limit");
        }
        None
    }

    /// Counts an ended trade (this run's, or one of the day read back at start) against the
    /// limits.
    pub fn count(&mut self, t: &Trade) {
        let day = t.decided_at.date_naive();
        if self.day != Some(day) {
            (self.day, self.day_pnl) = (Some(day), Money::ZERO);
        }
        self.day_pnl += t.pnl;
        self.unhedged += t.exposure.iter().fold(Money::ZERO, |m, e| m + e.cost);
        if let Some(game) = &t.game {
            *self.per_game.entry(game.clone()).or_default() += t.bought + t.fees;
        }
    }

    /// Money left on `venue`.
    pub fn balance(&self, venue: Venue) -> Money {
        self.account.balance(venue)
    }

    /// Trades in flight.
    pub fn working(&self) -> usize {
        self.working.len()
    }

    /// Whether a trade of this link is in flight (one at a time per link).
    pub fn is_working(&self, link: crossbook_model::LinkId) -> bool {
        self.working.iter().any(|w| w.trade.link_id == link)
    }

    /// Takes opportunity `o` decided at `now`: `terms` holds each leg's fees and rules (in the
    /// order of `o.legs`), `books` the books at the decision. Sends the first order, or answers
    /// why the trade is not taken.
    pub fn take(
        &mut self,
        o: &Opportunity,
        direction: &str,
        terms: Vec<LegTerms>,
        books: &dyn Books,
        now: DateTime<Utc>,
    ) -> Result<(), &'static str> {
        if terms.len() != o.legs.len() || o.legs.is_empty() {
            return Err("a leg's market terms are not known");
        }
        if self.is_working(o.link_id) {
            return Err("a trade of this link is in flight");
        }
        if let Some(why) = self.stopped(now) {
            return Err(why);
        }
        let mut legs = Vec::with_capacity(o.legs.len());
        for (index, (leg, terms)) in o.legs.iter().zip(terms).enumerate() {
            let (venue, market, side) = leg.book();
            let contract = Contract { venue, market: market.to_string(), side, outcome: leg.outcome.clone() };
            let limit = leg.limit_price.ok_or("a leg has no limit price")?;
            let slack = books
                .book(venue, market)
                .map(|b| {
                    let all = Qty::from_whole(1_000_000_000).unwrap_or(Qty::ZERO);
                    let t = Ticket { contract: &contract, action: Action::Buy, limit, size: all };
                    let mut taken = self.account.taken.get(&(venue, market.to_string())).cloned().unwrap_or_default();
                    let depth =
                        match_ticket(&t, b, FeeSchedule::Free, &terms.rules, self.account.cfg.precision, &mut taken)
                            .filled;
                    depth.micros() - leg.size.micros()
                })
                .unwrap_or(0);
            legs.push(LegState { index, contract, limit, terms, held: Qty::ZERO, paid: Money::ZERO, slack });
        }
        let spent = o.game.as_deref().and_then(|g| self.per_game.get(g)).copied().unwrap_or(Money::ZERO);
        let size = self.account.size_for(o, &legs, spent);
        if size.is_zero() {
            return Err("no whole contract fits the size cap and the venues' balances");
        }
        // The riskier leg first: an in-play delay, then the thinner book, then the slower venue.
        let delay = |l: &LegState| if o.in_play { l.terms.rules.in_play_delay_s } else { 0 };
        let latency = |v: Venue| self.account.cfg.latency.get(&v).copied().unwrap_or_default();
        legs.sort_by(|a, b| {
            delay(b)
                .cmp(&delay(a))
                .then(a.slack.cmp(&b.slack))
                .then(latency(b.contract.venue).cmp(&latency(a.contract.venue)))
                .then(a.index.cmp(&b.index))
        });
        let trade_id =
            format!("{}-{}-{}-{}", self.account.cfg.mode.as_str(), o.link_id.0, direction, now.timestamp_millis());
        let trade = Trade {
            trade_id,
            mode: self.account.cfg.mode,
            link_id: o.link_id,
            direction: direction.to_string(),
            kind: o.kind,
            league: o.league,
            game: o.game.as_deref().map(str::to_string),
            decided_at: now,
            finished_at: None,
            planned_size: size,
            planned_profit: self.account.promise(&legs, size, books),
            status: TradeStatus::Working,
            orders: Vec::new(),
            fills: Vec::new(),
            sets: Qty::ZERO,
            bought: Money::ZERO,
            sold: Money::ZERO,
            fees: Money::ZERO,
            exposure: Vec::new(),
            pnl: Money::ZERO,
        };
        let mut w = Working {
            trade,
            legs,
            in_play: o.in_play,
            pos: 0,
            target: size,
            phase: Phase::Buy,
            unwinds: Vec::new(),
            pos_override: None,
            pending: false,
        };
        if !self.account.send(&mut w, 0, Action::Buy, size, now) {
            return Err("trading is stopped");
        }
        self.working.push(w);
        Ok(())
    }

    /// When the next order reaches its venue, if any is on its way.
    pub fn next_arrival(&self) -> Option<DateTime<Utc>> {
        self.working.iter().filter_map(|w| w.trade.orders.last()).map(|o| o.arrives_at).min()
    }

    /// Matches every order that has reached its venue by `now` against the books then, and
    /// sends what follows; answers the trades that ended. `force`: match every order on its
    /// way now against the latest books (a one-shot pass ends; no later book will come).
    pub fn run(&mut self, now: DateTime<Utc>, books: &dyn Books, force: bool) -> Vec<Trade> {
        let mut done = Vec::new();
        let mut i = 0;
        while i < self.working.len() {
            let w = &mut self.working[i];
            let mut finished = false;
            while w.pending {
                let Some(order) = w.trade.orders.last() else { break };
                if !force && order.arrives_at > now {
                    break;
                }
                // Forced, an order still on its way meets the latest books as they stand.
                finished = self.account.arrive(w, books, order.arrives_at);
            }
            if finished || !w.pending {
                let mut w = self.working.swap_remove(i);
                self.account.finish(&mut w, books, now);
                self.count(&w.trade);
                done.push(w.trade);
            } else {
                i += 1;
            }
        }
        if self.working.is_empty() {
            // No order of ours is on any book any more: the venues' next books are all there is.
            self.account.taken.clear();
        }
        done
    }
}

impl Account {
    fn balance(&self, venue: Venue) -> Money {
        self.balances.get(&venue).copied().unwrap_or(Money::ZERO)
    }

    /// The size to trade: the opportunity's, whole, within `max_size` and what each venue's
    /// balance pays for at the legs' limits (fees at the limit included).
    /// The per-game limit holds what the game's trades have `spent` already.
    fn size_for(&self, o: &Opportunity, legs: &[LegState], spent: Money) -> Qty {
        let mut size = whole_floor(o.max_size.micros().min(self.cfg.max_size.micros()));
        let mut need: HashMap<Venue, Money> = HashMap::new();
        let one = Qty::from_micros(SCALE).unwrap_or(Qty::ZERO);
        for l in legs {
            let mut fee = crossbook_arb::fees::OrderFee::new(l.terms.fees, self.cfg.precision);
            fee.fill(l.limit, one);
            *need.entry(l.contract.venue).or_default() += l.limit.as_money() + fee.total();
        }
        let fits = |money: Money, per: Money| {
            i64::try_from(money.micros().max(0) as i128 * SCALE as i128 / per.micros().max(1) as i128)
                .unwrap_or(i64::MAX)
        };
        let per_set = need.values().fold(Money::ZERO, |m, v| m + *v);
        size = size.min(whole_floor(fits(self.cfg.limits.per_game - spent, per_set)));
        for (venue, per) in need {
            size = size.min(whole_floor(fits(self.balance(venue), per)));
        }
        Qty::from_micros(size).unwrap_or(Qty::ZERO)
    }

    /// What `size` sets make on the books as they stand (every leg bought at its limit or
    /// better, fees as charged): the promise a trade of that size is measured against.
    fn promise(&self, legs: &[LegState], size: Qty, books: &dyn Books) -> Money {
        let mut spent = Money::ZERO;
        for l in legs {
            let Ok(book) = books.book(l.contract.venue, &l.contract.market) else { return Money::ZERO };
            let t = Ticket { contract: &l.contract, action: Action::Buy, limit: l.limit, size };
            let mut taken = Taken::new();
            let out = match_ticket(&t, book, l.terms.fees, &l.terms.rules, self.cfg.precision, &mut taken);
            if out.filled != size {
                return Money::ZERO;
            }
            spent += out.fills.iter().fold(Money::ZERO, |m, f| m + Money::of(f.price, f.size, Rounding::Up) + f.fee);
        }
        Money::of(Price::ONE, size, Rounding::Down) - spent
    }

    /// Sends an order on leg `pos` of `w` at `now`; answers whether it went (not once halted).
    fn send(&self, w: &mut Working, pos: usize, action: Action, size: Qty, now: DateTime<Utc>) -> bool {
        if self.halted.is_some() {
            return false;
        }
        let leg = &w.legs[pos];
        let grid = &leg.terms.rules.grid;
        let slip = self.cfg.slippage.micros();
        let limit = match w.phase {
            Phase::Buy => Some(leg.limit),
            // A hedge pays up to `slippage` more, on the grid and below a dollar.
            Phase::Hedge => {
                Price::from_micros((leg.limit.micros() + slip).min(SCALE - 1)).ok().and_then(|p| grid.floor(p))
            }
            // An unwind sells for no less than the leg's price less `slippage`.
            Phase::Unwind => {
                let avg = leg.paid.per(leg.held, Rounding::Up).micros();
                Price::from_micros((avg - slip).max(1)).ok().and_then(|p| grid.ceil(p))
            }
        }
        .unwrap_or(leg.limit);
        let latency = self.cfg.latency.get(&leg.contract.venue).copied().unwrap_or_default();
        let delay =
            if w.in_play { Duration::seconds(i64::from(leg.terms.rules.in_play_delay_s)) } else { Duration::zero() };
        let purpose = match w.phase {
            Phase::Buy => "leg",
            Phase::Hedge => "hedge",
            Phase::Unwind => "unwind",
        };
        let order = OrderRecord {
            order_id: format!("{}-{}", w.trade.trade_id, w.trade.orders.len() + 1),
            leg: leg.index,
            purpose: purpose.to_string(),
            contract: leg.contract.clone(),
            action,
            limit_price: limit,
            size,
            sent_at: now,
            arrives_at: now + latency + delay,
            status: OrderStatus::Unfilled,
            filled: Qty::ZERO,
            reject: None,
        };
        w.trade.orders.push(order);
        w.pending = true;
        true
    }

    /// The last order of `w` reaches its book at `at`: matched, recorded, and what follows sent.
    /// Answers whether the trade is over.
    fn arrive(&mut self, w: &mut Working, books: &dyn Books, at: DateTime<Utc>) -> bool {
        let pos = w.pos_of_last();
        let n = w.trade.orders.len() - 1;
        let (contract, action, limit, size) = {
            let o = &w.trade.orders[n];
            (o.contract.clone(), o.action, o.limit_price, o.size)
        };
        let outcome = match books.book(contract.venue, &contract.market) {
            Err(why) => crate::matching::Outcome {
                status: OrderStatus::Rejected,
                fills: Vec::new(),
                filled: Qty::ZERO,
                reject: Some(why),
            },
            Ok(book) => {
                let leg = &w.legs[pos];
                let t = Ticket { contract: &contract, action, limit, size };
                let taken = self.taken.entry((contract.venue, contract.market.clone())).or_default();
                match_ticket(&t, book, leg.terms.fees, &leg.terms.rules, self.cfg.precision, taken)
            }
        };
        let order_id = w.trade.orders[n].order_id.clone();
        for (k, m) in outcome.fills.iter().enumerate() {
            let value = Money::of(m.price, m.size, if action == Action::Buy { Rounding::Up } else { Rounding::Down });
            let leg = &mut w.legs[pos];
            let balance = self.balances.entry(contract.venue).or_default();
            match action {
                Action::Buy => {
                    leg.held = leg.held.checked_add(m.size).unwrap_or(leg.held);
                    leg.paid += value;
                    *balance = *balance - value - m.fee;
                }
                Action::Sell => {
                    // What was paid for the contracts sold leaves the leg with them.
                    let share = leg.paid.per(leg.held, Rounding::Up).times(m.size, Rounding::Down);
                    leg.held = leg.held.saturating_sub(m.size);
                    leg.paid = leg.paid - share;
                    *balance = *balance + value - m.fee;
                }
            }
            w.trade.fills.push(Fill {
                fill_id: format!("{order_id}-{}", k + 1),
                order_id: order_id.clone(),
                trade_id: w.trade.trade_id.clone(),
                contract: contract.clone(),
                action,
                price: m.price,
                size: m.size,
                fee: m.fee,
                at,
                mode: self.cfg.mode,
                opportunity: w.trade.link_id,
            });
        }
        let o = &mut w.trade.orders[n];
        (o.status, o.filled, o.reject) = (outcome.status, outcome.filled, outcome.reject.map(str::to_string));
        w.pending = false;
        self.next(w, at)
    }

    /// Decides what follows the order just matched; answers whether the trade is over.
    fn next(&mut self, w: &mut Working, at: DateTime<Utc>) -> bool {
        let pos = w.pos;
        match w.phase {
            Phase::Buy if pos == 0 => {
                // What the first leg holds is what every leg is to hold.
                w.target = Qty::from_micros(whole_floor(w.legs[0].held.micros())).unwrap_or(Qty::ZERO);
                if w.target.is_zero() {
                    if !w.legs[0].held.is_zero() {
                        return self.unwind_from(w, 1, at);
                    }
                    return true;
                }
                if w.target < w.legs[0].held {
                    // A fractional fill beyond whole contracts is sold back.
                    return self.unwind_from(w, 1, at);
                }
                self.advance(w, at)
            }
            Phase::Buy | Phase::Hedge => {
                let short = w.target.saturating_sub(w.legs[pos].held);
                if short.is_zero() {
                    return self.advance(w, at);
                }
                if w.phase == Phase::Buy {
                    w.phase = Phase::Hedge;
                    return !self.send(w, pos, Action::Buy, short, at);
                }
                // The hedge came short too: every leg is to hold what this one does.
                w.target = Qty::from_micros(whole_floor(w.legs[pos].held.micros())).unwrap_or(Qty::ZERO);
                self.unwind_from(w, pos + 1, at)
            }
            Phase::Unwind => self.unwind_next(w, at),
        }
    }

    /// Sells back, on the legs before `upto`, whatever they hold beyond the target.
    fn unwind_from(&mut self, w: &mut Working, upto: usize, at: DateTime<Utc>) -> bool {
        w.unwinds = (0..upto.min(w.legs.len())).filter(|&j| w.legs[j].held > w.target).collect();
        w.phase = Phase::Unwind;
        self.unwind_next(w, at)
    }

    fn unwind_next(&mut self, w: &mut Working, at: DateTime<Utc>) -> bool {
        let Some(j) = (!w.unwinds.is_empty()).then(|| w.unwinds.remove(0)) else {
            return self.advance(w, at);
        };
        let excess = w.legs[j].held.saturating_sub(w.target);
        w.pos_override = Some(j);
        !self.send(w, j, Action::Sell, excess, at)
    }

    /// On to the next leg, sized to the target; the trade ends after the last.
    fn advance(&mut self, w: &mut Working, at: DateTime<Utc>) -> bool {
        w.pos_override = None;
        w.pos += 1;
        w.phase = Phase::Buy;
        if w.pos >= w.legs.len() || w.target.is_zero() {
            return true;
        }
        !self.send(w, w.pos, Action::Buy, w.target, at)
    }

    /// Closes a trade's books: its sets, what is held beyond them, its money and P&L.
    fn finish(&mut self, w: &mut Working, books: &dyn Books, now: DateTime<Utc>) {
        let sets = w.legs.iter().map(|l| l.held).min().unwrap_or(Qty::ZERO);
        let sets = Qty::from_micros(whole_floor(sets.micros())).unwrap_or(Qty::ZERO);
        let exposure: Vec<Exposure> = w
            .legs
            .iter()
            .filter(|l| l.held > sets)
            .map(|l| {
                let size = l.held.saturating_sub(sets);
                let value = books.book(l.contract.venue, &l.contract.market).map(|b| mark(b, &l.contract, size));
                let cost = l.paid.per(l.held, Rounding::Up).times(size, Rounding::Up);
                Exposure { contract: l.contract.clone(), size, cost, mark: value.unwrap_or(Money::ZERO) }
            })
            .collect();
        let t = &mut w.trade;
        let unwound = t.orders.iter().any(|o| o.purpose == "unwind" && !o.filled.is_zero());
        t.status = if t.fills.is_empty() {
            TradeStatus::Missed
        } else if !exposure.is_empty() {
            TradeStatus::Unhedged
        } else if unwound {
            TradeStatus::Unwound
        } else {
            TradeStatus::Hedged
        };
        t.sets = sets;
        t.exposure = exposure;
        t.finished_at = Some(t.orders.last().map_or(now, |o| o.arrives_at));
        t.settle_books();
    }
}

impl Working {
    /// The leg the last order trades.
    fn pos_of_last(&self) -> usize {
        self.pos_override.unwrap_or(self.pos)
    }
}
