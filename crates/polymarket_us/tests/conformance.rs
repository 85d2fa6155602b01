//! The adapter against the venue's real payloads (`tests/data/README.md`) and, where no real
//! payload of a kind was found, payloads built field for field in the shapes the real ones use.

use chrono::{DateTime, TimeZone, Utc};
use crossbook_model::{FeeSchedule, League, MarketKind, MarketState, Subject, Topic, Venue};
use crossbook_polymarket_us::models::{BookResponse, EventsPage, UsEvent, UsMarket};
use crossbook_polymarket_us::parse::{self, UsBook};
use serde_json::{Value, json};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// Parses an events page as ingestion does: the event, then each of its markets.
fn read(page: &Value, now: DateTime<Utc>) -> Vec<(crossbook_model::Event, Vec<crossbook_model::Market>)> {
    let page: EventsPage = serde_json::from_value(page.clone()).unwrap();
    page.events
        .iter()
        .map(|raw| {
            let e: UsEvent = serde_json::from_str(raw.get()).unwrap();
            let markets: Vec<(UsMarket, Value)> = e
                .markets
                .iter()
                .map(|m| (serde_json::from_str(m.get()).unwrap(), serde_json::from_str(m.get()).unwrap()))
                .collect();
            let typed: Vec<UsMarket> = markets.iter().map(|(m, _)| m.clone()).collect();
            let event =
                parse::parse_event(&e, &typed.iter().collect::<Vec<_>>(), serde_json::from_str(raw.get()).unwrap())
                    .unwrap();
            let parsed =
                markets.into_iter().map(|(m, raw)| parse::parse_market(&m, &event, raw, now).unwrap()).collect();
            (event, parsed)
        })
        .collect()
}

fn real_page() -> Value {
    serde_json::from_str(include_str!("data/events.json")).unwrap()
}

#[test]
fn a_real_mlb_event_reads_with_its_sides_moneyline_and_the_spread_whose_texts_agree() {
    let captured = at("2026-09-14T17:13:39Z");
    let read = read(&real_page(), captured);
    let (event, markets) = &read[0];
    assert_eq!((event.venue, event.id.as_str()), (Venue::PolymarketUs, "mlb-sd-col-2026-09-16"));
    assert_eq!((event.topic, event.league), (Topic::Sports, Some(League::Mlb)));
    assert_eq!(event.starts_at, Some(Utc.with_ymd_and_hms(2026, 9, 17, 0, 40, 0).unwrap()));
    // Title order: "San Diego Padres vs. Colorado Rockies".
    let codes: Vec<_> = event.participants.iter().map(|p| p.code.as_deref().unwrap()).collect();
    assert_eq!(codes, ["sd", "col"]);
    assert_eq!(event.participants[0].names, ["San Diego Padres", "Padres"]);

    let by_slug = |s: &str| markets.iter().find(|m| m.id() == s).unwrap();
    let ml = by_slug("aec-mlb-sd-col-2026-09-16");
    assert_eq!(ml.kind, MarketKind::Moneyline);
    assert_eq!(ml.event_id(), "mlb-sd-col-2026-09-16");
    let outcomes: Vec<_> = ml.outcomes.iter().map(|o| (o.name.as_str(), o.side)).collect();
    assert_eq!(outcomes, [("San Diego Padres", Some(0)), ("Colorado Rockies", Some(1))], "long side first");
    assert_eq!(ml.state, MarketState::Open);
    // Its own coefficient, 0.06; no maker rebate was published before 2026-09-25.
    assert_eq!(ml.fees, FeeSchedule::PolymarketUsCurve { taker_rate: 60_000, maker_rebate: 0 });
    assert_eq!(ml.starts_at, event.starts_at);
    assert!(ml.rules.as_deref().unwrap().contains("last fair market price"));
    let rules = parse::order_rules(&serde_json::from_value(ml.raw.clone()).unwrap()).unwrap();
    assert_eq!(rules.grid.step_at("0.5".parse().unwrap()), 5_000, "half-cent ticks");
    assert!(rules.grid.contains("0.635".parse().unwrap()) && !rules.grid.contains("0.6375".parse().unwrap()));
    assert_eq!(rules.min_size.to_string(), "0.01");

    // "Yes if the San Diego Padres win by more than 2.5 runs": San Diego −2.5, the long side.
    let neg = by_slug("asc-mlb-sd-col-2026-09-16-neg-2pt5");
    assert_eq!((neg.kind, neg.line.map(|l| l.hundredths())), (MarketKind::Spread, Some(-250)));
    assert_eq!(neg.outcomes.iter().map(|o| o.side).collect::<Vec<_>>(), [Some(0), Some(1)]);
    // Long side "San Diego Padres +1.50" and the question say San Diego +1.5; the settlement
    // text and title say Colorado wins by more than 1.5 — the opposite bet. No line: never
    // linked on either reading.
    let pos = by_slug("asc-mlb-sd-col-2026-09-16-pos-1pt5");
    assert_eq!((pos.kind, pos.line), (MarketKind::Spread, None));
}

#[test]
fn fees_are_the_markets_coefficient_else_the_schedule_in_force() {
    let mut m: UsMarket = serde_json::from_value(real_page()["events"][0]["markets"][0].clone()).unwrap();
    let october = at("2026-10-01T00:00:00Z");
    assert_eq!(
        parse::fees(&m, october).unwrap(),
        FeeSchedule::PolymarketUsCurve { taker_rate: 60_000, maker_rebate: 12_500 }
    );
    m.fee_coefficient = None;
    assert_eq!(
        parse::fees(&m, october).unwrap(),
        FeeSchedule::PolymarketUsCurve { taker_rate: 69_500, maker_rebate: 12_500 }
    );
    assert_eq!(parse::fees(&m, at("2026-09-24T23:00:00Z")).unwrap(), FeeSchedule::Unpriced, "nothing published yet");
    m.fee_coefficient = Some(json!("0.0695"));
    assert_eq!(
        parse::fees(&m, october).unwrap(),
        FeeSchedule::PolymarketUsCurve { taker_rate: 69_500, maker_rebate: 12_500 }
    );
    for bad in [json!(-0.01), json!("a lot"), json!(0.9)] {
        m.fee_coefficient = Some(bad.clone());
        let e = parse::fees(&m, october).unwrap_err();
        assert_eq!(e.field, "feeCoefficient", "{bad}");
    }
}

#[test]
fn only_a_market_every_field_calls_open_takes_orders() {
    let base = real_page()["events"][0]["markets"][0].clone();
    let state = |patch: Value| {
        let mut v = base.clone();
        for (k, x) in patch.as_object().unwrap() {
            v[k] = x.clone();
        }
        parse::market_state(&serde_json::from_value(v).unwrap())
    };
    assert_eq!(state(json!({})), MarketState::Open);
    assert_eq!(state(json!({"status": "MARKET_STATUS_SUSPENDED"})), MarketState::Paused);
    assert_eq!(state(json!({"status": "MARKET_STATUS_HALTED"})), MarketState::Paused);
    assert_eq!(state(json!({"status": "MARKET_STATUS_SOMETHING_NEW"})), MarketState::Paused, "unknown takes no order");
    assert_eq!(state(json!({"status": "MARKET_STATUS_PREOPEN"})), MarketState::NotOpen);
    assert_eq!(state(json!({"closed": true})), MarketState::Closed);
    assert_eq!(state(json!({"active": false})), MarketState::Closed);
    assert_eq!(state(json!({"ep3Status": "EXPIRED"})), MarketState::Closed);
    assert_eq!(state(json!({"ep3Status": "SETTLED", "closed": true})), MarketState::Resolved);
    assert_eq!(state(json!({"status": "MARKET_STATUS_RESOLVED"})), MarketState::Resolved);
    let mut sides = base["marketSides"].clone();
    sides[1]["tradable"] = json!(false);
    assert_eq!(state(json!({"marketSides": sides})), MarketState::Paused, "a side that cannot trade");
}

/// A soccer event and an NBA total in the shapes of the real payloads (three yes/no
/// `atc-` markets on regulation time, `tsc-` with Over long; a team total names its team).
fn built_page() -> Value {
    let team = |name: &str, abbr: &str, ordering: &str| json!({"name": name, "abbreviation": abbr, "league": "epl", "ordering": ordering});
    let yes_no = |slug: &str, t: Option<Value>| {
        json!({"slug": slug, "question": slug, "active": true, "closed": false, "status": "MARKET_STATUS_OPEN",
               "sportsMarketType": "soccer_team_full_time_winner", "sportsMarketTypeV2": "SPORTS_MARKET_TYPE_DRAWABLE_OUTCOME",
               "orderPriceMinTickSize": 0.01, "minimumTradeQty": 0.01, "feeCoefficient": 0.0695,
               "gameStartTime": "2026-10-17T14:00:00Z",
               "marketSides": [{"long": true, "description": "Yes", "team": t, "tradable": true},
                               {"long": false, "description": "No", "team": t, "tradable": true}]})
    };
    let ars = team("Arsenal FC", "ars", "home");
    let che = team("Chelsea FC", "che", "away");
    let total = |slug: &str, line: f64, t: Option<Value>| {
        json!({"slug": slug, "active": true, "closed": false, "status": "MARKET_STATUS_OPEN",
               "sportsMarketType": "soccer_team_full_game_total", "sportsMarketTypeV2": "SPORTS_MARKET_TYPE_TOTAL",
               "line": line, "feeCoefficient": 0.0695,
               "marketSides": [{"long": true, "description": "Over", "team": t, "tradable": true},
                               {"long": false, "description": "Under", "team": t, "tradable": true}]})
    };
    let first_half = {
        let mut m = yes_no("atc-epl-ars-che-2026-10-17-fh-ars", Some(ars.clone()));
        m["sportsMarketType"] = json!("soccer_team_first_half_winner");
        m
    };
    json!({"events": [{
    "slug": "epl-ars-che-2026-10-17", "title": "Arsenal FC vs. Chelsea FC", "startTime": "2026-10-17T14:00:00Z",
    "active": true, "closed": false,
    "markets": [
        yes_no("atc-epl-ars-che-2026-10-17-ars", Some(ars.clone())),
        yes_no("atc-epl-ars-che-2026-10-17-che", Some(che.clone())),
        yes_no("atc-epl-ars-che-2026-10-17-draw", None),
        first_half,
        total("tsc-epl-ars-che-2026-10-17-2pt5", 2.5, None),
        total("tsc-epl-ars-che-2026-10-17-tt-che-1pt5", 1.5, Some(che)),
    ]}]})
}

#[test]
fn soccer_three_ways_and_totals_read_by_their_typed_fields() {
    let read = read(&built_page(), at("2026-10-16T00:00:00Z"));
    let (event, markets) = &read[0];
    assert_eq!(event.league, Some(League::Epl));
    assert_eq!(event.participants.iter().map(|p| p.label()).collect::<Vec<_>>(), ["Arsenal FC", "Chelsea FC"]);
    let got: Vec<_> = markets.iter().map(|m| (m.id(), m.kind, m.subject, m.line.map(|l| l.hundredths()))).collect();
    assert_eq!(
        got,
        [
            ("atc-epl-ars-che-2026-10-17-ars", MarketKind::Moneyline, Some(Subject::Side(0)), None),
            ("atc-epl-ars-che-2026-10-17-che", MarketKind::Moneyline, Some(Subject::Side(1)), None),
            ("atc-epl-ars-che-2026-10-17-draw", MarketKind::Draw, Some(Subject::Draw), None),
            ("atc-epl-ars-che-2026-10-17-fh-ars", MarketKind::Other, None, None),
            ("tsc-epl-ars-che-2026-10-17-2pt5", MarketKind::Total, None, Some(250)),
            ("tsc-epl-ars-che-2026-10-17-tt-che-1pt5", MarketKind::Other, None, None),
        ]
    );
}

#[test]
fn a_book_is_the_long_sides_levels_best_first_and_its_state() {
    let r: BookResponse = serde_json::from_value(json!({"marketData": {
        "marketSlug": "aec-mlb-sd-col-2026-09-16", "transactTime": "2026-09-14T17:13:40Z", "state": "MARKET_STATE_OPEN",
        "bids": [{"px": {"value": "0.630", "currency": "USD"}, "qty": "40"}, {"px": {"value": "0.635", "currency": "USD"}, "qty": "12.5"}],
        "offers": [{"px": {"value": "0.645", "currency": "USD"}, "qty": "30"}, {"px": {"value": "0.640", "currency": "USD"}, "qty": "8"},
                   {"px": {"value": "0.650", "currency": "USD"}, "qty": "0"}]}}))
    .unwrap();
    let UsBook { bids, asks, state } = parse::parse_book(&r).unwrap();
    let show = |l: &[(crossbook_model::Price, crossbook_model::Qty)]| {
        l.iter().map(|(p, q)| format!("{p}x{q}")).collect::<Vec<_>>()
    };
    assert_eq!(show(&bids), ["0.635x12.5", "0.63x40"]);
    assert_eq!(show(&asks), ["0.64x8", "0.645x30"], "an empty level is dropped");
    assert_eq!(state, MarketState::Open);
    for (s, want) in [
        ("MARKET_STATE_SUSPENDED", MarketState::Paused),
        ("MARKET_STATE_PREOPEN", MarketState::NotOpen),
        ("MARKET_STATE_MATCH_AND_CLOSE_AUCTION", MarketState::Paused),
        ("MARKET_STATE_EXPIRED", MarketState::Closed),
    ] {
        assert_eq!(parse::book_state(Some(s)), want, "{s}");
    }
    for bad in
        [json!({"value": "1.20", "currency": "USD"}), json!({"value": "0.5", "currency": "EUR"}), json!({"value": "x"})]
    {
        let r: BookResponse =
            serde_json::from_value(json!({"marketData": {"bids": [{"px": bad, "qty": "1"}]}})).unwrap();
        assert_eq!(parse::parse_book(&r).unwrap_err().field, "marketData.bids", "{bad}");
    }
}

/// The authenticated API's signature: Ed25519 over `timestamp + METHOD + path`, made as an
/// independent implementation makes it (the key and signature in `tests/data`).
#[test]
fn requests_are_signed_as_the_venue_checks_them() {
    use crossbook_polymarket_us::signing::UsSigner;
    let data = |f: &str| std::fs::read_to_string(format!("{}/tests/data/{f}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let signer = UsSigner::new("4f1c-key-id", &data("test_key_secret.b64")).unwrap();
    assert_eq!(
        signer.signature(1_710_000_000_123, "get", "/v1/portfolio/positions"),
        data("known_signature.b64").trim()
    );
    let headers = signer.headers_at(1_710_000_000_123, "GET", "/v1/portfolio/positions");
    let names: Vec<&str> = headers.iter().map(|(k, _)| *k).collect();
    assert_eq!(names, ["x-pm-access-key", "x-pm-timestamp", "x-pm-signature"]);
    assert_eq!((headers[0].1.as_str(), headers[1].1.as_str()), ("4f1c-key-id", "1710000000123"));
    // The secret never shows, and a bad one is named without being repeated.
    assert!(!format!("{signer:?}").contains(data("test_key_secret.b64").trim()));
    for bad in ["not base64!", "AAAA"] {
        let e = UsSigner::new("id", bad).unwrap_err();
        assert!(!e.contains(bad), "{e}");
    }
    let mut other = data("test_key_secret.b64").trim().to_string();
    other.replace_range(60..64, "AAAA");
    assert!(UsSigner::new("id", &other).unwrap_err().contains("does not match"));
}
