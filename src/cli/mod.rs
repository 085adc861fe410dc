//! The subcommands behind `main.rs`: each takes the parsed configuration and returns the
//! process's exit code.

mod ask;
mod backup;
mod check;
mod doctor;

mod export;
mod ics;
mod migrate;
mod reminders;
mod run;
mod setup;

use std::process::ExitCode;

use chrono::Utc;

use crate::config::{AskAs, Cli, Cmd, RunArgs};
use crate::engine::{Engine, Organization, Request, Settings, Whose};
use crate::locale::Locale;
use crate::store::Store;

/// Exit code for what stops a command before it starts: content that does not load, a
/// database that cannot be opened or migrated.
const CANNOT_START: u8 = 1;

/// Runs the subcommand the command line asked for.
pub async fn dispatch(cli: Cli) -> ExitCode {
    let global = cli.global;
    match cli.command {
        // Plain `convoca` is `convoca run`, with its settings from the environment.
        None => match RunArgs::from_env() {
            Ok(args) => run::run(&global, args).await,
            Err(e) => {
                match crate::config::explain(&e) {
                    Some(said) => eprintln!("convoca: {said}"),
                    None => {
                        let _ = e.print();
                    }
                }
                ExitCode::from(2)
            }
        },
        Some(Cmd::Run(args)) => run::run(&global, args).await,
        Some(Cmd::Console(args)) => run::console_only(&global, args).await,
        Some(Cmd::Ask(args)) => ask::ask(&global, args).await,
        Some(Cmd::Check) => check::check(&global),
        Some(Cmd::Ics(args)) => ics::ics(&global, args).await,
        Some(Cmd::Export(args)) => export::export(&global, args).await,
        Some(Cmd::Reminders(args)) => reminders::reminders(&global, args).await,
        Some(Cmd::Backup(args)) => backup::backup(&global, args).await,
        Some(Cmd::Migrate(args)) => migrate::migrate(&global, args).await,
        Some(Cmd::Doctor(args)) => doctor::doctor(&global, args).await,
        Some(Cmd::Setup(args)) => setup::setup(&global, args).await,
    }
}

/// Opens the database, creating it when it does not exist (the bot, the console and `ask`
/// start on a fresh clone); a database made here is said, so that a command run from the
/// wrong folder does not pass unnoticed.
async fn open_store(global: &crate::config::Global) -> Result<Store, ExitCode> {
    let url = global.database_url.as_ref().map(|s| s.expose());
    let new_file = Store::sqlite_file_of(url).filter(|file| !file.exists());
    let store = Store::open(url).await.map_err(|e| {
        eprintln!("convoca: {e}");
        ExitCode::from(CANNOT_START)
    })?;
    if let Some(file) = new_file {
        let line = format!(
            "convoca: made a new, empty database: {} ({})",
            absolute(&file).display(),
            where_settings_came_from()
        );
        say(global, &line);
    }
    Ok(store)
}

/// Opens the database the bot uses, for a command that reads or maintains it (`export`,
/// `reminders`, `backup`, `migrate`): one that does not exist is an error that says where
/// convoca looked and where its settings came from, never a new empty database.
async fn open_existing_store(global: &crate::config::Global) -> Result<Store, ExitCode> {
    let url = global.database_url.as_ref().map(|s| s.expose());
    Store::open_existing(url).await.map_err(|e| {
        eprintln!("convoca: {e}");
        eprintln!(
            "convoca: {}; run it with the bot's settings (sudo convoca …, which reads {}, or --env-file FILE)",
            where_settings_came_from(),
            crate::config::env_file::SERVICE_ENV_FILE
        );
        ExitCode::from(CANNOT_START)
    })
}

/// "settings from /etc/convoca/convoca.env", or that no env file was read.
fn where_settings_came_from() -> String {
    match crate::config::env_file::loaded().path {
        Some(path) => format!("settings from {}", absolute(&path).display()),
        None => {
            let service = std::path::Path::new(crate::config::env_file::SERVICE_ENV_FILE);
            let why = if service.exists() { "cannot be read by this user" } else { "does not exist" };
            format!(
                "no env file was read: no .env in {}, and {} {why}",
                absolute(std::path::Path::new(".")).display(),
                service.display()
            )
        }
    }
}

fn absolute(path: &std::path::Path) -> std::path::PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Loads the content and opens the database (made when missing): the one group a command
/// is for.
async fn open_engine(global: &crate::config::Global) -> Result<Engine, ExitCode> {
    open_engine_with(global, Settings::default()).await
}

/// The same, with settings for replies (the bot's public address).
async fn open_engine_with(global: &crate::config::Global, settings: Settings) -> Result<Engine, ExitCode> {
    let org = open_org_with(global, settings).await?;
    one_group(global, &org)
}

/// Every group of the content root, on the database (made when missing): what the bot, the
/// console and `ask` need.
async fn open_org_with(global: &crate::config::Global, settings: Settings) -> Result<Organization, ExitCode> {
    // No content folder at all is a command run from the wrong folder: said before a
    // database is made there.
    if !global.content.is_dir() {
        eprintln!("convoca: there is no content folder at {}", absolute(&global.content).display());
        eprintln!("convoca: {}; run it with the bot's settings (--env-file FILE)", where_settings_came_from());
        return Err(ExitCode::from(CANNOT_START));
    }
    let store = open_store(global).await?;
    open_root(global, store, settings)
}

/// The content and the existing database the bot uses, for `export` and `reminders`.
async fn open_existing_engine(global: &crate::config::Global) -> Result<Engine, ExitCode> {
    open_existing_engine_with(global, Settings::default()).await
}

/// The same, with settings (the deployment's reminder channels).
async fn open_existing_engine_with(global: &crate::config::Global, settings: Settings) -> Result<Engine, ExitCode> {
    let store = open_existing_store(global).await?;
    if let Err(e) = store.migrate().await {
        eprintln!("convoca: {e}");
        return Err(ExitCode::from(CANNOT_START));
    }
    let org = open_root(global, store, settings)?;
    one_group(global, &org)
}

/// Every group of the content root, each on its own rows of `store`.
/// A group whose files have errors is left out, said with them: one group's typo does not
/// keep the others (or their organizers' tools) from working.
fn open_root(global: &crate::config::Global, store: Store, settings: Settings) -> Result<Organization, ExitCode> {
    match Organization::open_each(&global.content, store, settings) {
        Ok((org, broken)) => {
            for (group, errors) in broken {
                say(global, &format!("convoca: the group {group} has errors and is left out until they are fixed:"));
                say(global, &errors.to_string());
            }
            Ok(org)
        }
        Err(errors) => {
            eprintln!("convoca: the content in {} has errors:", global.content.display());
            eprintln!("{errors}");
            if !global.content.is_dir() {
                eprintln!("convoca: {}; run it with the bot's settings (--env-file FILE)", where_settings_came_from());
            }
            Err(ExitCode::from(CANNOT_START))
        }
    }
}

/// Which platforms the content root gives homes on (its `[home]` tables), for the settings'
/// check: nothing when it does not load (its errors are said when the bot opens it).
fn declared_homes(global: &crate::config::Global) -> crate::config::Declared {
    crate::content::load_root(&global.content, Utc::now()).map(|root| root.declared()).unwrap_or_default()
}

/// Records from before a one-group folder became an organization, not yet moved into one
/// of its groups: said, with the command that moves them. `Some` when there are any.
async fn unmoved(org: &Organization) -> Option<String> {
    // Only an organization has groups to move records into.
    org.about()?;
    match org.any().store().single_group_rows().await {
        Ok(0) | Err(_) => None,
        Ok(n) => Some(format!(
            "convoca: the database holds {n} record(s) (sign-ups, answers, calendar changes, subscriptions) from \
             before this content became an organization, which no group shows; with the bot stopped, run \
             `convoca migrate --into-group NAME` to move them into the group they belong to"
        )),
    }
}

/// The group `--group` names, or the only one; `None` for an organization of several
/// groups when none is named (the terminal then speaks for the organization).
fn chosen_group(global: &crate::config::Global, org: &Organization) -> Result<Option<Engine>, ExitCode> {
    let Some(name) = global.group.as_deref().map(str::trim) else { return Ok(org.only()) };
    let groups = org.groups();
    if let Some(engine) = groups.get(&crate::group_id::GroupId::named(name)) {
        return Ok(Some(engine.clone()));
    }
    let names: Vec<&str> = groups.keys().map(|g| g.as_str()).filter(|g| !g.is_empty()).collect();
    if crate::content::valid_slug(name) && global.content.join("groups").join(name).is_dir() {
        eprintln!("convoca: the group `{name}` has errors (said above): fix them, then ask again");
    } else if names.is_empty() {
        eprintln!("convoca: {} is one group; leave --group out", global.content.display());
    } else {
        eprintln!("convoca: no group is called `{name}`; the groups: {}", names.join(", "));
    }
    Err(ExitCode::from(2))
}

/// The one group a command works on (a roster, a calendar, reminders): `--group`, or the
/// only one.
fn one_group(global: &crate::config::Global, org: &Organization) -> Result<Engine, ExitCode> {
    chosen_group(global, org)?.ok_or_else(|| {
        let names: Vec<String> = org.groups().keys().map(|g| g.as_str().to_string()).collect();
        eprintln!(
            "convoca: {} holds several groups ({}): name one with --group NAME",
            global.content.display(),
            names.join(", ")
        );
        ExitCode::from(2)
    })
}

/// A line for whoever started the command: on the terminal as is, or, with JSON logs, as
/// one more log event (a log shipper reads nothing else).
fn say(global: &crate::config::Global, line: &str) {
    match global.log_format {
        crate::config::LogFormat::Json => tracing::info!("{line}"),
        crate::config::LogFormat::Text => eprintln!("{line}"),
    }
}

/// Whom the terminal speaks for: the group `--group` names (or the only one), else the
/// organization, whose home the terminal of whoever runs the bot is.
struct Terminal {
    org: Organization,
    group: Option<Engine>,
}

impl Terminal {
    fn whose(&self) -> Whose {
        match &self.group {
            Some(engine) => Whose::Group(engine.group().clone()),
            None => Whose::Organization,
        }
    }

    /// Answers one line typed by `who`.
    async fn answer(&self, who: &AskAs, text: &str) -> crate::engine::Reply {
        let req = self.request(who, text);
        self.org.handle(&req, &self.whose()).await
    }

    /// A request from the terminal user described by `who`.
    fn request(&self, who: &AskAs, text: &str) -> Request {
        let command = crate::engine::Command::parse(text);
        let now = who.now.unwrap_or_else(Utc::now);
        let mut req = Request::new(&crate::console::ABILITIES, &who.user, &who.name, command, now);
        let language = match (&self.group, self.org.about()) {
            (Some(engine), _) => engine.content().current().group.language,
            (None, Some(about)) => about.language,
            (None, None) => self.org.any().content().current().group.language,
        };
        req.locale = who.locale.as_deref().map_or(language, Locale::from_tag);
        req.organizer = who.organizer;
        req.zone = who.tz;
        req
    }
}
