//! `POST /{phone_number_id}/messages`: the send-message request (Meta page
//! `messages/send-messages` and the per-type pages; META.md §6.1–§6.2).
//!
//! Same `type` + same-named-object form as webhooks. Every type of META.md §6.2 is typed;
//! other types (and unknown fields, e.g. `cta_url`/`flow` interactive parameters) are kept
//! verbatim. The request is deliberately lenient (most fields optional) so the sandbox can
//! parse what a client sent and answer with Meta's error via [`crate::graph::validate`].

use serde_json::{Map, Value};

use crate::graph::interactive::InteractiveMessage;
use crate::graph::template_message::TemplateMessage;
use crate::ids::{MediaId, Wamid};
use crate::webhook::content::{ContactCard, Location, Media, Reaction, Text};
use crate::wire::{ContentSet, ObjectVisitor};

string_enum! {
    /// `recipient_type`.
    pub enum RecipientType {
        /// A single user (the default).
        Individual = "individual",
        /// A group (Groups API).
        Group = "group",
    }
}

/// `context` of a send request: reply to `message_id`.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct ReplyContext {
    /// The message replied to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<Wamid>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The content of a send request, selected by `type`.
#[derive(Debug, Clone, PartialEq)]
pub enum OutboundContent {
    /// `text`: `{body, preview_url}`.
    Text(Text),
    /// `template`.
    Template(TemplateMessage),
    /// `image`.
    Image(Media),
    /// `video`.
    Video(Media),
    /// `audio` (`voice: true` for a voice note).
    Audio(Media),
    /// `document` (`filename`).
    Document(Media),
    /// `sticker`.
    Sticker(Media),
    /// `interactive` (button, list, and other types kept losslessly).
    Interactive(Box<InteractiveMessage>),
    /// `reaction`.
    Reaction(Reaction),
    /// `location`.
    Location(Location),
    /// `contacts`.
    Contacts(Vec<ContactCard>),
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

/// Every send `type` [`OutboundContent`] models.
pub const KNOWN_SEND_TYPES: &[&str] = &[
    "text",
    "template",
    "image",
    "video",
    "audio",
    "document",
    "sticker",
    "interactive",
    "reaction",
    "location",
    "contacts",
];

impl OutboundContent {
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
}

impl ContentSet for OutboundContent {
    fn parse_known<'de, A: serde::de::MapAccess<'de>>(
        key: &str,
        map: &mut A,
    ) -> Result<Option<Self>, A::Error> {
        Ok(Some(match key {
            "text" => Self::Text(map.next_value()?),
            "template" => Self::Template(map.next_value()?),
            "image" => Self::Image(map.next_value()?),
            "video" => Self::Video(map.next_value()?),
            "audio" => Self::Audio(map.next_value()?),
            "document" => Self::Document(map.next_value()?),
            "sticker" => Self::Sticker(map.next_value()?),
            "interactive" => Self::Interactive(Box::new(map.next_value()?)),
            "reaction" => Self::Reaction(map.next_value()?),
            "location" => Self::Location(map.next_value()?),
            "contacts" => Self::Contacts(map.next_value()?),
            _ => return Ok(None),
        }))
    }

    fn without_object(type_name: String) -> Self {
        if KNOWN_SEND_TYPES.contains(&type_name.as_str()) {
            Self::Missing { type_name }
        } else {
            Self::Unknown {
                type_name,
                raw: None,
            }
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
            Self::Template(_) => "template",
            Self::Image(_) => "image",
            Self::Video(_) => "video",
            Self::Audio(_) => "audio",
            Self::Document(_) => "document",
            Self::Sticker(_) => "sticker",
            Self::Interactive(_) => "interactive",
            Self::Reaction(_) => "reaction",
            Self::Location(_) => "location",
            Self::Contacts(_) => "contacts",
            Self::Missing { type_name } | Self::Unknown { type_name, .. } => type_name,
        }
    }

    fn visit_object<V: ObjectVisitor>(&self, visitor: V) -> Option<V::Output> {
        Some(match self {
            Self::Text(v) => visitor.visit(v),
            Self::Template(v) => visitor.visit(v),
            Self::Image(v)
            | Self::Video(v)
            | Self::Audio(v)
            | Self::Document(v)
            | Self::Sticker(v) => visitor.visit(v),
            Self::Interactive(v) => visitor.visit(v),
            Self::Reaction(v) => visitor.visit(v),
            Self::Location(v) => visitor.visit(v),
            Self::Contacts(v) => visitor.visit(v),
            Self::Unknown { raw: Some(raw), .. } => visitor.visit(raw),
            Self::Missing { .. } | Self::Unknown { raw: None, .. } => return None,
        })
    }
}

typed_object! {
    /// The body of `POST /{phone_number_id}/messages` for sending.
    pub struct SendMessageRequest {
        required {}
        optional {
            /// `"whatsapp"`.
            messaging_product: String = "messaging_product",
            /// `individual` (default) or `group`.
            recipient_type: RecipientType = "recipient_type",
            /// The recipient as the client wrote it: a phone number (`+` allowed, Meta
            /// normalises it), a BSUID or a group id.
            to: String = "to",
            /// Reply to a message.
            context: ReplyContext = "context",
            /// Opaque string echoed back in status webhooks.
            biz_opaque_callback_data: String = "biz_opaque_callback_data",
        }
        /// The content; `None` when the body has no `type`.
        content content: Option<OutboundContent> = OutboundContent;
    }
}

impl SendMessageRequest {
    /// A request to `to` with `content`, `messaging_product` `"whatsapp"` and
    /// `recipient_type` `"individual"`.
    pub fn new(to: impl Into<String>, content: OutboundContent) -> Self {
        Self {
            messaging_product: Some("whatsapp".to_owned()),
            recipient_type: Some(RecipientType::Individual),
            to: Some(to.into()),
            context: None,
            biz_opaque_callback_data: None,
            content: Some(content),
            extra: Map::new(),
        }
    }

    /// A text message.
    pub fn text(to: impl Into<String>, body: impl Into<String>) -> Self {
        Self::new(to, OutboundContent::Text(Text::new(body)))
    }

    /// An image by uploaded media id, with an optional caption.
    pub fn image(to: impl Into<String>, id: MediaId, caption: Option<&str>) -> Self {
        let mut media = Media::from_id(id);
        media.caption = caption.map(str::to_owned);
        Self::new(to, OutboundContent::Image(media))
    }

    /// A reaction to `message_id` (an empty emoji removes it).
    pub fn reaction(to: impl Into<String>, message_id: Wamid, emoji: impl Into<String>) -> Self {
        let reaction = Reaction {
            message_id: Some(message_id),
            emoji: Some(emoji.into()),
            extra: Map::new(),
        };
        Self::new(to, OutboundContent::Reaction(reaction))
    }

    /// A template message.
    pub fn template(to: impl Into<String>, template: TemplateMessage) -> Self {
        Self::new(to, OutboundContent::Template(template))
    }

    /// An interactive message.
    pub fn interactive(to: impl Into<String>, interactive: InteractiveMessage) -> Self {
        Self::new(to, OutboundContent::Interactive(Box::new(interactive)))
    }

    /// Makes this a reply to `message_id`.
    pub fn replying_to(mut self, message_id: Wamid) -> Self {
        self.context = Some(ReplyContext {
            message_id: Some(message_id),
            extra: Map::new(),
        });
        self
    }

    /// Sets `biz_opaque_callback_data`.
    pub fn with_callback_data(mut self, data: impl Into<String>) -> Self {
        self.biz_opaque_callback_data = Some(data.into());
        self
    }
}
