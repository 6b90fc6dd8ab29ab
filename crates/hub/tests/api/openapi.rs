//! The OpenAPI document describes every route the router serves, and its schemas name every
//! field the API returns.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_of, fixture, spawn_app};

async fn document(app: &TestApp) -> Value {
    app.get_json("/api/v1/openapi.json").await
}

fn operations(doc: &Value) -> BTreeSet<(String, String)> {
    let paths = doc["paths"].as_object().expect("paths");
    paths
        .iter()
        .flat_map(|(path, item)| {
            let methods = item.as_object().expect("path item");
            methods
                .keys()
                .map(move |m| (m.to_uppercase(), path.clone()))
        })
        .collect()
}

#[tokio::test]
async fn every_route_the_router_serves_is_in_the_document_and_nothing_else() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let served: BTreeSet<(String, String)> = hub::http::routes()
        .into_iter()
        .map(|r| (r.method.to_string(), r.path.to_owned()))
        .collect();
    assert!(served.len() >= 15, "{served:?}");
    assert_eq!(operations(&doc), served);
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
}

#[tokio::test]
async fn every_documented_get_is_answered_by_its_handler() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    for (method, path) in operations(&doc) {
        if method != "GET" || path.starts_with("/webhooks") {
            continue;
        }
        let url = path.replace("{id}", "1");
        let response = app.get(&url).await;
        let status = response.status();
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{path}");
        if status == StatusCode::NOT_FOUND {
            let (_, message) = error_of(response).await;
            assert_ne!(
                message, "no such route",
                "{path} is documented but not served"
            );
        }
    }
}

/// Resolves a `$ref` to a component schema.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(r) => {
            let name = r.rsplit('/').next().unwrap();
            &doc["components"]["schemas"][name]
        }
        None => schema,
    }
}

fn assert_documented(doc: &Value, schema_name: &str, value: &Value) {
    let schema = &doc["components"]["schemas"][schema_name];
    let props = schema["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("{schema_name} has no properties"));
    let object = value
        .as_object()
        .unwrap_or_else(|| panic!("{schema_name}: not an object: {value}"));
    for key in object.keys() {
        assert!(
            props.contains_key(key),
            "{schema_name}.{key} is returned but not documented"
        );
    }
    for required in schema["required"].as_array().into_iter().flatten() {
        let key = required.as_str().unwrap();
        assert!(
            object.contains_key(key),
            "{schema_name}.{key} is documented as required but missing: {value}"
        );
    }
    // One level down, for nested objects that have their own schema.
    for (key, prop) in props {
        let resolved = resolve(doc, prop);
        if resolved.get("properties").is_some() && object.get(key).is_some_and(Value::is_object) {
            let name = prop["$ref"]
                .as_str()
                .map(|r| r.rsplit('/').next().unwrap().to_owned());
            if let Some(name) = name {
                assert_documented(doc, &name, &object[key]);
            }
        }
    }
}

#[tokio::test]
async fn the_documented_schemas_match_what_the_api_returns() {
    let app = spawn_app().await;
    for name in [
        "interactive_button_reply_example.json",
        "history_threads_example.json",
        "status_delivered_for_history_message.json",
        "pywa_interactive_message_with_err.json",
    ] {
        app.deliver(&fixture(name)).await;
    }
    let unknown = json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [
        {"field": "brand_new_field", "value": {"something": "new"}}]}]});
    app.deliver(unknown.to_string().as_bytes()).await;
    let doc = document(&app).await;
    let number = &app.list("/api/v1/numbers").await[0];
    assert_documented(&doc, "Number", number);
    assert_documented(&doc, "Contact", &app.list("/api/v1/contacts").await[0]);
    let chats = app.list("/api/v1/chats").await;
    for chat in &chats {
        assert_documented(&doc, "Chat", chat);
    }
    let chat_id = chats[0]["id"].as_str().unwrap();
    let messages = app.list(&format!("/api/v1/chats/{chat_id}/messages")).await;
    for message in &messages {
        assert_documented(&doc, "Message", message);
        let id = message["id"].as_str().unwrap();
        for event in app.list(&format!("/api/v1/messages/{id}/events")).await {
            assert_documented(&doc, "MessageEvent", &event);
        }
    }
    for error in app.list("/api/v1/webhook-errors").await {
        assert_documented(&doc, "WebhookError", &error);
    }
    let unparsed = app.list("/api/v1/unparsed-changes").await;
    assert!(!unparsed.is_empty());
    for change in unparsed {
        assert_documented(&doc, "UnparsedChange", &change);
    }
    assert_documented(&doc, "ChatPage", &app.get_json("/api/v1/chats").await);
    assert_documented(&doc, "Health", &app.get_json("/healthz").await);
    let stored = app
        .store
        .events_since(
            app.org().await,
            coexist_core::ids::Position(0),
            coexist_core::page::Limit::new(None),
        )
        .await
        .unwrap();
    assert!(!stored.is_empty());
    for event in stored {
        assert_documented(&doc, "StreamEvent", &serde_json::to_value(&event).unwrap());
    }
}

#[tokio::test]
async fn the_inbox_schemas_match_what_the_api_returns() {
    use coexist_core::inbox::Role;
    use reqwest::Method;
    use serde_json::json;

    use crate::people::expect;

    let app = spawn_app().await;
    app.deliver(&fixture("interactive_button_reply_example.json"))
        .await;
    let doc = document(&app).await;
    let bruno = app.signed_in("Bruno", Role::Agent).await;
    let login = app
        .login("bruno@example.com", crate::people::PASSWORD)
        .await;
    assert_documented(&doc, "LoginResult", &login.json().await.unwrap());
    let ana = app.signed_in("Ana", Role::Admin).await;
    let chat = app.list("/api/v1/chats").await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let assign = app
        .as_user(&ana, Method::POST, &format!("/api/v1/chats/{chat}/assign"))
        .json(&json!({ "user_id": bruno.user_id }));
    assert_documented(&doc, "Chat", &expect(assign, StatusCode::OK).await);
    let note = app
        .as_user(&ana, Method::POST, &format!("/api/v1/chats/{chat}/notes"))
        .json(&json!({ "body": "@Bruno look" }));
    assert_documented(&doc, "Note", &expect(note, StatusCode::CREATED).await);
    let canned = app
        .as_user(&ana, Method::POST, "/api/v1/canned-responses")
        .json(&json!({ "shortcut": "hi", "body": "Hello!" }));
    assert_documented(
        &doc,
        "CannedResponse",
        &expect(canned, StatusCode::CREATED).await,
    );
    let labels = app
        .as_user(&ana, Method::PUT, &format!("/api/v1/chats/{chat}/labels"))
        .json(&json!({ "labels": ["vip"] }));
    expect(labels, StatusCode::OK).await;
    let read = app.as_user(&ana, Method::POST, &format!("/api/v1/chats/{chat}/read"));
    assert_documented(&doc, "ChatRead", &expect(read, StatusCode::OK).await);
    let get = |s, path: &str| expect(app.as_user(s, Method::GET, path), StatusCode::OK);
    assert_documented(&doc, "Me", &get(&ana, "/api/v1/me").await);
    assert_documented(&doc, "Me", &app.get_json("/api/v1/me").await);
    assert_documented(&doc, "UserList", &get(&ana, "/api/v1/users").await);
    assert_documented(&doc, "LabelList", &get(&ana, "/api/v1/labels").await);
    assert_documented(
        &doc,
        "CannedResponseList",
        &get(&ana, "/api/v1/canned-responses").await,
    );
    assert_documented(
        &doc,
        "NoteList",
        &get(&ana, &format!("/api/v1/chats/{chat}/notes")).await,
    );
    let notifications = get(&bruno, "/api/v1/notifications").await;
    assert_eq!(notifications["data"].as_array().unwrap().len(), 2);
    assert_documented(&doc, "NotificationPage", &notifications);
    for n in notifications["data"].as_array().unwrap() {
        assert_documented(&doc, "Notification", n);
    }
    let contact = app.list("/api/v1/contacts").await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let detail = get(&ana, &format!("/api/v1/contacts/{contact}")).await;
    assert_documented(&doc, "ContactDetail", &detail);
}
