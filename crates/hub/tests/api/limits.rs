//! Body limits and bodies that are signed but not webhooks.

use futures_util::stream;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{DOCS_PHONE_NUMBER_ID, error_of, spawn_app};

const FOUR_MIB: usize = 4 * 1024 * 1024;

#[tokio::test]
async fn a_body_over_4_mib_is_refused_with_413_and_nothing_stored() {
    let app = spawn_app().await;
    let before = app.snapshot().await;
    let body = vec![b' '; FOUR_MIB + 1];
    let response = app.post_webhook(&body).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_of(response).await.0, "payload_too_large");
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn a_chunked_body_over_4_mib_is_refused_with_413() {
    let app = spawn_app().await;
    let chunks = (0..5).map(|_| Ok::<_, std::io::Error>(vec![b' '; 1024 * 1024]));
    let response = app
        .client
        .post(app.url("/webhooks/whatsapp"))
        .header("x-hub-signature-256", "sha256=00")
        .body(reqwest::Body::wrap_stream(stream::iter(chunks)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

/// A batch of `n` customer messages, in Meta's shape, padded with insignificant whitespace to
/// exactly `size` bytes.
fn batch_of_exact_size(n: usize, size: usize) -> Vec<u8> {
    let messages: Vec<_> = (0..n)
        .map(|i| {
            json!({
                "from": "16505551234",
                "id": format!("wamid.big{i:06}"),
                "timestamp": "1739230000",
                "type": "text",
                "text": { "body": format!("message number {i}") }
            })
        })
        .collect();
    let envelope = json!({
        "object": "whatsapp_business_account",
        "entry": [{ "id": "102290129340398", "changes": [{ "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": { "display_phone_number": "15550783881", "phone_number_id": DOCS_PHONE_NUMBER_ID },
            "contacts": [{ "profile": { "name": "Big Batch" }, "wa_id": "16505551234" }],
            "messages": messages
        }}]}]
    });
    let mut body = serde_json::to_vec(&envelope).unwrap();
    assert!(body.len() < size, "{} bytes before padding", body.len());
    let close = body.pop().expect("closing brace");
    body.resize(size - 1, b' ');
    body.push(close);
    body
}

#[tokio::test]
async fn a_signed_3_000_000_byte_delivery_is_accepted() {
    let app = spawn_app().await;
    let body = batch_of_exact_size(1_000, 3_000_000);
    assert_eq!(body.len(), 3_000_000);
    let receipt = app.deliver(&body).await;
    assert_eq!(receipt["messages_created"], 1_000);
    let chats = app.list("/api/v1/chats").await;
    assert_eq!(chats.len(), 1);
    assert_eq!(chats[0]["message_count"], 1_000);
}

#[tokio::test]
async fn malformed_json_is_refused_with_400_naming_the_position() {
    let app = spawn_app().await;
    let body = b"{\"object\": \"whatsapp_business_account\",\n \"entry\": [}".to_vec();
    let response = app.post_webhook(&body).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let (code, message) = error_of(response).await;
    assert_eq!(code, "invalid_json");
    assert!(message.contains("line 2 column"), "{message}");
    assert!(!message.contains('\n'), "one line: {message}");
}

#[tokio::test]
async fn json_that_is_not_a_webhook_is_refused_with_400_saying_why() {
    let app = spawn_app().await;
    let cases: [(&[u8], &str); 3] = [
        (
            br#"{"object":"whatsapp_business_account","entry":"nope"}"#,
            "entry",
        ),
        (br#"[1, 2, 3]"#, "line 1"),
        (br#"{"object":"page","entry":[]}"#, "\"page\""),
    ];
    for (body, reason) in cases {
        let response = app.post_webhook(body).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let (code, message) = error_of(response).await;
        assert_eq!(code, "not_a_webhook", "{message}");
        assert!(
            message.contains(reason),
            "{message} should mention {reason}"
        );
    }
    assert!(app.list("/api/v1/numbers").await.is_empty());
}
