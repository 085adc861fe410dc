//! How reminders leave: one [`Sender`] per platform, implemented by each adapter.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use tokio::sync::Notify;

use super::room::{Room, Slot};
use crate::chat::{Abilities, Platform};
use crate::engine::Reply;
use crate::group_id::GroupId;

/// Where a post goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum To {
    /// A channel or room, by its id within the platform.
    Channel(String),
    /// One person, through the direct channel (Discord DM channel, Matrix direct room)
    /// opened with them by [`Sender::open_direct`].
    Person {
        /// Their id on the platform.
        user: String,
        /// The direct channel's id.
        channel: String,
    },
}

impl To {
    /// The channel or room the post goes to.
    pub fn channel(&self) -> &str {
        match self {
            To::Channel(id) | To::Person { channel: id, .. } => id,
        }
    }
}

/// One reminder to post.
#[derive(Clone, Debug)]
pub struct Post {
    /// Where it goes.
    pub to: To,
    /// The idempotency key: the same for every attempt at this reminder. Matrix uses it as
    /// the transaction id, Discord as the message nonce with `enforce_nonce`, so a retry
    /// after a crash cannot post twice.
    pub key: String,
    /// What to say.
    pub reply: Arc<Reply>,
    /// When it was due.
    pub due: DateTime<Utc>,
    /// True when posted after its moment (the bot was down).
    pub late: bool,
    /// The channel's language (the reply is already written in it; this is for labels the
    /// platform adds).
    pub locale: crate::locale::Locale,
    /// The group's calendar domain (`lacwg.convoca`), which the calendar feed's event ids
    /// end in: an email's `.ics` names the same event.
    pub calendar_domain: String,
}

/// Why a post did not go out.
#[derive(Clone, Debug, thiserror::Error)]
pub enum SendError {
    /// Worth retrying (network, rate limit, server error).
    #[error("temporary failure: {0}")]
    Transient(String),
    /// Worth retrying, and the platform surely got nothing (a refused connection or login, a
    /// refusal before the message): the next attempt posts without looking for this one,
    /// which matters where a platform cannot be looked at again (email).
    #[error("not sent: {0}")]
    NotSent(String),
    /// Not worth retrying (channel gone, no permission).
    #[error("permanent failure: {0}")]
    Permanent(String),
    /// The platform's rate limit: retry after this long, not before.
    #[error("rate limited for {} s", .0.as_secs_f32())]
    RateLimited(std::time::Duration),
    /// The person does not accept direct messages from the bot (Discord's 50007, a Matrix
    /// user who refuses the invitation): recorded, and not tried again until they next talk
    /// to the bot.
    #[error("cannot reach this person: {0}")]
    Unreachable(String),
    /// The direct channel no longer reaches the person (they left the direct room): a new
    /// one is opened for the next attempt.
    #[error("the direct channel is gone: {0}")]
    Gone(String),
}

/// What a look through the channel's recent messages found about an earlier attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    /// A message of the bot's carries the post's key: it went out.
    Posted,
    /// None does: post it.
    NotPosted,
    /// The bot's recent messages could not all be read (an encrypted room whose keys this
    /// device lacks): one of them may be the post. Said why.
    CannotTell(String),
}

/// Posts reminders on one platform.
///
/// The key goes inside each post (an embed footer, an event content field), because a
/// platform remembers its own idempotency token only for a while (Discord's nonce for
/// minutes, Synapse's transaction id for its sending device only): a reminder whose earlier
/// attempt may have posted it is first looked for with [`Sender::find`].
pub trait Sender: Send + Sync + 'static {
    /// Posts one reminder. Must be idempotent for a given `post.key`, and must carry the key
    /// inside the message where [`Sender::find`] can see it.
    fn send<'a>(&'a self, post: &'a Post) -> BoxFuture<'a, Result<(), SendError>>;

    /// Looks for `post` among the bot's messages in its channel since shortly before it was
    /// due. A platform whose messages cannot be looked at again (the terminal) says
    /// `NotPosted`.
    fn find<'a>(&'a self, post: &'a Post) -> BoxFuture<'a, Result<Found, SendError>> {
        let _ = post;
        Box::pin(async { Ok(Found::NotPosted) })
    }

    /// Opens the direct channel with a person (or finds the one they share with the bot) and
    /// returns its id, which the scheduler keeps so that it is opened once.
    fn open_direct<'a>(&'a self, user: &'a str) -> BoxFuture<'a, Result<String, SendError>> {
        let _ = user;
        Box::pin(async { Err(SendError::Permanent("this platform has no direct messages".into())) })
    }

    /// Whether `user` belongs to `group`'s home now, when the platform can tell at no cost
    /// (`None` when it cannot): a personal message carries a group's members-only link only
    /// to a person who still belongs to that group (another group's home is not enough).
    fn still_member<'a>(&'a self, user: &'a str, group: &'a GroupId) -> BoxFuture<'a, Option<bool>> {
        let _ = (user, group);
        Box::pin(async { None })
    }

    /// How many posts may be under way at once on this platform: the scheduler claims no
    /// more than that, so that a large fan-out is claimed in slices that each go out well
    /// inside their lease, paced by the platform's rate limit.
    fn at_once(&self) -> usize {
        usize::MAX
    }
}

/// A platform's sender that comes once the platform has started (Matrix, tried again in the
/// background after a failed start): until then every post fails as transient, so reminders
/// due meanwhile are retried and go out once it is there.
pub struct Later {
    name: &'static str,
    inner: std::sync::OnceLock<Arc<dyn Sender>>,
}

impl Later {
    /// A sender for `name` (for the error), not there yet.
    pub fn new(name: &'static str) -> Later {
        Later { name, inner: std::sync::OnceLock::new() }
    }

    /// The platform has started: posts go through `sender` from now on.
    pub fn arrive(&self, sender: Arc<dyn Sender>) {
        let _ = self.inner.set(sender);
    }

    fn not_yet(&self) -> SendError {
        // Nothing reached the platform: the next attempt posts without looking.
        SendError::NotSent(format!("{} has not started yet", self.name))
    }
}

impl Sender for Later {
    fn send<'a>(&'a self, post: &'a Post) -> BoxFuture<'a, Result<(), SendError>> {
        match self.inner.get() {
            Some(s) => s.send(post),
            None => Box::pin(async move { Err(self.not_yet()) }),
        }
    }

    fn find<'a>(&'a self, post: &'a Post) -> BoxFuture<'a, Result<Found, SendError>> {
        match self.inner.get() {
            Some(s) => s.find(post),
            None => Box::pin(async move { Err(self.not_yet()) }),
        }
    }

    fn open_direct<'a>(&'a self, user: &'a str) -> BoxFuture<'a, Result<String, SendError>> {
        match self.inner.get() {
            Some(s) => s.open_direct(user),
            None => Box::pin(async move { Err(self.not_yet()) }),
        }
    }

    fn still_member<'a>(&'a self, user: &'a str, group: &'a GroupId) -> BoxFuture<'a, Option<bool>> {
        match self.inner.get() {
            Some(s) => s.still_member(user, group),
            None => Box::pin(async { None }),
        }
    }

    fn at_once(&self) -> usize {
        self.inner.get().map_or(50, |s| s.at_once())
    }
}

/// The senders available in this process, by platform. Reminders for a platform with no
/// sender here are left for a process that has one. Clones share one room per platform for
/// posts under way, so every group's scheduler given a clone keeps to its sender's
/// [`Sender::at_once`] together.
#[derive(Clone, Default)]
pub struct Senders {
    by_platform: HashMap<Platform, (&'static Abilities, Arc<dyn Sender>)>,
    room: Arc<Room>,
}

impl Senders {
    /// No senders.
    pub fn new() -> Senders {
        Senders::default()
    }

    /// Adds the sender of the platform whose adapter declares `on`.
    pub fn with(mut self, on: &'static Abilities, sender: Arc<dyn Sender>) -> Senders {
        self.by_platform.insert(on.platform, (on, sender));
        self
    }

    /// The sender for a platform.
    pub fn get(&self, platform: Platform) -> Option<&Arc<dyn Sender>> {
        self.by_platform.get(&platform).map(|(_, sender)| sender)
    }

    /// What a platform this process posts to can do, for writing its posts.
    pub fn abilities(&self, platform: Platform) -> Option<&'static Abilities> {
        self.by_platform.get(&platform).map(|(on, _)| *on)
    }

    /// The sender for a target's platform, when this process has one.
    pub fn for_target(&self, target: &super::Target) -> Option<&Arc<dyn Sender>> {
        target.platform().and_then(|p| self.get(p))
    }

    /// Up to `wanted` slots for posts on `platform`, within its sender's room; `waiter` is
    /// woken when slots free if fewer were given.
    pub(super) fn slots(&self, platform: Platform, wanted: usize, waiter: &Arc<Notify>) -> Vec<Slot> {
        let at_once = self.get(platform).map_or(usize::MAX, |s| s.at_once());
        self.room.take(platform, at_once, wanted, waiter)
    }

    /// Posts under way on `platform` in this process, every group's together.
    pub fn in_flight(&self, platform: Platform) -> usize {
        self.room.flying(platform)
    }

    /// True when no platform can be posted to.
    pub fn is_empty(&self) -> bool {
        self.by_platform.is_empty()
    }
}
