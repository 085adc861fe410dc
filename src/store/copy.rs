//! `convoca migrate --to URL`: every table copied from one database to another (SQLite to an
//! empty PostgreSQL when a group outgrows one process, or back), with the bot stopped.
//!
//! The target's schema is brought up to date first (opening a store does that); a target
//! that already holds rows is refused, so nothing is ever mixed or overwritten; the copy is
//! one transaction on each side; the row counts are compared afterwards and reported.

use sqlx::Row;

use super::{Result, Store, StoreError};

/// What kind of value a column holds: the schema has text and 64-bit integers only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `TEXT`.
    Text,
    /// `BIGINT`.
    Int,
}

use Kind::{Int, Text};

/// Every table of the group's data with its columns, parents before children. A test checks
/// this against the migrated schema, so a new table or column cannot be forgotten here.
pub const TABLES: &[(&str, &[(&str, Kind)])] = &[
    (
        "users",
        &[
            ("platform", Text),
            ("user_id", Text),
            ("display_name", Text),
            ("person_id", Text),
            ("created_at", Int),
            ("updated_at", Int),
            ("locale", Text),
            ("member", Int),
            ("reminders_off", Int),
            ("direct_channel", Text),
            ("unreachable_at", Int),
            ("direct_group", Text),
        ],
    ),
    (
        "signups",
        &[
            ("grp", Text),
            ("platform", Text),
            ("user_id", Text),
            ("campaign", Text),
            ("action", Text),
            ("signed_up_at", Int),
            ("withdrawn_at", Int),
            ("outcome", Text),
            ("outcome_at", Int),
            ("waitlisted", Int),
            ("arrival", Int),
        ],
    ),
    (
        "occurrence_changes",
        &[
            ("grp", Text),
            ("meeting", Text),
            ("occurrence_date", Text),
            ("kind", Text),
            ("moved_to", Text),
            ("created_by", Text),
            ("created_at", Int),
            ("origin", Text),
        ],
    ),
    (
        "extra_meetings",
        &[
            ("grp", Text),
            ("slug", Text),
            ("title", Text),
            ("starts_local", Text),
            ("duration_minutes", Int),
            ("time_zone", Text),
            ("created_by", Text),
            ("created_at", Int),
            ("origin", Text),
        ],
    ),
    (
        "subscriptions",
        &[
            ("grp", Text),
            ("channel", Text),
            ("meeting", Text),
            ("locale", Text),
            ("created_by", Text),
            ("created_at", Int),
            ("origin", Text),
        ],
    ),
    (
        "reminder_ledger",
        &[
            ("key", Text),
            ("identity", Text),
            ("channel", Text),
            ("due_at", Int),
            ("state", Text),
            ("claimed_by", Text),
            ("lease_until", Int),
            ("attempts", Int),
            ("note", Text),
            ("updated_at", Int),
        ],
    ),
    (
        "reaction_signups",
        &[
            ("grp", Text),
            ("platform", Text),
            ("reaction_id", Text),
            ("user_id", Text),
            ("campaign", Text),
            ("action", Text),
            ("created_at", Int),
            ("message_id", Text),
        ],
    ),
    ("pinned_aliases", &[("alias", Text), ("room_id", Text), ("pinned_at", Int)]),
    ("platform_seen", &[("platform", Text), ("seen_at", Int)]),
    (
        "rsvps",
        &[
            ("grp", Text),
            ("platform", Text),
            ("user_id", Text),
            ("meeting", Text),
            ("occurrence_date", Text),
            ("going", Int),
            ("updated_at", Int),
        ],
    ),
    (
        "feed_tokens",
        &[("token", Text), ("platform", Text), ("user_id", Text), ("created_at", Int), ("last_used_at", Int)],
    ),
    ("action_places", &[("grp", Text), ("campaign", Text), ("action", Text), ("arrivals", Int)]),
    (
        "place_offers",
        &[
            ("grp", Text),
            ("campaign", Text),
            ("action", Text),
            ("platform", Text),
            ("user_id", Text),
            ("offered_at", Int),
            ("expires_at", Int),
            ("state", Text),
            ("answered_at", Int),
        ],
    ),
    ("features", &[("name", Text), ("since", Int)]),
    (
        "dashboard_links",
        &[
            ("token_hash", Text),
            ("grp", Text),
            ("platform", Text),
            ("user_id", Text),
            ("locale", Text),
            ("created_at", Int),
            ("expires_at", Int),
            ("used_at", Int),
        ],
    ),
    (
        "dashboard_sessions",
        &[
            ("id_hash", Text),
            ("grp", Text),
            ("platform", Text),
            ("user_id", Text),
            ("locale", Text),
            ("created_at", Int),
            ("expires_at", Int),
            ("checked_at", Int),
        ],
    ),
];

/// Rows per multi-row insert: well under both databases' parameter limits.
const CHUNK: usize = 100;

/// One table's rows, copied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Copied {
    /// The table.
    pub table: &'static str,
    /// Rows in the source, and in the target afterwards.
    pub rows: i64,
}

/// Why nothing (or not everything) was copied.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    /// The target holds data already.
    #[error("the target database is not empty ({table} has {rows} rows): migrate only into an empty database")]
    NotEmpty {
        /// The first table found with rows.
        table: &'static str,
        /// How many.
        rows: i64,
    },
    /// Source and target are the same database.
    #[error("the source and the target are the same database")]
    Same,
    /// The counts disagree after the copy (nothing should ever cause this).
    #[error("{table}: {in_source} rows in the source but {target} in the target after the copy")]
    Counts {
        /// The table.
        table: &'static str,
        /// Rows in the source.
        in_source: i64,
        /// Rows in the target.
        target: i64,
    },
    /// A query failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A value read from any column.
enum Value {
    Text(Option<String>),
    Int(Option<i64>),
}

impl Store {
    /// Copies every table into `target`, which must be empty, and returns the counts.
    pub async fn copy_to(&self, target: &Store) -> std::result::Result<Vec<Copied>, CopyError> {
        if self.url == target.url {
            return Err(CopyError::Same);
        }
        for (table, _) in TABLES {
            let rows = target.rows(table).await?;
            if rows > 0 {
                return Err(CopyError::NotEmpty { table, rows });
            }
        }
        // One read transaction on the source (a consistent view), one write on the target.
        let mut from = self.pool.begin().await.map_err(StoreError::from)?;
        let mut to = target.begin_write().await?;
        for (table, columns) in TABLES {
            let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
            let select = format!("SELECT {} FROM {table}", names.join(", "));
            let rows =
                sqlx::query(sqlx::AssertSqlSafe(select)).fetch_all(&mut *from).await.map_err(StoreError::from)?;
            let mut values: Vec<Vec<Value>> = Vec::with_capacity(rows.len());
            for row in &rows {
                let mut one = Vec::with_capacity(columns.len());
                for (name, kind) in columns.iter() {
                    one.push(match kind {
                        Text => Value::Text(row.try_get(*name).map_err(StoreError::from)?),
                        Int => Value::Int(row.try_get(*name).map_err(StoreError::from)?),
                    });
                }
                values.push(one);
            }
            for chunk in values.chunks(CHUNK) {
                let mut sql = format!("INSERT INTO {table} ({}) VALUES ", names.join(", "));
                for (i, _) in chunk.iter().enumerate() {
                    let holders: Vec<String> =
                        (0..names.len()).map(|j| format!("${}", i * names.len() + j + 1)).collect();
                    sql.push_str(&format!("{}({})", if i > 0 { ", " } else { "" }, holders.join(", ")));
                }
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for value in chunk.iter().flatten() {
                    q = match value {
                        Value::Text(v) => q.bind(v.clone()),
                        Value::Int(v) => q.bind(*v),
                    };
                }
                q.execute(&mut *to).await.map_err(StoreError::from)?;
            }
        }
        to.commit().await.map_err(StoreError::from)?;
        drop(from);
        let mut copied = Vec::new();
        for (table, _) in TABLES {
            let (in_source, copied_rows) = (self.rows(table).await?, target.rows(table).await?);
            if in_source != copied_rows {
                return Err(CopyError::Counts { table, in_source, target: copied_rows });
            }
            copied.push(Copied { table, rows: copied_rows });
        }
        Ok(copied)
    }

    /// How many rows `table` (one of [`TABLES`]) holds.
    async fn rows(&self, table: &str) -> Result<i64> {
        let sql = format!("SELECT COUNT(*) AS n FROM {table}");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_one(&self.pool).await?;
        Ok(row.try_get("n")?)
    }
}
