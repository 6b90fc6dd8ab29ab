//! The sandbox clock: the only place that reads the OS clock.
//!
//! In explicit mode time is a number that moves only when a test advances it. In auto mode it
//! follows real time (optionally sped up), plus whatever a test or operator advanced on top.
//! All times are Unix milliseconds.

use std::sync::Mutex;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

#[derive(Debug)]
enum Source {
    Manual,
    Real { origin: Instant, scale: f64 },
}

#[derive(Debug)]
struct State {
    source: Source,
    base_ms: u64,
    advanced_ms: u64,
}

/// Simulated time, shared by the HTTP handlers and the pump.
#[derive(Debug)]
pub(crate) struct SimClock {
    state: Mutex<State>,
}

impl SimClock {
    /// A clock that never moves on its own.
    pub(crate) fn manual(start_ms: u64) -> Self {
        SimClock::with(Source::Manual, start_ms)
    }

    /// A clock that follows real time from `start_ms`, `scale` sandbox seconds per real second.
    pub(crate) fn real(start_ms: u64, scale: f64) -> Self {
        let scale = if scale.is_finite() && scale > 0.0 {
            scale
        } else {
            1.0
        };
        SimClock::with(
            Source::Real {
                origin: Instant::now(),
                scale,
            },
            start_ms,
        )
    }

    fn with(source: Source, base_ms: u64) -> Self {
        SimClock {
            state: Mutex::new(State {
                source,
                base_ms,
                advanced_ms: 0,
            }),
        }
    }

    /// The wall clock in Unix ms, used only as the default start of auto mode.
    pub(crate) fn wall_now_ms() -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0)
    }

    /// Now, in sandbox Unix ms.
    pub(crate) fn now_ms(&self) -> u64 {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let elapsed = match &state.source {
            Source::Manual => 0,
            Source::Real { origin, scale } => (origin.elapsed().as_millis() as f64 * scale) as u64,
        };
        state.base_ms + state.advanced_ms + elapsed
    }

    /// Moves time forward by `ms` and returns the new now.
    pub(crate) fn advance(&self, ms: u64) -> u64 {
        {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            state.advanced_ms = state.advanced_ms.saturating_add(ms);
        }
        self.now_ms()
    }

    /// Real milliseconds until sandbox time `target_ms` (0 if already past, `None` if manual).
    pub(crate) fn real_ms_until(&self, target_ms: u64) -> Option<u64> {
        let now = self.now_ms();
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match state.source {
            Source::Manual => None,
            Source::Real { scale, .. } => {
                Some((target_ms.saturating_sub(now) as f64 / scale).ceil() as u64)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SimClock;

    #[test]
    fn manual_clock_moves_only_when_advanced() {
        let clock = SimClock::manual(1_000);
        assert_eq!(clock.now_ms(), 1_000);
        assert_eq!(clock.now_ms(), 1_000);
        assert_eq!(clock.advance(500), 1_500);
        assert_eq!(clock.real_ms_until(2_000), None);
    }

    #[test]
    fn real_clock_never_goes_backwards_and_includes_advances() {
        let clock = SimClock::real(1_000, 1.0);
        let first = clock.now_ms();
        assert!(first >= 1_000);
        let after = clock.advance(10_000);
        assert!(after >= first + 10_000);
        assert_eq!(clock.real_ms_until(0), Some(0));
    }
}
