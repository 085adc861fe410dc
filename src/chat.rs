//! Who speaks, from which chat platform: the names both the store (which keeps people's
//! sign-ups) and the engine (which answers them) use, so neither has to import the other's.

/// The chat platform a request came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Platform {
    /// The terminal: `convoca ask` and the interactive console.
    Console,
    /// Discord, through the gateway or the HTTP interactions endpoint.
    Discord,
    /// Matrix rooms.
    Matrix,
}

impl Platform {
    /// The name stored in the database and shown in rosters.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Console => "console",
            Platform::Discord => "discord",
            Platform::Matrix => "matrix",
        }
    }

    /// Reads a stored platform name.
    pub fn from_name(name: &str) -> Option<Platform> {
        match name {
            "console" => Some(Platform::Console),
            "discord" => Some(Platform::Discord),
            "matrix" => Some(Platform::Matrix),
            _ => None,
        }
    }

    /// How commands are typed there: Matrix clients such as Element swallow unknown `/`
    /// commands, so Matrix users are shown `!`.
    pub fn prefix(self) -> &'static str {
        match self {
            Platform::Matrix => "!",
            Platform::Console | Platform::Discord => "/",
        }
    }

    /// Whether others can read along where commands are typed: not in the terminal, whose
    /// only reader is whoever runs it.
    pub fn read_by_others(self) -> bool {
        match self {
            Platform::Console => false,
            Platform::Discord | Platform::Matrix => true,
        }
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
