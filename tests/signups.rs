//! Sign-ups and organizer tools through the engine, on SQLite and PostgreSQL: privacy,
//! refusals, changes shown by `meeting` and the calendar feed.

mod common;

use common::*;
use convoca::agenda::{Agenda, ics};
use convoca::calendar::Lead;
use convoca::chat::Platform;
use convoca::console::render;
use convoca::engine::{Command, Engine, Reply, Request, Tone, Visibility};
use convoca::locale::Locale;

const NOW: &str = "2026-11-28T15:00:00Z";

fn as_user(text: &str, id: &str, name: &str, organizer: bool) -> Request {
    let mut req = Request::new(&convoca::discord::ABILITIES, id, name, Command::parse(text), at(NOW));
    req.organizer = organizer;
    req.channel = Some("general".into());
    req
}

async fn say(engine: &Engine, text: &str, id: &str, name: &str, organizer: bool) -> Reply {
    engine.handle(&as_user(text, id, name, organizer)).await
}

async fn engines() -> Vec<(&'static str, Engine)> {
    stores().await.into_iter().map(|(db, store)| (db, engine_with(&shipped(), store))).collect()
}

#[tokio::test]
async fn sign_up_twice_count_roster_export_withdraw_forget() {
    for (db, engine) in engines().await {
        let r = say(&engine, "/signup jilamito petition", "111", "Ana Quiroga", false).await;
        assert_eq!((r.visibility, r.tone), (Visibility::Private, Tone::Done), "{db}");
        assert!(
            render(&r).contains("You're signed up for **Stop the Jilamito dam (Honduras)** — Sign the petition"),
            "{db}"
        );
        let again = render(&say(&engine, "/signup jilamito petition", "111", "Ana Quiroga", false).await);
        assert!(again.contains("already signed up"), "{db}: {again}");
        say(&engine, "/signup jilamito", "222", "Beto Funes", false).await;

        // The public campaign reply counts, and names no one.
        let public = say(&engine, "/campaign jilamito", "333", "Someone", false).await;
        let text = render(&public);
        assert_eq!(public.visibility, Visibility::Public);
        assert!(
            text.contains(
                "Signed up so far: Sign the petition to Simonds International **a few** · in general **a few**"
            ),
            "{db}: {text}"
        );
        assert!(!text.contains("Ana") && !text.contains("Beto"), "{db}: {text}");

        // Organizers see the roster and export it, privately.
        let roster = say(&engine, "/signups jilamito", "900", "Org", true).await;
        assert_eq!(roster.visibility, Visibility::Private);
        let text = render(&roster);
        assert!(text.contains("Ana Quiroga (discord,") && text.contains("Beto Funes (discord,"), "{db}: {text}");
        let export = say(&engine, "/export jilamito", "900", "Org", true).await;
        assert_eq!(export.visibility, Visibility::Private);
        let file = export.attachment.expect("a CSV file");
        assert_eq!(file.media_type, "text/csv");
        let mut csv = csv::Reader::from_reader(file.data.as_slice());
        let rows: Vec<csv::StringRecord> = csv.records().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), 2, "{db}");
        assert_eq!(&rows[1][2], "Ana Quiroga");
        assert_eq!(&rows[1][1], "petition");

        // Withdraw, then the count drops.
        let w = render(&say(&engine, "/withdraw jilamito", "111", "Ana Quiroga", false).await);
        assert!(w.contains("no longer signed up"), "{db}: {w}");
        let text = render(&say(&engine, "/campaign jilamito", "333", "Someone", false).await);
        assert!(text.contains("Signed up so far: in general **a few**"), "{db}: {text}");

        // forgetme asks first, then erases.
        let preview = render(&say(&engine, "/forgetme", "222", "Beto Funes", false).await);
        assert!(preview.contains("your name, 1 sign-up") && preview.contains("/forgetme confirm"), "{db}: {preview}");
        assert_eq!(engine.store().roster("jilamito").await.unwrap().len(), 1, "{db}: nothing erased before confirming");
        let done = render(&say(&engine, "/forgetme confirm", "222", "Beto Funes", false).await);
        assert!(done.contains("Erased: your name, 1 sign-up"), "{db}: {done}");
        assert!(engine.store().roster("jilamito").await.unwrap().is_empty(), "{db}");
    }
}

#[tokio::test]
async fn members_are_refused_organizer_data_politely() {
    for (db, engine) in engines().await {
        say(&engine, "/signup jilamito", "111", "Ana Quiroga", false).await;
        for cmd in [
            "/signups jilamito",
            "/export jilamito",
            "/cancel 2026-12-07",
            "/move 2026-12-07 18:00",
            "/addmeeting 2027-01-20 18:00 Party",
        ] {
            let r = say(&engine, cmd, "333", "Curious", false).await;
            let text = render(&r);
            assert_eq!((r.visibility, r.tone), (Visibility::Private, Tone::Refusal), "{db}: {cmd}");
            assert!(text.contains("only organizers can do that"), "{db}: {cmd}: {text}");
            assert!(!text.contains("Ana"), "{db}: {cmd}");
            assert!(r.attachment.is_none());
        }
        assert!(engine.store().changes().await.unwrap().is_empty(), "{db}: a refused change changes nothing");
    }
}

#[tokio::test]
async fn no_public_reply_ever_contains_a_name() {
    for (db, engine) in engines().await {
        let name = "Xochitl Zzyzx";
        say(&engine, "/signup jilamito rally", "111", name, false).await;
        say(&engine, "/signup cuba-sst", "111", name, false).await;
        let commands = [
            "/help",
            "/mission",
            "/meeting",
            "/campaign",
            "/campaign jilamito",
            "/campaign cuba-sst",
            "/coyuntura",
            "/signup jilamito rally",
            "/mysignups",
            "/signups jilamito",
            "/export jilamito",
            "/withdraw cuba-sst",
            "/forgetme",
            "/nonsense",
        ];
        for organizer in [false, true] {
            for asker in ["111", "222"] {
                for cmd in commands {
                    let r = say(&engine, cmd, asker, if asker == "111" { name } else { "Other" }, organizer).await;
                    if r.visibility == Visibility::Public {
                        assert!(!render(&r).contains("Xochitl"), "{db}: public reply to {cmd} names someone");
                    }
                }
            }
        }
    }
}

#[tokio::test]
async fn organizer_changes_show_in_meeting_and_in_the_feed() {
    for (db, engine) in engines().await {
        let org = |text: &'static str| say_org(&engine, text);
        async fn say_org_inner(engine: &Engine, text: &str) -> String {
            render(&say(engine, text, "900", "Org", true).await)
        }
        fn say_org<'a>(engine: &'a Engine, text: &'a str) -> impl std::future::Future<Output = String> + 'a {
            say_org_inner(engine, text)
        }
        let r = org("/cancel 2026-12-07").await;
        assert!(r.contains("Cancelled: **LA/CWG monthly meeting** on Monday, December 7, 2026"), "{db}: {r}");
        let r = org("/move monthly 2027-01-04 2027-01-11 18:00").await;
        assert!(r.contains("now takes place Monday, January 11, 2027, 6:00–7:30 PM EST"), "{db}: {r}");
        let r = org("/addmeeting 2027-01-20 18:30 2h America/Tegucigalpa Call with MADJ").await;
        assert!(
            r.contains("Added **Call with MADJ** (`call-with-madj`): Wednesday, January 20, 2027, 6:30–8:30 PM CST"),
            "{db}: {r}"
        );

        let meeting = render(&say(&engine, "/meeting", "333", "Member", false).await);
        let jan11 = meeting.find("Monday, January 11, 2027, 6:00–7:30 PM EST").expect("moved meeting shown");
        let jan20 =
            meeting.find("Wednesday, January 20, 2027, 6:30–8:30 PM CST").expect("one-off shown in its own zone");
        let feb1 = meeting.find("Monday, February 1, 2027, 5:00–6:30 PM EST").expect("regular meeting");
        assert!(jan11 < jan20 && jan20 < feb1, "{db}: in order: {meeting}");
        assert!(meeting.contains("The meeting of Monday, December 7, 2026 is cancelled."), "{db}");
        assert!(meeting.contains("Moved from Monday, January 4, 2027."), "{db}");

        let content = engine.content().current();
        let changes = engine.calendar_changes().await.unwrap();
        let feed = ics::write(
            &Agenda::new(&content, &changes),
            ics::FeedOptions { only: None, locale: Locale::En, now: at(NOW), alarm: Some(Lead::HOUR) },
        );
        let unfolded = feed.replace("\r\n ", "");
        let event = |uid: &str| {
            let start = unfolded.find(&format!("UID:{uid}")).unwrap_or_else(|| panic!("{uid} in feed"));
            unfolded[start..start + unfolded[start..].find("END:VEVENT").unwrap()].to_string()
        };
        assert!(event("monthly-20261207@la-cwg.convoca").contains("STATUS:CANCELLED"), "{db}");
        assert!(event("monthly-20270104@la-cwg.convoca").contains("DTSTART:20270111T230000Z"), "{db}");
        assert!(event("call-with-madj-20270120@la-cwg.convoca").contains("DTSTART:20270121T003000Z"), "{db}");

        // Uncancel restores the regular date.
        let r = org("/uncancel 2026-12-07").await;
        assert!(r.contains("Restored"), "{db}: {r}");
        let meeting = render(&say(&engine, "/meeting", "333", "Member", false).await);
        assert!(meeting.contains("Monday, December 7, 2026, 5:00–6:30 PM EST"), "{db}: {meeting}");
    }
}

#[tokio::test]
async fn calendar_commands_explain_bad_input() {
    let engine = engine_on(&shipped()).await;
    let cases = [
        ("/cancel", "Give the meeting's date"),
        ("/cancel 2026-12-08", "No meeting takes place on 2026-12-08"),
        ("/cancel monthly 2026-12-08", "does not meet on 2026-12-08"),
        ("/cancel weekly 2026-12-07", "There is no meeting called `weekly`"),
        ("/cancel 12/07", "I didn't understand `12/07` in `/cancel`, so I did nothing. There it takes a date like"),
        ("/move 2026-12-07 someday", "I didn't understand `someday` in `/move`"),
        ("/move 2027-03-01 2027-03-14 02:30", "does not exist in America/New_York"),
        ("/addmeeting tomorrow", "I didn't understand `tomorrow` in `/addmeeting`"),
        (
            "/addmeeting 2027-01-20 18:00",
            "`/addmeeting` needs more words, so I did nothing. It ends with the meeting's title, of up to 100 characters.",
        ),
        ("/signup", "Which campaign?"),
        ("/signup honduras", "There is no campaign called `honduras`"),
        ("/signup jilamito dance", "has no action called `dance`"),
        ("/uncancel 2026-12-07", "had no change to undo"),
    ];
    for (cmd, expected) in cases {
        let r = say(&engine, cmd, "900", "Org", true).await;
        let text = render(&r);
        assert!(text.contains(expected), "{cmd}: expected {expected:?} in\n{text}");
        assert_eq!(r.visibility, Visibility::Private, "{cmd}");
    }
    assert!(engine.store().changes().await.unwrap().is_empty());
}

#[tokio::test]
async fn spanish_sign_up_flow() {
    let engine = engine_on(&shipped()).await;
    let mut req = as_user("/apuntarme jilamito carta", "1", "Ana", false);
    req.locale = Locale::Es;
    let text = render(&engine.handle(&req).await);
    assert!(text.contains("no tiene ninguna acción llamada `carta`"), "{text}");
    req.command = Command::parse("/apuntarme jilamito letter");
    let text = render(&engine.handle(&req).await);
    assert!(
        text.contains("Te apuntaste a **Alto a la represa de Jilamito (Honduras)** — Escribe a tus representantes"),
        "{text}"
    );
    assert!(text.contains("`/retirarme jilamito letter` lo deshace"), "{text}");
    req.command = Command::parse("/misinscripciones");
    let text = render(&engine.handle(&req).await);
    assert!(text.contains("Tus inscripciones"), "{text}");
}

/// A moderator removing a member's ✅ neither withdraws them nor unties their sign-up from
/// reactions: a ✅ again, then taken back, withdraws.
#[tokio::test]
async fn a_moderators_removal_of_a_reaction_leaves_the_member_able_to_withdraw_by_reaction() {
    for (db, engine) in engines().await {
        let mut bob = Request::new(
            &convoca::matrix::ABILITIES,
            "@bob:hs",
            "Bob",
            Command::SignUp { campaign: Some("jilamito".into()), action: None },
            at(NOW),
        );
        bob.member = true;
        bob.asked = convoca::engine::Asked::Home;
        bob.channel = Some("!home:hs".into());
        assert_eq!(engine.sign_up_by_reaction(&bob, "$r1", "$campaign").await.tone, Tone::Done, "{db}");
        let moderator = convoca::chat::User { platform: Platform::Matrix, id: "@mod:hs".into(), name: "Mod".into() };
        assert!(engine.reaction_removed(&moderator, "$r1", Locale::En, at(NOW)).await.is_none(), "{db}");
        assert_eq!(engine.store().roster("jilamito").await.unwrap().len(), 1, "{db}: still signed up");
        // The record of $r1 stays with Bob's sign-up; a new ✅ is remembered too.
        engine.sign_up_by_reaction(&bob, "$r2", "$campaign").await;
        let withdrawn = engine.reaction_removed(&bob.user, "$r2", Locale::En, at(NOW)).await;
        assert!(withdrawn.is_some_and(|r| r.tone == Tone::Done), "{db}: taking the new ✅ back withdraws");
        assert!(engine.store().roster("jilamito").await.unwrap().is_empty(), "{db}");
    }
}

/// A channel the deployment set (`CONVOCA_REMINDER_CHANNELS`) is listed as such, and cannot
/// be turned off from chat: the answer says who can.
#[tokio::test]
async fn a_reminder_channel_set_by_the_deployment_is_listed_and_not_turned_off_from_chat() {
    let settings = convoca::engine::Settings {
        reminder_channels: vec!["discord:700000000000000001".into()],
        ..Default::default()
    };
    let content = convoca::content::ContentHandle::open(&shipped()).unwrap();
    let engine = Engine::new(content, sqlite_store().await, settings);
    let mut req = as_user("/remind list", "1", "Org", true);
    req.channel = Some("700000000000000001".into());
    let listed = convoca::console::render(&engine.handle(&req).await);
    assert!(listed.contains("(set in the bot's settings)"), "{listed}");
    req.command = Command::parse("/remind off");
    let off = engine.handle(&req).await;
    assert_eq!(off.tone, Tone::Refusal);
    assert!(convoca::console::render(&off).contains("CONVOCA_REMINDER_CHANNELS"));
    assert_eq!(engine.subscriptions().await.unwrap().len(), 1, "still every reminder there");
}
