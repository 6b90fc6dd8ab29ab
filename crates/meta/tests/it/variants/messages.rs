//! Customer messages: every inbound type, edits and revokes, interactive replies, system messages, unsupported types.

use meta::error::ErrorCode;
use meta::webhook::content::InteractiveReply;
use meta::webhook::messages::MessageContent;
use meta::webhook::{ChangeValue, EventKind};

use super::{first_message, only_value, parse, pywa};

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
