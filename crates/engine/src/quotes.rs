//! Quotes over REST, and arbitrage on them: one pass fetches the book of every watched market
//! (Kalshi orderbooks; Polymarket books through `POST /books`), stores each with its receive
//! time, evaluates every confirmed watched link in both directions, and records opportunities
//! with their lifetime (those not seen again are closed).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use crossbook_arb::{PairQuotes, evaluate};
use crossbook_book::OrderBook;
use crossbook_model::{Link, LinkStatus, Market, Price, Qty, Venue};
use crossbook_store::{BookSnapshot, MarketFilter, Priority, Store, WatchEntry};

use crate::Venues;

/// Quote-pass knobs.
#[derive(Debug, Clone, Copy)]
pub struct QuotesConfig {
    /// A book older than this makes no opportunity.
    pub stale_after: Duration,
    /// The longest time between two polls of one link (the LOW tier's interval).
    pub cycle: Duration,
    /// Build opportunities on started games too.
    pub allow_in_play: bool,
}

/// What a pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuotesReport {
    pub kalshi_books: usize,
    pub poly_books: usize,
    /// Books that could not be fetched or read.
    pub failed: usize,
    pub opportunities: usize,
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

fn book_of(bids: &[(Price, Qty)], asks: &[(Price, Qty)], at: DateTime<Utc>) -> OrderBook {
    use crossbook_book::{BookSide, Level};
    let lv = |v: &[(Price, Qty)]| v.iter().map(|&(price, size)| Level { price, size }).collect::<Vec<_>>();
    OrderBook::new(BookSide::from_levels(lv(bids)), BookSide::from_levels(lv(asks)), at)
}

/// The other outcome of a two-outcome Polymarket market: (token, name).
pub(crate) fn other_outcome(m: &Market, index: u8) -> Option<(String, String)> {
    if m.outcomes.len() != 2 {
        return None;
    }
    let o = m.outcomes.get(1 - usize::from(index.min(1)))?;
    Some((o.token_id.as_ref()?.to_string(), o.name.clone()))
}

/// The markets of `links`, by venue and id. Only those are read: the stored universe is far
/// larger than the watchlist.
pub(crate) async fn markets_of(
    store: &dyn Store,
    links: impl Iterator<Item = &Link>,
) -> anyhow::Result<HashMap<(Venue, String), Market>> {
    let ids = links.flat_map(|l| [l.candidate.kalshi_ticker.to_string(), l.candidate.poly_market_id.to_string()]);
    Ok(store
        .list_markets(&MarketFilter { ids: Some(ids.collect()), ..Default::default() })
        .await?
        .into_iter()
        .map(|m| ((m.market.venue(), m.market.id().to_string()), m.market))
        .collect())
}

/// Fetches the books of the watched links of the given priorities over REST, stores them, and
/// evaluates those links.
pub async fn poll_once(
    store: &dyn Store,
    venues: &Venues,
    clock: &crate::Clock,
    cfg: QuotesConfig,
    priorities: &[Priority],
) -> anyhow::Result<QuotesReport> {
    poll(store, venues, clock, cfg, &|w| priorities.contains(&w.priority)).await
}

/// Like [`poll_once`], for the watched links `select` picks.
pub async fn poll(
    store: &dyn Store,
    venues: &Venues,
    clock: &crate::Clock,
    cfg: QuotesConfig,
    select: &(dyn Fn(&WatchEntry) -> bool + Sync),
) -> anyhow::Result<QuotesReport> {
    let pass_started = clock.now();
    let watch: Vec<_> = store.list_watchlist().await?.into_iter().filter(|w| select(w)).collect();
    let links: HashMap<_, Link> = store.list_links(None).await?.into_iter().map(|l| (l.id, l)).collect();
    let watched: Vec<&Link> = watch.iter().filter_map(|w| links.get(&w.link_id)).collect();
    let markets = markets_of(store, watched.iter().copied()).await?;
    let mut report = QuotesReport::default();

    // Kalshi books, a few at a time (the client keeps to the rate limit).
    let tickers: Vec<String> =
        watched.iter().map(|l| l.candidate.kalshi_ticker.to_string()).collect::<HashSet<_>>().into_iter().collect();
    let mut kalshi_books: HashMap<String, OrderBook> = HashMap::new();
    let sem = Arc::new(tokio::sync::Semaphore::new(8));
    let mut tasks = tokio::task::JoinSet::new();
    for t in tickers {
        let (client, sem, clock) = (venues.kalshi.clone(), sem.clone(), *clock);
        tasks.spawn(async move {
            let _permit = sem.acquire_owned().await;
            let result = client.orderbook(&t).await.map_err(anyhow::Error::from).and_then(|r| {
                crossbook_kalshi::http::parse::orderbook_bids(&r).map_err(|e| anyhow::anyhow!("orderbook {e}"))
            });
            (t, result, clock.now())
        });
    }
    while let Some(joined) = tasks.join_next().await {
        let Ok((t, result, at)) = joined else { continue };
        match result {
            Ok((yes, no)) => {
                kalshi_books.insert(t, OrderBook::from_kalshi(&yes, &no, at));
            }
            Err(e) => {
                tracing::warn!(venue = "kalshi", ticker = %t, error = %format!("{e:#}"), "book skipped");
                report.failed += 1;
            }
        }
    }

    // Polymarket books of both outcomes, in batches.
    let mut tokens: Vec<String> = Vec::new();
    for l in &watched {
        if let Some(t) = &l.candidate.poly_token_id {
            tokens.push(t.to_string());
        }
        if let Some(m) = markets.get(&(Venue::Polymarket, l.candidate.poly_market_id.to_string()))
            && let Some((t, _)) = other_outcome(m, l.candidate.poly_outcome_index)
        {
            tokens.push(t);
        }
    }
    tokens.sort();
    tokens.dedup();
    let mut poly_books: HashMap<String, OrderBook> = HashMap::new();
    if !tokens.is_empty() {
        match venues.clob.books(&tokens).await {
            Ok(books) => {
                let at = clock.now();
                for b in books {
                    match crossbook_polymarket::clob::parse::book_levels(&b) {
                        Ok((bids, asks)) => {
                            poly_books.insert(b.asset_id.clone(), book_of(&bids, &asks, at));
                        }
                        Err(e) => {
                            tracing::warn!(venue = "polymarket", token = %b.asset_id, path = %e, "malformed book skipped");
                            report.failed += 1;
                        }
                    }
                }
            }
            Err(e) => {
                tracing::warn!(venue = "polymarket", error = %e, "books skipped");
                report.failed += tokens.len();
            }
        }
    }
    report.kalshi_books = kalshi_books.len();
    report.poly_books = poly_books.len();
    let mut snaps: Vec<BookSnapshot> = kalshi_books.iter().map(|(t, b)| snapshot(Venue::Kalshi, t, b)).collect();
    snaps.extend(poly_books.iter().map(|(t, b)| snapshot(Venue::Polymarket, t, b)));
    store.save_books(&snaps).await?;

    // Arbitrage on confirmed links only, on games neither started nor over.
    let events: HashMap<String, serde_json::Value> =
        store.list_events(Some(Venue::Polymarket)).await?.into_iter().map(|e| (e.id, e.raw)).collect();
    let now = clock.now();
    for l in watched.iter().filter(|l| l.status == LinkStatus::Confirmed) {
        let c = &l.candidate;
        let (Some(kb), Some(km), Some(pm)) = (
            kalshi_books.get(c.kalshi_ticker.as_str()),
            markets.get(&(Venue::Kalshi, c.kalshi_ticker.to_string())),
            markets.get(&(Venue::Polymarket, c.poly_market_id.to_string())),
        ) else {
            continue;
        };
        if let Err(why) = crate::game::gate(c.starts_at, events.get(pm.event_id()), None, now, cfg.allow_in_play) {
            tracing::debug!(link = %l.id, why, "no opportunity");
            store.close_link_opportunities(l.id, now).await?;
            continue;
        }
        let Some(same) = c.poly_token_id.as_ref().and_then(|t| poly_books.get(t.as_str())) else { continue };
        let other = other_outcome(pm, c.poly_outcome_index);
        let quotes = PairQuotes {
            kalshi: kb,
            kalshi_fees: km.fees,
            poly_same: same,
            poly_other: other.as_ref().and_then(|(t, _)| poly_books.get(t)),
            poly_fees: pm.fees,
            poly_other_token: other.as_ref().map(|(t, _)| t.as_str()),
            poly_other_name: other.as_ref().map(|(_, n)| n.as_str()),
        };
        match evaluate(l, &quotes, now, cfg.stale_after) {
            Some((direction, o)) => {
                store.upsert_opportunity(&o, direction.as_str(), now).await?;
                report.opportunities += 1;
            }
            None => {
                store.close_link_opportunities(l.id, now).await?;
            }
        }
    }
    // Anything not refreshed for a whole polling cycle is gone too.
    store.close_opportunities(pass_started - cfg.cycle, now).await?;
    Ok(report)
}
