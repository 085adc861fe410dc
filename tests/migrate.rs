//! `convoca migrate --to URL`: every table, every kind of row, SQLite to PostgreSQL and back.

mod common;

use std::process::Command;

use common::*;
use convoca::store::{CopyError, Kind, Store, TABLES};
use sqlx::Row;

/// One row of every kind in every table, NULLs included, written as SQL.
const ROWS: &[&str] = &[
    "INSERT INTO users VALUES ('discord', '111', 'Ana', NULL, 1, 2, 'es', 1, NULL, '555', NULL, NULL)",
    "INSERT INTO users VALUES ('matrix', '@bo:x', 'Bo ✊', 'p-1', 3, 4, NULL, 0, 5, NULL, 6, 'youth')",
    "INSERT INTO signups VALUES ('', 'discord', '111', 'jilamito', 'petition', 10, NULL, 'done', 13, 0, NULL)",
    "INSERT INTO signups VALUES ('youth', 'matrix', '@bo:x', 'jilamito', '', 11, 12, NULL, NULL, 0, NULL)",
    "INSERT INTO signups VALUES ('', 'matrix', '@bo:x', 'jilamito', 'rally', 14, NULL, NULL, NULL, 1, 3)",
    "INSERT INTO occurrence_changes VALUES ('youth', 'monthly', '2026-12-07', 'cancelled', NULL, 'discord:111', 20, 'discord:7')",
    "INSERT INTO occurrence_changes VALUES ('', 'monthly', '2027-01-04', 'moved', '2027-01-05T18:00', NULL, 21, NULL)",
    "INSERT INTO extra_meetings VALUES ('youth', 'teach-in', 'Teach-in', '2027-01-20T18:00', 90, 'America/New_York', 'matrix:@bo:x', 30, 'matrix:!r:x')",
    "INSERT INTO subscriptions VALUES ('', 'discord:222', '*', 'es', 'discord:111', 40, 'discord:7')",
    "INSERT INTO reminder_ledger VALUES ('k1', 'meeting:monthly:x', 'discord:222', 50, 'claimed', '12-34', 51, 2, NULL, 52)",
    "INSERT INTO reminder_ledger VALUES ('k2', 'meeting:monthly:y', 'matrix:!r:x', 60, 'sent', NULL, NULL, 1, 'found in the channel', 61)",
    "INSERT INTO reaction_signups VALUES ('youth', 'matrix', '$r1', '@bo:x', 'jilamito', '', 70, '$m1')",
    "INSERT INTO reaction_signups VALUES ('', 'matrix', '$r0', '@bo:x', 'jilamito', '', 69, NULL)",
    "INSERT INTO pinned_aliases VALUES ('#lacwg:x', '!r:x', 80)",
    "INSERT INTO platform_seen VALUES ('matrix', 90)",
    "INSERT INTO rsvps VALUES ('youth', 'discord', '111', 'monthly', '2026-12-07', 1, 100)",
    "INSERT INTO rsvps VALUES ('', 'matrix', '@bo:x', 'monthly', '2026-12-07', 0, 101)",
    "INSERT INTO feed_tokens VALUES ('abc123', 'discord', '111', 110, 111)",
    "INSERT INTO action_places VALUES ('youth', 'jilamito', 'rally', 3)",
    "INSERT INTO place_offers VALUES ('', 'jilamito', 'rally', 'matrix', '@bo:x', 120, 121, 'open', NULL)",
    "INSERT INTO place_offers VALUES ('youth', 'jilamito', 'rally', 'discord', '111', 118, 119, 'declined', 119)",
    "INSERT INTO features VALUES ('follow_ups', 130)",
    "INSERT INTO dashboard_links VALUES ('h1', 'youth', 'discord', '111', 'es', 140, 141, NULL)",
    "INSERT INTO dashboard_links VALUES ('h2', '', 'matrix', '@bo:x', 'en', 142, 143, 142)",
    "INSERT INTO dashboard_sessions VALUES ('s1', '', 'matrix', '@bo:x', 'en', 142, 150, 142)",
];

/// Every table's rows, each as text, in a stable order.
async fn dump(store: &Store) -> Vec<String> {
    let mut out = Vec::new();
    for (table, columns) in TABLES {
        let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
        let sql = format!("SELECT {} FROM {table}", names.join(", "));
        for row in sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(store.pool()).await.unwrap() {
            let values: Vec<String> = columns
                .iter()
                .map(|(n, kind)| match kind {
                    Kind::Text => format!("{:?}", row.get::<Option<String>, _>(*n)),
                    Kind::Int => format!("{:?}", row.get::<Option<i64>, _>(*n)),
                })
                .collect();
            out.push(format!("{table}: {}", values.join(" | ")));
        }
    }
    out.sort();
    out
}

fn sqlite_url() -> String {
    format!("sqlite://{}", tempfile::tempdir().unwrap().keep().join("c.db").display())
}

#[tokio::test]
async fn the_copy_knows_every_table_and_column_of_the_schema() {
    let store = sqlite_store().await;
    let tables = sqlx::query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_sqlx%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    let mut actual: Vec<String> = tables.iter().map(|r| r.get::<String, _>("name")).collect();
    let mut declared: Vec<String> = TABLES.iter().map(|(t, _)| t.to_string()).collect();
    actual.sort();
    declared.sort();
    assert_eq!(actual, declared, "a table the migration would not copy");
    for (table, columns) in TABLES {
        let info = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT name FROM pragma_table_info('{table}')")))
            .fetch_all(store.pool())
            .await
            .unwrap();
        let actual: Vec<String> = info.iter().map(|r| r.get::<String, _>("name")).collect();
        let declared: Vec<String> = columns.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(actual, declared, "{table}: a column the migration would not copy");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_row_goes_to_postgres_and_back_unchanged() {
    let Some(pg_url) = postgres_url() else { return };
    let sqlite = Store::open(Some(&sqlite_url())).await.unwrap();
    for sql in ROWS {
        sqlx::query(sqlx::AssertSqlSafe(*sql)).execute(sqlite.pool()).await.unwrap();
    }
    let original = dump(&sqlite).await;
    assert_eq!(original.len(), ROWS.len());
    let pg = Store::open(Some(&pg_url)).await.unwrap();
    let copied = sqlite.copy_to(&pg).await.unwrap();
    assert_eq!(copied.iter().map(|c| c.rows).sum::<i64>(), ROWS.len() as i64);
    assert_eq!(dump(&pg).await, original, "SQLite to PostgreSQL");
    // A target with rows is refused, and left as it was.
    assert!(matches!(sqlite.copy_to(&pg).await, Err(CopyError::NotEmpty { table: "users", rows: 2 })));
    assert_eq!(dump(&pg).await, original);
    // And back, into a new SQLite file.
    let back = Store::open(Some(&sqlite_url())).await.unwrap();
    pg.copy_to(&back).await.unwrap();
    assert_eq!(dump(&back).await, original, "PostgreSQL to SQLite");
    // The copy is usable: the bot's own queries read it.
    assert_eq!(
        back.roster("jilamito").await.unwrap().len(),
        2,
        "the withdrawn sign-up stays withdrawn; the waiting one waits"
    );
    assert_eq!(back.open_offers().await.unwrap().len(), 1, "the open offer stays open");
    assert_eq!(pg.subscriptions().await.unwrap().len(), 1);
}

#[test]
fn the_migrate_command_reports_the_counts_and_refuses_a_second_time() {
    let Some(pg_url) = postgres_url() else { return };
    let db = sqlite_url();
    let convoca = || {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_convoca"));
        cmd.env_remove("CONVOCA_CONTENT").current_dir(env!("CARGO_MANIFEST_DIR")).env("DATABASE_URL", &db);
        cmd
    };
    let ask = convoca().args(["ask", "--user", "42", "--name", "Ana", "/signup jilamito"]).output().unwrap();
    assert_eq!(ask.status.code(), Some(0), "{}", String::from_utf8_lossy(&ask.stderr));
    let out = convoca().args(["migrate", "--to", &pg_url]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{said}{}", String::from_utf8_lossy(&out.stderr));
    assert!(said.contains("signups") && said.contains("1 rows"), "{said}");
    assert!(!said.contains("convoca_test:convoca_test"), "the password is masked: {said}");
    // The target can come from the environment, out of sight of other users' `ps`.
    let again = convoca().arg("migrate").env("CONVOCA_MIGRATE_TO", &pg_url).output().unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));
}
