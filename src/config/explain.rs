//! The environment variables behind the flags: the list the env file is checked against, and
//! a refused value said in the variable's terms rather than the flag's.

use super::Cli;

/// Every environment variable the binary reads, from the flags' declarations (and
/// `RUST_LOG`, read by the log filter): what the env file is checked against.
pub fn env_names() -> Vec<String> {
    fn walk(cmd: &clap::Command, out: &mut Vec<String>) {
        for arg in cmd.get_arguments() {
            if let Some(env) = arg.get_env() {
                out.push(env.to_string_lossy().into_owned());
            }
        }
        for sub in cmd.get_subcommands() {
            walk(sub, out);
        }
    }
    let mut out = vec!["RUST_LOG".to_string()];
    walk(&<Cli as clap::CommandFactory>::command(), &mut out);
    out.sort();
    out.dedup();
    out
}

/// A value the settings refuse, said the organizer's way when it came from an environment
/// variable (the env file): the variable, the value, why, and one that is accepted, instead
/// of a flag they never typed.
pub fn explain(error: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if !matches!(error.kind(), ErrorKind::ValueValidation | ErrorKind::InvalidValue) {
        return None;
    }
    let text = |kind| match error.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::StyledStr(s)) => Some(s.to_string()),
        _ => None,
    };
    let flag = text(ContextKind::InvalidArg)?;
    let long = flag.trim_start_matches("--").split([' ', '=']).next()?.to_string();
    let value = text(ContextKind::InvalidValue).unwrap_or_default();
    let typed = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .any(|a| a == format!("--{long}") || a.starts_with(&format!("--{long}=")));
    if typed {
        return None;
    }
    let env = find_env(&<Cli as clap::CommandFactory>::command(), &long)?;
    let example = EXAMPLES.iter().find(|(name, _)| *name == env).map_or("", |(_, e)| e);
    let why = std::error::Error::source(error).map(|e| format!(" ({e})")).unwrap_or_default();
    let accepted = if example.is_empty() { String::new() } else { format!("; for example {env}={example}") };
    Some(format!("{env}: `{value}` is not accepted{why}{accepted}"))
}

/// The environment variable behind the flag `--long`, in any subcommand.
fn find_env(cmd: &clap::Command, long: &str) -> Option<String> {
    cmd.get_arguments()
        .find(|a| a.get_long() == Some(long))
        .and_then(|a| a.get_env().map(|e| e.to_string_lossy().into_owned()))
        .or_else(|| cmd.get_subcommands().find_map(|sub| find_env(sub, long)))
}

/// An accepted value of each typed variable, for the error that refuses another.
const EXAMPLES: &[(&str, &str)] = &[
    ("CONVOCA_HTTP_BIND", "127.0.0.1:8080"),
    ("CONVOCA_METRICS_BIND", "127.0.0.1:9090"),
    ("CONVOCA_LOG_FORMAT", "text (or json)"),
    ("CONVOCA_COMMAND_BURST", "8"),
    ("CONVOCA_SMTP_SECURITY", "tls (port 465; what \"ssl\" usually means) or starttls (port 587)"),
    ("CONVOCA_SMTP_PORT", "587"),
    ("CONVOCA_COMMAND_EVERY", "3"),
    ("DISCORD_GUILD_ID", "123456789012345678"),
    ("DISCORD_SCHEDULED_EVENTS", "true (or false)"),
    ("MATRIX_ORGANIZER_POWER", "50"),
];
