//! The built binary: `ask`, `check` and `ics` as a volunteer would run them.

mod common;

use std::process::Command;

use common::*;

fn convoca() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_convoca"));
    cmd.env_remove("DATABASE_URL")
        .env_remove("CONVOCA_CONTENT")
        .env_remove("DISCORD_TOKEN")
        .env_remove("MATRIX_HOMESERVER")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
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
fn run_without_platforms_says_why_and_serves_the_console() {
    let mut child = convoca()
        .arg("run")
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
    assert!(out.status.success());
    assert!(stderr.contains("Discord: off (DISCORD_TOKEN is not set)"), "{stderr}");
    assert!(stderr.contains("Matrix: off (MATRIX_HOMESERVER is not set)"), "{stderr}");
    assert!(stdout.contains("Coyuntura July 2024: Guatemala"), "{stdout}");
}
