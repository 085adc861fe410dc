//! The public pages over HTTP: `/` (the only group's page, or the organization's),
//! `/groups/<name>/` (a group of an organization), each also at `…/en/` and `…/es/`, with
//! `…/embed` (the fragment other websites embed) and `…/feed.json` beside them. An address
//! without a language answers in the browser's (`Vary: Accept-Language`); the page links
//! to the other language's stable address.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use crate::group_id::GroupId;
use crate::locale::Locale;
use crate::web::{Form, Whose, language, render};

/// How long a browser (or a cache in front) may keep a page without asking again; then it
/// asks with the tag and gets "not modified" when nothing changed.
const MAX_AGE: &str = "public, max-age=30";
/// Nothing on a page loads from anywhere else, and nothing on it runs.
const PAGE_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// `/`, `/embed`, `/feed.json`: in the browser's language.
pub async fn front(State(state): State<AppState>, headers: HeaderMap) -> Response {
    serve(&state, Whose::Front, Form::Page, None, &headers).await
}

/// `/embed`.
pub async fn front_embed(State(state): State<AppState>, headers: HeaderMap) -> Response {
    serve(&state, Whose::Front, Form::Embed, None, &headers).await
}

/// `/feed.json`.
pub async fn front_json(State(state): State<AppState>, headers: HeaderMap) -> Response {
    serve(&state, Whose::Front, Form::Json, None, &headers).await
}

/// `/en/`, `/es/`.
pub async fn front_in(State(state): State<AppState>, Path(lang): Path<String>, headers: HeaderMap) -> Response {
    in_language(&state, Whose::Front, Form::Page, &lang, &headers).await
}

/// `/es/embed`.
pub async fn front_embed_in(State(state): State<AppState>, Path(lang): Path<String>, headers: HeaderMap) -> Response {
    in_language(&state, Whose::Front, Form::Embed, &lang, &headers).await
}

/// `/es/feed.json`.
pub async fn front_json_in(State(state): State<AppState>, Path(lang): Path<String>, headers: HeaderMap) -> Response {
    in_language(&state, Whose::Front, Form::Json, &lang, &headers).await
}

/// `/groups/sur/`.
pub async fn group(State(state): State<AppState>, Path(group): Path<String>, headers: HeaderMap) -> Response {
    serve(&state, of(&group), Form::Page, None, &headers).await
}

/// `/groups/sur/embed`.
pub async fn group_embed(State(state): State<AppState>, Path(group): Path<String>, headers: HeaderMap) -> Response {
    serve(&state, of(&group), Form::Embed, None, &headers).await
}

/// `/groups/sur/feed.json`.
pub async fn group_json(State(state): State<AppState>, Path(group): Path<String>, headers: HeaderMap) -> Response {
    serve(&state, of(&group), Form::Json, None, &headers).await
}

/// `/groups/sur/es/`.
pub async fn group_in(
    State(state): State<AppState>,
    Path((group, lang)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    in_language(&state, of(&group), Form::Page, &lang, &headers).await
}

/// `/groups/sur/es/embed`.
pub async fn group_embed_in(
    State(state): State<AppState>,
    Path((group, lang)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    in_language(&state, of(&group), Form::Embed, &lang, &headers).await
}

/// `/groups/sur/es/feed.json`.
pub async fn group_json_in(
    State(state): State<AppState>,
    Path((group, lang)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    in_language(&state, of(&group), Form::Json, &lang, &headers).await
}

/// A group named in an address; an invalid name is a group that does not exist.
fn of(name: &str) -> Whose {
    if crate::content::valid_slug(name) { Whose::Group(GroupId::named(name)) } else { Whose::Group(GroupId::single()) }
}

async fn in_language(state: &AppState, whose: Whose, form: Form, lang: &str, headers: &HeaderMap) -> Response {
    match language::from_segment(lang) {
        Some(lang) => serve(state, whose, form, Some(lang), headers).await,
        None => not_public(headers),
    }
}

/// The page, "not modified" when the browser has it, or "no public page here".
async fn serve(state: &AppState, whose: Whose, form: Form, lang: Option<Locale>, headers: &HeaderMap) -> Response {
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    let Some(chosen) = lang.or_else(|| state.site.language_for(&whose, accept)) else {
        return not_public(headers);
    };
    let Some(page) = state.site.get(&whose, form, chosen).await else {
        return not_public(headers);
    };
    let mut out = HeaderMap::new();
    let mut put = |name: header::HeaderName, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            out.insert(name, v);
        }
    };
    put(header::ETAG, &page.etag);
    put(header::CACHE_CONTROL, MAX_AGE);
    put(header::CONTENT_LANGUAGE, page.lang.tag());
    put(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    put(header::REFERRER_POLICY, "strict-origin-when-cross-origin");
    if lang.is_none() {
        put(header::VARY, "Accept-Language");
    }
    match form {
        Form::Page => put(header::CONTENT_SECURITY_POLICY, PAGE_POLICY),
        // Other websites fetch these from their own pages.
        Form::Embed | Form::Json => put(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
    }
    let unchanged = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|t| t.trim() == page.etag || t.trim() == "*"));
    if unchanged {
        return (StatusCode::NOT_MODIFIED, out).into_response();
    }
    put(header::CONTENT_TYPE, page.content_type);
    (StatusCode::OK, out, page.body.clone()).into_response()
}

/// 404 in the browser's language.
fn not_public(headers: &HeaderMap) -> Response {
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    let lang = language::negotiate(accept, Locale::En);
    let mut out = HeaderMap::new();
    out.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=30"));
    out.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    (StatusCode::NOT_FOUND, out, render::not_public(lang)).into_response()
}
