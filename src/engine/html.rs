//! A [`Reply`] as HTML: Matrix's formatted body, email's HTML part. Markdown from content is
//! rendered with raw HTML shown as text, never passed through.

use pulldown_cmark::{Event as Md, Options, Parser, Tag, TagEnd, html};

use super::reply::{Block, Reply};

/// Escapes text for HTML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// Markdown to HTML. Raw HTML inside the Markdown is shown as text, not passed through; a
/// link leads only to `http`, `https` or `mailto` (any other keeps its words, unlinked); an
/// image is its description (a page loads nothing from elsewhere).
pub fn markdown(text: &str) -> String {
    let mut unlinked = 0usize;
    let parser = Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH).filter_map(move |e| match e {
        Md::Html(h) | Md::InlineHtml(h) => Some(Md::Text(h)),
        Md::Start(Tag::Link { ref dest_url, .. }) if !safe_link(dest_url) => {
            unlinked += 1;
            None
        }
        Md::End(TagEnd::Link) if unlinked > 0 => {
            unlinked -= 1;
            None
        }
        Md::Start(Tag::Image { .. }) | Md::End(TagEnd::Image) => None,
        other => Some(other),
    });
    let mut out = String::new();
    html::push_html(&mut out, parser);
    out.trim_end().to_string()
}

/// Whether a link may be followed from a page or message: the web and e-mail only.
fn safe_link(url: &str) -> bool {
    let url = url.trim_start().to_ascii_lowercase();
    ["https://", "http://", "mailto:"].iter().any(|scheme| url.starts_with(scheme))
}

/// A link, its address and label escaped.
pub fn link(url: &str, label: &str) -> String {
    format!("<a href=\"{}\">{}</a>", escape(url), escape(label))
}

/// `<p>x</p>` → `x`, for Markdown inside a list item or a field.
fn strip_p(html: &str) -> String {
    let t = html.trim();
    match t.strip_prefix("<p>").and_then(|t| t.strip_suffix("</p>")) {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => t.to_string(),
    }
}

impl Reply {
    /// The whole reply as HTML, `add_to_calendar` labelling calendar links. Buttons that
    /// cannot be pressed are explained with the typed commands; a platform that takes words
    /// rewrites [`Block::Unpressed`] before asking.
    pub fn html(&self, add_to_calendar: &str) -> String {
        let reply = self;
        let mut h = String::new();
        if let Some(title) = &reply.title {
            match &reply.url {
                Some(url) => h.push_str(&format!("<h4>{}</h4>", link(url, title))),
                None => h.push_str(&format!("<h4>{}</h4>", escape(title))),
            }
        }
        let mut notes = Vec::new();
        for block in &reply.blocks {
            match block {
                Block::Text(t) => h.push_str(&markdown(t)),
                Block::Field { label, value } => {
                    h.push_str(&format!("<p><b>{}</b>: {}</p>", escape(label), strip_p(&markdown(value))))
                }
                Block::List { label, items } => {
                    if !label.is_empty() {
                        h.push_str(&format!("<p><b>{}</b></p>", escape(label)));
                    }
                    h.push_str("<ul>");
                    for item in items {
                        h.push_str(&format!("<li>{}</li>", strip_p(&markdown(item))));
                    }
                    h.push_str("</ul>");
                }
                Block::Event(e) => {
                    h.push_str(&format!(
                        "<p><b>{}</b><br>{} ({})",
                        escape(&e.title),
                        escape(&e.when),
                        escape(&e.relative)
                    ));
                    if let Some(yours) = &e.your_time {
                        h.push_str(&format!("<br>{}", escape(yours)));
                    }
                    if let Some(place) = &e.place {
                        h.push_str(&format!("<br>{}", escape(place)));
                    }
                    if let Some(url) = &e.link {
                        h.push_str(&format!("<br>{}", link(url, url)));
                    }
                    if let Some(note) = &e.note {
                        h.push_str(&format!("<br><i>{}</i>", escape(note)));
                    }
                    if let Some(cal) = &e.calendar {
                        h.push_str(&format!("<br>{}", link(cal, add_to_calendar)));
                    }
                    h.push_str("</p>");
                }
                Block::Note(n) => notes.push(n),
                Block::Unpressed { typed, .. } => notes.push(typed),
                // A link only a platform with direct rooms can give (it rewrites the block).
                Block::DirectChat => {}
            }
        }
        for n in notes {
            h.push_str(&format!("<p><i>{}</i></p>", strip_p(&markdown(n))));
        }
        h
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_in_markdown_is_shown_not_run() {
        let html = markdown("Hello <script>alert(1)</script> **world**");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(html.contains("<strong>world</strong>"), "{html}");
    }

    #[test]
    fn links_lead_only_to_the_web_and_mail_and_images_load_nothing() {
        let html = markdown(
            "[petition](https://example.org/p) [x](javascript:alert(1)) [y]( JAVASCRIPT:alert(2)) \
             <data:text/html,hi> [write](mailto:a@b.org) ![tracker](https://evil.example/t.gif)",
        );
        assert!(html.contains("<a href=\"https://example.org/p\">petition</a>"), "{html}");
        assert!(html.contains("<a href=\"mailto:a@b.org\">write</a>"), "{html}");
        assert!(!html.to_ascii_lowercase().contains("javascript:alert"), "{html}");
        assert!(!html.contains("href=\"data:"), "{html}");
        assert!(html.contains(" x ") && html.contains(" y "), "the words stay: {html}");
        assert!(!html.contains("<img") && html.contains("tracker"), "{html}");
    }

    #[test]
    fn replies_have_both_bodies() {
        let reply = Reply::public().titled("Title & more").text("Some *text*");
        let (plain, html) = (reply.plain_text(), reply.html("Add"));
        assert_eq!(plain, "Title & more\n\nSome *text*");
        assert_eq!(html, "<h4>Title &amp; more</h4><p>Some <em>text</em></p>");
    }
}
