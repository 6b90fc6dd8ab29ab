//! The send API against the sandbox: a message is queued at once (origin api, pending), sent by
//! the outbox with our id as callback data, and moved on by status webhooks; idempotency keys;
//! new recipients; the checks before Meta.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::rig::{CUSTOMER, error_code, rig, rig_with, template, text};

#[tokio::test]
async fn a_text_is_queued_at_once_then_sent_and_statuses_advance_it() {
    let rig = rig().await;
    let chat = rig.customer_says(CUSTOMER, "do you have succulents?").await;
    let m = rig
        .send(chat, text("yes, plenty"), StatusCode::ACCEPTED)
        .await;
    let id = m["id"].as_str().unwrap().to_owned();
    assert_eq!(
        (m["origin"].as_str(), m["direction"].as_str()),
        (Some("api"), Some("outbound"))
    );
    assert_eq!(m["status"], "pending");
    assert_eq!(m["wamid"], Value::Null);
    assert_eq!(m["send"]["state"], "queued");
    assert_eq!(m["author"]["kind"], "token");
    // In the chat before anything reached Meta.
    let messages = rig.list(&format!("/api/v1/chats/{chat}/messages")).await;
    assert_eq!(messages[0]["id"], id.as_str());
    assert!(rig.sent().await.is_empty());

    let idle = rig.run_outbox().await;
    assert_eq!((idle.attempts, idle.accepted), (1, 1));
    let sends = rig.sends_of(&id).await;
    assert_eq!(sends.len(), 1);
    assert_eq!(sends[0]["to"], CUSTOMER);
    assert_eq!(sends[0]["request"]["text"]["body"], "yes, plenty");
    let wamid = sends[0]["wamid"].as_str().unwrap();
    let sent = rig.message(&id).await;
    assert_eq!(sent["wamid"], wamid);
    assert_eq!(
        sent["status"], "sent",
        "the sandbox's `sent` status arrived"
    );
    assert_eq!(sent["send"]["state"], "sent");
    rig.advance_ms(1_000).await;
    assert_eq!(rig.message(&id).await["status"], "delivered");
    rig.advance_ms(5_000).await;
    assert_eq!(rig.message(&id).await["status"], "read");
    let events = rig.list(&format!("/api/v1/messages/{id}/events")).await;
    let statuses: Vec<&str> = events
        .iter()
        .filter_map(|e| e["data"]["status"].as_str())
        .collect();
    assert_eq!(statuses, ["sent", "delivered", "read"]);
    rig.stop().await;
}

#[tokio::test]
async fn the_same_idempotency_key_returns_the_same_message_and_sends_once() {
    let rig = rig().await;
    let chat = rig.customer_says(CUSTOMER, "hi").await;
    let path = format!("/api/v1/chats/{chat}/messages");
    let first = rig.post(&path, &text("once"), Some("key-1")).await;
    assert_eq!(first.status(), StatusCode::ACCEPTED);
    let first: Value = first.json().await.unwrap();
    // A retry, also after the send went out.
    let again = rig.post(&path, &text("once"), Some("key-1")).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.json::<Value>().await.unwrap()["id"], first["id"]);
    rig.run_outbox().await;
    let after = rig.post(&path, &text("once"), Some("key-1")).await;
    assert_eq!(after.status(), StatusCode::OK);
    let after: Value = after.json().await.unwrap();
    assert_eq!(
        (after["id"].clone(), after["status"].as_str()),
        (first["id"].clone(), Some("sent"))
    );
    rig.run_outbox().await;
    assert_eq!(rig.sent().await.len(), 1, "one Graph send for one key");
    let reused = rig.post(&path, &text("twice"), Some("key-1")).await;
    assert_eq!(reused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let reused: Value = reused.json().await.unwrap();
    assert_eq!(error_code(&reused), "idempotency_key_reused");
    assert_eq!(reused["error"]["details"]["message_id"], first["id"]);
    let messages = rig.list(&format!("/api/v1/chats/{chat}/messages")).await;
    assert_eq!(messages.len(), 2, "the customer's message and ours");
    rig.stop().await;
}

#[tokio::test]
async fn free_form_outside_the_window_is_refused_and_a_template_is_not() {
    let rig = rig().await;
    let chat = rig.customer_says(CUSTOMER, "hello").await;
    rig.sync_templates().await;
    rig.advance_ms(25 * 3_600_000).await;
    let refused = rig
        .send(
            chat,
            text("are you there?"),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(error_code(&refused), "outside_service_window");
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("closed at") && message.contains("template"),
        "{message}"
    );
    let closed_at = refused["error"]["details"]["closed_at"].as_str().unwrap();
    let chat_json = rig.get_json(&format!("/api/v1/chats/{chat}")).await;
    assert_eq!(chat_json["service_window"]["closes_at"], closed_at);
    let ok = rig
        .send(
            chat,
            template("order_update", &["Pablo", "A-1", "shipped"]),
            StatusCode::ACCEPTED,
        )
        .await;
    assert_eq!(ok["text"], "Hi Pablo, your order A-1 is now shipped.");
    rig.run_outbox().await;
    assert_eq!(rig.sent().await.len(), 1, "only the template reached Meta");
    rig.stop().await;
}

#[tokio::test]
async fn a_crm_sends_to_a_new_phone_number_and_gets_a_chat() {
    let rig = rig().await;
    rig.sync_templates().await;
    let mut body = template("hello_world", &[]);
    body["number_id"] = json!(rig.cloud.1.to_string());
    body["to"] = json!("+1 (650) 555-0199");
    let response = rig.post("/api/v1/messages", &body, Some("crm-42")).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let m: Value = response.json().await.unwrap();
    let chat = rig
        .get_json(&format!("/api/v1/chats/{}", m["chat_id"].as_str().unwrap()))
        .await;
    assert_eq!(chat["contact"]["wa_id"], "16505550199");
    assert_eq!(chat["number_id"], rig.cloud.1.to_string());
    rig.run_outbox().await;
    let sends = rig.sends_of(m["id"].as_str().unwrap()).await;
    assert_eq!(sends.len(), 1);
    assert_eq!(
        (
            sends[0]["to"].as_str(),
            sends[0]["phone_number_id"].as_str()
        ),
        (Some("16505550199"), Some(rig.cloud.0.as_str()))
    );
    for (bad, why) in [
        (
            json!({"to": "16505550199", "type": "text", "text": {"body": "x"}}),
            "number_id",
        ),
        (
            json!({"number_id": rig.cloud.1.to_string(), "type": "text", "text": {"body": "x"}}),
            "to",
        ),
        (
            json!({"number_id": rig.cloud.1.to_string(), "to": "12ab", "type": "text"}),
            "to",
        ),
    ] {
        let r = rig.post("/api/v1/messages", &bad, None).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let e: Value = r.json().await.unwrap();
        assert!(e["error"]["message"].as_str().unwrap().contains(why), "{e}");
    }
    let mut unknown = template("hello_world", &[]);
    unknown["number_id"] = json!("999");
    unknown["to"] = json!("16505550199");
    assert_eq!(
        rig.post("/api/v1/messages", &unknown, None).await.status(),
        StatusCode::NOT_FOUND
    );
    rig.stop().await;
}

#[tokio::test]
async fn messages_meta_would_refuse_are_refused_with_metas_code_and_details() {
    let rig = rig().await;
    let chat = rig.customer_says(CUSTOMER, "hi").await;
    let long = "x".repeat(4_097);
    let cases = [
        (text(&long), 131_009, "text.body"),
        (json!({"type": "text", "text": {}}), 131_008, "text.body"),
        (json!({"type": "hologram", "hologram": {}}), 100, "hologram"),
        (
            json!({"type": "image", "image": {"id": "1", "link": "https://x.test/a.jpg"}}),
            131_009,
            "image",
        ),
    ];
    for (body, code, field) in cases {
        let refused = rig.send(chat, body, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_code(&refused), "invalid_message", "{refused}");
        assert_eq!(refused["error"]["details"]["meta_code"], code, "{refused}");
        let details = refused["error"]["details"]["details"].as_str().unwrap();
        assert!(details.contains(field), "{details}");
    }
    let not_json = rig
        .client
        .post(rig.url(&format!("/api/v1/chats/{chat}/messages")))
        .bearer_auth(&rig.token)
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), StatusCode::BAD_REQUEST);
    rig.send(
        super::rig::missing_chat(),
        text("hi"),
        StatusCode::NOT_FOUND,
    )
    .await;
    assert!(rig.sent().await.is_empty());
    rig.stop().await;
}

#[tokio::test]
async fn every_outbound_type_goes_out_in_metas_shape() {
    let rig = rig().await;
    let chat = rig.customer_says(CUSTOMER, "hi").await;
    let inbound = rig.list(&format!("/api/v1/chats/{chat}/messages")).await[0]["wamid"].clone();
    let bodies = [
        json!({"type": "interactive", "interactive": {"type": "button", "body": {"text": "Pick"},
            "action": {"buttons": [{"type": "reply", "reply": {"id": "a", "title": "A"}}]}}}),
        json!({"type": "interactive", "interactive": {"type": "list", "body": {"text": "Pick"},
            "action": {"button": "Options", "sections": [{"title": "S", "rows": [{"id": "r", "title": "R"}]}]}}}),
        json!({"type": "reaction", "reaction": {"message_id": inbound, "emoji": "👍"}}),
        json!({"type": "location", "location": {"latitude": 52.5, "longitude": 13.4, "name": "Shop"}}),
        json!({"type": "contacts", "contacts": [{"name": {"formatted_name": "Ana", "first_name": "Ana"}}]}),
        json!({"type": "image", "image": {"link": "https://example.com/a.jpg", "caption": "look"}}),
        json!({"type": "text", "text": {"body": "a reply"}, "context": {"message_id": inbound}}),
    ];
    for body in bodies {
        let m = rig.send(chat, body, StatusCode::ACCEPTED).await;
        assert_eq!(m["status"], "pending");
    }
    let idle = rig.drain_outbox(20).await;
    let accepted: u64 = idle.iter().map(|i| i.accepted).sum();
    assert_eq!(accepted, 7);
    let sent = rig.sent().await;
    let kinds: Vec<&str> = sent
        .iter()
        .map(|s| s["request"]["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "interactive",
            "interactive",
            "reaction",
            "location",
            "contacts",
            "image",
            "text"
        ]
    );
    assert!(
        sent.iter().all(|s| s["result"]["accepted"] == true),
        "{sent:?}"
    );
    assert_eq!(sent[6]["request"]["context"]["message_id"], inbound);
    rig.stop().await;
}

#[tokio::test]
async fn graph_calls_carry_the_appsecret_proof_a_meta_app_may_require() {
    // The Meta app has "Require App Secret" on: calls without a valid proof are refused.
    let rig = rig_with(|s| s.require_appsecret_proof = true, |_| {}).await;
    rig.sync_templates().await;
    let templates = rig.list("/api/v1/templates").await;
    assert!(!templates.is_empty(), "the template sync went through");
    let chat = rig.customer_says(CUSTOMER, "hi").await;
    let m = rig.send(chat, text("proven"), StatusCode::ACCEPTED).await;
    let idle = rig.run_outbox().await;
    assert_eq!((idle.accepted, idle.failed), (1, 0), "{idle:?}");
    let sent = rig.message(m["id"].as_str().unwrap()).await;
    assert!(sent["wamid"].is_string(), "{sent}");
    rig.stop().await;
}
