//! Organizations, tokens and the change stream.

use coexist_core::ids::{ChatId, MessageId, NumberId, OrgId, Position};
use coexist_core::ingest::Change;
use coexist_core::page::Limit;
use coexist_core::store::{ChatFilter, ContactFilter, NewApiToken, StoreError};

use crate::build::{CUSTOMER, at, echo, status, text};
use crate::fixture::{Fixture, StoreFactory};

/// An organization with one chat, message and status, and a second organization.
async fn two_orgs(factory: &dyn StoreFactory) -> (Fixture, OrgId) {
    let f = Fixture::new(factory).await;
    f.ingest(vec![
        Change::Message(echo("wamid.A", CUSTOMER, at(1), "order 42")),
        Change::Status(status("wamid.A", "sent", at(2))),
    ])
    .await;
    let other = f.store.ensure_org("globex", at(0)).await.unwrap();
    (f, other)
}

#[track_caller]
fn assert_not_found<T: std::fmt::Debug>(r: Result<T, StoreError>, what: &str) {
    assert!(matches!(r, Err(StoreError::NotFound)), "{what}: {r:?}");
}

/// One organization's rows looked up by id from another are `NotFound`, like missing ones.
pub async fn another_orgs_rows_are_not_found(factory: &dyn StoreFactory) {
    let (f, other) = two_orgs(factory).await;
    let chat = f.chat_with(CUSTOMER).await;
    let message = f.message("wamid.A").await;
    let s = &f.store;
    let limit = Limit::new(None);
    assert_not_found(s.get_number(other, message.number_id).await, "get_number");
    assert_not_found(s.get_chat(other, chat.id).await, "get_chat");
    assert_not_found(s.get_message(other, message.id).await, "get_message");
    assert_not_found(s.message_events(other, message.id).await, "message_events");
    assert_not_found(
        s.list_messages(other, chat.id, limit, None).await,
        "list_messages",
    );
    assert_not_found(s.get_chat(f.org, ChatId(999_999)).await, "missing chat");
    assert_not_found(
        s.get_message(f.org, MessageId(999_999)).await,
        "missing message",
    );
    assert_not_found(
        s.get_number(f.org, NumberId(999_999)).await,
        "missing number",
    );
}

/// Another organization's lists, searches and stream don't show one organization's rows.
pub async fn another_orgs_lists_are_empty(factory: &dyn StoreFactory) {
    let (f, other) = two_orgs(factory).await;
    let number = f.message("wamid.A").await.number_id;
    let s = &f.store;
    let limit = Limit::new(None);
    assert!(s.list_numbers(other).await.unwrap().is_empty());
    let chats = s
        .list_chats(other, ChatFilter::default(), limit, None)
        .await
        .unwrap();
    assert!(chats.data.is_empty());
    let filter = ChatFilter {
        number_id: Some(number),
        ..ChatFilter::default()
    };
    assert!(
        s.list_chats(other, filter, limit, None)
            .await
            .unwrap()
            .data
            .is_empty()
    );
    let contacts = s
        .list_contacts(other, ContactFilter::default(), limit, None)
        .await
        .unwrap();
    assert!(contacts.data.is_empty());
    assert!(
        s.find_messages_by_wamid(other, "wamid.A")
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        s.search_messages(other, "order", limit, None)
            .await
            .unwrap()
            .data
            .is_empty()
    );
    assert!(
        s.events_since(other, Position(0), limit)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        s.list_webhook_errors(other, limit)
            .await
            .unwrap()
            .is_empty()
    );
}

/// `ensure_org` creates once and then returns the same organization.
pub async fn ensure_org_is_idempotent(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let again = f.store.ensure_org("acme", at(5)).await.unwrap();
    assert_eq!(again, f.org);
    let other = f.store.ensure_org("globex", at(5)).await.unwrap();
    assert_ne!(other, f.org);
    let blank = f.store.ensure_org("  ", at(5)).await;
    assert!(matches!(blank, Err(StoreError::Invalid(_))), "{blank:?}");
}

/// Tokens are found by the hash of their secret; an unknown hash finds nothing and a hash can
/// be registered once.
pub async fn api_tokens_are_found_by_hash(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let token = NewApiToken {
        name: "ci".to_owned(),
        hash: [7; 32],
        role: "admin".to_owned(),
    };
    let created = f
        .store
        .create_api_token(f.org, token.clone(), at(1))
        .await
        .unwrap();
    assert_eq!((created.org_id, created.name.as_str()), (f.org, "ci"));
    let found = f
        .store
        .find_api_token(&[7; 32])
        .await
        .unwrap()
        .expect("found");
    assert_eq!(found, created);
    assert!(f.store.find_api_token(&[8; 32]).await.unwrap().is_none());
    let dup = f.store.create_api_token(f.org, token, at(2)).await;
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
}

/// A revoked token is no longer found; revoking twice is fine; another organization cannot
/// revoke it.
pub async fn revoked_tokens_are_not_found(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let token = NewApiToken {
        name: "crm".to_owned(),
        hash: [9; 32],
        role: "admin".to_owned(),
    };
    let created = f.store.create_api_token(f.org, token, at(1)).await.unwrap();
    let other = f.store.ensure_org("someone else", at(1)).await.unwrap();
    let foreign = f.store.revoke_api_token(other, created.id, at(2)).await;
    assert!(matches!(foreign, Err(StoreError::NotFound)), "{foreign:?}");
    assert!(f.store.find_api_token(&[9; 32]).await.unwrap().is_some());
    f.store
        .revoke_api_token(f.org, created.id, at(3))
        .await
        .unwrap();
    assert!(f.store.find_api_token(&[9; 32]).await.unwrap().is_none());
    f.store
        .revoke_api_token(f.org, created.id, at(4))
        .await
        .unwrap();
}

/// Every visible change lands in the stream; clients resume after the last position they saw
/// and the outcome's head is the newest position.
pub async fn stream_resumes_after_a_position(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let out = f
        .ingest(vec![Change::Message(text(
            "wamid.A",
            CUSTOMER,
            at(1),
            "hi",
        ))])
        .await;
    let events = f.events_after(Position(0)).await;
    let kinds: Vec<_> = events.iter().map(|e| e.kind.as_str()).collect();
    for kind in [
        "number.updated",
        "contact.updated",
        "message.created",
        "chat.updated",
    ] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
    assert_eq!(events.last().map(|e| e.position), Some(out.head));
    assert!(events.windows(2).all(|w| w[0].position < w[1].position));
    let created = events.iter().find(|e| e.kind == "message.created").unwrap();
    let m = f.message("wamid.A").await;
    assert_eq!(created.message_id, Some(m.id));
    assert_eq!(created.chat_id, Some(m.chat_id));
    assert_eq!(created.number_id, Some(m.number_id));
    assert_eq!(created.data["origin"], "customer");
    let mid = events[1].position;
    let rest = f
        .store
        .events_since(f.org, mid, Limit::new(Some(1)))
        .await
        .unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].position, events[2].position);
    let out = f
        .ingest(vec![Change::Message(text(
            "wamid.B",
            CUSTOMER,
            at(2),
            "again",
        ))])
        .await;
    assert!(out.head > events.last().unwrap().position);
    assert_eq!(f.head().await, out.head);
}
