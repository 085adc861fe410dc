//! Which groups the database holds rows of, and moving the rows of a one-group deployment
//! into a named group when it becomes one group of an organization.

use sqlx::Row;

use super::feeds::group_of;
use super::{Result, Store, StoreError, millis};
use crate::group_id::GroupId;

/// The tables whose rows belong to one group (the `grp` column).
pub const GROUP_TABLES: &[&str] = &[
    "signups",
    "occurrence_changes",
    "extra_meetings",
    "subscriptions",
    "reaction_signups",
    "rsvps",
    "action_places",
    "place_offers",
];

/// What [`Store::move_group`] moved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Moved {
    /// Rows per table, in [`GROUP_TABLES`] order, tables with none left out.
    pub rows: Vec<(&'static str, u64)>,
    /// Reminder ledger entries given the group's identity (so its reminders are not sent
    /// again under a new key).
    pub reminders: u64,
}

/// The `features` row that records which group a one-group deployment's rows were moved
/// into: `moved-into:<slug>`.
const MOVED_INTO: &str = "moved-into:";

impl Store {
    /// The group a one-group deployment's rows were moved into (`migrate --into-group`), if
    /// they were.
    pub async fn moved_into(&self) -> Result<Option<GroupId>> {
        self.within(async move {
            let row = sqlx::query("SELECT name FROM features WHERE name LIKE 'moved-into:%' ORDER BY since DESC")
                .fetch_optional(&self.pool)
                .await?;
            let name: Option<String> = row.map(|r| r.try_get("name")).transpose()?;
            Ok(name.and_then(|n| n.strip_prefix(MOVED_INTO).map(GroupId::named)))
        })
        .await
    }

    /// How many rows belong to the single group (`''`): in a content root that is an
    /// organization, rows from before it became one, waiting for `migrate --into-group`.
    pub async fn single_group_rows(&self) -> Result<i64> {
        self.within(async move {
            let mut total = 0;
            for table in GROUP_TABLES.iter().filter(|t| **t != "action_places") {
                let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE grp = ''");
                let n: i64 = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_one(&self.pool).await?.try_get("n")?;
                total += n;
            }
            Ok(total)
        })
        .await
    }

    /// Every group some row belongs to, the single group (`''`) included when it has rows.
    pub async fn groups_on_record(&self) -> Result<Vec<GroupId>> {
        self.within(async move {
            let union: Vec<String> = GROUP_TABLES.iter().map(|t| format!("SELECT grp FROM {t}")).collect();
            let sql = format!("SELECT DISTINCT grp FROM ({}) AS every_group ORDER BY grp", union.join(" UNION "));
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
            rows.iter().map(group_of).collect()
        })
        .await
    }

    /// Moves every row of `from` into `to`, in one transaction, with the bot stopped: a
    /// deployment that was one group (`from` = the single group) becomes one group of an
    /// organization. Refused when `to` has rows already (nothing is ever merged). Reminders
    /// already recorded get `to`'s identity and the key `rekey` derives from it, so none is
    /// sent twice; one claimed by a process that may have posted it is recorded as sent.
    pub async fn move_group(&self, from: &GroupId, to: &GroupId, rekey: impl Fn(&str) -> String) -> Result<Moved> {
        if from == to {
            return Err(StoreError::Refused(format!("{from} and {to} are the same group")));
        }
        let now = millis(chrono::Utc::now());
        self.within(async move {
            let mut tx = self.begin_write().await?;
            // The waitlist's arrival counters are bookkeeping, made as soon as a group with
            // places is loaded: the moved group's own counters replace them.
            for table in GROUP_TABLES.iter().filter(|t| **t != "action_places") {
                let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE grp = $1");
                let n: i64 =
                    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(to.as_str()).fetch_one(&mut *tx).await?.try_get("n")?;
                if n > 0 {
                    return Err(StoreError::Refused(format!(
                        "the group {to} has records of its own already ({n} in {table}): rows are moved only into a \
                         group that has none, so nothing is mixed (move them before the group is used)"
                    )));
                }
            }
            sqlx::query("DELETE FROM action_places WHERE grp = $1").bind(to.as_str()).execute(&mut *tx).await?;
            let mut moved = Moved::default();
            for table in GROUP_TABLES {
                let sql = format!("UPDATE {table} SET grp = $1 WHERE grp = $2");
                let n = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(to.as_str())
                    .bind(from.as_str())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if n > 0 {
                    moved.rows.push((table, n));
                }
            }
            let entries = sqlx::query("SELECT key, identity, state FROM reminder_ledger").fetch_all(&mut *tx).await?;
            for entry in &entries {
                let identity: String = entry.try_get("identity")?;
                let Some(rest) = of_group(&identity, from) else { continue };
                let renamed = format!("{}{rest}", to.identity_prefix());
                let key: String = entry.try_get("key")?;
                let state: String = entry.try_get("state")?;
                let (state, note) = if state == "claimed" {
                    ("sent", Some("claimed when its group was moved: it may have been posted, so it is not sent again"))
                } else {
                    (state.as_str(), None)
                };
                sqlx::query(
                    "UPDATE reminder_ledger SET key = $1, identity = $2, state = $3,
                            note = COALESCE($4, note), updated_at = $5, claimed_by = NULL, lease_until = NULL
                     WHERE key = $6",
                )
                .bind(rekey(&renamed))
                .bind(&renamed)
                .bind(state)
                .bind(note)
                .bind(now)
                .bind(&key)
                .execute(&mut *tx)
                .await?;
                moved.reminders += 1;
            }
            // Kept so that the single group's old addresses (its calendar feed) lead on.
            sqlx::query("INSERT INTO features (name, since) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
                .bind(format!("{MOVED_INTO}{}", to.as_str()))
                .bind(now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(moved)
        })
        .await
    }
}

/// The identity without its group's prefix, when it is a reminder of `group`: a named
/// group's start `slug/`; the single group's have no `/` before their first `:`.
fn of_group<'a>(identity: &'a str, group: &GroupId) -> Option<&'a str> {
    if group.is_single() {
        let head = identity.split(':').next().unwrap_or_default();
        (!head.contains('/')).then_some(identity)
    } else {
        identity.strip_prefix(&group.identity_prefix())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reminder_belongs_to_the_group_its_identity_names() {
        let single = GroupId::single();
        let youth = GroupId::named("youth");
        assert_eq!(
            of_group("meeting:monthly:2027-01-04:1d:discord:1", &single),
            Some("meeting:monthly:2027-01-04:1d:discord:1")
        );
        assert_eq!(of_group("youth/meeting:monthly:2027-01-04:1d:discord:1", &single), None);
        assert_eq!(
            of_group("youth/meeting:monthly:2027-01-04:1d:discord:1", &youth),
            Some("meeting:monthly:2027-01-04:1d:discord:1")
        );
        assert_eq!(of_group("meeting:monthly:2027-01-04:1d:discord:1", &youth), None);
    }
}
