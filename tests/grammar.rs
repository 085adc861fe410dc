//! The whole grammar, read strictly: for every declared command and every argument slot,
//! random and adversarial words (typos of the valid ones, the other language's words, extra
//! words, empty, very long, mixed scripts) either give the intended command, every word of
//! it accounted for, or a question naming a word that was typed; never a recorded state the
//! words did not say. It starts from a corpus of real phrasings in both languages, kept here.

mod common;

use chrono::NaiveDate;
use common::*;
use convoca::chat::Platform;
use convoca::engine::{Command, Engine, MeetingDate, MoveTo, Request, Tone, catalog};
use convoca::locale::Locale;
use convoca::store::Outcome;
use proptest::prelude::*;

/// What a phrasing should give.
enum Expect {
    /// Exactly this command.
    Is(Command),
    /// A question about this word (`""`: something missing).
    Asks(&'static str),
}
use Expect::*;

fn date(s: &str) -> Option<NaiveDate> {
    s.parse().ok()
}

fn done(campaign: Option<&str>, action: Option<&str>, outcome: Outcome) -> Command {
    Command::Done { campaign: campaign.map(str::to_string), action: action.map(str::to_string), outcome }
}

fn at(meeting: Option<&str>, day: &str) -> MeetingDate {
    MeetingDate { meeting: meeting.map(str::to_string), date: date(day) }
}

/// Real phrasings, as members and organizers typed them, in English and Spanish.
fn corpus() -> Vec<(&'static str, Expect)> {
    let (j, l) = (Some("jilamito"), Some("letter"));
    vec![
        ("/done jilamito letter not yet", Is(done(j, l, Outcome::NotYet))),
        ("/done jilamito letter notyet", Is(done(j, l, Outcome::NotYet))),
        ("/done not yet", Is(done(None, None, Outcome::NotYet))),
        ("/done jilamito letter couldn't", Is(done(j, l, Outcome::Couldnt))),
        ("/done jilamito letter could not", Is(done(j, l, Outcome::Couldnt))),
        ("/done jilamito letter I did it", Asks("i")),
        ("/done jilamito letter did it", Is(done(j, l, Outcome::Done))),
        ("/done jilamito letter notyt", Asks("notyt")),
        ("/done jilamito letter maybe", Asks("maybe")),
        ("/done jilamito letter done not yet", Asks("not yet")),
        ("/done", Is(done(None, None, Outcome::Done))),
        ("/hecho todavía no", Is(done(None, None, Outcome::NotYet))),
        ("/hecho jilamito carta todavia", Is(done(j, Some("carta"), Outcome::NotYet))),
        ("/hecho jilamito letter no pude", Is(done(j, l, Outcome::Couldnt))),
        ("/hecho aún no", Is(done(None, None, Outcome::NotYet))),
        ("/listo jilamito letter lo hice", Is(done(j, l, Outcome::Done))),
        ("/hecho jilamito letter quizás", Asks("quizás")),
        ("/signup jilamito", Is(Command::SignUp { campaign: j.map(Into::into), action: None })),
        ("/signup Jilamito Letter", Is(Command::SignUp { campaign: j.map(Into::into), action: l.map(Into::into) })),
        ("/signup jilamito letter please", Asks("letter please")),
        ("/apuntarme jilamito carta ya", Asks("carta ya")),
        ("/withdraw jilamito letter now", Asks("letter now")),
        ("/going", Is(Command::Rsvp { going: true, at: MeetingDate::default() })),
        (
            "/going monthly",
            Is(Command::Rsvp { going: true, at: MeetingDate { meeting: Some("monthly".into()), date: None } }),
        ),
        ("/going 2027-01-04", Is(Command::Rsvp { going: true, at: at(None, "2027-01-04") })),
        ("/going 2027-01-04 monthly", Is(Command::Rsvp { going: true, at: at(Some("monthly"), "2027-01-04") })),
        ("/going monthly jan", Asks("jan")),
        ("/going monthly 9999-12-06", Asks("9999-12-06")),
        ("/going monthly 2027-1-4", Asks("2027-1-4")),
        ("/going next monday", Asks("next")),
        ("/voy mañana", Asks("mañana")),
        ("/voy el lunes", Asks("lunes")),
        ("/novoy monthly 2027-01-04", Is(Command::Rsvp { going: false, at: at(Some("monthly"), "2027-01-04") })),
        (
            "/notgoing sorry",
            Is(Command::Rsvp { going: false, at: MeetingDate { meeting: Some("sorry".into()), date: None } }),
        ),
        ("/notgoing monthly sorry", Asks("monthly sorry")),
        ("/attendees csv", Is(Command::Attendees { at: MeetingDate::default(), csv: true })),
        ("/myreminders off", Is(Command::MyReminders { on: Some(false) })),
        ("/misavisos sí", Is(Command::MyReminders { on: Some(true) })),
        ("/myreminders of", Asks("of")),
        ("/myreminders off please", Asks("off please")),
        ("/mycalendar reset", Is(Command::MyCalendar { reset: true })),
        ("/micalendario renovar", Is(Command::MyCalendar { reset: true })),
        ("/mycalendar rest", Asks("rest")),
        ("/forgetme confirm", Is(Command::ForgetMe { confirmed: true })),
        ("/olvidame confirmar", Is(Command::ForgetMe { confirmed: true })),
        ("/forgetme confirmm", Asks("confirmm")),
        ("/forgetme please", Asks("please")),
        ("/place accept", Is(Command::Place { accept: Some(true), campaign: None, action: None })),
        (
            "/plaza rechazo jilamito rally",
            Is(Command::Place { accept: Some(false), campaign: j.map(Into::into), action: Some("rally".into()) }),
        ),
        ("/place maybe", Asks("maybe")),
        ("/cancel 2026-12-07", Is(Command::Cancel { at: at(None, "2026-12-07") })),
        ("/cancelar monthly 2026-12-07", Is(Command::Cancel { at: at(Some("monthly"), "2026-12-07") })),
        ("/cancel 12/07", Asks("12/07")),
        ("/cancel monthly 2026-12-07 please", Asks("please")),
        ("/cancel december", Asks("december")),
        (
            "/move 2026-12-07 18:00",
            Is(Command::Move { at: at(None, "2026-12-07"), to: Some(MoveTo::Time("18:00".parse().unwrap())) }),
        ),
        (
            "/move 2026-12-07 2026-12-14",
            Is(Command::Move { at: at(None, "2026-12-07"), to: date("2026-12-14").map(MoveTo::Day) }),
        ),
        ("/move 2026-12-07 2026-12-14 6pm", Asks("6pm")),
        ("/move 2026-12-07 someday", Asks("someday")),
        ("/move 2026-12-07", Asks("")),
        ("/addmeeting 2027-01-23 18:00 90m Europe/Mdrid Typo zone", Asks("Europe/Mdrid")),
        ("/addmeeting 2027-01-23 18:00 90m", Asks("")),
        ("/addmeeting tomorrow 18:00 Call", Asks("tomorrow")),
        ("/addmeeting 2027-01-23 6pm Call", Asks("6pm")),
        (
            "/nuevareunion 2027-01-23 18:00 America/Tegucigalpa Vigilia",
            Is(Command::parse("/addmeeting 2027-01-23 18:00 America/Tegucigalpa Vigilia")),
        ),
        ("/remind here monthly es", Is(Command::parse("/recordatorios aquí monthly español"))),
        ("/remind hre", Asks("hre")),
        ("/remind here monthly weekly", Asks("weekly")),
        ("/mission now", Asks("now")),
        ("/meeting monthly next", Asks("monthly next")),
        ("/campaign jilamito dam", Asks("jilamito dam")),
        ("/mysignups all", Asks("all")),
        // Found by trying it as people would.
        ("/addmeeting 2027-01-20 6:00 PM Teach-in", Asks("6:00 PM")),
        ("/addmeeting 2027-01-20 6:00 p.m. Teach-in", Asks("6:00 p.m.")),
        ("/addmeeting 2027-02-15 18:00 CEST Teach-in", Asks("CEST")),
        ("/addmeeting 2027-02-15 18:00 UTC+1 Teach-in", Asks("UTC+1")),
        ("/addmeeting 2027-02-15 18:00 new_york Teach-in", Asks("new_york")),
        ("/addmeeting 2027-01-31 18:00 90min Teach-in", Asks("90min")),
        ("/addmeeting 2027-01-31 18:00 1 hora Charla", Asks("1")),
        ("/addmeeting 2027-01-31 18:00 90m 90m Teach-in", Asks("90m")),
        ("/addmeeting 2027-01-31 18:00 0m Teach-in", Asks("0m")),
        ("/addmeeting 2027-01-31 18:00 999h Marathon", Asks("999h")),
        (
            "/addmeeting 2027-01-31 18:00 Cuba solidarity call",
            Is(Command::parse("/addmeeting 2027-01-31 18:00 Cuba solidarity call")),
        ),
        (
            "/addmeeting 2027-01-31 18:00 30th anniversary vigil",
            Is(Command::parse("/addmeeting 2027-01-31 18:00 30th anniversary vigil")),
        ),
        ("/move 2027-01-04 2027-01-05 18:00 extra", Asks("extra")),
        ("/move 2027-01-04 2027-01-05 6:00 PM", Asks("6:00 PM")),
        ("/done jilamito letter not yet.", Is(done(j, l, Outcome::NotYet))),
        ("/done jilamito, letter, done!", Is(done(j, l, Outcome::Done))),
        ("/hecho jilamito letter todavía no lo hice", Is(done(j, l, Outcome::NotYet))),
        ("/hecho jilamito letter ya lo hice", Is(done(j, l, Outcome::Done))),
        ("/no voy", Is(Command::Rsvp { going: false, at: MeetingDate::default() })),
        (
            "/not going monthly",
            Is(Command::Rsvp { going: false, at: MeetingDate { meeting: Some("monthly".into()), date: None } }),
        ),
        ("/sign up jilamito", Is(Command::SignUp { campaign: j.map(Into::into), action: None })),
        // Found by the second trial.
        ("/addmeeting 2026-12-15 18:00 for 2h Planning", Asks("2h")),
        ("/addmeeting 2026-12-15 18:00 to 19:30 Planning", Asks("19:30")),
        ("/addmeeting 2026-12-15 18:00 Planning (90m)", Asks("(90m)")),
        ("/addmeeting 2026-12-18 18:00 2026-12-19 Planning", Asks("2026-12-19")),
        ("/addmeeting 2027-07-10 18:00 EST Summer picnic", Asks("EST")),
        ("/addmeeting 2027-07-10 18:00 GMT+1 Call", Asks("GMT+1")),
        ("/nuevareunion 2027-01-20 6:00 p. m. Charla", Asks("6:00 p. m.")),
        (
            "/addmeeting 2027-01-20 18:00 Vigil for the 43",
            Is(Command::parse("/addmeeting 2027-01-20 18:00 Vigil for the 43")),
        ),
        (
            "/addmeeting 2027-01-20 18:00 Cuba/Venezuela call",
            Is(Command::parse("/addmeeting 2027-01-20 18:00 Cuba/Venezuela call")),
        ),
        ("/forgetme yes", Asks("yes")),
        ("/olvidame sí", Asks("sí")),
        ("/signup jilamito the letter", Asks("the letter")),
        ("/going to monthly", Asks("to monthly")),
        ("/hecho jilamito letter ¡hecho!", Is(done(j, l, Outcome::Done))),
        ("/hecho jilamito letter ¿todavía no?", Is(done(j, l, Outcome::NotYet))),
        ("/hecho jilamito letter no lo pude hacer", Is(done(j, l, Outcome::Couldnt))),
        ("/remind here monthly fr", Asks("fr")),
    ]
}

/// The question's word, when the command is a question.
fn asked(cmd: &Command) -> Option<&str> {
    match cmd {
        Command::Unclear(u) => Some(&u.word),
        _ => None,
    }
}

#[test]
fn the_corpus_reads_as_meant() {
    let mut wrong = Vec::new();
    for (text, expect) in corpus() {
        let got = Command::parse(text);
        let ok = match &expect {
            Is(cmd) => &got == cmd,
            Asks(word) => asked(&got) == Some(*word),
        };
        if !ok {
            wrong.push(format!("{text:?} gave {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{} of {} phrasings misread:\n{}", wrong.len(), corpus().len(), wrong.join("\n"));
}

/// Words that are valid somewhere: answers, flags, sub-commands, languages, dates, times,
/// lengths, zones, names.
const VALID: &[&str] = &[
    "done",
    "notyet",
    "not",
    "yet",
    "couldnt",
    "couldn't",
    "could",
    "hecho",
    "todavía",
    "todavia",
    "no",
    "pude",
    "aún",
    "listo",
    "lo",
    "hice",
    "did",
    "it",
    "accept",
    "decline",
    "acepto",
    "rechazo",
    "yes",
    "sí",
    "si",
    "on",
    "off",
    "stop",
    "reset",
    "renovar",
    "confirm",
    "confirmar",
    "csv",
    "here",
    "aquí",
    "list",
    "ver",
    "en",
    "es",
    "english",
    "español",
    "all",
    "2026-12-07",
    "2027-01-04",
    "2027-01-05",
    "18:00",
    "17:30",
    "90m",
    "2h",
    "America/New_York",
    "Europe/Madrid",
    "UTC",
    "jilamito",
    "letter",
    "rally",
    "petition",
    "monthly",
    "carta",
];

/// Words from elsewhere: the other language's everyday words, numbers, other scripts.
const OTHER: &[&str] = &[
    "maybe",
    "please",
    "tomorrow",
    "mañana",
    "lunes",
    "jan",
    "enero",
    "12/07",
    "6pm",
    "9999-12-06",
    "2026-13-45",
    "quizás",
    "gracias",
    "جلاميتو",
    "Хондурас",
    "日本",
    "✅",
    "-",
    "*",
    "@everyone",
    "[x](https://e.example)",
    "a\u{202E}b",
    "\u{200B}",
    "Europe/Mdrid",
    "Amrica/Lima",
];

/// One edit of a word: a letter dropped, doubled or changed.
fn typo(word: &str, at: usize, kind: u8) -> String {
    let chars: Vec<char> = word.chars().collect();
    if chars.is_empty() {
        return "x".into();
    }
    let i = at % chars.len();
    let mut out = chars.clone();
    match kind % 3 {
        0 => {
            out.remove(i);
        }
        1 => out.insert(i, chars[i]),
        _ => out[i] = if chars[i] == 'e' { 'a' } else { 'e' },
    }
    out.into_iter().collect()
}

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(VALID).prop_map(str::to_string),
        3 => (prop::sample::select(VALID), any::<usize>(), any::<u8>()).prop_map(|(w, at, k)| typo(w, at, k)),
        3 => prop::sample::select(OTHER).prop_map(str::to_string),
        1 => Just(String::new()),
        1 => "[a-z]{150,300}",
        1 => "[a-zA-Zñé0-9\u{0600}-\u{0620}\u{0410}-\u{0430}/:-]{1,12}",
    ]
}

/// A command word (any spelling of any declared command), then up to five words.
fn phrase() -> impl Strategy<Value = (String, Vec<String>)> {
    let spellings: Vec<String> = catalog::ALL.iter().flat_map(|s| s.spellings()).map(|(w, _)| w).collect();
    (prop::sample::select(spellings), prop::collection::vec(word(), 0..6))
}

/// The words as the grammar sees them: cleaned, split on white space, without the
/// punctuation that ends a sentence (a title keeps it, and is compared whole).
fn typed(words: &[String]) -> Vec<String> {
    let end: &[char] = &['.', ',', ';', '!', '?', '¡', '¿'];
    let cleaned = convoca::engine::clean(&words.join(" "));
    cleaned.split_whitespace().map(|w| w.trim_end_matches(end).to_string()).filter(|w| !w.is_empty()).collect()
}

/// Whether `words` are exactly runs saying `outcome` (`not yet`, `couldnt`), nothing else.
fn only_says(words: &[String], outcome: Outcome) -> bool {
    let mut i = 0;
    while i < words.len() {
        let Some(n) = (1..=3).rev().find(|n| {
            words.get(i..i + n).is_some_and(|run| catalog::how_word(&run.join(" ")).map(|(o, _)| o) == Some(outcome))
        }) else {
            return false;
        };
        i += n;
    }
    true
}

/// Takes `name` (case aside) out of `words` once; false when it is not there.
fn take(words: &mut Vec<String>, name: &Option<String>) -> bool {
    let Some(name) = name else { return true };
    match words.iter().position(|w| w.to_lowercase() == *name) {
        Some(i) => {
            words.remove(i);
            true
        }
        None => false,
    }
}

/// Whether every typed word is accounted for by what `cmd` holds: the command's record is
/// what the words said, and only that.
fn accounted(cmd: &Command, words: &[String]) -> Result<(), String> {
    let mut left = words.to_vec();
    let names = |left: &mut Vec<String>, a: &Option<String>, b: &Option<String>| take(left, a) && take(left, b);
    let (ok, what) = match cmd {
        // Default "done" only when nothing but the names was said.
        Command::Done { campaign, action, outcome } => (
            names(&mut left, campaign, action) && (left.is_empty() || only_says(&left, *outcome)),
            "a name not typed, or words not saying the outcome",
        ),
        Command::SignUp { campaign, action } | Command::Withdraw { campaign, action } => {
            (names(&mut left, campaign, action) && left.is_empty(), "words beyond the campaign and action")
        }
        Command::Place { accept, campaign, action } => {
            let first = left.first().map(|w| w.to_lowercase());
            let said = first.as_deref().and_then(|w| catalog::place_answer(w, false)).map(|(a, _)| a);
            left.drain(..left.len().min(1));
            (said == *accept && names(&mut left, campaign, action) && left.is_empty(), "an answer or name not typed")
        }
        Command::Rsvp { at, .. }
        | Command::Attendees { at, .. }
        | Command::Cancel { at }
        | Command::Uncancel { at } => {
            left.retain(|w| !(matches!(cmd, Command::Attendees { .. }) && w.eq_ignore_ascii_case("csv")));
            let day = at.date.map(|d| d.to_string());
            (names(&mut left, &at.meeting, &day) && left.is_empty(), "words beyond the meeting and date")
        }
        Command::ForgetMe { confirmed: true }
        | Command::MyCalendar { reset: true }
        | Command::MyReminders { on: Some(_) } => (left.len() == 1, "not exactly one word"),
        Command::AddMeeting(new) => (
            !new.title.trim().is_empty() && new.title.split_whitespace().count() <= words.len(),
            "a title that is not the last words typed",
        ),
        _ => (true, ""),
    };
    if ok { Ok(()) } else { Err(format!("{what}: {cmd:?} from {words:?}")) }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, .. ProptestConfig::default() })]

    #[test]
    fn every_word_is_read_into_its_slot_or_questioned((name, words) in phrase()) {
        let text = format!("/{name} {}", words.join(" "));
        let cmd = Command::parse(&text);
        if let Command::AddMeeting(new) = &cmd {
            // The title is the last words typed, as typed.
            let raw: Vec<String> = convoca::engine::clean(&words.join(" ")).split_whitespace().map(str::to_string).collect();
            prop_assert!(raw.join(" ").ends_with(&new.title), "{:?} from {:?}", new.title, raw);
        }
        let words = typed(&words);
        match &cmd {
            Command::Unclear(u) => {
                // The question names a word that was typed (or says one is missing).
                // Every word of it was typed (the last may be cut short at 40 characters).
                let asked = u.word.to_lowercase();
                let typed: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
                let named = asked.split_whitespace().all(|a| typed.iter().any(|w| w.starts_with(a)))
                    || typed.join(" ").contains(&asked);
                prop_assert!(named, "{text:?} asked about {:?}", u.word);
            }
            Command::TooLong { .. } => {}
            _ => {
                prop_assert_eq!(cmd.spec().map(|s| s.name), catalog::ALL.iter().find(|s| s.spellings().any(|(w, _)| w == name)).map(|s| s.name));
                if let Err(why) = accounted(&cmd, &words) {
                    return Err(TestCaseError::fail(why));
                }
            }
        }
    }
}

fn engine() -> &'static (tokio::runtime::Runtime, Engine) {
    shared_engine()
}

/// Everything a command could have recorded, as the store reads it back.
fn recorded(rt: &tokio::runtime::Runtime, engine: &Engine) -> String {
    let store = engine.store();
    let user = convoca::chat::User { platform: Platform::Discord, id: "p".into(), name: "p".into() };
    rt.block_on(async {
        let next = convoca::store::OccurrenceRef { meeting: "monthly".into(), date: "2026-12-07".parse().unwrap() };
        format!(
            "{:?} {:?} {:?} {:?} {:?} {:?}",
            store
                .signups_of(&user)
                .await
                .unwrap()
                .iter()
                .map(|s| (&s.campaign, &s.action, s.outcome))
                .collect::<Vec<_>>(),
            store.changes().await.unwrap().iter().map(|c| (&c.meeting, c.change.date)).collect::<Vec<_>>(),
            store.extra_meetings().await.unwrap(),
            store.subscriptions().await.unwrap().len(),
            store.rsvp_counts(&next).await.unwrap(),
            store.personal_reminders_off(&user).await.unwrap(),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn a_question_records_nothing((name, words) in phrase(), organizer in any::<bool>()) {
        let text = format!("/{name} {}", words.join(" "));
        let cmd = Command::parse(&text);
        if !matches!(cmd, Command::Unclear(_)) {
            return Ok(());
        }
        let (rt, engine) = engine();
        let before = recorded(rt, engine);
        let mut req = Request::new(&convoca::discord::ABILITIES, "p", "p", cmd, common::at("2026-11-28T15:00:00Z"));
        req.organizer = organizer;
        req.channel = Some("general".into());
        let reply = rt.block_on(engine.handle(&req));
        prop_assert_eq!(reply.tone, Tone::Refusal);
        prop_assert_eq!(recorded(rt, engine), before, "{:?} changed the store", text);
    }
}

#[test]
fn spanish_questions_are_in_spanish() {
    let (rt, engine) = engine();
    let mut req = Request::new(
        &convoca::matrix::ABILITIES,
        "p",
        "p",
        Command::parse("!hecho jilamito carta quizás"),
        common::at("2026-11-28T15:00:00Z"),
    );
    req.locale = Locale::Es;
    let text = convoca::console::render(&rt.block_on(engine.handle(&req)));
    assert!(text.contains("No entendí `quizás` en `!hecho`"), "{text}");
    assert!(text.contains("`hecho`, `todavía no`, `no pude`"), "{text}");
}

#[test]
fn discord_options_are_read_as_strictly_as_typed_words() {
    let named = |pairs: &[(&str, &str)]| pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
    let done =
        Command::from_options("done", named(&[("campaign", "jilamito"), ("action", "letter"), ("how", "notyet")]));
    assert_eq!(done, Command::parse("/done jilamito letter not yet"));
    let jan = Command::from_options("going", named(&[("meeting", "monthly"), ("date", "jan")]));
    assert_eq!(asked(&jan), Some("jan"));
    let zone = Command::from_options(
        "addmeeting",
        named(&[("date", "2027-01-23"), ("time", "18:00"), ("zone", "Europe/Mdrid"), ("title", "Typo zone")]),
    );
    assert_eq!(asked(&zone), Some("Europe/Mdrid"));
    let campaign = Command::from_options("signup", named(&[("campaign", "jilamito dam"), ("action", "letter")]));
    assert!(asked(&campaign).is_some(), "{campaign:?}");
}
