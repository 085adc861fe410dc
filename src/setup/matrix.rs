//! Matrix's part of setup: the homeserver reached, the account's password checked by logging
//! in once (a device of its own, logged out again, so the bot's real device is made at its
//! first start, in its own store), and the home room found and the bot's place in it.

use serde_json::{Value, json};

use super::SetupError;
use super::prompt::Prompt;
use crate::config::{HomeRoom, MatrixConfig, Secret};
use crate::doctor::matrix::encode;

/// What setup learned on Matrix.
pub struct Found {
    /// The settings, checked.
    pub config: MatrixConfig,
    /// The home room's id, for reminders.
    pub room: String,
}

const TRIES: usize = 3;

/// The client-server API of one homeserver.
struct Hs {
    client: reqwest::Client,
    base: String,
}

impl Hs {
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Result<(u16, Value), String> {
        let mut request = self.client.request(method, format!("{}/_matrix/client{path}", self.base));
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        if let Some(b) = body {
            request = request.header(reqwest::header::CONTENT_TYPE, "application/json").body(b.to_string());
        }
        crate::doctor::fetch(request, "the homeserver").await
    }
}

/// Asks for (or takes) the homeserver, the account and the home room, checking each.
pub async fn setup(given: &MatrixConfig, prompt: &mut dyn Prompt) -> Result<Found, SetupError> {
    let mut config = given.clone();
    let hs = homeserver(&mut config, prompt).await?;
    let (user_id, token) = login(&hs, &mut config, prompt).await?;
    let room = home_room(&hs, &mut config, &user_id, &token, prompt).await;
    // The check's device goes; the bot makes its own at its first start.
    let _ = hs.call(reqwest::Method::POST, "/v3/logout", Some(&token), Some(json!({}))).await;
    Ok(Found { config, room: room? })
}

async fn homeserver(config: &mut MatrixConfig, prompt: &mut dyn Prompt) -> Result<Hs, SetupError> {
    for _ in 0..TRIES {
        let url = match config.homeserver.clone() {
            Some(u) => u,
            None => prompt
                .ask("Matrix homeserver (e.g. https://matrix.example.org)", None)
                .ok_or(SetupError::Missing { what: "the Matrix homeserver", flag: "--matrix-homeserver" })?,
        };
        let mut url = url.trim().trim_end_matches('/').to_string();
        if !url.contains("://") {
            url = format!("https://{url}");
            prompt.say(&format!("(taken as {url})"));
        }
        let hs = Hs { client: crate::doctor::client(), base: url.clone() };
        match hs.call(reqwest::Method::GET, "/versions", None, None).await {
            Ok((200, _)) => {
                config.homeserver = Some(hs.base.clone());
                prompt.say(&format!("✓ Matrix homeserver: {} answers", hs.base));
                return Ok(hs);
            }
            other => {
                prompt.say(&format!(
                    "✗ {url} is not a Matrix homeserver that answers ({})",
                    crate::doctor::matrix::describe(other)
                ));
                config.homeserver = None;
                if !prompt.interactive() {
                    return Err(SetupError::Refused(format!("the homeserver {url} does not answer")));
                }
            }
        }
    }
    Err(SetupError::Refused("no homeserver answered".into()))
}

/// Logs in once with the password: the account's full id and a token for the checks.
async fn login(hs: &Hs, config: &mut MatrixConfig, prompt: &mut dyn Prompt) -> Result<(String, String), SetupError> {
    for _ in 0..TRIES {
        let user = match config.user.clone() {
            Some(u) => u,
            None => prompt
                .ask("The bot's Matrix account (e.g. @convoca:example.org)", None)
                .ok_or(SetupError::Missing { what: "the bot's Matrix account", flag: "--matrix-user" })?,
        };
        let password = match config.password.clone() {
            Some(p) => p,
            None => match prompt.secret("Its password").and_then(|p| p.parse::<Secret>().ok()) {
                Some(p) => p,
                None if prompt.interactive() => {
                    prompt.say("(no password typed)");
                    continue;
                }
                None => {
                    return Err(SetupError::Missing {
                        what: "the bot's Matrix password",
                        flag: "--matrix-password (or MATRIX_PASSWORD)",
                    });
                }
            },
        };
        let body = json!({
            "type": "m.login.password",
            "identifier": {"type": "m.id.user", "user": user.trim()},
            "password": password.expose(),
            "initial_device_display_name": "convoca setup (checking the password)",
        });
        match hs.call(reqwest::Method::POST, "/v3/login", None, Some(body)).await {
            Ok((200, answer)) => {
                let id = answer["user_id"].as_str().unwrap_or_default().to_string();
                let token = answer["access_token"].as_str().unwrap_or_default().to_string();
                config.user = Some(user.trim().to_string());
                config.password = Some(password);
                prompt.say(&format!("✓ Matrix account: logged in as {id}"));
                return Ok((id, token));
            }
            Ok((403, _)) => {
                prompt.say("✗ The homeserver refused this account and password.");
                config.user = None;
                config.password = None;
                if !prompt.interactive() {
                    return Err(SetupError::Refused("the homeserver refused the Matrix account and password".into()));
                }
            }
            other => {
                return Err(SetupError::Refused(format!(
                    "the homeserver did not log in ({})",
                    crate::doctor::matrix::describe(other)
                )));
            }
        }
    }
    Err(SetupError::Refused("no Matrix account and password were accepted".into()))
}

/// The home room: its alias resolved, and the bot in it or invited (it joins at start).
async fn home_room(
    hs: &Hs,
    config: &mut MatrixConfig,
    user_id: &str,
    token: &str,
    prompt: &mut dyn Prompt,
) -> Result<String, SetupError> {
    for _ in 0..TRIES {
        let given = match config.homes().ok().and_then(|h| h.into_iter().next()) {
            Some(h) => h,
            None => {
                let typed = prompt
                    .ask("The group's Matrix room (its alias, e.g. #group:example.org, or its id)", None)
                    .ok_or(SetupError::Missing { what: "the home room", flag: "--matrix-home" })?;
                match HomeRoom::parse(&typed) {
                    Ok(h) => h,
                    Err(e) => {
                        prompt.say(&format!("✗ {e}"));
                        continue;
                    }
                }
            }
        };
        let (shown, id) = match &given {
            HomeRoom::Id(id) => (id.clone(), Some(id.clone())),
            HomeRoom::Alias(alias) => {
                let path = format!("/v3/directory/room/{}", encode(alias));
                match hs.call(reqwest::Method::GET, &path, Some(token), None).await {
                    Ok((200, v)) => (alias.clone(), v["room_id"].as_str().map(str::to_string)),
                    _ => (alias.clone(), None),
                }
            }
        };
        let Some(id) = id else {
            prompt.say(&format!("✗ No room has the alias {shown}: make the room (or give it that alias) first."));
            config.home.clear();
            if !prompt.interactive() {
                return Err(SetupError::Refused(format!("no room has the alias {shown}")));
            }
            continue;
        };
        let membership = membership(hs, token, &id).await;
        config.home = vec![shown.clone()];
        match membership {
            "join" => prompt.say(&format!("✓ Matrix home: the bot is in {shown}")),
            "invite" => {
                prompt.say(&format!("✓ Matrix home: the bot is invited to {shown} and joins at its first start"))
            }
            _ => {
                prompt.say(&format!(
                    "! The bot is not in {shown} yet: invite {user_id} to the room (and give organizers power level 50)."
                ));
                if prompt.interactive() && prompt.ask("Press Enter once it is invited", Some("")).is_some() {
                    continue;
                }
            }
        }
        return Ok(id);
    }
    Err(SetupError::Refused("the home room could not be found".into()))
}

/// The bot's membership of `room`: "join", "invite", or "" (neither, or unknown). An
/// invited account cannot read the room's state, so invitations are read from a sync.
async fn membership(hs: &Hs, token: &str, room: &str) -> &'static str {
    if let Ok((200, v)) = hs.call(reqwest::Method::GET, "/v3/joined_rooms", Some(token), None).await
        && v["joined_rooms"].as_array().is_some_and(|r| r.iter().any(|x| x.as_str() == Some(room)))
    {
        return "join";
    }
    let filter = r#"{"room":{"timeline":{"limit":1},"state":{"lazy_load_members":true},"ephemeral":{"not_types":["*"]}},"presence":{"not_types":["*"]},"account_data":{"not_types":["*"]}}"#;
    let path = format!("/v3/sync?timeout=0&filter={}", encode(filter));
    match hs.call(reqwest::Method::GET, &path, Some(token), None).await {
        Ok((200, v)) if v["rooms"]["invite"].get(room).is_some() => "invite",
        _ => "",
    }
}
