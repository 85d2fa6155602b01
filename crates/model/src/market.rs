//! Events (games) and the markets inside them, as normalized from either venue.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{
    KalshiEventTicker, KalshiMarketTicker, PolyConditionId, PolyEventId, PolyMarketId, PolyTokenId, UsEventSlug,
    UsMarketSlug,
};
use crate::league::{League, Topic};
use crate::money::Price;
use crate::venue::Venue;

/// What a market is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarketKind {
    /// Who wins the game.
    Moneyline,
    /// The game ends level (soccer).
    Draw,
    /// Winning margin against a line.
    Spread,
    /// Combined score against a line.
    Total,
    /// Winner of one map of an esports series.
    MapWinner,
    /// Number of maps played in an esports series.
    TotalMaps,
    /// Winner of an esports series.
    Series,
    /// Who leads at halftime. Kalshi lists the tie at halftime as its own market (a team's YES
    /// pays nothing on a tie): linked only with a Polymarket yes/no market about that team
    /// (soccer's "Arsenal FC leading at halftime?"), never with a two-way first-half moneyline
    /// that resolves a tie 50-50.
    FirstHalfMoneyline,
    /// Level at halftime (soccer: Kalshi's first-half `-TIE`, Gamma's "Draw at halftime?").
    FirstHalfDraw,
    /// Winning margin of the first half against a line.
    FirstHalfSpread,
    /// Combined score of the first half against a line.
    FirstHalfTotal,
    /// Both teams score (soccer, regulation time on both venues); YES is that they do.
    BothTeamsToScore,
    /// Winner of one set of a tennis match; its line is the set's number (as a map winner's is
    /// the map's).
    SetWinner,
    /// A run is scored in the first inning (baseball, either team; YES is that one is).
    FirstInningRun,
    /// Anything else (props, other periods, outrights): stored, never linked.
    Other,
}

impl MarketKind {
    pub const ALL: [MarketKind; 15] = [
        MarketKind::Moneyline,
        MarketKind::Draw,
        MarketKind::Spread,
        MarketKind::Total,
        MarketKind::MapWinner,
        MarketKind::TotalMaps,
        MarketKind::Series,
        MarketKind::FirstHalfMoneyline,
        MarketKind::FirstHalfDraw,
        MarketKind::FirstHalfSpread,
        MarketKind::FirstHalfTotal,
        MarketKind::BothTeamsToScore,
        MarketKind::SetWinner,
        MarketKind::FirstInningRun,
        MarketKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MarketKind::Moneyline => "moneyline",
            MarketKind::Draw => "draw",
            MarketKind::Spread => "spread",
            MarketKind::Total => "total",
            MarketKind::MapWinner => "map_winner",
            MarketKind::TotalMaps => "total_maps",
            MarketKind::Series => "series",
            MarketKind::FirstHalfMoneyline => "first_half_moneyline",
            MarketKind::FirstHalfDraw => "first_half_draw",
            MarketKind::FirstHalfSpread => "first_half_spread",
            MarketKind::FirstHalfTotal => "first_half_total",
            MarketKind::BothTeamsToScore => "both_teams_to_score",
            MarketKind::SetWinner => "set_winner",
            MarketKind::FirstInningRun => "first_inning_run",
            MarketKind::Other => "other",
        }
    }

    /// Whether the market is about a number (spread, total, total maps).
    pub fn has_line(self) -> bool {
        matches!(
            self,
            MarketKind::Spread
                | MarketKind::Total
                | MarketKind::TotalMaps
                | MarketKind::FirstHalfSpread
                | MarketKind::FirstHalfTotal
        )
    }

    /// Whether the market is a winning margin against a line (a full game's or a half's).
    pub fn is_spread(self) -> bool {
        matches!(self, MarketKind::Spread | MarketKind::FirstHalfSpread)
    }

    /// Whether the market settles on the whole game, overtime or extra time included where the
    /// venue counts it (a first-half market is decided at halftime, a set's when the set ends).
    pub fn whole_game(self) -> bool {
        !matches!(
            self,
            MarketKind::FirstHalfMoneyline
                | MarketKind::FirstHalfDraw
                | MarketKind::FirstHalfSpread
                | MarketKind::FirstHalfTotal
                | MarketKind::SetWinner
                | MarketKind::FirstInningRun
        )
    }

    /// Whether the market is about one numbered part of a match (a map, a set): its line is
    /// that part's number, which both venues' markets must share.
    pub fn numbered_part(self) -> bool {
        matches!(self, MarketKind::MapWinner | MarketKind::SetWinner)
    }
}

impl FromStr for MarketKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MarketKind::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| format!("unknown market kind {s:?}"))
    }
}

impl fmt::Display for MarketKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The number a spread or total is about, in hundredths (−3.5 → −350), exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Line(i32);

impl Line {
    pub fn from_hundredths(h: i32) -> Self {
        Line(h)
    }

    pub fn hundredths(self) -> i32 {
        self.0
    }

    /// From a decimal string (`"-3.5"`, `"220.5"`), at most 2 decimal places.
    pub fn parse(s: &str) -> Option<Self> {
        let m = crate::money::parse_micros(s).ok()?;
        if m % 10_000 != 0 || m.abs() > 100_000 * 1_000_000 {
            return None;
        }
        Some(Line((m / 10_000) as i32))
    }

    /// From a JSON number as Gamma sends it (`-3.5`), read through its decimal text.
    pub fn from_json(v: &serde_json::Value) -> Option<Self> {
        match v {
            serde_json::Value::Number(n) => Self::parse(&n.to_string()),
            serde_json::Value::String(s) => Self::parse(s),
            _ => None,
        }
    }

    pub fn negate(self) -> Self {
        Line(-self.0)
    }

    /// Absolute difference in hundredths.
    pub fn distance(self, other: Line) -> i32 {
        (self.0 - other.0).abs()
    }
}

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::money::format_micros(i64::from(self.0) * 10_000))
    }
}

impl Serialize for Line {
    /// As a JSON number (`-3.5`), as the contracts show it.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let n: serde_json::Number = self.to_string().parse().map_err(serde::ser::Error::custom)?;
        n.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Line {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        Line::from_json(&v).ok_or_else(|| serde::de::Error::custom(format!("invalid line {v}")))
    }
}

/// A market's lifecycle, normalized from the venues' many status words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MarketStatus {
    /// Trading (or about to).
    Open,
    /// No longer trading, not yet settled, or gone from the venue.
    Closed,
    /// Result known.
    Settled,
}

impl MarketStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MarketStatus::Open => "open",
            MarketStatus::Closed => "closed",
            MarketStatus::Settled => "settled",
        }
    }
}

impl FromStr for MarketStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "open" => Ok(MarketStatus::Open),
            "closed" => Ok(MarketStatus::Closed),
            "settled" => Ok(MarketStatus::Settled),
            _ => Err(format!("unknown market status {s:?}")),
        }
    }
}

/// Whether orders can be placed on a market now, read from every source a venue has (Kalshi's
/// status and lifecycle channel; Gamma's `active`, `closed`, `acceptingOrders`,
/// `enableOrderBook` and `umaResolutionStatus`; Polymarket's `market_resolved`). Only an open
/// market makes opportunities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarketState {
    /// Orders are accepted.
    #[default]
    Open,
    /// Listed but no order is accepted now (Kalshi `inactive`, Gamma `acceptingOrders: false`).
    Paused,
    /// Not yet open for trading (Kalshi `initialized`, Gamma without an order book).
    NotOpen,
    /// Trading has ended; no result yet (or the venue stopped listing it).
    Closed,
    /// A result is proposed or known and settlement is pending (Kalshi `determined`,
    /// `disputed`, `amended`; Gamma `umaResolutionStatus` proposed or disputed).
    Resolving,
    /// Settled (Kalshi `finalized`; Gamma resolved; `market_resolved` on the socket).
    Resolved,
}

impl MarketState {
    pub const ALL: [MarketState; 6] = [
        MarketState::Open,
        MarketState::Paused,
        MarketState::NotOpen,
        MarketState::Closed,
        MarketState::Resolving,
        MarketState::Resolved,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MarketState::Open => "open",
            MarketState::Paused => "paused",
            MarketState::NotOpen => "not_open",
            MarketState::Closed => "closed",
            MarketState::Resolving => "resolving",
            MarketState::Resolved => "resolved",
        }
    }

    pub fn is_tradable(self) -> bool {
        self == MarketState::Open
    }

    /// The state a stored row without one had, from its status.
    pub fn of_status(status: MarketStatus) -> Self {
        match status {
            MarketStatus::Open => MarketState::Open,
            MarketStatus::Closed => MarketState::Closed,
            MarketStatus::Settled => MarketState::Resolved,
        }
    }

    /// Why a market in this state takes no order, in a trader's words (none when open).
    pub fn reason(self, venue: Venue) -> Option<&'static str> {
        Some(match (self, venue) {
            (MarketState::Open, _) => return None,
            (MarketState::Paused, Venue::Polymarket) => "not accepting orders",
            (MarketState::Paused, _) => "trading paused",
            (MarketState::NotOpen, _) => "not yet open",
            (MarketState::Closed, _) => "closed",
            (MarketState::Resolving, _) => "resolving",
            (MarketState::Resolved, _) => "resolved",
        })
    }
}

impl FromStr for MarketState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MarketState::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| format!("unknown market state {s:?}"))
    }
}

impl fmt::Display for MarketState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The venue-specific identity of a market.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "venue", rename_all = "snake_case")]
pub enum MarketRef {
    Kalshi {
        ticker: KalshiMarketTicker,
        event_ticker: KalshiEventTicker,
    },
    Polymarket {
        market_id: PolyMarketId,
        event_id: PolyEventId,
        condition_id: Option<PolyConditionId>,
    },
    /// Polymarket US names markets and events by slug (its numeric ids are not what its books,
    /// orders and pages take).
    PolymarketUs {
        slug: UsMarketSlug,
        event_slug: UsEventSlug,
    },
}

impl MarketRef {
    pub fn venue(&self) -> Venue {
        match self {
            MarketRef::Kalshi { .. } => Venue::Kalshi,
            MarketRef::Polymarket { .. } => Venue::Polymarket,
            MarketRef::PolymarketUs { .. } => Venue::PolymarketUs,
        }
    }

    /// The Kalshi market ticker, the Polymarket market id or the Polymarket US market slug.
    pub fn id(&self) -> &str {
        match self {
            MarketRef::Kalshi { ticker, .. } => ticker.as_str(),
            MarketRef::Polymarket { market_id, .. } => market_id.as_str(),
            MarketRef::PolymarketUs { slug, .. } => slug.as_str(),
        }
    }

    /// The Kalshi event ticker, the Polymarket event id or the Polymarket US event slug.
    pub fn event_id(&self) -> &str {
        match self {
            MarketRef::Kalshi { event_ticker, .. } => event_ticker.as_str(),
            MarketRef::Polymarket { event_id, .. } => event_id.as_str(),
            MarketRef::PolymarketUs { event_slug, .. } => event_slug.as_str(),
        }
    }
}

/// One outcome of a market. Kalshi markets have `Yes`/`No`; Polymarket markets have named
/// outcomes, each its own CLOB token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_id: Option<PolyTokenId>,
    /// The venue's indicative price (not a quote to trade on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Price>,
    /// Which side of the game (index into the market's `participants`) this outcome is about,
    /// when the venue names that side in the outcome.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side: Option<u8>,
}

/// One side of a game (a team, a player, a fighter) as one venue writes it: its short code where
/// the venue has one (Kalshi ticker and subtitle codes, Polymarket slug codes) and its names, the
/// fullest first. Matching across venues compares these; nothing here is resolved or guessed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Participant {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default)]
    pub names: Vec<String>,
}

impl Participant {
    pub fn new(code: Option<&str>, names: &[&str]) -> Self {
        let mut p = Participant { code: code.map(str::to_string), names: Vec::new() };
        for n in names {
            p.add_name(n);
        }
        p
    }

    /// Adds a name unless it is empty or already there (case-insensitively).
    pub fn add_name(&mut self, name: &str) {
        let name = name.trim();
        if !name.is_empty() && !self.names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            self.names.push(name.to_string());
        }
    }

    /// The name to show: the first one, else the code.
    pub fn label(&self) -> &str {
        self.names.first().map(String::as_str).or(self.code.as_deref()).unwrap_or("")
    }
}

impl<'de> Deserialize<'de> for Participant {
    /// The object form, or a plain string as rows stored before participants had codes (read
    /// as a name; `taxonomy backfill` rewrites them).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Object {
            #[serde(default)]
            code: Option<String>,
            #[serde(default)]
            names: Vec<String>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            Object(Object),
            Text(String),
        }
        Ok(match Form::deserialize(d)? {
            Form::Object(o) => Participant { code: o.code, names: o.names },
            Form::Text(t) => Participant::new(None, &[t.trim_start_matches('~')]),
        })
    }
}

/// What a market's YES (Kalshi) or a yes/no market's Yes (Polymarket) is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subject {
    /// One side of the game: an index into the market's `participants`.
    Side(u8),
    /// The game ends level (soccer's tie market).
    Draw,
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Side(i) => write!(f, "side{i}"),
            Subject::Draw => f.write_str("draw"),
        }
    }
}

impl FromStr for Subject {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "draw" => Ok(Subject::Draw),
            _ => s
                .strip_prefix("side")
                .and_then(|i| i.parse().ok())
                .map(Subject::Side)
                .ok_or_else(|| format!("unknown subject {s:?}")),
        }
    }
}

impl Serialize for Subject {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Subject {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

/// How a venue charges for taking liquidity on a market.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FeeSchedule {
    /// No fee.
    #[default]
    Free,
    /// Kalshi: per fill, rate × multiplier × C × P × (1 − P) rounded up to $0.0001, then the
    /// account's balance rounding; rates and multiplier in millionths (0.07 → 70_000,
    /// ×1 → 1_000_000).
    KalshiQuadratic { taker_rate: i64, maker_rate: i64, multiplier: i64 },
    /// Polymarket: C × rate × (P × (1 − P))^exponent, takers only; rate in millionths.
    PolymarketCurve { rate: i64, exponent: u32 },
    /// Polymarket US: the taker pays Θ × C × P × (1 − P) (Θ is the market's `feeCoefficient`),
    /// the maker earns `maker_rebate` × C × P × (1 − P); rates in millionths (0.0695 → 69_500).
    PolymarketUsCurve { taker_rate: i64, maker_rebate: i64 },
    /// A schedule crossbook cannot price exactly (Kalshi `flat`, or a type it does not know):
    /// no opportunity is built on it.
    Unpriced,
}

/// A game or match on one venue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub venue: Venue,
    /// Kalshi event ticker or Polymarket event id.
    pub id: String,
    /// Kalshi series ticker or Polymarket series slug.
    pub series: Option<String>,
    pub title: String,
    pub topic: Topic,
    pub league: Option<League>,
    /// The two sides as the venue writes them, in the order of its title.
    pub participants: Vec<Participant>,
    /// Scheduled start of play, where the venue states it (Polymarket `startTime`, the time in a
    /// Kalshi ticker).
    pub starts_at: Option<DateTime<Utc>>,
    pub is_mve: bool,
    pub status: MarketStatus,
    /// The venue's payload, unchanged (without nested markets).
    pub raw: serde_json::Value,
}

/// A tradable market on one venue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Market {
    pub key: MarketRef,
    /// Kalshi series ticker (derived) or Polymarket series slug.
    pub series: Option<String>,
    pub title: String,
    /// Kalshi `yes_sub_title`; Polymarket `groupItemTitle`.
    pub subtitle: Option<String>,
    pub topic: Topic,
    pub league: Option<League>,
    /// The game's two sides as this venue writes them (from the market's event).
    pub participants: Vec<Participant>,
    /// What YES is about: a side of a Kalshi per-team market or of a Polymarket yes/no market,
    /// the draw of a tie market; none for totals and two-outcome markets.
    pub subject: Option<Subject>,
    pub kind: MarketKind,
    /// Spread or total line; map number for map-winner markets.
    pub line: Option<Line>,
    pub outcomes: Vec<Outcome>,
    pub status: MarketStatus,
    /// Whether orders can be placed now.
    #[serde(default)]
    pub state: MarketState,
    pub open_time: Option<DateTime<Utc>>,
    pub close_time: Option<DateTime<Utc>>,
    /// Scheduled start of play, where the venue says it: Polymarket `gameStartTime`, the time
    /// written in a Kalshi ticker (`26JUL081840` = 18:40 US Eastern). Never a Kalshi expiration.
    pub starts_at: Option<DateTime<Utc>>,
    /// Expected end of play: Kalshi `expected_expiration_time` (else `occurrence_datetime`),
    /// which real payloads put about 2–3 hours after the start.
    #[serde(default)]
    pub ends_at: Option<DateTime<Utc>>,
    pub is_mve: bool,
    pub fees: FeeSchedule,
    /// Settlement rule text as the venue states it.
    pub rules: Option<String>,
    /// The venue's payload, unchanged.
    pub raw: serde_json::Value,
}

impl Market {
    pub fn venue(&self) -> Venue {
        self.key.venue()
    }

    pub fn id(&self) -> &str {
        self.key.id()
    }

    pub fn event_id(&self) -> &str {
        self.key.event_id()
    }
}

/// NUL, which PostgreSQL refuses in text, as U+FFFD; `None` when there is none.
fn without_nul(s: &str) -> Option<String> {
    s.contains('\0').then(|| s.replace('\0', "\u{FFFD}"))
}

fn clean(s: &mut String) {
    if let Some(c) = without_nul(s) {
        *s = c;
    }
}

fn clean_participants(ps: &mut [Participant]) {
    for p in ps {
        p.code.iter_mut().for_each(clean);
        p.names.iter_mut().for_each(clean);
    }
}

impl Market {
    /// The market as every database stores it: any NUL in its text (a venue's typo can carry
    /// one) becomes U+FFFD. Borrowed when there is none (the raw payload keeps its escapes).
    pub fn storable(&self) -> std::borrow::Cow<'_, Market> {
        let texts = [Some(&self.title), self.subtitle.as_ref(), self.series.as_ref(), self.rules.as_ref()];
        let dirty = texts.into_iter().flatten().any(|t| t.contains('\0'))
            || self.outcomes.iter().any(|o| o.name.contains('\0'))
            || self.participants.iter().any(|p| p.code.iter().chain(&p.names).any(|t| t.contains('\0')));
        if !dirty {
            return std::borrow::Cow::Borrowed(self);
        }
        let mut m = self.clone();
        clean(&mut m.title);
        m.subtitle.iter_mut().for_each(clean);
        m.series.iter_mut().for_each(clean);
        m.rules.iter_mut().for_each(clean);
        m.outcomes.iter_mut().for_each(|o| clean(&mut o.name));
        clean_participants(&mut m.participants);
        std::borrow::Cow::Owned(m)
    }
}

impl Event {
    /// The event as every database stores it (see [`Market::storable`]).
    pub fn storable(&self) -> std::borrow::Cow<'_, Event> {
        let dirty = self.title.contains('\0')
            || self.series.as_ref().is_some_and(|t| t.contains('\0'))
            || self.participants.iter().any(|p| p.code.iter().chain(&p.names).any(|t| t.contains('\0')));
        if !dirty {
            return std::borrow::Cow::Borrowed(self);
        }
        let mut e = self.clone();
        clean(&mut e.title);
        e.series.iter_mut().for_each(clean);
        clean_participants(&mut e.participants);
        std::borrow::Cow::Owned(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_exact_hundredths() {
        assert_eq!(Line::parse("-3.5").unwrap().hundredths(), -350);
        assert_eq!(Line::parse("220.5").unwrap().hundredths(), 22050);
        assert_eq!(Line::parse("2.25").unwrap().hundredths(), 225);
        assert!(Line::parse("2.125").is_none());
        assert_eq!(Line::from_json(&serde_json::json!(-3.5)).unwrap().to_string(), "-3.5");
        assert_eq!(serde_json::to_string(&Line::from_hundredths(-350)).unwrap(), "-3.5");
        assert_eq!(Line::from_hundredths(22050).distance(Line::from_hundredths(22000)), 50);
    }

    #[test]
    fn kinds_round_trip() {
        for k in MarketKind::ALL {
            assert_eq!(k.as_str().parse::<MarketKind>(), Ok(k));
        }
    }
}
