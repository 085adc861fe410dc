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
    /// Until when a login the server refused is not tried again: each reminder retrying on
    /// its own would try the password every half minute, enough for a provider to lock the
    /// account.
    refused_until: std::sync::Mutex<Option<std::time::Instant>>,
}

/// How long after a refused login no other is tried.
const AFTER_REFUSAL: std::time::Duration = std::time::Duration::from_secs(10 * 60);

impl EmailSender {
    /// A sender through `smtp`, for every group of the deployment.
    pub fn new(smtp: Smtp) -> EmailSender {
        EmailSender { smtp, refused_until: std::sync::Mutex::new(None) }
    }

    /// Logs in and out once (at start), so a wrong password is said at once; a refusal holds
    /// the next logins back as a send's would.
    pub async fn check_login(&self) {
        match self.smtp.check_login().await {
            Ok(()) => {}
            Err(Failure::LoginRefused(why)) => self.refused(&why),
            Err(other) => tracing::warn!(
                "email: {other}; reminders to lists wait until the server answers (`convoca doctor` checks the settings)"
            ),
        }
    }

    /// The server refused the login: said, and no other login tried for a while.
    fn refused(&self, why: &str) {
        *self.refused_until.lock().unwrap_or_else(|p| p.into_inner()) = Some(std::time::Instant::now() + AFTER_REFUSAL);
        tracing::error!(server = %self.smtp.server(), "email: {why}; no login tried again for 10 minutes");
    }

    async fn post(&self, post: &Post) -> Result<(), SendError> {
        let To::Channel(list) = &post.to else {
            return Err(SendError::Permanent("email has no direct messages".into()));
        };
        if let Some(until) = *self.refused_until.lock().unwrap_or_else(|p| p.into_inner())
            && std::time::Instant::now() < until
        {
            return Err(SendError::NotSent(format!(
                "{} refused the login a moment ago; not tried again before {} s (check CONVOCA_SMTP_USER and \
                 CONVOCA_SMTP_PASSWORD)",
                self.smtp.server(),
                until.saturating_duration_since(std::time::Instant::now()).as_secs()
            )));
        }
        let now = chrono::Utc::now();
        let calendar = &post.calendar_domain;
        let message =
            super::message::build(&post.reply, &post.key, &self.smtp.from, list, (post.locale, calendar), now)
                .map_err(SendError::Permanent)?;
        match self.smtp.submit(message.envelope(), &message.formatted()).await {
            Ok(()) => Ok(()),
            Err(Failure::Retry(why)) => Err(SendError::NotSent(why)),
            Err(Failure::LoginRefused(why)) => {
                self.refused(&why);
                Err(SendError::NotSent(why))
            }
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
