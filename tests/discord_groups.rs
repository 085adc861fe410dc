//! One Discord bot for an organization of three groups, against the fake Discord: each
//! question is answered by the group whose home it was asked in, and authority never
//! crosses groups.
//!
//! Server 100 is shared: `lacwg` lives in a category of it, `sur` (Spanish) in one of its
//! channels, and the organization in the rest of it (role "Board"). `west` owns server 200.
//! Every test below is an attacker's request and the assertion that nothing leaks or changes,
//! or the ordinary request it must not break.

mod common;

use std::sync::Arc;

use common::fake_discord::{APP_ID, FakeDiscord, callback_for, embed_text, ephemeral, interact, message_json};
use common::org::{GroupSpec, write_group, write_root};
use common::*;
use convoca::config::{DiscordConfig, Secret};
use convoca::discord::Gateway;
use convoca::engine::{Engine, Organization, Settings};
use convoca::group_id::GroupId;
use serde_json::{Value, json};

/// Server 100, shared by the organization, lacwg and sur.
const S100: &str = "100";
/// lacwg's category in server 100, its channel in it, and a thread in that channel.
const LACWG_CATEGORY: &str = "1100";
const LACWG_CHANNEL: &str = "1101";
const LACWG_THREAD: &str = "1102";
/// sur's channel in server 100 (in no category).
const SUR_CHANNEL: &str = "1200";
/// The organization's channel: any other channel of server 100.
const ORG_CHANNEL: &str = "1300";
/// Server 200, west's own, and a channel in it.
const S200: &str = "200";
const WEST_CHANNEL: &str = "2100";
/// Server 300, for a group added while the bot runs.
const S300: &str = "300";
const NORTH_CHANNEL: &str = "3100";

/// Roles of server 100.
const LACWG_ROLE: &str = "1001";
const SUR_ROLE: &str = "1002";
const BOARD_ROLE: &str = "1003";
const ADMINS_100: &str = "1004";
/// Server 300's organizer role.
const NORTH_ROLE: &str = "3001";

/// People: members of server 100 (Ana, Beto); lacwg's organizer (Lucía), sur's (Sofía), a
/// Board member (Bruno), an Administrator of server 100 holding no group's role (Adam);
/// west's organizer (Wes, who owns server 200 and is a plain member of server 100).
const ANA: (&str, &str) = ("501", "Ana");
const BETO: (&str, &str) = ("502", "Beto");
const LUCIA: (&str, &str) = ("511", "Lucía");
const SOFIA: (&str, &str) = ("512", "Sofía");
const BRUNO: (&str, &str) = ("513", "Bruno");
const ADAM: (&str, &str) = ("514", "Adam");
const WES: (&str, &str) = ("521", "Wes");
const OWNER_100: &str = "599";

/// Administrator, as Discord computes it into an interaction's permissions.
const ADMINISTRATOR: &str = "8";

struct Deployment {
    fake: FakeDiscord,
    gateway: Gateway,
    org: Organization,
    dir: tempfile::TempDir,
}

impl Deployment {
    fn group(&self, slug: &str) -> Engine {
        self.org.group(&GroupId::named(slug)).unwrap_or_else(|| panic!("no group {slug}"))
    }

    /// `user` (member of that server, with `roles` and `permissions`) asks `name` in `channel`.
    #[allow(clippy::too_many_arguments)]
    async fn ask(
        &self,
        guild: &str,
        channel: &str,
        name: &str,
        options: Value,
        user: (&str, &str),
        locale: &str,
        permissions: &str,
        roles: &[&str],
    ) -> Value {
        let i = self.fake.command_in((guild, channel), name, options, user, locale, (permissions, roles));
        interact(&self.fake, i).await
    }

    /// The same in the bot's DM.
    async fn dm(&self, name: &str, options: Value, user: (&str, &str)) -> Value {
        interact(&self.fake, self.fake.command_in_dm(name, options, user)).await
    }
}

fn groups() -> Vec<GroupSpec> {
    let lacwg = GroupSpec {
        discord: vec![format!("{S100}/{LACWG_CATEGORY}")],
        organizer_role: Some("LACWG organizers"),
        ..GroupSpec::new("lacwg", "Latin America Working Group")
    };
    let sur = GroupSpec {
        language: "es",
        discord: vec![format!("{S100}/{SUR_CHANNEL}")],
        organizer_role: Some("Sur organizers"),
        ..GroupSpec::new("sur", "Grupo Sur")
    };
    let west = GroupSpec {
        zone: "America/Los_Angeles",
        discord: vec![S200.to_string()],
        ..GroupSpec::new("west", "West Coast Group")
    };
    vec![lacwg, sur, west]
}

/// Servers 100 and 200 as Discord has them, with their people.
fn servers(fake: &FakeDiscord) {
    fake.add_guild(S100, "State Peace Action", OWNER_100);
    for (id, name, perms) in [
        (LACWG_ROLE, "LACWG organizers", "0"),
        (SUR_ROLE, "Sur organizers", "0"),
        (BOARD_ROLE, "Board", "0"),
        (ADMINS_100, "Admins", ADMINISTRATOR),
    ] {
        fake.add_role(S100, id, name, perms);
    }
    fake.add_channel(S100, LACWG_CATEGORY, 4, None);
    fake.add_channel(S100, LACWG_CHANNEL, 0, Some(LACWG_CATEGORY));
    fake.add_channel(S100, LACWG_THREAD, 11, Some(LACWG_CHANNEL));
    fake.add_channel(S100, SUR_CHANNEL, 0, None);
    fake.add_channel(S100, ORG_CHANNEL, 0, None);
    for (who, roles) in [
        (ANA, vec![]),
        (BETO, vec![]),
        (LUCIA, vec![LACWG_ROLE]),
        (SOFIA, vec![SUR_ROLE]),
        (BRUNO, vec![BOARD_ROLE]),
        (ADAM, vec![ADMINS_100]),
        (WES, vec![]),
    ] {
        fake.add_member(S100, who.0, &roles);
    }
    fake.add_guild(S200, "West Coast", WES.0);
    fake.add_channel(S200, WEST_CHANNEL, 0, None);
}

/// The settings: no flood limit, as these tests send many commands from one person (the
/// limit has its own test).
fn settings() -> Settings {
    Settings { flood: convoca::engine::FloodLimit { burst: 0, ..Default::default() }, ..Default::default() }
}

/// The organization's content root, a database, the fake Discord and the bot, connected.
async fn deployment(scheduled_events: Option<convoca::reminders::ManualClock>) -> Deployment {
    let dir = tempfile::tempdir().unwrap();
    write_root(dir.path(), &[S100.to_string()], Some("Board"), &[], &groups());
    let org = Organization::open(dir.path(), sqlite_store().await, settings()).expect("the content loads");
    connected(org, dir, scheduled_events).await
}

async fn connected(
    org: Organization,
    dir: tempfile::TempDir,
    scheduled_events: Option<convoca::reminders::ManualClock>,
) -> Deployment {
    let fake = FakeDiscord::start().await;
    servers(&fake);
    // No DISCORD_HOME_GUILDS and no DISCORD_ORGANIZER_ROLE: the content says it all.
    let config = DiscordConfig {
        token: Some("fake-token".parse::<Secret>().unwrap()),
        api_base: Some(fake.base.clone()),
        scheduled_events: scheduled_events.is_some(),
        ..Default::default()
    };
    let gateway = match scheduled_events {
        Some(clock) => Gateway::start_with_clock(&config, org.clone(), Arc::new(clock)).await.unwrap(),
        None => Gateway::start(&config, org.clone()).await.unwrap(),
    };
    fake.wait_identified(1).await;
    Deployment { fake, gateway, org, dir }
}

fn campaign() -> Value {
    json!([{"name": "campaign", "type": 3, "value": "jilamito"}])
}

fn date(value: &str) -> Value {
    json!([{"name": "date", "type": 3, "value": value}])
}

/// The group's next monthly meeting date (so that a cancellation would be real).
async fn next_date(engine: &Engine) -> String {
    let content = engine.content().current();
    let changes = engine.calendar_changes().await.unwrap();
    let agenda = convoca::agenda::Agenda::new(&content, &changes);
    let next = agenda.upcoming(convoca::agenda::Which::All, chrono::Utc::now(), 1, convoca::agenda::Cancelled::Skipped);
    next[0].date.to_string()
}

/// Nothing an organizer changes is in this group's rows.
async fn untouched(engine: &Engine) {
    let store = engine.store();
    assert!(store.changes().await.unwrap().is_empty(), "{}: a meeting changed", engine.group());
    assert!(store.extra_meetings().await.unwrap().is_empty(), "{}: a meeting added", engine.group());
    assert!(store.subscriptions().await.unwrap().is_empty(), "{}: a channel subscribed", engine.group());
}

/// The raw callback that answered `interaction` (the CSV travels as a file in it).
async fn raw_answer(fake: &FakeDiscord, interaction: &Value) -> String {
    let calls = fake.calls().await;
    let call = calls.iter().rev().find(|c| callback_for(c, interaction)).expect("answered");
    String::from_utf8_lossy(&call.raw).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_group_answers_in_its_own_place() {
    let d = deployment(None).await;
    // lacwg's channel (its category is lacwg's home), and a thread in it (the category
    // asked of Discord).
    for channel in [LACWG_CHANNEL, LACWG_THREAD] {
        let r = d.ask(S100, channel, "meeting", json!([]), ANA, "en-US", "0", &[]).await;
        let text = embed_text(&r);
        assert!(!ephemeral(&r) && text.contains("Latin America Working Group monthly meeting"), "{channel}: {text}");
        assert!(text.contains("5:00–6:30 PM E"), "{text}");
    }
    // sur's channel: sur's meeting, in Spanish for a Spanish-speaking member; its mission.
    let r = d.ask(S100, SUR_CHANNEL, "meeting", json!([]), ANA, "es-419", "0", &[]).await;
    let text = embed_text(&r);
    assert!(text.contains("Reunión mensual") && text.contains("p. m."), "{text}");
    let r = d.ask(S100, SUR_CHANNEL, "meeting", json!([]), ANA, "en-US", "0", &[]).await;
    assert!(embed_text(&r).contains("Grupo Sur monthly meeting"), "{}", embed_text(&r));
    let r = d.ask(S100, SUR_CHANNEL, "mission", json!([]), ANA, "es-419", "0", &[]).await;
    assert!(embed_text(&r).contains("Grupo Sur works for peace"), "{}", embed_text(&r));
    // west's server: its meeting, in its own zone.
    let r = d.ask(S200, WEST_CHANNEL, "meeting", json!([]), WES, "en-US", "0", &[]).await;
    let text = embed_text(&r);
    assert!(text.contains("West Coast Group monthly meeting") && text.contains("5:00–6:30 PM P"), "{text}");
    // Anywhere else in server 100: the organization's home, with every group's meeting.
    let r = d.ask(S100, ORG_CHANNEL, "meeting", json!([]), ANA, "en-US", "0", &[]).await;
    let text = embed_text(&r);
    for name in ["Latin America Working Group", "Grupo Sur", "West Coast Group"] {
        assert!(text.contains(name), "{name}: {text}");
    }
    // Autocomplete in sur's channel suggests sur's campaigns.
    let mut typing = d.fake.command_in((S100, SUR_CHANNEL), "campaign", json!([]), ANA, "en-US", ("0", &[]));
    typing["type"] = json!(4);
    typing["data"]["options"] = json!([{"name": "campaign", "type": 3, "value": "jil", "focused": true}]);
    let r = interact(&d.fake, typing).await;
    assert_eq!(r["data"]["choices"][0]["value"], "jilamito", "{r}");
    let categories =
        d.fake.calls().await.iter().filter(|c| c.path == format!("/api/v10/channels/{LACWG_CHANNEL}")).count();
    assert_eq!(categories, 1, "the thread's category read once");
    d.gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_up_belongs_to_the_group_whose_channel_it_was_made_in() {
    let d = deployment(None).await;
    let (lacwg, sur) = (d.group("lacwg"), d.group("sur"));
    // Ana by command in lacwg's channel; Beto by the button on lacwg's campaign message.
    let r = d.ask(S100, LACWG_CHANNEL, "signup", campaign(), ANA, "en-US", "0", &[]).await;
    assert!(embed_text(&r).contains("You're signed up"), "{}", embed_text(&r));
    let r = d.ask(S100, LACWG_CHANNEL, "campaign", campaign(), BETO, "en-US", "0", &[]).await;
    let posted = message_json("777", LACWG_CHANNEL, &r["data"]);
    let click = d.fake.click_in(S100, LACWG_CHANNEL, "cv:signup:en:jilamito:petition", posted, BETO);
    let update = interact(&d.fake, click).await;
    assert_eq!(update["type"], 7, "the public message updated with lacwg's count: {update}");
    let roster: Vec<String> = lacwg.store().roster("jilamito").await.unwrap().into_iter().map(|e| e.name).collect();
    assert!(roster.contains(&"Ana".to_string()) && roster.contains(&"Beto".to_string()), "{roster:?}");
    assert!(sur.store().roster("jilamito").await.unwrap().is_empty(), "nothing in sur's roster");
    // lacwg's organizer sees them in lacwg's channel; sur's organizer, in sur's, does not.
    let r = d.ask(S100, LACWG_CHANNEL, "signups", campaign(), LUCIA, "en-US", "0", &[LACWG_ROLE]).await;
    assert!(ephemeral(&r) && embed_text(&r).contains("Ana") && embed_text(&r).contains("Beto"), "{}", embed_text(&r));
    let r = d.ask(S100, SUR_CHANNEL, "signups", campaign(), SOFIA, "en-US", "0", &[SUR_ROLE]).await;
    assert!(!embed_text(&r).contains("Ana") && !embed_text(&r).contains("Beto"), "{}", embed_text(&r));
    // sur's organizer subscribes her channel: in sur's rows, not lacwg's.
    let r = d
        .ask(
            S100,
            SUR_CHANNEL,
            "remind",
            json!([{"name": "what", "type": 3, "value": "here"}]),
            SOFIA,
            "en-US",
            "0",
            &[SUR_ROLE],
        )
        .await;
    assert!(embed_text(&r).contains("This channel now gets reminders"), "{}", embed_text(&r));
    assert_eq!(sur.store().subscriptions().await.unwrap().len(), 1);
    assert!(lacwg.store().subscriptions().await.unwrap().is_empty());
    d.gateway.stop().await;
}

/// Every organizer command of a group, aimed at `date`.
fn organizer_commands(date_: &str) -> Vec<(&'static str, Value)> {
    vec![
        ("signups", campaign()),
        ("export", campaign()),
        ("attendees", json!([])),
        ("cancel", date(date_)),
        (
            "move",
            json!([{"name": "date", "type": 3, "value": date_}, {"name": "to", "type": 3, "value": "2027-06-08 18:00"}]),
        ),
        ("uncancel", date(date_)),
        (
            "addmeeting",
            json!([{"name": "date", "type": 3, "value": "2027-06-20"}, {"name": "time", "type": 3, "value": "18:00"}, {"name": "title", "type": 3, "value": "Fake"}]),
        ),
        ("remind", json!([{"name": "what", "type": 3, "value": "here"}])),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organizer_of_one_group_is_a_stranger_to_another_from_every_place() {
    let d = deployment(None).await;
    let sur = d.group("sur");
    // Beto signed up with sur: the name that must not leak.
    d.ask(S100, SUR_CHANNEL, "signup", campaign(), BETO, "en-US", "0", &[]).await;
    assert_eq!(sur.store().roster("jilamito").await.unwrap().len(), 1);
    let when = next_date(&sur).await;

    // Lucía, lacwg's organizer, in sur's channel, and in the organization's home.
    for channel in [SUR_CHANNEL, ORG_CHANNEL] {
        for (name, options) in organizer_commands(&when) {
            let i = d.fake.command_in((S100, channel), name, options, LUCIA, "en-US", ("0", &[LACWG_ROLE]));
            let r = interact(&d.fake, i.clone()).await;
            assert!(ephemeral(&r), "{channel} {name}");
            let text = embed_text(&r);
            assert!(text.contains("only organizers"), "{channel} {name}: {text}");
            let raw = raw_answer(&d.fake, &i).await;
            assert!(!raw.contains("Beto") && !raw.contains(BETO.0) && !raw.contains("filename"), "{name}: {raw}");
        }
    }
    // In lacwg's own channel her commands are lacwg's: sur's names are not there either.
    let r = d.ask(S100, LACWG_CHANNEL, "signups", campaign(), LUCIA, "en-US", "0", &[LACWG_ROLE]).await;
    assert!(ephemeral(&r) && !embed_text(&r).contains("Beto"), "{}", embed_text(&r));
    // In the bot's DM, having chosen sur (she is in server 100, so a member of sur).
    let r = d.dm("group", json!([{"name": "group", "type": 3, "value": "sur"}]), LUCIA).await;
    assert!(embed_text(&r).contains("answers for **Grupo Sur**"), "{}", embed_text(&r));
    for (name, options) in organizer_commands(&when).into_iter().filter(|(n, _)| *n != "remind") {
        let i = d.fake.command_in_dm(name, options, LUCIA);
        let r = interact(&d.fake, i.clone()).await;
        assert!(ephemeral(&r) && embed_text(&r).contains("only organizers"), "dm {name}: {}", embed_text(&r));
        assert!(!raw_answer(&d.fake, &i).await.contains("Beto"), "dm {name}");
    }
    untouched(&sur).await;
    let roster = sur.store().roster("jilamito").await.unwrap();
    assert_eq!((roster.len(), roster[0].name.as_str()), (1, "Beto"), "no sign-up taken or dropped");
    // The same commands by sur's own organizer do work (the refusals above are not a bug).
    let r = d.ask(S100, SUR_CHANNEL, "signups", campaign(), SOFIA, "en-US", "0", &[SUR_ROLE]).await;
    assert!(embed_text(&r).contains("Beto"), "{}", embed_text(&r));
    d.dm("group", json!([{"name": "group", "type": 3, "value": "sur"}]), SOFIA).await;
    let r = d.dm("signups", campaign(), SOFIA).await;
    assert!(embed_text(&r).contains("Beto"), "by DM, having chosen sur: {}", embed_text(&r));
    d.gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_servers_administrator_organizes_no_group_living_in_its_channels_and_west_none_of_server_100() {
    let d = deployment(None).await;
    let (lacwg, sur, west) = (d.group("lacwg"), d.group("sur"), d.group("west"));
    d.ask(S100, LACWG_CHANNEL, "signup", campaign(), ANA, "en-US", "0", &[]).await;
    d.ask(S100, SUR_CHANNEL, "signup", campaign(), BETO, "en-US", "0", &[]).await;
    let (lacwg_date, sur_date) = (next_date(&lacwg).await, next_date(&sur).await);
    // Adam, Administrator of server 100 (the owner likewise has every permission), without
    // a group's role: nobody to lacwg and sur.
    for (channel, when) in [(LACWG_CHANNEL, &lacwg_date), (SUR_CHANNEL, &sur_date)] {
        for (name, options) in organizer_commands(when) {
            for who in [ADAM, (OWNER_100, "Olga")] {
                let i = d.fake.command_in(
                    (S100, channel),
                    name,
                    options.clone(),
                    who,
                    "en-US",
                    (ADMINISTRATOR, &[ADMINS_100]),
                );
                let r = interact(&d.fake, i.clone()).await;
                assert!(embed_text(&r).contains("only organizers"), "{channel} {name}: {}", embed_text(&r));
                let raw = raw_answer(&d.fake, &i).await;
                assert!(!raw.contains("Ana") && !raw.contains("Beto"), "{name}: {raw}");
            }
        }
    }
    // Nor by DM, where standing is read from the server (the owner and the Admins role).
    for who in [ADAM, (OWNER_100, "Olga")] {
        for group in ["lacwg", "sur"] {
            d.dm("group", json!([{"name": "group", "type": 3, "value": group}]), who).await;
            let r = d.dm("signups", campaign(), who).await;
            assert!(embed_text(&r).contains("only organizers"), "{group} {who:?}: {}", embed_text(&r));
        }
    }

    // Wes owns server 200 and organizes west there, by Administrator alone (west's home is
    // the whole server).
    d.ask(S200, WEST_CHANNEL, "signup", campaign(), ("531", "Wendy"), "en-US", "0", &[]).await;
    let r = d.ask(S200, WEST_CHANNEL, "signups", campaign(), WES, "en-US", ADMINISTRATOR, &[]).await;
    assert!(embed_text(&r).contains("Wendy"), "{}", embed_text(&r));
    // In server 100 he is a plain member: nobody to lacwg, sur or the organization.
    for (channel, when) in [(LACWG_CHANNEL, &lacwg_date), (SUR_CHANNEL, &sur_date), (ORG_CHANNEL, &sur_date)] {
        for (name, options) in organizer_commands(when) {
            let i = d.fake.command_in((S100, channel), name, options, WES, "en-US", ("0", &[]));
            let r = interact(&d.fake, i.clone()).await;
            assert!(embed_text(&r).contains("only organizers"), "{channel} {name}: {}", embed_text(&r));
            let raw = raw_answer(&d.fake, &i).await;
            assert!(!raw.contains("Ana") && !raw.contains("Beto"), "{name}: {raw}");
        }
    }
    // By DM, west's organizer is a member of lacwg and sur, no more.
    for group in ["lacwg", "sur"] {
        d.dm("group", json!([{"name": "group", "type": 3, "value": group}]), WES).await;
        let r = d.dm("signups", campaign(), WES).await;
        assert!(embed_text(&r).contains("only organizers"), "{group}: {}", embed_text(&r));
    }
    d.dm("group", json!([{"name": "group", "type": 3, "value": "west"}]), WES).await;
    let r = d.dm("signups", campaign(), WES).await;
    assert!(embed_text(&r).contains("Wendy") && !embed_text(&r).contains("Beto"), "{}", embed_text(&r));
    untouched(&lacwg).await;
    untouched(&sur).await;
    untouched(&west).await;
    assert_eq!(lacwg.store().roster("jilamito").await.unwrap().len(), 1);
    assert_eq!(sur.store().roster("jilamito").await.unwrap().len(), 1);
    d.gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_organizations_home_lists_the_groups_and_gives_its_board_counts_without_names() {
    let d = deployment(None).await;
    d.ask(S100, LACWG_CHANNEL, "signup", campaign(), ANA, "en-US", "0", &[]).await;
    d.ask(S100, SUR_CHANNEL, "signup", campaign(), BETO, "en-US", "0", &[]).await;
    let r = d.ask(S100, ORG_CHANNEL, "groups", json!([]), ANA, "en-US", "0", &[]).await;
    let text = embed_text(&r);
    assert!(text.contains("The groups of State Peace Action"), "{text}");
    for name in ["Latin America Working Group", "Grupo Sur", "West Coast Group"] {
        assert!(text.contains(name), "{name}: {text}");
    }
    let i = d.fake.command_in((S100, ORG_CHANNEL), "signups", campaign(), BRUNO, "en-US", ("0", &[BOARD_ROLE]));
    let r = interact(&d.fake, i.clone()).await;
    let text = embed_text(&r);
    assert!(ephemeral(&r), "{text}");
    assert!(text.contains("jilamito across the groups"), "{text}");
    for line in ["**LACWG**: 1 person signed up", "**SUR**: 1 person signed up", "**WEST**: 0 people signed up"] {
        assert!(text.contains(line), "{line}: {text}");
    }
    let raw = raw_answer(&d.fake, &i).await;
    assert!(!raw.contains("Ana") && !raw.contains("Beto") && !raw.contains("501"), "{raw}");
    // The Board is nobody in a group's channel.
    let r = d.ask(S100, LACWG_CHANNEL, "signups", campaign(), BRUNO, "en-US", "0", &[BOARD_ROLE]).await;
    assert!(embed_text(&r).contains("only organizers"), "{}", embed_text(&r));
    d.gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dm_from_someone_in_two_groups_asks_which_then_answers_for_it() {
    let d = deployment(None).await;
    // Ana is in server 100: lacwg's and sur's home. Not in server 200.
    let r = d.dm("meeting", json!([]), ANA).await;
    let text = embed_text(&r);
    assert!(ephemeral(&r) && text.contains("several groups") && text.contains("/group"), "{text}");
    assert!(text.contains("lacwg") && text.contains("sur") && !text.contains("west"), "{text}");
    let r = d.dm("group", json!([{"name": "group", "type": 3, "value": "sur"}]), ANA).await;
    assert!(embed_text(&r).contains("Grupo Sur"), "{}", embed_text(&r));
    let r = d.dm("meeting", json!([]), ANA).await;
    assert!(embed_text(&r).contains("Grupo Sur monthly meeting"), "{}", embed_text(&r));
    // Someone in no group's home is offered the list of groups.
    let r = d.dm("meeting", json!([]), ("590", "Zoe")).await;
    assert!(embed_text(&r).contains("West Coast Group"), "{}", embed_text(&r));
    // Server 100 was asked once for Ana, though two groups live there; server 200 once.
    let calls = d.fake.calls().await;
    let reads = |guild: &str| {
        let path = format!("/api/v10/guilds/{guild}/members/{}", ANA.0);
        calls.iter().filter(|c| c.path == path).count()
    };
    assert_eq!((reads(S100), reads(S200)), (1, 1), "standing kept a minute, per person and group");
    d.gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_go_to_every_home_server_and_to_a_group_added_while_the_bot_runs() {
    let d = deployment(None).await;
    let put = |guild: &'static str| {
        move |c: &common::fake_discord::Call| {
            c.method == "PUT" && c.path == format!("/api/v10/applications/{APP_ID}/guilds/{guild}/commands")
        }
    };
    for guild in [S100, S200] {
        let call = d.fake.wait_call(0, "registration in a home server", put(guild)).await;
        let names: Vec<&str> = call.body.as_array().unwrap().iter().filter_map(|c| c["name"].as_str()).collect();
        assert!(names.contains(&"groups") && names.contains(&"group") && names.contains(&"meeting"), "{names:?}");
    }
    assert!(!d.fake.calls().await.iter().any(put(S300)));

    // A fourth group, in its own new server, added to the content while the bot runs.
    d.fake.add_guild(S300, "North", "3099");
    d.fake.add_role(S300, NORTH_ROLE, "North organizers", "0");
    d.fake.add_channel(S300, NORTH_CHANNEL, 0, None);
    d.fake.add_member(S300, "541", &[NORTH_ROLE]);
    let north = GroupSpec {
        discord: vec![S300.to_string()],
        organizer_role: Some("North organizers"),
        ..GroupSpec::new("north", "North Group")
    };
    write_group(d.dir.path(), &north);
    let from = d.fake.calls().await.len();
    let reloaded = d.org.reload();
    assert_eq!(reloaded.added, vec![GroupId::named("north")], "{reloaded:?}");
    d.fake.wait_call(from, "registration in the new group's server", put(S300)).await;
    let r = d.ask(S300, NORTH_CHANNEL, "meeting", json!([]), ("542", "Nils"), "en-US", "0", &[]).await;
    assert!(embed_text(&r).contains("North Group monthly meeting"), "{}", embed_text(&r));
    // Its organizer is one there, by its role; and the organization's list has it.
    let r = d.ask(S300, NORTH_CHANNEL, "signups", campaign(), ("541", "Nora"), "en-US", "0", &[NORTH_ROLE]).await;
    assert!(!embed_text(&r).contains("only organizers"), "{}", embed_text(&r));
    let r = d.ask(S100, ORG_CHANNEL, "groups", json!([]), ANA, "en-US", "0", &[]).await;
    assert!(embed_text(&r).contains("North Group"), "{}", embed_text(&r));
    // Servers 100 and 200 were not registered again for it.
    let again = d.fake.calls().await.iter().skip(from).filter(|c| put(S100)(c) || put(S200)(c)).count();
    assert_eq!(again, 0);
    d.gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduled_events_go_to_a_groups_own_server_only() {
    let clock = convoca::reminders::ManualClock::new(chrono::Utc::now());
    let d = deployment(Some(clock)).await;
    eventually("west's event", std::time::Duration::from_secs(20), async || {
        (!d.fake.events().await.is_empty()).then_some(())
    })
    .await;
    // A moment more: nothing for lacwg or sur may follow in server 100.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let events = d.fake.events().await;
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_eq!(events[0]["guild_id"], S200);
    assert_eq!(events[0]["name"], "West Coast Group monthly meeting");
    let listed_100 = d.fake.calls().await.iter().any(|c| c.path.contains(&format!("/guilds/{S100}/scheduled-events")));
    assert!(!listed_100, "server 100's groups live in its channels: no server events there");
    d.gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reminder_sender_reads_membership_in_the_groups_own_home_servers() {
    use convoca::reminders::Sender;
    let d = deployment(None).await;
    let sender = convoca::discord::DiscordSender::new(Arc::clone(&d.gateway.http)).homes_of(d.gateway.homes.clone());
    let (lacwg, west) = (GroupId::named("lacwg"), GroupId::named("west"));
    assert_eq!(sender.still_member(ANA.0, &lacwg).await, Some(true), "in server 100, lacwg's");
    assert_eq!(sender.still_member("531", &lacwg).await, Some(false), "in no home server");
    d.fake.add_member(S200, "531", &[]);
    assert_eq!(sender.still_member("531", &west).await, Some(true), "in server 200, west's");
    // Another group's server is not the group's home: west's members-only link stays with
    // west's members.
    assert_eq!(sender.still_member("531", &lacwg).await, Some(false), "in west's server only");
    d.gateway.stop().await;
}
