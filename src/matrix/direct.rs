//! The direct room with one person: where private replies and personal messages go. A room
//! is that person's direct room only while it is encrypted and holds exactly the bot and
//! them (joined or invited), checked at every send: anyone can mark a room "direct", invite
//! the bot and someone else, leave and come back, and a room can be unencrypted or gain a
//! member at any time.

use matrix_sdk::ruma::UserId;
use matrix_sdk::{Client, EncryptionState, Room, RoomMemberships, RoomState};

/// Whether `room` is the bot's (`me`) direct room with `user` now: encrypted, and its joined
/// and invited members exactly the two of them. The member list is read from the homeserver
/// when the bot's copy is not complete; anything that cannot be read counts as no.
pub async fn only_us(room: &Room, me: &UserId, user: &UserId) -> bool {
    room.state() == RoomState::Joined && encrypted(room).await && just_us(room, me, user).await
}

/// Whether the room's joined and invited members are exactly the bot and `user`, encrypted
/// or not (a room to leave after an erasure).
pub async fn just_us(room: &Room, me: &UserId, user: &UserId) -> bool {
    let Ok(members) = room.members(RoomMemberships::ACTIVE).await else { return false };
    let ours = members.iter().all(|m| m.user_id() == me || m.user_id() == user);
    ours && members.iter().any(|m| m.user_id() == user)
}

/// Whether the room is encrypted, asking the homeserver when the bot does not know yet.
async fn encrypted(room: &Room) -> bool {
    match room.encryption_state() {
        EncryptionState::Unknown => room.latest_encryption_state().await.is_ok_and(|s| s.is_encrypted()),
        state => state.is_encrypted(),
    }
}

/// The direct room the bot shares with `user` alone, or a new one (encrypted, the person
/// invited) when there is none: a room that gained someone, or is not encrypted, is left
/// unused.
pub async fn direct_room(client: &Client, user: &UserId) -> matrix_sdk::Result<Room> {
    if let Some(me) = client.user_id() {
        for room in client.get_dm_rooms(user).filter(|r| r.state() == RoomState::Joined) {
            if only_us(&room, me, user).await {
                return Ok(room);
            }
        }
    }
    tracing::debug!(user = %user, "Matrix: opening a new direct room");
    client.create_dm(user).await
}
