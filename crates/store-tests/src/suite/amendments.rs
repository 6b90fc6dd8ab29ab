//! Edits and revokes.

use coexist_core::ingest::Change;
use coexist_core::message::Editor;
use serde_json::json;

use crate::build::{CUSTOMER, PHONE_ID, at, echo, edit, image, revoke};
use crate::fixture::{Fixture, StoreFactory};

/// An edit replaces the text and content, keeps the text before the first edit, and keeps the
/// text it replaced in its event.
pub async fn edit_keeps_the_original_text(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest_text("wamid.A", CUSTOMER, at(1), "helo").await;
    f.ingest(vec![Change::Amendment(edit(
        "wamid.A",
        "wamid.E1",
        Editor::Customer,
        at(2),
        "hello",
    ))])
    .await;
    f.ingest(vec![Change::Amendment(edit(
        "wamid.A",
        "wamid.E2",
        Editor::Customer,
        at(3),
        "hello!",
    ))])
    .await;
    let m = f.message("wamid.A").await;
    assert_eq!(m.text.as_deref(), Some("hello!"));
    assert_eq!(m.content, Some(json!({ "body": "hello!" })));
    assert_eq!(m.original_text.as_deref(), Some("helo"));
    assert_eq!(m.edited_at, Some(at(3)));
    assert_eq!(m.edited_by, Some(Editor::Customer));
    let events = f.store.message_events(f.org, m.id).await.unwrap();
    let edits: Vec<_> = events.iter().filter(|e| e.kind == "edit").collect();
    assert_eq!(edits.len(), 2);
    assert_eq!(edits[0].event_wamid.as_deref(), Some("wamid.E1"));
    assert_eq!(edits[0].data["previous_text"], "helo");
    assert_eq!(edits[1].data["previous_text"], "hello");
    assert_eq!(edits[1].data["text"], "hello!");
}

/// An older edit arriving after a newer one is recorded but does not overwrite it.
pub async fn older_edit_arriving_late_does_not_overwrite(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest_text("wamid.A", CUSTOMER, at(1), "v0").await;
    f.ingest(vec![Change::Amendment(edit(
        "wamid.A",
        "wamid.E2",
        Editor::Customer,
        at(3),
        "v2",
    ))])
    .await;
    f.ingest(vec![Change::Amendment(edit(
        "wamid.A",
        "wamid.E1",
        Editor::Customer,
        at(2),
        "v1",
    ))])
    .await;
    let m = f.message("wamid.A").await;
    assert_eq!(m.text.as_deref(), Some("v2"));
    assert_eq!(m.original_text.as_deref(), Some("v0"));
    assert_eq!(m.edited_at, Some(at(3)));
    let events = f.store.message_events(f.org, m.id).await.unwrap();
    assert_eq!(
        events.iter().filter(|e| e.kind == "edit").count(),
        2,
        "both are recorded"
    );
}

/// An edit or revoke that arrives before its message is applied when the message arrives,
/// in timestamp order.
pub async fn edit_before_message_is_applied_on_arrival(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest(vec![
        Change::Amendment(edit("wamid.A", "wamid.E2", Editor::Customer, at(3), "v2")),
        Change::Amendment(edit("wamid.A", "wamid.E1", Editor::Customer, at(2), "v1")),
    ])
    .await;
    f.ingest_text("wamid.A", CUSTOMER, at(1), "v0").await;
    let m = f.message("wamid.A").await;
    assert_eq!(m.text.as_deref(), Some("v2"));
    assert_eq!(m.original_text.as_deref(), Some("v0"));
    let events = f.store.message_events(f.org, m.id).await.unwrap();
    let previous: Vec<_> = events
        .iter()
        .map(|e| e.data["previous_text"].clone())
        .collect();
    assert_eq!(previous, [json!("v0"), json!("v1")]);
}

/// A revoke marks the message deleted, by whom and when, and keeps its content for the record.
pub async fn revoke_keeps_the_content(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest(vec![Change::Message(image(
        "wamid.A",
        CUSTOMER,
        at(1),
        "a cat",
    ))])
    .await;
    let head = f.head().await;
    f.ingest(vec![Change::Amendment(revoke(
        "wamid.A",
        "wamid.R",
        Editor::Customer,
        at(2),
    ))])
    .await;
    let m = f.message("wamid.A").await;
    assert_eq!(m.revoked_at, Some(at(2)));
    assert_eq!(m.revoked_by, Some(Editor::Customer));
    assert_eq!(m.text.as_deref(), Some("a cat"));
    assert!(m.content.is_some());
    let chat = f.chat_with(CUSTOMER).await;
    assert!(chat.last_message.is_some_and(|p| p.revoked));
    let kinds = f.event_kinds_after(head).await;
    assert!(kinds.contains(&"message.updated".to_owned()));
    assert!(kinds.contains(&"chat.updated".to_owned()));
}

/// The owner editing or deleting on the phone is a sign of life of the phone app.
pub async fn business_edit_counts_as_app_activity(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest(vec![Change::Message(echo(
        "wamid.A",
        CUSTOMER,
        at(1),
        "typo",
    ))])
    .await;
    f.ingest(vec![Change::Amendment(edit(
        "wamid.A",
        "wamid.E",
        Editor::BusinessApp,
        at(9),
        "fixed",
    ))])
    .await;
    let m = f.message("wamid.A").await;
    assert_eq!(m.edited_by, Some(Editor::BusinessApp));
    assert_eq!(f.number(PHONE_ID).await.last_app_activity_at, Some(at(9)));
}

/// The same edit delivered twice (in different requests) is one event.
pub async fn redelivered_edit_is_recorded_once(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest_text("wamid.A", CUSTOMER, at(1), "a").await;
    let e = edit("wamid.A", "wamid.E", Editor::Customer, at(2), "b");
    f.ingest(vec![Change::Amendment(e.clone())]).await;
    let head = f.head().await;
    f.ingest(vec![Change::Amendment(e)]).await;
    let m = f.message("wamid.A").await;
    assert_eq!(m.original_text.as_deref(), Some("a"));
    assert_eq!(f.store.message_events(f.org, m.id).await.unwrap().len(), 1);
    assert!(f.event_kinds_after(head).await.is_empty());
}
