//! One interaction in, one response out: slash commands, button clicks, autocomplete and
//! pings, the same whether they arrive over the gateway or the HTTP endpoint.
//!
//! Each interaction is answered for whoever's home it was asked in (see [`super::homes`]):
//! a group's channel by that group, the organization's by the organization, the bot's
//! direct chat by the asker's groups. Standing is read in that home only, by that home's
//! organizer role: an organizer of one group is nobody special to another.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use futures_util::future::BoxFuture;
use serenity::all::{
    ChannelId, ChannelType, CommandInteraction, ComponentInteraction, CreateAutocompleteResponse,
    CreateInteractionResponse, CreateInteractionResponseFollowup, GuildId, Http, HttpError, Interaction,
    InteractionContext, Member, PartialChannel, PartialGuild, Permissions, ResolvedValue, RoleId, User, UserId,
};
use tokio::sync::Mutex;

use super::homes::{DiscordHome, Found, Homes, Owner, Rule};
use super::render::{Pressed, clip, followup, parse_custom_id, response};
use crate::chat::{Platform, Standing};
use crate::config::DiscordConfig;
use crate::engine::{
    Admission, Asked, Command, Engine, Organization, Reply, Request, Visibility, Whose, catalog, texts,
};
use crate::group_id::GroupId;
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
/// within this time, and a busy member does not cost two REST calls per command. Role names
/// and the category of a thread's channel are kept as long.
const STANDING_FRESH_FOR: Duration = Duration::from_secs(60);

/// Where an interaction was asked, as far as standing goes.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Place {
    /// A place some home claims: standing is the one Discord signed in the interaction,
    /// judged by that home's rule.
    Home(Found),
    /// The bot's own direct chat with the person: standing is read in each group's home.
    Direct,
    /// Anywhere else (another server, a part of a server no home claims, a group DM, a
    /// user-installed context): public answers only.
    Elsewhere,
}

/// Answers Discord interactions for every group of an organization.
pub struct Bot {
    homes: Homes,
    http: Arc<Http>,
    /// Role names resolved to ids, per server and name.
    roles: Kept<(GuildId, String), Option<RoleId>>,
    /// Standing in a group's home read for direct messages and the dashboard, per person and
    /// group.
    standing: Kept<(UserId, GroupId), Reading>,
    /// The category a channel is in, for threads (whose interaction names only the channel).
    categories: Kept<ChannelId, Option<ChannelId>>,
}

/// What was read from Discord, with when it was read.
type Kept<K, V> = Mutex<HashMap<K, (Instant, V)>>;

impl Bot {
    /// A bot answering for `org`'s groups, each in its home (the content's `[home]`, or
    /// `config`'s home servers and organizer role for a one-group deployment that declares
    /// none); `http` reads roles and, for direct messages, the asker's standing in homes.
    pub fn new(org: impl Into<Organization>, http: Arc<Http>, config: &DiscordConfig) -> Bot {
        Bot::with_homes(Homes::new(org.into(), config), http)
    }

    /// A bot answering for these homes (shared with whoever registers commands and syncs
    /// events).
    pub fn with_homes(homes: Homes, http: Arc<Http>) -> Bot {
        Bot {
            homes,
            http,
            roles: Mutex::new(HashMap::new()),
            standing: Mutex::new(HashMap::new()),
            categories: Mutex::new(HashMap::new()),
        }
    }

    /// The REST client.
    pub fn http(&self) -> &Arc<Http> {
        &self.http
    }

    /// The organization it answers for.
    pub fn organization(&self) -> &Organization {
        self.homes.organization()
    }

    /// Where each group and the organization live on Discord.
    pub fn homes(&self) -> &Homes {
        &self.homes
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
        if self.organization().any().admit(&who) == Admission::Go {
            return None;
        }
        let l = Locale::from_tag(locale);
        let reply = Reply::refusal(texts::slow_down(l));
        Some(Answer::Respond(CreateInteractionResponse::Message(response(&reply, l))))
    }

    /// Where an interaction comes from: a home (whose, by the most specific place claimed),
    /// the bot's own DM with the person, or anywhere else.
    async fn place(
        &self,
        guild: Option<GuildId>,
        context: Option<InteractionContext>,
        channel_id: ChannelId,
        channel: Option<&PartialChannel>,
    ) -> Place {
        let Some(guild) = guild else {
            let bot_dm = match context {
                Some(c) => c == InteractionContext::BotDm,
                // Older payloads carry no context: the channel's kind tells.
                None => channel.is_some_and(|c| c.kind == ChannelType::Private),
            };
            return if bot_dm { Place::Direct } else { Place::Elsewhere };
        };
        let mut chain = vec![channel_id];
        chain.extend(channel.and_then(|c| c.parent_id));
        // A thread names its channel but not the channel's category: asked of Discord, only
        // where some home is a category or channel of this server.
        let thread = channel.is_some_and(|c| {
            matches!(c.kind, ChannelType::PublicThread | ChannelType::PrivateThread | ChannelType::NewsThread)
        });
        if thread
            && let Some(&parent) = chain.get(1)
            && self.homes.claims_within(guild)
        {
            chain.extend(self.category_of(parent).await);
        }
        match self.homes.find(guild, &chain) {
            Some(found) => Place::Home(found),
            None => Place::Elsewhere,
        }
    }

    /// The category `channel` is in, asked of Discord and kept for [`STANDING_FRESH_FOR`].
    async fn category_of(&self, channel: ChannelId) -> Option<ChannelId> {
        let mut cache = self.categories.lock().await;
        if let Some((at, parent)) = cache.get(&channel)
            && at.elapsed() < STANDING_FRESH_FOR
        {
            return *parent;
        }
        let parent = match self.http.get_channel(channel).await {
            Ok(c) => c.guild().and_then(|g| g.parent_id),
            Err(e) => {
                tracing::warn!(%channel, error = %e, "Discord: cannot read which category a thread's channel is in");
                return None;
            }
        };
        cache.retain(|_, (at, _)| at.elapsed() < STANDING_FRESH_FOR);
        cache.insert(channel, (Instant::now(), parent));
        parent
    }

    /// The request, and whose it is, with the asker's standing read where the place says.
    #[allow(clippy::too_many_arguments)]
    async fn request(
        &self,
        user: &User,
        member: Option<&Member>,
        guild: Option<GuildId>,
        place: &Place,
        channel: String,
        locale: &str,
        command: Command,
    ) -> (Request, Whose) {
        let name = member
            .and_then(|m| m.nick.clone())
            .or_else(|| user.global_name.clone())
            .unwrap_or_else(|| user.name.clone());
        let mut req = Request::new(&super::ABILITIES, &user.id.to_string(), &name, command, Utc::now());
        req.locale = Locale::from_tag(locale);
        req.space = guild.map(|g| g.to_string());
        // Outside a server (a direct message) there is no channel to subscribe.
        req.channel = guild.map(|_| channel);
        req.member = false;
        req.organizer = false;
        let whose = match place {
            Place::Home(found) => {
                req.asked = Asked::Home;
                // Signed by Discord in the interaction itself: asked in a home server, a member.
                if let Some(m) = member {
                    let perms = m.permissions.unwrap_or_else(Permissions::empty);
                    req.member = true;
                    req.organizer = self.organizes(&found.rule, perms, &m.roles).await;
                }
                found.owner.whose()
            }
            Place::Direct => {
                req.asked = Asked::Direct;
                Whose::Direct(self.standings(user.id).await)
            }
            Place::Elsewhere => {
                req.asked = Asked::Elsewhere;
                Whose::Elsewhere
            }
        };
        (req, whose)
    }

    /// Administrator (the owner has it too, and either can grant the role), where the home is
    /// the whole server, or the home's organizer role: the one rule, whether the permissions
    /// came signed in an interaction or were read from the server for a DM. Nothing else
    /// counts, Manage Events included: an interaction's permissions include the channel's
    /// overwrites, and a role given a permission on one channel organizes nothing. No
    /// overwrite can grant Administrator. A server's Administrator does not organize the
    /// groups living in its channels: each has its own role.
    async fn organizes(&self, rule: &Rule, perms: Permissions, roles: &[RoleId]) -> bool {
        if rule.admin && perms.administrator() {
            return true;
        }
        match rule.role.as_deref() {
            Some(role) => self.role_id(rule.guild, role).await.is_some_and(|id| roles.contains(&id)),
            None => false,
        }
    }

    /// The role `role` (an id, or a name) in `guild`: a name is looked up and kept for
    /// [`STANDING_FRESH_FOR`] (a role made, renamed or deleted after the bot started counts
    /// within that time). The name as written wins; otherwise one role whose name differs
    /// only in case. Two such roles and none as written: no organizer role, since a second
    /// role could have been made to pass as the first (`doctor` says so).
    async fn role_id(&self, guild: GuildId, role: &str) -> Option<RoleId> {
        let role = role.trim();
        if let Ok(id) = role.parse::<u64>() {
            return (id != 0).then(|| RoleId::new(id));
        }
        let key = (guild, role.to_string());
        let mut cache = self.roles.lock().await;
        if let Some((at, id)) = cache.get(&key)
            && at.elapsed() < STANDING_FRESH_FOR
        {
            return *id;
        }
        let found = match self.http.get_guild_roles(guild).await {
            Ok(roles) => role_named(roles.iter().map(|r| (r.id, r.name.as_str())), role),
            Err(e) => {
                tracing::warn!(%guild, error = %e, "cannot read the server's roles to find an organizer role");
                return None;
            }
        };
        cache.insert(key, (Instant::now(), found));
        found
    }

    /// The person's standing in each group's home, asked of Discord (for a DM, where the
    /// interaction carries no standing), each kept for [`STANDING_FRESH_FOR`]. A server
    /// shared by several groups is asked once. Any failure to read it counts as no standing.
    pub async fn standings(&self, user: UserId) -> Vec<(GroupId, Standing)> {
        let groups = self.homes.groups();
        let mut out = Vec::with_capacity(groups.len());
        let mut missing: Vec<(GroupId, DiscordHome)> = Vec::new();
        {
            let cache = self.standing.lock().await;
            for (engine, home) in groups {
                let id = engine.group().clone();
                match cache.get(&(user, id.clone())) {
                    Some((at, reading)) if at.elapsed() < STANDING_FRESH_FOR => out.push((id, reading.standing)),
                    _ => missing.push((id, home)),
                }
            }
        }
        if missing.is_empty() {
            return out;
        }
        let mut read = Servers::default();
        let mut fresh = Vec::with_capacity(missing.len());
        for (id, home) in missing {
            let reading = self.read_home(&id, &home, user, &mut read).await;
            fresh.push((id, reading));
        }
        let mut cache = self.standing.lock().await;
        cache.retain(|_, (at, _)| at.elapsed() < STANDING_FRESH_FOR);
        for (id, reading) in &fresh {
            cache.insert((user, id.clone()), (Instant::now(), *reading));
        }
        out.extend(fresh.into_iter().map(|(id, reading)| (id, reading.standing)));
        out
    }

    /// The person's standing in one group's home now, kept as [`Bot::standings`] keeps it:
    /// what the dashboard reads while a session lasts. `None` when Discord could not be asked
    /// (the dashboard then tells "cannot say" from "no standing"); a group with no home on
    /// Discord is nobody's there.
    pub async fn standing_now(&self, user: UserId, group: &GroupId) -> Option<Standing> {
        let key = (user, group.clone());
        if let Some((at, reading)) = self.standing.lock().await.get(&key)
            && at.elapsed() < STANDING_FRESH_FOR
        {
            return reading.told();
        }
        let home = self.homes.groups().into_iter().find(|(engine, _)| engine.group() == group).map(|(_, h)| h);
        let Some(home) = home else { return Some(Standing::default()) };
        let reading = self.read_home(group, &home, user, &mut Servers::default()).await;
        self.standing.lock().await.insert(key, (Instant::now(), reading));
        reading.told()
    }

    /// One group's home read for `user`, server by server until one says organizer.
    async fn read_home(&self, id: &GroupId, home: &DiscordHome, user: UserId, read: &mut Servers) -> Reading {
        let mut standing = Standing::default();
        let mut complete = true;
        for guild in home.servers() {
            match self.standing_in(&home.rule(guild), user, read).await {
                Ok(found) => {
                    standing.member |= found.member;
                    standing.organizer |= found.organizer;
                    if standing.organizer {
                        break;
                    }
                }
                Err(e) => {
                    complete = false;
                    tracing::warn!(%guild, group = %id, error = %e,
                        "Discord: cannot read a member's standing in a group's home server")
                }
            }
        }
        Reading { standing, complete }
    }

    /// One home server's answer, by the home's `rule`: a member of the server, and the
    /// home's organizer role there; the owner or Administrator through the member's roles
    /// (and @everyone) where the home is the whole server.
    async fn standing_in(&self, rule: &Rule, user: UserId, read: &mut Servers) -> serenity::Result<Standing> {
        let guild = rule.guild;
        if let Entry::Vacant(vacant) = read.members.entry(guild) {
            vacant.insert(match self.http.get_member(guild, user).await {
                Ok(m) => Some(m),
                // Not a member of this server: no standing there.
                Err(serenity::Error::Http(HttpError::UnsuccessfulRequest(e))) if e.status_code.as_u16() == 404 => None,
                Err(e) => return Err(e),
            });
        }
        let Some(member) = read.members.get(&guild).cloned().flatten() else {
            return Ok(Standing::default());
        };
        let mut perms = Permissions::empty();
        if rule.admin {
            if let Entry::Vacant(vacant) = read.servers.entry(guild) {
                vacant.insert(self.http.get_guild(guild).await?);
            }
            let server = &read.servers[&guild];
            if server.owner_id == user {
                return Ok(Standing { member: true, organizer: true });
            }
            let everyone = RoleId::new(guild.get());
            perms = server
                .roles
                .values()
                .filter(|r| r.id == everyone || member.roles.contains(&r.id))
                .fold(Permissions::empty(), |p, r| p | r.permissions);
        }
        Ok(Standing { member: true, organizer: self.organizes(rule, perms, &member.roles).await })
    }

    /// The organization's answer to a request, for whoever's it is.
    async fn handle(&self, req: &Request, whose: &Whose) -> Reply {
        self.organization().handle(req, whose).await
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
        let place = self.place(ci.guild_id, ci.context, ci.channel_id, ci.channel.as_ref()).await;
        let (req, whose) = self
            .request(
                &ci.user,
                ci.member.as_deref(),
                ci.guild_id,
                &place,
                ci.channel_id.to_string(),
                &ci.locale,
                command,
            )
            .await;
        let mut reply = self.handle(&req, &whose).await;
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
        let place = self.place(ci.guild_id, ci.context, ci.channel_id, ci.channel.as_ref()).await;
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
        let (req, whose) = self
            .request(&ci.user, ci.member.as_ref(), ci.guild_id, &place, ci.channel_id.to_string(), &ci.locale, command)
            .await;
        // In a direct chat, a button answers the group whose message it is on (if the person
        // is still in it), not the group the chat answers for otherwise.
        let whose = match (whose, super::render::group_of_custom_id(&ci.data.custom_id)) {
            (Whose::Direct(theirs), Some(group)) => {
                Whose::Direct(theirs.into_iter().filter(|(id, _)| *id == group).collect())
            }
            (whose, _) => whose,
        };
        let reply = self.handle(&req, &whose).await.into_private();
        // Nothing was recorded (not a group's home), the button is on a personal message
        // (the next step offered in a direct message), or the campaign was removed from the
        // content since the message was posted: the private answer alone.
        let group = match &whose {
            Whose::Group(id) => self.organization().group(id),
            _ => None,
        };
        let public = match (refresh, group) {
            (Some((campaign, locale)), Some(engine)) => {
                engine.public_campaign(&req, &campaign, locale).await.map(|r| (r, locale))
            }
            _ => None,
        };
        let Some((refreshed, pressed_locale)) = public else {
            return Answer::Respond(CreateInteractionResponse::Message(response(&reply, req.locale)));
        };
        Answer::Follow(
            CreateInteractionResponse::UpdateMessage(response(&refreshed, pressed_locale)),
            Box::new(followup(&reply, req.locale)),
        )
    }

    /// Suggestions from the group whose home it is typed in; anywhere else, from every group
    /// (names of campaigns and meetings are public), each once.
    async fn autocomplete(&self, ci: &CommandInteraction) -> Answer {
        let mut choices: Vec<(String, String)> = Vec::new();
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
            let place = self.place(ci.guild_id, ci.context, ci.channel_id, ci.channel.as_ref()).await;
            let engines: Vec<Engine> = match &place {
                Place::Home(Found { owner: Owner::Group(id), .. }) => {
                    self.organization().group(id).into_iter().collect()
                }
                _ => self.organization().groups().values().cloned().collect(),
            };
            for engine in engines {
                for choice in engine.complete(&ci.data.name, focused.name, focused.value, &given, l).await {
                    if !choices.iter().any(|(_, value)| *value == choice.1) {
                        choices.push(choice);
                    }
                }
            }
        }
        let mut out = CreateAutocompleteResponse::new();
        for (name, value) in choices.into_iter().take(25) {
            out = out.add_string_choice(clip(&name, 100), value);
        }
        Answer::Respond(CreateInteractionResponse::Autocomplete(out))
    }
}

impl crate::chat::Standings for Bot {
    fn standing<'a>(&'a self, user: &'a str, group: &'a GroupId) -> BoxFuture<'a, Option<Standing>> {
        Box::pin(async move {
            // Not a Discord id (Discord's are non-zero numbers): nobody there.
            match user.parse::<u64>() {
                Ok(id) if id != 0 => self.standing_now(UserId::new(id), group).await,
                _ => Some(Standing::default()),
            }
        })
    }
}

/// One group's home as read for one person: what the servers that answered say, and
/// whether every one answered.
#[derive(Clone, Copy, Debug)]
struct Reading {
    standing: Standing,
    complete: bool,
}

impl Reading {
    /// The standing, when it is told: every server answered, or one says organizer (which
    /// no other server's answer could take back).
    fn told(self) -> Option<Standing> {
        (self.complete || self.standing.organizer).then_some(self.standing)
    }
}

/// What one direct message's standing read found, so that a server several groups share is
/// asked once.
#[derive(Default)]
struct Servers {
    /// The person as a member of each server (`None`: not a member).
    members: HashMap<GuildId, Option<Member>>,
    /// Each server, for its owner and roles' permissions.
    servers: HashMap<GuildId, PartialGuild>,
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
