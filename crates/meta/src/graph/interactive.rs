//! The `interactive` object of a send request (Meta pages "Interactive reply buttons
//! messages" and "Interactive list messages"; META.md §6.2.4–§6.2.5). `button` and `list`
//! are typed; other types (`cta_url`, `flow`, `product`, …) parse with their specific
//! fields kept verbatim in `extra`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::webhook::content::Media;

string_enum! {
    /// `interactive.type` on the send side.
    pub enum InteractiveType {
        /// Up to 3 reply buttons.
        Button = "button",
        /// A list of rows in sections.
        List = "list",
        /// A call-to-action URL button.
        CtaUrl = "cta_url",
        /// A WhatsApp Flow.
        Flow = "flow",
        /// A single product.
        Product = "product",
        /// Several products.
        ProductList = "product_list",
        /// A catalog.
        CatalogMessage = "catalog_message",
        /// Ask for the user's location.
        LocationRequestMessage = "location_request_message",
        /// Ask for an address.
        AddressMessage = "address_message",
        /// A voice-call button.
        VoiceCall = "voice_call",
    }
}

/// The `interactive` object to send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InteractiveMessage {
    /// The interactive type.
    #[serde(rename = "type")]
    pub type_: InteractiveType,
    /// Optional header (`text`, `image`, `video` or `document`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<InteractiveHeader>,
    /// `{text}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<InteractiveText>,
    /// `{text}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub footer: Option<InteractiveText>,
    /// Buttons, list sections, or type-specific parameters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<InteractiveAction>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl InteractiveMessage {
    /// Reply buttons: `(id, title)` pairs.
    pub fn buttons(body: impl Into<String>, buttons: &[(&str, &str)]) -> Self {
        let buttons = buttons
            .iter()
            .map(|(id, title)| ReplyButton::new(id, title))
            .collect();
        let action = InteractiveAction {
            buttons: Some(buttons),
            ..InteractiveAction::default()
        };
        Self::with_action(InteractiveType::Button, body, action)
    }

    /// A list opened by a `button` label.
    pub fn list(
        body: impl Into<String>,
        button: impl Into<String>,
        sections: Vec<ListSection>,
    ) -> Self {
        let action = InteractiveAction {
            button: Some(button.into()),
            sections: Some(sections),
            ..InteractiveAction::default()
        };
        Self::with_action(InteractiveType::List, body, action)
    }

    fn with_action(
        type_: InteractiveType,
        body: impl Into<String>,
        action: InteractiveAction,
    ) -> Self {
        Self {
            type_,
            header: None,
            body: Some(InteractiveText::new(body)),
            footer: None,
            action: Some(action),
            extra: Map::new(),
        }
    }
}

/// `interactive.body` / `interactive.footer`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct InteractiveText {
    /// The text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl InteractiveText {
    /// A text object.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: Some(text.into()),
            extra: Map::new(),
        }
    }
}

/// `interactive.header`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct InteractiveHeader {
    /// `text`, `image`, `video` or `document`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// For `text`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// For `image`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<Media>,
    /// For `video`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub video: Option<Media>,
    /// For `document`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<Media>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `interactive.action`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct InteractiveAction {
    /// Reply buttons (type `button`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buttons: Option<Vec<ReplyButton>>,
    /// The label that opens the list (type `list`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub button: Option<String>,
    /// List sections (type `list`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sections: Option<Vec<ListSection>>,
    /// Type-specific fields (`name`, `parameters`, `catalog_id`, …), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `action.buttons[]`: `{type: "reply", reply: {id, title}}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ReplyButton {
    /// `reply`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// `{id, title}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply: Option<ReplyButtonBody>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ReplyButton {
    /// A reply button.
    pub fn new(id: &str, title: &str) -> Self {
        let reply = ReplyButtonBody {
            id: Some(id.to_owned()),
            title: Some(title.to_owned()),
            extra: Map::new(),
        };
        Self {
            type_: Some("reply".to_owned()),
            reply: Some(reply),
            extra: Map::new(),
        }
    }
}

/// `buttons[].reply`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ReplyButtonBody {
    /// Returned in the `button_reply` webhook; at most 256 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// At most 20 characters, unique within the message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `action.sections[]`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ListSection {
    /// At most 24 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The rows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<Vec<ListRow>>,
    /// Unknown fields (`product_items`, …), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ListSection {
    /// A section with rows.
    pub fn new(title: impl Into<String>, rows: Vec<ListRow>) -> Self {
        Self {
            title: Some(title.into()),
            rows: Some(rows),
            extra: Map::new(),
        }
    }
}

/// `sections[].rows[]`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ListRow {
    /// At most 200 characters; returned in the `list_reply` webhook.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// At most 24 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// At most 72 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ListRow {
    /// A row without description.
    pub fn new(id: &str, title: &str) -> Self {
        Self {
            id: Some(id.to_owned()),
            title: Some(title.to_owned()),
            ..Self::default()
        }
    }
}
