//! Organizers' changes to the calendar from chat: single dates cancelled or moved, and
//! one-off meetings. Content files stay the source of the regular schedule.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use sqlx::Row;

use super::erasure::author;
use super::{Result, Store, StoreError, millis};
use crate::calendar::{Change, ChangeKind};
use crate::chat::User;

/// A stored change to one occurrence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeRow {
    /// The meeting's slug.
    pub meeting: String,
    /// The change.
    pub change: Change,
    /// When an organizer made it.
    pub made_at: DateTime<Utc>,
}

/// A one-off meeting added in chat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtraMeeting {
    /// Its slug.
    pub slug: String,
    /// Its title, as the organizer typed it.
    pub title: String,
    /// Local start.
    pub starts_local: NaiveDateTime,
    /// Length in minutes.
    pub duration_minutes: i64,
    /// IANA zone.
    pub zone: chrono_tz::Tz,
}

const LOCAL_FORMAT: &str = "%Y-%m-%dT%H:%M";

impl Store {
    /// Cancels or moves one occurrence (replacing any earlier change to it).
    pub async fn set_change(
        &self,
        meeting: &str,
        change: &Change,
        by: &User,
        origin: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.within(async move {
            let (kind, moved_to) = match &change.kind {
                ChangeKind::Cancel => ("cancel", None),
                ChangeKind::Move { to } => ("move", Some(to.format(LOCAL_FORMAT).to_string())),
            };
            sqlx::query(
                "INSERT INTO occurrence_changes (meeting, occurrence_date, kind, moved_to, created_by, created_at, origin, grp)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (grp, meeting, occurrence_date) DO UPDATE
                 SET kind = excluded.kind, moved_to = excluded.moved_to,
                     created_by = excluded.created_by, created_at = excluded.created_at, origin = excluded.origin",
            )
            .bind(meeting)
            .bind(change.date.to_string())
            .bind(kind)
            .bind(moved_to)
            .bind(author(by))
            .bind(millis(now))
            .bind(origin)
            .bind(self.group.as_str())
            .execute(&self.pool)
            .await?;
            Ok(())
        })
        .await
    }

    /// Removes the change to one occurrence, restoring the regular schedule. Returns whether
    /// there was one.
    pub async fn clear_change(&self, meeting: &str, date: NaiveDate) -> Result<bool> {
        self.within(async move {
            let n =
                sqlx::query("DELETE FROM occurrence_changes WHERE meeting = $1 AND occurrence_date = $2 AND grp = $3")
                    .bind(meeting)
                    .bind(date.to_string())
                    .bind(self.group.as_str())
                    .execute(&self.pool)
                    .await?
                    .rows_affected();
            Ok(n > 0)
        })
        .await
    }

    /// Every stored change, oldest first.
    pub async fn changes(&self) -> Result<Vec<ChangeRow>> {
        self.within(async move {
            let rows = sqlx::query(
                "SELECT meeting, occurrence_date, kind, moved_to, created_at FROM occurrence_changes
                 WHERE grp = $1 ORDER BY created_at, meeting",
            )
            .bind(self.group.as_str())
            .fetch_all(&self.pool)
            .await?;
            let read = |r: &sqlx::any::AnyRow| -> Result<ChangeRow> {
                let meeting: String = r.try_get("meeting")?;
                let date: String = r.try_get("occurrence_date")?;
                let kind: String = r.try_get("kind")?;
                let moved_to: Option<String> = r.try_get("moved_to")?;
                let date = NaiveDate::parse_from_str(&date, "%Y-%m-%d")
                    .ok()
                    .filter(|d| crate::calendar::in_sane_range(*d))
                    .ok_or_else(|| StoreError::Corrupt(format!("occurrence date {date}")))?;
                let kind = match (kind.as_str(), moved_to) {
                    ("cancel", _) => ChangeKind::Cancel,
                    ("move", Some(to)) => ChangeKind::Move {
                        to: NaiveDateTime::parse_from_str(&to, LOCAL_FORMAT)
                            .ok()
                            .filter(|t| crate::calendar::in_sane_range(t.date()))
                            .ok_or_else(|| StoreError::Corrupt(format!("moved_to {to}")))?,
                    },
                    (other, _) => return Err(StoreError::Corrupt(format!("change kind {other}"))),
                };
                let made_at = super::instant(r.try_get("created_at")?)?;
                Ok(ChangeRow { meeting, change: Change { date, kind }, made_at })
            };
            Ok(rows.iter().filter_map(|r| skip_corrupt(read(r), "calendar change")).collect())
        })
        .await
    }

    /// Adds a one-off meeting. Returns false when the slug is taken.
    pub async fn add_meeting(&self, m: &ExtraMeeting, by: &User, origin: &str, now: DateTime<Utc>) -> Result<bool> {
        self.within(async move {
            let n = sqlx::query(
                "INSERT INTO extra_meetings (slug, title, starts_local, duration_minutes, time_zone, created_by, created_at, origin, grp)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (grp, slug) DO NOTHING",
            )
            .bind(&m.slug)
            .bind(&m.title)
            .bind(m.starts_local.format(LOCAL_FORMAT).to_string())
            .bind(m.duration_minutes)
            .bind(m.zone.name())
            .bind(author(by))
            .bind(millis(now))
            .bind(origin)
            .bind(self.group.as_str())
            .execute(&self.pool)
            .await?
            .rows_affected();
            Ok(n == 1)
        })
        .await
    }

    /// Every one-off meeting added in chat.
    pub async fn extra_meetings(&self) -> Result<Vec<ExtraMeeting>> {
        self.within(async move {
            let rows = sqlx::query(
                "SELECT slug, title, starts_local, duration_minutes, time_zone FROM extra_meetings
                 WHERE grp = $1 ORDER BY starts_local, slug",
            )
            .bind(self.group.as_str())
            .fetch_all(&self.pool)
            .await?;
            let read = |r: &sqlx::any::AnyRow| -> Result<ExtraMeeting> {
                let starts: String = r.try_get("starts_local")?;
                let zone: String = r.try_get("time_zone")?;
                let duration_minutes: i64 = r.try_get("duration_minutes")?;
                Ok(ExtraMeeting {
                    slug: r.try_get("slug")?,
                    title: r.try_get("title")?,
                    starts_local: NaiveDateTime::parse_from_str(&starts, LOCAL_FORMAT)
                        .ok()
                        .filter(|t| crate::calendar::in_sane_range(t.date()))
                        .ok_or_else(|| StoreError::Corrupt(format!("meeting start {starts}")))?,
                    duration_minutes: Some(duration_minutes)
                        .filter(|m| (1..=MAX_MINUTES).contains(m))
                        .ok_or_else(|| StoreError::Corrupt(format!("meeting length {duration_minutes} minutes")))?,
                    zone: zone.parse().map_err(|_| StoreError::Corrupt(format!("time zone {zone}")))?,
                })
            };
            Ok(rows.iter().filter_map(|r| skip_corrupt(read(r), "one-off meeting")).collect())
        })
        .await
    }
}

impl Store {
    /// When each one-off meeting was added, by slug: a reminder whose moment had passed by
    /// then is not posted as if it were on time.
    pub async fn extra_meetings_added(&self) -> Result<Vec<(String, DateTime<Utc>)>> {
        self.within(async move {
            let rows = sqlx::query("SELECT slug, created_at FROM extra_meetings WHERE grp = $1")
                .bind(self.group.as_str())
                .fetch_all(&self.pool)
                .await?;
            let read = |r: &sqlx::any::AnyRow| -> Result<(String, DateTime<Utc>)> {
                Ok((r.try_get("slug")?, super::instant(r.try_get("created_at")?)?))
            };
            Ok(rows.iter().filter_map(|r| skip_corrupt(read(r), "one-off meeting")).collect())
        })
        .await
    }
}

/// The longest one-off meeting: a week.
pub const MAX_MINUTES: i64 = 7 * 24 * 60;

/// A stored row that cannot be used (written by an older version, or by hand) is left out
/// and logged, so one bad row never makes every calendar answer fail.
fn skip_corrupt<T>(row: Result<T>, what: &str) -> Option<T> {
    match row {
        Ok(v) => Some(v),
        Err(e) => {
            tracing::warn!(error = %e, "a stored {what} cannot be used; it is left out");
            None
        }
    }
}

impl ExtraMeeting {
    /// The meeting as the calendar sees it, or `None` when its start does not exist in its
    /// zone (a time skipped by a daylight-saving change; refused when added).
    pub fn to_meeting(&self) -> Option<crate::content::Meeting> {
        use crate::calendar::{Lead, Schedule};
        use crate::content::{Audience, Meeting, Place, ReminderPlan, Text};
        let schedule = Schedule::once(
            self.starts_local.date(),
            self.starts_local.time(),
            chrono::Duration::try_minutes(self.duration_minutes.clamp(1, MAX_MINUTES))?,
            self.zone,
        )
        .ok()?;
        Some(Meeting {
            slug: self.slug.clone(),
            title: Text::only(crate::locale::Locale::En, self.title.clone()),
            summary: None,
            schedule,
            changes: Vec::new(),
            place: Place { name: Text::default(), link: None, audience: Audience::Everyone, note: None },
            reminders: ReminderPlan {
                before: vec![Lead::DAY, Lead::HOUR],
                personal_before: vec![Lead::HOUR],
                channels: Vec::new(),
                members_channels: false,
            },
            campaigns: Vec::new(),
        })
    }
}
