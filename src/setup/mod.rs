//! `convoca setup`: from a Discord token and a Matrix account to a checked env file, in one
//! sitting. It asks which platforms; takes each token, account and home, checking each
//! answer live as `doctor` does; offers a channel for every meeting's reminders; prints the
//! invite link; and writes the env file owner-only. Every question has a flag (or the
//! variable `run` reads), so it also runs without a terminal, and then a missing answer is
//! an error naming its flag.
//!
//! - [`prompt`]: questions on the terminal, or none.
//! - [`discord`], [`matrix`] and [`email`]: each platform's questions and live checks.
//! - [`env`]: the file written.

mod discord;
mod email;
pub mod env;
mod matrix;
pub mod prompt;

use std::path::{Path, PathBuf};

use crate::config::{Global, PlatformChoice, SetupArgs};
pub use prompt::{NoInput, Prompt, Terminal};

/// Why setup stopped.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// An answer nobody gave (no terminal, no flag).
    #[error("needed: {what}; give {flag}")]
    Missing {
        /// What.
        what: &'static str,
        /// The flag (or variable) that gives it.
        flag: &'static str,
    },
    /// A platform refused what was given.
    #[error("{0}")]
    Refused(String),
    /// The env file exists and may not be replaced.
    #[error("{0} exists: run with --force to replace it (its other settings are kept)")]
    Exists(PathBuf),
    /// The env file could not be written.
    #[error("cannot write {path}: {why}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        why: String,
    },
}

/// One of several answers offered by number.
#[derive(Clone, Debug)]
pub struct Choice {
    /// What is written.
    pub value: String,
    /// What the person sees.
    pub shown: String,
}

/// Offers `choices` by number (or typed as is); `default` on Enter.
pub fn choose(prompt: &mut dyn Prompt, question: &str, choices: &[Choice], default: Option<usize>) -> Option<String> {
    if !prompt.interactive() {
        return None;
    }
    let mut listing = question.to_string();
    for (i, c) in choices.iter().enumerate() {
        listing.push_str(&format!("\n  {}. {}", i + 1, c.shown));
    }
    prompt.say(&listing);
    let default_text = default.map(|d| (d + 1).to_string());
    let answer = prompt.ask("Number (or type one)", default_text.as_deref())?;
    match answer.trim().parse::<usize>() {
        Ok(n) if (1..=choices.len()).contains(&n) => Some(choices[n - 1].value.clone()),
        _ => Some(answer.trim().to_string()),
    }
}

/// What setup wrote, for the last lines it prints.
#[derive(Debug)]
pub struct Written {
    /// The env file.
    pub path: PathBuf,
    /// The Discord invite link, when Discord is set up.
    pub invite: Option<String>,
    /// Where reminders go (empty: nowhere yet).
    pub reminders: Vec<String>,
    /// Whether a chat platform was set up (not email alone), where `/remind here` works.
    pub chat: bool,
}

/// The env file setup writes: the one named, the one read, the service's (as root, once
/// `/etc/convoca` exists), or `.env` here.
pub fn target(global: &Global) -> PathBuf {
    if let Some(path) = &global.env_file {
        return path.clone();
    }
    if let Some(path) = crate::config::env_file::loaded().path {
        return path;
    }
    let service = Path::new(crate::config::env_file::SERVICE_ENV_FILE);
    // SAFETY: geteuid only reads the process's effective user id.
    let root = unsafe { libc::geteuid() } == 0;
    if root && service.parent().is_some_and(Path::is_dir) { service.to_path_buf() } else { PathBuf::from(".env") }
}

/// The whole first run; `prompt` answers what the flags do not.
pub async fn run(global: &Global, args: &SetupArgs, prompt: &mut dyn Prompt) -> Result<Written, SetupError> {
    let path = target(global);
    prompt.say(&format!("convoca setup: the settings go to {}", path.display()));
    let service = Path::new(crate::config::env_file::SERVICE_ENV_FILE);
    // SAFETY: geteuid only reads the process's effective user id.
    let no_service_folder = service.parent().is_some_and(|d| !d.is_dir());
    if path != service && no_service_folder && unsafe { libc::geteuid() } == 0 && global.env_file.is_none() {
        prompt.say(&format!(
            "! The service reads {}, and {} does not exist yet: make it first (install -d -m 0755 /etc/convoca) and run setup again, or give --env-file.",
            service.display(),
            service.parent().map_or(String::new(), |p| p.display().to_string())
        ));
    }
    let old = std::fs::read_to_string(&path).ok();
    if old.is_some() && !args.force {
        let replace = prompt.ask(&format!("{} exists: replace its convoca settings? (y/N)", path.display()), Some("n"));
        if !replace.is_some_and(|a| a.trim().eq_ignore_ascii_case("y") || a.trim().eq_ignore_ascii_case("yes")) {
            return Err(SetupError::Exists(path));
        }
    }
    // A flag run would refuse is said before any platform is asked anything.
    if let Some(url) = args.public_url.as_deref().filter(|u| !crate::config::is_http_url(u)) {
        return Err(SetupError::Refused(format!("--public-url `{url}` is not an http:// or https:// address")));
    }
    let platforms = which(args, prompt)?;
    let discord = if matches!(platforms, PlatformChoice::Discord | PlatformChoice::Both) {
        prompt.say("\n— Discord —");
        Some(discord::setup(&args.discord, prompt).await?)
    } else {
        None
    };
    let matrix = if matches!(platforms, PlatformChoice::Matrix | PlatformChoice::Both) {
        prompt.say("\n— Matrix —");
        Some(matrix::setup(&args.matrix, prompt).await?)
    } else {
        None
    };
    let email = if platforms == PlatformChoice::Email || wants_email(args, prompt) {
        prompt.say("\n— Email —");
        Some(email::setup(&args.email, args.mail_list.as_deref(), prompt).await?)
    } else {
        None
    };
    let mut reminders = if platforms == PlatformChoice::Email {
        Vec::new()
    } else {
        prompt.say("\n— Reminders —");
        reminder_channel(args, discord.as_ref(), matrix.as_ref(), prompt)?
    };
    reminders.extend(email.as_ref().and_then(|e| e.list.clone()));
    let public_url = public_url(args, prompt);
    let mut values = settings(global, args, discord.as_ref(), matrix.as_ref(), &reminders, public_url, &path);
    values.extend(email_settings(email.as_ref()));
    let text = env::compose(&values, old.as_deref()).map_err(SetupError::Refused)?;
    env::write(&path, &text).map_err(|e| SetupError::Write { path: path.clone(), why: e.to_string() })?;
    checks(discord.as_ref(), &reminders, prompt).await;
    let chat = discord.is_some() || matrix.is_some();
    Ok(Written { path, invite: discord.map(|d| d.invite), reminders, chat })
}

/// The public address, optional: the flag's (checked before anything else), or asked until
/// it is an `https://` (or `http://`) address, which `run` takes.
fn public_url(args: &SetupArgs, prompt: &mut dyn Prompt) -> Option<String> {
    if let Some(url) = &args.public_url {
        return Some(url.trim().to_string());
    }
    for _ in 0..3 {
        let question = "The public address of the bot's HTTP server, for calendar links (Enter: none for now)";
        let url = prompt.ask(question, Some("")).unwrap_or_default().trim().to_string();
        if url.is_empty() || crate::config::is_http_url(&url) {
            return Some(url).filter(|u| !u.is_empty());
        }
        prompt.say(&format!("✗ `{url}` is not an address such as https://bot.example.org"));
    }
    None
}

/// Whether to send reminders to a mailing list too: the SMTP flags say so, or the answer.
fn wants_email(args: &SetupArgs, prompt: &mut dyn Prompt) -> bool {
    if args.email.enabled() {
        return true;
    }
    let answer = prompt.ask("Send reminders to a mailing list by email too? (y/N)", Some("n")).unwrap_or_default();
    matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

/// Email's settings, or every one of them off.
fn email_settings(email: Option<&email::Found>) -> Vec<(&'static str, String)> {
    let Some(found) = email else {
        return ["CONVOCA_SMTP_HOST", "CONVOCA_SMTP_USER", "CONVOCA_SMTP_PASSWORD", "CONVOCA_SMTP_FROM"]
            .into_iter()
            .map(|n| (n, String::new()))
            .collect();
    };
    let c = &found.config;
    let security = match c.security {
        crate::config::SmtpSecurity::Starttls => "starttls",
        crate::config::SmtpSecurity::Tls => "tls",
        crate::config::SmtpSecurity::None => "none",
    };
    vec![
        ("CONVOCA_SMTP_HOST", c.host.clone().unwrap_or_default()),
        ("CONVOCA_SMTP_PORT", c.port.map(|p| p.to_string()).unwrap_or_default()),
        ("CONVOCA_SMTP_SECURITY", security.to_string()),
        ("CONVOCA_SMTP_USER", c.user.clone().unwrap_or_default()),
        ("CONVOCA_SMTP_PASSWORD", c.password.as_ref().map(|p| p.expose().to_string()).unwrap_or_default()),
        ("CONVOCA_SMTP_FROM", c.from.clone().unwrap_or_default()),
        ("CONVOCA_SMTP_CA_FILE", c.ca_file.as_ref().map(|p| p.display().to_string()).unwrap_or_default()),
    ]
}

/// The platforms: as given, as the flags imply, or asked.
fn which(args: &SetupArgs, prompt: &mut dyn Prompt) -> Result<PlatformChoice, SetupError> {
    if let Some(p) = args.platforms {
        return Ok(p);
    }
    let (d, m, e) = (args.discord.token.is_some(), args.matrix.homeserver.is_some(), args.email.enabled());
    let implied = match (d, m, e) {
        (true, true, _) => Some(PlatformChoice::Both),
        (true, false, _) => Some(PlatformChoice::Discord),
        (false, true, _) => Some(PlatformChoice::Matrix),
        (false, false, true) => Some(PlatformChoice::Email),
        (false, false, false) => None,
    };
    let default = implied.map(|p| match p {
        PlatformChoice::Discord => "discord",
        PlatformChoice::Matrix => "matrix",
        PlatformChoice::Both => "both",
        PlatformChoice::Email => "email",
    });
    loop {
        let answer =
            prompt.ask("Which chat platforms: discord, matrix, both, or email (mailing lists only)?", default).ok_or(
                SetupError::Missing { what: "which chat platforms", flag: "--platforms discord|matrix|both|email" },
            )?;
        match answer.trim().to_ascii_lowercase().as_str() {
            "discord" | "d" => return Ok(PlatformChoice::Discord),
            "matrix" | "m" => return Ok(PlatformChoice::Matrix),
            "both" | "b" => return Ok(PlatformChoice::Both),
            "email" | "e" | "mail" => return Ok(PlatformChoice::Email),
            other => prompt.say(&format!("`{other}` is not one of discord, matrix, both, email")),
        }
    }
}

/// Where every meeting's reminders go: given, or chosen among the Discord server's text
/// channels and the Matrix home room.
fn reminder_channel(
    args: &SetupArgs,
    discord: Option<&discord::Found>,
    matrix: Option<&matrix::Found>,
    prompt: &mut dyn Prompt,
) -> Result<Vec<String>, SetupError> {
    let mut choices: Vec<Choice> = Vec::new();
    if let Some(d) = discord {
        choices.extend(
            d.channels
                .iter()
                .map(|(id, name)| Choice { value: format!("discord:{id}"), shown: format!("{name} (Discord)") }),
        );
    }
    if let Some(m) = matrix {
        choices.push(Choice { value: format!("matrix:{}", m.room), shown: "the Matrix home room".into() });
    }
    choices.push(Choice {
        value: "none".into(),
        shown: format!("none for now (an organizer can send {} later)", remind_here()),
    });
    let answer = match &args.reminder_channel {
        Some(given) => given.clone(),
        None => choose(prompt, "Where should every meeting's reminders be posted?", &choices, Some(0)).ok_or(
            SetupError::Missing {
                what: "where reminders go",
                flag: "--reminder-channel discord:ID|matrix:!room:server|home|none",
            },
        )?,
    };
    let answer = answer.trim();
    let channel = match answer {
        "none" => return Ok(Vec::new()),
        "home" => match matrix {
            Some(m) => format!("matrix:{}", m.room),
            None => return Err(SetupError::Refused("`home` is the Matrix home room, and Matrix is not set up".into())),
        },
        c => c.to_string(),
    };
    if !crate::content::valid_channel(&channel) || channel.starts_with("console:") {
        return Err(SetupError::Refused(format!(
            "`{channel}` is not a channel: write discord:CHANNEL_ID, matrix:!room:server, home or none"
        )));
    }
    Ok(vec![channel])
}

/// `/remind here (Matrix: !remind here)`, as the catalog spells it on each platform.
pub fn remind_here() -> String {
    let here = |on| crate::engine::catalog::REMIND.typed_on(on, crate::locale::Locale::En, "here");
    format!("{} (Matrix: {})", here(&crate::discord::ABILITIES), here(&crate::matrix::ABILITIES))
}

/// Every setting the file holds.
fn settings(
    global: &Global,
    args: &SetupArgs,
    discord: Option<&discord::Found>,
    matrix: Option<&matrix::Found>,
    reminders: &[String],
    public_url: Option<String>,
    path: &Path,
) -> Vec<(&'static str, String)> {
    let service = path == Path::new(crate::config::env_file::SERVICE_ENV_FILE);
    let current = |v: Option<String>, service_default: &str, here: String| {
        v.unwrap_or_else(|| if service { service_default.to_string() } else { here })
    };
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let store_path = args.matrix.store_path.display().to_string();
    let mut out = vec![
        (
            "CONVOCA_CONTENT",
            current(env("CONVOCA_CONTENT"), "/etc/convoca/commands", global.content.display().to_string()),
        ),
        (
            "DATABASE_URL",
            current(env("DATABASE_URL"), "sqlite:///var/lib/convoca/convoca.db", crate::store::DEFAULT_URL.into()),
        ),
        ("MATRIX_STORE_PATH", current(env("MATRIX_STORE_PATH"), "/var/lib/convoca/matrix-store", store_path.clone())),
        ("CONVOCA_REMINDER_CHANNELS", reminders.join(",")),
        // A public address needs a server to reach.
        (
            "CONVOCA_HTTP_BIND",
            current(
                env("CONVOCA_HTTP_BIND"),
                "127.0.0.1:8080",
                if public_url.is_some() { "127.0.0.1:8080".into() } else { String::new() },
            ),
        ),
        ("CONVOCA_METRICS_BIND", current(env("CONVOCA_METRICS_BIND"), "127.0.0.1:9090", String::new())),
        ("CONVOCA_PUBLIC_URL", public_url.unwrap_or_default()),
    ];
    // A platform not chosen is turned off (its store's passphrase is kept, by compose).
    let off = |names: &[&'static str], out: &mut Vec<(&'static str, String)>| {
        out.extend(names.iter().map(|n| (*n, String::new())));
    };
    if discord.is_none() {
        off(&["DISCORD_TOKEN", "DISCORD_HOME_GUILDS", "DISCORD_API_BASE"], &mut out);
    }
    if matrix.is_none() {
        off(&["MATRIX_HOMESERVER", "MATRIX_USER", "MATRIX_PASSWORD", "MATRIX_HOME_ROOMS"], &mut out);
    }
    if let Some(d) = discord {
        let c = &d.config;
        out.push(("DISCORD_TOKEN", c.token.as_ref().map(|t| t.expose().to_string()).unwrap_or_default()));
        out.push(("DISCORD_HOME_GUILDS", c.homes().iter().map(u64::to_string).collect::<Vec<_>>().join(",")));
        out.push(("DISCORD_ORGANIZER_ROLE", c.organizer_role.clone().unwrap_or_default()));
        out.push(("DISCORD_API_BASE", c.api_base.clone().unwrap_or_default()));
    }
    if let Some(m) = matrix {
        let c = &m.config;
        out.push(("MATRIX_HOMESERVER", c.homeserver.clone().unwrap_or_default()));
        out.push(("MATRIX_USER", c.user.clone().unwrap_or_default()));
        out.push(("MATRIX_PASSWORD", c.password.as_ref().map(|p| p.expose().to_string()).unwrap_or_default()));
        out.push(("MATRIX_HOME_ROOMS", c.home.join(",")));
        out.push(("MATRIX_STORE_PASSPHRASE", passphrase(c, &out)));
    }
    out
}

/// The Matrix store's passphrase: the one given; a new random one for a store not made yet;
/// none for a store made without one (a passphrase cannot encrypt it afterwards).
fn passphrase(config: &crate::config::MatrixConfig, values: &[(&str, String)]) -> String {
    if let Some(p) = &config.store_passphrase {
        return p.expose().to_string();
    }
    let store = values.iter().find(|(n, _)| *n == "MATRIX_STORE_PATH").map_or("", |(_, v)| v.as_str());
    if Path::new(store).join("sdk").exists() {
        return String::new();
    }
    let mut bytes = [0u8; 24];
    match getrandom::fill(&mut bytes) {
        Ok(()) => hex::encode(bytes),
        Err(_) => String::new(),
    }
}

/// The checks `doctor` makes on what was written, Discord's (its channel permissions
/// included) said line by line; commands are registered by the bot at its start.
async fn checks(discord: Option<&discord::Found>, reminders: &[String], prompt: &mut dyn Prompt) {
    let Some(d) = discord else { return };
    let mut lines = Vec::new();
    crate::doctor::discord::check(&d.config, reminders, &mut lines).await;
    prompt.say("\n— Checked —");
    for line in lines.iter().filter(|l| !l.what.starts_with("discord commands")) {
        prompt.say(&line.render());
    }
}
