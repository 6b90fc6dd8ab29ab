//! Lists page with opaque cursors: every item exactly once, in order, and `null` at the end.

use serde_json::Value;

use crate::helpers::{TestApp, spawn_app, text_message};

const T0: i64 = 1_739_000_000;

/// Follows `next_cursor` from `path` (which has no query) and returns the pages.
async fn pages(app: &TestApp, path: &str, limit: u32) -> Vec<Vec<Value>> {
    let mut pages = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let limit = limit.to_string();
        let mut query = vec![("limit", limit.as_str())];
        if let Some(c) = &cursor {
            query.push(("cursor", c.as_str()));
        }
        let response = app
            .client
            .get(app.url_with(path, &query))
            .bearer_auth(&app.token)
            .send()
            .await
            .unwrap();
        let json: Value = response.json().await.unwrap();
        pages.push(json["data"].as_array().cloned().expect("data"));
        match json["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
        assert!(pages.len() < 20, "cursors never end: {json}");
    }
    pages
}

fn ids(pages: &[Vec<Value>]) -> Vec<String> {
    pages
        .iter()
        .flatten()
        .map(|v| v["id"].as_str().expect("id").to_owned())
        .collect()
}

#[tokio::test]
async fn chats_page_by_most_recent_activity_without_gaps_or_repeats() {
    let app = spawn_app().await;
    for i in 0..7i64 {
        let wa_id = format!("1650555{i:04}");
        app.deliver(&text_message(
            &wa_id,
            &format!("wamid.page{i}"),
            T0 + i * 60,
            "hi",
        ))
        .await;
    }
    let pages = pages(&app, "/api/v1/chats", 3).await;
    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    assert_eq!(sizes, [3, 3, 1]);
    let all: Vec<&Value> = pages.iter().flatten().collect();
    let wa_ids: Vec<&str> = all
        .iter()
        .map(|c| c["contact"]["wa_id"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = (0..7).rev().map(|i| format!("1650555{i:04}")).collect();
    assert_eq!(wa_ids, expected, "most recent first");
    let mut unique = ids(&pages);
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 7);
}

#[tokio::test]
async fn a_chats_messages_page_newest_first() {
    let app = spawn_app().await;
    for i in 0..7i64 {
        let body = format!("message {i}");
        app.deliver(&text_message(
            "16505551234",
            &format!("wamid.m{i}"),
            T0 + i,
            &body,
        ))
        .await;
    }
    let chat = &app.list("/api/v1/chats").await[0];
    let path = format!("/api/v1/chats/{}/messages", chat["id"].as_str().unwrap());
    let pages = pages(&app, &path, 3).await;
    let texts: Vec<&str> = pages
        .iter()
        .flatten()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = (0..7).rev().map(|i| format!("message {i}")).collect();
    assert_eq!(texts, expected);
    assert_eq!(pages.len(), 3);
}

#[tokio::test]
async fn contacts_page_without_gaps_or_repeats() {
    let app = spawn_app().await;
    for i in 0..5i64 {
        let wa_id = format!("1212555{i:04}");
        app.deliver(&text_message(
            &wa_id,
            &format!("wamid.c{i}"),
            T0 + i,
            "hello",
        ))
        .await;
    }
    let pages = pages(&app, "/api/v1/contacts", 2).await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2, 1]);
    let mut all = ids(&pages);
    all.dedup();
    assert_eq!(all.len(), 5);
}
