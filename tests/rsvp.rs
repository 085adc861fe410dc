//! "I'm going": RSVPs answered privately and counted publicly, the organizers' attendee list,
//! personal reminders and notices by direct message through the ledger (once each, in the
//! person's language, the members' link only for members), `myreminders`, unreachable people,
//! `mycalendar` read back by an iCalendar parser, and `forgetme` leaving nothing.

mod common;

use std::io::BufReader;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use common::scheduler::*;
use common::*;
use convoca::chat::Platform;
use convoca::console::render;
use convoca::content::ContentHandle;
use convoca::engine::{Asked, Button, Engine, Reply, Settings, Tone, Visibility};
use convoca::locale::Locale;
use convoca::reminders::{ManualClock, People, SchedulerConfig, To};
use convoca::store::{OccurrenceRef, Store};
use sqlx::Row;

const LINK: &str = "https://zoom.example/j/4242";

/// Shipped content with the members-only Zoom link set and a deadline on the letter action.
fn content() -> tempfile::TempDir {
    let dir = content_with(&[], "");
    let meeting = dir.path().join("meetings/monthly.toml");
    let text = std::fs::read_to_string(&meeting).unwrap().replace("link = \"\"", &format!("link = \"{LINK}\""));
    std::fs::write(&meeting, text).unwrap();
    let campaign = dir.path().join("campaigns/jilamito.toml");
    let text = std::fs::read_to_string(&campaign)
        .unwrap()
        .replace("slug = \"letter\"", "slug = \"letter\"\ndeadline = \"2026-12-20T17:00\"");
    std::fs::write(&campaign, text).unwrap();
    dir
}

fn engine(dir: &tempfile::TempDir, store: Store, public_url: Option<&str>) -> Engine {
    let settings = Settings { public_url: public_url.map(str::to_string), ..Settings::default() };
    Engine::new(ContentHandle::open(dir.path()).unwrap(), store, settings)
}

async fn ask_as(engine: &Engine, id: &str, name: &str, text: &str, now: DateTime<Utc>) -> Reply {
    engine.handle(&on_discord(id, name, text, Locale::En, now)).await
}

const NOW: &str = "2026-11-28T12:00:00Z";
const DEC7: &str = "2026-12-07";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn going_is_private_said_once_and_shown_publicly_as_a_count() {
    for (db, store) in stores().await {
        let dir = content();
        let engine = engine(&dir, store, None);
        let now = at(NOW);
        let first = ask_as(&engine, "1", "Ana", "/going", now).await;
        let text = render(&first);
        assert_eq!((first.visibility, first.tone), (Visibility::Private, Tone::Done), "{db}: {text}");
        assert!(text.contains("You're going to **LA/CWG monthly meeting**, Monday, December 7"), "{db}: {text}");
        assert!(text.contains("private message 1 hour before"), "{db}: {text}");
        assert!(text.contains("/notgoing monthly 2026-12-07"), "{db}: {text}");
        // One slip from the organizers' /remind off: both are offered, nothing is done.
        let slip = render(&ask_as(&engine, "1", "Ana", "/remindme off", now).await);
        assert!(slip.contains("/myreminders off") && slip.contains("/remind off"), "{db}: {slip}");
        let ana = convoca::chat::User { platform: Platform::Discord, id: "1".into(), name: "Ana".into() };
        assert!(!engine.store().personal_reminders_off(&ana).await.unwrap(), "{db}");
        let again = ask_as(&engine, "1", "Ana", "/going", now).await;
        assert_eq!(again.tone, Tone::Info, "{db}");
        assert!(render(&again).contains("already said you're going"), "{db}");
        let mut spanish = on_discord("2", "Bo", "/voy monthly 2026-12-07", Locale::Es, now);
        spanish.locale = Locale::Es;
        let voy = engine.handle(&spanish).await;
        assert!(render(&voy).contains("Vas a **Reunión mensual del GT-ALC**"), "{db}: {}", render(&voy));

        // In public: a count, buttons for the next date, never a name.
        let meeting = ask_as(&engine, "3", "Cy", "/meeting", now).await;
        let public = render(&meeting);
        assert_eq!(meeting.visibility, Visibility::Public);
        // Two is under the floor: "a few".
        assert!(public.contains("a few going"), "{db}: {public}");
        assert!(!public.contains("Ana") && !public.contains("Bo"), "{db}: {public}");
        let rsvp_buttons: Vec<(bool, String)> = meeting
            .buttons
            .iter()
            .filter_map(|b| match b {
                Button::Rsvp { at, going, .. } => Some((*going, at.date.to_string())),
                _ => None,
            })
            .collect();
        assert_eq!(rsvp_buttons, [(true, DEC7.to_string()), (false, DEC7.to_string())], "{db}");

        let changed = ask_as(&engine, "1", "Ana", "/notgoing", now).await;
        assert_eq!(changed.tone, Tone::Done);
        assert!(render(&changed).contains("you're not going"), "{db}");
        assert!(render(&ask_as(&engine, "3", "Cy", "/meeting", now).await).contains("a few going"), "{db}");

        // Organizers: names, privately; members, and the admin of a server that is not the
        // group's, a polite refusal.
        let refused = ask_as(&engine, "3", "Cy", "/attendees", now).await;
        assert_eq!(refused.tone, Tone::Refusal, "{db}");
        assert!(!render(&refused).contains("Bo"), "{db}");
        let mut stranger = on_discord("666", "Admin", "/attendees", Locale::En, now);
        (stranger.asked, stranger.organizer) = (Asked::Elsewhere, true);
        let refused = engine.handle(&stranger).await;
        assert!(!render(&refused).contains("Bo") && !render(&refused).contains("Ana"), "{db}: {}", render(&refused));
        let list = organizer(&engine, "/attendees", now).await;
        let text = render(&list);
        assert_eq!(list.visibility, Visibility::Private);
        let going = text.find("Going (1)").expect("going list");
        let not = text.find("Can't make it (1)").expect("not going list");
        let (bo, ana) = (text.find("Bo (discord").unwrap(), text.find("Ana (discord").unwrap());
        assert!(going < bo && bo < not && not < ana, "{db}: {text}");
        let csv = organizer(&engine, "/attendees monthly 2026-12-07 csv", now).await;
        let file = csv.attachment.expect("a CSV file");
        let mut rows = csv::Reader::from_reader(file.data.as_slice());
        let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
        let cells: Vec<(String, String)> = rows.iter().map(|r| (r[3].to_string(), r[2].to_string())).collect();
        assert_eq!(cells, [("Bo".into(), "yes".into()), ("Ana".into(), "no".into())], "{db}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dates_that_are_not_meetings_are_explained_and_nothing_is_recorded() {
    let dir = content();
    let engine = engine(&dir, sqlite_store().await, None);
    let now = at(NOW);
    let cases = [
        ("/going 2026-12-08", "no meeting takes place on 2026-12-08"),
        ("/going monthly 2026-13-45", "didn't understand `2026-13-45`"),
        ("/going weekly", "no meeting called `weekly`"),
        ("/going 2026-11-02", "is over"),
    ];
    for (text, says) in cases {
        let reply = ask_as(&engine, "1", "Ana", text, now).await;
        assert_eq!(reply.tone, Tone::Refusal, "{text}");
        assert!(render(&reply).to_lowercase().contains(says), "{text}: {}", render(&reply));
    }
    organizer(&engine, "/cancel monthly 2026-12-07", now).await;
    let cancelled = ask_as(&engine, "1", "Ana", "/going monthly 2026-12-07", now).await;
    assert!(render(&cancelled).contains("is cancelled"), "{}", render(&cancelled));
    // With the date cancelled, the next one is meant.
    let next = ask_as(&engine, "1", "Ana", "/going", now).await;
    assert!(render(&next).contains("January 4"), "{}", render(&next));
    // From a server that is not the group's: nothing is recorded.
    let mut elsewhere = on_discord("7", "Stranger", "/going", Locale::En, now);
    elsewhere.asked = Asked::Elsewhere;
    engine.handle(&elsewhere).await;
    let at = OccurrenceRef { meeting: "monthly".into(), date: "2027-01-04".parse().unwrap() };
    assert_eq!(engine.store().rsvp_counts(&at).await.unwrap(), (1, 0), "only Ana");
}

/// An engine, a recorder on Discord, a hand-moved clock and a running scheduler.
async fn scheduled(store: Store, start: &str) -> (tempfile::TempDir, Engine, Recorder, ManualClock, Running) {
    let dir = content();
    let engine = engine(&dir, store, None);
    let clock = ManualClock::new(at(start));
    let rec = Recorder::new(&clock);
    let run = start_with(&engine, Arc::new(rec.clone()), Arc::new(clock.clone()), SchedulerConfig::default());
    (dir, engine, rec, clock, run)
}

fn person(post: &convoca::reminders::Post) -> (&str, &str) {
    match &post.to {
        To::Person { user, channel } => (user.as_str(), channel.as_str()),
        To::Channel(c) => panic!("a post to channel {c}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_person_going_gets_one_private_reminder_in_their_language_with_the_link_only_for_members() {
    for (db, store) in stores().await {
        let (_dir, engine, rec, clock, mut run) = scheduled(store.clone(), "2026-12-07T20:00:00Z").await;
        let now = at(NOW);
        let mut ana = on_discord("1", "Ana", "/voy", Locale::Es, now);
        ana.locale = Locale::Es;
        engine.handle(&ana).await;
        // Bo writes to the bot's DM without belonging to the group's home server: refused.
        let mut bo = on_discord("2", "Bo", "/going", Locale::En, now);
        (bo.asked, bo.member, bo.channel) = (Asked::Direct, false, None);
        assert_eq!(engine.handle(&bo).await.tone, Tone::Refusal);
        // An answer on record from someone not a member (made before that rule): reminded,
        // without the members' link.
        let seen = convoca::store::Seen { locale: Locale::En, member: false };
        let dec7 = OccurrenceRef { meeting: "monthly".into(), date: DEC7.parse().unwrap() };
        store.rsvp(&bo.user, &dec7, true, seen, now).await.unwrap();
        engine.notify_changed();
        ask_as(&engine, "3", "Cy", "/going", now).await;
        ask_as(&engine, "3", "Cy", "/myreminders off", now).await;
        let due = at("2026-12-07T21:00:00Z");
        wait_status(&mut run.status, "asleep until the personal reminders", |s| {
            s.sleeping_until == Some(due - Duration::seconds(2))
        })
        .await;
        clock.set(due);
        let posts = rec.wait_for(2).await;
        wait_status(&mut run.status, "both recorded", |s| s.sent == 2 && s.in_flight == 0).await;
        let mut by_person: Vec<(&str, &str, String)> =
            posts.iter().map(|(_, p)| (person(p).0, person(p).1, render(&p.reply))).collect();
        by_person.sort();
        assert_eq!(by_person.len(), 2, "{db}: Cy turned them off");
        let (ana_text, bo_text) = (&by_person[0].2, &by_person[1].2);
        assert_eq!((by_person[0].1, by_person[1].1), ("dm-1", "dm-2"), "{db}");
        assert!(ana_text.contains("Recordatorio: Reunión mensual del GT-ALC"), "{db}: {ana_text}");
        assert!(ana_text.contains(LINK), "{db}: a member gets the link: {ana_text}");
        assert!(ana_text.contains("/misavisos no"), "{db}: says how to stop them: {ana_text}");
        assert!(bo_text.contains("Reminder: LA/CWG monthly meeting"), "{db}: {bo_text}");
        assert!(!bo_text.contains(LINK), "{db}: not a member, no link: {bo_text}");
        assert!(bo_text.contains("/myreminders off") && bo_text.contains("/notgoing monthly 2026-12-07"), "{db}");
        assert!(posts.iter().all(|(at, _)| *at == due), "{db}: on time");
        let mut opened = rec.opened.lock().unwrap().clone();
        opened.sort();
        assert_eq!(opened, ["1", "2"], "{db}: one DM channel opened per person");

        // A second process on the same database, and the next meeting: nothing twice, and the
        // DM channel is not opened again.
        run.stop.send(true).unwrap();
        run.handle.await.unwrap();
        ask_as(&engine, "1", "Ana", "/going monthly 2027-01-04", now).await;
        let mut again = start_with(&engine, Arc::new(rec.clone()), Arc::new(clock.clone()), SchedulerConfig::default());
        wait_status(&mut again.status, "a pass", |s| s.passes > 0 && s.sleeping_until.is_some()).await;
        assert_eq!(rec.posts().len(), 2, "{db}: December's are not posted again");
        let next = at("2027-01-04T21:00:00Z");
        clock.set(next - Duration::minutes(5));
        wait_status(&mut again.status, "asleep until January", |s| {
            s.sleeping_until == Some(next - Duration::seconds(2))
        })
        .await;
        clock.set(next);
        let posts = rec.wait_for(3).await;
        assert_eq!(person(&posts[2].1), ("1", "dm-1"), "{db}");
        assert_eq!(rec.opened.lock().unwrap().len(), 2, "{db}: the stored DM channel was used");
        again.stop.send(true).unwrap();
        again.handle.await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_whose_messages_are_closed_is_not_retried_until_they_write_again() {
    let (_dir, engine, rec, clock, mut run) = scheduled(sqlite_store().await, "2026-12-07T20:59:00Z").await;
    let now = at(NOW);
    rec.closed.lock().unwrap().push("2".into());
    ask_as(&engine, "1", "Ana", "/going", now).await;
    ask_as(&engine, "2", "Bo", "/going", now).await;
    ask_as(&engine, "2", "Bo", "/going monthly 2027-01-04", now).await;
    clock.set(at("2026-12-07T21:00:00Z"));
    let s = wait_status(&mut run.status, "one sent, one refused", |s| s.sent == 1 && s.failed == 1).await;
    assert_eq!(s.in_flight, 0);
    assert_eq!(person(&rec.posts()[0].1).0, "1");
    let bo = convoca::chat::User { platform: Platform::Discord, id: "2".into(), name: "Bo".into() };
    assert_eq!(engine.store().standing_of(&bo).await.unwrap(), Some((true, Some(Locale::En))), "recorded unreachable");
    let people = People::load(engine.store(), at("2026-12-07T21:00:00Z")).await.unwrap();
    assert!(people.going.iter().all(|g| g.who.user_id != "2"), "nothing planned for Bo any more");
    // Not retried: an hour later nothing more went to Bo.
    clock.set(at("2026-12-07T21:30:00Z"));
    wait_status(&mut run.status, "asleep", |s| s.sleeping_until.is_some() && s.in_flight == 0).await;
    assert_eq!(rec.posts().len(), 1);
    let failed =
        sqlx::query("SELECT COUNT(*) AS n FROM reminder_ledger WHERE channel = 'discord:@2' AND state = 'failed'")
            .fetch_one(engine.store().pool())
            .await
            .unwrap()
            .get::<i64, _>("n");
    assert_eq!(failed, 1);
    // Bo writes to the bot (any command): reachable again, and January's reminder is planned.
    ask_as(&engine, "2", "Bo", "/mission", at("2026-12-08T12:00:00Z")).await;
    assert_eq!(engine.store().standing_of(&bo).await.unwrap(), Some((false, Some(Locale::En))));
    let people = People::load(engine.store(), at("2026-12-08T12:00:00Z")).await.unwrap();
    assert!(people.going.iter().any(|g| g.who.user_id == "2" && g.occurrence.date.to_string() == "2027-01-04"));
    run.stop.send(true).unwrap();
    run.handle.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_or_moving_tells_the_people_going_once_and_the_rsvp_follows_the_move() {
    for (db, store) in stores().await {
        let made = at("2026-12-01T15:00:00Z");
        let (_dir, engine, rec, clock, mut run) = scheduled(store, "2026-12-01T15:00:00Z").await;
        let now = at(NOW);
        ask_as(&engine, "1", "Ana", "/going", now).await;
        ask_as(&engine, "1", "Ana", "/going monthly 2027-01-04", now).await;
        ask_as(&engine, "2", "Bo", "/myreminders off", now).await;
        ask_as(&engine, "2", "Bo", "/going", now).await;
        assert_eq!(organizer(&engine, "/cancel monthly 2026-12-07", made).await.tone, Tone::Done);
        let posts = rec.wait_for(2).await;
        wait_status(&mut run.status, "both told", |s| s.sent == 2 && s.in_flight == 0).await;
        let mut told: Vec<&str> = posts.iter().map(|(_, p)| person(p).0).collect();
        told.sort();
        assert_eq!(told, ["1", "2"], "{db}: a notice comes even with reminders off");
        let text = render(&posts[0].1.reply);
        assert!(text.contains("Cancelled: LA/CWG monthly meeting") && text.contains("is cancelled"), "{db}: {text}");
        // Undone and done again: told once.
        // The uncancel's own pass must be over before counting, or it could stand in for the
        // cancel's and the check below would prove nothing.
        let passes = run.status.borrow().passes;
        organizer(&engine, "/uncancel monthly 2026-12-07", made + Duration::minutes(1)).await;
        wait_status(&mut run.status, "uncancel planned", |s| s.passes > passes && s.in_flight == 0).await;
        clock.set(made + Duration::minutes(2));
        let passes = run.status.borrow().passes;
        organizer(&engine, "/cancel monthly 2026-12-07", made + Duration::minutes(2)).await;
        // The change wakes the scheduler: it plans the notice again, finds it sent, and sleeps.
        wait_status(&mut run.status, "planned again", |s| {
            s.passes > passes && s.sleeping_until.is_some() && s.in_flight == 0
        })
        .await;
        assert_eq!(rec.posts().len(), 2, "{db}: not told twice");

        // Moved: told, and the personal reminder goes before the new time.
        clock.set(made + Duration::minutes(3));
        organizer(&engine, "/move monthly 2027-01-04 2027-01-05 18:00", made + Duration::minutes(3)).await;
        let posts = rec.wait_for(3).await;
        let text = render(&posts[2].1.reply);
        assert_eq!(person(&posts[2].1).0, "1", "{db}");
        assert!(text.contains("Moved: LA/CWG monthly meeting") && text.contains("January 5"), "{db}: {text}");
        let next = at("2027-01-05T22:00:00Z");
        clock.set(next - Duration::minutes(5));
        wait_status(&mut run.status, "asleep until the moved reminder", |s| {
            s.sleeping_until == Some(next - Duration::seconds(2))
        })
        .await;
        clock.set(next);
        let posts = rec.wait_for(4).await;
        assert!(render(&posts[3].1.reply).contains("January 5"), "{db}");
        run.stop.send(true).unwrap();
        run.handle.await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn someone_signed_up_for_an_action_with_a_deadline_is_reminded_the_day_before() {
    let (_dir, engine, rec, clock, mut run) = scheduled(sqlite_store().await, "2026-12-19T21:00:00Z").await;
    let now = at(NOW);
    ask_as(&engine, "1", "Ana", "/signup jilamito letter", now).await;
    ask_as(&engine, "2", "Bo", "/signup jilamito", now).await;
    let due = at("2026-12-19T22:00:00Z");
    wait_status(&mut run.status, "asleep until the deadline reminder", |s| {
        s.sleeping_until == Some(due - Duration::seconds(2))
    })
    .await;
    clock.set(due);
    let posts = rec.wait_for(1).await;
    wait_status(&mut run.status, "recorded", |s| s.sent == 1 && s.in_flight == 0).await;
    assert_eq!(person(&posts[0].1).0, "1", "only the one signed up for the action");
    let text = render(&posts[0].1.reply);
    assert!(text.contains("Write to your members of Congress") && text.contains("You signed up for this"), "{text}");
    assert!(text.contains("/myreminders off"), "{text}");
    run.stop.send(true).unwrap();
    run.handle.await.unwrap();
}

async fn get(url: &str) -> (u16, String) {
    let r = reqwest::get(url).await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// `(SUMMARY, DTSTART)` of each event in a calendar, read by an independent parser.
fn events(feed: &str) -> Vec<(String, DateTime<Utc>)> {
    let cal = ical::IcalParser::new(BufReader::new(feed.as_bytes())).next().unwrap().unwrap();
    cal.events
        .iter()
        .map(|e| {
            let prop = |n: &str| e.properties.iter().find(|p| p.name == n).and_then(|p| p.value.clone()).unwrap();
            let start = NaiveDateTime::parse_from_str(&prop("DTSTART"), "%Y%m%dT%H%M%SZ").unwrap().and_utc();
            (prop("SUMMARY"), start)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn my_calendar_is_a_private_feed_that_follows_my_answers_and_a_reset_revokes_it() {
    let dir = content();
    let store = sqlite_store().await;
    let without = engine(&dir, store.clone(), None);
    let unset = ask_as(&without, "1", "Ana", "/mycalendar", Utc::now()).await;
    assert!(render(&unset).contains("CONVOCA_PUBLIC_URL"), "{}", render(&unset));

    let (stop, rx) = tokio::sync::watch::channel(false);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let engine = engine(&dir, store, Some(&base));
    let state = convoca::http::AppState::new(engine.clone().into());
    let bind = base.trim_start_matches("http://").parse().unwrap();
    convoca::http::serve(bind, state, rx).await.unwrap();

    let now = Utc::now();
    ask_as(&engine, "1", "Ana", "/going", now).await;
    ask_as(&engine, "1", "Ana", "/signup jilamito letter", now).await;
    ask_as(&engine, "2", "Bo", "/going", now).await;
    let reply = ask_as(&engine, "1", "Ana", "/mycalendar", now).await;
    assert_eq!(reply.visibility, Visibility::Private);
    let text = render(&reply);
    let url = text.split_whitespace().find(|w| w.starts_with(&format!("{base}/me/"))).expect("a feed URL").to_string();
    assert!(render(&ask_as(&engine, "1", "Ana", "/mycalendar", now).await).contains(&url), "the same URL");

    let (status, feed) = get(&url).await;
    assert_eq!(status, 200);
    let mine = events(&feed);
    let next = engine
        .calendar_changes()
        .await
        .map(|o| {
            let content = engine.content().current();
            let agenda = convoca::agenda::Agenda::new(&content, &o);
            agenda.upcoming(convoca::agenda::Which::All, now, 1, convoca::agenda::Cancelled::Skipped)[0].start
        })
        .unwrap();
    assert!(mine.contains(&("LA/CWG monthly meeting".into(), next)), "{mine:?}");
    assert!(
        mine.iter()
            .any(|(s, t)| s.starts_with("Write to your members of Congress") && *t == at("2026-12-20T22:00:00Z"))
    );
    assert_eq!(mine.len(), 2, "Ana's only: {mine:?}");
    // It follows her answers.
    ask_as(&engine, "1", "Ana", "/notgoing", now).await;
    assert_eq!(events(&get(&url).await.1).len(), 1, "the meeting left her calendar");

    // A reset revokes the old URL; guesses and other shapes are 404s.
    let reset = render(&ask_as(&engine, "1", "Ana", "/mycalendar reset", now).await);
    let fresh = reset.split_whitespace().find(|w| w.starts_with(&format!("{base}/me/"))).unwrap().to_string();
    assert_ne!(fresh, url);
    assert_eq!(get(&url).await.0, 404);
    assert_eq!(get(&fresh).await.0, 200);
    assert_eq!(get(&format!("{base}/me/{}.ics", "0".repeat(64))).await.0, 404);
    assert_eq!(get(&format!("{base}/me/x.ics")).await.0, 404);
    stop.send(true).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forget_me_leaves_nothing_of_rsvps_personal_messages_or_calendars() {
    for (db, store) in stores().await {
        let (_dir, engine, rec, clock, mut run) = scheduled(store, "2026-12-07T20:59:00Z").await;
        let now = at(NOW);
        ask_as(&engine, "1", "Ana", "/going", now).await;
        ask_as(&engine, "1", "Ana", "/myreminders off", now).await;
        ask_as(&engine, "1", "Ana", "/myreminders on", now).await;
        ask_as(&engine, "2", "Bo", "/going", now).await;
        clock.set(at("2026-12-07T21:00:00Z"));
        rec.wait_for(2).await;
        wait_status(&mut run.status, "sent", |s| s.sent == 2 && s.in_flight == 0).await;
        let preview = render(&ask_as(&engine, "1", "Ana", "/forgetme", now).await);
        assert!(preview.contains("1 answer to a meeting") && preview.contains("1 private message"), "{db}: {preview}");
        let done = ask_as(&engine, "1", "Ana", "/forgetme confirm", now).await;
        assert_eq!(done.tone, Tone::Done, "{db}");
        let pool = engine.store().pool();
        for (table, column, value) in [
            ("users", "user_id", "1"),
            ("rsvps", "user_id", "1"),
            ("feed_tokens", "user_id", "1"),
            ("reminder_ledger", "channel", "discord:@1"),
        ] {
            let n: i64 =
                sqlx::query(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) AS n FROM {table} WHERE {column} = $1")))
                    .bind(value)
                    .fetch_one(pool)
                    .await
                    .unwrap()
                    .get("n");
            assert_eq!(n, 0, "{db}: {table} still holds Ana");
        }
        let bo: i64 = sqlx::query("SELECT COUNT(*) AS n FROM reminder_ledger WHERE channel = 'discord:@2'")
            .fetch_one(pool)
            .await
            .unwrap()
            .get("n");
        assert_eq!(bo, 1, "{db}: Bo's record stays");
        run.stop.send(true).unwrap();
        run.handle.await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn from_the_console_going_brings_the_personal_reminder_with_the_members_link() {
    let dir = content();
    let engine = engine(&dir, sqlite_store().await, None);
    // Whoever runs the bot answers from the terminal: a member of the group's home.
    let going = engine.handle(&request("/going", Locale::En, at(NOW))).await;
    assert_eq!(going.tone, Tone::Done, "{}", render(&going));
    let clock = ManualClock::new(at("2026-12-07T20:59:00Z"));
    let rec = Recorder::new(&clock);
    let mut run = start_on(
        &engine,
        &convoca::console::ABILITIES,
        Arc::new(rec.clone()),
        Arc::new(clock.clone()),
        Default::default(),
    );
    wait_status(&mut run.status, "asleep", |s| s.sleeping_until.is_some()).await;
    clock.set(at("2026-12-07T21:00:00Z"));
    let posts = rec.wait_for(1).await;
    assert_eq!(person(&posts[0].1), ("member-1", "dm-member-1"));
    let text = render(&posts[0].1.reply);
    assert!(text.contains(LINK) && text.contains("/myreminders off"), "{text}");
    run.stop.send(true).unwrap();
    run.handle.await.unwrap();
}

#[tokio::test]
async fn a_meeting_moved_within_its_day_says_from_what_time() {
    let engine = engine_on(&copy_of_shipped().keep()).await;
    let now = at("2026-11-28T12:00:00Z");
    let moved = organizer(&engine, "/move monthly 2026-12-07 2026-12-07 19:00", now).await;
    assert_eq!(moved.tone, Tone::Done, "{}", convoca::console::render(&moved));
    let meeting = convoca::console::render(&ask_as(&engine, "1", "Ana", "/meeting", now).await);
    assert!(meeting.contains("Moved from Monday, December 7, 2026, 5:00 PM EST"), "{meeting}");
}
