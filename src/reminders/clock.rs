//! Time for the scheduler: the system clock in production, a hand-moved clock in tests, and
//! either corrected to the database's clock when several processes share one.
//!
//! The scheduler asks "what time is it" and "wake me at T" only through [`Clock`], so a test
//! can put it a second before a reminder, check nothing was sent, move it to the instant, and
//! check it was, without ever sleeping against the wall clock.
//!
//! Timers are monotonic while reminders are due at wall-clock instants: a wall clock stepped
//! by NTP, or a host that suspends (a laptop lid, a paused VM, whose monotonic clock stops),
//! would leave a long timer sleeping past its instant. So no sleep lasts longer than
//! [`CHECK_EVERY`]: the wall clock is read again at least once a minute. That costs one
//! `clock_gettime`, not a database query.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, Utc};
use futures_util::future::BoxFuture;
use tokio::sync::watch;

/// The longest a wall-clock sleep trusts the monotonic timer before reading the wall clock
/// again.
pub const CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// Where the scheduler gets the time.
pub trait Clock: Send + Sync + 'static {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
    /// Resolves at (or just after) `t`.
    fn sleep_until(&self, t: DateTime<Utc>) -> BoxFuture<'static, ()>;
    /// True when this clock is the machine's and so may disagree with the database server's:
    /// the scheduler then measures the difference and corrects for it. A hand-moved test
    /// clock is the whole test's time, the database's included.
    fn may_drift(&self) -> bool {
        true
    }
}

/// Sleeps until the wall clock `now()` reads `t`, trusting the monotonic timer for at most
/// [`CHECK_EVERY`] at a time, so a stepped clock or a suspended host is noticed within a
/// minute.
fn sleep_on_wall(now: impl Fn() -> DateTime<Utc> + Send + 'static, t: DateTime<Utc>) -> BoxFuture<'static, ()> {
    Box::pin(async move {
        loop {
            let left = t - now();
            if left <= Duration::zero() {
                return;
            }
            tokio::time::sleep(left.to_std().unwrap_or_default().min(CHECK_EVERY)).await;
        }
    })
}

/// The machine's clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn sleep_until(&self, t: DateTime<Utc>) -> BoxFuture<'static, ()> {
        sleep_on_wall(Utc::now, t)
    }
}

/// A wall clock that can be stepped, as NTP or a resumed host steps a real one: the machine's
/// time when it was made, moving on with the runtime's monotonic clock, plus an offset that
/// can change at any moment without waking anyone. For tests of skewed and stepped clocks
/// that sleep the way [`SystemClock`] does (and, under tokio's paused time, move with it).
#[derive(Clone, Debug)]
pub struct SteppedClock {
    start: DateTime<Utc>,
    since: tokio::time::Instant,
    offset_ms: Arc<AtomicI64>,
}

impl SteppedClock {
    /// The machine's clock, `offset` ahead (behind when negative).
    pub fn new(offset: Duration) -> SteppedClock {
        SteppedClock {
            start: Utc::now(),
            since: tokio::time::Instant::now(),
            offset_ms: Arc::new(AtomicI64::new(offset.num_milliseconds())),
        }
    }

    /// Steps the clock by `d` (back when negative); sleepers notice within [`CHECK_EVERY`].
    pub fn step(&self, d: Duration) {
        self.offset_ms.fetch_add(d.num_milliseconds(), Ordering::SeqCst);
    }

    fn read(start: DateTime<Utc>, since: tokio::time::Instant, offset: &AtomicI64) -> DateTime<Utc> {
        let elapsed = Duration::from_std(since.elapsed()).unwrap_or_default();
        start + elapsed + Duration::milliseconds(offset.load(Ordering::SeqCst))
    }
}

impl Clock for SteppedClock {
    fn now(&self) -> DateTime<Utc> {
        Self::read(self.start, self.since, &self.offset_ms)
    }

    fn sleep_until(&self, t: DateTime<Utc>) -> BoxFuture<'static, ()> {
        let (start, since, offset) = (self.start, self.since, Arc::clone(&self.offset_ms));
        sleep_on_wall(move || Self::read(start, since, &offset), t)
    }
}

/// A clock that moves only when told to, forwards or back.
#[derive(Clone)]
pub struct ManualClock {
    now: Arc<watch::Sender<DateTime<Utc>>>,
    /// The instants sleepers wait for, so a test can move time once the code it checks is
    /// waiting (rather than guessing how long it takes to get there).
    waits: Arc<std::sync::Mutex<Vec<DateTime<Utc>>>>,
}

/// Takes a sleeper's instant off the list when its sleep ends or is dropped.
struct Waiting {
    waits: Arc<std::sync::Mutex<Vec<DateTime<Utc>>>>,
    t: DateTime<Utc>,
}

impl Drop for Waiting {
    fn drop(&mut self) {
        let mut waits = self.waits.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(i) = waits.iter().position(|w| *w == self.t) {
            waits.swap_remove(i);
        }
    }
}

impl ManualClock {
    /// A clock stopped at `start`.
    pub fn new(start: DateTime<Utc>) -> ManualClock {
        ManualClock { now: Arc::new(watch::Sender::new(start)), waits: Arc::default() }
    }

    /// Whether something sleeps until exactly `t`.
    pub fn waits_for(&self, t: DateTime<Utc>) -> bool {
        self.waits.lock().unwrap_or_else(|p| p.into_inner()).contains(&t)
    }

    /// Moves the clock to `t`, waking every sleeper whose time has come. Moving it back wakes
    /// nobody, as with a wall clock stepped back.
    pub fn set(&self, t: DateTime<Utc>) {
        self.now.send_if_modified(|now| {
            let forward = t > *now;
            *now = t;
            forward
        });
    }

    /// Moves the clock forward by `d` (back when negative).
    pub fn advance(&self, d: Duration) {
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
        self.waits.lock().unwrap_or_else(|p| p.into_inner()).push(t);
        let waiting = Waiting { waits: Arc::clone(&self.waits), t };
        Box::pin(async move {
            let _waiting = waiting;
            // Only fails if the clock is dropped, and then nobody will ever wake us.
            let _ = rx.wait_for(|now| *now >= t).await;
        })
    }

    fn may_drift(&self) -> bool {
        false
    }
}

/// A local clock corrected by its measured offset from the database server's clock, so that
/// every process sharing a database agrees on claim and lease instants and on when a reminder
/// is due, whatever their own clocks say: a process whose clock runs ahead never posts early.
pub struct DatabaseTime {
    local: Arc<dyn Clock>,
    offset_ms: AtomicI64,
}

impl DatabaseTime {
    /// `local`, not yet corrected.
    pub fn new(local: Arc<dyn Clock>) -> DatabaseTime {
        DatabaseTime { local, offset_ms: AtomicI64::new(0) }
    }

    /// Records the database's reading `db`, taken between local readings `before` and
    /// `after`. The database read its clock somewhere in that round trip; taking the latest
    /// moment it could have been (`after`) makes the corrected clock never run ahead of the
    /// database's, so nothing is posted early however long the round trip (a thousand groups'
    /// schedulers waiting for a pooled connection made it tens of milliseconds, and the middle
    /// of it posted reminders up to 75 ms early); at worst a post is as late as the round
    /// trip was long. Does nothing for a clock that cannot drift.
    pub fn measured(&self, before: DateTime<Utc>, db: DateTime<Utc>, after: DateTime<Utc>) {
        if !self.local.may_drift() {
            return;
        }
        let _ = before;
        let offset = (db - after).num_milliseconds();
        let old = self.offset_ms.swap(offset, Ordering::SeqCst);
        if (offset - old).abs() >= 1000 {
            tracing::warn!(
                offset_ms = offset,
                "this machine's clock differs from the database's; following the database"
            );
        }
    }

    /// The current correction: database time minus local time.
    pub fn offset(&self) -> Duration {
        Duration::milliseconds(self.offset_ms.load(Ordering::SeqCst))
    }

    /// The uncorrected local clock, for measuring.
    pub fn local(&self) -> &Arc<dyn Clock> {
        &self.local
    }
}

impl Clock for DatabaseTime {
    fn now(&self) -> DateTime<Utc> {
        self.local.now() + self.offset()
    }

    fn sleep_until(&self, t: DateTime<Utc>) -> BoxFuture<'static, ()> {
        self.local.sleep_until(t - self.offset())
    }

    fn may_drift(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn resolved(f: &mut BoxFuture<'static, ()>) -> bool {
        tokio::time::timeout(std::time::Duration::ZERO, f).await.is_ok()
    }

    /// A wall clock stepped forward an hour while the scheduler sleeps for two: it wakes
    /// within a minute of the step, not an hour late.
    #[tokio::test(start_paused = true)]
    async fn a_clock_stepped_forward_is_noticed_within_a_minute() {
        let clock = SteppedClock::new(Duration::zero());
        let mut sleep = clock.sleep_until(clock.now() + Duration::hours(2));
        tokio::time::advance(std::time::Duration::from_secs(30 * 60)).await;
        assert!(!resolved(&mut sleep).await);
        // The wall clock jumps to five minutes past the instant (NTP, or a resumed laptop).
        clock.step(Duration::minutes(95));
        tokio::time::advance(CHECK_EVERY).await;
        assert!(resolved(&mut sleep).await, "woke within a minute of the step");
    }

    /// Stepped back an hour: the instant is an hour further away in wall time, and the sleep
    /// lasts until the wall clock reaches it, not until the timer set earlier fires.
    #[tokio::test(start_paused = true)]
    async fn a_clock_stepped_back_does_not_wake_early() {
        let clock = SteppedClock::new(Duration::zero());
        let mut sleep = clock.sleep_until(clock.now() + Duration::minutes(10));
        clock.step(Duration::hours(-1));
        tokio::time::advance(std::time::Duration::from_secs(11 * 60)).await;
        assert!(!resolved(&mut sleep).await, "not at the old instant");
        tokio::time::advance(std::time::Duration::from_secs(60 * 60)).await;
        assert!(resolved(&mut sleep).await, "at the instant on the stepped clock");
    }

    #[test]
    fn database_time_corrects_a_clock_that_runs_ahead() {
        let ahead = Arc::new(SteppedClock::new(Duration::seconds(5)));
        let time = DatabaseTime::new(ahead.clone());
        let local = ahead.now();
        time.measured(local, local - Duration::seconds(5), local + Duration::milliseconds(2));
        let off = (time.now() - Utc::now()).num_milliseconds().abs();
        assert!(off < 100, "corrected to the database's clock, {off} ms off");
    }

    /// The database read its clock at the very start of a long round trip (a thousand
    /// groups' schedulers queueing for a pooled connection): whenever in the round trip it
    /// read it, the corrected clock is not ahead of the database's, so nothing goes early.
    #[test]
    fn a_long_round_trip_never_puts_the_clock_ahead_of_the_database() {
        let local = Arc::new(SteppedClock::new(Duration::zero()));
        let time = DatabaseTime::new(local.clone());
        let before = local.now();
        let after = before + Duration::milliseconds(150);
        for read_at in [before, before + Duration::milliseconds(75), after] {
            time.measured(before, read_at, after);
            // The database's own time at the moment `after` is `after` (same clocks here).
            let ahead_by = (after + time.offset() - after).num_milliseconds();
            assert!(ahead_by <= 0, "read at {read_at}: ahead of the database by {ahead_by} ms");
        }
    }

    #[test]
    fn a_hand_moved_clock_is_not_corrected() {
        let t = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let time = DatabaseTime::new(Arc::new(ManualClock::new(t)));
        time.measured(t, Utc::now(), t);
        assert_eq!(time.now(), t);
    }
}
