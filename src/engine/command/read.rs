//! A strict reading of a command's words: each word is read into one of the command's
//! declared slots or questioned. Nothing is guessed (a typo never becomes a value) and
//! nothing is dropped (a word no slot reads makes the whole command a question).

use chrono::NaiveDate;

use super::spec::{Choice, Spec};
use super::{Command, Near, Unclear, Wanted};
use crate::engine::suggest::closest;
use crate::locale::Locale;

/// The command `spec` could not read because of `word`, which was to be `wanted`; `near`
/// are valid words close to it, nearest first.
pub fn unclear(spec: &'static Spec, word: &str, wanted: Wanted, near: Vec<Near>) -> Command {
    Command::Unclear(Box::new(Unclear { spec, word: shown(word), wanted, near }))
}

/// A word as a reply may quote it: at most 40 characters.
fn shown(word: &str) -> String {
    word.chars().take(40).collect()
}

/// `Some(question)` when more than `n` words were given. Which of them is the one too many
/// cannot be told here (`signup jilamito the letter`), so the question names the last
/// word read with all that follows.
pub fn at_most(spec: &'static Spec, words: &[String], n: usize) -> Option<Command> {
    (words.len() > n).then(|| unclear(spec, &words[n.saturating_sub(1)..].join(" "), Wanted::Nothing, Vec::new()))
}

/// The question for a word that should have been one of `choices`, with the choices close
/// to it (compared as typed, without spaces or apostrophes), each in its language.
pub fn not_a_choice(spec: &'static Spec, word: &str, choices: &'static [Choice]) -> Command {
    let mut known: Vec<(String, Near)> = Vec::new();
    for c in choices {
        for (label, locale) in [(c.label.0, Some(Locale::En)), (c.label.1, Some(Locale::Es))] {
            known.push((squeezed(label), Near { word: label.to_string(), locale }));
        }
        known.push((squeezed(c.value), Near { word: c.value.to_string(), locale: Some(Locale::En) }));
    }
    let typed = squeezed(word);
    let near = crate::engine::suggest::close(&typed, known.iter().map(|(k, _)| k.as_str()));
    let mut offered: Vec<Near> = Vec::new();
    for key in near {
        for (_, n) in known.iter().filter(|(k, _)| k == key) {
            if !offered.contains(n) {
                offered.push(n.clone());
            }
        }
    }
    unclear(spec, word, Wanted::Choice(choices), offered)
}

/// A word as its spellings are compared: lowercase, without spaces, apostrophes or dashes.
pub fn squeezed(word: &str) -> String {
    word.trim().to_lowercase().chars().filter(|c| !matches!(c, ' ' | '\'' | '’' | '-' | '_')).collect()
}

/// Strips what must never be read or echoed: control characters become spaces; invisible
/// formatting (bidirectional changes and isolates, zero-width characters, the soft
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

/// Characters that change how text is shown or hide in it: Unicode's format characters
/// (category Cf: bidirectional controls, zero-width characters, tags) and the blanks that
/// show nothing (Hangul fillers, the blank Braille pattern, variation selectors).
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{180B}'..='\u{180E}'
            | '\u{2800}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FFA0}'
            | '\u{E0000}'..='\u{E007F}'
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
                Some(_) => return Err(unclear(spec, word, Wanted::Nothing, Vec::new())),
                None => return Err(unclear(spec, word, Wanted::Date, Vec::new())),
            }
        } else if let Some(first) = &out.meeting {
            // Two names: which one is the meeting cannot be told; a date could still follow.
            let wanted = if out.date.is_none() { Wanted::Date } else { Wanted::Nothing };
            return Err(unclear(spec, &format!("{first} {word}"), wanted, Vec::new()));
        } else {
            out.meeting = Some(word.to_lowercase());
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

/// Areas of older zone names (`US/Eastern`): meant as zones, and questioned.
const OLD_AREAS: &[&str] = &["us", "canada", "mexico", "brazil", "chile"];

/// A zone named where a zone may stand: an IANA name with its area (`Europe/Madrid`, any
/// case), or `UTC`. Abbreviations (`EST`, `CET`) are not taken even where the database has
/// them: `EST` is a fixed UTC−5 all year, not the Eastern time people mean. A country's own
/// zone name (`Cuba`) is a word of a title.
pub fn zone(word: &str) -> Option<chrono_tz::Tz> {
    let lower = word.to_lowercase();
    if lower == "utc" {
        return Some(chrono_tz::UTC);
    }
    let tz = chrono_tz::TZ_VARIANTS.iter().copied().find(|tz| tz.name().to_lowercase() == lower)?;
    let area = tz.name().split_once('/').map(|(area, _)| area.to_lowercase());
    area.filter(|a| ZONE_AREAS.contains(&a.as_str()) && a != "etc").map(|_| tz)
}

/// Whether `word` is meant as a time zone, whether or not it is one: an area and a slash
/// (`Europe/Mdrid`, `US/Eastern`), a city written as zones are (`new_york`), an offset
/// (`UTC+1`, `GMT-5`, `+01:00`) or an abbreviation in capitals (`ET`, `EDT`, `CEST`, `Z`).
pub fn looks_like_zone(word: &str) -> bool {
    let lower = word.to_lowercase();
    let offset = |rest: &str| {
        let digits = rest.strip_prefix(['+', '-']).unwrap_or("");
        !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit() || c == ':')
    };
    if matches!(lower.as_str(), "utc" | "gmt" | "z") || offset(&lower) {
        return true;
    }
    if let Some(rest) = lower.strip_prefix("utc").or_else(|| lower.strip_prefix("gmt")) {
        return offset(rest);
    }
    let capitals = word.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    // `ET`, `EST`, `EDT`, `CEST`, `EST5EDT`: a standard, daylight or summer time (not `MEET`).
    let kind = word.len().checked_sub(2).and_then(|i| word.as_bytes().get(i)).copied();
    let abbreviation = capitals
        && word.ends_with('T')
        && (matches!(word, "ET" | "CT" | "MT" | "PT")
            || ((3..=7).contains(&word.len())
                && (matches!(kind, Some(b'S' | b'D' | b'M')) || word.chars().any(|c| c.is_ascii_digit()))));
    abbreviation
        || (lower.contains('_') && lower.chars().all(|c| c.is_alphabetic() || c == '_'))
        || lower
            .split_once('/')
            .is_some_and(|(area, _)| ZONE_AREAS.iter().chain(OLD_AREAS).any(|a| closest(area, [*a]).is_some()))
}

/// Known zones close to a misspelt `Area/City` or city (`new_york` → `America/New_York`),
/// compared without case. Abbreviations and offsets get none: the nearest name to `CEST` or
/// `GMT+1` is no zone anyone meant (`Etc/GMT+1` is UTC−1).
pub fn closest_zones(word: &str) -> Vec<Near> {
    let lower = word.to_lowercase();
    if !(lower.contains('/') || lower.contains('_')) {
        return Vec::new();
    }
    let mut near: Vec<(usize, &'static str)> = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name())
        .filter(|name| zone(name).is_some())
        .map(|name| {
            let whole = crate::engine::suggest::distance(&lower, &name.to_lowercase());
            let city = name.rsplit('/').next().unwrap_or(name).to_lowercase();
            (whole.min(crate::engine::suggest::distance(&lower, &city)), name)
        })
        .filter(|(d, _)| *d <= 2)
        .collect();
    near.sort();
    near.into_iter().take(3).map(|(_, name)| Near { word: name.to_string(), locale: None }).collect()
}

/// Whether `word`, standing in a title, says a date, time, length or zone: the title would
/// then hide what the meeting's time is (`for 2h Planning`, `to 19:30`, `hora de Madrid`
/// has none of these, and stays a title). A bare number is a title's (`The 43`).
pub fn says_when(word: &str) -> bool {
    let body = word.trim_matches(|c: char| matches!(c, '(' | ')' | ',' | '.'));
    let has_letters = body.chars().any(|c| c.is_alphabetic());
    let has_digits = body.chars().any(|c| c.is_ascii_digit());
    (looks_like_length(body) && (has_letters || body.contains(':')))
        || date(body).is_some()
        || (has_digits && is_meridiem(&body.chars().filter(|c| !c.is_ascii_digit() && *c != ':').collect::<String>()))
        || (looks_like_zone(body) && body.len() > 1)
}

/// Units of a meeting's length, in both languages.
const LENGTH_UNITS: &[&str] = &[
    "m", "min", "mins", "minute", "minutes", "minuto", "minutos", "h", "hr", "hrs", "hour", "hours", "hora", "horas",
    "d", "day", "days", "día", "días", "dia", "dias",
];

/// Whether `word` is meant as a length (`90`, `90min`, `1h30`, `1.5h`, `19:30`, `-30m`),
/// whether or not it is one: numbers and units only.
pub fn looks_like_length(word: &str) -> bool {
    let body = word.trim_start_matches(['+', '-']);
    if !body.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let mut unit = String::new();
    for c in body.chars().chain(std::iter::once(' ')) {
        if c.is_alphabetic() {
            unit.push(c.to_ascii_lowercase());
            continue;
        }
        if !unit.is_empty() && !LENGTH_UNITS.contains(&unit.as_str()) {
            return false;
        }
        unit.clear();
        if !(c.is_ascii_digit() || matches!(c, '.' | ',' | ':' | ' ')) {
            return false;
        }
    }
    true
}

/// A meeting's length in minutes: `90m`, `2h`, `1h30m`, from one minute to a week.
pub fn length(word: &str) -> Option<i64> {
    let lead = crate::calendar::Lead::parse(word).ok()?;
    let minutes = i64::from(lead.days) * 24 * 60 + i64::from(lead.minutes);
    (1..=crate::store::MAX_MINUTES).contains(&minutes).then_some(minutes)
}

/// Words that say a time is morning or afternoon (`PM`, `p.m.`, `p. m.`).
pub fn is_meridiem(word: &str) -> bool {
    let w: String = word.to_lowercase().chars().filter(|c| c.is_alphabetic()).collect();
    word.chars().all(|c| c.is_alphabetic() || c == '.') && matches!(w.as_str(), "am" | "pm" | "a" | "p" | "m")
}

/// `6pm`, `6:30 PM`, `6 p. m.` read as a 24-hour time, to offer in a question (never taken).
pub fn meridiem_time(text: &str) -> Option<chrono::NaiveTime> {
    let lower = text.to_lowercase();
    let pm = lower.contains('p');
    let digits: String = lower.chars().take_while(|c| c.is_ascii_digit() || *c == ':').collect();
    let (h, m) = digits.split_once(':').unwrap_or((&digits, "0"));
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    if !(1..=12).contains(&h) || !lower.contains('m') {
        return None;
    }
    chrono::NaiveTime::from_hms_opt(h % 12 + if pm { 12 } else { 0 }, m, 0)
}

/// The longest title a one-off meeting may have (Discord's option allows as much).
pub const MAX_TITLE: usize = 100;

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
        assert_eq!(closest_zones("Europe/Mdrid")[0].word, "Europe/Madrid");
        assert_eq!(closest_zones("new_york")[0].word, "America/New_York");
        assert_eq!(zone("america/new_york"), Some(chrono_tz::America::New_York));
        assert_eq!(zone("Europe/Mdrid"), None);
        assert_eq!(zone("UTC"), Some(chrono_tz::UTC));
        assert_eq!(zone("EST"), None, "a fixed UTC-5, not Eastern time");
        assert_eq!(zone("Etc/GMT+1"), None, "UTC-1, never what GMT+1 means");
        assert_eq!(zone("Cuba"), None, "a word of a title");
        for w in ["EDT", "CEST", "EST", "ET", "UTC+1", "+01:00", "GMT-5", "new_york", "US/Eastern", "EST5EDT"] {
            assert!(looks_like_zone(w), "{w}");
        }
        for w in ["Cuba", "Madrid", "MEET", "IT", "-30m", "Teach-in", "Cuba/Venezuela", "and/or", "12/07"] {
            assert!(!looks_like_zone(w), "{w}");
        }
        assert!(closest_zones("CEST").is_empty() && closest_zones("GMT+1").is_empty());
        for w in ["2h", "(90m)", "19:30", "6pm", "2026-12-19", "EDT", "UTC+1"] {
            assert!(says_when(w), "{w}");
        }
        for w in ["43", "2027", "30th", "Madrid", "Teach-in", "A", "I"] {
            assert!(!says_when(w), "{w}");
        }
    }

    #[test]
    fn lengths_and_times_are_recognized_by_intent() {
        for w in ["90", "90min", "1h30", "1.5h", "19:30", "-30m", "90m", "2h", "1h30m"] {
            assert!(looks_like_length(w), "{w}");
        }
        for w in ["30th", "2nd", "Teach-in", "1st"] {
            assert!(!looks_like_length(w), "{w}");
        }
        assert_eq!(length("90m"), Some(90));
        assert_eq!(length("0m"), None);
        assert_eq!(length("999h"), None);
        assert!(is_meridiem("PM") && is_meridiem("p.m.") && is_meridiem("p.") && !is_meridiem("Teach"));
        assert!(!is_meridiem("90m") && !is_meridiem("1m"));
        assert_eq!(meridiem_time("6:00 PM"), chrono::NaiveTime::from_hms_opt(18, 0, 0));
        assert_eq!(meridiem_time("6pm"), chrono::NaiveTime::from_hms_opt(18, 0, 0));
        assert_eq!(meridiem_time("12 a.m."), chrono::NaiveTime::from_hms_opt(0, 0, 0));
    }
}
