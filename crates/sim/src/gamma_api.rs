//! Gamma under `/gamma`: events (nested markets), markets (with their `events`), sports, teams,
//! tags. Offset pagination; an empty page is the end.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::SimState;
use crate::capture::Capture;

/// Largest page served.
const MAX_LIMIT: usize = 500;

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

fn event_out(d: &GammaData, e: &PEvent) -> Value {
    let mut v = e.base.clone();
    if let Some(o) = v.as_object_mut() {
        o.insert("markets".into(), Value::Array(e.markets.iter().map(|&m| d.markets[m].json.clone()).collect()));
    }
    v
}

pub(crate) async fn events(State(s): State<Arc<SimState>>, Query(q): Query<HashMap<String, String>>) -> Response {
    let ((offset, limit), closed, active) = match (paging(&q), flag(&q, "closed"), flag(&q, "active")) {
        (Ok(p), Ok(c), Ok(a)) => (p, c, a),
        (Err(r), _, _) | (_, Err(r), _) | (_, _, Err(r)) => return bad(&r),
    };
    let d = s.gamma.read().await;
    let page: Vec<Value> = d
        .events
        .iter()
        .filter(|e| q.get("tag_id").is_none_or(|t| e.tags.contains(t)))
        .filter(|e| closed.is_none_or(|c| e.closed == c))
        .filter(|e| active.is_none_or(|a| e.active == a))
        .filter(|e| q.get("id").is_none_or(|id| &e.id == id))
        .filter(|e| q.get("slug").is_none_or(|slug| e.base["slug"].as_str() == Some(slug)))
        .skip(offset)
        .take(limit)
        .map(|e| event_out(&d, e))
        .collect();
    Json(Value::Array(page)).into_response()
}

pub(crate) async fn event(State(s): State<Arc<SimState>>, Path(id): Path<String>) -> Response {
    let d = s.gamma.read().await;
    match d.by_event.get(&id) {
        Some(&i) => Json(event_out(&d, &d.events[i])).into_response(),
        None => (StatusCode::NOT_FOUND, Json(json!({"error": "not found"}))).into_response(),
    }
}

pub(crate) async fn markets(State(s): State<Arc<SimState>>, Query(q): Query<HashMap<String, String>>) -> Response {
    let ((offset, limit), closed) = match (paging(&q), flag(&q, "closed")) {
        (Ok(p), Ok(c)) => (p, c),
        (Err(r), _) | (_, Err(r)) => return bad(&r),
    };
    let d = s.gamma.read().await;
    let page: Vec<Value> = d
        .markets
        .iter()
        .filter(|m| q.get("tag_id").is_none_or(|t| d.events[m.event].tags.contains(t)))
        .filter(|m| closed.is_none_or(|c| m.closed == c))
        .filter(|m| q.get("id").is_none_or(|id| &m.id == id))
        .skip(offset)
        .take(limit)
        .map(|m| {
            let e = &d.events[m.event];
            let mut v = m.json.clone();
            if let Some(o) = v.as_object_mut() {
                let r = json!([{"id": e.id, "slug": e.base["slug"], "title": e.base["title"], "startTime": e.base["startTime"]}]);
                o.insert("events".into(), r);
            }
            v
        })
        .collect();
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
