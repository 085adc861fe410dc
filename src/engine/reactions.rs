//! Sign-ups by reaction (a ✅ on a campaign message, on Matrix): the same sign-up as the
//! command, remembered so that removing the reaction withdraws exactly that sign-up and
//! not the member's other sign-ups for the same campaign.

use chrono::{DateTime, Duration, Utc};

use super::texts::{self, fill};
use super::{Command, Engine, Reply, Request, Tone};
use crate::chat::{Platform, User};
use crate::locale::Locale;
use crate::store::{KnownReaction, StoreError};

/// A sign-up reaction found on a message when the bot starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Present {
    /// The reaction's event id.
    pub reaction_id: String,
    /// Who reacted.
    pub user_id: String,
    /// When, by the platform's clock.
    pub at: DateTime<Utc>,
}

/// What changed on one message while the bot was away.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct WhileAway<'a> {
    /// Reactions made while it was away: sign these people up.
    pub added: Vec<&'a Present>,
    /// Reactions remembered but gone: withdraw what they signed up for.
    pub removed: Vec<&'a KnownReaction>,
}

/// How far before the last sign of life a reaction may be and still count as made while the
/// bot was away (it is marked alive once a minute; a reaction it did handle is remembered and
/// so never applied twice).
const SEEN_MARGIN: Duration = Duration::minutes(2);

/// Compares the sign-up reactions `present` on a message with those `known` for it. Only
/// reactions newer than the bot's last sign of life `seen` are added: older ones are
/// history (a member who reacted long ago and later withdrew by command stays withdrawn),
/// and with no sign of life recorded none are.
pub fn while_away<'a>(
    present: &'a [Present],
    known: &'a [KnownReaction],
    seen: Option<DateTime<Utc>>,
) -> WhileAway<'a> {
    let added = match seen {
        Some(seen) => present
            .iter()
            .filter(|p| p.at > seen - SEEN_MARGIN && !known.iter().any(|k| k.reaction_id == p.reaction_id))
            .collect(),
        None => Vec::new(),
    };
    let removed = known.iter().filter(|k| !present.iter().any(|p| p.reaction_id == k.reaction_id)).collect();
    WhileAway { added, removed }
}

impl Engine {
    /// Answers a sign-up made by the reaction `reaction_id` on `message_id` (`req` holds the
    /// [`Command::SignUp`] it stands for), and remembers the reaction when the person is signed
    /// up after it: newly, or already (a ✅ again after a moderator removed the first one), so
    /// that taking this one back withdraws.
    pub async fn sign_up_by_reaction(&self, req: &Request, reaction_id: &str, message_id: &str) -> Reply {
        let reply = self.handle(req).await;
        let signed = matches!(reply.tone, Tone::Done | Tone::Info);
        if let (true, Command::SignUp { campaign: Some(campaign), .. }) = (signed, &req.command)
            && let Err(e) =
                self.store().remember_reaction(reaction_id, message_id, &req.user, campaign, "", req.now).await
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
        let reacted = match self.store().take_reaction(user, reaction_id).await {
            Ok(found) => found?,
            Err(e) => {
                tracing::warn!(error = %e, "cannot look up a removed reaction");
                return None;
            }
        };
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

    /// The sign-up reactions remembered on `message_id`.
    pub async fn reactions_on(&self, platform: Platform, message_id: &str) -> Result<Vec<KnownReaction>, StoreError> {
        self.store().reactions_on(platform, message_id).await
    }

    /// When `platform`'s adapter was last seen running.
    pub async fn last_seen(&self, platform: Platform) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.store().last_seen(platform).await
    }

    /// Records that `platform`'s adapter runs (once a minute is plenty).
    pub async fn mark_seen(&self, platform: Platform, now: DateTime<Utc>) {
        if let Err(e) = self.store().mark_seen(platform, now).await {
            tracing::warn!(error = %e, platform = platform.as_str(), "cannot record that the platform runs");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap() + Duration::minutes(minute)
    }

    fn present(id: &str, minute: i64) -> Present {
        Present { reaction_id: id.into(), user_id: format!("@{id}:x"), at: at(minute) }
    }

    fn known(id: &str) -> KnownReaction {
        KnownReaction { reaction_id: id.into(), message_id: "$m".into(), user_id: format!("@{id}:x") }
    }

    #[test]
    fn reactions_made_and_removed_while_away_are_told_apart_from_history() {
        let present = [present("old", -600), present("kept", -300), present("new", 30), present("edge", -1)];
        let known = [known("kept"), known("gone")];
        let away = while_away(&present, &known, Some(at(0)));
        let added: Vec<&str> = away.added.iter().map(|p| p.reaction_id.as_str()).collect();
        let removed: Vec<&str> = away.removed.iter().map(|k| k.reaction_id.as_str()).collect();
        assert_eq!(added, ["new", "edge"], "new since the last sign of life, and not already known");
        assert_eq!(removed, ["gone"]);
        let first_start = while_away(&present, &known, None);
        assert!(first_start.added.is_empty(), "no sign of life recorded: nothing is added retroactively");
        assert_eq!(first_start.removed.len(), 1, "removals are still applied");
    }
}
