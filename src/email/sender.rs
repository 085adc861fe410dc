//! Reminders to mailing lists, once each through the scheduler's ledger. SMTP cannot be asked
//! afterwards what it took, so a failure says what is known: nothing handed over
//! ([`SendError::NotSent`], which the ledger keeps, so the next attempt sends without
//! doubt, even in another process or after a restart), or the outcome unknown (the
//! connection lost after the whole message went out). An attempt the ledger says may have
//! gone out is never sent again: it is recorded as possibly sent.

use futures_util::future::BoxFuture;

use super::smtp::{Failure, Smtp};
use crate::reminders::{Found, Post, SendError, Sender, To};

/// Posts reminders to `mail:` channels through one SMTP server.
pub struct EmailSender {
    smtp: Smtp,
}

impl EmailSender {
    /// A sender through `smtp`.
    pub fn new(smtp: Smtp) -> EmailSender {
        EmailSender { smtp }
    }

    async fn post(&self, post: &Post) -> Result<(), SendError> {
        let To::Channel(list) = &post.to else {
            return Err(SendError::Permanent("email has no direct messages".into()));
        };
        let now = chrono::Utc::now();
        let message = super::message::build(&post.reply, &post.key, &self.smtp.from, list, post.locale, now)
            .map_err(SendError::Permanent)?;
        match self.smtp.submit(message.envelope(), &message.formatted()).await {
            Ok(()) => Ok(()),
            Err(Failure::Retry(why)) => Err(SendError::NotSent(why)),
            Err(Failure::Refused(why)) => Err(SendError::Permanent(why)),
            Err(Failure::Unknown(why)) => {
                tracing::warn!(server = %self.smtp.server(), "a reminder's mail may or may not have been accepted: {why}");
                Err(SendError::Transient(why))
            }
        }
    }
}

impl Sender for EmailSender {
    fn send<'a>(&'a self, post: &'a Post) -> BoxFuture<'a, Result<(), SendError>> {
        Box::pin(self.post(post))
    }

    /// Asked only when an earlier attempt may have gone out: a mail server cannot be asked,
    /// so it is taken as sent rather than risk a second mail to the whole list.
    fn find<'a>(&'a self, _post: &'a Post) -> BoxFuture<'a, Result<Found, SendError>> {
        Box::pin(async {
            Ok(Found::CannotTell(
                "an earlier attempt may have reached the mail server, which cannot be asked; not sent again".into(),
            ))
        })
    }

    /// Two connections at a time: mail providers limit concurrent submissions.
    fn at_once(&self) -> usize {
        2
    }
}
