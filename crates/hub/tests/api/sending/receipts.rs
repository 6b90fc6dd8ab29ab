//! Read receipts and the typing indicator reach the sandbox; the organization can turn read
//! receipts off.

use hub::outbox::receipts::{Receipt, mark_chat_read};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::rig::{CUSTOMER, Rig, error_code, rig};

/// The sandbox's view of the chat with `wa_id` on the coexistence number.
async fn thread(rig: &Rig, wa_id: &str) -> Value {
    let state = rig.sandbox.state().await;
    state["threads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["wa_id"] == wa_id && t["phone_number_id"] == rig.coex.0.as_str())
        .map(|t| t["thread"].clone())
        .expect("the sandbox has the thread")
}

async fn status_at_meta(rig: &Rig, wamid: &str) -> String {
    let state = rig.sandbox.state().await;
    state["messages"][wamid]["status"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn opening_a_chat_marks_its_newest_message_read_at_meta() {
    let rig = rig().await;
    rig.customer_says(CUSTOMER, "first").await;
    let chat = rig.customer_says(CUSTOMER, "second").await;
    let messages = rig.list(&format!("/api/v1/chats/{chat}/messages")).await;
    let newest = messages[0]["wamid"].as_str().unwrap().to_owned();
    let receipt = mark_chat_read(&rig.sending, rig.org, chat).await.unwrap();
    assert_eq!(
        receipt,
        Receipt::Sent {
            wamid: newest.clone(),
            typing: false
        }
    );
    assert_eq!(status_at_meta(&rig, &newest).await, "read");
    assert!(thread(&rig, CUSTOMER).await["read_by_business_at"].is_number());
    let other = rig.store.ensure_org("other", rig.now()).await.unwrap();
    assert!(mark_chat_read(&rig.sending, other, chat).await.is_err());
    rig.stop().await;
}

#[tokio::test]
async fn typing_shows_the_indicator_with_a_read_receipt() {
    let rig = rig().await;
    let chat = rig.customer_says(CUSTOMER, "hello?").await;
    let r = rig
        .post(&format!("/api/v1/chats/{chat}/typing"), &json!({}), None)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        (body["result"].as_str(), body["typing"].as_bool()),
        (Some("sent"), Some(true))
    );
    let t = thread(&rig, CUSTOMER).await;
    assert!(t["typing_until"].as_i64().unwrap() > rig.now().0, "{t}");
    let missing = rig
        .post("/api/v1/chats/999999/typing", &json!({}), None)
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    rig.stop().await;
}

#[tokio::test]
async fn read_receipts_can_be_turned_off_per_organization() {
    let rig = rig().await;
    let chat = rig.customer_says(CUSTOMER, "hi").await;
    let wamid = rig.list(&format!("/api/v1/chats/{chat}/messages")).await[0]["wamid"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        rig.get_json("/api/v1/settings/read-receipts").await["enabled"],
        true
    );
    let off = rig
        .post(
            "/api/v1/settings/read-receipts",
            &json!({"enabled": false}),
            None,
        )
        .await;
    assert_eq!(off.status(), StatusCode::OK);
    assert_eq!(
        rig.get_json("/api/v1/settings/read-receipts").await["enabled"],
        false
    );
    let receipt = mark_chat_read(&rig.sending, rig.org, chat).await.unwrap();
    assert_eq!(receipt, Receipt::Disabled);
    assert_ne!(status_at_meta(&rig, &wamid).await, "read");
    let typing = rig
        .post(&format!("/api/v1/chats/{chat}/typing"), &json!({}), None)
        .await;
    assert_eq!(typing.status(), StatusCode::CONFLICT);
    assert_eq!(
        error_code(&typing.json::<Value>().await.unwrap()),
        "read_receipts_disabled"
    );
    let bad = rig
        .post("/api/v1/settings/read-receipts", &json!({"on": 1}), None)
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    rig.stop().await;
}

#[tokio::test]
async fn a_chat_the_customer_never_wrote_in_has_nothing_to_mark() {
    let rig = rig().await;
    rig.sync_templates().await;
    let mut body = super::rig::template("hello_world", &[]);
    body["number_id"] = json!(rig.coex.1.to_string());
    body["to"] = json!("16505550777");
    let m: Value = rig
        .post("/api/v1/messages", &body, None)
        .await
        .json()
        .await
        .unwrap();
    let chat = m["chat_id"].as_str().unwrap().parse().unwrap();
    let receipt = mark_chat_read(&rig.sending, rig.org, chat).await.unwrap();
    assert_eq!(receipt, Receipt::NothingToMark);
    rig.stop().await;
}
