//! The slash commands convoca registers: one per engine command, described for members, in
//! English with Spanish (`es-ES`, `es-419`) names and descriptions, typed options, and
//! autocomplete of campaign and meeting names. Organizer commands are registered for members
//! with Manage Events by default, and checked again when used.

use serenity::all::{
    CommandOptionType, CreateCommand, CreateCommandOption, InstallationContext, InteractionContext, Permissions,
};

use crate::engine::Command;

const SPANISH: [&str; 2] = ["es-ES", "es-419"];

/// A text in English and Spanish.
struct Words(&'static str, &'static str);

fn command(name: Words, description: Words) -> CreateCommand {
    let mut c = CreateCommand::new(name.0).description(description.0);
    for locale in SPANISH {
        c = c.name_localized(locale, name.1).description_localized(locale, description.1);
    }
    c
}

fn option(kind: CommandOptionType, name: Words, description: Words, required: bool) -> CreateCommandOption {
    let mut o = CreateCommandOption::new(kind, name.0, description.0).required(required);
    for locale in SPANISH {
        o = o.name_localized(locale, name.1).description_localized(locale, description.1);
    }
    o
}

fn text(name: Words, description: Words, required: bool) -> CreateCommandOption {
    option(CommandOptionType::String, name, description, required)
}

fn campaign(required: bool) -> CreateCommandOption {
    text(Words("campaign", "campaña"), Words("Which campaign", "Qué campaña"), required).set_autocomplete(true)
}

fn action() -> CreateCommandOption {
    text(
        Words("action", "acción"),
        Words(
            "One call to action (leave empty for the campaign in general)",
            "Una acción concreta (vacío: la campaña en general)",
        ),
        false,
    )
    .set_autocomplete(true)
}

fn meeting(required: bool) -> CreateCommandOption {
    text(Words("meeting", "reunión"), Words("Which meeting", "Qué reunión"), required).set_autocomplete(true)
}

fn date(name: Words, description: Words) -> CreateCommandOption {
    text(name, description, true).max_length(10).min_length(10)
}

/// Every command, as registered in each of the group's home servers. Organizer commands are
/// shown to members with Manage Events by default, and checked again when used.
pub fn all() -> Vec<CreateCommand> {
    let mut all = set(|c| c.default_member_permissions(Permissions::MANAGE_EVENTS).dm_permission(false));
    all.push(remind());
    all
}

/// The commands of the bot's direct messages, registered globally but only for the bot's DMs
/// (interaction context `BOT_DM`), so they show in no server at all: a server that is not
/// the group's gets no commands from convoca. Organizer commands are there for organizers of
/// the home (checked against the home server when used); `remind` is not, a DM being no
/// channel for reminders.
pub fn direct() -> Vec<CreateCommand> {
    set(|c| c)
        .into_iter()
        .map(|c| c.contexts(vec![InteractionContext::BotDm]).integration_types(vec![InstallationContext::Guild]))
        .collect()
}

fn set(organizer: impl Fn(CreateCommand) -> CreateCommand) -> Vec<CreateCommand> {
    vec![
        command(
            Words("meeting", "reunión"),
            Words(
                "The next meetings: when (in your time zone), where, and how to add them to your calendar",
                "Las próximas reuniones: cuándo (en tu zona horaria), dónde y cómo agregarlas a tu calendario",
            ),
        )
        .add_option(meeting(false)),
        command(
            Words("mission", "misión"),
            Words(
                "Who we are, what we work on, and how to get involved",
                "Quiénes somos, en qué trabajamos y cómo participar",
            ),
        ),
        command(
            Words("campaign", "campaña"),
            Words(
                "Our campaigns, or one of them with its calls to action",
                "Nuestras campañas, o una de ellas con sus acciones",
            ),
        )
        .add_option(campaign(false)),
        command(
            Words("coyuntura", "coyuntura"),
            Words("The latest situation briefing", "El análisis de coyuntura más reciente"),
        )
        .add_option(
            text(
                Words("briefing", "análisis"),
                Words("An earlier briefing by name", "Un análisis anterior por nombre"),
                false,
            )
            .set_autocomplete(true),
        ),
        command(
            Words("signup", "apuntarme"),
            Words(
                "Sign up to act on a campaign. Only organizers see it.",
                "Apúntate para actuar en una campaña. Solo lo ve el equipo organizador.",
            ),
        )
        .add_option(campaign(true))
        .add_option(action()),
        command(Words("withdraw", "retirarme"), Words("Take a sign-up back", "Retira tu inscripción"))
            .add_option(campaign(true))
            .add_option(action()),
        command(
            Words("mysignups", "misinscripciones"),
            Words("What you signed up for (only you see the answer)", "A qué te apuntaste (solo tú ves la respuesta)"),
        ),
        command(
            Words("forgetme", "olvídame"),
            Words("Erase everything convoca stores about you", "Borra todo lo que convoca guarda sobre ti"),
        )
        .add_option(option(
            CommandOptionType::Boolean,
            Words("confirm", "confirmar"),
            Words("Yes, erase it now", "Sí, bórralo ahora"),
            false,
        )),
        command(Words("help", "ayuda"), Words("What convoca can do", "Lo que convoca puede hacer")),
        organizer(command(
            Words("signups", "inscritos"),
            Words("Organizers: who signed up for a campaign", "Organización: quién se apuntó a una campaña"),
        ))
        .add_option(campaign(true)),
        organizer(command(
            Words("export", "exportar"),
            Words(
                "Organizers: a campaign's sign-ups as a CSV file",
                "Organización: las inscripciones de una campaña en CSV",
            ),
        ))
        .add_option(campaign(true)),
        organizer(command(
            Words("cancel", "cancelar"),
            Words("Organizers: cancel one meeting date", "Organización: cancela una fecha de reunión"),
        ))
        .add_option(date(
            Words("date", "fecha"),
            Words("The meeting's date, like 2026-12-07", "La fecha de la reunión, como 2026-12-07"),
        ))
        .add_option(meeting(false)),
        organizer(command(
            Words("uncancel", "restaurar"),
            Words("Organizers: undo a cancellation or a move", "Organización: deshace una cancelación o un cambio"),
        ))
        .add_option(date(
            Words("date", "fecha"),
            Words("The meeting's regular date, like 2026-12-07", "La fecha habitual de la reunión, como 2026-12-07"),
        ))
        .add_option(meeting(false)),
        organizer(command(
            Words("move", "mover"),
            Words("Organizers: move one meeting date", "Organización: cambia una fecha de reunión"),
        ))
        .add_option(date(
            Words("date", "fecha"),
            Words("The meeting's regular date, like 2026-12-07", "La fecha habitual, como 2026-12-07"),
        ))
        .add_option(text(
            Words("to", "a"),
            Words(
                "New local date and time, like 2026-12-14 18:00 (or just 18:00)",
                "Nueva fecha y hora local, como 2026-12-14 18:00 (o solo 18:00)",
            ),
            true,
        ))
        .add_option(meeting(false)),
        organizer(command(
            Words("addmeeting", "nuevareunión"),
            Words("Organizers: add a one-off meeting", "Organización: agrega una reunión única"),
        ))
        .add_option(date(Words("date", "fecha"), Words("Date, like 2027-01-20", "Fecha, como 2027-01-20")))
        .add_option(
            text(
                Words("time", "hora"),
                Words("Local start time, like 18:00", "Hora local de inicio, como 18:00"),
                true,
            )
            .max_length(5),
        )
        .add_option(text(Words("title", "título"), Words("What it is", "De qué se trata"), true).max_length(100))
        .add_option(text(
            Words("length", "duración"),
            Words("How long, like 90m or 2h (1h if empty)", "Cuánto dura, como 90m o 2h (1h si vacío)"),
            false,
        ))
        .add_option(text(
            Words("zone", "zona"),
            Words("IANA time zone (the group's if empty)", "Zona horaria IANA (la del grupo si vacío)"),
            false,
        )),
    ]
}

fn remind() -> CreateCommand {
    command(
        Words("remind", "recordatorios"),
        Words("Organizers: reminders in this channel", "Organización: recordatorios en este canal"),
    )
    .add_option(
        text(
            Words("what", "qué"),
            Words("Turn them on, off, or list them", "Activarlos, desactivarlos o verlos"),
            true,
        )
        .add_string_choice_localized("here", "here", [("es-ES", "aquí"), ("es-419", "aquí")])
        .add_string_choice_localized("off", "off", [("es-ES", "no"), ("es-419", "no")])
        .add_string_choice_localized("list", "list", [("es-ES", "ver"), ("es-419", "ver")]),
    )
    .add_option(meeting(false))
    .add_option(
        text(
            Words("language", "idioma"),
            Words("Language of the reminders here", "Idioma de los recordatorios aquí"),
            false,
        )
        .add_string_choice_localized("English", "en", [("es-ES", "inglés"), ("es-419", "inglés")])
        .add_string_choice_localized("Spanish", "es", [("es-ES", "español"), ("es-419", "español")]),
    )
    .default_member_permissions(Permissions::MANAGE_EVENTS)
    .dm_permission(false)
}

/// The engine command for a slash command and its options (given as name → value text).
pub fn to_command(name: &str, opt: impl Fn(&str) -> Option<String>) -> Command {
    let lower = |k: &str| opt(k).map(|v| v.trim().to_lowercase()).filter(|v| !v.is_empty());
    let args = |keys: &[&str]| {
        keys.iter()
            .filter_map(|k| opt(k).map(|v| v.trim().to_string()))
            .filter(|v| !v.is_empty())
            .flat_map(|v| v.split_whitespace().map(str::to_string).collect::<Vec<_>>())
            .collect::<Vec<_>>()
    };
    match name {
        "meeting" => Command::Meeting { meeting: lower("meeting") },
        "mission" => Command::Mission,
        "campaign" => Command::Campaign { campaign: lower("campaign") },
        "coyuntura" => Command::Briefing { briefing: lower("briefing") },
        "signup" => Command::SignUp { campaign: lower("campaign"), action: lower("action") },
        "withdraw" => Command::Withdraw { campaign: lower("campaign"), action: lower("action") },
        "mysignups" => Command::MySignUps,
        "forgetme" => Command::ForgetMe { confirmed: opt("confirm").as_deref() == Some("true") },
        "help" => Command::Help,
        "signups" => Command::Roster { campaign: lower("campaign") },
        "export" => Command::Export { campaign: lower("campaign") },
        "cancel" => Command::Cancel { args: args(&["meeting", "date"]) },
        "uncancel" => Command::Uncancel { args: args(&["meeting", "date"]) },
        "move" => Command::Move { args: args(&["meeting", "date", "to"]) },
        "addmeeting" => Command::AddMeeting { args: args(&["date", "time", "length", "zone", "title"]) },
        "remind" => {
            let text = format!(
                "remind {} {} {}",
                lower("what").unwrap_or_default(),
                lower("meeting").unwrap_or_default(),
                lower("language").unwrap_or_default()
            );
            Command::parse(&text)
        }
        other => Command::Unknown { word: other.chars().take(40).collect(), suggestion: None },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_engine_command_has_a_slash_command() {
        let registered: Vec<String> =
            all().iter().map(|c| serde_json::to_value(c).unwrap()["name"].as_str().unwrap().to_string()).collect();
        for name in crate::engine::NAMES {
            assert!(registered.contains(&name.to_string()), "{name} is not registered");
        }
    }

    #[test]
    fn options_map_to_engine_commands() {
        let opts = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
        };
        assert_eq!(
            to_command("signup", opts(&[("campaign", "Jilamito"), ("action", "petition")])),
            Command::SignUp { campaign: Some("jilamito".into()), action: Some("petition".into()) }
        );
        assert_eq!(
            to_command("move", opts(&[("date", "2027-01-04"), ("to", "2027-01-11 18:00")])),
            Command::Move { args: vec!["2027-01-04".into(), "2027-01-11".into(), "18:00".into()] }
        );
        assert_eq!(
            to_command(
                "addmeeting",
                opts(&[("date", "2027-01-20"), ("time", "18:00"), ("title", "Teach-in on Honduras")])
            ),
            Command::AddMeeting {
                args: vec!["2027-01-20".into(), "18:00".into(), "Teach-in".into(), "on".into(), "Honduras".into()]
            }
        );
        assert!(matches!(to_command("remind", opts(&[("what", "here"), ("language", "es")])), Command::Remind { .. }));
        assert!(matches!(to_command("dance", opts(&[])), Command::Unknown { .. }));
    }
}
