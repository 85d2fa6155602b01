//! Settlement rules, pure. Two markets about the same game can still settle differently:
//! overtime or extra time counted on one side only, a postponed game voided on one venue and
//! kept open on the other, a tennis retirement, a 50-50 resolution on cancellation. Each
//! market's rule text is read into [`RuleFacts`]; where the text is silent the venue's
//! documented policy for the (league, kind) fills in, and the gap is noted. The two sides'
//! facts make the link's class: `equivalent`, `minor` (cannot change the winner of the linked
//! outcome in normal play; the reason is given) or `incompatible`.

use crossbook_model::{League, MarketKind, RuleRisk, Sport, Venue};

/// Whether play after regulation (overtime, extra time, shoot-outs) decides the market.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterRegulation {
    Counts,
    Excluded,
}

/// What happens when the game is postponed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Postponement {
    /// Stays open for the rescheduled game, up to this many days (None: no limit stated).
    Waits(Option<u32>),
    /// Resolves void / refunded.
    Voids,
}

/// What happens when the game is cancelled outright.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cancellation {
    FiftyFifty,
    FairPrice,
    Voids,
}

/// What happens when a player retires (tennis) or a fight is stopped without a winner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retirement {
    /// The player who advances is the winner.
    AdvancingWins,
    Voids,
}

/// What a rule text says (None: it does not say).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RuleFacts {
    pub after_regulation: Option<AfterRegulation>,
    pub postponement: Option<Postponement>,
    pub cancellation: Option<Cancellation>,
    pub retirement: Option<Retirement>,
}

fn has(t: &str, any: &[&str]) -> bool {
    any.iter().any(|p| t.contains(p))
}

/// The number of days in "within two days", "within 14 days", "within two weeks".
fn days_within(t: &str) -> Option<u32> {
    let i = t.find("within ")?;
    let rest = &t[i + 7..];
    let mut words = rest
        .split(|c: char| c.is_whitespace() || c == ')' || c == '(' || c == ',' || c == '.')
        .filter(|w| !w.is_empty());
    let n = words.next()?;
    let unit = words.next()?;
    let n: u32 = match n {
        "one" | "a" => 1,
        "two" => 2,
        "three" => 3,
        "seven" => 7,
        "fourteen" => 14,
        other => other.parse().ok()?,
    };
    Some(if unit.starts_with("week") { n * 7 } else { n })
}

/// Reads a rule text.
pub fn read(text: &str) -> RuleFacts {
    let t = text.to_lowercase().replace(['\n', '\r'], " ");
    let mut f = RuleFacts::default();
    if has(
        &t,
        &[
            "regulation time only",
            "regulation only",
            "excluding overtime",
            "excludes overtime",
            "does not include overtime",
            "90 minutes",
            "regular time only",
            "does not include extra time",
            "excluding extra time",
            "extra time will not count",
            "overtime will not count",
        ],
    ) {
        f.after_regulation = Some(AfterRegulation::Excluded);
    } else if has(
        &t,
        &[
            "including any overtime",
            "including overtime",
            "overtime counts",
            "overtime periods",
            "including extra time",
            "extra time and penalties",
            "includes overtime",
            "inclusive of overtime",
            "including all overtime",
            "extra innings",
        ],
    ) {
        f.after_regulation = Some(AfterRegulation::Counts);
    }
    if has(&t, &["postponed", "delayed", "rescheduled"]) {
        if has(
            &t,
            &[
                "postponed, this market will resolve void",
                "postponed, the market will resolve void",
                "postponed, the market will be void",
                "postponed, this market will be void",
                "postponed, it will resolve void",
                "postponed or cancelled, the market will resolve void",
                "postponed, resolve void",
                "refund",
            ],
        ) {
            f.postponement = Some(Postponement::Voids);
        } else if has(&t, &["remain open", "stay open", "close after the rescheduled"]) {
            f.postponement = Some(Postponement::Waits(days_within(&t)));
        }
    }
    if has(&t, &["cancel"]) {
        if has(&t, &["50-50", "50/50", "fifty-fifty"]) {
            f.cancellation = Some(Cancellation::FiftyFifty);
        } else if t.contains("fair price") {
            f.cancellation = Some(Cancellation::FairPrice);
        } else if has(
            &t,
            &[
                "cancelled, the market will resolve void",
                "canceled, the market will resolve void",
                "cancelled, this market will resolve void",
                "canceled, this market will resolve void",
                "resolve void",
            ],
        ) {
            f.cancellation = Some(Cancellation::Voids);
        }
    }
    if has(&t, &["retire", "walkover", "walk-over", "disqualif"]) {
        if has(&t, &["advancing player", "player who advances", "advances to the next round", "is declared the winner"])
        {
            f.retirement = Some(Retirement::AdvancingWins);
        } else if has(&t, &["void", "refund", "50-50"]) {
            f.retirement = Some(Retirement::Voids);
        }
    }
    f
}

/// What a venue does when its text is silent, per sport (from the venues' published rules).
pub fn policy(venue: Venue, sport: Sport) -> RuleFacts {
    let after_regulation = match sport {
        // Soccer markets settle on 90 minutes plus stoppage time on both venues by default.
        Sport::Soccer => Some(AfterRegulation::Excluded),
        _ => Some(AfterRegulation::Counts),
    };
    match venue {
        Venue::Kalshi => RuleFacts {
            after_regulation,
            postponement: Some(Postponement::Waits(Some(14))),
            cancellation: Some(Cancellation::FairPrice),
            retirement: (sport == Sport::Tennis).then_some(Retirement::AdvancingWins),
        },
        Venue::Polymarket => RuleFacts {
            after_regulation,
            postponement: Some(Postponement::Waits(None)),
            cancellation: Some(Cancellation::FiftyFifty),
            retirement: (sport == Sport::Tennis).then_some(Retirement::AdvancingWins),
        },
        // Its market texts (Sept 2026): "not rescheduled to a date within two weeks … will
        // settle to the last fair market price"; soccer on regulation time. Its retirement
        // rule is not published: only a market's own text says it.
        Venue::PolymarketUs => RuleFacts {
            after_regulation,
            postponement: Some(Postponement::Waits(Some(14))),
            cancellation: Some(Cancellation::FairPrice),
            retirement: None,
        },
    }
}

/// The class of a link from both markets' rule texts: a Kalshi market's and that of its second
/// leg on `other` (Polymarket or Polymarket US).
pub fn classify(
    league: Option<League>,
    kind: MarketKind,
    kalshi_text: Option<&str>,
    other: Venue,
    poly_text: Option<&str>,
) -> (RuleRisk, Vec<String>) {
    let o = other.name();
    let sport = league.map_or(Sport::Basketball, League::sport);
    let mut reasons = Vec::new();
    let mut risk = RuleRisk::Equivalent;
    let mut worst = |r: RuleRisk, why: String, reasons: &mut Vec<String>| {
        reasons.push(why);
        if (r == RuleRisk::Incompatible) || (r == RuleRisk::Minor && risk == RuleRisk::Equivalent) {
            risk = r;
        }
    };
    let side = |venue: Venue, text: Option<&str>, reasons: &mut Vec<String>| {
        let read = text.map(read).unwrap_or_default();
        let mut base = policy(venue, sport);
        // A venue's retirement policy is about the match; how a set a player retires in settles
        // is only what the market's own text says.
        if kind == MarketKind::SetWinner {
            base.retirement = None;
        }
        if text.is_none() {
            reasons.push(format!("{venue}: no rule text; its published policy assumed"));
        }
        // A market whose own text departs from its venue's policy is flagged.
        let departs = [
            read.after_regulation.is_some_and(|x| Some(x) != base.after_regulation).then_some("play after regulation"),
            read.postponement
                .is_some_and(|x| {
                    !matches!((x, base.postponement), (Postponement::Waits(_), Some(Postponement::Waits(_))))
                        && Some(x) != base.postponement
                })
                .then_some("postponement"),
            read.retirement.is_some_and(|x| base.retirement.is_some_and(|b| b != x)).then_some("retirement"),
        ];
        for what in departs.into_iter().flatten() {
            reasons.push(format!("{venue}: this market's text departs from the venue's usual {what} rule"));
        }
        RuleFacts {
            after_regulation: read.after_regulation.or(base.after_regulation),
            postponement: read.postponement.or(base.postponement),
            cancellation: read.cancellation.or(base.cancellation),
            retirement: read.retirement.or(base.retirement),
        }
    };
    let k = side(Venue::Kalshi, kalshi_text, &mut reasons);
    let p = side(other, poly_text, &mut reasons);
    // Polymarket US pays 0.50 on both sides of a two-way winner market that ends tied (an NFL
    // regular-season game can): Kalshi's YES with its other side then pays half a set.
    if other == Venue::PolymarketUs && kind == MarketKind::Moneyline && sport == Sport::AmericanFootball {
        worst(RuleRisk::Minor, format!("a tie: {o} pays 0.50 on each side of a two-way winner market"), &mut reasons);
    }
    // Overtime or extra time decides moneylines, spreads, totals and draws alike: a difference
    // there can flip the linked outcome in a game that goes long (not a first half's).
    if kind != MarketKind::Other && kind.whole_game() && k.after_regulation != p.after_regulation {
        let why =
            format!("play after regulation: Kalshi {}, {o} {}", after(k.after_regulation), after(p.after_regulation));
        worst(RuleRisk::Incompatible, why, &mut reasons);
    }
    match (k.postponement, p.postponement) {
        (Some(a), Some(b)) if a == b => {}
        (Some(Postponement::Voids), Some(Postponement::Waits(_)))
        | (Some(Postponement::Waits(_)), Some(Postponement::Voids)) => worst(
            RuleRisk::Incompatible,
            format!("postponement: Kalshi {}, {o} {}", postpone(k.postponement), postpone(p.postponement)),
            &mut reasons,
        ),
        (a, b) => {
            worst(RuleRisk::Minor, format!("postponement: Kalshi {}, {o} {}", postpone(a), postpone(b)), &mut reasons)
        }
    }
    if k.cancellation != p.cancellation {
        worst(
            RuleRisk::Minor,
            format!("cancellation: Kalshi {}, {o} {}", cancel(k.cancellation), cancel(p.cancellation)),
            &mut reasons,
        );
    }
    if kind == MarketKind::SetWinner && (k.retirement.is_none() || p.retirement.is_none()) {
        let who = match (k.retirement, p.retirement) {
            (None, None) => "neither venue's text says",
            (None, _) => "Kalshi's text does not say",
            _ => "the other venue's text does not say",
        };
        worst(
            RuleRisk::Minor,
            format!("retirement during the set: {who} how a set left unfinished settles"),
            &mut reasons,
        );
    } else if sport == Sport::Tennis && k.retirement != p.retirement {
        worst(
            RuleRisk::Incompatible,
            format!("retirement: Kalshi {}, {o} {}", retire(k.retirement), retire(p.retirement)),
            &mut reasons,
        );
    }
    (risk, reasons)
}

fn after(x: Option<AfterRegulation>) -> &'static str {
    match x {
        Some(AfterRegulation::Counts) => "counts overtime / extra time",
        Some(AfterRegulation::Excluded) => "settles on regulation time",
        None => "does not say",
    }
}

fn postpone(p: Option<Postponement>) -> String {
    match p {
        Some(Postponement::Waits(Some(d))) => format!("waits up to {d} days for the rescheduled game"),
        Some(Postponement::Waits(None)) => "waits for the rescheduled game".into(),
        Some(Postponement::Voids) => "voids".into(),
        None => "does not say".into(),
    }
}

fn cancel(c: Option<Cancellation>) -> &'static str {
    match c {
        Some(Cancellation::FiftyFifty) => "resolves 50-50",
        Some(Cancellation::FairPrice) => "resolves at a fair price",
        Some(Cancellation::Voids) => "voids",
        None => "does not say",
    }
}

fn retire(r: Option<Retirement>) -> &'static str {
    match r {
        Some(Retirement::AdvancingWins) => "pays the advancing player",
        Some(Retirement::Voids) => "voids",
        None => "does not say",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Real texts: Kalshi's MLB market of Jul 2026 and Polymarket's NBA moneyline of Jan 2026.
    const KALSHI_MLB: &str = "If New York Y wins the New York Y vs Tampa Bay professional baseball game originally scheduled for Jul 8, 2026 at 6:40 PM EDT, then the market resolves to Yes.\n\nThe following market refers to the New York Y vs Tampa Bay professional baseball game originally scheduled for Jul 8, 2026 at 6:40 PM EDT. If this game is postponed or delayed, the market will remain open and close after the rescheduled game has finished (within two days). If the game is cancelled or rescheduled to over two days away, the market will resolve to a fair price in accordance with the rules.";
    const POLY_NBA: &str = "In the upcoming NBA game, scheduled for January 4 at 9:30PM ET:\nIf the Grizzlies win, the market will resolve to \"Grizzlies\".\nIf the Lakers win, the market will resolve to \"Lakers\".\nIf the game is postponed, this market will remain open until the game has been completed.\nIf the game is canceled entirely, with no make-up game, this market will resolve 50-50.\nThe result will be determined based on the final score including any overtime periods.";

    #[test]
    fn reads_the_real_texts() {
        let k = read(KALSHI_MLB);
        assert_eq!(k.postponement, Some(Postponement::Waits(Some(2))));
        assert_eq!(k.cancellation, Some(Cancellation::FairPrice));
        let p = read(POLY_NBA);
        assert_eq!(p.after_regulation, Some(AfterRegulation::Counts));
        assert_eq!(p.postponement, Some(Postponement::Waits(None)));
        assert_eq!(p.cancellation, Some(Cancellation::FiftyFifty));
    }

    #[test]
    fn real_pair_is_minor_with_its_reasons() {
        let (risk, reasons) =
            classify(Some(League::Mlb), MarketKind::Moneyline, Some(KALSHI_MLB), Venue::Polymarket, Some(POLY_NBA));
        assert_eq!(risk, RuleRisk::Minor);
        assert!(
            reasons
                .iter()
                .any(|r| r.starts_with("cancellation: Kalshi resolves at a fair price, Polymarket resolves 50-50")),
            "{reasons:?}"
        );
        assert!(reasons.iter().any(|r| r.starts_with("postponement: Kalshi waits up to 2 days")), "{reasons:?}");
    }

    #[test]
    fn soccer_extra_time_against_ninety_minutes_is_incompatible() {
        let kalshi = "If Arsenal wins the match (90 minutes plus stoppage time), the market resolves to Yes.";
        let poly = "This market resolves to the team that advances, including extra time and penalties.";
        let (risk, reasons) =
            classify(Some(League::Ucl), MarketKind::Moneyline, Some(kalshi), Venue::Polymarket, Some(poly));
        assert_eq!(risk, RuleRisk::Incompatible);
        assert!(reasons.iter().any(|r| r.contains("play after regulation")), "{reasons:?}");
    }

    #[test]
    fn a_postponement_that_voids_against_one_that_waits_is_incompatible() {
        let kalshi = "If the game is postponed, the market will resolve void and positions are refunded.";
        let (risk, reasons) =
            classify(Some(League::Nba), MarketKind::Moneyline, Some(kalshi), Venue::Polymarket, Some(POLY_NBA));
        assert_eq!(risk, RuleRisk::Incompatible);
        assert!(
            reasons.iter().any(|r| r == "postponement: Kalshi voids, Polymarket waits for the rescheduled game"),
            "{reasons:?}"
        );
    }

    #[test]
    fn tennis_retirement_rules_that_differ_are_incompatible() {
        let kalshi = "If a player retires, the player who advances to the next round is declared the winner.";
        let poly = "If either player retires or is disqualified before the match is completed, this market will resolve 50-50.";
        let (risk, reasons) =
            classify(Some(League::Atp), MarketKind::Moneyline, Some(kalshi), Venue::Polymarket, Some(poly));
        assert_eq!(risk, RuleRisk::Incompatible);
        assert!(
            reasons.iter().any(|r| r.starts_with("retirement: Kalshi pays the advancing player, Polymarket voids")),
            "{reasons:?}"
        );
    }

    /// A set winner: the venues' match retirement policies say nothing of a set left
    /// unfinished, so a text silent on it is a minor risk (said), two texts that agree are
    /// equivalent and two that differ incompatible.
    #[test]
    fn set_winner_retirement_is_read_from_the_texts_alone() {
        let kalshi = "If Pablo Carreno Busta wins set 1 in the Pablo Carreno Busta vs Felix Auger-Aliassime match, then the market resolves to Yes.";
        let poly = "This market refers to the winner of the first set. If a player withdraws before the match begins, this market will resolve 50-50.";
        let (risk, reasons) =
            classify(Some(League::Atp), MarketKind::SetWinner, Some(kalshi), Venue::Polymarket, Some(poly));
        assert_eq!(risk, RuleRisk::Minor, "{reasons:?}");
        assert!(
            reasons
                .iter()
                .any(|r| r == "retirement during the set: neither venue's text says how a set left unfinished settles"),
            "{reasons:?}"
        );
        let void_k = format!("{kalshi} If a player retires before the set is completed, the market resolves to 50-50.");
        let void_p = format!("{poly} If a player retires during the set, this market will resolve 50-50.");
        let (same, reasons) =
            classify(Some(League::Atp), MarketKind::SetWinner, Some(&void_k), Venue::Polymarket, Some(&void_p));
        assert!(!reasons.iter().any(|r| r.contains("retire")), "{reasons:?}");
        assert_ne!(same, RuleRisk::Incompatible);
        let adv_p = format!("{poly} If a player retires, the advancing player will be considered the winner.");
        let (risk, _) =
            classify(Some(League::Atp), MarketKind::SetWinner, Some(&void_k), Venue::Polymarket, Some(&adv_p));
        assert_eq!(risk, RuleRisk::Incompatible);
    }

    #[test]
    fn a_text_departing_from_its_venue_policy_is_flagged() {
        let kalshi = "If the game is postponed, the market will resolve void and positions are refunded.";
        let (_, reasons) =
            classify(Some(League::Nba), MarketKind::Moneyline, Some(kalshi), Venue::Polymarket, Some(POLY_NBA));
        assert!(
            reasons.iter().any(|r| r == "kalshi: this market's text departs from the venue's usual postponement rule"),
            "{reasons:?}"
        );
        let (_, ok) =
            classify(Some(League::Nba), MarketKind::Moneyline, Some(KALSHI_MLB), Venue::Polymarket, Some(POLY_NBA));
        assert!(!ok.iter().any(|r| r.contains("departs")), "{ok:?}");
    }

    #[test]
    fn identical_terms_are_equivalent_and_silence_is_noted() {
        let text = "Including any overtime periods. If the game is postponed, this market will remain open until completed. If canceled, it resolves 50-50.";
        assert_eq!(
            classify(Some(League::Nba), MarketKind::Moneyline, Some(text), Venue::Polymarket, Some(text)).0,
            RuleRisk::Equivalent
        );
        let (risk, reasons) =
            classify(Some(League::Nba), MarketKind::Moneyline, None, Venue::Polymarket, Some(POLY_NBA));
        assert_eq!(risk, RuleRisk::Minor);
        assert!(reasons[0].starts_with("kalshi: no rule text"));
        let regulation = "Regulation time only; overtime will not count.";
        assert_eq!(
            classify(Some(League::Nba), MarketKind::Moneyline, Some(regulation), Venue::Polymarket, Some(POLY_NBA)).0,
            RuleRisk::Incompatible
        );
    }

    #[test]
    fn polymarket_us_rules_and_its_tie() {
        let us = "This market will settle to the winner of the San Diego Padres vs Colorado Rockies MLB game \
            scheduled for 2026-09-16 at 8:40PM ET. Extra innings are included if played. If the game is delayed, \
            postponed, or suspended and not rescheduled to a date within two weeks of the originally scheduled \
            date, the market will settle to the last fair market price. Outcome sourced from MLB.";
        let (risk, reasons) =
            classify(Some(League::Mlb), MarketKind::Moneyline, Some(KALSHI_MLB), Venue::PolymarketUs, Some(us));
        assert_ne!(risk, RuleRisk::Incompatible, "{reasons:?}");
        assert!(!reasons.iter().any(|r| r.contains("tie")), "{reasons:?}");
        let (risk, reasons) = classify(Some(League::Nfl), MarketKind::Moneyline, None, Venue::PolymarketUs, None);
        assert_eq!(risk, RuleRisk::Minor);
        assert!(reasons.iter().any(|r| r.contains("a tie: Polymarket US pays 0.50")), "{reasons:?}");
    }
}
