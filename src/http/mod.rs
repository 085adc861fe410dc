//! The HTTP server (axum): the calendar feed, health and metrics, and Discord's interactions
//! endpoint.

mod feed;
mod health;
mod interactions;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use tokio::sync::watch;

use crate::discord::Bot;
use crate::discord::verify::InteractionVerifier;
use crate::engine::Engine;

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    /// The engine.
    pub engine: Engine,
    /// Discord's interaction answerer and the key to check requests with, when configured.
    pub discord: Option<(Arc<Bot>, Arc<InteractionVerifier>)>,
    /// The platforms whose connection health reports.
    pub platforms: Platforms,
}

/// The configured chat platforms' connection states.
#[derive(Clone, Default)]
pub struct Platforms {
    /// Discord's gateway, when configured.
    pub discord: Option<Arc<crate::discord::GatewayState>>,
    /// Matrix's sync loop, when configured.
    pub matrix: Option<Arc<crate::matrix::MatrixState>>,
    /// The long-running tasks: any that is down makes the bot unhealthy.
    pub tasks: crate::supervisor::Tasks,
}

impl Platforms {
    /// `(name, connected)` for each configured platform.
    pub fn connected(&self) -> Vec<(&'static str, bool)> {
        use std::sync::atomic::Ordering;
        let mut out = Vec::new();
        if let Some(d) = &self.discord {
            out.push(("discord", d.connected.load(Ordering::Relaxed)));
        }
        if let Some(m) = &self.matrix {
            out.push(("matrix", m.connected.load(Ordering::Relaxed)));
        }
        out
    }
}

/// The routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/calendar.ics", get(feed::all))
        .route("/calendar/{file}", get(feed::one))
        .route("/healthz", get(health::healthz))
        .route("/metrics", get(health::metrics))
        .route("/discord/interactions", post(interactions::handle))
        .with_state(state)
}

/// Serves until `stop` turns true. Returns the address actually bound (port 0 picks one).
pub async fn serve(
    bind: SocketAddr,
    state: AppState,
    mut stop: watch::Receiver<bool>,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind(bind).await?;
    let addr = listener.local_addr()?;
    let app = router(state);
    let task = tokio::spawn(async move {
        let shutdown = async move {
            let _ = stop.wait_for(|s| *s).await;
        };
        if let Err(e) = axum::serve(listener, app).with_graceful_shutdown(shutdown).await {
            tracing::error!(error = %e, "HTTP server stopped");
        }
    });
    tracing::info!(%addr, "HTTP server listening");
    Ok((addr, task))
}
