//! Full-text search and lookup by wamid.

use crate::helpers::{spawn_app, text_message};

const T0: i64 = 1_739_000_000;

#[tokio::test]
async fn messages_are_found_by_words_and_by_wamid() {
    let app = spawn_app().await;
    let texts = [
        "the blue bicycle",
        "a red car",
        "blue sky tonight",
        "Größe und Maß",
    ];
    for (i, text) in texts.iter().enumerate() {
        let wamid = format!("wamid.search{i}");
        app.deliver(&text_message("16505551234", &wamid, T0 + i as i64, text))
            .await;
    }
    let path = "/api/v1/messages";
    assert_eq!(app.list_query(path, &[("q", "blue")]).await.len(), 2);
    let bicycle = app.list_query(path, &[("q", "bicycle")]).await;
    assert_eq!(bicycle.len(), 1);
    assert_eq!(bicycle[0]["text"], "the blue bicycle");
    assert!(app.list_query(path, &[("q", "submarine")]).await.is_empty());
    let unicode = app.list_query(path, &[("q", "größe")]).await;
    assert_eq!(unicode.len(), 1, "unicode words are searchable");

    let found = app
        .list_query("/api/v1/messages", &[("wamid", "wamid.search1")])
        .await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["text"], "a red car");
    assert!(
        app.list_query("/api/v1/messages", &[("wamid", "wamid.none")])
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn search_results_page_with_a_cursor() {
    let app = spawn_app().await;
    for i in 0..3i64 {
        let wamid = format!("wamid.p{i}");
        app.deliver(&text_message(
            "16505551234",
            &wamid,
            T0 + i,
            "invoice attached",
        ))
        .await;
    }
    let first = app.get_json("/api/v1/messages?q=invoice&limit=2").await;
    assert_eq!(first["data"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().expect("a second page");
    let second = app
        .list_query(
            "/api/v1/messages",
            &[("q", "invoice"), ("limit", "2"), ("cursor", cursor)],
        )
        .await;
    assert_eq!(second.len(), 1);
    let seen: Vec<&serde_json::Value> = first["data"]
        .as_array()
        .unwrap()
        .iter()
        .chain(&second)
        .collect();
    let mut ids: Vec<&str> = seen.iter().map(|m| m["id"].as_str().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3);
}
