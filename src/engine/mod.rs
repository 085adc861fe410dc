//! The platform-neutral core: a [`Request`] in, a [`Reply`] out.
//!
//! Nothing here knows about Discord or Matrix. Adapters say who is asking and whether they
//! organize the group; the engine decides what that person may see or do.

pub mod answers;
mod calendar_changes;
mod command;
mod completion;
mod counts;
pub mod delivery;
mod dispatch;
mod flood;
mod heard;
pub mod html;
mod organization;
mod plain;
pub mod reactions;
mod reply;
mod request;
pub mod retention;
pub use crate::suggest;
pub mod texts;

use std::sync::Arc;

use crate::agenda::CalendarChanges;
use crate::content::{Content, ContentHandle};
use crate::store::{Store, StoreError};

pub use calendar_changes::{FRESH_FOR, load as load_calendar_changes};
pub use command::{Args, Audience, Choice, Effect, Opt, OptionKind, Spec, Spelling, Suggest, Words};
pub use command::{
    Command, MAX_INPUT_BYTES, MAX_TITLE, MeetingDate, MoveTo, Near, NewMeeting, RemindAction, Unclear, Wanted,
    bare_answer, catalog, clean, language_of,
};
pub use flood::{Admission, FloodLimit};
pub use organization::{Groups, Organization, Reloaded, Whose};
pub use reply::{Attachment, Block, Button, Event, Reply, Tone, Visibility};
pub use request::{Asked, Request};

/// Settings that change what replies say, from the configuration.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Where the bot's HTTP server is reachable from outside, for calendar feed links.
    pub public_url: Option<String>,
    /// How long a command may take before its asker gets an apology instead: Discord drops
    /// an interaction not answered within 3 seconds.
    pub command_deadline: std::time::Duration,
    /// How fast one person may ask.
    pub flood: FloodLimit,
    /// Channels the deployment sends every reminder to (`CONVOCA_REMINDER_CHANNELS`).
    pub reminder_channels: Vec<String>,
    /// Where this group's calendars are served under `public_url`, without `.ics`:
    /// `/calendar` for the single group, `/groups/<slug>/calendar` for an organization's.
    pub calendar_path: String,
}

/// The default [`Settings::command_deadline`].
pub const COMMAND_DEADLINE: std::time::Duration = std::time::Duration::from_millis(2500);

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            public_url: None,
            command_deadline: COMMAND_DEADLINE,
            flood: FloodLimit::default(),
            reminder_channels: Vec::new(),
            calendar_path: "/calendar".to_string(),
        }
    }
}

/// Answers requests from the current content and the database.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

/// One group's engine: its content, its rows of the store, and what is cached of them.
struct Inner {
    content: ContentHandle,
    store: Store,
    changes: calendar_changes::CalendarChangesCache,
    counts: counts::Kept<String, Vec<crate::store::Count>>,
    going: counts::Kept<crate::store::OccurrenceRef, (i64, i64)>,
    calendar: tokio::sync::watch::Sender<u64>,
    /// The deployment's settings, with this group's calendar path.
    settings: Settings,
    shared: Arc<Shared>,
}

/// What every group's engine of one deployment shares: a person is one person to it (how
/// fast they ask, whether they wrote), and its counters and settings are the deployment's.
struct Shared {
    settings: Settings,
    metrics: Arc<crate::metrics::Metrics>,
    flood: flood::Flood,
    heard: heard::Heard,
    instance: String,
}

impl Engine {
    /// An engine answering from `content`, remembering in `store` (scoped to the content's
    /// group): the only group of a deployment, or the first of an organization's, whose
    /// other groups are made with [`Engine::another`].
    pub fn new(content: ContentHandle, store: Store, settings: Settings) -> Engine {
        let shared = Shared {
            flood: flood::Flood::new(settings.flood),
            settings,
            metrics: Arc::default(),
            heard: heard::Heard::default(),
            instance: answers::personal::new_token()[..16].to_string(),
        };
        Engine::with_shared(content, store, Arc::new(shared))
    }

    /// The engine of another group of the same deployment: its own content and rows, this
    /// engine's flood limits, counters and settings.
    pub fn another(&self, content: ContentHandle) -> Engine {
        Engine::with_shared(content, self.inner.store.clone(), Arc::clone(&self.inner.shared))
    }

    fn with_shared(content: ContentHandle, store: Store, shared: Arc<Shared>) -> Engine {
        let group = content.current().group.id.clone();
        let store = store.for_group(&group);
        let calendar_path =
            if group.is_single() { "/calendar".to_string() } else { format!("/groups/{}/calendar", group.as_str()) };
        let settings = Settings { calendar_path, ..shared.settings.clone() };
        Engine {
            inner: Arc::new(Inner {
                content,
                store,
                changes: Default::default(),
                counts: Default::default(),
                going: Default::default(),
                calendar: tokio::sync::watch::Sender::new(0),
                settings,
                shared,
            }),
        }
    }

    /// Which group this engine answers for.
    pub fn group(&self) -> &crate::group_id::GroupId {
        self.inner.store.group()
    }

    /// Whether to answer one more command from `user` now, by how fast they have been
    /// asking (see [`Admission`]). Adapters ask before queueing a command.
    pub fn admit(&self, user: &crate::chat::User) -> Admission {
        let admission = self.inner.shared.flood.admit(&user.direct_target());
        if admission != Admission::Go {
            self.inner.shared.metrics.error("flood");
        }
        admission
    }

    /// This running bot, as its `/healthz` names it: `convoca doctor` compares the one behind
    /// the public URL with the one on the local address. Random, so it says nothing about the
    /// machine.
    pub fn instance(&self) -> &str {
        &self.inner.shared.instance
    }

    /// The content this engine answers from.
    pub fn content(&self) -> &ContentHandle {
        &self.inner.content
    }

    /// The database.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The settings replies are shaped by.
    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// Where reminders go besides the content's channels: the organizers' subscriptions
    /// (`/remind here`) and the deployment's channels (`CONVOCA_REMINDER_CHANNELS`), which
    /// get every meeting and deadline in the group's language.
    pub async fn subscriptions(&self) -> Result<Vec<crate::store::Subscription>, StoreError> {
        let mut subs = self.store().subscriptions().await?;
        let content = self.content().current();
        for channel in &self.inner.shared.settings.reminder_channels {
            if !subs.iter().any(|s| &s.channel == channel && s.meeting == crate::store::ALL) {
                subs.push(crate::store::Subscription {
                    channel: channel.clone(),
                    meeting: crate::store::ALL.into(),
                    locale: content.group.language_of(channel),
                });
            }
        }
        Ok(subs)
    }

    /// What has been counted since start.
    pub fn metrics(&self) -> &Arc<crate::metrics::Metrics> {
        &self.inner.shared.metrics
    }

    /// Moves whenever something the calendar or reminders depend on changes here (calendar
    /// changes, subscriptions, reloaded content), for every listener at once: the reminder
    /// scheduler and Discord's scheduled events wake on it and plan again.
    pub fn watch_plan(&self) -> tokio::sync::watch::Receiver<u64> {
        self.inner.calendar.subscribe()
    }

    /// How many signed up for each of a campaign's actions, and did it: read at most every
    /// few seconds (a busy campaign message or public page costs one query, not one each).
    pub async fn signup_counts(&self, campaign: &str) -> Result<Arc<Vec<crate::store::Count>>, StoreError> {
        self.inner.counts.get(&campaign.to_string(), self.inner.store.counts(campaign)).await
    }

    /// Forgets cached sign-up counts (after a sign-up changed, through a command or an
    /// adapter writing to the store directly).
    pub fn signups_changed(&self) {
        self.inner.counts.invalidate();
    }

    /// Tells every listener of [`Engine::calendar_changes`] to plan again.
    pub fn notify_changed(&self) {
        self.inner.changes.invalidate();
        self.inner.calendar.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Someone talked to the bot: if the platform had refused to deliver to them, personal
    /// messages may go again; and their messages are written in the language they used.
    /// Asked of the database once per person and language while this process runs.
    async fn heard_from(&self, req: &Request) {
        if self.inner.shared.heard.known(&req.user, req.locale) {
            return;
        }
        let store = &self.inner.store;
        let result = async {
            if let Some((unreachable, locale)) = store.standing_of(&req.user).await? {
                if unreachable || locale != Some(req.locale) {
                    store.heard_from(&req.user, req.locale).await?;
                }
                if unreachable {
                    tracing::info!(platform = req.platform().as_str(), "a person recorded unreachable wrote again");
                    self.notify_changed();
                }
            }
            Ok::<_, StoreError>(())
        }
        .await;
        match result {
            Ok(()) => self.inner.shared.heard.remember(&req.user, req.locale),
            Err(e) => tracing::warn!(error = %e, "could not record that a person wrote"),
        }
    }

    /// The platform refused to deliver to this person: the next time they write, that is
    /// recorded undone.
    pub fn unreachable(&self, platform: crate::chat::Platform, user_id: &str) {
        self.inner.shared.heard.forget(platform, user_id);
    }

    /// The organizers' calendar changes, cached for [`FRESH_FOR`].
    pub async fn calendar_changes(&self) -> Result<Arc<CalendarChanges>, StoreError> {
        self.inner.changes.get(&self.inner.store).await
    }

    /// Answers one request. Never fails: problems become polite replies, and database
    /// trouble is logged here (without the asker's identity) and answered with an apology.
    pub async fn handle(&self, req: &Request) -> Reply {
        // Standing counts only where the group's authority reaches: elsewhere everyone is a
        // member of the public, whatever an adapter said.
        let demoted;
        let req = if req.asked == Asked::Elsewhere && (req.organizer || req.member) {
            demoted = Request { organizer: false, member: false, ..req.clone() };
            &demoted
        } else {
            req
        };
        let content = self.inner.content.current();
        let metrics = &self.inner.shared.metrics;
        metrics.command(req.command.name(), req.platform().as_str());
        if req.asked != Asked::Elsewhere && req.on.direct_messages {
            // Bounded: a slow database must not eat the answer's own time (it is tried again
            // at the person's next command).
            let bound = self.inner.shared.settings.command_deadline / 5;
            if tokio::time::timeout(bound, self.heard_from(req)).await.is_err() {
                tracing::warn!("could not record that a person wrote in time; trying again at their next command");
            }
        }
        let answered =
            tokio::time::timeout(self.inner.shared.settings.command_deadline, self.answer(req, &content)).await;
        let answered = answered.unwrap_or(Err(StoreError::Timeout(self.inner.shared.settings.command_deadline)));
        match answered {
            Ok(reply) => {
                if matches!(req.command, Command::SignUp { .. }) && reply.tone == Tone::Done {
                    metrics.signups.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
                let mut reply = delivery::fit(req, &content, reply);
                reply.group = Some(self.group().clone()).filter(|g| !g.is_single());
                reply
            }
            Err(e) => {
                tracing::error!(command = req.command.name(), platform = req.platform().as_str(), error = %e, "database error");
                metrics.error("database");
                // A change that timed out may have been made; asking again is safe (every
                // command that changes something is idempotent), so say that instead.
                let text = match e {
                    StoreError::Timeout(_) => texts::store_slow(req.locale),
                    _ => texts::store_error(req.locale),
                };
                delivery::fit(req, &content, Reply::private().tone(Tone::Error).text(text))
            }
        }
    }

    async fn answer(&self, req: &Request, content: &Content) -> Result<Reply, StoreError> {
        use answers::help;
        match req.asked {
            // A place that is not the group's decides nothing and records nothing.
            Asked::Elsewhere if !req.command.is_public() => return Ok(help::not_here(req, content)),
            // A direct chat is no channel to post reminders in.
            Asked::Direct
                if matches!(req.command, Command::Remind { action: RemindAction::Here | RemindAction::Off, .. }) =>
            {
                return Ok(help::not_in_direct(req, content));
            }
            _ => {}
        }
        if req.command.is_for_organizers() && !req.organizer {
            return Ok(help::organizers_only(req, content));
        }
        // Membership as it is now, read from the home at every request: someone who left or
        // was removed (or never joined), writing to the bot directly, commits to nothing.
        if req.command.engages() && !req.member {
            return Ok(help::members_only(req, content));
        }
        let mut reply = self.answer_command(req, content).await?;
        match req.asked {
            Asked::Direct => reply.visibility = Visibility::Private,
            // Buttons elsewhere would ask for sign-ups that are not taken there.
            Asked::Elsewhere => reply.buttons.clear(),
            Asked::Home => {}
        }
        Ok(reply)
    }
}
