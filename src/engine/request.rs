//! Who asks what, from where: the engine's only input.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::command::{Command, Spec};
use crate::chat::{Abilities, Platform, User};
use crate::locale::Locale;

/// Where a request was asked, as far as the group's authority goes. Adapters decide it from
/// the group's declared home, never from what the place says about itself: anyone can make a
/// Discord server or a Matrix room and be its admin there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Asked {
    /// One of the group's home servers or rooms, or the terminal of whoever runs the bot.
    Home,
    /// The bot's own direct chat with the asker: personal commands, and organizer commands by
    /// the asker's standing in the home, always answered privately.
    Direct,
    /// Anywhere else (a server or room that is not the group's): public answers only, and
    /// nothing is recorded.
    Elsewhere,
}

/// One question to the engine.
#[derive(Clone, Debug)]
pub struct Request {
    /// Who asks.
    pub user: User,
    /// What the platform asked from can do, as its adapter declares it.
    pub on: &'static Abilities,
    /// The server (Discord guild) or homeserver, when there is one.
    pub space: Option<String>,
    /// The channel or room asked in; `None` for a direct conversation.
    pub channel: Option<String>,
    /// The language to answer in.
    pub locale: Locale,
    /// Where it was asked: the group's home, the bot's direct chat, or elsewhere.
    pub asked: Asked,
    /// Whether this person organizes the group, by their standing in the group's home (never
    /// by their standing in the place they asked from).
    pub organizer: bool,
    /// Whether this person belongs to the group's home (joined to a home room, a member of a
    /// home server): members-only links may go to them privately. Recorded with their RSVPs
    /// and sign-ups, so a personal reminder knows it without asking the platform again.
    pub member: bool,
    /// The asker's own time zone, when known, to show times in it too.
    pub zone: Option<Tz>,
    /// "Now", injected so answers about time can be tested and reproduced.
    pub now: DateTime<Utc>,
    /// What they asked for.
    pub command: Command,
}

impl Request {
    /// A request with the defaults of an ordinary member in English.
    pub fn new(on: &'static Abilities, user_id: &str, name: &str, command: Command, now: DateTime<Utc>) -> Request {
        Request {
            user: User { platform: on.platform, id: user_id.to_string(), name: name.to_string() },
            on,
            space: None,
            channel: None,
            locale: Locale::En,
            asked: Asked::Home,
            organizer: false,
            member: true,
            zone: None,
            now,
            command,
        }
    }

    /// The same request asked on another platform (the person's id unchanged).
    pub fn asked_on(mut self, on: &'static Abilities) -> Request {
        self.on = on;
        self.user.platform = on.platform;
        self
    }

    /// The platform asked from.
    pub fn platform(&self) -> Platform {
        self.user.platform
    }

    /// A command as the asker would type it here and in their language, with `args` after
    /// it: `/meeting`, `!meeting`, `/reunion mensual`.
    pub fn cmd(&self, spec: &Spec, args: &str) -> String {
        spec.typed_on(self.on, self.locale, args)
    }

    /// Where an organizer record made by this request comes from, as stored beside it:
    /// `discord:<server id>`, `matrix:<room id>`, `<platform>:dm` or `console`. Homes are
    /// compared with it at start, to list records made elsewhere.
    pub fn origin(&self) -> String {
        let platform = self.platform().as_str();
        match self.asked {
            // The terminal has no server and no direct chat: whoever runs it.
            _ if !self.on.read_by_others => platform.to_string(),
            Asked::Direct => format!("{platform}:dm"),
            _ => format!("{platform}:{}", self.space.as_deref().unwrap_or("?")),
        }
    }

    /// Whether the person already speaks with the bot alone: a direct chat, or the terminal
    /// (whoever runs it is the only one reading). Hints then say "send …", not "send … to me
    /// in a direct message".
    pub fn alone_with_the_bot(&self) -> bool {
        self.asked == Asked::Direct || !self.on.read_by_others
    }

    /// A command exactly as given, with only the platform's prefix.
    pub fn cmd_raw(&self, words: &str) -> String {
        format!("{}{words}", self.on.prefix)
    }
}
