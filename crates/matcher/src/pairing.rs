//! Market pairing inside an identified game: which Polymarket outcome pays exactly when the
//! Kalshi market's YES pays. Each venue's markets already say which of their game's sides they
//! are about (a Kalshi suffix code, a Polymarket outcome name or slug code); the identity maps
//! Kalshi's sides onto Polymarket's, so orientation never depends on an outcome's position.

use crossbook_model::{Market, MarketKind, Subject};

/// A Polymarket outcome paired with a Kalshi market.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Pairing {
    pub(crate) outcome: usize,
    /// |Kalshi line − Polymarket line| in hundredths, for kinds with a line.
    pub(crate) line_distance: Option<i32>,
}

fn outcome_named(p: &Market, name: &str) -> Option<usize> {
    p.outcomes.iter().position(|o| o.name.eq_ignore_ascii_case(name))
}

/// The Polymarket outcome about Polymarket side `side`: a two-outcome market's outcome of that
/// side, or the Yes of a yes/no market about that side.
fn outcome_of_side(p: &Market, side: u8) -> Option<usize> {
    match p.subject {
        Some(Subject::Side(s)) => (s == side).then(|| outcome_named(p, "yes")).flatten(),
        Some(Subject::Draw) => None,
        None => p.outcomes.iter().position(|o| o.side == Some(side)),
    }
}

/// Pairs Kalshi market `k` with Polymarket market `p`, Kalshi side i being Polymarket side
/// `map[i]`.
pub(crate) fn pair(k: &Market, p: &Market, map: [u8; 2], line_tolerance: i32) -> Option<Pairing> {
    if k.kind != p.kind {
        return None;
    }
    let polymarket_side = |k: &Market| match k.subject {
        Some(Subject::Side(i)) => map.get(usize::from(i)).copied(),
        _ => None,
    };
    match k.kind {
        MarketKind::Moneyline | MarketKind::Series | MarketKind::MapWinner | MarketKind::SetWinner => {
            // A map's or a set's winner: the same map or set on both venues.
            if k.kind.numbered_part() && (k.line.is_none() || k.line != p.line) {
                return None;
            }
            let outcome = outcome_of_side(p, polymarket_side(k)?)?;
            Some(Pairing { outcome, line_distance: None })
        }
        // Who leads at halftime: only a yes/no market about that side (the tie is a market of
        // its own on both venues then), never a two-way one that resolves a tie 50-50.
        MarketKind::FirstHalfMoneyline => match p.subject {
            Some(Subject::Side(s)) if Some(s) == polymarket_side(k) => {
                outcome_named(p, "yes").map(|outcome| Pairing { outcome, line_distance: None })
            }
            _ => None,
        },
        MarketKind::Draw | MarketKind::FirstHalfDraw => (p.subject == Some(Subject::Draw))
            .then(|| outcome_named(p, "yes"))
            .flatten()
            .map(|outcome| Pairing { outcome, line_distance: None }),
        MarketKind::BothTeamsToScore => outcome_named(p, "yes").map(|outcome| Pairing { outcome, line_distance: None }),
        // YES on both: a run is scored ("Yes" or, as some markets write it, "Yes Run").
        MarketKind::FirstInningRun => outcome_named(p, "yes")
            .or_else(|| outcome_named(p, "yes run"))
            .map(|outcome| Pairing { outcome, line_distance: None }),
        MarketKind::Spread | MarketKind::FirstHalfSpread => {
            let (kl, pl) = (k.line?, p.line?);
            let outcome = outcome_of_side(p, polymarket_side(k)?)?;
            // Polymarket's line applies to its first outcome; the second carries its negation.
            let line = if outcome == 0 { pl } else { pl.negate() };
            let d = kl.distance(line);
            (d <= line_tolerance).then_some(Pairing { outcome, line_distance: Some(d) })
        }
        MarketKind::Total | MarketKind::TotalMaps | MarketKind::FirstHalfTotal => {
            let d = k.line?.distance(p.line?);
            let over = outcome_named(p, "over")?;
            (d <= line_tolerance).then_some(Pairing { outcome: over, line_distance: Some(d) })
        }
        MarketKind::Other => None,
    }
}
