//! The organizers' content: `commands/` loaded, checked, and kept current.
//!
//! Organizers edit TOML files (Markdown inside for prose, English and Spanish side by side);
//! this module turns them into a [`Content`] or into a list of errors that each name a file
//! and a line. A running bot holds its content in a [`ContentHandle`]: a reload that fails
//! keeps the last good content, so a typo never takes the bot down.
//!
//! A content folder is one group (`group.toml` at its top: [`load`]) or an organization of
//! groups (`organization.toml` at its top, and a folder per group under `groups/`, each laid
//! out as a one-group folder). [`load_root`] reads either, all or nothing; [`load_each`]
//! reads each group on its own, so one group's broken file does not hold back the others.
//! Each group says where it lives on Discord and Matrix (`[home]`, a [`Home`]); two groups
//! claiming the same place is an error in both.

mod briefing_file;
mod campaign_file;
mod channels;
mod error;
mod files;
mod group_file;
mod home_file;
mod load;
mod meeting_file;
mod model;
mod organization_file;
mod root;
mod text;
pub mod watch;
mod web_file;

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use chrono::Utc;

pub use channels::{HomeRoom, canonical_channel, not_a_channel, valid_channel};
pub use error::{ContentError, ContentErrors, line_of};
pub use files::{parse_date, parse_local_datetime, parse_time, valid_slug};
pub use load::{load, load_group};
pub use model::*;
pub use root::{Loaded, Root, load_each, load_root};
pub use text::Text;

/// The current content, shared by every part of a running bot.
#[derive(Clone)]
pub struct ContentHandle {
    dir: PathBuf,
    // A std RwLock, not tokio's: it is held only to clone an `Arc`, never across an await.
    current: Arc<RwLock<Arc<Content>>>,
    /// The errors of the last reload, while the folder on disk is not what is answered from.
    stale: Arc<RwLock<Option<ContentErrors>>>,
}

impl ContentHandle {
    /// Loads `dir` now; fails when the content is not valid.
    pub fn open(dir: &Path) -> Result<ContentHandle, ContentErrors> {
        let content = load(dir, Utc::now())?;
        Ok(ContentHandle::fixed(dir, content))
    }

    /// A handle on content already loaded (tests, benchmarks).
    pub fn fixed(dir: &Path, content: Content) -> ContentHandle {
        ContentHandle {
            dir: dir.to_path_buf(),
            current: Arc::new(RwLock::new(Arc::new(content))),
            stale: Arc::new(RwLock::new(None)),
        }
    }

    /// The content to answer from right now.
    pub fn current(&self) -> Arc<Content> {
        match self.current.read() {
            Ok(c) => Arc::clone(&c),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// The folder the content comes from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Reads the folder again. On success the new content replaces the old; on failure the
    /// old content stays and the errors are returned for the log.
    pub fn reload(&self) -> Result<Arc<Content>, ContentErrors> {
        let fresh = match load_group(&self.dir, self.current().group.id.clone(), Utc::now()) {
            Ok(content) => Arc::new(content),
            Err(errors) => {
                *self.stale.write().unwrap_or_else(|p| p.into_inner()) = Some(errors.clone());
                return Err(errors);
            }
        };
        match self.current.write() {
            Ok(mut c) => *c = Arc::clone(&fresh),
            Err(poisoned) => *poisoned.into_inner() = Arc::clone(&fresh),
        }
        *self.stale.write().unwrap_or_else(|p| p.into_inner()) = None;
        Ok(fresh)
    }

    /// Answers from `content` from now on (a reload of the whole root found this group's
    /// files valid).
    pub fn replace(&self, content: Content) {
        let fresh = Arc::new(content);
        match self.current.write() {
            Ok(mut c) => *c = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
        self.set_stale(None);
    }

    /// Records the errors of the files on disk while the last good content is answered from
    /// (`None`: the files are what is answered from).
    pub fn set_stale(&self, errors: Option<ContentErrors>) {
        *self.stale.write().unwrap_or_else(|p| p.into_inner()) = errors;
    }

    /// While the last edit of the folder did not load (and the bot answers from the content
    /// before it): its errors, each with file and line. Health reports them.
    pub fn stale(&self) -> Option<ContentErrors> {
        self.stale.read().unwrap_or_else(|p| p.into_inner()).clone()
    }
}
