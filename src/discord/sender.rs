//! Reminders posted to Discord channels.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use serenity::all::{ChannelId, GetMessages, Http, HttpError, MessageId, Nonce, UserId};
use tokio::sync::OnceCell;

use super::render::{message, reference_line};
use crate::reminders::{Found, Post, SendError, Sender};

/// How many pages of 100 messages, at most, a look for an earlier attempt reads.
const PAGES: usize = 5;

/// Posts reminders with the reminder's idempotency key as the message nonce and
/// `enforce_nonce`, so Discord itself drops a second post with the same key for a few
/// minutes, and in the embed footer, where a later attempt finds it (which needs the Read
/// Message History permission).
pub struct DiscordSender {
    http: Arc<Http>,
    me: OnceCell<UserId>,
}

impl DiscordSender {
    /// A sender using this REST client.
    pub fn new(http: Arc<Http>) -> DiscordSender {
        DiscordSender { http, me: OnceCell::new() }
    }

    fn channel(post: &Post) -> Result<ChannelId, SendError> {
        post.channel
            .parse::<u64>()
            .ok()
            .filter(|id| *id != 0)
            .map(ChannelId::new)
            .ok_or_else(|| SendError::Permanent(format!("`{}` is not a Discord channel id", post.channel)))
    }
}

/// Missing access, unknown channel, bad request: retrying will not help. Rate limits and
/// server errors pass.
fn classify(e: serenity::Error) -> SendError {
    match e {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(resp)) => {
            let status = resp.status_code.as_u16();
            let why = format!("Discord answered {status}: {}", resp.error.message);
            if matches!(status, 400 | 401 | 403 | 404) { SendError::Permanent(why) } else { SendError::Transient(why) }
        }
        e => SendError::Transient(e.to_string()),
    }
}

impl Sender for DiscordSender {
    fn send<'a>(&'a self, post: &'a Post) -> BoxFuture<'a, Result<(), SendError>> {
        Box::pin(async move {
            let channel = Self::channel(post)?;
            let msg =
                message(&post.reply, post.locale, &post.key).nonce(Nonce::String(post.key.clone())).enforce_nonce(true);
            channel.send_message(&self.http, msg).await.map(|_| ()).map_err(classify)
        })
    }

    fn find<'a>(&'a self, post: &'a Post) -> BoxFuture<'a, Result<Found, SendError>> {
        Box::pin(async move {
            let channel = Self::channel(post)?;
            let me = *self
                .me
                .get_or_try_init(|| async { self.http.get_current_user().await.map(|u| u.id) })
                .await
                .map_err(classify)?;
            let line = reference_line(&post.key);
            // The claim is taken a moment before the instant; a minute covers it.
            let since = (post.due - chrono::Duration::minutes(1)).timestamp();
            let mut before: Option<MessageId> = None;
            for _ in 0..PAGES {
                let mut ask = GetMessages::new().limit(100);
                if let Some(b) = before {
                    ask = ask.before(b);
                }
                let page = channel.messages(&self.http, ask).await.map_err(classify)?;
                let ours = page.iter().filter(|m| m.author.id == me);
                if ours
                    .flat_map(|m| &m.embeds)
                    .filter_map(|e| e.footer.as_ref())
                    .any(|f| f.text.lines().any(|l| l == line))
                {
                    return Ok(Found::Posted);
                }
                match page.last() {
                    Some(oldest) if page.len() == 100 && oldest.timestamp.unix_timestamp() >= since => {
                        before = Some(oldest.id);
                    }
                    _ => return Ok(Found::NotPosted),
                }
            }
            Ok(Found::CannotTell(format!("more than {} messages since it was due", PAGES * 100)))
        })
    }
}
