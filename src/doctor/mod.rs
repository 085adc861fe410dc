//! `convoca doctor`: everything that is configured, checked from outside the running bot,
//! one line per check with what to do about each failure.
//!
//! - [`local`]: the content, the database (reachable, migrations current, owner-only files),
//!   the HTTP bind and public URL, the Discord public key's form.
//! - [`discord`]: the token, the application (its verify key, "Public Bot"), the home
//!   servers, the bot's permissions in every channel it posts to, the registered commands, and
//!   the invite URL the configuration needs.
//! - [`matrix`]: the session, the home rooms and reminder rooms (joined, allowed to post), the
//!   device's verification and the key backup.
//! - [`email`]: the SMTP settings and a login that sends nothing; the lists reminders go to.
//! - [`reminders`]: every meeting and upcoming deadline has a channel its reminders go to.
//!
//! Each talks to the platform's HTTP API directly (never through the SDKs, whose stores the
//! running bot holds), so a doctor can run beside the bot.

pub mod discord;
pub mod email;
pub mod local;
pub mod matrix;
pub mod reminders;

use crate::config::env_file::Loaded;
use crate::config::{Global, RunArgs};

/// How one check came out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// As it should be; what was found.
    Ok(String),
    /// Works, but something is worth doing; what, and how.
    Warn {
        /// What was found.
        found: String,
        /// What to do.
        fix: String,
    },
    /// Broken; what, and how to fix it.
    Fail {
        /// What was found.
        found: String,
        /// What to do.
        fix: String,
    },
}

/// One check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// What was checked: `content`, `discord token`, `matrix room !abc:x`…
    pub what: String,
    /// How it came out.
    pub outcome: Outcome,
}

impl Line {
    /// A passed check.
    pub fn ok(what: impl Into<String>, found: impl Into<String>) -> Line {
        Line { what: what.into(), outcome: Outcome::Ok(found.into()) }
    }

    /// A warning.
    pub fn warn(what: impl Into<String>, found: impl Into<String>, fix: impl Into<String>) -> Line {
        Line { what: what.into(), outcome: Outcome::Warn { found: found.into(), fix: fix.into() } }
    }

    /// A failure.
    pub fn fail(what: impl Into<String>, found: impl Into<String>, fix: impl Into<String>) -> Line {
        Line { what: what.into(), outcome: Outcome::Fail { found: found.into(), fix: fix.into() } }
    }

    /// Whether it failed.
    pub fn failed(&self) -> bool {
        matches!(self.outcome, Outcome::Fail { .. })
    }

    /// `✓ what: found`, `! what: found — fix`, `✗ what: found — fix`.
    pub fn render(&self) -> String {
        match &self.outcome {
            Outcome::Ok(found) => format!("✓ {}: {found}", self.what),
            Outcome::Warn { found, fix } => format!("! {}: {found} — {fix}", self.what),
            Outcome::Fail { found, fix } => format!("✗ {}: {found} — {fix}", self.what),
        }
    }
}

/// Every check the configuration calls for, in order: local things first, then each
/// configured platform.
pub async fn run(global: &Global, args: &RunArgs, env_file: &Loaded) -> Vec<Line> {
    let mut lines = Vec::new();
    env(env_file, &mut lines);
    let mut checked = Vec::new();
    let root = local::content(global, &mut checked);
    let declared = root.as_ref().map(|r| r.declared()).unwrap_or_default();
    if let Err(why) = args.validate_declared(declared) {
        lines.push(Line::fail(
            "settings",
            why,
            "correct it in the env file (`convoca run` refuses to start until then)",
        ));
    }
    lines.append(&mut checked);
    local::database(global, &mut lines).await;
    if root.as_ref().is_some_and(|r| r.organization.is_some()) {
        local::unmoved(global, &mut lines).await;
    }
    local::http(&args.http, args.discord.public_key.as_deref(), &mut lines).await;
    let groups: Vec<&crate::content::Content> = root.as_ref().map(|r| r.groups.iter().collect()).unwrap_or_default();
    let channels = every_reminder_channel(global, args, &groups, &mut lines).await;
    if args.discord.token.is_none() && args.matrix.homeserver.is_none() {
        if args.email.enabled() {
            lines.push(Line::ok(
                "chat platforms",
                "none: reminders go to the mailing lists, and members cannot ask the bot anything (organizers use \
                 `convoca ask --organizer`)",
            ));
        } else {
            lines.push(Line::fail(
                "chat platforms",
                "none is configured: the bot would answer only in the terminal",
                "set DISCORD_TOKEN and DISCORD_HOME_GUILDS, or MATRIX_HOMESERVER, MATRIX_USER, MATRIX_PASSWORD and \
                 MATRIX_HOME_ROOMS (`convoca setup` asks for them and checks each), or CONVOCA_SMTP_HOST for \
                 reminders to mailing lists only",
            ));
        }
    }
    if args.discord.token.is_some() {
        discord::check(&args.discord, &channels, &mut lines).await;
    } else {
        lines.push(Line::ok("discord", "off (no DISCORD_TOKEN)"));
    }
    if args.matrix.homeserver.is_some() {
        matrix::check(&args.matrix, &channels, &mut lines).await;
    } else {
        lines.push(Line::ok("matrix", "off (no MATRIX_HOMESERVER)"));
    }
    let lists = on(&channels, crate::chat::Platform::Email);
    if args.email.enabled() {
        email::check(&args.email, &channels, &mut lines).await;
    } else if lists.is_empty() {
        lines.push(Line::ok("email", "off (no CONVOCA_SMTP_HOST)"));
    } else {
        lines.push(Line::fail(
            "email",
            format!("reminders go to {} but email is off", lists.join(", ")),
            "set CONVOCA_SMTP_HOST, CONVOCA_SMTP_USER, CONVOCA_SMTP_PASSWORD and CONVOCA_SMTP_FROM, or take the mail: \
             channels out",
        ));
    }
    for content in &groups {
        languages(content, &channels, &mut lines);
    }
    homeless(&groups, args, &mut lines);
    lines
}

/// Every channel some group's reminders go to (its content's, its subscriptions and the
/// deployment's), each group's reminders checked on the way.
async fn every_reminder_channel(
    global: &Global,
    args: &RunArgs,
    groups: &[&crate::content::Content],
    lines: &mut Vec<Line>,
) -> Vec<String> {
    let deployment_channels = args.reminders.read().unwrap_or_default();
    let mut channels = Vec::new();
    for content in groups {
        let mut subscriptions = subscriptions(global, &content.group.id).await;
        for channel in &deployment_channels {
            let locale = content.group.language_of(channel);
            subscriptions.push(crate::store::Subscription {
                channel: channel.clone(),
                meeting: crate::store::ALL.into(),
                locale,
            });
        }
        reminders::check(content, &subscriptions, chrono::Utc::now(), lines);
        channels.extend(reminder_channels(Some(content), &subscriptions));
    }
    if groups.is_empty() {
        channels = reminder_channels(None, &subscriptions(global, &crate::group_id::GroupId::single()).await);
        channels.extend(deployment_channels.iter().cloned());
    }
    channels.sort();
    channels.dedup();
    channels
}

/// In an organization, a group with no home on any chat platform that is on: nobody can ask
/// it anything, and its organizers cannot organize it from chat.
fn homeless(groups: &[&crate::content::Content], args: &RunArgs, lines: &mut Vec<Line>) {
    let chat_on = args.discord.token.is_some() || args.matrix.homeserver.is_some();
    for content in groups.iter().filter(|c| !c.group.id.is_single()) {
        let home = &content.group.home;
        let reachable = (args.discord.token.is_some() && !home.discord.is_empty())
            || (args.matrix.homeserver.is_some() && !home.matrix.is_empty());
        if chat_on && !reachable {
            lines.push(Line::warn(
                format!("group {}", content.group.id.as_str()),
                "has no home on the chat platforms that are on: nobody can ask it anything there",
                format!(
                    "give it one in groups/{}/group.toml: [home] discord = [\"SERVER\" or \"SERVER/CHANNEL\"] or matrix = [\"!room:server\"]",
                    content.group.id.as_str()
                ),
            ));
        }
    }
}

/// A language given to a channel no reminder goes to is most likely a typo in its name: the
/// channel meant gets the group's language instead.
fn languages(content: &crate::content::Content, channels: &[String], lines: &mut Vec<Line>) {
    for (channel, locale) in &content.group.channel_languages {
        if !channels.contains(channel) {
            lines.push(Line::warn(
                "channel languages",
                format!("`{channel}` is given {} but no reminder goes there", locale.tag()),
                "correct its name in group.toml's [channel_languages] (the channel meant is written to in the \
                 group's language)",
            ));
        }
    }
}

/// Which env file was read, and each of its lines that did nothing (a misspelt name turns
/// nothing on, silently, unless said).
fn env(file: &Loaded, lines: &mut Vec<Line>) {
    match &file.path {
        Some(path) => lines.push(Line::ok("env file", path.display().to_string())),
        None => lines.push(Line::ok("env file", "none (settings from the environment only)")),
    }
    for warning in &file.warnings {
        lines.push(Line::fail("env file", warning.clone(), "correct the line (every variable is in .env.example)"));
    }
}

/// The organizers' reminder subscriptions, when the database answers.
async fn subscriptions(global: &Global, group: &crate::group_id::GroupId) -> Vec<crate::store::Subscription> {
    let Ok(store) = crate::store::Store::open_existing(global.database_url.as_ref().map(|s| s.expose())).await else {
        return Vec::new();
    };
    let subs = store.for_group(group).subscriptions().await.unwrap_or_default();
    store.close().await;
    subs
}

/// Every reminder channel the bot posts to (`platform:id`): the content's and the
/// organizers' subscriptions.
pub fn reminder_channels(
    content: Option<&crate::content::Content>,
    subscriptions: &[crate::store::Subscription],
) -> Vec<String> {
    let mut channels: Vec<String> =
        content.map(|c| c.meetings.iter().flat_map(|m| m.reminders.channels.clone()).collect()).unwrap_or_default();
    channels.extend(subscriptions.iter().map(|s| s.channel.clone()));
    channels.sort();
    channels.dedup();
    channels
}

/// The ids of `channels` on `platform`.
pub fn on(channels: &[String], platform: crate::chat::Platform) -> Vec<&str> {
    let prefix = format!("{}:", platform.as_str());
    channels.iter().filter_map(|c| c.strip_prefix(&prefix)).collect()
}

/// An API's answer: its status and its JSON body (null when it has none).
pub(crate) type Answer = Result<(u16, serde_json::Value), String>;

/// Sends `request` to `who` (for the message when nothing answers) and reads the answer.
pub(crate) async fn fetch(request: reqwest::RequestBuilder, who: &str) -> Answer {
    let response = request.send().await.map_err(|e| format!("{who} did not answer: {e}"))?;
    let status = response.status().as_u16();
    let bytes = response.bytes().await.unwrap_or_default();
    Ok((status, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null)))
}

/// A reqwest client for the checks: loopback and the platforms' APIs, ten seconds at most.
pub(crate) fn client() -> reqwest::Client {
    reqwest::Client::builder().use_rustls_tls().timeout(std::time::Duration::from_secs(10)).build().unwrap_or_default()
}
