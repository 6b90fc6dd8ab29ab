//! Notes with @mentions and the notifications they make, canned responses, contact details,
//! the users list.

use coexist_core::inbox::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{spawn_app, text_message};
use crate::people::{Live, expect, expect_error};

const CUSTOMER: &str = "16505551234";

#[tokio::test]
async fn a_note_notifies_the_users_it_mentions_but_not_its_author() {
    let app = spawn_app().await;
    app.deliver(&text_message(CUSTOMER, "wamid.1", 1_739_000_000, "hi"))
        .await;
    let chat = app.list("/api/v1/chats").await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ana = app.signed_in("Ana", Role::Agent).await;
    let bruno = app.signed_in("Bruno Lima", Role::Agent).await;
    let mut brunos_browser = Live::open(app.as_user(&bruno, Method::GET, "/api/v1/stream")).await;
    let path = format!("/api/v1/chats/{chat}/notes");
    let write = app
        .as_user(&ana, Method::POST, &path)
        .json(&json!({ "body": "@bruno lima can you call them? cc @ana@example.com, not bob@example.com" }));
    let note = expect(write, StatusCode::CREATED).await;
    assert_eq!(note["author"], json!({ "id": ana.user_id, "name": "Ana" }));
    assert_eq!(note["mentions"], json!([bruno.user_id, ana.user_id]));
    let seen = brunos_browser
        .until_each(&["note.created", "notification.created"])
        .await;
    assert_eq!(seen[0].data["chat_id"], chat.as_str());
    let notified = &seen[1];
    assert_eq!(notified.data["data"]["user_id"], bruno.user_id.as_str());
    let listed = expect(
        app.as_user(&bruno, Method::GET, "/api/v1/notifications?unread=true"),
        StatusCode::OK,
    )
    .await;
    let mine = listed["data"].as_array().unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["kind"], "mention");
    assert_eq!(
        (mine[0]["chat_id"].clone(), mine[0]["note_id"].clone()),
        (json!(chat), note["id"].clone())
    );
    assert_eq!(mine[0]["by"]["name"], "Ana");
    let anas = expect(
        app.as_user(&ana, Method::GET, "/api/v1/notifications"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(anas["data"], json!([]), "the author is not notified");
    let id = mine[0]["id"].as_str().unwrap();
    let read_path = format!("/api/v1/notifications/{id}/read");
    let not_hers = app.as_user(&ana, Method::POST, &read_path);
    assert_eq!(
        expect_error(not_hers, StatusCode::NOT_FOUND).await,
        "not_found"
    );
    let read = expect(
        app.as_user(&bruno, Method::POST, &read_path),
        StatusCode::OK,
    )
    .await;
    assert!(read["read_at"].is_string());
    let unread = expect(
        app.as_user(&bruno, Method::GET, "/api/v1/notifications?unread=true"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(unread["data"], json!([]));
    let notes = app.list(&path).await;
    assert_eq!(notes, [note]);
    let by_token = app.as_token(Method::GET, "/api/v1/notifications");
    assert_eq!(
        expect_error(by_token, StatusCode::FORBIDDEN).await,
        "forbidden"
    );
    let blank = app
        .as_user(&ana, Method::POST, &path)
        .json(&json!({ "body": "  " }));
    assert_eq!(
        expect_error(blank, StatusCode::BAD_REQUEST).await,
        "invalid_request"
    );
}

#[tokio::test]
async fn canned_responses_are_shared_and_unique_by_shortcut() {
    let app = spawn_app().await;
    let ana = app.signed_in("Ana", Role::Agent).await;
    let create = |shortcut: &str, body: &str| {
        app.as_user(&ana, Method::POST, "/api/v1/canned-responses")
            .json(&json!({ "shortcut": shortcut, "body": body }))
    };
    let thanks = expect(create("thanks", "Thank you!"), StatusCode::CREATED).await;
    assert_eq!(
        expect_error(create("thanks", "Ta"), StatusCode::CONFLICT).await,
        "conflict"
    );
    assert_eq!(
        expect_error(create("Thanks!", "x"), StatusCode::BAD_REQUEST).await,
        "invalid_request"
    );
    let one = format!(
        "/api/v1/canned-responses/{}",
        thanks["id"].as_str().unwrap()
    );
    let put = app
        .as_user(&ana, Method::PUT, &one)
        .json(&json!({ "shortcut": "ty", "body": "Thanks a lot!" }));
    let updated = expect(put, StatusCode::OK).await;
    assert_eq!(
        (updated["shortcut"].as_str(), updated["body"].as_str()),
        (Some("ty"), Some("Thanks a lot!"))
    );
    let listed = app.list("/api/v1/canned-responses").await;
    assert_eq!(listed, [updated]);
    expect(
        app.as_user(&ana, Method::DELETE, &one),
        StatusCode::NO_CONTENT,
    )
    .await;
    assert_eq!(
        expect_error(
            app.as_user(&ana, Method::DELETE, &one),
            StatusCode::NOT_FOUND
        )
        .await,
        "not_found"
    );
    assert!(app.list("/api/v1/canned-responses").await.is_empty());
}

#[tokio::test]
async fn a_contact_shows_its_chats_and_takes_attribute_patches() {
    let app = spawn_app().await;
    app.deliver(&text_message(CUSTOMER, "wamid.1", 1_739_000_000, "hi"))
        .await;
    let contact = app.list("/api/v1/contacts").await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/contacts/{contact}");
    let detail = app.get_json(&path).await;
    assert_eq!(detail["wa_id"], CUSTOMER);
    let chats = detail["chats"].as_array().unwrap();
    assert_eq!(chats.len(), 1);
    assert_eq!(chats[0]["status"], "open");
    assert!(chats[0]["service_window"].is_object());
    let ana = app.signed_in("Ana", Role::Agent).await;
    let mut live = Live::open(app.as_token(Method::GET, "/api/v1/stream")).await;
    let patch = |attributes: serde_json::Value| {
        app.as_user(&ana, Method::PATCH, &path)
            .json(&json!({ "attributes": attributes }))
    };
    expect(
        patch(json!({ "tier": "gold", "city": "Porto" })),
        StatusCode::OK,
    )
    .await;
    let patched = expect(
        patch(json!({ "tier": "silver", "city": null })),
        StatusCode::OK,
    )
    .await;
    assert_eq!(patched["attributes"], json!({ "tier": "silver" }));
    let updated = live.until("contact.updated").await;
    assert_eq!(updated.data["data"]["contact_id"], contact.as_str());
    let bad = app
        .as_user(&ana, Method::PATCH, &path)
        .json(&json!({ "attributes": ["not", "an", "object"] }));
    assert_eq!(
        expect_error(bad, StatusCode::BAD_REQUEST).await,
        "invalid_request"
    );
    let missing = app.as_token(Method::GET, "/api/v1/contacts/999999");
    assert_eq!(
        expect_error(missing, StatusCode::NOT_FOUND).await,
        "not_found"
    );
}

#[tokio::test]
async fn everyone_lists_the_users_for_assignment_and_mentions() {
    let app = spawn_app().await;
    let ana = app.signed_in("Ana", Role::Agent).await;
    app.add_user("Bruno", Role::Admin).await;
    let users = expect(
        app.as_user(&ana, Method::GET, "/api/v1/users"),
        StatusCode::OK,
    )
    .await;
    let names: Vec<_> = users["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["name"].clone(), u["role"].clone()))
        .collect();
    assert_eq!(
        names,
        [
            (json!("Ana"), json!("agent")),
            (json!("Bruno"), json!("admin"))
        ]
    );
}
