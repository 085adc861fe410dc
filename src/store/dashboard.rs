//! The door of the organizers' dashboard: one-time links the bot sends an organizer
//! privately, and the browser sessions they open, each for one person of one group.
//!
//! The secrets (a link's token, a session's key) live only in the chat message and the
//! browser's cookie: the database keeps their SHA-256, so whoever reads a copy of it, or a
//! log of its statements, opens nothing. Who may open what is not decided here: the engine
//! issues links to organizers only, and the HTTP layer reads standing again while a session
//! lasts.

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use sqlx::Row;

use super::feeds::group_of;
use super::{Result, Store, StoreError, instant, millis};
use crate::chat::{Platform, User};
use crate::group_id::GroupId;
use crate::locale::Locale;

/// The secret of a one-time link: the last part of `/dashboard/open/<token>`.
#[derive(Clone, PartialEq, Eq)]
pub struct LinkToken(String);

/// The secret a browser holds for a session: the dashboard cookie's value.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionKey(String);

macro_rules! secret {
    ($name:ident) => {
        impl $name {
            /// 32 bytes from the system's random generator, in hex (256 bits: never guessed).
            fn fresh() -> Result<$name> {
                random_hex().map($name)
            }

            /// Reads one as a browser or a link gives it back: anything but 64 lowercase hex
            /// digits is none, refused before the database is asked.
            pub fn parse(text: &str) -> Option<$name> {
                is_secret(text).then(|| $name(text.to_string()))
            }

            /// The secret itself, for the one place that hands it out (the link, the cookie).
            pub fn expose(&self) -> &str {
                &self.0
            }

            /// What the database keeps instead of the secret.
            fn hash(&self) -> String {
                use sha2::Digest;
                hex::encode(sha2::Sha256::digest(self.0.as_bytes()))
            }
        }

        impl fmt::Debug for $name {
            /// Never the secret: a stray `{:?}` in a log line must not open the dashboard.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "(***)"))
            }
        }
    };
}

secret!(LinkToken);
secret!(SessionKey);

/// Whether `text` has the form of a secret made here: 64 lowercase hex digits.
fn is_secret(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// 32 random bytes in hex. A failing generator makes no secret at all: one made from the
/// clock could be guessed, and this one opens a roster.
fn random_hex() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Random(e.to_string()))?;
    Ok(hex::encode(bytes))
}

/// A link not used yet and still good: whose it is, for the page that asks to open it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingLink {
    /// The group it opens.
    pub group: GroupId,
    /// The language its person asked in.
    pub locale: Locale,
}

/// One person's session on one group's dashboard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// The group whose dashboard it opens: the only one.
    pub group: GroupId,
    /// The platform the person asked from.
    pub platform: Platform,
    /// Their id there.
    pub user_id: String,
    /// The language they asked in.
    pub locale: Locale,
    /// When it was opened.
    pub created_at: DateTime<Utc>,
    /// When it ends, whatever happens meanwhile.
    pub expires_at: DateTime<Utc>,
    /// When their standing was last read and found to be an organizer's.
    pub checked_at: DateTime<Utc>,
}

/// A session just opened by a link, with the key for the browser's cookie.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opened {
    /// The cookie's value: given once, never stored.
    pub key: SessionKey,
    /// The session.
    pub session: Session,
}

impl Store {
    /// A new one-time link to this group's dashboard for `user`, good for `valid_for` from
    /// `now`. Their earlier links to it that were not used stop working (one live link per
    /// person and group), and every link and session past its time, any group's, is erased
    /// on the way: they are dead secrets, and this keeps both tables as small as the people
    /// using them now, whether or not a group sets a retention.
    pub async fn issue_dashboard_link(
        &self,
        user: &User,
        locale: Locale,
        valid_for: Duration,
        now: DateTime<Utc>,
    ) -> Result<LinkToken> {
        let token = LinkToken::fresh()?;
        self.within(async {
            let mut tx = self.begin_write().await?;
            erase_dead(&mut tx, now).await?;
            sqlx::query(
                "DELETE FROM dashboard_links WHERE grp = $1 AND platform = $2 AND user_id = $3 AND used_at IS NULL",
            )
            .bind(self.group.as_str())
            .bind(user.platform.as_str())
            .bind(&user.id)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO dashboard_links (token_hash, grp, platform, user_id, locale, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(token.hash())
            .bind(self.group.as_str())
            .bind(user.platform.as_str())
            .bind(&user.id)
            .bind(locale.tag())
            .bind(millis(now))
            .bind(millis(now + valid_for))
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(())
        })
        .await?;
        Ok(token)
    }

    /// The link `token` names, if it is unused and good at `now`. Only looks: link previews
    /// and chat apps fetch a URL as soon as it is sent, and must not spend it.
    pub async fn dashboard_link(&self, token: &LinkToken, now: DateTime<Utc>) -> Result<Option<PendingLink>> {
        self.within(async {
            let row = sqlx::query(
                "SELECT grp, locale FROM dashboard_links WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
            )
            .bind(token.hash())
            .bind(millis(now))
            .fetch_optional(&self.pool)
            .await?;
            row.map(|r| Ok(PendingLink { group: group_of(&r)?, locale: locale_of(&r)? })).transpose()
        })
        .await
    }

    /// Spends the link `token` and opens a session of `lifetime` for its person and group:
    /// `None` for a link used already, past its time or never made. The link is marked used
    /// by the one statement that finds it unused, so of two redeems at once (two tabs, a
    /// replayed request) exactly one opens a session. The session's standing counts as read
    /// when the link was made.
    pub async fn redeem_dashboard_link(
        &self,
        token: &LinkToken,
        lifetime: Duration,
        now: DateTime<Utc>,
    ) -> Result<Option<Opened>> {
        let key = SessionKey::fresh()?;
        self.within(async {
            let mut tx = self.begin_write().await?;
            let Some(link) = sqlx::query(
                "UPDATE dashboard_links SET used_at = $1
                 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1
                 RETURNING grp, platform, user_id, locale, created_at",
            )
            .bind(millis(now))
            .bind(token.hash())
            .fetch_optional(&mut *tx)
            .await?
            else {
                return Ok(None);
            };
            let session = Session {
                group: group_of(&link)?,
                platform: platform_of(&link)?,
                user_id: link.try_get("user_id")?,
                locale: locale_of(&link)?,
                created_at: now,
                expires_at: now + lifetime,
                checked_at: instant(link.try_get("created_at")?)?,
            };
            sqlx::query(
                "INSERT INTO dashboard_sessions
                   (id_hash, grp, platform, user_id, locale, created_at, expires_at, checked_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(key.hash())
            .bind(session.group.as_str())
            .bind(session.platform.as_str())
            .bind(&session.user_id)
            .bind(session.locale.tag())
            .bind(millis(session.created_at))
            .bind(millis(session.expires_at))
            .bind(millis(session.checked_at))
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(Some(Opened { key: key.clone(), session }))
        })
        .await
    }

    /// The session `key` opens at `now`: `None` once it has ended (its lifetime over, signed
    /// out, ended when its person stopped organizing, erased) or if it never was.
    pub async fn dashboard_session(&self, key: &SessionKey, now: DateTime<Utc>) -> Result<Option<Session>> {
        self.within(async {
            let row = sqlx::query(
                "SELECT grp, platform, user_id, locale, created_at, expires_at, checked_at
                 FROM dashboard_sessions WHERE id_hash = $1 AND expires_at > $2",
            )
            .bind(key.hash())
            .bind(millis(now))
            .fetch_optional(&self.pool)
            .await?;
            row.map(|r| session_of(&r)).transpose()
        })
        .await
    }

    /// Records that the standing of the session `key`'s person was read at `now` and is
    /// still an organizer's.
    pub async fn dashboard_checked(&self, key: &SessionKey, now: DateTime<Utc>) -> Result<()> {
        self.within(async {
            sqlx::query("UPDATE dashboard_sessions SET checked_at = $1 WHERE id_hash = $2 AND checked_at < $1")
                .bind(millis(now))
                .bind(key.hash())
                .execute(&self.pool)
                .await?;
            Ok(())
        })
        .await
    }

    /// Ends the session `key` (signing out). Returns whether there was one.
    pub async fn end_dashboard_session(&self, key: &SessionKey) -> Result<bool> {
        self.within(async {
            let done = sqlx::query("DELETE FROM dashboard_sessions WHERE id_hash = $1")
                .bind(key.hash())
                .execute(&self.pool)
                .await?;
            Ok(done.rows_affected() > 0)
        })
        .await
    }

    /// Ends every session of one person on this group's dashboard, and spends their unused
    /// links to it: they no longer organize the group. Returns how many sessions ended.
    pub async fn end_dashboard_access(&self, platform: Platform, user_id: &str) -> Result<u64> {
        self.within(async {
            let mut tx = self.begin_write().await?;
            let ended = self.erase_person_in(&mut tx, "dashboard_sessions", platform, user_id).await?;
            self.erase_person_in(&mut tx, "dashboard_links", platform, user_id).await?;
            tx.commit().await?;
            Ok(ended)
        })
        .await
    }

    /// Deletes one person's rows of this group from `table` (one of the dashboard's).
    async fn erase_person_in(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        table: &str,
        platform: Platform,
        user_id: &str,
    ) -> Result<u64> {
        let sql = format!("DELETE FROM {table} WHERE grp = $1 AND platform = $2 AND user_id = $3");
        Ok(sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(self.group.as_str())
            .bind(platform.as_str())
            .bind(user_id)
            .execute(&mut **tx)
            .await?
            .rows_affected())
    }
}

/// Erases links used, or past their time, and sessions past their time, at `now`, in every
/// group: how many rows went. Also a step of the daily erasure (see `store/retention.rs`).
pub(super) async fn erase_dead(tx: &mut sqlx::Transaction<'static, sqlx::Any>, now: DateTime<Utc>) -> Result<u64> {
    let links = sqlx::query("DELETE FROM dashboard_links WHERE used_at IS NOT NULL OR expires_at <= $1")
        .bind(millis(now))
        .execute(&mut **tx)
        .await?
        .rows_affected();
    let sessions = sqlx::query("DELETE FROM dashboard_sessions WHERE expires_at <= $1")
        .bind(millis(now))
        .execute(&mut **tx)
        .await?
        .rows_affected();
    Ok(links + sessions)
}

fn session_of(r: &sqlx::any::AnyRow) -> Result<Session> {
    Ok(Session {
        group: group_of(r)?,
        platform: platform_of(r)?,
        user_id: r.try_get("user_id")?,
        locale: locale_of(r)?,
        created_at: instant(r.try_get("created_at")?)?,
        expires_at: instant(r.try_get("expires_at")?)?,
        checked_at: instant(r.try_get("checked_at")?)?,
    })
}

fn platform_of(r: &sqlx::any::AnyRow) -> Result<Platform> {
    let name: String = r.try_get("platform")?;
    Platform::from_name(&name).ok_or_else(|| StoreError::Corrupt(format!("{name} is not a platform")))
}

fn locale_of(r: &sqlx::any::AnyRow) -> Result<Locale> {
    Ok(Locale::from_tag(&r.try_get::<String, _>("locale")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_have_one_form_and_never_show_in_debug() {
        let token = LinkToken::fresh().unwrap();
        assert!(is_secret(token.expose()), "{}", token.expose().len());
        assert_eq!(LinkToken::parse(token.expose()), Some(token.clone()));
        assert_eq!(format!("{token:?}"), "LinkToken(***)");
        assert_ne!(token.hash(), token.expose(), "the database never holds the secret itself");
        assert_eq!(token.hash().len(), 64);
        for bad in ["", "abc", &"A".repeat(64), &"g".repeat(64), &format!("{}0", token.expose()), "../etc/passwd"] {
            assert_eq!(SessionKey::parse(bad), None, "{bad}");
        }
        assert_ne!(SessionKey::fresh().unwrap(), SessionKey::fresh().unwrap());
    }
}
