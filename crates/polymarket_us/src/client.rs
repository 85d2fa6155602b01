//! The public gateway (`POLYMARKET_US_API_URL`, `https://gateway.polymarket.us/v1`): events with
//! their markets, paged by `limit` and `offset` (as the venue's SDK pages them), and each
//! market's book, without a key. One limit for the venue: 20 requests a second.

use std::sync::Arc;
use std::time::Duration;

use crossbook_net::{Call, NetError, RestClient, RestConfig, TokenBucket};

use crate::models::EventsPage;

/// The largest page asked for (the size real scans page by).
pub const PAGE: u32 = 100;

/// The client. Clones share the limit.
#[derive(Debug, Clone)]
pub struct UsClient {
    rest: RestClient,
    base: String,
    limit: Arc<TokenBucket>,
}

impl UsClient {
    /// `base` is `POLYMARKET_US_API_URL`.
    pub fn new(base: &str, proxy: Option<String>) -> Result<Self, NetError> {
        let mut config = RestConfig::new("polymarket_us");
        config.proxy = proxy;
        Ok(Self {
            rest: RestClient::new(config)?,
            base: base.trim_end_matches('/').to_string(),
            limit: Arc::new(TokenBucket::per_window("polymarket_us", 20, Duration::from_secs(1), 20)),
        })
    }

    pub fn rest(&self) -> &RestClient {
        &self.rest
    }

    fn get(&self, path: &str) -> Call<'_> {
        Call::get(format!("{}{}", self.base, path)).limit(&self.limit, 1.0)
    }

    /// One page of `GET /events?active=true&closed=false` (each with its markets).
    pub async fn events_page(&self, offset: u32) -> Result<EventsPage, NetError> {
        let call = self
            .get("/events")
            .query("active", true)
            .query("closed", false)
            .query("limit", PAGE)
            .query("offset", offset);
        self.rest.json(&call).await
    }

    /// `GET /markets/{slug}/book`: the long side's book ([`crate::models::BookResponse`], or the answer as
    /// sent). A slug that is not a path segment (the venue's are letters, digits and hyphens) is
    /// refused before any request.
    pub async fn book<T: serde::de::DeserializeOwned>(&self, slug: &str) -> Result<T, NetError> {
        if slug.is_empty() || !slug.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.') {
            return Err(NetError::Request { venue: "polymarket_us", detail: format!("not a market slug: {slug:?}") });
        }
        self.rest.json(&self.get(&format!("/markets/{slug}/book"))).await
    }
}
