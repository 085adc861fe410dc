//! Every command, declared once: its names and other spellings in English and Spanish, what
//! it says of itself on Discord and in the help, its options, who it is for, and how its
//! arguments become a [`Command`].
//!
//! Adding a command is one declaration here (and its place in [`ALL`]), a variant of
//! [`Command`] with its arm in [`Command::spec`] and in the engine's dispatch (both matches
//! are exhaustive: the compiler names a variant missing from either), and the function that
//! answers it. What it changes (`effects`) refreshes what depends on it; what its options
//! suggest as one types (`Opt::completed`) is where Discord's autocomplete reads.
//!
//! A member's command must be decided to commit the asker or not ([`Command::engages`]:
//! only members of the home may commit; `tests/layout.rs` fails until it is listed).
//!
//! A command that stores something about a person, or offers buttons, must also:
//! - erase it on `/forgetme` (`store/erasure.rs`; `tests/store.rs` looks for the person's id
//!   in every text cell of every table after an erasure);
//! - expire it under the retention rules (`store/retention.rs`; `tests/retention.rs` ages a
//!   row of every table that holds something about a person);
//! - copy it in `convoca migrate` (`store/copy.rs`; `tests/migrate.rs` fills every table and
//!   compares);
//! - for a new button, give it a custom id that reads back (`discord/render.rs`, tested
//!   there) and the words or commands that answer it where it cannot be pressed
//!   ([`crate::engine::Block::Unpressed`]).

use super::read::{self, at_most, not_a_choice, unclear};
use super::spec::{Args, Audience, Choice, Effect, Opt, Spec, Spelling, Suggest, Words};
use super::{Command, MoveTo, NewMeeting, RemindAction, Wanted};
use crate::locale::Locale;
use crate::store::Outcome;

/// Every command, in the order the help lists them and Discord registers them.
pub static ALL: &[&Spec] = &[
    &MEETING,
    &MISSION,
    &CAMPAIGN,
    &BRIEFING,
    &SIGN_UP,
    &WITHDRAW,
    &MY_SIGN_UPS,
    &DONE,
    &PLACE,
    &GOING,
    &NOT_GOING,
    &MY_REMINDERS,
    &MY_CALENDAR,
    &FORGET_ME,
    &HELP,
    &GROUPS,
    &GROUP,
    &ROSTER,
    &EXPORT,
    &ATTENDEES,
    &DASHBOARD,
    &CANCEL,
    &MOVE,
    &UNCANCEL,
    &ADD_MEETING,
    &REMIND,
];

const fn campaign(required: bool) -> Opt {
    Opt::text(Words("campaign", "campaña"), Words("Which campaign", "Qué campaña"), required)
        .completed(Suggest::Campaigns)
}

const ACTION: Opt = Opt::text(
    Words("action", "acción"),
    Words(
        "One call to action (leave empty for the campaign in general)",
        "Una acción concreta (vacío: la campaña en general)",
    ),
    false,
)
.completed(Suggest::Actions);

const fn meeting(required: bool) -> Opt {
    Opt::text(Words("meeting", "reunión"), Words("Which meeting", "Qué reunión"), required).completed(Suggest::Meetings)
}

const fn date(about: Words) -> Opt {
    Opt::text(Words("date", "fecha"), about, true).exactly(10)
}

/// The group's meetings.
pub static MEETING: Spec = Spec {
    name: Words("meeting", "reunión"),
    also: &[Spelling::En("meetings"), Spelling::En("next"), Spelling::Es("reuniones")],
    about: Words(
        "The next meetings: when (in your time zone), where, and how to add them to your calendar",
        "Las próximas reuniones: cuándo (en tu zona horaria), dónde y cómo agregarlas a tu calendario",
    ),
    help: Words(
        "the next meetings, where, and how to add them to your calendar",
        "las próximas reuniones, dónde y cómo agregarlas a tu calendario",
    ),
    usage: Words("[meeting]", "[reunión]"),
    audience: Audience::Public,
    in_direct: true,
    effects: &[],
    options: &[meeting(false)],
    typed: &["meeting"],
    build: |a| at_most(&MEETING, &a.words(), 1).unwrap_or_else(|| Command::Meeting { meeting: a.value(0, "meeting") }),
};

/// Who the group is.
pub static MISSION: Spec = Spec {
    name: Words("mission", "misión"),
    also: &[Spelling::En("about")],
    about: Words(
        "Who we are, what we work on, and how to get involved",
        "Quiénes somos, en qué trabajamos y cómo participar",
    ),
    help: Words("who we are and what we work on", "quiénes somos y en qué trabajamos"),
    usage: Words("", ""),
    audience: Audience::Public,
    in_direct: true,
    effects: &[],
    options: &[],
    typed: &[],
    build: |a| at_most(&MISSION, &a.words(), 0).unwrap_or(Command::Mission),
};

/// The group's campaigns.
pub static CAMPAIGN: Spec = Spec {
    name: Words("campaign", "campaña"),
    also: &[Spelling::En("campaigns"), Spelling::Es("campana"), Spelling::Es("campañas"), Spelling::Es("campanas")],
    about: Words(
        "Our campaigns, or one of them with its calls to action",
        "Nuestras campañas, o una de ellas con sus acciones",
    ),
    help: Words("our campaigns; add a name to see one", "nuestras campañas; agrega un nombre para ver una"),
    usage: Words("[campaign]", "[campaña]"),
    audience: Audience::Public,
    in_direct: true,
    effects: &[],
    options: &[campaign(false)],
    typed: &["campaign"],
    build: |a| {
        at_most(&CAMPAIGN, &a.words(), 1).unwrap_or_else(|| Command::Campaign { campaign: a.value(0, "campaign") })
    },
};

/// Situation briefings (a word both languages use).
pub static BRIEFING: Spec = Spec {
    name: Words("coyuntura", "coyuntura"),
    also: &[Spelling::En("briefing"), Spelling::En("briefings")],
    about: Words("The latest situation briefing", "El análisis de coyuntura más reciente"),
    help: Words("the latest situation briefing", "el análisis de coyuntura más reciente"),
    usage: Words("[briefing]", "[análisis]"),
    audience: Audience::Public,
    in_direct: true,
    effects: &[],
    options: &[Opt::text(
        Words("briefing", "análisis"),
        Words("An earlier briefing by name", "Un análisis anterior por nombre"),
        false,
    )
    .completed(Suggest::Briefings)],
    typed: &["briefing"],
    build: |a| {
        at_most(&BRIEFING, &a.words(), 1).unwrap_or_else(|| Command::Briefing { briefing: a.value(0, "briefing") })
    },
};

/// Signing up to act.
pub static SIGN_UP: Spec = Spec {
    name: Words("signup", "apuntarme"),
    also: &[Spelling::En("join"), Spelling::Es("inscribirme"), Spelling::Es("sumarme")],
    about: Words(
        "Sign up to act on a campaign. Only organizers see it.",
        "Apúntate para actuar en una campaña. Solo lo ve el equipo organizador.",
    ),
    help: Words(
        "sign up to act on a campaign (only organizers see it)",
        "apúntate para actuar en una campaña (solo lo ve el equipo organizador)",
    ),
    usage: Words("<campaign> [action]", "<campaña> [acción]"),
    audience: Audience::Member,
    in_direct: true,
    effects: &[Effect::SignUps, Effect::Plan],
    options: &[campaign(true), ACTION],
    typed: &["campaign", "action"],
    build: |a| {
        at_most(&SIGN_UP, &a.words(), 2)
            .unwrap_or_else(|| Command::SignUp { campaign: a.value(0, "campaign"), action: a.value(1, "action") })
    },
};

/// Taking a sign-up back.
pub static WITHDRAW: Spec = Spec {
    name: Words("withdraw", "retirarme"),
    also: &[Spelling::En("leave"), Spelling::Es("baja")],
    about: Words("Take a sign-up back", "Retira tu inscripción"),
    help: Words("take a sign-up back", "retira tu inscripción"),
    usage: Words("<campaign> [action]", "<campaña> [acción]"),
    audience: Audience::Member,
    in_direct: true,
    effects: &[Effect::SignUps, Effect::Plan],
    options: &[campaign(true), ACTION],
    typed: &["campaign", "action"],
    build: |a| {
        at_most(&WITHDRAW, &a.words(), 2)
            .unwrap_or_else(|| Command::Withdraw { campaign: a.value(0, "campaign"), action: a.value(1, "action") })
    },
};

/// The asker's own sign-ups.
pub static MY_SIGN_UPS: Spec = Spec {
    name: Words("mysignups", "misinscripciones"),
    also: &[Spelling::En("mine")],
    about: Words("What you signed up for (only you see the answer)", "A qué te apuntaste (solo tú ves la respuesta)"),
    help: Words("what you signed up for", "a qué te apuntaste"),
    usage: Words("", ""),
    audience: Audience::Member,
    in_direct: true,
    effects: &[],
    options: &[],
    typed: &[],
    build: |a| at_most(&MY_SIGN_UPS, &a.words(), 0).unwrap_or(Command::MySignUps),
};

/// Saying how an action went: done (by default), not yet, couldn't.
pub static DONE: Spec = Spec {
    name: Words("done", "hecho"),
    also: &[Spelling::En("did"), Spelling::Es("listo")],
    about: Words(
        "Tell organizers you did what you signed up for (or not yet, or couldn't)",
        "Cuéntale al equipo organizador que hiciste la acción (o todavía no, o no pudiste)",
    ),
    help: Words(
        "say you did an action (alone: answers my last question)",
        "di que hiciste una acción (solo: responde mi última pregunta)",
    ),
    usage: Words("[campaign] [action] [done|not yet|couldn't]", "[campaña] [acción] [hecho|todavía no|no pude]"),
    audience: Audience::Member,
    in_direct: true,
    effects: &[Effect::SignUps, Effect::Plan],
    options: &[
        campaign(false),
        ACTION,
        Opt::text(Words("how", "cómo"), Words("How it went (done if empty)", "Cómo fue (hecho si vacío)"), false)
            .choices(&[
                Choice { label: Words("done", "hecho"), value: "done" },
                Choice { label: Words("not yet", "todavía no"), value: "notyet" },
                Choice { label: Words("couldn't", "no pude"), value: "couldnt" },
            ]),
    ],
    typed: &["campaign", "action", "how"],
    build: done,
};

/// Words that say how an action went, as `done` reads them and as a bare answer in a direct
/// room, written without spaces or apostrophes (`not yet` is `notyet`), each with the
/// language it tells.
const HOW_WORDS: &[(&str, Outcome, Locale)] = &[
    ("done", Outcome::Done, Locale::En),
    ("did", Outcome::Done, Locale::En),
    ("didit", Outcome::Done, Locale::En),
    ("diditit", Outcome::Done, Locale::En),
    ("hecho", Outcome::Done, Locale::Es),
    ("hecha", Outcome::Done, Locale::Es),
    ("listo", Outcome::Done, Locale::Es),
    ("lista", Outcome::Done, Locale::Es),
    ("lohice", Outcome::Done, Locale::Es),
    ("yalohice", Outcome::Done, Locale::Es),
    ("notyet", Outcome::NotYet, Locale::En),
    ("todavia", Outcome::NotYet, Locale::Es),
    ("todavía", Outcome::NotYet, Locale::Es),
    ("todaviano", Outcome::NotYet, Locale::Es),
    ("todavíano", Outcome::NotYet, Locale::Es),
    ("aunno", Outcome::NotYet, Locale::Es),
    ("aúnno", Outcome::NotYet, Locale::Es),
    ("todavianolohice", Outcome::NotYet, Locale::Es),
    ("todavíanolohice", Outcome::NotYet, Locale::Es),
    ("aunnolohice", Outcome::NotYet, Locale::Es),
    ("aúnnolohice", Outcome::NotYet, Locale::Es),
    ("couldnt", Outcome::Couldnt, Locale::En),
    ("couldnot", Outcome::Couldnt, Locale::En),
    ("cant", Outcome::Couldnt, Locale::En),
    ("cannot", Outcome::Couldnt, Locale::En),
    ("nopude", Outcome::Couldnt, Locale::Es),
    ("nopuedo", Outcome::Couldnt, Locale::Es),
    ("nolopudehacer", Outcome::Couldnt, Locale::Es),
    ("nolopude", Outcome::Couldnt, Locale::Es),
];

/// How an action went, as a word (or two: `not yet`, `no pude`) in either language, with the
/// language it tells.
pub fn how_word(word: &str) -> Option<(Outcome, Option<Locale>)> {
    let squeezed: String =
        word.trim().to_lowercase().chars().filter(|c| !matches!(c, ' ' | '\'' | '’' | '-' | '_')).collect();
    HOW_WORDS.iter().find(|(w, ..)| *w == squeezed).map(|(_, o, l)| (*o, Some(*l)))
}

/// The choice of `done`'s `how` that says `outcome`: its value is the word Discord sends (and
/// the answer buttons' id), its label the words people read.
pub fn how_choice(outcome: Outcome) -> &'static Choice {
    let i = Outcome::ALL.iter().position(|o| *o == outcome).unwrap_or(0);
    &DONE.options[2].choices[i]
}

/// How `outcome` is typed after `done` in `l`, as one word `done` reads back (`notyet`,
/// `todavia`): the choice's label without its spaces, apostrophes or accent.
pub fn how_typed(outcome: Outcome, l: Locale) -> String {
    let label = how_choice(outcome).label.get(l);
    let typed: String = label.chars().filter(|c| !matches!(c, ' ' | '\'' | '’')).collect();
    typed.replace('í', "i")
}

/// Words that answer an offered place: `(word, accept, language, said alone)`. A word said
/// alone in a direct room is an answer only when it cannot be anything else ("yes" and "no"
/// are too common for that).
const PLACE_WORDS: &[(&str, bool, Option<Locale>, bool)] = &[
    ("accept", true, Some(Locale::En), true),
    ("yes", true, Some(Locale::En), false),
    ("acepto", true, Some(Locale::Es), true),
    ("aceptar", true, Some(Locale::Es), true),
    ("sí", true, Some(Locale::Es), false),
    ("si", true, Some(Locale::Es), false),
    ("decline", false, Some(Locale::En), true),
    ("no", false, None, false),
    ("rechazo", false, Some(Locale::Es), true),
    ("rechazar", false, Some(Locale::Es), true),
];

/// Accept (`true`) or decline, as a word in either language, with the language it tells;
/// with `alone`, only the words that are an answer said on their own.
pub fn place_answer(word: &str, alone: bool) -> Option<(bool, Option<Locale>)> {
    let word = word.trim().to_lowercase();
    PLACE_WORDS.iter().find(|(w, _, _, bare)| *w == word && (*bare || !alone)).map(|(_, accept, l, _)| (*accept, *l))
}

/// The choice of `place` that accepts (`true`) or declines: its value is the offer buttons'
/// id, its label the word people type.
pub fn place_choice(accept: bool) -> &'static Choice {
    &PLACE.options[0].choices[usize::from(!accept)]
}

/// `done [campaign] [action] [how]`: words saying how (one, or a few: `not yet`, `todavía
/// no`), wherever they are typed; at most two other words, the campaign and the action. A
/// word past those is questioned with the nearest way of saying how, never read as done.
fn done(a: &Args) -> Command {
    let words = a.words();
    let how = &DONE.options[2].choices;
    let mut outcome = None;
    let mut names = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let said = (1..=4).rev().find_map(|n| {
            let run = words.get(i..i + n)?;
            how_word(&run.join(" ")).map(|(o, _)| (n, o))
        });
        match said {
            Some((n, o)) => {
                if outcome.is_some_and(|before| before != o) {
                    return unclear(&DONE, &words[i..i + n].join(" "), Wanted::Choice(how), Vec::new());
                }
                outcome = Some(o);
                i += n;
            }
            None => {
                names.push(words[i].to_lowercase());
                i += 1;
            }
        }
    }
    if let Some(extra) = names.get(2) {
        return not_a_choice(&DONE, extra, how);
    }
    let mut names = names.into_iter();
    Command::Done { campaign: names.next(), action: names.next(), outcome: outcome.unwrap_or(Outcome::Done) }
}

/// Accepting or declining a place offered from a waitlist.
pub static PLACE: Spec = Spec {
    name: Words("place", "plaza"),
    also: &[Spelling::En("offer"), Spelling::Es("lugar")],
    about: Words(
        "Accept or decline a place offered to you from a waitlist",
        "Acepta o rechaza un lugar que se te ofrece desde la lista de espera",
    ),
    help: Words("accept or decline a place offered to you", "acepta o rechaza un lugar que se te ofrece"),
    usage: Words("accept|decline [campaign] [action]", "acepto|rechazo [campaña] [acción]"),
    audience: Audience::Member,
    in_direct: true,
    effects: &[Effect::SignUps, Effect::Plan],
    options: &[
        Opt::text(Words("answer", "respuesta"), Words("Accept or decline", "Aceptar o rechazar"), true).choices(&[
            Choice { label: Words("accept", "acepto"), value: "accept" },
            Choice { label: Words("decline", "rechazo"), value: "decline" },
        ]),
        campaign(false),
        ACTION,
    ],
    typed: &["answer", "campaign", "action"],
    build: place,
};

/// `place accept|decline [campaign] [action]`: alone, it asks; any other first word is
/// questioned.
fn place(a: &Args) -> Command {
    let words = a.words();
    let accept = match words.first() {
        None => None,
        Some(w) => match place_answer(w, false) {
            Some((accept, _)) => Some(accept),
            None => {
                return not_a_choice(&PLACE, w, PLACE.options[0].choices);
            }
        },
    };
    if let Some(extra) = at_most(&PLACE, &words, 3) {
        return extra;
    }
    let mut names = words.into_iter().skip(1).map(|w| w.to_lowercase());
    Command::Place { accept, campaign: names.next(), action: names.next() }
}

const fn occurrence_date(required: bool) -> Opt {
    Opt::text(
        Words("date", "fecha"),
        Words(
            "The meeting's date, like 2026-12-07 (the next one if empty)",
            "La fecha, como 2026-12-07 (la próxima si vacío)",
        ),
        required,
    )
    .exactly(10)
}

/// Saying one is going to a meeting.
pub static GOING: Spec = Spec {
    name: Words("going", "voy"),
    also: &[Spelling::En("rsvp"), Spelling::Es("asistiré"), Spelling::Es("asistire")],
    about: Words(
        "Say you're going to the next meeting: you get a private reminder before it",
        "Di que vas a la próxima reunión: recibes un aviso privado antes",
    ),
    help: Words(
        "say you're going to a meeting (a private reminder comes before it)",
        "di que vas a una reunión (recibes un aviso privado antes)",
    ),
    usage: Words("[meeting] [date]", "[reunión] [fecha]"),
    audience: Audience::Member,
    in_direct: true,
    effects: &[Effect::Going, Effect::Plan],
    options: &[meeting(false), occurrence_date(false)],
    typed: &["meeting", "date"],
    build: |a| match read::meeting_date(&GOING, &a.words()) {
        Ok(at) => Command::Rsvp { going: true, at },
        Err(question) => question,
    },
};

/// Saying one cannot make a meeting.
pub static NOT_GOING: Spec = Spec {
    name: Words("notgoing", "novoy"),
    also: &[Spelling::En("cantgo"), Spelling::En("cantmakeit")],
    about: Words("Say you can't make a meeting", "Di que no puedes ir a una reunión"),
    help: Words("say you can't make a meeting", "di que no puedes ir a una reunión"),
    usage: Words("[meeting] [date]", "[reunión] [fecha]"),
    audience: Audience::Member,
    in_direct: true,
    effects: &[Effect::Going, Effect::Plan],
    options: &[meeting(false), occurrence_date(false)],
    typed: &["meeting", "date"],
    build: |a| match read::meeting_date(&NOT_GOING, &a.words()) {
        Ok(at) => Command::Rsvp { going: false, at },
        Err(question) => question,
    },
};

/// Turning one's own personal reminders off or on.
pub static MY_REMINDERS: Spec = Spec {
    name: Words("myreminders", "misavisos"),
    also: &[],
    about: Words(
        "Your private reminders (before meetings you're going to, deadlines you signed up for): off or on",
        "Tus avisos privados (antes de reuniones a las que vas, plazos de tus acciones): no o sí",
    ),
    help: Words("turn your private reminders off or on", "desactiva o activa tus avisos privados"),
    usage: Words("off|on", "no|sí"),
    audience: Audience::Member,
    in_direct: true,
    effects: &[Effect::Plan],
    options: &[Opt::text(Words("turn", "poner"), Words("Off or on", "No o sí"), false).choices(&[
        Choice { label: Words("off", "no"), value: "off" },
        Choice { label: Words("on", "sí"), value: "on" },
    ])],
    typed: &["turn"],
    build: my_reminders,
};

/// Words that turn personal reminders on (`true`) or off.
const TURN_WORDS: &[(&str, bool)] = &[
    ("on", true),
    ("si", true),
    ("sí", true),
    ("yes", true),
    ("activar", true),
    ("off", false),
    ("no", false),
    ("stop", false),
    ("desactivar", false),
];

/// `myreminders [off|on]`: alone, how they stand; any other word is questioned.
fn my_reminders(a: &Args) -> Command {
    let words = a.words();
    if let Some(extra) = at_most(&MY_REMINDERS, &words, 1) {
        return extra;
    }
    let Some(word) = a.value(0, "turn") else { return Command::MyReminders { on: None } };
    match TURN_WORDS.iter().find(|(w, _)| *w == word) {
        Some((_, on)) => Command::MyReminders { on: Some(*on) },
        None => not_a_choice(&MY_REMINDERS, &word, MY_REMINDERS.options[0].choices),
    }
}

/// A flag's one word, for the question when something else was typed there.
const fn flag_word(label: Words, value: &'static str) -> [Choice; 1] {
    [Choice { label, value }]
}

const RESET: [Choice; 1] = flag_word(Words("reset", "renovar"), "reset");
const CONFIRM: [Choice; 1] = flag_word(Words("confirm", "confirmar"), "confirm");

/// A flag typed as one word among `words` (`true` when one was typed); `Err` questions any
/// other word, or a word past it.
fn typed_flag(
    a: &Args,
    spec: &'static Spec,
    name: &str,
    words: &[&str],
    shown: &'static [Choice],
) -> Result<bool, Command> {
    if let Args::Named { .. } = a {
        return Ok(a.flag(name));
    }
    if let Some(extra) = at_most(spec, &a.words(), 1) {
        return Err(extra);
    }
    match a.value(0, name) {
        None => Ok(false),
        Some(w) if words.contains(&w.as_str()) => Ok(true),
        Some(w) => Err(not_a_choice(spec, &w, shown)),
    }
}

/// The word of `myreminders` that turns them on (`true`) or off, in `l`: read from its
/// declaration, wherever a reply shows the command.
pub fn my_reminders_word(on: bool, l: Locale) -> &'static str {
    MY_REMINDERS.options[0].choices[usize::from(on)].label.get(l)
}

/// One's own calendar feed.
pub static MY_CALENDAR: Spec = Spec {
    name: Words("mycalendar", "micalendario"),
    also: &[],
    about: Words(
        "A private calendar link with the meetings you're going to and your deadlines",
        "Un enlace privado de calendario con tus reuniones y los plazos de tus acciones",
    ),
    help: Words(
        "your private calendar link (add reset for a new one)",
        "tu enlace privado de calendario (agrega renovar para uno nuevo)",
    ),
    usage: Words("[reset]", "[renovar]"),
    audience: Audience::Member,
    in_direct: true,
    effects: &[],
    options: &[Opt {
        kind: super::spec::OptionKind::Flag,
        ..Opt::text(
            Words("reset", "renovar"),
            Words("A new link; the old one stops working", "Un enlace nuevo; el anterior deja de funcionar"),
            false,
        )
    }],
    typed: &["reset"],
    build: |a| match typed_flag(a, &MY_CALENDAR, "reset", &["reset", "renovar", "new", "nuevo"], &RESET) {
        Ok(reset) => Command::MyCalendar { reset },
        Err(question) => question,
    },
};

/// Erasing what is stored about the asker.
pub static FORGET_ME: Spec = Spec {
    name: Words("forgetme", "olvídame"),
    also: &[],
    about: Words("Erase everything convoca stores about you", "Borra todo lo que convoca guarda sobre ti"),
    help: Words("erase everything convoca stores about you", "borra todo lo que convoca guarda sobre ti"),
    usage: Words("[confirm]", "[confirmar]"),
    audience: Audience::Member,
    in_direct: true,
    effects: &[Effect::SignUps, Effect::Going, Effect::Plan],
    options: &[Opt {
        kind: super::spec::OptionKind::Flag,
        ..Opt::text(Words("confirm", "confirmar"), Words("Yes, erase it now", "Sí, bórralo ahora"), false)
    }],
    typed: &["confirm"],
    // Erasing everything is said in the one word the reply asks for, not a passing "yes".
    build: |a| match typed_flag(a, &FORGET_ME, "confirm", &["confirm", "confirmar"], &CONFIRM) {
        Ok(confirmed) => Command::ForgetMe { confirmed },
        Err(question) => question,
    },
};

/// What the bot can do.
pub static HELP: Spec = Spec {
    name: Words("help", "ayuda"),
    also: &[Spelling::En("start"), Spelling::En("commands"), Spelling::Es("comandos")],
    about: Words("What convoca can do", "Lo que convoca puede hacer"),
    help: Words("this list", "esta lista"),
    usage: Words("", ""),
    audience: Audience::Public,
    in_direct: true,
    effects: &[],
    options: &[],
    typed: &[],
    build: |_| Command::Help,
};

/// Commands that mean something only where the content is an organization of groups: the
/// help of a one-group deployment leaves them out.
pub static FOR_ORGANIZATIONS: &[&Spec] = &[&GROUPS, &GROUP];

/// The organization's groups.
pub static GROUPS: Spec = Spec {
    name: Words("groups", "grupos"),
    also: &[],
    about: Words(
        "The organization's groups: when each meets and how to join",
        "Los grupos de la organización: cuándo se reúne cada uno y cómo sumarse",
    ),
    help: Words("every group, when it meets, and how to join", "cada grupo, cuándo se reúne y cómo sumarse"),
    usage: Words("", ""),
    audience: Audience::Public,
    in_direct: true,
    effects: &[],
    options: &[],
    typed: &[],
    build: |a| at_most(&GROUPS, &a.words(), 0).unwrap_or(Command::Groups),
};

/// Which group the direct chat answers for.
pub static GROUP: Spec = Spec {
    name: Words("group", "grupo"),
    also: &[],
    about: Words(
        "In your direct chat with the bot: which of your groups it answers for",
        "En tu chat directo con el bot: para cuál de tus grupos responde",
    ),
    help: Words("which of your groups the direct chat answers for", "para cuál de tus grupos responde el chat directo"),
    usage: Words("[group]", "[grupo]"),
    audience: Audience::Member,
    in_direct: true,
    effects: &[],
    options: &[Opt::text(Words("group", "grupo"), Words("The group's name", "El nombre del grupo"), false)],
    typed: &["group"],
    build: |a| at_most(&GROUP, &a.words(), 1).unwrap_or_else(|| Command::Group { group: a.value(0, "group") }),
};

/// Organizers: who signed up.
pub static ROSTER: Spec = Spec {
    name: Words("signups", "inscritos"),
    also: &[Spelling::En("roster")],
    about: Words("Organizers: who signed up for a campaign", "Organización: quién se apuntó a una campaña"),
    help: Words("who signed up (answered privately)", "quién se apuntó (respuesta privada)"),
    usage: Words("<campaign>", "<campaña>"),
    audience: Audience::Organizer,
    in_direct: true,
    effects: &[],
    options: &[campaign(true)],
    typed: &["campaign"],
    build: |a| at_most(&ROSTER, &a.words(), 1).unwrap_or_else(|| Command::Roster { campaign: a.value(0, "campaign") }),
};

/// Organizers: the roster as a file.
pub static EXPORT: Spec = Spec {
    name: Words("export", "exportar"),
    also: &[],
    about: Words(
        "Organizers: a campaign's sign-ups as a CSV file",
        "Organización: las inscripciones de una campaña en CSV",
    ),
    help: Words("the roster as a CSV file (private)", "la lista como archivo CSV (privado)"),
    usage: Words("<campaign>", "<campaña>"),
    audience: Audience::Organizer,
    in_direct: true,
    effects: &[],
    options: &[campaign(true)],
    typed: &["campaign"],
    build: |a| at_most(&EXPORT, &a.words(), 1).unwrap_or_else(|| Command::Export { campaign: a.value(0, "campaign") }),
};

/// Organizers: who is going to a meeting.
pub static ATTENDEES: Spec = Spec {
    name: Words("attendees", "asistentes"),
    also: &[Spelling::En("rsvps")],
    about: Words(
        "Organizers: who is going to a meeting and who can't (csv: as a file)",
        "Organización: quién va a una reunión y quién no (csv: como archivo)",
    ),
    help: Words(
        "who is going to a meeting (private; add csv for a file)",
        "quién va a una reunión (privado; agrega csv para un archivo)",
    ),
    usage: Words("[meeting] [date] [csv]", "[reunión] [fecha] [csv]"),
    audience: Audience::Organizer,
    in_direct: true,
    effects: &[],
    options: &[
        meeting(false),
        occurrence_date(false),
        Opt {
            kind: super::spec::OptionKind::Flag,
            ..Opt::text(Words("csv", "csv"), Words("As a CSV file", "Como archivo CSV"), false)
        },
    ],
    typed: &["meeting", "date", "csv"],
    build: attendees,
};

/// `attendees [meeting] [date] [csv]`: the word `csv` anywhere asks for the file.
fn attendees(a: &Args) -> Command {
    let csv = match a {
        Args::Typed(words) => words.iter().any(|w| w.eq_ignore_ascii_case("csv")),
        Args::Named { .. } => a.flag("csv"),
    };
    let mut args = a.words();
    args.retain(|w| !matches!(w.to_lowercase().as_str(), "csv" | "true" | "false"));
    match read::meeting_date(&ATTENDEES, &args) {
        Ok(at) => Command::Attendees { at, csv },
        Err(question) => question,
    }
}

/// Organizers: the group's dashboard in a browser, through a link that works once.
pub static DASHBOARD: Spec = Spec {
    name: Words("dashboard", "panel"),
    also: &[Spelling::Es("tablero")],
    about: Words(
        "Organizers: a one-time link to the group's dashboard in your browser (only you see it)",
        "Organización: un enlace de un solo uso al panel del grupo en tu navegador (solo tú lo ves)",
    ),
    help: Words(
        "a one-time link to the group's dashboard in your browser (private)",
        "un enlace de un solo uso al panel del grupo en tu navegador (privado)",
    ),
    usage: Words("", ""),
    audience: Audience::Organizer,
    in_direct: true,
    effects: &[],
    options: &[],
    typed: &[],
    build: |a| at_most(&DASHBOARD, &a.words(), 0).unwrap_or(Command::Dashboard),
};

/// Organizers: cancelling one date.
pub static CANCEL: Spec = Spec {
    name: Words("cancel", "cancelar"),
    also: &[],
    about: Words("Organizers: cancel one meeting date", "Organización: cancela una fecha de reunión"),
    help: Words("cancel one meeting date", "cancela una fecha de reunión"),
    usage: Words("[meeting] <date>", "[reunión] <fecha>"),
    audience: Audience::Organizer,
    in_direct: true,
    effects: &[Effect::Plan],
    options: &[
        date(Words("The meeting's date, like 2026-12-07", "La fecha de la reunión, como 2026-12-07")),
        meeting(false),
    ],
    typed: &["meeting", "date"],
    build: |a| match occurrence(&CANCEL, &a.words()) {
        Ok((at, [])) => Command::Cancel { at },
        Ok((_, [extra, ..])) => unclear(&CANCEL, extra, Wanted::Nothing, Vec::new()),
        Err(question) => question,
    },
};

/// Organizers: moving one date.
pub static MOVE: Spec = Spec {
    name: Words("move", "mover"),
    also: &[],
    about: Words("Organizers: move one meeting date", "Organización: cambia una fecha de reunión"),
    help: Words("move one meeting date", "cambia una fecha de reunión"),
    usage: Words("[meeting] <date> <new date> <time>", "[reunión] <fecha> <nueva fecha> <hora>"),
    audience: Audience::Organizer,
    in_direct: true,
    effects: &[Effect::Plan],
    options: &[
        date(Words("The meeting's regular date, like 2026-12-07", "La fecha habitual, como 2026-12-07")),
        Opt::text(
            Words("to", "a"),
            Words(
                "New local date and time, like 2026-12-14 18:00 (or just 18:00)",
                "Nueva fecha y hora local, como 2026-12-14 18:00 (o solo 18:00)",
            ),
            true,
        ),
        meeting(false),
    ],
    typed: &["meeting", "date", "to"],
    build: move_to,
};

/// Organizers: undoing a cancellation or move.
pub static UNCANCEL: Spec = Spec {
    name: Words("uncancel", "restaurar"),
    also: &[Spelling::En("restore")],
    about: Words("Organizers: undo a cancellation or a move", "Organización: deshace una cancelación o un cambio"),
    help: Words("undo a cancellation or a move", "deshace una cancelación o un cambio"),
    usage: Words("[meeting] <date>", "[reunión] <fecha>"),
    audience: Audience::Organizer,
    in_direct: true,
    effects: &[Effect::Plan],
    options: &[
        date(Words("The meeting's regular date, like 2026-12-07", "La fecha habitual de la reunión, como 2026-12-07")),
        meeting(false),
    ],
    typed: &["meeting", "date"],
    build: |a| match occurrence(&UNCANCEL, &a.words()) {
        Ok((at, [])) => Command::Uncancel { at },
        Ok((_, [extra, ..])) => unclear(&UNCANCEL, extra, Wanted::Nothing, Vec::new()),
        Err(question) => question,
    },
};

/// Organizers: a one-off meeting.
pub static ADD_MEETING: Spec = Spec {
    name: Words("addmeeting", "nuevareunión"),
    also: &[],
    about: Words("Organizers: add a one-off meeting", "Organización: agrega una reunión única"),
    help: Words("add a one-off meeting", "agrega una reunión única"),
    usage: Words("<date> <time> [length] [zone] <title>", "<fecha> <hora> [duración] [zona] <título>"),
    audience: Audience::Organizer,
    in_direct: true,
    effects: &[Effect::Plan],
    options: &[
        date(Words("Date, like 2027-01-20", "Fecha, como 2027-01-20")),
        Opt::text(
            Words("time", "hora"),
            Words("Local start time, like 18:00", "Hora local de inicio, como 18:00"),
            true,
        )
        .at_most(5),
        Opt::text(Words("title", "título"), Words("What it is", "De qué se trata"), true).at_most(100),
        Opt::text(
            Words("length", "duración"),
            Words("How long, like 90m or 2h (1h if empty)", "Cuánto dura, como 90m o 2h (1h si vacío)"),
            false,
        ),
        Opt::text(
            Words("zone", "zona"),
            Words("IANA time zone (the group's if empty)", "Zona horaria IANA (la del grupo si vacío)"),
            false,
        ),
    ],
    typed: &["date", "time", "length", "zone", "title"],
    build: add_meeting,
};

/// `[meeting] <date> rest…`: a first word not meant as a date names the meeting; the date
/// (when given) must be one. The rest is for the caller to read.
fn occurrence<'w>(spec: &'static Spec, words: &'w [String]) -> Result<(super::MeetingDate, &'w [String]), Command> {
    let mut at = super::MeetingDate::default();
    let mut rest = words;
    if let Some((first, after)) = rest.split_first()
        && !read::looks_like_date(first)
    {
        at.meeting = Some(first.to_lowercase());
        rest = after;
    }
    if let Some((first, after)) = rest.split_first() {
        at.date = Some(read::date(first).ok_or_else(|| unclear(spec, first, Wanted::Date, Vec::new()))?);
        rest = after;
    }
    Ok((at, rest))
}

/// `move [meeting] <date> <new date> <time>`, `… <date> <time>` or `… <date> <new date>`.
fn move_to(a: &Args) -> Command {
    let words = a.words();
    let (at, rest) = match occurrence(&MOVE, &words) {
        Ok(read) => read,
        Err(question) => return question,
    };
    let when = |w: &str| unclear(&MOVE, w, Wanted::When, meridiem_near(w));
    let (to, taken) = match rest {
        [] if at.date.is_some() => return unclear(&MOVE, "", Wanted::When, Vec::new()),
        [] => (None, 0),
        [day, time, ..] if read::date(day).is_some() && read::date(time).is_none() => {
            match (read::date(day), crate::content::parse_time(time)) {
                (Some(d), Some(t)) => (Some(MoveTo::At(d.and_time(t))), 2),
                _ => return unclear(&MOVE, time, Wanted::Time, meridiem_near(&rest[1..].join(" "))),
            }
        }
        [one, ..] => {
            let to = crate::content::parse_local_datetime(one)
                .map(MoveTo::At)
                .or_else(|| read::date(one).map(MoveTo::Day))
                .or_else(|| crate::content::parse_time(one).map(MoveTo::Time));
            match to {
                Some(to) => (Some(to), 1),
                None => return when(&rest.iter().take(2).cloned().collect::<Vec<_>>().join(" ")),
            }
        }
    };
    if let Some(extra) = rest.get(taken) {
        if read::is_meridiem(extra) {
            let typed = rest[taken.saturating_sub(1)..=taken].join(" ");
            return unclear(&MOVE, &typed, Wanted::Time, meridiem_near(&typed));
        }
        return unclear(&MOVE, extra, Wanted::Nothing, Vec::new());
    }
    Command::Move { at, to }
}

/// `6:00 PM` as the 24-hour time to type instead, when it reads as one.
fn meridiem_near(typed: &str) -> Vec<super::Near> {
    let time = read::meridiem_time(typed).map(|t| t.format("%H:%M").to_string());
    time.map(|word| super::Near { word, locale: None }).into_iter().collect()
}

/// `addmeeting <date> <time> [length] [zone] <title…>`: a word meant as a time of day, a
/// length or a zone must be one (`6:00 PM`, `90min`, `Europe/Mdrid` are questioned, never
/// taken into the title), and the title is what remains: never empty, at most
/// [`read::MAX_TITLE`] characters.
fn add_meeting(a: &Args) -> Command {
    let words = a.words();
    let question = |w: &str, wanted| unclear(&ADD_MEETING, w, wanted, Vec::new());
    let Some(date) = words.first() else { return question("", Wanted::Date) };
    let Some(date) = read::date(date) else { return question(date, Wanted::Date) };
    let Some(time_word) = words.get(1) else { return question("", Wanted::Time) };
    let Some(time) = crate::content::parse_time(time_word) else {
        return unclear(&ADD_MEETING, time_word, Wanted::Time, meridiem_near(&words[1..].join(" ")));
    };
    let mut minutes = None;
    let mut zone = None;
    let mut i = 2;
    while let Some(word) = words.get(i) {
        if i == 2 && read::is_meridiem(word) {
            // `6:00 PM`, `6:00 p. m.`: the time and every word of its meridiem.
            let parts = words[i..].iter().take_while(|w| read::is_meridiem(w)).count();
            let typed = words[1..i + parts].join(" ");
            return unclear(&ADD_MEETING, &typed, Wanted::Time, meridiem_near(&typed));
        }
        if read::looks_like_length(word) {
            match read::length(word) {
                Some(m) if minutes.is_none() => minutes = Some(m),
                Some(_) => return question(word, Wanted::Nothing),
                None => return question(word, Wanted::Length),
            }
        } else if let Some(tz) = read::zone(word) {
            if zone.is_some() {
                return question(word, Wanted::Nothing);
            }
            zone = Some(tz);
        } else if read::looks_like_zone(word) {
            return unclear(&ADD_MEETING, word, Wanted::Zone, read::closest_zones(word));
        } else {
            break;
        }
        i += 1;
    }
    // A title that says a time, length or zone (`for 2h Planning`, `to 19:30`) would hide
    // what it says: asked, never guessed. Words that do go before the title.
    if let Some(when) = words[i..].iter().find(|w| read::says_when(w)) {
        return unclear(&ADD_MEETING, when, Wanted::BeforeTitle, read::closest_zones(when));
    }
    let title = words[i..].join(" ");
    if title.trim().is_empty() {
        return question("", Wanted::Title);
    }
    if title.chars().count() > read::MAX_TITLE {
        let long: String = title.chars().take(20).collect();
        return question(&format!("{long}…"), Wanted::Title);
    }
    Command::AddMeeting(Box::new(NewMeeting { date, time, minutes, zone, title }))
}

/// Organizers: reminders in a channel.
pub static REMIND: Spec = Spec {
    name: Words("remind", "recordatorios"),
    also: &[Spelling::En("reminders"), Spelling::Es("recordar")],
    about: Words("Organizers: reminders in this channel", "Organización: recordatorios en este canal"),
    help: Words("reminders in this channel: here, off, list", "recordatorios en este canal: aquí, no, lista"),
    usage: Words("here|off|list [meeting] [en|es]", "aquí|no|ver [reunión] [en|es]"),
    audience: Audience::Organizer,
    in_direct: false,
    effects: &[Effect::Plan],
    options: &[
        Opt::text(
            Words("what", "qué"),
            Words("Turn them on, off, or list them", "Activarlos, desactivarlos o verlos"),
            true,
        )
        .choices(&[
            Choice { label: Words("here", "aquí"), value: "here" },
            Choice { label: Words("off", "no"), value: "off" },
            Choice { label: Words("list", "ver"), value: "list" },
        ]),
        meeting(false),
        Opt::text(
            Words("language", "idioma"),
            Words("Language of the reminders here", "Idioma de los recordatorios aquí"),
            false,
        )
        .choices(&[
            Choice { label: Words("English", "inglés"), value: "en" },
            Choice { label: Words("Spanish", "español"), value: "es" },
        ]),
    ],
    typed: &["what", "meeting", "language"],
    build: remind,
};

/// The first word of `remind`, in either language.
const REMIND_WORDS: &[(&str, RemindAction)] = &[
    ("here", RemindAction::Here),
    ("on", RemindAction::Here),
    ("aqui", RemindAction::Here),
    ("aquí", RemindAction::Here),
    ("si", RemindAction::Here),
    ("sí", RemindAction::Here),
    ("off", RemindAction::Off),
    ("stop", RemindAction::Off),
    ("no", RemindAction::Off),
    ("parar", RemindAction::Off),
    ("list", RemindAction::List),
    ("lista", RemindAction::List),
    ("ver", RemindAction::List),
];

/// `remind here|off|list [meeting] [en|es]`, in either language and any order after the
/// first word. Alone, it explains; an unknown first word or a second meeting is questioned.
fn remind(a: &Args) -> Command {
    let words: Vec<String> = a.words().iter().map(|w| w.to_lowercase()).collect();
    let Some(first) = words.first() else {
        return Command::Remind { action: RemindAction::Help, meeting: None, locale: None };
    };
    let Some((_, action)) = REMIND_WORDS.iter().find(|(w, _)| w == first) else {
        return not_a_choice(&REMIND, first, REMIND.options[0].choices);
    };
    let mut meeting = None;
    let mut locale = None;
    for word in words.iter().skip(1) {
        match word.as_str() {
            "en" | "english" | "inglés" | "ingles" if locale.is_none() => locale = Some(Locale::En),
            "es" | "spanish" | "español" | "espanol" if locale.is_none() => locale = Some(Locale::Es),
            "all" | "todo" | "todas" | "*" => {}
            _ if meeting.is_none() => meeting = Some(word.clone()),
            // A language could still go there.
            _ if locale.is_none() => return not_a_choice(&REMIND, word, REMIND.options[2].choices),
            _ => return unclear(&REMIND, word, Wanted::Nothing, Vec::new()),
        }
    }
    Command::Remind { action: *action, meeting, locale }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::language_of;

    #[test]
    fn every_declared_command_parses_by_each_of_its_spellings_and_by_its_options() {
        for spec in ALL {
            for (word, language) in spec.spellings() {
                assert_eq!(super::super::spelling_of(&word), Some((*spec, language)), "{word}");
                for typed in [format!("/{word}"), format!("!{word}"), word.to_uppercase()] {
                    assert_eq!(Command::parse(&typed).spec(), Some(*spec), "{typed:?}");
                }
            }
            assert_eq!(Command::from_options(spec.name.0, Vec::new()).spec(), Some(*spec));
        }
    }

    #[test]
    fn no_spelling_names_two_commands() {
        for a in ALL {
            for b in ALL.iter().filter(|b| b.name != a.name) {
                for (word, _) in a.spellings() {
                    assert!(b.spellings().all(|(w, _)| w != word), "{word} names both {a:?} and {b:?}");
                }
            }
        }
    }

    #[test]
    fn every_declaration_speaks_both_languages() {
        for spec in ALL {
            for words in [spec.name, spec.about, spec.help] {
                assert!(!words.0.is_empty() && !words.1.is_empty(), "{spec:?}: {words:?}");
            }
            // Only words both languages share may read the same (coyuntura).
            assert!(spec.help.0 != spec.help.1, "{spec:?} has no Spanish help");
            for o in spec.options {
                assert!(!o.name.1.is_empty() && !o.about.1.is_empty() && o.about.0 != o.about.1, "{spec:?}: {o:?}");
            }
            for name in spec.typed {
                assert!(spec.options.iter().any(|o| o.name.0 == *name), "{spec:?} types an undeclared {name}");
            }
        }
    }

    #[test]
    fn spanish_names_are_shown_without_acute_accents_and_tell_the_language() {
        assert_eq!(MEETING.spelled(Locale::Es), "reunion");
        assert_eq!(CAMPAIGN.spelled(Locale::Es), "campaña");
        assert_eq!(ADD_MEETING.spelled(Locale::Es), "nuevareunion");
        assert_eq!(language_of("!nuevareunión"), Some(Locale::Es));
        assert_eq!(language_of("!olvidame"), Some(Locale::Es));
        assert_eq!(language_of("!roster"), Some(Locale::En));
        assert_eq!(language_of("!coyuntura"), None);
    }

    #[test]
    fn named_options_read_like_typed_words() {
        let named = |pairs: &[(&str, &str)]| pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
        assert_eq!(
            Command::from_options("cancel", named(&[("date", "2026-12-07"), ("meeting", "monthly")])),
            Command::parse("/cancel monthly 2026-12-07")
        );
        assert_eq!(
            Command::from_options("forgetme", named(&[("confirm", "true")])),
            Command::parse("/forgetme confirm")
        );
        assert_eq!(Command::from_options("forgetme", named(&[("confirm", "false")])), Command::parse("/forgetme"));
        assert_eq!(
            Command::from_options("remind", named(&[("what", "here"), ("language", "es")])),
            Command::parse("/remind here es")
        );
    }
}
