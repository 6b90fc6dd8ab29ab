//! Customers (WhatsApp users) and the per-(number, customer) conversation state: the 24 h
//! customer service window, the click-to-WhatsApp free entry point window, and the pair rate.

use serde::Serialize;

use crate::ratelimit::PairGcra;

/// 24 hours in ms: the customer service window.
pub(crate) const SERVICE_WINDOW_MS: u64 = 24 * 3_600_000;
/// 72 hours in ms: the free entry point window opened by a timely reply to a CTWA entry.
pub(crate) const FEP_WINDOW_MS: u64 = 72 * 3_600_000;

/// A WhatsApp user.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Customer {
    pub(crate) wa_id: String,
    pub(crate) name: String,
    /// Business-scoped user id (`user_id`).
    pub(crate) user_id: String,
    /// Parent business-scoped user id (`parent_user_id`).
    pub(crate) parent_user_id: String,
    /// The customer asked to stop marketing messages (`user_preferences`).
    pub(crate) marketing_stopped: bool,
}

/// An open free entry point window.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FepWindow {
    pub(crate) opened_at: u64,
    pub(crate) until: u64,
    /// `conversation.id`, unique per window.
    pub(crate) conversation_id: String,
}

/// Conversation state of one customer with one business number.
#[derive(Debug, Default, Serialize)]
pub(crate) struct Thread {
    /// Last message from the customer (received through the API); opens the 24 h window.
    pub(crate) last_customer_message_at: Option<u64>,
    /// Last customer message that came from a click-to-WhatsApp ad (`referral`).
    pub(crate) referral_entry_at: Option<u64>,
    /// The referral entry that already opened a FEP window (one window per entry).
    pub(crate) fep_entry_used: Option<u64>,
    pub(crate) fep: Option<FepWindow>,
    /// When the business last marked the customer's messages as read (the customer sees it).
    pub(crate) read_by_business_at: Option<u64>,
    /// The customer sees "typing…" until then (25 s after a typing indicator).
    pub(crate) typing_until: Option<u64>,
    #[serde(skip)]
    pub(crate) pair: PairGcra,
}

impl Thread {
    /// Whether the 24 h customer service window is open at `now`.
    pub(crate) fn service_window_open(&self, now: u64) -> bool {
        self.last_customer_message_at
            .is_some_and(|at| now < at + SERVICE_WINDOW_MS)
    }

    /// The FEP window open at `now`, if any.
    pub(crate) fn open_fep(&self, now: u64) -> Option<&FepWindow> {
        self.fep.as_ref().filter(|w| now < w.until)
    }

    /// Whether a reply at `now` opens a new FEP window: the customer came from a CTWA ad less
    /// than 24 h ago and that entry has not opened one yet.
    pub(crate) fn reply_opens_fep(&self, now: u64) -> bool {
        match self.referral_entry_at {
            Some(at) => now < at + SERVICE_WINDOW_MS && self.fep_entry_used != Some(at),
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{SERVICE_WINDOW_MS, Thread};

    #[test]
    fn service_window_is_open_for_24_hours_after_the_last_customer_message() {
        let thread = Thread {
            last_customer_message_at: Some(1_000),
            ..Thread::default()
        };
        assert!(thread.service_window_open(1_000));
        assert!(thread.service_window_open(1_000 + SERVICE_WINDOW_MS - 1));
        assert!(!thread.service_window_open(1_000 + SERVICE_WINDOW_MS));
        assert!(!Thread::default().service_window_open(0));
    }

    #[test]
    fn a_referral_entry_opens_at_most_one_fep_window() {
        let mut thread = Thread {
            referral_entry_at: Some(0),
            ..Thread::default()
        };
        assert!(thread.reply_opens_fep(10));
        thread.fep_entry_used = Some(0);
        assert!(!thread.reply_opens_fep(20));
        thread.referral_entry_at = Some(100);
        assert!(!thread.reply_opens_fep(100 + SERVICE_WINDOW_MS));
    }
}
