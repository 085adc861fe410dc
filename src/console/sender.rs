//! Reminders printed in the terminal: what `convoca run` does with `console:` channels when
//! no chat platform is configured.

use futures_util::future::BoxFuture;

use crate::reminders::{Post, SendError, Sender};

/// Prints each reminder with the channel it was for.
#[derive(Clone, Copy, Debug, Default)]
pub struct ConsoleSender;

impl Sender for ConsoleSender {
    fn send<'a>(&'a self, post: &'a Post) -> BoxFuture<'a, Result<(), SendError>> {
        Box::pin(async move {
            println!("\n[reminder → console:{}]\n{}\n", post.channel, super::render(&post.reply));
            Ok(())
        })
    }
}
