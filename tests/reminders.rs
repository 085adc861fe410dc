//! Reminders, with a hand-moved clock: exact instants, DST, cancel and move, subscriptions
//! waking the scheduler, restarts mid-send, two schedulers on one database, downtime.

mod common;

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use common::scheduler::*;
use common::*;
use convoca::agenda::Agenda;
use convoca::chat::Platform;
use convoca::engine::Engine;
use convoca::reminders::plan::plan;
use convoca::reminders::{ManualClock, Post, Status, key_of};
use convoca::store::{LedgerState, Store};

fn identity(meeting_date: &str, start: &str, lead: &str, channel: &str) -> String {
    format!("meeting:monthly:{meeting_date}:{start}:{lead}:{channel}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reminder_fires_at_its_exact_instant_and_never_before() {
    let dir = content_with(&["discord:111"], "");
    let engine = engine_on(dir.path()).await;
    let clock = ManualClock::new(at("2026-12-06T12:00:00Z"));
    let rec = Recorder::new(&clock);
    let mut run = start(&engine, &rec, &clock);
    let due = at("2026-12-06T22:00:00Z");
    // Asleep until two seconds before the one-day reminder: no polling in between.
    let s = wait_status(&mut run.status, "asleep until the first claim", |s| {
        s.sleeping_until == Some(due - Duration::seconds(2))
    })
    .await;
    let passes = s.passes;
    clock.set(due - Duration::seconds(2));
    wait_status(&mut run.status, "claimed and asleep again", |s| {
        s.passes > passes && s.sleeping_until.is_some() && s.in_flight == 1
    })
    .await;
    clock.set(due - Duration::milliseconds(1));
    clock.set(due);
    let posts = rec.wait_for(1).await;
    assert_eq!(posts[0].0, due, "sent at the instant, not a millisecond before");
    let post = &posts[0].1;
    assert_eq!(post.to.channel(), "111");
    assert!(!post.late);
    let key = key_of(&identity("2026-12-07", "2026-12-07T22:00Z", "1d", "discord:111"));
    assert_eq!(post.key, key);
    let text = convoca::console::render(&post.reply);
    assert!(text.contains("Reminder: LA/CWG monthly meeting"), "{text}");
    assert!(text.contains("Monday, December 7, 2026, 5:00–6:30 PM EST"), "{text}");
    assert!(text.contains("/signup jilamito"), "{text}");
    wait_status(&mut run.status, "recorded", |s| s.sent == 1 && s.in_flight == 0).await;
    assert_eq!(ledger(engine.store(), &key).await, Some(LedgerState::Sent));
    // The next one is the one-hour reminder, 23 hours later.
    wait_status(&mut run.status, "asleep until the next", |s| {
        s.sleeping_until == Some(at("2026-12-07T21:00:00Z") - Duration::seconds(2))
    })
    .await;
    run.stop.send(true).unwrap();
    run.handle.await.unwrap();
}

#[tokio::test]
async fn dst_weeks_keep_local_times() {
    let dir = content_with(&["discord:111"], "");
    std::fs::write(
        dir.path().join("meetings/sunday.toml"),
        "title = \"Sunday call\"\nrepeat = \"FREQ=WEEKLY;BYDAY=SU\"\nfirst_date = \"2026-10-01\"\nstart = \"17:00\"\nduration = \"1h\"\n[reminders]\nchannels = [\"discord:222\"]\n",
    )
    .unwrap();
    let content = convoca::content::load(dir.path(), at("2026-11-28T00:00:00Z")).unwrap();
    let changes = Default::default();
    let agenda = Agenda::new(&content, &changes);
    let p = plan(
        &content,
        &agenda,
        &[],
        &Default::default(),
        at("2027-02-26T00:00:00Z"),
        at("2027-04-06T00:00:00Z"),
        false,
    );
    let dues = |channel: &str| -> Vec<String> {
        p.items
            .iter()
            .filter(|i| p.target(i).is_some_and(|t| &*t.channel == channel))
            .map(|i| format!("{} {}", i.due.format("%Y-%m-%dT%H:%MZ"), i.lead))
            .collect()
    };
    // Monthly meeting: EST on March 1, EDT on April 5.
    assert_eq!(
        dues("discord:111"),
        ["2027-02-28T22:00Z 1d", "2027-03-01T21:00Z 1h", "2027-04-04T21:00Z 1d", "2027-04-05T20:00Z 1h"]
    );
    // Sunday call on the spring-forward day: 5 pm EDT is 21:00Z; a day before is 5 pm EST, 22:00Z.
    let sunday = dues("discord:222");
    assert!(sunday.contains(&"2027-03-13T22:00Z 1d".to_string()), "{sunday:?}");
    assert!(sunday.contains(&"2027-03-14T20:00Z 1h".to_string()), "{sunday:?}");
    assert!(sunday.contains(&"2027-03-06T22:00Z 1d".to_string()), "{sunday:?}");
    assert!(sunday.contains(&"2027-03-20T21:00Z 1d".to_string()), "{sunday:?}");
}

/// The organizer's answer to `text` asked in `channel` (`None`: their direct chat), as text.
async fn organizer_in(engine: &Engine, text: &str, channel: Option<&str>, now: DateTime<Utc>) -> String {
    let mut req = organizer_request(text, now);
    req.channel = channel.map(str::to_string);
    convoca::console::render(&engine.handle(&req).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_and_move_change_what_is_reminded_and_wake_the_scheduler() {
    let dir = content_with(&["discord:111"], "");
    let engine = engine_on(dir.path()).await;
    let clock = ManualClock::new(at("2026-12-28T00:00:00Z"));
    let rec = Recorder::new(&clock);
    let mut run = start(&engine, &rec, &clock);
    wait_status(&mut run.status, "asleep until January 3", |s| s.sleeping_until == Some(at("2027-01-03T21:59:58Z")))
        .await;
    organizer_in(&engine, "/cancel 2027-01-04", None, clock_now(&clock)).await;
    // Woken by the change, nothing is due within its eight-day plan: it sleeps to its end.
    wait_status(&mut run.status, "asleep until the plan's end", |s| {
        s.sleeping_until == Some(at("2027-01-05T00:00:00Z"))
    })
    .await;
    organizer_in(&engine, "/move 2027-01-04 2027-01-05 18:00", None, clock_now(&clock)).await;
    // Moved: reminded at the new time (a day before 6 pm on the 5th = 23:00Z on the 4th).
    wait_status(&mut run.status, "asleep until January 4", |s| s.sleeping_until == Some(at("2027-01-04T22:59:58Z")))
        .await;
    clock.set(at("2027-01-04T23:00:00Z"));
    let posts = rec.wait_for(1).await;
    assert_eq!(posts[0].0, at("2027-01-04T23:00:00Z"));
    assert!(convoca::console::render(&posts[0].1.reply).contains("Tuesday, January 5, 2027, 6:00–7:30 PM EST"));
    assert_eq!(posts[0].1.key, key_of(&identity("2027-01-04", "2027-01-05T23:00Z", "1d", "discord:111")));
    run.stop.send(true).unwrap();
    run.handle.await.unwrap();
}

fn clock_now(clock: &ManualClock) -> DateTime<Utc> {
    convoca::reminders::Clock::now(clock)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscription_added_while_the_scheduler_sleeps_wakes_it() {
    let engine = engine_on(&shipped()).await;
    let clock = ManualClock::new(at("2026-12-06T12:00:00Z"));
    let rec = Recorder::new(&clock);
    let mut run = start(&engine, &rec, &clock);
    // No channel gets reminders: it sleeps until its planning horizon, days away.
    let s = wait_status(&mut run.status, "asleep with nothing to do", |s| s.sleeping_until.is_some()).await;
    assert!(s.sleeping_until.unwrap() >= at("2026-12-14T00:00:00Z"), "{s:?}");
    let reply = organizer_in(&engine, "/remind here es", Some("333"), clock_now(&clock)).await;
    assert!(reply.contains("This channel now gets reminders"), "{reply}");
    wait_status(&mut run.status, "woken and asleep until the reminder", |s| {
        s.sleeping_until == Some(at("2026-12-06T21:59:58Z"))
    })
    .await;
    clock.set(at("2026-12-06T22:00:00Z"));
    let posts = rec.wait_for(1).await;
    assert_eq!(posts[0].1.to.channel(), "333");
    let text = convoca::console::render(&posts[0].1.reply);
    assert!(text.contains("Recordatorio: Reunión mensual del GT-ALC"), "in the channel's language: {text}");
    // The post is counted once it is recorded sent, a moment after the sender saw it.
    wait_status(&mut run.status, "the post recorded as sent", |s| s.sent == 1).await;
    // `remind off` stops the next one.
    organizer_in(&engine, "/remind off", Some("333"), clock_now(&clock)).await;
    let s = wait_status(&mut run.status, "nothing left", |s| {
        s.sleeping_until.is_some_and(|t| t > at("2026-12-08T00:00:00Z"))
    })
    .await;
    assert_eq!(s.sent, 1);
    run.stop.send(true).unwrap();
    run.handle.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_between_claim_and_send_is_retried_once_with_the_same_key() {
    let dir = content_with(&["discord:111"], "");
    let store = sqlite_store().await;
    let engine = engine_with(dir.path(), store.clone());
    let due = at("2026-12-06T22:00:00Z");
    let clock = ManualClock::new(due - Duration::seconds(10));
    // The first process hangs inside `send` and is then killed: no release, no record.
    let dying = Recorder { hang: true, ..Recorder::new(&clock) };
    let run = start(&engine, &dying, &clock);
    let mut status = run.status.clone();
    wait_status(&mut status, "asleep", |s| s.sleeping_until.is_some()).await;
    clock.set(due - Duration::seconds(2));
    wait_status(&mut status, "claimed", |s| s.in_flight == 1).await;
    clock.set(due);
    let first = dying.wait_for(1).await;
    run.handle.abort();
    let _ = run.handle.await;
    let key = first[0].1.key.clone();
    assert!(matches!(ledger(&store, &key).await, Some(LedgerState::Claimed { .. })));

    // A new process starts at once: the lease still holds, so it waits for it.
    let engine2 = engine_with(dir.path(), store.clone());
    let survivor = Recorder::new(&clock);
    let mut run2 = start(&engine2, &survivor, &clock);
    let s = wait_status(&mut run2.status, "waiting for the lease", |s| s.sleeping_until.is_some()).await;
    assert!(survivor.posts().is_empty());
    let lease_end = s.sleeping_until.unwrap();
    assert!(lease_end > due && lease_end <= due + Duration::seconds(35), "{s:?}");
    clock.set(lease_end);
    let retried = survivor.wait_for(1).await;
    assert_eq!(retried[0].1.key, key, "the retry reuses the key, so the platform drops a duplicate");
    assert!(retried[0].1.late, "posted a lease after its moment, and said so in the log");
    wait_status(&mut run2.status, "recorded", |s| s.sent == 1).await;
    assert_eq!(ledger(&store, &key).await, Some(LedgerState::Sent));
    // And never again.
    clock.set(due + Duration::hours(2));
    wait_status(&mut run2.status, "asleep again", |s| s.sleeping_until.is_some_and(|t| t > due + Duration::hours(2)))
        .await;
    assert_eq!(survivor.posts().iter().filter(|(_, p)| p.key == key).count(), 1);
    run2.stop.send(true).unwrap();
    run2.handle.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_releases_what_was_claimed_but_not_sent() {
    let dir = content_with(&["discord:111"], "");
    let store = sqlite_store().await;
    let due = at("2026-12-06T22:00:00Z");
    let clock = ManualClock::new(due - Duration::seconds(10));
    let rec = Recorder::new(&clock);
    let mut run = start(&engine_with(dir.path(), store.clone()), &rec, &clock);
    wait_status(&mut run.status, "asleep", |s| s.sleeping_until.is_some()).await;
    clock.set(due - Duration::seconds(1));
    wait_status(&mut run.status, "claimed", |s| s.in_flight == 1).await;
    run.stop.send(true).unwrap();
    run.handle.await.unwrap();
    assert!(rec.posts().is_empty());
    // A new process takes it over without waiting for the lease.
    let rec2 = Recorder::new(&clock);
    let run2 = start(&engine_with(dir.path(), store.clone()), &rec2, &clock);
    clock.set(due);
    let posts = rec2.wait_for(1).await;
    assert_eq!(posts[0].0, due);
    run2.stop.send(true).unwrap();
    run2.handle.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_during_a_send_finishes_it_and_records_it_once() {
    let dir = content_with(&["discord:111"], "");
    let store = sqlite_store().await;
    let due = at("2026-12-06T22:00:00Z");
    let clock = ManualClock::new(due - Duration::seconds(10));
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    let slow = Recorder { gate: Some(Arc::clone(&gate)), ..Recorder::new(&clock) };
    let mut run = start(&engine_with(dir.path(), store.clone()), &slow, &clock);
    wait_status(&mut run.status, "asleep", |s| s.sleeping_until.is_some()).await;
    clock.set(due - Duration::seconds(2));
    wait_status(&mut run.status, "claimed", |s| s.in_flight == 1).await;
    clock.set(due);
    let posts = slow.wait_for(1).await;
    // SIGTERM arrives while the platform is still answering.
    run.stop.send(true).unwrap();
    gate.add_permits(1);
    run.handle.await.unwrap();
    assert_eq!(ledger(&store, &posts[0].1.key).await, Some(LedgerState::Sent), "finished and recorded, not released");
    // The next start does not post it again.
    let rec = Recorder::new(&clock);
    let mut run2 = start(&engine_with(dir.path(), store.clone()), &rec, &clock);
    wait_status(&mut run2.status, "asleep", |s| s.sleeping_until.is_some_and(|t| t > due)).await;
    assert!(rec.posts().is_empty());
    run2.stop.send(true).unwrap();
    run2.handle.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passing_failure_is_retried_with_the_same_key() {
    let dir = content_with(&["discord:111"], "");
    let engine = engine_on(dir.path()).await;
    let due = at("2026-12-06T22:00:00Z");
    let clock = ManualClock::new(due - Duration::seconds(10));
    let rec = Recorder { fail_first: Arc::new(Mutex::new(1)), ..Recorder::new(&clock) };
    let mut run = start(&engine, &rec, &clock);
    wait_status(&mut run.status, "asleep", |s| s.sleeping_until.is_some()).await;
    clock.set(due - Duration::seconds(2));
    wait_status(&mut run.status, "claimed", |s| s.in_flight == 1).await;
    clock.set(due);
    // The failed post is released until the retry, and the scheduler wakes for it.
    wait_status(&mut run.status, "retry scheduled", |s| s.sleeping_until == Some(due + Duration::seconds(30))).await;
    assert!(rec.posts().is_empty());
    clock.set(due + Duration::seconds(30));
    let posts = rec.wait_for(1).await;
    assert_eq!(posts[0].1.key, key_of(&identity("2026-12-07", "2026-12-07T22:00Z", "1d", "discord:111")));
    run.stop.send(true).unwrap();
    run.handle.await.unwrap();
}

async fn downtime(now: &str) -> (Vec<Post>, Status, Store) {
    let dir = content_with(&["discord:111"], "");
    let store = sqlite_store().await;
    let engine = engine_with(dir.path(), store.clone());
    let clock = ManualClock::new(at(now));
    let rec = Recorder::new(&clock);
    let mut run = start(&engine, &rec, &clock);
    let s = wait_status(&mut run.status, "first pass done", |s| s.passes >= 1 && s.in_flight == 0).await;
    let posts = rec.posts().into_iter().map(|(_, p)| p).collect();
    run.stop.send(true).unwrap();
    run.handle.await.unwrap();
    (posts, s, store)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_downtime_a_still_useful_reminder_is_posted_late() {
    // Down over the one-day reminder (22:00Z on the 6th); back at noon on the 7th.
    let (posts, status, _) = downtime("2026-12-07T12:00:00Z").await;
    assert_eq!(posts.len(), 1, "{posts:?}");
    assert!(posts[0].late);
    assert_eq!(posts[0].key, key_of(&identity("2026-12-07", "2026-12-07T22:00Z", "1d", "discord:111")));
    assert_eq!((status.sent, status.late, status.missed), (1, 1, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_reminder_counts_its_words_from_when_it_is_posted() {
    // The one-day reminder, due Sunday 5 pm EST, posted Monday 7 am EST: the meeting is today.
    let (posts, _, _) = downtime("2026-12-07T12:00:00Z").await;
    let text = convoca::console::render(&posts[0].reply);
    assert!(text.contains("Starts today at 5:00 PM EST."), "{text}");
    assert!(!text.contains("tomorrow"), "{text}");
}

/// An organizer's change made at `now` (UTC), then what the scheduler posts until the meeting.
async fn change_inside_the_lead_time(now: &str, change: &str, until: &str) -> Vec<(DateTime<Utc>, Post)> {
    let dir = content_with(&["discord:111"], "");
    let engine = engine_on(dir.path()).await;
    if change.starts_with("/addmeeting") {
        // One-off meetings are reminded in the channels subscribed to every meeting.
        let said = organizer_in(&engine, "/remind here", Some("222"), at(now)).await;
        assert!(!said.contains("only"), "{said}");
    }
    let clock = ManualClock::new(at(now));
    let rec = Recorder::new(&clock);
    let mut run = start(&engine, &rec, &clock);
    wait_status(&mut run.status, "first pass", |s| s.passes >= 1 && s.in_flight == 0).await;
    // Counted before the change: the pass it causes may come before the answer does.
    let passes = run.status.borrow().passes;
    let said = organizer_in(&engine, change, None, at(now)).await;
    assert!(said.contains("Moved") || said.contains("Added"), "{said}");
    wait_status(&mut run.status, "planned again", |s| s.passes > passes && s.in_flight == 0).await;
    let (before, asleep_until) = {
        let s = run.status.borrow();
        (s.passes, s.sleeping_until)
    };
    clock.set(at(until));
    if asleep_until.is_some_and(|t| t <= at(until)) {
        wait_status(&mut run.status, "woken before the end", |s| s.passes > before && s.in_flight == 0).await;
    }
    run.stop.send(true).unwrap();
    run.handle.await.unwrap();
    rec.posts()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_move_inside_the_lead_time_gets_one_notice_in_the_right_words() {
    // Sunday 05:56 EST, the December meeting moved from Monday to this evening at 6 pm: the
    // one-day reminder's moment (Saturday) had passed before the move.
    let posts = change_inside_the_lead_time(
        "2026-12-06T10:56:00Z",
        "/move 2026-12-07 2026-12-06 18:00",
        "2026-12-06T22:00:00Z",
    )
    .await;
    let texts: Vec<String> = posts.iter().map(|(_, p)| convoca::console::render(&p.reply)).collect();
    assert_eq!(posts.len(), 2, "one notice now and the one-hour reminder: {texts:#?}");
    assert_eq!(posts[0].0, at("2026-12-06T10:56:00Z"));
    assert!(texts[0].contains("Starts today at 6:00 PM EST."), "{}", texts[0]);
    // A notice of the change, due when it was made: not a day-old reminder posted late.
    assert!(!posts[0].1.late, "{:?}", posts[0].1);
    assert!(!texts.iter().any(|t| t.contains("tomorrow")), "{texts:#?}");
    assert_eq!(posts[1].0, at("2026-12-06T22:00:00Z"));
    assert!(texts[1].contains("Starts in about an hour."), "{}", texts[1]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_meeting_added_within_the_hour_is_announced_once() {
    // Added at 5:01 pm EST for 6 pm: both of its reminders' moments had passed.
    let posts = change_inside_the_lead_time(
        "2026-12-09T22:01:00Z",
        "/addmeeting 2026-12-09 18:00 Emergency call",
        "2026-12-09T23:00:00Z",
    )
    .await;
    let texts: Vec<String> = posts.iter().map(|(_, p)| convoca::console::render(&p.reply)).collect();
    assert_eq!(posts.len(), 1, "{texts:#?}");
    assert_eq!(posts[0].0, at("2026-12-09T22:01:00Z"));
    assert_eq!(posts[0].1.to.channel(), "222");
    assert!(texts[0].contains("Starts in 59 minutes."), "{}", texts[0]);
    assert!(!posts[0].1.late, "{:?}", posts[0].1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_downtime_only_the_most_recent_reminder_is_posted() {
    // Back at 21:30Z on the 7th: both reminders passed, the meeting has not started.
    let (posts, status, store) = downtime("2026-12-07T21:30:00Z").await;
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].key, key_of(&identity("2026-12-07", "2026-12-07T22:00Z", "1h", "discord:111")));
    assert_eq!((status.sent, status.missed), (1, 1));
    let day = key_of(&identity("2026-12-07", "2026-12-07T22:00Z", "1d", "discord:111"));
    assert_eq!(ledger(&store, &day).await, Some(LedgerState::Missed));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_downtime_a_reminder_too_late_is_recorded_missed() {
    // Back after the meeting started.
    let (posts, status, store) = downtime("2026-12-07T22:30:00Z").await;
    assert!(posts.is_empty(), "{posts:?}");
    assert_eq!(status.missed, 2);
    for lead in ["1d", "1h"] {
        let key = key_of(&identity("2026-12-07", "2026-12-07T22:00Z", lead, "discord:111"));
        assert_eq!(ledger(&store, &key).await, Some(LedgerState::Missed), "{lead}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deadlines_are_reminded_to_subscribed_channels() {
    let dir = petition_deadline();
    let engine = engine_on(dir.path()).await;
    let clock = ManualClock::new(at("2026-12-14T12:00:00Z"));
    organizer_in(&engine, "/remind here", Some("444"), clock_now(&clock)).await;
    let rec = Recorder::new(&clock);
    let mut run = start(&engine, &rec, &clock);
    // A day before 5 pm EST on the 15th.
    wait_status(&mut run.status, "asleep until the deadline reminder", |s| {
        s.sleeping_until == Some(at("2026-12-14T21:59:58Z"))
    })
    .await;
    clock.set(at("2026-12-14T22:00:00Z"));
    let posts = rec.wait_for(1).await;
    let text = convoca::console::render(&posts[0].1.reply);
    assert!(text.contains("Deadline: Sign the petition to Simonds International"), "{text}");
    assert!(text.contains("Tuesday, December 15, 2026, 5:00 PM EST"), "{text}");
    run.stop.send(true).unwrap();
    run.handle.await.unwrap();
}

async fn subscribe_many(engine: &Engine, n: usize, now: DateTime<Utc>) {
    for i in 0..n {
        let sub = convoca::store::Subscription {
            channel: format!("discord:{}", 10_000 + i),
            meeting: "monthly".into(),
            locale: convoca::locale::Locale::En,
        };
        let by = convoca::chat::User { platform: Platform::Discord, id: "900".into(), name: "Org".into() };
        engine.store().subscribe(&sub, &by, "console", now).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_schedulers_on_one_postgres_database_send_500_reminders_exactly_once() {
    let Some(url) = postgres_url() else { return };
    let due = at("2026-12-06T22:00:00Z");
    let clock = ManualClock::new(due - Duration::minutes(5));
    let a = engine_with(&shipped(), Store::open(Some(&url)).await.unwrap());
    let b = engine_with(&shipped(), Store::open(Some(&url)).await.unwrap());
    subscribe_many(&a, 500, clock_now(&clock)).await;
    let (rec_a, rec_b) = (Recorder::new(&clock), Recorder::new(&clock));
    let mut run_a = start(&a, &rec_a, &clock);
    let mut run_b = start(&b, &rec_b, &clock);
    wait_status(&mut run_a.status, "a asleep", |s| s.sleeping_until == Some(due - Duration::seconds(2))).await;
    wait_status(&mut run_b.status, "b asleep", |s| s.sleeping_until == Some(due - Duration::seconds(2))).await;
    clock.set(due - Duration::seconds(2));
    clock.set(due);
    until("500 posts", PATIENCE, async || rec_a.posts().len() + rec_b.posts().len() >= 500).await;
    let mut keys: Vec<String> = rec_a
        .posts()
        .into_iter()
        .chain(rec_b.posts())
        .map(|(t, p)| {
            assert_eq!(t, due, "none before or after its instant");
            p.key
        })
        .collect();
    let total = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!((total, keys.len()), (500, 500), "each sent exactly once");
    wait_status(&mut run_a.status, "a recorded", |s| s.in_flight == 0).await;
    wait_status(&mut run_b.status, "b recorded", |s| s.in_flight == 0).await;
    let sent: i64 = sqlx::Row::get(
        &sqlx::query("SELECT COUNT(*) FROM reminder_ledger WHERE state = 'sent'")
            .fetch_one(a.store().pool())
            .await
            .unwrap(),
        0,
    );
    assert_eq!(sent, 500, "none missed");
    println!("split between the two processes: {} / {}", rec_a.posts().len(), rec_b.posts().len());
    for run in [run_a, run_b] {
        run.stop.send(true).unwrap();
        run.handle.await.unwrap();
    }
}

#[test]
fn the_reminders_command_lists_the_planned_instants() {
    let db = format!("sqlite://{}", tempfile::tempdir().unwrap().keep().join("r.db").display());
    // The bot's database, made by a first run (`reminders` never makes one).
    let made = std::process::Command::new(env!("CARGO_BIN_EXE_convoca"))
        .args(["ask", "/mission", "--content"])
        .arg(shipped())
        .env("DATABASE_URL", &db)
        .output()
        .unwrap();
    assert!(made.status.success());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_convoca"))
        .args(["reminders", "--from", "2026-12-01T00:00:00Z", "--until", "2027-01-31T00:00:00Z", "--content"])
        .arg(shipped())
        .env("DATABASE_URL", &db)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let dues: Vec<&str> =
        text.lines().skip(1).filter(|l| l.starts_with("20")).filter_map(|l| l.split_whitespace().next()).collect();
    assert_eq!(dues, ["2026-12-06T22:00Z", "2026-12-07T21:00Z", "2027-01-03T22:00Z", "2027-01-04T21:00Z"], "{text}");
    assert!(text.contains("monthly (2026-12-07)"), "{text}");
    assert!(text.contains("Sunday, December 6, 2026, 5:00 PM EST"), "{text}");
}
