//! What the bot does with a person alone: answers in the direct room, the reactions and
//! typed commands it removes from shared rooms, the direct rooms it leaves after `/forgetme`.

use matrix_sdk::Room;
use matrix_sdk::ruma::{EventId, UserId};

use super::*;

impl MatrixBot {
    /// After an erasure, removes from the home rooms (every group's) the ✅ reactions that
    /// had signed `user` up, where the bot's power allows: a reaction in a room is the same
    /// fact as the record erased.
    pub(super) async fn take_back(&self, user: &UserId, reactions: &[String]) {
        let homes = self.homes().rooms();
        for id in reactions {
            let Ok(event) = EventId::parse(id) else { continue };
            for home in &homes {
                let Some(room) = self.client.get_room(home) else { continue };
                let theirs = room
                    .event(&event, None)
                    .await
                    .ok()
                    .and_then(|e| e.raw().get_field::<OwnedUserId>("sender").ok().flatten().filter(|s| s == user));
                if theirs.is_some() {
                    let _ = self.remove(&room, &event).await;
                    break;
                }
            }
        }
    }

    /// After an erasure, the bot leaves its direct rooms with the person and forgets them:
    /// its copy of the conversation, kept in the SDK's store, goes with the rest. The person
    /// keeps theirs.
    pub(super) async fn leave_direct_rooms(&self, user: &UserId) {
        // Only a room that is that person's direct room now: never a home room, whatever
        // the account data marks as direct.
        let homes = self.homes();
        for room in self.client.get_dm_rooms(user) {
            if homes.is_home(room.room_id()) || !crate::matrix::direct::just_us(&room, &self.me, user).await {
                continue;
            }
            if room.state() == RoomState::Joined
                && let Err(e) = room.leave().await
            {
                tracing::warn!(error = %e, "Matrix: could not leave a direct room after an erasure");
                continue;
            }
            // Forgotten, and forgotten again if the sync that carries the leave brings the room
            // back into the store: until it stays gone for a second.
            let id = room.room_id().to_owned();
            let mut gone = 0;
            for _ in 0..30 {
                match self.client.get_room(&id) {
                    Some(r) if matches!(r.state(), RoomState::Left | RoomState::Banned) => {
                        gone = 0;
                        if let Err(e) = r.forget().await {
                            tracing::debug!(error = %e, "Matrix: a direct room not forgotten yet");
                        }
                    }
                    Some(_) => gone = 0,
                    None => gone += 1,
                }
                if gone >= 2 {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            }
            if gone < 2 {
                tracing::warn!("Matrix: could not forget a direct room after an erasure");
            }
        }
    }

    /// Redacts a member's message or reaction in a shared room, when the bot's power there allows it
    /// (`convoca doctor` says when it does not).
    /// True when it was removed.
    pub(super) async fn remove(&self, room: &Room, event: &EventId) -> bool {
        let allowed = room.power_levels().await.is_ok_and(|p| p.user_can_redact_event_of_other(&self.me));
        if !allowed {
            tracing::debug!(room = %room.room_id(), "Matrix: cannot remove a personal command from the room (no power to redact)");
            return false;
        }
        let reason = "convoca: sign-ups and answers are taken privately";
        match room.redact(event, Some(reason), None).await {
            Ok(_) => true,
            Err(e) => {
                tracing::warn!(error = %e, room = %room.room_id(), "Matrix: could not remove a personal command from the room");
                false
            }
        }
    }

    /// Sends a reply to `user`'s direct room only. True when it was sent. Reactions use it
    /// alone, saying nothing in the room where they acted: what a reaction did is nobody
    /// else's business.
    pub(crate) async fn deliver_privately(&self, user: &UserId, l: Locale, reply: &Reply) -> bool {
        let dm = match self.direct_room(user).await {
            Ok(dm) => dm,
            Err(e) => {
                tracing::warn!(error = %e, "Matrix: could not open a direct room");
                return false;
            }
        };
        match dm.send_raw("m.room.message", content(reply, l, None, None)).await {
            Ok(_) => true,
            Err(e) => {
                tracing::warn!(error = %e, "Matrix: could not send the private reply");
                false
            }
        }
    }

    /// The direct room with `user`: the one already shared (that they have not left), or a
    /// new one.
    pub(super) async fn direct_room(&self, user: &UserId) -> matrix_sdk::Result<Room> {
        crate::matrix::direct::direct_room(&self.client, user).await
    }
}
