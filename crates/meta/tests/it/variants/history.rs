//! Coexistence: the history import (phases, media follow-ups, declines), echoes from the phone app and its address book.

use meta::error::ErrorCode;
use meta::webhook::EventKind;
use meta::webhook::history::HistoryStatus;
use meta::webhook::messages::MessageContent;
use meta::webhook::state_sync::StateSyncAction;

use super::{parse, pywa};
use crate::fixtures;

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
fn a_decline_in_value_errors_is_a_history_error_too() {
    // Meta's example has `history[].errors[]`; the same error at the value level, as the
    // `messages` field sends errors, must be read as a history error as well.
    let body = serde_json::json!({"object": "whatsapp_business_account", "entry": [{"id": "102290129340398",
        "changes": [{"field": "history", "value": {"messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
            "errors": [{"code": 2593109, "title": "History sync is turned off by the business from the WhatsApp Business App"}]}}]}]});
    let envelope = meta::webhook::parse(body.to_string().as_bytes()).expect("parse");
    let events = envelope.events();
    let [event] = events.as_slice() else {
        panic!("one event expected: {events:?}")
    };
    let EventKind::HistoryError(error) = &event.kind else {
        panic!("not a history error: {event:?}")
    };
    assert_eq!(error.code, ErrorCode::HistorySharingOff);
    assert!(event.metadata.is_some(), "scoped to the number");
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
