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

/// Persistence of the inbox side. Grows with the web inbox.
#[async_trait]
pub trait InboxStore: Send + Sync + 'static {}
