//! What the bot does with Matrix events: answers commands for the group whose home they are
//! asked in, signs up on ✅ reactions (and withdraws when they are removed), and joins the
//! groups' home rooms and direct chats from their members.
//!
//! Authority comes from the home rooms only: a member's power level is read from the state
//! of the home rooms of the group that answers, whatever room the message came from. The
//! direct room the bot shares with a person gives that person power 100 there (the
//! `trusted_private_chat` preset), and anyone can create a room and be its admin, so neither
//! decides anything; nor does standing in one group's rooms count in another's.

use std::sync::Arc;

use chrono::Utc;
use matrix_sdk::ruma::events::reaction::OriginalSyncReactionEvent;
use matrix_sdk::ruma::events::room::member::{MembershipState, StrippedRoomMemberEvent};
use matrix_sdk::ruma::events::room::message::{MessageType, OriginalSyncRoomMessageEvent};
use matrix_sdk::ruma::events::room::power_levels::UserPowerLevel;
use matrix_sdk::ruma::events::room::redaction::OriginalSyncRoomRedactionEvent;
use matrix_sdk::ruma::{EventId, OwnedEventId, OwnedUserId, RoomId, UserId};
use matrix_sdk::{Client, Room, RoomMemberships, RoomState};
use serde_json::{Value, json};

use super::groups::{Home, Homes, Owner, Routes};
use super::queues::Queues;
use super::render::render;
use crate::chat::{Platform, Standing, User};
use crate::engine::texts;
use crate::engine::{Admission, Asked, Command, Reply, Request, Visibility, bare_answer, language_of};
use crate::engine::{Organization, Whose};
use crate::group_id::GroupId;
use crate::locale::Locale;
use crate::store::Outcome;

mod private;
mod reactions;

/// The custom key that marks the bot's campaign messages, so a reaction to one can be read.
pub const CAMPAIGN_KEY: &str = "org.convoca.campaign";

/// Reactions that mean "sign me up": check marks only (with or without the emoji variation
/// selector). A thumbs-up is applause, not a commitment.
pub(crate) const YES: &[&str] = &["✅", "✔️", "✔", "☑️", "☑"];

/// The Matrix side of the bot.
pub struct MatrixBot {
    /// Every group, and the organization above them.
    pub org: Organization,
    /// The SDK client.
    pub client: Client,
    /// The bot's own user id.
    pub me: OwnedUserId,
    /// Whose home each room is (aliases already resolved and pinned), kept current.
    pub(crate) routes: Arc<Routes>,
    /// Work waiting, one bounded queue per room (see [`MatrixBot::on_message`]).
    pub(crate) queues: Queues<Work>,
}

/// What a room's queue holds, in the order it happened there.
pub(crate) enum Work {
    /// A command to answer.
    Command(Box<Typed>),
    /// A flood: say "slow down", once, in reply to this message.
    SlowDown { room: Room, to: OwnedEventId, locale: Locale },
    /// A reaction that may sign someone up.
    Reaction { ev: OriginalSyncReactionEvent, room: Room },
    /// A redaction that may withdraw a reaction's sign-up.
    Redaction { ev: OriginalSyncRoomRedactionEvent, room: Room },
}

/// A command someone asked in a room.
pub(crate) struct Typed {
    ev: OriginalSyncRoomMessageEvent,
    room: Room,
    command: Command,
    locale: Option<Locale>,
    /// A bare answer ("done", "acepto") with no prefix: a command only in the direct room.
    bare: bool,
}

/// Reactions to a "did you do it?" message in the direct room, read as answers.
const ANSWER_REACTIONS: &[(&str, Outcome)] =
    &[("⏳", Outcome::NotYet), ("⌛", Outcome::NotYet), ("❌", Outcome::Couldnt), ("✖️", Outcome::Couldnt)];

/// One home as read for one person: what its rooms that could be read say, and whether
/// every room the bot is in could be.
pub(crate) struct Reading {
    /// Member of one of the rooms, organizer (by the home's power level) in one of them.
    pub standing: Standing,
    /// Whether no room's members failed to be read.
    pub complete: bool,
}

/// `user`'s standing in `home`, from the state of its rooms `client` keeps (a room the bot
/// is not in says nothing): a member of one of them, an organizer by the power level in one
/// of them. Room version 12 lists no power level for the room's creators: they outrank
/// everyone, so they organize.
pub(crate) async fn read_home(client: &Client, user: &UserId, home: &Home) -> Reading {
    let mut standing = Standing::default();
    let mut complete = true;
    for room_id in &home.rooms {
        let Some(room) = client.get_room(room_id) else { continue };
        let member = match room.get_member(user).await {
            Ok(Some(m)) if *m.membership() == MembershipState::Join => m,
            Ok(_) => continue,
            Err(e) => {
                tracing::warn!(room = %room_id, error = %e, "Matrix: cannot read a home room's members");
                complete = false;
                continue;
            }
        };
        standing.member = true;
        standing.organizer |= match member.power_level() {
            UserPowerLevel::Infinite => true,
            UserPowerLevel::Int(level) => i64::from(level) >= home.power,
            _ => false,
        };
    }
    Reading { standing, complete }
}

/// Who sent an event, as the engine names people.
pub(crate) fn user_of(sender: &UserId) -> User {
    User { platform: Platform::Matrix, id: sender.to_string(), name: sender.localpart().to_string() }
}

impl MatrixBot {
    /// The homes now.
    pub(crate) fn homes(&self) -> Arc<Homes> {
        self.routes.now()
    }

    /// `user`'s standing in `home`, read from the state of its rooms the bot knows, never
    /// from the room a message came from.
    pub(crate) async fn standing_in(&self, user: &UserId, home: &Home) -> Standing {
        read_home(&self.client, user, home).await.standing
    }

    /// `user`'s standing in each group with a Matrix home.
    pub(crate) async fn standings(&self, user: &UserId, homes: &Homes) -> Vec<(GroupId, Standing)> {
        let mut all = Vec::new();
        for (id, home) in homes.groups() {
            all.push((id.clone(), self.standing_in(user, home).await));
        }
        all
    }

    /// Whether `user` is joined to any home: a group's or the organization's.
    async fn in_any_home(&self, user: &UserId) -> bool {
        let homes = self.homes();
        for home in homes.groups().map(|(_, h)| h).chain(homes.organization()) {
            if self.standing_in(user, home).await.member {
                return true;
            }
        }
        false
    }

    /// Whether `room` is the bot's own direct chat with `user`: marked direct and shared by
    /// exactly the two of them, invited members counted.
    async fn direct_with(&self, room: &Room, user: &UserId) -> bool {
        if !room.is_direct().await.unwrap_or(false) {
            return false;
        }
        match room.members(RoomMemberships::JOIN | RoomMemberships::INVITE).await {
            Ok(members) => {
                members.len() == 2
                    && members.iter().any(|m| m.user_id() == user)
                    && members.iter().any(|m| m.user_id() == self.me)
            }
            Err(e) => {
                tracing::warn!(room = %room.room_id(), error = %e, "Matrix: cannot read a room's members");
                false
            }
        }
    }

    /// The language a room is answered in when the command does not tell: its group's, the
    /// organization's, or the deployment's.
    pub(crate) fn language_in(&self, room: &RoomId) -> Locale {
        match self.homes().owner(room) {
            Some(Owner::Group(id)) => self.org.group(id).map(|e| e.content().current().group.language),
            Some(Owner::Organization) => self.org.about().map(|a| a.language),
            None => None,
        }
        .unwrap_or_else(|| self.language())
    }

    /// The deployment's language: the organization's, or its one group's.
    pub(crate) fn language(&self) -> Locale {
        match (self.org.about(), self.org.only()) {
            (Some(about), _) => about.language,
            (None, Some(only)) => only.content().current().group.language,
            (None, None) => self.org.any().content().current().group.language,
        }
    }

    /// Whether an invitation may be accepted: to a home room (a group's or the
    /// organization's), or to a direct chat from someone joined to one.
    pub async fn may_accept(&self, room: &Room, inviter: &UserId, is_direct: bool) -> bool {
        if self.homes().is_home(room.room_id()) {
            return true;
        }
        is_direct && self.in_any_home(inviter).await
    }

    /// Joins a home room, or a direct chat from a home member, retrying with backoff (the
    /// invite can arrive before the room is ready on the homeserver). Declines every other
    /// invitation, and says so in the log.
    pub async fn on_invite(self: Arc<Self>, ev: StrippedRoomMemberEvent, room: Room) {
        if ev.state_key != self.me || ev.content.membership != MembershipState::Invite {
            return;
        }
        let is_direct = ev.content.is_direct.unwrap_or(false);
        if !self.may_accept(&room, &ev.sender, is_direct).await {
            tracing::warn!(
                room = %room.room_id(), direct = is_direct,
                "Matrix: invitation declined (only home rooms, and direct chats from members of a home room, are joined)"
            );
            tracing::debug!(inviter = %ev.sender, "Matrix: the declined invitation's sender");
            if let Err(e) = room.leave().await {
                tracing::warn!(room = %room.room_id(), error = %e, "Matrix: could not decline an invitation");
            }
            return;
        }
        tokio::spawn(async move {
            let mut wait = std::time::Duration::from_millis(500);
            for attempt in 1..=6 {
                match self.client.join_room_by_id(room.room_id()).await {
                    Ok(_) => {
                        tracing::info!(room = %room.room_id(), "Matrix: joined");
                        tracing::debug!(inviter = %ev.sender, "Matrix: invited by");
                        return;
                    }
                    Err(e) => {
                        tracing::warn!(attempt, error = %e, room = %room.room_id(), "Matrix: could not join yet");
                        tokio::time::sleep(wait).await;
                        wait = (wait * 2).min(std::time::Duration::from_secs(30));
                    }
                }
            }
            tracing::error!(room = %room.room_id(), "Matrix: gave up joining");
        });
    }

    /// Takes a command from a message and queues it for its room. The SDK runs handlers inside
    /// the sync loop, one after the other: answering here would hold up the next sync, and
    /// every other room, for as long as the answer takes to send (30–40 ms on a local Synapse,
    /// far more when a direct room must be created first). Each room's queue keeps its
    /// answers in the order they were asked. Someone asking too fast gets one "slow down"
    /// and then silence until they slow down.
    pub async fn on_message(self: Arc<Self>, ev: OriginalSyncRoomMessageEvent, room: Room) {
        if ev.sender == self.me || room.state() != RoomState::Joined {
            return;
        }
        let MessageType::Text(text) = &ev.content.msgtype else { return };
        let (command, locale, bare) = match self.addressed(&text.body) {
            Some((command, locale)) => (command, locale, false),
            // "done", "no pude", "accept": an answer, if it is said in the direct room.
            None => match bare_answer(&text.body) {
                Some((command, locale)) if room.is_direct().await.unwrap_or(false) => (command, Some(locale), true),
                _ => return,
            },
        };
        match self.org.any().admit(&user_of(&ev.sender)) {
            Admission::Go => {
                let asked = Typed { ev, room: room.clone(), command, locale, bare };
                self.enqueue(&room, Work::Command(Box::new(asked)))
            }
            Admission::SlowDown => {
                let locale = locale.unwrap_or_else(|| self.language_in(room.room_id()));
                self.enqueue(&room.clone(), Work::SlowDown { room, to: ev.event_id, locale });
            }
            Admission::Quiet => tracing::debug!("Matrix: a command dropped: too many too fast"),
        }
    }

    /// Queues `work` for `room`'s worker; drops it (and says so in the log) when the room's
    /// queue is full.
    fn enqueue(self: &Arc<Self>, room: &Room, work: Work) {
        // The worker holds the bot weakly: when the bot goes, its workers end.
        let bot = Arc::downgrade(self);
        let queued = self.queues.push(room.room_id().as_str(), work, move |work| {
            let bot = bot.upgrade();
            async move {
                if let Some(bot) = bot {
                    bot.work(work).await;
                }
            }
        });
        if !queued {
            tracing::warn!(room = %room.room_id(), "Matrix: a room's queue is full; an event was dropped");
            self.org.any().metrics().error("queue_full");
        }
    }

    /// Does one piece of queued work.
    async fn work(&self, work: Work) {
        match work {
            Work::Command(asked) => self.answer(*asked).await,
            Work::SlowDown { room, to, locale } => {
                let reply = Reply::public().tone(crate::engine::Tone::Refusal).text(texts::slow_down(locale));
                if let Err(e) = room.send_raw("m.room.message", content(&reply, locale, Some(&to), None)).await {
                    tracing::warn!(error = %e, room = %room.room_id(), "Matrix: could not say slow down");
                }
            }
            Work::Reaction { ev, room } => self.react(ev, room).await,
            Work::Redaction { ev, room } => self.unreact(ev, room).await,
        }
    }

    /// Answers one queued command.
    async fn answer(&self, asked: Typed) {
        let Typed { ev, room, command, locale, bare } = asked;
        let t0 = std::time::Instant::now();
        let since_sent = chrono::Utc::now().timestamp_millis() - i64::from(ev.origin_server_ts.0);
        let (mut req, whose) = self.request(&room, &ev.sender, command).await;
        if bare && req.asked != Asked::Direct {
            // Conversation in a room shared with others, not an answer to the bot.
            return;
        }
        if let Some(l) = locale {
            req.locale = l;
        }
        let t1 = t0.elapsed();
        let erasing = matches!(req.command, Command::ForgetMe { confirmed: true });
        // A person is one person to the deployment: what is stored about them is read (and
        // erased) in every group, whichever group's handle asks.
        let store = self.org.any().store();
        let reactions = if erasing { store.reactions_of(&req.user).await.unwrap_or_default() } else { Vec::new() };
        let reply = self.org.handle(&req, &whose).await;
        let t2 = t0.elapsed();
        self.deliver(&room, &ev.event_id, &ev.sender, &req, reply).await;
        // Once the erasure went through (nothing stored about the person any more), what
        // the rooms and the SDK's store still hold of it goes too.
        if erasing && store.stored_about(&req.user).await.is_ok_and(|e| e.is_empty()) {
            self.take_back(&ev.sender, &reactions).await;
            self.leave_direct_rooms(&ev.sender).await;
        }
        tracing::debug!(
            since_sent_ms = since_sent,
            request_us = t1.as_micros() as u64,
            engine_us = (t2 - t1).as_micros() as u64,
            deliver_us = (t0.elapsed() - t2).as_micros() as u64,
            "Matrix: answered"
        );
    }

    /// The command in a message meant for the bot: `!meeting`, `/meeting` typed as text, or
    /// `convoca: meeting`; with the language its command word was typed in, when it tells.
    fn addressed(&self, body: &str) -> Option<(Command, Option<Locale>)> {
        let trimmed = body.trim_start();
        let name = self.me.localpart();
        for sep in [":", ","] {
            if let Some(rest) = strip_prefix_ignoring_case(trimmed, name).and_then(|r| r.strip_prefix(sep)) {
                return Some((Command::parse(rest), language_of(rest)));
            }
        }
        Command::parse_addressed(body).map(|c| (c, language_of(body)))
    }

    /// The request a message (or reaction) stands for, and whose it is: the group whose home
    /// `room` is, with the asker's standing read in that group's rooms; the organization's,
    /// with their standing in its rooms; the bot's direct chat, with their standing in every
    /// group with a Matrix home (the organization says which answers); or elsewhere.
    pub(crate) async fn request(&self, room: &Room, sender: &UserId, command: Command) -> (Request, Whose) {
        let member = room.get_member(sender).await.ok().flatten();
        let name = member
            .as_ref()
            .and_then(|m| m.display_name().map(str::to_string))
            .unwrap_or_else(|| sender.localpart().to_string());
        let mut req = Request::new(&super::ABILITIES, sender.as_str(), &name, command, Utc::now());
        req.space = Some(room.room_id().to_string());
        req.locale = self.language_in(room.room_id());
        let homes = self.homes();
        let (whose, asked, standing) = match homes.owner(room.room_id()) {
            Some(Owner::Group(id)) => {
                let standing = match homes.group(id) {
                    Some(home) => self.standing_in(sender, home).await,
                    None => Standing::default(),
                };
                (Whose::Group(id.clone()), Asked::Home, standing)
            }
            Some(Owner::Organization) => {
                let standing = match homes.organization() {
                    Some(home) => self.standing_in(sender, home).await,
                    None => Standing::default(),
                };
                (Whose::Organization, Asked::Home, standing)
            }
            None if self.direct_with(room, sender).await => {
                let theirs = self.standings(sender, &homes).await;
                // Someone in one group is answered in its language.
                let mut groups = theirs.iter().filter(|(_, s)| s.member);
                if let (Some((id, _)), None) = (groups.next(), groups.next())
                    && let Some(engine) = self.org.group(id)
                {
                    req.locale = engine.content().current().group.language;
                }
                // The organization reads the standing of the group that answers.
                (Whose::Direct(theirs), Asked::Direct, Standing::default())
            }
            None => (Whose::Elsewhere, Asked::Elsewhere, Standing::default()),
        };
        req.asked = asked;
        req.organizer = standing.organizer;
        req.member = standing.member;
        // In a direct room with the bot there is no channel to subscribe to reminders.
        req.channel = if req.asked == Asked::Direct { None } else { Some(room.room_id().to_string()) };
        (req, whose)
    }

    /// Sends a reply as the engine fitted it: public ones in the room as a reply to the
    /// message; private ones in a direct room with the asker, with the engine's pointer in
    /// the room.
    pub async fn deliver(&self, room: &Room, to: &EventId, sender: &UserId, req: &Request, mut reply: Reply) {
        let l = req.locale;
        let campaign = crate::engine::delivery::signs_up(&reply).map(str::to_string);
        let link = format!("https://matrix.to/#/{}", self.me);
        for block in &mut reply.blocks {
            if *block == crate::engine::Block::DirectChat {
                *block = crate::engine::Block::Note(texts::fill(texts::direct_room_link(l), &[("link", &link)]));
            }
        }
        let personal_here = crate::engine::delivery::personal_at_home(req);
        let private = reply.visibility == Visibility::Private && req.channel.is_some();
        // A personal command typed in a shared room tells the room what the person did:
        // removed where the bot may, whatever the answer.
        let removed = personal_here && self.remove(room, to).await;
        // A direct chat that is not encrypted gets no private answer in it: the answer goes
        // to the person's encrypted direct room.
        if req.asked == Asked::Direct && reply.visibility == Visibility::Private {
            let alone = super::direct::only_us(room, &self.me, sender).await;
            if !alone {
                self.deliver_privately(sender, l, &reply).await;
                return;
            }
        }
        if !private {
            let content = content(&reply, l, Some(to), campaign.as_deref());
            if let Err(e) = room.send_raw("m.room.message", content).await {
                tracing::warn!(error = %e, room = %room.room_id(), "Matrix: could not reply");
            }
            return;
        }
        // No pointer to a message the bot removed: a reply to it would keep saying who asked.
        let pointed = reply.pointer && !removed;
        if self.deliver_privately(sender, l, &reply).await && pointed {
            let pointer = Reply::public().text(texts::sent_privately(l));
            let _ = room.send_raw("m.room.message", content(&pointer, l, Some(to), None)).await;
        }
    }
}

/// An `m.notice` with both bodies, as a reply to `to` when given.
fn content(reply: &Reply, l: Locale, to: Option<&EventId>, campaign: Option<&str>) -> Value {
    let (body, html) = render(reply, crate::engine::texts::add_to_calendar(l));
    let mut content = json!({
        "msgtype": "m.notice",
        "body": body,
        "format": "org.matrix.custom.html",
        "formatted_body": html,
    });
    if let Some(event_id) = to {
        content["m.relates_to"] = json!({"m.in_reply_to": {"event_id": event_id.as_str()}});
    }
    if let Some(c) = campaign {
        content[CAMPAIGN_KEY] = json!(c);
    }
    content
}

/// `text` without a leading `prefix`, compared character by character without regard to
/// case. Byte offsets of a lowercased copy are not used: lowercasing changes some characters'
/// length (the Kelvin sign K is three bytes, its lowercase k one), and slicing the original
/// at such an offset can cut a character in half.
fn strip_prefix_ignoring_case<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let mut rest = text.char_indices();
    for p in prefix.chars() {
        let (_, t) = rest.next()?;
        if !t.to_lowercase().eq(p.to_lowercase()) {
            return None;
        }
    }
    Some(rest.next().map_or("", |(i, _)| &text[i..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_match_without_cutting_characters() {
        assert_eq!(strip_prefix_ignoring_case("Convoca: meeting", "convoca"), Some(": meeting"));
        assert_eq!(strip_prefix_ignoring_case("convoca", "convoca"), Some(""));
        assert_eq!(strip_prefix_ignoring_case("conv", "convoca"), None);
        // The Kelvin sign lowercases to k: a bot named "bok" is addressed as "boK:".
        assert_eq!(strip_prefix_ignoring_case("bo\u{212A}: help", "bok"), Some(": help"));
        assert_eq!(strip_prefix_ignoring_case("\u{212A}\u{212A}\u{212A}", "kk"), Some("\u{212A}"));
        assert_eq!(strip_prefix_ignoring_case("é: x", "e"), None);
    }
}
