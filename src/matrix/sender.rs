//! Reminders posted to Matrix rooms: any room the bot is in, whichever group's reminder it is.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use matrix_sdk::Client;
use matrix_sdk::deserialized_responses::TimelineEventKind;
use matrix_sdk::room::MessagesOptions;
use matrix_sdk::ruma::api::error::ErrorKind;
use matrix_sdk::ruma::{OwnedRoomId, OwnedTransactionId, OwnedUserId, UInt};

use super::groups::Routes;
use super::render::render;
use crate::group_id::GroupId;
use crate::reminders::{Found, Post, SendError, Sender, To};

/// The event content field that carries a reminder's key, for [`MatrixSender::find`]: a
/// transaction id is visible only to the device that sent it.
pub const KEY_FIELD: &str = "org.convoca.reminder";

/// The event content field that names the group of an organization a personal message is
/// from: a reaction to it in the direct room answers that group.
pub const GROUP_FIELD: &str = "org.convoca.group";

/// How many of the bot's events, at most, a look for an earlier attempt reads.
const LOOK_BACK: usize = 500;

/// Posts reminders as `m.text` (so that they notify: default push rules mute `m.notice`),
/// with the reminder's idempotency key as the transaction id (a retry from the same device
/// within Synapse's memory of it returns the first event) and inside the content, where a
/// later attempt, from any device that can read the room, finds it.
///
/// In an encrypted room another process's device reads the bot's earlier posts only if the
/// sending device shared its room key with it. When it cannot, an unreadable event of the
/// bot's since the reminder was due is taken to be the post ([`Found::CannotTell`]): the
/// reminder is recorded as sent (with that note) rather than risk a second post.
pub struct MatrixSender {
    client: Client,
    /// The homes now: who is joined to one of a group's rooms is its member.
    routes: Arc<Routes>,
    /// The group whose members [`Sender::still_member`] asks about; `None`: any group's.
    group: Option<GroupId>,
}

impl MatrixSender {
    /// A sender through this client; membership is read in the homes of `group`, or of every
    /// group when `None`.
    pub(crate) fn new(client: Client, routes: Arc<Routes>, group: Option<GroupId>) -> MatrixSender {
        MatrixSender { client, routes, group }
    }
}

impl Sender for MatrixSender {
    fn open_direct<'a>(&'a self, user: &'a str) -> BoxFuture<'a, Result<String, SendError>> {
        Box::pin(async move {
            let user: OwnedUserId =
                user.parse().map_err(|_| SendError::Unreachable(format!("`{user}` is not a Matrix user id")))?;
            match super::direct::direct_room(&self.client, &user).await {
                Ok(room) => Ok(room.room_id().to_string()),
                // No such user, or their homeserver refuses the invitation.
                Err(e) if matches!(e.client_api_error_kind(), Some(ErrorKind::Forbidden | ErrorKind::NotFound)) => {
                    Err(SendError::Unreachable(e.to_string()))
                }
                Err(e) => Err(classify(e)),
            }
        })
    }

    /// Read from the home rooms' member lists the client keeps in step with every sync: a
    /// departure or ban is known as soon as the bot has synced it.
    fn still_member<'a>(&'a self, user: &'a str, group: &'a GroupId) -> BoxFuture<'a, Option<bool>> {
        Box::pin(async move {
            let user: OwnedUserId = user.parse().ok()?;
            let homes = self.routes.now();
            let rooms: Vec<OwnedRoomId> = homes
                .groups()
                .filter(|(id, _)| self.group.as_ref().unwrap_or(group) == *id)
                .flat_map(|(_, home)| home.rooms.iter().cloned())
                .collect();
            for home in &rooms {
                let Some(room) = self.client.get_room(home) else { continue };
                let member = room.get_member_no_sync(&user).await.ok().flatten();
                if member
                    .is_some_and(|m| *m.membership() == matrix_sdk::ruma::events::room::member::MembershipState::Join)
                {
                    return Some(true);
                }
            }
            Some(false)
        })
    }

    /// Synapse takes many at once; fifty keeps a fan-out's claims well inside their lease.
    fn at_once(&self) -> usize {
        50
    }

    fn send<'a>(&'a self, post: &'a Post) -> BoxFuture<'a, Result<(), SendError>> {
        Box::pin(async move {
            let room = self.joined(post).await?;
            let (body, html) = render(&post.reply, crate::engine::texts::add_to_calendar(post.locale));
            let mut content = serde_json::json!({
                "msgtype": "m.text",
                "body": body,
                "format": "org.matrix.custom.html",
                "formatted_body": html,
                KEY_FIELD: post.key,
            });
            if let Some(group) = &post.reply.group {
                content[GROUP_FIELD] = serde_json::Value::from(group.as_str());
            }
            let txn = OwnedTransactionId::from(post.key.clone());
            match room.send_raw("m.room.message", content).with_transaction_id(&txn).await {
                Ok(_) => Ok(()),
                Err(e) => Err(classify(e)),
            }
        })
    }

    fn find<'a>(&'a self, post: &'a Post) -> BoxFuture<'a, Result<Found, SendError>> {
        Box::pin(async move {
            let room = self.joined(post).await?;
            let me = self.client.user_id().map(ToOwned::to_owned);
            // The claim is taken a moment before the instant; a minute covers it. (Never after
            // now: a due instant ahead of the homeserver's clock would hide every event.)
            let since = (post.due.min(chrono::Utc::now()) - chrono::Duration::minutes(1)).timestamp_millis();
            let mut from: Option<String> = None;
            let mut unreadable = 0;
            let mut read = 0;
            loop {
                let mut options = MessagesOptions::backward().from(from.as_deref());
                options.limit = UInt::from(100u32);
                options.filter.senders = me.clone().map(|m| vec![m]);
                let page = room.messages(options).await.map_err(classify)?;
                for event in &page.chunk {
                    read += 1;
                    let raw = event.kind.raw();
                    let sender: Option<String> = raw.get_field("sender").ok().flatten();
                    if me.as_ref().is_some_and(|m| sender.as_deref() != Some(m.as_str())) {
                        continue;
                    }
                    let ts: Option<i64> = raw.get_field("origin_server_ts").ok().flatten();
                    if ts.is_some_and(|t| t < since) {
                        return Ok(settle(unreadable));
                    }
                    if let TimelineEventKind::UnableToDecrypt { .. } = event.kind {
                        unreadable += 1;
                        continue;
                    }
                    let content: Option<serde_json::Value> = raw.get_field("content").ok().flatten();
                    if content.as_ref().and_then(|c| c.get(KEY_FIELD)).and_then(|k| k.as_str()) == Some(&post.key) {
                        return Ok(Found::Posted);
                    }
                }
                match page.end {
                    Some(end) if !page.chunk.is_empty() && read < LOOK_BACK => from = Some(end),
                    _ => return Ok(settle(unreadable)),
                }
            }
        })
    }
}

impl MatrixSender {
    /// The post's room, when the bot is in it (and, for a person, they are too).
    async fn joined(&self, post: &Post) -> Result<matrix_sdk::Room, SendError> {
        let id = post.to.channel();
        let room_id: OwnedRoomId =
            id.parse().map_err(|_| SendError::Permanent(format!("`{id}` is not a Matrix room id")))?;
        let room = match self.client.get_room(&room_id) {
            Some(room) if room.state() == matrix_sdk::RoomState::Joined => room,
            // A direct room the bot is no longer in: open another.
            _ if matches!(post.to, To::Person { .. }) => {
                return Err(SendError::Gone(format!("the bot is not in {room_id}")));
            }
            _ => return Err(SendError::Permanent(format!("the bot is not in {room_id}"))),
        };
        if let To::Person { user, .. } = &post.to {
            let user: OwnedUserId =
                user.parse().map_err(|_| SendError::Permanent(format!("`{user}` is not a Matrix user id")))?;
            // Checked at every send, a room remembered from before included: a room that
            // gained anyone, or is not encrypted, is not theirs alone, and another is opened.
            let alone = match self.client.user_id().map(ToOwned::to_owned) {
                Some(me) => super::direct::only_us(&room, &me, &user).await,
                None => false,
            };
            if !alone {
                return Err(SendError::Gone(format!("{room_id} is not a direct room with the person alone")));
            }
        }
        Ok(room)
    }
}

/// The verdict once the bot's events since the reminder was due are read: not there, unless
/// some could not be decrypted.
fn settle(unreadable: usize) -> Found {
    if unreadable == 0 {
        Found::NotPosted
    } else {
        Found::CannotTell(format!("{unreadable} encrypted event(s) of the bot's that this device cannot read"))
    }
}

/// No permission or no such room will not change by trying again; anything else may.
fn classify(e: matrix_sdk::Error) -> SendError {
    match e.client_api_error_kind() {
        Some(ErrorKind::Forbidden | ErrorKind::NotFound) => SendError::Permanent(e.to_string()),
        _ => SendError::Transient(e.to_string()),
    }
}
