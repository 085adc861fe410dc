//! The HTTP server (axum): the calendar feed, health and metrics, Discord's interactions
//! endpoint, and the door of the organizers' dashboard ([`dashboard_access`]).

mod dashboard;
pub mod dashboard_access;
mod feed;
mod health;
mod interactions;
mod pages;
mod stall;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use crate::discord::Bot;
use crate::discord::verify::InteractionVerifier;
use crate::engine::Organization;

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    /// Every group the deployment answers for.
    pub org: Organization,
    /// Discord's interaction answerer and the key to check requests with, when configured.
    pub discord: Option<(Arc<Bot>, Arc<InteractionVerifier>)>,
    /// The platforms whose connection health reports.
    pub platforms: Platforms,
    /// The public pages, and those made lately.
    pub site: crate::web::Site,
}

impl AppState {
    /// The state for `org`'s routes, with no Discord endpoint and no platforms to report.
    pub fn new(org: Organization) -> AppState {
        AppState { site: crate::web::Site::new(org.clone()), org, discord: None, platforms: Platforms::default() }
    }

    /// With Discord's interactions endpoint.
    pub fn with_discord(mut self, discord: Option<(Arc<Bot>, Arc<InteractionVerifier>)>) -> AppState {
        self.discord = discord;
        self
    }

    /// With the platforms whose health `/healthz` reports.
    pub fn with_platforms(mut self, platforms: Platforms) -> AppState {
        self.platforms = platforms;
        self
    }

    /// With public pages made by `site` (tests fix its clock).
    pub fn with_site(mut self, site: crate::web::Site) -> AppState {
        self.site = site;
        self
    }
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
    /// How each platform reads a person's standing in a group's home now: the dashboard's
    /// sessions are checked through these while they last.
    pub standings: dashboard_access::StandingReaders,
}

impl Platforms {
    /// `(name, connected)` for each configured platform.
    pub fn connected(&self) -> Vec<(&'static str, bool)> {
        let mut out = Vec::new();
        if let Some(d) = &self.discord {
            out.push(("discord", d.link.is_up()));
        }
        if let Some(m) = &self.matrix {
            out.push(("matrix", m.link.is_up()));
        }
        out
    }
}

/// Every route on one address.
pub fn router(state: AppState) -> Router {
    public_router(state.clone()).merge(health_router(state))
}

/// What the public needs: the pages, the calendar feeds, Discord's interactions endpoint and
/// the organizers' dashboard.
pub fn public_router(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::front))
        .route("/embed", get(pages::front_embed))
        .route("/feed.json", get(pages::front_json))
        .route("/{lang}", get(pages::front_in))
        .route("/{lang}/", get(pages::front_in))
        .route("/{lang}/embed", get(pages::front_embed_in))
        .route("/{lang}/feed.json", get(pages::front_json_in))
        .route("/groups/{group}", get(pages::group))
        .route("/groups/{group}/", get(pages::group))
        .route("/groups/{group}/embed", get(pages::group_embed))
        .route("/groups/{group}/feed.json", get(pages::group_json))
        .route("/groups/{group}/{lang}", get(pages::group_in))
        .route("/groups/{group}/{lang}/", get(pages::group_in))
        .route("/groups/{group}/{lang}/embed", get(pages::group_embed_in))
        .route("/groups/{group}/{lang}/feed.json", get(pages::group_json_in))
        .route("/calendar.ics", get(feed::all))
        .route("/calendar/{file}", get(feed::one))
        .route("/groups/{group}/calendar.ics", get(feed::group_all))
        .route("/groups/{group}/calendar/{file}", get(feed::group_one))
        .route("/me/{file}", get(feed::mine))
        .route("/discord/interactions", post(interactions::handle))
        .route("/dashboard/", get(dashboard::index))
        .route("/dashboard/campaigns/{slug}", get(dashboard::campaign))
        .route("/dashboard/campaigns/{slug}/signups.csv", get(dashboard::signups_csv))
        .route("/dashboard/meetings/{slug}", get(dashboard::meeting))
        .route("/dashboard/meetings/{slug}/{date}/attendees.csv", get(dashboard::attendees_csv))
        .merge(dashboard_access::routes())
        .layer(axum::middleware::from_fn(dashboard_access::private_headers))
        .with_state(state)
}

/// The public routes, and `/healthz` saying only "ok" or "unhealthy" and which process
/// answers (its details stay on the metrics address): served on the public address when
/// health and metrics have their own, so `convoca doctor` can tell the public URL reaches
/// this bot.
pub fn public_router_with_status(state: AppState) -> Router {
    public_router(state.clone()).merge(Router::new().route("/healthz", get(health::brief)).with_state(state))
}

/// What whoever hosts the bot needs: health and metrics.
pub fn health_router(state: AppState) -> Router {
    Router::new().route("/healthz", get(health::healthz)).route("/metrics", get(health::metrics)).with_state(state)
}

/// How much the server lets any one peer hold.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// A connection must send a request's headers within this (a slow sender holds nothing
    /// for longer), also between requests on a kept-alive connection.
    pub header_read: Duration,
    /// A request is answered within this, or with 503.
    pub request: Duration,
    /// Connections open at once; more are closed at once.
    pub connections: usize,
    /// Connections open at once from one address: one peer cannot take them all.
    pub per_peer: usize,
    /// A write that makes no progress for this long closes the connection: a client that
    /// stops reading answers holds nothing for longer.
    pub write_stall: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_read: Duration::from_secs(5),
            request: Duration::from_secs(30),
            connections: 512,
            per_peer: 32,
            write_stall: Duration::from_secs(30),
        }
    }
}

/// Connections open per peer address, each counted while its [`PeerSlot`] lives.
#[derive(Clone, Default)]
struct Peers(Arc<std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, usize>>>);

/// One connection of one peer; dropping it frees the place.
struct PeerSlot {
    peers: Peers,
    ip: std::net::IpAddr,
}

impl Peers {
    /// A place for one more connection from `ip`, unless it holds `limit` already.
    fn take(&self, ip: std::net::IpAddr, limit: usize) -> Option<PeerSlot> {
        let mut open = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let n = open.entry(ip).or_default();
        if *n >= limit {
            return None;
        }
        *n += 1;
        Some(PeerSlot { peers: self.clone(), ip })
    }
}

impl Drop for PeerSlot {
    fn drop(&mut self) {
        let mut open = self.peers.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

/// Serves every route until `stop` turns true. Returns the address actually bound (port 0
/// picks one).
pub async fn serve(
    bind: SocketAddr,
    state: AppState,
    stop: watch::Receiver<bool>,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    serve_app(bind, router(state), stop, Limits::default()).await
}

/// Serves `app` on `bind` within `limits` until `stop` turns true, then lets requests under
/// way finish (for five seconds at most).
pub async fn serve_app(
    bind: SocketAddr,
    app: Router,
    stop: watch::Receiver<bool>,
    limits: Limits,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind(bind).await?;
    let addr = listener.local_addr()?;
    let app = app.layer(axum::middleware::from_fn(move |req, next| within(limits.request, req, next)));
    let permits = Arc::new(Semaphore::new(limits.connections));
    let peers = Peers::default();
    let task = tokio::spawn(async move {
        let mut conns = JoinSet::new();
        loop {
            let (stream, peer) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        // Out of file descriptors, usually: wait a moment rather than spin.
                        tracing::warn!(error = %e, "HTTP: cannot accept a connection");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                },
                _ = stopped(stop.clone()) => break,
            };
            // One peer's share first, so a peer at its limit takes no place from the others.
            let Some(slot) = peers.take(peer.ip(), limits.per_peer) else {
                tracing::debug!(
                    limit = limits.per_peer,
                    "HTTP: one address holds its share of connections; closing a new one"
                );
                continue;
            };
            let Ok(permit) = Arc::clone(&permits).try_acquire_owned() else {
                tracing::warn!(limit = limits.connections, "HTTP: too many connections; closing a new one");
                continue;
            };
            let service = TowerToHyperService::new(app.clone());
            let stop = stop.clone();
            conns.spawn(async move {
                let _held = (permit, slot);
                let conn = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(limits.header_read)
                    .serve_connection(TokioIo::new(stall::WriteStall::new(stream, limits.write_stall)), service);
                tokio::pin!(conn);
                let stopping = tokio::select! {
                    _ = conn.as_mut() => false,
                    _ = stopped(stop) => true,
                };
                if stopping {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            });
            while conns.try_join_next().is_some() {}
        }
        let _ =
            tokio::time::timeout(Duration::from_secs(5), async { while conns.join_next().await.is_some() {} }).await;
    });
    tracing::info!(%addr, "HTTP server listening");
    Ok((addr, task))
}

/// Resolves once `stop` turns true (or its sender is gone).
async fn stopped(mut stop: watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

/// Answers 503 for a request not answered within `limit`.
async fn within(
    limit: Duration,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => (axum::http::StatusCode::SERVICE_UNAVAILABLE, "not answered in time; try again\n").into_response(),
    }
}
