//! Email: the group's mailing lists as a platform. Reminders of meetings and deadlines go to a
//! list address named in content (`mail:action-list@example.org`), in the list's language
//! (`[channel_languages]` in `group.toml`), as plain text and HTML with the meeting's `.ics`,
//! through an SMTP submission server (STARTTLS or TLS, with a login).
//!
//! Outbound only: nobody answers a list with commands, so posts show the commands to type in
//! the group's chat, and nothing personal ever goes by mail.
//!
//! - [`smtp`]: one submission, step by step, knowing whether a failure may have handed the
//!   message over.
//! - [`message`]: the mail itself, with a Message-ID made from the reminder's key.
//! - `ics`: the meeting's calendar file.
//! - [`EmailSender`]: the scheduler's sender, which never sends a reminder twice blindly.

mod ics;
pub mod message;
mod sender;
pub mod smtp;

pub use sender::EmailSender;
pub use smtp::{Failure, Smtp};

/// What email can do: carry posts to lists, read by all their members; no buttons, no
/// answers, no direct messages.
pub const ABILITIES: crate::chat::Abilities = crate::chat::Abilities {
    platform: crate::chat::Platform::Email,
    called: Some("email"),
    prefix: "/",
    read_by_others: true,
    ephemeral: false,
    reactions: false,
    direct_messages: false,
    only_channel: None,
};
