//! Follow-mode bookkeeping for one log group: where the next poll starts, which events were
//! already shown, and which arrived late.
//!
//! CloudWatch returns every event whose timestamp is at or after `startTime`, so polling again
//! from the newest timestamp seen returns that timestamp's events a second time; and events
//! can be ingested after newer ones (a slow stream, a batching agent), with an older timestamp.
//! The cursor therefore restarts each poll a little before the newest timestamp (the look-back)
//! and remembers the ids of the events inside that look-back, so nothing is shown twice and an
//! event that turns up late inside the look-back is still shown, with a warning.

use super::time::Millis;
use std::collections::{BTreeMap, HashSet};

/// What to do with one event a poll returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admit {
    /// Not seen before and not older than the newest event seen: show it.
    New,
    /// Already shown by an earlier poll: drop it.
    Duplicate,
    /// Not seen before, but older than an event already shown: show it and warn, with how
    /// many milliseconds older than the newest seen it is.
    Late(Millis),
}

#[derive(Debug, Clone)]
pub struct Cursor {
    /// The earliest time the user asked for (`--since`).
    since: Millis,
    lookback: Millis,
    /// Newest event timestamp seen so far.
    newest: Option<Millis>,
    /// Ids of the events seen, by timestamp, for timestamps inside the look-back.
    seen: BTreeMap<Millis, HashSet<String>>,
}

impl Cursor {
    pub fn new(since: Millis, lookback: Millis) -> Self {
        Cursor {
            since,
            lookback: lookback.max(0),
            newest: None,
            seen: BTreeMap::new(),
        }
    }

    /// `startTime` for the next poll.
    pub fn start_time(&self) -> Millis {
        match self.newest {
            Some(n) => (n - self.lookback).max(self.since),
            None => self.since,
        }
    }

    pub fn admit(&mut self, timestamp: Millis, event_id: &str) -> Admit {
        if self
            .seen
            .get(&timestamp)
            .is_some_and(|ids| ids.contains(event_id))
        {
            return Admit::Duplicate;
        }
        let verdict = match self.newest {
            Some(n) if timestamp < n => Admit::Late(n - timestamp),
            _ => Admit::New,
        };
        if timestamp >= self.start_time() || self.newest.map_or(true, |n| timestamp > n) {
            self.seen
                .entry(timestamp)
                .or_default()
                .insert(event_id.to_string());
        }
        if self.newest.map_or(true, |n| timestamp > n) {
            self.newest = Some(timestamp);
            self.forget_old();
        }
        verdict
    }

    /// Drop ids that the next poll cannot return again.
    fn forget_old(&mut self) {
        let keep_from = self.start_time();
        self.seen = self.seen.split_off(&keep_from);
    }

    #[cfg(test)]
    fn remembered(&self) -> usize {
        self.seen.values().map(HashSet::len).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Simulate polls over a store of events that grows between polls, as CloudWatch would
    /// answer them: every stored event with timestamp >= startTime.
    fn poll(
        store: &[(Millis, &str)],
        cur: &mut Cursor,
        shown: &mut Vec<String>,
        late: &mut Vec<String>,
    ) {
        let start = cur.start_time();
        let mut page: Vec<_> = store.iter().filter(|(t, _)| *t >= start).collect();
        page.sort();
        for (t, id) in page {
            match cur.admit(*t, id) {
                Admit::New => shown.push(id.to_string()),
                Admit::Late(_) => {
                    shown.push(id.to_string());
                    late.push(id.to_string());
                }
                Admit::Duplicate => {}
            }
        }
    }

    #[test]
    fn same_timestamp_events_across_polls_are_shown_once() {
        let mut cur = Cursor::new(0, 0);
        let mut store = vec![(100, "a"), (100, "b")];
        let (mut shown, mut late) = (vec![], vec![]);
        poll(&store, &mut cur, &mut shown, &mut late);
        // A third event with the same millisecond lands after the first poll.
        store.push((100, "c"));
        store.push((105, "d"));
        poll(&store, &mut cur, &mut shown, &mut late);
        poll(&store, &mut cur, &mut shown, &mut late);
        assert_eq!(shown, ["a", "b", "c", "d"]);
        assert!(late.is_empty());
        assert_eq!(cur.start_time(), 105);
    }

    #[test]
    fn late_event_inside_lookback_is_shown_with_warning() {
        let mut cur = Cursor::new(0, 5_000);
        let mut store = vec![(10_000, "a"), (20_000, "b")];
        let (mut shown, mut late) = (vec![], vec![]);
        poll(&store, &mut cur, &mut shown, &mut late);
        store.push((17_000, "slow"));
        poll(&store, &mut cur, &mut shown, &mut late);
        poll(&store, &mut cur, &mut shown, &mut late);
        assert_eq!(shown, ["a", "b", "slow"]);
        assert_eq!(late, ["slow"]);
        assert_eq!(cur.start_time(), 15_000);
    }

    #[test]
    fn late_verdict_says_how_late() {
        let mut cur = Cursor::new(0, 60_000);
        assert_eq!(cur.admit(50_000, "x"), Admit::New);
        assert_eq!(cur.admit(48_500, "y"), Admit::Late(1_500));
        assert_eq!(cur.admit(48_500, "y"), Admit::Duplicate);
        assert_eq!(cur.admit(50_000, "x"), Admit::Duplicate);
    }

    #[test]
    fn start_never_goes_before_since() {
        let mut cur = Cursor::new(1_000, 10_000);
        assert_eq!(cur.start_time(), 1_000);
        cur.admit(3_000, "a");
        assert_eq!(cur.start_time(), 1_000);
        cur.admit(30_000, "b");
        assert_eq!(cur.start_time(), 20_000);
    }

    #[test]
    fn memory_is_bounded_by_the_lookback() {
        let mut cur = Cursor::new(0, 1_000);
        for t in 0..10_000 {
            cur.admit(t * 10, &format!("e{t}"));
        }
        // Only the ids inside the last second (100 timestamps, 10 ms apart, plus the edge).
        assert!(cur.remembered() <= 101, "{}", cur.remembered());
    }

    #[test]
    fn randomized_polling_shows_each_event_exactly_once() {
        // Events arrive in batches; some batches carry timestamps slightly older than the
        // newest already stored (late ingestion within the look-back).
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let ids: Vec<String> = (0..400).map(|i| format!("e{i}")).collect();
        let mut store: Vec<(Millis, &str)> = Vec::new();
        let mut cur = Cursor::new(0, 2_000);
        let (mut shown, mut late) = (vec![], vec![]);
        let mut clock: Millis = 10_000;
        for (i, id) in ids.iter().enumerate() {
            clock += (next() % 300) as Millis;
            let skew = (next() % 1_500) as Millis;
            store.push((clock - skew, id));
            if i % 7 == 0 {
                poll(&store, &mut cur, &mut shown, &mut late);
            }
        }
        poll(&store, &mut cur, &mut shown, &mut late);
        let mut sorted = shown.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), shown.len(), "an event was shown twice");
        assert_eq!(shown.len(), ids.len(), "an event was never shown");
    }
}
