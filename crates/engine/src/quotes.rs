//! Quotes over REST: one pass fetches the books of the chosen watched links — Kalshi's through
//! the batch endpoint (`GET /markets/orderbooks`, 100 a request), Polymarket's through
//! `POST /books` — and hands them to the desk, which decides. The books go to the writer too.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::Duration;
use crossbook_book::OrderBook;
use crossbook_model::{PerVenue, Venue};
use crossbook_net::NetError;
use crossbook_store::{Priority, Store, WatchEntry};

use crate::Venues;
use crate::books::snapshot;
use crate::desk::{Desk, DeskConfig, SharedDesk, lock, refresh};
use crate::stream_status::StreamStatus;
use crate::writer::{Write, Writer};

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
    pub us_books: usize,
    /// Books that could not be fetched or read.
    pub failed: usize,
    /// Requests made, per venue.
    pub requests: PerVenue<usize>,
    /// Open opportunities on the polled links after the pass.
    pub opportunities: usize,
    /// Alerts the pass raised.
    pub alerts: usize,
}

/// Books fetched in one pass.
#[derive(Debug, Default)]
pub struct Fetched {
    pub books: Vec<(Venue, String, OrderBook)>,
    /// Polymarket tick sizes the books state (`tick_size`).
    pub ticks: Vec<(String, crossbook_model::Price)>,
    /// Whether the markets trade, where the book's answer says it (Polymarket US).
    pub states: Vec<(Venue, String, crossbook_model::MarketState)>,
    pub failed: usize,
    pub requests: PerVenue<usize>,
}

/// Fetches `books` over REST (Kalshi tickers, Polymarket tokens, Polymarket US slugs), every
/// venue at once.
pub async fn fetch_books(venues: &Venues, clock: &crate::Clock, books: &PerVenue<Vec<String>>) -> Fetched {
    let (k, p, u) = tokio::join!(
        kalshi_books(venues, clock, &books[Venue::Kalshi]),
        poly_books(venues, clock, &books[Venue::Polymarket]),
        us_books(venues, clock, &books[Venue::PolymarketUs])
    );
    let mut out = k;
    for f in [p, u] {
        out.books.extend(f.books);
        out.ticks.extend(f.ticks);
        out.states.extend(f.states);
        out.failed += f.failed;
        for (venue, n) in f.requests.iter() {
            out.requests[venue] += n;
        }
    }
    out
}

/// Polymarket US's books, one request each (the public gateway): the long side's levels and,
/// from the same answer, whether the market trades.
async fn us_books(venues: &Venues, clock: &crate::Clock, slugs: &[String]) -> Fetched {
    let mut out = Fetched::default();
    for slug in slugs {
        out.requests[Venue::PolymarketUs] += 1;
        match venues.polymarket_us.book::<crossbook_polymarket_us::models::BookResponse>(slug).await {
            Ok(r) => match crossbook_polymarket_us::parse::parse_book(&r) {
                Ok(b) => {
                    out.states.push((Venue::PolymarketUs, slug.clone(), b.state));
                    out.books.push((
                        Venue::PolymarketUs,
                        slug.clone(),
                        OrderBook::from_levels(&b.bids, &b.asks, clock.now()),
                    ));
                }
                Err(e) => {
                    tracing::warn!(venue = "polymarket_us", slug = %slug, path = %e, "malformed book skipped");
                    out.failed += 1;
                }
            },
            Err(e) => {
                tracing::warn!(venue = "polymarket_us", slug = %slug, error = %e, "book skipped");
                out.failed += 1;
            }
        }
    }
    out
}

/// Kalshi's books, 100 a request (one by one when the batch endpoint refuses an unsigned call).
async fn kalshi_books(venues: &Venues, clock: &crate::Clock, tickers: &[String]) -> Fetched {
    let mut out = Fetched::default();
    for chunk in tickers.chunks(crossbook_kalshi::http::client::BATCH_BOOKS) {
        out.requests[Venue::Kalshi] += 1;
        match venues.kalshi.orderbooks(chunk).await {
            Ok(r) => {
                let at = clock.now();
                let books = r.orderbooks.unwrap_or_default();
                let got: HashSet<&str> = books.iter().map(|b| b.ticker.as_str()).collect();
                out.failed += chunk.iter().filter(|t| !got.contains(t.as_str())).count();
                for b in &books {
                    match crossbook_kalshi::http::parse::orderbook_levels(&b.book) {
                        Ok((bids, asks)) => {
                            out.books.push((Venue::Kalshi, b.ticker.clone(), OrderBook::from_levels(&bids, &asks, at)))
                        }
                        Err(e) => {
                            tracing::warn!(venue = "kalshi", ticker = %b.ticker, path = %e, "malformed book skipped");
                            out.failed += 1;
                        }
                    }
                }
            }
            // The batch endpoint wants a signed request; without a key the books come one by one.
            Err(NetError::Rejected { status: 401 | 403, .. }) => {
                for t in chunk {
                    out.requests[Venue::Kalshi] += 1;
                    match venues.kalshi.orderbook(t).await.map_err(anyhow::Error::from).and_then(|r| {
                        crossbook_kalshi::http::parse::orderbook_levels(&r)
                            .map_err(|e| anyhow::anyhow!("orderbook {e}"))
                    }) {
                        Ok((bids, asks)) => out.books.push((
                            Venue::Kalshi,
                            t.clone(),
                            OrderBook::from_levels(&bids, &asks, clock.now()),
                        )),
                        Err(e) => {
                            tracing::warn!(venue = "kalshi", ticker = %t, error = %format!("{e:#}"), "book skipped");
                            out.failed += 1;
                        }
                    }
                }
            }
            Err(e) => {
                tracing::warn!(venue = "kalshi", books = chunk.len(), error = %e, "books skipped");
                out.failed += chunk.len();
            }
        }
    }
    out
}

/// Polymarket's books, through `POST /books`.
async fn poly_books(venues: &Venues, clock: &crate::Clock, tokens: &[String]) -> Fetched {
    let mut out = Fetched::default();
    if !tokens.is_empty() {
        out.requests[Venue::Polymarket] += tokens.len().div_ceil(crossbook_polymarket::clob::client::BOOKS_BATCH);
        match venues.clob.books(tokens).await {
            Ok(books) => {
                let at = clock.now();
                let got: HashSet<&str> = books.iter().map(|b| b.asset_id.as_str()).collect();
                out.failed += tokens.iter().filter(|t| !got.contains(t.as_str())).count();
                for b in books {
                    if let Some(tick) = b.tick_size.as_deref().and_then(|t| t.parse().ok()) {
                        out.ticks.push((b.asset_id.clone(), tick));
                    }
                    match crossbook_polymarket::clob::parse::book_levels(&b) {
                        Ok((bids, asks)) => out.books.push((
                            Venue::Polymarket,
                            b.asset_id.clone(),
                            OrderBook::from_levels(&bids, &asks, at),
                        )),
                        Err(e) => {
                            tracing::warn!(venue = "polymarket", token = %b.asset_id, path = %e, "malformed book skipped");
                            out.failed += 1;
                        }
                    }
                }
            }
            Err(e) => {
                tracing::warn!(venue = "polymarket", error = %e, "books skipped");
                out.failed += tokens.len();
            }
        }
    }
    out
}

/// Whether each of these markets takes orders now, as the venues list them (Kalshi
/// `GET /markets?tickers=`, Gamma `GET /markets?id=`): (venue, market id, state). A market the
/// answer leaves out, or a request that fails, tells nothing.
pub async fn fetch_states(
    venues: &Venues,
    tickers: &[String],
    markets: &[String],
) -> (Vec<(Venue, String, crossbook_model::MarketState)>, (usize, usize)) {
    let mut out = Vec::new();
    let mut requests = (0, 0);
    for chunk in tickers.chunks(crossbook_kalshi::http::client::BATCH_MARKETS) {
        requests.0 += 1;
        match venues.kalshi.markets_by_ticker(chunk).await {
            Ok(page) => {
                for raw in page.markets.unwrap_or_default() {
                    let Ok(m) = serde_json::from_str::<crossbook_kalshi::http::models::KalshiMarket>(raw.get()) else {
                        continue;
                    };
                    match crossbook_kalshi::http::parse::parse_state(&m.status) {
                        Ok(state) => out.push((Venue::Kalshi, m.ticker, state)),
                        Err(e) => {
                            tracing::warn!(venue = "kalshi", ticker = %m.ticker, path = %e, "market state skipped")
                        }
                    }
                }
            }
            Err(e) => tracing::warn!(venue = "kalshi", error = %e, "market states skipped"),
        }
    }
    for chunk in markets.chunks(crossbook_polymarket::gamma::client::MAX_MARKETS_KEYSET_PAGE as usize) {
        requests.1 += 1;
        match venues.gamma.markets_by_id(chunk).await {
            Ok(list) => {
                for raw in list {
                    match serde_json::from_str::<crossbook_polymarket::gamma::models::GammaMarket>(raw.get()) {
                        Ok(m) => out.push((
                            Venue::Polymarket,
                            m.id.clone(),
                            crossbook_polymarket::gamma::parse::market_state(&m),
                        )),
                        Err(e) => tracing::warn!(venue = "polymarket", error = %e, "market state skipped"),
                    }
                }
            }
            Err(e) => tracing::warn!(venue = "polymarket", error = %e, "market states skipped"),
        }
    }
    (out, requests)
}

/// Fetches the books of the watched links `select` picks and hands them to `desk`; refreshes
/// the desk's links from the store first (a link gone from the watchlist closes at once), and
/// whether their markets still take orders.
pub async fn poll(
    store: &dyn Store,
    venues: &Venues,
    clock: &crate::Clock,
    desk: &SharedDesk,
    cfg: QuotesConfig,
    select: &(dyn Fn(&WatchEntry) -> bool + Sync),
) -> anyhow::Result<QuotesReport> {
    let pass_started = clock.now();
    let chosen: HashSet<_> =
        store.list_watchlist().await?.into_iter().filter(|w| select(w)).map(|w| w.link_id).collect();
    refresh(desk, store, pass_started).await?;
    let (books, markets) = {
        let d = lock(desk);
        (d.links().books_of(Some(&chosen)), d.links().markets_of(Some(&chosen)))
    };
    let requested_at = clock.now();
    // Polymarket US's book answers say whether its markets trade: no listing is asked.
    let (mut fetched, (mut states, state_requests)) = tokio::join!(
        fetch_books(venues, clock, &books),
        fetch_states(venues, &markets[Venue::Kalshi], &markets[Venue::Polymarket])
    );
    fetched.requests[Venue::Kalshi] += state_requests.0;
    fetched.requests[Venue::Polymarket] += state_requests.1;
    states.append(&mut fetched.states);
    let count = |venue: Venue| fetched.books.iter().filter(|b| b.0 == venue).count();
    let mut report = QuotesReport {
        kalshi_books: count(Venue::Kalshi),
        poly_books: count(Venue::Polymarket),
        us_books: count(Venue::PolymarketUs),
        failed: fetched.failed,
        requests: fetched.requests.clone(),
        ..Default::default()
    };
    let now = clock.now();
    let mut d = lock(desk);
    report.alerts += d.on_listed_states(&states, now).alerts;
    // A book the sockets changed after the request went out is newer than the answer: the
    // answer would put back a state the venue has left.
    fetched.books.retain(|(v, id, _)| d.books.get(*v, id).is_none_or(|b| b.received_at <= requested_at));
    let snaps = fetched.books.iter().map(|(v, id, b)| snapshot(*v, id, b)).collect();
    d.writer().send(Write::Books(snaps));
    for (token, tick) in &fetched.ticks {
        d.set_tick(Venue::Polymarket, token, *tick);
    }
    report.alerts += d.on_books(fetched.books, now).alerts;
    // Anything not refreshed for a whole polling cycle is gone too, and so is what stands on a
    // book this pass could not refresh within the stale limit.
    d.close_unseen(pass_started - cfg.cycle, now);
    report.alerts += d.close_stale(now).alerts;
    report.opportunities = d.open().keys().filter(|id| chosen.contains(id)).count();
    Ok(report)
}

/// One full REST pass on a desk of its own, for one-shot commands and tests: returns once its
/// records are written.
pub async fn poll_once(
    store: &Arc<dyn Store>,
    venues: &Venues,
    clock: &crate::Clock,
    cfg: QuotesConfig,
    priorities: &[Priority],
) -> anyhow::Result<QuotesReport> {
    let writer = Writer::start(store.clone());
    let desk = one_shot_desk(cfg, writer.clone(), None);
    let r = poll(&**store, venues, clock, &desk, cfg, &|w| priorities.contains(&w.priority)).await?;
    writer.flush().await;
    Ok(r)
}

/// A desk for one pass.
pub fn one_shot_desk(cfg: QuotesConfig, writer: Writer, alerter: Option<crate::alerts::Alerter>) -> SharedDesk {
    let desk_cfg = DeskConfig {
        stale_after: cfg.stale_after,
        live_threshold: Duration::zero(),
        allow_in_play: cfg.allow_in_play,
        precision: crossbook_arb::BalancePrecision::default(),
        alerts: crate::desk::AlertPolicy::default(),
    };
    Arc::new(std::sync::Mutex::new(Desk::new(desk_cfg, writer, alerter, Arc::new(StreamStatus::default()))))
}
