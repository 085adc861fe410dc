//! Discord's part of setup: the token checked, the home server chosen among those the bot is
//! in (with the invite link when it is in none), the organizer role found, and the server's
//! text channels offered for reminders.

use serde_json::Value;

use super::prompt::Prompt;
use super::{Choice, SetupError};
use crate::config::{DiscordConfig, Secret};
use crate::doctor::discord::{Api, invite_url};

/// What setup learned on Discord.
pub struct Found {
    /// The settings, checked.
    pub config: DiscordConfig,
    /// Text channels of the home server, for reminders: `(channel id, #name)`.
    pub channels: Vec<(String, String)>,
    /// The invite link this configuration needs.
    pub invite: String,
}

/// How many times a refused answer is asked again on a terminal.
const TRIES: usize = 3;

/// Asks for (or takes) the token, the home server and the organizer role, checking each.
pub async fn setup(given: &DiscordConfig, prompt: &mut dyn Prompt) -> Result<Found, SetupError> {
    let mut config = given.clone();
    if let Some(base) = &config.api_base {
        prompt.say(&format!(
            "! Discord's API is reached at {base} (DISCORD_API_BASE), not discord.com: the token goes there."
        ));
    }
    let mut api = None;
    for _ in 0..TRIES {
        let token = match config.token.clone() {
            Some(t) => t,
            None => prompt
                .secret("Discord bot token (developer portal → your application → Bot → Reset Token)")
                .and_then(|t| t.parse::<Secret>().ok())
                .ok_or(SetupError::Missing {
                    what: "the Discord bot token",
                    flag: "--discord-token (or DISCORD_TOKEN)",
                })?,
        };
        config.token = Some(token);
        let candidate =
            Api::new(&config).ok_or(SetupError::Missing { what: "the Discord bot token", flag: "--discord-token" })?;
        match candidate.get("/users/@me").await {
            Ok((200, me)) => {
                prompt.say(&format!("✓ Discord token: the bot is {}", me["username"].as_str().unwrap_or("?")));
                api = Some(candidate);
                break;
            }
            Ok((401, _)) => {
                prompt.say("✗ Discord refused this token (401): copy it again (Bot → Reset Token).");
                config.token = None;
                if !prompt.interactive() {
                    return Err(SetupError::Refused("Discord refused the token (401)".into()));
                }
            }
            other => {
                return Err(SetupError::Refused(format!(
                    "checking the token: {}",
                    crate::doctor::discord::describe(other)
                )));
            }
        }
    }
    let api = api.ok_or_else(|| SetupError::Refused("no Discord token was accepted".into()))?;
    let app = match api.get("/applications/@me").await {
        Ok((200, app)) => app,
        other => {
            return Err(SetupError::Refused(format!(
                "cannot read the Discord application ({})",
                crate::doctor::discord::describe(other)
            )));
        }
    };
    let invite = invite_url(app["id"].as_str().unwrap_or_default(), &config);
    if app["bot_public"].as_bool() == Some(true) {
        prompt.say("! \"Public Bot\" is on: anyone can add the bot to a server. Switch it off (Bot → Public Bot).");
    }
    let home = home_server(&api, &config, &invite, prompt).await?;
    config.home = vec![home.clone()];
    config.guild_id = None;
    organizer_role(&api, &mut config, &home, prompt).await?;
    let channels = text_channels(&api, &home).await;
    Ok(Found { config, channels, invite })
}

/// The home server: given, or chosen among the servers the bot is in (one is taken as is).
async fn home_server(
    api: &Api,
    config: &DiscordConfig,
    invite: &str,
    prompt: &mut dyn Prompt,
) -> Result<String, SetupError> {
    if let Some(id) = config.homes().first() {
        return match api.get(&format!("/guilds/{id}")).await {
            Ok((200, g)) => {
                prompt.say(&format!("✓ Discord home: the bot is in {}", g["name"].as_str().unwrap_or("?")));
                Ok(id.to_string())
            }
            _ => Err(SetupError::Refused(format!("the bot is not in the server {id}: invite it with {invite}"))),
        };
    }
    for _ in 0..TRIES {
        let servers: Vec<(String, String)> = match api.get("/users/@me/guilds").await {
            Ok((200, Value::Array(list))) => list
                .iter()
                .filter_map(|g| Some((g["id"].as_str()?.to_string(), g["name"].as_str().unwrap_or("?").to_string())))
                .collect(),
            other => {
                return Err(SetupError::Refused(format!(
                    "cannot list the bot's servers ({})",
                    crate::doctor::discord::describe(other)
                )));
            }
        };
        match servers.as_slice() {
            [] => {
                prompt.say(&format!("The bot is in no server yet. Invite it to the group's server:\n  {invite}"));
                if prompt.ask("Press Enter once it is there", Some("")).is_none() {
                    return Err(SetupError::Missing { what: "the home server", flag: "--discord-home" });
                }
            }
            [(id, name)] => {
                prompt.say(&format!("✓ Discord home: {name} (the only server the bot is in)"));
                return Ok(id.clone());
            }
            many => {
                let choices: Vec<Choice> =
                    many.iter().map(|(id, name)| Choice { value: id.clone(), shown: name.clone() }).collect();
                return super::choose(prompt, "Which server is the group's home?", &choices, None)
                    .ok_or(SetupError::Missing { what: "the home server", flag: "--discord-home" });
            }
        }
    }
    Err(SetupError::Refused(format!("the bot was not invited to a server: {invite}")))
}

/// The organizer role: asked (Organizers by default) and looked for in the home server.
async fn organizer_role(
    api: &Api,
    config: &mut DiscordConfig,
    home: &str,
    prompt: &mut dyn Prompt,
) -> Result<(), SetupError> {
    let mut role = config.organizer_role.clone();
    for _ in 0..TRIES {
        let name = match role.clone() {
            Some(r) => r,
            None => prompt
                .ask("The role that makes a member an organizer", Some("Organizers"))
                .unwrap_or_else(|| "Organizers".into()),
        };
        config.organizer_role = Some(name.clone());
        if name.trim().parse::<u64>().is_ok() {
            return Ok(());
        }
        let roles: Vec<(serenity::all::RoleId, String)> = match api.get(&format!("/guilds/{home}/roles")).await {
            Ok((200, Value::Array(list))) => list
                .iter()
                .filter_map(|r| {
                    let id = r["id"].as_str()?.parse::<u64>().ok().filter(|n| *n != 0)?;
                    Some((serenity::all::RoleId::new(id), r["name"].as_str()?.to_string()))
                })
                .collect(),
            _ => Vec::new(),
        };
        if crate::discord::role_named(roles.iter().map(|(id, n)| (*id, n.as_str())), name.trim()).is_some() {
            prompt.say(&format!("✓ Discord organizer role: `{name}` exists"));
            return Ok(());
        }
        let names: Vec<&str> = roles.iter().map(|(_, n)| n.as_str()).filter(|n| *n != "@everyone").collect();
        let near = crate::suggest::closest(name.trim(), names.iter().copied())
            .map(|n| format!(" Did you mean `{n}`?"))
            .unwrap_or_default();
        prompt.say(&format!(
            "! No role is called `{name}` in the server (its roles: {}).{near} Until it exists only the owner and \
             administrators organize: create it (Server Settings → Roles → Create Role) and give it to the organizers, \
             or name an existing role.",
            if names.is_empty() { "none".to_string() } else { names.join(", ") }
        ));
        if !prompt.interactive() {
            return Ok(());
        }
        role = prompt.ask("Press Enter once it exists, or type the name of an existing role", Some(&name));
    }
    Ok(())
}

/// The home server's text and announcement channels, in the server's order.
async fn text_channels(api: &Api, home: &str) -> Vec<(String, String)> {
    let Ok((200, Value::Array(list))) = api.get(&format!("/guilds/{home}/channels")).await else { return Vec::new() };
    let mut channels: Vec<(i64, String, String)> = list
        .iter()
        .filter(|c| matches!(c["type"].as_u64(), Some(0 | 5)))
        .filter_map(|c| {
            Some((
                c["position"].as_i64().unwrap_or(0),
                c["id"].as_str()?.to_string(),
                format!("#{}", c["name"].as_str()?),
            ))
        })
        .collect();
    channels.sort();
    channels.into_iter().map(|(_, id, name)| (id, name)).collect()
}
