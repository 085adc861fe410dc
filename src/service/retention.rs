//! The daily erasure of personal data past its time (`[retention]` in `group.toml`), exactly
//! once a day across every process sharing the database: the day's run is claimed in the
//! reminder ledger, like a reminder, and only the process that wins it erases. Counts only
//! are logged.

use chrono::{DateTime, Duration, Utc};
use tokio::sync::watch;

use crate::engine::{Engine, Organization};
use crate::reminders::key_of;
use crate::store::{Claim, Purged, StoreError};

/// How often the job looks whether today's run is done.
const EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Runs today's erasure unless it ran (here or elsewhere), then looks again every hour
/// until `stop`.
pub async fn daily(engine: Engine, mut stop: watch::Receiver<bool>) {
    let me = format!("retention-{}", std::process::id());
    loop {
        if let Err(e) = run_once(&engine, &me, Utc::now()).await {
            tracing::warn!(error = %e, "retention: could not erase what is past its time; trying again in an hour");
        }
        tokio::select! {
            _ = tokio::time::sleep(EVERY) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
    }
}

/// Today's run, if no process has done it: what it erased, or `None` when there was nothing
/// to do (no `[retention]`) or another run has it.
pub async fn run_once(engine: &Engine, me: &str, now: DateTime<Utc>) -> Result<Option<Purged>, StoreError> {
    let retention = engine.content().current().group.retention;
    if retention.signups_after.is_none() && retention.rsvps_after.is_none() {
        return Ok(None);
    }
    // Each group's own run: one group's done run must not stand for another's.
    let identity = format!("{}retention:{}", engine.group().identity_prefix(), now.date_naive());
    let Some(purged) = once_today(engine.store(), &identity, me, now, engine.erase_expired(now)).await? else {
        return Ok(None);
    };
    tracing::info!(
        signups = purged.signups,
        reactions = purged.reactions,
        rsvps = purged.rsvps,
        personal_messages = purged.messages,
        people = purged.people,
        "retention: personal data past its time erased"
    );
    Ok(Some(purged))
}

/// Runs `erase` if this process wins the day's claim on `identity` in the ledger (`None` when
/// another run has it), and records it done.
async fn once_today(
    store: &crate::store::Store,
    identity: &str,
    me: &str,
    now: DateTime<Utc>,
    erase: impl std::future::Future<Output = Result<Purged, StoreError>>,
) -> Result<Option<Purged>, StoreError> {
    let key = key_of(identity);
    let claim = Claim { key: &key, identity, channel: "", due: now };
    if store.claim(&[claim], me, now + Duration::minutes(10), now).await?.is_empty() {
        return Ok(None);
    }
    let purged = erase.await?;
    store.mark_sent(std::slice::from_ref(&key), me, now).await?;
    Ok(Some(purged))
}

/// Once a day across processes: the records of groups whose folder is gone (see
/// [`Organization::erase_orphans`]), so that removing a group never keeps its people's data
/// forever.
pub async fn orphans_daily(org: Organization, mut stop: watch::Receiver<bool>) {
    let me = format!("retention-{}", std::process::id());
    loop {
        let now = Utc::now();
        let identity = format!("retention-orphans:{}", now.date_naive());
        match once_today(org.any().store(), &identity, &me, now, org.erase_orphans(now)).await {
            Ok(Some(purged)) if purged.total() > 0 => {
                tracing::info!(
                    signups = purged.signups,
                    rsvps = purged.rsvps,
                    "retention: records of removed groups erased"
                );
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "retention: could not erase removed groups' records; trying again in an hour")
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(EVERY) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
    }
}
