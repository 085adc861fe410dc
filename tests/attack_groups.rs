//! Attacks on "authority comes from the right group" (issue 27): each test is something a
//! person (or an organizer of another group) can do, and the assertion that it must not
//! cross groups. Tests that fail here are holes; tests that pass prove a rule held.
//!
//! The Discord layout is the one of `discord_groups.rs`: server 100 shared by the
//! organization (role "Board"), `lacwg` (a category) and `sur` (a channel); `west` owns
//! server 200.

mod common;

use std::sync::Arc;

use chrono::Duration;
use common::fake_discord::{FakeDiscord, embed_text, interact, message_json};
use common::org::{GroupSpec, write_root};
use common::*;
use convoca::chat::{Platform, Standing, User};
use convoca::config::{DiscordConfig, Secret};
use convoca::console::render;
use convoca::discord::Gateway;
use convoca::engine::{Command, Engine, Organization, Request, Settings, Whose};
use convoca::group_id::GroupId;
use convoca::store::{OccurrenceRef, Outcome, Seen};
use serde_json::{Value, json};

const S100: &str = "100";
const LACWG_CATEGORY: &str = "1100";
const LACWG_CHANNEL: &str = "1101";
const SUR_CHANNEL: &str = "1200";
const ORG_CHANNEL: &str = "1300";
const S200: &str = "200";
const WEST_CHANNEL: &str = "2100";
const LACWG_ROLE: &str = "1001";
const SUR_ROLE: &str = "1002";
const BOARD_ROLE: &str = "1003";

const ANA: (&str, &str) = ("501", "Ana");
const LUCIA: (&str, &str) = ("511", "Lucía");
const SOFIA: (&str, &str) = ("512", "Sofía");
const WES: (&str, &str) = ("521", "Wes");
/// Was in west's server 200 when she said she was going; removed from it since, she is still
/// a plain member of the shared server 100 (lacwg's, sur's, the organization's).
const EVE: (&str, &str) = ("531", "Eve");
/// Was in west's server 200 too; now in no home server at all.
const FINN: (&str, &str) = ("532", "Finn");

/// West's members-only Zoom link.
const WEST_LINK: &str = "https://zoom.example/j/west-members-only";

struct Deployment {
    fake: FakeDiscord,
    gateway: Gateway,
    org: Organization,
    _dir: tempfile::TempDir,
}

impl Deployment {
    fn group(&self, slug: &str) -> Engine {
        self.org.group(&GroupId::named(slug)).unwrap_or_else(|| panic!("no group {slug}"))
    }

    async fn ask(
        &self,
        channel: (&str, &str),
        name: &str,
        options: Value,
        user: (&str, &str),
        roles: &[&str],
    ) -> Value {
        let i = self.fake.command_in(channel, name, options, user, "en-US", ("0", roles));
        interact(&self.fake, i).await
    }

    async fn dm(&self, name: &str, options: Value, user: (&str, &str)) -> Value {
        interact(&self.fake, self.fake.command_in_dm(name, options, user)).await
    }

    /// A button pressed in the bot's DM (the personal messages' buttons are there).
    async fn dm_click(&self, custom_id: &str, user: (&str, &str)) -> Value {
        let mut message = message_json("900", "500000000000000001", &json!({}));
        message.as_object_mut().unwrap().remove("guild_id");
        let mut click = self.fake.click(custom_id, message, user, "en-US");
        let who = click["member"]["user"].clone();
        let object = click.as_object_mut().unwrap();
        object.remove("member");
        object.remove("guild_id");
        click["user"] = who;
        click["context"] = json!(1);
        click["channel_id"] = json!("500000000000000001");
        click["channel"] = json!({"id": "500000000000000001", "type": 1});
        click["authorizing_integration_owners"] = json!({"0": "0"});
        interact(&self.fake, click).await
    }
}

fn specs() -> Vec<GroupSpec> {
    let lacwg = GroupSpec {
        discord: vec![format!("{S100}/{LACWG_CATEGORY}")],
        organizer_role: Some("LACWG organizers"),
        ..GroupSpec::new("lacwg", "Latin America Working Group")
    };
    let sur = GroupSpec {
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

fn servers(fake: &FakeDiscord) {
    fake.add_guild(S100, "State Peace Action", "599");
    for (id, name) in [(LACWG_ROLE, "LACWG organizers"), (SUR_ROLE, "Sur organizers"), (BOARD_ROLE, "Board")] {
        fake.add_role(S100, id, name, "0");
    }
    fake.add_channel(S100, LACWG_CATEGORY, 4, None);
    fake.add_channel(S100, LACWG_CHANNEL, 0, Some(LACWG_CATEGORY));
    fake.add_channel(S100, SUR_CHANNEL, 0, None);
    fake.add_channel(S100, ORG_CHANNEL, 0, None);
    for (who, roles) in
        [(ANA, vec![]), (LUCIA, vec![LACWG_ROLE]), (SOFIA, vec![SUR_ROLE]), (WES, vec![]), (EVE, vec![])]
    {
        fake.add_member(S100, who.0, &roles);
    }
    fake.add_guild(S200, "West Coast", WES.0);
    fake.add_channel(S200, WEST_CHANNEL, 0, None);
}

fn settings() -> Settings {
    Settings { flood: convoca::engine::FloodLimit { burst: 0, ..Default::default() }, ..Default::default() }
}

/// The organization, with `edit` applied to its files before it opens, on the fake Discord.
async fn deployment(edit: impl FnOnce(&std::path::Path)) -> Deployment {
    let dir = tempfile::tempdir().unwrap();
    write_root(dir.path(), &[S100.to_string()], Some("Board"), &[], &specs());
    edit(dir.path());
    let org = Organization::open(dir.path(), sqlite_store().await, settings()).expect("the content loads");
    let fake = FakeDiscord::start().await;
    servers(&fake);
    let config = DiscordConfig {
        token: Some("fake-token".parse::<Secret>().unwrap()),
        api_base: Some(fake.base.clone()),
        ..Default::default()
    };
    let gateway = Gateway::start(&config, org.clone()).await.unwrap();
    fake.wait_identified(1).await;
    Deployment { fake, gateway, org, _dir: dir }
}

fn user(who: (&str, &str)) -> User {
    User { platform: Platform::Discord, id: who.0.into(), name: who.1.into() }
}

/// The group's next monthly occurrence after now.
async fn next_monthly(engine: &Engine) -> convoca::calendar::Occurrence {
    let content = engine.content().current();
    let changes = engine.calendar_changes().await.unwrap();
    let agenda = convoca::agenda::Agenda::new(&content, &changes);
    agenda.upcoming(convoca::agenda::Which::All, chrono::Utc::now(), 1, convoca::agenda::Cancelled::Skipped).remove(0)
}

// ---------------------------------------------------------------------------------------
// Was a hole: the buttons of personal messages carried no group, so in the bot's DM they were
// answered by whichever group the DM was last set to (`/group`). A group's message now names
// it in each button's id (`cv:done:en@lacwg:…`), and the press answers that group.
// ---------------------------------------------------------------------------------------

/// lacwg's "did you do it?" comes to Ana by DM with Done / Not yet / Couldn't buttons
/// (`cv:done:en@lacwg:jilamito:petition`). Ana, in lacwg and sur (both live in server 100), had set
/// her DM to sur. Pressing lacwg's Done records a sign-up, done, in **sur**'s roster (a
/// campaign of the same name), and lacwg never gets the answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dm_button_from_one_groups_follow_up_is_recorded_in_that_group_not_the_dms_chosen_one() {
    let d = deployment(|_| {}).await;
    let (lacwg, sur) = (d.group("lacwg"), d.group("sur"));
    let options = json!([{"name": "campaign", "type": 3, "value": "jilamito"}, {"name": "action", "type": 3, "value": "petition"}]);
    let r = d.ask((S100, LACWG_CHANNEL), "signup", options, ANA, &[]).await;
    assert!(embed_text(&r).contains("You're signed up"), "{}", embed_text(&r));
    let r = d.dm("group", json!([{"name": "group", "type": 3, "value": "sur"}]), ANA).await;
    assert!(embed_text(&r).contains("Grupo Sur"), "{}", embed_text(&r));

    // lacwg's follow-up button, pressed in the DM.
    let r = d.dm_click("cv:done:en@lacwg:jilamito:petition", ANA).await;
    let answered = embed_text(&r);

    let in_sur = sur.store().roster("jilamito").await.unwrap();
    let in_lacwg = lacwg.store().roster("jilamito").await.unwrap();
    assert!(
        in_sur.is_empty(),
        "lacwg's button recorded Ana in sur's roster (sur never asked her anything): {in_sur:?}; reply: {answered}"
    );
    assert_eq!(
        in_lacwg.iter().map(|e| e.outcome).collect::<Vec<_>>(),
        vec![Some(Outcome::Done)],
        "lacwg asked and never got the answer: {in_lacwg:?}"
    );
    d.gateway.stop().await;
}

/// lacwg's personal meeting reminder comes by DM with a "Can't make it" button
/// (`cv:notgoing:en:monthly:<date>`). With the DM set to sur, pressing it records Ana as not
/// going on **sur**'s attendee list (she never answered sur) and leaves her going to lacwg's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dm_rsvp_button_from_one_groups_reminder_answers_that_group_not_the_dms_chosen_one() {
    let d = deployment(|_| {}).await;
    let (lacwg, sur) = (d.group("lacwg"), d.group("sur"));
    let r = d.ask((S100, LACWG_CHANNEL), "going", json!([]), ANA, &[]).await;
    assert!(embed_text(&r).contains("You're going"), "{}", embed_text(&r));
    let occ = next_monthly(&lacwg).await;
    assert_eq!(next_monthly(&sur).await.date, occ.date, "both groups meet on the same dates");
    d.dm("group", json!([{"name": "group", "type": 3, "value": "sur"}]), ANA).await;

    let r = d.dm_click(&format!("cv:notgoing:en@lacwg:monthly:{}", occ.date), ANA).await;
    let answered = embed_text(&r);

    let at = OccurrenceRef { meeting: "monthly".into(), date: occ.date };
    let sur_list = sur.store().attendees(&at).await.unwrap();
    assert!(sur_list.is_empty(), "lacwg's button put Ana on sur's attendee list: {sur_list:?}; reply: {answered}");
    assert_eq!(lacwg.store().rsvp_counts(&at).await.unwrap(), (0, 1), "her answer to lacwg was lost");
    d.gateway.stop().await;
}

// ---------------------------------------------------------------------------------------
// HOLE: "still a member" for a group's personal reminder is read in every home server, and
// `users.member` is one flag for the whole deployment: being in another group's (or the
// organization's) server is enough to get this group's members-only link.
// ---------------------------------------------------------------------------------------

/// Eve said she was going to west's meeting while in west's server 200, and was removed from
/// it. She is still a plain member of server 100 (other groups'). West's personal reminder
/// must not carry west's members-only link to her; Finn (in no home server) is the control.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_groups_members_link_does_not_go_to_someone_only_in_another_groups_home() {
    let d = deployment(|root| {
        let path = root.join("groups/west/meetings/monthly.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("link = \"\""));
        std::fs::write(&path, text.replace("link = \"\"", &format!("link = \"{WEST_LINK}\""))).unwrap();
    })
    .await;
    let west = d.group("west");
    let occ = next_monthly(&west).await;
    let at = OccurrenceRef { meeting: "monthly".into(), date: occ.date };
    // As recorded when they answered, members of west's home then.
    let seen = Seen { locale: convoca::locale::Locale::En, member: true };
    for who in [EVE, FINN] {
        west.store().rsvp(&user(who), &at, true, seen, chrono::Utc::now()).await.unwrap();
    }
    west.notify_changed();

    let clock = convoca::reminders::ManualClock::new(occ.start - Duration::hours(1) - Duration::seconds(5));
    let sender = convoca::discord::DiscordSender::new(Arc::clone(&d.gateway.http)).homes_of(d.gateway.homes.clone());
    let mut run = common::scheduler::start_with(&west, Arc::new(sender), Arc::new(clock.clone()), Default::default());
    run.status.wait_for(|s| s.sleeping_until.is_some()).await.unwrap();
    clock.set(occ.start - Duration::hours(1));
    common::scheduler::wait_status(&mut run.status, "both sent", |s| s.sent == 2 && s.in_flight == 0).await;
    let created = d.fake.created().await;
    let to = |dm: String| created.iter().find(|m| m["channel_id"] == dm.as_str()).expect("a reminder").to_string();
    let finn = to(d.fake.dm_channel(FINN.0).await.expect("Finn's DM"));
    let eve = to(d.fake.dm_channel(EVE.0).await.expect("Eve's DM"));
    assert!(finn.contains("West Coast Group") && !finn.contains(WEST_LINK), "control: {finn}");
    assert!(
        !eve.contains(WEST_LINK),
        "removed from west's server, Eve still got west's members-only link because she is in lacwg's/sur's server: {eve}"
    );
    run.stop.send(true).unwrap();
    run.handle.await.unwrap();
    d.gateway.stop().await;
}

// ---------------------------------------------------------------------------------------
// DESIGN GAP: for a group living in a channel of a shared server, "member" (in a DM) is
// "member of the server": someone who cannot even see the group's channel is one of its
// members by DM, and commits to its campaigns.
// ---------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------
// Engine level: a removed group's rows keep their `grp`, and a new folder of the same name
// (another group, other organizers) inherits them.
// ---------------------------------------------------------------------------------------

fn ask(text: &str, who: &str) -> Request {
    let mut req = Request::new(&convoca::discord::ABILITIES, who, who, Command::parse(text), chrono::Utc::now());
    req.member = true;
    req
}

fn in_group(slug: &str) -> Whose {
    Whose::Group(GroupId::named(slug))
}

/// Every group keeps personal data 30 days. `sur` is removed from the content: no engine is
/// left to run its retention. Was a hole (nothing erased its rows); the daily erasure of
/// removed groups' records now takes them once the shortest retention has passed.
#[tokio::test]
async fn a_removed_groups_personal_data_is_still_erased_when_its_time_is_past() {
    let dir = tempfile::tempdir().unwrap();
    write_root(dir.path(), &[], None, &[], &specs());
    for slug in ["lacwg", "sur", "west"] {
        let path = dir.path().join(format!("groups/{slug}/group.toml"));
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("{text}\n[retention]\nsignups_days = 30\nrsvps_days = 30\n")).unwrap();
    }
    let org = Organization::open(dir.path(), sqlite_store().await, Settings::default()).unwrap();
    let now = chrono::Utc::now();
    let sur_store = org.group(&GroupId::named("sur")).unwrap().store().clone();
    let ana = User { platform: Platform::Discord, id: "ana".into(), name: "Ana Sur".into() };
    let seen = Seen { locale: convoca::locale::Locale::En, member: true };
    let long_ago = OccurrenceRef { meeting: "monthly".into(), date: "2025-01-06".parse().unwrap() };
    sur_store.rsvp(&ana, &long_ago, true, seen, now - Duration::days(400)).await.unwrap();
    sur_store.sign_up(&ana, "jilamito", "", now - Duration::days(400)).await.unwrap();
    sur_store.withdraw(&ana, "jilamito", None, now - Duration::days(399)).await.unwrap();
    std::fs::remove_dir_all(dir.path().join("groups/sur")).unwrap();
    assert_eq!(org.reload().removed, vec![GroupId::named("sur")]);

    let later = now + Duration::days(365);
    for engine in org.groups().values() {
        engine.erase_expired(later).await.unwrap();
    }
    // The bot's daily job for groups whose folder is gone (service::retention::orphans_daily).
    org.erase_orphans(later).await.unwrap();
    let left = org.any().store().stored_about(&ana).await.unwrap();
    assert!(left.is_empty(), "a removed group's answers and sign-ups outlive every retention period: {left:?}");
}

// ---------------------------------------------------------------------------------------
// Rules that held (kept as proof).
// ---------------------------------------------------------------------------------------

/// A DM `/group` cannot choose a group one is not in, nor does a stored choice keep its
/// standing once one has left that group's home.
#[tokio::test]
async fn a_direct_chat_cannot_be_set_to_a_group_one_is_not_in_and_a_stale_choice_answers_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write_root(dir.path(), &[], None, &[], &specs());
    let org = Organization::open(dir.path(), sqlite_store().await, Settings::default()).unwrap();
    let member = Standing { member: true, organizer: false };
    let organizer = Standing { member: true, organizer: true };
    let two = Whose::Direct(vec![(GroupId::named("lacwg"), member), (GroupId::named("sur"), organizer)]);
    org.handle(&ask("/signup jilamito petition", "bo"), &in_group("west")).await;
    let west = org.group(&GroupId::named("west")).unwrap();
    // Not in west: refused, nothing recorded.
    org.handle(&ask("/group west", "ana"), &two).await;
    let ana = User { platform: Platform::Discord, id: "ana".into(), name: "ana".into() };
    assert_eq!(org.any().store().direct_group(&ana).await.unwrap(), None, "a DM set to a group she is not in");
    let mut roster = ask("/signups jilamito", "ana");
    roster.organizer = true;
    // Chose sur as its organizer; then left sur's home: sur's roster is not hers any more.
    org.handle(&ask("/group sur", "ana"), &two).await;
    org.handle(&ask("/signup jilamito petition", "cy"), &in_group("sur")).await;
    let now_one = Whose::Direct(vec![(GroupId::named("lacwg"), member), (GroupId::named("sur"), Standing::default())]);
    let r = render(&org.handle(&roster, &now_one).await);
    assert!(!r.contains("cy"), "a stale /group choice still reads sur's roster: {r}");
    assert_eq!(west.store().roster("jilamito").await.unwrap().len(), 1);
}

/// At the organization's home, no organizer command yields a name or changes a group's rows,
/// whatever the asker's standing there; a sign-up there records nothing.
#[tokio::test]
async fn the_organizations_home_gives_no_names_and_records_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write_root(dir.path(), &[], None, &[], &specs());
    let org = Organization::open(dir.path(), sqlite_store().await, Settings::default()).unwrap();
    org.handle(&ask("/signup jilamito petition", "zed-secret"), &in_group("lacwg")).await;
    org.handle(&ask("/going", "zed-secret"), &in_group("lacwg")).await;
    for cmd in [
        "/signups jilamito",
        "/export jilamito",
        "/attendees",
        "/attendees monthly",
        "/cancel 2027-01-04",
        "/addmeeting 2027-06-20 18:00 Fake",
        "/remind here",
        "/signup jilamito petition",
        "/going",
        "/done jilamito petition",
    ] {
        let mut req = ask(cmd, "board");
        req.organizer = true;
        req.channel = Some("1300".into());
        let reply = org.handle(&req, &Whose::Organization).await;
        let text = render(&reply);
        assert!(!text.contains("zed-secret"), "{cmd}: {text}");
        assert!(reply.attachment.is_none(), "{cmd}: a file");
    }
    for engine in org.groups().values() {
        let store = engine.store();
        assert!(store.changes().await.unwrap().is_empty(), "{}", engine.group());
        assert!(store.extra_meetings().await.unwrap().is_empty(), "{}", engine.group());
        assert!(store.subscriptions().await.unwrap().is_empty(), "{}", engine.group());
        let board = user(("board", "board"));
        assert!(store.signups_of(&board).await.unwrap().is_empty(), "{}", engine.group());
    }
}

/// `/mysignups` spans every group: asked in another group's channel or the organization's,
/// the list (with lacwg's sign-up) is seen by the asker alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn my_sign_ups_across_groups_asked_in_a_shared_channel_are_seen_by_me_alone() {
    let d = deployment(|_| {}).await;
    let options = json!([{"name": "campaign", "type": 3, "value": "jilamito"}, {"name": "action", "type": 3, "value": "petition"}]);
    let r = d.ask((S100, LACWG_CHANNEL), "signup", options, ANA, &[]).await;
    assert!(common::fake_discord::ephemeral(&r), "a sign-up is answered privately");
    for channel in [SUR_CHANNEL, ORG_CHANNEL] {
        let r = d.ask((S100, channel), "mysignups", json!([]), ANA, &[]).await;
        let text = embed_text(&r);
        assert!(text.contains("petition") || text.contains("Sign the petition"), "{channel}: {text}");
        assert!(common::fake_discord::ephemeral(&r), "{channel}: lacwg's sign-up shown to the room: {text}");
    }
    d.gateway.stop().await;
}
