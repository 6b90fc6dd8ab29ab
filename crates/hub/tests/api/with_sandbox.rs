//! The sandbox (playing Meta, a customer and the business's phone) and a hub in one process,
//! speaking only the wire contract: signed webhooks from the sandbox reach the hub's API.

use coexist_core::ids::Position;
use coexist_core::page::Limit;
use sandbox::{NumberMode, Sandbox, SandboxConfig, SandboxHandle};
use serde_json::json;

use crate::helpers::{APP_SECRET, TestApp, spawn_app};

/// A hub, and a sandbox delivering to it, with a coexistence number.
async fn hub_and_sandbox() -> (TestApp, SandboxHandle, String) {
    let app = spawn_app().await;
    let webhook_url = app.url("/webhooks/whatsapp");
    let config = SandboxConfig::explicit(Some(webhook_url), APP_SECRET, "sandbox-access-token");
    let sandbox = Sandbox::start(config).await.expect("sandbox starts");
    let number = sandbox
        .number(NumberMode::Coexistence)
        .expect("a coexistence number")
        .phone_number_id
        .clone();
    (app, sandbox, number)
}

/// The texts of a chat's messages, oldest first.
async fn texts(app: &TestApp, chat: &serde_json::Value) -> Vec<String> {
    let id = chat["id"].as_str().unwrap();
    let mut texts: Vec<String> = app
        .list(&format!("/api/v1/chats/{id}/messages"))
        .await
        .iter()
        .map(|m| m["text"].as_str().unwrap_or_default().to_owned())
        .collect();
    texts.reverse();
    texts
}

#[tokio::test]
async fn a_customer_who_changes_number_stays_one_contact_and_one_chat() {
    const OLD: &str = "16505550123";
    const NEW: &str = "16505559876";
    let (app, sandbox, number) = hub_and_sandbox().await;
    let said = sandbox.customer_says(OLD, &number, "hi, old phone").await;
    assert!(said.is_ok(), "{:?}", said.body);
    let changed = sandbox.customer_changes_number(OLD, &number, NEW).await;
    assert!(changed.is_ok(), "{:?}", changed.body);
    sandbox.flush().await;
    let said = sandbox.customer_says(NEW, &number, "hi, new phone").await;
    assert!(said.is_ok(), "{:?}", said.body);
    sandbox.flush().await;

    let contacts = app.list("/api/v1/contacts").await;
    assert_eq!(contacts.len(), 1, "{contacts:#?}");
    assert_eq!(contacts[0]["wa_id"], NEW);
    let chats = app.list("/api/v1/chats").await;
    assert_eq!(chats.len(), 1, "{chats:#?}");
    assert_eq!(chats[0]["contact"]["wa_id"], NEW);
    assert_eq!(
        texts(&app, &chats[0]).await,
        [
            "hi, old phone",
            &format!("User A changed from {OLD} to {NEW}"),
            "hi, new phone"
        ]
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_number_change_after_the_new_numbers_first_message_merges_the_chats() {
    const OLD: &str = "16505550123";
    const NEW: &str = "16505559876";
    let (app, sandbox, number) = hub_and_sandbox().await;
    sandbox.customer_says(OLD, &number, "hi, old phone").await;
    sandbox.flush().await;
    let kept = app.list("/api/v1/chats").await[0]["id"].clone();
    sandbox.advance(1).await;
    sandbox.customer_says(NEW, &number, "hi, new phone").await;
    sandbox.flush().await;
    assert_eq!(app.list("/api/v1/chats").await.len(), 2);
    sandbox.customer_changes_number(OLD, &number, NEW).await;
    sandbox.flush().await;

    let chats = app.list("/api/v1/chats").await;
    assert_eq!(chats.len(), 1, "{chats:#?}");
    assert_eq!(chats[0]["id"], kept, "the older chat is kept");
    assert_eq!(chats[0]["contact"]["wa_id"], NEW);
    assert_eq!(chats[0]["message_count"], 3);
    assert_eq!(app.list("/api/v1/contacts").await.len(), 1);
    let events = app
        .store
        .events_since(app.org().await, Position(0), Limit::new(Some(200)))
        .await
        .expect("events_since");
    let merged: Vec<_> = events.iter().filter(|e| e.kind == "chat.merged").collect();
    assert_eq!(merged.len(), 1, "{events:#?}");
    assert_eq!(merged[0].data["into_chat_id"], kept);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn sandbox_webhooks_reach_the_api_with_their_origin() {
    let (app, sandbox, number) = hub_and_sandbox().await;

    let said = sandbox
        .customer_says("16505550123", &number, "hello from the sandbox")
        .await;
    assert!(said.is_ok(), "{:?}", said.body);
    let typed = json!({"type": "text", "text": {"body": "typed on the phone"}});
    let echoed = sandbox.phone_send(&number, "16505550123", typed).await;
    assert!(echoed.is_ok(), "{:?}", echoed.body);
    // Delivered and answered: the hub answers 200 only after its commit.
    sandbox.flush().await;

    let chats = app.list("/api/v1/chats").await;
    assert_eq!(chats.len(), 1, "{chats:?}");
    let chat_id = chats[0]["id"].as_str().unwrap();
    let messages = app.list(&format!("/api/v1/chats/{chat_id}/messages")).await;
    let origins: Vec<(&str, &str)> = messages
        .iter()
        .map(|m| (m["origin"].as_str().unwrap(), m["text"].as_str().unwrap()))
        .collect();
    assert!(
        origins.contains(&("customer", "hello from the sandbox")),
        "{origins:?}"
    );
    assert!(
        origins.contains(&("business_app", "typed on the phone")),
        "{origins:?}"
    );
    sandbox.shutdown().await;
}
