//! Times written for people: weekday, date, local start–end and the zone's abbreviation.
//!
//! `Monday, December 7, 2026, 5:00–6:30 PM EST` in English and
//! `lunes, 7 de diciembre de 2026, 5:00–6:30 p. m. EST` in Spanish. Names are spelled out
//! here rather than taken from a locale database: two languages do not justify one.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc, Weekday};
use chrono_tz::Tz;

use crate::locale::Locale;

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_ES: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];

fn weekday(day: Weekday, locale: Locale) -> &'static str {
    let (en, es) = match day {
        Weekday::Mon => ("Monday", "lunes"),
        Weekday::Tue => ("Tuesday", "martes"),
        Weekday::Wed => ("Wednesday", "miércoles"),
        Weekday::Thu => ("Thursday", "jueves"),
        Weekday::Fri => ("Friday", "viernes"),
        Weekday::Sat => ("Saturday", "sábado"),
        Weekday::Sun => ("Sunday", "domingo"),
    };
    match locale {
        Locale::En => en,
        Locale::Es => es,
    }
}

/// `Monday, December 7, 2026` / `lunes, 7 de diciembre de 2026`.
pub fn date(day: NaiveDate, locale: Locale) -> String {
    let month = day.month0() as usize;
    match locale {
        Locale::En => format!("{}, {} {}, {}", weekday(day.weekday(), locale), MONTHS_EN[month], day.day(), day.year()),
        Locale::Es => {
            format!("{}, {} de {} de {}", weekday(day.weekday(), locale), day.day(), MONTHS_ES[month], day.year())
        }
    }
}

/// `December 7` / `7 de diciembre`: a date within a sentence.
pub fn short_date(day: NaiveDate, locale: Locale) -> String {
    let month = day.month0() as usize;
    match locale {
        Locale::En => format!("{} {}", MONTHS_EN[month], day.day()),
        Locale::Es => format!("{} de {}", day.day(), MONTHS_ES[month]),
    }
}

/// `July 31, 2024` / `31 de julio de 2024`: a full date without the weekday.
pub fn day_month_year(day: NaiveDate, locale: Locale) -> String {
    match locale {
        Locale::En => format!("{}, {}", short_date(day, locale), day.year()),
        Locale::Es => format!("{} de {}", short_date(day, locale), day.year()),
    }
}

fn meridiem(pm: bool, locale: Locale) -> &'static str {
    match (locale, pm) {
        (Locale::En, false) => "AM",
        (Locale::En, true) => "PM",
        (Locale::Es, false) => "a. m.",
        (Locale::Es, true) => "p. m.",
    }
}

fn clock<T: Timelike>(t: &T) -> String {
    let (_, h) = t.hour12();
    format!("{h}:{:02}", t.minute())
}

/// The zone's abbreviation at that instant: `EST`, `EDT`, `CST`. Zones whose database entry
/// has no letters (`-03`) read as `UTC-03`.
pub fn abbreviation(at: DateTime<Utc>, zone: Tz) -> String {
    let abbr = at.with_timezone(&zone).format("%Z").to_string();
    if abbr.starts_with(['+', '-']) { format!("UTC{abbr}") } else { abbr }
}

/// A single instant: `Sunday, December 6, 2026, 5:00 PM EST`.
pub fn instant(at: DateTime<Utc>, zone: Tz, locale: Locale) -> String {
    let local = at.with_timezone(&zone);
    format!(
        "{}, {} {} {}",
        date(local.date_naive(), locale),
        clock(&local),
        meridiem(local.hour12().0, locale),
        abbreviation(at, zone)
    )
}

/// A time of day: `6:00 PM EST` / `6:00 p. m. EST`.
pub fn time_of_day(at: DateTime<Utc>, zone: Tz, locale: Locale) -> String {
    let local = at.with_timezone(&zone);
    format!("{} {} {}", clock(&local), meridiem(local.hour12().0, locale), abbreviation(at, zone))
}

/// A span: `Monday, December 7, 2026, 5:00–6:30 PM EST`. The meridiem is written once when
/// both ends share it, the zone twice only when daylight saving changes during the span,
/// and both dates when the span crosses midnight.
pub fn span(start: DateTime<Utc>, end: DateTime<Utc>, zone: Tz, locale: Locale) -> String {
    let (s, e) = (start.with_timezone(&zone), end.with_timezone(&zone));
    if s.date_naive() != e.date_naive() {
        return format!("{} – {}", instant(start, zone, locale), instant(end, zone, locale));
    }
    let (s_abbr, e_abbr) = (abbreviation(start, zone), abbreviation(end, zone));
    let (s_pm, e_pm) = (s.hour12().0, e.hour12().0);
    let times = if s_abbr != e_abbr {
        format!("{} {} {s_abbr}–{} {} {e_abbr}", clock(&s), meridiem(s_pm, locale), clock(&e), meridiem(e_pm, locale))
    } else if s_pm == e_pm {
        format!("{}–{} {} {s_abbr}", clock(&s), clock(&e), meridiem(e_pm, locale))
    } else {
        format!("{} {}–{} {} {s_abbr}", clock(&s), meridiem(s_pm, locale), clock(&e), meridiem(e_pm, locale))
    };
    format!("{}, {times}", date(s.date_naive(), locale))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::America::{New_York, Tegucigalpa};
    use chrono_tz::Europe::Berlin;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    #[test]
    fn winter_meeting_in_both_languages() {
        let (s, e) = (utc(2026, 12, 7, 22, 0), utc(2026, 12, 7, 23, 30));
        assert_eq!(span(s, e, New_York, Locale::En), "Monday, December 7, 2026, 5:00–6:30 PM EST");
        assert_eq!(span(s, e, New_York, Locale::Es), "lunes, 7 de diciembre de 2026, 5:00–6:30 p. m. EST");
    }

    #[test]
    fn summer_says_edt() {
        let (s, e) = (utc(2027, 4, 5, 21, 0), utc(2027, 4, 5, 22, 30));
        assert_eq!(span(s, e, New_York, Locale::En), "Monday, April 5, 2027, 5:00–6:30 PM EDT");
    }

    #[test]
    fn crossing_noon_midnight_and_dst() {
        let noon = span(utc(2026, 12, 7, 16, 30), utc(2026, 12, 7, 18, 0), New_York, Locale::En);
        assert_eq!(noon, "Monday, December 7, 2026, 11:30 AM–1:00 PM EST");
        let late = span(utc(2026, 12, 8, 4, 30), utc(2026, 12, 8, 5, 30), New_York, Locale::En);
        assert_eq!(late, "Monday, December 7, 2026, 11:30 PM EST – Tuesday, December 8, 2026, 12:30 AM EST");
        // 2027-03-14 01:30 EST to 03:30 EDT: clocks jump at 2:00.
        let dst = span(utc(2027, 3, 14, 6, 30), utc(2027, 3, 14, 7, 30), New_York, Locale::En);
        assert_eq!(dst, "Sunday, March 14, 2027, 1:30 AM EST–3:30 AM EDT");
    }

    #[test]
    fn other_zones_use_their_abbreviation() {
        let s = utc(2026, 12, 3, 0, 0);
        assert_eq!(instant(s, Tegucigalpa, Locale::Es), "miércoles, 2 de diciembre de 2026, 6:00 p. m. CST");
        assert_eq!(instant(s, Berlin, Locale::En), "Thursday, December 3, 2026, 1:00 AM CET");
        assert_eq!(abbreviation(s, chrono_tz::America::Sao_Paulo), "UTC-03");
    }
}
