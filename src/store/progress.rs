//! What people said they did with what they signed up for: done, not yet, couldn't. Like
//! sign-ups, names are for organizers; public replies carry counts.

use super::signups::{SignUpRow, of_sign_up};
use super::{Result, Seen, Store, StoreError, millis};
use crate::chat::User;
use chrono::{DateTime, Utc};

/// What a person said about an action they signed up for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// They did it.
    Done,
    /// Not yet: they still mean to.
    NotYet,
    /// They could not.
    Couldnt,
}

impl Outcome {
    /// Every outcome, in the order buttons and summaries show them.
    pub const ALL: [Outcome; 3] = [Outcome::Done, Outcome::NotYet, Outcome::Couldnt];

    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Done => "done",
            Outcome::NotYet => "not_yet",
            Outcome::Couldnt => "couldnt",
        }
    }

    /// The outcome a stored word names.
    pub fn from_stored(word: &str) -> Result<Outcome> {
        Outcome::ALL
            .into_iter()
            .find(|o| o.as_str() == word)
            .ok_or_else(|| StoreError::Corrupt(format!("outcome {word}")))
    }
}

/// What reporting an outcome did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reported {
    /// Recorded (signing them up too, if they had not); `was` is what they had said
    /// before, if anything.
    Recorded {
        /// The earlier answer.
        was: Option<Outcome>,
    },
    /// They wait for a place: there is nothing to report yet.
    Waitlisted,
    /// Not signed up for an action whose places are counted: nothing recorded.
    NoPlace,
}

impl Store {
    /// Records what `user` says they did about this group's `campaign`'s `action`. Someone
    /// who did it without signing up first is signed up with it, except for an action with a
    /// capacity (`counted`), whose places go by sign-up.
    #[allow(clippy::too_many_arguments)]
    pub async fn report(
        &self,
        user: &User,
        campaign: &str,
        action: &str,
        outcome: Outcome,
        counted: bool,
        seen: Seen,
        now: DateTime<Utc>,
    ) -> Result<Reported> {
        self.within(async move {
            let mut tx = self.begin_as(user, Some(seen), now).await?;
            let group = self.group.as_str();
            let reported = match SignUpRow::read(&mut tx, &self.group, user, campaign, action).await? {
                Some(row) if row.active && row.waitlisted => Reported::Waitlisted,
                Some(row) if row.active => {
                    if row.outcome != Some(outcome) {
                        let sql = "UPDATE signups SET outcome = $5, outcome_at = $6
                                   WHERE platform = $1 AND user_id = $2 AND campaign = $3 AND action = $4 AND grp = $7";
                        of_sign_up(sql, user, campaign, action)
                            .bind(outcome.as_str())
                            .bind(millis(now))
                            .bind(group)
                            .execute(&mut *tx)
                            .await?;
                    }
                    Reported::Recorded { was: row.outcome }
                }
                _ if counted => Reported::NoPlace,
                _ => {
                    let sql = "INSERT INTO signups
                                 (platform, user_id, campaign, action, signed_up_at, outcome, outcome_at, grp)
                               VALUES ($1, $2, $3, $4, $5, $6, $5, $7)
                               ON CONFLICT (grp, platform, user_id, campaign, action) DO UPDATE
                               SET withdrawn_at = NULL, signed_up_at = excluded.signed_up_at, outcome = excluded.outcome,
                                   outcome_at = excluded.outcome_at, waitlisted = 0";
                    of_sign_up(sql, user, campaign, action)
                        .bind(millis(now))
                        .bind(outcome.as_str())
                        .bind(group)
                        .execute(&mut *tx)
                        .await?;
                    Reported::Recorded { was: None }
                }
            };
            tx.commit().await?;
            Ok(reported)
        })
        .await
    }
}
