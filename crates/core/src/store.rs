//! The [`Store`] trait: everything the hub persists, as use-case verbs. Each method is one atomic
//! unit of work; transactions stay inside the implementations, so this crate never sees a
//! database type. Every backend passes the same contract suite (the `coexist-store-tests` crate,
//! `store_tests::contract_suite!`).
//!
//! [`Store`] is the sum of one trait per area, so areas grow independently:
//! - [`CoreStore`]: numbers, contacts, chats and messages as webhooks shape them; the change
//!   stream; API tokens.
//! - [`OutboxStore`]: sending (the outbox, templates, media, costs).
//! - [`InboxStore`]: people (users, sessions) and the shared inbox (assignment, labels, notes).
//! - [`OnboardingStore`]: onboardings, sealed business tokens, the once-only sync requests,
//!   phone-app reminders and their audit trail.
//!
//! Callers hold an `Arc<dyn Store>` and import the area traits whose methods they call.

mod inbox;
mod onboarding;
mod outbox;
mod records;

pub use inbox::{
    By, CannedResponseRecord, ChatRead, InboxStore, LabelCount, NewCannedResponse, NewNote,
    NewSession, NewUser, NoteRecord, NotificationKind, NotificationRecord, OrgRecord,
    SessionRecord, UserLogin, UserRecord, UserRef, WokenChat,
};
pub use onboarding::{
    AuditActor, AuditFilter, AuditRecord, NewAudit, NewOnboarding, NewSyncRequest,
    OnboardingAdvance, OnboardingRecord, OnboardingStore, ReminderRecord, SealedToken, SyncAnswer,
    SyncBegin, SyncRequestRecord,
};
pub use outbox::{
    AppMessageCount, Author, CALLBACK_PREFIX, ClaimedSend, Discovered, DueSend, Enqueued,
    InboundRef, KeyedSend, MediaAvailability, MediaJob, MediaOutcome, MediaRecord, MediaRef,
    MediaState, NewMedia, NewSend, OutboxState, OutboxStore, PricedMessage, Recorded, SendInfo,
    SendOutcome, SendTarget, SendingSettings, Swept, TargetInfo, TemplateDefinition,
    TemplateFilter, TemplateRecord, callback_data, parse_callback_data,
};

pub use records::{
    ApiTokenRecord, AssigneeFilter, ChatFilter, ChatRecord, ContactFilter, ContactRecord,
    ContactSummary, MessageError, MessageEventRecord, MessagePreview, MessageRecord, NewApiToken,
    NumberRecord, NumberSetup, StreamEvent, UnparsedChangeRecord, WebhookErrorRecord,
};

use async_trait::async_trait;

use crate::ids::{ChatId, MessageId, NumberId, OrgId, Position, TokenId};
use crate::ingest::{IngestBatch, IngestOutcome};
use crate::page::{Limit, Page};
use crate::time::Timestamp;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The thing asked for does not exist (or belongs to another organization).
    #[error("not found")]
    NotFound,
    /// A uniqueness rule would be broken.
    #[error("conflict: {0}")]
    Conflict(String),
    /// A cursor or filter the client sent is not valid.
    #[error("invalid input: {0}")]
    Invalid(String),
    /// The database could not be reached or failed; the operation may be retried.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// The database cannot be used by this binary (e.g. it was written by a newer coexist).
    /// Retrying does not help.
    #[error("incompatible storage: {0}")]
    Incompatible(String),
}

/// Everything the hub persists: the sum of the area traits. Implemented automatically for any
/// type that implements all of them.
pub trait Store: CoreStore + OutboxStore + InboxStore + OnboardingStore {}

impl<T: CoreStore + OutboxStore + InboxStore + OnboardingStore + ?Sized> Store for T {}

/// Numbers, contacts, chats and messages as webhooks shape them, the change stream and API
/// tokens. Implementations: SQLite (embedded, default); PostgreSQL later, held to the same
/// contract suite.
#[async_trait]
pub trait CoreStore: Send + Sync + 'static {
    /// The organization with this name, created if missing. The hub creates its default
    /// organization this way at start.
    async fn ensure_org(&self, name: &str, now: Timestamp) -> Result<OrgId, StoreError>;

    /// Registers a number we are configured for (or updates its description). Numbers first
    /// seen in a webhook are created by [`Store::ingest`] as unconfigured. With
    /// `onboarded_at`, the number is live as of that time unless a newer lifecycle change is
    /// recorded ([`crate::number::supersedes`]): onboarding a disconnected or offboarded number
    /// again makes it live.
    async fn upsert_number(
        &self,
        org: OrgId,
        setup: NumberSetup,
        now: Timestamp,
    ) -> Result<NumberRecord, StoreError>;

    /// Applies one verified webhook request atomically and durably: the raw body, every change
    /// in it, the stream events. Idempotent: applying the same request again changes nothing.
    /// Returns only after the commit; the caller answers Meta 200 after that.
    async fn ingest(&self, batch: IngestBatch) -> Result<IngestOutcome, StoreError>;

    /// Every number of the organization.
    async fn list_numbers(&self, org: OrgId) -> Result<Vec<NumberRecord>, StoreError>;

    /// One number.
    async fn get_number(&self, org: OrgId, id: NumberId) -> Result<NumberRecord, StoreError>;

    /// Contacts, optionally of one number and matching a search on names and phone numbers,
    /// ordered by id.
    async fn list_contacts(
        &self,
        org: OrgId,
        filter: ContactFilter,
        limit: Limit,
        cursor: Option<&str>,
    ) -> Result<Page<ContactRecord>, StoreError>;

    /// Chats, most recent activity first.
    async fn list_chats(
        &self,
        org: OrgId,
        filter: ChatFilter,
        limit: Limit,
        cursor: Option<&str>,
    ) -> Result<Page<ChatRecord>, StoreError>;

    /// One chat.
    async fn get_chat(&self, org: OrgId, id: ChatId) -> Result<ChatRecord, StoreError>;

    /// The messages of a chat, newest first (by Meta's timestamp, then id).
    async fn list_messages(
        &self,
        org: OrgId,
        chat: ChatId,
        limit: Limit,
        cursor: Option<&str>,
    ) -> Result<Page<MessageRecord>, StoreError>;

    /// One message.
    async fn get_message(&self, org: OrgId, id: MessageId) -> Result<MessageRecord, StoreError>;

    /// The messages with this wamid (one per number at most).
    async fn find_messages_by_wamid(
        &self,
        org: OrgId,
        wamid: &str,
    ) -> Result<Vec<MessageRecord>, StoreError>;

    /// Full-text search over message texts and captions, best matches first.
    async fn search_messages(
        &self,
        org: OrgId,
        query: &str,
        limit: Limit,
        cursor: Option<&str>,
    ) -> Result<Page<MessageRecord>, StoreError>;

    /// What happened to a message after it was created: edits (with the previous text),
    /// revokes, and every status with its pricing, oldest first.
    async fn message_events(
        &self,
        org: OrgId,
        id: MessageId,
    ) -> Result<Vec<MessageEventRecord>, StoreError>;

    /// Stream events after `after`, oldest first.
    async fn events_since(
        &self,
        org: OrgId,
        after: Position,
        limit: Limit,
    ) -> Result<Vec<StreamEvent>, StoreError>;

    /// The newest stream position (of any organization).
    async fn head_position(&self) -> Result<Position, StoreError>;

    /// Value-level errors Meta reported in webhooks, newest first.
    async fn list_webhook_errors(
        &self,
        org: OrgId,
        limit: Limit,
    ) -> Result<Vec<WebhookErrorRecord>, StoreError>;

    /// Webhook changes that could not be typed (kept raw), newest first.
    async fn list_unparsed_changes(
        &self,
        org: OrgId,
        limit: Limit,
    ) -> Result<Vec<UnparsedChangeRecord>, StoreError>;

    /// Stores a new API token (only its hash).
    async fn create_api_token(
        &self,
        org: OrgId,
        token: NewApiToken,
        now: Timestamp,
    ) -> Result<ApiTokenRecord, StoreError>;

    /// The live (not revoked) token with this hash.
    async fn find_api_token(&self, hash: &[u8; 32]) -> Result<Option<ApiTokenRecord>, StoreError>;

    /// Revokes a token: it is no longer found. `NotFound` for another organization's token.
    /// Revoking twice is not an error.
    async fn revoke_api_token(
        &self,
        org: OrgId,
        id: TokenId,
        now: Timestamp,
    ) -> Result<(), StoreError>;
}
