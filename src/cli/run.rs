//! `convoca run` and `convoca console`.

use std::io::IsTerminal;
use std::process::ExitCode;

use tokio::io::{AsyncBufReadExt, BufReader};

use crate::config::{AskAs, Global, RunArgs};
use crate::console::render;
use crate::engine::Engine;

/// Runs the bot. With no chat platform configured it says why each is off and starts the
/// console, so anyone can try it in a minute.
pub async fn run(global: &Global, args: RunArgs) -> ExitCode {
    let engine = match super::open_engine(global).await {
        Ok(e) => e,
        Err(code) => return code,
    };
    for line in platform_status(&args) {
        eprintln!("{line}");
    }
    console(&engine, &args.who).await
}

/// The interactive console alone.
pub async fn console_only(global: &Global, who: AskAs) -> ExitCode {
    let engine = match super::open_engine(global).await {
        Ok(e) => e,
        Err(code) => return code,
    };
    console(&engine, &who).await
}

fn platform_status(args: &RunArgs) -> Vec<String> {
    let mut lines = Vec::new();
    if args.discord.token.is_none() {
        lines.push("Discord: off (DISCORD_TOKEN is not set)".to_string());
    } else {
        lines.push("Discord: configured, but this build does not connect to it yet".to_string());
    }
    match (&args.matrix.homeserver, &args.matrix.user) {
        (None, _) => lines.push("Matrix: off (MATRIX_HOMESERVER is not set)".to_string()),
        (Some(_), None) if args.matrix.access_token.is_none() => {
            lines.push("Matrix: off (MATRIX_USER is not set)".to_string())
        }
        _ => lines.push("Matrix: configured, but this build does not connect to it yet".to_string()),
    }
    lines
}

async fn console(engine: &Engine, who: &AskAs) -> ExitCode {
    let interactive = std::io::stdin().is_terminal();
    if interactive {
        eprintln!("convoca console — type /help, or /quit to leave.");
    }
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    loop {
        if interactive {
            eprint!("> ");
        }
        let line = match lines.next_line().await {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(e) => {
                eprintln!("convoca: cannot read the terminal: {e}");
                return ExitCode::FAILURE;
            }
        };
        let text = line.trim();
        if text.is_empty() {
            continue;
        }
        if matches!(text.trim_start_matches(['/', '!']), "quit" | "exit" | "salir") {
            break;
        }
        let req = super::request(engine, who, text);
        let reply = engine.handle(&req).await;
        println!("{}\n", render(&reply));
    }
    engine.store().close().await;
    ExitCode::SUCCESS
}
