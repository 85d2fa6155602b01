//! String similarity of normalized names. Resemblance alone may suggest a link, never confirm
//! one.

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
    fn similarity_orders_sensibly() {
        assert_eq!(similarity("lakers", "lakers"), 1.0);
        assert!(similarity("natus vincere", "natus vincere esports") > 0.85);
        assert!(similarity("lakers", "clippers") < 0.8);
        assert_eq!(similarity("", "x"), 0.0);
    }
}
