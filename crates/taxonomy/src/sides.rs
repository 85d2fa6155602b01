//! The two sides of a game as each venue writes them — codes and names, in title order — and
//! which side each market or outcome is about. Everything here is read from one venue's own
//! payload (a Kalshi market's suffix against its event's codes, a Polymarket outcome against
//! its event's title); matching sides across venues is the matcher's work.

use crossbook_model::Participant;

use crate::names::{NameRelation, normalize, relate};

/// Separators between the two sides of a title, most specific first.
const SEPARATORS: &[&str] = &[" vs. ", " vs ", " v. ", " v ", " at ", " @ "];

/// The two sides named in a title, first-named first: `"HOU at SAC (Jan 11)"`,
/// `"Bucks vs. Lakers"`, `"LoL: T1 vs DRX (BO3) - LCK Regular Season"`,
/// `"Idaho at Houston: Spread"`, `"Wimbledon: Jannik Sinner vs Carlos Alcaraz"`,
/// `"France vs. England - More Markets"`. Empty when the title names no pair.
pub fn split_matchup(title: &str) -> Vec<String> {
    // The part of the title holding the pair: of `prefix: pair: suffix`, the segment with a
    // separator.
    let segment = title.split(": ").find(|s| SEPARATORS.iter().any(|sep| s.contains(sep))).unwrap_or(title);
    let t = segment.split(" - ").next().unwrap_or(segment).trim();
    let mut t = t.trim_end_matches('?').trim_end_matches(" Winner").trim();
    // Trailing qualifiers (`(Jan 11)`, `(BO3)`) go; a name's own (`Miami (OH)`) stays.
    while t.ends_with(')')
        && let Some(open) = t.rfind(" (")
    {
        t = t[..open].trim_end_matches('?').trim_end_matches(" Winner").trim();
    }
    for sep in SEPARATORS {
        if let Some((a, b)) = t.split_once(sep) {
            let (a, b) = (a.trim(), b.trim());
            if !a.is_empty() && !b.is_empty() {
                return vec![a.to_string(), b.to_string()];
            }
        }
    }
    Vec::new()
}

/// Whether a token reads as a venue's short code (`VER`, `T1`, `GENG`, `la`, `djokovi`).
fn is_code(s: &str) -> bool {
    (1..=10).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Kalshi: the sides of a game event from its ticker's sides part (`VERACM`), the subtitle's
/// codes (`VER vs ACM (Apr 19)`), the markets' suffix codes and the title's names
/// (`Verona vs Milan`). Codes are kept only where they make up the ticker's sides part.
pub fn kalshi_sides(
    ticker_sides: Option<&str>,
    sub_title: &str,
    title: &str,
    market_codes: &[&str],
) -> Vec<Participant> {
    let sub = split_matchup(sub_title);
    let mut known: Vec<&str> =
        sub.iter().map(String::as_str).filter(|c| is_code(c) && *c == c.to_uppercase()).collect();
    known.extend(market_codes.iter().filter(|c| !c.is_empty() && **c != "TIE"));
    let codes = ticker_sides.and_then(|s| crate::kalshi_ticker::split_sides(s, &known));
    let names = split_matchup(title);
    if codes.is_none() && names.len() != 2 {
        return Vec::new();
    }
    (0..2)
        .map(|i| {
            let code = codes.as_ref().map(|(a, b)| if i == 0 { a.as_str() } else { b.as_str() });
            let name = names.get(i).map(|n| strip_rematch_number(n));
            Participant::new(code, name.as_slice())
        })
        .collect()
}

/// `Holloway 2` (a rematch's number in a UFC title) → `Holloway`.
fn strip_rematch_number(name: &str) -> &str {
    match name.rsplit_once(' ') {
        Some((head, n)) if n.len() == 1 && n.bytes().all(|b| b.is_ascii_digit()) => head,
        _ => name,
    }
}

/// Polymarket: the sides of an event from its slug's codes (`sea-ver-acm-2026-04-19`, in the
/// order of the title's names) and its title's names (`Hellas Verona FC vs. AC Milan`).
pub fn poly_sides(slug: &str, title: &str) -> Vec<Participant> {
    let names = split_matchup(title);
    let codes = slug_codes(slug);
    if names.len() != 2 && codes.is_none() {
        return Vec::new();
    }
    (0..2)
        .map(|i| {
            let code = codes.as_ref().map(|c| c[i].as_str());
            let name = names.get(i).map(String::as_str);
            Participant::new(code, name.as_slice())
        })
        .collect()
}

/// The codes of a game slug: the words between the sport and the date, when there are two
/// (`nba-mil-lal-2026-01-09` → `mil`, `lal`).
pub fn slug_codes(slug: &str) -> Option<[String; 2]> {
    let words: Vec<&str> = slug.split('-').collect();
    let date = slug_date_index(&words)?;
    match words.get(1..date)? {
        [a, b] if is_code(a) && is_code(b) => Some([a.to_string(), b.to_string()]),
        _ => None,
    }
}

/// What follows the date of a market slug (`…-2026-04-19-ver` → `ver`,
/// `…-2026-04-19-spread-home-1pt5` → `spread-home-1pt5`).
pub fn slug_tail(slug: &str) -> Option<String> {
    let words: Vec<&str> = slug.split('-').collect();
    let date = slug_date_index(&words)?;
    let tail = words.get(date + 3..).filter(|t| !t.is_empty())?;
    Some(tail.join("-"))
}

/// Index of the `YYYY` word of a `YYYY-MM-DD` date inside slug words.
fn slug_date_index(words: &[&str]) -> Option<usize> {
    (1..words.len().saturating_sub(2)).find(|&i| {
        let digits = |w: &str, n: usize| w.len() == n && w.bytes().all(|b| b.is_ascii_digit());
        digits(words[i], 4) && digits(words[i + 1], 2) && digits(words[i + 2], 2)
    })
}

/// Which side `code` is (a Kalshi market suffix, a Polymarket slug tail): the side whose code
/// it is, case aside.
pub fn side_by_code(sides: &[Participant], code: &str) -> Option<u8> {
    let i = sides.iter().position(|s| s.code.as_deref().is_some_and(|c| c.eq_ignore_ascii_case(code)))?;
    u8::try_from(i).ok()
}

/// Which side `name` is (a Polymarket outcome, a `groupItemTitle`, a Kalshi `yes_sub_title`):
/// the one side whose name it equals, else the one side whose name it contains or is contained
/// in. Both venues copy these names from one list per game, so only an unambiguous textual
/// match counts.
pub fn side_by_name(sides: &[Participant], name: &str) -> Option<u8> {
    let best = |accept: &dyn Fn(NameRelation) -> bool| -> Option<u8> {
        let hits: Vec<usize> =
            (0..sides.len()).filter(|&i| sides[i].names.iter().any(|n| accept(relate(n, name)))).collect();
        match hits[..] {
            [one] => u8::try_from(one).ok(),
            _ => None,
        }
    };
    if normalize(name).is_empty() {
        return None;
    }
    best(&|r| r == NameRelation::Equal).or_else(|| best(&|r| r.is_exact()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matchups_of_real_titles() {
        let cases = [
            ("HOU at SAC (Jan 11)", ["HOU", "SAC"]),
            ("Bucks vs. Lakers", ["Bucks", "Lakers"]),
            ("New York Y vs Tampa Bay Winner?", ["New York Y", "Tampa Bay"]),
            ("LoL: T1 vs DRX (BO3) - LCK Regular Season", ["T1", "DRX"]),
            ("Counter-Strike: Vitality vs Team Spirit (BO3) - IEM Rio 2026", ["Vitality", "Team Spirit"]),
            ("Wimbledon: Jannik Sinner vs Carlos Alcaraz", ["Jannik Sinner", "Carlos Alcaraz"]),
            ("Idaho at Houston: Spread", ["Idaho", "Houston"]),
            ("T1 vs. DRX: Map 1", ["T1", "DRX"]),
            ("France vs. England - More Markets", ["France", "England"]),
            ("UFC 329: McGregor vs. Holloway 2", ["McGregor", "Holloway 2"]),
            ("LoL: T1 vs DRX - Game 1 Winner", ["T1", "DRX"]),
            ("Miami (OH) at Ohio", ["Miami (OH)", "Ohio"]),
            ("Miami (OH) RedHawks vs. Ohio Bobcats", ["Miami (OH) RedHawks", "Ohio Bobcats"]),
            ("Loyola (MD) at Navy Winner?", ["Loyola (MD)", "Navy"]),
        ];
        for (title, want) in cases {
            assert_eq!(split_matchup(title), want, "{title}");
        }
        assert!(split_matchup("Fed decision in March?").is_empty());
        assert!(split_matchup("Quarterfinal (Jul 09)").is_empty());
    }

    #[test]
    fn kalshi_sides_from_ticker_subtitle_markets_and_title() {
        let s = kalshi_sides(Some("VERACM"), "VER vs ACM (Apr 19)", "Verona vs Milan", &["VER", "ACM", "TIE"]);
        assert_eq!(s, vec![Participant::new(Some("VER"), &["Verona"]), Participant::new(Some("ACM"), &["Milan"])]);
        // Tennis: no codes in the subtitle; the markets' suffixes split the ticker.
        let s = kalshi_sides(Some("DJOMED"), "Quarterfinal (Jul 09)", "Djokovic vs Medvedev", &["DJO", "MED"]);
        assert_eq!(s[1], Participant::new(Some("MED"), &["Medvedev"]));
        // A spread event with one side's markets only.
        let s = kalshi_sides(Some("IDHOHOU"), "", "Idaho at Houston: Spread", &["HOU"]);
        assert_eq!(s[0], Participant::new(Some("IDHO"), &["Idaho"]));
        let s = kalshi_sides(Some("MCGHOL"), "UFC 329 (Jul 11)", "UFC 329: McGregor vs. Holloway 2", &["MCG", "HOL"]);
        assert_eq!(s[1], Participant::new(Some("HOL"), &["Holloway"]));
    }

    #[test]
    fn poly_sides_and_slug_parts() {
        let s = poly_sides("sea-ver-acm-2026-04-19", "Hellas Verona FC vs. AC Milan");
        assert_eq!(s[0], Participant::new(Some("ver"), &["Hellas Verona FC"]));
        assert_eq!(slug_codes("fif-fra-eng-2026-07-18-more-markets"), Some(["fra".into(), "eng".into()]));
        assert_eq!(slug_codes("atp-djokovi-medvede-2026-07-10"), Some(["djokovi".into(), "medvede".into()]));
        assert_eq!(slug_tail("epl-lee-sun-2026-01-10-draw").as_deref(), Some("draw"));
        assert_eq!(slug_tail("nba-mil-lal-2026-01-09"), None);
        assert_eq!(slug_codes("will-trump-win"), None);
        assert_eq!(side_by_code(&s, "ACM"), Some(1));
        assert_eq!(side_by_name(&s, "AC Milan"), Some(1));
        assert_eq!(side_by_name(&s, "Draw"), None);
    }
}
