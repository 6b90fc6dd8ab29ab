//! Inbound messages: field `messages`, `value.messages[]` (Meta page
//! `webhooks/reference/messages`; META.md §3).
//!
//! Every message has `type` plus an object under the same key. [`MessageContent`] holds the
//! typed object; a type this crate does not know keeps its name and raw object
//! ([`MessageContent::Unknown`]); a known type whose object is absent (pywa case
//! `interactive_message_with_err`) parses as [`MessageContent::Missing`].

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::WebhookError;
use crate::ids::{UserId, WaId, Wamid};
use crate::time::Timestamp;
use crate::webhook::content::{
    Button, ContactCard, Edit, Identity, Interactive, Location, Media, Order, Reaction, Revoke,
    System, Text, Unsupported,
};
use crate::wire::{ContentSet, ObjectVisitor};

/// The content of a message, selected by its `type`.
#[derive(Debug, Clone, PartialEq)]
pub enum MessageContent {
    /// `text`.
    Text(Text),
    /// `image`.
    Image(Media),
    /// `video`.
    Video(Media),
    /// `audio` (`voice: true` for voice notes).
    Audio(Media),
    /// `document`.
    Document(Media),
    /// `sticker`.
    Sticker(Media),
    /// `location`.
    Location(Location),
    /// `contacts`: shared contact cards.
    Contacts(Vec<ContactCard>),
    /// `interactive`: a button/list/Flow reply.
    Interactive(Interactive),
    /// `button`: a template quick-reply tap.
    Button(Button),
    /// `reaction`.
    Reaction(Reaction),
    /// `order`.
    Order(Order),
    /// `system`.
    System(System),
    /// `unsupported`; the object is newer and may be absent.
    Unsupported(Option<Unsupported>),
    /// `edit` (coexistence).
    Edit(Box<Edit>),
    /// `revoke` (coexistence).
    Revoke(Revoke),
    /// `media_placeholder` (history): a media message whose content arrives later.
    MediaPlaceholder,
    /// A known `type` whose same-named object is missing.
    Missing {
        /// The `type` value.
        type_name: String,
    },
    /// A `type` not known to this crate, with its raw object.
    Unknown {
        /// The `type` value.
        type_name: String,
        /// The same-named object, when present.
        raw: Option<Value>,
    },
}

/// Every `type` name [`MessageContent`] models.
pub const KNOWN_MESSAGE_TYPES: &[&str] = &[
    "text",
    "image",
    "video",
    "audio",
    "document",
    "sticker",
    "location",
    "contacts",
    "interactive",
    "button",
    "reaction",
    "order",
    "system",
    "unsupported",
    "edit",
    "revoke",
    "media_placeholder",
];

impl MessageContent {
    /// The `type` string.
    pub fn type_name(&self) -> &str {
        <Self as ContentSet>::type_name(self)
    }

    /// The media object of an image, video, audio, document or sticker.
    pub fn media(&self) -> Option<&Media> {
        match self {
            Self::Image(m)
            | Self::Video(m)
            | Self::Audio(m)
            | Self::Document(m)
            | Self::Sticker(m) => Some(m),
            _ => None,
        }
    }

    /// The text body, or the caption of a media message.
    pub fn text_or_caption(&self) -> Option<&str> {
        match self {
            Self::Text(t) => Some(&t.body),
            _ => self.media()?.caption.as_deref(),
        }
    }
}

impl ContentSet for MessageContent {
    fn parse_known<'de, A: serde::de::MapAccess<'de>>(
        key: &str,
        map: &mut A,
    ) -> Result<Option<Self>, A::Error> {
        Ok(Some(match key {
            "text" => Self::Text(map.next_value()?),
            "image" => Self::Image(map.next_value()?),
            "video" => Self::Video(map.next_value()?),
            "audio" => Self::Audio(map.next_value()?),
            "document" => Self::Document(map.next_value()?),
            "sticker" => Self::Sticker(map.next_value()?),
            "location" => Self::Location(map.next_value()?),
            "contacts" => Self::Contacts(map.next_value()?),
            "interactive" => Self::Interactive(map.next_value()?),
            "button" => Self::Button(map.next_value()?),
            "reaction" => Self::Reaction(map.next_value()?),
            "order" => Self::Order(map.next_value()?),
            "system" => Self::System(map.next_value()?),
            "unsupported" => Self::Unsupported(Some(map.next_value()?)),
            "edit" => Self::Edit(Box::new(map.next_value()?)),
            "revoke" => Self::Revoke(map.next_value()?),
            _ => return Ok(None),
        }))
    }

    fn without_object(type_name: String) -> Self {
        match type_name.as_str() {
            "media_placeholder" => Self::MediaPlaceholder,
            "unsupported" => Self::Unsupported(None),
            name if KNOWN_MESSAGE_TYPES.contains(&name) => Self::Missing { type_name },
            _ => Self::Unknown {
                type_name,
                raw: None,
            },
        }
    }

    fn unknown(type_name: String, raw: Value) -> Self {
        Self::Unknown {
            type_name,
            raw: Some(raw),
        }
    }

    fn type_name(&self) -> &str {
        match self {
            Self::Text(_) => "text",
            Self::Image(_) => "image",
            Self::Video(_) => "video",
            Self::Audio(_) => "audio",
            Self::Document(_) => "document",
            Self::Sticker(_) => "sticker",
            Self::Location(_) => "location",
            Self::Contacts(_) => "contacts",
            Self::Interactive(_) => "interactive",
            Self::Button(_) => "button",
            Self::Reaction(_) => "reaction",
            Self::Order(_) => "order",
            Self::System(_) => "system",
            Self::Unsupported(_) => "unsupported",
            Self::Edit(_) => "edit",
            Self::Revoke(_) => "revoke",
            Self::MediaPlaceholder => "media_placeholder",
            Self::Missing { type_name } | Self::Unknown { type_name, .. } => type_name,
        }
    }

    fn visit_object<V: ObjectVisitor>(&self, visitor: V) -> Option<V::Output> {
        Some(match self {
            Self::Text(v) => visitor.visit(v),
            Self::Image(v)
            | Self::Video(v)
            | Self::Audio(v)
            | Self::Document(v)
            | Self::Sticker(v) => visitor.visit(v),
            Self::Location(v) => visitor.visit(v),
            Self::Contacts(v) => visitor.visit(v),
            Self::Interactive(v) => visitor.visit(v),
            Self::Button(v) => visitor.visit(v),
            Self::Reaction(v) => visitor.visit(v),
            Self::Order(v) => visitor.visit(v),
            Self::System(v) => visitor.visit(v),
            Self::Unsupported(Some(v)) => visitor.visit(v),
            Self::Edit(v) => visitor.visit(v),
            Self::Revoke(v) => visitor.visit(v),
            Self::Unknown { raw: Some(raw), .. } => visitor.visit(raw),
            Self::Unsupported(None)
            | Self::MediaPlaceholder
            | Self::Missing { .. }
            | Self::Unknown { raw: None, .. } => return None,
        })
    }
}

/// `messages[].context`: what the message replies to, or forwarding flags.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Context {
    /// The business number the replied-to message came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<WaId>,
    /// The replied-to message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Wamid>,
    /// Forwarded 5 times or fewer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forwarded: Option<bool>,
    /// Forwarded more than 5 times.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frequently_forwarded: Option<bool>,
    /// Product behind a "Message business" button.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referred_product: Option<ReferredProduct>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `context.referred_product`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ReferredProduct {
    /// Catalog id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub catalog_id: Option<String>,
    /// Retailer SKU.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_retailer_id: Option<String>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `messages[].referral`: Click-to-WhatsApp ad or Page CTA entry.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Referral {
    /// Ad or post URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    /// Ad or post id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    /// `ad` or `post`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_type: Option<String>,
    /// Ad body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Ad headline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
    /// `image` or `video`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Click id; omitted for WhatsApp Status ad placements.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ctwa_clid: Option<String>,
    /// Unknown fields (image_url, video_url, thumbnail_url, welcome_message, …), verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

typed_object! {
    /// One element of `value.messages[]` (field `messages`, and media follow-ups of field
    /// `history`).
    pub struct InboundMessage {
        required {
            /// The wamid.
            id: Wamid = "id",
            /// When the message was sent (string of Unix seconds).
            timestamp: Timestamp = "timestamp",
        }
        optional {
            /// The user's phone number; may be absent for username users (2026).
            from: WaId = "from",
            /// The user's BSUID (2026).
            from_user_id: UserId = "from_user_id",
            /// Reply or forwarding context.
            context: Context = "context",
            /// Ad referral.
            referral: Referral = "referral",
            /// Errors (type `unsupported`).
            errors: Vec<WebhookError> = "errors",
            /// Identity change details (type `system`).
            identity: Identity = "identity",
        }
        /// The typed content.
        content content: MessageContent = MessageContent;
    }
}

impl InboundMessage {
    /// A message with `content` and nothing else.
    pub fn new(from: WaId, id: Wamid, timestamp: Timestamp, content: MessageContent) -> Self {
        Self {
            id,
            timestamp,
            from: Some(from),
            from_user_id: None,
            context: None,
            referral: None,
            errors: None,
            identity: None,
            content,
            extra: Map::new(),
        }
    }

    /// A text message.
    pub fn text(from: WaId, id: Wamid, timestamp: Timestamp, body: impl Into<String>) -> Self {
        Self::new(from, id, timestamp, MessageContent::Text(Text::new(body)))
    }

    /// Sets `context` to a reply to `message` sent from `business` (display number digits).
    pub fn replying_to(mut self, business: WaId, message: Wamid) -> Self {
        self.context = Some(Context {
            from: Some(business),
            id: Some(message),
            ..Context::default()
        });
        self
    }
}

/// `value` of field `messages`: inbound messages (`contacts` + `messages`), outbound
/// statuses (`statuses`, possibly with `contacts` in 2026) or value-level `errors`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MessagesValue {
    /// `"whatsapp"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messaging_product: Option<String>,
    /// The business number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<crate::webhook::envelope::Metadata>,
    /// The users concerned (absent on system messages).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contacts: Option<Vec<crate::webhook::envelope::Contact>>,
    /// Inbound messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<InboundMessage>>,
    /// Outbound message statuses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statuses: Option<Vec<crate::webhook::statuses::Status>>,
    /// System-, app- or account-level errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<WebhookError>>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl MessagesValue {
    /// A value for `metadata` with nothing else.
    pub fn for_number(metadata: crate::webhook::envelope::Metadata) -> Self {
        Self {
            messaging_product: Some("whatsapp".to_owned()),
            metadata: Some(metadata),
            ..Self::default()
        }
    }

    /// One inbound message from `contact`.
    pub fn inbound(
        metadata: crate::webhook::envelope::Metadata,
        contact: crate::webhook::envelope::Contact,
        message: InboundMessage,
    ) -> Self {
        Self {
            contacts: Some(vec![contact]),
            messages: Some(vec![message]),
            ..Self::for_number(metadata)
        }
    }

    /// One status.
    pub fn status(
        metadata: crate::webhook::envelope::Metadata,
        status: crate::webhook::statuses::Status,
    ) -> Self {
        Self {
            statuses: Some(vec![status]),
            ..Self::for_number(metadata)
        }
    }
}
