//! The `.ics` attached to a meeting's reminder, so a list member adds the meeting to their
//! calendar in one click: written from the event the reminder shows (its link only when the
//! reminder may show it), with a UID per occurrence so a second reminder updates the entry
//! instead of adding another: the same for every reminder of one occurrence, in every
//! language, moved or not, and the same as the group's calendar feed gives it. Lines are written as the group's calendar feed writes them.

use chrono::{DateTime, Utc};

use crate::agenda::ics::{Lines, escape, stamp};
use crate::engine::Event;

/// The calendar file for `event`, stamped `now`, its UID in `domain` (the group's calendar
/// domain, as the feed's).
pub fn calendar(event: &Event, domain: &str, now: DateTime<Utc>) -> String {
    let mut out = Lines::default();
    for line in ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//convoca//reminder//EN", "METHOD:PUBLISH", "BEGIN:VEVENT"]
    {
        out.line(line);
    }
    out.prop("UID", &format!("{}@{domain}", event.occurrence));
    out.prop("DTSTAMP", &stamp(now));
    out.prop("DTSTART", &stamp(event.start));
    out.prop("DTEND", &stamp(event.end));
    out.prop("SUMMARY", &escape(&event.title));
    if let Some(place) = &event.place {
        out.prop("LOCATION", &escape(place));
    }
    if let Some(link) = &event.link {
        // A URI value, not text: written as it is, only never across lines.
        if !link.chars().any(char::is_control) {
            out.prop("URL", link);
        }
        out.prop("DESCRIPTION", &escape(link));
    }
    out.line("END:VEVENT");
    out.line("END:VCALENDAR");
    out.into_string()
}
