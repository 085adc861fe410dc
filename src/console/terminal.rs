//! The console on a terminal: line editing and history (arrow keys, Ctrl-A/E, Ctrl-R), and
//! everything else the bot writes while a line is being typed (log lines, reminders,
//! answers) printed above the prompt instead of through it.
//!
//! The line editor owns the terminal from a thread of its own; the bot reads finished lines
//! from a channel. When the bot stops on a signal while a line is half typed, the terminal's
//! settings are put back as they were and the thread is left behind: the process exits
//! without waiting for a key.

use std::io::Write;
use std::sync::{Mutex, OnceLock};

use rustyline::ExternalPrinter;
use rustyline::error::ReadlineError;
use tokio::sync::mpsc;

/// Where output goes while the line editor holds the terminal.
static ABOVE_PROMPT: OnceLock<Mutex<Box<dyn ExternalPrinter + Send>>> = OnceLock::new();

/// Prints `text` (and a new line) for the person at the terminal, `**strong**` words bold or
/// plain: above the prompt while the line editor runs, else on standard output. A closed
/// pipe ends nothing.
pub fn say(text: &str) {
    let text = &super::render::emphasis(text, super::render::bold_here());
    if let Some(printer) = ABOVE_PROMPT.get() {
        let mut printer = printer.lock().unwrap_or_else(|p| p.into_inner());
        if printer.print(format!("{text}\n")).is_ok() {
            return;
        }
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}");
}

/// A `tracing` writer: log lines go above the prompt while the line editor runs, else to
/// standard error.
#[derive(Clone, Copy, Debug, Default)]
pub struct LogWriter;

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogWriter {
    type Writer = LogLine;

    fn make_writer(&'a self) -> LogLine {
        LogLine(Vec::new())
    }
}

/// One log line being written.
pub struct LogLine(Vec<u8>);

impl Write for LogLine {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for LogLine {
    fn drop(&mut self) {
        if self.0.is_empty() {
            return;
        }
        if let Some(printer) = ABOVE_PROMPT.get() {
            let text = String::from_utf8_lossy(&self.0).into_owned();
            let mut printer = printer.lock().unwrap_or_else(|p| p.into_inner());
            if printer.print(text).is_ok() {
                return;
            }
        }
        let _ = std::io::stderr().lock().write_all(&self.0);
    }
}

/// The terminal while the console reads from it.
pub struct Terminal {
    lines: mpsc::Receiver<String>,
    saved: Option<libc::termios>,
}

impl Terminal {
    /// Starts the line editor on standard input (a terminal). `None` when it cannot.
    pub fn open() -> Option<Terminal> {
        let saved = saved_settings();
        let (tx, rx) = mpsc::channel(1);
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new().name("console".into()).spawn(move || {
            let mut editor = match rustyline::DefaultEditor::new() {
                Ok(e) => e,
                Err(_) => {
                    let _ = ready_tx.send(false);
                    return;
                }
            };
            if let Ok(printer) = editor.create_external_printer() {
                let _ = ABOVE_PROMPT.set(Mutex::new(Box::new(printer)));
            }
            let _ = ready_tx.send(true);
            loop {
                match editor.readline("> ") {
                    Ok(line) => {
                        if !line.trim().is_empty() {
                            let _ = editor.add_history_entry(line.as_str());
                        }
                        if tx.blocking_send(line).is_err() {
                            return;
                        }
                    }
                    // Ctrl-C, Ctrl-D, or the terminal gone: the console ends.
                    Err(ReadlineError::Interrupted | ReadlineError::Eof) | Err(_) => return,
                }
            }
        });
        if spawned.is_err() || ready_rx.recv() != Ok(true) {
            return None;
        }
        Some(Terminal { lines: rx, saved })
    }

    /// The next line typed; `None` once the person left (Ctrl-C, Ctrl-D).
    pub async fn next_line(&mut self) -> Option<String> {
        self.lines.recv().await
    }
}

impl Drop for Terminal {
    /// Puts the terminal back as it was: the editor may be mid-line in raw mode.
    fn drop(&mut self) {
        if let Some(saved) = &self.saved {
            // SAFETY: tcsetattr reads the termios we saved from the same descriptor.
            unsafe {
                libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, saved);
            }
        }
        let _ = std::io::stderr().write_all(b"\n");
    }
}

/// The terminal's settings before the editor changes them.
fn saved_settings() -> Option<libc::termios> {
    // SAFETY: tcgetattr writes a termios for the descriptor; zeroed is a valid start value.
    unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        (libc::tcgetattr(libc::STDIN_FILENO, &mut t) == 0).then_some(t)
    }
}
