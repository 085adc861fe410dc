//! The long-running bot: the engine, the reminder scheduler, the content watcher and the
//! chat platforms, started together and stopped together on SIGTERM or Ctrl-C.
//!
//! - [`Running`] starts everything `convoca run` is configured for and stops it in order.
//! - [`Service`] is the platform-free part: the scheduler, the content watcher and the daily
//!   erasure of personal data past its time ([`retention`]).
//! - [`Signals`] listens for SIGTERM and Ctrl-C from the first moment.

mod groups;
pub mod retention;
mod running;
mod signals;

pub use running::{Running, StartError};
pub use signals::Signals;

use std::sync::Arc;

use tokio::sync::watch;

use crate::content::watch::{EVERY, fingerprint};
use crate::engine::{Engine, Organization};
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
    /// Starts every group's scheduler (posting through `senders`) and daily erasure, and the
    /// content watcher, each watched by `supervisor`: restarted if it dies. Groups added
    /// while the bot runs get theirs, groups removed stop.
    pub fn start(org: &Organization, senders: Senders, clock: Arc<dyn Clock>, supervisor: &Tasks) -> Service {
        let (stop, stop_rx) = watch::channel(false);
        // Other processes may change subscriptions or the calendar (another bot on the same
        // PostgreSQL, `convoca ask --organizer` beside this one): look every minute.
        let config = SchedulerConfig { refresh: Some(chrono::Duration::minutes(1)), ..SchedulerConfig::default() };
        let per_group = Arc::new(groups::PerGroup::new(org, senders, clock, config));
        // The first group's, for health and tests: a deployment of one group has only it.
        let status = per_group.scheduler(org.any()).status();
        let mut tasks = tokio::task::JoinSet::new();
        let rx = stop_rx.clone();
        let run = supervisor.supervise("scheduler", stop_rx.clone(), move || Arc::clone(&per_group).run(rx.clone()));
        tasks.spawn(async move {
            let _ = run.await;
        });
        let (o, rx) = (org.clone(), stop_rx.clone());
        let watcher = supervisor.supervise("content watcher", stop_rx, move || watch_content(o.clone(), rx.clone()));
        tasks.spawn(async move {
            let _ = watcher.await;
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

/// Reloads the content when its files change. A group whose edit is broken is logged with
/// its file and line and keeps answering from its last good content; the other groups take
/// their edits.
async fn watch_content(org: Organization, mut stop: watch::Receiver<bool>) {
    let dir = org.dir().to_path_buf();
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
        log_reload(&dir, &org.reload(), &org);
    }
}

/// What a reload did, in the log.
fn log_reload(dir: &std::path::Path, done: &crate::engine::Reloaded, org: &Organization) {
    for id in &done.added {
        tracing::info!(group = %id, "a new group's content loaded: it answers and reminds from now on");
    }
    for id in &done.removed {
        tracing::info!(group = %id, "a group's folder is gone: it no longer answers");
    }
    if !done.changed.is_empty() {
        tracing::info!(dir = %dir.display(), groups = done.changed.len(), "content reloaded");
    }
    for (group, errors) in org.stale() {
        for e in &errors.0 {
            tracing::error!("{e}");
        }
        match group {
            Some(g) => {
                tracing::error!(group = %g, "content has errors; this group still answers from its last good version")
            }
            None => tracing::error!(dir = %dir.display(), "the content root has errors; nothing was reloaded"),
        }
    }
}
