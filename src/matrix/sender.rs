//! Reminders posted to Matrix rooms.

use futures_util::future::BoxFuture;
use matrix_sdk::Client;
use matrix_sdk::ruma::api::error::ErrorKind;
use matrix_sdk::ruma::{OwnedRoomId, OwnedTransactionId};

use super::render::render;
use crate::reminders::{Post, SendError, Sender};

/// Posts reminders as `m.text` (so that they notify: default push rules mute `m.notice`),
/// with the reminder's idempotency key as the transaction id: a retry after a crash reuses it
/// and the homeserver returns the first event instead of posting a second.
pub struct MatrixSender {
    client: Client,
}

impl MatrixSender {
    /// A sender through this client.
    pub fn new(client: Client) -> MatrixSender {
        MatrixSender { client }
    }
}

impl Sender for MatrixSender {
    fn send<'a>(&'a self, post: &'a Post) -> BoxFuture<'a, Result<(), SendError>> {
        Box::pin(async move {
            let room_id: OwnedRoomId = post
                .channel
                .parse()
                .map_err(|_| SendError::Permanent(format!("`{}` is not a Matrix room id", post.channel)))?;
            let Some(room) = self.client.get_room(&room_id) else {
                return Err(SendError::Permanent(format!("the bot is not in {room_id}")));
            };
            if room.state() != matrix_sdk::RoomState::Joined {
                return Err(SendError::Permanent(format!("the bot is not in {room_id}")));
            }
            let (body, html) = render(&post.reply, crate::engine::texts::add_to_calendar(post.locale));
            let content = serde_json::json!({
                "msgtype": "m.text",
                "body": body,
                "format": "org.matrix.custom.html",
                "formatted_body": html,
            });
            let txn = OwnedTransactionId::from(post.key.clone());
            match room.send_raw("m.room.message", content).with_transaction_id(&txn).await {
                Ok(_) => Ok(()),
                // No permission or no such room will not change by trying again.
                Err(e) => match e.client_api_error_kind() {
                    Some(ErrorKind::Forbidden | ErrorKind::NotFound) => Err(SendError::Permanent(e.to_string())),
                    _ => Err(SendError::Transient(e.to_string())),
                },
            }
        })
    }
}
