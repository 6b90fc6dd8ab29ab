//! `/{waba_id}/subscribed_apps` (Meta pages "Webhook overrides" and Embedded Signup;
//! META.md §1.4–§1.5): POST subscribes the app, optionally with an override callback URL
//! (which triggers a verification handshake with `verify_token`); GET lists subscriptions.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::graph::Paging;
use crate::ids::AppId;

/// Maximum length of `override_callback_uri`.
pub const OVERRIDE_URI_MAX: usize = 200;

/// POST body (may be empty: `{}` or no body clears the override).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SubscribeAppRequest {
    /// Alternate callback URL for this WABA's messages webhooks (≤ 200 chars).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub override_callback_uri: Option<String>,
    /// Token for the verification handshake of the override URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verify_token: Option<String>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// GET response.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SubscribedAppList {
    /// The subscribed apps.
    pub data: Vec<SubscribedApp>,
    /// Paging cursors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paging: Option<Paging>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `data[]` of the GET response.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SubscribedApp {
    /// `{id, link, name}` of the app.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub whatsapp_business_api_data: Option<AppData>,
    /// The WABA-level override, when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub override_callback_uri: Option<String>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `whatsapp_business_api_data`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AppData {
    /// The app id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<AppId>,
    /// App link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// App name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
