//! The reminder scheduler: a task that sleeps until the next reminder is due, claims it in
//! the database, posts it with its idempotency key, and records it sent.
//!
//! No database polling: each pass plans what is due, computes the next instant anything will
//! be, and sleeps until then (rereading the wall clock at least once a minute, see
//! [`super::clock`]), or until content, calendar changes or subscriptions change (the
//! engine's `watch_plan`), a post is to be retried, or shutdown. Reminders are claimed
//! a moment ahead of their instant so that posting them is not delayed by the database: a
//! thousand reminders due in the same second go out within milliseconds of it.
//!
//! Exactly once: a reminder is claimed with a lease before it is sent; a process that dies
//! between claim and send leaves the lease to expire, and the next claimant first looks for
//! the post among the channel's recent messages (the key is inside each post) and sends it,
//! with the same key, only when it is not there. After downtime, a reminder whose moment
//! passed is still posted if its meeting has not started (and only the most recent of several
//! for the same occurrence and channel), and recorded as missed otherwise.
//!
//! Time: every instant the scheduler writes or compares (claims, leases, due instants) is read
//! from this machine's clock corrected to the database server's ([`DatabaseTime`]), measured
//! at every pass, so processes whose clocks disagree still agree on who holds what and none
//! posts early. Every send ends within [`SchedulerConfig::send_within`], well inside the
//! lease, and never runs past the start of the meeting it announces.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::clock::{Clock, DatabaseTime};
use super::plan::Target;
use super::sender::Senders;
use crate::engine::{Engine, Reply};

/// Timings of the scheduler.
#[derive(Clone, Copy, Debug)]
pub struct SchedulerConfig {
    /// How long a claim holds before another process may take the reminder over.
    pub lease: Duration,
    /// How long before its instant a reminder is claimed and its post prepared.
    pub ahead: Duration,
    /// How far ahead each pass plans.
    pub horizon: Duration,
    /// How far back the first pass looks for reminders missed while the bot was down.
    pub lookback: Duration,
    /// How late a reminder may be and still count as on time.
    pub grace: Duration,
    /// Wait before retrying a post that failed for a passing reason.
    pub retry: Duration,
    /// Plan again at least this often even when nothing changed here (for changes made by
    /// other processes sharing a PostgreSQL database); `None` to wake only when needed.
    pub refresh: Option<Duration>,
    /// The longest a send may take, the look for an earlier attempt's post included. Well
    /// inside the lease, so no other process can take the reminder over while it is sent.
    pub send_within: Duration,
    /// At shutdown, how long posts under way get to finish. Those that do not are left to
    /// their lease (not released: one may have gone out) and looked for by the next claimant.
    pub finish_within: Duration,
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        SchedulerConfig {
            lease: Duration::seconds(30),
            ahead: Duration::seconds(2),
            horizon: Duration::days(8),
            lookback: Duration::days(7),
            grace: Duration::seconds(5),
            retry: Duration::seconds(30),
            refresh: None,
            send_within: Duration::seconds(10),
            finish_within: Duration::seconds(5),
        }
    }
}

/// What the scheduler is doing, for tests, health checks and metrics.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Status {
    /// Planning passes so far (each is a wake-up).
    pub passes: u64,
    /// When it will wake next, while asleep.
    pub sleeping_until: Option<DateTime<Utc>>,
    /// Reminders in the last plan.
    pub planned: usize,
    /// Reminders posted.
    pub sent: u64,
    /// Of those, posted after their moment.
    pub late: u64,
    /// Reminders recorded as missed.
    pub missed: u64,
    /// Reminders the platform refused for good.
    pub failed: u64,
    /// Reminders an earlier attempt had posted, found among the channel's messages and not
    /// posted again.
    pub found: u64,
    /// Reminders claimed and waiting for their instant or being posted.
    pub in_flight: u64,
    /// Lateness of each post, in milliseconds, most recent last (bounded).
    pub lateness_ms: Vec<i64>,
    /// True once it has stopped.
    pub stopped: bool,
}

/// How many lateness samples [`Status`] keeps.
pub(super) const LATENESS_SAMPLES: usize = 4096;

/// The scheduler. Build it, take a [`Scheduler::status`] receiver if wanted, then `run` it.
/// A clone shares everything: a supervisor runs a clone again if a run dies.
#[derive(Clone)]
pub struct Scheduler {
    ctx: Arc<Ctx>,
}

pub(super) struct Ctx {
    pub(super) engine: Engine,
    pub(super) senders: Senders,
    pub(super) clock: Arc<DatabaseTime>,
    pub(super) me: String,
    pub(super) config: SchedulerConfig,
    pub(super) status: watch::Sender<Status>,
    /// Keys this process has settled or holds in a task: not looked up again.
    pub(super) done: Mutex<HashMap<String, DateTime<Utc>>>,
    /// Wakes the loop to plan a retry after a post failed for a passing reason, or when the
    /// platform's room (shared with every group's scheduler) frees after a pass found none.
    pub(super) retry: Arc<tokio::sync::Notify>,
    /// Keys whose send has begun and not been recorded: never released at shutdown.
    pub(super) sending: Mutex<HashSet<String>>,
    /// When this database began follow-ups, once read (or recorded) by this process.
    pub(super) asking_since: std::sync::OnceLock<DateTime<Utc>>,
}

/// One reminder ready to go out.
pub(super) struct Job {
    pub(super) key: String,
    /// Its identity as logs show it (no person named).
    pub(super) logged: String,
    pub(super) target: Target,
    pub(super) due: DateTime<Utc>,
    pub(super) starts: DateTime<Utc>,
    pub(super) late: bool,
    pub(super) reply: Arc<Reply>,
    /// When this process's claim ends.
    pub(super) lease_until: DateTime<Utc>,
    /// 1 for a first attempt; more when an earlier one may have posted it.
    pub(super) attempt: i64,
    /// Its place among the posts under way on its platform, held until the delivery ends.
    pub(super) _slot: Option<super::room::Slot>,
}

impl Scheduler {
    /// A scheduler posting through `senders`, timed by `clock` (corrected to the database's
    /// clock when it is the machine's).
    pub fn new(engine: Engine, senders: Senders, clock: Arc<dyn Clock>, config: SchedulerConfig) -> Scheduler {
        let me = format!(
            "{}-{}",
            std::process::id(),
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
                % 1_000_000_000
        );
        Scheduler {
            ctx: Arc::new(Ctx {
                engine,
                senders,
                clock: Arc::new(DatabaseTime::new(clock)),
                me,
                config,
                status: watch::Sender::new(Status::default()),
                done: Mutex::new(HashMap::new()),
                retry: Arc::new(tokio::sync::Notify::new()),
                sending: Mutex::new(HashSet::new()),
                asking_since: std::sync::OnceLock::new(),
            }),
        }
    }

    /// Follows what the scheduler does.
    pub fn status(&self) -> watch::Receiver<Status> {
        self.ctx.status.subscribe()
    }

    /// This scheduler's name in the ledger's `claimed_by`.
    pub fn id(&self) -> &str {
        &self.ctx.me
    }

    /// Runs until `shutdown` turns true. Then stops claiming, gives posts under way
    /// [`SchedulerConfig::finish_within`] to finish and be recorded, leaves those that do not
    /// to their lease, and releases reminders it claimed but had not begun to send, so
    /// another process (or the next start) posts them without waiting for the lease.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let ctx = self.ctx;
        // A run after one that died: what that run held in tasks was dropped with it. Its
        // claims stand until their leases end, and are then looked for before posting.
        ctx.done.lock().unwrap_or_else(|p| p.into_inner()).clear();
        ctx.sending.lock().unwrap_or_else(|p| p.into_inner()).clear();
        // Its posts' room on their platform came back as their tasks were dropped.
        ctx.status.send_modify(|s| s.in_flight = 0);
        let mut changes = ctx.engine.watch_plan();
        let mut tasks: JoinSet<Option<(String, bool)>> = JoinSet::new();
        let mut watermark = ctx.clock.now() - ctx.config.lookback;
        tracing::info!(id = %ctx.me, "reminder scheduler started");
        loop {
            if *shutdown.borrow() {
                break;
            }
            while tasks.try_join_next().is_some() {}
            let wake = match ctx.pass(&mut tasks, &shutdown, &mut watermark).await {
                Ok(wake) => wake,
                Err(e) => {
                    tracing::error!(error = %e, "reminder pass failed; trying again in 5 seconds");
                    ctx.clock.now() + Duration::seconds(5)
                }
            };
            ctx.status.send_modify(|s| {
                s.passes += 1;
                s.sleeping_until = Some(wake);
            });
            tokio::select! {
                _ = ctx.clock.sleep_until(wake) => {}
                _ = changes.changed() => {}
                _ = ctx.retry.notified() => {}
                _ = shutdown.changed() => {}
            }
            ctx.status.send_modify(|s| s.sleeping_until = None);
        }
        let given_back = ctx.wind_down(tasks).await;
        ctx.give_back(given_back).await;
        ctx.status.send_modify(|s| {
            s.stopped = true;
            s.sleeping_until = None;
        });
        tracing::info!("reminder scheduler stopped");
    }
}

impl Ctx {
    /// Shutdown: tasks waiting for their instant return their key (with whether an earlier
    /// attempt may have posted it); posts under way get a moment to finish, then are left
    /// to their lease.
    async fn wind_down(&self, mut tasks: JoinSet<Option<(String, bool)>>) -> Vec<(String, bool)> {
        let mut given_back = Vec::new();
        let deadline = self.clock.sleep_until(self.clock.now() + self.config.finish_within);
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                next = tasks.join_next() => match next {
                    Some(Ok(Some(back))) => given_back.push(back),
                    Some(_) => {}
                    None => break,
                },
                _ = &mut deadline => {
                    tracing::warn!(
                        posts = tasks.len(),
                        "posts still under way at shutdown; leaving them to their lease (the next claimant looks for them before posting)"
                    );
                    tasks.abort_all();
                    break;
                }
            }
        }
        given_back
    }

    /// Releases what this process holds for another. Given back before sending: as much is
    /// known as before this attempt. Everything else held (waiting for a retry) keeps what
    /// the ledger says. A send that began may have reached the platform: releasing it would
    /// invite a second post from a process that does not look first.
    async fn give_back(&self, given_back: Vec<(String, bool)>) {
        let store = self.engine.store();
        let now = self.clock.now();
        let sending = self.sending.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let mut leftover = store.held_by(&self.me).await.unwrap_or_default();
        leftover.retain(|k| !sending.contains(k) && !given_back.iter().any(|(g, _)| g == k));
        let (earlier, clean): (Vec<_>, Vec<_>) = given_back.into_iter().partition(|(_, may)| *may);
        // What may have posted, and what waits for a retry, keep their count as it stands.
        leftover.extend(earlier.into_iter().map(|(k, _)| k));
        let clean: Vec<String> = clean.into_iter().map(|(k, _)| k).collect();
        let mut released = 0;
        for (keys, nothing_sent) in [(clean, true), (leftover, false)] {
            match store.release(&keys, &self.me, now, now, nothing_sent).await {
                Ok(n) => released += n,
                Err(e) => tracing::error!(error = %e, "could not release claimed reminders; their lease will expire"),
            }
        }
        if released > 0 {
            tracing::info!(released, "released claimed reminders for another process");
        }
    }
}
