//! "Did you mean …?": the closest known word to a typo.

/// Edit distance between two short words (insertions, deletions, substitutions), on chars
/// so that `campaña` and `campana` are one edit apart.
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb { prev } else { 1 + prev.min(row[j]).min(current) };
            prev = current;
        }
    }
    row[b.len()]
}

/// The candidate closest to `word`, if it is close enough to be a likely typo: one edit for
/// words of up to four letters, two for longer ones. A word that starts a candidate
/// (`meet` for `meeting`) also counts.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_lowercase();
    if word.is_empty() {
        return None;
    }
    let allowed = if word.chars().count() <= 4 { 1 } else { 2 };
    candidates
        .into_iter()
        .map(|c| {
            let d = if word.len() >= 3 && c.starts_with(&word) { 1 } else { distance(&word, c) };
            (d, c)
        })
        .filter(|(d, _)| *d <= allowed)
        // Between equally close words, one the typed word begins (`of`: `off`, not `on`).
        .min_by_key(|(d, c)| (*d, !c.starts_with(&word)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("meeting", "meeting"), 0);
        assert_eq!(distance("meetign", "meeting"), 2);
        assert_eq!(distance("campaña", "campana"), 1);
        assert_eq!(distance("", "abc"), 3);
    }

    #[test]
    fn closest_respects_the_threshold() {
        let names = ["jilamito", "cuba-sst", "monroe-doctrine"];
        assert_eq!(closest("jilamto", names), Some("jilamito"));
        assert_eq!(closest("jil", names), Some("jilamito"));
        assert_eq!(closest("honduras", names), None);
        assert_eq!(closest("", names), None);
        assert_eq!(closest("of", ["on", "off"]), Some("off"));
    }
}
