//! Each group's own long-running tasks: its reminder scheduler and its daily erasure of
//! personal data past its time. Started for every group at start and for each group added
//! while the bot runs; stopped (posts under way finish first) for each group removed.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::engine::{Engine, Organization};
use crate::group_id::GroupId;
use crate::reminders::{Clock, Scheduler, SchedulerConfig, Senders};

/// What every group's tasks are made from.
pub(super) struct PerGroup {
    org: Organization,
    senders: Senders,
    clock: Arc<dyn Clock>,
    config: SchedulerConfig,
    /// Each group's scheduler, made once: a run of [`PerGroup::run`] restarted by the
    /// supervisor runs the same ones again (their status receivers stay valid).
    schedulers: Mutex<BTreeMap<GroupId, Scheduler>>,
}

/// A group's tasks while they run.
struct Running {
    stop: watch::Sender<bool>,
    tasks: JoinSet<()>,
}

impl PerGroup {
    pub(super) fn new(
        org: &Organization,
        senders: Senders,
        clock: Arc<dyn Clock>,
        config: SchedulerConfig,
    ) -> PerGroup {
        PerGroup { org: org.clone(), senders, clock, config, schedulers: Mutex::new(BTreeMap::new()) }
    }

    /// The scheduler of `engine`'s group, made the first time.
    pub(super) fn scheduler(&self, engine: &Engine) -> Scheduler {
        let mut all = self.schedulers.lock().unwrap_or_else(|p| p.into_inner());
        all.entry(engine.group().clone())
            .or_insert_with(|| {
                Scheduler::new(engine.clone(), self.senders.clone(), Arc::clone(&self.clock), self.config)
            })
            .clone()
    }

    /// Runs every group's tasks until `stop` turns true, following the groups as the content
    /// changes; then stops them all and waits for them.
    pub(super) async fn run(self: Arc<Self>, mut stop: watch::Receiver<bool>) {
        let mut changed = self.org.watch_groups();
        let mut running: BTreeMap<GroupId, Running> = BTreeMap::new();
        let mut stopping = JoinSet::new();
        stopping.spawn(super::retention::orphans_daily(self.org.clone(), stop.clone()));
        loop {
            self.follow(&mut running, &mut stopping);
            tokio::select! {
                gone = changed.changed() => if gone.is_err() { break },
                _ = stop.wait_for(|s| *s) => break,
            }
        }
        for (_, group) in std::mem::take(&mut running) {
            let _ = group.stop.send(true);
            stopping.spawn(wait(group.tasks));
        }
        while stopping.join_next().await.is_some() {}
    }

    /// Starts the tasks of groups that have none, and stops those of groups that are gone.
    fn follow(&self, running: &mut BTreeMap<GroupId, Running>, stopping: &mut JoinSet<()>) {
        let groups = self.org.groups();
        let gone: Vec<GroupId> = running.keys().filter(|id| !groups.contains_key(*id)).cloned().collect();
        for id in gone {
            if let Some(group) = running.remove(&id) {
                tracing::info!(group = %id, "a group's folder is gone: its reminders stop");
                let _ = group.stop.send(true);
                stopping.spawn(wait(group.tasks));
                self.schedulers.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
            }
        }
        for (id, engine) in groups.iter() {
            if running.contains_key(id) {
                continue;
            }
            let (stop, rx) = watch::channel(false);
            let mut tasks = JoinSet::new();
            tasks.spawn(self.scheduler(engine).run(rx.clone()));
            tasks.spawn(super::retention::daily(engine.clone(), rx));
            running.insert(id.clone(), Running { stop, tasks });
        }
    }
}

/// Waits for a group's tasks to end.
async fn wait(mut tasks: JoinSet<()>) {
    while tasks.join_next().await.is_some() {}
}
