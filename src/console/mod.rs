//! The terminal front end: `convoca ask`, the interactive console (with line editing, and
//! log lines kept above the prompt), and posts printed by the reminder scheduler for
//! `console:` channels.

mod render;
mod sender;
pub mod terminal;

pub use render::render;
pub use sender::ConsoleSender;
pub use terminal::{LogWriter, Terminal, say};
