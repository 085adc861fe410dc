//! What convoca keeps to reach one person on their own: whether they want personal
//! reminders, the language and home membership they last showed, the direct channel opened
//! with them, whether the platform refuses to deliver to them, and the people signed up for
//! an action whom a follow-up can reach.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{Result, Store, StoreError, instant, millis};
use crate::chat::{Platform, User};
use crate::group_id::GroupId;
use crate::locale::Locale;

/// Someone a personal message may go to, with what the message needs to know about them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipient {
    /// Their platform.
    pub platform: Platform,
    /// Their id there.
    pub user_id: String,
    /// The language of their last command (the group's when never known).
    pub locale: Option<Locale>,
    /// Whether they belonged to the group's home when they last answered.
    pub member: bool,
    /// Whether they turned personal reminders off (notices they asked for still come).
    pub reminders_off: bool,
}

/// A person signed up for a campaign's action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Committed {
    /// The campaign's slug.
    pub campaign: String,
    /// The action's slug.
    pub action: String,
    /// Who.
    pub who: Recipient,
    /// When they signed up (a follow-up without a deadline is asked a set time after).
    pub since: DateTime<Utc>,
    /// Whether they already said how it went (no need to ask).
    pub answered: bool,
}

/// How the person answered last, stored with each RSVP and sign-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seen {
    /// Their language.
    pub locale: Locale,
    /// Whether they belong to the group's home.
    pub member: bool,
}

pub(crate) fn recipient(r: &sqlx::any::AnyRow) -> Result<Recipient> {
    let platform: String = r.try_get("platform")?;
    let locale: Option<String> = r.try_get("locale")?;
    Ok(Recipient {
        platform: Platform::from_name(&platform).ok_or_else(|| StoreError::Corrupt(format!("platform {platform}")))?,
        user_id: r.try_get("user_id")?,
        locale: locale.as_deref().map(Locale::from_tag),
        member: r.try_get::<i64, _>("member")? != 0,
        reminders_off: r.try_get::<Option<i64>, _>("reminders_off")?.is_some(),
    })
}

impl Store {
    /// Keeps the language and home membership a person last showed (inside a write
    /// transaction that made sure their row exists).
    pub(super) async fn record_seen(
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        user: &User,
        seen: Seen,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE users SET locale = $3, member = $4, unreachable_at = NULL
             WHERE platform = $1 AND user_id = $2",
        )
        .bind(user.platform.as_str())
        .bind(&user.id)
        .bind(seen.locale.tag())
        .bind(i64::from(seen.member))
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Everyone signed up for one of this group's campaigns' actions (not the campaign in
    /// general) whom a message can reach, with their choices.
    pub async fn committed(&self) -> Result<Vec<Committed>> {
        self.within(async move {
            let rows = sqlx::query(
                "SELECT s.platform AS platform, s.user_id AS user_id, s.campaign AS campaign, s.action AS action,
                        s.signed_up_at AS signed_up_at, s.outcome AS outcome,
                        u.locale AS locale, u.member AS member, u.reminders_off AS reminders_off
                 FROM signups s JOIN users u ON u.platform = s.platform AND u.user_id = s.user_id
                 WHERE s.grp = $1 AND s.withdrawn_at IS NULL AND s.waitlisted = 0 AND s.action <> ''
                   AND u.unreachable_at IS NULL
                 ORDER BY s.campaign, s.action, s.platform, s.user_id",
            )
            .bind(self.group.as_str())
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(Committed {
                        campaign: r.try_get("campaign")?,
                        action: r.try_get("action")?,
                        who: recipient(r)?,
                        since: instant(r.try_get("signed_up_at")?)?,
                        answered: r.try_get::<Option<String>, _>("outcome")?.is_some(),
                    })
                })
                .collect()
        })
        .await
    }

    /// Whether a person turned their personal reminders off.
    pub async fn personal_reminders_off(&self, user: &User) -> Result<bool> {
        self.within(async move {
            let row = sqlx::query("SELECT reminders_off FROM users WHERE platform = $1 AND user_id = $2")
                .bind(user.platform.as_str())
                .bind(&user.id)
                .fetch_optional(&self.pool)
                .await?;
            Ok(row.map(|r| r.try_get::<Option<i64>, _>("reminders_off")).transpose()?.flatten().is_some())
        })
        .await
    }

    /// Turns a person's personal reminders off or on; true when that changed something.
    pub async fn set_personal_reminders(&self, user: &User, on: bool, seen: Seen, now: DateTime<Utc>) -> Result<bool> {
        self.within(async move {
            let mut tx = self.begin_as(user, Some(seen), now).await?;
            let sql = if on {
                "UPDATE users SET reminders_off = NULL WHERE platform = $1 AND user_id = $2 AND reminders_off IS NOT NULL"
            } else {
                "UPDATE users SET reminders_off = $3 WHERE platform = $1 AND user_id = $2 AND reminders_off IS NULL"
            };
            let changed = sqlx::query(sql)
                .bind(user.platform.as_str())
                .bind(&user.id)
                .bind(millis(now))
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tx.commit().await?;
            Ok(changed > 0)
        })
        .await
    }

    /// Whether the platform refused to deliver to this person and they have not talked to the
    /// bot since, and the language they last used: `None` when nothing is stored about them.
    pub async fn standing_of(&self, user: &User) -> Result<Option<(bool, Option<Locale>)>> {
        self.within(async move {
            let row = sqlx::query("SELECT unreachable_at, locale FROM users WHERE platform = $1 AND user_id = $2")
                .bind(user.platform.as_str())
                .bind(&user.id)
                .fetch_optional(&self.pool)
                .await?;
            row.map(|r| {
                let locale: Option<String> = r.try_get("locale")?;
                Ok((r.try_get::<Option<i64>, _>("unreachable_at")?.is_some(), locale.as_deref().map(Locale::from_tag)))
            })
            .transpose()
        })
        .await
    }

    /// The person talked to the bot: reachable again, in this language.
    pub async fn heard_from(&self, user: &User, locale: Locale) -> Result<()> {
        self.within(async move {
            sqlx::query("UPDATE users SET unreachable_at = NULL, locale = $3 WHERE platform = $1 AND user_id = $2")
                .bind(user.platform.as_str())
                .bind(&user.id)
                .bind(locale.tag())
                .execute(&self.pool)
                .await?;
            Ok(())
        })
        .await
    }

    /// The platform refuses to deliver to this person (their DMs are closed): no personal
    /// message is planned for them until they next talk to the bot.
    pub async fn mark_unreachable(&self, platform: Platform, user_id: &str, now: DateTime<Utc>) -> Result<()> {
        self.within(async move {
            sqlx::query("UPDATE users SET unreachable_at = $3 WHERE platform = $1 AND user_id = $2")
                .bind(platform.as_str())
                .bind(user_id)
                .bind(millis(now))
                .execute(&self.pool)
                .await?;
            Ok(())
        })
        .await
    }

    /// The direct channel (Discord DM channel, Matrix direct room) opened with a person.
    pub async fn direct_channel(&self, platform: Platform, user_id: &str) -> Result<Option<String>> {
        self.within(async move {
            let row = sqlx::query("SELECT direct_channel FROM users WHERE platform = $1 AND user_id = $2")
                .bind(platform.as_str())
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
            Ok(row.map(|r| r.try_get::<Option<String>, _>("direct_channel")).transpose()?.flatten())
        })
        .await
    }

    /// Keeps the direct channel opened with a person (or forgets it, with `None`), so it is
    /// opened once.
    pub async fn set_direct_channel(&self, platform: Platform, user_id: &str, channel: Option<&str>) -> Result<()> {
        self.within(async move {
            sqlx::query("UPDATE users SET direct_channel = $3 WHERE platform = $1 AND user_id = $2")
                .bind(platform.as_str())
                .bind(user_id)
                .bind(channel)
                .execute(&self.pool)
                .await?;
            Ok(())
        })
        .await
    }

    /// The group someone in several chose for the bot's direct chat (`/group`), if any.
    pub async fn direct_group(&self, user: &User) -> Result<Option<GroupId>> {
        self.within(async move {
            let row = sqlx::query("SELECT direct_group FROM users WHERE platform = $1 AND user_id = $2")
                .bind(user.platform.as_str())
                .bind(&user.id)
                .fetch_optional(&self.pool)
                .await?;
            let chosen = row.map(|r| r.try_get::<Option<String>, _>("direct_group")).transpose()?.flatten();
            Ok(chosen.filter(|g| !g.is_empty()).map(|g| GroupId::named(&g)))
        })
        .await
    }

    /// Records which group the bot's direct chat answers for this person.
    pub async fn set_direct_group(&self, user: &User, group: &GroupId, now: DateTime<Utc>) -> Result<()> {
        self.within(async move {
            let mut tx = self.begin_as(user, None, now).await?;
            sqlx::query("UPDATE users SET direct_group = $3 WHERE platform = $1 AND user_id = $2")
                .bind(user.platform.as_str())
                .bind(&user.id)
                .bind(group.as_str())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }
}
