//! A real SMTP submission server on 127.0.0.1 for the email tests: `tests/smtp_server.py`
//! (aiosmtpd) in a process of its own. As a mail provider's submission port does, it wants
//! STARTTLS (under a throwaway CA the client is told to trust) before AUTH, and AUTH before
//! MAIL; each message it accepts is left as a file that the test reads back. Its modes fail
//! the ways a provider can. `scripts/test` installs it into `target/smtp-venv`.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The account the server accepts.
pub const USER: &str = "convoca";
/// Its password.
pub const PASSWORD: &str = "s3cret";

/// How long the server may take to say its port: Python's start and a key pair, with room for
/// a machine busy compiling. Past that the test fails with the server's log instead of hanging.
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// The Python of the SMTP server's virtualenv, if installed.
pub fn python() -> Option<PathBuf> {
    let venv = std::env::var_os("CONVOCA_SMTP_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/smtp-venv"));
    let python = venv.join("bin/python");
    python.exists().then_some(python)
}

/// How the server behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// STARTTLS, then AUTH, then the message, answered with 250.
    Normal,
    /// Saves the message, then resets the connection instead of answering the end of DATA:
    /// the client cannot know whether the message was accepted.
    DropAfterData,
    /// Every AUTH gets `535 5.7.8 Authentication credentials invalid`.
    RefuseAuth,
    /// No STARTTLS offered, AUTH allowed in clear: a client must not send its password here.
    NoTls,
}

impl Mode {
    fn arg(self) -> &'static str {
        match self {
            Mode::Normal => "normal",
            Mode::DropAfterData => "drop_after_data",
            Mode::RefuseAuth => "refuse_auth",
            Mode::NoTls => "no_tls",
        }
    }
}

/// A running server. Killed when dropped.
pub struct Smtp {
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// Its CA (`ca.pem`), the messages (`msg-<seq>.json`), its logs (`connections.log`,
    /// `auth.log`) and its own stderr (`server.log`).
    pub dir: tempfile::TempDir,
    child: Child,
}

impl Smtp {
    /// Starts a fresh server, or returns `None` (with a notice) when it is not installed.
    /// Under `CONVOCA_REQUIRE_SMTP=1` (CI) a missing server fails the test.
    pub fn start(mode: Mode) -> Option<Smtp> {
        let Some(python) = python() else {
            if std::env::var("CONVOCA_REQUIRE_SMTP").as_deref() == Ok("1") {
                panic!("CONVOCA_REQUIRE_SMTP=1 but the SMTP server is not installed: run scripts/test");
            }
            eprintln!(
                "notice: the SMTP server is not installed (target/smtp-venv); skipping this email test (scripts/test installs it)"
            );
            return None;
        };
        let dir = tempfile::tempdir().expect("tempdir");
        let log = std::fs::File::create(dir.path().join("server.log")).expect("server log");
        let mut child = Command::new(&python)
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp_server.py"))
            .arg("--dir")
            .arg(dir.path())
            .args(["--mode", mode.arg(), "--user", USER, "--password", PASSWORD, "--stop-on-stdin-eof"])
            // The write end stays in this process: when a test binary dies before Drop runs,
            // the pipe closes and the server exits instead of lingering.
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("start tests/smtp_server.py");
        // The first line is read on a thread, so the wait for it has a deadline.
        let stdout = child.stdout.take().expect("server stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut out = BufReader::new(stdout);
            let mut line = String::new();
            let _ = out.read_line(&mut line);
            let _ = tx.send(line);
            // Drained until the server exits, so it never writes into a closed pipe.
            let _ = std::io::copy(&mut out, &mut std::io::sink());
        });
        let first = rx.recv_timeout(START_TIMEOUT);
        let port = first.as_deref().ok().and_then(|l| l.trim_end().strip_prefix("PORT ")?.parse::<u16>().ok());
        let Some(port) = port else {
            let _ = child.kill();
            let _ = child.wait();
            let why = match first {
                Ok(line) if line.is_empty() => "it exited before saying its port".to_string(),
                Ok(line) => format!("it said {line:?} instead of its port"),
                Err(_) => format!("no PORT line within {START_TIMEOUT:?}"),
            };
            panic!(
                "the SMTP server did not start: {why}; its log:\n{}",
                std::fs::read_to_string(dir.path().join("server.log")).unwrap_or_default()
            );
        };
        Some(Smtp { port, dir, child })
    }

    /// The throwaway CA that signed the server's certificate (for `localhost` and 127.0.0.1).
    /// Absent in [`Mode::NoTls`].
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// `smtp://convoca:s3cret@127.0.0.1:PORT`: where and as whom; STARTTLS is the client's to
    /// ask for.
    pub fn url(&self) -> String {
        format!("smtp://{USER}:{PASSWORD}@127.0.0.1:{}", self.port)
    }

    /// The messages accepted so far, in the order they came. Each is on disk before the server
    /// answers its DATA, so after a client's send returns they are all here.
    pub fn messages(&self) -> Vec<Received> {
        let mut files: Vec<(u64, PathBuf)> = std::fs::read_dir(self.dir.path())
            .expect("read the SMTP server's folder")
            .filter_map(|entry| {
                let entry = entry.ok()?;
                let name = entry.file_name().into_string().ok()?;
                let seq = name.strip_prefix("msg-")?.strip_suffix(".json")?.parse().ok()?;
                Some((seq, entry.path()))
            })
            .collect();
        files.sort();
        files
            .into_iter()
            .map(|(_, path)| {
                let text = std::fs::read_to_string(&path).expect("read a saved message");
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            })
            .collect()
    }

    /// How many times a client sent credentials (accepted or not). An AUTH refused before any
    /// credentials (no TLS yet, say) is not counted.
    pub fn auth_attempts(&self) -> usize {
        self.log_lines("auth.log").len()
    }

    /// The credentials checks, one line each: `ok|fail MECHANISM USER tls|clear`.
    pub fn auth_log(&self) -> Vec<String> {
        self.log_lines("auth.log")
    }

    /// How many TCP connections clients opened (a STARTTLS upgrade is not a new one).
    pub fn connections(&self) -> usize {
        self.log_lines("connections.log").len()
    }

    /// The server's own log (aiosmtpd's, each command it saw), for a failing test to show.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    fn log_lines(&self, name: &str) -> Vec<String> {
        std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default().lines().map(str::to_string).collect()
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One message as the server received it.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct Received {
    /// The envelope's sender (MAIL FROM).
    pub mail_from: String,
    /// The envelope's recipients (RCPT TO), in order.
    pub rcpt_tos: Vec<String>,
    /// The whole RFC 5322 text as sent (CRLF line ends, encodings as on the wire).
    pub data: String,
    /// The Subject, RFC 2047 words decoded (by Python's MIME parser, in the server).
    #[serde(default)]
    pub subject: Option<String>,
    /// The text/plain body (the only one, or the first in a multipart), transfer encoding
    /// undone, LF line ends.
    #[serde(default)]
    pub text: Option<String>,
    /// The text/html body, likewise.
    #[serde(default)]
    pub html: Option<String>,
}

impl Received {
    /// The first header field of that name (any case), unfolded and trimmed, as on the wire:
    /// encoded words (`=?utf-8?...`) are left as they are; [`Received::subject`] has the
    /// Subject decoded.
    pub fn header(&self, name: &str) -> Option<String> {
        let mut value: Option<String> = None;
        for line in self.data.split('\n') {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.is_empty() {
                break; // the end of the header section
            }
            if line.starts_with([' ', '\t']) {
                // Unfolding removes the line break, keeping the whitespace (RFC 5322 2.2.3).
                if let Some(value) = value.as_mut() {
                    value.push_str(line);
                }
                continue;
            }
            if value.is_some() {
                break;
            }
            if let Some((field, rest)) = line.split_once(':')
                && field.trim_end().eq_ignore_ascii_case(name)
            {
                value = Some(rest.to_string());
            }
        }
        value.map(|value| value.trim().to_string())
    }
}
