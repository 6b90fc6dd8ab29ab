//! The sandbox (playing Meta, a customer and the business's phone) and a hub in one process,
//! speaking only the wire contract: signed webhooks from the sandbox reach the hub's API.

use sandbox::{NumberMode, Sandbox, SandboxConfig};
use serde_json::json;

use crate::helpers::{APP_SECRET, spawn_app};

#[tokio::test]
async fn sandbox_webhooks_reach_the_api_with_their_origin() {
    let app = spawn_app().await;
    let webhook_url = app.url("/webhooks/whatsapp");
    let config = SandboxConfig::explicit(Some(webhook_url), APP_SECRET, "sandbox-access-token");
    let sandbox = Sandbox::start(config).await.expect("sandbox starts");
    let number = sandbox
        .number(NumberMode::Coexistence)
        .expect("a coexistence number")
        .phone_number_id
        .clone();

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
