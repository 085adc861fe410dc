//! What the store keeps about the group's home: Matrix aliases pinned to their first room,
//! and the organizer records made outside the current home (listed in the log at start).

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{Result, Store, millis};

/// What pinning an alias found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pin {
    /// First time: the alias is now pinned to this room.
    New,
    /// Pinned before to the same room.
    Same,
    /// Pinned before to another room, which is kept: the alias's target changed.
    Changed {
        /// The room pinned earlier (the one to use).
        pinned: String,
    },
}

/// An organizer record made from a place that is not a current home.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leftover {
    /// What it is: "calendar change", "one-off meeting", "reminder subscription".
    pub kind: &'static str,
    /// Which one (meeting and date, slug, channel and meeting).
    pub what: String,
    /// Where it was made, or "unknown" for records older than declared homes.
    pub origin: String,
}

impl Store {
    /// Pins `alias` to `room_id` if it is not pinned yet; says what was pinned before.
    pub async fn pin_alias(&self, alias: &str, room_id: &str, now: DateTime<Utc>) -> Result<Pin> {
        self.within(async move {
            let inserted = sqlx::query(
                "INSERT INTO pinned_aliases (alias, room_id, pinned_at) VALUES ($1, $2, $3) ON CONFLICT (alias) DO NOTHING",
            )
            .bind(alias)
            .bind(room_id)
            .bind(millis(now))
            .execute(&self.pool)
            .await?
            .rows_affected();
            if inserted == 1 {
                return Ok(Pin::New);
            }
            Ok(match self.pinned_alias(alias).await? {
                Some(pinned) if pinned != room_id => Pin::Changed { pinned },
                _ => Pin::Same,
            })
        })
        .await
    }

    /// The room an alias was pinned to, if it was.
    pub async fn pinned_alias(&self, alias: &str) -> Result<Option<String>> {
        self.within(async move {
            let row = sqlx::query("SELECT room_id FROM pinned_aliases WHERE alias = $1")
                .bind(alias)
                .fetch_optional(&self.pool)
                .await?;
            Ok(match row {
                Some(r) => Some(r.try_get("room_id")?),
                None => None,
            })
        })
        .await
    }

    /// Calendar changes, one-off meetings and subscriptions whose origin is not in `homes`
    /// (origins as the engine writes them: `discord:<server>`, `matrix:<room>`, `…:dm`,
    /// `console`), including those made before origins were recorded. This group's only.
    pub async fn leftovers(&self, homes: &[String]) -> Result<Vec<Leftover>> {
        self.within(async move {
            let mut out = Vec::new();
            let queries: [(&'static str, &str); 3] = [
                (
                    "calendar change",
                    "SELECT meeting || ' ' || occurrence_date AS what, origin FROM occurrence_changes WHERE grp = $1 ORDER BY created_at",
                ),
                ("one-off meeting", "SELECT slug AS what, origin FROM extra_meetings WHERE grp = $1 ORDER BY created_at"),
                (
                    "reminder subscription",
                    "SELECT channel || ' ' || meeting AS what, origin FROM subscriptions WHERE grp = $1 ORDER BY created_at",
                ),
            ];
            for (kind, sql) in queries {
                for row in sqlx::query(sql).bind(self.group.as_str()).fetch_all(&self.pool).await? {
                    let what: String = row.try_get("what")?;
                    let origin: Option<String> = row.try_get("origin")?;
                    if origin.as_ref().is_some_and(|o| homes.contains(o)) {
                        continue;
                    }
                    out.push(Leftover { kind, what, origin: origin.unwrap_or_else(|| "unknown".into()) });
                }
            }
            Ok(out)
        })
        .await
    }
}
