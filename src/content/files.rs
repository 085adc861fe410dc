//! The shapes of the files in `commands/`, and their checking into the model.
//!
//! Every field that can be wrong in a way TOML cannot see (a zone, a rule, a date, a link)
//! is read `Spanned`, so its error can name the line it is on.

use std::ops::Range;
use std::path::Path;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use toml::{Spanned, Value};

use super::error::ContentError;
use super::model::*;
use super::text::{RawText, Text};
use crate::calendar::{Change, ChangeKind, Lead, Schedule, resolve_local};
use crate::locale::Locale;

/// One file being checked: where errors go and how to find their lines.
pub(crate) struct Source<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    pub errors: &'a mut Vec<ContentError>,
}

impl Source<'_> {
    fn at(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.errors.push(ContentError::at(self.path, self.text, span.start, message));
    }

    fn whole(&mut self, message: impl Into<String>) {
        self.errors.push(ContentError::file(self.path, message));
    }

    /// Parses the file's TOML, recording a syntax or shape error with its line. A shape
    /// error (an unknown key, a value of the wrong kind) does not hide the next one: its
    /// lines are blanked and the file read again, so one `check` names every mistake in it.
    /// The value read around the mistakes comes back too, for the checks after this one
    /// (the whole folder is refused anyway).
    pub fn parse<T: for<'de> Deserialize<'de>>(&mut self) -> Option<T> {
        if let Err(e) = self.text.parse::<toml::Table>() {
            self.toml_error(&e);
            return None;
        }
        let mut text = self.text.to_string();
        for _ in 0..MAX_SHAPE_ERRORS {
            let e = match toml::from_str::<T>(&text) {
                Ok(v) => return Some(v),
                Err(e) => e,
            };
            self.toml_error(&e);
            let span = e.span()?;
            // A mistake of the whole document (a missing key) has no lines to step over.
            if span.is_empty() {
                return None;
            }
            let blanked = blank_lines(&text, span);
            // Blanking must leave valid TOML that says less, or there is nothing more to read.
            if blanked == text || blanked.parse::<toml::Table>().is_err() {
                return None;
            }
            text = blanked;
        }
        None
    }

    fn toml_error(&mut self, e: &toml::de::Error) {
        let message = e.message().trim().to_string();
        match e.span() {
            Some(span) => self.at(span, message),
            None => self.whole(message),
        }
    }

    fn required(&mut self, text: Option<RawText>, what: &str, language: Locale) -> Text {
        match text.map(|t| t.resolve(language)) {
            Some(t) if !t.is_blank() => t,
            _ => {
                self.whole(format!(
                    "{what} is missing: add `{}` to the file",
                    what.split(' ').next_back().unwrap_or(what)
                ));
                Text::default()
            }
        }
    }

    fn zone(&mut self, zone: Option<Spanned<String>>, default: Tz) -> Tz {
        let Some(zone) = zone else { return default };
        match zone.get_ref().trim().parse::<Tz>() {
            Ok(tz) => tz,
            Err(_) => {
                let name = zone.get_ref().clone();
                self.at(zone.span(), format!("unknown time zone `{name}`: use an IANA name such as America/New_York"));
                default
            }
        }
    }

    fn link(&mut self, link: Option<Spanned<String>>) -> Option<String> {
        let link = link?;
        let url = link.get_ref().trim().to_string();
        if url.is_empty() {
            return None;
        }
        if url.starts_with("https://") || url.starts_with("http://") || url.starts_with("mailto:") {
            Some(url)
        } else {
            self.at(link.span(), format!("`{url}` is not a link: it must start with https://"));
            None
        }
    }

    fn slug(&mut self, given: Option<Spanned<String>>, stem: &str) -> String {
        match given {
            Some(s) => {
                let slug = s.get_ref().trim().to_string();
                if !valid_slug(&slug) {
                    self.at(
                        s.span(),
                        format!("`{slug}` is not a valid name: use lowercase letters, digits and dashes"),
                    );
                }
                slug
            }
            None => {
                if !valid_slug(stem) {
                    self.whole(format!(
                        "the file name `{stem}` is not a valid name: rename it with lowercase letters, digits and dashes, or set `slug`"
                    ));
                }
                stem.to_string()
            }
        }
    }

    /// A string read by `parse`, or an error at its line saying what it should be.
    fn spelled<T>(&mut self, value: &Spanned<String>, what: &str, parse: impl Fn(&str) -> Option<T>) -> Option<T> {
        let parsed = parse(value.get_ref().trim());
        if parsed.is_none() {
            self.at(value.span(), format!("`{}` is not {what}", value.get_ref().trim()));
        }
        parsed
    }

    fn parsed<T>(&mut self, value: &Spanned<Value>, what: &str, parse: impl Fn(&str) -> Option<T>) -> Option<T> {
        let text = value_text(value.get_ref());
        let parsed = text.as_deref().and_then(parse);
        if parsed.is_none() {
            let shown = text.unwrap_or_else(|| value.get_ref().to_string());
            self.at(value.span(), format!("`{shown}` is not {what}"));
        }
        parsed
    }
}

/// How many shape errors one file is read past: more than this is a file to start over.
const MAX_SHAPE_ERRORS: usize = 50;

/// `text` with every line `span` touches replaced by spaces, byte for byte, so that every
/// other offset (and line number) stays where it was.
fn blank_lines(text: &str, span: Range<usize>) -> String {
    // Bytes, not characters: a span may end inside a character's bytes.
    let bytes = text.as_bytes();
    let start = bytes[..span.start.min(bytes.len())].iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let end_from = span.end.max(span.start + 1).min(bytes.len());
    let end = bytes[end_from..].iter().position(|b| *b == b'\n').map_or(bytes.len(), |i| end_from + i);
    let mut bytes = bytes.to_vec();
    for b in &mut bytes[start..end] {
        if *b != b'\n' {
            *b = b' ';
        }
    }
    String::from_utf8(bytes).unwrap_or_else(|_| text.to_string())
}

/// Lowercase letters, digits and single dashes, starting with a letter or digit.
pub fn valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

/// Strings and TOML's own dates and times, as text.
fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Datetime(d) => Some(d.to_string()),
        _ => None,
    }
}

/// `2026-12-07`, in the years 2000–2100: nothing the group plans lies outside them, and a
/// year like +262142 would overflow later time arithmetic.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok().filter(|d| crate::calendar::in_sane_range(*d))
}

/// `17:00` or `17:00:00`.
pub fn parse_time(s: &str) -> Option<NaiveTime> {
    let s = s.trim();
    NaiveTime::parse_from_str(s, "%H:%M").or_else(|_| NaiveTime::parse_from_str(s, "%H:%M:%S")).ok()
}

/// `2026-12-14T18:00`, `2026-12-14 18:00` or with seconds.
pub fn parse_local_datetime(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .filter(|t| crate::calendar::in_sane_range(t.date()))
}

/// `90m`, `1h30m`, `2h`: a meeting's length.
fn parse_duration(s: &str) -> Option<Duration> {
    let lead = Lead::parse(s).ok()?;
    Some(Duration::days(i64::from(lead.days)) + Duration::minutes(i64::from(lead.minutes)))
}

// ---------------------------------------------------------------------------------------
// group.toml

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GroupFile {
    name: Option<RawText>,
    short_name: Option<String>,
    time_zone: Option<Spanned<String>>,
    language: Option<Spanned<String>>,
    website: Option<Spanned<String>>,
    contact: Option<ContactFile>,
    mission: Option<RawText>,
    history: Option<RawText>,
    get_involved: Option<RawText>,
    retention: Option<RetentionFile>,
    public_floor: Option<Spanned<i64>>,
    /// Channels written to in another language than the group's: `"mail:lista@…" = "es"`.
    #[serde(default)]
    channel_languages: std::collections::BTreeMap<String, Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RetentionFile {
    signups_days: Option<Spanned<i64>>,
    rsvps_days: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContactFile {
    name: String,
    email: Option<String>,
}

impl GroupFile {
    pub fn check(self, src: &mut Source<'_>) -> Group {
        let language = match &self.language {
            Some(l) if !matches!(l.get_ref().trim(), "en" | "es") => {
                src.at(l.span(), format!("`{}` is not a language convoca speaks: use en or es", l.get_ref()));
                Locale::En
            }
            Some(l) => Locale::from_tag(l.get_ref()),
            None => Locale::En,
        };
        let name = src.required(self.name, "the group's name", language);
        if self.time_zone.is_none() {
            src.whole("the group's `time_zone` is missing (for example America/New_York)");
        }
        let zone = src.zone(self.time_zone, Tz::UTC);
        let short_name = self
            .short_name
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| name.get(language).to_string());
        let mut days = |key: &str, value: Option<Spanned<i64>>| {
            value.and_then(|d| {
                let days = *d.get_ref();
                if (1..=36_500).contains(&days) {
                    Some(chrono::Duration::days(days))
                } else {
                    src.at(d.span(), format!("`{key} = {days}` must be a number of days from 1 to 36500"));
                    None
                }
            })
        };
        let (signups, rsvps) = self.retention.map(|r| (r.signups_days, r.rsvps_days)).unwrap_or_default();
        let retention =
            Retention { signups_after: days("signups_days", signups), rsvps_after: days("rsvps_days", rsvps) };
        let public_floor = match self.public_floor {
            Some(f) if !(1..=1000).contains(f.get_ref()) => {
                src.at(f.span(), format!("`public_floor = {}` must be a number from 1 to 1000", f.get_ref()));
                super::model::PUBLIC_FLOOR
            }
            Some(f) => *f.get_ref() as u32,
            None => super::model::PUBLIC_FLOOR,
        };
        let channel_languages = self
            .channel_languages
            .into_iter()
            .filter_map(|(channel, l)| {
                let channel = channel.trim().to_string();
                if !valid_channel(&channel) {
                    src.at(l.span(), format!("`{channel}` is not a channel: {CHANNEL_FORMS}"));
                    return None;
                }
                match l.get_ref().trim() {
                    "en" | "es" => Some((channel, Locale::from_tag(l.get_ref()))),
                    other => {
                        src.at(l.span(), format!("`{other}` is not a language convoca speaks: use en or es"));
                        None
                    }
                }
            })
            .collect();
        Group {
            channel_languages,
            public_floor,
            short_name,
            zone,
            language,
            retention,
            website: src.link(self.website),
            contact: self.contact.map(|c| Contact { name: c.name, email: c.email }),
            mission: src.required(self.mission, "the group's mission", language),
            history: self.history.map(|t| t.resolve(language)),
            get_involved: self.get_involved.map(|t| t.resolve(language)),
            name,
        }
    }
}

// ---------------------------------------------------------------------------------------
// meetings/*.toml

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

/// How channel references are written, for messages about one that is not.
pub const CHANNEL_FORMS: &str =
    "write discord:<channel id>, matrix:!room:server (a room id; aliases are not accepted) or mail:<list address>";

/// Checks a channel reference: `discord:<channel id>` (a non-zero snowflake),
/// `matrix:!room:server`, `mail:<address>` (a mailing list) or `console:<name>`. Matrix aliases are refused: `check` runs
/// offline and cannot resolve them, and an alias can be moved to another room by anyone who
/// claims it.
pub fn valid_channel(s: &str) -> bool {
    if let Some(id) = s.strip_prefix("discord:") {
        return id.parse::<u64>().is_ok_and(|n| n != 0) && id.chars().all(|c| c.is_ascii_digit());
    }
    if let Some(room) = s.strip_prefix("matrix:") {
        // `!opaque:server`, or, from room version 12, `!opaque` alone.
        let clean = !room.chars().any(|c| c.is_whitespace() || c.is_control());
        return clean
            && room.strip_prefix('!').is_some_and(|r| match r.split_once(':') {
                Some((local, server)) => !local.is_empty() && !server.is_empty(),
                None => !r.is_empty(),
            });
    }
    if let Some(address) = s.strip_prefix("mail:") {
        return mail_address(address);
    }
    if let Some(name) = s.strip_prefix("console:") {
        return !name.is_empty();
    }
    false
}

/// A plain `local@domain` address: one `@`, a dotted domain, nothing a mail header could be
/// split on (no spaces, angle brackets, commas or control characters).
fn mail_address(address: &str) -> bool {
    let Some((local, domain)) = address.split_once('@') else { return false };
    let clean = |t: &str| {
        !t.is_empty() && !t.chars().any(|c| c.is_whitespace() || c.is_control() || "<>,;:\"@()[]".contains(c))
    };
    clean(local) && clean(domain) && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
}

impl MeetingFile {
    /// The meeting, or `None` (with every problem reported to `src`) when it cannot be
    /// scheduled. Each part is checked on its own so one mistake does not hide the others.
    pub fn check(self, src: &mut Source<'_>, stem: &str, group: &Group, now: DateTime<Utc>) -> Option<Meeting> {
        let slug = src.slug(self.slug.clone(), stem);
        let title = src.required(self.title.clone(), "the meeting's title", group.language);
        let zone = src.zone(self.time_zone.clone(), group.zone);
        let start_time = match &self.start {
            Some(v) => src.parsed(v, "a start time like 17:00", parse_time),
            None => {
                src.whole("the meeting's `start` time is missing (for example start = \"17:00\")");
                None
            }
        };
        let duration = self.duration(src, start_time);
        let schedule = self.schedule(src, start_time, duration, zone, now);
        let place = self.place.map_or_else(
            || Place { name: Text::default(), link: None, audience: Audience::Everyone, note: None },
            |p| p.check(src, group),
        );
        let reminders = self.reminders.map_or_else(
            || ReminderPlan {
                before: vec![Lead::DAY, Lead::HOUR],
                personal_before: vec![Lead::HOUR],
                channels: Vec::new(),
                members_channels: false,
            },
            |r| r.check(src),
        );
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
                let name = c.get_ref().trim();
                if valid_channel(name) {
                    Some(name.to_string())
                } else {
                    src.at(c.span(), format!("`{name}` is not a channel: {CHANNEL_FORMS}"));
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

// ---------------------------------------------------------------------------------------
// campaigns/*.toml

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CampaignFile {
    slug: Option<Spanned<String>>,
    title: Option<RawText>,
    summary: Option<RawText>,
    #[serde(default)]
    partners: Vec<String>,
    learn_more: Option<Spanned<String>>,
    ends: Option<Spanned<Value>>,
    #[serde(default)]
    public_reactions: bool,
    #[serde(default)]
    actions: Vec<ActionFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionFile {
    slug: Spanned<String>,
    title: Option<RawText>,
    description: Option<RawText>,
    link: Option<Spanned<String>>,
    deadline: Option<Spanned<Value>>,
    time_zone: Option<Spanned<String>>,
    follow_up: Option<Spanned<String>>,
    capacity: Option<Spanned<i64>>,
    offer_valid: Option<Spanned<String>>,
    next: Option<Spanned<String>>,
}

/// `next = "rally"` (this campaign) or `"campaign/action"`.
fn next_step(written: &str, campaign: &str) -> NextStep {
    match written.trim().split_once('/') {
        Some((c, a)) => NextStep { campaign: c.trim().to_string(), action: a.trim().to_string() },
        None => NextStep { campaign: campaign.to_string(), action: written.trim().to_string() },
    }
}

impl CampaignFile {
    /// The next steps its actions name, with where, for checking once every campaign is read.
    pub fn next_refs(&self, stem: &str) -> Vec<(Range<usize>, NextStep)> {
        let slug = self.slug.as_ref().map_or(stem, |s| s.get_ref().trim());
        self.actions.iter().filter_map(|a| a.next.as_ref().map(|n| (n.span(), next_step(n.get_ref(), slug)))).collect()
    }

    pub fn check(self, src: &mut Source<'_>, stem: &str, group: &Group) -> Campaign {
        let slug = src.slug(self.slug, stem);
        let title = src.required(self.title, "the campaign's title", group.language);
        let summary = src.required(self.summary, "the campaign's summary", group.language);
        let mut actions: Vec<Action> = Vec::new();
        for a in self.actions {
            let action_slug = a.slug.get_ref().trim().to_string();
            if !valid_slug(&action_slug) {
                src.at(
                    a.slug.span(),
                    format!("`{action_slug}` is not a valid action name: use lowercase letters, digits and dashes"),
                );
            }
            if actions.iter().any(|x| x.slug == action_slug) {
                src.at(a.slug.span(), format!("the action `{action_slug}` appears twice in this campaign"));
            }
            let zone = src.zone(a.time_zone, group.zone);
            let deadline = a.deadline.as_ref().and_then(|d| {
                let text = value_text(d.get_ref()).unwrap_or_default();
                let at = DateTime::parse_from_rfc3339(&text)
                    .map(|t| t.to_utc())
                    .ok()
                    .or_else(|| parse_local_datetime(&text).and_then(|l| resolve_local(zone, l)));
                if at.is_none() {
                    src.at(d.span(), format!("`{text}` is not a deadline like 2027-01-15T17:00"));
                }
                at.map(|at| Deadline { at, zone })
            });
            let title = match a.title.map(|t| t.resolve(group.language)) {
                Some(t) if !t.is_blank() => t,
                _ => {
                    src.at(a.slug.span(), format!("the action `{action_slug}` needs a `title`"));
                    Text::default()
                }
            };
            let follow_up =
                a.follow_up.as_ref().and_then(|f| src.spelled(f, "a delay like 7d, 2d12h or 30m", parse_duration));
            let capacity = a.capacity.as_ref().and_then(|c| match u32::try_from(*c.get_ref()) {
                Ok(n) if n >= 1 => Some(n),
                _ => {
                    src.at(
                        c.span(),
                        format!("capacity must be a whole number of places, 1 or more (not {})", c.get_ref()),
                    );
                    None
                }
            });
            let offer_valid = match &a.offer_valid {
                Some(v) => {
                    if capacity.is_none() && a.capacity.is_none() {
                        src.at(v.span(), "`offer_valid` only means something with a `capacity`");
                    }
                    src.spelled(v, "a duration like 24h, 2d or 90m", parse_duration).unwrap_or(OFFER_VALID)
                }
                None => OFFER_VALID,
            };
            let next = a.next.as_ref().map(|n| next_step(n.get_ref(), &slug));
            if next.as_ref().is_some_and(|n| n.campaign == slug && n.action == action_slug) {
                src.at(
                    a.next.as_ref().map_or(0..0, |n| n.span()),
                    format!("the action `{action_slug}` names itself as its next step"),
                );
            }
            actions.push(Action {
                slug: action_slug,
                title,
                description: a.description.map(|t| t.resolve(group.language)),
                link: src.link(a.link),
                deadline,
                follow_up,
                capacity,
                offer_valid,
                next,
            });
        }
        // The campaign ends at the end of that day, in the group's zone.
        let ends = self.ends.as_ref().and_then(|e| {
            let day = src.parsed(e, "a date like 2027-06-30 (years 2000–2100)", parse_date)?;
            resolve_local(group.zone, day.succ_opt()?.and_hms_opt(0, 0, 0)?)
        });
        Campaign {
            slug,
            title,
            summary,
            partners: self.partners,
            learn_more: src.link(self.learn_more),
            actions,
            ends,
            public_reactions: self.public_reactions,
        }
    }
}

// ---------------------------------------------------------------------------------------
// briefings/*.toml

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BriefingFile {
    slug: Option<Spanned<String>>,
    title: Option<RawText>,
    date: Option<Spanned<Value>>,
    summary: Option<RawText>,
    body: Option<RawText>,
    learn_more: Option<Spanned<String>>,
}

impl BriefingFile {
    pub fn check(self, src: &mut Source<'_>, stem: &str, group: &Group) -> Option<Briefing> {
        let slug = src.slug(self.slug, stem);
        let title = src.required(self.title, "the briefing's title", group.language);
        let summary = src.required(self.summary, "the briefing's summary", group.language);
        let date = match &self.date {
            Some(d) => src.parsed(d, "a date like 2024-07-31 (years 2000–2100)", parse_date),
            None => {
                src.whole("the briefing's `date` is missing (the date it describes the situation up to)");
                None
            }
        };
        Some(Briefing {
            slug,
            title,
            date: date?,
            summary,
            body: self.body.map(|t| t.resolve(group.language)),
            learn_more: src.link(self.learn_more),
        })
    }
}
