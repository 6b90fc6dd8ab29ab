//! Sending: the outbox, templates, media and costs (issue "Sending under Meta's rules").
//!
//! The outbox is the only way out to Meta. An API send is a row in `messages` (origin `api`,
//! status `pending`, no wamid yet) plus an outbox entry holding the Meta request, the due time,
//! the attempts, the lease and the last error. Workers claim due entries with a lease (the claim
//! is the durable record of the attempt, committed before the Graph call), send them, and
//! record the outcome. An attempt whose lease expires without an answer is never sent again:
//! it becomes `interrupted`, and a later status webhook that names the message in
//! `biz_opaque_callback_data` reconciles it (at most one Graph send per message).

mod catalog;

pub use catalog::{
    AppMessageCount, Discovered, InboundRef, MediaAvailability, MediaJob, MediaOutcome,
    MediaRecord, MediaRef, MediaState, NewMedia, PricedMessage, SendingSettings,
    TemplateDefinition, TemplateFilter, TemplateRecord,
};

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
    /// The number's state at the claim: a number disconnected or offboarded since the message
    /// was queued must not send it (the claim then starts no Graph call).
    pub number_state: NumberState,
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
