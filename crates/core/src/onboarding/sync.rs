//! The one-time syncs of a coexistence number (META.md §5.5): after onboarding, the address book
//! (`smb_app_state_sync`) and up to six months of chat history (`history`) are each requested
//! with `POST /{phone_number_id}/smb_app_data`, **once per onboarding and within 24 hours of
//! it**. A second call answers 2593107, a late one 2593108, and doing it over means offboarding
//! the number and onboarding it again.
//!
//! The hub therefore records a request durably *before* calling Meta and never calls twice for
//! the same (number, onboarding, kind). [`check_sync`] decides whether a request may start;
//! [`meta_advice`] says what Meta's answer means and what the admin should do.

use std::fmt;
use std::str::FromStr;

use meta::graph::smb_app_data::{SYNC_DEADLINE_SECS, SyncType};
use serde::{Deserialize, Serialize};

use crate::message::UnknownName;
use crate::number::{NumberMode, NumberState};
use crate::time::{MINUTE_MS, SECOND_MS, Timestamp};

/// Meta's window for the sync requests, from onboarding.
pub const SYNC_WINDOW_MS: i64 = SYNC_DEADLINE_SECS * SECOND_MS;
/// A request recorded this long ago without an answer is shown as "outcome unknown": the call
/// has long timed out, so the process that made it stopped before it could record the answer.
pub const PENDING_GRACE_MS: i64 = 2 * MINUTE_MS;

/// Which sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncKind {
    /// The phone's address book (`smb_app_state_sync`).
    Contacts,
    /// Up to six months of 1:1 chats (`history`).
    History,
}

impl SyncKind {
    /// Both, in the order Meta's steps list them.
    pub const ALL: [SyncKind; 2] = [SyncKind::Contacts, SyncKind::History];

    /// The stable name used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            SyncKind::Contacts => "contacts",
            SyncKind::History => "history",
        }
    }

    /// Meta's `sync_type`.
    pub fn sync_type(self) -> SyncType {
        match self {
            SyncKind::Contacts => SyncType::SmbAppStateSync,
            SyncKind::History => SyncType::History,
        }
    }

    /// For sentences: "the contacts sync", "the history sync".
    pub fn label(self) -> &'static str {
        match self {
            SyncKind::Contacts => "contacts sync",
            SyncKind::History => "history sync",
        }
    }
}

impl FromStr for SyncKind {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SyncKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownName::new("sync kind", s))
    }
}

impl fmt::Display for SyncKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a recorded sync request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    /// Recorded; the call to Meta is under way (or the process stopped during it).
    Pending,
    /// Meta accepted it and gave a `request_id`.
    Accepted,
    /// Meta answered with an error.
    Refused,
    /// The request never left the hub (no connection): Meta saw nothing, so the admin may try
    /// again.
    NotSent,
    /// It left, but no answer came back: Meta may have acted on it. Never retried.
    Unknown,
}

impl SyncState {
    /// Every state.
    pub const ALL: [SyncState; 5] = [
        SyncState::Pending,
        SyncState::Accepted,
        SyncState::Refused,
        SyncState::NotSent,
        SyncState::Unknown,
    ];

    /// The stable name used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            SyncState::Pending => "pending",
            SyncState::Accepted => "accepted",
            SyncState::Refused => "refused",
            SyncState::NotSent => "not_sent",
            SyncState::Unknown => "unknown",
        }
    }
}

impl FromStr for SyncState {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SyncState::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownName::new("sync state", s))
    }
}

/// The state to show at `now`: a request still pending long after any call would have timed
/// out was interrupted, so its outcome is unknown.
pub fn shown_state(state: SyncState, requested_at: Timestamp, now: Timestamp) -> SyncState {
    if state == SyncState::Pending && now.since(requested_at) > PENDING_GRACE_MS {
        SyncState::Unknown
    } else {
        state
    }
}

/// The end of Meta's sync window for a number onboarded at `onboarded_at`.
pub fn sync_deadline(onboarded_at: Timestamp) -> Timestamp {
    onboarded_at.plus_ms(SYNC_WINDOW_MS)
}

/// What [`check_sync`] looks at.
#[derive(Debug, Clone, Copy)]
pub struct SyncCheck {
    /// The number's mode.
    pub mode: NumberMode,
    /// Its stored state.
    pub state: NumberState,
    /// When it was onboarded (the current onboarding).
    pub onboarded_at: Option<Timestamp>,
    /// The request already recorded for this kind and onboarding, with its time.
    pub previous: Option<(SyncState, Timestamp)>,
}

/// Why a sync may not be requested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncRefusal {
    /// Only coexistence numbers have a phone app to sync from.
    NotCoexistence,
    /// The number is not connected to the API.
    NotConnected(NumberState),
    /// coexist does not know when the number was onboarded, so the 24 hours cannot be counted.
    NotOnboarded,
    /// This sync was already requested for this onboarding.
    AlreadyRequested {
        /// When.
        at: Timestamp,
        /// What became of it (as shown).
        state: SyncState,
    },
    /// The 24 hours after onboarding are over.
    DeadlinePassed {
        /// When they ended.
        deadline: Timestamp,
    },
}

impl SyncRefusal {
    /// A stable code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            SyncRefusal::NotCoexistence => "not_coexistence",
            SyncRefusal::NotConnected(_) => "number_not_connected",
            SyncRefusal::NotOnboarded => "onboarding_time_unknown",
            SyncRefusal::AlreadyRequested { .. } => "sync_already_requested",
            SyncRefusal::DeadlinePassed { .. } => "sync_deadline_passed",
        }
    }

    /// What happened and what to do, in words.
    pub fn explain(&self, kind: SyncKind) -> String {
        let what = kind.label();
        match self {
            SyncRefusal::NotCoexistence => format!(
                "The {what} is only for coexistence numbers: a Cloud-API-only number has no WhatsApp Business app to sync from."
            ),
            SyncRefusal::NotConnected(state) => format!(
                "The number is {state}, not connected: Meta only syncs a connected number. Connect it again first."
            ),
            SyncRefusal::NotOnboarded => format!(
                "coexist does not know when this number was onboarded, so it cannot tell whether Meta's 24-hour window for the {what} is still open. Onboard it through Connect a number (or set its onboarded_at in the configuration)."
            ),
            SyncRefusal::AlreadyRequested { at, state } => {
                let outcome = match state {
                    SyncState::Pending => "the request is being sent now",
                    SyncState::Accepted => "Meta accepted it",
                    SyncState::Refused => "Meta refused it",
                    SyncState::Unknown => "its outcome is unknown (check the history progress)",
                    SyncState::NotSent => "it never reached Meta",
                };
                format!(
                    "The {what} was already requested at {at}; {outcome}. Meta allows it only once per onboarding, and asking again can leave the phone app unable to send or receive. To sync again the business must offboard the number (WhatsApp Business app: Settings > Account > Business Platform > Disconnect) and onboard it again."
                )
            }
            SyncRefusal::DeadlinePassed { deadline } => format!(
                "Meta's 24-hour window for the {what} ended at {deadline}. To sync now the business must offboard the number and onboard it again, then request the sync right away."
            ),
        }
    }
}

/// Whether the `kind` sync may be requested now. A request that never left the hub may be made
/// again; any other earlier request is final.
pub fn check_sync(c: &SyncCheck, now: Timestamp) -> Result<(), SyncRefusal> {
    if let Some((state, at)) = c.previous
        && state != SyncState::NotSent
    {
        return Err(SyncRefusal::AlreadyRequested {
            at,
            state: shown_state(state, at, now),
        });
    }
    if c.mode != NumberMode::Coexistence {
        return Err(SyncRefusal::NotCoexistence);
    }
    if c.state != NumberState::Live {
        return Err(SyncRefusal::NotConnected(c.state));
    }
    let onboarded_at = c.onboarded_at.ok_or(SyncRefusal::NotOnboarded)?;
    let deadline = sync_deadline(onboarded_at);
    if now > deadline {
        return Err(SyncRefusal::DeadlinePassed { deadline });
    }
    Ok(())
}

/// What a Meta error code means during onboarding and sync, and what to do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MetaAdvice {
    /// Meta's code.
    pub code: i64,
    /// A short title.
    pub title: &'static str,
    /// What it means.
    pub meaning: &'static str,
    /// What the admin should do.
    pub action: &'static str,
}

/// Advice for Meta's error `code` (META.md §5.5 and §6.4); unknown codes get generic advice.
pub fn meta_advice(code: i64) -> MetaAdvice {
    let (title, meaning, action) = match code {
        2593107 => (
            "Sync already requested",
            "Meta allows each sync (contacts, history) only once per onboarding, and it was already requested for this number.",
            "Do not retry. If the data did not arrive, the business must offboard the number in the WhatsApp Business app (Settings > Account > Business Platform > Disconnect), onboard it again through Connect a number, and request the sync within 24 hours.",
        ),
        2593108 => (
            "Sync window closed",
            "The sync can only be requested within 24 hours of onboarding, and that time has passed.",
            "Offboard the number in the WhatsApp Business app, onboard it again, and request the sync right after onboarding.",
        ),
        2593109 => (
            "History sharing declined",
            "The business chose not to share its chat history when it confirmed the connection in the WhatsApp Business app, so Meta sends none.",
            "Nothing to fix in coexist. If the history is wanted, the business must offboard, onboard again and accept history sharing on the confirmation screen.",
        ),
        133010 => (
            "Number not registered",
            "Meta says the number is not registered on the Cloud API (for a coexistence number: it is no longer connected).",
            "For a Cloud API number, register it again. For a coexistence number, onboard it again through Connect a number.",
        ),
        0 | 190 => (
            "Token not accepted",
            "Meta did not accept the access token: it expired, was revoked, or the business removed the app's access.",
            "Onboard the number again to get a fresh business token, or check the system user token in the configuration.",
        ),
        3 | 10 | 200..=299 => (
            "Permission missing",
            "The app lacks a permission on this business account (whatsapp_business_management or whatsapp_business_messaging), or the business account was not shared with it.",
            "Check the Embedded Signup configuration's permissions in the Meta app dashboard, then onboard again.",
        ),
        4 | 80007 | 130429 => (
            "Rate limited",
            "Meta is throttling calls for this app or business account.",
            "Wait a few minutes. Sync requests are never retried automatically; onboarding steps can be retried from the onboarding page.",
        ),
        100 => (
            "Invalid parameter",
            "Meta refused the request as malformed, or the object does not exist or is not visible to this token.",
            "Check that the number belongs to the business account that was onboarded; report it as a coexist bug if it does.",
        ),
        131031 | 368 => (
            "Account restricted",
            "The business account is locked or restricted for policy reasons.",
            "Resolve the restriction in Meta Business Suite; nothing can be sent or synced until then.",
        ),
        _ => (
            "Meta refused the request",
            "Meta answered with an error coexist has no specific advice for.",
            "Read Meta's message below and the error-code table in docs/runbook.md.",
        ),
    };
    MetaAdvice {
        code,
        title,
        meaning,
        action,
    }
}

#[cfg(test)]
mod tests {
    use super::{
        SyncCheck, SyncKind, SyncRefusal, SyncState, check_sync, meta_advice, shown_state,
        sync_deadline,
    };
    use crate::number::{NumberMode, NumberState};
    use crate::time::{HOUR_MS, MINUTE_MS, Timestamp};

    const T0: Timestamp = Timestamp(1_772_442_000_000);

    fn check(previous: Option<(SyncState, Timestamp)>) -> SyncCheck {
        SyncCheck {
            mode: NumberMode::Coexistence,
            state: NumberState::Live,
            onboarded_at: Some(T0),
            previous,
        }
    }

    #[test]
    fn a_first_request_within_24_hours_may_go() {
        let now = T0.plus_ms(23 * HOUR_MS);
        assert_eq!(check_sync(&check(None), now), Ok(()));
        assert_eq!(sync_deadline(T0), T0.plus_ms(24 * HOUR_MS));
    }

    #[test]
    fn a_second_request_is_refused_whatever_became_of_the_first() {
        for state in [
            SyncState::Pending,
            SyncState::Accepted,
            SyncState::Refused,
            SyncState::Unknown,
        ] {
            let refusal = check_sync(&check(Some((state, T0))), T0).unwrap_err();
            assert_eq!(refusal.code(), "sync_already_requested", "{state:?}");
            assert!(refusal.explain(SyncKind::Contacts).contains("offboard"));
        }
    }

    #[test]
    fn a_request_that_never_left_may_be_made_again() {
        let c = check(Some((SyncState::NotSent, T0)));
        assert_eq!(check_sync(&c, T0), Ok(()));
    }

    #[test]
    fn an_interrupted_request_shows_as_outcome_unknown() {
        let later = T0.plus_ms(5 * MINUTE_MS);
        assert_eq!(shown_state(SyncState::Pending, T0, T0), SyncState::Pending);
        assert_eq!(
            shown_state(SyncState::Pending, T0, later),
            SyncState::Unknown
        );
        let refusal = check_sync(&check(Some((SyncState::Pending, T0))), later).unwrap_err();
        assert_eq!(
            refusal,
            SyncRefusal::AlreadyRequested {
                at: T0,
                state: SyncState::Unknown
            }
        );
        assert!(
            refusal
                .explain(SyncKind::History)
                .contains("outcome is unknown")
        );
    }

    #[test]
    fn late_cloud_disconnected_and_unknown_onboardings_are_refused_with_reasons() {
        let late = T0.plus_ms(24 * HOUR_MS + 1);
        let r = check_sync(&check(None), late).unwrap_err();
        assert_eq!(r.code(), "sync_deadline_passed");
        let cloud = SyncCheck {
            mode: NumberMode::CloudApi,
            ..check(None)
        };
        assert_eq!(check_sync(&cloud, T0), Err(SyncRefusal::NotCoexistence));
        let gone = SyncCheck {
            state: NumberState::Disconnected,
            ..check(None)
        };
        assert_eq!(
            check_sync(&gone, T0).unwrap_err().code(),
            "number_not_connected"
        );
        let unknown = SyncCheck {
            onboarded_at: None,
            ..check(None)
        };
        assert_eq!(check_sync(&unknown, T0), Err(SyncRefusal::NotOnboarded));
    }

    #[test]
    fn meta_sync_errors_are_explained_with_what_to_do() {
        assert!(meta_advice(2593107).action.contains("offboard"));
        assert!(meta_advice(2593108).meaning.contains("24 hours"));
        assert!(meta_advice(2593109).meaning.contains("chose not to share"));
        assert_eq!(meta_advice(42).title, "Meta refused the request");
        assert_eq!(SyncKind::History.sync_type().as_str(), "history");
        assert_eq!(
            SyncKind::Contacts.sync_type().as_str(),
            "smb_app_state_sync"
        );
    }
}
