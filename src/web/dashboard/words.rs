//! The dashboard's own words, in both languages.

use crate::locale::Locale;

/// The words around the numbers.
pub struct Words {
    /// "Dashboard".
    pub dashboard: &'static str,
    /// "Organizers only: read-only".
    pub private: &'static str,
    /// "Campaigns".
    pub campaigns: &'static str,
    /// "Where it stands".
    pub standing: &'static str,
    /// "Meetings".
    pub meetings: &'static str,
    /// "Action".
    pub action: &'static str,
    /// "All actions".
    pub all_actions: &'static str,
    /// "Signed up".
    pub signed_up: &'static str,
    /// "Done".
    pub done: &'static str,
    /// "Not yet".
    pub not_yet: &'static str,
    /// "Couldn't".
    pub couldnt: &'static str,
    /// "No answer".
    pub no_answer: &'static str,
    /// "Waitlisted".
    pub waitlisted: &'static str,
    /// "Over time".
    pub over_time: &'static str,
    /// "Week of" / "Date".
    pub date: &'static str,
    /// "Who signed up".
    pub roster: &'static str,
    /// "Name".
    pub name: &'static str,
    /// "Platform".
    pub platform: &'static str,
    /// "Signed up on".
    pub when: &'static str,
    /// "Said".
    pub said: &'static str,
    /// "Download (CSV, as /export)".
    pub csv: &'static str,
    /// "Download (CSV, as /attendees … csv)".
    pub csv_attendees: &'static str,
    /// "In general" (a sign-up for the campaign, no action named).
    pub in_general: &'static str,
    /// "Going, date by date".
    pub going_by_date: &'static str,
    /// "Going".
    pub going: &'static str,
    /// "Not going".
    pub not_going: &'static str,
    /// "Keeps coming".
    pub keeps_coming: &'static str,
    /// "Stopped coming".
    pub stopped: &'static str,
    /// "Next date".
    pub next_date: &'static str,
    /// "Who answered for it".
    pub attendees: &'static str,
    /// "Nobody yet."
    pub nobody: &'static str,
    /// "Back to the dashboard".
    pub back: &'static str,
    /// "Sign out".
    pub sign_out: &'static str,
    /// "Answers over the past months".
    pub past_months: &'static str,
    /// "of" in "1–100 of 5,000".
    pub of: &'static str,
    /// "Earlier sign-ups".
    pub previous: &'static str,
    /// "Later sign-ups".
    pub next: &'static str,
}

const EN: Words = Words {
    dashboard: "Dashboard",
    private: "For organizers only. Read-only: changes are made in chat.",
    campaigns: "Campaigns",
    standing: "Where it stands",
    meetings: "Meetings",
    action: "Action",
    all_actions: "All actions",
    signed_up: "Signed up",
    done: "Done",
    not_yet: "Not yet",
    couldnt: "Couldn't",
    no_answer: "No answer",
    waitlisted: "Waitlisted",
    over_time: "Over time",
    date: "Date",
    roster: "Who signed up",
    name: "Name",
    platform: "Platform",
    when: "Signed up on",
    said: "Said",
    csv: "Download (CSV, the same as /export)",
    csv_attendees: "Download (CSV, the same as /attendees … csv)",
    in_general: "In general",
    going_by_date: "Going, date by date",
    going: "Going",
    not_going: "Not going",
    keeps_coming: "Keeps coming",
    stopped: "Stopped coming",
    next_date: "Next date",
    attendees: "Who answered for it",
    nobody: "Nobody yet.",
    back: "Back to the dashboard",
    sign_out: "Sign out",
    past_months: "Answers over the past six months",
    of: "of",
    previous: "Previous page",
    next: "Next page",
};

const ES: Words = Words {
    dashboard: "Panel",
    private: "Solo para el equipo organizador. Solo lectura: los cambios se hacen en el chat.",
    campaigns: "Campañas",
    standing: "Cómo va",
    meetings: "Reuniones",
    action: "Acción",
    all_actions: "Todas las acciones",
    signed_up: "Se apuntaron",
    done: "Lo hicieron",
    not_yet: "Todavía no",
    couldnt: "No pudieron",
    no_answer: "Sin respuesta",
    waitlisted: "En lista de espera",
    over_time: "A lo largo del tiempo",
    date: "Fecha",
    roster: "Quién se apuntó",
    name: "Nombre",
    platform: "Plataforma",
    when: "Se apuntó el",
    said: "Dijo",
    csv: "Descargar (CSV, igual que /export)",
    csv_attendees: "Descargar (CSV, igual que /asistentes … csv)",
    in_general: "En general",
    going_by_date: "Asistencia, fecha por fecha",
    going: "Va",
    not_going: "No va",
    keeps_coming: "Sigue viniendo",
    stopped: "Dejó de venir",
    next_date: "Próxima fecha",
    attendees: "Quién respondió",
    nobody: "Nadie todavía.",
    back: "Volver al panel",
    sign_out: "Cerrar sesión",
    past_months: "Respuestas de los últimos seis meses",
    of: "de",
    previous: "Página anterior",
    next: "Página siguiente",
};

/// The dashboard's words in `locale`.
pub fn words(locale: Locale) -> &'static Words {
    match locale {
        Locale::En => &EN,
        Locale::Es => &ES,
    }
}
