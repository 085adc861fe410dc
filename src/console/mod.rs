//! The terminal front end: `convoca ask`, the interactive console (with line editing, and
//! log lines kept above the prompt), and posts printed by the reminder scheduler for
//! `console:` channels.

mod render;
mod sender;
pub mod terminal;

pub use render::render;
pub use sender::ConsoleSender;
pub use terminal::{LogWriter, Terminal, say};

/// What the terminal can do: typed commands only, read by whoever runs it alone, one
/// channel of its own.
pub const ABILITIES: crate::chat::Abilities = crate::chat::Abilities {
    platform: crate::chat::Platform::Console,
    called: None,
    prefix: "/",
    read_by_others: false,
    ephemeral: false,
    reactions: false,
    direct_messages: false,
    only_channel: Some("terminal"),
};
