//! A meeting's regular schedule: an RFC 5545 rule, or a single date, expanded in the
//! meeting's own time zone.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use rrule::{RRule, RRuleSet, Unvalidated};

/// How far ahead a schedule's occurrences are expanded once, at load, so that answering
/// "when is the next meeting" is a binary search rather than a walk from the first date.
/// Three years covers a year's calendar feed from a bot that has run two without a content
/// change; a deployment of a thousand groups keeps five thousand of these caches.
const CACHE_YEARS: i64 = 3;
/// How far back the cache reaches: past the calendar feed's month and a year of looking back
/// at past meetings. Earlier starts (a rule begun years ago) are walked to when asked for.
const CACHE_BACK_DAYS: i64 = 400;
/// Upper bound on cached occurrences, so a rule like `FREQ=MINUTELY` cannot eat memory.
const CACHE_MAX: usize = 5_000;
/// Upper bound on the starts passed over before the cache's window, so loading a minutely
/// rule begun long ago stays quick (its queries then walk the rule).
const SKIP_MAX: usize = 100_000;

/// When a meeting happens, before any one-off change.
#[derive(Clone, Debug)]
pub struct Schedule {
    zone: Tz,
    start_time: NaiveTime,
    duration: Duration,
    repeat: Repeat,
    /// Every regular start after `cache_after` up to the cache horizon, ascending.
    cache: Vec<DateTime<Utc>>,
    /// The last start before the cache's window, when the rule has earlier starts than the
    /// cache holds: a query reaching back to it walks the rule from its first date.
    cache_after: Option<DateTime<Utc>>,
    /// True when the rule produces more starts than the cache holds.
    continues: bool,
}

#[derive(Clone, Debug)]
enum Repeat {
    Once,
    Rule { set: Box<RRuleSet>, text: String },
}

impl Schedule {
    /// A schedule repeating by `rule` (e.g. `FREQ=MONTHLY;BYDAY=1MO`) from `first_date`, each
    /// time at `start_time` local time in `zone`. Returns a message for an organizer when the
    /// rule cannot be read or never produces a date.
    pub fn repeating(
        rule: &str,
        first_date: NaiveDate,
        start_time: NaiveTime,
        duration: Duration,
        zone: Tz,
        now: DateTime<Utc>,
    ) -> Result<Schedule, String> {
        let text = rule.trim();
        let text = text.strip_prefix("RRULE:").or_else(|| text.strip_prefix("rrule:")).unwrap_or(text);
        if text.to_ascii_uppercase().contains("DTSTART") {
            return Err("the rule must not contain DTSTART; the start comes from `first_date` and `start`".into());
        }
        let parsed: RRule<Unvalidated> =
            text.parse().map_err(|e| format!("`{text}` is not a valid recurrence rule: {e}"))?;
        let rzone = rrule::Tz::Tz(zone);
        let dt_start = match rzone.from_local_datetime(&first_date.and_time(start_time)) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t,
            LocalResult::None => {
                return Err(format!("{first_date} {start_time} does not exist in {zone} (clocks jump forward then)"));
            }
        };
        let set = parsed.build(dt_start).map_err(|e| format!("`{text}` is not a valid recurrence rule: {e}"))?;
        let mut schedule = Schedule {
            zone,
            start_time,
            duration,
            repeat: Repeat::Rule { set: Box::new(set), text: text.to_string() },
            cache: Vec::new(),
            cache_after: None,
            continues: false,
        };
        schedule.fill_cache(now);
        if schedule.cache.is_empty() && schedule.cache_after.is_none() {
            return Err(format!("`{text}` never produces a date from {first_date}"));
        }
        Ok(schedule)
    }

    /// A schedule with one date only.
    pub fn once(date: NaiveDate, start_time: NaiveTime, duration: Duration, zone: Tz) -> Result<Schedule, String> {
        let start = resolve_local(zone, date.and_time(start_time))
            .ok_or_else(|| format!("{date} {start_time} does not exist in {zone} (clocks jump forward then)"))?;
        Ok(Schedule {
            zone,
            start_time,
            duration,
            repeat: Repeat::Once,
            cache: vec![start],
            cache_after: None,
            continues: false,
        })
    }

    /// Caches the starts from a little over a year before `now` to three years after.
    fn fill_cache(&mut self, now: DateTime<Utc>) {
        let Repeat::Rule { set, .. } = &self.repeat else {
            return;
        };
        let window_start = now - Duration::days(CACHE_BACK_DAYS);
        let horizon = now.max(set.get_dt_start().to_utc()) + Duration::days(366 * CACHE_YEARS);
        let mut starts = set.as_ref().into_iter().map(|t| t.to_utc()).peekable();
        let (mut cache_after, mut skipped) = (None, 0);
        while let Some(start) = starts.next_if(|s| *s < window_start) {
            cache_after = Some(start);
            skipped += 1;
            if skipped >= SKIP_MAX {
                self.continues = true;
                self.cache_after = cache_after;
                return;
            }
        }
        let mut cache = Vec::new();
        let mut continues = false;
        for start in starts {
            if start > horizon || cache.len() >= CACHE_MAX {
                continues = true;
                break;
            }
            cache.push(start);
        }
        // Exactly the starts: a vector grown by doubling keeps up to half again as much.
        cache.shrink_to_fit();
        self.cache = cache;
        self.cache_after = cache_after;
        self.continues = continues;
    }

    /// The meeting's IANA time zone.
    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// Local start time of a regular occurrence.
    pub fn start_time(&self) -> NaiveTime {
        self.start_time
    }

    /// How long each occurrence lasts.
    pub fn duration(&self) -> Duration {
        self.duration
    }

    /// The rule text when the meeting repeats, for calendars and `convoca check`.
    pub fn rule(&self) -> Option<&str> {
        match &self.repeat {
            Repeat::Once => None,
            Repeat::Rule { text, .. } => Some(text),
        }
    }

    /// Regular starts whose occurrence has not ended by `after` (so a meeting in progress
    /// is included), in order.
    pub fn starts_from(&self, after: DateTime<Utc>) -> Box<dyn Iterator<Item = DateTime<Utc>> + '_> {
        let threshold = after - self.duration;
        let walk = |set: &'_ RRuleSet| set.into_iter().map(|t| t.to_utc());
        if let (Repeat::Rule { set, .. }, Some(before)) = (&self.repeat, self.cache_after)
            && threshold < before
        {
            // Before the cache's window: walk the rule from its first date.
            return Box::new(walk(set).skip_while(move |t| *t <= threshold));
        }
        let first = self.cache.partition_point(|s| *s <= threshold);
        let tail_from = self.cache.last().copied().or(self.cache_after);
        let cached = self.cache[first..].iter().copied();
        // Past the cache the rule is walked from its first date: slow, but only queries more
        // than three years ahead of the last load get here.
        let beyond = match (&self.repeat, self.continues) {
            (Repeat::Rule { set, .. }, true) => {
                Some(walk(set).skip_while(move |t| Some(*t) <= tail_from || *t <= threshold))
            }
            _ => None,
        };
        Box::new(cached.chain(beyond.into_iter().flatten()))
    }

    /// The regular start on local date `date`, if the schedule has one that day.
    pub fn start_on(&self, date: NaiveDate) -> Option<DateTime<Utc>> {
        let day_start = resolve_local(self.zone, date.and_hms_opt(0, 0, 0)?)?;
        self.starts_from(day_start - Duration::hours(1) + self.duration)
            .take_while(|s| s.with_timezone(&self.zone).date_naive() <= date)
            .find(|s| s.with_timezone(&self.zone).date_naive() == date)
    }
}

/// A local wall-clock time in `zone` as an instant. An ambiguous time (clocks went back) is
/// the first of the two; a time that never happened (clocks jumped forward) is `None`.
pub fn resolve_local(zone: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Some(t.to_utc()),
        LocalResult::None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::America::{New_York, Tegucigalpa};

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    fn monthly() -> Schedule {
        Schedule::repeating(
            "FREQ=MONTHLY;BYDAY=1MO",
            NaiveDate::from_ymd_opt(2023, 1, 1).unwrap(),
            NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
            Duration::minutes(90),
            New_York,
            utc(2026, 11, 28, 0, 0),
        )
        .unwrap()
    }

    #[test]
    fn first_monday_keeps_five_pm_across_dst() {
        let s = monthly();
        let next: Vec<_> = s.starts_from(utc(2026, 11, 28, 0, 0)).take(6).collect();
        assert_eq!(
            next,
            vec![
                utc(2026, 12, 7, 22, 0),
                utc(2027, 1, 4, 22, 0),
                utc(2027, 2, 1, 22, 0),
                utc(2027, 3, 1, 22, 0),
                utc(2027, 4, 5, 21, 0),
                utc(2027, 5, 3, 21, 0),
            ]
        );
    }

    #[test]
    fn a_meeting_in_progress_is_still_next() {
        let s = monthly();
        assert_eq!(s.starts_from(utc(2026, 12, 7, 23, 0)).next(), Some(utc(2026, 12, 7, 22, 0)));
        assert_eq!(s.starts_from(utc(2026, 12, 7, 23, 30)).next(), Some(utc(2027, 1, 4, 22, 0)));
    }

    #[test]
    fn the_cache_holds_a_window_and_queries_outside_it_walk_the_rule() {
        let s = monthly();
        // From late 2025 to late 2029: about four years of first Mondays, not seven.
        assert!((45..=52).contains(&s.cache.len()), "{}", s.cache.len());
        // 2024 is before the window: the rule is walked from its first date (DST in March).
        let march_2024: Vec<_> = s.starts_from(utc(2024, 3, 1, 0, 0)).take(2).collect();
        assert_eq!(march_2024, vec![utc(2024, 3, 4, 22, 0), utc(2024, 4, 1, 21, 0)]);
        // Across the window's start, nothing is lost or repeated.
        let around: Vec<_> = s.starts_from(utc(2025, 10, 1, 0, 0)).take(3).collect();
        assert_eq!(around, vec![utc(2025, 10, 6, 21, 0), utc(2025, 11, 3, 22, 0), utc(2025, 12, 1, 22, 0)]);
    }

    #[test]
    fn a_minutely_rule_begun_long_ago_loads_and_answers() {
        let s = Schedule::repeating(
            "FREQ=MINUTELY;INTERVAL=5",
            NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
            NaiveTime::from_hms_opt(0, 0, 0).unwrap(),
            Duration::minutes(1),
            New_York,
            utc(2026, 11, 28, 0, 0),
        )
        .unwrap();
        assert!(s.cache.is_empty());
        assert_eq!(s.starts_from(utc(2020, 1, 1, 5, 2)).next(), Some(utc(2020, 1, 1, 5, 5)));
    }

    #[test]
    fn far_future_queries_walk_past_the_cache() {
        let s = monthly();
        // 2040 is past the three-year cache built from 2026.
        let first_2040 = s.starts_from(utc(2040, 1, 1, 0, 0)).next().unwrap();
        assert_eq!(first_2040, utc(2040, 1, 2, 22, 0));
    }

    #[test]
    fn no_dst_zone_is_fixed_offset() {
        let s = Schedule::repeating(
            "FREQ=WEEKLY;BYDAY=WE",
            NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            NaiveTime::from_hms_opt(18, 0, 0).unwrap(),
            Duration::minutes(60),
            Tegucigalpa,
            utc(2026, 11, 28, 0, 0),
        )
        .unwrap();
        // Honduras stays on UTC-6 all year.
        let winter = s.starts_from(utc(2026, 12, 1, 0, 0)).next().unwrap();
        let summer = s.starts_from(utc(2027, 7, 1, 0, 0)).next().unwrap();
        assert_eq!(winter, utc(2026, 12, 3, 0, 0));
        assert_eq!(summer, utc(2027, 7, 1, 0, 0));
    }

    #[test]
    fn start_on_finds_the_regular_date() {
        let s = monthly();
        assert_eq!(s.start_on(NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()), Some(utc(2026, 12, 7, 22, 0)));
        assert_eq!(s.start_on(NaiveDate::from_ymd_opt(2026, 12, 8).unwrap()), None);
    }

    #[test]
    fn bad_rules_are_explained() {
        let d = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let t = NaiveTime::from_hms_opt(17, 0, 0).unwrap();
        let now = utc(2026, 1, 1, 0, 0);
        let err = Schedule::repeating("FREQ=SOMETIMES", d, t, Duration::hours(1), New_York, now).unwrap_err();
        assert!(err.contains("not a valid recurrence rule"), "{err}");
        let err =
            Schedule::repeating("FREQ=DAILY;COUNT=3;UNTIL=20200101T000000Z", d, t, Duration::hours(1), New_York, now);
        assert!(err.is_err());
    }
}
