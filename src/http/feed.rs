//! `/calendar.ics` and `/calendar/<meeting>.ics`: the meetings as a feed calendar apps
//! subscribe to, organizers' changes included, with an alarm an hour before.

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;

use super::AppState;
use crate::agenda::{Agenda, ics};
use crate::calendar::Lead;
use crate::engine::Engine;
use crate::group_id::GroupId;
use crate::locale::Locale;

/// `?lang=es` picks the language of titles.
#[derive(serde::Deserialize)]
pub struct Lang {
    lang: Option<String>,
}

/// Every meeting of the deployment's only group (or of the group a one-group deployment
/// became in its organization: the address its members subscribed to keeps working).
pub async fn all(State(state): State<AppState>, Query(q): Query<Lang>) -> Response {
    match first_address_of(&state).await {
        Some(engine) => feed(&engine, None, q.lang.as_deref()).await,
        None => which_group(&state),
    }
}

/// One meeting of that group: `/calendar/monthly.ics`.
pub async fn one(State(state): State<AppState>, Path(file): Path<String>, Query(q): Query<Lang>) -> Response {
    let Some(slug) = file.strip_suffix(".ics") else {
        return (StatusCode::NOT_FOUND, "calendars end in .ics").into_response();
    };
    match first_address_of(&state).await {
        Some(engine) => feed(&engine, Some(slug), q.lang.as_deref()).await,
        None => which_group(&state),
    }
}

/// The group `/calendar.ics` belongs to: the only one, or the one `migrate --into-group`
/// moved a one-group deployment into.
async fn first_address_of(state: &AppState) -> Option<Engine> {
    if let Some(only) = state.org.only() {
        return Some(only);
    }
    let moved = state.org.any().store().moved_into().await.ok().flatten()?;
    state.org.group(&moved)
}

/// Every meeting of one group of an organization: `/groups/lacwg/calendar.ics`.
pub async fn group_all(State(state): State<AppState>, Path(group): Path<String>, Query(q): Query<Lang>) -> Response {
    match state.org.group(&GroupId::named(&group)) {
        Some(engine) => feed(&engine, None, q.lang.as_deref()).await,
        None => which_group(&state),
    }
}

/// One meeting of one group: `/groups/lacwg/calendar/monthly.ics`.
pub async fn group_one(
    State(state): State<AppState>,
    Path((group, file)): Path<(String, String)>,
    Query(q): Query<Lang>,
) -> Response {
    let Some(slug) = file.strip_suffix(".ics") else {
        return (StatusCode::NOT_FOUND, "calendars end in .ics").into_response();
    };
    match state.org.group(&GroupId::named(&group)) {
        Some(engine) => feed(&engine, Some(slug), q.lang.as_deref()).await,
        None => which_group(&state),
    }
}

/// A calendar asked of a group the deployment does not have (or of no group, where there
/// are several): the groups' calendars.
fn which_group(state: &AppState) -> Response {
    let names: Vec<String> = state
        .org
        .groups()
        .keys()
        .filter(|g| !g.is_single())
        .map(|g| format!("/groups/{}/calendar.ics", g.as_str()))
        .collect();
    (StatusCode::NOT_FOUND, format!("no such group; calendars: {}", names.join(" "))).into_response()
}

/// One person's calendar: `/me/<token>.ics` (see `mycalendar`), across every group they
/// answered or signed up in. An unknown token is a 404 that says nothing about why (never
/// issued, reset, or erased).
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
    let mine = match state.org.any().store().feed(token, chrono::Utc::now()).await {
        Ok(Some(mine)) => mine,
        Ok(None) => return gone(),
        Err(e) => return unavailable(e),
    };
    // Each group's calendar, read once: the person's part of it is what they chose there.
    let mut read = Vec::new();
    for (id, engine) in state.org.groups().iter() {
        let going: Vec<_> = mine.going.iter().filter(|(g, _)| g == id).map(|(_, at)| at.clone()).collect();
        let actions: Vec<_> =
            mine.actions.iter().filter(|(g, ..)| g == id).map(|(_, c, a)| (c.clone(), a.clone())).collect();
        if going.is_empty() && actions.is_empty() && !read.is_empty() {
            continue;
        }
        let changes = match engine.calendar_changes().await {
            Ok(o) => o,
            Err(e) => return unavailable(e),
        };
        read.push((engine.content().current(), changes, going, actions));
    }
    let agendas: Vec<Agenda<'_>> = read.iter().map(|(content, changes, ..)| Agenda::new(content, changes)).collect();
    let parts: Vec<ics::Mine<'_>> = read
        .iter()
        .zip(&agendas)
        .map(|((_, _, going, actions), agenda)| ics::Mine { agenda, going: going.clone(), actions: actions.clone() })
        .collect();
    let language = read.first().map_or(crate::locale::Locale::En, |(content, ..)| content.group.language);
    let locale = q.lang.as_deref().map_or(language, Locale::from_tag);
    let opts = ics::FeedOptions { only: None, locale, now: Utc::now(), alarm: Some(Lead::HOUR) };
    let body = ics::write_personal(&parts, opts);
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

async fn feed(engine: &Engine, only: Option<&str>, lang: Option<&str>) -> Response {
    let content = engine.content().current();
    let changes = match engine.calendar_changes().await {
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
        let base = &engine.settings().calendar_path;
        let names: Vec<String> = agenda.meetings().map(|m| format!("{base}/{}.ics", m.slug)).collect();
        return (
            StatusCode::NOT_FOUND,
            format!("no meeting is called `{slug}`; calendars: {base}.ics {}", names.join(" ")),
        )
            .into_response();
    }
    let locale = lang.map_or(content.group.language, Locale::from_tag);
    let body = ics::write(&agenda, ics::FeedOptions { only, locale, now: Utc::now(), alarm: Some(Lead::HOUR) });
    ([(header::CONTENT_TYPE, "text/calendar; charset=utf-8"), (header::CACHE_CONTROL, "max-age=300")], body)
        .into_response()
}
