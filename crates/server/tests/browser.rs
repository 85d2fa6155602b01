//! The dashboard in a real browser (Debian's headless Chromium, driven through ChromeDriver's
//! WebDriver protocol): the page loads, shows a planted opportunity, and a click on Confirm
//! confirms a suggested link, which the database then shows; the charts draw the service's
//! records.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use crossbook_engine::Clock;
use crossbook_model::*;
use crossbook_server::{AppState, serve};
use crossbook_store::testing::TestDb;
use serde_json::{Value, json};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn candidate(ticker: &str, poly: &str) -> LinkCandidate {
    LinkCandidate {
        kalshi_ticker: KalshiMarketTicker::new(ticker).unwrap(),
        kalshi_event_ticker: KalshiEventTicker::new(ticker.rsplit_once('-').unwrap().0).unwrap(),
        poly_venue: crossbook_model::Venue::Polymarket,
        poly_market_id: PolyMarketId::new(poly).unwrap(),
        poly_condition_id: None,
        poly_token_id: Some(PolyTokenId::new(format!("{poly}1")).unwrap()),
        poly_outcome_index: 0,
        poly_outcome: "Bucks".into(),
        kind: MarketKind::Moneyline,
        line: None,
        league: Some(League::Nba),
        starts_at: None,
        score: 0.81,
        reasons: vec!["league NBA".into(), "start Δ 0 min".into(), "participants fuzzy 0.90".into()],
    }
}

async fn wd(http: &reqwest::Client, method: reqwest::Method, url: String, body: Value) -> Value {
    let r = http.request(method, url).json(&body).send().await.unwrap();
    r.json::<Value>().await.unwrap()["value"].clone()
}

#[tokio::test]
async fn the_dashboard_shows_opportunities_and_confirms_a_link_on_click() {
    let db = TestDb::sqlite().await;
    let now = Utc.with_ymd_and_hms(2026, 1, 9, 23, 50, 0).unwrap();
    let confirmed =
        db.store.upsert_link_candidate(&candidate("KXNBAGAME-26JAN09NOPWAS-NOP", "1096961"), now).await.unwrap().id();
    db.store.decide_link(confirmed, LinkStatus::Confirmed, &Decider::Auto, "exact", now).await.unwrap();
    let suggested =
        db.store.upsert_link_candidate(&candidate("KXNBAGAME-26JAN09MILLAL-MIL", "1096983"), now).await.unwrap().id();
    let opportunity: Opportunity = serde_json::from_value(json!({
        "link_id": confirmed.0, "kind": "moneyline", "league": "NBA", "starts_at": "2026-01-10T00:00:00Z",
        "detected_at": "2026-01-09T23:50:00Z",
        "legs": [{"venue": "kalshi", "ticker": "KXNBAGAME-26JAN09NOPWAS-NOP", "side": "yes", "price": "0.52", "size": "150"},
                 {"venue": "polymarket", "token_id": "2", "outcome": "Wizards", "price": "0.44", "size": "150"}],
        "cost": "0.96", "fees": "0.0175", "edge": "0.0225", "max_size": "150", "profit": "3.37",
        "quote_age_ms": {"kalshi": 120, "polymarket": 80}
    }))
    .unwrap();
    db.store.upsert_opportunity(&opportunity, "kalshi_yes", now, now).await.unwrap();
    // Its chart points: the prices moving over ten minutes, the edge opening at the end.
    let samples: Vec<crossbook_store::QuoteSample> = (0..10)
        .map(|i| crossbook_store::QuoteSample {
            link_id: confirmed,
            at: now - chrono::Duration::minutes(10 - i),
            kalshi_yes: Some(format!("0.{}", 60 - i).parse().unwrap()),
            kalshi_no: Some(format!("0.{}", 42 + i).parse().unwrap()),
            poly_yes: Some("0.57".parse().unwrap()),
            poly_no: Some("0.44".parse().unwrap()),
            edge: (i >= 8).then(|| "0.0225".parse().unwrap()),
        })
        .collect();
    db.store.save_quote_samples(&samples).await.unwrap();
    // A paper trade of it, hedged: 50 − 20 − 27.50 − 1.68 = 0.82.
    let trade: crossbook_model::Trade = serde_json::from_value(json!({
        "trade_id": "paper-1-kalshi_yes-1", "mode": "paper", "link_id": confirmed.0, "direction": "kalshi_yes",
        "kind": "moneyline", "league": "NBA", "game": "Pelicans at Wizards", "decided_at": "2026-01-09T23:45:00Z",
        "finished_at": "2026-01-09T23:45:00.330Z", "planned_size": "50", "planned_profit": "0.82", "status": "hedged",
        "orders": [], "sets": "50", "bought": "47.5", "sold": "0", "fees": "1.68", "pnl": "0.82",
        "fills": [
            {"fill_id": "f1", "order_id": "o1", "trade_id": "paper-1-kalshi_yes-1", "venue": "kalshi", "market": "KXNBAGAME-26JAN09NOPWAS-NOP",
             "side": "yes", "action": "buy", "price": "0.40", "size": "50", "fee": "0.84", "at": "2026-01-09T23:45:00.080Z", "mode": "paper", "opportunity": confirmed.0},
            {"fill_id": "f2", "order_id": "o2", "trade_id": "paper-1-kalshi_yes-1", "venue": "polymarket", "market": "2",
             "outcome": "Wizards", "action": "buy", "price": "0.55", "size": "50", "fee": "0.84", "at": "2026-01-09T23:45:00.330Z", "mode": "paper", "opportunity": confirmed.0}
        ]
    }))
    .unwrap();
    db.store.record_trade(&trade).await.unwrap();
    let state = AppState {
        store: db.store.clone(),
        clock: Clock::Frozen(now),
        // Changes need the token, as in production.
        token: Some(secrecy::SecretString::from("a-long-enough-api-token".to_string())),
        loopback: true,
        live_threshold: chrono::Duration::minutes(15),
        services: None,
        venues: None,
        runtime: None,
        // The trader is in New York: every time on the page is in Eastern time.
        time_zone: chrono_tz::America::New_York,
        venues_enabled: crossbook_model::Venue::ALL[..2].to_vec(),
        execution_mode: crossbook_model::ExecutionMode::Paper,
    };
    let server = serve(state, "127.0.0.1:0".parse().unwrap()).await.unwrap();

    let port = free_port();
    let _driver = Driver(
        Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (Debian package chromium-driver) must be installed; .ci/run installs it"),
    );
    let wdurl = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    for _ in 0..100 {
        if http.get(format!("{wdurl}/status")).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
        "binary": "/usr/bin/chromium",
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]}}}});
    let session = wd(&http, reqwest::Method::POST, format!("{wdurl}/session"), caps).await;
    let sid = session["sessionId"].as_str().unwrap_or_else(|| panic!("no WebDriver session: {session}")).to_string();
    let s = format!("{wdurl}/session/{sid}");
    wd(&http, reqwest::Method::POST, format!("{s}/url"), json!({"url": format!("http://{}/", server.addr)})).await;

    // The page fills itself from the API: the planted opportunity shows, with its edge.
    let mut text = String::new();
    for _ in 0..100 {
        let v = wd(
            &http,
            reqwest::Method::POST,
            format!("{s}/execute/sync"),
            json!({"script": "return document.body.innerText", "args": []}),
        )
        .await;
        text = v.as_str().unwrap_or("").to_string();
        if text.contains("KXNBAGAME-26JAN09NOPWAS-NOP")
            && text.contains("KXNBAGAME-26JAN09MILLAL-MIL")
            && text.contains("1 opportunities on 1 links")
            && text.contains("made $0.82")
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The edge in cents a set, the legs with their limits.
    assert!(text.contains("2.25¢") && text.contains("Wizards"), "the opportunity is not shown: {text}");
    // Its start (00:00 UTC) in the trader's zone, to the second.
    assert!(text.contains("times in America/New_York") && text.contains("01-09 19:00:00"), "{text}");
    // The price chart's labels: the value axis' four all different, the time axis' five in
    // Eastern time (the samples are 23:40–23:49 UTC), none repeated.
    let labels = wd(
        &http,
        reqwest::Method::POST,
        format!("{s}/execute/sync"),
        json!({"script": "return [...document.querySelectorAll('#chart-link text')].map(t => t.textContent)", "args": []}),
    )
    .await;
    let labels: Vec<&str> = labels.as_array().unwrap().iter().filter_map(Value::as_str).collect();
    let (values, times) = (&labels[..4], &labels[labels.len() - 5..]);
    let distinct = |l: &[&str]| l.iter().collect::<std::collections::HashSet<_>>().len() == l.len();
    assert!(distinct(values) && values.iter().all(|v| v.ends_with('¢')), "{labels:?}");
    assert!(distinct(times) && times.iter().all(|t| t.starts_with("18:4")), "{labels:?}");
    // The charts: the link's four price lines and its edge, the day's timeline with the opportunity.
    let drawn = wd(
        &http,
        reqwest::Method::POST,
        format!("{s}/execute/sync"),
        json!({"script": "return [document.querySelectorAll('#chart-link path').length, document.querySelectorAll('#chart-day rect').length, document.getElementById('chart-ops').innerText]", "args": []}),
    )
    .await;
    assert_eq!((drawn[0].as_u64(), drawn[1].as_u64()), (Some(5), Some(1)), "{drawn}");
    assert!(drawn[2].as_str().unwrap_or("").contains("crossbook run"), "{drawn}");
    // The trading panel: the mode, the trade, both positions and the P&L line.
    let panel = wd(
        &http,
        reqwest::Method::POST,
        format!("{s}/execute/sync"),
        json!({"script": "return [document.getElementById('trading').innerText, document.querySelectorAll('#positions tbody tr').length, document.querySelectorAll('#chart-pnl path').length]", "args": []}),
    )
    .await;
    let trading = panel[0].as_str().unwrap_or("");
    assert!(
        trading.contains("paper") && trading.contains("Pelicans at Wizards") && trading.contains("hedged"),
        "{trading}"
    );
    assert!(
        trading.contains("made $0.82 (1 trades, 0 unhedged)")
            && trading.contains("Kalshi YES KXNBAGAME-26JAN09NOPWAS-NOP"),
        "{trading}"
    );
    assert_eq!((panel[1].as_u64(), panel[2].as_u64()), (Some(2), Some(2)), "{panel}");
    // At 1600, 900 and 390 px wide nothing scrolls sideways: not the page, not the opportunities
    // (at 390 px a card each, every value under its column's name). With CROSSBOOK_SCREENSHOTS
    // set, each width's screenshot is written there (docs/ holds them).
    for (width, height) in [(1600, 1000), (900, 1000), (390, 844)] {
        wd(&http, reqwest::Method::POST, format!("{s}/window/rect"), json!({"width": width, "height": height})).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let fit = wd(
            &http,
            reqwest::Method::POST,
            format!("{s}/execute/sync"),
            json!({"script": "const t = document.getElementById('opps'), sec = t.closest('section'); \
                return [document.documentElement.scrollWidth, document.documentElement.clientWidth, t.scrollWidth, sec.clientWidth, \
                getComputedStyle(t.querySelector('thead')).display, (t.querySelector('tbody td.num.edge') || {}).dataset?.label || '']", "args": []}),
        )
        .await;
        let n = |i: usize| fit[i].as_u64().unwrap_or(u64::MAX);
        assert!(n(0) <= n(1), "{width} px: the page scrolls sideways: {fit}");
        assert!(n(2) <= n(3), "{width} px: the opportunities scroll sideways: {fit}");
        if width < 700 {
            assert_eq!(
                (fit[4].as_str(), fit[5].as_str()),
                (Some("none"), Some("Edge")),
                "a card per opportunity: {fit}"
            );
        }
        if let Some(dir) = std::env::var_os("CROSSBOOK_SCREENSHOTS") {
            let shot = wd(&http, reqwest::Method::GET, format!("{s}/screenshot"), json!({})).await;
            use base64::Engine as _;
            let png = base64::engine::general_purpose::STANDARD.decode(shot.as_str().unwrap()).unwrap();
            std::fs::write(std::path::Path::new(&dir).join(format!("dashboard-{width}.png")), png).unwrap();
        }
    }
    wd(&http, reqwest::Method::POST, format!("{s}/window/rect"), json!({"width": 1600, "height": 1000})).await;
    let element = |css: String| {
        let (http, s) = (&http, &s);
        async move {
            let e =
                wd(http, reqwest::Method::POST, format!("{s}/element"), json!({"using": "css selector", "value": css}))
                    .await;
            e[ELEMENT].as_str().unwrap_or_else(|| panic!("no element {css}: {e}")).to_string()
        }
    };
    let confirm = format!("tr[data-link='{}'] button.ok", suggested.0);

    // The table is redrawn every few seconds, so a button found by one WebDriver call may be
    // replaced before the next clicks it: the click is made inside the page, in one turn of its
    // event loop, and only once the button is there.
    let click = |css: String| {
        let (http, s) = (&http, &s);
        async move {
            let script = format!("const b = document.querySelector(\"{css}\"); if (b) b.click(); return !!b;");
            wd(http, reqwest::Method::POST, format!("{s}/execute/sync"), json!({"script": script, "args": []})).await
                == json!(true)
        }
    };

    // Without the token, Confirm is refused and the page says what to do.
    assert!(click(confirm.clone()).await, "no {confirm}");
    let mut said = Value::Null;
    for _ in 0..50 {
        said = wd(&http, reqwest::Method::GET, format!("{s}/alert/text"), json!({})).await;
        if said.as_str().is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(said.as_str().unwrap_or("").contains("API token"), "{said}");
    wd(&http, reqwest::Method::POST, format!("{s}/alert/accept"), json!({})).await;
    assert_eq!(db.store.get_link(suggested).await.unwrap().unwrap().status, LinkStatus::Suggested);

    // Signed in (the token kept for the session), Confirm goes through.
    let field = element("#token".into()).await;
    wd(&http, reqwest::Method::POST, format!("{s}/element/{field}/value"), json!({"text": "a-long-enough-api-token"}))
        .await;
    let sign_in = element("#signin-button".into()).await;
    wd(&http, reqwest::Method::POST, format!("{s}/element/{sign_in}/click"), json!({})).await;
    let signed = element("#signed".into()).await;
    let shown = wd(&http, reqwest::Method::GET, format!("{s}/element/{signed}/text"), json!({})).await;
    assert_eq!(shown, json!("signed in"));
    assert!(click(confirm.clone()).await, "no {confirm}");
    let mut link = db.store.get_link(suggested).await.unwrap().unwrap();
    for _ in 0..100 {
        if link.status == LinkStatus::Confirmed {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        link = db.store.get_link(suggested).await.unwrap().unwrap();
    }
    assert_eq!((link.status, link.decided_by), (LinkStatus::Confirmed, Some(Decider::Human("dashboard".into()))));
    // Signed in, the kill switch stops trading for every process on this database.
    assert!(click("#x-switch".into()).await, "no kill switch");
    let mut on = false;
    for _ in 0..100 {
        on = crossbook_engine::execution::kill_switch_on(&*db.store).await.unwrap();
        if on {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(on, "the kill switch was not set");
    let _ = http.delete(&s).send().await;
    server.stop().await;
}
