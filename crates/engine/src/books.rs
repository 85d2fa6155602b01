//! Order books kept in memory: built from socket snapshots and changes, or replaced by REST
//! snapshots; a lost socket or a sequence gap drops that venue's books until fresh snapshots
//! arrive.

use chrono::{DateTime, Utc};
use crossbook_book::{BookError, OrderBook};
use crossbook_model::{BookEvent, PerVenue, Venue};
use crossbook_store::BookSnapshot;

/// Values per venue and book id, found by `&str` without allocating (the hot path looks books
/// up on every frame).
#[derive(Debug, Clone)]
pub struct ByVenue<T>(PerVenue<hashbrown::HashMap<String, T>>);

impl<T> Default for ByVenue<T> {
    fn default() -> Self {
        Self(PerVenue::from_fn(|_| hashbrown::HashMap::new()))
    }
}

impl<T> ByVenue<T> {
    pub fn get(&self, venue: Venue, id: &str) -> Option<&T> {
        self.0[venue].get(id)
    }

    pub fn get_mut(&mut self, venue: Venue, id: &str) -> Option<&mut T> {
        self.0[venue].get_mut(id)
    }

    pub fn insert(&mut self, venue: Venue, id: &str, value: T) -> Option<T> {
        match self.0[venue].get_mut(id) {
            Some(v) => Some(std::mem::replace(v, value)),
            None => self.0[venue].insert(id.to_string(), value),
        }
    }

    /// The value of `id`, made with `T::default()` if missing (the id is copied only then).
    pub fn entry(&mut self, venue: Venue, id: &str) -> &mut T
    where
        T: Default,
    {
        self.0[venue].entry_ref(id).or_default()
    }

    pub fn remove(&mut self, venue: Venue, id: &str) -> Option<T> {
        self.0[venue].remove(id)
    }

    /// Keeps only the values `keep` says yes to.
    pub fn retain(&mut self, mut keep: impl FnMut(Venue, &str) -> bool) {
        for venue in Venue::ALL {
            self.0[venue].retain(|id, _| keep(venue, id));
        }
    }

    /// Forgets every value of `venue`.
    pub fn clear_venue(&mut self, venue: Venue) {
        self.0[venue].clear();
    }

    pub fn clear(&mut self) {
        self.0.iter_mut().for_each(|(_, books)| books.clear());
    }

    pub fn len(&self) -> usize {
        self.0.iter().map(|(_, m)| m.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn iter(&self) -> impl Iterator<Item = (Venue, &str, &T)> {
        self.0.iter().flat_map(|(v, m)| m.iter().map(move |(id, t)| (v, id.as_str(), t)))
    }
}

/// The books the streams have built.
#[derive(Debug, Default)]
pub struct LiveBooks {
    books: ByVenue<OrderBook>,
    /// Times a book was found impossible (crossed, a price at 0 or 1), by venue.
    pub impossible: PerVenue<u64>,
}

impl LiveBooks {
    /// Every book, for storing snapshots.
    pub fn iter(&self) -> impl Iterator<Item = (Venue, &str, &OrderBook)> {
        self.books.iter()
    }

    pub fn get(&self, venue: Venue, id: &str) -> Option<&OrderBook> {
        self.books.get(venue, id)
    }

    pub fn len(&self) -> usize {
        self.books.len()
    }

    pub fn is_empty(&self) -> bool {
        self.books.is_empty()
    }

    /// Puts a whole book (a snapshot, or one fetched over REST) in place of what it had. A book
    /// that cannot be true is counted and logged when it becomes so, not at every repeat.
    pub fn put(&mut self, venue: Venue, id: &str, book: OrderBook) {
        if let Some(why) = book.unusable
            && self.books.get(venue, id).is_none_or(|b| b.unusable.is_none())
        {
            self.impossible[venue] += 1;
            tracing::warn!(
                venue = venue.as_str(),
                book = id,
                reason = why,
                "impossible book: unusable until a fresh snapshot"
            );
        }
        self.books.insert(venue, id, book);
    }

    /// Keeps only the books `keep` says yes to.
    pub fn retain(&mut self, keep: impl FnMut(Venue, &str) -> bool) {
        self.books.retain(keep);
    }

    /// The books that price nothing now, with why.
    pub fn unusable(&self) -> impl Iterator<Item = (Venue, &str, &'static str)> {
        self.books.iter().filter_map(|(v, id, b)| Some((v, id, b.unusable?)))
    }

    /// Forgets one book (it no longer adds up).
    pub fn remove(&mut self, venue: Venue, id: &str) {
        self.books.remove(venue, id);
    }

    /// Applies one event received at `at`; returns the book it changed.
    pub fn apply<'e>(&mut self, e: &'e BookEvent, at: DateTime<Utc>) -> Result<Option<(Venue, &'e str)>, BookError> {
        Ok(Some(match e {
            BookEvent::Snapshot { venue, book, bids, asks } => {
                self.put(*venue, book, OrderBook::from_levels(bids, asks, at));
                (*venue, book.as_str())
            }
            BookEvent::Level { venue, book, bid, price, size } => {
                let Some(b) = self.books.get_mut(*venue, book) else { return Ok(None) };
                if *bid {
                    b.bids.set(*price, *size)
                } else {
                    b.asks.set(*price, *size)
                }
                self.changed(*venue, book, at);
                (*venue, book.as_str())
            }
            BookEvent::Delta { venue, book, bid, price, delta } => {
                let Some(b) = self.books.get_mut(*venue, book) else { return Ok(None) };
                b.apply_delta(*bid, *price, *delta)?;
                self.changed(*venue, book, at);
                (*venue, book.as_str())
            }
            // The book stays; its links are re-evaluated on the new grid.
            BookEvent::Tick { venue, book, .. } => {
                if self.books.get(*venue, book).is_none() {
                    return Ok(None);
                }
                (*venue, book.as_str())
            }
            BookEvent::Invalidated { venue, books, .. } if books.is_empty() => {
                self.books.clear_venue(*venue);
                return Ok(None);
            }
            BookEvent::Invalidated { venue, books, .. } => {
                for b in books {
                    self.books.remove(*venue, b);
                }
                return Ok(None);
            }
            // Not book changes: the desk reads them.
            BookEvent::MarketState { .. } | BookEvent::Fees { .. } => return Ok(None),
        }))
    }

    /// A change reached `book` at `at`: a book it made impossible is counted and logged once.
    fn changed(&mut self, venue: Venue, book: &str, at: DateTime<Utc>) {
        let Some(b) = self.books.get_mut(venue, book) else { return };
        b.received_at = at;
        if b.recheck() {
            self.impossible[venue] += 1;
            tracing::warn!(venue = venue.as_str(), book, "a change made the book impossible");
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn books_follow_events_and_invalidation_clears_a_venue() {
        let p = |s: &str| s.parse::<crossbook_model::Price>().unwrap();
        let q = |s: &str| s.parse::<crossbook_model::Qty>().unwrap();
        let mut b = LiveBooks::default();
        let now = Utc::now();
        let (k, pm) = (Venue::Kalshi, Venue::Polymarket);
        let snapshot = |venue, book: &str, bids, asks| BookEvent::Snapshot { venue, book: book.into(), bids, asks };
        b.apply(&snapshot(k, "T", vec![(p("0.40"), q("10"))], vec![(p("0.45"), q("5"))]), now).unwrap();
        b.apply(&snapshot(pm, "A", vec![], vec![(p("0.52"), q("9"))]), now).unwrap();
        b.apply(&BookEvent::Delta { venue: k, book: "T".into(), bid: false, price: p("0.43"), delta: 3_000_000 }, now)
            .unwrap();
        b.apply(&BookEvent::Level { venue: pm, book: "A".into(), bid: false, price: p("0.51"), size: q("2") }, now)
            .unwrap();
        assert_eq!(b.get(k, "T").unwrap().asks.best().unwrap().price.to_string(), "0.43");
        assert_eq!(b.get(pm, "A").unwrap().asks.best().unwrap().price.to_string(), "0.51");
        // A change to a book never snapshotted is ignored.
        let stray = BookEvent::Level { venue: pm, book: "Z".into(), bid: true, price: p("0.1"), size: q("1") };
        assert_eq!(b.apply(&stray, now).unwrap(), None);
        // A lost stream that names its books drops those only.
        b.apply(&snapshot(pm, "B", vec![], vec![(p("0.6"), q("1"))]), now).unwrap();
        b.apply(&BookEvent::Invalidated { venue: pm, books: vec!["B".into()], reason: "closed".into() }, now).unwrap();
        assert!(b.get(pm, "B").is_none() && b.get(pm, "A").is_some());
        b.apply(&BookEvent::Invalidated { venue: Venue::Kalshi, books: vec![], reason: "gap".into() }, now).unwrap();
        assert!(b.get(Venue::Kalshi, "T").is_none() && b.get(Venue::Polymarket, "A").is_some());
    }
}
