//! Delivery statuses: the lattice join, early statuses, failures, pricing.

use coexist_core::ingest::Change;
use coexist_core::status::DeliveryStatus;
use serde_json::Value;

use crate::build::{CUSTOMER, at, echo, failed, status};
use crate::fixture::{Fixture, StoreFactory};

/// A late `delivered` after `read` changes nothing; `read` stays.
pub async fn statuses_never_move_backwards(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest(vec![Change::Message(echo(
        "wamid.O",
        CUSTOMER,
        at(1),
        "hi",
    ))])
    .await;
    f.ingest(vec![Change::Status(status("wamid.O", "sent", at(2)))])
        .await;
    let out = f
        .ingest(vec![Change::Status(status("wamid.O", "read", at(4)))])
        .await;
    assert_eq!(out.statuses_advanced, 1);
    let head = f.head().await;
    let out = f
        .ingest(vec![Change::Status(status("wamid.O", "delivered", at(3)))])
        .await;
    assert_eq!((out.statuses_recorded, out.statuses_advanced), (1, 0));
    let m = f.message("wamid.O").await;
    assert_eq!(m.status, Some(DeliveryStatus::Read));
    assert_eq!(m.status_at, Some(at(4)));
    assert!(
        !f.event_kinds_after(head)
            .await
            .contains(&"message.updated".to_owned()),
        "a status that changes nothing is not announced"
    );
}

/// Statuses that arrive before their message wait and are applied (their join) when it does.
pub async fn status_before_message_is_applied_on_arrival(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let out = f
        .ingest(vec![
            Change::Status(status("wamid.O", "delivered", at(3))),
            Change::Status(status("wamid.O", "sent", at(2))),
        ])
        .await;
    assert_eq!((out.statuses_recorded, out.statuses_advanced), (2, 0));
    assert!(
        f.store
            .find_messages_by_wamid(f.org, "wamid.O")
            .await
            .unwrap()
            .is_empty()
    );
    f.ingest(vec![Change::Message(echo(
        "wamid.O",
        CUSTOMER,
        at(1),
        "hi",
    ))])
    .await;
    let m = f.message("wamid.O").await;
    assert_eq!(m.status, Some(DeliveryStatus::Delivered));
    assert_eq!(m.status_at, Some(at(3)));
    let events = f.store.message_events(f.org, m.id).await.unwrap();
    assert_eq!(events.iter().filter(|e| e.kind == "status").count(), 2);
}

/// A `failed` status keeps Meta's error on the message.
pub async fn failed_status_keeps_the_error(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest(vec![
        Change::Message(echo("wamid.O", CUSTOMER, at(1), "hi")),
        Change::Status(status("wamid.O", "sent", at(2))),
        Change::Status(failed(
            "wamid.O",
            at(3),
            131_047,
            "Re-engagement message",
            "More than 24 hours have passed since the recipient last replied to the sender number.",
        )),
    ])
    .await;
    let m = f.message("wamid.O").await;
    assert_eq!(m.status, Some(DeliveryStatus::Failed));
    let e = m.error.expect("the error is kept");
    assert_eq!(e.code, 131_047);
    assert_eq!(e.title.as_deref(), Some("Re-engagement message"));
    assert!(e.details.unwrap().starts_with("More than 24 hours"));
}

/// Every status is recorded once per (message, status) with its pricing and callback data, in
/// the message's events, oldest first.
pub async fn every_status_is_recorded_once_with_pricing(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest(vec![Change::Message(echo(
        "wamid.O",
        CUSTOMER,
        at(1),
        "hi",
    ))])
    .await;
    f.ingest(vec![Change::Status(status("wamid.O", "delivered", at(3)))])
        .await;
    f.ingest(vec![Change::Status(status("wamid.O", "sent", at(2)))])
        .await;
    let again = f
        .ingest(vec![Change::Status(status("wamid.O", "sent", at(2)))])
        .await;
    assert_eq!(
        again.statuses_recorded, 0,
        "(wamid, status) is recorded once"
    );
    let m = f.message("wamid.O").await;
    let events = f.store.message_events(f.org, m.id).await.unwrap();
    let statuses: Vec<&str> = events
        .iter()
        .filter(|e| e.kind == "status")
        .filter_map(|e| e.data.get("status").and_then(Value::as_str))
        .collect();
    assert_eq!(statuses, ["sent", "delivered"], "oldest first");
    let sent = &events[0].data;
    assert_eq!(sent["pricing"]["category"], "marketing");
    assert_eq!(sent["pricing"]["type"], "regular");
    assert_eq!(sent["pricing"]["pricing_model"], "PMP");
    assert_eq!(sent["pricing"]["billable"], true);
    assert_eq!(
        sent["conversation"]["id"],
        "72b14d6bd5407799e66f64d1b338e567"
    );
    assert_eq!(sent["biz_opaque_callback_data"], "outbox-7");
}

/// A status value we don't track is recorded but moves nothing.
pub async fn unknown_status_values_are_recorded_but_move_nothing(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest(vec![Change::Message(echo(
        "wamid.O",
        CUSTOMER,
        at(1),
        "hi",
    ))])
    .await;
    let out = f
        .ingest(vec![Change::Status(status("wamid.O", "warning", at(2)))])
        .await;
    assert_eq!((out.statuses_recorded, out.statuses_advanced), (1, 0));
    assert_eq!(f.message("wamid.O").await.status, None);
}

/// A status change of a chat's newest message is announced on the message and the chat.
pub async fn status_change_is_announced(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest(vec![Change::Message(echo(
        "wamid.O",
        CUSTOMER,
        at(1),
        "hi",
    ))])
    .await;
    let head = f.head().await;
    f.ingest(vec![Change::Status(status("wamid.O", "read", at(2)))])
        .await;
    let m = f.message("wamid.O").await;
    let events = f.events_after(head).await;
    let updated = events
        .iter()
        .find(|e| e.kind == "message.updated")
        .expect("message.updated");
    assert_eq!(updated.message_id, Some(m.id));
    assert_eq!(updated.data["changes"], serde_json::json!(["status"]));
    assert!(
        events
            .iter()
            .any(|e| e.kind == "chat.updated" && e.chat_id == Some(m.chat_id))
    );
    let chat = f.chat_with(CUSTOMER).await;
    assert_eq!(
        chat.last_message.and_then(|p| p.status),
        Some(DeliveryStatus::Read)
    );
}
