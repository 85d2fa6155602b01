//! A JSON REST client for one venue: rate limits, retries with backoff that honour
//! `Retry-After`, timeouts, proxy, and decoding errors that name the JSON path.

use std::sync::Arc;
use std::time::Duration;

use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use serde::de::DeserializeOwned;

use crate::backoff::Backoff;
use crate::error::NetError;
use crate::limiter::TokenBucket;

/// Adds authentication headers to a request (Kalshi signs `timestamp + METHOD + path`).
pub trait SignRequest: Send + Sync + std::fmt::Debug {
    /// Headers for `method` on `path` (the URL path without the query string).
    fn headers(&self, method: &str, path: &str) -> Result<Vec<(&'static str, String)>, String>;
}

/// Counters and the request latency of one client, as Prometheus metrics (clones share the
/// values: the exposition registers them), read by benchmarks too.
#[derive(Debug)]
pub struct NetStats {
    pub requests: Counter,
    pub rate_limited: Counter,
    pub server_errors: Counter,
    pub retries: Counter,
    pub malformed: Counter,
    /// Seconds from sending a request to its last body byte.
    pub latency: Histogram,
}

impl Default for NetStats {
    fn default() -> Self {
        Self {
            requests: Counter::default(),
            rate_limited: Counter::default(),
            server_errors: Counter::default(),
            retries: Counter::default(),
            malformed: Counter::default(),
            latency: Histogram::new(exponential_buckets(0.001, 2.0, 16)),
        }
    }
}

impl NetStats {
    pub fn get(c: &Counter) -> u64 {
        c.get()
    }
}

/// How a client behaves.
#[derive(Debug, Clone)]
pub struct RestConfig {
    /// Venue name for logs and errors.
    pub venue: &'static str,
    pub timeout: Duration,
    /// Retries after the first attempt.
    pub max_retries: u32,
    pub backoff: Backoff,
    /// `HTTP_PROXY`, when set.
    pub proxy: Option<String>,
}

impl RestConfig {
    pub fn new(venue: &'static str) -> Self {
        Self { venue, timeout: Duration::from_secs(20), max_retries: 8, backoff: Backoff::default(), proxy: None }
    }
}

/// One request.
#[derive(Debug)]
pub struct Call<'a> {
    pub method: reqwest::Method,
    pub url: String,
    pub query: Vec<(&'static str, String)>,
    pub body: Option<serde_json::Value>,
    /// Buckets this request draws from (endpoint class, then venue-wide), with its cost.
    pub limits: Vec<(&'a TokenBucket, f64)>,
    pub signer: Option<&'a dyn SignRequest>,
}

impl<'a> Call<'a> {
    pub fn get(url: impl Into<String>) -> Self {
        Self {
            method: reqwest::Method::GET,
            url: url.into(),
            query: Vec::new(),
            body: None,
            limits: Vec::new(),
            signer: None,
        }
    }

    pub fn post(url: impl Into<String>, body: serde_json::Value) -> Self {
        Self { method: reqwest::Method::POST, body: Some(body), ..Self::get(url) }
    }

    pub fn query(mut self, key: &'static str, value: impl ToString) -> Self {
        self.query.push((key, value.to_string()));
        self
    }

    pub fn limit(mut self, bucket: &'a TokenBucket, cost: f64) -> Self {
        self.limits.push((bucket, cost));
        self
    }

    pub fn signed(mut self, signer: Option<&'a dyn SignRequest>) -> Self {
        self.signer = signer;
        self
    }
}

/// The client. Cheap to clone.
#[derive(Debug, Clone)]
pub struct RestClient {
    http: reqwest::Client,
    config: Arc<RestConfig>,
    stats: Arc<NetStats>,
    /// Where successful answers are copied when recording (`crossbook record`).
    recorder: Arc<std::sync::OnceLock<Recorder>>,
}

/// What a recorder does with an answer: the request's path with its query, and the body.
pub type RecordFn = dyn Fn(&str, &[u8]) + Send + Sync;

/// Receives every successful answer.
#[derive(Clone)]
pub struct Recorder(pub Arc<RecordFn>);

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Recorder")
    }
}

impl RestClient {
    pub fn new(config: RestConfig) -> Result<Self, NetError> {
        let mut builder = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("crossbook/", env!("CARGO_PKG_VERSION")))
            .pool_max_idle_per_host(16);
        if let Some(p) = &config.proxy {
            let proxy = reqwest::Proxy::all(p).map_err(|_| NetError::Request {
                venue: config.venue,
                detail: "HTTP_PROXY is not a valid proxy URL".into(),
            })?;
            builder = builder.proxy(proxy);
        } else {
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|e| NetError::Request { venue: config.venue, detail: e.to_string() })?;
        Ok(Self { http, config: Arc::new(config), stats: Arc::new(NetStats::default()), recorder: Default::default() })
    }

    /// Copies every successful answer of this client (and its clones) to `r` from now on; a
    /// client records to one recorder at most (false when one is set already).
    pub fn record_to(&self, r: Recorder) -> bool {
        self.recorder.set(r).is_ok()
    }

    pub fn venue(&self) -> &'static str {
        self.config.venue
    }

    pub fn stats(&self) -> &NetStats {
        &self.stats
    }

    /// Sends the call, retrying what can be retried (for [`RETRY_DEADLINE`] at most, whatever
    /// the venue's `Retry-After` says), and decodes the JSON body into `T`.
    pub async fn json<T: DeserializeOwned>(&self, call: &Call<'_>) -> Result<T, NetError> {
        let venue = self.config.venue;
        let path = url_path(&call.url);
        let started = std::time::Instant::now();
        let mut attempt = 0;
        loop {
            let result = self.once::<T>(call, &path).await;
            let err = match result {
                Ok(v) => return Ok(v),
                Err((e, _)) if !e.is_retryable() || attempt >= self.config.max_retries => {
                    return Err(e);
                }
                Err(e) => e,
            };
            let (e, retry_after) = err;
            let mut wait = self.config.backoff.delay(attempt);
            if let Some(ra) = retry_after {
                wait = wait.max(ra);
                for (bucket, _) in &call.limits {
                    bucket.penalize(ra);
                }
            }
            if started.elapsed() + wait > RETRY_DEADLINE {
                tracing::warn!(venue, path = %path, attempt, error = %e, "giving up: retries would pass their deadline");
                return Err(e);
            }
            self.stats.retries.inc();
            tracing::warn!(venue, path = %path, attempt, wait_ms = wait.as_millis() as u64, error = %e, "retrying");
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    async fn once<T: DeserializeOwned>(&self, call: &Call<'_>, path: &str) -> Result<T, (NetError, Option<Duration>)> {
        let venue = self.config.venue;
        for (bucket, cost) in &call.limits {
            bucket.acquire(*cost).await;
        }
        let mut req = self.http.request(call.method.clone(), &call.url).query(&call.query);
        if let Some(body) = &call.body {
            req = req.header(reqwest::header::CONTENT_TYPE, "application/json").body(body.to_string());
        }
        if let Some(signer) = call.signer {
            let mut headers = HeaderMap::new();
            let pairs = signer
                .headers(call.method.as_str(), path)
                .map_err(|detail| (NetError::Request { venue, detail }, None))?;
            for (k, v) in pairs {
                let value = HeaderValue::from_str(&v)
                    .map_err(|_| (NetError::Request { venue, detail: format!("bad header value for {k}") }, None))?;
                headers.insert(HeaderName::from_static(k), value);
            }
            req = req.headers(headers);
        }
        self.stats.requests.inc();
        let sent = std::time::Instant::now();
        let resp = req.send().await.map_err(|e| (transport(venue, path, &e), None))?;
        let status = resp.status().as_u16();
        if status == 429 {
            self.stats.rate_limited.inc();
            let ra = retry_after(resp.headers());
            return Err((
                NetError::RateLimited { venue, path: path.into(), retry_after: ra },
                ra.or(Some(Duration::ZERO)),
            ));
        }
        let bytes = read_capped(resp, venue, path).await?;
        self.stats.latency.observe(sent.elapsed().as_secs_f64());
        if !(200..300).contains(&status) {
            if status >= 500 {
                self.stats.server_errors.inc();
            }
            let body = String::from_utf8_lossy(&bytes);
            return Err((NetError::from_http_status(venue, path, status, &body), None));
        }
        let decoded = decode(venue, path, &bytes).map_err(|e| {
            self.stats.malformed.inc();
            (e, None)
        })?;
        if let Some(r) = self.recorder.get() {
            let query: Vec<String> = call.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
            (r.0)(&format!("{path}?{}", query.join("&")), &bytes);
        }
        Ok(decoded)
    }
}

/// How long one call may spend retrying.
pub const RETRY_DEADLINE: Duration = Duration::from_secs(120);

/// The largest body a venue may send (the largest real page is a few MB).
pub const MAX_BODY: usize = 64 * 1024 * 1024;

/// Reads a body, refusing one over [`MAX_BODY`] before holding it all.
async fn read_capped(
    mut resp: reqwest::Response,
    venue: &'static str,
    path: &str,
) -> Result<Vec<u8>, (NetError, Option<Duration>)> {
    let too_big =
        || (NetError::Request { venue, detail: format!("{path}: body over {} MiB refused", MAX_BODY >> 20) }, None);
    if resp.content_length().is_some_and(|n| n as usize > MAX_BODY) {
        return Err(too_big());
    }
    let mut out = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| (transport(venue, path, &e), None))? {
        if out.len() + chunk.len() > MAX_BODY {
            return Err(too_big());
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// Decodes JSON, naming the path of the first problem.
pub fn decode<T: DeserializeOwned>(venue: &'static str, path: &str, bytes: &[u8]) -> Result<T, NetError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| NetError::Malformed {
        venue,
        path: path.into(),
        json_path: e.path().to_string(),
        detail: e.inner().to_string(),
    })
}

fn transport(venue: &'static str, path: &str, e: &reqwest::Error) -> NetError {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot connect"
    } else {
        "transport error"
    };
    // reqwest's Display may include the URL (never a secret here: secrets travel in headers).
    NetError::Transport { venue, path: path.into(), detail: format!("{kind}: {e}") }
}

/// `Retry-After` in seconds (HTTP-date is not used by these venues).
fn retry_after(h: &HeaderMap) -> Option<Duration> {
    let v = h.get(RETRY_AFTER)?.to_str().ok()?.trim();
    v.parse::<f64>().ok().filter(|s| s.is_finite() && *s >= 0.0).map(|s| Duration::from_secs_f64(s.min(60.0)))
}

/// The path of a URL without scheme, host or query: what Kalshi signs.
pub fn url_path(url: &str) -> String {
    let after_scheme = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let path = after_scheme.find('/').map(|i| &after_scheme[i..]).unwrap_or("/");
    path.split(['?', '#']).next().unwrap_or("/").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_excludes_host_and_query() {
        assert_eq!(
            url_path("https://api.x.com/trade-api/v2/portfolio/orders?limit=5"),
            "/trade-api/v2/portfolio/orders"
        );
        assert_eq!(url_path("http://127.0.0.1:8080"), "/");
    }

    #[test]
    fn decode_errors_name_the_json_path() {
        #[derive(Debug, serde::Deserialize)]
        struct Page {
            #[allow(dead_code)]
            markets: Vec<Item>,
        }
        #[derive(Debug, serde::Deserialize)]
        struct Item {
            #[allow(dead_code)]
            ticker: String,
        }
        let err = decode::<Page>("kalshi", "/markets", br#"{"markets":[{"ticker":"A"},{"ticker":7}]}"#).unwrap_err();
        match err {
            NetError::Malformed { json_path, .. } => assert_eq!(json_path, "markets[1].ticker"),
            other => panic!("{other:?}"),
        }
    }

    /// A loopback server answering every connection with `head` and then `chunks` chunks of
    /// 1 MiB (chunked encoding).
    async fn serve(head: &'static str, chunks: usize) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/big", listener.local_addr().unwrap());
        tokio::spawn(async move {
            while let Ok((mut s, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut buf = [0u8; 4096];
                    let _ = s.read(&mut buf).await;
                    let _ = s.write_all(head.as_bytes()).await;
                    let chunk = vec![b' '; 1 << 20];
                    for _ in 0..chunks {
                        let _ = s.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).await;
                        if s.write_all(&chunk).await.is_err() {
                            return;
                        }
                        let _ = s.write_all(b"\r\n").await;
                    }
                    let _ = s.write_all(b"0\r\n\r\n").await;
                });
            }
        });
        url
    }

    /// A body past the cap is refused — declared or streamed — without holding it all, and is
    /// not asked for again.
    #[tokio::test]
    async fn bodies_over_the_cap_are_refused() {
        let client = RestClient::new(RestConfig::new("test")).unwrap();
        let chunked = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        let url = serve(chunked, (MAX_BODY >> 20) + 2).await;
        let e = client.json::<serde_json::Value>(&Call::get(url)).await.unwrap_err();
        assert!(e.to_string().contains("body over 64 MiB"), "{e}");
        let declared = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 999999999999\r\n\r\n";
        let url = serve(declared, 0).await;
        let e = client.json::<serde_json::Value>(&Call::get(url)).await.unwrap_err();
        assert!(e.to_string().contains("body over 64 MiB"), "{e}");
        assert_eq!(NetStats::get(&client.stats().requests), 2, "never retried");
    }

    #[test]
    fn retry_after_seconds() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("2"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(2)));
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h), None);
    }
}
