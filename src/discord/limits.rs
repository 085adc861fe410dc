//! Discord's rate limits for the posts the bot makes by itself (reminders): each channel's
//! bucket as Discord reports it in the `X-RateLimit-*` headers, and the global limit a 429
//! can announce. A post waits for its bucket rather than be refused, and after a 429 nothing
//! goes to that bucket (or anywhere, for a global one) before `retry_after` has passed:
//! Discord bans clients that keep sending into a limit.
//!
//! Posts to one channel go one at a time (the previous answer's headers say whether the next
//! may go), and no more than 50 a second go in all, Discord's global limit: each request
//! reserves its own moment, a fiftieth of a second (and a little) after the one before, so a
//! burst of thousands is spread evenly instead of crowding the start of each second.
//!
//! serenity's own rate limiter does this for its requests, but it cannot talk to a proxy
//! (`DISCORD_API_BASE`), so reminder posts keep their own, and behave the same either way.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

/// The longest wait for a bucket inside one send; longer, and the send gives the reminder
/// back to the scheduler to retry at the right time.
pub const WAIT_AT_MOST: Duration = Duration::from_secs(5);

/// Requests a second in all, Discord's global limit for a bot.
pub const GLOBAL_PER_SECOND: u32 = 50;

/// The time between two requests: a fiftieth of a second and 2 % more, so that no window of
/// one second Discord may count holds more than 50 even when requests arrive unevenly.
pub const SPACING: Duration = Duration::from_micros(1_000_000 / GLOBAL_PER_SECOND as u64 * 102 / 100);

#[derive(Clone, Copy, Debug)]
struct Window {
    remaining: u32,
    reset: Instant,
}

/// The buckets this process knows, by channel.
#[derive(Default)]
pub struct RateLimits {
    buckets: Mutex<HashMap<u64, Window>>,
    global_until: Mutex<Option<Instant>>,
    /// The moment the next request may go, by the global limit.
    next_slot: Mutex<Option<Instant>>,
    /// One request at a time per channel.
    turns: Mutex<HashMap<u64, Arc<tokio::sync::Mutex<()>>>>,
}

impl RateLimits {
    /// `channel`'s turn: held while a request to it is out.
    pub fn turn(&self, channel: u64) -> Arc<tokio::sync::Mutex<()>> {
        Arc::clone(self.turns.lock().unwrap_or_else(|p| p.into_inner()).entry(channel).or_default())
    }

    /// How long a request to `channel` must wait for its bucket or a global 429 (zero when it
    /// may take its turn).
    pub fn wait_for(&self, channel: u64) -> Duration {
        let now = Instant::now();
        let global =
            self.global_until.lock().unwrap_or_else(|p| p.into_inner()).map(|t| t.saturating_duration_since(now));
        let bucket = self
            .buckets
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&channel)
            .filter(|w| w.remaining == 0)
            .map(|w| w.reset.saturating_duration_since(now));
        global.unwrap_or_default().max(bucket.unwrap_or_default())
    }

    /// Takes one request from `channel`'s bucket, as far as this process knows it, and
    /// reserves the next global moment: the request goes after the returned wait.
    pub fn take(&self, channel: u64) -> Duration {
        let now = Instant::now();
        let wait = {
            let mut next = self.next_slot.lock().unwrap_or_else(|p| p.into_inner());
            let slot = next.map_or(now, |t| t.max(now));
            *next = Some(slot + SPACING);
            slot - now
        };
        if let Some(w) = self.buckets.lock().unwrap_or_else(|p| p.into_inner()).get_mut(&channel)
            && w.reset > Instant::now()
        {
            w.remaining = w.remaining.saturating_sub(1);
        }
        wait
    }

    /// Records what a response's headers say about `channel`'s bucket.
    pub fn update(&self, channel: u64, headers: &reqwest::header::HeaderMap) {
        let number = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<f64>().ok());
        if let (Some(remaining), Some(after)) = (number("x-ratelimit-remaining"), number("x-ratelimit-reset-after")) {
            let window = Window { remaining: remaining.max(0.0) as u32, reset: Instant::now() + seconds(after) };
            self.buckets.lock().unwrap_or_else(|p| p.into_inner()).insert(channel, window);
        }
    }

    /// Records a 429: nothing to `channel` (or anywhere, when `global`) for `retry_after`.
    pub fn limited(&self, channel: u64, retry_after: Duration, global: bool) {
        let until = Instant::now() + retry_after;
        if global {
            let mut g = self.global_until.lock().unwrap_or_else(|p| p.into_inner());
            *g = Some(g.map_or(until, |t| t.max(until)));
        } else {
            self.buckets
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(channel, Window { remaining: 0, reset: until });
        }
    }
}

/// Seconds as Discord writes them (a float), bounded to an hour.
pub fn seconds(s: f64) -> Duration {
    // A value that is no number (NaN) would panic below: a second, as when none is given.
    if !s.is_finite() {
        return Duration::from_secs(1);
    }
    Duration::from_secs_f64(s.clamp(0.0, 3600.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_that_is_no_number_is_a_second_not_a_panic() {
        assert_eq!(seconds(f64::NAN), Duration::from_secs(1));
        assert_eq!(seconds(f64::INFINITY), Duration::from_secs(1));
        assert_eq!(seconds(1e9), Duration::from_secs(3600));
    }

    fn headers(remaining: &str, reset_after: &str) -> reqwest::header::HeaderMap {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("x-ratelimit-remaining", remaining.parse().unwrap());
        h.insert("x-ratelimit-reset-after", reset_after.parse().unwrap());
        h
    }

    #[tokio::test(start_paused = true)]
    async fn an_empty_bucket_waits_for_its_reset_and_a_global_limit_stops_every_channel() {
        let limits = RateLimits::default();
        assert_eq!(limits.wait_for(1), Duration::ZERO, "unknown buckets may go");
        limits.update(1, &headers("1", "2.5"));
        assert_eq!(limits.wait_for(1), Duration::ZERO);
        assert_eq!(limits.take(1), Duration::ZERO, "the first request goes at once");
        assert_eq!(limits.wait_for(1), Duration::from_millis(2500), "the last one taken: wait for the reset");
        assert_eq!(limits.wait_for(2), Duration::ZERO, "other channels are not affected");
        tokio::time::advance(Duration::from_secs(3)).await;
        assert_eq!(limits.wait_for(1), Duration::ZERO);
        limits.limited(2, Duration::from_secs(1), false);
        assert_eq!(limits.wait_for(2), Duration::from_secs(1));
        limits.limited(9, Duration::from_secs(4), true);
        assert_eq!(limits.wait_for(1), Duration::from_secs(4), "a global limit holds every channel");
    }

    #[tokio::test(start_paused = true)]
    async fn requests_are_spread_at_fifty_a_second() {
        let limits = RateLimits::default();
        let waits: Vec<Duration> = (0..100).map(|i| limits.take(i)).collect();
        assert_eq!(waits[0], Duration::ZERO);
        assert_eq!(waits[1], SPACING);
        // No second holds more than 50: the 51st goes a second or more after the first.
        assert!(waits[50] >= Duration::from_secs(1), "{:?}", waits[50]);
        assert!(waits[99] < Duration::from_millis(2100), "{:?}", waits[99]);
    }
}
