//! Every sentence the engine says, in English and Spanish side by side.
//!
//! Placeholders are `{name}` and are filled with [`fill`]. Keeping all texts in one file
//! lets a translator review the Spanish without reading any logic.

use crate::locale::Locale;

macro_rules! texts {
    ($($name:ident => $en:literal, $es:literal;)*) => {
        $(
            #[doc = concat!("\"", $en, "\"")]
            pub fn $name(locale: Locale) -> &'static str {
                match locale {
                    Locale::En => $en,
                    Locale::Es => $es,
                }
            }
        )*
    };
}

/// Replaces each `{key}` in `template` by its value.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (key, value) in values {
        out = out.replace(&format!("{{{key}}}"), value);
    }
    out
}

texts! {
    help_intro => "What I can do:", "Lo que puedo hacer:";
    help_meeting => "the next meetings, where, and how to add them to your calendar", "las próximas reuniones, dónde y cómo agregarlas a tu calendario";
    help_mission => "who we are and what we work on", "quiénes somos y en qué trabajamos";
    help_campaign => "our campaigns; add a name to see one", "nuestras campañas; agrega un nombre para ver una";
    help_coyuntura => "the latest situation briefing", "el análisis de coyuntura más reciente";
    help_help => "this list", "esta lista";
    help_other_language => "También en español: {cmds}.", "Also in English: {cmds}.";
    unknown_command => "I don't know `{word}`.", "No conozco `{word}`.";
    did_you_mean => "Did you mean `{cmd}`?", "¿Quisiste decir `{cmd}`?";
    too_long => "That message is too long for me ({kb} KB; I read up to 4 KB). Send a short command such as `{cmd}`.", "Ese mensaje es demasiado largo para mí ({kb} KB; leo hasta 4 KB). Envía un comando corto como `{cmd}`.";

    history => "History", "Historia";
    get_involved => "Get involved", "Participa";
    website => "Website", "Sitio web";
    contact => "Contact", "Contacto";

    next_meeting => "Next meeting", "Próxima reunión";
    after_that => "After that", "Después";
    no_meetings => "No meetings are scheduled right now.", "No hay reuniones programadas por ahora.";
    unknown_meeting => "There is no meeting called `{name}`.", "No hay ninguna reunión llamada `{name}`.";
    meetings => "Meetings", "Reuniones";
    cancelled_on => "The meeting of {date} is cancelled.", "La reunión del {date} está cancelada.";
    moved_from => "Moved from {date}.", "Cambiada del {date}.";
    add_to_calendar => "Add to calendar", "Agregar al calendario";
    your_time => "Your time", "Tu hora";
    happening_now => "happening now", "en curso";
    in_minutes => "in {n} minutes", "en {n} minutos";
    in_an_hour => "in about an hour", "en alrededor de una hora";
    in_hours => "in {n} hours", "en {n} horas";
    tomorrow => "tomorrow", "mañana";
    in_days => "in {n} days", "en {n} días";
    when => "When", "Cuándo";
    place => "Where", "Dónde";
    join_link => "Link", "Enlace";

    campaigns_title => "Our campaigns", "Nuestras campañas";
    campaigns_hint => "Type `{cmd}` to see one.", "Escribe `{cmd}` para ver una.";
    name_placeholder => "<name>", "<nombre>";
    no_campaigns => "There are no campaigns yet.", "Todavía no hay campañas.";
    unknown_campaign => "There is no campaign called `{name}`.", "No hay ninguna campaña llamada `{name}`.";
    partners => "With", "Con";
    actions => "What you can do", "Qué puedes hacer";
    deadline => "by {date}", "hasta el {date}";
    learn_more => "Learn more", "Más información";
    how_to_sign_up => "To sign up, type `{cmd}`; for one action, add its name, like `{example}`. Only organizers see who signed up.", "Para apuntarte, escribe `{cmd}`; para una sola acción, agrega su nombre, como `{example}`. Solo el equipo organizador ve quién se apuntó.";
    sign_up => "Sign up", "Apuntarme";
    sign_up_for => "Sign up: {action}", "Apuntarme: {action}";

    briefing_up_to => "Situation up to {date}", "Situación hasta el {date}";
    no_briefings => "There are no briefings yet.", "Todavía no hay análisis de coyuntura.";
    unknown_briefing => "There is no briefing called `{name}`.", "No hay ningún análisis llamado `{name}`.";
    briefings => "Briefings", "Análisis de coyuntura";
    other_briefings => "Earlier briefings: {list}", "Análisis anteriores: {list}";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_every_placeholder() {
        assert_eq!(fill(unknown_command(Locale::Es), &[("word", "/x")]), "No conozco `/x`.");
        assert_eq!(fill("{a}{a}{b}", &[("a", "1"), ("b", "2")]), "112");
    }
}
