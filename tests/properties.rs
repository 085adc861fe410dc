//! Property tests: whatever anyone types, and whatever an organizer writes into a content
//! file, nothing panics. Inputs mix ASCII with characters that change length when their
//! case is folded (the Kelvin sign, dotted İ, ß), combining marks, emoji and control
//! characters, up to 64 KB.

mod common;

use common::*;
use convoca::calendar::Lead;
use convoca::content::{parse_date, parse_local_datetime, parse_time};
use convoca::engine::{Asked, Command, Engine, Request, catalog};
use convoca::locale::Locale;
use proptest::prelude::*;

/// Characters chosen to break byte-offset assumptions, beside plain ASCII.
const TRICKY: &[char] = &[
    '\u{212A}', 'İ', 'ß', 'ﬁ', 'ǅ', 'Σ', 'é', '\u{301}', '✅', '👍', '\u{0}', '\t', '\r', '\n', '!', '/', ':', ',',
    '-', '+', '@', '=', ' ', '0', '9', 'T', 'Z',
];

fn tricky_text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => any::<char>(),
            3 => prop::sample::select(TRICKY),
            4 => prop::char::range('a', 'z'),
        ],
        0..max,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

/// Command-like input: a prefix and any spelling of a declared command, then anything.
fn commandish() -> impl Strategy<Value = String> {
    let words: Vec<String> = catalog::ALL.iter().flat_map(|spec| spec.spellings()).map(|(w, _)| w).collect();
    (prop::sample::select(vec!["/", "!", "", "  !"]), prop::sample::select(words), tricky_text(40))
        .prop_map(|(p, w, rest)| format!("{p}{w} {rest}"))
}

/// Dates and times with any year, sign and digits: `+262142-12-31T18:00`, `0-1-1 99:99`.
fn datelike() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["", "+", "-"]),
        0u32..9_999_999,
        0u32..40,
        0u32..40,
        prop::sample::select(vec!["T", " "]),
        0u32..100,
        0u32..100,
    )
        .prop_map(|(sign, y, m, d, sep, h, min)| format!("{sign}{y}-{m:02}-{d:02}{sep}{h:02}:{min:02}"))
}

fn engine() -> &'static (tokio::runtime::Runtime, Engine) {
    shared_engine()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn the_parser_never_panics(text in prop_oneof![tricky_text(200), commandish()]) {
        let _ = Command::parse(&text);
        let _ = Command::parse_addressed(&text);
        let _ = convoca::engine::language_of(&text);
    }

    #[test]
    fn time_parsers_never_panic(text in prop_oneof![tricky_text(30), datelike()]) {
        let _ = Lead::parse(&text);
        if let Some(d) = parse_date(&text) {
            prop_assert!(convoca::calendar::in_sane_range(d));
        }
        let _ = parse_time(&text);
        if let Some(t) = parse_local_datetime(&text) {
            prop_assert!(convoca::calendar::in_sane_range(t.date()));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, .. ProptestConfig::default() })]

    #[test]
    fn the_engine_answers_every_request(
        text in prop_oneof![commandish(), tricky_text(120)],
        place in prop::sample::select(vec![Asked::Home, Asked::Direct, Asked::Elsewhere]),
        on in prop::sample::select(vec![&convoca::console::ABILITIES, &convoca::discord::ABILITIES, &convoca::matrix::ABILITIES]),
        organizer in any::<bool>(),
        spanish in any::<bool>(),
        name in tricky_text(20),
        days in 0i64..4000,
    ) {
        let (rt, engine) = engine();
        let now = at("2026-01-01T00:00:00Z") + chrono::Duration::days(days);
        let mut req = Request::new(on, "prop-user", &name, Command::parse(&text), now);
        req.asked = place;
        req.organizer = organizer;
        req.locale = if spanish { Locale::Es } else { Locale::En };
        let reply = rt.block_on(engine.handle(&req));
        // Every stored change stays readable: the next request still gets its calendar.
        prop_assert!(rt.block_on(engine.calendar_changes()).is_ok());
        let _ = convoca::console::render(&reply);
    }

    #[test]
    fn the_content_loader_reports_and_never_panics(junk in tricky_text(300), line in 0usize..40) {
        // A shipped meeting file with junk spliced into one of its lines.
        let dir = copy_of_shipped();
        let path = dir.path().join("meetings/monthly.toml");
        let original = std::fs::read_to_string(&path).unwrap();
        let mut lines: Vec<String> = original.lines().map(str::to_string).collect();
        let at_line = line.min(lines.len());
        lines.insert(at_line, junk);
        std::fs::write(&path, lines.join("\n")).unwrap();
        let _ = convoca::content::load(dir.path(), at("2026-12-01T00:00:00Z"));
    }
}

#[test]
fn the_engine_survives_64_kb_of_text() {
    let (rt, engine) = engine();
    for filler in ["x", "\u{212A}", "İ", "✅ "] {
        let text = format!("/signup {}", filler.repeat(64 * 1024 / filler.len()));
        let req =
            Request::new(&convoca::matrix::ABILITIES, "big", "Big", Command::parse(&text), at("2026-12-01T00:00:00Z"));
        let reply = rt.block_on(engine.handle(&req));
        assert!(!convoca::console::render(&reply).is_empty());
    }
}
