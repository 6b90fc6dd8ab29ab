//! A deterministic timer queue in sandbox time: items due at the same millisecond run in the
//! order they were scheduled.

use std::collections::BTreeMap;

/// Items keyed by `(due_ms, sequence)`.
#[derive(Debug)]
pub(crate) struct Scheduler<T> {
    next_seq: u64,
    queue: BTreeMap<(u64, u64), T>,
}

impl<T> Default for Scheduler<T> {
    fn default() -> Self {
        Scheduler {
            next_seq: 0,
            queue: BTreeMap::new(),
        }
    }
}

impl<T> Scheduler<T> {
    /// Schedules `item` at `due_ms`.
    pub(crate) fn push(&mut self, due_ms: u64, item: T) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.queue.insert((due_ms, seq), item);
    }

    /// The earliest due time, if any.
    pub(crate) fn next_due(&self) -> Option<u64> {
        self.queue.keys().next().map(|(due, _)| *due)
    }

    /// Removes and returns the earliest item due at or before `now_ms`.
    pub(crate) fn pop_due(&mut self, now_ms: u64) -> Option<(u64, T)> {
        let (&(due, seq), _) = self.queue.iter().next()?;
        if due > now_ms {
            return None;
        }
        self.queue.remove(&(due, seq)).map(|item| (due, item))
    }

    /// How many items wait.
    pub(crate) fn len(&self) -> usize {
        self.queue.len()
    }
}

#[cfg(test)]
mod tests {
    use super::Scheduler;

    #[test]
    fn pops_in_due_order_then_insertion_order_and_only_when_due() {
        let mut s = Scheduler::default();
        s.push(20, "b");
        s.push(10, "a");
        s.push(20, "c");
        assert_eq!(s.next_due(), Some(10));
        assert_eq!(s.pop_due(5), None);
        assert_eq!(s.pop_due(30), Some((10, "a")));
        assert_eq!(s.pop_due(30), Some((20, "b")));
        assert_eq!(s.pop_due(30), Some((20, "c")));
        assert_eq!(s.pop_due(30), None);
        assert_eq!(s.len(), 0);
    }
}
