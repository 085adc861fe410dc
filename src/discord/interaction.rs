//! One interaction in, one response out: slash commands, button clicks, autocomplete and
//! pings, the same whether they arrive over the gateway or the HTTP endpoint.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Utc;
use serenity::all::{
    CommandInteraction, ComponentInteraction, CreateAutocompleteResponse, CreateInteractionResponse,
    CreateInteractionResponseFollowup, GuildId, Http, Interaction, Member, Permissions, ResolvedValue, RoleId, User,
};
use tokio::sync::Mutex;

use super::commands::to_command;
use super::render::{clip, followup, parse_custom_id, response};
use crate::engine::{Command, Engine, Platform, Reply, Request, Visibility};
use crate::locale::Locale;

/// What to send back.
pub enum Answer {
    /// One response.
    Respond(CreateInteractionResponse),
    /// A response, then a follow-up message (a button click: the public message updated, then
    /// a private confirmation).
    Follow(CreateInteractionResponse, Box<CreateInteractionResponseFollowup>),
}

/// How the interaction arrived: over HTTP a response cannot carry a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// The gateway (the response is sent with a REST call).
    Gateway,
    /// The HTTP interactions endpoint (the response is the HTTP response body).
    Http,
}

/// Answers Discord interactions from the engine.
pub struct Bot {
    engine: Engine,
    http: Arc<Http>,
    organizer_role: Option<String>,
    /// Role names resolved to ids, per server.
    roles: Mutex<HashMap<GuildId, Option<RoleId>>>,
}

impl Bot {
    /// A bot answering from `engine`; `http` is used to resolve the organizer role by name.
    pub fn new(engine: Engine, http: Arc<Http>, organizer_role: Option<String>) -> Bot {
        Bot { engine, http, organizer_role, roles: Mutex::new(HashMap::new()) }
    }

    /// The REST client.
    pub fn http(&self) -> &Arc<Http> {
        &self.http
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Answers one interaction. `None` for kinds convoca does not use (modals).
    pub async fn answer(&self, interaction: &Interaction, via: Via) -> Option<Answer> {
        match interaction {
            Interaction::Ping(_) => Some(Answer::Respond(CreateInteractionResponse::Pong)),
            Interaction::Command(ci) => Some(self.command(ci, via).await),
            Interaction::Autocomplete(ci) => Some(self.autocomplete(ci).await),
            Interaction::Component(ci) => Some(self.component(ci).await),
            _ => None,
        }
    }

    async fn request(
        &self,
        user: &User,
        member: Option<&Member>,
        guild: Option<GuildId>,
        channel: String,
        locale: &str,
        command: Command,
    ) -> Request {
        let name = member
            .and_then(|m| m.nick.clone())
            .or_else(|| user.global_name.clone())
            .unwrap_or_else(|| user.name.clone());
        let mut req = Request::new(Platform::Discord, &user.id.to_string(), &name, command, Utc::now());
        req.locale = Locale::from_tag(locale);
        req.space = guild.map(|g| g.to_string());
        // Outside a server (a direct message) there is no channel to subscribe and nobody
        // organizes anything.
        req.channel = guild.map(|_| channel);
        req.organizer = match (guild, member) {
            (Some(g), Some(m)) => self.is_organizer(g, m).await,
            _ => false,
        };
        req
    }

    /// Administrator, Manage Events, or the configured organizer role.
    async fn is_organizer(&self, guild: GuildId, member: &Member) -> bool {
        let perms = member.permissions.unwrap_or_else(Permissions::empty);
        if perms.administrator() || perms.contains(Permissions::MANAGE_EVENTS) {
            return true;
        }
        let Some(role) = &self.organizer_role else { return false };
        if let Ok(id) = role.parse::<u64>() {
            return member.roles.contains(&RoleId::new(id));
        }
        let mut cache = self.roles.lock().await;
        let id = match cache.get(&guild) {
            Some(id) => *id,
            None => {
                let found = match self.http.get_guild_roles(guild).await {
                    Ok(roles) => roles.into_iter().find(|r| r.name.eq_ignore_ascii_case(role)).map(|r| r.id),
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot read the server's roles to find the organizer role");
                        return false;
                    }
                };
                cache.insert(guild, found);
                found
            }
        };
        id.is_some_and(|id| member.roles.contains(&id))
    }

    async fn command(&self, ci: &CommandInteraction, via: Via) -> Answer {
        let options = ci.data.options();
        let opt = |name: &str| {
            options.iter().find(|o| o.name == name).and_then(|o| match &o.value {
                ResolvedValue::String(s) => Some(s.to_string()),
                ResolvedValue::Boolean(b) => Some(b.to_string()),
                ResolvedValue::Integer(i) => Some(i.to_string()),
                _ => None,
            })
        };
        let command = to_command(&ci.data.name, opt);
        let req = self
            .request(&ci.user, ci.member.as_deref(), ci.guild_id, ci.channel_id.to_string(), &ci.locale, command)
            .await;
        let mut reply = self.engine.handle(&req).await;
        if via == Via::Http
            && let Some(file) = reply.attachment.take()
        {
            // An HTTP response cannot carry a file: the CSV goes inline.
            reply = reply.text(format!("```csv\n{}\n```", clip(&String::from_utf8_lossy(&file.data), 3500)));
        }
        Answer::Respond(CreateInteractionResponse::Message(response(&ephemeral_unless_answer(reply), req.locale)))
    }

    async fn component(&self, ci: &ComponentInteraction) -> Answer {
        let locale = Locale::from_tag(&ci.locale);
        let Some(pressed) = parse_custom_id(&ci.data.custom_id) else {
            let text = match locale {
                Locale::En => {
                    "This button is from an older message and no longer works. Type `/campaign` for a fresh one."
                }
                Locale::Es => {
                    "Este botón es de un mensaje anterior y ya no funciona. Escribe `/campaña` para ver uno nuevo."
                }
            };
            return Answer::Respond(CreateInteractionResponse::Message(response(&Reply::refusal(text), locale)));
        };
        let command = match pressed.verb.as_str() {
            "signup" => Command::SignUp { campaign: Some(pressed.campaign.clone()), action: pressed.action.clone() },
            _ => Command::Withdraw { campaign: Some(pressed.campaign.clone()), action: pressed.action.clone() },
        };
        let req = self
            .request(&ci.user, ci.member.as_ref(), ci.guild_id, ci.channel_id.to_string(), &ci.locale, command)
            .await;
        let mut reply = self.engine.handle(&req).await;
        reply.visibility = Visibility::Private;
        if self.engine.content().current().campaign(&pressed.campaign).is_none() {
            // Removed from the content since the message was posted: say so, privately.
            return Answer::Respond(CreateInteractionResponse::Message(response(&reply, req.locale)));
        }
        // The public message again, with the new count, in the language it was written in.
        let mut again = req.clone();
        again.command = Command::Campaign { campaign: Some(pressed.campaign) };
        again.locale = pressed.locale;
        again.organizer = false;
        let refreshed = self.engine.handle(&again).await;
        Answer::Follow(
            CreateInteractionResponse::UpdateMessage(response(&refreshed, pressed.locale)),
            Box::new(followup(&reply, req.locale)),
        )
    }

    async fn autocomplete(&self, ci: &CommandInteraction) -> Answer {
        let l = Locale::from_tag(&ci.locale);
        let content = self.engine.content().current();
        let mut choices: Vec<(String, String)> = Vec::new();
        if let Some(focused) = ci.data.autocomplete() {
            let typed = focused.value.to_lowercase();
            let matches = |slug: &str, title: &str| {
                typed.is_empty() || slug.contains(&typed) || title.to_lowercase().contains(&typed)
            };
            match focused.name {
                "campaign" => {
                    for c in &content.campaigns {
                        if matches(&c.slug, c.title.get(l)) {
                            choices.push((format!("{} ({})", c.title.get(l), c.slug), c.slug.clone()));
                        }
                    }
                }
                "action" => {
                    let campaign =
                        ci.data.options().iter().find(|o| o.name == "campaign").and_then(|o| match o.value {
                            ResolvedValue::String(s) => Some(s.to_lowercase()),
                            _ => None,
                        });
                    if let Some(c) = campaign.and_then(|c| content.campaign(&c).cloned()) {
                        for a in &c.actions {
                            if matches(&a.slug, a.title.get(l)) {
                                choices.push((format!("{} ({})", a.title.get(l), a.slug), a.slug.clone()));
                            }
                        }
                    }
                }
                "meeting" => {
                    let overrides = self.engine.overrides().await.unwrap_or_default();
                    let agenda = crate::calendar::Agenda::new(&content, &overrides);
                    for m in agenda.meetings() {
                        if matches(&m.slug, m.title.get(l)) {
                            choices.push((format!("{} ({})", m.title.get(l), m.slug), m.slug.clone()));
                        }
                    }
                }
                "briefing" => {
                    for b in &content.briefings {
                        if matches(&b.slug, b.title.get(l)) {
                            choices.push((format!("{} ({})", b.title.get(l), b.slug), b.slug.clone()));
                        }
                    }
                }
                _ => {}
            }
        }
        let mut out = CreateAutocompleteResponse::new();
        for (name, value) in choices.into_iter().take(25) {
            out = out.add_string_choice(clip(&name, 100), value);
        }
        Answer::Respond(CreateInteractionResponse::Autocomplete(out))
    }
}

/// Refusals and errors are for the asker only, even when the command is public.
fn ephemeral_unless_answer(mut reply: Reply) -> Reply {
    if matches!(reply.tone, crate::engine::Tone::Refusal | crate::engine::Tone::Error) {
        reply.visibility = Visibility::Private;
    }
    reply
}
