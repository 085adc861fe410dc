//! Discord, asked over its REST API: the token, the application, the home servers, the bot's
//! permissions where it posts, the registered commands, and the invite URL.

use std::collections::HashMap;

use serde_json::Value;

use super::{Answer, Line};
use crate::config::DiscordConfig;

/// View Channel, Send Messages, Embed Links, Read Message History: what posting reminders
/// (and looking for an earlier attempt's post) needs in a channel.
const IN_CHANNEL: &[(u64, &str)] = &[
    (1 << 10, "View Channel"),
    (1 << 11, "Send Messages"),
    (1 << 14, "Embed Links"),
    (1 << 16, "Read Message History"),
];
/// Manage Events: keeping scheduled events.
const MANAGE_EVENTS: u64 = 1 << 33;
const ADMINISTRATOR: u64 = 1 << 3;

/// The permission integer an invite asks for with this configuration.
pub fn invite_permissions(config: &DiscordConfig) -> u64 {
    let channel: u64 = IN_CHANNEL.iter().map(|(bit, _)| bit).sum();
    if config.scheduled_events { channel | MANAGE_EVENTS } else { channel }
}

/// The invite URL for application `app`: the bot and its commands, with the permissions the
/// configuration needs.
pub fn invite_url(app: &str, config: &DiscordConfig) -> String {
    format!(
        "https://discord.com/oauth2/authorize?client_id={app}&scope=bot%20applications.commands&permissions={}",
        invite_permissions(config)
    )
}

/// Discord's REST API with the bot's token (and `DISCORD_API_BASE`), read-only.
pub struct Api {
    client: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    /// The API as `config` reaches it; `None` without a token.
    pub fn new(config: &DiscordConfig) -> Option<Api> {
        let token = config.token.as_ref()?.expose().trim();
        Some(Api {
            client: super::client(),
            base: config
                .api_base
                .clone()
                .unwrap_or_else(|| "https://discord.com".into())
                .trim_end_matches('/')
                .to_string(),
            token: if token.starts_with("Bot ") { token.to_string() } else { format!("Bot {token}") },
        })
    }

    /// `GET /api/v10{path}`: the status and the JSON body.
    pub async fn get(&self, path: &str) -> Answer {
        let request = self.client.get(format!("{}/api/v10{path}", self.base));
        super::fetch(request.header(reqwest::header::AUTHORIZATION, &self.token), "Discord").await
    }
}

/// The home servers the bot is in, by id: each server (its owner, roles and name) and the bot's
/// membership in it (its roles), what its permissions are computed from.
#[derive(Default)]
struct Homes {
    guilds: HashMap<String, Value>,
    members: HashMap<String, Value>,
}

/// Every Discord check; `channels` are the reminder channels, all platforms'. Without a token
/// and application that Discord gives, none after them.
pub async fn check(config: &DiscordConfig, channels: &[String], lines: &mut Vec<Line>) {
    let Some(api) = Api::new(config) else { return };
    let Some(me) = token(&api, lines).await else { return };
    let Some(app) = application(&api, lines).await else { return };
    let app_id = app["id"].as_str().unwrap_or_default().to_string();
    public_key(config, &app, lines);
    public_bot(&app, lines);
    let invite = invite_url(&app_id, config);
    let homes = home_servers(&api, config, &me, &invite, lines).await;
    organizer_role(&api, config, &homes, lines).await;
    may_post(&api, channels, &homes, &me, lines).await;
    commands(&api, &app_id, &homes, lines).await;
    lines.push(Line::ok("discord invite url", invite));
}

/// Whether Discord takes the token: the bot's user id, or `None` when every later check would
/// be refused too.
async fn token(api: &Api, lines: &mut Vec<Line>) -> Option<String> {
    match api.get("/users/@me").await {
        Ok((200, me)) => {
            let name = me["username"].as_str().unwrap_or("?");
            lines.push(Line::ok("discord token", format!("valid: the bot is {name}")));
            Some(me["id"].as_str().unwrap_or_default().to_string())
        }
        Ok((401, _)) => {
            lines.push(Line::fail(
                "discord token",
                "refused by Discord (401)",
                "reset the token in the developer portal (Bot → Reset Token) and set DISCORD_TOKEN to it",
            ));
            None
        }
        Ok((status, _)) => {
            lines.push(Line::fail("discord token", format!("Discord answered {status}"), "try again later"));
            None
        }
        Err(e) => {
            lines.push(Line::fail("discord", e, "check the network (or DISCORD_API_BASE)"));
            None
        }
    }
}

/// The token's application, which the public key, the commands and the invite URL belong to;
/// `None` when Discord does not give it.
async fn application(api: &Api, lines: &mut Vec<Line>) -> Option<Value> {
    match api.get("/applications/@me").await {
        Ok((200, app)) => Some(app),
        other => {
            lines.push(Line::fail("discord application", describe(other), "check the token's application"));
            None
        }
    }
}

/// `DISCORD_PUBLIC_KEY` is the application's: with another, every interaction Discord sends
/// fails its signature check.
fn public_key(config: &DiscordConfig, app: &Value, lines: &mut Vec<Line>) {
    match (&config.public_key, app["verify_key"].as_str()) {
        (Some(ours), Some(theirs)) if ours.trim().eq_ignore_ascii_case(theirs) => {
            lines.push(Line::ok("discord public key", "matches the application's"))
        }
        (Some(_), theirs) => lines.push(Line::fail(
            "discord public key",
            format!("DISCORD_PUBLIC_KEY is not this application's ({})", theirs.unwrap_or("none given")),
            "copy the Public Key from the developer portal (General Information) into DISCORD_PUBLIC_KEY",
        )),
        (None, _) => {}
    }
}

/// "Public Bot" is off: on, anyone can add the bot to their server.
fn public_bot(app: &Value, lines: &mut Vec<Line>) {
    if app["bot_public"].as_bool() == Some(true) {
        lines.push(Line::warn(
            "discord public bot",
            "\"Public Bot\" is on: anyone can add the bot to a server",
            "switch it off in the developer portal (Bot → Public Bot)",
        ));
    } else {
        lines.push(Line::ok("discord public bot", "off: only the application's owner can add the bot"));
    }
}

/// The home servers: the bot is in each (`invite` puts it there), and may keep scheduled events
/// when they are on. The servers it is in, for the checks that follow.
async fn home_servers(api: &Api, config: &DiscordConfig, me: &str, invite: &str, lines: &mut Vec<Line>) -> Homes {
    let mut homes = Homes::default();
    for home in config.homes() {
        let id = home.to_string();
        match api.get(&format!("/guilds/{id}")).await {
            Ok((200, guild)) => {
                let member = match api.get(&format!("/guilds/{id}/members/{me}")).await {
                    Ok((200, m)) => m,
                    _ => Value::Null,
                };
                let name = guild["name"].as_str().unwrap_or("?").to_string();
                lines.push(Line::ok(format!("discord home {id}"), format!("the bot is in {name}")));
                if config.scheduled_events && base_permissions(&guild, &member, me) & MANAGE_EVENTS == 0 {
                    lines.push(Line::fail(
                        format!("discord home {id}"),
                        "scheduled events are on, but the bot lacks Manage Events",
                        "give the bot's role Manage Events (Server Settings → Roles)",
                    ));
                }
                homes.guilds.insert(id.clone(), guild);
                homes.members.insert(id, member);
            }
            other => lines.push(Line::fail(
                format!("discord home {id}"),
                format!("the bot is not in this server ({})", describe(other)),
                format!("invite it: {invite}"),
            )),
        }
    }
    homes
}

/// The organizer role, when given by name: in every home server, and only one of its name
/// (else nobody but the owner and administrators organizes).
async fn organizer_role(api: &Api, config: &DiscordConfig, homes: &Homes, lines: &mut Vec<Line>) {
    let Some(role) = config.organizer_role.as_deref().map(str::trim).filter(|r| r.parse::<u64>().is_err()) else {
        return;
    };
    for id in homes.guilds.keys() {
        let what = format!("discord organizer role {id}");
        match api.get(&format!("/guilds/{id}/roles")).await {
            Ok((200, Value::Array(roles))) => {
                let named =
                    roles.iter().filter_map(|r| Some((r["id"].as_str()?.parse::<u64>().ok()?, r["name"].as_str()?)));
                let listed: Vec<(serenity::all::RoleId, &str)> =
                    named.filter(|(n, _)| *n != 0).map(|(n, name)| (serenity::all::RoleId::new(n), name)).collect();
                if crate::discord::role_named(listed.iter().copied(), role).is_some() {
                    lines.push(Line::ok(what, format!("`{role}` exists")));
                } else {
                    lines.push(Line::fail(
                        what,
                        format!("no role is called `{role}` (or two differ only in case): nobody but the owner and administrators organizes"),
                        format!("create the role `{role}` (Server Settings → Roles) and give it to the organizers, or set DISCORD_ORGANIZER_ROLE to an existing role"),
                    ));
                }
            }
            other => lines.push(Line::fail(what, describe(other), "check the bot's access to the server")),
        }
    }
}

/// Every channel reminders go to: in a home server, and the bot may view it, post and embed
/// there, and read its history (to find an earlier attempt's post).
async fn may_post(api: &Api, channels: &[String], homes: &Homes, me: &str, lines: &mut Vec<Line>) {
    for channel in super::on(channels, crate::chat::Platform::Discord) {
        let what = format!("discord channel {channel}");
        let ch = match api.get(&format!("/channels/{channel}")).await {
            Ok((200, ch)) => ch,
            other => {
                lines.push(Line::fail(
                    what,
                    format!("cannot be seen ({})", describe(other)),
                    "check the id, and that the bot can view the channel",
                ));
                continue;
            }
        };
        let guild_id = ch["guild_id"].as_str().unwrap_or_default().to_string();
        let (Some(guild), Some(member)) = (homes.guilds.get(&guild_id), homes.members.get(&guild_id)) else {
            lines.push(Line::fail(what, "is not in a home server", "post reminders in the group's own server"));
            continue;
        };
        let allowed = channel_permissions(guild, member, me, &ch);
        let missing: Vec<&str> = IN_CHANNEL.iter().filter(|(bit, _)| allowed & bit == 0).map(|(_, n)| *n).collect();
        let name = ch["name"].as_str().unwrap_or("?");
        if missing.is_empty() {
            lines.push(Line::ok(what, format!("#{name}: the bot may view, post, embed and read history")));
        } else {
            lines.push(Line::fail(
                what,
                format!("#{name}: the bot lacks {}", missing.join(", ")),
                "allow them for the bot's role in the channel's permissions",
            ));
        }
    }
}

/// The commands, which the bot registers in each home server at start: all of them there, or
/// members cannot type the missing ones.
async fn commands(api: &Api, app_id: &str, homes: &Homes, lines: &mut Vec<Line>) {
    let wanted: Vec<&str> = crate::engine::catalog::ALL.iter().map(|s| s.name.0).collect();
    for id in homes.guilds.keys() {
        match api.get(&format!("/applications/{app_id}/guilds/{id}/commands")).await {
            Ok((200, Value::Array(registered))) => {
                let names: Vec<&str> = registered.iter().filter_map(|c| c["name"].as_str()).collect();
                let missing: Vec<&str> = wanted.iter().filter(|w| !names.contains(w)).copied().collect();
                if missing.is_empty() {
                    lines.push(Line::ok(format!("discord commands {id}"), format!("all {} registered", wanted.len())));
                } else {
                    lines.push(Line::fail(
                        format!("discord commands {id}"),
                        format!("not registered: /{}", missing.join(", /")),
                        "start the bot: it registers them in the home servers at start",
                    ));
                }
            }
            other => lines.push(Line::fail(
                format!("discord commands {id}"),
                describe(other),
                "invite the bot with the applications.commands scope",
            )),
        }
    }
}

/// An answer from Discord in a few words: the status and Discord's message.
pub(crate) fn describe(answer: Answer) -> String {
    match answer {
        Ok((status, body)) => {
            format!(
                "Discord answered {status}{}",
                body["message"].as_str().map(|m| format!(": {m}")).unwrap_or_default()
            )
        }
        Err(e) => e,
    }
}

fn bits(v: &Value) -> u64 {
    v.as_str().and_then(|s| s.parse().ok()).or_else(|| v.as_u64()).unwrap_or(0)
}

/// The bot's permissions in the server: @everyone's and its roles', everything for the owner
/// or an administrator.
fn base_permissions(guild: &Value, member: &Value, me: &str) -> u64 {
    if guild["owner_id"].as_str() == Some(me) {
        return u64::MAX;
    }
    let guild_id = guild["id"].as_str().unwrap_or_default();
    let mine: Vec<&str> =
        member["roles"].as_array().map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    let mut perms = 0;
    for role in guild["roles"].as_array().into_iter().flatten() {
        let id = role["id"].as_str().unwrap_or_default();
        if id == guild_id || mine.contains(&id) {
            perms |= bits(&role["permissions"]);
        }
    }
    if perms & ADMINISTRATOR != 0 { u64::MAX } else { perms }
}

/// The bot's permissions in one channel: the server's, then the channel's overwrites for
/// @everyone, its roles, and itself, as Discord computes them.
fn channel_permissions(guild: &Value, member: &Value, me: &str, channel: &Value) -> u64 {
    let mut perms = base_permissions(guild, member, me);
    if perms == u64::MAX {
        return perms;
    }
    let guild_id = guild["id"].as_str().unwrap_or_default();
    let mine: Vec<&str> =
        member["roles"].as_array().map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    let overwrites: Vec<&Value> =
        channel["permission_overwrites"].as_array().map(|o| o.iter().collect()).unwrap_or_default();
    let apply = |perms: u64, o: &Value| (perms & !bits(&o["deny"])) | bits(&o["allow"]);
    if let Some(everyone) = overwrites.iter().find(|o| o["id"].as_str() == Some(guild_id)) {
        perms = apply(perms, everyone);
    }
    let (mut deny, mut allow) = (0, 0);
    for o in overwrites
        .iter()
        .filter(|o| o["type"].as_u64() == Some(0) && o["id"].as_str().is_some_and(|id| mine.contains(&id)))
    {
        deny |= bits(&o["deny"]);
        allow |= bits(&o["allow"]);
    }
    perms = (perms & !deny) | allow;
    if let Some(own) = overwrites.iter().find(|o| o["type"].as_u64() == Some(1) && o["id"].as_str() == Some(me)) {
        perms = apply(perms, own);
    }
    perms
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_invite_asks_for_what_the_configuration_needs() {
        let mut config = DiscordConfig::default();
        assert_eq!(invite_permissions(&config), 84992);
        config.scheduled_events = true;
        assert_eq!(invite_permissions(&config), 8590019584);
    }

    #[test]
    fn channel_overwrites_apply_in_discords_order() {
        let guild = json!({"id": "1", "owner_id": "9", "roles": [
            {"id": "1", "permissions": (1u64 << 10 | 1 << 11).to_string()},
            {"id": "5", "permissions": (1u64 << 14).to_string()},
        ]});
        let member = json!({"roles": ["5"]});
        let open = json!({"permission_overwrites": []});
        assert_eq!(channel_permissions(&guild, &member, "2", &open), 1 << 10 | 1 << 11 | 1 << 14);
        // @everyone denied sending; the bot's role allowed it again; the bot itself denied embeds.
        let closed = json!({"permission_overwrites": [
            {"id": "1", "type": 0, "allow": "0", "deny": (1u64 << 11).to_string()},
            {"id": "5", "type": 0, "allow": (1u64 << 11).to_string(), "deny": "0"},
            {"id": "2", "type": 1, "allow": "0", "deny": (1u64 << 14).to_string()},
        ]});
        assert_eq!(channel_permissions(&guild, &member, "2", &closed), 1 << 10 | 1 << 11);
        let admin = json!({"id": "1", "owner_id": "9", "roles": [{"id": "1", "permissions": "8"}]});
        assert_eq!(channel_permissions(&admin, &member, "2", &closed), u64::MAX);
    }
}
