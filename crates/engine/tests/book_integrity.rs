//! Property: whatever a venue's stream sends, no opportunity stands on a book that is not
//! internally consistent. Random sequences of snapshots, deltas, level changes and resets (many
//! of them crossed, locked, at 0 or 1, or driving a level negative) go through the real desk on
//! the MIL@LAL links; after every event each open opportunity is checked against a model of the
//! books kept here, apart from the desk's own: both books it trades on must be known and have
//! added up at every change since their last snapshot (a book that stops adding up stays
//! unusable until the venue sends a whole one again). Whole books come over the socket and over
//! REST alike.

mod common;

use std::collections::{BTreeMap, HashMap};

use common::{planted, setup, watch};
use crossbook_engine::desk::{LinkSet, lock};
use crossbook_engine::watchlist::sync_watchlist;
use crossbook_model::book_event::asks_from_no_bids;
use crossbook_model::{BookEvent, LinkId, LinkStatus, Price, Qty, Venue};
use crossbook_store::MarketFilter;

/// SplitMix64: a small, seeded generator (each failure names its seed).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A price in cents, 0 and 1 included (venues never trade them: a book holding one is
    /// impossible).
    fn price(&mut self) -> Price {
        Price::from_micros(self.below(101) as i64 * 10_000).unwrap()
    }

    fn levels(&mut self) -> Vec<(Price, Qty)> {
        (0..self.below(4))
            .map(|_| (self.price(), Qty::from_micros((1 + self.below(400)) as i64 * 1_000_000).unwrap()))
            .collect()
    }
}

/// The model of one book: its levels by price (Kalshi: YES bids and NO bids; Polymarket: bids
/// and asks) and whether it has failed to add up since its last snapshot.
#[derive(Debug, Clone, Default)]
struct Model {
    a: BTreeMap<Price, i64>,
    b: BTreeMap<Price, i64>,
    tainted: bool,
}

impl Model {
    fn of(a: &[(Price, Qty)], b: &[(Price, Qty)], kalshi: bool) -> Self {
        let side = |v: &[(Price, Qty)]| {
            let mut m = BTreeMap::new();
            for (p, q) in v {
                // A snapshot's repeated price: the last one stands, as the book reads it.
                m.insert(*p, q.micros());
            }
            m.retain(|_, q| *q > 0);
            m
        };
        let mut m = Self { a: side(a), b: side(b), tainted: false };
        m.tainted = !m.adds_up(kalshi);
        m
    }

    /// Every price strictly inside (0, 1) and the best bid under the best ask (Kalshi: the best
    /// YES bid under 1 − the best NO bid).
    fn adds_up(&self, kalshi: bool) -> bool {
        let inside = |m: &BTreeMap<Price, i64>| m.keys().all(|p| p.micros() > 0 && p.micros() < 1_000_000);
        if !inside(&self.a) || !inside(&self.b) {
            return false;
        }
        let best_a = self.a.keys().next_back().map(|p| p.micros());
        match (kalshi, best_a, self.b.keys().next_back(), self.b.keys().next()) {
            (true, Some(yes), Some(no), _) => yes + no.micros() < 1_000_000,
            (false, Some(bid), _, Some(ask)) => bid < ask.micros(),
            _ => true,
        }
    }
}

/// The books a link trades on in each direction: Kalshi YES with the other Polymarket outcome,
/// Kalshi NO with the same one.
#[derive(Debug, Clone)]
struct Traded {
    kalshi: String,
    same: String,
    other: String,
}

#[tokio::test]
async fn no_opportunity_stands_on_a_book_that_does_not_add_up() {
    let s = setup(&planted()).await;
    sync_watchlist(&*s.db.store, &watch(false), s.clock.now()).await.unwrap();
    let d = common::desk(&s, None, 30);
    let links = LinkSet::load(&*s.db.store).await.unwrap();
    lock(&d.desk).set_links(links, s.clock.now());
    // The MIL@LAL links and the books each trades on.
    let mut traded: HashMap<LinkId, Traded> = HashMap::new();
    for l in s.db.store.list_links(Some(LinkStatus::Confirmed)).await.unwrap() {
        let c = &l.candidate;
        if !c.kalshi_ticker.as_str().contains("MILLAL") {
            continue;
        }
        let filter = MarketFilter { ids: Some(vec![c.poly_market_id.to_string()]), ..Default::default() };
        let market = s.db.store.list_markets(&filter).await.unwrap().remove(0).market;
        let token = |i: usize| market.outcomes[i].token_id.as_ref().unwrap().to_string();
        let same = usize::from(c.poly_outcome_index);
        traded.insert(l.id, Traded { kalshi: c.kalshi_ticker.to_string(), same: token(same), other: token(1 - same) });
    }
    assert!(traded.len() >= 2, "{traded:?}");
    let mut kalshi: Vec<String> = traded.values().map(|t| t.kalshi.clone()).collect();
    let mut poly: Vec<String> = traded.values().flat_map(|t| [t.same.clone(), t.other.clone()]).collect();
    for v in [&mut kalshi, &mut poly] {
        v.sort();
        v.dedup();
    }

    let (mut opened, mut impossible) = (0usize, 0usize);
    let mut now = s.clock.now();
    for seed in 0..40u64 {
        let mut rng = Rng(seed);
        let mut books: HashMap<(Venue, String), Model> = HashMap::new();
        lock(&d.desk)
            .on_event(&BookEvent::Invalidated { venue: Venue::Kalshi, books: vec![], reason: "test".into() }, now);
        lock(&d.desk)
            .on_event(&BookEvent::Invalidated { venue: Venue::Polymarket, books: vec![], reason: "test".into() }, now);
        for step in 0..400 {
            now += chrono::Duration::milliseconds(5);
            let roll = rng.below(100);
            let e = if roll < 30 {
                let ticker = kalshi[rng.below(kalshi.len() as u64) as usize].clone();
                let (yes, no) = (rng.levels(), rng.levels());
                books.insert((Venue::Kalshi, ticker.clone()), Model::of(&yes, &no, true));
                BookEvent::Snapshot { venue: Venue::Kalshi, book: ticker, bids: yes, asks: asks_from_no_bids(&no) }
            } else if roll < 55 {
                let ticker = kalshi[rng.below(kalshi.len() as u64) as usize].clone();
                let (yes, price) = (rng.below(2) == 0, rng.price());
                let delta = (rng.below(600) as i64 - 300) * 1_000_000;
                if let Some(m) = books.get_mut(&(Venue::Kalshi, ticker.clone())) {
                    let side = if yes { &mut m.a } else { &mut m.b };
                    let next = side.get(&price).copied().unwrap_or(0) + delta;
                    if next < 0 {
                        // The desk drops a book a delta drives negative: unknown until a snapshot.
                        books.remove(&(Venue::Kalshi, ticker.clone()));
                    } else {
                        if next == 0 {
                            side.remove(&price);
                        } else {
                            side.insert(price, next);
                        }
                        m.tainted |= !m.adds_up(true);
                    }
                }
                // A NO bid at p is a YES ask at 1 − p.
                let price = if yes { price } else { price.complement() };
                BookEvent::Delta { venue: Venue::Kalshi, book: ticker, bid: yes, price, delta }
            } else if roll < 80 {
                let token = poly[rng.below(poly.len() as u64) as usize].clone();
                let (bids, asks) = (rng.levels(), rng.levels());
                books.insert((Venue::Polymarket, token.clone()), Model::of(&bids, &asks, false));
                BookEvent::Snapshot { venue: Venue::Polymarket, book: token, bids, asks }
            } else if roll < 97 {
                let token = poly[rng.below(poly.len() as u64) as usize].clone();
                let (bid, price) = (rng.below(2) == 0, rng.price());
                let size = Qty::from_micros(rng.below(3) as i64 * 50_000_000).unwrap();
                if let Some(m) = books.get_mut(&(Venue::Polymarket, token.clone())) {
                    let side = if bid { &mut m.a } else { &mut m.b };
                    if size.is_zero() {
                        side.remove(&price);
                    } else {
                        side.insert(price, size.micros());
                    }
                    m.tainted |= !m.adds_up(false);
                }
                BookEvent::Level { venue: Venue::Polymarket, book: token, bid, price, size }
            } else {
                let venue = if rng.below(2) == 0 { Venue::Kalshi } else { Venue::Polymarket };
                books.retain(|(v, _), _| *v != venue);
                BookEvent::Invalidated { venue, books: vec![], reason: "reset".into() }
            };
            let desk = &mut *lock(&d.desk);
            // Every other whole book comes over REST instead of the socket: the same property.
            match &e {
                BookEvent::Snapshot { venue, book, bids, asks } if rng.below(2) == 0 => {
                    let whole = crossbook_book::OrderBook::from_levels(bids, asks, now);
                    desk.on_books(vec![(*venue, book.clone(), whole)], now);
                }
                _ => {
                    desk.on_event(&e, now);
                }
            }
            impossible += books.values().filter(|m| m.tainted).count().min(1);
            for (id, open) in desk.open() {
                let Some(t) = traded.get(id) else { continue };
                let poly_book = if open.direction == "kalshi_yes" { &t.other } else { &t.same };
                for key in [(Venue::Kalshi, t.kalshi.clone()), (Venue::Polymarket, poly_book.clone())] {
                    let model = books.get(&key);
                    assert!(
                        model.is_some_and(|m| !m.tainted),
                        "seed {seed} step {step}: link {id:?} open ({}) on {key:?}, which is {model:?}; after {e:?}",
                        open.direction
                    );
                }
                opened += 1;
            }
        }
    }
    // Neither side of the property went unexercised.
    eprintln!("steps with an opportunity open: {opened}; with an impossible book present: {impossible}");
    assert!(opened > 500, "opportunities seen open on books that add up: {opened}");
    assert!(impossible > 1_000, "steps with an impossible book present: {impossible}");
    s.sim.stop().await;
}
