//! Onboarding a number, as pure rules: the flow from the first click to a live number, the
//! eligibility preflight, the once-only sync requests and the phone-app reminders
//! (ARCHITECTURE §3, META.md §5.5–§5.10 and §10).
//!
//! Coexistence goes wrong in practice at exactly these points: Meta allows the contacts sync and
//! the history sync to be requested **once each, within 24 hours of onboarding**, and a blind
//! retry has left businesses with a phone app that no longer works. So every rule that decides
//! whether coexist may call Meta lives here, where it is tested without IO:
//!
//! - [`flow`]: the steps of one onboarding (started → code received → token stored →
//!   subscribed → registered (Cloud API only) → onboarded) and which moves are allowed.
//! - [`signup`]: the finish (or cancel) message Meta's Embedded Signup posts to the page.
//! - [`preflight`]: the eligibility checks made before anything irreversible, each explained in
//!   words; [`countries`]: the country-code rules they use (data, with their source).
//! - [`sync`]: whether a sync may be requested now, and what Meta's sync errors mean.
//! - [`reminders`]: when the number's owner is reminded to open the phone app.

pub mod countries;
pub mod flow;
pub mod preflight;
pub mod reminders;
pub mod signup;
pub mod sync;

pub use countries::{CountryRules, Region};
pub use flow::{FlowError, FlowStep};
pub use preflight::{
    Check, CheckResult, KnownNumber, MIN_APP_VERSION, MIN_DAYS_IN_USE, PreflightAnswers,
    PreflightReport, Source, Verdict, evaluate, phone_digits,
};
pub use reminders::{REMINDER_DAYS, reminder_due};
pub use signup::{SignupEvent, SignupEventError, SignupFinish};
pub use sync::{
    MetaAdvice, SYNC_WINDOW_MS, SyncCheck, SyncKind, SyncRefusal, SyncState, check_sync,
    meta_advice, shown_state, sync_deadline,
};
