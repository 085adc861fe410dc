//! How fast one person may ask: a bucket of commands per person that refills with time.
//!
//! A member who floods the bot gets one "slow down" and then nothing until the bucket has a
//! command in it again (on Matrix, where the bot answers in the room, more answers would be
//! more flood); on Discord, where every interaction must be answered, each over the limit gets
//! the short private "slow down". Everyone else is unaffected: buckets are per person.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// People tracked before idle ones (full buckets) are forgotten.
const TRACKED: usize = 1024;

/// How fast one person may ask: `burst` commands at once, then one more every `every`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FloodLimit {
    /// Commands in a burst; 0 for no limit.
    pub burst: u32,
    /// One more command every this long.
    pub every: Duration,
}

impl Default for FloodLimit {
    /// Eight at once, then one every three seconds: a person reading answers never reaches
    /// it, a script or a stuck key does.
    fn default() -> FloodLimit {
        FloodLimit { burst: 8, every: Duration::from_secs(3) }
    }
}

/// What to do with one command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admission {
    /// Answer it.
    Go,
    /// Over the limit: say "slow down" (the first time on Matrix, every time on Discord).
    SlowDown,
    /// Over the limit and already told: say nothing.
    Quiet,
}

#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
    told: bool,
}

/// The buckets, per platform and person.
pub struct Flood {
    limit: FloodLimit,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl Flood {
    /// No one has asked anything yet.
    pub fn new(limit: FloodLimit) -> Flood {
        Flood { limit, buckets: Mutex::default() }
    }

    /// Takes one command from the bucket of `who` (a person on one platform, as
    /// [`crate::chat::User::direct_target`] names them).
    pub fn admit(&self, who: &str) -> Admission {
        if self.limit.burst == 0 {
            return Admission::Go;
        }
        let now = Instant::now();
        let full = f64::from(self.limit.burst);
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= TRACKED {
            buckets.retain(|_, b| self.refilled(b, now) < full);
        }
        let bucket = buckets.entry(who.to_string()).or_insert(Bucket { tokens: full, at: now, told: false });
        bucket.tokens = self.refilled(bucket, now);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            bucket.told = false;
            Admission::Go
        } else if bucket.told {
            Admission::Quiet
        } else {
            bucket.told = true;
            Admission::SlowDown
        }
    }
}

impl Flood {
    /// The bucket's commands at `now`.
    fn refilled(&self, b: &Bucket, now: Instant) -> f64 {
        let gained = now.saturating_duration_since(b.at).as_secs_f64() / self.limit.every.as_secs_f64().max(0.001);
        (b.tokens + gained).min(f64::from(self.limit.burst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BURST: u32 = 8;
    const REFILL: Duration = Duration::from_secs(3);

    fn flood() -> Flood {
        Flood::new(FloodLimit { burst: BURST, every: REFILL })
    }

    #[tokio::test(start_paused = true)]
    async fn a_flood_gets_one_slow_down_then_silence_until_the_bucket_refills() {
        let flood = flood();
        let ask = || flood.admit("one:@bob:x");
        let burst: Vec<Admission> = (0..BURST).map(|_| ask()).collect();
        assert!(burst.iter().all(|a| *a == Admission::Go));
        assert_eq!(ask(), Admission::SlowDown);
        assert_eq!(ask(), Admission::Quiet);
        assert_eq!(ask(), Admission::Quiet);
        // Someone else is not affected.
        assert_eq!(flood.admit("one:@alice:x"), Admission::Go);
        assert_eq!(flood.admit("other:@bob:x"), Admission::Go, "the same id elsewhere is someone else");
        tokio::time::advance(REFILL).await;
        assert_eq!(ask(), Admission::Go, "one more after one refill");
        assert_eq!(ask(), Admission::SlowDown, "told again after a pause");
        tokio::time::advance(REFILL * BURST).await;
        assert!((0..BURST).all(|_| ask() == Admission::Go), "a full burst after a long pause");
    }

    #[test]
    fn no_limit_when_the_burst_is_zero() {
        let flood = Flood::new(FloodLimit { burst: 0, every: REFILL });
        assert!((0..1000).all(|_| flood.admit("1") == Admission::Go));
    }

    #[tokio::test(start_paused = true)]
    async fn idle_people_are_forgotten() {
        let flood = flood();
        for i in 0..TRACKED {
            flood.admit(&i.to_string());
        }
        tokio::time::advance(REFILL * BURST).await;
        flood.admit("new");
        assert_eq!(flood.buckets.lock().unwrap().len(), 1);
    }
}
