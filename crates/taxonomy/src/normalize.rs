//! Name normalization: case, accents, punctuation, "St."/"Saint", club suffixes.

/// Folds a name to the form dictionaries and comparisons use: lowercase ASCII words, accents
/// removed, punctuation dropped, `st`/`st.` → `saint`, `utd` → `united`, club tokens (`fc`,
/// `cf`, `afc`, `sc`, `the`) removed.
pub fn normalize(name: &str) -> String {
    let mut folded = String::with_capacity(name.len());
    for c in name.chars() {
        let c = fold_accent(c);
        if c.is_ascii_alphanumeric() {
            folded.push(c.to_ascii_lowercase());
        } else if c == '&' {
            folded.push_str(" and ");
        } else {
            folded.push(' ');
        }
    }
    let words: Vec<&str> = folded
        .split_whitespace()
        .map(|w| match w {
            "st" => "saint",
            "utd" => "united",
            other => other,
        })
        .filter(|w| !matches!(*w, "fc" | "cf" | "afc" | "sc" | "the"))
        .collect();
    words.join(" ")
}

fn fold_accent(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ā' => 'a',
        'Á' | 'À' | 'Â' | 'Ä' | 'Ã' | 'Å' => 'A',
        'é' | 'è' | 'ê' | 'ë' | 'ē' | 'ę' => 'e',
        'É' | 'È' | 'Ê' | 'Ë' => 'E',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'Í' | 'Ì' | 'Î' | 'Ï' => 'I',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
        'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' | 'Ø' => 'O',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'Ú' | 'Ù' | 'Û' | 'Ü' => 'U',
        'ñ' => 'n',
        'Ñ' => 'N',
        'ç' | 'ć' | 'č' => 'c',
        'Ç' | 'Ć' | 'Č' => 'C',
        'ş' | 'ś' | 'š' => 's',
        'Ş' | 'Ś' | 'Š' => 'S',
        'ğ' => 'g',
        'ı' => 'i',
        'İ' => 'I',
        'ž' | 'ź' | 'ż' => 'z',
        'ł' => 'l',
        'ß' => 's',
        other => other,
    }
}

/// Jaro-Winkler similarity of two normalized names, 0.0 ..= 1.0 (not money).
pub fn similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut a_matched = vec![false; a.len()];
    let mut b_matched = vec![false; b.len()];
    let mut matches = 0usize;
    for (i, ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        for j in lo..hi {
            if !b_matched[j] && b[j] == *ca {
                a_matched[i] = true;
                b_matched[j] = true;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let a_seq = a.iter().zip(&a_matched).filter(|(_, m)| **m).map(|(c, _)| *c);
    let b_seq: Vec<char> = b.iter().zip(&b_matched).filter(|(_, m)| **m).map(|(c, _)| *c).collect();
    let transpositions = a_seq.zip(&b_seq).filter(|(x, y)| x != *y).count() / 2;
    let m = matches as f64;
    let jaro = (m / a.len() as f64 + m / b.len() as f64 + (m - transpositions as f64) / m) / 3.0;
    let prefix = a.iter().zip(&b).take(4).take_while(|(x, y)| x == y).count() as f64;
    jaro + prefix * 0.1 * (1.0 - jaro)
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
            ("Beşiktaş", "besiktas"),
            ("76ers", "76ers"),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize(input), expected, "{input}");
        }
    }

    #[test]
    fn similarity_orders_sensibly() {
        assert_eq!(similarity("lakers", "lakers"), 1.0);
        assert!(similarity("natus vincere", "natus vincere esports") > 0.85);
        assert!(similarity("lakers", "clippers") < 0.8);
        assert_eq!(similarity("", "x"), 0.0);
    }
}
