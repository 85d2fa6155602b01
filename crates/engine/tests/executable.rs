//! Executable arbitrage end to end: one REST quote pass over the simulator on the bundled capture
//! with books planted by hand — a set under Polymarket's minimum, a three-way soccer set, a
//! market whose book states a finer tick, a game already in play — reports exactly the
//! opportunities a trader could send, with figures worked by hand.

mod common;

use chrono::TimeZone;
use common::{ALL, config, poly_book, setup, token, watch};
use crossbook_engine::quotes::poll_once;
use crossbook_engine::watchlist::sync_watchlist;
use crossbook_sim::Capture;
use serde_json::json;

/// A Kalshi book: YES bids and NO bids (a NO bid at `p` is a YES ask at `1 − p`).
fn kalshi_book(yes: &[(&str, &str)], no: &[(&str, &str)]) -> serde_json::Value {
    json!({"orderbook_fp": {"yes_dollars": yes, "no_dollars": no}})
}

fn planted() -> Capture {
    let mut c = Capture::bundled();
    // The clock: five minutes after the 00:00 UTC tip-offs of Jan 10 (TOR@BOS is in play).
    c.now = Some(chrono::Utc.with_ymd_and_hms(2026, 1, 10, 0, 5, 0).unwrap());
    let mut k = |ticker: &str, book| {
        c.kalshi_orderbooks.insert(ticker.into(), book);
    };
    // MIL@LAL: Kalshi MIL YES 0.42 × 100; Lakers 3 at 0.50, then 0.70.
    k("KXNBAGAME-26JAN09MILLAL-MIL", kalshi_book(&[("0.4000", "10.00")], &[("0.5800", "100.00")]));
    // OKC@MEM: Kalshi OKC YES 0.42 × 100; Grizzlies 0.525 × 100 on a 0.001 tick, then 0.53.
    k("KXNBAGAME-26JAN09OKCMEM-OKC", kalshi_book(&[("0.4000", "10.00")], &[("0.5800", "100.00")]));
    // TOR@BOS (in play): Kalshi TOR YES 0.42 × 100; Celtics 0.53 × 100.
    k("KXNBAGAME-26JAN09TORBOS-TOR", kalshi_book(&[("0.4000", "10.00")], &[("0.5800", "100.00")]));
    // Liverpool–Fulham: Kalshi LFC YES bid 0.38 / ask 0.40, TIE 0.22 / 0.30, FUL 0.28 / 0.38.
    k("KXEPLGAME-26SEP12LFCFUL-LFC", kalshi_book(&[("0.3800", "100.00")], &[("0.6000", "100.00")]));
    k("KXEPLGAME-26SEP12LFCFUL-TIE", kalshi_book(&[("0.2200", "100.00")], &[("0.7000", "100.00")]));
    k("KXEPLGAME-26SEP12LFCFUL-FUL", kalshi_book(&[("0.2800", "100.00")], &[("0.6200", "100.00")]));
    let mut pm = |t: String, asks: serde_json::Value, tick: &str| {
        let mut b = poly_book(&t, asks);
        b["tick_size"] = json!(tick);
        c.poly_books.insert(t, b);
    };
    let (bucks, lakers) = (
        token(&Capture::bundled(), "nba-mil-lal-2026-01-09", 0),
        token(&Capture::bundled(), "nba-mil-lal-2026-01-09", 1),
    );
    pm(lakers, json!([{"price": "0.70", "size": "100"}, {"price": "0.50", "size": "3"}]), "0.01");
    pm(bucks, json!([{"price": "0.60", "size": "500"}]), "0.01");
    // A market's tick is one for both its tokens.
    let (thunder, grizzlies) = (
        token(&Capture::bundled(), "nba-okc-mem-2026-01-09", 0),
        token(&Capture::bundled(), "nba-okc-mem-2026-01-09", 1),
    );
    pm(thunder, json!([{"price": "0.66", "size": "100"}]), "0.001");
    pm(grizzlies, json!([{"price": "0.53", "size": "100"}, {"price": "0.525", "size": "100"}]), "0.001");
    let celtics = token(&Capture::bundled(), "nba-tor-bos-2026-01-09", 1);
    pm(celtics, json!([{"price": "0.53", "size": "100"}]), "0.01");
    // Polymarket's three yes/no markets of the game: Yes asks 0.45, 0.25, 0.30; No asks that
    // leave no two-way edge against Kalshi.
    for (market, yes, no) in [("4048851", "0.45", "0.60"), ("4035513", "0.25", "0.78"), ("4026334", "0.30", "0.72")] {
        plant_yes_no(&mut c, "id", market, yes, no);
    }
    c
}

/// Plants 100 at `yes` and at `no` (cent ticks) on the Yes and No tokens of the Gamma market
/// whose `field` is `value`.
fn plant_yes_no(c: &mut Capture, field: &str, value: &str, yes: &str, no: &str) {
    let m = c
        .poly_events
        .iter()
        .flat_map(|e| e["markets"].as_array().unwrap().iter())
        .find(|m| m[field] == value)
        .unwrap_or_else(|| panic!("no market with {field} {value}"));
    let ids: Vec<String> = serde_json::from_str(m["clobTokenIds"].as_str().unwrap()).unwrap();
    for (id, ask) in [(&ids[0], yes), (&ids[1], no)] {
        let mut b = poly_book(id, json!([{"price": ask, "size": "100"}]));
        b["tick_size"] = json!("0.01");
        c.poly_books.insert(id.clone(), b);
    }
}

/// The open opportunities as (direction, first leg's ticker or outcome, limits, size, profit).
fn summary(open: &[crossbook_store::StoredOpportunity]) -> Vec<(String, String, Vec<String>, String, String)> {
    let mut v: Vec<_> = open
        .iter()
        .map(|o| {
            let legs = &o.opportunity.legs;
            let kalshi = legs.iter().find_map(|l| l.ticker.clone()).unwrap_or_default();
            let limits = legs.iter().map(|l| l.limit_price.map(|p| p.to_string()).unwrap_or_default()).collect();
            (o.direction.clone(), kalshi, limits, o.opportunity.max_size.to_string(), o.opportunity.profit.to_string())
        })
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn one_pass_reports_exactly_the_executable_opportunities() {
    let capture = planted();
    let s = setup(&capture).await;
    sync_watchlist(&*s.db.store, &watch(false), s.clock.now()).await.unwrap();
    poll_once(&s.db.store, &s.venues, &s.clock, config(30), &ALL).await.unwrap();
    let open = s.db.store.list_open_opportunities().await.unwrap();
    let s3 = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        summary(&open),
        vec![
            // The bundled capture's own edge on LAC@BKN (00:30, not started): Kalshi BKN YES 80
            // at 0.32 and 170 at 0.33 against Clippers 250 at 0.65. Kalshi's fills: 1.21856 →
            // 1.2186, balance −26.8186 → −26.82 (0.0014); 2.63109 → 2.6311, −58.7311 → −58.74
            // (0.0089); 0.0103 of rounding passes a cent: 0.01 back. Fees 3.85; 250 − 81.70 −
            // 162.50 − 3.85 = 1.95.
            (
                "kalshi_yes".into(),
                "KXNBAGAME-26JAN09LACBKN-BKN".into(),
                s3(&["0.33", "0.65"]),
                "250".into(),
                "1.95".into()
            ),
            // OKC@MEM on the 0.001 tick its books state: 100 at 0.42 + 0.525; Kalshi's fee
            // 0.07 × 100 × 0.42 × 0.58 = 1.7052 → 1.71 in cents. 100 − 42 − 52.50 − 1.71 = 3.79
            // (on a cent grid it would have been 0.53 and 3.29).
            (
                "kalshi_yes".into(),
                "KXNBAGAME-26JAN09OKCMEM-OKC".into(),
                s3(&["0.42", "0.525"]),
                "100".into(),
                "3.79".into()
            ),
            // Liverpool–Fulham three ways: Kalshi LFC 0.40 + Polymarket draw 0.25 + Fulham 0.30 =
            // 0.95; Kalshi's fee 0.07 × 100 × 0.40 × 0.60 = 1.68; Polymarket fee-free. 3.32.
            (
                "three_way".into(),
                "KXEPLGAME-26SEP12LFCFUL-LFC".into(),
                s3(&["0.3", "0.4", "0.25"]),
                "100".into(),
                "3.32".into()
            ),
        ],
        "MIL@LAL (3 shares under Polymarket's 5, and at 5 a loss) and TOR@BOS (in play) make none"
    );
    let three = open.iter().find(|o| o.direction == "three_way").unwrap();
    let draw = s.db.store.get_link(three.opportunity.link_id).await.unwrap().unwrap();
    assert_eq!(draw.candidate.kind, crossbook_model::MarketKind::Draw, "filed under the game's draw link");
    assert_eq!(three.opportunity.capital.kalshi.to_string(), "41.68");
    assert_eq!(three.opportunity.capital.polymarket.to_string(), "55");

    // In-play trading allowed: TOR@BOS opens, marked, with Polymarket's 3 s order delay.
    let in_play = crossbook_engine::quotes::QuotesConfig { allow_in_play: true, ..config(30) };
    poll_once(&s.db.store, &s.venues, &s.clock, in_play, &ALL).await.unwrap();
    let open = s.db.store.list_open_opportunities().await.unwrap();
    let tor = open
        .iter()
        .find(|o| o.opportunity.legs[0].ticker.as_deref() == Some("KXNBAGAME-26JAN09TORBOS-TOR"))
        .expect("TOR@BOS in play");
    // 100 at 0.42 + 0.53, 1.71 in fees: 3.29.
    assert_eq!(
        (tor.opportunity.max_size.to_string(), tor.opportunity.profit.to_string()),
        ("100".into(), "3.29".into())
    );
    assert!(tor.opportunity.in_play);
    assert_eq!(tor.opportunity.order_delay_s, Some(3));
    assert!(open.iter().filter(|o| o.opportunity.in_play).all(|o| o.opportunity.order_delay_s == Some(3)));
    assert!(!open.iter().any(|o| o.opportunity.legs[0].ticker.as_deref() == Some("KXNBAGAME-26JAN09MILLAL-MIL")));
    s.sim.stop().await;
}

/// Soccer's halftime result priced three ways as the full time is (`make_halftime.py`'s
/// Arsenal–Chelsea, Oct 3): Kalshi ARS at halftime 0.40 + Polymarket "Draw at halftime?" Yes 0.33
/// + "Chelsea FC leading at halftime?" Yes 0.20 = 0.93 for 100; Kalshi's fee 0.07 × 100 × 0.40 ×
/// 0.60 = 1.68; Polymarket fee-free: 100 − 93 − 1.68 = 5.32, filed under the halftime draw link.
#[tokio::test]
async fn a_halftime_result_is_priced_three_ways() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/halftime");
    let mut c = Capture::load(&dir).unwrap();
    c.kalshi_orderbooks
        .insert("KXEPL1H-26OCT03ARSCFC-ARS".into(), kalshi_book(&[("0.3800", "100.00")], &[("0.6000", "100.00")]));
    c.kalshi_orderbooks
        .insert("KXEPL1H-26OCT03ARSCFC-TIE".into(), kalshi_book(&[("0.3000", "100.00")], &[("0.6200", "100.00")]));
    c.kalshi_orderbooks
        .insert("KXEPL1H-26OCT03ARSCFC-CFC".into(), kalshi_book(&[("0.1500", "100.00")], &[("0.7800", "100.00")]));
    // Yes asks 0.45 (Arsenal), 0.33 (draw), 0.20 (Chelsea); No asks that leave no two-way edge.
    for (question, yes, no) in [
        ("Arsenal FC leading at halftime?", "0.45", "0.60"),
        ("Arsenal FC vs. Chelsea FC: Draw at halftime?", "0.33", "0.70"),
        ("Chelsea FC leading at halftime?", "0.20", "0.85"),
    ] {
        plant_yes_no(&mut c, "question", question, yes, no);
    }
    let s = setup(&c).await;
    sync_watchlist(&*s.db.store, &watch(false), s.clock.now()).await.unwrap();
    poll_once(&s.db.store, &s.venues, &s.clock, config(30), &ALL).await.unwrap();
    let open = s.db.store.list_open_opportunities().await.unwrap();
    let s3 = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        summary(&open),
        vec![(
            "three_way".into(),
            "KXEPL1H-26OCT03ARSCFC-ARS".into(),
            s3(&["0.4", "0.2", "0.33"]),
            "100".into(),
            "5.32".into()
        )],
        "{open:?}"
    );
    let draw = s.db.store.get_link(open[0].opportunity.link_id).await.unwrap().unwrap();
    assert_eq!(draw.candidate.kind, crossbook_model::MarketKind::FirstHalfDraw);
    s.sim.stop().await;
}
