//! Messages the business sent from the WhatsApp Business app or a companion device: field
//! `smb_message_echoes`, `value.message_echoes[]` (Meta page
//! `webhooks/reference/smb_message_echoes`; META.md §5.2). Since 2026 edits and deletes from
//! the app also echo, as `type: "edit"` / `type: "revoke"` with their own `id`.
//!
//! Echoes must not refresh the customer service window (META.md §5.2).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::WebhookError;
use crate::ids::{UserId, WaId, Wamid};
use crate::time::Timestamp;
use crate::webhook::envelope::{Contact, Metadata};
use crate::webhook::messages::{Context, MessageContent};

typed_object! {
    /// One element of `value.message_echoes[]`.
    pub struct MessageEcho {
        required {
            /// The wamid of the app-sent message (or of the edit/revoke action).
            id: Wamid = "id",
            /// When it was sent (string of Unix seconds).
            timestamp: Timestamp = "timestamp",
        }
        optional {
            /// The business display number (Meta's example; pywa's reverses it).
            from: WaId = "from",
            /// The user's number; Meta's table shows a `+`, its examples don't.
            to: WaId = "to",
            /// The user's BSUID (2026).
            to_user_id: UserId = "to_user_id",
            /// The user's parent BSUID (2026).
            to_parent_user_id: UserId = "to_parent_user_id",
            /// Reply context.
            context: Context = "context",
            /// Errors, if Meta echoes failed sends (unconfirmed).
            errors: Vec<WebhookError> = "errors",
        }
        /// The content, in send-side shape.
        content content: MessageContent = MessageContent;
    }
}

impl MessageEcho {
    /// An echo of `content` sent from the app by `from` (business) to `to` (user).
    pub fn new(
        from: WaId,
        to: WaId,
        id: Wamid,
        timestamp: Timestamp,
        content: MessageContent,
    ) -> Self {
        Self {
            id,
            timestamp,
            from: Some(from),
            to: Some(to),
            to_user_id: None,
            to_parent_user_id: None,
            context: None,
            errors: None,
            content,
            extra: Map::new(),
        }
    }
}

/// `value` of field `smb_message_echoes`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct EchoesValue {
    /// `"whatsapp"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messaging_product: Option<String>,
    /// The business number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    /// The users concerned (2026, with BSUIDs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contacts: Option<Vec<Contact>>,
    /// The echoes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_echoes: Option<Vec<MessageEcho>>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl EchoesValue {
    /// One echo for `metadata`.
    pub fn single(metadata: Metadata, echo: MessageEcho) -> Self {
        Self {
            messaging_product: Some("whatsapp".to_owned()),
            metadata: Some(metadata),
            contacts: None,
            message_echoes: Some(vec![echo]),
            extra: Map::new(),
        }
    }
}
