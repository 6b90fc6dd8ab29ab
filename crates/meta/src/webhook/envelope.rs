//! The webhook envelope `{object, entry[{id, time, changes[{field, value}]}]}` (Meta page
//! `whatsapp/webhooks/overview`; META.md §2), and the phone-scoped `metadata` and `contacts`
//! shared by several fields.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::ids::{DisplayPhoneNumber, PhoneNumberId, UserId, WaId, WabaId};
use crate::time::Timestamp;
use crate::webhook::account_update::AccountUpdate;
use crate::webhook::echoes::EchoesValue;
use crate::webhook::history::HistoryValue;
use crate::webhook::messages::MessagesValue;
use crate::webhook::state_sync::StateSyncValue;
use crate::webhook::templates::{TemplateCategoryUpdate, TemplateStatusUpdate};
use crate::webhook::user_preferences::UserPreferencesValue;
use crate::wire::{Key, put_extra};

/// The `object` value of every WhatsApp webhook.
pub const OBJECT_WHATSAPP: &str = "whatsapp_business_account";

/// `changes[].field` names modelled by [`ChangeValue`].
pub mod field {
    /// Inbound messages, statuses and value-level errors.
    pub const MESSAGES: &str = "messages";
    /// Messages the business sent from the WhatsApp Business app (coexistence).
    pub const SMB_MESSAGE_ECHOES: &str = "smb_message_echoes";
    /// Address-book changes in the WhatsApp Business app (coexistence).
    pub const SMB_APP_STATE_SYNC: &str = "smb_app_state_sync";
    /// Chat-history backfill (coexistence).
    pub const HISTORY: &str = "history";
    /// WABA lifecycle events.
    pub const ACCOUNT_UPDATE: &str = "account_update";
    /// Template review results.
    pub const MESSAGE_TEMPLATE_STATUS_UPDATE: &str = "message_template_status_update";
    /// Template re-categorisation.
    pub const TEMPLATE_CATEGORY_UPDATE: &str = "template_category_update";
    /// Marketing opt-out / opt-in by users.
    pub const USER_PREFERENCES: &str = "user_preferences";
}

/// A whole webhook delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// Always `"whatsapp_business_account"` for WhatsApp.
    pub object: String,
    /// One entry per WABA; loop over all of them.
    pub entry: Vec<Entry>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Envelope {
    /// An envelope with the given entries.
    pub fn new(entry: Vec<Entry>) -> Self {
        Self {
            object: OBJECT_WHATSAPP.to_owned(),
            entry,
            extra: Map::new(),
        }
    }

    /// One entry for `waba_id` with one change.
    pub fn single(waba_id: WabaId, value: ChangeValue) -> Self {
        Self::new(vec![Entry::new(waba_id, vec![Change::new(value)])])
    }

    /// Whether `object` is `"whatsapp_business_account"`.
    pub fn is_whatsapp(&self) -> bool {
        self.object == OBJECT_WHATSAPP
    }
}

/// `entry[]`: changes for one WABA.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The WABA id. On partner-level `account_update` events Meta puts the partner's id here
    /// and the customer's in `value.waba_info.waba_id`.
    pub id: WabaId,
    /// Integer Unix seconds; present on `account_update` and template webhooks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<Timestamp>,
    /// The changes; loop over all of them.
    pub changes: Vec<Change>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Entry {
    /// An entry without `time`.
    pub fn new(id: WabaId, changes: Vec<Change>) -> Self {
        Self {
            id,
            time: None,
            changes,
            extra: Map::new(),
        }
    }

    /// Sets `time` (written as an integer, as Meta does).
    pub fn with_time(mut self, secs: i64) -> Self {
        self.time = Some(Timestamp::integer(secs));
        self
    }
}

/// `changes[]`: one `field` and its typed `value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The typed value; its variant determines `field`.
    pub value: ChangeValue,
    /// Unknown fields next to `field` and `value`, kept verbatim.
    pub extra: Map<String, Value>,
}

impl Change {
    /// A change with no extra fields.
    pub fn new(value: ChangeValue) -> Self {
        Self {
            value,
            extra: Map::new(),
        }
    }

    /// The `field` name.
    pub fn field(&self) -> &str {
        self.value.field()
    }
}

/// `changes[].value`, typed by `changes[].field`.
#[derive(Debug, Clone, PartialEq)]
pub enum ChangeValue {
    /// `messages`: inbound messages, statuses, value-level errors.
    Messages(MessagesValue),
    /// `smb_message_echoes`.
    MessageEchoes(EchoesValue),
    /// `smb_app_state_sync`.
    StateSync(StateSyncValue),
    /// `history`.
    History(HistoryValue),
    /// `account_update`.
    AccountUpdate(Box<AccountUpdate>),
    /// `message_template_status_update`.
    TemplateStatus(TemplateStatusUpdate),
    /// `template_category_update`.
    TemplateCategory(TemplateCategoryUpdate),
    /// `user_preferences`.
    UserPreferences(UserPreferencesValue),
    /// Any other field, with its raw value.
    Unknown {
        /// The `field` name.
        field: String,
        /// The raw `value`.
        value: Value,
    },
}

impl ChangeValue {
    /// The `field` name this value is sent under.
    pub fn field(&self) -> &str {
        match self {
            Self::Messages(_) => field::MESSAGES,
            Self::MessageEchoes(_) => field::SMB_MESSAGE_ECHOES,
            Self::StateSync(_) => field::SMB_APP_STATE_SYNC,
            Self::History(_) => field::HISTORY,
            Self::AccountUpdate(_) => field::ACCOUNT_UPDATE,
            Self::TemplateStatus(_) => field::MESSAGE_TEMPLATE_STATUS_UPDATE,
            Self::TemplateCategory(_) => field::TEMPLATE_CATEGORY_UPDATE,
            Self::UserPreferences(_) => field::USER_PREFERENCES,
            Self::Unknown { field, .. } => field,
        }
    }

    /// Deserializes a `value` sent under `field`.
    pub fn deserialize_for<'de, D: Deserializer<'de>>(field: &str, d: D) -> Result<Self, D::Error> {
        Ok(match field {
            field::MESSAGES => Self::Messages(Deserialize::deserialize(d)?),
            field::SMB_MESSAGE_ECHOES => Self::MessageEchoes(Deserialize::deserialize(d)?),
            field::SMB_APP_STATE_SYNC => Self::StateSync(Deserialize::deserialize(d)?),
            field::HISTORY => Self::History(Deserialize::deserialize(d)?),
            field::ACCOUNT_UPDATE => Self::AccountUpdate(Deserialize::deserialize(d)?),
            field::MESSAGE_TEMPLATE_STATUS_UPDATE => {
                Self::TemplateStatus(Deserialize::deserialize(d)?)
            }
            field::TEMPLATE_CATEGORY_UPDATE => Self::TemplateCategory(Deserialize::deserialize(d)?),
            field::USER_PREFERENCES => Self::UserPreferences(Deserialize::deserialize(d)?),
            other => Self::Unknown {
                field: other.to_owned(),
                value: Value::deserialize(d)?,
            },
        })
    }
}

impl Serialize for ChangeValue {
    /// Serializes the `value` alone (without `field`).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Messages(v) => v.serialize(s),
            Self::MessageEchoes(v) => v.serialize(s),
            Self::StateSync(v) => v.serialize(s),
            Self::History(v) => v.serialize(s),
            Self::AccountUpdate(v) => v.serialize(s),
            Self::TemplateStatus(v) => v.serialize(s),
            Self::TemplateCategory(v) => v.serialize(s),
            Self::UserPreferences(v) => v.serialize(s),
            Self::Unknown { value, .. } => value.serialize(s),
        }
    }
}

impl Serialize for Change {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("value", &self.value)?;
        m.serialize_entry("field", self.field())?;
        put_extra(&mut m, &self.extra)?;
        m.end()
    }
}

/// Reads a `value` once `field` is known.
struct ValueSeed<'a>(&'a str);

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = ChangeValue;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<ChangeValue, D::Error> {
        ChangeValue::deserialize_for(self.0, d)
    }
}

impl<'de> Deserialize<'de> for Change {
    /// Generic path (any deserializer): when `value` precedes `field` it is buffered as JSON
    /// and then converted. [`crate::webhook::parse()`] has a faster path with exact positions.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ChangeVisitor)
    }
}

struct ChangeVisitor;

impl<'de> Visitor<'de> for ChangeVisitor {
    type Value = Change;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a webhook change object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Change, A::Error> {
        let mut field: Option<String> = None;
        let mut typed: Option<ChangeValue> = None;
        let mut buffered: Option<Value> = None;
        let mut extra = Map::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match (key.as_str(), &field) {
                ("field", _) => field = Some(map.next_value()?),
                ("value", Some(name)) => typed = Some(map.next_value_seed(ValueSeed(name))?),
                ("value", None) => buffered = Some(map.next_value()?),
                (other, _) => {
                    extra.insert(other.to_owned(), map.next_value()?);
                }
            }
        }
        let field = field.ok_or_else(|| de::Error::missing_field("field"))?;
        let value = match (typed, buffered) {
            (Some(value), _) => value,
            (None, Some(raw)) => ChangeValue::deserialize_for(&field, raw)
                .map_err(|e| de::Error::custom(format_args!("value: {e}")))?,
            (None, None) => return Err(de::Error::missing_field("value")),
        };
        Ok(Change { value, extra })
    }
}

/// `value.metadata` of phone-scoped fields: which business number the event is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    /// The business display number (digits in webhooks).
    pub display_phone_number: DisplayPhoneNumber,
    /// The business phone number id.
    pub phone_number_id: PhoneNumberId,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Metadata {
    /// Metadata for a business number.
    pub fn new(display_phone_number: DisplayPhoneNumber, phone_number_id: PhoneNumberId) -> Self {
        Self {
            display_phone_number,
            phone_number_id,
            extra: Map::new(),
        }
    }
}

/// `value.contacts[]`: the user a message, status or echo is about.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Contact {
    /// `{name, username}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<Profile>,
    /// The user's phone number; may be absent for username users (2026).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wa_id: Option<WaId>,
    /// BSUID (2026).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<UserId>,
    /// Parent BSUID (2026).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_user_id: Option<UserId>,
    /// Present when the identity-change check is enabled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_key_hash: Option<String>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Contact {
    /// A contact with a phone number and a profile name.
    pub fn new(wa_id: WaId, name: impl Into<String>) -> Self {
        let profile = Profile {
            name: Some(name.into()),
            ..Profile::default()
        };
        Self {
            profile: Some(profile),
            wa_id: Some(wa_id),
            ..Self::default()
        }
    }

    /// The profile name, if any.
    pub fn name(&self) -> Option<&str> {
        self.profile.as_ref()?.name.as_deref()
    }

    /// Whether this contact is the user identified by `wa_id` or `user_id`.
    pub fn matches(&self, wa_id: Option<&WaId>, user_id: Option<&UserId>) -> bool {
        let same_wa = matches!((wa_id, &self.wa_id), (Some(a), Some(b)) if a == b);
        let same_user = matches!((user_id, &self.user_id), (Some(a), Some(b)) if a == b);
        same_wa || same_user
    }
}

/// `contacts[].profile`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Profile {
    /// Display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// WhatsApp username (2026).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
