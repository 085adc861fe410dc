//! Which personal data is past its time: the content's `[retention]` applied to the
//! campaigns' `ends` and the actions' `deadline`s. The daily job that erases it is the
//! service's; what to erase is decided here.

use chrono::{DateTime, Utc};

use super::Engine;
use crate::content::Content;
use crate::store::{Expired, FEED_IDLE, Older, Purged, StoreError};

/// The sign-ups past their time at `now`: a whole campaign's once `ends` plus the retention
/// has passed, otherwise one action's once its `deadline` plus the retention has. Nothing
/// without a `[retention]`.
pub fn expired(content: &Content, now: DateTime<Utc>) -> Vec<Expired> {
    let Some(keep) = content.group.retention.signups_after else { return Vec::new() };
    let mut out = Vec::new();
    for campaign in &content.campaigns {
        if campaign.ends.is_some_and(|ends| ends + keep <= now) {
            out.push(Expired { campaign: campaign.slug.clone(), action: None });
            continue;
        }
        for action in &campaign.actions {
            if action.deadline.as_ref().is_some_and(|d| d.at + keep <= now) {
                out.push(Expired { campaign: campaign.slug.clone(), action: Some(action.slug.clone()) });
            }
        }
    }
    out
}

impl Engine {
    /// Erases the personal data past its time at `now`; counts only come back. Each setting
    /// works alone: `signups_days` erases sign-ups (ended, withdrawn, or of campaigns removed
    /// from the content) and answered offers; `rsvps_days` (else `signups_days`) answers to
    /// meetings and personal-message records; calendar links unread for [`FEED_IDLE`] go
    /// whenever the job runs.
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
            // Campaigns gone from the content: their sign-ups once the latest is old enough.
            for (campaign, latest) in self.store().campaigns_on_record().await? {
                if content.campaign(&campaign).is_none() && latest + keep <= now {
                    expired.push(Expired { campaign, action: None });
                }
            }
        }
        let older = Older {
            rsvps_before: answers.map(|keep| (now - keep).date_naive()),
            messages_before: answers.map(|keep| now - keep),
            withdrawn_before: signups.map(|keep| now - keep),
            feeds_before: Some(now - FEED_IDLE),
        };
        let purged = self.store().erase_older(&expired, older).await?;
        if purged.signups > 0 {
            self.signups_changed();
        }
        Ok(purged)
    }
}
