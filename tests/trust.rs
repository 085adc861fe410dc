//! Authority comes from the group's home, never from the place a message arrives in: the
//! engine's rules for the three kinds of place, and bad input from organizers that must not
//! corrupt state. The platform halves (who is where, read from Discord and Matrix) are in
//! `discord.rs` and `matrix.rs`.

mod common;

use common::*;
use convoca::console::render;
use convoca::engine::{Asked, Command, Request, Tone, Visibility};
use convoca::locale::Locale;

const NOW: &str = "2026-12-01T15:00:00Z";

fn asked(text: &str, place: Asked, organizer: bool) -> Request {
    let mut req = Request::new(&convoca::discord::ABILITIES, "666", "Mallory", Command::parse(text), at(NOW));
    req.asked = place;
    req.organizer = organizer;
    req.space = Some("600000000000000001".into());
    req.channel = Some("600000000000000002".into());
    req
}

#[tokio::test]
async fn elsewhere_an_organizer_gets_public_answers_only_and_nothing_is_recorded() {
    let engine = engine_on(&shipped()).await;
    // Someone signed up at home.
    let mut beto = asked("/signup jilamito petition", Asked::Home, false);
    beto.user.id = "222".into();
    beto.user.name = "Beto".into();
    assert_eq!(engine.handle(&beto).await.tone, Tone::Done);

    for text in [
        "/signups jilamito",
        "/export jilamito",
        "/cancel 2026-12-07",
        "/move 2026-12-07 2026-12-08 18:00",
        "/uncancel 2026-12-07",
        "/addmeeting 2027-01-20 18:00 90m Teach-in",
        "/remind here",
        "/remind off",
        "/remind list",
        "/signup jilamito",
        "/withdraw jilamito",
        "/mysignups",
        "/forgetme confirm",
    ] {
        // Even an organizer of the home, and even when an adapter wrongly says so.
        let reply = engine.handle(&asked(text, Asked::Elsewhere, true)).await;
        let shown = render(&reply);
        assert_eq!(reply.tone, Tone::Refusal, "{text}: {shown}");
        assert!(shown.contains("I'm the bot of"), "{text}: {shown}");
        assert!(!shown.contains("Beto") && reply.attachment.is_none(), "{text}: {shown}");
    }
    let store = engine.store();
    assert!(store.changes().await.unwrap().is_empty(), "no calendar change");
    assert!(store.extra_meetings().await.unwrap().is_empty(), "no one-off meeting");
    assert!(store.subscriptions().await.unwrap().is_empty(), "no subscription");
    let roster = store.roster("jilamito").await.unwrap();
    assert_eq!(roster.len(), 1, "no sign-up recorded elsewhere, none withdrawn");

    // Public answers are given, without buttons that would ask for a sign-up there.
    let meeting = engine.handle(&asked("/meeting", Asked::Elsewhere, true)).await;
    assert!(render(&meeting).contains("Monday, December 7, 2026"), "{}", render(&meeting));
    let campaign = engine.handle(&asked("/campaign jilamito", Asked::Elsewhere, false)).await;
    assert_eq!(campaign.visibility, Visibility::Public);
    assert!(campaign.buttons.is_empty(), "no sign-up buttons elsewhere");
    let help = render(&engine.handle(&asked("/help", Asked::Elsewhere, true)).await);
    assert!(!help.contains("/signups"), "no organizer commands in help elsewhere: {help}");
}

#[tokio::test]
async fn in_the_direct_chat_organizer_commands_follow_home_standing_and_stay_private() {
    let engine = engine_on(&shipped()).await;
    let mut beto = asked("/signup jilamito petition", Asked::Home, false);
    beto.user.id = "222".into();
    beto.user.name = "Beto".into();
    engine.handle(&beto).await;

    let direct = |text: &str, organizer: bool| {
        let mut req = asked(text, Asked::Direct, organizer);
        req.space = None;
        req.channel = None;
        req
    };
    // A member with no standing in the home: refused, whatever the direct room says.
    for text in ["/signups jilamito", "/export jilamito", "/cancel 2026-12-07"] {
        let reply = engine.handle(&direct(text, false)).await;
        assert!(render(&reply).contains("only organizers"), "{text}: {}", render(&reply));
    }
    assert!(engine.store().changes().await.unwrap().is_empty());
    // An organizer of the home: answered, privately, even for a command that is public at home.
    let roster = engine.handle(&direct("/signups jilamito", true)).await;
    assert_eq!(roster.visibility, Visibility::Private);
    assert!(render(&roster).contains("Beto"), "{}", render(&roster));
    let meeting = engine.handle(&direct("/meeting", false)).await;
    assert_eq!(meeting.visibility, Visibility::Private);
    let cancel = engine.handle(&direct("/cancel 2026-12-07", true)).await;
    assert_eq!(cancel.tone, Tone::Done, "{}", render(&cancel));
    // A direct chat is no channel for reminders.
    let remind = engine.handle(&direct("/remind here", true)).await;
    assert_eq!(remind.tone, Tone::Refusal);
    assert!(engine.store().subscriptions().await.unwrap().is_empty());
    // Where each record was made is kept, and a start lists what was not made at home.
    let left = engine.store().leftovers(&["discord:700000000000000001".into()]).await.unwrap();
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!((left[0].kind, left[0].origin.as_str()), ("calendar change", "discord:dm"));
    assert!(engine.store().leftovers(&["discord:dm".into()]).await.unwrap().is_empty());
}

#[tokio::test]
async fn dates_far_away_are_refused_before_anything_is_stored() {
    let engine = engine_on(&shipped()).await;
    let organizer = |text: &str| {
        let mut req = request(text, Locale::En, at(NOW));
        req.organizer = true;
        req
    };
    for text in [
        "/move 2026-12-07 +262142-12-31 18:00",
        "/move 2026-12-07 2040-12-31 18:00",
        "/move 2026-12-07 1999-12-31T18:00",
        "/cancel 2045-12-04",
        "/cancel 1990-12-03",
        "/uncancel 9999-12-06",
        "/addmeeting 2199-01-20 18:00 Teach-in",
        "/addmeeting +262142-01-20 18:00 Teach-in",
        "/addmeeting 2027-01-20 18:00 60d Teach-in",
    ] {
        let reply = engine.handle(&organizer(text)).await;
        assert_eq!(reply.tone, Tone::Refusal, "{text}: {}", render(&reply));
    }
    assert!(engine.store().changes().await.unwrap().is_empty());
    assert!(engine.store().extra_meetings().await.unwrap().is_empty());
    // Nine years ahead is still fine.
    let ok = engine.handle(&organizer("/addmeeting 2035-06-20 18:00 Far ahead")).await;
    assert_eq!(ok.tone, Tone::Done, "{}", render(&ok));
    let meeting = render(&ask(&engine, "/meeting", Locale::En, at(NOW)).await);
    assert!(meeting.contains("Monday, December 7, 2026"), "{meeting}");
}

#[tokio::test]
async fn a_stored_value_out_of_range_never_breaks_later_answers() {
    // As an older version could leave it: a move to year +262142, a one-off meeting a
    // million minutes long and one at year 262142.
    let engine = engine_on(&shipped()).await;
    let pool = engine.store().pool();
    sqlx::query(
        "INSERT INTO occurrence_changes (meeting, occurrence_date, kind, moved_to, created_by, created_at)
         VALUES ('monthly', '2026-12-07', 'move', '+262142-12-31T18:00', 'discord:666', 0)",
    )
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO extra_meetings (slug, title, starts_local, duration_minutes, time_zone, created_by, created_at)
         VALUES ('huge', 'Huge', '2027-01-20T18:00', 9000000000000, 'America/New_York', NULL, 0),
                ('far', 'Far', '+262142-01-20T18:00', 60, 'America/New_York', NULL, 0)",
    )
    .execute(pool)
    .await
    .unwrap();
    let changes = engine.calendar_changes().await.expect("the calendar still loads");
    let content = engine.content().current();
    let agenda = convoca::agenda::Agenda::new(&content, &changes);
    assert!(!agenda.upcoming(convoca::agenda::Which::All, at(NOW), 5, convoca::agenda::Cancelled::Kept).is_empty());
    let meeting = render(&ask(&engine, "/meeting", Locale::En, at(NOW)).await);
    assert!(meeting.contains("Monday, December 7, 2026"), "the bad move is left out: {meeting}");
}

#[tokio::test]
async fn exported_cells_cannot_run_as_formulas_and_names_stay_literal() {
    let engine = engine_on(&shipped()).await;
    for (id, name) in
        [("1", "=HYPERLINK(\"http://x\",\"y\")"), ("2", "**Bold** [link](http://x) @everyone"), ("3", "+1")]
    {
        let mut req = request("/signup jilamito petition", Locale::En, at(NOW));
        req.user.id = id.into();
        req.user.name = name.into();
        assert_eq!(engine.handle(&req).await.tone, Tone::Done);
    }
    let mut export = request("/export jilamito", Locale::En, at(NOW));
    export.organizer = true;
    let csv = String::from_utf8(engine.handle(&export).await.attachment.unwrap().data).unwrap();
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
    assert!(csv.contains(",'+1,"), "{csv}");
    assert!(!csv.lines().any(|l| l.split(',').any(|c| c.starts_with(['=', '+', '-', '@']))), "{csv}");

    let mut roster = request("/signups jilamito", Locale::En, at(NOW));
    roster.organizer = true;
    let reply = engine.handle(&roster).await;
    let markdown: String = reply
        .blocks
        .iter()
        .filter_map(|b| match b {
            convoca::engine::Block::List { items, .. } => Some(items.join("\n")),
            _ => None,
        })
        .collect();
    assert!(markdown.contains(r"\*\*Bold\*\* \[link\]\(http\:"), "{markdown}");
    assert!(markdown.contains(r"\@everyone") && !markdown.contains("[link](http"), "{markdown}");
    // Plain text shows the name as written.
    assert!(render(&reply).contains("**Bold** [link](http://x) @everyone"), "{}", render(&reply));
}

#[tokio::test]
async fn a_home_alias_stays_pinned_to_its_first_room() {
    use convoca::store::Pin;
    for (db, store) in stores().await {
        let now = at(NOW);
        assert_eq!(store.pin_alias("#lacwg:example.org", "!home:example.org", now).await.unwrap(), Pin::New, "{db}");
        assert_eq!(store.pin_alias("#lacwg:example.org", "!home:example.org", now).await.unwrap(), Pin::Same, "{db}");
        // Someone claimed the alias for a room of theirs: refused, the first room stays home.
        assert_eq!(
            store.pin_alias("#lacwg:example.org", "!theirs:example.org", now).await.unwrap(),
            Pin::Changed { pinned: "!home:example.org".into() },
            "{db}"
        );
        assert_eq!(store.pinned_alias("#lacwg:example.org").await.unwrap().as_deref(), Some("!home:example.org"));
        assert_eq!(store.pinned_alias("#other:example.org").await.unwrap(), None);
    }
}

#[tokio::test]
async fn matrix_help_says_a_reaction_is_seen_by_the_room() {
    let engine = engine_on(&shipped()).await;
    let req = request("/help", Locale::En, at(NOW)).asked_on(&convoca::matrix::ABILITIES);
    let help = render(&engine.handle(&req).await);
    assert!(help.contains("everyone in the room sees a reaction"), "{help}");
    assert!(help.contains("!signup <campaign>"), "the private way, as typed on Matrix: {help}");
    // Discord has buttons and ephemeral answers: no such note there.
    let req = req.asked_on(&convoca::discord::ABILITIES);
    assert!(!render(&engine.handle(&req).await).contains("reaction"));
}

/// On Matrix, where nothing is seen by one person alone in a shared room, the engine decides
/// once what is said where: a refusal of a public question in place, but in the direct room
/// every answer stays private (the adapter then checks the room holds the two of them alone).
#[tokio::test]
async fn on_matrix_a_refusal_in_the_direct_room_stays_private_and_at_home_is_said_in_place() {
    let engine = engine_on(&shipped()).await;
    let on_matrix = |text: &str, place: Asked| {
        let mut req = asked(text, place, false).asked_on(&convoca::matrix::ABILITIES);
        if place == Asked::Direct {
            req.channel = None;
        }
        req
    };
    // "done" with nothing signed up: a refusal that names the person's own sign-ups when any.
    let direct = engine.handle(&on_matrix("!done", Asked::Direct)).await;
    assert_eq!(direct.tone, Tone::Refusal);
    assert_eq!(direct.visibility, Visibility::Private, "{}", render(&direct));
    // A refusal of a public question at home carries nothing private: said in place.
    let home = engine.handle(&on_matrix("!campaign nosuch", Asked::Home)).await;
    assert_eq!(home.visibility, Visibility::Public, "{}", render(&home));
    // A personal command's refusal at home stays private, with a pointer left in the room.
    let personal = engine.handle(&on_matrix("!done", Asked::Home)).await;
    assert_eq!((personal.visibility, personal.pointer), (Visibility::Private, true), "{}", render(&personal));
}

#[tokio::test]
async fn the_reaction_hint_is_given_only_where_a_reaction_signs_up() {
    let dir = copy_of_shipped();
    let path = dir.path().join("campaigns/jilamito.toml");
    let text = std::fs::read_to_string(&path).unwrap().replace("# public_reactions = false", "public_reactions = true");
    std::fs::write(&path, text).unwrap();
    let engine = engine_on(dir.path()).await;
    let hint = "React with ✅";
    let mut req = asked("!campaign jilamito", Asked::Home, false).asked_on(&convoca::matrix::ABILITIES);
    assert!(render(&engine.handle(&req).await).contains(hint));
    req.asked = Asked::Direct;
    req.channel = None;
    assert!(!render(&engine.handle(&req).await).contains(hint), "a reaction in the direct room signs nobody up");
    let discord = asked("/campaign jilamito", Asked::Home, false);
    assert!(!render(&engine.handle(&discord).await).contains(hint), "Discord has buttons, not reactions");
}

#[tokio::test]
async fn a_deployment_reminder_channel_is_written_to_in_its_declared_language() {
    let dir = copy_of_shipped();
    let group = dir.path().join("group.toml");
    let text = std::fs::read_to_string(&group).unwrap();
    // Written with capitals: a list's address is the same list however it is written.
    std::fs::write(&group, format!("{text}\n[channel_languages]\n\"mail:Lista@Example.org\" = \"es\"\n")).unwrap();
    let settings = convoca::engine::Settings {
        reminder_channels: vec!["mail:lista@example.org".into(), "mail:list@example.org".into()],
        ..Default::default()
    };
    let engine = convoca::engine::Engine::new(
        convoca::content::ContentHandle::open(dir.path()).unwrap(),
        sqlite_store().await,
        settings,
    );
    let subs = engine.subscriptions().await.unwrap();
    let locale = |c: &str| subs.iter().find(|s| s.channel == c).map(|s| s.locale);
    assert_eq!(locale("mail:lista@example.org"), Some(Locale::Es));
    assert_eq!(locale("mail:list@example.org"), Some(Locale::En));
}
