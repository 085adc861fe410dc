//! The group's home rooms on Matrix: room ids taken as given, aliases resolved once and
//! pinned in the database, and the bot joined to each before it answers anything.

use chrono::Utc;
use matrix_sdk::ruma::{OwnedRoomId, RoomAliasId, RoomId};
use matrix_sdk::{Client, RoomState};

use crate::config::HomeRoom;
use crate::store::{Pin, Store};

/// The home rooms' ids. An alias is resolved and pinned to the room it names the first time;
/// if it later names another room (anyone on that homeserver could claim a freed alias),
/// the pinned room is kept and the change is logged as refused. Fails, in one line, when an
/// alias that was never pinned cannot be resolved.
pub async fn resolve(client: &Client, store: &Store, homes: &[HomeRoom]) -> anyhow::Result<Vec<OwnedRoomId>> {
    let mut ids = Vec::new();
    for home in homes {
        let id = match home {
            HomeRoom::Id(id) => {
                RoomId::parse(id).map_err(|e| anyhow::anyhow!("MATRIX_HOME_ROOMS: `{id}` is not a room id: {e}"))?
            }
            HomeRoom::Alias(alias) => resolve_alias(client, store, alias).await?,
        };
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

async fn resolve_alias(client: &Client, store: &Store, alias: &str) -> anyhow::Result<OwnedRoomId> {
    let parsed =
        RoomAliasId::parse(alias).map_err(|e| anyhow::anyhow!("MATRIX_HOME_ROOMS: `{alias}` is not an alias: {e}"))?;
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
                "Matrix: the home alias now names another room; refused, the pinned room stays home (to move home, put the new room id in MATRIX_HOME_ROOMS)"
            );
            Ok(RoomId::parse(&pinned)?)
        }
    }
}

/// Makes sure the bot is joined to every home room (accepting a pending invitation, or
/// joining a public room). Fails, in one line, for a room it cannot join: standing cannot be
/// read in a room the bot is not in.
pub async fn join(client: &Client, homes: &[OwnedRoomId]) -> anyhow::Result<()> {
    for home in homes {
        if client.get_room(home).is_some_and(|r| r.state() == RoomState::Joined) {
            continue;
        }
        client.join_room_by_id(home).await.map_err(|e| {
            anyhow::anyhow!("Matrix: the bot is not in the home room {home} and cannot join it (invite it first): {e}")
        })?;
        tracing::info!(room = %home, "Matrix: joined the home room");
    }
    Ok(())
}
