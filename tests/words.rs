//! Every word understood or questioned: the phrasings members and organizers really type,
//! through the engine on a real database. A word no slot of the command reads makes the
//! reply a question naming it (with the nearest valid word) and nothing is recorded; a
//! typo never becomes a value.

mod common;

use common::*;
use convoca::chat::Platform;
use convoca::console::render;
use convoca::engine::{Command, Engine, Reply, Request, Tone};
use convoca::locale::Locale;
use convoca::store::{OccurrenceRef, Outcome};

/// A Saturday before the December meeting (Monday 2026-12-07, 5:00 pm EST).
const NOW: &str = "2026-11-28T15:00:00Z";

/// Shipped content with the rally limited to one place, and every public count exact.
fn content() -> tempfile::TempDir {
    let dir = copy_of_shipped();
    let group = dir.path().join("group.toml");
    let text = std::fs::read_to_string(&group).unwrap().replace("public_floor = 3", "public_floor = 1");
    std::fs::write(&group, text).unwrap();
    let path = dir.path().join("campaigns/jilamito.toml");
    let text = std::fs::read_to_string(&path).unwrap().replace("slug = \"rally\"", "slug = \"rally\"\ncapacity = 1");
    std::fs::write(&path, text).unwrap();
    dir
}

async fn said(engine: &Engine, who: &str, text: &str, locale: Locale, organizer: bool) -> Reply {
    let mut req = Request::new(&convoca::discord::ABILITIES, who, who, Command::parse(text), at(NOW));
    req.locale = locale;
    req.organizer = organizer;
    req.channel = Some("general".into());
    engine.handle(&req).await
}

async fn member(engine: &Engine, text: &str) -> String {
    render(&said(engine, "ana", text, Locale::En, false).await)
}

/// What Ana said about the letter, as the store has it.
async fn letter_outcome(engine: &Engine) -> Option<Outcome> {
    let user = convoca::chat::User { platform: Platform::Discord, id: "ana".into(), name: "ana".into() };
    let signups = engine.store().signups_of(&user).await.unwrap();
    signups.into_iter().find(|s| s.action == "letter").and_then(|s| s.outcome)
}

#[tokio::test]
async fn not_yet_is_never_recorded_as_done_and_other_words_are_questioned() {
    let dir = content();
    for (db, store) in stores().await {
        let engine = engine_with(dir.path(), store);
        member(&engine, "/signup jilamito letter").await;
        let reply = member(&engine, "/done jilamito letter not yet").await;
        assert!(!reply.contains("you did"), "{db}: {reply}");
        assert_eq!(letter_outcome(&engine).await, Some(Outcome::NotYet), "{db}: {reply}");

        for (typed, near) in [("notyt", Some("not yet")), ("maybe", None), ("couldnt yes", None)] {
            let reply = said(&engine, "ana", &format!("/done jilamito letter {typed}"), Locale::En, false).await;
            let text = render(&reply);
            assert_eq!(reply.tone, Tone::Refusal, "{db} {typed}: {text}");
            let first = typed.split(' ').find(|w| !["couldnt"].contains(w)).unwrap();
            assert!(text.contains(&format!("I didn't understand `{first}`")), "{db} {typed}: {text}");
            assert!(text.contains("so I did nothing"), "{text}");
            if let Some(near) = near {
                assert!(text.contains(&format!("Did you mean `{near}`?")), "{db} {typed}: {text}");
            }
            assert!(text.contains("`done`, `not yet`, `couldn't`"), "{db} {typed}: {text}");
            assert_eq!(letter_outcome(&engine).await, Some(Outcome::NotYet), "{db}: {typed} changed nothing");
        }

        // Spanish, two words, with nothing else: the open question, not a campaign called "no".
        let reply = render(&said(&engine, "ana", "/hecho todavía no", Locale::Es, false).await);
        assert!(!reply.contains("campaña llamada `no`"), "{db}: {reply}");
        assert_eq!(letter_outcome(&engine).await, Some(Outcome::NotYet), "{db}: {reply}");
        member(&engine, "/done jilamito letter couldn't").await;
        assert_eq!(letter_outcome(&engine).await, Some(Outcome::Couldnt), "{db}");
        member(&engine, "/done jilamito letter").await;
        assert_eq!(letter_outcome(&engine).await, Some(Outcome::Done), "{db}");
    }
}

#[tokio::test]
async fn dates_are_dates_within_the_published_calendar() {
    let dir = content();
    let engine = engine_with(dir.path(), sqlite_store().await);
    let next = OccurrenceRef { meeting: "monthly".into(), date: "2026-12-07".parse().unwrap() };
    for (typed, says) in [
        ("/going monthly jan", "I didn't understand `jan` in `/going`"),
        ("/going monthly 9999-12-06", "I didn't understand `9999-12-06`"),
        ("/going 2026-12-07 2027-01-04", "I didn't understand `2027-01-04`"),
        ("/going monthly weekly", "I didn't understand `monthly weekly`"),
        // January 1, 2029 is a first Monday, past the two years of dates the calendar shows.
        ("/going monthly 2029-01-01", "answers are taken up to"),
        ("/notgoing tomorrow", "a date like 2027-01-04"),
    ] {
        let reply = said(&engine, "ana", typed, Locale::En, false).await;
        assert_eq!(reply.tone, Tone::Refusal, "{typed}");
        assert!(render(&reply).contains(says), "{typed}: {}", render(&reply));
    }
    assert_eq!(engine.store().rsvp_counts(&next).await.unwrap(), (0, 0), "nothing recorded");
    let far = OccurrenceRef { meeting: "monthly".into(), date: "2029-01-01".parse().unwrap() };
    assert_eq!(engine.store().rsvp_counts(&far).await.unwrap(), (0, 0));
    let ok = member(&engine, "/going monthly 2028-11-06").await;
    assert!(ok.contains("November 6, 2028"), "{ok}");
}

#[tokio::test]
async fn with_a_one_off_meeting_added_going_alone_means_the_next_regular_meeting() {
    let dir = content();
    let engine = engine_with(dir.path(), sqlite_store().await);
    let added = render(&organizer(&engine, "/addmeeting 2026-12-02 18:00 Teach-in on Honduras", at(NOW)).await);
    assert!(added.contains("teach-in-on-honduras"), "{added}");
    for text in ["/going", "/notgoing"] {
        let reply = member(&engine, text).await;
        assert!(reply.contains("LA/CWG monthly meeting") && reply.contains("December 7"), "{text}: {reply}");
    }
    let list = render(&organizer(&engine, "/attendees", at(NOW)).await);
    assert!(list.contains("December 7"), "{list}");
    // The one-off is reached by its name.
    let teach_in = member(&engine, "/going teach-in-on-honduras").await;
    assert!(teach_in.contains("December 2"), "{teach_in}");
}

#[tokio::test]
async fn organizer_changes_that_make_no_sense_are_refused_and_nothing_is_stored() {
    let dir = content();
    for (db, store) in stores().await {
        let engine = engine_with(dir.path(), store);
        let typo = organizer(&engine, "/addmeeting 2027-01-23 18:00 90m Europe/Mdrid Typo zone", at(NOW)).await;
        let text = render(&typo);
        assert!(text.contains("I didn't understand `Europe/Mdrid`"), "{db}: {text}");
        assert!(text.contains("Did you mean `Europe/Madrid`?"), "{db}: {text}");
        assert!(engine.store().extra_meetings().await.unwrap().is_empty(), "{db}");
        // Spelt right, in any case, it is the zone and not the title.
        let right =
            render(&organizer(&engine, "/addmeeting 2027-01-23 18:00 90m europe/madrid Madrid call", at(NOW)).await);
        assert!(right.contains("Added **Madrid call** (`madrid-call`)") && right.contains("CET"), "{db}: {right}");

        let past = render(&organizer(&engine, "/move 2027-03-01 2020-01-01 18:00", at(NOW)).await);
        assert!(past.contains("has already passed"), "{db}: {past}");
        let onto = render(&organizer(&engine, "/move 2026-12-07 2027-01-04", at(NOW)).await);
        assert!(onto.contains("already meets on Monday, January 4, 2027"), "{db}: {onto}");
        let earlier = render(&organizer(&engine, "/addmeeting 2026-11-01 18:00 Too late", at(NOW)).await);
        assert!(earlier.contains("has already passed"), "{db}: {earlier}");
        assert!(engine.store().changes().await.unwrap().is_empty(), "{db}: no change stored");
        let pm = render(&organizer(&engine, "/addmeeting 2027-01-20 6:00 PM Teach-in", at(NOW)).await);
        assert!(pm.contains("I didn't understand `6:00 PM`") && pm.contains("Did you mean `18:00`?"), "{db}: {pm}");
        let cet = render(&organizer(&engine, "/addmeeting 2027-02-15 18:00 90min Teach-in", at(NOW)).await);
        assert!(cet.contains("a length like 90m"), "{db}: {cet}");
        assert_eq!(engine.store().extra_meetings().await.unwrap().len(), 1, "{db}: only the Madrid call");

        let first = organizer(&engine, "/cancel 2026-12-07", at(NOW)).await;
        assert_eq!(first.tone, Tone::Done, "{db}");
        let again = organizer(&engine, "/cancel 2026-12-07", at(NOW)).await;
        assert_ne!(again.tone, Tone::Done, "{db}");
        assert!(render(&again).contains("is already cancelled"), "{db}: {}", render(&again));

        // Found by trying it: past dates, dates past the calendar, moves that change nothing,
        // the same meeting added twice.
        let over = render(&organizer(&engine, "/cancel 2026-11-02", at(NOW)).await);
        assert!(over.contains("is over"), "{db}: {over}");
        let revived = render(&organizer(&engine, "/move 2026-11-02 2026-12-01 18:00", at(NOW)).await);
        assert!(revived.contains("is over"), "{db}: {revived}");
        let far = render(&organizer(&engine, "/move 2027-01-04 2030-01-14 18:00", at(NOW)).await);
        assert!(far.contains("further ahead than the calendar goes"), "{db}: {far}");
        let same = render(&organizer(&engine, "/move 2027-01-04 17:00", at(NOW)).await);
        assert!(same.contains("already takes place") && same.contains("nothing changed"), "{db}: {same}");
        assert_eq!(engine.store().changes().await.unwrap().len(), 1, "{db}: only the cancellation");
        let twice = "/addmeeting 2027-02-19 18:00 90m Teach-in";
        assert_eq!(organizer(&engine, twice, at(NOW)).await.tone, Tone::Done, "{db}");
        let again = render(&organizer(&engine, twice, at(NOW)).await);
        assert!(again.contains("is already on the calendar"), "{db}: {again}");
        // A moved date is reached by its new date too.
        assert_eq!(organizer(&engine, "/move 2027-02-01 2027-02-03 18:00", at(NOW)).await.tone, Tone::Done, "{db}");
        let by_new_date = render(&organizer(&engine, "/cancel 2027-02-03", at(NOW)).await);
        assert!(by_new_date.contains("Cancelled") && by_new_date.contains("February 1"), "{db}: {by_new_date}");

        let arabic = render(&organizer(&engine, "/addmeeting 2027-01-23 18:00 اجتماع طارئ", at(NOW)).await);
        assert!(arabic.contains("**اجتماع طارئ** (`meeting-2027-01-23`)"), "{db}: {arabic}");
        let again = render(&organizer(&engine, "/addmeeting 2027-01-23 19:00 اجتماع", at(NOW)).await);
        assert!(again.contains("(`meeting-2027-01-23-2027-01-23`)"), "{db}: {again}");
        let titles: Vec<String> = engine.store().extra_meetings().await.unwrap().into_iter().map(|m| m.title).collect();
        assert!(titles.contains(&"اجتماع طارئ".to_string()), "{db}: {titles:?}");
    }
}

#[tokio::test]
async fn counts_agree_in_both_languages() {
    let dir = content();
    let engine = engine_with(dir.path(), sqlite_store().await);
    member(&engine, "/signup jilamito rally").await;
    let en = render(&said(&engine, "bo", "/signup jilamito rally", Locale::En, false).await);
    assert!(en.contains("The only place for") && !en.contains("All 1 places"), "{en}");
    let es = render(&said(&engine, "cy", "/apuntarme jilamito rally", Locale::Es, false).await);
    assert!(es.contains("El único lugar de") && !es.contains("Los 1 lugares"), "{es}");
    let public = render(&said(&engine, "dee", "/campaign jilamito", Locale::En, false).await);
    assert!(public.contains("1 of 1 place") && !public.contains("1 places"), "{public}");
    let publico = render(&said(&engine, "dee", "/campaña jilamito", Locale::Es, false).await);
    assert!(publico.contains("1 de 1 lugar") && !publico.contains("1 lugares"), "{publico}");
}

#[tokio::test]
async fn invisible_characters_and_backticks_are_not_echoed() {
    let dir = content();
    let engine = engine_with(dir.path(), sqlite_store().await);
    let reply = member(&engine, "/campaign jil\u{202E}otimalij").await;
    assert!(!reply.contains('\u{202E}'), "{reply:?}");
    let reply = member(&engine, "/campaign a`[Verify](https://evil.example)`").await;
    // The word stays inside one code span: it cannot close it and become a link.
    assert!(reply.contains("`a[verify](https://evil.example)`"), "{reply}");
    assert_eq!(reply.matches('`').count() % 2, 0, "{reply}");
    let added =
        render(&organizer(&engine, "/addmeeting 2027-01-23 18:00 \u{2067}Vigil\u{2069} for Berta", at(NOW)).await);
    assert!(added.contains("**Vigil for Berta**"), "{added:?}");
    // A display name with an override in it reaches organizers without it.
    said(&engine, "eve", "/signup jilamito letter", Locale::En, false).await;
    let mut req = Request::new(
        &convoca::discord::ABILITIES,
        "mal",
        "Mal\u{202E}lory",
        Command::parse("/signup jilamito"),
        at(NOW),
    );
    req.channel = Some("general".into());
    engine.handle(&req).await;
    let roster = render(&organizer(&engine, "/signups jilamito", at(NOW)).await);
    assert!(roster.contains("Mallory") && !roster.contains('\u{202E}'), "{roster:?}");
    let csv = organizer(&engine, "/export jilamito", at(NOW)).await.attachment.expect("a CSV file");
    assert!(!String::from_utf8_lossy(&csv.data).contains('\u{202E}'));
}

#[tokio::test]
async fn other_commands_take_their_words_or_ask() {
    let dir = content();
    let engine = engine_with(dir.path(), sqlite_store().await);
    member(&engine, "/going").await;
    for (typed, says) in [
        ("/forgetme confirmm", "Did you mean `confirm`?"),
        ("/myreminders of", "Did you mean `off`?"),
        ("/mycalendar now", "I didn't understand `now`"),
        ("/place declin jilamito rally", "Did you mean `decline`?"),
        ("/signup jilamito letter please", "I didn't understand `letter please`"),
        ("/mission now", "It takes nothing more there"),
    ] {
        let reply = said(&engine, "ana", typed, Locale::En, false).await;
        assert_eq!(reply.tone, Tone::Refusal, "{typed}");
        assert!(render(&reply).contains(says), "{typed}: {}", render(&reply));
    }
    let next = OccurrenceRef { meeting: "monthly".into(), date: "2026-12-07".parse().unwrap() };
    assert_eq!(engine.store().rsvp_counts(&next).await.unwrap(), (1, 0), "forgetme confirmm erased nothing");
    let leter = member(&engine, "/signup jilamto").await;
    assert!(leter.contains("Did you mean `/signup jilamito`?"), "{leter}");
    let leter = member(&engine, "/signup jilamito leter").await;
    assert!(leter.contains("Did you mean `/signup jilamito letter`?"), "{leter}");
    let spanish = render(&said(&engine, "ana", "/olvidame confirmo", Locale::Es, false).await);
    assert!(spanish.contains("¿Quisiste decir `confirmar`?"), "{spanish}");
    let remind = render(&organizer(&engine, "/remind hre", at(NOW)).await);
    assert!(remind.contains("Did you mean `here`?"), "{remind}");
    assert!(engine.store().subscriptions().await.unwrap().is_empty());
}

#[tokio::test]
async fn not_yet_and_couldnt_need_a_sign_up_and_record_none() {
    let dir = content();
    let engine = engine_with(dir.path(), sqlite_store().await);
    for how in ["couldnt", "not yet"] {
        let reply = said(&engine, "zed", &format!("/done jilamito letter {how}"), Locale::En, false).await;
        assert_eq!(reply.tone, Tone::Refusal, "{how}");
        assert!(render(&reply).contains("You're not signed up for"), "{}", render(&reply));
    }
    let roster = engine.store().roster("jilamito").await.unwrap();
    assert!(roster.iter().all(|e| e.user_id != "zed"), "nothing recorded: {roster:?}");
}

#[tokio::test]
async fn small_public_numbers_say_a_few() {
    // The shipped floor: 3.
    let dir = copy_of_shipped();
    let path = dir.path().join("campaigns/jilamito.toml");
    let text = std::fs::read_to_string(&path).unwrap().replace("slug = \"rally\"", "slug = \"rally\"\ncapacity = 2");
    std::fs::write(&path, text).unwrap();
    let engine = engine_with(dir.path(), sqlite_store().await);
    let public = |engine: Engine| async move {
        render(&said(&engine, "stranger", "/campaign jilamito", Locale::En, false).await)
    };
    let meeting =
        |engine: Engine| async move { render(&said(&engine, "stranger", "/meeting", Locale::En, false).await) };
    for who in ["a", "b"] {
        said(&engine, who, "/signup jilamito letter", Locale::En, false).await;
        said(&engine, who, "/signup jilamito rally", Locale::En, false).await;
        said(&engine, who, "/going", Locale::En, false).await;
        said(&engine, who, "/done jilamito letter", Locale::En, false).await;
    }
    said(&engine, "c", "/signup jilamito rally", Locale::En, false).await;
    let text = public(engine.clone()).await;
    assert!(text.contains("Write to your members of Congress **a few**"), "{text}");
    assert!(text.contains("at Simonds' headquarters **full**"), "{text}");
    assert!(!text.contains("Done so far") && !text.contains("waiting"), "{text}");
    assert!(meeting(engine.clone()).await.contains("**a few going**"));
    said(&engine, "c", "/signup jilamito letter", Locale::En, false).await;
    said(&engine, "c", "/going", Locale::En, false).await;
    assert!(public(engine.clone()).await.contains("Write to your members of Congress **3**"));
    assert!(meeting(engine.clone()).await.contains("**3 going**"));
    let es = render(&said(&engine, "d", "/campaña jilamito", Locale::Es, false).await);
    assert!(es.contains("**completo**"), "{es}");
}

#[tokio::test]
async fn what_the_second_trial_found_is_questioned_or_refused_and_nothing_is_stored() {
    let dir = content();
    let engine = engine_with(dir.path(), sqlite_store().await);
    // Restoring a date that is over, or onto a day the meeting now meets, is refused.
    organizer(&engine, "/cancel 2026-12-07", at(NOW)).await;
    let mut later = Request::new(
        &convoca::discord::ABILITIES,
        "org",
        "org",
        Command::parse("/uncancel 2026-12-07"),
        at("2026-12-10T15:00:00Z"),
    );
    later.organizer = true;
    let over = render(&engine.handle(&later).await);
    assert!(over.contains("is over"), "{over}");
    assert_eq!(organizer(&engine, "/move 2027-01-04 2027-01-06 17:00", at(NOW)).await.tone, Tone::Done);
    assert_eq!(organizer(&engine, "/move 2027-02-01 2027-01-04 17:00", at(NOW)).await.tone, Tone::Done);
    let clash = render(&organizer(&engine, "/uncancel 2027-01-04", at(NOW)).await);
    assert!(clash.contains("already meets on"), "{clash}");
    // A one-off may be moved later than its own date (the calendar publishes only it).
    assert_eq!(organizer(&engine, "/addmeeting 2026-12-02 18:00 Quick call", at(NOW)).await.tone, Tone::Done);
    let later = organizer(&engine, "/move quick-call 2026-12-02 2026-12-03 18:00", at(NOW)).await;
    assert_eq!(later.tone, Tone::Done, "{}", render(&later));
    let twin = render(&organizer(&engine, "/addmeeting 2026-12-03 18:00 Quick-call.", at(NOW)).await);
    assert!(twin.contains("is already on the calendar"), "{twin}");
    // A zone that only looks like one is asked about, with no misleading suggestion.
    let gmt = render(&organizer(&engine, "/addmeeting 2027-02-15 18:00 GMT+1 Call", at(NOW)).await);
    assert!(gmt.contains("`GMT+1`") && !gmt.contains("Etc/"), "{gmt}");
    let extras = engine.store().extra_meetings().await.unwrap();
    assert_eq!(extras.len(), 1, "only the quick call: {extras:?}");

    // /done naming a campaign and not the action asks, when it would have to choose.
    member(&engine, "/signup jilamito letter").await;
    member(&engine, "/signup jilamito rally").await;
    member(&engine, "/done jilamito letter").await;
    let which = member(&engine, "/done jilamito").await;
    assert!(which.contains("Which action"), "{which}");
    let user = convoca::chat::User { platform: Platform::Discord, id: "ana".into(), name: "ana".into() };
    let rally = engine.store().signups_of(&user).await.unwrap().into_iter().find(|s| s.action == "rally");
    assert_eq!(rally.and_then(|s| s.outcome), None, "the rally was not guessed");
    let none = render(&said(&engine, "zed", "/done jilamito done", Locale::En, false).await);
    assert!(none.contains("Which action"), "{none}");
    assert!(engine.store().roster("jilamito").await.unwrap().iter().all(|e| e.user_id != "zed"));
    // The suggestion names the command typed; a place answer with a misspelt campaign says so.
    let going = member(&engine, "/going mothly").await;
    assert!(going.contains("Did you mean `/going monthly`?"), "{going}");
    let place = member(&engine, "/place accept jilamto").await;
    assert!(place.contains("There is no campaign called `jilamto`"), "{place}");
    // Invisible tags and fillers are dropped like changes.
    let tagged = member(&engine, "/campaign ab\u{E0041}\u{3164}cd").await;
    assert!(tagged.contains("`abcd`"), "{tagged:?}");
    let es = render(&said(&engine, "con", "/olvidame", Locale::Es, false).await);
    assert!(!es.contains("this terminal"), "{es}");
}
