//! The opportunities report from a real SQLite store holding chart points and opportunities
//! whose figures are worked out by hand.

use chrono::{DateTime, Duration, TimeZone, Utc};
use crossbook_engine::worth;
use crossbook_model::*;
use crossbook_store::QuoteSample;
use crossbook_store::testing::TestDb;

fn t(s: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 2, 1, 18, 0, 0).unwrap() + Duration::seconds(s)
}

fn link(ticker: &str, market: &str, league: League, kind: MarketKind) -> LinkCandidate {
    LinkCandidate {
        kalshi_ticker: KalshiMarketTicker::new(ticker).unwrap(),
        kalshi_event_ticker: KalshiEventTicker::new(ticker.rsplit_once('-').unwrap().0).unwrap(),
        poly_venue: crossbook_model::Venue::Polymarket,
        poly_market_id: PolyMarketId::new(market).unwrap(),
        poly_condition_id: None,
        poly_token_id: Some(PolyTokenId::new(format!("{market}1")).unwrap()),
        poly_outcome_index: 0,
        poly_outcome: "Home".into(),
        kind,
        line: None,
        league: Some(league),
        starts_at: Some(t(3600)),
        score: 1.0,
        reasons: vec![],
    }
}

fn point(link: LinkId, at: i64, ky: &str, pn: &str, edge: Option<&str>) -> QuoteSample {
    QuoteSample {
        link_id: link,
        at: t(at),
        kalshi_yes: Some(ky.parse().unwrap()),
        kalshi_no: Some("0.6".parse().unwrap()),
        poly_yes: Some("0.6".parse().unwrap()),
        poly_no: Some(pn.parse().unwrap()),
        edge: edge.map(|e| e.parse().unwrap()),
    }
}

fn opportunity(link: LinkId, edge: &str, size: &str, profit: &str) -> Opportunity {
    serde_json::from_value(serde_json::json!({
        "link_id": link.0, "kind": "moneyline", "league": "NBA", "starts_at": t(3600), "detected_at": t(0),
        "legs": [], "cost": "0.95", "fees": "0.02", "edge": edge, "max_size": size, "profit": profit,
        "quote_age_ms": {"kalshi": 5, "polymarket": 5},
        "capital": {"kalshi": "42", "polymarket": "53"}
    }))
    .unwrap()
}

#[tokio::test]
async fn the_report_adds_up_the_recorded_time_and_opportunities() {
    let db = TestDb::sqlite().await;
    let s = &*db.store;
    let nba = s
        .upsert_link_candidate(&link("KXNBAGAME-26FEB01AAABBB-AAA", "11", League::Nba, MarketKind::Moneyline), t(0))
        .await
        .unwrap()
        .id();
    let nhl = s
        .upsert_link_candidate(&link("KXNHLGAME-26FEB01CCCDDD-CCC", "12", League::Nhl, MarketKind::Moneyline), t(0))
        .await
        .unwrap()
        .id();
    // NBA: 0–30 s no edge (0.50 + 0.53), 30–50 s an edge before fees only (0.45 + 0.53 = 0.98,
    // Kalshi moved), 50–70 s after fees too (Polymarket moved to 0.50), then a point at 70 s
    // and nothing after: it stands for 60 s at most, to 130 s.
    s.save_quote_samples(&[
        point(nba, 0, "0.5", "0.53", None),
        point(nba, 30, "0.45", "0.53", None),
        point(nba, 50, "0.45", "0.5", Some("0.03")),
        point(nba, 70, "0.5", "0.53", None),
        // NHL: two points 100 s apart (each stands for 60 s at most), never an edge.
        point(nhl, 0, "0.5", "0.53", None),
        point(nhl, 100, "0.5", "0.53", None),
    ])
    .await
    .unwrap();
    // Two NBA opportunities: 20 s and 80 s long.
    let first = s.upsert_opportunity(&opportunity(nba, "0.03", "100", "3"), "kalshi_yes", t(50), t(70)).await.unwrap();
    s.close_link_opportunities(nba, None, t(70)).await.unwrap();
    s.upsert_opportunity(&opportunity(nba, "0.01", "300", "2"), "kalshi_yes", t(100), t(180)).await.unwrap();
    assert!(first > 0);

    let r = worth::build(s, t(0), t(200)).await.unwrap();
    let nba_g = r.groups.iter().find(|g| g.league == "NBA").unwrap();
    assert_eq!((nba_g.links, nba_g.observed_s), (1, 130), "30 + 20 + 20 + 60");
    assert_eq!((nba_g.gross_edge_s, nba_g.net_edge_s), (40, 20));
    assert_eq!(nba_g.first_mover, worth::FirstMover { kalshi: 0, polymarket: 1, both: 0 });
    assert_eq!(nba_g.opportunities, 2);
    assert_eq!((nba_g.edge_p50.to_string(), nba_g.edge_max.to_string()), ("0.03".into(), "0.03".into()));
    assert_eq!((nba_g.size_p50.to_string(), nba_g.capital_p50.to_string()), ("300".into(), "95".into()));
    assert_eq!(nba_g.profit_total.to_string(), "5");
    assert_eq!((nba_g.lifetime_p50_s, nba_g.lifetime_p90_s), (80, 80));
    assert_eq!(nba_g.to_start_p50_min, Some(59), "59 and 58 min before the start: the upper middle");
    let nhl_g = r.groups.iter().find(|g| g.league == "NHL").unwrap();
    assert_eq!((nhl_g.observed_s, nhl_g.gross_edge_s, nhl_g.opportunities), (120, 0, 0), "each point 60 s at most");
    assert_eq!(r.lifetimes_s, vec![20, 80]);
    let text = worth::text(&r, chrono_tz::Tz::UTC);
    assert!(text.lines().nth(1).unwrap().starts_with("LEAGUE") && text.contains("30.8 %"), "{text}");
    let html = worth::html(&r, chrono_tz::Tz::UTC);
    assert!(html.contains("<svg") && html.contains("NBA moneyline") && html.contains("15.4 %"), "40/130 and 20/130");
}
