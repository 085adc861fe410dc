//! One reminder's delivery, from its claim to its record: wait for the instant; never post
//! about a meeting that has begun, nor with too little lease left; look for an earlier
//! attempt's post when there may have been one; send within the bound; record what happened
//! (sent, found, missed, failed) or give the reminder back for a retry.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use tokio::sync::watch;

use super::clock::Clock;
use super::plan::Target;
use super::scheduler::{Ctx, Job, LATENESS_SAMPLES, Status};
use super::sender::{Found, Post, SendError, Sender, To};

impl Ctx {
    /// Waits for the reminder's instant and posts it. Returns the key when shutdown came
    /// first, for the scheduler to release, with whether an earlier attempt may have posted it.
    pub(super) async fn deliver(
        self: Arc<Self>,
        job: Job,
        mut shutdown: watch::Receiver<bool>,
    ) -> Option<(String, bool)> {
        tokio::select! {
            _ = self.clock.sleep_until(job.due) => {}
            _ = shutdown.wait_for(|stop| *stop) => {
                self.finished(&job, |_| {});
                return Some((job.key, job.attempt > 1));
            }
        }
        let Some(sender) = self.senders.for_target(&job.target) else {
            self.finished(&job, |_| {});
            return Some((job.key, job.attempt > 1));
        };
        let now = self.clock.now();
        if now >= job.starts {
            self.too_late(&job, now).await;
            return None;
        }
        if now + self.config.send_within > job.lease_until {
            // Too little lease left to send safely (this task was held up): let it go, to be
            // claimed again at once.
            tracing::warn!(reminder = %job.logged, "lease nearly over before sending; claiming it again");
            self.retry_later(&job, now, now, false).await;
            return None;
        }
        // From here the post may reach the platform: never released, only recorded.
        self.sending.lock().unwrap_or_else(|p| p.into_inner()).insert(job.key.clone());
        // Bounded by the scheduler's clock: well inside the lease, and never past the start.
        let bound = self.config.send_within.min(job.starts - now);
        let sent_at = now;
        let attempt = self.attempt(sender.as_ref(), &job);
        let result = tokio::select! {
            result = attempt => result,
            _ = self.clock.sleep_until(now + bound) => Err(SendError::Transient(format!(
                "no answer within {} s; it may have gone out, so the next attempt looks first",
                bound.num_seconds()
            ))),
        };
        self.record(&job, result, sent_at).await;
        None
    }

    /// One attempt: the person's direct channel when the post is for one, a look for an
    /// earlier attempt's post when there may have been one, then the post. `Some` when the
    /// look found it (or cannot rule it out).
    async fn attempt(&self, sender: &dyn Sender, job: &Job) -> Result<Option<Found>, SendError> {
        let post = Post {
            to: self.recipient(sender, &job.target).await?,
            key: job.key.clone(),
            reply: Arc::clone(&job.reply),
            due: job.due,
            late: job.late,
            locale: job.target.locale,
            calendar_domain: crate::agenda::ics::calendar_domain(&self.engine.content().current().group.short_name),
        };
        let post = &post;
        if job.attempt > 1 {
            // An earlier attempt may have posted it, longer ago than the platform remembers
            // its idempotency token.
            match sender.find(post).await {
                Ok(Found::NotPosted) => {}
                Ok(other) => return Ok(Some(other)),
                // The bot may not read the channel's history (a missing permission): the key
                // the platform remembers for a while is all there is to go on.
                Err(SendError::Permanent(why)) => tracing::warn!(
                    reminder = %job.logged, %why,
                    "cannot look for an earlier attempt's post; posting with the same key"
                ),
                Err(e) => return Err(e),
            }
        }
        sender.send(post).await.map(|()| None)
    }

    /// Where a post goes: its channel, or the person's direct channel, opened once and kept.
    async fn recipient(&self, sender: &dyn Sender, target: &Target) -> Result<To, SendError> {
        let (Some(user), Some(platform)) = (target.person(), target.platform()) else {
            return Ok(To::Channel(target.local_id().to_string()));
        };
        let store = self.engine.store();
        // Nothing is posted before the direct channel is known: a failure here is one the
        // next attempt need not look behind.
        let known = store.direct_channel(platform, user).await.map_err(|e| SendError::NotSent(e.to_string()))?;
        let channel = match known {
            Some(channel) => channel,
            None => {
                let channel = sender.open_direct(user).await.map_err(|e| match e {
                    SendError::Transient(why) => SendError::NotSent(why),
                    other => other,
                })?;
                if let Err(e) = store.set_direct_channel(platform, user, Some(&channel)).await {
                    // Opened again next time: harmless, only slower.
                    tracing::warn!(error = %e, "could not keep a direct channel's id");
                }
                channel
            }
        };
        Ok(To::Person { user: user.to_string(), channel })
    }

    /// Records what an attempt came to: sent, found, failed for good, or to be retried.
    async fn record(&self, job: &Job, result: Result<Option<Found>, SendError>, sent_at: DateTime<Utc>) {
        let now = self.clock.now();
        match result {
            Ok(Some(found)) => self.found(job, found, now).await,
            Ok(None) => self.posted(job, sent_at, now).await,
            Err(SendError::RateLimited(after)) if job.starts > now => {
                tracing::warn!(reminder = %job.logged, after_s = after.as_secs_f32(), "reminder rate limited; will retry when the platform allows");
                self.engine.metrics().error("rate_limited");
                let after = Duration::from_std(after).unwrap_or(self.config.retry).max(Duration::seconds(1));
                self.retry_later(job, now + after, now, false).await;
            }
            Err(SendError::Gone(reason)) if job.starts > now => {
                // The person left the direct room: a new one is opened on the next attempt.
                tracing::warn!(reminder = %job.logged, %reason, "direct channel gone; opening a new one");
                if let (Some(user), Some(platform)) = (job.target.person(), job.target.platform())
                    && let Err(e) = self.engine.store().set_direct_channel(platform, user, None).await
                {
                    tracing::error!(error = %e, "could not forget a direct channel");
                }
                self.retry_later(job, now, now, false).await;
            }
            Err(SendError::Unreachable(reason)) => self.unreachable(job, &reason, now).await,
            Err(SendError::Transient(reason)) if job.starts > now => {
                tracing::warn!(reminder = %job.logged, %reason, "reminder not posted; will retry");
                self.engine.metrics().error("send");
                self.retry_later(job, now + self.config.retry, now, true).await;
            }
            Err(SendError::NotSent(reason)) if job.starts > now => {
                tracing::warn!(reminder = %job.logged, %reason, "reminder not posted; will retry");
                self.engine.metrics().error("send");
                self.retry_later(job, now + self.config.retry, now, false).await;
            }
            Err(e) => {
                tracing::error!(reminder = %job.logged, error = %e, "reminder could not be posted");
                self.engine.metrics().reminders_failed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if let Err(e) =
                    self.engine.store().mark_failed(std::slice::from_ref(&job.key), &self.me, &e.to_string(), now).await
                {
                    tracing::error!(error = %e, "could not record the failure");
                }
                self.finished(job, |s| s.failed += 1);
            }
        }
    }

    /// An earlier attempt's post was found, or cannot be ruled out: recorded, not posted again.
    async fn found(&self, job: &Job, found: Found, now: DateTime<Utc>) {
        let note = match &found {
            Found::CannotTell(why) => format!("assumed posted by an earlier attempt: {why}"),
            _ => "posted by an earlier attempt, found in the channel".to_string(),
        };
        if matches!(found, Found::CannotTell(_)) {
            // It may never have gone out: whoever runs the bot should see which.
            tracing::warn!(reminder = %job.logged, %note, "reminder not posted again");
        } else {
            tracing::info!(reminder = %job.logged, %note, "reminder not posted again");
        }
        if let Err(e) = self.engine.store().mark_found(std::slice::from_ref(&job.key), &self.me, &note, now).await {
            tracing::error!(error = %e, reminder = %job.logged, "could not record the reminder found");
        }
        self.engine.metrics().reminders_found.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.finished(job, |s| s.found += 1);
    }

    /// Posted: recorded sent, with how late.
    async fn posted(&self, job: &Job, sent_at: DateTime<Utc>, now: DateTime<Utc>) {
        let lateness = (sent_at - job.due).num_milliseconds();
        if job.late {
            tracing::warn!(reminder = %job.logged, late_by_s = lateness / 1000, "reminder posted late");
        } else {
            tracing::info!(reminder = %job.logged, "reminder posted");
        }
        let metrics = self.engine.metrics();
        let counter = if job.late { &metrics.reminders_late } else { &metrics.reminders_sent };
        counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        metrics.lateness(lateness as f64 / 1000.0);
        if let Err(e) = self.engine.store().mark_sent(std::slice::from_ref(&job.key), &self.me, now).await {
            tracing::error!(error = %e, reminder = %job.logged, "posted but not recorded; a retry will look for it first");
        }
        self.finished(job, |s| {
            s.sent += 1;
            s.late += u64::from(job.late);
            if s.lateness_ms.len() == LATENESS_SAMPLES {
                s.lateness_ms.remove(0);
            }
            s.lateness_ms.push(lateness);
        });
    }

    /// The person does not take direct messages from the bot: not retried, and nothing more
    /// planned for them until they talk to the bot.
    async fn unreachable(&self, job: &Job, reason: &str, now: DateTime<Utc>) {
        tracing::warn!(reminder = %job.logged, %reason, "person unreachable; no more personal messages until they write");
        self.engine.metrics().error("unreachable");
        let store = self.engine.store();
        if let (Some(user), Some(platform)) = (job.target.person(), job.target.platform()) {
            if let Err(e) = store.mark_unreachable(platform, user, now).await {
                tracing::error!(error = %e, "could not record the person unreachable");
            }
            self.engine.unreachable(platform, user);
        }
        if let Err(e) =
            store.mark_failed(std::slice::from_ref(&job.key), &self.me, &format!("unreachable: {reason}"), now).await
        {
            tracing::error!(error = %e, "could not record the failure");
        }
        self.finished(job, |s| s.failed += 1);
        self.engine.notify_changed();
    }

    /// A reminder of a meeting that has begun is noise: recorded missed, never posted.
    async fn too_late(&self, job: &Job, now: DateTime<Utc>) {
        tracing::warn!(reminder = %job.logged, "reminder missed: its meeting started before it could go out");
        let keys = [job.key.clone()];
        if let Err(e) = self.engine.store().mark_missed_held(&keys, &self.me, super::triage::STARTED, now).await {
            tracing::error!(error = %e, "could not record the missed reminder; its lease will expire");
        }
        self.engine.metrics().reminders_missed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.finished(job, |s| s.missed += 1);
    }

    /// Gives the reminder back to be claimed again at `retry_at`; `this_may_have_posted` says
    /// whether this attempt may have reached the platform (earlier ones count too).
    async fn retry_later(&self, job: &Job, retry_at: DateTime<Utc>, now: DateTime<Utc>, this_may_have_posted: bool) {
        let nothing_sent = !this_may_have_posted && job.attempt == 1;
        let key = std::slice::from_ref(&job.key);
        if let Err(e) = self.engine.store().release(key, &self.me, retry_at, now, nothing_sent).await {
            tracing::error!(error = %e, "could not schedule the retry; the lease will expire");
        }
        self.done.lock().unwrap_or_else(|p| p.into_inner()).remove(&job.key);
        self.finished(job, |_| {});
        self.retry.notify_one();
    }

    /// A delivery is over: no longer sending, no longer in flight, and `count` it. Its slot
    /// on the platform is given back when the job is dropped, as the delivery's task ends.
    fn finished(&self, job: &Job, count: impl FnOnce(&mut Status)) {
        self.sending.lock().unwrap_or_else(|p| p.into_inner()).remove(&job.key);
        self.status.send_modify(|s| {
            s.in_flight = s.in_flight.saturating_sub(1);
            count(s);
        });
    }
}
