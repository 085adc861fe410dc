//! The bot in Matrix rooms, against a real Synapse on 127.0.0.1: invited, asked, signed up by
//! command and by reaction, private answers in direct rooms, an encrypted room, reminders
//! with transaction ids, and the homeserver restarting under it.

mod common;

use std::sync::Arc;
use std::sync::atomic::Ordering;

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
}

fn bot_config(hs: &Synapse, store: &std::path::Path) -> MatrixConfig {
    MatrixConfig {
        homeserver: Some(hs.url.clone()),
        user: Some("convoca".into()),
        password: Some("bot-password".parse().unwrap()),
        access_token: None,
        store_path: store.to_path_buf(),
        allowed_inviters: Vec::new(),
        organizer_power: 50,
    }
}

async fn world() -> Option<World> {
    let hs = Synapse::start().await?;
    hs.register("convoca", "bot-password", false);
    hs.register("alice", "alice-password", false);
    hs.register("bob", "bob-password", false);
    let engine = engine_on(&shipped()).await;
    let config = bot_config(&hs, &tempfile::tempdir().unwrap().keep());
    let bot = Matrix::start(&config, engine.clone()).await.unwrap();
    let alice = Member::login(&hs, "alice", "alice-password").await;
    let bob = Member::login(&hs, "bob", "bob-password").await;
    let bot_id = hs.user_id("convoca");
    Some(World { hs, engine, bot, bot_id, alice, bob, config })
}

impl World {
    /// A room Alice creates (so she is its creator: an organizer) with Bob and the bot.
    async fn room(&self, encrypted: bool) -> matrix_sdk::ruma::OwnedRoomId {
        let bot = UserId::parse(&self.bot_id).unwrap();
        let bob = self.bob.user_id();
        let room = self.alice.create_room(&[&bot, &bob], encrypted).await;
        self.alice.wait_joined(room.room_id(), &bot).await;
        self.alice.wait_joined(room.room_id(), &bob).await;
        room.room_id().to_owned()
    }
}

fn from_bot<'a>(bot_id: &'a str, room: &'a matrix_sdk::ruma::RoomId) -> impl Fn(&common::member::Seen) -> bool + 'a {
    move |m| m.sender.as_str() == bot_id && m.room == room
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_ask_sign_up_and_react_organizers_get_rosters_in_private() {
    let Some(w) = world().await else { return };
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
    w.bob.wait("the public pointer", |m| from_bot(&w.bot_id, &room)(m) && m.body.contains("direct message")).await;

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
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    while w.engine.store().roster("jilamito").await.unwrap().len() < 2 {
        assert!(tokio::time::Instant::now() < deadline, "the reaction did not sign up");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let general = w.engine.store().roster("jilamito").await.unwrap().into_iter().find(|e| e.action.is_empty());
    assert_eq!(general.map(|e| e.user_id), Some("@bob:localhost".to_string()));
    bob_room.redact(&reaction, None, None).await.unwrap();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    while w.engine.store().roster("jilamito").await.unwrap().len() != 1 {
        assert!(tokio::time::Instant::now() < deadline, "removing the reaction did not withdraw");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

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
    let Some(w) = world().await else { return };
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminders_are_posted_as_text_with_the_key_as_transaction_id() {
    use convoca::reminders::{ManualClock, Post, Scheduler, SchedulerConfig, Sender, Senders, key_of};
    let Some(w) = world().await else { return };
    let room = w.room(false).await;
    w.alice.say(&room, "!remind here").await;
    w.alice.wait("the subscription", |m| m.sender.as_str() == w.bot_id && m.body.contains("now gets reminders")).await;

    let due = at("2026-12-06T22:00:00Z");
    let clock = ManualClock::new(due - Duration::seconds(5));
    let senders = Senders::new().with("matrix", Arc::new(w.bot.sender()));
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
        channel: room.to_string(),
        key,
        reply: Arc::new(convoca::engine::Reply::public().titled("Reminder: LA/CWG monthly meeting").text("again")),
        due,
        late: true,
        locale: convoca::locale::Locale::En,
    };
    w.bot.sender().send(&again).await.unwrap();
    let marker = w.alice.say(&room, "!help").await;
    w.alice.wait("a later message", |m| from_bot(&w.bot_id, &room)(m) && m.in_reply_to.as_ref() == Some(&marker)).await;
    assert_eq!(
        w.alice.count(|m| from_bot(&w.bot_id, &room)(m) && m.body.contains("Reminder: LA/CWG")),
        1,
        "one reminder, not two"
    );
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
        Senders::new().with("matrix", Arc::new(w.bot.sender())),
        Arc::new(clock.clone()),
        SchedulerConfig::default(),
    );
    let mut status = scheduler.status();
    let (stop, rx) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(scheduler.run(rx));
    status.wait_for(|s| s.sleeping_until.is_some()).await.unwrap();

    // The homeserver goes away; the reminder falls due while it is down.
    w.hs.stop();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    while w.bot.state.connected.load(Ordering::Relaxed) {
        assert!(tokio::time::Instant::now() < deadline, "the bot never noticed");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    clock.set(due - Duration::seconds(2));
    clock.set(due);
    status.wait_for(|s| s.in_flight == 0 && s.sleeping_until == Some(due + Duration::seconds(30))).await.unwrap();

    // Back: the bot reconnects by itself, answers, and the retry posts the reminder.
    w.hs.restart().await;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    while w.bot.state.reconnects.load(Ordering::Relaxed) < 1 {
        assert!(tokio::time::Instant::now() < deadline, "the bot never reconnected");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
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
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_handled_without_spam() {
    let Some(hs) = Synapse::start().await else { return };
    hs.register("convoca", "bot-password", false);
    hs.register("alice", "alice-password", false);
    hs.register("mallory", "mallory-password", false);
    let engine = engine_on(&shipped()).await;
    let mut config = bot_config(&hs, &tempfile::tempdir().unwrap().keep());
    config.allowed_inviters = vec!["@alice:localhost".into()];
    let bot = Matrix::start(&config, engine.clone()).await.unwrap();
    let alice = Member::login(&hs, "alice", "alice-password").await;
    let mallory = Member::login(&hs, "mallory", "mallory-password").await;
    let bot_id = UserId::parse(hs.user_id("convoca")).unwrap();

    // An invite from someone not allowed is declined.
    let theirs = mallory.create_room(&[&bot_id], false).await;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let m = mallory.client.get_room(theirs.room_id()).unwrap().get_member(&bot_id).await.unwrap();
        if m.is_some_and(|m| *m.membership() == matrix_sdk::ruma::events::room::member::MembershipState::Leave) {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "the disallowed invite was not declined");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    let room = alice.create_room(&[&bot_id], false).await;
    alice.wait_joined(room.room_id(), &bot_id).await;
    // 64 KB: one short refusal.
    // (Synapse refuses events over 64 KiB in all, so the body is a little under.)
    let huge = format!("!campaign {}", "x".repeat(63 * 1024));
    let asked = alice.say(room.room_id(), &huge).await;
    let reply = alice.wait("the refusal", |m| m.in_reply_to.as_ref() == Some(&asked)).await;
    assert!(reply.body.contains("too long") && reply.body.len() < 400, "{}", reply.body);
    // Malformed HTML in the question: the plain body is what counts.
    let r = alice.client.get_room(room.room_id()).unwrap();
    let content = serde_json::json!({"msgtype": "m.text", "body": "!mission", "format": "org.matrix.custom.html", "formatted_body": "<b><i>!mission</b"});
    let asked = r.send_raw("m.room.message", content).await.unwrap().response.event_id;
    alice.wait("an answer despite broken HTML", |m| m.in_reply_to.as_ref() == Some(&asked)).await;
    let marker = alice.say(room.room_id(), "!help").await;
    alice.wait("help", |m| m.in_reply_to.as_ref() == Some(&marker)).await;
    assert_eq!(alice.count(|m| m.sender == bot_id && m.room == room.room_id()), 3, "exactly one reply per command");
    bot.stop().await;
}
