//! Reminders under faults: sends that hang, attempts whose fate is unknown, meetings that
//! start while a post waits, shutdown in the middle of a send, clocks stepped back, and
//! processes whose clocks disagree with the database's.

mod common;

use std::sync::Arc;

use chrono::{DateTime, Duration, DurationRound, Utc};
use common::scheduler::*;
use common::*;
use convoca::reminders::{Clock, SchedulerConfig, SteppedClock};
use convoca::store::{LedgerState, Store};

/// The one-day reminder of the meeting of Monday, December 7, 2026 (5 pm New York).
const DUE: &str = "2026-12-06T22:00:00Z";
/// That meeting's start.
const STARTS: &str = "2026-12-07T22:00:00Z";

/// A scheduler with one reminder claimed and its send begun at `DUE`.
async fn sending(rec: &Recorder, clock: &convoca::reminders::ManualClock, store: &Store) -> (Running, String) {
    let dir = content_with(&["discord:111"], "");
    let mut run = start(&engine_with(dir.path(), store.clone()), rec, clock);
    std::mem::forget(dir);
    let due = at(DUE);
    wait_status(&mut run.status, "asleep", |s| s.sleeping_until.is_some()).await;
    clock.set(due - Duration::seconds(2));
    wait_status(&mut run.status, "claimed", |s| s.in_flight == 1).await;
    clock.set(due);
    let key = rec.wait_for(1).await[0].1.key.clone();
    (run, key)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_that_hangs_is_cut_off_inside_its_lease_and_looked_for_before_the_retry() {
    let store = sqlite_store().await;
    let due = at(DUE);
    let clock = convoca::reminders::ManualClock::new(due - Duration::seconds(10));
    // The platform takes the post and never answers.
    let rec = Recorder { hang: true, ..Recorder::new(&clock) };
    let (mut run, key) = sending(&rec, &clock, &store).await;
    // Ten seconds on (the send bound, a third of the lease) the send is given up...
    clock.set(due + Duration::seconds(10));
    let retry_at = due + Duration::seconds(40);
    wait_status(&mut run.status, "given up, retry planned", |s| s.in_flight == 0 && s.sleeping_until == Some(retry_at))
        .await;
    assert!(
        matches!(ledger(&store, &key).await, Some(LedgerState::Claimed { lease_until, .. }) if lease_until == retry_at)
    );
    // ...and the retry looks first, finds the post, and does not post again.
    clock.set(retry_at);
    wait_status(&mut run.status, "found", |s| s.found == 1).await;
    assert_eq!(rec.posts().len(), 1, "posted once");
    assert_eq!(*rec.finds.lock().unwrap(), 1);
    assert_eq!(ledger(&store, &key).await, Some(LedgerState::Sent));
    run.stop.send(true).unwrap();
    run.handle.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attempt_that_posted_before_its_process_died_is_found_not_posted_again() {
    let store = sqlite_store().await;
    let due = at(DUE);
    let clock = convoca::reminders::ManualClock::new(due - Duration::seconds(10));
    let dying = Recorder { hang: true, ..Recorder::new(&clock) };
    let (run, key) = sending(&dying, &clock, &store).await;
    // Killed after the platform took the post, before it was recorded: long enough ago that
    // the platform no longer knows the idempotency token.
    run.handle.abort();
    let _ = run.handle.await;
    // The same channel, seen from a new process.
    let survivor = Recorder { posts: Arc::clone(&dying.posts), ..Recorder::new(&clock) };
    let dir = content_with(&["discord:111"], "");
    let mut run2 = start(&engine_with(dir.path(), store.clone()), &survivor, &clock);
    let s = wait_status(&mut run2.status, "waiting for the lease", |s| s.sleeping_until.is_some()).await;
    clock.set(s.sleeping_until.unwrap());
    wait_status(&mut run2.status, "found", |s| s.found == 1).await;
    assert_eq!(survivor.posts().len(), 1, "not posted a second time");
    assert_eq!(*survivor.finds.lock().unwrap(), 1);
    assert_eq!(ledger(&store, &key).await, Some(LedgerState::Sent));
    run2.stop.send(true).unwrap();
    run2.handle.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reminder_whose_meeting_starts_before_it_goes_out_is_never_posted() {
    let dir = content_with(&["discord:111"], "");
    let store = sqlite_store().await;
    let due = at(DUE);
    let clock = convoca::reminders::ManualClock::new(due - Duration::seconds(10));
    let rec = Recorder::new(&clock);
    let mut run = start(&engine_with(dir.path(), store.clone()), &rec, &clock);
    wait_status(&mut run.status, "asleep", |s| s.sleeping_until.is_some()).await;
    clock.set(due - Duration::seconds(1));
    wait_status(&mut run.status, "claimed", |s| s.in_flight == 1).await;
    // The host is suspended with the post claimed and wakes after the meeting began.
    clock.set(at(STARTS) + Duration::minutes(1));
    // Both its reminders: the one-day one claimed before, the one-hour one now past too.
    wait_status(&mut run.status, "recorded missed", |s| s.in_flight == 0 && s.missed == 2).await;
    assert!(rec.posts().is_empty(), "nothing posted about a meeting under way");
    let key = convoca::reminders::key_of("meeting:monthly:2026-12-07:2026-12-07T22:00Z:1d:discord:111");
    assert_eq!(ledger(&store, &key).await, Some(LedgerState::Missed));
    run.stop.send(true).unwrap();
    run.handle.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_leaves_a_send_under_way_to_its_lease_and_the_next_process_looks_first() {
    let store = sqlite_store().await;
    let due = at(DUE);
    let clock = convoca::reminders::ManualClock::new(due - Duration::seconds(10));
    let rec = Recorder { hang: true, ..Recorder::new(&clock) };
    let (run, key) = sending(&rec, &clock, &store).await;
    // SIGTERM while the platform is still answering; it does not within five seconds.
    run.stop.send(true).unwrap();
    let mut status = run.status.clone();
    // It gives the send five seconds of its clock: waiting for exactly that, not stopped just
    // before them, stopped at them. (Just before, it is given a moment of real time to act
    // wrongly; how long that is can only make the check weaker, never make it fail.)
    let stopping = clock.now();
    until("waiting five seconds for the send", PATIENCE, async || clock.waits_for(stopping + Duration::seconds(5)))
        .await;
    clock.set(stopping + Duration::milliseconds(4900));
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(!run.handle.is_finished(), "stopped before the send had its five seconds");
    clock.set(stopping + Duration::seconds(5));
    until("stopped once the send had its five seconds", PATIENCE, async || run.handle.is_finished()).await;
    assert!(status.borrow_and_update().stopped);
    match ledger(&store, &key).await {
        Some(LedgerState::Claimed { lease_until, .. }) => {
            assert!(lease_until > due + Duration::seconds(5), "left to its lease, not released: {lease_until}")
        }
        other => panic!("expected the claim to stand, got {other:?}"),
    }
    // The next process waits for the lease, then finds the post instead of repeating it.
    let next = Recorder { posts: Arc::clone(&rec.posts), ..Recorder::new(&clock) };
    let dir = content_with(&["discord:111"], "");
    let mut run2 = start(&engine_with(dir.path(), store.clone()), &next, &clock);
    let s = wait_status(&mut run2.status, "waiting for the lease", |s| s.sleeping_until.is_some()).await;
    assert!(s.sleeping_until.unwrap() > due + Duration::seconds(5));
    clock.set(s.sleeping_until.unwrap());
    wait_status(&mut run2.status, "found", |s| s.found == 1).await;
    assert_eq!(next.posts().len(), 1);
    run2.stop.send(true).unwrap();
    run2.handle.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clock_stepped_back_an_hour_and_forward_again_posts_each_reminder_once() {
    let dir = content_with(&["discord:111"], "");
    let store = sqlite_store().await;
    let engine = engine_with(dir.path(), store.clone());
    let due = at(DUE);
    let clock = convoca::reminders::ManualClock::new(due - Duration::seconds(10));
    let rec = Recorder::new(&clock);
    let mut run = start(&engine, &rec, &clock);
    wait_status(&mut run.status, "asleep", |s| s.sleeping_until.is_some()).await;
    clock.set(due);
    rec.wait_for(1).await;
    wait_status(&mut run.status, "recorded", |s| s.sent == 1 && s.in_flight == 0).await;
    // NTP steps the clock back an hour; something wakes the scheduler meanwhile.
    clock.set(due - Duration::hours(1));
    let passes = run.status.borrow().passes;
    engine.notify_changed();
    wait_status(&mut run.status, "planned again", |s| s.passes > passes && s.sleeping_until.is_some()).await;
    clock.set(due + Duration::seconds(1));
    // A new process, whose memory is only the ledger, on the stepped-back clock too.
    run.stop.send(true).unwrap();
    run.handle.await.unwrap();
    clock.set(due - Duration::hours(1));
    let mut run2 = start(&engine_with(dir.path(), store.clone()), &rec, &clock);
    wait_status(&mut run2.status, "asleep", |s| s.sleeping_until.is_some()).await;
    clock.set(due + Duration::seconds(1));
    // Forward again to the one-hour reminder: that one, and only it, goes out.
    let next = at(STARTS) - Duration::hours(1);
    clock.set(next - Duration::seconds(2));
    clock.set(next);
    let posts = rec.wait_for(2).await;
    wait_status(&mut run2.status, "recorded", |s| s.sent == 1 && s.in_flight == 0).await;
    assert_eq!(posts.len(), 2, "{:?}", posts.iter().map(|(t, _)| t).collect::<Vec<_>>());
    assert_eq!(posts[1].0, next);
    assert_ne!(posts[0].1.key, posts[1].1.key);
    run2.stop.send(true).unwrap();
    run2.handle.await.unwrap();
}

/// Shipped content plus a meeting three hours from now (UTC, to the minute), reminded three
/// hours before (due now) and two hours before (due in an hour), in channel 111.
fn content_with_meeting_in_three_hours(now: DateTime<Utc>) -> tempfile::TempDir {
    let dir = copy_of_shipped();
    let starts = now.duration_trunc(Duration::minutes(1)).unwrap() + Duration::hours(3);
    let file = format!(
        "title = {{ en = \"Skew\", es = \"Desfase\" }}\ndate = \"{}\"\nstart = \"{}\"\nduration = \"30m\"\n\
         time_zone = \"UTC\"\n[reminders]\nbefore = [\"3h\", \"2h\"]\nchannels = [\"discord:111\"]\n",
        starts.format("%Y-%m-%d"),
        starts.format("%H:%M"),
    );
    std::fs::write(dir.path().join("meetings/skew.toml"), file).unwrap();
    dir
}

/// Process A (a correct clock) posts the reminder due now and is slow to hear back. Process
/// B, whose clock runs an hour ahead, must neither take A's lease (live in database time)
/// nor post the reminder due in an hour (due now by its own clock).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_whose_clock_runs_an_hour_ahead_takes_no_live_lease_and_posts_nothing_early() {
    for (name, store_a, store_b) in shared_databases().await {
        let dir = content_with_meeting_in_three_hours(Utc::now());
        let gate = Arc::new(tokio::sync::Semaphore::new(0));
        let rec_a = Recorder { gate: Some(Arc::clone(&gate)), ..Recorder::default() };
        let rec_b = Recorder::default();
        let config = SchedulerConfig::default();
        let mut a = start_with(
            &engine_with(dir.path(), store_a.clone()),
            Arc::new(rec_a.clone()),
            Arc::new(SteppedClock::new(Duration::zero())),
            config,
        );
        rec_a.wait_for(1).await;
        let ahead = Arc::new(SteppedClock::new(Duration::hours(1)));
        let mut b = start_with(&engine_with(dir.path(), store_b.clone()), Arc::new(rec_b.clone()), ahead, config);
        let s = wait_status(&mut b.status, "b planned", |s| s.passes >= 1 && s.sleeping_until.is_some()).await;
        assert!(
            rec_b.posts().is_empty(),
            "{name}: b posted {:?}",
            rec_b.posts().iter().map(|(t, _)| t).collect::<Vec<_>>()
        );
        let wake = s.sleeping_until.unwrap();
        assert!(
            wake <= Utc::now() + config.lease + config.ahead && wake > Utc::now() - Duration::minutes(5),
            "{name}: b looks again when a's lease ends, in database time: {wake}"
        );
        gate.add_permits(1);
        wait_status(&mut a.status, "a recorded", |s| s.sent == 1 && s.in_flight == 0).await;
        assert!(rec_b.posts().is_empty(), "{name}");
        for run in [a, b] {
            run.stop.send(true).unwrap();
            run.handle.await.unwrap();
        }
    }
}

/// The fault hook kills the scheduler while it sleeps: `/healthz` names it and answers 503,
/// `/metrics` counts the restart, and once it is back it posts the next reminder, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_scheduler_is_named_by_healthz_restarted_and_still_posts() {
    use convoca::http::{AppState, Platforms};
    use convoca::reminders::{ManualClock, Senders};
    let dir = content_with(&["discord:111"], "");
    let engine = engine_with(dir.path(), sqlite_store().await);
    let due = at(DUE);
    let clock = ManualClock::new(due - Duration::minutes(10));
    let rec = Recorder::new(&clock);
    let supervisor = convoca::supervisor::Tasks::new();
    let senders = Senders::new().with(&convoca::discord::ABILITIES, Arc::new(rec.clone()));
    let service =
        convoca::service::Service::start(&engine.clone().into(), senders, Arc::new(clock.clone()), &supervisor);
    let mut status = service.scheduler.clone();
    let platforms = Platforms { tasks: supervisor.clone(), ..Default::default() };
    let state = AppState::new(engine.clone().into()).with_platforms(platforms);
    let (addr, _) = convoca::http::serve("127.0.0.1:0".parse().unwrap(), state, service.stopping()).await.unwrap();
    let health = || async move {
        let r = reqwest::get(format!("http://{addr}/healthz")).await.unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    };
    wait_status(&mut status, "asleep", |s| s.sleeping_until.is_some()).await;
    let (code, body) = health().await;
    assert_eq!(code, 200, "{body}");
    assert!(body.contains("task scheduler: running"), "{body}");

    let mut changes = supervisor.changes();
    let passes = status.borrow().passes;
    assert!(supervisor.kill("scheduler"));
    let down = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            if supervisor.states().get("scheduler").is_some_and(|s| !s.up) {
                break;
            }
            changes.changed().await.unwrap();
        }
    });
    assert!(down.await.is_ok(), "seen down");
    let (code, body) = health().await;
    assert_eq!(code, 503, "{body}");
    assert!(body.contains("task scheduler: down (it was stopped; restarting, 1 restarts so far)"), "{body}");
    let killed_at = std::time::Instant::now();
    let back = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            if supervisor.states().get("scheduler").is_some_and(|s| s.up) {
                break;
            }
            changes.changed().await.unwrap();
        }
    });
    assert!(back.await.is_ok(), "restarted");
    println!("killed task back after {} ms", killed_at.elapsed().as_millis());
    let (code, body) = health().await;
    assert_eq!(code, 200, "{body}");
    let metrics = reqwest::get(format!("http://{addr}/metrics")).await.unwrap().text().await.unwrap();
    assert!(metrics.contains("convoca_task_restarts_total{task=\"scheduler\"} 1"), "{metrics}");
    assert!(metrics.contains("convoca_task_up{task=\"scheduler\"} 1"), "{metrics}");

    // The restarted scheduler plans again and posts the reminder at its instant, once.
    wait_status(&mut status, "planned again", |s| s.passes > passes && s.sleeping_until.is_some()).await;
    clock.set(due - Duration::seconds(2));
    clock.set(due);
    let posts = rec.wait_for(1).await;
    assert_eq!(posts[0].0, due);
    wait_status(&mut status, "recorded", |s| s.sent == 1).await;
    service.stop().await;
    assert_eq!(rec.posts().len(), 1);
}

/// The test PostgreSQL server behind a proxy that can cut or stall it (None without one).
async fn postgres_through_proxy() -> Option<(common::proxy::Proxy, String)> {
    let url = postgres_url()?;
    let (head, tail) = url.split_once('@').unwrap();
    let (server, db) = tail.split_once('/').unwrap();
    let proxy = common::proxy::Proxy::start(server.to_string()).await;
    let through = format!("{head}@127.0.0.1:{}/{db}", proxy.port);
    Some((proxy, through))
}

/// An engine on `store` whose commands give up after half a second.
fn impatient_engine(dir: &std::path::Path, store: Store) -> convoca::engine::Engine {
    let settings =
        convoca::engine::Settings { command_deadline: std::time::Duration::from_millis(500), ..Default::default() };
    convoca::engine::Engine::new(convoca::content::ContentHandle::open(dir).unwrap(), store, settings)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_database_gets_an_apology_within_the_deadline_and_the_scheduler_recovers() {
    use convoca::locale::Locale;
    let Some((proxy, url)) = postgres_through_proxy().await else { return };
    let store = Store::open(Some(&url)).await.unwrap().with_deadline(std::time::Duration::from_secs(1));
    let dir = content_with(&["discord:111"], "");
    let engine = impatient_engine(dir.path(), store.clone());
    let due = at(DUE);
    let said = convoca::console::render(&ask(&engine, "/signup jilamito", Locale::En, due).await);
    assert!(!said.contains("slow to answer"), "{said}");
    let clock = convoca::reminders::ManualClock::new(due - Duration::seconds(10));
    let rec = Recorder::new(&clock);
    let mut run = start(&engine, &rec, &clock);
    wait_status(&mut run.status, "asleep", |s| s.sleeping_until == Some(due - Duration::seconds(2))).await;

    // The network to the database hangs: connections stay open, nothing comes back.
    proxy.stall();
    let asked = std::time::Instant::now();
    let said = convoca::console::render(&ask(&engine, "/withdraw jilamito", Locale::En, due).await);
    let took = asked.elapsed();
    assert!(said.contains("slow to answer") && said.contains("asking twice never counts twice"), "{said}");
    assert!(
        took < std::time::Duration::from_secs(2),
        "answered at its deadline, not when the network returned: {took:?}"
    );
    let said = convoca::console::render(&ask(&engine, "/retirarme jilamito", Locale::Es, due).await);
    assert!(said.contains("tarda en responder"), "{said}");
    // From a chat platform, the note that the person wrote (which clears "unreachable") is
    // bounded too: it does not take the answer's time.
    let discord = convoca::engine::Request::new(
        &convoca::discord::ABILITIES,
        "4242",
        "Ana",
        convoca::engine::Command::parse("/withdraw jilamito"),
        due,
    );
    let asked = std::time::Instant::now();
    let said = convoca::console::render(&engine.handle(&discord).await);
    let took = asked.elapsed();
    assert!(said.contains("slow to answer"), "{said}");
    assert!(took < std::time::Duration::from_millis(900), "within the command's own deadline: {took:?}");

    // The scheduler's pass at the claim instant gives up at the store's deadline and plans to
    // look again five seconds later.
    let passes = run.status.borrow().passes;
    clock.set(due - Duration::seconds(2));
    wait_status(&mut run.status, "failed pass, retry planned", |s| {
        s.passes > passes && s.sleeping_until == Some(due + Duration::seconds(3))
    })
    .await;
    assert!(rec.posts().is_empty());
    proxy.resume();
    clock.set(due + Duration::seconds(3));
    let posts = rec.wait_for(1).await;
    wait_status(&mut run.status, "recorded", |s| s.sent == 1 && s.in_flight == 0).await;
    assert_eq!(posts.len(), 1);
    // Commands work again too.
    let said = convoca::console::render(&ask(&engine, "/signup jilamito", Locale::En, due).await);
    assert!(!said.contains("slow to answer"), "{said}");
    run.stop.send(true).unwrap();
    run.handle.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminders_due_while_the_database_is_down_are_each_posted_once_when_it_returns() {
    let Some((proxy, url)) = postgres_through_proxy().await else { return };
    let store = Store::open(Some(&url)).await.unwrap().with_deadline(std::time::Duration::from_secs(1));
    let dir = content_with(&["discord:111", "discord:222", "discord:333"], "");
    let engine = impatient_engine(dir.path(), store.clone());
    let due = at(DUE);
    let clock = convoca::reminders::ManualClock::new(due - Duration::seconds(10));
    let rec = Recorder::new(&clock);
    let mut run = start(&engine, &rec, &clock);
    wait_status(&mut run.status, "asleep", |s| s.sleeping_until == Some(due - Duration::seconds(2))).await;
    // PostgreSQL goes away for 30 seconds around the instant three reminders are due.
    proxy.down().await;
    for t in [-2, 3, 8, 13, 18, 23, 28] {
        let passes = run.status.borrow().passes;
        let now = due + Duration::seconds(t);
        clock.set(now);
        wait_status(&mut run.status, "a failed pass", |s| {
            s.passes > passes && s.sleeping_until == Some(now + Duration::seconds(5))
        })
        .await;
    }
    assert!(rec.posts().is_empty(), "nothing can be claimed while the database is away");
    proxy.up();
    clock.set(due + Duration::seconds(33));
    let posts = rec.wait_for(3).await;
    wait_status(&mut run.status, "recorded", |s| s.sent == 3 && s.in_flight == 0).await;
    let mut channels: Vec<&str> = posts.iter().map(|(_, p)| p.to.channel()).collect();
    channels.sort();
    assert_eq!(channels, ["111", "222", "333"], "each once");
    assert!(posts.iter().all(|(t, p)| p.late && *t == due + Duration::seconds(33)), "posted at recovery, said late");
    // And never again.
    clock.set(due + Duration::hours(2));
    wait_status(&mut run.status, "asleep after", |s| s.sleeping_until.is_some_and(|t| t > due + Duration::hours(2)))
        .await;
    assert_eq!(rec.posts().len(), 3);
    run.stop.send(true).unwrap();
    run.handle.await.unwrap();
}

/// Every PostgreSQL connection carries the server-side limits: a statement that runs away
/// ends at 10 s on the server, and a transaction left idle at 30 s.
#[tokio::test]
async fn postgres_connections_carry_a_statement_timeout() {
    let Some(store) = postgres_store().await else { return };
    let row = sqlx::query(
        "SELECT current_setting('statement_timeout') AS statement, current_setting('idle_in_transaction_session_timeout') AS idle",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    use sqlx::Row;
    assert_eq!(row.get::<String, _>("statement"), "10s");
    assert_eq!(row.get::<String, _>("idle"), "30s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reminder_given_back_at_shutdown_before_its_instant_is_a_first_attempt_for_the_next_process() {
    let store = sqlite_store().await;
    let due = at(DUE);
    let clock = convoca::reminders::ManualClock::new(due - Duration::seconds(10));
    let first = Recorder::new(&clock);
    let dir = content_with(&["discord:111"], "");
    let mut run = start(&engine_with(dir.path(), store.clone()), &first, &clock);
    wait_status(&mut run.status, "asleep before the claim", |s| s.sleeping_until.is_some()).await;
    clock.set(due - Duration::seconds(2));
    wait_status(&mut run.status, "claimed, waiting for its instant", |s| s.in_flight == 1).await;
    // Stopped before the instant: nothing can have been posted, and the ledger knows it.
    run.stop.send(true).unwrap();
    run.handle.await.unwrap();
    let next = Recorder::new(&clock);
    let mut run2 = start(&engine_with(dir.path(), store.clone()), &next, &clock);
    clock.set(due);
    wait_status(&mut run2.status, "posted by the next process", |s| s.sent == 1 && s.in_flight == 0).await;
    assert_eq!(*next.finds.lock().unwrap(), 0, "no look for an earlier post that cannot exist");
    assert!(first.posts().is_empty());
    assert_eq!(next.posts().len(), 1);
    run2.stop.send(true).unwrap();
    run2.handle.await.unwrap();
}
