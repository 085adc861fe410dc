//! What the organizers' dashboard reads: every sign-up of a campaign with when each thing
//! happened to it (for progress over time), and who answered for a meeting's dates over the
//! past months (who keeps coming, who stopped). Organizers only, like the roster.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;

use super::rsvps::date_of;
use super::signups::outcome;
use super::{Outcome, Result, Store, instant};

/// One sign-up and its history, withdrawn ones included: no names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignUpHistory {
    /// The action, or empty for the campaign in general.
    pub action: String,
    /// When they signed up (again, for one who came back).
    pub signed_up: DateTime<Utc>,
    /// When they withdrew, if they did.
    pub withdrawn: Option<DateTime<Utc>>,
    /// What they said they did, and when they said it.
    pub outcome: Option<(Outcome, DateTime<Utc>)>,
    /// Whether they wait for a place.
    pub waitlisted: bool,
}

/// One person's answer for one date of a meeting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answered {
    /// Where the person answered from.
    pub platform: String,
    /// Their id there.
    pub user_id: String,
    /// Their display name, as last seen.
    pub name: String,
    /// The date's regular local date.
    pub date: NaiveDate,
    /// Going (true) or not (false).
    pub going: bool,
}

impl Store {
    /// Every sign-up of this group's `campaign`, withdrawn ones too, oldest first.
    pub async fn signup_history(&self, campaign: &str) -> Result<Vec<SignUpHistory>> {
        self.within(async move {
            let rows = sqlx::query(
                "SELECT action, signed_up_at, withdrawn_at, outcome, outcome_at, waitlisted
                 FROM signups WHERE campaign = $1 AND grp = $2
                 ORDER BY signed_up_at, platform, user_id, action",
            )
            .bind(campaign)
            .bind(self.group.as_str())
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|r| {
                    let when = |column: &str| -> Result<Option<DateTime<Utc>>> {
                        r.try_get::<Option<i64>, _>(column)?.map(instant).transpose()
                    };
                    let outcome = match (outcome(r)?, when("outcome_at")?) {
                        (Some(o), Some(at)) => Some((o, at)),
                        (Some(o), None) => Some((o, instant(r.try_get("signed_up_at")?)?)),
                        _ => None,
                    };
                    Ok(SignUpHistory {
                        action: r.try_get("action")?,
                        signed_up: instant(r.try_get("signed_up_at")?)?,
                        withdrawn: when("withdrawn_at")?,
                        outcome,
                        waitlisted: r.try_get::<i64, _>("waitlisted")? != 0,
                    })
                })
                .collect()
        })
        .await
    }

    /// Every answer for this group's `meeting` on dates from `from` to `to` (inclusive), by
    /// person then date.
    pub async fn answers_between(&self, meeting: &str, from: NaiveDate, to: NaiveDate) -> Result<Vec<Answered>> {
        self.within(async move {
            let rows = sqlx::query(
                "SELECT r.platform AS platform, r.user_id AS user_id, u.display_name AS display_name,
                        r.occurrence_date AS occurrence_date, r.going AS going
                 FROM rsvps r JOIN users u ON u.platform = r.platform AND u.user_id = r.user_id
                 WHERE r.meeting = $1 AND r.occurrence_date >= $2 AND r.occurrence_date <= $3 AND r.grp = $4
                 ORDER BY u.display_name, r.platform, r.user_id, r.occurrence_date",
            )
            .bind(meeting)
            .bind(from.to_string())
            .bind(to.to_string())
            .bind(self.group.as_str())
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|r| {
                    let date: String = r.try_get("occurrence_date")?;
                    Ok(Answered {
                        platform: r.try_get("platform")?,
                        user_id: r.try_get("user_id")?,
                        name: r.try_get("display_name")?,
                        date: date_of(&date)?,
                        going: r.try_get::<i64, _>("going")? != 0,
                    })
                })
                .collect()
        })
        .await
    }
}
