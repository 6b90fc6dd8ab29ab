//! The delivery-status lattice of an outbound message.
//!
//! Meta delivers status webhooks at least once and in any order: a `delivered` may arrive after
//! `read`, a `sent` after `delivered`. A message's status is therefore the *join* (the maximum)
//! of every status ever seen for it, in the total order
//!
//! `pending < accepted < sent < failed < delivered < read < played`.
//!
//! Applying statuses in any order, any number of times, gives the same result, and no status ever
//! moves backwards. `failed` sits between `sent` and `delivered`: a failure supersedes "sent" but
//! not a later delivery receipt, which is stronger evidence than the failure (Meta never reports
//! both for one message; if it did, the receipt from the phone is what happened).
//!
//! Backends must keep the rest of a message's state order-independent too: when a delivery
//! receipt supersedes `failed`, the failure's error is dropped from the message, otherwise the
//! final state would depend on whether the receipt or the failure arrived first.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::message::UnknownName;

/// Where an outbound message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// In our outbox, not yet handed to Meta.
    Pending,
    /// Meta answered the send with a wamid.
    Accepted,
    /// Meta sent it (one grey tick).
    Sent,
    /// Meta could not deliver it; the error is kept beside the status.
    Failed,
    /// On the customer's phone (two grey ticks).
    Delivered,
    /// Read by the customer (two blue ticks).
    Read,
    /// A voice message the customer played.
    Played,
}

/// What applying an incoming status did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// The status moved forward to this value.
    Advanced(DeliveryStatus),
    /// The incoming status was not newer: nothing changed.
    Unchanged,
}

impl DeliveryStatus {
    /// Every status, in lattice order.
    pub const ALL: [DeliveryStatus; 7] = [
        DeliveryStatus::Pending,
        DeliveryStatus::Accepted,
        DeliveryStatus::Sent,
        DeliveryStatus::Failed,
        DeliveryStatus::Delivered,
        DeliveryStatus::Read,
        DeliveryStatus::Played,
    ];

    /// The join of the current status and an incoming one.
    pub fn advance(current: Option<DeliveryStatus>, incoming: DeliveryStatus) -> Transition {
        match current {
            Some(c) if c >= incoming => Transition::Unchanged,
            _ => Transition::Advanced(incoming),
        }
    }

    /// The stable lowercase name used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Accepted => "accepted",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Read => "read",
            DeliveryStatus::Played => "played",
        }
    }

    /// Maps Meta's status webhook value (`sent`, `delivered`, `read`, `played`, `failed`).
    /// Other values (Meta adds some now and then) are not a delivery status we track.
    pub fn from_webhook(s: &str) -> Option<DeliveryStatus> {
        match s {
            "sent" => Some(DeliveryStatus::Sent),
            "delivered" => Some(DeliveryStatus::Delivered),
            "read" => Some(DeliveryStatus::Read),
            "played" => Some(DeliveryStatus::Played),
            "failed" => Some(DeliveryStatus::Failed),
            _ => None,
        }
    }

    /// Maps the uppercase `history_context.status` of imported history (META.md §5.4):
    /// DELIVERED → delivered, ERROR → failed, PENDING and SENT → sent, PLAYED → played,
    /// READ → read.
    pub fn from_history(s: &str) -> Option<DeliveryStatus> {
        match s {
            "DELIVERED" => Some(DeliveryStatus::Delivered),
            "ERROR" => Some(DeliveryStatus::Failed),
            "PENDING" | "SENT" => Some(DeliveryStatus::Sent),
            "PLAYED" => Some(DeliveryStatus::Played),
            "READ" => Some(DeliveryStatus::Read),
            _ => None,
        }
    }
}

impl fmt::Display for DeliveryStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DeliveryStatus {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DeliveryStatus::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| UnknownName::new("delivery status", s))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::{any, prop_assert_eq, proptest};
    use proptest::sample::select;

    use super::{DeliveryStatus, Transition};

    fn apply_all(seq: &[DeliveryStatus]) -> Option<DeliveryStatus> {
        seq.iter()
            .fold(None, |cur, s| match DeliveryStatus::advance(cur, *s) {
                Transition::Advanced(n) => Some(n),
                Transition::Unchanged => cur,
            })
    }

    #[test]
    fn a_late_delivered_after_read_is_a_no_op() {
        let t = DeliveryStatus::advance(Some(DeliveryStatus::Read), DeliveryStatus::Delivered);
        assert_eq!(t, Transition::Unchanged);
    }

    #[test]
    fn failed_supersedes_sent_but_not_a_delivery_receipt() {
        let sent = Some(DeliveryStatus::Sent);
        let failed = DeliveryStatus::Failed;
        assert_eq!(
            DeliveryStatus::advance(sent, failed),
            Transition::Advanced(failed)
        );
        let delivered = Some(DeliveryStatus::Delivered);
        assert_eq!(
            DeliveryStatus::advance(delivered, failed),
            Transition::Unchanged
        );
    }

    #[test]
    fn history_statuses_map_as_documented() {
        assert_eq!(
            DeliveryStatus::from_history("PENDING"),
            Some(DeliveryStatus::Sent)
        );
        assert_eq!(
            DeliveryStatus::from_history("ERROR"),
            Some(DeliveryStatus::Failed)
        );
        assert_eq!(
            DeliveryStatus::from_history("PLAYED"),
            Some(DeliveryStatus::Played)
        );
        assert_eq!(DeliveryStatus::from_history("weird"), None);
    }

    proptest! {
        #[test]
        fn status_never_moves_backwards(seq in proptest::collection::vec(select(DeliveryStatus::ALL.to_vec()), 0..20)) {
            let mut cur = None;
            for s in &seq {
                let before = cur;
                if let Transition::Advanced(n) = DeliveryStatus::advance(cur, *s) { cur = Some(n); }
                prop_assert_eq!(cur >= before, true);
            }
        }

        #[test]
        fn order_and_duplicates_do_not_matter(seq in proptest::collection::vec(select(DeliveryStatus::ALL.to_vec()), 0..20), seed in any::<u64>()) {
            let mut shuffled = seq.clone();
            // A cheap deterministic shuffle plus duplication of every element.
            let n = shuffled.len().max(1) as u64;
            shuffled.rotate_left((seed % n) as usize);
            shuffled.extend(seq.iter().rev().copied());
            prop_assert_eq!(apply_all(&seq), apply_all(&shuffled));
            prop_assert_eq!(apply_all(&seq), seq.iter().copied().max());
        }
    }
}
