//! The direct room with one person: where private replies and personal messages go.

use matrix_sdk::room::RoomMember;
use matrix_sdk::ruma::UserId;
use matrix_sdk::ruma::events::room::member::MembershipState;
use matrix_sdk::{Client, Room, RoomState};

/// Whether `user` is still in `room` (joined, or invited and not yet answered): a direct
/// room they left reaches nobody.
pub async fn still_there(room: &Room, user: &UserId) -> bool {
    let member: Option<RoomMember> = room.get_member_no_sync(user).await.ok().flatten();
    member.is_some_and(|m| matches!(m.membership(), MembershipState::Join | MembershipState::Invite))
}

/// The direct room the bot shares with `user`, or a new one (encrypted, the person invited)
/// when there is none or they left every one.
pub async fn direct_room(client: &Client, user: &UserId) -> matrix_sdk::Result<Room> {
    for room in client.get_dm_rooms(user).filter(|r| r.state() == RoomState::Joined) {
        if still_there(&room, user).await {
            return Ok(room);
        }
    }
    client.create_dm(user).await
}
