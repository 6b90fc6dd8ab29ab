//! How long a signed-in session lives, and when repeated failed logins are refused.
//!
//! Sessions end after an idle timeout (no request for 12 hours) or an absolute lifetime (7
//! days after sign-in), whichever comes first (OWASP ASVS V7.3). Recording every request would
//! cost a database write per request, so the last-seen time is only moved when it is more than
//! [`SessionPolicy::touch_interval_ms`] old: the idle timeout is exact to within that interval.

use crate::time::{DAY_MS, HOUR_MS, MINUTE_MS, Timestamp};

/// Session lifetimes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// A session unused this long has ended.
    pub idle_timeout_ms: i64,
    /// A session this old has ended, however busy.
    pub lifetime_ms: i64,
    /// How stale the last-seen time may get before a request moves it.
    pub touch_interval_ms: i64,
}

impl Default for SessionPolicy {
    /// 12 hours idle, 7 days absolute, last-seen moved at most every 5 minutes.
    fn default() -> Self {
        SessionPolicy {
            idle_timeout_ms: 12 * HOUR_MS,
            lifetime_ms: 7 * DAY_MS,
            touch_interval_ms: 5 * MINUTE_MS,
        }
    }
}

impl SessionPolicy {
    /// When a session started at `created_at` ends at the latest.
    pub fn expires_at(&self, created_at: Timestamp) -> Timestamp {
        created_at.plus_ms(self.lifetime_ms)
    }

    /// Whether a session is still valid at `now`.
    pub fn is_live(&self, created_at: Timestamp, last_seen_at: Timestamp, now: Timestamp) -> bool {
        now < self.expires_at(created_at) && now < last_seen_at.plus_ms(self.idle_timeout_ms)
    }

    /// Whether a request at `now` should record itself as the session's last activity.
    pub fn needs_touch(&self, last_seen_at: Timestamp, now: Timestamp) -> bool {
        now.since(last_seen_at) >= self.touch_interval_ms
    }
}

/// Refuses sign-in attempts for an email after too many recent failures, whether or not the
/// email belongs to a user (so the answer reveals nothing). While refused, even the right
/// password is refused: otherwise guessing would simply continue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginThrottle {
    /// Failures allowed within the window.
    pub max_failures: u32,
    /// The window, in milliseconds.
    pub window_ms: i64,
}

impl Default for LoginThrottle {
    /// 5 failures per 15 minutes.
    fn default() -> Self {
        LoginThrottle {
            max_failures: 5,
            window_ms: 15 * MINUTE_MS,
        }
    }
}

impl LoginThrottle {
    /// Failures at or after this instant count at `now`.
    pub fn window_start(&self, now: Timestamp) -> Timestamp {
        now.plus_ms(-self.window_ms)
    }

    /// Whether another attempt is refused, given the failures counted since
    /// [`LoginThrottle::window_start`].
    pub fn refuses(&self, recent_failures: u32) -> bool {
        recent_failures >= self.max_failures
    }
}

#[cfg(test)]
mod tests {
    use super::{LoginThrottle, SessionPolicy};
    use crate::time::{DAY_MS, HOUR_MS, MINUTE_MS, Timestamp};

    const T: Timestamp = Timestamp(1_750_000_000_000);

    #[test]
    fn sessions_end_after_12_idle_hours() {
        let p = SessionPolicy::default();
        assert!(p.is_live(T, T, T.plus_ms(12 * HOUR_MS - 1)));
        assert!(!p.is_live(T, T, T.plus_ms(12 * HOUR_MS)));
    }

    #[test]
    fn sessions_end_7_days_after_sign_in_however_busy() {
        let p = SessionPolicy::default();
        let end = T.plus_ms(7 * DAY_MS);
        assert!(p.is_live(T, end.plus_ms(-1), end.plus_ms(-1)));
        assert!(!p.is_live(T, end.plus_ms(-1), end));
        assert_eq!(p.expires_at(T), end);
    }

    #[test]
    fn last_seen_moves_every_5_minutes_at_most() {
        let p = SessionPolicy::default();
        assert!(!p.needs_touch(T, T.plus_ms(5 * MINUTE_MS - 1)));
        assert!(p.needs_touch(T, T.plus_ms(5 * MINUTE_MS)));
    }

    #[test]
    fn the_sixth_attempt_within_15_minutes_is_refused() {
        let t = LoginThrottle::default();
        assert!(!t.refuses(4));
        assert!(t.refuses(5));
        assert_eq!(t.window_start(T), T.plus_ms(-15 * MINUTE_MS));
    }
}
