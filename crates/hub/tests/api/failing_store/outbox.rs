//! Sending delegates too; `enqueue_send` can be made to fail.

use async_trait::async_trait;
use coexist_core::ids::{ChatId, MessageId, NumberId, OrgId};
use coexist_core::store::{
    AppMessageCount, ClaimedSend, Discovered, DueSend, Enqueued, InboundRef, KeyedSend, MediaJob,
    MediaOutcome, MediaRecord, NewMedia, NewSend, OutboxStore, PricedMessage, Recorded, SendInfo,
    SendOutcome, SendTarget, SendingSettings, StoreError, Swept, TargetInfo, TemplateDefinition,
    TemplateFilter, TemplateRecord,
};
use coexist_core::time::Timestamp;

use super::FailingStore;

#[async_trait]
impl OutboxStore for FailingStore {
    async fn send_target(&self, org: OrgId, target: &SendTarget) -> Result<TargetInfo, StoreError> {
        self.inner.send_target(org, target).await
    }
    async fn find_send_by_key(
        &self,
        org: OrgId,
        key: &str,
    ) -> Result<Option<KeyedSend>, StoreError> {
        self.inner.find_send_by_key(org, key).await
    }
    async fn enqueue_send(&self, send: NewSend) -> Result<Enqueued, StoreError> {
        self.check()?;
        self.inner.enqueue_send(send).await
    }
    async fn due_sends(&self, now: Timestamp, limit: u32) -> Result<Vec<DueSend>, StoreError> {
        self.inner.due_sends(now, limit).await
    }
    async fn next_outbox_wakeup(&self) -> Result<Option<Timestamp>, StoreError> {
        self.inner.next_outbox_wakeup().await
    }
    async fn claim_sends(
        &self,
        ids: &[MessageId],
        now: Timestamp,
        lease_until: Timestamp,
        owner: &str,
    ) -> Result<Vec<ClaimedSend>, StoreError> {
        self.inner.claim_sends(ids, now, lease_until, owner).await
    }
    async fn record_send_outcome(
        &self,
        message: MessageId,
        attempt: u32,
        outcome: SendOutcome,
        now: Timestamp,
    ) -> Result<Recorded, StoreError> {
        self.inner
            .record_send_outcome(message, attempt, outcome, now)
            .await
    }
    async fn sweep_expired_sends(&self, now: Timestamp) -> Result<Swept, StoreError> {
        self.inner.sweep_expired_sends(now).await
    }
    async fn send_info(
        &self,
        org: OrgId,
        message: MessageId,
    ) -> Result<Option<SendInfo>, StoreError> {
        self.inner.send_info(org, message).await
    }
    async fn upsert_templates(
        &self,
        org: OrgId,
        waba_id: &str,
        templates: Vec<TemplateDefinition>,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        self.inner
            .upsert_templates(org, waba_id, templates, now)
            .await
    }
    async fn list_templates(
        &self,
        org: OrgId,
        filter: TemplateFilter,
    ) -> Result<Vec<TemplateRecord>, StoreError> {
        self.inner.list_templates(org, filter).await
    }
    async fn find_template(
        &self,
        org: OrgId,
        waba_id: &str,
        name: &str,
        language: &str,
    ) -> Result<Option<TemplateRecord>, StoreError> {
        self.inner.find_template(org, waba_id, name, language).await
    }
    async fn discover_media(&self, limit: u32, now: Timestamp) -> Result<Discovered, StoreError> {
        self.inner.discover_media(limit, now).await
    }
    async fn claim_media(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> Result<Vec<MediaJob>, StoreError> {
        self.inner.claim_media(now, lease_until, limit).await
    }
    async fn record_media(
        &self,
        number: NumberId,
        media_id: &str,
        outcome: MediaOutcome,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.inner
            .record_media(number, media_id, outcome, now)
            .await
    }
    async fn insert_uploaded_media(&self, media: NewMedia) -> Result<MediaRecord, StoreError> {
        self.inner.insert_uploaded_media(media).await
    }
    async fn get_media(&self, org: OrgId, media_id: &str) -> Result<MediaRecord, StoreError> {
        self.inner.get_media(org, media_id).await
    }
    async fn priced_messages(
        &self,
        org: OrgId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<PricedMessage>, StoreError> {
        self.inner.priced_messages(org, from, to).await
    }
    async fn app_message_counts(
        &self,
        org: OrgId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<AppMessageCount>, StoreError> {
        self.inner.app_message_counts(org, from, to).await
    }
    async fn sending_settings(&self, org: OrgId) -> Result<SendingSettings, StoreError> {
        self.inner.sending_settings(org).await
    }
    async fn set_sending_settings(
        &self,
        org: OrgId,
        settings: SendingSettings,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.inner.set_sending_settings(org, settings, now).await
    }
    async fn newest_inbound(
        &self,
        org: OrgId,
        chat: ChatId,
    ) -> Result<Option<InboundRef>, StoreError> {
        self.inner.newest_inbound(org, chat).await
    }
}
