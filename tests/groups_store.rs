//! The store scoped by group: a database from before groups keeps every row in the single
//! group, two groups may name campaigns and meetings alike without seeing each other's
//! rows, and a one-group deployment's rows move into a named group whole. On SQLite and
//! PostgreSQL.

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use convoca::chat::{Platform, User};
use convoca::group_id::GroupId;
use convoca::store::{LedgerState, OccurrenceRef, SignUpOutcome, Store};
use sqlx::Connection;

fn person(id: &str) -> User {
    User { platform: Platform::Discord, id: id.into(), name: format!("Person {id}") }
}

/// A database with the schema of every migration before groups (0001–0008), holding rows as
/// the bot before groups wrote them: a copy of a deployment's database as it is today.
async fn database_before_groups(url: &str) {
    sqlx::any::install_default_drivers();
    if let Some(path) = url.strip_prefix("sqlite://") {
        std::fs::File::create(path).unwrap();
    }
    let mut conn = sqlx::AnyConnection::connect(url).await.expect("connect");
    let mut before = sqlx::migrate!("./migrations");
    before.migrations = std::borrow::Cow::Owned(before.migrations.iter().filter(|m| m.version <= 8).cloned().collect());
    assert_eq!(before.migrations.len(), 8, "the migrations before groups");
    before.run(&mut conn).await.expect("the schema before groups");
    let now = Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap().timestamp_millis();
    for sql in [
        format!(
            "INSERT INTO users (platform, user_id, display_name, created_at, updated_at) VALUES ('discord', 'ana', 'Ana', {now}, {now})"
        ),
        format!(
            "INSERT INTO users (platform, user_id, display_name, created_at, updated_at) VALUES ('discord', 'ben', 'Ben', {now}, {now})"
        ),
        format!(
            "INSERT INTO signups (platform, user_id, campaign, action, signed_up_at, outcome, outcome_at) VALUES ('discord', 'ana', 'jilamito', 'call', {now}, 'done', {now})"
        ),
        format!(
            "INSERT INTO signups (platform, user_id, campaign, action, signed_up_at) VALUES ('discord', 'ben', 'jilamito', 'call', {now})"
        ),
        format!(
            "INSERT INTO rsvps (platform, user_id, meeting, occurrence_date, going, updated_at) VALUES ('discord', 'ana', 'monthly', '2027-01-04', 1, {now})"
        ),
        format!(
            "INSERT INTO occurrence_changes (meeting, occurrence_date, kind, created_at, origin) VALUES ('monthly', '2027-02-01', 'cancel', {now}, 'console')"
        ),
        format!(
            "INSERT INTO extra_meetings (slug, title, starts_local, duration_minutes, time_zone, created_at, origin) VALUES ('teach-in', 'Teach-in', '2027-01-20T18:00', 90, 'America/New_York', {now}, 'console')"
        ),
        format!(
            "INSERT INTO subscriptions (channel, meeting, locale, created_at, origin) VALUES ('discord:42', '*', 'es', {now}, 'console')"
        ),
        "INSERT INTO action_places (campaign, action, arrivals) VALUES ('jilamito', 'call', 2)".to_string(),
        format!(
            "INSERT INTO place_offers (campaign, action, platform, user_id, offered_at, expires_at, state) VALUES ('jilamito', 'call', 'discord', 'ben', {now}, {now}, 'open')"
        ),
        format!(
            "INSERT INTO reaction_signups (platform, reaction_id, user_id, campaign, action, created_at) VALUES ('matrix', '$r1', '@ana:x', 'jilamito', '', {now})"
        ),
        format!(
            "INSERT INTO reminder_ledger (key, identity, channel, due_at, state, attempts, updated_at) VALUES ('k-sent', 'meeting:monthly:2027-01-04:2027-01-04T22:00Z:1d:discord:42', 'discord:42', {now}, 'sent', 1, {now})"
        ),
        format!(
            "INSERT INTO reminder_ledger (key, identity, channel, due_at, state, claimed_by, lease_until, attempts, updated_at) VALUES ('k-held', 'meeting:monthly:2027-01-04:2027-01-04T22:00Z:1h:discord:42', 'discord:42', {now}, 'claimed', 'gone', {now}, 1, {now})"
        ),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut conn)
            .await
            .expect("a row as the bot before groups wrote it");
    }
    conn.close().await.unwrap();
}

/// The URLs of a fresh SQLite file and, when a server is configured, a fresh PostgreSQL
/// database.
fn fresh_urls() -> Vec<(&'static str, String)> {
    let dir = tempfile::tempdir().unwrap().keep();
    let mut urls = vec![("sqlite", format!("sqlite://{}", dir.join("convoca.db").display()))];
    if let Some(pg) = common::postgres_url() {
        urls.push(("postgres", pg));
    }
    urls
}

async fn upgraded(url: &str) -> Store {
    database_before_groups(url).await;
    Store::open(Some(url)).await.expect("the migration to groups runs")
}

#[tokio::test]
async fn every_row_from_before_groups_belongs_to_the_single_group() {
    for (backend, url) in fresh_urls() {
        let store = upgraded(&url).await;
        assert_eq!(store.groups_on_record().await.unwrap(), vec![GroupId::single()], "{backend}");
        let roster = store.roster("jilamito").await.unwrap();
        assert_eq!(roster.len(), 2, "{backend}: both sign-ups kept");
        let counts = store.counts("jilamito").await.unwrap();
        assert_eq!((counts[0].people, counts[0].done), (2, 1), "{backend}: the outcome kept");
        let monthly = OccurrenceRef { meeting: "monthly".into(), date: NaiveDate::from_ymd_opt(2027, 1, 4).unwrap() };
        assert_eq!(store.rsvp_counts(&monthly).await.unwrap(), (1, 0), "{backend}");
        assert_eq!(store.changes().await.unwrap().len(), 1, "{backend}");
        assert_eq!(store.extra_meetings().await.unwrap().len(), 1, "{backend}");
        assert_eq!(store.subscriptions().await.unwrap().len(), 1, "{backend}");
        assert_eq!(store.open_offers().await.unwrap().len(), 1, "{backend}");
        assert!(store.knows_reaction(Platform::Matrix, "$r1").await.unwrap(), "{backend}");
        // The same database again: nothing to do, nothing changed.
        let again = Store::open(Some(&url)).await.unwrap();
        assert_eq!(again.roster("jilamito").await.unwrap().len(), 2, "{backend}");
    }
}

#[tokio::test]
async fn two_groups_name_a_campaign_alike_and_never_see_each_others_rows() {
    for (backend, url) in fresh_urls() {
        let store = upgraded(&url).await;
        let youth = store.for_group(&GroupId::named("youth"));
        let now = Utc::now();
        // Ana is signed up in the single group already: in another group it is a new sign-up.
        let outcome = youth.sign_up(&person("ana"), "jilamito", "call", now).await.unwrap();
        assert_eq!(outcome, SignUpOutcome::New, "{backend}");
        assert_eq!(youth.roster("jilamito").await.unwrap().len(), 1, "{backend}: only the youth group's");
        assert_eq!(store.roster("jilamito").await.unwrap().len(), 2, "{backend}: the single group unchanged");
        assert!(youth.changes().await.unwrap().is_empty(), "{backend}");
        assert!(youth.subscriptions().await.unwrap().is_empty(), "{backend}");
        assert!(youth.open_offers().await.unwrap().is_empty(), "{backend}");
        assert!(!youth.knows_reaction(Platform::Matrix, "$r1").await.unwrap(), "{backend}");
        // Withdrawing in one group leaves the other's sign-up standing.
        assert_eq!(youth.withdraw(&person("ana"), "jilamito", None, now).await.unwrap(), 1, "{backend}");
        assert_eq!(store.roster("jilamito").await.unwrap().len(), 2, "{backend}");
        let mut groups = store.groups_on_record().await.unwrap();
        groups.sort();
        assert_eq!(groups, vec![GroupId::single(), GroupId::named("youth")], "{backend}");
        // Forgetting a person forgets them in every group.
        let erased = youth.forget(&person("ana")).await.unwrap();
        assert_eq!(erased.signups, 2, "{backend}: both groups' sign-ups");
        assert_eq!(store.roster("jilamito").await.unwrap().len(), 1, "{backend}");
    }
}

#[tokio::test]
async fn a_one_group_deployment_moves_into_a_named_group_whole() {
    let rekey = |identity: &str| format!("key-of-{identity}");
    for (backend, url) in fresh_urls() {
        let store = upgraded(&url).await;
        let lacwg = GroupId::named("lacwg");
        let moved = store.move_group(&GroupId::single(), &lacwg, rekey).await.unwrap();
        assert_eq!(moved.reminders, 2, "{backend}");
        assert!(moved.rows.contains(&("signups", 2)), "{backend}: {moved:?}");
        assert!(store.roster("jilamito").await.unwrap().is_empty(), "{backend}: nothing left in the single group");
        let named = store.for_group(&lacwg);
        assert_eq!(named.roster("jilamito").await.unwrap().len(), 2, "{backend}");
        assert_eq!(named.subscriptions().await.unwrap().len(), 1, "{backend}");
        // The reminders already recorded carry the group's identity now, under its key; the
        // one a dead process held is not sent again.
        let sent = "lacwg/meeting:monthly:2027-01-04:2027-01-04T22:00Z:1d:discord:42";
        let held = "lacwg/meeting:monthly:2027-01-04:2027-01-04T22:00Z:1h:discord:42";
        let states = store.ledger_states(&[&rekey(sent), &rekey(held)]).await.unwrap();
        assert_eq!(states.len(), 2, "{backend}: {states:?}");
        assert!(states.iter().all(|(_, s, _)| *s == LedgerState::Sent), "{backend}: {states:?}");
        // Nothing is ever merged: a group with rows takes no more.
        let refused = store.move_group(&GroupId::single(), &lacwg, rekey).await;
        assert!(refused.is_err(), "{backend}");
    }
}
