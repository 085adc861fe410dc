//! Several groups in one process on PostgreSQL (issue 27): 1,000 groups of 5 meetings and 5
//! campaigns each, on the real clock.
//!
//! 1. Resident memory: before loading, after opening the organization and starting the
//!    service (every group's scheduler planned), and after the reminders went out.
//! 2. Start-up (open the store and the content root, start the service until every group's
//!    scheduler has planned once) and `org.reload()` with nothing changed and with one
//!    group's file changed.
//! 3. One reminder per group falling due on the same instant, posted by the real
//!    `DiscordSender` to a fake Discord (another process, on loopback) that enforces 50
//!    requests a second: each posted once, none early, lateness at the fake, and the total
//!    time against the floor (1,000 posts at 50 a second: 20 s).
//! 4. `/meeting` in the engine (`Organization::handle` for one group's home) with one group
//!    and with 1,000 groups of the same content, call for call in turns: p50, p99 and their
//!    ratio.
//! 5. Two organizations and services (two processes, as far as the database can tell: two
//!    pools, two sets of schedulers) on one PostgreSQL database serving the same 1,000
//!    groups: each reminder posted once in all.
//!
//! Run: `cargo bench --bench groups` (about twelve minutes). Needs PostgreSQL: the admin URL is
//! `CONVOCA_TEST_POSTGRES_URL` (default `postgres://convoca_test:convoca_test@127.0.0.1:5432/postgres`);
//! a database is created for each part and dropped at the end. `GROUPS` sets how many groups
//! (bash ignores `GROUPS=100 cargo …`, its own variable: write `env GROUPS=100 cargo …`),
//! `BENCH_MEETING_CALLS` how many timed `/meeting` calls per round, `BENCH_LEAD_SECS` the least
//! time from writing the content to the reminders' instant, `BENCH_TWO_PROCESSES=0` skips the
//! last part, `BENCH_LOG` a log filter (`convoca=warn`).

#[path = "../tests/common/fake_discord.rs"]
mod fake_discord;
#[path = "../tests/common/org.rs"]
mod org;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use chrono::{DateTime, DurationRound, Utc};
use convoca::engine::{Command, Organization, Request, Settings, Tone, Whose};
use convoca::group_id::GroupId;
use convoca::reminders::{Clock, Found, Post, SendError, Sender, Senders, SystemClock};
use convoca::store::Store;
use futures_util::future::BoxFuture;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt};

/// The shipped content folder, which `org.rs` copies each group from.
fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("commands")
}

/// Set in the environment of the child process that runs the fake Discord.
const FAKE_ROLE: &str = "BENCH_GROUPS_FAKE_DISCORD";

/// The groups' zones, in turn: each group's own and its meetings' (a meeting may be in
/// another zone than its group).
const ZONES: [&str; 10] = [
    "America/New_York",
    "America/Tegucigalpa",
    "Europe/Madrid",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "UTC",
    "America/Mexico_City",
    "Europe/Berlin",
    "Australia/Sydney",
    "America/Sao_Paulo",
];

/// The shipped campaigns besides jilamito (which `org.rs` copies).
const CAMPAIGNS: [&str; 4] = ["berta-caceres-act", "cuba-sst", "monroe-doctrine", "stop-arms-to-mexico"];

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn slug(i: usize) -> String {
    format!("g{i:04}")
}

/// Group `i`'s own Discord channel, where its meetings are reminded.
fn channel(i: usize) -> String {
    (810_000_000_000_000_000u64 + i as u64).to_string()
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn tz(zone: &str) -> chrono_tz::Tz {
    zone.parse().unwrap()
}

/// A meeting file reminded in `channel`.
fn meeting(title: &str, when: &str, zone: &str, before: &str, channel: &str, campaign: &str) -> String {
    format!(
        "title = {{ en = \"{title}\", es = \"{title} (es)\" }}\nsummary = {{ en = \"What {title} is for.\", es = \"Para qué es {title}.\" }}\n{when}duration = \"1h\"\ntime_zone = \"{zone}\"\ncampaigns = [\"{campaign}\"]\n\n[place]\nname = \"Zoom\"\n\n[reminders]\nbefore = [{before}]\nchannels = [\"discord:{channel}\"]\n"
    )
}

/// Writes an organization of `groups` groups under `dir`. Each has the shipped monthly
/// meeting in its zone (not reminded in any channel: its day-before reminder may be past
/// while the meeting is not), three meetings that repeat from three days on (reminded a day
/// and an hour before in the group's channel, so the plan holds them, none due soon) and a
/// one-off meeting starting an hour after `due`, reminded an hour before, in its own zone;
/// and the five shipped campaigns.
fn write_content(dir: &Path, groups: usize, due: DateTime<Utc>) {
    let specs: Vec<org::GroupSpec> = (0..groups)
        .map(|i| {
            let mut g = org::GroupSpec::new(leak(slug(i)), leak(format!("Group {i}")));
            g.zone = ZONES[i % ZONES.len()];
            g.language = if i % 3 == 2 { "es" } else { "en" };
            g
        })
        .collect();
    org::write_root(dir, &[], None, &[], &specs);
    let starts = due + chrono::Duration::hours(1);
    for (i, g) in specs.iter().enumerate() {
        let folder = dir.join("groups").join(g.slug);
        for c in CAMPAIGNS {
            std::fs::copy(shipped().join(format!("campaigns/{c}.toml")), folder.join(format!("campaigns/{c}.toml")))
                .unwrap();
        }
        let ch = channel(i);
        let zone = |k: usize| ZONES[(i + k) % ZONES.len()];
        let from =
            |k: usize, days: i64| (Utc::now().with_timezone(&tz(zone(k))) + chrono::Duration::days(days)).date_naive();
        let repeating = [
            ("weekly", "Weekly action call", "FREQ=WEEKLY", 3, "18:00", CAMPAIGNS[0]),
            ("biweekly", "Biweekly planning", "FREQ=WEEKLY;INTERVAL=2", 4, "09:30", CAMPAIGNS[1]),
            ("phonebank", "Phone bank", "FREQ=WEEKLY;BYDAY=MO,WE,FR", 3, "07:15", CAMPAIGNS[2]),
        ];
        for (k, (file, title, rule, days, start, campaign)) in repeating.into_iter().enumerate() {
            let when = format!("repeat = \"{rule}\"\nfirst_date = \"{}\"\nstart = \"{start}\"\n", from(k + 1, days));
            std::fs::write(
                folder.join(format!("meetings/{file}.toml")),
                meeting(title, &when, zone(k + 1), "\"1d\", \"1h\"", &ch, campaign),
            )
            .unwrap();
        }
        let local = starts.with_timezone(&tz(zone(4)));
        let when = format!("date = \"{}\"\nstart = \"{}\"\n", local.format("%Y-%m-%d"), local.format("%H:%M"));
        std::fs::write(
            folder.join("meetings/oneoff.toml"),
            meeting("Emergency assembly", &when, zone(4), "\"1h\"", &ch, "jilamito"),
        )
        .unwrap();
    }
}

// ---------------------------------------------------------------------------------------
// Measuring

/// This process's resident memory, and its anonymous and file-backed parts, in KiB.
fn rss() -> (u64, u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("RssAnon:"), field("RssFile:"))
}

/// The C heap: bytes in use, and bytes held from the system (in use or free).
fn heap() -> (u64, u64) {
    // SAFETY: mallinfo2 only reads glibc's allocator statistics.
    let m = unsafe { libc::mallinfo2() };
    ((m.uordblks + m.hblkhd) as u64, (m.arena + m.hblkhd) as u64)
}

/// CPU time used by the processes whose `/proc/<pid>/stat` pass `which`, in seconds.
fn cpu_seconds(which: impl Fn(u32, &str) -> bool) -> f64 {
    let mut ticks = 0u64;
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else { continue };
        if !which(pid, &stat[open + 1..close]) {
            continue;
        }
        let fields: Vec<&str> = stat[close + 2..].split_whitespace().collect();
        ticks += fields.get(11).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
        ticks += fields.get(12).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    }
    // SAFETY: sysconf only reads a system constant.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    ticks as f64 / per_second
}

/// Gives freed heap pages back to the system, as `convoca run` does once at start.
fn trim() {
    // SAFETY: malloc_trim only returns free heap pages to the system; it takes no pointers.
    unsafe {
        libc::malloc_trim(0);
    }
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// One line of the memory table.
fn memory(what: &str, table: &mut Vec<(String, u64)>) -> u64 {
    let (total, anon, file) = rss();
    let (used, held) = heap();
    println!(
        "  memory {what:<48} {:>6.1} MiB resident ({:.1} anonymous, {:.1} file); heap {:.1} MiB in use of {:.1} MiB",
        mib(total),
        mib(anon),
        mib(file),
        used as f64 / 1048576.0,
        held as f64 / 1048576.0
    );
    table.push((what.to_string(), total));
    total
}

fn percentile<T: Copy + Ord>(sorted: &[T], p: f64) -> T {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// The machine's clock, noting each task that goes to sleep on it: a scheduler sleeps once
/// after each planning pass, in its own task, so when as many tasks as there are groups have
/// slept, every group's scheduler has planned once. (The service shows only the first
/// group's status; at start-up no reminder is due, so no delivery task sleeps.)
#[derive(Default)]
struct Watched {
    slept: std::sync::Mutex<HashSet<tokio::task::Id>>,
}

impl Watched {
    fn planned(&self) -> usize {
        self.slept.lock().unwrap().len()
    }
}

impl Clock for Watched {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn sleep_until(&self, t: DateTime<Utc>) -> BoxFuture<'static, ()> {
        if let Some(id) = tokio::task::try_id() {
            self.slept.lock().unwrap().insert(id);
        }
        SystemClock.sleep_until(t)
    }
}

/// The real Discord sender, counting the posts it made.
struct Counted {
    inner: convoca::discord::DiscordSender,
    sent: AtomicUsize,
}

impl Counted {
    fn new(base: &str) -> Arc<Counted> {
        let config = convoca::config::DiscordConfig { api_base: Some(base.to_string()), ..Default::default() };
        let http = Arc::new(convoca::discord::http_client(&config, fake_discord::TOKEN));
        Arc::new(Counted { inner: convoca::discord::DiscordSender::new(http), sent: AtomicUsize::new(0) })
    }

    fn sent(&self) -> usize {
        self.sent.load(Ordering::SeqCst)
    }
}

impl Sender for Counted {
    fn send<'a>(&'a self, post: &'a Post) -> BoxFuture<'a, Result<(), SendError>> {
        Box::pin(async move {
            let sent = self.inner.send(post).await;
            if sent.is_ok() {
                self.sent.fetch_add(1, Ordering::SeqCst);
            }
            sent
        })
    }
    fn find<'a>(&'a self, post: &'a Post) -> BoxFuture<'a, Result<Found, SendError>> {
        self.inner.find(post)
    }
    fn open_direct<'a>(&'a self, user: &'a str) -> BoxFuture<'a, Result<String, SendError>> {
        self.inner.open_direct(user)
    }
    fn still_member<'a>(&'a self, user: &'a str, group: &'a convoca::group_id::GroupId) -> BoxFuture<'a, Option<bool>> {
        self.inner.still_member(user, group)
    }
    fn at_once(&self) -> usize {
        self.inner.at_once()
    }
}

// ---------------------------------------------------------------------------------------
// The fake Discord, in a child process of its own so that what it records is not counted in
// this process's memory.

/// Runs the fake Discord: prints its base URL, then answers `report` on stdin with one line
/// of JSON (every REST call without its body, and every message created), until stdin ends.
fn fake_child() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let fake = fake_discord::FakeDiscord::start().await;
        println!("{}", fake.base);
        let mut lines = tokio::io::BufReader::new(tokio::io::stdin()).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            if line != "report" {
                continue;
            }
            let calls: Vec<Value> = fake
                .calls()
                .await
                .iter()
                .map(|c| {
                    json!({
                        "method": c.method, "path": c.path, "status": c.status,
                        "at_us": c.at.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_micros() as u64,
                        "nonce": c.body.get("nonce").cloned().unwrap_or(Value::Null),
                    })
                })
                .collect();
            let created: Vec<Value> =
                fake.created().await.iter().map(|m| json!({"channel": m["channel_id"], "nonce": m["nonce"]})).collect();
            let report = json!({
                "calls": calls, "created": created,
                "rate_limited": fake.rate_limited(), "violations": fake.violations(),
            });
            println!("{report}");
        }
    });
}

struct FakeProcess {
    child: tokio::process::Child,
    stdin: Option<tokio::process::ChildStdin>,
    lines: tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>,
    base: String,
}

/// What the fake saw of the reminders posted to channels.
struct Seen {
    /// Message posts answered 200, by nonce: arrival times (µs since the epoch).
    posts: BTreeMap<String, Vec<u64>>,
    /// Every message post's arrival, whatever its answer.
    attempts: Vec<u64>,
    /// Messages created (after the nonce check), by nonce.
    created: BTreeMap<String, usize>,
    /// Message posts answered 429.
    limited: usize,
    /// Requests sent into a limit after its 429.
    violations: u64,
    /// Looks for an earlier attempt's post (`GET /channels/…/messages`).
    finds: usize,
    /// Answers other than 200 and 429 to message posts.
    other: usize,
}

impl FakeProcess {
    async fn start() -> FakeProcess {
        let mut child = tokio::process::Command::new(std::env::current_exe().unwrap())
            .env(FAKE_ROLE, "1")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let base = lines.next_line().await.unwrap().expect("the fake Discord says its address");
        FakeProcess { child, stdin, lines, base }
    }

    async fn seen(&mut self) -> Seen {
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(b"report\n").await.unwrap();
        stdin.flush().await.unwrap();
        let line = self.lines.next_line().await.unwrap().unwrap();
        let report: Value = serde_json::from_str(&line).unwrap();
        let mut seen = Seen {
            posts: BTreeMap::new(),
            attempts: Vec::new(),
            created: BTreeMap::new(),
            limited: 0,
            violations: report["violations"].as_u64().unwrap_or(0),
            finds: 0,
            other: 0,
        };
        for c in report["calls"].as_array().unwrap() {
            let path = c["path"].as_str().unwrap_or("");
            let is_messages = path.starts_with("/api/v10/channels/") && path.ends_with("/messages");
            if !is_messages {
                continue;
            }
            if c["method"] == "GET" {
                seen.finds += 1;
                continue;
            }
            let at = c["at_us"].as_u64().unwrap();
            seen.attempts.push(at);
            match c["status"].as_u64() {
                Some(200) => seen.posts.entry(c["nonce"].as_str().unwrap_or("").to_string()).or_default().push(at),
                Some(429) => seen.limited += 1,
                _ => seen.other += 1,
            }
        }
        for m in report["created"].as_array().unwrap() {
            *seen.created.entry(m["nonce"].as_str().unwrap_or("").to_string()).or_default() += 1;
        }
        seen
    }

    fn rss_kib(&self) -> u64 {
        let pid = self.child.id().unwrap_or(0);
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .unwrap_or_default()
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            .unwrap_or(0)
    }

    async fn stop(mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait().await;
    }
}

// ---------------------------------------------------------------------------------------
// PostgreSQL

fn admin_url() -> String {
    std::env::var("CONVOCA_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://convoca_test:convoca_test@127.0.0.1:5432/postgres".to_string())
}

async fn admin(sql: String) {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(&admin_url()).await.expect("PostgreSQL answers at the admin URL");
    sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await.unwrap();
    let _ = conn.close().await;
}

/// A new, empty database: its name and URL.
async fn fresh_database(tag: &str) -> (String, String) {
    let name = format!("convoca_bench_groups_{}_{tag}", std::process::id());
    admin(format!("CREATE DATABASE {name}")).await;
    let admin = admin_url();
    let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(admin);
    (name.clone(), format!("{base}/{name}"))
}

/// The ledger's rows for the one-off meetings' reminders: how many in each state, how many
/// took more than one attempt, and how many claimants.
async fn ledger(store: &Store) -> (BTreeMap<String, usize>, usize, usize) {
    use sqlx::Row;
    let rows =
        sqlx::query("SELECT state, claimed_by, attempts FROM reminder_ledger WHERE identity LIKE '%/meeting:oneoff:%'")
            .fetch_all(store.pool())
            .await
            .unwrap();
    let mut states = BTreeMap::new();
    let mut retried = 0;
    let mut by = HashSet::new();
    for row in rows {
        *states.entry(row.get::<String, _>("state")).or_insert(0) += 1;
        if row.get::<i64, _>("attempts") > 1 {
            retried += 1;
        }
        if let Some(who) = row.get::<Option<String>, _>("claimed_by") {
            by.insert(who);
        }
    }
    (states, retried, by.len())
}

// ---------------------------------------------------------------------------------------
// The parts

/// The next minute boundary at least `lead` from now.
fn due_after(lead: u64) -> DateTime<Utc> {
    (Utc::now() + chrono::Duration::seconds(lead as i64)).duration_trunc(chrono::Duration::minutes(1)).unwrap()
        + chrono::Duration::minutes(1)
}

fn until(due: DateTime<Utc>) -> Duration {
    (due - Utc::now()).to_std().unwrap_or_default()
}

/// Timed calls of `/meeting` asked in a group's home.
async fn meeting_times(org: &Organization, whose: impl Fn(usize) -> Whose, n: usize) -> Vec<Duration> {
    let ask = || Request::new(&convoca::discord::ABILITIES, "1", "Bench", Command::parse("/meeting"), Utc::now());
    for i in 0..500 {
        org.handle(&ask(), &whose(i)).await;
    }
    let mut times = Vec::with_capacity(n);
    for i in 0..n {
        let (req, whose) = (ask(), whose(i));
        let t = Instant::now();
        let reply = org.handle(&req, &whose).await;
        times.push(t.elapsed());
        assert_ne!(reply.tone, Tone::Error, "/meeting answered with an error");
    }
    times.sort_unstable();
    times
}

/// Timed calls of `/meeting` asked in `whose` home, one to `a` and one to `b` in turns.
async fn meeting_pairs(a: &Organization, b: &Organization, whose: &Whose, n: usize) -> (Vec<Duration>, Vec<Duration>) {
    let ask = || Request::new(&convoca::discord::ABILITIES, "1", "Bench", Command::parse("/meeting"), Utc::now());
    for _ in 0..500 {
        a.handle(&ask(), whose).await;
        b.handle(&ask(), whose).await;
    }
    let (mut times_a, mut times_b) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for _ in 0..n {
        for (org, times) in [(a, &mut times_a), (b, &mut times_b)] {
            let req = ask();
            let t = Instant::now();
            let reply = org.handle(&req, whose).await;
            times.push(t.elapsed());
            assert_ne!(reply.tone, Tone::Error, "/meeting answered with an error");
        }
    }
    times_a.sort_unstable();
    times_b.sort_unstable();
    (times_a, times_b)
}

fn line(what: &str, times: &[Duration]) -> String {
    format!(
        "{what:<34} p50 {:>7.1} µs  p99 {:>7.1} µs  max {:>8.1} µs  ({} calls)",
        us(percentile(times, 0.50)),
        us(percentile(times, 0.99)),
        us(*times.last().unwrap()),
        times.len()
    )
}

/// Waits until the ledger holds `n` settled reminders (sent, missed or failed), or `limit`
/// passes; samples resident memory meanwhile. Returns the largest sample.
async fn wait_settled(store: &Store, n: usize, limit: Duration) -> u64 {
    let deadline = Instant::now() + limit;
    let mut peak = 0;
    loop {
        peak = peak.max(rss().0);
        let (states, _, _) = ledger(store).await;
        let settled: usize = states.iter().filter(|(s, _)| s.as_str() != "claimed").map(|(_, n)| n).sum();
        if settled >= n {
            return peak;
        }
        if Instant::now() > deadline {
            println!("  ! gave up waiting: {settled} of {n} settled");
            return peak;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// What the fake saw of a round of reminders due at `due`: each once, none early, lateness
/// and total time against the floor. Returns (once, p99 lateness ms, total s).
fn posts_report(seen: &Seen, groups: usize, due: DateTime<Utc>) -> (usize, f64, f64) {
    let due_us = due.timestamp_micros() as u64;
    let late = |at: u64| (at as f64 - due_us as f64) / 1000.0;
    let once = seen.created.values().filter(|n| **n == 1).count();
    let twice = seen.created.values().filter(|n| **n > 1).count();
    let acks_twice = seen.posts.values().filter(|v| v.len() > 1).count();
    let mut first: Vec<f64> = seen.posts.values().map(|v| late(*v.iter().min().unwrap())).collect();
    first.sort_by(f64::total_cmp);
    let earliest = seen.attempts.iter().min().map(|a| late(*a)).unwrap_or(f64::NAN);
    let total = first.last().copied().unwrap_or(f64::NAN) / 1000.0;
    let floor = groups as f64 / RATE;
    println!("  posted once: {once} of {groups} channels' reminders; created more than once: {twice}");
    println!(
        "  accepted twice by Discord's nonce check (a second post of the same key, dropped): {acks_twice}; looks for an earlier post: {}",
        seen.finds
    );
    println!(
        "  message posts: {} (answered 429: {}, other errors: {}); sent into a limit after its 429: {}",
        seen.attempts.len(),
        seen.limited,
        seen.other,
        seen.violations
    );
    let early = seen.attempts.iter().filter(|a| **a < due_us).count();
    println!(
        "  earliest post {earliest:+.1} ms from the due instant (negative would be early); posts before it: {early}"
    );
    if !first.is_empty() {
        println!(
            "  lateness at Discord: p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
            percentile_f(&first, 0.50),
            percentile_f(&first, 0.99),
            first.last().unwrap()
        );
    }
    println!(
        "  total time, due instant to last post: {total:.1} s; floor at 50 requests/s: {floor:.1} s ({:+.0} %)",
        (total / floor - 1.0) * 100.0
    );
    let p99 = if first.is_empty() { f64::NAN } else { percentile_f(&first, 0.99) };
    (once, p99, total)
}

fn percentile_f(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Discord's global limit, which the fake enforces: requests a second.
const RATE: f64 = 50.0;

/// Results for the summary.
#[derive(Default)]
struct Summary {
    memory: Vec<(String, u64)>,
    startup: Duration,
    reload_same: Duration,
    reload_one: Duration,
    once: usize,
    early_ms: f64,
    p99_ms: f64,
    total_s: f64,
    meeting_one: Duration,
    meeting_many: Duration,
    two_once: usize,
    two_sent: (usize, usize),
}

/// Parts 1 to 4: one organization of `groups` groups.
async fn one_process(groups: usize, calls: usize, lead: u64, sum: &mut Summary) {
    println!("== {groups} groups in one process on PostgreSQL");
    memory("before loading (baseline)", &mut sum.memory);
    let due = due_after(lead);
    let dir = tempfile::tempdir().unwrap();
    let t = Instant::now();
    write_content(dir.path(), groups, due);
    println!(
        "  content written in {:.1} s; the one-off meetings' reminders are due at {due}",
        t.elapsed().as_secs_f64()
    );
    let mut fake = FakeProcess::start().await;
    let (db, url) = fresh_database("one").await;

    // Start-up.
    let t0 = Instant::now();
    let store = Store::open(Some(&url)).await.unwrap();
    let store_open = t0.elapsed();
    memory("after opening the store (migrated)", &mut sum.memory);
    let t = Instant::now();
    let org = Organization::open(dir.path(), store.clone(), Settings::default()).expect("the content root loads");
    let org_open = t.elapsed();
    assert_eq!(org.groups().len(), groups);
    memory("after opening the organization", &mut sum.memory);
    let sender = Counted::new(&fake.base);
    let clock = Arc::new(Watched::default());
    let senders = Senders::new().with(&convoca::discord::ABILITIES, sender.clone());
    let supervisor = convoca::supervisor::Tasks::new();
    let t = Instant::now();
    let before_service = heap().0;
    let service = convoca::service::Service::start(&org, senders, clock.clone(), &supervisor);
    // As `convoca run` does once, right after starting the service (`Running::start`).
    trim();
    while clock.planned() < groups {
        tokio::time::sleep(Duration::from_millis(5)).await;
        assert!(t.elapsed() < Duration::from_secs(600), "schedulers planned: {} of {groups}", clock.planned());
    }
    let planned = t.elapsed();
    sum.startup = store_open + org_open + planned;
    println!(
        "  start-up {:.2} s: store opened and migrated {:.2} s, content root loaded {:.2} s, every scheduler planned once {:.2} s after the service started",
        sum.startup.as_secs_f64(),
        store_open.as_secs_f64(),
        org_open.as_secs_f64(),
        planned.as_secs_f64()
    );
    println!("  the first group's plan: {} reminders in the next eight days", service.scheduler.borrow().planned);
    let probe = convoca::reminders::Scheduler::new(
        org.any().clone(),
        Senders::new(),
        Arc::new(SystemClock),
        convoca::reminders::SchedulerConfig::default(),
    );
    let (_never, rx) = tokio::sync::watch::channel(false);
    let (run, daily) = (probe.run(rx.clone()), convoca::service::retention::daily(org.any().clone(), rx));
    println!(
        "  each group's two tasks: the scheduler's future {} bytes, the daily erasure's {} bytes",
        std::mem::size_of_val(&run),
        std::mem::size_of_val(&daily)
    );
    drop((run, daily));
    memory("after starting the service (all planned)", &mut sum.memory);
    println!(
        "  heap in use by the service (each group's scheduler and retention task, their first plans, the pool's connections): {:.1} KiB a group",
        (heap().0.saturating_sub(before_service)) as f64 / 1024.0 / groups as f64
    );

    // Reloads while the service runs, as its content watcher makes them: with nothing
    // changed, then with one group's file changed. The watcher looks every two seconds and
    // may take a change first: such a run is not counted.
    let mut same = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let done = org.reload();
        same.push(t.elapsed());
        assert!(done.changed.is_empty() && done.added.is_empty() && done.failed.is_empty(), "{done:?}");
    }
    memory("after five reloads with nothing changed", &mut sum.memory);
    let changed_group = slug(groups / 2);
    let file = dir.path().join("groups").join(&changed_group).join("group.toml");
    let original = std::fs::read_to_string(&file).unwrap();
    let mut one = Vec::new();
    let mut k = 0;
    while one.len() < 5 {
        k += 1;
        assert!(k < 50, "the content watcher took every change");
        std::fs::write(&file, original.replace("works for peace.", &format!("works for peace{}.", "!".repeat(k))))
            .unwrap();
        let t = Instant::now();
        let done = org.reload();
        let took = t.elapsed();
        if done.changed == vec![GroupId::named(&changed_group)] {
            one.push(took);
        }
        // Let the watcher see this change too, so that it does not reload during the next run.
        tokio::time::sleep(convoca::content::watch::EVERY + Duration::from_millis(500)).await;
    }
    same.sort_unstable();
    one.sort_unstable();
    sum.reload_same = same[2];
    sum.reload_one = one[2];
    println!(
        "  reload, nothing changed: median {:.0} ms (min {:.0}, max {:.0}, 5 runs); one group's group.toml changed: median {:.0} ms (min {:.0}, max {:.0}, 5 counted of {k}: the watcher took the others)",
        ms(same[2]),
        ms(same[0]),
        ms(same[4]),
        ms(one[2]),
        ms(one[0]),
        ms(one[4])
    );
    memory("after the reloads with one group changed", &mut sum.memory);
    let mut looks: Vec<(Duration, usize)> = (0..5)
        .map(|_| {
            let t = Instant::now();
            let files = convoca::content::watch::fingerprint(dir.path()).len();
            (t.elapsed(), files)
        })
        .collect();
    looks.sort_unstable();
    println!(
        "  the content watcher's look at the root ({} files): median {:.1} ms (min {:.1}), every {} s",
        looks[2].1,
        ms(looks[2].0),
        ms(looks[0].0),
        convoca::content::watch::EVERY.as_secs()
    );

    // /meeting while every group's scheduler runs, if there is time before the reminders.
    if until(due) > Duration::from_secs(30) {
        let id = GroupId::named(&slug(0));
        let times = meeting_times(&org, |_| Whose::Group(id.clone()), calls).await;
        println!("  {}", line(&format!("/meeting, {groups} groups, service running"), &times));
    }

    // What a thousand idle schedulers cost: each plans again every minute (other processes
    // may have changed the database).
    if until(due) > Duration::from_secs(75) {
        let me = std::process::id();
        let (mine, pg) = (cpu_seconds(|pid, _| pid == me), cpu_seconds(|_, name| name == "postgres"));
        let passes = service.scheduler.borrow().passes;
        tokio::time::sleep(Duration::from_secs(60)).await;
        println!(
            "  idle for 60 s (nothing due): this process used {:.1} s of CPU, PostgreSQL's processes {:.1} s (the machine's other users included); the first group's scheduler planned {} times",
            cpu_seconds(|pid, _| pid == me) - mine,
            cpu_seconds(|_, name| name == "postgres") - pg,
            service.scheduler.borrow().passes - passes
        );
    }

    // The reminders.
    println!("  waiting {:.0} s for the reminders' instant", until(due).as_secs_f64());
    tokio::time::sleep(until(due)).await;
    let peak = wait_settled(&store, groups, Duration::from_secs(300)).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let seen = fake.seen().await;
    let (once, p99, total) = posts_report(&seen, groups, due);
    let due_us = due.timestamp_micros() as f64;
    sum.early_ms = seen.attempts.iter().min().map(|a| (*a as f64 - due_us) / 1000.0).unwrap_or(f64::NAN);
    (sum.once, sum.p99_ms, sum.total_s) = (once, p99, total);
    let (states, retried, claimants) = ledger(&store).await;
    println!(
        "  ledger: {states:?}; taken more than one attempt: {retried}; distinct claimants: {claimants}; posts the sender saw answered: {} (any other was found by a look, its answer lost to the 10-second bound)",
        sender.sent()
    );
    let status = service.scheduler.borrow().clone();
    println!(
        "  the first group's scheduler: {} passes, sent {}, late {}, missed {}, failed {}",
        status.passes, status.sent, status.late, status.missed, status.failed
    );
    println!("  memory peak while posting: {:.1} MiB resident", mib(peak));
    memory("after the reminders went out", &mut sum.memory);
    trim();
    memory("diagnostic: the same, freed pages given back", &mut sum.memory);
    println!("  the fake Discord (its own process): {:.1} MiB resident", mib(fake.rss_kib()));
    let t = Instant::now();
    service.stop().await;
    drop(supervisor);
    println!("  service stopped in {:.2} s", t.elapsed().as_secs_f64());

    // /meeting in the engine: one group and 1,000 groups of the same content, call for call
    // in turns, so that the machine's noise falls on both alike.
    let dir_one = tempfile::tempdir().unwrap();
    write_content(dir_one.path(), 1, due);
    let alone = Organization::open(dir_one.path(), store.clone(), Settings::default()).unwrap();
    let whose = Whose::Group(GroupId::named(&slug(0)));
    let (mut all_one, mut all_many) = (Vec::new(), Vec::new());
    for round in 1..=3 {
        let (one, many) = meeting_pairs(&alone, &org, &whose, calls).await;
        println!("  round {round}: {}", line("/meeting, 1 group", &one));
        println!("  round {round}: {}", line(&format!("/meeting, {groups} groups"), &many));
        all_one.extend(one);
        all_many.extend(many);
    }
    all_one.sort_unstable();
    all_many.sort_unstable();
    sum.meeting_one = percentile(&all_one, 0.99);
    sum.meeting_many = percentile(&all_many, 0.99);
    println!("  all rounds: {}", line("/meeting, 1 group", &all_one));
    println!("  all rounds: {}", line(&format!("/meeting, {groups} groups"), &all_many));
    println!(
        "  p99 ratio, {groups} groups to 1: {:.3}; p50 ratio {:.3}",
        us(sum.meeting_many) / us(sum.meeting_one),
        us(percentile(&all_many, 0.5)) / us(percentile(&all_one, 0.5))
    );
    let ids: Vec<GroupId> = org.groups().keys().cloned().collect();
    let before = heap().0;
    let rotating = meeting_times(&org, |i| Whose::Group(ids[i % ids.len()].clone()), calls).await;
    println!("  {}", line(&format!("/meeting, each call another of {groups}"), &rotating));
    println!(
        "  heap in use by the engines' caches once every group answered /meeting: {:.2} KiB a group",
        heap().0.saturating_sub(before) as f64 / 1024.0 / groups as f64
    );

    drop(alone);
    let (before, connections) = (heap().0, store.pool().size());
    store.close().await;
    println!(
        "  heap in use by the pool's {connections} connections and their statement caches: {:.2} MiB",
        before.saturating_sub(heap().0) as f64 / 1048576.0
    );
    let before = heap().0;
    drop(org);
    println!(
        "  heap in use by the organization (content and engines): {:.1} KiB a group",
        before.saturating_sub(heap().0) as f64 / 1024.0 / groups as f64
    );
    fake.stop().await;
    admin(format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)")).await;
    memory("after closing everything", &mut sum.memory);
}

/// Part 5: two organizations and services on one database.
async fn two_processes(groups: usize, lead: u64, sum: &mut Summary) {
    println!("== Two processes on one PostgreSQL, {groups} groups each");
    let due = due_after(lead);
    let dir = tempfile::tempdir().unwrap();
    write_content(dir.path(), groups, due);
    println!("  the one-off meetings' reminders are due at {due}");
    let mut fake = FakeProcess::start().await;
    let (db, url) = fresh_database("two").await;
    let mut running = Vec::new();
    for name in ["A", "B"] {
        let t = Instant::now();
        let store = Store::open(Some(&url)).await.unwrap();
        let org = Organization::open(dir.path(), store.clone(), Settings::default()).unwrap();
        let sender = Counted::new(&fake.base);
        let clock = Arc::new(Watched::default());
        let senders = Senders::new().with(&convoca::discord::ABILITIES, sender.clone());
        let supervisor = convoca::supervisor::Tasks::new();
        let service = convoca::service::Service::start(&org, senders, clock.clone(), &supervisor);
        while clock.planned() < groups {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        println!("  process {name}: started, every scheduler planned, in {:.2} s", t.elapsed().as_secs_f64());
        running.push((store, org, sender, service, supervisor));
    }
    println!("  waiting {:.0} s for the reminders' instant", until(due).as_secs_f64());
    tokio::time::sleep(until(due)).await;
    let (a, b) = (Arc::clone(&running[0].2), Arc::clone(&running[1].2));
    wait_settled(&running[0].0, groups, Duration::from_secs(300)).await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let seen = fake.seen().await;
    let (once, _, _) = posts_report(&seen, groups, due);
    sum.two_once = once;
    sum.two_sent = (a.sent(), b.sent());
    let (states, retried, claimants) = ledger(&running[0].0).await;
    println!(
        "  posted by process A: {}, by process B: {}; ledger: {states:?}; taken more than one attempt: {retried}; distinct claimants: {claimants}",
        a.sent(),
        b.sent()
    );
    for (store, org, _, service, supervisor) in running {
        service.stop().await;
        drop(supervisor);
        drop(org);
        store.close().await;
    }
    fake.stop().await;
    admin(format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)")).await;
}

fn main() {
    if std::env::var_os(FAKE_ROLE).is_some() {
        return fake_child();
    }
    if let Ok(filter) = std::env::var("BENCH_LOG") {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_writer(std::io::stderr)
            .init();
    }
    let groups: usize = env_or("GROUPS", 1000);
    let calls: usize = env_or("BENCH_MEETING_CALLS", 20_000);
    let lead: u64 = env_or("BENCH_LEAD_SECS", 150);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let mut sum = Summary::default();
    rt.block_on(async {
        one_process(groups, calls, lead, &mut sum).await;
        if std::env::var("BENCH_TWO_PROCESSES").as_deref() != Ok("0") {
            two_processes(groups, lead, &mut sum).await;
        }
    });

    let target = 80 * 1024;
    let after_start = sum.memory.iter().find(|(w, _)| w.starts_with("after starting")).map_or(0, |m| m.1);
    let after_posts = sum.memory.iter().find(|(w, _)| w.starts_with("after the reminders")).map_or(0, |m| m.1);
    let after_reload = sum.memory.iter().find(|(w, _)| w.starts_with("after the reloads")).map_or(0, |m| m.1);
    let mark = |ok: bool| if ok { "met" } else { "MISSED" };
    let floor = groups as f64 / RATE;
    let ratio = us(sum.meeting_many) / us(sum.meeting_one);
    println!("== Summary ({groups} groups)");
    println!(
        "  resident memory after start-up {:.1} MiB, after a reload {:.1} MiB, after the reminders {:.1} MiB (target < 80 MiB): {}",
        mib(after_start),
        mib(after_reload),
        mib(after_posts),
        mark(after_start.max(after_reload).max(after_posts) < target)
    );
    println!(
        "  start-up {:.2} s; reload {:.0} ms unchanged, {:.0} ms with one group changed",
        sum.startup.as_secs_f64(),
        ms(sum.reload_same),
        ms(sum.reload_one)
    );
    println!(
        "  reminders: {} of {groups} posted once ({}), earliest {:+.1} ms ({}), p99 lateness {:.0} ms, total {:.1} s against a {floor:.1} s floor",
        sum.once,
        mark(sum.once == groups),
        sum.early_ms,
        mark(sum.early_ms >= 0.0),
        sum.p99_ms,
        sum.total_s
    );
    println!(
        "  /meeting p99 {:.1} µs with 1 group, {:.1} µs with {groups} (ratio {ratio:.2}, target within 10 %): {}",
        us(sum.meeting_one),
        us(sum.meeting_many),
        mark(ratio <= 1.10)
    );
    if sum.two_sent != (0, 0) {
        println!(
            "  two processes: {} of {groups} posted once ({}); A posted {}, B {}",
            sum.two_once,
            mark(sum.two_once == groups && sum.two_sent.0 + sum.two_sent.1 == groups),
            sum.two_sent.0,
            sum.two_sent.1
        );
    }
}
