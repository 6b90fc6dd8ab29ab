//! Normalization of Meta's webhooks into domain changes, and what applying them reports.
//!
//! One webhook request becomes one [`IngestBatch`]: the raw body (kept byte-exact) plus the
//! [`Change`]s found in every entry × change × array element. Normalization is pure; the store
//! applies a batch in one transaction.

mod json_text;
mod normalize;
mod read;
mod summary;

pub use json_text::JsonText;
pub use normalize::{HISTORY_DECLINED_CODE, normalize};
pub use read::{ReadError, read_webhook};
pub use summary::text_of;

use serde::Serialize;
use serde_json::Value;

use crate::ids::{OrgId, Position};
use crate::message::{Direction, Editor, Origin};
use crate::status::DeliveryStatus;
use crate::store::MessageError;
use crate::time::Timestamp;

/// One webhook request, ready to apply.
#[derive(Debug, Clone, PartialEq)]
pub struct IngestBatch {
    /// The organization that receives numbers we have never seen.
    pub default_org: OrgId,
    /// When the hub received the request.
    pub received_at: Timestamp,
    /// The body exactly as received.
    pub raw_body: Vec<u8>,
    /// SHA-256 of the body (deduplicates redeliveries of the same request).
    pub body_sha256: [u8; 32],
    /// The `X-Hub-Signature-256` header it came with.
    pub signature: Option<String>,
    /// Everything in it.
    pub changes: Vec<Change>,
}

impl IngestBatch {
    /// A batch for `raw_body`, hashing it for deduplication.
    pub fn new(
        default_org: OrgId,
        received_at: Timestamp,
        raw_body: Vec<u8>,
        signature: Option<String>,
        changes: Vec<Change>,
    ) -> Self {
        use sha2::Digest;
        let body_sha256 = sha2::Sha256::digest(&raw_body).into();
        IngestBatch {
            default_org,
            received_at,
            raw_body,
            body_sha256,
            signature,
            changes,
        }
    }
}

/// The number a change concerns, as the webhook names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NumberRef {
    /// Meta's phone number id (`metadata.phone_number_id`).
    pub phone_number_id: String,
    /// `metadata.display_phone_number`.
    pub display_phone_number: Option<String>,
    /// The WABA (`entry[].id`).
    pub waba_id: Option<String>,
}

impl NumberRef {
    /// The number named by a change's raw `value.metadata`, for a change that could not be
    /// typed: `None` without a valid `metadata.phone_number_id`.
    pub fn from_raw_value(value: &Value, waba_id: &str) -> Option<NumberRef> {
        let metadata = value.get("metadata")?;
        let id = metadata.get("phone_number_id")?.as_str()?;
        meta::ids::PhoneNumberId::parse(id).ok()?;
        Some(NumberRef {
            phone_number_id: id.to_owned(),
            display_phone_number: metadata
                .get("display_phone_number")
                .and_then(Value::as_str)
                .map(str::to_owned),
            waba_id: Some(waba_id.to_owned()),
        })
    }
}

/// The WhatsApp user a change concerns.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ContactRef {
    /// Phone number digits; may be absent for username-only users.
    pub wa_id: Option<String>,
    /// Business-scoped user id.
    pub user_id: Option<String>,
    /// Parent business-scoped user id.
    pub parent_user_id: Option<String>,
    /// WhatsApp profile name, when the webhook carries one.
    pub profile_name: Option<String>,
}

/// A message to store (live, echoed or imported).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewMessage {
    /// The number.
    pub number: NumberRef,
    /// The other party.
    pub contact: ContactRef,
    /// Meta's id.
    pub wamid: String,
    /// Inbound or outbound.
    pub direction: Direction,
    /// Customer, business_app or history here (api messages come from our outbox).
    pub origin: Origin,
    /// Meta's type, as sent.
    pub kind: String,
    /// Body, caption or a one-line summary.
    pub text: Option<String>,
    /// The type-named content object.
    pub content: Option<JsonText>,
    /// Meta's timestamp.
    pub timestamp: Timestamp,
    /// The wamid replied to.
    pub reply_to: Option<String>,
    /// An error Meta attached (e.g. 131051 on `unsupported`).
    pub error: Option<MessageError>,
    /// The delivery status an imported message had on the phone.
    pub status: Option<DeliveryStatus>,
    /// A history media placeholder (content follows later, for recent media only).
    pub media_placeholder: bool,
    /// The customer came from a click-to-WhatsApp ad or a Page button.
    pub referral: bool,
    /// The message object as Meta sent it.
    pub raw: JsonText,
}

/// A status webhook for one outbound message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusChange {
    /// The number.
    pub number: NumberRef,
    /// The recipient, when the webhook names them.
    pub contact: ContactRef,
    /// The message.
    pub wamid: String,
    /// Meta's status value, as sent (`sent`, `delivered`, `read`, `played`, `failed`, ...).
    pub status: String,
    /// Meta's timestamp.
    pub timestamp: Timestamp,
    /// `pricing.category`.
    pub pricing_category: Option<String>,
    /// `pricing.type`.
    pub pricing_type: Option<String>,
    /// `pricing.pricing_model`.
    pub pricing_model: Option<String>,
    /// `pricing.billable`.
    pub billable: Option<bool>,
    /// `conversation.id`.
    pub conversation_id: Option<String>,
    /// `conversation.origin.type`.
    pub conversation_origin: Option<String>,
    /// `biz_opaque_callback_data`, echoed from the send (our outbox puts its own id there).
    pub biz_opaque_callback_data: Option<String>,
    /// The first error, for failed statuses.
    pub error: Option<MessageError>,
    /// All errors as sent.
    pub errors: Option<Value>,
    /// The status object as Meta sent it.
    pub raw: Value,
}

/// A WhatsApp user changed phone number: Meta's `system` message of type `user_changed_number`
/// (older name `customer_changed_number`), sent from the old number with the new one in
/// `system.wa_id` (META.md §3.10).
///
/// It follows the [`Change::Message`] that stores the notice in the user's chat. The store moves
/// the contact to the new number (merging it with a contact the new number already has) and
/// keeps the old number as an alias, so nothing the user sent before or after is split in two.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserNumberChange {
    /// The number.
    pub number: NumberRef,
    /// The user as the notice names them: the old number (`from`) and any BSUID.
    pub contact: ContactRef,
    /// The new phone number (`system.wa_id`, digits), never equal to `contact.wa_id`.
    pub new_wa_id: String,
    /// The notice's wamid: the change is applied once per (number, wamid).
    pub wamid: String,
    /// Meta's timestamp of the notice.
    pub timestamp: Timestamp,
}

/// An edit or a revoke of an earlier message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Amendment {
    /// The number.
    pub number: NumberRef,
    /// The other party.
    pub contact: ContactRef,
    /// The message changed.
    pub target_wamid: String,
    /// The id of the edit/revoke event itself.
    pub event_wamid: String,
    /// Who did it.
    pub by: Editor,
    /// Meta's timestamp.
    pub timestamp: Timestamp,
    /// What changed.
    pub kind: AmendmentKind,
}

/// What an amendment does.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AmendmentKind {
    /// New content (a text or caption edit).
    Edit {
        /// Meta's type of the new content.
        message_type: String,
        /// The new text or caption.
        text: Option<String>,
        /// The new type-named object.
        content: Option<Value>,
    },
    /// The message was deleted.
    Revoke,
}

/// An address-book change from the phone app (`smb_app_state_sync`).
///
/// Applied so that the result does not depend on arrival order: the names shown are those of
/// the newest `add`, and "removed from the phone" is decided by the newest change of either
/// kind (a removal wins a timestamp tie). A late `add` older than a `remove` updates the names
/// but leaves the contact removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactSync {
    /// The number.
    pub number: NumberRef,
    /// The contact's phone number.
    pub wa_id: String,
    /// `add` (added or edited) or `remove`.
    pub action: String,
    /// `full_name`.
    pub full_name: Option<String>,
    /// `first_name`.
    pub first_name: Option<String>,
    /// When it changed on the phone.
    pub timestamp: Timestamp,
}

/// One history chunk's bookkeeping (its messages are separate [`Change::Message`]s).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryChunk {
    /// The number.
    pub number: NumberRef,
    /// 0: day 0–1, 1: day 1–90, 2: day 90–180.
    pub phase: i64,
    /// Order of the chunk within its phase.
    pub chunk_order: i64,
    /// Overall progress 0–100.
    pub progress: i64,
    /// How many messages it holds.
    pub messages: u64,
}

/// The content of an earlier history media placeholder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryMedia {
    /// The number.
    pub number: NumberRef,
    /// The placeholder's wamid.
    pub wamid: String,
    /// Meta's type (image, video...).
    pub kind: String,
    /// Caption.
    pub text: Option<String>,
    /// The type-named object.
    pub content: Option<Value>,
    /// The full message object as sent, for the record.
    pub raw: Value,
    /// The message itself, used when the placeholder never arrived (it is then stored as a
    /// history message).
    pub message: NewMessage,
}

/// An `account_update`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountChange {
    /// The number, when the event names one (`value.phone_number` is a display number).
    pub display_phone_number: Option<String>,
    /// The WABA: `waba_info.waba_id`, else `entry[].id`.
    pub waba_id: Option<String>,
    /// Meta's event name.
    pub event: String,
    /// `disconnection_info.reason`.
    pub reason: Option<String>,
    /// `disconnection_info.initiated_by`.
    pub initiated_by: Option<String>,
    /// `entry[].time`, or the receive time.
    pub timestamp: Timestamp,
    /// The value object as sent.
    pub raw: String,
}

/// A template webhook (`message_template_status_update`, `template_category_update`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TemplateChange {
    /// The WABA (`entry[].id`).
    pub waba_id: String,
    /// Which webhook field.
    pub field: String,
    /// `message_template_id`.
    pub template_id: String,
    /// `message_template_name`.
    pub name: Option<String>,
    /// `message_template_language`.
    pub language: Option<String>,
    /// The status event (APPROVED, REJECTED, ...), for status updates.
    pub event: Option<String>,
    /// `reason`.
    pub reason: Option<String>,
    /// The category (`message_template_category`, or `new_category`).
    pub category: Option<String>,
    /// `entry[].time`.
    pub timestamp: Timestamp,
    /// The value as sent.
    pub raw: String,
}

/// A marketing preference change (`user_preferences`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreferenceChange {
    /// The number.
    pub number: NumberRef,
    /// The user.
    pub contact: ContactRef,
    /// `marketing_messages`.
    pub category: String,
    /// `stop` or `resume`.
    pub value: String,
    /// Meta's description.
    pub detail: Option<String>,
    /// When.
    pub timestamp: Timestamp,
}

/// A value-level error (`value.errors[]`, or a history error such as 2593109).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueError {
    /// The number, when named.
    pub number: Option<NumberRef>,
    /// Which webhook field carried it.
    pub field: String,
    /// The error.
    pub error: MessageError,
    /// The error object as sent.
    pub raw: Value,
}

/// Something we could not type: kept raw.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unparsed {
    /// The number, when known.
    pub number: Option<NumberRef>,
    /// The webhook field.
    pub field: String,
    /// Why it is not typed (an unknown field, or the parse error).
    pub reason: String,
    /// The value as sent.
    pub raw: Value,
}

/// One domain change found in a webhook.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// A message to store.
    Message(NewMessage),
    /// A delivery status.
    Status(StatusChange),
    /// An edit or revoke.
    Amendment(Amendment),
    /// A user changed phone number.
    UserNumberChange(UserNumberChange),
    /// An address-book change.
    ContactSync(ContactSync),
    /// A history chunk's bookkeeping.
    HistoryChunk(HistoryChunk),
    /// A history media follow-up.
    HistoryMedia(Box<HistoryMedia>),
    /// The business declined to share history (2593109).
    HistoryDeclined(ValueError),
    /// An account lifecycle event.
    Account(AccountChange),
    /// A template event.
    Template(TemplateChange),
    /// A marketing preference change.
    Preference(PreferenceChange),
    /// A value-level error.
    Error(ValueError),
    /// Anything we could not type.
    Unparsed(Unparsed),
}

/// What applying a batch did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct IngestOutcome {
    /// The request body had been received before (a redelivery).
    pub duplicate_request: bool,
    /// Messages created.
    pub messages_created: u64,
    /// Messages already stored (same number and wamid): no-ops.
    pub messages_duplicate: u64,
    /// Statuses that moved a message forward.
    pub statuses_advanced: u64,
    /// Statuses recorded (new status rows, including ones for unknown messages).
    pub statuses_recorded: u64,
    /// The stream head after the commit (ring the doorbell with it).
    pub head: Position,
}
