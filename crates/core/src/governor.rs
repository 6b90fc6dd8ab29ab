//! The send governors: how fast the outbox may start Graph sends, so that Meta's limits are
//! never hit rather than hit and retried (META.md §7.1–§7.2).
//!
//! - **Throughput, per number**: at most `limit` send starts in any window of `window_ms`
//!   (a sliding log of start times, not fixed buckets: fixed one-second buckets allow twice the
//!   limit across a bucket edge). Meta's limits are 20 msg/s for coexistence numbers and 80 by
//!   default; the window is usually a little longer than one second, so that network jitter
//!   between our start and Meta's receipt cannot squeeze two windows' sends into one of Meta's.
//! - **Pair rate, per (number, recipient)**: a generic cell rate algorithm with Meta's shape:
//!   one message per `interval_ms` sustained, `burst` back to back, a burst borrowing from
//!   future quota (Meta: one per 6 s, bursts of up to 45).
//! - **Back-off**: when Meta still answers 130429 or 131056, the number or the pair is paused
//!   until a given time.
//!
//! Pure: every call takes `now`. A denied send learns when to ask again.

use std::collections::{BTreeMap, VecDeque};

use crate::ids::NumberId;
use crate::time::Timestamp;

/// Meta's fixed throughput of a coexistence number, messages per second.
pub const COEXISTENCE_MPS: u32 = 20;
/// Meta's default throughput of a Cloud API number, messages per second.
pub const CLOUD_API_MPS: u32 = 80;
/// Meta's sustained pair rate: one message per 6 seconds to the same user.
pub const PAIR_INTERVAL_MS: i64 = 6_000;

/// Sends started by one number in the recent past.
#[derive(Debug, Clone, Default)]
pub struct Throughput {
    starts: VecDeque<i64>,
    paused_until: Option<Timestamp>,
}

impl Throughput {
    /// Whether a send may start at `now` without more than `limit` starts in any window of
    /// `window_ms`; `Err(t)` says when to ask again. Does not record anything.
    pub fn check(&mut self, now: Timestamp, limit: u32, window_ms: i64) -> Result<(), Timestamp> {
        if let Some(until) = self.paused_until {
            if now < until {
                return Err(until);
            }
            self.paused_until = None;
        }
        while self.starts.front().is_some_and(|&t| t + window_ms <= now.0) {
            self.starts.pop_front();
        }
        if self.starts.len() < limit.max(1) as usize {
            return Ok(());
        }
        // The window frees one slot when its oldest start leaves it.
        let oldest = self.starts.front().copied().unwrap_or(now.0);
        Err(Timestamp(oldest + window_ms))
    }

    /// Records a send started at `now` (after [`Throughput::check`] allowed it).
    pub fn record(&mut self, now: Timestamp) {
        self.starts.push_back(now.0);
    }

    /// Moves a start recorded at `admitted_at` to `started_at`, when the send actually left
    /// (after its claim was committed): Meta counts arrivals, so the window must too.
    pub fn restamp(&mut self, admitted_at: Timestamp, started_at: Timestamp) {
        if let Some(i) = self.starts.iter().rposition(|&t| t == admitted_at.0) {
            self.starts.remove(i);
        }
        let at = self.starts.partition_point(|&t| t <= started_at.0);
        self.starts.insert(at, started_at.0);
    }

    /// Meta said the number is over its throughput (130429): no sends before `until`.
    pub fn pause_until(&mut self, until: Timestamp) {
        self.paused_until = Some(self.paused_until.map_or(until, |p| p.max(until)));
    }
}

/// The pair-rate limit of one (number, recipient) pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PairRate {
    /// One message per this many milliseconds, sustained (Meta: 6,000).
    pub interval_ms: i64,
    /// Messages that may go back to back (Meta allows up to 45, borrowed from future quota).
    pub burst: u32,
}

impl Default for PairRate {
    fn default() -> Self {
        PairRate {
            interval_ms: PAIR_INTERVAL_MS,
            burst: 10,
        }
    }
}

/// GCRA state of one pair: the theoretical arrival time of the next message.
#[derive(Debug, Clone, Copy, Default)]
pub struct PairState {
    tat_ms: i64,
    paused_until: Option<Timestamp>,
}

impl PairState {
    /// Whether a message may start at `now`; `Err(t)` says when to ask again. Records nothing.
    pub fn check(&mut self, now: Timestamp, rate: PairRate) -> Result<(), Timestamp> {
        if let Some(until) = self.paused_until {
            if now < until {
                return Err(until);
            }
            self.paused_until = None;
        }
        let tolerance = rate.interval_ms.max(1) * i64::from(rate.burst.max(1) - 1);
        let tat = self.tat_ms.max(now.0);
        if tat - now.0 > tolerance {
            return Err(Timestamp(tat - tolerance));
        }
        Ok(())
    }

    /// Records a message started at `now`.
    pub fn record(&mut self, now: Timestamp, rate: PairRate) {
        self.tat_ms = self.tat_ms.max(now.0) + rate.interval_ms.max(1);
    }

    /// Meta said the pair is over its rate (131056): nothing before `until`.
    pub fn pause_until(&mut self, until: Timestamp) {
        self.paused_until = Some(self.paused_until.map_or(until, |p| p.max(until)));
    }

    /// Whether this pair has nothing left to remember at `now` (it may be forgotten).
    fn is_idle(&self, now: Timestamp) -> bool {
        self.tat_ms <= now.0 && self.paused_until.is_none_or(|p| p <= now)
    }
}

/// The throughput limit a number is governed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberLimit {
    /// Send starts allowed per window.
    pub per_window: u32,
    /// The window, in milliseconds (1,000 plus a safety margin).
    pub window_ms: i64,
}

/// Both governors for every number of one process.
#[derive(Debug, Default)]
pub struct Governor {
    numbers: BTreeMap<NumberId, Throughput>,
    pairs: BTreeMap<(NumberId, String), PairState>,
}

impl Governor {
    /// Admits one send from `number` to `recipient` at `now` if both governors allow it, and
    /// records it in both; otherwise records nothing and says when to ask again.
    pub fn admit(
        &mut self,
        number: NumberId,
        recipient: &str,
        limit: NumberLimit,
        pair: PairRate,
        now: Timestamp,
    ) -> Result<(), Timestamp> {
        let throughput = self.numbers.entry(number).or_default();
        throughput.check(now, limit.per_window, limit.window_ms)?;
        let key = (number, recipient.to_owned());
        let state = self.pairs.entry(key).or_default();
        state.check(now, pair)?;
        state.record(now, pair);
        throughput.record(now);
        Ok(())
    }

    /// A send admitted at `admitted_at` left at `started_at` (see [`Throughput::restamp`]).
    pub fn started(&mut self, number: NumberId, admitted_at: Timestamp, started_at: Timestamp) {
        if started_at != admitted_at {
            self.numbers
                .entry(number)
                .or_default()
                .restamp(admitted_at, started_at);
        }
    }

    /// Pauses every send of `number` until `until` (Meta answered 130429).
    pub fn pause_number(&mut self, number: NumberId, until: Timestamp) {
        self.numbers.entry(number).or_default().pause_until(until);
    }

    /// Pauses sends from `number` to `recipient` until `until` (Meta answered 131056).
    pub fn pause_pair(&mut self, number: NumberId, recipient: &str, until: Timestamp) {
        self.pairs
            .entry((number, recipient.to_owned()))
            .or_default()
            .pause_until(until);
    }

    /// Forgets pairs that no longer constrain anything, so memory follows active recipients.
    pub fn forget_idle(&mut self, now: Timestamp) {
        self.pairs.retain(|_, s| !s.is_idle(now));
    }

    /// Pairs remembered (for tests and metrics).
    pub fn pairs_tracked(&self) -> usize {
        self.pairs.len()
    }
}

/// The largest number of `starts` (milliseconds) inside any half-open window
/// `[t, t + window_ms)`: what a governor must keep at or below its limit.
pub fn max_in_any_window(starts: &[i64], window_ms: i64) -> usize {
    let mut sorted = starts.to_vec();
    sorted.sort_unstable();
    let mut best = 0;
    let mut lo = 0;
    for hi in 0..sorted.len() {
        while sorted[hi] - sorted[lo] >= window_ms {
            lo += 1;
        }
        best = best.max(hi + 1 - lo);
    }
    best
}

#[cfg(test)]
mod tests {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    use proptest::prelude::{prop_assert, proptest};

    use super::{Governor, NumberLimit, PairRate, PairState, Throughput, max_in_any_window};
    use crate::ids::NumberId;
    use crate::time::Timestamp;

    const LIMIT: NumberLimit = NumberLimit {
        per_window: 20,
        window_ms: 1_000,
    };
    const LOOSE: PairRate = PairRate {
        interval_ms: 1,
        burst: 1_000_000,
    };

    #[test]
    fn throughput_allows_the_limit_then_says_when_the_window_frees() {
        let mut t = Throughput::default();
        for i in 0..20 {
            let now = Timestamp(10_000 + i * 10);
            t.check(now, 20, 1_000).unwrap();
            t.record(now);
        }
        assert_eq!(
            t.check(Timestamp(10_500), 20, 1_000),
            Err(Timestamp(11_000))
        );
        assert!(t.check(Timestamp(11_000), 20, 1_000).is_ok());
    }

    #[test]
    fn a_start_that_left_late_holds_its_slot_from_when_it_left() {
        let mut t = Throughput::default();
        for _ in 0..2 {
            t.check(Timestamp(0), 2, 1_000).unwrap();
            t.record(Timestamp(0));
        }
        // One of the two claims took 400 ms to commit before its request left.
        t.restamp(Timestamp(0), Timestamp(400));
        assert_eq!(t.check(Timestamp(1_000), 2, 1_000), Ok(()));
        t.record(Timestamp(1_000));
        assert_eq!(t.check(Timestamp(1_000), 2, 1_000), Err(Timestamp(1_400)));
    }

    #[test]
    fn a_pause_after_130429_holds_the_number() {
        let mut t = Throughput::default();
        t.pause_until(Timestamp(5_000));
        assert_eq!(t.check(Timestamp(4_000), 20, 1_000), Err(Timestamp(5_000)));
        assert!(t.check(Timestamp(5_000), 20, 1_000).is_ok());
    }

    #[test]
    fn pair_rate_allows_the_burst_then_one_per_interval() {
        let rate = PairRate {
            interval_ms: 6_000,
            burst: 3,
        };
        let mut p = PairState::default();
        for _ in 0..3 {
            p.check(Timestamp(0), rate).unwrap();
            p.record(Timestamp(0), rate);
        }
        assert_eq!(p.check(Timestamp(0), rate), Err(Timestamp(6_000)));
        assert!(p.check(Timestamp(6_000), rate).is_ok());
    }

    #[test]
    fn a_denied_pair_does_not_consume_number_throughput() {
        let mut g = Governor::default();
        let n = NumberId(1);
        let one = PairRate {
            interval_ms: 6_000,
            burst: 1,
        };
        g.admit(n, "a", LIMIT, one, Timestamp(0)).unwrap();
        for _ in 0..50 {
            assert!(g.admit(n, "a", LIMIT, one, Timestamp(0)).is_err());
        }
        for i in 0..19 {
            g.admit(n, &format!("r{i}"), LIMIT, one, Timestamp(0))
                .unwrap();
        }
        assert!(g.admit(n, "z", LIMIT, one, Timestamp(0)).is_err());
    }

    #[test]
    fn idle_pairs_are_forgotten() {
        let mut g = Governor::default();
        g.admit(NumberId(1), "a", LIMIT, PairRate::default(), Timestamp(0))
            .unwrap();
        g.forget_idle(Timestamp(1_000));
        assert_eq!(g.pairs_tracked(), 1);
        g.forget_idle(Timestamp(6_000));
        assert_eq!(g.pairs_tracked(), 0);
    }

    #[test]
    fn the_window_count_is_over_half_open_windows() {
        assert_eq!(max_in_any_window(&[0, 999, 1_000, 1_999], 1_000), 2);
        assert_eq!(max_in_any_window(&[5, 5, 5], 1_000), 3);
        assert_eq!(max_in_any_window(&[], 1_000), 0);
    }

    proptest! {
        #[test]
        fn no_window_ever_holds_more_than_the_limit(
            arrivals in proptest::collection::vec(0i64..5_000, 1..400),
            limit in 1u32..40,
        ) {
            // Senders ask at arbitrary times and retry exactly when told.
            let mut g = Governor::default();
            let lim = NumberLimit { per_window: limit, window_ms: 1_000 };
            // The earliest pending ask first (a min-heap: a retry costs a push, not a re-sort,
            // so a low limit's many retries stay cheap).
            let mut pending: BinaryHeap<Reverse<i64>> = arrivals.into_iter().map(Reverse).collect();
            let mut starts = Vec::new();
            while let Some(Reverse(next)) = pending.pop() {
                let now = Timestamp(next);
                let recipient = format!("r{}", starts.len());
                match g.admit(NumberId(1), &recipient, lim, LOOSE, now) {
                    Ok(()) => starts.push(now.0),
                    Err(at) => { prop_assert!(at > now); pending.push(Reverse(at.0)); }
                }
            }
            prop_assert!(max_in_any_window(&starts, 1_000) <= limit as usize);
        }
    }
}
