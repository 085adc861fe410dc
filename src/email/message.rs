//! A reminder as a mail to a list: plain text and HTML alternatives of the same reply, the
//! meeting's `.ics` when it is about one, a footer that leaves unsubscribing to the list's own
//! (its software adds the link and `List-Unsubscribe`), and a Message-ID made from the
//! reminder's key, so every attempt at one reminder is the same message to the server and to
//! readers' mail programs.

use chrono::{DateTime, Utc};
use lettre::Message;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use sha2::{Digest, Sha256};

use crate::engine::{Block, Reply};
use crate::locale::Locale;

/// The Message-ID of the reminder with `key`, in the sender's domain.
pub fn message_id(key: &str, domain: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    format!("<{}@{domain}>", &hex::encode(digest)[..40])
}

/// The mail for `reply` to `list`, from `from`, in `locale`, written `now`; a meeting's
/// `.ics` names it in the group's `calendar` domain.
pub fn build(
    reply: &Reply,
    key: &str,
    from: &Mailbox,
    list: &str,
    (locale, calendar): (Locale, &str),
    now: DateTime<Utc>,
) -> Result<Message, String> {
    let to: Mailbox = list.parse().map_err(|e| format!("`{list}` is not a mail address: {e}"))?;
    let domain = from.email.domain();
    let subject = reply.title.clone().unwrap_or_else(|| first_line(&reply.plain_text()));
    let text = format!("{}\n\n-- \n{}\n", reply.plain_text(), footer(locale));
    let html = format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body>{body}\
         <hr><p style=\"color:#555;font-size:small\">{footer}</p></body></html>",
        lang = locale.tag(),
        title = crate::engine::html::escape(&subject),
        body = reply.html(add_to_calendar(locale)),
        footer = crate::engine::html::escape(footer(locale)),
    );
    let body = MultiPart::alternative_plain_html(text, html);
    let event = reply.blocks.iter().find_map(|b| match b {
        Block::Event(e) => Some(e),
        _ => None,
    });
    let builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(subject)
        .date(now.into())
        .message_id(Some(message_id(key, domain)))
        .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("Auto-Submitted"), "auto-generated".into()))
        .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("Content-Language"), locale.tag().into()));
    let message = match event {
        Some(event) => {
            let ics = super::ics::calendar(event, calendar, now);
            let kind = ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH").map_err(|e| e.to_string())?;
            let attachment: SinglePart = Attachment::new(calendar_name(&event.title)).body(ics, kind);
            builder.multipart(MultiPart::mixed().multipart(body).singlepart(attachment))
        }
        None => builder.multipart(body),
    };
    message.map_err(|e| e.to_string())
}

/// The reply's first line, for a subject when it has no title.
fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().chars().take(120).collect()
}

/// `monthly-meeting.ics` from the meeting's title, made as a slug is (`reunion-mensual.ics`).
fn calendar_name(title: &str) -> String {
    let slug = crate::engine::answers::schedule::slug_of(title);
    format!("{}.ics", slug.as_deref().unwrap_or("meeting"))
}

/// Why the mail came, and where to stop it: the list's own way.
fn footer(locale: Locale) -> &'static str {
    match locale {
        Locale::En => {
            "An automatic reminder from the group's chat bot (convoca), sent to this list; the commands in it are \
             for the group's chat. To stop receiving the list's mail, use the list's unsubscribe link or address."
        }
        Locale::Es => {
            "Un recordatorio automático del bot de chat del grupo (convoca), enviado a esta lista; los comandos que \
             menciona son para el chat del grupo. Para dejar de recibir el correo de la lista, usa el enlace o la \
             dirección de baja de la lista."
        }
    }
}

/// The label of calendar links.
fn add_to_calendar(locale: Locale) -> &'static str {
    match locale {
        Locale::En => "Add to calendar",
        Locale::Es => "Añadir al calendario",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_key_one_message_id() {
        assert_eq!(message_id("k1", "example.org"), message_id("k1", "example.org"));
        assert_ne!(message_id("k1", "example.org"), message_id("k2", "example.org"));
        assert!(message_id("k1", "example.org").ends_with("@example.org>"));
    }

    #[test]
    fn calendar_names_are_plain() {
        assert_eq!(calendar_name("LA/CWG monthly meeting"), "la-cwg-monthly-meeting.ics");
        assert_eq!(calendar_name("Reunión mensual"), "reunion-mensual.ics");
        assert_eq!(calendar_name("¡!"), "meeting.ics");
    }
}
