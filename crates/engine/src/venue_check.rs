//! `crossbook venues check`: asks each configured venue's endpoints once — REST listings, a book,
//! and a few seconds of each socket — and reports drift against what crossbook reads: endpoints
//! refused, fields it reads that are missing, fields it has never seen, socket message types it
//! does not know, frames it cannot read. It trades nothing and writes nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crossbook_net::NetError;
use crossbook_net::ws::{Message, connect};
use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use serde_json::Value;

use crate::{Settings, Venues};

/// One endpoint's answer.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Check {
    pub venue: &'static str,
    pub endpoint: String,
    /// `ok`, `refused` (the venue said no), `failed` (no usable answer) or `skipped`.
    pub status: &'static str,
    /// Why it was refused, failed or skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Items (or socket frames) looked at.
    pub items: usize,
    /// Fields crossbook reads that no item carried.
    pub missing: Vec<String>,
    /// Fields no item of this kind was known to carry.
    pub new: Vec<String>,
    /// Socket message types seen, and how many of each.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub types: BTreeMap<String, u64>,
    /// Of those, the ones crossbook does not know.
    pub unknown_types: Vec<String>,
    /// Frames or items that could not be read.
    pub malformed: u64,
}

impl Check {
    fn new(venue: &'static str, endpoint: impl Into<String>) -> Self {
        Check { venue, endpoint: endpoint.into(), status: "ok", ..Default::default() }
    }

    fn failed(mut self, e: &NetError) -> Self {
        self.status = match e {
            NetError::Rejected { .. } => "refused",
            _ => "failed",
        };
        self.detail = Some(e.to_string());
        self
    }

    /// Whether this answer shows drift.
    pub fn drifted(&self) -> bool {
        matches!(self.status, "refused" | "failed")
            || !self.missing.is_empty()
            || !self.new.is_empty()
            || !self.unknown_types.is_empty()
            || self.malformed > 0
    }

    /// Compares the items' fields with those read and known.
    fn fields(&mut self, items: &[Value], read: &[&str], known: &[&str]) {
        self.items += items.len();
        let seen: BTreeSet<&str> =
            items.iter().filter_map(Value::as_object).flat_map(|o| o.keys()).map(String::as_str).collect();
        if items.is_empty() {
            return;
        }
        self.missing.extend(read.iter().filter(|f| !seen.contains(**f)).map(|f| f.to_string()));
        self.new.extend(seen.iter().filter(|f| !known.contains(f) && !read.contains(f)).map(|f| f.to_string()));
    }
}

/// Every check of a run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DriftReport {
    pub checks: Vec<Check>,
}

impl DriftReport {
    pub fn drifted(&self) -> bool {
        self.checks.iter().any(Check::drifted)
    }
}

fn values(raw: &[Box<serde_json::value::RawValue>]) -> Vec<Value> {
    raw.iter().filter_map(|r| serde_json::from_str(r.get()).ok()).collect()
}

/// Asks every venue once; `listen` is how long each socket is heard.
pub async fn check_venues(settings: &Settings, venues: &Venues, listen: Duration) -> DriftReport {
    use crossbook_kalshi::fields as kf;
    use crossbook_polymarket::fields as pf;
    let mut checks = Vec::new();

    // Kalshi REST.
    let mut c = Check::new("kalshi", "GET /series?category=Sports");
    match venues.kalshi.series(Some("Sports")).await {
        Ok(list) => c.fields(&values(&list.series.unwrap_or_default()), kf::SERIES_READ, kf::SERIES_KNOWN),
        Err(e) => c = c.failed(&e),
    }
    checks.push(c);
    let mut tickers: Vec<String> = Vec::new();
    let q = crossbook_kalshi::EventsQuery {
        status: Some("open"),
        with_nested_markets: true,
        limit: 5,
        ..Default::default()
    };
    let (mut events, mut nested) = (Check::new("kalshi", "GET /events?with_nested_markets=true"), Vec::new());
    match venues.kalshi.events_page(&q, None).await {
        Ok(page) => {
            let list = values(&page.events.unwrap_or_default());
            for e in &list {
                nested.extend(e["markets"].as_array().cloned().unwrap_or_default());
            }
            events.fields(&list, kf::EVENT_READ, kf::EVENT_KNOWN);
        }
        Err(e) => events = events.failed(&e),
    }
    checks.push(events);
    let mq = crossbook_kalshi::MarketsQuery {
        status: Some("open"),
        mve_filter: Some("exclude"),
        limit: 5,
        ..Default::default()
    };
    let mut markets = Check::new("kalshi", "GET /markets?mve_filter=exclude");
    match venues.kalshi.markets_page(&mq, None).await {
        Ok(page) => {
            let mut list = values(&page.markets.unwrap_or_default());
            list.extend(nested);
            tickers.extend(list.iter().filter_map(|m| m["ticker"].as_str().map(str::to_string)).take(5));
            markets.fields(&list, kf::MARKET_READ, kf::MARKET_KNOWN);
        }
        Err(e) => markets = markets.failed(&e),
    }
    checks.push(markets);
    if let Some(t) = tickers.first() {
        let mut c = Check::new("kalshi", "GET /markets/{ticker}/orderbook");
        match venues.kalshi.orderbook(t).await {
            Ok(b) if b.orderbook_fp.is_some() => c.items = 1,
            Ok(b) if b.orderbook.is_some() => {
                c.items = 1;
                c.new.push("orderbook (the legacy form)".into());
            }
            Ok(_) => {
                c.items = 1;
                c.missing.push("orderbook_fp".into());
            }
            Err(e) => c = c.failed(&e),
        }
        checks.push(c);
    }

    // Gamma and the CLOB.
    let mut c = Check::new("polymarket", "GET /sports");
    match venues.gamma.sports().await {
        Ok(list) => c.fields(
            &values(&list),
            &["sport", "tags"],
            &["id", "sport", "name", "image", "resolution", "ordering", "tags", "primaryTagId", "series", "createdAt"],
        ),
        Err(e) => c = c.failed(&e),
    }
    checks.push(c);
    let mut tokens: Vec<String> = Vec::new();
    use crossbook_polymarket::gamma::client::Listing;
    for (listing, path) in [(Listing::Events, "GET /events/keyset"), (Listing::Markets, "GET /markets/keyset")] {
        let mut c = Check::new("polymarket", path);
        match venues.gamma.keyset_page(listing, Some("1"), Some(false), None).await {
            Ok(page) => {
                let list = values(&page.events.unwrap_or_default());
                let markets: Vec<Value> = match listing {
                    Listing::Events => {
                        c.fields(&list, pf::EVENT_READ, pf::EVENT_KNOWN);
                        list.iter().flat_map(|e| e["markets"].as_array().cloned().unwrap_or_default()).collect()
                    }
                    Listing::Markets => {
                        c.items = list.len();
                        list
                    }
                };
                for m in &markets {
                    tokens.extend(crossbook_polymarket::gamma::parse::market_tokens(m));
                }
                let mut mc = Check::new("polymarket", format!("{path}: markets"));
                mc.fields(&markets, pf::MARKET_READ, pf::MARKET_KNOWN);
                if !markets.is_empty()
                    && markets.iter().all(|m| m.get("clobTokenIds").is_none() && m.get("positionIds").is_none())
                {
                    mc.missing.push("clobTokenIds or positionIds".into());
                }
                checks.push(c);
                checks.push(mc);
                continue;
            }
            Err(e) => c = c.failed(&e),
        }
        checks.push(c);
    }
    // Where keyset paging is refused, the offset listing the ingestion falls back to.
    if tokens.is_empty() {
        let mut c = Check::new("polymarket", "GET /events (offset)");
        match venues.gamma.events_page(Some("1"), Some(false), 20, 0).await {
            Ok(list) => {
                let list = values(&list);
                c.fields(&list, pf::EVENT_READ, pf::EVENT_KNOWN);
                let markets: Vec<Value> =
                    list.iter().flat_map(|e| e["markets"].as_array().cloned().unwrap_or_default()).collect();
                for m in &markets {
                    tokens.extend(crossbook_polymarket::gamma::parse::market_tokens(m));
                }
                let mut mc = Check::new("polymarket", "GET /events (offset): markets");
                mc.fields(&markets, pf::MARKET_READ, pf::MARKET_KNOWN);
                checks.push(c);
                c = mc;
            }
            Err(e) => c = c.failed(&e),
        }
        checks.push(c);
    }
    tokens.sort();
    tokens.dedup();
    tokens.truncate(10);
    if let Some(t) = tokens.first() {
        let mut c = Check::new("polymarket", "GET /book");
        match venues.clob.book(t).await {
            Ok(b) => {
                c.items = 1;
                if crossbook_polymarket::clob::parse::book_levels(&b).is_err() {
                    c.malformed += 1;
                }
                if b.tick_size.is_none() {
                    c.missing.push("tick_size".into());
                }
            }
            Err(e) => c = c.failed(&e),
        }
        checks.push(c);
    }

    // Polymarket US's public gateway, where it is enabled.
    if settings.venues.contains(&crossbook_model::Venue::PolymarketUs) {
        checks.extend(check_polymarket_us(venues).await);
    }

    // The sockets, each heard for `listen`.
    checks.push(match &venues.kalshi_signer {
        None => Check {
            status: "skipped",
            detail: Some("no Kalshi API key: its socket needs one".into()),
            ..Check::new("kalshi", "socket")
        },
        Some(signer) if !tickers.is_empty() => {
            let path = crossbook_net::url_path(&settings.endpoints.kalshi_ws);
            let headers = signer.headers_at(chrono::Utc::now().timestamp_millis(), "GET", &path).unwrap_or_default();
            let hello: Vec<String> =
                crossbook_kalshi::websocket::subscriptions(&tickers).iter().map(Value::to_string).collect();
            let mut c = Check::new("kalshi", "socket");
            listen_socket(&mut c, &settings.endpoints.kalshi_ws, &headers, &hello, listen, |c, text| {
                if crossbook_kalshi::websocket::parse_frame(text).is_err() {
                    c.malformed += 1;
                    return;
                }
                let kind =
                    serde_json::from_str::<Value>(text).ok().and_then(|v| v["type"].as_str().map(str::to_string));
                let kind = kind.unwrap_or_else(|| "(no type)".into());
                if !kf::WS_TYPES_KNOWN.contains(&kind.as_str()) && !c.unknown_types.contains(&kind) {
                    c.unknown_types.push(kind.clone());
                }
                *c.types.entry(kind).or_default() += 1;
            })
            .await;
            c
        }
        Some(_) => Check {
            status: "skipped",
            detail: Some("no open market to subscribe to".into()),
            ..Check::new("kalshi", "socket")
        },
    });
    let mut c = Check::new("polymarket", "market socket");
    if tokens.is_empty() {
        c.status = "skipped";
        c.detail = Some("no token to subscribe to".into());
    } else {
        let hello = serde_json::json!({"type": "market", "assets_ids": tokens, "custom_feature_enabled": true, "initial_dump": true});
        listen_socket(&mut c, &settings.endpoints.polymarket_ws, &[], &[hello.to_string()], listen, |c, text| {
            if text.trim() == "PONG" {
                return;
            }
            let items: Vec<Value> = match serde_json::from_str::<Value>(text) {
                Ok(Value::Array(a)) => a,
                Ok(v) => vec![v],
                Err(_) => {
                    c.malformed += 1;
                    return;
                }
            };
            let (mut out, mut notes) = (Vec::new(), crossbook_polymarket::websocket::Notes::default());
            if crossbook_polymarket::websocket::parse_frame(text, &mut out, &mut notes).is_err() {
                c.malformed += 1;
            }
            c.malformed += notes.malformed.len() as u64;
            for item in items {
                let kind = item["event_type"].as_str().unwrap_or("(no event_type)").to_string();
                if !pf::WS_TYPES_KNOWN.contains(&kind.as_str()) && !c.unknown_types.contains(&kind) {
                    c.unknown_types.push(kind.clone());
                }
                *c.types.entry(kind).or_default() += 1;
            }
        })
        .await;
    }
    checks.push(c);
    let mut c = Check::new("polymarket", "live-scores socket");
    let mut frames = Vec::new();
    listen_socket(&mut c, &settings.endpoints.polymarket_sports_ws, &[], &[], listen, |c, text| {
        if text.trim() == "ping" {
            return;
        }
        match crossbook_polymarket::websocket::parse_sport(text) {
            Ok(_) => frames.push(serde_json::from_str::<Value>(text).unwrap_or_default()),
            Err(_) => c.malformed += 1,
        }
    })
    .await;
    c.fields(&frames, &[], pf::SPORT_KNOWN);
    c.items = frames.len();
    checks.push(c);
    DriftReport { checks }
}

/// Polymarket US: the first page of its events (and their markets), and one market's book.
async fn check_polymarket_us(venues: &Venues) -> Vec<Check> {
    use crossbook_polymarket_us::fields as uf;
    let mut out = Vec::new();
    let mut c = Check::new("polymarket_us", "GET /events?active=true&closed=false");
    let mut slug = None;
    match venues.polymarket_us.events_page(0).await {
        Ok(page) => {
            let list = values(&page.events);
            c.fields(&list, uf::EVENT_READ, uf::EVENT_KNOWN);
            let markets: Vec<Value> =
                list.iter().flat_map(|e| e["markets"].as_array().cloned().unwrap_or_default()).collect();
            slug = markets.iter().find_map(|m| m["slug"].as_str().map(str::to_string));
            let mut mc = Check::new("polymarket_us", "GET /events: markets");
            mc.fields(&markets, uf::MARKET_READ, uf::MARKET_KNOWN);
            mc.malformed += markets
                .iter()
                .filter(|m| serde_json::from_value::<crossbook_polymarket_us::models::UsMarket>((*m).clone()).is_err())
                .count() as u64;
            out.push(c);
            c = mc;
        }
        Err(e) => c = c.failed(&e),
    }
    out.push(c);
    if let Some(slug) = slug {
        let mut c = Check::new("polymarket_us", "GET /markets/{slug}/book");
        match venues.polymarket_us.book::<Value>(&slug).await {
            Ok(v) => {
                let data = v.get("marketData").cloned().unwrap_or_default();
                c.fields(std::slice::from_ref(&data), uf::BOOK_READ, uf::BOOK_KNOWN);
                let typed = serde_json::from_value::<crossbook_polymarket_us::models::BookResponse>(v);
                if typed
                    .map_err(|e| e.to_string())
                    .and_then(|b| crossbook_polymarket_us::parse::parse_book(&b).map_err(|e| e.to_string()))
                    .is_err()
                {
                    c.malformed += 1;
                }
            }
            Err(e) => c = c.failed(&e),
        }
        out.push(c);
    }
    out
}

/// Connects, sends `hello`, and hands every text frame to `each` for `listen`.
async fn listen_socket(
    c: &mut Check,
    url: &str,
    headers: &[(&'static str, String)],
    hello: &[String],
    listen: Duration,
    mut each: impl FnMut(&mut Check, &str),
) {
    let ws = match connect(c.venue, url, headers).await {
        Ok(ws) => ws,
        Err(e) => {
            *c = std::mem::take(c).failed(&e);
            return;
        }
    };
    let (mut sink, mut stream) = ws.split();
    for h in hello {
        if let Err(e) = sink.send(Message::Text(h.clone().into())).await {
            c.status = "failed";
            c.detail = Some(e.to_string());
            return;
        }
    }
    let until = tokio::time::Instant::now() + listen;
    loop {
        match tokio::time::timeout_at(until, stream.next()).await {
            Err(_) => return,
            Ok(Some(Ok(Message::Text(t)))) => {
                c.items += 1;
                each(c, &t);
            }
            Ok(Some(Ok(_))) => {}
            Ok(Some(Err(e))) => {
                c.status = "failed";
                c.detail = Some(e.to_string());
                return;
            }
            Ok(None) => return,
        }
    }
}
