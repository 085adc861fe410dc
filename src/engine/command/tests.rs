//! The grammar, by example: prefixes, spellings in both languages, bare answers, limits.

use super::*;
use chrono::NaiveDate;

#[test]
fn prefixes_case_and_spacing_do_not_matter() {
    for text in ["/meeting", "!meeting", "meeting", "  /MEETING  ", "!Meeting\n", "/reunión"] {
        assert_eq!(Command::parse(text), Command::Meeting { meeting: None }, "{text:?}");
    }
    assert_eq!(Command::parse("  !campaign    Jilamito  "), Command::Campaign { campaign: Some("jilamito".into()) });
    assert_eq!(Command::parse("/CAMPAÑA jilamito"), Command::parse("/campaign jilamito"));
}

#[test]
fn chat_text_needs_a_prefix() {
    assert_eq!(Command::parse_addressed("meeting tonight?"), None);
    assert_eq!(Command::parse_addressed("//meeting"), None);
    assert_eq!(Command::parse_addressed("  !mission"), Some(Command::Mission));
    assert_eq!(Command::parse_addressed("/"), Some(Command::Empty));
}

#[test]
fn unknown_words_get_a_suggestion_when_close() {
    assert_eq!(
        Command::parse("/meetign"),
        Command::Unknown { word: "meetign".into(), suggestion: Some(&catalog::MEETING) }
    );
    assert_eq!(
        Command::parse("!campain jilamito"),
        Command::Unknown { word: "campain".into(), suggestion: Some(&catalog::CAMPAIGN) }
    );
    assert_eq!(Command::parse("/xyzzy"), Command::Unknown { word: "xyzzy".into(), suggestion: None });
}

#[test]
fn huge_input_is_refused_before_parsing() {
    let huge = format!("/meeting {}", "a".repeat(MAX_INPUT_BYTES));
    assert_eq!(Command::parse(&huge), Command::TooLong { bytes: huge.len() });
    let huge_chat = format!("!{}", "x".repeat(64 * 1024));
    assert!(matches!(Command::parse_addressed(&huge_chat), Some(Command::TooLong { .. })));
    assert_eq!(Command::parse_addressed(&"x".repeat(64 * 1024)), None);
}

#[test]
fn sign_up_and_organizer_commands() {
    assert_eq!(
        Command::parse("!signup Jilamito petition"),
        Command::SignUp { campaign: Some("jilamito".into()), action: Some("petition".into()) }
    );
    assert_eq!(
        Command::parse("/apuntarme jilamito"),
        Command::SignUp { campaign: Some("jilamito".into()), action: None }
    );
    assert_eq!(Command::parse("/forgetme"), Command::ForgetMe { confirmed: false });
    assert_eq!(Command::parse("/olvidame confirmar"), Command::ForgetMe { confirmed: true });
    assert_eq!(Command::parse("!roster jilamito"), Command::Roster { campaign: Some("jilamito".into()) });
    assert_eq!(
        Command::parse("/move monthly 2026-12-07 2026-12-14 18:00"),
        Command::Move {
            at: MeetingDate { meeting: Some("monthly".into()), date: NaiveDate::from_ymd_opt(2026, 12, 7) },
            to: NaiveDate::from_ymd_opt(2026, 12, 14).and_then(|d| d.and_hms_opt(18, 0, 0)).map(MoveTo::At),
        }
    );
    // Titles keep their case.
    assert_eq!(
        Command::parse("/addmeeting 2027-01-20 18:00 Teach-in on Honduras"),
        Command::AddMeeting(Box::new(NewMeeting {
            date: NaiveDate::from_ymd_opt(2027, 1, 20).unwrap(),
            time: chrono::NaiveTime::from_hms_opt(18, 0, 0).unwrap(),
            minutes: None,
            zone: None,
            title: "Teach-in on Honduras".into(),
        }))
    );
}

#[test]
fn remind_sub_commands() {
    use crate::locale::Locale;
    assert_eq!(
        Command::parse("/remind here monthly es"),
        Command::Remind { action: RemindAction::Here, meeting: Some("monthly".into()), locale: Some(Locale::Es) }
    );
    assert_eq!(
        Command::parse("!recordatorios no"),
        Command::Remind { action: RemindAction::Off, meeting: None, locale: None }
    );
    assert_eq!(Command::parse("/remind"), Command::Remind { action: RemindAction::Help, meeting: None, locale: None });
    assert_eq!(
        Command::parse("/remind list"),
        Command::Remind { action: RemindAction::List, meeting: None, locale: None }
    );
}

#[test]
fn the_command_word_tells_the_language() {
    use crate::locale::Locale;
    assert_eq!(language_of("!reunión"), Some(Locale::Es));
    assert_eq!(language_of("  /Campaña jilamito"), Some(Locale::Es));
    assert_eq!(language_of("!meeting"), Some(Locale::En));
    assert_eq!(language_of("!coyuntura"), None);
    assert_eq!(language_of("hola"), None);
}

#[test]
fn bare_answers_in_either_language_and_nothing_longer() {
    use crate::locale::Locale;
    let done = |outcome| Command::Done { campaign: None, action: None, outcome };
    for (text, outcome, l) in [
        ("done", Outcome::Done, Locale::En),
        ("Done!", Outcome::Done, Locale::En),
        ("not yet", Outcome::NotYet, Locale::En),
        ("couldn't", Outcome::Couldnt, Locale::En),
        ("Hecho", Outcome::Done, Locale::Es),
        ("todavía no", Outcome::NotYet, Locale::Es),
        ("no pude", Outcome::Couldnt, Locale::Es),
    ] {
        assert_eq!(bare_answer(text), Some((done(outcome), l)), "{text}");
    }
    assert_eq!(
        bare_answer("acepto"),
        Some((Command::Place { accept: Some(true), campaign: None, action: None }, Locale::Es))
    );
    assert_eq!(
        bare_answer("decline"),
        Some((Command::Place { accept: Some(false), campaign: None, action: None }, Locale::En))
    );
    for text in ["I think it's done now, thanks", "no", "yes", "!done", "hello"] {
        assert_eq!(bare_answer(text), None, "{text}");
    }
    assert_eq!(
        Command::parse("/done jilamito letter notyet"),
        Command::Done { campaign: Some("jilamito".into()), action: Some("letter".into()), outcome: Outcome::NotYet }
    );
    assert_eq!(Command::parse("!hecho"), done(Outcome::Done));
    assert_eq!(
        Command::parse("/plaza rechazo jilamito rally"),
        Command::Place { accept: Some(false), campaign: Some("jilamito".into()), action: Some("rally".into()) }
    );
}

#[test]
fn blank_is_empty() {
    assert_eq!(Command::parse(""), Command::Empty);
    assert_eq!(Command::parse("  ! "), Command::Empty);
}

#[test]
fn what_only_reads_or_asks_changes_nothing() {
    for text in ["/remind list", "/remind", "/forgetme", "/done jilamito letter maybe"] {
        assert!(Command::parse(text).effects().is_empty(), "{text}");
    }
    for text in ["/forgetme confirm", "/signup jilamito", "/remind here", "/cancel 2026-12-07"] {
        assert!(!Command::parse(text).effects().is_empty(), "{text}");
    }
}
