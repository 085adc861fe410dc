//! Discord: slash commands, buttons, ephemeral replies, reminders, and the HTTP interactions
//! endpoint, through serenity. A thin adapter: it turns interactions into engine requests and
//! engine replies into embeds; everything else is the engine's.

pub mod commands;
mod event_sync;
mod gateway;
pub mod homes;
pub mod interaction;
mod limits;
mod register;
pub mod render;
pub mod scheduled_events;
mod sender;
pub mod verify;

pub use gateway::{Gateway, GatewayState, REQUEST_TIMEOUT, home_guilds, http_client};
pub use homes::Homes;
pub use interaction::{Answer, Bot, Via, role_named};
pub use sender::DiscordSender;

/// What Discord can do: slash commands, buttons, and ephemeral answers seen by the asker
/// alone.
pub const ABILITIES: crate::chat::Abilities = crate::chat::Abilities {
    platform: crate::chat::Platform::Discord,
    called: Some("Discord"),
    prefix: "/",
    read_by_others: true,
    ephemeral: true,
    reactions: false,
    direct_messages: true,
    only_channel: None,
};
