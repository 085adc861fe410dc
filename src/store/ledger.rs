//! The reminder ledger: claim before sending, mark after, so that restarts, crashes and
//! several processes never post a reminder twice and never lose one silently.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{Result, Store, instant, millis};

/// Where a reminder stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LedgerState {
    /// A process holds it until the lease ends.
    Claimed {
        /// Which process.
        by: String,
        /// Until when.
        lease_until: DateTime<Utc>,
    },
    /// Posted.
    Sent,
    /// Not posted: its moment and its meeting had passed while the bot was down, or a more
    /// recent reminder for the same occurrence went out instead.
    Missed,
    /// Not posted: the platform refused it for good (channel gone, no permission).
    Failed,
}

impl LedgerState {
    /// True once nothing more will happen to the reminder.
    pub fn is_final(&self) -> bool {
        !matches!(self, LedgerState::Claimed { .. })
    }

    /// A short word for listings.
    pub fn word(&self) -> &'static str {
        match self {
            LedgerState::Claimed { .. } => "claimed",
            LedgerState::Sent => "sent",
            LedgerState::Missed => "missed",
            LedgerState::Failed => "failed",
        }
    }
}

/// A reminder to claim.
#[derive(Clone, Debug)]
pub struct Claim<'a> {
    /// Idempotency key.
    pub key: &'a str,
    /// Readable identity.
    pub identity: &'a str,
    /// Target channel.
    pub channel: &'a str,
    /// When it is due.
    pub due: DateTime<Utc>,
}

/// Rows per multi-row statement: well under both databases' parameter limits. These
/// statements have as many placeholders as rows, so each size is another statement: they are
/// not kept prepared (`persistent(false)`), or a fan-out of thousands would fill every
/// connection's statement cache with large ones (several MiB of resident memory).
const CHUNK: usize = 200;

impl Store {
    /// The database server's clock. Every process sharing the database corrects its own
    /// clock to it, so they agree on leases and due instants (SQLite's is this machine's).
    pub async fn database_now(&self) -> Result<DateTime<Utc>> {
        self.within(async move {
            let sql = match self.backend {
                super::Backend::Postgres => "SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT) AS ms",
                super::Backend::Sqlite => "SELECT CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) AS ms",
            };
            let row = sqlx::query(sql).fetch_one(&self.pool).await?;
            instant(row.try_get("ms")?)
        })
        .await
    }

    /// Claims every reminder in `claims` that nobody holds: new ones, and ones whose holder's
    /// lease ended (a crash between claim and send). Returns the keys this call claimed, each
    /// with its attempt number: above 1, an earlier attempt may have posted it; 1 again when
    /// every earlier attempt was released with nothing sent. A key held by a live lease
    /// elsewhere, or already final, is not returned.
    pub async fn claim(
        &self,
        claims: &[Claim<'_>],
        me: &str,
        lease_until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<(String, i64)>> {
        self.within(async move {
            let mut won = Vec::new();
            let mut tx = self.begin_write().await?;
            for chunk in claims.chunks(CHUNK) {
                let mut sql = String::from(
                    "INSERT INTO reminder_ledger (key, identity, channel, due_at, state, claimed_by, lease_until, attempts, updated_at) VALUES ",
                );
                for i in 0..chunk.len() {
                    let b = i * 4;
                    if i > 0 {
                        sql.push_str(", ");
                    }
                    sql.push_str(&format!("(${}, ${}, ${}, ${}, 'claimed', $1, $2, 1, $3)", b + 4, b + 5, b + 6, b + 7));
                }
                sql.push_str(
                    " ON CONFLICT (key) DO UPDATE SET claimed_by = excluded.claimed_by, lease_until = excluded.lease_until,
                       attempts = reminder_ledger.attempts + 1, updated_at = excluded.updated_at
                     WHERE reminder_ledger.state = 'claimed' AND reminder_ledger.lease_until <= $3
                     RETURNING key, attempts",
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .persistent(false)
                    .bind(me)
                    .bind(millis(lease_until))
                    .bind(millis(now));
                for c in chunk {
                    q = q.bind(c.key).bind(c.identity).bind(c.channel).bind(millis(c.due));
                }
                for row in q.fetch_all(&mut *tx).await? {
                    won.push((row.try_get("key")?, row.try_get("attempts")?));
                }
            }
            tx.commit().await?;
            Ok(won)
        })
        .await
    }

    /// Records reminders as sent, as long as this process still holds them.
    pub async fn mark_sent(&self, keys: &[String], me: &str, now: DateTime<Utc>) -> Result<u64> {
        self.within(async move { self.settle(keys, me, "sent", None, now).await }).await
    }

    /// Records reminders as failed for good (with the platform's reason).
    pub async fn mark_failed(&self, keys: &[String], me: &str, reason: &str, now: DateTime<Utc>) -> Result<u64> {
        self.within(async move { self.settle(keys, me, "failed", Some(reason), now).await }).await
    }

    async fn settle(
        &self,
        keys: &[String],
        me: &str,
        state: &'static str,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        let mut n = 0;
        for chunk in keys.chunks(CHUNK) {
            let list = (0..chunk.len()).map(|i| format!("${}", i + 5)).collect::<Vec<_>>().join(", ");
            let sql = format!(
                "UPDATE reminder_ledger SET state = $1, note = $2, updated_at = $3
                 WHERE state = 'claimed' AND claimed_by = $4 AND key IN ({list})"
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
                .persistent(false)
                .bind(state)
                .bind(note)
                .bind(millis(now))
                .bind(me);
            for k in chunk {
                q = q.bind(k);
            }
            n += q.execute(&self.pool).await?.rows_affected();
        }
        Ok(n)
    }

    /// Records reminders this process holds as not posted, with why (their meeting started
    /// before they could go out).
    pub async fn mark_missed_held(&self, keys: &[String], me: &str, reason: &str, now: DateTime<Utc>) -> Result<u64> {
        self.within(async move { self.settle(keys, me, "missed", Some(reason), now).await }).await
    }

    /// Records reminders as sent without posting them again: an earlier attempt's post was
    /// found among the channel's messages (`note` says how it was settled).
    pub async fn mark_found(&self, keys: &[String], me: &str, note: &str, now: DateTime<Utc>) -> Result<u64> {
        self.within(async move { self.settle(keys, me, "sent", Some(note), now).await }).await
    }

    /// Records a reminder as missed without sending it (nobody may hold it).
    pub async fn mark_missed(&self, claim: &Claim<'_>, reason: &str, now: DateTime<Utc>) -> Result<bool> {
        self.within(async move {
            let n = sqlx::query(
                "INSERT INTO reminder_ledger (key, identity, channel, due_at, state, attempts, note, updated_at)
                 VALUES ($1, $2, $3, $4, 'missed', 0, $5, $6)
                 ON CONFLICT (key) DO UPDATE SET state = 'missed', note = excluded.note, updated_at = excluded.updated_at
                 WHERE reminder_ledger.state = 'claimed' AND reminder_ledger.lease_until <= $6",
            )
            .bind(claim.key)
            .bind(claim.identity)
            .bind(claim.channel)
            .bind(millis(claim.due))
            .bind(reason)
            .bind(millis(now))
            .execute(&self.pool)
            .await?
            .rows_affected();
            Ok(n > 0)
        })
        .await
    }

    /// Lets go of reminders this process holds (shutdown, or a send to retry later): their
    /// lease ends at `retry_at`, after which anyone may claim them. `nothing_sent` when no
    /// attempt so far can have posted them: their attempts go back to none, so the next claim
    /// is a first attempt again and posts without looking for an earlier one (in this version
    /// or an older one); otherwise the count stands.
    pub async fn release(
        &self,
        keys: &[String],
        me: &str,
        retry_at: DateTime<Utc>,
        now: DateTime<Utc>,
        nothing_sent: bool,
    ) -> Result<u64> {
        let attempts = if nothing_sent { ", attempts = 0" } else { "" };
        self.within(async move {
            let mut n = 0;
            for chunk in keys.chunks(CHUNK) {
                let list = (0..chunk.len()).map(|i| format!("${}", i + 4)).collect::<Vec<_>>().join(", ");
                let sql = format!(
                    "UPDATE reminder_ledger SET lease_until = $1, updated_at = $2{attempts}
                     WHERE state = 'claimed' AND claimed_by = $3 AND key IN ({list})"
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .persistent(false)
                    .bind(millis(retry_at))
                    .bind(millis(now))
                    .bind(me);
                for k in chunk {
                    q = q.bind(k);
                }
                n += q.execute(&self.pool).await?.rows_affected();
            }
            Ok(n)
        })
        .await
    }

    /// Every reminder this process still holds.
    pub async fn held_by(&self, me: &str) -> Result<Vec<String>> {
        self.within(async move {
            let rows = sqlx::query("SELECT key FROM reminder_ledger WHERE state = 'claimed' AND claimed_by = $1")
                .bind(me)
                .fetch_all(&self.pool)
                .await?;
            rows.iter().map(|r| Ok(r.try_get("key")?)).collect()
        })
        .await
    }

    /// The ledger's word on each of `keys` that it knows.
    pub async fn ledger_states(&self, keys: &[&str]) -> Result<Vec<(String, LedgerState, i64)>> {
        self.within(async move {
            let mut out = Vec::new();
            for chunk in keys.chunks(CHUNK) {
                let list = (0..chunk.len()).map(|i| format!("${}", i + 1)).collect::<Vec<_>>().join(", ");
                let sql = format!(
                    "SELECT key, state, claimed_by, lease_until, attempts FROM reminder_ledger WHERE key IN ({list})"
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false);
                for k in chunk {
                    q = q.bind(*k);
                }
                for row in q.fetch_all(&self.pool).await? {
                    let key: String = row.try_get("key")?;
                    let state: String = row.try_get("state")?;
                    let state = match state.as_str() {
                        "sent" => LedgerState::Sent,
                        "missed" => LedgerState::Missed,
                        "failed" => LedgerState::Failed,
                        _ => LedgerState::Claimed {
                            by: row.try_get::<Option<String>, _>("claimed_by")?.unwrap_or_default(),
                            lease_until: instant(row.try_get::<Option<i64>, _>("lease_until")?.unwrap_or(0))?,
                        },
                    };
                    out.push((key, state, row.try_get("attempts")?));
                }
            }
            Ok(out)
        })
        .await
    }
}
