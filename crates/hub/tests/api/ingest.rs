//! Fixture webhooks go in, and come back out through every endpoint.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{DOCS_PHONE_NUMBER_ID, TestApp, fixture, spawn_app};

const REPLY_WAMID: &str = "wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQThBREYwNzc2RDc2QjA1QTIwMgA=";
const HISTORY_WAMID: &str = "wamid.BIyNDlBOEI5N0FCNjMAHBgLMTY0NjcwNDM1OTUVAgARGQUQ4NDc0";

const FIXTURES: [&str; 4] = [
    "interactive_button_reply_example.json",
    "history_threads_example.json",
    "status_delivered_for_history_message.json",
    "pywa_interactive_message_with_err.json",
];

async fn deliver_fixtures(app: &TestApp) -> Vec<Value> {
    let mut receipts = Vec::new();
    for name in FIXTURES {
        receipts.push(app.deliver(&fixture(name)).await);
    }
    receipts
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is not a string in {v}"))
}

#[tokio::test]
async fn a_fixture_delivery_is_visible_through_every_endpoint() {
    let app = spawn_app().await;
    let receipts = deliver_fixtures(&app).await;
    assert_eq!(receipts[0]["messages_created"], 1);
    assert_eq!(receipts[1]["messages_created"], 4);

    let number_id = check_number(&app).await;
    check_contacts(&app, &number_id).await;
    let chat = check_chat(&app, &number_id).await;
    let reply = check_chat_messages(&app, &chat).await;
    check_lookup_search_and_events(&app, &reply).await;
    let errors = app.list("/api/v1/webhook-errors").await;
    assert!(
        errors.iter().any(|e| e["error"]["code"] == 131000),
        "{errors:?}"
    );
}

/// The number was first seen in a webhook; returns its id.
async fn check_number(app: &TestApp) -> String {
    let numbers = app.list("/api/v1/numbers").await;
    let number = numbers
        .iter()
        .find(|n| n["phone_number_id"] == DOCS_PHONE_NUMBER_ID)
        .unwrap_or_else(|| panic!("number missing: {numbers:?}"));
    let number_id = str_of(number, "id");
    assert_eq!(number["configured"], false);
    assert!(number["health"]["lifecycle"].is_string(), "{number}");
    assert!(number["health"]["warnings"].is_array(), "{number}");
    let one = app.get_json(&format!("/api/v1/numbers/{number_id}")).await;
    assert_eq!(one["id"], number["id"]);
    number_id.to_owned()
}

/// Contacts by number and by search.
async fn check_contacts(app: &TestApp, number_id: &str) {
    let contacts = app
        .list(&format!("/api/v1/contacts?number_id={number_id}"))
        .await;
    let pablo = contacts
        .iter()
        .find(|c| c["wa_id"] == "16505551234")
        .expect("contact");
    assert_eq!(pablo["profile_name"], "Pablo Morales");
    let found = app.list("/api/v1/contacts?q=Pablo").await;
    assert_eq!(found.len(), 1, "{found:?}");
}

/// Two threads from the history, one of them also has the live reply; returns that one.
async fn check_chat(app: &TestApp, number_id: &str) -> Value {
    let chats = app
        .list(&format!("/api/v1/chats?number_id={number_id}"))
        .await;
    assert_eq!(chats.len(), 2, "{chats:?}");
    let chat = chats
        .iter()
        .find(|c| c["contact"]["wa_id"] == "16505551234")
        .expect("chat with Pablo")
        .clone();
    assert_eq!(chat["contact"]["profile_name"], "Pablo Morales");
    assert_eq!(chat["last_message_at"], "2025-02-10T23:42:50Z");
    assert_eq!(chat["unread_count"], 1, "history is quiet: {chat}");
    assert_eq!(chat["service_window"]["state"], "closed");
    assert_eq!(chat["service_window"]["closes_at"], "2024-05-01T20:46:43Z");
    let chat_id = str_of(&chat, "id");
    let one = app.get_json(&format!("/api/v1/chats/{chat_id}")).await;
    assert_eq!(one["id"], chat["id"]);
    chat
}

/// The chat's messages, newest first; returns the live reply (the oldest).
async fn check_chat_messages(app: &TestApp, chat: &Value) -> Value {
    let chat_id = str_of(chat, "id");
    let messages = app.list(&format!("/api/v1/chats/{chat_id}/messages")).await;
    assert_eq!(messages.len(), 4, "{messages:?}");
    let reply = messages.last().expect("oldest message").clone();
    assert_eq!(reply["wamid"], REPLY_WAMID);
    assert_eq!(reply["direction"], "inbound");
    assert_eq!(reply["origin"], "customer");
    assert_eq!(reply["type"], "interactive");
    assert_eq!(reply["text"], "Change");
    assert_eq!(reply["timestamp"], "2024-04-30T20:46:43Z");
    assert_eq!(reply["chat_id"], chat["id"]);
    let history = &messages[..3];
    assert!(
        history.iter().all(|m| m["origin"] == "history"),
        "{messages:?}"
    );
    reply
}

/// Lookup by wamid, full-text search, one message, and its events (a status with pricing).
async fn check_lookup_search_and_events(app: &TestApp, reply: &Value) {
    let by_wamid = app
        .list_query("/api/v1/messages", &[("wamid", REPLY_WAMID)])
        .await;
    assert_eq!(by_wamid.len(), 1);
    assert_eq!(by_wamid[0]["id"], reply["id"]);
    let searched = app
        .list_query("/api/v1/messages", &[("q", "THANKS30")])
        .await;
    assert_eq!(searched.len(), 1, "{searched:?}");
    assert_eq!(searched[0]["wamid"], HISTORY_WAMID);
    let history_id = str_of(&searched[0], "id");
    let message = app
        .get_json(&format!("/api/v1/messages/{history_id}"))
        .await;
    assert_eq!(message["wamid"], HISTORY_WAMID);
    assert_eq!(message["direction"], "outbound");
    let events = app
        .list(&format!("/api/v1/messages/{history_id}/events"))
        .await;
    let status = events
        .iter()
        .find(|e| e["kind"] == "status")
        .expect("status event");
    let shown = status.to_string();
    assert!(
        shown.contains("delivered") && shown.contains("service"),
        "{shown}"
    );
}

#[tokio::test]
async fn a_redelivery_changes_nothing() {
    let app = spawn_app().await;
    deliver_fixtures(&app).await;
    let before = app.snapshot().await;
    for receipt in deliver_fixtures(&app).await {
        assert_eq!(receipt["duplicate_request"], true, "{receipt}");
        assert_eq!(receipt["messages_created"], 0, "{receipt}");
    }
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn unknown_ids_are_404() {
    let app = spawn_app().await;
    deliver_fixtures(&app).await;
    for path in [
        "/api/v1/numbers/999999",
        "/api/v1/chats/999999",
        "/api/v1/chats/999999/messages",
        "/api/v1/messages/999999",
        "/api/v1/messages/999999/events",
    ] {
        let (code, message) = app.get_error(path, StatusCode::NOT_FOUND).await;
        assert_eq!(code, "not_found");
        assert!(message.contains("999999"), "{path}: {message}");
    }
}

#[tokio::test]
async fn bad_parameters_are_400_with_a_clear_message() {
    let app = spawn_app().await;
    let cases = [
        ("/api/v1/chats/abc", "invalid_id", "abc"),
        ("/api/v1/messages/-1", "invalid_id", "-1"),
        (
            "/api/v1/chats?number_id=abc",
            "invalid_parameter",
            "number_id",
        ),
        (
            "/api/v1/contacts?number_id=1.5",
            "invalid_parameter",
            "number_id",
        ),
        ("/api/v1/chats?limit=ten", "invalid_parameter", "limit"),
        ("/api/v1/messages", "invalid_parameter", "wamid"),
        (
            "/api/v1/messages?wamid=a&q=b",
            "invalid_parameter",
            "either",
        ),
        ("/api/v1/stream?after=x", "invalid_parameter", "after"),
    ];
    for (path, expected, mentions) in cases {
        let (code, message) = app.get_error(path, StatusCode::BAD_REQUEST).await;
        assert_eq!(code, expected, "{path}: {message}");
        assert!(message.contains(mentions), "{path}: {message}");
    }
    let (_, message) = app
        .get_error("/api/v1/chats?cursor=garbage", StatusCode::BAD_REQUEST)
        .await;
    assert!(!message.is_empty());
}

#[tokio::test]
async fn a_limit_out_of_range_is_clamped() {
    let app = spawn_app().await;
    deliver_fixtures(&app).await;
    assert_eq!(app.list("/api/v1/chats?limit=100000").await.len(), 3);
    assert_eq!(app.list("/api/v1/chats?limit=0").await.len(), 1);
    assert_eq!(app.list("/api/v1/chats?limit=-5").await.len(), 1);
}

/// A webhook with a change coexist cannot type is answered 200, its other changes applied, and
/// the odd change is listed raw, with the reason, for operators.
#[tokio::test]
async fn changes_that_cannot_be_typed_are_listed_raw_with_the_reason() {
    let app = spawn_app().await;
    let metadata = serde_json::json!({
        "display_phone_number": "15550783881", "phone_number_id": DOCS_PHONE_NUMBER_ID
    });
    let body = serde_json::json!({
        "object": "whatsapp_business_account",
        "entry": [{ "id": "102290129340398", "changes": [
            { "field": "messages", "value": {
                "messaging_product": "whatsapp", "metadata": metadata,
                "contacts": [{ "profile": { "name": "Sheena" }, "wa_id": "16505551234" }],
                "messages": [{ "from": "16505551234", "id": "wamid.TYPED1", "timestamp": "1749416383",
                               "type": "text", "text": { "body": "still applied" } }]
            }},
            { "field": "brand_new_field", "value": { "metadata": metadata, "something": "new" } },
            { "field": "messages", "value": {
                "messaging_product": "whatsapp", "metadata": metadata, "messages": "not a list"
            }}
        ]}]
    });
    let receipt = app.deliver(body.to_string().as_bytes()).await;
    assert_eq!(receipt["messages_created"], 1, "{receipt}");

    let kept = app.list("/api/v1/unparsed-changes").await;
    assert_eq!(kept.len(), 2, "{kept:?}");
    let fields: Vec<&str> = kept.iter().map(|u| str_of(u, "field")).collect();
    assert!(fields.contains(&"brand_new_field"), "{kept:?}");
    let odd = kept
        .iter()
        .find(|u| u["field"] == "messages")
        .unwrap_or_else(|| panic!("the malformed messages change is not listed: {kept:?}"));
    assert_eq!(odd["raw"]["messages"], "not a list", "kept as sent: {odd}");
    assert!(
        str_of(odd, "reason").contains("messages"),
        "the reason names the field path: {odd}"
    );
    assert!(odd["number_id"].is_string(), "{odd}");
    let one = app.list("/api/v1/unparsed-changes?limit=1").await;
    assert_eq!(one.len(), 1);
}
