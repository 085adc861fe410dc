//! Who is going to which meeting: RSVPs, their counts, the attendee list organizers see,
//! and the people going whom personal reminders are for. Like sign-ups, organizers only ever
//! see who through the attendee list; public replies carry counts.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;

use super::reach::{Recipient, Seen, recipient};
use super::{Result, Store, StoreError, instant, millis};
use crate::chat::User;

/// What an RSVP did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RsvpOutcome {
    /// The first answer for this occurrence.
    New,
    /// The other answer before: changed.
    Changed,
    /// The same answer before: nothing changed.
    Already,
}

/// An occurrence, as RSVPs name it: the meeting and its regular local date.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OccurrenceRef {
    /// The meeting's slug.
    pub meeting: String,
    /// The occurrence's regular local date (kept when it moves).
    pub date: NaiveDate,
}

/// One answer on an attendee list, for organizers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attendee {
    /// Where the person answered from.
    pub platform: String,
    /// Their id there.
    pub user_id: String,
    /// Their display name, as last seen.
    pub name: String,
    /// Going (true) or not (false).
    pub going: bool,
    /// When they last answered.
    pub at: DateTime<Utc>,
}

/// A person going to an occurrence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Going {
    /// The occurrence.
    pub occurrence: OccurrenceRef,
    /// Who.
    pub who: Recipient,
    /// When they said so.
    pub since: DateTime<Utc>,
}

pub(super) fn date_of(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| StoreError::Corrupt(format!("occurrence date {text}")))
}

impl Store {
    /// Records `user`'s answer for one occurrence, with the language and membership they
    /// showed. Idempotent: the same answer again changes nothing and says so.
    pub async fn rsvp(
        &self,
        user: &User,
        at: &OccurrenceRef,
        going: bool,
        seen: Seen,
        now: DateTime<Utc>,
    ) -> Result<RsvpOutcome> {
        self.within(async move {
            let mut tx = self.begin_as(user, Some(seen), now).await?;
            let before: Option<i64> = sqlx::query(
                "SELECT going FROM rsvps
                 WHERE platform = $1 AND user_id = $2 AND meeting = $3 AND occurrence_date = $4 AND grp = $5",
            )
            .bind(user.platform.as_str())
            .bind(&user.id)
            .bind(&at.meeting)
            .bind(at.date.to_string())
            .bind(self.group.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get("going"))
            .transpose()?;
            let outcome = match before {
                Some(g) if (g != 0) == going => RsvpOutcome::Already,
                Some(_) => RsvpOutcome::Changed,
                None => RsvpOutcome::New,
            };
            if outcome != RsvpOutcome::Already {
                sqlx::query(
                    "INSERT INTO rsvps (platform, user_id, meeting, occurrence_date, going, updated_at, grp)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)
                     ON CONFLICT (grp, platform, user_id, meeting, occurrence_date)
                     DO UPDATE SET going = excluded.going, updated_at = excluded.updated_at",
                )
                .bind(user.platform.as_str())
                .bind(&user.id)
                .bind(&at.meeting)
                .bind(at.date.to_string())
                .bind(i64::from(going))
                .bind(millis(now))
                .bind(self.group.as_str())
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(outcome)
        })
        .await
    }

    /// How many are going to an occurrence, and how many said they cannot.
    pub async fn rsvp_counts(&self, at: &OccurrenceRef) -> Result<(i64, i64)> {
        self.within(async move {
            let row = sqlx::query(
                "SELECT COUNT(CASE WHEN going = 1 THEN 1 END) AS going, COUNT(CASE WHEN going = 0 THEN 1 END) AS not_going
                 FROM rsvps WHERE meeting = $1 AND occurrence_date = $2 AND grp = $3",
            )
            .bind(&at.meeting)
            .bind(at.date.to_string())
            .bind(self.group.as_str())
            .fetch_one(&self.pool)
            .await?;
            Ok((row.try_get("going")?, row.try_get("not_going")?))
        })
        .await
    }

    /// Everyone who answered for an occurrence: going first, then by time. Organizers only.
    pub async fn attendees(&self, at: &OccurrenceRef) -> Result<Vec<Attendee>> {
        self.within(async move {
            let rows = sqlx::query(
                "SELECT r.platform AS platform, r.user_id AS user_id, u.display_name AS display_name,
                        r.going AS going, r.updated_at AS updated_at
                 FROM rsvps r JOIN users u ON u.platform = r.platform AND u.user_id = r.user_id
                 WHERE r.meeting = $1 AND r.occurrence_date = $2 AND r.grp = $3
                 ORDER BY r.going DESC, r.updated_at, r.platform, r.user_id",
            )
            .bind(&at.meeting)
            .bind(at.date.to_string())
            .bind(self.group.as_str())
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(Attendee {
                        platform: r.try_get("platform")?,
                        user_id: r.try_get("user_id")?,
                        name: r.try_get("display_name")?,
                        going: r.try_get::<i64, _>("going")? != 0,
                        at: instant(r.try_get("updated_at")?)?,
                    })
                })
                .collect()
        })
        .await
    }

    /// Everyone going to an occurrence on or after `from` whom a message can reach (not
    /// recorded unreachable), with their choices.
    pub async fn going_from(&self, from: NaiveDate) -> Result<Vec<Going>> {
        self.within(async move {
            let rows = sqlx::query(
                "SELECT r.platform AS platform, r.user_id AS user_id, r.meeting AS meeting,
                        r.occurrence_date AS occurrence_date, u.locale AS locale, u.member AS member,
                        u.reminders_off AS reminders_off, r.updated_at AS updated_at
                 FROM rsvps r JOIN users u ON u.platform = r.platform AND u.user_id = r.user_id
                 WHERE r.going = 1 AND r.occurrence_date >= $1 AND u.unreachable_at IS NULL AND r.grp = $2
                 ORDER BY r.meeting, r.occurrence_date, r.platform, r.user_id",
            )
            .bind(from.to_string())
            .bind(self.group.as_str())
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|r| {
                    let date: String = r.try_get("occurrence_date")?;
                    Ok(Going {
                        occurrence: OccurrenceRef { meeting: r.try_get("meeting")?, date: date_of(&date)? },
                        who: recipient(r)?,
                        since: instant(r.try_get("updated_at")?)?,
                    })
                })
                .collect()
        })
        .await
    }
}
