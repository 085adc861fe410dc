//! A [`Reply`] as a Matrix message: a plain-text body that reads well on its own, and an HTML
//! body for clients that show it.

use crate::engine::{Block, Reply};

/// The plain body and the HTML body of a reply.
pub fn render(reply: &Reply, add_to_calendar: &str) -> (String, String) {
    let reply = in_words(reply);
    (reply.plain_text(), reply.html(add_to_calendar))
}

/// The reply with its unpressable buttons explained as Matrix takes answers: a word sent back
/// in the direct room where one answers, else the typed command.
fn in_words(reply: &Reply) -> Reply {
    let mut reply = reply.clone();
    for block in &mut reply.blocks {
        if let Block::Unpressed { words, typed } = block {
            *block = Block::Note(words.take().unwrap_or_else(|| std::mem::take(typed)));
        }
    }
    reply
}
