//! The built binary: `ask`, `check` and `ics` as a volunteer would run them.

mod common;

#[path = "common/pty.rs"]
mod pty;

use std::process::Command;

use common::*;

fn convoca() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_convoca"));
    cmd.env_remove("DATABASE_URL")
        .env_remove("CONVOCA_CONTENT")
        .env_remove("DISCORD_TOKEN")
        .env_remove("MATRIX_HOMESERVER")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        // Each command gets its own database unless a test says otherwise.
        .env("DATABASE_URL", format!("sqlite://{}", tempfile::tempdir().unwrap().keep().join("t.db").display()));
    cmd
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("convoca runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn ask_answers_with_pinned_time_in_both_languages() {
    let (code, out, _) = run(convoca().args(["ask", "--now", "2026-11-28T12:00:00Z", "/meeting"]));
    assert_eq!(code, 0);
    assert!(out.contains("Monday, December 7, 2026, 5:00–6:30 PM EST"), "{out}");
    let (code, out, _) =
        run(convoca().args(["ask", "--now", "2026-11-28T12:00:00Z", "--locale", "es-419", "/meeting"]));
    assert_eq!(code, 0);
    assert!(out.contains("lunes, 7 de diciembre de 2026, 5:00–6:30 p. m. EST"), "{out}");
    // Flags after the text work too.
    let (_, out, _) = run(convoca().args(["ask", "campaign", "jilamito", "--locale", "es"]));
    assert!(out.contains("Alto a la represa de Jilamito"), "{out}");
}

#[test]
fn a_no_such_campaign_answer_still_exits_zero_and_bad_flags_exit_two() {
    let (code, out, _) = run(convoca().args(["ask", "/campaign", "nope"]));
    assert_eq!(code, 0);
    assert!(out.contains("jilamito"), "{out}");
    let (code, _, err) = run(convoca().args(["ask", "--now", "yesterday", "/meeting"]));
    assert_eq!(code, 2, "{err}");
    let (code, _, _) = run(convoca().args(["ask", "--bogus", "/meeting"]));
    assert_eq!(code, 2);
}

#[test]
fn check_passes_on_shipped_content_and_fails_with_file_and_line() {
    let (code, out, _) = run(convoca().args(["check"]));
    assert_eq!(code, 0, "{out}");
    let dir = copy_of_shipped();
    let path = dir.path().join("meetings/monthly.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("America/New_York", "America/Nowhere")).unwrap();
    let (code, _, err) = run(convoca().args(["check", "--content"]).arg(dir.path()));
    assert_eq!(code, 1);
    assert!(err.contains("monthly.toml:"), "{err}");
    assert!(err.contains("unknown time zone `America/Nowhere`"), "{err}");
    // The same through the environment variable.
    let (code, _, _) = run(convoca().arg("check").env("CONVOCA_CONTENT", dir.path()));
    assert_eq!(code, 1);
}

#[test]
fn ask_refuses_to_answer_from_broken_content() {
    let dir = copy_of_shipped();
    std::fs::write(dir.path().join("campaigns/broken.toml"), "title = ").unwrap();
    let (code, out, err) = run(convoca().args(["ask", "--content"]).arg(dir.path()).arg("/mission"));
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(err.contains("broken.toml:1"), "{err}");
}

#[test]
fn ics_writes_a_calendar() {
    let (code, out, _) = run(convoca().args(["ics", "--now", "2026-11-28T12:00:00Z"]));
    assert_eq!(code, 0);
    assert!(out.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(out.contains("DTSTART:20261207T220000Z\r\n"), "{out}");
    let (code, _, err) = run(convoca().args(["ics", "--meeting", "nope"]));
    assert_eq!(code, 2);
    assert!(err.contains("monthly"), "{err}");
}

#[test]
fn console_answers_piped_questions() {
    let mut child = convoca()
        .arg("console")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"/coyuntura\n/quit\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("Coyuntura July 2024: Guatemala"), "{stdout}");
}

#[test]
fn run_without_platforms_says_why_and_serves_until_sigterm() {
    use std::io::BufRead;
    let mut child = convoca()
        .arg("run")
        .env("NO_COLOR", "1")
        // A public address with no HTTP server: the links the bot gives would lead nowhere.
        .env("CONVOCA_PUBLIC_URL", "https://bot.example.org")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read the log until the scheduler is up: closed standard input (as under systemd) must
    // not have stopped the bot by then.
    let mut stderr = String::new();
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    for line in lines.by_ref() {
        let line = line.unwrap();
        stderr.push_str(&line);
        stderr.push('\n');
        if line.contains("convoca: ready") {
            break;
        }
    }
    assert!(child.try_wait().unwrap().is_none(), "run exited on closed stdin: {stderr}");
    let pid = child.id().to_string();
    std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    for line in lines {
        stderr.push_str(&line.unwrap());
        stderr.push('\n');
    }
    let status = child.wait().unwrap();
    assert!(status.success(), "{stderr}");
    assert!(stderr.contains("Discord: off (DISCORD_TOKEN is not set)"), "{stderr}");
    assert!(stderr.contains("Matrix: off (MATRIX_HOMESERVER is not set)"), "{stderr}");
    assert!(
        stderr.contains("CONVOCA_PUBLIC_URL is set but CONVOCA_HTTP_BIND is not: no public page, dashboard or calendar feed is served"),
        "{stderr}"
    );
    assert!(stderr.contains("reminder scheduler stopped"), "{stderr}");
}

/// The volunteer's sequence, run against a database URL (or the default file when `None`)
/// from a fresh working folder.
fn sign_up_sequence(url: Option<&str>) {
    let cwd = tempfile::tempdir().unwrap();
    let content = shipped();
    let ask = |args: &[&str]| {
        let mut cmd = convoca();
        cmd.env_remove("DATABASE_URL");
        cmd.current_dir(cwd.path()).arg("ask").arg("--content").arg(&content).args(args);
        if let Some(url) = url {
            cmd.env("DATABASE_URL", url);
        }
        let (code, out, err) = run(&mut cmd);
        assert_eq!(code, 0, "{args:?}: {err}");
        out
    };
    let first = ask(&["--user", "42", "--name", "Ana", "/signup", "jilamito", "petition"]);
    assert!(first.starts_with("[private]") && first.contains("You're signed up"), "{first}");
    let second = ask(&["--user", "42", "--name", "Ana", "/signup", "jilamito", "petition"]);
    assert!(second.contains("already signed up"), "{second}");
    let count = ask(&["/campaign", "jilamito"]);
    assert!(count.contains("Sign the petition to Simonds International a few") && !count.contains("Ana"), "{count}");
    let refused = ask(&["/signups", "jilamito"]);
    assert!(refused.contains("Only organizers") && refused.contains("--organizer"), "{refused}");
    let roster = ask(&["--organizer", "/signups", "jilamito"]);
    assert!(roster.contains("Ana (console,"), "{roster}");
    // The terminal export command writes the same roster as CSV.
    let mut export = convoca();
    export.env_remove("DATABASE_URL");
    export.current_dir(cwd.path()).arg("export").arg("--content").arg(&content).arg("jilamito");
    if let Some(url) = url {
        export.env("DATABASE_URL", url);
    }
    let (code, csv, _) = run(&mut export);
    assert_eq!(code, 0);
    assert!(csv.starts_with("campaign,action,name,platform,user_id,signed_up_at,state\n"), "{csv}");
    assert!(csv.contains("jilamito,petition,Ana,console,42,"), "{csv}");
    let withdrawn = ask(&["--user", "42", "--name", "Ana", "/withdraw", "jilamito"]);
    assert!(withdrawn.contains("no longer signed up"), "{withdrawn}");
    let forgotten = ask(&["--user", "42", "--name", "Ana", "/forgetme", "confirm"]);
    assert!(forgotten.contains("Erased: your name, 1 sign-up"), "{forgotten}");
    assert!(!forgotten.contains("(s)"), "counts read naturally: {forgotten}");
    ask(&["--organizer", "/cancel", "2026-12-07"]);
    let meeting = ask(&["--now", "2026-11-28T12:00:00Z", "/meeting"]);
    assert!(meeting.contains("The meeting of Monday, December 7, 2026 is cancelled."), "{meeting}");
    let mut ics = convoca();
    ics.env_remove("DATABASE_URL");
    ics.current_dir(cwd.path()).args(["ics", "--now", "2026-11-28T12:00:00Z", "--content"]).arg(&content);
    if let Some(url) = url {
        ics.env("DATABASE_URL", url);
    }
    let (_, feed, _) = run(&mut ics);
    assert!(feed.contains("STATUS:CANCELLED"), "{feed}");
    if url.is_none() {
        assert!(cwd.path().join("convoca.db").exists(), "the default database is convoca.db in the working folder");
    }
}

#[test]
fn sign_ups_persist_across_invocations_on_the_default_sqlite_file() {
    sign_up_sequence(None);
}

#[test]
fn sign_ups_persist_across_invocations_on_postgres() {
    if let Some(url) = postgres_url() {
        sign_up_sequence(Some(&url));
    }
}

#[test]
fn a_database_that_cannot_be_opened_stops_start_up_with_one_line() {
    let (code, out, err) =
        run(convoca().args(["ask", "/meeting"]).env("DATABASE_URL", "postgres://bot:hunter2@127.0.0.1:1/convoca"));
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("postgres://bot:***@127.0.0.1:1/convoca") && !err.contains("hunter2"), "{err}");
}

#[test]
fn run_serves_http_without_any_chat_platform_and_stops_cleanly_on_sigterm() {
    use std::io::BufRead;
    let mut child = convoca()
        .args(["run", "--http-bind", "127.0.0.1:0"])
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| l.strip_prefix("HTTP: listening on ").map(str::to_string))
        .expect("the HTTP address is announced");
    let get = |path: &str| {
        let mut stream = std::net::TcpStream::connect(&addr).unwrap();
        use std::io::{Read, Write};
        write!(stream, "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
    };
    // The public bind says only whether the bot is well; details and metrics are for the
    // metrics address (CONVOCA_METRICS_BIND).
    let health = get("/healthz");
    assert!(health.starts_with("HTTP/1.1 200") && health.contains("\r\n\r\nok\ninstance: "), "{health}");
    assert!(!health.contains("database"), "{health}");
    assert!(get("/metrics").starts_with("HTTP/1.1 404"));
    let feed = get("/calendar.ics");
    assert!(feed.contains("BEGIN:VCALENDAR"), "{feed}");
    let started = std::time::Instant::now();
    std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let status = child.wait().unwrap();
    assert!(status.success());
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "stopped in {:?}", started.elapsed());
}

#[test]
fn json_logs_are_one_object_per_line_without_tokens_or_names() {
    use std::io::BufRead;
    let mut child = convoca()
        .arg("run")
        .env("CONVOCA_LOG_FORMAT", "json")
        .env("CONVOCA_LOG", "debug,convoca=debug")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let mut logged = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        let ready = line.contains("convoca: ready");
        logged.push(line);
        if ready {
            break;
        }
    }
    std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    logged.extend(lines.map(Result::unwrap));
    assert!(child.wait().unwrap().success());
    // Every line, start-up status included, is a JSON object.
    let events: Vec<serde_json::Value> =
        logged.iter().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"))).collect();
    assert!(events.iter().any(|e| e["message"] == "Discord: off (DISCORD_TOKEN is not set)"), "{logged:#?}");
    assert!(events.iter().any(|e| e["message"] == "reminder scheduler started"), "{logged:#?}");
    assert!(events.iter().all(|e| e["level"].is_string() && e["timestamp"].is_string()), "{logged:#?}");
}

#[test]
fn a_token_never_appears_in_the_log_even_when_discord_cannot_be_reached() {
    let token = "MTIzNDU2Nzg5.secret-token-for-the-log-test";
    let child = convoca()
        .arg("run")
        .env("DISCORD_TOKEN", token)
        .env("DISCORD_HOME_GUILDS", "700000000000000001")
        .env("DISCORD_API_BASE", "http://127.0.0.1:9")
        .env("CONVOCA_LOG", "debug")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Its log is read until it has said why Discord failed (or it exits), then it is stopped:
    // no fixed wait, however fast or slow the machine.
    let mut child = child;
    let stderr = child.stderr.take().unwrap();
    let pid = child.id().to_string();
    let mut err = String::new();
    for line in std::io::BufRead::lines(std::io::BufReader::new(stderr)) {
        let Ok(line) = line else { break };
        let trouble = line.contains("WARN") || line.contains("ERROR");
        err.push_str(&line);
        err.push('\n');
        if trouble && err.to_lowercase().contains("discord") {
            let _ = std::process::Command::new("kill").args(["-TERM", &pid]).status();
        }
    }
    let out = child.wait_with_output().unwrap();
    let out = String::from_utf8_lossy(&out.stdout);
    assert!(err.to_lowercase().contains("discord"), "it said why Discord failed: {err}");
    assert!(!err.contains("secret-token") && !out.contains("secret-token"), "{err}");
}

#[test]
fn doctor_and_reminders_say_when_reminders_go_nowhere_and_what_fixes_it() {
    let db = format!("sqlite://{}", tempfile::tempdir().unwrap().keep().join("r.db").display());
    run(convoca().env("DATABASE_URL", &db).args(["ask", "/mission"]));
    let (code, out, _) = run(convoca().env("DATABASE_URL", &db).arg("doctor"));
    assert!(out.contains("! reminders monthly: go to no channel") && out.contains("`/remind here`"), "{out}");
    assert!(out.contains("✗ chat platforms: none is configured"), "{out}");
    assert_eq!(code, 1, "{out}");
    let (_, listed, _) = run(convoca().env("DATABASE_URL", &db).arg("reminders"));
    assert!(listed.contains("(none): no channel gets these") && listed.contains("/remind here"), "{listed}");
    // The terminal's channel is no channel for a deployed bot.
    run(convoca().env("DATABASE_URL", &db).args(["ask", "--organizer", "/remind here"]));
    let (_, out, _) = run(convoca().env("DATABASE_URL", &db).arg("doctor"));
    assert!(out.contains("! reminders monthly: go to no channel"), "{out}");
}

#[test]
fn the_env_file_empty_is_unset_nothing_is_substituted_and_mistakes_are_named_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let env = dir.path().join("convoca.env");
    std::fs::write(&env, "DISCORD_TOKEN=\nMATRIX_HOMESERVER=\nCONVOCA_HTTP_BIND=localhost:0\nDISCROD_TOKEN=x\n")
        .unwrap();
    let (_, out, err) = run(convoca().arg("--env-file").arg(&env).arg("doctor"));
    assert!(out.contains("✓ discord: off") && out.contains("✓ matrix: off"), "empty is unset: {out}");
    assert!(out.contains("✓ http bind: 127.0.0.1:0"), "localhost is the loopback: {out}");
    assert!(
        err.contains("convoca.env:4: convoca reads no variable DISCROD_TOKEN (did you mean DISCORD_TOKEN?)"),
        "{err}"
    );
    assert!(out.contains("✗ env file:"), "{out}");
    // A value refused names the variable and an accepted value, not a flag.
    std::fs::write(&env, "CONVOCA_HTTP_BIND=8080\n").unwrap();
    let (code, _, err) = run(convoca().arg("--env-file").arg(&env).arg("doctor"));
    assert_eq!(code, 2);
    assert!(
        err.contains("CONVOCA_HTTP_BIND: `8080` is not accepted") && err.contains("CONVOCA_HTTP_BIND=127.0.0.1:8080"),
        "{err}"
    );
    assert!(!err.contains("--http-bind"), "{err}");
    std::fs::write(&env, "DISCORD_SCHEDULED_EVENTS=maybe\n").unwrap();
    let (_, _, err) = run(convoca().arg("--env-file").arg(&env).arg("doctor"));
    assert!(err.contains("DISCORD_SCHEDULED_EVENTS: `maybe`") && !err.contains("possible values"), "{err}");
    // `$` is a character like any other; a line that is no setting stops with its line.
    std::fs::write(&env, "CONVOCA_PUBLIC_URL=https://bot.example.org/$HOME\nNOT A SETTING\n").unwrap();
    let (code, _, err) = run(convoca().arg("--env-file").arg(&env).arg("check"));
    assert_eq!(code, 2);
    assert!(err.contains("convoca.env:2: `NOT…` is not a setting"), "{err}");
    std::fs::write(&env, "CONVOCA_CONTENT=commands$HOME\n").unwrap();
    let (_, out, err) = run(convoca().arg("--env-file").arg(&env).arg("check"));
    assert!(format!("{out}{err}").contains("commands$HOME"), "kept as written: {out}{err}");
}

#[test]
fn migrate_refuses_a_database_a_bot_is_running_on_and_tools_never_make_an_empty_one() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("bot.db").display());
    let to = format!("sqlite://{}", dir.path().join("copy.db").display());
    // From a folder the bot does not run in: export and reminders say so, and make nothing.
    for args in [&["export", "jilamito"][..], &["reminders"][..]] {
        let (code, _, err) = run(convoca().env("DATABASE_URL", &db).args(args));
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(err.contains("does not exist"), "{err}");
    }
    let (code, _, err) = run(convoca().env("DATABASE_URL", &db).env("CONVOCA_MIGRATE_TO", &to).arg("migrate"));
    assert_eq!(code, 1, "{err}");
    assert!(!dir.path().join("bot.db").exists(), "no empty database made");
    let mut bot = convoca()
        .env("DATABASE_URL", &db)
        .arg("run")
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(bot.stderr.take().unwrap()).lines();
    let mut said = String::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        said.push_str(&line);
        if line.contains("convoca: ready") {
            break;
        }
    }
    assert!(said.contains("made a new, empty database"), "the bot says it made one: {said}");
    let (code, _, err) = run(convoca().env("DATABASE_URL", &db).env("CONVOCA_MIGRATE_TO", &to).arg("migrate"));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("a bot is running on") && err.contains("stop it first"), "{err}");
    let (code, out, _) = run(convoca().env("DATABASE_URL", &db).arg("backup").arg(dir.path().join("b.db")));
    assert_eq!(code, 0);
    assert!(out.contains("on which a bot is running"), "{out}");
    std::process::Command::new("kill").args(["-9", &bot.id().to_string()]).status().unwrap();
    bot.wait().unwrap();
    // Killed, it holds nothing: the copy goes ahead.
    let (code, out, err) = run(convoca().env("DATABASE_URL", &db).env("CONVOCA_MIGRATE_TO", &to).arg("migrate"));
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn ask_cut_short_by_a_closed_pipe_ends_without_a_panic() {
    let mut child = convoca()
        .args(["ask", "/mission"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked") && !err.contains("Broken pipe"), "{err}");
    use std::os::unix::process::ExitStatusExt;
    assert!(out.status.success() || out.status.signal() == Some(libc::SIGPIPE), "{:?}", out.status);
}

#[test]
fn ask_offers_a_freed_place_to_the_next_in_line_and_shows_strong_words_without_asterisks() {
    let dir = copy_of_shipped();
    let file = dir.path().join("campaigns/jilamito.toml");
    let text =
        std::fs::read_to_string(&file).unwrap().replacen("slug = \"rally\"", "slug = \"rally\"\ncapacity = 1", 1);
    std::fs::write(&file, text).unwrap();
    let db = format!("sqlite://{}", tempfile::tempdir().unwrap().keep().join("w.db").display());
    let ask = |who: &str, text: &str| {
        let (code, out, err) = run(convoca()
            .env("DATABASE_URL", &db)
            .arg("--content")
            .arg(dir.path())
            .args(["ask", "--user", who, "--name", who, text]));
        assert_eq!(code, 0, "{err}");
        out
    };
    ask("ana", "/signup jilamito rally");
    assert!(ask("bo", "/signup jilamito rally").contains("waitlist"));
    let freed = ask("ana", "/withdraw jilamito rally");
    assert!(freed.contains("[private message → bo]") && freed.contains("A place is free for you"), "{freed}");
    assert!(!freed.contains("**"), "{freed}");
}

#[test]
fn the_console_on_a_terminal_edits_lines_recalls_history_and_stops_at_once_on_sigterm() {
    use std::io::Write;
    let (master, mut child) = pty::spawn(convoca().arg("run").env("NO_COLOR", "1"));
    let mut shown = String::new();
    assert!(pty::read_until(&master, &mut shown, |s| s.contains("> ")), "no prompt: {shown}");
    let typed = |keys: &[u8]| {
        for k in keys {
            (&master).write_all(&[*k]).unwrap();
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    };
    // Typed with a mistake fixed by Backspace, then recalled with ↑.
    typed(b"/misssion\x7f\x7f\x7fion\r");
    assert!(pty::read_until(&master, &mut shown, |s| s.contains("Latin America/Caribbean Working Group")), "{shown}");
    let before = shown.matches("Latin America/Caribbean Working Group").count();
    typed(b"\x1b[A\r");
    assert!(
        pty::read_until(&master, &mut shown, |s| s.matches("Latin America/Caribbean Working Group").count() > before),
        "↑ brought back the last line: {shown}"
    );
    // Half a line typed, then SIGTERM: the bot stops without waiting for Enter.
    typed(b"/mee");
    std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(std::time::Instant::now() < deadline, "still waiting for a key after SIGTERM: {shown}");
        let _ = pty::read_until(&master, &mut shown, |_| false);
    };
    assert!(status.success(), "{status:?}");
    assert!(!shown.contains("^[[A"), "no raw escape codes: {shown}");
}

#[test]
fn the_deployments_reminder_channels_get_every_reminder_and_a_wrong_one_is_named() {
    let db = format!("sqlite://{}", tempfile::tempdir().unwrap().keep().join("r.db").display());
    run(convoca().env("DATABASE_URL", &db).args(["ask", "/mission"]));
    let with = |cmd: &mut Command| {
        cmd.env("DATABASE_URL", &db).env("CONVOCA_REMINDER_CHANNELS", "discord:700000000000000001");
    };
    let mut listing = convoca();
    with(&mut listing);
    let (_, listed, _) = run(listing.arg("reminders"));
    assert!(listed.contains("discord:700000000000000001") && !listed.contains("(none)"), "{listed}");
    let mut doctor = convoca();
    with(&mut doctor);
    let (_, out, _) = run(doctor.arg("doctor"));
    assert!(out.contains("✓ reminders monthly: posted in 1 channel(s)"), "{out}");
    let (code, out, err) =
        run(convoca().env("DATABASE_URL", &db).env("CONVOCA_REMINDER_CHANNELS", "#general").arg("doctor"));
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("✗ settings: CONVOCA_REMINDER_CHANNELS: `#general` is not a channel"), "{out}");
}

#[test]
fn setup_makes_the_env_file_it_is_named_and_refuses_what_run_would_refuse() {
    let dir = tempfile::tempdir().unwrap();
    let env = dir.path().join("new.env");
    let setup = |extra: &[&str]| {
        let mut cmd = convoca();
        cmd.arg("--env-file").arg(&env).args(["setup", "--no-input", "--platforms", "discord"]);
        cmd.args(["--discord-token", "x", "--discord-api-base", "http://127.0.0.1:1"]).args(extra);
        run(&mut cmd)
    };
    let (code, _, err) = setup(&[]);
    assert_eq!(code, 2, "{err}");
    assert!(!err.contains("cannot read the env file"), "a file setup is to make need not exist: {err}");
    assert!(err.contains("! Discord's API is reached at http://127.0.0.1:1"), "{err}");
    assert!(!env.exists(), "nothing written when a check fails");
    // Without a terminal, a public address run would refuse is refused before anything else.
    let (code, _, err) = run(convoca().arg("--env-file").arg(&env).args([
        "setup",
        "--no-input",
        "--platforms",
        "matrix",
        "--public-url",
        "bot.example.org",
        "--matrix-homeserver",
        "http://127.0.0.1:1",
    ]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--public-url `bot.example.org` is not an http:// or https:// address"), "{err}");
}

#[test]
fn email_settings_that_cannot_work_stop_the_bot_before_it_makes_anything() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mail.db");
    let (code, _, err) = run(convoca()
        .env("DATABASE_URL", format!("sqlite://{}", db.display()))
        .env("CONVOCA_SMTP_HOST", "localhost")
        .env("CONVOCA_SMTP_FROM", "LA/CWG convoca@example.org")
        .arg("run")
        .stdin(std::process::Stdio::null()));
    assert_eq!(code, 2, "a settings error, which systemd does not restart in a loop: {err}");
    assert!(err.contains("CONVOCA_SMTP_FROM") && err.contains("Name <address@example.org>"), "{err}");
    assert!(!db.exists(), "no database made for a bot that cannot start");
    // A certificate authority file that cannot be read stops it for good too.
    let (code, _, err) = run(convoca()
        .env("CONVOCA_SMTP_HOST", "localhost")
        .env("CONVOCA_SMTP_FROM", "convoca@example.org")
        .env("CONVOCA_SMTP_CA_FILE", dir.path().join("no-such-ca.pem"))
        .arg("run")
        .stdin(std::process::Stdio::null()));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("CONVOCA_SMTP_CA_FILE"), "{err}");
    // A value of the wrong kind names the variable and one that is accepted.
    let (code, _, err) =
        run(convoca().env("CONVOCA_SMTP_SECURITY", "ssl").arg("run").stdin(std::process::Stdio::null()));
    assert_ne!(code, 0);
    assert!(err.contains("CONVOCA_SMTP_SECURITY") && err.contains("starttls"), "{err}");
}

#[test]
fn in_the_terminal_an_organizer_command_says_how_to_run_as_one() {
    let (code, out, err) = run(convoca().args(["ask", "/cancel 2026-12-07"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("--organizer") && !out.contains("organizer role"), "{out}");
}

#[test]
fn doctor_says_when_lists_are_named_but_email_is_off_and_when_a_language_names_no_channel() {
    let db = format!("sqlite://{}", tempfile::tempdir().unwrap().keep().join("m.db").display());
    let content = copy_of_shipped();
    let group = content.path().join("group.toml");
    let text = std::fs::read_to_string(&group).unwrap();
    std::fs::write(&group, format!("{text}\n[channel_languages]\n\"mail:lista-inf@example.org\" = \"es\"\n")).unwrap();
    let doctor = || {
        let mut cmd = convoca();
        cmd.env("DATABASE_URL", &db)
            .env("CONVOCA_CONTENT", content.path())
            .env("CONVOCA_REMINDER_CHANNELS", "mail:Lista-Info@example.org");
        cmd
    };
    run(doctor().args(["ask", "/mission"]));
    let (code, out, _) = run(doctor().arg("doctor"));
    assert!(out.contains("✗ email: reminders go to lista-info@example.org but email is off"), "{out}");
    assert!(out.contains("! channel languages: `mail:lista-inf@example.org` is given es"), "{out}");
    assert!(out.contains("✓ reminders monthly: posted in 1 channel(s)"), "the list once: {out}");
    assert_eq!(code, 1, "{out}");
}

/// `ask` (or the bot) started in a folder with no `commands/` says where it looked and makes
/// no database there: a command run from the wrong folder leaves nothing behind.
#[test]
fn no_content_folder_means_no_new_database() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = convoca();
    cmd.env_remove("DATABASE_URL").current_dir(dir.path()).args(["ask", "/mission"]);
    let (code, _out, err) = run(&mut cmd);
    assert_ne!(code, 0);
    assert!(err.contains("commands"), "says where it looked: {err}");
    assert!(!dir.path().join("convoca.db").exists(), "no database left behind: {err}");
    assert!(!err.contains("made a new, empty database"), "{err}");
}
