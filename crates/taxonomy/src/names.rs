//! Names as the venues write them: normalization (case, accents, punctuation, club words) and
//! how two names relate. A relation is evidence of identity only as strong as its kind: equal
//! names and names whose words one contains are exact textual evidence; a name that merely
//! resembles another (similarity) may suggest, never confirm.

/// Club and organisation words that carry no identity (`FC`, `SSC`, `Team`, `Esports`).
const NOISE: &[&str] = &[
    "fc", "cf", "afc", "sc", "ac", "as", "ss", "ssc", "us", "cd", "ud", "sd", "rc", "rcd", "ca", "ec", "se", "cr",
    "sk", "jk", "fk", "bk", "sv", "sl", "the", "team", "clan", "esports", "gaming",
];

/// Folds a name to the form comparisons use: lowercase ASCII words, accents removed,
/// punctuation dropped, `st`/`st.` → `saint` (`state` as a school's last word), `utd` →
/// `united`, college `SE`/`SC` before a state spelled out, club words removed (see
/// [`NOISE`]). A name made only of club words keeps them (`AS` stays `as`).
pub fn normalize(name: &str) -> String {
    let words = words(name);
    let kept: Vec<&str> = words.iter().map(String::as_str).filter(|w| !NOISE.contains(w)).collect();
    if kept.is_empty() { words.join(" ") } else { kept.join(" ") }
}

/// The name's folded letters and digits run together, club words kept ("AC Milan" →
/// `acmilan`): what a venue's short code abbreviates.
pub fn compact(name: &str) -> String {
    words(name).concat()
}

/// The folded words of a name, club words included.
fn words(name: &str) -> Vec<String> {
    let mut folded = String::with_capacity(name.len());
    for c in name.chars() {
        let c = fold_accent(c);
        if c.is_ascii_alphanumeric() {
            folded.push(c.to_ascii_lowercase());
        } else if c == '&' {
            folded.push_str(" and ");
        } else if c == '\'' || c == '’' || c == '.' && folded.ends_with(|p: char| p.is_ascii_alphabetic()) {
            // O'Connell, Gen.G, St. → one word ("oconnell", "geng", "st").
        } else {
            folded.push(' ');
        }
    }
    let raw: Vec<&str> = folded.split_whitespace().collect();
    let mut out = Vec::with_capacity(raw.len());
    for (i, w) in raw.iter().enumerate() {
        let next = raw.get(i + 1).copied();
        match *w {
            // A school's trailing "St." is State (`Jacksonville St.`); elsewhere Saint
            // (`St. Louis`, `Mount St. Mary's`).
            "st" if next.is_none() && i > 0 => out.push("state".to_string()),
            "st" => out.push("saint".to_string()),
            "utd" => out.push("united".to_string()),
            // College directions before a state (`SE Louisiana`, `SC State`): not the club
            // words "SE" and "SC" of `SE Palmeiras` and `SC Freiburg`.
            "se" if next.is_some_and(|n| US_STATES.contains(&n)) => out.push("southeastern".to_string()),
            "sc" if next.is_some_and(|n| ["state", "st", "upstate"].contains(&n)) => {
                out.push("south".to_string());
                out.push("carolina".to_string());
            }
            other => out.push(other.to_string()),
        }
    }
    out
}

/// US states of one word, as college names write them after a direction.
const US_STATES: &[&str] = &[
    "alabama",
    "arizona",
    "arkansas",
    "california",
    "colorado",
    "connecticut",
    "delaware",
    "florida",
    "georgia",
    "idaho",
    "illinois",
    "indiana",
    "iowa",
    "kansas",
    "kentucky",
    "louisiana",
    "maine",
    "maryland",
    "michigan",
    "minnesota",
    "mississippi",
    "missouri",
    "montana",
    "nebraska",
    "nevada",
    "ohio",
    "oklahoma",
    "oregon",
    "tennessee",
    "texas",
    "utah",
    "virginia",
    "washington",
    "wisconsin",
    "wyoming",
];

/// How two names relate, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub enum NameRelation {
    /// The same after normalization.
    Equal,
    /// Every word of the shorter name is a word of the longer (`Verona` / `Hellas Verona FC`,
    /// `SC Recife` / `Sport Recife`), or a person's surname and initial agree (`J. Sinner` /
    /// `Jannik Sinner`).
    Contains,
    /// Every word of the shorter name starts a word of the longer, in order
    /// (`Inter` / `Internazionale Milano`), or the shorter is the initials of the longer
    /// (`PSG` / `Paris Saint-Germain`).
    Prefix,
    /// Only alike (Jaro-Winkler similarity).
    Similar(f64),
    /// Nothing in common.
    Unrelated,
}

impl NameRelation {
    /// Whether the relation is textual evidence of the same name (not mere resemblance).
    pub fn is_exact(self) -> bool {
        matches!(self, NameRelation::Equal | NameRelation::Contains | NameRelation::Prefix)
    }
}

/// How names `a` and `b` relate.
pub fn relate(a: &str, b: &str) -> NameRelation {
    let (na, nb) = (normalize(a), normalize(b));
    if na.is_empty() || nb.is_empty() {
        return NameRelation::Unrelated;
    }
    if na == nb || na.replace(' ', "") == nb.replace(' ', "") {
        return NameRelation::Equal;
    }
    let (wa, wb): (Vec<&str>, Vec<&str>) = (na.split(' ').collect(), nb.split(' ').collect());
    let (short, long) = if wa.len() <= wb.len() { (&wa, &wb) } else { (&wb, &wa) };
    // A name of one short word ("d", "la") says too little to contain anything.
    let substantial = short.iter().any(|w| w.len() >= 3 && !w.chars().all(|c| c.is_ascii_digit()));
    if substantial && short.iter().all(|w| long.contains(w)) {
        return NameRelation::Contains;
    }
    if substantial && person_names_agree(short, long) {
        return NameRelation::Contains;
    }
    if substantial && words_start_words(short, long) || initials(short, long) {
        return NameRelation::Prefix;
    }
    let s = crate::similarity::similarity(&na, &nb);
    if s > 0.0 { NameRelation::Similar(s) } else { NameRelation::Unrelated }
}

/// `J Sinner` / `Jannik Sinner`: the same last word and the first word an initial of the other's.
fn person_names_agree(short: &[&str], long: &[&str]) -> bool {
    match (short, long) {
        ([first, .., last], [lfirst, .., llast]) => {
            last == llast && last.len() >= 3 && first.len() == 1 && lfirst.starts_with(first)
        }
        _ => false,
    }
}

/// `short` is one word of 3 letters or more made of the first letters of `long`'s words.
fn initials(short: &[&str], long: &[&str]) -> bool {
    match short {
        [word] if word.len() >= 3 && word.len() == long.len() => word.chars().zip(long).all(|(c, w)| w.starts_with(c)),
        _ => false,
    }
}

/// Each word of `short` (3 letters or more) starts a distinct word of `long`, in order.
fn words_start_words(short: &[&str], long: &[&str]) -> bool {
    let mut j = 0;
    for w in short {
        if w.len() < 3 {
            return false;
        }
        match long[j..].iter().position(|l| l.starts_with(w)) {
            Some(k) => j += k + 1,
            None => return false,
        }
    }
    true
}

fn fold_accent(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ā' | 'ą' => 'a',
        'Á' | 'À' | 'Â' | 'Ä' | 'Ã' | 'Å' => 'A',
        'é' | 'è' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => 'e',
        'É' | 'È' | 'Ê' | 'Ë' => 'E',
        'í' | 'ì' | 'î' | 'ï' | 'ı' => 'i',
        'Í' | 'Ì' | 'Î' | 'Ï' | 'İ' => 'I',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'ő' => 'o',
        'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' | 'Ø' => 'O',
        'ú' | 'ù' | 'û' | 'ü' | 'ů' | 'ű' => 'u',
        'Ú' | 'Ù' | 'Û' | 'Ü' => 'U',
        'ñ' | 'ń' | 'ň' => 'n',
        'Ñ' => 'N',
        'ç' | 'ć' | 'č' => 'c',
        'Ç' | 'Ć' | 'Č' => 'C',
        'ş' | 'ś' | 'š' | 'ș' => 's',
        'Ş' | 'Ś' | 'Š' | 'Ș' => 'S',
        'ğ' => 'g',
        'ř' => 'r',
        'ț' | 'ţ' => 't',
        'ý' => 'y',
        'ž' | 'ź' | 'ż' => 'z',
        'Ž' | 'Ź' | 'Ż' => 'Z',
        'ł' => 'l',
        'Ł' => 'L',
        'đ' => 'd',
        'ß' => 's',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_names() {
        let cases = [
            ("St. Louis Blues", "saint louis blues"),
            ("Atlético Madrid", "atletico madrid"),
            ("Brighton & Hove Albion FC", "brighton and hove albion"),
            ("Man Utd", "man united"),
            ("  The  Ohio   State ", "ohio state"),
            ("Beşiktaş JK", "besiktas"),
            ("İstanbul Başakşehir FK", "istanbul basaksehir"),
            ("76ers", "76ers"),
            ("FaZe Clan", "faze"),
            ("Team Liquid", "liquid"),
            ("Gen.G Esports", "geng"),
            ("O'Connell", "oconnell"),
            ("AC Milan", "milan"),
            ("AS", "as"),
            ("Jacksonville St.", "jacksonville state"),
            ("Mount St. Mary's", "mount saint marys"),
            ("St. John's", "saint johns"),
            ("SE Louisiana", "southeastern louisiana"),
            ("SC State", "south carolina state"),
            ("SE Palmeiras", "palmeiras"),
            ("SC Freiburg", "freiburg"),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize(input), expected, "{input}");
        }
    }

    #[test]
    fn relations_real_names_of_both_venues() {
        use NameRelation::*;
        // (Kalshi, Polymarket) as the venues wrote them in recorded payloads.
        let cases = [
            ("Verona", "Hellas Verona FC", Contains),
            ("Milan", "AC Milan", Equal),
            ("Atletico", "Club Atlético de Madrid", Contains),
            ("Manchester United", "Manchester United FC", Equal),
            ("Sport Recife", "SC Recife", Contains),
            ("Inter", "FC Internazionale Milano", Prefix),
            ("Spirit", "Team Spirit", Equal),
            ("Gen.G Esports", "Gen.G", Equal),
            ("Nongshim Red Force", "Nongshim RedForce", Equal),
            ("Novak Djokovic", "Novak Djokovic", Equal),
            ("J. Sinner", "Jannik Sinner", Contains),
            ("Idaho", "Idaho Vandals", Contains),
            ("PSG", "Paris Saint-Germain", Prefix),
            ("SL Benfica", "Sport Lisboa e Benfica", Contains),
            ("Goztepe Izmir", "Göztepe", Contains),
            ("Rizespor", "Çaykur Rizespor", Contains),
            ("Olympique Lyonnais", "Lyon", Prefix),
        ];
        for (k, p, want) in cases {
            assert_eq!(relate(k, p), want, "{k} / {p}");
        }
        assert!(!relate("Manchester United", "Manchester City").is_exact());
        assert!(!relate("Los Angeles D", "Los Angeles Angels").is_exact(), "one letter contains nothing");
        assert!(!relate("Virginia", "Duke Blue Devils").is_exact());
        assert_eq!(relate("", "x"), Unrelated);
    }
}
