//! Waiting for what another task or process makes true in its own time: polled, with a bound
//! generous enough for a loaded machine, failing the test with what was awaited. Never a
//! fixed sleep, never a bound tight enough to depend on the machine's speed.
#![allow(dead_code)]

use std::time::Duration;

/// How long most things may take.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// How often a condition is tried again.
const EVERY: Duration = Duration::from_millis(20);

/// Polls `check` until it gives `Some`, and returns that; fails the test naming `what` after
/// `within`.
pub async fn eventually<T>(what: &str, within: Duration, mut check: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(tokio::time::Instant::now() < deadline, "still waiting after {} s: {what}", within.as_secs());
        tokio::time::sleep(EVERY).await;
    }
}

/// Polls `check` until it holds; fails the test naming `what` after `within`.
pub async fn until(what: &str, within: Duration, mut check: impl AsyncFnMut() -> bool) {
    eventually(what, within, async || check().await.then_some(())).await
}
