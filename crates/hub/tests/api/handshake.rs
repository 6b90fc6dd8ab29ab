use reqwest::StatusCode;

use crate::helpers::{VERIFY_TOKEN, error_of, spawn_app};

#[tokio::test]
async fn the_handshake_echoes_the_challenge_for_the_configured_token() {
    let app = spawn_app().await;
    let url = app.url(&format!(
        "/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token={VERIFY_TOKEN}"
    ));
    let response = app.client.get(url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    assert_eq!(response.text().await.unwrap(), "1158201444");
}

#[tokio::test]
async fn the_handshake_is_refused_with_403_for_a_bad_token_mode_or_missing_parameter() {
    let app = spawn_app().await;
    let long = "x".repeat(10_000);
    let queries = [
        "hub.mode=subscribe&hub.challenge=1&hub.verify_token=wrong".to_owned(),
        format!("hub.mode=unsubscribe&hub.challenge=1&hub.verify_token={VERIFY_TOKEN}"),
        format!("hub.challenge=1&hub.verify_token={VERIFY_TOKEN}"),
        "hub.mode=subscribe&hub.challenge=1".to_owned(),
        format!("hub.mode=subscribe&hub.challenge=1&hub.verify_token={long}"),
        String::new(),
    ];
    for query in queries {
        let url = app.url(&format!("/webhooks/whatsapp?{query}"));
        let response = app.client.get(url).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{query:.80}");
        let (code, _) = error_of(response).await;
        assert_eq!(code, "verification_failed");
    }
}
