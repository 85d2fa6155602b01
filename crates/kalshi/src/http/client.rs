//! Kalshi REST client: market data endpoints, cursor pagination left to the caller (so pages can
//! stream into storage), the access tier's read limit (a 429 carries no `Retry-After`: the
//! backoff decides), signing when a key is configured.
//!
//! References: <https://docs.kalshi.com/getting_started/rate_limits>

use std::sync::Arc;

use crossbook_net::{Call, NetError, RestClient, RestConfig, SignRequest, TokenBucket};

use super::models::{
    KalshiEventsPage, KalshiMarketsPage, KalshiOrderbookResponse, KalshiOrderbooksResponse, KalshiSeriesList,
};
use crate::common::signing::KalshiSigner;

/// Basic tier: 400-token bucket refilled at 200/s, 10 tokens a read ⇒ 20 reads/s, burst 40.
pub const READS_PER_SEC: f64 = 20.0;
pub const READ_BURST: f64 = 40.0;
/// Tokens most requests cost (`GET /account/endpoint_costs`: `default_cost` 10).
pub const TOKENS_PER_REQUEST: f64 = 10.0;

/// Kalshi's access tiers (setting `KALSHI_TIER`): each a token bucket of read tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KalshiTier {
    #[default]
    Basic,
    Advanced,
    Expert,
    Premier,
    Paragon,
    Prime,
}

impl KalshiTier {
    pub const ALL: [KalshiTier; 6] = [
        KalshiTier::Basic,
        KalshiTier::Advanced,
        KalshiTier::Expert,
        KalshiTier::Premier,
        KalshiTier::Paragon,
        KalshiTier::Prime,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            KalshiTier::Basic => "basic",
            KalshiTier::Advanced => "advanced",
            KalshiTier::Expert => "expert",
            KalshiTier::Premier => "premier",
            KalshiTier::Paragon => "paragon",
            KalshiTier::Prime => "prime",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Read tokens refilled per second: Basic 200 (recorded `GET /account/limits`, Jul 2026),
    /// Advanced 300, Expert 600, Premier 1,200, Paragon 2,400, Prime 4,800 (research notes,
    /// Sept 2026).
    pub fn read_tokens_per_sec(self) -> f64 {
        match self {
            KalshiTier::Basic => 200.0,
            KalshiTier::Advanced => 300.0,
            KalshiTier::Expert => 600.0,
            KalshiTier::Premier => 1_200.0,
            KalshiTier::Paragon => 2_400.0,
            KalshiTier::Prime => 4_800.0,
        }
    }

    /// Reads a second at the default cost.
    pub fn reads_per_sec(self) -> f64 {
        self.read_tokens_per_sec() / TOKENS_PER_REQUEST
    }

    /// Reads the bucket holds: two seconds of refill (Basic's recorded capacity is 400 for 200
    /// a second; the other tiers' capacities are not published, and are taken alike).
    pub fn read_burst(self) -> f64 {
        2.0 * self.reads_per_sec()
    }
}

/// Requests kept in hand below the venue's burst, so that requests bunched up in flight do not
/// arrive as more than the venue's bucket holds.
const BURST_MARGIN: f64 = 4.0;

/// `GET /events` filters.
#[derive(Debug, Clone, Default)]
pub struct EventsQuery {
    pub series_ticker: Option<String>,
    /// Filter value: `unopened`, `open`, `closed`, `settled`.
    pub status: Option<&'static str>,
    pub with_nested_markets: bool,
    /// 1..=200.
    pub limit: u32,
}

/// `GET /markets` filters.
#[derive(Debug, Clone, Default)]
pub struct MarketsQuery {
    pub series_ticker: Option<String>,
    pub event_ticker: Option<String>,
    pub status: Option<&'static str>,
    /// `exclude` leaves out multivariate (MVE) markets, which are included by default.
    pub mve_filter: Option<&'static str>,
    /// 1..=1000.
    pub limit: u32,
}

/// The client. Cheap to clone; clones share the rate limit.
#[derive(Debug, Clone)]
pub struct KalshiClient {
    rest: RestClient,
    /// Orders go through a client that never retries by itself (see `orders`).
    writes: RestClient,
    /// `HTTP_PROXY`, kept for a write client made again with another timeout.
    proxy: Option<String>,
    base: String,
    signer: Option<Arc<KalshiSigner>>,
    reads: Arc<TokenBucket>,
}

impl KalshiClient {
    /// `base` is `KALSHI_API_URL` (…/trade-api/v2); the Basic tier's limits.
    pub fn new(base: &str, signer: Option<Arc<KalshiSigner>>, proxy: Option<String>) -> Result<Self, NetError> {
        Self::with_tier(base, signer, proxy, KalshiTier::Basic)
    }

    /// The client within `tier`'s read limits.
    pub fn with_tier(
        base: &str,
        signer: Option<Arc<KalshiSigner>>,
        proxy: Option<String>,
        tier: KalshiTier,
    ) -> Result<Self, NetError> {
        let mut config = RestConfig::new("kalshi");
        config.proxy = proxy.clone();
        let writes = RestConfig { max_retries: 0, timeout: super::orders::ORDER_TIMEOUT, ..config.clone() };
        let burst = (tier.read_burst() - BURST_MARGIN).max(1.0);
        Ok(Self {
            rest: RestClient::new(config)?,
            writes: RestClient::new(writes)?,
            proxy,
            base: base.trim_end_matches('/').to_string(),
            signer,
            reads: Arc::new(TokenBucket::new("kalshi-read", burst, tier.reads_per_sec())),
        })
    }

    pub fn rest(&self) -> &RestClient {
        &self.rest
    }

    /// The same client with orders answered within `timeout` (or looked for after it).
    pub fn with_order_timeout(mut self, timeout: std::time::Duration) -> Result<Self, NetError> {
        let mut config = RestConfig::new("kalshi");
        (config.max_retries, config.timeout, config.proxy) = (0, timeout, self.proxy.clone());
        self.writes = RestClient::new(config)?;
        Ok(self)
    }

    pub(crate) fn writes(&self) -> &RestClient {
        &self.writes
    }

    pub(crate) fn base(&self) -> &str {
        &self.base
    }

    pub(crate) fn signer(&self) -> Option<&KalshiSigner> {
        self.signer.as_deref()
    }

    /// The read limiter, for tools that compute what the limits allow.
    pub fn read_bucket(&self) -> &TokenBucket {
        &self.reads
    }

    pub(crate) fn read_call(&self, path: &str) -> Call<'_> {
        Call::get(format!("{}{}", self.base, path))
            .limit(&self.reads, 1.0)
            .signed(self.signer.as_deref().map(|s| s as &dyn SignRequest))
    }

    /// `GET /series?category=…` (not paginated).
    pub async fn series(&self, category: Option<&str>) -> Result<KalshiSeriesList, NetError> {
        let mut call = self.read_call("/series");
        if let Some(c) = category {
            call = call.query("category", c);
        }
        self.rest.json(&call).await
    }

    /// One page of `GET /events`.
    pub async fn events_page(&self, q: &EventsQuery, cursor: Option<&str>) -> Result<KalshiEventsPage, NetError> {
        let mut call = self.read_call("/events").query("limit", q.limit.clamp(1, 200));
        if let Some(s) = &q.series_ticker {
            call = call.query("series_ticker", s);
        }
        if let Some(s) = q.status {
            call = call.query("status", s);
        }
        if q.with_nested_markets {
            call = call.query("with_nested_markets", "true");
        }
        if let Some(c) = cursor.filter(|c| !c.is_empty()) {
            call = call.query("cursor", c);
        }
        self.rest.json(&call).await
    }

    /// One page of `GET /markets`.
    pub async fn markets_page(&self, q: &MarketsQuery, cursor: Option<&str>) -> Result<KalshiMarketsPage, NetError> {
        let mut call = self.read_call("/markets").query("limit", q.limit.clamp(1, 1000));
        if let Some(s) = &q.series_ticker {
            call = call.query("series_ticker", s);
        }
        if let Some(s) = &q.event_ticker {
            call = call.query("event_ticker", s);
        }
        if let Some(s) = q.status {
            call = call.query("status", s);
        }
        if let Some(f) = q.mve_filter {
            call = call.query("mve_filter", f);
        }
        if let Some(c) = cursor.filter(|c| !c.is_empty()) {
            call = call.query("cursor", c);
        }
        self.rest.json(&call).await
    }

    /// `GET /markets?tickers=…`: the markets named (up to [`BATCH_MARKETS`]), as they stand now.
    pub async fn markets_by_ticker(&self, tickers: &[String]) -> Result<KalshiMarketsPage, NetError> {
        let list: Vec<&str> = tickers.iter().take(BATCH_MARKETS).map(String::as_str).collect();
        let call = self.read_call("/markets").query("limit", list.len().max(1)).query("tickers", list.join(","));
        self.rest.json(&call).await
    }

    /// `GET /markets/{ticker}/orderbook` (all levels).
    pub async fn orderbook(&self, ticker: &str) -> Result<KalshiOrderbookResponse, NetError> {
        let call = self.read_call(&format!("/markets/{ticker}/orderbook"));
        self.rest.json(&call).await
    }
}

/// Most tickers one `GET /markets/orderbooks` takes.
pub const BATCH_BOOKS: usize = 100;
/// Most tickers crossbook names in one `GET /markets?tickers=…`.
pub const BATCH_MARKETS: usize = 100;

impl KalshiClient {
    /// `GET /markets/orderbooks?tickers=…`: up to [`BATCH_BOOKS`] books in one request (one read
    /// of the limit). The venue requires authentication here.
    pub async fn orderbooks(&self, tickers: &[String]) -> Result<KalshiOrderbooksResponse, NetError> {
        let mut call = self.read_call("/markets/orderbooks");
        for t in tickers.iter().take(BATCH_BOOKS) {
            call = call.query("tickers", t);
        }
        self.rest.json(&call).await
    }
}

/// Whether a page cursor means "more": Kalshi ends with `""` (or, in old responses, null).
pub fn has_more(cursor: &Option<String>) -> bool {
    cursor.as_deref().is_some_and(|c| !c.is_empty())
}
