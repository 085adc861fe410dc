//! "Did you mean …?": the closest known word to a typo.

/// Edit distance between two short words (insertions, deletions, substitutions, and two
/// neighbours swapped: `goign` is one edit from `going`), on chars so that `campaña` and
/// `campana` are one edit apart.
pub fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    // Three rows of the table: two back (for swaps), the last, the current.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut last: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut row = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            row[j] = (last[j] + 1).min(row[j - 1] + 1).min(last[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                row[j] = row[j].min(before[j - 2] + 1);
            }
        }
        before = std::mem::replace(&mut last, row);
    }
    last[b.len()]
}

/// Every candidate close enough to `word` to be what was meant (see [`closest`]), nearest
/// first.
pub fn close<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let word = word.to_lowercase();
    if word.is_empty() {
        return Vec::new();
    }
    let allowed = if word.chars().count() <= 4 { 1 } else { 2 };
    let mut near: Vec<(usize, bool, &'a str)> = candidates
        .into_iter()
        .map(|c| {
            let d = if word.len() >= 3 && c.starts_with(&word) { 1 } else { distance(&word, &c.to_lowercase()) };
            // Between equally close words, one the typed word begins (`of`: `off`, not `on`).
            (d, !c.starts_with(&word), c)
        })
        .filter(|(d, ..)| *d <= allowed)
        .collect();
    near.sort_by_key(|(d, prefix, _)| (*d, *prefix));
    near.into_iter().map(|(.., c)| c).collect()
}

/// The candidate closest to `word`, if it is close enough to be a likely typo: one edit for
/// words of up to four letters, two for longer ones. A word that starts a candidate
/// (`meet` for `meeting`) also counts.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    close(word, candidates).into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("meeting", "meeting"), 0);
        assert_eq!(distance("meetign", "meeting"), 1);
        assert_eq!(distance("goign", "going"), 1);
        assert_eq!(distance("ab", "ba"), 1);
        assert_eq!(distance("abc", "ca"), 3);
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
