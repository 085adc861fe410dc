//! `convoca run` and `convoca console`.

use std::io::IsTerminal;
use std::process::ExitCode;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::watch;

use crate::config::{AskAs, ConsoleArgs, Global, RunArgs};
use crate::console::render;
use crate::service::{Running, Signals};

/// Runs the bot: the reminder scheduler, the content watcher, and the console when standard
/// input is a terminal. With no chat platform configured it says why each is off; reminders
/// for `console:` channels are printed. Stops on SIGTERM, Ctrl-C, or `/quit` in the console.
pub async fn run(global: &Global, args: RunArgs) -> ExitCode {
    if let Err(why) = args.validate_declared(super::declared_homes(global)) {
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
        reminder_channels: args.reminders.read().unwrap_or_default(),
        ..Default::default()
    };
    let org = match super::open_org_with(global, settings).await {
        Ok(o) => o,
        Err(code) => return code,
    };
    let group = match super::chosen_group(global, &org) {
        Ok(g) => g,
        Err(code) => return code,
    };
    if let Some(why) = super::unmoved(&org).await {
        // Answering without them would tell members their sign-ups are gone.
        super::say(global, &why);
        return ExitCode::from(2);
    }
    // Held until the bot stops: `migrate` refuses to copy a database a bot still writes.
    let _mark = org.any().store().mark_running();
    let running = match Running::start(&args, &org).await {
        Ok(r) => r,
        Err(e) => {
            super::say(global, &format!("convoca: {e}"));
            // A setting that cannot work stops for good (systemd does not restart on 2); a
            // platform or port that may come back is worth another start.
            let settings = matches!(e, crate::service::StartError::Email(_) | crate::service::StartError::PublicKey(_));
            return if settings { ExitCode::from(2) } else { ExitCode::FAILURE };
        }
    };
    for line in &running.status {
        super::say(global, line);
    }
    super::say(global, "convoca: ready");

    let interactive = std::io::stdin().is_terminal();
    if interactive {
        let terminal = super::Terminal { org: org.clone(), group };
        console(&terminal, &args.who, running.stopping(), &mut signals).await;
    } else {
        tracing::info!("standard input is not a terminal: serving until SIGTERM");
        signals.recv().await;
    }
    tracing::info!("stopping");
    running.stop().await;
    org.any().store().close().await;
    ExitCode::SUCCESS
}

/// The interactive console without chat platforms (reads standard input even when it is a
/// pipe), with the scheduler, content watcher and retention running as in `run`: reminders
/// for `console:` channels and offers of freed places are printed as they come.
pub async fn console_only(global: &Global, args: ConsoleArgs) -> ExitCode {
    let settings = crate::engine::Settings { public_url: args.public_url.clone(), ..Default::default() };
    let org = match super::open_org_with(global, settings).await {
        Ok(o) => o,
        Err(code) => return code,
    };
    let group = match super::chosen_group(global, &org) {
        Ok(g) => g,
        Err(code) => return code,
    };
    // The scheduler and retention write: `migrate` must see this as a running bot.
    let _mark = org.any().store().mark_running();
    let supervisor = crate::supervisor::Tasks::new();
    let senders = crate::reminders::Senders::new()
        .with(&crate::console::ABILITIES, std::sync::Arc::new(crate::console::ConsoleSender));
    let service =
        crate::service::Service::start(&org, senders, std::sync::Arc::new(crate::reminders::SystemClock), &supervisor);
    let mut signals = Signals::listen();
    let terminal = super::Terminal { org: org.clone(), group };
    console(&terminal, &args.who, service.stopping(), &mut signals).await;
    service.stop().await;
    org.any().store().close().await;
    ExitCode::SUCCESS
}

/// Reads questions line by line until `/quit`, end of input, or a signal: on a terminal with
/// line editing and history (everything else printed above the prompt), from a pipe line by
/// line.
async fn console(bot: &super::Terminal, who: &AskAs, mut stopping: watch::Receiver<bool>, signals: &mut Signals) {
    let mut terminal = if std::io::stdin().is_terminal() { crate::console::Terminal::open() } else { None };
    if terminal.is_some() {
        eprintln!("convoca console — type /help, or /quit to leave (↑ for earlier lines).");
    }
    let mut piped = BufReader::new(tokio::io::stdin()).lines();
    loop {
        let next = async {
            match terminal.as_mut() {
                Some(t) => Ok(t.next_line().await),
                None => piped.next_line().await,
            }
        };
        let line = tokio::select! {
            line = next => line,
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
        let reply = bot.answer(who, text).await;
        crate::console::say(&format!("{}\n", render(&reply)));
    }
    // Dropping the terminal puts its settings back, even mid-line.
    drop(terminal);
}
