//! Matrix: the same bot in Matrix rooms, through matrix-sdk, encrypted rooms included.
//!
//! A thin adapter: messages become requests to the organization, for the group whose home
//! room they were asked in ([`groups`]), and replies become `m.notice` messages with an HTML
//! body. The sync loop is the bot's own (`sync_once` with a long poll, retried with
//! backoff), because `Client::sync` returns at the first connection error and pauses a
//! second between quick syncs.

mod away;
mod direct;
mod groups;
mod handler;
mod home;
mod queues;
pub mod render;
mod sender;
pub mod session;
mod standing;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use matrix_sdk::Client;
use matrix_sdk::config::SyncSettings;
use matrix_sdk::ruma::api::client::filter::{Filter as RumaFilter, FilterDefinition, RoomEventFilter};
use matrix_sdk::ruma::api::client::sync::sync_events::v3::Filter;
use tokio::sync::watch;

pub use handler::{CAMPAIGN_KEY, MatrixBot};
pub use sender::MatrixSender;
pub use standing::MatrixStandings;

/// What Matrix can do: `!` commands (clients swallow unknown `/` ones), words answered in
/// the direct room, ✅ reactions; no message is seen by one person alone in a shared room,
/// so private answers go to the direct room.
pub const ABILITIES: crate::chat::Abilities = crate::chat::Abilities {
    platform: crate::chat::Platform::Matrix,
    called: Some("Matrix"),
    prefix: "!",
    read_by_others: true,
    ephemeral: false,
    reactions: true,
    direct_messages: true,
    only_channel: None,
};

use crate::config::MatrixConfig;
use crate::engine::Organization;
use crate::group_id::GroupId;
use crate::supervisor::Tasks;

/// How long a sync waits for news before returning empty.
const LONG_POLL: Duration = Duration::from_secs(30);

/// Connection state shared with health checks, metrics and tests.
#[derive(Debug, Default)]
pub struct MatrixState {
    /// Whether syncs succeed, and how often the sync loop recovered after failing.
    pub link: crate::chat::Link,
    /// Successful syncs.
    pub syncs: AtomicU64,
    /// Why the last attempt to start failed, while it is not started: for `/healthz`.
    pub not_started: std::sync::Mutex<Option<String>>,
}

impl MatrixState {
    /// Why Matrix is not started, if it is not.
    pub fn why_not_started(&self) -> Option<String> {
        self.not_started.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// A running Matrix connection.
pub struct Matrix {
    /// The SDK client.
    pub client: Client,
    /// Connection state.
    pub state: Arc<MatrixState>,
    /// Every group's home rooms, then the organization's, as resolved at start (groups
    /// added later have theirs resolved then: see [`Matrix::homes_now`]).
    pub homes: Vec<matrix_sdk::ruma::OwnedRoomId>,
    routes: Arc<groups::Routes>,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
    follow: tokio::task::JoinHandle<()>,
}

impl Matrix {
    /// Logs in (or restores the saved session), syncs once without answering anything (so
    /// history is never answered), joins every group's home rooms, then handles events in a
    /// sync loop of its own. `org` is every group (an [`crate::engine::Engine`] is a
    /// deployment of one).
    pub async fn start(config: &MatrixConfig, org: impl Into<Organization>) -> anyhow::Result<Matrix> {
        Matrix::start_supervised(config, org, &Tasks::new()).await
    }

    /// As [`Matrix::start`], with the sync loop watched by `supervisor` (restarted if it
    /// dies, from the last sync token).
    pub async fn start_supervised(
        config: &MatrixConfig,
        org: impl Into<Organization>,
        supervisor: &Tasks,
    ) -> anyhow::Result<Matrix> {
        Matrix::start_with(config, org, supervisor, Arc::new(MatrixState::default())).await
    }

    /// As [`Matrix::start_supervised`], reporting into `state` (made before the first
    /// attempt, so health can say why Matrix is not started while it is tried again).
    pub async fn start_with(
        config: &MatrixConfig,
        org: impl Into<Organization>,
        supervisor: &Tasks,
        state: Arc<MatrixState>,
    ) -> anyhow::Result<Matrix> {
        let org = org.into();
        validate(config, &org)?;
        let client = session::connect(config).await?;
        let me = client.user_id().ok_or_else(|| anyhow::anyhow!("Matrix: no user after login"))?.to_owned();
        let first = client
            .sync_once(SyncSettings::default().timeout(Duration::ZERO))
            .await
            .map_err(|e| anyhow::anyhow!("Matrix: first sync failed: {e}"))?;
        let routes = Arc::new(groups::Routes::default());
        routes.refresh(&client, &org, config, true).await?;
        let bot = Arc::new(MatrixBot {
            org: org.clone(),
            client: client.clone(),
            me,
            routes: Arc::clone(&routes),
            queues: queues::Queues::new(queues::CAPACITY, queues::IDLE),
        });
        // Invitations that arrived while the bot was away are still pending: the same rule.
        for room in client.invited_rooms() {
            let details = room.invite_details().await.ok();
            let inviter = details.as_ref().and_then(|d| d.inviter.as_ref()).map(|i| i.user_id().to_owned());
            let is_direct = room.is_direct().await.unwrap_or(false)
                || details.as_ref().is_some_and(|d| invited_as_direct(d.invitee.event()));
            match inviter {
                Some(i) if bot.may_accept(&room, &i, is_direct).await => {
                    let _ = client.join_room_by_id(room.room_id()).await;
                }
                _ => {
                    tracing::warn!(room = %room.room_id(), "Matrix: pending invitation declined");
                    tracing::debug!(inviter = ?inviter, "Matrix: the declined invitation's sender");
                    let _ = room.leave().await;
                }
            }
        }
        // What members did with ✅ while the bot was away, before handling what comes next.
        bot.catch_up_reactions().await;
        let b = Arc::clone(&bot);
        client.add_event_handler(move |ev, room| Arc::clone(&b).on_message(ev, room));
        let b = Arc::clone(&bot);
        client.add_event_handler(move |ev, room| Arc::clone(&b).on_invite(ev, room));
        let b = Arc::clone(&bot);
        client.add_event_handler(move |ev, room| Arc::clone(&b).on_reaction(ev, room));
        let b = Arc::clone(&bot);
        client.add_event_handler(move |ev, room| Arc::clone(&b).on_redaction(ev, room));
        let r = Arc::clone(&routes);
        client.add_event_handler(move |_: SyncSpaceChild, room: matrix_sdk::Room| {
            r.space_changed(room.room_id());
            std::future::ready(())
        });

        *state.not_started.lock().unwrap_or_else(|p| p.into_inner()) = None;
        state.link.up();
        let (stop, stop_rx) = watch::channel(false);
        let filter = sync_filter(&client).await;
        let token = Arc::new(std::sync::Mutex::new(first.next_batch));
        let (c, s, rx, e) = (client.clone(), Arc::clone(&state), stop_rx.clone(), org.any().clone());
        let task = supervisor.supervise("matrix sync", stop_rx.clone(), move || {
            sync_loop(c.clone(), Arc::clone(&token), filter.clone(), Arc::clone(&s), e.clone(), rx.clone())
        });
        let (r, c, o, cfg) = (Arc::clone(&routes), client.clone(), org.clone(), config.clone());
        let follow = supervisor.supervise("matrix homes", stop_rx.clone(), move || {
            Arc::clone(&r).follow(c.clone(), o.clone(), cfg.clone(), stop_rx.clone())
        });
        tracing::info!(user = %bot.me, "Matrix: connected");
        let homes = routes.now().rooms();
        Ok(Matrix { client, state, stop, task, follow, homes, routes })
    }

    /// Every group's home rooms, then the organization's, now.
    pub fn homes_now(&self) -> Vec<matrix_sdk::ruma::OwnedRoomId> {
        self.routes.now().rooms()
    }

    /// One group's home rooms now (empty when it has none on Matrix).
    pub fn group_homes(&self, group: &GroupId) -> Vec<matrix_sdk::ruma::OwnedRoomId> {
        self.routes.now().group(group).map(|h| h.rooms.clone()).unwrap_or_default()
    }

    /// A reminder sender through this connection, for every group: a person is "still a
    /// member" while joined to any group's home room.
    pub fn sender(&self) -> MatrixSender {
        MatrixSender::new(self.client.clone(), Arc::clone(&self.routes), None)
    }

    /// A reminder sender for one group's reminders: a person is "still a member" while
    /// joined to one of that group's home rooms.
    pub fn sender_for(&self, group: &GroupId) -> MatrixSender {
        MatrixSender::new(self.client.clone(), Arc::clone(&self.routes), Some(group.clone()))
    }

    /// How the dashboard reads a person's standing in a group's home through this
    /// connection.
    pub fn standings(&self) -> MatrixStandings {
        MatrixStandings::new(self.client.clone(), Arc::clone(&self.routes), Arc::clone(&self.state))
    }

    /// Stops syncing.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = tokio::time::timeout(Duration::from_secs(5), self.task).await;
        let _ = tokio::time::timeout(Duration::from_secs(5), self.follow).await;
    }
}

/// An `m.space.child` state event: a space gained or lost a room.
type SyncSpaceChild =
    matrix_sdk::ruma::events::SyncStateEvent<matrix_sdk::ruma::events::space::child::SpaceChildEventContent>;

/// Refuses settings that cannot work. `MATRIX_HOME_ROOMS` is required only where it is the
/// home: a deployment of one group that declares no Matrix home in its content.
fn validate(config: &MatrixConfig, org: &Organization) -> anyhow::Result<()> {
    if groups::from_settings(org) {
        return config.validate().map_err(|e| anyhow::anyhow!(e));
    }
    // The rest of the settings are checked as they are; the homes come from the content.
    config.validate_declared(true).map_err(|e| anyhow::anyhow!(e))
}

/// Whether the bot's own invite member event says "direct chat".
fn invited_as_direct(
    ev: &matrix_sdk::deserialized_responses::SyncOrStrippedState<
        matrix_sdk::ruma::events::room::member::RoomMemberEventContent,
    >,
) -> bool {
    use matrix_sdk::deserialized_responses::SyncOrStrippedState;
    match ev {
        SyncOrStrippedState::Stripped(e) => e.content.is_direct,
        SyncOrStrippedState::Sync(e) => e.as_original().and_then(|o| o.content.is_direct),
    }
    .unwrap_or(false)
}

/// What the bot does not need from a sync: presence, typing and read receipts. Leaving them
/// out saves the homeserver and the SDK a sync (and its processing) after every message.
async fn sync_filter(client: &Client) -> Option<Filter> {
    let mut filter = FilterDefinition::default();
    filter.presence = RumaFilter::ignore_all();
    filter.room.ephemeral = RoomEventFilter::ignore_all();
    match client.get_or_upload_filter("convoca", filter).await {
        Ok(id) => Some(Filter::FilterId(id)),
        Err(e) => {
            tracing::warn!(error = %e, "Matrix: cannot upload the sync filter; syncing everything");
            None
        }
    }
}

/// Syncs until stopped, retrying with backoff when the homeserver is away. The sync token
/// is kept in `token`, so a run restarted after a panic goes on where the last one stopped.
async fn sync_loop(
    client: Client,
    token: Arc<std::sync::Mutex<String>>,
    filter: Option<Filter>,
    state: Arc<MatrixState>,
    engine: crate::engine::Engine,
    mut stop: watch::Receiver<bool>,
) {
    let mut backoff = Duration::from_millis(250);
    // When the bot last recorded that it runs: reactions newer than that, found at the next
    // start, were made while it was away.
    let mut marked = tokio::time::Instant::now();
    loop {
        let since = token.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let mut settings = SyncSettings::default().token(since).timeout(LONG_POLL);
        if let Some(f) = &filter {
            settings = settings.filter(f.clone());
        }
        let result = tokio::select! {
            _ = stop.wait_for(|s| *s) => return,
            result = client.sync_once(settings) => result,
        };
        match result {
            Ok(response) => {
                *token.lock().unwrap_or_else(|p| p.into_inner()) = response.next_batch;
                state.syncs.fetch_add(1, Ordering::Relaxed);
                if marked.elapsed() >= Duration::from_secs(60) {
                    marked = tokio::time::Instant::now();
                    engine.mark_seen(crate::chat::Platform::Matrix, chrono::Utc::now()).await;
                }
                if state.link.up() {
                    tracing::info!("Matrix: reconnected");
                }
                backoff = Duration::from_millis(250);
            }
            Err(e) => {
                if state.link.down() {
                    tracing::warn!(error = %e, "Matrix: sync failed; retrying");
                }
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = stop.wait_for(|s| *s) => return,
                }
                backoff = (backoff * 2).min(Duration::from_secs(10));
            }
        }
    }
}
