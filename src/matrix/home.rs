//! A home room on Matrix: an alias resolved once and pinned in the database, and the bot
//! joined to it before it answers anything there.

use chrono::Utc;
use matrix_sdk::ruma::{OwnedRoomId, RoomAliasId, RoomId};
use matrix_sdk::{Client, RoomState};

use crate::store::{Pin, Store};

/// The room an alias names. It is resolved and pinned to the room it names the first time;
/// if it later names another room (anyone on that homeserver could claim a freed alias),
/// the pinned room is kept and the change is logged as refused. Fails, in one line, when an
/// alias that was never pinned cannot be resolved.
pub async fn resolve_alias(client: &Client, store: &Store, alias: &str) -> anyhow::Result<OwnedRoomId> {
    let parsed = RoomAliasId::parse(alias).map_err(|e| anyhow::anyhow!("`{alias}` is not an alias: {e}"))?;
    let resolved = match client.resolve_room_alias(&parsed).await {
        Ok(r) => r.room_id,
        Err(e) => {
            // The homeserver did not answer, or the alias is gone: the pin still holds.
            return match store.pinned_alias(alias).await? {
                Some(pinned) => {
                    tracing::warn!(alias, room = %pinned, error = %e, "Matrix: home alias not resolvable; using the room pinned earlier");
                    Ok(RoomId::parse(&pinned)?)
                }
                None => Err(anyhow::anyhow!("Matrix: cannot resolve the home room alias {alias}: {e}")),
            };
        }
    };
    match store.pin_alias(alias, resolved.as_str(), Utc::now()).await? {
        Pin::New => {
            tracing::info!(alias, room = %resolved, "Matrix: home alias resolved and pinned");
            Ok(resolved)
        }
        Pin::Same => {
            tracing::info!(alias, room = %resolved, "Matrix: home alias resolves to its pinned room");
            Ok(resolved)
        }
        Pin::Changed { pinned } => {
            tracing::error!(
                alias, pinned = %pinned, now = %resolved,
                "Matrix: the home alias now names another room; refused, the pinned room stays home (to move home, name the new room by its id where the home is declared)"
            );
            Ok(RoomId::parse(&pinned)?)
        }
    }
}

/// Makes sure the bot is joined to a home room (accepting a pending invitation, or joining a
/// public room). Fails, in one line, for a room it cannot join: standing cannot be read in a
/// room the bot is not in.
pub async fn join(client: &Client, home: &RoomId) -> anyhow::Result<()> {
    if client.get_room(home).is_some_and(|r| r.state() == RoomState::Joined) {
        return Ok(());
    }
    client.join_room_by_id(home).await.map_err(|e| {
        anyhow::anyhow!("Matrix: the bot is not in the home room {home} and cannot join it (invite it first): {e}")
    })?;
    tracing::info!(room = %home, "Matrix: joined the home room");
    Ok(())
}
