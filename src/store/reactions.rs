//! Sign-ups by reaction (Matrix ✅ on a campaign message), remembered so that removing the
//! reaction withdraws exactly that sign-up. Each remembered reaction belongs to the group
//! whose campaign it signed up for (the handle's group); which platforms run
//! (`platform_seen`) is the deployment's.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{Result, Store, instant, millis};
use crate::chat::{Platform, User};

/// What a remembered reaction signed up for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reacted {
    /// Who reacted (their id on the platform).
    pub user_id: String,
    /// The campaign's slug.
    pub campaign: String,
    /// The action's slug; empty for the campaign in general.
    pub action: String,
}

/// A remembered sign-up reaction on one message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnownReaction {
    /// The reaction's event id.
    pub reaction_id: String,
    /// The message it was on.
    pub message_id: String,
    /// Who reacted.
    pub user_id: String,
}

impl Store {
    /// Remembers that `reaction_id`, on `message_id`, signed `user` up for this group's
    /// `campaign`/`action`.
    pub async fn remember_reaction(
        &self,
        reaction_id: &str,
        message_id: &str,
        user: &User,
        campaign: &str,
        action: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.within(async move {
            sqlx::query(
                "INSERT INTO reaction_signups
                   (platform, reaction_id, user_id, campaign, action, created_at, message_id, grp)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (platform, reaction_id) DO NOTHING",
            )
            .bind(user.platform.as_str())
            .bind(reaction_id)
            .bind(&user.id)
            .bind(campaign)
            .bind(action)
            .bind(millis(now))
            .bind(message_id)
            .bind(self.group.as_str())
            .execute(&self.pool)
            .await?;
            Ok(())
        })
        .await
    }

    /// This group's remembered sign-up reactions on `message_id`.
    pub async fn reactions_on(&self, platform: Platform, message_id: &str) -> Result<Vec<KnownReaction>> {
        self.within(async move {
            let rows = sqlx::query(
                "SELECT reaction_id, message_id, user_id FROM reaction_signups
                 WHERE platform = $1 AND message_id = $2 AND grp = $3 ORDER BY reaction_id",
            )
            .bind(platform.as_str())
            .bind(message_id)
            .bind(self.group.as_str())
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(KnownReaction {
                        reaction_id: r.try_get("reaction_id")?,
                        message_id: r.try_get("message_id")?,
                        user_id: r.try_get("user_id")?,
                    })
                })
                .collect()
        })
        .await
    }

    /// The reactions that signed `user` up, by event id: what `/forgetme` takes out of the
    /// rooms as well as out of the record. In every group, as `forget` erases every group's
    /// rows: a reaction left out here would stay in its room once its record is gone.
    pub async fn reactions_of(&self, user: &User) -> Result<Vec<String>> {
        self.within(async move {
            let rows = sqlx::query("SELECT reaction_id FROM reaction_signups WHERE platform = $1 AND user_id = $2")
                .bind(user.platform.as_str())
                .bind(&user.id)
                .fetch_all(&self.pool)
                .await?;
            rows.iter().map(|r| Ok(r.try_get("reaction_id")?)).collect()
        })
        .await
    }

    /// Whether `reaction_id` is remembered for this group (on any message).
    pub async fn knows_reaction(&self, platform: Platform, reaction_id: &str) -> Result<bool> {
        self.within(async move {
            let row = sqlx::query(
                "SELECT 1 AS one FROM reaction_signups WHERE platform = $1 AND reaction_id = $2 AND grp = $3",
            )
            .bind(platform.as_str())
            .bind(reaction_id)
            .bind(self.group.as_str())
            .fetch_optional(&self.pool)
            .await?;
            Ok(row.is_some())
        })
        .await
    }

    /// Records that `platform`'s adapter is running at `now`.
    pub async fn mark_seen(&self, platform: Platform, now: DateTime<Utc>) -> Result<()> {
        self.within(async move {
            sqlx::query(
                "INSERT INTO platform_seen (platform, seen_at) VALUES ($1, $2)
                 ON CONFLICT (platform) DO UPDATE SET seen_at = excluded.seen_at",
            )
            .bind(platform.as_str())
            .bind(millis(now))
            .execute(&self.pool)
            .await?;
            Ok(())
        })
        .await
    }

    /// When `platform`'s adapter was last seen running, if ever.
    pub async fn last_seen(&self, platform: Platform) -> Result<Option<DateTime<Utc>>> {
        self.within(async move {
            let row = sqlx::query("SELECT seen_at FROM platform_seen WHERE platform = $1")
                .bind(platform.as_str())
                .fetch_optional(&self.pool)
                .await?;
            row.map(|r| instant(r.try_get("seen_at")?)).transpose()
        })
        .await
    }

    /// Forgets the reaction `reaction_id` when it was `user`'s (and this group's), and says
    /// what it had signed them up for. Someone else's removal of it (a moderator's) leaves the
    /// record, so that the sign-up it made stays tied to a reaction.
    pub async fn take_reaction(&self, user: &User, reaction_id: &str) -> Result<Option<Reacted>> {
        self.within(async move {
            let row = sqlx::query(
                "DELETE FROM reaction_signups WHERE platform = $1 AND reaction_id = $2 AND user_id = $3 AND grp = $4
                 RETURNING user_id, campaign, action",
            )
            .bind(user.platform.as_str())
            .bind(reaction_id)
            .bind(&user.id)
            .bind(self.group.as_str())
            .fetch_optional(&self.pool)
            .await?;
            Ok(match row {
                Some(r) => Some(Reacted {
                    user_id: r.try_get("user_id")?,
                    campaign: r.try_get("campaign")?,
                    action: r.try_get("action")?,
                }),
                None => None,
            })
        })
        .await
    }
}
