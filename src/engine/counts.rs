//! Sign-up counts per campaign, kept for a moment.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::overrides::FRESH_FOR;
use crate::store::{Count, Result, Store};

/// Sign-up counts per campaign, kept for [`FRESH_FOR`] and dropped when this process records
/// or withdraws a sign-up: `campaign` is asked far more often than people sign up, and a
/// count over thousands of rows would dominate its answer time.
#[derive(Default)]
pub struct CountsCache {
    // A std Mutex: held only to look up or replace an entry, never across an await.
    slots: Mutex<HashMap<String, Cached<Vec<Count>>>>,
}

/// A value and when it was read.
type Cached<T> = (Instant, Arc<T>);

impl CountsCache {
    /// The counts for a campaign, from the cache when fresh.
    pub async fn get(&self, store: &Store, campaign: &str) -> Result<Arc<Vec<Count>>> {
        if let Ok(slots) = self.slots.lock()
            && let Some((at, counts)) = slots.get(campaign)
            && at.elapsed() < FRESH_FOR
        {
            return Ok(Arc::clone(counts));
        }
        let fresh = Arc::new(store.counts(campaign).await?);
        if let Ok(mut slots) = self.slots.lock() {
            slots.insert(campaign.to_string(), (Instant::now(), Arc::clone(&fresh)));
        }
        Ok(fresh)
    }

    /// Forgets every cached count.
    pub fn invalidate(&self) {
        if let Ok(mut slots) = self.slots.lock() {
            slots.clear();
        }
    }
}
