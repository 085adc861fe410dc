//! The store on SQLite and on a real PostgreSQL server: the same tests, both databases.

mod common;

use std::sync::Arc;

use common::*;
use convoca::chat::{Platform, User};
use convoca::store::{SignUpOutcome, Store};
use sqlx::Row;

fn user(id: &str, name: &str) -> User {
    User { platform: Platform::Discord, id: id.into(), name: name.into() }
}

async fn active_rows(store: &Store, campaign: &str) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM signups WHERE campaign = $1 AND withdrawn_at IS NULL")
        .bind(campaign)
        .fetch_one(store.pool())
        .await
        .unwrap()
        .get::<i64, _>(0)
}

#[tokio::test]
async fn migrations_apply_from_empty_and_are_idempotent_on_restart() {
    let mut urls = vec![format!("sqlite://{}", tempfile::tempdir().unwrap().keep().join("m.db").display())];
    urls.extend(postgres_url());
    for url in urls {
        let first = Store::open(Some(&url)).await.unwrap();
        first.sign_up(&user("1", "Ana"), "jilamito", "", at("2026-11-28T12:00:00Z")).await.unwrap();
        let applied: i64 =
            sqlx::query("SELECT COUNT(*) FROM _sqlx_migrations").fetch_one(first.pool()).await.unwrap().get(0);
        first.close().await;
        // A restart runs the migrations again: nothing changes, nothing is lost.
        let second = Store::open(Some(&url)).await.unwrap();
        second.migrate().await.unwrap();
        let again: i64 =
            sqlx::query("SELECT COUNT(*) FROM _sqlx_migrations").fetch_one(second.pool()).await.unwrap().get(0);
        assert_eq!(applied, again, "{url}");
        assert!(applied >= 1);
        assert_eq!(active_rows(&second, "jilamito").await, 1, "{url}");
    }
}

#[tokio::test]
async fn sign_up_is_idempotent_and_withdraw_takes_it_back() {
    for (db, store) in stores().await {
        let ana = user("1", "Ana");
        let t = at("2026-11-28T12:00:00Z");
        assert_eq!(store.sign_up(&ana, "jilamito", "petition", t).await.unwrap(), SignUpOutcome::New, "{db}");
        assert_eq!(store.sign_up(&ana, "jilamito", "petition", t).await.unwrap(), SignUpOutcome::Already, "{db}");
        assert_eq!(store.sign_up(&ana, "jilamito", "", t).await.unwrap(), SignUpOutcome::New, "{db}");
        assert_eq!(store.signups_of(&ana).await.unwrap().len(), 2, "{db}");
        assert_eq!(store.withdraw(&ana, "jilamito", Some("petition"), t).await.unwrap(), 1, "{db}");
        assert_eq!(store.withdraw(&ana, "jilamito", Some("petition"), t).await.unwrap(), 0, "{db}");
        assert_eq!(store.sign_up(&ana, "jilamito", "petition", t).await.unwrap(), SignUpOutcome::Renewed, "{db}");
        // Withdrawing from the whole campaign takes every action back.
        assert_eq!(store.withdraw(&ana, "jilamito", None, t).await.unwrap(), 2, "{db}");
        assert!(store.signups_of(&ana).await.unwrap().is_empty(), "{db}");
        assert!(store.counts("jilamito").await.unwrap().is_empty(), "{db}");
    }
}

#[tokio::test]
async fn display_names_are_updated_when_they_change() {
    for (db, store) in stores().await {
        let t = at("2026-11-28T12:00:00Z");
        store.sign_up(&user("7", "Ana"), "jilamito", "petition", t).await.unwrap();
        store.sign_up(&user("7", "Ana María"), "jilamito", "letter", t).await.unwrap();
        let names: Vec<_> = store.roster("jilamito").await.unwrap().into_iter().map(|e| e.name).collect();
        assert_eq!(names, vec!["Ana María", "Ana María"], "{db}");
    }
}

#[tokio::test]
async fn a_thousand_members_signing_up_at_once_make_a_thousand_rows() {
    for (db, store) in stores().await {
        let store = Arc::new(store);
        let tasks: Vec<_> = (0..1000)
            .map(|i| {
                let store = Arc::clone(&store);
                tokio::spawn(async move {
                    store
                        .sign_up(
                            &user(&format!("u{i}"), &format!("Member {i}")),
                            "jilamito",
                            "petition",
                            at("2026-11-28T12:00:00Z"),
                        )
                        .await
                })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap(), SignUpOutcome::New, "{db}");
        }
        assert_eq!(active_rows(&store, "jilamito").await, 1000, "{db}");
        let users: i64 = sqlx::query("SELECT COUNT(*) FROM users").fetch_one(store.pool()).await.unwrap().get(0);
        assert_eq!(users, 1000, "{db}");
        assert_eq!(store.people_in("jilamito").await.unwrap(), 1000, "{db}");
    }
}

#[tokio::test]
async fn one_member_clicking_a_hundred_times_at_once_makes_one_row() {
    for (db, store) in stores().await {
        let store = Arc::new(store);
        let tasks: Vec<_> = (0..100)
            .map(|_| {
                let store = Arc::clone(&store);
                tokio::spawn(async move {
                    store.sign_up(&user("same", "Ana"), "jilamito", "rally", at("2026-11-28T12:00:00Z")).await
                })
            })
            .collect();
        let mut new = 0;
        for t in tasks {
            match t.await.unwrap().unwrap() {
                SignUpOutcome::New => new += 1,
                SignUpOutcome::Already => {}
                SignUpOutcome::Renewed => panic!("{db}: nothing was withdrawn"),
            }
        }
        assert_eq!(new, 1, "{db}: exactly one click creates the sign-up");
        let rows: i64 = sqlx::query("SELECT COUNT(*) FROM signups").fetch_one(store.pool()).await.unwrap().get(0);
        assert_eq!(rows, 1, "{db}");
    }
}

#[tokio::test]
async fn sign_up_and_withdraw_racing_leave_a_consistent_state() {
    for (db, store) in stores().await {
        let store = Arc::new(store);
        let ana = user("racer", "Ana");
        let t = at("2026-11-28T12:00:00Z");
        let mut tasks = Vec::new();
        for i in 0..200 {
            let store = Arc::clone(&store);
            let ana = ana.clone();
            tasks.push(tokio::spawn(async move {
                if i % 2 == 0 {
                    store.sign_up(&ana, "jilamito", "letter", t).await.map(|_| ())
                } else {
                    store.withdraw(&ana, "jilamito", Some("letter"), t).await.map(|_| ())
                }
            }));
        }
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        // One row, and every view of it agrees.
        let rows: i64 = sqlx::query("SELECT COUNT(*) FROM signups").fetch_one(store.pool()).await.unwrap().get(0);
        assert_eq!(rows, 1, "{db}");
        let mine = store.signups_of(&ana).await.unwrap().len();
        let roster = store.roster("jilamito").await.unwrap().len();
        let counted: i64 = store.counts("jilamito").await.unwrap().iter().map(|c| c.people).sum();
        assert_eq!((mine, roster, counted as usize), (mine, mine, mine), "{db}");
        // And it is still usable: a last sign-up sticks.
        store.sign_up(&ana, "jilamito", "letter", t).await.unwrap();
        assert_eq!(store.signups_of(&ana).await.unwrap().len(), 1, "{db}");
    }
}

/// Every text cell of every table, to look for a user id anywhere.
async fn cells_containing(store: &Store, needle: &str) -> Vec<String> {
    let tables_sql = match store.backend() {
        convoca::store::Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'"
        }
        convoca::store::Backend::Postgres => {
            "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_sqlx_migrations'"
        }
    };
    let tables: Vec<String> =
        sqlx::query(tables_sql).fetch_all(store.pool()).await.unwrap().iter().map(|r| r.get(0)).collect();
    let mut found = Vec::new();
    for table in tables {
        let rows =
            sqlx::query(sqlx::AssertSqlSafe(format!("SELECT * FROM {table}"))).fetch_all(store.pool()).await.unwrap();
        for row in rows {
            for i in 0..row.len() {
                if let Ok(Some(text)) = row.try_get::<Option<String>, _>(i)
                    && text.contains(needle)
                {
                    found.push(format!("{table}: {text}"));
                }
            }
        }
    }
    found
}

#[tokio::test]
async fn forget_leaves_no_row_with_that_user_id() {
    for (db, store) in stores().await {
        let t = at("2026-11-28T12:00:00Z");
        let gone = User { platform: Platform::Matrix, id: "@forget-me-7319:example.org".into(), name: "Olvido".into() };
        let stays = User { platform: Platform::Matrix, id: "@stays:example.org".into(), name: "Queda".into() };
        store.sign_up(&gone, "jilamito", "petition", t).await.unwrap();
        store.sign_up(&gone, "cuba-sst", "", t).await.unwrap();
        store.withdraw(&gone, "cuba-sst", None, t).await.unwrap();
        store.sign_up(&stays, "jilamito", "petition", t).await.unwrap();
        // As an organizer they also changed the calendar.
        let change = convoca::calendar::Change {
            date: chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
            kind: convoca::calendar::ChangeKind::Cancel,
        };
        store.set_change("monthly", &change, &gone, "console", t).await.unwrap();
        assert!(
            !cells_containing(&store, "forget-me-7319").await.is_empty(),
            "{db}: the test must start with data to erase"
        );
        let before = store.stored_about(&gone).await.unwrap();
        let erased = store.forget(&gone).await.unwrap();
        assert_eq!(before, erased, "{db}: the preview says exactly what is erased");
        assert_eq!((erased.profile, erased.signups, erased.authored), (true, 2, 1), "{db}");
        assert_eq!(cells_containing(&store, "forget-me-7319").await, Vec::<String>::new(), "{db}");
        // Others keep theirs; the calendar change stays, anonymous.
        assert_eq!(store.signups_of(&stays).await.unwrap().len(), 1, "{db}");
        assert_eq!(store.changes().await.unwrap().len(), 1, "{db}");
        assert!(store.forget(&gone).await.unwrap().is_empty(), "{db}: a second time finds nothing");
    }
}

#[tokio::test]
async fn calendar_changes_round_trip() {
    for (db, store) in stores().await {
        let t = at("2026-11-28T12:00:00Z");
        let by = user("org", "Organizer");
        let d = chrono::NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
        let to = chrono::NaiveDate::from_ymd_opt(2027, 1, 11).unwrap().and_hms_opt(18, 0, 0).unwrap();
        use convoca::calendar::{Change, ChangeKind};
        store.set_change("monthly", &Change { date: d, kind: ChangeKind::Cancel }, &by, "console", t).await.unwrap();
        store
            .set_change("monthly", &Change { date: d, kind: ChangeKind::Move { to } }, &by, "console", t)
            .await
            .unwrap();
        let changes = store.changes().await.unwrap();
        assert_eq!(changes.len(), 1, "{db}: a later change to a date replaces the earlier");
        assert_eq!(changes[0].change.kind, ChangeKind::Move { to }, "{db}");
        assert!(store.clear_change("monthly", d).await.unwrap(), "{db}");
        assert!(!store.clear_change("monthly", d).await.unwrap(), "{db}");
        let extra = convoca::store::ExtraMeeting {
            slug: "teach-in".into(),
            title: "Teach-in".into(),
            starts_local: to,
            duration_minutes: 90,
            zone: chrono_tz::America::Tegucigalpa,
        };
        assert!(store.add_meeting(&extra, &by, "console", t).await.unwrap(), "{db}");
        assert!(!store.add_meeting(&extra, &by, "console", t).await.unwrap(), "{db}: slugs are unique");
        assert_eq!(store.extra_meetings().await.unwrap(), vec![extra], "{db}");
    }
}

#[tokio::test]
async fn a_database_that_cannot_be_opened_says_which_and_why_with_the_password_masked() {
    let err = Store::open(Some("postgres://bot:hunter2@127.0.0.1:1/convoca")).await.unwrap_err().to_string();
    assert!(err.contains("postgres://bot:***@127.0.0.1:1/convoca"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
    assert!(err.to_lowercase().contains("refused"), "{err}");
    let err = Store::open(Some("sqlite:///no/such/folder/x.db")).await.unwrap_err().to_string();
    assert!(err.contains("/no/such/folder/x.db"), "{err}");
    let err = Store::open(Some("mysql://x")).await.unwrap_err().to_string();
    assert!(err.contains("unsupported"), "{err}");
}

#[tokio::test]
async fn postgres_over_tls_when_asked() {
    // Debian's PostgreSQL has SSL on with its snakeoil certificate: `sslmode=require` encrypts
    // (without checking the certificate, as libpq does for that mode).
    let Some(url) = postgres_url() else { return };
    let store = Store::open(Some(&format!("{url}?sslmode=require"))).await.expect("connects over TLS");
    let encrypted: i64 =
        sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM pg_stat_ssl WHERE pid = pg_backend_pid() AND ssl")
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(encrypted, 1, "the connection is encrypted");
    store.close().await;
}

#[cfg(unix)]
#[tokio::test]
async fn a_new_sqlite_file_is_owner_only_from_the_start() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("convoca.db");
    let store = Store::open(Some(&format!("sqlite://{}", path.display()))).await.unwrap();
    store.ping().await.unwrap();
    for file in ["convoca.db", "convoca.db-wal"] {
        let mode = std::fs::metadata(dir.path().join(file)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{file}");
    }
    store.close().await;
}
