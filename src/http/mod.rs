//! The HTTP server (axum): Discord's interactions endpoint, and whatever else the bot serves
//! to the outside.

mod interactions;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::routing::post;
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
}

/// The routes.
pub fn router(state: AppState) -> Router {
    Router::new().route("/discord/interactions", post(interactions::handle)).with_state(state)
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
