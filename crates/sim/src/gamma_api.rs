//! Gamma under `/gamma`: events (nested markets), markets (with their `events`), sports, teams,
//! tags. The keyset listings (`/events/keyset` up to 500 a page, `/markets/keyset` up to 100;
//! `after_cursor` → `next_cursor`, absent on the last page; `offset` refused) and the offset
//! ones (an empty page is the end; an offset past 2,000 is refused with the venue's 422).
//! Markets are served in protocol V1 (`clobTokenIds`) or V2 (`positionIds`, `version: "v2"`).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::SimState;
use crate::capture::Capture;

/// Largest page served by the offset listings and `/events/keyset`.
const MAX_LIMIT: usize = 500;
/// Largest page of `/markets/keyset`.
const MAX_MARKETS_KEYSET: usize = 100;
/// The deepest offset the offset listings serve (the venue answers 422 past about 2,000).
const MAX_OFFSET: usize = 2_000;

/// How Gamma's markets name their tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PolySchema {
    /// `clobTokenIds` (protocol V1, and V2 markets migrated from it).
    #[default]
    V1,
    /// `positionIds` and `version: "v2"` (markets created under CLOB V2).
    V2,
}

impl std::str::FromStr for PolySchema {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "v1" => Ok(PolySchema::V1),
            "v2" => Ok(PolySchema::V2),
            _ => Err(format!("unknown Polymarket schema {s:?} (expected v1 or v2)")),
        }
    }
}

/// A market as served in `schema` (with a field never seen before when `drift`).
fn market_json(m: &Value, schema: PolySchema, drift: bool) -> Value {
    let mut v = m.clone();
    if drift && let Some(o) = v.as_object_mut() {
        o.insert("marketTier".into(), Value::from(2));
    }
    if schema == PolySchema::V2
        && let Some(o) = v.as_object_mut()
        && let Some(ids) = o.remove("clobTokenIds")
    {
        o.insert("positionIds".into(), ids);
        o.insert("version".into(), Value::from("v2"));
    }
    v
}

#[derive(Debug)]
struct PEvent {
    base: Value,
    id: String,
    tags: Vec<String>,
    closed: bool,
    active: bool,
    markets: Vec<usize>,
}

#[derive(Debug)]
struct PMarket {
    json: Value,
    id: String,
    event: usize,
    closed: bool,
}

/// The Polymarket side of a capture, indexed.
#[derive(Debug, Default)]
pub(crate) struct GammaData {
    events: Vec<PEvent>,
    markets: Vec<PMarket>,
    by_event: HashMap<String, usize>,
    sports: Vec<Value>,
    teams: Vec<Value>,
}

impl GammaData {
    pub(crate) fn new(c: &Capture) -> Self {
        let mut d = GammaData { sports: c.poly_sports.clone(), teams: c.poly_teams.clone(), ..Default::default() };
        for e in &c.poly_events {
            let mut base = e.clone();
            let markets = base.as_object_mut().and_then(|o| o.remove("markets")).and_then(|m| m.as_array().cloned());
            let id = base["id"].as_str().unwrap_or_default().to_string();
            let tags = base["tags"]
                .as_array()
                .map(|a| a.iter().filter_map(|t| t["id"].as_str().map(str::to_string)).collect())
                .unwrap_or_default();
            let idx = d.events.len();
            d.by_event.insert(id.clone(), idx);
            let mut ev = PEvent {
                closed: base["closed"].as_bool().unwrap_or(false),
                active: base["active"].as_bool().unwrap_or(true),
                base,
                id,
                tags,
                markets: Vec::new(),
            };
            for m in markets.unwrap_or_default() {
                let mi = d.markets.len();
                ev.markets.push(mi);
                d.markets.push(PMarket {
                    id: m["id"].as_str().unwrap_or_default().to_string(),
                    closed: m["closed"].as_bool().unwrap_or(false),
                    json: m,
                    event: idx,
                });
            }
            d.events.push(ev);
        }
        d
    }
}

impl GammaData {
    /// The market a token belongs to.
    pub(crate) fn market_of_token(&self, token: &str) -> Option<String> {
        self.markets
            .iter()
            .find(|m| crate::capture::token_ids(&m.json).iter().any(|t| t == token))
            .map(|m| m.id.clone())
    }

    /// Sets fields of a market (as the venue changes `acceptingOrders`, `closed`,
    /// `umaResolutionStatus`); returns the market's condition id and token ids, if it exists.
    pub(crate) fn set_market_fields(
        &mut self,
        id: &str,
        fields: &serde_json::Map<String, Value>,
    ) -> Option<(String, Vec<String>)> {
        let m = self.markets.iter_mut().find(|m| m.id == id)?;
        for (k, v) in fields {
            m.json[k.as_str()] = v.clone();
        }
        m.closed = m.json["closed"].as_bool().unwrap_or(false);
        let tokens = crate::capture::token_ids(&m.json);
        Some((m.json["conditionId"].as_str().unwrap_or_default().to_string(), tokens))
    }
}

fn bad(msg: &str) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, Json(json!({"error": msg}))).into_response()
}

/// (offset, limit), or what is wrong with them.
fn paging(q: &HashMap<String, String>) -> Result<(usize, usize), String> {
    let limit = match q.get("limit") {
        None => 100,
        Some(l) => l.parse::<usize>().map_err(|_| "limit must be a number")?.clamp(1, MAX_LIMIT),
    };
    let offset = match q.get("offset") {
        None => 0,
        Some(o) => o.parse::<usize>().map_err(|_| "offset must be a number")?,
    };
    Ok((offset, limit))
}

fn flag(q: &HashMap<String, String>, key: &str) -> Result<Option<bool>, String> {
    match q.get(key).map(String::as_str) {
        None => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(_) => Err(format!("{key} must be true or false")),
    }
}

fn event_out(d: &GammaData, e: &PEvent, schema: PolySchema, drift: bool) -> Value {
    let mut v = e.base.clone();
    if let Some(o) = v.as_object_mut() {
        let markets = e.markets.iter().map(|&m| market_json(&d.markets[m].json, schema, drift)).collect();
        o.insert("markets".into(), Value::Array(markets));
    }
    v
}

/// The venue's answer to an offset past what the offset listings serve.
fn offset_too_large(keyset: &str) -> Response {
    let msg = format!("offset too large, use {keyset} for deeper pagination");
    (StatusCode::UNPROCESSABLE_ENTITY, Json(json!({"type": "validation error", "error": msg}))).into_response()
}

/// The events a listing's filters select.
fn selected_events<'d, 'q>(
    d: &'d GammaData,
    q: &'q HashMap<String, String>,
) -> Result<impl Iterator<Item = &'d PEvent> + use<'d, 'q>, String> {
    let (closed, active) = (flag(q, "closed")?, flag(q, "active")?);
    Ok(d.events
        .iter()
        .filter(move |e| q.get("tag_id").is_none_or(|t| e.tags.contains(t)))
        .filter(move |e| closed.is_none_or(|c| e.closed == c))
        .filter(move |e| active.is_none_or(|a| e.active == a))
        .filter(move |e| q.get("id").is_none_or(|id| &e.id == id))
        .filter(move |e| q.get("slug").is_none_or(|slug| e.base["slug"].as_str() == Some(slug))))
}

/// The markets a listing's filters select.
fn selected_markets<'d, 'q>(
    d: &'d GammaData,
    q: &'q HashMap<String, String>,
    ids: &'q [String],
) -> Result<impl Iterator<Item = &'d PMarket> + use<'d, 'q>, String> {
    let closed = flag(q, "closed")?;
    Ok(d.markets
        .iter()
        .filter(move |m| q.get("tag_id").is_none_or(|t| d.events[m.event].tags.contains(t)))
        .filter(move |m| closed.is_none_or(|c| m.closed == c))
        .filter(move |m| ids.is_empty() || ids.contains(&m.id)))
}

/// A query's parameters (the last of a repeated one) and its repeated `id`s.
fn params(pairs: Vec<(String, String)>) -> (HashMap<String, String>, Vec<String>) {
    let ids = pairs.iter().filter(|(k, _)| k == "id").map(|(_, v)| v.clone()).collect();
    (pairs.into_iter().collect(), ids)
}

/// A market of `GET /markets`: with its `events`.
fn listed_market(d: &GammaData, m: &PMarket, schema: PolySchema, drift: bool) -> Value {
    let e = &d.events[m.event];
    let mut v = market_json(&m.json, schema, drift);
    if let Some(o) = v.as_object_mut() {
        let r =
            json!([{"id": e.id, "slug": e.base["slug"], "title": e.base["title"], "startTime": e.base["startTime"]}]);
        o.insert("events".into(), r);
    }
    v
}

/// (start, limit) of a keyset page, or what is wrong with the request.
fn keyset_paging(q: &HashMap<String, String>, max: usize) -> Result<(usize, usize), String> {
    if q.contains_key("offset") {
        return Err("offset is not supported on keyset endpoints; use after_cursor".into());
    }
    let limit = match q.get("limit") {
        None => 100.min(max),
        Some(l) => match l.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => n,
            _ => return Err(format!("limit must be 1..={max}")),
        },
    };
    let start = match q.get("after_cursor").map(String::as_str).filter(|c| !c.is_empty()) {
        None => 0,
        Some(c) => {
            c.strip_prefix("ks").and_then(|n| usize::from_str_radix(n, 16).ok()).ok_or("invalid after_cursor")?
        }
    };
    Ok((start, limit))
}

/// A keyset page: its items and, unless it is the last, the next cursor.
fn keyset_page(key: &str, items: Vec<Value>, start: usize, limit: usize, more: bool) -> Response {
    let mut page = serde_json::Map::new();
    page.insert(key.into(), Value::Array(items));
    if more {
        page.insert("next_cursor".into(), Value::from(format!("ks{:x}", start + limit)));
    }
    Json(Value::Object(page)).into_response()
}

/// What a venue without the keyset listings answers.
fn no_keyset() -> Response {
    (StatusCode::NOT_FOUND, Json(json!({"error": "not found"}))).into_response()
}

pub(crate) async fn events_keyset(
    State(s): State<Arc<SimState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if s.config.drift {
        return no_keyset();
    }
    let (start, limit) = match keyset_paging(&q, MAX_LIMIT) {
        Ok(p) => p,
        Err(r) => return bad(&r),
    };
    let d = s.gamma.read().await;
    let selected: Vec<&PEvent> = match selected_events(&d, &q) {
        Ok(it) => it.collect(),
        Err(r) => return bad(&r),
    };
    let items = selected
        .iter()
        .skip(start)
        .take(limit)
        .map(|e| event_out(&d, e, s.config.polymarket_schema, s.config.drift))
        .collect();
    keyset_page("events", items, start, limit, start + limit < selected.len())
}

pub(crate) async fn markets_keyset(State(s): State<Arc<SimState>>, Query(q): Query<Vec<(String, String)>>) -> Response {
    if s.config.drift {
        return no_keyset();
    }
    let (q, ids) = params(q);
    let (start, limit) = match keyset_paging(&q, MAX_MARKETS_KEYSET) {
        Ok(p) => p,
        Err(r) => return bad(&r),
    };
    let d = s.gamma.read().await;
    let selected: Vec<&PMarket> = match selected_markets(&d, &q, &ids) {
        Ok(it) => it.collect(),
        Err(r) => return bad(&r),
    };
    let items = selected
        .iter()
        .skip(start)
        .take(limit)
        .map(|m| listed_market(&d, m, s.config.polymarket_schema, s.config.drift))
        .collect();
    keyset_page("markets", items, start, limit, start + limit < selected.len())
}

pub(crate) async fn events(State(s): State<Arc<SimState>>, Query(q): Query<HashMap<String, String>>) -> Response {
    let (offset, limit) = match paging(&q) {
        Ok(p) => p,
        Err(r) => return bad(&r),
    };
    if offset > MAX_OFFSET {
        return offset_too_large("/events/keyset");
    }
    let d = s.gamma.read().await;
    let page: Vec<Value> = match selected_events(&d, &q) {
        Ok(it) => {
            it.skip(offset).take(limit).map(|e| event_out(&d, e, s.config.polymarket_schema, s.config.drift)).collect()
        }
        Err(r) => return bad(&r),
    };
    Json(Value::Array(page)).into_response()
}

pub(crate) async fn event(State(s): State<Arc<SimState>>, Path(id): Path<String>) -> Response {
    let d = s.gamma.read().await;
    match d.by_event.get(&id) {
        Some(&i) => Json(event_out(&d, &d.events[i], s.config.polymarket_schema, s.config.drift)).into_response(),
        None => (StatusCode::NOT_FOUND, Json(json!({"error": "not found"}))).into_response(),
    }
}

pub(crate) async fn markets(State(s): State<Arc<SimState>>, Query(q): Query<Vec<(String, String)>>) -> Response {
    let (q, ids) = params(q);
    let (offset, limit) = match paging(&q) {
        Ok(p) => p,
        Err(r) => return bad(&r),
    };
    if offset > MAX_OFFSET {
        return offset_too_large("/markets/keyset");
    }
    let d = s.gamma.read().await;
    let page: Vec<Value> = match selected_markets(&d, &q, &ids) {
        Ok(it) => it
            .skip(offset)
            .take(limit)
            .map(|m| listed_market(&d, m, s.config.polymarket_schema, s.config.drift))
            .collect(),
        Err(r) => return bad(&r),
    };
    Json(Value::Array(page)).into_response()
}

pub(crate) async fn sports(State(s): State<Arc<SimState>>) -> Response {
    Json(Value::Array(s.gamma.read().await.sports.clone())).into_response()
}

pub(crate) async fn teams(State(s): State<Arc<SimState>>, Query(q): Query<HashMap<String, String>>) -> Response {
    let (offset, limit) = match paging(&q) {
        Ok(p) => p,
        Err(r) => return bad(&r),
    };
    let d = s.gamma.read().await;
    let page: Vec<Value> = d
        .teams
        .iter()
        .filter(|t| q.get("league").is_none_or(|l| t["league"].as_str() == Some(l)))
        .filter(|t| q.get("abbreviation").is_none_or(|a| t["abbreviation"].as_str() == Some(a)))
        .skip(offset)
        .take(limit)
        .cloned()
        .collect();
    Json(Value::Array(page)).into_response()
}

pub(crate) async fn tags(State(s): State<Arc<SimState>>) -> Response {
    let d = s.gamma.read().await;
    let mut tags: BTreeMap<String, Value> = BTreeMap::new();
    for e in &d.events {
        for t in e.base["tags"].as_array().into_iter().flatten() {
            if let Some(id) = t["id"].as_str() {
                tags.entry(id.to_string()).or_insert_with(|| t.clone());
            }
        }
    }
    Json(Value::Array(tags.into_values().collect())).into_response()
}
