//! One typed configuration: command-line flags and environment variables (and `.env`), each
//! documented here and mirrored in `.env.example`. Nothing else reads the environment.

use std::fmt;
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, Utc};
use clap::{Args, Parser, Subcommand};

mod email;
pub mod env_file;

pub use email::{EmailConfig, SmtpSecurity};

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
    /// Log filter, e.g. `info`, `convoca=debug` (RUST_LOG changes it).
    #[arg(long, env = "CONVOCA_LOG", global = true)]
    pub log: Option<String>,
    /// How log lines are written: `text` for people, `json` (one object per line) for log
    /// shippers.
    #[arg(long, env = "CONVOCA_LOG_FORMAT", global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// The env file to read settings from. Default: `.env` in the working folder when there
    /// is one, else the service's /etc/convoca/convoca.env when it can be read, so that
    /// every subcommand uses the service's settings.
    #[arg(long, env = "CONVOCA_ENV_FILE", global = true)]
    pub env_file: Option<PathBuf>,
}

/// How log lines are written.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LogFormat {
    /// One readable line per event.
    #[default]
    Text,
    /// One JSON object per line: time, level, target, message and fields.
    Json,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
#[allow(clippy::large_enum_variant)] // parsed once per process
pub enum Cmd {
    /// Run the bot: chat platforms that are configured, and the console on a terminal.
    Run(RunArgs),
    /// Ask questions interactively in the terminal (the reminder scheduler runs too, printing
    /// what is due and the places it offers).
    Console(ConsoleArgs),
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
    /// Write a consistent copy of the SQLite database to a new file, while the bot runs.
    Backup(BackupArgs),
    /// Copy every table to another, empty database (SQLite to PostgreSQL, or back), with the
    /// bot stopped.
    Migrate(MigrateArgs),
    /// Check everything configured (content, database, Discord, Matrix, HTTP): one line per
    /// check, each failure with its fix; exits non-zero when any failed.
    Doctor(RunArgs),
    /// The first run for whoever deploys the bot: asks for each platform's token and home,
    /// checks each answer live, offers the reminder channel, and writes the env file
    /// (owner-only). Every question has a flag, for running it without a terminal.
    Setup(SetupArgs),
}

/// Which chat platforms `convoca setup` sets up.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlatformChoice {
    /// Discord only.
    Discord,
    /// Matrix only.
    Matrix,
    /// Both.
    Both,
}

/// `convoca setup`: each answer a flag (or its environment variable) can give.
#[derive(Args, Debug, Clone)]
pub struct SetupArgs {
    /// Which platforms (asked when left out).
    #[arg(long, value_enum)]
    pub platforms: Option<PlatformChoice>,
    /// Discord's token, home server and organizer role (as `run` takes them).
    #[command(flatten)]
    pub discord: DiscordConfig,
    /// Matrix's homeserver, account, home room and store.
    #[command(flatten)]
    pub matrix: MatrixConfig,
    /// Where every meeting's reminders go: `discord:CHANNEL_ID`, `matrix:!room:server`,
    /// `home` (the Matrix home room), or `none` (asked, with the server's channels, when
    /// left out).
    #[arg(long = "reminder-channel")]
    pub reminder_channel: Option<String>,
    /// The address members reach the bot's HTTP server at (optional).
    #[arg(long = "public-url", env = "CONVOCA_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Replace an env file that exists without asking.
    #[arg(long)]
    pub force: bool,
    /// Never ask, even on a terminal: what no flag gives is an error naming the flag.
    #[arg(long = "no-input")]
    pub no_input: bool,
}

/// `convoca migrate`.
#[derive(Args, Debug, Clone)]
pub struct MigrateArgs {
    /// The empty database to copy into, e.g. postgres://convoca:…@localhost/convoca. Its
    /// schema is brought up to date first. Give it in CONVOCA_MIGRATE_TO rather than on the
    /// command line, where every user of the machine can read it (`/proc`).
    #[arg(long = "to", env = "CONVOCA_MIGRATE_TO", hide_env_values = true)]
    pub to: crate::config::Secret,
}

/// `convoca backup`.
#[derive(Args, Debug, Clone)]
pub struct BackupArgs {
    /// The new file to write (it must not exist); it is created readable by its owner only.
    pub file: PathBuf,
}

/// `convoca reminders`.
#[derive(Args, Debug, Clone)]
pub struct RemindersArgs {
    /// The deployment's reminder channels (as `run`).
    #[command(flatten)]
    pub reminders: ReminderChannels,
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
    /// Email (SMTP) settings, for reminders to mailing lists.
    #[command(flatten)]
    pub email: EmailConfig,
    /// Commands one person may send in a burst before "slow down" (0: no limit).
    #[arg(long = "command-burst", env = "CONVOCA_COMMAND_BURST", default_value_t = 8)]
    pub command_burst: u32,
    /// After a burst, one more command every this many seconds.
    #[arg(long = "command-every", env = "CONVOCA_COMMAND_EVERY", default_value_t = 3)]
    pub command_every: u64,
    /// Channels that get the reminders of every meeting and deadline, comma-separated:
    /// `discord:CHANNEL_ID`, `matrix:!room:server` (what `convoca setup` writes).
    #[command(flatten)]
    pub reminders: ReminderChannels,
}

/// Channels the deployment sends every reminder to.
#[derive(Args, Debug, Clone, Default)]
pub struct ReminderChannels {
    /// Channels that get the reminders of every meeting and deadline, besides those the
    /// content names and those organizers chose with `/remind here`, comma-separated:
    /// `discord:CHANNEL_ID` or `matrix:!room:server`.
    #[arg(long = "reminder-channels", env = "CONVOCA_REMINDER_CHANNELS", value_delimiter = ',')]
    pub channels: Vec<String>,
}

impl ReminderChannels {
    /// The channels, trimmed; a value that is not a channel is refused with the variable.
    pub fn read(&self) -> Result<Vec<String>, String> {
        let mut out = Vec::new();
        for c in self.channels.iter().map(|c| crate::content::canonical_channel(c)).filter(|c| !c.is_empty()) {
            if !crate::content::valid_channel(&c) || c.starts_with("console:") {
                return Err(format!("CONVOCA_REMINDER_CHANNELS: {}", crate::content::not_a_channel(&c)));
            }
            if !out.contains(&c) {
                out.push(c);
            }
        }
        Ok(out)
    }
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

/// `convoca console`.
#[derive(Args, Debug, Clone)]
pub struct ConsoleArgs {
    /// Who asks.
    #[command(flatten)]
    pub who: AskAs,
    /// The address members reach the bot's HTTP server at, for calendar links (as `run`).
    #[arg(long = "public-url", env = "CONVOCA_PUBLIC_URL")]
    pub public_url: Option<String>,
}

/// `convoca ask`.
#[derive(Args, Debug, Clone)]
pub struct AskArgs {
    /// Who asks.
    #[command(flatten)]
    pub who: AskAs,
    /// The address members reach the bot's HTTP server at, for calendar links (as `run`).
    #[arg(long = "public-url", env = "CONVOCA_PUBLIC_URL")]
    pub public_url: Option<String>,
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
    /// The group's home server(s) on Discord, by id, comma-separated. Organizer standing is
    /// read there and only there; commands are registered and scheduled events kept there. In
    /// any other server the bot answers public questions only and records nothing. Required
    /// when Discord is on.
    #[arg(id = "discord_home", long = "discord-home", env = "DISCORD_HOME_GUILDS", value_delimiter = ',')]
    pub home: Vec<String>,
    /// The older name of a single home server (it used to mean "register commands in this
    /// server only"); added to `DISCORD_HOME_GUILDS`.
    #[arg(long = "discord-guild-id", env = "DISCORD_GUILD_ID")]
    pub guild_id: Option<u64>,
    /// The role (id or name) that makes a member an organizer, besides Administrator and the
    /// server's owner (who can grant it). No other permission counts.
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
    #[arg(
        long = "discord-scheduled-events",
        env = "DISCORD_SCHEDULED_EVENTS",
        default_value_t = false,
        num_args = 0..=1,
        default_missing_value = "true",
        action = clap::ArgAction::Set,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub scheduled_events: bool,
}

/// The HTTP server: calendar feed, health, metrics, Discord interactions endpoint.
#[derive(Args, Debug, Clone, Default)]
pub struct HttpConfig {
    /// Address to listen on, e.g. 127.0.0.1:8080. The server is off without it.
    #[arg(long = "http-bind", env = "CONVOCA_HTTP_BIND", value_parser = parse_bind)]
    pub bind: Option<std::net::SocketAddr>,
    /// The address members reach that server at, e.g. https://bot.example.org, for the
    /// "Add to calendar" links.
    #[arg(long = "public-url", env = "CONVOCA_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// A second address, e.g. 127.0.0.1:9090, that serves /healthz and /metrics instead of
    /// the public one: the public bind then serves only the feed and Discord's endpoint.
    #[arg(long = "metrics-bind", env = "CONVOCA_METRICS_BIND", value_parser = parse_bind)]
    pub metrics_bind: Option<std::net::SocketAddr>,
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
    /// The passphrase the Matrix store is encrypted with (its encryption keys and the rooms'
    /// history). Set it before the first start: a store made without it cannot be opened with
    /// it, nor the reverse.
    #[arg(long = "matrix-store-passphrase", env = "MATRIX_STORE_PASSPHRASE", hide_env_values = true)]
    pub store_passphrase: Option<Secret>,
    /// The group's home room(s), comma-separated: room ids (`!abc:example.org`) or aliases
    /// (`#lacwg:example.org`). An alias is resolved once and the room id pinned in the
    /// database; a later change of its target is refused. Organizer standing is read in these
    /// rooms only, and invitations are accepted only to them and to direct chats from their
    /// members. Required when Matrix is on.
    #[arg(id = "matrix_home", long = "matrix-home", env = "MATRIX_HOME_ROOMS", value_delimiter = ',')]
    pub home: Vec<String>,
    /// The power level in a home room from which a member is an organizer (a room's creator
    /// always is). At least 1.
    #[arg(long = "matrix-organizer-power", env = "MATRIX_ORGANIZER_POWER", default_value_t = 50)]
    pub organizer_power: i64,
}

impl DiscordConfig {
    /// The home servers: `DISCORD_HOME_GUILDS` and `DISCORD_GUILD_ID` together, each once.
    pub fn homes(&self) -> Vec<u64> {
        let mut all: Vec<u64> = self.home.iter().filter_map(|h| h.trim().parse().ok()).filter(|id| *id != 0).collect();
        all.extend(self.guild_id);
        all.sort_unstable();
        all.dedup();
        all
    }

    /// Refuses settings that cannot work, with one line saying which and why. Only checked
    /// when Discord is on (a token is set), except for values that are wrong in any case.
    pub fn validate(&self) -> Result<(), String> {
        for home in self.home.iter().map(|h| h.trim()).filter(|h| !h.is_empty()) {
            if home.parse::<u64>().map_or(true, |id| id == 0) {
                return Err(format!("DISCORD_HOME_GUILDS: `{home}` is not a Discord server id"));
            }
        }
        if self.guild_id == Some(0) {
            return Err("DISCORD_GUILD_ID: 0 is not a Discord server id".into());
        }
        if let Some(role) = &self.organizer_role {
            let role = role.trim();
            if role.is_empty() || role == "0" {
                return Err(format!("DISCORD_ORGANIZER_ROLE: `{role}` is not a role id or name"));
            }
            if role.chars().all(|c| c.is_ascii_digit()) && role.parse::<u64>().is_err() {
                return Err(format!("DISCORD_ORGANIZER_ROLE: `{role}` is too large for a role id"));
            }
        }
        if let Some(base) = &self.api_base
            && !is_http_url(base)
        {
            return Err(format!("DISCORD_API_BASE: `{base}` is not an http:// or https:// address"));
        }
        if let Some(key) = &self.public_key {
            let key = key.trim();
            if key.len() != 64 || !key.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(
                    "DISCORD_PUBLIC_KEY must be 64 hexadecimal digits (the developer portal's Public Key)".into()
                );
            }
        }
        if (self.token.is_some() || self.public_key.is_some()) && self.homes().is_empty() {
            return Err(
                "Discord is on but no home server is set: set DISCORD_HOME_GUILDS to the group's server id(s)".into()
            );
        }
        Ok(())
    }
}

/// A home room as configured: a room id, or an alias to resolve and pin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HomeRoom {
    /// `!opaque:server`.
    Id(String),
    /// `#alias:server`.
    Alias(String),
}

impl HomeRoom {
    /// Reads `!id:server` or `#alias:server`.
    pub fn parse(s: &str) -> Result<HomeRoom, String> {
        let s = s.trim();
        let well_formed = |rest: &str| {
            rest.split_once(':').is_some_and(|(local, server)| {
                !local.is_empty() && !server.is_empty() && !s.chars().any(|c| c.is_whitespace() || c.is_control())
            })
        };
        // Room version 12's ids have no server part: `!opaque`.
        let clean = !s.chars().any(|c| c.is_whitespace() || c.is_control());
        match (s.strip_prefix('!'), s.strip_prefix('#')) {
            (Some(rest), _) if well_formed(rest) || (clean && !rest.is_empty() && !rest.contains(':')) => {
                Ok(HomeRoom::Id(s.to_string()))
            }
            (_, Some(rest)) if well_formed(rest) => Ok(HomeRoom::Alias(s.to_string())),
            _ => Err(format!("MATRIX_HOME_ROOMS: `{s}` is not a room id (!id:server) or alias (#name:server)")),
        }
    }
}

impl MatrixConfig {
    /// The home rooms, read.
    pub fn homes(&self) -> Result<Vec<HomeRoom>, String> {
        self.home.iter().filter(|h| !h.trim().is_empty()).map(|h| HomeRoom::parse(h)).collect()
    }

    /// Refuses settings that cannot work, with one line saying which and why.
    pub fn validate(&self) -> Result<(), String> {
        if self.organizer_power <= 0 {
            return Err(format!(
                "MATRIX_ORGANIZER_POWER must be at least 1 (it is {}): at 0 every member would organize",
                self.organizer_power
            ));
        }
        if self.organizer_power > MATRIX_MAX_POWER {
            return Err(format!(
                "MATRIX_ORGANIZER_POWER: {} is above Matrix's largest power level",
                self.organizer_power
            ));
        }
        if let Some(hs) = &self.homeserver
            && !is_http_url(hs)
        {
            return Err(format!("MATRIX_HOMESERVER: `{hs}` is not an http:// or https:// address"));
        }
        let homes = self.homes()?;
        if self.homeserver.is_some() && homes.is_empty() {
            return Err(
                "Matrix is on but no home room is set: set MATRIX_HOME_ROOMS to the group's room id(s) or alias(es)"
                    .into(),
            );
        }
        Ok(())
    }

    /// True when enough is set to connect.
    pub fn is_configured(&self) -> bool {
        self.homeserver.is_some() && (self.access_token.is_some() || (self.user.is_some() && self.password.is_some()))
    }
}

/// An address to listen on: `127.0.0.1:8080`, `[::1]:8080`, or `localhost:8080` (the IPv4
/// loopback).
pub fn parse_bind(s: &str) -> Result<std::net::SocketAddr, String> {
    let s = s.trim();
    if let Ok(addr) = s.parse() {
        return Ok(addr);
    }
    if let Some(port) = s.strip_prefix("localhost:").and_then(|p| p.parse::<u16>().ok()) {
        return Ok(std::net::SocketAddr::from(([127, 0, 0, 1], port)));
    }
    Err("not an address and port".into())
}

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
    ("CONVOCA_SMTP_SECURITY", "starttls (or tls, or none)"),
    ("CONVOCA_SMTP_PORT", "587"),
    ("CONVOCA_COMMAND_EVERY", "3"),
    ("DISCORD_GUILD_ID", "123456789012345678"),
    ("DISCORD_SCHEDULED_EVENTS", "true (or false)"),
    ("MATRIX_ORGANIZER_POWER", "50"),
];

/// Matrix's largest power level (2^53 - 1, canonical JSON's integer bound).
const MATRIX_MAX_POWER: i64 = 9_007_199_254_740_991;

/// An `http://` or `https://` address with a host.
pub fn is_http_url(s: &str) -> bool {
    let s = s.trim();
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/') && !r.chars().any(char::is_whitespace))
}

impl HttpConfig {
    /// Refuses settings that cannot work, with one line saying which and why.
    pub fn validate(&self) -> Result<(), String> {
        match &self.public_url {
            Some(url) if !is_http_url(url) => {
                Err(format!("CONVOCA_PUBLIC_URL: `{url}` is not an http:// or https:// address"))
            }
            _ => Ok(()),
        }
    }
}

impl RunArgs {
    /// Every setting of `run` checked before anything starts: the first problem, in one line.
    pub fn validate(&self) -> Result<(), String> {
        self.discord.validate()?;
        self.matrix.validate()?;
        self.reminders.read()?;
        self.email.validate()?;
        self.http.validate()
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

/// Libraries' log lines that name accounts or carry tokens above debug level, and the level
/// they are held at: the Matrix SDK's info lines name Matrix accounts (`share_room_key …
/// {"@mem:localhost": …}`), and serenity's gateway logs a payload it cannot read (an
/// interaction's token and the person in it) at warn.
const HELD: &[(&str, &str)] = &[
    ("matrix_sdk", "warn"),
    ("matrix_sdk_base", "warn"),
    ("matrix_sdk_crypto", "warn"),
    ("matrix_sdk_sqlite", "warn"),
    ("serenity::gateway::ws", "error"),
];

/// The log filter `asked` for (`CONVOCA_LOG`, or `RUST_LOG`), with the [`HELD`] targets held
/// unless a directive names that very target or everything is asked at debug: account ids
/// and tokens appear at debug level only.
pub fn log_filter(asked: &str) -> String {
    let directives: Vec<String> = asked.split(',').map(|d| d.trim().to_ascii_lowercase()).collect();
    if directives.iter().any(|d| d == "debug" || d == "trace") {
        return asked.to_string();
    }
    let named = |target: &str| directives.iter().any(|d| d.split('=').next() == Some(target));
    let held: Vec<String> = HELD.iter().filter(|(t, _)| !named(t)).map(|(t, level)| format!("{t}={level}")).collect();
    if held.is_empty() { asked.to_string() } else { format!("{asked},{}", held.join(",")) }
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
    #[test]
    fn libraries_that_name_people_log_above_debug_only_when_asked_for() {
        assert_eq!(
            log_filter("info"),
            "info,matrix_sdk=warn,matrix_sdk_base=warn,matrix_sdk_crypto=warn,matrix_sdk_sqlite=warn,serenity::gateway::ws=error"
        );
        assert!(log_filter("warn,convoca=info").ends_with("matrix_sdk_sqlite=warn,serenity::gateway::ws=error"));
        assert_eq!(log_filter("debug"), "debug");
        // Naming one target lifts its hold only.
        let one = log_filter("info,matrix_sdk_crypto=info");
        assert!(one.starts_with("info,matrix_sdk_crypto=info,matrix_sdk=warn"), "{one}");
        assert!(!one.contains("matrix_sdk_crypto=warn") && one.contains("matrix_sdk_base=warn"), "{one}");
    }

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
    fn nonsense_settings_are_refused_with_one_line() {
        let discord = |f: &dyn Fn(&mut DiscordConfig)| {
            let mut c =
                DiscordConfig { token: Some("t".parse().unwrap()), home: vec!["1".into()], ..Default::default() };
            f(&mut c);
            c.validate()
        };
        assert!(discord(&|_| {}).is_ok());
        for (what, bad) in [
            ("guild 0", &(|c: &mut DiscordConfig| c.guild_id = Some(0)) as &dyn Fn(&mut DiscordConfig)),
            ("home 0", &|c| c.home = vec!["0".into()]),
            ("home word", &|c| c.home = vec!["lacwg".into()]),
            ("no home", &|c| c.home.clear()),
            ("role 0", &|c| c.organizer_role = Some("0".into())),
            ("empty role", &|c| c.organizer_role = Some(" ".into())),
            ("huge role", &|c| c.organizer_role = Some("99999999999999999999999".into())),
            ("api base", &|c| c.api_base = Some("discord.com".into())),
            ("public key", &|c| c.public_key = Some("abc".into())),
        ] {
            let e = discord(bad).expect_err(what);
            assert!(!e.contains('\n') && !e.is_empty(), "{what}: {e}");
        }
        // Without a token Discord is off: no home needed.
        assert!(DiscordConfig::default().validate().is_ok());

        let matrix = |f: &dyn Fn(&mut MatrixConfig)| {
            let mut c = MatrixConfig {
                homeserver: Some("http://127.0.0.1:8008".into()),
                home: vec!["#lacwg:example.org".into()],
                organizer_power: 50,
                ..Default::default()
            };
            f(&mut c);
            c.validate()
        };
        assert!(matrix(&|_| {}).is_ok());
        for (what, bad) in [
            ("power 0", &(|c: &mut MatrixConfig| c.organizer_power = 0) as &dyn Fn(&mut MatrixConfig)),
            ("power -5", &|c| c.organizer_power = -5),
            ("power huge", &|c| c.organizer_power = i64::MAX),
            ("no home", &|c| c.home.clear()),
            ("bad home", &|c| c.home = vec!["lacwg".into()]),
            ("alias without server", &|c| c.home = vec!["#abc".into()]),
            ("homeserver", &|c| c.homeserver = Some("matrix.org".into())),
        ] {
            let e = matrix(bad).expect_err(what);
            assert!(!e.contains('\n') && !e.is_empty(), "{what}: {e}");
        }
        assert_eq!(HomeRoom::parse(" !abc:example.org ").unwrap(), HomeRoom::Id("!abc:example.org".into()));
        assert_eq!(HomeRoom::parse("#lacwg:example.org").unwrap(), HomeRoom::Alias("#lacwg:example.org".into()));
        // Room version 12: no server part in the id.
        assert_eq!(HomeRoom::parse("!da_KAErnp30y65eCl4V5").unwrap(), HomeRoom::Id("!da_KAErnp30y65eCl4V5".into()));
        assert!(
            HomeRoom::parse("!").is_err() && HomeRoom::parse("#alias").is_err() && HomeRoom::parse("!a b").is_err()
        );
        assert!(crate::content::valid_channel("matrix:!da_KAErnp30y65eCl4V5"));
        assert!(crate::content::valid_channel("matrix:!abc:example.org"));
        assert!(!crate::content::valid_channel("matrix:!") && !crate::content::valid_channel("matrix:#a:b"));
    }

    #[test]
    fn instants() {
        assert_eq!(parse_instant("2026-11-28T07:00:00-05:00").unwrap().to_rfc3339(), "2026-11-28T12:00:00+00:00");
        assert!(parse_instant("tomorrow").is_err());
    }
}
