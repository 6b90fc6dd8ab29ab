//! Number and account events: `account_update` (partner removal, every event) and template webhooks.

use meta::webhook::ChangeValue;
use meta::webhook::account_update::{
    AccountEvent, AccountTarget, DisconnectionReason, InitiatedBy,
};
use meta::webhook::templates::{TemplateCategory, TemplateReason, TemplateStatus};

use super::{only_value, parse, pywa};

#[test]
fn partner_removed_yields_primary_inactivity_initiated_by_the_system() {
    let envelope = pywa(
        "pywa/updates_account_update.json",
        "partner_removed_wa_app_disconnection",
    );
    let ChangeValue::AccountUpdate(update) = only_value(&envelope) else {
        panic!("not account_update")
    };
    assert_eq!(update.event, AccountEvent::PartnerRemoved);
    assert_eq!(
        update.disconnection_reason(),
        Some(&DisconnectionReason::PrimaryInactivity)
    );
    let info = update
        .disconnection_info
        .as_ref()
        .expect("disconnection_info");
    assert_eq!(info.initiated_by, Some(InitiatedBy::System));
    let entry_id = &envelope.entry[0].id;
    assert_eq!(
        update.target(entry_id),
        AccountTarget::Waba(&"980198427658004".parse().expect("id"))
    );
    assert_eq!(
        envelope.entry[0].time.map(|t| t.as_unix_secs()),
        Some(1_748_477_359)
    );
}

#[test]
fn partner_removed_in_the_coexistence_page_shape_targets_the_phone_number() {
    let body = br#"{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","time":1739212624,
        "changes":[{"value":{"phone_number":"15550783881","event":"PARTNER_REMOVED",
        "disconnection_info":{"reason":"PRIMARY_INACTIVITY","initiated_by":"SYSTEM"}},"field":"account_update"}]}]}"#;
    let envelope = meta::webhook::parse(body).expect("parse");
    let ChangeValue::AccountUpdate(update) = only_value(&envelope) else {
        panic!("not account_update")
    };
    assert_eq!(
        update.disconnection_reason(),
        Some(&DisconnectionReason::PrimaryInactivity)
    );
    assert_eq!(
        update.target(&envelope.entry[0].id),
        AccountTarget::PhoneNumber(&"15550783881".parse().expect("id"))
    );
}

#[test]
fn every_account_update_case_has_its_event() {
    let expected = [
        ("account_deleted", AccountEvent::AccountDeleted),
        ("account_restriction", AccountEvent::AccountRestriction),
        ("account_violation", AccountEvent::AccountViolation),
        ("ad_account_linked", AccountEvent::AdAccountLinked),
        (
            "authentication_international_eligibility",
            AccountEvent::AuthIntlPriceEligibilityUpdate,
        ),
        ("account_disabled", AccountEvent::DisabledUpdate),
        (
            "mm_api_for_wa_terms_of_service",
            AccountEvent::MmLiteTermsSigned,
        ),
        ("partner_added", AccountEvent::PartnerAdded),
        ("partner_app_installed", AccountEvent::PartnerAppInstalled),
        (
            "partner_app_uninstalled",
            AccountEvent::PartnerAppUninstalled,
        ),
        (
            "partner_led_business_verification_status",
            AccountEvent::PartnerClientCertificationStatusUpdate,
        ),
        ("partner_removed", AccountEvent::PartnerRemoved),
        (
            "primary_business_location_set",
            AccountEvent::BusinessPrimaryLocationCountryUpdate,
        ),
        (
            "pricing_tiering_update",
            AccountEvent::VolumeBasedPricingTierUpdate,
        ),
        ("account_offboarded", AccountEvent::AccountOffboarded),
        ("account_reconnected", AccountEvent::AccountReconnected),
    ];
    for (case, event) in expected {
        let envelope = pywa("pywa/updates_account_update.json", case);
        let ChangeValue::AccountUpdate(update) = only_value(&envelope) else {
            panic!("{case}")
        };
        assert_eq!(update.event, event, "{case}");
    }
    let envelope = parse("meta-docs/account_update_account_deleted_example.json");
    let ChangeValue::AccountUpdate(update) = only_value(&envelope) else {
        panic!("not account_update")
    };
    assert_eq!(update.event, AccountEvent::AccountDeleted);
}

#[test]
fn template_webhooks_keep_integer_ids_and_typed_fields() {
    let envelope = parse("meta-docs/template_status_approved_example.json");
    let ChangeValue::TemplateStatus(update) = only_value(&envelope) else {
        panic!("template status")
    };
    assert_eq!(update.event, TemplateStatus::Approved);
    let id = update.message_template_id.as_ref().expect("id");
    assert_eq!(id.as_u64(), Some(1_689_556_908_129_832));
    assert_eq!(id.repr(), meta::ids::IdRepr::Integer);
    assert_eq!(update.reason, Some(Some(TemplateReason::None)));

    let envelope = pywa("pywa/updates_template_status_update.json", "rejected");
    let ChangeValue::TemplateStatus(update) = only_value(&envelope) else {
        panic!("template status")
    };
    assert_eq!(update.reason, Some(Some(TemplateReason::InvalidFormat)));
    assert!(
        update
            .rejection_info
            .as_ref()
            .and_then(|r| r.recommendation.as_ref())
            .is_some()
    );

    let envelope = pywa("pywa/updates_template_category_update.json", "marketing");
    let ChangeValue::TemplateCategory(update) = only_value(&envelope) else {
        panic!("template category")
    };
    assert_eq!(update.new_category, Some(TemplateCategory::Marketing));
}
