//! Graph API requests and responses, and endpoint metadata shared by the hub's client and the
//! sandbox's router (Meta pages under `whatsapp/cloud-api/reference`; META.md §5.5, §6, §8–§10).
//!
//! Each [`Endpoint`] carries its method and a path template without the version prefix
//! (`/{phone_number_id}/messages`). The `{name}` placeholder syntax is axum 0.8's, so the
//! sandbox can register `"/{version}"` + [`Endpoint::path`] directly; the hub renders URLs
//! with [`Endpoint::render`].

use std::fmt;

pub mod interactive;
pub mod media;
pub mod messages;
pub mod oauth;
pub mod phone_numbers;
pub mod send;
pub mod smb_app_data;
pub mod subscribed_apps;
pub mod template_message;
pub mod templates;
pub mod validate;

/// An HTTP method used by the Graph API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
    /// DELETE.
    Delete,
}

impl Method {
    /// The method name in upper case.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Delete => "DELETE",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A Graph API endpoint: method plus path template without the `/v{version}` prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Endpoint {
    /// The HTTP method.
    pub method: Method,
    /// Path template with `{name}` placeholders, e.g. `/{phone_number_id}/messages`.
    pub path: &'static str,
}

/// Why an endpoint path could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// A placeholder had no value.
    #[error("no value for path parameter {{{0}}}")]
    MissingParameter(String),
    /// A value would change the path's shape (empty, or holds `/`, `?`, `#`, `%`, whitespace).
    #[error("invalid value for path parameter {{{name}}}: {value:?}")]
    InvalidValue {
        /// The placeholder.
        name: String,
        /// The rejected value.
        value: String,
    },
    /// The template has an unclosed `{`.
    #[error("malformed path template {0:?}")]
    MalformedTemplate(&'static str),
}

impl Endpoint {
    /// The placeholder names in order, e.g. `["phone_number_id"]`.
    pub fn parameters(&self) -> Vec<&'static str> {
        let mut names = Vec::new();
        let mut rest = self.path;
        while let Some(start) = rest.find('{') {
            let Some(len) = rest[start..].find('}') else {
                break;
            };
            names.push(&rest[start + 1..start + len]);
            rest = &rest[start + len + 1..];
        }
        names
    }

    /// Renders `/v{version}` + the path with `params` substituted. `version` may be given as
    /// `"25.0"` or `"v25.0"`.
    pub fn render(&self, version: &str, params: &[(&str, &str)]) -> Result<String, RenderError> {
        let version = version.strip_prefix('v').unwrap_or(version);
        let mut out = format!("/v{version}");
        let mut rest = self.path;
        while let Some(start) = rest.find('{') {
            let len = rest[start..]
                .find('}')
                .ok_or(RenderError::MalformedTemplate(self.path))?;
            let name = &rest[start + 1..start + len];
            out.push_str(&rest[..start]);
            out.push_str(lookup(params, name)?);
            rest = &rest[start + len + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

fn lookup<'p>(params: &[(&str, &'p str)], name: &str) -> Result<&'p str, RenderError> {
    let value = params.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
    let value = value.ok_or_else(|| RenderError::MissingParameter(name.to_owned()))?;
    let unsafe_char =
        |c: char| matches!(c, '/' | '?' | '#' | '%') || c.is_whitespace() || c.is_control();
    if value.is_empty() || value.contains(unsafe_char) {
        return Err(RenderError::InvalidValue {
            name: name.to_owned(),
            value: value.to_owned(),
        });
    }
    Ok(value)
}

/// `POST /{phone_number_id}/messages`: send a message ([`send::SendMessageRequest`]).
pub const SEND_MESSAGE: Endpoint = Endpoint {
    method: Method::Post,
    path: "/{phone_number_id}/messages",
};
/// `POST /{phone_number_id}/messages` with a mark-read body ([`messages::MarkReadRequest`]);
/// same route as [`SEND_MESSAGE`], told apart by the presence of `status`.
pub const MARK_READ: Endpoint = SEND_MESSAGE;
/// `POST /{phone_number_id}/media`: multipart upload.
pub const UPLOAD_MEDIA: Endpoint = Endpoint {
    method: Method::Post,
    path: "/{phone_number_id}/media",
};
/// `GET /{media_id}`: media URL and metadata.
pub const GET_MEDIA: Endpoint = Endpoint {
    method: Method::Get,
    path: "/{media_id}",
};
/// `DELETE /{media_id}`.
pub const DELETE_MEDIA: Endpoint = Endpoint {
    method: Method::Delete,
    path: "/{media_id}",
};
/// `GET /{waba_id}/message_templates`.
pub const LIST_TEMPLATES: Endpoint = Endpoint {
    method: Method::Get,
    path: "/{waba_id}/message_templates",
};
/// `POST /{waba_id}/message_templates`.
pub const CREATE_TEMPLATE: Endpoint = Endpoint {
    method: Method::Post,
    path: "/{waba_id}/message_templates",
};
/// `POST /{phone_number_id}/smb_app_data`: start the coexistence contacts or history sync.
pub const SMB_APP_DATA: Endpoint = Endpoint {
    method: Method::Post,
    path: "/{phone_number_id}/smb_app_data",
};
/// `POST /{waba_id}/subscribed_apps`: subscribe the app (optionally with an override URL).
pub const SUBSCRIBE_APP: Endpoint = Endpoint {
    method: Method::Post,
    path: "/{waba_id}/subscribed_apps",
};
/// `GET /{waba_id}/subscribed_apps`.
pub const LIST_SUBSCRIBED_APPS: Endpoint = Endpoint {
    method: Method::Get,
    path: "/{waba_id}/subscribed_apps",
};
/// `GET /{phone_number_id}?fields=…`: phone number fields.
pub const GET_PHONE_NUMBER: Endpoint = Endpoint {
    method: Method::Get,
    path: "/{phone_number_id}",
};
/// `GET /{waba_id}/phone_numbers`.
pub const LIST_PHONE_NUMBERS: Endpoint = Endpoint {
    method: Method::Get,
    path: "/{waba_id}/phone_numbers",
};
/// `POST /{phone_number_id}/register` (not for coexistence numbers).
pub const REGISTER_PHONE_NUMBER: Endpoint = Endpoint {
    method: Method::Post,
    path: "/{phone_number_id}/register",
};
/// `GET /oauth/access_token`: exchange an Embedded Signup code for a business token.
pub const EXCHANGE_TOKEN: Endpoint = Endpoint {
    method: Method::Get,
    path: "/oauth/access_token",
};

/// Every endpoint, for routers and conformance tests ([`MARK_READ`] shares [`SEND_MESSAGE`]).
pub const ALL_ENDPOINTS: &[Endpoint] = &[
    SEND_MESSAGE,
    UPLOAD_MEDIA,
    GET_MEDIA,
    DELETE_MEDIA,
    LIST_TEMPLATES,
    CREATE_TEMPLATE,
    SMB_APP_DATA,
    SUBSCRIBE_APP,
    LIST_SUBSCRIBED_APPS,
    GET_PHONE_NUMBER,
    LIST_PHONE_NUMBERS,
    REGISTER_PHONE_NUMBER,
    EXCHANGE_TOKEN,
];

/// `{"success": true}`: mark-read, media delete, subscribe, template edit.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SuccessResponse {
    /// `true`.
    pub success: bool,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl SuccessResponse {
    /// `{"success": true}`.
    pub fn ok() -> Self {
        Self {
            success: true,
            extra: serde_json::Map::new(),
        }
    }
}

/// Graph list paging: `{cursors: {before, after}, next, previous}`.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Paging {
    /// Cursors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursors: Option<Cursors>,
    /// URL of the next page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// URL of the previous page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// `paging.cursors`.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Cursors {
    /// Cursor before the first item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// Cursor after the last item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}
