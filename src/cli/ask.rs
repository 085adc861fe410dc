//! `convoca ask "TEXT"`: one question, one answer, exit 0.

use std::process::ExitCode;

use crate::config::{AskArgs, Global};
use crate::console::render;

/// Answers one question on standard output. A "no such campaign" answer is still an answer
/// (exit 0); only bad flags (2, from clap) and broken content (1) fail.
pub async fn ask(global: &Global, args: AskArgs) -> ExitCode {
    let engine = match super::open_engine(global).await {
        Ok(e) => e,
        Err(code) => return code,
    };
    let text = args.text.join(" ");
    let req = super::request(&engine, &args.who, &text);
    let reply = engine.handle(&req).await;
    println!("{}", render(&reply));
    engine.store().close().await;
    ExitCode::SUCCESS
}
