//! Order books, pure. A side is tagged by type (`BookSide<Bids>`, `BookSide<Asks>`) and kept
//! best-first whatever order the venue sends (Kalshi and Polymarket both send the best level
//! last). An update replaces a level, or removes it at size zero. Each book keeps when it was
//! received; a Kalshi book keeps its sequence, and a gap is an error that demands a snapshot.
#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use crossbook_model::{Price, Qty};

/// A price level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Level {
    pub price: Price,
    pub size: Qty,
}

/// Which way a side is ordered.
pub trait SideOrder: std::fmt::Debug {
    /// Whether `a` is a better price than `b` on this side.
    fn better(a: Price, b: Price) -> bool;
}

/// Bids: higher is better.
#[derive(Debug, Clone, Copy)]
pub struct Bids;
/// Asks: lower is better.
#[derive(Debug, Clone, Copy)]
pub struct Asks;

impl SideOrder for Bids {
    fn better(a: Price, b: Price) -> bool {
        a > b
    }
}

impl SideOrder for Asks {
    fn better(a: Price, b: Price) -> bool {
        a < b
    }
}

/// Why an update could not be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BookError {
    /// A delta took a level below zero.
    #[error("delta of {delta} at {price} leaves a negative size")]
    NegativeSize { price: Price, delta: i64 },
    /// The venue's sequence skipped: the book is unknown until a new snapshot.
    #[error("sequence gap: expected {expected}, got {got}")]
    SequenceGap { expected: u64, got: u64 },
}

impl BookError {
    /// Whether the book must be rebuilt from a fresh snapshot.
    pub fn is_terminal(&self) -> bool {
        true
    }
}

/// One side of a book, best level first.
#[derive(Debug, Clone)]
pub struct BookSide<S> {
    levels: Vec<Level>,
    side: PhantomData<S>,
}

impl<S: SideOrder> Default for BookSide<S> {
    fn default() -> Self {
        Self { levels: Vec::new(), side: PhantomData }
    }
}

impl<S: SideOrder> BookSide<S> {
    /// From levels in any order; a repeated price keeps its last size, zero sizes are dropped.
    pub fn from_levels(levels: impl IntoIterator<Item = Level>) -> Self {
        let mut side = Self::default();
        for l in levels {
            side.set(l.price, l.size);
        }
        side
    }

    /// Position of `price`, or where it would go.
    fn find(&self, price: Price) -> Result<usize, usize> {
        self.levels.binary_search_by(|l| {
            if l.price == price {
                std::cmp::Ordering::Equal
            } else if S::better(l.price, price) {
                std::cmp::Ordering::Less
            } else {
                std::cmp::Ordering::Greater
            }
        })
    }

    /// Sets the size at `price` (absolute, as Polymarket's `price_change` sends it); zero removes.
    pub fn set(&mut self, price: Price, size: Qty) {
        match (self.find(price), size.is_zero()) {
            (Ok(i), true) => {
                self.levels.remove(i);
            }
            (Ok(i), false) => self.levels[i].size = size,
            (Err(_), true) => {}
            (Err(i), false) => self.levels.insert(i, Level { price, size }),
        }
    }

    /// Adds `delta` millionths of a contract at `price` (Kalshi's `orderbook_delta`).
    pub fn apply_delta(&mut self, price: Price, delta: i64) -> Result<(), BookError> {
        let current = self.find(price).ok().map_or(0, |i| self.levels[i].size.micros());
        let next = current.checked_add(delta).filter(|n| *n >= 0).ok_or(BookError::NegativeSize { price, delta })?;
        self.set(price, Qty::from_micros(next).map_err(|_| BookError::NegativeSize { price, delta })?);
        Ok(())
    }

    pub fn best(&self) -> Option<Level> {
        self.levels.first().copied()
    }

    /// Levels, best first.
    pub fn levels(&self) -> &[Level] {
        &self.levels
    }

    pub fn is_empty(&self) -> bool {
        self.levels.is_empty()
    }
}

/// A book for one tradable thing: a Kalshi market's YES side, or a Polymarket token.
#[derive(Debug, Clone)]
pub struct OrderBook {
    pub bids: BookSide<Bids>,
    pub asks: BookSide<Asks>,
    /// When the data behind it arrived.
    pub received_at: DateTime<Utc>,
    /// The venue's sequence number of the last update applied (Kalshi WebSocket).
    pub seq: Option<u64>,
    /// Why the book cannot be true (crossed, a price at 0 or 1): it prices nothing until a
    /// snapshot that adds up replaces it.
    pub unusable: Option<&'static str>,
}

impl OrderBook {
    /// A book from whole sides (a snapshot); marked unusable when it does not add up.
    pub fn new(bids: BookSide<Bids>, asks: BookSide<Asks>, received_at: DateTime<Utc>) -> Self {
        let mut b = Self { bids, asks, received_at, seq: None, unusable: None };
        b.unusable = b.check().err();
        b
    }

    /// Whether the book can be true: every price strictly between 0 and 1 (a venue trades
    /// neither; a Kalshi NO bid of 1.00 would be a YES ask of 0), and the best bid below the
    /// best ask (for Kalshi, YES bid + NO bid under a dollar — a book read in the wrong price
    /// convention fails this).
    pub fn check(&self) -> Result<(), &'static str> {
        let edges = [
            self.bids.levels().first(),
            self.bids.levels().last(),
            self.asks.levels().first(),
            self.asks.levels().last(),
        ];
        if edges.into_iter().flatten().any(|l| l.price.micros() <= 0 || l.price.micros() >= 1_000_000) {
            return Err("a price at 0 or 1");
        }
        if let (Some(b), Some(a)) = (self.bids.best(), self.asks.best())
            && b.price >= a.price
        {
            return Err("crossed: best bid at or above best ask");
        }
        Ok(())
    }

    /// After a change: a book that stops adding up stays unusable until the next snapshot.
    /// Returns whether this change made it so.
    pub fn recheck(&mut self) -> bool {
        if self.unusable.is_some() {
            return false;
        }
        self.unusable = self.check().err();
        self.unusable.is_some()
    }

    /// A book from its bids and asks as pairs.
    pub fn from_levels(bids: &[(Price, Qty)], asks: &[(Price, Qty)], received_at: DateTime<Utc>) -> Self {
        let side = |v: &[(Price, Qty)]| v.iter().map(|&(price, size)| Level { price, size }).collect::<Vec<_>>();
        Self::new(BookSide::from_levels(side(bids)), BookSide::from_levels(side(asks)), received_at)
    }

    /// A change of `delta` millionths at `price` on the bid or the ask side.
    pub fn apply_delta(&mut self, bid: bool, price: Price, delta: i64) -> Result<(), BookError> {
        if bid { self.bids.apply_delta(price, delta) } else { self.asks.apply_delta(price, delta) }
    }

    /// Checks that `seq` follows the last one (strictly +1), then records it.
    pub fn check_seq(&mut self, seq: u64) -> Result<(), BookError> {
        if let Some(last) = self.seq
            && seq != last + 1
        {
            return Err(BookError::SequenceGap { expected: last + 1, got: seq });
        }
        self.seq = Some(seq);
        Ok(())
    }

    /// Mid price, when both sides have a level.
    pub fn mid(&self) -> Option<Price> {
        let (b, a) = (self.bids.best()?, self.asks.best()?);
        Price::from_micros((b.price.micros() + a.price.micros()) / 2).ok()
    }

    /// Age of the data at `now`, in milliseconds (never negative).
    pub fn age_ms(&self, now: DateTime<Utc>) -> u64 {
        u64::try_from((now - self.received_at).num_milliseconds()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Price {
        s.parse().unwrap()
    }
    fn q(s: &str) -> Qty {
        s.parse().unwrap()
    }
    fn lv(price: &str, size: &str) -> Level {
        Level { price: p(price), size: q(size) }
    }

    #[test]
    fn sides_sort_best_first_whatever_the_input_order() {
        // Polymarket sends bids ascending and asks descending (best last).
        let bids = BookSide::<Bids>::from_levels([lv("0.46", "10"), lv("0.47", "20"), lv("0.48", "30")]);
        let asks = BookSide::<Asks>::from_levels([lv("0.55", "10"), lv("0.53", "20"), lv("0.52", "30")]);
        assert_eq!(bids.best(), Some(lv("0.48", "30")));
        assert_eq!(asks.best(), Some(lv("0.52", "30")));
        assert_eq!(asks.levels().iter().map(|l| l.price.to_string()).collect::<Vec<_>>(), ["0.52", "0.53", "0.55"]);
    }

    #[test]
    fn set_replaces_and_zero_removes() {
        let mut bids = BookSide::<Bids>::from_levels([lv("0.40", "10"), lv("0.41", "5")]);
        bids.set(p("0.41"), q("7"));
        bids.set(p("0.40"), Qty::ZERO);
        bids.set(p("0.39"), Qty::ZERO);
        assert_eq!(bids.levels(), &[lv("0.41", "7")]);
    }

    #[test]
    fn a_book_from_pairs_is_sorted_best_first() {
        let b =
            OrderBook::from_levels(&[(p("0.40"), q("100"))], &[(p("0.45"), q("20")), (p("0.42"), q("5"))], Utc::now());
        assert_eq!(b.bids.best(), Some(lv("0.40", "100")));
        assert_eq!(b.asks.best(), Some(lv("0.42", "5")));
        assert_eq!(b.mid().unwrap().to_string(), "0.41");
    }

    #[test]
    fn impossible_books_are_unusable_until_a_snapshot() {
        let now = Utc::now();
        // Bid 0.60 over ask 0.55: crossed.
        assert_eq!(
            OrderBook::from_levels(&[(p("0.60"), q("10"))], &[(p("0.55"), q("10"))], now).unusable,
            Some("crossed: best bid at or above best ask")
        );
        assert_eq!(OrderBook::from_levels(&[], &[(p("0"), q("10"))], now).unusable, Some("a price at 0 or 1"));
        // Locked (bid = ask) is not a book either.
        assert!(OrderBook::from_levels(&[(p("0.55"), q("1"))], &[(p("0.55"), q("1"))], now).unusable.is_some());
        let mut b = OrderBook::from_levels(&[(p("0.40"), q("10"))], &[(p("0.45"), q("10"))], now);
        assert_eq!(b.unusable, None);
        // A delta crosses it; a later delta that uncrosses it does not make it usable again.
        b.apply_delta(true, p("0.47"), 5_000_000).unwrap();
        assert!(b.recheck());
        b.apply_delta(true, p("0.47"), -5_000_000).unwrap();
        assert!(!b.recheck());
        assert!(b.unusable.is_some());
    }

    #[test]
    fn deltas_and_sequence_gaps() {
        let mut b = OrderBook::from_levels(&[(p("0.40"), q("100"))], &[], Utc::now());
        b.check_seq(2).unwrap();
        b.apply_delta(true, p("0.40"), -40_000_000).unwrap();
        b.apply_delta(false, p("0.43"), 15_000_000).unwrap();
        b.check_seq(3).unwrap();
        assert_eq!(b.bids.best(), Some(lv("0.40", "60")));
        assert_eq!(b.asks.best(), Some(lv("0.43", "15")));
        assert_eq!(
            b.apply_delta(true, p("0.40"), -61_000_000),
            Err(BookError::NegativeSize { price: p("0.40"), delta: -61_000_000 })
        );
        assert_eq!(b.check_seq(5), Err(BookError::SequenceGap { expected: 4, got: 5 }));
    }
}
