//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod browser;
pub mod copy;
pub mod eventually;
pub mod fake_discord;
pub mod http_proxy;
pub mod member;
pub mod org;
pub mod proxy;
pub mod scheduler;
pub mod smtp;
pub mod synapse;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use convoca::content::{Content, ContentHandle, load};
use convoca::engine::{Command, Engine, Reply, Request, Settings};
use convoca::locale::Locale;
use convoca::store::Store;

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

/// An engine on a content folder and a fresh SQLite file.
pub async fn engine_on(dir: &Path) -> Engine {
    engine_with(dir, sqlite_store().await)
}

/// An engine on a content folder and the given store.
pub fn engine_with(dir: &Path, store: Store) -> Engine {
    Engine::new(ContentHandle::open(dir).expect("content loads"), store, Settings::default())
}

/// A fresh SQLite database in a temporary folder that lives as long as the test process.
pub async fn sqlite_store() -> Store {
    let dir = tempfile::tempdir().expect("tempdir").keep();
    let url = format!("sqlite://{}", dir.join("convoca.db").display());
    Store::open(Some(&url)).await.expect("sqlite opens")
}

/// A fresh PostgreSQL database on the test server, or `None` (with a notice) when no server
/// is configured. Under `CONVOCA_REQUIRE_POSTGRES=1` (CI) a missing server fails the test.
pub async fn postgres_store() -> Option<Store> {
    let url = postgres_url()?;
    Some(Store::open(Some(&url)).await.expect("postgres opens"))
}

/// The URL of a fresh, empty PostgreSQL database. It outlives the test (dropping it while the
/// test's pool closes raced); `scripts/test` drops those of earlier runs before testing.
pub fn postgres_url() -> Option<String> {
    let Ok(admin) = std::env::var("CONVOCA_TEST_POSTGRES_URL") else {
        if std::env::var("CONVOCA_REQUIRE_POSTGRES").as_deref() == Ok("1") {
            panic!("CONVOCA_REQUIRE_POSTGRES=1 but CONVOCA_TEST_POSTGRES_URL is not set: run scripts/test");
        }
        eprintln!(
            "notice: CONVOCA_TEST_POSTGRES_URL is not set; skipping the PostgreSQL half of this test (scripts/test sets it up)"
        );
        return None;
    };
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let name = format!(
        "convoca_t_{}_{}_{n}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() % 1_000_000
    );
    let admin_url = admin.clone();
    let create = name.clone();
    // Created on a thread of its own so this works from sync and async tests alike.
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            use sqlx::Connection;
            sqlx::any::install_default_drivers();
            let mut conn = sqlx::AnyConnection::connect(&admin_url).await.expect("postgres test server answers");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {create}")))
                .execute(&mut conn)
                .await
                .expect("create test database");
        });
    })
    .join()
    .unwrap();
    let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(admin);
    Some(format!("{base}/{name}"))
}

/// Every backend available: SQLite always, PostgreSQL when a server is configured.
pub async fn stores() -> Vec<(&'static str, Store)> {
    let mut all = vec![("sqlite", sqlite_store().await)];
    if let Some(pg) = postgres_store().await {
        all.push(("postgres", pg));
    }
    all
}

/// Two stores on one database, as two processes have them: a file for SQLite, and a server
/// database for PostgreSQL when one is configured.
pub async fn shared_databases() -> Vec<(&'static str, Store, Store)> {
    let dir = tempfile::tempdir().expect("tempdir").keep();
    let url = format!("sqlite://{}", dir.join("convoca.db").display());
    let mut all = vec![("sqlite", Store::open(Some(&url)).await.unwrap(), Store::open(Some(&url)).await.unwrap())];
    if let Some(url) = postgres_url() {
        all.push(("postgres", Store::open(Some(&url)).await.unwrap(), Store::open(Some(&url)).await.unwrap()));
    }
    all
}

/// A copy of the shipped content in a temporary folder, to break or extend.
pub fn copy_of_shipped() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&shipped(), dir.path());
    dir
}

pub use copy::copy_dir;
#[allow(unused_imports)]
pub use eventually::{PATIENCE, eventually, until};

/// A member's request from the console.
pub fn request(text: &str, locale: Locale, now: DateTime<Utc>) -> Request {
    let mut req = Request::new(&convoca::console::ABILITIES, "member-1", "Ana", Command::parse(text), now);
    req.locale = locale;
    req
}

/// Someone asking in the group's Discord server, a member of it: the request builder the
/// tests share.
pub fn on_discord(id: &str, name: &str, text: &str, locale: Locale, now: DateTime<Utc>) -> Request {
    let mut req = Request::new(&convoca::discord::ABILITIES, id, name, Command::parse(text), now);
    req.locale = locale;
    req.space = Some("home".into());
    req.channel = Some("general".into());
    req.member = true;
    req
}

/// The group's organizer (id 900) saying `text` in the group's Discord server.
pub fn organizer_request(text: &str, now: DateTime<Utc>) -> Request {
    let mut req = on_discord("900", "Org", text, Locale::En, now);
    req.organizer = true;
    req
}

/// The group's organizer's answer to `text`.
pub async fn organizer(engine: &Engine, text: &str, now: DateTime<Utc>) -> Reply {
    engine.handle(&organizer_request(text, now)).await
}

/// Asks and returns the reply.
pub async fn ask(engine: &Engine, text: &str, locale: Locale, now: DateTime<Utc>) -> Reply {
    engine.handle(&request(text, locale, now)).await
}

/// One engine on the shipped content and its own runtime, made once per test binary: for
/// property tests, whose cases are plain functions.
pub fn shared_engine() -> &'static (tokio::runtime::Runtime, Engine) {
    static ENGINE: std::sync::OnceLock<(tokio::runtime::Runtime, Engine)> = std::sync::OnceLock::new();
    ENGINE.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let engine = rt.block_on(engine_on(&shipped()));
        (rt, engine)
    })
}
