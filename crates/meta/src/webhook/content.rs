//! Content objects of messages: the object under the key named by `type` (Meta pages
//! `webhooks/reference/messages/{text,image,…}`; META.md §3.1–§3.12). Shared by inbound
//! messages, echoes, history messages and, for media/contacts/location/reaction, the send side.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};

use crate::ids::{MediaId, WaId, Wamid};
use crate::time::Timestamp;
use crate::webhook::messages::MessageContent;
use crate::wire::{ContentSet, ObjectVisitor};

/// `text`: `{body}` (send side adds `preview_url`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Text {
    /// The message text.
    pub body: String,
    /// Send side: preview the first URL in `body`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preview_url: Option<bool>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Text {
    /// A text object with just a body.
    pub fn new(body: impl Into<String>) -> Self {
        Self {
            body: body.into(),
            ..Self::default()
        }
    }
}

/// `image`, `video`, `audio`, `document`, `sticker`. Inbound objects carry `id`, `mime_type`,
/// `sha256` and, since Nov 2025, `url`; the send side uses `id` **or** `link`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Media {
    /// Media id (webhook ids are valid 7 days; uploads 30 days).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<MediaId>,
    /// Send side: a hosted URL instead of an id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// MIME type, e.g. `image/jpeg`, `audio/ogg; codecs=opus`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    /// Opaque hash (hex in Meta's examples, base64-looking in pywa's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Caption (image, video, document).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// File name (document).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// Voice note (audio).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voice: Option<bool>,
    /// Animated (sticker).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub animated: Option<bool>,
    /// Download URL delivered in the webhook (from 12 Nov 2025); needs the bearer token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Media {
    /// A media object referring to an uploaded media id.
    pub fn from_id(id: MediaId) -> Self {
        Self {
            id: Some(id),
            ..Self::default()
        }
    }

    /// A media object referring to a hosted URL (send side).
    pub fn from_link(link: impl Into<String>) -> Self {
        Self {
            link: Some(link.into()),
            ..Self::default()
        }
    }

    /// Sets the caption.
    pub fn with_caption(mut self, caption: impl Into<String>) -> Self {
        self.caption = Some(caption.into());
        self
    }

    /// Sets the MIME type.
    pub fn with_mime_type(mut self, mime_type: impl Into<String>) -> Self {
        self.mime_type = Some(mime_type.into());
        self
    }
}

/// `location`. `latitude`/`longitude` are kept as JSON numbers so they round-trip exactly;
/// `name`, `address`, `url` appear only for a chosen place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    /// Latitude.
    pub latitude: Number,
    /// Longitude.
    pub longitude: Number,
    /// Place name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Place address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Place URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Location {
    /// A bare location. Returns `None` for non-finite coordinates, which JSON cannot carry.
    pub fn new(latitude: f64, longitude: f64) -> Option<Self> {
        Some(Self {
            latitude: Number::from_f64(latitude)?,
            longitude: Number::from_f64(longitude)?,
            name: None,
            address: None,
            url: None,
            extra: Map::new(),
        })
    }

    /// Latitude as `f64`.
    pub fn latitude_f64(&self) -> Option<f64> {
        self.latitude.as_f64()
    }

    /// Longitude as `f64`.
    pub fn longitude_f64(&self) -> Option<f64> {
        self.longitude.as_f64()
    }
}

/// One entry of a `contacts` message (mirrors the send-side contacts object).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ContactCard {
    /// Name parts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<ContactName>,
    /// Phone numbers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phones: Option<Vec<ContactPhone>>,
    /// Emails, addresses, org, urls, birthday: unverified shapes, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `contacts[].name`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ContactName {
    /// Full name as displayed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub formatted_name: Option<String>,
    /// First name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Unknown fields (middle_name, suffix, prefix, …), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `contacts[].phones[]`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ContactPhone {
    /// The number as stored by the user, e.g. `+1 555-555-5555`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The WhatsApp id, when the number is on WhatsApp.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wa_id: Option<WaId>,
    /// `CELL`, `HOME`, `WORK`, …
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `button`: a tap on a template quick-reply button.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Button {
    /// The payload set at send time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payload: Option<String>,
    /// The button label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `reaction` (inbound and send side). An empty or absent `emoji` removes the reaction.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Reaction {
    /// The message reacted to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<Wamid>,
    /// The emoji.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emoji: Option<String>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Reaction {
    /// Whether this removes a reaction (`emoji` empty or absent).
    pub fn is_removal(&self) -> bool {
        self.emoji.as_deref().is_none_or(str::is_empty)
    }
}

/// `order`: a cart sent from a catalog.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Order {
    /// Catalog id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub catalog_id: Option<String>,
    /// Text sent with the order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Items.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_items: Option<Vec<ProductItem>>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `order.product_items[]`. Numbers are kept as JSON numbers (integer or decimal) so they
/// round-trip exactly.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ProductItem {
    /// Retailer SKU.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_retailer_id: Option<String>,
    /// Quantity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<Number>,
    /// Unit price.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_price: Option<Number>,
    /// ISO 4217 currency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

string_enum! {
    /// `system.type`.
    pub enum SystemType {
        /// The user changed phone number; the new one is in `system.wa_id`.
        UserChangedNumber = "user_changed_number",
        /// The user's BSUID changed (2026).
        UserChangedUserId = "user_changed_user_id",
        /// The user's identity key changed.
        CustomerIdentityChanged = "customer_identity_changed",
        /// Older name of `user_changed_number`.
        CustomerChangedNumber = "customer_changed_number",
    }
}

/// `system`: a change on the user's side. System messages carry no `contacts` array.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct System {
    /// Human-readable description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// What changed.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<SystemType>,
    /// The new WhatsApp id (`user_changed_number`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wa_id: Option<WaId>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `unsupported`: newer payloads say which type was unsupported (`{"type": "pool"}`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Unsupported {
    /// The unsupported type, e.g. `pool`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `revoke` (coexistence): the message `original_message_id` was deleted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Revoke {
    /// The deleted message.
    pub original_message_id: Wamid,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `edit` (coexistence): `original_message_id` now reads as `message`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Edit {
    /// The edited message.
    pub original_message_id: Wamid,
    /// The new content (text, or a media object with the new caption).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<EditedMessage>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

typed_object! {
    /// `edit.message`: the new content in `type` + same-named-object form.
    pub struct EditedMessage {
        required {}
        optional {
            /// Meta's example carries `{"id": "M0"}`.
            context: crate::webhook::messages::Context = "context",
        }
        /// The new content.
        content content: MessageContent = MessageContent;
    }
}

impl Edit {
    /// The new text or caption, when the edit carries one.
    pub fn new_text(&self) -> Option<&str> {
        self.message.as_ref()?.content.text_or_caption()
    }
}

string_enum! {
    /// `interactive.type` of an inbound reply.
    pub enum InteractiveReplyType {
        /// Reply-button tap.
        ButtonReply = "button_reply",
        /// List-row choice.
        ListReply = "list_reply",
        /// WhatsApp Flow completion.
        NfmReply = "nfm_reply",
    }
}

typed_object! {
    /// `interactive` on an inbound message: a reply to an interactive message.
    pub struct Interactive {
        required {}
        optional {}
        /// Which reply.
        content reply: InteractiveReply = InteractiveReply;
    }
}

/// The reply inside an inbound `interactive` object.
#[derive(Debug, Clone, PartialEq)]
pub enum InteractiveReply {
    /// `button_reply`.
    ButtonReply(ButtonReply),
    /// `list_reply`.
    ListReply(ListReply),
    /// `nfm_reply` (Flow completion).
    NfmReply(NfmReply),
    /// A known type without its object.
    Missing {
        /// The `type` value.
        type_name: String,
    },
    /// A type not known to this crate, with its raw object.
    Unknown {
        /// The `type` value.
        type_name: String,
        /// The same-named object, when present.
        raw: Option<Value>,
    },
}

/// `interactive.button_reply`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ButtonReply {
    /// The button id set at send time.
    pub id: String,
    /// The button title.
    pub title: String,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `interactive.list_reply`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ListReply {
    /// The row id.
    pub id: String,
    /// The row title.
    pub title: String,
    /// The row description, absent when the row has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `interactive.nfm_reply`: a Flow response.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NfmReply {
    /// A **string** holding JSON, usually with `flow_token`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_json: Option<String>,
    /// E.g. `"Sent"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// E.g. `"flow"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl NfmReply {
    /// Parses `response_json`.
    pub fn response(&self) -> Option<Result<Value, serde_json::Error>> {
        self.response_json.as_deref().map(serde_json::from_str)
    }

    /// `flow_token` from `response_json`, when present.
    pub fn flow_token(&self) -> Option<String> {
        let value = self.response()?.ok()?;
        value.get("flow_token")?.as_str().map(str::to_owned)
    }
}

impl ContentSet for InteractiveReply {
    fn parse_known<'de, A: serde::de::MapAccess<'de>>(
        key: &str,
        map: &mut A,
    ) -> Result<Option<Self>, A::Error> {
        Ok(Some(match key {
            "button_reply" => Self::ButtonReply(map.next_value()?),
            "list_reply" => Self::ListReply(map.next_value()?),
            "nfm_reply" => Self::NfmReply(map.next_value()?),
            _ => return Ok(None),
        }))
    }

    fn without_object(type_name: String) -> Self {
        match InteractiveReplyType::from_wire(&type_name) {
            InteractiveReplyType::Other(_) => Self::Unknown {
                type_name,
                raw: None,
            },
            _ => Self::Missing { type_name },
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
            Self::ButtonReply(_) => "button_reply",
            Self::ListReply(_) => "list_reply",
            Self::NfmReply(_) => "nfm_reply",
            Self::Missing { type_name } | Self::Unknown { type_name, .. } => type_name,
        }
    }

    fn visit_object<V: ObjectVisitor>(&self, visitor: V) -> Option<V::Output> {
        Some(match self {
            Self::ButtonReply(v) => visitor.visit(v),
            Self::ListReply(v) => visitor.visit(v),
            Self::NfmReply(v) => visitor.visit(v),
            Self::Unknown { raw: Some(raw), .. } => visitor.visit(raw),
            Self::Missing { .. } | Self::Unknown { raw: None, .. } => return None,
        })
    }
}

/// `identity` on a `customer_identity_changed` system message.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Identity {
    /// Whether the change was acknowledged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acknowledged: Option<bool>,
    /// When the new identity was created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_timestamp: Option<Timestamp>,
    /// The identity hash.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
