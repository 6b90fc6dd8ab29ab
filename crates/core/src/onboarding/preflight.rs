//! The eligibility preflight, run before anything irreversible (Meta's signup window turns off
//! disappearing messages and unlinks companions; registration moves a number off the phone).
//!
//! Each check has a source: what the hub computes itself (the number, its country code), what
//! Meta exposes (whether the number is already on the API or on the WhatsApp Business app), and
//! what only the business can tell (app version, how long the number has been used, a verified
//! business, a linked Facebook page), which the admin answers on a checklist. A check passes,
//! fails with a reason in words, or is still unconfirmed; the number is eligible only when every
//! check passes.
//!
//! Sources for the rules: META.md §10.1 (app version 2.24.17, supported country codes, a
//! business portfolio) and the seed report (7 days of use with recent activity, a
//! verified business, a linked Facebook page), which Meta's current page does not state and are
//! kept as the stricter reading.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::countries::CountryRules;
use crate::number::NumberMode;

/// The oldest WhatsApp Business app version Meta accepts for coexistence.
pub const MIN_APP_VERSION: [u32; 3] = [2, 24, 17];
/// Days the number must have been in use on the WhatsApp Business app.
pub const MIN_DAYS_IN_USE: u32 = 7;

/// One item of the preflight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// The number is a full international number.
    PhoneNumber,
    /// Its country code is supported for coexistence.
    Country,
    /// It is not already connected to the API.
    NotConnected,
    /// The WhatsApp Business app is version 2.24.17 or later.
    AppVersion,
    /// In use on the app for at least 7 days, with recent chats.
    InUse,
    /// The business is verified in Meta Business Suite.
    VerifiedBusiness,
    /// A Facebook page is linked to the WhatsApp Business account.
    FacebookPage,
    /// Cloud API only: the number is not in use on any WhatsApp app.
    #[serde(rename = "not_on_whatsapp")]
    NotOnWhatsApp,
    /// Cloud API only: the number can receive the verification code (SMS or call).
    CanReceiveCode,
}

impl Check {
    /// The stable name used in the API and the checklist form.
    pub fn as_str(self) -> &'static str {
        match self {
            Check::PhoneNumber => "phone_number",
            Check::Country => "country",
            Check::NotConnected => "not_connected",
            Check::AppVersion => "app_version",
            Check::InUse => "in_use",
            Check::VerifiedBusiness => "verified_business",
            Check::FacebookPage => "facebook_page",
            Check::NotOnWhatsApp => "not_on_whatsapp",
            Check::CanReceiveCode => "can_receive_code",
        }
    }

    /// The checklist item as the admin reads it.
    pub fn question(self) -> &'static str {
        match self {
            Check::PhoneNumber => "The number, with its country code",
            Check::Country => "The number's country code is supported for coexistence",
            Check::NotConnected => "The number is not already connected to the API",
            Check::AppVersion => "WhatsApp Business app version (Settings > Help > App info)",
            Check::InUse => {
                "The number has been used in the WhatsApp Business app for at least 7 days, with chats in the last days"
            }
            Check::VerifiedBusiness => {
                "The business is verified in Meta Business Suite (Security Center > Business verification)"
            }
            Check::FacebookPage => "A Facebook page is linked to the business's WhatsApp account",
            Check::NotOnWhatsApp => {
                "The number is not in use on WhatsApp or the WhatsApp Business app (or its app account has been deleted)"
            }
            Check::CanReceiveCode => {
                "The number can receive a verification code by SMS or voice call"
            }
        }
    }

    /// The checks for a mode, in the order shown.
    pub fn for_mode(mode: NumberMode) -> &'static [Check] {
        match mode {
            NumberMode::Coexistence => &[
                Check::PhoneNumber,
                Check::Country,
                Check::NotConnected,
                Check::AppVersion,
                Check::InUse,
                Check::VerifiedBusiness,
                Check::FacebookPage,
            ],
            NumberMode::CloudApi => &[
                Check::PhoneNumber,
                Check::NotConnected,
                Check::NotOnWhatsApp,
                Check::CanReceiveCode,
            ],
        }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who established a check's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// coexist, from the number and its own records.
    Hub,
    /// Meta's Graph API.
    Meta,
    /// The admin, on the checklist.
    Admin,
}

/// A check's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Fine.
    Pass,
    /// Not eligible, for the reason given.
    Fail,
    /// Not known yet: the admin must confirm it.
    Unconfirmed,
}

/// One check's outcome, explained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckResult {
    /// Which check.
    pub check: Check,
    /// The checklist text.
    pub question: String,
    /// Who decided.
    pub source: Source,
    /// The outcome.
    pub verdict: Verdict,
    /// Why, and what to do when it is not a pass.
    pub detail: String,
}

/// What the admin answered on the checklist.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreflightAnswers {
    /// The app version as shown in the app, e.g. `2.24.17.78`.
    #[serde(default)]
    pub app_version: Option<String>,
    /// The checklist items the admin ticked.
    #[serde(default)]
    pub confirmed: BTreeSet<Check>,
}

/// What coexist or Meta already know about the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownNumber {
    /// Who knows it.
    pub source: Source,
    /// Connected to the API already (a live number in coexist, or `platform_type` CLOUD_API).
    pub connected: bool,
    /// Meta's `is_on_biz_app`, when read.
    pub on_biz_app: Option<bool>,
}

/// The preflight's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreflightReport {
    /// The model asked for.
    pub mode: NumberMode,
    /// The number, digits only (as typed when it could not be read).
    pub phone: String,
    /// Every check, in order.
    pub checks: Vec<CheckResult>,
    /// True when every check passed.
    pub eligible: bool,
}

impl PreflightReport {
    /// The checks that did not pass.
    pub fn problems(&self) -> impl Iterator<Item = &CheckResult> {
        self.checks.iter().filter(|c| c.verdict != Verdict::Pass)
    }
}

/// Digits of a phone number typed with `+`, spaces, dashes, dots or parentheses.
pub fn phone_digits(input: &str) -> Option<String> {
    let digits: String = input
        .chars()
        .filter(|c| !matches!(c, '+' | ' ' | '-' | '(' | ')' | '.'))
        .collect();
    let ok = (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
    ok.then_some(digits)
}

/// `2.24.17` or `2.24.17.78` → `[2, 24, 17]`.
fn parse_version(s: &str) -> Option<[u32; 3]> {
    let mut parts = s.trim().trim_start_matches(['v', 'V']).split('.');
    let mut out = [0u32; 3];
    for slot in &mut out {
        *slot = parts.next()?.trim().parse().ok()?;
    }
    // A fourth (build) part is allowed and ignored; anything after must still be numeric.
    parts
        .all(|p| p.trim().parse::<u32>().is_ok())
        .then_some(out)
}

fn result(
    check: Check,
    source: Source,
    verdict: Verdict,
    detail: impl Into<String>,
) -> CheckResult {
    CheckResult {
        check,
        question: check.question().to_owned(),
        source,
        verdict,
        detail: detail.into(),
    }
}

/// Runs the preflight for onboarding `phone` in `mode`.
pub fn evaluate(
    mode: NumberMode,
    phone: &str,
    rules: &CountryRules,
    answers: &PreflightAnswers,
    known: Option<&KnownNumber>,
) -> PreflightReport {
    let digits = phone_digits(phone);
    let checks: Vec<CheckResult> = Check::for_mode(mode)
        .iter()
        .map(|check| match check {
            Check::PhoneNumber => phone_check(phone, digits.as_deref()),
            Check::Country => country_check(digits.as_deref(), rules),
            Check::NotConnected => connected_check(mode, known),
            Check::AppVersion => version_check(answers.app_version.as_deref()),
            other => admin_check(*other, answers),
        })
        .collect();
    PreflightReport {
        mode,
        phone: digits.unwrap_or_else(|| phone.trim().to_owned()),
        eligible: checks.iter().all(|c| c.verdict == Verdict::Pass),
        checks,
    }
}

fn phone_check(phone: &str, digits: Option<&str>) -> CheckResult {
    match digits {
        Some(d) => result(
            Check::PhoneNumber,
            Source::Hub,
            Verdict::Pass,
            format!("+{d}"),
        ),
        None => result(
            Check::PhoneNumber,
            Source::Hub,
            Verdict::Fail,
            format!(
                "{:?} is not a full international number: type it with its country code, e.g. +1 555 010 0001 (8 to 15 digits).",
                phone.trim()
            ),
        ),
    }
}

fn country_check(digits: Option<&str>, rules: &CountryRules) -> CheckResult {
    let Some(digits) = digits else {
        return result(
            Check::Country,
            Source::Hub,
            Verdict::Unconfirmed,
            "Type a full number first.",
        );
    };
    match rules.unsupported_region(digits) {
        Some((region, code)) => result(
            Check::Country,
            Source::Hub,
            Verdict::Fail,
            format!(
                "+{code} is in {}, where coexistence onboarding is not supported (list: {}, checked {}). Such a number can only use the WhatsApp Business app alone, or move to the Cloud API only.",
                region.name, rules.source, rules.checked_on
            ),
        ),
        None => result(
            Check::Country,
            Source::Hub,
            Verdict::Pass,
            format!(
                "Not in an unsupported region (list: {}, checked {}).",
                rules.source, rules.checked_on
            ),
        ),
    }
}

fn connected_check(mode: NumberMode, known: Option<&KnownNumber>) -> CheckResult {
    let Some(k) = known else {
        return result(
            Check::NotConnected,
            Source::Hub,
            Verdict::Pass,
            "coexist knows no connection for this number, and Meta shows none to this app.",
        );
    };
    if k.connected {
        return result(
            Check::NotConnected,
            k.source,
            Verdict::Fail,
            "This number is already connected to the API. Onboarding it again does not restart the one-time syncs; if they must be repeated, the business first offboards it in the WhatsApp Business app (Settings > Account > Business Platform > Disconnect).",
        );
    }
    if mode == NumberMode::Coexistence && k.on_biz_app == Some(false) {
        return result(
            Check::NotConnected,
            k.source,
            Verdict::Fail,
            "Meta reports this number is not on the WhatsApp Business app, so it cannot keep the app: choose Cloud API only, or install the WhatsApp Business app on it first.",
        );
    }
    result(
        Check::NotConnected,
        k.source,
        Verdict::Pass,
        "Known, and not connected to the API.",
    )
}

fn version_check(version: Option<&str>) -> CheckResult {
    let [a, b, c] = MIN_APP_VERSION;
    let min = format!("{a}.{b}.{c}");
    let Some(text) = version.map(str::trim).filter(|v| !v.is_empty()) else {
        return result(
            Check::AppVersion,
            Source::Admin,
            Verdict::Unconfirmed,
            format!("Type the version shown in the app; it must be {min} or later."),
        );
    };
    match parse_version(text) {
        Some(v) if v >= MIN_APP_VERSION => result(
            Check::AppVersion,
            Source::Admin,
            Verdict::Pass,
            format!("{text} is {min} or later."),
        ),
        Some(_) => result(
            Check::AppVersion,
            Source::Admin,
            Verdict::Fail,
            format!(
                "Version {text} is older than {min}, the oldest Meta accepts for coexistence. Update the WhatsApp Business app on the phone, then run the preflight again."
            ),
        ),
        None => result(
            Check::AppVersion,
            Source::Admin,
            Verdict::Fail,
            format!(
                "{text:?} is not a version number such as {min} (see Settings > Help > App info)."
            ),
        ),
    }
}

fn admin_check(check: Check, answers: &PreflightAnswers) -> CheckResult {
    if answers.confirmed.contains(&check) {
        return result(
            check,
            Source::Admin,
            Verdict::Pass,
            "Confirmed by the admin.",
        );
    }
    let why = match check {
        Check::InUse => {
            "Meta refuses numbers that are new on the WhatsApp Business app. Keep using the app for at least 7 days (with real chats), then onboard."
        }
        Check::VerifiedBusiness => {
            "Coexistence onboarding needs a verified business portfolio. Complete business verification in Meta Business Suite first."
        }
        Check::FacebookPage => {
            "Link a Facebook page to the WhatsApp Business account (in the app: Settings > Business tools > Facebook & Instagram) first."
        }
        Check::NotOnWhatsApp => {
            "A Cloud-API-only number stops working in any WhatsApp app. Delete the app's account on it first, or choose coexistence to keep the app."
        }
        Check::CanReceiveCode => {
            "Meta sends a verification code to the number during signup; without it the signup cannot finish."
        }
        _ => "Confirm this item.",
    };
    result(
        check,
        Source::Admin,
        Verdict::Unconfirmed,
        format!("Not confirmed. {why}"),
    )
}

#[cfg(test)]
mod tests {
    use super::{
        Check, KnownNumber, PreflightAnswers, Source, Verdict, evaluate, parse_version,
        phone_digits,
    };
    use crate::number::NumberMode;
    use crate::onboarding::countries::{CountryRules, Region};

    fn rules() -> CountryRules {
        CountryRules {
            source: "seed report".to_owned(),
            checked_on: "2026-11-26".to_owned(),
            note: None,
            unsupported: vec![Region {
                name: "United Kingdom".to_owned(),
                calling_codes: vec!["44".to_owned()],
            }],
        }
    }

    fn all_confirmed(version: &str) -> PreflightAnswers {
        PreflightAnswers {
            app_version: Some(version.to_owned()),
            confirmed: [Check::InUse, Check::VerifiedBusiness, Check::FacebookPage]
                .into_iter()
                .collect(),
        }
    }

    #[test]
    fn an_eligible_coexistence_number_passes_every_check() {
        let r = evaluate(
            NumberMode::Coexistence,
            "+1 555-010-9999",
            &rules(),
            &all_confirmed("2.24.17.78"),
            None,
        );
        assert!(r.eligible, "{:?}", r.checks);
        assert_eq!(r.phone, "15550109999");
        assert_eq!(
            r.checks.len(),
            Check::for_mode(NumberMode::Coexistence).len()
        );
    }

    #[test]
    fn an_ineligible_number_is_refused_with_every_reason() {
        let answers = PreflightAnswers {
            app_version: Some("2.24.10".to_owned()),
            ..PreflightAnswers::default()
        };
        let r = evaluate(
            NumberMode::Coexistence,
            "+44 7700 900123",
            &rules(),
            &answers,
            None,
        );
        assert!(!r.eligible);
        let problems: Vec<(Check, Verdict)> = r.problems().map(|c| (c.check, c.verdict)).collect();
        assert_eq!(
            problems,
            [
                (Check::Country, Verdict::Fail),
                (Check::AppVersion, Verdict::Fail),
                (Check::InUse, Verdict::Unconfirmed),
                (Check::VerifiedBusiness, Verdict::Unconfirmed),
                (Check::FacebookPage, Verdict::Unconfirmed),
            ]
        );
        let country = &r.checks[1];
        assert!(
            country.detail.contains("United Kingdom"),
            "{}",
            country.detail
        );
        assert!(r.checks[3].detail.contains("older than 2.24.17"));
    }

    #[test]
    fn a_connected_number_or_one_not_on_the_app_is_refused() {
        let connected = KnownNumber {
            source: Source::Hub,
            connected: true,
            on_biz_app: None,
        };
        let r = evaluate(
            NumberMode::Coexistence,
            "15550100001",
            &rules(),
            &all_confirmed("2.25.1"),
            Some(&connected),
        );
        assert!(!r.eligible);
        assert!(r.checks[2].detail.contains("already connected"));
        let consumer = KnownNumber {
            source: Source::Meta,
            connected: false,
            on_biz_app: Some(false),
        };
        let r = evaluate(
            NumberMode::Coexistence,
            "15550100001",
            &rules(),
            &all_confirmed("2.25.1"),
            Some(&consumer),
        );
        assert_eq!(r.checks[2].source, Source::Meta);
        assert_eq!(r.checks[2].verdict, Verdict::Fail);
    }

    #[test]
    fn cloud_api_ignores_the_country_list_and_asks_its_own_questions() {
        let answers = PreflightAnswers {
            app_version: None,
            confirmed: [Check::NotOnWhatsApp, Check::CanReceiveCode]
                .into_iter()
                .collect(),
        };
        let r = evaluate(
            NumberMode::CloudApi,
            "+44 7700 900123",
            &rules(),
            &answers,
            None,
        );
        assert!(r.eligible, "{:?}", r.checks);
    }

    #[test]
    fn checks_are_named_the_same_on_the_wire_and_in_forms() {
        for mode in [NumberMode::Coexistence, NumberMode::CloudApi] {
            for check in Check::for_mode(mode) {
                let wire = serde_json::to_value(check).unwrap();
                assert_eq!(wire, check.as_str(), "{check:?}");
            }
        }
    }

    #[test]
    fn versions_and_numbers_are_read_leniently_but_not_blindly() {
        assert_eq!(parse_version("2.24.17"), Some([2, 24, 17]));
        assert_eq!(parse_version(" v2.25.3.1 "), Some([2, 25, 3]));
        assert_eq!(parse_version("2.24"), None);
        assert_eq!(parse_version("2.24.x"), None);
        assert!(parse_version("2.24.9").unwrap() < [2, 24, 17]);
        assert_eq!(
            phone_digits("+1 (555) 010-0001").as_deref(),
            Some("15550100001")
        );
        assert_eq!(phone_digits("555"), None);
        let r = evaluate(
            NumberMode::Coexistence,
            "call me",
            &rules(),
            &all_confirmed("2.25.0"),
            None,
        );
        assert_eq!(r.checks[0].verdict, Verdict::Fail);
        assert_eq!(r.checks[1].verdict, Verdict::Unconfirmed);
    }
}
