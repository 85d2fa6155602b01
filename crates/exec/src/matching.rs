//! One immediate-or-cancel order against a book, as the venue's matching engine fills it: level
//! by level at the book's prices while they are at or better than the limit, never more than
//! the book shows there (a paper order takes no queue position it has not earned: it only takes
//! resting liquidity, so it never waits on a level), each fill charged its fee as the venue
//! charges the order's fills. What earlier paper orders took from a level is not there for the
//! next one ([`Taken`]): the venue's real book never saw those fills, so it still shows them.

use crossbook_arb::BalancePrecision;
use crossbook_arb::fees::OrderFee;
use crossbook_book::{Level, OrderBook};
use crossbook_model::{Action, Contract, FeeSchedule, Money, OrderRules, OrderStatus, Price, Qty, Rounding, Side};

/// An order to match: what, which way, at what limit and size.
#[derive(Debug, Clone, Copy)]
pub struct Ticket<'a> {
    pub contract: &'a Contract,
    pub action: Action,
    pub limit: Price,
    pub size: Qty,
}

/// What paper orders took from one book, by side (`true`: the bids) and level price in
/// millionths: a later order sees each level that much smaller.
pub type Taken = std::collections::HashMap<(bool, i64), i64>;

/// One level taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Matched {
    pub price: Price,
    pub size: Qty,
    pub fee: Money,
}

/// What the order got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub status: OrderStatus,
    pub fills: Vec<Matched>,
    pub filled: Qty,
    pub reject: Option<&'static str>,
}

impl Outcome {
    fn rejected(reason: &'static str) -> Self {
        Self { status: OrderStatus::Rejected, fills: Vec::new(), filled: Qty::ZERO, reject: Some(reason) }
    }
}

/// The levels an order takes from, best first, priced as the order sees them: buying YES (or a
/// token) takes the asks; buying NO takes the YES bids at `1 − bid`; selling YES (or a token)
/// hits the bids; selling NO hits the YES asks at `1 − ask`.
/// Answers the levels, whether their prices are complemented, and whether they are the bids.
fn levels<'b>(book: &'b OrderBook, contract: &Contract, action: Action) -> (&'b [Level], bool, bool) {
    let no = contract.side == Some(Side::No);
    match (action, no) {
        (Action::Buy, false) => (book.asks.levels(), false, false),
        (Action::Buy, true) => (book.bids.levels(), true, true),
        (Action::Sell, false) => (book.bids.levels(), false, true),
        (Action::Sell, true) => (book.asks.levels(), true, false),
    }
}

/// Matches `t` against `book` under the market's `rules` and `fees`, less what is `taken`
/// already (and adds its own fills there).
pub fn match_ticket(
    t: &Ticket<'_>,
    book: &OrderBook,
    fees: FeeSchedule,
    rules: &OrderRules,
    precision: BalancePrecision,
    taken: &mut Taken,
) -> Outcome {
    if let Some(why) = book.unusable {
        return Outcome::rejected(why);
    }
    if t.size.micros() <= 0 || t.size < rules.min_size {
        return Outcome::rejected("below the venue's minimum size");
    }
    if !rules.grid.contains(t.limit) {
        return Outcome::rejected("limit price off the market's tick grid");
    }
    if t.action == Action::Buy && Money::of(t.limit, t.size, Rounding::Up) < rules.min_notional {
        return Outcome::rejected("below the venue's minimum order value");
    }
    if fees == FeeSchedule::Unpriced {
        return Outcome::rejected("the market's fees are not known");
    }
    let (levels, complement, bids) = levels(book, t.contract, t.action);
    let mut fee = OrderFee::new(fees, precision);
    let (mut left, mut charged) = (t.size.micros(), Money::ZERO);
    let mut fills = Vec::new();
    for l in levels {
        if left == 0 {
            break;
        }
        let price = if complement { l.price.complement() } else { l.price };
        let acceptable = match t.action {
            Action::Buy => price <= t.limit,
            Action::Sell => price >= t.limit,
        };
        if !acceptable {
            break;
        }
        let gone = taken.entry((bids, l.price.micros())).or_insert(0);
        let take = left.min(l.size.micros() - *gone).max(0);
        let Ok(size) = Qty::from_micros(take) else { break };
        if take == 0 {
            continue;
        }
        *gone += take;
        fee.fill(price, size);
        let total = fee.total();
        fills.push(Matched { price, size, fee: total - charged });
        charged = total;
        left -= take;
    }
    let filled = Qty::from_micros(t.size.micros() - left).unwrap_or(Qty::ZERO);
    let status = if left == 0 {
        OrderStatus::Filled
    } else if filled.is_zero() {
        OrderStatus::Unfilled
    } else {
        OrderStatus::Partial
    };
    Outcome { status, fills, filled, reject: None }
}

/// What selling `size` of `contract` to the book's bids would bring now (before fees): the mark
/// of a position held beyond its hedge.
pub fn mark(book: &OrderBook, contract: &Contract, size: Qty) -> Money {
    if book.unusable.is_some() {
        return Money::ZERO;
    }
    let (levels, complement, _) = levels(book, contract, Action::Sell);
    let (mut left, mut value) = (size.micros(), Money::ZERO);
    for l in levels {
        if left == 0 {
            break;
        }
        let price = if complement { l.price.complement() } else { l.price };
        let take = left.min(l.size.micros());
        value += Money::of(price, Qty::from_micros(take).unwrap_or(Qty::ZERO), Rounding::Down);
        left -= take;
    }
    value
}
