//! The preflight's IO: what coexist already knows about the number (a configured or
//! webhook-seen number and its state), and what Meta shows this app (the number on one of the
//! business accounts coexist already talks to: `is_on_biz_app`, `platform_type`). The verdicts
//! themselves are `coexist_core::onboarding::evaluate`'s.

use std::collections::BTreeSet;

use coexist_core::ids::OrgId;
use coexist_core::number::{NumberMode, NumberState};
use coexist_core::onboarding::{
    KnownNumber, PreflightAnswers, PreflightReport, Source, evaluate, phone_digits,
};
use meta::graph::phone_numbers::PlatformType;

use super::Onboarding;
use super::flow::same_number;

impl Onboarding {
    /// Runs the preflight for onboarding `phone` in `mode`. Failures to ask Meta only mean
    /// Meta's facts are missing from the report (they are logged).
    pub async fn preflight(
        &self,
        org: OrgId,
        mode: NumberMode,
        phone: &str,
        answers: &PreflightAnswers,
    ) -> PreflightReport {
        let known = match phone_digits(phone) {
            Some(digits) => self.known_number(org, &digits).await,
            None => None,
        };
        evaluate(mode, phone, &self.countries, answers, known.as_ref())
    }

    async fn known_number(&self, org: OrgId, digits: &str) -> Option<KnownNumber> {
        let numbers = match self.store.list_numbers(org).await {
            Ok(numbers) => numbers,
            Err(e) => {
                tracing::warn!(error = %e, "preflight: cannot list numbers");
                return None;
            }
        };
        if let Some(n) = numbers
            .iter()
            .find(|n| n.display_phone_number.as_deref() == Some(digits))
        {
            return Some(KnownNumber {
                source: Source::Hub,
                connected: n.configured && n.state == NumberState::Live,
                on_biz_app: None,
            });
        }
        let wabas: BTreeSet<&str> = numbers
            .iter()
            .filter_map(|n| n.waba_id.as_deref())
            .collect();
        for waba in wabas {
            match self.graph.phone_numbers(waba).await {
                Ok(list) => {
                    let found = list.data.into_iter().find(|n| {
                        n.display_phone_number
                            .as_ref()
                            .is_some_and(|d| same_number(d.as_str(), digits))
                    });
                    if let Some(n) = found {
                        return Some(KnownNumber {
                            source: Source::Meta,
                            connected: n.platform_type == Some(PlatformType::CloudApi),
                            on_biz_app: n.is_on_biz_app,
                        });
                    }
                }
                Err(e) => tracing::warn!(waba, error = %e, "preflight: cannot list Meta's numbers"),
            }
        }
        None
    }
}
