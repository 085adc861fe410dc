//! `convoca backup`: a consistent copy of the SQLite database while sign-ups are being
//! written, restored and read back; PostgreSQL is told what to run instead.

mod common;

use std::process::Command;

use chrono::Utc;
use common::*;
use convoca::chat::{Platform, User};
use convoca::store::{BackupError, Store};
use sqlx::Row;

async fn count(store: &Store, sql: &str) -> i64 {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(store.pool()).await.unwrap().get::<i64, _>(0)
}

/// A backup taken while 100 members sign up at once holds a consistent point: some of the
/// sign-ups, each with its person (they are written in one transaction), none half-written.
/// Restored in place of the database, the bot reads it and carries on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_during_a_hundred_sign_ups_restores_to_a_consistent_point() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("convoca.db").display());
    let store = Store::open(Some(&url)).await.unwrap();
    let writers: Vec<_> = (0..100)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                let user = User { platform: Platform::Discord, id: format!("{}", 1000 + i), name: format!("M{i}") };
                store.sign_up(&user, "jilamito", "petition", Utc::now()).await.unwrap();
            })
        })
        .collect();
    // Taken in the middle of the burst.
    while count(&store, "SELECT COUNT(*) FROM signups").await < 30 {
        tokio::task::yield_now().await;
    }
    let file = dir.path().join("backup.db");
    let bytes = store.backup_to(&file).await.unwrap();
    for w in writers {
        w.await.unwrap();
    }
    assert!(bytes > 0);
    assert_eq!(count(&store, "SELECT COUNT(*) FROM signups").await, 100, "all 100 in the live database");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the backup holds personal data: owner only");
    }

    // Restore: the bot stopped, the backup copied over the database (its WAL files removed).
    store.close().await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.path().join(format!("convoca.db{suffix}")));
    }
    std::fs::copy(&file, dir.path().join("convoca.db")).unwrap();
    let restored = Store::open(Some(&url)).await.unwrap();
    let integrity: String =
        sqlx::query("PRAGMA integrity_check").fetch_one(restored.pool()).await.unwrap().get::<String, _>(0);
    assert_eq!(integrity, "ok");
    let signups = count(&restored, "SELECT COUNT(*) FROM signups").await;
    let people = count(&restored, "SELECT COUNT(*) FROM users").await;
    let orphans =
        count(&restored, "SELECT COUNT(*) FROM signups s WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.platform = s.platform AND u.user_id = s.user_id)")
            .await;
    assert!((30..=100).contains(&signups), "{signups}");
    assert_eq!((people, orphans), (signups, 0), "each sign-up with its person: a transaction boundary");
    println!("the backup holds {signups} of the 100 sign-ups");
    // The restored database works: a new sign-up, and the roster has it.
    let user = User { platform: Platform::Matrix, id: "@new:x".into(), name: "New".into() };
    restored.sign_up(&user, "jilamito", "", Utc::now()).await.unwrap();
    assert_eq!(restored.roster("jilamito").await.unwrap().len() as i64, signups + 1);
}

#[tokio::test]
async fn a_backup_never_overwrites_and_postgres_is_told_what_to_run() {
    let store = sqlite_store().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("taken.db");
    std::fs::write(&file, b"something else").unwrap();
    assert!(matches!(store.backup_to(&file).await, Err(BackupError::Exists(_))));
    assert_eq!(std::fs::read(&file).unwrap(), b"something else", "left as it was");
    // A link that leads nowhere is not followed: SQLite would create the file it names,
    // readable by everyone.
    let elsewhere = dir.path().join("elsewhere.db");
    let link = dir.path().join("link.db");
    std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
    assert!(matches!(store.backup_to(&link).await, Err(BackupError::Exists(_))));
    assert!(!elsewhere.exists(), "nothing written where the link points");
    let Some(url) = postgres_url() else { return };
    let pg = Store::open(Some(&url)).await.unwrap();
    let said = pg.backup_to(&dir.path().join("pg.dump")).await.unwrap_err().to_string();
    assert!(said.contains("pg_dump --format=custom") && said.contains("pg_restore"), "{said}");
    assert!(!said.contains("convoca_test:convoca_test"), "the password is masked: {said}");
    assert!(!dir.path().join("pg.dump").exists());
}

#[test]
fn the_backup_command_writes_the_copy_and_refuses_what_it_cannot_do() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("c.db").display());
    let convoca = || {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_convoca"));
        cmd.env_remove("CONVOCA_CONTENT").current_dir(env!("CARGO_MANIFEST_DIR")).env("DATABASE_URL", &db);
        cmd
    };
    let file = dir.path().join("copy.db");
    // No database there (a folder the bot does not run in): refused, and nothing is made.
    let out = convoca().arg("backup").arg(&file).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("does not exist") && err.contains("no env file was read"), "{err}");
    assert!(!file.exists() && !dir.path().join("c.db").exists(), "no empty database made, no copy of one");
    // The bot's database, once it has one.
    assert!(convoca().args(["ask", "/mission"]).output().unwrap().status.success());
    let out = convoca().arg("backup").arg(&file).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{said}{}", String::from_utf8_lossy(&out.stderr));
    assert!(said.contains("backup written") && file.exists(), "{said}");
    assert!(said.contains("on which no bot is running"), "{said}");
    let again = convoca().arg("backup").arg(&file).output().unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let Some(url) = postgres_url() else { return };
    let pg = convoca().env("DATABASE_URL", &url).arg("backup").arg(dir.path().join("x")).output().unwrap();
    assert_eq!(pg.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&pg.stderr).contains("pg_dump"));
}
