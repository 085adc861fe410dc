//! One interaction in, one response out: slash commands, button clicks, autocomplete and
//! pings, the same whether they arrive over the gateway or the HTTP endpoint.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use serenity::all::{
    ChannelType, CommandInteraction, ComponentInteraction, CreateAutocompleteResponse, CreateInteractionResponse,
    CreateInteractionResponseFollowup, GuildId, Http, HttpError, Interaction, InteractionContext, Member,
    PartialChannel, Permissions, ResolvedValue, RoleId, User, UserId,
};
use tokio::sync::Mutex;

use super::render::{Pressed, clip, followup, parse_custom_id, response};
use crate::chat::{Platform, Standing};
use crate::engine::{Admission, Asked, Command, Engine, Reply, Request, Visibility, catalog, texts};
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

/// How long a standing read from a home server for a DM is trusted: a role taken away counts
/// within this time, and a busy member does not cost two REST calls per command.
const STANDING_FRESH_FOR: Duration = Duration::from_secs(60);

/// Answers Discord interactions from the engine.
pub struct Bot {
    engine: Engine,
    http: Arc<Http>,
    organizer_role: Option<String>,
    /// The group's home servers: the only places standing is read.
    homes: Vec<GuildId>,
    /// Role names resolved to ids, per server, with when they were read.
    roles: Mutex<HashMap<GuildId, (Instant, Option<RoleId>)>>,
    /// Standing in the home read for direct messages, per person, with when it was read.
    standing: Mutex<HashMap<UserId, (Instant, Standing)>>,
}

impl Bot {
    /// A bot answering from `engine` for a group whose home servers are `homes`; `http` reads
    /// roles and, for direct messages, the asker's standing in the home.
    pub fn new(engine: Engine, http: Arc<Http>, organizer_role: Option<String>, homes: Vec<GuildId>) -> Bot {
        Bot {
            engine,
            http,
            organizer_role,
            homes,
            roles: Mutex::new(HashMap::new()),
            standing: Mutex::new(HashMap::new()),
        }
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
            Interaction::Command(ci) => Some(match self.too_fast(&ci.user, &ci.locale) {
                Some(slow_down) => slow_down,
                None => self.command(ci, via).await,
            }),
            // Suggestions come with every keystroke: they are not counted.
            Interaction::Autocomplete(ci) => Some(self.autocomplete(ci).await),
            Interaction::Component(ci) => Some(match self.too_fast(&ci.user, &ci.locale) {
                Some(slow_down) => slow_down,
                None => self.component(ci).await,
            }),
            _ => None,
        }
    }

    /// A short private "slow down" for someone asking faster than the bot answers: every
    /// interaction must be answered, so each one over the limit gets it.
    fn too_fast(&self, user: &User, locale: &str) -> Option<Answer> {
        let who = crate::chat::User { platform: Platform::Discord, id: user.id.to_string(), name: String::new() };
        if self.engine.admit(&who) == Admission::Go {
            return None;
        }
        let l = Locale::from_tag(locale);
        let reply = Reply::refusal(texts::slow_down(l));
        Some(Answer::Respond(CreateInteractionResponse::Message(response(&reply, l))))
    }

    /// Where an interaction comes from: a home server, the bot's own DM with the person, or
    /// anywhere else (another server, a group DM, a user-installed context).
    pub fn asked_in(
        &self,
        guild: Option<GuildId>,
        context: Option<InteractionContext>,
        channel: Option<&PartialChannel>,
    ) -> Asked {
        match guild {
            Some(g) if self.homes.contains(&g) => Asked::Home,
            Some(_) => Asked::Elsewhere,
            None => {
                let bot_dm = match context {
                    Some(c) => c == InteractionContext::BotDm,
                    // Older payloads carry no context: the channel's kind tells.
                    None => channel.is_some_and(|c| c.kind == ChannelType::Private),
                };
                if bot_dm { Asked::Direct } else { Asked::Elsewhere }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn request(
        &self,
        user: &User,
        member: Option<&Member>,
        guild: Option<GuildId>,
        asked: Asked,
        channel: String,
        locale: &str,
        command: Command,
    ) -> Request {
        let name = member
            .and_then(|m| m.nick.clone())
            .or_else(|| user.global_name.clone())
            .unwrap_or_else(|| user.name.clone());
        let mut req = Request::new(&super::ABILITIES, &user.id.to_string(), &name, command, Utc::now());
        req.locale = Locale::from_tag(locale);
        req.space = guild.map(|g| g.to_string());
        req.asked = asked;
        // Outside a server (a direct message) there is no channel to subscribe.
        req.channel = guild.map(|_| channel);
        let standing = match (asked, guild, member) {
            // Signed by Discord in the interaction itself: asked in a home server, a member.
            (Asked::Home, Some(g), Some(m)) => Standing {
                member: true,
                organizer: self.organizes(g, m.permissions.unwrap_or_else(Permissions::empty), &m.roles).await,
            },
            (Asked::Direct, _, _) => self.standing_in_home(user.id).await,
            _ => Standing::default(),
        };
        req.organizer = standing.organizer;
        req.member = standing.member;
        req
    }

    /// Administrator (the owner has it too, and either can grant the role) or the configured
    /// organizer role in the home server `guild`: the one rule, whether the permissions came
    /// signed in an interaction or were read from the server for a DM. Nothing else counts,
    /// Manage Events included: an interaction's permissions include the channel's
    /// overwrites, and a role given a permission on one channel organizes nothing. No
    /// overwrite can grant Administrator.
    async fn organizes(&self, guild: GuildId, perms: Permissions, roles: &[RoleId]) -> bool {
        if perms.administrator() {
            return true;
        }
        match self.organizer_role_id(guild).await {
            Some(id) => roles.contains(&id),
            None => false,
        }
    }

    /// The organizer role's id in `guild`: the configured id, or the configured name looked
    /// up and kept for [`STANDING_FRESH_FOR`] (a role made, renamed or deleted after the bot
    /// started counts within that time). The name as written wins; otherwise one role whose
    /// name differs only in case. Two such roles and none as written: no organizer role,
    /// since a second role could have been made to pass as the first (`doctor` says so).
    async fn organizer_role_id(&self, guild: GuildId) -> Option<RoleId> {
        let role = self.organizer_role.as_deref()?.trim();
        if let Ok(id) = role.parse::<u64>() {
            return (id != 0).then(|| RoleId::new(id));
        }
        let mut cache = self.roles.lock().await;
        if let Some((at, id)) = cache.get(&guild)
            && at.elapsed() < STANDING_FRESH_FOR
        {
            return *id;
        }
        let found = match self.http.get_guild_roles(guild).await {
            Ok(roles) => role_named(roles.iter().map(|r| (r.id, r.name.as_str())), role),
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the server's roles to find the organizer role");
                return None;
            }
        };
        cache.insert(guild, (Instant::now(), found));
        found
    }

    /// Whether `user` belongs to, and organizes in, any home server, asked of Discord (for a
    /// DM, where the interaction carries no standing), cached for [`STANDING_FRESH_FOR`]. Any
    /// failure to read it counts as no standing.
    pub async fn standing_in_home(&self, user: UserId) -> Standing {
        if let Some((at, standing)) = self.standing.lock().await.get(&user).copied()
            && at.elapsed() < STANDING_FRESH_FOR
        {
            return standing;
        }
        let mut standing = Standing::default();
        for &guild in &self.homes {
            match self.standing_in(guild, user).await {
                Ok(found) => {
                    standing.member |= found.member;
                    standing.organizer |= found.organizer;
                    if standing.organizer {
                        break;
                    }
                }
                Err(e) => {
                    tracing::warn!(guild = %guild, error = %e, "Discord: cannot read a member's standing in the home server")
                }
            }
        }
        let mut cache = self.standing.lock().await;
        cache.retain(|_, (at, _)| at.elapsed() < STANDING_FRESH_FOR);
        cache.insert(user, (Instant::now(), standing));
        standing
    }

    /// One home server's answer: the owner, Administrator through the member's roles (and
    /// @everyone), or the organizer role.
    async fn standing_in(&self, guild: GuildId, user: UserId) -> serenity::Result<Standing> {
        let member = match self.http.get_member(guild, user).await {
            Ok(m) => m,
            // Not a member of this server: no standing there.
            Err(serenity::Error::Http(HttpError::UnsuccessfulRequest(e))) if e.status_code.as_u16() == 404 => {
                return Ok(Standing::default());
            }
            Err(e) => return Err(e),
        };
        Ok(Standing { member: true, organizer: self.organizes_as(guild, user, &member).await? })
    }

    /// Whether a member of a home server organizes there: its owner, Administrator through
    /// their roles (and @everyone), or the organizer role.
    async fn organizes_as(&self, guild: GuildId, user: UserId, member: &Member) -> serenity::Result<bool> {
        let server = self.http.get_guild(guild).await?;
        if server.owner_id == user {
            return Ok(true);
        }
        let everyone = RoleId::new(guild.get());
        let perms = server
            .roles
            .values()
            .filter(|r| r.id == everyone || member.roles.contains(&r.id))
            .fold(Permissions::empty(), |p, r| p | r.permissions);
        Ok(self.organizes(guild, perms, &member.roles).await)
    }

    async fn command(&self, ci: &CommandInteraction, via: Via) -> Answer {
        let values = ci
            .data
            .options()
            .iter()
            .filter_map(|o| {
                let value = match &o.value {
                    ResolvedValue::String(s) => s.to_string(),
                    ResolvedValue::Boolean(b) => b.to_string(),
                    ResolvedValue::Integer(i) => i.to_string(),
                    _ => return None,
                };
                Some((o.name.to_string(), value))
            })
            .collect();
        let command = Command::from_options(&ci.data.name, values);
        let place = self.asked_in(ci.guild_id, ci.context, ci.channel.as_ref());
        let req = self
            .request(&ci.user, ci.member.as_deref(), ci.guild_id, place, ci.channel_id.to_string(), &ci.locale, command)
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
            let fresh = catalog::CAMPAIGN.typed_on(&super::ABILITIES, locale, "");
            let text = texts::fill(texts::stale_button(locale), &[("cmd", &fresh)]);
            return Answer::Respond(CreateInteractionResponse::Message(response(&Reply::refusal(text), locale)));
        };
        let place = self.asked_in(ci.guild_id, ci.context, ci.channel.as_ref());
        // A sign-up button sits on a public campaign message, refreshed with the new count;
        // every other answer is private and leaves the message it is on as it was.
        let (command, refresh) = match pressed {
            Pressed::SignUp { verb, locale, campaign, action } => {
                let mut values = vec![("campaign".to_string(), campaign.clone())];
                values.extend(action.map(|a| ("action".to_string(), a)));
                (Command::from_options(&verb, values), Some((campaign, locale)))
            }
            Pressed::Answer { outcome, campaign, action } => {
                (Command::Done { campaign: Some(campaign), action: Some(action), outcome }, None)
            }
            Pressed::Offer { accept, campaign, action } => {
                (Command::Place { accept: Some(accept), campaign: Some(campaign), action: Some(action) }, None)
            }
            Pressed::Rsvp { going, meeting, date } => {
                let verb = if going { &catalog::GOING } else { &catalog::NOT_GOING };
                let values = vec![("meeting".to_string(), meeting), ("date".to_string(), date)];
                (Command::from_options(verb.name.0, values), None)
            }
        };
        let req = self
            .request(&ci.user, ci.member.as_ref(), ci.guild_id, place, ci.channel_id.to_string(), &ci.locale, command)
            .await;
        let reply = self.engine.handle(&req).await.into_private();
        // Nothing was recorded (a server that is not the group's), the button is on a personal
        // message (the next step offered in a direct message), or the campaign was removed from
        // the content since the message was posted: the private answer alone.
        let public = match refresh.filter(|_| place == Asked::Home) {
            Some((campaign, locale)) => self.engine.public_campaign(&req, &campaign, locale).await.map(|r| (r, locale)),
            None => None,
        };
        let Some((refreshed, pressed_locale)) = public else {
            return Answer::Respond(CreateInteractionResponse::Message(response(&reply, req.locale)));
        };
        Answer::Follow(
            CreateInteractionResponse::UpdateMessage(response(&refreshed, pressed_locale)),
            Box::new(followup(&reply, req.locale)),
        )
    }

    async fn autocomplete(&self, ci: &CommandInteraction) -> Answer {
        let mut choices = Vec::new();
        if let Some(focused) = ci.data.autocomplete() {
            let given: Vec<(String, String)> = ci
                .data
                .options()
                .iter()
                .filter_map(|o| match &o.value {
                    ResolvedValue::String(s) => Some((o.name.to_string(), s.to_string())),
                    _ => None,
                })
                .collect();
            let l = Locale::from_tag(&ci.locale);
            choices = self.engine.complete(&ci.data.name, focused.name, focused.value, &given, l).await;
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

/// The role called `name`: the only one named exactly so, else the only one named so in
/// another case; two of either kind are none (`doctor` says so).
pub fn role_named<'a>(roles: impl Iterator<Item = (RoleId, &'a str)> + Clone, name: &str) -> Option<RoleId> {
    // Anyone with Manage Roles can make a second role of the same name: two are none.
    let mut exact = roles.clone().filter(|(_, n)| *n == name);
    match (exact.next(), exact.next()) {
        (Some((id, _)), None) => return Some(id),
        (Some(_), Some(_)) => return None,
        (None, _) => {}
    }
    let mut folded = roles.filter(|(_, n)| n.eq_ignore_ascii_case(name));
    match (folded.next(), folded.next()) {
        (Some((id, _)), None) => Some(id),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_organizer_role_is_the_one_named_as_written_or_the_only_one_in_another_case() {
        let id = RoleId::new;
        let roles = [(id(1), "organizers"), (id(2), "Organizers"), (id(3), "Helpers")];
        assert_eq!(role_named(roles.iter().copied(), "Organizers"), Some(id(2)));
        assert_eq!(role_named(roles.iter().copied(), "helpers"), Some(id(3)));
        assert_eq!(role_named(roles.iter().copied(), "ORGANIZERS"), None, "two could be meant: neither counts");
        assert_eq!(role_named(roles.iter().copied(), "Admins"), None);
        let twice = [(id(1), "Organizers"), (id(2), "Organizers")];
        assert_eq!(
            role_named(twice.iter().copied(), "Organizers"),
            None,
            "a second role of the same name is made to pass"
        );
    }
}
