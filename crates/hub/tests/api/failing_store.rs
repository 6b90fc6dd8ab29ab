//! A store that delegates to the real one but can be told to fail every write, to test how the
//! hub answers when storage is unavailable.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use coexist_core::ids::{
    CannedResponseId, ChatId, ContactId, MessageId, NotificationId, NumberId, OrgId, Position,
    SessionId, TokenId, UserId,
};
use coexist_core::inbox::{ChatChange, Email};
use coexist_core::ingest::{IngestBatch, IngestOutcome};
use coexist_core::page::{Limit, Page};
use coexist_core::store::{
    ApiTokenRecord, AppMessageCount, By, CannedResponseRecord, ChatFilter, ChatRead, ChatRecord,
    ClaimedSend, ContactFilter, ContactRecord, CoreStore, Discovered, DueSend, Enqueued,
    InboundRef, InboxStore, KeyedSend, LabelCount, MediaJob, MediaOutcome, MediaRecord,
    MessageEventRecord, MessageRecord, NewApiToken, NewCannedResponse, NewMedia, NewNote, NewSend,
    NewSession, NewUser, NoteRecord, NotificationRecord, NumberRecord, NumberSetup, OrgRecord,
    OutboxStore, PricedMessage, Recorded, SendInfo, SendOutcome, SendTarget, SendingSettings,
    SessionRecord, Store, StoreError, StreamEvent, Swept, TargetInfo, TemplateDefinition,
    TemplateFilter, TemplateRecord, UserLogin, UserRecord, WebhookErrorRecord, WokenChat,
};
use coexist_core::time::Timestamp;
use serde_json::{Map, Value};

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

// Sending and inbox methods delegate too; only `ingest` and `enqueue_send` can be made to fail.
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

#[async_trait]
impl InboxStore for FailingStore {
    async fn get_org(&self, org: OrgId) -> Result<OrgRecord, StoreError> {
        self.inner.get_org(org).await
    }
    async fn create_user(
        &self,
        org: OrgId,
        user: NewUser,
        now: Timestamp,
    ) -> Result<UserRecord, StoreError> {
        self.inner.create_user(org, user, now).await
    }
    async fn list_users(&self, org: OrgId) -> Result<Vec<UserRecord>, StoreError> {
        self.inner.list_users(org).await
    }
    async fn get_user(&self, org: OrgId, id: UserId) -> Result<UserRecord, StoreError> {
        self.inner.get_user(org, id).await
    }
    async fn find_login(&self, email: &Email) -> Result<Option<UserLogin>, StoreError> {
        self.inner.find_login(email).await
    }
    async fn set_password_hash(
        &self,
        org: OrgId,
        user: UserId,
        password_hash: String,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.inner
            .set_password_hash(org, user, password_hash, now)
            .await
    }
    async fn record_login_failure(&self, email: &Email, now: Timestamp) -> Result<(), StoreError> {
        self.inner.record_login_failure(email, now).await
    }
    async fn login_failures_since(
        &self,
        email: &Email,
        since: Timestamp,
    ) -> Result<u32, StoreError> {
        self.inner.login_failures_since(email, since).await
    }
    async fn clear_login_failures(&self, email: &Email) -> Result<(), StoreError> {
        self.inner.clear_login_failures(email).await
    }
    async fn create_session(
        &self,
        org: OrgId,
        session: NewSession,
        now: Timestamp,
    ) -> Result<SessionRecord, StoreError> {
        self.inner.create_session(org, session, now).await
    }
    async fn find_session(&self, hash: &[u8; 32]) -> Result<Option<SessionRecord>, StoreError> {
        self.inner.find_session(hash).await
    }
    async fn touch_session(&self, id: SessionId, now: Timestamp) -> Result<(), StoreError> {
        self.inner.touch_session(id, now).await
    }
    async fn end_session(&self, id: SessionId, now: Timestamp) -> Result<(), StoreError> {
        self.inner.end_session(id, now).await
    }
    async fn end_user_sessions(
        &self,
        org: OrgId,
        user: UserId,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        self.inner.end_user_sessions(org, user, now).await
    }
    async fn change_chat(
        &self,
        org: OrgId,
        chat: ChatId,
        change: ChatChange,
        by: By,
        now: Timestamp,
    ) -> Result<ChatRecord, StoreError> {
        self.inner.change_chat(org, chat, change, by, now).await
    }
    async fn wake_snoozed_chats(
        &self,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<WokenChat>, StoreError> {
        self.inner.wake_snoozed_chats(now, limit).await
    }
    async fn mark_chat_read(
        &self,
        org: OrgId,
        chat: ChatId,
        by: By,
        now: Timestamp,
    ) -> Result<ChatRead, StoreError> {
        self.inner.mark_chat_read(org, chat, by, now).await
    }
    async fn list_labels(&self, org: OrgId) -> Result<Vec<LabelCount>, StoreError> {
        self.inner.list_labels(org).await
    }
    async fn create_note(
        &self,
        org: OrgId,
        chat: ChatId,
        note: NewNote,
        now: Timestamp,
    ) -> Result<NoteRecord, StoreError> {
        self.inner.create_note(org, chat, note, now).await
    }
    async fn list_notes(&self, org: OrgId, chat: ChatId) -> Result<Vec<NoteRecord>, StoreError> {
        self.inner.list_notes(org, chat).await
    }
    async fn list_notifications(
        &self,
        org: OrgId,
        user: UserId,
        unread_only: bool,
        limit: Limit,
        cursor: Option<&str>,
    ) -> Result<Page<NotificationRecord>, StoreError> {
        self.inner
            .list_notifications(org, user, unread_only, limit, cursor)
            .await
    }
    async fn mark_notification_read(
        &self,
        org: OrgId,
        user: UserId,
        id: NotificationId,
        now: Timestamp,
    ) -> Result<NotificationRecord, StoreError> {
        self.inner.mark_notification_read(org, user, id, now).await
    }
    async fn list_canned_responses(
        &self,
        org: OrgId,
    ) -> Result<Vec<CannedResponseRecord>, StoreError> {
        self.inner.list_canned_responses(org).await
    }
    async fn create_canned_response(
        &self,
        org: OrgId,
        canned: NewCannedResponse,
        now: Timestamp,
    ) -> Result<CannedResponseRecord, StoreError> {
        self.inner.create_canned_response(org, canned, now).await
    }
    async fn update_canned_response(
        &self,
        org: OrgId,
        id: CannedResponseId,
        canned: NewCannedResponse,
        now: Timestamp,
    ) -> Result<CannedResponseRecord, StoreError> {
        self.inner
            .update_canned_response(org, id, canned, now)
            .await
    }
    async fn delete_canned_response(
        &self,
        org: OrgId,
        id: CannedResponseId,
    ) -> Result<(), StoreError> {
        self.inner.delete_canned_response(org, id).await
    }
    async fn get_contact(&self, org: OrgId, id: ContactId) -> Result<ContactRecord, StoreError> {
        self.inner.get_contact(org, id).await
    }
    async fn contact_chats(
        &self,
        org: OrgId,
        contact: ContactId,
    ) -> Result<Vec<ChatRecord>, StoreError> {
        self.inner.contact_chats(org, contact).await
    }
    async fn update_contact_attributes(
        &self,
        org: OrgId,
        contact: ContactId,
        patch: Map<String, Value>,
        by: By,
        now: Timestamp,
    ) -> Result<ContactRecord, StoreError> {
        self.inner
            .update_contact_attributes(org, contact, patch, by, now)
            .await
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

/// Onboarding delegates unchanged (its own module, so its imports stay apart from the others).
mod onboarding {
    use async_trait::async_trait;
    use coexist_core::ids::{NumberId, OnboardingId, OrgId};
    use coexist_core::store::{
        AuditFilter, AuditRecord, NewAudit, NewOnboarding, NewSyncRequest, OnboardingAdvance,
        OnboardingRecord, OnboardingStore, ReminderRecord, SealedToken, StoreError, SyncAnswer,
        SyncBegin, SyncRequestRecord,
    };
    use coexist_core::time::Timestamp;
    use serde_json::Value;

    use super::FailingStore;

    #[async_trait]
    impl OnboardingStore for FailingStore {
        async fn start_onboarding(
            &self,
            org: OrgId,
            new: NewOnboarding,
            now: Timestamp,
        ) -> Result<OnboardingRecord, StoreError> {
            self.inner.start_onboarding(org, new, now).await
        }
        async fn get_onboarding(
            &self,
            org: OrgId,
            id: OnboardingId,
        ) -> Result<OnboardingRecord, StoreError> {
            self.inner.get_onboarding(org, id).await
        }
        async fn list_onboardings(&self, org: OrgId) -> Result<Vec<OnboardingRecord>, StoreError> {
            self.inner.list_onboardings(org).await
        }
        async fn advance_onboarding(
            &self,
            org: OrgId,
            id: OnboardingId,
            advance: OnboardingAdvance,
            now: Timestamp,
        ) -> Result<OnboardingRecord, StoreError> {
            self.inner.advance_onboarding(org, id, advance, now).await
        }
        async fn fail_onboarding(
            &self,
            org: OrgId,
            id: OnboardingId,
            error: String,
            audit: NewAudit,
            now: Timestamp,
        ) -> Result<OnboardingRecord, StoreError> {
            self.inner.fail_onboarding(org, id, error, audit, now).await
        }
        async fn business_token(
            &self,
            org: OrgId,
            waba_id: &str,
        ) -> Result<Option<SealedToken>, StoreError> {
            self.inner.business_token(org, waba_id).await
        }
        async fn begin_sync_request(
            &self,
            org: OrgId,
            new: NewSyncRequest,
            now: Timestamp,
        ) -> Result<SyncBegin, StoreError> {
            self.inner.begin_sync_request(org, new, now).await
        }
        async fn finish_sync_request(
            &self,
            org: OrgId,
            id: i64,
            answer: SyncAnswer,
            meta: Option<Value>,
            now: Timestamp,
        ) -> Result<SyncRequestRecord, StoreError> {
            self.inner
                .finish_sync_request(org, id, answer, meta, now)
                .await
        }
        async fn list_sync_requests(
            &self,
            org: OrgId,
            number: NumberId,
        ) -> Result<Vec<SyncRequestRecord>, StoreError> {
            self.inner.list_sync_requests(org, number).await
        }
        async fn append_audit(
            &self,
            org: OrgId,
            entry: NewAudit,
            now: Timestamp,
        ) -> Result<AuditRecord, StoreError> {
            self.inner.append_audit(org, entry, now).await
        }
        async fn list_audit(
            &self,
            org: OrgId,
            filter: AuditFilter,
            limit: u32,
        ) -> Result<Vec<AuditRecord>, StoreError> {
            self.inner.list_audit(org, filter, limit).await
        }
        async fn record_reminder(
            &self,
            org: OrgId,
            number: NumberId,
            days: i64,
            period_start: Timestamp,
            now: Timestamp,
        ) -> Result<Option<ReminderRecord>, StoreError> {
            self.inner
                .record_reminder(org, number, days, period_start, now)
                .await
        }
        async fn list_reminders(
            &self,
            org: OrgId,
            number: Option<NumberId>,
        ) -> Result<Vec<ReminderRecord>, StoreError> {
            self.inner.list_reminders(org, number).await
        }
        async fn record_reminder_attempt(
            &self,
            org: OrgId,
            id: i64,
            outcome: Result<(), String>,
            now: Timestamp,
        ) -> Result<ReminderRecord, StoreError> {
            self.inner
                .record_reminder_attempt(org, id, outcome, now)
                .await
        }
    }
}
