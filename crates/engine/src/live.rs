//! Live quotes from the venues' sockets: books kept in memory from snapshots and changes; every
//! change re-evaluates the links its book belongs to, so an opportunity (and, close to the
//! start, its alert) follows the quote without waiting for a poll. A lost socket or a sequence
//! gap drops that venue's books until fresh snapshots arrive: nothing is evaluated on them.

use std::collections::HashMap;
use std::sync::Arc;

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use crossbook_arb::{PairQuotes, evaluate};
use crossbook_book::{BookError, OrderBook};
use crossbook_model::{BookEvent, FeeSchedule, Link, LinkId, LinkStatus, Venue};
use crossbook_store::Store;

use crate::alerts::Alerter;

/// Book updates received from the sockets by this process.
pub static QUOTE_UPDATES: AtomicU64 = AtomicU64::new(0);
/// Socket resets (drops, sequence gaps, silence) by this process: Kalshi, Polymarket.
pub static STREAM_RESETS: [AtomicU64; 2] = [AtomicU64::new(0), AtomicU64::new(0)];
/// Since when each venue's socket has been down, in Unix milliseconds (0: up, or not started):
/// Kalshi, Polymarket. Set by a reset, cleared by the next book frame of that venue.
static STREAM_DOWN_SINCE: [AtomicI64; 2] = [AtomicI64::new(0), AtomicI64::new(0)];

fn venue_slot(venue: Venue) -> usize {
    usize::from(venue == Venue::Polymarket)
}

/// The venues whose socket is down at `now`, with how long it has been down.
pub fn stream_outages(now: DateTime<Utc>) -> Vec<(Venue, chrono::Duration)> {
    Venue::ALL
        .into_iter()
        .filter_map(|v| match STREAM_DOWN_SINCE[venue_slot(v)].load(Ordering::Relaxed) {
            0 => None,
            since => Some((v, chrono::Duration::milliseconds(now.timestamp_millis() - since))),
        })
        .collect()
}

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

/// A watched, confirmed link with what evaluating it needs.
#[derive(Debug, Clone)]
struct Watched {
    link: Link,
    kalshi_fees: FeeSchedule,
    poly_fees: FeeSchedule,
    other: Option<(String, String)>,
    /// The Polymarket event's stored payload and slug (the game-status gate reads them).
    event: Option<serde_json::Value>,
    slug: Option<String>,
}

/// Re-evaluates links as their books change.
#[derive(Debug)]
pub struct LiveEvaluator {
    store: Arc<dyn Store>,
    links: HashMap<LinkId, Watched>,
    by_book: HashMap<(Venue, String), Vec<LinkId>>,
    pub books: LiveBooks,
    /// Links with an open opportunity, so a change that finds none writes only when one closes.
    open: std::collections::HashSet<LinkId>,
    stale_after: chrono::Duration,
    live_threshold: chrono::Duration,
    alerter: Option<Alerter>,
    sharp: crate::sharp::SharpMoves,
    /// Live game states by event slug, from the sports socket.
    games: HashMap<String, crate::game::GameState>,
    /// Build opportunities on started games too.
    pub allow_in_play: bool,
}

impl LiveEvaluator {
    /// For the watched confirmed links; returns it with the Kalshi tickers and Polymarket tokens
    /// to subscribe.
    pub async fn for_watchlist(
        store: Arc<dyn Store>,
        stale_after: chrono::Duration,
        live_threshold: chrono::Duration,
        alerter: Option<Alerter>,
    ) -> anyhow::Result<(Self, Vec<String>, Vec<String>)> {
        let watch = store.list_watchlist().await?;
        let all: HashMap<LinkId, Link> =
            store.list_links(Some(LinkStatus::Confirmed)).await?.into_iter().map(|l| (l.id, l)).collect();
        let markets = crate::quotes::markets_of(&*store, watch.iter().filter_map(|w| all.get(&w.link_id))).await?;
        let mut ev = Self {
            store,
            links: HashMap::new(),
            by_book: HashMap::new(),
            books: LiveBooks::default(),
            open: std::collections::HashSet::new(),
            stale_after,
            live_threshold,
            alerter,
            sharp: crate::sharp::SharpMoves::default(),
            games: HashMap::new(),
            allow_in_play: false,
        };
        let events: HashMap<String, serde_json::Value> =
            ev.store.list_events(Some(Venue::Polymarket)).await?.into_iter().map(|e| (e.id, e.raw)).collect();
        let (mut tickers, mut tokens) = (Vec::new(), Vec::new());
        for w in watch {
            let Some(link) = all.get(&w.link_id).cloned() else { continue };
            let c = &link.candidate;
            let (Some(km), Some(pm)) = (
                markets.get(&(Venue::Kalshi, c.kalshi_ticker.to_string())),
                markets.get(&(Venue::Polymarket, c.poly_market_id.to_string())),
            ) else {
                continue;
            };
            let other = crate::quotes::other_outcome(pm, c.poly_outcome_index);
            let mut books = vec![(Venue::Kalshi, c.kalshi_ticker.to_string())];
            books.extend(c.poly_token_id.as_ref().map(|t| (Venue::Polymarket, t.to_string())));
            books.extend(other.as_ref().map(|(t, _)| (Venue::Polymarket, t.clone())));
            for (venue, id) in books {
                match venue {
                    Venue::Kalshi => tickers.push(id.clone()),
                    Venue::Polymarket => tokens.push(id.clone()),
                }
                ev.by_book.entry((venue, id)).or_default().push(link.id);
            }
            let event = events.get(pm.event_id()).cloned();
            let slug = event.as_ref().and_then(|e| e.get("slug")?.as_str().map(str::to_string));
            ev.links.insert(link.id, Watched { kalshi_fees: km.fees, poly_fees: pm.fees, other, link, event, slug });
        }
        for v in [&mut tickers, &mut tokens] {
            v.sort();
            v.dedup();
        }
        Ok((ev, tickers, tokens))
    }

    /// Applies an event and re-evaluates the links of the book it changed. Returns how many
    /// opportunities are open on those links afterwards.
    pub async fn on_event(&mut self, e: &BookEvent, now: DateTime<Utc>) -> anyhow::Result<usize> {
        match e {
            BookEvent::Invalidated { venue, .. } => {
                STREAM_RESETS[venue_slot(*venue)].fetch_add(1, Ordering::Relaxed);
                let _ = STREAM_DOWN_SINCE[venue_slot(*venue)].compare_exchange(
                    0,
                    now.timestamp_millis(),
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                );
            }
            _ => {
                QUOTE_UPDATES.fetch_add(1, Ordering::Relaxed);
                STREAM_DOWN_SINCE[venue_slot(e.venue())].store(0, Ordering::Relaxed);
            }
        }
        let changed = match self.books.apply(e, now) {
            Ok(c) => c,
            Err(err) => {
                // A book that no longer adds up is unknown until its next snapshot.
                tracing::warn!(error = %err, book = e.book_id().unwrap_or(""), "book dropped");
                if let Some(id) = e.book_id() {
                    self.books.books.retain(|(_, b), _| b != id);
                }
                return Ok(0);
            }
        };
        if let Some((venue, id)) = &changed
            && let Some(mid) = self.books.get(*venue, id).and_then(OrderBook::mid)
            && let Some(mut m) = self.sharp.observe(*venue, id, mid, now)
        {
            // Score-driven when the game of a link on this book scored within the last minute.
            m.score_driven = self.by_book.get(&(*venue, id.clone())).into_iter().flatten().any(|l| {
                self.links
                    .get(l)
                    .and_then(|w| w.slug.as_deref())
                    .is_some_and(|s| self.score_changed_recently(s, now, chrono::Duration::minutes(1)))
            });
            tracing::info!(venue = %venue, book = %id, from = %m.from, to = %m.to, bps = m.change_bps, score_driven = m.score_driven, "sharp move");
            if let Some(a) = &self.alerter {
                a.sharp_move(&m, now).await?;
            }
        }
        let ids: Vec<LinkId> = match (&changed, e) {
            (Some(key), _) => self.by_book.get(key).cloned().unwrap_or_default(),
            // Invalidated: every link of that venue loses its quote.
            (None, BookEvent::Invalidated { .. }) => self.links.keys().copied().collect(),
            (None, _) => Vec::new(),
        };
        let mut open = 0;
        for id in ids {
            let Some(w) = self.links.get(&id) else { continue };
            let c = &w.link.candidate;
            let live_state = w.slug.as_ref().and_then(|s| self.games.get(s));
            if crate::game::gate(c.starts_at, w.event.as_ref(), live_state, now, self.allow_in_play).is_err() {
                if self.open.remove(&id) {
                    self.store.close_link_opportunities(id, now).await?;
                }
                continue;
            }
            let kb = self.books.get(Venue::Kalshi, c.kalshi_ticker.as_str());
            let same = c.poly_token_id.as_ref().and_then(|t| self.books.get(Venue::Polymarket, t.as_str()));
            let result = match (kb, same) {
                (Some(kalshi), Some(poly_same)) => evaluate(
                    &w.link,
                    &PairQuotes {
                        kalshi,
                        kalshi_fees: w.kalshi_fees,
                        poly_same,
                        poly_other: w.other.as_ref().and_then(|(t, _)| self.books.get(Venue::Polymarket, t)),
                        poly_fees: w.poly_fees,
                        poly_other_token: w.other.as_ref().map(|(t, _)| t.as_str()),
                        poly_other_name: w.other.as_ref().map(|(_, n)| n.as_str()),
                    },
                    now,
                    self.stale_after,
                ),
                _ => None,
            };
            match result {
                Some((direction, o)) => {
                    let oid = self.store.upsert_opportunity(&o, direction.as_str(), now).await?;
                    self.open.insert(id);
                    open += 1;
                    let urgent = o.starts_at.is_some_and(|s| s > now && s - now <= self.live_threshold);
                    if urgent && let Some(a) = &self.alerter {
                        a.arbitrage(oid, direction.as_str(), &o, now).await?;
                    }
                }
                None => {
                    if self.open.remove(&id) {
                        self.store.close_link_opportunities(id, now).await?;
                    }
                }
            }
        }
        Ok(open)
    }
}

impl LiveEvaluator {
    /// Takes a game's live state; a game that started or ended closes its links' opportunities.
    pub async fn on_game(&mut self, g: crate::game::GameState) -> anyhow::Result<()> {
        let now = g.at;
        let slug = g.slug.clone();
        self.games.insert(slug.clone(), g);
        let ids: Vec<LinkId> =
            self.links.iter().filter(|(_, w)| w.slug.as_deref() == Some(&slug)).map(|(id, _)| *id).collect();
        for id in ids {
            let w = &self.links[&id];
            let blocked = crate::game::gate(
                w.link.candidate.starts_at,
                w.event.as_ref(),
                self.games.get(&slug),
                now,
                self.allow_in_play,
            )
            .is_err();
            if blocked && self.open.remove(&id) {
                self.store.close_link_opportunities(id, now).await?;
            }
        }
        Ok(())
    }

    /// Whether a game's score changed within `window` before `now` (a sharp move then is
    /// score-driven).
    pub fn score_changed_recently(&self, slug: &str, now: DateTime<Utc>, window: chrono::Duration) -> bool {
        self.games.get(slug).is_some_and(|g| g.live && now - g.at <= window)
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
