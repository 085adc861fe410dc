//! Reminders posted to Discord channels.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use serenity::all::{ChannelId, Http, HttpError, Nonce};

use super::render::message;
use crate::reminders::{Post, SendError, Sender};

/// Posts reminders with the reminder's idempotency key as the message nonce and
/// `enforce_nonce`, so Discord itself drops a second post with the same key.
pub struct DiscordSender {
    http: Arc<Http>,
}

impl DiscordSender {
    /// A sender using this REST client.
    pub fn new(http: Arc<Http>) -> DiscordSender {
        DiscordSender { http }
    }
}

impl Sender for DiscordSender {
    fn send<'a>(&'a self, post: &'a Post) -> BoxFuture<'a, Result<(), SendError>> {
        Box::pin(async move {
            let id: u64 = post
                .channel
                .parse()
                .map_err(|_| SendError::Permanent(format!("`{}` is not a Discord channel id", post.channel)))?;
            let msg = message(&post.reply, post.locale).nonce(Nonce::String(post.key.clone())).enforce_nonce(true);
            match ChannelId::new(id).send_message(&self.http, msg).await {
                Ok(_) => Ok(()),
                Err(serenity::Error::Http(HttpError::UnsuccessfulRequest(resp))) => {
                    let status = resp.status_code.as_u16();
                    let why = format!("Discord answered {status}: {}", resp.error.message);
                    // Missing access, unknown channel, bad request: retrying will not help.
                    if matches!(status, 400 | 401 | 403 | 404) {
                        Err(SendError::Permanent(why))
                    } else {
                        Err(SendError::Transient(why))
                    }
                }
                Err(e) => Err(SendError::Transient(e.to_string())),
            }
        })
    }
}
