//! Personal reminders on Matrix against a local Synapse: 500 members going to one meeting,
//! every reminder due at the same instant. The first round (an hour before) goes to people
//! the bot never wrote to: each needs a new encrypted direct room (the worst case). The
//! second (three minutes later, `personal_before = ["1h", "57m"]`) goes to the same people in
//! the rooms the first opened, as for members who answered `!going` in their direct room.
//! Reports how many arrived, whether any twice, and their lateness from the due instant to
//! the homeserver's acknowledgement (p50/p99/max), per round.
//!
//! Run: `cargo bench --bench matrix_fanout` (needs Synapse in target/synapse-venv:
//! `scripts/test` installs it). `MATRIX_FANOUT_PEOPLE` sets how many.

#[path = "../tests/common/copy.rs"]
mod copy;
#[path = "../tests/common/member.rs"]
mod member;
#[path = "../tests/common/synapse.rs"]
mod synapse;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, DurationRound, Utc};
use convoca::config::MatrixConfig;
use convoca::content::ContentHandle;
use convoca::engine::{Engine, Settings};
use convoca::reminders::{Post, Scheduler, SchedulerConfig, SendError, Sender, Senders, SystemClock};
use convoca::store::Store;
use futures_util::future::BoxFuture;

/// When a send was acknowledged, and its room.
type Acknowledged = (DateTime<Utc>, String);

/// The Matrix sender, with the moment each send was acknowledged.
struct Timed {
    inner: convoca::matrix::MatrixSender,
    done: Arc<Mutex<Vec<Acknowledged>>>,
}

impl Sender for Timed {
    fn send<'a>(&'a self, post: &'a Post) -> BoxFuture<'a, Result<(), SendError>> {
        Box::pin(async move {
            self.inner.send(post).await?;
            self.done.lock().unwrap().push((Utc::now(), post.to.channel().to_string()));
            Ok(())
        })
    }
    fn find<'a>(&'a self, post: &'a Post) -> BoxFuture<'a, Result<convoca::reminders::Found, SendError>> {
        self.inner.find(post)
    }
    fn open_direct<'a>(&'a self, user: &'a str) -> BoxFuture<'a, Result<String, SendError>> {
        self.inner.open_direct(user)
    }
    fn at_once(&self) -> usize {
        self.inner.at_once()
    }
}

/// Registers `n` users in one Python process, through the shared-secret admin API.
fn register_many(hs: &synapse::Synapse, n: usize) {
    let script = format!(
        r#"
import hmac, hashlib, json, urllib.request
base = "{url}"
for i in range({n}):
    user = "m%d" % i
    nonce = json.load(urllib.request.urlopen(base + "/_synapse/admin/v1/register"))["nonce"]
    # The MAC covers nonce, user, password and admin, each followed by NUL but the last.
    mac = hmac.new(b"{secret}", digestmod=hashlib.sha1)
    mac.update(nonce.encode()); mac.update(b"\x00"); mac.update(user.encode()); mac.update(b"\x00")
    mac.update(b"pw"); mac.update(b"\x00"); mac.update(b"notadmin")
    body = json.dumps({{"nonce": nonce, "username": user, "password": "pw", "admin": False,
                        "mac": mac.hexdigest()}}).encode()
    req = urllib.request.Request(base + "/_synapse/admin/v1/register", data=body,
                                 headers={{"Content-Type": "application/json"}})
    urllib.request.urlopen(req).read()
"#,
        url = hs.url,
        n = n,
        secret = synapse::SECRET,
    );
    let out = std::process::Command::new(synapse::python().unwrap()).arg("-c").arg(script).output().unwrap();
    assert!(out.status.success(), "registration: {}", String::from_utf8_lossy(&out.stderr));
}

fn main() {
    let people: usize = std::env::var("MATRIX_FANOUT_PEOPLE").ok().and_then(|v| v.parse().ok()).unwrap_or(500);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let Some(hs) = synapse::Synapse::start().await else {
            println!("Synapse is not installed: run scripts/test once, then this benchmark");
            return;
        };
        hs.register("convoca", "bot-password", false);
        hs.register("alice", "alice-password", false);
        // The group's home room, made before the bot starts (it joins it at start).
        let alice = member::Member::login(&hs, "alice", "alice-password").await;
        let bot_id = matrix_sdk::ruma::UserId::parse(hs.user_id("convoca")).unwrap();
        alice.create_room_with(&[&bot_id], false, Some("lacwg"), false).await;
        let started = std::time::Instant::now();
        register_many(&hs, people);
        println!("{people} members registered in {:.1} s", started.elapsed().as_secs_f64());
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("commands");
        copy::copy_dir(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("commands"), &content);
        // A one-off meeting starting on a minute, its reminder due within about a minute.
        let start = (Utc::now() + chrono::Duration::hours(1) + chrono::Duration::seconds(40))
            .duration_trunc(chrono::Duration::minutes(1))
            .unwrap()
            + chrono::Duration::minutes(1);
        let due = start - chrono::Duration::hours(1);
        std::fs::write(
            content.join("meetings/fanout.toml"),
            format!(
                "title = {{ en = \"Fan-out\", es = \"Fan-out\" }}\ndate = \"{}\"\nstart = \"{}\"\nend = \"{}\"\ntime_zone = \"UTC\"\n[place]\nname = \"Zoom\"\n[reminders]\npersonal_before = [\"1h\", \"57m\"]\n",
                start.format("%Y-%m-%d"),
                start.format("%H:%M"),
                (start + chrono::Duration::hours(1)).format("%H:%M"),
            ),
        )
        .unwrap();
        let url = format!("sqlite://{}", dir.path().join("bot.db").display());
        let store = Store::open(Some(&url)).await.unwrap();
        for i in 0..people {
            let id = hs.user_id(&format!("m{i}"));
            sqlx::query(
                "INSERT INTO users (platform, user_id, display_name, created_at, updated_at, locale, member)
                 VALUES ('matrix', $1, $1, 0, 0, 'en', 1)",
            )
            .bind(&id)
            .execute(store.pool())
            .await
            .unwrap();
            sqlx::query(
                "INSERT INTO rsvps (platform, user_id, meeting, occurrence_date, going, updated_at)
                 VALUES ('matrix', $1, 'fanout', $2, 1, 0)",
            )
            .bind(&id)
            .bind(start.format("%Y-%m-%d").to_string())
            .execute(store.pool())
            .await
            .unwrap();
        }
        let engine = Engine::new(ContentHandle::open(&content).unwrap(), store, Settings::default());
        let config = MatrixConfig {
            homeserver: Some(hs.url.clone()),
            user: Some("convoca".into()),
            password: Some("bot-password".parse().unwrap()),
            access_token: None,
            store_path: dir.path().join("matrix"),
            home: vec!["#lacwg:localhost".into()],
            organizer_power: 50,
            store_passphrase: Some("a passphrase for the bench store".parse().unwrap()),
        };
        let bot = convoca::matrix::Matrix::start(&config, engine.clone()).await.unwrap();
        let done = Arc::new(Mutex::new(Vec::new()));
        let sender = Timed { inner: bot.sender(), done: Arc::clone(&done) };
        let senders = Senders::new().with(&convoca::matrix::ABILITIES, Arc::new(sender));
        let scheduler = Scheduler::new(engine.clone(), senders, Arc::new(SystemClock), SchedulerConfig::default());
        let mut status = scheduler.status();
        let (stop, rx) = tokio::sync::watch::channel(false);
        let task = tokio::spawn(scheduler.run(rx));
        println!("reminders due at {due} ({:.0} s from now)", (due - Utc::now()).num_milliseconds() as f64 / 1000.0);
        for (round, due, rooms_before) in [("new direct rooms", due, 0), ("existing rooms", due + chrono::Duration::minutes(3), people)] {
            let target = rooms_before + people;
            let all = tokio::time::timeout(
                Duration::from_secs(600),
                status.wait_for(|s| (s.sent + s.failed + s.missed) as usize >= target && s.in_flight == 0),
            )
            .await
            .map(|waited| waited.is_ok())
            .unwrap_or(false);
            let s = status.borrow().clone();
            let this: Vec<Acknowledged> = done.lock().unwrap().iter().skip(rooms_before).cloned().collect();
            let mut late: Vec<i64> = this.iter().map(|(at, _)| (*at - due).num_milliseconds()).collect();
            late.sort_unstable();
            let mut rooms: Vec<&String> = this.iter().map(|(_, r)| r).collect();
            rooms.sort();
            rooms.dedup();
            println!(
                "{round}: delivered {} of {people} (in all: sent {}, failed {}, missed {}){}; {} distinct rooms",
                late.len(),
                s.sent,
                s.failed,
                s.missed,
                if all { "" } else { " — timed out" },
                rooms.len()
            );
            let pct = |p: f64| late.get(((late.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or(0);
            println!(
                "{round}: lateness, due → acknowledged by the homeserver: min {} ms, p50 {} ms, p99 {} ms, max {} ms",
                late.first().copied().unwrap_or(0),
                pct(0.5),
                pct(0.99),
                late.last().copied().unwrap_or(0)
            );
        }
        let all: Vec<String> = done.lock().unwrap().iter().map(|(_, r)| r.clone()).collect();
        let mut distinct = all.clone();
        distinct.sort();
        distinct.dedup();
        println!("both rounds: {} messages in {} direct rooms (one per person)", all.len(), distinct.len());
        stop.send(true).unwrap();
        let _ = task.await;
        bot.stop().await;
    });
}
