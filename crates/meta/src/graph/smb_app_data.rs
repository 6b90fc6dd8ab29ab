//! `POST /{phone_number_id}/smb_app_data`: start the coexistence contacts or history sync
//! (Meta page "Onboard WhatsApp Business app users"; META.md §5.5). Each `sync_type` may be
//! called once, within 24 hours of onboarding (errors 2593107 and 2593108).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The sync deadline after onboarding, in seconds.
pub const SYNC_DEADLINE_SECS: i64 = 24 * 3600;

string_enum! {
    /// `sync_type`.
    pub enum SyncType {
        /// Contacts, delivered as `smb_app_state_sync` webhooks.
        SmbAppStateSync = "smb_app_state_sync",
        /// Chat history, delivered as `history` webhooks.
        History = "history",
    }
}

/// Request body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SmbAppDataRequest {
    /// `"whatsapp"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messaging_product: Option<String>,
    /// Which sync.
    pub sync_type: SyncType,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl SmbAppDataRequest {
    /// A request for `sync_type`.
    pub fn new(sync_type: SyncType) -> Self {
        Self {
            messaging_product: Some("whatsapp".to_owned()),
            sync_type,
            extra: Map::new(),
        }
    }
}

/// Response body: `{messaging_product, request_id}`. Success only means "accepted".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SmbAppDataResponse {
    /// `"whatsapp"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messaging_product: Option<String>,
    /// Keep for support requests.
    pub request_id: String,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
