//! A store that delegates to the real one but can be told to fail every write, to test how the
//! hub answers when storage is unavailable. Only `ingest` (here) and `enqueue_send` (in
//! `outbox`) can be made to fail; every other method of the four store traits delegates (one
//! module per trait).

mod inbox;
mod onboarding;
mod outbox;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use coexist_core::ids::{ChatId, MessageId, NumberId, OrgId, Position, TokenId};
use coexist_core::ingest::{IngestBatch, IngestOutcome};
use coexist_core::page::{Limit, Page};
use coexist_core::store::{
    ApiTokenRecord, ChatFilter, ChatRecord, ContactFilter, ContactRecord, CoreStore,
    MessageEventRecord, MessageRecord, NewApiToken, NumberRecord, NumberSetup, Store, StoreError,
    StreamEvent, UnparsedChangeRecord, WebhookErrorRecord,
};
use coexist_core::time::Timestamp;

pub(crate) struct FailingStore {
    pub(crate) inner: Arc<dyn Store>,
    pub(crate) fail_ingest: AtomicBool,
}

impl FailingStore {
    fn check(&self) -> Result<(), StoreError> {
        if self.fail_ingest.load(Ordering::SeqCst) {
            return Err(StoreError::Unavailable("disk unplugged (test)".to_owned()));
        }
        Ok(())
    }
}

#[async_trait]
impl CoreStore for FailingStore {
    async fn ensure_org(&self, name: &str, now: Timestamp) -> Result<OrgId, StoreError> {
        self.inner.ensure_org(name, now).await
    }
    async fn upsert_number(
        &self,
        org: OrgId,
        setup: NumberSetup,
        now: Timestamp,
    ) -> Result<NumberRecord, StoreError> {
        self.inner.upsert_number(org, setup, now).await
    }
    async fn ingest(&self, batch: IngestBatch) -> Result<IngestOutcome, StoreError> {
        self.check()?;
        self.inner.ingest(batch).await
    }
    async fn list_numbers(&self, org: OrgId) -> Result<Vec<NumberRecord>, StoreError> {
        self.inner.list_numbers(org).await
    }
    async fn get_number(&self, org: OrgId, id: NumberId) -> Result<NumberRecord, StoreError> {
        self.inner.get_number(org, id).await
    }
    async fn list_contacts(
        &self,
        org: OrgId,
        filter: ContactFilter,
        limit: Limit,
        cursor: Option<&str>,
    ) -> Result<Page<ContactRecord>, StoreError> {
        self.inner.list_contacts(org, filter, limit, cursor).await
    }
    async fn list_chats(
        &self,
        org: OrgId,
        filter: ChatFilter,
        limit: Limit,
        cursor: Option<&str>,
    ) -> Result<Page<ChatRecord>, StoreError> {
        self.inner.list_chats(org, filter, limit, cursor).await
    }
    async fn get_chat(&self, org: OrgId, id: ChatId) -> Result<ChatRecord, StoreError> {
        self.inner.get_chat(org, id).await
    }
    async fn list_messages(
        &self,
        org: OrgId,
        chat: ChatId,
        limit: Limit,
        cursor: Option<&str>,
    ) -> Result<Page<MessageRecord>, StoreError> {
        self.inner.list_messages(org, chat, limit, cursor).await
    }
    async fn get_message(&self, org: OrgId, id: MessageId) -> Result<MessageRecord, StoreError> {
        self.inner.get_message(org, id).await
    }
    async fn find_messages_by_wamid(
        &self,
        org: OrgId,
        wamid: &str,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        self.inner.find_messages_by_wamid(org, wamid).await
    }
    async fn search_messages(
        &self,
        org: OrgId,
        query: &str,
        limit: Limit,
        cursor: Option<&str>,
    ) -> Result<Page<MessageRecord>, StoreError> {
        self.inner.search_messages(org, query, limit, cursor).await
    }
    async fn message_events(
        &self,
        org: OrgId,
        id: MessageId,
    ) -> Result<Vec<MessageEventRecord>, StoreError> {
        self.inner.message_events(org, id).await
    }
    async fn events_since(
        &self,
        org: OrgId,
        after: Position,
        limit: Limit,
    ) -> Result<Vec<StreamEvent>, StoreError> {
        self.inner.events_since(org, after, limit).await
    }
    async fn head_position(&self) -> Result<Position, StoreError> {
        self.inner.head_position().await
    }
    async fn list_webhook_errors(
        &self,
        org: OrgId,
        limit: Limit,
    ) -> Result<Vec<WebhookErrorRecord>, StoreError> {
        self.inner.list_webhook_errors(org, limit).await
    }
    async fn list_unparsed_changes(
        &self,
        org: OrgId,
        limit: Limit,
    ) -> Result<Vec<UnparsedChangeRecord>, StoreError> {
        self.inner.list_unparsed_changes(org, limit).await
    }
    async fn create_api_token(
        &self,
        org: OrgId,
        token: NewApiToken,
        now: Timestamp,
    ) -> Result<ApiTokenRecord, StoreError> {
        self.inner.create_api_token(org, token, now).await
    }
    async fn find_api_token(&self, hash: &[u8; 32]) -> Result<Option<ApiTokenRecord>, StoreError> {
        self.inner.find_api_token(hash).await
    }
    async fn revoke_api_token(
        &self,
        org: OrgId,
        id: TokenId,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.inner.revoke_api_token(org, id, now).await
    }
}
