//! Sign-ups: who offered to act on which campaign. Private to organizers: nothing here is
//! ever put in a public reply except counts.

use chrono::{DateTime, Utc};
use sqlx::{Any, Row, Transaction};

use super::{Backend, Outcome, Result, Store, instant, millis};
use crate::chat::User;
use crate::group_id::GroupId;

/// What a sign-up did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignUpOutcome {
    /// A new sign-up.
    New,
    /// They had withdrawn and are back.
    Renewed,
    /// They were already signed up: nothing changed.
    Already,
}

/// One of a member's own sign-ups.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignUp {
    /// The campaign's slug.
    pub campaign: String,
    /// The action's slug, or empty for the campaign in general.
    pub action: String,
    /// When.
    pub at: DateTime<Utc>,
    /// What they said they did, if they said.
    pub outcome: Option<Outcome>,
    /// Whether they wait for a place.
    pub waitlisted: bool,
}

/// A line of a campaign's roster, for organizers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RosterEntry {
    /// Where the person signed up from.
    pub platform: String,
    /// Their id there.
    pub user_id: String,
    /// Their display name, as last seen.
    pub name: String,
    /// The action, or empty for the campaign in general.
    pub action: String,
    /// When.
    pub at: DateTime<Utc>,
    /// What they said they did, if they said.
    pub outcome: Option<Outcome>,
    /// Whether they wait for a place (the roster lists them after those with one, in order).
    pub waitlisted: bool,
}

/// How many are signed up for one action of a campaign.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Count {
    /// The action, or empty for the campaign in general.
    pub action: String,
    /// How many people have a place (everyone signed up, for an action without a capacity).
    pub people: i64,
    /// Of those, how many said they did it.
    pub done: i64,
    /// How many wait for a place.
    pub waiting: i64,
}

impl Store {
    /// A write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`), so
    /// concurrent writers queue on the busy timeout instead of failing when a read lock
    /// cannot be upgraded.
    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// A write transaction on behalf of `user`: their display name refreshed and, when given,
    /// the language and home membership they showed (`seen`) recorded, first.
    pub(crate) async fn begin_as(
        &self,
        user: &User,
        seen: Option<super::Seen>,
        now: DateTime<Utc>,
    ) -> Result<Transaction<'static, Any>> {
        let mut tx = self.begin_write().await?;
        Self::upsert_user(&mut tx, user, now).await?;
        if let Some(seen) = seen {
            Self::record_seen(&mut tx, user, seen).await?;
        }
        Ok(tx)
    }

    /// Records (or refreshes the display name of) a user.
    async fn upsert_user(tx: &mut Transaction<'static, Any>, user: &User, now: DateTime<Utc>) -> Result<()> {
        sqlx::query(
            "INSERT INTO users (platform, user_id, display_name, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $4)
             ON CONFLICT (platform, user_id) DO UPDATE
             SET display_name = excluded.display_name, updated_at = excluded.updated_at
             WHERE users.display_name <> excluded.display_name",
        )
        .bind(user.platform.as_str())
        .bind(&user.id)
        .bind(&user.name)
        .bind(millis(now))
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Signs `user` up for `campaign` (and `action`, or `""` for the campaign in general).
    /// Idempotent: a second time changes nothing and says so. Safe under any concurrency:
    /// one user clicking a hundred times at once makes one row.
    pub async fn sign_up(
        &self,
        user: &User,
        campaign: &str,
        action: &str,
        now: DateTime<Utc>,
    ) -> Result<SignUpOutcome> {
        self.sign_up_seen(user, campaign, action, None, now).await
    }

    /// [`Store::sign_up`], keeping the language and home membership the person showed, for
    /// the personal reminder before the action's deadline.
    pub async fn sign_up_seen(
        &self,
        user: &User,
        campaign: &str,
        action: &str,
        seen: Option<super::Seen>,
        now: DateTime<Utc>,
    ) -> Result<SignUpOutcome> {
        self.within(async move {
            let mut tx = self.begin_as(user, seen, now).await?;
            let inserted = sqlx::query(
                "INSERT INTO signups (platform, user_id, campaign, action, signed_up_at, grp)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (grp, platform, user_id, campaign, action) DO NOTHING",
            )
            .bind(user.platform.as_str())
            .bind(&user.id)
            .bind(campaign)
            .bind(action)
            .bind(millis(now))
            .bind(self.group.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            let outcome = if inserted == 1 {
                SignUpOutcome::New
            } else {
                let renewed = sqlx::query(
                    "UPDATE signups SET withdrawn_at = NULL, signed_up_at = $5, outcome = NULL, outcome_at = NULL
                     WHERE platform = $1 AND user_id = $2 AND campaign = $3 AND action = $4
                       AND withdrawn_at IS NOT NULL AND grp = $6",
                )
                .bind(user.platform.as_str())
                .bind(&user.id)
                .bind(campaign)
                .bind(action)
                .bind(millis(now))
                .bind(self.group.as_str())
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if renewed == 1 { SignUpOutcome::Renewed } else { SignUpOutcome::Already }
            };
            tx.commit().await?;
            Ok(outcome)
        })
        .await
    }

    /// Withdraws `user` from `campaign`: from one action, or from all of it when `action` is
    /// `None`. Returns how many sign-ups were withdrawn (0 when there were none). A place
    /// offered to them goes to the next person waiting.
    pub async fn withdraw(&self, user: &User, campaign: &str, action: Option<&str>, now: DateTime<Utc>) -> Result<u64> {
        self.within(async move {
            // `action = COALESCE($4, action)`: one action, or every action when it is NULL.
            let whose =
                "platform = $1 AND user_id = $2 AND campaign = $3 AND action = COALESCE($4, action) AND grp = $6";
            let signups = format!("UPDATE signups SET withdrawn_at = $5 WHERE {whose} AND withdrawn_at IS NULL");
            let offers = format!(
                "UPDATE place_offers SET state = 'withdrawn', answered_at = $5 WHERE {whose} AND state = 'open'"
            );
            let run = |sql: String| {
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(user.platform.as_str())
                    .bind(&user.id)
                    .bind(campaign)
                    .bind(action)
                    .bind(millis(now))
                    .bind(self.group.as_str())
            };
            let mut tx = self.begin_write().await?;
            let n = run(signups).execute(&mut *tx).await?.rows_affected();
            run(offers).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(n)
        })
        .await
    }

    /// A member's own active sign-ups, newest first.
    pub async fn signups_of(&self, user: &User) -> Result<Vec<SignUp>> {
        self.within(async move {
            let rows = sqlx::query(
                "SELECT campaign, action, signed_up_at, outcome, waitlisted FROM signups
                 WHERE platform = $1 AND user_id = $2 AND withdrawn_at IS NULL AND grp = $3
                 ORDER BY signed_up_at DESC, campaign, action",
            )
            .bind(user.platform.as_str())
            .bind(&user.id)
            .bind(self.group.as_str())
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(SignUp {
                        campaign: r.try_get("campaign")?,
                        action: r.try_get("action")?,
                        at: instant(r.try_get("signed_up_at")?)?,
                        outcome: outcome(r)?,
                        waitlisted: r.try_get::<i64, _>("waitlisted")? != 0,
                    })
                })
                .collect()
        })
        .await
    }

    /// A campaign's roster: everyone signed up, by action then time. For organizers only.
    pub async fn roster(&self, campaign: &str) -> Result<Vec<RosterEntry>> {
        self.roster_slice(campaign, i64::MAX, 0).await
    }

    /// `limit` lines of a campaign's roster from line `offset` (in the roster's order), and
    /// how many lines it has in all: a page of a long roster, without reading the rest.
    pub async fn roster_page(&self, campaign: &str, offset: i64, limit: i64) -> Result<(Vec<RosterEntry>, i64)> {
        let lines = self.roster_slice(campaign, limit, offset).await?;
        let total = self
            .within(async move {
                let row = sqlx::query(
                    "SELECT COUNT(*) AS n FROM signups WHERE campaign = $1 AND withdrawn_at IS NULL AND grp = $2",
                )
                .bind(campaign)
                .bind(self.group.as_str())
                .fetch_one(&self.pool)
                .await?;
                Ok(row.try_get::<i64, _>("n")?)
            })
            .await?;
        Ok((lines, total))
    }

    async fn roster_slice(&self, campaign: &str, limit: i64, offset: i64) -> Result<Vec<RosterEntry>> {
        self.within(async move {
            let rows = sqlx::query(
                "SELECT s.platform AS platform, s.user_id AS user_id, u.display_name AS display_name, s.action AS action,
                        s.signed_up_at AS signed_up_at, s.outcome AS outcome, s.waitlisted AS waitlisted
                 FROM signups s JOIN users u ON u.platform = s.platform AND u.user_id = s.user_id
                 WHERE s.campaign = $1 AND s.withdrawn_at IS NULL AND s.grp = $2
                 ORDER BY s.action, s.waitlisted, s.arrival, s.signed_up_at, s.platform, s.user_id
                 LIMIT $3 OFFSET $4",
            )
            .bind(campaign)
            .bind(self.group.as_str())
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(RosterEntry {
                        platform: r.try_get("platform")?,
                        user_id: r.try_get("user_id")?,
                        name: r.try_get("display_name")?,
                        action: r.try_get("action")?,
                        at: instant(r.try_get("signed_up_at")?)?,
                        outcome: outcome(r)?,
                        waitlisted: r.try_get::<i64, _>("waitlisted")? != 0,
                    })
                })
                .collect()
        })
        .await
    }

    /// How many people are signed up per action of a campaign (numbers only: safe to show
    /// anyone).
    pub async fn counts(&self, campaign: &str) -> Result<Vec<Count>> {
        self.within(async move {
            let rows = sqlx::query(
                "SELECT action, COUNT(CASE WHEN waitlisted = 0 THEN 1 END) AS people,
                        COUNT(CASE WHEN waitlisted = 0 AND outcome = 'done' THEN 1 END) AS done,
                        COUNT(CASE WHEN waitlisted <> 0 THEN 1 END) AS waiting
                 FROM signups WHERE campaign = $1 AND withdrawn_at IS NULL AND grp = $2
                 GROUP BY action ORDER BY action",
            )
            .bind(campaign)
            .bind(self.group.as_str())
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(Count {
                        action: r.try_get("action")?,
                        people: r.try_get("people")?,
                        done: r.try_get("done")?,
                        waiting: r.try_get("waiting")?,
                    })
                })
                .collect()
        })
        .await
    }

    /// How many distinct people are signed up for anything in a campaign.
    pub async fn people_in(&self, campaign: &str) -> Result<i64> {
        self.within(async move {
            let row = sqlx::query(
                "SELECT COUNT(*) AS n FROM (SELECT DISTINCT platform, user_id FROM signups
                 WHERE campaign = $1 AND withdrawn_at IS NULL AND waitlisted = 0 AND grp = $2) AS people",
            )
            .bind(campaign)
            .bind(self.group.as_str())
            .fetch_one(&self.pool)
            .await?;
            Ok(row.try_get("n")?)
        })
        .await
    }
}

/// The `outcome` column of a row.
pub(super) fn outcome(r: &sqlx::any::AnyRow) -> Result<Option<Outcome>> {
    r.try_get::<Option<String>, _>("outcome")?.as_deref().map(Outcome::from_stored).transpose()
}

/// A statement about one person's sign-up for one action, with them bound as `$1`–`$4`
/// (platform, user id, campaign, action): the order every such statement here uses.
pub(super) fn of_sign_up<'q>(sql: &'q str, user: &'q User, campaign: &'q str, action: &'q str) -> AnyQuery<'q> {
    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(user.platform.as_str()).bind(&user.id).bind(campaign).bind(action)
}

/// A statement with its arguments, as [`of_sign_up`] starts it.
pub(super) type AnyQuery<'q> = sqlx::query::Query<'q, Any, sqlx::any::AnyArguments>;

/// Where one person's sign-up for one action stands, read inside a write.
pub(super) struct SignUpRow {
    /// Not withdrawn.
    pub active: bool,
    /// Waiting for a place.
    pub waitlisted: bool,
    /// What they said they did.
    pub outcome: Option<Outcome>,
}

impl SignUpRow {
    /// The row, if the person ever signed up for the action.
    pub(super) async fn read(
        tx: &mut Transaction<'static, Any>,
        group: &GroupId,
        user: &User,
        campaign: &str,
        action: &str,
    ) -> Result<Option<SignUpRow>> {
        let sql = "SELECT withdrawn_at, waitlisted, outcome FROM signups
                   WHERE platform = $1 AND user_id = $2 AND campaign = $3 AND action = $4 AND grp = $5";
        let row = of_sign_up(sql, user, campaign, action).bind(group.as_str()).fetch_optional(&mut **tx).await?;
        row.map(|r| {
            Ok(SignUpRow {
                active: r.try_get::<Option<i64>, _>("withdrawn_at")?.is_none(),
                waitlisted: r.try_get::<i64, _>("waitlisted")? != 0,
                outcome: outcome(&r)?,
            })
        })
        .transpose()
    }
}
