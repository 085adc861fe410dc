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

/// The terminal's standing, for the organizers' dashboard: whoever types at the terminal
/// runs the bot and holds its database, and organizes with `--organizer`, the only way a
/// dashboard link is asked there. Nothing in chat can take that away, so a session opened
/// from the terminal lasts its lifetime.
pub struct TerminalStandings;

impl crate::chat::Standings for TerminalStandings {
    fn standing<'a>(
        &'a self,
        _user: &'a str,
        _group: &'a crate::group_id::GroupId,
    ) -> futures_util::future::BoxFuture<'a, Option<crate::chat::Standing>> {
        Box::pin(std::future::ready(Some(crate::chat::Standing { member: true, organizer: true })))
    }
}
