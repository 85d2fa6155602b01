//! Capture directories (ARCHITECTURE.md "Capture directory"): load, embed, write.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde_json::Value;

mod bundled {
    include!(concat!(env!("OUT_DIR"), "/bundled_books.rs"));
}

/// A malformed or unreadable capture file: which file and where in it.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {json_path}: {message}")]
pub struct CaptureError {
    pub file: String,
    pub json_path: String,
    pub message: String,
}

/// A Gamma market's token ids in outcome order: `clobTokenIds` (a JSON-encoded array), or a V2
/// market's `positionIds` (encoded, or an array).
pub fn token_ids(market: &Value) -> Vec<String> {
    let decode = |v: &Value| -> Vec<String> {
        match v {
            Value::String(s) => serde_json::from_str(s).unwrap_or_default(),
            Value::Array(a) => a.iter().filter_map(|t| t.as_str().map(str::to_string)).collect(),
            _ => Vec::new(),
        }
    };
    let clob = decode(&market["clobTokenIds"]);
    if clob.is_empty() { decode(&market["positionIds"]) } else { clob }
}

/// Whether a venue id can name a file in a capture folder as it is: letters, digits, `-`, `_`
/// and `.`, not starting with a dot, at most 200 bytes (real tickers and token ids all are).
pub fn is_file_name(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 200
        && !id.starts_with('.')
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Real venue responses, as recorded.
#[derive(Debug, Clone, Default)]
pub struct Capture {
    /// The capture's clock.
    pub now: Option<DateTime<Utc>>,
    pub kalshi_series: Vec<Value>,
    /// Each with its `markets`.
    pub kalshi_events: Vec<Value>,
    pub kalshi_orderbooks: BTreeMap<String, Value>,
    pub poly_sports: Vec<Value>,
    pub poly_teams: Vec<Value>,
    /// Each with its `markets`.
    pub poly_events: Vec<Value>,
    pub poly_books: BTreeMap<String, Value>,
    /// Polymarket US events, each with its `markets` (`polymarket_us/events.json`, optional).
    pub us_events: Vec<Value>,
    /// Polymarket US books by market slug (`polymarket_us/books/SLUG.json`).
    pub us_books: BTreeMap<String, Value>,
}

fn parse(file: &str, text: &str) -> Result<Value, CaptureError> {
    serde_json::from_str(text).map_err(|e| CaptureError {
        file: file.into(),
        json_path: format!("line {} column {}", e.line(), e.column()),
        message: e.to_string(),
    })
}

fn field_array(file: &str, v: &Value, key: Option<&str>) -> Result<Vec<Value>, CaptureError> {
    let target = match key {
        Some(k) => v.get(k).unwrap_or(&Value::Null),
        None => v,
    };
    target.as_array().cloned().ok_or_else(|| CaptureError {
        file: file.into(),
        json_path: key.map_or("$".into(), |k| format!("$.{k}")),
        message: "expected an array".into(),
    })
}

/// Checks that every element of `items` (at `path`) has a string field `key`.
fn require_ids(file: &str, items: &[Value], path: &str, key: &str) -> Result<(), CaptureError> {
    for (i, item) in items.iter().enumerate() {
        if !item.get(key).is_some_and(|v| v.is_string()) {
            return Err(CaptureError {
                file: file.into(),
                json_path: format!("{path}[{i}].{key}"),
                message: "missing or not a string".into(),
            });
        }
    }
    Ok(())
}

fn read(dir: &Path, rel: &str, optional: bool) -> Result<Option<(String, String)>, CaptureError> {
    let path: PathBuf = dir.join(rel);
    let shown = path.display().to_string();
    match std::fs::read_to_string(&path) {
        Ok(t) => Ok(Some((shown, t))),
        Err(e) if optional && e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CaptureError { file: shown, json_path: "$".into(), message: e.to_string() }),
    }
}

fn read_dir_json(dir: &Path) -> Result<BTreeMap<String, Value>, CaptureError> {
    let mut out = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return Ok(out) };
    for e in entries.flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "json") {
            let shown = p.display().to_string();
            let text = std::fs::read_to_string(&p).map_err(|err| CaptureError {
                file: shown.clone(),
                json_path: "$".into(),
                message: err.to_string(),
            })?;
            let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
            out.insert(stem, parse(&shown, &text)?);
        }
    }
    Ok(out)
}

impl Capture {
    /// Loads a capture directory. Missing optional files mean "no data"; a malformed file is an
    /// error naming the file and the JSON path.
    pub fn load(dir: &Path) -> Result<Self, CaptureError> {
        let texts = |rel: &str, optional: bool| read(dir, rel, optional);
        let mut files = Vec::new();
        for (rel, optional) in [
            ("meta.json", true),
            ("kalshi/series.json", true),
            ("kalshi/events.json", false),
            ("polymarket/sports.json", true),
            ("polymarket/teams.json", true),
            ("polymarket/events.json", false),
        ] {
            files.push(texts(rel, optional)?);
        }
        let mut c = Self::from_texts(&files)?;
        c.kalshi_orderbooks = read_dir_json(&dir.join("kalshi/orderbooks"))?;
        c.poly_books = read_dir_json(&dir.join("polymarket/books"))?;
        if let Some((name, text)) = texts("polymarket_us/events.json", true)? {
            let v = parse(&name, &text)?;
            c.us_events = field_array(&name, &v, Some("events"))?;
            require_ids(&name, &c.us_events, "$.events", "slug")?;
            for (i, e) in c.us_events.iter().enumerate() {
                let markets = e.get("markets").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
                require_ids(&name, markets, &format!("$.events[{i}].markets"), "slug")?;
            }
        }
        c.us_books = read_dir_json(&dir.join("polymarket_us/books"))?;
        Ok(c)
    }

    /// The capture compiled into the binary (crates/sim/capture, see its README).
    pub fn bundled() -> Self {
        let f = |name: &str, text: &str| Some((format!("<bundled>/{name}"), text.to_string()));
        let files = [
            f("meta.json", include_str!("../capture/meta.json")),
            f("kalshi/series.json", include_str!("../capture/kalshi/series.json")),
            f("kalshi/events.json", include_str!("../capture/kalshi/events.json")),
            f("polymarket/sports.json", include_str!("../capture/polymarket/sports.json")),
            f("polymarket/teams.json", include_str!("../capture/polymarket/teams.json")),
            f("polymarket/events.json", include_str!("../capture/polymarket/events.json")),
        ];
        let mut c = Self::from_texts(&files).expect("the bundled capture is valid (checked by tests)");
        let books = |list: &[(&str, &str)]| {
            list.iter().map(|(k, v)| (k.to_string(), serde_json::from_str(v).expect("bundled book is JSON"))).collect()
        };
        c.kalshi_orderbooks = books(bundled::KALSHI_BOOKS);
        c.poly_books = books(bundled::POLY_BOOKS);
        c
    }

    /// From the six top-level files, in the order of [`Capture::load`].
    fn from_texts(files: &[Option<(String, String)>]) -> Result<Self, CaptureError> {
        let get = |i: usize| -> Result<Option<(String, Value)>, CaptureError> {
            match &files[i] {
                Some((name, text)) => Ok(Some((name.clone(), parse(name, text)?))),
                None => Ok(None),
            }
        };
        let mut c = Capture::default();
        if let Some((name, meta)) = get(0)? {
            let now = meta.get("now").and_then(Value::as_str).ok_or_else(|| CaptureError {
                file: name.clone(),
                json_path: "$.now".into(),
                message: "missing".into(),
            })?;
            c.now = Some(
                DateTime::parse_from_rfc3339(now)
                    .map_err(|e| CaptureError { file: name, json_path: "$.now".into(), message: e.to_string() })?
                    .with_timezone(&Utc),
            );
        }
        if let Some((name, v)) = get(1)? {
            c.kalshi_series = field_array(&name, &v, Some("series"))?;
            require_ids(&name, &c.kalshi_series, "$.series", "ticker")?;
        }
        if let Some((name, v)) = get(2)? {
            c.kalshi_events = field_array(&name, &v, Some("events"))?;
            require_ids(&name, &c.kalshi_events, "$.events", "event_ticker")?;
            for (i, e) in c.kalshi_events.iter().enumerate() {
                let markets = e.get("markets").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
                require_ids(&name, markets, &format!("$.events[{i}].markets"), "ticker")?;
            }
        }
        if let Some((name, v)) = get(3)? {
            c.poly_sports = field_array(&name, &v, None)?;
        }
        if let Some((name, v)) = get(4)? {
            c.poly_teams = field_array(&name, &v, None)?;
        }
        if let Some((name, v)) = get(5)? {
            c.poly_events = field_array(&name, &v, None)?;
            require_ids(&name, &c.poly_events, "$", "id")?;
            for (i, e) in c.poly_events.iter().enumerate() {
                let markets = e.get("markets").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
                require_ids(&name, markets, &format!("$[{i}].markets"), "id")?;
            }
        }
        Ok(c)
    }

    /// Writes the capture as a directory.
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        let put = |rel: &str, v: &Value| -> std::io::Result<()> {
            let p = dir.join(rel);
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(p, serde_json::to_vec(v)?)
        };
        if let Some(now) = self.now {
            put("meta.json", &serde_json::json!({"now": now.to_rfc3339()}))?;
        }
        put("kalshi/series.json", &serde_json::json!({"series": self.kalshi_series}))?;
        put("kalshi/events.json", &serde_json::json!({"events": self.kalshi_events, "cursor": ""}))?;
        put("polymarket/sports.json", &Value::Array(self.poly_sports.clone()))?;
        put("polymarket/teams.json", &Value::Array(self.poly_teams.clone()))?;
        put("polymarket/events.json", &Value::Array(self.poly_events.clone()))?;
        if !self.us_events.is_empty() {
            put("polymarket_us/events.json", &serde_json::json!({"events": self.us_events}))?;
        }
        // A book's file is named by its ticker or token, which come from the venue: a name
        // that is not a plain file name (`../x`, a slash, a leading dot) is refused, never
        // followed out of `dir`.
        let mut refused = Vec::new();
        for (folder, books) in [
            ("kalshi/orderbooks", &self.kalshi_orderbooks),
            ("polymarket/books", &self.poly_books),
            ("polymarket_us/books", &self.us_books),
        ] {
            for (id, b) in books {
                if is_file_name(id) {
                    put(&format!("{folder}/{id}.json"), b)?;
                } else {
                    refused.push(id.chars().take(80).collect::<String>());
                }
            }
        }
        if !refused.is_empty() {
            tracing::warn!(books = ?refused, "books with ids that are not plain file names were not written");
        }
        Ok(())
    }

    /// Markets per venue (Kalshi including MVE combos).
    pub fn market_counts(&self) -> (usize, usize) {
        let count = |events: &[Value]| {
            events.iter().map(|e| e.get("markets").and_then(Value::as_array).map_or(0, Vec::len)).sum()
        };
        (count(&self.kalshi_events), count(&self.poly_events))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn book_files_never_leave_the_capture_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let mut c = Capture::default();
        for hostile in ["../../escaped", "a/b", ".hidden", "", "x\0y"] {
            c.poly_books.insert(hostile.to_string(), serde_json::json!({"asset_id": hostile}));
        }
        c.poly_books.insert("123".into(), serde_json::json!({"asset_id": "123"}));
        c.kalshi_orderbooks.insert("KXBTCD-25AUG2617-T112999.99".into(), serde_json::json!({"orderbook_fp": {}}));
        c.write(&out).unwrap();
        assert!(!dir.path().join("escaped").exists() && !out.join("a").exists());
        let back = Capture::load(&out).unwrap();
        assert_eq!(back.poly_books.keys().collect::<Vec<_>>(), ["123"]);
        assert_eq!(back.kalshi_orderbooks.keys().collect::<Vec<_>>(), ["KXBTCD-25AUG2617-T112999.99"]);
        let names: Vec<_> = walk(dir.path());
        assert!(names.iter().all(|p| p.starts_with(&out)), "{names:?}");
    }

    fn walk(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
        out
    }

    #[test]
    fn bundled_capture_loads_with_books() {
        let c = Capture::bundled();
        assert_eq!(c.now.unwrap().to_rfc3339(), "2026-01-09T23:50:00+00:00");
        // The real multi-league capture: 171 Kalshi events (427 markets: 420 sports, 3 MVE combos,
        // 4 non-sports) and 89 Polymarket events (288 markets).
        assert_eq!(c.kalshi_events.len(), 171);
        assert_eq!(c.market_counts(), (427, 288));
        assert!(c.kalshi_orderbooks.contains_key("KXNBAGAME-26JAN09NOPWAS-NOP"));
        assert!(!c.poly_books.is_empty());
    }

    #[test]
    fn round_trips_through_a_directory_and_names_bad_files() {
        let c = Capture::bundled();
        let dir = tempfile::tempdir().unwrap();
        c.write(dir.path()).unwrap();
        let back = Capture::load(dir.path()).unwrap();
        assert_eq!(back.market_counts(), c.market_counts());
        assert_eq!(back.kalshi_orderbooks.len(), c.kalshi_orderbooks.len());

        std::fs::write(dir.path().join("polymarket/events.json"), "[{\"id\": 5}]").unwrap();
        let err = Capture::load(dir.path()).unwrap_err();
        assert!(err.file.ends_with("polymarket/events.json"), "{err}");
        assert_eq!(err.json_path, "$[0].id");
        std::fs::write(dir.path().join("polymarket/events.json"), "[{").unwrap();
        let err = Capture::load(dir.path()).unwrap_err();
        assert!(err.json_path.starts_with("line 1"), "{err}");
        std::fs::remove_file(dir.path().join("polymarket/teams.json")).unwrap();
        std::fs::write(dir.path().join("polymarket/events.json"), "[]").unwrap();
        assert!(Capture::load(dir.path()).unwrap().poly_teams.is_empty(), "optional file missing = no data");
    }
}
