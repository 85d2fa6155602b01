//! Scoring the matcher against labels (`crossbook eval matching`). Labels CSV header:
//! `kalshi_ticker,polymarket_market_id,polymarket_outcome_index,kind,line,label` with label
//! `match` or `nonmatch`; the outcome index is the Polymarket outcome that pays when Kalshi
//! YES pays.

use std::collections::{BTreeMap, HashMap};

use crossbook_model::{Link, LinkStatus, Market, MarketKind};
use serde::Serialize;

/// One labelled pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub kalshi_ticker: String,
    pub poly_market_id: String,
    pub outcome_index: u8,
    pub kind: MarketKind,
    pub is_match: bool,
}

const HEADER: &str = "kalshi_ticker,polymarket_market_id,polymarket_outcome_index,kind,line,label";

/// Parses the labels file; errors name the line.
pub fn parse_labels(text: &str) -> anyhow::Result<Vec<Label>> {
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    match lines.next() {
        Some((_, h)) if h.trim() == HEADER => {}
        _ => anyhow::bail!("labels: the first line must be `{HEADER}`"),
    }
    lines
        .map(|(n, l)| {
            let f: Vec<&str> = l.split(',').map(str::trim).collect();
            let at = |what: &str| anyhow::anyhow!("labels line {}: {what}", n + 1);
            if f.len() != 6 {
                return Err(at("expected 6 fields"));
            }
            Ok(Label {
                kalshi_ticker: f[0].to_string(),
                poly_market_id: f[1].to_string(),
                outcome_index: f[2].parse().map_err(|_| at("bad outcome index"))?,
                kind: f[3].parse().map_err(|_| at("bad kind"))?,
                is_match: match f[5] {
                    "match" => true,
                    "nonmatch" => false,
                    _ => return Err(at("label must be match or nonmatch")),
                },
            })
        })
        .collect()
}

/// Figures of one slice (a kind, a league, or everything).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Stats {
    /// Labelled matches.
    pub matches: u64,
    /// Of those, linked (confirmed or suggested) to the right outcome.
    pub found: u64,
    /// Of those, confirmed.
    pub confirmed: u64,
    /// Live links that contradict a label (wrong market, wrong outcome, labelled nonmatch).
    pub wrong: u64,
    /// Wrong links that were confirmed.
    pub false_confirms: u64,
    /// Links to the labelled market, and how many point at the right outcome.
    pub oriented: u64,
    pub oriented_right: u64,
    pub precision: f64,
    pub recall: f64,
    /// Of the labelled matches, the share auto-confirmed.
    pub confirm_rate: f64,
    pub orientation_accuracy: f64,
}

impl Stats {
    fn finish(&mut self) {
        let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { (a as f64 / b as f64 * 1000.0).round() / 1000.0 };
        self.precision = ratio(self.found, self.found + self.wrong);
        self.recall = ratio(self.found, self.matches);
        self.confirm_rate = ratio(self.confirmed, self.matches);
        self.orientation_accuracy = ratio(self.oriented_right, self.oriented);
    }
}

/// The whole evaluation.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EvalReport {
    pub overall: Stats,
    pub by_kind: BTreeMap<String, Stats>,
    pub by_league: BTreeMap<String, Stats>,
    /// Live links on Kalshi markets no label mentions.
    pub unlabelled_links: u64,
    /// Live links whose Kalshi ticker states a start time (an independent record of the start),
    /// and of those, how many have `starts_at` within 15 minutes of it.
    pub starts_checked: u64,
    pub starts_within_15m: u64,
    /// One line per miss or wrong link.
    pub misses: Vec<String>,
}

/// Scores live links against the labels.
pub fn score(labels: &[Label], links: &[Link], kalshi_markets: &[Market]) -> EvalReport {
    let live: HashMap<&str, &Link> = links
        .iter()
        .filter(|l| l.status != LinkStatus::Rejected)
        .map(|l| (l.candidate.kalshi_ticker.as_str(), l))
        .collect();
    let league_of: HashMap<&str, String> = kalshi_markets
        .iter()
        .map(|m| (m.id(), m.league.map(|l| l.code().to_string()).unwrap_or_else(|| "-".into())))
        .collect();
    let mut r = EvalReport::default();
    let mut add = |label: &Label, f: &dyn Fn(&mut Stats)| {
        f(&mut r.overall);
        f(r.by_kind.entry(label.kind.as_str().into()).or_default());
        let league = league_of.get(label.kalshi_ticker.as_str()).cloned().unwrap_or_else(|| "-".into());
        f(r.by_league.entry(league).or_default());
    };
    let mut misses = Vec::new();
    for label in labels {
        let link = live.get(label.kalshi_ticker.as_str()).copied();
        let same_market = link.filter(|l| l.candidate.poly_market_id.as_str() == label.poly_market_id);
        let confirmed = link.is_some_and(|l| l.status == LinkStatus::Confirmed);
        if let Some(l) = same_market {
            let right = l.candidate.poly_outcome_index == label.outcome_index;
            add(label, &|s| {
                s.oriented += 1;
                if right {
                    s.oriented_right += 1;
                }
            });
        }
        if label.is_match {
            add(label, &|s| s.matches += 1);
            match (link, same_market) {
                (Some(l), Some(_)) if l.candidate.poly_outcome_index == label.outcome_index => {
                    add(label, &|s| {
                        s.found += 1;
                        if confirmed {
                            s.confirmed += 1;
                        }
                    });
                }
                (Some(l), _) => {
                    misses.push(format!(
                        "{}: linked to {} outcome {} ({}), labelled {} outcome {}",
                        label.kalshi_ticker,
                        l.candidate.poly_market_id,
                        l.candidate.poly_outcome_index,
                        l.status,
                        label.poly_market_id,
                        label.outcome_index
                    ));
                    add(label, &|s| {
                        s.wrong += 1;
                        if confirmed {
                            s.false_confirms += 1;
                        }
                    });
                }
                (None, _) => {
                    misses.push(format!("{}: no link (labelled {})", label.kalshi_ticker, label.poly_market_id))
                }
            }
        } else if let Some(l) = same_market {
            misses.push(format!(
                "{}: linked to {} ({}) but labelled nonmatch",
                label.kalshi_ticker, label.poly_market_id, l.status
            ));
            add(label, &|s| {
                s.wrong += 1;
                if confirmed {
                    s.false_confirms += 1;
                }
            });
        }
    }
    let ticker_start: HashMap<&str, chrono::DateTime<chrono::Utc>> =
        kalshi_markets.iter().filter_map(|m| Some((m.id(), m.starts_at?))).collect();
    for l in live.values() {
        if let Some(ks) = ticker_start.get(l.candidate.kalshi_ticker.as_str()) {
            r.starts_checked += 1;
            if l.candidate.starts_at.is_some_and(|s| (s - *ks).abs() <= chrono::Duration::minutes(15)) {
                r.starts_within_15m += 1;
            } else {
                misses.push(format!(
                    "{}: starts_at {:?} vs the ticker's start {ks}",
                    l.candidate.kalshi_ticker, l.candidate.starts_at
                ));
            }
        }
    }
    let labelled: std::collections::HashSet<&str> = labels.iter().map(|l| l.kalshi_ticker.as_str()).collect();
    r.unlabelled_links = live.keys().filter(|t| !labelled.contains(*t)).count() as u64;
    r.overall.finish();
    r.by_kind.values_mut().for_each(Stats::finish);
    r.by_league.values_mut().for_each(Stats::finish);
    r.misses = misses;
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_parse_and_errors_name_the_line() {
        let ok =
            format!("{HEADER}\nKXNBAGAME-26JAN09MILLAL-MIL,1096983,0,moneyline,,match\nK-2,9,1,spread,-3.5,nonmatch\n");
        let labels = parse_labels(&ok).unwrap();
        assert_eq!(labels.len(), 2);
        assert!(labels[0].is_match && !labels[1].is_match);
        let bad = format!("{HEADER}\nK,1,0,moneyline,,maybe\n");
        assert!(parse_labels(&bad).unwrap_err().to_string().contains("line 2"));
        assert!(parse_labels("a,b\n").is_err());
    }
}
