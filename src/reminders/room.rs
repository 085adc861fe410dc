//! Room for posts under way on each platform, shared by every group's scheduler in the
//! process. A thousand groups' reminders falling due in one minute all go through one
//! platform sender: each scheduler limiting only its own posts would queue a thousand at the
//! sender at once, and the ones that waited past their send bound would be retried (with a
//! look first) instead of sent. The room hands out slots up to the sender's
//! [`super::Sender::at_once`], and wakes schedulers left waiting as slots free.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

use crate::chat::Platform;

/// Slots under way per platform, and the schedulers waiting for one.
#[derive(Default)]
pub(super) struct Room {
    lanes: Mutex<HashMap<Platform, Lane>>,
}

#[derive(Default)]
struct Lane {
    flying: usize,
    /// Schedulers that found no room, first come first woken, each once.
    waiting: VecDeque<Arc<Notify>>,
    /// Room ran out since the lane was last empty: a burst (a thousand groups' reminders in
    /// one minute) whose freed memory is given back once it is over.
    crowded: bool,
}

/// One post's place on its platform, given back when dropped (the delivery ended, or its
/// task was aborted with a scheduler run that died).
pub(super) struct Slot {
    room: Arc<Room>,
    platform: Platform,
    at_once: usize,
}

impl Room {
    /// Up to `wanted` slots on `platform`, where `at_once` may be under way. When fewer are
    /// free, `waiter` is woken once room frees; the check and the wait are one step, so no
    /// freed slot goes unnoticed.
    pub(super) fn take(
        self: &Arc<Self>,
        platform: Platform,
        at_once: usize,
        wanted: usize,
        waiter: &Arc<Notify>,
    ) -> Vec<Slot> {
        let mut lanes = self.lanes.lock().unwrap_or_else(|p| p.into_inner());
        let lane = lanes.entry(platform).or_default();
        let given = wanted.min(at_once.saturating_sub(lane.flying));
        lane.flying += given;
        if given < wanted {
            lane.crowded = true;
            if !lane.waiting.iter().any(|w| Arc::ptr_eq(w, waiter)) {
                lane.waiting.push_back(Arc::clone(waiter));
            }
        }
        (0..given).map(|_| Slot { room: Arc::clone(self), platform, at_once }).collect()
    }

    /// Posts under way on `platform` in this process.
    pub(super) fn flying(&self, platform: Platform) -> usize {
        self.lanes.lock().unwrap_or_else(|p| p.into_inner()).get(&platform).map_or(0, |l| l.flying)
    }

    /// A slot is back. Once half the room is free, as many waiting schedulers are woken as
    /// there are free slots: each claims what it can, and one that finds none waits again.
    /// Waking at half, not at each slot, keeps a single scheduler's large fan-out to a pass
    /// per slice. The last slot of a burst that ran out of room gives the burst's freed
    /// memory back.
    fn give_back(&self, platform: Platform, at_once: usize) {
        let mut lanes = self.lanes.lock().unwrap_or_else(|p| p.into_inner());
        let Some(lane) = lanes.get_mut(&platform) else { return };
        lane.flying = lane.flying.saturating_sub(1);
        if lane.flying <= at_once / 2 {
            for _ in lane.flying..at_once {
                let Some(waiter) = lane.waiting.pop_front() else { break };
                waiter.notify_one();
            }
        }
        let burst_over = lane.flying == 0 && lane.waiting.is_empty() && std::mem::take(&mut lane.crowded);
        drop(lanes);
        if burst_over {
            crate::memory::give_back_freed_soon();
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.room.give_back(self.platform, self.at_once);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_stop_at_the_senders_room_and_come_back_when_dropped() {
        let room = Arc::new(Room::default());
        let waiter = Arc::new(Notify::new());
        let first = room.take(Platform::Discord, 4, 3, &waiter);
        let second = room.take(Platform::Discord, 4, 3, &waiter);
        assert_eq!((first.len(), second.len()), (3, 1));
        assert_eq!(room.flying(Platform::Discord), 4);
        assert_eq!(room.take(Platform::Matrix, 4, 2, &waiter).len(), 2, "each platform its own room");
        drop(first);
        assert_eq!(room.flying(Platform::Discord), 1);
    }

    #[tokio::test]
    async fn a_waiting_scheduler_is_woken_once_half_the_room_is_free() {
        let room = Arc::new(Room::default());
        let (busy, waiter) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
        let mut held = room.take(Platform::Discord, 4, 4, &busy);
        assert!(room.take(Platform::Discord, 4, 1, &waiter).is_empty());
        assert!(room.take(Platform::Discord, 4, 1, &waiter).is_empty(), "queued once");
        held.pop();
        let woken = tokio::time::timeout(std::time::Duration::from_millis(50), waiter.notified()).await;
        assert!(woken.is_err(), "three of four still under way: not yet");
        held.pop();
        let woken = tokio::time::timeout(std::time::Duration::from_millis(50), waiter.notified()).await;
        assert!(woken.is_ok(), "half free: woken");
        assert!(room.lanes.lock().unwrap()[&Platform::Discord].waiting.is_empty());
    }
}
