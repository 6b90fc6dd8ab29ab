//! `impl OutboxStore for SqliteStore`: writes go through the group-committing writer (a claim
//! is committed before the caller gets it), reads through the reader pool.

use async_trait::async_trait;
use coexist_core::ids::{ChatId, MessageId, NumberId, OrgId, Position};
use coexist_core::store::{
    AppMessageCount, ClaimedSend, Discovered, DueSend, Enqueued, InboundRef, KeyedSend, MediaJob,
    MediaOutcome, MediaRecord, NewMedia, NewSend, OutboxStore, PricedMessage, Recorded, SendInfo,
    SendOutcome, SendTarget, SendingSettings, StoreError, Swept, TargetInfo, TemplateDefinition,
    TemplateFilter, TemplateRecord,
};
use coexist_core::time::Timestamp;

use super::{costs, media, send, templates, work};
use crate::sqlite::SqliteStore;

fn recorded_head(r: &mut Recorded, head: Position) {
    r.head = head;
}

fn swept_head(s: &mut Swept, head: Position) {
    s.head = head;
}

#[async_trait]
impl OutboxStore for SqliteStore {
    async fn send_target(&self, org: OrgId, target: &SendTarget) -> Result<TargetInfo, StoreError> {
        let target = target.clone();
        self.readers
            .read(move |c| send::target(c, org, &target))
            .await
    }

    async fn find_send_by_key(
        &self,
        org: OrgId,
        key: &str,
    ) -> Result<Option<KeyedSend>, StoreError> {
        let key = key.to_owned();
        self.readers.read(move |c| send::by_key(c, org, &key)).await
    }

    async fn enqueue_send(&self, s: NewSend) -> Result<Enqueued, StoreError> {
        self.writer.write(0, move |c| send::enqueue(c, &s)).await
    }

    async fn due_sends(&self, now: Timestamp, limit: u32) -> Result<Vec<DueSend>, StoreError> {
        self.readers.read(move |c| work::due(c, now, limit)).await
    }

    async fn next_outbox_wakeup(&self) -> Result<Option<Timestamp>, StoreError> {
        self.readers.read(work::next_wakeup).await
    }

    async fn claim_sends(
        &self,
        ids: &[MessageId],
        now: Timestamp,
        lease_until: Timestamp,
        owner: &str,
    ) -> Result<Vec<ClaimedSend>, StoreError> {
        let (ids, owner) = (ids.to_vec(), owner.to_owned());
        self.writer
            .write(0, move |c| work::claim(c, &ids, now, lease_until, &owner))
            .await
    }

    async fn record_send_outcome(
        &self,
        message: MessageId,
        attempt: u32,
        outcome: SendOutcome,
        now: Timestamp,
    ) -> Result<Recorded, StoreError> {
        let work = move |c: &rusqlite::Connection| {
            let applied = work::record(c, message, attempt, &outcome, now)?;
            Ok(Recorded {
                applied,
                head: Position::default(),
            })
        };
        self.writer.write_with(0, work, recorded_head).await
    }

    async fn sweep_expired_sends(&self, now: Timestamp) -> Result<Swept, StoreError> {
        self.writer
            .write_with(0, move |c| work::sweep(c, now), swept_head)
            .await
    }

    async fn send_info(
        &self,
        org: OrgId,
        message: MessageId,
    ) -> Result<Option<SendInfo>, StoreError> {
        self.readers
            .read(move |c| work::info(c, org, message))
            .await
    }

    async fn upsert_templates(
        &self,
        org: OrgId,
        waba_id: &str,
        list: Vec<TemplateDefinition>,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        let waba_id = waba_id.to_owned();
        self.writer
            .write(0, move |c| templates::upsert(c, org, &waba_id, &list, now))
            .await
    }

    async fn list_templates(
        &self,
        org: OrgId,
        filter: TemplateFilter,
    ) -> Result<Vec<TemplateRecord>, StoreError> {
        self.readers
            .read(move |c| templates::list(c, org, &filter))
            .await
    }

    async fn find_template(
        &self,
        org: OrgId,
        waba_id: &str,
        name: &str,
        language: &str,
    ) -> Result<Option<TemplateRecord>, StoreError> {
        let (waba_id, name, language) = (waba_id.to_owned(), name.to_owned(), language.to_owned());
        self.readers
            .read(move |c| templates::find(c, org, &waba_id, &name, &language))
            .await
    }

    async fn discover_media(&self, limit: u32, now: Timestamp) -> Result<Discovered, StoreError> {
        self.writer
            .write(0, move |c| media::discover(c, limit, now))
            .await
    }

    async fn claim_media(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> Result<Vec<MediaJob>, StoreError> {
        self.writer
            .write(0, move |c| media::claim(c, now, lease_until, limit))
            .await
    }

    async fn record_media(
        &self,
        number: NumberId,
        media_id: &str,
        outcome: MediaOutcome,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let media_id = media_id.to_owned();
        self.writer
            .write(0, move |c| {
                media::record(c, number, &media_id, &outcome, now)
            })
            .await
    }

    async fn insert_uploaded_media(&self, m: NewMedia) -> Result<MediaRecord, StoreError> {
        self.writer
            .write(0, move |c| media::insert_uploaded(c, &m))
            .await
    }

    async fn get_media(&self, org: OrgId, media_id: &str) -> Result<MediaRecord, StoreError> {
        let media_id = media_id.to_owned();
        self.readers
            .read(move |c| media::get(c, org, &media_id))
            .await
    }

    async fn priced_messages(
        &self,
        org: OrgId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<PricedMessage>, StoreError> {
        self.readers
            .read(move |c| costs::priced(c, org, from, to))
            .await
    }

    async fn app_message_counts(
        &self,
        org: OrgId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<AppMessageCount>, StoreError> {
        self.readers
            .read(move |c| costs::app_counts(c, org, from, to))
            .await
    }

    async fn sending_settings(&self, org: OrgId) -> Result<SendingSettings, StoreError> {
        self.readers.read(move |c| costs::settings(c, org)).await
    }

    async fn set_sending_settings(
        &self,
        org: OrgId,
        settings: SendingSettings,
        _now: Timestamp,
    ) -> Result<(), StoreError> {
        self.writer
            .write(0, move |c| costs::set_settings(c, org, settings))
            .await
    }

    async fn newest_inbound(
        &self,
        org: OrgId,
        chat: ChatId,
    ) -> Result<Option<InboundRef>, StoreError> {
        self.readers
            .read(move |c| costs::newest_inbound(c, org, chat))
            .await
    }
}
