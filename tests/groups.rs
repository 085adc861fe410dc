//! Several groups from one deployment, below the chat platforms: each group answers from its
//! own content and rows, the organization lists them and counts across them (never naming
//! anyone), a direct chat of someone in several asks which, groups come and go while the bot
//! runs, and each group's reminders go out once, its own.

mod common;

use std::sync::Arc;

use chrono::Duration;
use common::org::{GroupSpec, write_group, write_root};
use common::scheduler::Recorder;
use common::{at, sqlite_store};
use convoca::chat::Standing;
use convoca::console::render;
use convoca::engine::{Command, Organization, Request, Settings, Whose};
use convoca::group_id::GroupId;
use convoca::reminders::{ManualClock, Senders};

const MEMBER: Standing = Standing { member: true, organizer: false };
const ORGANIZER: Standing = Standing { member: true, organizer: true };

fn groups(channels: &[&str]) -> Vec<GroupSpec> {
    let channels: Vec<String> = channels.iter().map(|c| c.to_string()).collect();
    let mut lacwg = GroupSpec::new("lacwg", "Latin America Group");
    lacwg.channels = channels.clone();
    let mut sur = GroupSpec::new("sur", "Grupo Sur");
    sur.language = "es";
    sur.zone = "America/Tegucigalpa";
    sur.channels = channels.clone();
    let mut west = GroupSpec::new("west", "West Group");
    west.zone = "America/Los_Angeles";
    west.channels = channels;
    vec![lacwg, sur, west]
}

async fn organization(dir: &std::path::Path, specs: &[GroupSpec]) -> Organization {
    write_root(dir, &[], None, &[], specs);
    Organization::open(dir, sqlite_store().await, Settings::default()).expect("the organization loads")
}

fn ask(text: &str, who: &str) -> Request {
    let mut req =
        Request::new(&convoca::discord::ABILITIES, who, who, Command::parse(text), at("2026-12-01T12:00:00Z"));
    req.member = true;
    req
}

fn group(slug: &str) -> Whose {
    Whose::Group(GroupId::named(slug))
}

async fn text(org: &Organization, req: &Request, whose: &Whose) -> String {
    render(&org.handle(req, whose).await)
}

#[tokio::test]
async fn each_group_answers_from_its_own_content_and_rows() {
    let dir = tempfile::tempdir().unwrap();
    let org = organization(dir.path(), &groups(&[])).await;
    assert!(text(&org, &ask("/meeting", "ana"), &group("lacwg")).await.contains("Latin America Group monthly meeting"));
    let mut spanish = ask("/reunion", "ana");
    spanish.locale = convoca::locale::Locale::Es;
    let sur = text(&org, &spanish, &group("sur")).await;
    assert!(sur.contains("Reunión mensual de Grupo Sur"), "{sur}");
    let west = text(&org, &ask("/meeting", "ana"), &group("west")).await;
    assert!(west.contains("PST"), "in its own zone: {west}");

    // A sign-up in one group is that group's alone, though the campaign's name is the same.
    let signed = text(&org, &ask("/signup jilamito petition", "ana"), &group("lacwg")).await;
    assert!(!signed.contains("Sorry"), "{signed}");
    let mut roster = ask("/signups jilamito", "org");
    roster.organizer = true;
    assert!(text(&org, &roster, &group("lacwg")).await.contains("ana"));
    assert!(!text(&org, &roster, &group("sur")).await.contains("ana"), "another group's roster");
    // An organizer's standing is the group's the adapter read: none in sur means no roster.
    let mut stranger = ask("/signups jilamito", "lacwg-organizer");
    stranger.organizer = false;
    let refused = text(&org, &stranger, &group("sur")).await;
    assert!(!refused.contains("ana") && refused.to_lowercase().contains("organi"), "{refused}");
}

#[tokio::test]
async fn the_organization_lists_its_groups_and_counts_without_names() {
    let dir = tempfile::tempdir().unwrap();
    let org = organization(dir.path(), &groups(&[])).await;
    for who in ["ana", "bo"] {
        text(&org, &ask("/signup jilamito petition", who), &group("lacwg")).await;
    }
    text(&org, &ask("/signup jilamito petition", "cy"), &group("sur")).await;
    let list = text(&org, &ask("/groups", "anyone"), &Whose::Organization).await;
    for name in ["Latin America Group", "Grupo Sur", "West Group"] {
        assert!(list.contains(name), "{list}");
    }
    assert!(list.contains("State Peace Action"), "the organization's name: {list}");
    assert!(list.contains("December 7, 2026"), "each group's next meeting: {list}");

    let mut board = ask("/signups jilamito", "board");
    board.organizer = true;
    let counts = text(&org, &board, &Whose::Organization).await;
    assert!(counts.contains("LACWG") && counts.contains("2 people"), "{counts}");
    assert!(counts.contains("SUR") && counts.contains("1 person"), "{counts}");
    for name in ["ana", "bo", "cy"] {
        assert!(!counts.contains(name), "never a name at the organization: {counts}");
    }
    // Someone without the organization's standing gets no counts; a group's own question
    // is sent to the group's place.
    let member = text(&org, &ask("/signups jilamito", "ana"), &Whose::Organization).await;
    assert!(!member.contains("2 people"), "{member}");
    let signup = text(&org, &ask("/signup jilamito", "ana"), &Whose::Organization).await;
    assert!(signup.contains("/groups"), "{signup}");
}

#[tokio::test]
async fn a_direct_chat_of_someone_in_several_groups_asks_which() {
    let dir = tempfile::tempdir().unwrap();
    let org = organization(dir.path(), &groups(&[])).await;
    let two = Whose::Direct(vec![(GroupId::named("lacwg"), MEMBER), (GroupId::named("sur"), ORGANIZER)]);
    let asked = text(&org, &ask("/signup jilamito", "ana"), &two).await;
    assert!(asked.contains("`lacwg`") && asked.contains("`sur`") && asked.contains("/group"), "{asked}");
    let sur = GroupId::named("sur");
    assert!(org.group(&sur).unwrap().store().roster("jilamito").await.unwrap().is_empty(), "nothing recorded");

    let unknown = text(&org, &ask("/group sr", "ana"), &two).await;
    assert!(unknown.contains("/group sur"), "the nearest name: {unknown}");
    let not_theirs = text(&org, &ask("/group west", "ana"), &two).await;
    assert!(not_theirs.contains("West Group"), "{not_theirs}");
    let chosen = text(&org, &ask("/group sur", "ana"), &two).await;
    assert!(chosen.contains("Grupo Sur"), "{chosen}");
    let meeting = text(&org, &ask("/meeting", "ana"), &two).await;
    assert!(meeting.contains("Grupo Sur"), "answered for the group chosen: {meeting}");
    // Their standing there is the group's: an organizer of sur sees its roster privately.
    let roster = text(&org, &ask("/signups jilamito", "ana"), &two).await;
    assert!(!roster.to_lowercase().contains("only organizers"), "{roster}");
    // Their own list spans every group they signed up in, wherever they ask.
    text(&org, &ask("/signup jilamito petition", "ana"), &group("lacwg")).await;
    text(&org, &ask("/signup jilamito rally", "ana"), &group("west")).await;
    let mine = text(&org, &ask("/mysignups", "ana"), &two).await;
    assert!(mine.contains("Latin America Group") && mine.contains("West Group"), "{mine}");
    let mine_here = text(&org, &ask("/mysignups", "ana"), &group("sur")).await;
    assert!(mine_here.contains("West Group"), "{mine_here}");
    // Someone in one group only is answered for it, without a question.
    let one = Whose::Direct(vec![(GroupId::named("west"), MEMBER)]);
    assert!(text(&org, &ask("/meeting", "bo"), &one).await.contains("West Group"));
    // Someone in none commits to nothing.
    let none = Whose::Direct(Vec::new());
    let refused = text(&org, &ask("/signup jilamito", "cy"), &none).await;
    assert!(refused.contains("/groups"), "{refused}");
}

#[tokio::test]
async fn groups_come_and_go_while_the_bot_runs_and_a_broken_one_keeps_its_last_good_content() {
    let dir = tempfile::tempdir().unwrap();
    let specs = groups(&[]);
    let org = organization(dir.path(), &specs[..2]).await;
    assert_eq!(org.groups().len(), 2);
    let done = org.reload();
    assert!(done.added.is_empty() && done.changed.is_empty(), "nothing changed on disk: {done:?}");

    write_group(dir.path(), &specs[2]);
    let done = org.reload();
    assert_eq!(done.added, vec![GroupId::named("west")]);
    assert!(done.changed.is_empty(), "the other groups are not replanned: {done:?}");
    assert!(text(&org, &ask("/meeting", "ana"), &group("west")).await.contains("West Group"));

    // A broken edit in one group: it answers as before; another group's edit takes effect.
    let sur_meeting = dir.path().join("groups/sur/meetings/monthly.toml");
    let good = std::fs::read_to_string(&sur_meeting).unwrap();
    std::fs::write(&sur_meeting, good.replace("start = \"17:00\"", "start = \"5pm\"")).unwrap();
    let west_group = dir.path().join("groups/west/group.toml");
    let west = std::fs::read_to_string(&west_group).unwrap().replace("West Group works", "The West works");
    std::fs::write(&west_group, west).unwrap();
    let done = org.reload();
    assert_eq!(done.failed, vec![Some(GroupId::named("sur"))]);
    assert_eq!(done.changed, vec![GroupId::named("west")]);
    assert!(text(&org, &ask("/meeting", "ana"), &group("sur")).await.contains("Grupo Sur"), "last good content");
    assert!(text(&org, &ask("/mission", "ana"), &group("west")).await.contains("The West works"));
    assert!(org.group(&GroupId::named("sur")).unwrap().content().stale().is_some(), "health says so");

    std::fs::remove_dir_all(dir.path().join("groups/west")).unwrap();
    let done = org.reload();
    assert_eq!(done.removed, vec![GroupId::named("west")]);
    assert!(org.group(&GroupId::named("west")).is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_groups_reminder_to_a_shared_channel_goes_out_once_and_a_new_group_gets_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let specs = groups(&["discord:42"]);
    let org = organization(dir.path(), &specs[..2]).await;
    let clock = ManualClock::new(at("2026-12-06T12:00:00Z"));
    let rec = Recorder::new(&clock);
    let senders = Senders::new().with(&convoca::discord::ABILITIES, Arc::new(rec.clone()));
    let supervisor = convoca::supervisor::Tasks::new();
    let service = convoca::service::Service::start(&org, senders, Arc::new(clock.clone()), &supervisor);

    // lacwg meets at 5 pm in New York (22:00Z), sur at 5 pm in Tegucigalpa (23:00Z): the
    // day-before reminders of both go to the one shared channel.
    clock.set(at("2026-12-06T22:00:00Z"));
    let posts = rec.wait_for(1).await;
    clock.set(at("2026-12-06T23:00:00Z"));
    let posts = if posts.len() < 2 { rec.wait_for(2).await } else { posts };
    let texts: Vec<String> = posts.iter().map(|(_, p)| render(&p.reply)).collect();
    assert!(texts[0].contains("Latin America Group monthly meeting"), "{texts:?}");
    assert!(texts[1].contains("Reunión mensual de Grupo Sur"), "in the group's language: {texts:?}");
    assert_ne!(posts[0].1.key, posts[1].1.key, "two groups' reminders are two reminders");
    // Each names its group, so its buttons answer that group wherever they are pressed.
    assert_eq!(posts[0].1.reply.group, Some(GroupId::named("lacwg")));
    assert_eq!(posts[1].1.reply.group, Some(GroupId::named("sur")));

    // A group added while the bot runs reminds too: west's meeting is at 01:00Z.
    write_group(dir.path(), &specs[2]);
    assert_eq!(org.reload().added, vec![GroupId::named("west")]);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    clock.set(at("2026-12-07T01:00:00Z"));
    let posts = rec.wait_for(3).await;
    assert!(render(&posts[2].1.reply).contains("West Group monthly meeting"), "{:?}", render(&posts[2].1.reply));
    clock.advance(Duration::minutes(5));
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(rec.posts().len(), 3, "each once");
    service.stop().await;
}

/// Each group's daily erasure is its own: one group's run for the day does not stand for
/// another's (the day's claim names the group).
#[tokio::test]
async fn every_group_erases_its_own_expired_records_on_the_same_day() {
    let dir = tempfile::tempdir().unwrap();
    write_root(dir.path(), &[], None, &[], &groups(&[])[..2]);
    for slug in ["lacwg", "sur"] {
        let path = dir.path().join(format!("groups/{slug}/group.toml"));
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("{text}\n[retention]\nsignups_days = 30\n")).unwrap();
    }
    let org = Organization::open(dir.path(), sqlite_store().await, Settings::default()).unwrap();
    let now = chrono::Utc::now();
    let ana = convoca::chat::User { platform: convoca::chat::Platform::Discord, id: "ana".into(), name: "Ana".into() };
    for slug in ["lacwg", "sur"] {
        let store = org.group(&GroupId::named(slug)).unwrap().store().clone();
        store.sign_up(&ana, "jilamito", "", now - Duration::days(400)).await.unwrap();
        store.withdraw(&ana, "jilamito", None, now - Duration::days(399)).await.unwrap();
    }
    for slug in ["lacwg", "sur"] {
        let engine = org.group(&GroupId::named(slug)).unwrap();
        let purged = convoca::service::retention::run_once(&engine, "test", now).await.unwrap();
        assert_eq!(purged.map(|p| p.signups), Some(1), "{slug} ran its own erasure today");
    }
}

/// A sender that takes `at_once` posts at a time, sending through the recorder: each send
/// takes a moment, and the most sends it ever had under way at once is kept.
struct Narrow {
    rec: Recorder,
    at_once: usize,
    under_way: std::sync::atomic::AtomicUsize,
    most: std::sync::atomic::AtomicUsize,
}

impl convoca::reminders::Sender for Narrow {
    fn send<'a>(
        &'a self,
        post: &'a convoca::reminders::Post,
    ) -> futures_util::future::BoxFuture<'a, Result<(), convoca::reminders::SendError>> {
        use std::sync::atomic::Ordering::SeqCst;
        Box::pin(async move {
            let now = self.under_way.fetch_add(1, SeqCst) + 1;
            self.most.fetch_max(now, SeqCst);
            let sent = self.rec.send(post).await;
            tokio::time::sleep(std::time::Duration::from_millis(30)).await;
            self.under_way.fetch_sub(1, SeqCst);
            sent
        })
    }

    fn find<'a>(
        &'a self,
        post: &'a convoca::reminders::Post,
    ) -> futures_util::future::BoxFuture<'a, Result<convoca::reminders::Found, convoca::reminders::SendError>> {
        self.rec.find(post)
    }

    fn at_once(&self) -> usize {
        self.at_once
    }
}

/// A platform's room for posts under way is the process's, not each group's: a dozen groups'
/// reminders falling due at one instant go through a sender that takes four with never more
/// than four under way, every one once, instead of a dozen schedulers each filling the one
/// sender's queue (before the shared room: twelve at once).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_groups_reminders_due_at_once_share_the_senders_room() {
    use std::sync::atomic::Ordering::SeqCst;
    let dir = tempfile::tempdir().unwrap();
    let specs: Vec<GroupSpec> = (0..12)
        .map(|i| {
            let slug: &'static str = Box::leak(format!("g{i:02}").into_boxed_str());
            let name: &'static str = Box::leak(format!("Group {i:02}").into_boxed_str());
            let mut spec = GroupSpec::new(slug, name);
            spec.channels = vec![format!("discord:{}", 100 + i)];
            spec
        })
        .collect();
    let org = organization(dir.path(), &specs).await;
    let clock = ManualClock::new(at("2026-12-06T12:00:00Z"));
    let rec = Recorder::new(&clock);
    let narrow =
        Arc::new(Narrow { rec: rec.clone(), at_once: 4, under_way: Default::default(), most: Default::default() });
    let senders =
        Senders::new().with(&convoca::discord::ABILITIES, Arc::clone(&narrow) as Arc<dyn convoca::reminders::Sender>);
    let supervisor = convoca::supervisor::Tasks::new();
    let service = convoca::service::Service::start(&org, senders, Arc::new(clock.clone()), &supervisor);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    // Every group meets at 5 pm in New York on the 7th: twelve day-before reminders at 22:00Z.
    // Time then moves on a second at a time, as it would while they go out (a pass that a
    // loaded machine made miss the store's deadline tries again five seconds later).
    clock.set(at("2026-12-06T22:00:00Z"));
    let started = std::time::Instant::now();
    while rec.posts().len() < 12 {
        assert!(started.elapsed() < std::time::Duration::from_secs(30), "{} of 12 posted", rec.posts().len());
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        clock.advance(Duration::seconds(1));
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let mut keys: Vec<String> = rec.posts().into_iter().map(|(_, p)| p.key).collect();
    assert_eq!(keys.len(), 12, "none twice");
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 12, "each group's reminder once");
    assert_eq!(narrow.most.load(SeqCst), 4, "no more under way at once than the sender takes, and it was full");
    service.stop().await;
}
