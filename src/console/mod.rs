//! The terminal front end: `convoca ask`, the interactive console, and posts printed by the
//! reminder scheduler when no chat platform is configured.

mod render;
mod sender;

pub use render::render;
pub use sender::ConsoleSender;
