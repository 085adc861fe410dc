//! The bot's long-running tasks (the reminder scheduler, the content watcher, the Matrix sync,
//! the Discord gateway, the scheduled-event sync), watched so that none dies silently.
//!
//! A supervised task that panics or ends while the bot is not stopping is logged, counted,
//! shown as down by `/healthz` (503) and restarted after a backoff that doubles from one
//! second to a minute (and starts again at one second once a run has lasted ten minutes).

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::AbortHandle;

/// The first wait before a restart.
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
/// The longest wait before a restart.
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// A run this long counts as healthy: the next failure waits `FIRST_BACKOFF` again.
const HEALTHY_RUN: Duration = Duration::from_secs(600);

/// One task's standing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TaskState {
    /// True while it runs.
    pub up: bool,
    /// Times it died and was restarted.
    pub restarts: u64,
    /// Why it last died.
    pub last_failure: Option<String>,
}

#[derive(Default)]
struct Inner {
    states: BTreeMap<&'static str, TaskState>,
    running: BTreeMap<&'static str, AbortHandle>,
}

/// The supervised tasks, shared by whoever starts them and by `/healthz` and `/metrics`.
#[derive(Clone, Default)]
pub struct Tasks {
    inner: Arc<Mutex<Inner>>,
    changed: Arc<watch::Sender<u64>>,
}

impl Tasks {
    /// No tasks yet.
    pub fn new() -> Tasks {
        Tasks::default()
    }

    /// Runs `make()` as the task `name` until `stop` turns true, restarting it with backoff
    /// whenever it panics or ends before that. The returned handle ends once the task has
    /// stopped (it is expected to watch `stop` itself and wind down).
    pub fn supervise<F, Fut>(
        &self,
        name: &'static str,
        mut stop: watch::Receiver<bool>,
        mut make: F,
    ) -> tokio::task::JoinHandle<()>
    where
        F: FnMut() -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let tasks = self.clone();
        tokio::spawn(async move {
            let mut backoff = FIRST_BACKOFF;
            loop {
                let started = tokio::time::Instant::now();
                let run = tokio::spawn(make());
                tasks.update(name, |s| s.up = true, Some(run.abort_handle()));
                let outcome = run.await;
                if *stop.borrow() {
                    tasks.update(name, |s| s.up = false, None);
                    return;
                }
                let why = match outcome {
                    Ok(()) => "it ended".to_string(),
                    Err(e) if e.is_panic() => format!("it panicked: {}", panic_message(e.into_panic())),
                    Err(_) => "it was stopped".to_string(),
                };
                if started.elapsed() >= HEALTHY_RUN {
                    backoff = FIRST_BACKOFF;
                }
                tracing::error!(task = name, reason = %why, restart_in_s = backoff.as_secs(), "a task died; restarting it");
                tasks.update(
                    name,
                    |s| {
                        s.up = false;
                        s.restarts += 1;
                        s.last_failure = Some(why.clone());
                    },
                    None,
                );
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = stop.wait_for(|s| *s) => return,
                }
                backoff = (backoff * 2).min(MAX_BACKOFF);
                tracing::info!(task = name, "restarting a task");
            }
        })
    }

    /// Every task by name, with its standing.
    pub fn states(&self) -> BTreeMap<&'static str, TaskState> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).states.clone()
    }

    /// Follows changes of standing (for tests and health checks that wait).
    pub fn changes(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    /// The fault hook: aborts the task `name` as if it had died, to test that it is noticed
    /// and restarted. Only code linked with this library can call it: no HTTP route and no
    /// chat command does. Returns false when no such task runs.
    pub fn kill(&self, name: &str) -> bool {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        match inner.running.get(name) {
            Some(handle) => {
                handle.abort();
                true
            }
            None => false,
        }
    }

    fn update(&self, name: &'static str, f: impl FnOnce(&mut TaskState), running: Option<AbortHandle>) {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        f(inner.states.entry(name).or_default());
        match running {
            Some(handle) => {
                inner.running.insert(name, handle);
            }
            None => {
                inner.running.remove(name);
            }
        }
        drop(inner);
        self.changed.send_modify(|n| *n += 1);
    }
}

/// What a panic said, when it said it in text.
fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    async fn wait(tasks: &Tasks, f: impl Fn(&TaskState) -> bool) -> TaskState {
        let mut changes = tasks.changes();
        loop {
            if let Some(s) = tasks.states().get("t").filter(|s| f(s)) {
                return s.clone();
            }
            changes.changed().await.unwrap();
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_task_that_panics_is_restarted_with_growing_backoff_and_stops_on_request() {
        let tasks = Tasks::new();
        let (stop, rx) = watch::channel(false);
        let runs = Arc::new(AtomicU32::new(0));
        let r = Arc::clone(&runs);
        let handle = tasks.supervise("t", rx.clone(), move || {
            let n = r.fetch_add(1, Ordering::SeqCst);
            let mut rx = rx.clone();
            async move {
                if n < 2 {
                    panic!("run {n} failed");
                }
                let _ = rx.wait_for(|s| *s).await;
            }
        });
        let s = wait(&tasks, |s| !s.up && s.restarts == 1).await;
        assert_eq!(s.last_failure.as_deref(), Some("it panicked: run 0 failed"));
        let down_at = tokio::time::Instant::now();
        let s = wait(&tasks, |s| s.up && s.restarts == 2).await;
        assert!(s.up);
        // One second, then two: the third run stays up.
        assert!(tokio::time::Instant::now() - down_at >= Duration::from_secs(3));
        assert_eq!(runs.load(Ordering::SeqCst), 3);
        stop.send(true).unwrap();
        handle.await.unwrap();
        assert!(!tasks.states()["t"].up);
        assert_eq!(tasks.states()["t"].restarts, 2, "stopping is not a death");
    }

    #[tokio::test(start_paused = true)]
    async fn a_killed_task_is_down_until_it_is_back() {
        let tasks = Tasks::new();
        let (_stop, rx) = watch::channel(false);
        let _handle = tasks.supervise("t", rx, std::future::pending::<()>);
        wait(&tasks, |s| s.up).await;
        assert!(tasks.kill("t"));
        assert!(!tasks.kill("nothing"));
        let s = wait(&tasks, |s| !s.up).await;
        assert_eq!(s.last_failure.as_deref(), Some("it was stopped"));
        wait(&tasks, |s| s.up && s.restarts == 1).await;
    }
}
