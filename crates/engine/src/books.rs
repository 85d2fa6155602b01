//! Order books kept in memory: built from socket snapshots and changes, or replaced by REST
//! snapshots; a lost socket or a sequence gap drops that venue's books until fresh snapshots
//! arrive.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use crossbook_book::{BookError, OrderBook};
use crossbook_model::{BookEvent, Price, Qty, Venue};
use crossbook_store::BookSnapshot;

/// The books the streams have built.
#[derive(Debug, Default)]
pub struct LiveBooks {
    books: HashMap<(Venue, String), OrderBook>,
}

impl LiveBooks {
    /// Every book, for storing snapshots.
    pub fn iter(&self) -> impl Iterator<Item = (&(Venue, String), &OrderBook)> {
        self.books.iter()
    }

    pub fn get(&self, venue: Venue, id: &str) -> Option<&OrderBook> {
        self.books.get(&(venue, id.to_string()))
    }

    pub fn len(&self) -> usize {
        self.books.len()
    }

    pub fn is_empty(&self) -> bool {
        self.books.is_empty()
    }

    /// Puts a book fetched over REST, newer than what the socket gave.
    pub fn put(&mut self, venue: Venue, id: &str, book: OrderBook) {
        self.books.insert((venue, id.to_string()), book);
    }

    /// Forgets one book (it no longer adds up).
    pub fn remove(&mut self, id: &str) {
        self.books.retain(|(_, b), _| b != id);
    }

    /// Applies one event received at `at`; returns the book it changed.
    pub fn apply(&mut self, e: &BookEvent, at: DateTime<Utc>) -> Result<Option<(Venue, String)>, BookError> {
        use crossbook_book::{BookSide, Level};
        let lv = |v: &[(crossbook_model::Price, crossbook_model::Qty)]| {
            v.iter().map(|&(price, size)| Level { price, size }).collect::<Vec<_>>()
        };
        Ok(Some(match e {
            BookEvent::PolySnapshot { token, bids, asks } => {
                let key = (Venue::Polymarket, token.clone());
                self.books.insert(
                    key.clone(),
                    OrderBook::new(BookSide::from_levels(lv(bids)), BookSide::from_levels(lv(asks)), at),
                );
                key
            }
            BookEvent::PolyLevel { token, bid, price, size } => {
                let key = (Venue::Polymarket, token.clone());
                let Some(b) = self.books.get_mut(&key) else { return Ok(None) };
                if *bid {
                    b.bids.set(*price, *size)
                } else {
                    b.asks.set(*price, *size)
                }
                b.received_at = at;
                key
            }
            BookEvent::KalshiSnapshot { ticker, yes, no } => {
                let key = (Venue::Kalshi, ticker.clone());
                self.books.insert(key.clone(), OrderBook::from_kalshi(yes, no, at));
                key
            }
            BookEvent::KalshiDelta { ticker, yes, price, delta } => {
                let key = (Venue::Kalshi, ticker.clone());
                let Some(b) = self.books.get_mut(&key) else { return Ok(None) };
                b.apply_kalshi_delta(*yes, *price, *delta)?;
                b.received_at = at;
                key
            }
            BookEvent::Invalidated { venue, .. } => {
                self.books.retain(|(v, _), _| v != venue);
                return Ok(None);
            }
        }))
    }
}

/// A book as stored.
pub fn snapshot(venue: Venue, id: &str, book: &OrderBook) -> BookSnapshot {
    let side =
        |levels: &[crossbook_book::Level]| levels.iter().map(|l| (l.price.to_string(), l.size.to_string())).collect();
    BookSnapshot {
        venue,
        book_id: id.to_string(),
        bids: side(book.bids.levels()),
        asks: side(book.asks.levels()),
        seq: book.seq.map(|s| s as i64),
        received_at: book.received_at,
    }
}

/// A book from bid and ask levels (a Polymarket REST book).
pub fn book_of(bids: &[(Price, Qty)], asks: &[(Price, Qty)], at: DateTime<Utc>) -> OrderBook {
    use crossbook_book::{BookSide, Level};
    let lv = |v: &[(Price, Qty)]| v.iter().map(|&(price, size)| Level { price, size }).collect::<Vec<_>>();
    OrderBook::new(BookSide::from_levels(lv(bids)), BookSide::from_levels(lv(asks)), at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn books_follow_events_and_invalidation_clears_a_venue() {
        let p = |s: &str| s.parse::<crossbook_model::Price>().unwrap();
        let q = |s: &str| s.parse::<crossbook_model::Qty>().unwrap();
        let mut b = LiveBooks::default();
        let now = Utc::now();
        b.apply(
            &BookEvent::KalshiSnapshot {
                ticker: "T".into(),
                yes: vec![(p("0.40"), q("10"))],
                no: vec![(p("0.55"), q("5"))],
            },
            now,
        )
        .unwrap();
        b.apply(&BookEvent::PolySnapshot { token: "A".into(), bids: vec![], asks: vec![(p("0.52"), q("9"))] }, now)
            .unwrap();
        b.apply(&BookEvent::KalshiDelta { ticker: "T".into(), yes: false, price: p("0.57"), delta: 3_000_000 }, now)
            .unwrap();
        b.apply(&BookEvent::PolyLevel { token: "A".into(), bid: false, price: p("0.51"), size: q("2") }, now).unwrap();
        assert_eq!(b.get(Venue::Kalshi, "T").unwrap().asks.best().unwrap().price.to_string(), "0.43");
        assert_eq!(b.get(Venue::Polymarket, "A").unwrap().asks.best().unwrap().price.to_string(), "0.51");
        // A change to a book never snapshotted is ignored.
        assert_eq!(
            b.apply(&BookEvent::PolyLevel { token: "Z".into(), bid: true, price: p("0.1"), size: q("1") }, now)
                .unwrap(),
            None
        );
        b.apply(&BookEvent::Invalidated { venue: Venue::Kalshi, reason: "gap".into() }, now).unwrap();
        assert!(b.get(Venue::Kalshi, "T").is_none() && b.get(Venue::Polymarket, "A").is_some());
    }
}
