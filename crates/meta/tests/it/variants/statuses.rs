//! Statuses: conversation and pricing, errors, callback data, played and group statuses.

use meta::error::ErrorCode;
use meta::webhook::ChangeValue;
use meta::webhook::statuses::{
    ConversationCategory, DeliveryStatus, PricingCategory, PricingModel,
};

use super::{only_value, parse, pywa};

#[test]
fn statuses_keep_conversation_and_cbp_pricing() {
    let envelope = parse("meta-docs/status_delivered_example.json");
    let ChangeValue::Messages(value) = only_value(&envelope) else {
        panic!("not messages")
    };
    let status = &value.statuses.as_ref().expect("statuses")[0];
    assert_eq!(status.status, DeliveryStatus::Delivered);
    let pricing = status.pricing.as_ref().expect("pricing");
    assert_eq!(pricing.pricing_model, Some(PricingModel::Cbp));
    assert_eq!(pricing.category, Some(PricingCategory::Service));
    assert_eq!(pricing.billable, Some(true));
    let origin = status
        .conversation
        .as_ref()
        .and_then(|c| c.origin.as_ref())
        .expect("origin");
    assert_eq!(origin.type_, ConversationCategory::Service);
}

#[test]
fn failed_status_keeps_its_error_and_tracker_status_keeps_callback_data() {
    let envelope = pywa("pywa/updates_message_status.json", "failed");
    let ChangeValue::Messages(value) = only_value(&envelope) else {
        panic!("not messages")
    };
    let status = &value.statuses.as_ref().expect("statuses")[0];
    assert_eq!(status.status, DeliveryStatus::Failed);
    assert_eq!(
        status.errors.as_ref().expect("errors")[0].code,
        ErrorCode::UserInExperiment
    );

    let envelope = pywa("pywa/updates_message_status.json", "with_tracker");
    let ChangeValue::Messages(value) = only_value(&envelope) else {
        panic!("not messages")
    };
    let status = &value.statuses.as_ref().expect("statuses")[0];
    assert_eq!(
        status.biz_opaque_callback_data.as_deref(),
        Some("some data")
    );
}

#[test]
fn played_and_group_statuses_parse_with_bsuid_fields() {
    let envelope = pywa("pywa/updates_message_status.json", "played");
    let ChangeValue::Messages(value) = only_value(&envelope) else {
        panic!("not messages")
    };
    assert_eq!(
        value.statuses.as_ref().expect("statuses")[0].status,
        DeliveryStatus::Played
    );

    let envelope = pywa("pywa/updates_message_status.json", "group");
    let ChangeValue::Messages(value) = only_value(&envelope) else {
        panic!("not messages")
    };
    let status = &value.statuses.as_ref().expect("statuses")[0];
    assert_eq!(status.recipient_type.as_deref(), Some("group"));
    assert_eq!(
        status
            .recipient_participant_user_id
            .as_ref()
            .map(|u| u.as_str()),
        Some("US.123456")
    );
}
