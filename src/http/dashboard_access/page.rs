//! The door's own pages: a heading, a sentence or two and at most one button, in the
//! reader's language, with no JavaScript, nothing fetched from elsewhere and nothing a
//! browser or proxy should keep.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::locale::Locale;

/// A form on a page: one button that posts to `action` (`None`: to the page's own address,
/// so a link's token is not written into the page again).
pub(super) struct Button<'a> {
    /// Where it posts.
    pub action: Option<&'a str>,
    /// What it says.
    pub label: &'a str,
}

/// A whole page: `title` as its heading, `lines` as paragraphs (texts with `code` between
/// backticks, as the bot's replies write commands), then the button if any.
pub(super) fn page(status: StatusCode, l: Locale, title: &str, lines: &[&str], button: Option<Button<'_>>) -> Response {
    let mut body = String::with_capacity(1024);
    body.push_str("<!doctype html>\n<html lang=\"");
    body.push_str(l.tag());
    body.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n");
    body.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    body.push_str("<meta name=\"robots\" content=\"noindex, nofollow\">\n<title>");
    body.push_str(&escape(title));
    body.push_str("</title>\n<style>");
    body.push_str(STYLE);
    body.push_str("</style>\n</head>\n<body>\n<main>\n<h1>");
    body.push_str(&escape(title));
    body.push_str("</h1>\n");
    for line in lines {
        body.push_str("<p>");
        body.push_str(&with_code(line));
        body.push_str("</p>\n");
    }
    if let Some(b) = button {
        body.push_str("<form method=\"post\"");
        if let Some(action) = b.action {
            body.push_str(" action=\"");
            body.push_str(&escape(action));
            body.push('"');
        }
        body.push_str("><button type=\"submit\">");
        body.push_str(&escape(b.label));
        body.push_str("</button></form>\n");
    }
    body.push_str("</main>\n</body>\n</html>\n");
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

/// Readable on a phone and in high contrast, inline: the door fetches nothing.
const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;padding:1.5rem;line-height:1.5;color:#111;\
background:#fff}main{max-width:36rem;margin:auto}h1{font-size:1.4rem}code{background:#eee;padding:0 .2em}\
button{font-size:1.1rem;padding:.6rem 1.2rem;border:2px solid #114;border-radius:.3rem;background:#124;color:#fff;\
cursor:pointer}button:focus{outline:3px solid #e80;outline-offset:2px}";

/// `text` safe inside HTML text and attribute values.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// `text` escaped, with each `command` between backticks shown as code.
fn with_code(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str("<code>");
            out.push_str(&escape(part));
            out.push_str("</code>");
        } else {
            out.push_str(&escape(part));
        }
    }
    out
}

/// The language a browser asks for first among those convoca speaks (`Accept-Language`,
/// by its weights), when it asks for one of them: as the public pages read it.
pub(super) fn accepted_language(headers: &HeaderMap) -> Option<Locale> {
    crate::web::language::asked(headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_commands_are_written_as_text_never_as_markup() {
        assert_eq!(escape("<b>\"Sur\" & 'Norte'</b>"), "&lt;b&gt;&quot;Sur&quot; &amp; &#39;Norte&#39;&lt;/b&gt;");
        assert_eq!(with_code("Ask `/dashboard` <now>"), "Ask <code>/dashboard</code> &lt;now&gt;");
    }

    #[test]
    fn the_browser_s_first_language_among_ours_is_taken() {
        let asked = |value: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::ACCEPT_LANGUAGE, value.parse().unwrap());
            accepted_language(&h)
        };
        assert_eq!(asked("es-419,es;q=0.9,en;q=0.8"), Some(Locale::Es));
        assert_eq!(asked("fr-FR, en;q=0.5, es;q=0.7"), Some(Locale::Es));
        assert_eq!(asked("de, fr"), None);
        assert_eq!(asked("en-GB"), Some(Locale::En));
        assert_eq!(asked("es;q=0"), None);
        assert_eq!(accepted_language(&HeaderMap::new()), None);
    }
}
