//! The long-running bot: the engine, the reminder scheduler, the content watcher and the
//! chat platforms, started together and stopped together on SIGTERM or Ctrl-C.
//!
//! - [`Running`] starts everything `convoca run` is configured for and stops it in order.
//! - [`Service`] is the platform-free part: the scheduler, the content watcher and the daily
//!   erasure of personal data past its time ([`retention`]).
//! - [`Signals`] listens for SIGTERM and Ctrl-C from the first moment.

pub mod retention;
mod running;
mod signals;

pub use running::{Running, StartError};
pub use signals::Signals;

use std::sync::Arc;

use tokio::sync::watch;

use crate::content::watch::{EVERY, fingerprint};
use crate::engine::Engine;
use crate::reminders::{Clock, Scheduler, SchedulerConfig, Senders};
use crate::supervisor::Tasks;

/// The parts of a running bot, for whoever started it to stop them.
pub struct Service {
    stop: watch::Sender<bool>,
    tasks: tokio::task::JoinSet<()>,
    /// The scheduler's status, for health checks and metrics.
    pub scheduler: watch::Receiver<crate::reminders::Status>,
}

impl Service {
    /// Starts the scheduler (posting through `senders`) and the content watcher, each
    /// watched by `supervisor`: restarted if it dies.
    pub fn start(engine: &Engine, senders: Senders, clock: Arc<dyn Clock>, supervisor: &Tasks) -> Service {
        let (stop, stop_rx) = watch::channel(false);
        // Other processes may change subscriptions or the calendar (another bot on the same
        // PostgreSQL, `convoca ask --organizer` beside this one): look every minute.
        let config = SchedulerConfig { refresh: Some(chrono::Duration::minutes(1)), ..SchedulerConfig::default() };
        let scheduler = Scheduler::new(engine.clone(), senders, clock, config);
        let status = scheduler.status();
        let mut tasks = tokio::task::JoinSet::new();
        let rx = stop_rx.clone();
        let run = supervisor.supervise("scheduler", stop_rx.clone(), move || scheduler.clone().run(rx.clone()));
        tasks.spawn(async move {
            let _ = run.await;
        });
        let (e, rx) = (engine.clone(), stop_rx.clone());
        let watcher =
            supervisor.supervise("content watcher", stop_rx.clone(), move || watch_content(e.clone(), rx.clone()));
        tasks.spawn(async move {
            let _ = watcher.await;
        });
        let (e, rx) = (engine.clone(), stop_rx.clone());
        let erasure = supervisor.supervise("retention", stop_rx, move || retention::daily(e.clone(), rx.clone()));
        tasks.spawn(async move {
            let _ = erasure.await;
        });
        Service { stop, tasks, scheduler: status }
    }

    /// A receiver that turns true when the service stops.
    pub fn stopping(&self) -> watch::Receiver<bool> {
        self.stop.subscribe()
    }

    /// Stops everything and waits for it: the scheduler gives posts under way five seconds to
    /// finish, leaves those that do not to their lease, and releases what it claimed but had
    /// not begun to send.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        while self.tasks.join_next().await.is_some() {}
    }
}

/// One pass of the scheduler with the terminal as its only platform, for `convoca ask`:
/// whatever is due now (an offer of a place just freed) is printed, and the pass is
/// recorded like any other, so the bot does not send it again.
pub async fn one_pass(engine: &Engine) {
    let senders = Senders::new().with(&crate::console::ABILITIES, Arc::new(crate::console::ConsoleSender));
    let scheduler =
        Scheduler::new(engine.clone(), senders, Arc::new(crate::reminders::SystemClock), SchedulerConfig::default());
    let mut status = scheduler.status();
    let (stop, rx) = watch::channel(false);
    let task = tokio::spawn(scheduler.run(rx));
    let passed = status.wait_for(|s| s.sleeping_until.is_some() && s.in_flight == 0);
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), passed).await;
    let _ = stop.send(true);
    let _ = task.await;
}

/// Reloads the content when its files change. A broken edit is logged with its file and line
/// and the bot keeps answering from the last good content.
async fn watch_content(engine: Engine, mut stop: watch::Receiver<bool>) {
    let dir = engine.content().dir().to_path_buf();
    let mut seen = fingerprint(&dir);
    loop {
        tokio::select! {
            _ = tokio::time::sleep(EVERY) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
        let now = fingerprint(&dir);
        if now == seen {
            continue;
        }
        seen = now;
        match engine.content().reload() {
            Ok(_) => {
                tracing::info!(dir = %dir.display(), "content reloaded");
                engine.notify_changed();
            }
            Err(errors) => {
                for e in &errors.0 {
                    tracing::error!("{e}");
                }
                tracing::error!(dir = %dir.display(), "content has errors; still answering from the last good version");
            }
        }
    }
}
