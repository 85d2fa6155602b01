//! What the arbitrage was worth over a window, per league and kind, from what the service
//! recorded: the links' chart points (`quote_samples`: both venues' best asks and the edge after
//! fees) and the opportunities (first and last seen, close, size, capital, profit).
//!
//! - **Share of the time with an edge**: each chart point holds until the next one, for at most
//!   [`HOLD`] (the desk writes a point at least once a minute while it evaluates a link; past
//!   that the link was not watched). Before fees the edge is 1 − the cheaper pair of asks (Kalshi
//!   YES + Polymarket's other outcome, or Kalshi NO + Polymarket's outcome that pays with YES);
//!   after fees it is the desk's own figure, at depth.
//! - **Who moved first**: at each point where an edge after fees appears, the venue whose asks
//!   changed since the link's previous point (both, when both did within that second).
//! - Edges, sizes, capital and lifetimes are those of the recorded opportunities.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use chrono::{DateTime, Duration, Utc};
use crossbook_model::{LinkId, Money, Qty};
use crossbook_store::{QuoteSample, Store, StoredOpportunity};
use serde::Serialize;

/// How long one chart point stands for at most.
pub const HOLD: Duration = Duration::seconds(60);

/// The figures of one league and kind.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Group {
    pub league: String,
    pub kind: String,
    /// Links with chart points in the window, and the time they cover.
    pub links: usize,
    pub observed_s: i64,
    /// Seconds with an edge before fees (top of book) and after fees (at depth).
    pub gross_edge_s: i64,
    pub net_edge_s: i64,
    pub opportunities: usize,
    /// Peak edge per contract pair after fees, over the opportunities.
    pub edge_p50: Money,
    pub edge_p90: Money,
    pub edge_max: Money,
    /// Fillable size (pairs) and capital (both venues) per opportunity.
    pub size_p50: Qty,
    pub capital_p50: Money,
    /// The opportunities' profits added up (each at its last recorded size).
    pub profit_total: Money,
    pub lifetime_p50_s: i64,
    pub lifetime_p90_s: i64,
    /// Minutes from first seen to the game's start (negative: in play).
    pub to_start_p50_min: Option<i64>,
    /// Which venue's prices moved when an edge after fees appeared.
    pub first_mover: FirstMover,
}

/// Counts of who moved first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FirstMover {
    pub kalshi: u64,
    pub polymarket: u64,
    pub both: u64,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub groups: Vec<Group>,
    /// Every opportunity's lifetime in seconds and peak edge, for the distributions.
    pub lifetimes_s: Vec<i64>,
    pub edges: Vec<Money>,
    /// The trades taken in the window (paper or live): what the strategy made, after latency,
    /// partial fills and fees, per league, kind and day.
    pub trades: crate::ledger::Pnl,
}

/// The value at quantile `q` (0..=1) of sorted `v`.
fn quantile<T: Copy + Default>(v: &[T], q: f64) -> T {
    if v.is_empty() {
        return T::default();
    }
    v[((v.len() - 1) as f64 * q).round() as usize]
}

/// Edge before fees at the top of both books, in micro-dollars, when a pair is quoted.
fn gross_edge(s: &QuoteSample) -> Option<i64> {
    let pair = |a: Option<crossbook_model::Price>, b: Option<crossbook_model::Price>| Some(a?.micros() + b?.micros());
    let cheapest = [pair(s.kalshi_yes, s.poly_no), pair(s.kalshi_no, s.poly_yes)].into_iter().flatten().min()?;
    Some(crossbook_model::money::SCALE - cheapest)
}

/// How long an opportunity lasted (to its close, else to its last sighting).
fn lifetime_s(o: &StoredOpportunity) -> i64 {
    (o.closed_at.unwrap_or(o.last_seen) - o.first_seen).num_seconds().max(0)
}

/// Builds the report of `[from, to]` from the store.
pub async fn build(store: &dyn Store, from: DateTime<Utc>, to: DateTime<Utc>) -> anyhow::Result<Report> {
    let links = store.list_links(None).await?;
    let key_of: HashMap<LinkId, (String, String)> = links
        .iter()
        .map(|l| {
            let c = &l.candidate;
            (l.id, (c.league.map(|x| x.code().to_string()).unwrap_or_else(|| "-".into()), c.kind.as_str().to_string()))
        })
        .collect();
    let mut groups: BTreeMap<(String, String), Group> = BTreeMap::new();
    for l in &links {
        let samples: Vec<QuoteSample> =
            store.quote_samples(l.id, from, 1_000_000).await?.into_iter().filter(|s| s.at <= to).collect();
        if samples.is_empty() {
            continue;
        }
        let key = key_of[&l.id].clone();
        let g = groups.entry(key.clone()).or_insert_with(|| Group { league: key.0, kind: key.1, ..Group::default() });
        g.links += 1;
        for (i, s) in samples.iter().enumerate() {
            let until = samples.get(i + 1).map_or(to, |n| n.at).min(s.at + HOLD).min(to);
            let held = (until - s.at).num_seconds().max(0);
            g.observed_s += held;
            if gross_edge(s).is_some_and(|e| e > 0) {
                g.gross_edge_s += held;
            }
            if s.edge.is_some_and(|e| e > Money::ZERO) {
                g.net_edge_s += held;
            }
            if i > 0 && s.edge.is_some() && samples[i - 1].edge.is_none() {
                let p = &samples[i - 1];
                let kalshi = (s.kalshi_yes, s.kalshi_no) != (p.kalshi_yes, p.kalshi_no);
                let poly = (s.poly_yes, s.poly_no) != (p.poly_yes, p.poly_no);
                match (kalshi, poly) {
                    (true, true) => g.first_mover.both += 1,
                    (true, false) => g.first_mover.kalshi += 1,
                    (false, true) => g.first_mover.polymarket += 1,
                    (false, false) => {}
                }
            }
        }
    }
    // An alternative's liquidity is its better one's: counted there, once.
    let opportunities: Vec<StoredOpportunity> = store
        .opportunities_since(from)
        .await?
        .into_iter()
        .filter(|o| o.first_seen <= to && o.opportunity.alternative_to.is_none())
        .collect();
    let mut by_group: BTreeMap<(String, String), Vec<&StoredOpportunity>> = BTreeMap::new();
    for o in &opportunities {
        let key = key_of.get(&o.opportunity.link_id).cloned().unwrap_or_else(|| {
            (
                o.opportunity.league.map(|x| x.code().to_string()).unwrap_or_else(|| "-".into()),
                o.opportunity.kind.as_str().into(),
            )
        });
        by_group.entry(key).or_default().push(o);
    }
    for (key, opps) in by_group {
        let g = groups.entry(key.clone()).or_insert_with(|| Group { league: key.0, kind: key.1, ..Group::default() });
        g.opportunities = opps.len();
        let mut edges: Vec<Money> = opps.iter().map(|o| o.best_edge).collect();
        edges.sort();
        (g.edge_p50, g.edge_p90, g.edge_max) = (quantile(&edges, 0.5), quantile(&edges, 0.9), quantile(&edges, 1.0));
        let mut sizes: Vec<Qty> = opps.iter().map(|o| o.opportunity.max_size).collect();
        sizes.sort();
        g.size_p50 = quantile(&sizes, 0.5);
        let mut capital: Vec<i64> = opps.iter().map(|o| o.opportunity.capital.total().micros()).collect();
        capital.sort();
        g.capital_p50 = Money::from_micros(quantile(&capital, 0.5)).unwrap_or(Money::ZERO);
        let profit: i64 = opps.iter().map(|o| o.opportunity.profit.micros()).sum();
        g.profit_total = Money::from_micros(profit).unwrap_or(Money::ZERO);
        let mut lives: Vec<i64> = opps.iter().map(|o| lifetime_s(o)).collect();
        lives.sort();
        (g.lifetime_p50_s, g.lifetime_p90_s) = (quantile(&lives, 0.5), quantile(&lives, 0.9));
        let mut to_start: Vec<i64> =
            opps.iter().filter_map(|o| Some((o.opportunity.starts_at? - o.first_seen).num_minutes())).collect();
        to_start.sort();
        g.to_start_p50_min = (!to_start.is_empty()).then(|| quantile(&to_start, 0.5));
    }
    let mut lifetimes_s: Vec<i64> = opportunities.iter().map(lifetime_s).collect();
    lifetimes_s.sort();
    let mut edges: Vec<Money> = opportunities.iter().map(|o| o.best_edge).collect();
    edges.sort();
    let trades: Vec<crossbook_model::Trade> =
        store.list_trades(from).await?.into_iter().filter(|t| t.decided_at <= to).collect();
    let trades = crate::ledger::pnl(&trades);
    Ok(Report { from, to, groups: groups.into_values().collect(), lifetimes_s, edges, trades })
}

/// A share of `of` as a percentage with one decimal.
fn pct(part: i64, of: i64) -> String {
    if of == 0 { "–".into() } else { format!("{:.1} %", part as f64 * 100.0 / of as f64) }
}

/// The report as a table a person reads.
pub fn text(r: &Report, tz: chrono_tz::Tz) -> String {
    let mut out = format!(
        "opportunities from {} to {}\n",
        crate::reports::local_time(r.from, tz),
        crate::reports::local_time(r.to, tz)
    );
    let _ = writeln!(
        out,
        "{:<9} {:<11} {:>5} {:>9} {:>8} {:>8} {:>6} {:>9} {:>9} {:>9} {:>9} {:>10} {:>11} {:>11} {:>14}",
        "LEAGUE",
        "KIND",
        "LINKS",
        "WATCHED",
        "EDGE",
        "NET EDGE",
        "OPPS",
        "EDGE P50",
        "EDGE P90",
        "SIZE P50",
        "CAPITAL",
        "PROFIT",
        "LIFE P50/90",
        "TO START",
        "FIRST K/P/BOTH"
    );
    for g in &r.groups {
        let _ = writeln!(
            out,
            "{:<9} {:<11} {:>5} {:>8}s {:>8} {:>8} {:>6} {:>9} {:>9} {:>9} {:>9} {:>10} {:>11} {:>11} {:>14}",
            g.league,
            g.kind,
            g.links,
            g.observed_s,
            pct(g.gross_edge_s, g.observed_s),
            pct(g.net_edge_s, g.observed_s),
            g.opportunities,
            // (Money and Qty print exactly and ignore widths: strings first.)
            g.edge_p50.to_string(),
            g.edge_p90.to_string(),
            g.size_p50.to_string(),
            g.capital_p50.to_string(),
            g.profit_total.to_string(),
            format!("{}/{} s", g.lifetime_p50_s, g.lifetime_p90_s),
            g.to_start_p50_min.map(|m| format!("{m} min")).unwrap_or_else(|| "-".into()),
            format!("{}/{}/{}", g.first_mover.kalshi, g.first_mover.polymarket, g.first_mover.both),
        );
    }
    if r.trades.total.trades > 0 {
        let _ = writeln!(out, "\ntrades taken (after latency, partial fills and fees)");
        for (name, t) in trades_rows(&r.trades) {
            let _ = writeln!(
                out,
                "{name:<22} {:>4} trades {:>3} unhedged {:>3} unwound {:>3} missed | sets {} | fees {} | made {} (promised {})",
                t.trades, t.unhedged, t.unwound, t.missed, t.sets, t.fees, t.pnl, t.planned_profit
            );
        }
    }
    out
}

/// The trades' rows: all, then per league, then per kind.
fn trades_rows(p: &crate::ledger::Pnl) -> Vec<(String, &crate::ledger::Totals)> {
    std::iter::once(("all".to_string(), &p.total))
        .chain(p.by_league.iter().map(|(k, t)| (format!("league {k}"), t)))
        .chain(p.by_kind.iter().map(|(k, t)| (format!("kind {k}"), t)))
        .collect()
}

/// Bars of `counts` under `labels`, as an SVG (`title` above).
fn bars_svg(title: &str, labels: &[String], counts: &[usize]) -> String {
    let (w, h, left, bottom) = (560.0, 220.0, 40.0, 40.0);
    let max = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let slot = (w - left - 10.0) / labels.len().max(1) as f64;
    let mut s = format!(r#"<figure><figcaption>{}</figcaption><svg viewBox="0 0 {w} {h}" role="img">"#, esc(title));
    let _ = write!(s, r##"<line x1="{left}" y1="{0}" x2="{1}" y2="{0}" stroke="#888"/>"##, h - bottom, w - 10.0);
    for (i, (label, n)) in labels.iter().zip(counts).enumerate() {
        let bh = (h - bottom - 20.0) * *n as f64 / max;
        let x = left + i as f64 * slot + slot * 0.15;
        let _ = write!(
            s,
            r##"<rect x="{x:.1}" y="{:.1}" width="{:.1}" height="{bh:.1}" fill="#3e9e7e"/><text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="11">{n}</text><text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="11">{}</text>"##,
            h - bottom - bh,
            slot * 0.7,
            x + slot * 0.35,
            h - bottom - bh - 4.0,
            x + slot * 0.35,
            h - bottom + 16.0,
            esc(label)
        );
    }
    s.push_str("</svg></figure>");
    s
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Counts of `values` in the buckets bounded by `edges` (the last bucket open-ended).
fn histogram(values: impl Iterator<Item = i64>, edges: &[i64]) -> Vec<usize> {
    let mut counts = vec![0; edges.len() + 1];
    for v in values {
        counts[edges.iter().take_while(|e| v >= **e).count()] += 1;
    }
    counts
}

/// The report as a self-contained HTML page with its charts (inline SVG).
pub fn html(r: &Report, tz: chrono_tz::Tz) -> String {
    let mut page = String::from(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>crossbook — what the arbitrage was worth</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d2630}table{border-collapse:collapse}th,td{padding:4px 8px;border-bottom:1px solid #ddd;text-align:right}th:nth-child(-n+2),td:nth-child(-n+2){text-align:left}figure{display:inline-block;margin:12px 24px 12px 0}figcaption{font-weight:600}svg{width:560px;height:auto;font-family:system-ui}</style></head><body>"#,
    );
    let _ = write!(
        page,
        "<h1>What the arbitrage was worth</h1><p>{} to {}. Shares of the watched time with an edge before fees (top of book) and after both venues' fees (at depth); opportunities with their peak edge per pair, fillable size, capital, summed profit and lifetime; the venue whose prices moved when an edge appeared.</p><table><tr><th>League</th><th>Kind</th><th>Links</th><th>Watched</th><th>Edge before fees</th><th>After fees</th><th>Opportunities</th><th>Edge p50</th><th>p90</th><th>max</th><th>Size p50</th><th>Capital p50</th><th>Profit</th><th>Lifetime p50 / p90</th><th>To start p50</th><th>Moved first K / P / both</th></tr>",
        crate::reports::local_time(r.from, tz),
        crate::reports::local_time(r.to, tz)
    );
    for g in &r.groups {
        // What every group has: its links, watched time and the shares with an edge.
        let _ = write!(
            page,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} s</td><td>{}</td><td>{}</td><td>{}</td>",
            esc(&g.league),
            esc(&g.kind),
            g.links,
            g.observed_s,
            pct(g.gross_edge_s, g.observed_s),
            pct(g.net_edge_s, g.observed_s),
            g.opportunities,
        );
        if g.opportunities == 0 {
            page.push_str("<td colspan=\"9\"></td></tr>");
            continue;
        }
        let _ = write!(
            page,
            "<td>${}</td><td>${}</td><td>${}</td><td>{}</td><td>${}</td><td>${}</td><td>{} / {} s</td><td>{}</td><td>{} / {} / {}</td></tr>",
            g.edge_p50,
            g.edge_p90,
            g.edge_max,
            g.size_p50,
            g.capital_p50,
            g.profit_total,
            g.lifetime_p50_s,
            g.lifetime_p90_s,
            g.to_start_p50_min.map(|m| format!("{m} min")).unwrap_or_else(|| "–".into()),
            g.first_mover.kalshi,
            g.first_mover.polymarket,
            g.first_mover.both,
        );
    }
    page.push_str("</table>");
    let with: Vec<&Group> = r.groups.iter().filter(|g| g.opportunities > 0).collect();
    let labels: Vec<String> = with.iter().map(|g| format!("{} {}", g.league, g.kind)).collect();
    let counts: Vec<usize> = with.iter().map(|g| g.opportunities).collect();
    page.push_str(&bars_svg("Opportunities per league and kind", &labels, &counts));
    let life_edges = [1, 5, 30, 120, 600];
    let life_labels = ["<1 s", "1–5 s", "5–30 s", "30 s–2 min", "2–10 min", "≥10 min"].map(String::from);
    page.push_str(&bars_svg("Lifetimes", &life_labels, &histogram(r.lifetimes_s.iter().copied(), &life_edges)));
    let edge_edges = [5_000, 10_000, 20_000, 50_000];
    let edge_labels = ["<0.5¢", "0.5–1¢", "1–2¢", "2–5¢", "≥5¢"].map(String::from);
    page.push_str(&bars_svg(
        "Peak edge per pair after fees",
        &edge_labels,
        &histogram(r.edges.iter().map(|e| e.micros()), &edge_edges),
    ));
    if r.trades.total.trades > 0 {
        page.push_str("<h2>Trades taken</h2><p>What the strategy made on these opportunities after order latency, partial fills and the venues' fees, against what the opportunities promised when they were decided.</p><table><tr><th>Group</th><th></th><th>Trades</th><th>Unhedged</th><th>Unwound</th><th>Missed</th><th>Sets</th><th>Fees</th><th>Made</th><th>Promised</th></tr>");
        for (name, t) in trades_rows(&r.trades) {
            let _ = write!(
                page,
                "<tr><td>{}</td><td></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>${}</td><td>${}</td><td>${}</td></tr>",
                esc(&name),
                t.trades,
                t.unhedged,
                t.unwound,
                t.missed,
                t.sets,
                t.fees,
                t.pnl,
                t.planned_profit
            );
        }
        page.push_str("</table>");
    }
    page.push_str("</body></html>\n");
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gross_edge_takes_the_cheaper_pair() {
        let p = |v: &str| Some(v.parse().unwrap());
        let s = QuoteSample {
            link_id: LinkId(1),
            at: Utc::now(),
            kalshi_yes: p("0.42"),
            kalshi_no: p("0.6"),
            poly_yes: p("0.6"),
            poly_no: p("0.53"),
            edge: None,
        };
        assert_eq!(gross_edge(&s), Some(50_000), "1 − (0.42 + 0.53)");
        assert_eq!(gross_edge(&QuoteSample { kalshi_yes: None, poly_yes: None, ..s }), None);
        assert_eq!(histogram([0, 1, 4, 5, 700].into_iter(), &[1, 5, 30, 120, 600]), vec![1, 2, 1, 0, 0, 1]);
        assert_eq!(quantile(&[1, 2, 3, 4], 0.5), 3);
    }
}
