//! Marketing opt-out and opt-in by users: field `user_preferences` (Meta page
//! `webhooks/reference/user_preferences`). The value is phone-scoped like `messages`, with a
//! `user_preferences[]` array of `{wa_id, detail, category, value, timestamp}`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ids::{UserId, WaId};
use crate::time::Timestamp;
use crate::webhook::envelope::{Contact, Metadata};

string_enum! {
    /// `user_preferences[].category`.
    pub enum PreferenceCategory {
        /// Marketing messages.
        MarketingMessages = "marketing_messages",
    }
}

string_enum! {
    /// `user_preferences[].value`.
    pub enum PreferenceValue {
        /// The user stopped the category.
        Stop = "stop",
        /// The user resumed the category.
        Resume = "resume",
    }
}

/// One element of `value.user_preferences[]`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UserPreference {
    /// The user's phone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wa_id: Option<WaId>,
    /// The user's BSUID (2026).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<UserId>,
    /// A human-readable description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Which messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<PreferenceCategory>,
    /// `stop` or `resume`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<PreferenceValue>,
    /// When the user changed the preference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<Timestamp>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `value` of field `user_preferences`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UserPreferencesValue {
    /// `"whatsapp"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messaging_product: Option<String>,
    /// The business number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    /// The users concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contacts: Option<Vec<Contact>>,
    /// The preference changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_preferences: Option<Vec<UserPreference>>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
