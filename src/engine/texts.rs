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

/// `one` for a count of 1, otherwise `many` with `{n}` filled: both languages put the
/// singular at exactly 1 ("0 sign-ups", "0 inscripciones").
pub fn count(n: usize, one: fn(Locale) -> &'static str, many: fn(Locale) -> &'static str, locale: Locale) -> String {
    if n == 1 { one(locale).to_string() } else { fill(many(locale), &[("n", &n.to_string())]) }
}

/// A count for a public reply: the number from `floor` up, "a few" below it (and above 0),
/// so that a small count names nobody.
pub fn public_count(n: i64, floor: u32, locale: Locale) -> String {
    if n < i64::from(floor) { a_few(locale).to_string() } else { n.to_string() }
}

/// Characters that mean something in Discord's or CommonMark's Markdown (or start a mention).
const MARKDOWN_SPECIAL: &str = "\\`*_~|><#[]()@!:-+=";

/// `text` (a name someone chose) escaped for the Markdown replies are written in, so it shows
/// as written: `**x**` stays asterisks, `[a](b)` is no link, `<b>` no tag, and `@everyone`
/// or `<@id>` no mention.
pub fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.push(' ');
            continue;
        }
        if crate::engine::command::is_invisible(c) {
            continue;
        }
        if MARKDOWN_SPECIAL.contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
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
    help_reactions => "What you sign up for, answer or go to is private: send it in your direct room with me, like `{cmd}`. A ✅ reaction signs you up only on campaigns whose organizers chose that, and everyone in the room sees a reaction.", "A qué te apuntas, qué respondes y a qué vas es privado: envíalo en tu sala directa conmigo, como `{cmd}`. Una reacción ✅ te apunta solo en las campañas cuyo equipo organizador lo eligió, y todas las personas de la sala ven una reacción.";
    direct_room_link => "Your direct room with me: {link}", "Tu sala directa conmigo: {link}";
    reactions_not_here => "A reaction doesn't sign you up for **{campaign}**, since everyone in the room sees it. Send `{cmd}` here instead.", "Una reacción no te apunta a **{campaign}**, porque todas las personas de la sala la ven. Envía `{cmd}` aquí.";
    react_to_sign_up => "React with ✅ to this message to sign up; remove the reaction to withdraw.", "Reacciona con ✅ a este mensaje para apuntarte; quita la reacción para retirarte.";
    sent_privately => "I sent you the answer in a direct message.", "Te envié la respuesta por mensaje directo.";
    stale_button => "This button is from an older message and no longer works. Type `{cmd}` for a fresh one.", "Este botón es de un mensaje anterior y ya no funciona. Escribe `{cmd}` para ver uno nuevo.";
    help_other_language => "También en español: {cmds}.", "Also in English: {cmds}.";
    unknown_command => "I don't know `{word}`.", "No conozco `{word}`.";
    did_you_mean => "Did you mean `{cmd}`?", "¿Quisiste decir `{cmd}`?";
    unclear_word => "I didn't understand `{word}` in `{cmd}`, so I did nothing.", "No entendí `{word}` en `{cmd}`, así que no hice nada.";
    unclear_missing => "`{cmd}` needs more words, so I did nothing.", "A `{cmd}` le faltan palabras, así que no hice nada.";
    unclear_did_you_mean => "Did you mean `{word}`?", "¿Quisiste decir `{word}`?";
    unclear_choices => "There it takes: {list}.", "Ahí se escribe: {list}.";
    unclear_date => "There it takes a date like 2027-01-04.", "Ahí va una fecha como 2027-01-04.";
    unclear_length => "There it takes a length like 90m or 2h, up to 7 days.", "Ahí va una duración como 90m o 2h, de hasta 7 días.";
    unclear_time => "There it takes a time like 18:00.", "Ahí va una hora como 18:00.";
    unclear_when => "There it takes a new date and time like 2027-01-11 18:00 (or a date alone, or a time alone).", "Ahí va una nueva fecha y hora como 2027-01-11 18:00 (o solo la fecha, o solo la hora).";
    unclear_zone => "There it takes a time zone like America/New_York.", "Ahí va una zona horaria como America/New_York.";
    unclear_title => "It ends with the meeting's title, of up to {max} characters.", "Termina con el título de la reunión, de hasta {max} caracteres.";
    unclear_before_title => "A length, a zone or a time goes before the title (`<date> <time> [length] [zone] <title>`), and the title says none of them.", "La duración, la zona o la hora van antes del título (`<fecha> <hora> [duración] [zona] <título>`), y el título no dice ninguna.";
    unclear_nothing => "It takes nothing more there.", "No lleva nada más ahí.";
    unclear_usage => "How to write it: `{usage}`", "Cómo se escribe: `{usage}`";
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
    this_terminal => "this terminal", "esta terminal";
    state_couldnt => "couldn't", "no pudo";
    in_a_minute => "in 1 minute", "en 1 minuto";
    in_minutes => "in {n} minutes", "en {n} minutos";
    today_at => "today at {time}", "hoy a las {time}";
    tomorrow_at => "tomorrow at {time}", "mañana a las {time}";
    in_an_hour => "in about an hour", "en aproximadamente una hora";
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
    how_to_sign_up => "To sign up privately, send `{cmd}` to me in a direct message; for one action, add its name, like `{example}`. Only organizers see who signed up.", "Para apuntarte en privado, envíame `{cmd}` en un mensaje directo; para una sola acción, agrega su nombre, como `{example}`. Solo el equipo organizador ve quién se apuntó.";
    how_to_sign_up_here => "To sign up, send `{cmd}`; for one action, add its name, like `{example}`. Only organizers see who signed up.", "Para apuntarte, envía `{cmd}`; para una sola acción, agrega su nombre, como `{example}`. Solo el equipo organizador ve quién se apuntó.";
    sign_up => "Sign up", "Apuntarme";
    sign_up_for => "Sign up: {action}", "Apuntarme: {action}";
    withdraw => "Withdraw", "Retirarme";

    briefing_up_to => "Situation up to {date}", "Situación hasta el {date}";
    no_briefings => "There are no briefings yet.", "Todavía no hay análisis de coyuntura.";
    unknown_briefing => "There is no briefing called `{name}`.", "No hay ningún análisis llamado `{name}`.";
    briefings => "Briefings", "Análisis de coyuntura";
    other_briefings => "Earlier briefings: {list}", "Análisis anteriores: {list}";

    help_organizers => "For organizers:", "Para el equipo organizador:";

    counts => "Signed up so far: {list}", "Inscripciones hasta ahora: {list}";
    a_few => "a few", "algunas";
    a_few_going => "a few going", "algunas personas van";
    reminder_counts_few => "A few people have signed up for {campaign}. Join them: `{cmd}`", "Algunas personas se apuntaron a {campaign}. Súmate: `{cmd}`";
    counts_none => "Nobody has signed up yet: be the first!", "Aún no hay inscripciones: ¡sé la primera persona!";
    in_general => "in general", "en general";

    signed_up => "You're signed up for **{campaign}**{action}. Thank you! Only organizers can see it. `{undo}` takes it back.", "Te apuntaste a **{campaign}**{action}. ¡Gracias! Solo el equipo organizador puede verlo. `{undo}` lo deshace.";
    signed_up_again => "Welcome back: you're signed up again for **{campaign}**{action}.", "Bienvenida/o de nuevo: vuelves a estar en **{campaign}**{action}.";
    already_signed_up => "You're already signed up for **{campaign}**{action}; nothing changed.", "Ya estabas en **{campaign}**{action}; no cambió nada.";
    which_campaign => "Which campaign? For example `{cmd}`.", "¿Qué campaña? Por ejemplo `{cmd}`.";
    unknown_action => "**{campaign}** has no action called `{action}`. Its actions: {list}.", "**{campaign}** no tiene ninguna acción llamada `{action}`. Sus acciones: {list}.";
    withdrawn => "Done: you're no longer signed up for **{campaign}**{action}.", "Listo: ya no estás en **{campaign}**{action}.";
    not_signed_up => "You weren't signed up for **{campaign}**{action}.", "No estabas en **{campaign}**{action}.";
    my_signups => "Your sign-ups", "Tus inscripciones";
    my_signups_none => "You haven't signed up for anything yet. See `{cmd}`.", "Todavía no te apuntaste a nada. Mira `{cmd}`.";
    forget_preview => "This erases everything convoca stores about you on {platform}: {what}. To go ahead, type `{cmd}`.", "Esto borra todo lo que convoca guarda sobre ti en {platform}: {what}. Para continuar, escribe `{cmd}`.";
    forget_nothing => "convoca stores nothing about you on {platform}.", "convoca no guarda nada sobre ti en {platform}.";
    forget_done => "Erased: {what}. convoca no longer stores anything about you on {platform}.", "Borrado: {what}. convoca ya no guarda nada sobre ti en {platform}.";
    your_name => "your name", "tu nombre";
    one_signup => "1 sign-up", "1 inscripción";
    n_signups => "{n} sign-ups", "{n} inscripciones";
    one_authored => "your name on 1 organizer record", "tu nombre en 1 registro de organización";
    n_authored => "your name on {n} organizer records", "tu nombre en {n} registros de organización";

    members_only => "Signing up, going and calendar links are for members of {group}: join its server or room first.", "Apuntarse, ir a reuniones y los enlaces de calendario son para integrantes de {group}: únete primero a su servidor o sala.";
    organizers_only_here => "Only organizers can do that: in the terminal, whoever runs convoca is one when it runs with `--organizer` (`convoca ask --organizer \"…\"`).", "Solo el equipo organizador puede hacer eso: en la terminal, quien ejecuta convoca lo es cuando lo ejecuta con `--organizer` (`convoca ask --organizer \"…\"`).";
    organizers_only => "Sorry, only organizers can do that. If you help organize {group}, ask an admin for the organizer role.", "Lo siento, solo el equipo organizador puede hacer eso. Si ayudas a organizar {group}, pide el rol de organización a quien administra.";
    date_out_of_window => "{date} is more than {years} years from today; I only change dates closer than that.", "{date} está a más de {years} años de hoy; solo cambio fechas más cercanas.";
    too_long_meeting => "`{text}` is too long for a meeting; the longest is 7 days.", "`{text}` es demasiado para una reunión; lo más largo son 7 días.";
    not_here => "I'm the bot of {group}. Here I only answer public questions such as `{cmd}`; sign-ups and organizer tools work in the group's own server and rooms, or in a direct message with me.", "Soy el bot de {group}. Aquí solo respondo preguntas públicas como `{cmd}`; las inscripciones y las herramientas de organización funcionan en el servidor y las salas del grupo, o por mensaje directo conmigo.";
    not_in_direct => "Reminders go to the channels and rooms of {group}: use this command there.", "Los recordatorios van a los canales y salas de {group}: usa este comando allí.";
    roster_title => "Sign-ups: {campaign}", "Inscripciones: {campaign}";
    roster_empty => "Nobody has signed up yet.", "Todavía no se apuntó nadie.";
    roster_total => "{signups} from {people}.", "{signups} de {people}.";
    one_person => "1 person", "1 persona";
    n_people => "{n} people", "{n} personas";
    export_ready => "The roster of **{campaign}** as CSV: {rows}.", "La lista de **{campaign}** en CSV: {rows}.";
    one_row => "1 row", "1 fila";
    n_rows => "{n} rows", "{n} filas";

    which_date => "Give the meeting's date, like `{cmd}`.", "Indica la fecha de la reunión, como `{cmd}`.";
    change_beyond => "**{title}** on {date} is further ahead than the calendar goes (up to {last}): nothing changed.", "**{title}** del {date} está más allá de lo que muestra el calendario (hasta el {last}): no cambió nada.";
    move_beyond => "{when} is further ahead than the calendar goes (up to {last}): pick an earlier date.", "{when} está más allá de lo que muestra el calendario (hasta el {last}): elige una fecha anterior.";
    move_no_change => "**{meeting}** already takes place {when}: nothing changed.", "**{meeting}** ya tiene lugar el {when}: no cambió nada.";
    meeting_twin => "**{title}** is already on the calendar for {when} (`{slug}`): nothing added.", "**{title}** ya está en el calendario para el {when} (`{slug}`): no se agregó nada.";
    already_cancelled => "**{meeting}** on {date} is already cancelled. `{undo}` brings it back.", "**{meeting}** del {date} ya está cancelada. `{undo}` la restablece.";
    move_into_past => "{when} has already passed: a meeting can only be moved to a time still ahead.", "{when} ya pasó: una reunión solo puede cambiarse a un momento futuro.";
    move_onto_meeting => "**{meeting}** already meets on {day} (the meeting of {other}). Cancel one of them instead, or pick another day.", "**{meeting}** ya se reúne el {day} (la reunión del {other}). Cancela una de ellas o elige otro día.";
    add_in_past => "{when} has already passed: a meeting can only be added for a time still ahead.", "{when} ya pasó: solo se puede agregar una reunión para un momento futuro.";
    bad_datetime => "`{text}` is not a local date and time like 2026-12-14 18:00.", "`{text}` no es una fecha y hora local como 2026-12-14 18:00.";
    no_such_local_time => "{text} does not exist in {zone}: the clocks skip it.", "{text} no existe en {zone}: los relojes la saltan.";
    not_a_meeting_date => "**{meeting}** does not meet on {date}. Its next dates: {list}.", "**{meeting}** no se reúne el {date}. Sus próximas fechas: {list}.";
    no_meeting_on => "No meeting takes place on {date}. Next dates: {list}.", "Ninguna reunión tiene lugar el {date}. Próximas fechas: {list}.";
    which_meeting => "Which meeting? This group has several: {list}. For example `{cmd}`.", "¿Qué reunión? Este grupo tiene varias: {list}. Por ejemplo `{cmd}`.";
    cancelled => "Cancelled: **{meeting}** on {date}. `{undo}` undoes it.", "Cancelada: **{meeting}** del {date}. `{undo}` lo deshace.";
    uncancelled => "Restored: **{meeting}** on {date} follows the regular schedule again.", "Restaurada: **{meeting}** del {date} vuelve al horario habitual.";
    nothing_to_undo => "**{meeting}** on {date} had no change to undo.", "**{meeting}** del {date} no tenía cambios que deshacer.";
    moved => "Moved: **{meeting}** of {date} now takes place {when}. `{undo}` undoes it.", "Cambiada: **{meeting}** del {date} ahora es el {when}. `{undo}` lo deshace.";
    meeting_added => "Added **{title}** (`{slug}`): {when}. Members see it in `{cmd}`.", "Agregada **{title}** (`{slug}`): {when}. Se ve en `{cmd}`.";
    meeting_exists => "A meeting called `{slug}` already exists.", "Ya existe una reunión llamada `{slug}`.";
    reminder_title => "Reminder: {title}", "Recordatorio: {title}";
    reminder_starts => "Starts {relative}.", "Empieza {relative}.";
    reminder_counts_one => "**1** person has signed up for {campaign}. Join them: `{cmd}`", "**1** persona se apuntó a {campaign}. Súmate: `{cmd}`";
    reminder_counts => "**{n}** people have signed up for {campaign}. Join them: `{cmd}`", "**{n}** personas se apuntaron a {campaign}. Súmate: `{cmd}`";
    reminder_counts_zero => "Sign up for {campaign}: `{cmd}`", "Apúntate a {campaign}: `{cmd}`";
    deadline_title => "Deadline: {action}", "Fecha límite: {action}";
    deadline_body => "**{action}** ({campaign}) is due {when}, {relative}.", "**{action}** ({campaign}) vence el {when}, {relative}.";
    remind_usage => "Use `{here}` to get reminders in this channel, `{off}` to stop them, `{list}` to see them.", "Usa `{here}` para recibir recordatorios en este canal, `{off}` para dejar de recibirlos, `{list}` para verlos.";
    remind_subscribed => "This channel now gets reminders for {what} ({lang}): {leads} before each meeting.", "Este canal ahora recibe recordatorios de {what} ({lang}): {leads} antes de cada reunión.";
    remind_already => "This channel already gets reminders for {what}.", "Este canal ya recibe recordatorios de {what}.";
    remind_off => "This channel no longer gets reminders for {what}.", "Este canal ya no recibe recordatorios de {what}.";
    remind_off_none => "This channel had no reminders to stop for {what}.", "Este canal no tenía recordatorios de {what}.";
    remind_list => "Reminders in this channel", "Recordatorios en este canal";
    remind_list_none => "This channel gets no reminders. An organizer can type `{cmd}`.", "Este canal no recibe recordatorios. Alguien del equipo organizador puede escribir `{cmd}`.";
    remind_everything => "every meeting and campaign deadline", "todas las reuniones y fechas límite";
    remind_from_content => "(set in the content files)", "(definido en los archivos de contenido)";
    remind_from_settings => "(set in the bot's settings)", "(definido en la configuración del bot)";
    remind_off_settings => "Reminders here are set in the bot's settings (CONVOCA_REMINDER_CHANNELS): whoever runs the bot can take this channel out of them.", "Los recordatorios aquí están en la configuración del bot (CONVOCA_REMINDER_CHANNELS): quien administra el bot puede quitar este canal.";
    remind_no_channel => "Reminders go to channels: type this in the channel or room that should get them.", "Los recordatorios van a canales: escribe esto en el canal o sala que debe recibirlos.";
    store_error => "Sorry, I couldn't reach our database just now. Nothing was changed; please try again in a minute.", "Lo siento, no pude acceder a nuestra base de datos. No se cambió nada; inténtalo de nuevo en un minuto.";
    slow_down => "You're sending commands faster than I can answer: please wait a minute before the next one.", "Me estás enviando comandos más rápido de lo que puedo responder: espera un minuto antes del siguiente.";
    store_slow => "Sorry, our database is slow to answer just now. Please try again in a minute: asking twice never counts twice.", "Lo siento, nuestra base de datos tarda en responder. Inténtalo de nuevo en un minuto: pedirlo dos veces nunca cuenta doble.";
    // RSVPs and the messages that go to one person.
    no_meeting_that_day => "**{title}** has no meeting on {date}. Next dates: {next}.", "**{title}** no tiene reunión el {date}. Próximas fechas: {next}.";
    date_cancelled => "**{title}** on {date} is cancelled.", "**{title}** del {date} está cancelada.";
    date_beyond => "**{title}** on {date} is further ahead than the calendar goes: answers are taken up to {last}.", "**{title}** del {date} está más allá de lo que muestra el calendario: se aceptan respuestas hasta el {last}.";
    date_over => "**{title}** on {date} is over.", "**{title}** del {date} ya terminó.";
    rsvp_going => "You're going to {what}. Only the organizers see who is going.", "Vas a {what}. Solo el equipo organizador ve quién va.";
    rsvp_going_already => "You already said you're going to {what}.", "Ya dijiste que vas a {what}.";
    rsvp_reminder_coming => "I'll send you a private message {lead} before.", "Te enviaré un mensaje privado {lead} antes.";
    rsvp_reminders_off => "Your private reminders are off, so none will come (`{cmd}` turns them on).", "Tus avisos privados están desactivados, así que no llegará ninguno (`{cmd}` los activa).";
    rsvp_undo => "Can't make it after all? `{cmd}`", "¿Al final no puedes? `{cmd}`";
    rsvp_not_going => "Thanks for letting us know: you're not going to {what}.", "Gracias por avisar: no vas a {what}.";
    rsvp_not_going_already => "You already said you can't make {what}.", "Ya dijiste que no puedes ir a {what}.";
    rsvp_redo => "Can make it after all? `{cmd}`", "¿Al final sí puedes? `{cmd}`";
    one_going => "1 going", "1 persona va";
    n_going => "{n} going", "{n} personas van";
    going_button => "Going", "Voy";
    not_going_button => "Can't make it", "No puedo ir";
    going_hint => "Going? Tell me privately: send `{cmd}` to me in a direct message. A private reminder comes before it, and only the organizers see who is going.", "¿Vas? Dímelo en privado: envíame `{cmd}` en un mensaje directo. Recibirás un aviso privado antes, y solo el equipo organizador ve quién va.";
    going_hint_here => "Going? Send `{cmd}`: a private reminder comes before it, and only the organizers see who is going.", "¿Vas? Envía `{cmd}`: recibirás un aviso privado antes, y solo el equipo organizador ve quién va.";
    one_day => "1 day", "1 día";
    n_days => "{n} days", "{n} días";
    one_hour => "1 hour", "1 hora";
    n_hours => "{n} hours", "{n} horas";
    n_minutes => "{n} minutes", "{n} minutos";
    one_minute => "1 minute", "1 minuto";
    my_reminders_are_on => "Your private reminders are on: a direct message before the meetings you're going to and the deadlines you signed up for. `{cmd}` turns them off.", "Tus avisos privados están activados: un mensaje directo antes de las reuniones a las que vas y de los plazos de tus acciones. `{cmd}` los desactiva.";
    my_reminders_are_off => "Your private reminders are off. `{cmd}` turns them on.", "Tus avisos privados están desactivados. `{cmd}` los activa.";
    my_reminders_turned_on => "Private reminders are on again: a direct message before the meetings you're going to and the deadlines you signed up for. `{cmd}` turns them off.", "Los avisos privados están activados de nuevo: un mensaje directo antes de las reuniones a las que vas y de los plazos de tus acciones. `{cmd}` los desactiva.";
    my_reminders_turned_off => "Private reminders are off: no more direct messages before meetings or deadlines. `{cmd}` turns them back on.", "Los avisos privados están desactivados: no más mensajes directos antes de reuniones o plazos. `{cmd}` los vuelve a activar.";
    my_reminders_notices_still => "If a meeting you said you're going to is cancelled or moved, you'll still be told.", "Si una reunión a la que dijiste que vas se cancela o cambia de fecha, igual te avisaré.";
    my_calendar => "Your private calendar: {url}\nAdd it to your calendar app by URL (\"subscribe\"): it holds the meetings you're going to and the deadlines you signed up for, and updates by itself.", "Tu calendario privado: {url}\nAgrégalo a tu aplicación de calendario por URL (\"suscribirse\"): tiene las reuniones a las que vas y los plazos de tus acciones, y se actualiza solo.";
    my_calendar_reset => "Your new private calendar: {url}\nThe old link no longer works; subscribe to this one instead.", "Tu nuevo calendario privado: {url}\nEl enlace anterior ya no funciona; suscríbete a este.";
    my_calendar_private => "Anyone with this link sees what's in it: keep it to yourself. `{cmd}` makes a new one and stops the old.", "Quien tenga este enlace ve lo que contiene: guárdalo para ti. `{cmd}` crea uno nuevo y anula el anterior.";
    my_calendar_no_url => "Private calendar links need the bot's public address, which isn't set: whoever runs the bot sets CONVOCA_PUBLIC_URL (see the README).", "Los enlaces de calendario privado necesitan la dirección pública del bot, que no está configurada: quien administra el bot define CONVOCA_PUBLIC_URL (ver el README).";
    attendees_title => "Who is going", "Quién va";
    attendees_none => "Nobody has answered yet.", "Nadie ha respondido todavía.";
    attendees_going => "Going ({n})", "Van ({n})";
    attendees_not => "Can't make it ({n})", "No pueden ({n})";
    attendees_per_account => "Counted per chat account: one person who answered on two platforms counts twice.", "Contado por cuenta de chat: una persona que respondió en dos plataformas cuenta dos veces.";
    attendees_export => "{rows} for {what}, attached.", "{rows} de {what}, en el archivo adjunto.";
    one_rsvp => "1 answer to a meeting", "1 respuesta a una reunión";
    n_rsvps => "{n} answers to meetings", "{n} respuestas a reuniones";
    one_personal => "1 private message or calendar link on record", "1 mensaje privado o enlace de calendario registrado";
    n_personal => "{n} private messages or calendar links on record", "{n} mensajes privados o enlaces de calendario registrados";
    personal_going => "You said you're going. Can't make it after all? `{cmd}`", "Dijiste que vas. ¿Al final no puedes? `{cmd}`";
    personal_signed_up => "You signed up for this.", "Te apuntaste a esto.";
    personal_stop => "Private reminders from convoca: `{cmd}` stops them.", "Avisos privados de convoca: `{cmd}` los detiene.";
    notice_cancelled_title => "Cancelled: {title}", "Cancelada: {title}";
    notice_cancelled => "**{title}** on {date} is cancelled. You had said you're going: nothing else to do.", "**{title}** del {date} está cancelada. Habías dicho que ibas: no hace falta hacer nada más.";
    notice_moved_title => "Moved: {title}", "Cambio de fecha: {title}";
    notice_moved => "**{title}** has moved to {when} (it was {was}). You're still down as going.", "**{title}** cambió a {when} (era {was}). Sigues anotado como que vas.";
    remindme_which => "Your own private reminders: `{mine}`. This channel's reminders (organizers): `{channel}`.", "Tus propios avisos privados: `{mine}`. Los recordatorios de este canal (organización): `{channel}`.";
    notice_moved_undo => "Can't make the new time? `{cmd}`", "¿No puedes a la nueva hora? `{cmd}`";

    // Follow-ups: did you do it?
    follow_up_title => "Did you do it?", "¿Lo hiciste?";
    follow_up => "You signed up for **{action}** ({campaign}). Did you do it? Your answer helps organizers plan; only they see it.", "Te apuntaste a **{action}** ({campaign}). ¿Lo hiciste? Tu respuesta ayuda al equipo organizador a planificar; solo lo ve el equipo.";
    follow_up_words => "Answer here with {done}, {not_yet} or {couldnt} (or react ✅, ⏳ or ❌ to this message).", "Responde aquí con {done}, {not_yet} o {couldnt} (o reacciona ✅, ⏳ o ❌ a este mensaje).";
    follow_up_typed => "Answer with `{done}`, `{not_yet}` or `{couldnt}`.", "Responde con `{done}`, `{not_yet}` o `{couldnt}`.";
    outcome_done => "Done", "Hecho";
    outcome_not_yet => "Not yet", "Todavía no";
    outcome_couldnt => "Couldn't", "No pude";
    done_thanks => "Thank you! Noted: you did **{action}** ({campaign}).", "¡Gracias! Anotado: hiciste **{action}** ({campaign}).";
    done_next => "Ready for the next step? **{next}** ({campaign}): `{cmd}`", "¿Lista/o para el siguiente paso? **{next}** ({campaign}): `{cmd}`";
    not_yet_noted => "Noted: not yet, for **{action}** ({campaign}). When it's done, tell me: `{cmd}`", "Anotado: todavía no, para **{action}** ({campaign}). Cuando esté hecho, avísame: `{cmd}`";
    couldnt_noted => "Thanks for telling us: noted that you couldn't do **{action}** ({campaign}). That's fine; there will be other ways to help.", "Gracias por avisar: anotado que no pudiste hacer **{action}** ({campaign}). Está bien; habrá otras formas de ayudar.";
    report_same => "Already noted for **{action}** ({campaign}): {state}.", "Ya estaba anotado para **{action}** ({campaign}): {state}.";
    report_waitlisted => "You're on the waitlist for **{action}** ({campaign}): nothing to report until you have a place.", "Estás en la lista de espera de **{action}** ({campaign}): nada que contar hasta que tengas un lugar.";
    report_no_place => "**{action}** ({campaign}) has a limited number of places, and you don't have one. Sign up first: `{cmd}`", "**{action}** ({campaign}) tiene lugares limitados y no tienes uno. Apúntate primero: `{cmd}`";
    report_not_signed_up => "You're not signed up for **{action}** ({campaign}), so I noted nothing. `{cmd}` signs you up.", "No estás inscrita/o en **{action}** ({campaign}), así que no anoté nada. `{cmd}` te inscribe.";
    report_which => "Which action do you mean? Say `{cmd}`.", "¿Qué acción? Escribe `{cmd}`.";
    report_yours => "Yours: {list}", "Las tuyas: {list}";

    // Places and waitlists.
    waitlisted_one => "The only place for **{campaign}**{action} is taken: you're on the waitlist, number **{position}**. If it frees up, I'll offer it to you in a private message. `{undo}` takes you off the list.", "El único lugar de **{campaign}**{action} está ocupado: estás en la lista de espera, número **{position}**. Si se libera, te lo ofreceré en un mensaje privado. `{undo}` te saca de la lista.";
    waitlisted => "All {capacity} places for **{campaign}**{action} are taken: you're on the waitlist, number **{position}**. If a place frees up, I'll offer it to you in a private message. `{undo}` takes you off the list.", "Los {capacity} lugares de **{campaign}**{action} están ocupados: estás en la lista de espera, número **{position}**. Si se libera un lugar, te lo ofreceré en un mensaje privado. `{undo}` te saca de la lista.";
    still_waitlisted => "You're already on the waitlist for **{campaign}**{action}, number **{position}**.", "Ya estás en la lista de espera de **{campaign}**{action}, número **{position}**.";
    offer_title => "A place is free for you", "Hay un lugar para ti";
    offer => "A place opened up in **{action}** ({campaign}), and you're first on the waitlist. It's yours if you accept by {until}; after that it goes to the next person.", "Se liberó un lugar en **{action}** ({campaign}) y eres la primera persona en la lista de espera. Es tuyo si lo aceptas antes de {until}; después pasa a la siguiente persona.";
    offer_words => "Answer here with {accept} or {decline}.", "Responde aquí con {accept} o {decline}.";
    offer_typed => "Answer with `{accept}` or `{decline}`.", "Responde con `{accept}` o `{decline}`.";
    accept_button => "Accept", "Acepto";
    decline_button => "Decline", "Rechazo";
    offer_accepted => "The place is yours: you're signed up for **{action}** ({campaign}). Thank you!", "El lugar es tuyo: estás en **{action}** ({campaign}). ¡Gracias!";
    offer_declined => "Thanks for telling us: the place goes to the next person waiting, and you're off the waitlist for **{action}** ({campaign}).", "Gracias por avisar: el lugar pasa a la siguiente persona y sales de la lista de espera de **{action}** ({campaign}).";
    offer_expired => "Sorry: this offer for **{action}** ({campaign}) expired and the place went to the next person. `{cmd}` puts you back on the waitlist.", "Lo siento: esta oferta para **{action}** ({campaign}) venció y el lugar pasó a la siguiente persona. `{cmd}` te vuelve a poner en la lista de espera.";
    offer_taken_already => "You accepted this place already: you're signed up for **{action}** ({campaign}).", "Ya aceptaste este lugar: estás en **{action}** ({campaign}).";
    offer_declined_already => "You declined this place already.", "Ya rechazaste este lugar.";
    offer_none => "No place is offered to you right now.", "Ahora no tienes ningún lugar ofrecido.";
    offer_which => "Accept or decline? Say `{accept}` or `{decline}`.", "¿Aceptas o rechazas? Escribe `{accept}` o `{decline}`.";

    // Progress, for organizers and (counts only) for everyone.
    state_no_answer => "no answer", "sin respuesta";
    state_waitlisted => "waitlisted", "en espera";
    progress_summary => "{signed_up} signed up · {done} done · {not_yet} not yet · {couldnt} couldn't · {none} no answer", "inscripciones: {signed_up} · hecho: {done} · todavía no: {not_yet} · no pudieron: {couldnt} · sin respuesta: {none}";
    progress_waiting => " · {n} waitlisted", " · {n} en espera";
    places_taken => "{taken} of {capacity} places", "{taken} de {capacity} lugares";
    places_full => "full", "completo";
    places_left => "places left", "quedan lugares";
    places_taken_one => "{taken} of 1 place", "{taken} de 1 lugar";

}

// Several groups from one deployment: the organization's list, and which group a direct chat
// answers for.
texts! {
    groups_title => "Our groups", "Nuestros grupos";
    groups_of => "The groups of {org}", "Los grupos de {org}";
    groups_next => "Next meeting: {when}", "Próxima reunión: {when}";
    groups_no_meeting => "No meeting on the calendar yet", "Todavía no hay reuniones en el calendario";
    groups_join => "How to join: {how}", "Cómo sumarse: {how}";
    groups_write_to => "write to {who}", "escribe a {who}";
    group_is => "This direct chat answers for **{group}**.", "Este chat directo responde para **{group}**.";
    group_yours => "Your groups: {list}. Choose the one this chat answers for with `{cmd}`.",
        "Tus grupos: {list}. Elige para cuál responde este chat con `{cmd}`.";
    group_chosen => "From now on this direct chat answers for **{group}**.",
        "Desde ahora este chat directo responde para **{group}**.";
    group_unknown => "No group is called `{name}`. The groups: {list}.", "Ningún grupo se llama `{name}`. Los grupos: {list}.";
    group_not_yours => "You're not a member of {group}'s home, so this chat can't answer for it. Your groups: {list}.",
        "No eres miembro del espacio de {group}, así que este chat no puede responder para ese grupo. Tus grupos: {list}.";
    group_choose_first => "You're in several groups ({list}). Say which one this chat answers for with `{cmd}`, then ask again.",
        "Estás en varios grupos ({list}). Di para cuál responde este chat con `{cmd}` y vuelve a preguntar.";
    group_none => "You're not in any group's home yet. `{cmd}` lists the groups and how to join.",
        "Todavía no estás en el espacio de ningún grupo. `{cmd}` muestra los grupos y cómo sumarse.";
    group_here => "Here the bot answers for **{group}**, whose home this is. In your direct chat with the bot, `{cmd}` chooses among your groups.",
        "Aquí el bot responde para **{group}**, cuyo espacio es este. En tu chat directo con el bot, `{cmd}` elige entre tus grupos.";
    ask_in_group => "That is asked in your group's own channel or room (or your direct chat with the bot). `{cmd}` lists the groups.",
        "Eso se pregunta en el canal o sala de tu grupo (o en tu chat directo con el bot). `{cmd}` muestra los grupos.";
    ask_with_group => "The terminal speaks for the organization: name the group with `--group NAME` (the groups: {list}).",
        "La terminal habla por la organización: nombra el grupo con `--group NOMBRE` (los grupos: {list}).";
    org_counts_title => "{campaign} across the groups", "{campaign} en todos los grupos";
    org_counts_none => "No group has a campaign called `{campaign}`.", "Ningún grupo tiene una campaña llamada `{campaign}`.";
    org_counts_line => "**{group}**: {people} signed up, {done} did it", "**{group}**: {people} inscritas, {done} lo hicieron";
    org_counts_note => "Counts only: each group's organizers see its names, in its own home.",
        "Solo cifras: los nombres los ven quienes organizan cada grupo, en su propio espacio.";
    org_meetings_title => "Next meetings of every group", "Próximas reuniones de cada grupo";
}

// The organizers' dashboard: the link `/dashboard` sends, and the pages of its door in a
// browser (the HTTP server's; no JavaScript, so every word is here).
texts! {
    dashboard_link => "Your link to the dashboard of {group}: {url}\nOpen it in your browser: it works once, within {minutes} minutes. `{cmd}` gives a new one.",
        "Tu enlace al panel de {group}: {url}\nÁbrelo en tu navegador: funciona una sola vez, dentro de {minutes} minutos. `{cmd}` te da uno nuevo.";
    dashboard_link_private => "Keep it to yourself: whoever opens it first sees the group's rosters as you do.",
        "No lo compartas: quien lo abra primero ve las listas del grupo como tú.";
    dashboard_no_url => "The dashboard needs the bot's public address, which isn't set: whoever runs the bot sets CONVOCA_PUBLIC_URL (see the README).",
        "El panel necesita la dirección pública del bot, que no está configurada: quien administra el bot define CONVOCA_PUBLIC_URL (ver el README).";
    one_dashboard => "1 dashboard link or session", "1 enlace o sesión del panel";
    n_dashboard => "{n} dashboard links or sessions", "{n} enlaces o sesiones del panel";
    dashboard_open_title => "Open the dashboard of {group}", "Abrir el panel de {group}";
    dashboard_open_lead => "This link opens the organizers' dashboard of {group} in this browser. It works once: after you open it, this browser stays signed in for up to {hours} hours.",
        "Este enlace abre el panel de organización de {group} en este navegador. Funciona una sola vez: después de abrirlo, este navegador queda con la sesión iniciada hasta {hours} horas.";
    dashboard_open_button => "Open the dashboard", "Abrir el panel";
    dashboard_link_gone_title => "This link no longer works", "Este enlace ya no funciona";
    dashboard_link_gone => "A dashboard link works once, for a few minutes. Ask the bot for a new one: `/{word}` in your group's chat (`!{word}` on Matrix).",
        "Un enlace al panel funciona una sola vez, por unos minutos. Pide uno nuevo al bot: `/{word}` en el chat de tu grupo (`!{word}` en Matrix).";
    dashboard_sign_out => "Sign out", "Cerrar sesión";
    dashboard_closed_title => "No dashboard here", "Aquí no hay panel";
    dashboard_closed => "This browser has no open dashboard session: it was never opened here, it ended after {hours} hours, you signed out, or you no longer organize the group. Ask the bot for a new link: `/{word}` in your group's chat (`!{word}` on Matrix).",
        "Este navegador no tiene una sesión del panel abierta: nunca se abrió aquí, terminó a las {hours} horas, cerraste la sesión o ya no organizas el grupo. Pide un enlace nuevo al bot: `/{word}` en el chat de tu grupo (`!{word}` en Matrix).";
    dashboard_unsure_title => "Try again in a few minutes", "Vuelve a intentarlo en unos minutos";
    dashboard_unsure => "Your standing in {group} can't be checked with the chat platform right now, so the dashboard stays closed until it can. Nothing was lost.",
        "Ahora no se puede comprobar con la plataforma de chat tu rol en {group}, así que el panel queda cerrado hasta que se pueda. No se perdió nada.";
    dashboard_signed_out => "You're signed out. Ask the bot for a new link to open the dashboard again.",
        "Cerraste la sesión. Pide al bot un enlace nuevo para volver a abrir el panel.";
    dashboard_elsewhere => "This request came from another site, so nothing was opened. Open the link you got from the bot directly.",
        "Esta solicitud vino de otro sitio, así que no se abrió nada. Abre directamente el enlace que te dio el bot.";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_every_placeholder() {
        assert_eq!(fill(unknown_command(Locale::Es), &[("word", "/x")]), "No conozco `/x`.");
        assert_eq!(fill("{a}{a}{b}", &[("a", "1"), ("b", "2")]), "112");
    }

    #[test]
    fn counts_agree_with_their_number() {
        assert_eq!(count(1, one_signup, n_signups, Locale::En), "1 sign-up");
        assert_eq!(count(0, one_signup, n_signups, Locale::En), "0 sign-ups");
        assert_eq!(count(2, one_signup, n_signups, Locale::Es), "2 inscripciones");
        assert_eq!(count(1, one_person, n_people, Locale::Es), "1 persona");
        assert_eq!(
            fill(
                roster_total(Locale::En),
                &[
                    ("signups", &count(3, one_signup, n_signups, Locale::En)),
                    ("people", &count(1, one_person, n_people, Locale::En))
                ]
            ),
            "3 sign-ups from 1 person."
        );
    }
}
