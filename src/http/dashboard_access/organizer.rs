//! [`Organizer`]: who a dashboard page is for, taken from the session cookie and checked
//! against the group's home while the session lasts. Every dashboard page takes one before
//! it reads anything; a page that cannot get one answers with a page that holds no data.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

use super::{RECHECK_EVERY, UNSURE_FOR, cookie, page};
use crate::chat::Standing;
use crate::engine::{Engine, texts};
use crate::http::AppState;
use crate::locale::Locale;
use crate::store::Session;

/// An organizer of one group, signed in to that group's dashboard in this browser, as of
/// this request: their standing in the group's home was read (again) at most
/// [`RECHECK_EVERY`] ago, or, while the platform cannot say, at most [`UNSURE_FOR`] ago.
///
/// The group is the session's, never the URL's: a dashboard page shows `engine`'s group and
/// nothing else, so an organizer of one group cannot reach another's by editing an address.
/// A page under `/dashboard/` takes it first, and reads only through it:
///
/// ```text
/// async fn campaign(organizer: Organizer, Path(slug): Path<String>) -> Response {
///     let content = organizer.engine.content().current();      // this group's content
///     let roster = organizer.engine.store().roster(&slug).await; // this group's rows
///     …
/// }
/// ```
pub struct Organizer {
    /// That group's engine: its content, and its rows of the store (`engine.store()`).
    pub engine: Engine,
    /// The session: whose and which group's it is (the person's id is personal data: never
    /// in a log line above debug), the language they asked the bot in (the dashboard's),
    /// when it ends, when standing was last read.
    pub session: Session,
}

/// Why a dashboard page shows nothing: a page to that effect, with no data on it.
#[derive(Debug)]
pub struct Refused(Response);

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        self.0
    }
}

impl Refused {
    /// No session: never opened here, ended, or not this browser's. The cookie, if any, is
    /// forgotten.
    fn closed(state: &AppState, parts: &Parts, l: Locale) -> Refused {
        let title = texts::dashboard_closed_title(l);
        let line = texts::fill(
            texts::dashboard_closed(l),
            &[("word", super::ask_again(l)), ("hours", &super::lifetime_hours())],
        );
        let mut response = page::page(StatusCode::FORBIDDEN, l, title, &[line.as_str()], None);
        let secure = cookie::over_https(state.org.any().settings().public_url.as_deref(), &parts.headers);
        response.headers_mut().append(header::SET_COOKIE, cookie::clear(secure));
        Refused(response)
    }

    /// Standing cannot be read now and was last read too long ago: closed for now, the
    /// session kept.
    fn unsure(l: Locale, group: &str) -> Refused {
        let line = texts::fill(texts::dashboard_unsure(l), &[("group", group)]);
        let title = texts::dashboard_unsure_title(l);
        Refused(page::page(StatusCode::SERVICE_UNAVAILABLE, l, title, &[line.as_str()], None))
    }

    /// The database did not answer.
    fn unavailable(l: Locale) -> Refused {
        let title = texts::dashboard_unsure_title(l);
        Refused(page::page(StatusCode::SERVICE_UNAVAILABLE, l, title, &[texts::store_error(l)], None))
    }
}

/// What to do with a session whose standing was due to be read again, given what its
/// platform said (`None`: it cannot tell now).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Verdict {
    /// Still an organizer: open, and the reading recorded.
    Confirmed,
    /// Unknown now, but read recently enough: open, nothing recorded.
    Trusted,
    /// No longer an organizer (or a member) of the group: the session ends.
    End,
    /// Unknown now, and last read too long ago: closed until it can be read.
    Unsure,
}

/// Whether the session's standing is due to be read again at `now`.
pub(super) fn due(session: &Session, now: DateTime<Utc>) -> bool {
    now - session.checked_at >= RECHECK_EVERY
}

/// The session's fate at `now`, given what was read of its person's standing.
pub(super) fn judge(checked_at: DateTime<Utc>, read: Option<Standing>, now: DateTime<Utc>) -> Verdict {
    match read {
        Some(s) if s.member && s.organizer => Verdict::Confirmed,
        Some(_) => Verdict::End,
        None if now - checked_at < UNSURE_FOR => Verdict::Trusted,
        None => Verdict::Unsure,
    }
}

impl FromRequestParts<AppState> for Organizer {
    type Rejection = Refused;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Organizer, Refused> {
        let asked = page::accepted_language(&parts.headers).unwrap_or_default();
        let Some(key) = cookie::session_of(&parts.headers) else {
            return Err(Refused::closed(state, parts, asked));
        };
        let store = state.org.any().store();
        let now = Utc::now();
        let mut session = match store.dashboard_session(&key, now).await {
            Ok(Some(session)) => session,
            Ok(None) => return Err(Refused::closed(state, parts, asked)),
            Err(e) => {
                tracing::error!(error = %e, "dashboard: the database did not answer for a session");
                return Err(Refused::unavailable(asked));
            }
        };
        let l = session.locale;
        // A group removed since: its dashboard is gone with it.
        let Some(engine) = state.org.group(&session.group) else {
            let _ = store.end_dashboard_session(&key).await;
            return Err(Refused::closed(state, parts, l));
        };
        if due(&session, now) {
            let read = state.platforms.standings.read(session.platform, &session.user_id, &session.group).await;
            match judge(session.checked_at, read, now) {
                Verdict::Confirmed => {
                    // Not recorded: read again at the next page, which is only slower.
                    if let Err(e) = store.dashboard_checked(&key, now).await {
                        tracing::warn!(error = %e, "dashboard: could not record a standing read");
                    }
                    session.checked_at = now;
                }
                Verdict::Trusted => {
                    tracing::debug!(group = %session.group, "dashboard: standing cannot be read now; still recent");
                }
                Verdict::End => {
                    end_access(&engine, &session).await;
                    return Err(Refused::closed(state, parts, l));
                }
                Verdict::Unsure => {
                    let name = engine.content().current().group.name.get(l).to_string();
                    return Err(Refused::unsure(l, &name));
                }
            }
        }
        Ok(Organizer { engine, session })
    }
}

/// The person no longer organizes the group: every session of theirs on its dashboard ends,
/// and their unused links to it stop working.
async fn end_access(engine: &Engine, session: &Session) {
    match engine.store().end_dashboard_access(session.platform, &session.user_id).await {
        Ok(n) => {
            tracing::info!(group = %session.group, sessions = n, "dashboard: an organizer's standing is gone; sessions ended")
        }
        Err(e) => {
            tracing::error!(error = %e, "dashboard: could not end the sessions of someone who no longer organizes")
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::chat::Platform;
    use crate::group_id::GroupId;

    #[test]
    fn a_session_lives_by_its_person_s_standing_read_again() {
        let now = Utc::now();
        let organizer = Standing { member: true, organizer: true };
        let member = Standing { member: true, organizer: false };
        let recent = now - Duration::minutes(3);
        let stale = now - UNSURE_FOR - Duration::seconds(1);
        assert_eq!(judge(recent, Some(organizer), now), Verdict::Confirmed);
        assert_eq!(judge(stale, Some(organizer), now), Verdict::Confirmed, "a reading always counts");
        assert_eq!(judge(recent, Some(member), now), Verdict::End, "no longer an organizer");
        assert_eq!(judge(recent, Some(Standing::default()), now), Verdict::End, "no longer a member");
        assert_eq!(judge(recent, Some(Standing { member: false, organizer: true }), now), Verdict::End);
        assert_eq!(judge(recent, None, now), Verdict::Trusted, "cannot tell, read recently");
        assert_eq!(judge(stale, None, now), Verdict::Unsure, "cannot tell for too long");
    }

    #[test]
    fn standing_is_read_again_every_few_minutes() {
        let now = Utc::now();
        let session = |checked| Session {
            group: GroupId::single(),
            platform: Platform::Discord,
            user_id: "1".into(),
            locale: Locale::En,
            created_at: now,
            expires_at: now + Duration::hours(12),
            checked_at: checked,
        };
        assert!(!due(&session(now - RECHECK_EVERY + Duration::seconds(1)), now));
        assert!(due(&session(now - RECHECK_EVERY), now));
        assert!(RECHECK_EVERY < UNSURE_FOR, "a reading is due well before trust runs out");
    }
}
