//! Team dictionaries per league, with each venue's codes and names. A participant resolved
//! here is certain (`NBA:LAL`); one that is not falls back to its normalized name (`~name`),
//! which the matcher may compare fuzzily to suggest a link but never to confirm one.

use std::collections::HashMap;
use std::sync::OnceLock;

use crossbook_model::League;

use crate::normalize::normalize;

/// One team: our code, then `|`-separated Kalshi codes, Kalshi name (as in Kalshi titles),
/// Polymarket codes (slugs, `/teams` abbreviations), Polymarket names and other aliases.
type Row = (&'static str, &'static str, &'static str, &'static str, &'static str);

const NBA: &[Row] = &[
    ("ATL", "ATL", "Atlanta", "atl", "Hawks|Atlanta Hawks"),
    ("BOS", "BOS", "Boston", "bos", "Celtics|Boston Celtics"),
    ("BKN", "BKN|BRK", "Brooklyn", "bkn|bro", "Nets|Brooklyn Nets"),
    ("CHA", "CHA", "Charlotte", "cha", "Hornets|Charlotte Hornets"),
    ("CHI", "CHI", "Chicago", "chi", "Bulls|Chicago Bulls"),
    ("CLE", "CLE", "Cleveland", "cle", "Cavaliers|Cavs|Cleveland Cavaliers"),
    ("DAL", "DAL", "Dallas", "dal", "Mavericks|Mavs|Dallas Mavericks"),
    ("DEN", "DEN", "Denver", "den", "Nuggets|Denver Nuggets"),
    ("DET", "DET", "Detroit", "det", "Pistons|Detroit Pistons"),
    ("GSW", "GSW|GS", "Golden State", "gsw|gs", "Warriors|Golden State Warriors"),
    ("HOU", "HOU", "Houston", "hou", "Rockets|Houston Rockets"),
    ("IND", "IND", "Indiana", "ind", "Pacers|Indiana Pacers"),
    ("LAC", "LAC", "Los Angeles C", "lac", "Clippers|LA Clippers|Los Angeles Clippers"),
    ("LAL", "LAL", "Los Angeles L", "lal", "Lakers|Los Angeles Lakers"),
    ("MEM", "MEM", "Memphis", "mem", "Grizzlies|Memphis Grizzlies"),
    ("MIA", "MIA", "Miami", "mia", "Heat|Miami Heat"),
    ("MIL", "MIL", "Milwaukee", "mil", "Bucks|Milwaukee Bucks"),
    ("MIN", "MIN", "Minnesota", "min", "Timberwolves|Wolves|Minnesota Timberwolves"),
    ("NOP", "NOP|NO", "New Orleans", "nop|no", "Pelicans|New Orleans Pelicans"),
    ("NYK", "NYK|NY", "New York", "nyk|ny", "Knicks|New York Knicks"),
    ("OKC", "OKC", "Oklahoma City", "okc", "Thunder|Oklahoma City Thunder"),
    ("ORL", "ORL", "Orlando", "orl", "Magic|Orlando Magic"),
    ("PHI", "PHI", "Philadelphia", "phi", "76ers|Sixers|Philadelphia 76ers"),
    ("PHX", "PHX|PHO", "Phoenix", "phx", "Suns|Phoenix Suns"),
    ("POR", "POR", "Portland", "por", "Trail Blazers|Blazers|Portland Trail Blazers"),
    ("SAC", "SAC", "Sacramento", "sac", "Kings|Sacramento Kings"),
    ("SAS", "SAS|SA", "San Antonio", "sas|sa", "Spurs|San Antonio Spurs"),
    ("TOR", "TOR", "Toronto", "tor", "Raptors|Toronto Raptors"),
    ("UTA", "UTA|UTAH", "Utah", "uta", "Jazz|Utah Jazz"),
    ("WAS", "WAS|WSH", "Washington", "was|wsh", "Wizards|Washington Wizards"),
];

const NFL: &[Row] = &[
    ("ARI", "ARI", "Arizona", "ari", "Cardinals|Arizona Cardinals"),
    ("ATL", "ATL", "Atlanta", "atl", "Falcons|Atlanta Falcons"),
    ("BAL", "BAL", "Baltimore", "bal", "Ravens|Baltimore Ravens"),
    ("BUF", "BUF", "Buffalo", "buf", "Bills|Buffalo Bills"),
    ("CAR", "CAR", "Carolina", "car", "Panthers|Carolina Panthers"),
    ("CHI", "CHI", "Chicago", "chi", "Bears|Chicago Bears"),
    ("CIN", "CIN", "Cincinnati", "cin", "Bengals|Cincinnati Bengals"),
    ("CLE", "CLE", "Cleveland", "cle", "Browns|Cleveland Browns"),
    ("DAL", "DAL", "Dallas", "dal", "Cowboys|Dallas Cowboys"),
    ("DEN", "DEN", "Denver", "den", "Broncos|Denver Broncos"),
    ("DET", "DET", "Detroit", "det", "Lions|Detroit Lions"),
    ("GB", "GB", "Green Bay", "gb", "Packers|Green Bay Packers"),
    ("HOU", "HOU", "Houston", "hou", "Texans|Houston Texans"),
    ("IND", "IND", "Indianapolis", "ind", "Colts|Indianapolis Colts"),
    ("JAX", "JAC|JAX", "Jacksonville", "jax|jac", "Jaguars|Jacksonville Jaguars"),
    ("KC", "KC", "Kansas City", "kc", "Chiefs|Kansas City Chiefs"),
    ("LV", "LV", "Las Vegas", "lv", "Raiders|Las Vegas Raiders"),
    ("LAC", "LAC", "Los Angeles C", "lac", "Chargers|Los Angeles Chargers"),
    ("LAR", "LA|LAR", "Los Angeles R", "la|lar", "Rams|Los Angeles Rams"),
    ("MIA", "MIA", "Miami", "mia", "Dolphins|Miami Dolphins"),
    ("MIN", "MIN", "Minnesota", "min", "Vikings|Minnesota Vikings"),
    ("NE", "NE", "New England", "ne", "Patriots|New England Patriots"),
    ("NO", "NO", "New Orleans", "no", "Saints|New Orleans Saints"),
    ("NYG", "NYG", "New York G", "nyg", "Giants|New York Giants"),
    ("NYJ", "NYJ", "New York J", "nyj", "Jets|New York Jets"),
    ("PHI", "PHI", "Philadelphia", "phi", "Eagles|Philadelphia Eagles"),
    ("PIT", "PIT", "Pittsburgh", "pit", "Steelers|Pittsburgh Steelers"),
    ("SF", "SF", "San Francisco", "sf", "49ers|Niners|San Francisco 49ers"),
    ("SEA", "SEA", "Seattle", "sea", "Seahawks|Seattle Seahawks"),
    ("TB", "TB", "Tampa Bay", "tb", "Buccaneers|Bucs|Tampa Bay Buccaneers"),
    ("TEN", "TEN", "Tennessee", "ten", "Titans|Tennessee Titans"),
    ("WAS", "WAS|WSH", "Washington", "was|wsh", "Commanders|Washington Commanders"),
];

const NHL: &[Row] = &[
    ("ANA", "ANA", "Anaheim", "ana", "Ducks|Anaheim Ducks"),
    ("BOS", "BOS", "Boston", "bos", "Bruins|Boston Bruins"),
    ("BUF", "BUF", "Buffalo", "buf", "Sabres|Buffalo Sabres"),
    ("CGY", "CGY", "Calgary", "cgy|cal", "Flames|Calgary Flames"),
    ("CAR", "CAR", "Carolina", "car", "Hurricanes|Canes|Carolina Hurricanes"),
    ("CHI", "CHI", "Chicago", "chi", "Blackhawks|Chicago Blackhawks"),
    ("COL", "COL", "Colorado", "col", "Avalanche|Avs|Colorado Avalanche"),
    ("CBJ", "CBJ|CLB", "Columbus", "cbj|clb", "Blue Jackets|Columbus Blue Jackets"),
    ("DAL", "DAL", "Dallas", "dal", "Stars|Dallas Stars"),
    ("DET", "DET", "Detroit", "det", "Red Wings|Detroit Red Wings"),
    ("EDM", "EDM", "Edmonton", "edm", "Oilers|Edmonton Oilers"),
    ("FLA", "FLA", "Florida", "fla", "Panthers|Florida Panthers"),
    ("LAK", "LA|LAK", "Los Angeles", "la|lak", "Kings|Los Angeles Kings"),
    ("MIN", "MIN", "Minnesota", "min", "Wild|Minnesota Wild"),
    ("MTL", "MTL|MON", "Montreal", "mtl|mon", "Canadiens|Habs|Montreal Canadiens"),
    ("NSH", "NSH|NAS", "Nashville", "nsh|nas", "Predators|Preds|Nashville Predators"),
    ("NJD", "NJ|NJD", "New Jersey", "nj|njd", "Devils|New Jersey Devils"),
    ("NYI", "NYI", "New York I", "nyi", "Islanders|New York Islanders"),
    ("NYR", "NYR", "New York R", "nyr", "Rangers|New York Rangers"),
    ("OTT", "OTT", "Ottawa", "ott", "Senators|Sens|Ottawa Senators"),
    ("PHI", "PHI", "Philadelphia", "phi", "Flyers|Philadelphia Flyers"),
    ("PIT", "PIT", "Pittsburgh", "pit", "Penguins|Pens|Pittsburgh Penguins"),
    ("SJS", "SJ|SJS", "San Jose", "sj|sjs", "Sharks|San Jose Sharks"),
    ("SEA", "SEA", "Seattle", "sea", "Kraken|Seattle Kraken"),
    ("STL", "STL", "St. Louis", "stl", "Blues|St. Louis Blues"),
    ("TBL", "TB|TBL", "Tampa Bay", "tb|tbl", "Lightning|Bolts|Tampa Bay Lightning"),
    ("TOR", "TOR", "Toronto", "tor", "Maple Leafs|Leafs|Toronto Maple Leafs"),
    ("UTA", "UTA|UTAH", "Utah", "uta|utah", "Mammoth|Utah Mammoth|Utah Hockey Club"),
    ("VAN", "VAN", "Vancouver", "van", "Canucks|Vancouver Canucks"),
    ("VGK", "VGK|VEG", "Vegas", "vgk|veg", "Golden Knights|Vegas Golden Knights"),
    ("WSH", "WSH|WAS", "Washington", "wsh|was", "Capitals|Caps|Washington Capitals"),
    ("WPG", "WPG|WIN", "Winnipeg", "wpg|win", "Jets|Winnipeg Jets"),
];

const MLB: &[Row] = &[
    ("ARI", "AZ|ARI", "Arizona", "ari|az", "Diamondbacks|D-backs|Arizona Diamondbacks"),
    ("ATL", "ATL", "Atlanta", "atl", "Braves|Atlanta Braves"),
    ("BAL", "BAL", "Baltimore", "bal", "Orioles|Baltimore Orioles"),
    ("BOS", "BOS", "Boston", "bos", "Red Sox|Boston Red Sox"),
    ("CHC", "CHC", "Chicago C", "chc", "Cubs|Chicago Cubs"),
    ("CWS", "CWS|CHW", "Chicago WS", "cws|chw", "White Sox|Chicago White Sox"),
    ("CIN", "CIN", "Cincinnati", "cin", "Reds|Cincinnati Reds"),
    ("CLE", "CLE", "Cleveland", "cle", "Guardians|Cleveland Guardians"),
    ("COL", "COL", "Colorado", "col", "Rockies|Colorado Rockies"),
    ("DET", "DET", "Detroit", "det", "Tigers|Detroit Tigers"),
    ("HOU", "HOU", "Houston", "hou", "Astros|Houston Astros"),
    ("KC", "KC", "Kansas City", "kc", "Royals|Kansas City Royals"),
    ("LAA", "LAA", "Los Angeles A", "laa", "Angels|Los Angeles Angels"),
    ("LAD", "LAD", "Los Angeles D", "lad", "Dodgers|Los Angeles Dodgers"),
    ("MIA", "MIA", "Miami", "mia", "Marlins|Miami Marlins"),
    ("MIL", "MIL", "Milwaukee", "mil", "Brewers|Milwaukee Brewers"),
    ("MIN", "MIN", "Minnesota", "min", "Twins|Minnesota Twins"),
    ("NYM", "NYM", "New York M", "nym", "Mets|New York Mets"),
    ("NYY", "NYY", "New York Y", "nyy", "Yankees|New York Yankees"),
    ("ATH", "ATH|OAK", "Athletics", "ath|oak", "Athletics|A's|Oakland Athletics"),
    ("PHI", "PHI", "Philadelphia", "phi", "Phillies|Philadelphia Phillies"),
    ("PIT", "PIT", "Pittsburgh", "pit", "Pirates|Pittsburgh Pirates"),
    ("SD", "SD", "San Diego", "sd", "Padres|San Diego Padres"),
    ("SF", "SF", "San Francisco", "sf", "Giants|San Francisco Giants"),
    ("SEA", "SEA", "Seattle", "sea", "Mariners|Seattle Mariners"),
    ("STL", "STL", "St. Louis", "stl", "Cardinals|St. Louis Cardinals"),
    ("TB", "TB", "Tampa Bay", "tb", "Rays|Tampa Bay Rays"),
    ("TEX", "TEX", "Texas", "tex", "Rangers|Texas Rangers"),
    ("TOR", "TOR", "Toronto", "tor", "Blue Jays|Toronto Blue Jays"),
    ("WSH", "WSH|WAS", "Washington", "wsh|was", "Nationals|Nats|Washington Nationals"),
];

const EPL: &[Row] = &[
    ("ARS", "ARS", "Arsenal", "ars", "Arsenal|Arsenal FC"),
    ("AVL", "AVL", "Aston Villa", "avl", "Aston Villa|Villa"),
    ("BOU", "BOU", "Bournemouth", "bou", "Bournemouth|AFC Bournemouth"),
    ("BRE", "BRE", "Brentford", "bre", "Brentford"),
    ("BHA", "BHA|BRI", "Brighton", "bha|bri", "Brighton|Brighton & Hove Albion"),
    ("BUR", "BUR", "Burnley", "bur", "Burnley"),
    ("CHE", "CHE", "Chelsea", "che", "Chelsea"),
    ("CRY", "CRY|CPA", "Crystal Palace", "cry|cpa", "Crystal Palace|Palace"),
    ("EVE", "EVE", "Everton", "eve", "Everton"),
    ("FUL", "FUL", "Fulham", "ful", "Fulham"),
    ("LEE", "LEE", "Leeds", "lee", "Leeds|Leeds United"),
    ("LIV", "LIV", "Liverpool", "liv", "Liverpool"),
    ("MCI", "MCI|MC", "Manchester City", "mci|mac", "Man City|Manchester City"),
    ("MUN", "MUN|MU", "Manchester United", "mun|mnu", "Man United|Manchester United"),
    ("NEW", "NEW", "Newcastle", "new", "Newcastle|Newcastle United"),
    ("NFO", "NFO|NOT", "Nottingham Forest", "nfo|not", "Nottingham Forest|Forest|Nott'm Forest"),
    ("SUN", "SUN", "Sunderland", "sun", "Sunderland|Sunderland AFC"),
    ("TOT", "TOT", "Tottenham", "tot", "Tottenham|Spurs|Tottenham Hotspur"),
    ("WHU", "WHU", "West Ham", "whu", "West Ham|West Ham United"),
    ("WOL", "WOL", "Wolves", "wol", "Wolves|Wolverhampton|Wolverhampton Wanderers"),
];

/// The table of a league, when we have one.
fn rows(league: League) -> &'static [Row] {
    match league {
        League::Nba => NBA,
        League::Nfl => NFL,
        League::Nhl => NHL,
        League::Mlb => MLB,
        League::Epl => EPL,
        _ => &[],
    }
}

/// Lookups of one league: Kalshi codes, Polymarket codes, and names of either venue.
#[derive(Debug, Default)]
struct Index {
    kalshi_codes: HashMap<String, &'static str>,
    poly_codes: HashMap<String, &'static str>,
    names: HashMap<String, &'static str>,
}

fn index(league: League) -> &'static Index {
    static ALL: OnceLock<HashMap<League, Index>> = OnceLock::new();
    static EMPTY: OnceLock<Index> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        League::ALL
            .iter()
            .map(|l| {
                let mut ix = Index::default();
                for (canon, k_codes, k_name, p_codes, p_names) in rows(*l) {
                    for c in k_codes.split('|') {
                        ix.kalshi_codes.insert(c.to_string(), canon);
                    }
                    for c in p_codes.split('|') {
                        ix.poly_codes.insert(c.to_string(), canon);
                    }
                    for n in std::iter::once(*k_name).chain(p_names.split('|')) {
                        ix.names.insert(normalize(n), canon);
                    }
                }
                (*l, ix)
            })
            .collect()
    });
    all.get(&league).unwrap_or_else(|| EMPTY.get_or_init(Index::default))
}

/// The participant id of a dictionary team: `NBA:LAL`.
fn id(league: League, canon: &str) -> String {
    format!("{}:{canon}", league.code())
}

/// Whether a participant id is a dictionary team (rather than a `~name` fallback).
pub fn is_known(participant: &str) -> bool {
    !participant.starts_with('~')
}

/// The fallback id of an unknown name.
pub fn unknown(name: &str) -> String {
    format!("~{}", normalize(name))
}

/// A Kalshi team code (`JAC`, `LA`) of a league.
pub fn kalshi_code(league: League, code: &str) -> Option<String> {
    index(league).kalshi_codes.get(&code.to_ascii_uppercase()).map(|c| id(league, c))
}

/// A Polymarket code (`jax`, `la`) of a league.
pub fn poly_code(league: League, code: &str) -> Option<String> {
    index(league).poly_codes.get(&code.to_ascii_lowercase()).map(|c| id(league, c))
}

/// A team name of either venue (`Los Angeles L`, `Lakers`, `Los Angeles Lakers`).
pub fn name(league: League, name: &str) -> Option<String> {
    index(league).names.get(&normalize(name)).map(|c| id(league, c))
}

/// A name or code as participant id: the dictionary's when it knows it, else `~normalized`.
pub fn resolve(league: Option<League>, text: &str, kalshi_side: bool) -> String {
    let Some(l) = league else { return unknown(text) };
    let by_code = if kalshi_side { kalshi_code(l, text) } else { poly_code(l, text) };
    by_code.or_else(|| name(l, text)).unwrap_or_else(|| unknown(text))
}

/// Splits the teams part of a Kalshi event ticker (`MILLAL`, `LACAR`, `BUFJAC`) into two known
/// codes. Only a split where both halves are dictionary codes counts.
pub fn split_kalshi_pair(league: League, teams: &str) -> Option<(String, String)> {
    let ix = index(league);
    let mut found = None;
    for cut in 1..teams.len() {
        let (a, b) = teams.split_at(cut);
        if let (Some(x), Some(y)) = (ix.kalshi_codes.get(a), ix.kalshi_codes.get(b)) {
            if found.is_some() {
                return None; // ambiguous
            }
            found = Some((id(league, x), id(league, y)));
        }
    }
    found
}

/// Whether the league has a dictionary.
pub fn has_dictionary(league: League) -> bool {
    !rows(league).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_venues_codes_and_names_meet() {
        assert_eq!(kalshi_code(League::Nfl, "JAC"), poly_code(League::Nfl, "jax"));
        assert_eq!(kalshi_code(League::Nfl, "LA").as_deref(), Some("NFL:LAR"));
        assert_eq!(poly_code(League::Nfl, "la").as_deref(), Some("NFL:LAR"));
        assert_eq!(name(League::Nba, "Los Angeles L").as_deref(), Some("NBA:LAL"));
        assert_eq!(name(League::Nba, "Lakers").as_deref(), Some("NBA:LAL"));
        assert_eq!(name(League::Nba, "Los Angeles C").as_deref(), Some("NBA:LAC"));
        assert_eq!(name(League::Nhl, "St Louis Blues").as_deref(), Some("NHL:STL"));
        assert_eq!(name(League::Epl, "Man Utd").as_deref(), Some("EPL:MUN"));
        assert_eq!(resolve(Some(League::Nba), "Bucks", false), "NBA:MIL");
        assert_eq!(resolve(Some(League::Atp), "Jannik Sinner", true), "~jannik sinner");
        assert_eq!(resolve(Some(League::Nba), "Seattle SuperSonics", false), "~seattle supersonics");
    }

    #[test]
    fn splits_ticker_team_pairs_only_when_certain() {
        assert_eq!(split_kalshi_pair(League::Nfl, "LACAR"), Some(("NFL:LAR".into(), "NFL:CAR".into())));
        assert_eq!(split_kalshi_pair(League::Nfl, "BUFJAC"), Some(("NFL:BUF".into(), "NFL:JAX".into())));
        assert_eq!(split_kalshi_pair(League::Nba, "MILLAL"), Some(("NBA:MIL".into(), "NBA:LAL".into())));
        assert_eq!(split_kalshi_pair(League::Nfl, "GBCHI"), Some(("NFL:GB".into(), "NFL:CHI".into())));
        assert_eq!(split_kalshi_pair(League::Nba, "XXXYYY"), None);
    }

    #[test]
    fn dictionaries_have_full_leagues_and_no_duplicate_codes() {
        for (l, n) in [(League::Nba, 30), (League::Nfl, 32), (League::Nhl, 32), (League::Mlb, 30), (League::Epl, 20)] {
            assert_eq!(rows(l).len(), n, "{l}");
            let ix = index(l);
            let k: usize = rows(l).iter().map(|r| r.1.split('|').count()).sum();
            assert_eq!(ix.kalshi_codes.len(), k, "{l}: a Kalshi code names two teams");
        }
    }
}
