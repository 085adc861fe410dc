//! The platform-neutral core: a [`Request`] in, a [`Reply`] out.
//!
//! Nothing here knows about Discord or Matrix. Adapters say who is asking and whether they
//! organize the group; the engine decides what that person may see or do.

pub mod answers;
mod command;
mod reply;
mod request;
pub mod suggest;
pub mod texts;

use crate::calendar::{Agenda, Overrides};
use crate::content::ContentHandle;

pub use command::{Command, MAX_INPUT_BYTES, NAMES};
pub use reply::{Block, Button, Event, Reply, Tone, Visibility};
pub use request::{Platform, Request, User};

/// Settings that change what replies say, from the configuration.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Where the bot's HTTP server is reachable from outside, for calendar feed links.
    pub public_url: Option<String>,
}

/// Answers requests from the current content.
#[derive(Clone)]
pub struct Engine {
    content: ContentHandle,
    settings: Settings,
}

impl Engine {
    /// An engine answering from `content`.
    pub fn new(content: ContentHandle, settings: Settings) -> Engine {
        Engine { content, settings }
    }

    /// The content this engine answers from.
    pub fn content(&self) -> &ContentHandle {
        &self.content
    }

    /// The settings replies are shaped by.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Answers one request. Never fails: problems become polite replies.
    pub async fn handle(&self, req: &Request) -> Reply {
        let content = self.content.current();
        let overrides = Overrides::default();
        let agenda = Agenda::new(&content, &overrides);
        match &req.command {
            Command::Help | Command::Empty => answers::help::help(req, &content),
            Command::Mission => answers::mission::mission(req, &content),
            Command::Meeting { meeting } => answers::meeting::meeting(req, &agenda, meeting.as_deref(), &self.settings),
            Command::Campaign { campaign: None } => answers::campaign::list(req, &content),
            Command::Campaign { campaign: Some(slug) } => answers::campaign::show(req, &content, slug),
            Command::Briefing { briefing } => answers::briefing::briefing(req, &content, briefing.as_deref()),
            Command::Unknown { word, suggestion } => answers::help::unknown(req, &content, word, *suggestion),
            Command::TooLong { bytes } => answers::help::too_long(req, *bytes),
        }
    }
}
