//! The other bodies of `POST /{phone_number_id}/messages`: mark-as-read with an optional
//! typing indicator (Meta page "Typing indicators"; META.md §6.2.7), the request router that
//! tells the two apart, and the send response (META.md §6.3).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{ErrorCode, Rejection};
use crate::graph::send::SendMessageRequest;
use crate::ids::{WaId, Wamid};

/// Mark a message as read, optionally showing a typing indicator. The body has no `to` and
/// no `type`. Response: [`crate::graph::SuccessResponse`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarkReadRequest {
    /// `"whatsapp"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messaging_product: Option<String>,
    /// `"read"`.
    pub status: String,
    /// The inbound message to mark.
    pub message_id: Wamid,
    /// `{type: "text"}`: shows "typing…" for up to 25 s or until the reply.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub typing_indicator: Option<TypingIndicator>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl MarkReadRequest {
    /// Marks `message_id` as read.
    pub fn new(message_id: Wamid) -> Self {
        Self {
            messaging_product: Some("whatsapp".to_owned()),
            status: "read".to_owned(),
            message_id,
            typing_indicator: None,
            extra: Map::new(),
        }
    }

    /// Also shows the typing indicator.
    pub fn with_typing(mut self) -> Self {
        self.typing_indicator = Some(TypingIndicator {
            type_: "text".to_owned(),
            extra: Map::new(),
        });
        self
    }
}

/// `typing_indicator`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypingIndicator {
    /// `"text"`.
    #[serde(rename = "type")]
    pub type_: String,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A body of `POST /{phone_number_id}/messages`, routed on the presence of `status`.
#[derive(Debug, Clone, PartialEq)]
pub enum MessagesRequest {
    /// Send a message.
    Send(Box<SendMessageRequest>),
    /// Mark as read (+ typing indicator).
    MarkRead(MarkReadRequest),
}

impl MessagesRequest {
    /// Parses a request body as Meta would, mapping JSON problems to Meta's errors: not JSON
    /// or a wrong type → 100; a missing required field → 131008. `details` names the field.
    pub fn from_json_slice(body: &[u8]) -> Result<Self, Rejection> {
        let object: Map<String, Value> = serde_json::from_slice(body).map_err(|e| {
            Rejection::new(
                ErrorCode::InvalidParameter,
                format!("The request body is not a JSON object: {e}."),
            )
        })?;
        let is_mark_read = object.contains_key("status");
        let value = Value::Object(object);
        if is_mark_read {
            from_value(value).map(Self::MarkRead)
        } else {
            from_value(value).map(|r| Self::Send(Box::new(r)))
        }
    }
}

fn from_value<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, Rejection> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let message = e.inner().to_string();
        match message
            .strip_prefix("missing field `")
            .and_then(|m| m.strip_suffix('`'))
        {
            Some(field) => {
                let full = if path == "." {
                    field.to_owned()
                } else {
                    format!("{path}.{field}")
                };
                Rejection::new(
                    ErrorCode::RequiredParameterMissing,
                    format!("The parameter {full} is required."),
                )
            }
            None => Rejection::new(
                ErrorCode::InvalidParameter,
                format!("Invalid parameter {path}: {message}."),
            ),
        }
    })
}

string_enum! {
    /// `messages[].message_status` of a send response (paced templates only).
    pub enum PacingStatus {
        /// Accepted for delivery.
        Accepted = "accepted",
        /// Held while the template's quality is assessed.
        HeldForQualityAssessment = "held_for_quality_assessment",
        /// The template is paused.
        Paused = "paused",
    }
}

/// The send response: `{messaging_product, contacts: [{input, wa_id}], messages: [{id}]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SendMessageResponse {
    /// `"whatsapp"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messaging_product: Option<String>,
    /// The recipient as sent and as normalised.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contacts: Option<Vec<SentContact>>,
    /// The accepted message.
    pub messages: Vec<SentMessage>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl SendMessageResponse {
    /// A response for a message to `input` (as the client wrote it), normalised to `wa_id`.
    pub fn new(input: impl Into<String>, wa_id: WaId, id: Wamid) -> Self {
        let contact = SentContact {
            input: Some(input.into()),
            wa_id: Some(wa_id),
            extra: Map::new(),
        };
        let message = SentMessage {
            id,
            message_status: None,
            extra: Map::new(),
        };
        Self {
            messaging_product: Some("whatsapp".to_owned()),
            contacts: Some(vec![contact]),
            messages: vec![message],
            extra: Map::new(),
        }
    }

    /// The wamid of the first (only) message.
    pub fn message_id(&self) -> Option<&Wamid> {
        self.messages.first().map(|m| &m.id)
    }
}

/// `contacts[]` of a send response.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SentContact {
    /// What the client sent in `to` (may contain `+`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    /// The normalised WhatsApp id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wa_id: Option<WaId>,
    /// Unknown fields (BSUIDs, …), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `messages[]` of a send response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentMessage {
    /// The wamid.
    pub id: Wamid,
    /// Pacing status (template sends only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_status: Option<PacingStatus>,
    /// Unknown fields (`group_id`, …), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
