//! Several groups from one bot on Matrix, against a real Synapse on 127.0.0.1: each group's
//! room answers for that group, standing in one group's room is worth nothing in another's,
//! the organization's room lists the groups, a direct chat asks which group, and a group
//! added to the content while the bot runs is joined (its home a space, whose rooms count).
//!
//! One bot for the whole scenario: Synapse tests are slow to set up.

mod common;

use common::member::{Member, Seen};
use common::org::{GroupSpec, write_group, write_root};
use common::synapse::Synapse;
use common::*;
use convoca::config::MatrixConfig;
use convoca::engine::{Engine, FloodLimit, Organization, Settings};
use convoca::group_id::GroupId;
use convoca::matrix::Matrix;
use matrix_sdk::ruma::events::reaction::ReactionEventContent;
use matrix_sdk::ruma::events::relation::Annotation;
use matrix_sdk::ruma::{OwnedRoomId, RoomId, UserId};

/// Says `cmd` in `room` as `who` and waits for the bot's reply to it.
async fn ask(who: &Member, bot: &UserId, room: &RoomId, cmd: &str) -> Seen {
    let asked = who.say(room, cmd).await;
    who.wait(cmd, |m| m.sender == bot && m.in_reply_to.as_ref() == Some(&asked)).await
}

/// The bot's private message to `who`, in a room other than `not_in`, that `f` matches.
async fn private(who: &Member, bot: &UserId, not_in: &RoomId, what: &str, f: impl Fn(&Seen) -> bool) -> Seen {
    who.wait(what, |m| m.sender == bot && m.room != not_in && f(m)).await
}

fn engine(org: &Organization, slug: &str) -> Engine {
    org.group(&GroupId::named(slug)).unwrap_or_else(|| panic!("no group {slug}"))
}

/// Nothing an organizer does is recorded in `group`: no calendar change, no subscription,
/// no sign-up.
async fn untouched(org: &Organization, slug: &str) {
    let store = engine(org, slug).store().clone();
    assert!(store.changes().await.unwrap().is_empty(), "{slug}: a calendar change");
    assert!(store.subscriptions().await.unwrap().is_empty(), "{slug}: a subscription");
    assert!(store.extra_meetings().await.unwrap().is_empty(), "{slug}: a one-off meeting");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_group_answers_in_its_own_rooms_and_authority_never_crosses_groups() {
    let Some(hs) = Synapse::start().await else { return };
    for (user, password) in [("convoca", "bot-password"), ("boss", "boss-pw"), ("olga", "olga-pw"), ("dana", "dana-pw")]
    {
        hs.register(user, password, false);
    }
    // Boss makes every room (a creator outranks everyone: Boss organizes everywhere). Olga
    // organizes LA/CWG (power 50 in its room) and is a plain member of Sur's; Dana is a
    // member of both.
    let boss = Member::login(&hs, "boss", "boss-pw").await;
    let olga = Member::login(&hs, "olga", "olga-pw").await;
    let dana = Member::login(&hs, "dana", "dana-pw").await;
    let bot = UserId::parse(hs.user_id("convoca")).unwrap();
    let (o, d) = (olga.user_id(), dana.user_id());
    let everyone = [&*bot, &*o, &*d];
    let lacwg_room = boss.create_room_as(&everyone, Some("lacwg"), &[(&o, 50)], false, false).await;
    let sur_room = boss.create_room_as(&everyone, Some("sur"), &[], false, false).await;
    let west_room = boss.create_room_as(&[&bot], Some("west"), &[], false, false).await;
    let lobby = boss.create_room_as(&everyone, Some("spa-lobby"), &[], false, false).await;
    let space = boss.create_room_as(&everyone, Some("spa"), &[], false, true).await;
    let [lacwg_room, sur_room, west_room, lobby, space]: [OwnedRoomId; 5] =
        [lacwg_room, sur_room, west_room, lobby, space].map(|r| r.room_id().to_owned());
    // The organization's space holds the groups' rooms and its own lobby.
    for child in [&lacwg_room, &sur_room, &lobby] {
        boss.add_child(&space, child).await;
    }
    for room in [&lacwg_room, &sur_room, &lobby, &space] {
        for member in [&o, &d] {
            boss.wait_joined(room, member).await;
        }
    }

    // The content: three groups, each at home in its own room (by alias, or by id), the
    // organization in its space.
    let root = tempfile::tempdir().unwrap();
    let mut lacwg = GroupSpec::new("lacwg", "LA/CWG");
    lacwg.matrix = vec!["#lacwg:localhost".into()];
    let mut sur = GroupSpec::new("sur", "Grupo Sur");
    sur.language = "es";
    sur.zone = "America/Tegucigalpa";
    sur.matrix = vec![sur_room.to_string()];
    let mut west = GroupSpec::new("west", "West Group");
    west.zone = "America/Los_Angeles";
    west.matrix = vec![west_room.to_string()];
    write_root(root.path(), &[], None, &["#spa:localhost".into()], &[lacwg, sur, west]);
    let edit = |file: &str, from: &str, to: &str| {
        let path = root.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file}: {from}");
        std::fs::write(&path, text.replace(from, to)).unwrap();
    };
    // LA/CWG takes sign-ups by ✅; Sur does not.
    edit("groups/lacwg/campaigns/jilamito.toml", "partners = [", "public_reactions = true\npartners = [");

    // One person asks many questions here, one after the other: no flood limit in the way.
    let flood = FloodLimit { burst: 0, every: std::time::Duration::from_secs(1) };
    let settings = Settings { flood, ..Default::default() };
    let org = Organization::open(root.path(), sqlite_store().await, settings).expect("the content loads");
    let config = MatrixConfig {
        homeserver: Some(hs.url.clone()),
        user: Some("convoca".into()),
        password: Some("bot-password".parse().unwrap()),
        access_token: None,
        store_path: tempfile::tempdir().unwrap().keep(),
        // The homes are the content's.
        home: Vec::new(),
        organizer_power: 50,
        store_passphrase: None,
    };
    let running = Matrix::start(&config, org.clone()).await.unwrap();
    for room in [&lacwg_room, &sur_room, &west_room, &space] {
        assert!(running.homes.contains(room), "{room} is a home: {:?}", running.homes);
        boss.wait_joined(room, &bot).await;
    }
    // The lobby is home as a room of the organization's space.
    boss.wait_joined(&lobby, &bot).await;
    assert_eq!(running.group_homes(&GroupId::named("lacwg")), vec![lacwg_room.clone()]);

    // Each room answers for its own group: its meeting, in its zone and language.
    let r = ask(&olga, &bot, &lacwg_room, "!meeting").await;
    assert!(r.body.contains("LA/CWG monthly meeting") && r.body.contains("PM E"), "{}", r.body);
    let r = ask(&boss, &bot, &west_room, "!meeting").await;
    assert!(r.body.contains("West Group monthly meeting") && r.body.contains("PM P"), "{}", r.body);
    let r = ask(&dana, &bot, &sur_room, "!reunión").await;
    assert!(r.body.contains("Reunión mensual de Grupo Sur") && r.body.contains("p. m."), "{}", r.body);
    // A word both languages share is answered in the group's own.
    let r = ask(&dana, &bot, &sur_room, "!coyuntura").await;
    assert!(r.body.contains("Todavía no hay análisis de coyuntura"), "{}", r.body);
    let r = ask(&dana, &bot, &lacwg_room, "!coyuntura").await;
    assert!(r.body.contains("There are no briefings yet"), "{}", r.body);
    // A group's members-only link goes to its own members only: Dana is joined to LA/CWG's
    // and Sur's rooms, not West's (the bot's reminder sender asks about one group).
    {
        use convoca::reminders::Sender;
        let sender = running.sender();
        let dana_id = dana.user_id().to_string();
        assert_eq!(sender.still_member(&dana_id, &GroupId::named("lacwg")).await, Some(true));
        assert_eq!(sender.still_member(&dana_id, &GroupId::named("west")).await, Some(false));
    }

    // A sign-up in LA/CWG's room is LA/CWG's, typed or by ✅; Sur's roster stays empty.
    dana.say(&lacwg_room, "!signup jilamito petition").await;
    private(&dana, &bot, &lacwg_room, "Dana's confirmation", |m| m.body.contains("You're signed up")).await;
    let campaign = ask(&dana, &bot, &lacwg_room, "!campaign jilamito").await;
    assert!(campaign.body.contains("React with ✅"), "{}", campaign.body);
    let reaction = ReactionEventContent::new(Annotation::new(campaign.event_id.clone(), "✅".into()));
    dana.client.get_room(&lacwg_room).unwrap().send(reaction).await.unwrap();
    until("the ✅ signed Dana up for LA/CWG", PATIENCE, async || {
        engine(&org, "lacwg").store().roster("jilamito").await.unwrap().len() == 2
    })
    .await;
    let lacwg_roster = engine(&org, "lacwg").store().roster("jilamito").await.unwrap();
    assert!(lacwg_roster.iter().all(|e| e.user_id == "@dana:localhost"), "{lacwg_roster:?}");
    assert!(engine(&org, "sur").store().roster("jilamito").await.unwrap().is_empty());

    // Olga organizes LA/CWG: in its room she gets its roster, privately (which opens her
    // direct room with the bot).
    let asked = olga.say(&lacwg_room, "!signups jilamito").await;
    let roster = private(&olga, &bot, &lacwg_room, "LA/CWG's roster", |m| m.body.contains("Sign-ups:")).await;
    assert!(roster.body.contains("dana (matrix"), "{}", roster.body);
    let olga_dm = roster.room.clone();
    olga.wait("the pointer", |m| m.sender == bot && m.in_reply_to.as_ref() == Some(&asked)).await;

    // In Sur's room, where she is a member with power 0, she is nobody's organizer; nor in
    // the organization's lobby.
    let organizers_only = [
        "!signups jilamito",
        "!export jilamito",
        "!attendees",
        "!cancel 2026-12-07",
        "!move 2027-01-04 2027-01-11 18:00",
        "!uncancel 2027-02-01",
        "!addmeeting 2027-01-20 18:00 90m Teach-in",
        "!remind here",
    ];
    for room in [&sur_room, &lobby] {
        for cmd in organizers_only {
            let r = ask(&olga, &bot, room, cmd).await;
            assert!(r.body.contains("only organizers"), "{cmd} in {room}: {}", r.body);
            assert!(!r.body.contains("dana"), "{cmd} in {room}: {}", r.body);
        }
    }
    // In her direct room: asked which group first, then refused for Sur.
    let r = ask(&olga, &bot, &olga_dm, "!signups jilamito").await;
    assert!(r.body.contains("You're in several groups") && r.body.contains("SUR"), "{}", r.body);
    let r = ask(&olga, &bot, &olga_dm, "!group sur").await;
    assert!(r.body.contains("Grupo Sur"), "{}", r.body);
    for cmd in organizers_only.iter().filter(|c| !c.starts_with("!remind")) {
        let r = ask(&olga, &bot, &olga_dm, cmd).await;
        assert!(r.body.contains("only organizers"), "{cmd} in the direct room: {}", r.body);
        assert!(!r.body.contains("dana"), "{cmd} in the direct room: {}", r.body);
    }
    let r = ask(&olga, &bot, &olga_dm, "!remind here").await;
    assert!(!r.body.contains("now gets reminders"), "{}", r.body);
    untouched(&org, "sur").await;
    untouched(&org, "lacwg").await;
    untouched(&org, "west").await;
    // Her own group answers her there once chosen.
    ask(&olga, &bot, &olga_dm, "!group lacwg").await;
    let r = ask(&olga, &bot, &olga_dm, "!signups jilamito").await;
    assert!(r.body.contains("dana (matrix"), "{}", r.body);

    // The organization's room lists the groups; its organizer (Boss, who made it) gets counts
    // across groups, never names.
    let r = ask(&dana, &bot, &lobby, "!groups").await;
    for name in ["LA/CWG", "Grupo Sur", "West Group"] {
        assert!(r.body.contains(name), "{name}: {}", r.body);
    }
    boss.say(&lobby, "!signups jilamito").await;
    let counts = private(&boss, &bot, &lobby, "the counts", |m| m.body.contains("across the groups")).await;
    assert!(counts.body.contains("LACWG") && !counts.body.contains("dana"), "{}", counts.body);

    // Dana, in LA/CWG's and Sur's rooms, is asked which group her direct chat is for.
    let dana_dm =
        private(&dana, &bot, &lacwg_room, "Dana's direct room", |m| m.body.contains("You're signed up")).await.room;
    let r = ask(&dana, &bot, &dana_dm, "!meeting").await;
    assert!(r.body.contains("You're in several groups"), "{}", r.body);
    let r = ask(&dana, &bot, &dana_dm, "!group sur").await;
    assert!(r.body.contains("Grupo Sur"), "{}", r.body);
    let r = ask(&dana, &bot, &dana_dm, "!meeting").await;
    assert!(r.body.contains("Grupo Sur monthly meeting"), "{}", r.body);

    // A fourth group, added while the bot runs: its home a space (open to join), whose room
    // is joined and answers for it; a room added to the space later too.
    let youth_space = boss.create_room_as(&[], Some("youth"), &[], true, true).await.room_id().to_owned();
    let youth_room = boss.create_room_as(&[], Some("youth-general"), &[], true, false).await.room_id().to_owned();
    boss.add_child(&youth_space, &youth_room).await;
    let mut youth = GroupSpec::new("youth", "Youth Group");
    youth.matrix = vec!["#youth:localhost".into()];
    write_group(root.path(), &youth);
    assert_eq!(org.reload().added, vec![GroupId::named("youth")]);
    boss.wait_joined(&youth_room, &bot).await;
    let r = ask(&boss, &bot, &youth_room, "!meeting").await;
    assert!(r.body.contains("Youth Group monthly meeting"), "{}", r.body);
    let later = boss.create_room_as(&[], Some("youth-later"), &[], true, false).await.room_id().to_owned();
    boss.add_child(&youth_space, &later).await;
    boss.wait_joined(&later, &bot).await;
    let r = ask(&boss, &bot, &later, "!meeting").await;
    assert!(r.body.contains("Youth Group monthly meeting"), "{}", r.body);
    // Nothing Olga asked elsewhere reached LA/CWG's store either: one sign-up person, Dana.
    assert_eq!(engine(&org, "lacwg").store().roster("jilamito").await.unwrap().len(), 2);
    running.stop().await;
}
