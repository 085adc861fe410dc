//! Everything `convoca run` starts, in order: the chat platforms that are configured, the
//! scheduler and content watcher, and the HTTP server; and the same stopped in order.

use std::sync::Arc;

use tokio::sync::watch;

use super::Service;
use crate::chat::Platform;
use crate::config::RunArgs;
use crate::console::ConsoleSender;
use crate::discord::verify::InteractionVerifier;
use crate::discord::{Bot, DiscordSender, Gateway};
use crate::engine::Engine;
use crate::http::AppState;
use crate::matrix::Matrix;
use crate::reminders::{Senders, SystemClock};
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
    /// The Matrix session could not start.
    #[error("{0:#}")]
    Matrix(anyhow::Error),
    /// The HTTP server could not listen.
    #[error("cannot listen on {bind}: {source}")]
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
    matrix: Option<Matrix>,
    http: Vec<tokio::task::JoinHandle<()>>,
    /// One line per platform: on, off and why, or where it listens.
    pub status: Vec<String>,
    /// The long-running tasks, each restarted if it dies; `/healthz` names any that is down.
    pub supervisor: Tasks,
}

impl Running {
    /// Starts each configured platform, then the scheduler (posting to every platform that
    /// started, and printing `console:` reminders), then the HTTP server.
    pub async fn start(args: &RunArgs, engine: &Engine) -> Result<Running, StartError> {
        let mut senders = Senders::new().with(Platform::Console, Arc::new(ConsoleSender));
        let mut status = Vec::new();
        let supervisor = Tasks::new();

        let gateway = match &args.discord.token {
            None => {
                status.push("Discord: off (DISCORD_TOKEN is not set)".to_string());
                None
            }
            Some(_) => {
                let g = Gateway::start_supervised(&args.discord, engine.clone(), Arc::new(SystemClock), &supervisor)
                    .await
                    .map_err(StartError::Discord)?;
                let homes: Vec<String> = args.discord.homes().iter().map(u64::to_string).collect();
                status.push(format!("Discord: connecting (home server {})", homes.join(", ")));
                let home_ids = args.discord.homes().iter().map(|&id| serenity::all::GuildId::new(id)).collect();
                senders =
                    senders.with(Platform::Discord, Arc::new(DiscordSender::new(Arc::clone(&g.http)).homes(home_ids)));
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
            let m = Matrix::start_supervised(&args.matrix, engine.clone(), &supervisor)
                .await
                .map_err(StartError::Matrix)?;
            status.push(format!(
                "Matrix: connected as {}",
                m.client.user_id().map(|u| u.to_string()).unwrap_or_default()
            ));
            senders = senders.with(Platform::Matrix, Arc::new(m.sender()));
            Some(m)
        };
        list_leftovers(args, engine, gateway.is_some(), matrix.as_ref()).await;

        let service = Service::start(engine, senders, Arc::new(SystemClock), &supervisor);
        let mut running = Running { service, gateway, matrix, http: Vec::new(), status, supervisor };
        running.serve_http(args, engine).await?;
        give_back_startup_memory();
        Ok(running)
    }

    /// The HTTP server: the public routes and a details-free `/healthz` on
    /// `CONVOCA_HTTP_BIND`; the detailed health and the metrics only on `CONVOCA_METRICS_BIND`
    /// (they say which platforms are down and time each command: not for the public).
    async fn serve_http(&mut self, args: &RunArgs, engine: &Engine) -> Result<(), StartError> {
        use crate::http::{Limits, health_router, public_router_with_status, serve_app};
        let (public, private) = (args.http.bind, args.http.metrics_bind);
        if public.is_none() && private.is_none() {
            return Ok(());
        }
        let state = self.http_state(args, engine)?;
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
    /// the interaction's own), and the platforms' state for `/healthz`.
    fn http_state(&self, args: &RunArgs, engine: &Engine) -> Result<AppState, StartError> {
        let discord = match &args.discord.public_key {
            None => None,
            Some(key) => {
                let verifier = InteractionVerifier::new(key).map_err(|e| StartError::PublicKey(e.to_string()))?;
                let bot = match &self.gateway {
                    Some(g) => Arc::clone(&g.bot),
                    None => Arc::new(Bot::new(
                        engine.clone(),
                        Arc::new(crate::discord::http_client(&args.discord, "")),
                        args.discord.organizer_role.clone(),
                        crate::discord::home_guilds(&args.discord),
                    )),
                };
                Some((bot, Arc::new(verifier)))
            }
        };
        let platforms = crate::http::Platforms {
            discord: self.gateway.as_ref().map(|g| Arc::clone(&g.state)),
            matrix: self.matrix.as_ref().map(|m| Arc::clone(&m.state)),
            tasks: self.supervisor.clone(),
        };
        Ok(AppState { engine: engine.clone(), discord, platforms })
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

/// Start-up (the Matrix store's first sync, the catch-up on reactions, registering Discord's
/// commands) allocates and frees far more than the running bot holds; glibc keeps the freed
/// pages. Giving them back once keeps a bot that runs for weeks within its memory budget.
fn give_back_startup_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free heap pages to the system; it takes no pointers.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Organizer records made from places that are not home today (or before homes were
/// declared): listed so whoever runs the bot can look at them and undo what is not theirs.
async fn list_leftovers(args: &RunArgs, engine: &Engine, discord_on: bool, matrix: Option<&Matrix>) {
    let mut homes: Vec<String> = ["console", "discord:dm", "matrix:dm"].map(String::from).to_vec();
    if discord_on || args.discord.public_key.is_some() {
        homes.extend(args.discord.homes().iter().map(|g| format!("discord:{g}")));
    }
    if let Some(m) = matrix {
        homes.extend(m.homes.iter().map(|r| format!("matrix:{r}")));
    }
    match engine.store().leftovers(&homes).await {
        Ok(found) => {
            for l in &found {
                tracing::warn!(kind = l.kind, what = %l.what, origin = %l.origin, "made outside the group's home: check it (undo it with an organizer command if it is not the group's)");
            }
        }
        Err(e) => tracing::warn!(error = %e, "cannot list records made outside the home"),
    }
}
