//! Asking the person who deploys: on a terminal, a question and a line typed back (a secret
//! without echo); without one, no answer, so that every question has a flag instead.

use std::io::{BufRead, IsTerminal, Write};

/// Where answers come from.
pub trait Prompt {
    /// The answer to `question` (`default` when only Enter is pressed); `None` when nobody
    /// can answer.
    fn ask(&mut self, question: &str, default: Option<&str>) -> Option<String>;
    /// A secret, not shown while typed.
    fn secret(&mut self, question: &str) -> Option<String>;
    /// A line for the person.
    fn say(&mut self, line: &str);
    /// Whether anyone answers (a terminal): a check that fails can then be tried again.
    fn interactive(&self) -> bool;
}

/// Questions on the terminal.
pub struct Terminal;

/// No questions: every answer comes from a flag, the environment, or a default the flags
/// imply; a choice among several is never made for the person.
pub struct NoInput;

impl Terminal {
    /// The terminal, when standard input is one.
    pub fn open() -> Option<Terminal> {
        std::io::stdin().is_terminal().then_some(Terminal)
    }

    fn read_line() -> Option<String> {
        let mut line = String::new();
        match std::io::stdin().lock().read_line(&mut line) {
            Ok(0) | Err(_) => None,
            Ok(_) => Some(line.trim().to_string()),
        }
    }
}

impl Prompt for Terminal {
    fn ask(&mut self, question: &str, default: Option<&str>) -> Option<String> {
        match default.filter(|d| !d.is_empty()) {
            Some(d) => eprint!("{question} [{d}]: "),
            None => eprint!("{question}: "),
        }
        let _ = std::io::stderr().flush();
        let line = Terminal::read_line()?;
        if line.is_empty() { default.map(str::to_string) } else { Some(line) }
    }

    fn secret(&mut self, question: &str) -> Option<String> {
        // Echo off before the question shows: what is typed as soon as it appears is hidden.
        let restore = echo_off();
        eprint!("{question} (not shown): ");
        let _ = std::io::stderr().flush();
        let line = Terminal::read_line();
        if let Some(saved) = restore {
            // SAFETY: puts back the settings read from the same descriptor, and Ctrl-C's usual end.
            unsafe {
                libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &saved);
                libc::signal(libc::SIGINT, libc::SIG_DFL);
            }
        }
        eprintln!();
        line.filter(|l| !l.is_empty())
    }

    fn say(&mut self, line: &str) {
        eprintln!("{line}");
    }

    fn interactive(&self) -> bool {
        true
    }
}

impl Prompt for NoInput {
    /// The default, when the question has one: what the flags imply.
    fn ask(&mut self, _: &str, default: Option<&str>) -> Option<String> {
        default.filter(|d| !d.is_empty()).map(str::to_string)
    }

    fn secret(&mut self, _: &str) -> Option<String> {
        None
    }

    fn say(&mut self, line: &str) {
        eprintln!("{line}");
    }

    fn interactive(&self) -> bool {
        false
    }
}

/// The terminal's settings before echo was turned off, for a Ctrl-C in the middle.
static BEFORE_SECRET: std::sync::OnceLock<libc::termios> = std::sync::OnceLock::new();

/// On Ctrl-C while a secret is typed: the terminal's echo back, then the usual end.
extern "C" fn interrupted(signal: libc::c_int) {
    // SAFETY: tcsetattr, signal and raise are async-signal-safe; the termios was set before
    // this handler was installed and is never changed after.
    unsafe {
        if let Some(saved) = BEFORE_SECRET.get() {
            libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, saved);
        }
        libc::signal(signal, libc::SIG_DFL);
        libc::raise(signal);
    }
}

/// Turns the terminal's echo off (a Ctrl-C meanwhile puts it back); the settings before, to
/// put back.
fn echo_off() -> Option<libc::termios> {
    // SAFETY: tcgetattr/tcsetattr on standard input with a termios we own; the handler only
    // reads what is stored before it is installed.
    unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        if libc::tcgetattr(libc::STDIN_FILENO, &mut t) != 0 {
            return None;
        }
        let saved = t;
        let _ = BEFORE_SECRET.set(saved);
        libc::signal(libc::SIGINT, interrupted as *const () as libc::sighandler_t);
        t.c_lflag &= !libc::ECHO;
        libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &t);
        Some(saved)
    }
}
