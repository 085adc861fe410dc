//! From "I'll do it" to "I did it": the follow-up after a deadline (once, in the person's
//! language, with buttons on Discord), the one a set time after a sign-up, answers recorded and
//! read back by organizers as progress (counts only in public), the next step, no messages
//! about the past, catch-up by each message's useful life, capacity and waitlists (a race of a
//! hundred, offers moved on by withdrawals, declines, expiry, `forgetme` and a raised
//! capacity), and `check` naming the file and line of a bad key.

mod common;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use common::scheduler::*;
use common::*;
use convoca::chat::{Platform, User};
use convoca::console::render;
use convoca::content::ContentHandle;
use convoca::engine::{Button, Command, Engine, Reply, Settings, Tone, Visibility, bare_answer};
use convoca::locale::Locale;
use convoca::reminders::{ManualClock, SchedulerConfig, To};
use convoca::store::{LedgerState, Outcome, Store};

/// Shipped content with: a deadline on the letter (Dec 20, 5 pm New York = 22:00 UTC) whose
/// next step is the rally; a follow-up a week after signing the petition; two places on the
/// rally, offers valid for 2 hours.
fn content() -> tempfile::TempDir {
    let dir = content_with(&[], "");
    edit(&dir, |text| {
        text.replace("slug = \"letter\"", "slug = \"letter\"\ndeadline = \"2026-12-20T17:00\"\nnext = \"rally\"")
            .replace("slug = \"petition\"", "slug = \"petition\"\nfollow_up = \"7d\"")
            .replace("slug = \"rally\"", "slug = \"rally\"\ncapacity = 2\noffer_valid = \"2h\"")
    });
    dir
}

fn edit(dir: &tempfile::TempDir, f: impl Fn(String) -> String) {
    let path = dir.path().join("campaigns/jilamito.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, f(text)).unwrap();
}

fn engine(dir: &tempfile::TempDir, store: Store) -> Engine {
    Engine::new(ContentHandle::open(dir.path()).unwrap(), store, Settings::default())
}

async fn ask_as(engine: &Engine, id: &str, text: &str, now: DateTime<Utc>) -> Reply {
    engine.handle(&on_discord(id, &format!("Person {}", id), text, Locale::En, now)).await
}

/// A Discord button pressed: the command it carries, as the adapter builds it.
async fn press(engine: &Engine, id: &str, command: Command, now: DateTime<Utc>) -> Reply {
    let mut req = on_discord(id, &format!("Person {}", id), "", Locale::En, now);
    req.command = command;
    engine.handle(&req).await
}

fn user(id: &str) -> User {
    User { platform: Platform::Discord, id: id.into(), name: format!("Person {id}") }
}

fn person(post: &convoca::reminders::Post) -> &str {
    match &post.to {
        To::Person { user, .. } => user,
        To::Channel(c) => panic!("a post to channel {c}"),
    }
}

const BEFORE: &str = "2026-11-28T12:00:00Z";
const DEADLINE: &str = "2026-12-20T22:00:00Z";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_the_deadline_each_person_is_asked_once_and_organizers_read_the_answers() {
    for (db, store) in stores().await {
        let dir = content();
        let engine = engine(&dir, store.clone());
        let clock = ManualClock::new(at(BEFORE));
        let rec = Recorder::new(&clock);
        let mut run = start_with(&engine, Arc::new(rec.clone()), Arc::new(clock.clone()), SchedulerConfig::default());
        let now = at(BEFORE);
        ask_as(&engine, "1", "/signup jilamito letter", now).await;
        engine
            .handle(&on_discord("2", &format!("Person {}", "2"), "/apuntarme jilamito letter", Locale::Es, now))
            .await;
        ask_as(&engine, "3", "/signup jilamito letter", now).await;
        ask_as(&engine, "3", "/myreminders off", now).await;
        ask_as(&engine, "4", "/signup jilamito", now).await;

        // The day-before reminders first (two people), then the follow-ups at the deadline.
        clock.set(at(DEADLINE) - Duration::days(1));
        rec.wait_for(2).await;
        wait_status(&mut run.status, "day-before reminders recorded", |s| s.sent == 2 && s.in_flight == 0).await;
        wait_status(&mut run.status, "asleep until the deadline", |s| {
            s.sleeping_until == Some(at(DEADLINE) - Duration::seconds(2))
        })
        .await;
        clock.set(at(DEADLINE));
        let posts = rec.wait_for(4).await;
        wait_status(&mut run.status, "follow-ups recorded", |s| s.sent == 4 && s.in_flight == 0).await;
        let asked: Vec<_> = posts[2..].iter().map(|(_, p)| p).collect();
        let mut who: Vec<&str> = asked.iter().map(|p| person(p)).collect();
        who.sort();
        assert_eq!(who, ["1", "2"], "{db}: the one who turned messages off and the one with no action are not asked");
        for post in &asked {
            let text = render(&post.reply);
            let spanish = person(post) == "2";
            let question = if spanish { "¿Lo hiciste?" } else { "Did you do it?" };
            assert!(text.contains(question), "{db}: {text}");
            assert!(text.contains(if spanish { "/misavisos no" } else { "/myreminders off" }), "{db}: {text}");
            let answers: Vec<Outcome> = post
                .reply
                .buttons
                .iter()
                .filter_map(|b| match b {
                    Button::Answer { campaign, action, outcome, .. }
                        if campaign == "jilamito" && action == "letter" =>
                    {
                        Some(*outcome)
                    }
                    _ => None,
                })
                .collect();
            assert_eq!(answers, Outcome::ALL, "{db}: Done / Not yet / Couldn't buttons");
        }

        // Once: another scheduler on the same database a minute later sends nothing more.
        run.stop.send(true).unwrap();
        run.handle.await.unwrap();
        clock.set(at(DEADLINE) + Duration::minutes(1));
        let rec2 = Recorder::new(&clock);
        let mut run2 = start_with(&engine, Arc::new(rec2.clone()), Arc::new(clock.clone()), SchedulerConfig::default());
        wait_status(&mut run2.status, "a pass", |s| s.passes >= 1 && s.sleeping_until.is_some()).await;
        assert!(rec2.posts().is_empty(), "{db}: {:?}", rec2.posts());
        let key = convoca::reminders::key_of("followup:jilamito:letter::discord:@1");
        assert_eq!(ledger(&store, &key).await, Some(LedgerState::Sent), "{db}");

        // Answers, as the buttons carry them.
        let now = at(DEADLINE) + Duration::hours(1);
        let done =
            Command::Done { campaign: Some("jilamito".into()), action: Some("letter".into()), outcome: Outcome::Done };
        let thanks = press(&engine, "1", done.clone(), now).await;
        let text = render(&thanks);
        assert_eq!((thanks.visibility, thanks.tone), (Visibility::Private, Tone::Done), "{db}: {text}");
        assert!(text.contains("Thank you! Noted: you did **Write to your members of Congress**"), "{db}: {text}");
        assert!(text.contains("next step? **Join the next action at Simonds' headquarters**"), "{db}: {text}");
        assert!(
            thanks.buttons.iter().any(|b| matches!(b, Button::SignUp { action: Some(a), .. } if a == "rally")),
            "{db}: the next step's sign-up button"
        );
        assert!(render(&press(&engine, "1", done, now).await).contains("Already noted"), "{db}");
        let mut bo = on_discord("2", &format!("Person {}", "2"), "/hecho jilamito letter todavia", Locale::Es, now);
        bo.locale = Locale::Es;
        let not_yet = render(&engine.handle(&bo).await);
        assert!(not_yet.contains("Anotado: todavía no"), "{db}: {not_yet}");

        // Organizers: each person's state and the summary; the public: counts only.
        let roster = render(&organizer(&engine, "/signups jilamito", now).await);
        assert!(roster.contains("4 signed up · 1 done · 1 not yet · 0 couldn't · 2 no answer"), "{db}: {roster}");
        assert!(roster.contains("Person 1") && roster.contains("· done"), "{db}: {roster}");
        assert!(roster.contains("Person 2") && roster.contains("· not yet"), "{db}: {roster}");
        let export = organizer(&engine, "/export jilamito", now).await;
        let csv = String::from_utf8(export.attachment.unwrap().data).unwrap();
        assert!(csv.lines().next().unwrap().ends_with(",state"), "{db}: {csv}");
        assert!(csv.contains(",done") && csv.contains(",not_yet") && csv.contains(",no_answer"), "{db}: {csv}");
        let public = ask_as(&engine, "5", "/campaign jilamito", now).await;
        let text = render(&public);
        assert_eq!(public.visibility, Visibility::Public);
        // How many did it is for the organizers; the public sees how many signed up, floored.
        assert!(!text.contains("Done so far"), "{db}: {text}");
        assert!(text.contains("Write to your members of Congress **3**"), "{db}: {text}");
        assert!(!text.contains("Person"), "{db}: {text}");
        // A member asking for the roster: a polite refusal.
        assert_eq!(ask_as(&engine, "5", "/signups jilamito", now).await.tone, Tone::Refusal, "{db}");
        run2.stop.send(true).unwrap();
        run2.handle.await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_deadline_the_question_comes_a_set_time_after_signing_up_and_a_bare_answer_takes_it() {
    let dir = content();
    let engine = engine(&dir, sqlite_store().await);
    let signed = at(BEFORE);
    let clock = ManualClock::new(signed);
    let rec = Recorder::new(&clock);
    let mut run = start_with(&engine, Arc::new(rec.clone()), Arc::new(clock.clone()), SchedulerConfig::default());
    ask_as(&engine, "1", "/signup jilamito petition", signed).await;
    let due = signed + Duration::days(7);
    wait_status(&mut run.status, "asleep until a week later", |s| s.sleeping_until == Some(due - Duration::seconds(2)))
        .await;
    clock.set(due);
    let posts = rec.wait_for(1).await;
    assert!(render(&posts[0].1.reply).contains("Sign the petition to Simonds International"));
    wait_status(&mut run.status, "recorded", |s| s.sent == 1 && s.in_flight == 0).await;

    // "not yet", alone, answers the question most recently asked.
    let (command, locale) = bare_answer("Not yet").unwrap();
    let mut req = on_discord("1", &format!("Person {}", "1"), "", locale, due + Duration::hours(1));
    req.command = command;
    let reply = render(&engine.handle(&req).await);
    assert!(reply.contains("Noted: not yet, for **Sign the petition"), "{reply}");
    let mine = engine.store().signups_of(&user("1")).await.unwrap();
    assert_eq!(mine[0].outcome, Some(Outcome::NotYet));
    // "Not yet" leaves the question open: a later "done", alone, closes it.
    req.command = bare_answer("done").unwrap().0;
    assert!(render(&engine.handle(&req).await).contains("Thank you! Noted"));
    assert_eq!(engine.store().signups_of(&user("1")).await.unwrap()[0].outcome, Some(Outcome::Done));
    // With nothing asked, a bare "done" asks which action.
    let mut lost = on_discord("7", &format!("Person {}", "7"), "/done", Locale::En, due);
    lost.command = Command::Done { campaign: None, action: None, outcome: Outcome::Done };
    let which = engine.handle(&lost).await;
    assert_eq!(which.tone, Tone::Refusal);
    assert!(render(&which).contains("Which action"), "{}", render(&which));
    // A report without signing up first records both (not for an action with places).
    assert_eq!(ask_as(&engine, "8", "/done jilamito letter", due).await.tone, Tone::Done);
    assert!(render(&ask_as(&engine, "8", "/done jilamito rally", due).await).contains("limited number of places"));
    run.stop.send(true).unwrap();
    run.handle.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploying_follow_ups_asks_nobody_about_the_past_and_catch_up_keeps_them_for_days() {
    for (db, store) in stores().await {
        let dir = content();
        // A second action whose deadline falls while the bot is down, a third long before.
        edit(&dir, |t| {
            t.replace("slug = \"rally\"\n", "slug = \"rally\"\ndeadline = \"2026-12-27T17:00\"\n")
                .replace("follow_up = \"7d\"", "deadline = \"2026-12-10T17:00\"")
        });
        let engine = engine(&dir, store.clone());
        let long_ago = at("2026-11-01T12:00:00Z");
        for id in ["1", "2"] {
            for action in ["letter", "rally", "petition"] {
                ask_as(&engine, id, &format!("/signup jilamito {action}"), long_ago).await;
            }
        }
        // The feature starts after the letter's deadline: that one is never asked.
        let deployed = at("2026-12-21T12:00:00Z");
        let clock = ManualClock::new(deployed);
        let rec = Recorder::new(&clock);
        let mut run = start_with(&engine, Arc::new(rec.clone()), Arc::new(clock.clone()), SchedulerConfig::default());
        wait_status(&mut run.status, "a first pass", |s| s.passes >= 1 && s.sleeping_until.is_some()).await;
        assert!(rec.posts().is_empty(), "{db}: nothing about deadlines before the deployment");
        run.stop.send(true).unwrap();
        run.handle.await.unwrap();

        // Down from Dec 26 to Dec 29: the rally's follow-up (Dec 27) is still worth asking.
        clock.set(at("2026-12-29T09:00:00Z"));
        let mut run = start_with(&engine, Arc::new(rec.clone()), Arc::new(clock.clone()), SchedulerConfig::default());
        let posts = rec.wait_for(2).await;
        wait_status(&mut run.status, "late follow-ups recorded", |s| s.sent == 2 && s.late == 2).await;
        for (_, post) in &posts {
            assert!(post.late && render(&post.reply).contains("Join the next action"), "{db}");
        }
        assert_eq!(posts.len(), 2, "{db}: the letter and the petition are never asked");
        run.stop.send(true).unwrap();
        run.handle.await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follow_up_past_its_days_of_use_is_recorded_missed() {
    let dir = content();
    edit(&dir, |t| t.replace("slug = \"rally\"\n", "slug = \"rally\"\ndeadline = \"2026-12-27T17:00\"\n"));
    let engine = engine(&dir, sqlite_store().await);
    let clock = ManualClock::new(at("2026-12-26T12:00:00Z"));
    ask_as(&engine, "1", "/signup jilamito rally", at(BEFORE)).await;
    let rec = Recorder::new(&clock);
    let mut run = start_with(&engine, Arc::new(rec.clone()), Arc::new(clock.clone()), SchedulerConfig::default());
    wait_status(&mut run.status, "a first pass", |s| s.passes >= 1 && s.sleeping_until.is_some()).await;
    run.stop.send(true).unwrap();
    run.handle.await.unwrap();
    // Back four days after the deadline: within the week the scheduler looks back, past the
    // follow-up's three days of use.
    clock.set(at("2026-12-31T23:00:00Z"));
    let mut run = start_with(&engine, Arc::new(rec.clone()), Arc::new(clock.clone()), SchedulerConfig::default());
    // Two missed, in one pass: the day-before reminder (its deadline passed too) and the
    // follow-up, on record as missed rather than asked days late.
    wait_status(&mut run.status, "missed", |s| s.missed == 2).await;
    assert!(rec.posts().is_empty());
    let key = convoca::reminders::key_of("followup:jilamito:rally::discord:@1");
    assert_eq!(ledger(engine.store(), &key).await, Some(LedgerState::Missed));
    run.stop.send(true).unwrap();
    run.handle.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_sign_ups_at_once_for_twenty_places_confirm_twenty_and_queue_eighty_in_arrival_order() {
    for (db, store) in stores().await {
        let dir = content();
        edit(&dir, |t| t.replace("capacity = 2", "capacity = 20"));
        // Order, not speed, is under test (the burst benchmark times it): no command gives up
        // at its deadline on a machine busy with other tests.
        let patient = Settings { command_deadline: std::time::Duration::from_secs(60), ..Settings::default() };
        let engine = Engine::new(ContentHandle::open(dir.path()).unwrap(), store.clone(), patient);
        let now = at(BEFORE);
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..100 {
            let engine = engine.clone();
            tasks.spawn(async move {
                let reply = ask_as(&engine, &format!("p{i}"), "/signup jilamito rally", now).await;
                (i, render(&reply))
            });
        }
        let replies = tasks.join_all().await;
        let confirmed = replies.iter().filter(|(_, r)| r.contains("You're signed up")).count();
        let mut positions: Vec<i64> = replies
            .iter()
            .filter_map(|(_, r)| r.split("number **").nth(1).and_then(|n| n.split("**").next()?.parse().ok()))
            .collect();
        positions.sort();
        assert_eq!(confirmed, 20, "{db}");
        assert_eq!(positions, (1..=80).collect::<Vec<i64>>(), "{db}: each place in line once");
        // Arrival order is commit order: every confirmed sign-up arrived before every waiting
        // one, and the roster lists the waiting in that order.
        let roster = store.roster("jilamito").await.unwrap();
        let arrivals: Vec<i64> = {
            let rows = sqlx::query(
                "SELECT waitlisted, arrival FROM signups WHERE campaign = 'jilamito' AND action = 'rally' ORDER BY arrival",
            )
            .fetch_all(store.pool())
            .await
            .unwrap();
            use sqlx::Row;
            rows.iter().map(|r| r.try_get::<i64, _>("waitlisted").unwrap()).collect()
        };
        assert_eq!(arrivals, [vec![0; 20], vec![1; 80]].concat(), "{db}");
        assert_eq!(roster.iter().filter(|e| e.waitlisted).count(), 80, "{db}");
        let public = render(&ask_as(&engine, "x", "/campaign jilamito", now).await);
        assert!(public.contains("**20 of 20 places**") && !public.contains("waiting"), "{db}: {public}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_freed_place_is_offered_once_down_the_waitlist_until_someone_takes_it() {
    for (db, store) in stores().await {
        let dir = content();
        let engine = engine(&dir, store.clone());
        let start = at(BEFORE);
        let clock = ManualClock::new(start);
        let rec = Recorder::new(&clock);
        let mut run = start_with(&engine, Arc::new(rec.clone()), Arc::new(clock.clone()), SchedulerConfig::default());
        for id in ["1", "2", "3", "4", "5"] {
            ask_as(&engine, id, "/signup jilamito rally", start).await;
        }
        let waiting = render(&ask_as(&engine, "4", "/signup jilamito rally", start).await);
        assert!(waiting.contains("already on the waitlist") && waiting.contains("number **2**"), "{db}: {waiting}");

        // 1 withdraws: 3 is offered the place, once, with Accept / Decline (though 3 turned
        // personal reminders off: they asked to wait).
        ask_as(&engine, "3", "/myreminders off", start).await;
        ask_as(&engine, "1", "/withdraw jilamito rally", start).await;
        let posts = rec.wait_for(1).await;
        assert_eq!(person(&posts[0].1), "3", "{db}");
        let text = render(&posts[0].1.reply);
        assert!(text.contains("A place opened up") && text.contains("accept by"), "{db}: {text}");
        let offer_buttons: Vec<bool> = posts[0]
            .1
            .reply
            .buttons
            .iter()
            .filter_map(|b| if let Button::Offer { accept, .. } = b { Some(*accept) } else { None })
            .collect();
        assert_eq!(offer_buttons, [true, false], "{db}");
        assert!(!text.contains("/myreminders"), "{db}: offers are not stopped by /myreminders off");
        wait_status(&mut run.status, "offer recorded", |s| s.sent == 1 && s.in_flight == 0).await;

        // 3 declines: 4 is offered it.
        let declined = press(&engine, "3", place(false), start).await;
        assert!(render(&declined).contains("goes to the next person"), "{db}: {}", render(&declined));
        let posts = rec.wait_for(2).await;
        assert_eq!(person(&posts[1].1), "4", "{db}");
        wait_status(&mut run.status, "second offer recorded", |s| s.sent == 2 && s.in_flight == 0).await;

        // 4 lets it expire (2 hours): 5 is offered it, and 4's late answer says so.
        clock.set(start + Duration::hours(2) + Duration::seconds(1));
        let posts = rec.wait_for(3).await;
        assert_eq!(person(&posts[2].1), "5", "{db}");
        let late = render(&press(&engine, "4", place(true), start + Duration::hours(3)).await);
        assert!(late.contains("expired"), "{db}: {late}");
        // 5 accepts by signing up again: the place is theirs, the rally is full again.
        let taken = render(&ask_as(&engine, "5", "/signup jilamito rally", start + Duration::hours(3)).await);
        assert!(taken.contains("The place is yours"), "{db}: {taken}");
        let counts = store.counts("jilamito").await.unwrap();
        let rally = counts.iter().find(|c| c.action == "rally").unwrap();
        assert_eq!((rally.people, rally.waiting), (2, 0), "{db}");

        // Six waiting now; 2 erases their data: the place moves on to the first of them.
        for id in ["6", "7"] {
            ask_as(&engine, id, "/signup jilamito rally", start + Duration::hours(3)).await;
        }
        clock.set(start + Duration::hours(3));
        ask_as(&engine, "2", "/forgetme confirm", start + Duration::hours(3)).await;
        let posts = rec.wait_for(4).await;
        assert_eq!(person(&posts[3].1), "6", "{db}");
        wait_status(&mut run.status, "fourth offer recorded", |s| s.sent == 4 && s.in_flight == 0).await;

        // Raising the capacity offers the new place; lowering it removes nobody.
        edit(&dir, |t| t.replace("capacity = 2", "capacity = 3"));
        engine.content().reload().unwrap();
        engine.notify_changed();
        let posts = rec.wait_for(5).await;
        assert_eq!(person(&posts[4].1), "7", "{db}");
        press(&engine, "6", place(true), start + Duration::hours(3)).await;
        press(&engine, "7", place(true), start + Duration::hours(3)).await;
        edit(&dir, |t| t.replace("capacity = 3", "capacity = 1"));
        engine.content().reload().unwrap();
        let counts = store.counts("jilamito").await.unwrap();
        assert_eq!(counts.iter().find(|c| c.action == "rally").unwrap().people, 3, "{db}");
        assert_eq!(rec.posts().len(), 5, "{db}: each offer once");
        run.stop.send(true).unwrap();
        run.handle.await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forgetting_while_a_place_is_offered_moves_it_on() {
    for (db, store) in stores().await {
        let dir = content();
        edit(&dir, |t| t.replace("capacity = 2", "capacity = 1"));
        let engine = engine(&dir, store.clone());
        let start = at(BEFORE);
        let clock = ManualClock::new(start);
        let rec = Recorder::new(&clock);
        let mut run = start_with(&engine, Arc::new(rec.clone()), Arc::new(clock.clone()), SchedulerConfig::default());
        for id in ["1", "2", "3"] {
            ask_as(&engine, id, "/signup jilamito rally", start).await;
        }
        ask_as(&engine, "1", "/withdraw jilamito rally", start).await;
        let posts = rec.wait_for(1).await;
        assert_eq!(person(&posts[0].1), "2", "{db}");
        wait_status(&mut run.status, "offer recorded", |s| s.sent == 1 && s.in_flight == 0).await;
        // 2 erases their data while the place is theirs to take: it goes to 3.
        ask_as(&engine, "2", "/forgetme confirm", start).await;
        let posts = rec.wait_for(2).await;
        assert_eq!(person(&posts[1].1), "3", "{db}");
        let offered: Vec<String> = store.open_offers().await.unwrap().into_iter().map(|o| o.who.user_id).collect();
        assert_eq!(offered, ["3"], "{db}: nothing of 2's is left open");
        run.stop.send(true).unwrap();
        run.handle.await.unwrap();
    }
}

fn place(accept: bool) -> Command {
    Command::Place { accept: Some(accept), campaign: Some("jilamito".into()), action: Some("rally".into()) }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_never_offer_the_same_place_twice() {
    for (db, first, second) in shared_databases().await {
        let now = at(BEFORE);
        let seen = convoca::store::Seen { locale: Locale::En, member: true };
        for i in 0..30 {
            first.take_place(&user(&format!("p{i}")), "jilamito", "rally", 10, seen, now).await.unwrap();
        }
        for i in 0..5 {
            first.withdraw(&user(&format!("p{i}")), "jilamito", Some("rally"), now).await.unwrap();
        }
        // Both processes move places at once, again and again.
        let mut tasks = tokio::task::JoinSet::new();
        for round in 0..10 {
            for store in [first.clone(), second.clone()] {
                tasks.spawn(async move {
                    store
                        .offer_places("jilamito", "rally", 10, Duration::hours(24), now + Duration::milliseconds(round))
                        .await
                        .unwrap()
                });
            }
        }
        let made: usize = tasks.join_all().await.into_iter().sum();
        assert_eq!(made, 5, "{db}: five freed places, five offers");
        let offered: Vec<String> = first.open_offers().await.unwrap().into_iter().map(|o| o.who.user_id).collect();
        assert_eq!(offered, ["p10", "p11", "p12", "p13", "p14"], "{db}: the first five waiting");
    }
}

#[test]
fn check_names_the_file_and_line_of_each_bad_key() {
    let dir = content();
    edit(&dir, |t| {
        t.replace("capacity = 2", "capacity = 0")
            .replace("follow_up = \"7d\"", "follow_up = \"soon\"")
            .replace("next = \"rally\"", "next = \"march\"")
            .replace("offer_valid = \"2h\"", "offer_valid = \"2h\"\n")
    });
    let errors = convoca::content::load(dir.path(), at(BEFORE)).unwrap_err().to_string();
    let text = std::fs::read_to_string(dir.path().join("campaigns/jilamito.toml")).unwrap();
    let line = |key: &str| text.lines().position(|l| l.starts_with(key)).unwrap() + 1;
    assert!(
        errors.contains(&format!("jilamito.toml:{}: capacity must be a whole number", line("capacity = 0"))),
        "{errors}"
    );
    assert!(errors.contains(&format!("jilamito.toml:{}: `soon` is not a delay", line("follow_up ="))), "{errors}");
    assert!(
        errors.contains(&format!(
            "jilamito.toml:{}: `next` names `march`, but the campaign `jilamito` has no such action",
            line("next =")
        )),
        "{errors}"
    );
    // Another campaign's action, named `campaign/action`, is fine; a missing campaign is not.
    let dir = content();
    edit(&dir, |t| t.replace("next = \"rally\"", "next = \"cuba-sst/nowhere\""));
    let errors = convoca::content::load(dir.path(), at(BEFORE)).unwrap_err().to_string();
    assert!(errors.contains("the campaign `cuba-sst` has no such action"), "{errors}");
    let dir = content();
    edit(&dir, |t| t.replace("next = \"rally\"", "next = \"nothing/rally\""));
    let errors = convoca::content::load(dir.path(), at(BEFORE)).unwrap_err().to_string();
    assert!(errors.contains("`next` names the campaign `nothing`, which does not exist"), "{errors}");
    assert!(convoca::content::load(content().path(), at(BEFORE)).is_ok());
}
