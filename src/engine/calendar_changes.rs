//! Organizers' calendar changes, read from the database and kept for a moment.
//!
//! `meeting` is the most asked command; reading the changes for every ask would put a
//! database round trip on its path. They are kept for a few seconds, and dropped at once
//! when this process writes a change, so an organizer sees their own change immediately and
//! other processes (sharing PostgreSQL) see it within [`FRESH_FOR`].

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::agenda::CalendarChanges;
use crate::store::{Result, Store};

/// How long changes read from the database are trusted.
pub const FRESH_FOR: Duration = Duration::from_secs(3);

/// The cached changes.
#[derive(Default)]
pub struct CalendarChangesCache {
    // A std Mutex: held only to clone an Arc, never across an await.
    slot: Mutex<Option<(Instant, Arc<CalendarChanges>)>>,
}

impl CalendarChangesCache {
    /// The current changes, from the cache when fresh.
    pub async fn get(&self, store: &Store) -> Result<Arc<CalendarChanges>> {
        if let Ok(slot) = self.slot.lock()
            && let Some((at, changes)) = slot.as_ref()
            && at.elapsed() < FRESH_FOR
        {
            return Ok(Arc::clone(changes));
        }
        let fresh = Arc::new(load(store).await?);
        if let Ok(mut slot) = self.slot.lock() {
            *slot = Some((Instant::now(), Arc::clone(&fresh)));
        }
        Ok(fresh)
    }

    /// Forgets the cached changes (after this process wrote one).
    pub fn invalidate(&self) {
        if let Ok(mut slot) = self.slot.lock() {
            *slot = None;
        }
    }
}

/// Reads every change and one-off meeting from the database.
pub async fn load(store: &Store) -> Result<CalendarChanges> {
    let rows = store.changes().await?;
    let made = rows.iter().map(|row| ((row.meeting.clone(), row.change.date), row.made_at)).collect();
    let changes = rows.into_iter().map(|row| (row.meeting, row.change)).collect();
    let meetings = store.extra_meetings().await?.iter().filter_map(|m| m.to_meeting()).collect();
    let added = store.extra_meetings_added().await?.into_iter().collect();
    Ok(CalendarChanges { changes, meetings, made, added })
}
