//! The one text grammar: `/meeting`, `!campaign jilamito`, `Meeting`, `  !signup   jilamito `.
//!
//! Matrix and the console send text; Discord sends structured options that its adapter maps
//! onto the same [`Command`]. An unknown command is a value, not an error.

use super::suggest::closest;

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
    /// Organizers: cancel one occurrence (`cancel [meeting] <date>`).
    Cancel {
        /// The words after the command.
        args: Vec<String>,
    },
    /// Organizers: undo a cancellation or move (`uncancel [meeting] <date>`).
    Uncancel {
        /// The words after the command.
        args: Vec<String>,
    },
    /// Organizers: move one occurrence (`move [meeting] <date> <new local date-time>`).
    Move {
        /// The words after the command.
        args: Vec<String>,
    },
    /// Organizers: add a one-off meeting (`addmeeting <date> <time> [duration] [zone] <title>`).
    AddMeeting {
        /// The words after the command.
        args: Vec<String>,
    },
    /// Reminders in this channel: `remind here [meeting] [en|es]`, `remind off [meeting]`,
    /// `remind list`.
    Remind {
        /// What to do.
        action: RemindAction,
        /// Only this meeting (all meetings and deadlines when absent).
        meeting: Option<String>,
        /// The language for this channel's reminders.
        locale: Option<crate::locale::Locale>,
    },
    /// A word the grammar does not know.
    Unknown {
        /// The word as typed.
        word: String,
        /// The closest real command, when one is close.
        suggestion: Option<&'static str>,
    },
    /// A bare prefix or blank text.
    Empty,
    /// Input longer than [`MAX_INPUT_BYTES`].
    TooLong {
        /// How long it was.
        bytes: usize,
    },
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

/// The commands' canonical names, as shown in help and suggested for typos.
pub const NAMES: &[&str] = &[
    "help",
    "mission",
    "meeting",
    "campaign",
    "coyuntura",
    "signup",
    "withdraw",
    "mysignups",
    "forgetme",
    "signups",
    "export",
    "cancel",
    "uncancel",
    "move",
    "addmeeting",
    "remind",
];

/// Every spelling the grammar accepts, with the canonical name it stands for.
const ALIASES: &[(&str, &str)] = &[
    ("help", "help"),
    ("ayuda", "help"),
    ("start", "help"),
    ("commands", "help"),
    ("comandos", "help"),
    ("mission", "mission"),
    ("about", "mission"),
    ("mision", "mission"),
    ("misión", "mission"),
    ("meeting", "meeting"),
    ("meetings", "meeting"),
    ("next", "meeting"),
    ("reunion", "meeting"),
    ("reunión", "meeting"),
    ("reuniones", "meeting"),
    ("campaign", "campaign"),
    ("campaigns", "campaign"),
    ("campaña", "campaign"),
    ("campana", "campaign"),
    ("campañas", "campaign"),
    ("campanas", "campaign"),
    ("coyuntura", "coyuntura"),
    ("briefing", "coyuntura"),
    ("briefings", "coyuntura"),
    ("signup", "signup"),
    ("join", "signup"),
    ("apuntarme", "signup"),
    ("inscribirme", "signup"),
    ("sumarme", "signup"),
    ("withdraw", "withdraw"),
    ("leave", "withdraw"),
    ("retirarme", "withdraw"),
    ("baja", "withdraw"),
    ("mysignups", "mysignups"),
    ("mine", "mysignups"),
    ("misinscripciones", "mysignups"),
    ("forgetme", "forgetme"),
    ("olvidame", "forgetme"),
    ("olvídame", "forgetme"),
    ("signups", "signups"),
    ("roster", "signups"),
    ("inscritos", "signups"),
    ("export", "export"),
    ("exportar", "export"),
    ("cancel", "cancel"),
    ("cancelar", "cancel"),
    ("uncancel", "uncancel"),
    ("restore", "uncancel"),
    ("restaurar", "uncancel"),
    ("move", "move"),
    ("mover", "move"),
    ("addmeeting", "addmeeting"),
    ("nuevareunion", "addmeeting"),
    ("nuevareunión", "addmeeting"),
    ("remind", "remind"),
    ("reminders", "remind"),
    ("recordatorios", "remind"),
    ("recordar", "remind"),
];

/// The word that confirms `forgetme`.
const CONFIRM_WORDS: &[&str] = &["confirm", "confirmar", "yes", "sí", "si"];

/// How a command is spelled for members who speak `locale`: Spanish speakers are shown
/// `/reunion` and `/campaña`, which the grammar reads like their English names.
pub fn spelling(name: &str, locale: crate::locale::Locale) -> &str {
    if locale == crate::locale::Locale::En {
        return name;
    }
    match name {
        "help" => "ayuda",
        "mission" => "mision",
        "meeting" => "reunion",
        "campaign" => "campaña",
        "signup" => "apuntarme",
        "withdraw" => "retirarme",
        "mysignups" => "misinscripciones",
        "forgetme" => "olvidame",
        "signups" => "inscritos",
        "export" => "exportar",
        "cancel" => "cancelar",
        "uncancel" => "restaurar",
        "move" => "mover",
        "addmeeting" => "nuevareunion",
        "remind" => "recordatorios",
        other => other,
    }
}

/// Spanish spellings among the aliases: a member who types `!reunion` is answered in
/// Spanish on platforms that do not say which language the member reads (Matrix).
const SPANISH_WORDS: &[&str] = &[
    "ayuda",
    "comandos",
    "mision",
    "misión",
    "reunion",
    "reunión",
    "reuniones",
    "campaña",
    "campana",
    "campañas",
    "campanas",
    "apuntarme",
    "inscribirme",
    "sumarme",
    "retirarme",
    "baja",
    "misinscripciones",
    "olvidame",
    "olvídame",
    "inscritos",
    "exportar",
    "cancelar",
    "restaurar",
    "mover",
    "nuevareunion",
    "nuevareunión",
    "recordatorios",
    "recordar",
];

/// The language a command was typed in, when its word says: `Some(Es)` for `!reunion`,
/// `Some(En)` for `!meeting`, `None` for words both languages share (`!coyuntura`).
pub fn language_of(text: &str) -> Option<crate::locale::Locale> {
    let word = text.trim().trim_start_matches(['/', '!']).split_whitespace().next()?.to_lowercase();
    if SPANISH_WORDS.contains(&word.as_str()) {
        Some(crate::locale::Locale::Es)
    } else if ALIASES.iter().any(|(alias, _)| *alias == word) && word != "coyuntura" {
        Some(crate::locale::Locale::En)
    } else {
        None
    }
}

impl Command {
    /// Reads a command whether or not it starts with `/` or `!` (the console, Discord's
    /// structured input turned into text).
    pub fn parse(text: &str) -> Command {
        if text.len() > MAX_INPUT_BYTES {
            return Command::TooLong { bytes: text.len() };
        }
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
        let mut words = body.split_whitespace();
        let Some(first) = words.next() else {
            return Command::Empty;
        };
        let word = first.to_lowercase();
        let args: Vec<&str> = words.collect();
        let arg = |i: usize| args.get(i).map(|a| a.to_lowercase());
        let rest = || args.iter().map(|a| a.to_string()).collect::<Vec<_>>();
        let Some(&(_, name)) = ALIASES.iter().find(|(alias, _)| *alias == word) else {
            let suggestion = closest(&word, ALIASES.iter().map(|(a, _)| *a))
                .and_then(|alias| ALIASES.iter().find(|(a, _)| *a == alias).map(|(_, n)| *n));
            return Command::Unknown { word: first.chars().take(40).collect(), suggestion };
        };
        match name {
            "help" => Command::Help,
            "mission" => Command::Mission,
            "meeting" => Command::Meeting { meeting: arg(0) },
            "campaign" => Command::Campaign { campaign: arg(0) },
            "coyuntura" => Command::Briefing { briefing: arg(0) },
            "signup" => Command::SignUp { campaign: arg(0), action: arg(1) },
            "withdraw" => Command::Withdraw { campaign: arg(0), action: arg(1) },
            "mysignups" => Command::MySignUps,
            "forgetme" => Command::ForgetMe { confirmed: arg(0).is_some_and(|a| CONFIRM_WORDS.contains(&a.as_str())) },
            "signups" => Command::Roster { campaign: arg(0) },
            "export" => Command::Export { campaign: arg(0) },
            "cancel" => Command::Cancel { args: rest() },
            "uncancel" => Command::Uncancel { args: rest() },
            "move" => Command::Move { args: rest() },
            "addmeeting" => Command::AddMeeting { args: rest() },
            "remind" => {
                let action = match arg(0).as_deref() {
                    Some("here" | "on" | "aqui" | "aquí" | "si" | "sí") => RemindAction::Here,
                    Some("off" | "stop" | "no" | "parar") => RemindAction::Off,
                    Some("list" | "lista" | "ver") => RemindAction::List,
                    _ => RemindAction::Help,
                };
                let mut meeting = None;
                let mut locale = None;
                for word in args.iter().skip(1).map(|w| w.to_lowercase()) {
                    match word.as_str() {
                        "en" | "english" | "inglés" | "ingles" => locale = Some(crate::locale::Locale::En),
                        "es" | "spanish" | "español" | "espanol" => locale = Some(crate::locale::Locale::Es),
                        "all" | "todo" | "todas" | "*" => {}
                        _ => meeting = Some(word),
                    }
                }
                Command::Remind { action, meeting, locale }
            }
            _ => Command::Unknown { word: word.clone(), suggestion: None },
        }
    }

    /// A stable name for logs and metrics.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Help => "help",
            Command::Mission => "mission",
            Command::Meeting { .. } => "meeting",
            Command::Campaign { .. } => "campaign",
            Command::Briefing { .. } => "coyuntura",
            Command::SignUp { .. } => "signup",
            Command::Withdraw { .. } => "withdraw",
            Command::MySignUps => "mysignups",
            Command::ForgetMe { .. } => "forgetme",
            Command::Roster { .. } => "signups",
            Command::Export { .. } => "export",
            Command::Cancel { .. } => "cancel",
            Command::Uncancel { .. } => "uncancel",
            Command::Move { .. } => "move",
            Command::AddMeeting { .. } => "addmeeting",
            Command::Remind { .. } => "remind",
            Command::Unknown { .. } => "unknown",
            Command::Empty => "empty",
            Command::TooLong { .. } => "too_long",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_case_and_spacing_do_not_matter() {
        for text in ["/meeting", "!meeting", "meeting", "  /MEETING  ", "!Meeting\n", "/reunión"] {
            assert_eq!(Command::parse(text), Command::Meeting { meeting: None }, "{text:?}");
        }
        assert_eq!(
            Command::parse("  !campaign    Jilamito  "),
            Command::Campaign { campaign: Some("jilamito".into()) }
        );
        assert_eq!(Command::parse("/CAMPAÑA jilamito"), Command::parse("/campaign jilamito"));
    }

    #[test]
    fn chat_text_needs_a_prefix() {
        assert_eq!(Command::parse_addressed("meeting tonight?"), None);
        assert_eq!(Command::parse_addressed("//meeting"), None);
        assert_eq!(Command::parse_addressed("  !mission"), Some(Command::Mission));
        assert_eq!(Command::parse_addressed("/"), Some(Command::Empty));
    }

    #[test]
    fn unknown_words_get_a_suggestion_when_close() {
        assert_eq!(
            Command::parse("/meetign"),
            Command::Unknown { word: "meetign".into(), suggestion: Some("meeting") }
        );
        assert_eq!(
            Command::parse("!campain jilamito"),
            Command::Unknown { word: "campain".into(), suggestion: Some("campaign") }
        );
        assert_eq!(Command::parse("/xyzzy"), Command::Unknown { word: "xyzzy".into(), suggestion: None });
    }

    #[test]
    fn huge_input_is_refused_before_parsing() {
        let huge = format!("/meeting {}", "a".repeat(MAX_INPUT_BYTES));
        assert_eq!(Command::parse(&huge), Command::TooLong { bytes: huge.len() });
        let huge_chat = format!("!{}", "x".repeat(64 * 1024));
        assert!(matches!(Command::parse_addressed(&huge_chat), Some(Command::TooLong { .. })));
        assert_eq!(Command::parse_addressed(&"x".repeat(64 * 1024)), None);
    }

    #[test]
    fn sign_up_and_organizer_commands() {
        assert_eq!(
            Command::parse("!signup Jilamito petition"),
            Command::SignUp { campaign: Some("jilamito".into()), action: Some("petition".into()) }
        );
        assert_eq!(
            Command::parse("/apuntarme jilamito"),
            Command::SignUp { campaign: Some("jilamito".into()), action: None }
        );
        assert_eq!(Command::parse("/forgetme"), Command::ForgetMe { confirmed: false });
        assert_eq!(Command::parse("/olvidame confirmar"), Command::ForgetMe { confirmed: true });
        assert_eq!(Command::parse("!roster jilamito"), Command::Roster { campaign: Some("jilamito".into()) });
        assert_eq!(
            Command::parse("/move monthly 2026-12-07 2026-12-14 18:00"),
            Command::Move { args: vec!["monthly".into(), "2026-12-07".into(), "2026-12-14".into(), "18:00".into()] }
        );
        // Titles keep their case.
        assert_eq!(
            Command::parse("/addmeeting 2027-01-20 18:00 Teach-in on Honduras"),
            Command::AddMeeting {
                args: vec!["2027-01-20".into(), "18:00".into(), "Teach-in".into(), "on".into(), "Honduras".into()]
            }
        );
    }

    #[test]
    fn remind_sub_commands() {
        use crate::locale::Locale;
        assert_eq!(
            Command::parse("/remind here monthly es"),
            Command::Remind { action: RemindAction::Here, meeting: Some("monthly".into()), locale: Some(Locale::Es) }
        );
        assert_eq!(
            Command::parse("!recordatorios no"),
            Command::Remind { action: RemindAction::Off, meeting: None, locale: None }
        );
        assert_eq!(
            Command::parse("/remind"),
            Command::Remind { action: RemindAction::Help, meeting: None, locale: None }
        );
        assert_eq!(
            Command::parse("/remind list"),
            Command::Remind { action: RemindAction::List, meeting: None, locale: None }
        );
    }

    #[test]
    fn the_command_word_tells_the_language() {
        use crate::locale::Locale;
        assert_eq!(language_of("!reunión"), Some(Locale::Es));
        assert_eq!(language_of("  /Campaña jilamito"), Some(Locale::Es));
        assert_eq!(language_of("!meeting"), Some(Locale::En));
        assert_eq!(language_of("!coyuntura"), None);
        assert_eq!(language_of("hola"), None);
    }

    #[test]
    fn blank_is_empty() {
        assert_eq!(Command::parse(""), Command::Empty);
        assert_eq!(Command::parse("  ! "), Command::Empty);
    }
}
