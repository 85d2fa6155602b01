//! Market pairing inside a matched game: which Polymarket outcome pays exactly when the Kalshi
//! market's YES pays, and how far apart their lines are.

use crossbook_model::{Market, MarketKind};

use crate::similarity::similarity;

/// A Polymarket outcome paired with a Kalshi market.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Pairing {
    pub(crate) outcome: usize,
    /// |Kalshi line − Polymarket line| in hundredths, for kinds with a line.
    pub(crate) line_distance: Option<i32>,
    /// Both sides of the orientation come from dictionaries (or are fixed words: Over, Yes, draw).
    pub(crate) certain: bool,
}

fn outcome_named(p: &Market, name: &str) -> Option<usize> {
    p.outcomes.iter().position(|o| o.name.eq_ignore_ascii_case(name))
}

fn known(id: &str) -> bool {
    !id.starts_with('~')
}

/// The comparable text of a participant id (`NBA:LAL` → `lal`, `~jannik sinner` → itself).
pub(crate) fn plain(id: &str) -> String {
    id.split_once(':').map_or_else(|| id.trim_start_matches('~').to_string(), |(_, c)| c.to_ascii_lowercase())
}

/// The outcome whose participant is `subject`: exactly (certain when both are dictionary ids),
/// or by name similarity ≥ `fuzzy_min` and clearly ahead of the other outcome (uncertain).
fn outcome_for(p: &Market, subject: &str, fuzzy_min: f64) -> Option<(usize, bool)> {
    if let Some(i) = p.outcomes.iter().position(|o| o.participant.as_deref() == Some(subject)) {
        return Some((i, known(subject)));
    }
    let scores: Vec<f64> = p
        .outcomes
        .iter()
        .map(|o| o.participant.as_deref().map_or(0.0, |q| similarity(&plain(q), &plain(subject))))
        .collect();
    let (best, score) = scores.iter().copied().enumerate().max_by(|a, b| a.1.total_cmp(&b.1))?;
    let runner_up = scores.iter().copied().enumerate().filter(|(i, _)| *i != best).map(|(_, s)| s).fold(0.0, f64::max);
    (score >= fuzzy_min && score - runner_up >= 0.1).then_some((best, false))
}

/// Pairs Kalshi market `k` with Polymarket market `p`, if they are about the same thing.
pub(crate) fn pair(k: &Market, p: &Market, line_tolerance: i32, fuzzy_min: f64) -> Option<Pairing> {
    if k.kind != p.kind {
        return None;
    }
    match k.kind {
        MarketKind::Moneyline | MarketKind::Series | MarketKind::MapWinner => {
            if k.kind == MarketKind::MapWinner && (k.line.is_none() || k.line != p.line) {
                return None;
            }
            let subject = k.subject.as_deref()?;
            match p.subject.as_deref() {
                // A yes/no market about one team: its Yes pays when that team wins.
                Some(s) => (s == subject).then(|| outcome_named(p, "yes")).flatten().map(|i| Pairing {
                    outcome: i,
                    line_distance: None,
                    certain: known(subject),
                }),
                None => outcome_for(p, subject, fuzzy_min).map(|(i, certain)| Pairing {
                    outcome: i,
                    line_distance: None,
                    certain,
                }),
            }
        }
        MarketKind::Draw => outcome_named(p, "yes").map(|i| Pairing { outcome: i, line_distance: None, certain: true }),
        MarketKind::Spread => {
            let (subject, kl, pl) = (k.subject.as_deref()?, k.line?, p.line?);
            let (i, certain) = outcome_for(p, subject, fuzzy_min)?;
            // Polymarket's line applies to its first outcome; the second carries its negation.
            let line_i = if i == 0 { pl } else { pl.negate() };
            let d = kl.distance(line_i);
            (d <= line_tolerance).then_some(Pairing { outcome: i, line_distance: Some(d), certain })
        }
        MarketKind::Total | MarketKind::TotalMaps => {
            let d = k.line?.distance(p.line?);
            let over = outcome_named(p, "over")?;
            (d <= line_tolerance).then_some(Pairing { outcome: over, line_distance: Some(d), certain: true })
        }
        MarketKind::Other => None,
    }
}
