//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use convoca::content::{Content, ContentHandle, load};
use convoca::engine::{Command, Engine, Platform, Reply, Request, Settings};
use convoca::locale::Locale;

/// The shipped content folder.
pub fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("commands")
}

/// An RFC 3339 instant.
pub fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("test instant").to_utc()
}

/// The shipped content, loaded as of `now`.
pub fn shipped_content(now: DateTime<Utc>) -> Content {
    load(&shipped(), now).expect("shipped content loads")
}

/// An engine on a content folder, without a database.
pub fn engine_on(dir: &Path) -> Engine {
    Engine::new(ContentHandle::open(dir).expect("content loads"), Settings::default())
}

/// A copy of the shipped content in a temporary folder, to break or extend.
pub fn copy_of_shipped() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&shipped(), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A member's request from the console.
pub fn request(text: &str, locale: Locale, now: DateTime<Utc>) -> Request {
    let mut req = Request::new(Platform::Console, "member-1", "Ana", Command::parse(text), now);
    req.locale = locale;
    req
}

/// Asks and returns the reply.
pub async fn ask(engine: &Engine, text: &str, locale: Locale, now: DateTime<Utc>) -> Reply {
    engine.handle(&request(text, locale, now)).await
}
