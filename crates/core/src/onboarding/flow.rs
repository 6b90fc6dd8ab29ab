//! The steps of one onboarding through Embedded Signup (META.md §10.3), as a state machine.
//!
//! ```text
//! started ─► code_received ─► token_stored ─► subscribed ─┬──────────────► onboarded
//!    │             │               │              │        └► registered ─► onboarded
//!    └─────────────┴───────────────┴──────────────┴──► cancelled            (Cloud API only)
//! ```
//!
//! Only one step at a time, only forward. A failure does not move the flow: the record keeps
//! its last completed step and the error, and the steps after `token_stored` (subscribing,
//! registering) are safe to try again, while the code exchange is not (Meta's code is one-time).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::message::UnknownName;
use crate::number::NumberMode;

/// Where an onboarding stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowStep {
    /// The admin passed the preflight and opened Embedded Signup.
    Started,
    /// The signup finished: Meta's event (business account, number) and the one-time code
    /// arrived at the hub.
    CodeReceived,
    /// The code was exchanged for the business's token, stored encrypted.
    TokenStored,
    /// The app is subscribed to the business account's webhooks.
    Subscribed,
    /// Cloud API only: the number is registered (coexistence numbers never are).
    Registered,
    /// Done: the number is configured and live.
    Onboarded,
    /// Abandoned by the admin, or the signup was cancelled in Meta's window.
    Cancelled,
}

/// A move the state machine does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an onboarding at step {from} cannot move to {to}{}", .why.map(|w| format!(": {w}")).unwrap_or_default())]
pub struct FlowError {
    /// Where it was.
    pub from: FlowStep,
    /// Where it was asked to go.
    pub to: FlowStep,
    /// Why not, when there is more to say than the two steps.
    pub why: Option<&'static str>,
}

impl FlowStep {
    /// Every step, in flow order.
    pub const ALL: [FlowStep; 7] = [
        FlowStep::Started,
        FlowStep::CodeReceived,
        FlowStep::TokenStored,
        FlowStep::Subscribed,
        FlowStep::Registered,
        FlowStep::Onboarded,
        FlowStep::Cancelled,
    ];

    /// The stable name used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            FlowStep::Started => "started",
            FlowStep::CodeReceived => "code_received",
            FlowStep::TokenStored => "token_stored",
            FlowStep::Subscribed => "subscribed",
            FlowStep::Registered => "registered",
            FlowStep::Onboarded => "onboarded",
            FlowStep::Cancelled => "cancelled",
        }
    }

    /// A short label for people.
    pub fn label(self) -> &'static str {
        match self {
            FlowStep::Started => "Waiting for Meta's signup window",
            FlowStep::CodeReceived => "Signup finished",
            FlowStep::TokenStored => "Business token stored",
            FlowStep::Subscribed => "Webhooks subscribed",
            FlowStep::Registered => "Number registered",
            FlowStep::Onboarded => "Onboarded",
            FlowStep::Cancelled => "Cancelled",
        }
    }

    /// Whether nothing follows.
    pub fn is_terminal(self) -> bool {
        matches!(self, FlowStep::Onboarded | FlowStep::Cancelled)
    }

    /// The next step on the way to `onboarded` for a number of `mode` (`None` when terminal).
    pub fn next(self, mode: NumberMode) -> Option<FlowStep> {
        match self {
            FlowStep::Started => Some(FlowStep::CodeReceived),
            FlowStep::CodeReceived => Some(FlowStep::TokenStored),
            FlowStep::TokenStored => Some(FlowStep::Subscribed),
            FlowStep::Subscribed => Some(match mode {
                NumberMode::CloudApi => FlowStep::Registered,
                NumberMode::Coexistence => FlowStep::Onboarded,
            }),
            FlowStep::Registered => Some(FlowStep::Onboarded),
            FlowStep::Onboarded | FlowStep::Cancelled => None,
        }
    }

    /// Checks a move: exactly the next step, or a cancellation before the end. Coexistence
    /// numbers are never registered (Meta: "skip phone-number registration"; they already are).
    pub fn check_move(self, to: FlowStep, mode: NumberMode) -> Result<(), FlowError> {
        let refuse = |why| {
            Err(FlowError {
                from: self,
                to,
                why,
            })
        };
        if self.is_terminal() {
            return refuse(Some("the onboarding is over"));
        }
        if to == FlowStep::Cancelled || self.next(mode) == Some(to) {
            return Ok(());
        }
        if to == FlowStep::Registered && mode == NumberMode::Coexistence {
            return refuse(Some(
                "a coexistence number is already registered on the WhatsApp Business app and must not be registered through the API",
            ));
        }
        refuse(None)
    }

    /// Whether the remaining steps can be tried again after a failure: only once the token is
    /// stored, because Meta's code works once and only for about 30 seconds.
    pub fn can_resume(self) -> bool {
        matches!(
            self,
            FlowStep::TokenStored | FlowStep::Subscribed | FlowStep::Registered
        )
    }
}

impl FromStr for FlowStep {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FlowStep::ALL
            .into_iter()
            .find(|step| step.as_str() == s)
            .ok_or_else(|| UnknownName::new("onboarding step", s))
    }
}

impl fmt::Display for FlowStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::FlowStep;
    use crate::number::NumberMode;

    /// Walks the happy path of `mode` from `started`.
    fn path(mode: NumberMode) -> Vec<FlowStep> {
        let mut steps = vec![FlowStep::Started];
        while let Some(next) = steps.last().and_then(|s| s.next(mode)) {
            steps.last().unwrap().check_move(next, mode).unwrap();
            steps.push(next);
        }
        steps
    }

    #[test]
    fn coexistence_skips_registration_and_cloud_api_registers() {
        use FlowStep::*;
        assert_eq!(
            path(NumberMode::Coexistence),
            [Started, CodeReceived, TokenStored, Subscribed, Onboarded]
        );
        assert_eq!(
            path(NumberMode::CloudApi),
            [
                Started,
                CodeReceived,
                TokenStored,
                Subscribed,
                Registered,
                Onboarded
            ]
        );
        let err = Subscribed
            .check_move(Registered, NumberMode::Coexistence)
            .unwrap_err();
        assert!(err.to_string().contains("must not be registered"), "{err}");
    }

    #[test]
    fn steps_are_never_skipped_repeated_or_undone() {
        use FlowStep::*;
        let mode = NumberMode::CloudApi;
        assert!(Started.check_move(TokenStored, mode).is_err());
        assert!(CodeReceived.check_move(CodeReceived, mode).is_err());
        assert!(Subscribed.check_move(TokenStored, mode).is_err());
        assert!(Onboarded.check_move(Cancelled, mode).is_err());
        assert!(Cancelled.check_move(Started, mode).is_err());
        assert!(Subscribed.check_move(Cancelled, mode).is_ok());
    }

    #[test]
    fn only_steps_after_the_code_exchange_can_be_resumed() {
        assert!(!FlowStep::CodeReceived.can_resume());
        assert!(FlowStep::TokenStored.can_resume());
        assert!(FlowStep::Subscribed.can_resume());
        assert!(!FlowStep::Onboarded.can_resume());
    }

    #[test]
    fn names_round_trip() {
        for step in FlowStep::ALL {
            assert_eq!(step.as_str().parse::<FlowStep>().unwrap(), step);
        }
        assert!("nope".parse::<FlowStep>().is_err());
    }
}
