//! The iCalendar file, read back by an independent parser (the `ical` crate), holds the same
//! instants as the engine for the next 24 occurrences.

mod common;

use std::io::BufReader;

use chrono::{DateTime, NaiveDateTime, Utc};
use common::*;
use convoca::agenda::{Agenda, CalendarChanges, Cancelled, Which, ics};
use convoca::calendar::Lead;
use convoca::locale::Locale;

fn parse(feed: &str) -> Vec<(String, String, DateTime<Utc>, DateTime<Utc>)> {
    let mut calendars = ical::IcalParser::new(BufReader::new(feed.as_bytes()));
    let cal = calendars.next().expect("one calendar").expect("it parses");
    assert!(calendars.next().is_none());
    cal.events
        .iter()
        .map(|ev| {
            let prop = |name: &str| {
                ev.properties
                    .iter()
                    .find(|p| p.name == name)
                    .and_then(|p| p.value.clone())
                    .unwrap_or_else(|| panic!("event without {name}"))
            };
            let instant = |v: String| {
                NaiveDateTime::parse_from_str(&v, "%Y%m%dT%H%M%SZ")
                    .unwrap_or_else(|_| panic!("{v} is not UTC"))
                    .and_utc()
            };
            (prop("UID"), prop("STATUS"), instant(prop("DTSTART")), instant(prop("DTEND")))
        })
        .collect()
}

#[test]
fn feed_matches_the_engine_for_24_occurrences() {
    let now = at("2026-11-28T12:00:00Z");
    let content = shipped_content(now);
    let changes = CalendarChanges::default();
    let agenda = Agenda::new(&content, &changes);
    let feed = ics::write(&agenda, ics::FeedOptions { only: None, locale: Locale::En, now, alarm: Some(Lead::HOUR) });
    assert!(feed.contains("\r\n"), "iCalendar lines end in CRLF");
    let events = parse(&feed);
    let future: Vec<_> = events.iter().filter(|(_, _, s, _)| *s > now).collect();
    let engine: Vec<_> = agenda.upcoming(Which::All, now, 24, Cancelled::Skipped);
    assert!(future.len() >= 24, "only {} future events", future.len());
    for (occ, (uid, status, start, end)) in engine.iter().zip(&future) {
        assert_eq!((occ.start, occ.end), (*start, *end), "{uid}");
        assert_eq!(status, "CONFIRMED");
    }
    // The first is the December meeting, then the first Monday of each month through DST.
    assert_eq!(future[0].2, at("2026-12-07T22:00:00Z"));
    assert_eq!(future[4].2, at("2027-04-05T21:00:00Z"));
    // UIDs are unique and stable across runs.
    let mut uids: Vec<_> = events.iter().map(|e| e.0.clone()).collect();
    uids.sort();
    uids.dedup();
    assert_eq!(uids.len(), events.len());
    assert!(uids.contains(&"monthly-20261207@la-cwg.convoca".to_string()), "{uids:?}");
    let again = ics::write(
        &agenda,
        ics::FeedOptions { only: None, locale: Locale::En, now: at("2026-11-29T12:00:00Z"), alarm: Some(Lead::HOUR) },
    );
    assert!(parse(&again).iter().any(|e| e.0 == "monthly-20261207@la-cwg.convoca"));
}

#[test]
fn feed_carries_changes_from_content() {
    let dir = copy_of_shipped();
    let path = dir.path().join("meetings/monthly.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("\n[[exceptions]]\ndate = \"2026-12-07\"\ncancel = true\n\n[[exceptions]]\ndate = \"2027-01-04\"\nmove_to = \"2027-01-11T18:00\"\n");
    std::fs::write(&path, text).unwrap();
    let now = at("2026-11-28T12:00:00Z");
    let content = convoca::content::load(dir.path(), now).unwrap();
    let changes = CalendarChanges::default();
    let agenda = Agenda::new(&content, &changes);
    let feed = ics::write(&agenda, ics::FeedOptions { only: Some("monthly"), locale: Locale::Es, now, alarm: None });
    let events = parse(&feed);
    let dec = events.iter().find(|e| e.0 == "monthly-20261207@la-cwg.convoca").unwrap();
    assert_eq!(dec.1, "CANCELLED");
    let jan = events.iter().find(|e| e.0 == "monthly-20270104@la-cwg.convoca").unwrap();
    assert_eq!(jan.2, at("2027-01-11T23:00:00Z"), "moved, same UID");
    assert!(feed.contains("SUMMARY:Reunión mensual del GT-ALC"));
    assert!(!feed.contains("VALARM"));
}
