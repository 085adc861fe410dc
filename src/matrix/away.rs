//! Sign-up reactions added or removed while the bot was away, applied when it starts again,
//! so that the roster matches the room.
//!
//! The first sync after a start answers nothing (history is never answered), so a ✅ added
//! or removed meanwhile would be lost. Instead, at start the bot reads its own recent campaign
//! messages in each group's home rooms and the ✅ reactions on each, and that group's engine
//! compares them with the reactions it remembers (see [`crate::engine::reactions::while_away`]).

use chrono::{DateTime, Utc};
use matrix_sdk::Room;
use matrix_sdk::room::{IncludeRelations, MessagesOptions, RelationsOptions};
use matrix_sdk::ruma::events::relation::RelationType;
use matrix_sdk::ruma::{OwnedEventId, UInt, UserId};
use serde_json::Value;

use super::handler::{CAMPAIGN_KEY, MatrixBot, YES, user_of};
use crate::chat::Platform;
use crate::engine::Whose;
use crate::engine::reactions::{Present, while_away};
use crate::engine::{Command, Tone};

/// How many of its own events per home room the bot reads back for campaign messages.
const LOOK_BACK: usize = 300;
/// Pages of 100 reactions read per message, at most.
const REACTION_PAGES: usize = 20;

impl MatrixBot {
    /// Applies the ✅ reactions added and removed while the bot was away, telling each person
    /// privately as a live reaction would, then records that the bot runs.
    pub async fn catch_up_reactions(&self) {
        let now = Utc::now();
        // When the bot last ran is the deployment's; each reaction is its group's.
        let any = self.org.any();
        let seen = match any.last_seen(Platform::Matrix).await {
            Ok(seen) => seen,
            Err(e) => {
                tracing::warn!(error = %e, "Matrix: cannot read when the bot last ran; reactions made meanwhile are not applied");
                return;
            }
        };
        let (mut added, mut removed) = (0, 0);
        let homes = self.homes();
        for (group, home) in homes.groups() {
            let Some(engine) = self.org.group(group) else { continue };
            let l = engine.content().current().group.language;
            for room_id in &home.rooms {
                let Some(room) = self.client.get_room(room_id) else { continue };
                for (message, campaign) in self.campaign_messages(&room).await {
                    // Only campaigns whose organizers chose public reaction sign-up; a reaction
                    // withdrawn meanwhile is still applied below for one that no longer does.
                    let public = engine.content().current().campaign(&campaign).is_some_and(|c| c.public_reactions);
                    let present = match sign_up_reactions(&room, &message, self.me.as_str()).await {
                        Ok(present) => present,
                        Err(e) => {
                            tracing::warn!(error = %e, message = %message, "Matrix: cannot read a message's reactions");
                            continue;
                        }
                    };
                    let known = match engine.reactions_on(Platform::Matrix, message.as_str()).await {
                        Ok(known) => known,
                        Err(e) => {
                            tracing::warn!(error = %e, "Matrix: cannot read the remembered reactions");
                            return;
                        }
                    };
                    let away = while_away(&present, &known, seen);
                    for gone in away.removed {
                        let Ok(user) = UserId::parse(&gone.user_id) else { continue };
                        if let Some(reply) = engine.reaction_removed(&user_of(&user), &gone.reaction_id, l, now).await {
                            self.deliver_privately(&user, l, &reply).await;
                            removed += 1;
                        }
                    }
                    for new in away.added.iter().filter(|_| public) {
                        let Ok(user) = UserId::parse(&new.user_id) else { continue };
                        let command = Command::SignUp { campaign: Some(campaign.clone()), action: None };
                        let (req, whose) = self.request(&room, &user, command).await;
                        if whose != Whose::Group(group.clone()) {
                            continue;
                        }
                        let reply = engine.sign_up_by_reaction(&req, &new.reaction_id, message.as_str()).await;
                        if reply.tone == Tone::Done {
                            self.deliver_privately(&user, req.locale, &reply).await;
                            added += 1;
                        }
                    }
                }
            }
        }
        any.mark_seen(Platform::Matrix, now).await;
        if added + removed > 0 {
            tracing::info!(added, removed, "Matrix: sign-up reactions made while the bot was away applied");
        }
    }

    /// The bot's recent campaign messages in `room`, with their campaign.
    async fn campaign_messages(&self, room: &Room) -> Vec<(OwnedEventId, String)> {
        let mut found = Vec::new();
        let mut from: Option<String> = None;
        let mut read = 0;
        while read < LOOK_BACK {
            let mut options = MessagesOptions::backward().from(from.as_deref());
            options.limit = UInt::from(100u32);
            options.filter.senders = Some(vec![self.me.clone()]);
            let page = match room.messages(options).await {
                Ok(page) => page,
                Err(e) => {
                    tracing::warn!(error = %e, room = %room.room_id(), "Matrix: cannot read the bot's messages");
                    break;
                }
            };
            for event in &page.chunk {
                read += 1;
                let raw = event.kind.raw();
                let content: Option<Value> = raw.get_field("content").ok().flatten();
                let campaign = content.as_ref().and_then(|c| c.get(CAMPAIGN_KEY)).and_then(Value::as_str);
                if let (Some(campaign), Ok(Some(id))) = (campaign, raw.get_field::<OwnedEventId>("event_id")) {
                    found.push((id, campaign.to_string()));
                }
            }
            match page.end {
                Some(end) if !page.chunk.is_empty() => from = Some(end),
                _ => break,
            }
        }
        found
    }
}

/// The ✅ reactions on `message` now (removed ones are gone from the relations), the bot's own
/// left out.
async fn sign_up_reactions(room: &Room, message: &OwnedEventId, me: &str) -> matrix_sdk::Result<Vec<Present>> {
    let mut present = Vec::new();
    let mut from = None;
    for _ in 0..REACTION_PAGES {
        let options = RelationsOptions {
            from,
            limit: Some(UInt::from(100u32)),
            include_relations: IncludeRelations::RelationsOfType(RelationType::Annotation),
            ..Default::default()
        };
        let page = room.relations(message.clone(), options).await?;
        for event in &page.chunk {
            let raw = event.kind.raw();
            let kind: Option<String> = raw.get_field("type").ok().flatten();
            let sender: Option<String> = raw.get_field("sender").ok().flatten();
            let content: Option<Value> = raw.get_field("content").ok().flatten();
            let key = content.as_ref().and_then(|c| c.pointer("/m.relates_to/key")).and_then(Value::as_str);
            let (Some("m.reaction"), Some(sender), Some(key)) = (kind.as_deref(), sender, key) else { continue };
            if sender == me || !YES.contains(&key) {
                continue;
            }
            let Ok(Some(id)) = raw.get_field::<String>("event_id") else { continue };
            let at = raw
                .get_field::<i64>("origin_server_ts")
                .ok()
                .flatten()
                .and_then(DateTime::from_timestamp_millis)
                .unwrap_or_else(Utc::now);
            present.push(Present { reaction_id: id, user_id: sender, at });
        }
        match page.prev_batch_token {
            Some(token) if !page.chunk.is_empty() => from = Some(token),
            _ => break,
        }
    }
    Ok(present)
}
