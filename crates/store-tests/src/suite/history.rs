//! The history import.

use coexist_core::ingest::Change;
use coexist_core::message::Origin;
use coexist_core::number::HistoryImportState;
use coexist_core::page::Limit;
use serde_json::Value;

use crate::build::{
    CUSTOMER, OTHER, PHONE_ID, at, chunk, history_declined, history_media, history_placeholder,
    history_text,
};
use crate::fixture::{Fixture, StoreFactory};

/// History is quiet: no unread, no service window, no `message.created` per message; one
/// `history.progress` per chunk and one `chat.updated` per chat instead.
pub async fn history_is_quiet(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let head = f.head().await;
    f.ingest(vec![
        Change::HistoryChunk(chunk(0, 1, 55, 3)),
        Change::Message(history_text(
            "wamid.H1",
            CUSTOMER,
            at(1),
            false,
            "Here's the info",
        )),
        Change::Message(history_text("wamid.H2", CUSTOMER, at(2), true, "Thanks!")),
        Change::Message(history_text("wamid.H3", OTHER, at(3), false, "Your order")),
    ])
    .await;
    for wa in [CUSTOMER, OTHER] {
        let chat = f.chat_with(wa).await;
        assert_eq!(chat.unread_count, 0);
        assert_eq!(chat.last_customer_message_at, None);
    }
    assert_eq!(f.chat_with(CUSTOMER).await.message_count, 2);
    assert_eq!(f.message("wamid.H2").await.origin, Origin::History);
    let kinds = f.event_kinds_after(head).await;
    assert!(!kinds.contains(&"message.created".to_owned()), "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| *k == "history.progress").count(), 1);
    assert_eq!(kinds.iter().filter(|k| *k == "chat.updated").count(), 2);
}

/// Chunks are counted once per (phase, chunk_order), in any order; progress is the highest
/// seen and the import completes at 100.
pub async fn history_chunks_are_counted_once(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest(vec![Change::HistoryChunk(chunk(1, 3, 40, 100))])
        .await;
    f.ingest(vec![Change::HistoryChunk(chunk(0, 1, 20, 10))])
        .await;
    let head = f.head().await;
    f.ingest(vec![Change::HistoryChunk(chunk(1, 3, 40, 100))])
        .await;
    assert!(
        f.event_kinds_after(head).await.is_empty(),
        "a redelivered chunk is a no-op"
    );
    let h = f.number(PHONE_ID).await.history;
    assert_eq!(h.state, HistoryImportState::InProgress);
    assert_eq!(h.progress, Some(40));
    assert_eq!(h.phases[&1].chunks, 1);
    assert_eq!(h.phases[&1].messages, 100);
    f.ingest(vec![Change::HistoryChunk(chunk(2, 1, 100, 5))])
        .await;
    let h = f.number(PHONE_ID).await.history;
    assert_eq!(h.state, HistoryImportState::Complete);
    assert_eq!(h.progress, Some(100));
}

/// A media follow-up fills its placeholder (and no longer counts as pending).
pub async fn history_media_fills_the_placeholder(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest(vec![Change::Message(history_placeholder(
        "wamid.P",
        CUSTOMER,
        at(1),
    ))])
    .await;
    let m = f.message("wamid.P").await;
    assert!(m.media_pending);
    assert_eq!(m.kind, "media_placeholder");
    assert_eq!(f.number(PHONE_ID).await.history.media_pending, 1);
    let head = f.head().await;
    let follow_up = history_media("wamid.P", CUSTOMER, at(1), "Black Prince echeveria");
    f.ingest(vec![Change::HistoryMedia(Box::new(follow_up.clone()))])
        .await;
    let m = f.message("wamid.P").await;
    assert!(!m.media_pending);
    assert_eq!(m.kind, "image");
    assert_eq!(m.text.as_deref(), Some("Black Prince echeveria"));
    assert_eq!(
        m.content
            .as_ref()
            .and_then(|c| c.get("id"))
            .and_then(Value::as_str),
        Some("24230790383178626")
    );
    assert_eq!(f.number(PHONE_ID).await.history.media_pending, 0);
    assert!(
        f.event_kinds_after(head)
            .await
            .contains(&"message.updated".to_owned())
    );
    let hits = f
        .store
        .search_messages(f.org, "echeveria", Limit::new(None), None)
        .await
        .unwrap();
    assert_eq!(hits.data.len(), 1, "the caption is searchable once filled");
}

/// A media follow-up whose placeholder never came is stored as a history message; a live
/// message with that wamid is left alone.
pub async fn history_media_without_placeholder_is_stored(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let out = f
        .ingest(vec![Change::HistoryMedia(Box::new(history_media(
            "wamid.M",
            CUSTOMER,
            at(1),
            "cat",
        )))])
        .await;
    assert_eq!(out.messages_created, 1);
    let m = f.message("wamid.M").await;
    assert_eq!(m.origin, Origin::History);
    assert_eq!(m.kind, "image");
    assert!(!m.media_pending);
    assert_eq!(f.chat_with(CUSTOMER).await.unread_count, 0);

    f.ingest_text("wamid.L", CUSTOMER, at(2), "live").await;
    f.ingest(vec![Change::HistoryMedia(Box::new(history_media(
        "wamid.L",
        CUSTOMER,
        at(2),
        "x",
    )))])
    .await;
    let live = f.message("wamid.L").await;
    assert_eq!(
        (live.kind.as_str(), live.text.as_deref()),
        ("text", Some("live"))
    );
}

/// A declined import (2593109) sets the state and is listed as a webhook error.
pub async fn history_declined_is_recorded(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let head = f.head().await;
    f.ingest(vec![history_declined()]).await;
    let n = f.number(PHONE_ID).await;
    assert_eq!(n.history.state, HistoryImportState::Declined);
    let errors = f
        .store
        .list_webhook_errors(f.org, Limit::new(None))
        .await
        .unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].error.code, 2_593_109);
    assert_eq!(errors[0].field, "history");
    assert_eq!(errors[0].number_id, Some(n.id));
    let kinds = f.event_kinds_after(head).await;
    assert!(kinds.contains(&"webhook.error".to_owned()));
    assert!(kinds.contains(&"number.updated".to_owned()));
}
