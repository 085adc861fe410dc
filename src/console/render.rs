//! A [`Reply`] for a terminal: its plain text, marked when private so whoever runs the
//! terminal knows what members would not see, with the title underlined.

use crate::engine::{Reply, Visibility};

/// Renders a reply for the terminal.
pub fn render(reply: &Reply) -> String {
    let mut out = String::new();
    if reply.visibility == Visibility::Private {
        out.push_str(if reply.title.is_some() { "[private] " } else { "[private]\n" });
    }
    let body = reply.plain_body();
    if let Some(title) = &reply.title {
        out.push_str(title);
        out.push('\n');
        out.push_str(&"=".repeat(title.chars().count().min(72)));
        if !body.is_empty() {
            out.push_str("\n\n");
        }
    }
    out.push_str(&body);
    out.trim_end().to_string()
}
