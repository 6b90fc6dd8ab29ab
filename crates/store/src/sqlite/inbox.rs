//! The inbox side of [`SqliteStore`]: users and sessions, agents' changes to chats, notes,
//! notifications, canned responses and contact details. Writes go through the writer like
//! webhooks do, with their stream events in the same transaction; reads use the read pool.

mod canned;
mod chats;
mod contacts;
mod events;
mod notes;
mod sessions;
mod users;

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

use super::SqliteStore;

#[async_trait]
impl InboxStore for SqliteStore {
    async fn get_org(&self, org: OrgId) -> Result<OrgRecord, StoreError> {
        self.readers.read(move |c| users::get_org(c, org)).await
    }

    async fn create_user(
        &self,
        org: OrgId,
        user: NewUser,
        now: Timestamp,
    ) -> Result<UserRecord, StoreError> {
        self.writer
            .write(0, move |c| users::create_user(c, org, &user, now))
            .await
    }

    async fn list_users(&self, org: OrgId) -> Result<Vec<UserRecord>, StoreError> {
        self.readers.read(move |c| users::list_users(c, org)).await
    }

    async fn get_user(&self, org: OrgId, id: UserId) -> Result<UserRecord, StoreError> {
        self.readers
            .read(move |c| users::get_user(c, org, id))
            .await
    }

    async fn find_login(&self, email: &Email) -> Result<Option<UserLogin>, StoreError> {
        let email = email.clone();
        self.readers
            .read(move |c| users::find_login(c, &email))
            .await
    }

    async fn set_password_hash(
        &self,
        org: OrgId,
        user: UserId,
        password_hash: String,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.writer
            .write(0, move |c| {
                users::set_password_hash(c, org, user, &password_hash, now)
            })
            .await
    }

    async fn record_login_failure(&self, email: &Email, now: Timestamp) -> Result<(), StoreError> {
        let email = email.clone();
        self.writer
            .write(0, move |c| users::record_login_failure(c, &email, now))
            .await
    }

    async fn login_failures_since(
        &self,
        email: &Email,
        since: Timestamp,
    ) -> Result<u32, StoreError> {
        let email = email.clone();
        self.readers
            .read(move |c| users::login_failures_since(c, &email, since))
            .await
    }

    async fn clear_login_failures(&self, email: &Email) -> Result<(), StoreError> {
        let email = email.clone();
        self.writer
            .write(0, move |c| users::clear_login_failures(c, &email))
            .await
    }

    async fn create_session(
        &self,
        org: OrgId,
        session: NewSession,
        now: Timestamp,
    ) -> Result<SessionRecord, StoreError> {
        self.writer
            .write(0, move |c| sessions::create_session(c, org, &session, now))
            .await
    }

    async fn find_session(&self, hash: &[u8; 32]) -> Result<Option<SessionRecord>, StoreError> {
        let hash = *hash;
        self.readers
            .read(move |c| sessions::find_session(c, &hash))
            .await
    }

    async fn touch_session(&self, id: SessionId, now: Timestamp) -> Result<(), StoreError> {
        self.writer
            .write(0, move |c| sessions::touch_session(c, id, now))
            .await
    }

    async fn end_session(&self, id: SessionId, now: Timestamp) -> Result<(), StoreError> {
        self.writer
            .write(0, move |c| sessions::end_session(c, id, now))
            .await
    }

    async fn end_user_sessions(
        &self,
        org: OrgId,
        user: UserId,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        self.writer
            .write(0, move |c| sessions::end_user_sessions(c, org, user, now))
            .await
    }

    async fn change_chat(
        &self,
        org: OrgId,
        chat: ChatId,
        change: ChatChange,
        by: By,
        now: Timestamp,
    ) -> Result<ChatRecord, StoreError> {
        self.writer
            .write(0, move |c| {
                chats::change_chat(c, org, chat, &change, by, now)
            })
            .await
    }

    async fn wake_snoozed_chats(
        &self,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<WokenChat>, StoreError> {
        self.writer
            .write(0, move |c| chats::wake_snoozed(c, now, limit))
            .await
    }

    async fn mark_chat_read(
        &self,
        org: OrgId,
        chat: ChatId,
        by: By,
        now: Timestamp,
    ) -> Result<ChatRead, StoreError> {
        self.writer
            .write(0, move |c| chats::mark_read(c, org, chat, by, now))
            .await
    }

    async fn list_labels(&self, org: OrgId) -> Result<Vec<LabelCount>, StoreError> {
        self.readers.read(move |c| chats::labels(c, org)).await
    }

    async fn create_note(
        &self,
        org: OrgId,
        chat: ChatId,
        note: NewNote,
        now: Timestamp,
    ) -> Result<NoteRecord, StoreError> {
        self.writer
            .write(0, move |c| notes::create_note(c, org, chat, &note, now))
            .await
    }

    async fn list_notes(&self, org: OrgId, chat: ChatId) -> Result<Vec<NoteRecord>, StoreError> {
        self.readers
            .read(move |c| notes::list_notes(c, org, chat))
            .await
    }

    async fn list_notifications(
        &self,
        org: OrgId,
        user: UserId,
        unread_only: bool,
        limit: Limit,
        cursor: Option<&str>,
    ) -> Result<Page<NotificationRecord>, StoreError> {
        let cursor = cursor.map(str::to_owned);
        self.readers
            .read(move |c| {
                notes::list_notifications(c, org, user, unread_only, limit, cursor.as_deref())
            })
            .await
    }

    async fn mark_notification_read(
        &self,
        org: OrgId,
        user: UserId,
        id: NotificationId,
        now: Timestamp,
    ) -> Result<NotificationRecord, StoreError> {
        self.writer
            .write(0, move |c| {
                notes::mark_notification_read(c, org, user, id, now)
            })
            .await
    }

    async fn list_canned_responses(
        &self,
        org: OrgId,
    ) -> Result<Vec<CannedResponseRecord>, StoreError> {
        self.readers.read(move |c| canned::list(c, org)).await
    }

    async fn create_canned_response(
        &self,
        org: OrgId,
        canned: NewCannedResponse,
        now: Timestamp,
    ) -> Result<CannedResponseRecord, StoreError> {
        self.writer
            .write(0, move |c| canned::create(c, org, &canned, now))
            .await
    }

    async fn update_canned_response(
        &self,
        org: OrgId,
        id: CannedResponseId,
        canned: NewCannedResponse,
        now: Timestamp,
    ) -> Result<CannedResponseRecord, StoreError> {
        self.writer
            .write(0, move |c| canned::update(c, org, id, &canned, now))
            .await
    }

    async fn delete_canned_response(
        &self,
        org: OrgId,
        id: CannedResponseId,
    ) -> Result<(), StoreError> {
        self.writer
            .write(0, move |c| canned::delete(c, org, id))
            .await
    }

    async fn get_contact(&self, org: OrgId, id: ContactId) -> Result<ContactRecord, StoreError> {
        self.readers.read(move |c| contacts::get(c, org, id)).await
    }

    async fn contact_chats(
        &self,
        org: OrgId,
        contact: ContactId,
    ) -> Result<Vec<ChatRecord>, StoreError> {
        self.readers
            .read(move |c| contacts::chats(c, org, contact))
            .await
    }

    async fn update_contact_attributes(
        &self,
        org: OrgId,
        contact: ContactId,
        patch: Map<String, Value>,
        by: By,
        now: Timestamp,
    ) -> Result<ContactRecord, StoreError> {
        self.writer
            .write(0, move |c| {
                contacts::update_attributes(c, org, contact, &patch, by, now)
            })
            .await
    }
}
