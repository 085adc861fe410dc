//! `convoca setup`: the first run, asking on a terminal (or taking every answer from flags).

use std::process::ExitCode;

use crate::config::{Global, SetupArgs};
use crate::setup::{NoInput, Prompt, Terminal};

/// Runs setup; prints what to do next. Exit 2 when an answer is missing or refused.
pub async fn setup(global: &Global, args: SetupArgs) -> ExitCode {
    let mut terminal = if args.no_input { None } else { Terminal::open() };
    let mut none = NoInput;
    let prompt: &mut dyn Prompt = match terminal.as_mut() {
        Some(t) => t,
        None => &mut none,
    };
    let written = tokio::task::block_in_place(|| {
        tokio::runtime::Handle::current().block_on(crate::setup::run(global, &args, prompt))
    });
    match written {
        Ok(w) => {
            println!("\nWritten: {} (readable by its owner only).", w.path.display());
            if let Some(invite) = &w.invite {
                println!("Discord invite link (with the permissions this configuration needs): {invite}");
            }
            match w.reminders.as_slice() {
                [] if !w.chat => println!(
                    "Reminders: no list yet. Run setup again with the list's address (--mail-list action-list@example.org)."
                ),
                [] => println!(
                    "Reminders: no channel yet. In the channel or room where they belong, an organizer sends {}.",
                    crate::setup::remind_here()
                ),
                list => println!("Reminders of every meeting go to: {}", list.join(", ")),
            }
            let service = w.path == std::path::Path::new(crate::config::env_file::SERVICE_ENV_FILE);
            if service {
                println!("Next: systemctl restart convoca (or enable --now), then: convoca doctor");
            } else {
                println!("Next: convoca run (it reads {}), then: convoca doctor", w.path.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("convoca setup: {e}");
            ExitCode::from(2)
        }
    }
}
