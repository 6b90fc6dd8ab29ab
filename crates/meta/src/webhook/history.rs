//! Chat-history backfill: field `history` (Meta page `webhooks/reference/history`;
//! META.md §5.4). One `history` webhook is one of three kinds:
//!
//! 1. a chunk: `value.history[].threads` (with `metadata.phase`, `chunk_order`, `progress`);
//! 2. a media follow-up: `value.messages[]` (the content of an earlier `media_placeholder`,
//!    matched by `id`);
//! 3. a decline or error: `value.history[].errors` (e.g. 2593109, sharing turned off), or
//!    `value.errors` (the same error at the value level).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::WebhookError;
use crate::ids::{WaId, Wamid};
use crate::time::Timestamp;
use crate::webhook::envelope::Metadata;
use crate::webhook::messages::{Context, InboundMessage, MessageContent};

/// `progress` value that means the whole sync is complete.
pub const PROGRESS_COMPLETE: u32 = 100;

/// `value` of field `history`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct HistoryValue {
    /// `"whatsapp"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messaging_product: Option<String>,
    /// The business number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    /// Chunks or errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<HistoryItem>>,
    /// Media follow-ups.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<InboundMessage>>,
    /// Errors at the value level, as the `messages` field sends them. Meta shows the decline
    /// (2593109) in `history[].errors`; this other place is read the same way in case it comes
    /// here (UNCONFIRMED).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<WebhookError>>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl HistoryValue {
    /// A value for `metadata` holding `items`.
    pub fn chunks(metadata: Metadata, items: Vec<HistoryItem>) -> Self {
        Self {
            messaging_product: Some("whatsapp".to_owned()),
            metadata: Some(metadata),
            history: Some(items),
            ..Self::default()
        }
    }

    /// A media follow-up carrying `messages`.
    pub fn media(metadata: Metadata, messages: Vec<InboundMessage>) -> Self {
        Self {
            messaging_product: Some("whatsapp".to_owned()),
            metadata: Some(metadata),
            messages: Some(messages),
            ..Self::default()
        }
    }
}

/// One element of `value.history[]`: a chunk (`metadata` + `threads`) or `errors`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct HistoryItem {
    /// Phase, chunk order and progress.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<HistoryMetadata>,
    /// One thread per 1:1 chat.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threads: Option<Vec<HistoryThread>>,
    /// Decline (2593109) or other errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<WebhookError>>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl HistoryItem {
    /// A chunk.
    pub fn chunk(phase: u32, chunk_order: u32, progress: u32, threads: Vec<HistoryThread>) -> Self {
        let metadata = HistoryMetadata {
            phase: Some(phase),
            chunk_order: Some(chunk_order),
            progress: Some(progress),
            extra: Map::new(),
        };
        Self {
            metadata: Some(metadata),
            threads: Some(threads),
            ..Self::default()
        }
    }

    /// The decline sent when the business turned history sharing off (2593109).
    pub fn declined() -> Self {
        let mut error = WebhookError::from_code(crate::error::ErrorCode::HistorySharingOff);
        error.href = None;
        Self {
            errors: Some(vec![error]),
            ..Self::default()
        }
    }
}

/// `history[].metadata`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct HistoryMetadata {
    /// 0 = day 0–1, 1 = day 1–90, 2 = day 90–180.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase: Option<u32>,
    /// Order of this chunk within its phase (chunks may arrive out of order).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chunk_order: Option<u32>,
    /// 0–100 over the whole sync; 100 = complete.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<u32>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `history[].threads[]`: one 1:1 chat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryThread {
    /// The user's phone number.
    pub id: WaId,
    /// The chat's messages.
    pub messages: Vec<HistoryMessage>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

string_enum! {
    /// `history_context.status` (uppercase, unlike status webhooks).
    pub enum HistoryStatus {
        /// Delivered.
        Delivered = "DELIVERED",
        /// Failed.
        Error = "ERROR",
        /// Pending.
        Pending = "PENDING",
        /// Played.
        Played = "PLAYED",
        /// Read.
        Read = "READ",
        /// Sent.
        Sent = "SENT",
    }
}

/// `messages[].history_context`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct HistoryContext {
    /// Delivery status at sync time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<HistoryStatus>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

typed_object! {
    /// A message inside a history thread. Direction: business-sent when `from` equals the
    /// business display number.
    pub struct HistoryMessage {
        required {
            /// The wamid.
            id: Wamid = "id",
            /// Device timestamp (string of Unix seconds).
            timestamp: Timestamp = "timestamp",
        }
        optional {
            /// Sender: the business or the user.
            from: WaId = "from",
            /// Only on business-sent messages, and not always.
            to: WaId = "to",
            /// Reply context.
            context: Context = "context",
            /// Status at sync time.
            history_context: HistoryContext = "history_context",
            /// Errors.
            errors: Vec<WebhookError> = "errors",
        }
        /// The content; media arrive as [`MessageContent::MediaPlaceholder`].
        content content: MessageContent = MessageContent;
    }
}

impl HistoryMessage {
    /// A history message with a status.
    pub fn new(
        from: WaId,
        id: Wamid,
        timestamp: Timestamp,
        content: MessageContent,
        status: HistoryStatus,
    ) -> Self {
        Self {
            id,
            timestamp,
            from: Some(from),
            to: None,
            context: None,
            history_context: Some(HistoryContext {
                status: Some(status),
                extra: Map::new(),
            }),
            errors: None,
            content,
            extra: Map::new(),
        }
    }
}
