//! What the sending side stores besides the outbox itself: templates, media, the facts of the
//! cost report, per-organization settings, and what a read receipt names.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ids::{MessageId, NumberId, OrgId};
use crate::time::Timestamp;

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
    /// Once stored: whether the bytes matched the SHA-256 Meta announced (`false`: the hash
    /// could not be read, see `warning`). `None` until stored.
    pub verified: Option<bool>,
    /// Why stored bytes are not verified.
    pub warning: Option<String>,
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
        /// Why the bytes could not be verified against Meta's hash (kept all the same);
        /// `None` when they were.
        warning: Option<String>,
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
