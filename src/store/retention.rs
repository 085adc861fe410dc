//! Erasing personal data past its time: the sign-ups the content's `[retention]` says are no
//! longer useful, the reactions that made them, answers to meetings long over, the record of
//! personal messages sent long ago, and the people left with nothing stored.
//!
//! Each group has its own retention: sign-ups, reactions, offers of places and answers are
//! erased in the handle's group only. The record of personal messages, calendar links and
//! people are the deployment's: a person goes once no group has anything left about them.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{Any, Row, Transaction};

use super::{Result, Store, millis};

/// Sign-ups to erase: a whole campaign's, or one action's, or those of one action left
/// untouched since an instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expired {
    /// The campaign.
    pub campaign: String,
    /// One action's (`""` for the campaign in general), or `None` for all of the campaign's.
    pub action: Option<String>,
    /// Only sign-ups neither made nor answered since this instant (`None`: all of them). For
    /// what has no end in sight (no deadline, no `ends`) or no longer exists in the content.
    pub untouched_since: Option<DateTime<Utc>>,
}

impl Expired {
    /// Every sign-up of a campaign.
    pub fn campaign(campaign: &str) -> Expired {
        Expired { campaign: campaign.to_string(), action: None, untouched_since: None }
    }

    /// Every sign-up of one action (`""`: the campaign in general).
    pub fn action(campaign: &str, action: &str) -> Expired {
        Expired { campaign: campaign.to_string(), action: Some(action.to_string()), untouched_since: None }
    }

    /// The sign-ups of one action made (or last answered) before `since`.
    pub fn untouched(campaign: &str, action: &str, since: DateTime<Utc>) -> Expired {
        Expired { untouched_since: Some(since), ..Expired::action(campaign, action) }
    }
}

/// What one erasure removed (counts only: what is logged).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Purged {
    /// Sign-ups, active or withdrawn.
    pub signups: u64,
    /// Remembered reactions whose sign-up is gone.
    pub reactions: u64,
    /// Answers to meetings (going or not) whose date is past.
    pub rsvps: u64,
    /// Records of personal messages (reminders, notices) sent long ago, calendar links of
    /// people with nothing left, and dashboard links and sessions past their time.
    pub messages: u64,
    /// People with nothing stored about them any more (name and account id).
    pub people: u64,
}

impl Purged {
    /// How many rows went, in all.
    pub fn total(&self) -> u64 {
        self.signups + self.reactions + self.rsvps + self.messages + self.people
    }
}

/// Personal data past its time besides sign-ups.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Older {
    /// Answers for occurrences whose regular date is before this.
    pub rsvps_before: Option<NaiveDate>,
    /// Records of personal messages due before this.
    pub messages_before: Option<DateTime<Utc>>,
    /// Sign-ups withdrawn before this, and offers of places answered or run out before it.
    pub withdrawn_before: Option<DateTime<Utc>>,
    /// Calendar links last read (or, never read, made) before this.
    pub feeds_before: Option<DateTime<Utc>>,
    /// Dashboard links used or run out, and dashboard sessions run out, by this instant (any
    /// group's: they open nothing any more).
    pub dashboard_at: Option<DateTime<Utc>>,
}

impl Store {
    /// Each of this group's campaigns and actions that has sign-ups on record: those removed
    /// from the content are erased once untouched long enough.
    pub async fn actions_on_record(&self) -> Result<Vec<(String, String)>> {
        self.within(async move {
            let rows = sqlx::query("SELECT DISTINCT campaign, action FROM signups WHERE grp = $1")
                .bind(self.group.as_str())
                .fetch_all(&self.pool)
                .await?;
            rows.iter().map(|r| Ok((r.try_get("campaign")?, r.try_get("action")?))).collect()
        })
        .await
    }

    /// Erases this group's sign-ups in `expired`, then the reactions and people they leave
    /// behind, in one transaction.
    pub async fn erase_expired(&self, expired: &[Expired]) -> Result<Purged> {
        self.erase_older(expired, Older::default()).await
    }

    /// [`Store::erase_expired`], and the answers and message records `older` names. People
    /// left with nothing go, with their calendar link (it would be empty); people who turned
    /// personal reminders off keep their account id and that choice, to keep honoring it
    /// (`forgetme` erases it), and nothing else: not their name.
    pub async fn erase_older(&self, expired: &[Expired], older: Older) -> Result<Purged> {
        let purged = self
            .within(async move {
                let mut tx = self.begin_write().await?;
                let purged = erase_in(&mut tx, self.group.as_str(), expired, older).await?;
                tx.commit().await?;
                Ok(purged)
            })
            .await?;
        if purged.total() > 0 {
            self.scrub();
        }
        Ok(purged)
    }
}

/// Every step of [`Store::erase_older`], in order, on its one write transaction: what each
/// step leaves behind is what the next one finds orphaned. Sign-ups, offers, reactions and
/// answers are `group`'s; the rest is the deployment's.
async fn erase_in(
    tx: &mut Transaction<'static, Any>,
    group: &str,
    expired: &[Expired],
    older: Older,
) -> Result<Purged> {
    let mut purged = Purged::default();
    for e in expired {
        purged.signups += erase_signups(tx, group, e).await?;
    }
    if let Some(before) = older.withdrawn_before {
        let (signups, offers) = erase_withdrawn(tx, group, before).await?;
        purged.signups += signups;
        purged.messages += offers;
    }
    purged.reactions = erase_without_signup(tx, group).await?;
    if let Some(before) = older.rsvps_before {
        purged.rsvps = erase_rsvps(tx, group, before).await?;
    }
    if let Some(before) = older.messages_before {
        purged.messages += erase_personal_messages(tx, before).await?;
    }
    purged.people = erase_people(tx).await?;
    strip_kept_people(tx).await?;
    purged.messages += erase_feeds(tx, older.feeds_before).await?;
    if let Some(now) = older.dashboard_at {
        purged.messages += super::dashboard::erase_dead(tx, now).await?;
    }
    Ok(purged)
}

/// The sign-ups of `group` one [`Expired`] names: how many went.
async fn erase_signups(tx: &mut Transaction<'static, Any>, group: &str, e: &Expired) -> Result<u64> {
    // The later of signing up and answering "did you do it?".
    let done = match (&e.action, e.untouched_since) {
        (None, _) => sqlx::query("DELETE FROM signups WHERE campaign = $1 AND grp = $2").bind(&e.campaign).bind(group),
        (Some(action), None) => sqlx::query("DELETE FROM signups WHERE campaign = $1 AND action = $2 AND grp = $3")
            .bind(&e.campaign)
            .bind(action)
            .bind(group),
        (Some(action), Some(since)) => sqlx::query(
            "DELETE FROM signups WHERE campaign = $1 AND action = $2 AND signed_up_at < $3
                             AND (outcome_at IS NULL OR outcome_at < $3) AND waitlisted = 0 AND grp = $4",
        )
        .bind(&e.campaign)
        .bind(action)
        .bind(millis(since))
        .bind(group),
    }
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected())
}

/// `group`'s sign-ups withdrawn before `before`, then its offers of places answered or run
/// out before it: how many of each went.
async fn erase_withdrawn(tx: &mut Transaction<'static, Any>, group: &str, before: DateTime<Utc>) -> Result<(u64, u64)> {
    let signups = sqlx::query("DELETE FROM signups WHERE withdrawn_at IS NOT NULL AND withdrawn_at < $1 AND grp = $2")
        .bind(millis(before))
        .bind(group)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    let offers = sqlx::query(
        "DELETE FROM place_offers WHERE expires_at < $1 AND (answered_at IS NULL OR answered_at < $1) AND grp = $2",
    )
    .bind(millis(before))
    .bind(group)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok((signups, offers))
}

/// `group`'s remembered reactions, then its offers of places, whose sign-up (in the same
/// group) is gone: how many reactions went (the offers are not counted).
async fn erase_without_signup(tx: &mut Transaction<'static, Any>, group: &str) -> Result<u64> {
    let reactions = sqlx::query(
        "DELETE FROM reaction_signups WHERE grp = $1 AND NOT EXISTS (SELECT 1 FROM signups s
                   WHERE s.grp = reaction_signups.grp
                     AND s.platform = reaction_signups.platform AND s.user_id = reaction_signups.user_id
                     AND s.campaign = reaction_signups.campaign AND s.action = reaction_signups.action)",
    )
    .bind(group)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    // Offers of places whose sign-up is gone.
    sqlx::query(
        "DELETE FROM place_offers WHERE grp = $1 AND NOT EXISTS (SELECT 1 FROM signups s
                   WHERE s.grp = place_offers.grp
                     AND s.platform = place_offers.platform AND s.user_id = place_offers.user_id
                     AND s.campaign = place_offers.campaign AND s.action = place_offers.action)",
    )
    .bind(group)
    .execute(&mut **tx)
    .await?;
    Ok(reactions)
}

/// `group`'s answers to occurrences whose regular date is before `before`: how many went.
async fn erase_rsvps(tx: &mut Transaction<'static, Any>, group: &str, before: NaiveDate) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM rsvps WHERE occurrence_date < $1 AND grp = $2")
        .bind(before.to_string())
        .bind(group)
        .execute(&mut **tx)
        .await?
        .rows_affected())
}

/// Records of personal messages due before `before`: how many went.
async fn erase_personal_messages(tx: &mut Transaction<'static, Any>, before: DateTime<Utc>) -> Result<u64> {
    // Personal messages go to `platform:@user`; channels never start with @.
    Ok(sqlx::query("DELETE FROM reminder_ledger WHERE channel LIKE '%:@%' AND due_at < $1")
        .bind(millis(before))
        .execute(&mut **tx)
        .await?
        .rows_affected())
}

/// People with no sign-up, reaction or answer left in any group, unless they turned personal
/// reminders off: how many went.
async fn erase_people(tx: &mut Transaction<'static, Any>) -> Result<u64> {
    Ok(sqlx::query(
        "DELETE FROM users WHERE NOT EXISTS (SELECT 1 FROM signups s
                   WHERE s.platform = users.platform AND s.user_id = users.user_id)
                 AND NOT EXISTS (SELECT 1 FROM reaction_signups r
                   WHERE r.platform = users.platform AND r.user_id = users.user_id)
                 AND NOT EXISTS (SELECT 1 FROM rsvps v
                   WHERE v.platform = users.platform AND v.user_id = users.user_id)
                 AND users.reminders_off IS NULL",
    )
    .execute(&mut **tx)
    .await?
    .rows_affected())
}

/// People kept only to honor "no personal reminders", with nothing else left in any group:
/// everything but that choice cleared.
async fn strip_kept_people(tx: &mut Transaction<'static, Any>) -> Result<()> {
    // Kept only to honor "no personal reminders": the name, language, DM channel
    // and closed-DMs mark are not needed for that.
    sqlx::query(
        "UPDATE users SET display_name = '', locale = NULL, direct_channel = NULL, unreachable_at = NULL
                     WHERE reminders_off IS NOT NULL AND display_name <> ''
                 AND NOT EXISTS (SELECT 1 FROM signups s
                   WHERE s.platform = users.platform AND s.user_id = users.user_id)
                 AND NOT EXISTS (SELECT 1 FROM rsvps v
                   WHERE v.platform = users.platform AND v.user_id = users.user_id)",
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Calendar links of people no longer stored, then, given `before`, those last read (or,
/// never read, made) before it: how many went.
async fn erase_feeds(tx: &mut Transaction<'static, Any>, before: Option<DateTime<Utc>>) -> Result<u64> {
    let mut gone = sqlx::query(
        "DELETE FROM feed_tokens WHERE NOT EXISTS (SELECT 1 FROM users u
                   WHERE u.platform = feed_tokens.platform AND u.user_id = feed_tokens.user_id)",
    )
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if let Some(before) = before {
        gone += sqlx::query("DELETE FROM feed_tokens WHERE COALESCE(last_used_at, created_at) < $1")
            .bind(millis(before))
            .execute(&mut **tx)
            .await?
            .rows_affected();
    }
    Ok(gone)
}
