//! Reminders to mailing lists, once each through the scheduler's ledger. SMTP cannot be asked
//! afterwards what it took, so the sender remembers, for this process, the reminders whose
//! earlier attempt surely handed nothing over: only those are sent again. Any other earlier
//! attempt (one whose answer never came, or one from before a restart) may have gone out, and
//! is recorded as such instead of being sent twice.

use std::collections::HashSet;
use std::sync::Mutex;

use futures_util::future::BoxFuture;

use super::smtp::{Failure, Smtp};
use crate::reminders::{Found, Post, SendError, Sender, To};

/// Posts reminders to `mail:` channels through one SMTP server.
pub struct EmailSender {
    smtp: Smtp,
    /// Keys whose last attempt in this process surely handed nothing over.
    not_sent: Mutex<HashSet<String>>,
}

impl EmailSender {
    /// A sender through `smtp`.
    pub fn new(smtp: Smtp) -> EmailSender {
        EmailSender { smtp, not_sent: Mutex::new(HashSet::new()) }
    }

    fn not_sent(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        self.not_sent.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn post(&self, post: &Post) -> Result<(), SendError> {
        let To::Channel(list) = &post.to else {
            return Err(SendError::Permanent("email has no direct messages".into()));
        };
        // Only what this attempt learns counts: an attempt cut off midway (the scheduler's
        // bound) must leave no "surely not sent" behind from an earlier one.
        self.not_sent().remove(&post.key);
        let message =
            super::message::build(&post.reply, &post.key, &self.smtp.from, list, post.locale, chrono::Utc::now())
                .map_err(SendError::Permanent)?;
        let outcome = self.smtp.submit(message.envelope(), &message.formatted()).await;
        match outcome {
            Ok(()) => {
                self.not_sent().remove(&post.key);
                Ok(())
            }
            Err(Failure::Retry(why)) => {
                self.not_sent().insert(post.key.clone());
                Err(SendError::Transient(why))
            }
            Err(Failure::Refused(why)) => {
                self.not_sent().insert(post.key.clone());
                Err(SendError::Permanent(why))
            }
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

    /// What SMTP allows: an earlier attempt known in this process to have handed nothing over
    /// is sent again; any other may have gone out.
    fn find<'a>(&'a self, post: &'a Post) -> BoxFuture<'a, Result<Found, SendError>> {
        Box::pin(async move {
            if self.not_sent().contains(&post.key) {
                Ok(Found::NotPosted)
            } else {
                Ok(Found::CannotTell(
                    "an earlier attempt may have reached the mail server, which cannot be asked; not sent again".into(),
                ))
            }
        })
    }

    /// Two connections at a time: mail providers limit concurrent submissions.
    fn at_once(&self) -> usize {
        2
    }
}
