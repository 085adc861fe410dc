//! Reminder scheduler figures, on the real clock:
//!
//! 1. lateness of 1,000 reminders due in the same second (from the due instant to the
//!    sender being called): p50, p99, max, and that none was sent early;
//! 2. the cost of 100,000 planned reminders across 10,000 channels: resident memory growth
//!    and wake-ups while nothing is due.
//!
//! Run: `cargo bench --bench reminders` (SQLite in a temporary folder; set
//! `BENCH_DATABASE_URL=postgres://…` to measure on PostgreSQL).

use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{Duration, DurationRound, Utc};
use convoca::chat::{Platform, User};
use convoca::content::ContentHandle;
use convoca::engine::{Engine, Settings};
use convoca::reminders::{Post, Scheduler, SchedulerConfig, SendError, Sender, Senders, SystemClock};
use convoca::store::{Store, Subscription};
use futures_util::future::BoxFuture;
use tokio::sync::watch;

#[derive(Clone, Default)]
struct Lateness(Arc<Mutex<Vec<i64>>>);

impl Sender for Lateness {
    fn send<'a>(&'a self, post: &'a Post) -> BoxFuture<'a, Result<(), SendError>> {
        let late_us = (Utc::now() - post.due).num_microseconds().unwrap_or(i64::MAX);
        self.0.lock().unwrap().push(late_us);
        Box::pin(async { Ok(()) })
    }
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn content_dir(meetings: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("meetings")).unwrap();
    std::fs::write(
        dir.path().join("group.toml"),
        "name = \"Bench group\"\ntime_zone = \"America/New_York\"\nmission = \"Benchmarks.\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("meetings/m.toml"), meetings).unwrap();
    dir
}

async fn store() -> Store {
    match std::env::var("BENCH_DATABASE_URL") {
        Ok(url) => Store::open(Some(&url)).await.unwrap(),
        Err(_) => {
            let dir = tempfile::tempdir().unwrap().keep();
            Store::open(Some(&format!("sqlite://{}", dir.join("bench.db").display()))).await.unwrap()
        }
    }
}

async fn subscribe(store: &Store, channels: usize, meeting: &str) {
    let by = User { platform: Platform::Discord, id: "bench".into(), name: "Bench".into() };
    let now = Utc::now();
    for i in 0..channels {
        let sub = Subscription {
            channel: format!("discord:{}", 100_000 + i),
            meeting: meeting.into(),
            locale: convoca::locale::Locale::En,
        };
        store.subscribe(&sub, &by, "console", now).await.unwrap();
    }
}

fn percentile(sorted: &[i64], p: f64) -> i64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn lateness() {
    // A single meeting whose one-hour reminder falls 8 seconds from now, to 1,000 channels.
    let due = (Utc::now() + Duration::seconds(8)).duration_trunc(Duration::seconds(1)).unwrap();
    let start = (due + Duration::hours(1)).with_timezone(&chrono_tz::America::New_York);
    let dir = content_dir(&format!(
        "title = \"Bench\"\ndate = \"{}\"\nstart = \"{}\"\nduration = \"1h\"\ntime_zone = \"America/New_York\"\n[reminders]\nbefore = [\"1h\"]\n",
        start.format("%Y-%m-%d"),
        start.format("%H:%M:%S")
    ));
    let store = store().await;
    subscribe(&store, 1000, "m").await;
    let engine = Engine::new(ContentHandle::open(dir.path()).unwrap(), store, Settings::default());
    let sender = Lateness::default();
    let scheduler = Scheduler::new(
        engine.clone(),
        Senders::new().with(&convoca::discord::ABILITIES, Arc::new(sender.clone())),
        Arc::new(SystemClock),
        SchedulerConfig::default(),
    );
    let mut status = scheduler.status();
    let (stop, rx) = watch::channel(false);
    let task = tokio::spawn(scheduler.run(rx));
    status.wait_for(|s| s.sent >= 1000).await.unwrap();
    let mut late = sender.0.lock().unwrap().clone();
    late.sort_unstable();
    let early = late.iter().filter(|l| **l < 0).count();
    println!(
        "1,000 reminders due at the same second: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms after the due instant; sent early: {early}",
        percentile(&late, 0.50) as f64 / 1000.0,
        percentile(&late, 0.99) as f64 / 1000.0,
        *late.last().unwrap() as f64 / 1000.0,
    );
    stop.send(true).unwrap();
    task.await.unwrap();
    engine.store().close().await;
}

async fn idle_cost() {
    // Five weekly meetings, two reminders each, to 10,000 channels: 100,000 planned within
    // the eight-day plan, none due in the next hour.
    let base = Utc::now() + Duration::hours(26);
    let mut files = String::new();
    let dir = content_dir("title = \"placeholder\"\ndate = \"2030-01-01\"\nstart = \"10:00\"\n");
    for d in 0..5 {
        let day = (base + Duration::days(d)).with_timezone(&chrono_tz::America::New_York);
        files = format!(
            "title = \"Weekly {d}\"\nrepeat = \"FREQ=WEEKLY\"\nfirst_date = \"{}\"\nstart = \"{}\"\nduration = \"1h\"\ntime_zone = \"America/New_York\"\n",
            day.format("%Y-%m-%d"),
            day.format("%H:%M")
        );
        std::fs::write(dir.path().join(format!("meetings/w{d}.toml")), &files).unwrap();
    }
    std::fs::remove_file(dir.path().join("meetings/m.toml")).unwrap();
    let store = store().await;
    subscribe(&store, 10_000, "*").await;
    let engine = Engine::new(ContentHandle::open(dir.path()).unwrap(), store, Settings::default());
    let before = rss_kib();
    let t0 = Instant::now();
    let scheduler = Scheduler::new(
        engine.clone(),
        Senders::new().with(&convoca::discord::ABILITIES, Arc::new(Lateness::default())),
        Arc::new(SystemClock),
        SchedulerConfig::default(),
    );
    let mut status = scheduler.status();
    let (stop, rx) = watch::channel(false);
    let task = tokio::spawn(scheduler.run(rx));
    let first = status.wait_for(|s| s.sleeping_until.is_some()).await.unwrap().clone();
    let plan_ms = t0.elapsed().as_millis();
    let after_plan = rss_kib();
    // Watch it sleep.
    tokio::time::sleep(std::time::Duration::from_secs(10)).await;
    let later = status.borrow().clone();
    let sleeps_for = first.sleeping_until.unwrap() - Utc::now();
    println!(
        "100,000 planned reminders ({} in the plan) across 10,000 channels: first plan {plan_ms} ms; resident memory +{:.1} MiB (from {:.1} MiB); wake-ups in 10 s idle: {}; next wake-up in {:.1} h, so wake-ups per hour while nothing is due: 0",
        first.planned,
        (after_plan.saturating_sub(before)) as f64 / 1024.0,
        before as f64 / 1024.0,
        later.passes - first.passes,
        sleeps_for.num_minutes() as f64 / 60.0,
    );
    assert_eq!(later.passes, first.passes, "the scheduler woke while nothing was due");
    stop.send(true).unwrap();
    task.await.unwrap();
    engine.store().close().await;
    drop(files);
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        lateness().await;
        idle_cost().await;
    });
}
