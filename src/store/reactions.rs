//! Sign-ups by reaction (Matrix ✅ on a campaign message), remembered so that removing the
//! reaction withdraws exactly that sign-up.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{Result, Store, millis};
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

impl Store {
    /// Remembers that `reaction_id` signed `user` up for `campaign`/`action`.
    pub async fn remember_reaction(
        &self,
        reaction_id: &str,
        user: &User,
        campaign: &str,
        action: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.within(async move {
            sqlx::query(
                "INSERT INTO reaction_signups (platform, reaction_id, user_id, campaign, action, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (platform, reaction_id) DO NOTHING",
            )
            .bind(user.platform.as_str())
            .bind(reaction_id)
            .bind(&user.id)
            .bind(campaign)
            .bind(action)
            .bind(millis(now))
            .execute(&self.pool)
            .await?;
            Ok(())
        })
        .await
    }

    /// Forgets a reaction and returns what it signed up for.
    pub async fn take_reaction(&self, platform: Platform, reaction_id: &str) -> Result<Option<Reacted>> {
        self.within(async move {
            let row = sqlx::query(
                "DELETE FROM reaction_signups WHERE platform = $1 AND reaction_id = $2 RETURNING user_id, campaign, action",
            )
            .bind(platform.as_str())
            .bind(reaction_id)
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
