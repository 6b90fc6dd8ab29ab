//! The `template` object of a send request (Meta pages "Send template messages" and the
//! carousel doc; META.md §6.2.2): `{name, language: {code}, components: [{type, sub_type,
//! index, parameters: [{type, parameter_name?, text|payload|image|…}]}]}`.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::webhook::content::Media;

/// A template to send.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TemplateMessage {
    /// The template name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `{code}`, e.g. `en_US`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<TemplateLanguage>,
    /// Parameter values per component.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub components: Option<Vec<TemplateComponent>>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl TemplateMessage {
    /// A template without components.
    pub fn new(name: impl Into<String>, language_code: impl Into<String>) -> Self {
        let language = TemplateLanguage {
            code: Some(language_code.into()),
            policy: None,
            extra: Map::new(),
        };
        Self {
            name: Some(name.into()),
            language: Some(language),
            components: None,
            extra: Map::new(),
        }
    }

    /// Adds a component.
    pub fn with_component(mut self, component: TemplateComponent) -> Self {
        self.components.get_or_insert_with(Vec::new).push(component);
        self
    }
}

/// `template.language`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TemplateLanguage {
    /// Language code, e.g. `en_US`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// `deterministic` (legacy).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

string_enum! {
    /// `components[].type` on the send side.
    pub enum ComponentType {
        /// Header parameters.
        Header = "header",
        /// Body parameters.
        Body = "body",
        /// A button's parameters (with `sub_type` and `index`).
        Button = "button",
        /// Carousel cards.
        Carousel = "carousel",
        /// Limited-time offer.
        LimitedTimeOffer = "limited_time_offer",
    }
}

impl ComponentType {
    /// The known variant this value names, ignoring case: clients such as pywa send `"BODY"`,
    /// which Meta accepts. The value itself keeps its spelling, so it re-serializes unchanged.
    pub fn normalized(&self) -> ComponentType {
        match self {
            Self::Other(s) => ComponentType::from_wire(&s.to_ascii_lowercase()),
            known => known.clone(),
        }
    }
}

/// One element of `template.components[]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateComponent {
    /// Which component.
    #[serde(rename = "type")]
    pub type_: ComponentType,
    /// Button kind: `quick_reply`, `url`, `copy_code`, `flow`, … (for `button`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_type: Option<String>,
    /// Button position (for `button`), integer or string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<ButtonIndex>,
    /// Parameter values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Vec<TemplateParameter>>,
    /// Unknown fields (carousel `cards`, …), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl TemplateComponent {
    /// A `body` component with positional text parameters.
    pub fn body_text<S: AsRef<str>>(texts: &[S]) -> Self {
        let parameters = texts
            .iter()
            .map(|t| TemplateParameter::text(t.as_ref()))
            .collect();
        Self {
            type_: ComponentType::Body,
            sub_type: None,
            index: None,
            parameters: Some(parameters),
            extra: Map::new(),
        }
    }

    /// A `button` component of `sub_type` `quick_reply` at `index` with a payload.
    pub fn quick_reply(index: u64, payload: impl Into<String>) -> Self {
        let mut parameter = TemplateParameter::of_type("payload");
        parameter.payload = Some(payload.into());
        Self {
            type_: ComponentType::Button,
            sub_type: Some("quick_reply".to_owned()),
            index: Some(ButtonIndex::Integer(index)),
            parameters: Some(vec![parameter]),
            extra: Map::new(),
        }
    }
}

/// `components[].index`: Meta's carousel example uses an integer, many SDKs send a string;
/// both are accepted and kept as sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ButtonIndex {
    /// `0`.
    Integer(u64),
    /// `"0"`.
    String(String),
}

impl ButtonIndex {
    /// The numeric index, when the string form holds digits.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Self::Integer(n) => Some(*n),
            Self::String(s) => s.parse().ok(),
        }
    }
}

impl Serialize for ButtonIndex {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Integer(n) => s.serialize_u64(*n),
            Self::String(v) => s.serialize_str(v),
        }
    }
}

impl<'de> Deserialize<'de> for ButtonIndex {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ButtonIndex;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a button index (integer or string)")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ButtonIndex, E> {
                Ok(ButtonIndex::Integer(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ButtonIndex, E> {
                u64::try_from(v)
                    .map(ButtonIndex::Integer)
                    .map_err(|_| E::custom("negative button index"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ButtonIndex, E> {
                Ok(ButtonIndex::String(v.to_owned()))
            }
        }
        d.deserialize_any(V)
    }
}

/// One element of `components[].parameters[]`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TemplateParameter {
    /// `text`, `currency`, `date_time`, `image`, `document`, `video`, `location`,
    /// `payload`, `action`, `coupon_code`, …
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// Named parameters: the `{{name}}` this value fills.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter_name: Option<String>,
    /// For `text`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// For quick-reply `payload`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payload: Option<String>,
    /// For header `image`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<Media>,
    /// For header `video`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub video: Option<Media>,
    /// For header `document`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<Media>,
    /// Unknown fields (`currency`, `date_time`, `location`, `action`, …), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl TemplateParameter {
    /// A parameter of `type_` with no value yet.
    pub fn of_type(type_: &str) -> Self {
        Self {
            type_: Some(type_.to_owned()),
            ..Self::default()
        }
    }

    /// A positional text parameter.
    pub fn text(text: &str) -> Self {
        Self {
            text: Some(text.to_owned()),
            ..Self::of_type("text")
        }
    }

    /// A named text parameter.
    pub fn named_text(name: &str, text: &str) -> Self {
        Self {
            parameter_name: Some(name.to_owned()),
            ..Self::text(text)
        }
    }
}
