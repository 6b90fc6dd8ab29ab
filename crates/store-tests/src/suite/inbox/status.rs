//! What arriving messages do to a chat's inbox status: a live customer message opens a new
//! chat, reopens a resolved one and wakes a snoozed one, in the same commit as the message;
//! history and echoes never do (ARCHITECTURE §4).

use coexist_core::inbox::{ChatChange, InboxStatus};
use coexist_core::ingest::Change;
use coexist_core::store::By;
use coexist_core::time::HOUR_MS;
use serde_json::json;

use super::{agent, change, events_of};
use crate::build::{CUSTOMER, OTHER, at, echo, history_text, text};
use crate::fixture::{Fixture, StoreFactory};

/// The first live customer message makes an open, unassigned chat without labels.
pub async fn new_customer_chat_is_open_and_unassigned(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest_text("wamid.1", CUSTOMER, at(1), "hi").await;
    let chat = f.chat_with(CUSTOMER).await;
    assert_eq!(chat.status, InboxStatus::Open);
    assert_eq!(chat.assignee, None);
    assert!(chat.labels.is_empty());
    assert_eq!(chat.snoozed_until, None);
    assert_eq!((chat.assigned_at, chat.resolved_at), (None, None));
}

/// Chats that only history or the phone app created start resolved: an import of 6 months
/// must not flood the open queue, and an echo means the owner is handling it on the phone.
pub async fn history_and_echo_chats_start_resolved(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest(vec![
        Change::Message(history_text("wamid.H", CUSTOMER, at(1), true, "old")),
        Change::Message(echo("wamid.E", OTHER, at(2), "hello from the phone")),
    ])
    .await;
    assert_eq!(f.chat_with(CUSTOMER).await.status, InboxStatus::Resolved);
    assert_eq!(f.chat_with(OTHER).await.status, InboxStatus::Resolved);
    f.ingest_text("wamid.2", OTHER, at(3), "reply").await;
    assert_eq!(f.chat_with(OTHER).await.status, InboxStatus::Open);
}

/// A new live customer message reopens a resolved chat; the change is announced on the
/// chat's `chat.updated` and the time it was resolved is kept.
pub async fn customer_message_reopens_a_resolved_chat(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest_text("wamid.1", CUSTOMER, at(1), "hi").await;
    let ana = agent(&f, "Ana").await;
    let chat = f.chat_with(CUSTOMER).await;
    change(&f, chat.id, ChatChange::Resolve, By::User(ana.id), at(10)).await;
    let head = f.head().await;
    f.ingest_text("wamid.2", CUSTOMER, at(20), "again").await;
    let chat = f.chat_with(CUSTOMER).await;
    assert_eq!(chat.status, InboxStatus::Open);
    assert_eq!(chat.resolved_at, Some(at(10)));
    let updated = events_of(&f, head, "chat.updated").await;
    assert_eq!(updated.len(), 1);
    assert_eq!(updated[0].data["changes"], json!(["messages", "status"]));
}

/// A new live customer message wakes a snoozed chat before its time.
pub async fn customer_message_wakes_a_snoozed_chat(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest_text("wamid.1", CUSTOMER, at(1), "hi").await;
    let ana = agent(&f, "Ana").await;
    let chat = f.chat_with(CUSTOMER).await;
    let until = at(10).plus_ms(HOUR_MS);
    let snoozed = change(
        &f,
        chat.id,
        ChatChange::Snooze { until },
        By::User(ana.id),
        at(10),
    )
    .await;
    assert_eq!(snoozed.status, InboxStatus::Snoozed);
    f.ingest_text("wamid.2", CUSTOMER, at(20), "still there?")
        .await;
    let chat = f.chat_with(CUSTOMER).await;
    assert_eq!(chat.status, InboxStatus::Open);
    assert_eq!(chat.snoozed_until, None);
}

/// History and echoes stay quiet on a resolved chat: no reopening, no unread. A redelivered
/// customer message (one already stored) does not reopen either: it is not new.
pub async fn history_echoes_and_redeliveries_never_reopen(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let first = text("wamid.1", CUSTOMER, at(1), "hi");
    f.ingest(vec![Change::Message(first.clone())]).await;
    let ana = agent(&f, "Ana").await;
    let chat = f.chat_with(CUSTOMER).await;
    f.store
        .mark_chat_read(f.org, chat.id, By::User(ana.id), at(5))
        .await
        .unwrap();
    change(&f, chat.id, ChatChange::Resolve, By::User(ana.id), at(10)).await;
    let head = f.head().await;
    f.ingest(vec![
        Change::Message(history_text(
            "wamid.H",
            CUSTOMER,
            at(11),
            true,
            "old question",
        )),
        Change::Message(echo("wamid.E", CUSTOMER, at(12), "answered on the phone")),
    ])
    .await;
    f.ingest(vec![Change::Message(first)]).await;
    let chat = f.chat_with(CUSTOMER).await;
    assert_eq!(chat.status, InboxStatus::Resolved);
    assert_eq!(chat.unread_count, 0);
    assert_eq!(chat.message_count, 3);
    for e in events_of(&f, head, "chat.updated").await {
        assert_eq!(e.data["changes"], json!(["messages"]), "{e:?}");
    }
}
