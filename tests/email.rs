//! Email, the third platform, against a real SMTP submission server on 127.0.0.1
//! (tests/smtp_server.py): a meeting's reminder reaches a list once, in the list's language,
//! as text, HTML and an `.ics`; a connection lost after the message is recorded as possibly
//! sent and never sent again; a refused login and a server without TLS send nothing, and
//! `doctor` logs in without sending.

mod common;

use std::sync::Arc;

use chrono::Duration;
use common::scheduler::*;
use common::smtp::{Mode, PASSWORD, Smtp, USER};
use common::*;
use convoca::config::{EmailConfig, Secret, SmtpSecurity};
use convoca::email::{EmailSender, Failure};
use convoca::reminders::{ManualClock, SchedulerConfig, key_of};
use convoca::store::LedgerState;

const LIST: &str = "mail:action-list@example.org";

fn config(server: &Smtp, security: SmtpSecurity, password: &str) -> EmailConfig {
    let ca = server.dir.path().join("ca.pem");
    EmailConfig {
        host: Some("localhost".into()),
        port: Some(server.port),
        security,
        user: Some(USER.into()),
        password: Some(password.parse::<Secret>().unwrap()),
        from: Some("LA/CWG <convoca@example.org>".into()),
        ca_file: ca.exists().then_some(ca),
    }
}

fn sender(server: &Smtp) -> Arc<EmailSender> {
    let smtp = convoca::email::Smtp::new(&config(server, SmtpSecurity::Starttls, PASSWORD)).unwrap();
    Arc::new(EmailSender::new(smtp))
}

/// A scheduler posting `engine`'s reminders by email through `server`, on `clock`.
fn mailing(engine: &convoca::engine::Engine, server: &Smtp, clock: &ManualClock) -> Running {
    start_on(engine, &convoca::email::ABILITIES, sender(server), Arc::new(clock.clone()), SchedulerConfig::default())
}

/// The key of the monthly meeting's one-day reminder to `channel`.
fn one_day_key(channel: &str) -> String {
    key_of(&format!("meeting:monthly:2026-12-07:2026-12-07T22:00Z:1d:{channel}"))
}

/// Runs the scheduler through the one-day reminder's instant, with `extra` in group.toml.
async fn one_day_reminder(
    server: &Smtp,
    group_extra: &str,
) -> (convoca::engine::Engine, Running, ManualClock, chrono::DateTime<chrono::Utc>) {
    let dir = content_with(&[LIST], "");
    let group = dir.path().join("group.toml");
    let text = std::fs::read_to_string(&group).unwrap();
    std::fs::write(&group, format!("{text}\n{group_extra}")).unwrap();
    let engine = engine_on(dir.path()).await;
    std::mem::forget(dir);
    let due = at("2026-12-06T22:00:00Z");
    let clock = ManualClock::new(due - Duration::seconds(5));
    let mut run = mailing(&engine, server, &clock);
    wait_status(&mut run.status, "asleep before the reminder", |s| s.sleeping_until.is_some()).await;
    clock.set(due);
    (engine, run, clock, due)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_meeting_reminder_reaches_the_list_once_in_its_language_with_its_calendar_file() {
    let Some(server) = Smtp::start(Mode::Normal) else { return };
    let (engine, mut run, clock, due) =
        one_day_reminder(&server, &format!("[channel_languages]\n\"{LIST}\" = \"es\"\n")).await;
    wait_status(&mut run.status, "sent", |s| s.sent == 1 && s.in_flight == 0).await;
    let key = one_day_key(LIST);
    assert_eq!(ledger(engine.store(), &key).await, Some(LedgerState::Sent));

    let mail = server.messages();
    assert_eq!(mail.len(), 1, "one mail");
    let m = &mail[0];
    assert_eq!(m.rcpt_tos, ["action-list@example.org"]);
    assert_eq!(m.mail_from, "convoca@example.org");
    assert_eq!(m.header("Message-ID").unwrap(), convoca::email::message::message_id(&key, "example.org"));
    assert_eq!(m.header("Auto-Submitted").as_deref(), Some("auto-generated"));
    assert_eq!(m.header("Content-Language").as_deref(), Some("es"));
    // In the list's language (Spanish), as text and HTML, with the calendar file.
    let data = &m.data;
    assert!(data.contains("multipart/alternative") && data.contains("text/html"), "{data}");
    assert!(m.text.as_deref().unwrap_or_default().contains("Recordatorio"), "{:?}", m.text);
    assert!(m.text.as_deref().unwrap_or_default().contains("lunes"), "{:?}", m.text);
    assert!(m.html.as_deref().unwrap_or_default().contains("<html lang=\"es\">"), "{:?}", m.html);
    assert!(data.contains("text/calendar") && data.contains(".ics"), "{data}");
    assert!(data.contains("DTSTART:20261207T220000Z"), "the occurrence's start in the .ics: {data}");
    // One entry per occurrence, whatever the reminder, language or time: a later file updates it.
    // And as the group's calendar feed names it, so a calendar keeps one entry for both.
    assert!(data.contains("UID:monthly-20261207@la-cwg.convoca"), "{data}");
    let feed = convoca::agenda::ics::write(
        &convoca::agenda::Agenda::new(&engine.content().current(), &engine.calendar_changes().await.unwrap()),
        convoca::agenda::ics::FeedOptions { only: None, locale: convoca::locale::Locale::En, now: due, alarm: None },
    );
    assert!(feed.contains("UID:monthly-20261207@la-cwg.convoca"), "the feed names it alike");
    // Nothing in it reached by a member's link: the list is no members-only channel.
    assert!(!data.contains("zoom.us"), "{data}");

    // Exactly once: the next pass, and a new scheduler on the same database, send nothing more.
    run.stop.send(true).unwrap();
    let _ = run.handle.await;
    let mut again = mailing(&engine, &server, &clock);
    clock.set(due + Duration::minutes(1));
    // Its first pass planned the reminder, found it in the ledger, and went to sleep.
    wait_status(&mut again.status, "a pass after the restart", |s| s.passes >= 1 && s.sleeping_until.is_some()).await;
    assert_eq!(server.messages().len(), 1, "not sent again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_lost_after_the_message_is_recorded_as_possibly_sent_and_not_sent_again() {
    let Some(server) = Smtp::start(Mode::DropAfterData) else { return };
    let (engine, mut run, clock, due) = one_day_reminder(&server, "").await;
    // The first attempt hands the whole message over and gets no answer.
    wait_status(&mut run.status, "first attempt over", |s| s.in_flight == 0 && s.passes > 0 && server_saw(&server))
        .await;
    let passes = run.status.borrow().passes;
    clock.set(due + SchedulerConfig::default().retry + Duration::seconds(1));
    let s = wait_status(&mut run.status, "recorded as found", |s| s.found == 1 && s.in_flight == 0).await;
    assert!(s.passes > passes);
    assert_eq!(s.sent, 0);
    let key = one_day_key("mail:action-list@example.org");
    // Settled with the note why (the ledger has no "unknown" of its own: settled, not retried).
    assert_eq!(ledger(engine.store(), &key).await, Some(LedgerState::Sent));
    assert_eq!(server.messages().len(), 1, "the mail that may have gone out is not sent twice");
    assert_eq!(server.connections(), 1, "no second connection for it");
}

fn server_saw(server: &Smtp) -> bool {
    !server.messages().is_empty()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_login_sends_nothing_and_is_tried_again_later() {
    let Some(server) = Smtp::start(Mode::RefuseAuth) else { return };
    let smtp = convoca::email::Smtp::new(&config(&server, SmtpSecurity::Starttls, "wrong")).unwrap();
    let refused = smtp.check_login().await.unwrap_err();
    assert!(
        matches!(&refused, Failure::LoginRefused(why) if why.contains("CONVOCA_SMTP_PASSWORD")),
        "names what to correct: {refused:?}"
    );
    let by_doctor = server.auth_attempts();
    assert!(by_doctor >= 1);
    // Through the scheduler: a failure to retry, nothing handed over.
    let (_engine, mut run, clock, due) = one_day_reminder(&server, "").await;
    wait_status(&mut run.status, "attempt over", |s| s.in_flight == 0 && s.passes > 1).await;
    assert!(server.messages().is_empty());
    assert_eq!(run.status.borrow().sent, 0);
    assert_eq!(run.status.borrow().failed, 0, "a login refused is retried, not given up");
    let after_first = server.auth_attempts();
    assert!(after_first > by_doctor, "the scheduler's attempt logged in");
    // The retry half a minute later does not try the password again (a provider would lock
    // the account): it waits for the settings to change.
    let passes = run.status.borrow().passes;
    clock.set(due + SchedulerConfig::default().retry + Duration::seconds(1));
    wait_status(&mut run.status, "the retry over", |s| s.passes > passes && s.in_flight == 0).await;
    assert_eq!(server.auth_attempts(), after_first, "no second login within ten minutes");
    assert_eq!(run.status.borrow().sent, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_password_goes_to_a_server_without_tls() {
    let Some(server) = Smtp::start(Mode::NoTls) else { return };
    let smtp = convoca::email::Smtp::new(&config(&server, SmtpSecurity::Starttls, PASSWORD)).unwrap();
    let failure = smtp.check_login().await.unwrap_err();
    assert!(matches!(&failure, Failure::Retry(why) if why.contains("STARTTLS")), "{failure:?}");
    assert_eq!(server.auth_attempts(), 0, "the password never went out in clear");
    // And the settings refuse to send one in clear at all.
    let mut clear = config(&server, SmtpSecurity::None, PASSWORD);
    clear.host = Some("127.0.0.1".into());
    assert!(convoca::email::Smtp::new(&clear).unwrap_err().contains("in clear"));
    clear.host = Some("smtp.example.org".into());
    clear.password = None;
    clear.user = None;
    assert!(convoca::email::Smtp::new(&clear).unwrap_err().contains("this machine"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_logs_in_and_out_and_sends_nothing() {
    let Some(server) = Smtp::start(Mode::Normal) else { return };
    let mut lines = Vec::new();
    let channels = vec![LIST.to_string(), "discord:111".to_string()];
    convoca::doctor::email::check(&config(&server, SmtpSecurity::Starttls, PASSWORD), &channels, &mut lines).await;
    let text: Vec<String> = lines.iter().map(|l| l.render()).collect();
    assert!(lines.iter().all(|l| !l.failed()), "{text:#?}");
    assert!(text.iter().any(|l| l.contains("logged in and out, nothing sent")), "{text:#?}");
    assert!(text.iter().any(|l| l.contains("action-list@example.org")), "{text:#?}");
    assert_eq!(server.auth_attempts(), 1);
    assert!(server.messages().is_empty());
    // A wrong password fails the check, naming the variables to look at.
    let mut lines = Vec::new();
    convoca::doctor::email::check(&config(&server, SmtpSecurity::Starttls, "wrong"), &channels, &mut lines).await;
    let failed: Vec<String> = lines.iter().filter(|l| l.failed()).map(|l| l.render()).collect();
    assert_eq!(failed.len(), 1, "{failed:#?}");
    assert!(failed[0].contains("CONVOCA_SMTP_PASSWORD"), "{failed:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_refused_before_the_message_is_sent_once_after_a_restart_not_lost() {
    let Some(refusing) = Smtp::start(Mode::RefuseAuth) else { return };
    let (engine, mut run, clock, due) = one_day_reminder(&refusing, "").await;
    wait_status(&mut run.status, "the refused attempt over", |s| s.in_flight == 0 && refusing.auth_attempts() > 0)
        .await;
    // The bot restarts, now with a server that takes the login.
    run.stop.send(true).unwrap();
    let _ = run.handle.await;
    let Some(working) = Smtp::start(Mode::Normal) else { return };
    let mut again = mailing(&engine, &working, &clock);
    clock.set(due + SchedulerConfig::default().retry + Duration::seconds(1));
    let s = wait_status(&mut again.status, "sent after the restart", |s| s.sent == 1 && s.in_flight == 0).await;
    assert_eq!(s.found, 0, "the ledger knew nothing had gone out: no doubt, no loss");
    assert_eq!(working.messages().len(), 1);
    assert!(refusing.messages().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_to_action_deadline_reaches_a_list_named_for_every_reminder() {
    let Some(server) = Smtp::start(Mode::Normal) else { return };
    let dir = petition_deadline();
    // The list as CONVOCA_REMINDER_CHANNELS names it: every meeting's and deadline's reminders.
    let settings = convoca::engine::Settings { reminder_channels: vec![LIST.into()], ..Default::default() };
    let engine = convoca::engine::Engine::new(
        convoca::content::ContentHandle::open(dir.path()).unwrap(),
        sqlite_store().await,
        settings,
    );
    let clock = ManualClock::new(at("2026-12-14T21:59:00Z"));
    let mut run = mailing(&engine, &server, &clock);
    wait_status(&mut run.status, "asleep until the deadline reminder", |s| {
        s.sleeping_until == Some(at("2026-12-14T21:59:58Z"))
    })
    .await;
    clock.set(at("2026-12-14T22:00:00Z"));
    wait_status(&mut run.status, "sent", |s| s.sent == 1 && s.in_flight == 0).await;
    let mail = server.messages();
    assert_eq!(mail.len(), 1);
    let text = mail[0].text.clone().unwrap_or_default();
    assert!(text.contains("Sign the petition to Simonds International"), "{text}");
    assert!(text.contains("Tuesday, December 15, 2026, 5:00 PM EST"), "{text}");
    assert!(!mail[0].data.contains("text/calendar"), "a deadline is no meeting: no .ics");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_for_a_group_with_mailing_lists_only_checks_the_login_and_writes_the_settings() {
    let Some(server) = Smtp::start(Mode::Normal) else { return };
    let dir = tempfile::tempdir().unwrap();
    let env = dir.path().join("convoca.env");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_convoca"))
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .env("CONVOCA_CONTENT", shipped())
        .args(["--env-file", env.to_str().unwrap(), "setup", "--no-input", "--platforms", "email"])
        .args(["--smtp-host", "localhost", "--smtp-port", &server.port.to_string()])
        .args(["--smtp-user", USER, "--smtp-password", PASSWORD, "--smtp-from", "LA/CWG <convoca@example.org>"])
        .args(["--smtp-ca-file", server.dir.path().join("ca.pem").to_str().unwrap()])
        .args(["--mail-list", "Action-List@example.org"])
        .output()
        .unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{said}");
    assert!(said.contains("logged in and out, nothing sent"), "{said}");
    assert_eq!(server.auth_attempts(), 1);
    assert!(server.messages().is_empty());
    let written = std::fs::read_to_string(&env).unwrap();
    for line in [
        "CONVOCA_SMTP_HOST=localhost",
        "CONVOCA_SMTP_USER=convoca",
        "CONVOCA_SMTP_SECURITY=starttls",
        "CONVOCA_REMINDER_CHANNELS=mail:action-list@example.org",
    ] {
        assert!(written.lines().any(|l| l == line), "{line} in:\n{written}");
    }
    assert!(written.contains("CONVOCA_SMTP_PASSWORD=s3cret"), "the password, in the owner-only file: {written}");
    assert!(!said.contains(PASSWORD), "never shown: {said}");
    // Without a terminal the list must be given; one written with a name is refused before
    // any login.
    let base = |list: Option<&str>| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_convoca"));
        cmd.current_dir(dir.path())
            .env("CONVOCA_CONTENT", shipped())
            .args(["--env-file", dir.path().join("other.env").to_str().unwrap(), "setup", "--no-input"])
            .args(["--platforms", "email", "--smtp-host", "localhost", "--smtp-port", &server.port.to_string()])
            .args(["--smtp-user", USER, "--smtp-password", PASSWORD, "--smtp-from", "convoca@example.org"]);
        if let Some(list) = list {
            cmd.args(["--mail-list", list]);
        }
        cmd.output().unwrap()
    };
    let out = base(None);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--mail-list"), "{out:?}");
    let logins = server.auth_attempts();
    let out = base(Some("Action <a@example.org>"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the address alone"), "{out:?}");
    assert_eq!(server.auth_attempts(), logins, "refused before any login");
    // A wrong password is refused before anything is written.
    std::fs::remove_file(&env).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_convoca"))
        .current_dir(dir.path())
        .env("CONVOCA_CONTENT", shipped())
        .args(["--env-file", env.to_str().unwrap(), "setup", "--no-input", "--platforms", "email"])
        .args(["--smtp-host", "localhost", "--smtp-port", &server.port.to_string()])
        .args(["--smtp-user", USER, "--smtp-password", "wrong", "--smtp-from", "convoca@example.org"])
        .args(["--mail-list", "none"])
        .args(["--smtp-ca-file", server.dir.path().join("ca.pem").to_str().unwrap()])
        .output()
        .unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&out.stderr), String::from_utf8_lossy(&out.stdout));
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("CONVOCA_SMTP_PASSWORD"), "{said}");
    assert!(!env.exists(), "nothing written");
}
