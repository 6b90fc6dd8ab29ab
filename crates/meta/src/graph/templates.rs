//! Template management (Meta page `whatsapp/templates/template-management`; META.md §8.1–§8.2):
//! `GET /{waba_id}/message_templates` (with paging), `POST` to create, and the template object.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::graph::Paging;
use crate::ids::TemplateId;
use crate::webhook::templates::{TemplateCategory, TemplateStatus};

/// Maximum template name length.
pub const TEMPLATE_NAME_MAX: usize = 512;

/// The `{{…}}` placeholders of a template text (`{{1}}` positional, `{{first_name}}` named),
/// each once, in order of first appearance. An unclosed `{{` ends the scan.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            break;
        };
        let name = after[..end].trim();
        if !name.is_empty() && !names.contains(&name) {
            names.push(name);
        }
        rest = &after[end + 2..];
    }
    names
}

/// Whether `name` follows Meta's rule `^[a-z0-9_]+$`, at most [`TEMPLATE_NAME_MAX`] chars.
pub fn is_valid_template_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= TEMPLATE_NAME_MAX
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// A template as returned by the Graph API.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Template {
    /// The template id (a string here).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<TemplateId>,
    /// The name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The language, e.g. `en_US`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Review status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<TemplateStatus>,
    /// Category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<TemplateCategory>,
    /// E.g. `CUSTOM`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_category: Option<String>,
    /// `NAMED` or `POSITIONAL`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter_format: Option<String>,
    /// Components (`HEADER`, `BODY`, `FOOTER`, `BUTTONS`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub components: Option<Vec<TemplateDefinitionComponent>>,
    /// Unknown fields (quality score, rejected reason, …), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A component of a template definition (create request and GET response).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TemplateDefinitionComponent {
    /// `HEADER`, `BODY`, `FOOTER`, `BUTTONS` (lowercase accepted on create).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// Header format: `TEXT`, `IMAGE`, `VIDEO`, `DOCUMENT`, `LOCATION`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Text with `{{1}}` or `{{name}}` placeholders.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Unknown fields (`buttons`, `example`, …), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GET /{waba_id}/message_templates` response.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TemplateList {
    /// The templates.
    pub data: Vec<Template>,
    /// Paging cursors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paging: Option<Paging>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `POST /{waba_id}/message_templates` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateTemplateRequest {
    /// `^[a-z0-9_]+$`, unique per WABA and language.
    pub name: String,
    /// E.g. `en_US`.
    pub language: String,
    /// `MARKETING`, `UTILITY` or `AUTHENTICATION` (Meta's examples also use lowercase).
    pub category: TemplateCategory,
    /// `named` or `positional` (the default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter_format: Option<String>,
    /// The components.
    #[serde(default)]
    pub components: Vec<TemplateDefinitionComponent>,
    /// Unknown fields (`allow_category_change`, …), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `POST /{waba_id}/message_templates` response: `{id, status, category}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateTemplateResponse {
    /// The new template id.
    pub id: TemplateId,
    /// Usually `PENDING`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<TemplateStatus>,
    /// The category Meta assigned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<TemplateCategory>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
