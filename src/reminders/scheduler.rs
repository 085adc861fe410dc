//! The reminder scheduler: a task that sleeps until the next reminder is due, claims it in
//! the database, posts it with its idempotency key, and records it sent.
//!
//! No database polling: each pass plans what is due, computes the next instant anything will
//! be, and sleeps until then (rereading the wall clock at least once a minute, see
//! [`super::clock`]), or until content, calendar changes or subscriptions change (the
//! engine's `calendar_changes`), a post is to be retried, or shutdown. Reminders are claimed
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
use super::messages::Messages;
use super::plan::{People, Plan, Target, plan};
use super::sender::Senders;
use super::triage::{Candidate, triage};
use crate::agenda::Agenda;
use crate::engine::{Engine, Reply};
use crate::store::{Claim, LedgerState, StoreError};

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
    /// Wakes the loop to plan a retry after a post failed for a passing reason.
    pub(super) retry: tokio::sync::Notify,
    /// Keys whose send has begun and not been recorded: never released at shutdown.
    pub(super) sending: Mutex<HashSet<String>>,
    /// Deliveries under way per platform, against each sender's [`super::Sender::at_once`].
    pub(super) flying: Mutex<HashMap<crate::chat::Platform, usize>>,
    /// A pass left due reminders unclaimed for want of room: pass again when room frees.
    pub(super) backlog: std::sync::atomic::AtomicBool,
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
                retry: tokio::sync::Notify::new(),
                sending: Mutex::new(HashSet::new()),
                flying: Mutex::new(HashMap::new()),
                backlog: std::sync::atomic::AtomicBool::new(false),
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
        ctx.flying.lock().unwrap_or_else(|p| p.into_inner()).clear();
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
        // Shutdown: tasks waiting for their instant return their key; posts under way get a
        // moment to finish.
        // Keys given back before sending, with whether an earlier attempt may have posted.
        let mut given_back = Vec::new();
        let deadline = ctx.clock.sleep_until(ctx.clock.now() + ctx.config.finish_within);
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
        let store = ctx.engine.store();
        let now = ctx.clock.now();
        // Given back before sending: as much is known as before this attempt. Everything else
        // held (waiting for a retry) keeps what the ledger says. A send that began may have
        // reached the platform: releasing it would invite a second post from a process that
        // does not look first.
        let sending = ctx.sending.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let mut leftover = store.held_by(&ctx.me).await.unwrap_or_default();
        leftover.retain(|k| !sending.contains(k) && !given_back.iter().any(|(g, _)| g == k));
        let (earlier, clean): (Vec<_>, Vec<_>) = given_back.into_iter().partition(|(_, may)| *may);
        let keys = |v: Vec<(String, bool)>| v.into_iter().map(|(k, _)| k).collect::<Vec<_>>();
        let mut released = 0;
        for (keys, sent) in [(keys(clean), Some(false)), (keys(earlier), Some(true)), (leftover, None)] {
            match store.release(&keys, &ctx.me, now, now, sent).await {
                Ok(n) => released += n,
                Err(e) => tracing::error!(error = %e, "could not release claimed reminders; their lease will expire"),
            }
        }
        if released > 0 {
            tracing::info!(released, "released claimed reminders for another process");
        }
        ctx.status.send_modify(|s| {
            s.stopped = true;
            s.sleeping_until = None;
        });
        tracing::info!("reminder scheduler stopped");
    }
}

impl Ctx {
    /// A person's target as they stand now: the members-only link goes only to someone the
    /// platform still counts in the group's home (recorded membership is as they answered).
    async fn as_member_now(&self, target: &Target, platform: crate::chat::Platform) -> Target {
        let members = target.audience == crate::content::Audience::Members;
        let (Some(user), Some(sender)) = (target.person().filter(|_| members), self.senders.get(platform)) else {
            return target.clone();
        };
        if sender.still_member(user).await == Some(false) {
            return Target { audience: crate::content::Audience::Everyone, ..target.clone() };
        }
        target.clone()
    }

    /// One pass: plan, settle what is due, and say when to wake next.
    async fn pass(
        self: &Arc<Self>,
        tasks: &mut JoinSet<Option<(String, bool)>>,
        shutdown: &watch::Receiver<bool>,
        watermark: &mut DateTime<Utc>,
    ) -> Result<DateTime<Utc>, StoreError> {
        let store = self.engine.store();
        self.measure_clock().await?;
        let now = self.clock.now();
        let cfg = self.config;
        let content = self.engine.content().current();
        let changes = crate::engine::load_calendar_changes(store).await?;
        let agenda = Agenda::new(&content, &changes);
        let subscriptions = self.engine.subscriptions().await?;
        let from = (*watermark).min(now - cfg.lookback);
        self.offer_places(&content, now).await;
        let people = People::load_since(store, from, self.asking_since(now).await?).await?;
        let plan = plan(&content, &agenda, &subscriptions, &people, from, now + cfg.horizon, false);
        let window_end = now + cfg.ahead;

        // Reminders due by the end of this window that this process can post and has not
        // settled yet.
        let mut candidates: Vec<Candidate<'_>> = Vec::new();
        {
            let mut done = self.done.lock().unwrap_or_else(|p| p.into_inner());
            done.retain(|_, due| *due >= from);
            for item in plan.items.iter().take_while(|i| i.due <= window_end) {
                let Some(target) = plan.target(item) else { continue };
                if self.senders.for_target(target).is_none() {
                    continue;
                }
                let key = plan.key(item);
                if !done.contains_key(&key) {
                    candidates.push(Candidate { key, item, starts: plan.subject(item).starts() });
                }
            }
        }
        let keys: Vec<&str> = candidates.iter().map(|c| c.key.as_str()).collect();
        let states: HashMap<String, LedgerState> =
            store.ledger_states(&keys).await?.into_iter().map(|(k, s, _)| (k, s)).collect();
        let sorted = triage(&candidates, &states, now, cfg.grace);
        let mut next_check = sorted.held_until;
        for cand in &sorted.settled {
            self.settled(&cand.key, cand.item.due);
        }
        for (cand, reason) in &sorted.missed {
            self.record_missed(&plan, cand, reason, now).await?;
        }

        let mut to_send: Vec<(&Candidate<'_>, bool)> =
            sorted.on_time.iter().map(|c| (*c, false)).chain(sorted.late.iter().map(|c| (*c, true))).collect();
        // No more claims per platform than its sender takes at once: a fan-out of thousands
        // is claimed slice by slice, each sent well inside its lease.
        {
            let flying = self.flying.lock().unwrap_or_else(|p| p.into_inner());
            let mut room: HashMap<crate::chat::Platform, usize> = HashMap::new();
            let before = to_send.len();
            to_send.retain(|(cand, _)| {
                let Some(platform) = plan.target(cand.item).and_then(|t| t.platform()) else { return true };
                let left = room.entry(platform).or_insert_with(|| {
                    let at_once = self.senders.get(platform).map_or(usize::MAX, |s| s.at_once());
                    at_once.saturating_sub(flying.get(&platform).copied().unwrap_or(0))
                });
                if *left == 0 {
                    return false;
                }
                *left -= 1;
                true
            });
            if to_send.len() < before {
                self.backlog.store(true, std::sync::atomic::Ordering::SeqCst);
            }
        }
        if !to_send.is_empty() {
            let lease_until = window_end.max(now) + cfg.lease;
            let won = self.claim(&plan, &to_send, lease_until, now).await?;
            let mut messages = Messages::new(&content, &agenda, store, &self.engine, now);
            for (cand, is_late) in to_send {
                if !won.contains_key(&cand.key) {
                    // Another process got it first.
                    next_check = Some(next_check.map_or(lease_until, |t| t.min(lease_until)));
                    continue;
                }
                let Some((target, platform)) = plan.target(cand.item).and_then(|t| Some((t, t.platform()?))) else {
                    continue;
                };
                let Some(on) = self.senders.abilities(platform) else { continue };
                let attempt = won[&cand.key];
                let target = &self.as_member_now(target, platform).await;
                let reply = messages.get(&plan, cand.item, target, on).await;
                self.settled(&cand.key, cand.item.due);
                let job = Job {
                    key: cand.key.clone(),
                    logged: plan.logged(cand.item),
                    target: target.clone(),
                    due: cand.item.due,
                    starts: cand.starts,
                    late: is_late,
                    reply,
                    lease_until,
                    attempt,
                };
                self.status.send_modify(|s| s.in_flight += 1);
                *self.flying.lock().unwrap_or_else(|p| p.into_inner()).entry(platform).or_default() += 1;
                tasks.spawn(Arc::clone(self).deliver(job, shutdown.clone()));
            }
        }

        *watermark = window_end;
        let next_due = plan
            .items
            .iter()
            .filter(|i| i.due > window_end)
            .find(|i| plan.target(i).is_some_and(|t| self.senders.for_target(t).is_some()))
            .map(|i| i.due - cfg.ahead);
        let replan = now + cfg.horizon;
        let mut wake = next_due.unwrap_or(replan).min(replan);
        if let Some(t) = next_check {
            wake = wake.min(t);
        }
        if let Some(refresh) = cfg.refresh {
            wake = wake.min(now + refresh);
        }
        // An offer that expires moves its place on to the next person waiting.
        if let Some(expiry) = people.offers.iter().map(|o| o.expires_at).filter(|t| *t > now).min() {
            wake = wake.min(expiry);
        }
        self.status.send_modify(|s| s.planned = plan.items.len());
        Ok(wake.max(now))
    }

    /// When this database began follow-ups: recorded as `now` the first time any process
    /// plans them, then read once per process.
    async fn asking_since(&self, now: DateTime<Utc>) -> Result<DateTime<Utc>, StoreError> {
        if let Some(since) = self.asking_since.get() {
            return Ok(*since);
        }
        let since = self.engine.store().feature_since(super::plan::FOLLOW_UPS, now).await?;
        Ok(*self.asking_since.get_or_init(|| since))
    }

    /// Moves freed places down each waitlist (see [`crate::store::Store::offer_places`]): a
    /// place given back, an offer declined or expired, a capacity raised. A failure is logged
    /// and tried again at the next pass; the offers already made still go out.
    async fn offer_places(&self, content: &crate::content::Content, now: DateTime<Utc>) {
        let store = self.engine.store();
        for c in &content.campaigns {
            for a in &c.actions {
                let Some(capacity) = a.capacity else { continue };
                match store.offer_places(&c.slug, &a.slug, capacity, a.offer_valid, now).await {
                    Ok(made) if made > 0 => {
                        tracing::info!(campaign = %c.slug, action = %a.slug, offers = made, "places offered to people waiting");
                        self.engine.signups_changed();
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::error!(error = %e, campaign = %c.slug, action = %a.slug, "could not offer freed places")
                    }
                }
            }
        }
    }

    /// Records a reminder that will not be posted, once, with why.
    async fn record_missed(
        &self,
        plan: &Plan,
        cand: &Candidate<'_>,
        reason: &'static str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let identity = plan.identity(cand.item);
        let channel = plan.target(cand.item).map(|t| t.channel.to_string()).unwrap_or_default();
        let claim = Claim { key: &cand.key, identity: &identity, channel: &channel, due: cand.item.due };
        if self.engine.store().mark_missed(&claim, reason, now).await? {
            tracing::warn!(reminder = %plan.logged(cand.item), due = %cand.item.due, reason, "reminder missed");
            self.status.send_modify(|s| s.missed += 1);
            self.engine.metrics().reminders_missed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        self.settled(&cand.key, cand.item.due);
        Ok(())
    }

    /// Reads the database's clock and corrects this process's by the difference (nothing to
    /// do for a hand-moved test clock, which is the database's time too).
    async fn measure_clock(&self) -> Result<(), StoreError> {
        let local = self.clock.local();
        if !local.may_drift() {
            return Ok(());
        }
        let before = local.now();
        let db = self.engine.store().database_now().await?;
        self.clock.measured(before, db, local.now());
        Ok(())
    }

    /// Claims `to_send` in the ledger until `lease_until`; returns the keys this process won,
    /// each with its attempt number.
    async fn claim(
        &self,
        plan: &Plan,
        to_send: &[(&Candidate<'_>, bool)],
        lease_until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<HashMap<String, i64>, StoreError> {
        let identities: Vec<String> = to_send.iter().map(|(c, _)| plan.identity(c.item)).collect();
        let claims: Vec<Claim<'_>> = to_send
            .iter()
            .zip(&identities)
            .map(|((c, _), identity)| Claim {
                key: &c.key,
                identity,
                channel: plan.target(c.item).map_or("", |t| &t.channel),
                due: c.item.due,
            })
            .collect();
        Ok(self.engine.store().claim(&claims, &self.me, lease_until, now).await?.into_iter().collect())
    }

    fn settled(&self, key: &str, due: DateTime<Utc>) {
        self.done.lock().unwrap_or_else(|p| p.into_inner()).insert(key.to_string(), due);
    }
}
