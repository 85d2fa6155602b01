//! CLOB REST client for market data: book, books (batched), price.

use std::sync::Arc;
use std::time::Duration;

use crossbook_net::{Call, NetError, RestClient, RestConfig, TokenBucket};

use super::models::{ClobBook, ClobPrice};

/// Most token ids per `POST /books` request.
pub const BOOKS_BATCH: usize = 100;

/// CLOB limits per 10 s: general 9000, `/book` 1500, `/books` 500, `/price` 1500.
#[derive(Debug)]
pub struct ClobLimits {
    pub general: TokenBucket,
    pub book: TokenBucket,
    pub books: TokenBucket,
    pub price: TokenBucket,
}

impl Default for ClobLimits {
    fn default() -> Self {
        let ten = Duration::from_secs(10);
        Self {
            general: TokenBucket::per_window("clob", 9000, ten, 9000),
            book: TokenBucket::per_window("clob-book", 1500, ten, 1500),
            books: TokenBucket::per_window("clob-books", 500, ten, 500),
            price: TokenBucket::per_window("clob-price", 1500, ten, 1500),
        }
    }
}

/// The client. Clones share the limits.
#[derive(Debug, Clone)]
pub struct ClobClient {
    rest: RestClient,
    base: String,
    limits: Arc<ClobLimits>,
}

impl ClobClient {
    /// `base` is `POLYMARKET_CLOB_URL`.
    pub fn new(base: &str, proxy: Option<String>) -> Result<Self, NetError> {
        let mut config = RestConfig::new("polymarket");
        config.proxy = proxy;
        Ok(Self {
            rest: RestClient::new(config)?,
            base: base.trim_end_matches('/').to_string(),
            limits: Arc::new(ClobLimits::default()),
        })
    }

    pub fn rest(&self) -> &RestClient {
        &self.rest
    }

    /// `GET /book?token_id=`.
    pub async fn book(&self, token_id: &str) -> Result<ClobBook, NetError> {
        let call = Call::get(format!("{}/book", self.base))
            .limit(&self.limits.general, 1.0)
            .limit(&self.limits.book, 1.0)
            .query("token_id", token_id);
        self.rest.json(&call).await
    }

    /// The limits its requests draw on.
    pub fn limits(&self) -> &ClobLimits {
        &self.limits
    }

    /// `POST /books` in batches of [`BOOKS_BATCH`].
    pub async fn books(&self, token_ids: &[String]) -> Result<Vec<ClobBook>, NetError> {
        let mut out = Vec::with_capacity(token_ids.len());
        for chunk in token_ids.chunks(BOOKS_BATCH) {
            let body = serde_json::Value::Array(chunk.iter().map(|t| serde_json::json!({"token_id": t})).collect());
            let call = Call::post(format!("{}/books", self.base), body)
                .limit(&self.limits.general, 1.0)
                .limit(&self.limits.books, 1.0);
            out.extend(self.rest.json::<Vec<ClobBook>>(&call).await?);
        }
        Ok(out)
    }

    /// `GET /price?token_id=&side=BUY|SELL`.
    pub async fn price(&self, token_id: &str, side: &str) -> Result<ClobPrice, NetError> {
        let call = Call::get(format!("{}/price", self.base))
            .limit(&self.limits.general, 1.0)
            .limit(&self.limits.price, 1.0)
            .query("token_id", token_id)
            .query("side", side);
        self.rest.json(&call).await
    }
}
