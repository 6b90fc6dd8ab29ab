//! Assertions on the typed variants each fixture yields.

use meta::error::ErrorCode;
use meta::webhook::account_update::{
    AccountEvent, AccountTarget, DisconnectionReason, InitiatedBy,
};
use meta::webhook::content::InteractiveReply;
use meta::webhook::history::HistoryStatus;
use meta::webhook::messages::MessageContent;
use meta::webhook::state_sync::StateSyncAction;
use meta::webhook::statuses::{
    ConversationCategory, DeliveryStatus, PricingCategory, PricingModel,
};
use meta::webhook::templates::{TemplateCategory, TemplateReason, TemplateStatus};
use meta::webhook::{ChangeValue, Envelope, EventKind};

use crate::fixtures;

fn parse(rel: &str) -> Envelope {
    meta::webhook::parse(&fixtures::bytes(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn pywa(rel: &str, case: &str) -> Envelope {
    let cases = fixtures::pywa_cases(rel);
    let (_, body) = cases
        .iter()
        .find(|(name, _)| name == case)
        .unwrap_or_else(|| panic!("no case {case}"));
    meta::webhook::parse(body).unwrap_or_else(|e| panic!("{rel}#{case}: {e}"))
}

fn only_value(envelope: &Envelope) -> &ChangeValue {
    assert_eq!(envelope.entry.len(), 1);
    assert_eq!(envelope.entry[0].changes.len(), 1);
    &envelope.entry[0].changes[0].value
}

fn first_message(envelope: &Envelope) -> &meta::webhook::messages::InboundMessage {
    let ChangeValue::Messages(value) = only_value(envelope) else {
        panic!("not a messages value")
    };
    &value.messages.as_ref().expect("messages")[0]
}

#[test]
fn user_edit_yields_the_original_wamid_and_the_new_caption() {
    let envelope = pywa("pywa/updates_edited_message.json", "image");
    let MessageContent::Edit(edit) = &first_message(&envelope).content else {
        panic!("not an edit")
    };
    assert_eq!(
        edit.original_message_id,
        "wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA="
    );
    assert_eq!(edit.new_text(), Some("Updated image caption"));
    let inner = edit.message.as_ref().expect("edited message");
    assert!(matches!(inner.content, MessageContent::Image(_)));
    assert_eq!(
        inner
            .context
            .as_ref()
            .and_then(|c| c.id.as_ref())
            .map(|id| id.as_str()),
        Some("M0")
    );
}

#[test]
fn user_revoke_names_the_deleted_message() {
    let envelope = pywa("pywa/updates_deleted_message.json", "revoke");
    let MessageContent::Revoke(revoke) = &first_message(&envelope).content else {
        panic!("not a revoke")
    };
    assert_eq!(revoke.original_message_id, "<ORIGINAL_WHATSAPP_MESSAGE_ID>");
}

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
fn the_history_fixture_yields_phase_0_chunk_1_progress_55_two_threads_and_a_placeholder() {
    let envelope = parse("meta-docs/history_threads_example.json");
    let events = envelope.events();
    assert_eq!(events.len(), 1);
    let EventKind::HistoryChunk(chunk) = &events[0].kind else {
        panic!("not a chunk")
    };
    let metadata = chunk.metadata.expect("metadata");
    assert_eq!(
        (metadata.phase, metadata.chunk_order, metadata.progress),
        (Some(0), Some(1), Some(55))
    );
    assert_eq!(chunk.threads.len(), 2);
    assert_eq!(chunk.threads[0].id, "16505551234");
    let placeholder = &chunk.threads[0].messages[1];
    assert_eq!(placeholder.content, MessageContent::MediaPlaceholder);
    assert_eq!(
        placeholder
            .history_context
            .as_ref()
            .and_then(|h| h.status.clone()),
        Some(HistoryStatus::Played)
    );
    let last = &chunk.threads[1].messages[0];
    assert_eq!(
        last.history_context.as_ref().and_then(|h| h.status.clone()),
        Some(HistoryStatus::Delivered)
    );
    assert_eq!(
        events[0].metadata.map(|m| m.phone_number_id.as_str()),
        Some("106540352242922")
    );
}

#[test]
fn the_history_media_follow_up_is_a_history_media_event_matching_the_placeholder_id() {
    let envelope = parse("meta-docs/history_media_asset_example.json");
    let events = envelope.events();
    let [event] = events.as_slice() else {
        panic!("one event expected")
    };
    let EventKind::HistoryMedia(message) = &event.kind else {
        panic!("not media")
    };
    assert_eq!(
        message.id,
        "wamid.QyNUEHBgLMTY0NjcwNDM1OTUVAgARGBI1Rj3NEYxMzAzMzQ5MkEA"
    );
    let media = message.content.media().expect("image");
    assert_eq!(
        media.id.as_ref().map(|id| id.as_str()),
        Some("24230790383178626")
    );
}

#[test]
fn the_declined_history_yields_error_2593109() {
    let value = fixtures::bytes("meta-docs/history_declined_example.json");
    let envelope = meta::webhook::parse(&fixtures::wrap_value("history", &value)).expect("parse");
    let events = envelope.events();
    let [event] = events.as_slice() else {
        panic!("one event expected")
    };
    let EventKind::HistoryError(error) = &event.kind else {
        panic!("not an error")
    };
    assert_eq!(error.code, ErrorCode::HistorySharingOff);
    assert_eq!(error.code.code(), 2_593_109);
    assert_eq!(
        error.details(),
        Some("History sharing is turned off by the business")
    );
}

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

#[test]
fn unsupported_keeps_131051_with_and_without_the_type_object() {
    let envelope = pywa("pywa/updates_message.json", "unsupported");
    let message = first_message(&envelope);
    assert_eq!(message.content, MessageContent::Unsupported(None));
    assert_eq!(
        message.errors.as_ref().expect("errors")[0].code,
        ErrorCode::UnsupportedMessageType
    );
    assert_eq!(
        message.errors.as_ref().expect("errors")[0].code.code(),
        131_051
    );

    let envelope = pywa("pywa/updates_message.json", "unsupported_with_type");
    let MessageContent::Unsupported(Some(info)) = &first_message(&envelope).content else {
        panic!("type")
    };
    assert_eq!(info.type_.as_deref(), Some("pool"));
}

#[test]
fn interactive_without_its_object_parses_as_missing_beside_a_value_error() {
    let envelope = pywa("pywa/updates_message.json", "interactive_message_with_err");
    let message = first_message(&envelope);
    assert_eq!(
        message.content,
        MessageContent::Missing {
            type_name: "interactive".to_owned()
        }
    );
    let events = envelope.events();
    assert_eq!(events.len(), 2);
    let EventKind::ValueError(error) = &events[1].kind else {
        panic!("value error expected")
    };
    assert_eq!(error.code, ErrorCode::SomethingWentWrong);
}

#[test]
fn every_inbound_type_of_the_message_fixture_maps_to_its_variant() {
    let expected = [
        ("text", "text"),
        ("image", "image"),
        ("media_with_url", "image"),
        ("video", "video"),
        ("document", "document"),
        ("audio", "audio"),
        ("voice", "audio"),
        ("static_sticker", "sticker"),
        ("animated_sticker", "sticker"),
        ("reaction", "reaction"),
        ("unreaction_empty", "reaction"),
        ("unreaction_no_emoji", "reaction"),
        ("current_location", "location"),
        ("chosen_location", "location"),
        ("contacts", "contacts"),
        ("order", "order"),
        ("reply", "text"),
        ("forwarded", "text"),
        ("forwarded_many_times", "text"),
        ("referral", "text"),
    ];
    for (case, type_name) in expected {
        let envelope = pywa("pywa/updates_message.json", case);
        let content = &first_message(&envelope).content;
        assert_eq!(content.type_name(), type_name, "{case}");
        assert!(
            !matches!(
                content,
                MessageContent::Missing { .. } | MessageContent::Unknown { .. }
            ),
            "{case}"
        );
    }
}

#[test]
fn message_details_survive_typed() {
    let voice = pywa("pywa/updates_message.json", "voice");
    assert_eq!(
        first_message(&voice).content.media().and_then(|m| m.voice),
        Some(true)
    );
    let url = pywa("pywa/updates_message.json", "media_with_url");
    assert!(
        first_message(&url)
            .content
            .media()
            .and_then(|m| m.url.as_deref())
            .is_some_and(|u| u.contains("lookaside"))
    );
    let unreact = pywa("pywa/updates_message.json", "unreaction_no_emoji");
    let MessageContent::Reaction(reaction) = &first_message(&unreact).content else {
        panic!("reaction")
    };
    assert!(reaction.is_removal());
    let location = pywa("pywa/updates_message.json", "chosen_location");
    let MessageContent::Location(place) = &first_message(&location).content else {
        panic!("location")
    };
    assert_eq!(place.latitude_f64(), Some(37.461_197_8));
    let order = pywa("pywa/updates_message.json", "order");
    let MessageContent::Order(order) = &first_message(&order).content else {
        panic!("order")
    };
    assert_eq!(order.product_items.as_ref().map(Vec::len), Some(3));
    let forwarded = pywa("pywa/updates_message.json", "forwarded_many_times");
    assert_eq!(
        first_message(&forwarded)
            .context
            .as_ref()
            .and_then(|c| c.frequently_forwarded),
        Some(true)
    );
    let referral = pywa("pywa/updates_message.json", "referral");
    assert_eq!(
        first_message(&referral)
            .referral
            .as_ref()
            .and_then(|r| r.ctwa_clid.as_deref()),
        Some("CTWA_CLID")
    );
}

#[test]
fn interactive_replies_yield_their_ids() {
    let envelope = parse("meta-docs/interactive_button_reply_example.json");
    let MessageContent::Interactive(i) = &first_message(&envelope).content else {
        panic!("interactive")
    };
    let InteractiveReply::ButtonReply(reply) = &i.reply else {
        panic!("button_reply")
    };
    assert_eq!(
        (reply.id.as_str(), reply.title.as_str()),
        ("change-button", "Change")
    );

    let envelope = parse("meta-docs/interactive_list_reply_example.json");
    let MessageContent::Interactive(i) = &first_message(&envelope).content else {
        panic!("interactive")
    };
    let InteractiveReply::ListReply(reply) = &i.reply else {
        panic!("list_reply")
    };
    assert_eq!(reply.description.as_deref(), Some("Next Day to 2 Days"));

    let envelope = pywa("pywa/updates_flow_completion.json", "completion");
    let MessageContent::Interactive(i) = &first_message(&envelope).content else {
        panic!("interactive")
    };
    let InteractiveReply::NfmReply(reply) = &i.reply else {
        panic!("nfm_reply")
    };
    assert_eq!(
        reply.flow_token().as_deref(),
        Some("AQAAAAACS5FpgQ_cAAAAAD0QI3s.")
    );

    let envelope = pywa(
        "pywa/updates_callback_button.json",
        "quick_reply_without_context",
    );
    let message = first_message(&envelope);
    let MessageContent::Button(button) = &message.content else {
        panic!("button")
    };
    assert_eq!(button.payload.as_deref(), Some("callback_data"));
    assert_eq!(
        message.from_user_id.as_ref().map(|u| u.as_str()),
        Some("US.13491208655302741918")
    );
}

#[test]
fn system_messages_carry_their_type_and_no_contacts() {
    let envelope = pywa("pywa/updates_system.json", "phone_number_change");
    let ChangeValue::Messages(value) = only_value(&envelope) else {
        panic!("messages")
    };
    assert!(value.contacts.is_none());
    let MessageContent::System(system) = &value.messages.as_ref().expect("messages")[0].content
    else {
        panic!()
    };
    assert_eq!(
        system.type_,
        Some(meta::webhook::content::SystemType::UserChangedNumber)
    );
    assert_eq!(
        system.wa_id.as_ref().map(|w| w.as_str()),
        Some("972912345678")
    );

    let envelope = pywa("pywa/updates_system.json", "identity_change");
    let message = first_message(&envelope);
    assert_eq!(
        message.identity.as_ref().and_then(|i| i.acknowledged),
        Some(true)
    );
}

#[test]
fn echoes_yield_text_revoke_and_edit_with_bsuid_fields() {
    let envelope = pywa("pywa/updates_outgoing_message.json", "text");
    let events = envelope.events();
    let EventKind::Echo { echo, .. } = &events[0].kind else {
        panic!("echo")
    };
    assert_eq!(
        echo.to_user_id.as_ref().map(|u| u.as_str()),
        Some("<BSUID>")
    );
    assert_eq!(echo.content.text_or_caption(), Some("Test message"));

    let envelope = pywa("pywa/updates_outgoing_message.json", "delete");
    let EventKind::Echo { echo, .. } = &envelope.events()[0].kind.clone() else {
        panic!("echo")
    };
    assert!(
        matches!(&echo.content, MessageContent::Revoke(r) if r.original_message_id == "wamid.zzzzzz")
    );

    let envelope = pywa("pywa/updates_outgoing_message.json", "edit");
    let EventKind::Echo { echo, .. } = &envelope.events()[0].kind.clone() else {
        panic!("echo")
    };
    let MessageContent::Edit(edit) = &echo.content else {
        panic!("edit")
    };
    assert_eq!(edit.new_text(), Some("Text was edited"));
}

#[test]
fn state_sync_yields_an_add_with_names() {
    let envelope = parse("meta-docs/smb_app_state_sync_example.json");
    let events = envelope.events();
    let EventKind::StateSync(entry) = &events[0].kind else {
        panic!("state sync")
    };
    assert_eq!(entry.action, Some(StateSyncAction::Add));
    let contact = entry.contact.as_ref().expect("contact");
    assert_eq!(contact.full_name.as_deref(), Some("Pablo Morales"));
    assert_eq!(
        entry
            .metadata
            .as_ref()
            .and_then(|m| m.timestamp)
            .map(|t| t.as_unix_secs()),
        Some(1_739_321_024)
    );
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

#[test]
fn inbound_contacts_carry_bsuids_and_match_their_message() {
    let envelope = pywa("pywa/updates_message.json", "text");
    let events = envelope.events();
    let EventKind::InboundMessage { message, contact } = &events[0].kind else {
        panic!("inbound")
    };
    let contact = contact.expect("matched contact");
    assert_eq!(
        contact.user_id.as_ref().map(|u| u.as_str()),
        Some("US.13491208655302741918")
    );
    assert!(
        contact
            .user_id
            .as_ref()
            .is_some_and(|u| u.is_well_formed() && !u.is_parent())
    );
    assert!(
        contact
            .parent_user_id
            .as_ref()
            .is_some_and(|u| u.is_parent())
    );
    assert_eq!(message.from.as_ref(), contact.wa_id.as_ref());
    assert_eq!(events[0].waba_id.as_str(), envelope.entry[0].id.as_str());
}
