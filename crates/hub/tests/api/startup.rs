//! Startup, health, several hubs in one process, storage failures.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use hub::config::Config;
use hub::{App, Deps, StartupError};
use reqwest::StatusCode;

use crate::failing_store::FailingStore;
use crate::helpers::{error_of, fixture, spawn_app, spawn_app_with, text_message};

#[tokio::test]
async fn the_hub_refuses_to_start_without_an_app_secret() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::for_testing(dir.path());
    config.app_secret = None;
    let err = App::build(config, Deps::system())
        .await
        .err()
        .expect("refused");
    assert!(matches!(err, StartupError::MissingAppSecret(_)), "{err}");
    assert!(err.to_string().contains("app secret"), "{err}");
}

#[tokio::test]
async fn healthz_answers_200_once_webhooks_are_accepted() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let json: serde_json::Value = response.json().await.unwrap();
    assert_eq!(json["status"], "ok");
}

#[tokio::test]
async fn two_hubs_in_one_process_keep_to_themselves() {
    let (a, b) = (spawn_app().await, spawn_app().await);
    assert_ne!(a.addr, b.addr);
    a.deliver(&text_message(
        "16505551234",
        "wamid.only-a",
        1_739_000_000,
        "hi a",
    ))
    .await;
    assert_eq!(a.list("/api/v1/chats").await.len(), 1);
    assert!(b.list("/api/v1/chats").await.is_empty());
    // Each hub knows only its own tokens.
    let response = b
        .client
        .get(b.url("/api/v1/chats"))
        .bearer_auth(&a.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    a.stop().await;
    b.stop().await;
}

#[tokio::test]
async fn an_unavailable_store_answers_503_so_meta_retries_and_the_retry_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let inner = hub::startup::open_store(&Config::for_testing(dir.path()))
        .await
        .unwrap();
    let failing = Arc::new(FailingStore {
        inner,
        fail_ingest: AtomicBool::new(true),
    });
    let store = failing.clone();
    let app = spawn_app_with(
        |_| {},
        move |deps| Deps {
            store: Some(store),
            ..deps
        },
    )
    .await;
    let body = fixture("interactive_button_reply_example.json");

    let response = app.post_webhook(&body).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let (code, message) = error_of(response).await;
    assert_eq!(code, "unavailable");
    assert!(
        !message.contains("disk unplugged"),
        "no internals in the answer: {message}"
    );
    assert!(app.list("/api/v1/chats").await.is_empty());

    failing.fail_ingest.store(false, Ordering::SeqCst);
    app.deliver(&body).await;
    assert_eq!(app.list("/api/v1/chats").await.len(), 1);
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_json_errors() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/nothing-here").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_of(response).await.0, "not_found");
    let response = app
        .client
        .delete(app.url("/webhooks/whatsapp"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(error_of(response).await.0, "method_not_allowed");
}
