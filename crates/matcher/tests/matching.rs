//! Matcher cases: each builds both venues' markets the way the taxonomy leaves them.

use chrono::{DateTime, Duration, TimeZone, Utc};
use crossbook_matcher::{MatchConfig, Verdict, match_all};
use crossbook_model::*;

fn t(day: u32, h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, day, h, m, 0).unwrap()
}

fn kalshi(
    ticker: &str,
    league: League,
    kind: MarketKind,
    subject: Option<&str>,
    line: Option<&str>,
    start: DateTime<Utc>,
) -> Market {
    let event = ticker.rsplit_once('-').unwrap().0;
    Market {
        key: MarketRef::Kalshi {
            ticker: KalshiMarketTicker::new(ticker).unwrap(),
            event_ticker: KalshiEventTicker::new(event).unwrap(),
        },
        series: None,
        title: String::new(),
        subtitle: None,
        topic: Topic::Sports,
        league: Some(league),
        participants: vec![],
        subject: subject.map(Into::into),
        kind,
        line: line.and_then(Line::parse),
        outcomes: vec![],
        status: MarketStatus::Open,
        open_time: None,
        close_time: None,
        starts_at: Some(start),
        is_mve: false,
        fees: FeeSchedule::Free,
        rules: None,
        raw: serde_json::Value::Null,
    }
}

fn poly(
    id: &str,
    event: &str,
    league: League,
    kind: MarketKind,
    outcomes: &[(&str, Option<&str>)],
    line: Option<&str>,
    start: DateTime<Utc>,
) -> Market {
    Market {
        key: MarketRef::Polymarket {
            market_id: PolyMarketId::new(id).unwrap(),
            event_id: PolyEventId::new(event).unwrap(),
            condition_id: None,
        },
        series: None,
        title: String::new(),
        subtitle: None,
        topic: Topic::Sports,
        league: Some(league),
        participants: vec![],
        subject: None,
        kind,
        line: line.and_then(Line::parse),
        outcomes: outcomes
            .iter()
            .enumerate()
            .map(|(i, (n, p))| Outcome {
                name: n.to_string(),
                token_id: Some(PolyTokenId::new(format!("{id}{i}")).unwrap()),
                price: None,
                participant: p.map(Into::into),
            })
            .collect(),
        status: MarketStatus::Open,
        open_time: None,
        close_time: None,
        starts_at: Some(start),
        is_mve: false,
        fees: FeeSchedule::Free,
        rules: None,
        raw: serde_json::Value::Null,
    }
}

fn event(venue: Venue, id: &str, league: League, participants: &[&str], start: DateTime<Utc>) -> Event {
    Event {
        venue,
        id: id.into(),
        series: None,
        title: String::new(),
        topic: Topic::Sports,
        league: Some(league),
        participants: participants.iter().map(|p| p.to_string()).collect(),
        starts_at: Some(start),
        is_mve: false,
        status: MarketStatus::Open,
        raw: serde_json::Value::Null,
    }
}

/// (Kalshi ticker, Polymarket market, outcome index, verdict) of every candidate.
fn run(events: &[Event], markets: &[Market]) -> Vec<(String, String, u8, Verdict)> {
    let mut v: Vec<_> = match_all(events, markets, &MatchConfig::default())
        .into_iter()
        .map(|c| {
            (c.link.kalshi_ticker.to_string(), c.link.poly_market_id.to_string(), c.link.poly_outcome_index, c.verdict)
        })
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

fn nba_game(
    k_event: &str,
    start: DateTime<Utc>,
    poly_event: &str,
    poly_start: DateTime<Utc>,
) -> (Vec<Event>, Vec<Market>) {
    let events = vec![
        event(Venue::Kalshi, k_event, League::Nba, &["NBA:MIL", "NBA:LAL"], start),
        event(Venue::Polymarket, poly_event, League::Nba, &["NBA:MIL", "NBA:LAL"], poly_start),
    ];
    let markets = vec![
        kalshi(&format!("{k_event}-MIL"), League::Nba, MarketKind::Moneyline, Some("NBA:MIL"), None, start),
        kalshi(&format!("{k_event}-LAL"), League::Nba, MarketKind::Moneyline, Some("NBA:LAL"), None, start),
        poly(
            &format!("{poly_event}1"),
            poly_event,
            League::Nba,
            MarketKind::Moneyline,
            &[("Bucks", Some("NBA:MIL")), ("Lakers", Some("NBA:LAL"))],
            None,
            poly_start,
        ),
    ];
    (events, markets)
}

#[test]
fn moneyline_pairs_each_team_with_its_own_outcome_and_confirms() {
    let (e, m) = nba_game("KXNBAGAME-26JAN09MILLAL", t(10, 3, 30), "140938", t(10, 3, 30));
    assert_eq!(
        run(&e, &m),
        vec![
            ("KXNBAGAME-26JAN09MILLAL-LAL".into(), "1409381".into(), 1, Verdict::Confirm),
            ("KXNBAGAME-26JAN09MILLAL-MIL".into(), "1409381".into(), 0, Verdict::Confirm),
        ]
    );
}

#[test]
fn outcome_order_does_not_matter_only_who_it_is() {
    let (e, mut m) = nba_game("KXNBAGAME-26JAN09MILLAL", t(10, 3, 30), "140938", t(10, 3, 30));
    m[2].outcomes.reverse();
    let got = run(&e, &m);
    assert_eq!((got[1].0.as_str(), got[1].2), ("KXNBAGAME-26JAN09MILLAL-MIL", 1));
}

#[test]
fn a_rematch_on_another_date_never_matches() {
    // Kalshi's game is on Jan 9 (ET); Polymarket only lists the same teams on Jan 11.
    let (e, m) = nba_game("KXNBAGAME-26JAN09MILLAL", t(10, 3, 30), "150000", t(12, 3, 30));
    assert!(run(&e, &m).is_empty());
}

#[test]
fn a_doubleheader_goes_to_the_game_at_the_same_time() {
    let start1 = t(10, 17, 5);
    let start2 = t(10, 23, 10);
    let ev = |id: &str, s| event(Venue::Polymarket, id, League::Mlb, &["MLB:NYY", "MLB:TB"], s);
    let pm = |id: &str, e: &str, s| {
        poly(
            id,
            e,
            League::Mlb,
            MarketKind::Moneyline,
            &[("Yankees", Some("MLB:NYY")), ("Rays", Some("MLB:TB"))],
            None,
            s,
        )
    };
    let events = vec![
        event(Venue::Kalshi, "KXMLBGAME-26JAN101205NYYTB", League::Mlb, &["MLB:NYY", "MLB:TB"], start1),
        event(Venue::Kalshi, "KXMLBGAME-26JAN101810NYYTB", League::Mlb, &["MLB:NYY", "MLB:TB"], start2),
        ev("g1", start1),
        ev("g2", start2),
    ];
    let markets = vec![
        kalshi("KXMLBGAME-26JAN101205NYYTB-NYY", League::Mlb, MarketKind::Moneyline, Some("MLB:NYY"), None, start1),
        kalshi("KXMLBGAME-26JAN101810NYYTB-NYY", League::Mlb, MarketKind::Moneyline, Some("MLB:NYY"), None, start2),
        pm("m1", "g1", start1),
        pm("m2", "g2", start2),
    ];
    let got = run(&events, &markets);
    assert_eq!(got.len(), 2);
    assert_eq!((got[0].1.as_str(), got[0].3), ("m1", Verdict::Confirm));
    assert_eq!((got[1].1.as_str(), got[1].3), ("m2", Verdict::Confirm));
}

#[test]
fn spreads_pair_only_the_side_that_gives_the_points() {
    let s = t(10, 3, 30);
    let events = vec![
        event(Venue::Kalshi, "KXNBASPREAD-26JAN09MILLAL", League::Nba, &["NBA:MIL", "NBA:LAL"], s),
        event(Venue::Polymarket, "140938", League::Nba, &["NBA:MIL", "NBA:LAL"], s),
    ];
    let lal_by_35 = poly(
        "sp",
        "140938",
        League::Nba,
        MarketKind::Spread,
        &[("Lakers", Some("NBA:LAL")), ("Bucks", Some("NBA:MIL"))],
        Some("-3.5"),
        s,
    );
    let markets = vec![
        // "Lakers win by more than 3.5" = Lakers −3.5: Polymarket's first outcome.
        kalshi("KXNBASPREAD-26JAN09MILLAL-LAL3", League::Nba, MarketKind::Spread, Some("NBA:LAL"), Some("-3.5"), s),
        // "Bucks win by more than 3.5" is not "Bucks +3.5": no link.
        kalshi("KXNBASPREAD-26JAN09MILLAL-MIL3", League::Nba, MarketKind::Spread, Some("NBA:MIL"), Some("-3.5"), s),
        // Lakers −4 is within ±0.5: suggested, not confirmed.
        kalshi("KXNBASPREAD-26JAN09MILLAL-LAL4", League::Nba, MarketKind::Spread, Some("NBA:LAL"), Some("-4"), s),
        // Lakers −5.5 is too far: nothing.
        kalshi("KXNBASPREAD-26JAN09MILLAL-LAL5", League::Nba, MarketKind::Spread, Some("NBA:LAL"), Some("-5.5"), s),
        lal_by_35,
    ];
    assert_eq!(
        run(&events, &markets),
        vec![
            ("KXNBASPREAD-26JAN09MILLAL-LAL3".into(), "sp".into(), 0, Verdict::Confirm),
            ("KXNBASPREAD-26JAN09MILLAL-LAL4".into(), "sp".into(), 0, Verdict::Suggest),
        ]
    );
}

#[test]
fn totals_pair_over_with_over() {
    let s = t(10, 3, 30);
    let events = vec![
        event(Venue::Kalshi, "KXNBATOTAL-26JAN09MILLAL", League::Nba, &["NBA:MIL", "NBA:LAL"], s),
        event(Venue::Polymarket, "140938", League::Nba, &["NBA:MIL", "NBA:LAL"], s),
    ];
    let markets = vec![
        kalshi("KXNBATOTAL-26JAN09MILLAL-220", League::Nba, MarketKind::Total, None, Some("220.5"), s),
        poly("tot", "140938", League::Nba, MarketKind::Total, &[("Under", None), ("Over", None)], Some("220.5"), s),
    ];
    assert_eq!(
        run(&events, &markets),
        vec![("KXNBATOTAL-26JAN09MILLAL-220".into(), "tot".into(), 1, Verdict::Confirm)]
    );
}

#[test]
fn soccer_three_way_pairs_home_away_and_draw_with_yes() {
    let s = t(10, 15, 0);
    let teams = ["EPL:LEE", "EPL:SUN"];
    let yes_no = [("Yes", None), ("No", None)];
    let mut lee = poly("lee", "e1", League::Epl, MarketKind::Moneyline, &yes_no, None, s);
    lee.subject = Some("EPL:LEE".into());
    let mut sun = poly("sun", "e1", League::Epl, MarketKind::Moneyline, &yes_no, None, s);
    sun.subject = Some("EPL:SUN".into());
    let mut draw = poly("draw", "e1", League::Epl, MarketKind::Draw, &yes_no, None, s);
    draw.subject = Some("draw".into());
    let events = vec![
        event(Venue::Kalshi, "KXEPLGAME-26JAN10LEESUN", League::Epl, &teams, s),
        event(Venue::Polymarket, "e1", League::Epl, &teams, s),
    ];
    let markets = vec![
        kalshi("KXEPLGAME-26JAN10LEESUN-LEE", League::Epl, MarketKind::Moneyline, Some("EPL:LEE"), None, s),
        kalshi("KXEPLGAME-26JAN10LEESUN-SUN", League::Epl, MarketKind::Moneyline, Some("EPL:SUN"), None, s),
        kalshi("KXEPLGAME-26JAN10LEESUN-TIE", League::Epl, MarketKind::Draw, Some("draw"), None, s),
        lee,
        sun,
        draw,
    ];
    assert_eq!(
        run(&events, &markets),
        vec![
            ("KXEPLGAME-26JAN10LEESUN-LEE".into(), "lee".into(), 0, Verdict::Confirm),
            ("KXEPLGAME-26JAN10LEESUN-SUN".into(), "sun".into(), 0, Verdict::Confirm),
            ("KXEPLGAME-26JAN10LEESUN-TIE".into(), "draw".into(), 0, Verdict::Confirm),
        ]
    );
}

#[test]
fn unknown_names_may_suggest_but_never_confirm() {
    let s = t(10, 20, 0);
    let teams_k = ["~natus vincere", "~faze clan"];
    let teams_p = ["~natus vincere", "~faze"];
    let events = vec![
        event(Venue::Kalshi, "KXCS2GAME-26JAN10NAVIFAZE", League::Cs2, &teams_k, s),
        event(Venue::Polymarket, "cs", League::Cs2, &teams_p, s),
    ];
    let markets = vec![
        kalshi("KXCS2GAME-26JAN10NAVIFAZE-NAVI", League::Cs2, MarketKind::Series, Some("~natus vincere"), None, s),
        poly(
            "cs1",
            "cs",
            League::Cs2,
            MarketKind::Series,
            &[("FaZe", Some("~faze")), ("Natus Vincere", Some("~natus vincere"))],
            None,
            s,
        ),
    ];
    let got = run(&events, &markets);
    assert_eq!(got, vec![("KXCS2GAME-26JAN10NAVIFAZE-NAVI".into(), "cs1".into(), 1, Verdict::Suggest)]);
}

#[test]
fn different_teams_or_leagues_or_far_starts_do_not_match() {
    let (mut e, mut m) = nba_game("KXNBAGAME-26JAN09MILLAL", t(10, 3, 30), "140938", t(10, 3, 30));
    e[1].participants = vec!["NBA:MIL".into(), "NBA:LAC".into()];
    assert!(run(&e, &m).is_empty(), "one team differs");
    let (e2, _) = nba_game("KXNBAGAME-26JAN09MILLAL", t(10, 3, 30), "140938", t(10, 3, 30));
    m[2].league = Some(League::Wnba);
    assert!(run(&e2, &m).is_empty(), "league differs");
    let (e3, m3) = nba_game("KXNBAGAME-26JAN09MILLAL", t(10, 3, 30), "140938", t(10, 3, 30) + Duration::hours(5));
    assert!(run(&e3, &m3).is_empty(), "five hours apart");
    let (e4, m4) = nba_game("KXNBAGAME-26JAN09MILLAL", t(10, 3, 30), "140938", t(10, 3, 30) + Duration::minutes(40));
    assert!(run(&e4, &m4).iter().all(|c| c.3 == Verdict::Suggest), "40 minutes apart: suggest only");
}

#[test]
fn evaluate_flags_a_link_whose_line_moved_away() {
    let s = t(10, 3, 30);
    let events = vec![
        event(Venue::Kalshi, "KXNBASPREAD-26JAN09MILLAL", League::Nba, &["NBA:MIL", "NBA:LAL"], s),
        event(Venue::Polymarket, "140938", League::Nba, &["NBA:MIL", "NBA:LAL"], s),
    ];
    let k = kalshi("KXNBASPREAD-26JAN09MILLAL-LAL3", League::Nba, MarketKind::Spread, Some("NBA:LAL"), Some("-3.5"), s);
    let p = poly(
        "sp",
        "140938",
        League::Nba,
        MarketKind::Spread,
        &[("Lakers", Some("NBA:LAL")), ("Bucks", Some("NBA:MIL"))],
        Some("-6.5"),
        s,
    );
    let c = crossbook_matcher::evaluate(&events, &k, &p, 0, &MatchConfig::default()).unwrap();
    assert_eq!(c.verdict, Verdict::Reject);
    assert!(c.link.reasons[0].starts_with("conflict"), "{:?}", c.link.reasons);
    let ok = poly(
        "sp",
        "140938",
        League::Nba,
        MarketKind::Spread,
        &[("Lakers", Some("NBA:LAL")), ("Bucks", Some("NBA:MIL"))],
        Some("-3.5"),
        s,
    );
    assert_eq!(
        crossbook_matcher::evaluate(&events, &k, &ok, 0, &MatchConfig::default()).unwrap().verdict,
        Verdict::Confirm
    );
    assert_eq!(
        crossbook_matcher::evaluate(&events, &k, &ok, 1, &MatchConfig::default()).unwrap().verdict,
        Verdict::Reject,
        "flipped side"
    );
}
