//! Retention: sign-ups erased a set time after their campaign ends or their action's
//! deadline, with the reactions and people they leave behind; once a day across processes;
//! the content's mistakes reported with file and line.

mod common;

use std::path::Path;

use chrono::{Duration, Utc};
use common::*;
use convoca::chat::{Platform, User};
use convoca::content::load;
use convoca::engine::retention::expired;
use convoca::service::retention::run_once;
use convoca::store::{Expired, Purged};

/// Shipped content kept 180 days, plus `campaigns/old.toml`: ended on 2026-06-30, with an
/// action; and a deadline of 2026-01-15 on jilamito's petition.
fn content_kept_180_days() -> tempfile::TempDir {
    let dir = copy_of_shipped();
    let group = dir.path().join("group.toml");
    let text = std::fs::read_to_string(&group).unwrap();
    std::fs::write(&group, format!("{text}\n[retention]\nsignups_days = 180\n")).unwrap();
    std::fs::write(
        dir.path().join("campaigns/old.toml"),
        "title = \"Old\"\nsummary = \"Over.\"\nends = \"2026-06-30\"\n[[actions]]\nslug = \"letter\"\ntitle = \"Letter\"\n",
    )
    .unwrap();
    let jilamito = dir.path().join("campaigns/jilamito.toml");
    let text = std::fs::read_to_string(&jilamito).unwrap();
    let text = text.replacen("slug = \"petition\"", "slug = \"petition\"\ndeadline = \"2026-01-15T17:00\"", 1);
    std::fs::write(&jilamito, text).unwrap();
    dir
}

fn user(id: &str) -> User {
    User { platform: Platform::Discord, id: id.into(), name: format!("Name {id}") }
}

#[test]
fn what_is_past_its_time_follows_campaign_ends_and_action_deadlines() {
    let dir = content_kept_180_days();
    let content = |now| load(dir.path(), now).unwrap();
    // 2026-06-30 ends at midnight New York time: 04:00Z on July 1; plus 180 days.
    let ends = at("2026-07-01T04:00:00Z") + Duration::days(180);
    let petition = at("2026-01-15T22:00:00Z") + Duration::days(180);
    // What ends; what has no end in sight is only what is untouched for 180 days.
    let ended = |now| -> Vec<Expired> {
        expired(&content(now), now).into_iter().filter(|e| e.untouched_since.is_none()).collect()
    };
    assert!(ended(petition - Duration::seconds(1)).is_empty());
    assert_eq!(ended(petition), [Expired::action("jilamito", "petition")]);
    let later = ended(ends);
    assert!(later.contains(&Expired::campaign("old")), "{later:?}");
    assert_eq!(later.len(), 2, "the old campaign whole, and the petition; nothing else: {later:?}");
    let open: Vec<Expired> =
        expired(&content(ends), ends).into_iter().filter(|e| e.untouched_since.is_some()).collect();
    assert!(open.contains(&Expired::untouched("jilamito", "", ends - Duration::days(180))), "{open:?}");
    assert!(!open.iter().any(|e| e.campaign == "old"), "an ending campaign waits for its end: {open:?}");
    assert!(!open.iter().any(|e| e.action.as_deref() == Some("petition")), "a deadline waits for itself: {open:?}");
    // Without [retention], nothing is ever erased.
    let shipped = load(&shipped(), ends).unwrap();
    assert!(expired(&shipped, ends + Duration::days(10_000)).is_empty());
}

#[tokio::test]
async fn erasing_takes_the_sign_ups_their_reactions_and_the_people_left_with_nothing() {
    for (name, store) in stores().await {
        let now = Utc::now();
        store.sign_up(&user("1"), "old", "letter", now).await.unwrap();
        store.sign_up(&user("1"), "jilamito", "", now).await.unwrap();
        store.sign_up(&user("2"), "old", "", now).await.unwrap();
        store.remember_reaction("$r2", "$m", &user("2"), "old", "", now).await.unwrap();
        store.remember_reaction("$r1", "$m", &user("1"), "jilamito", "", now).await.unwrap();
        let purged = store.erase_expired(&[Expired::campaign("old")]).await.unwrap();
        assert_eq!(purged, Purged { signups: 2, reactions: 1, people: 1, ..Purged::default() }, "{name}");
        assert_eq!(store.roster("old").await.unwrap().len(), 0, "{name}");
        assert_eq!(store.roster("jilamito").await.unwrap().len(), 1, "{name}: other campaigns kept");
        assert!(store.stored_about(&user("2")).await.unwrap().is_empty(), "{name}: nothing left about person 2");
        assert!(store.knows_reaction(Platform::Discord, "$r1").await.unwrap(), "{name}");
        // One action only.
        store.sign_up(&user("3"), "jilamito", "petition", now).await.unwrap();
        let one = Expired::action("jilamito", "petition");
        assert_eq!(store.erase_expired(&[one]).await.unwrap().signups, 1, "{name}");
        assert_eq!(store.roster("jilamito").await.unwrap().len(), 1, "{name}: the general sign-up stays");
    }
}

#[tokio::test]
async fn an_action_past_its_time_takes_its_waitlist_and_offered_places_with_it() {
    for (name, store) in stores().await {
        let now = Utc::now();
        let seen = convoca::store::Seen { locale: convoca::locale::Locale::En, member: true };
        for id in ["1", "2", "3"] {
            store.take_place(&user(id), "old", "rally", 1, seen, now).await.unwrap();
        }
        // Person 2 is kept for another campaign: the offer goes with the sign-up, not the person.
        store.sign_up(&user("2"), "jilamito", "", now).await.unwrap();
        store.withdraw(&user("1"), "old", Some("rally"), now).await.unwrap();
        assert_eq!(store.offer_places("old", "rally", 1, Duration::hours(24), now).await.unwrap(), 1, "{name}");
        let rally = Expired::action("old", "rally");
        let purged = store.erase_expired(&[rally]).await.unwrap();
        assert_eq!(purged.signups, 3, "{name}: the withdrawn, the offered and the waiting");
        let offers: i64 = sqlx::Row::get(
            &sqlx::query("SELECT COUNT(*) AS n FROM place_offers").fetch_one(store.pool()).await.unwrap(),
            "n",
        );
        assert_eq!(offers, 0, "{name}: no offer outlives its sign-up");
        assert_eq!(store.roster("jilamito").await.unwrap().len(), 1, "{name}: person 2's other sign-up stays");
    }
}

/// Two processes sharing one database: the day's erasure runs in one of them only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daily_erasure_runs_once_a_day_across_processes() {
    let dir = content_kept_180_days();
    for (name, a, b) in shared_databases().await {
        let (a, b) = (engine_with(dir.path(), a), engine_with(dir.path(), b));
        let day = at("2027-03-01T12:00:00Z");
        a.store().sign_up(&user("9"), "old", "letter", day).await.unwrap();
        let first = run_once(&a, "process-a", day).await.unwrap();
        let second = run_once(&b, "process-b", day + Duration::hours(1)).await.unwrap();
        assert_eq!(first, Some(Purged { signups: 1, reactions: 0, people: 1, ..Purged::default() }), "{name}");
        assert_eq!(second, None, "{name}: the day's run is done");
        let next = run_once(&b, "process-b", day + Duration::days(1)).await.unwrap();
        assert_eq!(next, Some(Purged::default()), "{name}: the next day runs again, with nothing left");
    }
}

fn errors_after(edit: impl FnOnce(&Path)) -> Vec<String> {
    let dir = copy_of_shipped();
    edit(dir.path());
    load(dir.path(), at("2026-11-28T12:00:00Z")).expect_err("rejected").0.iter().map(|e| e.to_string()).collect()
}

#[test]
fn retention_mistakes_are_reported_with_file_and_line() {
    let errs = errors_after(|d| {
        let group = d.join("group.toml");
        let text = std::fs::read_to_string(&group).unwrap();
        std::fs::write(&group, format!("{text}\n[retention]\nsignups_days = 0\n")).unwrap();
    });
    assert!(
        errs.iter().any(|e| e.contains("group.toml") && e.contains("signups_days = 0") && e.contains("1 to 36500")),
        "{errs:?}"
    );
    let errs = errors_after(|d| {
        let group = d.join("group.toml");
        let text = std::fs::read_to_string(&group).unwrap();
        std::fs::write(&group, format!("{text}\n[retention]\nrsvps_days = 99999\n")).unwrap();
    });
    assert!(errs.iter().any(|e| e.contains("group.toml") && e.contains("rsvps_days = 99999")), "{errs:?}");
    let errs = errors_after(|d| {
        let file = d.join("campaigns/jilamito.toml");
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, format!("ends = \"soon\"\n{text}")).unwrap();
    });
    assert!(errs.iter().any(|e| e.contains("jilamito.toml:1") && e.contains("`soon` is not a date")), "{errs:?}");
}

/// Answers to meetings and the record of personal messages go the same number of days after
/// the meeting (or the message); a person's choice to stop reminders stays until forgetme.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_to_past_meetings_and_old_personal_messages_are_erased_too() {
    use convoca::store::{OccurrenceRef, Seen};
    // Sign-ups 180 days, answers to meetings 30.
    let dir = content_kept_180_days();
    let group = dir.path().join("group.toml");
    let text =
        std::fs::read_to_string(&group).unwrap().replace("signups_days = 180", "signups_days = 180\nrsvps_days = 30");
    std::fs::write(&group, text).unwrap();
    for (name, store) in stores().await {
        let engine = engine_with(dir.path(), store);
        let store = engine.store();
        let seen = Seen { locale: convoca::locale::Locale::En, member: true };
        let old = OccurrenceRef { meeting: "monthly".into(), date: "2026-01-05".parse().unwrap() };
        let recent = OccurrenceRef { meeting: "monthly".into(), date: "2026-12-07".parse().unwrap() };
        let t = at("2026-01-01T12:00:00Z");
        store.rsvp(&user("1"), &old, true, seen, t).await.unwrap();
        store.rsvp(&user("2"), &old, true, seen, t).await.unwrap();
        store.rsvp(&user("2"), &recent, true, seen, t).await.unwrap();
        store.rsvp(&user("3"), &old, false, seen, t).await.unwrap();
        store.set_personal_reminders(&user("3"), false, seen, t).await.unwrap();
        for (key, channel, due) in [
            ("p-old", "discord:@1", "2026-01-05T21:00:00Z"),
            ("p-new", "discord:@2", "2026-12-07T21:00:00Z"),
            ("c-old", "discord:555", "2026-01-05T21:00:00Z"),
        ] {
            let claim = convoca::store::Claim { key, identity: key, channel, due: at(due) };
            store.claim(&[claim], "me", at(due), at(due)).await.unwrap();
            store.mark_sent(&[key.to_string()], "me", at(due)).await.unwrap();
        }
        // 30 days after the January meeting; 180 would keep it until July.
        let day = at("2026-02-10T12:00:00Z");
        let purged = run_once(&engine, "p", day).await.unwrap().unwrap();
        assert_eq!((purged.rsvps, purged.messages), (3, 1), "{name}: {purged:?}");
        assert_eq!(purged.people, 1, "{name}: Ana had nothing else; Bo is going in December; Cy chose no reminders");
        let pool = engine.store().pool().clone();
        let count = |sql: &'static str| {
            let pool = pool.clone();
            async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(&pool).await.unwrap() }
        };
        assert_eq!(count("SELECT COUNT(*) FROM rsvps").await, 1, "{name}");
        assert_eq!(count("SELECT COUNT(*) FROM reminder_ledger WHERE key LIKE 'p-%'").await, 1, "{name}");
        assert_eq!(
            count("SELECT COUNT(*) FROM reminder_ledger WHERE key = 'c-old'").await,
            1,
            "{name}: channels' stay"
        );
        assert_eq!(count("SELECT COUNT(*) FROM users WHERE user_id = '3'").await, 1, "{name}");
        assert_eq!(
            count("SELECT COUNT(*) FROM users WHERE user_id = '3' AND display_name = ''").await,
            1,
            "{name}: kept to honor 'no reminders', without the name"
        );
        assert!(store.personal_reminders_off(&user("3")).await.unwrap(), "{name}: and the choice stands");
    }
}

/// A campaign with no end and an action with no deadline keep a sign-up while it is touched
/// (made, or answered) within the time; an action removed from a campaign that stays, and a
/// campaign removed, lose theirs the same way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_has_no_end_in_sight_or_left_the_content_goes_once_untouched() {
    use convoca::store::{Outcome, Seen};
    let dir = content_kept_180_days();
    for (name, store) in stores().await {
        let engine = engine_with(dir.path(), store);
        let store = engine.store();
        let seen = Seen { locale: convoca::locale::Locale::En, member: true };
        let t = at("2026-01-01T12:00:00Z");
        store.sign_up(&user("1"), "jilamito", "", t).await.unwrap();
        store.sign_up(&user("2"), "jilamito", "", t).await.unwrap();
        store.report(&user("2"), "jilamito", "", Outcome::NotYet, false, seen, t + Duration::days(100)).await.unwrap();
        store.sign_up(&user("3"), "jilamito", "removed-action", t).await.unwrap();
        store.sign_up(&user("4"), "gone-campaign", "", t).await.unwrap();
        store.sign_up(&user("5"), "jilamito", "", t + Duration::days(150)).await.unwrap();
        let purged = engine.erase_expired(t + Duration::days(181)).await.unwrap();
        assert_eq!(purged.signups, 3, "{name}: {purged:?}");
        let left: Vec<String> = store.roster("jilamito").await.unwrap().into_iter().map(|r| r.user_id).collect();
        assert_eq!(left.len(), 2, "{name}: answered on day 100 and signed up on day 150 stay: {left:?}");
        assert!(store.stored_about(&user("3")).await.unwrap().is_empty(), "{name}");
        assert!(store.stored_about(&user("4")).await.unwrap().is_empty(), "{name}");
    }
}

/// Every byte of the SQLite database: the file, and its write-ahead log if any.
fn database_bytes(path: &std::path::Path) -> Vec<u8> {
    let mut bytes = std::fs::read(path).unwrap();
    let wal = path.with_file_name(format!("{}-wal", path.file_name().unwrap().to_string_lossy()));
    bytes.extend(std::fs::read(wal).unwrap_or_default());
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn a_name_erased_is_gone_from_the_sqlite_file_and_its_log() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("convoca.db");
    let store = convoca::store::Store::open(Some(&format!("sqlite://{}", path.display()))).await.unwrap();
    store.migrate().await.unwrap();
    let engine = engine_with(&shipped(), store);
    let now = at("2026-11-28T15:00:00Z");
    let name = "Xiomara-Erasable-Quiroga";
    let ask = |text: &str| {
        let mut req = convoca::engine::Request::new(
            &convoca::discord::ABILITIES,
            "4242424242",
            name,
            convoca::engine::Command::parse(text),
            now,
        );
        req.channel = Some("general".into());
        req
    };
    for text in ["/signup jilamito letter", "/signup jilamito petition", "/going", "/mycalendar"] {
        engine.handle(&ask(text)).await;
    }
    assert!(contains(&database_bytes(&path), name), "the name is stored before");
    let erased = convoca::console::render(&engine.handle(&ask("/forgetme confirm")).await);
    assert!(erased.contains("Erased: your name"), "{erased}");
    // The log is emptied in the background, right after.
    until("the name and account id gone from the file and its log", std::time::Duration::from_secs(10), async || {
        let bytes = database_bytes(&path);
        !contains(&bytes, name) && !contains(&bytes, "4242424242")
    })
    .await;
}

/// Old rows of every table that holds something about a person, written as SQL: a person
/// with withdrawn and ended sign-ups (one of a campaign since removed from the content), a
/// reaction, an answer to a past meeting, a calendar link never read, personal-message
/// records, a dashboard link and session long run out, and offers of places long answered.
/// Instants are 1970's.
const OLD_PERSONAL_ROWS: &[&str] = &[
    "INSERT INTO users VALUES ('discord', '111', 'Ana', NULL, 1, 2, 'es', 1, NULL, '555', NULL, NULL)",
    "INSERT INTO signups VALUES ('', 'discord', '111', 'jilamito', 'petition', 10, 11, NULL, NULL, 0, NULL)",
    "INSERT INTO signups VALUES ('', 'discord', '111', 'gone-campaign', '', 10, NULL, NULL, NULL, 0, NULL)",
    "INSERT INTO reaction_signups VALUES ('', 'discord', '$r1', '111', 'jilamito', 'petition', 70, '$m1')",
    "INSERT INTO rsvps VALUES ('', 'discord', '111', 'monthly', '1970-01-05', 1, 100)",
    "INSERT INTO feed_tokens VALUES ('abc123', 'discord', '111', 110, NULL)",
    "INSERT INTO reminder_ledger VALUES ('k1', 'meeting:monthly:x', 'discord:@111', 50, 'sent', NULL, NULL, 1, NULL, 52)",
    "INSERT INTO dashboard_links VALUES ('h1', '', 'discord', '111', 'es', 130, 131, NULL)",
    "INSERT INTO dashboard_sessions VALUES ('s1', '', 'discord', '111', 'es', 130, 140, 130)",
    "INSERT INTO place_offers VALUES ('', 'jilamito', 'rally', 'discord', '111', 118, 119, 'declined', 119)",
];

/// Every table of the schema, by what it holds. A table added by a migration fails the test
/// below until it is placed here, and a personal one until retention erases it.
const PERSONAL: &[&str] = &[
    "dashboard_links",
    "dashboard_sessions",
    "feed_tokens",
    "place_offers",
    "reaction_signups",
    "reminder_ledger",
    "rsvps",
    "signups",
    "users",
];
/// Organizer records: the author is made anonymous by `/forgetme`, the record lives as long
/// as the change it is.
const ORGANIZERS: &[&str] = &["extra_meetings", "occurrence_changes", "subscriptions"];
/// Nothing about a person.
const NOT_PERSONAL: &[&str] = &["action_places", "features", "pinned_aliases", "platform_seen"];

/// The shipped content with `[retention]` set to `kept` (`signups_days = 30`).
fn shipped_kept(kept: &str) -> tempfile::TempDir {
    let dir = copy_of_shipped();
    let group = dir.path().join("group.toml");
    let text = std::fs::read_to_string(&group).unwrap();
    std::fs::write(&group, format!("{text}\n[retention]\n{kept}\n")).unwrap();
    dir
}

/// An offer of a place long answered is erased and counted: a count of nothing would skip the
/// checkpoint that empties SQLite's log of the erased rows (it was overwritten by the count
/// of personal messages).
#[tokio::test]
async fn an_old_answered_offer_alone_is_erased_and_counted() {
    let store = sqlite_store().await;
    for sql in [OLD_PERSONAL_ROWS[0], OLD_PERSONAL_ROWS[OLD_PERSONAL_ROWS.len() - 1]] {
        sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).execute(store.pool()).await.unwrap();
    }
    let dir = shipped_kept("signups_days = 30");
    let engine = engine_with(dir.path(), store.clone());
    let purged = run_once(&engine, "p1", at("2026-12-06T12:00:00Z")).await.unwrap().unwrap();
    assert_eq!(purged.messages, 1, "{purged:?}");
}

#[tokio::test]
async fn retention_reaches_every_table_that_holds_a_person() {
    let store = sqlite_store().await;
    let tables: Vec<String> = sqlx::query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_sqlx%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )
    .fetch_all(store.pool())
    .await
    .unwrap()
    .iter()
    .map(|r| sqlx::Row::get::<String, _>(r, "name"))
    .collect();
    let mut known: Vec<&str> = PERSONAL.iter().chain(ORGANIZERS).chain(NOT_PERSONAL).copied().collect();
    known.sort();
    assert_eq!(tables, known, "a table retention has not been told about");
    for sql in OLD_PERSONAL_ROWS {
        sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).execute(store.pool()).await.unwrap();
    }
    // Only sign-ups kept a set time: the job runs, and every personal table is emptied of
    // what is past its time.
    let dir = shipped_kept("signups_days = 30");
    let engine = engine_with(dir.path(), store.clone());
    let now = at("2026-12-06T12:00:00Z");
    assert!(run_once(&engine, "p1", now).await.unwrap().is_some(), "the job ran");
    for table in PERSONAL {
        // The ledger also records channel reminders and the job's own run: a person's rows
        // are the messages to `platform:@account`.
        let whose = if *table == "reminder_ledger" { " WHERE channel LIKE '%:@%'" } else { "" };
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}{whose}")))
            .fetch_one(store.pool())
            .await
            .unwrap();
        let n: i64 = sqlx::Row::get(&row, 0);
        assert_eq!(n, 0, "{table} keeps what is past its time");
    }
}

#[tokio::test]
async fn rsvps_days_alone_erases_answers_and_an_unread_calendar_link_stops_working() {
    let store = sqlite_store().await;
    let dir = copy_of_shipped();
    let group = dir.path().join("group.toml");
    let text = std::fs::read_to_string(&group).unwrap();
    std::fs::write(&group, format!("{text}\n[retention]\nrsvps_days = 30\n")).unwrap();
    let engine = engine_with(dir.path(), store.clone());
    let ana = user("111");
    let then = at("2026-01-01T12:00:00Z");
    let old = convoca::store::OccurrenceRef { meeting: "monthly".into(), date: "2026-01-05".parse().unwrap() };
    let seen = convoca::store::Seen { locale: convoca::locale::Locale::En, member: true };
    store.rsvp(&ana, &old, true, seen, then).await.unwrap();
    let token = store.feed_token(&ana, "tok-unread", false, then).await.unwrap();
    // A link unread for half a year is no link.
    let later = then + convoca::store::FEED_IDLE + Duration::days(1);
    assert!(store.feed(&token, then + Duration::days(10)).await.unwrap().is_some(), "read while fresh");
    assert!(store.feed(&token, later + Duration::days(10)).await.unwrap().is_none(), "unread for too long");
    // Asked for again, the person gets a new link, not the dead one.
    let again = store.feed_token(&ana, "tok-new", false, later + Duration::days(11)).await.unwrap();
    assert_eq!(again, "tok-new");
    let purged =
        run_once(&engine, "p1", later + Duration::days(20)).await.unwrap().expect("the job ran on rsvps_days alone");
    assert_eq!(purged.rsvps, 1, "{purged:?}");
    assert_eq!(store.rsvp_counts(&old).await.unwrap(), (0, 0));
}

/// A record of a personal message outlives a retention shorter than the scheduler's week of
/// looking back: erased sooner, the message would be planned, and sent, again ("did you do
/// it?" stays worth asking three days).
#[tokio::test]
async fn a_personal_message_is_remembered_as_long_as_the_scheduler_looks_back() {
    let dir = shipped_kept("rsvps_days = 1");
    let engine = engine_with(dir.path(), sqlite_store().await);
    let store = engine.store();
    let sent = at("2026-12-04T12:00:00Z");
    let claim = convoca::store::Claim { key: "f1", identity: "followup:x", channel: "discord:@1", due: sent };
    store.claim(&[claim], "me", sent, sent).await.unwrap();
    store.mark_sent(&["f1".to_string()], "me", sent).await.unwrap();
    // Two days later, with answers kept one day: the record stays.
    let purged = run_once(&engine, "p", sent + chrono::Duration::days(2)).await.unwrap().unwrap();
    assert_eq!(purged.messages, 0, "{purged:?}");
    assert_eq!(ledger_state(store, "f1").await.as_deref(), Some("sent"));
    // Past the scheduler's week (and a day): gone.
    let purged = run_once(&engine, "q", sent + chrono::Duration::days(9)).await.unwrap().unwrap();
    assert_eq!(purged.messages, 1, "{purged:?}");
    assert!(convoca::engine::retention::LEDGER_AT_LEAST > convoca::reminders::SchedulerConfig::default().lookback);
}

async fn ledger_state(store: &convoca::store::Store, key: &str) -> Option<String> {
    store.ledger_states(&[key]).await.unwrap().into_iter().next().map(|(_, s, _)| s.word().to_string())
}
