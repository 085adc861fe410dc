//! `/calendar.ics` and `/calendar/<meeting>.ics`: the meetings as a feed calendar apps
//! subscribe to, organizers' changes included, with an alarm an hour before.

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;

use super::AppState;
use crate::agenda::{Agenda, ics};
use crate::calendar::Lead;
use crate::locale::Locale;

/// `?lang=es` picks the language of titles.
#[derive(serde::Deserialize)]
pub struct Lang {
    lang: Option<String>,
}

/// Every meeting.
pub async fn all(State(state): State<AppState>, Query(q): Query<Lang>) -> Response {
    feed(&state, None, q.lang.as_deref()).await
}

/// One meeting: `/calendar/monthly.ics`.
pub async fn one(State(state): State<AppState>, Path(file): Path<String>, Query(q): Query<Lang>) -> Response {
    let Some(slug) = file.strip_suffix(".ics") else {
        return (StatusCode::NOT_FOUND, "calendars end in .ics").into_response();
    };
    feed(&state, Some(slug), q.lang.as_deref()).await
}

/// One person's calendar: `/me/<token>.ics` (see `mycalendar`). An unknown token is a 404
/// that says nothing about why (never issued, reset, or erased).
pub async fn mine(State(state): State<AppState>, Path(file): Path<String>, Query(q): Query<Lang>) -> Response {
    let gone = || (StatusCode::NOT_FOUND, "no such calendar").into_response();
    let Some(token) = file.strip_suffix(".ics").filter(|t| crate::engine::answers::personal::is_token(t)) else {
        return gone();
    };
    let unavailable = |e: crate::store::StoreError| {
        tracing::error!(error = %e, "personal calendar: database unavailable");
        (StatusCode::SERVICE_UNAVAILABLE, "the calendar is unavailable right now; try again in a minute")
            .into_response()
    };
    let mine = match state.engine.store().feed(token, chrono::Utc::now()).await {
        Ok(Some(mine)) => mine,
        Ok(None) => return gone(),
        Err(e) => return unavailable(e),
    };
    let changes = match state.engine.calendar_changes().await {
        Ok(o) => o,
        Err(e) => return unavailable(e),
    };
    let content = state.engine.content().current();
    let agenda = Agenda::new(&content, &changes);
    let locale = q.lang.as_deref().map_or(content.group.language, Locale::from_tag);
    let opts = ics::FeedOptions { only: None, locale, now: Utc::now(), alarm: Some(Lead::HOUR) };
    let group = state.engine.group();
    let going: Vec<_> = mine.going.into_iter().filter(|(g, _)| g == group).map(|(_, at)| at).collect();
    let actions: Vec<_> = mine.actions.into_iter().filter(|(g, ..)| g == group).map(|(_, c, a)| (c, a)).collect();
    let body = ics::write_personal(&agenda, &going, &actions, opts);
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            // Private: no shared cache keeps it, and a reset link stops working at once.
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        body,
    )
        .into_response()
}

async fn feed(state: &AppState, only: Option<&str>, lang: Option<&str>) -> Response {
    let content = state.engine.content().current();
    let changes = match state.engine.calendar_changes().await {
        Ok(o) => o,
        Err(e) => {
            tracing::error!(error = %e, "calendar feed: database unavailable");
            return (StatusCode::SERVICE_UNAVAILABLE, "the calendar is unavailable right now; try again in a minute")
                .into_response();
        }
    };
    let agenda = Agenda::new(&content, &changes);
    if let Some(slug) = only
        && agenda.meeting(slug).is_none()
    {
        let names: Vec<String> = agenda.meetings().map(|m| format!("/calendar/{}.ics", m.slug)).collect();
        return (
            StatusCode::NOT_FOUND,
            format!("no meeting is called `{slug}`; calendars: /calendar.ics {}", names.join(" ")),
        )
            .into_response();
    }
    let locale = lang.map_or(content.group.language, Locale::from_tag);
    let body = ics::write(&agenda, ics::FeedOptions { only, locale, now: Utc::now(), alarm: Some(Lead::HOUR) });
    ([(header::CONTENT_TYPE, "text/calendar; charset=utf-8"), (header::CACHE_CONTROL, "max-age=300")], body)
        .into_response()
}
