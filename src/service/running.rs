//! Everything `convoca run` starts, in order: the chat platforms that are configured, the
//! scheduler and content watcher, and the HTTP server; and the same stopped in order.

use std::sync::Arc;

use tokio::sync::watch;

use super::Service;
use crate::chat::{LateStandings, Platform, Standings};
use crate::config::RunArgs;
use crate::console::{ConsoleSender, TerminalStandings};
use crate::discord::verify::InteractionVerifier;
use crate::discord::{Bot, DiscordSender, Gateway};
use crate::engine::Organization;
use crate::http::AppState;
use crate::http::dashboard_access::StandingReaders;
use crate::matrix::{Matrix, MatrixState};
use crate::reminders::{Later, Senders, SystemClock};
use crate::supervisor::Tasks;

/// Why the bot could not start. Each says what to look at; `convoca run` prints it and exits.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The Discord gateway could not start (a bad token, Discord unreachable).
    #[error("{0}")]
    Discord(anyhow::Error),
    /// Discord's public key for the interactions endpoint is unusable.
    #[error("{0}")]
    PublicKey(String),
    /// Email's settings are unusable (an address that is not one, an unreadable CA file).
    #[error("{0}")]
    Email(String),
    /// The HTTP server could not listen.
    #[error("cannot listen on {bind} (CONVOCA_HTTP_BIND or CONVOCA_METRICS_BIND): {source}")]
    Bind {
        /// The address asked for.
        bind: std::net::SocketAddr,
        /// What the system said.
        source: std::io::Error,
    },
}

/// A running bot.
pub struct Running {
    service: Service,
    gateway: Option<Gateway>,
    matrix: Option<MatrixSlot>,
    http: Vec<tokio::task::JoinHandle<()>>,
    /// One line per platform: on, off and why, or where it listens.
    pub status: Vec<String>,
    /// The long-running tasks, each restarted if it dies; `/healthz` names any that is down.
    pub supervisor: Tasks,
}

impl Running {
    /// Starts each configured platform, then the scheduler (posting to every platform that
    /// started, and printing `console:` reminders), then the HTTP server.
    pub async fn start(args: &RunArgs, org: &Organization) -> Result<Running, StartError> {
        let mut senders = Senders::new().with(&crate::console::ABILITIES, Arc::new(ConsoleSender));
        let mut status = Vec::new();
        let supervisor = Tasks::new();

        let gateway = match &args.discord.token {
            None => {
                status.push("Discord: off (DISCORD_TOKEN is not set)".to_string());
                None
            }
            Some(_) => {
                let g = Gateway::start_supervised(&args.discord, org.clone(), Arc::new(SystemClock), &supervisor)
                    .await
                    .map_err(StartError::Discord)?;
                let homes: Vec<String> = g.homes.servers().iter().map(|s| s.get().to_string()).collect();
                status.push(format!("Discord: connecting (home server {})", homes.join(", ")));
                senders = senders.with(
                    &crate::discord::ABILITIES,
                    Arc::new(DiscordSender::new(Arc::clone(&g.http)).homes_of(g.homes.clone())),
                );
                Some(g)
            }
        };
        let matrix = if args.matrix.homeserver.is_none() {
            status.push("Matrix: off (MATRIX_HOMESERVER is not set)".to_string());
            None
        } else if !args.matrix.is_configured() {
            status.push("Matrix: off (set MATRIX_USER and MATRIX_PASSWORD, or MATRIX_ACCESS_TOKEN)".to_string());
            None
        } else {
            let later = Arc::new(Later::new("Matrix"));
            senders = senders.with(&crate::matrix::ABILITIES, Arc::clone(&later) as Arc<dyn crate::reminders::Sender>);
            Some(MatrixSlot::start(args, org, &supervisor, later, &mut status).await)
        };
        if args.email.enabled() {
            let smtp = crate::email::Smtp::new(&args.email).map_err(StartError::Email)?;
            status.push(format!("Email: on (mail to lists through {})", smtp.server()));
            let sender = Arc::new(crate::email::EmailSender::new(smtp));
            // A wrong password is said now, not at the first reminder's failures.
            let check = Arc::clone(&sender);
            tokio::spawn(async move { check.check_login().await });
            senders = senders.with(&crate::email::ABILITIES, sender);
        } else {
            status.push("Email: off (CONVOCA_SMTP_HOST is not set)".to_string());
        }
        // With every home known: Matrix's once it has started (the retry lists them then).
        let homes = match &matrix {
            None => Some(Vec::new()),
            Some(slot) => slot.homes().await,
        };
        if let Some(homes) = homes {
            list_leftovers(args, org, gateway.is_some(), &homes).await;
        }

        let service = Service::start(org, senders, Arc::new(SystemClock), &supervisor);
        let mut running = Running { service, gateway, matrix, http: Vec::new(), status, supervisor };
        running.serve_http(args, org).await?;
        crate::memory::give_back_freed();
        Ok(running)
    }

    /// The HTTP server: the public routes and a details-free `/healthz` on
    /// `CONVOCA_HTTP_BIND`; the detailed health and the metrics only on `CONVOCA_METRICS_BIND`
    /// (they say which platforms are down and time each command: not for the public).
    async fn serve_http(&mut self, args: &RunArgs, org: &Organization) -> Result<(), StartError> {
        use crate::http::{Limits, health_router, public_router_with_status, serve_app};
        let (public, private) = (args.http.bind, args.http.metrics_bind);
        if public.is_none() && args.http.public_url.is_some() {
            // Links the bot gives out would lead nowhere: no page, no dashboard, no feed.
            self.status.push(
                "CONVOCA_PUBLIC_URL is set but CONVOCA_HTTP_BIND is not: no public page, dashboard or calendar feed is served"
                    .to_string(),
            );
        }
        if public.is_none() && private.is_none() {
            return Ok(());
        }
        let state = self.http_state(args, org)?;
        let mut listen = Vec::new();
        match (public, private) {
            (Some(bind), None) => listen.push((bind, public_router_with_status(state), "HTTP")),
            (public, Some(metrics)) => {
                if let Some(bind) = public {
                    listen.push((bind, public_router_with_status(state.clone()), "HTTP"));
                }
                listen.push((metrics, health_router(state), "HTTP (health and metrics)"));
            }
            (None, None) => {}
        }
        for (bind, app, name) in listen {
            let (addr, task) = serve_app(bind, app, self.service.stopping(), Limits::default())
                .await
                .map_err(|source| StartError::Bind { bind, source })?;
            self.status.push(format!("{name}: listening on {addr}"));
            self.http.push(task);
        }
        Ok(())
    }

    /// What the HTTP server serves: Discord's interactions endpoint when a public key is set
    /// (through the gateway's bot, or an HTTP-only one that needs no token: follow-ups use
    /// the interaction's own), the platforms' state for `/healthz`, and how each reads a
    /// person's standing for the dashboard (Matrix's once it has started).
    fn http_state(&self, args: &RunArgs, org: &Organization) -> Result<AppState, StartError> {
        let discord = match &args.discord.public_key {
            None => None,
            Some(key) => {
                let verifier = InteractionVerifier::new(key).map_err(|e| StartError::PublicKey(e.to_string()))?;
                let bot = match &self.gateway {
                    Some(g) => Arc::clone(&g.bot),
                    None => Arc::new(Bot::new(
                        org.clone(),
                        Arc::new(crate::discord::http_client(&args.discord, "")),
                        &args.discord,
                    )),
                };
                Some((bot, Arc::new(verifier)))
            }
        };
        let platforms = crate::http::Platforms {
            discord: self.gateway.as_ref().map(|g| Arc::clone(&g.state)),
            matrix: self.matrix.as_ref().map(|m| Arc::clone(&m.state)),
            tasks: self.supervisor.clone(),
            standings: self.standing_readers(discord.as_ref().map(|(bot, _)| bot)),
        };
        Ok(AppState::new(org.clone()).with_discord(discord).with_platforms(platforms))
    }

    /// How the dashboard reads standing on each platform: the terminal's own, Discord's
    /// through the gateway's bot (or the interactions endpoint's, which can read only with a
    /// token), Matrix's once it has started.
    fn standing_readers(&self, endpoint_bot: Option<&Arc<Bot>>) -> StandingReaders {
        let mut readers = StandingReaders::default().with(Platform::Console, Arc::new(TerminalStandings));
        let bot = self.gateway.as_ref().map(|g| &g.bot).or(endpoint_bot);
        if let Some(bot) = bot {
            readers = readers.with(Platform::Discord, Arc::clone(bot) as Arc<dyn Standings>);
        }
        if let Some(m) = &self.matrix {
            readers = readers.with(Platform::Matrix, Arc::clone(&m.standings) as Arc<dyn Standings>);
        }
        readers
    }

    /// A receiver that turns true when the bot stops.
    pub fn stopping(&self) -> watch::Receiver<bool> {
        self.service.stopping()
    }

    /// Stops the scheduler and watcher, then the HTTP server, then the platforms.
    pub async fn stop(self) {
        self.service.stop().await;
        for task in self.http {
            let _ = task.await;
        }
        if let Some(g) = self.gateway {
            g.stop().await;
        }
        if let Some(m) = self.matrix {
            m.stop().await;
        }
    }
}

/// Matrix as the bot has it: started, or tried again in the background after a failed start
/// (a homeserver down, a password changed, a home alias not made yet), so that Discord, the
/// reminders and the HTTP server run meanwhile and `/healthz` says why Matrix is not there.
struct MatrixSlot {
    state: Arc<MatrixState>,
    /// How the dashboard reads standing on Matrix, once it has started.
    standings: Arc<LateStandings>,
    started: Arc<tokio::sync::Mutex<Option<Matrix>>>,
    retry: Option<tokio::task::JoinHandle<()>>,
}

/// The first wait before trying Matrix again, doubled after each failure up to [`AT_MOST`].
const FIRST_RETRY: std::time::Duration = std::time::Duration::from_secs(10);
/// The longest wait between two tries (a homeserver limits logins).
const AT_MOST: std::time::Duration = std::time::Duration::from_secs(300);

/// What one try to start Matrix needs, shared by the first try and the retries.
#[derive(Clone)]
struct MatrixTry {
    args: RunArgs,
    org: Organization,
    supervisor: Tasks,
    state: Arc<MatrixState>,
    started: Arc<tokio::sync::Mutex<Option<Matrix>>>,
    later: Arc<Later>,
    standings: Arc<LateStandings>,
}

impl MatrixTry {
    /// One try: on success the reminders' sender arrives and the connection is kept (its
    /// user returned); on failure why is kept for `/healthz` (and returned).
    async fn once(&self) -> Result<String, String> {
        match Matrix::start_with(&self.args.matrix, self.org.clone(), &self.supervisor, Arc::clone(&self.state)).await {
            Ok(m) => {
                let me = m.client.user_id().map(|u| u.to_string()).unwrap_or_default();
                self.later.arrive(Arc::new(m.sender()));
                self.standings.arrive(Arc::new(m.standings()));
                *self.started.lock().await = Some(m);
                Ok(me)
            }
            Err(e) => {
                let why = format!("{e:#}");
                *self.state.not_started.lock().unwrap_or_else(|p| p.into_inner()) = Some(why.clone());
                Err(why)
            }
        }
    }

    /// Tries again after [`FIRST_RETRY`], doubling to [`AT_MOST`], until Matrix starts; then
    /// lists the records made outside the homes, which needed Matrix's.
    async fn again(self) {
        let since = tokio::time::Instant::now();
        let mut wait = FIRST_RETRY;
        loop {
            tokio::time::sleep(wait).await;
            match self.once().await {
                Ok(_) => {
                    tracing::info!(after_s = since.elapsed().as_secs(), "Matrix: started after trying again");
                    let homes = self.started.lock().await.as_ref().map(|m| m.homes.clone()).unwrap_or_default();
                    list_leftovers(&self.args, &self.org, self.args.discord.token.is_some(), &homes).await;
                    return;
                }
                Err(why) => {
                    wait = (wait * 2).min(AT_MOST);
                    tracing::error!(error = %why, next_try_s = wait.as_secs(), "Matrix: still not started");
                }
            }
        }
    }
}

impl MatrixSlot {
    /// Tries once now; on failure, says why and keeps trying in the background.
    async fn start(
        args: &RunArgs,
        org: &Organization,
        supervisor: &Tasks,
        later: Arc<Later>,
        status: &mut Vec<String>,
    ) -> MatrixSlot {
        let attempt = MatrixTry {
            args: args.clone(),
            org: org.clone(),
            supervisor: supervisor.clone(),
            state: Arc::new(MatrixState::default()),
            started: Arc::new(tokio::sync::Mutex::new(None)),
            later,
            standings: Arc::default(),
        };
        let retry = match attempt.once().await {
            Ok(me) => {
                status.push(format!("Matrix: connected as {me}"));
                None
            }
            Err(why) => {
                status.push(format!(
                    "Matrix: not started ({why}); trying again in {} s, and then less and less often, while the rest runs",
                    FIRST_RETRY.as_secs()
                ));
                Some(tokio::spawn(attempt.clone().again()))
            }
        };
        MatrixSlot { state: attempt.state, standings: attempt.standings, started: attempt.started, retry }
    }

    /// The home rooms, once Matrix has started.
    async fn homes(&self) -> Option<Vec<matrix_sdk::ruma::OwnedRoomId>> {
        self.started.lock().await.as_ref().map(|m| m.homes.clone())
    }

    /// Stops trying, and stops Matrix if it started.
    async fn stop(self) {
        if let Some(retry) = self.retry {
            retry.abort();
        }
        if let Some(m) = self.started.lock().await.take() {
            m.stop().await;
        }
    }
}

/// Organizer records made from places that are not home today (or before homes were
/// declared): listed, group by group, so whoever runs the bot can look at them and undo what
/// is not theirs.
async fn list_leftovers(
    args: &RunArgs,
    org: &Organization,
    discord_on: bool,
    matrix_homes: &[matrix_sdk::ruma::OwnedRoomId],
) {
    for engine in org.groups().values() {
        let content = engine.content().current();
        let mut homes: Vec<String> = ["console", "discord:dm", "matrix:dm"].map(String::from).to_vec();
        if discord_on || args.discord.public_key.is_some() {
            if content.group.id.is_single() {
                homes.extend(args.discord.homes().iter().map(|g| format!("discord:{g}")));
            }
            homes.extend(content.group.home.discord.iter().map(|p| format!("discord:{}", p.server)));
        }
        homes.extend(matrix_homes.iter().map(|r| format!("matrix:{r}")));
        homes.extend(content.group.home.matrix.iter().map(|r| format!("matrix:{r}")));
        match engine.store().leftovers(&homes).await {
            Ok(found) => {
                for l in &found {
                    tracing::warn!(group = %engine.group(), kind = l.kind, what = %l.what, origin = %l.origin, "made outside the group's home: check it (undo it with an organizer command if it is not the group's)");
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot list records made outside the home"),
        }
    }
}
