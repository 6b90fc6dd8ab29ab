//! Whole requests: redelivery, the outcome, the stream head, group commit under concurrency.

use coexist_core::ids::OrgId;
use coexist_core::ingest::Change;
use coexist_core::store::StoreError;
use futures_util::future::join_all;

use crate::build::{CUSTOMER, at, status, text};
use crate::fixture::{Fixture, StoreFactory};

/// The same request body again (Meta's redelivery) is recognized and changes nothing: no new
/// rows, no stream events.
pub async fn redelivered_request_changes_nothing(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let batch = f.batch(vec![
        Change::Message(text("wamid.A", CUSTOMER, at(1), "hello")),
        Change::Status(status("wamid.OUT", "sent", at(2))),
    ]);
    let first = f.apply(batch.clone()).await;
    assert!(!first.duplicate_request);
    assert_eq!(first.messages_created, 1);
    assert_eq!(first.statuses_recorded, 1);
    let head = f.head().await;
    assert_eq!(
        first.head, head,
        "the outcome carries the head after the commit"
    );
    let again = f.apply(batch).await;
    assert!(again.duplicate_request);
    assert_eq!((again.messages_created, again.messages_duplicate), (0, 0));
    assert_eq!(again.statuses_recorded, 0);
    assert_eq!(again.head, head, "a duplicate request creates no events");
    assert!(f.event_kinds_after(head).await.is_empty());
    assert_eq!(f.chat_with(CUSTOMER).await.message_count, 1);
}

/// The outcome counts what the request did.
pub async fn outcome_counts_created_duplicate_and_statuses(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest_text("wamid.A", CUSTOMER, at(1), "a").await;
    let out = f
        .ingest(vec![
            Change::Message(text("wamid.A", CUSTOMER, at(1), "a")),
            Change::Message(text("wamid.B", CUSTOMER, at(2), "b")),
            Change::Status(status("wamid.B", "read", at(3))),
            Change::Status(status("wamid.B", "delivered", at(4))),
        ])
        .await;
    assert_eq!(out.messages_created, 1);
    assert_eq!(out.messages_duplicate, 1);
    assert_eq!(out.statuses_recorded, 2);
    assert_eq!(
        out.statuses_advanced, 1,
        "delivered after read does not advance"
    );
}

/// Many requests at once (the hub ingests concurrently; SQLite commits them in groups) are
/// each applied exactly once, whatever the duplicates among them.
pub async fn concurrent_requests_are_each_applied_once(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let batches: Vec<_> = (0..120)
        .map(|i| {
            let wamid = format!("wamid.C{}", i % 60);
            f.batch(vec![Change::Message(text(
                &wamid,
                CUSTOMER,
                at(i % 60),
                "hi",
            ))])
        })
        .collect();
    let outcomes = join_all(batches.into_iter().map(|b| f.store.ingest(b))).await;
    let mut created = 0;
    for o in outcomes {
        created += o.expect("ingest").messages_created;
    }
    assert_eq!(created, 60);
    let chat = f.chat_with(CUSTOMER).await;
    assert_eq!(chat.message_count, 60);
    assert_eq!(chat.unread_count, 60);
    assert_eq!(f.messages_of(chat.id).await.len(), 60);
}

/// A request that fails is rolled back alone (its neighbours commit) and, since nothing of it
/// was kept, Meta's retry of the same body is applied.
pub async fn a_failing_request_is_rolled_back_alone(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let mut bad = f.batch(vec![
        Change::Message(text("wamid.GOOD-IN-BAD", CUSTOMER, at(1), "x")),
        Change::Message(crate::build::bare_message("wamid.BAD", "999", at(2))),
    ]);
    bad.default_org = OrgId(9_999_999);
    let good: Vec<_> = (0..20)
        .map(|i| {
            f.batch(vec![Change::Message(text(
                &format!("wamid.G{i}"),
                CUSTOMER,
                at(i),
                "g",
            ))])
        })
        .collect();
    let mut all = vec![bad.clone()];
    all.extend(good);
    let results = join_all(all.into_iter().map(|b| f.store.ingest(b))).await;
    assert!(
        matches!(results[0], Err(StoreError::Invalid(_))),
        "{:?}",
        results[0]
    );
    assert!(results[1..].iter().all(Result::is_ok));
    assert_eq!(
        f.chat_with(CUSTOMER).await.message_count,
        20,
        "the bad request left nothing"
    );
    let none = f
        .store
        .find_messages_by_wamid(f.org, "wamid.GOOD-IN-BAD")
        .await
        .unwrap();
    assert!(none.is_empty());
    bad.default_org = f.org;
    let retried = f.apply(bad).await;
    assert!(
        !retried.duplicate_request,
        "a failed request was not remembered"
    );
    assert_eq!(retried.messages_created, 2);
}
