//! `convoca backup`: a consistent copy of the SQLite database, taken while the bot runs.
//!
//! `VACUUM INTO` reads the database inside one read transaction, so the copy holds every
//! transaction committed before it began and none of those after: a sign-up is in it with
//! its person, or not at all. WAL mode lets the bot keep writing meanwhile. The copy is
//! created owner-only before SQLite writes a byte, and never overwrites a file.
//! PostgreSQL has its own tools; the error says which command to run.

use std::path::{Path, PathBuf};

use super::{Backend, Store, StoreError};

/// Why no backup was written.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The target exists: a backup never overwrites.
    #[error("{} already exists: choose a new file name (a backup never overwrites one)", .0.display())]
    Exists(PathBuf),
    /// The database is PostgreSQL.
    #[error(
        "the database is PostgreSQL, which has its own backup tool; run\n  pg_dump --format=custom --file {file} '{url}'\nand, to restore into an empty database,\n  pg_restore --no-owner --dbname '{url}' {file}"
    )]
    Postgres {
        /// The file asked for.
        file: String,
        /// The database URL, password masked.
        url: String,
    },
    /// The file could not be created.
    #[error("cannot create {}: {source}", path.display())]
    Create {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// SQLite could not write the copy.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Store {
    /// Writes a consistent copy of the SQLite database to the new file `path` (owner-only)
    /// and returns its size in bytes.
    pub async fn backup_to(&self, path: &Path) -> Result<u64, BackupError> {
        if self.backend == Backend::Postgres {
            return Err(BackupError::Postgres { file: path.display().to_string(), url: self.url.clone() });
        }
        // Anything at that name, a link that leads nowhere included (SQLite would follow it
        // and create the file it names with the usual, readable mode), is refused.
        if path.symlink_metadata().is_ok() {
            return Err(BackupError::Exists(path.to_path_buf()));
        }
        // Empty and 0600 first: SQLite writes into an empty file and keeps its mode.
        crate::owner_only::create_new(path)
            .map_err(|source| BackupError::Create { path: path.to_path_buf(), source })?;
        let target = path.to_string_lossy().to_string();
        // No deadline here: a large database takes as long as it takes, and nothing waits on it.
        if let Err(e) = sqlx::query("VACUUM INTO $1").bind(&target).execute(&self.pool).await {
            let _ = std::fs::remove_file(path);
            return Err(StoreError::from(e).into());
        }
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        Ok(size)
    }
}
