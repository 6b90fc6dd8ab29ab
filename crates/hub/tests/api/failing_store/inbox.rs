//! The inbox delegates unchanged.

use async_trait::async_trait;
use coexist_core::ids::{
    CannedResponseId, ChatId, ContactId, NotificationId, OrgId, SessionId, UserId,
};
use coexist_core::inbox::{ChatChange, Email};
use coexist_core::page::{Limit, Page};
use coexist_core::store::{
    By, CannedResponseRecord, ChatRead, ChatRecord, ContactRecord, InboxStore, LabelCount,
    NewCannedResponse, NewNote, NewSession, NewUser, NoteRecord, NotificationRecord, OrgRecord,
    SessionRecord, StoreError, UserLogin, UserRecord, WokenChat,
};
use coexist_core::time::Timestamp;
use serde_json::{Map, Value};

use super::FailingStore;

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
