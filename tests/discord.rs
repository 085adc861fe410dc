//! The real serenity client against a fake Discord on loopback: registration, slash commands,
//! buttons, autocomplete, reminders with nonces, a dropped gateway, and the signed HTTP
//! interactions endpoint.

mod common;

use std::sync::Arc;
use std::sync::atomic::Ordering;

use chrono::Duration;
use common::fake_discord::{
    ADMIN_ROLE, APP_ID, BOT_ID, CHANNEL_ID, EVENTS_ROLE, FOREIGN_GUILD_ID, FakeDiscord, GUILD_ID, ORGANIZER_ROLE,
    OWNER_ID, callback_for, embed_text, ephemeral, interact, message_json,
};
use common::*;
use convoca::config::{DiscordConfig, Secret};
use convoca::discord::Gateway;
use convoca::engine::Engine;
use serde_json::{Value, json};

async fn connect(engine: &Engine) -> (FakeDiscord, Gateway, DiscordConfig) {
    let fake = FakeDiscord::start().await;
    let config = config_for(&fake);
    let gateway = Gateway::start(&config, engine.clone()).await.unwrap();
    fake.wait_identified(1).await;
    (fake, gateway, config)
}

fn config_for(fake: &FakeDiscord) -> DiscordConfig {
    DiscordConfig {
        token: Some("fake-token".parse::<Secret>().unwrap()),
        home: vec![GUILD_ID.into()],
        guild_id: None,
        organizer_role: Some("Organizers".into()),
        api_base: Some(fake.base.clone()),
        public_key: None,
        scheduled_events: false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_are_registered_with_spanish_names_options_and_permissions() {
    let engine = engine_on(&shipped()).await;
    let (fake, gateway, _) = connect(&engine).await;
    let put = fake
        .wait_call(0, "command registration", |c| {
            c.method == "PUT" && c.path == format!("/api/v10/applications/{APP_ID}/guilds/{GUILD_ID}/commands")
        })
        .await;
    let commands = put.body.as_array().unwrap();
    let find =
        |name: &str| commands.iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("{name} not registered"));
    for name in [
        "meeting",
        "mission",
        "campaign",
        "coyuntura",
        "signup",
        "withdraw",
        "mysignups",
        "done",
        "place",
        "forgetme",
        "help",
        "signups",
        "export",
        "cancel",
        "move",
        "uncancel",
        "addmeeting",
        "remind",
    ] {
        let c = find(name);
        assert!(!c["description"].as_str().unwrap().is_empty(), "{name}");
        assert!(c["description"].as_str().unwrap().len() <= 100, "{name}");
        for locale in ["es-ES", "es-419"] {
            assert!(c["name_localizations"][locale].is_string(), "{name} {locale}");
            assert!(c["description_localizations"][locale].is_string(), "{name} {locale}");
        }
    }
    assert_eq!(find("meeting")["name_localizations"]["es-419"], "reunión");
    assert_eq!(find("campaign")["name_localizations"]["es-ES"], "campaña");
    let signup = find("signup");
    assert_eq!(signup["options"][0]["name"], "campaign");
    assert_eq!(signup["options"][0]["type"], 3);
    assert_eq!(signup["options"][0]["required"], true);
    assert_eq!(signup["options"][0]["autocomplete"], true);
    // Organizer commands: shown to all (the role decides, when used), not in DMs.
    assert!(find("signups").get("default_member_permissions").is_none_or(|p| p.is_null()));
    assert_eq!(find("signups")["dm_permission"], false);
    assert!(find("meeting").get("default_member_permissions").is_none_or(|p| p.is_null()));
    // Commands for DMs are registered globally, but for the bot's DMs only (context 1): no
    // server that is not home sees any command of convoca's. `remind` is not among them.
    let global = fake
        .wait_call(0, "the DM commands", |c| {
            c.method == "PUT" && c.path == format!("/api/v10/applications/{APP_ID}/commands")
        })
        .await;
    let global = global.body.as_array().unwrap();
    assert!(!global.is_empty());
    for c in global {
        assert_eq!(c["contexts"], json!([1]), "{}", c["name"]);
        assert_ne!(c["name"], "remind");
    }
    assert!(global.iter().any(|c| c["name"] == "signups"), "organizer commands work in DMs, by home standing");
    // The bot counts the registration once Discord's answer to the PUT has come back, a moment
    // after the fake recorded the call: wait for it, with a deadline.
    until("the registration answer was never handled", std::time::Duration::from_secs(10), async || {
        gateway.state.registrations.load(Ordering::Relaxed) > 0
    })
    .await;
    assert_eq!(gateway.state.registrations.load(Ordering::Relaxed), 1);
    assert_eq!(gateway.state.unknown_events.load(Ordering::Relaxed), 0);
    gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slash_commands_buttons_and_autocomplete_over_the_gateway() {
    let engine = engine_on(&shipped()).await;
    let (fake, gateway, _) = connect(&engine).await;

    // /meeting: public, with Discord timestamps and the meeting's zone in words.
    let r = interact(&fake, fake.command("meeting", json!([]), ("111", "Ana"), "en-US", "0")).await;
    assert_eq!(r["type"], 4);
    assert!(!ephemeral(&r));
    let text = embed_text(&r);
    assert!(text.contains("<t:") && text.contains(":F>") && text.contains(":R>"), "{text}");
    assert!(text.contains("5:00–6:30 PM E"), "{text}");

    // /campaign jilamito in Spanish: buttons per action.
    let r = interact(
        &fake,
        fake.command(
            "campaign",
            json!([{"name": "campaign", "type": 3, "value": "jilamito"}]),
            ("111", "Ana"),
            "es-419",
            "0",
        ),
    )
    .await;
    let text = embed_text(&r);
    assert!(text.contains("Alto a la represa de Jilamito"), "{text}");
    let buttons: Vec<Value> = r["data"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row["components"].as_array().unwrap().clone())
        .collect();
    let ids: Vec<&str> = buttons.iter().filter_map(|b| b["custom_id"].as_str()).collect();
    assert!(ids.contains(&"cv:signup:es:jilamito:petition"), "{ids:?}");
    assert!(ids.contains(&"cv:withdraw:es:jilamito:petition"), "{ids:?}");

    // A click: the public message is updated with the count; the clicker gets a private note.
    let posted = message_json("555", CHANNEL_ID, &r["data"]);
    let from = fake.calls().await.len();
    let click = fake.click("cv:signup:es:jilamito:petition", posted.clone(), ("222", "Beto"), "en-US");
    let update = interact(&fake, click.clone()).await;
    assert_eq!(update["type"], 7, "UPDATE_MESSAGE");
    assert!(
        embed_text(&update).contains("Firma la petición a Simonds International **algunas**"),
        "{}",
        embed_text(&update)
    );
    let follow = fake
        .wait_call(from, "the private confirmation", |c| {
            c.method == "POST" && c.path == format!("/api/v10/webhooks/{APP_ID}/{}", click["token"].as_str().unwrap())
        })
        .await;
    assert_eq!(follow.body["flags"].as_u64().unwrap() & 64, 64);
    assert!(follow.body["embeds"][0]["description"].as_str().unwrap().contains("You're signed up"));
    let roster = engine.store().roster("jilamito").await.unwrap();
    assert_eq!((roster.len(), roster[0].user_id.as_str(), roster[0].name.as_str()), (1, "222", "Beto"));

    // /signup with options, in Spanish: private.
    let r = interact(&fake, fake.command("signup", json!([{"name": "campaign", "type": 3, "value": "jilamito"}, {"name": "action", "type": 3, "value": "letter"}]), ("333", "Carla"), "es-ES", "0")).await;
    assert!(ephemeral(&r));
    assert!(embed_text(&r).contains("Te apuntaste"), "{}", embed_text(&r));
    assert_eq!(engine.store().roster("jilamito").await.unwrap().len(), 2);

    // A member asking for the roster: refused privately. An organizer (by role name): answered privately.
    let r = interact(
        &fake,
        fake.command(
            "signups",
            json!([{"name": "campaign", "type": 3, "value": "jilamito"}]),
            ("333", "Carla"),
            "en-US",
            "0",
        ),
    )
    .await;
    assert!(ephemeral(&r));
    assert!(embed_text(&r).contains("only organizers"), "{}", embed_text(&r));
    let mut by_role = fake.command(
        "signups",
        json!([{"name": "campaign", "type": 3, "value": "jilamito"}]),
        ("444", "Dana"),
        "en-US",
        "0",
    );
    by_role["member"]["roles"] = json!(["700000000000000009"]);
    let r = interact(&fake, by_role).await;
    assert!(ephemeral(&r));
    assert!(embed_text(&r).contains("Beto") && embed_text(&r).contains("Carla"), "{}", embed_text(&r));
    // Manage Events is not: in an interaction it may come from one channel's overwrite.
    let r = interact(
        &fake,
        fake.command(
            "export",
            json!([{"name": "campaign", "type": 3, "value": "jilamito"}]),
            ("555", "Eva"),
            "en-US",
            "8589934592",
        ),
    )
    .await;
    assert!(ephemeral(&r) && embed_text(&r).contains("only organizers"), "{}", embed_text(&r));
    assert!(r["data"]["attachments"].as_array().is_none_or(|a| a.is_empty()), "{r}");
    let r = interact(
        &fake,
        fake.organizer_command("export", json!([{"name": "campaign", "type": 3, "value": "jilamito"}]), ("555", "Eva")),
    )
    .await;
    assert!(ephemeral(&r));
    let export = fake.calls().await.into_iter().rev().find(|c| c.path.ends_with("/callback")).unwrap();
    assert!(
        String::from_utf8_lossy(&export.raw).contains("jilamito,petition,Beto,discord,222"),
        "the CSV travels as a file"
    );

    // Autocomplete of campaign names.
    let r = interact(&fake, fake.autocomplete("campaign", "campaign", "jil")).await;
    assert_eq!(r["type"], 8);
    assert_eq!(r["data"]["choices"][0]["value"], "jilamito");

    // Bad input: a stale button, a removed campaign, an unknown command: private, clear answers.
    let r = interact(&fake, fake.click("old-bot:vote", posted.clone(), ("222", "Beto"), "en-US")).await;
    assert!(ephemeral(&r) && embed_text(&r).contains("older message"), "{}", embed_text(&r));
    let r = interact(&fake, fake.click("cv:signup:en:gone-campaign:", posted.clone(), ("222", "Beto"), "en-US")).await;
    assert_eq!(r["type"], 4);
    assert!(
        ephemeral(&r) && embed_text(&r).contains("There is no campaign called `gone-campaign`"),
        "{}",
        embed_text(&r)
    );
    let r = interact(&fake, fake.command("dance", json!([]), ("222", "Beto"), "en-US", "0")).await;
    assert!(ephemeral(&r) && embed_text(&r).contains("I don't know"), "{}", embed_text(&r));
    // A direct message: no server, no member.
    let mut dm = fake.command(
        "signups",
        json!([{"name": "campaign", "type": 3, "value": "jilamito"}]),
        ("111", "Ana"),
        "en-US",
        "8",
    );
    let user = dm["member"]["user"].clone();
    dm.as_object_mut().unwrap().remove("member");
    dm.as_object_mut().unwrap().remove("guild_id");
    dm["user"] = user;
    dm["context"] = json!(1);
    let r = interact(&fake, dm).await;
    assert!(ephemeral(&r) && embed_text(&r).contains("only organizers"), "{}", embed_text(&r));

    assert_eq!(gateway.state.unknown_events.load(Ordering::Relaxed), 0, "every dispatch was read");
    gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gateway_closing_is_followed_by_a_reconnect() {
    let engine = engine_on(&shipped()).await;
    let (fake, gateway, _) = connect(&engine).await;
    interact(&fake, fake.command("mission", json!([]), ("111", "Ana"), "en-US", "0")).await;
    fake.close_gateway().await;
    fake.wait_identified(2).await;
    until("no reconnect recorded", std::time::Duration::from_secs(20), async || gateway.state.link.reconnects() >= 1)
        .await;
    let r = interact(&fake, fake.command("help", json!([]), ("111", "Ana"), "en-US", "0")).await;
    assert!(embed_text(&r).contains("/meeting"));
    assert!(gateway.state.link.is_up());
    assert_eq!(gateway.state.unknown_events.load(Ordering::Relaxed), 0);
    gateway.stop().await;
}

/// Posts through Discord, then never answers: a process killed after Discord took its post.
struct DiesAfterPosting(convoca::discord::DiscordSender);

impl convoca::reminders::Sender for DiesAfterPosting {
    fn send<'a>(
        &'a self,
        post: &'a convoca::reminders::Post,
    ) -> futures_util::future::BoxFuture<'a, Result<(), convoca::reminders::SendError>> {
        Box::pin(async move {
            let _ = self.0.send(post).await;
            std::future::pending().await
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reminder_posted_by_a_process_that_died_is_found_in_the_channel_after_the_nonce_is_forgotten() {
    use convoca::reminders::{ManualClock, SchedulerConfig};
    let dir = common::scheduler::content_with(&[&format!("discord:{CHANNEL_ID}")], "");
    let store = sqlite_store().await;
    let engine = engine_with(dir.path(), store.clone());
    let (fake, gateway, _) = connect(&engine).await;
    let due = at("2026-12-06T22:00:00Z");
    let clock = ManualClock::new(due - Duration::seconds(5));
    let sender = || convoca::discord::DiscordSender::new(Arc::clone(&gateway.http));
    let mut first = common::scheduler::start_with(
        &engine,
        Arc::new(DiesAfterPosting(sender())),
        Arc::new(clock.clone()),
        SchedulerConfig::default(),
    );
    first.status.wait_for(|s| s.sleeping_until.is_some()).await.unwrap();
    clock.set(due - Duration::seconds(2));
    first.status.wait_for(|s| s.in_flight == 1).await.unwrap();
    clock.set(due);
    let posted = fake.wait_call(0, "the reminder", |c| c.method == "POST" && c.path.ends_with("/messages")).await;
    let footer = posted.body["embeds"][0]["footer"]["text"].as_str().unwrap_or_default().to_string();
    assert!(footer.ends_with(&format!("ref {}", posted.body["nonce"].as_str().unwrap())), "{footer}");
    first.handle.abort();
    let _ = first.handle.await;
    // Long after: Discord no longer knows the nonce, so only the look saves a second post.
    fake.forget_nonces().await;
    let mut second =
        common::scheduler::start_with(&engine, Arc::new(sender()), Arc::new(clock.clone()), SchedulerConfig::default());
    let s = second.status.wait_for(|s| s.sleeping_until.is_some()).await.unwrap().clone();
    clock.set(s.sleeping_until.unwrap());
    second.status.wait_for(|s| s.found == 1).await.unwrap();
    assert_eq!(fake.created().await.len(), 1, "one message in the channel");
    let looked = fake.calls().await.iter().filter(|c| c.method == "GET" && c.path.ends_with("/messages")).count();
    assert_eq!(looked, 1, "one page of history read");
    // Without the look, the same post now makes a second message: the look is what saved it.
    let again = convoca::reminders::Post {
        to: convoca::reminders::To::Channel(CHANNEL_ID.into()),
        key: posted.body["nonce"].as_str().unwrap().into(),
        reply: Arc::new(convoca::engine::Reply::public().text("again")),
        due,
        late: true,
        locale: convoca::locale::Locale::En,
        calendar_domain: String::new(),
    };
    convoca::reminders::Sender::send(&sender(), &again).await.unwrap();
    assert_eq!(fake.created().await.len(), 2);
    // And a reminder never posted is not found.
    let other = convoca::reminders::Post { key: "another-key".into(), ..again };
    assert_eq!(
        convoca::reminders::Sender::find(&sender(), &other).await.unwrap(),
        convoca::reminders::Found::NotPosted
    );
    second.stop.send(true).unwrap();
    second.handle.await.unwrap();
    gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminders_are_posted_at_their_instant_with_the_key_as_nonce() {
    use convoca::reminders::{ManualClock, Scheduler, SchedulerConfig, Senders, key_of};
    let engine = engine_on(&shipped()).await;
    let (fake, gateway, _) = connect(&engine).await;
    // An organizer subscribes this channel from Discord.
    let r = interact(
        &fake,
        fake.organizer_command("remind", json!([{"name": "what", "type": 3, "value": "here"}]), ("555", "Eva")),
    )
    .await;
    assert!(embed_text(&r).contains("This channel now gets reminders"), "{}", embed_text(&r));
    let due = at("2026-12-06T22:00:00Z");
    let clock = ManualClock::new(due - Duration::seconds(5));
    let senders = Senders::new()
        .with(&convoca::discord::ABILITIES, Arc::new(convoca::discord::DiscordSender::new(Arc::clone(&gateway.http))));
    let scheduler = Scheduler::new(engine.clone(), senders, Arc::new(clock.clone()), SchedulerConfig::default());
    let mut status = scheduler.status();
    let (stop, rx) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(scheduler.run(rx));
    status.wait_for(|s| s.sleeping_until == Some(due - Duration::seconds(2))).await.unwrap();
    clock.set(due - Duration::seconds(2));
    status.wait_for(|s| s.in_flight == 1).await.unwrap();
    let before = fake.calls().await.iter().filter(|c| c.path.contains("/messages")).count();
    assert_eq!(before, 0, "nothing before its instant");
    clock.set(due);
    let from = 0;
    let post = fake
        .wait_call(from, "the reminder", |c| {
            c.method == "POST" && c.path == format!("/api/v10/channels/{CHANNEL_ID}/messages")
        })
        .await;
    let key = key_of(&format!("meeting:monthly:2026-12-07:2026-12-07T22:00Z:1d:discord:{CHANNEL_ID}"));
    assert_eq!(post.body["nonce"], json!(key));
    assert_eq!(post.body["enforce_nonce"], true);
    assert!(post.body["embeds"][0]["title"].as_str().unwrap().contains("Reminder: LA/CWG monthly meeting"));
    status.wait_for(|s| s.sent == 1).await.unwrap();
    // The same key again (a retry after a crash) makes no second message.
    let again = convoca::reminders::Post {
        to: convoca::reminders::To::Channel(CHANNEL_ID.into()),
        key: key.clone(),
        reply: Arc::new(convoca::engine::Reply::public().text("again")),
        due,
        late: true,
        locale: convoca::locale::Locale::En,
        calendar_domain: String::new(),
    };
    convoca::reminders::Sender::send(&convoca::discord::DiscordSender::new(Arc::clone(&gateway.http)), &again)
        .await
        .unwrap();
    assert_eq!(fake.created().await.len(), 1);
    stop.send(true).unwrap();
    task.await.unwrap();
    gateway.stop().await;
}

mod endpoint {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    struct Endpoint {
        url: String,
        key: SigningKey,
        engine: Engine,
        client: reqwest::Client,
        _stop: tokio::sync::watch::Sender<bool>,
    }

    async fn endpoint() -> Endpoint {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let public = hex::encode(key.verifying_key().to_bytes());
        let fake = FakeDiscord::start().await;
        let engine = engine_on(&shipped()).await;
        let config =
            DiscordConfig { api_base: Some(fake.base.clone()), home: vec![GUILD_ID.into()], ..Default::default() };
        let bot = Arc::new(convoca::discord::Bot::new(
            engine.clone(),
            Arc::new(convoca::discord::http_client(&config, "")),
            &config,
        ));
        let verifier = Arc::new(convoca::discord::verify::InteractionVerifier::new(&public).unwrap());
        let state = convoca::http::AppState::new(engine.clone().into()).with_discord(Some((bot, verifier)));
        let (stop, rx) = tokio::sync::watch::channel(false);
        let (addr, _task) = convoca::http::serve("127.0.0.1:0".parse().unwrap(), state, rx).await.unwrap();
        Endpoint {
            url: format!("http://{addr}/discord/interactions"),
            key,
            engine,
            client: reqwest::Client::new(),
            _stop: stop,
        }
    }

    async fn post(e: &Endpoint, body: &str, signed_body: &str, key: &SigningKey, timestamp: i64) -> (u16, String) {
        let ts = timestamp.to_string();
        let signature = hex::encode(key.sign(format!("{ts}{signed_body}").as_bytes()).to_bytes());
        let r = e
            .client
            .post(&e.url)
            .header("X-Signature-Ed25519", signature)
            .header("X-Signature-Timestamp", ts)
            .header("Content-Type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    fn now() -> i64 {
        chrono::Utc::now().timestamp()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn ping_is_answered_with_pong() {
        let e = endpoint().await;
        let ping = json!({"id": "1", "application_id": APP_ID, "type": 1, "token": "t", "version": 1}).to_string();
        let (status, body) = post(&e, &ping, &ping, &e.key, now()).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(serde_json::from_str::<Value>(&body).unwrap(), json!({"type": 1}));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_captured_interaction_sent_again_is_refused() {
        let e = endpoint().await;
        let fake = FakeDiscord::start().await;
        let signup = fake.command("signup", campaign_option(), ("111", "Ana"), "en-US", "0").to_string();
        let withdraw = fake.command("withdraw", campaign_option(), ("111", "Ana"), "en-US", "0").to_string();
        let signed_at = now();
        assert_eq!(post(&e, &signup, &signup, &e.key, signed_at).await.0, 200);
        assert_eq!(post(&e, &withdraw, &withdraw, &e.key, now()).await.0, 200);
        assert!(e.engine.store().roster("jilamito").await.unwrap().is_empty());
        // Ana's sign-up, captured and sent again with its valid signature: not processed.
        let (status, body) = post(&e, &signup, &signup, &e.key, signed_at).await;
        assert_eq!(status, 409, "{body}");
        assert!(e.engine.store().roster("jilamito").await.unwrap().is_empty(), "the withdrawal stands");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_signed_command_is_answered_and_bad_signatures_change_nothing() {
        let e = endpoint().await;
        let fake = FakeDiscord::start().await;
        let signup = fake
            .command(
                "signup",
                json!([{"name": "campaign", "type": 3, "value": "jilamito"}]),
                ("111", "Ana"),
                "en-US",
                "0",
            )
            .to_string();
        // Tampered body: signed one thing, sent another.
        let tampered = signup.replace("jilamito", "cuba-sst");
        let (status, _) = post(&e, &tampered, &signup, &e.key, now()).await;
        assert_eq!(status, 401);
        // Another key.
        let (status, _) = post(&e, &signup, &signup, &SigningKey::from_bytes(&[9u8; 32]), now()).await;
        assert_eq!(status, 401);
        // Too old (a replay), and from the future.
        let (status, _) = post(&e, &signup, &signup, &e.key, now() - 600).await;
        assert_eq!(status, 401);
        let (status, _) = post(&e, &signup, &signup, &e.key, now() + 600).await;
        assert_eq!(status, 401);
        // No headers at all.
        let r = e.client.post(&e.url).body(signup.clone()).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 401);
        assert!(e.engine.store().roster("jilamito").await.unwrap().is_empty(), "refused requests have no effect");
        assert!(e.engine.store().roster("cuba-sst").await.unwrap().is_empty());
        // Valid.
        let (status, body) = post(&e, &signup, &signup, &e.key, now()).await;
        assert_eq!(status, 200, "{body}");
        let r: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(r["type"], 4);
        assert!(ephemeral(&r));
        assert!(embed_text(&r).contains("You're signed up"), "{}", embed_text(&r));
        assert_eq!(e.engine.store().roster("jilamito").await.unwrap().len(), 1);
        // The same commands as over the gateway: /meeting.
        let meeting = fake.command("meeting", json!([]), ("111", "Ana"), "es-ES", "0").to_string();
        let (status, body) = post(&e, &meeting, &meeting, &e.key, now()).await;
        assert_eq!(status, 200);
        assert!(embed_text(&serde_json::from_str(&body).unwrap()).contains("p. m."), "{body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dispatch_serenity_cannot_read_is_counted_not_ignored() {
    let engine = engine_on(&shipped()).await;
    let (fake, gateway, _) = connect(&engine).await;
    let mut broken = fake.command("meeting", json!([]), ("111", "Ana"), "en-US", "0");
    broken.as_object_mut().unwrap().remove("attachment_size_limit");
    fake.dispatch("INTERACTION_CREATE", broken).await;
    until("a malformed dispatch went unnoticed", std::time::Duration::from_secs(20), async || {
        gateway.state.unknown_events.load(Ordering::Relaxed) > 0
    })
    .await;
    gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_built_binary_connects_through_discord_api_base() {
    let fake = FakeDiscord::start().await;
    let db = tempfile::tempdir().unwrap().keep().join("bin.db");
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_convoca"))
        .arg("run")
        .arg("--content")
        .arg(shipped())
        .env("DATABASE_URL", format!("sqlite://{}", db.display()))
        .env("DISCORD_TOKEN", "fake-token")
        .env("DISCORD_API_BASE", &fake.base)
        .env("DISCORD_GUILD_ID", GUILD_ID)
        .env_remove("MATRIX_HOMESERVER")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    fake.wait_call(0, "registration by the binary", |c| c.method == "PUT" && c.path.ends_with("/commands")).await;
    let r = interact(&fake, fake.command("coyuntura", json!([]), ("111", "Ana"), "es-ES", "0")).await;
    assert!(embed_text(&r).contains("Coyuntura julio 2024"), "{}", embed_text(&r));
    let pid = child.id().unwrap().to_string();
    std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let out = child.wait_with_output().await.unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{log}");
    assert!(!log.contains("fake-token"), "the token must never reach the log");
}

/// A scheduled event as Discord lists it.
fn event_json(id: &str, creator: &str, name: &str, description: &str, start: &str, end: &str) -> Value {
    json!({
        "id": id, "guild_id": GUILD_ID, "channel_id": null, "creator_id": creator,
        "name": name, "description": description,
        "scheduled_start_time": start, "scheduled_end_time": end,
        "privacy_level": 2, "status": 1, "entity_type": 3, "entity_id": null,
        "entity_metadata": {"location": "Somewhere"}, "image": null
    })
}

fn start_of(event: &Value) -> chrono::DateTime<chrono::Utc> {
    at(event["scheduled_start_time"].as_str().expect("a start time"))
}

/// Waits (with a deadline) until the server's events satisfy `f`.
async fn wait_events(fake: &FakeDiscord, what: &str, f: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    eventually(what, std::time::Duration::from_secs(20), async || {
        let events = fake.events().await;
        f(&events).then_some(events)
    })
    .await
}

fn monthly(events: &[Value]) -> Vec<&Value> {
    events.iter().filter(|e| e["description"].as_str().is_some_and(|d| d.ends_with("/meeting monthly"))).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduled_events_follow_the_calendar() {
    use convoca::reminders::ManualClock;
    let engine = engine_on(&shipped()).await;
    let fake = FakeDiscord::start().await;
    // Already on the server: a member's own event, and one the bot made for a meeting that
    // has since been removed from the content files.
    let film = event_json(
        "600000000000000001",
        "111",
        "Film night",
        "Bring popcorn",
        "2026-12-10T00:00:00Z",
        "2026-12-10T02:00:00Z",
    );
    fake.add_event(film.clone()).await;
    fake.add_event(event_json(
        "600000000000000002",
        BOT_ID,
        "Weekly call",
        "Gone\n\n/meeting weekly",
        "2026-12-01T22:00:00Z",
        "2026-12-01T23:00:00Z",
    ))
    .await;
    let clock = ManualClock::new(at("2026-11-28T12:00:00Z"));
    let config = DiscordConfig { scheduled_events: true, ..config_for(&fake) };
    let gateway = Gateway::start_with_clock(&config, engine.clone(), Arc::new(clock.clone())).await.unwrap();

    // The next monthly meeting appears as an external event; the stale one goes; the
    // member's stays as it was.
    let events = wait_events(&fake, "the monthly meeting's event", |e| {
        e.len() == 2 && monthly(e).first().is_some_and(|m| start_of(m) == at("2026-12-07T22:00:00Z"))
    })
    .await;
    assert!(events.contains(&film), "{events:#?}");
    let ev = monthly(&events)[0].clone();
    assert_eq!(ev["name"], "LA/CWG monthly meeting");
    assert_eq!(ev["entity_type"], 3);
    assert_eq!(ev["privacy_level"], 2);
    assert_eq!(ev["entity_metadata"]["location"], "Zoom");
    assert_eq!(at(ev["scheduled_end_time"].as_str().unwrap()), at("2026-12-07T23:30:00Z"));
    assert!(
        ev["description"].as_str().unwrap().contains("Reunión")
            || ev["description"].as_str().unwrap().contains("bienvenidas")
    );
    let id = ev["id"].clone();

    // An organizer cancels that date from Discord: the same event moves to January.
    let cancel = |verb: &str| {
        fake.organizer_command(verb, json!([{"name": "date", "type": 3, "value": "2026-12-07"}]), ("555", "Eva"))
    };
    interact(&fake, cancel("cancel")).await;
    wait_events(&fake, "the event moved past the cancelled date", |e| {
        monthly(e).first().is_some_and(|m| start_of(m) == at("2027-01-04T22:00:00Z") && m["id"] == id)
    })
    .await;
    // … and back when the cancellation is undone.
    interact(&fake, cancel("uncancel")).await;
    wait_events(&fake, "the event back on 7 December", |e| {
        monthly(e).first().is_some_and(|m| start_of(m) == at("2026-12-07T22:00:00Z"))
    })
    .await;

    // Once the meeting has ended, the event is moved on to the next one, by the clock alone.
    clock.set(at("2026-12-07T23:31:00Z"));
    let events = wait_events(&fake, "the event moved to January after the meeting", |e| {
        monthly(e).first().is_some_and(|m| start_of(m) == at("2027-01-04T22:00:00Z"))
    })
    .await;
    assert_eq!(monthly(&events).len(), 1, "one event per meeting, never a second");
    let creates =
        fake.calls().await.iter().filter(|c| c.method == "POST" && c.path.ends_with("/scheduled-events")).count();
    assert_eq!(creates, 1, "moved, not remade: members' Interested carries over");
    gateway.stop().await;
}

fn campaign_option() -> Value {
    json!([{"name": "campaign", "type": 3, "value": "jilamito"}])
}

fn callback_raw(calls: &[common::fake_discord::Call], interaction: &Value) -> String {
    calls
        .iter()
        .rev()
        .find(|c| callback_for(c, interaction))
        .map(|c| String::from_utf8_lossy(&c.raw).to_string())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_of_another_server_gets_no_roster_no_csv_and_no_calendar_change() {
    let engine = engine_on(&shipped()).await;
    let (fake, gateway, _) = connect(&engine).await;
    interact(&fake, fake.command("signup", campaign_option(), ("222", "Beto"), "en-US", "0")).await;
    assert_eq!(engine.store().roster("jilamito").await.unwrap().len(), 1);

    // Mallory adds the bot to her own server, where she is Administrator (permissions 8).
    let attacks = [
        ("signups", campaign_option()),
        ("export", campaign_option()),
        ("cancel", json!([{"name": "date", "type": 3, "value": "2026-12-07"}])),
        (
            "move",
            json!([{"name": "date", "type": 3, "value": "2026-12-07"}, {"name": "to", "type": 3, "value": "2026-12-08 18:00"}]),
        ),
        ("uncancel", json!([{"name": "date", "type": 3, "value": "2026-12-07"}])),
        (
            "addmeeting",
            json!([{"name": "date", "type": 3, "value": "2027-01-20"}, {"name": "time", "type": 3, "value": "18:00"}, {"name": "title", "type": 3, "value": "Fake"}]),
        ),
        ("remind", json!([{"name": "what", "type": 3, "value": "here"}])),
        ("signup", campaign_option()),
        ("withdraw", campaign_option()),
        ("forgetme", json!([{"name": "confirm", "type": 5, "value": true}])),
    ];
    // Each from another of her accounts, so that no answer is just "slow down".
    let accounts = ["660", "661", "662", "663", "664", "665", "666", "667", "668", "669"];
    for ((name, options), account) in attacks.into_iter().zip(accounts) {
        let i = fake.command_in_foreign_server(name, options, (account, "Mallory"), "8");
        let r = interact(&fake, i.clone()).await;
        assert!(ephemeral(&r), "{name}");
        assert!(embed_text(&r).contains("I'm the bot of"), "{name}: {}", embed_text(&r));
        let raw = callback_raw(&fake.calls().await, &i);
        assert!(!raw.contains("Beto") && !raw.contains("222") && !raw.contains("filename"), "{name}: {raw}");
    }
    // A button click there records nothing either.
    let posted = message_json("556", "600000000000000002", &json!({}));
    let mut click = fake.click("cv:signup:en:jilamito:petition", posted, ("666", "Mallory"), "en-US");
    click["guild_id"] = json!(FOREIGN_GUILD_ID);
    let r = interact(&fake, click).await;
    assert!(ephemeral(&r) && r["type"] == 4, "a private answer, not an update of the message: {r}");

    let store = engine.store();
    assert!(store.changes().await.unwrap().is_empty(), "the home meeting is untouched");
    assert!(store.extra_meetings().await.unwrap().is_empty());
    assert!(store.subscriptions().await.unwrap().is_empty());
    let roster = store.roster("jilamito").await.unwrap();
    assert_eq!((roster.len(), roster[0].name.as_str()), (1, "Beto"), "no sign-up taken or dropped there");
    // Public answers are still given there; the group's December meeting still stands.
    let r = interact(&fake, fake.command_in_foreign_server("meeting", json!([]), ("666", "Mallory"), "8")).await;
    assert!(!ephemeral(&r) && embed_text(&r).contains("5:00–6:30 PM E"), "{}", embed_text(&r));
    let r = interact(&fake, fake.command("meeting", json!([]), ("111", "Ana"), "en-US", "0")).await;
    assert!(embed_text(&r).contains("December 7"), "{}", embed_text(&r));
    gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_a_dm_standing_is_read_from_the_home_server() {
    let engine = engine_on(&shipped()).await;
    let (fake, gateway, _) = connect(&engine).await;
    interact(&fake, fake.command("signup", campaign_option(), ("222", "Beto"), "en-US", "0")).await;
    fake.set_member("333", &[]).await;
    fake.set_member("444", &[ORGANIZER_ROLE]).await;
    fake.set_member("555", &[EVENTS_ROLE]).await;
    fake.set_member("777", &[ADMIN_ROLE]).await;
    fake.set_member(OWNER_ID, &[]).await;

    // Someone who is not in the home server signs up, goes and gets a calendar link by DM:
    // nothing, since membership is read from the home at each request.
    for (name, options) in [("signup", campaign_option()), ("going", json!([])), ("mycalendar", json!([]))] {
        let r = interact(&fake, fake.command_in_dm(name, options, ("666", "Mallory"))).await;
        assert!(ephemeral(&r) && embed_text(&r).contains("are for members of"), "{name}: {}", embed_text(&r));
    }
    let roster = engine.store().roster("jilamito").await.unwrap();
    assert!(roster.iter().all(|e| e.user_id != "666"), "{roster:?}");

    // A member without standing, one whose role has Manage Events (no longer organizer
    // standing), and someone who is not in the home server at all.
    for who in [("333", "Carla"), ("555", "Eva"), ("666", "Mallory")] {
        let r = interact(&fake, fake.command_in_dm("signups", campaign_option(), who)).await;
        assert!(ephemeral(&r) && embed_text(&r).contains("only organizers"), "{who:?}: {}", embed_text(&r));
    }
    // The organizer role, Administrator and the owner, each read from the home.
    for who in [("444", "Dana"), ("777", "Gus"), (OWNER_ID, "Olga")] {
        let r = interact(&fake, fake.command_in_dm("signups", campaign_option(), who)).await;
        assert!(ephemeral(&r) && embed_text(&r).contains("Beto"), "{who:?}: {}", embed_text(&r));
    }
    let members_read = |calls: &[common::fake_discord::Call]| {
        calls.iter().filter(|c| c.path == format!("/api/v10/guilds/{GUILD_ID}/members/444")).count()
    };
    assert_eq!(members_read(&fake.calls().await), 1);
    // Read again within a minute: from the cache, no new call.
    let r = interact(
        &fake,
        fake.command_in_dm("cancel", json!([{"name": "date", "type": 3, "value": "2026-12-07"}]), ("444", "Dana")),
    )
    .await;
    assert!(ephemeral(&r) && embed_text(&r).contains("Cancelled"), "{}", embed_text(&r));
    assert_eq!(members_read(&fake.calls().await), 1, "standing cached briefly");
    assert_eq!(engine.store().changes().await.unwrap().len(), 1);
    // No reminders in a DM.
    let r = interact(
        &fake,
        fake.command_in_dm("remind", json!([{"name": "what", "type": 3, "value": "here"}]), ("444", "Dana")),
    )
    .await;
    assert!(embed_text(&r).contains("Reminders go to the channels"), "{}", embed_text(&r));
    assert!(engine.store().subscriptions().await.unwrap().is_empty());
    // A group DM (context 2) is not the bot's own DM: public answers only.
    let mut group = fake.command_in_dm("signups", campaign_option(), ("444", "Dana"));
    group["context"] = json!(2);
    group["channel"]["type"] = json!(3);
    let r = interact(&fake, group).await;
    assert!(embed_text(&r).contains("I'm the bot of"), "{}", embed_text(&r));
    gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_never_ping_and_names_stay_text() {
    let engine = engine_on(&shipped()).await;
    let (fake, gateway, _) = connect(&engine).await;
    interact(&fake, fake.command("signup", campaign_option(), ("222", "@everyone **x**"), "en-US", "0")).await;
    let i = fake.organizer_command("signups", campaign_option(), ("555", "Eva"));
    let r = interact(&fake, i).await;
    assert_eq!(r["data"]["allowed_mentions"]["parse"], json!([]), "{r}");
    assert!(embed_text(&r).contains(r"\@everyone \*\*x\*\*"), "{}", embed_text(&r));
    gateway.stop().await;
}

/// A Discord that accepts connections and never answers: each request ends at the client's
/// timeout instead of holding its caller forever. (Paused time: the timeout passes at once.)
#[tokio::test(start_paused = true)]
async fn a_discord_that_never_answers_is_given_up_at_the_request_timeout() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    let config = DiscordConfig { api_base: Some(format!("http://{addr}")), ..Default::default() };
    let http = convoca::discord::http_client(&config, "token");
    let started = tokio::time::Instant::now();
    let answer = tokio::time::timeout(std::time::Duration::from_secs(600), http.get_current_user()).await;
    let waited = started.elapsed();
    assert!(matches!(answer, Ok(Err(_))), "gave up with an error, not after ten minutes");
    assert!(
        waited >= convoca::discord::REQUEST_TIMEOUT && waited < convoca::discord::REQUEST_TIMEOUT * 2,
        "{waited:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_who_floods_gets_a_short_private_slow_down_and_others_are_unaffected() {
    let engine = engine_on(&shipped()).await;
    let (fake, gateway, _) = connect(&engine).await;
    let ask = |user: (&'static str, &'static str), locale: &'static str| {
        fake.command("mission", json!([]), user, locale, "0")
    };
    let mut answers = Vec::new();
    for _ in 0..12 {
        answers.push(interact(&fake, ask(("777", "Flood"), "en-US")).await);
    }
    let slowed: Vec<bool> = answers.iter().map(|r| embed_text(r).contains("faster than I can answer")).collect();
    assert!(slowed[..8].iter().all(|s| !s), "a burst of eight is answered");
    assert!(slowed[8..].iter().all(|s| *s), "each one over the limit gets the short answer");
    assert!(answers[8..].iter().all(ephemeral), "privately");
    let other = interact(&fake, ask(("778", "Calm"), "es-ES")).await;
    assert!(embed_text(&other).contains("Grupo de Trabajo"), "{}", embed_text(&other));
    let spanish = interact(&fake, ask(("777", "Flood"), "es-ES")).await;
    assert!(embed_text(&spanish).contains("más rápido de lo que puedo responder"), "{}", embed_text(&spanish));
    gateway.stop().await;
}

/// A scheduler posting Discord reminders to `channels` (the monthly meeting's, in the
/// content) through a real sender, on a hand-moved clock standing five seconds before the
/// one-day reminder of December 7.
async fn scheduler_for(
    channels: &[String],
) -> (FakeDiscord, Gateway, common::scheduler::Running, convoca::reminders::ManualClock) {
    let list: Vec<&str> = channels.iter().map(String::as_str).collect();
    let dir = common::scheduler::content_with(&list, "");
    let engine = engine_with(dir.path(), sqlite_store().await);
    std::mem::forget(dir);
    let (fake, gateway, _) = connect(&engine).await;
    let clock = convoca::reminders::ManualClock::new(at("2026-12-06T21:59:55Z"));
    let sender = Arc::new(convoca::discord::DiscordSender::new(Arc::clone(&gateway.http)));
    let run = common::scheduler::start_with(
        &engine,
        sender,
        Arc::new(clock.clone()),
        convoca::reminders::SchedulerConfig::default(),
    );
    (fake, gateway, run, clock)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_reminders_at_once_keep_discords_global_limit_and_each_is_posted_once() {
    let channels: Vec<String> = (0..60).map(|i| format!("discord:{}", 710_000_000_000_000_000u64 + i)).collect();
    let (fake, gateway, mut run, clock) = scheduler_for(&channels).await;
    fake.set_limits(5, std::time::Duration::from_secs(5), 20);
    run.status.wait_for(|s| s.sleeping_until.is_some()).await.unwrap();
    clock.set(at("2026-12-06T22:00:00Z"));
    let s = common::scheduler::wait_status(&mut run.status, "all posted", |s| s.sent == 60 && s.in_flight == 0).await;
    let mut posted: Vec<String> =
        fake.created().await.iter().map(|m| m["channel_id"].as_str().unwrap().to_string()).collect();
    posted.sort();
    posted.dedup();
    assert_eq!((fake.created().await.len(), posted.len()), (60, 60), "each channel once");
    assert!(fake.rate_limited() > 0, "the limit was reached (20 a second)");
    assert_eq!(fake.violations(), 0, "and never sent into after a 429");
    println!("429s: {}; lateness max {} ms", fake.rate_limited(), s.lateness_ms.iter().max().unwrap());
    run.stop.send(true).unwrap();
    run.handle.await.unwrap();
    gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posts_to_one_channel_wait_for_its_bucket_instead_of_being_refused() {
    use convoca::reminders::{Post, Sender};
    let engine = engine_on(&shipped()).await;
    let (fake, gateway, _) = connect(&engine).await;
    fake.set_limits(3, std::time::Duration::from_millis(500), 50);
    let sender = Arc::new(convoca::discord::DiscordSender::new(Arc::clone(&gateway.http)));
    let mut posts = Vec::new();
    for i in 0..8 {
        let sender = Arc::clone(&sender);
        posts.push(tokio::spawn(async move {
            let post = Post {
                to: convoca::reminders::To::Channel(CHANNEL_ID.into()),
                key: format!("key-{i}"),
                reply: Arc::new(convoca::engine::Reply::public().text(format!("post {i}"))),
                due: chrono::Utc::now(),
                late: false,
                locale: convoca::locale::Locale::En,
                calendar_domain: String::new(),
            };
            sender.send(&post).await
        }));
    }
    let started = std::time::Instant::now();
    for p in posts {
        p.await.unwrap().unwrap();
    }
    assert_eq!(fake.created().await.len(), 8);
    assert_eq!(fake.rate_limited(), 0, "one at a time, paced by the headers: never refused");
    assert!(started.elapsed() >= std::time::Duration::from_millis(500), "three a window: paced over two windows");
    gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminders_refused_with_server_errors_are_retried_and_posted_once() {
    let channels = vec![format!("discord:{CHANNEL_ID}"), "discord:700000000000000003".to_string()];
    let (fake, gateway, mut run, clock) = scheduler_for(&channels).await;
    fake.fail_posts(&[500, 502]).await;
    run.status.wait_for(|s| s.sleeping_until.is_some()).await.unwrap();
    let due = at("2026-12-06T22:00:00Z");
    clock.set(due);
    common::scheduler::wait_status(&mut run.status, "both refused, retry planned", |s| {
        s.in_flight == 0 && s.sleeping_until == Some(due + Duration::seconds(30))
    })
    .await;
    assert!(fake.created().await.is_empty());
    clock.set(due + Duration::seconds(30));
    common::scheduler::wait_status(&mut run.status, "both posted", |s| s.sent == 2 && s.in_flight == 0).await;
    let created = fake.created().await;
    assert_eq!(created.len(), 2, "once each");
    assert_ne!(created[0]["channel_id"], created[1]["channel_id"]);
    run.stop.send(true).unwrap();
    run.handle.await.unwrap();
    gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_read_message_history_a_retried_reminder_is_still_posted() {
    let channels = vec![format!("discord:{CHANNEL_ID}")];
    let (fake, gateway, mut run, clock) = scheduler_for(&channels).await;
    fake.deny_history();
    fake.fail_posts(&[500]).await;
    run.status.wait_for(|s| s.sleeping_until.is_some()).await.unwrap();
    let due = at("2026-12-06T22:00:00Z");
    clock.set(due);
    common::scheduler::wait_status(&mut run.status, "refused, retry planned", |s| {
        s.in_flight == 0 && s.sleeping_until == Some(due + Duration::seconds(30))
    })
    .await;
    clock.set(due + Duration::seconds(30));
    common::scheduler::wait_status(&mut run.status, "posted", |s| s.sent == 1 && s.in_flight == 0).await;
    let looked = fake.calls().await.iter().filter(|c| c.method == "GET" && c.path.ends_with("/messages")).count();
    assert_eq!(looked, 1, "it tried to look first");
    assert_eq!(fake.created().await.len(), 1);
    assert_eq!(run.status.borrow().failed, 0, "a refused look is not a failed reminder");
    run.stop.send(true).unwrap();
    run.handle.await.unwrap();
    gateway.stop().await;
}

/// The gateway killed by the fault hook: its shards are closed, a new client connects (a new
/// IDENTIFY), and commands are answered again, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_gateway_connects_again_and_answers() {
    let engine = engine_on(&shipped()).await;
    let fake = FakeDiscord::start().await;
    let config = config_for(&fake);
    let supervisor = convoca::supervisor::Tasks::new();
    let clock = Arc::new(convoca::reminders::SystemClock);
    let gateway = Gateway::start_supervised(&config, engine.clone(), clock, &supervisor).await.unwrap();
    fake.wait_identified(1).await;
    let r = interact(&fake, fake.command("mission", json!([]), ("111", "Ana"), "en-US", "0")).await;
    assert!(embed_text(&r).contains("Working Group"), "{}", embed_text(&r));
    assert!(supervisor.kill("discord gateway"));
    fake.wait_identified(2).await;
    let states = supervisor.states();
    assert_eq!(states["discord gateway"].restarts, 1);
    let i = fake.command("mission", json!([]), ("111", "Ana"), "en-US", "0");
    let r = interact(&fake, i.clone()).await;
    assert!(embed_text(&r).contains("Working Group"), "{}", embed_text(&r));
    let answers = fake.calls().await.iter().filter(|c| callback_for(c, &i)).count();
    assert_eq!(answers, 1, "answered once");
    until("one gateway connection open", std::time::Duration::from_secs(10), async || fake.open_gateways() == 1).await;
    gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn going_by_button_then_a_reminder_by_dm_opened_once_and_closed_dms_recorded() {
    let engine = engine_on(&shipped()).await;
    let (fake, gateway, _) = connect(&engine).await;
    let store = engine.store().clone();
    // /meeting carries "Going" and "Can't make it" for the next date.
    let r = interact(&fake, fake.command("meeting", json!([]), ("111", "Ana"), "es-419", "0")).await;
    let ids: Vec<String> = r["data"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row["components"].as_array().unwrap().clone())
        .filter_map(|b| b["custom_id"].as_str().map(str::to_string))
        .collect();
    let going = ids.iter().find(|i| i.starts_with("cv:going:es:monthly:")).expect("a Going button").clone();
    assert!(ids.iter().any(|i| i.starts_with("cv:notgoing:es:monthly:")), "{ids:?}");
    let date = going.rsplit(':').next().unwrap().to_string();
    let posted = message_json("556", CHANNEL_ID, &r["data"]);
    let answer = interact(&fake, fake.click(&going, posted.clone(), ("111", "Ana"), "es-419")).await;
    assert!(ephemeral(&answer), "the answer is private");
    assert!(embed_text(&answer).contains("Vas a **Reunión mensual del GT-ALC**"), "{}", embed_text(&answer));
    interact(&fake, fake.click(&going, posted, ("222", "Bo"), "en-US")).await;
    fake.close_dms("222").await;
    let at_date = convoca::store::OccurrenceRef { meeting: "monthly".into(), date: date.parse().unwrap() };
    assert_eq!(store.rsvp_counts(&at_date).await.unwrap(), (2, 0));

    // An hour before: a DM to Ana, in Spanish, with its key; Bo's DMs are closed.
    let start = engine
        .calendar_changes()
        .await
        .map(|o| {
            let content = engine.content().current();
            convoca::agenda::Agenda::new(&content, &o).occurrence("monthly", at_date.date).unwrap().start
        })
        .unwrap();
    let clock = convoca::reminders::ManualClock::new(start - Duration::hours(1) - Duration::seconds(5));
    let sender = Arc::new(convoca::discord::DiscordSender::new(Arc::clone(&gateway.http)));
    let mut run = common::scheduler::start_with(
        &engine,
        sender.clone(),
        Arc::new(clock.clone()),
        convoca::reminders::SchedulerConfig::default(),
    );
    run.status.wait_for(|s| s.sleeping_until.is_some()).await.unwrap();
    clock.set(start - Duration::hours(1));
    common::scheduler::wait_status(&mut run.status, "one sent, one refused", |s| s.sent == 1 && s.failed == 1).await;
    let dm = fake.dm_channel("111").await.expect("a DM channel with Ana");
    let created = fake.created().await;
    let to_ana: Vec<&Value> = created.iter().filter(|m| m["channel_id"] == dm.as_str()).collect();
    assert_eq!(to_ana.len(), 1);
    let embed = &to_ana[0]["embeds"][0];
    assert!(embed["title"].as_str().unwrap().contains("Recordatorio"), "{embed}");
    assert!(embed["footer"]["text"].as_str().unwrap().contains("ref "), "the key travels in the footer");
    let buttons = to_ana[0]["components"].to_string();
    assert!(buttons.contains(&format!("cv:notgoing:es:monthly:{date}")), "{buttons}");
    assert_eq!(fake.dm_opens(), 2, "one DM channel opened per person");
    let bo = convoca::chat::User { platform: convoca::chat::Platform::Discord, id: "222".into(), name: "Bo".into() };
    assert!(store.standing_of(&bo).await.unwrap().unwrap().0, "Bo recorded unreachable (50007)");

    // The next personal message to Ana goes to the stored channel: no second open.
    let after = engine
        .calendar_changes()
        .await
        .map(|o| {
            let content = engine.content().current();
            let agenda = convoca::agenda::Agenda::new(&content, &o);
            let next = agenda.upcoming(
                convoca::agenda::Which::All,
                start + Duration::hours(3),
                1,
                convoca::agenda::Cancelled::Skipped,
            );
            (next[0].date, next[0].start)
        })
        .unwrap();
    let next = interact(
        &fake,
        fake.command(
            "going",
            json!([{"name": "date", "type": 3, "value": after.0.to_string()}]),
            ("111", "Ana"),
            "es-419",
            "0",
        ),
    )
    .await;
    assert!(embed_text(&next).contains("Vas a"), "{}", embed_text(&next));
    run.stop.send(true).unwrap();
    run.handle.await.unwrap();
    let next_start = after.1;
    clock.set(next_start - Duration::hours(1) - Duration::seconds(5));
    let mut run = common::scheduler::start_with(&engine, sender, Arc::new(clock.clone()), Default::default());
    run.status.wait_for(|s| s.sleeping_until.is_some()).await.unwrap();
    clock.set(next_start - Duration::hours(1));
    common::scheduler::wait_status(&mut run.status, "sent", |s| s.sent == 1 && s.in_flight == 0).await;
    assert_eq!(fake.created().await.iter().filter(|m| m["channel_id"] == dm.as_str()).count(), 2);
    assert_eq!(fake.dm_opens(), 2, "the stored DM channel was used");
    run.stop.send(true).unwrap();
    run.handle.await.unwrap();
    gateway.stop().await;
}

/// A click on a button of a message in the bot's DM with `user`.
fn dm_click(fake: &FakeDiscord, custom_id: &str, message: Value, user: (&str, &str)) -> Value {
    let mut click = fake.click(custom_id, message, user, "en-US");
    let who = click["member"]["user"].clone();
    let object = click.as_object_mut().unwrap();
    object.remove("member");
    object.remove("guild_id");
    click["user"] = who;
    click["context"] = json!(1);
    click["channel"] = json!({"id": click["channel_id"].clone(), "type": 1});
    click
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn did_you_do_it_comes_by_dm_with_buttons_and_done_offers_the_next_step() {
    // The petition asks a minute after signing it, and leads to the rally.
    let dir = copy_of_shipped();
    let path = dir.path().join("campaigns/jilamito.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replace("slug = \"petition\"", "slug = \"petition\"\nfollow_up = \"1m\"\nnext = \"rally\"");
    std::fs::write(&path, text).unwrap();
    let engine = engine_on(dir.path()).await;
    let (fake, gateway, _) = connect(&engine).await;
    let clock = convoca::reminders::ManualClock::new(chrono::Utc::now());
    let sender = Arc::new(convoca::discord::DiscordSender::new(Arc::clone(&gateway.http)));
    let mut run = common::scheduler::start_with(
        &engine,
        sender,
        Arc::new(clock.clone()),
        convoca::reminders::SchedulerConfig::default(),
    );
    run.status.wait_for(|s| s.sleeping_until.is_some()).await.unwrap();
    let options = json!([{"name": "campaign", "type": 3, "value": "jilamito"}, {"name": "action", "type": 3, "value": "petition"}]);
    let r = interact(&fake, fake.command("signup", options, ("111", "Ana"), "en-US", "0")).await;
    assert!(embed_text(&r).contains("You're signed up"), "{}", embed_text(&r));
    // Ana belongs to the home server: her answers by DM are read as a member's.
    fake.set_member("111", &[]).await;

    clock.set(chrono::Utc::now() + Duration::minutes(2));
    common::scheduler::wait_status(&mut run.status, "the follow-up sent", |s| s.sent == 1 && s.in_flight == 0).await;
    let dm = fake.dm_channel("111").await.expect("a DM channel with Ana");
    let created = fake.created().await;
    let question = created.iter().find(|m| m["channel_id"] == dm.as_str()).expect("the question");
    assert!(question["embeds"][0]["title"].as_str().unwrap().contains("Did you do it?"), "{question}");
    let ids: Vec<String> = question["components"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row["components"].as_array().unwrap().clone())
        .filter_map(|b| b["custom_id"].as_str().map(str::to_string))
        .collect();
    assert_eq!(
        ids,
        ["cv:done:en:jilamito:petition", "cv:notyet:en:jilamito:petition", "cv:couldnt:en:jilamito:petition"]
    );

    // Done, pressed in the DM: a private thanks with the next step's button; the question stays.
    let message = message_json("900", &dm, question);
    let thanks = interact(&fake, dm_click(&fake, &ids[0], message.clone(), ("111", "Ana"))).await;
    assert_eq!(thanks["type"], 4, "a new message, not an update of the question");
    assert!(ephemeral(&thanks) && embed_text(&thanks).contains("Thank you! Noted"), "{}", embed_text(&thanks));
    let next = thanks["data"]["components"].to_string();
    assert!(next.contains("cv:signup:en:jilamito:rally"), "{next}");
    let ana = convoca::chat::User { platform: convoca::chat::Platform::Discord, id: "111".into(), name: "Ana".into() };
    let mine = engine.store().signups_of(&ana).await.unwrap();
    assert_eq!(mine[0].outcome, Some(convoca::store::Outcome::Done));

    // The next step's button, pressed in the DM: signed up, answered privately.
    let joined = interact(&fake, dm_click(&fake, "cv:signup:en:jilamito:rally", message, ("111", "Ana"))).await;
    assert_eq!(joined["type"], 4);
    assert!(ephemeral(&joined) && embed_text(&joined).contains("You're signed up"), "{}", embed_text(&joined));
    assert_eq!(engine.store().signups_of(&ana).await.unwrap().len(), 2);
    run.stop.send(true).unwrap();
    run.handle.await.unwrap();
    gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_members_link_goes_only_to_people_still_in_the_home_server() {
    const LINK: &str = "https://zoom.example/j/4242";
    let dir = copy_of_shipped();
    let meeting = dir.path().join("meetings/monthly.toml");
    let text = std::fs::read_to_string(&meeting).unwrap().replace("link = \"\"", &format!("link = \"{LINK}\""));
    std::fs::write(&meeting, text).unwrap();
    let engine = engine_on(dir.path()).await;
    let (fake, gateway, _) = connect(&engine).await;
    // Both answer in the home server; Ana stays, Bo is removed before the reminder.
    fake.set_member("111", &[]).await;
    for who in [("111", "Ana"), ("222", "Bo")] {
        let r = interact(&fake, fake.command("going", json!([]), who, "en-US", "0")).await;
        assert!(embed_text(&r).contains("You're going"), "{}", embed_text(&r));
    }
    let content = engine.content().current();
    let changes = engine.calendar_changes().await.unwrap();
    let next = convoca::agenda::Agenda::new(&content, &changes).upcoming(
        convoca::agenda::Which::All,
        chrono::Utc::now(),
        1,
        convoca::agenda::Cancelled::Skipped,
    )[0]
    .start;
    let clock = convoca::reminders::ManualClock::new(next - Duration::hours(1) - Duration::seconds(5));
    let homes = vec![serenity::all::GuildId::new(GUILD_ID.parse().unwrap())];
    let sender = Arc::new(convoca::discord::DiscordSender::new(Arc::clone(&gateway.http)).homes(homes));
    let mut run = common::scheduler::start_with(&engine, sender, Arc::new(clock.clone()), Default::default());
    run.status.wait_for(|s| s.sleeping_until.is_some()).await.unwrap();
    clock.set(next - Duration::hours(1));
    common::scheduler::wait_status(&mut run.status, "both sent", |s| s.sent == 2 && s.in_flight == 0).await;
    let created = fake.created().await;
    let mut to = std::collections::HashMap::new();
    for user in ["111", "222"] {
        let dm = fake.dm_channel(user).await.expect("a DM channel");
        to.insert(user, created.iter().find(|m| m["channel_id"] == dm.as_str()).expect("a reminder").to_string());
    }
    let to = |user: &str| to[user].clone();
    assert!(to("111").contains(LINK), "a member still in the server gets the link: {}", to("111"));
    assert!(!to("222").contains(LINK), "no members' link once out of the server: {}", to("222"));
    run.stop.send(true).unwrap();
    run.handle.await.unwrap();
    gateway.stop().await;
}

/// A reminder channel deleted on Discord fails for good, once: it is not asked for again and
/// again until the meeting (it was taken for a person's direct channel gone, retried at once).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reminder_to_a_deleted_channel_fails_once_and_is_not_retried() {
    use convoca::reminders::{ManualClock, SchedulerConfig};
    let dir = common::scheduler::content_with(&[&format!("discord:{CHANNEL_ID}")], "");
    let engine = engine_with(dir.path(), sqlite_store().await);
    let (fake, gateway, _) = connect(&engine).await;
    fake.delete_channel(CHANNEL_ID).await;
    let due = at("2026-12-06T22:00:00Z");
    let clock = ManualClock::new(due - Duration::seconds(5));
    let sender = convoca::discord::DiscordSender::new(Arc::clone(&gateway.http));
    let mut run =
        common::scheduler::start_with(&engine, Arc::new(sender), Arc::new(clock.clone()), SchedulerConfig::default());
    run.status.wait_for(|s| s.sleeping_until.is_some()).await.unwrap();
    clock.set(due);
    let s = common::scheduler::wait_status(&mut run.status, "failed", |s| s.failed == 1 && s.in_flight == 0).await;
    assert_eq!(s.sent, 0);
    let posts = fake.calls().await.iter().filter(|c| c.method == "POST" && c.path.ends_with("/messages")).count();
    assert_eq!(posts, 1, "asked once");
    run.stop.send(true).unwrap();
    let _ = run.handle.await;
    gateway.stop().await;
}
