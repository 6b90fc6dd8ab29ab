//! Onboarding a number without bricking it (issue 6): the eligibility preflight, Embedded
//! Signup against Meta (or the sandbox standing in for it), the business token sealed at rest,
//! the guarded once-only syncs, phone-app reminders, and the audit trail of every step.
//!
//! The rules are pure and live in `coexist_core::onboarding`; this module does the IO around
//! them:
//! - [`flow`]: start (after the preflight), finish (Meta's event and code → token → subscribe →
//!   register for Cloud API → the number configured), resume, cancel.
//! - [`preflight`]: what coexist and Meta know about a number before anything irreversible.
//! - [`sync`]: [`request_sync`], the guarded `smb_app_data` call (recorded before it is made,
//!   never made twice), and [`view`]: a number's onboarding status (deadline, syncs, progress).
//! - [`reminders`]: the worker that reminds the owner to open the phone app at 10 and 12 days.
//! - [`secrets`]: sealing business tokens; [`settings`]: configuration and the signup window.
//!
//! Everything is reached through [`Onboarding`], held by the application state.

pub mod flow;
pub mod preflight;
pub mod reminders;
pub mod secrets;
pub mod settings;
pub mod sync;
pub mod view;

use std::path::Path;
use std::sync::Arc;

use coexist_core::onboarding::CountryRules;
use coexist_core::store::{AuditActor, Store, StoreError};
use coexist_core::time::Clock;

pub use flow::{FinishRequest, OnboardingError, StartRequest};
pub use reminders::AlertHook;
pub use secrets::{Sealer, SecretError};
pub use settings::{OnboardingConfig, SignupMode};
pub use sync::{SyncError, SyncOutcome, request_sync};

use crate::auth::Actor;
use crate::config::{Config, Secret};
use crate::graph::GraphClient;

/// The country rules shipped with coexist (see the file for its source and date).
const COUNTRIES_TOML: &str = include_str!("../../data/coexistence-countries.toml");

/// Why onboarding could not be set up at start.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// The sealing key.
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// The shipped or configured country rules.
    #[error("the coexistence country list: {0}")]
    Countries(String),
    /// An alert webhook without a secret to sign with.
    #[error(
        "COEXIST_ALERT_WEBHOOK_URL is set without COEXIST_ALERT_WEBHOOK_SECRET: reminders are signed, set a secret"
    )]
    UnsignedAlerts,
}

/// Everything onboarding needs. Cheap to share behind an `Arc`.
pub struct Onboarding {
    /// The store.
    pub store: Arc<dyn Store>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// The Graph API, with the configured (system user) token.
    pub graph: GraphClient,
    /// The Meta app secret (the code exchange's `client_secret`).
    pub(crate) app_secret: Option<Secret>,
    /// Which signup window the admin page opens.
    pub signup: SignupMode,
    /// Seals business tokens.
    pub sealer: Sealer,
    /// Which country codes coexistence refuses.
    pub countries: CountryRules,
    /// Where reminders are POSTed, when configured.
    pub alerts: Option<AlertHook>,
}

impl std::fmt::Debug for Onboarding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Onboarding")
            .field("signup", &self.signup)
            .field("sealer", &self.sealer)
            .finish_non_exhaustive()
    }
}

/// Reads the country rules from TOML and checks them.
pub fn parse_countries(text: &str) -> Result<CountryRules, String> {
    let rules: CountryRules = toml::from_str(text).map_err(|e| e.to_string())?;
    rules.validate()?;
    Ok(rules)
}

impl Onboarding {
    /// Builds onboarding from the configuration: the signup window, the sealing key (the key
    /// file in `data_dir` is created on first start), the country rules, the alert webhook.
    pub fn build(
        config: &Config,
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        graph: GraphClient,
    ) -> Result<Arc<Onboarding>, SetupError> {
        let c = &config.onboarding;
        let sealer = Sealer::from_config(Path::new(&config.data_dir), c)?;
        let countries = parse_countries(COUNTRIES_TOML).map_err(SetupError::Countries)?;
        let alerts = match (&c.alert_webhook_url, &c.alert_webhook_secret) {
            (Some(url), Some(secret)) => Some(AlertHook::new(url, secret.clone())),
            (Some(_), None) => return Err(SetupError::UnsignedAlerts),
            (None, _) => None,
        };
        Ok(Arc::new(Onboarding {
            store,
            clock,
            graph,
            app_secret: config.app_secret.clone(),
            signup: SignupMode::decide(&config.graph_base_url, c),
            sealer,
            countries,
            alerts,
        }))
    }
}

/// Who the audit trail names for an API caller.
pub fn audit_actor(actor: &Actor) -> AuditActor {
    match actor.by() {
        coexist_core::store::By::User(id) => AuditActor::User(id),
        coexist_core::store::By::Token(id) => AuditActor::Token(id),
    }
}

/// A store error as an onboarding error.
impl From<StoreError> for OnboardingError {
    fn from(e: StoreError) -> Self {
        OnboardingError::Store(e)
    }
}

#[cfg(test)]
mod tests {
    use super::{COUNTRIES_TOML, parse_countries};

    #[test]
    fn the_shipped_country_list_parses_and_names_its_source() {
        let rules = parse_countries(COUNTRIES_TOML).unwrap();
        assert!(rules.source.contains("seed report"));
        assert_eq!(rules.checked_on, "2026-11-26");
        let names: Vec<&str> = rules.unsupported.iter().map(|r| r.name.as_str()).collect();
        for region in [
            "European Union",
            "United Kingdom",
            "Australia",
            "Japan",
            "South Africa",
            "Russia",
            "Turkey",
        ] {
            assert!(names.contains(&region), "{region} missing from {names:?}");
        }
        assert_eq!(
            rules.unsupported_region("4915112345678").unwrap().0.name,
            "European Union"
        );
        assert!(rules.unsupported_region("15550109001").is_none());
        assert!(
            rules.unsupported_region("77011234567").is_none(),
            "Kazakhstan shares +7"
        );
    }
}
