//! Time, end to end through the engine and the shipped or adapted content.

mod common;

use common::*;
use convoca::agenda::{Agenda, CalendarChanges, Cancelled, Which};
use convoca::calendar::Status;
use convoca::engine::{Block, Reply};
use convoca::locale::Locale;

fn events(reply: &Reply) -> Vec<&convoca::engine::Event> {
    reply
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Event(e) => Some(e),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn next_meeting_from_november_28_is_december_7_est() {
    let engine = engine_on(&shipped()).await;
    let reply = ask(&engine, "/meeting", Locale::En, at("2026-11-28T12:00:00Z")).await;
    let ev = events(&reply);
    assert_eq!(ev.len(), 3, "the next meeting and the two after it");
    assert_eq!(ev[0].start, at("2026-12-07T22:00:00Z"));
    assert_eq!(ev[0].when, "Monday, December 7, 2026, 5:00–6:30 PM EST");
    assert_eq!(ev[1].start, at("2027-01-04T22:00:00Z"));
    assert_eq!(ev[2].start, at("2027-02-01T22:00:00Z"));
    let es = ask(&engine, "/reunion", Locale::Es, at("2026-11-28T12:00:00Z")).await;
    assert_eq!(events(&es)[0].when, "lunes, 7 de diciembre de 2026, 5:00–6:30 p. m. EST");
}

#[tokio::test]
async fn in_spring_the_same_meeting_is_edt() {
    let engine = engine_on(&shipped()).await;
    let reply = ask(&engine, "/meeting", Locale::En, at("2027-03-10T12:00:00Z")).await;
    let ev = events(&reply);
    assert_eq!(ev[0].start, at("2027-04-05T21:00:00Z"));
    assert_eq!(ev[0].when, "Monday, April 5, 2027, 5:00–6:30 PM EDT");
}

#[tokio::test]
async fn viewers_zone_is_shown_beside_the_meetings() {
    let engine = engine_on(&shipped()).await;
    let mut req = request("/meeting", Locale::Es, at("2026-11-28T12:00:00Z"));
    req.zone = Some(chrono_tz::America::Tegucigalpa);
    let reply = engine.handle(&req).await;
    assert_eq!(events(&reply)[0].your_time.as_deref(), Some("lunes, 7 de diciembre de 2026, 4:00–5:30 p. m. CST"));
}

fn write(dir: &std::path::Path, file: &str, text: &str) {
    std::fs::write(dir.join(file), text).unwrap();
}

#[tokio::test]
async fn a_meeting_right_on_the_dst_change() {
    // Sunday 2027-03-14 is the spring-forward day in New York; 2026-11-01 the fall-back day.
    let dir = copy_of_shipped();
    write(
        dir.path(),
        "meetings/sunday.toml",
        "title = \"Sunday call\"\nrepeat = \"FREQ=WEEKLY;BYDAY=SU\"\nfirst_date = \"2026-10-01\"\nstart = \"17:00\"\nduration = \"1h\"\n",
    );
    let engine = engine_on(dir.path()).await;
    let spring = events(&ask(&engine, "/meeting sunday", Locale::En, at("2027-03-13T12:00:00Z")).await)
        .iter()
        .map(|e| (e.start, e.when.clone()))
        .collect::<Vec<_>>();
    assert_eq!(spring[0], (at("2027-03-14T21:00:00Z"), "Sunday, March 14, 2027, 5:00–6:00 PM EDT".to_string()));
    assert_eq!(spring[1].0, at("2027-03-21T21:00:00Z"));
    let fall = events(&ask(&engine, "/meeting sunday", Locale::En, at("2026-10-30T12:00:00Z")).await)
        .iter()
        .map(|e| e.start)
        .collect::<Vec<_>>();
    // 2026-11-01 is the fall-back day: 5 pm EST is 22:00 UTC.
    assert_eq!(fall[0], at("2026-11-01T22:00:00Z"));
}

#[tokio::test]
async fn skipped_and_moved_occurrences_from_content() {
    let dir = copy_of_shipped();
    let path = dir.path().join("meetings/monthly.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("\n[[exceptions]]\ndate = \"2026-12-07\"\ncancel = true\n\n[[exceptions]]\ndate = \"2027-01-04\"\nmove_to = \"2027-01-11T18:00\"\n");
    std::fs::write(&path, text).unwrap();
    let engine = engine_on(dir.path()).await;
    let reply = ask(&engine, "/meeting", Locale::En, at("2026-11-28T12:00:00Z")).await;
    let ev = events(&reply);
    assert_eq!(ev[0].start, at("2027-01-11T23:00:00Z"), "moved January meeting comes first");
    assert!(ev[0].note.as_deref().unwrap_or_default().contains("Moved from Monday, January 4, 2027"));
    assert_eq!(ev[1].start, at("2027-02-01T22:00:00Z"));
    let text = convoca::console::render(&reply);
    assert!(text.contains("The meeting of Monday, December 7, 2026 is cancelled."), "{text}");

    let content = convoca::content::load(dir.path(), at("2026-11-28T12:00:00Z")).unwrap();
    let changes = CalendarChanges::default();
    let agenda = Agenda::new(&content, &changes);
    let all = agenda.upcoming(Which::All, at("2026-11-28T12:00:00Z"), 3, Cancelled::Kept);
    assert_eq!(all[0].status, Status::Cancelled);
    assert!(matches!(all[1].status, Status::Moved { .. }));
}

#[tokio::test]
async fn a_meeting_in_tegucigalpa_has_no_dst() {
    let dir = copy_of_shipped();
    write(
        dir.path(),
        "meetings/honduras.toml",
        "title = { en = \"Call with partners in Honduras\", es = \"Llamada con aliados en Honduras\" }\nrepeat = \"FREQ=MONTHLY;BYDAY=3TH\"\nfirst_date = \"2026-01-01\"\nstart = \"18:00\"\nend = \"19:00\"\ntime_zone = \"America/Tegucigalpa\"\n",
    );
    let engine = engine_on(dir.path()).await;
    let winter = ask(&engine, "/meeting honduras", Locale::Es, at("2026-12-01T00:00:00Z")).await;
    let e = events(&winter)[0];
    assert_eq!(e.start, at("2026-12-18T00:00:00Z"));
    assert_eq!(e.when, "jueves, 17 de diciembre de 2026, 6:00–7:00 p. m. CST");
    let summer = ask(&engine, "/meeting honduras", Locale::En, at("2027-07-01T00:00:00Z")).await;
    assert_eq!(events(&summer)[0].start, at("2027-07-16T00:00:00Z"), "still UTC-6 in July");
    // With two meetings, `/meeting` interleaves them by time.
    let both = ask(&engine, "/meeting", Locale::En, at("2026-12-01T00:00:00Z")).await;
    let starts: Vec<_> = events(&both).iter().map(|e| e.start).collect();
    assert_eq!(starts, vec![at("2026-12-07T22:00:00Z"), at("2026-12-18T00:00:00Z"), at("2027-01-04T22:00:00Z")]);
}

#[tokio::test]
async fn unknown_meeting_lists_the_real_ones() {
    let engine = engine_on(&shipped()).await;
    let text = convoca::console::render(&ask(&engine, "/meeting weekly", Locale::En, at("2026-11-28T12:00:00Z")).await);
    assert!(text.contains("There is no meeting called `weekly`"), "{text}");
    assert!(text.contains("`monthly` — LA/CWG monthly meeting"), "{text}");
}
