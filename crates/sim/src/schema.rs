//! Kalshi's two payload schemas: the simulator serves either, whatever the capture holds.
//! Current: `*_dollars` strings and `*_fp` count strings. Legacy (≤ Jan 2026): the same plus
//! integer cents and integer counts.

use serde_json::{Map, Value};

/// Which Kalshi schema to serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KalshiSchema {
    #[default]
    Current,
    Legacy,
}

impl std::str::FromStr for KalshiSchema {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "current" => Ok(KalshiSchema::Current),
            "legacy" => Ok(KalshiSchema::Legacy),
            _ => Err(format!("unknown Kalshi schema {s:?} (expected current or legacy)")),
        }
    }
}

const PRICE_FIELDS: &[&str] =
    &["yes_bid", "yes_ask", "no_bid", "no_ask", "last_price", "previous_yes_bid", "previous_yes_ask", "previous_price"];
const COUNT_FIELDS: &[&str] = &["volume", "volume_24h", "open_interest"];

fn dollars_to_cents(s: &str) -> Option<i64> {
    crossbook_model::money::parse_micros(s).ok().map(|m| (m + 5_000) / 10_000)
}

fn fp_to_count(s: &str) -> Option<i64> {
    crossbook_model::money::parse_micros(s).ok().map(|m| m / 1_000_000)
}

/// Rewrites a market object into `schema`, filling whichever representation is missing.
pub fn market(m: &mut Value, schema: KalshiSchema) {
    let Some(o) = m.as_object_mut() else { return };
    for f in PRICE_FIELDS {
        let dollars = format!("{f}_dollars");
        match (o.get(&dollars).and_then(Value::as_str).map(str::to_string), o.get(*f).and_then(Value::as_i64)) {
            (Some(d), None) if schema == KalshiSchema::Legacy => {
                if let Some(c) = dollars_to_cents(&d) {
                    o.insert((*f).to_string(), Value::from(c));
                }
            }
            (None, Some(c)) => {
                o.insert(dollars, Value::from(format!("{:.4}", c as f64 / 100.0)));
            }
            _ => {}
        }
        if schema == KalshiSchema::Current {
            o.remove(*f);
        }
    }
    for f in COUNT_FIELDS {
        let fp = format!("{f}_fp");
        match (o.get(&fp).and_then(Value::as_str).map(str::to_string), o.get(*f).and_then(Value::as_i64)) {
            (Some(s), None) if schema == KalshiSchema::Legacy => {
                if let Some(n) = fp_to_count(&s) {
                    o.insert((*f).to_string(), Value::from(n));
                }
            }
            (None, Some(n)) => {
                o.insert(fp, Value::from(format!("{n}.00")));
            }
            _ => {}
        }
        if schema == KalshiSchema::Current {
            o.remove(*f);
        }
    }
}

/// An orderbook response in `schema`: `{"orderbook_fp": …}` or legacy `{"orderbook": …}`.
pub fn orderbook(book: &Value, schema: KalshiSchema) -> Value {
    let levels = |side: &str| -> Vec<(String, String)> {
        let fp = book.get("orderbook_fp").and_then(|b| b.get(format!("{side}_dollars")));
        if let Some(arr) = fp.and_then(Value::as_array) {
            return arr
                .iter()
                .filter_map(|l| Some((l.get(0)?.as_str()?.to_string(), l.get(1)?.as_str()?.to_string())))
                .collect();
        }
        let legacy = book.get("orderbook").and_then(|b| b.get(side)).and_then(Value::as_array);
        legacy
            .map(|arr| {
                arr.iter()
                    .filter_map(|l| {
                        Some((
                            format!("{:.4}", l.get(0)?.as_i64()? as f64 / 100.0),
                            format!("{}.00", l.get(1)?.as_i64()?),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let (yes, no) = (levels("yes"), levels("no"));
    match schema {
        KalshiSchema::Current => {
            let side =
                |v: &[(String, String)]| Value::Array(v.iter().map(|(p, q)| serde_json::json!([p, q])).collect());
            serde_json::json!({"orderbook_fp": {"yes_dollars": side(&yes), "no_dollars": side(&no)}})
        }
        KalshiSchema::Legacy => {
            let mut o = Map::new();
            for (name, v) in [("yes", &yes), ("no", &no)] {
                let cents: Vec<Value> = v
                    .iter()
                    .filter_map(|(p, q)| Some(serde_json::json!([dollars_to_cents(p)?, fp_to_count(q)?])))
                    .collect();
                let dollars: Vec<Value> =
                    v.iter().filter_map(|(p, q)| Some(serde_json::json!([p, fp_to_count(q)?]))).collect();
                o.insert(name.into(), Value::Array(cents));
                o.insert(format!("{name}_dollars"), Value::Array(dollars));
            }
            serde_json::json!({ "orderbook": o })
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn current_to_legacy_and_back() {
        let mut m = json!({"yes_bid_dollars": "0.4100", "volume_fp": "1200.00"});
        market(&mut m, KalshiSchema::Legacy);
        assert_eq!((m["yes_bid"].as_i64(), m["volume"].as_i64()), (Some(41), Some(1200)));
        assert_eq!(m["yes_bid_dollars"], "0.4100");
        let mut legacy_only = json!({"yes_ask": 43, "volume": 7});
        market(&mut legacy_only, KalshiSchema::Current);
        assert_eq!(legacy_only, json!({"yes_ask_dollars": "0.4300", "volume_fp": "7.00"}));
    }

    #[test]
    fn orderbooks_in_both_schemas() {
        let b = json!({"orderbook_fp": {"yes_dollars": [["0.4000", "10.00"]], "no_dollars": []}});
        assert_eq!(orderbook(&b, KalshiSchema::Legacy)["orderbook"]["yes"], json!([[40, 10]]));
        assert_eq!(orderbook(&b, KalshiSchema::Current), b);
    }
}
