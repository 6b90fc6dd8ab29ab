//! Reminders to the number's owner to open the WhatsApp Business app: Meta disconnects a
//! coexistence number whose phone app was not opened for about 14 days (`PRIMARY_INACTIVITY`),
//! so the owner is reminded at 10 and again at 12 days.
//!
//! A reminder is sent once per threshold and *inactivity period*: a period starts at the last
//! sign of life from the phone app, so opening the app starts a new one (and new reminders
//! later). Only the highest threshold reached is sent: after an outage at day 13, one urgent
//! reminder is better than a stale "10 days" one followed by the urgent one.

use crate::number::{AppActivity, INACTIVITY_WARNING_DAYS};

/// Days of phone-app inactivity at which the owner is reminded.
pub const REMINDER_DAYS: [i64; 2] = INACTIVITY_WARNING_DAYS;

/// The reminder due for `activity`, given the highest threshold already sent for the same period
/// (`sent`, keyed by `activity.last_seen_at`); `None` when nothing is due.
pub fn reminder_due(activity: &AppActivity, sent: Option<i64>) -> Option<i64> {
    let reached = REMINDER_DAYS
        .into_iter()
        .filter(|days| activity.inactive_days >= *days)
        .max()?;
    match sent {
        Some(done) if done >= reached => None,
        _ => Some(reached),
    }
}

#[cfg(test)]
mod tests {
    use super::reminder_due;
    use crate::number::{NumberMode, app_activity};
    use crate::time::{DAY_MS, Timestamp};

    const T0: Timestamp = Timestamp(1_772_442_000_000);

    fn at(days: i64) -> crate::number::AppActivity {
        app_activity(NumberMode::Coexistence, Some(T0), T0.plus_ms(days * DAY_MS)).unwrap()
    }

    #[test]
    fn reminders_fall_due_at_10_and_12_days_once_each() {
        assert_eq!(reminder_due(&at(9), None), None);
        assert_eq!(reminder_due(&at(10), None), Some(10));
        assert_eq!(reminder_due(&at(11), Some(10)), None);
        assert_eq!(reminder_due(&at(12), Some(10)), Some(12));
        assert_eq!(reminder_due(&at(13), Some(12)), None);
    }

    #[test]
    fn after_an_outage_only_the_highest_threshold_is_sent() {
        assert_eq!(reminder_due(&at(13), None), Some(12));
    }
}
