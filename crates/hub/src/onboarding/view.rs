//! A number's onboarding status, as the API and the admin page show it: its lifecycle in words,
//! the 24-hour sync window, each once-only sync with whether it may still be requested (and why
//! not), the history import by phase, reminders, and its last onboarding.

use coexist_core::ids::{NumberId, OrgId};
use coexist_core::number::{Health, NumberMode, NumberState};
use coexist_core::onboarding::{
    MetaAdvice, SyncCheck, SyncKind, SyncState, check_sync, meta_advice, sync_deadline,
};
use coexist_core::store::{
    NumberRecord, OnboardingRecord, ReminderRecord, StoreError, SyncRequestRecord,
};
use coexist_core::time::Timestamp;
use serde::Serialize;

use super::Onboarding;
use super::sync::{current, shown};

/// One sync kind's status.
#[derive(Debug, Clone, Serialize)]
pub struct SyncView {
    /// `contacts` or `history`.
    pub kind: SyncKind,
    /// `not_requested`, `pending`, `accepted`, `refused`, `not_sent` or `unknown`.
    pub state: &'static str,
    /// Whether the admin may request it now (the page offers the button only then).
    pub can_request: bool,
    /// What the state means and what to do, in words.
    pub explanation: String,
    /// The recorded request, if any.
    pub request: Option<SyncRequestRecord>,
    /// What Meta's error means, when Meta refused it.
    pub advice: Option<MetaAdvice>,
}

/// The sync window of the current onboarding.
#[derive(Debug, Clone, Serialize)]
pub struct SyncWindow {
    /// When the number was onboarded.
    pub onboarded_at: Option<Timestamp>,
    /// When Meta's 24 hours end.
    pub deadline: Option<Timestamp>,
    /// Whether they have not ended.
    pub open: bool,
    /// Seconds left (0 once over).
    pub seconds_left: i64,
}

/// The lifecycle in words.
#[derive(Debug, Clone, Serialize)]
pub struct LifecycleView {
    /// `onboarding`, `syncing`, `live`, `at_risk`, `disconnected` or `offboarded`.
    pub state: &'static str,
    /// One line.
    pub title: String,
    /// What it means and what to do.
    pub detail: String,
}

/// Everything the number page shows.
#[derive(Debug, Clone, Serialize)]
pub struct NumberView {
    /// The number.
    pub number: NumberRecord,
    /// Its health now.
    pub health: Health,
    /// The lifecycle in words.
    pub lifecycle: LifecycleView,
    /// The sync window.
    pub sync_window: SyncWindow,
    /// Contacts, then history.
    pub syncs: Vec<SyncView>,
    /// The number's last onboarding through coexist.
    pub onboarding: Option<OnboardingRecord>,
    /// Reminders to open the phone app, newest first.
    pub reminders: Vec<ReminderRecord>,
}

/// The health of a stored number at `now`.
pub fn health_of(n: &NumberRecord, now: Timestamp) -> Health {
    n.health(now)
}

fn lifecycle(n: &NumberRecord, health: &Health) -> LifecycleView {
    let (title, detail) = match (n.state, health.lifecycle) {
        (NumberState::Disconnected, _) => (
            "Disconnected by Meta".to_owned(),
            health.disconnection.as_ref().map_or_else(
                || "Meta removed the connection (PARTNER_REMOVED). Onboard the number again to reconnect it.".to_owned(),
                |d| format!("{} (reason {}, by {}, at {}). Onboard the number again to reconnect it.",
                    d.explanation, d.reason.as_deref().unwrap_or("none given"),
                    d.initiated_by.as_deref().unwrap_or("unknown"), d.at),
            ),
        ),
        (NumberState::Offboarded, _) => (
            "Offboarded".to_owned(),
            "Meta offboarded the number after a device change or re-registration (ACCOUNT_OFFBOARDED). Onboard it again (Connect a number) to reconnect it; Meta's ACCOUNT_RECONNECTED also brings it back.".to_owned(),
        ),
        (_, "at_risk") => (
            "At risk: the phone app is not being opened".to_owned(),
            health.warnings.first().cloned().unwrap_or_default(),
        ),
        (NumberState::Live, _) if health.history_stalled => (
            "History import stalled".to_owned(),
            health
                .warnings
                .iter()
                .find(|w| w.starts_with("The history import has stalled"))
                .cloned()
                .unwrap_or_default(),
        ),
        (_, "syncing") => ("Importing the chat history".to_owned(), "Live, and the history import is under way.".to_owned()),
        (NumberState::Live, _) => match &n.disconnection {
            Some(d) => ("Live (reconnected)".to_owned(), format!(
                "Reconnected after a disconnection at {} ({}).", d.at, d.reason.as_deref().unwrap_or("no reason given"))),
            None => ("Live".to_owned(), "Connected: webhooks flow and sends are allowed.".to_owned()),
        },
        (NumberState::Onboarding, _) => ("Onboarding".to_owned(), "Being connected; no live traffic yet.".to_owned()),
    };
    LifecycleView {
        state: health.lifecycle,
        title,
        detail,
    }
}

fn sync_view(
    n: &NumberRecord,
    kind: SyncKind,
    request: Option<&SyncRequestRecord>,
    now: Timestamp,
) -> SyncView {
    let state = request.map(|r| shown(r, now));
    let check = SyncCheck {
        mode: n.mode,
        state: n.state,
        onboarded_at: n.onboarded_at,
        previous: request.map(|r| (r.state, r.requested_at)),
    };
    let verdict = check_sync(&check, now);
    let advice = request.and_then(|r| r.error_code).map(meta_advice);
    let explanation = match (state, &verdict) {
        (None | Some(SyncState::NotSent), Ok(())) => format!(
            "Not requested yet{}. Request it before {}; Meta allows it only once.",
            if state.is_some() { " (an earlier try never reached Meta)" } else { "" },
            n.onboarded_at.map(sync_deadline).map_or_else(String::new, |d| d.to_string())
        ),
        (None | Some(SyncState::NotSent), Err(refusal)) => refusal.explain(kind),
        (Some(SyncState::Pending), _) => "Requested just now; waiting for Meta's answer.".to_owned(),
        (Some(SyncState::Accepted), _) => format!(
            "Meta accepted it (request {}). It cannot be requested again for this onboarding.",
            request.and_then(|r| r.request_id.as_deref()).unwrap_or("?")
        ),
        (Some(SyncState::Refused), _) => advice.map_or_else(
            || format!("Meta refused it: {}", request.and_then(|r| r.error.as_deref()).unwrap_or("")),
            |a| format!("Meta refused it with {} ({}). {} {}", a.code, a.title, a.meaning, a.action),
        ),
        (Some(SyncState::Unknown), _) => "Requested, outcome unknown — check the history progress. The call left coexist but its answer was never recorded; coexist will not ask again.".to_owned(),
    };
    SyncView {
        kind,
        state: state.map_or("not_requested", SyncState::as_str),
        can_request: verdict.is_ok(),
        explanation,
        request: request.cloned(),
        advice,
    }
}

impl Onboarding {
    /// The onboarding status of one number.
    pub async fn number_view(&self, org: OrgId, id: NumberId) -> Result<NumberView, StoreError> {
        let store = &self.store;
        let number = store.get_number(org, id).await?;
        let requests = store.list_sync_requests(org, id).await?;
        let reminders = store.list_reminders(org, Some(id)).await?;
        let onboarding = store
            .list_onboardings(org)
            .await?
            .into_iter()
            .find(|o| o.number_id == Some(id));
        let now = self.clock.now();
        let health = health_of(&number, now);
        let deadline = number.onboarded_at.map(sync_deadline);
        let seconds_left = deadline.map_or(0, |d| (d.since(now) / 1_000).max(0));
        let kinds: &[SyncKind] = if number.mode == NumberMode::Coexistence {
            &SyncKind::ALL
        } else {
            &[]
        };
        let syncs = kinds
            .iter()
            .map(|kind| {
                let request = current(&requests, &number, *kind);
                sync_view(&number, *kind, request.as_ref(), now)
            })
            .collect();
        Ok(NumberView {
            lifecycle: lifecycle(&number, &health),
            sync_window: SyncWindow {
                onboarded_at: number.onboarded_at,
                deadline,
                open: seconds_left > 0,
                seconds_left,
            },
            syncs,
            onboarding,
            reminders,
            health,
            number,
        })
    }
}
