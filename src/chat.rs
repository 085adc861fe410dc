//! Who speaks, from which chat platform: the names both the store (which keeps people's
//! sign-ups) and the engine (which answers them) use, so neither has to import the other's;
//! and how a platform tells a person's standing in a group's home ([`Standings`]), for the
//! HTTP server, which asks it without knowing which platform answers.

use futures_util::future::BoxFuture;

use crate::group_id::GroupId;

/// The chat platform a request came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Platform {
    /// The terminal: `convoca ask` and the interactive console.
    Console,
    /// Discord, through the gateway or the HTTP interactions endpoint.
    Discord,
    /// Matrix rooms.
    Matrix,
    /// Email to the group's mailing lists (outbound only).
    Email,
}

impl Platform {
    /// The name stored in the database and shown in rosters.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Console => "console",
            Platform::Discord => "discord",
            Platform::Matrix => "matrix",
            Platform::Email => "mail",
        }
    }

    /// Reads a stored platform name.
    pub fn from_name(name: &str) -> Option<Platform> {
        match name {
            "console" => Some(Platform::Console),
            "discord" => Some(Platform::Discord),
            "matrix" => Some(Platform::Matrix),
            "mail" => Some(Platform::Email),
            _ => None,
        }
    }
}

/// What a platform can do, declared once by its adapter (`discord::ABILITIES`,
/// `matrix::ABILITIES`, `console::ABILITIES`, `email::ABILITIES`) and carried with every
/// request and reminder: the engine reads these to choose what a reply offers and how it
/// reaches the person, and never compares platforms, so a new platform is a new folder.
#[derive(Debug, PartialEq, Eq)]
pub struct Abilities {
    /// Which platform this is.
    pub platform: Platform,
    /// Its name in a sentence ("your data on Discord"); `None` where it is "this terminal",
    /// said in the reader's language.
    pub called: Option<&'static str>,
    /// How commands are typed there: Matrix clients such as Element swallow unknown `/`
    /// commands, so Matrix users are shown `!`.
    pub prefix: &'static str,
    /// Whether others can read along where commands are typed (not in the terminal, whose
    /// only reader is whoever runs it).
    pub read_by_others: bool,
    /// Whether a private answer can be shown in place to the asker alone (Discord's
    /// ephemeral messages); where not, it goes to the direct conversation, and a refusal of
    /// a public question is said in place.
    pub ephemeral: bool,
    /// Whether a ✅ reaction to a campaign post signs up (where the campaign allows it).
    pub reactions: bool,
    /// Whether the people who write here can be written to later (direct messages): their
    /// language and reachability are then kept as they write.
    pub direct_messages: bool,
    /// The one channel of a platform that has only one (the terminal's), for
    /// `remind here` asked outside any channel.
    pub only_channel: Option<&'static str>,
}

/// A person's standing in the group's home, as an adapter reads it there (a Discord home
/// server's members and organizer role, a Matrix home room's members and power levels),
/// never in the place a message came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Standing {
    /// Belongs to the home (a member of a home server, joined to a home room).
    pub member: bool,
    /// Organizes the group there.
    pub organizer: bool,
}

/// How a platform reads a person's standing in one group's home as it is now: what the
/// organizers' dashboard asks while a session lasts, so that a role taken away in chat
/// closes the dashboard too. Each adapter implements it by its own rule for its homes (the
/// same rule its commands are answered by); nothing here knows a platform.
pub trait Standings: Send + Sync {
    /// `user`'s standing (their id on this platform) in `group`'s home now; `None` when it
    /// cannot be told now (the platform unreachable, not connected yet), which is not the
    /// same as "no standing".
    fn standing<'a>(&'a self, user: &'a str, group: &'a GroupId) -> BoxFuture<'a, Option<Standing>>;
}

/// A platform's [`Standings`] that arrives once the platform has connected (Matrix may
/// connect after the HTTP server has started, or reconnect with a new client): until then,
/// nobody's standing there can be told.
#[derive(Default)]
pub struct LateStandings(std::sync::RwLock<Option<std::sync::Arc<dyn Standings>>>);

impl LateStandings {
    /// The platform has connected: its standings are read through `reader` from now on.
    pub fn arrive(&self, reader: std::sync::Arc<dyn Standings>) {
        *self.0.write().unwrap_or_else(|p| p.into_inner()) = Some(reader);
    }
}

impl Standings for LateStandings {
    fn standing<'a>(&'a self, user: &'a str, group: &'a GroupId) -> BoxFuture<'a, Option<Standing>> {
        // Taken out of the lock first: no lock is held across the platform's answer.
        let reader = self.0.read().unwrap_or_else(|p| p.into_inner()).clone();
        Box::pin(async move {
            match reader {
                Some(reader) => reader.standing(user, group).await,
                None => None,
            }
        })
    }
}

/// A platform connection's state, the same for every adapter: up or down, and how often it
/// came back after being up. `/healthz` and `/metrics` read it.
#[derive(Debug, Default)]
pub struct Link {
    connected: std::sync::atomic::AtomicBool,
    ever: std::sync::atomic::AtomicBool,
    reconnects: std::sync::atomic::AtomicU64,
}

impl Link {
    /// The connection is up. Returns true when this is a reconnection (it had been up, then
    /// down).
    pub fn up(&self) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        let again = !self.connected.swap(true, Relaxed) && self.ever.swap(true, Relaxed);
        if again {
            self.reconnects.fetch_add(1, Relaxed);
        }
        again
    }

    /// A new connection is up (Discord reports each one): every one after the first is a
    /// reconnection, whether or not its loss was seen. Returns true for those.
    pub fn connected_anew(&self) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        self.connected.store(true, Relaxed);
        let again = self.ever.swap(true, Relaxed);
        if again {
            self.reconnects.fetch_add(1, Relaxed);
        }
        again
    }

    /// The connection is down. Returns true when it was up.
    pub fn down(&self) -> bool {
        self.connected.swap(false, std::sync::atomic::Ordering::Relaxed)
    }

    /// Whether it is up.
    pub fn is_up(&self) -> bool {
        self.connected.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// How often it came back.
    pub fn reconnects(&self) -> u64 {
        self.reconnects.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// A person on one platform.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// Where their id comes from.
    pub platform: Platform,
    /// Their id on that platform (a Discord snowflake, a Matrix user id).
    pub id: String,
    /// The name they go by there, kept for rosters.
    pub name: String,
}

impl User {
    /// Where personal messages to this person are addressed in the reminder ledger and plan:
    /// `discord:@<id>`, `matrix:@alice:example.org`, `console:@<name>`.
    pub fn direct_target(&self) -> String {
        direct_target(self.platform, &self.id)
    }
}

/// The address of personal messages to `id` on `platform` (see [`User::direct_target`]).
/// Channels and rooms never start with `@`, so a target names a person exactly when its id
/// does.
pub fn direct_target(platform: Platform, id: &str) -> String {
    format!("{}:@{}", platform.as_str(), id.trim_start_matches('@'))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Always(Standing);

    impl Standings for Always {
        fn standing<'a>(&'a self, _: &'a str, _: &'a GroupId) -> BoxFuture<'a, Option<Standing>> {
            Box::pin(std::future::ready(Some(self.0)))
        }
    }

    #[tokio::test]
    async fn a_platform_not_connected_yet_cannot_tell_then_tells() {
        let late = LateStandings::default();
        let group = GroupId::named("lacwg");
        assert_eq!(late.standing("@olga:example.org", &group).await, None, "not connected: cannot tell");
        let organizer = Standing { member: true, organizer: true };
        late.arrive(std::sync::Arc::new(Always(organizer)));
        assert_eq!(late.standing("@olga:example.org", &group).await, Some(organizer));
    }
}
