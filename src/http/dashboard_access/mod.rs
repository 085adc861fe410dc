//! The door of the organizers' dashboard: how an organizer gets in from chat, stays in while
//! they organize, and how everyone else is kept out.
//!
//! - `/dashboard` in chat (organizers only, by the group's home) answers privately with
//!   `<public URL>/dashboard/open/<token>`, good once for ten minutes.
//! - `GET /dashboard/open/<token>` only shows a button: chat apps and link previewers fetch
//!   every URL they see, and must not spend the link. A link used, run out or made up gets
//!   410 and a page saying how to ask for a new one.
//! - `POST /dashboard/open/<token>` (the button) spends the link, opens a session for its
//!   person and group, sets the session cookie (see [`cookie`]) and answers 303 to
//!   `/dashboard/`.
//! - Every page under `/dashboard/` takes an [`Organizer`]: the session's person and group.
//!   The layout is one dashboard per browser: the cookie names one session, the session one
//!   group, so the pages' addresses do not name the group (opening another group's link
//!   switches the browser to that group).
//! - `POST /dashboard/signout` ends the session.
//!
//! Every answer under `/dashboard` is marked `Cache-Control: no-store` and
//! `Referrer-Policy: no-referrer` and may not be framed; nothing here logs a token, a
//! session key or a person's id above debug.

mod cookie;
mod organizer;
mod page;

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Duration, Utc};

pub use cookie::NAME as COOKIE;
pub use organizer::{Organizer, Refused};

use super::AppState;
use crate::chat::{Platform, Standing, Standings};
use crate::engine::texts;
use crate::group_id::GroupId;
use crate::locale::Locale;
use crate::store::LinkToken;

/// How long a session lasts from when its link was used, whatever happens: a browser left
/// signed in on a shared computer closes by itself within a working day.
pub const SESSION_LIFETIME: Duration = Duration::hours(12);

/// How often a session's person's standing is read again from the group's home: a role taken
/// away in chat closes the dashboard within this time.
pub const RECHECK_EVERY: Duration = Duration::minutes(2);

/// How long a session stays open after its last good reading while the platform cannot say
/// (down, reconnecting): a short outage does not close dashboards, a long one does.
pub const UNSURE_FOR: Duration = Duration::minutes(10);

/// How long one reading may take before it counts as "cannot say now".
const READ_WITHIN: std::time::Duration = std::time::Duration::from_secs(5);

/// Each platform's reader of standing in a group's home (see [`Standings`]): the running bot
/// gives one per platform it connects to. A platform with none cannot tell anyone's standing,
/// so its sessions last [`UNSURE_FOR`] past their link.
#[derive(Clone, Default)]
pub struct StandingReaders(HashMap<Platform, Arc<dyn Standings>>);

impl StandingReaders {
    /// These readers, and `reader` for `platform`.
    pub fn with(mut self, platform: Platform, reader: Arc<dyn Standings>) -> StandingReaders {
        self.0.insert(platform, reader);
        self
    }

    /// `user`'s standing on `platform` in `group`'s home now, within [`READ_WITHIN`]; `None`
    /// when it cannot be told.
    pub async fn read(&self, platform: Platform, user: &str, group: &GroupId) -> Option<Standing> {
        let reader = self.0.get(&platform)?;
        tokio::time::timeout(READ_WITHIN, reader.standing(user, group)).await.ok().flatten()
    }
}

/// The door's routes (the dashboard's own pages are `super::dashboard`'s).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard", get(|| async { Redirect::permanent("/dashboard/") }))
        .route("/dashboard/open/{token}", get(ask_to_open).post(open))
        .route("/dashboard/signout", post(sign_out))
}

/// Marks every answer under `/dashboard`: kept by no cache, sent as no referrer to the sites
/// its links lead to, shown in no other site's frame.
pub async fn private_headers(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let dashboard = req.uri().path().starts_with("/dashboard");
    let mut response = next.run(req).await;
    if dashboard {
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        // Nothing runs and nothing loads from elsewhere: a name a member chose is shown on
        // these pages, and a slip in escaping it must not run in an organizer's session.
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
            ),
        );
        headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    }
    response
}

/// `GET /dashboard/open/<token>`: a button that opens the dashboard, in its person's
/// language; nothing is spent.
async fn ask_to_open(State(state): State<AppState>, Path(token): Path<String>, headers: HeaderMap) -> Response {
    let asked = page::accepted_language(&headers).unwrap_or_default();
    let pending = match LinkToken::parse(&token) {
        Some(token) => state.org.any().store().dashboard_link(&token, Utc::now()).await,
        None => Ok(None),
    };
    let link = match pending {
        Ok(Some(link)) => link,
        Ok(None) => return gone(asked),
        Err(e) => return unavailable(asked, e),
    };
    let Some(name) = group_name(&state, &link.group, link.locale) else { return gone(asked) };
    let l = link.locale;
    let title = texts::fill(texts::dashboard_open_title(l), &[("group", &name)]);
    let lead = texts::fill(texts::dashboard_open_lead(l), &[("group", &name), ("hours", &lifetime_hours())]);
    let button = page::Button { action: None, label: texts::dashboard_open_button(l) };
    page::page(StatusCode::OK, l, &title, &[lead.as_str()], Some(button))
}

/// `POST /dashboard/open/<token>`: spends the link, opens the session, sets its cookie and
/// sends the browser to the dashboard.
async fn open(State(state): State<AppState>, Path(token): Path<String>, headers: HeaderMap) -> Response {
    let asked = page::accepted_language(&headers).unwrap_or_default();
    if cookie::from_another_site(&headers) {
        let body = [texts::dashboard_elsewhere(asked)];
        return page::page(StatusCode::FORBIDDEN, asked, texts::dashboard_closed_title(asked), &body, None);
    }
    let Some(token) = LinkToken::parse(&token) else { return gone(asked) };
    let store = state.org.any().store();
    let opened = match store.redeem_dashboard_link(&token, SESSION_LIFETIME, Utc::now()).await {
        Ok(Some(opened)) => opened,
        Ok(None) => return gone(asked),
        Err(e) => return unavailable(asked, e),
    };
    if state.org.group(&opened.session.group).is_none() {
        let _ = store.end_dashboard_session(&opened.key).await;
        return gone(asked);
    }
    // The session this browser had before (another group's, or an earlier one) ends: it
    // could no longer be reached.
    if let Some(before) = cookie::session_of(&headers) {
        let _ = store.end_dashboard_session(&before).await;
    }
    tracing::info!(group = %opened.session.group, "dashboard: a session opened");
    let secure = cookie::over_https(state.org.any().settings().public_url.as_deref(), &headers);
    let mut response = Redirect::to("/dashboard/").into_response();
    response.headers_mut().append(header::SET_COOKIE, cookie::set(&opened.key, SESSION_LIFETIME.num_seconds(), secure));
    response
}

/// `POST /dashboard/signout`: the session ends and the browser forgets it. Open to anyone: it
/// only ever ends the session the request's own cookie names.
async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let mut l = page::accepted_language(&headers).unwrap_or_default();
    if let Some(key) = cookie::session_of(&headers) {
        let store = state.org.any().store();
        if let Ok(Some(session)) = store.dashboard_session(&key, Utc::now()).await {
            l = session.locale;
        }
        if let Err(e) = store.end_dashboard_session(&key).await {
            return unavailable(l, e);
        }
    }
    let secure = cookie::over_https(state.org.any().settings().public_url.as_deref(), &headers);
    let title = texts::dashboard_sign_out(l);
    let mut response = page::page(StatusCode::OK, l, title, &[texts::dashboard_signed_out(l)], None);
    response.headers_mut().append(header::SET_COOKIE, cookie::clear(secure));
    response
}

/// The group's name in `l`, if the deployment still has the group.
fn group_name(state: &AppState, group: &GroupId, l: Locale) -> Option<String> {
    state.org.group(group).map(|engine| engine.content().current().group.name.get(l).to_string())
}

/// A link used, run out, never made, or of a group since removed: one answer for all, so
/// that nothing is learnt by trying.
fn gone(l: Locale) -> Response {
    let line = texts::fill(texts::dashboard_link_gone(l), &[("word", ask_again(l))]);
    page::page(StatusCode::GONE, l, texts::dashboard_link_gone_title(l), &[line.as_str()], None)
}

/// The command that gives a new link, in `l`, as its declaration spells it.
pub(super) fn ask_again(l: Locale) -> &'static str {
    crate::engine::catalog::DASHBOARD.name.get(l)
}

/// How long a session lasts, in hours, for the pages that say so.
pub(super) fn lifetime_hours() -> String {
    SESSION_LIFETIME.num_hours().to_string()
}

/// The database did not answer.
fn unavailable(l: Locale, e: crate::store::StoreError) -> Response {
    tracing::error!(error = %e, "dashboard: the database did not answer");
    page::page(StatusCode::SERVICE_UNAVAILABLE, l, texts::dashboard_unsure_title(l), &[texts::store_error(l)], None)
}
