//! Venue names of leagues: Kalshi series prefixes and competitions, Polymarket sport codes
//! (`GET /sports`), slug prefixes and league tags.

use crossbook_model::League;

/// Kalshi series-ticker prefixes, longest first so `KXNCAAMB` wins over shorter ones.
const KALSHI_PREFIXES: &[(&str, League)] = &[
    ("KXEFLCHAMPIONSHIP", League::Championship),
    ("KXLIGAPORTUGAL", League::LigaPortugal),
    ("KXBRASILEIRAO", League::Brasileirao),
    ("KXEUROLEAGUE", League::Euroleague),
    ("KXBUNDESLIGA", League::Bundesliga),
    ("KXEREDIVISIE", League::Eredivisie),
    ("KXVALORANT", League::Valorant),
    ("KXSUPERLIG", League::SuperLig),
    ("KXSERIEA", League::SerieA),
    ("KXLALIGA", League::LaLiga),
    ("KXLIGAMX", League::LigaMx),
    ("KXNCAAMB", League::Ncaamb),
    ("KXNCAAWB", League::Ncaawb),
    ("KXNASCAR", League::Nascar),
    ("KXBOXING", League::Boxing),
    ("KXLIGUE1", League::Ligue1),
    ("KXNCAAF", League::Ncaaf),
    ("KXDOTA2", League::Dota2),
    ("KXWNBA", League::Wnba),
    ("KXFIFA", League::WorldCup),
    ("KXNBA", League::Nba),
    ("KXNFL", League::Nfl),
    ("KXMLB", League::Mlb),
    ("KXNHL", League::Nhl),
    ("KXKBO", League::Kbo),
    ("KXEPL", League::Epl),
    ("KXUCL", League::Ucl),
    ("KXUEL", League::Uel),
    ("KXMLS", League::Mls),
    ("KXUFC", League::Ufc),
    ("KXATP", League::Atp),
    ("KXWTA", League::Wta),
    ("KXPGA", League::Pga),
    ("KXIPL", League::Ipl),
    ("KXLOL", League::Lol),
    ("KXCS2", League::Cs2),
    ("KXCOD", League::CallOfDuty),
    ("KXWC", League::WorldCup),
    ("KXF1", League::F1),
];

/// The league of a Kalshi series ticker, and what follows the league part (`GAME`, `SPREAD`, …).
pub fn kalshi_series_league(series: &str) -> Option<(League, &str)> {
    KALSHI_PREFIXES.iter().find_map(|(p, l)| series.strip_prefix(p).map(|rest| (*l, rest)))
}

/// The Kalshi series prefix of a league (`NBA` → `KXNBA`).
pub fn kalshi_series_prefix(league: League) -> Option<&'static str> {
    KALSHI_PREFIXES.iter().find(|(_, l)| *l == league).map(|(p, _)| *p)
}

/// Kalshi `product_metadata.competition` values, as a fallback.
pub fn kalshi_competition_league(competition: &str) -> Option<League> {
    Some(match competition {
        "Pro Basketball (M)" => League::Nba,
        "Pro Basketball (W)" => League::Wnba,
        "Pro Football" => League::Nfl,
        "Pro Baseball" => League::Mlb,
        "Pro Hockey" => League::Nhl,
        "College Football" => League::Ncaaf,
        "College Basketball (M)" => League::Ncaamb,
        "College Basketball (W)" => League::Ncaawb,
        "English Premier League" | "Premier League" => League::Epl,
        "Champions League" | "UEFA Champions League" => League::Ucl,
        "La Liga" => League::LaLiga,
        "Serie A" => League::SerieA,
        "Bundesliga" => League::Bundesliga,
        "Ligue 1" => League::Ligue1,
        "MLS" => League::Mls,
        "UFC" => League::Ufc,
        "ATP" => League::Atp,
        "WTA" => League::Wta,
        "Formula 1" => League::F1,
        _ => return None,
    })
}

/// Polymarket sport codes (`GET /sports` `sport`, and the first part of event slugs).
const POLY_SPORTS: &[(&str, League)] = &[
    ("nba", League::Nba),
    ("wnba", League::Wnba),
    ("cbb", League::Ncaamb),
    ("ncaab", League::Ncaamb),
    ("cwbb", League::Ncaawb),
    ("bkligend", League::Euroleague),
    ("nfl", League::Nfl),
    ("cfb", League::Ncaaf),
    ("mlb", League::Mlb),
    ("kbo", League::Kbo),
    ("nhl", League::Nhl),
    ("epl", League::Epl),
    ("ucl", League::Ucl),
    ("uel", League::Uel),
    ("lal", League::LaLiga),
    ("sea", League::SerieA),
    ("bun", League::Bundesliga),
    ("fl1", League::Ligue1),
    ("mls", League::Mls),
    ("ere", League::Eredivisie),
    ("por", League::LigaPortugal),
    ("tur", League::SuperLig),
    ("bra", League::Brasileirao),
    ("mex", League::LigaMx),
    ("efl", League::Championship),
    ("fif", League::WorldCup),
    ("ufc", League::Ufc),
    ("mma", League::Ufc),
    ("boxing", League::Boxing),
    ("atp", League::Atp),
    ("wta", League::Wta),
    ("f1", League::F1),
    ("nascar", League::Nascar),
    ("pga", League::Pga),
    ("ipl", League::Ipl),
    ("lol", League::Lol),
    ("dota2", League::Dota2),
    ("cs2", League::Cs2),
    ("val", League::Valorant),
    ("codmw", League::CallOfDuty),
];

/// The league of a Polymarket sport code.
pub fn poly_sport_league(code: &str) -> Option<League> {
    let code = code.trim().to_ascii_lowercase();
    POLY_SPORTS.iter().find(|(c, _)| *c == code).map(|(_, l)| *l)
}

/// The sport code of a league on Polymarket (its preferred one).
pub fn poly_sport_code(league: League) -> Option<&'static str> {
    POLY_SPORTS.iter().find(|(_, l)| *l == league).map(|(c, _)| *c)
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
        assert_eq!(kalshi_series_league("KXFED"), None);
        assert_eq!(kalshi_competition_league("Pro Basketball (M)"), Some(League::Nba));
    }

    #[test]
    fn polymarket_codes_and_slugs() {
        assert_eq!(poly_sport_league("NBA"), Some(League::Nba));
        assert_eq!(poly_slug_league("nfl-buf-jax-2026-01-11"), Some(League::Nfl));
        assert_eq!(poly_slug_league("will-trump-win"), None);
        assert_eq!(poly_sport_code(League::LaLiga), Some("lal"));
        // Every sport code names one league.
        for (c, l) in POLY_SPORTS {
            assert_eq!(poly_sport_league(c), Some(*l));
        }
    }
}
