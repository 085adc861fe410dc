//! Sign-ups by reaction (a ✅ on a campaign message, on Matrix): the same sign-up as the
//! command, remembered so that removing the reaction withdraws exactly that sign-up and
//! not the member's other sign-ups for the same campaign.

use chrono::{DateTime, Utc};

use super::texts::{self, fill};
use super::{Command, Engine, Reply, Request, Tone};
use crate::chat::User;
use crate::locale::Locale;

impl Engine {
    /// Answers a sign-up made by the reaction `reaction_id` (`req` holds the
    /// [`Command::SignUp`] it stands for), and remembers the reaction when it signed up.
    pub async fn sign_up_by_reaction(&self, req: &Request, reaction_id: &str) -> Reply {
        let reply = self.handle(req).await;
        if let (Tone::Done, Command::SignUp { campaign: Some(campaign), .. }) = (reply.tone, &req.command)
            && let Err(e) = self.store().remember_reaction(reaction_id, &req.user, campaign, "", req.now).await
        {
            tracing::warn!(error = %e, "reaction sign-up not remembered; removing it will not withdraw");
        }
        reply
    }

    /// `user` removed the reaction `reaction_id`: withdraws what it signed up for. `None`
    /// when that changes nothing: no sign-up reaction, someone else's reaction (a moderator
    /// removing it does not withdraw the member), or a sign-up already withdrawn.
    pub async fn reaction_removed(
        &self,
        user: &User,
        reaction_id: &str,
        locale: Locale,
        now: DateTime<Utc>,
    ) -> Option<Reply> {
        let reacted = match self.store().take_reaction(user.platform, reaction_id).await {
            Ok(found) => found?,
            Err(e) => {
                tracing::warn!(error = %e, "cannot look up a removed reaction");
                return None;
            }
        };
        if reacted.user_id != user.id {
            return None;
        }
        let withdrawn = match self.store().withdraw(user, &reacted.campaign, Some(&reacted.action), now).await {
            Ok(n) => n,
            Err(e) => {
                tracing::warn!(error = %e, "could not withdraw after a removed reaction");
                return None;
            }
        };
        if withdrawn == 0 {
            return None;
        }
        self.signups_changed();
        let content = self.content().current();
        let title = content.campaign(&reacted.campaign).map_or(reacted.campaign.as_str(), |c| c.title.get(locale));
        let text = fill(texts::withdrawn(locale), &[("campaign", title), ("action", "")]);
        Some(Reply::private().tone(Tone::Done).text(text))
    }
}
