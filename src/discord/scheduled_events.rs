//! Discord scheduled events (`DISCORD_SCHEDULED_EVENTS=true`): one event per meeting, for its
//! next occurrence, kept in step with the content files and the organizers' changes.
//!
//! Members who press "Interested" on a server event get Discord's own notification when it
//! starts, and the server's Events list shows the real calendar. The bot keeps no record of
//! the events it made: it recognizes its own by their creator (the bot) and the
//! `/meeting <name>` line it writes at the end of each description, so a lost database or a
//! second server needs no bookkeeping, and an organizer's edit is put right at the next pass.
//!
//! This module says which events the calendar asks for and the steps from what Discord has to
//! that, with no I/O, so both are tested without Discord; [`EventSync`] applies the steps in
//! the background.

use chrono::{DateTime, Duration, Utc};
use serenity::all::{ScheduledEvent, ScheduledEventId, ScheduledEventStatus, Timestamp, UserId};

use super::render::clip;
use crate::agenda::{Agenda, CalendarChanges, Cancelled, Which};
use crate::calendar::format;
use crate::content::{Audience, Content, Meeting};
use crate::locale::Locale;

pub use super::event_sync::EventSync;

/// Discord's limits on an event's fields.
const NAME_MAX: usize = 100;
const LOCATION_MAX: usize = 100;
const DESCRIPTION_MAX: usize = 1000;

/// How far ahead of now an event must start to be made or moved: Discord refuses start times
/// in the past, and a request takes a moment to arrive.
pub(super) const LEAD: Duration = Duration::minutes(2);

/// The event a meeting should have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wanted {
    /// The meeting's slug.
    pub meeting: String,
    /// The event's name.
    pub name: String,
    /// Its description, ending with the marker line.
    pub description: String,
    /// Where: the place's name and its public link, never a members-only one (everyone in
    /// the server sees events).
    pub location: String,
    /// The occurrence's start.
    pub start: DateTime<Utc>,
    /// The occurrence's end.
    pub end: DateTime<Utc>,
    /// The occurrence is starting or under way: its event can no longer be made or moved,
    /// and members who pressed "Interested" are being notified; leave it be until it ends.
    pub under_way: bool,
}

/// One of the bot's events as Discord has it.
#[derive(Clone, Debug)]
pub struct Existing {
    /// Discord's id.
    pub id: ScheduledEventId,
    /// The meeting it is for, read from the marker line.
    pub meeting: String,
    /// Still waiting to start (only those may be moved or renamed).
    pub scheduled: bool,
    /// What it says now.
    pub name: String,
    /// What it says now.
    pub description: String,
    /// What it says now.
    pub location: String,
    /// What it says now.
    pub start: DateTime<Utc>,
    /// What it says now.
    pub end: Option<DateTime<Utc>>,
}

/// What a pass does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Make a new event.
    Create(Wanted),
    /// Bring an existing one in line.
    Edit(ScheduledEventId, Wanted),
    /// Remove one: its meeting is gone or has no occurrence ahead, or it is a duplicate.
    Delete(ScheduledEventId),
}

/// The marker line that ends every description the bot writes.
fn marker(meeting: &str) -> String {
    format!("/meeting {meeting}")
}

/// The meeting an event is for, if the bot wrote it.
fn meeting_of(event: &ScheduledEvent, bot: UserId) -> Option<String> {
    if event.creator_id != Some(bot) {
        return None;
    }
    let last = event.description.as_deref()?.lines().last()?.trim();
    let slug = last.strip_prefix("/meeting ")?.trim();
    (!slug.is_empty() && !slug.contains(char::is_whitespace)).then(|| slug.to_string())
}

fn to_utc(t: &Timestamp) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(t.unix_timestamp(), 0)
}

impl Existing {
    /// Reads a listed event, if it is one of the bot's.
    pub fn read(event: &ScheduledEvent, bot: UserId) -> Option<Existing> {
        let meeting = meeting_of(event, bot)?;
        Some(Existing {
            id: event.id,
            meeting,
            scheduled: event.status == ScheduledEventStatus::Scheduled,
            name: event.name.clone(),
            description: event.description.clone().unwrap_or_default(),
            location: event.metadata.as_ref().and_then(|m| m.location.clone()).unwrap_or_default(),
            start: to_utc(&event.start_time)?,
            end: event.end_time.as_ref().and_then(to_utc),
        })
    }

    fn matches(&self, w: &Wanted) -> bool {
        self.name == w.name
            && self.description == w.description
            && self.location == w.location
            && self.start == w.start
            && self.end == Some(w.end)
    }
}

/// The event one meeting should have at `now`: for its first occurrence that is not cancelled
/// and has not ended.
fn wanted_for(meeting: &Meeting, agenda: &Agenda<'_>, language: Locale, now: DateTime<Utc>) -> Option<Wanted> {
    let next = agenda.upcoming(Which::Only(&meeting.slug), now, 1, Cancelled::Skipped).into_iter().next()?;
    let name = clip(meeting.title.get(language), NAME_MAX);
    let place = &meeting.place;
    let location = match place.link_for(Audience::Everyone) {
        Some(link) => format!("{} · {link}", place.name.get(language)),
        None => place.name.get(language).to_string(),
    };
    // Both languages when the group has them: one event serves every member of the server.
    let mut parts: Vec<String> = Vec::new();
    for locale in [language, language.other()] {
        let summary = meeting.summary.as_ref().map(|s| s.get(locale)).unwrap_or_default();
        let when = format::span(next.start, next.end, next.zone, locale);
        let text = if summary.is_empty() { when } else { format!("{summary}\n{when}") };
        if !parts.contains(&text) {
            parts.push(text);
        }
    }
    if let Some(note) = &place.note {
        for locale in [language, language.other()] {
            let n = note.get(locale).to_string();
            if !n.is_empty() && !parts.contains(&n) {
                parts.push(n);
            }
        }
    }
    let tail = format!("\n\n{}", marker(&meeting.slug));
    let body = clip(&parts.join("\n\n"), DESCRIPTION_MAX - tail.chars().count());
    Some(Wanted {
        meeting: meeting.slug.clone(),
        name,
        description: format!("{body}{tail}"),
        location: clip(&location, LOCATION_MAX),
        start: next.start,
        end: next.end,
        under_way: next.start <= now + LEAD,
    })
}

/// Every event the calendar asks for at `now`.
pub fn wanted(content: &Content, changes: &CalendarChanges, now: DateTime<Utc>) -> Vec<Wanted> {
    let agenda = Agenda::new(content, changes);
    agenda.meetings().filter_map(|m| wanted_for(m, &agenda, content.group.language, now)).collect()
}

/// The steps that turn what Discord has into what the calendar asks for: each meeting keeps
/// one waiting event, moved (not remade) when the calendar changes so members' "Interested"
/// carries over. Events that have started are Discord's to end; while an occurrence is under
/// way nothing is made or moved for its meeting.
pub fn plan(existing: &[Existing], wanted: &[Wanted]) -> Vec<Step> {
    let mut steps = Vec::new();
    for w in wanted {
        let mut mine = existing.iter().filter(|e| e.scheduled && e.meeting.eq_ignore_ascii_case(&w.meeting));
        match mine.next() {
            Some(e) if e.matches(w) || w.under_way => {}
            Some(e) => steps.push(Step::Edit(e.id, w.clone())),
            None if w.under_way => {}
            None => steps.push(Step::Create(w.clone())),
        }
        steps.extend(mine.map(|e| Step::Delete(e.id)));
    }
    for e in existing.iter().filter(|e| e.scheduled) {
        if !wanted.iter().any(|w| w.meeting.eq_ignore_ascii_case(&e.meeting)) {
            steps.push(Step::Delete(e.id));
        }
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn content() -> Content {
        crate::content::load(
            &std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("commands"),
            at("2026-11-28T12:00:00Z"),
        )
        .unwrap()
    }

    fn existing(id: u64, w: &Wanted) -> Existing {
        Existing {
            id: ScheduledEventId::new(id),
            meeting: w.meeting.clone(),
            scheduled: true,
            name: w.name.clone(),
            description: w.description.clone(),
            location: w.location.clone(),
            start: w.start,
            end: Some(w.end),
        }
    }

    #[test]
    fn the_next_occurrence_in_both_languages_without_the_members_link() {
        let mut content = content();
        content.meetings[0].place.link = Some("https://zoom.example/j/secret".into());
        let w = wanted(&content, &CalendarChanges::default(), at("2026-11-28T12:00:00Z"));
        assert_eq!(w.len(), 1);
        let w = &w[0];
        assert_eq!((w.start, w.end), (at("2026-12-07T22:00:00Z"), at("2026-12-07T23:30:00Z")));
        assert_eq!(w.name, "LA/CWG monthly meeting");
        assert_eq!(w.location, "Zoom", "a members-only link never goes into a server event");
        assert!(w.description.contains("Everyone is welcome") && w.description.contains("bienvenidas"));
        assert!(w.description.ends_with("\n\n/meeting monthly"), "{}", w.description);
        assert!(w.description.chars().count() <= DESCRIPTION_MAX);
        assert!(!w.under_way);

        // A public link is shown with the place.
        content.meetings[0].place.audience = Audience::Everyone;
        let w = wanted(&content, &CalendarChanges::default(), at("2026-11-28T12:00:00Z"));
        assert_eq!(w[0].location, "Zoom · https://zoom.example/j/secret");
    }

    #[test]
    fn an_occurrence_under_way_is_kept_until_it_ends() {
        let content = content();
        let during = wanted(&content, &CalendarChanges::default(), at("2026-12-07T22:30:00Z"));
        assert_eq!(during[0].start, at("2026-12-07T22:00:00Z"));
        assert!(during[0].under_way);
        let after = wanted(&content, &CalendarChanges::default(), at("2026-12-07T23:30:01Z"));
        assert_eq!(after[0].start, at("2027-01-04T22:00:00Z"));
        assert!(!after[0].under_way);
    }

    #[test]
    fn plan_creates_moves_keeps_and_removes() {
        let content = content();
        let now = at("2026-11-28T12:00:00Z");
        let w = wanted(&content, &CalendarChanges::default(), now);
        // Nothing there: make it.
        assert_eq!(plan(&[], &w), vec![Step::Create(w[0].clone())]);
        // Already right: nothing to do.
        assert_eq!(plan(&[existing(1, &w[0])], &w), vec![]);
        // Out of date (another date, or renamed by hand): moved, not remade.
        let mut old = existing(1, &w[0]);
        old.start = at("2026-11-02T22:00:00Z");
        assert_eq!(plan(&[old.clone()], &w), vec![Step::Edit(ScheduledEventId::new(1), w[0].clone())]);
        // A duplicate goes; an event for a meeting that no longer exists goes.
        let mut gone = existing(3, &w[0]);
        gone.meeting = "weekly".into();
        assert_eq!(
            plan(&[existing(1, &w[0]), existing(2, &w[0]), gone], &w),
            vec![Step::Delete(ScheduledEventId::new(2)), Step::Delete(ScheduledEventId::new(3))]
        );
        // An event that has started is Discord's: neither moved nor removed.
        let mut active = old.clone();
        active.scheduled = false;
        assert_eq!(plan(&[active], &w), vec![Step::Create(w[0].clone())]);
        // While an occurrence is under way its event stays as it is, and none is made late.
        let mut during = w[0].clone();
        during.under_way = true;
        during.name = "renamed meanwhile".into();
        assert_eq!(plan(&[existing(1, &w[0])], std::slice::from_ref(&during)), vec![]);
        assert_eq!(plan(&[], &[during]), vec![]);
    }

    #[test]
    fn only_the_bots_own_events_are_read_as_its_own() {
        let bot = UserId::new(42);
        let mut event: ScheduledEvent = serde_json::from_value(serde_json::json!({
            "id": "1", "guild_id": "2", "channel_id": null, "creator_id": "42",
            "name": "x", "description": "Summary\n\n/meeting monthly",
            "scheduled_start_time": "2026-12-07T22:00:00+00:00", "scheduled_end_time": "2026-12-07T23:30:00+00:00",
            "privacy_level": 2, "status": 1, "entity_type": 3, "entity_id": null,
            "entity_metadata": {"location": "Zoom"}, "image": null
        }))
        .unwrap();
        let mine = Existing::read(&event, bot).unwrap();
        assert_eq!((mine.meeting.as_str(), mine.location.as_str()), ("monthly", "Zoom"));
        assert_eq!(mine.start, at("2026-12-07T22:00:00Z"));
        event.creator_id = Some(UserId::new(7));
        assert!(Existing::read(&event, bot).is_none(), "a member's event is never touched");
        event.creator_id = Some(bot);
        event.description = Some("An event the bot made for something else".into());
        assert!(Existing::read(&event, bot).is_none());
    }

    #[test]
    fn long_texts_are_clipped_to_discords_limits() {
        assert_eq!(clip("abc", 3), "abc");
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip(&"é".repeat(200), NAME_MAX).chars().count(), NAME_MAX);
    }
}
