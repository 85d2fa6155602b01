//! Gamma REST client: keyset pagination (`/events/keyset` up to 500 a page, `/markets/keyset`
//! up to 100, `after_cursor` → `next_cursor`, absent on the last page), the offset list
//! endpoints where keyset is refused (they answer 422 past about 2,000), Gamma's published
//! limits.
//!
//! References: <https://docs.polymarket.com/quickstart/introduction/rate-limits>

use std::sync::Arc;
use std::time::Duration;

use crossbook_net::{Call, NetError, RestClient, RestConfig, TokenBucket};
use serde_json::value::RawValue;

/// Gamma's limits per 10 s: general 4000, `/events` 500, `/markets` 300, listing combined 900.
#[derive(Debug)]
pub struct GammaLimits {
    pub general: TokenBucket,
    pub events: TokenBucket,
    pub markets: TokenBucket,
    pub listing: TokenBucket,
}

impl Default for GammaLimits {
    fn default() -> Self {
        let ten = Duration::from_secs(10);
        Self {
            general: TokenBucket::per_window("gamma", 4000, ten, 4000),
            events: TokenBucket::per_window("gamma-events", 500, ten, 500),
            markets: TokenBucket::per_window("gamma-markets", 300, ten, 300),
            listing: TokenBucket::per_window("gamma-listing", 900, ten, 900),
        }
    }
}

/// Largest page Gamma serves on the offset list endpoints and `/events/keyset`.
pub const MAX_PAGE: u32 = 500;
/// Largest page of `/markets/keyset`.
pub const MAX_MARKETS_KEYSET_PAGE: u32 = 100;

/// Which listing a scan pages through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// Events with their nested markets.
    Events,
    /// Markets, each with its `events`.
    Markets,
}

impl Listing {
    /// The largest keyset page.
    pub fn keyset_page(self) -> u32 {
        match self {
            Listing::Events => MAX_PAGE,
            Listing::Markets => MAX_MARKETS_KEYSET_PAGE,
        }
    }

    pub fn path(self) -> &'static str {
        match self {
            Listing::Events => "/events",
            Listing::Markets => "/markets",
        }
    }
}

/// The client. Clones share the limits.
#[derive(Debug, Clone)]
pub struct GammaClient {
    rest: RestClient,
    base: String,
    limits: Arc<GammaLimits>,
}

impl GammaClient {
    /// `base` is `POLYMARKET_GAMMA_URL`.
    pub fn new(base: &str, proxy: Option<String>) -> Result<Self, NetError> {
        let mut config = RestConfig::new("polymarket");
        config.proxy = proxy;
        Ok(Self {
            rest: RestClient::new(config)?,
            base: base.trim_end_matches('/').to_string(),
            limits: Arc::new(GammaLimits::default()),
        })
    }

    pub fn rest(&self) -> &RestClient {
        &self.rest
    }

    pub fn limits(&self) -> &GammaLimits {
        &self.limits
    }

    fn get(&self, path: &str) -> Call<'_> {
        Call::get(format!("{}{}", self.base, path)).limit(&self.limits.general, 1.0)
    }

    /// `GET /sports`.
    pub async fn sports(&self) -> Result<Vec<Box<RawValue>>, NetError> {
        self.rest.json(&self.get("/sports")).await
    }

    /// One page of `GET /teams`.
    pub async fn teams_page(
        &self,
        league: Option<&str>,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<Box<RawValue>>, NetError> {
        let mut call = self.get("/teams").query("limit", limit).query("offset", offset);
        if let Some(l) = league {
            call = call.query("league", l);
        }
        self.rest.json(&call).await
    }

    /// One page of `GET /events` (each with nested markets).
    pub async fn events_page(
        &self,
        tag_id: Option<&str>,
        closed: Option<bool>,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<Box<RawValue>>, NetError> {
        self.list_page("/events", &self.limits.events, tag_id, closed, limit, offset).await
    }

    /// One page of `GET /markets` (each with its `events`).
    pub async fn markets_page(
        &self,
        tag_id: Option<&str>,
        closed: Option<bool>,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<Box<RawValue>>, NetError> {
        self.list_page("/markets", &self.limits.markets, tag_id, closed, limit, offset).await
    }

    /// `GET /markets?id=…&id=…`: the markets named (up to [`MAX_MARKETS_KEYSET_PAGE`]), as
    /// they stand now.
    pub async fn markets_by_id(&self, ids: &[String]) -> Result<Vec<Box<RawValue>>, NetError> {
        let ids = &ids[..ids.len().min(MAX_MARKETS_KEYSET_PAGE as usize)];
        let mut call = self
            .get("/markets")
            .limit(&self.limits.markets, 1.0)
            .limit(&self.limits.listing, 1.0)
            .query("limit", ids.len().max(1));
        for id in ids {
            call = call.query("id", id);
        }
        self.rest.json(&call).await
    }

    /// One page of `GET /events/keyset` or `GET /markets/keyset` after `cursor` (none: the first).
    pub async fn keyset_page(
        &self,
        listing: Listing,
        tag_id: Option<&str>,
        closed: Option<bool>,
        cursor: Option<&str>,
    ) -> Result<crate::gamma::models::GammaKeysetPage, NetError> {
        let bucket = match listing {
            Listing::Events => &self.limits.events,
            Listing::Markets => &self.limits.markets,
        };
        let mut call = self
            .get(&format!("{}/keyset", listing.path()))
            .limit(bucket, 1.0)
            .limit(&self.limits.listing, 1.0)
            .query("limit", listing.keyset_page());
        if let Some(t) = tag_id {
            call = call.query("tag_id", t);
        }
        if let Some(c) = closed {
            call = call.query("closed", c);
        }
        if let Some(c) = cursor.filter(|c| !c.is_empty()) {
            call = call.query("after_cursor", c);
        }
        self.rest.json(&call).await
    }

    /// A page of a listing endpoint: its own limit, the combined listing limit, the filters.
    async fn list_page(
        &self,
        path: &str,
        bucket: &TokenBucket,
        tag_id: Option<&str>,
        closed: Option<bool>,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<Box<RawValue>>, NetError> {
        let mut call = self
            .get(path)
            .limit(bucket, 1.0)
            .limit(&self.limits.listing, 1.0)
            .query("limit", limit.clamp(1, MAX_PAGE))
            .query("offset", offset);
        if let Some(t) = tag_id {
            call = call.query("tag_id", t);
        }
        if let Some(c) = closed {
            call = call.query("closed", c);
        }
        self.rest.json(&call).await
    }
}
