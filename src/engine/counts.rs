//! Counts shown in public answers (sign-ups per campaign, people going to a date), kept for a
//! moment.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::calendar_changes::FRESH_FOR;
use crate::store::Result;

/// Values read from the database, kept for [`FRESH_FOR`] and dropped when this process
/// changes what they count: `campaign` and `meeting` are asked far more often than people
/// sign up or answer, and a count over thousands of rows would dominate their answer time.
pub struct Kept<K, V> {
    // A std Mutex: held only to look up or replace an entry, never across an await.
    slots: Mutex<HashMap<K, Cached<V>>>,
}

/// A value and when it was read.
type Cached<T> = (Instant, Arc<T>);

impl<K, V> Default for Kept<K, V> {
    fn default() -> Self {
        Kept { slots: Mutex::new(HashMap::new()) }
    }
}

impl<K: Eq + Hash + Clone, V> Kept<K, V> {
    /// The value for `key`, from the cache when fresh, else from `load`.
    pub async fn get<F>(&self, key: &K, load: F) -> Result<Arc<V>>
    where
        F: std::future::Future<Output = Result<V>>,
    {
        if let Ok(slots) = self.slots.lock()
            && let Some((at, value)) = slots.get(key)
            && at.elapsed() < FRESH_FOR
        {
            return Ok(Arc::clone(value));
        }
        let fresh = Arc::new(load.await?);
        if let Ok(mut slots) = self.slots.lock() {
            slots.insert(key.clone(), (Instant::now(), Arc::clone(&fresh)));
        }
        Ok(fresh)
    }

    /// Forgets every cached value.
    pub fn invalidate(&self) {
        if let Ok(mut slots) = self.slots.lock() {
            slots.clear();
        }
    }
}
