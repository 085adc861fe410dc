//! The engine's only output: a reply that says what to show, not how.
//!
//! Adapters render it in their platform's idiom: Discord embeds, buttons and `<t:…>`
//! timestamps; Matrix HTML notices; plain text in the terminal. Text inside is Markdown,
//! which Discord shows natively and Matrix gets as HTML.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// Who may see a reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visibility {
    /// Everyone in the channel.
    Public,
    /// Only the person who asked (Discord ephemeral, Matrix direct room, marked in the
    /// terminal).
    Private,
}

/// Why a reply is what it is, so adapters can color it and metrics can count failures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// An answer.
    Info,
    /// Something done for the asker (a sign-up recorded, a date cancelled).
    Done,
    /// Not allowed, or not understood: a polite no.
    Refusal,
    /// Something went wrong on our side.
    Error,
}

/// A reply to one request.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    /// Public or private.
    pub visibility: Visibility,
    /// Answer, refusal or error.
    pub tone: Tone,
    /// A heading.
    pub title: Option<String>,
    /// A link for the heading.
    pub url: Option<String>,
    /// The body, in order.
    pub blocks: Vec<Block>,
    /// What the reader can press: buttons where the platform has them; elsewhere
    /// [`Block::Unpressed`] (or the text) says what to type instead.
    pub buttons: Vec<Button>,
    /// A file to attach (an exported roster).
    pub attachment: Option<Attachment>,
    /// Whether a private answer delivered elsewhere (a direct conversation) leaves a short
    /// "sent privately" where it was asked (decided by the engine for every platform).
    pub pointer: bool,
    /// The group of an organization whose answer or message this is (`None` for the single
    /// group): a button pressed in a direct chat answers that group, whichever one the chat
    /// otherwise answers for.
    pub group: Option<crate::group_id::GroupId>,
}

/// A file sent with a reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    /// The file name, e.g. `jilamito-signups.csv`.
    pub filename: String,
    /// Its media type, e.g. `text/csv`.
    pub media_type: String,
    /// Its content.
    pub data: Vec<u8>,
}

/// A piece of a reply's body.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// A paragraph of Markdown.
    Text(String),
    /// A labelled value (partners, dates).
    Field {
        /// The label.
        label: String,
        /// The value, Markdown.
        value: String,
    },
    /// A labelled list of Markdown items.
    List {
        /// The label.
        label: String,
        /// The items.
        items: Vec<String>,
    },
    /// One occurrence of a meeting.
    Event(Event),
    /// Small print at the end.
    Note(String),
    /// How to answer the reply's buttons without pressing them, shown as small print where
    /// buttons are not: `words` where a word sent back answers (a direct conversation that
    /// takes them), else `typed`, the commands. Nothing where the buttons are shown.
    Unpressed {
        /// "Reply **done**, **not yet** or **couldn't**", when the platform takes words.
        words: Option<String>,
        /// The same with the commands to type.
        typed: String,
    },
    /// Where to find the bot's direct conversation, on platforms where personal answers
    /// are given there (a link to it); nothing elsewhere.
    DirectChat,
}

/// A meeting occurrence as it should be shown.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Which occurrence it is, the same whatever its time, language or reminder: the
    /// meeting's slug and its regular date (`monthly-20261207`), for calendar entries that a
    /// later file updates instead of adding another.
    pub occurrence: String,
    /// The meeting's title.
    pub title: String,
    /// When it starts.
    pub start: DateTime<Utc>,
    /// When it ends.
    pub end: DateTime<Utc>,
    /// The meeting's zone.
    pub zone: Tz,
    /// The span written out in the meeting's zone, in the reply's language.
    pub when: String,
    /// The same in the asker's zone, when known and different.
    pub your_time: Option<String>,
    /// "in 9 days", "happening now".
    pub relative: String,
    /// Where.
    pub place: Option<String>,
    /// The link to join, when this reply may show it.
    pub link: Option<String>,
    /// A remark: moved from another date, how members get the link.
    pub note: Option<String>,
    /// A link that adds it to a calendar.
    pub calendar: Option<String>,
}

/// Something to press.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Button {
    /// Sign up for a campaign (one action, or the campaign in general).
    SignUp {
        /// The campaign's slug.
        campaign: String,
        /// The action's slug, if the button is for one.
        action: Option<String>,
        /// The label.
        label: String,
    },
    /// Take a sign-up back.
    Withdraw {
        /// The campaign's slug.
        campaign: String,
        /// The action's slug, if the button is for one.
        action: Option<String>,
        /// The label.
        label: String,
    },
    /// Going, or not going, to one occurrence.
    Rsvp {
        /// The occurrence.
        at: crate::store::OccurrenceRef,
        /// Going, or not.
        going: bool,
        /// The label.
        label: String,
    },
    /// Answer "did you do it?" about one action.
    Answer {
        /// The campaign's slug.
        campaign: String,
        /// The action's slug.
        action: String,
        /// Done, not yet, couldn't.
        outcome: crate::store::Outcome,
        /// The label.
        label: String,
    },
    /// Accept or decline a place offered from a waitlist.
    Offer {
        /// The campaign's slug.
        campaign: String,
        /// The action's slug.
        action: String,
        /// Accept, or decline.
        accept: bool,
        /// The label.
        label: String,
    },
    /// Open a link.
    Link {
        /// The label.
        label: String,
        /// Where it goes.
        url: String,
    },
}

impl Reply {
    /// An empty public answer.
    pub fn public() -> Reply {
        Reply {
            visibility: Visibility::Public,
            tone: Tone::Info,
            title: None,
            url: None,
            blocks: Vec::new(),
            buttons: Vec::new(),
            attachment: None,
            pointer: false,
            group: None,
        }
    }

    /// An empty private answer.
    pub fn private() -> Reply {
        Reply { visibility: Visibility::Private, ..Reply::public() }
    }

    /// A short private refusal.
    pub fn refusal(text: impl Into<String>) -> Reply {
        Reply { tone: Tone::Refusal, ..Reply::private() }.text(text)
    }

    /// Sets the heading.
    pub fn titled(mut self, title: impl Into<String>) -> Reply {
        self.title = Some(title.into());
        self
    }

    /// Adds a paragraph.
    pub fn text(mut self, text: impl Into<String>) -> Reply {
        self.blocks.push(Block::Text(text.into()));
        self
    }

    /// Adds a block.
    pub fn block(mut self, block: Block) -> Reply {
        self.blocks.push(block);
        self
    }

    /// Makes the reply private.
    pub fn into_private(mut self) -> Reply {
        self.visibility = Visibility::Private;
        self
    }

    /// Sets the tone.
    pub fn tone(mut self, tone: Tone) -> Reply {
        self.tone = tone;
        self
    }
}
