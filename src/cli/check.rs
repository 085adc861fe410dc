//! `convoca check`: validate the content folder and nothing else.

use std::process::ExitCode;

use crate::config::Global;

/// Prints every error (file:line: what) and exits 1, or a summary and exits 0.
pub fn check(global: &Global) -> ExitCode {
    match crate::content::load(&global.content, chrono::Utc::now()) {
        Ok(c) => {
            println!(
                "{}: ok — {}, {}, {}",
                global.content.display(),
                counted(c.meetings.len(), "meeting"),
                counted(c.campaigns.len(), "campaign"),
                counted(c.briefings.len(), "briefing")
            );
            ExitCode::SUCCESS
        }
        Err(errors) => {
            for e in &errors.0 {
                eprintln!("error: {e}");
            }
            eprintln!("{} in {}", counted(errors.0.len(), "error"), global.content.display());
            ExitCode::from(super::CANNOT_START)
        }
    }
}

/// "1 meeting", "5 campaigns".
fn counted(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}
