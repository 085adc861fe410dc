//! Slash commands registered where the bot is at home: every command in each server some
//! group or the organization calls home, and the personal ones for the bot's DMs. A server
//! that becomes a home while the bot runs (a group added, a `[home]` edited) gets them at
//! once; one that stops being any home has them taken away, so it is left with none of
//! convoca's, as every server that is not a home.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use serenity::all::{Command as DiscordCommand, GuildId, Http};

use super::commands;
use super::gateway::GatewayState;
use super::homes::Homes;
use crate::engine::Organization;

/// How often the homes are read again even if nothing said they changed: an edit of
/// `organization.toml` alone moves no group, and nothing else tells of it.
const RECHECK: std::time::Duration = std::time::Duration::from_secs(300);

/// Which servers have the commands, and registers them where they are missing.
pub struct Registrar {
    homes: Homes,
    state: Arc<GatewayState>,
    /// Servers registered in by this process; one registration at a time.
    registered: tokio::sync::Mutex<BTreeSet<GuildId>>,
}

impl Registrar {
    /// Registers for `homes`, counting in `state`.
    pub fn new(homes: Homes, state: Arc<GatewayState>) -> Registrar {
        Registrar { homes, state, registered: tokio::sync::Mutex::new(BTreeSet::new()) }
    }

    /// Every command in every home server, and the DM commands globally (at each READY, as
    /// Discord asks of a bot that may have been offline while its commands changed).
    pub async fn all(&self, http: &Http) {
        let mut registered = self.registered.lock().await;
        let servers = self.homes.servers();
        let mut count = 0;
        let mut ok = true;
        for &home in &servers {
            match home.set_commands(http, commands::all()).await {
                Ok(c) => {
                    count += c.len();
                    registered.insert(home);
                }
                Err(e) => {
                    ok = false;
                    tracing::error!(guild = %home, error = %e, "Discord: cannot register commands in a home server");
                }
            }
        }
        // The personal ones for the bot's DMs, registered globally but limited to DMs, so
        // they show in no other server.
        match DiscordCommand::set_global_commands(http, commands::direct()).await {
            Ok(c) => count += c.len(),
            Err(e) => {
                ok = false;
                tracing::error!(error = %e, "Discord: cannot register the direct-message commands");
            }
        }
        if ok {
            self.state.registrations.fetch_add(1, Ordering::Relaxed);
            tracing::info!(
                commands = count,
                homes = servers.len(),
                "Discord: commands registered in the home servers and for DMs"
            );
        }
    }

    /// Registers in home servers that have no commands yet (new, or refused before), and
    /// takes them from servers registered before that are no home any more.
    pub async fn catch_up(&self, http: &Http) {
        let mut registered = self.registered.lock().await;
        let servers: BTreeSet<GuildId> = self.homes.servers().into_iter().collect();
        let mut changed = false;
        for &home in servers.difference(&registered.clone()) {
            match home.set_commands(http, commands::all()).await {
                Ok(c) => {
                    changed = true;
                    registered.insert(home);
                    tracing::info!(guild = %home, commands = c.len(), "Discord: commands registered in a new home server");
                }
                Err(e) => {
                    tracing::error!(guild = %home, error = %e, "Discord: cannot register commands in a new home server")
                }
            }
        }
        for &gone in registered.clone().difference(&servers) {
            match gone.set_commands(http, Vec::new()).await {
                Ok(_) => {
                    changed = true;
                    registered.remove(&gone);
                    tracing::info!(guild = %gone, "Discord: commands taken from a server that is no home any more");
                }
                Err(e) => tracing::warn!(guild = %gone, error = %e,
                    "Discord: cannot take the commands from a server that is no home any more"),
            }
        }
        if changed {
            self.state.registrations.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Catches up whenever groups are added or removed, a group's content changes, or
    /// [`RECHECK`] has passed; until the task is dropped.
    pub async fn follow(self: Arc<Self>, http: Arc<Http>) {
        loop {
            let changes = Changes::of(self.homes.organization());
            self.catch_up(&http).await;
            tokio::select! {
                _ = changes.next() => {}
                _ = tokio::time::sleep(RECHECK) => {}
            }
        }
    }
}

/// What can move a home: groups added or removed, and each group's content (or calendar)
/// changing. Subscribed before the homes are read, so that a change in between is not
/// missed.
pub(super) struct Changes {
    groups: tokio::sync::watch::Receiver<u64>,
    contents: Vec<tokio::sync::watch::Receiver<u64>>,
}

impl Changes {
    /// Listens from now on.
    pub fn of(org: &Organization) -> Changes {
        Changes { groups: org.watch_groups(), contents: org.groups().values().map(|e| e.watch_plan()).collect() }
    }

    /// Returns at the first change (or at once when a group's engine is gone: it was removed).
    pub async fn next(mut self) {
        let Changes { groups, contents } = &mut self;
        if contents.is_empty() {
            let _ = groups.changed().await;
            return;
        }
        let any = futures_util::future::select_all(contents.iter_mut().map(|r| Box::pin(r.changed())));
        tokio::select! {
            _ = groups.changed() => {}
            _ = any => {}
        }
    }
}
