//! `convoca ask "TEXT"`: one question, one answer, exit 0.

use std::process::ExitCode;

use crate::config::{AskArgs, Global};
use crate::console::render;

/// Answers one question on standard output. A "no such campaign" answer is still an answer
/// (exit 0); only bad flags (2, from clap) and broken content (1) fail.
pub async fn ask(global: &Global, args: AskArgs) -> ExitCode {
    let settings = crate::engine::Settings { public_url: args.public_url.clone(), ..Default::default() };
    let org = match super::open_org_with(global, settings).await {
        Ok(o) => o,
        Err(code) => return code,
    };
    let group = match super::chosen_group(global, &org) {
        Ok(g) => g,
        Err(code) => return code,
    };
    if let Some(why) = super::unmoved(&org).await {
        eprintln!("{why}");
    }
    let terminal = super::Terminal { org, group };
    let reply = terminal.answer(&args.who, &args.text.join(" ")).await;
    crate::console::say(&render(&reply));
    // What the answer set in motion and is due now (a freed place offered to the next in
    // line) is printed as the bot would send it; with a pretended time (--now) nothing is.
    if let Some(engine) = &terminal.group
        && args.who.now.is_none()
    {
        crate::service::one_pass(engine).await;
    }
    terminal.org.any().store().close().await;
    ExitCode::SUCCESS
}
