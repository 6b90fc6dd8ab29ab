//! Clocks: [`SystemClock`] is the only code in the hub that reads the OS clock; tests use a
//! [`ManualClock`] they move by hand.

use std::sync::atomic::{AtomicI64, Ordering};

use coexist_core::time::{Clock, Timestamp};
use time::OffsetDateTime;

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_offset_datetime(OffsetDateTime::now_utc())
    }
}

/// A clock that stands still until told otherwise.
#[derive(Debug)]
pub struct ManualClock {
    now_ms: AtomicI64,
}

impl ManualClock {
    /// A clock showing `now`.
    pub fn new(now: Timestamp) -> Self {
        ManualClock {
            now_ms: AtomicI64::new(now.millis()),
        }
    }

    /// Moves the clock to `now` (backwards too: tests may need it).
    pub fn set(&self, now: Timestamp) {
        self.now_ms.store(now.millis(), Ordering::SeqCst);
    }

    /// Moves the clock forward by `ms` milliseconds.
    pub fn advance_ms(&self, ms: i64) {
        self.now_ms.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.now_ms.load(Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use coexist_core::time::{Clock, Timestamp};

    use super::{ManualClock, SystemClock};

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let clock = ManualClock::new(Timestamp(1_000));
        assert_eq!(clock.now(), Timestamp(1_000));
        clock.advance_ms(500);
        assert_eq!(clock.now(), Timestamp(1_500));
        clock.set(Timestamp(10));
        assert_eq!(clock.now(), Timestamp(10));
    }

    #[test]
    fn the_system_clock_is_after_2025() {
        assert!(SystemClock.now() > Timestamp::from_unix_secs(1_735_689_600));
    }
}
