//! The bot in Matrix rooms, against a real Synapse on 127.0.0.1: invited, asked, signed up by
//! command and by reaction, private answers in direct rooms, an encrypted room, reminders
//! with transaction ids, and the homeserver restarting under it.

mod common;

use std::sync::Arc;

use chrono::Duration;
use common::member::Member;
use common::synapse::Synapse;
use common::*;
use convoca::config::MatrixConfig;
use convoca::engine::Engine;
use convoca::matrix::Matrix;
use matrix_sdk::ruma::UserId;
use matrix_sdk::ruma::events::reaction::ReactionEventContent;
use matrix_sdk::ruma::events::relation::Annotation;

struct World {
    hs: Synapse,
    engine: Engine,
    bot: Matrix,
    bot_id: String,
    alice: Member,
    bob: Member,
    config: MatrixConfig,
    /// The group's home room: Alice created it (so she is its creator: an organizer), with Bob
    /// (power 0) and the bot, under the alias `#lacwg:localhost`.
    home: matrix_sdk::ruma::OwnedRoomId,
}

fn bot_config(hs: &Synapse, store: &std::path::Path) -> MatrixConfig {
    MatrixConfig {
        homeserver: Some(hs.url.clone()),
        user: Some("convoca".into()),
        password: Some("bot-password".parse().unwrap()),
        access_token: None,
        store_path: store.to_path_buf(),
        home: vec!["#lacwg:localhost".into()],
        organizer_power: 50,
        store_passphrase: Some("a passphrase for the test store".parse().unwrap()),
    }
}

/// A reminder scheduler posting through the world's bot on a hand-moved clock set just
/// before the next meeting's one-hour reminder; with the next `n` occurrences.
async fn matrix_scheduler(
    w: &World,
    n: usize,
) -> (
    Vec<convoca::calendar::Occurrence>,
    convoca::reminders::ManualClock,
    tokio::sync::watch::Receiver<convoca::reminders::Status>,
    tokio::sync::watch::Sender<bool>,
    tokio::task::JoinHandle<()>,
) {
    use convoca::reminders::{ManualClock, Scheduler, SchedulerConfig, Senders};
    let content = w.engine.content().current();
    let changes = w.engine.calendar_changes().await.unwrap();
    let agenda = convoca::agenda::Agenda::new(&content, &changes);
    let next = agenda.upcoming(convoca::agenda::Which::All, chrono::Utc::now(), n, convoca::agenda::Cancelled::Skipped);
    let clock = ManualClock::new(next[0].start - Duration::hours(1) - Duration::seconds(5));
    let senders = Senders::new().with(&convoca::matrix::ABILITIES, Arc::new(w.bot.sender()));
    let scheduler = Scheduler::new(w.engine.clone(), senders, Arc::new(clock.clone()), SchedulerConfig::default());
    let status = scheduler.status();
    let (stop, rx) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(scheduler.run(rx));
    (next, clock, status, stop, task)
}

async fn world() -> Option<World> {
    world_with(false).await
}

/// Shipped content in which the Jilamito campaign takes sign-ups by ✅ reaction.
fn reacting() -> tempfile::TempDir {
    let dir = copy_of_shipped();
    let path = dir.path().join("campaigns/jilamito.toml");
    let text = std::fs::read_to_string(&path).unwrap().replace("partners = [", "public_reactions = true\npartners = [");
    std::fs::write(&path, text).unwrap();
    dir
}

/// A world whose Jilamito campaign takes sign-ups by reaction.
async fn world_reacting() -> Option<(World, tempfile::TempDir)> {
    let dir = reacting();
    let w = world_full(false, None, convoca::engine::Settings::default(), dir.path()).await?;
    Some((w, dir))
}

async fn world_with(encrypted: bool) -> Option<World> {
    world_via(encrypted, None).await
}

/// A world whose bot reaches the homeserver through `proxy` (members go direct).
async fn world_via(encrypted: bool, proxy: Option<&common::http_proxy::HttpProxy>) -> Option<World> {
    world_settings(encrypted, proxy, convoca::engine::Settings::default()).await
}

/// A world whose engine has these settings.
async fn world_settings(
    encrypted: bool,
    proxy: Option<&common::http_proxy::HttpProxy>,
    settings: convoca::engine::Settings,
) -> Option<World> {
    world_full(encrypted, proxy, settings, &shipped()).await
}

/// A world answering from the content in `content`.
async fn world_full(
    encrypted: bool,
    proxy: Option<&common::http_proxy::HttpProxy>,
    settings: convoca::engine::Settings,
    content: &std::path::Path,
) -> Option<World> {
    let hs = Synapse::start().await?;
    hs.register("convoca", "bot-password", false);
    hs.register("alice", "alice-password", false);
    hs.register("bob", "bob-password", false);
    let alice = Member::login(&hs, "alice", "alice-password").await;
    let bob = Member::login(&hs, "bob", "bob-password").await;
    let bot_id = hs.user_id("convoca");
    let bot_user = UserId::parse(&bot_id).unwrap();
    let home = alice.create_room_with(&[&bot_user, &bob.user_id()], encrypted, Some("lacwg"), false).await;
    let home = home.room_id().to_owned();
    alice.wait_joined(&home, &bob.user_id()).await;
    let content = convoca::content::ContentHandle::open(content).unwrap();
    let engine = Engine::new(content, sqlite_store().await, settings);
    let mut config = bot_config(&hs, &tempfile::tempdir().unwrap().keep());
    if let Some(p) = proxy {
        p.aim(&hs.url);
        config.homeserver = Some(p.url.clone());
    }
    let bot = Matrix::start(&config, engine.clone()).await.unwrap();
    assert_eq!(bot.homes, vec![home.clone()], "the alias is resolved to the home room");
    alice.wait_joined(&home, &bot_user).await;
    Some(World { hs, engine, bot, bot_id, alice, bob, config, home })
}

impl World {
    /// The home room (encrypted when the world was made so).
    async fn room(&self, _encrypted: bool) -> matrix_sdk::ruma::OwnedRoomId {
        self.home.clone()
    }
}

fn from_bot<'a>(bot_id: &'a str, room: &'a matrix_sdk::ruma::RoomId) -> impl Fn(&common::member::Seen) -> bool + 'a {
    move |m| m.sender.as_str() == bot_id && m.room == room
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_ask_sign_up_and_react_organizers_get_rosters_in_private() {
    let Some((w, _content)) = world_reacting().await else { return };
    let room = w.room(false).await;

    // !meeting, answered as a notice replying to the question, with an HTML body.
    let asked = w.alice.say(&room, "!meeting").await;
    let reply = w
        .alice
        .wait("the meeting reply", |m| from_bot(&w.bot_id, &room)(m) && m.in_reply_to.as_ref() == Some(&asked))
        .await;
    assert_eq!(reply.msgtype, "m.notice");
    assert!(reply.body.contains("LA/CWG monthly meeting") && reply.body.contains("PM E"), "{}", reply.body);
    assert!(reply.html.as_deref().unwrap_or("").contains("<h4>"), "{:?}", reply.html);

    // Spanish, from the command word.
    let asked = w.bob.say(&room, "!reunión").await;
    let reply =
        w.bob.wait("la respuesta", |m| from_bot(&w.bot_id, &room)(m) && m.in_reply_to.as_ref() == Some(&asked)).await;
    assert!(reply.body.contains("Reunión mensual del GT-ALC") && reply.body.contains("p. m."), "{}", reply.body);

    // !signup: recorded, confirmed privately in a direct room, pointed at in the room.
    w.bob.say(&room, "!signup jilamito petition").await;
    let dm = w
        .bob
        .wait("the private confirmation", |m| {
            m.sender.as_str() == w.bot_id && m.room != room && m.body.contains("You're signed up")
        })
        .await;
    assert!(dm.body.contains("Sign the petition"), "{}", dm.body);
    let roster = w.engine.store().roster("jilamito").await.unwrap();
    assert_eq!(roster.len(), 1);
    assert_eq!(
        (roster[0].user_id.as_str(), roster[0].platform.as_str(), roster[0].action.as_str()),
        ("@bob:localhost", "matrix", "petition")
    );
    w.bob
        .wait("the public pointer", |m| from_bot(&w.bot_id, &room)(m) && m.body.contains("I sent you the answer"))
        .await;

    // ✅ on the campaign message signs up; removing the reaction withdraws.
    let asked = w.bob.say(&room, "!campaign jilamito").await;
    let campaign = w
        .bob
        .wait("the campaign message", |m| from_bot(&w.bot_id, &room)(m) && m.in_reply_to.as_ref() == Some(&asked))
        .await;
    assert!(campaign.body.contains("React with ✅"), "{}", campaign.body);
    let bob_room = w.bob.client.get_room(&room).unwrap();
    let reaction = bob_room
        .send(ReactionEventContent::new(Annotation::new(campaign.event_id.clone(), "✅".into())))
        .await
        .unwrap()
        .response
        .event_id;
    until("the reaction did not sign up", std::time::Duration::from_secs(30), async || {
        w.engine.store().roster("jilamito").await.unwrap().len() >= 2
    })
    .await;
    let general = w.engine.store().roster("jilamito").await.unwrap().into_iter().find(|e| e.action.is_empty());
    assert_eq!(general.map(|e| e.user_id), Some("@bob:localhost".to_string()));
    // Confirmed in Bob's direct room only: nothing in the room points at him.
    w.bob
        .wait("the private confirmation of the reaction", |m| {
            m.sender.as_str() == w.bot_id
                && m.room != room
                && m.body.contains("You're signed up")
                && !m.body.contains("petition")
        })
        .await;
    // A thumbs-up is not a sign-up.
    let alice_room = w.alice.client.get_room(&room).unwrap();
    alice_room.send(ReactionEventContent::new(Annotation::new(campaign.event_id.clone(), "👍".into()))).await.unwrap();
    bob_room.redact(&reaction, None, None).await.unwrap();
    until("removing the reaction did not withdraw", std::time::Duration::from_secs(30), async || {
        w.engine.store().roster("jilamito").await.unwrap().len() == 1
    })
    .await;

    assert_eq!(
        w.bob.count(|m| from_bot(&w.bot_id, &room)(m) && m.body.contains("I sent you the answer")),
        1,
        "one pointer, for the typed !signup; none for the reactions"
    );
    assert!(w.engine.store().roster("jilamito").await.unwrap().iter().all(|e| e.user_id != "@alice:localhost"));
    // A member's !signups is refused; the room's creator (an organizer) gets the roster in a DM.
    w.bob.say(&room, "!signups jilamito").await;
    w.bob.wait("the refusal", |m| m.sender.as_str() == w.bot_id && m.body.contains("only organizers")).await;
    w.alice.say(&room, "!signups jilamito").await;
    let roster = w.alice.wait("the roster", |m| m.sender.as_str() == w.bot_id && m.body.contains("Sign-ups:")).await;
    assert_ne!(roster.room, room, "rosters go to a direct room");
    assert!(roster.body.contains("bob (matrix"), "{}", roster.body);
    assert_eq!(w.alice.count(|m| from_bot(&w.bot_id, &room)(m) && m.body.contains("@bob")), 0, "no name in the room");

    // Conversation is not a command; the bot's own messages are not answered.
    w.alice.say(&room, "meeting at the usual time?").await;
    let marker = w.alice.say(&room, "!help").await;
    w.alice.wait("help", |m| from_bot(&w.bot_id, &room)(m) && m.in_reply_to.as_ref() == Some(&marker)).await;
    assert_eq!(w.alice.count(|m| from_bot(&w.bot_id, &room)(m) && m.body.contains("usual time")), 0);

    // Several commands at once (often in one sync): every one answered, in the order asked.
    let mut asked = Vec::new();
    for cmd in ["!mission", "!campaign", "!coyuntura", "!help"] {
        asked.push(w.alice.say(&room, cmd).await);
    }
    let mut answered = Vec::new();
    for q in &asked {
        let a =
            w.alice.wait("each answer", |m| from_bot(&w.bot_id, &room)(m) && m.in_reply_to.as_ref() == Some(q)).await;
        answered.push((a.ts, a.event_id));
    }
    assert!(answered.windows(2).all(|p| p[0].0 <= p[1].0), "answers in the order asked: {answered:?}");
    w.bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_encrypted_room_round_trip() {
    let Some(w) = world_with(true).await else { return };
    let room = w.room(true).await;
    let asked = w.alice.say(&room, "!mission").await;
    let reply = w
        .alice
        .wait("the encrypted reply", |m| from_bot(&w.bot_id, &room)(m) && m.in_reply_to.as_ref() == Some(&asked))
        .await;
    assert!(reply.encrypted, "the reply must be encrypted");
    assert!(reply.body.contains("Latin America/Caribbean Working Group"), "{}", reply.body);
    w.bot.stop().await;
}

/// In an encrypted room the key travels encrypted: the device that posted finds it, and a
/// second process's device either reads it (when the room key was shared with it) or cannot
/// tell, and then the reminder is taken as posted; it is never reported missing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_an_encrypted_room_a_post_is_found_or_cannot_be_ruled_out_never_missed() {
    use convoca::reminders::{Found, Post, Sender};
    let Some(w) = world_with(true).await else { return };
    let room = w.room(true).await;
    let post = Post {
        to: convoca::reminders::To::Channel(room.to_string()),
        key: "encrypted-key".into(),
        reply: Arc::new(convoca::engine::Reply::public().titled("Reminder: encrypted").text("hello")),
        due: chrono::Utc::now(),
        late: false,
        locale: convoca::locale::Locale::En,
        calendar_domain: String::new(),
    };
    w.bot.sender().send(&post).await.unwrap();
    let seen =
        w.alice.wait("the post", |m| from_bot(&w.bot_id, &room)(m) && m.body.contains("Reminder: encrypted")).await;
    assert!(seen.encrypted);
    assert_eq!(w.bot.sender().find(&post).await.unwrap(), Found::Posted);
    // Another process: another device of the bot's account, with its own store.
    let other =
        Matrix::start(&bot_config(&w.hs, &tempfile::tempdir().unwrap().keep()), w.engine.clone()).await.unwrap();
    let verdict = other.sender().find(&post).await.unwrap();
    assert_ne!(verdict, Found::NotPosted, "an unreadable post of the bot's is never taken for no post");
    println!("second device: {verdict:?}");
    other.stop().await;
    w.bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminders_are_posted_as_text_with_the_key_as_transaction_id() {
    use convoca::reminders::{ManualClock, Post, Scheduler, SchedulerConfig, Sender, Senders, key_of};
    let Some(w) = world().await else { return };
    let room = w.room(false).await;
    w.alice.say(&room, "!remind here").await;
    w.alice.wait("the subscription", |m| m.sender.as_str() == w.bot_id && m.body.contains("now gets reminders")).await;

    let due = at("2026-12-06T22:00:00Z");
    let clock = ManualClock::new(due - Duration::seconds(5));
    let senders = Senders::new().with(&convoca::matrix::ABILITIES, Arc::new(w.bot.sender()));
    let scheduler = Scheduler::new(w.engine.clone(), senders, Arc::new(clock.clone()), SchedulerConfig::default());
    let mut status = scheduler.status();
    let (stop, rx) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(scheduler.run(rx));
    status.wait_for(|s| s.sleeping_until == Some(due - Duration::seconds(2))).await.unwrap();
    clock.set(due - Duration::seconds(2));
    status.wait_for(|s| s.in_flight == 1).await.unwrap();
    clock.set(due);
    let reminder = w
        .alice
        .wait("the reminder", |m| from_bot(&w.bot_id, &room)(m) && m.body.contains("Reminder: LA/CWG monthly meeting"))
        .await;
    assert_eq!(reminder.msgtype, "m.text", "reminders notify: m.text, not m.notice");
    status.wait_for(|s| s.sent == 1).await.unwrap();

    // The same key again (a retry after a crash): the homeserver keeps the first event.
    let key = key_of(&format!("meeting:monthly:2026-12-07:2026-12-07T22:00Z:1d:matrix:{room}"));
    let again = Post {
        to: convoca::reminders::To::Channel(room.to_string()),
        key,
        reply: Arc::new(convoca::engine::Reply::public().titled("Reminder: LA/CWG monthly meeting").text("again")),
        due,
        late: true,
        locale: convoca::locale::Locale::En,
        calendar_domain: String::new(),
    };
    w.bot.sender().send(&again).await.unwrap();
    let marker = w.alice.say(&room, "!help").await;
    w.alice.wait("a later message", |m| from_bot(&w.bot_id, &room)(m) && m.in_reply_to.as_ref() == Some(&marker)).await;
    assert_eq!(
        w.alice.count(|m| from_bot(&w.bot_id, &room)(m) && m.body.contains("Reminder: LA/CWG")),
        1,
        "one reminder, not two"
    );
    // The key is inside the event: a later attempt finds the post, and no other. (It looks
    // back to shortly before the due instant, by the homeserver's clock: the real one here.)
    let looked_for = Post { due: chrono::Utc::now(), ..again };
    assert_eq!(w.bot.sender().find(&looked_for).await.unwrap(), convoca::reminders::Found::Posted);
    let other = Post { key: "never-posted".into(), ..looked_for };
    assert_eq!(w.bot.sender().find(&other).await.unwrap(), convoca::reminders::Found::NotPosted);
    stop.send(true).unwrap();
    task.await.unwrap();
    w.bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bot_recovers_when_synapse_restarts_and_posts_what_fell_due_meanwhile() {
    use convoca::reminders::{ManualClock, Scheduler, SchedulerConfig, Senders};
    let Some(mut w) = world().await else { return };
    let room = w.room(false).await;
    w.alice.say(&room, "!remind here").await;
    w.alice.wait("the subscription", |m| m.sender.as_str() == w.bot_id && m.body.contains("now gets reminders")).await;
    let due = at("2026-12-06T22:00:00Z");
    let clock = ManualClock::new(due - Duration::seconds(5));
    let scheduler = Scheduler::new(
        w.engine.clone(),
        Senders::new().with(&convoca::matrix::ABILITIES, Arc::new(w.bot.sender())),
        Arc::new(clock.clone()),
        SchedulerConfig::default(),
    );
    let mut status = scheduler.status();
    let (stop, rx) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(scheduler.run(rx));
    status.wait_for(|s| s.sleeping_until.is_some()).await.unwrap();

    // The homeserver goes away; the reminder falls due while it is down.
    w.hs.stop();
    until("the bot never noticed", std::time::Duration::from_secs(60), async || !w.bot.state.link.is_up()).await;
    clock.set(due - Duration::seconds(2));
    clock.set(due);
    status.wait_for(|s| s.in_flight == 0 && s.sleeping_until == Some(due + Duration::seconds(30))).await.unwrap();

    // Back: the bot reconnects by itself, answers, and the retry posts the reminder.
    w.hs.restart().await;
    until("the bot never reconnected", std::time::Duration::from_secs(60), async || w.bot.state.link.reconnects() >= 1)
        .await;
    let asked = w.alice.say(&room, "!mission").await;
    w.alice
        .wait("an answer after the restart", |m| {
            from_bot(&w.bot_id, &room)(m) && m.in_reply_to.as_ref() == Some(&asked)
        })
        .await;
    clock.set(due + Duration::seconds(30));
    w.alice
        .wait("the reminder, late", |m| {
            from_bot(&w.bot_id, &room)(m) && m.body.contains("Reminder: LA/CWG monthly meeting")
        })
        .await;
    status.wait_for(|s| s.sent == 1).await.unwrap();
    stop.send(true).unwrap();
    task.await.unwrap();
    w.bot.stop().await;
    let _ = &w.config;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restarts_reuse_the_device_and_never_answer_history() {
    let Some(w) = world().await else { return };
    let room = w.room(false).await;
    let device = w.bot.client.device_id().unwrap().to_owned();
    w.bot.stop().await;
    // Asked while the bot was away: not answered when it comes back.
    let old = w.alice.say(&room, "!mission").await;
    let bot = Matrix::start(&w.config, w.engine.clone()).await.unwrap();
    assert_eq!(bot.client.device_id().unwrap(), device, "the same device, not a new one");
    let asked = w.alice.say(&room, "!help").await;
    w.alice
        .wait("a new question answered", |m| from_bot(&w.bot_id, &room)(m) && m.in_reply_to.as_ref() == Some(&asked))
        .await;
    assert_eq!(w.alice.count(|m| m.in_reply_to.as_ref() == Some(&old)), 0, "history is never answered");
    bot.stop().await;
    // The store is encrypted with the passphrase: another one does not open it.
    let mut wrong = w.config.clone();
    wrong.store_passphrase = Some("not the passphrase".parse().unwrap());
    let refused = Matrix::start(&wrong, w.engine.clone()).await.err().expect("a wrong passphrase is refused");
    assert!(format!("{refused:#}").contains("cannot open the Matrix store"), "{refused:#}");
    // A store made without a passphrase is not taken as encrypted when one is set later.
    let mut plain = w.config.clone();
    plain.store_path = tempfile::tempdir().unwrap().keep();
    plain.store_passphrase = None;
    Matrix::start(&plain, w.engine.clone()).await.unwrap().stop().await;
    plain.store_passphrase = Some("a passphrase set afterwards".parse().unwrap());
    let refused =
        Matrix::start(&plain, w.engine.clone()).await.err().expect("a plain store with a passphrase is refused");
    assert!(format!("{refused:#}").contains("was made without MATRIX_STORE_PASSPHRASE"), "{refused:#}");
}

/// Waits until the bot has left (declined) `room`, as `who` sees it.
async fn wait_declined(who: &Member, room: &matrix_sdk::ruma::RoomId, bot: &UserId) {
    until(&format!("the invitation to {room} declined"), PATIENCE, async || {
        let m = who.client.get_room(room).unwrap().get_member(bot).await.unwrap();
        m.is_some_and(|m| *m.membership() == matrix_sdk::ruma::events::room::member::MembershipState::Leave)
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_handled_without_spam() {
    let Some(w) = world().await else { return };
    w.hs.register("mallory", "mallory-password", false);
    let mallory = Member::login(&w.hs, "mallory", "mallory-password").await;
    let bot_id = UserId::parse(&w.bot_id).unwrap();

    // Invitations from someone who is not in the group's home are declined: a room of their
    // own, and a direct chat too.
    let theirs = mallory.create_room(&[&bot_id], false).await;
    wait_declined(&mallory, theirs.room_id(), &bot_id).await;
    let direct = mallory.create_room_with(&[&bot_id], false, None, true).await;
    wait_declined(&mallory, direct.room_id(), &bot_id).await;

    let room = w.home.clone();
    // 64 KB: one short refusal.
    // (Synapse refuses events over 64 KiB in all, so the body is a little under.)
    let huge = format!("!campaign {}", "x".repeat(63 * 1024));
    let asked = w.alice.say(&room, &huge).await;
    let reply = w.alice.wait("the refusal", |m| m.in_reply_to.as_ref() == Some(&asked)).await;
    assert!(reply.body.contains("too long") && reply.body.len() < 400, "{}", reply.body);
    // Malformed HTML in the question: the plain body is what counts.
    let r = w.alice.client.get_room(&room).unwrap();
    let content = serde_json::json!({"msgtype": "m.text", "body": "!mission", "format": "org.matrix.custom.html", "formatted_body": "<b><i>!mission</b"});
    let asked = r.send_raw("m.room.message", content).await.unwrap().response.event_id;
    w.alice.wait("an answer despite broken HTML", |m| m.in_reply_to.as_ref() == Some(&asked)).await;
    // The Kelvin sign lowercases to a one-byte k: no panic, and the message is simply not addressed.
    w.alice.say(&room, "convoca\u{212A}: help").await;
    let marker = w.alice.say(&room, "!help").await;
    w.alice.wait("help", |m| m.in_reply_to.as_ref() == Some(&marker)).await;
    assert_eq!(w.alice.count(|m| m.sender == bot_id && m.room == room), 3, "exactly one reply per command");
    w.bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_direct_room_gives_no_authority_and_rooms_that_are_not_home_get_public_answers_only() {
    let Some(w) = world().await else { return };
    let bot = UserId::parse(&w.bot_id).unwrap();
    let is_bot = |m: &common::member::Seen| m.sender.as_str() == w.bot_id;

    // Bob signs up at home; the bot opens a direct room with him, where he has power 100.
    w.bob.say(&w.home, "!signup jilamito petition").await;
    let dm = w
        .bob
        .wait("Bob's direct room", |m| is_bot(m) && m.room != w.home && m.body.contains("You're signed up"))
        .await
        .room;
    w.bob.wait_joined(&dm, &w.bob.user_id()).await;
    for cmd in ["!signups jilamito", "!export jilamito", "!cancel 2026-12-07"] {
        let asked = w.bob.say(&dm, cmd).await;
        let r = w.bob.wait(cmd, |m| is_bot(m) && m.in_reply_to.as_ref() == Some(&asked)).await;
        assert!(r.body.contains("only organizers"), "{cmd}: {}", r.body);
        assert!(!r.body.contains("bob (matrix"), "{cmd}: {}", r.body);
    }
    assert!(w.engine.store().changes().await.unwrap().is_empty(), "the meeting is untouched");

    // Alice organizes at home: in her direct room she gets the roster, privately.
    w.alice.say(&w.home, "!mysignups").await;
    let alice_dm = w.alice.wait("Alice's direct room", |m| is_bot(m) && m.room != w.home).await.room;
    w.alice.wait_joined(&alice_dm, &w.alice.user_id()).await;
    let asked = w.alice.say(&alice_dm, "!signups jilamito").await;
    let roster = w.alice.wait("the roster", |m| is_bot(m) && m.in_reply_to.as_ref() == Some(&asked)).await;
    assert!(roster.body.contains("bob (matrix"), "{}", roster.body);

    // A room of Alice's own with the bot and Bob (a direct chat from a home member, so the bot
    // joins; three people, so not the bot's direct chat): public answers only, for the
    // organizer too, and nothing recorded.
    let other = w.alice.create_room_with(&[&bot, &w.bob.user_id()], false, None, true).await;
    let other = other.room_id().to_owned();
    w.alice.wait_joined(&other, &bot).await;
    for (who, cmd) in [
        (&w.alice, "!signups jilamito"),
        (&w.alice, "!cancel 2026-12-07"),
        (&w.alice, "!remind here"),
        (&w.alice, "!signup jilamito"),
    ] {
        let asked = who.say(&other, cmd).await;
        let r = who.wait(cmd, |m| is_bot(m) && m.in_reply_to.as_ref() == Some(&asked)).await;
        assert!(r.body.contains("I'm the bot of"), "{cmd}: {}", r.body);
    }
    let asked = w.alice.say(&other, "!meeting").await;
    let r = w.alice.wait("a public answer", |m| is_bot(m) && m.in_reply_to.as_ref() == Some(&asked)).await;
    assert!(r.body.contains("LA/CWG monthly meeting"), "{}", r.body);
    let store = w.engine.store();
    assert!(store.changes().await.unwrap().is_empty());
    assert!(store.subscriptions().await.unwrap().is_empty());
    assert_eq!(store.roster("jilamito").await.unwrap().len(), 1);
    w.bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_from_one_member_gets_one_slow_down_then_silence() {
    // The bucket refills on the wall clock: one command a day keeps any refill out of the
    // test however slow the machine (the refill itself is tested with paused time in
    // engine::flood).
    let flood = convoca::engine::FloodLimit { burst: 8, every: std::time::Duration::from_secs(24 * 3600) };
    let settings = convoca::engine::Settings { flood, ..Default::default() };
    let Some(w) = world_settings(false, None, settings).await else { return };
    let bot_id = UserId::parse(&w.bot_id).unwrap();
    let room = w.home.clone();
    // All at once, as a script would.
    let asked = futures_util::future::join_all((0..14).map(|_| w.bob.say(&room, "!help"))).await;
    // Alice's questions are queued after all of Bob's: once the second is answered (asked
    // after the first was, so after every one of Bob's was taken from the sync), all of his
    // are.
    for _ in 0..2 {
        let marker = w.alice.say(&room, "!mission").await;
        w.alice.wait("Alice's answer", |m| m.in_reply_to.as_ref() == Some(&marker)).await;
    }
    let answered = asked
        .iter()
        .filter(|q| w.alice.count(|m| m.sender == bot_id && m.in_reply_to.as_ref() == Some(*q)) > 0)
        .count();
    let slow = w.alice.count(|m| m.sender == bot_id && m.body.contains("faster than I can answer"));
    let seen: Vec<String> = w
        .alice
        .seen
        .lock()
        .unwrap()
        .iter()
        .map(|m| format!("{}: {}", m.sender, m.body.lines().next().unwrap_or("")))
        .collect();
    assert_eq!((answered, slow), (9, 1), "eight answers, one slow down, then nothing; seen: {seen:#?}");
    w.bot.stop().await;
}

/// Waits (30 s at most) until the campaign's general roster is exactly `who`.
async fn wait_roster(engine: &Engine, who: &[&str]) {
    until(&format!("the roster {who:?}"), PATIENCE, async || {
        let mut now: Vec<String> = engine
            .store()
            .roster("jilamito")
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action.is_empty())
            .map(|e| e.user_id)
            .collect();
        now.sort();
        now == who
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reactions_added_and_removed_while_the_bot_was_away_are_applied_when_it_returns() {
    let Some((w, _content)) = world_reacting().await else { return };
    let room = w.home.clone();
    let asked = w.bob.say(&room, "!campaign jilamito").await;
    let campaign = w
        .bob
        .wait("the campaign message", |m| from_bot(&w.bot_id, &room)(m) && m.in_reply_to.as_ref() == Some(&asked))
        .await;
    let react = |member: &Member, key: &str| {
        let r = member.client.get_room(&room).unwrap();
        let content = ReactionEventContent::new(Annotation::new(campaign.event_id.clone(), key.into()));
        async move { r.send(content).await.unwrap().response.event_id }
    };
    let bobs = react(&w.bob, "✅").await;
    wait_roster(&w.engine, &["@bob:localhost"]).await;

    // The bot goes away. Bob takes his ✅ back, Alice adds one, and a 👍 is only applause.
    w.bot.stop().await;
    w.bob.client.get_room(&room).unwrap().redact(&bobs, None, None).await.unwrap();
    react(&w.alice, "✅").await;
    react(&w.alice, "👍").await;
    assert_eq!(w.engine.store().roster("jilamito").await.unwrap().len(), 1, "nothing applied while away");

    // Back: the roster matches the room, and each is told privately.
    let bot = Matrix::start(&w.config, w.engine.clone()).await.unwrap();
    wait_roster(&w.engine, &["@alice:localhost"]).await;
    w.alice
        .wait("Alice's private confirmation", |m| {
            m.sender.as_str() == w.bot_id && m.room != room && m.body.contains("You're signed up")
        })
        .await;
    w.bob
        .wait("Bob's private confirmation", |m| {
            m.sender.as_str() == w.bot_id && m.room != room && m.body.contains("no longer signed up")
        })
        .await;
    // A second start changes nothing more.
    bot.stop().await;
    let again = Matrix::start(&w.config, w.engine.clone()).await.unwrap();
    wait_roster(&w.engine, &["@alice:localhost"]).await;
    assert_eq!(
        w.alice.count(|m| m.sender.as_str() == w.bot_id && m.room != room && m.body.contains("You're signed up")),
        1
    );
    again.stop().await;
}

/// The homeserver fails in every way a reminder can meet: 500s, 429s, and sends that reach it
/// but whose answer is lost. Each attempt ends within its bound, the next one looks before
/// posting, and the room sees the reminder exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_homeserver_gets_each_reminder_exactly_once() {
    use common::http_proxy::{HttpProxy, Mode};
    use convoca::reminders::{ManualClock, SchedulerConfig};
    let proxy = HttpProxy::start().await;
    let Some(w) = world_via(false, Some(&proxy)).await else { return };
    let room = w.room(false).await;
    w.alice.say(&room, "!remind here").await;
    w.alice.wait("the subscription", |m| m.sender.as_str() == w.bot_id && m.body.contains("now gets reminders")).await;
    let due = at("2026-12-06T22:00:00Z");
    let clock = ManualClock::new(due - Duration::seconds(5));
    let mut run = common::scheduler::start_on(
        &w.engine,
        &convoca::matrix::ABILITIES,
        Arc::new(w.bot.sender()),
        Arc::new(clock.clone()),
        SchedulerConfig::default(),
    );
    run.status.wait_for(|s| s.sleeping_until.is_some()).await.unwrap();
    let mut attempt_at = due;
    // Each phase: the homeserver misbehaves, the attempt is cut off at its 10-second bound,
    // and the retry comes 30 seconds later.
    for mode in [Mode::Fail500, Mode::Fail429, Mode::LoseSendAnswers] {
        proxy.set(mode);
        let passes = run.status.borrow().passes;
        clock.set(attempt_at);
        // The attempt is under way: it reached the homeserver (the send itself, when the
        // point is that its answer is lost).
        let reached = || match mode {
            Mode::LoseSendAnswers => proxy.lost_sends(),
            _ => proxy.requests(mode),
        };
        until(&format!("an attempt in {mode:?}"), std::time::Duration::from_secs(20), async || reached() > 0).await;
        clock.set(attempt_at + Duration::seconds(10));
        let retry = attempt_at + Duration::seconds(40);
        common::scheduler::wait_status(&mut run.status, "attempt given up, retry planned", |s| {
            s.passes > passes && s.in_flight == 0 && s.sleeping_until == Some(retry)
        })
        .await;
        attempt_at = retry;
    }
    // The lost answer's send reached the homeserver: the room has the reminder already.
    proxy.set(Mode::Pass);
    clock.set(attempt_at);
    common::scheduler::wait_status(&mut run.status, "found, not posted again", |s| s.found == 1 && s.in_flight == 0)
        .await;
    let marker = w.alice.say(&room, "!help").await;
    w.alice.wait("a later answer", |m| from_bot(&w.bot_id, &room)(m) && m.in_reply_to.as_ref() == Some(&marker)).await;
    assert_eq!(
        w.alice.count(|m| from_bot(&w.bot_id, &room)(m) && m.body.contains("Reminder: LA/CWG monthly meeting")),
        1,
        "exactly once"
    );
    assert_eq!(run.status.borrow().sent, 0, "every attempt after the first was a look, and the look found it");
    run.stop.send(true).unwrap();
    run.handle.await.unwrap();
    w.bot.stop().await;
}

/// The Matrix sync loop killed by the fault hook comes back where it stopped: a question
/// asked while it was down is answered once it is back, and none twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_sync_loop_is_restarted_and_answers_what_came_meanwhile() {
    let Some(w) = world().await else { return };
    let room = w.home.clone();
    w.bot.stop().await;
    let supervisor = convoca::supervisor::Tasks::new();
    let bot = Matrix::start_supervised(&w.config, w.engine.clone(), &supervisor).await.unwrap();
    let mut changes = supervisor.changes();
    let up = |s: &convoca::supervisor::Tasks| s.states().get("matrix sync").is_some_and(|t| t.up);
    while !up(&supervisor) {
        changes.changed().await.unwrap();
    }
    assert!(supervisor.kill("matrix sync"));
    while up(&supervisor) {
        changes.changed().await.unwrap();
    }
    let asked = w.alice.say(&room, "!mission").await;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while !up(&supervisor) {
        assert!(tokio::time::timeout_at(deadline, changes.changed()).await.is_ok(), "never restarted");
    }
    assert_eq!(supervisor.states()["matrix sync"].restarts, 1);
    w.alice
        .wait("the answer after the restart", |m| {
            from_bot(&w.bot_id, &room)(m) && m.in_reply_to.as_ref() == Some(&asked)
        })
        .await;
    let marker = w.alice.say(&room, "!help").await;
    w.alice.wait("a later answer", |m| from_bot(&w.bot_id, &room)(m) && m.in_reply_to.as_ref() == Some(&marker)).await;
    assert_eq!(w.alice.count(|m| from_bot(&w.bot_id, &room)(m) && m.in_reply_to.as_ref() == Some(&asked)), 1);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn going_brings_a_private_reminder_in_the_encrypted_direct_room_and_a_new_room_when_left() {
    let Some(w) = world().await else { return };
    let room = w.room(false).await;
    // Bob answers in Spanish, in the home room: the answer goes to his direct room.
    w.bob.say(&room, "!voy").await;
    let answer = w
        .bob
        .wait("the private answer", |m| m.sender.as_str() == w.bot_id && m.room != room && m.body.contains("Vas a"))
        .await;
    let first_dm = answer.room.clone();
    assert_eq!(w.bob.count(|m| from_bot(&w.bot_id, &room)(m) && m.body.contains("Vas a")), 0, "nothing in the room");
    // !meeting in the room: a count and the hint, no name.
    let asked = w.alice.say(&room, "!meeting").await;
    let meeting = w
        .alice
        .wait("the meeting reply", |m| from_bot(&w.bot_id, &room)(m) && m.in_reply_to.as_ref() == Some(&asked))
        .await;
    assert!(meeting.body.contains("a few going") && meeting.body.contains("!going"), "{}", meeting.body);
    assert!(!meeting.body.contains("bob"), "{}", meeting.body);

    let (next, clock, mut status, stop, task) = matrix_scheduler(&w, 2).await;
    let due = next[0].start - Duration::hours(1);
    status.wait_for(|s| s.sleeping_until == Some(due - Duration::seconds(2))).await.unwrap();
    clock.set(due);
    let reminder =
        w.bob.wait("the personal reminder", |m| m.sender.as_str() == w.bot_id && m.body.contains("Recordatorio")).await;
    assert_eq!(reminder.room, first_dm, "the direct room he already shares with the bot");
    assert!(reminder.encrypted, "direct rooms are encrypted");
    assert!(reminder.body.contains("!misavisos no") && reminder.body.contains("!novoy monthly"), "{}", reminder.body);
    assert_eq!(w.alice.count(|m| m.sender.as_str() == w.bot_id && m.body.contains("Recordatorio")), 0, "Bob's alone");
    status.wait_for(|s| s.sent == 1 && s.in_flight == 0).await.unwrap();

    // Bob leaves the direct room; his next answer comes in a new one (opened once he asks,
    // after the bot has seen him leave), and so does the next reminder.
    w.bob.client.get_room(&first_dm).unwrap().leave().await.unwrap();
    w.bob.say(&room, &format!("!voy monthly {}", next[1].date)).await;
    let second_answer = w
        .bob
        .wait("the second answer", |m| {
            m.sender.as_str() == w.bot_id && m.body.contains("Vas a") && m.body.contains("enero") && m.room != room
        })
        .await;
    assert_ne!(second_answer.room, first_dm, "a new direct room");
    let due = next[1].start - Duration::hours(1);
    clock.set(due - Duration::minutes(5));
    status.wait_for(|s| s.sleeping_until == Some(due - Duration::seconds(2))).await.unwrap();
    clock.set(due);
    common::scheduler::wait_status(&mut status, "the second sent", |s| s.sent == 2 && s.in_flight == 0).await;
    let second = w
        .bob
        .wait("the next reminder", |m| {
            m.sender.as_str() == w.bot_id && m.body.contains("Recordatorio") && m.room != first_dm
        })
        .await;
    assert_eq!(second.room, second_answer.room, "the direct room he is in now");
    assert!(second.encrypted);
    stop.send(true).unwrap();
    task.await.unwrap();
    w.bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn did_you_do_it_comes_in_the_direct_room_and_a_reaction_or_a_bare_word_answers_it() {
    use convoca::reminders::{ManualClock, Scheduler, SchedulerConfig, Senders};
    // The petition asks a minute after signing it.
    let content = common::copy_of_shipped();
    let path = content.path().join("campaigns/jilamito.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("slug = \"petition\"", "slug = \"petition\"\nfollow_up = \"1m\"")).unwrap();
    let Some(w) = world_full(false, None, convoca::engine::Settings::default(), content.path()).await else { return };
    let clock = ManualClock::new(chrono::Utc::now());
    let senders = Senders::new().with(&convoca::matrix::ABILITIES, Arc::new(w.bot.sender()));
    let scheduler = Scheduler::new(w.engine.clone(), senders, Arc::new(clock.clone()), SchedulerConfig::default());
    let mut status = scheduler.status();
    let (stop, rx) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(scheduler.run(rx));
    common::scheduler::wait_status(&mut status, "a first pass", |s| s.passes >= 1).await;

    w.bob.say(&w.home, "!signup jilamito petition").await;
    let dm = w
        .bob
        .wait("Bob's direct room", |m| {
            m.sender.as_str() == w.bot_id && m.room != w.home && m.body.contains("signed up")
        })
        .await
        .room;
    w.bob.wait_joined(&dm, &w.bob.user_id()).await;
    clock.set(chrono::Utc::now() + Duration::minutes(2));
    let asked =
        w.bob.wait("the question", |m| m.sender.as_str() == w.bot_id && m.body.contains("Did you do it?")).await;
    assert_eq!(asked.room, dm, "in the direct room");
    // The words to answer with, from the command's declaration.
    assert!(asked.body.contains("Answer here with") && asked.body.contains("not yet"), "{}", asked.body);
    assert!(asked.body.contains("couldn't"), "{}", asked.body);
    common::scheduler::wait_status(&mut status, "recorded", |s| s.sent == 1 && s.in_flight == 0).await;

    // A ⏳ on the question answers "not yet", privately in the direct room.
    let dm_room = w.bob.client.get_room(&dm).unwrap();
    dm_room.send(ReactionEventContent::new(Annotation::new(asked.event_id.clone(), "⏳".into()))).await.unwrap();
    let noted = w
        .bob
        .wait("the reaction's answer", |m| m.sender.as_str() == w.bot_id && m.body.contains("Noted: not yet"))
        .await;
    assert_eq!(noted.room, dm);

    // "done" in the home room is conversation; in the direct room it is the answer.
    w.bob.say(&w.home, "done").await;
    let answered = w.bob.say(&dm, "done").await;
    let thanks =
        w.bob.wait("the thanks", |m| m.sender.as_str() == w.bot_id && m.body.contains("Thank you! Noted")).await;
    assert_eq!(thanks.room, dm);
    assert_eq!(thanks.in_reply_to.as_ref(), Some(&answered));
    assert_eq!(w.bob.count(|m| from_bot(&w.bot_id, &w.home)(m) && m.body.contains("Thank you")), 0);
    let bob = convoca::chat::User {
        platform: convoca::chat::Platform::Matrix,
        id: w.bob.user_id().to_string(),
        name: "bob".into(),
    };
    let mine = w.engine.store().signups_of(&bob).await.unwrap();
    assert_eq!(mine[0].outcome, Some(convoca::store::Outcome::Done));
    stop.send(true).unwrap();
    task.await.unwrap();
    w.bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn words_a_command_does_not_take_are_questioned_and_nothing_is_recorded() {
    let Some(w) = world().await else { return };
    let room = w.room(false).await;
    w.bob.say(&room, "!signup jilamito letter").await;
    let dm = w.bob.wait("the confirmation", |m| m.sender.as_str() == w.bot_id && m.room != room).await.room;
    let outcome = || async {
        let roster = w.engine.store().roster("jilamito").await.unwrap();
        roster.into_iter().find(|e| e.action == "letter").and_then(|e| e.outcome)
    };
    // In the direct room: "not yet" in two words is not yet, and a typo is questioned.
    w.bob.say(&dm, "!done jilamito letter not yet").await;
    w.bob.wait("noted not yet", |m| m.room == dm && m.body.contains("Noted: not yet")).await;
    assert_eq!(outcome().await, Some(convoca::store::Outcome::NotYet));
    let asked = w.bob.say(&dm, "!done jilamito letter notyt").await;
    let q = w.bob.wait("the question", |m| m.room == dm && m.in_reply_to.as_ref() == Some(&asked)).await;
    assert!(q.body.contains("I didn't understand `notyt` in `!done`"), "{}", q.body);
    assert!(q.body.contains("Did you mean `not yet`?"), "{}", q.body);
    assert_eq!(outcome().await, Some(convoca::store::Outcome::NotYet), "the typo recorded nothing");
    let asked = w.bob.say(&dm, "!going monthly jan").await;
    let q = w.bob.wait("the date question", |m| m.room == dm && m.in_reply_to.as_ref() == Some(&asked)).await;
    assert!(q.body.contains("`jan`") && q.body.contains("2027-01-04"), "{}", q.body);
    let next = convoca::store::OccurrenceRef { meeting: "monthly".into(), date: "2026-12-07".parse().unwrap() };
    assert_eq!(w.engine.store().rsvp_counts(&next).await.unwrap(), (0, 0));
    w.bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_direct_room_that_gains_anyone_or_is_not_encrypted_is_never_used() {
    let Some(w) = world().await else { return };
    let room = w.room(false).await;
    let bot = UserId::parse(&w.bot_id).unwrap();
    w.bob.say(&room, "!signup jilamito letter").await;
    let first = w.bob.wait("the confirmation", |m| m.sender == bot && m.room != room).await.room;
    // Bob's direct room gains Alice (an attacker could have arranged it: a room marked direct,
    // someone leaving and coming back).
    w.bob.client.get_room(&first).unwrap().invite_user_by_id(&w.alice.user_id()).await.unwrap();
    w.alice.wait_joined(&first, &w.alice.user_id()).await;
    w.bob.say(&room, "!mysignups").await;
    let mine =
        w.bob.wait("the private list", |m| m.sender == bot && m.room != room && m.body.contains("Your sign-ups")).await;
    assert_ne!(mine.room, first, "not the room Alice is in");
    assert!(mine.encrypted, "a new, encrypted direct room");
    assert_eq!(w.alice.count(|m| m.sender == bot && m.body.contains("Your sign-ups")), 0);

    // A direct chat Carol opens without encryption is not where her private answers go.
    w.hs.register("carol", "carol-password", false);
    let carol = Member::login(&w.hs, "carol", "carol-password").await;
    let home = w.alice.client.get_room(&room).unwrap();
    home.invite_user_by_id(&carol.user_id()).await.unwrap();
    w.alice.wait_joined(&room, &carol.user_id()).await;
    let plain = carol.create_room_with(&[&bot], false, None, true).await;
    carol.wait_joined(plain.room_id(), &bot).await;
    carol.say(&room, "!signup jilamito petition").await;
    let answer = carol.wait("the private answer", |m| m.sender == bot && m.body.contains("You're signed up")).await;
    assert_ne!(answer.room, plain.room_id(), "never the unencrypted room");
    assert!(answer.encrypted, "{answer:?}");
    // Asked in that unencrypted direct chat, the answer still goes to the encrypted one.
    carol.say(plain.room_id(), "!mysignups").await;
    let mine = carol.wait("her list", |m| m.sender == bot && m.body.contains("Your sign-ups")).await;
    assert_ne!(mine.room, plain.room_id(), "not in the unencrypted chat");
    assert!(mine.encrypted);
    w.bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_a_member_does_to_sign_up_stays_in_the_shared_room() {
    let Some(w) = world().await else { return };
    let room = w.room(false).await;
    let bot = UserId::parse(&w.bot_id).unwrap();
    // The campaign reply points to the direct room, not to a reaction or a command typed here.
    let asked = w.bob.say(&room, "!campaign jilamito").await;
    let campaign =
        w.bob.wait("the campaign", |m| from_bot(&w.bot_id, &room)(m) && m.in_reply_to.as_ref() == Some(&asked)).await;
    assert!(!campaign.body.contains("React with"), "{}", campaign.body);
    assert!(campaign.body.contains(&format!("https://matrix.to/#/{}", w.bot_id)), "{}", campaign.body);
    assert!(campaign.body.contains("in a direct message"), "{}", campaign.body);
    let asked = w.bob.say(&room, "!meeting").await;
    let meeting =
        w.bob.wait("the meeting", |m| from_bot(&w.bot_id, &room)(m) && m.in_reply_to.as_ref() == Some(&asked)).await;
    assert!(meeting.body.contains("Tell me privately") && meeting.body.contains("matrix.to"), "{}", meeting.body);
    // With the power to, the bot removes a ✅ it does not take and a personal command typed
    // in the room.
    let home = w.alice.client.get_room(&room).unwrap();
    home.update_power_levels(vec![(&bot, 50.into())]).await.unwrap();
    // A ✅ on a campaign that did not choose reaction sign-ups signs nobody up; the person is
    // told privately how to.
    let r = w.bob.client.get_room(&room).unwrap();
    let reaction = r
        .send(ReactionEventContent::new(Annotation::new(campaign.event_id.clone(), "✅".into())))
        .await
        .unwrap()
        .response
        .event_id;
    w.bob
        .wait("the private note", |m| m.sender == bot && m.room != room && m.body.contains("doesn't sign you up"))
        .await;
    assert!(w.engine.store().roster("jilamito").await.unwrap().is_empty());
    wait_reaction_removed(&r, &reaction, "the ✅ was never removed").await;
    let typed = w.bob.say(&room, "!signup jilamito letter").await;
    w.bob.wait("the confirmation", |m| m.sender == bot && m.room != room && m.body.contains("You're signed up")).await;
    // A refusal of a personal command can name what the person signed up for: private too.
    w.bob.say(&room, "!signup jilamito petition").await;
    w.bob.say(&room, "!done jilamito").await;
    w.bob
        .wait("the question, privately", |m| m.sender == bot && m.room != room && m.body.contains("Which action"))
        .await;
    assert_eq!(
        w.bob.count(|m| m.sender == bot && m.room == room && m.body.contains("Yours")),
        0,
        "nothing in the room"
    );
    until("the typed !signup removed", PATIENCE, async || {
        let raw: serde_json::Value = r.event(&typed, None).await.unwrap().raw().deserialize_as().unwrap();
        raw.get("content").and_then(|c| c.get("body")).is_none()
    })
    .await;
    // No pointer replies to a removed command (it would say who asked); a public question
    // asked after them is answered after them.
    let asked = w.bob.say(&room, "!mission").await;
    w.bob.wait("the mission", |m| from_bot(&w.bot_id, &room)(m) && m.in_reply_to.as_ref() == Some(&asked)).await;
    assert_eq!(
        w.bob.count(|m| from_bot(&w.bot_id, &room)(m) && m.body.contains("I sent you the answer")),
        0,
        "no pointer to a removed command"
    );
    w.bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_members_link_stops_when_a_person_leaves_the_home() {
    const LINK: &str = "https://zoom.example/j/4242";
    let dir = copy_of_shipped();
    let meeting = dir.path().join("meetings/monthly.toml");
    let text = std::fs::read_to_string(&meeting).unwrap().replace("link = \"\"", &format!("link = \"{LINK}\""));
    std::fs::write(&meeting, text).unwrap();
    let Some(w) = world_full(false, None, convoca::engine::Settings::default(), dir.path()).await else { return };
    let room = w.room(false).await;
    w.bob.say(&room, "!going").await;
    w.bob
        .wait("the answer", |m| m.sender.as_str() == w.bot_id && m.room != room && m.body.contains("You're going"))
        .await;
    // Alice removes Bob from the home room; the bot sees it in its next sync.
    w.alice.client.get_room(&room).unwrap().kick_user(&w.bob.user_id(), None).await.unwrap();
    until("the bot sees Bob leave", PATIENCE, async || {
        let seen = w.bot.client.get_room(&room).unwrap().get_member_no_sync(&w.bob.user_id()).await.unwrap();
        seen.is_some_and(|m| *m.membership() != matrix_sdk::ruma::events::room::member::MembershipState::Join)
    })
    .await;
    let (next, clock, mut status, stop, task) = matrix_scheduler(&w, 1).await;
    let due = next[0].start - Duration::hours(1);
    status.wait_for(|s| s.sleeping_until == Some(due - Duration::seconds(2))).await.unwrap();
    clock.set(due);
    let reminder = w.bob.wait("the reminder", |m| m.sender.as_str() == w.bot_id && m.body.contains("Reminder")).await;
    assert!(!reminder.body.contains(LINK), "no members' link once out of the home: {}", reminder.body);
    stop.send(true).unwrap();
    task.await.unwrap();
    w.bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forgetme_takes_the_sign_up_reaction_out_of_the_room_too() {
    let Some((w, _dir)) = world_reacting().await else { return };
    let room = w.room(false).await;
    let bot = UserId::parse(&w.bot_id).unwrap();
    w.alice.client.get_room(&room).unwrap().update_power_levels(vec![(&bot, 50.into())]).await.unwrap();
    let asked = w.bob.say(&room, "!campaign jilamito").await;
    let campaign =
        w.bob.wait("the campaign", |m| from_bot(&w.bot_id, &room)(m) && m.in_reply_to.as_ref() == Some(&asked)).await;
    let r = w.bob.client.get_room(&room).unwrap();
    let reaction = r
        .send(ReactionEventContent::new(Annotation::new(campaign.event_id.clone(), "✅".into())))
        .await
        .unwrap()
        .response
        .event_id;
    w.bob.wait("signed up", |m| m.sender == bot && m.room != room && m.body.contains("You're signed up")).await;
    let dm = w.bob.wait("the direct room", |m| m.sender == bot && m.room != room).await.room;
    w.bob.say(&dm, "!forgetme confirm").await;
    w.bob.wait("erased", |m| m.sender == bot && m.room == dm && m.body.contains("Erased")).await;
    assert!(w.engine.store().roster("jilamito").await.unwrap().is_empty());
    wait_reaction_removed(&r, &reaction, "the ✅ stayed in the room after /forgetme").await;
    // The bot leaves the direct room and forgets its copy of the conversation.
    wait_declined(&w.bob, &dm, &bot).await;
    until("the bot kept its copy of the direct room", std::time::Duration::from_secs(30), async || {
        w.bot.client.get_room(&dm).is_none()
    })
    .await;
    w.bot.stop().await;
}

#[path = "common/bot_process.rs"]
mod bot_process;

/// The built binary, Matrix only, whose home alias does not exist yet: it runs meanwhile,
/// `/healthz` says why Matrix is not started, and Matrix starts once the room is there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matrix_that_cannot_start_is_tried_again_while_the_rest_runs() {
    let Some(hs) = Synapse::start().await else { return };
    hs.register("convoca", "bot-password", false);
    hs.register("alice", "alice-password", false);
    let alice = Member::login(&hs, "alice", "alice-password").await;
    let dir = tempfile::tempdir().unwrap();
    let metrics = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_convoca"));
    cmd.current_dir(dir.path())
        .env("CONVOCA_ENV_FILE", "/dev/null")
        .env("CONVOCA_CONTENT", shipped())
        .env("DATABASE_URL", format!("sqlite://{}/c.db", dir.path().display()))
        .env("MATRIX_HOMESERVER", &hs.url)
        .env("MATRIX_USER", "convoca")
        .env("MATRIX_PASSWORD", "bot-password")
        .env("MATRIX_HOME_ROOMS", "#later:localhost")
        .env("MATRIX_STORE_PATH", dir.path().join("store"))
        .env("CONVOCA_METRICS_BIND", metrics.to_string())
        .env_remove("DISCORD_TOKEN");
    let bot = bot_process::BotProcess::start(cmd, true).await;
    let health = format!("http://{metrics}/healthz");
    let r = reqwest::get(&health).await.unwrap();
    let (status, body) = (r.status().as_u16(), r.text().await.unwrap());
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("matrix: not started") && body.contains("#later:localhost"), "{body}");
    // The room is made (and the bot invited); the next try finds it and joins.
    let bot_id = UserId::parse(hs.user_id("convoca")).unwrap();
    let room = alice.create_room_with(&[&bot_id], false, Some("later"), false).await;
    let room = room.room_id().to_owned();
    alice.wait_joined(&room, &bot_id).await;
    let asked = alice.say(&room, "!mission").await;
    alice.wait("the answer", |m| m.sender == bot_id && m.in_reply_to.as_ref() == Some(&asked)).await;
    until("health back to 200", PATIENCE, async || reqwest::get(&health).await.unwrap().status().as_u16() == 200).await;
    assert!(bot.stop().await.success());
}

/// Waits until the reaction `event` in `room` has been redacted (its relation gone).
async fn wait_reaction_removed(room: &matrix_sdk::Room, event: &matrix_sdk::ruma::EventId, what: &str) {
    until(what, PATIENCE, async || {
        let raw: serde_json::Value = room.event(event, None).await.unwrap().raw().deserialize_as().unwrap();
        raw.get("content").and_then(|c| c.get("m.relates_to")).is_none()
    })
    .await
}
