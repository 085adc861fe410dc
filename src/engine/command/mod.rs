//! What people ask for: `/meeting`, `!campaign jilamito`, `Meeting`, `  !signup   jilamito `,
//! or Discord's named options, read into one [`Command`].
//!
//! Each command is declared once in [`catalog`]; the grammar here reads typed text against
//! those declarations, and Discord's options go through the same declarations
//! ([`Command::from_options`]). An unknown command is a value, not an error.

pub mod catalog;
mod read;
mod spec;

pub use read::{MAX_TITLE, MeetingDate, clean, is_invisible};
pub use spec::{Args, Audience, Choice, Effect, Opt, OptionKind, Spec, Spelling, Suggest, Words};

use std::sync::LazyLock;

use super::suggest::closest;
use crate::locale::Locale;
use crate::store::Outcome;

/// Punctuation that ends a sentence, dropped from the end of a word.
const TRAILING: &[char] = &['.', ',', ';', '!', '?', '¡', '¿'];

/// Longest message the grammar reads. Anything longer gets a short refusal before any other
/// work is done, so a pasted novel costs nothing.
pub const MAX_INPUT_BYTES: usize = 4096;

/// Something a member or organizer asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// What the bot can do.
    Help,
    /// The group's mission, history and how to get involved.
    Mission,
    /// The organization's groups: each one's next meeting and how to join.
    Groups,
    /// Which group the bot's direct chat answers for, for someone in several: the one named,
    /// or (alone) the groups they are in and which one it is now.
    Group {
        /// A group's name (its folder's), when given.
        group: Option<String>,
    },
    /// The next meetings (all, or one meeting by name).
    Meeting {
        /// A meeting's name, when given.
        meeting: Option<String>,
    },
    /// The list of campaigns, or one campaign.
    Campaign {
        /// A campaign's name, when given.
        campaign: Option<String>,
    },
    /// The latest situation briefing, or one by name.
    Briefing {
        /// A briefing's name, when given.
        briefing: Option<String>,
    },
    /// Sign up for a campaign, or one of its actions.
    SignUp {
        /// The campaign's slug.
        campaign: Option<String>,
        /// The action's slug.
        action: Option<String>,
    },
    /// Take a sign-up back.
    Withdraw {
        /// The campaign's slug.
        campaign: Option<String>,
        /// The action's slug; all of the campaign when absent.
        action: Option<String>,
    },
    /// The asker's own sign-ups.
    MySignUps,
    /// How an action went: `done [campaign] [action] [how]`; without a campaign, the answer
    /// to the most recent question the bot asked.
    Done {
        /// The campaign's slug.
        campaign: Option<String>,
        /// The action's slug.
        action: Option<String>,
        /// Done, not yet, couldn't.
        outcome: Outcome,
    },
    /// Accepting (or declining) a place offered from a waitlist; without a campaign, the most
    /// recent offer.
    Place {
        /// Accept, decline, or (`None`) a word that is neither.
        accept: Option<bool>,
        /// The campaign's slug.
        campaign: Option<String>,
        /// The action's slug.
        action: Option<String>,
    },
    /// Going (or not) to one occurrence of a meeting: `going [meeting] [date]`.
    Rsvp {
        /// Going, or not going.
        going: bool,
        /// The meeting and the date, both optional.
        at: MeetingDate,
    },
    /// The asker's personal reminders: off, on, or (`None`) how they stand.
    MyReminders {
        /// On or off; `None` to ask.
        on: Option<bool>,
    },
    /// The asker's private calendar feed.
    MyCalendar {
        /// A new link, revoking the old one.
        reset: bool,
    },
    /// Organizers: who is going to an occurrence.
    Attendees {
        /// The meeting and the date, both optional.
        at: MeetingDate,
        /// As a CSV file.
        csv: bool,
    },
    /// Erase everything stored about the asker (after confirmation).
    ForgetMe {
        /// The second step: "forgetme confirm".
        confirmed: bool,
    },
    /// Organizers: who signed up for a campaign.
    Roster {
        /// The campaign's slug.
        campaign: Option<String>,
    },
    /// Organizers: the roster as a CSV file.
    Export {
        /// The campaign's slug.
        campaign: Option<String>,
    },
    /// Organizers: a one-time link to the group's dashboard, for a browser.
    Dashboard,
    /// Organizers: cancel one occurrence (`cancel [meeting] <date>`).
    Cancel {
        /// The meeting and its regular date (the date is asked for when missing).
        at: MeetingDate,
    },
    /// Organizers: undo a cancellation or move (`uncancel [meeting] <date>`).
    Uncancel {
        /// The meeting and its regular date.
        at: MeetingDate,
    },
    /// Organizers: move one occurrence (`move [meeting] <date> <new local date-time>`).
    Move {
        /// The meeting and its regular date.
        at: MeetingDate,
        /// Where to, when given.
        to: Option<MoveTo>,
    },
    /// Organizers: add a one-off meeting (`addmeeting <date> <time> [duration] [zone] <title>`).
    AddMeeting(Box<NewMeeting>),
    /// Reminders in this channel: `remind here [meeting] [en|es]`, `remind off [meeting]`,
    /// `remind list`.
    Remind {
        /// What to do.
        action: RemindAction,
        /// Only this meeting (all meetings and deadlines when absent).
        meeting: Option<String>,
        /// The language for this channel's reminders.
        locale: Option<Locale>,
    },
    /// A known command with words its declaration does not read: nothing is done, and the
    /// reply says which word and what would have been read there.
    Unclear(Box<Unclear>),
    /// A word the grammar does not know.
    Unknown {
        /// The word as typed.
        word: String,
        /// The closest real command, when one is close.
        suggestion: Option<&'static Spec>,
    },
    /// A bare prefix or blank text.
    Empty,
    /// Input longer than [`MAX_INPUT_BYTES`].
    TooLong {
        /// How long it was.
        bytes: usize,
    },
}

/// A word a command could not read, and what it would have read there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unclear {
    /// The command.
    pub spec: &'static Spec,
    /// The word, as typed (at most 40 characters).
    pub word: String,
    /// What the command reads where the word stands.
    pub wanted: Wanted,
    /// Valid words close to it, nearest first: the reply offers the first one in the
    /// asker's language.
    pub near: Vec<Near>,
}

/// A valid word close to one typed, and the language it is a word of (`None`: both).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Near {
    /// The word, as it is typed.
    pub word: String,
    /// Its language, when it has one.
    pub locale: Option<Locale>,
}

impl Unclear {
    /// The word to offer someone who reads `l`: the nearest in their language, else the
    /// nearest.
    pub fn suggestion(&self, l: Locale) -> Option<&str> {
        let theirs = self.near.iter().find(|n| n.locale.is_none_or(|x| x == l));
        theirs.or(self.near.first()).map(|n| n.word.as_str())
    }
}

/// What a command reads in a slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wanted {
    /// One of an option's fixed words.
    Choice(&'static [Choice]),
    /// A date like 2027-01-04.
    Date,
    /// A length like 90m or 2h, up to a week.
    Length,
    /// A local time like 18:00.
    Time,
    /// A date and time: `2027-01-11 18:00`, a date alone or a time alone.
    When,
    /// A known IANA time zone.
    Zone,
    /// Words of a title: missing, or too many.
    Title,
    /// A length, time or zone inside a title: it goes before the title.
    BeforeTitle,
    /// Nothing more: the command was complete before this word.
    Nothing,
}

/// Where `move` takes an occurrence, in the meeting's zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MoveTo {
    /// Another date and time.
    At(chrono::NaiveDateTime),
    /// Another date, at the regular time.
    Day(chrono::NaiveDate),
    /// Another time, the same day.
    Time(chrono::NaiveTime),
}

/// A one-off meeting as `addmeeting` read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMeeting {
    /// Its local date.
    pub date: chrono::NaiveDate,
    /// Its local start time.
    pub time: chrono::NaiveTime,
    /// How long, in minutes, when given.
    pub minutes: Option<i64>,
    /// Its zone, when given (the group's otherwise).
    pub zone: Option<chrono_tz::Tz>,
    /// Its title: every word after the others, never empty.
    pub title: String,
}

/// What `remind` should do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RemindAction {
    /// Subscribe this channel.
    Here,
    /// Unsubscribe this channel.
    Off,
    /// Show this channel's reminders.
    List,
    /// No (or an unknown) sub-command: explain.
    Help,
}

/// A message in a direct room that is only an answer to the bot's last question ("done",
/// "not yet", "no pude", "accept", "rechazo"), read as the command it answers, with the
/// language it was written in. Anything longer than a few words is conversation: `None`.
pub fn bare_answer(text: &str) -> Option<(Command, Locale)> {
    let text = clean(text);
    let text = text.trim().trim_end_matches(['.', '!', '¡']).trim();
    if text.len() > 24 || text.starts_with(['/', '!']) {
        return None;
    }
    if let Some((outcome, l)) = catalog::how_word(text) {
        return Some((Command::Done { campaign: None, action: None, outcome }, l.unwrap_or(Locale::En)));
    }
    let (accept, l) = catalog::place_answer(text, true)?;
    Some((Command::Place { accept: Some(accept), campaign: None, action: None }, l.unwrap_or(Locale::En)))
}

/// The language a command was typed in, when its word says: `Some(Es)` for `!reunion`,
/// `Some(En)` for `!meeting`, `None` for words both languages share (`!coyuntura`).
pub fn language_of(text: &str) -> Option<Locale> {
    let word = text.trim().trim_start_matches(['/', '!']).split_whitespace().next()?.to_lowercase();
    spelling_of(&word).and_then(|(_, language)| language)
}

/// One spelling of a declared command: the word, the command, the language it tells.
type Spelled = (String, &'static Spec, Option<Locale>);

/// Every spelling of every declared command, derived once from the declarations: the
/// grammar reads a typed word against it for every message.
static SPELLINGS: LazyLock<Vec<Spelled>> = LazyLock::new(|| {
    let mut all: Vec<Spelled> =
        catalog::ALL.iter().flat_map(|spec| spec.spellings().map(move |(word, l)| (word, *spec, l))).collect();
    // A name with nothing to drop (`campaña`, `coyuntura`) is listed once.
    all.dedup_by(|a, b| a.0 == b.0);
    all
});

/// The command a typed word (lowercase) names, and the language the word tells.
pub fn spelling_of(word: &str) -> Option<(&'static Spec, Option<Locale>)> {
    SPELLINGS.iter().find(|(w, ..)| w == word).map(|(_, spec, l)| (*spec, *l))
}

impl Command {
    /// Reads a command whether or not it starts with `/` or `!` (the console, Discord's
    /// structured input turned into text).
    pub fn parse(text: &str) -> Command {
        if text.len() > MAX_INPUT_BYTES {
            return Command::TooLong { bytes: text.len() };
        }
        let text = clean(text);
        let trimmed = text.trim();
        let body = trimmed.strip_prefix('/').or_else(|| trimmed.strip_prefix('!')).unwrap_or(trimmed);
        Command::from_words(body)
    }

    /// Reads a message in a chat room: only text starting with `/` or `!` is addressed to
    /// the bot; anything else is conversation and gives `None`.
    pub fn parse_addressed(text: &str) -> Option<Command> {
        let start = text.trim_start();
        if !(start.starts_with('/') || start.starts_with('!')) {
            return None;
        }
        if start.starts_with("//") || start.starts_with("!!") {
            return None;
        }
        Some(Command::parse(text))
    }

    fn from_words(body: &str) -> Command {
        let words: Vec<&str> = body.split_whitespace().collect();
        let Some(first) = words.first() else {
            return Command::Empty;
        };
        // A command's name, or its name written as two words (`no voy`, `sign up`).
        let named = |n: usize| {
            let word: String = words.get(..n)?.concat().to_lowercase();
            spelling_of(word.trim_end_matches(TRAILING)).map(|(spec, _)| (spec, n))
        };
        let Some((spec, n)) = named(1).or_else(|| named(2)) else {
            let word = first.to_lowercase();
            let suggestion =
                closest(&word, SPELLINGS.iter().map(|(w, ..)| w.as_str())).and_then(spelling_of).map(|(spec, _)| spec);
            return Command::Unknown { word: first.chars().take(40).collect(), suggestion };
        };
        // Punctuation that ends a sentence is not part of a word (`not yet.`, `letter,`);
        // a title keeps its own.
        let keep = std::ptr::eq(spec, &catalog::ADD_MEETING);
        let args = words[n..]
            .iter()
            .map(|w| {
                if keep {
                    w.to_string()
                } else {
                    w.trim_start_matches(['¡', '¿']).trim_end_matches(TRAILING).to_string()
                }
            })
            .filter(|w| !w.is_empty())
            .collect();
        (spec.build)(&Args::Typed(args))
    }

    /// A command from Discord's slash command `name` (its English name) and its options.
    pub fn from_options(name: &str, values: Vec<(String, String)>) -> Command {
        match catalog::ALL.iter().find(|spec| spec.name.0 == name) {
            Some(spec) => (spec.build)(&Args::Named { values, order: spec.typed }),
            None => Command::Unknown { word: name.chars().take(40).collect(), suggestion: None },
        }
    }

    /// The declaration of this command; `None` for input that names none.
    pub fn spec(&self) -> Option<&'static Spec> {
        use catalog::*;
        Some(match self {
            Command::Help => &HELP,
            Command::Mission => &MISSION,
            Command::Groups => &GROUPS,
            Command::Group { .. } => &GROUP,
            Command::Meeting { .. } => &MEETING,
            Command::Campaign { .. } => &CAMPAIGN,
            Command::Briefing { .. } => &BRIEFING,
            Command::SignUp { .. } => &SIGN_UP,
            Command::Withdraw { .. } => &WITHDRAW,
            Command::MySignUps => &MY_SIGN_UPS,
            Command::Done { .. } => &DONE,
            Command::Place { .. } => &PLACE,
            Command::Rsvp { going: true, .. } => &GOING,
            Command::Rsvp { going: false, .. } => &NOT_GOING,
            Command::MyReminders { .. } => &MY_REMINDERS,
            Command::MyCalendar { .. } => &MY_CALENDAR,
            Command::Attendees { .. } => &ATTENDEES,
            Command::ForgetMe { .. } => &FORGET_ME,
            Command::Roster { .. } => &ROSTER,
            Command::Export { .. } => &EXPORT,
            Command::Dashboard => &DASHBOARD,
            Command::Cancel { .. } => &CANCEL,
            Command::Uncancel { .. } => &UNCANCEL,
            Command::Move { .. } => &MOVE,
            Command::AddMeeting { .. } => &ADD_MEETING,
            Command::Remind { .. } => &REMIND,
            Command::Unclear(u) => u.spec,
            Command::Unknown { .. } | Command::Empty | Command::TooLong { .. } => return None,
        })
    }

    /// What this request can change, as its declaration says: nothing for words not
    /// understood, for `remind list` (or `remind` alone) and for an unconfirmed `forgetme`,
    /// which only read or ask. Each effect costs a replan, so none is spent on those.
    pub fn effects(&self) -> &'static [Effect] {
        let reads_only = matches!(
            self,
            Command::Unclear(_)
                | Command::Remind { action: RemindAction::List | RemindAction::Help, .. }
                | Command::ForgetMe { confirmed: false }
        );
        if reads_only { &[] } else { self.spec().map_or(&[], |s| s.effects) }
    }

    /// A stable name for logs and metrics.
    pub fn name(&self) -> &'static str {
        match (self.spec(), self) {
            (Some(spec), _) => spec.name.0,
            (None, Command::Empty) => "empty",
            (None, Command::TooLong { .. }) => "too_long",
            (None, _) => "unknown",
        }
    }

    /// Whether it only reads the group's public content: the only kind answered in places
    /// that are not the group's. Input that names no command gets the help, which is public.
    pub fn is_public(&self) -> bool {
        self.spec().is_none_or(|spec| spec.audience == Audience::Public)
    }

    /// Whether it commits the asker to something (a sign-up, a place, going, a report, a
    /// calendar link): only members of the group's home may, as they are now. Taking back,
    /// saying one can't go, stopping messages, revoking a link and erasing stay open to
    /// everyone.
    pub fn engages(&self) -> bool {
        matches!(
            self,
            Command::SignUp { .. }
                | Command::Done { .. }
                | Command::Place { accept: Some(true), .. }
                | Command::Rsvp { going: true, .. }
                | Command::MyCalendar { reset: false }
        )
    }

    /// Whether only organizers may do it. Anyone may see which reminders a channel gets.
    pub fn is_for_organizers(&self) -> bool {
        let looking = matches!(self, Command::Remind { action: RemindAction::List | RemindAction::Help, .. });
        self.spec().is_some_and(|spec| spec.audience == Audience::Organizer) && !looking
    }
}

#[cfg(test)]
mod tests;
