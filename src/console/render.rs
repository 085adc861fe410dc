//! A [`Reply`] for a terminal: its plain text, marked when private so whoever runs the
//! terminal knows what members would not see, with the title underlined; and, as it is
//! printed, Markdown's strong words shown bold (or plain), never as asterisks.

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

/// Markdown's `**strong**` as a terminal shows it: bold where standard output is a terminal
/// that takes colors (not with `NO_COLOR`), else the words alone. Never the asterisks.
pub fn emphasis(text: &str, bold: bool) -> String {
    let parts: Vec<&str> = text.split("**").collect();
    // An odd number of markers: one is a literal pair of asterisks; leave the text be.
    if parts.len().is_multiple_of(2) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for (i, part) in parts.iter().enumerate() {
        let strong = i % 2 == 1;
        if strong && bold {
            out.push_str("\x1b[1m");
        }
        out.push_str(part);
        if strong && bold {
            out.push_str("\x1b[0m");
        }
    }
    out
}

/// Whether standard output shows bold.
pub fn bold_here() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::emphasis;

    #[test]
    fn strong_words_lose_their_asterisks_and_are_bold_on_a_terminal() {
        assert_eq!(emphasis("**After that**, the rest", false), "After that, the rest");
        assert_eq!(emphasis("**A** and **B**", true), "\x1b[1mA\x1b[0m and \x1b[1mB\x1b[0m");
        assert_eq!(emphasis("2 ** 3", false), "2 ** 3", "a lone pair is left as written");
    }
}
