//! The slash commands convoca registers, made from the engine's command declarations: each
//! in English with Spanish (`es-ES`, `es-419`) names and descriptions, typed options, and
//! autocomplete of campaign and meeting names. Organizer commands are registered for
//! everyone and checked when used (the organizer role, Administrator or the owner).

use serenity::all::{CommandOptionType, CreateCommand, CreateCommandOption, InstallationContext, InteractionContext};

use crate::engine::{Audience, Opt, OptionKind, Spec, catalog};

const SPANISH: [&str; 2] = ["es-ES", "es-419"];

/// Every command, as registered in each of the group's home servers. Organizer commands are
/// shown to everyone (a permission default would hide them from the organizer role) and
/// refused politely to anyone who is not an organizer; they are not offered in DMs here.
pub fn all() -> Vec<CreateCommand> {
    catalog::ALL
        .iter()
        .map(|spec| match spec.audience {
            Audience::Organizer => command(spec).dm_permission(false),
            Audience::Public | Audience::Member => command(spec),
        })
        .collect()
}

/// The commands of the bot's direct messages, registered globally but only for the bot's DMs
/// (interaction context `BOT_DM`), so they show in no server at all: a server that is not
/// the group's gets no commands from convoca. Organizer commands are there for organizers of
/// the home (checked against the home server when used); `remind` is not, a DM being no
/// channel for reminders.
pub fn direct() -> Vec<CreateCommand> {
    catalog::ALL
        .iter()
        .filter(|spec| spec.in_direct)
        .map(|spec| {
            command(spec).contexts(vec![InteractionContext::BotDm]).integration_types(vec![InstallationContext::Guild])
        })
        .collect()
}

fn command(spec: &Spec) -> CreateCommand {
    let mut c = CreateCommand::new(spec.name.0).description(spec.about.0);
    for locale in SPANISH {
        c = c.name_localized(locale, spec.name.1).description_localized(locale, spec.about.1);
    }
    spec.options.iter().fold(c, |c, o| c.add_option(option(o)))
}

fn option(o: &Opt) -> CreateCommandOption {
    let kind = match o.kind {
        OptionKind::Text => CommandOptionType::String,
        OptionKind::Flag => CommandOptionType::Boolean,
    };
    let mut out = CreateCommandOption::new(kind, o.name.0, o.about.0).required(o.required);
    for locale in SPANISH {
        out = out.name_localized(locale, o.name.1).description_localized(locale, o.about.1);
    }
    if o.suggest.is_some() {
        out = out.set_autocomplete(true);
    }
    if let Some(n) = o.min_length {
        out = out.min_length(n);
    }
    if let Some(n) = o.max_length {
        out = out.max_length(n);
    }
    for choice in o.choices {
        let es = choice.label.1;
        out = out.add_string_choice_localized(choice.label.0, choice.value, SPANISH.map(|l| (l, es)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Command;

    #[test]
    fn every_declared_command_registers_with_its_spanish_name_and_options() {
        let json = |cs: Vec<CreateCommand>| cs.iter().map(|c| serde_json::to_value(c).unwrap()).collect::<Vec<_>>();
        let (home, direct) = (json(all()), json(direct()));
        for spec in catalog::ALL {
            let found = home.iter().find(|c| c["name"] == spec.name.0);
            let c = found.unwrap_or_else(|| panic!("{spec:?} is not registered"));
            assert_eq!(c["name_localizations"]["es-419"], spec.name.1);
            assert_eq!(c["description_localizations"]["es-ES"], spec.about.1);
            let options: Vec<&str> =
                c["options"].as_array().unwrap().iter().map(|o| o["name"].as_str().unwrap()).collect();
            assert_eq!(options, spec.options.iter().map(|o| o.name.0).collect::<Vec<_>>(), "{spec:?}");
            assert_eq!(c["dm_permission"] == false, spec.audience == Audience::Organizer, "{spec:?}");
            assert_eq!(direct.iter().any(|c| c["name"] == spec.name.0), spec.in_direct, "{spec:?}");
        }
        assert_eq!(home.len(), catalog::ALL.len());
    }

    #[test]
    fn options_map_to_engine_commands() {
        let opts = |pairs: &[(&str, &str)]| pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
        assert_eq!(
            Command::from_options("signup", opts(&[("campaign", "Jilamito"), ("action", "petition")])),
            Command::SignUp { campaign: Some("jilamito".into()), action: Some("petition".into()) }
        );
        assert_eq!(
            Command::from_options("move", opts(&[("date", "2027-01-04"), ("to", "2027-01-11 18:00")])),
            Command::parse("/move 2027-01-04 2027-01-11 18:00")
        );
        assert_eq!(
            Command::from_options(
                "addmeeting",
                opts(&[("date", "2027-01-20"), ("time", "18:00"), ("title", "Teach-in on Honduras")])
            ),
            Command::parse("/addmeeting 2027-01-20 18:00 Teach-in on Honduras")
        );
        assert!(matches!(Command::parse("/move 2027-01-04 2027-01-11 18:00"), Command::Move { to: Some(_), .. }));
        assert!(matches!(
            Command::from_options("remind", opts(&[("what", "here"), ("language", "es")])),
            Command::Remind { .. }
        ));
        assert!(matches!(Command::from_options("dance", opts(&[])), Command::Unknown { .. }));
    }
}
