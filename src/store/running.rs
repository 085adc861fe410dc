//! Whether a bot is running on an SQLite database: each running bot holds a shared lock on
//! a marker file beside it (`convoca.db-running`) for as long as it lives (the system drops
//! it when the process ends, kill -9 included), and `migrate` asks for the exclusive lock,
//! which it gets only when no bot holds one. PostgreSQL is shared by design; nothing is held.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};

use super::Store;

/// A bot is running on the database (`migrate` may not copy it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BotRunning;

/// A running bot's hold on its database, released when dropped.
#[derive(Debug)]
pub struct RunningMark {
    _file: File,
}

/// The marker file beside an SQLite database.
fn marker(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push("-running");
    PathBuf::from(name)
}

impl Store {
    /// The marker file beside this SQLite database, made (owner-only) when missing; `None`
    /// on PostgreSQL.
    fn open_marker(&self) -> Option<std::io::Result<File>> {
        let path = marker(&self.sqlite_file()?);
        Some(crate::owner_only::create_file(&path).and_then(|()| File::options().read(true).open(&path)))
    }

    /// Marks this database as used by a running bot until the mark is dropped (`None` on
    /// PostgreSQL, or when the marker cannot be made: a warning says so).
    pub fn mark_running(&self) -> Option<RunningMark> {
        match self.open_marker()?.and_then(|f| f.lock_shared().map(|()| f)) {
            Ok(file) => Some(RunningMark { _file: file }),
            Err(e) => {
                tracing::warn!(error = %e, "cannot mark the database as in use: `migrate` will not see this bot");
                None
            }
        }
    }

    /// For a copy of the whole database (`migrate`): holds it against any bot for as long as
    /// the mark lives (a bot starting meanwhile waits for it). `Err` when a bot runs on it;
    /// `Ok(None)` on PostgreSQL or when the marker cannot be made.
    pub fn mark_alone(&self) -> Result<Option<RunningMark>, BotRunning> {
        let Some(Ok(file)) = self.open_marker() else { return Ok(None) };
        match file.try_lock() {
            Ok(()) => Ok(Some(RunningMark { _file: file })),
            Err(TryLockError::WouldBlock) => Err(BotRunning),
            Err(TryLockError::Error(_)) => Ok(None),
        }
    }

    /// Whether a bot is running on this SQLite database now (`None` on PostgreSQL, where
    /// the bot's processes share it by design, or when it cannot tell).
    pub fn bot_running(&self) -> Option<bool> {
        // No marker: no bot ever ran here since it was made (and asking makes none).
        if !marker(&self.sqlite_file()?).exists() {
            return Some(false);
        }
        match self.mark_alone() {
            Ok(Some(_)) => Some(false),
            Err(BotRunning) => Some(true),
            Ok(None) => None,
        }
    }
}
