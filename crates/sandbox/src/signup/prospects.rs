//! The numbers available for Embedded Signup: the seeded ones and those the control API adds,
//! each with its facts (app version, days in use, verification, linked page).

use super::connect::fresh_number;
use super::{Facts, Prospect, parse_version};
use crate::config::NumberMode;
use crate::error::ControlError;
use crate::state::phone::PhoneApp;
use crate::state::waba::Lifecycle;
use crate::world::World;

/// The numbers seeded for signup: (number, business, mode, facts), eligible ones first.
fn seeded() -> Vec<(&'static str, &'static str, NumberMode, Facts)> {
    let ok = Facts::default;
    vec![
        (
            "15550109001",
            "Green Thumb Nursery",
            NumberMode::Coexistence,
            ok(),
        ),
        (
            "15550109101",
            "Lucky Shrub Orders",
            NumberMode::CloudApi,
            ok(),
        ),
        (
            "15550109102",
            "Lucky Shrub Returns",
            NumberMode::CloudApi,
            ok(),
        ),
        (
            "15550109005",
            "Corner Flower Stall",
            NumberMode::Coexistence,
            ok(),
        ),
        (
            "15550109002",
            "Old Phone Bakery",
            NumberMode::Coexistence,
            Facts {
                app_version: "2.24.10.79".to_owned(),
                ..ok()
            },
        ),
        (
            "15550109003",
            "Brand New Barber",
            NumberMode::Coexistence,
            Facts {
                days_in_use: 3,
                ..ok()
            },
        ),
        (
            "15550109004",
            "Unverified Crafts",
            NumberMode::Coexistence,
            Facts {
                business_verified: false,
                facebook_page_linked: false,
                ..ok()
            },
        ),
        (
            "447700900123",
            "Covent Garden Florist",
            NumberMode::Coexistence,
            ok(),
        ),
    ]
}

/// A spec for a number added through the control API.
#[derive(Debug, Clone, serde::Deserialize)]
pub(crate) struct ProspectSpec {
    pub(crate) display_phone_number: String,
    #[serde(default)]
    pub(crate) verified_name: Option<String>,
    pub(crate) mode: NumberMode,
    #[serde(flatten)]
    pub(crate) facts: Option<Facts>,
    #[serde(default)]
    pub(crate) seed_phone: bool,
}

impl World {
    /// Seeds the numbers available for signup, and counts the WABAs that exist at start as
    /// subscribed (the hub's own configuration subscribed them).
    pub(crate) fn seed_signup(&mut self) {
        let wabas: Vec<String> = self.wabas.keys().cloned().collect();
        self.signup.subscribed.extend(wabas);
        let app_only: Vec<(String, String, String, String)> = self
            .numbers
            .values()
            .filter(|n| n.is_coexistence() && n.lifecycle == Lifecycle::AppOnly)
            .map(|n| {
                let ids = (n.display_phone_number.clone(), n.verified_name.clone());
                (ids.0, ids.1, n.waba_id.clone(), n.id.clone())
            })
            .collect();
        for (display, name, waba_id, pnid) in app_only {
            let prospect = Prospect {
                display_phone_number: display.clone(),
                verified_name: name,
                mode: NumberMode::Coexistence,
                facts: Facts::default(),
                waba_id,
                phone_number_id: Some(pnid),
                seed_phone: false,
            };
            self.signup.prospects.insert(display, prospect);
        }
        for (display, name, mode, facts) in seeded() {
            let spec = ProspectSpec {
                display_phone_number: display.to_owned(),
                verified_name: Some(name.to_owned()),
                mode,
                facts: Some(facts),
                seed_phone: true,
            };
            let _ = self.add_prospect(spec);
        }
    }

    /// Adds a number available for signup; a coexistence one exists at once as an app-only
    /// number on its phone, on its own (not yet shared) business account.
    pub(crate) fn add_prospect(&mut self, spec: ProspectSpec) -> Result<Prospect, ControlError> {
        let display =
            crate::world::normalize_phone(&spec.display_phone_number).ok_or_else(|| {
                ControlError::bad_request(format!(
                    "{:?} is not a phone number",
                    spec.display_phone_number
                ))
            })?;
        let taken = self.signup.prospects.contains_key(&display)
            || self
                .numbers
                .values()
                .any(|n| n.display_phone_number == display);
        if taken {
            return Err(ControlError::conflict(format!("{display} already exists")));
        }
        let facts = spec.facts.unwrap_or_default();
        if parse_version(&facts.app_version).is_none() {
            return Err(ControlError::bad_request(format!(
                "app_version {:?} is not a version such as 2.24.17",
                facts.app_version
            )));
        }
        let waba_id = self.signup.numeric(15);
        let name = spec
            .verified_name
            .unwrap_or_else(|| format!("Business {}", &display[display.len() - 4..]));
        let phone_number_id = (spec.mode == NumberMode::Coexistence).then(|| {
            let pnid = self.signup.numeric(15);
            let number = fresh_number(
                &pnid,
                &waba_id,
                &display,
                &name,
                spec.mode,
                self.cfg.pair_rate,
            );
            self.numbers.insert(pnid.clone(), number);
            self.phones.insert(pnid.clone(), PhoneApp::new(self.now));
            pnid
        });
        let prospect = Prospect {
            display_phone_number: display.clone(),
            verified_name: name,
            mode: spec.mode,
            facts,
            waba_id,
            phone_number_id,
            seed_phone: spec.seed_phone,
        };
        self.signup.prospects.insert(display, prospect.clone());
        Ok(prospect)
    }
}
