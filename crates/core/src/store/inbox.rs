//! People and the shared inbox: users, sessions, assignment, labels, notes, notifications,
//! canned responses, contact details (issue "The shared inbox").
//!
//! Every inbox change is committed together with its stream events (`chat.updated` with the
//! changed `fields`, `note.created`, `notification.created` carrying the target `user_id`,
//! `contact.updated`), so a live client sees it as soon as the caller rings the doorbell.

use async_trait::async_trait;
use serde::Serialize;
use serde_json::{Map, Value};

use super::{ChatRecord, ContactRecord, StoreError};
use crate::ids::{
    CannedResponseId, ChatId, ContactId, MessageId, NoteId, NotificationId, OrgId, SessionId,
    TokenId, UserId,
};
use crate::inbox::{ChatChange, Email, NoteBody, PersonName, Role, Shortcut};
use crate::page::{Limit, Page};
use crate::time::Timestamp;

/// An organization (tenant).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgRecord {
    /// Its id.
    pub id: OrgId,
    /// Its name.
    pub name: String,
    /// Created.
    pub created_at: Timestamp,
}

/// A user to create. The password arrives hashed (Argon2id PHC string): the store never sees
/// a password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    /// Sign-in name, unique across the deployment (sign-in has no organization picker).
    pub email: Email,
    /// Display name.
    pub name: PersonName,
    /// What they may do.
    pub role: Role,
    /// The PHC string of their password.
    pub password_hash: String,
}

/// A user as the API shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserRecord {
    /// Their id.
    pub id: UserId,
    /// Their organization.
    #[serde(skip)]
    pub org_id: OrgId,
    /// Sign-in name (lowercase).
    pub email: String,
    /// Display name.
    pub name: String,
    /// What they may do.
    pub role: Role,
    /// Created.
    pub created_at: Timestamp,
}

/// Who did something, as shown next to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserRef {
    /// Their id.
    pub id: UserId,
    /// Their display name.
    pub name: String,
}

/// A user and their password hash, for sign-in only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserLogin {
    /// The user.
    pub user: UserRecord,
    /// The PHC string of their password.
    pub password_hash: String,
}

/// A session to store: only the SHA-256 of the cookie secret is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    /// Whose session.
    pub user: UserId,
    /// SHA-256 of the cookie secret.
    pub hash: [u8; 32],
    /// When it ends at the latest (the absolute lifetime).
    pub expires_at: Timestamp,
}

/// A stored session that was not ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// Its id.
    pub id: SessionId,
    /// Whose session (a disabled user has none).
    pub user: UserRecord,
    /// Signed in at.
    pub created_at: Timestamp,
    /// The last request recorded (see `SessionPolicy::needs_touch`).
    pub last_seen_at: Timestamp,
    /// When it ends at the latest.
    pub expires_at: Timestamp,
}

/// Who made an inbox change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum By {
    /// A signed-in user.
    User(UserId),
    /// An integration, with an API token.
    Token(TokenId),
}

impl By {
    /// The user, when it was one.
    pub fn user(self) -> Option<UserId> {
        match self {
            By::User(id) => Some(id),
            By::Token(_) => None,
        }
    }
}

/// What marking a chat read did.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatRead {
    /// The chat afterwards (`unread_count` 0).
    pub chat: ChatRecord,
    /// Inbound customer messages newly marked `read`.
    pub marked: u64,
    /// The newest live customer message, which a Meta read receipt would name (Meta marks it
    /// and every earlier message read).
    pub newest_customer_message: Option<(MessageId, Option<String>)>,
}

/// A label in use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LabelCount {
    /// The label.
    pub label: String,
    /// Chats carrying it.
    pub count: i64,
}

/// A note to add to a chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNote {
    /// Who wrote it.
    pub author: By,
    /// Its text.
    pub body: NoteBody,
    /// Users it mentions (each gets a notification, except the author); ids that are not
    /// users of the organization are refused.
    pub mentions: Vec<UserId>,
}

/// An internal note on a chat (never sent to the customer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoteRecord {
    /// Its id.
    pub id: NoteId,
    /// The chat.
    pub chat_id: ChatId,
    /// Who wrote it; `null` when an integration did (with an API token).
    pub author: Option<UserRef>,
    /// Its text.
    pub body: String,
    /// Users it mentions.
    pub mentions: Vec<UserId>,
    /// Written at.
    pub created_at: Timestamp,
}

/// Why someone is notified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// A note mentions them.
    Mention,
    /// A chat was assigned to them (by someone else).
    Assigned,
}

impl NotificationKind {
    /// The stable lowercase name used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::Mention => "mention",
            NotificationKind::Assigned => "assigned",
        }
    }
}

impl std::str::FromStr for NotificationKind {
    type Err = crate::message::UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "mention" => Ok(NotificationKind::Mention),
            "assigned" => Ok(NotificationKind::Assigned),
            _ => Err(crate::message::UnknownName::new("notification kind", s)),
        }
    }
}

/// A notification for one user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotificationRecord {
    /// Its id.
    pub id: NotificationId,
    /// Who it is for.
    pub user_id: UserId,
    /// Why.
    pub kind: NotificationKind,
    /// The chat concerned.
    pub chat_id: ChatId,
    /// The note, for mentions.
    pub note_id: Option<NoteId>,
    /// Who caused it; `null` for an integration.
    pub by: Option<UserRef>,
    /// When.
    pub created_at: Timestamp,
    /// When the user marked it read.
    pub read_at: Option<Timestamp>,
}

/// A canned response to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCannedResponse {
    /// What agents type to find it; unique in the organization.
    pub shortcut: Shortcut,
    /// The text it inserts.
    pub body: NoteBody,
}

/// A saved reply, shared by the organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CannedResponseRecord {
    /// Its id.
    pub id: CannedResponseId,
    /// What agents type to find it.
    pub shortcut: String,
    /// The text it inserts.
    pub body: String,
    /// Created.
    pub created_at: Timestamp,
    /// Last changed.
    pub updated_at: Timestamp,
}

/// A snoozed chat whose time had passed, now stored as open (see
/// [`InboxStore::wake_snoozed_chats`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WokenChat {
    /// Its organization.
    pub org: OrgId,
    /// The chat.
    pub chat: ChatId,
    /// When its snooze ended.
    pub snoozed_until: Timestamp,
}

/// Persistence of the inbox side. Each method is one atomic unit of work; writes commit their
/// stream events with them. Another organization's rows are `NotFound`.
#[async_trait]
pub trait InboxStore: Send + Sync + 'static {
    /// The organization.
    async fn get_org(&self, org: OrgId) -> Result<OrgRecord, StoreError>;

    /// Creates a user. `Conflict` if the email is taken (in any organization).
    async fn create_user(
        &self,
        org: OrgId,
        user: NewUser,
        now: Timestamp,
    ) -> Result<UserRecord, StoreError>;

    /// The organization's users, by name.
    async fn list_users(&self, org: OrgId) -> Result<Vec<UserRecord>, StoreError>;

    /// One user.
    async fn get_user(&self, org: OrgId, id: UserId) -> Result<UserRecord, StoreError>;

    /// The (enabled) user signing in with `email`, with their password hash.
    async fn find_login(&self, email: &Email) -> Result<Option<UserLogin>, StoreError>;

    /// Replaces a user's password hash (e.g. re-hashed with stronger parameters at sign-in).
    async fn set_password_hash(
        &self,
        org: OrgId,
        user: UserId,
        password_hash: String,
        now: Timestamp,
    ) -> Result<(), StoreError>;

    /// Records a failed sign-in for `email` (whether or not it is a user's).
    async fn record_login_failure(&self, email: &Email, now: Timestamp) -> Result<(), StoreError>;

    /// Failed sign-ins for `email` at or after `since`.
    async fn login_failures_since(
        &self,
        email: &Email,
        since: Timestamp,
    ) -> Result<u32, StoreError>;

    /// Forgets the failed sign-ins of `email` (after a successful one).
    async fn clear_login_failures(&self, email: &Email) -> Result<(), StoreError>;

    /// Stores a new session for a user of `org`.
    async fn create_session(
        &self,
        org: OrgId,
        session: NewSession,
        now: Timestamp,
    ) -> Result<SessionRecord, StoreError>;

    /// The session with this hash, unless it was ended or its user disabled. Whether it has
    /// timed out is the caller's rule (`SessionPolicy`).
    async fn find_session(&self, hash: &[u8; 32]) -> Result<Option<SessionRecord>, StoreError>;

    /// Records activity on a session.
    async fn touch_session(&self, id: SessionId, now: Timestamp) -> Result<(), StoreError>;

    /// Ends one session (signing out). Ending it twice is not an error.
    async fn end_session(&self, id: SessionId, now: Timestamp) -> Result<(), StoreError>;

    /// Ends every session of a user ("sign out everywhere"); returns how many were live.
    async fn end_user_sessions(
        &self,
        org: OrgId,
        user: UserId,
        now: Timestamp,
    ) -> Result<u64, StoreError>;

    /// Applies an agent's change to a chat (rules: `InboxState::apply`), records when it was
    /// assigned or resolved, notifies a new assignee (unless they assigned themselves) and
    /// emits `chat.updated` with the changed fields. A change that changes nothing writes
    /// nothing. `Invalid` for an assignee who is not a user of the organization or a snooze
    /// the rules refuse.
    async fn change_chat(
        &self,
        org: OrgId,
        chat: ChatId,
        change: ChatChange,
        by: By,
        now: Timestamp,
    ) -> Result<ChatRecord, StoreError>;

    /// Stores the end of snoozes whose time has passed at `now`, across organizations, earliest
    /// first and at most `limit` of them (rules: `InboxState::wake`): each chat becomes `open`
    /// with no snooze time, the inbox log records `woke`, and `chat.updated` is emitted with
    /// the changed fields and no `by`. Until then a chat only *reads* as open; this is what
    /// announces it. A chat a customer message or an agent already woke is not touched again.
    async fn wake_snoozed_chats(
        &self,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<WokenChat>, StoreError>;

    /// Marks every unread live customer message of the chat `read` and its unread count 0.
    async fn mark_chat_read(
        &self,
        org: OrgId,
        chat: ChatId,
        by: By,
        now: Timestamp,
    ) -> Result<ChatRead, StoreError>;

    /// The labels in use, with how many chats carry each, by label.
    async fn list_labels(&self, org: OrgId) -> Result<Vec<LabelCount>, StoreError>;

    /// Adds a note to a chat and notifies the users it mentions (not the author).
    async fn create_note(
        &self,
        org: OrgId,
        chat: ChatId,
        note: NewNote,
        now: Timestamp,
    ) -> Result<NoteRecord, StoreError>;

    /// A chat's notes, oldest first.
    async fn list_notes(&self, org: OrgId, chat: ChatId) -> Result<Vec<NoteRecord>, StoreError>;

    /// A user's notifications, newest first; `unread_only` leaves out those marked read.
    async fn list_notifications(
        &self,
        org: OrgId,
        user: UserId,
        unread_only: bool,
        limit: Limit,
        cursor: Option<&str>,
    ) -> Result<Page<NotificationRecord>, StoreError>;

    /// Marks one of the user's notifications read (again: no change). `NotFound` for
    /// someone else's.
    async fn mark_notification_read(
        &self,
        org: OrgId,
        user: UserId,
        id: NotificationId,
        now: Timestamp,
    ) -> Result<NotificationRecord, StoreError>;

    /// The organization's canned responses, by shortcut.
    async fn list_canned_responses(
        &self,
        org: OrgId,
    ) -> Result<Vec<CannedResponseRecord>, StoreError>;

    /// Adds a canned response. `Conflict` if the shortcut is taken.
    async fn create_canned_response(
        &self,
        org: OrgId,
        canned: NewCannedResponse,
        now: Timestamp,
    ) -> Result<CannedResponseRecord, StoreError>;

    /// Replaces a canned response's shortcut and body. `Conflict` if the shortcut is taken.
    async fn update_canned_response(
        &self,
        org: OrgId,
        id: CannedResponseId,
        canned: NewCannedResponse,
        now: Timestamp,
    ) -> Result<CannedResponseRecord, StoreError>;

    /// Deletes a canned response.
    async fn delete_canned_response(
        &self,
        org: OrgId,
        id: CannedResponseId,
    ) -> Result<(), StoreError>;

    /// One contact.
    async fn get_contact(&self, org: OrgId, id: ContactId) -> Result<ContactRecord, StoreError>;

    /// The chats of this person on every number of the organization: the contact's own chat
    /// and those of contacts with the same wa_id (or, without one, the same user id), most
    /// recent activity first.
    async fn contact_chats(
        &self,
        org: OrgId,
        contact: ContactId,
    ) -> Result<Vec<ChatRecord>, StoreError>;

    /// Merges `patch` into the contact's attributes (`null` deletes a key; rules:
    /// `apply_attribute_patch`) and emits `contact.updated` when something changed.
    async fn update_contact_attributes(
        &self,
        org: OrgId,
        contact: ContactId,
        patch: Map<String, Value>,
        by: By,
        now: Timestamp,
    ) -> Result<ContactRecord, StoreError>;
}
