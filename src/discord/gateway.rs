//! The gateway connection (serenity): registers commands in every home server when ready
//! (and in new ones as groups come), answers interactions for every group, and reports
//! whether it is connected.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use serenity::all::{
    ClientBuilder, ConnectionStage, Context, Event, EventHandler, GatewayIntents, Guild, GuildId, Http, HttpBuilder,
    Interaction, RawEventHandler, Ready, ShardManager, ShardStageUpdateEvent,
};
use serenity::async_trait;

use super::homes::Homes;
use super::interaction::{Answer, Bot, Via};
use super::register::Registrar;
use super::scheduled_events::EventSync;
use crate::config::DiscordConfig;
use crate::engine::Organization;
use crate::reminders::{Clock, SystemClock};
use crate::supervisor::Tasks;

/// Counters and flags shared with health checks, metrics and tests.
#[derive(Default, Debug)]
pub struct GatewayState {
    /// Whether the shard is connected, and how often it reconnected.
    pub link: crate::chat::Link,
    /// Times it connected at all.
    pub connections: AtomicU64,
    /// Times commands were registered.
    pub registrations: AtomicU64,
    /// Dispatches serenity could not read: a protocol mismatch to look into.
    pub unknown_events: AtomicU64,
    /// Interactions answered.
    pub interactions: AtomicU64,
}

/// A running Discord connection.
pub struct Gateway {
    /// The REST client.
    pub http: Arc<Http>,
    /// The interaction answerer, shared with the HTTP endpoint.
    pub bot: Arc<Bot>,
    /// Where each group and the organization live: the reminder sender reads its servers.
    pub homes: Homes,
    /// Connection state.
    pub state: Arc<GatewayState>,
    /// The current run's shards.
    shards: Arc<std::sync::Mutex<Option<Arc<ShardManager>>>>,
    stop: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
    events: Option<Arc<OnceLock<EventSync>>>,
    /// The task registering commands in servers that become homes, once ready.
    following: Arc<std::sync::Mutex<Option<Following>>>,
    supervisor: Tasks,
}

/// The supervised task that registers commands in servers that become homes.
struct Following {
    stop: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

/// Its name among the supervised tasks.
const FOLLOWING: &str = "discord commands";

/// How long one request to Discord's REST API may take, connecting included: serenity builds
/// its HTTP client with no timeout, so a Discord that stops answering would hold a reply or a
/// reminder forever.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The one HTTP client to Discord's REST API, with its timeouts: serenity's requests and the
/// reminder posts share its connections and TLS setup (each client holds its own copy of the
/// root certificates). `None` when it cannot be built; serenity then builds its own.
pub fn rest_client() -> Option<reqwest::Client> {
    static CLIENT: OnceLock<Option<reqwest::Client>> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            let built = reqwest::Client::builder()
                .use_rustls_tls()
                .connect_timeout(std::time::Duration::from_secs(5))
                .timeout(REQUEST_TIMEOUT)
                .build();
            match built {
                Ok(client) => Some(client),
                Err(e) => {
                    tracing::warn!(error = %e, "Discord: cannot build an HTTP client with timeouts; using serenity's");
                    None
                }
            }
        })
        .clone()
}

/// The REST client: to Discord, or to `DISCORD_API_BASE` when set, with request timeouts.
/// serenity only honours a proxy with its rate limiter off, so a proxy is trusted to
/// rate-limit.
pub fn http_client(config: &DiscordConfig, token: &str) -> Http {
    let builder = match rest_client() {
        Some(client) => HttpBuilder::new(token).client(client),
        None => HttpBuilder::new(token),
    };
    match &config.api_base {
        Some(base) => builder.proxy(base.trim_end_matches('/')).ratelimiter_disabled(true).build(),
        None => builder.build(),
    }
}

/// The home servers the settings name (`DISCORD_HOME_GUILDS`), as Discord ids: the home of
/// a one-group deployment whose content declares none. [`Homes::servers`] has every home.
pub fn home_guilds(config: &DiscordConfig) -> Vec<GuildId> {
    config.homes().into_iter().map(GuildId::new).collect()
}

/// Says in the log what the bot does in a server that is not the group's: it stays, answers
/// public questions (mission, meeting, campaign) and records nothing. Whoever runs it can
/// remove it there, and should switch off "Public Bot" in the developer portal.
fn foreign(guild: GuildId, name: Option<&str>) {
    tracing::warn!(
        guild = %guild,
        name = name.unwrap_or("?"),
        "Discord: the bot is in a server that is not a home server: it answers only public questions there and records nothing (remove it from that server, and switch off Public Bot in the developer portal)"
    );
}

#[derive(Clone)]
struct Handler {
    bot: Arc<OnceLock<Arc<Bot>>>,
    homes: Homes,
    registrar: Arc<Registrar>,
    following: Arc<std::sync::Mutex<Option<Following>>>,
    supervisor: Tasks,
    state: Arc<GatewayState>,
    /// Set when scheduled events are on: started at the first ready, once.
    events: Option<Events>,
}

/// Scheduled events, when `DISCORD_SCHEDULED_EVENTS` is on.
#[derive(Clone)]
struct Events {
    clock: Arc<dyn Clock>,
    sync: Arc<OnceLock<EventSync>>,
}

#[async_trait]
impl EventHandler for Handler {
    async fn ready(&self, ctx: Context, ready: Ready) {
        tracing::info!(user = %ready.user.name, "Discord: ready");
        let homes = self.homes.servers();
        let joined: Vec<GuildId> = ready.guilds.iter().map(|g| g.id).collect();
        for home in &homes {
            if !joined.contains(home) {
                tracing::error!(guild = %home, "Discord: the bot is not in this home server; invite it there");
            }
        }
        for guild in joined.iter().filter(|g| !homes.contains(g)) {
            foreign(*guild, None);
        }
        // Every command in each home server; the personal ones for the bot's DMs.
        self.registrar.all(&ctx.http).await;
        // Then, from the first ready on, whatever servers become homes while the bot runs.
        let mut following = self.following.lock().unwrap_or_else(|p| p.into_inner());
        if following.is_none() {
            let (stop, stop_rx) = tokio::sync::watch::channel(false);
            let (registrar, http) = (Arc::clone(&self.registrar), Arc::clone(&ctx.http));
            let task =
                self.supervisor.supervise(FOLLOWING, stop_rx, move || Arc::clone(&registrar).follow(Arc::clone(&http)));
            *following = Some(Following { stop, task });
        }
        drop(following);
        if let Some(events) = &self.events
            && events.sync.get().is_none()
        {
            // Scheduled events belong to each group's own servers only.
            let sync = EventSync::start(
                self.homes.clone(),
                Arc::clone(&ctx.http),
                ready.user.id,
                Arc::clone(&events.clock),
                &self.supervisor,
            );
            let _ = events.sync.set(sync);
        }
    }

    async fn guild_create(&self, ctx: Context, guild: Guild, is_new: Option<bool>) {
        if is_new != Some(true) {
            return;
        }
        if self.homes.servers().contains(&guild.id) {
            // Invited into a home server after it was declared: its commands, now that
            // Discord accepts them there.
            self.registrar.catch_up(&ctx.http).await;
        } else {
            foreign(guild.id, Some(&guild.name));
        }
    }

    async fn shard_stage_update(&self, _ctx: Context, event: ShardStageUpdateEvent) {
        let connected = event.new == ConnectionStage::Connected;
        if connected {
            self.state.connections.fetch_add(1, Ordering::Relaxed);
            if self.state.link.connected_anew() {
                tracing::info!("Discord: reconnected");
            }
        } else if self.state.link.down() && event.old == ConnectionStage::Connected {
            tracing::warn!(stage = ?event.new, "Discord: connection lost; serenity reconnects");
        }
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        self.state.interactions.fetch_add(1, Ordering::Relaxed);
        let Some(bot) = self.bot.get() else { return };
        let Some(answer) = bot.answer(&interaction, Via::Gateway).await else { return };
        let sent = match (&interaction, answer) {
            (Interaction::Command(ci) | Interaction::Autocomplete(ci), Answer::Respond(r)) => {
                ci.create_response(&ctx.http, r).await
            }
            (Interaction::Component(ci), Answer::Respond(r)) => ci.create_response(&ctx.http, r).await,
            (Interaction::Component(ci), Answer::Follow(r, f)) => match ci.create_response(&ctx.http, r).await {
                Ok(()) => ci.create_followup(&ctx.http, *f).await.map(|_| ()),
                Err(e) => Err(e),
            },
            (Interaction::Command(ci), Answer::Follow(r, f)) => match ci.create_response(&ctx.http, r).await {
                Ok(()) => ci.create_followup(&ctx.http, *f).await.map(|_| ()),
                Err(e) => Err(e),
            },
            _ => Ok(()),
        };
        if let Err(e) = sent {
            tracing::warn!(error = %e, "Discord: could not answer an interaction");
        }
    }
}

#[derive(Clone)]
struct Unknowns(Arc<GatewayState>);

/// The gateway client a run connects with.
async fn client(
    config: &DiscordConfig,
    token: &str,
    handler: Handler,
    unknowns: Unknowns,
) -> anyhow::Result<serenity::Client> {
    ClientBuilder::new_with_http(http_client(config, token), GatewayIntents::GUILDS)
        .raw_event_handler(unknowns)
        .event_handler(handler)
        .await
        .map_err(|e| anyhow::anyhow!("Discord: cannot set up the client: {e}"))
}

/// Shuts a run's shards down when the run ends, however it ends: a run aborted by the
/// supervisor's fault hook (or dropped) would otherwise leave serenity's shard tasks
/// connected beside the next run's.
struct ShardsOfRun(Arc<ShardManager>);

impl Drop for ShardsOfRun {
    fn drop(&mut self) {
        let shards = Arc::clone(&self.0);
        tokio::spawn(async move { shards.shutdown_all().await });
    }
}

#[async_trait]
impl RawEventHandler for Unknowns {
    async fn raw_event(&self, _ctx: Context, event: Event) {
        if let Event::Unknown(u) = event {
            self.0.unknown_events.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(kind = %u.kind, "Discord: a dispatch could not be read");
        }
    }
}

impl Gateway {
    /// Connects (in the background) and returns at once, answering for `org`: an
    /// [`Organization`], or the [`crate::engine::Engine`] of a one-group deployment.
    pub async fn start(config: &DiscordConfig, org: impl Into<Organization>) -> anyhow::Result<Gateway> {
        Gateway::start_with_clock(config, org, Arc::new(SystemClock)).await
    }

    /// As [`Gateway::start`], with scheduled events following `clock` (tests move it by hand).
    pub async fn start_with_clock(
        config: &DiscordConfig,
        org: impl Into<Organization>,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Gateway> {
        Gateway::start_supervised(config, org, clock, &Tasks::new()).await
    }

    /// As [`Gateway::start_with_clock`], with the gateway connection and the scheduled-event
    /// sync watched by `supervisor`: restarted if they end or panic.
    pub async fn start_supervised(
        config: &DiscordConfig,
        org: impl Into<Organization>,
        clock: Arc<dyn Clock>,
        supervisor: &Tasks,
    ) -> anyhow::Result<Gateway> {
        let homes = Homes::new(org.into(), config);
        checked(config, &homes)?;
        let token = config.token.as_ref().map(|t| t.expose().to_string()).unwrap_or_default();
        let state = Arc::new(GatewayState::default());
        // The client owns its REST client; the gateway URL is discovered through it, so the
        // proxy must be set here, before the client is built.
        // The handler needs the bot, and the bot the client's REST client: it is filled in
        // once the client exists, before it connects.
        let cell = Arc::new(OnceLock::new());
        let events = config.scheduled_events.then(|| Events { clock, sync: Arc::default() });
        let following = Arc::default();
        let handler = Handler {
            bot: Arc::clone(&cell),
            homes: homes.clone(),
            registrar: Arc::new(Registrar::new(homes.clone(), Arc::clone(&state))),
            following: Arc::clone(&following),
            supervisor: supervisor.clone(),
            state: Arc::clone(&state),
            events: events.clone(),
        };
        let unknowns = Unknowns(Arc::clone(&state));
        // The first client is built here, so that a configuration it refuses stops the start.
        let first = client(config, &token, handler.clone(), unknowns.clone()).await?;
        let http = Arc::clone(&first.http);
        let bot = Arc::new(Bot::with_homes(homes.clone(), Arc::clone(&http)));
        let _ = cell.set(Arc::clone(&bot));
        // A client cannot start twice (its shard queue ends with its first run): a run after
        // one that died builds a new one, with the same handler and state.
        let first = Arc::new(std::sync::Mutex::new(Some(first)));
        let shards: Arc<std::sync::Mutex<Option<Arc<ShardManager>>>> = Arc::default();
        let (stop, stop_rx) = tokio::sync::watch::channel(false);
        let (config, current) = (config.clone(), Arc::clone(&shards));
        let task = supervisor.supervise("discord gateway", stop_rx, move || {
            let (first, current, config, token) =
                (Arc::clone(&first), Arc::clone(&current), config.clone(), token.clone());
            let (handler, unknowns) = (handler.clone(), unknowns.clone());
            async move {
                let taken = first.lock().unwrap_or_else(|p| p.into_inner()).take();
                let mut client = match taken {
                    Some(c) => c,
                    None => match client(&config, &token, handler, unknowns).await {
                        Ok(c) => c,
                        Err(e) => {
                            tracing::error!(error = %e, "Discord: cannot rebuild the gateway client");
                            return;
                        }
                    },
                };
                *current.lock().unwrap_or_else(|p| p.into_inner()) = Some(Arc::clone(&client.shard_manager));
                let _shards = ShardsOfRun(Arc::clone(&client.shard_manager));
                if let Err(e) = client.start().await {
                    tracing::error!(error = %e, "Discord: the gateway connection ended");
                }
            }
        });
        Ok(Gateway {
            http,
            bot,
            homes,
            state,
            shards,
            stop,
            task,
            events: events.map(|e| e.sync),
            following,
            supervisor: supervisor.clone(),
        })
    }

    /// Closes the connection.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        if let Some(sync) = self.events.as_ref().and_then(|e| e.get()) {
            sync.stop();
        }
        let following = self.following.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(following) = following {
            let _ = following.stop.send(true);
            self.supervisor.kill(FOLLOWING);
            let _ = tokio::time::timeout(std::time::Duration::from_secs(1), following.task).await;
        }
        let shards = self.shards.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if let Some(shards) = shards {
            shards.shutdown_all().await;
        }
        let _ = tokio::time::timeout(std::time::Duration::from_secs(5), self.task).await;
    }
}

/// The settings checked as the content leaves them: an organization names its groups' homes
/// in its content, which then stand in for `DISCORD_HOME_GUILDS` (not needed, and not used:
/// said once, so that nobody expects it to matter).
fn checked(config: &DiscordConfig, homes: &Homes) -> anyhow::Result<()> {
    if homes.declared() && !config.homes().is_empty() {
        tracing::warn!(
            "Discord: DISCORD_HOME_GUILDS is not used: the content's [home] tables say where each group lives"
        );
    }
    config.validate_declared(homes.declared()).map_err(|e| anyhow::anyhow!(e))
}
