//! Whether a Kalshi game and a Polymarket game have the same two sides, and which side is
//! which. Evidence per side, strongest first: the same code on both venues, one registry id,
//! the same name; then a name whose words the other contains or starts; then only a code that
//! starts the other, or names that resemble. A game is certain when both sides are identified
//! by textual evidence (or one exactly and the other at least weakly) in one orientation only.

use crossbook_model::{League, Participant, Venue};
use crossbook_taxonomy::Registry;
use crossbook_taxonomy::names::{NameRelation, relate};

/// What identifies one Kalshi side with one Polymarket side.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Evidence {
    /// The same code on both venues (`VER` / `ver`), or the sides' codes run together agree.
    Code,
    /// One registry id (`JAC` / `jax` → JAX).
    Registry(String),
    /// The same name after normalization.
    Name,
    /// One name holds every word of the other, or starts them (`Verona` / `Hellas Verona FC`).
    Words,
    /// Only a code that starts the other (`DJO` / `djokovi`).
    CodePrefix,
    /// Only names alike, with this similarity.
    Similar(f64),
    /// Nothing.
    Nothing,
    /// The registry knows both as different participants.
    Conflict(String),
}

impl Evidence {
    /// 3 exact, 2 textual, 1 weak, 0 none, −1 conflict.
    pub(crate) fn level(&self, fuzzy_min: f64) -> i32 {
        match self {
            Evidence::Code | Evidence::Registry(_) | Evidence::Name => 3,
            Evidence::Words => 2,
            Evidence::CodePrefix => 1,
            Evidence::Similar(s) if *s >= fuzzy_min => 1,
            Evidence::Similar(_) | Evidence::Nothing => 0,
            Evidence::Conflict(_) => -1,
        }
    }

    pub(crate) fn describe(&self) -> String {
        match self {
            Evidence::Code => "same code".into(),
            Evidence::Registry(id) => format!("registry {id}"),
            Evidence::Name => "same name".into(),
            Evidence::Words => "name words".into(),
            Evidence::CodePrefix => "code prefix".into(),
            Evidence::Similar(s) => format!("names alike {s:.2}"),
            Evidence::Nothing => "no evidence".into(),
            Evidence::Conflict(why) => format!("conflict: {why}"),
        }
    }
}

/// The evidence that Kalshi side `k` is side `p` of a game on `p_venue`.
pub(crate) fn side_evidence(
    reg: &Registry,
    league: League,
    k: &Participant,
    p: &Participant,
    p_venue: Venue,
) -> Evidence {
    let (kid, pid) = (reg.identify(league, Venue::Kalshi, k), reg.identify(league, p_venue, p));
    if let (Some(a), Some(b)) = (kid, pid) {
        return if a == b {
            Evidence::Registry(a.to_string())
        } else {
            Evidence::Conflict(format!("registry {a} vs {b}"))
        };
    }
    if let (Some(a), Some(b)) = (&k.code, &p.code)
        && a.eq_ignore_ascii_case(b)
    {
        return Evidence::Code;
    }
    let mut best = Evidence::Nothing;
    let mut best_similar = 0.0;
    for a in &k.names {
        for b in &p.names {
            match relate(a, b) {
                NameRelation::Equal => return Evidence::Name,
                NameRelation::Contains | NameRelation::Prefix => best = Evidence::Words,
                NameRelation::Similar(s) if s > best_similar => best_similar = s,
                _ => {}
            }
        }
    }
    if best == Evidence::Words {
        return best;
    }
    if let (Some(a), Some(b)) = (&k.code, &p.code) {
        let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
        if a.len() >= 3 && b.len() >= 3 && (a.starts_with(&b) || b.starts_with(&a)) {
            return Evidence::CodePrefix;
        }
    }
    if best_similar > 0.0 { Evidence::Similar(best_similar) } else { Evidence::Nothing }
}

/// How the two games' sides correspond.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Identity {
    /// Kalshi side i is Polymarket side `map[i]`.
    pub(crate) map: [u8; 2],
    /// The evidence for Kalshi side 0 and side 1.
    pub(crate) evidence: [Evidence; 2],
    /// Exact enough to confirm.
    pub(crate) certain: bool,
    /// 0.0 ..= 1.0 (not money).
    pub(crate) score: f64,
}

impl Identity {
    pub(crate) fn describe(&self, k: &[Participant], p: &[Participant]) -> String {
        (0..2)
            .map(|i| {
                let j = usize::from(self.map[i]);
                format!("{} = {} ({})", k[i].label(), p[j].label(), self.evidence[i].describe())
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Whether code `c` could abbreviate name `n`: its letters appear in the name in order
/// (`mad` in "Club Atlético de Madrid", `djokovi` in "Novak Djokovic").
fn abbreviates(c: &str, n: &str) -> bool {
    let name = crossbook_taxonomy::names::compact(n);
    let mut rest = name.chars();
    c.to_ascii_lowercase().chars().all(|x| rest.any(|y| y == x))
}

/// Whether a venue's codes may be trusted as attached to its sides' names. Polymarket's slug
/// lists the codes in the order of the title's names on real payloads; where the registry, or
/// the letters of the codes, say the codes belong to the other names, they are not used.
fn codes_trusted(reg: &Registry, league: League, venue: Venue, sides: &[Participant]) -> bool {
    for s in sides {
        let Some(code) = &s.code else { continue };
        let by_code = reg.identify(league, venue, &Participant { code: Some(code.clone()), names: vec![] });
        let by_name = reg.identify(league, venue, &Participant { code: None, names: s.names.clone() });
        if let (Some(a), Some(b)) = (by_code, by_name)
            && a != b
        {
            return false;
        }
    }
    let fits = |c: usize, n: usize| {
        sides[c].code.as_deref().is_some_and(|code| sides[n].names.iter().any(|name| abbreviates(code, name)))
    };
    let straight = fits(0, 0) && fits(1, 1);
    let crossed = fits(0, 1) && fits(1, 0);
    !crossed || straight
}

/// Which orientation the codes alone, or the names alone, say: `Some(true)` straight,
/// `Some(false)` crossed, `None` when they say neither or both.
fn said_by(k: &[Participant], p: &[Participant], same: impl Fn(&Participant, &Participant) -> bool) -> Option<bool> {
    let straight = same(&k[0], &p[0]) || same(&k[1], &p[1]);
    let crossed = same(&k[0], &p[1]) || same(&k[1], &p[0]);
    (straight != crossed).then_some(straight)
}

/// The sides' codes run together on Kalshi (`VERACM`) agree with Polymarket's codes in this
/// order (`ver`, `acm`).
fn codes_run_together(ticker_sides: Option<&str>, a: &Participant, b: &Participant) -> bool {
    match (ticker_sides, &a.code, &b.code) {
        (Some(t), Some(x), Some(y)) => t.eq_ignore_ascii_case(&format!("{x}{y}")),
        _ => false,
    }
}

/// Identifies Kalshi sides `k` with Polymarket sides `p`; `None` when they are not plausibly
/// the same pair.
pub(crate) fn identify(
    reg: &Registry,
    league: League,
    k: &[Participant],
    ticker_sides: Option<&str>,
    p: &[Participant],
    p_venue: Venue,
    fuzzy_min: f64,
) -> Option<Identity> {
    if k.len() != 2 || p.len() != 2 {
        return None;
    }
    // Codes not trusted on a side are left out; names and the registry's names remain.
    let untrusted = |sides: &[Participant]| -> Vec<Participant> {
        sides.iter().map(|s| Participant { code: None, names: s.names.clone() }).collect()
    };
    let (k_owned, p_owned);
    let k = if codes_trusted(reg, league, Venue::Kalshi, k) {
        k
    } else {
        k_owned = untrusted(k);
        &k_owned[..]
    };
    let p = if codes_trusted(reg, league, p_venue, p) {
        p
    } else {
        p_owned = untrusted(p);
        &p_owned[..]
    };
    let orientation = |map: [u8; 2]| -> [Evidence; 2] {
        let (p0, p1) = (&p[usize::from(map[0])], &p[usize::from(map[1])]);
        if codes_run_together(ticker_sides, p0, p1) && k.iter().all(|s| s.code.is_none()) {
            return [Evidence::Code, Evidence::Code];
        }
        [side_evidence(reg, league, &k[0], p0, p_venue), side_evidence(reg, league, &k[1], p1, p_venue)]
    };
    let rank = |e: &[Evidence; 2]| {
        let (a, b) = (e[0].level(fuzzy_min), e[1].level(fuzzy_min));
        (a.min(b), a + b)
    };
    let levels = |e: &[Evidence; 2]| [e[0].level(fuzzy_min), e[1].level(fuzzy_min)];
    let straight = orientation([0, 1]);
    let crossed = orientation([1, 0]);
    let (rs, rc) = (rank(&straight), rank(&crossed));
    let (ls, lc) = (levels(&straight), levels(&crossed));
    let ((map, evidence, r, chosen), (other, alternative)) =
        if rs >= rc { (([0, 1], straight, rs, ls), (rc, lc)) } else { (([1, 0], crossed, rc, lc), (rs, ls)) };
    let (min, sum) = r;
    let max = sum - min;
    // Plausible: no conflict, and something on each side, or one side textual.
    // A person is named in full on both venues: one fighter or player the same and the other
    // unlike is another bout (a replaced opponent), not a naming difference to review.
    let persons = matches!(league.sport(), crossbook_model::Sport::Tennis | crossbook_model::Sport::Combat);
    if min < 0 || (min == 0 && (max < 2 || persons)) {
        return None;
    }
    let exact_enough = |(min, sum): (i32, i32)| min >= 2 || (sum - min == 3 && min >= 1);
    // Where the codes alone and the names alone point different ways, nothing is certain.
    let codes_say = said_by(k, p, |a, b| matches!((&a.code, &b.code), (Some(x), Some(y)) if x.eq_ignore_ascii_case(y)));
    let names_say = said_by(k, p, |a, b| a.names.iter().any(|x| b.names.iter().any(|y| relate(x, y).is_exact())));
    let contradiction = matches!((codes_say, names_say), (Some(a), Some(b)) if a != b);
    // Certain only when the other orientation is not exact enough too, or is weaker on both
    // sides ("Dundee" = "Dundee FC" and "Dundee United" = "Dundee United FC", not the reverse).
    let dominates = chosen[0] > alternative[0] && chosen[1] > alternative[1];
    let certain = exact_enough(r) && (!exact_enough(other) || dominates) && !contradiction;
    let score = f64::from(sum.max(0)) / 6.0;
    Some(Identity { map, evidence, certain, score })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(code: &str, names: &[&str]) -> Participant {
        Participant::new((!code.is_empty()).then_some(code), names)
    }

    #[test]
    fn real_pairs_of_the_development_capture() {
        let reg = Registry::bundled();
        // (league, Kalshi sides, Polymarket sides, certain, crossed)
        let cases = [
            (
                League::SerieA,
                [p("VER", &["Verona"]), p("ACM", &["Milan"])],
                [p("ver", &["Hellas Verona FC"]), p("acm", &["AC Milan"])],
                true,
                false,
            ),
            (
                League::LaLiga,
                [p("ELC", &["Elche"]), p("ATM", &["Atletico"])],
                [p("elc", &["Elche CF"]), p("mad", &["Club Atlético de Madrid"])],
                true,
                false,
            ),
            (
                League::Cs2,
                [p("FURIA", &["FURIA"]), p("FAL", &["Team Falcons"])],
                [p("fal", &["Team Falcons"]), p("furia", &["FURIA"])],
                true,
                true,
            ),
            (
                League::Atp,
                [p("DJO", &["Novak Djokovic", "Djokovic"]), p("MED", &["Daniil Medvedev"])],
                [p("djokovi", &["Novak Djokovic"]), p("medvede", &["Daniil Medvedev"])],
                true,
                false,
            ),
            (
                League::Nhl,
                [p("WSH", &["Washington"]), p("VGK", &["Vegas"])],
                [p("wsh", &["Capitals"]), p("las", &["Golden Knights"])],
                true,
                false,
            ),
            (
                League::Ncaamb,
                [p("UVA", &["Virginia"]), p("DUKE", &["Duke"])],
                [p("vir", &["Virginia Cavaliers"]), p("duke", &["Duke Blue Devils"])],
                true,
                false,
            ),
            (
                League::Cs2,
                [p("VIT", &["Vitality"]), p("TS", &["Spirit"])],
                [p("vit", &["Vitality"]), p("spirit", &["Team Spirit"])],
                true,
                false,
            ),
        ];
        for (league, k, pm, certain, crossed) in cases {
            let id = identify(reg, league, &k, None, &pm, Venue::Polymarket, 0.88).unwrap_or_else(|| panic!("{k:?}"));
            assert_eq!((id.certain, id.map == [1, 0]), (certain, crossed), "{k:?} / {pm:?}: {id:?}");
        }
    }

    #[test]
    fn codes_attached_to_the_other_names_are_not_trusted() {
        let reg = Registry::bundled();
        // A Polymarket title listing the home team first while its slug lists the away team
        // first: the codes are not used, the names decide.
        let k = [p("LA", &["Los Angeles R"]), p("CAR", &["Carolina"])];
        let pm = [p("la", &["Panthers"]), p("car", &["Rams"])];
        let id = identify(reg, League::Nfl, &k, None, &pm, Venue::Polymarket, 0.88).unwrap();
        assert_eq!((id.map, id.certain), ([1, 0], true), "{id:?}");
        // Without a registry, the codes' letters tell.
        let k = [p("VER", &["Verona"]), p("ACM", &["Milan"])];
        let pm = [p("ver", &["AC Milan"]), p("acm", &["Hellas Verona FC"])];
        let id = identify(reg, League::SerieA, &k, None, &pm, Venue::Polymarket, 0.88).unwrap();
        assert_eq!((id.map, id.certain), ([1, 0], true), "{id:?}");
        assert!(abbreviates("mad", "Club Atlético de Madrid") && !abbreviates("la", "Panthers"));
    }

    #[test]
    fn a_derby_of_clubs_sharing_a_word_is_certain_only_by_the_closer_names() {
        let reg = Registry::bundled();
        let k = [p("DUN", &["Dundee"]), p("DUU", &["Dundee United"])];
        let pm = [p("dun", &["Dundee FC"]), p("duu", &["Dundee United FC"])];
        let id = identify(reg, League::ScottishPrem, &k, None, &pm, Venue::Polymarket, 0.88).unwrap();
        assert_eq!((id.map, id.certain), ([0, 1], true));
        // Only "Paris" on Kalshi, for both sides: nothing certain.
        let k = [p("", &["Paris"]), p("", &["Paris"])];
        let pm = [p("", &["Paris Saint-Germain"]), p("", &["Paris FC"])];
        assert!(!identify(reg, League::Ligue1, &k, None, &pm, Venue::Polymarket, 0.88).is_some_and(|id| id.certain));
    }

    #[test]
    fn different_or_unknown_sides() {
        let reg = Registry::bundled();
        let k = [p("MIL", &["Milwaukee"]), p("LAL", &["Los Angeles L"])];
        assert!(
            identify(
                reg,
                League::Nba,
                &k,
                None,
                &[p("mil", &["Bucks"]), p("lac", &["Clippers"])],
                Venue::Polymarket,
                0.88
            )
            .is_none()
        );
        // Names alike only: a suggestion at most.
        let k = [p("", &["Natus Vincere"]), p("", &["FaZe Clan"])];
        let id = identify(
            reg,
            League::Cs2,
            &k,
            None,
            &[p("", &["FaZe"]), p("", &["Natus Vincere"])],
            Venue::Polymarket,
            0.88,
        )
        .unwrap();
        assert_eq!((id.certain, id.map), (true, [1, 0]), "same names after normalization");
        let k = [p("", &["Natus Vincere"]), p("", &["FaZe Clan"])];
        let id = identify(
            reg,
            League::Cs2,
            &k,
            None,
            &[p("", &["Natus Vinsere"]), p("", &["Fazer"])],
            Venue::Polymarket,
            0.88,
        )
        .unwrap();
        assert!(!id.certain, "{id:?}");
    }
}
