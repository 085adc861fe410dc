//! What convoca keeps to reach one person on their own: their RSVPs to meetings, whether
//! they want personal reminders, the language and home membership they last showed, the
//! direct channel opened with them, whether the platform refuses to deliver to them, and
//! their private calendar feed. Like sign-ups, organizers only ever see it through the
//! attendee list; public replies carry counts.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;

use super::{Result, Store, StoreError, instant, millis};
use crate::chat::{Platform, User};
use crate::locale::Locale;

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

/// What a private calendar feed holds: the occurrences its owner is going to and the actions
/// they signed up for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MyAgenda {
    /// Occurrences they said going to.
    pub going: Vec<OccurrenceRef>,
    /// `(campaign, action)` they are signed up for.
    pub actions: Vec<(String, String)>,
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

fn date_of(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| StoreError::Corrupt(format!("occurrence date {text}")))
}

/// How long a private calendar link keeps working unread: a calendar app reads it every few
/// hours, so one unread this long is forgotten, and it is erased.
pub const FEED_IDLE: chrono::Duration = chrono::Duration::days(180);

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
                "SELECT going FROM rsvps WHERE platform = $1 AND user_id = $2 AND meeting = $3 AND occurrence_date = $4",
            )
            .bind(user.platform.as_str())
            .bind(&user.id)
            .bind(&at.meeting)
            .bind(at.date.to_string())
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
                    "INSERT INTO rsvps (platform, user_id, meeting, occurrence_date, going, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT (platform, user_id, meeting, occurrence_date)
                     DO UPDATE SET going = excluded.going, updated_at = excluded.updated_at",
                )
                .bind(user.platform.as_str())
                .bind(&user.id)
                .bind(&at.meeting)
                .bind(at.date.to_string())
                .bind(i64::from(going))
                .bind(millis(now))
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(outcome)
        })
        .await
    }

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

    /// How many are going to an occurrence, and how many said they cannot.
    pub async fn rsvp_counts(&self, at: &OccurrenceRef) -> Result<(i64, i64)> {
        self.within(async move {
            let row = sqlx::query(
                "SELECT COUNT(CASE WHEN going = 1 THEN 1 END) AS going, COUNT(CASE WHEN going = 0 THEN 1 END) AS not_going
                 FROM rsvps WHERE meeting = $1 AND occurrence_date = $2",
            )
            .bind(&at.meeting)
            .bind(at.date.to_string())
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
                 WHERE r.meeting = $1 AND r.occurrence_date = $2
                 ORDER BY r.going DESC, r.updated_at, r.platform, r.user_id",
            )
            .bind(&at.meeting)
            .bind(at.date.to_string())
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
                 WHERE r.going = 1 AND r.occurrence_date >= $1 AND u.unreachable_at IS NULL
                 ORDER BY r.meeting, r.occurrence_date, r.platform, r.user_id",
            )
            .bind(from.to_string())
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

    /// Everyone signed up for one of a campaign's actions (not the campaign in general) whom
    /// a message can reach, with their choices.
    pub async fn committed(&self) -> Result<Vec<Committed>> {
        self.within(async move {
            let rows = sqlx::query(
                "SELECT s.platform AS platform, s.user_id AS user_id, s.campaign AS campaign, s.action AS action,
                        s.signed_up_at AS signed_up_at, s.outcome AS outcome,
                        u.locale AS locale, u.member AS member, u.reminders_off AS reminders_off
                 FROM signups s JOIN users u ON u.platform = s.platform AND u.user_id = s.user_id
                 WHERE s.withdrawn_at IS NULL AND s.waitlisted = 0 AND s.action <> '' AND u.unreachable_at IS NULL
                 ORDER BY s.campaign, s.action, s.platform, s.user_id",
            )
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
                "SELECT meeting, occurrence_date FROM rsvps WHERE platform = $1 AND user_id = $2 AND going = 1
                 ORDER BY occurrence_date, meeting",
            )
            .bind(&platform)
            .bind(&user_id)
            .fetch_all(&self.pool)
            .await?;
            let actions = sqlx::query(
                "SELECT campaign, action FROM signups
                 WHERE platform = $1 AND user_id = $2 AND withdrawn_at IS NULL AND action <> ''
                 ORDER BY campaign, action",
            )
            .bind(&platform)
            .bind(&user_id)
            .fetch_all(&self.pool)
            .await?;
            let mut agenda = MyAgenda::default();
            for r in &going {
                let date: String = r.try_get("occurrence_date")?;
                agenda.going.push(OccurrenceRef { meeting: r.try_get("meeting")?, date: date_of(&date)? });
            }
            for r in &actions {
                agenda.actions.push((r.try_get("campaign")?, r.try_get("action")?));
            }
            Ok(Some(agenda))
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
}
