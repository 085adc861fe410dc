//! `convoca doctor`: checks everything configured and prints one line per check.

use std::process::ExitCode;

use crate::config::{Global, RunArgs};

/// Prints `✓`, `!` (a warning) or `✗` (with the fix) per check; exits 1 when any failed.
pub async fn doctor(global: &Global, args: RunArgs) -> ExitCode {
    let lines = crate::doctor::run(global, &args, &crate::config::env_file::loaded()).await;
    for line in &lines {
        println!("{}", line.render());
    }
    let failed = lines.iter().filter(|l| l.failed()).count();
    if failed == 0 {
        println!("all checks passed");
        ExitCode::SUCCESS
    } else {
        println!("{failed} check(s) failed");
        ExitCode::FAILURE
    }
}
