//! `meetings/*.toml`: when a meeting meets (a rule or one date, with its exceptions), where,
//! and how it is reminded of, checked into a [`Meeting`].

use std::ops::Range;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use toml::{Spanned, Value};

use super::channels::{canonical_channel, not_a_channel, valid_channel};
use super::files::{Source, parse_date, parse_duration, parse_local_datetime, parse_time};
use super::model::*;
use super::text::{RawText, Text};
use crate::calendar::{Change, ChangeKind, Lead, Schedule, resolve_local};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MeetingFile {
    slug: Option<Spanned<String>>,
    title: Option<RawText>,
    summary: Option<RawText>,
    repeat: Option<Spanned<String>>,
    first_date: Option<Spanned<Value>>,
    date: Option<Spanned<Value>>,
    start: Option<Spanned<Value>>,
    end: Option<Spanned<Value>>,
    duration: Option<Spanned<Value>>,
    time_zone: Option<Spanned<String>>,
    place: Option<PlaceFile>,
    reminders: Option<RemindersFile>,
    #[serde(default)]
    campaigns: Vec<Spanned<String>>,
    #[serde(default)]
    exceptions: Vec<ExceptionFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlaceFile {
    name: Option<RawText>,
    link: Option<Spanned<String>>,
    link_for: Option<Spanned<String>>,
    note: Option<RawText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RemindersFile {
    before: Option<Vec<Spanned<String>>>,
    personal_before: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    channels: Vec<Spanned<String>>,
    #[serde(default)]
    members_channels: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExceptionFile {
    date: Spanned<Value>,
    #[serde(default)]
    cancel: bool,
    move_to: Option<Spanned<Value>>,
}

impl MeetingFile {
    /// The meeting, or `None` (with every problem reported to `src`) when it cannot be
    /// scheduled. Each part is checked on its own so one mistake does not hide the others.
    pub fn check(self, src: &mut Source<'_>, stem: &str, group: &Group, now: DateTime<Utc>) -> Option<Meeting> {
        let slug = src.slug(self.slug.clone(), stem);
        let title = src.required(self.title.clone(), "the meeting's title", group.language);
        let zone = src.zone(self.time_zone.clone(), group.zone);
        let start_time = self.start_time(src);
        let duration = self.duration(src, start_time);
        let schedule = self.schedule(src, start_time, duration, zone, now);
        let place = self.place.map_or_else(no_place, |p| p.check(src, group));
        let reminders = self.reminders.map_or_else(default_reminders, |r| r.check(src));
        let schedule = schedule?;
        let changes = self.exceptions.into_iter().filter_map(|ex| ex.check(src, &schedule, zone)).collect();
        Some(Meeting {
            slug,
            title,
            summary: self.summary.map(|t| t.resolve(group.language)),
            schedule,
            changes,
            place,
            reminders,
            campaigns: self.campaigns.into_iter().map(|c| c.into_inner()).collect(),
        })
    }

    /// Spans of the campaigns this meeting names, for checking them once all are loaded.
    pub fn campaign_refs(&self) -> Vec<(Range<usize>, String)> {
        self.campaigns.iter().map(|c| (c.span(), c.get_ref().clone())).collect()
    }

    /// When it starts, every time it meets: required, as nothing can be scheduled without it.
    fn start_time(&self, src: &mut Source<'_>) -> Option<NaiveTime> {
        match &self.start {
            Some(v) => src.parsed(v, "a start time like 17:00", parse_time),
            None => {
                src.whole("the meeting's `start` time is missing (for example start = \"17:00\")");
                None
            }
        }
    }

    /// How long it lasts: `end` or `duration`, an hour when neither is given.
    fn duration(&self, src: &mut Source<'_>, start_time: Option<NaiveTime>) -> Option<Duration> {
        match (&self.end, &self.duration) {
            (Some(_), Some(d)) => {
                src.at(d.span(), "give either `end` or `duration`, not both");
                None
            }
            (Some(end), None) => {
                let end = src.parsed(end, "an end time like 18:30", parse_time);
                match (start_time, end) {
                    (Some(s), Some(e)) if e > s => Some(e - s),
                    // An end before the start means the meeting runs past midnight.
                    (Some(s), Some(e)) => Some(e - s + Duration::days(1)),
                    _ => None,
                }
            }
            (None, Some(d)) => src.parsed(d, "a duration like 90m or 1h30m", parse_duration),
            (None, None) => Some(Duration::hours(1)),
        }
    }

    /// When it meets: a `repeat` rule from `first_date`, or one `date`.
    fn schedule(
        &self,
        src: &mut Source<'_>,
        start_time: Option<NaiveTime>,
        duration: Option<Duration>,
        zone: Tz,
        now: DateTime<Utc>,
    ) -> Option<Schedule> {
        match (&self.repeat, &self.date) {
            (Some(_), Some(d)) => {
                src.at(d.span(), "give either `repeat` (a regular meeting) or `date` (a single one), not both");
                None
            }
            (None, None) => {
                src.whole("the meeting needs `repeat` (like \"FREQ=MONTHLY;BYDAY=1MO\") or a single `date`");
                None
            }
            (Some(rule), None) => {
                let first = match &self.first_date {
                    Some(v) => src.parsed(v, "a date like 2023-01-02 (years 2000–2100)", parse_date),
                    None => NaiveDate::from_ymd_opt(2020, 1, 1),
                };
                match (first, start_time, duration) {
                    (Some(first), Some(t), Some(d)) => {
                        match Schedule::repeating(rule.get_ref(), first, t, d, zone, now) {
                            Ok(s) => Some(s),
                            Err(e) => {
                                src.at(rule.span(), e);
                                None
                            }
                        }
                    }
                    _ => None,
                }
            }
            (None, Some(date)) => {
                let date = src.parsed(date, "a date like 2027-01-20 (years 2000–2100)", parse_date);
                match (date, start_time, duration) {
                    (Some(date), Some(t), Some(d)) => match Schedule::once(date, t, d, zone) {
                        Ok(s) => Some(s),
                        Err(e) => {
                            src.whole(e);
                            None
                        }
                    },
                    _ => None,
                }
            }
        }
    }
}

/// Where a meeting without `[place]` meets: nowhere named, no link to hide from anyone.
fn no_place() -> Place {
    Place { name: Text::default(), link: None, audience: Audience::Everyone, note: None }
}

/// The reminders of a meeting without `[reminders]`: the same lead times `[reminders]`
/// defaults to (a day and an hour before; an hour before to each person going), and no
/// channels of its own.
fn default_reminders() -> ReminderPlan {
    ReminderPlan {
        before: vec![Lead::DAY, Lead::HOUR],
        personal_before: vec![Lead::HOUR],
        channels: Vec::new(),
        members_channels: false,
    }
}

impl PlaceFile {
    /// Where it meets, and who may see the link.
    fn check(self, src: &mut Source<'_>, group: &Group) -> Place {
        let audience = match &self.link_for {
            None => Audience::Everyone,
            Some(a) => match a.get_ref().trim() {
                "everyone" => Audience::Everyone,
                "members" => Audience::Members,
                other => {
                    src.at(a.span(), format!("`link_for = \"{other}\"`: use \"everyone\" or \"members\""));
                    Audience::Members
                }
            },
        };
        Place {
            name: self.name.map(|t| t.resolve(group.language)).unwrap_or_default(),
            link: src.link(self.link),
            audience,
            note: self.note.map(|t| t.resolve(group.language)),
        }
    }
}

impl RemindersFile {
    /// When and where the meeting's reminders go.
    fn check(self, src: &mut Source<'_>) -> ReminderPlan {
        let before = leads(self.before, vec![Lead::DAY, Lead::HOUR], src);
        let personal_before = leads(self.personal_before, vec![Lead::HOUR], src);
        let channels = self
            .channels
            .iter()
            .filter_map(|c| {
                let name = canonical_channel(c.get_ref());
                if valid_channel(&name) {
                    Some(name)
                } else {
                    src.at(c.span(), not_a_channel(&name));
                    None
                }
            })
            .collect();
        ReminderPlan { before, personal_before, channels, members_channels: self.members_channels }
    }
}

/// Lead times as written (`["1d", "1h"]`), longest first; `default` when absent.
fn leads(written: Option<Vec<Spanned<String>>>, default: Vec<Lead>, src: &mut Source<'_>) -> Vec<Lead> {
    let mut leads: Vec<Lead> = match written {
        None => default,
        Some(list) => list
            .iter()
            .filter_map(|l| match Lead::parse(l.get_ref()) {
                Ok(lead) => Some(lead),
                Err(e) => {
                    src.at(l.span(), e);
                    None
                }
            })
            .collect(),
    };
    leads.sort_by(|a, b| b.cmp(a));
    leads.dedup();
    leads
}

impl ExceptionFile {
    /// One date cancelled or moved in the file; `None` (reported) when it makes no sense.
    fn check(self, src: &mut Source<'_>, schedule: &Schedule, zone: Tz) -> Option<Change> {
        let ex = self;

        let date = src.parsed(&ex.date, "a date like 2027-07-05 (years 2000–2100)", parse_date)?;
        if schedule.start_on(date).is_none() {
            src.at(ex.date.span(), format!("the meeting does not regularly meet on {date}"));
            return None;
        }
        let kind = match (ex.cancel, &ex.move_to) {
            (true, None) => ChangeKind::Cancel,
            (false, Some(to)) => {
                let to = src.parsed(
                    to,
                    "a local date and time like 2027-07-12T17:00 (years 2000–2100)",
                    parse_local_datetime,
                )?;
                if resolve_local(zone, to).is_none() {
                    src.at(ex.date.span(), format!("{to} does not exist in {zone} (clocks jump forward then)"));
                    return None;
                }
                ChangeKind::Move { to }
            }
            _ => {
                src.at(ex.date.span(), "an exception needs either `cancel = true` or `move_to = \"…\"`");
                return None;
            }
        };
        Some(Change { date, kind })
    }
}
