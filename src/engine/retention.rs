//! Which personal data is past its time: the content's `[retention]` applied to the
//! campaigns' `ends` and the actions' `deadline`s. The daily job that erases it is the
//! service's; what to erase is decided here.

use chrono::{DateTime, Utc};

use super::Engine;
use crate::content::Content;
use crate::store::{Expired, Older, Purged, StoreError};

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
    /// Erases the personal data past its time at `now`; counts only come back.
    pub async fn erase_expired(&self, now: DateTime<Utc>) -> Result<Purged, StoreError> {
        let content = self.content().current();
        let retention = &content.group.retention;
        let Some(keep) = retention.rsvps_after.or(retention.signups_after) else { return Ok(Purged::default()) };
        let expired = expired(&content, now);
        let older = Older { rsvps_before: Some((now - keep).date_naive()), messages_before: Some(now - keep) };
        let purged = self.store().erase_older(&expired, older).await?;
        if purged.signups > 0 {
            self.signups_changed();
        }
        Ok(purged)
    }
}
