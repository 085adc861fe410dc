//! `convoca run` and `convoca console`.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::watch;

use crate::config::{AskAs, Global, RunArgs};
use crate::console::render;
use crate::discord::verify::InteractionVerifier;
use crate::discord::{Bot, DiscordSender, Gateway};
use crate::engine::Engine;
use crate::http::AppState;
use crate::matrix::Matrix;
use crate::reminders::{ConsoleSender, Senders, SystemClock};
use crate::service::{Service, Signals};

/// Runs the bot: the reminder scheduler, the content watcher, and the console when standard
/// input is a terminal. With no chat platform configured it says why each is off; reminders
/// for `console:` channels are printed. Stops on SIGTERM, Ctrl-C, or `/quit` in the console.
pub async fn run(global: &Global, args: RunArgs) -> ExitCode {
    if let Err(why) = args.validate() {
        eprintln!("convoca: {why}");
        return ExitCode::from(2);
    }
    let mut signals = Signals::listen();
    let settings = crate::engine::Settings { public_url: args.http.public_url.clone() };
    let engine = match super::open_engine_with(global, settings).await {
        Ok(e) => e,
        Err(code) => return code,
    };
    let mut senders = Senders::new().with("console", Arc::new(ConsoleSender));
    let mut status = Vec::new();

    let gateway = match &args.discord.token {
        None => {
            status.push("Discord: off (DISCORD_TOKEN is not set)".to_string());
            None
        }
        Some(_) => match Gateway::start(&args.discord, engine.clone()).await {
            Ok(g) => {
                let homes: Vec<String> = args.discord.homes().iter().map(u64::to_string).collect();
                status.push(format!("Discord: connecting (home server {})", homes.join(", ")));
                senders = senders.with("discord", Arc::new(DiscordSender::new(Arc::clone(&g.http))));
                Some(g)
            }
            Err(e) => {
                eprintln!("convoca: {e}");
                return ExitCode::FAILURE;
            }
        },
    };
    let matrix = if args.matrix.homeserver.is_none() {
        status.push("Matrix: off (MATRIX_HOMESERVER is not set)".to_string());
        None
    } else if !args.matrix.is_configured() {
        status.push("Matrix: off (set MATRIX_USER and MATRIX_PASSWORD, or MATRIX_ACCESS_TOKEN)".to_string());
        None
    } else {
        match Matrix::start(&args.matrix, engine.clone()).await {
            Ok(m) => {
                status.push(format!(
                    "Matrix: connected as {}",
                    m.client.user_id().map(|u| u.to_string()).unwrap_or_default()
                ));
                senders = senders.with("matrix", Arc::new(m.sender()));
                Some(m)
            }
            Err(e) => {
                eprintln!("convoca: {e:#}");
                return ExitCode::FAILURE;
            }
        }
    };

    // Organizer records made from places that are not home today (or before homes were
    // declared): listed so whoever runs the bot can look at them and undo what is not theirs.
    let mut homes: Vec<String> = ["console", "discord:dm", "matrix:dm"].map(String::from).to_vec();
    if gateway.is_some() || args.discord.public_key.is_some() {
        homes.extend(args.discord.homes().iter().map(|g| format!("discord:{g}")));
    }
    if let Some(m) = &matrix {
        homes.extend(m.homes.iter().map(|r| format!("matrix:{r}")));
    }
    match engine.store().leftovers(&homes).await {
        Ok(found) => {
            for l in &found {
                tracing::warn!(kind = l.kind, what = %l.what, origin = %l.origin, "made outside the group's home: check it (undo it with an organizer command if it is not the group's)");
            }
        }
        Err(e) => tracing::warn!(error = %e, "cannot list records made outside the home"),
    }

    let service = Service::start(&engine, senders, Arc::new(SystemClock));

    // The HTTP server, with Discord's interactions endpoint when a public key is set.
    let mut http_task = None;
    if let Some(bind) = args.http.bind {
        let discord = match &args.discord.public_key {
            None => None,
            Some(key) => match InteractionVerifier::new(key) {
                Ok(v) => {
                    let bot = match &gateway {
                        Some(g) => Arc::clone(&g.bot),
                        // HTTP-only: follow-ups need no token, only the interaction's own.
                        None => Arc::new(Bot::new(
                            engine.clone(),
                            Arc::new(crate::discord::http_client(&args.discord, "")),
                            args.discord.organizer_role.clone(),
                            crate::discord::home_guilds(&args.discord),
                        )),
                    };
                    Some((bot, Arc::new(v)))
                }
                Err(e) => {
                    eprintln!("convoca: {e}");
                    return ExitCode::FAILURE;
                }
            },
        };
        let platforms = crate::http::Platforms {
            discord: gateway.as_ref().map(|g| Arc::clone(&g.state)),
            matrix: matrix.as_ref().map(|m| Arc::clone(&m.state)),
        };
        let state = AppState { engine: engine.clone(), discord, platforms };
        match crate::http::serve(bind, state, service.stopping()).await {
            Ok((addr, task)) => {
                status.push(format!("HTTP: listening on {addr}"));
                http_task = Some(task);
            }
            Err(e) => {
                eprintln!("convoca: cannot listen on {bind}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    for line in status {
        eprintln!("{line}");
    }
    eprintln!("convoca: ready");

    let interactive = std::io::stdin().is_terminal();
    if interactive {
        console(&engine, &args.who, service.stopping(), &mut signals).await;
    } else {
        tracing::info!("standard input is not a terminal: serving until SIGTERM");
        signals.recv().await;
    }
    tracing::info!("stopping");
    service.stop().await;
    if let Some(task) = http_task {
        let _ = task.await;
    }
    if let Some(g) = gateway {
        g.stop().await;
    }
    if let Some(m) = matrix {
        m.stop().await;
    }
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
