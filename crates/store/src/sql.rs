//! The SQL both backends run. The statements are written once, with `$N` placeholders (which
//! sqlx's SQLite driver binds by number too), and instantiated per pool type by `impl_store!`.
//! Timestamps bind as `DateTime<Utc>`, JSON columns as `Json`, raw payloads as verbatim text.

use std::collections::{BTreeMap, HashMap};

use crossbook_model::{Decider, Event, Market};

use crate::StoreError;

/// Rows per multi-row INSERT (28 columns × 400 stays under both backends' bind limits).
pub(crate) const UPSERT_CHUNK: usize = 400;

pub(crate) const MARKET_COLUMNS: &str = "venue, market_id, event_id, kalshi_event_ticker, condition_id, series, \
    title, subtitle, derived_topic, league, participants, subject, kind, line_x100, outcomes, status, state, \
    open_time, close_time, starts_at, ends_at, is_mve, fees, rules, raw, first_seen, last_seen, closed_at";

pub(crate) const MARKET_UPSERT_TAIL: &str = " ON CONFLICT (venue, market_id) DO UPDATE SET \
    event_id = excluded.event_id, kalshi_event_ticker = excluded.kalshi_event_ticker, \
    condition_id = excluded.condition_id, series = excluded.series, title = excluded.title, \
    subtitle = excluded.subtitle, derived_topic = excluded.derived_topic, league = excluded.league, \
    participants = excluded.participants, subject = excluded.subject, kind = excluded.kind, \
    line_x100 = excluded.line_x100, outcomes = excluded.outcomes, status = excluded.status, state = excluded.state, \
    open_time = excluded.open_time, \
    close_time = excluded.close_time, starts_at = excluded.starts_at, ends_at = excluded.ends_at, \
    is_mve = excluded.is_mve, \
    fees = excluded.fees, rules = excluded.rules, raw = excluded.raw, last_seen = excluded.last_seen, \
    closed_at = NULL";

pub(crate) const EVENT_COLUMNS: &str = "venue, event_id, series, title, derived_topic, league, participants, \
    starts_at, is_mve, status, raw, first_seen, last_seen, closed_at";

pub(crate) const EVENT_UPSERT_TAIL: &str = " ON CONFLICT (venue, event_id) DO UPDATE SET \
    series = excluded.series, title = excluded.title, derived_topic = excluded.derived_topic, \
    league = excluded.league, participants = excluded.participants, starts_at = excluded.starts_at, \
    is_mve = excluded.is_mve, status = excluded.status, raw = excluded.raw, \
    last_seen = excluded.last_seen, closed_at = NULL";

pub(crate) const LINK_COLUMNS: &str = "id, kalshi_ticker, kalshi_event_ticker, poly_venue, poly_market_id, poly_condition_id, \
    poly_token_id, poly_outcome_index, poly_outcome, kind, line_x100, league, starts_at, score, reasons, status, \
    decided_by, decided_at, rule_risk, rule_reasons, created_at, updated_at";

pub(crate) const RUN_COLUMNS: &str =
    "id, venue, mode, started_at, finished_at, status, fetched, stored, skipped, errors, message";

/// Keeps the last of each key, in first-seen order: one multi-row upsert may not touch a row twice.
pub(crate) fn dedup_last<T, K: std::hash::Hash + Eq>(items: &[T], key: impl Fn(&T) -> K) -> Vec<&T> {
    let mut index: HashMap<K, usize> = HashMap::with_capacity(items.len());
    let mut out: Vec<&T> = Vec::with_capacity(items.len());
    for item in items {
        match index.entry(key(item)) {
            std::collections::hash_map::Entry::Occupied(e) => out[*e.get()] = item,
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(out.len());
                out.push(item);
            }
        }
    }
    out
}

pub(crate) fn market_key(m: &Market) -> (crossbook_model::Venue, String) {
    (m.venue(), m.id().to_string())
}

pub(crate) fn event_key(e: &Event) -> (crossbook_model::Venue, String) {
    (e.venue, e.id.clone())
}

pub(crate) fn corrupt(what: &str, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {detail}"))
}

pub(crate) fn parse_decider(s: Option<String>) -> Result<Option<Decider>, StoreError> {
    s.map(|s| s.parse().map_err(|e| corrupt("decided_by", e))).transpose()
}

pub(crate) fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

pub(crate) fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

pub(crate) type Skipped = BTreeMap<String, u64>;

/// Implements [`crate::Store`] for a store type holding `pool: sqlx::Pool<$db>`.
macro_rules! impl_store {
    ($store:ident, $db:ty, $backend:expr, $migrations:expr, $lock:expr, $unlock:expr) => {
        const MIGRATION_LOCK: Option<&str> = $lock;
        const MIGRATION_UNLOCK: Option<&str> = $unlock;
        /// How a writing transaction starts. SQLite: IMMEDIATE, which takes the write lock at
        /// once and so waits out the busy timeout behind another writer (a deferred one that
        /// upgrades later fails at once with "database is locked").
        const BEGIN_WRITE: &str = if matches!($backend, crate::Backend::Sqlite) { "BEGIN IMMEDIATE" } else { "BEGIN" };

        mod store_impl {
            use std::str::FromStr;

            use chrono::{DateTime, Utc};
            use crossbook_model::{
                Decider, Event, FeeSchedule, KalshiEventTicker, KalshiMarketTicker, League, Line, Link,
                LinkCandidate, LinkDecision, LinkId, LinkStatus, Market, MarketKind, MarketRef, MarketState, MarketStatus,
                Outcome, Participant, PolyConditionId, PolyEventId, PolyMarketId, PolyTokenId, RuleRisk, Subject,
                TeamAlias, Topic, UsEventSlug, UsMarketSlug, Venue,
            };
            use sqlx::types::Json;
            use sqlx::{QueryBuilder, Row};

            use super::$store;
            use crate::sql::*;
            use crate::*;

            type DbRow = <$db as sqlx::Database>::Row;

            fn parse<T: FromStr>(what: &str, s: &str) -> Result<T, StoreError>
            where
                T::Err: std::fmt::Display,
            {
                s.parse().map_err(|e| corrupt(what, e))
            }

            fn market_from_row(row: &DbRow) -> StoreResult<StoredMarket> {
                let venue: Venue = parse("venue", &row.try_get::<String, _>("venue")?)?;
                let id: String = row.try_get("market_id")?;
                let event_id: String = row.try_get("event_id")?;
                let key = match venue {
                    Venue::Kalshi => MarketRef::Kalshi {
                        ticker: KalshiMarketTicker::new(id).map_err(|e| corrupt("market_id", e))?,
                        event_ticker: KalshiEventTicker::new(event_id).map_err(|e| corrupt("event_id", e))?,
                    },
                    Venue::Polymarket => MarketRef::Polymarket {
                        market_id: PolyMarketId::new(id).map_err(|e| corrupt("market_id", e))?,
                        event_id: PolyEventId::new(event_id).map_err(|e| corrupt("event_id", e))?,
                        condition_id: row
                            .try_get::<Option<String>, _>("condition_id")?
                            .map(PolyConditionId::new)
                            .transpose()
                            .map_err(|e| corrupt("condition_id", e))?,
                    },
                    Venue::PolymarketUs => MarketRef::PolymarketUs {
                        slug: UsMarketSlug::new(id).map_err(|e| corrupt("market_id", e))?,
                        event_slug: UsEventSlug::new(event_id).map_err(|e| corrupt("event_id", e))?,
                    },
                };
                let raw: String = row.try_get("raw")?;
                let market = Market {
                    key,
                    series: row.try_get("series")?,
                    title: row.try_get("title")?,
                    subtitle: row.try_get("subtitle")?,
                    topic: parse::<Topic>("derived_topic", &row.try_get::<String, _>("derived_topic")?)?,
                    league: row
                        .try_get::<Option<String>, _>("league")?
                        .map(|l| parse::<League>("league", &l))
                        .transpose()?,
                    participants: row.try_get::<Json<Vec<Participant>>, _>("participants")?.0,
                    // A subject stored before subjects were side indexes reads as none until
                    // `taxonomy backfill` rewrites it.
                    subject: row.try_get::<Option<String>, _>("subject")?.and_then(|s| s.parse::<Subject>().ok()),
                    kind: parse::<MarketKind>("kind", &row.try_get::<String, _>("kind")?)?,
                    line: row
                        .try_get::<Option<i64>, _>("line_x100")?
                        .map(|h| Line::from_hundredths(h as i32)),
                    outcomes: row.try_get::<Json<Vec<Outcome>>, _>("outcomes")?.0,
                    status: parse::<MarketStatus>("status", &row.try_get::<String, _>("status")?)?,
                    state: match row.try_get::<Option<String>, _>("state")? {
                        Some(s) => parse::<MarketState>("state", &s)?,
                        None => MarketState::of_status(parse::<MarketStatus>("status", &row.try_get::<String, _>("status")?)?),
                    },
                    open_time: row.try_get("open_time")?,
                    close_time: row.try_get("close_time")?,
                    starts_at: row.try_get("starts_at")?,
                    ends_at: row.try_get("ends_at")?,
                    is_mve: row.try_get("is_mve")?,
                    fees: row.try_get::<Json<FeeSchedule>, _>("fees")?.0,
                    rules: row.try_get("rules")?,
                    raw: serde_json::from_str(&raw).map_err(|e| corrupt("raw", e))?,
                };
                Ok(StoredMarket {
                    market,
                    first_seen: row.try_get("first_seen")?,
                    last_seen: row.try_get("last_seen")?,
                    closed_at: row.try_get("closed_at")?,
                })
            }

            fn event_from_row(row: &DbRow) -> StoreResult<Event> {
                let raw: String = row.try_get("raw")?;
                Ok(Event {
                    venue: parse("venue", &row.try_get::<String, _>("venue")?)?,
                    id: row.try_get("event_id")?,
                    series: row.try_get("series")?,
                    title: row.try_get("title")?,
                    topic: parse("derived_topic", &row.try_get::<String, _>("derived_topic")?)?,
                    league: row
                        .try_get::<Option<String>, _>("league")?
                        .map(|l| parse::<League>("league", &l))
                        .transpose()?,
                    participants: row.try_get::<Json<Vec<Participant>>, _>("participants")?.0,
                    starts_at: row.try_get("starts_at")?,
                    is_mve: row.try_get("is_mve")?,
                    status: parse("status", &row.try_get::<String, _>("status")?)?,
                    raw: serde_json::from_str(&raw).map_err(|e| corrupt("raw", e))?,
                })
            }

            fn link_from_row(row: &DbRow) -> StoreResult<Link> {
                let candidate = LinkCandidate {
                    kalshi_ticker: KalshiMarketTicker::new(row.try_get::<String, _>("kalshi_ticker")?)
                        .map_err(|e| corrupt("kalshi_ticker", e))?,
                    kalshi_event_ticker: KalshiEventTicker::new(row.try_get::<String, _>("kalshi_event_ticker")?)
                        .map_err(|e| corrupt("kalshi_event_ticker", e))?,
                    poly_venue: parse("poly_venue", &row.try_get::<String, _>("poly_venue")?)?,
                    poly_market_id: PolyMarketId::new(row.try_get::<String, _>("poly_market_id")?)
                        .map_err(|e| corrupt("poly_market_id", e))?,
                    poly_condition_id: row
                        .try_get::<Option<String>, _>("poly_condition_id")?
                        .map(PolyConditionId::new)
                        .transpose()
                        .map_err(|e| corrupt("poly_condition_id", e))?,
                    poly_token_id: row
                        .try_get::<Option<String>, _>("poly_token_id")?
                        .map(PolyTokenId::new)
                        .transpose()
                        .map_err(|e| corrupt("poly_token_id", e))?,
                    poly_outcome_index: u8::try_from(row.try_get::<i64, _>("poly_outcome_index")?)
                        .map_err(|e| corrupt("poly_outcome_index", e))?,
                    poly_outcome: row.try_get("poly_outcome")?,
                    kind: parse("kind", &row.try_get::<String, _>("kind")?)?,
                    line: row
                        .try_get::<Option<i64>, _>("line_x100")?
                        .map(|h| Line::from_hundredths(h as i32)),
                    league: row
                        .try_get::<Option<String>, _>("league")?
                        .map(|l| parse::<League>("league", &l))
                        .transpose()?,
                    starts_at: row.try_get("starts_at")?,
                    score: row.try_get("score")?,
                    reasons: row.try_get::<Json<Vec<String>>, _>("reasons")?.0,
                };
                Ok(Link {
                    id: LinkId(row.try_get("id")?),
                    candidate,
                    status: parse("status", &row.try_get::<String, _>("status")?)?,
                    decided_by: parse_decider(row.try_get("decided_by")?)?,
                    decided_at: row.try_get("decided_at")?,
                    rule_risk: row
                        .try_get::<Option<String>, _>("rule_risk")?
                        .map(|r| parse::<RuleRisk>("rule_risk", &r))
                        .transpose()?,
                    rule_reasons: row.try_get::<Json<Vec<String>>, _>("rule_reasons")?.0,
                    created_at: row.try_get("created_at")?,
                    updated_at: row.try_get("updated_at")?,
                })
            }

            fn run_from_row(row: &DbRow) -> StoreResult<IngestionRun> {
                let status: String = row.try_get("status")?;
                Ok(IngestionRun {
                    id: row.try_get("id")?,
                    venue: parse("venue", &row.try_get::<String, _>("venue")?)?,
                    mode: row.try_get("mode")?,
                    started_at: row.try_get("started_at")?,
                    finished_at: row.try_get("finished_at")?,
                    status: RunStatus::parse(&status).ok_or_else(|| corrupt("run status", &status))?,
                    fetched: to_u64(row.try_get("fetched")?),
                    stored: to_u64(row.try_get("stored")?),
                    skipped: row.try_get::<Json<Skipped>, _>("skipped")?.0,
                    errors: to_u64(row.try_get("errors")?),
                    message: row.try_get("message")?,
                })
            }

            async fn apply_migrations(conn: &mut sqlx::pool::PoolConnection<$db>) -> StoreResult<MigrationReport> {
                sqlx::query(crate::migrate::CREATE_SCHEMA_MIGRATIONS).execute(&mut **conn).await?;
                let done: Vec<i64> =
                    sqlx::query_scalar("SELECT version FROM schema_migrations").fetch_all(&mut **conn).await?;
                let mut applied = Vec::new();
                let pending: Vec<crate::migrate::Migration> =
                    $migrations.iter().copied().filter(|m| !done.contains(&m.version)).collect();
                for m in pending {
                    let fail = |source| StoreError::Migration { version: m.version, name: m.name, source };
                    // Under the write lock, checked again: another process starting on the same
                    // database may have applied it meanwhile (PostgreSQL also holds an advisory lock).
                    let mut tx = sqlx::Connection::begin_with(&mut **conn, super::BEGIN_WRITE).await?;
                    let again: Option<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                        .bind(m.version)
                        .fetch_optional(&mut *tx)
                        .await?;
                    if again.is_some() {
                        tx.rollback().await?;
                        continue;
                    }
                    // A plain &str runs unprepared, so a file of several statements works on both backends.
                    sqlx::Executor::execute(&mut *tx, m.sql).await.map_err(fail)?;
                    sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
                        .bind(m.version)
                        .bind(m.name)
                        .bind(Utc::now().to_rfc3339())
                        .execute(&mut *tx)
                        .await
                        .map_err(fail)?;
                    tx.commit().await.map_err(fail)?;
                    tracing::info!(version = m.version, name = m.name, backend = $backend.as_str(), "migration applied");
                    applied.push(m.version);
                }
                let current = $migrations.last().map(|m| m.version).unwrap_or(0);
                Ok(MigrationReport { applied, current })
            }

            fn opportunity_from_row(row: &DbRow) -> StoreResult<StoredOpportunity> {
                let payload: Option<String> = row.try_get("payload")?;
                let opportunity = serde_json::from_str(payload.as_deref().unwrap_or("null")).map_err(|e| corrupt("payload", e))?;
                Ok(StoredOpportunity {
                    id: row.try_get("id")?,
                    direction: row.try_get("direction")?,
                    opportunity,
                    first_seen: row.try_get("first_seen")?,
                    last_seen: row.try_get("last_seen")?,
                    best_edge: crossbook_model::Money::from_micros(row.try_get("best_edge")?).map_err(|e| corrupt("best_edge", e))?,
                    closed_at: row.try_get("closed_at")?,
                })
            }

            fn alert_from_row(row: &DbRow) -> StoreResult<AlertRecord> {
                Ok(AlertRecord {
                    id: row.try_get("id")?,
                    key: row.try_get("alert_key")?,
                    opportunity_id: row.try_get("opportunity_id")?,
                    kind: row.try_get("kind")?,
                    sink: row.try_get("sink")?,
                    status: row.try_get("status")?,
                    attempts: row.try_get("attempts")?,
                    payload: row.try_get::<Json<serde_json::Value>, _>("payload")?.0,
                    error: row.try_get("error")?,
                    created_at: row.try_get("created_at")?,
                    sent_at: row.try_get("sent_at")?,
                })
            }

            /// Writes an opportunity seen open: one statement, so writers racing on the same
            /// link and direction (the REST pass and the live streams) meet in the
            /// open-opportunity index, not in a gap between a read and a write. `replayed`: it
            /// may have been written already (read back from the writer's spool after a crash),
            /// so a closed row of the same first sighting is its row, answered as it is.
            async fn put_opportunity(
                pool: &sqlx::Pool<$db>,
                o: &crossbook_model::Opportunity,
                direction: &str,
                first_seen: DateTime<Utc>,
                last_seen: DateTime<Utc>,
                replayed: bool,
            ) -> StoreResult<i64> {
                let payload = serde_json::to_string(o).map_err(|e| corrupt("opportunity", e))?;
                let id: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO opportunities (link_id, direction, legs, cost, fees, edge, best_edge, max_size, profit, \
                     quote_ages, first_seen, last_seen, payload) \
                     SELECT $1, $2, $3, $4, $5, $6, $6, $7, $8, $9, $10, $12, $11 \
                     WHERE NOT ($13 AND EXISTS (SELECT 1 FROM opportunities WHERE link_id = $1 AND direction = $2 \
                     AND first_seen = $10 AND closed_at IS NOT NULL)) \
                     ON CONFLICT (link_id, direction) WHERE closed_at IS NULL DO UPDATE SET \
                     legs = excluded.legs, cost = excluded.cost, fees = excluded.fees, edge = excluded.edge, \
                     best_edge = CASE WHEN excluded.edge > opportunities.best_edge THEN excluded.edge ELSE opportunities.best_edge END, \
                     max_size = excluded.max_size, profit = excluded.profit, quote_ages = excluded.quote_ages, \
                     last_seen = excluded.last_seen, payload = excluded.payload \
                     RETURNING id",
                )
                .bind(o.link_id.0)
                .bind(direction)
                .bind(Json(&o.legs))
                .bind(o.cost.micros())
                .bind(o.fees.micros())
                .bind(o.edge.micros())
                .bind(o.max_size.micros())
                .bind(o.profit.micros())
                .bind(Json(&o.quote_age_ms))
                .bind(first_seen)
                .bind(&payload)
                .bind(last_seen)
                .bind(replayed)
                .fetch_optional(pool)
                .await?;
                match id {
                    Some(id) => Ok(id),
                    None => Ok(sqlx::query_scalar(
                        "SELECT id FROM opportunities WHERE link_id = $1 AND direction = $2 AND first_seen = $3 \
                         AND closed_at IS NOT NULL ORDER BY id LIMIT 1",
                    )
                    .bind(o.link_id.0)
                    .bind(direction)
                    .bind(first_seen)
                    .fetch_one(pool)
                    .await?),
                }
            }

            #[async_trait::async_trait]
            impl Store for $store {
                fn backend(&self) -> Backend {
                    $backend
                }

                async fn migrate(&self) -> StoreResult<MigrationReport> {
                    let mut conn = self.pool.acquire().await?;
                    if let Some(sql) = super::MIGRATION_LOCK {
                        sqlx::query(sql).execute(&mut *conn).await?;
                    }
                    let result = apply_migrations(&mut conn).await;
                    if let Some(sql) = super::MIGRATION_UNLOCK {
                        sqlx::query(sql).execute(&mut *conn).await?;
                    }
                    result
                }

                async fn ping(&self) -> StoreResult<()> {
                    sqlx::query("SELECT 1").execute(&self.pool).await?;
                    Ok(())
                }

                async fn upsert_markets(&self, markets: &[Market], now: DateTime<Utc>) -> StoreResult<u64> {
                    let storable: Vec<std::borrow::Cow<'_, Market>> = markets.iter().map(Market::storable).collect();
                    let storable: Vec<&Market> = storable.iter().map(|m| m.as_ref()).collect();
                    let unique = dedup_last(&storable, |m| market_key(m));
                    let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
                    let mut stored = 0;
                    for chunk in unique.chunks(UPSERT_CHUNK) {
                        let mut qb = QueryBuilder::<$db>::new(format!("INSERT INTO markets ({MARKET_COLUMNS}) "));
                        qb.push_values(chunk, |mut b, m| {
                            let kalshi_event = match &m.key {
                                MarketRef::Kalshi { event_ticker, .. } => Some(event_ticker.as_str()),
                                MarketRef::Polymarket { .. } | MarketRef::PolymarketUs { .. } => None,
                            };
                            let condition = match &m.key {
                                MarketRef::Polymarket { condition_id, .. } => condition_id.as_ref().map(|c| c.as_str()),
                                MarketRef::Kalshi { .. } | MarketRef::PolymarketUs { .. } => None,
                            };
                            b.push_bind(m.venue().as_str())
                                .push_bind(m.id())
                                .push_bind(m.event_id())
                                .push_bind(kalshi_event)
                                .push_bind(condition)
                                .push_bind(m.series.as_deref())
                                .push_bind(m.title.as_str())
                                .push_bind(m.subtitle.as_deref())
                                .push_bind(m.topic.as_str())
                                .push_bind(m.league.map(|l| l.code()))
                                .push_bind(Json(&m.participants))
                                .push_bind(m.subject.map(|s| s.to_string()))
                                .push_bind(m.kind.as_str())
                                .push_bind(m.line.map(|l| i64::from(l.hundredths())))
                                .push_bind(Json(&m.outcomes))
                                .push_bind(m.status.as_str())
                                .push_bind(m.state.as_str())
                                .push_bind(m.open_time)
                                .push_bind(m.close_time)
                                .push_bind(m.starts_at)
                                .push_bind(m.ends_at)
                                .push_bind(m.is_mve)
                                .push_bind(Json(&m.fees))
                                .push_bind(m.rules.as_deref())
                                .push_bind(m.raw.to_string())
                                .push_bind(now)
                                .push_bind(now)
                                .push_bind(None::<DateTime<Utc>>);
                        });
                        qb.push(MARKET_UPSERT_TAIL);
                        // Not prepared: each batch size is a new statement, and caching them on
                        // every pooled connection grows memory pass after pass.
                        stored += qb.build().persistent(false).execute(&mut *tx).await?.rows_affected();
                    }
                    tx.commit().await?;
                    Ok(stored)
                }

                async fn close_unseen_markets(
                    &self,
                    venue: Venue,
                    topic: Option<Topic>,
                    seen_since: DateTime<Utc>,
                    now: DateTime<Utc>,
                ) -> StoreResult<u64> {
                    let r = sqlx::query(
                        "UPDATE markets SET status = CASE WHEN status = 'open' THEN 'closed' ELSE status END, \
                         state = CASE WHEN state IN ('resolving', 'resolved') THEN state ELSE 'closed' END, \
                         closed_at = $1 WHERE venue = $2 AND last_seen < $3 AND closed_at IS NULL \
                         AND ($4 IS NULL OR derived_topic = $4)",
                    )
                    .bind(now)
                    .bind(venue.as_str())
                    .bind(seen_since)
                    .bind(topic.map(|t| t.as_str()))
                    .execute(&self.pool)
                    .await?;
                    Ok(r.rows_affected())
                }

                async fn set_market_state(&self, venue: Venue, id: &str, state: MarketState) -> StoreResult<()> {
                    sqlx::query("UPDATE markets SET state = $1 WHERE venue = $2 AND market_id = $3")
                        .bind(state.as_str())
                        .bind(venue.as_str())
                        .bind(id)
                        .execute(&self.pool)
                        .await?;
                    Ok(())
                }

                async fn list_markets(&self, f: &MarketFilter) -> StoreResult<Vec<StoredMarket>> {
                    let mut qb = QueryBuilder::<$db>::new(format!(
                        "SELECT {MARKET_COLUMNS} FROM markets WHERE 1 = 1"
                    ));
                    if let Some(v) = f.venue {
                        qb.push(" AND venue = ").push_bind(v.as_str());
                    }
                    if let Some(t) = f.topic {
                        qb.push(" AND derived_topic = ").push_bind(t.as_str());
                    }
                    if let Some(l) = f.league {
                        qb.push(" AND league = ").push_bind(l.code());
                    }
                    if f.exclude_mve {
                        qb.push(" AND is_mve = FALSE");
                    }
                    if f.open_only {
                        qb.push(" AND status = 'open'");
                    }
                    if let Some(ids) = &f.ids {
                        if ids.is_empty() {
                            return Ok(Vec::new());
                        }
                        qb.push(" AND market_id IN (");
                        let mut list = qb.separated(", ");
                        for id in ids {
                            list.push_bind(id.as_str());
                        }
                        qb.push(")");
                    }
                    qb.push(" ORDER BY venue, market_id");
                    // Not prepared: id lists of every length would each be a new cached statement.
                    let rows = qb.build().persistent(false).fetch_all(&self.pool).await?;
                    rows.iter().map(market_from_row).collect()
                }

                async fn upsert_events(&self, events: &[Event], now: DateTime<Utc>) -> StoreResult<u64> {
                    let storable: Vec<std::borrow::Cow<'_, Event>> = events.iter().map(Event::storable).collect();
                    let storable: Vec<&Event> = storable.iter().map(|e| e.as_ref()).collect();
                    let unique = dedup_last(&storable, |e| event_key(e));
                    let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
                    let mut stored = 0;
                    for chunk in unique.chunks(UPSERT_CHUNK) {
                        let mut qb = QueryBuilder::<$db>::new(format!("INSERT INTO events ({EVENT_COLUMNS}) "));
                        qb.push_values(chunk, |mut b, e| {
                            b.push_bind(e.venue.as_str())
                                .push_bind(e.id.as_str())
                                .push_bind(e.series.as_deref())
                                .push_bind(e.title.as_str())
                                .push_bind(e.topic.as_str())
                                .push_bind(e.league.map(|l| l.code()))
                                .push_bind(Json(&e.participants))
                                .push_bind(e.starts_at)
                                .push_bind(e.is_mve)
                                .push_bind(e.status.as_str())
                                .push_bind(e.raw.to_string())
                                .push_bind(now)
                                .push_bind(now)
                                .push_bind(None::<DateTime<Utc>>);
                        });
                        qb.push(EVENT_UPSERT_TAIL);
                        stored += qb.build().persistent(false).execute(&mut *tx).await?.rows_affected();
                    }
                    tx.commit().await?;
                    Ok(stored)
                }

                async fn update_taxonomy(&self, events: &[Event], markets: &[Market]) -> StoreResult<u64> {
                    let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
                    let mut n = 0;
                    for e in events {
                        n += sqlx::query(
                            "UPDATE events SET derived_topic = $1, league = $2, participants = $3, is_mve = $4, \
                             starts_at = $7 WHERE venue = $5 AND event_id = $6",
                        )
                        .bind(e.topic.as_str())
                        .bind(e.league.map(|l| l.code()))
                        .bind(Json(&e.participants))
                        .bind(e.is_mve)
                        .bind(e.venue.as_str())
                        .bind(e.id.as_str())
                        .bind(e.starts_at)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    }
                    for m in markets {
                        n += sqlx::query(
                            "UPDATE markets SET derived_topic = $1, league = $2, participants = $3, kind = $4, \
                             line_x100 = $5, is_mve = $6, subject = $7, outcomes = $8, starts_at = $11, \
                             ends_at = $12 WHERE venue = $9 AND market_id = $10",
                        )
                        .bind(m.topic.as_str())
                        .bind(m.league.map(|l| l.code()))
                        .bind(Json(&m.participants))
                        .bind(m.kind.as_str())
                        .bind(m.line.map(|l| i64::from(l.hundredths())))
                        .bind(m.is_mve)
                        .bind(m.subject.map(|s| s.to_string()))
                        .bind(Json(&m.outcomes))
                        .bind(m.venue().as_str())
                        .bind(m.id())
                        .bind(m.starts_at)
                        .bind(m.ends_at)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    }
                    tx.commit().await?;
                    Ok(n)
                }

                async fn list_events(&self, venue: Option<Venue>) -> StoreResult<Vec<Event>> {
                    let rows = sqlx::query(&format!(
                        "SELECT {EVENT_COLUMNS} FROM events WHERE ($1 IS NULL OR venue = $1) ORDER BY venue, event_id"
                    ))
                    .bind(venue.map(|v| v.as_str()))
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter().map(event_from_row).collect()
                }

                async fn upsert_link_candidate(&self, c: &LinkCandidate, now: DateTime<Utc>) -> StoreResult<LinkUpsert> {
                    // A concurrent process may insert the same pair between our look and our
                    // insert: its unique key refuses ours, and the second try finds the row.
                    let mut attempt = 0;
                    loop {
                    attempt += 1;
                    let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
                    let same: Option<i64> = sqlx::query_scalar(
                        "SELECT id FROM links WHERE kalshi_ticker = $1 AND poly_market_id = $2 AND poly_outcome_index = $3",
                    )
                    .bind(c.kalshi_ticker.as_str())
                    .bind(c.poly_market_id.as_str())
                    .bind(i64::from(c.poly_outcome_index))
                    .fetch_optional(&mut *tx)
                    .await?;
                    if let Some(id) = same {
                        sqlx::query(
                            "UPDATE links SET kalshi_event_ticker = $1, poly_condition_id = $2, poly_token_id = $3, \
                             poly_outcome = $4, kind = $5, line_x100 = $6, league = $7, starts_at = $8, score = $9, \
                             reasons = $10, updated_at = $11 WHERE id = $12",
                        )
                        .bind(c.kalshi_event_ticker.as_str())
                        .bind(c.poly_condition_id.as_ref().map(|x| x.as_str()))
                        .bind(c.poly_token_id.as_ref().map(|x| x.as_str()))
                        .bind(c.poly_outcome.as_str())
                        .bind(c.kind.as_str())
                        .bind(c.line.map(|l| i64::from(l.hundredths())))
                        .bind(c.league.map(|l| l.code()))
                        .bind(c.starts_at)
                        .bind(c.score)
                        .bind(Json(&c.reasons))
                        .bind(now)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                        tx.commit().await?;
                        return Ok(LinkUpsert::Updated(LinkId(id)));
                    }
                    let live: Option<i64> = sqlx::query_scalar(
                        "SELECT id FROM links WHERE kalshi_ticker = $1 AND poly_venue = $2 AND status <> 'rejected'",
                    )
                    .bind(c.kalshi_ticker.as_str())
                    .bind(c.poly_venue.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
                    if let Some(existing) = live {
                        // Ended here, not left to the drop: the connection goes back clean.
                        tx.rollback().await?;
                        return Ok(LinkUpsert::Conflict { existing: LinkId(existing) });
                    }
                    let id: Result<i64, sqlx::Error> = sqlx::query_scalar(
                        "INSERT INTO links (kalshi_ticker, kalshi_event_ticker, poly_market_id, poly_condition_id, \
                         poly_token_id, poly_outcome_index, poly_outcome, kind, line_x100, league, starts_at, score, \
                         reasons, status, rule_reasons, created_at, updated_at, poly_venue) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'suggested', $14, $15, $16, $17) \
                         RETURNING id",
                    )
                    .bind(c.kalshi_ticker.as_str())
                    .bind(c.kalshi_event_ticker.as_str())
                    .bind(c.poly_market_id.as_str())
                    .bind(c.poly_condition_id.as_ref().map(|x| x.as_str()))
                    .bind(c.poly_token_id.as_ref().map(|x| x.as_str()))
                    .bind(i64::from(c.poly_outcome_index))
                    .bind(c.poly_outcome.as_str())
                    .bind(c.kind.as_str())
                    .bind(c.line.map(|l| i64::from(l.hundredths())))
                    .bind(c.league.map(|l| l.code()))
                    .bind(c.starts_at)
                    .bind(c.score)
                    .bind(Json(&c.reasons))
                    .bind(Json(Vec::<String>::new()))
                    .bind(now)
                    .bind(now)
                    .bind(c.poly_venue.as_str())
                    .fetch_one(&mut *tx)
                    .await;
                    let id = match id {
                        Err(sqlx::Error::Database(e)) if e.is_unique_violation() && attempt == 1 => continue,
                        other => other?,
                    };
                    sqlx::query(
                        "INSERT INTO link_decisions (link_id, from_status, to_status, decided_by, reason, decided_at) \
                         VALUES ($1, NULL, 'suggested', 'auto', 'matcher candidate', $2)",
                    )
                    .bind(id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    return Ok(LinkUpsert::Inserted(LinkId(id)));
                    }
                }

                async fn decide_link(
                    &self,
                    id: LinkId,
                    to: LinkStatus,
                    by: &Decider,
                    reason: &str,
                    now: DateTime<Utc>,
                ) -> StoreResult<Decision> {
                    let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
                    let row = sqlx::query("SELECT status, decided_by, kalshi_ticker, poly_venue FROM links WHERE id = $1")
                        .bind(id.0)
                        .fetch_optional(&mut *tx)
                        .await?
                        .ok_or_else(|| StoreError::NotFound(format!("link {id}")))?;
                    let from: LinkStatus = parse("status", &row.try_get::<String, _>("status")?)?;
                    let current = parse_decider(row.try_get("decided_by")?)?;
                    let ticker: String = row.try_get("kalshi_ticker")?;
                    let venue: String = row.try_get("poly_venue")?;
                    // Nothing to write: the transaction ends here, not at its drop, so the
                    // connection goes back to the pool clean instead of being closed.
                    if !by.is_human() && current.as_ref().is_some_and(Decider::is_human) {
                        tx.rollback().await?;
                        return Ok(Decision::KeptHumanDecision);
                    }
                    if from == to && (current.as_ref() == Some(by) || !by.is_human()) {
                        tx.rollback().await?;
                        return Ok(Decision::Unchanged);
                    }
                    if to != LinkStatus::Rejected {
                        let other: Option<i64> = sqlx::query_scalar(
                            "SELECT id FROM links WHERE kalshi_ticker = $1 AND poly_venue = $2 AND status <> 'rejected' \
                             AND id <> $3",
                        )
                        .bind(&ticker)
                        .bind(&venue)
                        .bind(id.0)
                        .fetch_optional(&mut *tx)
                        .await?;
                        if let Some(other) = other {
                            return Err(StoreError::Conflict(format!(
                                "Kalshi market {ticker} already has live link {other} on {venue}; reject it first"
                            )));
                        }
                    }
                    sqlx::query("UPDATE links SET status = $1, decided_by = $2, decided_at = $3, updated_at = $4 WHERE id = $5")
                        .bind(to.as_str())
                        .bind(by.to_string())
                        .bind(now)
                        .bind(now)
                        .bind(id.0)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query(
                        "INSERT INTO link_decisions (link_id, from_status, to_status, decided_by, reason, decided_at) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(id.0)
                    .bind(from.as_str())
                    .bind(to.as_str())
                    .bind(by.to_string())
                    .bind(reason)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    Ok(Decision::Applied)
                }

                async fn set_rule_risk(&self, id: LinkId, risk: RuleRisk, reasons: &[String]) -> StoreResult<()> {
                    sqlx::query("UPDATE links SET rule_risk = $1, rule_reasons = $2 WHERE id = $3")
                        .bind(risk.as_str())
                        .bind(Json(reasons))
                        .bind(id.0)
                        .execute(&self.pool)
                        .await?;
                    Ok(())
                }

                async fn get_link(&self, id: LinkId) -> StoreResult<Option<Link>> {
                    let row = sqlx::query(&format!("SELECT {LINK_COLUMNS} FROM links WHERE id = $1"))
                        .bind(id.0)
                        .fetch_optional(&self.pool)
                        .await?;
                    row.as_ref().map(link_from_row).transpose()
                }

                async fn list_links(&self, status: Option<LinkStatus>) -> StoreResult<Vec<Link>> {
                    let rows = sqlx::query(&format!(
                        "SELECT {LINK_COLUMNS} FROM links WHERE ($1 IS NULL OR status = $1) ORDER BY id"
                    ))
                    .bind(status.map(|s| s.as_str()))
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter().map(link_from_row).collect()
                }

                async fn link_history(&self, id: LinkId) -> StoreResult<Vec<LinkDecision>> {
                    let rows = sqlx::query(
                        "SELECT from_status, to_status, decided_by, reason, decided_at FROM link_decisions \
                         WHERE link_id = $1 ORDER BY id",
                    )
                    .bind(id.0)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            Ok(LinkDecision {
                                link_id: id,
                                from: r
                                    .try_get::<Option<String>, _>("from_status")?
                                    .map(|s| parse::<LinkStatus>("from_status", &s))
                                    .transpose()?,
                                to: parse("to_status", &r.try_get::<String, _>("to_status")?)?,
                                decided_by: parse("decided_by", &r.try_get::<String, _>("decided_by")?)?,
                                reason: r.try_get("reason")?,
                                decided_at: r.try_get("decided_at")?,
                            })
                        })
                        .collect()
                }

                async fn start_ingestion_run(&self, venue: Venue, mode: &str, now: DateTime<Utc>) -> StoreResult<i64> {
                    Ok(sqlx::query_scalar(
                        "INSERT INTO ingestion_runs (venue, mode, started_at, status, skipped) \
                         VALUES ($1, $2, $3, 'running', $4) RETURNING id",
                    )
                    .bind(venue.as_str())
                    .bind(mode)
                    .bind(now)
                    .bind(Json(Skipped::new()))
                    .fetch_one(&self.pool)
                    .await?)
                }

                async fn abandon_ingestion_runs(&self, since: DateTime<Utc>, now: DateTime<Utc>, message: &str) -> StoreResult<u64> {
                    let r = sqlx::query(
                        "UPDATE ingestion_runs SET finished_at = $1, status = $2, message = $3 \
                         WHERE status = $4 AND started_at >= $5",
                    )
                    .bind(now)
                    .bind(RunStatus::Failed.as_str())
                    .bind(message)
                    .bind(RunStatus::Running.as_str())
                    .bind(since)
                    .execute(&self.pool)
                    .await?;
                    Ok(r.rows_affected())
                }

                async fn finish_ingestion_run(&self, id: i64, s: &RunSummary) -> StoreResult<()> {
                    let r = sqlx::query(
                        "UPDATE ingestion_runs SET finished_at = $1, status = $2, fetched = $3, stored = $4, \
                         skipped = $5, errors = $6, message = $7 WHERE id = $8",
                    )
                    .bind(s.finished_at)
                    .bind(s.status.as_str())
                    .bind(to_i64(s.fetched))
                    .bind(to_i64(s.stored))
                    .bind(Json(&s.skipped))
                    .bind(to_i64(s.errors))
                    .bind(s.message.as_deref())
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                    if r.rows_affected() == 0 {
                        return Err(StoreError::NotFound(format!("ingestion run {id}")));
                    }
                    Ok(())
                }

                async fn latest_ingestion_runs(&self) -> StoreResult<Vec<IngestionRun>> {
                    let rows = sqlx::query(&format!(
                        "SELECT {RUN_COLUMNS} FROM ingestion_runs r WHERE id = \
                         (SELECT MAX(id) FROM ingestion_runs x WHERE x.venue = r.venue) ORDER BY venue"
                    ))
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter().map(run_from_row).collect()
                }

                async fn record_matching_run(&self, m: &MatchingRun) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO matching_runs (started_at, finished_at, candidates, confirmed, rejected, suggested) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(m.started_at)
                    .bind(m.finished_at)
                    .bind(to_i64(m.candidates))
                    .bind(to_i64(m.confirmed))
                    .bind(to_i64(m.rejected))
                    .bind(to_i64(m.suggested))
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                }

                async fn latest_matching_run(&self) -> StoreResult<Option<MatchingRun>> {
                    let row = sqlx::query(
                        "SELECT started_at, finished_at, candidates, confirmed, rejected, suggested \
                         FROM matching_runs ORDER BY id DESC LIMIT 1",
                    )
                    .fetch_optional(&self.pool)
                    .await?;
                    row.map(|r| {
                        Ok(MatchingRun {
                            started_at: r.try_get("started_at")?,
                            finished_at: r.try_get("finished_at")?,
                            candidates: to_u64(r.try_get("candidates")?),
                            confirmed: to_u64(r.try_get("confirmed")?),
                            rejected: to_u64(r.try_get("rejected")?),
                            suggested: to_u64(r.try_get("suggested")?),
                        })
                    })
                    .transpose()
                }

                async fn replace_watchlist(&self, entries: &[WatchEntry], now: DateTime<Utc>) -> StoreResult<()> {
                    let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
                    sqlx::query("DELETE FROM watchlist").execute(&mut *tx).await?;
                    for e in entries {
                        sqlx::query(
                            "INSERT INTO watchlist (link_id, priority, starts_at, liquidity, updated_at) VALUES ($1, $2, $3, $4, $5)",
                        )
                        .bind(e.link_id.0)
                        .bind(e.priority.as_str())
                        .bind(e.starts_at)
                        .bind(e.liquidity)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn list_watchlist(&self) -> StoreResult<Vec<WatchEntry>> {
                    let rows = sqlx::query("SELECT link_id, priority, starts_at, liquidity FROM watchlist")
                        .fetch_all(&self.pool)
                        .await?;
                    let mut out = rows
                        .iter()
                        .map(|r| {
                            let p: String = r.try_get("priority")?;
                            Ok(WatchEntry {
                                link_id: LinkId(r.try_get("link_id")?),
                                priority: Priority::parse(&p).ok_or_else(|| corrupt("priority", &p))?,
                                starts_at: r.try_get("starts_at")?,
                                liquidity: r.try_get("liquidity")?,
                            })
                        })
                        .collect::<StoreResult<Vec<_>>>()?;
                    out.sort_by(|a, b| a.priority.cmp(&b.priority).then(b.liquidity.cmp(&a.liquidity)).then(a.link_id.cmp(&b.link_id)));
                    Ok(out)
                }

                async fn save_books(&self, books: &[BookSnapshot]) -> StoreResult<()> {
                    // Always in key order: two writers (the REST pass, the live streams) then lock
                    // shared rows in the same order and cannot deadlock.
                    let mut ordered: Vec<&BookSnapshot> = books.iter().collect();
                    ordered.sort_by(|a, b| (a.venue.as_str(), &a.book_id).cmp(&(b.venue.as_str(), &b.book_id)));
                    let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
                    for b in ordered {
                        sqlx::query(
                            "INSERT INTO book_snapshots (venue, book_id, bids, asks, seq, received_at) VALUES ($1, $2, $3, $4, $5, $6) \
                             ON CONFLICT (venue, book_id) DO UPDATE SET bids = excluded.bids, asks = excluded.asks, \
                             seq = excluded.seq, received_at = excluded.received_at",
                        )
                        .bind(b.venue.as_str())
                        .bind(b.book_id.as_str())
                        .bind(Json(&b.bids))
                        .bind(Json(&b.asks))
                        .bind(b.seq)
                        .bind(b.received_at)
                        .execute(&mut *tx)
                        .await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn load_books(&self, ids: Option<&[String]>) -> StoreResult<Vec<BookSnapshot>> {
                    let rows = sqlx::query("SELECT venue, book_id, bids, asks, seq, received_at FROM book_snapshots ORDER BY venue, book_id")
                        .fetch_all(&self.pool)
                        .await?;
                    let wanted: Option<std::collections::HashSet<&str>> = ids.map(|v| v.iter().map(String::as_str).collect());
                    rows.iter()
                        .filter(|r| {
                            wanted.as_ref().is_none_or(|w| r.try_get::<String, _>("book_id").is_ok_and(|id| w.contains(id.as_str())))
                        })
                        .map(|r| {
                            Ok(BookSnapshot {
                                venue: parse("venue", &r.try_get::<String, _>("venue")?)?,
                                book_id: r.try_get("book_id")?,
                                bids: r.try_get::<Json<Vec<(String, String)>>, _>("bids")?.0,
                                asks: r.try_get::<Json<Vec<(String, String)>>, _>("asks")?.0,
                                seq: r.try_get("seq")?,
                                received_at: r.try_get("received_at")?,
                            })
                        })
                        .collect()
                }

                async fn book_freshness(&self, now: DateTime<Utc>) -> StoreResult<Freshness> {
                    let times: Vec<DateTime<Utc>> =
                        sqlx::query_scalar("SELECT received_at FROM book_snapshots").fetch_all(&self.pool).await?;
                    let mut f = Freshness::default();
                    for t in times {
                        let age = now - t;
                        if age < chrono::Duration::minutes(1) {
                            f.lt1m += 1;
                        } else if age < chrono::Duration::minutes(5) {
                            f.lt5m += 1;
                        } else {
                            f.older += 1;
                        }
                    }
                    Ok(f)
                }

                async fn upsert_opportunity(
                    &self,
                    o: &crossbook_model::Opportunity,
                    direction: &str,
                    first_seen: DateTime<Utc>,
                    last_seen: DateTime<Utc>,
                ) -> StoreResult<i64> {
                    put_opportunity(&self.pool, o, direction, first_seen, last_seen, false).await
                }

                async fn replay_opportunity(
                    &self,
                    o: &crossbook_model::Opportunity,
                    direction: &str,
                    first_seen: DateTime<Utc>,
                    last_seen: DateTime<Utc>,
                ) -> StoreResult<i64> {
                    put_opportunity(&self.pool, o, direction, first_seen, last_seen, true).await
                }

                async fn close_opportunities(
                    &self,
                    seen_since: DateTime<Utc>,
                    now: DateTime<Utc>,
                ) -> StoreResult<Vec<StoredOpportunity>> {
                    let rows = sqlx::query(
                        "UPDATE opportunities SET closed_at = $1 WHERE closed_at IS NULL AND last_seen < $2 \
                         RETURNING id, direction, payload, first_seen, last_seen, best_edge, closed_at",
                    )
                    .bind(now)
                    .bind(seen_since)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter().map(opportunity_from_row).collect()
                }

                async fn close_link_opportunities(
                    &self,
                    link: LinkId,
                    direction: Option<&str>,
                    now: DateTime<Utc>,
                ) -> StoreResult<u64> {
                    Ok(sqlx::query(
                        "UPDATE opportunities SET closed_at = $1 WHERE closed_at IS NULL AND link_id = $2 \
                         AND ($3 IS NULL OR direction = $3)",
                    )
                    .bind(now)
                    .bind(link.0)
                    .bind(direction)
                    .execute(&self.pool)
                    .await?
                    .rows_affected())
                }

                async fn list_open_opportunities(&self) -> StoreResult<Vec<StoredOpportunity>> {
                    let rows = sqlx::query(
                        "SELECT id, direction, payload, first_seen, last_seen, best_edge, closed_at FROM opportunities \
                         WHERE closed_at IS NULL ORDER BY edge DESC, id",
                    )
                    .fetch_all(&self.pool)
                    .await?;
                    let mut open = rows.iter().map(opportunity_from_row).collect::<StoreResult<Vec<_>>>()?;
                    // Liquidity two of them claim is counted once, however they were recorded.
                    crossbook_model::opportunity::claim_once(open.iter_mut().map(|o| &mut o.opportunity));
                    Ok(open)
                }

                async fn opportunities_since(&self, since: DateTime<Utc>) -> StoreResult<Vec<StoredOpportunity>> {
                    let rows = sqlx::query(
                        "SELECT id, direction, payload, first_seen, last_seen, best_edge, closed_at FROM opportunities \
                         WHERE closed_at IS NULL OR closed_at >= $1 ORDER BY first_seen, id LIMIT 5000",
                    )
                    .bind(since)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter().map(opportunity_from_row).collect()
                }

                async fn save_quote_samples(&self, samples: &[QuoteSample]) -> StoreResult<()> {
                    let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
                    for q in samples {
                        sqlx::query(
                            "INSERT INTO quote_samples (link_id, at, kalshi_yes, kalshi_no, poly_yes, poly_no, edge) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7)",
                        )
                        .bind(q.link_id.0)
                        .bind(q.at)
                        .bind(q.kalshi_yes.map(|p| p.micros()))
                        .bind(q.kalshi_no.map(|p| p.micros()))
                        .bind(q.poly_yes.map(|p| p.micros()))
                        .bind(q.poly_no.map(|p| p.micros()))
                        .bind(q.edge.map(|m| m.micros()))
                        .execute(&mut *tx)
                        .await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn quote_samples(&self, link: LinkId, since: DateTime<Utc>, limit: i64) -> StoreResult<Vec<QuoteSample>> {
                    let rows = sqlx::query(
                        "SELECT link_id, at, kalshi_yes, kalshi_no, poly_yes, poly_no, edge FROM quote_samples \
                         WHERE link_id = $1 AND at >= $2 ORDER BY at DESC LIMIT $3",
                    )
                    .bind(link.0)
                    .bind(since)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                    let price = |row: &DbRow, col: &'static str| -> StoreResult<Option<crossbook_model::Price>> {
                        row.try_get::<Option<i64>, _>(col)?
                            .map(|m| crossbook_model::Price::from_micros(m).map_err(|e| corrupt(col, e)))
                            .transpose()
                    };
                    let mut out = rows
                        .iter()
                        .map(|row| {
                            Ok(QuoteSample {
                                link_id: LinkId(row.try_get("link_id")?),
                                at: row.try_get("at")?,
                                kalshi_yes: price(row, "kalshi_yes")?,
                                kalshi_no: price(row, "kalshi_no")?,
                                poly_yes: price(row, "poly_yes")?,
                                poly_no: price(row, "poly_no")?,
                                edge: row
                                    .try_get::<Option<i64>, _>("edge")?
                                    .map(|m| crossbook_model::Money::from_micros(m).map_err(|e| corrupt("edge", e)))
                                    .transpose()?,
                            })
                        })
                        .collect::<StoreResult<Vec<_>>>()?;
                    out.reverse();
                    Ok(out)
                }

                async fn prune_quote_samples(&self, before: DateTime<Utc>) -> StoreResult<u64> {
                    let done = sqlx::query("DELETE FROM quote_samples WHERE at < $1").bind(before).execute(&self.pool).await?;
                    Ok(done.rows_affected())
                }

                async fn insert_alert(&self, a: &AlertRecord) -> StoreResult<i64> {
                    // Keyed: a second insert of the same alert (a retry after the connection
                    // dropped past the commit) finds the first row.
                    let inserted: Option<i64> = sqlx::query_scalar(
                        "INSERT INTO alerts (alert_key, opportunity_id, kind, sink, status, attempts, payload, error, created_at, sent_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (alert_key) DO NOTHING RETURNING id",
                    )
                    .bind(a.key.as_deref())
                    .bind(a.opportunity_id)
                    .bind(a.kind.as_str())
                    .bind(a.sink.as_str())
                    .bind(a.status.as_str())
                    .bind(a.attempts)
                    .bind(Json(&a.payload))
                    .bind(a.error.as_deref())
                    .bind(a.created_at)
                    .bind(a.sent_at)
                    .fetch_optional(&self.pool)
                    .await?;
                    match inserted {
                        Some(id) => Ok(id),
                        None => Ok(sqlx::query_scalar("SELECT id FROM alerts WHERE alert_key = $1")
                            .bind(a.key.as_deref())
                            .fetch_one(&self.pool)
                            .await?),
                    }
                }

                async fn recent_arbitrage_alerts(&self, since: DateTime<Utc>) -> StoreResult<Vec<(LinkId, String, DateTime<Utc>)>> {
                    let rows = sqlx::query(
                        "SELECT o.link_id, o.direction, a.created_at FROM alerts a JOIN opportunities o ON o.id = a.opportunity_id \
                         WHERE a.kind = 'arbitrage' AND a.created_at >= $1 AND a.status IN ('sent', 'pending', 'logged')",
                    )
                    .bind(since)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| Ok((LinkId(r.try_get("link_id")?), r.try_get("direction")?, r.try_get("created_at")?)))
                        .collect()
                }

                async fn update_alert(&self, id: i64, status: &str, attempts: i64, error: Option<&str>, sent_at: Option<DateTime<Utc>>) -> StoreResult<()> {
                    sqlx::query("UPDATE alerts SET status = $1, attempts = $2, error = $3, sent_at = $4 WHERE id = $5")
                        .bind(status)
                        .bind(attempts)
                        .bind(error)
                        .bind(sent_at)
                        .bind(id)
                        .execute(&self.pool)
                        .await?;
                    Ok(())
                }

                async fn try_lease(&self, name: &str, holder: &str, now: DateTime<Utc>, until: DateTime<Utc>) -> StoreResult<bool> {
                    let r = sqlx::query(
                        "INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3) \
                         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
                         WHERE leases.holder = excluded.holder OR leases.expires_at < $4",
                    )
                    .bind(name)
                    .bind(holder)
                    .bind(until)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                    Ok(r.rows_affected() == 1)
                }

                async fn claim_alert(&self, claim: &AlertClaim, now: DateTime<Utc>) -> StoreResult<bool> {
                    let r = match claim {
                        AlertClaim::Open { subject, profit, since, profit_change_percent, reopen } => {
                            sqlx::query(
                                "INSERT INTO alert_claims (subject, state, profit, claimed_at) VALUES ($1, 'open', $2, $3) \
                                 ON CONFLICT (subject) DO UPDATE SET state = 'open', profit = excluded.profit, claimed_at = excluded.claimed_at \
                                 WHERE alert_claims.claimed_at < $4 \
                                 OR ($5 > 0 AND alert_claims.profit IS NOT NULL \
                                     AND ABS(excluded.profit - alert_claims.profit) * 100 >= $5 * ABS(alert_claims.profit)) \
                                 OR ($6 AND alert_claims.state = 'closed')",
                            )
                            .bind(subject)
                            .bind(profit)
                            .bind(now)
                            .bind(since)
                            .bind(i64::try_from(*profit_change_percent).unwrap_or(i64::MAX))
                            .bind(reopen)
                            .execute(&self.pool)
                            .await?
                        }
                        AlertClaim::Transition { subject, from: Some(from), to } => {
                            sqlx::query("UPDATE alert_claims SET state = $2, claimed_at = $3 WHERE subject = $1 AND state = $4")
                                .bind(subject)
                                .bind(to)
                                .bind(now)
                                .bind(from)
                                .execute(&self.pool)
                                .await?
                        }
                        AlertClaim::Transition { subject, from: None, to } => {
                            sqlx::query(
                                "INSERT INTO alert_claims (subject, state, profit, claimed_at) VALUES ($1, $2, NULL, $3) \
                                 ON CONFLICT (subject) DO UPDATE SET state = excluded.state, claimed_at = excluded.claimed_at \
                                 WHERE alert_claims.state <> excluded.state",
                            )
                            .bind(subject)
                            .bind(to)
                            .bind(now)
                            .execute(&self.pool)
                            .await?
                        }
                    };
                    Ok(r.rows_affected() == 1)
                }

                async fn beat(&self, beats: &[Heartbeat]) -> StoreResult<()> {
                    let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
                    for b in beats {
                        sqlx::query(
                            "INSERT INTO service_heartbeats (service, holder, status, restarts, last_error, beat_at, progress_at, period_ms) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (service, holder) DO UPDATE SET \
                             status = excluded.status, restarts = excluded.restarts, last_error = excluded.last_error, \
                             beat_at = excluded.beat_at, progress_at = excluded.progress_at, period_ms = excluded.period_ms",
                        )
                        .bind(&b.service)
                        .bind(&b.holder)
                        .bind(&b.status)
                        .bind(i64::try_from(b.restarts).unwrap_or(i64::MAX))
                        .bind(&b.last_error)
                        .bind(b.beat_at)
                        .bind(b.progress_at)
                        .bind(b.period_ms)
                        .execute(&mut *tx)
                        .await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn list_heartbeats(&self) -> StoreResult<Vec<Heartbeat>> {
                    let rows = sqlx::query(
                        "SELECT service, holder, status, restarts, last_error, beat_at, progress_at, period_ms \
                         FROM service_heartbeats ORDER BY beat_at DESC, service, holder",
                    )
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|row| {
                            Ok(Heartbeat {
                                service: row.try_get("service")?,
                                holder: row.try_get("holder")?,
                                status: row.try_get("status")?,
                                restarts: u64::try_from(row.try_get::<i64, _>("restarts")?).unwrap_or(0),
                                last_error: row.try_get("last_error")?,
                                beat_at: row.try_get("beat_at")?,
                                progress_at: row.try_get("progress_at")?,
                                period_ms: row.try_get("period_ms")?,
                            })
                        })
                        .collect()
                }

                async fn list_alerts(&self, limit: i64) -> StoreResult<Vec<AlertRecord>> {
                    let rows = sqlx::query(
                        "SELECT id, alert_key, opportunity_id, kind, sink, status, attempts, payload, error, created_at, sent_at \
                         FROM alerts ORDER BY id DESC LIMIT $1",
                    )
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter().map(alert_from_row).collect()
                }

                async fn record_trade(&self, trade: &crossbook_model::Trade) -> StoreResult<()> {
                    let payload = serde_json::to_string(trade).map_err(|e| corrupt("trade", e))?;
                    let mut tx = self.pool.begin().await?;
                    sqlx::query(
                        "INSERT INTO trades (trade_id, mode, link_id, status, decided_at, payload) VALUES ($1, $2, $3, $4, $5, $6) \
                         ON CONFLICT (trade_id) DO UPDATE SET status = excluded.status, payload = excluded.payload",
                    )
                    .bind(&trade.trade_id)
                    .bind(trade.mode.as_str())
                    .bind(trade.link_id.0)
                    .bind(trade.status.as_str())
                    .bind(trade.decided_at)
                    .bind(&payload)
                    .execute(&mut *tx)
                    .await?;
                    for f in &trade.fills {
                        let payload = serde_json::to_string(f).map_err(|e| corrupt("fill", e))?;
                        sqlx::query(
                            "INSERT INTO fills (fill_id, trade_id, order_id, mode, venue, market, at, payload) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (fill_id) DO NOTHING",
                        )
                        .bind(&f.fill_id)
                        .bind(&f.trade_id)
                        .bind(&f.order_id)
                        .bind(f.mode.as_str())
                        .bind(f.contract.venue.as_str())
                        .bind(&f.contract.market)
                        .bind(f.at)
                        .bind(&payload)
                        .execute(&mut *tx)
                        .await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn list_trades(&self, since: DateTime<Utc>) -> StoreResult<Vec<crossbook_model::Trade>> {
                    let rows = sqlx::query("SELECT payload FROM trades WHERE decided_at >= $1 ORDER BY decided_at, trade_id")
                        .bind(since)
                        .fetch_all(&self.pool)
                        .await?;
                    rows.iter()
                        .map(|r| serde_json::from_str(&r.try_get::<String, _>("payload")?).map_err(|e| corrupt("trades.payload", e)))
                        .collect()
                }

                async fn list_fills(&self, since: DateTime<Utc>) -> StoreResult<Vec<crossbook_model::Fill>> {
                    let rows = sqlx::query("SELECT payload FROM fills WHERE at >= $1 ORDER BY at, fill_id")
                        .bind(since)
                        .fetch_all(&self.pool)
                        .await?;
                    rows.iter()
                        .map(|r| serde_json::from_str(&r.try_get::<String, _>("payload")?).map_err(|e| corrupt("fills.payload", e)))
                        .collect()
                }

                async fn set_control(&self, c: &Control) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO controls (name, value, set_by, set_at) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (name) DO UPDATE SET value = excluded.value, set_by = excluded.set_by, set_at = excluded.set_at",
                    )
                    .bind(&c.name)
                    .bind(&c.value)
                    .bind(&c.set_by)
                    .bind(c.set_at)
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                }

                async fn control(&self, name: &str) -> StoreResult<Option<Control>> {
                    let row = sqlx::query("SELECT name, value, set_by, set_at FROM controls WHERE name = $1")
                        .bind(name)
                        .fetch_optional(&self.pool)
                        .await?;
                    row.map(|r| {
                        Ok(Control {
                            name: r.try_get("name")?,
                            value: r.try_get("value")?,
                            set_by: r.try_get("set_by")?,
                            set_at: r.try_get("set_at")?,
                        })
                    })
                    .transpose()
                }

                async fn market_counts(&self) -> StoreResult<Vec<(Venue, Topic, u64)>> {
                    let rows = sqlx::query(
                        "SELECT venue, derived_topic, COUNT(*) AS n FROM markets GROUP BY venue, derived_topic ORDER BY venue, derived_topic",
                    )
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            Ok((
                                parse::<Venue>("venue", &r.try_get::<String, _>("venue")?)?,
                                parse::<Topic>("derived_topic", &r.try_get::<String, _>("derived_topic")?)?,
                                to_u64(r.try_get("n")?),
                            ))
                        })
                        .collect()
                }

                async fn list_aliases(&self) -> StoreResult<Vec<TeamAlias>> {
                    let rows = sqlx::query(
                        "SELECT league, team, venue, kind, value, source, blocked FROM participant_aliases \
                         ORDER BY league, team, venue, kind, value",
                    )
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            let venue: String = r.try_get("venue")?;
                            Ok(TeamAlias {
                                league: parse("league", &r.try_get::<String, _>("league")?)?,
                                team: r.try_get("team")?,
                                venue: if venue == "any" { None } else { Some(parse("venue", &venue)?) },
                                kind: parse("kind", &r.try_get::<String, _>("kind")?)?,
                                value: r.try_get("value")?,
                                source: parse("source", &r.try_get::<String, _>("source")?)?,
                                blocked: r.try_get("blocked")?,
                            })
                        })
                        .collect()
                }

                async fn put_aliases(&self, aliases: &[TeamAlias], now: DateTime<Utc>) -> StoreResult<u64> {
                    let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
                    let mut n = 0;
                    for a in aliases {
                        // A person's row is never overwritten by the matcher.
                        n += sqlx::query(
                            "INSERT INTO participant_aliases \
                             (league, team, venue, kind, value, source, blocked, created_at, updated_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) \
                             ON CONFLICT (league, venue, kind, value) DO UPDATE SET team = excluded.team, \
                             source = excluded.source, blocked = excluded.blocked, updated_at = excluded.updated_at \
                             WHERE participant_aliases.source <> 'person' OR excluded.source = 'person'",
                        )
                        .bind(a.league.code())
                        .bind(a.team.as_str())
                        .bind(a.venue.map_or("any", Venue::as_str))
                        .bind(a.kind.as_str())
                        .bind(a.value.as_str())
                        .bind(a.source.as_str())
                        .bind(a.blocked)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    }
                    tx.commit().await?;
                    Ok(n)
                }

                async fn remove_alias(&self, a: &TeamAlias) -> StoreResult<bool> {
                    let n = sqlx::query(
                        "DELETE FROM participant_aliases WHERE league = $1 AND venue = $2 AND kind = $3 AND value = $4",
                    )
                    .bind(a.league.code())
                    .bind(a.venue.map_or("any", Venue::as_str))
                    .bind(a.kind.as_str())
                    .bind(a.value.as_str())
                    .execute(&self.pool)
                    .await?
                    .rows_affected();
                    Ok(n > 0)
                }

                async fn link_counts(&self) -> StoreResult<LinkCounts> {
                    let rows = sqlx::query("SELECT status, COUNT(*) AS n FROM links GROUP BY status")
                        .fetch_all(&self.pool)
                        .await?;
                    let mut counts = LinkCounts::default();
                    for r in rows {
                        let n = to_u64(r.try_get("n")?);
                        match parse::<LinkStatus>("status", &r.try_get::<String, _>("status")?)? {
                            LinkStatus::Suggested => counts.suggested = n,
                            LinkStatus::Confirmed => counts.confirmed = n,
                            LinkStatus::Rejected => counts.rejected = n,
                        }
                    }
                    Ok(counts)
                }
            }
        }
    };
}

pub(crate) use impl_store;
