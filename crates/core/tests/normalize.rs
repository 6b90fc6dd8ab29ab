//! Normalization of real Meta payloads (the fixtures kept in the `meta` crate) into domain
//! changes: provenance, direction, amendments, history, lifecycle, and the lenient fallback.

use coexist_core::ingest::{AmendmentKind, Change, HISTORY_DECLINED_CODE, ReadError, read_webhook};
use coexist_core::message::{Direction, Editor, Origin};
use coexist_core::status::DeliveryStatus;
use coexist_core::time::Timestamp;
use serde_json::{Value, json};

const NOW: Timestamp = Timestamp(1_760_000_000_000);

fn fixture(path: &str) -> Value {
    let full = format!(
        "{}/../meta/tests/fixtures/{path}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn case(path: &str, name: &str) -> Value {
    fixture(path)[name].clone()
}

fn read(body: &Value) -> Vec<Change> {
    read_webhook(body.to_string().as_bytes(), NOW).expect("a valid webhook")
}

fn only(changes: Vec<Change>) -> Change {
    assert_eq!(changes.len(), 1, "{changes:#?}");
    changes.into_iter().next().unwrap()
}

#[test]
fn a_customer_text_is_an_inbound_customer_message_with_its_contact() {
    let Change::Message(m) = only(read(&case("pywa/updates_message.json", "text"))) else {
        panic!()
    };
    assert_eq!(
        (m.direction, m.origin),
        (Direction::Inbound, Origin::Customer)
    );
    assert_eq!(m.text.as_deref(), Some("Body Text"));
    assert_eq!(m.number.phone_number_id, "1122334455667");
    assert_eq!(m.contact.wa_id.as_deref(), Some("972987654321"));
    assert_eq!(
        m.contact.user_id.as_deref(),
        Some("US.13491208655302741918")
    );
    assert_eq!(m.contact.profile_name.as_deref(), Some("Test Name"));
    assert_eq!(m.timestamp, Timestamp::from_unix_secs(1_697_043_223));
    assert_eq!(m.raw.to_value()["id"], "wamid.xyzxyz");
}

#[test]
fn captions_replies_and_referrals_are_kept() {
    let Change::Message(img) = only(read(&case("pywa/updates_message.json", "image"))) else {
        panic!()
    };
    assert_eq!(img.kind, "image");
    assert!(img.content.as_ref().unwrap().to_value()["id"].is_string());
    let Change::Message(reply) = only(read(&case("pywa/updates_message.json", "reply"))) else {
        panic!()
    };
    assert!(reply.reply_to.is_some());
    let Change::Message(ad) = only(read(&case("pywa/updates_message.json", "referral"))) else {
        panic!()
    };
    assert!(ad.referral);
}

#[test]
fn unsupported_messages_keep_metas_error() {
    let Change::Message(m) = only(read(&case("pywa/updates_message.json", "unsupported"))) else {
        panic!()
    };
    assert_eq!(m.kind, "unsupported");
    assert_eq!(m.error.unwrap().code, 131_051);
}

#[test]
fn an_echo_is_an_outbound_business_app_message() {
    let Change::Message(m) = only(read(&case("pywa/updates_outgoing_message.json", "text"))) else {
        panic!()
    };
    assert_eq!(
        (m.direction, m.origin),
        (Direction::Outbound, Origin::BusinessApp)
    );
    assert_eq!(m.text.as_deref(), Some("Test message"));
}

#[test]
fn an_echo_is_addressed_to_its_to_with_the_plus_stripped() {
    // Meta's smb_message_echoes example (META.md §5.2), with the `+` Meta's table shows.
    let body = json!({"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{"field": "smb_message_echoes", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
        "message_echoes": [{"from": "15550783881", "to": "+16505551234", "id": "wamid.HBgLMTY0NjcwNDM1OTUVAgARGBIyNDlBOEI5QUQ4NDc0N0FCNjMA",
            "timestamp": "1739321024", "type": "text", "text": {"body": "Here's the info you requested!"}}]}}]}]});
    let Change::Message(m) = only(read(&body)) else {
        panic!()
    };
    assert_eq!(m.contact.wa_id.as_deref(), Some("16505551234"));
    assert_eq!(m.origin, Origin::BusinessApp);
}

#[test]
fn edit_and_revoke_echoes_amend_the_original_by_the_business_app() {
    let Change::Amendment(edit) = only(read(&case("pywa/updates_outgoing_message.json", "edit")))
    else {
        panic!()
    };
    assert_eq!(edit.by, Editor::BusinessApp);
    assert_ne!(edit.target_wamid, edit.event_wamid);
    assert!(matches!(edit.kind, AmendmentKind::Edit { .. }));
    let Change::Amendment(revoke) =
        only(read(&case("pywa/updates_outgoing_message.json", "delete")))
    else {
        panic!()
    };
    assert_eq!(
        (revoke.by, revoke.kind),
        (Editor::BusinessApp, AmendmentKind::Revoke)
    );
}

#[test]
fn a_customer_edit_carries_the_new_caption() {
    let Change::Amendment(a) = only(read(&case("pywa/updates_edited_message.json", "image")))
    else {
        panic!()
    };
    assert_eq!(a.by, Editor::Customer);
    let AmendmentKind::Edit {
        message_type, text, ..
    } = a.kind
    else {
        panic!()
    };
    assert_eq!(message_type, "image");
    assert!(text.is_some());
    let Change::Amendment(r) = only(read(&case("pywa/updates_deleted_message.json", "revoke")))
    else {
        panic!()
    };
    assert_eq!((r.by, r.kind), (Editor::Customer, AmendmentKind::Revoke));
}

#[test]
fn a_history_chunk_is_quiet_history_with_directions_and_statuses() {
    let changes = read(&fixture("meta-docs/history_threads_example.json"));
    let messages: Vec<_> = changes
        .iter()
        .filter_map(|c| {
            if let Change::Message(m) = c {
                Some(m)
            } else {
                None
            }
        })
        .collect();
    assert_eq!(messages.len(), 4);
    assert!(messages.iter().all(|m| m.origin == Origin::History));
    assert_eq!(messages[0].direction, Direction::Outbound);
    assert_eq!(messages[0].status, Some(DeliveryStatus::Read));
    assert!(messages[1].media_placeholder);
    assert_eq!(messages[2].direction, Direction::Inbound);
    assert_eq!(messages[2].contact.wa_id.as_deref(), Some("16505551234"));
    assert_eq!(messages[3].contact.wa_id.as_deref(), Some("12125557890"));
    let Some(Change::HistoryChunk(chunk)) = changes.last() else {
        panic!()
    };
    assert_eq!(
        (
            chunk.phase,
            chunk.chunk_order,
            chunk.progress,
            chunk.messages
        ),
        (0, 1, 55, 4)
    );
}

#[test]
fn a_history_media_follow_up_fills_its_placeholder() {
    let Change::HistoryMedia(m) =
        only(read(&fixture("meta-docs/history_media_asset_example.json")))
    else {
        panic!()
    };
    assert_eq!(
        m.wamid,
        "wamid.QyNUEHBgLMTY0NjcwNDM1OTUVAgARGBI1Rj3NEYxMzAzMzQ5MkEA"
    );
    assert_eq!(m.kind, "image");
    assert_eq!(m.text.as_deref(), Some("Black Prince echeveria"));
}

#[test]
fn declined_history_is_recognized() {
    let value = fixture("meta-docs/history_declined_example.json");
    let body = json!({"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{"field": "history", "value": value}]}]});
    let Change::HistoryDeclined(d) = only(read(&body)) else {
        panic!()
    };
    assert_eq!(d.error.code, HISTORY_DECLINED_CODE);
}

#[test]
fn declined_history_in_value_errors_is_recognized() {
    let mut value = fixture("meta-docs/history_declined_example.json");
    let errors = value["history"][0]["errors"].take();
    value.as_object_mut().unwrap().remove("history");
    value["errors"] = errors;
    let body = json!({"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{"field": "history", "value": value}]}]});
    let Change::HistoryDeclined(d) = only(read(&body)) else {
        panic!("not recognised as a decline")
    };
    assert_eq!(d.error.code, HISTORY_DECLINED_CODE);
    assert_eq!(
        d.number.map(|n| n.phone_number_id).as_deref(),
        Some("106540352242922")
    );
}

#[test]
fn address_book_sync_becomes_contact_changes() {
    let Change::ContactSync(c) = only(read(&fixture("meta-docs/smb_app_state_sync_example.json")))
    else {
        panic!()
    };
    assert_eq!(
        (c.action.as_str(), c.wa_id.as_str()),
        ("add", "16505551234")
    );
    assert_eq!(c.full_name.as_deref(), Some("Pablo Morales"));
    assert_eq!(c.timestamp, Timestamp::from_unix_secs(1_739_321_024));
}

#[test]
fn statuses_keep_pricing_and_errors() {
    let Change::Status(s) = only(read(&case("pywa/updates_message_status.json", "sent"))) else {
        panic!()
    };
    assert_eq!(s.status, "sent");
    assert!(s.pricing_category.is_some());
    let Change::Status(f) = only(read(&case("pywa/updates_message_status.json", "failed"))) else {
        panic!()
    };
    assert!(f.error.is_some());
}

#[test]
fn partner_removed_names_its_reason() {
    let changes = read(&case(
        "pywa/updates_account_update.json",
        "partner_removed_wa_app_disconnection",
    ));
    let Change::Account(a) = only(changes) else {
        panic!()
    };
    assert_eq!(a.event, "PARTNER_REMOVED");
    assert_eq!(a.reason.as_deref(), Some("PRIMARY_INACTIVITY"));
}

#[test]
fn template_status_updates_are_recorded() {
    let Change::Template(t) = only(read(&fixture(
        "meta-docs/template_status_approved_example.json",
    ))) else {
        panic!()
    };
    assert_eq!(t.event.as_deref(), Some("APPROVED"));
    assert!(!t.template_id.is_empty());
}

#[test]
fn an_unknown_field_is_kept_raw() {
    let body = json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "calls", "value": {"x": 1}}]}]});
    let Change::Unparsed(u) = only(read(&body)) else {
        panic!()
    };
    assert_eq!(u.field, "calls");
    assert_eq!(u.raw, json!({"x": 1}));
}

#[test]
fn one_malformed_change_does_not_cost_the_others() {
    let mut body = case("pywa/updates_message.json", "text");
    let good = body["entry"][0]["changes"][0].clone();
    let mut bad = good.clone();
    bad["value"]["messages"][0]["timestamp"] = json!({"oops": true});
    body["entry"][0]["changes"] = json!([bad, good]);
    let changes = read(&body);
    assert_eq!(changes.len(), 2, "{changes:#?}");
    assert!(matches!(&changes[0], Change::Message(_)));
    let Change::Unparsed(u) = &changes[1] else {
        panic!()
    };
    assert!(u.reason.contains("timestamp"), "{}", u.reason);
}

#[test]
fn garbage_and_foreign_objects_are_refused() {
    assert!(matches!(
        read_webhook(b"{\"object\": ", NOW),
        Err(ReadError::NotJson(_))
    ));
    let page = json!({"object": "page", "entry": []});
    let err = read_webhook(page.to_string().as_bytes(), NOW).unwrap_err();
    assert!(matches!(err, ReadError::NotWebhook(_)), "{err}");
    assert!(err.to_string().contains("whatsapp_business_account"));
}

/// The pywa number-change notice with its `system` object replaced by `system`.
fn number_change_notice(system: Value) -> Value {
    let mut body = case("pywa/updates_system.json", "phone_number_change");
    body["entry"][0]["changes"][0]["value"]["messages"][0]["system"] = system;
    body
}

#[test]
fn a_number_change_is_stored_as_a_message_then_relinks_the_contact() {
    let changes = read(&case("pywa/updates_system.json", "phone_number_change"));
    let [Change::Message(notice), Change::UserNumberChange(change)] = &changes[..] else {
        panic!("{changes:#?}")
    };
    assert_eq!(notice.kind, "system");
    assert_eq!(
        notice.text.as_deref(),
        Some("User A changed from 972987654321 to 972912345678")
    );
    assert_eq!(notice.contact.wa_id.as_deref(), Some("972987654321"));
    assert_eq!(change.contact.wa_id.as_deref(), Some("972987654321"));
    assert_eq!(change.new_wa_id, "972912345678");
    assert_eq!(change.wamid, notice.wamid);
    assert_eq!(change.timestamp, Timestamp::from_unix_secs(1_753_851_315));
    assert_eq!(change.number.phone_number_id, "1122334455667");
}

#[test]
fn the_older_name_customer_changed_number_relinks_too() {
    let body = number_change_notice(json!({
        "body": "User A changed from 972987654321 to 972912345678",
        "wa_id": "972912345678",
        "type": "customer_changed_number",
    }));
    let changes = read(&body);
    let [Change::Message(_), Change::UserNumberChange(change)] = &changes[..] else {
        panic!("{changes:#?}")
    };
    assert_eq!(change.new_wa_id, "972912345678");
}

#[test]
fn other_system_messages_are_only_messages() {
    let cases = [
        // No new number: nothing to relink to.
        json!({"body": "User A changed number", "type": "user_changed_number"}),
        // The "new" number is the sender's own.
        json!({"body": "no change", "wa_id": "972987654321", "type": "user_changed_number"}),
        // A BSUID change: META.md does not say where the new BSUID is.
        json!({"body": "User A changed their user id", "type": "user_changed_user_id"}),
        json!({"body": "User A changed", "wa_id": "972912345678", "type": "user_changed_user_id"}),
        // A type coexist does not know.
        json!({"body": "?", "wa_id": "972912345678", "type": "something_new"}),
    ];
    for system in cases {
        let Change::Message(m) = only(read(&number_change_notice(system.clone()))) else {
            panic!("{system}")
        };
        assert_eq!(m.kind, "system", "{system}");
    }
    let Change::Message(m) = only(read(&case("pywa/updates_system.json", "identity_change")))
    else {
        panic!()
    };
    assert_eq!(m.kind, "system");
}
