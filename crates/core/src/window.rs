//! Meta's customer service window (24 hours from the customer's last message) and the free entry
//! point window (72 hours, opened by a timely reply to a customer who came from a click-to-WhatsApp
//! ad or a Page call-to-action). See META.md §7.4.
//!
//! Only live customer messages open or extend the service window ([`crate::message::Origin::opens_service_window`]):
//! what the owner types on the phone, imported history and our own sends never do.

use serde::Serialize;

use crate::time::{HOUR_MS, Timestamp};

/// How long a customer message keeps the service window open.
pub const SERVICE_WINDOW_MS: i64 = 24 * HOUR_MS;
/// How long a free entry point window lasts once opened.
pub const FREE_ENTRY_POINT_WINDOW_MS: i64 = 72 * HOUR_MS;

/// The service window of one chat, derived from its last live customer message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ServiceWindow {
    /// When the customer last wrote (Meta's timestamp of that message), if ever.
    pub last_customer_message_at: Option<Timestamp>,
}

/// The window as an API client or an agent sees it at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum WindowState {
    /// Free-form messages may be sent until `closes_at`.
    Open {
        /// When the window closes unless the customer writes again.
        closes_at: Timestamp,
        /// Milliseconds left.
        remaining_ms: i64,
    },
    /// Only templates may be sent.
    Closed {
        /// When it closed; `None` if the customer never wrote live.
        closed_at: Option<Timestamp>,
    },
}

impl ServiceWindow {
    /// The window after a customer message sent at `at`. Older messages (redelivered or out of
    /// order) never shorten it.
    pub fn with_customer_message(self, at: Timestamp) -> Self {
        let last = match self.last_customer_message_at {
            Some(prev) if prev >= at => prev,
            _ => at,
        };
        ServiceWindow {
            last_customer_message_at: Some(last),
        }
    }

    /// When the window closes (or closed).
    pub fn closes_at(self) -> Option<Timestamp> {
        self.last_customer_message_at
            .map(|t| t.plus_ms(SERVICE_WINDOW_MS))
    }

    /// Whether free-form messages may be sent at `now`.
    pub fn is_open(self, now: Timestamp) -> bool {
        self.closes_at().is_some_and(|c| now < c)
    }

    /// The state at `now`.
    pub fn state(self, now: Timestamp) -> WindowState {
        match self.closes_at() {
            Some(closes_at) if now < closes_at => WindowState::Open {
                closes_at,
                remaining_ms: closes_at.since(now),
            },
            closed_at => WindowState::Closed { closed_at },
        }
    }
}

/// The free entry point window of a chat (META.md §7.4): a customer arrives through an ad
/// (`referral`), the business replies within 24 hours, and for 72 hours from that reply every
/// message, templates included, is free.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FreeEntryPoint {
    /// When the customer's message carrying a `referral` arrived.
    pub referral_at: Option<Timestamp>,
    /// When the business first replied after it.
    pub first_reply_at: Option<Timestamp>,
}

impl FreeEntryPoint {
    /// When the free window closes, if a timely reply opened one.
    pub fn closes_at(self) -> Option<Timestamp> {
        let (referral, reply) = (self.referral_at?, self.first_reply_at?);
        (reply >= referral && reply.since(referral) < SERVICE_WINDOW_MS)
            .then(|| reply.plus_ms(FREE_ENTRY_POINT_WINDOW_MS))
    }

    /// Whether messages sent at `now` fall inside an open free entry point window.
    pub fn is_open(self, now: Timestamp) -> bool {
        self.closes_at().is_some_and(|c| now < c)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::{prop_assert, proptest};

    use super::{FreeEntryPoint, ServiceWindow, WindowState};
    use crate::time::{HOUR_MS, Timestamp};

    const T0: Timestamp = Timestamp(1_750_000_000_000);

    #[test]
    fn window_closes_24h_after_last_inbound() {
        let w = ServiceWindow::default().with_customer_message(T0);
        assert!(w.is_open(T0.plus_ms(24 * HOUR_MS - 1)));
        assert!(!w.is_open(T0.plus_ms(24 * HOUR_MS)));
        assert_eq!(
            w.state(T0.plus_ms(25 * HOUR_MS)),
            WindowState::Closed {
                closed_at: Some(T0.plus_ms(24 * HOUR_MS))
            }
        );
    }

    #[test]
    fn a_chat_the_customer_never_opened_is_closed() {
        let w = ServiceWindow::default();
        assert!(!w.is_open(T0));
        assert_eq!(w.state(T0), WindowState::Closed { closed_at: None });
    }

    #[test]
    fn free_entry_point_needs_a_reply_within_24h() {
        let timely = FreeEntryPoint {
            referral_at: Some(T0),
            first_reply_at: Some(T0.plus_ms(HOUR_MS)),
        };
        assert!(timely.is_open(T0.plus_ms(72 * HOUR_MS)));
        assert!(!timely.is_open(T0.plus_ms(74 * HOUR_MS)));
        let late = FreeEntryPoint {
            referral_at: Some(T0),
            first_reply_at: Some(T0.plus_ms(25 * HOUR_MS)),
        };
        assert!(!late.is_open(T0.plus_ms(26 * HOUR_MS)));
    }

    proptest! {
        #[test]
        fn an_older_redelivered_message_never_shortens_the_window(a in 0i64..1_000_000_000, b in 0i64..1_000_000_000) {
            let w = ServiceWindow::default().with_customer_message(Timestamp(a)).with_customer_message(Timestamp(b));
            prop_assert!(w.last_customer_message_at == Some(Timestamp(a.max(b))));
        }
    }
}
