//! One bounded queue of work per room, each with a worker that keeps the room's order.
//!
//! The SDK runs event handlers inside the sync loop, one after the other: answering there
//! would hold up the next sync, and every other room, for as long as an answer takes. So
//! handlers only queue, and a worker per room answers. A queue holds at most `capacity`
//! items (more are dropped, and the caller is told), and a worker idle for `idle` ends and
//! takes its queue with it, so rooms that went quiet cost nothing.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;

/// Items waiting per room, at most.
pub const CAPACITY: usize = 32;
/// A room's worker ends after this long without work.
pub const IDLE: Duration = Duration::from_secs(60);

/// The queues, by room.
pub struct Queues<T> {
    rooms: Arc<Mutex<HashMap<String, mpsc::Sender<T>>>>,
    capacity: usize,
    idle: Duration,
}

impl<T: Send + 'static> Queues<T> {
    /// Queues of `capacity` items whose workers end after `idle` without work.
    pub fn new(capacity: usize, idle: Duration) -> Queues<T> {
        Queues { rooms: Arc::default(), capacity, idle }
    }

    /// Queues `item` for `room`, starting the room's worker (which hands each item to `work`,
    /// in order) when none runs. False when the room's queue is full: the item is dropped.
    pub fn push<F, Fut>(&self, room: &str, item: T, work: F) -> bool
    where
        F: Fn(T) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let mut rooms = self.rooms.lock().unwrap_or_else(|p| p.into_inner());
        let item = match rooms.get(room) {
            Some(queue) => match queue.try_send(item) {
                Ok(()) => return true,
                Err(mpsc::error::TrySendError::Full(_)) => return false,
                Err(mpsc::error::TrySendError::Closed(item)) => item,
            },
            None => item,
        };
        let (queue, waiting) = mpsc::channel(self.capacity);
        let _ = queue.try_send(item);
        let mine = queue.downgrade();
        rooms.insert(room.to_string(), queue);
        tokio::spawn(worker(Arc::clone(&self.rooms), room.to_string(), mine, waiting, self.idle, work));
        true
    }

    /// Rooms with a queue (a worker) right now.
    #[cfg(test)]
    fn rooms(&self) -> usize {
        self.rooms.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

/// Works through one room's queue; after `idle` without work, leaves the map (if the queue
/// there is still this one), finishes what slipped in meanwhile, and ends.
async fn worker<T, F, Fut>(
    rooms: Arc<Mutex<HashMap<String, mpsc::Sender<T>>>>,
    room: String,
    mine: mpsc::WeakSender<T>,
    mut waiting: mpsc::Receiver<T>,
    idle: Duration,
    work: F,
) where
    F: Fn(T) -> Fut,
    Fut: Future<Output = ()>,
{
    loop {
        match tokio::time::timeout(idle, waiting.recv()).await {
            Ok(Some(item)) => work(item).await,
            Ok(None) => return,
            Err(_) => {
                {
                    let mut map = rooms.lock().unwrap_or_else(|p| p.into_inner());
                    let ours = match (map.get(&room), mine.upgrade()) {
                        (Some(there), Some(me)) => there.same_channel(&me),
                        _ => false,
                    };
                    if ours {
                        map.remove(&room);
                    }
                }
                waiting.close();
                while let Ok(item) = waiting.try_recv() {
                    work(item).await;
                }
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(start_paused = true)]
    async fn a_full_queue_drops_and_an_idle_one_is_pruned_after_its_work() {
        let queues: Queues<u32> = Queues::new(2, Duration::from_secs(60));
        let done = Arc::new(Mutex::new(Vec::new()));
        let gate = Arc::new(tokio::sync::Semaphore::new(0));
        let work = {
            let (done, gate) = (Arc::clone(&done), Arc::clone(&gate));
            move |n: u32| {
                let (done, gate) = (Arc::clone(&done), Arc::clone(&gate));
                async move {
                    gate.acquire().await.unwrap().forget();
                    done.lock().unwrap().push(n);
                }
            }
        };
        assert!(queues.push("!a", 1, work.clone()));
        tokio::task::yield_now().await; // the worker takes 1 and waits at the gate
        assert!(queues.push("!a", 2, work.clone()));
        assert!(queues.push("!a", 3, work.clone()));
        assert!(!queues.push("!a", 4, work.clone()), "a third waiting item is one too many");
        assert!(queues.push("!b", 10, work.clone()), "another room has its own queue");
        gate.add_permits(10);
        while done.lock().unwrap().len() < 4 {
            tokio::task::yield_now().await;
        }
        let mut got = done.lock().unwrap().clone();
        got.sort();
        assert_eq!(got, [1, 2, 3, 10]);
        assert_eq!(queues.rooms(), 2);
        tokio::time::advance(Duration::from_secs(61)).await;
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        assert_eq!(queues.rooms(), 0, "idle workers left");
        // A room that speaks again gets a new worker.
        let count = Arc::new(AtomicUsize::new(0));
        let c = Arc::clone(&count);
        assert!(queues.push("!a", 5, move |_| {
            let c = Arc::clone(&c);
            async move {
                c.fetch_add(1, Ordering::SeqCst);
            }
        }));
        while count.load(Ordering::SeqCst) == 0 {
            tokio::task::yield_now().await;
        }
    }
}
