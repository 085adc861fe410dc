//! Reactions: ✅ on a campaign message signs up (where its organizers allow it) for the group
//! whose home room the message is in, removing it withdraws; in the direct room a reaction
//! answers "did you do it?".

use std::sync::Arc;

use chrono::Utc;
use matrix_sdk::Room;
use matrix_sdk::ruma::EventId;
use matrix_sdk::ruma::events::reaction::OriginalSyncReactionEvent;
use matrix_sdk::ruma::events::room::redaction::OriginalSyncRoomRedactionEvent;
use serde_json::Value;

use super::*;

impl MatrixBot {
    /// ✅ on the bot's campaign message signs up for that campaign: queued for the room, like
    /// commands, and limited like them.
    pub async fn on_reaction(self: Arc<Self>, ev: OriginalSyncReactionEvent, room: Room) {
        let key = ev.content.relates_to.key.as_str();
        if ev.sender == self.me || !(YES.contains(&key) || ANSWER_REACTIONS.iter().any(|(k, _)| *k == key)) {
            return;
        }
        if self.org.any().admit(&user_of(&ev.sender)) != Admission::Go {
            tracing::debug!("Matrix: a reaction dropped: too many too fast");
            return;
        }
        self.enqueue(&room.clone(), Work::Reaction { ev, room });
    }

    pub(super) async fn react(&self, ev: OriginalSyncReactionEvent, room: Room) {
        let key = ev.content.relates_to.key.as_str();
        let Some(campaign) = self.campaign_of(&room, &ev.content.relates_to.event_id).await else {
            // In the direct room, a reaction to the bot's "did you do it?" answers it.
            let outcome = if YES.contains(&key) {
                Some(Outcome::Done)
            } else {
                ANSWER_REACTIONS.iter().find(|(k, _)| *k == key).map(|(_, o)| *o)
            };
            let Some(outcome) = outcome else { return };
            let command = Command::Done { campaign: None, action: None, outcome };
            let (req, whose) = self.request(&room, &ev.sender, command).await;
            let Some(from) = self.mine(&room, &ev.content.relates_to.event_id).await else { return };
            if req.asked == Asked::Direct {
                // The group whose question it was answers it, not the one the chat is set to.
                let whose = match (whose, from) {
                    (Whose::Direct(theirs), Some(group)) => {
                        Whose::Direct(theirs.into_iter().filter(|(id, _)| *id == group).collect())
                    }
                    (whose, _) => whose,
                };
                let reply = self.org.handle(&req, &whose).await;
                self.deliver_privately(&ev.sender, req.locale, &reply).await;
            }
            return;
        };
        if !YES.contains(&key) {
            return;
        }
        let command = Command::SignUp { campaign: Some(campaign.clone()), action: None };
        let (req, whose) = self.request(&room, &ev.sender, command).await;
        // Sign-ups are taken in a group's rooms only, for that group (the bot's campaign
        // message there is that group's); elsewhere a reaction is just a reaction.
        let Whose::Group(group) = whose else { return };
        let Some(engine) = self.org.group(&group) else { return };
        // Only where the campaign's organizers chose it; otherwise the person is told, in
        // private, how to sign up.
        let content = engine.content().current();
        let Some(c) = content.campaign(&campaign) else { return };
        if !c.public_reactions {
            // The room saw the ✅ as a sign-up: removed where the bot may.
            let _ = self.remove(&room, &ev.event_id).await;
            let l = req.locale;
            let cmd = crate::engine::catalog::SIGN_UP.typed_on(&crate::matrix::ABILITIES, l, &c.slug);
            let text = texts::fill(texts::reactions_not_here(l), &[("campaign", c.title.get(l)), ("cmd", &cmd)]);
            self.deliver_privately(&ev.sender, l, &Reply::private().text(text)).await;
            return;
        }
        let reply =
            engine.sign_up_by_reaction(&req, ev.event_id.as_str(), ev.content.relates_to.event_id.as_str()).await;
        self.deliver_privately(&ev.sender, req.locale, &reply).await;
    }

    /// Removing a sign-up reaction (a redaction of it) withdraws the sign-up: queued for the
    /// room, in order after the reaction.
    pub async fn on_redaction(self: Arc<Self>, ev: OriginalSyncRoomRedactionEvent, room: Room) {
        if ev.sender == self.me {
            return;
        }
        self.enqueue(&room.clone(), Work::Redaction { ev, room });
    }

    pub(super) async fn unreact(&self, ev: OriginalSyncRoomRedactionEvent, room: Room) {
        let Some(redacted) = ev.redacts.clone().or_else(|| ev.content.redacts.clone()) else { return };
        // Only who removed it matters: the engine withdraws exactly what the reaction did. The
        // reaction was in the room's group's home; a room that is no group's now (its home
        // moved) may still hold one, remembered by whichever group it signed up for.
        let user = user_of(&ev.sender);
        let l = self.language_in(room.room_id());
        let engines = match self.homes().owner(room.room_id()) {
            Some(Owner::Group(id)) => self.org.group(id).into_iter().collect(),
            _ => self.org.groups().values().cloned().collect::<Vec<_>>(),
        };
        for engine in engines {
            if let Some(reply) = engine.reaction_removed(&user, redacted.as_str(), l, Utc::now()).await {
                self.deliver_privately(&ev.sender, l, &reply).await;
                return;
            }
        }
    }

    /// `Some` when the event is the bot's, with the group of an organization it names (a
    /// personal message's `org.convoca.group`), if any.
    pub(super) async fn mine(&self, room: &Room, event_id: &EventId) -> Option<Option<GroupId>> {
        let event = room.load_or_fetch_event(event_id, None).await.ok()?;
        let raw: Value = event.raw().deserialize_as().ok()?;
        if raw.get("sender").and_then(Value::as_str) != Some(self.me.as_str()) {
            return None;
        }
        let group = raw.get("content").and_then(|c| c.get(crate::matrix::sender::GROUP_FIELD)).and_then(Value::as_str);
        Some(group.filter(|g| crate::content::valid_slug(g)).map(GroupId::named))
    }

    /// The campaign a bot message is about, from its custom key.
    pub(super) async fn campaign_of(&self, room: &Room, event_id: &EventId) -> Option<String> {
        let event = room.load_or_fetch_event(event_id, None).await.ok()?;
        let raw: Value = event.raw().deserialize_as().ok()?;
        if raw.get("sender").and_then(Value::as_str) != Some(self.me.as_str()) {
            return None;
        }
        raw.get("content")?.get(CAMPAIGN_KEY)?.as_str().map(str::to_string)
    }
}
