//! A fresh store with one organization, and helpers to feed and read it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use coexist_core::ids::{ChatId, OrgId, Position};
use coexist_core::ingest::{Change, IngestBatch, IngestOutcome};
use coexist_core::page::Limit;
use coexist_core::store::{
    ChatFilter, ChatRecord, ContactFilter, ContactRecord, MessageRecord, NumberRecord, Store,
    StreamEvent,
};
use coexist_core::time::Timestamp;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::build::{T0, text};

/// Makes empty stores of one backend (a fresh database each time).
#[async_trait]
pub trait StoreFactory: Send + Sync {
    /// A new, empty, migrated store.
    async fn fresh(&self) -> Arc<dyn Store>;
}

/// A fresh store and the organization the tests work in.
pub struct Fixture {
    /// The store under test.
    pub store: Arc<dyn Store>,
    /// The organization created for the test (the batches' default organization).
    pub org: OrgId,
    seq: AtomicU64,
}

/// A request body holding `changes`, unique per `seq` (Meta never sends two identical bodies
/// except as a redelivery), with its SHA-256.
pub fn body_of(seq: u64, changes: &[Change]) -> (Vec<u8>, [u8; 32]) {
    let body = json!({ "request": seq, "changes": changes })
        .to_string()
        .into_bytes();
    let sha: [u8; 32] = Sha256::digest(&body).into();
    (body, sha)
}

/// Request `seq` of organization `org`, unsigned, holding `changes` (for fillers and
/// benchmarks that ingest outside a [`Fixture`]).
pub fn request_of(
    org: OrgId,
    seq: u64,
    received_at: Timestamp,
    changes: Vec<Change>,
) -> IngestBatch {
    let (raw_body, body_sha256) = body_of(seq, &changes);
    IngestBatch {
        default_org: org,
        received_at,
        raw_body,
        body_sha256,
        signature: None,
        changes,
    }
}

impl Fixture {
    /// A fresh store with organization `acme`.
    pub async fn new(factory: &dyn StoreFactory) -> Fixture {
        let store = factory.fresh().await;
        let org = store.ensure_org("acme", T0).await.expect("ensure_org");
        Fixture {
            store,
            org,
            seq: AtomicU64::new(1),
        }
    }

    /// A new request (its own body) holding `changes`, received at `T0`.
    pub fn batch(&self, changes: Vec<Change>) -> IngestBatch {
        self.batch_at(T0, changes)
    }

    /// A new request holding `changes`, received at `received_at`.
    pub fn batch_at(&self, received_at: Timestamp, changes: Vec<Change>) -> IngestBatch {
        let seq = self.seq.fetch_add(1, Ordering::Relaxed);
        IngestBatch {
            signature: Some("sha256=test".to_owned()),
            ..request_of(self.org, seq, received_at, changes)
        }
    }

    /// Ingests a new request holding `changes`.
    pub async fn ingest(&self, changes: Vec<Change>) -> IngestOutcome {
        self.apply(self.batch(changes)).await
    }

    /// Ingests a new request holding one live text message `wamid` from `wa_id`.
    pub async fn ingest_text(
        &self,
        wamid: &str,
        wa_id: &str,
        ts: Timestamp,
        body: &str,
    ) -> IngestOutcome {
        self.ingest(vec![Change::Message(text(wamid, wa_id, ts, body))])
            .await
    }

    /// Ingests a new request received at `received_at`.
    pub async fn ingest_at(&self, received_at: Timestamp, changes: Vec<Change>) -> IngestOutcome {
        self.apply(self.batch_at(received_at, changes)).await
    }

    /// Ingests `batch`, which must succeed.
    pub async fn apply(&self, batch: IngestBatch) -> IngestOutcome {
        self.store.ingest(batch).await.expect("ingest")
    }

    /// The one message with this wamid in the organization.
    pub async fn message(&self, wamid: &str) -> MessageRecord {
        let mut found = self
            .store
            .find_messages_by_wamid(self.org, wamid)
            .await
            .expect("find_messages_by_wamid");
        assert_eq!(found.len(), 1, "expected exactly one message {wamid}");
        found.remove(0)
    }

    /// Every chat of the organization, following cursors.
    pub async fn chats(&self) -> Vec<ChatRecord> {
        let mut all = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = self
                .store
                .list_chats(
                    self.org,
                    ChatFilter::default(),
                    Limit::new(Some(200)),
                    cursor.as_deref(),
                )
                .await
                .expect("list_chats");
            all.extend(page.data);
            match page.next_cursor {
                Some(c) => cursor = Some(c),
                None => return all,
            }
        }
    }

    /// The chat with the contact whose wa_id is `wa_id`.
    pub async fn chat_with(&self, wa_id: &str) -> ChatRecord {
        let chats = self.chats().await;
        let mut it = chats
            .into_iter()
            .filter(|c| c.contact.wa_id.as_deref() == Some(wa_id));
        let chat = it.next().unwrap_or_else(|| panic!("no chat with {wa_id}"));
        assert!(it.next().is_none(), "more than one chat with {wa_id}");
        chat
    }

    /// Every message of a chat, newest first, following cursors.
    pub async fn messages_of(&self, chat: ChatId) -> Vec<MessageRecord> {
        let mut all = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = self
                .store
                .list_messages(self.org, chat, Limit::new(Some(200)), cursor.as_deref())
                .await
                .expect("list_messages");
            all.extend(page.data);
            match page.next_cursor {
                Some(c) => cursor = Some(c),
                None => return all,
            }
        }
    }

    /// Every contact of the organization.
    pub async fn contacts(&self) -> Vec<ContactRecord> {
        let mut all = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = self
                .store
                .list_contacts(
                    self.org,
                    ContactFilter::default(),
                    Limit::new(Some(200)),
                    cursor.as_deref(),
                )
                .await
                .expect("list_contacts");
            all.extend(page.data);
            match page.next_cursor {
                Some(c) => cursor = Some(c),
                None => return all,
            }
        }
    }

    /// The contact with this wa_id (exactly one).
    pub async fn contact(&self, wa_id: &str) -> ContactRecord {
        let mut found: Vec<_> = self
            .contacts()
            .await
            .into_iter()
            .filter(|c| c.wa_id.as_deref() == Some(wa_id))
            .collect();
        assert_eq!(found.len(), 1, "expected exactly one contact {wa_id}");
        found.remove(0)
    }

    /// The number with Meta's phone number id `phone_number_id`, in the organization.
    pub async fn number(&self, phone_number_id: &str) -> NumberRecord {
        self.store
            .list_numbers(self.org)
            .await
            .expect("list_numbers")
            .into_iter()
            .find(|n| n.phone_number_id == phone_number_id)
            .unwrap_or_else(|| panic!("no number {phone_number_id}"))
    }

    /// The stream head now.
    pub async fn head(&self) -> Position {
        self.store.head_position().await.expect("head_position")
    }

    /// Every event of the organization after `after`.
    pub async fn events_after(&self, after: Position) -> Vec<StreamEvent> {
        let mut all = Vec::new();
        let mut from = after;
        loop {
            let page = self
                .store
                .events_since(self.org, from, Limit::new(Some(200)))
                .await
                .expect("events_since");
            let Some(last) = page.last() else {
                return all;
            };
            from = last.position;
            all.extend(page);
        }
    }

    /// The kinds of the events after `after`, in order.
    pub async fn event_kinds_after(&self, after: Position) -> Vec<String> {
        self.events_after(after)
            .await
            .into_iter()
            .map(|e| e.kind)
            .collect()
    }
}
