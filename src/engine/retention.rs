//! Which personal data is past its time: the content's `[retention]` applied to the
//! campaigns' `ends` and the actions' `deadline`s. The daily job that erases it is the
//! service's; what to erase is decided here.

use chrono::{DateTime, Utc};

use super::Engine;

/// The least time a personal message's record is kept, whatever the retention: the reminder
/// scheduler plans a week back (to post what fell due while it was down), and a message whose
/// record is gone would be planned, and sent, again. A day more than that week.
pub const LEDGER_AT_LEAST: chrono::Duration = chrono::Duration::days(8);
use crate::content::Content;
use crate::store::{Expired, FEED_IDLE, Older, Purged, StoreError};

/// The sign-ups past their time at `now`, `signups_days` after what ends them: a whole
/// campaign's once its `ends` has passed, otherwise one action's once its `deadline` has; for
/// what has no end in sight (neither), each sign-up once untouched (not made or answered)
/// for that long. Nothing without `signups_days`.
pub fn expired(content: &Content, now: DateTime<Utc>) -> Vec<Expired> {
    let Some(keep) = content.group.retention.signups_after else { return Vec::new() };
    let mut out = Vec::new();
    for campaign in &content.campaigns {
        match campaign.ends {
            Some(ends) if ends + keep <= now => {
                out.push(Expired::campaign(&campaign.slug));
                continue;
            }
            Some(_) => {}
            None => out.push(Expired::untouched(&campaign.slug, "", now - keep)),
        }
        for action in &campaign.actions {
            match &action.deadline {
                Some(d) if d.at + keep <= now => out.push(Expired::action(&campaign.slug, &action.slug)),
                Some(_) => {}
                None if campaign.ends.is_none() => {
                    out.push(Expired::untouched(&campaign.slug, &action.slug, now - keep))
                }
                None => {}
            }
        }
    }
    out
}

/// Whether sign-ups to `action` of `campaign` are for something the content still has.
fn in_content(content: &Content, campaign: &str, action: &str) -> bool {
    content.campaign(campaign).is_some_and(|c| action.is_empty() || c.actions.iter().any(|a| a.slug == action))
}

impl Engine {
    /// Erases the personal data past its time at `now`; counts only come back. Each setting
    /// works alone: `signups_days` erases sign-ups (ended, withdrawn, untouched with no end in
    /// sight, or of campaigns and actions removed from the content) and answered offers; `rsvps_days` (else `signups_days`) answers to
    /// meetings and personal-message records; calendar links unread for [`FEED_IDLE`], and
    /// dashboard links and sessions past their time, go whenever the job runs.
    pub async fn erase_expired(&self, now: DateTime<Utc>) -> Result<Purged, StoreError> {
        let content = self.content().current();
        let retention = &content.group.retention;
        let signups = retention.signups_after;
        let answers = retention.rsvps_after.or(signups);
        if answers.is_none() {
            return Ok(Purged::default());
        }
        let mut expired = expired(&content, now);
        if let Some(keep) = signups {
            // Campaigns and actions gone from the content: each sign-up once untouched long enough.
            for (campaign, action) in self.store().actions_on_record().await? {
                if !in_content(&content, &campaign, &action) {
                    expired.push(Expired::untouched(&campaign, &action, now - keep));
                }
            }
        }
        let older = Older {
            rsvps_before: answers.map(|keep| (now - keep).date_naive()),
            messages_before: answers.map(|keep| now - keep.max(LEDGER_AT_LEAST)),
            withdrawn_before: signups.map(|keep| now - keep),
            feeds_before: Some(now - FEED_IDLE),
            dashboard_at: Some(now),
        };
        let purged = self.store().erase_older(&expired, older).await?;
        if purged.signups > 0 {
            self.signups_changed();
        }
        Ok(purged)
    }
}
