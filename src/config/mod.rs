//! One typed configuration: command-line flags and environment variables (and `.env`), each
//! documented here and mirrored in `.env.example`. Nothing else reads the environment.

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, Utc};
use clap::{Args, Parser, Subcommand};

mod discord;
mod email;
pub mod env_file;
mod explain;
mod http;
mod logging;
mod matrix;
mod secret;

pub use discord::DiscordConfig;
pub use email::{EmailConfig, SmtpSecurity};
pub use explain::{env_names, explain};
pub use http::{HttpConfig, is_http_url, parse_bind};
pub use logging::{LogFormat, log_filter};
pub use matrix::{HomeRoom, MatrixConfig};
pub use secret::Secret;

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
    /// In a content folder of several groups (`groups/<name>/`): the group a command is for
    /// (its folder's name). Without it the terminal speaks for the organization.
    #[arg(long, global = true, value_name = "NAME")]
    pub group: Option<String>,
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
    /// No chat: reminders to mailing lists by email only.
    Email,
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
    /// Email's SMTP server and account, for reminders to mailing lists.
    #[command(flatten)]
    pub email: EmailConfig,
    /// The mailing list reminders go to by email (its address), or `none`.
    #[arg(long = "mail-list")]
    pub mail_list: Option<String>,
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
    #[arg(
        long = "to",
        env = "CONVOCA_MIGRATE_TO",
        hide_env_values = true,
        required_unless_present = "into_group",
        conflicts_with = "into_group"
    )]
    pub to: Option<crate::config::Secret>,
    /// Instead of copying: move the rows of a deployment that was one group into the group
    /// named here (a folder under the content's `groups/`), once its content has become an
    /// organization's. Reminders already sent keep their record, under the group's name.
    #[arg(long = "into-group", value_name = "SLUG")]
    pub into_group: Option<String>,
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

pub use crate::content::Declared;

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

impl RunArgs {
    /// Every setting of `run` checked before anything starts: the first problem, in one line.
    pub fn validate(&self) -> Result<(), String> {
        self.validate_declared(Declared::default())
    }

    /// [`RunArgs::validate`], for content whose `[home]` tables give homes on the platforms
    /// `declared` says: the env's home settings are not needed for those.
    pub fn validate_declared(&self, declared: Declared) -> Result<(), String> {
        self.discord.validate_declared(declared.discord)?;
        self.matrix.validate_declared(declared.matrix)?;
        self.reminders.read()?;
        self.email.validate()?;
        self.http.validate()
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
