//! `convoca run` and `convoca console`.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::watch;

use crate::config::{AskAs, Global, RunArgs};
use crate::console::render;
use crate::engine::Engine;
use crate::reminders::{ConsoleSender, Senders, SystemClock};
use crate::service::{Service, signal};

/// Runs the bot: the reminder scheduler, the content watcher, and the console when standard
/// input is a terminal. With no chat platform configured it says why each is off; reminders
/// for `console:` channels are printed. Stops on SIGTERM, Ctrl-C, or `/quit` in the console.
pub async fn run(global: &Global, args: RunArgs) -> ExitCode {
    let engine = match super::open_engine(global).await {
        Ok(e) => e,
        Err(code) => return code,
    };
    for line in platform_status(&args) {
        eprintln!("{line}");
    }
    let senders = Senders::new().with("console", Arc::new(ConsoleSender));
    let service = Service::start(&engine, senders, Arc::new(SystemClock));
    let interactive = std::io::stdin().is_terminal();
    if interactive {
        console(&engine, &args.who, service.stopping()).await;
    } else {
        tracing::info!("standard input is not a terminal: serving until SIGTERM");
        signal().await;
    }
    tracing::info!("stopping");
    service.stop().await;
    engine.store().close().await;
    ExitCode::SUCCESS
}

/// The interactive console alone (reads standard input even when it is a pipe).
pub async fn console_only(global: &Global, who: AskAs) -> ExitCode {
    let engine = match super::open_engine(global).await {
        Ok(e) => e,
        Err(code) => return code,
    };
    let (_keep, stopping) = watch::channel(false);
    console(&engine, &who, stopping).await;
    engine.store().close().await;
    ExitCode::SUCCESS
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

/// Reads questions line by line until `/quit`, end of input, or a signal.
async fn console(engine: &Engine, who: &AskAs, mut stopping: watch::Receiver<bool>) {
    let interactive = std::io::stdin().is_terminal();
    if interactive {
        eprintln!("convoca console — type /help, or /quit to leave.");
    }
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    loop {
        if interactive {
            eprint!("> ");
        }
        let line = tokio::select! {
            line = lines.next_line() => line,
            _ = signal() => break,
            _ = stopping.wait_for(|s| *s) => break,
        };
        let line = match line {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(e) => {
                eprintln!("convoca: cannot read the terminal: {e}");
                break;
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
}
