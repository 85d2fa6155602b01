//! The desk: every decision in memory. Books, each watched link's opportunity (open, direction,
//! first and last seen, peak edge) and the alert decision live here; REST polls and socket
//! frames both feed it, and it is the only path from a book change to an opportunity. What it
//! decides goes out at once — alerts to their delivery task, records to the writer — and never
//! waits for the database.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use crossbook_arb::{PairQuotes, evaluate};
use crossbook_book::OrderBook;
use crossbook_model::{
    BookEvent, FeeSchedule, Link, LinkId, LinkStatus, Market, MarketState, Money, OrderRules, PerVenue, Venue,
};
use crossbook_store::{MarketFilter, Store};

use crate::alerts::Alerter;
use crate::books::{ByVenue, LiveBooks};
use crate::direction::{BRIDGE_OTHER, BRIDGE_SAME, SetKind, THREE_WAY, direction_name};
use crate::game::GameState;
use crate::stream_status::StreamStatus;
use crate::writer::{Write, Writer};

/// The desk's knobs.
#[derive(Debug, Clone, Copy)]
pub struct DeskConfig {
    /// A book older than this makes no opportunity.
    pub stale_after: Duration,
    /// Games starting within this are urgent: their opportunities alert.
    pub live_threshold: Duration,
    /// Build opportunities on started games too.
    pub allow_in_play: bool,
    /// How the Kalshi account's balance is rounded (its fees follow).
    pub precision: crossbook_arb::BalancePrecision,
    /// Which opportunities alert.
    pub alerts: AlertPolicy,
}

/// Which opportunities alert (settings `ALERT_MIN_EDGE`, `ALERT_MIN_PROFIT`, `ALERT_SCOPE`,
/// `ALERT_NEAR_START_MINUTES`, `ALERT_IN_PLAY`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlertPolicy {
    /// Per contract set, after fees.
    pub min_edge: Money,
    /// For the whole size.
    pub min_profit: Money,
    /// Only games starting within `near_start` (scope `near_start`), or every opportunity.
    pub near_start_only: bool,
    /// How near its start a game alerts in that scope (`ALERT_NEAR_START_MINUTES`).
    pub near_start: Duration,
    /// Whether opportunities on games in play alert.
    pub in_play: bool,
}

impl DeskConfig {
    pub fn from_settings(s: &crate::Settings) -> Self {
        Self {
            stale_after: Duration::from_std(s.quote_stale_after).unwrap_or(Duration::seconds(30)),
            live_threshold: Duration::from_std(s.live_event_threshold).unwrap_or(Duration::minutes(15)),
            allow_in_play: s.allow_in_play,
            precision: s.kalshi_balance_precision,
            alerts: AlertPolicy {
                min_edge: s.alert_min_edge,
                min_profit: s.alert_min_profit,
                near_start_only: s.alert_near_start_only,
                near_start: Duration::from_std(s.alert_near_start).unwrap_or(Duration::hours(2)),
                in_play: s.alert_in_play,
            },
        }
    }
}

impl Default for AlertPolicy {
    /// Any edge and profit, within 2 hours of the start only, not in play.
    fn default() -> Self {
        Self {
            min_edge: Money::ZERO,
            min_profit: Money::ZERO,
            near_start_only: true,
            near_start: Duration::hours(2),
            in_play: false,
        }
    }
}

impl AlertPolicy {
    /// Whether `o` alerts at `now`.
    pub fn wants(&self, o: &crossbook_model::Opportunity, now: DateTime<Utc>) -> bool {
        let near = o.starts_at.is_some_and(|s| s > now && s - now <= self.near_start);
        o.edge >= self.min_edge
            && o.profit >= self.min_profit
            && (o.in_play && self.in_play || !o.in_play && (near || !self.near_start_only))
    }
}

/// A watched, confirmed link with what evaluating it needs.
#[derive(Debug, Clone)]
struct Watched {
    link: Link,
    kalshi_fees: FeeSchedule,
    poly_fees: FeeSchedule,
    kalshi_rules: OrderRules,
    poly_rules: OrderRules,
    /// The other outcome of a two-outcome Polymarket market: (token, name).
    other: Option<(String, String)>,
    /// The Polymarket event's stored payload (the game-status gate reads it) and its game on
    /// the live-scores socket (`gameId`, else its slug).
    event: Option<serde_json::Value>,
    game: Option<String>,
    /// Whether each leg's market takes orders, as stored, and when the venue last listed it.
    kalshi_state: (MarketState, DateTime<Utc>),
    poly_state: (MarketState, DateTime<Utc>),
    /// The two games' pages on the venues' sites (alerts and the dashboard link them).
    urls: crossbook_model::VenueUrls,
    /// The game and both markets in the venues' words, for the opportunity's legs.
    words: Words,
}

impl Watched {
    /// The market of this link's leg on `venue` (a Kalshi leg and one on its second venue).
    fn market_on(&self, venue: Venue) -> Option<String> {
        let c = &self.link.candidate;
        match venue {
            Venue::Kalshi => Some(c.kalshi_ticker.to_string()),
            v if v == c.poly_venue => Some(c.poly_market_id.to_string()),
            _ => None,
        }
    }

    /// Whether the leg's market on `venue` takes orders, as stored.
    fn state_on(&self, venue: Venue) -> Option<MarketState> {
        match venue {
            Venue::Kalshi => Some(self.kalshi_state.0),
            v if v == self.link.candidate.poly_venue => Some(self.poly_state.0),
            _ => None,
        }
    }

    /// The order rules of the leg on `venue`.
    fn rules_on(&mut self, venue: Venue) -> Option<&mut OrderRules> {
        match venue {
            Venue::Kalshi => Some(&mut self.kalshi_rules),
            v if v == self.link.candidate.poly_venue => Some(&mut self.poly_rules),
            _ => None,
        }
    }

    /// The books this link reads, each with its venue: the Kalshi market's, and its second
    /// leg's (a Polymarket market's tokens; a Polymarket US market's one book, by slug).
    fn books(&self) -> impl Iterator<Item = (Venue, &str)> {
        let c = &self.link.candidate;
        let (same, other) = match c.poly_venue {
            Venue::PolymarketUs => (Some(c.poly_market_id.as_str()), None),
            _ => (c.poly_token_id.as_ref().map(|t| t.as_str()), self.other.as_ref().map(|(t, _)| t.as_str())),
        };
        [Some(c.kalshi_ticker.as_str()), same, other]
            .into_iter()
            .enumerate()
            .filter_map(move |(i, book)| Some((if i == 0 { Venue::Kalshi } else { c.poly_venue }, book?)))
    }

    /// Puts the game and the venues' titles and lines on `o`'s legs of this link's markets.
    fn name(&self, o: &mut crossbook_model::Opportunity) {
        let (c, w) = (&self.link.candidate, &self.words);
        if o.game.is_none() {
            o.game = w.game.clone();
        }
        let poly_token = c.poly_token_id.as_ref().map(|t| t.as_str());
        let other_token = self.other.as_ref().map(|(t, _)| t.as_str());
        for leg in &mut o.legs {
            if leg.venue == Venue::Kalshi && leg.ticker.as_deref() == Some(c.kalshi_ticker.as_str()) {
                (leg.title, leg.line) = (Some(w.kalshi.clone()), w.kalshi_line);
            } else if (leg.token_id.is_some() && [poly_token, other_token].contains(&leg.token_id.as_deref()))
                || (leg.venue == Venue::PolymarketUs && leg.ticker.as_deref() == Some(c.poly_market_id.as_str()))
            {
                (leg.title, leg.line) = (Some(w.poly.clone()), w.poly_line);
            }
        }
    }
}

/// A link's game and markets as the venues title them (shared: every evaluation carries them).
#[derive(Debug, Clone)]
struct Words {
    game: Option<Arc<str>>,
    kalshi: Arc<str>,
    poly: Arc<str>,
    kalshi_line: Option<crossbook_model::Line>,
    poly_line: Option<crossbook_model::Line>,
}

impl Words {
    fn of(link: &Link, km: &Market, pm: &Market, event: Option<&serde_json::Value>) -> Self {
        let kalshi = match km.subtitle.as_deref().filter(|s| !s.is_empty() && *s != km.title.trim_end_matches('?')) {
            Some(sub) => format!("{}: {sub}", km.title),
            None => km.title.clone(),
        };
        let game = event.and_then(|e| e.get("title")?.as_str()).map(Arc::from);
        Self {
            game,
            kalshi: kalshi.into(),
            poly: pm.title.as_str().into(),
            kalshi_line: link.candidate.line,
            poly_line: pm.line,
        }
    }
}

/// The watched confirmed links, read from the store (without the desk's lock held).
#[derive(Debug, Clone, Default)]
pub struct LinkSet {
    links: HashMap<LinkId, Watched>,
}

/// What the watched links are made of, as the store holds it: the watched confirmed links,
/// their markets (with when each was last listed) and their Polymarket events. `run` keeps the
/// last one in its state folder, to watch from when it starts without its database.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WatchSnapshot {
    links: Vec<Link>,
    markets: Vec<(Market, DateTime<Utc>)>,
    events: Vec<(String, serde_json::Value)>,
}

/// A watch snapshot file larger than this is refused (the watchlist is bounded far below it).
const MAX_SNAPSHOT_BYTES: u64 = 256 << 20;

impl WatchSnapshot {
    /// The snapshot of these links, their markets (each with when it was last seen) and their
    /// Polymarket events (id and payload).
    pub fn of(
        links: Vec<Link>,
        markets: Vec<(Market, DateTime<Utc>)>,
        events: Vec<(String, serde_json::Value)>,
    ) -> Self {
        Self { links, markets, events }
    }

    /// Reads the watched links' parts from the store.
    pub async fn load(store: &dyn Store) -> anyhow::Result<Self> {
        let watch = store.list_watchlist().await?;
        let mut all: HashMap<LinkId, Link> =
            store.list_links(Some(LinkStatus::Confirmed)).await?.into_iter().map(|l| (l.id, l)).collect();
        let links: Vec<Link> = watch.iter().filter_map(|w| all.remove(&w.link_id)).collect();
        let markets = markets_of(store, links.iter()).await?;
        let wanted: HashSet<&str> = markets.values().map(|(m, _)| m.event_id()).collect();
        let events = store
            .list_events(Some(Venue::Polymarket))
            .await?
            .into_iter()
            .filter(|e| wanted.contains(e.id.as_str()))
            .map(|e| (e.id, e.raw))
            .collect();
        Ok(Self { links, markets: markets.into_values().collect(), events })
    }

    /// Writes the snapshot to `path` whole (a new file renamed over the old one).
    pub fn save(&self, path: &std::path::Path) -> anyhow::Result<()> {
        use anyhow::Context as _;
        let tmp = path.with_extension("tmp");
        let body = serde_json::to_vec(self)?;
        std::fs::write(&tmp, body).with_context(|| format!("writing {}", tmp.display()))?;
        std::fs::rename(&tmp, path).with_context(|| format!("renaming {} to {}", tmp.display(), path.display()))
    }

    /// Reads the snapshot at `path` (a regular file of bounded size).
    pub fn read(path: &std::path::Path) -> anyhow::Result<Self> {
        use anyhow::Context as _;
        use std::io::Read as _;
        let meta = std::fs::symlink_metadata(path).with_context(|| format!("reading {}", path.display()))?;
        anyhow::ensure!(meta.file_type().is_file(), "{} is not a regular file", path.display());
        let mut body = Vec::new();
        std::fs::File::open(path)?.take(MAX_SNAPSHOT_BYTES + 1).read_to_end(&mut body)?;
        anyhow::ensure!(body.len() as u64 <= MAX_SNAPSHOT_BYTES, "{} is too large", path.display());
        serde_json::from_slice(&body).with_context(|| format!("reading {}", path.display()))
    }

    pub fn len(&self) -> usize {
        self.links.len()
    }

    pub fn is_empty(&self) -> bool {
        self.links.is_empty()
    }
}

impl LinkSet {
    /// The watched, confirmed links with their markets and events.
    pub async fn load(store: &dyn Store) -> anyhow::Result<Self> {
        Ok(Self::from_snapshot(&WatchSnapshot::load(store).await?))
    }

    /// The links a snapshot of their parts makes.
    pub fn from_snapshot(snapshot: &WatchSnapshot) -> Self {
        let markets: HashMap<(Venue, String), &(Market, DateTime<Utc>)> =
            snapshot.markets.iter().map(|m| ((m.0.venue(), m.0.id().to_string()), m)).collect();
        let events: HashMap<&str, &serde_json::Value> =
            snapshot.events.iter().map(|(id, e)| (id.as_str(), e)).collect();
        let mut set = LinkSet::default();
        for link in &snapshot.links {
            let c = &link.candidate;
            let (Some((km, k_seen)), Some((pm, p_seen))) = (
                markets.get(&(Venue::Kalshi, c.kalshi_ticker.to_string())),
                markets.get(&(c.poly_venue, c.poly_market_id.to_string())),
            ) else {
                continue;
            };
            let poly_rules = match c.poly_venue {
                Venue::PolymarketUs => match serde_json::from_value(pm.raw.clone())
                    .map_err(|e| e.to_string())
                    .and_then(|m| crossbook_polymarket_us::parse::order_rules(&m).map_err(|e| e.to_string()))
                {
                    Ok(rules) => rules,
                    // Its rules decide what is bought: no rules, no watching.
                    Err(e) => {
                        tracing::warn!(venue = "polymarket_us", market = %c.poly_market_id, error = %e, "link not watched: order rules unreadable");
                        continue;
                    }
                },
                _ => crossbook_polymarket::gamma::parse::order_rules(&pm.raw),
            };
            let event = events.get(pm.event_id()).map(|e| (*e).clone());
            // Polymarket's page is its event's slug (a Polymarket US market has a page of its
            // own that crossbook does not know).
            let slug = event.as_ref().and_then(|e| e.get("slug")?.as_str().map(str::to_string));
            let game = event.as_ref().and_then(crate::game::game_key);
            set.links.insert(
                link.id,
                Watched {
                    kalshi_fees: km.fees,
                    poly_fees: pm.fees,
                    kalshi_rules: crossbook_kalshi::http::parse::order_rules(&km.raw),
                    poly_rules,
                    other: other_outcome(pm, c.poly_outcome_index),
                    urls: crossbook_model::VenueUrls::new(
                        km.series.as_deref().unwrap_or(c.kalshi_ticker.series_prefix()),
                        c.kalshi_event_ticker.as_str(),
                        slug.as_deref(),
                    ),
                    words: Words::of(link, km, pm, event.as_ref()),
                    link: link.clone(),
                    event,
                    game,
                    kalshi_state: (km.state, *k_seen),
                    poly_state: (pm.state, *p_seen),
                },
            );
        }
        set
    }

    /// The books of `links` (all when `None`), per venue: Kalshi tickers, Polymarket tokens,
    /// Polymarket US market slugs; each sorted, once.
    pub fn books_of(&self, links: Option<&HashSet<LinkId>>) -> PerVenue<Vec<String>> {
        let mut out: PerVenue<Vec<String>> = PerVenue::default();
        for (id, w) in &self.links {
            if links.is_none_or(|l| l.contains(id)) {
                for (venue, book) in w.books() {
                    out[venue].push(book.to_string());
                }
            }
        }
        for (_, v) in out.iter_mut() {
            v.sort();
            v.dedup();
        }
        out
    }

    /// The markets of `links` (all when `None`), per venue: Kalshi tickers, Polymarket market
    /// ids, Polymarket US slugs.
    pub fn markets_of(&self, links: Option<&HashSet<LinkId>>) -> PerVenue<Vec<String>> {
        let mut out: PerVenue<Vec<String>> = PerVenue::default();
        for (id, w) in &self.links {
            if links.is_none_or(|l| l.contains(id)) {
                let c = &w.link.candidate;
                out[Venue::Kalshi].push(c.kalshi_ticker.to_string());
                out[c.poly_venue].push(c.poly_market_id.to_string());
            }
        }
        for (_, v) in out.iter_mut() {
            v.sort();
            v.dedup();
        }
        out
    }

    pub fn len(&self) -> usize {
        self.links.len()
    }

    pub fn is_empty(&self) -> bool {
        self.links.is_empty()
    }
}

/// The other outcome of a two-outcome Polymarket market: (token, name).
pub(crate) fn other_outcome(m: &Market, index: u8) -> Option<(String, String)> {
    if m.outcomes.len() != 2 {
        return None;
    }
    let o = m.outcomes.get(1 - usize::from(index.min(1)))?;
    Some((o.token_id.as_ref()?.to_string(), o.name.clone()))
}

/// The markets of `links`, by venue and id, with when the venue last listed each. Only those
/// are read: the stored universe is far larger than the watchlist.
pub(crate) async fn markets_of(
    store: &dyn Store,
    links: impl Iterator<Item = &Link>,
) -> anyhow::Result<HashMap<(Venue, String), (Market, DateTime<Utc>)>> {
    let ids = links.flat_map(|l| [l.candidate.kalshi_ticker.to_string(), l.candidate.poly_market_id.to_string()]);
    Ok(store
        .list_markets(&MarketFilter { ids: Some(ids.collect()), ..Default::default() })
        .await?
        .into_iter()
        .map(|m| ((m.market.venue(), m.market.id().to_string()), (m.market, m.last_seen)))
        .collect())
}

/// A link's open opportunity, as the desk knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenState {
    pub direction: &'static str,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub peak_edge: Money,
    /// Whether it alerted (its close then alerts too).
    pub alerted: bool,
    /// The books its legs buy from and its profit, to claim liquidity once.
    pub claims: crossbook_model::opportunity::Claims,
    pub profit: Money,
    /// The better open opportunity buying from one of its books, when there is one.
    pub alternative_to: Option<LinkId>,
}

/// What the desk decided on one input.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Decisions {
    /// Links re-evaluated.
    pub evaluated: usize,
    /// Of those, with an opportunity open afterwards.
    pub open: usize,
    /// Alerts raised.
    pub alerts: usize,
}

/// The in-memory evaluator.
#[derive(Debug)]
pub struct Desk {
    cfg: DeskConfig,
    links: LinkSet,
    by_book: ByVenue<Vec<LinkId>>,
    /// Tick sizes the Polymarket socket announced (they outlive a reload of the links).
    ticks: ByVenue<crossbook_model::Price>,
    /// Markets' tradability as the sockets announced it (Kalshi ticker, Polymarket token) and
    /// when: it wins over the stored state until an ingestion pass lists the market again.
    states: ByVenue<(MarketState, DateTime<Utc>)>,
    /// Kalshi events' fee overrides from the lifecycle channel (`None`: cleared, so the series'
    /// schedule applies, which the next ingestion pass stores), and when.
    fee_overrides: HashMap<String, (Option<FeeSchedule>, DateTime<Utc>)>,
    pub books: LiveBooks,
    open: HashMap<LinkId, OpenState>,
    /// Three-way opportunities, filed under the game's draw link.
    open_three: HashMap<LinkId, OpenState>,
    /// Polymarket ↔ Polymarket US opportunities, filed under the Polymarket US link.
    open_bridge: HashMap<LinkId, OpenState>,
    /// Which open opportunities (and of which kind of set) claim each book: who competes for a
    /// book's liquidity is found without scanning every open opportunity.
    claimants: HashMap<u64, Vec<(LinkId, SetKind)>>,
    /// Soccer games with a watched link on each of their three outcomes: draw link → the three
    /// links; and each of those links → its game's draw link.
    three_way: HashMap<LinkId, Arc<ThreeWay>>,
    three_way_of: HashMap<LinkId, LinkId>,
    /// Kalshi markets linked both to Polymarket and to Polymarket US, by the Polymarket US link
    /// (their two outcomes pay together); and each of the two links → the bridges (Polymarket US
    /// links) it is part of.
    bridges: HashMap<LinkId, Bridge>,
    bridge_of: HashMap<LinkId, Vec<LinkId>>,
    games: HashMap<String, GameState>,
    sharp: crate::sharp::SharpMoves,
    writer: Writer,
    alerter: Option<Alerter>,
    status: Arc<StreamStatus>,
    /// Whether the database's open opportunities were taken over.
    adopted: bool,
    /// Each link's last chart point written.
    last_sample: HashMap<LinkId, crossbook_store::QuoteSample>,
    /// Takes the opportunities it opens (`EXECUTION_MODE=paper`).
    trader: Option<crossbook_exec::PaperTrader>,
}

/// A link's chart gets a point when its prices or edge change, at most this often …
const SAMPLE_EVERY: Duration = Duration::seconds(1);
/// … and at least this often while its books are evaluated.
const SAMPLE_HEARTBEAT: Duration = Duration::seconds(60);

/// The top of a link's books now, and its opportunity's edge: a chart point.
/// A Kalshi market against the one book of a binary market on the second venue (Polymarket
/// US): Kalshi YES with the other side, or Kalshi NO with the linked side (outcome 0 is the long
/// side), the better one after both venues' fees.
fn binary_pair(
    w: &Watched,
    kalshi: &OrderBook,
    other: &OrderBook,
    precision: crossbook_arb::BalancePrecision,
    in_play: bool,
    now: DateTime<Utc>,
    stale_after: Duration,
) -> Option<(crossbook_arb::Direction, crossbook_model::Opportunity)> {
    use crossbook_arb::{Direction, Instrument, LegQuote};
    use crossbook_model::Side;
    let c = &w.link.candidate;
    let kalshi_leg = |side| LegQuote {
        instrument: Instrument::Binary { venue: Venue::Kalshi, market: c.kalshi_ticker.as_str(), side },
        book: kalshi,
        fees: w.kalshi_fees,
        rules: &w.kalshi_rules,
    };
    let other_leg = |side| LegQuote {
        instrument: Instrument::Binary { venue: c.poly_venue, market: c.poly_market_id.as_str(), side },
        book: other,
        fees: w.poly_fees,
        rules: &w.poly_rules,
    };
    let (same, opposite) = if c.poly_outcome_index == 0 { (Side::Yes, Side::No) } else { (Side::No, Side::Yes) };
    let directions = [[kalshi_leg(Side::Yes), other_leg(opposite)], [kalshi_leg(Side::No), other_leg(same)]];
    let (i, o) = crossbook_arb::evaluate_legs(&w.link, &directions, precision, in_play, now, stale_after)?;
    Some(([Direction::YesOther, Direction::NoSame][i], o))
}

/// A link's chart point: the Kalshi book's YES and NO costs, what the second leg's linked and
/// other outcomes cost (`poly_asks`), and the edge.
fn quote_sample(
    id: LinkId,
    kalshi: Option<&OrderBook>,
    poly_asks: (Option<crossbook_model::Price>, Option<crossbook_model::Price>),
    edge: Option<Money>,
    now: DateTime<Utc>,
) -> crossbook_store::QuoteSample {
    let ask = |b: Option<&OrderBook>| b.and_then(|b| b.asks.best()).map(|l| l.price);
    crossbook_store::QuoteSample {
        link_id: id,
        at: now,
        kalshi_yes: ask(kalshi),
        // Buying NO at 1 − p is selling YES to the best YES bid p.
        kalshi_no: kalshi
            .and_then(|b| b.bids.best())
            .and_then(|l| crossbook_model::Price::from_micros(crossbook_model::money::SCALE - l.price.micros()).ok()),
        poly_yes: poly_asks.0,
        poly_no: poly_asks.1,
        edge,
    }
}

impl Desk {
    pub fn new(cfg: DeskConfig, writer: Writer, alerter: Option<Alerter>, status: Arc<StreamStatus>) -> Self {
        Self {
            cfg,
            links: LinkSet::default(),
            by_book: ByVenue::default(),
            ticks: ByVenue::default(),
            states: ByVenue::default(),
            fee_overrides: HashMap::new(),
            books: LiveBooks::default(),
            open: HashMap::new(),
            open_three: HashMap::new(),
            open_bridge: HashMap::new(),
            claimants: HashMap::new(),
            three_way: HashMap::new(),
            three_way_of: HashMap::new(),
            bridges: HashMap::new(),
            bridge_of: HashMap::new(),
            games: HashMap::new(),
            sharp: crate::sharp::SharpMoves::default(),
            writer,
            alerter,
            status,
            adopted: false,
            last_sample: HashMap::new(),
            trader: None,
        }
    }

    /// Trades the opportunities opened from now on with `trader` (none: finds only).
    pub fn set_trader(&mut self, trader: Option<crossbook_exec::PaperTrader>) {
        self.trader = trader;
    }

    /// The paper trader, when trading.
    pub fn trader(&self) -> Option<&crossbook_exec::PaperTrader> {
        self.trader.as_ref()
    }

    /// Stops the trader sending any order (`Some(why)`), or lets it go on (`None`).
    pub fn halt_trading(&mut self, why: Option<&'static str>) {
        if let Some(t) = &mut self.trader {
            t.halt(why);
        }
    }

    /// Matches the orders that have reached their venues by `now` against the books as they
    /// are (before the input at `now` changes them) and sends what follows; `force`: every order
    /// on its way, against the latest books (a one-shot pass ends). Ended trades are written.
    pub fn run_orders(&mut self, now: DateTime<Utc>, force: bool) {
        let Some(mut trader) = self.trader.take() else { return };
        if trader.working() > 0 && (force || trader.next_arrival().is_some_and(|t| t <= now)) {
            let state = |venue: Venue, book: &str| self.market_state(venue, book);
            let books = crate::execution::DeskBooks { books: &self.books, state: &state };
            for t in trader.run(now, &books, force) {
                tracing::info!(
                    trade = %t.trade_id, link = t.link_id.0, status = t.status.as_str(), sets = %t.sets, pnl = %t.pnl,
                    "paper trade ended"
                );
                if t.status == crossbook_model::TradeStatus::Unhedged {
                    tracing::warn!(trade = %t.trade_id, link = t.link_id.0, "paper trade left a leg unhedged");
                }
                self.writer.send(Write::Trade(Box::new(t)));
            }
        }
        self.trader = Some(trader);
    }

    /// A market's state as its venue last said (socket), else as stored.
    fn market_state(&self, venue: Venue, book: &str) -> Option<MarketState> {
        if let Some((s, _)) = self.states.get(venue, book) {
            return Some(*s);
        }
        let w = self.by_book.get(venue, book)?.first().and_then(|id| self.links.links.get(id))?;
        w.state_on(venue)
    }

    /// A book's market state as its venue's socket last said it, else `stored`.
    fn state_now(&self, venue: Venue, book: &str, stored: MarketState) -> MarketState {
        self.states.get(venue, book).map_or(stored, |(s, _)| *s)
    }

    /// The fees and order rules of each of `o`'s legs, from the links it stands on (its own, its
    /// game's three for a three-way opportunity, the two a bridge joins).
    fn leg_terms(
        &self,
        id: LinkId,
        kind: SetKind,
        o: &crossbook_model::Opportunity,
    ) -> Option<Vec<crossbook_exec::LegTerms>> {
        let links: Vec<LinkId> = match kind {
            SetKind::Link => vec![id],
            SetKind::ThreeWay => self.three_way.get(&id)?.iter().flatten().copied().collect(),
            SetKind::Bridge => vec![id, self.bridges.get(&id)?.poly],
        };
        o.legs
            .iter()
            .map(|leg| {
                let (venue, book, _) = leg.book();
                let w = links
                    .iter()
                    .filter_map(|l| self.links.links.get(l))
                    .find(|w| w.books().any(|(v, b)| v == venue && b == book))?;
                Some(if venue == Venue::Kalshi {
                    crossbook_exec::LegTerms { fees: w.kalshi_fees, rules: w.kalshi_rules.clone() }
                } else {
                    crossbook_exec::LegTerms { fees: w.poly_fees, rules: w.poly_rules.clone() }
                })
            })
            .collect()
    }

    /// Hands a newly opened opportunity to the paper trader.
    fn take(&mut self, id: LinkId, direction: &'static str, o: &crossbook_model::Opportunity, now: DateTime<Utc>) {
        let Some(terms) = self.leg_terms(id, SetKind::of(direction), o) else {
            tracing::warn!(link = id.0, "paper trade not taken: a leg's market terms are unknown");
            return;
        };
        let Some(mut trader) = self.trader.take() else { return };
        let state = |venue: Venue, book: &str| self.market_state(venue, book);
        let books = crate::execution::DeskBooks { books: &self.books, state: &state };
        if let Err(why) = trader.take(o, direction, terms, &books, now) {
            tracing::info!(link = id.0, direction, reason = why, "opportunity not traded");
        }
        self.trader = Some(trader);
    }

    /// Takes over the opportunities the database holds open (a desk that starts after another
    /// process or a restart closes them when their edge is gone). Once per desk.
    pub fn adopt(&mut self, open: &[crossbook_store::StoredOpportunity]) {
        if std::mem::replace(&mut self.adopted, true) {
            return;
        }
        for o in open {
            let Some(direction) = direction_name(&o.direction) else { continue };
            let kind = SetKind::of(direction);
            let map = self.open_map(kind);
            if map.contains_key(&o.opportunity.link_id) {
                continue;
            }
            let claims = o.opportunity.claims();
            map.insert(
                o.opportunity.link_id,
                OpenState {
                    direction,
                    first_seen: o.first_seen,
                    last_seen: o.last_seen,
                    peak_edge: o.best_edge,
                    alerted: false,
                    claims,
                    profit: o.opportunity.profit,
                    alternative_to: o.opportunity.alternative_to,
                },
            );
            self.claim(o.opportunity.link_id, kind, claims, None);
        }
    }

    /// Whether [`Desk::adopt`] ran.
    pub fn adopted(&self) -> bool {
        self.adopted
    }

    /// Whether no link is watched.
    pub fn watches_nothing(&self) -> bool {
        self.links.is_empty()
    }

    /// Takes a new set of watched links; a link no longer in it (rejected, unlinked, unwatched)
    /// closes its opportunity at once.
    pub fn set_links(&mut self, links: LinkSet, now: DateTime<Utc>) {
        let gone: Vec<LinkId> = self.open.keys().filter(|id| !links.links.contains_key(id)).copied().collect();
        for id in gone {
            self.close(id, now);
        }
        self.three_way = three_way_games(&links);
        self.three_way_of =
            self.three_way.iter().flat_map(|(draw, game)| game.iter().flatten().map(|id| (*id, *draw))).collect();
        let gone: Vec<LinkId> = self.open_three.keys().filter(|id| !self.three_way.contains_key(id)).copied().collect();
        for id in gone {
            self.close_set(SetKind::ThreeWay, id, now);
        }
        self.bridges = bridges(&links);
        self.bridge_of.clear();
        for (us, b) in &self.bridges {
            for id in [*us, b.poly] {
                self.bridge_of.entry(id).or_default().push(*us);
            }
        }
        let gone: Vec<LinkId> = self.open_bridge.keys().filter(|id| !self.bridges.contains_key(id)).copied().collect();
        for id in gone {
            self.close_set(SetKind::Bridge, id, now);
        }
        self.by_book.clear();
        let mut watched: ByVenue<()> = ByVenue::default();
        for (id, w) in &links.links {
            for (venue, book) in w.books() {
                self.by_book.entry(venue, book).push(*id);
                watched.insert(venue, book, ());
            }
        }
        // Books, ticks and states of markets no longer watched are let go.
        self.books.retain(|venue, book| watched.get(venue, book).is_some());
        self.ticks.retain(|venue, book| watched.get(venue, book).is_some());
        self.states.retain(|venue, book| watched.get(venue, book).is_some());
        self.links = links;
        let announced: Vec<(Venue, String, crossbook_model::Price)> =
            self.ticks.iter().map(|(venue, book, tick)| (venue, book.to_string(), *tick)).collect();
        for (venue, book, tick) in announced {
            self.set_tick(venue, &book, tick);
        }
        // What an ingestion pass stored after a socket said otherwise is the newer word.
        let mut stale: Vec<(Venue, String)> = Vec::new();
        for w in self.links.links.values() {
            for (venue, book) in w.books() {
                let listed = if venue == Venue::Kalshi { w.kalshi_state.1 } else { w.poly_state.1 };
                if self.states.get(venue, book).is_some_and(|(_, at)| *at < listed) {
                    stale.push((venue, book.to_string()));
                }
            }
        }
        for (venue, book) in stale {
            self.states.remove(venue, &book);
        }
        let overrides: Vec<(String, Option<FeeSchedule>, DateTime<Utc>)> =
            self.fee_overrides.iter().map(|(e, (f, at))| (e.clone(), *f, *at)).collect();
        for (event, fees, at) in overrides {
            self.apply_fee_override(&event, fees, at);
        }
    }

    /// A Kalshi event's fee override: its links are charged `fees` (cleared: nothing is priced
    /// until the next ingestion pass stores the series' schedule), unless a pass listed the
    /// market after the override was announced.
    fn apply_fee_override(&mut self, event: &str, fees: Option<FeeSchedule>, at: DateTime<Utc>) {
        let mut applied = false;
        for w in self.links.links.values_mut().filter(|w| w.link.candidate.kalshi_event_ticker.as_str() == event) {
            if w.kalshi_state.1 > at {
                continue;
            }
            w.kalshi_fees = fees.unwrap_or(FeeSchedule::Unpriced);
            applied = true;
        }
        if !applied && self.links.links.values().any(|w| w.link.candidate.kalshi_event_ticker.as_str() == event) {
            self.fee_overrides.remove(event);
        }
    }

    /// Why link `id` cannot be traded now (a leg's market paused, not open, closed, resolving
    /// or resolved; a book that cannot be true), if it cannot.
    pub fn untradable(&self, id: LinkId) -> Option<String> {
        let w = self.links.links.get(&id)?;
        let c = &w.link.candidate;
        let state = |venue: Venue, book: &str, stored: MarketState| self.state_now(venue, book, stored);
        let kalshi = state(Venue::Kalshi, c.kalshi_ticker.as_str(), w.kalshi_state.0);
        if let Some(why) = kalshi.reason(Venue::Kalshi) {
            return Some(format!("kalshi {}: {why}", c.kalshi_ticker));
        }
        for (venue, book) in w.books().filter(|(v, _)| *v != Venue::Kalshi) {
            if let Some(why) = state(venue, book, w.poly_state.0).reason(venue) {
                return Some(format!("{venue} {}: {why}", c.poly_market_id));
            }
        }
        // The books bought from: the Kalshi market's and the linked outcome's.
        let bought = [
            (Venue::Kalshi, Some(c.kalshi_ticker.as_str())),
            match c.poly_venue {
                Venue::PolymarketUs => (Venue::PolymarketUs, Some(c.poly_market_id.as_str())),
                venue => (venue, c.poly_token_id.as_ref().map(|t| t.as_str())),
            },
        ];
        for (venue, book) in bought {
            if let Some(why) = book.and_then(|b| self.books.get(venue, b)).and_then(|b| b.unusable) {
                return Some(format!("{venue} book: {why}"));
            }
        }
        None
    }

    /// Every watched link that cannot be traded now, with why.
    pub fn untradable_links(&self) -> Vec<(LinkId, String)> {
        let mut v: Vec<(LinkId, String)> =
            self.links.links.keys().filter_map(|id| Some((*id, self.untradable(*id)?))).collect();
        v.sort();
        v
    }

    /// Who raises its alerts.
    pub fn set_alerter(&mut self, alerter: Option<Alerter>) {
        self.alerter = alerter;
    }

    /// The sockets' state and the decision latencies it records into.
    pub fn status(&self) -> Arc<StreamStatus> {
        self.status.clone()
    }

    /// Where its records go.
    pub fn writer(&self) -> &Writer {
        &self.writer
    }

    /// The watched links.
    pub fn links(&self) -> &LinkSet {
        &self.links
    }

    /// The links with an open opportunity.
    pub fn open(&self) -> &HashMap<LinkId, OpenState> {
        &self.open
    }

    /// A socket frame: applies it and re-evaluates the links of the book it changed.
    pub fn on_event(&mut self, e: &BookEvent, now: DateTime<Utc>) -> Decisions {
        self.run_orders(now, false);
        // Only the watched books are kept: a stream that sends books nobody subscribed to (a
        // hostile or confused venue) does not grow memory or the database. The frame still shows
        // the socket alive.
        if let Some(book) = e.book_id()
            && self.by_book.get(e.venue(), book).is_none()
        {
            self.status.alive(e.venue());
            self.status.frames[e.venue()].skip("unwatched book");
            return Decisions::default();
        }
        match e {
            BookEvent::Invalidated { venue, .. } => self.status.reset(*venue, now),
            BookEvent::Tick { venue, book, tick } => {
                self.status.frame(*venue);
                self.set_tick(*venue, book, *tick);
            }
            BookEvent::MarketState { venue, book, state } => return self.on_market_state(*venue, book, *state, now),
            // Only Kalshi overrides an event's fees.
            BookEvent::Fees { venue: Venue::Kalshi, event, fees } => {
                self.fee_overrides.insert(event.clone(), (*fees, now));
                self.apply_fee_override(event, *fees, now);
                let ids: Vec<LinkId> = self
                    .links
                    .links
                    .iter()
                    .filter(|(_, w)| w.link.candidate.kalshi_event_ticker.as_str() == event)
                    .map(|(id, _)| *id)
                    .collect();
                return self.evaluate(&ids, now);
            }
            _ => self.status.frame(e.venue()),
        }
        let changed = match self.books.apply(e, now) {
            Ok(c) => c,
            Err(err) => {
                // A book that no longer adds up is unknown until its next snapshot: what stood on
                // it closes.
                tracing::warn!(error = %err, book = e.book_id().unwrap_or(""), "book dropped");
                let Some(id) = e.book_id() else { return Decisions::default() };
                self.books.remove(e.venue(), id);
                let ids = self.by_book.get(e.venue(), id).cloned().unwrap_or_default();
                return self.evaluate(&ids, now);
            }
        };
        match (changed, e) {
            (Some((venue, book)), _) => {
                self.sharp_move(venue, book, now);
                // Lent out while its links are evaluated (no copy per frame).
                let ids = self.by_book.get_mut(venue, book).map(std::mem::take).unwrap_or_default();
                let d = self.evaluate(&ids, now);
                if !ids.is_empty() {
                    *self.by_book.entry(venue, book) = ids;
                }
                d
            }
            // Invalidated: the links of the lost books (all, when it names none) lose their quote.
            (None, BookEvent::Invalidated { venue, books, .. }) => {
                let ids: Vec<LinkId> = if books.is_empty() {
                    self.links.links.keys().copied().collect()
                } else {
                    let mut ids: Vec<LinkId> =
                        books.iter().filter_map(|b| self.by_book.get(*venue, b)).flatten().copied().collect();
                    ids.sort_unstable();
                    ids.dedup();
                    ids
                };
                self.evaluate(&ids, now)
            }
            (None, _) => Decisions::default(),
        }
    }

    /// A market's tradability announced by its venue's socket: recorded (it wins over the
    /// stored state until a pass lists the market again), written to the store, and its links
    /// re-evaluated (a market that stops taking orders closes their opportunities at once).
    fn on_market_state(&mut self, venue: Venue, book: &str, state: MarketState, now: DateTime<Utc>) -> Decisions {
        let Some(ids) = self.by_book.get(venue, book).cloned() else { return Decisions::default() };
        self.states.insert(venue, book, (state, now));
        if let Some(market) = ids.first().and_then(|id| self.links.links.get(id)).and_then(|w| w.market_on(venue)) {
            tracing::info!(venue = venue.as_str(), %market, state = state.as_str(), "market state changed");
            self.writer.send(Write::MarketState { venue, market, state });
        }
        self.evaluate(&ids, now)
    }

    /// Markets' tradability as a REST listing gives it now (Kalshi tickers, Polymarket market
    /// ids): a change is taken as a socket's announcement would be. The venue's only word on a
    /// Polymarket market that stops accepting orders.
    pub fn on_listed_states(&mut self, states: &[(Venue, String, MarketState)], now: DateTime<Utc>) -> Decisions {
        let mut d = Decisions::default();
        for (venue, market, state) in states {
            let books: Vec<String> = match venue {
                Venue::Kalshi | Venue::PolymarketUs => vec![market.clone()],
                Venue::Polymarket => self
                    .links
                    .links
                    .values()
                    .filter(|w| w.link.candidate.poly_market_id.as_str() == market)
                    .flat_map(|w| {
                        w.link
                            .candidate
                            .poly_token_id
                            .iter()
                            .map(|t| t.to_string())
                            .chain(w.other.as_ref().map(|(t, _)| t.clone()))
                    })
                    .collect(),
            };
            for book in books {
                let stored = self
                    .by_book
                    .get(*venue, &book)
                    .and_then(|ids| ids.first())
                    .and_then(|id| self.links.links.get(id))
                    .and_then(|w| w.state_on(*venue));
                let current = self.states.get(*venue, &book).map(|(s, _)| *s).or(stored);
                if current.is_some_and(|c| c != *state) {
                    let r = self.on_market_state(*venue, &book, *state, now);
                    d.evaluated += r.evaluated;
                    d.open += r.open;
                    d.alerts += r.alerts;
                }
            }
        }
        d
    }

    /// The grid the desk prices a Polymarket token's links on.
    pub fn poly_grid_of(&self, token: &str) -> Option<crossbook_model::PriceGrid> {
        let id = self.by_book.get(Venue::Polymarket, token)?.first()?;
        Some(self.links.links.get(id)?.poly_rules.grid.clone())
    }

    /// A book's tick (announced on the socket, or stated by a REST book): its links price that
    /// leg on the new grid from now on.
    pub fn set_tick(&mut self, venue: Venue, book: &str, tick: crossbook_model::Price) {
        self.ticks.insert(venue, book, tick);
        let Some(ids) = self.by_book.get(venue, book) else { return };
        for id in ids {
            if let Some(rules) = self.links.links.get_mut(id).and_then(|w| w.rules_on(venue)) {
                rules.grid = crossbook_model::PriceGrid::uniform(tick.micros());
            }
        }
    }

    /// Books fetched over REST: each replaces what the desk had, and their links are evaluated.
    pub fn on_books(&mut self, books: Vec<(Venue, String, OrderBook)>, now: DateTime<Utc>) -> Decisions {
        self.run_orders(now, false);
        let mut ids: Vec<LinkId> = Vec::new();
        for (venue, id, book) in books {
            ids.extend(self.by_book.get(venue, &id).into_iter().flatten());
            self.books.put(venue, &id, book);
        }
        ids.sort();
        ids.dedup();
        self.evaluate(&ids, now)
    }

    /// A game's live state: a game that started or ended closes its links' opportunities.
    pub fn on_game(&mut self, g: GameState) {
        let now = g.at;
        let game = g.game.clone();
        self.games.insert(game.clone(), g);
        let ids: Vec<LinkId> =
            self.links.links.iter().filter(|(_, w)| w.game.as_deref() == Some(&game)).map(|(id, _)| *id).collect();
        for id in ids {
            if self.gate(id, now).is_err() {
                self.close(id, now);
                if self.bridges.contains_key(&id) {
                    self.close_set(SetKind::Bridge, id, now);
                }
            }
        }
    }

    /// Closes what was not seen again since `seen_since` (a REST cycle went by without it).
    pub fn close_unseen(&mut self, seen_since: DateTime<Utc>, now: DateTime<Utc>) {
        let stale: Vec<LinkId> =
            self.open.iter().filter(|(_, s)| s.last_seen < seen_since).map(|(id, _)| *id).collect();
        for id in stale {
            self.close(id, now);
        }
        for kind in [SetKind::ThreeWay, SetKind::Bridge] {
            let stale: Vec<LinkId> =
                self.open_map(kind).iter().filter(|(_, s)| s.last_seen < seen_since).map(|(id, _)| *id).collect();
            for id in stale {
                self.close_set(kind, id, now);
            }
        }
    }

    /// Re-evaluates every open opportunity one of whose link's books has had no update for
    /// longer than the stale limit (`QUOTE_STALE_SECONDS`): a quote that stopped arriving closes
    /// its opportunity (with its closing alert) instead of standing open looking fresh. Run on a
    /// timer, since no book event comes when quotes stop.
    pub fn close_stale(&mut self, now: DateTime<Utc>) -> Decisions {
        self.run_orders(now, false);
        let cutoff = now - self.cfg.stale_after;
        let old = |venue: Venue, id: &str| self.books.get(venue, id).is_some_and(|b| b.received_at < cutoff);
        let link_old = |id: &LinkId| self.links.links.get(id).is_some_and(|w| w.books().any(|(v, b)| old(v, b)));
        // A three-way opportunity stands on its game's links' books.
        let three_old =
            |draw: &LinkId| self.three_way.get(draw).is_some_and(|game| game.iter().flatten().any(link_old));
        // A bridge stands on its two links' books.
        let bridge_old = |us: &LinkId| link_old(us) || self.bridges.get(us).is_some_and(|b| link_old(&b.poly));
        let stale: Vec<LinkId> = (self.open.keys().filter(|id| link_old(id)))
            .chain(self.open_three.keys().filter(|id| three_old(id)))
            .chain(self.open_bridge.keys().filter(|id| bridge_old(id)))
            .copied()
            .collect();
        if stale.is_empty() { Decisions::default() } else { self.evaluate(&stale, now) }
    }

    /// The three-way opportunities open, by the game's draw link.
    pub fn open_three_way(&self) -> &HashMap<LinkId, OpenState> {
        &self.open_three
    }

    /// Every book's newest snapshot to the writer (freshness figures read them).
    pub fn save_books(&self) {
        let snaps: Vec<_> = self.books.iter().map(|(v, id, b)| crate::books::snapshot(v, id, b)).collect();
        if !snaps.is_empty() {
            self.writer.send(Write::Books(snaps));
        }
    }

    /// Whether a game's score changed within `window` before `now` (a sharp move then is
    /// score-driven).
    pub fn score_changed_recently(&self, game: &str, now: DateTime<Utc>, window: Duration) -> bool {
        self.games.get(game).is_some_and(|g| g.live && now - g.at <= window)
    }

    fn sharp_move(&mut self, venue: Venue, book: &str, now: DateTime<Utc>) {
        let Some(mid) = self.books.get(venue, book).and_then(OrderBook::mid) else { return };
        let Some(mut m) = self.sharp.observe(venue, book, mid, now) else { return };
        // Score-driven when the game of a link on this book scored within the last minute.
        m.score_driven = self.by_book.get(venue, book).into_iter().flatten().any(|l| {
            self.links
                .links
                .get(l)
                .and_then(|w| w.game.as_deref())
                .is_some_and(|s| self.score_changed_recently(s, now, Duration::minutes(1)))
        });
        tracing::info!(venue = %m.venue, book = %m.book, from = %m.from, to = %m.to, bps = m.change_bps, score_driven = m.score_driven, "sharp move");
        if let Some(a) = &self.alerter {
            a.sharp_move(&m, now);
        }
    }

    /// Whether the link's game may be traded now (`Ok(true)`: in play).
    fn gate(&self, id: LinkId, now: DateTime<Utc>) -> Result<bool, &'static str> {
        let Some(w) = self.links.links.get(&id) else { return Err("not watched") };
        let live = w.game.as_ref().and_then(|g| self.games.get(g));
        crate::game::gate(w.link.candidate.starts_at, w.event.as_ref(), live, now, self.cfg.allow_in_play)
    }

    fn close(&mut self, id: LinkId, now: DateTime<Utc>) {
        self.close_set(SetKind::Link, id, now);
    }

    /// Closes the open opportunity of `kind` filed under `id`, if there is one.
    fn close_set(&mut self, kind: SetKind, id: LinkId, now: DateTime<Utc>) {
        if let Some(s) = self.open_map(kind).remove(&id) {
            self.claim(id, kind, Default::default(), Some(s.claims));
            self.closed(id, s, now);
        }
    }

    /// The open opportunities of one kind of set.
    fn open_map(&mut self, kind: SetKind) -> &mut HashMap<LinkId, OpenState> {
        match kind {
            SetKind::Link => &mut self.open,
            SetKind::ThreeWay => &mut self.open_three,
            SetKind::Bridge => &mut self.open_bridge,
        }
    }

    fn open_of(&self, kind: SetKind) -> &HashMap<LinkId, OpenState> {
        match kind {
            SetKind::Link => &self.open,
            SetKind::ThreeWay => &self.open_three,
            SetKind::Bridge => &self.open_bridge,
        }
    }

    /// Moves the open opportunity of `id` in the claim index from the books of `old` (if it
    /// was open) to those of `new` (none: it closed).
    fn claim(
        &mut self,
        id: LinkId,
        kind: SetKind,
        new: crossbook_model::opportunity::Claims,
        old: Option<crossbook_model::opportunity::Claims>,
    ) {
        if old == Some(new) {
            return;
        }
        for book in old.iter().flat_map(|c| c.books()) {
            if let Some(v) = self.claimants.get_mut(&book) {
                v.retain(|e| *e != (id, kind));
                if v.is_empty() {
                    self.claimants.remove(&book);
                }
            }
        }
        for book in new.books() {
            self.claimants.entry(book).or_default().push((id, kind));
        }
    }

    /// An opportunity closed: its record, and a closing alert when it had alerted.
    fn closed(&mut self, id: LinkId, s: OpenState, now: DateTime<Utc>) {
        self.writer.send(Write::CloseLink { link: id, direction: Some(s.direction), at: now });
        if s.alerted
            && let Some(a) = &self.alerter
        {
            let ticker = self.links.links.get(&id).map(|w| w.link.candidate.kalshi_ticker.to_string());
            a.closed(id, ticker.as_deref().unwrap_or("?"), s.direction, s.first_seen, s.peak_edge, now);
        }
    }

    /// The link of an open opportunity (not `id`'s own of `direction`, not itself an alternative)
    /// that buys from one of `claims`' books and makes more (as much: the lower link), if any.
    fn better_claim(
        &self,
        id: LinkId,
        direction: &str,
        claims: crossbook_model::opportunity::Claims,
        profit: Money,
    ) -> Option<LinkId> {
        use crossbook_model::Opportunity;
        claims
            .books()
            .flat_map(|book| self.claimants.get(&book).into_iter().flatten())
            .filter_map(|&(other, kind)| Some((other, self.open_of(kind).get(&other)?)))
            .filter(|(other, s)| !(*other == id && s.direction == direction))
            .filter(|(_, s)| s.alternative_to.is_none())
            .filter(|(other, s)| Opportunity::outranks(s.profit, *other, profit, id))
            .map(|(other, _)| other)
            .min()
    }

    /// Records an open opportunity of link `id` (refreshing or opening it) and decides its alert.
    fn record(
        &mut self,
        id: LinkId,
        direction: &'static str,
        mut o: crossbook_model::Opportunity,
        now: DateTime<Utc>,
        d: &mut Decisions,
    ) {
        let claims = o.claims();
        o.alternative_to = self.better_claim(id, direction, claims, o.profit);
        let kind = SetKind::of(direction);
        let map = self.open_map(kind);
        let (profit, alternative_to) = (o.profit, o.alternative_to);
        let (state, replaced) = match map.get(&id) {
            Some(s) if s.direction == direction => (
                OpenState { last_seen: now, peak_edge: s.peak_edge.max(o.edge), claims, profit, alternative_to, ..*s },
                None,
            ),
            // The other direction now: that opportunity closed, this one opens.
            other => (
                OpenState {
                    direction,
                    first_seen: now,
                    last_seen: now,
                    peak_edge: o.edge,
                    alerted: false,
                    claims,
                    profit,
                    alternative_to,
                },
                other.copied(),
            ),
        };
        let old = map.insert(id, state).map(|s| s.claims);
        self.claim(id, kind, claims, old);
        if let Some(prev) = replaced {
            self.closed(id, prev, now);
        }
        d.open += 1;
        if self.trader.is_some() && state.first_seen == now && o.alternative_to.is_none() {
            self.take(id, direction, &o, now);
        }
        // An alternative's liquidity is the better one's: it is recorded, never alerted.
        let alert = (o.alternative_to.is_none() && self.cfg.alerts.wants(&o, now)).then(|| o.clone());
        // The record first, so that the alert's row points at it.
        self.writer.send(Write::Opportunity {
            o: Box::new(o),
            direction,
            first_seen: state.first_seen,
            last_seen: now,
        });
        if let (Some(o), Some(a)) = (alert, &self.alerter)
            && a.arbitrage(direction, &o, state.first_seen == now, now)
        {
            d.alerts += 1;
            if let Some(s) = self.open_map(kind).get_mut(&id) {
                s.alerted = true;
            }
        }
    }

    /// A soccer game's three outcomes, each bought where it is cheapest.
    fn evaluate_three_way(&mut self, draw: LinkId, now: DateTime<Utc>, d: &mut Decisions) {
        let Some(game) = self.three_way.get(&draw).cloned() else { return };
        let Ok(in_play) = self.gate(draw, now) else {
            self.close_set(SetKind::ThreeWay, draw, now);
            return;
        };
        let o = {
            let mut outcomes: [Vec<crossbook_arb::LegQuote<'_>>; 3] = Default::default();
            let open =
                |venue: Venue, book: &str, stored: MarketState| self.state_now(venue, book, stored).is_tradable();
            for (k, ids) in game.iter().enumerate() {
                for (i, id) in ids.iter().enumerate() {
                    let Some(w) = self.links.links.get(id) else { return };
                    let c = &w.link.candidate;
                    // The outcome's Kalshi market, once (every link of the outcome shares it).
                    if i == 0
                        && let Some(book) = self
                            .books
                            .get(Venue::Kalshi, c.kalshi_ticker.as_str())
                            .filter(|_| open(Venue::Kalshi, c.kalshi_ticker.as_str(), w.kalshi_state.0))
                    {
                        outcomes[k].push(crossbook_arb::LegQuote {
                            instrument: crossbook_arb::Instrument::Binary {
                                venue: Venue::Kalshi,
                                market: c.kalshi_ticker.as_str(),
                                side: crossbook_model::Side::Yes,
                            },
                            book,
                            fees: w.kalshi_fees,
                            rules: &w.kalshi_rules,
                        });
                    }
                    // The outcome on the link's second venue: its token, or its side of a
                    // Polymarket US market.
                    let instrument = match c.poly_venue {
                        Venue::PolymarketUs => Some(crossbook_arb::Instrument::Binary {
                            venue: Venue::PolymarketUs,
                            market: c.poly_market_id.as_str(),
                            side: if c.poly_outcome_index == 0 {
                                crossbook_model::Side::Yes
                            } else {
                                crossbook_model::Side::No
                            },
                        }),
                        venue => c.poly_token_id.as_ref().map(|t| crossbook_arb::Instrument::Token {
                            venue,
                            token: t.as_str(),
                            outcome: c.poly_outcome.as_str(),
                        }),
                    };
                    let book_id = match instrument {
                        Some(crossbook_arb::Instrument::Binary { market, .. }) => market,
                        Some(crossbook_arb::Instrument::Token { token, .. }) => token,
                        None => continue,
                    };
                    if let Some(instrument) = instrument
                        && open(c.poly_venue, book_id, w.poly_state.0)
                        && let Some(book) = self.books.get(c.poly_venue, book_id)
                    {
                        outcomes[k].push(crossbook_arb::LegQuote {
                            instrument,
                            book,
                            fees: w.poly_fees,
                            rules: &w.poly_rules,
                        });
                    }
                }
            }
            let link = &self.links.links.get(&draw).map(|w| &w.link);
            link.and_then(|l| {
                crossbook_arb::evaluate_three_way(l, &outcomes, self.cfg.precision, in_play, now, self.cfg.stale_after)
            })
        };
        match o {
            Some(mut o) => {
                o.urls = self.links.links.get(&draw).map(|w| w.urls.clone());
                for id in game.iter().flatten() {
                    if let Some(w) = self.links.links.get(id) {
                        w.name(&mut o);
                    }
                }
                self.record(draw, THREE_WAY, o, now, d)
            }
            None => self.close_set(SetKind::ThreeWay, draw, now),
        }
    }

    /// A Kalshi market linked to a Polymarket outcome and to a Polymarket US side: the two pay
    /// together (each exactly when the Kalshi YES does), so Polymarket's outcome with Polymarket
    /// US's other side — or Polymarket's other outcome with Polymarket US's linked side — is a set
    /// of which exactly one leg pays. Priced like any two legs, filed under the Polymarket US link,
    /// with the worse of the two links' rule classes.
    fn evaluate_bridge(&mut self, us: LinkId, now: DateTime<Utc>, d: &mut Decisions) {
        use crossbook_arb::{Instrument, LegQuote};
        use crossbook_model::Side;
        let Some(poly) = self.bridges.get(&us).map(|b| b.poly) else { return };
        let (Ok(in_play), Ok(_)) = (self.gate(us, now), self.gate(poly, now)) else {
            self.close_set(SetKind::Bridge, us, now);
            return;
        };
        d.evaluated += 1;
        let found = {
            let (Some(wu), Some(wp), Some(bridge)) =
                (self.links.links.get(&us), self.links.links.get(&poly), self.bridges.get(&us))
            else {
                return;
            };
            let (cu, cp) = (&wu.link.candidate, &wp.link.candidate);
            let open =
                |venue: Venue, book: &str, stored: MarketState| self.state_now(venue, book, stored).is_tradable();
            let slug = cu.poly_market_id.as_str();
            let us_book =
                self.books.get(Venue::PolymarketUs, slug).filter(|_| open(Venue::PolymarketUs, slug, wu.poly_state.0));
            let token_book = |token: &str| {
                self.books.get(Venue::Polymarket, token).filter(|_| open(Venue::Polymarket, token, wp.poly_state.0))
            };
            // The Polymarket US side that pays with the Kalshi YES, and the one that pays with its NO.
            let (us_yes, us_no) =
                if cu.poly_outcome_index == 0 { (Side::Yes, Side::No) } else { (Side::No, Side::Yes) };
            let mut sets: Vec<(&'static str, [LegQuote<'_>; 2])> = Vec::new();
            if let Some(us_book) = us_book {
                let us_leg = |side| LegQuote {
                    instrument: Instrument::Binary { venue: Venue::PolymarketUs, market: slug, side },
                    book: us_book,
                    fees: wu.poly_fees,
                    rules: &wu.poly_rules,
                };
                let outcomes = [
                    (BRIDGE_SAME, cp.poly_token_id.as_ref().map(|t| (t.as_str(), cp.poly_outcome.as_str())), us_no),
                    (BRIDGE_OTHER, wp.other.as_ref().map(|(t, n)| (t.as_str(), n.as_str())), us_yes),
                ];
                for (direction, outcome, side) in outcomes {
                    let Some((token, outcome)) = outcome else { continue };
                    let Some(book) = token_book(token) else { continue };
                    let poly_leg = LegQuote {
                        instrument: Instrument::Token { venue: Venue::Polymarket, token, outcome },
                        book,
                        fees: wp.poly_fees,
                        rules: &wp.poly_rules,
                    };
                    sets.push((direction, [poly_leg, us_leg(side)]));
                }
            }
            let legs: Vec<[LegQuote<'_>; 2]> = sets.iter().map(|(_, legs)| *legs).collect();
            crossbook_arb::evaluate_legs(&bridge.link, &legs, self.cfg.precision, in_play, now, self.cfg.stale_after)
                .map(|(i, mut o)| {
                    wp.name(&mut o);
                    wu.name(&mut o);
                    o.urls = Some(wp.urls.clone());
                    (sets[i].0, o)
                })
        };
        match found {
            Some((direction, o)) => self.record(us, direction, o, now, d),
            None => self.close_set(SetKind::Bridge, us, now),
        }
    }

    /// Sends a link's chart point to the writer when it says something new (see
    /// [`SAMPLE_EVERY`] and [`SAMPLE_HEARTBEAT`]).
    fn sample(&mut self, q: crossbook_store::QuoteSample) {
        let due = match self.last_sample.get(&q.link_id) {
            None => true,
            Some(last) => {
                let since = q.at - last.at;
                since >= SAMPLE_HEARTBEAT || (since >= SAMPLE_EVERY && !q.same_values(last))
            }
        };
        if due {
            self.last_sample.insert(q.link_id, q.clone());
            self.writer.send(Write::Samples(vec![q]));
        }
    }

    /// Re-evaluates `ids`: opens, refreshes or closes their opportunities and decides alerts.
    fn evaluate(&mut self, ids: &[LinkId], now: DateTime<Utc>) -> Decisions {
        let mut d = Decisions::default();
        let mut found = Vec::new();
        for &id in ids {
            let Some(w) = self.links.links.get(&id) else { continue };
            d.evaluated += 1;
            let Ok(in_play) = self.gate(id, now) else {
                self.close(id, now);
                continue;
            };
            if let Some(why) = self.untradable(id) {
                if self.open.contains_key(&id) {
                    tracing::info!(link = id.0, reason = %why, "opportunity closed: a leg cannot be traded");
                }
                self.close(id, now);
                continue;
            }
            let c = &w.link.candidate;
            let kalshi = self.books.get(Venue::Kalshi, c.kalshi_ticker.as_str());
            let (result, poly_at, poly_asks) = match c.poly_venue {
                Venue::PolymarketUs => {
                    let us = self.books.get(Venue::PolymarketUs, c.poly_market_id.as_str());
                    let result = kalshi.zip(us).and_then(|(kalshi, us)| {
                        binary_pair(w, kalshi, us, self.cfg.precision, in_play, now, self.cfg.stale_after)
                    });
                    // The linked outcome's side and the other side, each at what buying it costs.
                    let (long, short) = (
                        us.and_then(|b| b.asks.best()).map(|l| l.price),
                        us.and_then(|b| b.bids.best()).map(|l| l.price.complement()),
                    );
                    let asks = if c.poly_outcome_index == 0 { (long, short) } else { (short, long) };
                    (result, us.map(|b| (Venue::PolymarketUs, b.received_at)), asks)
                }
                _ => {
                    let same = c.poly_token_id.as_ref().and_then(|t| self.books.get(Venue::Polymarket, t.as_str()));
                    let poly_other = w.other.as_ref().and_then(|(t, _)| self.books.get(Venue::Polymarket, t));
                    let result = match (kalshi, same) {
                        (Some(kalshi), Some(poly_same)) => evaluate(
                            &w.link,
                            &PairQuotes {
                                kalshi,
                                kalshi_fees: w.kalshi_fees,
                                poly_same,
                                poly_other,
                                poly_fees: w.poly_fees,
                                poly_other_token: w.other.as_ref().map(|(t, _)| t.as_str()),
                                poly_other_name: w.other.as_ref().map(|(_, n)| n.as_str()),
                                kalshi_rules: &w.kalshi_rules,
                                poly_rules: &w.poly_rules,
                                precision: self.cfg.precision,
                                in_play,
                            },
                            now,
                            self.cfg.stale_after,
                        ),
                        _ => None,
                    };
                    let ask = |b: Option<&OrderBook>| b.and_then(|b| b.asks.best()).map(|l| l.price);
                    (result, same.map(|b| (Venue::Polymarket, b.received_at)), (ask(same), ask(poly_other)))
                }
            };
            let kalshi_at = kalshi.map(|b| b.received_at);
            let sample = quote_sample(id, kalshi, poly_asks, result.as_ref().map(|(_, o)| o.edge), now);
            let urls = result.is_some().then(|| w.urls.clone());
            self.sample(sample);
            let Some((direction, mut o)) = result else {
                self.close(id, now);
                continue;
            };
            o.urls = urls;
            if let Some(w) = self.links.links.get(&id) {
                w.name(&mut o);
            }
            for (venue, at) in kalshi_at.map(|at| (Venue::Kalshi, at)).into_iter().chain(poly_at) {
                let age = (now - at).num_milliseconds().max(0) as f64 / 1000.0;
                self.status.latencies.quote_age[venue].observe(age);
            }
            found.push((id, direction.as_str(), o));
        }
        // The best first (as `claim_once` ranks them): where two buy from one book, it claims it.
        found.sort_by(|a, b| b.2.profit.cmp(&a.2.profit).then(a.0.cmp(&b.0)));
        for (id, direction, o) in found {
            self.record(id, direction, o, now, &mut d);
        }
        // The soccer games these links belong to: their three outcomes together.
        let mut games: Vec<LinkId> = ids.iter().filter_map(|id| self.three_way_of.get(id)).copied().collect();
        games.sort();
        games.dedup();
        for draw in games {
            self.evaluate_three_way(draw, now, &mut d);
        }
        // Polymarket against Polymarket US where a Kalshi market bridges these links.
        let mut bridged: Vec<LinkId> = ids.iter().filter_map(|id| self.bridge_of.get(id)).flatten().copied().collect();
        bridged.sort();
        bridged.dedup();
        for us in bridged {
            self.evaluate_bridge(us, now, &mut d);
        }
        d
    }
}

/// A soccer game's three outcomes, each the watched links of one Kalshi market (one per second
/// venue: Polymarket, Polymarket US), in order of their first link (shared: each evaluation of
/// the game holds it while it records).
type ThreeWay = [Vec<LinkId>; 3];

/// Soccer games whose three outcomes (two moneyline markets and the draw) are all watched, each
/// with a yes/no outcome that pays with its Kalshi YES on some venue: the draw's first link →
/// the game's links by outcome.
fn three_way_games(links: &LinkSet) -> HashMap<LinkId, Arc<ThreeWay>> {
    // Kalshi event → Kalshi market → its links.
    type Outcomes<'a> = HashMap<&'a str, Vec<(&'a Watched, LinkId)>>;
    let mut by_game: HashMap<&str, Outcomes<'_>> = HashMap::new();
    for (id, w) in &links.links {
        let c = &w.link.candidate;
        let yes_no = c.poly_token_id.is_some() || c.poly_venue == Venue::PolymarketUs;
        if c.league.is_some_and(|l| l.sport() == crossbook_model::Sport::Soccer) && yes_no {
            by_game
                .entry(c.kalshi_event_ticker.as_str())
                .or_default()
                .entry(c.kalshi_ticker.as_str())
                .or_default()
                .push((w, *id));
        }
    }
    by_game
        .into_values()
        .filter_map(|markets| {
            let mut v: Vec<Vec<(&Watched, LinkId)>> = markets.into_values().collect();
            for links in &mut v {
                links.sort_by_key(|(_, id)| *id);
            }
            v.sort_by_key(|links| links[0].1);
            use crossbook_model::MarketKind::{Draw, FirstHalfDraw, FirstHalfMoneyline, Moneyline};
            let kind = |links: &Vec<(&Watched, LinkId)>| links[0].0.link.candidate.kind;
            let kinds = |k: crossbook_model::MarketKind| v.iter().filter(|links| kind(links) == k).count();
            // The full time's three outcomes, or the halftime's (a Kalshi event holds one or the other).
            let draw_kind = [(Draw, Moneyline), (FirstHalfDraw, FirstHalfMoneyline)]
                .into_iter()
                .find(|(d, m)| v.len() == 3 && kinds(*d) == 1 && kinds(*m) == 2)?
                .0;
            let draw = v.iter().find(|links| kind(links) == draw_kind)?[0].1;
            let ids = |i: usize| v[i].iter().map(|(_, id)| *id).collect::<Vec<_>>();
            Some((draw, Arc::new([ids(0), ids(1), ids(2)])))
        })
        .collect()
}

/// A Kalshi market linked both to a Polymarket outcome and to a Polymarket US side.
#[derive(Debug)]
struct Bridge {
    /// The Polymarket link (the Polymarket US link is the key).
    poly: LinkId,
    /// The Polymarket US link with the worse of the two links' rule classes and both links'
    /// reasons: how the set settles, made once per watchlist.
    link: Link,
}

/// Kalshi markets linked both to a Polymarket outcome (a token) and to a Polymarket US side (the
/// lowest link of each, where there are more), by the Polymarket US link.
fn bridges(links: &LinkSet) -> HashMap<LinkId, Bridge> {
    let mut by_market: HashMap<&str, (Option<LinkId>, Option<LinkId>)> = HashMap::new();
    for (id, w) in &links.links {
        let c = &w.link.candidate;
        let slot = by_market.entry(c.kalshi_ticker.as_str()).or_default();
        let pick = |have: Option<LinkId>| Some(have.map_or(*id, |h| h.min(*id)));
        match c.poly_venue {
            Venue::PolymarketUs => slot.1 = pick(slot.1),
            Venue::Polymarket if c.poly_token_id.is_some() => slot.0 = pick(slot.0),
            _ => {}
        }
    }
    let rank = |r: Option<crossbook_model::RuleRisk>| match r {
        Some(crossbook_model::RuleRisk::Incompatible) => 2,
        Some(crossbook_model::RuleRisk::Minor) => 1,
        _ => 0,
    };
    by_market
        .into_values()
        .filter_map(|(poly, us)| {
            let (poly, us) = (poly?, us?);
            let (wp, wu) = (links.links.get(&poly)?, links.links.get(&us)?);
            let mut link = wu.link.clone();
            if rank(wp.link.rule_risk) > rank(link.rule_risk) {
                link.rule_risk = wp.link.rule_risk;
            }
            for reason in &wp.link.rule_reasons {
                if !link.rule_reasons.contains(reason) {
                    link.rule_reasons.push(reason.clone());
                }
            }
            Some((us, Bridge { poly, link }))
        })
        .collect()
}

/// The process's one desk, shared by the streams, the REST passes and the monitor.
pub type SharedDesk = Arc<std::sync::Mutex<Desk>>;

/// Loads the watched links into `desk` (and, the first time, the opportunities the database
/// holds open), reading the store without the desk's lock held. Returns what they were made of.
pub async fn refresh(desk: &SharedDesk, store: &dyn Store, now: DateTime<Utc>) -> anyhow::Result<WatchSnapshot> {
    let snapshot = WatchSnapshot::load(store).await?;
    let links = LinkSet::from_snapshot(&snapshot);
    let open = if lock(desk).adopted() { Vec::new() } else { store.list_open_opportunities().await? };
    let mut d = lock(desk);
    d.adopt(&open);
    d.set_links(links, now);
    Ok(snapshot)
}

/// Locks the desk (a panic elsewhere leaves it usable: its state is plain data).
pub fn lock(desk: &SharedDesk) -> std::sync::MutexGuard<'_, Desk> {
    desk.lock().unwrap_or_else(|p| p.into_inner())
}
