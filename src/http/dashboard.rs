//! The organizers' dashboard pages under `/dashboard/`: the overview, a campaign, a meeting,
//! and the same CSV files as `/export` and `/attendees`. Each takes an [`Organizer`] first
//! (the session's group, its person's standing re-read from the home), so a page shows that
//! group's records and nothing else, whatever its address says.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDate;

use super::AppState;
use super::dashboard_access::Organizer;
use crate::engine::answers::{attendees, roster};
use crate::store::{OccurrenceRef, StoreError};
use crate::web::dashboard::pages;

/// Where the dashboard lives.
const BASE: &str = "/dashboard";

/// `?page=2` on a campaign's page: which hundred lines of its roster.
#[derive(serde::Deserialize)]
pub struct Page {
    page: Option<i64>,
}

/// `GET /dashboard/`.
pub async fn index(State(state): State<AppState>, o: Organizer) -> Response {
    html(pages::index(&o.engine, BASE, o.session.locale, state.site.now()).await.map(Some))
}

/// `GET /dashboard/campaigns/<slug>`.
pub async fn campaign(
    State(state): State<AppState>,
    o: Organizer,
    Path(slug): Path<String>,
    Query(q): Query<Page>,
) -> Response {
    let page = q.page.unwrap_or(1);
    html(pages::campaign(&o.engine, BASE, &slug, page, o.session.locale, state.site.now()).await)
}

/// `GET /dashboard/meetings/<slug>`.
pub async fn meeting(State(state): State<AppState>, o: Organizer, Path(slug): Path<String>) -> Response {
    html(pages::meeting(&o.engine, BASE, &slug, o.session.locale, state.site.now()).await)
}

/// `GET /dashboard/campaigns/<slug>/signups.csv`: the file `/export` attaches.
pub async fn signups_csv(State(state): State<AppState>, o: Organizer, Path(slug): Path<String>) -> Response {
    let content = o.engine.content().current();
    let Some(c) = content.campaign(&slug) else { return not_found() };
    let entries = match o.engine.store().roster(&c.slug).await {
        Ok(entries) => entries,
        Err(e) => return store_failed(e),
    };
    let name = format!("{}-signups-{}.csv", c.slug, state.site.now().format("%Y-%m-%d"));
    csv(roster::csv(&c.slug, &entries), &name)
}

/// `GET /dashboard/meetings/<slug>/<date>/attendees.csv`: the file `/attendees` attaches
/// (a meeting added in chat has one too).
pub async fn attendees_csv(o: Organizer, Path((slug, date)): Path<(String, String)>) -> Response {
    let content = o.engine.content().current();
    let changes = match o.engine.calendar_changes().await {
        Ok(changes) => changes,
        Err(e) => return store_failed(e),
    };
    let agenda = crate::agenda::Agenda::new(&content, &changes);
    let (Some(m), Ok(date)) = (agenda.meeting(&slug), NaiveDate::parse_from_str(&date, "%Y-%m-%d")) else {
        return not_found();
    };
    let reference = OccurrenceRef { meeting: m.slug.clone(), date };
    let list = match o.engine.store().attendees(&reference).await {
        Ok(list) => list,
        Err(e) => return store_failed(e),
    };
    let name = format!("{}-{}-attendees.csv", reference.meeting, reference.date);
    csv(attendees::to_csv(&reference.meeting, &reference.date.to_string(), &list), &name)
}

fn html(page: Result<Option<String>, StoreError>) -> Response {
    match page {
        Ok(Some(body)) => Html(body).into_response(),
        Ok(None) => not_found(),
        Err(e) => store_failed(e),
    }
}

fn csv(data: Result<Vec<u8>, csv::Error>, name: &str) -> Response {
    let Ok(data) = data else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "the file could not be written").into_response();
    };
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .unwrap_or(HeaderValue::from_static("attachment"));
    let mut response = data.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    response.headers_mut().insert(header::CONTENT_DISPOSITION, disposition);
    response
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "no such page on this dashboard").into_response()
}

fn store_failed(e: StoreError) -> Response {
    tracing::error!(error = %e, "dashboard: the database could not be read");
    (StatusCode::SERVICE_UNAVAILABLE, "the database could not be read; try again in a moment").into_response()
}
