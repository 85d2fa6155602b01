//! The participant registry: who is who in each league, as data. The files under
//! `crates/taxonomy/registry/` (one per league, compiled in) hold each team's, player's or
//! fighter's codes on both venues and the names either venue writes; the database adds what
//! the matcher learned from games whose codes agreed on both venues and a person's corrections
//! (`crossbook teams`). A participant found here on both venues under one id is the same one.

use std::collections::HashMap;
use std::sync::OnceLock;

use crossbook_model::{AliasKind, AliasSource, League, Participant, PerVenue, TeamAlias, Venue};

use crate::names::normalize;

/// The bundled files: (league code, text).
const FILES: &[(&str, &str)] = &[
    ("NBA", include_str!("../registry/nba.txt")),
    ("NFL", include_str!("../registry/nfl.txt")),
    ("NHL", include_str!("../registry/nhl.txt")),
    ("MLB", include_str!("../registry/mlb.txt")),
    ("EPL", include_str!("../registry/epl.txt")),
    ("SERIEA", include_str!("../registry/seriea.txt")),
    ("LALIGA", include_str!("../registry/laliga.txt")),
    ("BUNDESLIGA", include_str!("../registry/bundesliga.txt")),
    ("LIGUE1", include_str!("../registry/ligue1.txt")),
    ("EREDIVISIE", include_str!("../registry/eredivisie.txt")),
    ("LIGAPORTUGAL", include_str!("../registry/ligaportugal.txt")),
    ("SUPERLIG", include_str!("../registry/superlig.txt")),
    ("BRASILEIRAO", include_str!("../registry/brasileirao.txt")),
    ("J1LEAGUE", include_str!("../registry/j1league.txt")),
    ("WORLDCUP", include_str!("../registry/worldcup.txt")),
    ("NCAAMB", include_str!("../registry/ncaa.txt")),
    ("NCAAWB", include_str!("../registry/ncaa.txt")),
    ("NCAAF", include_str!("../registry/ncaa.txt")),
];

/// One league's lookups.
#[derive(Debug, Clone, Default)]
struct Book {
    /// Each venue's codes (upper-cased) → ids; a code without a venue is every venue's.
    codes: PerVenue<HashMap<String, String>>,
    /// Normalized name → ids (more than one: the name is ambiguous and identifies no one).
    names: HashMap<String, Vec<String>>,
}

impl Book {
    fn add(&mut self, a: &TeamAlias) {
        match a.kind {
            AliasKind::Code => {
                for (venue, codes) in self.codes.iter_mut() {
                    if a.venue.is_none_or(|v| v == venue) {
                        codes.insert(a.value.to_ascii_uppercase(), a.team.clone());
                    }
                }
            }
            AliasKind::Name => {
                let ids = self.names.entry(normalize(&a.value)).or_default();
                if !ids.contains(&a.team) {
                    ids.push(a.team.clone());
                }
            }
        }
    }

    fn remove(&mut self, a: &TeamAlias) {
        match a.kind {
            AliasKind::Code => {
                for (venue, codes) in self.codes.iter_mut() {
                    if a.venue.is_none_or(|v| v == venue) {
                        codes.remove(&a.value.to_ascii_uppercase());
                    }
                }
            }
            AliasKind::Name => {
                if let Some(ids) = self.names.get_mut(&normalize(&a.value)) {
                    ids.retain(|t| *t != a.team);
                }
            }
        }
    }
}

/// Every league's participants.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    books: HashMap<League, Book>,
    entries: Vec<TeamAlias>,
}

/// A line of a registry file that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("registry {league} line {line}: {reason}")]
pub struct RegistryError {
    pub league: String,
    pub line: usize,
    pub reason: String,
}

impl Registry {
    /// The bundled files (parsed once).
    pub fn bundled() -> &'static Registry {
        static BUNDLED: OnceLock<Registry> = OnceLock::new();
        BUNDLED.get_or_init(|| {
            let mut r = Registry::default();
            for (league, text) in FILES {
                // The files are compiled in and checked by a test: a bad line cannot ship.
                if let Ok(entries) = parse_file(league, text) {
                    r.apply(&entries);
                }
            }
            r
        })
    }

    /// This registry with the database's rows applied over it (blocked rows remove values).
    pub fn with(&self, rows: &[TeamAlias]) -> Registry {
        let mut r = self.clone();
        r.apply(rows);
        r
    }

    fn apply(&mut self, rows: &[TeamAlias]) {
        for a in rows {
            let book = self.books.entry(a.league).or_default();
            if a.blocked {
                book.remove(a)
            } else {
                book.add(a)
            }
            self.entries
                .retain(|e| !(e.league == a.league && e.kind == a.kind && e.venue == a.venue && e.value == a.value));
            self.entries.push(a.clone());
        }
    }

    /// Every entry, files and database, in league and id order.
    pub fn entries(&self) -> Vec<TeamAlias> {
        let mut v = self.entries.clone();
        v.sort_by(|a, b| {
            (a.league, &a.team, a.kind.as_str(), &a.value).cmp(&(b.league, &b.team, b.kind.as_str(), &b.value))
        });
        v
    }

    /// The id of a participant as `venue` writes it in `league`: by its code, else by a name
    /// that names exactly one participant.
    pub fn identify(&self, league: League, venue: Venue, p: &Participant) -> Option<&str> {
        let book = self.books.get(&league)?;
        if let Some(code) = &p.code {
            let code = code.to_ascii_uppercase();
            let hit = book.codes[venue].get(&code).or_else(|| match venue {
                // Polymarket US writes the codes of Polymarket's slugs (`mlb-sd-col-2026-09-16`
                // on both, team abbreviations `sd`, `col`).
                Venue::PolymarketUs => book.codes[Venue::Polymarket].get(&code),
                _ => None,
            });
            if let Some(id) = hit {
                return Some(id);
            }
        }
        p.names.iter().find_map(|n| match book.names.get(&normalize(n)).map(Vec::as_slice) {
            Some([one]) => Some(one.as_str()),
            _ => None,
        })
    }

    /// Whether the registry already says what `a` says (the same value under the same id).
    pub fn has(&self, a: &TeamAlias) -> bool {
        let Some(book) = self.books.get(&a.league) else { return false };
        let hit = match (a.kind, a.venue) {
            (AliasKind::Code, venue) => book.codes[venue.unwrap_or(Venue::Kalshi)].get(&a.value.to_ascii_uppercase()),
            (AliasKind::Name, _) => {
                return book.names.get(&normalize(&a.value)).is_some_and(|ids| ids.contains(&a.team));
            }
        };
        hit == Some(&a.team)
    }

    /// Whether a league has any entry.
    pub fn knows(&self, league: League) -> bool {
        self.books.contains_key(&league)
    }
}

/// Parses one registry file: `id | Kalshi codes | Polymarket codes | names [| mascots]`,
/// `;`-separated lists, `#` comments. With mascots, each name is also known followed by each
/// mascot (`Jacksonville State` → `Jacksonville State Gamecocks`): how a venue writes a school
/// with its team.
pub fn parse_file(league: &str, text: &str) -> Result<Vec<TeamAlias>, RegistryError> {
    let err = |line: usize, reason: &str| RegistryError { league: league.into(), line, reason: reason.into() };
    let l: League = league.parse().map_err(|e: String| err(0, &e))?;
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('|').map(str::trim).collect();
        let (id, kalshi, poly, names, mascots) = match cols[..] {
            [id, kalshi, poly, names] => (id, kalshi, poly, names, ""),
            [id, kalshi, poly, names, mascots] => (id, kalshi, poly, names, mascots),
            _ => return Err(err(i + 1, "expected 4 or 5 columns")),
        };
        if id.is_empty() {
            return Err(err(i + 1, "empty id"));
        }
        let list =
            |s: &str| s.split(';').map(str::trim).filter(|x| !x.is_empty()).map(str::to_string).collect::<Vec<_>>();
        let alias = |venue, kind, value: String| TeamAlias {
            league: l,
            team: id.to_string(),
            venue,
            kind,
            value,
            source: AliasSource::File,
            blocked: false,
        };
        out.extend(list(kalshi).into_iter().map(|c| alias(Some(Venue::Kalshi), AliasKind::Code, c)));
        out.extend(list(poly).into_iter().map(|c| alias(Some(Venue::Polymarket), AliasKind::Code, c)));
        let (names, mascots) = (list(names), list(mascots));
        let with_mascots: Vec<String> =
            names.iter().flat_map(|n| mascots.iter().map(move |m| format!("{n} {m}"))).collect();
        out.extend(names.into_iter().chain(with_mascots).map(|n| alias(None, AliasKind::Name, n)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_parses_and_no_code_names_two_participants() {
        for (league, text) in FILES {
            let entries = parse_file(league, text).unwrap_or_else(|e| panic!("{e}"));
            assert!(!entries.is_empty(), "{league}");
            let mut codes: HashMap<(Option<Venue>, String), &str> = HashMap::new();
            for e in entries.iter().filter(|e| e.kind == AliasKind::Code) {
                let prev = codes.insert((e.venue, e.value.to_ascii_lowercase()), &e.team);
                assert!(
                    prev.is_none_or(|p| p == e.team),
                    "{league}: code {} names {} and {}",
                    e.value,
                    e.team,
                    prev.unwrap()
                );
            }
        }
    }

    #[test]
    fn no_name_names_two_participants_of_a_file() {
        for (league, text) in FILES {
            let mut names: HashMap<String, String> = HashMap::new();
            for e in parse_file(league, text).unwrap().iter().filter(|e| e.kind == AliasKind::Name) {
                let prev = names.insert(normalize(&e.value), e.team.clone());
                assert!(
                    prev.as_ref().is_none_or(|p| *p == e.team),
                    "{league}: {} names {} and {prev:?}",
                    e.value,
                    e.team
                );
            }
        }
    }

    #[test]
    fn college_schools_as_each_venue_writes_them() {
        let r = Registry::bundled();
        let id =
            |league, venue, name: &str| r.identify(league, venue, &Participant::new(None, &[name])).map(str::to_string);
        // (Kalshi, Polymarket): each pair one school, each school its own.
        let pairs = [
            ("Jacksonville St.", "Jacksonville State Gamecocks", "JVST"),
            ("Jacksonville", "Jacksonville Dolphins", "JAX"),
            ("Tennessee-Martin", "UT Martin Skyhawks", "UTM"),
            ("UMass", "Massachusetts Minutemen", "UMASS"),
            ("SE Louisiana", "Southeastern Louisiana Lions", "SELA"),
            ("Louisiana", "Louisiana Ragin' Cajuns", "ULL"),
            ("SC State", "South Carolina State Bulldogs", "SCST"),
            ("Miami (OH)", "Miami (OH) RedHawks", "MIAOH"),
            ("Long Beach St.", "Long Beach State Beach", "LBSU"),
            ("Loyola Chicago", "Loyola Chicago Ramblers", "LUC"),
            ("St. John's", "St. John's Red Storm", "STJ"),
            ("Mount St. Mary's", "Mount St. Mary's Mountaineers", "MSM"),
        ];
        for league in [League::Ncaamb, League::Ncaawb] {
            for (k, p, want) in pairs {
                assert_eq!(id(league, Venue::Kalshi, k).as_deref(), Some(want), "{k}");
                assert_eq!(id(league, Venue::Polymarket, p).as_deref(), Some(want), "{p}");
            }
        }
        assert_eq!(id(League::Ncaaf, Venue::Kalshi, "Miami"), None, "Miami alone names no one");
        assert_eq!(id(League::Ncaawb, Venue::Polymarket, "Tennessee Lady Volunteers").as_deref(), Some("TENN"));
    }

    #[test]
    fn both_venues_meet_on_one_id() {
        let r = Registry::bundled();
        let k = Participant::new(Some("JAC"), &["Jacksonville"]);
        let p = Participant::new(Some("jax"), &["Jaguars"]);
        assert_eq!(r.identify(League::Nfl, Venue::Kalshi, &k), Some("JAX"));
        assert_eq!(r.identify(League::Nfl, Venue::Polymarket, &p), Some("JAX"));
        // Kalshi `LA` is the Rams in the NFL and the Kings in the NHL.
        let la = Participant::new(Some("LA"), &[]);
        assert_eq!(r.identify(League::Nfl, Venue::Kalshi, &la), Some("LAR"));
        assert_eq!(r.identify(League::Nhl, Venue::Kalshi, &la), Some("LAK"));
        assert_eq!(
            r.identify(League::Nhl, Venue::Polymarket, &Participant::new(Some("las"), &["Golden Knights"])),
            Some("VGK")
        );
        assert_eq!(r.identify(League::Atp, Venue::Kalshi, &Participant::new(None, &["Jannik Sinner"])), None);
    }

    #[test]
    fn database_rows_add_and_block() {
        let inter = |venue, kind, value: &str, blocked| TeamAlias {
            league: League::SerieA,
            team: "INT".into(),
            venue,
            kind,
            value: value.into(),
            source: AliasSource::Person,
            blocked,
        };
        let p = Participant::new(None, &["Inter Milano"]);
        assert_eq!(Registry::bundled().identify(League::SerieA, Venue::Polymarket, &p), None);
        let r = Registry::bundled().with(&[inter(None, AliasKind::Name, "Inter Milano", false)]);
        assert_eq!(r.identify(League::SerieA, Venue::Polymarket, &p), Some("INT"));
        let r = r.with(&[inter(None, AliasKind::Name, "Inter Milano", true)]);
        assert_eq!(r.identify(League::SerieA, Venue::Polymarket, &p), None);
        let nyk = TeamAlias {
            league: League::Nba,
            team: "NYK".into(),
            venue: Some(Venue::Kalshi),
            kind: AliasKind::Code,
            value: "NY".into(),
            source: AliasSource::Person,
            blocked: true,
        };
        let r = Registry::bundled().with(&[nyk]);
        assert_eq!(r.identify(League::Nba, Venue::Kalshi, &Participant::new(Some("NY"), &[])), None);
    }
}
