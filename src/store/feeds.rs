//! A person's private calendar feed: the unguessable link `/mycalendar` gives, and what it
//! holds (the occurrences they are going to, the actions they signed up for).

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::rsvps::{OccurrenceRef, date_of};
use super::{Result, Store, millis};
use crate::chat::User;
use crate::group_id::GroupId;

/// What a private calendar feed holds: the occurrences its owner is going to and the actions
/// they signed up for, in every group (one link is the person's whole calendar).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MyAgenda {
    /// Occurrences they said going to, each with its group.
    pub going: Vec<(GroupId, OccurrenceRef)>,
    /// `(group, campaign, action)` they are signed up for.
    pub actions: Vec<(GroupId, String, String)>,
}

/// How long a private calendar link keeps working unread: a calendar app reads it every few
/// hours, so one unread this long is forgotten, and it is erased.
pub const FEED_IDLE: chrono::Duration = chrono::Duration::days(180);

impl Store {
    /// The person's feed token: the one they have, or `fresh` made theirs (always, when
    /// `reset`, which revokes the old one). Returns the token now in force.
    pub async fn feed_token(&self, user: &User, fresh: &str, reset: bool, now: DateTime<Utc>) -> Result<String> {
        self.within(async move {
            let mut tx = self.begin_as(user, None, now).await?;
            // A reset revokes the link; one unread too long no longer works and is replaced.
            sqlx::query(
                "DELETE FROM feed_tokens WHERE platform = $1 AND user_id = $2
                 AND ($3 = 1 OR COALESCE(last_used_at, created_at) < $4)",
            )
            .bind(user.platform.as_str())
            .bind(&user.id)
            .bind(i64::from(reset))
            .bind(millis(now - FEED_IDLE))
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO feed_tokens (token, platform, user_id, created_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (platform, user_id) DO NOTHING",
            )
            .bind(fresh)
            .bind(user.platform.as_str())
            .bind(&user.id)
            .bind(millis(now))
            .execute(&mut *tx)
            .await?;
            let token: String = sqlx::query("SELECT token FROM feed_tokens WHERE platform = $1 AND user_id = $2")
                .bind(user.platform.as_str())
                .bind(&user.id)
                .fetch_one(&mut *tx)
                .await?
                .try_get("token")?;
            tx.commit().await?;
            Ok(token)
        })
        .await
    }

    /// What the feed with `token` holds, read at `now`; `None` for a token nobody has (never
    /// issued, reset, erased with its owner, or unread for [`FEED_IDLE`]). Reads are recorded
    /// (once a day), so a link in use never expires.
    pub async fn feed(&self, token: &str, now: DateTime<Utc>) -> Result<Option<MyAgenda>> {
        self.within(async move {
            let Some(owner) = sqlx::query(
                "SELECT platform, user_id FROM feed_tokens WHERE token = $1 AND COALESCE(last_used_at, created_at) >= $2",
            )
            .bind(token)
            .bind(millis(now - FEED_IDLE))
            .fetch_optional(&self.pool)
            .await?
            else {
                return Ok(None);
            };
            // Once a day is enough for a link that lives half a year: calendar apps read it
            // every few hours, and a write is the one thing SQLite does one at a time.
            sqlx::query(
                "UPDATE feed_tokens SET last_used_at = $1 WHERE token = $2 AND COALESCE(last_used_at, created_at) < $3",
            )
            .bind(millis(now))
            .bind(token)
            .bind(millis(now - chrono::Duration::days(1)))
            .execute(&self.pool)
            .await?;
            let platform: String = owner.try_get("platform")?;
            let user_id: String = owner.try_get("user_id")?;
            let going = sqlx::query(
                "SELECT grp, meeting, occurrence_date FROM rsvps WHERE platform = $1 AND user_id = $2 AND going = 1
                 ORDER BY occurrence_date, grp, meeting",
            )
            .bind(&platform)
            .bind(&user_id)
            .fetch_all(&self.pool)
            .await?;
            let actions = sqlx::query(
                "SELECT grp, campaign, action FROM signups
                 WHERE platform = $1 AND user_id = $2 AND withdrawn_at IS NULL AND action <> ''
                 ORDER BY grp, campaign, action",
            )
            .bind(&platform)
            .bind(&user_id)
            .fetch_all(&self.pool)
            .await?;
            let mut agenda = MyAgenda::default();
            for r in &going {
                let date: String = r.try_get("occurrence_date")?;
                let at = OccurrenceRef { meeting: r.try_get("meeting")?, date: date_of(&date)? };
                agenda.going.push((group_of(r)?, at));
            }
            for r in &actions {
                agenda.actions.push((group_of(r)?, r.try_get("campaign")?, r.try_get("action")?));
            }
            Ok(Some(agenda))
        })
        .await
    }
}

/// The group a row belongs to, as its `grp` column says.
pub(super) fn group_of(r: &sqlx::any::AnyRow) -> Result<GroupId> {
    let grp: String = r.try_get("grp")?;
    Ok(if grp.is_empty() { GroupId::single() } else { GroupId::named(&grp) })
}
