//! Every leg-risk path of a paper trade, worked by hand: a Kalshi YES leg (BOS to win) against
//! the Polymarket token of the other side (NYK), the books as they stand when each order
//! arrives.
//!
//! Decision at 23:00:00.000; Kalshi orders arrive 80 ms after they are sent, Polymarket ones
//! 250 ms after. The opportunity: 50 sets, Kalshi YES limit 0.40 (60 offered there), NYK limit
//! 0.55 (80 offered) — the thinner Kalshi leg goes first.
//! Fees: Kalshi 0.07 × C × P × (1 − P) (cent balance); Polymarket 0.03 × C × P × (1 − P).

use std::collections::HashMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use crossbook_arb::BalancePrecision;
use crossbook_book::{Asks, Bids, BookSide, Level, OrderBook};
use crossbook_exec::{Books, LegTerms, PaperTrader, RiskLimits, TraderConfig};
use crossbook_model::{
    Action, ExecutionMode, FeeSchedule, Leg, LinkId, MarketKind, Money, Opportunity, OrderRules, OrderStatus, Price,
    Qty, Side, Trade, TradeStatus, Venue,
};

const KALSHI: &str = "KXNBAGAME-26NOV20BOSNYK-BOS";
const NYK: &str = "nyk-token";

fn p(s: &str) -> Price {
    s.parse().unwrap()
}
fn q(n: i64) -> Qty {
    Qty::from_whole(n).unwrap()
}
fn m(s: &str) -> Money {
    s.parse().unwrap()
}
fn decided() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 23, 0, 0).unwrap()
}
fn lv(price: &str, size: i64) -> Level {
    Level { price: p(price), size: q(size) }
}
fn book(bids: &[Level], asks: &[Level]) -> OrderBook {
    OrderBook::new(
        BookSide::<Bids>::from_levels(bids.iter().copied()),
        BookSide::<Asks>::from_levels(asks.iter().copied()),
        decided(),
    )
}

/// The two venues' books, and markets that no longer take orders.
#[derive(Default)]
struct Market {
    books: HashMap<(Venue, String), OrderBook>,
    paused: Vec<(Venue, String)>,
}

impl Market {
    fn put(&mut self, venue: Venue, id: &str, b: OrderBook) {
        self.books.insert((venue, id.to_string()), b);
    }
}

impl Books for Market {
    fn book(&self, venue: Venue, market: &str) -> Result<&OrderBook, &'static str> {
        if self.paused.contains(&(venue, market.to_string())) {
            return Err("market paused");
        }
        self.books.get(&(venue, market.to_string())).ok_or("no book")
    }
}

fn start() -> Market {
    let mut mk = Market::default();
    mk.put(Venue::Kalshi, KALSHI, book(&[lv("0.38", 100)], &[lv("0.40", 60), lv("0.41", 100)]));
    mk.put(Venue::Polymarket, NYK, book(&[lv("0.53", 100)], &[lv("0.55", 80), lv("0.56", 100)]));
    mk
}

fn kalshi_fees() -> FeeSchedule {
    FeeSchedule::KalshiQuadratic { taker_rate: 70_000, maker_rate: 17_500, multiplier: 1_000_000 }
}
fn poly_fees() -> FeeSchedule {
    FeeSchedule::PolymarketCurve { rate: 30_000, exponent: 1 }
}

fn opportunity(in_play: bool) -> Opportunity {
    let leg = |venue, ticker: Option<&str>, side, token: Option<&str>, price: &str| Leg {
        venue,
        ticker: ticker.map(str::to_string),
        side,
        token_id: token.map(str::to_string),
        outcome: token.map(|_| "Knicks".to_string()),
        price: p(price),
        size: q(50),
        limit_price: Some(p(price)),
        fee: None,
        title: None,
        line: None,
    };
    Opportunity {
        link_id: LinkId(7),
        kind: MarketKind::Moneyline,
        league: None,
        game: Some("Celtics at Knicks".into()),
        starts_at: None,
        detected_at: decided(),
        legs: vec![
            leg(Venue::Kalshi, Some(KALSHI), Some(Side::Yes), None, "0.40"),
            leg(Venue::Polymarket, None, None, Some(NYK), "0.55"),
        ],
        cost: m("0.95"),
        fees: m("0.0242"),
        edge: m("0.0258"),
        max_size: q(50),
        profit: m("1.28875"),
        quote_age_ms: Default::default(),
        rule_risk: None,
        rule_reasons: Vec::new(),
        capital: Default::default(),
        roi: Money::ZERO,
        in_play,
        order_delay_s: None,
        urls: None,
        alternative_to: None,
    }
}

fn trader(kalshi_balance: &str) -> PaperTrader {
    PaperTrader::new(TraderConfig {
        balances: HashMap::from([(Venue::Kalshi, m(kalshi_balance)), (Venue::Polymarket, m("1000"))]),
        ..config()
    })
}

fn config() -> TraderConfig {
    TraderConfig {
        mode: ExecutionMode::Paper,
        latency: HashMap::from([
            (Venue::Kalshi, Duration::milliseconds(80)),
            (Venue::Polymarket, Duration::milliseconds(250)),
        ]),
        slippage: p("0.02"),
        max_size: q(1000),
        balances: HashMap::from([(Venue::Kalshi, m("1000")), (Venue::Polymarket, m("1000"))]),
        precision: BalancePrecision::Cent,
        limits: RiskLimits { daily_loss: m("10"), unhedged: m("10"), per_game: m("200") },
    }
}

fn terms(poly_delay_s: u32) -> Vec<LegTerms> {
    vec![
        LegTerms { fees: kalshi_fees(), rules: OrderRules::default() },
        LegTerms { fees: poly_fees(), rules: OrderRules { in_play_delay_s: poly_delay_s, ..OrderRules::default() } },
    ]
}

fn at(ms: i64) -> DateTime<Utc> {
    decided() + Duration::milliseconds(ms)
}

/// Takes the opportunity, then runs the clock to each order's arrival, changing the books
/// right before each one as `before` says (by arrival time in ms).
fn play(t: &mut PaperTrader, mk: &mut Market, in_play: bool, mut before: impl FnMut(i64, &mut Market)) -> Trade {
    t.take(&opportunity(in_play), "kalshi_yes", terms(3), &*mk, decided()).unwrap();
    for _ in 0..10 {
        let next = t.next_arrival().expect("an order on its way");
        before((next - decided()).num_milliseconds(), mk);
        let mut done = t.run(next, &*mk, false);
        if let Some(trade) = done.pop() {
            return trade;
        }
    }
    panic!("the trade never ended");
}

#[test]
fn both_legs_fill_and_the_sets_are_hedged() {
    let (mut t, mut mk) = (trader("1000"), start());
    let trade = play(&mut t, &mut mk, false, |_, _| {});
    assert_eq!(trade.status, TradeStatus::Hedged);
    let o = &trade.orders;
    assert_eq!(o.len(), 2);
    // Kalshi, the thinner leg (10 beyond the size against 30), first.
    assert_eq!((o[0].contract.venue, o[0].arrives_at, o[0].status), (Venue::Kalshi, at(80), OrderStatus::Filled));
    assert_eq!((o[1].contract.venue, o[1].sent_at, o[1].arrives_at), (Venue::Polymarket, at(80), at(330)));
    assert_eq!(o[0].order_id, format!("paper-7-kalshi_yes-{}-1", decided().timestamp_millis()));
    // Kalshi: 50 × 0.40 = 20.00, fee 0.07 × 50 × 0.4 × 0.6 = 0.84; Polymarket: 50 × 0.55 =
    // 27.50, fee 0.03 × 50 × 0.55 × 0.45 = 0.37125.
    let fees: Vec<Money> = trade.fills.iter().map(|f| f.fee).collect();
    assert_eq!(fees, vec![m("0.84"), m("0.37125")]);
    assert_eq!((trade.sets, trade.bought, trade.fees), (q(50), m("47.50"), m("1.21125")));
    // 50 − 47.50 − 1.21125: what the opportunity promised.
    assert_eq!(trade.pnl, m("1.28875"));
    assert_eq!(trade.pnl, trade.planned_profit);
    assert!(trade.exposure.is_empty());
    // Balances: Kalshi 1000 − 20.84, Polymarket 1000 − 27.87125.
    assert_eq!(t.balance(Venue::Kalshi), m("979.16"));
    assert_eq!(t.balance(Venue::Polymarket), m("972.12875"));
    assert_eq!(trade.fills[1].at, at(330));
    assert!(trade.fills.iter().all(|f| f.mode == ExecutionMode::Paper && f.opportunity == LinkId(7)));
}

#[test]
fn a_second_leg_that_fills_short_is_hedged_at_a_bounded_worse_price() {
    let (mut t, mut mk) = (trader("1000"), start());
    let trade = play(&mut t, &mut mk, false, |ms, mk| {
        if ms == 330 {
            // Someone took 50 of the 0.55 offer first.
            mk.put(Venue::Polymarket, NYK, book(&[lv("0.53", 100)], &[lv("0.55", 30), lv("0.56", 100)]));
        }
    });
    assert_eq!(trade.status, TradeStatus::Hedged);
    let o = &trade.orders;
    assert_eq!(o.len(), 3);
    assert_eq!((o[1].status, o[1].filled), (OrderStatus::Partial, q(30)));
    // The hedge: the 20 missing at up to 0.55 + 0.02, sent when the partial fill came back.
    assert_eq!(
        (o[2].purpose.as_str(), o[2].limit_price, o[2].size, o[2].sent_at),
        ("hedge", p("0.57"), q(20), at(330))
    );
    assert_eq!((o[2].status, o[2].arrives_at), (OrderStatus::Filled, at(580)));
    // Polymarket: 30 × 0.55 + 20 × 0.56 = 27.70; fees 0.22275 + 0.03 × 20 × 0.56 × 0.44 = 0.14784.
    assert_eq!((trade.sets, trade.bought, trade.fees), (q(50), m("47.70"), m("1.21059")));
    assert_eq!(trade.pnl, m("1.08941"));
}

#[test]
fn a_second_leg_with_nothing_left_unwinds_the_first() {
    let (mut t, mut mk) = (trader("1000"), start());
    let trade = play(&mut t, &mut mk, false, |ms, mk| {
        if ms == 330 {
            mk.put(Venue::Polymarket, NYK, book(&[lv("0.53", 100)], &[lv("0.60", 100)]));
        }
    });
    assert_eq!(trade.status, TradeStatus::Unwound);
    let purposes: Vec<(&str, Venue, Action, OrderStatus)> =
        trade.orders.iter().map(|o| (o.purpose.as_str(), o.contract.venue, o.action, o.status)).collect();
    assert_eq!(
        purposes,
        vec![
            ("leg", Venue::Kalshi, Action::Buy, OrderStatus::Filled),
            ("leg", Venue::Polymarket, Action::Buy, OrderStatus::Unfilled),
            ("hedge", Venue::Polymarket, Action::Buy, OrderStatus::Unfilled),
            ("unwind", Venue::Kalshi, Action::Sell, OrderStatus::Filled),
        ]
    );
    // The 50 YES sold for no less than 0.40 − 0.02, into the 0.38 bid, at 580 + 80 ms.
    let unwind = &trade.orders[3];
    assert_eq!((unwind.limit_price, unwind.size, unwind.arrives_at), (p("0.38"), q(50), at(660)));
    // Sold 19.00, fee 0.07 × 50 × 0.38 × 0.62 = 0.8246 → 0.83 with the cent balance rounding.
    assert_eq!((trade.sets, trade.bought, trade.sold, trade.fees), (Qty::ZERO, m("20"), m("19"), m("1.67")));
    assert_eq!(trade.pnl, m("-2.67"));
    assert!(trade.exposure.is_empty());
    assert_eq!(t.balance(Venue::Kalshi), m("997.33"));
}

#[test]
fn an_unwind_that_finds_no_bid_leaves_the_leg_exposed_at_its_mark() {
    let (mut t, mut mk) = (trader("1000"), start());
    let trade = play(&mut t, &mut mk, false, |ms, mk| {
        if ms == 330 {
            mk.put(Venue::Polymarket, NYK, book(&[lv("0.53", 100)], &[lv("0.60", 100)]));
        }
        if ms == 660 {
            mk.put(Venue::Kalshi, KALSHI, book(&[lv("0.30", 100)], &[lv("0.41", 100)]));
        }
    });
    assert_eq!(trade.status, TradeStatus::Unhedged);
    assert_eq!(trade.orders[3].status, OrderStatus::Unfilled);
    assert_eq!(trade.exposure.len(), 1);
    let e = &trade.exposure[0];
    assert_eq!((e.contract.market.as_str(), e.contract.side, e.size), (KALSHI, Some(Side::Yes), q(50)));
    // 50 at the 0.30 bid.
    assert_eq!(e.mark, m("15"));
    assert_eq!(trade.pnl, m("-5.84"));
}

#[test]
fn a_first_leg_that_misses_holds_nothing_and_sends_nothing_else() {
    let (mut t, mut mk) = (trader("1000"), start());
    let trade = play(&mut t, &mut mk, false, |ms, mk| {
        if ms == 80 {
            mk.put(Venue::Kalshi, KALSHI, book(&[lv("0.38", 100)], &[lv("0.45", 100)]));
        }
    });
    assert_eq!(trade.status, TradeStatus::Missed, "{trade:#?}");
    assert_eq!(trade.orders.len(), 1);
    assert_eq!((trade.pnl, t.balance(Venue::Kalshi)), (Money::ZERO, m("1000")));
}

#[test]
fn a_leg_whose_market_pauses_is_rejected_and_the_first_leg_unwound() {
    let (mut t, mut mk) = (trader("1000"), start());
    let trade = play(&mut t, &mut mk, false, |ms, mk| {
        if ms == 330 {
            mk.paused.push((Venue::Polymarket, NYK.to_string()));
        }
    });
    assert_eq!(trade.orders[1].status, OrderStatus::Rejected);
    assert_eq!(trade.orders[1].reject.as_deref(), Some("market paused"));
    assert_eq!(trade.status, TradeStatus::Unwound);
    assert_eq!(trade.pnl, m("-2.67"));
}

#[test]
fn in_play_the_delayed_venue_goes_first_and_arrives_after_its_delay() {
    let (mut t, mut mk) = (trader("1000"), start());
    let trade = play(&mut t, &mut mk, true, |_, _| {});
    let o = &trade.orders;
    assert_eq!((o[0].contract.venue, o[0].arrives_at), (Venue::Polymarket, at(3_250)));
    assert_eq!((o[1].contract.venue, o[1].sent_at, o[1].arrives_at), (Venue::Kalshi, at(3_250), at(3_330)));
    assert_eq!((trade.status, trade.pnl), (TradeStatus::Hedged, m("1.28875")));
}

#[test]
fn the_size_is_capped_by_the_money_on_each_venue() {
    // One Kalshi contract at 0.40 costs 0.40 + 0.0168 fee → 0.42 with the cent rounding:
    // $10 pays for 23.
    let (mut t, mut mk) = (trader("10"), start());
    let trade = play(&mut t, &mut mk, false, |_, _| {});
    assert_eq!((trade.orders[0].size, trade.sets, trade.status), (q(23), q(23), TradeStatus::Hedged));
    // The promise is what 23 sets made on the books at the decision: 23 − 9.20 − 12.65 − 0.39 (Kalshi
    // 0.3864 to the cent: 0.39) − 0.17078 (Polymarket 0.03 × 23 × 0.2475).
    assert_eq!((trade.planned_size, trade.planned_profit, trade.pnl), (q(23), m("0.58922"), m("0.58922")));
    assert!(t.balance(Venue::Kalshi) >= Money::ZERO);
    let (mut t, mk) = (trader("0.30"), start());
    assert!(t.take(&opportunity(false), "kalshi_yes", terms(0), &mk, decided()).is_err());
    assert_eq!(t.working(), 0);
}

#[test]
fn one_trade_per_link_at_a_time_and_every_order_id_is_unique() {
    let (mut t, mk) = (trader("1000"), start());
    t.take(&opportunity(false), "kalshi_yes", terms(0), &mk, decided()).unwrap();
    assert_eq!(
        t.take(&opportunity(false), "kalshi_yes", terms(0), &mk, decided()),
        Err("a trade of this link is in flight")
    );
    // A one-shot pass that ends matches what is on its way against the latest books.
    let done = t.run(decided(), &mk, true);
    assert_eq!(done.len(), 1);
    let ids: std::collections::HashSet<&str> = done[0].orders.iter().map(|o| o.order_id.as_str()).collect();
    assert_eq!(ids.len(), done[0].orders.len());
    assert_eq!(done[0].status, TradeStatus::Hedged);
}

#[test]
fn an_unhedged_trade_past_its_limit_stops_new_trades() {
    let (mut t, mut mk) = (trader("1000"), start());
    // Ends with 50 Kalshi YES held (cost 20.00, past the $10 limit).
    play(&mut t, &mut mk, false, |ms, mk| {
        if ms == 330 {
            mk.put(Venue::Polymarket, NYK, book(&[lv("0.53", 100)], &[lv("0.60", 100)]));
        }
        if ms == 660 {
            mk.put(Venue::Kalshi, KALSHI, book(&[lv("0.30", 100)], &[lv("0.41", 100)]));
        }
    });
    let mk = start();
    assert_eq!(t.stopped(decided()), Some("legs held unhedged are at their limit"));
    assert_eq!(
        t.take(&opportunity(false), "kalshi_yes", terms(0), &mk, decided()),
        Err("legs held unhedged are at their limit")
    );
}

#[test]
fn a_days_losses_past_the_limit_stop_new_trades_until_the_next_day() {
    let mut t = trader("1000");
    // Each unwound trade loses 2.67; a loss of 10 in a day is the limit.
    for _ in 0..4 {
        let mut mk = start();
        play(&mut t, &mut mk, false, |ms, mk| {
            if ms == 330 {
                mk.put(Venue::Polymarket, NYK, book(&[lv("0.53", 100)], &[lv("0.60", 100)]));
            }
        });
    }
    // 4 × −2.67 = −10.68.
    assert_eq!(t.stopped(decided()), Some("the daily loss limit is reached"));
    assert_eq!(t.stopped(decided() + Duration::days(1)), None);
}

#[test]
fn one_games_trades_spend_no_more_than_the_per_game_limit() {
    // A set costs 0.40 + 0.02 (Kalshi, fee to the cent) + 0.55 + 0.00743 (Polymarket): 0.97743.
    // $60 a game pays for 61 sets; the opportunity holds 50, taken for 47.50 + 1.21125.
    let mut t = PaperTrader::new(TraderConfig {
        limits: RiskLimits { daily_loss: m("1000"), unhedged: m("1000"), per_game: m("60") },
        ..config()
    });
    let mut mk = start();
    let first = play(&mut t, &mut mk, false, |_, _| {});
    assert_eq!(first.sets, q(50));
    // 60 − 48.71125 = 11.28875 left for the game: 11 sets.
    let mut mk = start();
    let second = play(&mut t, &mut mk, false, |_, _| {});
    assert_eq!((second.orders[0].size, second.sets), (q(11), q(11)));
}

#[test]
fn the_kill_switch_mid_trade_sends_nothing_more_and_reports_what_is_held() {
    let (mut t, mut mk) = (trader("1000"), start());
    t.take(&opportunity(false), "kalshi_yes", terms(0), &mk, decided()).unwrap();
    // The Kalshi leg is on the wire: it cannot be recalled.
    t.halt(Some("the kill switch is on"));
    let done = t.run(at(80), &mk, false);
    assert_eq!(done.len(), 1);
    let trade = &done[0];
    assert_eq!(trade.orders.len(), 1, "no order after the kill switch");
    assert_eq!((trade.status, trade.exposure.len()), (TradeStatus::Unhedged, 1));
    // 50 YES held, marked at the 0.38 bid: 19.00; pnl −20 − 0.84 + 19 = −1.84.
    assert_eq!((trade.exposure[0].cost, trade.exposure[0].mark, trade.pnl), (m("20"), m("19"), m("-1.84")));
    mk = start();
    assert_eq!(t.take(&opportunity(false), "kalshi_yes", terms(0), &mk, decided()), Err("the kill switch is on"));
    t.halt(None);
    assert!(
        t.take(&opportunity(false), "kalshi_yes", terms(0), &mk, decided()).is_err(),
        "the unhedged limit still holds"
    );
}

#[test]
fn a_venue_that_goes_away_after_the_first_fill_leaves_the_first_leg_unwound() {
    let (mut t, mut mk) = (trader("1000"), start());
    let trade = play(&mut t, &mut mk, false, |ms, mk| {
        if ms == 330 {
            // Polymarket's book is gone (its socket and REST both down): nothing to trade on.
            mk.books.remove(&(Venue::Polymarket, NYK.to_string()));
        }
    });
    assert_eq!((trade.orders[1].status, trade.orders[1].reject.as_deref()), (OrderStatus::Rejected, Some("no book")));
    assert_eq!((trade.status, trade.pnl), (TradeStatus::Unwound, m("-2.67")));
}

/// Seeded random books moving between every arrival, over many trades: whatever happens, no
/// order id repeats, every fill stays within its order's limit and size, what the fills leave
/// held is exactly the sets plus the exposure reported, the P&L adds up from the fills, and no
/// trade starts while legs held unhedged are past their limit.
#[test]
fn invariants_hold_under_random_books() {
    let mut rng = fastrand::Rng::with_seed(26);
    let mut t = PaperTrader::new(TraderConfig {
        balances: HashMap::from([(Venue::Kalshi, m("100000")), (Venue::Polymarket, m("100000"))]),
        limits: RiskLimits { daily_loss: m("1000000"), unhedged: m("300"), per_game: m("1000000000") },
        ..config()
    });
    let mut seen = std::collections::BTreeMap::new();
    let mut ids = std::collections::HashSet::new();
    let mut unhedged_cost = Money::ZERO;
    for n in 0..2_000 {
        let mut mk = start();
        let decided_at = decided() + Duration::seconds(n);
        let taken = t.take(&opportunity(false), "kalshi_yes", terms(0), &mk, decided_at);
        if unhedged_cost >= m("300") {
            assert_eq!(taken, Err("legs held unhedged are at their limit"));
            break;
        }
        taken.unwrap_or_else(|e| panic!("trade {n} not taken: {e}"));
        let mut trade = None;
        while trade.is_none() {
            let next = t.next_arrival().expect("an order on its way");
            // Each book moves at random before each arrival: levels thin, vanish or appear.
            let level =
                |rng: &mut fastrand::Rng, base: i64| lv(&format!("0.{}", base + rng.i64(-3..=3)), rng.i64(0..=80));
            let (kb, ka, pb, pa) = (level(&mut rng, 38), level(&mut rng, 41), level(&mut rng, 53), level(&mut rng, 56));
            mk.put(Venue::Kalshi, KALSHI, book(&[kb], &[ka]));
            mk.put(Venue::Polymarket, NYK, book(&[pb], &[pa]));
            if rng.u8(0..20) == 0 {
                mk.books.remove(&(Venue::Polymarket, NYK.to_string()));
            }
            trade = t.run(next, &mk, false).pop();
        }
        let trade = trade.unwrap();
        for o in &trade.orders {
            assert!(ids.insert(o.order_id.clone()), "order {} sent twice", o.order_id);
            let fills: Vec<_> = trade.fills.iter().filter(|f| f.order_id == o.order_id).collect();
            let filled = fills.iter().fold(Qty::ZERO, |q, f| q.checked_add(f.size).unwrap());
            assert_eq!(filled, o.filled);
            assert!(filled <= o.size);
            for f in fills {
                match o.action {
                    Action::Buy => assert!(f.price <= o.limit_price, "{f:?} over {o:?}"),
                    Action::Sell => assert!(f.price >= o.limit_price, "{f:?} under {o:?}"),
                }
            }
        }
        // Held per contract from the fills = the sets + what is reported as exposure.
        for market in [KALSHI, NYK] {
            let held = trade.fills.iter().filter(|f| f.contract.market == market).fold(0i64, |h, f| match f.action {
                Action::Buy => h + f.size.micros(),
                Action::Sell => h - f.size.micros(),
            });
            let exposed =
                trade.exposure.iter().filter(|e| e.contract.market == market).map(|e| e.size.micros()).sum::<i64>();
            assert_eq!(held, trade.sets.micros() + exposed, "{trade:#?}");
        }
        let mut again = trade.clone();
        again.settle_books();
        assert_eq!(again.pnl, trade.pnl);
        unhedged_cost += trade.exposure.iter().fold(Money::ZERO, |c, e| c + e.cost);
        *seen.entry(trade.status.as_str()).or_insert(0) += 1;
    }
    // Every way a trade ends came up.
    for status in [TradeStatus::Hedged, TradeStatus::Missed, TradeStatus::Unwound, TradeStatus::Unhedged] {
        assert!(seen.contains_key(status.as_str()), "{status:?} never came up: {seen:?}");
    }
}
