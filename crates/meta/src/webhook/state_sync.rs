//! Address-book changes in the WhatsApp Business app: field `smb_app_state_sync`,
//! `value.state_sync[]` (Meta page `webhooks/reference/smb_app_state_sync`; META.md §5.3).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ids::WaId;
use crate::time::Timestamp;
use crate::webhook::envelope::Metadata;

string_enum! {
    /// `state_sync[].type`.
    pub enum StateSyncType {
        /// A contact (the only documented type).
        Contact = "contact",
    }
}

string_enum! {
    /// `state_sync[].action`.
    pub enum StateSyncAction {
        /// Added **or edited**.
        Add = "add",
        /// Removed (names are then omitted).
        Remove = "remove",
    }
}

/// One element of `value.state_sync[]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateSyncEntry {
    /// `contact`.
    #[serde(rename = "type")]
    pub type_: StateSyncType,
    /// The contact (for `type: contact`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<SyncedContact>,
    /// `add` or `remove`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<StateSyncAction>,
    /// `{timestamp}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<StateSyncMetadata>,
    /// Unknown fields (objects of unknown types included), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl StateSyncEntry {
    /// An `add` of a contact with names.
    pub fn add_contact(
        phone_number: WaId,
        full_name: &str,
        first_name: &str,
        timestamp: Timestamp,
    ) -> Self {
        let contact = SyncedContact {
            full_name: Some(full_name.to_owned()),
            first_name: Some(first_name.to_owned()),
            phone_number: Some(phone_number),
            extra: Map::new(),
        };
        Self::new(contact, StateSyncAction::Add, timestamp)
    }

    /// A `remove` (only the phone number remains).
    pub fn remove_contact(phone_number: WaId, timestamp: Timestamp) -> Self {
        let contact = SyncedContact {
            phone_number: Some(phone_number),
            ..SyncedContact::default()
        };
        Self::new(contact, StateSyncAction::Remove, timestamp)
    }

    fn new(contact: SyncedContact, action: StateSyncAction, timestamp: Timestamp) -> Self {
        Self {
            type_: StateSyncType::Contact,
            contact: Some(contact),
            action: Some(action),
            metadata: Some(StateSyncMetadata {
                timestamp: Some(timestamp),
                extra: Map::new(),
            }),
            extra: Map::new(),
        }
    }
}

/// `state_sync[].contact`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SyncedContact {
    /// Full name (omitted on `remove`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    /// First name (omitted on `remove`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// The contact's number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<WaId>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `state_sync[].metadata`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StateSyncMetadata {
    /// When the change happened (a string in Meta's examples).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<Timestamp>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `value` of field `smb_app_state_sync`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StateSyncValue {
    /// `"whatsapp"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messaging_product: Option<String>,
    /// The business number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    /// The changes (possibly many per webhook).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_sync: Option<Vec<StateSyncEntry>>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl StateSyncValue {
    /// A value with `entries` for `metadata`.
    pub fn new(metadata: Metadata, entries: Vec<StateSyncEntry>) -> Self {
        Self {
            messaging_product: Some("whatsapp".to_owned()),
            metadata: Some(metadata),
            state_sync: Some(entries),
            extra: Map::new(),
        }
    }
}
