//! Gateway payloads → the model. Kind, line and sides come from the typed fields
//! (`sportsMarketTypeV2`, `sportsMarketType`, `line`, each side's `long` and `team`), and a
//! spread's meaning from its settlement text: a market whose fields disagree about what its long
//! side pays on is kept without a line, so it is never linked on a guess.

use chrono::{DateTime, NaiveDate, Utc};
use crossbook_model::money::json_micros;
use crossbook_model::{
    Event, FeeSchedule, Line, Market, MarketKind, MarketRef, MarketState, MarketStatus, Money, OrderRules, Outcome,
    Participant, Price, PriceGrid, Qty, Subject, Topic, UsEventSlug, UsMarketSlug, Venue,
};

use crate::models::{BookLevel, BookResponse, UsEvent, UsMarket, UsSide, UsTeam};

pub use crossbook_model::parse_error::ParseError;
use crossbook_model::parse_error::{err, optional_time as time};

/// Taker coefficients (Θ, millionths) published for markets that do not state their own
/// `feeCoefficient`, from the day each took effect (VENUE_API.md): 0.0695 from 2026-09-25.
/// Before it no schedule of this form was published: such a market is not priced. (Table
/// tennis is charged 0.10 from 2026-09-30; crossbook lists no table-tennis league, so it never
/// prices one on this default.)
pub const TAKER_COEFFICIENTS: [(&str, i64); 1] = [("2026-09-25", 69_500)];
/// Maker rebates (millionths of C × P × (1 − P)), from the day each took effect: 0.0125 from
/// 2026-09-25.
pub const MAKER_REBATES: [(&str, i64); 1] = [("2026-09-25", 12_500)];

fn dated(table: &[(&str, i64)], at: DateTime<Utc>) -> Option<i64> {
    let day = at.date_naive();
    table
        .iter()
        .rev()
        .find(|(from, _)| NaiveDate::parse_from_str(from, "%Y-%m-%d").is_ok_and(|d| d <= day))
        .map(|(_, r)| *r)
}

/// The market's fees at `at`: its `feeCoefficient` (the truth), else the published default.
pub fn fees(m: &UsMarket, at: DateTime<Utc>) -> Result<FeeSchedule, ParseError> {
    let maker_rebate = dated(&MAKER_REBATES, at).unwrap_or(0);
    let taker_rate = match &m.fee_coefficient {
        None | Some(serde_json::Value::Null) => match dated(&TAKER_COEFFICIENTS, at) {
            Some(r) => r,
            None => return Ok(FeeSchedule::Unpriced),
        },
        Some(v) => match json_micros(v) {
            // Above 0.25 (the curve's 100 % at P = ½ is 4 × Θ) is not a fee anyone publishes.
            Some(r @ 0..=250_000) => r,
            _ => return Err(err("feeCoefficient", format!("{v} is not a coefficient in 0..0.25"))),
        },
    };
    Ok(FeeSchedule::PolymarketUsCurve { taker_rate, maker_rebate })
}

/// A market's order rules: `minimumTradeQty` contracts, the `orderPriceMinTickSize` grid (half a
/// cent on most sports markets), no notional floor and no in-play delay published.
pub fn order_rules(m: &UsMarket) -> Result<OrderRules, ParseError> {
    let defaults = OrderRules::default();
    let min_size = match m.minimum_trade_qty.as_ref().filter(|v| !v.is_null()) {
        None => defaults.min_size,
        Some(v) => json_micros(v)
            .filter(|q| *q > 0 && *q <= 1_000_000 * 1_000_000)
            .and_then(|q| Qty::from_micros(q).ok())
            .ok_or_else(|| err("minimumTradeQty", format!("{v} is not a size")))?,
    };
    let grid = match m.order_price_min_tick_size.as_ref().filter(|v| !v.is_null()) {
        None => defaults.grid,
        Some(v) => json_micros(v)
            .filter(|t| (1..=100_000).contains(t))
            .map(PriceGrid::uniform)
            .ok_or_else(|| err("orderPriceMinTickSize", format!("{v} is not a tick in (0, 0.1]")))?,
    };
    Ok(OrderRules { min_size, min_notional: Money::ZERO, grid, in_play_delay_s: 0 })
}

/// The word after a prefix (`MARKET_STATUS_OPEN` → `OPEN`), upper-cased.
fn word(v: &Option<String>, prefix: &str) -> Option<String> {
    v.as_deref().map(|s| s.trim().to_ascii_uppercase()).map(|s| s.strip_prefix(prefix).map(str::to_string).unwrap_or(s))
}

/// Whether a market takes orders, from every field that says so: `status`, `ep3Status`,
/// `active`, `closed` and each side's `tradable`. A status word crossbook does not know takes no
/// order (it is read as paused).
pub fn market_state(m: &UsMarket) -> MarketState {
    let status = word(&m.status, "MARKET_STATUS_");
    let ep3 = word(&m.ep3_status, "");
    if matches!(status.as_deref(), Some("RESOLVED" | "SETTLED" | "FINALIZED")) || ep3.as_deref() == Some("SETTLED") {
        return MarketState::Resolved;
    }
    if m.closed == Some(true)
        || m.active == Some(false)
        || matches!(status.as_deref(), Some("CLOSED" | "EXPIRED" | "TERMINATED" | "ARCHIVED"))
        || matches!(ep3.as_deref(), Some("EXPIRED" | "CLOSED"))
    {
        return MarketState::Closed;
    }
    let open = match status.as_deref() {
        Some("OPEN") => true,
        Some("PREOPEN" | "PENDING" | "CREATED" | "INITIALIZED" | "UNOPENED") => return MarketState::NotOpen,
        None => ep3.as_deref() == Some("OPEN"),
        Some(_) => false,
    };
    if !open || m.market_sides.iter().any(|s| s.tradable == Some(false)) {
        return MarketState::Paused;
    }
    MarketState::Open
}

/// A book's trading state (`marketData.state`), read as [`market_state`] reads a status.
pub fn book_state(state: Option<&str>) -> MarketState {
    match state.map(|s| s.trim().to_ascii_uppercase()).as_deref().map(|s| s.strip_prefix("MARKET_STATE_").unwrap_or(s))
    {
        Some("OPEN") | None => MarketState::Open,
        Some("PREOPEN") => MarketState::NotOpen,
        Some("EXPIRED" | "TERMINATED") => MarketState::Closed,
        // Halted, suspended, a closing auction, or a word not known: no continuous order.
        Some(_) => MarketState::Paused,
    }
}

fn status_of(state: MarketState) -> MarketStatus {
    match state {
        MarketState::Resolved => MarketStatus::Settled,
        MarketState::Closed | MarketState::Resolving => MarketStatus::Closed,
        _ => MarketStatus::Open,
    }
}

fn participant(t: &UsTeam) -> Participant {
    let mut p = Participant::new(t.abbreviation.as_deref().map(str::trim).filter(|c| !c.is_empty()), &[]);
    for n in [&t.name, &t.alias, &t.safe_name].into_iter().flatten() {
        p.add_name(n);
    }
    p
}

/// The event's two sides in the order of its title ("San Diego Padres vs. Colorado Rockies"):
/// its `teams`, else the two teams its markets' sides name (a soccer market names one team on
/// both its sides); away before home where the title names neither. None when there are not
/// exactly two.
pub fn event_participants(title: &str, teams: &[UsTeam], markets: &[&UsMarket]) -> Vec<Participant> {
    let mut found: Vec<&UsTeam> = Vec::new();
    let sides = markets.iter().flat_map(|m| &m.market_sides).filter_map(|s| s.team.as_ref());
    for t in teams.iter().chain(if teams.len() == 2 { None } else { Some(sides) }.into_iter().flatten()) {
        if t.name.is_some() && !found.iter().any(|f| f.name == t.name) {
            found.push(t);
        }
    }
    if found.len() != 2 {
        return Vec::new();
    }
    let lower = title.to_ascii_lowercase();
    let at = |t: &UsTeam| {
        let fallback = if t.ordering.as_deref() == Some("away") { usize::MAX - 1 } else { usize::MAX };
        t.name.as_deref().and_then(|n| lower.find(&n.to_ascii_lowercase())).unwrap_or(fallback)
    };
    found.sort_by_key(|t| at(t));
    found.into_iter().map(participant).collect()
}

/// An event (its markets are parsed with [`parse_market`]).
pub fn parse_event(e: &UsEvent, markets: &[&UsMarket], raw: serde_json::Value) -> Result<Event, ParseError> {
    UsEventSlug::new(&e.slug).map_err(|x| err("slug", x))?;
    let title = e.title.clone().unwrap_or_default();
    let league = league(&e.slug, &raw);
    let closed = e.closed == Some(true) || e.ended == Some(true) || e.active == Some(false);
    Ok(Event {
        venue: Venue::PolymarketUs,
        id: e.slug.clone(),
        series: e.series_slug.clone(),
        participants: event_participants(&title, &e.teams, markets),
        title,
        topic: if league.is_some() { Topic::Sports } else { Topic::Other },
        league,
        starts_at: time("startTime", &e.start_time)?,
        is_mve: false,
        status: if closed { MarketStatus::Closed } else { MarketStatus::Open },
        raw,
    })
}

/// The league: the event slug's first word (`mlb-sd-col-2026-09-16`), as Polymarket's sport
/// codes name it, else the league its tags carry.
fn league(slug: &str, raw: &serde_json::Value) -> Option<crossbook_model::League> {
    crossbook_taxonomy::poly_slug_league(slug).or_else(|| {
        raw["tags"]
            .as_array()?
            .iter()
            .find_map(|t| t["league"]["slug"].as_str().and_then(crossbook_taxonomy::poly_sport_league))
    })
}

/// Which of `sides` a team is: by its code, else by its one matching name.
fn side_of(sides: &[Participant], t: &UsTeam) -> Option<u8> {
    t.abbreviation
        .as_deref()
        .and_then(|c| crossbook_taxonomy::sides::side_by_code(sides, c))
        .or_else(|| t.name.as_deref().and_then(|n| crossbook_taxonomy::sides::side_by_name(sides, n)))
}

fn long_and_short(m: &UsMarket) -> Option<(&UsSide, &UsSide)> {
    let long = m.market_sides.iter().filter(|s| s.long == Some(true)).collect::<Vec<_>>();
    let short = m.market_sides.iter().filter(|s| s.long == Some(false)).collect::<Vec<_>>();
    match (&long[..], &short[..]) {
        ([l], [s]) => Some((l, s)),
        _ => None,
    }
}

/// The team and margin a spread's settlement text pays YES on ("…will settle to Yes if the San
/// Diego Padres win by more than 2.5 runs…").
fn spread_terms(description: &str) -> Option<(&str, &str)> {
    let rest = &description[description.find("settle to Yes if the ")? + "settle to Yes if the ".len()..];
    let (team, rest) = rest.split_once(" win by more than ")?;
    let number = rest.split_whitespace().next()?;
    Some((team.trim(), number))
}

/// What the market is, what its long side pays on and its outcomes (long first).
struct Reading {
    kind: MarketKind,
    line: Option<Line>,
    subject: Option<Subject>,
    outcomes: Vec<Outcome>,
}

fn outcome(name: &str, side: Option<u8>) -> Outcome {
    Outcome { name: name.to_string(), token_id: None, price: None, side }
}

fn read(m: &UsMarket, sides: &[Participant]) -> Reading {
    let other = Reading { kind: MarketKind::Other, line: None, subject: None, outcomes: Vec::new() };
    let smt = m.sports_market_type.as_deref().unwrap_or("").to_ascii_lowercase();
    let v2 = word(&m.sports_market_type_v2, "SPORTS_MARKET_TYPE_").unwrap_or_default();
    let Some((long, short)) = long_and_short(m) else { return other };
    let team_name = |s: &UsSide| s.team.as_ref().and_then(|t| t.name.clone()).unwrap_or_default();
    let side = |s: &UsSide| s.team.as_ref().and_then(|t| side_of(sides, t));
    let whole_game = smt.ends_with("_full_game_winner") || smt.ends_with("_full_time_winner") || smt == "moneyline";
    match v2.as_str() {
        "MONEYLINE" if whole_game => match (side(long), side(short)) {
            (Some(a), Some(b)) if a != b => Reading {
                kind: MarketKind::Moneyline,
                line: None,
                subject: None,
                outcomes: vec![outcome(&team_name(long), Some(a)), outcome(&team_name(short), Some(b))],
            },
            _ => other,
        },
        // Soccer's three ways, one yes/no market each, on regulation time.
        "DRAWABLE_OUTCOME" if smt == "soccer_team_full_time_winner" => {
            let yes_no = vec![outcome("Yes", None), outcome("No", None)];
            match long.team.as_ref() {
                Some(t) => match side_of(sides, t) {
                    Some(i) => Reading {
                        kind: MarketKind::Moneyline,
                        line: None,
                        subject: Some(Subject::Side(i)),
                        outcomes: yes_no,
                    },
                    None => other,
                },
                None if m.slug.ends_with("-draw") || m.slug.ends_with("-tie") => {
                    Reading { kind: MarketKind::Draw, line: None, subject: Some(Subject::Draw), outcomes: yes_no }
                }
                None => other,
            }
        }
        "SPREAD" if smt.ends_with("_full_game_spread") => {
            let (Some(a), Some(b)) = (side(long), side(short)) else { return other };
            let line = m.line.as_ref().and_then(Line::from_json);
            // The long side gives the points its settlement text names, on the team it names.
            let agreed = m.description.as_deref().and_then(spread_terms).and_then(|(team, number)| {
                let margin = Line::parse(number)?;
                let names_long = long
                    .team
                    .as_ref()
                    .is_some_and(|t| [&t.name, &t.alias].into_iter().flatten().any(|n| n.eq_ignore_ascii_case(team)));
                (names_long && line == Some(margin.negate()) && margin.hundredths() > 0).then_some(margin.negate())
            });
            Reading {
                kind: MarketKind::Spread,
                line: agreed,
                subject: None,
                outcomes: vec![outcome(&team_name(long), Some(a)), outcome(&team_name(short), Some(b))],
            }
        }
        // A game total: over on the long side; a team's total names its team on the sides.
        "TOTAL" if smt.ends_with("_full_game_total") && long.team.is_none() && short.team.is_none() => {
            let over = long.description.as_deref().is_some_and(|d| d.trim().eq_ignore_ascii_case("over"));
            let under = short.description.as_deref().is_some_and(|d| d.trim().eq_ignore_ascii_case("under"));
            Reading {
                kind: MarketKind::Total,
                line: if over && under {
                    m.line.as_ref().and_then(Line::from_json).filter(|l| l.hundredths() > 0)
                } else {
                    None
                },
                subject: None,
                outcomes: vec![outcome("Over", None), outcome("Under", None)],
            }
        }
        _ => other,
    }
}

/// A market of `event`, read at `at` (the published fee default in force then applies where the
/// market states none).
pub fn parse_market(
    m: &UsMarket,
    event: &Event,
    raw: serde_json::Value,
    at: DateTime<Utc>,
) -> Result<Market, ParseError> {
    let slug = UsMarketSlug::new(&m.slug).map_err(|x| err("slug", x))?;
    let event_slug = UsEventSlug::new(&event.id).map_err(|x| err("eventSlug", x))?;
    order_rules(m)?;
    let reading = read(m, &event.participants);
    let state = market_state(m);
    Ok(Market {
        key: MarketRef::PolymarketUs { slug, event_slug },
        series: event.series.clone(),
        title: m.question.clone().or_else(|| m.title.clone()).unwrap_or_default(),
        subtitle: m.title.clone(),
        topic: event.topic,
        league: event.league,
        participants: event.participants.clone(),
        subject: reading.subject,
        kind: reading.kind,
        line: reading.line,
        outcomes: reading.outcomes,
        status: status_of(state),
        state,
        open_time: time("startDate", &m.start_date)?,
        close_time: time("endDate", &m.end_date)?,
        starts_at: time("gameStartTime", &m.game_start_time)?.or(event.starts_at),
        ends_at: None,
        is_mve: false,
        fees: fees(m, at)?,
        rules: m.description.clone(),
        raw,
    })
}

/// A book: the long side's bids and offers, best first, and its trading state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsBook {
    pub bids: Vec<(Price, Qty)>,
    pub asks: Vec<(Price, Qty)>,
    pub state: MarketState,
}

fn levels(field: &'static str, levels: &[BookLevel]) -> Result<Vec<(Price, Qty)>, ParseError> {
    levels
        .iter()
        .map(|l| {
            let price: Price = l.px.value.trim().parse().map_err(|e| err(field, e))?;
            let qty: Qty = l.qty.trim().parse().map_err(|e| err(field, e))?;
            if price.micros() <= 0 || price.micros() >= 1_000_000 {
                return Err(err(field, format!("price {} is outside (0, 1)", l.px.value)));
            }
            if l.px.currency.as_deref().is_some_and(|c| !c.eq_ignore_ascii_case("USD")) {
                return Err(err(field, format!("currency {:?} is not USD", l.px.currency)));
            }
            Ok((price, qty))
        })
        .filter(|l| !matches!(l, Ok((_, q)) if q.is_zero()))
        .collect()
}

/// `GET /v1/markets/{slug}/book`, sorted best first.
pub fn parse_book(r: &BookResponse) -> Result<UsBook, ParseError> {
    let d = &r.market_data;
    let mut bids = levels("marketData.bids", &d.bids)?;
    let mut asks = levels("marketData.offers", &d.offers)?;
    bids.sort_by_key(|l| std::cmp::Reverse(l.0));
    asks.sort_by_key(|l| l.0);
    Ok(UsBook { bids, asks, state: book_state(d.state.as_deref()) })
}
