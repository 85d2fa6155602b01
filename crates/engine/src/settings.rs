//! Typed, strict settings. The names and meanings are the contract of ARCHITECTURE.md; where a
//! value comes from (flag, environment, `.env`) is the CLI's business: this module reads through
//! a lookup function, so it needs no process state and is tested as a pure function.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use crossbook_model::Topic;
use crossbook_store::DatabaseUrl;
use secrecy::SecretString;

/// A setting that stops startup. The message names the variable and never repeats a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name}: {reason}")]
pub struct SettingError {
    pub name: &'static str,
    pub reason: String,
}

/// Which Kalshi environment the default hosts point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KalshiMode {
    Prod,
    Demo,
}

/// How quotes are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotesMode {
    /// Only markets on the watchlist.
    Watchlist,
    /// No quote feeds.
    Off,
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// Venue endpoints; the real hosts unless pointed elsewhere (e.g. at `crossbook sim`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub kalshi_api: String,
    pub kalshi_ws: String,
    pub polymarket_gamma: String,
    pub polymarket_clob: String,
    pub polymarket_ws: String,
    /// Polymarket's sports (live scores) socket.
    pub polymarket_sports_ws: String,
    /// Polymarket US's public gateway (events, markets, books; no key).
    pub polymarket_us_api: String,
}

/// Every setting, typed.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: DatabaseUrl,
    pub sports_only_mode: bool,
    pub focus_topics: Vec<Topic>,
    pub exclude_mve_markets: bool,
    pub quotes_mode: QuotesMode,
    pub quotes_interval: Duration,
    pub quotes_watchlist_limit: usize,
    pub watchlist_priority_threshold: Duration,
    /// Watch suggested links too (default: confirmed only).
    pub watchlist_include_suggested: bool,
    /// A quote older than this never makes an opportunity.
    pub quote_stale_after: Duration,
    /// Build opportunities on games already started (in-play); off by default.
    pub allow_in_play: bool,
    /// How the Kalshi account's balance is rounded: a cent (`cent`, the default, for accounts
    /// that are not direct members of the exchange) or $0.0001 (`centicent`). Its fees follow.
    pub kalshi_balance_precision: crossbook_arb::BalancePrecision,
    /// Alerts only for opportunities with at least this edge per set (`ALERT_MIN_EDGE`, dollars).
    pub alert_min_edge: crossbook_model::Money,
    /// … and at least this profit at their size (`ALERT_MIN_PROFIT`, dollars).
    pub alert_min_profit: crossbook_model::Money,
    /// `near_start` (default: games starting within ALERT_NEAR_START_MINUTES) or `all`.
    pub alert_near_start_only: bool,
    /// Whether in-play opportunities alert (`ALERT_IN_PLAY`, default false).
    pub alert_in_play: bool,
    /// How near its start a game's opportunity alerts in the `near_start` scope
    /// (`ALERT_NEAR_START_MINUTES`, default 120, counted to the game's start).
    pub alert_near_start: Duration,
    /// No second alert for a link and direction within this (`ALERT_COOLDOWN_SECONDS`, default
    /// 600; 0: none) …
    pub alert_cooldown: Duration,
    /// … unless its profit moved by at least this percent of the alerted one
    /// (`ALERT_REALERT_PROFIT_CHANGE_PERCENT`, default 50; 0: never) …
    pub alert_realert_profit_change_percent: u64,
    /// … or it closed and opened again (`ALERT_REALERT_ON_REOPEN`, default false).
    pub alert_realert_on_reopen: bool,
    /// The trader's time zone, an IANA name (`TIME_ZONE`, default UTC): alerts, the dashboard,
    /// the report and the CLI's text show times in it.
    pub time_zone: chrono_tz::Tz,
    pub kalshi_mode: KalshiMode,
    /// Kalshi's access tier (`KALSHI_TIER`, default basic): its read limit.
    pub kalshi_tier: crossbook_kalshi::KalshiTier,
    pub kalshi_api_key_id: Option<String>,
    pub kalshi_private_key_path: Option<PathBuf>,
    pub http_proxy: Option<SecretString>,
    pub eligibility_lookback_hours_sports: u64,
    pub eligibility_grace_minutes: u64,
    pub ops_interval: Duration,
    pub ops_auto_confirm: bool,
    pub ops_auto_reject: bool,
    pub enable_live_events_monitor: bool,
    pub live_event_threshold: Duration,
    pub alert_webhook_url: Option<SecretString>,
    /// Token that API changes need when the server is not bound to loopback.
    pub api_token: Option<SecretString>,
    pub log_level: String,
    pub log_file: Option<PathBuf>,
    pub log_format: LogFormat,
    /// Where `run` keeps its local state (the writer's spool, the last watch snapshot): the
    /// folder `crossbook-state` beside an SQLite file or in the working folder for PostgreSQL;
    /// none for an in-memory database.
    pub state_dir: Option<PathBuf>,
    pub endpoints: Endpoints,
    /// The venues ingested, matched and watched (`VENUES`, comma-separated; default
    /// `kalshi,polymarket`; `polymarket_us` is the third).
    pub venues: Vec<crossbook_model::Venue>,
    /// Pinned clock for replays (`CROSSBOOK_NOW`).
    pub now: Option<DateTime<Utc>>,
    /// What is done with an opportunity: nothing, paper trades, or orders.
    pub execution: ExecutionSettings,
}

/// How opportunities are taken (`EXECUTION_*`, `PAPER_BALANCES`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutionSettings {
    /// `EXECUTION_MODE`: `off` (default) or `paper`; `live` is refused until live orders exist.
    pub mode: crossbook_model::ExecutionMode,
    /// `EXECUTION_LATENCY_MS` (`venue:ms,…`): sending an order to its reaching the venue's book.
    pub latency_ms: Vec<(crossbook_model::Venue, u64)>,
    /// `EXECUTION_SLIPPAGE`: how much worse per contract a hedge may buy or an unwind sell.
    pub slippage: crossbook_model::Price,
    /// `EXECUTION_MAX_CONTRACTS`: the most contracts one trade buys per leg.
    pub max_contracts: u64,
    /// `PAPER_BALANCES` (`venue:dollars,…`): the money paper trading starts with on each venue.
    pub paper_balances: Vec<(crossbook_model::Venue, crossbook_model::Money)>,
    /// `EXECUTION_DAILY_LOSS_LIMIT`, `EXECUTION_MAX_UNHEDGED`, `EXECUTION_MAX_PER_GAME` (dollars).
    pub limits: crossbook_exec::RiskLimits,
    /// `EXECUTION_KILL_SWITCH`: start stopped (no order sent); `crossbook execution stop|resume`
    /// and the dashboard switch it while running.
    pub kill_switch: bool,
}

/// Order latency per venue when `EXECUTION_LATENCY_MS` does not say: estimates of a round trip
/// from a US-East host (Kalshi's exchange; Polymarket's CLOB and its order signing; Polymarket
/// US's gateway), not measured by crossbook — set your own from your host's figures.
pub const DEFAULT_LATENCY_MS: [(crossbook_model::Venue, u64); 3] = [
    (crossbook_model::Venue::Kalshi, 80),
    (crossbook_model::Venue::Polymarket, 250),
    (crossbook_model::Venue::PolymarketUs, 120),
];

impl ExecutionSettings {
    fn read(r: &Reader<'_>) -> Result<Self, SettingError> {
        use crossbook_model::{ExecutionMode, Money, Price, Venue};
        let mode = match r.raw("EXECUTION_MODE") {
            None => ExecutionMode::Off,
            Some(v) => match ExecutionMode::parse(&v) {
                Some(ExecutionMode::Live) => {
                    return Err(SettingError {
                        name: "EXECUTION_MODE",
                        reason: "live orders are not available in this version: use paper (trades on the live \
                                 books, sends no order) or off"
                            .into(),
                    });
                }
                Some(m) => m,
                None => {
                    return Err(SettingError {
                        name: "EXECUTION_MODE",
                        reason: format!("{v:?} is not off, paper or live"),
                    });
                }
            },
        };
        /// `venue:value,…` pairs, each venue once.
        fn pairs<T>(
            r: &Reader<'_>,
            name: &'static str,
            value: impl Fn(&str) -> Option<T>,
            what: &str,
        ) -> Result<Vec<(Venue, T)>, SettingError> {
            let Some(v) = r.raw(name) else { return Ok(Vec::new()) };
            let mut out: Vec<(Venue, T)> = Vec::new();
            for part in v.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                let bad = || SettingError { name, reason: format!("{part:?} is not venue:{what}") };
                let (venue, x) = part.split_once(':').ok_or_else(bad)?;
                let venue = venue.trim().parse::<Venue>().map_err(|reason| SettingError { name, reason })?;
                let x = value(x.trim()).ok_or_else(bad)?;
                out.retain(|(v, _)| *v != venue);
                out.push((venue, x));
            }
            Ok(out)
        }
        let mut latency_ms = DEFAULT_LATENCY_MS.to_vec();
        for (venue, ms) in pairs(
            r,
            "EXECUTION_LATENCY_MS",
            |x| x.parse::<u64>().ok().filter(|ms| *ms <= 60_000),
            "milliseconds (at most 60000)",
        )? {
            latency_ms.retain(|(v, _)| *v != venue);
            latency_ms.push((venue, ms));
        }
        latency_ms.sort();
        let slippage = match r.raw("EXECUTION_SLIPPAGE") {
            None => Price::from_cents(2).unwrap_or(Price::ZERO),
            Some(v) => v.parse::<Price>().ok().filter(|p| p.micros() < 500_000).ok_or_else(|| SettingError {
                name: "EXECUTION_SLIPPAGE",
                reason: format!("{v:?} is not a price per contract below 0.5, like 0.02"),
            })?,
        };
        let mut paper_balances: Vec<(Venue, Money)> =
            Venue::ALL.iter().map(|v| (*v, Money::from_micros(1_000_000_000).unwrap_or(Money::ZERO))).collect();
        for (venue, m) in
            pairs(r, "PAPER_BALANCES", |x| x.parse::<Money>().ok().filter(|m| m.micros() >= 0), "dollars")?
        {
            paper_balances.retain(|(v, _)| *v != venue);
            paper_balances.push((venue, m));
        }
        paper_balances.sort();
        Ok(Self {
            mode,
            latency_ms,
            slippage,
            max_contracts: r.positive_at_most("EXECUTION_MAX_CONTRACTS", 100, 1_000_000)?,
            paper_balances,
            limits: crossbook_exec::RiskLimits {
                daily_loss: r.money_or("EXECUTION_DAILY_LOSS_LIMIT", 100)?,
                unhedged: r.money_or("EXECUTION_MAX_UNHEDGED", 50)?,
                per_game: r.money_or("EXECUTION_MAX_PER_GAME", 500)?,
            },
            kill_switch: r.bool("EXECUTION_KILL_SWITCH", false)?,
        })
    }
}

/// Every variable name this module reads, for `--help` and `.env` checks.
pub const NAMES: &[&str] = &[
    "DATABASE_URL",
    "SPORTS_ONLY_MODE",
    "FOCUS_TOPICS",
    "EXCLUDE_MVE_MARKETS",
    "QUOTES_MODE",
    "QUOTES_INTERVAL_SECONDS",
    "QUOTES_WATCHLIST_LIMIT",
    "WATCHLIST_PRIORITY_THRESHOLD",
    "WATCHLIST_INCLUDE_SUGGESTED",
    "QUOTE_STALE_SECONDS",
    "ALLOW_IN_PLAY",
    "KALSHI_BALANCE_PRECISION",
    "ALERT_MIN_EDGE",
    "ALERT_MIN_PROFIT",
    "ALERT_SCOPE",
    "ALERT_IN_PLAY",
    "ALERT_NEAR_START_MINUTES",
    "ALERT_COOLDOWN_SECONDS",
    "ALERT_REALERT_PROFIT_CHANGE_PERCENT",
    "ALERT_REALERT_ON_REOPEN",
    "TIME_ZONE",
    "KALSHI_MODE",
    "KALSHI_TIER",
    "KALSHI_API_KEY_ID",
    "KALSHI_PRIVATE_KEY_PATH",
    "HTTP_PROXY",
    "ELIGIBILITY_LOOKBACK_HOURS_SPORTS",
    "ELIGIBILITY_GRACE_MINUTES",
    "OPS_INTERVAL_MINUTES",
    "OPS_AUTO_CONFIRM",
    "OPS_AUTO_REJECT",
    "ENABLE_LIVE_EVENTS_MONITOR",
    "LIVE_EVENT_THRESHOLD_MINUTES",
    "ALERT_WEBHOOK_URL",
    "API_TOKEN",
    "LOG_LEVEL",
    "LOG_FILE",
    "LOG_FORMAT",
    "STATE_DIR",
    "KALSHI_API_URL",
    "KALSHI_WS_URL",
    "POLYMARKET_GAMMA_URL",
    "POLYMARKET_CLOB_URL",
    "POLYMARKET_WS_URL",
    "POLYMARKET_SPORTS_WS_URL",
    "POLYMARKET_US_API_URL",
    "VENUES",
    "EXECUTION_MODE",
    "EXECUTION_LATENCY_MS",
    "EXECUTION_SLIPPAGE",
    "EXECUTION_MAX_CONTRACTS",
    "PAPER_BALANCES",
    "EXECUTION_DAILY_LOSS_LIMIT",
    "EXECUTION_MAX_UNHEDGED",
    "EXECUTION_MAX_PER_GAME",
    "EXECUTION_KILL_SWITCH",
    "CROSSBOOK_NOW",
];

/// Reads values by name; `None` when unset.
struct Reader<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
}

impl Reader<'_> {
    fn raw(&self, name: &'static str) -> Option<String> {
        (self.lookup)(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
    }

    fn string(&self, name: &'static str, default: &str) -> String {
        self.raw(name).unwrap_or_else(|| default.to_string())
    }

    fn parsed<T: FromStr>(&self, name: &'static str, default: T, what: &str) -> Result<T, SettingError> {
        match self.raw(name) {
            None => Ok(default),
            Some(v) => v.parse().map_err(|_| SettingError { name, reason: format!("{v:?} is not {what}") }),
        }
    }

    fn bool(&self, name: &'static str, default: bool) -> Result<bool, SettingError> {
        match self.raw(name).map(|v| v.to_ascii_lowercase()) {
            None => Ok(default),
            Some(v) => match v.as_str() {
                "1" | "true" | "yes" | "on" => Ok(true),
                "0" | "false" | "no" | "off" => Ok(false),
                _ => Err(SettingError { name, reason: format!("{v:?} is not a boolean (true/false)") }),
            },
        }
    }

    /// A non-negative dollar amount, zero when unset.
    fn money(&self, name: &'static str) -> Result<crossbook_model::Money, SettingError> {
        match self.raw(name) {
            None => Ok(crossbook_model::Money::ZERO),
            Some(v) => match v.parse::<crossbook_model::Money>() {
                Ok(m) if m.micros() >= 0 => Ok(m),
                _ => Err(SettingError { name, reason: format!("{v:?} is not a dollar amount like 0.5") }),
            },
        }
    }

    /// A non-negative dollar amount, `default` dollars when unset.
    fn money_or(&self, name: &'static str, default: i64) -> Result<crossbook_model::Money, SettingError> {
        match self.raw(name) {
            None => {
                Ok(crossbook_model::Money::from_micros(default * 1_000_000).unwrap_or(crossbook_model::Money::ZERO))
            }
            Some(_) => self.money(name),
        }
    }

    /// A whole number up to `max` (a value past it would overflow the durations it makes).
    fn at_most(&self, name: &'static str, default: u64, max: u64) -> Result<u64, SettingError> {
        let v = self.parsed(name, default, "a whole number")?;
        if v > max {
            return Err(SettingError { name, reason: format!("{v} is more than the largest allowed, {max}") });
        }
        Ok(v)
    }

    fn positive_at_most(&self, name: &'static str, default: u64, max: u64) -> Result<u64, SettingError> {
        let v = self.positive(name, default)?;
        if v > max {
            return Err(SettingError { name, reason: format!("{v} is more than the largest allowed, {max}") });
        }
        Ok(v)
    }

    fn positive(&self, name: &'static str, default: u64) -> Result<u64, SettingError> {
        let v = self.parsed(name, default, "a whole number")?;
        if v == 0 {
            return Err(SettingError { name, reason: "must be greater than 0".into() });
        }
        Ok(v)
    }

    fn url(&self, name: &'static str, default: &str, schemes: &[&str]) -> Result<String, SettingError> {
        let v = self.string(name, default);
        if !schemes.iter().any(|s| v.starts_with(&format!("{s}://"))) {
            return Err(SettingError { name, reason: format!("must start with {}://", schemes.join(":// or ")) });
        }
        Ok(v.trim_end_matches('/').to_string())
    }
}

impl Settings {
    /// Builds settings from a lookup (flags, then environment, then `.env`, already layered).
    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, SettingError> {
        let r = Reader { lookup };
        let database_url = r
            .string("DATABASE_URL", DatabaseUrl::DEFAULT)
            .parse::<DatabaseUrl>()
            .map_err(|e| SettingError { name: "DATABASE_URL", reason: e.to_string() })?;
        let state_dir = match r.raw("STATE_DIR") {
            Some(dir) => Some(PathBuf::from(dir)),
            None => match &database_url {
                DatabaseUrl::Sqlite { path: None } => None,
                DatabaseUrl::Sqlite { path: Some(file) } => {
                    Some(file.parent().unwrap_or(std::path::Path::new("")).join("crossbook-state"))
                }
                DatabaseUrl::Postgres { .. } => Some(PathBuf::from("crossbook-state")),
            },
        };
        let focus_topics = match r.raw("FOCUS_TOPICS") {
            None => vec![Topic::Sports],
            Some(v) => v
                .split(',')
                .map(|t| t.trim())
                .filter(|t| !t.is_empty())
                .map(|t| t.parse::<Topic>().map_err(|reason| SettingError { name: "FOCUS_TOPICS", reason }))
                .collect::<Result<Vec<_>, _>>()?,
        };
        let quotes_mode = match r.string("QUOTES_MODE", "watchlist").to_ascii_lowercase().as_str() {
            "watchlist" => QuotesMode::Watchlist,
            "off" => QuotesMode::Off,
            other => {
                return Err(SettingError { name: "QUOTES_MODE", reason: format!("{other:?} is not watchlist or off") });
            }
        };
        let kalshi_mode = match r.string("KALSHI_MODE", "prod").to_ascii_lowercase().as_str() {
            "prod" | "production" => KalshiMode::Prod,
            "demo" => KalshiMode::Demo,
            other => {
                return Err(SettingError { name: "KALSHI_MODE", reason: format!("{other:?} is not prod or demo") });
            }
        };
        let log_format = match r.string("LOG_FORMAT", "text").to_ascii_lowercase().as_str() {
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            other => return Err(SettingError { name: "LOG_FORMAT", reason: format!("{other:?} is not text or json") }),
        };
        let log_level = r.string("LOG_LEVEL", "info");
        if !is_log_filter(&log_level) {
            return Err(SettingError {
                name: "LOG_LEVEL",
                reason: format!("{log_level:?} is not a level (error, warn, info, debug, trace) or target=level list"),
            });
        }
        let (kalshi_api_default, kalshi_ws_default) = match kalshi_mode {
            // The hosts Kalshi documents since 2026-05-07 (api.elections.kalshi.com still answered
            // in Sept 2026; set KALSHI_API_URL / KALSHI_WS_URL to use it).
            KalshiMode::Prod => {
                ("https://external-api.kalshi.com/trade-api/v2", "wss://external-api-ws.kalshi.com/trade-api/ws/v2")
            }
            KalshiMode::Demo => (
                "https://external-api.demo.kalshi.co/trade-api/v2",
                "wss://external-api-ws.demo.kalshi.co/trade-api/ws/v2",
            ),
        };
        let endpoints = Endpoints {
            kalshi_api: r.url("KALSHI_API_URL", kalshi_api_default, &["http", "https"])?,
            kalshi_ws: r.url("KALSHI_WS_URL", kalshi_ws_default, &["ws", "wss"])?,
            polymarket_gamma: r.url("POLYMARKET_GAMMA_URL", "https://gamma-api.polymarket.com", &["http", "https"])?,
            polymarket_clob: r.url("POLYMARKET_CLOB_URL", "https://clob.polymarket.com", &["http", "https"])?,
            polymarket_ws: r.url(
                "POLYMARKET_WS_URL",
                "wss://ws-subscriptions-clob.polymarket.com/ws/market",
                &["ws", "wss"],
            )?,
            polymarket_sports_ws: r.url(
                "POLYMARKET_SPORTS_WS_URL",
                "wss://sports-api.polymarket.com/ws",
                &["ws", "wss"],
            )?,
            polymarket_us_api: r.url(
                "POLYMARKET_US_API_URL",
                "https://gateway.polymarket.us/v1",
                &["http", "https"],
            )?,
        };
        let venues = match r.raw("VENUES") {
            None => vec![crossbook_model::Venue::Kalshi, crossbook_model::Venue::Polymarket],
            Some(v) => {
                let mut venues = Vec::new();
                for name in v.split(',').map(str::trim).filter(|t| !t.is_empty()) {
                    let venue = name
                        .parse::<crossbook_model::Venue>()
                        .map_err(|reason| SettingError { name: "VENUES", reason })?;
                    if !venues.contains(&venue) {
                        venues.push(venue);
                    }
                }
                if venues.is_empty() {
                    return Err(SettingError { name: "VENUES", reason: "names no venue".into() });
                }
                venues.sort();
                venues
            }
        };
        let http_proxy = match r.raw("HTTP_PROXY") {
            None => None,
            Some(v) if v.contains("://") => Some(SecretString::from(v)),
            Some(_) => {
                return Err(SettingError { name: "HTTP_PROXY", reason: "must be a URL like http://host:port".into() });
            }
        };
        let alert_webhook_url = match r.raw("ALERT_WEBHOOK_URL") {
            None => None,
            Some(v) if v.starts_with("https://") || v.starts_with("http://") || v.starts_with("telegram://") => {
                Some(SecretString::from(v))
            }
            Some(_) => {
                return Err(SettingError {
                    name: "ALERT_WEBHOOK_URL",
                    reason: "must be an http(s):// or telegram:// URL".into(),
                });
            }
        };
        let now = match r.raw("CROSSBOOK_NOW") {
            None => None,
            Some(v) => Some(
                DateTime::parse_from_rfc3339(&v)
                    .map_err(|_| SettingError { name: "CROSSBOOK_NOW", reason: format!("{v:?} is not RFC 3339") })?
                    .with_timezone(&Utc),
            ),
        };
        Ok(Settings {
            database_url,
            sports_only_mode: r.bool("SPORTS_ONLY_MODE", true)?,
            focus_topics,
            exclude_mve_markets: r.bool("EXCLUDE_MVE_MARKETS", true)?,
            quotes_mode,
            quotes_interval: Duration::from_secs(r.positive_at_most("QUOTES_INTERVAL_SECONDS", 15, 3600)?),
            quotes_watchlist_limit: r.positive_at_most("QUOTES_WATCHLIST_LIMIT", 500, 100_000)? as usize,
            watchlist_priority_threshold: Duration::from_secs(r.positive_at_most(
                "WATCHLIST_PRIORITY_THRESHOLD",
                7200,
                7 * 24 * 3600,
            )?),
            watchlist_include_suggested: r.bool("WATCHLIST_INCLUDE_SUGGESTED", false)?,
            quote_stale_after: Duration::from_secs(r.positive_at_most("QUOTE_STALE_SECONDS", 30, 24 * 3600)?),
            allow_in_play: r.bool("ALLOW_IN_PLAY", false)?,
            kalshi_balance_precision: match r.raw("KALSHI_BALANCE_PRECISION") {
                None => crossbook_arb::BalancePrecision::default(),
                Some(v) => crossbook_arb::BalancePrecision::parse(&v).ok_or_else(|| SettingError {
                    name: "KALSHI_BALANCE_PRECISION",
                    reason: format!("{v:?} is not cent or centicent"),
                })?,
            },
            alert_min_edge: r.money("ALERT_MIN_EDGE")?,
            alert_min_profit: r.money("ALERT_MIN_PROFIT")?,
            alert_near_start_only: match r.string("ALERT_SCOPE", "near_start").to_ascii_lowercase().as_str() {
                "near_start" => true,
                "all" => false,
                other => {
                    return Err(SettingError {
                        name: "ALERT_SCOPE",
                        reason: format!("{other:?} is not near_start or all"),
                    });
                }
            },
            alert_in_play: r.bool("ALERT_IN_PLAY", false)?,
            alert_near_start: Duration::from_secs(
                60 * r.positive_at_most("ALERT_NEAR_START_MINUTES", 120, 7 * 24 * 60)?,
            ),
            alert_cooldown: Duration::from_secs(r.at_most("ALERT_COOLDOWN_SECONDS", 600, 7 * 24 * 3600)?),
            alert_realert_profit_change_percent: r.at_most("ALERT_REALERT_PROFIT_CHANGE_PERCENT", 50, 100_000)?,
            alert_realert_on_reopen: r.bool("ALERT_REALERT_ON_REOPEN", false)?,
            time_zone: r.parsed("TIME_ZONE", chrono_tz::Tz::UTC, "an IANA time zone name like America/New_York")?,
            kalshi_mode,
            kalshi_tier: match r.raw("KALSHI_TIER") {
                None => crossbook_kalshi::KalshiTier::default(),
                Some(v) => crossbook_kalshi::KalshiTier::parse(&v).ok_or_else(|| SettingError {
                    name: "KALSHI_TIER",
                    reason: format!("{v:?} is not basic, advanced, expert, premier, paragon or prime"),
                })?,
            },
            kalshi_api_key_id: r.raw("KALSHI_API_KEY_ID"),
            kalshi_private_key_path: r.raw("KALSHI_PRIVATE_KEY_PATH").map(PathBuf::from),
            http_proxy,
            eligibility_lookback_hours_sports: r.at_most("ELIGIBILITY_LOOKBACK_HOURS_SPORTS", 168, 24 * 365 * 5)?,
            eligibility_grace_minutes: r.at_most("ELIGIBILITY_GRACE_MINUTES", 15, 60 * 24 * 7)?,
            ops_interval: Duration::from_secs(60 * r.positive_at_most("OPS_INTERVAL_MINUTES", 10, 60 * 24 * 7)?),
            ops_auto_confirm: r.bool("OPS_AUTO_CONFIRM", true)?,
            ops_auto_reject: r.bool("OPS_AUTO_REJECT", true)?,
            enable_live_events_monitor: r.bool("ENABLE_LIVE_EVENTS_MONITOR", true)?,
            live_event_threshold: Duration::from_secs(
                60 * r.positive_at_most("LIVE_EVENT_THRESHOLD_MINUTES", 15, 60 * 24 * 7)?,
            ),
            alert_webhook_url,
            api_token: match r.raw("API_TOKEN") {
                Some(t) if t.len() < 16 => {
                    return Err(SettingError { name: "API_TOKEN", reason: "must be at least 16 characters".into() });
                }
                // The example's placeholder (or any like it) is public: it guards nothing.
                Some(t)
                    if ["change_me", "changeme", "replace_me", "your_token"]
                        .iter()
                        .any(|p| t.to_ascii_lowercase().contains(p)) =>
                {
                    return Err(SettingError {
                        name: "API_TOKEN",
                        reason: "is a placeholder: set a long random string (openssl rand -hex 32)".into(),
                    });
                }
                t => t.map(SecretString::from),
            },
            log_level,
            log_file: r.raw("LOG_FILE").map(PathBuf::from),
            log_format,
            state_dir,
            endpoints,
            venues,
            now,
            execution: ExecutionSettings::read(&r)?,
        })
    }

    /// The topics ingestion asks the venues for: sports alone in sports-only mode.
    pub fn ingest_topics(&self) -> Vec<Topic> {
        if self.sports_only_mode { vec![Topic::Sports] } else { self.focus_topics.clone() }
    }
}

/// Whether `s` reads as a tracing filter: `info`, or `crossbook=debug,sqlx=warn`.
fn is_log_filter(s: &str) -> bool {
    const LEVELS: [&str; 6] = ["error", "warn", "info", "debug", "trace", "off"];
    s.split(',').all(|part| {
        let level = part.rsplit('=').next().unwrap_or(part).trim().to_ascii_lowercase();
        LEVELS.contains(&level.as_str())
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use secrecy::ExposeSecret;

    use super::*;

    fn with(pairs: &[(&str, &str)]) -> Result<Settings, SettingError> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Settings::from_lookup(&move |k| map.get(k).cloned())
    }

    /// The production example names every setting (operators copy it).
    #[test]
    fn the_production_example_names_every_setting() {
        let example = include_str!("../../../deploy/.env.production.example");
        let named: Vec<&str> = example
            .lines()
            .map(|l| l.trim_start_matches('#'))
            .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim()))
            .collect();
        for name in NAMES {
            assert!(
                named.contains(name) || *name == "CROSSBOOK_NOW",
                "{name} is missing from deploy/.env.production.example"
            );
        }
    }

    /// Numbers past what their durations can hold are refused by name, not left to panic later.
    #[test]
    fn out_of_range_numbers_are_refused() {
        for (name, v) in [
            ("ELIGIBILITY_LOOKBACK_HOURS_SPORTS", "3000000000000000"),
            ("ELIGIBILITY_LOOKBACK_HOURS_SPORTS", "18446744073709551615"),
            ("OPS_INTERVAL_MINUTES", "99999999999"),
            ("QUOTE_STALE_SECONDS", "86401"),
        ] {
            let e = Settings::from_lookup(&|k| (k == name).then(|| v.to_string())).unwrap_err();
            assert_eq!(e.name, name, "{v}");
        }
        let ok = Settings::from_lookup(&|k| (k == "ELIGIBILITY_LOOKBACK_HOURS_SPORTS").then(|| "720".into())).unwrap();
        assert_eq!(ok.eligibility_lookback_hours_sports, 720);
    }

    #[test]
    fn a_placeholder_api_token_is_refused_by_name() {
        for t in ["CHANGE_ME_TO_A_LONG_RANDOM_STRING", "please-changeme-0123456789"] {
            let e = Settings::from_lookup(&|k| (k == "API_TOKEN").then(|| t.to_string())).unwrap_err();
            assert_eq!(e.name, "API_TOKEN");
            assert!(e.reason.contains("placeholder") && !e.reason.contains(t), "{}", e.reason);
        }
        let ok = Settings::from_lookup(&|k| (k == "API_TOKEN").then(|| "9f86d081884c7d659a2feaa0c55ad015".into()));
        assert!(ok.unwrap().api_token.is_some());
    }

    #[test]
    fn alert_policy_and_balance_precision_settings() {
        let s = Settings::from_lookup(&|k| match k {
            "ALERT_MIN_EDGE" => Some("0.01".into()),
            "ALERT_SCOPE" => Some("all".into()),
            "KALSHI_BALANCE_PRECISION" => Some("centicent".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(s.alert_min_edge.to_string(), "0.01");
        assert!(!s.alert_near_start_only && !s.alert_in_play);
        assert_eq!(s.kalshi_balance_precision, crossbook_arb::BalancePrecision::Centicent);
        assert_eq!(with(&[]).unwrap().time_zone, chrono_tz::Tz::UTC);
        assert_eq!(with(&[("TIME_ZONE", "America/New_York")]).unwrap().time_zone, chrono_tz::America::New_York);
        for (name, bad) in [
            ("ALERT_SCOPE", "soon"),
            ("ALERT_MIN_PROFIT", "-1"),
            ("KALSHI_BALANCE_PRECISION", "mill"),
            ("TIME_ZONE", "Eastern"),
        ] {
            let e = Settings::from_lookup(&|k| (k == name).then(|| bad.to_string())).unwrap_err();
            assert_eq!(e.name, name);
        }
    }

    #[test]
    fn defaults_follow_the_contract() {
        let s = with(&[]).unwrap();
        assert_eq!(s.database_url, DatabaseUrl::DEFAULT.parse().unwrap());
        assert!(s.sports_only_mode && s.exclude_mve_markets);
        assert_eq!(s.quotes_interval, Duration::from_secs(15));
        assert_eq!(s.quotes_watchlist_limit, 500);
        assert_eq!(s.watchlist_priority_threshold, Duration::from_secs(7200));
        assert_eq!(s.eligibility_lookback_hours_sports, 168);
        assert_eq!(s.eligibility_grace_minutes, 15);
        assert_eq!(s.ops_interval, Duration::from_secs(600));
        assert_eq!(s.live_event_threshold, Duration::from_secs(900));
        assert_eq!(s.endpoints.kalshi_api, "https://external-api.kalshi.com/trade-api/v2");
        assert_eq!(s.endpoints.kalshi_ws, "wss://external-api-ws.kalshi.com/trade-api/ws/v2");
        assert_eq!(s.kalshi_tier, crossbook_kalshi::KalshiTier::Basic);
        assert_eq!(s.endpoints.polymarket_gamma, "https://gamma-api.polymarket.com");
        assert_eq!(s.endpoints.polymarket_us_api, "https://gateway.polymarket.us/v1");
        assert_eq!(s.venues, [crossbook_model::Venue::Kalshi, crossbook_model::Venue::Polymarket]);
        let three = with(&[("VENUES", "polymarket_us, kalshi,polymarket")]).unwrap();
        assert_eq!(three.venues, crossbook_model::Venue::ALL);
        assert_eq!(s.now, None);
        assert_eq!(s.execution.mode, crossbook_model::ExecutionMode::Off);
        assert_eq!(s.execution.slippage.to_string(), "0.02");
        assert_eq!(s.execution.max_contracts, 100);
        assert_eq!(s.execution.latency_ms, DEFAULT_LATENCY_MS);
    }

    #[test]
    fn execution_settings_override_per_venue() {
        let s = with(&[
            ("EXECUTION_MODE", "paper"),
            ("EXECUTION_LATENCY_MS", "polymarket:400, kalshi:30"),
            ("PAPER_BALANCES", "kalshi:250.50"),
        ])
        .unwrap()
        .execution;
        assert_eq!(s.mode, crossbook_model::ExecutionMode::Paper);
        use crossbook_model::Venue::*;
        assert_eq!(s.latency_ms, vec![(Kalshi, 30), (Polymarket, 400), (PolymarketUs, 120)]);
        let balance = |v| s.paper_balances.iter().find(|(x, _)| *x == v).map(|(_, m)| m.to_string());
        assert_eq!((balance(Kalshi).as_deref(), balance(Polymarket).as_deref()), (Some("250.5"), Some("1000")));
        let live = with(&[("EXECUTION_MODE", "live")]).unwrap_err();
        assert!(live.reason.contains("not available"), "{}", live.reason);
    }

    #[test]
    fn bad_values_name_the_variable() {
        let cases = [
            ("DATABASE_URL", "bogus://x"),
            ("SPORTS_ONLY_MODE", "maybe"),
            ("FOCUS_TOPICS", "sports,weather"),
            ("QUOTES_MODE", "all"),
            ("QUOTES_INTERVAL_SECONDS", "fast"),
            ("QUOTES_INTERVAL_SECONDS", "0"),
            ("KALSHI_MODE", "staging"),
            ("KALSHI_API_URL", "ftp://x"),
            ("POLYMARKET_WS_URL", "https://x"),
            ("CROSSBOOK_NOW", "yesterday"),
            ("LOG_LEVEL", "loud"),
            ("LOG_FORMAT", "xml"),
            ("ALERT_WEBHOOK_URL", "discord"),
            ("VENUES", "kalshi,betfair"),
            ("VENUES", ","),
            ("POLYMARKET_US_API_URL", "wss://x"),
            ("EXECUTION_MODE", "yolo"),
            ("EXECUTION_MODE", "live"),
            ("EXECUTION_LATENCY_MS", "kalshi=80"),
            ("EXECUTION_LATENCY_MS", "betfair:80"),
            ("EXECUTION_SLIPPAGE", "0.6"),
            ("EXECUTION_MAX_CONTRACTS", "0"),
            ("PAPER_BALANCES", "kalshi:-5"),
            ("EXECUTION_DAILY_LOSS_LIMIT", "lots"),
            ("EXECUTION_KILL_SWITCH", "maybe"),
        ];
        for (name, value) in cases {
            let err = with(&[(name, value)]).unwrap_err();
            assert_eq!(err.name, name, "{value}");
            assert!(err.to_string().starts_with(&format!("{name}: ")), "{err}");
        }
    }

    #[test]
    fn secrets_stay_out_of_errors_and_debug() {
        let err = with(&[("DATABASE_URL", "mysql://u:hunter2@h/db")]).unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
        let s = with(&[
            ("ALERT_WEBHOOK_URL", "https://hooks.slack.com/services/T000/B000/XXXXsecret"),
            ("DATABASE_URL", "postgres://u:hunter2@h:5432/db"),
        ])
        .unwrap();
        let debug = format!("{s:?}");
        assert!(!debug.contains("XXXXsecret") && !debug.contains("hunter2"), "{debug}");
        assert!(s.alert_webhook_url.unwrap().expose_secret().ends_with("XXXXsecret"));
    }

    #[test]
    fn pinned_clock_and_topics() {
        let s = with(&[("CROSSBOOK_NOW", "2026-01-09T18:00:00Z"), ("FOCUS_TOPICS", "sports, politics")]).unwrap();
        assert_eq!(s.now.unwrap().to_rfc3339(), "2026-01-09T18:00:00+00:00");
        assert_eq!(s.focus_topics, vec![Topic::Sports, Topic::Politics]);
        assert_eq!(s.ingest_topics(), vec![Topic::Sports]);
        let all = with(&[("SPORTS_ONLY_MODE", "false"), ("FOCUS_TOPICS", "sports,politics")]).unwrap();
        assert_eq!(all.ingest_topics(), vec![Topic::Sports, Topic::Politics]);
    }

    #[test]
    fn demo_mode_switches_kalshi_hosts() {
        let s = with(&[("KALSHI_MODE", "demo")]).unwrap();
        assert!(s.endpoints.kalshi_api.starts_with("https://external-api.demo.kalshi.co"));
    }
}
