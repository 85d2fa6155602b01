//! An arbitrage opportunity across the two venues.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::LinkId;
use crate::league::League;
use crate::market::MarketKind;
use crate::money::{Money, Price, Qty};
use crate::venue::Venue;

/// Which side of a binary market is bought: a Kalshi market's YES or NO, a Polymarket US
/// market's long (`yes`) or short (`no`) side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Yes,
    No,
}

/// One leg of an opportunity: what to buy where, at what worst price and size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Leg {
    pub venue: Venue,
    /// Kalshi market ticker (Kalshi legs); Polymarket US market slug (its legs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticker: Option<String>,
    /// The side bought (Kalshi and Polymarket US legs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side: Option<Side>,
    /// Polymarket token (Polymarket legs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_id: Option<String>,
    /// Polymarket outcome name (Polymarket legs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// Volume-weighted average price over the filled levels.
    pub price: Price,
    pub size: Qty,
    /// The limit price to send: the worst level the fill reaches, on the market's grid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_price: Option<Price>,
    /// This leg's fee at `size`, as the venue charges it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<Money>,
    /// The venue's title of the market ("Philadelphia at Orlando Winner?", "Will Elche CF win
    /// on 2026-04-22?").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<std::sync::Arc<str>>,
    /// The number the market is about (a spread's or total's), as that venue writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<crate::market::Line>,
}

/// The money each venue needs for an opportunity: its legs' cost and fees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Capital {
    pub kalshi: Money,
    pub polymarket: Money,
    #[serde(default, skip_serializing_if = "no_money")]
    pub polymarket_us: Money,
}

impl Capital {
    /// Adds what a leg on `venue` needs.
    pub fn add(&mut self, venue: Venue, m: Money) {
        match venue {
            Venue::Kalshi => self.kalshi += m,
            Venue::Polymarket => self.polymarket += m,
            Venue::PolymarketUs => self.polymarket_us += m,
        }
    }

    /// What every venue needs together.
    pub fn total(&self) -> Money {
        self.kalshi + self.polymarket + self.polymarket_us
    }
}

/// Quote ages at detection, per venue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct QuoteAges {
    pub kalshi: u64,
    pub polymarket: u64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub polymarket_us: u64,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

fn no_money(m: &Money) -> bool {
    *m == Money::ZERO
}

impl QuoteAges {
    /// Keeps the oldest age of `venue`'s books.
    pub fn note(&mut self, venue: Venue, age_ms: u64) {
        let slot = match venue {
            Venue::Kalshi => &mut self.kalshi,
            Venue::Polymarket => &mut self.polymarket,
            Venue::PolymarketUs => &mut self.polymarket_us,
        };
        *slot = (*slot).max(age_ms);
    }
}

/// Buying every leg costs less than the payout after fees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opportunity {
    pub link_id: LinkId,
    pub kind: MarketKind,
    pub league: Option<League>,
    /// The game in words ("76ers vs. Magic"), as the venue titles it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub game: Option<std::sync::Arc<str>>,
    pub starts_at: Option<DateTime<Utc>>,
    pub detected_at: DateTime<Utc>,
    pub legs: Vec<Leg>,
    /// Sum of the legs' prices per contract pair.
    pub cost: Money,
    /// Both venues' fees per pair at `max_size`.
    pub fees: Money,
    /// 1 − cost − fees.
    pub edge: Money,
    pub max_size: Qty,
    /// Total over the filled levels.
    pub profit: Money,
    pub quote_age_ms: QuoteAges,
    /// The link's settlement-rule class when not `equivalent`, with its reasons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_risk: Option<crate::link::RuleRisk>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rule_reasons: Vec<String>,
    /// What each venue needs to fill every leg at `max_size`.
    #[serde(default)]
    pub capital: Capital,
    /// `profit` over the capital both venues need, as a fraction.
    #[serde(default)]
    pub roi: Money,
    /// The game has started: prices move fast and some venues hold marketable orders.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub in_play: bool,
    /// Seconds the slowest venue holds a marketable order while the game is live.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_delay_s: Option<u32>,
    /// The two markets' pages on the venues' sites.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urls: Option<VenueUrls>,
    /// The link of a better open opportunity that buys from the same book (a Polymarket ask
    /// backing two Kalshi markets of one game): only one of them can be filled, so this one is
    /// neither alerted nor counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alternative_to: Option<LinkId>,
}

impl Leg {
    /// The book this leg buys from: its venue, instrument and side.
    pub fn book(&self) -> (Venue, &str, Option<Side>) {
        let id = match self.venue {
            Venue::Kalshi | Venue::PolymarketUs => self.ticker.as_deref(),
            Venue::Polymarket => self.token_id.as_deref(),
        };
        (self.venue, id.unwrap_or(""), self.side)
    }
}

impl Opportunity {
    /// The books its legs buy from (up to three), hashed; 0 where there is no leg.
    pub fn claims(&self) -> Claims {
        use std::hash::{Hash, Hasher};
        let mut out = [0; 3];
        for (slot, leg) in out.iter_mut().zip(&self.legs) {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            leg.book().hash(&mut h);
            *slot = h.finish() | 1;
        }
        Claims(out)
    }

    /// Whether it ranks above an opportunity making `profit` on `link` for one book: the more
    /// profitable, on a tie the lower link.
    pub fn outranks(profit: Money, link: LinkId, other_profit: Money, other_link: LinkId) -> bool {
        profit > other_profit || (profit == other_profit && link < other_link)
    }
}

/// The books an opportunity buys from ([`Opportunity::claims`]): small and `Copy`, to keep
/// beside an open opportunity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Claims([u64; 3]);

impl Claims {
    /// Whether the two buy from one book (claim the same liquidity).
    pub fn share(&self, other: &Claims) -> bool {
        self.0.iter().any(|x| *x != 0 && other.0.contains(x))
    }

    /// The books claimed, hashed (never 0).
    pub fn books(&self) -> impl Iterator<Item = u64> + '_ {
        self.0.iter().copied().filter(|x| *x != 0)
    }
}

/// Marks which of a set of open opportunities claim liquidity another already claims: the one
/// that [outranks](Opportunity::outranks) the others buying from one book stands, each other one
/// is `alternative_to` it. Every reader of open opportunities sees them through this.
pub fn claim_once<'a>(opportunities: impl IntoIterator<Item = &'a mut Opportunity>) {
    let mut all: Vec<&mut Opportunity> = opportunities.into_iter().collect();
    all.sort_by(|a, b| b.profit.cmp(&a.profit).then(a.link_id.cmp(&b.link_id)));
    let mut kept: Vec<(LinkId, Claims)> = Vec::new();
    for o in all {
        let claims = o.claims();
        o.alternative_to = kept.iter().find(|(_, k)| k.share(&claims)).map(|(link, _)| *link);
        if o.alternative_to.is_none() {
            kept.push((o.link_id, claims));
        }
    }
}

/// Where a person finds a linked pair on the venues' sites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VenueUrls {
    /// Kalshi's page of the game (series and event ticker).
    pub kalshi: std::sync::Arc<str>,
    /// Polymarket's page of the game (its event slug), when the slug is known.
    pub polymarket: Option<std::sync::Arc<str>>,
}

impl VenueUrls {
    /// The pages of a Kalshi event of `series` and a Polymarket event of `slug`.
    pub fn new(series: &str, event_ticker: &str, slug: Option<&str>) -> Self {
        // Shared strings: an opportunity carries them on every evaluation without allocating.
        let kalshi = format!("https://kalshi.com/markets/{}/{}", series.to_lowercase(), event_ticker.to_lowercase());
        Self { kalshi: kalshi.into(), polymarket: slug.map(|s| format!("https://polymarket.com/event/{s}").into()) }
    }
}
