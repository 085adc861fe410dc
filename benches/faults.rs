//! Reminders through a PostgreSQL outage, on the real clock: 100 reminders fall due 20
//! seconds into a 60-second outage (the database cut off by a TCP proxy: connections dropped,
//! new ones refused). How many are posted, and once each; how many are missed; how late they
//! go out after the database returns (p50/p99). Then the time from a killed task to its
//! restart, three kills in a row (the backoff doubles).
//!
//! Run: `cargo bench --bench faults` with `CONVOCA_TEST_POSTGRES_URL` set (as `scripts/test`
//! sets it). Takes about two and a half minutes: it waits for a minute boundary.

#[path = "../tests/common/proxy.rs"]
mod proxy;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, DurationRound, Utc};
use convoca::content::ContentHandle;
use convoca::engine::{Engine, Settings};
use convoca::reminders::{Post, Scheduler, SchedulerConfig, SendError, Sender, Senders, SystemClock};
use convoca::store::{Store, Subscription};
use futures_util::future::BoxFuture;

const CHANNELS: usize = 100;
const OUTAGE: Duration = Duration::from_secs(60);
const DUE_INTO_OUTAGE: Duration = Duration::from_secs(20);

/// A post and the real time it was asked for.
type Sent = (DateTime<Utc>, Post);

/// Records each post with the real time it was asked for.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<Sent>>>);

impl Sender for Recorder {
    fn send<'a>(&'a self, post: &'a Post) -> BoxFuture<'a, Result<(), SendError>> {
        Box::pin(async move {
            self.0.lock().unwrap().push((Utc::now(), post.clone()));
            Ok(())
        })
    }
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

async fn outage(admin: &str) {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let name = format!("convoca_t_faults_{}", std::process::id());
    let mut conn = sqlx::AnyConnection::connect(admin).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut conn).await.unwrap();
    let (head, tail) = admin.split_once('@').unwrap();
    let server = tail.split_once('/').unwrap().0;
    let proxy = proxy::Proxy::start(server.to_string()).await;
    let url = format!("{head}@127.0.0.1:{}/{name}", proxy.port);
    let store = Store::open(Some(&url)).await.unwrap();

    // The reminders fall due on the next minute boundary at least 30 seconds away; the
    // outage starts 20 seconds before it.
    let due = (Utc::now() + chrono::Duration::seconds(90)).duration_trunc(chrono::Duration::minutes(1)).unwrap();
    let starts = due + chrono::Duration::hours(1);
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("commands"), dir.path());
    let meeting = format!(
        "title = {{ en = \"Outage\", es = \"Caída\" }}\ndate = \"{}\"\nstart = \"{}\"\nduration = \"30m\"\ntime_zone = \"UTC\"\n[reminders]\nbefore = [\"1h\"]\n",
        starts.format("%Y-%m-%d"),
        starts.format("%H:%M")
    );
    std::fs::write(dir.path().join("meetings/outage.toml"), meeting).unwrap();
    let engine = Engine::new(ContentHandle::open(dir.path()).unwrap(), store.clone(), Settings::default());
    let by = convoca::chat::User { platform: convoca::chat::Platform::Discord, id: "1".into(), name: "Org".into() };
    for i in 0..CHANNELS {
        let sub = Subscription {
            channel: format!("discord:{}", 10_000 + i),
            meeting: "outage".into(),
            locale: convoca::locale::Locale::En,
        };
        store.subscribe(&sub, &by, "console", Utc::now()).await.unwrap();
    }
    let rec = Recorder::default();
    let senders = Senders::new().with(&convoca::discord::ABILITIES, Arc::new(rec.clone()));
    let scheduler = Scheduler::new(engine.clone(), senders, Arc::new(SystemClock), SchedulerConfig::default());
    let status = scheduler.status();
    let (stop, rx) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(scheduler.run(rx));

    let down_at = due - chrono::Duration::from_std(DUE_INTO_OUTAGE).unwrap();
    println!("reminders due at {due}; PostgreSQL down from {down_at} for {} s", OUTAGE.as_secs());
    tokio::time::sleep((down_at - Utc::now()).to_std().unwrap_or_default()).await;
    proxy.down().await;
    tokio::time::sleep(OUTAGE).await;
    proxy.up();
    let up_at = Utc::now();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while rec.0.lock().unwrap().len() < CHANNELS && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let posts = rec.0.lock().unwrap().clone();
    let mut keys: Vec<&str> = posts.iter().map(|(_, p)| p.key.as_str()).collect();
    keys.sort();
    keys.dedup();
    let mut late: Vec<i64> = posts.iter().map(|(t, p)| (*t - p.due).num_milliseconds()).collect();
    late.sort_unstable();
    let after_up: Vec<i64> = posts.iter().map(|(t, _)| (*t - up_at).num_milliseconds()).collect();
    let p = |v: &[i64], q: f64| v.get(((v.len().max(1) - 1) as f64 * q) as usize).copied().unwrap_or(-1);
    let s = status.borrow().clone();
    println!(
        "due during the outage: {CHANNELS}; posted {} ({} distinct, so each once: {}); missed {}; failed {}",
        posts.len(),
        keys.len(),
        posts.len() == keys.len(),
        s.missed,
        s.failed
    );
    println!(
        "lateness from the due instant: p50 {} ms, p99 {} ms, max {} ms (the database was back {} ms after it)",
        p(&late, 0.5),
        p(&late, 0.99),
        late.last().copied().unwrap_or(-1),
        (up_at - due).num_milliseconds()
    );
    println!(
        "from the database's return to the post: min {} ms, max {} ms",
        after_up.iter().min().copied().unwrap_or(-1),
        after_up.iter().max().copied().unwrap_or(-1)
    );
    stop.send(true).unwrap();
    let _ = task.await;
}

async fn restarts() {
    let tasks = convoca::supervisor::Tasks::new();
    let (_stop, rx) = tokio::sync::watch::channel(false);
    let _handle = tasks.supervise("scheduler", rx, std::future::pending::<()>);
    let mut changes = tasks.changes();
    let up = |tasks: &convoca::supervisor::Tasks| tasks.states().get("scheduler").is_some_and(|s| s.up);
    while !up(&tasks) {
        changes.changed().await.unwrap();
    }
    for kill in 1..=3 {
        let killed = std::time::Instant::now();
        tasks.kill("scheduler");
        while up(&tasks) {
            changes.changed().await.unwrap();
        }
        let noticed = killed.elapsed();
        while !up(&tasks) {
            changes.changed().await.unwrap();
        }
        println!(
            "kill {kill}: noticed after {:.2} ms, running again after {:.0} ms",
            noticed.as_secs_f64() * 1000.0,
            killed.elapsed().as_secs_f64() * 1000.0
        );
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        restarts().await;
        match std::env::var("CONVOCA_TEST_POSTGRES_URL") {
            Ok(admin) => outage(&admin).await,
            Err(_) => println!("PostgreSQL outage: skipped (set CONVOCA_TEST_POSTGRES_URL, as scripts/test does)"),
        }
    });
}
