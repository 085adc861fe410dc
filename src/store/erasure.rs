//! A member's right to be forgotten.

use sqlx::Row;

use super::{Result, Store};
use crate::chat::User;

/// What `forget` erased, to tell the member.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Erased {
    /// Whether a name was stored.
    pub profile: bool,
    /// Sign-ups, active or withdrawn.
    pub signups: u64,
    /// Answers to meetings (going or not).
    pub rsvps: u64,
    /// Personal messages on record (reminders, notices) and private calendar feeds.
    pub personal: u64,
    /// Organizer records that named them as author (calendar changes, subscriptions), now
    /// anonymous.
    pub authored: u64,
    /// Links to and sessions on an organizers' dashboard (each ends with it).
    pub dashboard: u64,
}

impl Erased {
    /// True when nothing was stored.
    pub fn is_empty(&self) -> bool {
        !self.profile
            && self.signups == 0
            && self.rsvps == 0
            && self.personal == 0
            && self.authored == 0
            && self.dashboard == 0
    }
}

impl Store {
    /// What is stored about a user, counted as `forget` would erase it: in every group (a
    /// person is one person to the deployment, whichever group's handle asks).
    pub async fn stored_about(&self, user: &User) -> Result<Erased> {
        self.within(async move {
            let author = author(user);
            let row = sqlx::query(
                "SELECT
                   (SELECT COUNT(*) FROM users WHERE platform = $1 AND user_id = $2),
                   (SELECT COUNT(*) FROM signups WHERE platform = $1 AND user_id = $2),
                   (SELECT COUNT(*) FROM occurrence_changes WHERE created_by = $3)
                 + (SELECT COUNT(*) FROM extra_meetings WHERE created_by = $3)
                 + (SELECT COUNT(*) FROM subscriptions WHERE created_by = $3),
                   (SELECT COUNT(*) FROM rsvps WHERE platform = $1 AND user_id = $2),
                   (SELECT COUNT(*) FROM feed_tokens WHERE platform = $1 AND user_id = $2)
                 + (SELECT COUNT(*) FROM reminder_ledger WHERE channel = $4),
                   (SELECT COUNT(*) FROM dashboard_links WHERE platform = $1 AND user_id = $2)
                 + (SELECT COUNT(*) FROM dashboard_sessions WHERE platform = $1 AND user_id = $2)",
            )
            .bind(user.platform.as_str())
            .bind(&user.id)
            .bind(&author)
            .bind(user.direct_target())
            .fetch_one(&self.pool)
            .await?;
            let count = |i: usize| -> Result<u64> { Ok(row.try_get::<i64, _>(i)?.max(0) as u64) };
            Ok(Erased {
                profile: count(0)? > 0,
                signups: count(1)?,
                authored: count(2)?,
                rsvps: count(3)?,
                personal: count(4)?,
                dashboard: count(5)?,
            })
        })
        .await
    }

    /// Erases everything stored about a user on their platform, in one transaction: their
    /// sign-ups, RSVPs, calendar feed, the record of personal messages sent to them, their
    /// dashboard links and sessions, their choices and name are deleted; records they
    /// authored as an organizer stay but no longer say who. Every group's rows go:
    /// `/forgetme` asked in one group forgets the person everywhere the deployment knows them.
    pub async fn forget(&self, user: &User) -> Result<Erased> {
        let erased = self
            .within(async move {
                let author = author(user);
                let mut tx = self.begin_write().await?;
                sqlx::query("DELETE FROM reaction_signups WHERE platform = $1 AND user_id = $2")
                    .bind(user.platform.as_str())
                    .bind(&user.id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM place_offers WHERE platform = $1 AND user_id = $2")
                    .bind(user.platform.as_str())
                    .bind(&user.id)
                    .execute(&mut *tx)
                    .await?;
                let signups = sqlx::query("DELETE FROM signups WHERE platform = $1 AND user_id = $2")
                    .bind(user.platform.as_str())
                    .bind(&user.id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                let rsvps = sqlx::query("DELETE FROM rsvps WHERE platform = $1 AND user_id = $2")
                    .bind(user.platform.as_str())
                    .bind(&user.id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                let mut personal = sqlx::query("DELETE FROM feed_tokens WHERE platform = $1 AND user_id = $2")
                    .bind(user.platform.as_str())
                    .bind(&user.id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                personal += sqlx::query("DELETE FROM reminder_ledger WHERE channel = $1")
                    .bind(user.direct_target())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                // A dashboard session ends with its person: nothing of theirs stays open.
                let mut dashboard = 0;
                for sql in [
                    "DELETE FROM dashboard_links WHERE platform = $1 AND user_id = $2",
                    "DELETE FROM dashboard_sessions WHERE platform = $1 AND user_id = $2",
                ] {
                    dashboard += sqlx::query(sql)
                        .bind(user.platform.as_str())
                        .bind(&user.id)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                }
                let profile = sqlx::query("DELETE FROM users WHERE platform = $1 AND user_id = $2")
                    .bind(user.platform.as_str())
                    .bind(&user.id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                    > 0;
                let mut authored = 0;
                for sql in [
                    "UPDATE occurrence_changes SET created_by = NULL WHERE created_by = $1",
                    "UPDATE extra_meetings SET created_by = NULL WHERE created_by = $1",
                    "UPDATE subscriptions SET created_by = NULL WHERE created_by = $1",
                ] {
                    authored += sqlx::query(sql).bind(&author).execute(&mut *tx).await?.rows_affected();
                }
                tx.commit().await?;
                Ok(Erased { profile, signups, rsvps, personal, authored, dashboard })
            })
            .await?;
        if erased.profile || erased.signups + erased.rsvps + erased.personal + erased.dashboard > 0 {
            self.scrub();
        }
        Ok(erased)
    }
}

/// How organizer records name their author.
pub(crate) fn author(user: &User) -> String {
    format!("{}:{}", user.platform.as_str(), user.id)
}
