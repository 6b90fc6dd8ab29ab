//! What the store returns and takes. Records serialize to the REST API's JSON shapes.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::inbox::UserRef;
use crate::ids::{ChatId, ContactId, MessageId, NumberId, OrgId, Position, TokenId, UserId};
use crate::inbox::InboxStatus;
use crate::message::{Direction, Editor, Origin};
use crate::number::{Disconnection, HistoryImport, NumberMode, NumberState};
use crate::status::DeliveryStatus;
use crate::time::Timestamp;

/// A number we are configured for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberSetup {
    /// Meta's phone number id.
    pub phone_number_id: String,
    /// The number as people dial it, digits only.
    pub display_phone_number: Option<String>,
    /// The WhatsApp Business Account it belongs to.
    pub waba_id: Option<String>,
    /// Coexistence or Cloud API only.
    pub mode: NumberMode,
    /// When it was onboarded (starts the 24-hour sync deadline and the activity clock).
    pub onboarded_at: Option<Timestamp>,
}

/// A number as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NumberRecord {
    /// Our id.
    pub id: NumberId,
    /// Its organization.
    #[serde(skip)]
    pub org_id: OrgId,
    /// Meta's phone number id.
    pub phone_number_id: String,
    /// The number, digits only.
    pub display_phone_number: Option<String>,
    /// Its WhatsApp Business Account.
    pub waba_id: Option<String>,
    /// Coexistence or Cloud API only.
    pub mode: NumberMode,
    /// Lifecycle state.
    pub state: NumberState,
    /// False for a number first seen in a webhook and not (yet) configured by an admin.
    pub configured: bool,
    /// When it was onboarded.
    pub onboarded_at: Option<Timestamp>,
    /// The last sign of life from the phone app (echo, contact change, edit, revoke).
    pub last_app_activity_at: Option<Timestamp>,
    /// When the last webhook for this number arrived.
    pub last_webhook_at: Option<Timestamp>,
    /// Why Meta disconnected it, if it did.
    pub disconnection: Option<Disconnection>,
    /// The one-time history import.
    pub history: HistoryImport,
    /// When the last contact (address book) sync entry arrived.
    pub contacts_synced_at: Option<Timestamp>,
    /// When we first knew it.
    pub created_at: Timestamp,
}

impl NumberRecord {
    /// The number's health at `now` (lifecycle with `at_risk`/`syncing`, phone-app activity,
    /// history import, disconnection explained).
    pub fn health(&self, now: Timestamp) -> crate::number::Health {
        let inputs = crate::number::HealthInputs {
            mode: self.mode,
            state: self.state,
            last_app_activity_at: self.last_app_activity_at,
            onboarded_at: self.onboarded_at,
            last_webhook_at: self.last_webhook_at,
            disconnection: self.disconnection.as_ref(),
            history: &self.history,
        };
        crate::number::Health::compute(inputs, now)
    }
}

/// Which contacts to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactFilter {
    /// Only this number's contacts.
    pub number_id: Option<NumberId>,
    /// A search over phone-book name, profile name and phone number.
    pub q: Option<String>,
}

/// A contact of one number.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContactRecord {
    /// Our id.
    pub id: ContactId,
    /// The number this contact belongs to.
    pub number_id: NumberId,
    /// WhatsApp id (phone number digits); absent for username-only users.
    pub wa_id: Option<String>,
    /// Business-scoped user id (2026).
    pub user_id: Option<String>,
    /// Parent business-scoped user id.
    pub parent_user_id: Option<String>,
    /// The name in the business phone's address book (`smb_app_state_sync`).
    pub name: Option<String>,
    /// The first name in the address book.
    pub first_name: Option<String>,
    /// The name the user set in WhatsApp (`contacts[].profile.name`).
    pub profile_name: Option<String>,
    /// When the owner removed this contact from the phone's address book (the contact stays).
    pub removed_from_phone_at: Option<Timestamp>,
    /// Whether the user stopped marketing messages (`user_preferences`).
    pub marketing_opt_out: bool,
    /// Free-form attributes set by agents or integrations.
    pub attributes: Map<String, Value>,
    /// First seen.
    pub created_at: Timestamp,
    /// Last changed.
    pub updated_at: Timestamp,
}

/// Which chats to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChatFilter {
    /// Only this number's chats.
    pub number_id: Option<NumberId>,
    /// Only chats assigned to this user, or to nobody.
    pub assignee: Option<AssigneeFilter>,
    /// Only chats in this inbox status, judged at [`ChatFilter::now`]: a snooze whose time has
    /// passed counts as `open`.
    pub status: Option<InboxStatus>,
    /// Only chats carrying this label.
    pub label: Option<String>,
    /// The instant snoozes are judged at; `None` takes stored statuses as they are.
    pub now: Option<Timestamp>,
}

/// Whose chats to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssigneeFilter {
    /// Chats assigned to this user ("mine").
    User(UserId),
    /// Chats assigned to nobody.
    Nobody,
}

/// The contact part of a chat.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContactSummary {
    /// Our contact id.
    pub id: ContactId,
    /// WhatsApp id.
    pub wa_id: Option<String>,
    /// Business-scoped user id.
    pub user_id: Option<String>,
    /// Phone-book name.
    pub name: Option<String>,
    /// WhatsApp profile name.
    pub profile_name: Option<String>,
}

/// The last message of a chat, for list previews.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MessagePreview {
    /// Its id.
    pub id: MessageId,
    /// Inbound or outbound.
    pub direction: Direction,
    /// Who produced it.
    pub origin: Origin,
    /// Meta's message type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Body or caption.
    pub text: Option<String>,
    /// Delivery status of outbound messages.
    pub status: Option<DeliveryStatus>,
    /// Deleted by its author.
    pub revoked: bool,
}

/// A chat (one contact, one number).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChatRecord {
    /// Our id.
    pub id: ChatId,
    /// The number.
    pub number_id: NumberId,
    /// The contact.
    pub contact: ContactSummary,
    /// Meta's timestamp of the newest message.
    pub last_message_at: Option<Timestamp>,
    /// The newest message.
    pub last_message: Option<MessagePreview>,
    /// Live customer messages not yet read by an agent (history never counts).
    pub unread_count: i64,
    /// The newest live customer message (drives the service window).
    pub last_customer_message_at: Option<Timestamp>,
    /// The newest live customer message that came from a click-to-WhatsApp ad or a Page button
    /// (`referral`); with the first reply after it, it decides the free entry point window.
    pub referral_at: Option<Timestamp>,
    /// Messages stored in the chat.
    pub message_count: i64,
    /// Created.
    pub created_at: Timestamp,
    /// Inbox status as stored; see [`ChatRecord::as_seen_at`] for what to show.
    pub status: InboxStatus,
    /// Who has the chat.
    pub assignee: Option<UserRef>,
    /// Its labels, sorted.
    pub labels: Vec<String>,
    /// When a snooze ends (only while snoozed).
    pub snoozed_until: Option<Timestamp>,
    /// When it was last given to someone.
    pub assigned_at: Option<Timestamp>,
    /// When it was last resolved.
    pub resolved_at: Option<Timestamp>,
}

impl ChatRecord {
    /// The chat as people should see it at `now`: a snooze whose time has passed is over, so
    /// the chat is open and has no snooze time.
    pub fn as_seen_at(mut self, now: Timestamp) -> ChatRecord {
        let status = self.status.effective(self.snoozed_until, now);
        if status != self.status {
            self.status = status;
            self.snoozed_until = None;
        }
        self
    }
}

/// An error Meta attached to a message or status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageError {
    /// Meta's error code.
    pub code: i64,
    /// Meta's title.
    pub title: Option<String>,
    /// `error_data.details`.
    pub details: Option<String>,
}

/// A message, from any origin.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MessageRecord {
    /// Our id.
    pub id: MessageId,
    /// Meta's message id; `None` while an API send is still in our outbox.
    pub wamid: Option<String>,
    /// The chat.
    pub chat_id: ChatId,
    /// The number.
    pub number_id: NumberId,
    /// Inbound or outbound.
    pub direction: Direction,
    /// Who produced it.
    pub origin: Origin,
    /// Meta's message type (`text`, `image`, `media_placeholder`, an unknown type as sent...).
    #[serde(rename = "type")]
    pub kind: String,
    /// The body, caption, or a one-line summary where the type has no text.
    pub text: Option<String>,
    /// The type-named content object as Meta sent it (current version after edits).
    pub content: Option<Value>,
    /// Delivery status (outbound) or `read` once an agent read an inbound message.
    pub status: Option<DeliveryStatus>,
    /// When the status last moved.
    pub status_at: Option<Timestamp>,
    /// The error of a failed message or of an `unsupported` inbound one.
    pub error: Option<MessageError>,
    /// Meta's timestamp (when it was sent), or when we queued it for API sends.
    pub timestamp: Timestamp,
    /// When the hub received or created it.
    pub received_at: Timestamp,
    /// The wamid this message replies to.
    pub reply_to: Option<String>,
    /// When it was last edited, and by whom.
    pub edited_at: Option<Timestamp>,
    /// Who edited it.
    pub edited_by: Option<Editor>,
    /// The text before the first edit.
    pub original_text: Option<String>,
    /// When it was deleted (revoked), and by whom; its content is kept for the record.
    pub revoked_at: Option<Timestamp>,
    /// Who deleted it.
    pub revoked_by: Option<Editor>,
    /// A history media placeholder still waiting for its content.
    pub media_pending: bool,
    /// The outbox side of an API send (state, attempts, last error); `None` for messages that
    /// did not go through our outbox.
    pub send: Option<super::outbox::SendInfo>,
    /// Who sent an API message (an agent or an integration); `None` for other messages.
    pub author: Option<super::outbox::Author>,
    /// The media a message carries (by Meta's media id) and whether the hub has its bytes.
    pub media: Option<super::outbox::MediaRef>,
}

/// One thing that happened to a message after it was created.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MessageEventRecord {
    /// `edit`, `revoke` or `status`.
    pub kind: String,
    /// When (Meta's timestamp).
    pub at: Timestamp,
    /// Who, for edits and revokes.
    pub by: Option<Editor>,
    /// The wamid of the edit/revoke event itself.
    pub event_wamid: Option<String>,
    /// Details: for an edit, `previous_text`/`previous_content` and the new ones; for a status,
    /// `status`, `pricing`, `conversation`, `errors`.
    pub data: Value,
}

/// One entry of the change stream.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StreamEvent {
    /// Its position; clients resume after the last one they saw.
    pub position: Position,
    /// What changed: `message.created`, `message.updated`, `chat.updated`, `chat.merged` (the
    /// chat no longer exists; `data.into_chat_id` holds it now), `contact.updated`,
    /// `number.updated`, `history.progress`, `webhook.error`, ...
    pub kind: String,
    /// When the change was received: the webhook request's receive time, or the `now` of the
    /// call that made it (stores have no clock).
    pub at: Timestamp,
    /// The number concerned.
    pub number_id: Option<NumberId>,
    /// The chat concerned.
    pub chat_id: Option<ChatId>,
    /// The message concerned.
    pub message_id: Option<MessageId>,
    /// A small summary; clients re-read the resource for details.
    pub data: Value,
}

/// A value-level error Meta reported in a webhook.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WebhookErrorRecord {
    /// The number, when the webhook named one.
    pub number_id: Option<NumberId>,
    /// Which webhook field carried it.
    pub field: String,
    /// The error.
    pub error: MessageError,
    /// When it arrived.
    pub received_at: Timestamp,
}

/// A change of a webhook that coexist could not type (a field or shape it does not know yet),
/// kept raw with the reason; the rest of its webhook was applied.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnparsedChangeRecord {
    /// The number, when the change named one.
    pub number_id: Option<NumberId>,
    /// Which webhook field carried it (`changes[].field`).
    pub field: String,
    /// Why it was not typed: an unknown field, or the parse error with its path.
    pub reason: Option<String>,
    /// The change's `value`, as Meta sent it.
    pub raw: Value,
    /// When it arrived.
    pub received_at: Timestamp,
}

/// A token to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApiToken {
    /// A label for people.
    pub name: String,
    /// SHA-256 of the secret; the secret itself is never stored.
    pub hash: [u8; 32],
    /// `admin` for now; finer roles later.
    pub role: String,
}

/// A stored API token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiTokenRecord {
    /// Its id.
    pub id: TokenId,
    /// Its organization.
    pub org_id: OrgId,
    /// Its label.
    pub name: String,
    /// Its role.
    pub role: String,
    /// Created.
    pub created_at: Timestamp,
}
