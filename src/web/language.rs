//! Which language a page is shown in: the one its address names, else the first the
//! browser's `Accept-Language` asks for that convoca speaks, else the group's own.

use crate::locale::Locale;

/// The language a path segment names (`en`, `es`), if it is one convoca speaks.
pub fn from_segment(segment: &str) -> Option<Locale> {
    match segment {
        "en" => Some(Locale::En),
        "es" => Some(Locale::Es),
        _ => None,
    }
}

/// The best language for an `Accept-Language` header (`es-MX,es;q=0.9,en;q=0.8`): the
/// highest-weighted tag whose primary language convoca speaks; `fallback` when none is (or
/// the header is missing or unreadable).
pub fn negotiate(header: Option<&str>, fallback: Locale) -> Locale {
    asked(header).unwrap_or(fallback)
}

/// The language convoca speaks that an `Accept-Language` header weighs highest, if it names
/// one: the first of equal weights, as the browser listed them. A weight that cannot be read
/// (or is 0) takes its tag out; `*` names none of ours in particular.
pub fn asked(header: Option<&str>) -> Option<Locale> {
    let mut best: Option<(f32, Locale)> = None;
    for part in header?.split(',') {
        let mut pieces = part.split(';');
        let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
        let weight = pieces
            .find_map(|p| p.trim().strip_prefix("q="))
            .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())
            .unwrap_or(0.0);
        let Some(locale) = from_segment(tag.split(['-', '_']).next().unwrap_or("")) else { continue };
        if weight > 0.0 && weight <= 1.0 && best.is_none_or(|(w, _)| weight > w) {
            best = Some((weight, locale));
        }
    }
    best.map(|(_, l)| l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browsers_first_spoken_language_wins() {
        assert_eq!(negotiate(Some("es-MX,es;q=0.9,en;q=0.8"), Locale::En), Locale::Es);
        assert_eq!(negotiate(Some("fr-FR,fr;q=0.9,en;q=0.5,es;q=0.4"), Locale::Es), Locale::En);
        assert_eq!(negotiate(Some("en;q=0.2, es;q=0.7"), Locale::En), Locale::Es);
        assert_eq!(negotiate(Some("EN-us"), Locale::Es), Locale::En);
    }

    #[test]
    fn nothing_spoken_or_unreadable_gives_the_groups_language() {
        assert_eq!(negotiate(None, Locale::Es), Locale::Es);
        assert_eq!(negotiate(Some("de,fr;q=0.8"), Locale::Es), Locale::Es);
        assert_eq!(negotiate(Some("*"), Locale::Es), Locale::Es);
        assert_eq!(negotiate(Some("es;q=0, en;q=abc"), Locale::En), Locale::En);
        assert_eq!(negotiate(Some(";;,,q=1"), Locale::En), Locale::En);
    }
}
