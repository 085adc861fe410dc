//! A strict reading of a command's words: each word is read into one of the command's
//! declared slots or questioned. Nothing is guessed (a typo never becomes a value) and
//! nothing is dropped (a word no slot reads makes the whole command a question).

use chrono::NaiveDate;

use super::spec::{Choice, Spec};
use super::{Command, Unclear, Wanted};
use crate::engine::suggest::closest;

/// The command `spec` could not read because of `word`, which was to be `wanted`.
pub fn unclear(spec: &'static Spec, word: &str, wanted: Wanted, suggestion: Option<String>) -> Command {
    Command::Unclear(Box::new(Unclear { spec, word: shown(word), wanted, suggestion }))
}

/// A word as a reply may quote it: at most 40 characters.
fn shown(word: &str) -> String {
    word.chars().take(40).collect()
}

/// `Some(question)` when more than `n` words were given: the first word past them is
/// questioned, since the command takes nothing more.
pub fn at_most(spec: &'static Spec, words: &[String], n: usize) -> Option<Command> {
    words.get(n).map(|extra| unclear(spec, extra, Wanted::Nothing, None))
}

/// The question for a word that should have been one of `choices` (typed as `typed` lists
/// them), with the closest typed word when one is close.
pub fn not_a_choice(spec: &'static Spec, word: &str, choices: &'static [Choice], typed: &[&str]) -> Command {
    let suggestion = closest(word, typed.iter().copied()).map(str::to_string);
    unclear(spec, word, Wanted::Choice(choices), suggestion)
}

/// Strips what must never be read or echoed: control characters become spaces; invisible
/// formatting (bidirectional overrides and isolates, zero-width characters, the soft
/// hyphen, byte-order marks) and backticks, which would end a quoted word in a reply,
/// are removed.
pub fn clean(text: &str) -> String {
    text.chars()
        .filter_map(|c| {
            if is_invisible(c) || c == '`' {
                None
            } else if c.is_control() && !c.is_whitespace() {
                Some(' ')
            } else {
                Some(c)
            }
        })
        .collect()
}

/// Unicode format characters (category Cf) that change how text is shown or hide in it.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
    )
}

/// Month and day words in both languages, and words for relative days: a person who types
/// one means a date, which is written 2027-01-04 here.
const DATE_WORDS: &[&str] = &[
    "jan",
    "january",
    "feb",
    "february",
    "mar",
    "march",
    "apr",
    "april",
    "may",
    "jun",
    "june",
    "jul",
    "july",
    "aug",
    "august",
    "sep",
    "sept",
    "september",
    "oct",
    "october",
    "nov",
    "november",
    "dec",
    "december",
    "ene",
    "enero",
    "febrero",
    "marzo",
    "abr",
    "abril",
    "mayo",
    "junio",
    "julio",
    "ago",
    "agosto",
    "septiembre",
    "setiembre",
    "octubre",
    "noviembre",
    "dic",
    "diciembre",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "lunes",
    "martes",
    "miércoles",
    "miercoles",
    "jueves",
    "viernes",
    "sábado",
    "sabado",
    "domingo",
    "today",
    "tomorrow",
    "tonight",
    "hoy",
    "mañana",
    "manana",
    "next",
    "próximo",
    "proximo",
    "próxima",
    "proxima",
];

/// Whether `word` is meant as a date (it starts with a digit, or is a month, a weekday or a
/// relative day), whether or not it is one.
pub fn looks_like_date(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_digit()) || DATE_WORDS.contains(&word.to_lowercase().as_str())
}

/// A date written `YYYY-MM-DD` within the years convoca handles.
pub fn date(word: &str) -> Option<NaiveDate> {
    if word.len() != 10 {
        return None;
    }
    crate::content::parse_date(word)
}

/// A meeting and a date, both optional, in any order (`going monthly 2027-01-04`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MeetingDate {
    /// A meeting's name (lowercase), when given.
    pub meeting: Option<String>,
    /// A date, when given.
    pub date: Option<NaiveDate>,
}

/// Reads `[meeting] [date]` for `spec`: at most one name and one date; a word meant as a date
/// that is not one is questioned, and so is any word past them.
pub fn meeting_date(spec: &'static Spec, words: &[String]) -> Result<MeetingDate, Command> {
    let mut out = MeetingDate::default();
    for word in words {
        if looks_like_date(word) {
            match date(word) {
                Some(d) if out.date.is_none() => out.date = Some(d),
                Some(_) => return Err(unclear(spec, word, Wanted::Nothing, None)),
                None => return Err(unclear(spec, word, Wanted::Date, None)),
            }
        } else if out.meeting.is_none() {
            out.meeting = Some(word.to_lowercase());
        } else {
            return Err(unclear(spec, word, Wanted::Nothing, None));
        }
    }
    Ok(out)
}

/// Areas that begin IANA zone names (`America/New_York`); a word starting with one and a
/// slash is meant as a zone.
const ZONE_AREAS: &[&str] = &[
    "africa",
    "america",
    "antarctica",
    "arctic",
    "asia",
    "atlantic",
    "australia",
    "etc",
    "europe",
    "indian",
    "pacific",
];

/// Whether `word` is meant as a time zone (`Europe/Madrid`, `Europe/Mdrid`, `UTC`), whether
/// or not it is one.
pub fn looks_like_zone(word: &str) -> bool {
    let lower = word.to_lowercase();
    if matches!(lower.as_str(), "utc" | "gmt") {
        return true;
    }
    lower.split_once('/').is_some_and(|(area, _)| ZONE_AREAS.iter().any(|a| closest(area, [*a]).is_some()))
}

/// The known zone closest to a misspelt one, compared without case.
pub fn closest_zone(word: &str) -> Option<&'static str> {
    let lower = word.to_lowercase();
    chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name())
        .map(|name| (crate::engine::suggest::distance(&lower, &name.to_lowercase()), name))
        .filter(|(d, _)| *d <= 3)
        .min_by_key(|(d, _)| *d)
        .map(|(_, name)| name)
}

/// A known zone, named in any case (`europe/madrid`).
pub fn zone(word: &str) -> Option<chrono_tz::Tz> {
    word.parse::<chrono_tz::Tz>().ok().or_else(|| {
        let lower = word.to_lowercase();
        chrono_tz::TZ_VARIANTS.iter().copied().find(|tz| tz.name().to_lowercase() == lower)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_and_quoting_characters_are_removed() {
        assert_eq!(clean("a\u{202E}b\u{2066}c\u{200B}d`e"), "abcde");
        assert_eq!(clean("x\u{7}y"), "x y");
        assert_eq!(clean("línea\tok"), "línea\tok");
    }

    #[test]
    fn dates_are_recognized_by_intent() {
        for w in ["jan", "Enero", "2027-1-4", "9999-12-06", "tomorrow", "mañana", "12/06"] {
            assert!(looks_like_date(w), "{w}");
        }
        assert!(!looks_like_date("monthly"));
        assert_eq!(date("2027-01-04"), NaiveDate::from_ymd_opt(2027, 1, 4));
        assert_eq!(date("2027-1-4"), None);
    }

    #[test]
    fn zones_are_recognized_and_typos_offered_the_nearest() {
        assert!(looks_like_zone("Europe/Mdrid"));
        assert!(looks_like_zone("Amrica/Lima"));
        assert!(!looks_like_zone("Teach-in"));
        assert!(!looks_like_zone("and/or"));
        assert_eq!(closest_zone("Europe/Mdrid"), Some("Europe/Madrid"));
        assert_eq!(zone("america/new_york"), Some(chrono_tz::America::New_York));
        assert_eq!(zone("Europe/Mdrid"), None);
    }
}
