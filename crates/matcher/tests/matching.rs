//! Matcher cases, each built from payloads in the venues' real shapes (Kalshi current schema,
//! Gamma events with JSON-string fields) through the same parse and taxonomy code ingestion
//! runs. Kalshi's expiration fields are the end of play, as on the venue (start + 3 h here).

use chrono::{DateTime, Duration, TimeZone, Utc};
use crossbook_kalshi::http::{models as km, parse as kp};
use crossbook_matcher::{MatchConfig, Verdict, evaluate, match_all};
use crossbook_model::{Event, Market};
use crossbook_polymarket::gamma::{models as gm, parse as gp};
use crossbook_taxonomy::{Registry, classify_kalshi_event, classify_market, classify_poly_event};
use serde_json::{Value, json};

fn t(month: u32, day: u32, h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, month, day, h, m, 0).unwrap()
}

/// A Kalshi market: (ticker suffix, yes_sub_title, floor_strike).
type KMarket<'a> = (&'a str, &'a str, Option<f64>);

/// A Kalshi event with its markets, expected to end `end`.
fn kalshi_event(ticker: &str, title: &str, sub_title: &str, end: DateTime<Utc>, markets: &[KMarket<'_>]) -> Value {
    let series = ticker.split('-').next().unwrap();
    let markets: Vec<Value> = markets
        .iter()
        .map(|(suffix, yes, strike)| {
            let mut m = json!({
                "ticker": format!("{ticker}-{suffix}"), "event_ticker": ticker, "market_type": "binary",
                "title": format!("{title} Winner?"), "yes_sub_title": yes, "no_sub_title": yes, "status": "active",
                "close_time": (end + Duration::days(14)).to_rfc3339(),
                "expected_expiration_time": end.to_rfc3339(), "occurrence_datetime": end.to_rfc3339(),
                "yes_bid_dollars": "0.4500", "yes_ask_dollars": "0.4700", "last_price_dollars": "0.4600",
                "volume_fp": "100.00", "price_level_structure": "linear_cent", "result": ""
            });
            if let Some(s) = strike {
                m["floor_strike"] = json!(s);
            }
            m
        })
        .collect();
    json!({"event_ticker": ticker, "series_ticker": series, "title": title, "sub_title": sub_title,
           "category": "Sports", "markets": markets})
}

/// A Gamma market: (id, slug suffix, question, outcomes, sportsMarketType, line, groupItemTitle).
type PMarket<'a> = (&'a str, &'a str, &'a str, &'a [&'a str], &'a str, Option<f64>, Option<&'a str>);

fn poly_event(id: &str, slug: &str, title: &str, start: DateTime<Utc>, markets: &[PMarket<'_>]) -> Value {
    let markets: Vec<Value> = markets
        .iter()
        .map(|(mid, suffix, question, outcomes, smt, line, group)| {
            let tokens: Vec<String> = (0..outcomes.len()).map(|i| format!("{mid}{i}")).collect();
            json!({
                "id": mid, "question": question, "conditionId": format!("0x{mid:0>64}"), "slug": format!("{slug}{suffix}"),
                "outcomes": serde_json::to_string(outcomes).unwrap(),
                "outcomePrices": serde_json::to_string(&vec!["0.5"; outcomes.len()]).unwrap(),
                "clobTokenIds": serde_json::to_string(&tokens).unwrap(),
                "sportsMarketType": smt, "line": line, "groupItemTitle": group,
                "gameStartTime": start.format("%Y-%m-%d %H:%M:%S+00").to_string(), "endDate": start.to_rfc3339(),
                "active": true, "closed": false
            })
        })
        .collect();
    json!({"id": id, "slug": slug, "title": title, "startTime": start.to_rfc3339(), "active": true, "closed": false,
           "tags": [{"id": "1", "label": "Sports"}], "markets": markets})
}

/// Parses and classifies both venues' events as ingestion does.
fn universe(kalshi: &[Value], poly: &[Value]) -> (Vec<Event>, Vec<Market>) {
    let (mut events, mut markets) = (Vec::new(), Vec::new());
    for e in kalshi {
        let wire: km::KalshiEvent = serde_json::from_value(e.clone()).unwrap();
        let mut raw = e.clone();
        raw.as_object_mut().unwrap().remove("markets");
        let mut ev = kp::parse_event(&wire, raw).unwrap();
        let tickers: Vec<&str> =
            e["markets"].as_array().unwrap().iter().map(|m| m["ticker"].as_str().unwrap()).collect();
        classify_kalshi_event(&mut ev, &tickers);
        for m in e["markets"].as_array().unwrap() {
            let w: km::KalshiMarket = serde_json::from_value(m.clone()).unwrap();
            let mut market = kp::parse_market(&w, m.clone(), kp::fee_schedule(None, None)).unwrap();
            classify_market(&mut market, Some(&ev));
            markets.push(market);
        }
        events.push(ev);
    }
    for e in poly {
        let wire: gm::GammaEvent = serde_json::from_value(e.clone()).unwrap();
        let mut raw = e.clone();
        raw.as_object_mut().unwrap().remove("markets");
        let mut ev = gp::parse_event(&wire, raw).unwrap();
        classify_poly_event(&mut ev, None);
        for m in e["markets"].as_array().unwrap() {
            let w: gm::GammaMarket = serde_json::from_value(m.clone()).unwrap();
            let mut market = gp::parse_market(&w, Some(&ev.id), m.clone(), chrono::Utc::now()).unwrap();
            classify_market(&mut market, Some(&ev));
            markets.push(market);
        }
        events.push(ev);
    }
    (events, markets)
}

/// (Kalshi ticker, Polymarket market, outcome index, verdict) of every candidate, by ticker.
fn run(kalshi: &[Value], poly: &[Value]) -> Vec<(String, String, u8, Verdict)> {
    let (events, markets) = universe(kalshi, poly);
    let mut v: Vec<_> = match_all(&events, &markets, Registry::bundled(), &MatchConfig::default())
        .candidates
        .into_iter()
        .map(|c| {
            (c.link.kalshi_ticker.to_string(), c.link.poly_market_id.to_string(), c.link.poly_outcome_index, c.verdict)
        })
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

fn row(ticker: &str, market: &str, outcome: u8, verdict: Verdict) -> (String, String, u8, Verdict) {
    (ticker.into(), market.into(), outcome, verdict)
}

/// The real MIL @ LAL game of 9 Jan 2026 (03:30 UTC on the 10th).
fn nba(k_ticker: &str, pm_slug: &str, pm_start: DateTime<Utc>) -> (Value, Value) {
    let k = kalshi_event(
        k_ticker,
        "Milwaukee at Los Angeles L",
        "MIL at LAL (Jan 9)",
        t(1, 10, 6, 30),
        &[("MIL", "Milwaukee", None), ("LAL", "Los Angeles L", None)],
    );
    let p = poly_event(
        "140938",
        pm_slug,
        "Bucks vs. Lakers",
        pm_start,
        &[("1096983", "", "Bucks vs. Lakers", &["Bucks", "Lakers"], "moneyline", None, None)],
    );
    (k, p)
}

#[test]
fn moneyline_pairs_each_team_with_its_own_outcome_and_confirms() {
    let (k, p) = nba("KXNBAGAME-26JAN09MILLAL", "nba-mil-lal-2026-01-09", t(1, 10, 3, 30));
    assert_eq!(
        run(&[k], &[p]),
        vec![
            row("KXNBAGAME-26JAN09MILLAL-LAL", "1096983", 1, Verdict::Confirm),
            row("KXNBAGAME-26JAN09MILLAL-MIL", "1096983", 0, Verdict::Confirm),
        ]
    );
}

#[test]
fn outcome_order_does_not_matter_only_who_it_is() {
    let (k, mut p) = nba("KXNBAGAME-26JAN09MILLAL", "nba-mil-lal-2026-01-09", t(1, 10, 3, 30));
    p["markets"][0]["outcomes"] = json!("[\"Lakers\", \"Bucks\"]");
    let got = run(&[k], &[p]);
    assert_eq!(got[1], row("KXNBAGAME-26JAN09MILLAL-MIL", "1096983", 1, Verdict::Confirm));
}

#[test]
fn a_rematch_on_another_date_never_matches() {
    // Kalshi's game is on Jan 9 (ET); Polymarket lists the same teams on Jan 11 only.
    let (k, p) = nba("KXNBAGAME-26JAN09MILLAL", "nba-mil-lal-2026-01-11", t(1, 12, 3, 30));
    assert!(run(&[k], &[p]).is_empty());
    // The next day's game starts after this one's expected end: not it either.
    let (k, p) = nba("KXNBAGAME-26JAN09MILLAL", "nba-mil-lal-2026-01-10", t(1, 11, 0, 30));
    assert!(run(&[k], &[p]).is_empty());
}

#[test]
fn kalshi_expiration_is_never_taken_for_the_start() {
    // Polymarket's start 03:30 UTC; Kalshi's expected expiration 06:30 UTC (end of play).
    let (k, p) = nba("KXNBAGAME-26JAN09MILLAL", "nba-mil-lal-2026-01-09", t(1, 10, 3, 30));
    let (events, markets) = universe(&[k], &[p]);
    let out = match_all(&events, &markets, Registry::bundled(), &MatchConfig::default());
    let link = &out.candidates[0].link;
    assert_eq!(link.starts_at, Some(t(1, 10, 3, 30)), "the link starts when play starts");
    assert!(link.reasons.iter().any(|r| r.contains("same Eastern date")), "{:?}", link.reasons);
}

#[test]
fn a_doubleheader_goes_to_the_game_at_the_same_time() {
    // Real shape: Kalshi lists both games (start time in the ticker, G1/G2); Polymarket one
    // event per matchup-date, whose start is game 2's.
    let game = |ticker: &str, end| {
        kalshi_event(
            ticker,
            "Tampa Bay vs Boston",
            "TB at BOS (Jul 17)",
            end,
            &[("TB", "Tampa Bay", None), ("BOS", "Boston", None)],
        )
    };
    let g1 = game("KXMLBGAME-26JUL171335TBBOSG1", t(7, 17, 20, 35));
    let g2 = game("KXMLBGAME-26JUL171910TBBOSG2", t(7, 18, 2, 10));
    let p = poly_event(
        "560852",
        "mlb-tb-bos-2026-07-17",
        "Tampa Bay Rays vs. Boston Red Sox",
        t(7, 17, 23, 10),
        &[(
            "2510001",
            "",
            "Tampa Bay Rays vs. Boston Red Sox",
            &["Tampa Bay Rays", "Boston Red Sox"],
            "moneyline",
            None,
            None,
        )],
    );
    assert_eq!(
        run(&[g1, g2], &[p]),
        vec![
            row("KXMLBGAME-26JUL171910TBBOSG2-BOS", "2510001", 1, Verdict::Confirm),
            row("KXMLBGAME-26JUL171910TBBOSG2-TB", "2510001", 0, Verdict::Confirm),
        ]
    );
}

fn spread_game(markets: &[KMarket<'_>], pm_line: f64) -> (Value, Value) {
    let k = kalshi_event(
        "KXNBASPREAD-26JAN09MILLAL",
        "Milwaukee at Los Angeles L: Spread",
        "MIL at LAL (Jan 9)",
        t(1, 10, 6, 30),
        markets,
    );
    let p = poly_event(
        "140938",
        "nba-mil-lal-2026-01-09",
        "Bucks vs. Lakers",
        t(1, 10, 3, 30),
        &[("sp", "-spread-home-3pt5", "Spread: Lakers (-3.5)", &["Lakers", "Bucks"], "spreads", Some(pm_line), None)],
    );
    (k, p)
}

#[test]
fn spreads_pair_only_the_side_that_gives_the_points() {
    let (k, p) = spread_game(
        &[
            // "Lakers win by more than 3.5" = Lakers −3.5: Polymarket's first outcome.
            ("LAL3", "Los Angeles L wins by over 3.5 points", Some(3.5)),
            // "Bucks win by more than 3.5" is not "Bucks +3.5": no link.
            ("MIL3", "Milwaukee wins by over 3.5 points", Some(3.5)),
            // Lakers −4 is within ±0.5: suggested, not confirmed.
            ("LAL4", "Los Angeles L wins by over 4 points", Some(4.0)),
            // Lakers −5.5 is too far: nothing.
            ("LAL5", "Los Angeles L wins by over 5.5 points", Some(5.5)),
        ],
        -3.5,
    );
    assert_eq!(
        run(&[k], &[p]),
        vec![
            row("KXNBASPREAD-26JAN09MILLAL-LAL3", "sp", 0, Verdict::Confirm),
            row("KXNBASPREAD-26JAN09MILLAL-LAL4", "sp", 0, Verdict::Suggest),
        ]
    );
}

#[test]
fn totals_pair_over_with_over() {
    let k = kalshi_event(
        "KXNBATOTAL-26JAN09MILLAL",
        "Milwaukee at Los Angeles L: Total Points",
        "MIL at LAL (Jan 9)",
        t(1, 10, 6, 30),
        &[("220", "Over 220.5 points scored", Some(220.5)), ("229", "Over 229.5 points scored", Some(229.5))],
    );
    let p = poly_event(
        "140938",
        "nba-mil-lal-2026-01-09",
        "Bucks vs. Lakers",
        t(1, 10, 3, 30),
        &[("tot", "-total-220pt5", "Bucks vs. Lakers: O/U 220.5", &["Under", "Over"], "totals", Some(220.5), None)],
    );
    assert_eq!(run(&[k], &[p]), vec![row("KXNBATOTAL-26JAN09MILLAL-220", "tot", 1, Verdict::Confirm)]);
}

#[test]
fn soccer_three_way_pairs_home_away_and_draw_with_yes() {
    // The real Serie A game VER–ACM of 19 Apr 2026: codes agree, names differ.
    let k = kalshi_event(
        "KXSERIEAGAME-26APR19VERACM",
        "Verona vs Milan",
        "VER vs ACM (Apr 19)",
        t(4, 19, 18, 0),
        &[("VER", "Verona", None), ("ACM", "Milan", None), ("TIE", "Tie", None)],
    );
    let yes_no: &[&str] = &["Yes", "No"];
    let p = poly_event(
        "363212",
        "sea-ver-acm-2026-04-19",
        "Hellas Verona FC vs. AC Milan",
        t(4, 19, 16, 0),
        &[
            (
                "ver",
                "-ver",
                "Will Hellas Verona FC win on 2026-04-19?",
                yes_no,
                "moneyline",
                None,
                Some("Hellas Verona FC"),
            ),
            (
                "draw",
                "-draw",
                "Will Hellas Verona FC vs. AC Milan end in a draw?",
                yes_no,
                "moneyline",
                None,
                Some("Draw (Hellas Verona FC vs. AC Milan)"),
            ),
            ("acm", "-acm", "Will AC Milan win on 2026-04-19?", yes_no, "moneyline", None, Some("AC Milan")),
        ],
    );
    assert_eq!(
        run(&[k], &[p]),
        vec![
            row("KXSERIEAGAME-26APR19VERACM-ACM", "acm", 0, Verdict::Confirm),
            row("KXSERIEAGAME-26APR19VERACM-TIE", "draw", 0, Verdict::Confirm),
            row("KXSERIEAGAME-26APR19VERACM-VER", "ver", 0, Verdict::Confirm),
        ]
    );
}

#[test]
fn names_that_only_resemble_suggest_but_never_confirm() {
    let k = kalshi_event(
        "KXCS2GAME-26JAN101500NAVIFAZE",
        "Natus Vincere vs. FaZe",
        "NAVI vs FAZE (Jan 10)",
        t(1, 10, 23, 0),
        &[("NAVI", "Natus Vincere", None), ("FAZE", "FaZe", None)],
    );
    // Polymarket writes other codes and names that only resemble Kalshi's.
    let p = poly_event(
        "cs",
        "cs2-nv-fz-2026-01-10",
        "Counter-Strike: Natus Vinsere vs Fazer (BO3) - BLAST",
        t(1, 10, 20, 0),
        &[(
            "cs1",
            "",
            "Counter-Strike: Natus Vinsere vs Fazer (BO3) - BLAST",
            &["Natus Vinsere", "Fazer"],
            "moneyline",
            None,
            None,
        )],
    );
    let got = run(&[k], &[p]);
    assert_eq!(got.len(), 2);
    assert!(got.iter().all(|r| r.3 == Verdict::Suggest), "{got:?}");
}

#[test]
fn different_teams_or_far_starts_do_not_match() {
    let (k, mut p) = nba("KXNBAGAME-26JAN09MILLAL", "nba-mil-lac-2026-01-09", t(1, 10, 3, 30));
    p["title"] = json!("Bucks vs. Clippers");
    p["markets"][0]["outcomes"] = json!("[\"Bucks\", \"Clippers\"]");
    assert!(run(&[k], &[p]).is_empty(), "one team differs");
    // Kalshi states a start (in the ticker): 5 hours apart is another game, 40 minutes only
    // suggests.
    let k = |ticker: &str| {
        kalshi_event(
            ticker,
            "New York Y vs Tampa Bay",
            "NYY at TB (Jul 8)",
            t(7, 9, 1, 40),
            &[("NYY", "New York Y", None), ("TB", "Tampa Bay", None)],
        )
    };
    let p = |start| {
        poly_event(
            "561088",
            "mlb-nyy-tb-2026-07-08",
            "New York Yankees vs. Tampa Bay Rays",
            start,
            &[(
                "m",
                "",
                "New York Yankees vs. Tampa Bay Rays",
                &["New York Yankees", "Tampa Bay Rays"],
                "moneyline",
                None,
                None,
            )],
        )
    };
    assert!(run(&[k("KXMLBGAME-26JUL081840NYYTB")], &[p(t(7, 9, 3, 40))]).is_empty(), "five hours apart");
    let near = run(&[k("KXMLBGAME-26JUL081840NYYTB")], &[p(t(7, 8, 23, 20))]);
    assert!(!near.is_empty() && near.iter().all(|r| r.3 == Verdict::Suggest), "40 minutes apart: {near:?}");
}

#[test]
fn evaluate_flags_a_link_whose_line_moved_away() {
    let (k, p) = spread_game(&[("LAL3", "Los Angeles L wins by over 3.5 points", Some(3.5))], -6.5);
    let (events, markets) = universe(&[k], &[p]);
    let reg = Registry::bundled();
    let cfg = MatchConfig::default();
    let c = evaluate(&events, &markets[0], &markets[1], 0, reg, &cfg).unwrap();
    assert_eq!(c.verdict, Verdict::Reject);
    assert!(c.link.reasons[0].starts_with("conflict"), "{:?}", c.link.reasons);
    let (k, p) = spread_game(&[("LAL3", "Los Angeles L wins by over 3.5 points", Some(3.5))], -3.5);
    let (events, markets) = universe(&[k], &[p]);
    assert_eq!(evaluate(&events, &markets[0], &markets[1], 0, reg, &cfg).unwrap().verdict, Verdict::Confirm);
    assert_eq!(
        evaluate(&events, &markets[0], &markets[1], 1, reg, &cfg).unwrap().verdict,
        Verdict::Reject,
        "flipped side"
    );
}

#[test]
fn an_evening_kickoff_dated_the_next_day_by_kalshi_still_matches() {
    // Real shape: a Brasileirão game at 23:30 UTC on 12 Sep carries 13 Sep in its Kalshi
    // ticker; its expected end is 02:30 UTC on the 13th.
    let k = kalshi_event(
        "KXBRASILEIROGAME-26SEP13BOTRBB",
        "Botafogo vs Bragantino",
        "BOT vs RBB (Sep 13)",
        t(9, 13, 2, 30),
        &[("BOT", "Botafogo", None), ("RBB", "Bragantino", None), ("TIE", "Tie", None)],
    );
    let yes_no: &[&str] = &["Yes", "No"];
    let p = poly_event(
        "7001",
        "bra-bot-rbb-2026-09-12",
        "Botafogo FR vs. Red Bull Bragantino",
        t(9, 12, 23, 30),
        &[
            ("b1", "-bot", "Will Botafogo FR win on 2026-09-12?", yes_no, "moneyline", None, Some("Botafogo FR")),
            ("b2", "-draw", "Will Botafogo FR vs. Red Bull Bragantino end in a draw?", yes_no, "moneyline", None, None),
            (
                "b3",
                "-rbb",
                "Will Red Bull Bragantino win on 2026-09-12?",
                yes_no,
                "moneyline",
                None,
                Some("Red Bull Bragantino"),
            ),
        ],
    );
    let got = run(&[k], &[p]);
    assert_eq!(got.len(), 3);
    assert!(got.iter().all(|r| r.3 == Verdict::Confirm), "{got:?}");
}

#[test]
fn a_game_listed_twice_on_one_day_is_only_suggested() {
    // Kalshi states no time; two Polymarket events the same day with the same teams.
    let (k, p1) = nba("KXNBAGAME-26JAN09MILLAL", "nba-mil-lal-2026-01-09", t(1, 10, 3, 30));
    let (_, mut p2) = nba("KXNBAGAME-26JAN09MILLAL", "nba-mil-lal-2026-01-09-game-2", t(1, 10, 0, 30));
    p2["id"] = json!("140999");
    p2["slug"] = json!("nba-lal-mil-2026-01-09");
    p2["markets"][0]["id"] = json!("1096999");
    let got = run(&[k], &[p1, p2]);
    assert!(!got.is_empty() && got.iter().all(|r| r.3 == Verdict::Suggest), "{got:?}");
}

#[test]
fn a_tennis_match_dated_a_day_apart_still_matches_but_a_team_rematch_does_not() {
    // Melbourne: Kalshi dates the match by its local day (18 Jan); Polymarket starts it at
    // 00:30 UTC, 17 Jan in US Eastern time. Kalshi's expected expiration here is far off.
    let k = kalshi_event(
        "KXATPMATCH-26JAN18SINALC",
        "Sinner vs Alcaraz",
        "Final (Jan 18)",
        t(1, 25, 0, 0),
        &[("SIN", "Jannik Sinner", None), ("ALC", "Carlos Alcaraz", None)],
    );
    let p = poly_event(
        "9001",
        "atp-sinner-alcaraz-2026-01-18",
        "Australian Open: Jannik Sinner vs Carlos Alcaraz",
        t(1, 18, 0, 30),
        &[(
            "m9",
            "",
            "Australian Open: Jannik Sinner vs Carlos Alcaraz",
            &["Jannik Sinner", "Carlos Alcaraz"],
            "moneyline",
            None,
            None,
        )],
    );
    let got = run(&[k], &[p]);
    assert_eq!(
        got,
        vec![
            row("KXATPMATCH-26JAN18SINALC-ALC", "m9", 1, Verdict::Confirm),
            row("KXATPMATCH-26JAN18SINALC-SIN", "m9", 0, Verdict::Confirm),
        ]
    );
    // Teams do meet on consecutive days: an NBA game a day from Kalshi's date is another game.
    let (k, p) = nba("KXNBAGAME-26JAN09MILLAL", "nba-mil-lal-2026-01-08", t(1, 9, 0, 30));
    assert!(run(&[k], &[p]).is_empty());
}

/// The real Polymarket US event (SD at COL, 17 Sep 2026 00:40 UTC) parsed by its adapter, against
/// Kalshi's game and spread markets of that game: the moneyline links both ways round, the
/// spread whose texts agree links to San Diego −2.5, the one whose texts disagree never does;
/// every link names Polymarket US as its second venue.
#[test]
fn kalshi_links_with_polymarket_us_markets_by_their_typed_fields() {
    use crossbook_polymarket_us::{models as um, parse as up};
    let page: Value = serde_json::from_str(include_str!("../../polymarket_us/tests/data/events.json")).unwrap();
    let raw = &page["events"][0];
    let wire: um::UsEvent = serde_json::from_value(raw.clone()).unwrap();
    let typed: Vec<um::UsMarket> =
        raw["markets"].as_array().unwrap().iter().map(|m| serde_json::from_value(m.clone()).unwrap()).collect();
    let us_event = up::parse_event(&wire, &typed.iter().collect::<Vec<_>>(), raw.clone()).unwrap();
    let at = t(9, 14, 17, 13);
    let us_markets: Vec<Market> = typed
        .iter()
        .zip(raw["markets"].as_array().unwrap())
        .map(|(m, v)| up::parse_market(m, &us_event, v.clone(), at).unwrap())
        .collect();
    let end = t(9, 17, 3, 40);
    let game = kalshi_event(
        "KXMLBGAME-26SEP162040SDCOL",
        "San Diego vs Colorado",
        "SD at COL (Sep 16)",
        end,
        &[("SD", "San Diego", None), ("COL", "Colorado", None)],
    );
    let spread = kalshi_event(
        "KXMLBSPREAD-26SEP162040SDCOL",
        "San Diego vs Colorado: Spread",
        "SD at COL (Sep 16)",
        end,
        &[("SD3", "San Diego wins by over 2.5 runs", Some(2.5)), ("COL2", "Colorado wins by over 1.5 runs", Some(1.5))],
    );
    let (mut events, mut markets) = universe(&[game, spread], &[]);
    events.push(us_event);
    markets.extend(us_markets);
    let mut got: Vec<_> = match_all(&events, &markets, Registry::bundled(), &MatchConfig::default())
        .candidates
        .into_iter()
        .map(|c| {
            assert_eq!(c.link.poly_venue, crossbook_model::Venue::PolymarketUs);
            assert!(c.link.poly_token_id.is_none() && c.link.poly_condition_id.is_none());
            (c.link.kalshi_ticker.to_string(), c.link.poly_market_id.to_string(), c.link.poly_outcome_index, c.verdict)
        })
        .collect();
    got.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        got,
        vec![
            row("KXMLBGAME-26SEP162040SDCOL-COL", "aec-mlb-sd-col-2026-09-16", 1, Verdict::Confirm),
            row("KXMLBGAME-26SEP162040SDCOL-SD", "aec-mlb-sd-col-2026-09-16", 0, Verdict::Confirm),
            row("KXMLBSPREAD-26SEP162040SDCOL-SD3", "asc-mlb-sd-col-2026-09-16-neg-2pt5", 0, Verdict::Confirm),
        ]
    );
}
