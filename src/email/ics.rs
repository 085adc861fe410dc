//! The `.ics` attached to a meeting's reminder, so a list member adds the meeting to their
//! calendar in one click: written from the event the reminder shows (its link only when the
//! reminder may show it), with a UID per occurrence so a second reminder updates the entry
//! instead of adding another.

use chrono::{DateTime, Utc};

use crate::engine::Event;

/// The calendar file for `event`, stamped `now`.
pub fn calendar(event: &Event, domain: &str, now: DateTime<Utc>) -> String {
    let uid = format!("{}@{domain}", event.occurrence);
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//convoca//reminder//EN".to_string(),
        "METHOD:PUBLISH".to_string(),
        "BEGIN:VEVENT".to_string(),
        format!("UID:{uid}"),
        format!("DTSTAMP:{}", stamp(now)),
        // A later file for the same occurrence (a move) replaces this one.
        format!("SEQUENCE:{}", now.timestamp()),
        format!("DTSTART:{}", stamp(event.start)),
        format!("DTEND:{}", stamp(event.end)),
        format!("SUMMARY:{}", escape(&event.title)),
    ];
    if let Some(place) = &event.place {
        lines.push(format!("LOCATION:{}", escape(place)));
    }
    if let Some(link) = &event.link {
        // A URI value, not text: written as it is, only never across lines.
        if !link.chars().any(char::is_control) {
            lines.push(format!("URL:{link}"));
        }
        lines.push(format!("DESCRIPTION:{}", escape(link)));
    }
    lines.push("END:VEVENT".to_string());
    lines.push("END:VCALENDAR".to_string());
    lines.iter().map(|l| fold(l)).collect::<Vec<_>>().join("")
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// RFC 5545 text: backslash, semicolon, comma and newline escaped.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
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

/// A content line folded at 75 octets (never inside a character), ending in CRLF.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_without_splitting_a_character() {
        let line = format!("SUMMARY:{}", "ñ".repeat(60));
        let folded = fold(&line);
        assert!(folded.split("\r\n").all(|l| l.len() <= 75), "{folded}");
        assert_eq!(folded.replace("\r\n ", "").trim_end(), line);
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a, b; c\\d\ne"), "a\\, b\\; c\\\\d\\ne");
    }
}
