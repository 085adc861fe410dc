//! Reminders posted to Discord channels.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use serenity::all::{ChannelId, GetMessages, GuildId, Http, HttpError, MessageId, Nonce, UserId};
use tokio::sync::OnceCell;

use super::homes::Homes;
use super::limits::{RateLimits, WAIT_AT_MOST, seconds};
use super::render::{message, reference_line};
use crate::group_id::GroupId;
use crate::reminders::{Found, Post, SendError, Sender};

/// How many pages of 100 messages, at most, a look for an earlier attempt reads.
const PAGES: usize = 5;

/// Posts reminders with the reminder's idempotency key as the message nonce and
/// `enforce_nonce`, so Discord itself drops a second post with the same key for a few
/// minutes, and in the embed footer, where a later attempt finds it (which needs the Read
/// Message History permission). Posts keep Discord's rate limits (see `discord::limits`).
pub struct DiscordSender {
    http: Arc<Http>,
    /// Posts go through this client, to read the rate-limit headers serenity keeps to itself.
    client: reqwest::Client,
    /// `https://discord.com`, or the proxy serenity was given.
    base: String,
    limits: RateLimits,
    me: OnceCell<UserId>,
    /// The home servers, where present membership is read before a personal message
    /// carries the members-only link.
    homes: Servers,
}

/// Where present membership is read.
enum Servers {
    /// These servers.
    Fixed(Vec<GuildId>),
    /// Every group's and the organization's home servers, as the content says at send time
    /// (groups come and go while the bot runs).
    Homes(Homes),
}

impl Servers {
    /// The servers of `group`'s own home: its members are the people in one of them.
    fn of(&self, group: &GroupId) -> Vec<GuildId> {
        match self {
            Servers::Fixed(servers) => servers.clone(),
            Servers::Homes(homes) => homes
                .all()
                .into_iter()
                .filter(|h| h.owner == super::homes::Owner::Group(group.clone()))
                .flat_map(|h| h.servers())
                .collect(),
        }
    }
}

impl DiscordSender {
    /// A sender using this REST client (its token and proxy).
    pub fn new(http: Arc<Http>) -> DiscordSender {
        let client = super::gateway::rest_client().unwrap_or_default();
        let base = http.proxy.clone().unwrap_or_else(|| "https://discord.com".to_string());
        DiscordSender {
            http,
            client,
            base: base.trim_end_matches('/').to_string(),
            limits: RateLimits::default(),
            me: OnceCell::new(),
            homes: Servers::Fixed(Vec::new()),
        }
    }

    /// The home servers: with none, present membership cannot be told.
    pub fn homes(mut self, homes: Vec<GuildId>) -> DiscordSender {
        self.homes = Servers::Fixed(homes);
        self
    }

    /// Every home server of `homes` (each group's and the organization's), read at each send.
    ///
    /// A reminder does not say which group it is for, so a person in any home server counts
    /// as still a member: they answered as a member of the group (that was read in the
    /// group's home then), and are still in one of the organization's servers.
    pub fn homes_of(mut self, homes: Homes) -> DiscordSender {
        self.homes = Servers::Homes(homes);
        self
    }

    /// One POST of `body` to `channel`'s messages, waiting for its bucket.
    async fn post(&self, channel: ChannelId, body: &serde_json::Value) -> Result<(), SendError> {
        let id = channel.get();
        let url = format!("{}/api/v10/channels/{id}/messages", self.base);
        self.request(id, &url, body).await.map(|_| ())
    }

    /// One POST of `body` to `url`, in `bucket` (a channel id; [`DM_BUCKET`] for opening DM
    /// channels), waiting for it and for a global moment; a 429 is waited out and the request
    /// tried again, unless the wait is longer than [`WAIT_AT_MOST`]. Returns the answer's
    /// JSON.
    async fn request(&self, bucket: u64, url: &str, body: &serde_json::Value) -> Result<serde_json::Value, SendError> {
        let turn = self.limits.turn(bucket);
        let _turn = turn.lock().await;
        loop {
            let wait = self.limits.wait_for(bucket);
            if wait > WAIT_AT_MOST {
                return Err(SendError::RateLimited(wait));
            }
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
                continue;
            }
            let slot = self.limits.take(bucket);
            if !slot.is_zero() {
                tokio::time::sleep(slot).await;
                // A 429 may have come while this waited for its moment: never send into it.
                if !self.limits.wait_for(bucket).is_zero() {
                    continue;
                }
            }
            let response = self
                .client
                .post(url)
                .header(reqwest::header::AUTHORIZATION, self.http.token())
                .header(reqwest::header::USER_AGENT, serenity::constants::USER_AGENT)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_string())
                .send()
                .await
                .map_err(|e| SendError::Transient(format!("Discord: {e}")))?;
            self.limits.update(bucket, response.headers());
            let status = response.status().as_u16();
            let success = response.status().is_success();
            let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
            let (retry_header, global_header) = (header("retry-after"), header("x-ratelimit-global"));
            let bytes = response.bytes().await.unwrap_or_default();
            let text: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
            if success {
                return Ok(text);
            }
            if status == 429 {
                let after = text["retry_after"]
                    .as_f64()
                    .or_else(|| retry_header.and_then(|h| h.parse().ok()))
                    .map_or(std::time::Duration::from_secs(1), seconds);
                let global = text["global"].as_bool().unwrap_or(false) || global_header.as_deref() == Some("true");
                tracing::warn!(bucket, after_s = after.as_secs_f32(), global, "Discord: rate limited");
                self.limits.limited(bucket, after, global);
                continue;
            }
            let why = format!("Discord answered {status}: {}", text["message"].as_str().unwrap_or(""));
            return Err(match (status, text["code"].as_u64()) {
                // Cannot send messages to this user: their DMs are closed to the bot.
                (_, Some(CANNOT_MESSAGE_USER)) => SendError::Unreachable(why),
                (_, Some(UNKNOWN_CHANNEL)) if bucket != DM_BUCKET => SendError::Gone(why),
                (400 | 401 | 403 | 404, _) => SendError::Permanent(why),
                _ => SendError::Transient(why),
            });
        }
    }

    fn channel(post: &Post) -> Result<ChannelId, SendError> {
        let id = post.to.channel();
        id.parse::<u64>()
            .ok()
            .filter(|id| *id != 0)
            .map(ChannelId::new)
            .ok_or_else(|| SendError::Permanent(format!("`{id}` is not a Discord channel id")))
    }
}

/// Discord's error code for a user who does not accept direct messages from the bot.
const CANNOT_MESSAGE_USER: u64 = 50007;
/// Discord's error code for a channel that does not exist (a DM channel gone).
const UNKNOWN_CHANNEL: u64 = 10003;
/// The bucket requests that open DM channels wait in (no channel has id 0).
const DM_BUCKET: u64 = 0;

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
    fn open_direct<'a>(&'a self, user: &'a str) -> BoxFuture<'a, Result<String, SendError>> {
        Box::pin(async move {
            let url = format!("{}/api/v10/users/@me/channels", self.base);
            let body = serde_json::json!({ "recipient_id": user });
            let channel = self.request(DM_BUCKET, &url, &body).await?;
            channel["id"]
                .as_str()
                .map(str::to_string)
                .ok_or_else(|| SendError::Transient("Discord opened a DM channel without an id".into()))
        })
    }

    /// Asked of Discord at send time, one of the group's home servers after another (another
    /// group's server is not the group's home): a member removed,
    /// banned or gone since they answered is told apart at once. `None` when Discord cannot
    /// be asked (the recorded standing then stands; a warning says so).
    fn still_member<'a>(&'a self, user: &'a str, group: &'a GroupId) -> BoxFuture<'a, Option<bool>> {
        Box::pin(async move {
            let user = user.parse::<u64>().ok().filter(|id| *id != 0).map(UserId::new)?;
            let homes = self.homes.of(group);
            if homes.is_empty() {
                return None;
            }
            for &guild in &homes {
                match self.http.get_member(guild, user).await {
                    Ok(_) => return Some(true),
                    Err(serenity::Error::Http(HttpError::UnsuccessfulRequest(e))) if e.status_code.as_u16() == 404 => {}
                    Err(e) => {
                        tracing::warn!(%guild, error = %e, "Discord: cannot read whether a person is still a member");
                        return None;
                    }
                }
            }
            Some(false)
        })
    }

    /// Two seconds of the global limit: a slice of a fan-out (with a DM channel to open for
    /// each) goes out within about four seconds, well inside its lease.
    fn at_once(&self) -> usize {
        100
    }

    fn send<'a>(&'a self, post: &'a Post) -> BoxFuture<'a, Result<(), SendError>> {
        Box::pin(async move {
            let channel = Self::channel(post)?;
            let msg =
                message(&post.reply, post.locale, &post.key).nonce(Nonce::String(post.key.clone())).enforce_nonce(true);
            let body = serde_json::to_value(&msg).map_err(|e| SendError::Permanent(e.to_string()))?;
            self.post(channel, &body).await.map_err(|e| match (e, &post.to) {
                // A person's direct channel gone is opened again; a channel gone is gone for
                // good (retried at once, it would be asked for again and again until the meeting).
                (SendError::Gone(why), crate::reminders::To::Channel(_)) => SendError::Permanent(why),
                (e, _) => e,
            })
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
            let since = (post.due.min(chrono::Utc::now()) - chrono::Duration::minutes(1)).timestamp();
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
