//! The shared inbox over HTTP: chat state and its actions, the inbox filters with pagination,
//! what webhooks do to a chat's status, and live updates for a second agent.

use coexist_core::inbox::Role;
use coexist_core::time::HOUR_MS;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{DOCS_PHONE_NUMBER_ID, NOW, TestApp, spawn_app, text_message};
use crate::people::{Live, expect, expect_error};

const T0: i64 = 1_739_000_000;

/// A webhook with one `field` change holding `value` plus the docs number's metadata.
fn webhook(field: &str, mut value: Value) -> Vec<u8> {
    value["messaging_product"] = json!("whatsapp");
    value["metadata"] =
        json!({ "display_phone_number": "15550783881", "phone_number_id": DOCS_PHONE_NUMBER_ID });
    let body = json!({
        "object": "whatsapp_business_account",
        "entry": [{ "id": "102290129340398", "changes": [{ "field": field, "value": value }] }]
    });
    serde_json::to_vec(&body).unwrap()
}

/// The owner answered `wa_id` from the phone (an echo).
fn echo(wa_id: &str, wamid: &str, secs: i64) -> Vec<u8> {
    let message = json!({ "from": "15550783881", "to": wa_id, "id": wamid, "timestamp": secs.to_string(), "type": "text", "text": { "body": "on it" } });
    webhook("smb_message_echoes", json!({ "message_echoes": [message] }))
}

/// One imported history message from `wa_id`.
fn history(wa_id: &str, wamid: &str, secs: i64) -> Vec<u8> {
    let message = json!({ "from": wa_id, "id": wamid, "timestamp": secs.to_string(), "type": "text", "text": { "body": "old" }, "history_context": { "status": "READ" } });
    let chunk = json!({ "metadata": { "phase": 0, "chunk_order": 1, "progress": 100 }, "threads": [{ "id": wa_id, "messages": [message] }] });
    webhook("history", json!({ "history": [chunk] }))
}

fn customer(i: usize) -> String {
    format!("1650557{i:04}")
}

/// `n` chats, chat i with one customer message at i seconds; their ids, oldest first.
async fn chats(app: &TestApp, n: usize) -> Vec<String> {
    for i in 0..n {
        let body = text_message(&customer(i), &format!("wamid.in{i}"), T0 + i as i64, "hi");
        app.deliver(&body).await;
    }
    let mut ids: Vec<String> = app
        .list("/api/v1/chats?limit=200")
        .await
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    ids.reverse();
    ids
}

async fn chat(app: &TestApp, id: &str) -> Value {
    app.get_json(&format!("/api/v1/chats/{id}")).await
}

async fn act(app: &TestApp, method: Method, path: String, body: Option<Value>) -> Value {
    let mut request = app.as_token(method, &path);
    if let Some(body) = body {
        request = request.json(&body);
    }
    expect(request, StatusCode::OK).await
}

#[tokio::test]
async fn chats_carry_their_inbox_state_and_agents_change_it() {
    let app = spawn_app().await;
    let id = chats(&app, 1).await.remove(0);
    let fresh = chat(&app, &id).await;
    assert_eq!(fresh["status"], "open");
    assert_eq!(
        (fresh["assignee"].clone(), fresh["labels"].clone()),
        (json!(null), json!([]))
    );
    let ana_id = app.add_user("Ana", Role::Agent).await;
    let base = format!("/api/v1/chats/{id}");
    let assigned = act(
        &app,
        Method::POST,
        format!("{base}/assign"),
        Some(json!({ "user_id": ana_id })),
    )
    .await;
    assert_eq!(assigned["assignee"], json!({ "id": ana_id, "name": "Ana" }));
    assert_eq!(assigned["assigned_at"], json!(NOW));
    let labelled = act(
        &app,
        Method::PUT,
        format!("{base}/labels"),
        Some(json!({ "labels": [" vip", "billing", "vip"] })),
    )
    .await;
    assert_eq!(labelled["labels"], json!(["billing", "vip"]));
    let until = NOW.plus_ms(HOUR_MS);
    let snoozed = act(
        &app,
        Method::POST,
        format!("{base}/snooze"),
        Some(json!({ "until": until })),
    )
    .await;
    assert_eq!(
        (snoozed["status"].clone(), snoozed["snoozed_until"].clone()),
        (json!("snoozed"), json!(until))
    );
    app.clock.advance_ms(HOUR_MS);
    let woke = chat(&app, &id).await;
    assert_eq!(
        (woke["status"].clone(), woke["snoozed_until"].clone()),
        (json!("open"), json!(null)),
        "the snooze ended by itself"
    );
    let resolved = act(&app, Method::POST, format!("{base}/resolve"), None).await;
    assert_eq!(resolved["status"], "resolved");
    assert_eq!(resolved["resolved_at"], json!(NOW.plus_ms(HOUR_MS)));
    assert_eq!(
        act(&app, Method::POST, format!("{base}/reopen"), None).await["status"],
        "open"
    );
    let unassigned = act(
        &app,
        Method::POST,
        format!("{base}/assign"),
        Some(json!({ "user_id": null })),
    )
    .await;
    assert_eq!(unassigned["assignee"], json!(null));
    let counts = app.list("/api/v1/labels").await;
    assert_eq!(
        counts,
        [
            json!({ "label": "billing", "count": 1 }),
            json!({ "label": "vip", "count": 1 })
        ]
    );
}

#[tokio::test]
async fn bad_chat_actions_are_refused_with_what_is_wrong() {
    let app = spawn_app().await;
    let id = chats(&app, 1).await.remove(0);
    let base = format!("/api/v1/chats/{id}");
    let cases = [
        (format!("{base}/snooze"), json!({ "until": NOW })),
        (format!("{base}/snooze"), json!({ "until": "tomorrow" })),
        (format!("{base}/assign"), json!({ "user_id": "999" })),
    ];
    for (path, body) in cases {
        let request = app.as_token(Method::POST, &path).json(&body);
        let code = expect_error(request, StatusCode::BAD_REQUEST).await;
        assert_eq!(code, "invalid_request", "{path} {body}");
    }
    let long = app
        .as_token(Method::PUT, &format!("{base}/labels"))
        .json(&json!({ "labels": ["x".repeat(33)] }));
    assert_eq!(
        expect_error(long, StatusCode::BAD_REQUEST).await,
        "invalid_request"
    );
    let missing = app.as_token(Method::POST, "/api/v1/chats/999999/resolve");
    assert_eq!(
        expect_error(missing, StatusCode::NOT_FOUND).await,
        "not_found"
    );
    assert_eq!(chat(&app, &id).await["status"], "open");
}

#[tokio::test]
async fn a_new_customer_message_reopens_a_resolved_chat_but_history_and_echoes_do_not() {
    let app = spawn_app().await;
    let id = chats(&app, 1).await.remove(0);
    let wa_id = customer(0);
    act(&app, Method::POST, format!("/api/v1/chats/{id}/read"), None).await;
    act(
        &app,
        Method::POST,
        format!("/api/v1/chats/{id}/resolve"),
        None,
    )
    .await;
    app.deliver(&history(&wa_id, "wamid.hist", T0 + 10)).await;
    app.deliver(&echo(&wa_id, "wamid.echo", T0 + 20)).await;
    let quiet = chat(&app, &id).await;
    assert_eq!(quiet["status"], "resolved", "{quiet}");
    assert_eq!(quiet["unread_count"], 0);
    assert_eq!(quiet["message_count"], 3);
    app.deliver(&text_message(&wa_id, "wamid.again", T0 + 30, "me again"))
        .await;
    let reopened = chat(&app, &id).await;
    assert_eq!(reopened["status"], "open");
    assert_eq!(reopened["unread_count"], 1);
}

#[tokio::test]
async fn reading_a_chat_zeroes_its_unread_count() {
    let app = spawn_app().await;
    let id = chats(&app, 1).await.remove(0);
    app.deliver(&text_message(&customer(0), "wamid.more", T0 + 5, "more"))
        .await;
    assert_eq!(chat(&app, &id).await["unread_count"], 2);
    let read = act(&app, Method::POST, format!("/api/v1/chats/{id}/read"), None).await;
    assert_eq!(read["unread_count"], 0);
    let messages = app.list(&format!("/api/v1/chats/{id}/messages")).await;
    assert!(
        messages.iter().all(|m| m["status"] == "read"),
        "{messages:?}"
    );
    // The test hub's Graph API is unreachable: the receipt fails, the chat is read regardless.
    assert_eq!(read["read_receipt"]["result"], "failed", "{read}");
    let off = json!({ "enabled": false });
    act(
        &app,
        Method::POST,
        "/api/v1/settings/read-receipts".to_owned(),
        Some(off),
    )
    .await;
    let again = act(&app, Method::POST, format!("/api/v1/chats/{id}/read"), None).await;
    assert_eq!(again["read_receipt"], json!({ "result": "disabled" }));
}

fn ids(chats: &[Value]) -> Vec<String> {
    chats
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Every chat of a filtered list, following cursors with pages of `limit`.
async fn all_pages(
    app: &TestApp,
    session: &crate::people::Session,
    query: &str,
    limit: u32,
) -> Vec<Value> {
    let mut all = Vec::new();
    let mut cursor = String::new();
    loop {
        let path = format!("/api/v1/chats?{query}&limit={limit}{cursor}");
        let page = expect(app.as_user(session, Method::GET, &path), StatusCode::OK).await;
        all.extend(page["data"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => return all,
        }
    }
}

#[tokio::test]
async fn views_statuses_and_labels_filter_the_list_page_by_page() {
    let app = spawn_app().await;
    let all = chats(&app, 7).await;
    let ana = app.signed_in("Ana", Role::Agent).await;
    let bruno_id = app.add_user("Bruno", Role::Agent).await;
    let assign = |chat: &str, user: &str| {
        act(
            &app,
            Method::POST,
            format!("/api/v1/chats/{chat}/assign"),
            Some(json!({ "user_id": user })),
        )
    };
    for chat in [&all[1], &all[4], &all[6]] {
        assign(chat, &ana.user_id).await;
    }
    assign(&all[5], &bruno_id).await;
    act(
        &app,
        Method::POST,
        format!("/api/v1/chats/{}/resolve", all[4]),
        None,
    )
    .await;
    act(
        &app,
        Method::PUT,
        format!("/api/v1/chats/{}/labels", all[6]),
        Some(json!({ "labels": ["vip"] })),
    )
    .await;
    act(
        &app,
        Method::PUT,
        format!("/api/v1/chats/{}/labels", all[0]),
        Some(json!({ "labels": ["vip"] })),
    )
    .await;
    let newest = |v: &[usize]| -> Vec<String> { v.iter().rev().map(|i| all[*i].clone()).collect() };
    assert_eq!(
        ids(&all_pages(&app, &ana, "view=mine", 1).await),
        newest(&[1, 4, 6])
    );
    assert_eq!(
        ids(&all_pages(&app, &ana, "view=mine&status=open", 2).await),
        newest(&[1, 6])
    );
    assert_eq!(
        ids(&all_pages(&app, &ana, "view=unassigned", 2).await),
        newest(&[0, 2, 3])
    );
    assert_eq!(
        ids(&all_pages(&app, &ana, "status=resolved", 2).await),
        newest(&[4])
    );
    assert_eq!(
        ids(&all_pages(&app, &ana, "view=all&label=vip", 1).await),
        newest(&[0, 6])
    );
    assert_eq!(
        ids(&all_pages(&app, &ana, "status=open&label=vip&view=unassigned", 1).await),
        newest(&[0])
    );
    assert_eq!(all_pages(&app, &ana, "view=all", 3).await.len(), 7);
    for bad in ["view=others", "status=closed", "label=", "number_id=x"] {
        let request = app.as_user(&ana, Method::GET, &format!("/api/v1/chats?{bad}"));
        let response = request.send().await.unwrap();
        let blank_label = bad == "label=";
        let expected = if blank_label {
            StatusCode::OK
        } else {
            StatusCode::BAD_REQUEST
        };
        assert_eq!(response.status(), expected, "{bad}");
    }
    let by_token = app.as_token(Method::GET, "/api/v1/chats?view=mine");
    assert_eq!(
        expect_error(by_token, StatusCode::BAD_REQUEST).await,
        "invalid_parameter"
    );
}

#[tokio::test]
async fn a_second_agent_sees_an_assignment_live() {
    let app = spawn_app().await;
    let id = chats(&app, 1).await.remove(0);
    let ana = app.signed_in("Ana", Role::Agent).await;
    let bruno = app.signed_in("Bruno", Role::Agent).await;
    let mut brunos_browser = Live::open(app.as_user(&bruno, Method::GET, "/api/v1/stream")).await;
    let assign = app
        .as_user(&ana, Method::POST, &format!("/api/v1/chats/{id}/assign"))
        .json(&json!({ "user_id": bruno.user_id }));
    expect(assign, StatusCode::OK).await;
    let seen = brunos_browser
        .until_each(&["chat.updated", "notification.created"])
        .await;
    let (updated, notified) = (&seen[0], &seen[1]);
    assert_eq!(updated.data["chat_id"], id.as_str());
    assert_eq!(updated.data["data"]["fields"], json!(["assignee"]));
    assert_eq!(updated.data["data"]["by"], ana.user_id.as_str());
    assert_eq!(notified.data["data"]["user_id"], bruno.user_id.as_str());
    assert_eq!(notified.data["data"]["kind"], "assigned");
    let customer_wrote = text_message(&customer(0), "wamid.next", T0 + 50, "hello?");
    app.deliver(&customer_wrote).await;
    let message = brunos_browser.until("message.created").await;
    assert_eq!(message.data["chat_id"], id.as_str());
}
