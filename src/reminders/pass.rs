//! One pass of the reminder scheduler, and the steps it takes: plan, triage against the
//! ledger, claim, and start each send (see [`super::scheduler`] for the whole).

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::clock::Clock;
use super::messages::Messages;
use super::plan::{People, Plan, Target, plan};
use super::room::Slot;
use super::scheduler::{Ctx, Job};
use super::triage::{Candidate, triage};
use crate::agenda::Agenda;
use crate::store::{Claim, LedgerState, StoreError};

impl Ctx {
    /// A person's target as they stand now: the members-only link goes only to someone the
    /// platform still counts in the group's home (recorded membership is as they answered).
    async fn as_member_now(&self, target: &Target, platform: crate::chat::Platform) -> Target {
        let members = target.audience == crate::content::Audience::Members;
        let (Some(user), Some(sender)) = (target.person().filter(|_| members), self.senders.get(platform)) else {
            return target.clone();
        };
        if sender.still_member(user, self.engine.group()).await == Some(false) {
            return Target { audience: crate::content::Audience::Everyone, ..target.clone() };
        }
        target.clone()
    }

    /// One pass: plan what is due, settle what is settled, record what was missed, claim
    /// what this process can send now and start sending it. Returns when to pass again.
    pub(super) async fn pass(
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

        let candidates = self.candidates(&plan, from, window_end);
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
        let wanted: Vec<(&Candidate<'_>, bool)> =
            sorted.on_time.iter().map(|c| (*c, false)).chain(sorted.late.iter().map(|c| (*c, true))).collect();
        let to_send = self.within_room(&plan, wanted);
        if !to_send.is_empty() {
            let lease_until = window_end.max(now) + cfg.lease;
            let won = self.claim(&plan, &to_send, lease_until, now).await?;
            if won.len() < to_send.len() {
                // Another process got some first.
                next_check = Some(next_check.map_or(lease_until, |t| t.min(lease_until)));
            }
            let mut messages = Messages::new(&content, &agenda, store, &self.engine, now);
            // A reminder another process won gives its slot back here, as it is dropped.
            for (cand, is_late, slot) in to_send {
                let Some(&attempt) = won.get(&cand.key) else { continue };
                let Some(job) = self.job(&plan, &mut messages, cand, is_late, attempt, lease_until).await else {
                    continue;
                };
                let job = Job { _slot: slot, ..job };
                self.start(job, tasks, shutdown);
            }
        }
        *watermark = window_end;
        let wake = self.next_wake(&plan, &people, now, window_end, next_check);
        self.status.send_modify(|s| s.planned = plan.items.len());
        Ok(wake)
    }

    /// Reminders due by the end of this window that this process can post and has not
    /// settled yet.
    fn candidates<'p>(&self, plan: &'p Plan, from: DateTime<Utc>, window_end: DateTime<Utc>) -> Vec<Candidate<'p>> {
        let mut candidates = Vec::new();
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
        candidates
    }

    /// No more claims per platform than its sender has room for, counting every group's
    /// posts under way in this process: a fan-out of thousands, or a thousand groups' posts
    /// due together, is claimed slice by slice, each sent well inside its lease. Each kept
    /// reminder holds its slot; when room runs out this scheduler is woken as it frees.
    fn within_room<'c, 'p>(
        &self,
        plan: &Plan,
        to_send: Vec<(&'c Candidate<'p>, bool)>,
    ) -> Vec<(&'c Candidate<'p>, bool, Option<Slot>)> {
        let platform_of = |cand: &Candidate<'_>| plan.target(cand.item).and_then(|t| t.platform());
        let mut wanted: HashMap<crate::chat::Platform, usize> = HashMap::new();
        for (cand, _) in &to_send {
            if let Some(platform) = platform_of(cand) {
                *wanted.entry(platform).or_default() += 1;
            }
        }
        let mut slots: HashMap<_, Vec<Slot>> =
            wanted.into_iter().map(|(platform, n)| (platform, self.senders.slots(platform, n, &self.retry))).collect();
        to_send
            .into_iter()
            .filter_map(|(cand, late)| match platform_of(cand) {
                None => Some((cand, late, None)),
                Some(platform) => slots.get_mut(&platform).and_then(Vec::pop).map(|slot| (cand, late, Some(slot))),
            })
            .collect()
    }

    /// The job of sending one claimed reminder, its post written for its readers.
    async fn job(
        &self,
        plan: &Plan,
        messages: &mut Messages<'_>,
        cand: &Candidate<'_>,
        late: bool,
        attempt: i64,
        lease_until: DateTime<Utc>,
    ) -> Option<Job> {
        let (target, platform) = plan.target(cand.item).and_then(|t| Some((t, t.platform()?)))?;
        let on = self.senders.abilities(platform)?;
        let target = &self.as_member_now(target, platform).await;
        let reply = messages.get(plan, cand.item, target, on).await;
        self.settled(&cand.key, cand.item.due);
        Some(Job {
            key: cand.key.clone(),
            logged: plan.logged(cand.item),
            target: target.clone(),
            due: cand.item.due,
            starts: cand.starts,
            late,
            reply,
            lease_until,
            attempt,
            _slot: None,
        })
    }

    /// Starts sending `job` in its own task.
    fn start(
        self: &Arc<Self>,
        job: Job,
        tasks: &mut JoinSet<Option<(String, bool)>>,
        shutdown: &watch::Receiver<bool>,
    ) {
        self.status.send_modify(|s| s.in_flight += 1);
        tasks.spawn(Arc::clone(self).deliver(job, shutdown.clone()));
    }

    /// When to pass again: the next reminder this process can post (a moment ahead of it),
    /// a lease held elsewhere ending, the refresh, an offer expiring, or the horizon.
    fn next_wake(
        &self,
        plan: &Plan,
        people: &People,
        now: DateTime<Utc>,
        window_end: DateTime<Utc>,
        next_check: Option<DateTime<Utc>>,
    ) -> DateTime<Utc> {
        let cfg = self.config;
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
        wake.max(now)
    }

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
        to_send: &[(&Candidate<'_>, bool, Option<Slot>)],
        lease_until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<HashMap<String, i64>, StoreError> {
        let identities: Vec<String> = to_send.iter().map(|(c, _, _)| plan.identity(c.item)).collect();
        let claims: Vec<Claim<'_>> = to_send
            .iter()
            .zip(&identities)
            .map(|((c, _, _), identity)| Claim {
                key: &c.key,
                identity,
                channel: plan.target(c.item).map_or("", |t| &t.channel),
                due: c.item.due,
            })
            .collect();
        Ok(self.engine.store().claim(&claims, &self.me, lease_until, now).await?.into_iter().collect())
    }

    pub(super) fn settled(&self, key: &str, due: DateTime<Utc>) {
        self.done.lock().unwrap_or_else(|p| p.into_inner()).insert(key.to_string(), due);
    }
}
