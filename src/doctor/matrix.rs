//! Matrix, asked over the client-server API with the bot's saved session (never through the
//! SDK, whose store the running bot holds): the session, the home and reminder rooms, the
//! device's verification and the key backup.

use serde_json::{Value, json};

use super::{Answer, Line};
use crate::config::{HomeRoom, MatrixConfig};

struct Api {
    client: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    async fn call(&self, request: reqwest::RequestBuilder) -> Answer {
        let request = request.header(reqwest::header::AUTHORIZATION, format!("Bearer {}", self.token));
        super::fetch(request, "the homeserver").await
    }

    async fn get(&self, path: &str) -> Answer {
        self.call(self.client.get(format!("{}/_matrix/client/v3{path}", self.base))).await
    }

    async fn post(&self, path: &str, body: &Value) -> Answer {
        let request = self
            .client
            .post(format!("{}/_matrix/client/v3{path}", self.base))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string());
        self.call(request).await
    }
}

/// The rooms the bot posts in: the home rooms it is in, then the other reminder rooms it is in.
#[derive(Default)]
struct Rooms {
    /// Each room as configured (an alias or an id) and its id.
    posted: Vec<(String, String)>,
    /// The ids of the home rooms among them.
    homes: Vec<String>,
}

/// `%`-encodes a room id or alias for a path.
/// A path segment percent-encoded (room ids and aliases hold `!`, `#` and `:`).
pub(crate) fn encode(s: &str) -> String {
    crate::engine::answers::meeting::encode(s)
}

/// Every Matrix check, in order; without a session that the homeserver takes, none after it.
pub async fn check(config: &MatrixConfig, channels: &[String], lines: &mut Vec<Line>) {
    let Some(homeserver) = &config.homeserver else { return };
    store(config, lines);
    let Some(token) = access_token(config) else {
        no_session(config, homeserver, lines).await;
        return;
    };
    let api = Api { client: super::client(), base: homeserver.trim_end_matches('/').to_string(), token };
    let Some((me, device)) = session(&api, config, lines).await else { return };
    let joined = joined_rooms(&api).await;
    let mut rooms = home_rooms(&api, config, &joined, &me, lines).await;
    reminder_rooms(channels, &joined, &me, &mut rooms, lines);
    may_post(&api, &rooms, &me, lines).await;
    verification(&api, &me, &device, lines).await;
    key_backup(&api, config, lines).await;
}

/// Whether the store is encrypted: without a passphrase the bot's keys and every encrypted
/// room's history lie readable on disk.
fn store(config: &MatrixConfig, lines: &mut Vec<Line>) {
    if config.store_passphrase.is_none() {
        lines.push(Line::warn(
            "matrix store",
            format!("{} is not encrypted: the bot's keys and the rooms' history lie readable on disk", config.store_path.display()),
            "set MATRIX_STORE_PASSPHRASE (a store made without it must be made again: move the folder aside, and the bot logs in as a new device)",
        ));
    }
}

/// The access token to ask with: `MATRIX_ACCESS_TOKEN`, else the one the bot saved at its last
/// login; `None` when it has never logged in.
fn access_token(config: &MatrixConfig) -> Option<String> {
    let saved = crate::matrix::session::read(&config.store_path);
    match (&config.access_token, &saved) {
        (Some(token), _) => Some(token.expose().to_string()),
        (None, Some(session)) => Some(session.tokens.access_token.clone()),
        (None, None) => None,
    }
}

/// Without a session: at least whether the homeserver answers, and that the bot must log in
/// once before anything else can be asked.
async fn no_session(config: &MatrixConfig, homeserver: &str, lines: &mut Vec<Line>) {
    let url = format!("{}/_matrix/client/versions", homeserver.trim_end_matches('/'));
    match super::fetch(super::client().get(url), "the homeserver").await {
        Ok((200, _)) => lines.push(Line::ok("matrix homeserver", format!("{homeserver} answers"))),
        Ok((status, _)) => lines.push(Line::fail(
            "matrix homeserver",
            format!("{homeserver} answered {status}: not a Matrix homeserver's client API"),
            "check MATRIX_HOMESERVER",
        )),
        Err(e) => lines.push(Line::fail("matrix homeserver", e, "check MATRIX_HOMESERVER and the network")),
    }
    lines.push(Line::fail(
        "matrix session",
        format!("no saved session in {}", config.store_path.display()),
        "start the bot once: it logs in with MATRIX_PASSWORD and keeps the session there (the journal says if the login fails)",
    ));
}

/// Whether the homeserver takes the token: the bot's user id and device, or `None` when every
/// later check would be refused too.
async fn session(api: &Api, config: &MatrixConfig, lines: &mut Vec<Line>) -> Option<(String, String)> {
    match api.get("/account/whoami").await {
        Ok((200, who)) => {
            let me = who["user_id"].as_str().unwrap_or_default().to_string();
            let device = who["device_id"].as_str().unwrap_or_default().to_string();
            lines.push(Line::ok("matrix session", format!("valid: {me}, device {device}")));
            Some((me, device))
        }
        Ok((401, _)) => {
            let fix = if config.access_token.is_some() {
                "set MATRIX_ACCESS_TOKEN to a valid token (or use MATRIX_PASSWORD)"
            } else {
                "start the bot: it logs in again with MATRIX_PASSWORD on the same device"
            };
            lines.push(Line::fail("matrix session", "the homeserver refused the access token (401)", fix));
            None
        }
        other => {
            lines.push(Line::fail("matrix session", describe(other), "check MATRIX_HOMESERVER"));
            None
        }
    }
}

/// The ids of the rooms the bot is in (none when the homeserver does not say).
async fn joined_rooms(api: &Api) -> Vec<String> {
    match api.get("/joined_rooms").await {
        Ok((200, v)) => {
            v["joined_rooms"].as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect()
        }
        _ => Vec::new(),
    }
}

/// The home rooms: each alias resolves, and the bot is in each (it joins only when invited).
/// Those it is in are the first rooms it posts in.
async fn home_rooms(api: &Api, config: &MatrixConfig, joined: &[String], me: &str, lines: &mut Vec<Line>) -> Rooms {
    let mut rooms = Rooms::default();
    for home in config.homes().unwrap_or_default() {
        let (shown, id) = match home {
            HomeRoom::Id(id) => (id.clone(), Some(id)),
            HomeRoom::Alias(alias) => match api.get(&format!("/directory/room/{}", encode(&alias))).await {
                Ok((200, v)) => (alias, v["room_id"].as_str().map(str::to_string)),
                other => {
                    lines.push(Line::fail(
                        format!("matrix home {alias}"),
                        format!("the alias does not resolve ({})", describe(other)),
                        "check MATRIX_HOME_ROOMS",
                    ));
                    continue;
                }
            },
        };
        let Some(id) = id else { continue };
        if joined.contains(&id) {
            lines.push(Line::ok(format!("matrix home {shown}"), "joined"));
            rooms.homes.push(id.clone());
            rooms.posted.push((shown, id));
        } else {
            lines.push(Line::fail(
                format!("matrix home {shown}"),
                "the bot is not in this room",
                format!("invite {me} to it (the bot joins home rooms it is invited to)"),
            ));
        }
    }
    rooms
}

/// Every room reminders go to: the bot is in it (a reminder for a room it is not in is lost).
/// Those it is in join the rooms it posts in.
fn reminder_rooms(channels: &[String], joined: &[String], me: &str, rooms: &mut Rooms, lines: &mut Vec<Line>) {
    for id in super::on(channels, crate::chat::Platform::Matrix) {
        let id = id.to_string();
        if !joined.contains(&id) {
            lines.push(Line::fail(
                format!("matrix room {id}"),
                "reminders go here, but the bot is not in it",
                format!("invite {me}"),
            ));
        } else if !rooms.posted.iter().any(|(_, r)| *r == id) {
            rooms.posted.push((id.clone(), id));
        }
    }
}

/// Every room the bot posts in: its power level lets it post, and in a home room also remove
/// what members type.
async fn may_post(api: &Api, rooms: &Rooms, me: &str, lines: &mut Vec<Line>) {
    for (shown, id) in &rooms.posted {
        match api.get(&format!("/rooms/{}/state/m.room.power_levels/", encode(id))).await {
            Ok((200, levels)) => {
                let mine = levels["users"][me].as_i64().or(levels["users_default"].as_i64()).unwrap_or(0);
                let needed =
                    levels["events"]["m.room.message"].as_i64().or(levels["events_default"].as_i64()).unwrap_or(0);
                // A personal command a member types in a home room is removed, which needs the
                // power to redact others' messages (50, a moderator, unless the room says).
                let redact = levels["redact"].as_i64().unwrap_or(50);
                if rooms.homes.contains(id) && mine < redact {
                    lines.push(Line::warn(
                        format!("matrix home {shown}"),
                        format!(
                            "the bot's power is {mine}: it cannot remove the sign-ups and answers members type in the room (that needs {redact})"
                        ),
                        format!("raise the bot's power level to {redact} (Moderator) in the room's settings"),
                    ));
                }
                if mine >= needed {
                    lines.push(Line::ok(format!("matrix room {shown}"), "the bot may post"));
                } else {
                    lines.push(Line::fail(
                        format!("matrix room {shown}"),
                        format!("the bot's power is {mine}, posting needs {needed}"),
                        "raise the bot's power level in the room's settings",
                    ));
                }
            }
            // Room version 12 creators have no power level listed and may do everything.
            other => lines.push(Line::ok(
                format!("matrix room {shown}"),
                format!("no power levels to read ({})", describe(other)),
            )),
        }
    }
}

/// The device: cross-signed by the account, or members' apps mark the bot's messages as from
/// an unverified session.
async fn verification(api: &Api, me: &str, device: &str, lines: &mut Vec<Line>) {
    match api.post("/keys/query", &json!({ "device_keys": { me: [] } })).await {
        Ok((200, keys)) => {
            let signer = keys["self_signing_keys"][me]["keys"].as_object().and_then(|k| k.keys().next().cloned());
            let signed =
                signer.as_ref().is_some_and(|key| keys["device_keys"][me][device]["signatures"][me].get(key).is_some());
            if signed {
                lines.push(Line::ok("matrix device", format!("{device} is verified (cross-signed)")));
            } else {
                lines.push(Line::warn(
                    "matrix device",
                    format!("{device} is not verified: members' apps mark its messages as from an unverified session"),
                    "verify it from another session of the bot's account (Element: Settings → Sessions)",
                ));
            }
        }
        other => lines.push(Line::warn("matrix device", describe(other), "check again later")),
    }
}

/// The key backup: without one, the keys of encrypted rooms live only in the store, and
/// losing it loses everything sent before.
async fn key_backup(api: &Api, config: &MatrixConfig, lines: &mut Vec<Line>) {
    match api.get("/room_keys/version").await {
        Ok((200, v)) => lines.push(Line::ok("matrix key backup", format!("version {}", v["version"].as_str().unwrap_or("?")))),
        _ => lines.push(Line::warn(
            "matrix key backup",
            format!(
                "none: the keys of encrypted rooms live only in {}; lose that folder and the bot can no longer read what was sent before",
                config.store_path.display()
            ),
            "back that folder up with the bot stopped, or set up key backup from another session of the account",
        )),
    }
}

/// An answer from the homeserver in a few words: the status and its error.
pub(crate) fn describe(answer: Answer) -> String {
    match answer {
        Ok((status, body)) => format!(
            "the homeserver answered {status}{}",
            body["error"].as_str().map(|m| format!(": {m}")).unwrap_or_default()
        ),
        Err(e) => e,
    }
}
