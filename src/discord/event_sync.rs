//! The task behind [`EventSync`]: a pass over each group's home servers whenever a calendar
//! changes, groups come or go, an occurrence starts or ends, or a few hours have gone by,
//! carrying out [`plan`]'s steps through Discord's REST API and retrying with backoff when
//! Discord refuses.
//!
//! Only servers a group holds whole get its events: a server's Events list is one for all
//! its channels, so the groups sharing a server in channels or categories get none there
//! (they would read as the server's, mixed with other groups'), and the log says so once.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use serenity::all::{CreateScheduledEvent, EditScheduledEvent, GuildId, Http, ScheduledEventType, Timestamp, UserId};

use super::homes::Homes;
use super::register::Changes;
use super::scheduled_events::{Existing, LEAD, Step, Wanted, plan, wanted};
use crate::group_id::GroupId;
use crate::reminders::Clock;
use crate::supervisor::Tasks;

/// A full pass runs at least this often, to put right what someone changed by hand.
const EVERY: Duration = Duration::hours(6);

/// Keeps the events of every group's servers in step, in the background.
pub struct EventSync {
    task: tokio::task::JoinHandle<()>,
    stop: tokio::sync::watch::Sender<bool>,
    supervisor: Tasks,
}

/// The event sync's name among the supervised tasks.
const TASK: &str = "discord events";

impl EventSync {
    /// Starts keeping the events of each group's whole servers in step with its calendar,
    /// the groups and their homes read from `homes` at each pass; watched by `supervisor`
    /// (restarted if it dies).
    pub fn start(homes: Homes, http: Arc<Http>, bot: UserId, clock: Arc<dyn Clock>, supervisor: &Tasks) -> EventSync {
        let (stop, stop_rx) = tokio::sync::watch::channel(false);
        let task =
            supervisor.supervise(TASK, stop_rx, move || run(homes.clone(), Arc::clone(&http), bot, Arc::clone(&clock)));
        EventSync { task, stop, supervisor: supervisor.clone() }
    }

    /// Stops (between two requests or during one: every step stands on its own).
    pub fn stop(&self) {
        let _ = self.stop.send(true);
        self.supervisor.kill(TASK);
    }
}

impl Drop for EventSync {
    fn drop(&mut self) {
        self.stop();
        self.task.abort();
    }
}

async fn run(homes: Homes, http: Arc<Http>, bot: UserId, clock: Arc<dyn Clock>) {
    let mut failures = 0u32;
    // Groups already said to have no server of their own for events.
    let mut told: BTreeSet<GroupId> = BTreeSet::new();
    loop {
        let changes = Changes::of(homes.organization());
        let now = clock.now();
        let mut ok = true;
        let mut soonest: Option<DateTime<Utc>> = None;
        for (engine, guilds) in homes.event_servers() {
            if guilds.is_empty() {
                if told.insert(engine.group().clone()) {
                    tracing::info!(group = %engine.group(),
                        "Discord events: this group lives in channels of a shared server, so its meetings get no server events (the server's Events list would mix several groups')");
                }
                continue;
            }
            // Without the calendar nothing is touched: an empty wish list would remove every event.
            let wanted = match engine.calendar_changes().await {
                Ok(changes) => wanted(&engine.content().current(), &changes, now),
                Err(e) => {
                    tracing::warn!(group = %engine.group(), error = %e, "Discord events: cannot read the calendar; trying again later");
                    ok = false;
                    continue;
                }
            };
            for &guild in &guilds {
                ok &= sync_guild(&http, guild, bot, &wanted).await;
            }
            // Next pass: when an occurrence starts (nothing to do then but stop touching
            // it) or ends (its meeting then needs the next occurrence's event).
            let next =
                wanted.iter().map(|w| if w.under_way { w.end } else { w.start - LEAD }).filter(|t| *t > now).min();
            soonest = match (soonest, next) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        // Also when a calendar or the groups change, or after a while in case of hand
        // edits; after a failure (Discord down, Manage Events missing) again in 1, 2, 4 …
        // minutes.
        failures = if ok { 0 } else { failures.saturating_add(1) };
        let soonest = soonest.map(|t| t + Duration::seconds(1));
        let next = match failures {
            0 => soonest.unwrap_or(now + EVERY).min(now + EVERY),
            n => now + (Duration::minutes(1) * 2i32.saturating_pow(n.min(9) - 1)).min(EVERY),
        };
        tokio::select! {
            _ = changes.next() => {}
            _ = clock.sleep_until(next) => {}
        }
    }
}

/// One pass over one server. False when something failed and a retry is due.
async fn sync_guild(http: &Http, guild: GuildId, bot: UserId, wanted: &[Wanted]) -> bool {
    let listed = match guild.scheduled_events(http, false).await {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!(guild = %guild, error = %e, "Discord events: cannot list the server's events");
            return false;
        }
    };
    let existing: Vec<Existing> = listed.iter().filter_map(|e| Existing::read(e, bot)).collect();
    let mut ok = true;
    for step in plan(&existing, wanted) {
        let done = match &step {
            Step::Create(w) => {
                let b = CreateScheduledEvent::new(ScheduledEventType::External, &w.name, stamp(w.start))
                    .end_time(stamp(w.end))
                    .location(&w.location)
                    .description(&w.description);
                guild.create_scheduled_event(http, b).await.map(|_| ())
            }
            Step::Edit(id, w) => {
                let b = EditScheduledEvent::new()
                    .name(&w.name)
                    .description(&w.description)
                    .location(&w.location)
                    .start_time(stamp(w.start))
                    .end_time(stamp(w.end));
                guild.edit_scheduled_event(http, *id, b).await.map(|_| ())
            }
            Step::Delete(id) => guild.delete_scheduled_event(http, *id).await,
        };
        match done {
            Ok(()) => tracing::info!(guild = %guild, step = describe(&step), "Discord events: updated"),
            Err(e) => {
                ok = false;
                tracing::warn!(guild = %guild, step = describe(&step), error = %e,
                    "Discord events: Discord refused (does the bot have Manage Events?)");
            }
        }
    }
    ok
}

fn stamp(at: DateTime<Utc>) -> Timestamp {
    Timestamp::from_unix_timestamp(at.timestamp()).unwrap_or_else(|_| Timestamp::now())
}

fn describe(step: &Step) -> String {
    match step {
        Step::Create(w) => format!("created {} for {}", w.meeting, w.start.to_rfc3339()),
        Step::Edit(id, w) => format!("moved {id} ({}) to {}", w.meeting, w.start.to_rfc3339()),
        Step::Delete(id) => format!("removed {id}"),
    }
}
