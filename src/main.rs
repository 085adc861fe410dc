//! The `convoca` binary: parse flags, set up logging, hand off to the library.

use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    limit_malloc_arenas();
    // The env file the service uses (or .env here): read before the flags, whose values it
    // holds. A line it cannot read stops here, with the file and line.
    match convoca::config::env_file::load(&convoca::config::env_names()) {
        Ok(loaded) => loaded.warnings.iter().for_each(|line| eprintln!("convoca: warning: {line}")),
        Err(e) => {
            eprintln!("convoca: {e}");
            return ExitCode::from(2);
        }
    }
    let cli = match convoca::config::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => match convoca::config::explain(&e) {
            Some(said) => {
                eprintln!("convoca: {said}");
                return ExitCode::from(2);
            }
            None => e.exit(),
        },
    };
    // A long-running bot logs what it does; one-shot commands keep the terminal for answers.
    let quiet = !matches!(cli.command, None | Some(convoca::config::Cmd::Run(_)));
    let one_shot = quiet && !matches!(cli.command, Some(convoca::config::Cmd::Console(_)));
    if one_shot {
        end_quietly_on_a_closed_pipe();
    }
    let default = cli.global.log.clone().unwrap_or_else(|| if quiet { "warn" } else { "warn,convoca=info" }.into());
    let asked = std::env::var("RUST_LOG").ok().filter(|f| !f.trim().is_empty()).unwrap_or(default);
    let filter = EnvFilter::new(convoca::config::log_filter(&asked));
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(convoca::console::LogWriter);
    match cli.global.log_format {
        convoca::config::LogFormat::Json => logs.json().flatten_event(true).with_current_span(false).init(),
        convoca::config::LogFormat::Text => logs.with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr())).init(),
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("convoca: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(convoca::cli::dispatch(cli))
}

/// glibc gives every thread that allocates its own malloc arena; with the database and
/// Matrix store threads that is a dozen arenas of mostly empty pages for a bot this size.
/// Two are enough and keep resident memory down.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator tunable; called before any thread is started.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// A one-shot command whose output is cut short (`convoca ask /meeting | head -1`) ends as
/// Unix tools do, silently, instead of panicking on the write. Sockets are unaffected (Rust
/// sends with MSG_NOSIGNAL); the long-running bot keeps the signal ignored, since its log
/// goes to a journal that may restart.
fn end_quietly_on_a_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: restores the default disposition of one signal before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
