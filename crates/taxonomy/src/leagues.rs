//! Venue names of leagues, read from the catalogue's data (`crates/model/leagues.txt`): Kalshi
//! series prefixes and competitions, Polymarket sport codes (`GET /sports`, slug prefixes).

use std::collections::HashMap;
use std::sync::OnceLock;

use crossbook_model::League;
use crossbook_model::league::LEAGUES_DATA;

/// The venue columns of the catalogue, indexed.
#[derive(Debug, Default)]
struct Names {
    /// Kalshi series prefixes, longest first (so `KXNCAAMB` wins over shorter ones).
    kalshi_prefixes: Vec<(String, League)>,
    /// Each league's first listed prefix (its own series; later ones are other names).
    kalshi_prefix: HashMap<League, String>,
    kalshi_competitions: HashMap<String, League>,
    /// Polymarket sport codes in catalogue order (a league's first is its preferred one).
    poly_codes: Vec<(String, League)>,
}

fn names() -> &'static Names {
    static NAMES: OnceLock<Names> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut n = Names::default();
        let list =
            |s: &str| s.split(';').map(str::trim).filter(|x| !x.is_empty()).map(str::to_string).collect::<Vec<_>>();
        for line in LEAGUES_DATA.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            let cols: Vec<&str> = line.split('|').map(str::trim).collect();
            // The build script has checked the shape of every line.
            let Some(league) = cols.get(1).and_then(|c| c.parse::<League>().ok()) else { continue };
            for p in list(cols.get(4).unwrap_or(&"")) {
                n.kalshi_prefix.entry(league).or_insert_with(|| p.clone());
                n.kalshi_prefixes.push((p, league));
            }
            for c in list(cols.get(5).unwrap_or(&"")) {
                n.kalshi_competitions.insert(c.to_ascii_lowercase(), league);
            }
            for c in list(cols.get(6).unwrap_or(&"")) {
                n.poly_codes.push((c.to_ascii_lowercase(), league));
            }
        }
        n.kalshi_prefixes.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        n
    })
}

/// The league of a Kalshi series ticker, and what follows the league part (`GAME`, `SPREAD`, …).
pub fn kalshi_series_league(series: &str) -> Option<(League, &str)> {
    names().kalshi_prefixes.iter().find_map(|(p, l)| series.strip_prefix(p.as_str()).map(|rest| (*l, rest)))
}

/// The Kalshi series prefix of a league (`NBA` → `KXNBA`).
pub fn kalshi_series_prefix(league: League) -> Option<&'static str> {
    names().kalshi_prefix.get(&league).map(String::as_str)
}

/// Kalshi `product_metadata.competition` values, as a fallback.
pub fn kalshi_competition_league(competition: &str) -> Option<League> {
    names().kalshi_competitions.get(&competition.trim().to_ascii_lowercase()).copied()
}

/// The league of a Polymarket sport code.
pub fn poly_sport_league(code: &str) -> Option<League> {
    let code = code.trim().to_ascii_lowercase();
    names().poly_codes.iter().find(|(c, _)| *c == code).map(|(_, l)| *l)
}

/// The sport code of a league on Polymarket (its preferred one).
pub fn poly_sport_code(league: League) -> Option<&'static str> {
    names().poly_codes.iter().find(|(_, l)| *l == league).map(|(c, _)| c.as_str())
}

/// Tags Polymarket puts on every sport (Sports, Games, Soccer, Esports, Cricket, Basketball,
/// Hockey, Tennis, Rugby): never a league by themselves.
pub const POLY_GENERIC_TAGS: &[&str] = &["1", "100639", "100350", "64", "517", "28", "100088", "864", "102193"];

/// The league of a Polymarket event slug (`nba-mil-lal-2026-01-09` → NBA).
pub fn poly_slug_league(slug: &str) -> Option<League> {
    poly_sport_league(slug.split('-').next()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kalshi_series() {
        assert_eq!(kalshi_series_league("KXNBAGAME"), Some((League::Nba, "GAME")));
        assert_eq!(kalshi_series_league("KXWNBAGAME"), Some((League::Wnba, "GAME")));
        assert_eq!(kalshi_series_league("KXNCAAMBGAME"), Some((League::Ncaamb, "GAME")));
        assert_eq!(kalshi_series_league("KXNHLSPREAD"), Some((League::Nhl, "SPREAD")));
        assert_eq!(kalshi_series_league("KXATPMATCH"), Some((League::Atp, "MATCH")));
        // Real series the taxonomy once missed: Brasileirão's and J1 League's game series.
        assert_eq!(kalshi_series_league("KXBRASILEIROGAME"), Some((League::Brasileirao, "GAME")));
        assert_eq!(kalshi_series_league("KXJLEAGUEGAME"), Some((League::J1League, "GAME")));
        // Série B is not Série A.
        assert_eq!(kalshi_series_league("KXBRASILEIROBGAME").map(|(_, r)| r), Some("BGAME"));
        assert_eq!(kalshi_series_league("KXFED"), None);
        assert_eq!(kalshi_series_prefix(League::Nba), Some("KXNBA"));
        assert_eq!(kalshi_competition_league("Pro Basketball (M)"), Some(League::Nba));
    }

    #[test]
    fn polymarket_codes_and_slugs() {
        assert_eq!(poly_sport_league("NBA"), Some(League::Nba));
        assert_eq!(poly_slug_league("nfl-buf-jax-2026-01-11"), Some(League::Nfl));
        assert_eq!(poly_slug_league("jap-kas-yok-2026-04-11"), Some(League::J1League));
        assert_eq!(poly_slug_league("will-trump-win"), None);
        assert_eq!(poly_sport_code(League::LaLiga), Some("lal"));
        for (c, l) in &names().poly_codes {
            assert_eq!(poly_sport_league(c), Some(*l), "every sport code names one league");
        }
    }

    #[test]
    fn every_league_has_a_venue_name() {
        for l in League::ALL {
            let n = names();
            assert!(
                n.kalshi_prefixes.iter().any(|(_, x)| x == l) || n.poly_codes.iter().any(|(_, x)| x == l),
                "{l} has no venue name"
            );
        }
    }
}
