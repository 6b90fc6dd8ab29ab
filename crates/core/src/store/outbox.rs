//! Sending: the outbox, templates, media and costs (issue "Sending under Meta's rules").
//!
//! The outbox is the only way out to Meta. An API send is a row in `messages` (origin `api`,
//! status `pending`, no wamid yet) plus an outbox entry holding the Meta request, the due time,
//! the attempts, the lease and the last error. Workers claim due entries with a lease (the claim
//! is the durable record of the attempt, committed before the Graph call), send them, and
//! record the outcome. An attempt whose lease expires without an answer is never sent again:
//! it becomes `interrupted`, and a later status webhook that names the message in
//! `biz_opaque_callback_data` reconciles it (at most one Graph send per message).

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ids::{ChatId, MessageId, NumberId, OrgId, Position};
use crate::number::{NumberMode, NumberState};
use crate::store::{MessageError, MessageRecord, StoreError};
use crate::time::Timestamp;

/// Prefix of the `biz_opaque_callback_data` the outbox sends: `coexist:<message id>`. Status
/// webhooks echo it, which lets a send whose answer was lost be reconciled.
pub const CALLBACK_PREFIX: &str = "coexist:";

/// The `biz_opaque_callback_data` for message `id`.
pub fn callback_data(id: MessageId) -> String {
    format!("{CALLBACK_PREFIX}{id}")
}

/// The message named by a `biz_opaque_callback_data` written by [`callback_data`]; `None` for
/// anything else (another platform's data, or none).
pub fn parse_callback_data(data: &str) -> Option<MessageId> {
    data.strip_prefix(CALLBACK_PREFIX)?.parse().ok()
}

/// Whom a send goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendTarget {
    /// An existing chat (its number and contact).
    Chat(ChatId),
    /// A WhatsApp user of one of our numbers, by `wa_id`; the contact and chat are created if
    /// new (CRMs send to phone numbers).
    Recipient {
        /// The number sending.
        number: NumberId,
        /// The normalized WhatsApp id (digits).
        wa_id: String,
    },
}

/// Who asked for a send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    /// `token` (an API client) or `user` (an agent).
    pub kind: String,
    /// The token's or user's id.
    pub id: String,
    /// A name for people, when known.
    pub name: Option<String>,
}

/// What the hub knows about a send's target before it decides whether the send is allowed.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetInfo {
    /// The number sending.
    pub number_id: NumberId,
    /// Meta's phone number id.
    pub phone_number_id: String,
    /// The number's WABA.
    pub waba_id: Option<String>,
    /// Coexistence or Cloud API.
    pub mode: NumberMode,
    /// Lifecycle state (sends are refused when disconnected or offboarded).
    pub state: NumberState,
    /// The chat, if one exists.
    pub chat_id: Option<ChatId>,
    /// The recipient's WhatsApp id.
    pub wa_id: Option<String>,
    /// The newest live customer message (the service window).
    pub last_customer_message_at: Option<Timestamp>,
    /// The contact stopped marketing messages.
    pub marketing_opt_out: bool,
}

/// A send to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSend {
    /// The organization.
    pub org: OrgId,
    /// Whom to.
    pub target: SendTarget,
    /// The client's `Idempotency-Key`, unique per organization.
    pub idempotency_key: Option<String>,
    /// SHA-256 of the target and request as the client sent them: the same key with another
    /// body is refused.
    pub request_sha256: [u8; 32],
    /// Meta's message type.
    pub kind: String,
    /// Body, caption or summary.
    pub text: Option<String>,
    /// The type-named object.
    pub content: Value,
    /// The wamid replied to (`context.message_id`).
    pub reply_to: Option<String>,
    /// The Meta request body as the client gave it (`type`, the object, `context`); the worker
    /// adds `to`, `messaging_product`, `recipient_type` and `biz_opaque_callback_data`.
    pub request: Value,
    /// Who asked.
    pub author: Option<Author>,
    /// When it may be sent.
    pub due_at: Timestamp,
    /// Now.
    pub now: Timestamp,
}

/// What recording a send did.
#[derive(Debug, Clone, PartialEq)]
pub enum Enqueued {
    /// A new message, queued.
    Created(MessageRecord),
    /// The idempotency key was used before with the same request: that message.
    Existing(MessageRecord),
    /// The idempotency key was used before with another request.
    KeyReused(MessageId),
}

/// A message found by its idempotency key.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyedSend {
    /// The message.
    pub message: MessageRecord,
    /// The hash of the request that created it.
    pub request_sha256: [u8; 32],
}

/// Where an outbox entry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    /// Waiting for its due time (first attempt or a retry).
    Queued,
    /// Claimed by a worker: a Graph call may be in flight.
    Sending,
    /// Meta accepted it (a wamid is recorded).
    Sent,
    /// Meta refused it for good, or retries ran out.
    Failed,
    /// An attempt ended without a known answer (the process died, or the request timed out
    /// after it may have reached Meta). Never sent again automatically; a status webhook
    /// reconciles it.
    Interrupted,
}

impl OutboxState {
    /// The stable name used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Queued => "queued",
            OutboxState::Sending => "sending",
            OutboxState::Sent => "sent",
            OutboxState::Failed => "failed",
            OutboxState::Interrupted => "interrupted",
        }
    }
}

impl std::str::FromStr for OutboxState {
    type Err = crate::message::UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            OutboxState::Queued,
            OutboxState::Sending,
            OutboxState::Sent,
            OutboxState::Failed,
            OutboxState::Interrupted,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
        .ok_or_else(|| crate::message::UnknownName::new("outbox state", s))
    }
}

/// The outbox side of an API message, as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SendInfo {
    /// Where it stands.
    pub state: OutboxState,
    /// Graph calls started so far.
    pub attempts: u32,
    /// When the next attempt is due (queued entries).
    pub next_attempt_at: Option<Timestamp>,
    /// The last error Meta (or the network) gave, also for retried attempts.
    pub last_error: Option<MessageError>,
    /// A sentence for people (why it waits, why it was interrupted).
    pub note: Option<String>,
    /// The client's idempotency key.
    pub idempotency_key: Option<String>,
}

/// A due outbox entry, not yet claimed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueSend {
    /// The message.
    pub message_id: MessageId,
    /// The number sending.
    pub number_id: NumberId,
    /// Meta's phone number id.
    pub phone_number_id: String,
    /// Coexistence or Cloud API (the default throughput).
    pub mode: NumberMode,
    /// The recipient's WhatsApp id (the pair-rate key).
    pub recipient: String,
    /// When it became due.
    pub due_at: Timestamp,
}

/// An outbox entry claimed for one attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedSend {
    /// The message.
    pub message_id: MessageId,
    /// Its organization.
    pub org: OrgId,
    /// The number sending.
    pub number_id: NumberId,
    /// Meta's phone number id.
    pub phone_number_id: String,
    /// The recipient's WhatsApp id.
    pub recipient: String,
    /// The request as stored (see [`NewSend::request`]).
    pub request: Value,
    /// This attempt's number (1 for the first).
    pub attempt: u32,
    /// The claim holds until then; after it, the attempt counts as interrupted.
    pub lease_until: Timestamp,
}

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq)]
pub enum SendOutcome {
    /// Meta accepted the message.
    Accepted {
        /// Its wamid.
        wamid: String,
    },
    /// Meta (or the network) refused it for now: try again at `at`.
    Retry {
        /// When.
        at: Timestamp,
        /// Why.
        error: MessageError,
    },
    /// Refused for good: the message fails with this error (Meta's code, title and details).
    Failed {
        /// Why.
        error: MessageError,
    },
    /// No answer that says whether Meta accepted it (a timeout after the request was sent).
    Interrupted {
        /// What happened, for people.
        note: String,
    },
}

/// What recording an outcome did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    /// False if the attempt was no longer current (another outcome was recorded first).
    pub applied: bool,
    /// The stream head after the commit.
    pub head: Position,
}

/// Attempts whose lease expired, now interrupted.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Swept {
    /// The messages interrupted.
    pub interrupted: Vec<MessageId>,
    /// Leases that expired on messages a status webhook had already reconciled (marked sent).
    pub reconciled: Vec<MessageId>,
    /// The stream head after the commit.
    pub head: Position,
}

/// A template as stored: from a sync, a create, or webhooks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TemplateRecord {
    /// Meta's template id.
    pub id: String,
    /// The WABA it belongs to.
    pub waba_id: String,
    /// The name.
    pub name: Option<String>,
    /// The language (`en_US`).
    pub language: Option<String>,
    /// `MARKETING`, `UTILITY` or `AUTHENTICATION`.
    pub category: Option<String>,
    /// `APPROVED`, `PENDING`, `REJECTED`, `PAUSED`, ...
    pub status: Option<String>,
    /// Meta's reason for the last status (`NONE`, `INVALID_FORMAT`, ...).
    pub reason: Option<String>,
    /// `POSITIONAL` or `NAMED`.
    pub parameter_format: Option<String>,
    /// The components (`HEADER`, `BODY`, `FOOTER`, `BUTTONS`) as Meta lists them; `None` for
    /// a template known only from webhooks.
    pub components: Option<Value>,
    /// When we last changed it.
    pub updated_at: Timestamp,
}

/// A template definition from the Graph API (a sync or a create).
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateDefinition {
    /// Meta's id.
    pub id: String,
    /// The name.
    pub name: String,
    /// The language.
    pub language: String,
    /// The category.
    pub category: Option<String>,
    /// The status.
    pub status: Option<String>,
    /// `POSITIONAL` or `NAMED`.
    pub parameter_format: Option<String>,
    /// The components.
    pub components: Value,
}

/// Which templates to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateFilter {
    /// Only this WABA's.
    pub waba_id: Option<String>,
    /// Only with this status (case-insensitive).
    pub status: Option<String>,
}

/// Whether the hub has a message's media bytes (`GET /api/v1/media/{id}` serves them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaAvailability {
    /// Stored: served at once.
    Available,
    /// Not downloaded yet.
    Pending,
    /// The download failed (see the media object's error).
    Failed,
}

/// The media of a message, as messages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MediaRef {
    /// Meta's media id.
    pub id: String,
    /// MIME type.
    pub mime_type: Option<String>,
    /// The file name (documents).
    pub filename: Option<String>,
    /// Size in bytes, once known.
    pub size: Option<i64>,
    /// Whether the bytes are here.
    pub status: MediaAvailability,
}

/// Inbound or outbound media.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaState {
    /// Known, not downloaded yet.
    Pending,
    /// The bytes are in the media store.
    Stored,
    /// Could not be fetched or verified; `error` says why.
    Failed,
}

impl MediaState {
    /// The stable name used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            MediaState::Pending => "pending",
            MediaState::Stored => "stored",
            MediaState::Failed => "failed",
        }
    }
}

impl std::str::FromStr for MediaState {
    type Err = crate::message::UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "pending" => Ok(MediaState::Pending),
            "stored" => Ok(MediaState::Stored),
            "failed" => Ok(MediaState::Failed),
            _ => Err(crate::message::UnknownName::new("media state", s)),
        }
    }
}

/// A media object as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MediaRecord {
    /// Meta's media id (what sends and message contents use).
    pub id: String,
    /// The number it belongs to.
    pub number_id: NumberId,
    /// `inbound` (from a webhook) or `outbound` (uploaded by us).
    pub direction: String,
    /// The message that carried it (inbound).
    pub message_id: Option<MessageId>,
    /// MIME type.
    pub mime_type: Option<String>,
    /// Hex SHA-256 of the stored bytes.
    pub sha256: Option<String>,
    /// The hash Meta announced, as sent (hex or base64).
    pub expected_sha256: Option<String>,
    /// Size in bytes.
    pub size: Option<i64>,
    /// The file name, for documents.
    pub filename: Option<String>,
    /// Where it stands.
    pub state: MediaState,
    /// Why it failed (or why the last try did).
    pub error: Option<String>,
    /// Download attempts so far.
    pub attempts: u32,
    /// First seen.
    pub created_at: Timestamp,
    /// Last changed.
    pub updated_at: Timestamp,
}

/// A media download to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaJob {
    /// Meta's media id.
    pub media_id: String,
    /// The number (its phone number id scopes the Graph call).
    pub number_id: NumberId,
    /// Meta's phone number id.
    pub phone_number_id: String,
    /// The hash Meta announced.
    pub expected_sha256: Option<String>,
    /// The MIME type Meta announced.
    pub mime_type: Option<String>,
    /// This attempt's number.
    pub attempt: u32,
}

/// How a media download ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaOutcome {
    /// Stored under its hash.
    Stored {
        /// Hex SHA-256.
        sha256: String,
        /// Bytes.
        size: i64,
        /// MIME type served.
        mime_type: String,
    },
    /// Try again at `at`.
    Retry {
        /// When.
        at: Timestamp,
        /// Why.
        error: String,
    },
    /// Give up.
    Failed {
        /// Why.
        error: String,
    },
}

/// What one pass of media discovery did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Discovered {
    /// Stream events read (fewer than the limit: the end of the stream was reached).
    pub scanned: u64,
    /// New pending downloads.
    pub new: u64,
}

/// Media we uploaded to Meta (its bytes are already stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMedia {
    /// The organization.
    pub org: OrgId,
    /// The number it was uploaded for.
    pub number_id: NumberId,
    /// Meta's new media id.
    pub media_id: String,
    /// MIME type.
    pub mime_type: String,
    /// Hex SHA-256.
    pub sha256: String,
    /// Bytes.
    pub size: i64,
    /// The file name.
    pub filename: Option<String>,
    /// Now.
    pub now: Timestamp,
}

/// One message's pricing, as its status webhooks gave it: the unit of the cost report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedMessage {
    /// The number.
    pub number_id: NumberId,
    /// The recipient (decides the market).
    pub recipient: Option<String>,
    /// When its first status with pricing arrived (Meta's time).
    pub priced_at: Timestamp,
    /// `pricing.category`.
    pub category: Option<String>,
    /// `pricing.type`: `regular`, `free_customer_service`, `free_entry_point`.
    pub pricing_type: Option<String>,
    /// `pricing.billable` (deprecated by Meta; used when `type` is missing).
    pub billable: Option<bool>,
    /// Whether it reached the phone (`delivered`, `read` or `played`): Meta charges per
    /// delivered message.
    pub delivered: bool,
}

/// Phone-app messages (echoes) sent in one day from one number: free.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppMessageCount {
    /// The number.
    pub number_id: NumberId,
    /// The UTC day, as the timestamp of its midnight.
    pub day: Timestamp,
    /// How many.
    pub count: u64,
}

/// Per-organization sending settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendingSettings {
    /// Mark inbound messages read at Meta (blue ticks) when an agent opens the chat.
    pub read_receipts: bool,
}

impl Default for SendingSettings {
    fn default() -> Self {
        SendingSettings {
            read_receipts: true,
        }
    }
}

/// The newest inbound customer message of a chat (what a read receipt names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundRef {
    /// Its wamid.
    pub wamid: String,
    /// The number it came to.
    pub number_id: NumberId,
    /// Meta's phone number id.
    pub phone_number_id: String,
}

/// Persistence of the sending side.
#[async_trait]
pub trait OutboxStore: Send + Sync + 'static {
    /// What a send to `target` would go through: the number, the chat's service window, the
    /// contact's marketing preference. `NotFound` for an unknown chat or number.
    async fn send_target(&self, org: OrgId, target: &SendTarget) -> Result<TargetInfo, StoreError>;

    /// The API message sent with this idempotency key, if any.
    async fn find_send_by_key(
        &self,
        org: OrgId,
        key: &str,
    ) -> Result<Option<KeyedSend>, StoreError>;

    /// Records a send atomically: the message (origin `api`, status `pending`) in its chat
    /// (created for a new recipient), the outbox entry and the `message.created` event. The
    /// same idempotency key with the same request returns the first message; with another
    /// request, [`Enqueued::KeyReused`].
    async fn enqueue_send(&self, send: NewSend) -> Result<Enqueued, StoreError>;

    /// Queued entries due at `now`, oldest due first, at most `limit`.
    async fn due_sends(&self, now: Timestamp, limit: u32) -> Result<Vec<DueSend>, StoreError>;

    /// When the next queued entry becomes due, or the next lease expires.
    async fn next_outbox_wakeup(&self) -> Result<Option<Timestamp>, StoreError>;

    /// Claims these entries for one attempt each (those still queued and due): attempts + 1,
    /// lease until `lease_until`. Durable before it returns; entries another worker claimed
    /// first are left out.
    async fn claim_sends(
        &self,
        ids: &[MessageId],
        now: Timestamp,
        lease_until: Timestamp,
        owner: &str,
    ) -> Result<Vec<ClaimedSend>, StoreError>;

    /// Records how attempt `attempt` of `message` ended (only if it is still the current
    /// attempt), moving the message (wamid and `accepted`, or `failed` with the error).
    async fn record_send_outcome(
        &self,
        message: MessageId,
        attempt: u32,
        outcome: SendOutcome,
        now: Timestamp,
    ) -> Result<Recorded, StoreError>;

    /// Marks attempts whose lease expired before `now` as interrupted (or sent, when a
    /// status webhook already reconciled them). Never queues them again.
    async fn sweep_expired_sends(&self, now: Timestamp) -> Result<Swept, StoreError>;

    /// The outbox side of an API message; `None` for other messages.
    async fn send_info(
        &self,
        org: OrgId,
        message: MessageId,
    ) -> Result<Option<SendInfo>, StoreError>;

    /// Stores templates listed by the Graph API for `waba_id` (newer status wins, as with
    /// webhooks; the definition is replaced).
    async fn upsert_templates(
        &self,
        org: OrgId,
        waba_id: &str,
        templates: Vec<TemplateDefinition>,
        now: Timestamp,
    ) -> Result<u64, StoreError>;

    /// Templates, by name then language.
    async fn list_templates(
        &self,
        org: OrgId,
        filter: TemplateFilter,
    ) -> Result<Vec<TemplateRecord>, StoreError>;

    /// The template `name` in `language` (`en_US` and `en-US` are the same) on `waba_id`.
    async fn find_template(
        &self,
        org: OrgId,
        waba_id: &str,
        name: &str,
        language: &str,
    ) -> Result<Option<TemplateRecord>, StoreError>;

    /// Turns media in messages stored since the last call into pending downloads, reading at
    /// most `limit` stream events. The store keeps its own position in the change stream.
    async fn discover_media(&self, limit: u32, now: Timestamp) -> Result<Discovered, StoreError>;

    /// Pending downloads due at `now`, claimed for one attempt each (lease until
    /// `lease_until`).
    async fn claim_media(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> Result<Vec<MediaJob>, StoreError>;

    /// Records how a download ended.
    async fn record_media(
        &self,
        number: NumberId,
        media_id: &str,
        outcome: MediaOutcome,
        now: Timestamp,
    ) -> Result<(), StoreError>;

    /// Records media we uploaded (its bytes are stored).
    async fn insert_uploaded_media(&self, media: NewMedia) -> Result<MediaRecord, StoreError>;

    /// A media object by Meta's id.
    async fn get_media(&self, org: OrgId, media_id: &str) -> Result<MediaRecord, StoreError>;

    /// Every message with pricing whose first priced status is in `[from, to)`.
    async fn priced_messages(
        &self,
        org: OrgId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<PricedMessage>, StoreError>;

    /// Phone-app messages (echoes) in `[from, to)`, per number and UTC day.
    async fn app_message_counts(
        &self,
        org: OrgId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<AppMessageCount>, StoreError>;

    /// The organization's sending settings (defaults when never set).
    async fn sending_settings(&self, org: OrgId) -> Result<SendingSettings, StoreError>;

    /// Changes the organization's sending settings.
    async fn set_sending_settings(
        &self,
        org: OrgId,
        settings: SendingSettings,
        now: Timestamp,
    ) -> Result<(), StoreError>;

    /// The newest live customer message of a chat, if any. `NotFound` for an unknown chat.
    async fn newest_inbound(
        &self,
        org: OrgId,
        chat: ChatId,
    ) -> Result<Option<InboundRef>, StoreError>;
}

#[cfg(test)]
mod tests {
    use super::{OutboxState, callback_data, parse_callback_data};
    use crate::ids::MessageId;

    #[test]
    fn callback_data_names_our_message_and_nothing_else() {
        assert_eq!(callback_data(MessageId(42)), "coexist:42");
        assert_eq!(parse_callback_data("coexist:42"), Some(MessageId(42)));
        assert_eq!(parse_callback_data("coexist:0"), None);
        assert_eq!(parse_callback_data("42"), None);
        assert_eq!(parse_callback_data("crm:42"), None);
    }

    #[test]
    fn outbox_states_round_trip() {
        for s in ["queued", "sending", "sent", "failed", "interrupted"] {
            assert_eq!(s.parse::<OutboxState>().unwrap().as_str(), s);
        }
        assert!("done".parse::<OutboxState>().is_err());
    }
}
