//! Phone numbers (Meta pages "Phone numbers" and "Onboard WhatsApp Business app users";
//! META.md §5.6, §7.1, §10.3): `GET /{phone_number_id}?fields=…`,
//! `GET /{waba_id}/phone_numbers`, `POST /{phone_number_id}/register`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::graph::Paging;
use crate::ids::{DisplayPhoneNumber, PhoneNumberId};

/// The fields the coexistence onboarding check asks for.
pub const COEXISTENCE_FIELDS: &str = "is_on_biz_app,platform_type";

string_enum! {
    /// `platform_type`. Only `CLOUD_API` is confirmed by the coexistence page.
    pub enum PlatformType {
        /// Cloud API.
        CloudApi = "CLOUD_API",
        /// On-premises API (unconfirmed).
        OnPremise = "ON_PREMISE",
        /// Not applicable (unconfirmed).
        NotApplicable = "NOT_APPLICABLE",
    }
}

string_enum! {
    /// `throughput.level`.
    pub enum ThroughputLevel {
        /// 80 mps.
        Standard = "STANDARD",
        /// 1,000 mps.
        High = "HIGH",
        /// Not applicable.
        NotApplicable = "NOT_APPLICABLE",
    }
}

/// A phone number object (only the fields asked for are present).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PhoneNumber {
    /// The phone number id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<PhoneNumberId>,
    /// Formatted, e.g. `+1 631-555-5555`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_phone_number: Option<DisplayPhoneNumber>,
    /// The approved display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified_name: Option<String>,
    /// `GREEN`, `YELLOW`, `RED`, `UNKNOWN`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quality_rating: Option<String>,
    /// E.g. `VERIFIED`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_verification_status: Option<String>,
    /// Coexistence: the number also works in the WhatsApp Business app.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_on_biz_app: Option<bool>,
    /// `CLOUD_API` for Cloud API numbers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform_type: Option<PlatformType>,
    /// `{level}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub throughput: Option<Throughput>,
    /// Unknown fields (`name_status`, limits, …), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl PhoneNumber {
    /// Whether the number is onboarded for coexistence: `is_on_biz_app` and `CLOUD_API`.
    pub fn is_coexistence(&self) -> bool {
        self.is_on_biz_app == Some(true) && self.platform_type == Some(PlatformType::CloudApi)
    }
}

/// `throughput`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Throughput {
    /// The level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<ThroughputLevel>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GET /{waba_id}/phone_numbers` response.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PhoneNumberList {
    /// The numbers.
    pub data: Vec<PhoneNumber>,
    /// Paging cursors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paging: Option<Paging>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `POST /{phone_number_id}/register` body (skip for coexistence numbers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegisterRequest {
    /// `"whatsapp"`.
    pub messaging_product: String,
    /// Six-digit two-step verification PIN.
    pub pin: String,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
