//! A chat's inbox state and how it moves.
//!
//! Status: `open` (someone should look), `pending` (a bot has it; set by automation later),
//! `snoozed` (hidden until a time), `resolved` (done). Rules:
//! - A live customer message reopens a `resolved` chat and wakes a `snoozed` one
//!   ([`InboxStatus::after_customer_message`]). History and echoes never do (ARCHITECTURE §4:
//!   history is quiet; an echo means the owner answered from the phone).
//! - A snooze ends by itself: a `snoozed` chat whose time has passed reads as `open`
//!   ([`InboxStatus::effective`]), with no write needed.
//! - Agents assign, resolve, reopen, snooze and label ([`InboxState::apply`]); a change that
//!   changes nothing is reported as such, so no event is emitted for it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::input::Label;
use crate::ids::UserId;
use crate::message::UnknownName;
use crate::time::{DAY_MS, Timestamp};

/// The longest snooze accepted.
pub const MAX_SNOOZE_MS: i64 = 366 * DAY_MS;

/// Where a chat stands in the inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InboxStatus {
    /// Needs an agent.
    Open,
    /// A bot is handling it (set by automation).
    Pending,
    /// Hidden until `snoozed_until`.
    Snoozed,
    /// Done, until the customer writes again.
    Resolved,
}

impl InboxStatus {
    /// Every status, in the order the API documents them.
    pub const ALL: [InboxStatus; 4] = [
        InboxStatus::Open,
        InboxStatus::Pending,
        InboxStatus::Snoozed,
        InboxStatus::Resolved,
    ];

    /// The stable lowercase name used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            InboxStatus::Open => "open",
            InboxStatus::Pending => "pending",
            InboxStatus::Snoozed => "snoozed",
            InboxStatus::Resolved => "resolved",
        }
    }

    /// The status as people should see it at `now`: a snooze whose time has passed is over.
    pub fn effective(self, snoozed_until: Option<Timestamp>, now: Timestamp) -> InboxStatus {
        match (self, snoozed_until) {
            (InboxStatus::Snoozed, Some(until)) if until <= now => InboxStatus::Open,
            (status, _) => status,
        }
    }

    /// The status after a new live customer message: a resolved chat reopens and a snoozed
    /// one wakes; an open chat stays open and a bot keeps a pending one.
    pub fn after_customer_message(self) -> InboxStatus {
        match self {
            InboxStatus::Resolved | InboxStatus::Snoozed => InboxStatus::Open,
            other => other,
        }
    }
}

impl fmt::Display for InboxStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for InboxStatus {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        InboxStatus::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| UnknownName::new("inbox status", s))
    }
}

/// What an agent (or an integration) does to a chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChatChange {
    /// Give the chat to a user, or to nobody.
    Assign(Option<UserId>),
    /// Mark it done.
    Resolve,
    /// Open it again (from resolved, snoozed or pending).
    Reopen,
    /// Hide it until a time.
    Snooze {
        /// When it comes back by itself.
        until: Timestamp,
    },
    /// Replace its labels.
    SetLabels(Vec<Label>),
}

/// A change that cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChatChangeError {
    /// The snooze would end before it starts.
    #[error("until: {until} is not in the future")]
    SnoozeInPast {
        /// The time asked for.
        until: Timestamp,
    },
    /// Snoozes longer than [`MAX_SNOOZE_MS`] are refused (likely a mistake).
    #[error("until: {until} is more than a year away")]
    SnoozeTooLong {
        /// The time asked for.
        until: Timestamp,
    },
}

/// The inbox side of one chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxState {
    /// Stored status (see [`InboxStatus::effective`]).
    pub status: InboxStatus,
    /// When a snooze ends.
    pub snoozed_until: Option<Timestamp>,
    /// Who has it.
    pub assignee: Option<UserId>,
    /// Its labels, sorted.
    pub labels: Vec<Label>,
}

/// The result of applying a [`ChatChange`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatUpdate {
    /// The state after the change.
    pub state: InboxState,
    /// The API fields that changed (`status`, `snoozed_until`, `assignee`, `labels`); empty when
    /// the change changed nothing.
    pub fields: Vec<&'static str>,
}

impl ChatUpdate {
    /// Whether the change changed anything.
    pub fn changed(&self) -> bool {
        !self.fields.is_empty()
    }

    /// Whether the chat was given to someone (starts `assigned_at`).
    pub fn assigned(&self) -> bool {
        self.fields.contains(&"assignee") && self.state.assignee.is_some()
    }

    /// Whether the chat became resolved (sets `resolved_at`).
    pub fn resolved(&self) -> bool {
        self.fields.contains(&"status") && self.state.status == InboxStatus::Resolved
    }
}

impl InboxState {
    /// The state of a chat nobody has touched: open, unassigned, no labels.
    pub fn new_open() -> Self {
        InboxState {
            status: InboxStatus::Open,
            snoozed_until: None,
            assignee: None,
            labels: Vec::new(),
        }
    }

    /// Applies `change` at `now`. The status it starts from is the effective one, so acting
    /// on a chat whose snooze has ended treats it as open.
    pub fn apply(
        &self,
        change: &ChatChange,
        now: Timestamp,
    ) -> Result<ChatUpdate, ChatChangeError> {
        let mut next = self.clone();
        next.status = self.status.effective(self.snoozed_until, now);
        match change {
            ChatChange::Assign(user) => next.assignee = *user,
            ChatChange::Resolve => next.status = InboxStatus::Resolved,
            ChatChange::Reopen => next.status = InboxStatus::Open,
            ChatChange::Snooze { until } => {
                check_snooze(*until, now)?;
                next.status = InboxStatus::Snoozed;
                next.snoozed_until = Some(*until);
            }
            ChatChange::SetLabels(labels) => {
                let mut labels = labels.clone();
                labels.sort();
                labels.dedup();
                next.labels = labels;
            }
        }
        // Only a snoozed chat has a snooze time (an ended snooze leaves none behind).
        if next.status != InboxStatus::Snoozed {
            next.snoozed_until = None;
        }
        let fields = self.fields_changed(&next);
        Ok(ChatUpdate {
            state: next,
            fields,
        })
    }

    /// The end of a snooze whose time has passed at `now`, to store and announce: open, with no
    /// snooze time. `None` while the snooze runs, and for a chat that is not snoozed.
    pub fn wake(&self, now: Timestamp) -> Option<ChatUpdate> {
        let woken = self.status == InboxStatus::Snoozed
            && self.status.effective(self.snoozed_until, now) == InboxStatus::Open;
        if !woken {
            return None;
        }
        let next = InboxState {
            status: InboxStatus::Open,
            snoozed_until: None,
            ..self.clone()
        };
        let fields = self.fields_changed(&next);
        Some(ChatUpdate {
            state: next,
            fields,
        })
    }

    fn fields_changed(&self, next: &InboxState) -> Vec<&'static str> {
        let mut fields = Vec::new();
        if self.status != next.status {
            fields.push("status");
        }
        if self.snoozed_until != next.snoozed_until {
            fields.push("snoozed_until");
        }
        if self.assignee != next.assignee {
            fields.push("assignee");
        }
        if self.labels != next.labels {
            fields.push("labels");
        }
        fields
    }
}

fn check_snooze(until: Timestamp, now: Timestamp) -> Result<(), ChatChangeError> {
    if until <= now {
        return Err(ChatChangeError::SnoozeInPast { until });
    }
    if until.since(now) > MAX_SNOOZE_MS {
        return Err(ChatChangeError::SnoozeTooLong { until });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{ChatChange, ChatChangeError, InboxState, InboxStatus};
    use crate::ids::UserId;
    use crate::inbox::input::Label;
    use crate::time::{DAY_MS, HOUR_MS, Timestamp};

    const NOW: Timestamp = Timestamp(1_750_000_000_000);

    fn snoozed(until: Timestamp) -> InboxState {
        InboxState {
            status: InboxStatus::Snoozed,
            snoozed_until: Some(until),
            ..InboxState::new_open()
        }
    }

    #[test]
    fn customer_messages_reopen_resolved_and_wake_snoozed_chats_only() {
        use InboxStatus::{Open, Pending, Resolved, Snoozed};
        let after: Vec<_> = InboxStatus::ALL
            .into_iter()
            .map(InboxStatus::after_customer_message)
            .collect();
        assert_eq!(after, [Open, Pending, Open, Open]);
        assert_eq!(Resolved.after_customer_message(), Open);
        assert_eq!(Snoozed.after_customer_message(), Open);
    }

    #[test]
    fn a_snooze_ends_by_itself_at_its_time() {
        let until = NOW.plus_ms(HOUR_MS);
        let s = InboxStatus::Snoozed;
        assert_eq!(s.effective(Some(until), NOW), InboxStatus::Snoozed);
        assert_eq!(s.effective(Some(until), until), InboxStatus::Open);
        assert_eq!(
            InboxStatus::Resolved.effective(Some(until), until),
            InboxStatus::Resolved
        );
    }

    #[test]
    fn resolving_reports_the_status_and_clears_a_snooze() {
        let update = snoozed(NOW.plus_ms(HOUR_MS))
            .apply(&ChatChange::Resolve, NOW)
            .unwrap();
        assert_eq!(update.state.status, InboxStatus::Resolved);
        assert_eq!(update.state.snoozed_until, None);
        assert_eq!(update.fields, ["status", "snoozed_until"]);
        assert!(update.resolved());
    }

    #[test]
    fn a_change_that_changes_nothing_has_no_fields() {
        let open = InboxState::new_open();
        assert!(!open.apply(&ChatChange::Reopen, NOW).unwrap().changed());
        assert!(
            !open
                .apply(&ChatChange::Assign(None), NOW)
                .unwrap()
                .changed()
        );
        let labels = ChatChange::SetLabels(vec![]);
        assert!(!open.apply(&labels, NOW).unwrap().changed());
    }

    #[test]
    fn reopening_an_expired_snooze_only_clears_the_stale_time() {
        let update = snoozed(NOW).apply(&ChatChange::Reopen, NOW).unwrap();
        assert_eq!(update.state.status, InboxStatus::Open);
        assert_eq!(update.fields, ["status", "snoozed_until"]);
    }

    #[test]
    fn assigning_sets_the_assignee_and_keeps_the_status() {
        let resolved = InboxState {
            status: InboxStatus::Resolved,
            ..InboxState::new_open()
        };
        let update = resolved
            .apply(&ChatChange::Assign(Some(UserId(7))), NOW)
            .unwrap();
        assert_eq!(update.fields, ["assignee"]);
        assert!(update.assigned());
        assert_eq!(update.state.status, InboxStatus::Resolved);
        let unassign = update.state.apply(&ChatChange::Assign(None), NOW).unwrap();
        assert_eq!(unassign.fields, ["assignee"]);
        assert!(!unassign.assigned());
    }

    #[test]
    fn a_snooze_wakes_to_open_once_its_time_has_passed_and_not_before() {
        let until = NOW.plus_ms(HOUR_MS);
        let chat = InboxState {
            assignee: Some(UserId(3)),
            ..snoozed(until)
        };
        assert_eq!(chat.wake(NOW), None, "still snoozed");
        assert_eq!(chat.wake(until.plus_ms(-1)), None, "still snoozed");
        let woken = chat.wake(until).expect("the snooze has ended");
        assert_eq!(woken.state.status, InboxStatus::Open);
        assert_eq!(woken.state.snoozed_until, None);
        assert_eq!(woken.state.assignee, Some(UserId(3)), "the owner stays");
        assert_eq!(woken.fields, ["status", "snoozed_until"]);
        assert_eq!(InboxState::new_open().wake(until), None, "not snoozed");
    }

    #[test]
    fn snoozes_must_end_in_the_future_and_within_a_year() {
        let open = InboxState::new_open();
        let past = ChatChange::Snooze { until: NOW };
        assert_eq!(
            open.apply(&past, NOW),
            Err(ChatChangeError::SnoozeInPast { until: NOW })
        );
        let far = NOW.plus_ms(400 * DAY_MS);
        assert!(matches!(
            open.apply(&ChatChange::Snooze { until: far }, NOW),
            Err(ChatChangeError::SnoozeTooLong { .. })
        ));
        let update = open
            .apply(
                &ChatChange::Snooze {
                    until: NOW.plus_ms(HOUR_MS),
                },
                NOW,
            )
            .unwrap();
        assert_eq!(update.fields, ["status", "snoozed_until"]);
    }

    #[test]
    fn labels_are_kept_sorted_without_duplicates() {
        let l = |s: &str| Label::parse(s).unwrap();
        let change = ChatChange::SetLabels(vec![l("vip"), l("billing"), l("vip")]);
        let update = InboxState::new_open().apply(&change, NOW).unwrap();
        assert_eq!(update.state.labels, [l("billing"), l("vip")]);
        assert_eq!(update.fields, ["labels"]);
    }

    #[test]
    fn names_round_trip() {
        for s in InboxStatus::ALL {
            assert_eq!(s.as_str().parse::<InboxStatus>().unwrap(), s);
        }
        assert!("closed".parse::<InboxStatus>().is_err());
    }
}
