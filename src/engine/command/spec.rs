//! What a command declaration holds: its names in both languages, what it says about
//! itself, its options, who it is for, and how its arguments become a [`Command`].
//!
//! The parser, the help text, the language guess and Discord's registration are all read
//! from these declarations (see [`super::catalog`]), so a command's words live in one place.

use super::Command;
use crate::chat::Abilities;
use crate::locale::Locale;

/// A text in English and in Spanish.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Words(pub &'static str, pub &'static str);

impl Words {
    /// The text in `locale`.
    pub fn get(self, locale: Locale) -> &'static str {
        match locale {
            Locale::En => self.0,
            Locale::Es => self.1,
        }
    }
}

/// Who a command is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// Reads the group's public content: answered anywhere, even in places that are not the
    /// group's.
    Public,
    /// Acts for the asker (sign-ups, their own data): in the group's home or the direct chat.
    Member,
    /// For organizers, by their standing in the group's home; answered privately.
    Organizer,
}

/// Another spelling of a command, and the language it tells the asker reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spelling {
    /// An English word (`next`, `roster`).
    En(&'static str),
    /// A Spanish word (`reuniones`, `baja`).
    Es(&'static str),
}

/// What kind of value an option takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionKind {
    /// Free text.
    Text,
    /// Yes or no (typed: one of the confirming words).
    Flag,
}

/// One fixed value an option offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Choice {
    /// What members see.
    pub label: Words,
    /// What the command receives (typed as is in text).
    pub value: &'static str,
}

/// Where an option's suggestions come from as one types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Suggest {
    /// The group's campaigns.
    Campaigns,
    /// The actions of the campaign given in the same command's campaign option.
    Actions,
    /// The meetings, organizers' one-off meetings included.
    Meetings,
    /// The situation briefings.
    Briefings,
}

/// What a command can change, declared with it, so the engine refreshes what depends on it
/// and no list elsewhere has to remember the command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Who signed up or answered: the counts campaigns show.
    SignUps,
    /// Who is going: the counts meetings show.
    Going,
    /// The calendar, or who gets personal messages: the reminder plan.
    Plan,
}

/// One option of a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Opt {
    /// Its name.
    pub name: Words,
    /// What to give.
    pub about: Words,
    /// Its kind.
    pub kind: OptionKind,
    /// Whether it must be given (on Discord; the typed grammar explains what is missing).
    pub required: bool,
    /// Which of the content's names are offered as one types (Discord's autocomplete).
    pub suggest: Option<Suggest>,
    /// Shortest accepted length, when fixed.
    pub min_length: Option<u16>,
    /// Longest accepted length, when bounded.
    pub max_length: Option<u16>,
    /// Fixed values, when it has them.
    pub choices: &'static [Choice],
}

impl Opt {
    /// A text option with no bounds, no choices and no autocomplete.
    pub const fn text(name: Words, about: Words, required: bool) -> Opt {
        Opt {
            name,
            about,
            kind: OptionKind::Text,
            required,
            suggest: None,
            min_length: None,
            max_length: None,
            choices: &[],
        }
    }

    /// The same, completed from the content's names of `from`.
    pub const fn completed(self, from: Suggest) -> Opt {
        Opt { suggest: Some(from), ..self }
    }

    /// The same, at most `n` characters long.
    pub const fn at_most(self, n: u16) -> Opt {
        Opt { max_length: Some(n), ..self }
    }

    /// The same, exactly `n` characters long.
    pub const fn exactly(self, n: u16) -> Opt {
        Opt { min_length: Some(n), max_length: Some(n), ..self }
    }

    /// The same, with fixed values.
    pub const fn choices(self, choices: &'static [Choice]) -> Opt {
        Opt { choices, ..self }
    }
}

/// One command, declared once.
pub struct Spec {
    /// Its name: English, and Spanish as Discord shows it (with accents). The Spanish name
    /// without acute accents is how Spanish speakers are shown it to type (`/reunion`).
    pub name: Words,
    /// Other spellings the grammar accepts.
    pub also: &'static [Spelling],
    /// What it does, as Discord's command list says.
    pub about: Words,
    /// What it does, as the help text says.
    pub help: Words,
    /// Its arguments as the help text shows them (empty for none).
    pub usage: Words,
    /// Who it is for.
    pub audience: Audience,
    /// Whether it is offered in the bot's direct chat (reminders are for channels only).
    pub in_direct: bool,
    /// What it can change, for what depends on it to be refreshed.
    pub effects: &'static [Effect],
    /// Its options, in the order Discord shows them.
    pub options: &'static [Opt],
    /// Its options' English names in the order they are typed (`cancel [meeting] <date>`).
    pub typed: &'static [&'static str],
    /// Its arguments made into a command.
    pub build: fn(&Args) -> Command,
}

impl PartialEq for Spec {
    fn eq(&self, other: &Spec) -> bool {
        self.name == other.name
    }
}

impl Eq for Spec {}

impl std::fmt::Debug for Spec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "/{}", self.name.0)
    }
}

impl Spec {
    /// The name shown to someone who reads `locale`: `meeting`, or `reunion` (typed without
    /// accents, which the grammar reads like the accented one).
    pub fn spelled(&self, locale: Locale) -> String {
        match locale {
            Locale::En => self.name.0.to_string(),
            Locale::Es => without_acute_accents(self.name.1),
        }
    }

    /// Every spelling the grammar accepts, each with the language it tells (`None` for a
    /// word both languages share, such as `coyuntura`). The grammar reads them from a table
    /// made once ([`super::spelling_of`]), not from here on every message.
    pub fn spellings(&self) -> impl Iterator<Item = (String, Option<Locale>)> + '_ {
        let shared = self.name.0 == self.name.1;
        let names = [
            (self.name.0.to_string(), if shared { None } else { Some(Locale::En) }),
            (self.name.1.to_string(), if shared { None } else { Some(Locale::Es) }),
            (self.spelled(Locale::Es), if shared { None } else { Some(Locale::Es) }),
        ];
        let also = self.also.iter().map(|s| match s {
            Spelling::En(w) => (w.to_string(), Some(Locale::En)),
            Spelling::Es(w) => (w.to_string(), Some(Locale::Es)),
        });
        names.into_iter().chain(also)
    }

    /// How someone types it on a platform in `locale`, with `args` after it:
    /// `/reunion mensual`, `!signup jilamito`.
    pub fn typed_on(&self, on: &Abilities, locale: Locale, args: &str) -> String {
        let sep = if args.is_empty() { "" } else { " " };
        format!("{}{}{sep}{args}", on.prefix, self.spelled(locale))
    }
}

/// `reunión` → `reunion`; `ñ` stays, being a letter of its own.
fn without_acute_accents(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            'á' => 'a',
            'é' => 'e',
            'í' => 'i',
            'ó' => 'o',
            'ú' => 'u',
            c => c,
        })
        .collect()
}

/// A command's arguments, typed or given as named options.
#[derive(Clone, Debug)]
pub enum Args {
    /// The words typed after the command word, as typed.
    Typed(Vec<String>),
    /// Discord's options, name and value, with the command's typed order of option names.
    Named {
        /// The options given.
        values: Vec<(String, String)>,
        /// The order the command's options are typed in.
        order: &'static [&'static str],
    },
}

impl Args {
    fn named(&self, name: &str) -> Option<String> {
        match self {
            Args::Typed(_) => None,
            Args::Named { values, .. } => values.iter().find(|(n, _)| n == name).map(|(_, v)| v.trim().to_string()),
        }
    }

    /// The option at `position` in the typed order (named `name`), trimmed and lowercase;
    /// `None` when absent or blank.
    pub fn value(&self, position: usize, name: &str) -> Option<String> {
        let v = match self {
            Args::Typed(words) => words.get(position).cloned(),
            Args::Named { .. } => self.named(name),
        };
        v.map(|v| v.to_lowercase()).filter(|v| !v.is_empty())
    }

    /// Whether Discord's boolean option `name` is true. A typed flag is a word, read (or
    /// questioned) by the command's own builder.
    pub fn flag(&self, name: &str) -> bool {
        self.named(name).as_deref() == Some("true")
    }

    /// Every word given, in the typed order, case kept: what free-form commands
    /// (`addmeeting <date> <time> … <title>`) read.
    pub fn words(&self) -> Vec<String> {
        match self {
            Args::Typed(words) => words.clone(),
            Args::Named { order, .. } => order
                .iter()
                .filter_map(|name| self.named(name))
                .flat_map(|v| v.split_whitespace().map(str::to_string).collect::<Vec<_>>())
                .collect(),
        }
    }
}
