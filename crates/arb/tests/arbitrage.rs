//! Arbitrage worked by hand.

use chrono::{Duration, TimeZone, Utc};
use crossbook_arb::{BalancePrecision, Direction, Instrument, LegQuote, PairQuotes, evaluate, evaluate_three_way};
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
            poly_venue: crossbook_model::Venue::Polymarket,
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

/// Kalshi: one contract at least, a cent grid.
fn kalshi_rules() -> OrderRules {
    OrderRules::default()
}

/// Polymarket as its real markets publish: 5 shares, a $1 marketable buy, a 0.01 grid, 3 s in play.
fn poly_rules() -> OrderRules {
    OrderRules {
        min_size: "5".parse().unwrap(),
        min_notional: "1".parse().unwrap(),
        grid: PriceGrid::uniform(10_000),
        in_play_delay_s: 3,
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
    let (kr, pr) = (kalshi_rules(), poly_rules());
    let q = PairQuotes {
        kalshi: &kalshi,
        kalshi_fees: KALSHI,
        poly_same: &bucks,
        poly_other: Some(&lakers),
        poly_fees: FeeSchedule::Free,
        poly_other_token: Some("lakers"),
        poly_other_name: Some("Lakers"),
        kalshi_rules: &kr,
        poly_rules: &pr,
        precision: BalancePrecision::Cent,
        in_play: false,
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
    // What to send and what it takes: limits at the worst levels reached, Kalshi 42.00 + 1.71
    // in fees, Polymarket 54.00; ROI 2.29 / 97.71.
    assert_eq!(o.legs[0].limit_price.unwrap().to_string(), "0.42");
    assert_eq!(o.legs[1].limit_price.unwrap().to_string(), "0.55");
    assert_eq!((o.capital.kalshi.to_string(), o.capital.polymarket.to_string()), ("43.71".into(), "54".into()));
    assert_eq!(o.roi.to_string(), "0.023436");
    assert!(!o.in_play && o.order_delay_s.is_none());
}

#[test]
fn the_no_side_pairs_with_the_same_outcome() {
    // Kalshi YES bids 0.62 × 40 ⇒ NO asks at 0.38; Polymarket Bucks asks 0.57 × 100.
    let kalshi = book(&[lv("0.62", "40")], &[lv("0.70", "10")], 0);
    let bucks = book(&[], &[lv("0.57", "100")], 0);
    let (kr, pr) = (kalshi_rules(), poly_rules());
    let q = PairQuotes {
        kalshi: &kalshi,
        kalshi_fees: KALSHI,
        poly_same: &bucks,
        poly_other: None,
        poly_fees: FeeSchedule::Free,
        poly_other_token: None,
        poly_other_name: None,
        kalshi_rules: &kr,
        poly_rules: &pr,
        precision: BalancePrecision::Cent,
        in_play: false,
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
    let (kr, pr) = (kalshi_rules(), poly_rules());
    let q = PairQuotes {
        kalshi: &kalshi,
        kalshi_fees: KALSHI,
        poly_same: &bucks,
        poly_other: Some(&lakers),
        poly_fees: FeeSchedule::Free,
        poly_other_token: Some("l"),
        poly_other_name: Some("Lakers"),
        kalshi_rules: &kr,
        poly_rules: &pr,
        precision: BalancePrecision::Cent,
        in_play: false,
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
    let (kr, pr) = (kalshi_rules(), poly_rules());
    let q = PairQuotes {
        kalshi: &kalshi,
        kalshi_fees: KALSHI,
        poly_same: &bucks,
        poly_other: Some(&lakers),
        poly_fees: FeeSchedule::Free,
        poly_other_token: Some("l"),
        poly_other_name: Some("Lakers"),
        kalshi_rules: &kr,
        poly_rules: &pr,
        precision: BalancePrecision::Cent,
        in_play: false,
    };
    assert!(evaluate(&link(), &q, now, Duration::seconds(30)).is_none(), "Kalshi book 31 s old");
    // Fresh, but 0.42 + 0.565 = 0.985 leaves less than the 0.017 fee (on a 0.001 grid).
    let kalshi = book(&[], &[lv("0.42", "100")], 1);
    let lakers = book(&[], &[lv("0.565", "100")], 1);
    let fine = OrderRules { grid: PriceGrid::uniform(1_000), ..poly_rules() };
    let q = PairQuotes { kalshi: &kalshi, poly_other: Some(&lakers), poly_rules: &fine, ..q };
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

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 9, 23, 50, 0).unwrap()
}

/// Kalshi YES asks `kalshi` against Polymarket Lakers asks `lakers`, Polymarket fee-free.
fn yes_other<'a>(
    kalshi: &'a OrderBook,
    lakers: &'a OrderBook,
    bucks: &'a OrderBook,
    kr: &'a OrderRules,
    pr: &'a OrderRules,
) -> PairQuotes<'a> {
    PairQuotes {
        kalshi,
        kalshi_fees: KALSHI,
        kalshi_rules: kr,
        poly_same: bucks,
        poly_other: Some(lakers),
        poly_fees: FeeSchedule::Free,
        poly_rules: pr,
        poly_other_token: Some("lakers"),
        poly_other_name: Some("Lakers"),
        precision: BalancePrecision::Cent,
        in_play: false,
    }
}

#[test]
fn a_set_below_a_venue_minimum_is_raised_to_it_or_is_no_opportunity() {
    let (kr, pr) = (kalshi_rules(), poly_rules());
    let (kalshi, bucks) = (book(&[], &[lv("0.42", "100")], 1), book(&[], &[], 1));
    // Lakers: 3 shares at 0.50, then 0.60. The walk stops at 3, under Polymarket's 5 shares.
    // At 5: Polymarket 1.50 + 1.20 = 2.70; Kalshi 2.10 and 0.07 × 5 × 0.42 × 0.58 = 0.08526 →
    // 0.0853, −2.1853 → −2.19: 0.09. Profit 5 − 2.10 − 2.70 − 0.09 = 0.11.
    let lakers = book(&[], &[lv("0.50", "3"), lv("0.60", "100")], 1);
    let (_, o) =
        evaluate(&link(), &yes_other(&kalshi, &lakers, &bucks, &kr, &pr), now(), Duration::seconds(30)).unwrap();
    assert_eq!((o.max_size.to_string(), o.profit.to_string()), ("5".into(), "0.11".into()));
    assert_eq!(o.legs[1].limit_price.unwrap().to_string(), "0.6");
    // With 0.70 behind the 3 shares, 5 cost 1.50 + 1.40 = 2.90: a loss of 0.09. No opportunity,
    // although 3 alone would have made 0.18.
    let lakers = book(&[], &[lv("0.50", "3"), lv("0.70", "100")], 1);
    assert!(evaluate(&link(), &yes_other(&kalshi, &lakers, &bucks, &kr, &pr), now(), Duration::seconds(30)).is_none());
}

#[test]
fn a_polymarket_buy_under_a_dollar_is_no_opportunity() {
    let (kr, pr) = (kalshi_rules(), poly_rules());
    // Kalshi YES 0.85; Lakers 6 at 0.10, then 0.20. 6 sets would make 0.24, but 6 × 0.10 = $0.60
    // is under the $1 a marketable buy needs. Raised to 11 (6 × 0.10 + 5 × 0.20 = 1.60): Kalshi
    // 9.35 + (0.07 × 11 × 0.85 × 0.15 = 0.098175 → 0.0982, −9.4482 → −9.45) 0.10; 11 − 9.35 −
    // 1.60 − 0.10 = −0.05.
    let (kalshi, bucks) = (book(&[], &[lv("0.85", "100")], 1), book(&[], &[], 1));
    let lakers = book(&[], &[lv("0.10", "6"), lv("0.20", "100")], 1);
    assert!(evaluate(&link(), &yes_other(&kalshi, &lakers, &bucks, &kr, &pr), now(), Duration::seconds(30)).is_none());
}

#[test]
fn levels_off_the_markets_grid_are_not_bought() {
    let kr = kalshi_rules();
    let (kalshi, bucks) = (book(&[], &[lv("0.42", "100")], 1), book(&[], &[], 1));
    let lakers = book(&[], &[lv("0.525", "100"), lv("0.53", "100")], 1);
    // On a cent grid 0.525 cannot be hit: 100 at 0.53, 100 − 42 − 53 − 1.71 = 3.29.
    let cent = poly_rules();
    let (_, o) =
        evaluate(&link(), &yes_other(&kalshi, &lakers, &bucks, &kr, &cent), now(), Duration::seconds(30)).unwrap();
    assert_eq!((o.profit.to_string(), o.legs[1].limit_price.unwrap().to_string()), ("3.29".into(), "0.53".into()));
    // On a 0.001 grid (the tick after a tick_size_change): 100 at 0.525, 3.79.
    let fine = OrderRules { grid: PriceGrid::uniform(1_000), ..poly_rules() };
    let (_, o) =
        evaluate(&link(), &yes_other(&kalshi, &lakers, &bucks, &kr, &fine), now(), Duration::seconds(30)).unwrap();
    assert_eq!((o.profit.to_string(), o.legs[1].limit_price.unwrap().to_string()), ("3.79".into(), "0.525".into()));
}

#[test]
fn in_play_opportunities_are_marked_with_the_order_delay() {
    let (kr, pr) = (kalshi_rules(), poly_rules());
    let (kalshi, bucks) = (book(&[], &[lv("0.42", "100")], 1), book(&[], &[], 1));
    let lakers = book(&[], &[lv("0.53", "100")], 1);
    let q = PairQuotes { in_play: true, ..yes_other(&kalshi, &lakers, &bucks, &kr, &pr) };
    let (_, o) = evaluate(&link(), &q, now(), Duration::seconds(30)).unwrap();
    assert!(o.in_play);
    assert_eq!(o.order_delay_s, Some(3), "Polymarket holds marketable orders 3 s in play");
}

#[test]
fn three_way_soccer_buys_each_outcome_where_it_is_cheapest() {
    let (kr, pr) = (kalshi_rules(), poly_rules());
    let book_of = |p: &str| book(&[], &[lv(p, "100")], 1);
    let (k_home, k_draw, k_away) = (book_of("0.40"), book_of("0.28"), book_of("0.33"));
    let (p_home, p_draw, p_away) = (book_of("0.45"), book_of("0.25"), book_of("0.30"));
    fn leg<'a>(
        instrument: Instrument<'a>,
        book: &'a OrderBook,
        fees: FeeSchedule,
        rules: &'a OrderRules,
    ) -> LegQuote<'a> {
        LegQuote { instrument, book, fees, rules }
    }
    let kalshi = |market| Instrument::Binary { venue: Venue::Kalshi, market, side: Side::Yes };
    let poly = |token| Instrument::Token { venue: Venue::Polymarket, token, outcome: "Yes" };
    let outcomes = [
        vec![
            leg(kalshi("KXEPLGAME-26FEB01ARSCHE-ARS"), &k_home, KALSHI, &kr),
            leg(poly("home-yes"), &p_home, FeeSchedule::Free, &pr),
        ],
        vec![
            leg(kalshi("KXEPLGAME-26FEB01ARSCHE-TIE"), &k_draw, KALSHI, &kr),
            leg(poly("draw-yes"), &p_draw, FeeSchedule::Free, &pr),
        ],
        vec![
            leg(kalshi("KXEPLGAME-26FEB01ARSCHE-CHE"), &k_away, KALSHI, &kr),
            leg(poly("away-yes"), &p_away, FeeSchedule::Free, &pr),
        ],
    ];
    // Kalshi home 0.40 + Polymarket draw 0.25 + Polymarket away 0.30 = 0.95; Kalshi's fee
    // 0.07 × 100 × 0.40 × 0.60 = 1.68 (cent-aligned already). Profit 100 − 95 − 1.68 = 3.32.
    // (Kalshi home and draw + Polymarket away: 0.98 + 1.68 + 1.4112 loses; all three on
    // Polymarket is that venue's own book.)
    let o =
        evaluate_three_way(&link(), &outcomes, BalancePrecision::Cent, false, now(), Duration::seconds(30)).unwrap();
    assert_eq!(o.legs.len(), 3);
    assert_eq!(o.legs[0].ticker.as_deref(), Some("KXEPLGAME-26FEB01ARSCHE-ARS"));
    assert_eq!((o.legs[1].token_id.as_deref(), o.legs[2].token_id.as_deref()), (Some("draw-yes"), Some("away-yes")));
    assert_eq!(
        (o.max_size.to_string(), o.cost.to_string(), o.profit.to_string()),
        ("100".into(), "0.95".into(), "3.32".into())
    );
    assert_eq!((o.capital.kalshi.to_string(), o.capital.polymarket.to_string()), ("41.68".into(), "55".into()));
}

/// The same pricing for any two venues' legs: Kalshi YES with the short side of a Polymarket US
/// yes/no market (bought at one minus its long bid), and a Polymarket token with it.
#[test]
fn legs_on_polymarket_us_price_against_kalshi_and_polymarket() {
    use crossbook_arb::evaluate_legs;
    // Polymarket US: half-cent ticks, 0.01 contracts at least, Θ = 0.0695.
    let us_rules = OrderRules {
        min_size: "0.01".parse().unwrap(),
        min_notional: Money::ZERO,
        grid: PriceGrid::uniform(5_000),
        in_play_delay_s: 0,
    };
    let us_fees = FeeSchedule::PolymarketUsCurve { taker_rate: 69_500, maker_rebate: 12_500 };
    let us_book = book(&[lv("0.50", "60")], &[lv("0.515", "80")], 2);
    let us_short = LegQuote {
        instrument: Instrument::Binary {
            venue: Venue::PolymarketUs,
            market: "atc-epl-ars-che-2026-10-17-ars",
            side: Side::No,
        },
        book: &us_book,
        fees: us_fees,
        rules: &us_rules,
    };
    let kr = kalshi_rules();
    let k_book = book(&[], &[lv("0.40", "100")], 1);
    let kalshi_yes = LegQuote {
        instrument: Instrument::Binary { venue: Venue::Kalshi, market: "KXEPLGAME-26OCT17ARSCHE-ARS", side: Side::Yes },
        book: &k_book,
        fees: KALSHI,
        rules: &kr,
    };
    // 60 sets (the US bid's depth): Kalshi 60 × 0.40 = 24.00, its fee 0.07 × 60 × 0.40 × 0.60 =
    // 1.008, and the cent balance rounds −25.008 to −25.01: 1.01. Polymarket US short at
    // 1 − 0.50 = 0.50: 30.00, its fee 0.0695 × 60 × 0.50 × 0.50 = 1.0425 → 1.05. Profit
    // 60 − 24 − 30 − 1.01 − 1.05 = 3.94.
    let (_, o) =
        evaluate_legs(&link(), &[[kalshi_yes, us_short]], BalancePrecision::Cent, false, now(), Duration::seconds(30))
            .unwrap();
    assert_eq!(
        (o.max_size.to_string(), o.cost.to_string(), o.profit.to_string()),
        ("60".into(), "0.9".into(), "3.94".into())
    );
    let us_leg = &o.legs[1];
    assert_eq!(
        (us_leg.venue, us_leg.ticker.as_deref(), us_leg.side),
        (Venue::PolymarketUs, Some("atc-epl-ars-che-2026-10-17-ars"), Some(Side::No))
    );
    assert_eq!((us_leg.price.to_string(), us_leg.fee.unwrap().to_string()), ("0.5".into(), "1.05".into()));
    assert_eq!((o.capital.kalshi.to_string(), o.capital.polymarket_us.to_string()), ("25.01".into(), "31.05".into()));
    assert_eq!(o.quote_age_ms.polymarket_us, 2000);

    // Polymarket's Yes token at 0.40 (0.05 sports rate: 0.05 × 60 × 0.40 × 0.60 = 0.72) with the
    // same short side: 60 − 24 − 30 − 0.72 − 1.05 = 4.23.
    let pr = poly_rules();
    let p_book = book(&[], &[lv("0.40", "100")], 1);
    let poly_yes = LegQuote {
        instrument: Instrument::Token { venue: Venue::Polymarket, token: "ars-yes", outcome: "Yes" },
        book: &p_book,
        fees: FeeSchedule::PolymarketCurve { rate: 50_000, exponent: 1 },
        rules: &pr,
    };
    let (_, o) =
        evaluate_legs(&link(), &[[poly_yes, us_short]], BalancePrecision::Cent, false, now(), Duration::seconds(30))
            .unwrap();
    assert_eq!((o.max_size.to_string(), o.profit.to_string()), ("60".into(), "4.23".into()));
    assert_eq!(
        (o.capital.polymarket.to_string(), o.capital.polymarket_us.to_string()),
        ("24.72".into(), "31.05".into())
    );

    // A US book older than the limit prices nothing.
    let stale = book(&[lv("0.50", "60")], &[], 31);
    let us_stale = LegQuote { book: &stale, ..us_short };
    assert!(
        evaluate_legs(&link(), &[[kalshi_yes, us_stale]], BalancePrecision::Cent, false, now(), Duration::seconds(30))
            .is_none()
    );
}
