//! The two send limits Meta enforces synchronously: per-number throughput (sliding one-second
//! windows, 130429) and the per-recipient pair rate (GCRA, 131056). Both are pure functions of
//! sandbox time, so explicit-mode tests hit them deterministically.

use std::collections::VecDeque;

use crate::config::PairRate;

/// Sends of one number in the last second.
#[derive(Debug, Default)]
pub(crate) struct Throughput {
    recent_ms: VecDeque<u64>,
}

impl Throughput {
    /// Counts a send at `now_ms` if fewer than `limit` happened in `(now - 1 s, now]`.
    pub(crate) fn try_acquire(&mut self, now_ms: u64, limit: u32) -> bool {
        while let Some(&oldest) = self.recent_ms.front() {
            if oldest + 1_000 <= now_ms {
                self.recent_ms.pop_front();
            } else {
                break;
            }
        }
        if self.recent_ms.len() >= limit as usize {
            return false;
        }
        self.recent_ms.push_back(now_ms);
        true
    }
}

/// Generic cell rate algorithm state for one (number, recipient) pair: the theoretical arrival
/// time of the next message.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct PairGcra {
    tat_ms: u64,
}

impl PairGcra {
    /// Allows a message at `now_ms` unless the pair is more than `burst - 1` intervals ahead.
    pub(crate) fn try_acquire(&mut self, now_ms: u64, rate: PairRate) -> bool {
        let interval = rate.interval_ms.max(1);
        let tolerance = interval.saturating_mul(u64::from(rate.burst.max(1) - 1));
        let tat = self.tat_ms.max(now_ms);
        if tat - now_ms > tolerance {
            return false;
        }
        self.tat_ms = tat + interval;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::{PairGcra, Throughput};
    use crate::config::PairRate;

    #[test]
    fn throughput_refuses_the_send_over_the_limit_and_frees_after_a_second() {
        let mut t = Throughput::default();
        for _ in 0..20 {
            assert!(t.try_acquire(10_000, 20));
        }
        assert!(!t.try_acquire(10_000, 20));
        assert!(!t.try_acquire(10_999, 20));
        assert!(t.try_acquire(11_000, 20));
    }

    #[test]
    fn pair_rate_allows_the_burst_then_one_per_interval() {
        let rate = PairRate {
            interval_ms: 6_000,
            burst: 3,
        };
        let mut g = PairGcra::default();
        assert!(g.try_acquire(0, rate));
        assert!(g.try_acquire(0, rate));
        assert!(g.try_acquire(0, rate));
        assert!(!g.try_acquire(0, rate));
        assert!(!g.try_acquire(5_999, rate));
        assert!(g.try_acquire(6_000, rate));
        assert!(!g.try_acquire(6_000, rate));
    }

    #[test]
    fn pair_rate_with_burst_one_is_one_per_interval() {
        let rate = PairRate {
            interval_ms: 6_000,
            burst: 1,
        };
        let mut g = PairGcra::default();
        assert!(g.try_acquire(100, rate));
        assert!(!g.try_acquire(6_099, rate));
        assert!(g.try_acquire(6_100, rate));
    }
}
