//! Everything convoca remembers: sign-ups, organizers' calendar changes, the dashboard's
//! links and sessions, and (with the reminders) subscriptions and the delivery ledger.
//!
//! One code path for both databases through sqlx's `Any` driver: SQLite by default (a file,
//! no server), PostgreSQL when `DATABASE_URL` says so, which is how several bot processes
//! share one state. The SQL is written to run unchanged on both (`$1` placeholders,
//! `ON CONFLICT`, BIGINT milliseconds for instants), and every test runs on both.

mod backup;
mod changes;
mod copy;
mod dashboard;
mod erasure;
mod feeds;
mod groups;
mod homes;
mod insights;
mod ledger;
mod places;
mod progress;
mod reach;
mod reactions;
mod retention;
mod rsvps;
mod running;
mod signups;
mod subscriptions;

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};

use crate::group_id::GroupId;

pub use backup::BackupError;
pub use changes::{ChangeRow, ExtraMeeting, MAX_MINUTES};
pub use copy::{Copied, CopyError, Kind, TABLES};
pub use dashboard::{LinkToken, Opened, PendingLink, Session, SessionKey};
pub use erasure::Erased;
pub use feeds::{FEED_IDLE, MyAgenda};
pub use groups::{GROUP_TABLES, Moved};
pub use homes::{Leftover, Pin};
pub use insights::{Answered, SignUpHistory};
pub use ledger::{Claim, LedgerState};
pub use places::{Offer, OfferAnswer, Placed};
pub use progress::{Outcome, Reported};
pub use reach::{Committed, Recipient, Seen};
pub use reactions::{KnownReaction, Reacted};
pub use retention::{Expired, Older, Purged};
pub use rsvps::{Attendee, Going, OccurrenceRef, RsvpOutcome};
pub use running::RunningMark;
pub use signups::{Count, RosterEntry, SignUp, SignUpOutcome};
pub use subscriptions::{ALL, Subscription};

/// The database convoca uses when `DATABASE_URL` is not set: a file in the working folder.
pub const DEFAULT_URL: &str = "sqlite://convoca.db";

/// Which database is behind the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// An SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// What can go wrong with the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names a database convoca does not support.
    #[error("{url}: unsupported database (use sqlite:// or postgres://)")]
    Unsupported {
        /// The URL, password masked.
        url: String,
    },
    /// The database could not be opened.
    #[error("cannot open the database {url}: {source}")]
    Open {
        /// The URL, password masked.
        url: String,
        /// Why.
        source: sqlx::Error,
    },
    /// The schema could not be brought up to date.
    #[error("cannot prepare the database {url}: {source}")]
    Migrate {
        /// The URL, password masked.
        url: String,
        /// Why.
        source: sqlx::migrate::MigrateError,
    },
    /// A query failed.
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
    /// A stored value could not be read back.
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    /// The database did not answer within the deadline (a stalled network or server).
    #[error("the database did not answer within {} s", .0.as_secs_f32())]
    Timeout(Duration),
    /// A change that would mix or lose rows was not made (it says why and what to do).
    #[error("{0}")]
    Refused(String),
    /// The system's random generator failed, so no secret was made: one made from the clock
    /// could be guessed.
    #[error("the system's random generator failed: {0}")]
    Random(String),
}

/// How long one call to the store may take, whatever the network does: a server that stops
/// answering mid-query would otherwise hold its caller forever. Above PostgreSQL's
/// `statement_timeout` (10 s), so a slow statement ends on the server first.
pub const QUERY_DEADLINE: Duration = Duration::from_secs(12);

/// Shorthand for store results.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A handle on the database, cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    url: String,
    deadline: Duration,
    /// The group whose rows this handle reads and writes (see [`Store::for_group`]).
    group: GroupId,
}

impl Store {
    /// Opens (creating it if needed, for SQLite) the database at `url`, or the default file
    /// when `None`, and brings its schema up to date.
    pub async fn open(url: Option<&str>) -> Result<Store> {
        let store = Store::connect(url, true).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Opens the database at `url` as it is: an SQLite file that does not exist is an error,
    /// and the schema is left alone (`doctor` looks without changing anything).
    pub async fn open_existing(url: Option<&str>) -> Result<Store> {
        Store::connect(url, false).await
    }

    /// The migrations this database has not had yet (version and description), in order.
    pub async fn pending_migrations(&self) -> Result<Vec<String>> {
        self.within(async move {
            let applied: Vec<i64> =
                match sqlx::query_scalar::<_, i64>("SELECT version FROM _sqlx_migrations WHERE success = TRUE")
                    .fetch_all(&self.pool)
                    .await
                {
                    Ok(v) => v,
                    // No table yet: nothing was ever applied.
                    Err(sqlx::Error::Database(_)) => Vec::new(),
                    Err(e) => return Err(e.into()),
                };
            Ok(sqlx::migrate!("./migrations")
                .iter()
                .filter(|m| !applied.contains(&m.version))
                .map(|m| format!("{} {}", m.version, m.description))
                .collect())
        })
        .await
    }

    /// The SQLite file `url` names (the default file when `None`); `None` for PostgreSQL or
    /// an in-memory database. Whether it exists says whether opening it makes a new one.
    pub fn sqlite_file_of(url: Option<&str>) -> Option<std::path::PathBuf> {
        let url = url.map(str::trim).filter(|u| !u.is_empty()).unwrap_or(DEFAULT_URL);
        url.starts_with("sqlite:").then(|| sqlite_path(url).map(std::path::PathBuf::from)).flatten()
    }

    /// The SQLite file behind this store, when it is one.
    pub fn sqlite_file(&self) -> Option<std::path::PathBuf> {
        (self.backend == Backend::Sqlite).then(|| sqlite_path(&self.url).map(std::path::PathBuf::from)).flatten()
    }

    async fn connect(url: Option<&str>, create: bool) -> Result<Store> {
        let url = url.map(str::trim).filter(|u| !u.is_empty()).unwrap_or(DEFAULT_URL);
        let masked = mask_password(url);
        sqlx::any::install_default_drivers();
        let (backend, connect_url) = if url.starts_with("sqlite:") {
            // Created owner-only before SQLite opens it (its -wal and -shm files take the
            // same permissions).
            if let Some(path) = sqlite_path(url) {
                if create {
                    crate::owner_only::create_file(std::path::Path::new(path))
                        .map_err(|e| StoreError::Open { url: masked.clone(), source: sqlx::Error::Io(e) })?;
                } else if !std::path::Path::new(path).exists() {
                    let missing = std::io::Error::new(std::io::ErrorKind::NotFound, format!("{path} does not exist"));
                    return Err(StoreError::Open { url: masked, source: sqlx::Error::Io(missing) });
                }
            }
            (Backend::Sqlite, if create { sqlite_url(url) } else { url.to_string() })
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_string())
        } else {
            return Err(StoreError::Unsupported { url: masked });
        };
        let options: AnyConnectOptions =
            connect_url.parse().map_err(|source| StoreError::Open { url: masked.clone(), source })?;
        // Statements are logged at debug level only: they carry user ids.
        let options = options.log_statements(tracing::log::LevelFilter::Debug);
        // One direct connection first: its error says why (refused, bad password, no such
        // file) where a pool would only report that it timed out.
        let probe = <sqlx::AnyConnection as sqlx::Connection>::connect_with(&options)
            .await
            .map_err(|source| StoreError::Open { url: masked.clone(), source })?;
        let _ = sqlx::Connection::close(probe).await;
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                // SQLite has one writer at a time; more connections only add lock waits.
                Backend::Sqlite => 4,
                Backend::Postgres => 16,
            })
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers work while one writer writes; the busy timeout makes
                        // concurrent writers wait their turn instead of failing.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                        // Deleted rows are overwritten with zeros, not left in free pages:
                        // erasure erases (see `Store::scrub`).
                        conn.execute("PRAGMA secure_delete = ON").await?;
                        // 1 MB of page cache per connection is plenty for a bot's tables.
                        conn.execute("PRAGMA cache_size = -1024").await?;
                    } else {
                        // A statement that runs away (a lock held elsewhere, a stalled disk)
                        // ends on the server instead of holding a connection; the client's own
                        // deadline (QUERY_DEADLINE) covers a network that stops answering.
                        conn.execute("SET statement_timeout = 10000").await?;
                        conn.execute("SET idle_in_transaction_session_timeout = 30000").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Open { url: masked.clone(), source })?;
        Ok(Store { pool, backend, url: masked, deadline: QUERY_DEADLINE, group: GroupId::single() })
    }

    /// After an erasure, in the background (no one waits on it, and it may wait on
    /// readers): on SQLite, moves every page out of the write-ahead log into the file and
    /// empties the log, so no copy of what was deleted stays in it (the file's own pages were
    /// zeroed as they were freed). A checkpoint a reader kept from finishing is logged, and
    /// SQLite's own next one completes it. PostgreSQL keeps deleted rows until it vacuums
    /// them; the README says so.
    pub fn scrub(&self) {
        if self.backend != Backend::Sqlite {
            return;
        }
        let pool = self.pool.clone();
        tokio::spawn(async move {
            let done = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").fetch_one(&pool).await;
            match done.map(|row| sqlx::Row::try_get::<i64, _>(&row, 0)) {
                Ok(Ok(0)) => tracing::debug!("SQLite: write-ahead log emptied after an erasure"),
                Ok(_) => tracing::warn!(
                    "SQLite: a reader kept the write-ahead log from being emptied after an erasure; SQLite's next checkpoint will"
                ),
                Err(e) => tracing::warn!(error = %e, "SQLite: could not empty the write-ahead log after an erasure"),
            }
        });
    }

    /// Applies pending migrations. Safe to run at every start and from several processes.
    pub async fn migrate(&self) -> Result<()> {
        sqlx::migrate!("./migrations")
            .run(&self.pool)
            .await
            .map_err(|source| StoreError::Migrate { url: self.url.clone(), source })
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL, password masked, for logs and health pages.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The connection pool, for tests and tools that inspect the tables.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<()> {
        self.within(async move {
            sqlx::query("SELECT 1").execute(&self.pool).await?;
            Ok(())
        })
        .await
    }

    /// The same database, reading and writing the rows of `group` only: sign-ups, RSVPs,
    /// places and offers, calendar changes, one-off meetings, subscriptions, reactions and
    /// dashboard links belong to one group (a dashboard session, found by its secret, says
    /// its group). People (`users`), their calendar links and the reminder ledger
    /// are the deployment's; what a person asks about themselves (`/mysignups`,
    /// `/forgetme`) spans every group. A handle opened by [`Store::open`] is the single
    /// group's.
    pub fn for_group(&self, group: &GroupId) -> Store {
        Store { group: group.clone(), ..self.clone() }
    }

    /// The group this handle reads and writes.
    pub fn group(&self) -> &GroupId {
        &self.group
    }

    /// This store with another deadline per call (tests of stalled databases use a short one).
    pub fn with_deadline(mut self, deadline: Duration) -> Store {
        self.deadline = deadline;
        self
    }

    /// Runs one call to the database within the deadline.
    async fn within<T>(&self, call: impl std::future::Future<Output = Result<T>>) -> Result<T> {
        match tokio::time::timeout(self.deadline, call).await {
            Ok(result) => result,
            Err(_) => Err(StoreError::Timeout(self.deadline)),
        }
    }

    /// Closes every connection, waiting for queries under way.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The file an SQLite URL names, unless it is in memory or opened read-only.
fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path == ":memory:" || query.contains("mode=memory") || query.contains("mode=ro") {
        return None;
    }
    Some(path)
}

/// SQLite URLs get `mode=rwc` so the file is created on first use.
fn sqlite_url(url: &str) -> String {
    if url.contains("mode=") || url.contains(":memory:") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// The URL with its password replaced by `***`, safe to print.
pub fn mask_password(url: &str) -> String {
    let url = &mask_query_password(url);
    let Some(scheme_end) = url.find("://") else { return url.to_string() };
    let rest = &url[scheme_end + 3..];
    // The user part ends at the last `@` before the query: a password may hold a `/`.
    let query = rest.find('?').unwrap_or(rest.len());
    let authority_end = rest[..query].rfind('@').map_or_else(|| rest.find('/').unwrap_or(rest.len()), |at| at + 1);
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else { return url.to_string() };
    let userinfo = &authority[..at];
    let Some(colon) = userinfo.find(':') else { return url.to_string() };
    format!("{}://{}:***{}", &url[..scheme_end], &userinfo[..colon], &rest[at..])
}

/// `?password=…` (or `&password=`, `sslpassword=`) in a URL's query, masked.
fn mask_query_password(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else { return url.to_string() };
    let params: Vec<String> = query
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((k, _)) if k.to_ascii_lowercase().ends_with("password") => format!("{k}=***"),
            _ => p.to_string(),
        })
        .collect();
    format!("{base}?{}", params.join("&"))
}

/// Milliseconds since the epoch: how instants are stored.
pub(crate) fn millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// An instant read back from the database.
pub(crate) fn instant(ms: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| StoreError::Corrupt(format!("{ms} is not an instant")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_masked() {
        assert_eq!(mask_password("postgres://bot:s3cret@db.example/convoca"), "postgres://bot:***@db.example/convoca");
        assert_eq!(mask_password("postgres://bot@db/convoca"), "postgres://bot@db/convoca");
        assert_eq!(mask_password("sqlite://convoca.db"), "sqlite://convoca.db");
        assert_eq!(mask_password("postgres://u:p@ss@h/db"), "postgres://u:***@h/db");
        assert_eq!(mask_password("postgres://u:se/cret@h/db"), "postgres://u:***@h/db");
        assert_eq!(
            mask_password("postgres://bot@h/db?sslmode=require&password=hunter2&sslpassword=x"),
            "postgres://bot@h/db?sslmode=require&password=***&sslpassword=***"
        );
    }

    #[test]
    fn sqlite_paths() {
        assert_eq!(sqlite_path("sqlite://convoca.db"), Some("convoca.db"));
        assert_eq!(sqlite_path("sqlite:///var/lib/convoca/convoca.db?mode=rwc"), Some("/var/lib/convoca/convoca.db"));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("sqlite://x.db?mode=ro"), None);
    }

    #[test]
    fn sqlite_files_are_created_on_first_use() {
        assert_eq!(sqlite_url("sqlite://convoca.db"), "sqlite://convoca.db?mode=rwc");
        assert_eq!(sqlite_url("sqlite://x.db?mode=ro"), "sqlite://x.db?mode=ro");
    }
}
