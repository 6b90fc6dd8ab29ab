//! A WhatsApp business number: how it is connected (its mode), where it is in the coexistence
//! lifecycle, and its health (ARCHITECTURE §3, META.md §5.7 and §5.10).
//!
//! Lifecycle: onboarding → syncing (contacts, history) → live → at risk (the phone app not opened
//! for 10+ of Meta's ~14 days) → disconnected (`PARTNER_REMOVED`) or offboarded → reconnected
//! (live again). "Syncing" and "at risk" are derived from the import progress and the clock; the
//! stored [`NumberState`] holds only what webhooks and onboarding establish.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::message::UnknownName;
use crate::time::{DAY_MS, HOUR_MS, Timestamp};

/// After about this many days without the phone app being opened, Meta disconnects a
/// coexistence number (`PRIMARY_INACTIVITY`).
pub const INACTIVITY_DISCONNECT_DAYS: i64 = 14;
/// Days of phone-app inactivity at which we warn the number's owner.
pub const INACTIVITY_WARNING_DAYS: [i64; 2] = [10, 12];
/// A history import below 100 % with no new chunk for this many hours is shown as stalled.
/// Meta sends a phase's chunks minutes apart while the phone app is open; hours of silence mean
/// the export stopped (the app closed, or Meta's side), and Meta may never send the rest.
pub const HISTORY_STALL_HOURS: i64 = 6;

/// How the number is connected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberMode {
    /// WhatsApp Business App on the phone plus the Cloud API on the same number.
    Coexistence,
    /// Cloud API only: no phone app, no echoes, no history.
    CloudApi,
}

/// The stored lifecycle state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberState {
    /// Being connected; no live traffic yet.
    Onboarding,
    /// Connected: webhooks flow and sends are allowed.
    Live,
    /// Meta removed the connection (`PARTNER_REMOVED`); sends are refused until reconnected.
    Disconnected,
    /// Offboarded after a device change or re-registration (`ACCOUNT_OFFBOARDED`).
    Offboarded,
}

/// Why Meta disconnected a number, as `account_update.disconnection_info` says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disconnection {
    /// Meta's reason, e.g. `PRIMARY_INACTIVITY`, kept as sent.
    pub reason: Option<String>,
    /// `USER` or `SYSTEM`.
    pub initiated_by: Option<String>,
    /// When it happened.
    pub at: Timestamp,
}

impl Disconnection {
    /// A sentence for the admin: what the reason means and what to do.
    pub fn explain(&self) -> &'static str {
        match self.reason.as_deref() {
            Some("PRIMARY_INACTIVITY") => {
                "The WhatsApp Business App was not opened on the phone for about 14 days. Open the app on the phone, then connect the number again."
            }
            Some("COMPANION_INACTIVITY") => {
                "A linked companion device was inactive for about 30 days."
            }
            Some("ACCOUNT_DISCONNECTED") => {
                "The WhatsApp account was disconnected (enforcement, or the account was deleted)."
            }
            Some("BUSINESS_DOWNGRADE") => {
                "The number was registered on the consumer WhatsApp app; it left the WhatsApp Business App."
            }
            Some("CHANGE_NUMBER") => "The business changed its phone number in the app.",
            Some("USER_RE_REGISTERED") => {
                "The number was registered again on a new device. Connect it again to resume."
            }
            Some(_) => {
                "Meta gave a reason coexist does not know yet; see Meta's account_update reference."
            }
            None => {
                "The business disconnected the number from the platform (in the app: Settings > Account > Business Platform), or Meta removed the connection."
            }
        }
    }
}

/// Whether and how the one-time history import has gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum HistoryImportState {
    /// No history webhook seen (and none requested).
    #[default]
    NotStarted,
    /// Chunks are arriving; `progress` is below 100.
    InProgress,
    /// Meta reported `progress: 100`.
    Complete,
    /// The business turned history sharing off (error 2593109).
    Declined,
}

/// What arrived for one history phase (0: day 0–1, 1: day 1–90, 2: day 90–180).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PhaseProgress {
    /// Distinct chunks received.
    pub chunks: u32,
    /// Messages in them.
    pub messages: u64,
    /// The highest `chunk_order` seen.
    pub max_chunk_order: i64,
}

/// Progress of the one-time history import of a number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct HistoryImport {
    /// Where it stands.
    pub state: HistoryImportState,
    /// Meta's overall `progress` (0–100), the highest seen.
    pub progress: Option<i64>,
    /// Per phase.
    pub phases: BTreeMap<i64, PhaseProgress>,
    /// Media placeholders still waiting for their follow-up.
    pub media_pending: u64,
    /// When the last new chunk arrived (the hub's receive time).
    #[serde(default)]
    pub last_chunk_at: Option<Timestamp>,
}

impl HistoryImport {
    /// Records one chunk, received at `at`. Chunks may arrive in any order and more than once:
    /// the caller passes `new_chunk = false` for a chunk already seen, which then changes
    /// nothing.
    pub fn record_chunk(
        &mut self,
        phase: i64,
        chunk_order: i64,
        progress: i64,
        messages: u64,
        new_chunk: bool,
        at: Timestamp,
    ) {
        if !new_chunk {
            return;
        }
        self.last_chunk_at = Some(self.last_chunk_at.map_or(at, |prev| prev.max(at)));
        let p = self.phases.entry(phase).or_default();
        p.chunks += 1;
        p.messages += messages;
        p.max_chunk_order = p.max_chunk_order.max(chunk_order);
        let progress = progress.clamp(0, 100);
        self.progress = Some(self.progress.map_or(progress, |prev| prev.max(progress)));
        if self.state != HistoryImportState::Declined {
            self.state = if self.progress == Some(100) {
                HistoryImportState::Complete
            } else {
                HistoryImportState::InProgress
            };
        }
    }
}

impl HistoryImport {
    /// Whether the import is under way but nothing has arrived for [`HISTORY_STALL_HOURS`] at
    /// `now`: Meta's `progress` may never reach 100, so "in progress" cannot last for ever.
    /// Derived when read; a later chunk makes it run again.
    pub fn stalled(&self, now: Timestamp) -> bool {
        self.state == HistoryImportState::InProgress
            && self
                .last_chunk_at
                .is_some_and(|at| now.since(at) >= HISTORY_STALL_HOURS * HOUR_MS)
    }
}

/// An inactivity warning for the phone app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InactivityLevel {
    /// Under 10 days.
    Ok,
    /// 10 or 11 days: remind the owner.
    Warning,
    /// 12 days or more: urgent, Meta disconnects at about 14.
    Critical,
}

/// The phone-app activity part of a number's health.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AppActivity {
    /// The last sign of life from the phone app (an echo, a contact change, an edit), or the
    /// onboarding time when none has been seen yet.
    pub last_seen_at: Timestamp,
    /// Whole days since then.
    pub inactive_days: i64,
    /// Whole days left before Meta's inactivity disconnect (never negative).
    pub days_until_disconnect: i64,
    /// How worried to be.
    pub level: InactivityLevel,
}

/// Computes phone-app activity at `now`. `None` for Cloud-API-only numbers (no phone app) and
/// numbers with no activity or onboarding time recorded.
pub fn app_activity(
    mode: NumberMode,
    last_seen: Option<Timestamp>,
    now: Timestamp,
) -> Option<AppActivity> {
    if mode != NumberMode::Coexistence {
        return None;
    }
    let last_seen_at = last_seen?;
    let inactive_days = now.since(last_seen_at).max(0) / DAY_MS;
    let level = if inactive_days >= INACTIVITY_WARNING_DAYS[1] {
        InactivityLevel::Critical
    } else if inactive_days >= INACTIVITY_WARNING_DAYS[0] {
        InactivityLevel::Warning
    } else {
        InactivityLevel::Ok
    };
    Some(AppActivity {
        last_seen_at,
        inactive_days,
        days_until_disconnect: (INACTIVITY_DISCONNECT_DAYS - inactive_days).max(0),
        level,
    })
}

/// Which lifecycle events an `account_update` carries, as far as the number's state is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LifecycleEvent {
    /// `PARTNER_REMOVED`: the connection ended.
    PartnerRemoved,
    /// `ACCOUNT_OFFBOARDED`.
    Offboarded,
    /// `ACCOUNT_RECONNECTED`.
    Reconnected,
    /// `PARTNER_APP_INSTALLED` / `PARTNER_ADDED`: onboarding completed.
    Installed,
    /// `ACCOUNT_DELETED`: the business account is gone.
    Deleted,
}

impl LifecycleEvent {
    /// Maps Meta's `account_update.event`; other events don't change the lifecycle (they are
    /// still recorded).
    pub fn from_account_event(event: &str) -> Option<LifecycleEvent> {
        match event {
            "PARTNER_REMOVED" | "PARTNER_APP_UNINSTALLED" => Some(LifecycleEvent::PartnerRemoved),
            "ACCOUNT_OFFBOARDED" => Some(LifecycleEvent::Offboarded),
            "ACCOUNT_RECONNECTED" => Some(LifecycleEvent::Reconnected),
            "PARTNER_APP_INSTALLED" | "PARTNER_ADDED" => Some(LifecycleEvent::Installed),
            "ACCOUNT_DELETED" => Some(LifecycleEvent::Deleted),
            _ => None,
        }
    }

    /// The state after this event. It does not depend on the state before: a number
    /// disconnected or offboarded and then onboarded again (`PARTNER_APP_INSTALLED`,
    /// `PARTNER_ADDED`) is live again, like one reconnected (`ACCOUNT_RECONNECTED`). Stale
    /// events are kept out by [`supersedes`], not here.
    pub fn next_state(self) -> NumberState {
        match self {
            LifecycleEvent::PartnerRemoved | LifecycleEvent::Deleted => NumberState::Disconnected,
            LifecycleEvent::Offboarded => NumberState::Offboarded,
            LifecycleEvent::Reconnected | LifecycleEvent::Installed => NumberState::Live,
        }
    }
}

/// Whether a lifecycle change to `next` as of `at` replaces the stored `current` state, set as
/// of `current_at` (`None`: no lifecycle change recorded yet).
///
/// The latest change wins, by Meta's time (`entry[].time` of the `account_update`) or, for an
/// onboarding completed through coexist, the onboarding time. Webhooks are redelivered and
/// reordered, so an older change arriving late (a `PARTNER_APP_INSTALLED` redelivered after a
/// newer `PARTNER_REMOVED`) changes nothing. Two changes of the same second are ordered by
/// severity (disconnected over offboarded over live), so every order of delivery ends in the
/// same state.
pub fn supersedes(
    next: NumberState,
    at: Timestamp,
    current: NumberState,
    current_at: Option<Timestamp>,
) -> bool {
    fn severity(s: NumberState) -> u8 {
        match s {
            NumberState::Onboarding => 0,
            NumberState::Live => 1,
            NumberState::Offboarded => 2,
            NumberState::Disconnected => 3,
        }
    }
    match current_at {
        None => true,
        Some(current_at) => (at.0, severity(next)) > (current_at.0, severity(current)),
    }
}

macro_rules! names {
    ($ty:ident, $kind:literal, { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            /// The stable lowercase name used in storage and the API.
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $name),+ }
            }
        }
        impl FromStr for $ty {
            type Err = UnknownName;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s { $($name => Ok($ty::$variant),)+ _ => Err(UnknownName::new($kind, s)) }
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

names!(NumberMode, "number mode", { Coexistence => "coexistence", CloudApi => "cloud_api" });
names!(NumberState, "number state", {
    Onboarding => "onboarding", Live => "live", Disconnected => "disconnected", Offboarded => "offboarded",
});
names!(HistoryImportState, "history import state", {
    NotStarted => "not_started", InProgress => "in_progress", Complete => "complete", Declined => "declined",
});

#[cfg(test)]
mod tests {
    use super::{
        HistoryImport, HistoryImportState, InactivityLevel, LifecycleEvent, NumberMode,
        NumberState, app_activity, supersedes,
    };
    use crate::time::{DAY_MS, Timestamp};

    const T0: Timestamp = Timestamp(1_750_000_000_000);

    #[test]
    fn warnings_at_10_and_12_days_of_app_inactivity() {
        let at = |days: i64| {
            app_activity(NumberMode::Coexistence, Some(T0), T0.plus_ms(days * DAY_MS)).unwrap()
        };
        assert_eq!(at(9).level, InactivityLevel::Ok);
        assert_eq!(at(10).level, InactivityLevel::Warning);
        assert_eq!(at(12).level, InactivityLevel::Critical);
        assert_eq!(at(12).days_until_disconnect, 2);
        assert_eq!(at(20).days_until_disconnect, 0);
    }

    #[test]
    fn cloud_api_numbers_have_no_phone_app() {
        assert!(app_activity(NumberMode::CloudApi, Some(T0), T0).is_none());
    }

    #[test]
    fn partner_removed_disconnects_and_reconnected_goes_live() {
        let s = LifecycleEvent::from_account_event("PARTNER_REMOVED")
            .unwrap()
            .next_state();
        assert_eq!(s, NumberState::Disconnected);
        let s = LifecycleEvent::from_account_event("ACCOUNT_RECONNECTED")
            .unwrap()
            .next_state();
        assert_eq!(s, NumberState::Live);
        assert!(LifecycleEvent::from_account_event("VOLUME_BASED_PRICING_TIER_UPDATE").is_none());
    }

    #[test]
    fn onboarding_again_makes_a_disconnected_or_offboarded_number_live() {
        for event in ["PARTNER_APP_INSTALLED", "PARTNER_ADDED"] {
            let installed = LifecycleEvent::from_account_event(event).unwrap();
            assert_eq!(installed.next_state(), NumberState::Live, "{event}");
            for before in [NumberState::Disconnected, NumberState::Offboarded] {
                assert!(
                    supersedes(NumberState::Live, T0.plus_ms(1000), before, Some(T0)),
                    "{event} after {before}"
                );
            }
        }
    }

    #[test]
    fn an_older_event_delivered_late_changes_nothing() {
        // PARTNER_APP_INSTALLED at t0, PARTNER_REMOVED at t0 + 1 s; the install is redelivered.
        let removed_at = T0.plus_ms(1000);
        assert!(!supersedes(
            NumberState::Live,
            T0,
            NumberState::Disconnected,
            Some(removed_at)
        ));
        // The same event again changes nothing either.
        assert!(!supersedes(
            NumberState::Disconnected,
            removed_at,
            NumberState::Disconnected,
            Some(removed_at)
        ));
        // Nothing recorded yet: any event applies.
        assert!(supersedes(NumberState::Live, T0, NumberState::Live, None));
    }

    /// Applies `events` (state, seconds) in order, as the store does.
    fn apply(events: &[(NumberState, i64)]) -> NumberState {
        let mut state = (NumberState::Live, None);
        for &(next, secs) in events {
            let at = T0.plus_ms(secs * 1000);
            if supersedes(next, at, state.0, state.1) {
                state = (next, Some(at));
            }
        }
        state.0
    }

    #[test]
    fn every_delivery_order_ends_in_the_state_of_the_latest_event() {
        use NumberState::{Disconnected, Live, Offboarded};
        // Installed, removed, offboarded, installed again; plus a reconnection in the same
        // second as a removal (the tie goes to the disconnection, whatever the order).
        let cases: [(&[(NumberState, i64)], NumberState); 3] = [
            (&[(Live, 0), (Disconnected, 10), (Live, 20)], Live),
            (
                &[(Live, 0), (Disconnected, 10), (Offboarded, 5)],
                Disconnected,
            ),
            (
                &[(Live, 0), (Live, 10), (Disconnected, 10), (Offboarded, 3)],
                Disconnected,
            ),
        ];
        for (events, expected) in cases {
            let mut order: Vec<usize> = (0..events.len()).collect();
            for_each_permutation(&mut order, 0, &mut |order| {
                let shuffled: Vec<_> = order.iter().map(|&i| events[i]).collect();
                assert_eq!(apply(&shuffled), expected, "{shuffled:?}");
            });
        }
    }

    fn for_each_permutation(v: &mut Vec<usize>, k: usize, f: &mut dyn FnMut(&[usize])) {
        if k == v.len() {
            return f(v);
        }
        for i in k..v.len() {
            v.swap(k, i);
            for_each_permutation(v, k + 1, f);
            v.swap(k, i);
        }
    }

    #[test]
    fn history_progress_tracks_phases_out_of_order_and_completes_at_100() {
        let mut h = HistoryImport::default();
        h.record_chunk(1, 3, 40, 100, true, T0);
        h.record_chunk(0, 1, 20, 10, true, T0);
        h.record_chunk(1, 3, 40, 100, false, T0); // a redelivered chunk
        assert_eq!(h.state, HistoryImportState::InProgress);
        assert_eq!(h.phases[&1].chunks, 1);
        assert_eq!(h.progress, Some(40));
        h.record_chunk(2, 1, 100, 5, true, T0);
        assert_eq!(h.state, HistoryImportState::Complete);
    }
}

/// A number's health as admins and the inbox banner see it, computed at `now`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Health {
    /// Lifecycle state, with the derived `syncing` and `at_risk` refinements: one of
    /// `onboarding`, `syncing`, `live`, `at_risk`, `disconnected`, `offboarded`.
    pub lifecycle: &'static str,
    /// Phone-app activity (coexistence numbers only).
    pub app_activity: Option<AppActivity>,
    /// The one-time history import.
    pub history: HistoryImport,
    /// The import is in progress but no chunk arrived for [`HISTORY_STALL_HOURS`]
    /// ([`HistoryImport::stalled`]).
    pub history_stalled: bool,
    /// When the last webhook for the number arrived.
    pub last_webhook_at: Option<Timestamp>,
    /// Why Meta disconnected it, with an explanation for people.
    pub disconnection: Option<DisconnectionView>,
    /// Sentences an admin should read, most urgent first (empty when all is well).
    pub warnings: Vec<String>,
}

/// A disconnection with its explanation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DisconnectionView {
    /// Meta's reason.
    pub reason: Option<String>,
    /// `USER` or `SYSTEM`.
    pub initiated_by: Option<String>,
    /// When.
    pub at: Timestamp,
    /// What it means and what to do.
    pub explanation: &'static str,
}

/// The inputs of [`Health::compute`], taken from a stored number.
#[derive(Debug, Clone, Copy)]
pub struct HealthInputs<'a> {
    /// Mode.
    pub mode: NumberMode,
    /// Stored state.
    pub state: NumberState,
    /// Last phone-app sign of life.
    pub last_app_activity_at: Option<Timestamp>,
    /// Onboarding time (the activity clock starts there when nothing was seen yet).
    pub onboarded_at: Option<Timestamp>,
    /// Last webhook.
    pub last_webhook_at: Option<Timestamp>,
    /// Disconnection.
    pub disconnection: Option<&'a Disconnection>,
    /// History import.
    pub history: &'a HistoryImport,
}

impl Health {
    /// Derives the health at `now`.
    pub fn compute(i: HealthInputs<'_>, now: Timestamp) -> Health {
        let live = i.state == NumberState::Live;
        let activity = if live {
            app_activity(i.mode, i.last_app_activity_at.or(i.onboarded_at), now)
        } else {
            None
        };
        let at_risk = activity.is_some_and(|a| a.level != InactivityLevel::Ok);
        let history_stalled = i.history.stalled(now);
        let syncing = i.history.state == HistoryImportState::InProgress && !history_stalled;
        let lifecycle = match i.state {
            NumberState::Live if at_risk => "at_risk",
            NumberState::Live if syncing => "syncing",
            other => other.as_str(),
        };
        let disconnection = i
            .disconnection
            .filter(|_| !live)
            .map(|d| DisconnectionView {
                reason: d.reason.clone(),
                initiated_by: d.initiated_by.clone(),
                at: d.at,
                explanation: d.explain(),
            });
        let mut warnings = Vec::new();
        if let Some(d) = &disconnection {
            warnings.push(format!("Disconnected by Meta: {}", d.explanation));
        }
        if i.state == NumberState::Offboarded {
            warnings.push("The number was offboarded after a device change or re-registration; it reconnects when the business completes onboarding again.".to_owned());
        }
        if let Some(a) = activity.filter(|a| a.level != InactivityLevel::Ok) {
            warnings.push(format!(
                "The WhatsApp Business App has not been opened on the phone for {} days; Meta disconnects the number after about {} days ({} left). Open the app on the phone.",
                a.inactive_days, INACTIVITY_DISCONNECT_DAYS, a.days_until_disconnect
            ));
        }
        if history_stalled {
            warnings.push(history_stalled_warning(i.history, now));
        }
        Health {
            lifecycle,
            app_activity: activity,
            history: i.history.clone(),
            history_stalled,
            last_webhook_at: i.last_webhook_at,
            disconnection,
            warnings,
        }
    }
}

/// What a stalled history import means and what to do (the runbook, §5).
pub fn history_stalled_warning(history: &HistoryImport, now: Timestamp) -> String {
    let hours = history
        .last_chunk_at
        .map_or(HISTORY_STALL_HOURS, |at| now.since(at) / HOUR_MS);
    format!(
        "The history import has stalled at {}%: nothing has arrived for {hours} hours. Ask the owner to open the WhatsApp Business App on the phone and keep it open; if nothing arrives within a few hours, contact Meta support with the history request id from the number's page (the sync cannot be requested again). Messages already imported stay.",
        history.progress.unwrap_or(0)
    )
}

#[cfg(test)]
mod health_tests {
    use super::{
        Disconnection, HISTORY_STALL_HOURS, Health, HealthInputs, HistoryImport, NumberMode,
        NumberState,
    };
    use crate::time::{DAY_MS, HOUR_MS, Timestamp};

    const T0: Timestamp = Timestamp(1_750_000_000_000);

    fn inputs<'a>(
        state: NumberState,
        d: Option<&'a Disconnection>,
        h: &'a HistoryImport,
    ) -> HealthInputs<'a> {
        HealthInputs {
            mode: NumberMode::Coexistence,
            state,
            last_app_activity_at: Some(T0),
            onboarded_at: Some(T0),
            last_webhook_at: None,
            disconnection: d,
            history: h,
        }
    }

    #[test]
    fn a_quiet_phone_makes_the_number_at_risk_with_a_warning() {
        let h = HistoryImport::default();
        let health = Health::compute(inputs(NumberState::Live, None, &h), T0.plus_ms(11 * DAY_MS));
        assert_eq!(health.lifecycle, "at_risk");
        assert_eq!(health.warnings.len(), 1);
        assert!(
            health.warnings[0].contains("11 days"),
            "{:?}",
            health.warnings
        );
    }

    #[test]
    fn a_history_import_silent_for_6_hours_is_stalled_until_a_chunk_arrives() {
        let mut h = HistoryImport::default();
        h.record_chunk(0, 1, 40, 10, true, T0);
        let at = |ms: i64| Health::compute(inputs(NumberState::Live, None, &h), T0.plus_ms(ms));
        let running = at(HISTORY_STALL_HOURS * HOUR_MS - 1);
        assert_eq!(running.lifecycle, "syncing");
        assert!(!running.history_stalled);
        assert!(running.warnings.is_empty());
        let stalled = at(HISTORY_STALL_HOURS * HOUR_MS);
        assert!(stalled.history_stalled);
        assert_eq!(stalled.lifecycle, "live");
        assert!(
            stalled.warnings[0].contains("stalled at 40%")
                && stalled.warnings[0].contains("6 hours"),
            "{:?}",
            stalled.warnings
        );
        // A late chunk: running again.
        h.record_chunk(1, 1, 60, 10, true, T0.plus_ms(7 * HOUR_MS));
        let resumed = Health::compute(inputs(NumberState::Live, None, &h), T0.plus_ms(8 * HOUR_MS));
        assert_eq!(resumed.lifecycle, "syncing");
        // A complete or declined import never stalls.
        h.record_chunk(2, 1, 100, 1, true, T0);
        assert!(!h.stalled(T0.plus_ms(30 * DAY_MS)));
    }

    #[test]
    fn a_disconnected_number_explains_why() {
        let h = HistoryImport::default();
        let d = Disconnection {
            reason: Some("PRIMARY_INACTIVITY".into()),
            initiated_by: Some("SYSTEM".into()),
            at: T0,
        };
        let health = Health::compute(inputs(NumberState::Disconnected, Some(&d), &h), T0);
        assert_eq!(health.lifecycle, "disconnected");
        assert!(health.app_activity.is_none());
        assert!(
            health
                .disconnection
                .unwrap()
                .explanation
                .contains("14 days")
        );
    }
}
