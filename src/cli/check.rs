//! `convoca check`: validate the content folder and nothing else.

use std::process::ExitCode;

use crate::config::Global;

/// Prints every error (file:line: what) and exits 1, or a summary and exits 0.
pub fn check(global: &Global) -> ExitCode {
    match crate::content::load(&global.content, chrono::Utc::now()) {
        Ok(c) => {
            println!(
                "{}: ok — {} meeting(s), {} campaign(s), {} briefing(s)",
                global.content.display(),
                c.meetings.len(),
                c.campaigns.len(),
                c.briefings.len()
            );
            ExitCode::SUCCESS
        }
        Err(errors) => {
            for e in &errors.0 {
                eprintln!("error: {e}");
            }
            eprintln!("{} error(s) in {}", errors.0.len(), global.content.display());
            ExitCode::from(super::BAD_CONTENT)
        }
    }
}
