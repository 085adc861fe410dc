//! Reminders printed in the terminal: what `convoca run` does with `console:` channels when
//! no chat platform is configured.

use futures_util::future::BoxFuture;

use crate::reminders::{Post, SendError, Sender, To};

/// Prints each reminder with the channel it was for.
#[derive(Clone, Copy, Debug, Default)]
pub struct ConsoleSender;

impl Sender for ConsoleSender {
    fn send<'a>(&'a self, post: &'a Post) -> BoxFuture<'a, Result<(), SendError>> {
        Box::pin(async move {
            match &post.to {
                To::Channel(channel) => {
                    super::say(&format!("\n[reminder → console:{channel}]\n{}\n", super::render(&post.reply)))
                }
                To::Person { user, .. } => {
                    super::say(&format!("\n[private message → {user}]\n{}\n", super::render(&post.reply)))
                }
            }
            Ok(())
        })
    }

    /// The terminal is everyone's direct channel.
    fn open_direct<'a>(&'a self, user: &'a str) -> BoxFuture<'a, Result<String, SendError>> {
        Box::pin(async move { Ok(user.to_string()) })
    }
}
