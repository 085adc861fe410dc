//! How long before an event a reminder goes out.

use std::fmt;

use chrono::{DateTime, Duration, LocalResult, TimeZone, Utc};
use chrono_tz::Tz;

use crate::locale::Locale;

/// A lead time such as `1d`, `1h`, `30m` or `1w2h`.
///
/// Days and weeks count on the calendar of the event's zone: "one day before" a 5:00 pm
/// meeting is 5:00 pm local time the day before, even when a daylight-saving change falls
/// in between (then it is 23 or 25 hours). Hours and minutes are exact durations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lead {
    /// Whole calendar days (a week is seven).
    pub days: u32,
    /// Exact minutes on top of the days.
    pub minutes: u32,
}

impl Lead {
    /// One day before: the default first reminder.
    pub const DAY: Lead = Lead { days: 1, minutes: 0 };
    /// One hour before: the default last reminder.
    pub const HOUR: Lead = Lead { days: 0, minutes: 60 };
    /// No time before: a message due the moment something happened (a cancellation notice).
    pub const NONE: Lead = Lead { days: 0, minutes: 0 };

    /// Parses `1d`, `2h`, `30m`, `1w`, `1d12h`. Rejects zero and anything over 60 days.
    pub fn parse(text: &str) -> Result<Lead, String> {
        let s = text.trim().to_ascii_lowercase();
        if s.is_empty() {
            return Err("a lead time is empty; write it like 1d, 2h or 30m".into());
        }
        let (mut days, mut minutes) = (0u32, 0u32);
        let mut number = String::new();
        for c in s.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let n: u32 =
                number.parse().map_err(|_| format!("`{text}` is not a lead time; write it like 1d, 2h or 30m"))?;
            number.clear();
            match c {
                'w' => days = days.saturating_add(n.saturating_mul(7)),
                'd' => days = days.saturating_add(n),
                'h' => minutes = minutes.saturating_add(n.saturating_mul(60)),
                'm' => minutes = minutes.saturating_add(n),
                _ => {
                    return Err(format!("`{text}` is not a lead time: use w, d, h or m (like 1d, 2h, 30m)"));
                }
            }
        }
        if !number.is_empty() {
            return Err(format!("`{text}` needs a unit: 1d, 2h or 30m"));
        }
        if days == 0 && minutes == 0 {
            return Err(format!("`{text}` is zero; a reminder needs some time before the event"));
        }
        if days.saturating_add(minutes / (24 * 60)) > 60 {
            return Err(format!("`{text}` is more than 60 days ahead"));
        }
        Ok(Lead { days, minutes })
    }

    /// The instant this lead time before `start`, counting days on the calendar of `zone`.
    pub fn before(&self, start: DateTime<Utc>, zone: Tz) -> DateTime<Utc> {
        let local = start.with_timezone(&zone).naive_local();
        let shifted = local - Duration::days(i64::from(self.days));
        let day_before = match zone.from_local_datetime(&shifted) {
            LocalResult::Single(t) => t.with_timezone(&Utc),
            // The same wall-clock time happened twice (clocks went back): the first one is
            // the earlier, safer moment to remind.
            LocalResult::Ambiguous(a, _) => a.with_timezone(&Utc),
            // That wall-clock time never happened (clocks jumped forward): the same exact
            // duration before is the closest honest answer.
            LocalResult::None => start - Duration::days(i64::from(self.days)),
        };
        day_before - Duration::minutes(i64::from(self.minutes))
    }

    /// A short phrase for people: "1 day", "1 hour", "2 days 3 hours", "1 día".
    pub fn label(&self, locale: Locale) -> String {
        let hours = self.minutes / 60;
        let mins = self.minutes % 60;
        let unit = |n: u32, en: (&str, &str), es: (&str, &str)| {
            let (one, many) = match locale {
                Locale::En => en,
                Locale::Es => es,
            };
            format!("{n} {}", if n == 1 { one } else { many })
        };
        let mut parts = Vec::new();
        if self.days > 0 {
            parts.push(unit(self.days, ("day", "days"), ("día", "días")));
        }
        if hours > 0 {
            parts.push(unit(hours, ("hour", "hours"), ("hora", "horas")));
        }
        if mins > 0 {
            parts.push(unit(mins, ("minute", "minutes"), ("minuto", "minutos")));
        }
        parts.join(" ")
    }
}

impl fmt::Display for Lead {
    /// The compact form used in files, logs and reminder identities: `1d`, `1h`, `1d30m`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.days > 0 {
            write!(f, "{}d", self.days)?;
        }
        let (h, m) = (self.minutes / 60, self.minutes % 60);
        if h > 0 {
            write!(f, "{h}h")?;
        }
        if m > 0 {
            write!(f, "{m}m")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::America::New_York;

    #[test]
    fn parses_and_prints_round_trip() {
        for (text, days, minutes) in
            [("1d", 1, 0), ("1h", 0, 60), ("30m", 0, 30), ("1w", 7, 0), ("1d12h", 1, 720), ("90m", 0, 90)]
        {
            let lead = Lead::parse(text).unwrap();
            assert_eq!((lead.days, lead.minutes), (days, minutes), "{text}");
            assert_eq!(Lead::parse(&lead.to_string()).unwrap(), lead);
        }
    }

    #[test]
    fn rejects_nonsense() {
        for text in ["", "0h", "5", "1y", "h", "100d", "-1h"] {
            assert!(Lead::parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn one_day_before_keeps_local_time_across_dst() {
        // Sunday 2027-03-14 is the spring-forward day in New York; a 5 pm meeting that day
        // is reminded at 5 pm EST on Saturday: 23 hours earlier, not 24.
        let start = New_York.with_ymd_and_hms(2027, 3, 14, 17, 0, 0).unwrap().to_utc();
        let at = Lead::DAY.before(start, New_York);
        assert_eq!(at, Utc.with_ymd_and_hms(2027, 3, 13, 22, 0, 0).unwrap());
        assert_eq!(start - at, Duration::hours(23));
        // And in winter an ordinary 24 hours.
        let dec = New_York.with_ymd_and_hms(2026, 12, 7, 17, 0, 0).unwrap().to_utc();
        assert_eq!(Lead::DAY.before(dec, New_York), Utc.with_ymd_and_hms(2026, 12, 6, 22, 0, 0).unwrap());
        assert_eq!(Lead::HOUR.before(dec, New_York), Utc.with_ymd_and_hms(2026, 12, 7, 21, 0, 0).unwrap());
    }

    #[test]
    fn labels_read_well() {
        assert_eq!(Lead::DAY.label(Locale::En), "1 day");
        assert_eq!(Lead::parse("2d3h").unwrap().label(Locale::Es), "2 días 3 horas");
    }
}
