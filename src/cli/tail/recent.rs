//! A bounded memory of the events already shown, for sources that may deliver an event
//! again: a new Live Tail session can start with events the last one delivered (an emulator
//! sends the whole group each time).
//!
//! An event is known by its id when it has one; Live Tail events carry none, so then by its
//! group, stream, timestamp and message. Only a 64-bit keyed hash of that is kept, in a ring
//! of the most recent keys: memory stays fixed however long the tail runs. The hash keys are
//! random per run, so log text cannot be written to collide with another event's key.

use super::fetch::Event;
use std::collections::hash_map::RandomState;
use std::collections::{HashSet, VecDeque};
use std::hash::{BuildHasher, Hash, Hasher};

/// Keys remembered: about 4 MiB at most, and more than two minutes of Live Tail at its
/// 500 events per second.
pub const CAPACITY: usize = 65_536;

pub struct Recent {
    hasher: RandomState,
    order: VecDeque<u64>,
    keys: HashSet<u64>,
    capacity: usize,
}

impl Recent {
    pub fn new(capacity: usize) -> Self {
        Recent {
            hasher: RandomState::new(),
            order: VecDeque::new(),
            keys: HashSet::new(),
            capacity: capacity.max(1),
        }
    }

    fn key(&self, group: usize, ev: &Event) -> u64 {
        let mut h = self.hasher.build_hasher();
        group.hash(&mut h);
        if ev.id.is_empty() {
            (1u8, &ev.stream, ev.timestamp, &ev.message).hash(&mut h);
        } else {
            (0u8, &ev.id).hash(&mut h);
        }
        h.finish()
    }

    /// Whether `ev` of the `group`-th group is new; it is remembered either way, the oldest
    /// key making room once the ring is full.
    pub fn first_time(&mut self, group: usize, ev: &Event) -> bool {
        let k = self.key(group, ev);
        if !self.keys.insert(k) {
            return false;
        }
        if self.order.len() == self.capacity {
            if let Some(old) = self.order.pop_front() {
                self.keys.remove(&old);
            }
        }
        self.order.push_back(k);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(id: &str, stream: &str, ts: i64, msg: &str) -> Event {
        Event {
            timestamp: ts,
            stream: stream.into(),
            id: id.into(),
            message: msg.into(),
        }
    }

    #[test]
    fn an_event_is_new_once_by_id_or_by_stream_time_and_message() {
        let mut r = Recent::new(10);
        assert!(r.first_time(0, &ev("", "a", 1, "m")));
        assert!(!r.first_time(0, &ev("", "a", 1, "m")));
        assert!(r.first_time(0, &ev("", "b", 1, "m")), "another stream");
        assert!(r.first_time(0, &ev("", "a", 2, "m")), "another time");
        assert!(r.first_time(0, &ev("", "a", 1, "n")), "another message");
        assert!(r.first_time(1, &ev("", "a", 1, "m")), "another group");
        assert!(r.first_time(0, &ev("e1", "a", 1, "m")));
        assert!(
            !r.first_time(0, &ev("e1", "z", 9, "other")),
            "the id decides"
        );
    }

    #[test]
    fn memory_is_bounded_and_the_oldest_key_goes_first() {
        let mut r = Recent::new(3);
        for ts in 0..5 {
            assert!(r.first_time(0, &ev("", "s", ts, "m")));
        }
        assert_eq!(r.keys.len(), 3);
        assert_eq!(r.order.len(), 3);
        assert!(!r.first_time(0, &ev("", "s", 4, "m")));
        assert!(r.first_time(0, &ev("", "s", 0, "m")), "forgotten");
    }
}
