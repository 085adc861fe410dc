//! `convoca run` and `convoca console`.

use std::io::IsTerminal;
use std::process::ExitCode;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::watch;

use crate::config::{AskAs, Global, RunArgs};
use crate::console::render;
use crate::engine::Engine;
use crate::service::{Running, Signals};

/// Runs the bot: the reminder scheduler, the content watcher, and the console when standard
/// input is a terminal. With no chat platform configured it says why each is off; reminders
/// for `console:` channels are printed. Stops on SIGTERM, Ctrl-C, or `/quit` in the console.
pub async fn run(global: &Global, args: RunArgs) -> ExitCode {
    if let Err(why) = args.validate() {
        super::say(global, &format!("convoca: {why}"));
        return ExitCode::from(2);
    }
    let mut signals = Signals::listen();
    let settings = crate::engine::Settings {
        public_url: args.http.public_url.clone(),
        flood: crate::engine::FloodLimit {
            burst: args.command_burst,
            every: std::time::Duration::from_secs(args.command_every.max(1)),
        },
        ..Default::default()
    };
    let engine = match super::open_engine_with(global, settings).await {
        Ok(e) => e,
        Err(code) => return code,
    };
    // Held until the bot stops: `migrate` refuses to copy a database a bot still writes.
    let _mark = engine.store().mark_running();
    let running = match Running::start(&args, &engine).await {
        Ok(r) => r,
        Err(e) => {
            super::say(global, &format!("convoca: {e}"));
            return ExitCode::FAILURE;
        }
    };
    for line in &running.status {
        super::say(global, line);
    }
    super::say(global, "convoca: ready");

    let interactive = std::io::stdin().is_terminal();
    if interactive {
        console(&engine, &args.who, running.stopping(), &mut signals).await;
    } else {
        tracing::info!("standard input is not a terminal: serving until SIGTERM");
        signals.recv().await;
    }
    tracing::info!("stopping");
    running.stop().await;
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
    let mut signals = Signals::listen();
    console(&engine, &who, stopping, &mut signals).await;
    engine.store().close().await;
    ExitCode::SUCCESS
}

/// Reads questions line by line until `/quit`, end of input, or a signal.
async fn console(engine: &Engine, who: &AskAs, mut stopping: watch::Receiver<bool>, signals: &mut Signals) {
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
            _ = signals.recv() => break,
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
