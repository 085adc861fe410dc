//! The public page's own words, in both languages. Everything else on the page is the
//! group's content, in the language the organizers wrote it.

use crate::locale::Locale;

/// The words around the content.
pub struct Words {
    /// The language's name in itself, for the switch ("English", "Español").
    pub language_name: &'static str,
    /// "Read this page in".
    pub read_in: &'static str,
    /// "Our mission".
    pub mission: &'static str,
    /// "Upcoming meetings".
    pub meetings: &'static str,
    /// "No meetings are scheduled."
    pub no_meetings: &'static str,
    /// "Cancelled".
    pub cancelled: &'static str,
    /// "Add to calendar".
    pub add_to_calendar: &'static str,
    /// "Calendar file (.ics)".
    pub ics: &'static str,
    /// "Campaigns".
    pub campaigns: &'static str,
    /// "Until".
    pub until: &'static str,
    /// "By".
    pub deadline: &'static str,
    /// "Take action".
    pub take_action: &'static str,
    /// "Read more".
    pub read_more: &'static str,
    /// "Progress".
    pub progress: &'static str,
    /// "Action".
    pub action: &'static str,
    /// "signed up".
    pub signed_up: &'static str,
    /// "did it".
    pub done: &'static str,
    /// "a few".
    pub a_few: &'static str,
    /// "Latest briefing".
    pub briefing: &'static str,
    /// "How to join".
    pub join: &'static str,
    /// "Contact".
    pub contact: &'static str,
    /// "Our website".
    pub website: &'static str,
    /// "Our groups".
    pub groups: &'static str,
    /// "Next meeting".
    pub next_meeting: &'static str,
    /// "Data for developers (JSON)".
    pub json: &'static str,
    /// "There is no public page here."
    pub not_public: &'static str,
}

const EN: Words = Words {
    language_name: "English",
    read_in: "Read this page in",
    mission: "Our mission",
    meetings: "Upcoming meetings",
    no_meetings: "No meetings are scheduled.",
    cancelled: "Cancelled",
    add_to_calendar: "Add to calendar",
    ics: "Calendar file (.ics)",
    campaigns: "Campaigns",
    until: "Until",
    deadline: "By",
    take_action: "Take action",
    read_more: "Read more",
    progress: "Progress",
    action: "Action",
    signed_up: "signed up",
    done: "did it",
    a_few: "a few",
    briefing: "Latest briefing",
    join: "How to join",
    contact: "Contact",
    website: "Our website",
    groups: "Our groups",
    next_meeting: "Next meeting",
    json: "Data for developers (JSON)",
    not_public: "There is no public page here.",
};

const ES: Words = Words {
    language_name: "Español",
    read_in: "Leer esta página en",
    mission: "Nuestra misión",
    meetings: "Próximas reuniones",
    no_meetings: "No hay reuniones programadas.",
    cancelled: "Cancelada",
    add_to_calendar: "Añadir al calendario",
    ics: "Archivo de calendario (.ics)",
    campaigns: "Campañas",
    until: "Hasta",
    deadline: "Antes del",
    take_action: "Actúa",
    read_more: "Leer más",
    progress: "Avance",
    action: "Acción",
    signed_up: "se apuntaron",
    done: "lo hicieron",
    a_few: "algunas",
    briefing: "Coyuntura más reciente",
    join: "Cómo unirte",
    contact: "Contacto",
    website: "Nuestro sitio web",
    groups: "Nuestros grupos",
    next_meeting: "Próxima reunión",
    json: "Datos para desarrolladores (JSON)",
    not_public: "Aquí no hay una página pública.",
};

/// The page's words in `locale`.
pub fn words(locale: Locale) -> &'static Words {
    match locale {
        Locale::En => &EN,
        Locale::Es => &ES,
    }
}
