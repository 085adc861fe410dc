//! A [`Reply`] as plain text: what the terminal prints and what Matrix sends as the body
//! beside its HTML. Markdown is left as written (it reads well as text), except for the
//! backslash escapes that keep names literal.

use super::reply::{Block, Button, Reply};

/// Markdown's backslash escapes (which keep names literal in Markdown) taken out again for
/// plain text: `\*` is shown as `*`.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(&next) = chars.peek()
            && next.is_ascii_punctuation()
        {
            out.push(next);
            chars.next();
            continue;
        }
        out.push(c);
    }
    out
}

impl Reply {
    /// The whole reply as plain text: the title on a line of its own, then the body.
    pub fn plain_text(&self) -> String {
        let body = self.plain_body();
        match &self.title {
            Some(title) if body.is_empty() => title.clone(),
            Some(title) => format!("{title}\n\n{body}"),
            None => body,
        }
    }

    /// The body without the title: paragraphs separated by a blank line, notes after the
    /// text, then links and the attached file.
    pub fn plain_body(&self) -> String {
        let mut out = String::new();
        let mut notes = Vec::new();
        for block in &self.blocks {
            match block {
                Block::Text(text) => para(&mut out, text),
                Block::Field { label, value } => {
                    if value.contains('\n') || value.len() > 60 {
                        para(&mut out, &format!("{label}:\n{value}"));
                    } else {
                        para(&mut out, &format!("{label}: {value}"));
                    }
                }
                Block::List { label, items } => {
                    let mut text = if label.is_empty() { String::new() } else { format!("{label}:\n") };
                    for item in items {
                        text.push_str(&format!("  • {}\n", unescape(item)));
                    }
                    para(&mut out, &text);
                }
                Block::Event(e) => {
                    let mut text = format!("{}\n  {} ({})", e.title, e.when, e.relative);
                    if let Some(yours) = &e.your_time {
                        text.push_str(&format!("\n  = {yours}"));
                    }
                    if let Some(place) = &e.place {
                        text.push_str(&format!("\n  @ {place}"));
                    }
                    if let Some(link) = &e.link {
                        text.push_str(&format!("\n  {link}"));
                    }
                    if let Some(note) = &e.note {
                        text.push_str(&format!("\n  {note}"));
                    }
                    if let Some(cal) = &e.calendar {
                        text.push_str(&format!("\n  + {cal}"));
                    }
                    para(&mut out, &text);
                }
                Block::Note(note) => notes.push(note.as_str()),
                Block::Unpressed { typed, .. } => notes.push(typed.as_str()),
                Block::DirectChat => {}
            }
        }
        for note in notes {
            para(&mut out, &format!("({note})"));
        }
        // Sign-up buttons have no terminal equivalent beyond the typed command the reply
        // already explains; links are worth printing.
        let hints: Vec<String> = self
            .buttons
            .iter()
            .filter_map(|b| match b {
                Button::Link { label, url } => Some(format!("[{label}: {url}]")),
                Button::SignUp { .. }
                | Button::Withdraw { .. }
                | Button::Rsvp { .. }
                | Button::Answer { .. }
                | Button::Offer { .. } => None,
            })
            .collect();
        if !hints.is_empty() {
            para(&mut out, &hints.join(" "));
        }
        if let Some(file) = &self.attachment {
            para(&mut out, &format!("--- {} ---\n{}", file.filename, String::from_utf8_lossy(&file.data)));
        }
        out.trim_end().to_string()
    }
}

fn para(out: &mut String, text: &str) {
    let text = text.trim_end();
    if text.is_empty() {
        return;
    }
    if !out.is_empty() && !out.ends_with("\n\n") {
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out.push('\n');
    }
    out.push_str(text);
    out.push('\n');
}
