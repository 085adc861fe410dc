//! The group's calendar as members see it: the meetings of the content files plus the
//! organizers' changes from chat, and the iCalendar files made from it.
//!
//! It stands above both [`crate::calendar`] (time, which knows no meeting) and
//! [`crate::content`] (the files, whose meetings are built from calendar rules).

pub mod ics;

use chrono::{DateTime, Utc};

use crate::calendar::{Change, Occurrence, occurrences};
use crate::content::{Content, Meeting};

/// What organizers changed from chat, read from the database: single dates cancelled or
/// moved, and one-off meetings. Content files stay the source of the regular schedule.
#[derive(Clone, Debug, Default)]
pub struct CalendarChanges {
    /// `(meeting slug, change)`, oldest first: a later change to the same date wins.
    pub changes: Vec<(String, Change)>,
    /// One-off meetings added in chat.
    pub meetings: Vec<Meeting>,
    /// When each chat change was made, by meeting and regular date: the people going are
    /// told of it from then on.
    pub made: std::collections::HashMap<(String, chrono::NaiveDate), DateTime<Utc>>,
    /// When each one-off meeting was added, by slug.
    pub added: std::collections::HashMap<String, DateTime<Utc>>,
}

impl CalendarChanges {
    /// When an organizer last changed this occurrence from chat (moved it, or added its
    /// one-off meeting): reminders whose moment had passed by then were never on time.
    pub fn changed_at(&self, occurrence: &Occurrence) -> Option<DateTime<Utc>> {
        let moved = matches!(occurrence.status, crate::calendar::Status::Moved { .. });
        let made = moved.then(|| self.made.get(&(occurrence.meeting.clone(), occurrence.date))).flatten();
        made.or_else(|| self.added.get(&occurrence.meeting)).copied()
    }
}

/// Which meetings [`Agenda::upcoming`] lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which<'s> {
    /// Every meeting.
    All,
    /// The meeting with this slug (case-insensitive).
    Only(&'s str),
}

impl<'s> From<Option<&'s str>> for Which<'s> {
    fn from(slug: Option<&'s str>) -> Which<'s> {
        slug.map_or(Which::All, Which::Only)
    }
}

/// Whether [`Agenda::upcoming`] lists cancelled occurrences (marked) or leaves them out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cancelled {
    /// Listed, marked cancelled: feeds and organizers' views.
    Kept,
    /// Left out: what happens next.
    Skipped,
}

/// Content and changes together.
#[derive(Clone, Copy)]
pub struct Agenda<'a> {
    /// The organizers' files.
    pub content: &'a Content,
    /// The organizers' chat changes.
    pub changes: &'a CalendarChanges,
}

impl<'a> Agenda<'a> {
    /// Builds an agenda.
    pub fn new(content: &'a Content, changes: &'a CalendarChanges) -> Agenda<'a> {
        Agenda { content, changes }
    }

    /// Every meeting: content files first, then one-offs added in chat.
    pub fn meetings(&self) -> impl Iterator<Item = &'a Meeting> + 'a {
        self.content.meetings.iter().chain(self.changes.meetings.iter())
    }

    /// The meeting with this slug (case-insensitive).
    pub fn meeting(&self, slug: &str) -> Option<&'a Meeting> {
        self.meetings().find(|m| m.slug.eq_ignore_ascii_case(slug))
    }

    /// A meeting's changes: the file's first, then the chat's, so chat changes win.
    pub fn changes_for(&self, meeting: &Meeting) -> Vec<Change> {
        let mut changes = meeting.changes.clone();
        changes.extend(self.changes.changes.iter().filter(|(slug, _)| *slug == meeting.slug).map(|(_, c)| c.clone()));
        changes
    }

    /// The occurrence of meeting `slug` whose regular local date is `date`, as it now
    /// stands (moved or cancelled); `None` when the meeting has none that day.
    pub fn occurrence(&self, slug: &str, date: chrono::NaiveDate) -> Option<Occurrence> {
        let m = self.meeting(slug)?;
        crate::calendar::occurrence_on(&m.slug, &m.schedule, &self.changes_for(m), date)
    }

    /// The occurrence of meeting `slug` on local day `day`, as people name it: the one whose
    /// regular date it is (cancelled or moved, as it stands), or else one moved to that day
    /// (looked for within about a year around it).
    pub fn on_day(&self, slug: &str, day: chrono::NaiveDate, now: DateTime<Utc>) -> Option<Occurrence> {
        self.occurrence(slug, day).or_else(|| {
            let around = day.and_hms_opt(0, 0, 0)?.and_utc().min(now) - chrono::Duration::days(400);
            self.upcoming(Which::Only(slug), around, 512, Cancelled::Skipped)
                .into_iter()
                .find(|o| o.start.with_timezone(&o.zone).date_naive() == day)
        })
    }

    /// The last occurrence the calendar feed publishes for `meeting` (a year ahead, and at
    /// least two dozen dates): answers and changes for later dates are not taken.
    pub fn published_until(&self, meeting: &Meeting, now: DateTime<Utc>) -> Option<Occurrence> {
        ics::feed_occurrences(self, meeting, now).pop()
    }

    /// Occurrences of `which` meetings that have not ended by `after`, in order of start, at
    /// most `limit`, cancelled ones kept or left out.
    pub fn upcoming(
        &self,
        which: Which<'_>,
        after: DateTime<Utc>,
        limit: usize,
        cancelled: Cancelled,
    ) -> Vec<Occurrence> {
        let keep = cancelled == Cancelled::Kept;
        let mut all: Vec<Occurrence> = self
            .meetings()
            .filter(|m| match which {
                Which::All => true,
                Which::Only(slug) => m.slug.eq_ignore_ascii_case(slug),
            })
            .flat_map(|m| occurrences(&m.slug, &m.schedule, &self.changes_for(m), after, limit, keep))
            .collect();
        all.sort_by(|a, b| (a.start, &a.meeting).cmp(&(b.start, &b.meeting)));
        all.truncate(limit);
        all
    }
}
