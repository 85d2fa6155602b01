//! Arbitrage worked by hand.

use chrono::{Duration, TimeZone, Utc};
use crossbook_arb::{Direction, PairQuotes, evaluate};
use crossbook_book::{Asks, Bids, BookSide, Level, OrderBook};
use crossbook_model::*;

fn lv(p: &str, q: &str) -> Level {
    Level { price: p.parse().unwrap(), size: q.parse().unwrap() }
}

fn book(bids: &[Level], asks: &[Level], age_s: i64) -> OrderBook {
    let now = Utc.with_ymd_and_hms(2026, 1, 9, 23, 50, 0).unwrap();
    OrderBook::new(
        BookSide::<Bids>::from_levels(bids.iter().copied()),
        BookSide::<Asks>::from_levels(asks.iter().copied()),
        now - Duration::seconds(age_s),
    )
}

fn link() -> Link {
    Link {
        id: LinkId(17),
        candidate: LinkCandidate {
            kalshi_ticker: KalshiMarketTicker::new("KXNBAGAME-26JAN09MILLAL-MIL").unwrap(),
            kalshi_event_ticker: KalshiEventTicker::new("KXNBAGAME-26JAN09MILLAL").unwrap(),
            poly_market_id: PolyMarketId::new("1096983").unwrap(),
            poly_condition_id: None,
            poly_token_id: Some(PolyTokenId::new("bucks").unwrap()),
            poly_outcome_index: 0,
            poly_outcome: "Bucks".into(),
            kind: MarketKind::Moneyline,
            line: None,
            league: Some(League::Nba),
            starts_at: None,
            score: 1.0,
            reasons: vec![],
        },
        status: LinkStatus::Confirmed,
        decided_by: Some(Decider::Auto),
        decided_at: None,
        rule_risk: None,
        rule_reasons: vec![],
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

const KALSHI: FeeSchedule =
    FeeSchedule::KalshiQuadratic { taker_rate: 70_000, maker_rate: 17_500, multiplier: 1_000_000 };

#[test]
fn walks_both_books_while_each_contract_still_pays() {
    // Kalshi MIL YES asks 0.42 × 100, 0.44 × 100; Polymarket Lakers asks 0.53 × 50, 0.55 × 200.
    let kalshi = book(&[], &[lv("0.42", "100"), lv("0.44", "100")], 1);
    let bucks = book(&[], &[lv("0.60", "500")], 1);
    let lakers = book(&[], &[lv("0.55", "200"), lv("0.53", "50")], 1);
    let q = PairQuotes {
        kalshi: &kalshi,
        kalshi_fees: KALSHI,
        poly_same: &bucks,
        poly_other: Some(&lakers),
        poly_fees: FeeSchedule::Free,
        poly_other_token: Some("lakers"),
        poly_other_name: Some("Lakers"),
    };
    let now = Utc.with_ymd_and_hms(2026, 1, 9, 23, 50, 0).unwrap();
    let (d, o) = evaluate(&link(), &q, now, Duration::seconds(30)).unwrap();
    // By hand: 50 at 0.42+0.53 (edge 1−0.95−0.017052 > 0), 50 at 0.42+0.55 (1−0.97−0.017052 > 0),
    // then 0.44+0.55 = 0.99 + 0.017248 fee > 1: stop at 100. Kalshi cost 42.00, Polymarket
    // 26.50 + 27.50 = 54.00, Kalshi fee ceil(0.07·100·0.42·0.58 = 1.7052) = 1.71, Polymarket 0.
    assert_eq!(d, Direction::YesOther);
    assert_eq!(o.max_size.to_string(), "100");
    assert_eq!(o.legs[0].price.to_string(), "0.42");
    assert_eq!(o.legs[0].side, Some(Side::Yes));
    assert_eq!(o.legs[1].price.to_string(), "0.54");
    assert_eq!(o.legs[1].outcome.as_deref(), Some("Lakers"));
    assert_eq!(o.cost.to_string(), "0.96");
    assert_eq!(o.fees.to_string(), "0.0171");
    assert_eq!(o.edge.to_string(), "0.0229");
    assert_eq!(o.profit.to_string(), "2.29");
    assert_eq!(o.quote_age_ms.kalshi, 1000);
}

#[test]
fn the_no_side_pairs_with_the_same_outcome() {
    // Kalshi YES bids 0.62 × 40 ⇒ NO asks at 0.38; Polymarket Bucks asks 0.57 × 100.
    let kalshi = book(&[lv("0.62", "40")], &[lv("0.70", "10")], 0);
    let bucks = book(&[], &[lv("0.57", "100")], 0);
    let q = PairQuotes {
        kalshi: &kalshi,
        kalshi_fees: KALSHI,
        poly_same: &bucks,
        poly_other: None,
        poly_fees: FeeSchedule::Free,
        poly_other_token: None,
        poly_other_name: None,
    };
    let now = Utc.with_ymd_and_hms(2026, 1, 9, 23, 50, 0).unwrap();
    let (d, o) = evaluate(&link(), &q, now, Duration::seconds(30)).unwrap();
    assert_eq!(d, Direction::NoSame);
    // 40 pairs at 0.38 + 0.57 = 0.95; Kalshi fee ceil(0.07·40·0.38·0.62 = 0.65968) = 0.66.
    assert_eq!(
        (o.max_size.to_string(), o.legs[0].side, o.legs[1].outcome.as_deref()),
        ("40".into(), Some(Side::No), Some("Bucks"))
    );
    assert_eq!(o.profit.to_string(), "1.34");
}

#[test]
fn no_opportunity_on_an_incompatible_link_and_minor_is_marked() {
    let kalshi = book(&[], &[lv("0.42", "100")], 1);
    let lakers = book(&[], &[lv("0.53", "100")], 1);
    let bucks = book(&[], &[], 1);
    let q = PairQuotes {
        kalshi: &kalshi,
        kalshi_fees: KALSHI,
        poly_same: &bucks,
        poly_other: Some(&lakers),
        poly_fees: FeeSchedule::Free,
        poly_other_token: Some("l"),
        poly_other_name: Some("Lakers"),
    };
    let now = Utc.with_ymd_and_hms(2026, 1, 9, 23, 50, 0).unwrap();
    let mut l = link();
    l.rule_risk = Some(RuleRisk::Incompatible);
    assert!(evaluate(&l, &q, now, Duration::seconds(30)).is_none());
    l.rule_risk = Some(RuleRisk::Minor);
    l.rule_reasons = vec!["cancellation: Kalshi resolves at a fair price, Polymarket resolves 50-50".into()];
    let (_, o) = evaluate(&l, &q, now, Duration::seconds(30)).unwrap();
    assert_eq!((o.rule_risk, o.rule_reasons.len()), (Some(RuleRisk::Minor), 1));
}

#[test]
fn no_opportunity_from_stale_books_or_after_fees() {
    let now = Utc.with_ymd_and_hms(2026, 1, 9, 23, 50, 0).unwrap();
    let kalshi = book(&[], &[lv("0.42", "100")], 31);
    let lakers = book(&[], &[lv("0.53", "100")], 1);
    let bucks = book(&[], &[], 1);
    let q = PairQuotes {
        kalshi: &kalshi,
        kalshi_fees: KALSHI,
        poly_same: &bucks,
        poly_other: Some(&lakers),
        poly_fees: FeeSchedule::Free,
        poly_other_token: Some("l"),
        poly_other_name: Some("Lakers"),
    };
    assert!(evaluate(&link(), &q, now, Duration::seconds(30)).is_none(), "Kalshi book 31 s old");
    // Fresh, but 0.42 + 0.565 = 0.985 leaves less than the 0.017 fee.
    let kalshi = book(&[], &[lv("0.42", "100")], 1);
    let lakers = book(&[], &[lv("0.565", "100")], 1);
    let q = PairQuotes { kalshi: &kalshi, poly_other: Some(&lakers), ..q };
    assert!(evaluate(&link(), &q, now, Duration::seconds(30)).is_none());
    // With Polymarket fees on at 3 %, a 0.96 pair still pays; at 0.98 (+0.0171 + 0.0074 in fees) it does not.
    let lakers = book(&[], &[lv("0.54", "100")], 1);
    let pm_fees = FeeSchedule::PolymarketCurve { rate: 30_000, exponent: 1 };
    let q2 = PairQuotes { poly_other: Some(&lakers), poly_fees: pm_fees, ..q };
    assert!(evaluate(&link(), &q2, now, Duration::seconds(30)).is_some());
    let lakers = book(&[], &[lv("0.56", "100")], 1);
    let q3 = PairQuotes { poly_other: Some(&lakers), poly_fees: pm_fees, ..q };
    assert!(evaluate(&link(), &q3, now, Duration::seconds(30)).is_none());
}
