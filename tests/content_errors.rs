//! Every kind of content mistake is reported with its file and, where TOML allows, its line;
//! one broken file rejects the whole folder.

mod common;

use std::path::Path;

use common::*;
use convoca::content::{ContentError, load};

fn errors_after(edit: impl FnOnce(&Path)) -> Vec<ContentError> {
    let dir = copy_of_shipped();
    edit(dir.path());
    let errs = load(dir.path(), at("2026-11-28T12:00:00Z")).expect_err("broken content must be rejected");
    // Paths are reported inside the folder given.
    for e in &errs.0 {
        assert!(e.file.starts_with(dir.path()), "{e}");
    }
    errs.0
}

fn replace(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} does not contain {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

fn line_of(dir_file: &str, needle: &str) -> usize {
    let text = std::fs::read_to_string(shipped().join(dir_file)).unwrap();
    text[..text.find(needle).unwrap()].lines().count() + 1
}

fn one(errors: &[ContentError], file: &str) -> ContentError {
    assert_eq!(errors.len(), 1, "expected one error, got {errors:#?}");
    let e = errors[0].clone();
    assert!(e.file.ends_with(file), "{e} should name {file}");
    e
}

#[test]
fn bad_toml_names_file_and_line() {
    let errs = errors_after(|d| replace(d, "campaigns/jilamito.toml", "partners = [", "partners = [[["));
    let e = one(&errs, "campaigns/jilamito.toml");
    assert!(e.line.is_some(), "{e}");
    assert!(e.line.unwrap() >= line_of("campaigns/jilamito.toml", "partners = ["), "{e}");
}

#[test]
fn unknown_time_zone() {
    let errs = errors_after(|d| replace(d, "meetings/monthly.toml", "\"America/New_York\"", "\"America/Boston\""));
    let e = one(&errs, "meetings/monthly.toml");
    assert_eq!(e.line, Some(line_of("meetings/monthly.toml", "time_zone = ")));
    assert!(e.message.contains("unknown time zone `America/Boston`"), "{e}");
}

#[test]
fn invalid_recurrence_rule() {
    let errs =
        errors_after(|d| replace(d, "meetings/monthly.toml", "FREQ=MONTHLY;BYDAY=1MO", "FREQ=MONTHLY;BYDAY=1XX"));
    let e = one(&errs, "meetings/monthly.toml");
    assert_eq!(e.line, Some(line_of("meetings/monthly.toml", "repeat = ")));
    assert!(e.message.contains("not a valid recurrence rule"), "{e}");
}

#[test]
fn campaign_without_a_title() {
    let errs = errors_after(|d| {
        std::fs::write(d.join("campaigns/new.toml"), "summary = \"Something to do\"\n").unwrap();
    });
    let e = one(&errs, "campaigns/new.toml");
    assert!(e.message.contains("title"), "{e}");
}

#[test]
fn duplicate_slug() {
    let errs = errors_after(|d| {
        std::fs::write(
            d.join("campaigns/zz-copy.toml"),
            "slug = \"jilamito\"\ntitle = \"Again\"\nsummary = \"Again\"\n",
        )
        .unwrap();
    });
    // Both files, the one that sets the name with its line: either may be the one to change.
    assert_eq!(errs.len(), 2, "{errs:#?}");
    let copy = errs.iter().find(|e| e.file.ends_with("campaigns/zz-copy.toml")).expect("the copy named");
    assert_eq!(copy.line, Some(1), "{copy}");
    assert!(copy.message.contains("`jilamito` is also used by") && copy.message.contains("jilamito.toml"), "{copy}");
    let first = errs.iter().find(|e| e.file.ends_with("campaigns/jilamito.toml")).expect("the first named too");
    assert!(first.message.contains("zz-copy.toml"), "{first}");
}

#[test]
fn every_mistake_in_a_file_is_named_in_one_run_in_line_order() {
    let errs = errors_after(|d| {
        replace(d, "meetings/monthly.toml", "summary = {", "sumary = {");
        replace(d, "meetings/monthly.toml", "start = \"17:00\"", "start = 17");
        replace(
            d,
            "meetings/monthly.toml",
            "time_zone = \"America/New_York\"",
            "time_zone = \"America/New_Yrok\"\ncolour = \"red\"",
        );
    });
    let said: Vec<(Option<usize>, bool)> =
        errs.iter().map(|e| (e.line, e.file.ends_with("meetings/monthly.toml"))).collect();
    let lines: Vec<usize> = said.iter().filter_map(|(l, _)| *l).collect();
    assert_eq!(errs.len(), 4, "an unknown key hides nothing after it: {errs:#?}");
    assert!(said.iter().all(|(_, f)| *f), "{errs:#?}");
    assert!(lines.windows(2).all(|w| w[0] < w[1]), "in line order: {lines:?}");
    let text: Vec<String> = errs.iter().map(|e| e.message.clone()).collect();
    for part in ["sumary", "`17` is not a start time", "America/New_Yrok", "colour"] {
        assert!(text.iter().any(|t| t.contains(part)), "{part}: {text:#?}");
    }
}

#[test]
fn files_editors_leave_beside_the_content_are_not_content() {
    let dir = copy_of_shipped();
    for name in
        ["#monthly.toml#", "monthly.toml~", ".monthly.toml.swp", "4913", "monthly.toml.bak", "monthly.toml.orig"]
    {
        std::fs::write(dir.path().join("meetings").join(name), "not = [toml").unwrap();
    }
    assert!(load(dir.path(), at("2026-11-28T12:00:00Z")).is_ok(), "an editor's files reject nothing");
    std::fs::write(dir.path().join("meetings/notes.txt"), "x").unwrap();
    assert!(load(dir.path(), at("2026-11-28T12:00:00Z")).is_err(), "another file is still questioned");
}

#[test]
fn misspelled_field_is_caught_with_its_line() {
    let errs = errors_after(|d| replace(d, "meetings/monthly.toml", "start = \"17:00\"", "strat = \"17:00\""));
    let e = errs.iter().find(|e| e.message.contains("strat")).expect("the misspelt key named");
    assert_eq!(e.line, Some(line_of("meetings/monthly.toml", "start = \"17:00\"")));
    // And, read past it, what the file then lacks.
    assert_eq!(errs.len(), 2, "{errs:#?}");
    assert!(errs.iter().any(|e| e.message.contains("`start` time is missing")), "{errs:#?}");
}

#[test]
fn bad_dates_times_links_and_channels() {
    let cases: [(&str, &str, &str, &str); 9] = [
        ("meetings/monthly.toml", "start = \"17:00\"", "start = \"5pm\"", "is not a start time"),
        ("meetings/monthly.toml", "first_date = \"2023-01-01\"", "first_date = \"2023-13-01\"", "is not a date"),
        ("campaigns/jilamito.toml", "learn_more = \"https://", "learn_more = \"www.", "is not a link"),
        ("meetings/monthly.toml", "channels = []", "channels = [\"#general\"]", "is not a channel"),
        ("meetings/monthly.toml", "before = [\"1d\", \"1h\"]", "before = [\"1d\", \"soon\"]", "not a lead time"),
        // A channel id 0 exists nowhere; an alias cannot be checked offline and can be moved.
        ("meetings/monthly.toml", "channels = []", "channels = [\"discord:0\"]", "is not a channel"),
        (
            "meetings/monthly.toml",
            "channels = []",
            "channels = [\"matrix:#lacwg:example.org\"]",
            "aliases are not accepted",
        ),
        // Years outside 2000–2100.
        ("meetings/monthly.toml", "first_date = \"2023-01-01\"", "first_date = \"+262142-01-01\"", "years 2000–2100"),
        ("meetings/monthly.toml", "first_date = \"2023-01-01\"", "first_date = \"1999-01-04\"", "years 2000–2100"),
    ];
    for (file, from, to, message) in cases {
        let errs = errors_after(|d| replace(d, file, from, to));
        let e = one(&errs, file);
        assert_eq!(e.line, Some(line_of(file, from)), "{e}");
        assert!(e.message.contains(message), "{e} should say {message}");
    }
}

#[test]
fn an_exception_on_a_date_the_meeting_does_not_meet() {
    let errs = errors_after(|d| {
        let path = d.join("meetings/monthly.toml");
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str("\n[[exceptions]]\ndate = \"2026-12-08\"\ncancel = true\n");
        std::fs::write(path, text).unwrap();
    });
    let e = one(&errs, "meetings/monthly.toml");
    assert!(e.message.contains("does not regularly meet on 2026-12-08"), "{e}");
}

#[test]
fn meeting_naming_an_unknown_campaign() {
    let errs = errors_after(|d| {
        replace(d, "meetings/monthly.toml", "campaigns = [\"jilamito\"]", "campaigns = [\"jilamitto\"]")
    });
    let e = one(&errs, "meetings/monthly.toml");
    assert!(e.message.contains("no campaign is named `jilamitto`"), "{e}");
}

#[test]
fn missing_group_file() {
    let errs = errors_after(|d| std::fs::remove_file(d.join("group.toml")).unwrap());
    let e = one(&errs, "group.toml");
    assert!(e.message.contains("missing"), "{e}");
}

#[test]
fn several_broken_files_are_all_reported() {
    let errs = errors_after(|d| {
        replace(d, "meetings/monthly.toml", "\"America/New_York\"", "\"Mars/Olympus\"");
        replace(d, "briefings/guatemala-2024-07.toml", "date = \"2024-07-31\"", "date = \"July\"");
    });
    assert_eq!(errs.len(), 2, "{errs:#?}");
}

#[test]
fn organizers_add_a_campaign_and_a_meeting_by_adding_files() {
    let dir = copy_of_shipped();
    std::fs::write(
        dir.path().join("campaigns/haiti.toml"),
        "title = { en = \"Haiti solidarity\", es = \"Solidaridad con Haití\" }\nsummary = \"Support Haitian self-determination.\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("meetings/teach-in.toml"),
        "title = \"Teach-in\"\ndate = \"2027-02-10\"\nstart = \"19:00\"\nduration = \"2h\"\n",
    )
    .unwrap();
    let content = load(dir.path(), at("2026-11-28T12:00:00Z")).unwrap();
    assert!(content.campaign("haiti").is_some());
    assert!(content.meeting("teach-in").is_some());
}

#[test]
fn a_public_floor_out_of_range_is_named_with_its_line() {
    let errors = errors_after(|dir| replace(dir, "group.toml", "public_floor = 3", "public_floor = 0"));
    let e = one(&errors, "group.toml");
    assert!(e.to_string().contains("`public_floor = 0` must be a number from 1 to 1000"), "{e}");
    assert_eq!(e.line, Some(line_of("group.toml", "public_floor")), "{e}");
}

#[test]
fn a_file_that_starts_with_a_byte_order_mark_or_lacks_a_key_is_questioned_without_a_panic() {
    let errs = errors_after(|d| {
        std::fs::write(
            d.join("campaigns/bom.toml"),
            "\u{feff}summary = \"Ñandú\"\n[[actions]]\ntitle = \"Ñ\"\nlink = 5\n",
        )
        .unwrap();
        std::fs::write(d.join("meetings/empty.toml"), "é = 1\n").unwrap();
    });
    assert!(errs.iter().any(|e| e.file.ends_with("campaigns/bom.toml")), "{errs:#?}");
    assert!(errs.iter().any(|e| e.file.ends_with("meetings/empty.toml")), "{errs:#?}");
}

#[test]
fn a_public_pages_invitation_must_lead_to_the_web_or_mail_and_say_what_it_is() {
    let errs = errors_after(|d| {
        replace(
            d,
            "group.toml",
            "url = \"mailto:derekleesexton@gmail.com?subject=Action%20list\"",
            "url = \"javascript:alert(1)\"",
        )
    });
    let e = one(&errs, "group.toml");
    assert!(
        e.message.contains("`javascript:alert(1)` is not a link: it must start with https://, http:// or mailto:"),
        "{e}"
    );
    assert_eq!(e.line, Some(line_of("group.toml", "url = \"mailto:derekleesexton@gmail.com?subject=Action%20list\"")));

    let errs = errors_after(|d| {
        replace(
            d,
            "group.toml",
            "label = { en = \"Join the action list: write to Derek Sexton\", es = \"Únete a la lista de acción: escribe a Derek Sexton\" }\n",
            "",
        )
    });
    let e = one(&errs, "group.toml");
    assert!(e.message.contains("has no `label`: add `label = "), "{e}");
    assert_eq!(
        e.line,
        Some(line_of("group.toml", "url = \"mailto:derekleesexton@gmail.com?subject=Action%20list\"") - 1),
        "{e}"
    );

    let errs = errors_after(|d| replace(d, "group.toml", "[web]\npublic = true", "[web]\npublic = \"yes\""));
    assert!(one(&errs, "group.toml").line.is_some(), "{errs:?}");
}
