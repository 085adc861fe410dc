//! Time for the scheduler: the system clock in production, a hand-moved clock in tests.
//!
//! The scheduler asks "what time is it" and "wake me at T" only through [`Clock`], so a test
//! can put it a second before a reminder, check nothing was sent, move it to the instant, and
//! check it was, without ever sleeping against the wall clock.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use tokio::sync::watch;

/// Where the scheduler gets the time.
pub trait Clock: Send + Sync + 'static {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
    /// Resolves at (or just after) `t`.
    fn sleep_until(&self, t: DateTime<Utc>) -> BoxFuture<'static, ()>;
}

/// The machine's clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn sleep_until(&self, t: DateTime<Utc>) -> BoxFuture<'static, ()> {
        Box::pin(async move {
            // A timer is monotonic while `t` is wall-clock time: if the wall clock is stepped
            // while we sleep (NTP), wake and sleep again for what is left.
            loop {
                let left = t - Utc::now();
                if left <= chrono::Duration::zero() {
                    return;
                }
                tokio::time::sleep(left.to_std().unwrap_or_default()).await;
            }
        })
    }
}

/// A clock that moves only when told to.
#[derive(Clone)]
pub struct ManualClock {
    now: Arc<watch::Sender<DateTime<Utc>>>,
}

impl ManualClock {
    /// A clock stopped at `start`.
    pub fn new(start: DateTime<Utc>) -> ManualClock {
        ManualClock { now: Arc::new(watch::Sender::new(start)) }
    }

    /// Moves the clock to `t` (never backwards), waking every sleeper whose time has come.
    pub fn set(&self, t: DateTime<Utc>) {
        self.now.send_if_modified(|now| {
            if t > *now {
                *now = t;
                true
            } else {
                false
            }
        });
    }

    /// Moves the clock forward by `d`.
    pub fn advance(&self, d: chrono::Duration) {
        let t = *self.now.borrow() + d;
        self.set(t);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.borrow()
    }

    fn sleep_until(&self, t: DateTime<Utc>) -> BoxFuture<'static, ()> {
        let mut rx = self.now.subscribe();
        Box::pin(async move {
            // Only fails if the clock is dropped, and then nobody will ever wake us.
            let _ = rx.wait_for(|now| *now >= t).await;
        })
    }
}
