//! Every badly signed delivery is answered 401 with the reason, and nothing is stored (checked
//! through the API).

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{APP_SECRET, PREVIOUS_APP_SECRET, TestApp, error_of, fixture, spawn_app};

const FIXTURE: &str = "interactive_button_reply_example.json";
const WAMID: &str = "wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQThBREYwNzc2RDc2QjA1QTIwMgA=";

async fn assert_refused_and_nothing_stored(
    app: &TestApp,
    body: Vec<u8>,
    signature: Option<&str>,
    code: &str,
) {
    let before = app.snapshot().await;
    let response = app.post_webhook_signed(body, signature).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let (actual, message) = error_of(response).await;
    assert_eq!(actual, code, "{message}");
    assert!(message.contains("X-Hub-Signature-256"), "{message}");
    assert_eq!(app.snapshot().await, before);
    let found = app
        .list_query("/api/v1/messages", &[("wamid", WAMID)])
        .await;
    assert!(found.is_empty(), "{found:?}");
}

#[tokio::test]
async fn a_delivery_without_a_signature_is_refused() {
    let app = spawn_app().await;
    assert_refused_and_nothing_stored(&app, fixture(FIXTURE), None, "signature_missing").await;
}

#[tokio::test]
async fn a_sha1_signature_is_refused() {
    let app = spawn_app().await;
    let sha1 = format!("sha1={}", "a".repeat(40));
    assert_refused_and_nothing_stored(&app, fixture(FIXTURE), Some(&sha1), "signature_malformed")
        .await;
}

#[tokio::test]
async fn a_signature_with_another_secret_is_refused() {
    let app = spawn_app().await;
    let body = fixture(FIXTURE);
    let wrong = meta::signature::sign(b"not-the-app-secret", &body);
    assert_refused_and_nothing_stored(&app, body, Some(&wrong), "signature_mismatch").await;
}

#[tokio::test]
async fn a_body_with_one_bit_changed_is_refused() {
    let app = spawn_app().await;
    let body = fixture(FIXTURE);
    let signature = meta::signature::sign(APP_SECRET.as_bytes(), &body);
    let mut changed = body.clone();
    // "Change" becomes "change": still valid JSON, one bit apart.
    let at = changed
        .windows(6)
        .position(|w| w == b"Change")
        .expect("title in fixture");
    changed[at] ^= 0x20;
    assert_refused_and_nothing_stored(&app, changed, Some(&signature), "signature_mismatch").await;
}

#[tokio::test]
async fn a_reformatted_body_is_refused_with_the_original_signature() {
    let app = spawn_app().await;
    let body = fixture(FIXTURE);
    let signature = meta::signature::sign(APP_SECRET.as_bytes(), &body);
    let parsed: Value = serde_json::from_slice(&body).unwrap();
    let compact = serde_json::to_vec(&parsed).unwrap();
    assert_ne!(compact, body);
    assert_refused_and_nothing_stored(&app, compact, Some(&signature), "signature_mismatch").await;
}

#[tokio::test]
async fn a_duplicated_signature_header_is_refused() {
    let app = spawn_app().await;
    let body = fixture(FIXTURE);
    let signature = meta::signature::sign(APP_SECRET.as_bytes(), &body);
    let before = app.snapshot().await;
    let response = app
        .client
        .post(app.url("/webhooks/whatsapp"))
        .header("x-hub-signature-256", &signature)
        .header("x-hub-signature-256", &signature)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_of(response).await.0, "signature_malformed");
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn the_previous_secret_is_accepted_during_a_rotation() {
    let app = spawn_app().await;
    let body = fixture(FIXTURE);
    let signature = meta::signature::sign(PREVIOUS_APP_SECRET.as_bytes(), &body);
    let response = app.post_webhook_signed(body, Some(&signature)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let found = app
        .list_query("/api/v1/messages", &[("wamid", WAMID)])
        .await;
    assert_eq!(found.len(), 1);
}
