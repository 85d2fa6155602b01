//! Multivariate (MVE, combo, same-game parlay) detection for Kalshi: one function, used by
//! ingestion, matching and `crossbook audit mve`. Any single signal is enough.

use serde_json::Value;

/// Why a market counts as MVE (the first signal found), or `None`.
pub fn kalshi_mve_reason(ticker: &str, event_ticker: &str, series: Option<&str>, raw: &Value) -> Option<&'static str> {
    if ticker.starts_with("KXMVE")
        || event_ticker.starts_with("KXMVE")
        || series.is_some_and(|s| s.starts_with("KXMVE"))
    {
        return Some("KXMVE prefix");
    }
    if event_ticker.split('-').skip(1).any(is_collection_suffix) {
        return Some("-S20xx<hex> event suffix");
    }
    if raw.get("mve_collection_ticker").and_then(Value::as_str).is_some_and(|s| !s.is_empty()) {
        return Some("mve_collection_ticker");
    }
    if raw.get("mve_selected_legs").and_then(Value::as_array).is_some_and(|a| !a.is_empty()) {
        return Some("mve_selected_legs");
    }
    if raw.get("custom_strike").and_then(Value::as_object).is_some_and(|o| o.contains_key("Associated Events")) {
        return Some("custom_strike Associated Events");
    }
    let title = raw.get("title").and_then(Value::as_str).unwrap_or("");
    if is_combo_title(title) {
        return Some("combo title");
    }
    None
}

/// `S2026C5F5F443089`: `S`, a 20xx year, then hex — the collection part of combo event tickers.
fn is_collection_suffix(part: &str) -> bool {
    let b = part.as_bytes();
    b.len() >= 9
        && b[0] == b'S'
        && b[1] == b'2'
        && b[2] == b'0'
        && b[3].is_ascii_digit()
        && b[4].is_ascii_digit()
        && b[5..].iter().all(|c| c.is_ascii_hexdigit())
}

/// `"yes Philadelphia,yes Toronto,no Over 220.5"`: comma-joined yes/no legs.
fn is_combo_title(title: &str) -> bool {
    let legs: Vec<&str> = title.split(',').map(str::trim).collect();
    legs.len() >= 2 && legs.iter().all(|l| l.starts_with("yes ") || l.starts_with("no "))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn each_signal_alone_is_enough() {
        let none = json!({});
        let cases: Vec<(&str, &str, Value)> = vec![
            (
                "KXMVESPORTSMULTIGAMEEXTENDED-S2026C5F5F443089-BC7BAA9973E",
                "KXMVESPORTSMULTIGAMEEXTENDED-S2026C5F5F443089",
                none.clone(),
            ),
            ("KXMVECROSSCATEGORY-S20269F9F6F15289-F3F1B1C62A2", "KXMVECROSSCATEGORY-S20269F9F6F15289", none.clone()),
            ("KXNFLSGP-S2026ABCDEF123-X1", "KXNFLSGP-S2026ABCDEF123", none.clone()),
            ("KXFOO-26JAN09-A", "KXFOO-26JAN09", json!({"mve_collection_ticker": "KXMVENFLSINGLEGAME-R"})),
            ("KXFOO-26JAN09-A", "KXFOO-26JAN09", json!({"mve_selected_legs": [{"market_ticker": "X", "side": "yes"}]})),
            ("KXFOO-26JAN09-A", "KXFOO-26JAN09", json!({"custom_strike": {"Associated Events": "A,B"}})),
            ("KXFOO-26JAN09-A", "KXFOO-26JAN09", json!({"title": "yes Philadelphia,yes Toronto,no Over 220.5"})),
        ];
        for (t, e, raw) in cases {
            assert!(kalshi_mve_reason(t, e, None, &raw).is_some(), "{t} {raw}");
        }
    }

    #[test]
    fn single_games_are_not_mve() {
        let raw = json!({"title": "Milwaukee at Los Angeles L Winner?", "mve_collection_ticker": "", "mve_selected_legs": [],
                         "custom_strike": {"baseball_team": "576dc9ee"}});
        assert_eq!(
            kalshi_mve_reason("KXNBAGAME-26JAN09MILLAL-MIL", "KXNBAGAME-26JAN09MILLAL", Some("KXNBAGAME"), &raw),
            None
        );
        assert_eq!(
            kalshi_mve_reason("KXNBASPREAD-26JAN09MILLAL-MIL5", "KXNBASPREAD-26JAN09MILLAL", None, &json!({})),
            None
        );
        // A ticker part that merely starts with S is not a collection.
        assert_eq!(
            kalshi_mve_reason("KXATPMATCH-26AUG19SINALC-SIN", "KXATPMATCH-26AUG19SINALC", None, &json!({})),
            None
        );
    }

    #[test]
    fn real_recorded_mve_positions_are_all_detected() {
        let text = include_str!("../test_data/mve_positions_2026-07-26.json");
        let v: Value = serde_json::from_str(text).unwrap();
        let rows = v["market_positions"].as_array().unwrap();
        assert_eq!(rows.len(), 46);
        for r in rows {
            let t = r["ticker"].as_str().unwrap();
            let event = t.rsplit_once('-').map(|(e, _)| e).unwrap();
            assert!(kalshi_mve_reason(t, event, None, &json!({})).is_some(), "{t}");
        }
    }
}
