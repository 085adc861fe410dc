//! One typed configuration: command-line flags and environment variables (and `.env`), each
//! documented here and mirrored in `.env.example`. Nothing else reads the environment.

use std::fmt;
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, Utc};
use clap::{Args, Parser, Subcommand};

/// convoca: a chat bot for organizing spaces.
#[derive(Parser, Debug)]
#[command(name = "convoca", version, about, long_about = None)]
pub struct Cli {
    /// What to do; `run` when left out.
    #[command(subcommand)]
    pub command: Option<Cmd>,
    /// Settings every subcommand shares.
    #[command(flatten)]
    pub global: Global,
}

/// Settings every subcommand shares.
#[derive(Args, Debug, Clone)]
pub struct Global {
    /// The organizers' content folder.
    #[arg(long, env = "CONVOCA_CONTENT", default_value = "commands", global = true)]
    pub content: PathBuf,
    /// Where to keep sign-ups and calendar changes: `sqlite://FILE` or `postgres://…`.
    /// Default: the file convoca.db in the working folder, created on first use.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<Secret>,
    /// Log filter, e.g. `info`, `convoca=debug` (RUST_LOG overrides it).
    #[arg(long, env = "CONVOCA_LOG", global = true)]
    pub log: Option<String>,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
#[allow(clippy::large_enum_variant)] // parsed once per process
pub enum Cmd {
    /// Run the bot: chat platforms that are configured, and the console on a terminal.
    Run(RunArgs),
    /// Ask questions interactively in the terminal.
    Console(AskAs),
    /// Ask one question and print the answer.
    Ask(AskArgs),
    /// Check the content folder and exit non-zero on any error.
    Check,
    /// Write an iCalendar file of the meetings.
    Ics(IcsArgs),
    /// Write a campaign's roster as CSV (organizers' data: keep it private).
    Export(ExportArgs),
    /// List the reminders planned in a window, with where they go and their state.
    Reminders(RemindersArgs),
}

/// `convoca reminders`.
#[derive(Args, Debug, Clone)]
pub struct RemindersArgs {
    /// Start of the window (RFC 3339); now by default.
    #[arg(long, value_parser = parse_instant)]
    pub from: Option<DateTime<Utc>>,
    /// End of the window (RFC 3339); 60 days after the start by default.
    #[arg(long, value_parser = parse_instant)]
    pub until: Option<DateTime<Utc>>,
}

/// `convoca export`.
#[derive(Args, Debug, Clone)]
pub struct ExportArgs {
    /// The campaign's name, e.g. jilamito.
    pub campaign: String,
    /// Write here instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Settings of `convoca run`.
#[derive(Args, Debug, Clone)]
pub struct RunArgs {
    /// Who the console user is, when the console runs.
    #[command(flatten)]
    pub who: AskAs,
    /// Discord settings.
    #[command(flatten)]
    pub discord: DiscordConfig,
    /// Matrix settings.
    #[command(flatten)]
    pub matrix: MatrixConfig,
    /// HTTP server settings.
    #[command(flatten)]
    pub http: HttpConfig,
}

impl RunArgs {
    /// `run`'s settings from the environment alone: what plain `convoca` uses.
    pub fn from_env() -> Result<RunArgs, clap::Error> {
        use clap::FromArgMatches;
        let matches = RunArgs::augment_args(clap::Command::new("run")).try_get_matches_from(["run"])?;
        RunArgs::from_arg_matches(&matches)
    }
}

/// Who is asking from the terminal.
#[derive(Args, Debug, Clone)]
pub struct AskAs {
    /// The asker's user id (sign-ups are recorded under it).
    #[arg(long, default_value = "console")]
    pub user: String,
    /// The asker's display name.
    #[arg(long, default_value = "Console user")]
    pub name: String,
    /// Ask as an organizer.
    #[arg(long)]
    pub organizer: bool,
    /// Answer in this language (`en`, `es`, `es-419`, …); the group's language by default.
    #[arg(long)]
    pub locale: Option<String>,
    /// Pretend it is this instant (RFC 3339, e.g. 2026-11-28T12:00:00Z).
    #[arg(long, value_parser = parse_instant)]
    pub now: Option<DateTime<Utc>>,
    /// The asker's IANA time zone, to show times in it too.
    #[arg(long, value_parser = parse_zone)]
    pub tz: Option<chrono_tz::Tz>,
}

/// `convoca ask`.
#[derive(Args, Debug, Clone)]
pub struct AskArgs {
    /// Who asks.
    #[command(flatten)]
    pub who: AskAs,
    /// The question, e.g. "/meeting" or "campaign jilamito".
    #[arg(required = true, num_args = 1..)]
    pub text: Vec<String>,
}

/// `convoca ics`.
#[derive(Args, Debug, Clone)]
pub struct IcsArgs {
    /// Only this meeting.
    #[arg(long)]
    pub meeting: Option<String>,
    /// Write here instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Language of titles and descriptions.
    #[arg(long)]
    pub locale: Option<String>,
    /// Build the feed as of this instant (RFC 3339).
    #[arg(long, value_parser = parse_instant)]
    pub now: Option<DateTime<Utc>>,
}

/// Discord settings.
#[derive(Args, Debug, Clone, Default)]
pub struct DiscordConfig {
    /// The bot token from the Discord developer portal. Discord is off without it.
    #[arg(long = "discord-token", env = "DISCORD_TOKEN", hide_env_values = true)]
    pub token: Option<Secret>,
    /// Register commands in this server only (instant; for testing). Global otherwise.
    #[arg(long = "discord-guild-id", env = "DISCORD_GUILD_ID")]
    pub guild_id: Option<u64>,
    /// The role (id or name) that makes a member an organizer, besides Manage Events and
    /// Administrator.
    #[arg(long = "discord-organizer-role", env = "DISCORD_ORGANIZER_ROLE")]
    pub organizer_role: Option<String>,
    /// Send every REST call and gateway discovery here instead of https://discord.com (for
    /// tests and API proxies), e.g. http://127.0.0.1:3000.
    #[arg(long = "discord-api-base", env = "DISCORD_API_BASE")]
    pub api_base: Option<String>,
    /// The application's public key (hex), to accept interactions on the HTTP endpoint
    /// /discord/interactions.
    #[arg(long = "discord-public-key", env = "DISCORD_PUBLIC_KEY")]
    pub public_key: Option<String>,
    /// Keep a Discord scheduled event for each meeting's next occurrence.
    #[arg(long = "discord-scheduled-events", env = "DISCORD_SCHEDULED_EVENTS", default_value_t = false)]
    pub scheduled_events: bool,
}

/// The HTTP server: calendar feed, health, metrics, Discord interactions endpoint.
#[derive(Args, Debug, Clone, Default)]
pub struct HttpConfig {
    /// Address to listen on, e.g. 127.0.0.1:8080. The server is off without it.
    #[arg(long = "http-bind", env = "CONVOCA_HTTP_BIND")]
    pub bind: Option<std::net::SocketAddr>,
    /// The address members reach that server at, e.g. https://bot.example.org, for the
    /// "Add to calendar" links.
    #[arg(long = "public-url", env = "CONVOCA_PUBLIC_URL")]
    pub public_url: Option<String>,
}

/// Matrix settings.
#[derive(Args, Debug, Clone, Default)]
pub struct MatrixConfig {
    /// The homeserver URL, e.g. https://matrix.example.org. Matrix is off without it.
    #[arg(long = "matrix-homeserver", env = "MATRIX_HOMESERVER")]
    pub homeserver: Option<String>,
    /// The bot's user id or localpart.
    #[arg(id = "matrix_user", long = "matrix-user", env = "MATRIX_USER")]
    pub user: Option<String>,
    /// The bot's password (or use an access token).
    #[arg(long = "matrix-password", env = "MATRIX_PASSWORD", hide_env_values = true)]
    pub password: Option<Secret>,
    /// An access token instead of a password.
    #[arg(long = "matrix-access-token", env = "MATRIX_ACCESS_TOKEN", hide_env_values = true)]
    pub access_token: Option<Secret>,
    /// Where the Matrix client keeps its sync position, encryption keys and session.
    #[arg(long = "matrix-store-path", env = "MATRIX_STORE_PATH", default_value = "matrix-store")]
    pub store_path: PathBuf,
    /// Who may invite the bot into rooms: server names and user ids, comma-separated.
    /// Default: the bot's own server.
    #[arg(long = "matrix-allowed-inviters", env = "MATRIX_ALLOWED_INVITERS", value_delimiter = ',')]
    pub allowed_inviters: Vec<String>,
    /// The power level in a room from which a member is an organizer there.
    #[arg(long = "matrix-organizer-power", env = "MATRIX_ORGANIZER_POWER", default_value_t = 50)]
    pub organizer_power: i64,
}

impl MatrixConfig {
    /// True when enough is set to connect.
    pub fn is_configured(&self) -> bool {
        self.homeserver.is_some() && (self.access_token.is_some() || (self.user.is_some() && self.password.is_some()))
    }
}

/// A token or password: printed as `***` by `Debug` and `Display`, so it never reaches a
/// log line by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The secret itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_string()))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Reads an RFC 3339 instant such as `2026-11-28T12:00:00Z` or `2026-11-28T07:00:00-05:00`.
pub fn parse_instant(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::<FixedOffset>::parse_from_rfc3339(s.trim())
        .map(|t| t.to_utc())
        .map_err(|e| format!("`{s}` is not an RFC 3339 instant like 2026-11-28T12:00:00Z ({e})"))
}

/// Reads an IANA zone name.
pub fn parse_zone(s: &str) -> Result<chrono_tz::Tz, String> {
    s.trim().parse().map_err(|_| format!("`{s}` is not an IANA time zone like America/New_York"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let s: Secret = "hunter2".parse().unwrap();
        assert_eq!(format!("{s} {s:?}"), "*** ***");
        assert_eq!(s.expose(), "hunter2");
    }

    #[test]
    fn command_line_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn instants() {
        assert_eq!(parse_instant("2026-11-28T07:00:00-05:00").unwrap().to_rfc3339(), "2026-11-28T12:00:00+00:00");
        assert!(parse_instant("tomorrow").is_err());
    }
}
