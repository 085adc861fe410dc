//! iCalendar (RFC 5545) files of the group's meetings, for calendar apps.
//!
//! Occurrences are written out one by one in UTC rather than as an RRULE with a VTIMEZONE:
//! every calendar app reads UTC the same way, organizers' moved and cancelled dates need no
//! RECURRENCE-ID juggling, and each occurrence gets a UID that stays the same across
//! downloads (`<meeting>-<regular date>@…`), so subscribed calendars update in place
//! instead of duplicating.

use chrono::{DateTime, Duration, Utc};

use super::{Agenda, Cancelled, Which};
use crate::calendar::{Lead, Occurrence, Status};
use crate::content::{Audience, Meeting};
use crate::locale::Locale;

/// How far back a feed reaches, so a meeting that just happened stays visible.
const PAST_DAYS: i64 = 31;
/// At least this many future occurrences per meeting.
const MIN_FUTURE: usize = 24;
/// And at least this far ahead.
const AHEAD_DAYS: i64 = 366;

/// What to put in a feed.
#[derive(Clone, Copy, Debug)]
pub struct FeedOptions<'a> {
    /// Only this meeting, or all.
    pub only: Option<&'a str>,
    /// The language of titles and descriptions.
    pub locale: Locale,
    /// "Now": the feed covers a month before it and at least a year after.
    pub now: DateTime<Utc>,
    /// An alarm this long before each meeting, if any.
    pub alarm: Option<Lead>,
}

/// The occurrences a feed holds for one meeting, cancelled ones included (marked).
pub fn feed_occurrences(agenda: &Agenda<'_>, meeting: &Meeting, now: DateTime<Utc>) -> Vec<Occurrence> {
    let cap = 400;
    let past = agenda
        .upcoming(Which::Only(&meeting.slug), now - Duration::days(PAST_DAYS), cap, Cancelled::Kept)
        .into_iter()
        .filter(|o| o.end <= now);
    let future = agenda
        .upcoming(Which::Only(&meeting.slug), now, cap, Cancelled::Kept)
        .into_iter()
        .enumerate()
        .take_while(|(i, o)| *i < MIN_FUTURE || o.start < now + Duration::days(AHEAD_DAYS))
        .map(|(_, o)| o);
    past.chain(future).collect()
}

/// The domain of the group's calendar UIDs (`la-cwg.convoca`): the feed's, and the one a
/// reminder's `.ics` uses, so both name an occurrence alike and a calendar keeps one entry.
pub fn calendar_domain(short_name: &str) -> String {
    crate::content::calendar_domain(short_name)
}

/// Writes the calendar.
pub fn write(agenda: &Agenda<'_>, opts: FeedOptions<'_>) -> String {
    let group = &agenda.content.group;
    let domain = calendar_domain(&group.short_name);
    let mut out = begin(agenda, &escape(group.name.get(opts.locale)), "PT6H");
    let stamp = stamp(opts.now);
    for meeting in agenda.meetings() {
        if opts.only.is_some_and(|o| !meeting.slug.eq_ignore_ascii_case(o)) {
            continue;
        }
        for occ in feed_occurrences(agenda, meeting, opts.now) {
            event(&mut out, meeting, &occ, &format!("{}-", meeting.slug), &domain, &stamp, opts);
        }
    }
    out.line("END:VCALENDAR");
    out.0
}

/// One group's part of a person's private calendar.
pub struct Mine<'a> {
    /// The group's calendar.
    pub agenda: &'a Agenda<'a>,
    /// The occurrences they are going to there.
    pub going: Vec<crate::store::OccurrenceRef>,
    /// The `(campaign, action)` they signed up for there.
    pub actions: Vec<(String, String)>,
}

/// Writes one person's private calendar, across the groups they belong to: the occurrences
/// they said they are going to (as they now stand: moved, or marked cancelled) and the
/// deadlines of the actions they signed up for, each with an alarm. UIDs differ from the
/// group feed's, so both can be subscribed. Members-only links stay out: a feed URL is
/// easier to pass on than a direct message.
pub fn write_personal(parts: &[Mine<'_>], opts: FeedOptions<'_>) -> String {
    let Some(first) = parts.first() else { return String::new() };
    let names: Vec<&str> = parts.iter().map(|p| p.agenda.content.group.short_name.as_str()).collect();
    let mut out = begin(first.agenda, &escape(&format!("{} (me)", names.join(", "))), "PT1H");
    let stamp = stamp(opts.now);
    for part in parts {
        personal_events(&mut out, part, &stamp, opts);
    }
    out.line("END:VCALENDAR");
    out.0
}

/// One group's events of a private calendar.
fn personal_events(out: &mut Lines, part: &Mine<'_>, stamp: &str, opts: FeedOptions<'_>) {
    let l = opts.locale;
    let agenda = part.agenda;
    let domain = calendar_domain(&agenda.content.group.short_name);
    for at in &part.going {
        let (Some(meeting), Some(occ)) = (agenda.meeting(&at.meeting), agenda.occurrence(&at.meeting, at.date)) else {
            continue;
        };
        if occ.end < opts.now - Duration::days(PAST_DAYS) {
            continue;
        }
        event(out, meeting, &occ, &format!("me-{}-", meeting.slug), &domain, stamp, opts);
    }
    for (campaign, action) in &part.actions {
        let Some(c) = agenda.content.campaign(campaign) else { continue };
        let Some(a) = c.action(action) else { continue };
        let Some(deadline) = a.deadline else { continue };
        out.line("BEGIN:VEVENT");
        out.prop("UID", &format!("me-{campaign}-{action}-{}@{domain}", deadline.at.format("%Y%m%d")));
        out.prop("DTSTAMP", stamp);
        out.prop("DTSTART", &self::stamp(deadline.at));
        out.prop("DTEND", &self::stamp(deadline.at));
        out.prop("SUMMARY", &escape(&format!("{} ({})", a.title.get(l), c.title.get(l))));
        if let Some(d) = &a.description {
            out.prop("DESCRIPTION", &escape(d.get(l)));
        }
        if let Some(link) = &a.link {
            out.prop("URL", link);
        }
        out.line("BEGIN:VALARM");
        out.line("ACTION:DISPLAY");
        out.prop("TRIGGER", &trigger(Lead::DAY));
        out.prop("DESCRIPTION", &escape(a.title.get(l)));
        out.line("END:VALARM");
        out.line("END:VEVENT");
    }
}

/// The calendar's opening lines.
fn begin(agenda: &Agenda<'_>, name: &str, refresh: &str) -> Lines {
    let mut out = Lines::default();
    out.line("BEGIN:VCALENDAR");
    out.line("VERSION:2.0");
    out.line("PRODID:-//convoca//convoca//EN");
    out.line("CALSCALE:GREGORIAN");
    out.line("METHOD:PUBLISH");
    out.prop("X-WR-CALNAME", name);
    out.prop("X-WR-TIMEZONE", agenda.content.group.zone.name());
    out.line(&format!("REFRESH-INTERVAL;VALUE=DURATION:{refresh}"));
    out.line(&format!("X-PUBLISHED-TTL:{refresh}"));
    out
}

fn event(out: &mut Lines, m: &Meeting, occ: &Occurrence, uid: &str, domain: &str, now: &str, opts: FeedOptions<'_>) {
    let l = opts.locale;
    out.line("BEGIN:VEVENT");
    out.prop("UID", &format!("{uid}{}@{domain}", occ.date.format("%Y%m%d")));
    out.prop("DTSTAMP", now);
    out.prop("DTSTART", &stamp(occ.start));
    out.prop("DTEND", &stamp(occ.end));
    out.prop("SUMMARY", &escape(m.title.get(l)));
    let (status, sequence) = match occ.status {
        Status::Scheduled => ("CONFIRMED", 0),
        Status::Moved { .. } => ("CONFIRMED", 1),
        Status::Cancelled => ("CANCELLED", 2),
    };
    out.prop("STATUS", status);
    out.prop("SEQUENCE", &sequence.to_string());
    let link = m.place.link_for(Audience::Everyone);
    let place = m.place.name.get(l);
    if !place.is_empty() {
        out.prop("LOCATION", &escape(place));
    }
    if let Some(link) = link {
        out.prop("URL", link);
    }
    let mut description = Vec::new();
    if let Some(summary) = &m.summary {
        description.push(summary.get(l).to_string());
    }
    if let Some(link) = link {
        description.push(link.to_string());
    } else if let Some(note) = &m.place.note {
        description.push(note.get(l).to_string());
    }
    if !description.is_empty() {
        out.prop("DESCRIPTION", &escape(&description.join("\n\n")));
    }
    if let (Some(alarm), false) = (opts.alarm, occ.is_cancelled()) {
        out.line("BEGIN:VALARM");
        out.line("ACTION:DISPLAY");
        out.prop("TRIGGER", &trigger(alarm));
        out.prop("DESCRIPTION", &escape(m.title.get(l)));
        out.line("END:VALARM");
    }
    out.line("END:VEVENT");
}

/// `-PT1H`, `-P1D`, `-P1DT2H30M`.
fn trigger(lead: Lead) -> String {
    let (h, m) = (lead.minutes / 60, lead.minutes % 60);
    let mut s = String::from("-P");
    if lead.days > 0 {
        s.push_str(&format!("{}D", lead.days));
    }
    if h > 0 || m > 0 {
        s.push('T');
        if h > 0 {
            s.push_str(&format!("{h}H"));
        }
        if m > 0 {
            s.push_str(&format!("{m}M"));
        }
    }
    s
}

/// An instant as iCalendar writes it in UTC (`20261207T220000Z`).
pub fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.trim().chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Content lines, CRLF-terminated and folded at 75 octets without splitting a character.
#[derive(Default)]
pub struct Lines(String);

impl Lines {
    /// `NAME:value`, the value written as given (escape TEXT values with [`escape`]).
    pub fn prop(&mut self, name: &str, value: &str) {
        self.line(&format!("{name}:{value}"));
    }

    /// The calendar so far.
    pub fn into_string(self) -> String {
        self.0
    }

    /// One content line, folded.
    pub fn line(&mut self, line: &str) {
        let mut width = 0;
        for c in line.chars() {
            let len = c.len_utf8();
            if width + len > 75 {
                self.0.push_str("\r\n ");
                width = 1;
            }
            self.0.push(c);
            width += len;
        }
        self.0.push_str("\r\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_on_character_boundaries() {
        let mut l = Lines::default();
        l.prop("DESCRIPTION", &"ñ".repeat(100));
        for line in l.0.split("\r\n") {
            assert!(line.len() <= 75, "{} octets", line.len());
        }
        let unfolded = l.0.replace("\r\n ", "");
        assert_eq!(unfolded, format!("DESCRIPTION:{}\r\n", "ñ".repeat(100)));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn triggers() {
        assert_eq!(trigger(Lead::HOUR), "-PT1H");
        assert_eq!(trigger(Lead::DAY), "-P1D");
        assert_eq!(trigger(Lead::parse("1d2h30m").unwrap()), "-P1DT2H30M");
    }
}
